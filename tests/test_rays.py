"""Direct up-going rays: reference values, closed forms, quadrature, legacy mode, errors."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest
from scipy.integrate import quad

from seisfoc.errors import ModelError, SeisfocError
from seisfoc.io.invrad import read_invrad_model
from seisfoc.rays import RayError, path_segments, trace
from seisfoc.velocity import LayeredModel

SQRT3 = math.sqrt(3.0)


def ebel_model(vp_vs=SQRT3):
    return LayeredModel.from_arrays(
        [0.0, 2.0, 10.0, 20.0, 34.0],
        [5.0, 6.0, 6.6, 7.1, 8.1],
        [6.0, 6.0, 6.9, 7.2, 8.1],
        vp_vs=vp_vs,
    )


# ----------------------------------------------------------------- reference rays
@pytest.mark.parametrize("phase", ["P", "S"])
def test_ray_reference(reference_dir, phase):
    """ray_reference.json: exact flat-earth rays in the example model from 8 km."""
    entries = [
        e
        for e in json.loads((reference_dir / "rays/ray_reference.json").read_text())
        if e["phase"] == phase
    ]
    assert len(entries) == 4
    model = read_invrad_model(
        reference_dir / "amplitudes/caseB_ebelmodel_dc/invrad.mod", vp_vs=SQRT3
    )
    rays = trace(model, entries[0]["source_depth_km"], [e["dist_km"] for e in entries], phase)
    for name, key, rtol in [
        ("p_s_per_km", "p_s_per_km", 1e-6),
        ("time_s", "t_s", 1e-6),
        ("takeoff_deg", "takeoff_deg", 1e-6),
        ("incidence_deg", "incidence_deg", 1e-6),
        ("length_km", "ray_length_km", 1e-4),
        ("spreading_km", "spreading_L_km", 1e-4),
    ]:
        np.testing.assert_allclose(
            getattr(rays, name), [e[key] for e in entries], rtol=rtol, err_msg=name
        )
    assert rays.source_velocity == pytest.approx(entries[0]["v_source"], rel=1e-12)
    assert rays.surface_velocity == pytest.approx(entries[0]["v_receiver"], rel=1e-12)


@pytest.mark.parametrize("case", ["caseA_homog_dc", "caseB_ebelmodel_dc"])
def test_amplitude_case_ray_columns(reference_dir, case):
    """The ray columns of readings.csv (P, SV, SH at 4-30 km) and INVRAD's legacy R."""
    folder = reference_dir / "amplitudes" / case
    rows = list(csv.DictReader((folder / "readings.csv").open()))
    model = read_invrad_model(folder / "invrad.mod", vp_vs=SQRT3)
    for row in rows:
        dist = float(row["dist_km"])
        r = trace(model, 8.0, dist, row["phase"])
        for name, key in [
            ("p_s_per_km", "p_s_per_km"),
            ("time_s", "t_s"),
            ("takeoff_deg", "takeoff_deg"),
            ("incidence_deg", "incidence_deg"),
            ("spreading_km", "L_km"),
        ]:
            assert getattr(r, name)[0] == pytest.approx(float(row[key]), rel=1e-8), (
                row["sta"],
                name,
            )
        if row["phase"] == "P":
            legacy = trace(model, 8.0, dist, "P", mode="seisan")
            assert legacy.legacy_r_km[0] == pytest.approx(float(row["R_ebel_km"]), rel=1e-8)
            assert legacy.source_velocity == float(row["v_src"])


def test_legacy_against_original_invrad(reference_dir):
    """The original's p and R (printed to ~6 digits, its Newton iteration stops early)."""
    entries = json.loads((reference_dir / "rays/ray_reference.json").read_text())
    model = read_invrad_model(reference_dir / "amplitudes/caseB_ebelmodel_dc/invrad.mod")
    for phase in "PS":
        sub = [e for e in entries if e["phase"] == phase]
        legacy = trace(model, 8.0, [e["dist_km"] for e in sub], phase, mode="seisan")
        modern = trace(model, 8.0, [e["dist_km"] for e in sub], phase)
        np.testing.assert_allclose(
            legacy.p_s_per_km, [e["ebel_invrad"]["p"] for e in sub], rtol=2e-4
        )
        np.testing.assert_allclose(
            legacy.legacy_r_km, [e["ebel_invrad"]["rtot"] for e in sub], rtol=5e-4
        )
        np.testing.assert_allclose(
            legacy.takeoff_deg, [e["ebel_invrad"]["takeoff"] for e in sub], rtol=1e-4
        )
        np.testing.assert_allclose(
            legacy.incidence_deg, [e["ebel_invrad"]["incidence"] for e in sub], rtol=1e-4
        )
        ratio = legacy.p_s_per_km / modern.p_s_per_km
        if phase == "P":
            np.testing.assert_allclose(ratio, 1.0, rtol=1e-12)
        else:
            # no S gradients: S ray parameters up to 2 % high, most at short distance
            assert np.all(ratio > 1.0) and np.all(ratio < 1.021)
            assert ratio[0] > 1.015 and np.all(np.diff(ratio) < 0)


