"""seisfoc.cmt.measure against independent computations on a problem with analytic
derivatives (tests/cmt/cmtcore_problem.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.signal.windows
from cmtcore_problem import make_problem
from seisfoc.cmt import config as cmtconfig
from seisfoc.cmt import measure
from seisfoc.cmt.records import Window

from seisfoc.errors import SeisfocError


@pytest.fixture(scope="module")
def problem():
    return make_problem(
        truth_changes=dict(mrr=-1.3e26, mtp=1.0e26, centroid_depth_km=42.4,
                           centroid_longitude=150.14, centroid_latitude=-5.88),
    )  # fmt: skip


def _independent(problem, w: int, alpha: float = 0.2):
    """A_w, b_w, misfit from the analytic derivative traces, with SciPy's Tukey window."""
    win = problem.windows[w]
    s = problem.obs.codes.index(win.code)
    c = "ZRT".index(win.component)
    dt = problem.obs.dt_s
    i0 = int(np.ceil(win.start_s / dt))
    i1 = int(np.floor(win.end_s / dt))
    taper = scipy.signal.windows.tukey(i1 - i0 + 1, alpha)
    d = problem.basis[:, s, c, i0 : i1 + 1] * taper
    r = (problem.obs.data[s, c, i0 : i1 + 1] - problem.syns["CMT"].data[s, c, i0 : i1 + 1]) * taper
    return dt * d @ d.T, dt * d @ r, dt * r @ r


def test_normal_equations_match_analytic_derivatives(problem):
    m = measure.measure(problem.obs, problem.syns, problem.windows, problem.stencils)
    assert m.parameters == ("mrr", "mtt", "mpp", "mrt", "mrp", "mtp", "depth_km", "longitude",
                            "latitude")  # fmt: skip
    assert m.A.shape == (len(problem.windows), 9, 9)
    for w in (0, 5, len(problem.windows) - 1):
        a, b, misfit = _independent(problem, w)
        scale = np.sqrt(np.outer(np.diag(a), np.diag(a)))
        # moment columns exact by linearity; location columns exact (the model is linear)
        np.testing.assert_allclose(m.A[w] / scale, a / scale, atol=1e-9)
        np.testing.assert_allclose(m.b[w], b, rtol=1e-8, atol=1e-12 * np.abs(b).max())
        assert m.misfit[w] == pytest.approx(misfit, rel=1e-12)


def test_moment_tensor_columns_are_the_runs_divided_by_dm(problem):
    # dsyn/dMij = syn_ij / dM: with one window the diagonal of A is dt sum (t syn_ij/dM)^2
    win = problem.windows[3]
    m = measure.measure(problem.obs, problem.syns, [win], problem.stencils)
    s = problem.obs.codes.index(win.code)
    c = "ZRT".index(win.component)
    dm = problem.runs["CMT_rt"].mrt
    i0, i1 = measure.window_indices(win, 0.0, problem.obs.dt_s, problem.obs.data.shape[-1])
    t = scipy.signal.windows.tukey(i1 - i0 + 1, 0.2)
    trace = problem.syns["CMT_rt"].data[s, c, i0 : i1 + 1] / dm * t
    assert m.A[0, 3, 3] == pytest.approx(problem.obs.dt_s * trace @ trace, rel=1e-12)


def test_linearised_misfit_identity(problem):
    """misfit - 2 b.dm + dm.A dm equals the misfit of the synthetics at start + dm."""
    m = measure.measure(problem.obs, problem.syns, problem.windows, problem.stencils)
    rng = np.random.default_rng(3)
    dm = np.concatenate([rng.normal(0, 2e25, 6), [1.5, -0.02, 0.03]])
    coef = dm.copy()
    new = np.tensordot(coef, problem.basis, axes=1) + problem.syns["CMT"].data
    for w in (1, 7, 20):
        win = problem.windows[w]
        s = problem.obs.codes.index(win.code)
        c = "ZRT".index(win.component)
        i0, i1 = measure.window_indices(win, 0.0, problem.obs.dt_s, problem.obs.data.shape[-1])
        t = scipy.signal.windows.tukey(i1 - i0 + 1, 0.2)
        r = (problem.obs.data[s, c, i0 : i1 + 1] - new[s, c, i0 : i1 + 1]) * t
        direct = problem.obs.dt_s * r @ r
        linear = m.misfit[w] - 2 * m.b[w] @ dm + dm @ m.A[w] @ dm
        assert linear == pytest.approx(direct, rel=1e-9)


