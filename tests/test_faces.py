"""The Fortran faces do SciPy's three duties: checks on input (a NaN never reaches a
kernel), typed conversion (contiguous float64 whatever comes in) and every status code
turned into an exception or a warning at the face."""

from __future__ import annotations

import numpy as np
import pytest
from support.pinv_runs import prepare_bundle_run, run_dropin
from support.reference import BUNDLE

from seisfoc import _kernels, radiation, rays
from seisfoc.amplitude.green import free_surface_factors
from seisfoc.amplitude.inverse import generalised_inverse
from seisfoc.errors import InversionError, ModelError, SeisfocError
from seisfoc.polarity import pinv_solver as solver
from seisfoc.velocity import LayeredModel

POL = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0])
TAKEOFF = np.array([30.0, 50.0, 70.0, 100.0, 120.0, 140.0, 160.0])
AZIMUTH = np.array([10.0, 60.0, 130.0, 190.0, 240.0, 290.0, 340.0])


def _spy(monkeypatch, name):
    """Record the arguments the kernel ``name`` receives (and still call it)."""
    calls = []
    real = getattr(_kernels, name)

    def spy(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(_kernels, name, spy)
    return calls


# ------------------------------------------------------------------ PINV
@pytest.mark.parametrize("mode", solver.MODES)
@pytest.mark.parametrize(
    ("which", "value"), [(1, np.nan), (1, np.inf), (2, -np.inf), (2, np.nan), (0, np.nan)]
)
def test_pinv_rejects_non_finite(mode, which, value, monkeypatch):
    calls = _spy(monkeypatch, "pinv_solve")
    arrays = [POL.copy(), TAKEOFF.copy(), AZIMUTH.copy()]
    arrays[which][3] = value
    with pytest.raises(solver.PinvInputError, match="NaN or infinity") as info:
        solver.solve(*arrays, mode=mode)
    assert isinstance(info.value, SeisfocError) and isinstance(info.value, ValueError)
    assert calls == []  # the kernel never saw it


@pytest.mark.parametrize(
    "arrays",
    [
        (POL, TAKEOFF[:-1], AZIMUTH),  # lengths differ
        (POL.reshape(7, 1) * np.ones((1, 2)), TAKEOFF, AZIMUTH),  # 2-D
        (POL * 0.5, TAKEOFF, AZIMUTH),  # not +1/-1
        (["C"] * 7, TAKEOFF, AZIMUTH),  # not numbers
    ],
)
def test_pinv_rejects_bad_shapes_and_values(arrays):
    with pytest.raises(solver.PinvInputError):
        solver.solve(*arrays)


def test_pinv_rejects_bad_mode_and_rcond():
    with pytest.raises(ValueError, match="mode"):
        solver.solve(POL, TAKEOFF, AZIMUTH, mode="fast")
    for rcond in (np.nan, -1e-3, 1.0):
        with pytest.raises(ValueError, match="rcond"):
            solver.solve(POL, TAKEOFF, AZIMUTH, rcond=rcond)
    with pytest.raises(InversionError, match="no polarities"):
        solver.solve([], [], [])


def test_pinv_kernel_gets_contiguous_float64(monkeypatch):
    """Lists, float32 and strided views all reach the kernel as contiguous float64, and
    float32 input gives the same answer as its float64 promotion."""
    calls = _spy(monkeypatch, "pinv_solve")
    strided = np.repeat(TAKEOFF, 2)[::2]
    assert not strided.flags.c_contiguous
    a = solver.solve(list(POL), strided, AZIMUTH.astype(np.float32))
    for arg in calls[0][:3]:
        assert arg.dtype == np.float64 and arg.flags.c_contiguous
    b = solver.solve(POL, TAKEOFF, AZIMUTH.astype(np.float32).astype(np.float64))
    assert a.strike_dip_rake == b.strike_dip_rake


def test_pinv_float64_survives_the_face():
    """Modern mode keeps double precision end to end: a take-off perturbation of 1e-12
    deg (lost in float32) moves the moment tensor."""
    a = solver.solve(POL, TAKEOFF, AZIMUTH)
    b = solver.solve(POL, TAKEOFF + np.r_[1e-9, np.zeros(6)], AZIMUTH)
    assert not np.array_equal(a.moment_tensor_rtp, b.moment_tensor_rtp)
    assert np.allclose(a.moment_tensor_rtp, b.moment_tensor_rtp, atol=1e-8)


def _with_status(monkeypatch, info):
    real = _kernels.pinv_solve

    def kernel(*args):
        return (*real(*args)[:-1], info)

    monkeypatch.setattr(_kernels, "pinv_solve", kernel)


@pytest.mark.parametrize(
    ("info", "text"),
    [(-1, "Jacobi eigen step did not converge in 50 sweeps"), (3, "SVD did not converge")],
)
def test_pinv_status_is_a_warning_in_seisan_mode(monkeypatch, info, text):
    _with_status(monkeypatch, info)
    with pytest.warns(solver.PinvConvergenceWarning, match=text):
        sol = solver.solve(POL, TAKEOFF, AZIMUTH, mode="seisan")
    assert not hasattr(sol, "info")


@pytest.mark.parametrize(("info", "text"), [(2, "SVD did not converge"), (-2, "dsyev")])
def test_pinv_status_is_an_exception_in_modern_mode(monkeypatch, info, text):
    _with_status(monkeypatch, info)
    with pytest.raises(InversionError, match=text):
        solver.solve(POL, TAKEOFF, AZIMUTH, mode="modern")


def test_pinv_lapack_argument_error_is_a_bug(monkeypatch):
    _with_status(monkeypatch, -3)
    for mode in solver.MODES:
        with pytest.raises(RuntimeError, match="rejected its arguments"):
            solver.solve(POL, TAKEOFF, AZIMUTH, mode=mode)


def test_dropin_prints_the_warning_and_keeps_its_outputs(monkeypatch, tmp_path, capsys):
    """The drop-in does not read a status: it prints the face's warning on standard error
    (the original's text) and still writes the original's outputs."""
    case = BUNDLE / "case_003"
    prepare_bundle_run(case, tmp_path)
    _with_status(monkeypatch, -1)
    status, screen = run_dropin(tmp_path)
    assert status == 0
    assert screen == (case / "screen.txt").read_text()
    assert (tmp_path / "pinv.out").read_bytes() == (case / "pinv.out").read_bytes()
    err = capsys.readouterr().err
    warning = "pinv: warning: the Jacobi eigen step did not converge in 50 sweeps"
    assert err.splitlines().count(warning) == 1 and err.endswith(warning + "\n")


# ------------------------------------------------------------------ rays
MODEL = LayeredModel.from_arrays([0.0, 20.0], [5.0, 8.0], [7.0, 8.0])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, -1.0])
def test_rays_bad_distance_never_reaches_the_kernel(monkeypatch, bad):
    calls = _spy(monkeypatch, "rays_trace")
    with pytest.raises(rays.RayError) as info:
        rays.trace(MODEL, 10.0, [5.0, bad, 7.0])
    assert info.value.index == 1 and "finite number >= 0" in str(info.value)
    r = rays.trace(MODEL, 10.0, [5.0, bad, 7.0], strict=False)
    assert r.status.tolist() == [0, 3, 0]
    assert np.isnan(r.time_s[1]) and np.all(np.isfinite(r.time_s[[0, 2]]))
    for args in calls:
        assert all(np.all(np.isfinite(a)) for a in args)
        assert all(a.dtype == np.float64 and a.flags.c_contiguous for a in args[:3])


