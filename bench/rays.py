"""Rays per second: seisfoc.rays.trace vs pyrocko.cake (flat-earth limit), same run; and
the held path (seisfoc.rays.RayPath, a Fortran derived type exposed with f90wrap) vs the
array interface (trace, which rebuilds the path from the model on every call).

Same model (INVRAD's example model, linear gradients), same source depth and the same
epicentral distances for both; cake is called once per batch with all distances (its
fastest use), seisfoc likewise. Also checks that both give the same travel times.

    python bench/rays.py [--n 200] [--repeat 5] [--phase P]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import time

import numpy as np

from seisfoc.rays import RayPath, trace
from seisfoc.velocity import LayeredModel


@contextlib.contextmanager
def flat_earth(cake, radius_m=6.371e10):
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


def example_model() -> LayeredModel:
    return LayeredModel.from_arrays(
        [0.0, 2.0, 10.0, 20.0, 34.0],
        [5.0, 6.0, 6.6, 7.1, 8.1],
        [6.0, 6.0, 6.9, 7.2, 8.1],
        vp_vs=math.sqrt(3.0),
    )


def best_time(fn, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def compare_held_path(model: LayeredModel, depth: float, phase: str, dist, repeat: int) -> None:
    """RayPath (built once, f90wrap) against trace (arrays, path rebuilt per call): one
    distance per call (the many-small-calls use) and one batch of all distances."""
    path = RayPath(model, depth, phase)
    assert np.array_equal(path.trace(dist).time_s, trace(model, depth, dist, phase).time_s)
    singles = [float(x) for x in dist]

    def arrays_single():
        for x in singles:
            trace(model, depth, x, phase)

    def held_single():
        for x in singles:
            path.trace(x)

    t_build = best_time(lambda: RayPath(model, depth, phase), max(repeat, 20))
    rows = [
        ("one distance per call", arrays_single, held_single, len(singles)),
        (f"one batch of {len(singles)}", lambda: trace(model, depth, dist, phase),
         lambda: path.trace(dist), 1),
    ]  # fmt: skip
    print(f"held path (f90wrap) built once in {t_build * 1e6:.1f} us")
    for label, arrays, held, calls in rows:
        t_arrays = best_time(arrays, repeat)
        t_held = best_time(held, repeat)
        print(
            f"{label:22s}: arrays {t_arrays / calls * 1e6:8.1f} us/call, held path "
            f"{t_held / calls * 1e6:8.1f} us/call, ratio arrays/held {t_arrays / t_held:5.2f}"
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="distances per batch (default 200)")
    ap.add_argument("--repeat", type=int, default=5, help="timing repeats, best kept")
    ap.add_argument("--phase", default="P", choices=["P", "S"])
    ap.add_argument("--depth", type=float, default=8.0, help="source depth km (default 8)")
    args = ap.parse_args(argv)

    model = example_model()
    dist = np.linspace(1.0, 100.0, args.n)

    ours = trace(model, args.depth, dist, args.phase)  # warm-up (and kernel build)
    compare_held_path(model, args.depth, args.phase, dist, args.repeat)

    import pyrocko.cake as cake

    t_ours = best_time(lambda: trace(model, args.depth, dist, args.phase), max(args.repeat, 20))

    with flat_earth(cake):
        lines = []
        z = model.depth_top_km
        for j in range(model.n_layers):
            zb = z[j + 1] if j + 1 < model.n_layers else 200.0
            lines.append(
                (
                    z[j] * 1e3,
                    cake.Material(model.vp_top[j] * 1e3, model.vs_top[j] * 1e3, 2700.0),
                    None,
                )
            )
            lines.append(
                (
                    zb * 1e3,
                    cake.Material(model.vp_bottom[j] * 1e3, model.vs_bottom[j] * 1e3, 2700.0),
                    None,
                )
            )
        cm = cake.LayeredModel.from_scanlines(lines)
        deg = dist * 1e3 * cake.m2d
        phase = [cake.PhaseDef(args.phase.lower())]
        result = {}

        def run_cake():
            result["arrivals"] = cm.arrivals(deg, phases=phase, zstart=args.depth * 1e3)

        t_cake = best_time(run_cake, args.repeat)
        arrivals = result["arrivals"]
        x_cake = np.array([a.x * cake.d2m / 1e3 for a in arrivals])
        t_cake_s = np.array([a.t for a in arrivals])

    n_cake = len(arrivals)
    idx = np.searchsorted(dist, x_cake - 1e-6)
    dt = np.max(np.abs(ours.time_s[idx] / t_cake_s - 1.0)) if n_cake else math.nan
    rate_ours = dist.size / t_ours
    rate_cake = n_cake / t_cake
    print(
        f"model: INVRAD example (5 layers, gradients), source {args.depth:g} km, "
        f"phase {args.phase}, {dist.size} distances 1-100 km"
    )
    print(f"seisfoc.rays.trace : {rate_ours:14,.0f} rays/s  ({t_ours * 1e6:9.1f} us per batch)")
    print(
        f"pyrocko.cake       : {rate_cake:14,.0f} rays/s  "
        f"({t_cake * 1e6:9.1f} us per batch, {n_cake} rays)"
    )
    print(
        f"speed-up           : {rate_ours / rate_cake:14,.0f} x   "
        f"(max relative t difference {dt:.1e})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