def test_centred_and_forward_agree_on_a_linear_model():
    cfg = cmtconfig.Config(perturbation=cmtconfig.PerturbationConfig(differences="centred"))
    centred = make_problem(cfg=cfg)
    assert centred.stencils["depth_km"].kind == "centred"
    forward = make_problem()
    mc = measure.measure(centred.obs, centred.syns, centred.windows, centred.stencils)
    mf = measure.measure(forward.obs, forward.syns, forward.windows, forward.stencils)
    np.testing.assert_allclose(mc.A, mf.A, rtol=1e-7, atol=1e-9 * np.abs(mf.A).max())


def test_station_correction_only_when_asked():
    p = make_problem(obs_shift_s=6.0)  # obs = the reference synthetics, 6 s later
    without = measure.measure(p.obs, p.syns, p.windows, p.stencils, station_correction=False)
    with_ = measure.measure(p.obs, p.syns, p.windows, p.stencils, station_correction=True)
    # the lag is measured either way (positive: observed later)
    np.testing.assert_allclose(without.cc_shift_s, 6.0, atol=0.15)
    np.testing.assert_allclose(with_.cc_shift_s, 6.0, atol=0.15)
    assert np.all(without.shift_s == 0.0)
    np.testing.assert_allclose(with_.shift_s, with_.cc_shift_s)
    # shifting back removes nearly all of the misfit; not shifting keeps it
    assert np.median(with_.chi) < 1e-3
    assert np.median(without.chi) > 1e-2
    assert np.all(with_.cc_max > 0.999)


def test_dlna_and_energies():
    p = make_problem()
    obs = replace(p.obs, data=p.syns["CMT"].data * 2.0)
    m = measure.measure(obs, p.syns, p.windows, p.stencils)
    np.testing.assert_allclose(m.dlna, np.log(2.0), rtol=1e-12)
    np.testing.assert_allclose(m.obs_energy, 4.0 * m.syn_energy, rtol=1e-12)
    np.testing.assert_allclose(m.chi, 0.25, rtol=1e-12)


def test_measure_bands_keeps_the_configured_parameters(problem):
    cfg = cmtconfig.Config(invert=cmtconfig.InvertConfig(n_parameters=7))
    m = measure.measure_bands(
        {"surface": problem.obs}, {"surface": problem.syns}, problem.windows,
        problem.stencils, cfg,
    )  # fmt: skip
    assert m.parameters[-1] == "depth_km" and m.A.shape[1:] == (7, 7)
    full = measure.measure(problem.obs, problem.syns, problem.windows, problem.stencils)
    np.testing.assert_allclose(m.A, full.A[:, :7, :7])
    sub = full.subset(np.arange(5))
    both = measure.Measurements.concatenate([sub, full.subset(np.arange(5, full.n_windows))])
    np.testing.assert_array_equal(both.A, full.A)
    assert both.windows == full.windows


def test_errors(problem):
    outside = Window("surface", problem.windows[0].code, "Z", 1200.0, 1500.0)
    with pytest.raises(SeisfocError, match="not inside the trace"):
        measure.measure(problem.obs, problem.syns, [outside], problem.stencils)
    unknown = Window("surface", "XX.NOPE", "Z", 300.0, 900.0)
    with pytest.raises(SeisfocError, match="no such observed trace"):
        measure.measure(problem.obs, problem.syns, [unknown], problem.stencils)
    bad_grid = dict(problem.syns)
    bad_grid["CMT_rr"] = replace(problem.syns["CMT_rr"], dt_s=1.0)
    with pytest.raises(SeisfocError, match="time grid"):
        measure.measure(problem.obs, bad_grid, problem.windows, problem.stencils)
    missing = {k: v for k, v in problem.syns.items() if k != "CMT_lat"}
    with pytest.raises(SeisfocError, match="CMT_lat"):
        measure.measure(problem.obs, missing, problem.windows, problem.stencils)
    cfg = cmtconfig.Config()
    with pytest.raises(SeisfocError, match="no measurement windows"):
        measure.measure_bands({}, {}, [], problem.stencils, cfg)


