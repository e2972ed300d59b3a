"""``seisfoc compare``: the shared TEST_ database, FOCMEC's own output and exit codes on
constructed databases (the example database with its true mechanisms as F-lines)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from seisfoc.fps import compare as C

from seisfoc.cli import main
from seisfoc.io import nordic
from seisfoc.mechanism import kagan_angle, p_radiation
from seisfoc.polarity import readings as R

EXAMPLE = Path(__file__).resolve().parents[1] / "seisfoc" / "data" / "example"


def _run(argv, capsys):
    code = main(["compare", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def truth_db(tmp_path):
    """The example database with each true mechanism written as an OF-line of TRUTH."""
    root = tmp_path / "REA" / "EXAMP"
    shutil.copytree(EXAMPLE / "REA" / "EXAMP", root)
    truth = json.loads((EXAMPLE / "truth.json").read_text())["events"]
    for e in truth:
        line = nordic.format_fault_plane_line(
            e["strike"], e["dip"], e["rake"], program="TRUTH", agency="TST", flag="O"
        )
        nordic.write_fault_plane(root / e["file"], line, prime=False)
    return root, truth


def test_database_every_event_with_both_mechanisms(reference_dir, capsys):
    """TEST_: fresh PINV against the stored F-line. Every event that has an F-line and at
    least three polarities with both angles is compared, the others are skipped with a
    reason; the numbers are those of the S-files and of FOCMEC's reference run."""
    db = reference_dir / "sfiles" / "TEST_"
    code, out, _ = _run([str(db), "--json", "--threshold", "179"], capsys)
    assert code == 0
    report = json.loads(out)
    expected = set()
    for path in nordic.iter_database(db):
        for event in nordic.read_events(path):
            has_f = any(f.strike is not None for f in event.fault_planes)
            if has_f and len(R.select(event, "pinv")) >= 3:
                expected.add(path)
    ok = [e for e in report["events"] if e["status"] == "ok"]
    assert {e["path"] for e in ok} == expected and len(expected) >= 2
    assert report["summary"]["compared"] == len(ok)
    assert report["summary"]["events"] == len(report["events"]) == 45
    for e in ok:
        a, b = e["a"], e["b"]
        k = kagan_angle((a["strike"], a["dip"], a["rake"]), (b["strike"], b["dip"], b["rake"]))
        assert e["kagan_deg"] == pytest.approx(float(k))
    # 1995-08-22: the S-file's F-line and FOCMEC's listing (one error, at HYA)
    row = next(e for e in ok if "22-0141-06L" in e["path"])
    assert (row["b"]["strike"], row["b"]["dip"], row["b"]["rake"]) == (359.6, 83.6, -7.7)
    assert row["b"]["misfit_stations"] == ["HYA"] and row["b"]["inside_focmec"]
    assert row["focmec_min_errors"] == 1.0
    # two programs' F-lines: the one TEST_ event with both (EEV's blank-program line and
    # FOCMEC's)
    code, out, _ = _run([str(db), "--a", "fline:", "--b", "fline:FOCMEC", "--json"], capsys)
    ok = [e for e in json.loads(out)["events"] if e["status"] == "ok"]
    assert [Path(e["path"]).name for e in ok] == ["16-0313-10D.S200711"]
    assert ok[0]["kagan_deg"] == pytest.approx(
        float(kagan_angle((177, 29, -44), (157.46, 41.41, -40.89)))
    )
    assert code == 0


def test_table_and_csv(reference_dir, capsys):
    db = reference_dir / "sfiles" / "TEST_"
    code, out, _ = _run([str(db), "--threshold", "179"], capsys)
    assert code == 0
    assert "2 of 45 events compared" in out and "Kagan median" in out
    assert "HYA / HYA" in out and "nan" not in out.lower()
    code, out, _ = _run([str(db), "--csv", "--threshold", "179"], capsys)
    lines = out.splitlines()
    assert lines[0].startswith("path,event_index,event,status") and len(lines) == 46
    assert "nan" not in out.lower()


def test_focmec_output_file_and_computed_set_agree(reference_dir, capsys):
    """FOCMEC's own fm_new.out against seisfoc's FOCMEC set on the same event: the same
    5,001 solutions, so the two averages coincide and each lies in the other's set."""
    folder = reference_dir / "pinv" / "22-0141-06L.S199508" / "hyp"
    fm = folder / "focmec" / "fm_new.out.gz"
    rows = C.read_focmec_output(str(fm))
    assert rows.shape == (5001, 4) and rows[:, 3].min() == 1.0
    lst = C.read_focmec_output(str(folder / "focmec" / "focmec.lst.gz"))
    np.testing.assert_allclose(lst[:, :3], rows[:, :3], atol=0.006)
    code, out, _ = _run(
        [str(folder / "hyp.out"), "--a", "focmec", "--b", f"file:{fm}", "--json"], capsys
    )
    e = json.loads(out)["events"][0]
    assert code == 0 and e["status"] == "ok"
    assert e["focmec_size"] == 5001 and e["focmec_source"] == "file"
    assert e["kagan_deg"] < 0.01
    assert e["a"]["inside_focmec"] is not None