# ----------------------------------------------------------------- closed forms
@pytest.mark.parametrize("mode", ["modern", "seisan"])
@pytest.mark.parametrize("phase", ["P", "S"])
def test_homogeneous_closed_forms(phase, mode):
    v = 6.0 if phase == "P" else 6.0 / 1.75
    model = LayeredModel.from_arrays([0.0], [6.0], vp_vs=1.75)
    z = 7.5
    x = np.array([0.0, 1e-9, 1e-3, 0.3, 4.0, 7.5, 30.0, 333.0, 1e4, 1e7])
    r = trace(model, z, x, phase, mode=mode)
    hypo = np.hypot(x, z)
    np.testing.assert_allclose(r.spreading_km, hypo, rtol=1e-12)
    np.testing.assert_allclose(r.length_km, hypo, rtol=1e-12)
    np.testing.assert_allclose(r.legacy_r_km, hypo, rtol=1e-12)
    np.testing.assert_allclose(r.time_s, hypo / v, rtol=1e-12)
    np.testing.assert_allclose(r.p_s_per_km, x / (hypo * v), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(r.takeoff_deg, 180.0 - np.degrees(np.arctan2(x, z)), rtol=1e-13)
    np.testing.assert_allclose(
        r.incidence_deg, np.degrees(np.arctan2(x, z)), rtol=1e-12, atol=1e-13
    )
    assert r.source_velocity == pytest.approx(v, rel=1e-15)
    assert np.all(r.status == 0)


def test_two_constant_layers_snell():
    """Two constant layers: x and t from Snell's law at the returned p."""
    model = LayeredModel.from_arrays([0.0, 3.0], [4.5, 6.2])
    r = trace(model, 11.0, np.linspace(0.0, 200.0, 41), "P")
    p = r.p_s_per_km
    h = np.array([3.0, 8.0])
    v = np.array([4.5, 6.2])
    eta = np.sqrt(1.0 - np.outer(p, v) ** 2)
    np.testing.assert_allclose(
        (h * p[:, None] * v / eta).sum(1), r.distances_km, rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose((h / (v * eta)).sum(1), r.time_s, rtol=1e-12)
    np.testing.assert_allclose((h / eta).sum(1), r.length_km, rtol=1e-12)


def _quadrature(model, zs, p, phase="P"):
    """x, t, ray length by numerical integration through the crossed layers."""
    h, v_top, v_bot, _ = path_segments(model, zs, phase)
    x = t = s = 0.0
    top = 0.0
    for hk, a, b in zip(h, v_top, v_bot, strict=True):

        def vel(z, a=a, b=b, hk=hk, top=top):
            return a + (b - a) * (z - top) / hk

        def eta(z, vel=vel):
            return math.sqrt(1.0 - (p * vel(z)) ** 2)

        opts = dict(epsabs=0.0, epsrel=1e-13, limit=200)
        x += quad(lambda z: p * vel(z) / eta(z), top, top + hk, **opts)[0]
        t += quad(lambda z: 1.0 / (vel(z) * eta(z)), top, top + hk, **opts)[0]
        s += quad(lambda z: 1.0 / eta(z), top, top + hk, **opts)[0]
        top += hk
    return x, t, s


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_gradient_models_against_quadrature(seed):
    """Closed forms per layer (incl. weak and negative gradients) vs numerical integrals."""
    rng = np.random.default_rng(seed)
    n = 5
    tops = np.concatenate([[0.0], np.cumsum(rng.uniform(0.5, 8.0, n - 1))])
    vtop = rng.uniform(3.0, 7.0, n)
    vbot = vtop + rng.choice([0.0, 1e-9, -0.3, 0.8], n) * rng.uniform(0.2, 1.0, n)
    vbot[-1] = vtop[-1] = 8.0  # constant half-space, the fastest layer
    model = LayeredModel.from_arrays(tops, vtop, vbot)
    zs = tops[-1] + 2.0
    dist = np.array([0.5, 5.0, 17.0, 60.0, 150.0])
    r = trace(model, zs, dist)
    for i, xk in enumerate(dist):
        xq, tq, sq = _quadrature(model, zs, r.p_s_per_km[i])
        assert xq == pytest.approx(xk, rel=1e-9)
        assert tq == pytest.approx(r.time_s[i], rel=1e-9)
        assert sq == pytest.approx(r.length_km[i], rel=1e-9)


def test_spreading_against_finite_difference_of_x_of_p():
    model = ebel_model()
    zs = 15.0
    x = np.array([3.0, 12.0, 40.0, 60.0])  # the direct ray reaches 65.57 km from 15 km
    dx = 1e-4 * x
    r = trace(model, zs, x)
    lo = trace(model, zs, x - dx)
    hi = trace(model, zs, x + dx)
    dxdp = 2 * dx / (hi.p_s_per_km - lo.p_s_per_km)
    vs = model.vp(zs)
    cos_s = -np.cos(np.radians(r.takeoff_deg))
    cos_r = np.cos(np.radians(r.incidence_deg))
    l_fd = np.sqrt(x * dxdp * cos_s * cos_r / (r.p_s_per_km * vs**2))
    np.testing.assert_allclose(r.spreading_km, l_fd, rtol=1e-6)


def test_vertical_ray_limit():
    model = ebel_model()
    r = trace(model, 15.0, [0.0, 1e-8], "P")
    h, a, b, vs = path_segments(model, 15.0)
    expected_l = np.sum(h * (a + b) / 2.0) / vs
    np.testing.assert_allclose(r.spreading_km, expected_l, rtol=1e-9)
    t0 = np.sum(np.where(a == b, h / a, h * np.log(b / a) / np.where(a == b, 1.0, b - a)))
    assert r.time_s[0] == pytest.approx(t0, rel=1e-13)
    assert r.p_s_per_km[0] == 0.0 and r.takeoff_deg[0] == 180.0 and r.incidence_deg[0] == 0.0
    assert r.length_km[0] == pytest.approx(15.0, rel=1e-14)


def test_large_distances_converge():
    model = ebel_model()
    x = np.array([1e3, 1e5, 1e7, 1e9])
    r = trace(model, 8.0, x)
    assert np.all(np.isfinite(r.time_s)) and np.all(r.status == 0)
    assert np.all(np.diff(r.p_s_per_km) > 0) and np.all(r.p_s_per_km <= 1.0 / 6.0)
    # far away the ray runs along the fastest (6 km/s) layer: t -> x / 6 + const
    np.testing.assert_allclose(np.diff(r.time_s[2:]) / np.diff(x[2:]), 1 / 6.0, rtol=1e-9)


def test_monotone_in_distance_many():
    model = ebel_model()
    x = np.linspace(0.0, 500.0, 5001)
    for phase in "PS":
        r = trace(model, 8.0, x, phase)
        assert np.all(np.diff(r.p_s_per_km) > 0)
        assert np.all(np.diff(r.time_s) > 0)
        assert np.all(np.diff(r.takeoff_deg) < 0)
        assert r.iterations.max() < 30
    # from 27 km (gradient layer, fastest at the source) the direct ray ends at ~162 km
    r = trace(model, 27.0, x, strict=False)
    ok = r.status == 0
    assert ok[0] and not ok[-1] and np.all(np.diff(ok.astype(int)) <= 0)
    assert 160.0 < x[ok].max() < 165.0 and np.isnan(r.time_s[~ok]).all()
    assert np.all(np.diff(r.p_s_per_km[ok]) > 0) and r.takeoff_deg[ok].min() > 90.0


def test_seisan_mode_source_in_gradient_layer():
    model = ebel_model(vp_vs=1.732)
    modern = trace(model, 15.0, [5.0, 30.0], "P")
    legacy = trace(model, 15.0, [5.0, 30.0], "P", mode="seisan")
    assert modern.source_velocity == pytest.approx(6.75)
    assert legacy.source_velocity == 6.6  # top of the source's layer
    np.testing.assert_array_equal(legacy.p_s_per_km, modern.p_s_per_km)
    np.testing.assert_allclose(
        legacy.takeoff_deg, 180 - np.degrees(np.arcsin(legacy.p_s_per_km * 6.6)), rtol=1e-13
    )
    # legacy R: straight segments at each crossed layer's top velocity
    p = legacy.p_s_per_km
    h = np.array([2.0, 8.0, 5.0])
    vt = np.array([5.0, 6.0, 6.6])
    np.testing.assert_allclose(
        legacy.legacy_r_km, (h / np.sqrt(1 - np.outer(p, vt) ** 2)).sum(1), rtol=1e-13
    )
    # legacy S: layer-top S velocities, the S gradients are ignored
    s = trace(model, 15.0, [5.0, 30.0], "S", mode="seisan")
    hom = LayeredModel.from_arrays([0.0, 2.0, 10.0], vt, vs_top=vt / 1.732)
    ref = trace(hom, 15.0, [5.0, 30.0], "S", mode="modern")
    np.testing.assert_allclose(s.p_s_per_km, ref.p_s_per_km, rtol=1e-13)
    np.testing.assert_allclose(s.time_s, ref.time_s, rtol=1e-13)


def test_source_on_interface_uses_upper_layer():
    model = ebel_model()
    r = trace(model, 10.0, [5.0], "P")
    assert r.source_velocity == 6.0
    assert trace(model, 10.0, [5.0], "P", mode="seisan").source_velocity == 6.0


# ----------------------------------------------------------------- errors
def test_unreachable_distance_closed_form():
    """Source at the fastest point of a gradient: x_max = sqrt(11) * 10 km."""
    model = LayeredModel.from_arrays([0.0, 20.0], [5.0, 8.0], [7.0, 8.0])
    xmax = math.sqrt(11.0) * 10.0
    r = trace(model, 10.0, [0.0, 10.0, xmax * (1 - 1e-6)])
    assert r.takeoff_deg[-1] == pytest.approx(90.0, abs=0.5)
    with pytest.raises(RayError) as info:
        trace(model, 10.0, [10.0, 20.0, xmax * (1 + 1e-9), 40.0])
    assert info.value.index == 2 and "direct" in str(info.value)
    r = trace(model, 10.0, [10.0, 40.0], strict=False)
    assert r.status.tolist() == [0, 1] and np.isnan(r.time_s[1]) and np.isfinite(r.time_s[0])


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf])
def test_bad_distances(bad):
    with pytest.raises(RayError, match="distance #2"):
        trace(ebel_model(), 8.0, [3.0, bad])