def test_cross_correlation_against_brute_force():
    rng = np.random.default_rng(8)
    n_t = 400
    t = np.arange(n_t)
    obs = np.array(
        [
            np.sin(2 * np.pi * t / rng.uniform(20, 60) + rng.uniform(0, 6))
            * np.exp(-(((t - rng.uniform(100, 300)) / 80.0) ** 2))
            for _ in range(6)
        ]
    )
    syn = obs + 0.3 * rng.normal(size=obs.shape)  # fmt: skip
    first = np.array([0, 50, 100, 150, 330, 20])
    length = np.array([60, 120, 80, 200, 70, 31])
    max_lag = np.array([5, 12, 3, 20, 15, 9])
    cc, lag = measure._cross_correlate(obs, syn, first, length, max_lag)
    for w in range(6):
        s = syn[w, first[w] : first[w] + length[w]]
        best = (-np.inf, 0)
        for shift in range(-max_lag[w], max_lag[w] + 1):
            idx = np.arange(first[w], first[w] + length[w]) + shift
            o = np.where((idx >= 0) & (idx < n_t), obs[w, np.clip(idx, 0, n_t - 1)], 0.0)
            value = o @ s / np.sqrt((o @ o) * (s @ s))
            best = max(best, (value, shift))
        assert abs(lag[w] - best[1]) <= 0.5  # parabolic refinement stays within half a sample
        assert cc[w] >= best[0] - 1e-12 and cc[w] <= min(1.0, best[0] + 0.05)


def test_shift_past_the_trace_end_is_noted():
    p = make_problem(obs_shift_s=8.0)
    late = Window("surface", p.windows[0].code, "Z", 900.0, 1396.0)
    m = measure.measure(p.obs, p.syns, [late], p.stencils, station_correction=True,
                        max_shift_s=10.0)  # fmt: skip
    assert m.shift_s[0] == pytest.approx(8.0, abs=0.3)
    assert any("past the trace end" in n for n in m.notes)


def test_windows_of_many_lengths_keep_their_order(problem):
    rng = np.random.default_rng(4)
    wins = []
    for w in problem.windows[:40]:
        start = float(rng.uniform(250.0, 600.0))
        wins.append(replace(w, start_s=start, end_s=start + float(rng.uniform(60.0, 700.0))))
    m = measure.measure(problem.obs, problem.syns, wins, problem.stencils)
    shifted = measure.measure(problem.obs, problem.syns, wins, problem.stencils,
                              station_correction=True, max_shift_s=10.0)  # fmt: skip
    for i, w in enumerate(wins):
        one = measure.measure(problem.obs, problem.syns, [w], problem.stencils)
        np.testing.assert_allclose(m.A[i], one.A[0], rtol=1e-12, atol=0)
        np.testing.assert_allclose(m.b[i], one.b[0], rtol=1e-12, atol=0)
        assert m.misfit[i] == pytest.approx(one.misfit[0], rel=1e-12)
        alone = measure.measure(problem.obs, problem.syns, [w], problem.stencils,
                                station_correction=True, max_shift_s=10.0)  # fmt: skip
        # the FFT length differs with the batch: the lag agrees to round-off
        assert shifted.shift_s[i] == pytest.approx(alone.shift_s[0], abs=1e-9)
        assert shifted.misfit[i] == pytest.approx(alone.misfit[0], rel=1e-8)
    problem_like = replace(problem, windows=wins)
    for i in (0, 7, len(wins) - 1):
        a, b, misfit = _independent(problem_like, i)
        assert m.misfit[i] == pytest.approx(misfit, rel=1e-12)
        np.testing.assert_allclose(m.b[i], b, rtol=1e-8, atol=1e-12 * np.abs(b).max())
