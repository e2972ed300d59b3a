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