def test_rays_status_becomes_an_exception():
    """Status 1 from the kernel (past the largest direct-ray distance, sqrt(11) * 10 km
    for a source at the fastest point of a gradient) is a RayError at the face."""
    with pytest.raises(rays.RayError, match="not reachable") as info:
        rays.trace(MODEL, 10.0, [10.0, 34.0])
    assert info.value.index == 1 and info.value.distance_km == 34.0
    assert rays.trace(MODEL, 10.0, [10.0, 34.0], strict=False).status.tolist() == [0, 1]


def test_rays_shapes_and_tolerance():
    with pytest.raises(ValueError, match="1-D"):
        rays.trace(MODEL, 10.0, [[1.0, 2.0]])
    for tol in (np.nan, 0.0, 0.1):
        with pytest.raises(ValueError, match="tol"):
            rays.trace(MODEL, 10.0, 5.0, tol=tol)
    with pytest.raises(ModelError):
        rays.trace(MODEL, np.nan, 5.0)


def test_rays_float64_survives_the_face():
    """A distance change of 1e-10 km (below float32 resolution) changes the ray
    parameter, by the closed form dT/dX = p of a straight ray in the half-space."""
    half = LayeredModel.from_arrays([0.0], [6.0])
    a = rays.trace(half, 4.0, np.float64(3.0))
    b = rays.trace(half, 4.0, np.float64(3.0 + 1e-10))
    assert b.time_s[0] - a.time_s[0] == pytest.approx(1e-10 * a.p_s_per_km[0], rel=1e-3)
    assert a.p_s_per_km[0] == pytest.approx(3.0 / 5.0 / 6.0, rel=1e-13)


# ------------------------------------------------------------------ radiation
DC = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize(
    ("tensor", "takeoff", "azimuth", "text"),
    [
        (np.full((3, 3), np.nan), 90.0, 0.0, "NaN"),
        (np.eye(3)[:2], 90.0, 0.0, "3x3"),
        (DC + np.triu(np.ones((3, 3)), 1), 90.0, 0.0, "symmetric"),
        (DC, np.nan, 0.0, "NaN"),
        (DC, 90.0, [np.inf], "NaN"),
        (DC, [1.0, 2.0], [1.0, 2.0, 3.0], "broadcast"),
    ],
)
def test_radiation_checks(monkeypatch, tensor, takeoff, azimuth, text):
    calls = _spy(monkeypatch, "radiation_far_field")
    with pytest.raises(ValueError, match=text):
        radiation.far_field(tensor, takeoff, azimuth)
    assert calls == []


