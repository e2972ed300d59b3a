"""The simulate stage: instaseis synthetics in SPECFEM's SAC layout, the external engine."""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np
import pytest
from cmt_waveforms import STATIONS, build_event, reference_cmt
from seisfoc.cmt import simulate as sim
from seisfoc.cmt.ingest import ingest_run, read_output_files
from seisfoc.cmt.layout import EventLayout
from seisfoc.cmt.records import RUNS

from seisfoc.errors import SeisfocError
from seisfoc.io.cmtsolution import write_cmtsolution


def test_sac_headers_follow_specfem(cmt_event):
    from obspy import UTCDateTime, read

    ref = cmt_event.reference
    path = cmt_event.layout.run_output("CMT") / "IU.ANMO.MXZ.sem.sac"
    tr = read(str(path))[0]
    sac = tr.stats.sac
    assert tr.stats.network == "IU" and tr.stats.station == "ANMO"
    assert tr.stats.channel == "MXZ"
    assert sac.kcmpnm == "MXZ" and sac.knetwk == "IU" and sac.kstnm == "ANMO"
    assert tr.stats.delta == pytest.approx(1.0)
    # reference time = centroid time, b = -1.5 half duration, o = 0
    assert sac.b == pytest.approx(-1.5 * ref.half_duration_s)
    assert sac.o == pytest.approx(0.0)
    assert sac.iztype == 11
    centroid = UTCDateTime(ref.centroid_time)
    assert abs(tr.stats.starttime - (centroid - 1.5 * ref.half_duration_s)) < 1e-6
    assert sac.evla == pytest.approx(ref.centroid_latitude, abs=1e-4)
    assert sac.evlo == pytest.approx(ref.centroid_longitude, abs=1e-4)
    assert sac.evdp == pytest.approx(ref.centroid_depth_km, abs=1e-4)
    assert sac.stla == pytest.approx(34.9459, abs=1e-4)
    assert sac.stlo == pytest.approx(-106.4572, abs=1e-4)
    assert sac.stel == pytest.approx(1820.0) and sac.stdp == pytest.approx(100.0)
    assert sac.user0 == pytest.approx(ref.half_duration_s)
    assert sac.kevnm.strip() == ref.event_name
    assert (sac.cmpaz, sac.cmpinc) == (0.0, 0.0)
    e = read(str(path.with_name("IU.ANMO.MXE.sem.sac")))[0].stats.sac
    assert (e.cmpaz, e.cmpinc) == (90.0, 90.0)


def test_synthetics_equal_instaseis_resampled_and_gaussian(instaseis_db):
    """Against instaseis' own resampling (moments converted to N m by the test) and a
    Gaussian of SPECFEM's width applied by SciPy."""
    import instaseis
    from scipy.ndimage import gaussian_filter1d

    db, info = instaseis_db
    cmt = reference_cmt()
    stations = list(STATIONS[:4])
    ours = sim.synthesize(db, info, cmt, stations, dt_s=1.0, kernel_width=12)
    source = instaseis.Source(
        latitude=cmt.centroid_latitude,
        longitude=cmt.centroid_longitude,
        depth_in_m=cmt.centroid_depth_km * 1e3,
        m_rr=cmt.mrr / 1e7,
        m_tt=cmt.mtt / 1e7,
        m_pp=cmt.mpp / 1e7,
        m_rt=cmt.mrt / 1e7,
        m_rp=cmt.mrp / 1e7,
        m_tp=cmt.mtp / 1e7,
    )
    hg = cmt.half_duration_s / sim.SOURCE_DECAY_MIMIC_TRIANGLE
    shift = int(round(-ours.t0_s))  # our first sample is at -1.5 h = -12 s
    for i, st in enumerate(stations):
        rec = instaseis.Receiver(latitude=st.latitude, longitude=st.longitude)
        ref = db.get_seismograms(source, rec, components="ZNE", dt=1.0, kernelwidth=12)
        for c in range(3):
            # moment rate exp(-(t/hg)^2)/(sqrt(pi) hg) is a normal of sigma hg/sqrt(2)
            expected = gaussian_filter1d(ref[c].data, hg / np.sqrt(2.0), mode="constant")
            n = min(expected.size, ours.data.shape[-1] - shift) - 20
            got = ours.data[i, c, shift : shift + n]
            scale = np.abs(expected).max()
            assert np.abs(got - expected[:n]).max() < 2e-3 * scale


