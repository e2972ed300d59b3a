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
