"""seisfoc.cmt.invert: exact recovery on linear problems, the solver against NumPy/SciPy,
constraints against brute-force constrained minimisation, bootstrap statistics, errors."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import scipy.linalg
import scipy.optimize
from cmtcore_problem import make_problem, start_cmt, truth_vector
from seisfoc.cmt import config as cmtconfig
from seisfoc.cmt import invert, measure, weight
from seisfoc.cmt.records import PARAMETERS, Window

from seisfoc import mechanism
from seisfoc.errors import InversionError, SeisfocError

TRUTH = dict(
    mrr=-1.2e26, mtt=1.5e26, mpp=-0.3e26, mrt=1.9e26, mrp=-3.3e26, mtp=0.6e26,
    centroid_depth_km=43.6, centroid_longitude=150.16, centroid_latitude=-5.96,
)  # fmt: skip


def _config(**invert_options) -> cmtconfig.Config:
    options = dict(bootstrap_draws=0)
    options.update(invert_options)
    return cmtconfig.Config(invert=cmtconfig.InvertConfig(**options))


def _run(problem, cfg):
    m = measure.measure(problem.obs, problem.syns, problem.windows, problem.stencils)
    keep = cfg.invert.n_parameters
    m = replace(m, parameters=m.parameters[:keep], A=m.A[:, :keep, :keep], b=m.b[:, :keep])
    w = weight.compute_weights(m, cfg)
    return m, w, invert.invert(m, w, problem.start, cfg)


@pytest.mark.parametrize("n", [6, 7, 9])
def test_one_step_recovers_the_truth_to_round_off(n):
    cfg = _config(n_parameters=n, zero_trace=False)
    changes = dict(TRUTH)
    if n < 9:
        changes.pop("centroid_longitude")
        changes.pop("centroid_latitude")
    if n < 7:
        changes.pop("centroid_depth_km")
    p = make_problem(cfg=cfg, truth_changes=changes)
    _, _, r = _run(p, cfg)
    got = invert.parameter_values(r.new, PARAMETERS[:n])
    want = truth_vector(p, n)
    np.testing.assert_allclose(got[:6], want[:6], rtol=0, atol=1e-9 * 4e26)
    np.testing.assert_allclose(got[6:], want[6:], rtol=0, atol=1e-9)
    assert r.variance_reduction_linear == pytest.approx(1.0, abs=1e-12)
    assert r.constraint == "none"


def test_zero_trace_recovers_a_deviatoric_truth():
    p = make_problem(truth_changes=TRUTH)  # trace of TRUTH is zero, as that of the start
    _, _, r = _run(p, _config())
    np.testing.assert_allclose(r.new_values[:6], truth_vector(p)[:6], atol=1e-9 * 4e26)
    assert abs(r.new.mrr + r.new.mtt + r.new.mpp) < 1e-12 * 4e26


def _random_system(seed: int, n: int = 9):
    rng = np.random.default_rng(seed)
    g = rng.normal(size=(40, n))
    cmt = start_cmt()
    scale = invert.parameter_scale(cmt, PARAMETERS[:n])
    g = g / scale  # columns in natural units
    a = g.T @ g
    x_true = rng.normal(size=n) * scale * 0.2
    data = g @ x_true + rng.normal(size=40) * 0.3
    return a, g.T @ data, g, cmt, data


def test_solver_equals_lstsq_and_scipy_on_the_normal_equations():
    a, b, g, cmt, data = _random_system(5)
    current = invert.parameter_values(cmt)
    scale = invert.parameter_scale(cmt, PARAMETERS)
    dm, cond = invert.solve_normal_equations(a, b, current, scale, PARAMETERS)
    # the same normal equations, scaled, by NumPy's least squares (unscaled, the moment
    # and location columns differ by 1e50 and lstsq's rcond discards the moment tensor)
    s = np.diag(scale)
    ref = s @ np.linalg.lstsq(s @ a @ s, s @ b, rcond=None)[0]
    np.testing.assert_allclose(dm, ref, rtol=1e-9)
    # and the least-squares problem itself, from its design matrix and data
    design = np.linalg.lstsq(g @ s, data, rcond=None)[0]
    np.testing.assert_allclose(dm, s @ design, rtol=1e-8)
    assert 1.0 <= cond < 1e6
    # damping on the scaled system, solved independently with SciPy
    lam = 0.05
    dm_damped, _ = invert.solve_normal_equations(a, b, current, scale, PARAMETERS, damping=lam)
    a_s = a * np.outer(scale, scale)
    x = scipy.linalg.solve(a_s + lam * np.trace(a_s) * np.eye(9), b * scale, assume_a="pos")
    np.testing.assert_allclose(dm_damped, x * scale, rtol=1e-9)
    assert np.linalg.norm(dm_damped / scale) < np.linalg.norm(dm / scale)


def _objective(a, b, scale):
    def f(x):  # x scaled update
        dm = x * scale
        return 0.5 * dm @ a @ dm - b @ dm

    return f


def test_zero_trace_against_constrained_minimisation():
    a, b, _, cmt, _ = _random_system(7)
    current = invert.parameter_values(cmt)
    scale = invert.parameter_scale(cmt, PARAMETERS)
    dm, _ = invert.solve_normal_equations(a, b, current, scale, PARAMETERS, zero_trace=True)
    new = current + dm
    assert abs(new[:3].sum()) < 1e-10 * scale[0]
    f = _objective(a, b, scale)
    cons = {"type": "eq", "fun": lambda x: (current[:3] + x[:3] * scale[:3]).sum() / scale[0]}
    ref = scipy.optimize.minimize(f, np.zeros(9), constraints=[cons], method="SLSQP",
                                  options={"ftol": 1e-14, "maxiter": 500})  # fmt: skip
    assert ref.success
    np.testing.assert_allclose(dm / scale, ref.x, atol=1e-5)
    assert f(dm / scale) <= ref.fun + 1e-9 * abs(ref.fun)


def test_double_couple_against_constrained_minimisation():
    a, b, _, cmt, _ = _random_system(11)
    current = invert.parameter_values(cmt)
    scale = invert.parameter_scale(cmt, PARAMETERS)
    dm, _ = invert.solve_normal_equations(
        a, b, current, scale, PARAMETERS, zero_trace=True, double_couple=True
    )
    new = current + dm
    tensor = mechanism.tensor_from_m6_use(*new[:6])
    eig = np.linalg.eigvalsh(tensor)
    assert abs(np.trace(tensor)) < 1e-9 * np.abs(eig).max()
    assert abs(np.linalg.det(tensor)) < 1e-9 * np.abs(eig).max() ** 3
    # a double couple: the middle eigenvalue vanishes
    assert abs(np.sort(eig)[1]) < 1e-9 * np.abs(eig).max()
    f = _objective(a, b, scale)

    def m6(x):
        return (current[:6] + x[:6] * scale[:6]) / scale[0]

    cons = [
        {"type": "eq", "fun": lambda x: m6(x)[:3].sum()},
        {"type": "eq", "fun": lambda x: np.linalg.det(mechanism.tensor_from_m6_use(*m6(x)))},
    ]
    ref = scipy.optimize.minimize(f, dm / scale, constraints=cons, method="SLSQP",
                                  options={"ftol": 1e-15, "maxiter": 1000})  # fmt: skip
    assert ref.success
    np.testing.assert_allclose(dm / scale, ref.x, atol=1e-4)
    assert f(dm / scale) <= ref.fun + 1e-7 * abs(ref.fun)


def test_double_couple_recovers_a_double_couple_truth():
    m_true = mechanism.tensor_to_m6_use(mechanism.moment_tensor_ned(30.0, 60.0, 80.0, 4.0e26))
    changes = dict(TRUTH)
    changes.update(zip(("mrr", "mtt", "mpp", "mrt", "mrp", "mtp"), map(float, m_true), strict=True))
    p = make_problem(truth_changes=changes)
    _, _, r = _run(p, _config(double_couple=True))
    np.testing.assert_allclose(r.new_values[:6], m_true, atol=1e-7 * 4e26)
    np.testing.assert_allclose(r.new_values[6:], truth_vector(p)[6:], atol=1e-7)
    assert r.constraint == "double_couple"


def _noise_measurements(n_win: int, sigma: float, seed: int, cmt):
    """Six parameters, each window measures the moment tensor with independent noise:
    A_w = I / s^2, b_w = (delta + noise_w) / s^2 (natural units, s the moment scale)."""
    rng = np.random.default_rng(seed)
    s = invert.parameter_scale(cmt, PARAMETERS[:6])
    delta = np.array([1.0, -2.0, 1.0, 0.5, 0.2, -0.7]) * 0.01 * s
    noise = rng.normal(0.0, sigma, size=(n_win, 6)) * s
    a = np.broadcast_to(np.diag(1.0 / s**2), (n_win, 6, 6)).copy()
    b = (delta + noise) / s**2
    windows = [Window("surface", f"XX.S{i:03d}", "Z", 0.0, 100.0) for i in range(n_win)]
    z = np.zeros(n_win)
    return measure.Measurements(
        parameters=PARAMETERS[:6], windows=windows, A=a, b=b, misfit=np.ones(n_win),
        obs_energy=np.ones(n_win) * 2, syn_energy=np.ones(n_win), cc_max=z + 1, cc_shift_s=z,
        shift_s=z, dlna=z, distance_deg=z + 50, azimuth_deg=z, n_samples=z.astype(int) + 50,
        dt_s=z + 1,
    ), s  # fmt: skip


def test_bootstrap_is_reproducible_and_shrinks_as_one_over_root_n():
    cmt = start_cmt()
    cfg = cmtconfig.InvertConfig(n_parameters=6, zero_trace=False, bootstrap_draws=400, seed=4)
    sigma = 0.05
    stds = {}
    for n in (25, 100, 400):
        meas, s = _noise_measurements(n, sigma, seed=n, cmt=cmt)
        r = invert.invert(meas, np.ones(n), cmt, cfg)
        again = invert.invert(meas, np.ones(n), cmt, cfg)
        np.testing.assert_array_equal(r.bootstrap_std, again.bootstrap_std)
        other = invert.invert(meas, np.ones(n), cmt, replace(cfg, seed=5))
        assert not np.array_equal(r.bootstrap_std, other.bootstrap_std)
        # the mean of n windows has standard error sigma / sqrt(n) (sample estimate)
        expected = sigma * s / math.sqrt(n)
        assert np.mean(r.bootstrap_std / expected) == pytest.approx(1.0, abs=0.15)
        np.testing.assert_allclose(r.bootstrap_mean, r.new_values, atol=4 * expected.max())
        stds[n] = np.mean(r.bootstrap_std / s)
    assert stds[25] / stds[100] == pytest.approx(2.0, rel=0.2)
    assert stds[100] / stds[400] == pytest.approx(2.0, rel=0.2)


def test_variance_reduction_linear_equals_the_one_from_new_synthetics():
    cfg = _config()
    p = make_problem(truth_changes=TRUTH, seed=2)
    rng = np.random.default_rng(0)
    noisy = replace(p.obs, data=p.obs.data + rng.normal(0, 0.05, p.obs.data.shape))
    p = replace(p, obs=noisy)
    m, w, r = _run(p, cfg)
    assert 0.0 < r.variance_reduction_linear < 1.0
    # synthetics at the new CMT from the (linear) model itself
    x0 = invert.parameter_values(p.runs["CMT"])
    coef = np.concatenate([r.new_values[:6], r.new_values[6:] - x0[6:]])
    new_syn = replace(p.syns["CMT"], data=np.tensordot(coef, p.basis, axes=1))
    vr, chi_new = invert.variance_reduction_from_synthetics(
        m, w, {"surface": p.obs}, {"surface": new_syn}, cfg
    )
    assert vr == pytest.approx(r.variance_reduction_linear, rel=1e-9)
    np.testing.assert_allclose(chi_new, r.chi_after_linear, rtol=1e-7, atol=1e-15)


def test_flags_and_convergence():
    start = start_cmt()
    flags_cfg = cmtconfig.FlagsConfig(
        max_moment_change=0.1,
        max_epicentre_shift_km=10.0,
        max_depth_shift_km=5.0,
        min_variance_reduction=0.6,
    )
    new = replace(start, mrr=start.mrr * 1.5, centroid_latitude=start.centroid_latitude + 0.2,
                  centroid_depth_km=start.centroid_depth_km + 6.0)  # fmt: skip
    out = invert.flags(start, new, 0.5, flags_cfg)
    assert len(out) == 4
    assert "moment tensor" in out[0] and "epicentre" in out[1] and "depth" in out[2]
    assert invert.flags(start, start, 0.9, flags_cfg) == []
    # relative change of the tensor (Frobenius norm of the 3x3 matrix)
    tensor = start.moment_tensor_use
    dten = new.moment_tensor_use - tensor
    assert invert.moment_change(start, new) == pytest.approx(
        np.linalg.norm(dten) / np.linalg.norm(tensor), rel=1e-12
    )
    # epicentre shift against a spherical haversine (WGS84 differs by < 1 %)
    lat1, lat2 = map(math.radians, (start.centroid_latitude, new.centroid_latitude))
    dlat = lat2 - lat1
    hav = 2 * 6371.0 * math.asin(math.sqrt(math.sin(dlat / 2) ** 2))
    assert invert.epicentre_shift_km(start, new) == pytest.approx(hav, rel=1e-2)
    assert invert.converged(start, start, 1e-3)
    small = replace(start, mrr=start.mrr * (1 + 1e-5))
    assert invert.converged(start, small, 1e-3)
    assert not invert.converged(start, new, 1e-3)


def test_apply_update_wraps_longitude_and_keeps_depth_and_latitude_in_range():
    start = replace(start_cmt(), centroid_longitude=179.99, centroid_latitude=89.99,
                    centroid_depth_km=0.5)  # fmt: skip
    dm = np.array([0, 0, 0, 0, 0, 0, -1.0, 0.05, 0.05])
    new, notes = invert.apply_update(start, PARAMETERS, dm)
    assert new.centroid_longitude == pytest.approx(-179.96)
    assert new.centroid_latitude == 90.0
    assert new.centroid_depth_km == 0.0
    assert len(notes) == 2


def test_ill_posed_systems_raise_instead_of_nan():
    cmt = start_cmt()
    cfg = cmtconfig.InvertConfig(n_parameters=6, zero_trace=False, bootstrap_draws=0)
    meas, _ = _noise_measurements(10, 0.01, 0, cmt)
    with pytest.raises(InversionError, match="no measurement windows"):
        invert.invert(meas.subset(np.zeros(10, dtype=bool)), np.ones(0), cmt, cfg)
    # a parameter without sensitivity
    dead = replace(meas, A=meas.A.copy())
    dead.A[:, 5, :] = 0.0
    dead.A[:, :, 5] = 0.0
    with pytest.raises(InversionError, match="mtp"):
        invert.invert(dead, np.ones(10), cmt, cfg)
    # two identical columns: rank-deficient
    a = np.ones((6, 6)) + np.diag([1.0, 1.0, 1.0, 1.0, 0.0, 0.0])
    s = invert.parameter_scale(cmt, PARAMETERS[:6])
    coll = replace(meas, A=np.broadcast_to(a / np.outer(s, s), (10, 6, 6)).copy())
    with pytest.raises(InversionError, match="rank-deficient"):
        invert.invert(coll, np.ones(10), cmt, cfg)
    with pytest.raises(InversionError, match="weights are zero"):
        invert.invert(meas, np.zeros(10), cmt, cfg)
    with pytest.raises(SeisfocError, match="weights for"):
        invert.invert(meas, np.ones(3), cmt, cfg)
    nan = replace(meas, b=meas.b * np.nan)
    with pytest.raises(InversionError, match="non-finite"):
        invert.invert(nan, np.ones(10), cmt, cfg)
    # damping makes the collinear system solvable
    damped = invert.invert(coll, np.ones(10), cmt, replace(cfg, damping=0.01))
    assert np.all(np.isfinite(damped.dm))


def test_result_as_dict_is_plain():
    import json

    p = make_problem(truth_changes=TRUTH)
    _, _, r = _run(p, _config(bootstrap_draws=20))
    text = json.dumps(r.as_dict())
    assert "variance_reduction_linear" in text and "NaN" not in text


def test_pipeline_entry_points_agree_with_invert():
    cfg = _config(bootstrap_draws=30, seed=9)
    p = make_problem(truth_changes=TRUTH)
    m = measure.measure(p.obs, p.syns, p.windows, p.stencils)
    w = weight.window_weights(m, cfg)
    full = invert.invert(m, w, p.start, cfg)
    quick = invert.solve(m, w, cfg, p.start)
    np.testing.assert_array_equal(quick.update, full.dm)
    assert quick.bootstrap_std is None and full.bootstrap_draws == 30
    draws = invert.bootstrap(m, w, cfg, p.start)
    assert draws.shape == (30, 9)
    values = invert.parameter_values(p.start) + draws
    np.testing.assert_allclose(values.std(axis=0, ddof=1), full.bootstrap_std)


@pytest.mark.parametrize("zero_trace, damping", [(False, 0.0), (True, 0.0), (True, 0.02)])
def test_batched_bootstrap_solver_equals_the_single_solver(zero_trace, damping):
    cmt = start_cmt()
    current = invert.parameter_values(cmt)
    scale = invert.parameter_scale(cmt, PARAMETERS)
    systems = [_random_system(seed)[:2] for seed in range(6)]
    a_all = np.array([a for a, _ in systems])
    b_all = np.array([b for _, b in systems])
    a_all[2] = 0.0  # no sensitivity at all: unsolvable without damping
    a_all[2, 0, 0] = 1.0 / scale[0] ** 2
    dm, ok = invert._solve_batch(a_all, b_all, current, scale, damping, zero_trace)
    for d in range(6):
        try:
            single, _ = invert.solve_normal_equations(
                a_all[d], b_all[d], current, scale, PARAMETERS, damping=damping,
                zero_trace=zero_trace,
            )  # fmt: skip
        except InversionError:
            assert not ok[d]
            continue
        assert ok[d]
        np.testing.assert_allclose(dm[d], single, rtol=1e-9, atol=1e-12 * np.abs(single).max())
    assert ok[2] == (damping > 0)


def test_exact_fit_gives_no_variance_reduction_and_no_error():
    p = make_problem()  # observed = reference synthetics
    m, w, r = _run(p, _config())
    np.testing.assert_allclose(r.dm[:6], 0.0, atol=1e-12 * 4e26)  # the trace made exactly 0
    assert math.isnan(r.variance_reduction_linear)
    assert r.flags == []
    assert r.as_dict()["variance_reduction_linear"] is None
