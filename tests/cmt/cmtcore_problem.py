"""A synthetic CMT problem whose derivatives are known analytically (for the tests of
measure, weight and invert).

Every trace is an exact linear function of the nine parameters::

    syn(M, z, lon, lat) = sum_i M_i g_i(t) + (z - z0) h_z(t) + (lon - lon0) h_lon(t)
                          + (lat - lat0) h_lat(t)

with smooth basis traces g, h (sums of Gaussian-windowed sinusoids of 100-250 s period),
so one linearised step recovers the true source to round-off.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from seisfoc.cmt import config as cmtconfig
from seisfoc.cmt import prepare
from seisfoc.cmt.records import COMPONENTS, PARAMETERS, TraceSet, Window
from support.cmtsolution import FORMATS_EXAMPLE

from seisfoc.io.cmtsolution import CMTSolution, parse_cmtsolution

#: the FORMATS.md example (Global CMT 2010-07-18 New Britain)
START_TEXT = FORMATS_EXAMPLE


def start_cmt() -> CMTSolution:
    return parse_cmtsolution(START_TEXT)[0]


@dataclass
class Problem:
    start: CMTSolution
    truth: CMTSolution
    runs: dict[str, CMTSolution]
    stencils: dict
    obs: TraceSet
    syns: dict[str, TraceSet]
    windows: list[Window]
    basis: np.ndarray  # (9, n_sta, 3, n_t): g_1..g_6, h_z, h_lon, h_lat


def _values(cmt: CMTSolution) -> np.ndarray:
    return np.array(
        [*cmt.m6_use, cmt.centroid_depth_km, cmt.centroid_longitude, cmt.centroid_latitude]
    )


def _synthetic(basis: np.ndarray, x0: np.ndarray, cmt: CMTSolution) -> np.ndarray:
    v = _values(cmt)
    coef = np.concatenate([v[:6], v[6:] - x0[6:]])
    return np.tensordot(coef, basis, axes=1)


def make_problem(
    *,
    n_sta: int = 12,
    dt: float = 2.0,
    n_t: int = 700,
    truth_changes: dict | None = None,
    cfg: cmtconfig.Config | None = None,
    seed: int = 1,
    azimuths: np.ndarray | None = None,
    band: str = "surface",
    obs_shift_s: float = 0.0,
) -> Problem:
    """A problem with stations at spread azimuths and 40-100 deg, one window per trace."""
    rng = np.random.default_rng(seed)
    cfg = cfg or cmtconfig.Config()
    start = start_cmt()
    runs = prepare.perturbations(start, cfg)
    ref = runs["CMT"]
    x0 = _values(ref)
    t = dt * np.arange(n_t)
    basis = np.zeros((9, n_sta, 3, n_t))
    m0 = ref.scalar_moment_dyne_cm
    for p in range(9):
        for s in range(n_sta):
            for c in range(3):
                trace = np.zeros(n_t)
                for _ in range(3):
                    centre = rng.uniform(400.0, 1000.0)
                    period = rng.uniform(100.0, 250.0)
                    width = rng.uniform(80.0, 160.0)
                    trace += (
                        rng.normal()
                        * np.exp(-(((t - centre) / width) ** 2))
                        * np.sin(2 * np.pi * t / period + rng.uniform(0, 2 * np.pi))
                    )
                # moment columns per dyne-cm; location columns so that 1 km / 0.01 deg
                # changes the trace by a few per cent
                basis[p, s, c] = trace / m0 if p < 6 else trace * (0.05 if p == 6 else 5.0)
    changes = truth_changes or {}
    truth = replace(ref, **changes)
    syns = {}
    if azimuths is None:
        azimuths = np.linspace(0.0, 360.0, n_sta, endpoint=False) + 7.0
    distances = np.linspace(40.0, 100.0, n_sta)
    codes = [f"XX.S{i:02d}" for i in range(n_sta)]

    def traces(data: np.ndarray) -> TraceSet:
        return TraceSet(
            codes=list(codes),
            t0_s=0.0,
            dt_s=dt,
            data=data,
            present=np.ones((n_sta, 3), dtype=bool),
            distance_deg=distances.copy(),
            azimuth_deg=np.asarray(azimuths, dtype=float).copy(),
            back_azimuth_deg=(np.asarray(azimuths) + 180.0) % 360.0,
        )

    for run, sol in runs.items():
        syns[run] = traces(_synthetic(basis, x0, sol))
    obs_data = _synthetic(basis, x0, truth)
    if obs_shift_s:
        shifted = np.empty_like(obs_data)
        for s in range(n_sta):
            for c in range(3):
                shifted[s, c] = np.interp(t - obs_shift_s, t, obs_data[s, c])
        obs_data = shifted
    obs = traces(obs_data)
    windows = [
        Window(band=band, code=code, component=comp, start_s=300.0, end_s=1100.0)
        for code in codes
        for comp in COMPONENTS
    ]
    stencils = prepare.stencils(runs, cfg.invert.n_parameters)
    return Problem(start, truth, runs, stencils, obs, syns, windows, basis)


def truth_vector(problem: Problem, n: int = 9) -> np.ndarray:
    return _values(problem.truth)[:n]


__all__ = ["PARAMETERS", "Problem", "make_problem", "start_cmt", "truth_vector"]
