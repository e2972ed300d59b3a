"""Mechanisms x readings per second: seisfoc.gridsearch (Fortran) vs plain NumPy, same run.

Two comparisons on the same random polarity readings:

* ``search``: the whole FOCMEC-style grid (``step`` deg) searched for its minimum misfit
  and the acceptable set, by ``seisfoc.gridsearch.search`` (grid generated inside
  Fortran: one pass for every misfit, a second only over the outer grid points that hold
  acceptable mechanisms) and by NumPy (normal and slip vectors of the grid precomputed
  outside the timing, then A = 2 (n.g)(s.g) as (chunk x readings) matrices,
  misfit = (p A < 0) @ w, stdr = |A| @ w / sum w, minimum, selection);
* ``misfit``: the misfit and stdr of the same explicit mechanisms (strike, dip, rake
  arrays), Fortran kernel vs the same NumPy code (now timed with normal_and_slip).

Checks that both give the same misfits and acceptable set.

    python bench/gridsearch.py [--readings 30] [--step 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from seisfoc import gridsearch as gs
from seisfoc.mechanism import normal_and_slip


def best_time(fn, repeat: int) -> tuple[float, object]:
    best, result = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def numpy_misfit(normal, slip, pol, takeoff, azimuth, weight, chunk=20000):
    i, f = np.radians(takeoff), np.radians(azimuth)
    gamma = np.stack([np.sin(i) * np.cos(f), np.sin(i) * np.sin(f), np.cos(i)])  # (3, n)
    misfit = np.empty(normal.shape[0])
    stdr = np.empty(normal.shape[0])
    for start in range(0, normal.shape[0], chunk):
        part = slice(start, start + chunk)
        a = 2.0 * (normal[part] @ gamma) * (slip[part] @ gamma)
        misfit[part] = (pol * a < -1e-9) @ weight
        stdr[part] = np.abs(a) @ weight
    return misfit, stdr / weight.sum()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readings", type=int, default=30, help="polarity readings (default 30)")
    ap.add_argument("--step", type=float, default=2.0, help="grid step in degrees (default 2)")
    ap.add_argument("--repeat", type=int, default=3, help="timing repeats, best kept")
    args = ap.parse_args(argv)

    rng = np.random.default_rng(2024)
    n = args.readings
    takeoff, azimuth = rng.uniform(0, 180, n), rng.uniform(0, 360, n)
    weight = rng.uniform(0.5, 1.5, n)
    pol = np.sign(np.sin(np.radians(azimuth - 40.0)) * np.cos(np.radians(takeoff)) + 0.3)
    grid = gs.search(pol, takeoff, azimuth, weight, step_deg=args.step, max_misfit=np.inf)
    strike, dip, rake = grid.strike, grid.dip, grid.rake
    normal, slip = normal_and_slip(strike, dip, rake)
    m = strike.size
    pairs = m * n
    print(f"grid 'baxis' step {args.step} deg: {m} mechanisms x {n} readings = {pairs:.3g} pairs")

    def numpy_search():
        mis, stdr = numpy_misfit(normal, slip, pol, takeoff, azimuth, weight)
        keep = mis <= mis.min() + 1e-9 * weight.sum()
        return strike[keep], dip[keep], rake[keep], mis[keep], stdr[keep]

    t_f, found = best_time(lambda: gs.search(pol, takeoff, azimuth, weight, args.step), args.repeat)
    t_n, ref = best_time(numpy_search, args.repeat)
    assert found.strike.size == ref[0].size, (found.strike.size, ref[0].size)
    np.testing.assert_allclose(found.misfit, ref[3], atol=1e-9)
    np.testing.assert_allclose(found.stdr, ref[4], atol=1e-9)
    print(f"search  Fortran {pairs / t_f:10.3g} pairs/s ({t_f * 1e3:8.1f} ms)")
    print(f"search  NumPy   {pairs / t_n:10.3g} pairs/s ({t_n * 1e3:8.1f} ms)")
    print(f"search  ratio Fortran/NumPy speed: {t_n / t_f:.1f}x  (acceptable: {found.size})")

    t_f, fort = best_time(
        lambda: gs.misfit(strike, dip, rake, pol, takeoff, azimuth, weight), args.repeat
    )

    def numpy_from_sdr():  # same input as the kernel: strike, dip, rake
        return numpy_misfit(*normal_and_slip(strike, dip, rake), pol, takeoff, azimuth, weight)

    t_n, nump = best_time(numpy_from_sdr, args.repeat)
    np.testing.assert_allclose(fort.misfit, nump[0], atol=1e-9)
    np.testing.assert_allclose(fort.stdr, nump[1], atol=1e-9)
    print(f"misfit  Fortran {pairs / t_f:10.3g} pairs/s ({t_f * 1e3:8.1f} ms)")
    print(f"misfit  NumPy   {pairs / t_n:10.3g} pairs/s ({t_n * 1e3:8.1f} ms)")
    print(f"misfit  ratio Fortran/NumPy speed: {t_n / t_f:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
