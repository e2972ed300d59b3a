"""``seisfoc events``: option errors, F-lines with blank numbers, events that fail while
their rows are made, folders that are not databases, and files that are not files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.nordic import header, line, old_phase, sfile_old
from support.reference import BUNDLE, have_reference, reference_path

from seisfoc import events
from seisfoc.cli import main
from seisfoc.errors import SeisfocError
from seisfoc.io import nordic as N


def _database(root, files: dict[str, bytes]) -> str:
    base = root / "REA" / "TEST_"
    for rel, data in files.items():
        f = base / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(data)
    return str(base)


def _event(day: int, extra=(), fault_lines=()) -> bytes:
    data = sfile_old(extra=extra, fault_lines=fault_lines)
    return data.replace(header(), header(day=day), 1)


def _run(argv, capsys):
    status = main(["events", *argv])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err.splitlines()


# ------------------------------------------------------------------ --start / --end


@pytest.mark.parametrize(
    "argv, option, value",
    [
        (["--start", "garbage"], "--start", "garbage"),
        (["--end", "1996-13-45"], "--end", "1996-13-45"),
        (["--start", "1996-06-03T99"], "--start", "1996-06-03T99"),
    ],
)
def test_bad_time_options_are_usage_errors(tmp_path, capsys, argv, option, value):
    base = _database(tmp_path, {"2020/05/17-0304-12L.S202005": _event(17)})
    with pytest.raises(SystemExit) as info:
        main(["events", base, *argv])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}:" in err and repr(value) in err and "Traceback" not in err


def test_start_after_end_is_one_line_error(tmp_path, capsys):
    base = _database(tmp_path, {"2020/05/17-0304-12L.S202005": _event(17)})
    status, _out, err = _run([base, "--start", "2020-06-01", "--end", "2020-05-01"], capsys)
    assert status == 1
    assert err == ["seisfoc events: error: start time 2020-06-01 is after end time 2020-05-01"]


def test_bad_limits_from_the_api_are_seisfoc_errors(tmp_path):
    base = _database(tmp_path, {"2020/05/17-0304-12L.S202005": _event(17)})
    for bad in ({"start": 5}, {"end": "1996-13-45"}, {"start": "garbage"}):
        with pytest.raises(SeisfocError):
            events.iter_inputs([base], **bad)  # raised at the call, not per folder


@pytest.mark.parametrize("value", ["xx", "1996-13-45"])
def test_pinv_bad_start_is_an_error_without_traceback(tmp_path, value):
    base = _database(tmp_path, {"2020/05/17-0304-12L.S202005": _event(17)})
    proc = subprocess.run(
        [sys.executable, "-m", "seisfoc", "pinv", base, "--start", value, "--no-progress"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2  # an argparse error
    assert "Traceback" not in proc.stderr
    assert "start" in proc.stderr and repr(value) in proc.stderr


def test_a_date_end_includes_that_day(tmp_path, capsys):
    base = _database(
        tmp_path,
        {
            "2020/05/16-0304-12L.S202005": _event(16),
            "2020/05/17-0304-12L.S202005": _event(17),
            "2020/05/18-0304-12L.S202005": _event(18),
        },
    )
    status, out, _err = _run([base, "--start", "2020-05-17", "--end", "2020-05-17"], capsys)
    assert status == 0
    assert [row.split()[-1] for row in out[1:-1]] == ["17-0304-12L.S202005"]
    status, out, _err = _run([base, "--end", "2020-05-17T03:04:12"], capsys)
    assert len(out) == 4  # header, two events, summary
    status, out, _err = _run([base, "--end", "2020-05-17T03:04:11"], capsys)
    assert len(out) == 3


# ------------------------------------------------------------------ F-line with blanks


def test_prime_fault_plane_with_blank_dip_and_rake(tmp_path, capsys):
    f_line = line("F", (1, "     123.0"), (71, "FPFIT"))
    path = tmp_path / "17-0304-12L.S202005"
    path.write_bytes(sfile_old(fault_lines=[f_line]))
    fp = N.read_sfile(path).prime_fault_plane
    assert (fp.strike, fp.dip, fp.rake) == (123.0, None, None)
    status, out, err = _run([str(path)], capsys)
    assert status == 0 and err == []
    assert " 123.0     -       - FPFIT " in out[1]
    # a blank strike with a dip and rake is shown too; an all-blank line as no mechanism
    f_line = line("F", (11, "      45.0"), (21, "     -90.0"))
    path.write_bytes(sfile_old(fault_lines=[f_line]))
    status, out, _err = _run([str(path)], capsys)
    assert "     -  45.0   -90.0 ?" in out[1]
    path.write_bytes(sfile_old(fault_lines=[line("F", (71, "PINV"))]))
    status, out, _err = _run([str(path)], capsys)
    assert "  old      -  " in out[1]


# ------------------------------------------------------------------ per-event errors


def test_an_event_failing_on_its_phase_fields_is_skipped_and_the_run_goes_on(tmp_path, capsys):
    # "1.2.3" is made of number characters: it passes the read-time check and fails only
    # when the line is decoded, after the file was read
    bad = old_phase("BAD", polarity="C", amplitude="  1.2.3")
    base = _database(
        tmp_path,
        {
            "2020/05/16-0304-12L.S202005": _event(16),
            "2020/05/17-0304-12L.S202005": _event(17, extra=[bad]),
            "2020/05/18-0304-12L.S202005": _event(18),
        },
    )
    assert N.read_sfile(os.path.join(base, "2020/05/17-0304-12L.S202005"))
    for extra in ([], ["--polarities"]):
        status, out, err = _run([base, *extra], capsys)
        assert status == 1
        assert out[-1] == "2 events, 8 P polarities, 1 skipped with errors"
        files = [row.split()[-1] for row in out[1:-1] if not row.startswith("    ")]
        assert files == ["16-0304-12L.S202005", "18-0304-12L.S202005"]
        path = os.path.join(base, "2020", "05", "17-0304-12L.S202005")
        assert err == [
            f"seisfoc events: skipped: {path}, line 12, column 34: amplitude is not a number: "
            "'  1.2.3'"
        ]


def test_a_bad_event_of_a_named_hyp_out_is_an_error_and_the_others_are_listed(tmp_path, capsys):
    bad = old_phase("BAD", polarity="D", second="1.2.3")
    path = tmp_path / "hyp.out"
    path.write_bytes(_event(16, extra=[bad]) + _event(17))
    status, out, err = _run([str(path)], capsys)
    assert status == 1
    assert len(out) == 3 and out[1].startswith("2020-05-17")
    assert len(err) == 1 and err[0].startswith(f"seisfoc events: error: {path}, line 12, column 23")


def test_unreadable_and_empty_files_are_errors(tmp_path, capsys):
    bad = tmp_path / "bad.S202101"
    bad.write_bytes(b"\x00\x01binary\xff" * 20)
    empty = tmp_path / "empty.S202101"
    empty.write_bytes(b"\n\n")
    good = tmp_path / "17-0304-12L.S202005"
    good.write_bytes(_event(17))
    status, out, err = _run([str(bad), str(empty), str(good)], capsys)
    assert status == 1
    assert out[-1] == "1 events, 4 P polarities, 2 skipped with errors"
    assert err[0].startswith(f"seisfoc events: error: {bad}, line 1, column 1: binary data")
    assert err[1] == f"seisfoc events: error: {empty}: no events in the file"


# ------------------------------------------------------------------ folders


def test_a_folder_that_is_not_a_database_is_named(tmp_path, capsys):
    folder = tmp_path / "somewhere"
    folder.mkdir()
    (folder / "17-0304-12L.S202005").write_bytes(_event(17))
    status, out, err = _run([str(folder)], capsys)
    assert status == 1
    assert err == [
        f"seisfoc events: error: {folder}: not a SEISAN database folder: no YYYY/MM "
        "sub-folders (give REA/<BASE>)"
    ]
    assert out[-1] == "0 events, 0 P polarities, 1 skipped with errors"


def test_an_empty_database_gets_a_warning(tmp_path, capsys):
    base = _database(tmp_path, {"2020/05/17-0304-12L.S202005": _event(17)})
    status, _out, err = _run([base, "--start", "2021-01-01"], capsys)
    assert status == 0
    assert err == [f"seisfoc events: warning: {base}: no S-files in the time range"]
    os.remove(os.path.join(base, "2020", "05", "17-0304-12L.S202005"))
    status, _out, err = _run([base], capsys)
    assert status == 0 and err == [f"seisfoc events: warning: {base}: no S-files"]


# ------------------------------------------------------------------ not regular files


def _events_subprocess(*args):
    return subprocess.run(
        [sys.executable, "-m", "seisfoc", "events", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_is_refused_not_read():
    proc = _events_subprocess("/dev/zero")  # reading it would never end
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        "seisfoc events: error: /dev/zero: is a character device, not a Nordic file"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "17-0304-12L.S202005"
    os.mkfifo(fifo)
    proc = _events_subprocess(str(fifo))  # opening it to read would wait for a writer
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"seisfoc events: error: {fifo}: is a FIFO (named pipe), not a Nordic file"
    ]


# ------------------------------------------------------------------ same count as seisfoc pinv


def _counts(argv, capsys) -> tuple[dict[str, int], dict[str, int]]:
    """P polarities per file as ``seisfoc events --json`` and ``seisfoc pinv --json``
    (modern mode: used plus skipped for a blank angle) report them."""
    main(["events", "--json", *argv])
    listed = json.loads(capsys.readouterr().out)
    main(["pinv", "--json", *argv])
    solved = json.loads(capsys.readouterr().out)
    counted = {row["file"]: row["n_polarities"] for row in listed}
    used = {
        row["file"]: row["n_polarities"] + len(row["skipped_blank_angle_lines"]) for row in solved
    }
    return counted, used


def test_depth_phases_are_not_p_polarities_in_events_or_pinv(tmp_path, capsys):
    extra = (
        old_phase("FFF", phase="pP", polarity="C", caz=" 20"),
        old_phase("GGG", phase="sP", polarity="D", caz=" 30"),
        old_phase("HHH", phase="PN", polarity="D", caz=" 40"),
        old_phase("JJJ", phase="Pg", polarity="C", ain="    ", caz=" 50"),
    )
    path = tmp_path / "ev.S"
    path.write_bytes(sfile_old(extra=extra))
    listed, solved = _counts([str(path)], capsys)
    # C, D, U, + of the base event, PN and Pg (blank AIN: counted, skipped by pinv)
    assert listed == solved == {str(path): 6}
    (event,) = N.read_events(path)
    assert [ph.station for ph in events.p_polarities(event)] == [
        "AAA", "BBB", "CCC", "DDD", "HHH", "JJJ",
    ]  # fmt: skip


def test_events_and_pinv_count_the_same_p_polarities_on_the_bundled_runs(capsys):
    """The bundled hyp.out files (tests/data/bundle) hold pP readings with a polarity."""
    files = sorted(str(p) for p in BUNDLE.glob("*/hyp.out"))
    assert len(files) >= 10
    listed, solved = _counts(files, capsys)
    assert listed == solved and set(listed) == set(files)
    depth_phases = 0
    for f in files:
        for event in N.read_events(f):
            depth_phases += sum(1 for ph in event.phases if ph.polarity and ph.phase == "pP")
            assert all(ph.phase.startswith("P") for ph in events.p_polarities(event))
    assert depth_phases > 0


def _reference_sfiles() -> list[str]:
    root = reference_path("sfiles")
    return sorted(str(p) for p in root.rglob("*") if p.is_file() and N.is_sfile_name(p.name))


@pytest.mark.skipif(not have_reference(), reason="needs ../shared/reference")
def test_events_and_pinv_count_the_same_p_polarities_on_every_reference_sfile(capsys):
    files = _reference_sfiles()
    assert len(files) > 40
    listed, solved = _counts(files, capsys)
    assert set(listed) == set(solved) == set(files)
    assert listed == solved
    with_depth_phase = [f for f in files if b"pP  " in Path(f).read_bytes()]
    assert with_depth_phase, "the reference S-files include an event with a pP reading"


def test_an_overflowing_header_number_is_an_error_at_its_column(tmp_path, capsys):
    """Found by the long fuzz run: a longitude of 1e999 was listed as 'inf' (exit 0)."""
    from seisfoc.cli import main

    src = Path(__file__).resolve().parents[1] / "seisfoc" / "data" / "example" / "REA"
    event = sorted(src.rglob("*.S20*"))[0]
    lines = event.read_bytes().splitlines(keepends=True)
    lines[0] = lines[0][:30] + b"   1e999" + lines[0][38:]
    bad = tmp_path / "bad.S"
    bad.write_bytes(b"".join(lines))
    assert main(["events", str(bad)]) == 1
    out = capsys.readouterr()
    assert "inf" not in out.out
    assert f"{bad}, line 1, column 31" in out.err
