"""The pipeline's control flow on the demo event: stages write only at their layout
paths, windows picked once or reselected, Gauss-Newton stops on its tolerance, the
variance reductions are consistent, simulations are reused, and an event without any
usable window ends in an "insufficient_data" report instead of a crash."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
from seisfoc.cmt import pipeline
from seisfoc.cmt.config import load_config, write_default
from seisfoc.cmt.demo import make_demo_event


@pytest.fixture(scope="module")
def two_iterations(tmp_path_factory, instaseis_db):
    """The noise-free demo with two iterations and windows reselected."""
    root = tmp_path_factory.mktemp("pipeline") / "event"
    layout, event = make_demo_event(root, noise=0.0, max_iterations=2)
    result = pipeline.run_event(root, progress=False, reselect_windows=True)
    return layout, event, result


def test_stage_outputs_are_at_layout_paths(two_iterations):
    layout, _, result = two_iterations
    assert result.status == "ok"
    for run in layout.runs():
        assert (layout.run_cmtsolution(run, 0)).is_file()
        assert any(layout.run_output(run, 0).glob("*.sem.sac"))
        assert any(layout.run_output(run, 1).glob("*.sem.sac"))
    # the final CMT's new synthetics: only the reference run of iteration 2
    assert sorted(p.name for p in layout.sims_root(2).iterdir()) == ["CMT"]
    for band in load_config(layout.config).band_names:
        for iteration in (0, 1, 2):
            assert layout.processed(band, iteration).is_file()
    assert layout.windows.is_file()
    assert (layout.work / "iter_01" / "windows.json").is_file()  # reselected
    assert (layout.work / "iter_01" / "CMTSOLUTION").is_file()
    assert (layout.work / "iter_02" / "CMTSOLUTION").is_file()
    assert layout.inversion.is_file()
    names = {p.name for p in layout.result.iterdir()}
    assert {"CMTSOLUTION", "summary.json", "report.txt", "quakeml.xml", "beachballs.png",
            "stations.png", "vr.png", "bootstrap.png"} <= names  # fmt: skip


def test_summary_holds_every_number_as_valid_json(two_iterations):
    layout, event, result = two_iterations
    text = (layout.result / "summary.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    s = json.loads(text)
    assert s["n_iterations"] == 2 and len(s["iterations"]) == 2
    assert s["windows_reselected"] is True
    assert set(s["update"]) == {"mrr", "mtt", "mpp", "mrt", "mrp", "mtp", "depth_km",
                                "longitude", "latitude"}  # fmt: skip
    # the update is final minus start, parameter by parameter
    assert s["update"]["depth_km"] == pytest.approx(s["final"]["depth_km"] - s["start"]["depth_km"])
    assert s["bootstrap"]["n"] > 100
    assert all(v is not None and v >= 0 for v in s["bootstrap"]["std"].values())
    assert len(s["windows"]) > 0 and all("weight" in w for w in s["windows"])
    assert s["rejected"] and all(r["reason"] for r in s["rejected"])
    for stage in ("prepare", "simulate", "process", "window", "invert"):
        assert s["timings_s"][stage] > 0
    # noise-free: both variance reductions approach 1 and agree
    assert s["vr"]["real"] > 0.99 and s["vr"]["linear"] > 0.99
    assert abs(s["vr"]["real"] - s["vr"]["linear"]) < 0.01
    for comps in s["vr"]["by_band_component"].values():
        assert all(v > 0.95 for v in comps.values())


def test_first_linear_vr_matches_new_synthetics(two_iterations):
    _, _, result = two_iterations
    first = result.iterations[0]
    # the linearised prediction of the first step and the real synthetics of its CMT
    assert first.resimulated
    assert math.isfinite(first.vr_real)
    assert first.vr_real == pytest.approx(first.vr_linear, abs=0.02)


def test_simulations_are_reused(two_iterations):
    layout, _, _ = two_iterations
    cfg = load_config(layout.config)
    report = pipeline.stage_simulate(layout, cfg, 0)
    assert report.simulated == [] and len(report.reused) == 10


def test_gauss_newton_stops_on_tolerance(tmp_path, instaseis_db):
    root = tmp_path / "event"
    layout, event = make_demo_event(root, noise=0.0, max_iterations=3)
    cfg = load_config(layout.config)
    # start at the truth: the first step is below the tolerance, no second linearisation
    from seisfoc.io.cmtsolution import write_cmtsolution

    write_cmtsolution(layout.cmtsolution, event.truth)
    result = pipeline.run_event(root, cfg, progress=False, report=False)
    assert len(result.iterations) == 1
    assert result.iterations[0].converged and not result.iterations[0].resimulated
    assert not layout.sims_root(1).joinpath("CMT_rr").exists()
    assert np.isfinite(result.iterations[0].vr_real)


def test_no_usable_window_is_reported_not_a_crash(tmp_path, capsys, instaseis_db):
    root = tmp_path / "event"
    layout, _ = make_demo_event(root, noise=0.0, max_iterations=1)
    cfg = load_config(layout.config)
    strict = replace(cfg, bands=tuple(replace(b, min_window_length_s=1e5) for b in cfg.bands))
    write_default(layout.config, strict, overwrite=True)
    # through the command line: exit status 1, the status in the JSON it prints
    from seisfoc.cli import main

    assert main(["cmt", "run", str(root), "--quiet", "--json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed["status"] == "insufficient_data"
    assert printed["final"] == printed["start"]
    s = json.loads((layout.result / "summary.json").read_text())
    assert s["status"] == "insufficient_data" and s["message"]
    assert any(r["reason"] == "too_short" for r in s["rejected"])
    assert "insufficient_data" in (layout.result / "report.txt").read_text()


def _as_ascii(output_dir, centroid_time) -> None:
    """Replace a run's SAC outputs by SPECFEM ASCII files of the same samples."""
    from seisfoc.cmt import ingest

    record = ingest.read_output_files(output_dir, centroid_time)
    for path in output_dir.glob("*.sem.sac"):
        path.unlink()
    for code, comps in record.traces.items():
        for comp, tr in comps.items():
            times = tr.t0_s + tr.dt_s * np.arange(tr.data.size)
            np.savetxt(output_dir / f"{code}.MX{comp}.sem.ascii",
                       np.column_stack([times, tr.data]), fmt="%15.7E")  # fmt: skip


