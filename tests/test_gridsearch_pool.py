"""The grid-search faces used by ``seisfoc fps``: HASH's trial pool
(:func:`seisfoc.gridsearch.trial_counts`) and the tabulated log-likelihood
(:func:`seisfoc.gridsearch.log_likelihood`) against NumPy computations of A&R's P
radiation over the whole grid, and the face's checks (a NaN never reaches a kernel)."""

from __future__ import annotations

import numpy as np
import pytest

from seisfoc import gridsearch as gs
from seisfoc.mechanism import p_radiation

STEP = 15.0


def _readings(seed: int, n: int = 17):
    rng = np.random.default_rng(seed)
    return (
        rng.choice([-1.0, 1.0], n),
        rng.uniform(0.0, 180.0, n),
        rng.uniform(0.0, 360.0, n),
        rng.uniform(0.2, 2.0, n),
    )


def _grid_amplitudes(pol, takeoff, azimuth):
    """(grid mechanisms in grid order, P radiation of each at each reading) by NumPy."""
    every = gs.search([1.0], [0.0], [0.0], None, STEP, np.inf)
    s, d, r = (x[:, None] for x in (every.strike, every.dip, every.rake))
    return every, np.asarray(p_radiation(s, d, r, takeoff[None, :], azimuth[None, :]))


@pytest.mark.parametrize(
    ("seed", "n", "allowance", "floor"),
    [(3, 17, 0.7, 2.0), (11, 40, 0.0, 0.0), (29, 9, 2.5, 1.0), (5, 33, 1.0, 4.0)],
)
def test_trial_counts_equal_numpy_acceptance(seed, n, allowance, floor):
    """Also with the kernel's early stop (trials after the first stop summing an outer
    point's misfits once all exceed the trial's best + allowance): the counts are those of
    the full sums."""
    pol, takeoff, azimuth, w = _readings(seed, n)
    rng = np.random.default_rng(seed + 1)
    trials = 6
    t_pol = np.vstack([pol, np.where(rng.random((trials - 1, pol.size)) < 0.1, -pol, pol)])
    t_ain = np.vstack([takeoff, takeoff + rng.normal(0.0, 5.0, (trials - 1, pol.size))])
    t_az = np.vstack([azimuth, azimuth + rng.normal(0.0, 5.0, (trials - 1, pol.size))])
    counts, data_min = gs.trial_counts(t_pol, t_ain, t_az, w, STEP, allowance, floor, 1e-9)
    assert counts.shape == (gs.grid_size(STEP),)
    expected = np.zeros(counts.shape)
    minima = []
    for k in range(trials):
        every, amp = _grid_amplitudes(t_pol[k], t_ain[k], t_az[k])
        misfit = np.sum(w * (amp * t_pol[k] < -1e-9), axis=1)
        minima.append(misfit.min())
        expected += misfit <= max(misfit.min() + allowance, floor) + 1e-9
    np.testing.assert_array_equal(counts, expected)
    assert data_min == pytest.approx(minima[0], abs=1e-12)
    assert 0 < counts.max() <= trials


def test_log_likelihood_equals_numpy_table_lookup():
    pol, takeoff, azimuth, w = _readings(5)
    scale = np.linspace(0.05, 0.3, pol.size)
    x0, dx = -8.0, 1.0 / 64.0
    x = x0 + dx * np.arange(int(16 / dx) + 1)
    table = np.log(0.1 + 0.8 / (1.0 + np.exp(-x)))
    got = gs.log_likelihood(pol, takeoff, azimuth, w, scale, table, x0, dx, STEP)
    _, amp = _grid_amplitudes(pol, takeoff, azimuth)
    index = np.clip(np.rint((pol * amp / scale - x0) / dx), 0, table.size - 1).astype(int)
    expected = np.sum(w * table[index], axis=1)
    # a sample exactly half way may round either way: compare all but those few
    tie = np.any(np.abs(np.mod((pol * amp / scale - x0) / dx, 1.0) - 0.5) < 1e-9, axis=1)
    np.testing.assert_allclose(got[~tie], expected[~tie], rtol=1e-12, atol=1e-12)
    assert np.count_nonzero(~tie) > 0.99 * got.size


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_faces_refuse_non_finite_readings(bad):
    pol, takeoff, azimuth, w = _readings(6)
    takeoff = takeoff.copy()
    takeoff[2] = bad
    with pytest.raises(gs.GridSearchError, match="NaN or infinity"):
        gs.trial_counts(pol[None], takeoff[None], azimuth[None], w, STEP, 1.0, 1.0)
    with pytest.raises(gs.GridSearchError, match="NaN or infinity"):
        gs.log_likelihood(pol, takeoff, azimuth, w, np.ones(pol.size), [0.0], -1.0, 1.0, STEP)


def test_faces_refuse_bad_arguments():
    pol, takeoff, azimuth, w = _readings(8)
    one = (pol[None], takeoff[None], azimuth[None])
    with pytest.raises(gs.GridSearchError, match="weights"):
        gs.trial_counts(*one, w[:-1], STEP, 1.0, 1.0)
    with pytest.raises(gs.GridSearchError, match="polarities"):
        gs.trial_counts(2 * pol[None], takeoff[None], azimuth[None], w, STEP, 1.0, 1.0)
    with pytest.raises(gs.GridSearchError, match=">= 0"):
        gs.trial_counts(*one, w, STEP, -1.0, 1.0)
    with pytest.raises(gs.GridSearchError, match="step_deg"):
        gs.trial_counts(*one, w, 0.0, 1.0, 1.0)
    with pytest.raises(gs.GridSearchError, match="scale"):
        gs.log_likelihood(pol, takeoff, azimuth, w, np.zeros(pol.size), [0.0], -1.0, 1.0, STEP)
    with pytest.raises(gs.GridSearchError, match="dx"):
        gs.log_likelihood(pol, takeoff, azimuth, w, np.ones(pol.size), [0.0], -1.0, 0.0, STEP)