def test_exit_codes_on_constructed_database(truth_db, capsys, tmp_path):
    """PINV against the true mechanisms: 0 within the threshold, 3 beyond it, 1 when an
    S-file is bad (the run goes on), 2 for a usage error; each event's Kagan angle is that
    of PINV's solution to the truth, and the misfit stations are the flipped readings."""
    root, truth = truth_db
    code, out, _ = _run([str(root), "--b", "fline:TRUTH", "--threshold", "90", "--json"], capsys)
    report = json.loads(out)
    ok = [e for e in report["events"] if e["status"] == "ok"]
    assert code == 0 and len(ok) == 9
    worst = max(e["kagan_deg"] for e in ok)
    by_file = {e["file"]: e for e in truth}
    for e in ok:
        t = by_file[str(Path(e["path"]).relative_to(root))]
        assert (e["b"]["strike"], e["b"]["dip"], e["b"]["rake"]) == (
            t["strike"],
            t["dip"],
            t["rake"],
        )
        # the truth contradicts exactly the readings flipped on purpose (and any reading
        # that lies on a nodal plane is not counted)
        assert e["b"]["misfit_count"] == len(t["flipped_polarities"])
    code, _, _ = _run([str(root), "--b", "fline:TRUTH", "--threshold", f"{worst - 0.5}"], capsys)
    assert code == 3
    code, out, _ = _run([str(root), "--b", "fline:TRUTH", "--threshold", f"{worst + 0.5}"], capsys)
    assert code == 0
    # a bad S-file in the database: reported, the others still compared
    bad = root / "2021" / "03" / "05-0000-00L.S202103"
    bad.write_bytes(b"not a nordic file\x00\n")
    code, out, err = _run([str(root), "--b", "fline:TRUTH", "--threshold", "179"], capsys)
    assert code == 1 and "9 of 10 events compared" in out and "1 errors" in out
    code, _, _ = _run([str(root), "--b", "fline:TRUTH", "--threshold", f"{worst - 0.5}"], capsys)
    assert code == 3  # a regression is reported even when there were errors
    with pytest.raises(SystemExit) as info:
        main(["compare", str(root), "--threshold", "-3"])
    assert info.value.code == 2
    code, _, err = _run([str(root), "--b", "nonsense"], capsys)
    assert code == 1 and "unknown source" in err


def test_no_event_with_both_is_an_error(truth_db, capsys):
    root, _ = truth_db
    code, _, err = _run([str(root), "--b", "fline:NOBODY"], capsys)
    assert code == 1 and "no event has both mechanisms" in err


def test_plot_writes_png(truth_db, capsys, tmp_path):
    root, _ = truth_db
    png = tmp_path / "k.png"
    code, _, _ = _run(
        [str(root), "--b", "fline:TRUTH", "--plot", str(png), "--threshold", "179"], capsys
    )
    assert code == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_focmec_selection_as_focmec_p(reference_dir):
    """SEISAN's 'focmec p' on 1995-08-22 gave FOCMEC the 13 readings of focmec.dat: weight
    9 lines kept, PG beside P kept; the qc selection keeps one per station, without
    weights 4/9."""
    folder = reference_dir / "pinv" / "22-0141-06L.S199508" / "hyp"
    event = nordic.read_events(folder / "hyp.out")[0]
    sel = R.select(event, "focmec")
    rows = (folder / "focmec" / "focmec.dat").read_text().splitlines()[1:]
    assert [r[:4].strip() for r in rows] == sel.station
    np.testing.assert_array_equal([float(r[4:12]) for r in rows], sel.azimuth_deg)
    np.testing.assert_array_equal([float(r[12:20]) for r in rows], sel.takeoff_deg)
    assert [1.0 if r[20] == "C" else -1.0 for r in rows] == sel.polarity
    qc = R.select(event, "qc")
    assert sorted(qc.station) == sorted(set(sel.station) - {"ODD1", "MOL"})
    reasons = {(s, why) for _, s, _, why in qc.dropped}
    assert ("MOL", "weight 9 (not used by HYP)") in reasons
    assert ("KMY", "repeat of P (one polarity per station)") in reasons
    # the F-line's polarity count: the readings it contradicts under p_radiation
    amp = p_radiation(359.6, 83.6, -7.7, *sel.arrays()[1:])
    assert [s for s, a, p in zip(sel.station, amp, sel.polarity, strict=True) if a * p < 0] == [
        "HYA"
    ]


def test_year_and_month_as_time_limits(reference_dir, capsys):
    """--start 1995 --end 1996-07: a year and a month are whole ranges (issue 10)."""
    from seisfoc.io.nordic import time_range

    assert time_range("1995", "1996-07") == (
        __import__("datetime").datetime(1995, 1, 1),
        __import__("datetime").datetime(1996, 7, 31, 23, 59, 59, 999999),
    )
    db = reference_dir / "sfiles" / "TEST_"
    code, out, _ = _run(
        [str(db), "--start", "1995", "--end", "1995", "--json", "--threshold", "179"], capsys
    )
    events = json.loads(out)["events"]
    assert code == 0 and [Path(e["path"]).name for e in events] == ["22-0141-06L.S199508"]
    with pytest.raises(SystemExit) as info:
        main(["compare", str(db), "--end", "1996-13"])
    assert info.value.code == 2