def test_radiation_typed_conversion(monkeypatch):
    calls = _spy(monkeypatch, "radiation_far_field")
    takeoff = np.linspace(10.0, 170.0, 12).reshape(3, 4)[:, ::2]  # strided, 2-D
    rad = radiation.far_field(DC.astype(np.float32).tolist(), takeoff, 45.0)
    assert rad.p.shape == (3, 2)
    m, t, a = calls[0]
    assert m.dtype == t.dtype == a.dtype == np.float64
    assert m.flags.f_contiguous and t.flags.c_contiguous and a.flags.c_contiguous
    np.testing.assert_allclose(rad.p, np.sin(np.radians(takeoff)) ** 2, rtol=1e-14)


# ------------------------------------------------------------------ amplitude
def test_amplitude_faces_reject_non_finite(monkeypatch):
    calls = _spy(monkeypatch, "amplitude_ginv")
    g = np.eye(3)
    with pytest.raises(ValueError, match="NaN"):
        generalised_inverse(np.where(g == 1, np.nan, g), np.ones(3))
    with pytest.raises(ValueError, match="NaN"):
        generalised_inverse(g, [1.0, np.inf, 0.0])
    with pytest.raises(ValueError, match="rcond"):
        generalised_inverse(g, np.ones(3), rcond=np.nan)
    assert calls == []
    calls = _spy(monkeypatch, "amplitude_free_surface")
    with pytest.raises(InversionError, match="reading 2"):
        free_surface_factors(["P", "P"], ["Z", "Z"], [0.1, np.nan], 6.0, 3.5)
    assert calls == []


def test_amplitude_status_becomes_an_exception():
    """Status 2 (SV past the critical angle: p > 1/alpha at the surface) is an
    InversionError naming the reading; a ray below it gives a finite factor."""
    ok = free_surface_factors(["SV"], ["Z"], [0.1], 6.0, 3.5)
    assert np.all(np.isfinite(ok))
    with pytest.raises(InversionError, match="reading 2: past the critical angle"):
        free_surface_factors(["SV", "SV"], ["Z", "Z"], [0.1, 0.2], 6.0, 3.5)


def test_lapack_status_of_the_amplitude_inverse_is_an_exception(monkeypatch):
    real = _kernels.amplitude_ginv
    monkeypatch.setattr(_kernels, "amplitude_ginv", lambda *a: (*real(*a)[:-1], 4))
    with pytest.raises(InversionError, match="LAPACK info 4"):
        generalised_inverse(np.eye(3), np.ones(3))


# ------------------------------------------------------------------ PINV modern: oracle
def _design_matrix(polarity, takeoff_deg, azimuth_deg):
    """ALGORITHMS.md section 1, built from the ray vector: gamma = (-cos i, -sin i cos phi,
    sin i sin phi) in (r, t, p), row = polarity * d(gamma.M.gamma)/dx for the unknowns
    x = (M22, M33, M12, M13, M23) with M11 = -M22 - M33."""
    i, phi = np.radians(takeoff_deg), np.radians(azimuth_deg)
    g_r, g_t, g_p = -np.cos(i), -np.sin(i) * np.cos(phi), np.sin(i) * np.sin(phi)
    rows = np.column_stack(
        [g_t**2 - g_r**2, g_p**2 - g_r**2, 2 * g_r * g_t, 2 * g_r * g_p, 2 * g_t * g_p]
    )
    return np.asarray(polarity, dtype=float)[:, None] * rows


@pytest.mark.parametrize(("n", "seed", "rcond"), [(40, 1, 1e-3), (12, 2, 1e-3), (7, 3, 0.05),
                                                  (3, 4, 1e-3), (1, 5, 1e-3)])  # fmt: skip
def test_pinv_modern_equals_numpy_pinv(n, seed, rcond):
    """Modern mode is the truncated-SVD solution: numpy.linalg.pinv of the same design
    matrix (values <= rcond * s_max dropped) times a vector of ones, to ~1e-14; the same
    singular values and rank."""
    rng = np.random.default_rng(seed)
    takeoff = rng.uniform(0.0, 180.0, n)
    azimuth = rng.uniform(0.0, 360.0, n)
    polarity = rng.choice([-1.0, 1.0], n)
    g = _design_matrix(polarity, takeoff, azimuth)
    x = np.linalg.pinv(g, rcond=rcond) @ np.ones(n)
    s = np.linalg.svd(g, compute_uv=False)
    sol = solver.solve(polarity, takeoff, azimuth, mode="modern", rcond=rcond)
    m = sol.moment_tensor_rtp
    ours = np.array([m[1, 1], m[2, 2], m[0, 1], m[0, 2], m[1, 2]])
    scale = np.abs(x).max()
    np.testing.assert_allclose(ours, x, rtol=0, atol=1e-14 * scale)
    assert m[0, 0] == pytest.approx(-x[0] - x[1], abs=1e-14 * scale)
    np.testing.assert_allclose(sol.singular_values[: s.size], s, rtol=1e-13, atol=1e-15)
    assert sol.pseudorank == int(np.count_nonzero(s > rcond * s[0]))
