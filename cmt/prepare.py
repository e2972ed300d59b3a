"""Stage ``prepare``: the reference CMT and its perturbations, laid out as SPECFEM expects.

Runs (ALGORITHMS.md 7, the pycmt3d / GCMT3D convention):

* ``CMT``: the reference solution;
* ``CMT_rr`` ... ``CMT_tp``: the reference with every moment-tensor element zero except
  one, which equals dM, so that d syn / d M_ij = syn_run / dM exactly (linearity);
* ``CMT_depth``, ``CMT_lon``, ``CMT_lat``: the full reference source moved by one step;
* with centred differences also ``CMT_depth_m``, ``CMT_lon_m``, ``CMT_lat_m`` (minus
  one step).

Each run is written as ``CMT_SIMs/<run>/DATA/CMTSOLUTION`` and ``DATA/STATIONS`` (with an
empty ``OUTPUT_FILES/``), the files a SPECFEM3D_GLOBE run folder reads. Values are rounded
to what the CMTSOLUTION layout holds (4 decimals of degree and km, 7 significant digits of
moment) so that the step the later stages use is the step actually simulated; the
derivative stencils (:func:`stencils`) are derived from the run CMTSOLUTIONs themselves,
so outputs made elsewhere (GCMT3D uses other steps) are differentiated correctly.

Centroid time shift and half duration (``n_parameters`` 10 and 11) need no runs: their
stencils name the derivative traces of the reference run that
:mod:`seisfoc.cmt.measure` forms (``CMT'``: d syn/dt, ``CMT''``: d2 syn/dt2), with the step
chosen so that ``trace / step`` is the derivative (-1 for the time shift, ``2 c^2 / h`` for
the half duration h; see :mod:`seisfoc.cmt.measure`).

Edges: a depth step that would leave the source above the surface or below the deepest
source of the database is taken the other way (a backward difference) and said so in the
stencil; so is a latitude step beyond a pole. Longitudes are wrapped into [-180, 180).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from seisfoc.errors import SeisfocError
from seisfoc.io.cmtsolution import CMTSolution, read_cmtsolution, write_cmtsolution
from seisfoc.io.specfem_stations import Station, write_stations

from .config import Config, PerturbationConfig
from .layout import EventLayout
from .records import (
    ALL_PARAMETERS,
    MINUS_RUN_OF_PARAMETER,
    PARAMETERS,
    RUN_OF_PARAMETER,
    RUNS,
)
from .simulate import SOURCE_DECAY_MIMIC_TRIANGLE

__all__ = [
    "FIRST_DERIVATIVE_RUN",
    "N_PARAMETERS",
    "SECOND_DERIVATIVE_RUN",
    "Stencil",
    "derivative_runs",
    "perturbations",
    "read_runs",
    "stencils",
    "write_runs",
]

_MOMENT_FIELDS = ("mrr", "mtt", "mpp", "mrt", "mrp", "mtp")
_LOCATION_FIELDS = {
    "depth_km": "centroid_depth_km",
    "longitude": "centroid_longitude",
    "latitude": "centroid_latitude",
}
#: the parameter counts an inversion may use (pycmt3d's: + time shift, + half duration)
N_PARAMETERS = (6, 7, 9, 10, 11)
#: derivative traces of the reference run (formed by measure, not simulated)
FIRST_DERIVATIVE_RUN = "CMT'"
SECOND_DERIVATIVE_RUN = "CMT''"
_DECIMALS = 4  # CMTSOLUTION: latitude, longitude, depth written with 4 decimals


def _wrap_longitude(lon: float) -> float:
    """Longitude in [-180, 180)."""
    wrapped = (lon + 180.0) % 360.0 - 180.0
    return 0.0 if wrapped == 0.0 else wrapped


def _round_moment(m: float) -> float:
    return float(f"{m:.6e}")


def _moments(values: dict[str, float]) -> dict[str, Any]:
    """Keyword arguments of ``dataclasses.replace`` (typed for the checker)."""
    return values


def _written(cmt: CMTSolution) -> CMTSolution:
    """``cmt`` as the CMTSOLUTION layout holds it (so written and intended agree)."""
    return replace(
        cmt,
        centroid_latitude=round(cmt.centroid_latitude, _DECIMALS),
        centroid_longitude=round(_wrap_longitude(cmt.centroid_longitude), _DECIMALS),
        centroid_depth_km=round(cmt.centroid_depth_km, _DECIMALS),
        time_shift_s=round(cmt.time_shift_s, _DECIMALS),
        half_duration_s=round(cmt.half_duration_s, _DECIMALS),
        **_moments({f: _round_moment(getattr(cmt, f)) for f in _MOMENT_FIELDS}),
    )


def derivative_runs(differences: str = "forward") -> tuple[str, ...]:
    """Run names of a Jacobian with ``forward`` or ``centred`` location differences."""
    if differences == "forward":
        return RUNS
    if differences == "centred":
        return RUNS + tuple(MINUS_RUN_OF_PARAMETER.values())
    raise SeisfocError(f"differences must be 'forward' or 'centred', got {differences!r}")


def perturbations(
    cmt: CMTSolution,
    cfg: Config | PerturbationConfig,
    *,
    max_depth_km: float | None = None,
) -> dict[str, CMTSolution]:
    """The reference CMT and every perturbed CMT of one linearisation.

    Parameters
    ----------
    cmt
        The current solution (moments in dyne-cm).
    cfg
        The configuration (its ``[perturbation]`` section is used).
    max_depth_km
        The deepest source the forward engine can place (an instaseis database's limit);
        a depth step beyond it is taken upwards instead.

    Returns
    -------
    dict
        Run name (``CMT``, ``CMT_rr``, ..., and ``CMT_*_m`` for centred differences) to
        its CMTSolution, rounded as the CMTSOLUTION layout holds it.
    """
    p = cfg.perturbation if isinstance(cfg, Config) else cfg
    if not cmt.centroid_depth_km >= 0.0:
        raise SeisfocError(
            f"centroid depth {cmt.centroid_depth_km} km is above the surface", cmt.path,
            cmt.line_number)  # fmt: skip
    if max_depth_km is not None and cmt.centroid_depth_km > max_depth_km:
        raise SeisfocError(
            f"centroid depth {cmt.centroid_depth_km} km is below the deepest source the"
            f" engine can place ({max_depth_km} km)",
            cmt.path,
            cmt.line_number,
        )
    if not -90.0 <= cmt.centroid_latitude <= 90.0:
        raise SeisfocError(f"centroid latitude {cmt.centroid_latitude} outside [-90, 90]",
                           cmt.path, cmt.line_number)  # fmt: skip
    ref = _written(cmt)
    runs: dict[str, CMTSolution] = {"CMT": ref}
    dm = _round_moment(p.dm_dyne_cm)
    zero = dict.fromkeys(_MOMENT_FIELDS, 0.0)
    for name, run in zip(_MOMENT_FIELDS, RUNS[1:7], strict=True):
        runs[run] = replace(ref, **_moments({**zero, name: dm}))

    centred = p.differences == "centred"
    deepest = math.inf if max_depth_km is None else max_depth_km
    # depth
    z0 = ref.centroid_depth_km
    plus, minus = _steps(z0, p.depth_km, 0.0, deepest, centred, "depth")
    runs["CMT_depth"] = replace(ref, centroid_depth_km=round(plus, _DECIMALS))
    if centred:
        runs["CMT_depth_m"] = replace(ref, centroid_depth_km=round(minus, _DECIMALS))
    # longitude (wrapped; any value is allowed)
    lon0 = ref.centroid_longitude
    runs["CMT_lon"] = replace(
        ref, centroid_longitude=round(_wrap_longitude(lon0 + p.longitude_deg), _DECIMALS)
    )
    if centred:
        runs["CMT_lon_m"] = replace(
            ref, centroid_longitude=round(_wrap_longitude(lon0 - p.longitude_deg), _DECIMALS)
        )
    # latitude (not beyond a pole)
    lat0 = ref.centroid_latitude
    plus, minus = _steps(lat0, p.latitude_deg, -90.0, 90.0, centred, "latitude")
    runs["CMT_lat"] = replace(ref, centroid_latitude=round(plus, _DECIMALS))
    if centred:
        runs["CMT_lat_m"] = replace(ref, centroid_latitude=round(minus, _DECIMALS))
    return runs


def _steps(
    x0: float, step: float, low: float, high: float, centred: bool, what: str
) -> tuple[float, float]:
    """Plus and minus positions of a finite difference inside [low, high].

    Forward: (x0 + step, x0), or (x0 - step, x0) when x0 + step > high (a backward
    difference). Centred: both clipped to the range; at least one side must move.
    """
    if centred:
        plus, minus = min(x0 + step, high), max(x0 - step, low)
        if plus - minus <= 0.0:
            raise SeisfocError(f"no room for a {what} step about {x0}")
        return plus, minus
    if x0 + step <= high:
        return x0 + step, x0
    if x0 - step >= low:
        return x0 - step, x0
    raise SeisfocError(f"no room for a {what} step of {step} about {x0} within [{low}, {high}]")


# ------------------------------------------------------------------------------ stencils


@dataclass(frozen=True)
class Stencil:
    """How the derivative of the synthetics with respect to one parameter is formed:

    ``(syn[plus_run] - syn[minus_run]) / step`` (``syn[minus_run]`` taken as zero when
    ``minus_run`` is None: the moment-tensor runs, exact by linearity). ``step`` is in the
    parameter's unit (dyne-cm, km, deg, s) and may be negative (a backward difference).
    Kind ``"analytic"``: ``plus_run`` is a derivative trace of the reference run
    (:data:`FIRST_DERIVATIVE_RUN`, :data:`SECOND_DERIVATIVE_RUN`) and ``1 / step`` its
    exact factor.
    """

    parameter: str
    plus_run: str
    minus_run: str | None
    step: float
    kind: str  # "linear", "forward", "backward", "centred"
    note: str = ""


def stencils(runs: Mapping[str, CMTSolution], n_parameters: int = 9) -> dict[str, Stencil]:
    """The derivative stencils of the first ``n_parameters`` parameters, derived from the
    run CMTSOLUTIONs (so that any steps, also GCMT3D's, are differentiated correctly).

    Parameters
    ----------
    runs
        Run name to CMTSolution; needs ``CMT`` and the run of every parameter
        (``CMT_*_m`` runs make the location differences centred).
    n_parameters
        6, 7, 9, 10 or 11 (pycmt3d's order: moment tensor, depth, longitude, latitude,
        centroid time shift, half duration).

    Returns
    -------
    dict
        Parameter name (``records.ALL_PARAMETERS``) to its :class:`Stencil`.

    Raises
    ------
    SeisfocError
        A missing run, a moment-tensor run that holds more than its one element, a
        location run that differs from the reference in more than its parameter, a
        zero step, or a half duration to invert that is zero (the synthetics do not depend
        on it to first order there).
    """
    if n_parameters not in N_PARAMETERS:
        raise SeisfocError(f"n_parameters must be 6, 7, 9, 10 or 11, got {n_parameters}")
    if "CMT" not in runs:
        raise SeisfocError("the reference run CMT is missing")
    ref = runs["CMT"]
    out: dict[str, Stencil] = {}
    for parameter in ALL_PARAMETERS[len(PARAMETERS) : n_parameters]:
        out[parameter] = _timing_stencil(parameter, ref)
    for i, parameter in enumerate(PARAMETERS[:n_parameters]):
        run = RUN_OF_PARAMETER[parameter]
        if run not in runs:
            raise SeisfocError(f"run {run} (derivative by {parameter}) is missing")
        sol = runs[run]
        where = sol.path
        if i < 6:
            m6 = sol.m6_use
            others = np.delete(m6, i)
            if m6[i] == 0.0 or np.any(others != 0.0):
                raise SeisfocError(
                    f"run {run} must hold only {_MOMENT_FIELDS[i].capitalize()} (the other five"
                    " elements zero)",
                    where,
                    sol.line_number,
                )
            _check_same(ref, sol, run, exclude=())
            out[parameter] = Stencil(parameter, run, None, float(m6[i]), "linear")
            continue
        field_name = _LOCATION_FIELDS[parameter]
        _check_same(ref, sol, run, exclude=(field_name,))
        minus = MINUS_RUN_OF_PARAMETER[parameter]
        if minus in runs:
            _check_same(ref, runs[minus], minus, exclude=(field_name,))
            step = _difference(parameter, sol, runs[minus])
            kind, note = "centred", ""
            x0 = getattr(ref, field_name)
            d_plus = _difference(parameter, sol, ref)
            d_minus = _difference(parameter, ref, runs[minus])
            if not math.isclose(d_plus, d_minus, rel_tol=1e-3, abs_tol=1e-9):
                note = (
                    f"uneven centred difference about {x0} (steps {d_plus:g} and {d_minus:g},"
                    " clipped at a limit)"
                )
            out[parameter] = Stencil(parameter, run, minus, step, kind, note)
        else:
            step = _difference(parameter, sol, ref)
            if step > 0:
                kind, note = "forward", ""
            else:
                kind = "backward"
                note = {
                    "depth_km": "depth step taken upwards (a deeper source is out of reach)",
                    "latitude": "latitude step taken away from the pole",
                    "longitude": "negative longitude step",
                }[parameter]
            out[parameter] = Stencil(parameter, run, "CMT", step, kind, note)
        if out[parameter].step == 0.0:
            raise SeisfocError(f"run {run} has the same {parameter} as its partner (zero step)",
                               where, sol.line_number)  # fmt: skip
    return {p: out[p] for p in ALL_PARAMETERS if p in out}


def _timing_stencil(parameter: str, ref: CMTSolution) -> Stencil:
    """d syn / d t0 = -syn' and d syn / d h = h / (2 c^2) syn'' (c: SPECFEM's 1.628)."""
    if parameter == "time_shift_s":
        return Stencil(parameter, FIRST_DERIVATIVE_RUN, None, -1.0, "analytic",
                       "minus the time derivative of the reference synthetics")  # fmt: skip
    h = float(ref.half_duration_s)
    if not h > 0.0:
        raise SeisfocError(
            f"half duration {h:g} s: the synthetics do not depend on it to first order"
            " (d syn/dh = h / (2 c^2) syn''); invert it from a positive half duration or use"
            " n_parameters = 10",
            ref.path,
            ref.line_number,
        )
    c = SOURCE_DECAY_MIMIC_TRIANGLE
    return Stencil(parameter, SECOND_DERIVATIVE_RUN, None, 2.0 * c * c / h, "analytic",
                   "h / (2 c^2) times the second time derivative of the reference"
                   " synthetics (Gaussian source time function)")  # fmt: skip


def _difference(parameter: str, a: CMTSolution, b: CMTSolution) -> float:
    field_name = _LOCATION_FIELDS[parameter]
    d = getattr(a, field_name) - getattr(b, field_name)
    if parameter == "longitude":
        d = (d + 180.0) % 360.0 - 180.0
    # both values hold 4 decimals: remove the binary round-off of the difference
    return round(float(d), 8)


def _check_same(ref: CMTSolution, sol: CMTSolution, run: str, exclude: Iterable[str]) -> None:
    """A run differs from the reference only in its own parameter."""
    fields_ = ["centroid_depth_km", "centroid_latitude", "centroid_longitude",
               "time_shift_s", "half_duration_s"]  # fmt: skip
    if run == "CMT":
        return
    moment = [] if run in RUNS[1:7] else list(_MOMENT_FIELDS)
    for f in fields_ + moment:
        if f in exclude:
            continue
        a, b = getattr(ref, f), getattr(sol, f)
        if f == "centroid_longitude":
            close = abs((a - b + 180.0) % 360.0 - 180.0) <= 1e-4
        elif f in _MOMENT_FIELDS:
            scale = float(np.max(np.abs(ref.m6_use))) or 1.0
            close = math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6 * scale)
        else:
            close = math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-4)
        if not close:
            raise SeisfocError(
                f"run {run} differs from the reference CMT in {f} ({b} against {a}); a run"
                " may change only its own parameter",
                sol.path,
                sol.line_number,
            )


# ------------------------------------------------------------------------------ files


def write_runs(
    layout: EventLayout,
    iteration: int,
    runs: Mapping[str, CMTSolution],
    stations: Iterable[Station],
) -> list[Path]:
    """Write every run folder: ``<run>/DATA/CMTSOLUTION``, ``<run>/DATA/STATIONS`` and an
    (empty) ``<run>/OUTPUT_FILES/``. Existing outputs in ``OUTPUT_FILES`` are left alone.

    Parameters
    ----------
    layout
        The event folder.
    iteration
        0 for ``CMT_SIMs``, N for ``work/iter_NN/CMT_SIMs``.
    runs
        Run name to CMTSolution (from :func:`perturbations`).
    stations
        The receivers.

    Returns
    -------
    list of Path
        The run folders written.
    """
    stations = list(stations)
    if not stations:
        raise SeisfocError("no stations to write")
    written = []
    for run, solution in runs.items():
        cmt_path = layout.run_cmtsolution(run, iteration)
        try:
            cmt_path.parent.mkdir(parents=True, exist_ok=True)
            layout.run_output(run, iteration).mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise SeisfocError(f"cannot create the run folder: {err.strerror}",
                               layout.run_dir(run, iteration)) from err  # fmt: skip
        try:
            write_cmtsolution(cmt_path, solution)
        except OSError as err:
            raise SeisfocError(f"cannot write: {err.strerror}", cmt_path) from err
        write_stations(layout.run_stations(run, iteration), stations)
        written.append(layout.run_dir(run, iteration))
    return written


def read_runs(layout: EventLayout, iteration: int = 0) -> dict[str, CMTSolution]:
    """The CMTSOLUTION of every run folder present (``CMT`` is required)."""
    runs: dict[str, CMTSolution] = {}
    for run in derivative_runs("centred"):
        path = layout.run_cmtsolution(run, iteration)
        if not path.is_file():
            continue
        solutions = read_cmtsolution(os.fspath(path))
        if len(solutions) != 1:
            raise SeisfocError(f"a run CMTSOLUTION must hold one solution, not {len(solutions)}",
                               path)  # fmt: skip
        runs[run] = solutions[0]
    if "CMT" not in runs:
        raise SeisfocError("reference run missing (run `seisfoc cmt prepare`)",
                           layout.run_cmtsolution("CMT", iteration))  # fmt: skip
    return runs