def test_zero_half_duration_is_instaseis_exactly(instaseis_db):
    import instaseis

    db, info = instaseis_db
    cmt = replace(reference_cmt(), half_duration_s=0.0)
    ours = sim.synthesize(db, info, cmt, [STATIONS[2]], dt_s=1.0, kernel_width=12)
    assert ours.t0_s == 0.0
    m = cmt.m6_use / 1e7
    source = instaseis.Source(
        latitude=cmt.centroid_latitude,
        longitude=cmt.centroid_longitude,
        depth_in_m=cmt.centroid_depth_km * 1e3,
        m_rr=m[0],
        m_tt=m[1],
        m_pp=m[2],
        m_rt=m[3],
        m_rp=m[4],
        m_tp=m[5],
    )
    rec = instaseis.Receiver(latitude=STATIONS[2].latitude, longitude=STATIONS[2].longitude)
    ref = db.get_seismograms(source, rec, components="ZNE", dt=1.0, kernelwidth=12)
    for c in range(3):
        n = min(ref[c].data.size, ours.data.shape[-1])
        scale = np.abs(ref[c].data).max()
        assert np.abs(ours.data[0, c, :n] - ref[c].data[:n]).max() < 1e-5 * scale


def test_moment_tensor_linearity(instaseis_db):
    db, info = instaseis_db
    base = reference_cmt()
    zero = dict.fromkeys(("mrr", "mtt", "mpp", "mrt", "mrp", "mtp"), 0.0)
    total = sim.synthesize(db, info, base, STATIONS[:3]).data
    parts = sum(
        sim.synthesize(db, info, replace(base, **{**zero, k: getattr(base, k)}), STATIONS[:3]).data
        for k in zero
    )
    assert np.abs(total - parts).max() < 1e-9 * np.abs(total).max()


def test_second_run_reuses_and_a_changed_input_resimulates(tmp_path, instaseis_db):
    event = build_event(tmp_path / "ev", instaseis_db, stations=STATIONS[:3])
    layout = event.layout
    rep = sim.simulate(layout, database=instaseis_db[1].path)
    assert rep.simulated == [] and rep.reused == list(RUNS)
    cmt_path = layout.run_cmtsolution("CMT_rr")
    text = (
        cmt_path.read_text()
        .replace("half duration:", "half duration:  ")
        .replace("time shift:", "time shift:  ")
    )
    cmt_path.write_text(text)  # same values, other bytes: the checksum changes
    calls = []
    rep = sim.simulate(
        layout, database=instaseis_db[1].path, progress=lambda k, n, r: calls.append((k, n, r))
    )
    assert rep.simulated == ["CMT_rr"] and len(rep.reused) == len(RUNS) - 1
    assert calls[-1] == (len(RUNS), len(RUNS), RUNS[-1])
    assert "1 run(s) simulated" in rep.summary()
    # no leftover temporary folders
    assert not [p for p in layout.run_dir("CMT_rr").iterdir() if p.name.startswith(".")]


def test_source_below_the_database_fails_before_any_simulation(tmp_path, instaseis_db):
    from seisfoc.cmt.prepare import perturbations, write_runs

    event = build_event(tmp_path / "ev", instaseis_db, stations=STATIONS[:2], simulate=False)
    layout = event.layout
    runs = perturbations(event.reference, event.config)
    write_runs(layout, 0, runs, STATIONS[:2])
    write_cmtsolution(
        layout.run_cmtsolution("CMT_lat"), replace(runs["CMT_lat"], centroid_depth_km=380.0)
    )
    with pytest.raises(SeisfocError, match="380 km is outside") as e:
        sim.simulate(layout, database=instaseis_db[1].path)
    assert "CMT_lat" in str(e.value)
    assert not any(sim.has_outputs(layout.run_output(r)) for r in RUNS)


STAND_IN = r'''
"""A stand-in for a SPECFEM launch: reads DATA/STATIONS and writes outputs."""
import math, sys
from pathlib import Path
run_dir = Path(sys.argv[1]); fmt = sys.argv[2]; counter = Path(sys.argv[3])
with open(counter, "a") as fh:
    fh.write(run_dir.name + "\n")
lines = (run_dir / "DATA" / "STATIONS").read_text().splitlines()
stations = [line.split() for line in lines if line.strip()]
out = run_dir / "OUTPUT_FILES"
out.mkdir(exist_ok=True)
dt, n, t0 = 0.5, 400, -12.0
for k, (sta, net, *_rest) in enumerate(stations):
    for c, comp in enumerate("ZNE"):
        vals = [math.sin(2 * math.pi * (t0 + i * dt) / 50.0 + k + c) * 1e-4 for i in range(n)]
        if fmt == "ascii":
            with open(out / f"{net}.{sta}.MX{comp}.sem.ascii", "w") as fh:
                for i, v in enumerate(vals):
                    fh.write(f"{t0 + i * dt:15.7E} {v:15.7E}\n")
        else:  # a binary SAC file written by hand (header version 6, little-endian)
            import numpy as np
            floats = np.full(70, -12345.0, "<f4")
            floats[0], floats[5], floats[6] = dt, t0, t0 + (n - 1) * dt
            ints = np.full(40, -12345, "<i4")
            ints[6], ints[9], ints[15], ints[35] = 6, n, 1, 1
            text = b"-12345  " * 24
            with open(out / f"{net}.{sta}.MX{comp}.sem.sac", "wb") as fh:
                fh.write(floats.tobytes() + ints.tobytes() + text)
                fh.write(np.asarray(vals, "<f4").tobytes())
'''


