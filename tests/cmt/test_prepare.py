"""seisfoc.cmt.prepare and seisfoc.io.specfem_stations: the run folders read back with
seisfoc.cmtsolution and ObsPy equal the intended perturbations."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import obspy
import pytest
from cmtcore_problem import start_cmt
from seisfoc.cmt import config as cmtconfig
from seisfoc.cmt import prepare
from seisfoc.cmt.layout import EventLayout
from seisfoc.cmt.records import RUNS

from seisfoc.errors import SeisfocError
from seisfoc.io.cmtsolution import read_cmtsolution
from seisfoc.io.specfem_stations import (
    Station,
    format_stations,
    parse_stations,
    read_stations,
)

STATIONS = [
    Station("II", "AAK", 42.639, 74.494, 1645.0, 30.0),
    Station("IU", "ANMO", 34.9459, -106.4572, 1850.0, 100.0),
    Station("G", "CAN", -35.318715, 148.996325, 700.0, 0.0),
]
M_FIELDS = ("mrr", "mtt", "mpp", "mrt", "mrp", "mtp")


def test_forward_runs_hold_what_the_spec_asks():
    cmt = start_cmt()
    cfg = cmtconfig.Config()
    runs = prepare.perturbations(cmt, cfg)
    assert tuple(runs) == RUNS
    dm = cfg.perturbation.dm_dyne_cm
    for i, run in enumerate(RUNS[1:7]):
        m6 = runs[run].m6_use
        expect = np.zeros(6)
        expect[i] = dm
        np.testing.assert_array_equal(m6, expect)
        assert runs[run].centroid_depth_km == cmt.centroid_depth_km
    assert runs["CMT_depth"].centroid_depth_km == pytest.approx(cmt.centroid_depth_km + 1.0)
    assert runs["CMT_lon"].centroid_longitude == pytest.approx(cmt.centroid_longitude + 0.01)
    assert runs["CMT_lat"].centroid_latitude == pytest.approx(cmt.centroid_latitude + 0.01)
    for run in ("CMT_depth", "CMT_lon", "CMT_lat"):
        np.testing.assert_array_equal(runs[run].m6_use, cmt.m6_use)
        assert runs[run].half_duration_s == cmt.half_duration_s
        assert runs[run].time_shift_s == cmt.time_shift_s
    st = prepare.stencils(runs)
    assert [s.kind for s in st.values()] == ["linear"] * 6 + ["forward"] * 3
    assert st["depth_km"].step == 1.0 and st["latitude"].step == 0.01
    assert st["mrp"].plus_run == "CMT_rp" and st["mrp"].minus_run is None


def test_written_runs_read_back_with_seisfoc_and_obspy(tmp_path):
    cmt = start_cmt()
    cfg = cmtconfig.Config(perturbation=cmtconfig.PerturbationConfig(differences="centred"))
    runs = prepare.perturbations(cmt, cfg)
    layout = EventLayout(tmp_path)
    written = prepare.write_runs(layout, 0, runs, STATIONS)
    assert len(written) == 13
    for run, sol in runs.items():
        assert layout.run_output(run).is_dir()
        back = read_cmtsolution(layout.run_cmtsolution(run))
        assert back == [sol]
        ev = obspy.read_events(str(layout.run_cmtsolution(run)), format="CMTSOLUTION")[0]
        origin = [o for o in ev.origins if o.origin_type == "centroid"][0]
        assert origin.latitude == pytest.approx(sol.centroid_latitude, abs=1e-9)
        assert origin.longitude == pytest.approx(sol.centroid_longitude, abs=1e-9)
        assert origin.depth == pytest.approx(sol.centroid_depth_km * 1000.0, abs=1e-6)
        tensor = ev.focal_mechanisms[0].moment_tensor.tensor
        for name in M_FIELDS:  # ObsPy converts dyne-cm to N m
            assert getattr(tensor, "m_" + name[1:]) * 1e7 == pytest.approx(getattr(sol, name))
        assert read_stations(layout.run_stations(run)) == STATIONS
    again = prepare.read_runs(layout)
    assert again == runs
    st = prepare.stencils(again)
    assert st["longitude"].kind == "centred" and st["longitude"].step == pytest.approx(0.02)
    assert st["depth_km"].minus_run == "CMT_depth_m"
    # iterations go below work/
    prepare.write_runs(layout, 2, runs, STATIONS)
    assert (tmp_path / "work" / "iter_02" / "CMT_SIMs" / "CMT_lat" / "DATA" / "STATIONS").is_file()


def test_steps_at_the_edges():
    cmt = start_cmt()
    cfg = cmtconfig.Config()
    # below the deepest source of a database: the depth step goes up (backward difference)
    runs = prepare.perturbations(cmt, cfg, max_depth_km=41.5)
    assert runs["CMT_depth"].centroid_depth_km == pytest.approx(39.9)
    st = prepare.stencils(runs)
    assert st["depth_km"].kind == "backward" and st["depth_km"].step == pytest.approx(-1.0)
    assert "upwards" in st["depth_km"].note
    # near the surface with centred differences: the upper run stays at 0 km
    shallow = replace(cmt, centroid_depth_km=0.4)
    centred = cmtconfig.Config(perturbation=cmtconfig.PerturbationConfig(differences="centred"))
    runs = prepare.perturbations(shallow, centred)
    assert runs["CMT_depth_m"].centroid_depth_km == 0.0
    assert prepare.stencils(runs)["depth_km"].step == pytest.approx(1.4)
    assert "uneven" in prepare.stencils(runs)["depth_km"].note
    # latitude beyond the pole and longitude across the date line
    polar = replace(cmt, centroid_latitude=89.995, centroid_longitude=179.995)
    runs = prepare.perturbations(polar, cfg)
    assert runs["CMT_lat"].centroid_latitude == pytest.approx(89.985)
    assert runs["CMT_lon"].centroid_longitude == pytest.approx(-179.995)
    st = prepare.stencils(runs)
    assert st["latitude"].step == pytest.approx(-0.01) and st["latitude"].kind == "backward"
    assert st["longitude"].step == pytest.approx(0.01)
    with pytest.raises(SeisfocError, match="above the surface"):
        prepare.perturbations(replace(cmt, centroid_depth_km=-1.0), cfg)
    with pytest.raises(SeisfocError, match="deepest source"):
        prepare.perturbations(cmt, cfg, max_depth_km=30.0)


def test_stencils_from_gcmt3d_like_steps_and_errors():
    cmt = start_cmt()
    gcmt3d = cmtconfig.PerturbationConfig(dm_dyne_cm=2e23, depth_km=3.0, latitude_deg=0.03,
                                          longitude_deg=0.03)  # fmt: skip
    runs = prepare.perturbations(cmt, gcmt3d)
    st = prepare.stencils(runs)
    assert st["mtt"].step == 2e23 and st["depth_km"].step == 3.0
    assert st["latitude"].step == pytest.approx(0.03)
    two = dict(runs)
    two["CMT_rr"] = replace(runs["CMT_rr"], mtt=1e23)
    with pytest.raises(SeisfocError, match="must hold only Mrr"):
        prepare.stencils(two)
    moved = dict(runs)
    moved["CMT_depth"] = replace(runs["CMT_depth"], centroid_latitude=0.0)
    with pytest.raises(SeisfocError, match="differs from the reference"):
        prepare.stencils(moved)
    missing = {k: v for k, v in runs.items() if k != "CMT_lon"}
    with pytest.raises(SeisfocError, match="CMT_lon"):
        prepare.stencils(missing)
    assert len(prepare.stencils(missing, 7)) == 7
    same = dict(runs)
    same["CMT_lat"] = runs["CMT"]
    with pytest.raises(SeisfocError, match="zero step"):
        prepare.stencils(same)


def test_stations_file_round_trip_and_errors(tmp_path):
    text = format_stations(STATIONS)
    assert parse_stations(text) == STATIONS
    lines = text.splitlines()
    assert lines[0].split() == ["AAK", "II", "42.639000", "74.494000", "1645.0", "30.0"]
    # comments, blank lines and any whitespace are accepted
    assert parse_stations("# list\n\n  AAK\tII 42.6 74.5 1645 30\n") == [
        Station("II", "AAK", 42.6, 74.5, 1645.0, 30.0)
    ]
    cases = [
        ("AAK II 42.6 74.5 1645\n", 1, 22, "6 columns"),
        ("AAK II 42.6 east 1645 30\n", 1, 13, "longitude 'east'"),
        ("AAK II 92.6 74.5 1645 30\n", 1, 8, "outside [-90, 90]"),
        ("AAK II 42.6 74.5 1645 30 x\n", 1, 26, "7th column"),
        ("AAK II 1 2 3 4\nAAK II 1 2 3 4\n", 2, 1, "listed twice"),
        ("AAK TOOLONGNET 1 2 3 4\n", 1, 5, "network code longer"),
    ]
    for text, line, column, message in cases:
        with pytest.raises(SeisfocError) as info:
            parse_stations(text, "STATIONS")
        err = info.value
        assert message in err.message, text
        assert (err.path, err.line, err.column) == ("STATIONS", line, column), text
    with pytest.raises(SeisfocError, match="not found"):
        read_stations(tmp_path / "STATIONS")
    with pytest.raises(SeisfocError, match="cannot be written"):
        format_stations([Station("II", "A A", 0, 0)])