def test_bad_sources_and_arguments(tmp_path):
    p = tmp_path / "invrad.mod"
    p.write_text(f"{0.0:10.4f}{6.0:10.4f}\n{30.0:10.4f}{6.0:10.4f}\n")
    model = read_invrad_model(p)
    with pytest.raises(ModelError, match="below the model") as info:
        trace(model, 31.0, [10.0])
    assert info.value.path == str(p)
    trace(model, 30.0, [10.0])  # on the deepest depth: fine
    for zs in (0.0, -2.0, float("nan")):
        with pytest.raises(ModelError, match="free surface"):
            trace(model, zs, [10.0])
    with pytest.raises(ValueError):
        trace(model, 5.0, [1.0], phase="X")
    with pytest.raises(ValueError):
        trace(model, 5.0, [1.0], mode="old")
    assert issubclass(RayError, SeisfocError)


# ----------------------------------------------------------------- held path (f90wrap)
@pytest.mark.parametrize("phase", ["P", "S"])
@pytest.mark.parametrize("mode", ["modern", "seisan"])
@pytest.mark.parametrize("depth", [0.5, 8.0, 20.0, 33.9])
def test_held_path_equals_array_interface(phase, mode, depth):
    """RayPath (the path built once as a Fortran derived type) gives the array
    interface's numbers bit for bit, every field, on a model with gradients."""
    from seisfoc.rays import RayPath

    model = LayeredModel.from_arrays(
        [0.0, 2.0, 10.0, 20.0, 34.0],
        [5.0, 6.0, 6.6, 7.1, 8.1],
        [6.0, 6.0, 6.9, 7.2, 8.1],
        vp_vs=math.sqrt(3.0),
    )
    dist = np.r_[0.0, np.geomspace(1e-3, 300.0, 40), np.nan, -2.0]
    path = RayPath(model, depth, phase, mode)
    for batch in (dist, dist[::-1], dist[5:6]):
        held = path.trace(batch, strict=False)
        arrays = trace(model, depth, batch, phase, mode, strict=False)
        for name in ("p_s_per_km", "time_s", "takeoff_deg", "incidence_deg", "length_km",
                     "spreading_km", "legacy_r_km", "status", "iterations"):  # fmt: skip
            np.testing.assert_array_equal(getattr(held, name), getattr(arrays, name), name)
        assert held.source_velocity == arrays.source_velocity
        assert (held.phase, held.mode) == (arrays.phase, arrays.mode)


def test_held_path_closed_form_and_errors():
    """Half-space: p = sin(i)/v with tan(i) = X/z, t = sqrt(X^2 + z^2)/v, to 1e-13;
    errors as in the array interface."""
    from seisfoc.rays import RayPath

    half = LayeredModel.from_arrays([0.0], [6.0])
    x = np.array([0.0, 3.0, 40.0, 1000.0])
    r = RayPath(half, 4.0).trace(x)
    hyp = np.hypot(x, 4.0)
    np.testing.assert_allclose(r.p_s_per_km, x / hyp / 6.0, rtol=1e-13, atol=1e-17)
    np.testing.assert_allclose(r.time_s, hyp / 6.0, rtol=1e-13)
    gradient = LayeredModel.from_arrays([0.0, 20.0], [5.0, 8.0], [7.0, 8.0])
    with pytest.raises(RayError, match="not reachable") as info:
        RayPath(gradient, 10.0).trace([10.0, 34.0])
    assert info.value.index == 1
    with pytest.raises(ModelError):
        RayPath(half, -1.0)
    with pytest.raises(ValueError, match="1-D"):
        RayPath(half, 4.0).trace([[1.0]])
