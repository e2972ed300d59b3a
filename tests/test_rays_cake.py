"""Direct rays against pyrocko's cake in its flat-earth limit, on random layered models.

cake is a spherical-earth ray tracer; with the earth radius set to 6.371e10 m (10^4
times the real one, as ray_reference.md did) its layers are flat to better than 1e-7
over the distances used, and its gradient layers fall back to linear interpolation
(the power-law interpolation cannot represent them), so it computes the same physics.
Its spreading comes from a finite difference in p, good to ~1e-3 only.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
import pytest
from support.pyrocko import import_pyrocko

from seisfoc.rays import trace
from seisfoc.velocity import LayeredModel

# without pyrocko these tests fail (never skip): scripts/install_pyrocko.sh
cake = import_pyrocko("cake")

FLAT_RADIUS_M = 6.371e10


@contextlib.contextmanager
def flat_earth(radius_m=FLAT_RADIUS_M):
    names = ["earthradius", "d2m", "m2d", "sprad2spm", "sprad2spkm"]
    saved = {n: getattr(cake, n) for n in names}
    cake.earthradius = radius_m
    cake.d2m = cake.d2r * radius_m
    cake.m2d = 1.0 / cake.d2m
    cake.sprad2spm = 1.0 / (cake.r2d * cake.d2m)
    cake.sprad2spkm = 1.0 / (cake.r2d * cake.d2m / cake.km)
    try:
        yield
    finally:
        for n, v in saved.items():
            setattr(cake, n, v)


def cake_model(model: LayeredModel, zmax_km: float):
    """The same layers as a cake model (built inside flat_earth())."""
    lines = []
    z = model.depth_top_km
    for j in range(model.n_layers):
        zb = z[j + 1] if j + 1 < model.n_layers else zmax_km
        top = cake.Material(model.vp_top[j] * 1e3, model.vs_top[j] * 1e3, 2700.0)
        bot = cake.Material(model.vp_bottom[j] * 1e3, model.vs_bottom[j] * 1e3, 2700.0)
        lines.append((z[j] * 1e3, top, None))
        lines.append((zb * 1e3, bot, None))
    return cake.LayeredModel.from_scanlines(lines)


def cake_rays(model: LayeredModel, source_km: float, distances_km, phase: str):
    """{distance: (t, p s/km, take-off, incidence, L km)} for the direct up-going ray."""
    out = {}
    with flat_earth():
        cm = cake_model(model, 200.0)
        deg = np.asarray(distances_km) * 1e3 * cake.m2d
        arrivals = cm.arrivals(deg, phases=[cake.PhaseDef(phase.lower())], zstart=source_km * 1e3)
        for a in arrivals:
            x_km = a.x * cake.d2m / 1e3
            key = min(distances_km, key=lambda d: abs(d - x_km))
            spreading = a.spreading()
            length = 1.0 / math.sqrt(4 * math.pi * spreading) / 1e3 if spreading > 0 else math.nan
            out.setdefault(key, []).append(
                (a.t, a.p / cake.earthradius * 1e3, a.takeoff_angle(), a.incidence_angle(), length)
            )
    return out


def random_model(rng):
    n = int(rng.integers(2, 6))
    tops = np.concatenate([[0.0], np.cumsum(rng.uniform(1.0, 10.0, n - 1))])
    vtop = rng.uniform(3.5, 7.0, n)
    vbot = vtop + rng.choice([0.0, 0.0, 1.0, -0.4], n) * rng.uniform(0.1, 1.0, n)
    vtop[-1] = vbot[-1] = 7.8
    model = LayeredModel.from_arrays(tops, vtop, vbot, vp_vs=1.732)
    source = float(rng.uniform(0.5, tops[-1] + 10.0))
    return model, source


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("phase", ["P", "S"])
def test_random_models_against_cake(seed, phase):
    rng = np.random.default_rng(1000 + seed)
    model, source = random_model(rng)
    dist = [float(d) for d in np.sort(rng.uniform(0.5, 120.0, 6))]
    ours = trace(model, source, dist, phase, strict=False)
    theirs = cake_rays(model, source, dist, phase)
    compared = 0
    for i, d in enumerate(dist):
        arrivals = theirs.get(d, [])
        if ours.status[i] != 0:
            # unreachable by a direct up-going ray: cake finds none either
            assert not arrivals, (d, arrivals)
            continue
        assert len(arrivals) == 1, (d, arrivals)
        t, p, takeoff, incidence, length = arrivals[0]
        assert ours.time_s[i] == pytest.approx(t, rel=1e-6), d
        assert ours.p_s_per_km[i] == pytest.approx(p, rel=1e-6), d
        assert ours.takeoff_deg[i] == pytest.approx(takeoff, rel=1e-6), d
        assert ours.incidence_deg[i] == pytest.approx(incidence, rel=1e-6), d
        # cake's finite difference in p loses accuracy for near-horizontal take-off
        rtol_l = 3e-3 if takeoff > 95.0 else 1e-2
        assert ours.spreading_km[i] == pytest.approx(length, rel=rtol_l), d
        compared += 1
    assert compared >= 2