def _as_asdf(output_dir, centroid_time) -> None:
    """Replace a run's SAC outputs by one ASDF file (absolute times, tag synthetic)."""
    import pyasdf
    from obspy import Stream, Trace, UTCDateTime
    from seisfoc.cmt import ingest

    record = ingest.read_output_files(output_dir, centroid_time)
    for path in output_dir.glob("*.sem.sac"):
        path.unlink()
    stream = Stream()
    for code, comps in record.traces.items():
        net, sta = code.split(".")
        for comp, tr in comps.items():
            trace = Trace(tr.data.copy())
            trace.stats.network, trace.stats.station = net, sta
            trace.stats.location, trace.stats.channel = "S1", "MX" + comp
            trace.stats.delta = tr.dt_s
            trace.stats.starttime = UTCDateTime(centroid_time) + tr.t0_s
            stream += trace
    ds = pyasdf.ASDFDataSet(str(output_dir / "synthetics.h5"), mode="w")
    ds.add_waveforms(stream, tag="synthetic")
    del ds


def test_specfem_ascii_and_asdf_outputs_give_the_same_inversion(tmp_path, instaseis_db):
    """Outputs made elsewhere in SPECFEM's layout are handed to the later stages as they
    are and give the inversion the instaseis SAC outputs of the same sources give."""
    import shutil

    from seisfoc.cmt import prepare

    root = tmp_path / "sac"
    layout, _ = make_demo_event(root, noise=0.05, seed=3, max_iterations=1)
    cfg = load_config(layout.config)
    pipeline.stage_prepare(layout, cfg, 0)
    pipeline.stage_simulate(layout, cfg, 0)
    processed = pipeline.stage_process(layout, cfg, 0)
    selection = pipeline.stage_window(layout, cfg, processed, 0)
    reference = pipeline.invert_once(layout, cfg, 0)
    assert len(selection.windows) > 20
    runs = prepare.read_runs(layout, 0)
    for fmt, convert in (("ascii", _as_ascii), ("asdf", _as_asdf)):
        other_root = tmp_path / fmt
        shutil.copytree(root, other_root, ignore=shutil.ignore_patterns("processed", "result"))
        other, _ = pipeline.load_event(other_root)
        for run, cmt in runs.items():
            convert(other.run_output(run, 0), cmt.centroid_time)
        other_cfg = load_config(other.config)
        pipeline.stage_process(other, other_cfg, 0)
        step = pipeline.invert_once(other, other_cfg, 0)  # the windows picked on SAC
        assert step.measurements.n_windows == reference.measurements.n_windows
        scale = np.abs(reference.update) + np.abs(
            np.concatenate([[reference.cmt.scalar_moment_dyne_cm] * 6, [1.0, 0.01, 0.01]])
        )
        # ASCII holds 8 significant digits, ASDF the float32 samples of the SAC files
        tolerance = 1e-5 if fmt == "ascii" else 1e-9
        np.testing.assert_allclose(step.update / scale, reference.update / scale,
                                   rtol=0, atol=tolerance, err_msg=fmt)  # fmt: skip
