"""Memory linear in the readings: the amplitude programs never build an N x N matrix.

The data-resolution matrix G G+ of N readings was built in full (99,999 readings asked for
74.5 GiB), and INVDC's rank test asked LAPACK for an N x N U. Beyond the 50 readings whose
full matrix INVRAD's layout prints, only its diagonal (the leverages) is computed, from a
QR reduction; the numbers are checked here against NumPy's pseudo-inverse. Peak memory at
30,000 readings is measured by ``bench/memory.py`` (not in a timed unit test).
"""

from __future__ import annotations

import numpy as np
import pytest

from seisfoc.amplitude.inverse import FULL_DATA_RESOLUTION_MAX, generalised_inverse


@pytest.mark.parametrize("m", [FULL_DATA_RESOLUTION_MAX + 1, 400])
@pytest.mark.parametrize("rank_deficient", [False, True])
def test_reduced_inverse_equals_numpy(m, rank_deficient):
    rng = np.random.default_rng(m)
    g = rng.normal(size=(m, 5)) * np.array([1.0, 3.0, 0.5, 2.0, 1.0])
    if rank_deficient:
        g[:, 4] = g[:, 0] + g[:, 1]  # one exact null direction
    d = rng.normal(size=m)
    inv = generalised_inverse(g, d, rcond=1e-6)
    pinv = np.linalg.pinv(g, rcond=1e-6)
    assert inv.data_resolution.shape == (m,)  # the diagonal only
    assert inv.rank == np.linalg.matrix_rank(g, tol=1e-6 * np.linalg.svd(g)[1][0])
    np.testing.assert_allclose(inv.model, pinv @ d, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(inv.inverse, pinv, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(inv.leverage, np.diag(g @ pinv), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(inv.leverage.sum(), inv.rank, rtol=1e-10)
    np.testing.assert_allclose(inv.singular_values, np.linalg.svd(g)[1], rtol=1e-12)


def test_small_systems_keep_the_full_matrix():
    rng = np.random.default_rng(3)
    g = rng.normal(size=(FULL_DATA_RESOLUTION_MAX, 5))
    inv = generalised_inverse(g, rng.normal(size=FULL_DATA_RESOLUTION_MAX))
    assert inv.data_resolution.shape == (FULL_DATA_RESOLUTION_MAX,) * 2
    np.testing.assert_allclose(inv.data_resolution, g @ np.linalg.pinv(g), atol=1e-12)
    np.testing.assert_allclose(inv.leverage, np.diag(inv.data_resolution))


def test_invdc_rank_test_does_not_build_u(monkeypatch):
    """INVDC's rank test asks for V^T only: no N x N U (30,000 readings: 7.2 GB)."""
    from seisfoc.invdc import gauss_newton

    seen = []
    real = np.linalg.svd

    def spy(a, full_matrices=True, **kw):
        seen.append((a.shape, full_matrices))
        return real(a, full_matrices=full_matrices, **kw)

    monkeypatch.setattr(gauss_newton.np.linalg, "svd", spy)
    rank, sv, vt = gauss_newton._rank(np.random.default_rng(1).normal(size=(1000, 4)), 1e-6)
    assert rank == 4 and vt.shape == (4, 4)
    assert seen == [((1000, 4), False)]
    rank, sv, vt = gauss_newton._rank(np.ones((2, 4)), 1e-6)
    assert rank == 1 and vt.shape == (4, 4)  # fewer rows: the full V^T, as before
