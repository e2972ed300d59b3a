"""QuakeML of ``seisfoc pinv`` and ``seisfoc fps``: read back with ObsPy, valid against
the QuakeML 1.2 schema ObsPy bundles, stable ids so that a second import updates."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from seisfoc.cli import main
from seisfoc.io import nordic

obspy = pytest.importorskip("obspy")
from obspy import read_events  # noqa: E402
from obspy.io.quakeml.core import _validate  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "seisfoc" / "data" / "example"


@pytest.fixture()
def example_db(tmp_path):
    root = tmp_path / "REA" / "EXAMP"
    shutil.copytree(EXAMPLE / "REA" / "EXAMP", root)
    return root


def _sfile_events(root):
    out = {}
    for path in nordic.iter_database(root):
        event = nordic.read_events(path)[0]
        out[event.ids[0].event_id.strip()] = event
    return out


@pytest.mark.parametrize("command", ["pinv", "fps"])
def test_quakeml_reimport_schema_and_content(example_db, tmp_path, capsys, command):
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    assert main([command, str(example_db), "--quakeml", str(first), "--agency", "TST"]) == 0
    assert main([command, str(example_db), "--quakeml", str(second), "--agency", "TST"]) == 0
    capsys.readouterr()
    assert _validate(str(first)) and _validate(str(second))
    a, b = read_events(str(first)), read_events(str(second))
    # importing twice: the same ids, so a catalogue keyed by id holds one event per S-file
    merged = {str(e.resource_id): e for e in list(a) + list(b)}
    assert len(merged) == len(a) == len(b)
    assert [str(e.resource_id) for e in a] == [str(e.resource_id) for e in b]
    sfiles = _sfile_events(example_db)
    expected = 9 if command == "pinv" else 8  # fps: the 4-polarity event has no solution
    assert len(a) == expected
    for ev in a:
        key = str(ev.resource_id).rsplit("/", 1)[1]
        sfile = sfiles[key]  # the id is the S-file's SEISAN event ID (I-line)
        h = sfile.headers[0]
        origin = ev.preferred_origin()
        assert origin.latitude == pytest.approx(h.latitude)
        assert origin.longitude == pytest.approx(h.longitude)
        assert origin.depth == pytest.approx(h.depth_km * 1000.0)
        assert ev.preferred_magnitude().mag == pytest.approx(h.magnitudes[0][0])
        fm = ev.preferred_focal_mechanism()
        assert str(fm.resource_id).endswith("/" + ("PINV" if command == "pinv" else "SEISFOC"))
        assert fm.evaluation_mode == "automatic" and fm.evaluation_status == "preliminary"
        assert fm.creation_info.agency_id == "TST" and fm.creation_info.version
        assert str(fm.method_id).startswith("smi:seisfoc/method/")
        assert fm.nodal_planes.nodal_plane_1.strike is not None
        assert fm.principal_axes.t_axis.plunge is not None
        # a pick and an arrival per reading used, with the S-file's polarity and angles
        by_line = {p.line_number: p for p in sfile.phases}
        arrivals = {str(x.pick_id): x for x in origin.arrivals}
        assert len(ev.picks) == fm.station_polarity_count
        for pick in ev.picks:
            line = int(str(pick.resource_id).rsplit("/", 1)[1])
            p = by_line[line]
            assert pick.waveform_id.station_code == p.station
            assert pick.polarity == ("positive" if p.polarity in "CU+" else "negative")
            arr = arrivals[str(pick.resource_id)]
            assert arr.takeoff_angle == pytest.approx(p.ain_deg)
            assert arr.azimuth == pytest.approx(p.caz_deg)
        if command == "fps":
            assert fm.nodal_planes.nodal_plane_1.strike_errors.uncertainty >= 0.0
            assert any("quality grade" in c.text for c in fm.comments)


EVENT = EXAMPLE / "REA" / "EXAMP" / "2021" / "07" / "30-2345-12L.S202107"


def _polarity_line(ln: bytes) -> bool:
    """An old-Nordic phase line (column 80 blank) with a C or D polarity."""
    return ln[16:17] in (b"C", b"D") and ln[79:80] == b" "


def _edited(tmp_path, edit) -> Path:
    lines = EVENT.read_bytes().splitlines(keepends=True)
    edit(lines)
    path = tmp_path / "ev.S"
    path.write_bytes(b"".join(lines))
    return path


def test_a_header_date_that_is_no_time_is_an_error_at_its_line(tmp_path, capsys):
    """Found by the fuzz run: month 13 made ObsPy's ValueError the message, naming only
    the QuakeML file."""

    def month_13(lines):
        lines[0] = lines[0][:6] + b"13" + lines[0][8:]

    sfile = _edited(tmp_path, month_13)
    out = tmp_path / "out.xml"
    assert main(["pinv", str(sfile), "--quakeml", str(out), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert f"{sfile}: line 1" in err.replace(",", ":") or f"{sfile}:1" in err, err
    assert "not a valid time" in err and "Traceback" not in err


def test_a_phase_time_that_is_no_time_leaves_its_pick_out(tmp_path):
    """Found by the fuzz run: seconds of 1e300 raised OverflowError in ObsPy's time
    arithmetic."""
    k_first = None

    def huge_seconds(lines):
        nonlocal k_first
        k_first = next(i for i, ln in enumerate(lines) if _polarity_line(ln))
        lines[k_first] = lines[k_first][:22] + b"1e+300" + lines[k_first][28:]

    sfile = _edited(tmp_path, huge_seconds)
    out = tmp_path / "out.xml"
    assert main(["pinv", str(sfile), "--quakeml", str(out), "--no-progress"]) == 0
    event = read_events(str(out))[0]
    n_pol = sum(1 for ln in sfile.read_bytes().splitlines(keepends=True) if _polarity_line(ln))
    assert len(event.picks) == n_pol - 1
    assert all(not str(p.resource_id).endswith(f"/{k_first + 1}") for p in event.picks)


def test_a_control_character_in_a_used_phase_line_is_named_at_its_column(tmp_path, capsys):
    """Found by the long fuzz run: the error named only the QuakeML file."""
    k_first = None

    def control(lines):
        nonlocal k_first
        k_first = next(i for i, ln in enumerate(lines) if _polarity_line(ln))
        lines[k_first] = lines[k_first][:6] + b"\x18" + lines[k_first][7:]

    sfile = _edited(tmp_path, control)
    out = tmp_path / "out.xml"
    assert main(["pinv", str(sfile), "--quakeml", str(out), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert f"{sfile}, line {k_first + 1}, column 7" in err and "QuakeML" in err, err