@pytest.mark.parametrize("fmt", ["ascii", "sac"])
def test_external_engine_runs_ingests_and_reuses(tmp_path, instaseis_db, fmt):
    event = build_event(tmp_path / "my event", instaseis_db, stations=STATIONS[:3], simulate=False)
    script = tmp_path / "solver.py"
    script.write_text(STAND_IN)
    counter = tmp_path / "calls.txt"
    command = f"{sys.executable} '{script}' {{run_dir}} {fmt} '{counter}'"
    rep = sim.simulate(event.layout, engine="external", command=command, show_progress=True)
    assert rep.simulated == list(RUNS) and rep.reused == []
    assert counter.read_text().split() == list(RUNS)
    wf = ingest_run(event.layout, "CMT_tt")
    assert wf.codes == sorted(s.code for s in STATIONS[:3])
    tr = wf.traces["IU.ANMO"]["N"]
    assert tr.dt_s == pytest.approx(0.5) and tr.t0_s == pytest.approx(-12.0)
    t = tr.t0_s + tr.dt_s * np.arange(tr.data.size)
    k = [s.code for s in STATIONS[:3]].index("IU.ANMO")
    np.testing.assert_allclose(tr.data, 1e-4 * np.sin(2 * np.pi * t / 50.0 + k + 1), atol=1e-10)
    # present outputs are used as they are: the command is not run again
    rep = sim.simulate(event.layout, engine="external", command=command)
    assert rep.reused == list(RUNS) and rep.simulated == []
    assert len(counter.read_text().split()) == len(RUNS)


def test_external_engine_errors(tmp_path, instaseis_db):
    event = build_event(tmp_path / "ev", instaseis_db, stations=STATIONS[:2], simulate=False)
    layout = event.layout
    with pytest.raises(SeisfocError, match="exited with status 3"):
        sim.simulate(layout, engine="external", command=f"{sys.executable} -c 'exit(3)'")
    with pytest.raises(SeisfocError, match="left no"):
        sim.simulate(layout, engine="external", command=f"{sys.executable} -c 'pass'")
    with pytest.raises(SeisfocError, match="unknown placeholder"):
        sim.simulate(layout, engine="external", command="solver {nope}")
    with pytest.raises(SeisfocError, match="command not found"):
        sim.simulate(layout, engine="external", command="/no/such/solver {run_dir}")
    with pytest.raises(SeisfocError, match="no command template"):
        sim.simulate(layout, engine="external", command="  ")
    with pytest.raises(SeisfocError, match="run the prepare stage"):
        sim.simulate(EventLayout(tmp_path / "empty"), engine="external", command="x")


def test_command_placeholders(tmp_path):
    run_dir = tmp_path / "a b" / "CMT_rr"
    argv = sim._expand_command(
        "solver --run {run} --in '{cmtsolution}' {stations}", "CMT_rr", run_dir
    )
    assert argv == [
        "solver",
        "--run",
        "CMT_rr",
        "--in",
        str(run_dir / "DATA" / "CMTSOLUTION"),
        str(run_dir / "DATA" / "STATIONS"),
    ]


def test_written_sac_and_ascii_read_back(tmp_path, instaseis_db):
    db, info = instaseis_db
    cmt = replace(reference_cmt(), time_shift_s=10.123)  # a centroid off the millisecond grid
    syn = sim.synthesize(db, info, cmt, STATIONS[:2])
    (tmp_path / "sac").mkdir()
    (tmp_path / "ascii").mkdir()
    sim.write_sem_sac(tmp_path / "sac", cmt, syn, info.period_s)
    sim.write_sem_ascii(tmp_path / "ascii", syn)
    a = read_output_files(tmp_path / "sac", cmt.centroid_time)
    b = read_output_files(tmp_path / "ascii")
    for code in a.traces:
        for comp in "ZNE":
            assert a.traces[code][comp].t0_s == pytest.approx(syn.t0_s, abs=1e-6)
            assert b.traces[code][comp].t0_s == pytest.approx(syn.t0_s, abs=1e-6)
