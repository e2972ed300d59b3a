"""Stage ``invert``: the weighted, scaled, damped and constrained least-squares update.

Given per-window normal equations (:mod:`seisfoc.cmt.measure`) and window weights
(:mod:`seisfoc.cmt.weight`)::

    A = sum_w weight_w A_w,   b = sum_w weight_w b_w

the parameters are scaled (moment-tensor elements by the scalar moment of the current
solution, depth by 1 km, longitude and latitude by 0.01 deg, centroid time shift and half
duration by 1 s) and the update x solves
``(A_s + lambda tr(A_s) I) x = b_s`` (``A_s = S A S``, ``b_s = S b``), optionally with

* the zero-trace constraint Mrr + Mtt + Mpp = 0 of the new solution (a Lagrange
  multiplier: a bordered system), or
* the double-couple constraint (trace = 0 and det M = 0 of the new solution) by Newton
  iterations on the Lagrangian, started from the zero-trace solution.

Before solving, the system is equilibrated (unit diagonal); a parameter the data do not
constrain, or a rank-deficient system, raises :class:`~seisfoc.errors.InversionError`
naming it, never NaN.

Variance reduction (ALGORITHMS.md 7): ``1 - sum w chi_new / sum w chi`` with
``chi = sum (t (obs - syn))^2 / sum (t obs)^2`` per window; linearised from the normal
equations (exact for the linear model), or from new synthetics
(:func:`variance_reduction_from_synthetics`). Bootstrap: windows resampled with
replacement, each draw solved with the same constraints from its own sums of A and b.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from seisfoc.errors import InversionError, SeisfocError
from seisfoc.geodesy import distance_azimuth
from seisfoc.io.cmtsolution import CMTSolution

from .config import Config, FlagsConfig, InvertConfig
from .measure import Measurements, measure
from .records import ALL_PARAMETERS, TraceSet, Window

__all__ = [
    "InversionResult",
    "apply_update",
    "converged",
    "epicentre_shift_km",
    "flags",
    "invert",
    "moment_change",
    "parameter_scale",
    "parameter_values",
    "bootstrap",
    "solve",
    "solve_normal_equations",
    "variance_reduction",
    "variance_reduction_from_synthetics",
]

_MOMENT = ("mrr", "mtt", "mpp", "mrt", "mrp", "mtp")
#: scale of depth (km), longitude and latitude (deg), time shift and half duration (s) in
#: the scaled system
LOCATION_SCALE = {"depth_km": 1.0, "longitude": 0.01, "latitude": 0.01, "time_shift_s": 1.0,
                  "half_duration_s": 1.0}  # fmt: skip
#: a change of time shift plus half duration of tolerance x this many s counts as converged
CONVERGENCE_TIME_S = 100.0
#: a location change of tolerance x this many km counts as converged
CONVERGENCE_LENGTH_KM = 100.0
#: equilibrated systems with a larger condition number are rank-deficient
MAX_CONDITION = 1e12


# ------------------------------------------------------------------------------ helpers


def parameter_values(
    cmt: CMTSolution, parameters: Sequence[str] = ALL_PARAMETERS[:9]
) -> np.ndarray:
    """Current values in natural units (dyne-cm, km, deg, s), in ``parameters`` order."""
    values = {
        **dict(zip(_MOMENT, cmt.m6_use, strict=True)),
        "depth_km": cmt.centroid_depth_km,
        "longitude": cmt.centroid_longitude,
        "latitude": cmt.centroid_latitude,
        "time_shift_s": cmt.time_shift_s,
        "half_duration_s": cmt.half_duration_s,
    }
    return np.array([values[p] for p in parameters], dtype=float)


def _m6_norm(m6: np.ndarray) -> float:
    """Frobenius norm of the symmetric tensor held as (rr, tt, pp, rt, rp, tp)."""
    m6 = np.asarray(m6, dtype=float)
    return float(np.sqrt(np.sum(m6[:3] ** 2) + 2.0 * np.sum(m6[3:6] ** 2)))


def parameter_scale(cmt: CMTSolution, parameters: Sequence[str]) -> np.ndarray:
    """Scale of each parameter in the scaled system (natural units per scaled unit)."""
    m0 = _m6_norm(cmt.m6_use) / math.sqrt(2.0)
    if not m0 > 0.0:
        m0 = 1.0e23
    return np.array([m0 if p in _MOMENT else LOCATION_SCALE[p] for p in parameters])


def _det6(m: np.ndarray) -> float:
    rr, tt, pp, rt, rp, tp = m
    return rr * (tt * pp - tp * tp) - rt * (rt * pp - tp * rp) + rp * (rt * tp - tt * rp)


def _det6_gradient(m: np.ndarray) -> np.ndarray:
    rr, tt, pp, rt, rp, tp = m
    return np.array(
        [
            tt * pp - tp * tp,
            rr * pp - rp * rp,
            rr * tt - rt * rt,
            2.0 * (rp * tp - rt * pp),
            2.0 * (rt * tp - tt * rp),
            2.0 * (rt * rp - rr * tp),
        ]
    )


def _det6_hessian(m: np.ndarray) -> np.ndarray:
    # the gradient is quadratic in m: central differences are exact
    h = np.zeros((6, 6))
    step = 1.0
    for j in range(6):
        e = np.zeros(6)
        e[j] = step
        h[:, j] = (_det6_gradient(m + e) - _det6_gradient(m - e)) / (2.0 * step)
    return h


# ------------------------------------------------------------------------------ solving


def _equilibrate(a: np.ndarray, names: Sequence[str]) -> np.ndarray:
    d = np.diag(a).copy()
    bad = [names[i] for i in range(len(d)) if not d[i] > 0.0 or not np.isfinite(d[i])]
    if bad:
        raise InversionError(
            "the windows do not constrain " + ", ".join(bad) + " (zero sensitivity); use"
            " fewer parameters or more windows"
        )
    return 1.0 / np.sqrt(d)


def _check_rank(a_eq: np.ndarray, null_basis: np.ndarray | None, names: Sequence[str]) -> float:
    """Condition number of the (constraint-reduced) equilibrated matrix; InversionError
    when it is rank-deficient."""
    reduced = a_eq if null_basis is None else null_basis.T @ a_eq @ null_basis
    s = np.linalg.svd(reduced, compute_uv=False)
    cond = float(s[0] / s[-1]) if s[-1] > 0 else math.inf
    if not cond < MAX_CONDITION:
        if null_basis is None:
            _, _, vt = np.linalg.svd(reduced)
            v = vt[-1]
            worst = [names[i] for i in np.argsort(-np.abs(v))[:3] if abs(v[i]) > 0.2]
            what = " (least resolved: " + ", ".join(worst) + ")" if worst else ""
        else:
            what = ""
        raise InversionError(
            f"the normal equations are rank-deficient (condition number {cond:.3g}){what};"
            " use fewer parameters, damping or more windows"
        )
    return cond


def solve_normal_equations(
    a: np.ndarray,
    b: np.ndarray,
    current: np.ndarray,
    scale: np.ndarray,
    parameters: Sequence[str],
    *,
    damping: float = 0.0,
    zero_trace: bool = False,
    double_couple: bool = False,
    max_newton: int = 60,
) -> tuple[np.ndarray, float]:
    """The update ``dm`` (natural units) of the weighted normal equations ``a dm = b``.

    Parameters
    ----------
    a, b
        Summed weighted normal equations in natural units.
    current
        Current parameter values (natural units; the constraints act on current + dm).
    scale
        Natural units per scaled unit (:func:`parameter_scale`).
    parameters
        Names of the columns (the first six must be the moment tensor).
    damping
        lambda of (A_s + lambda tr(A_s) I).
    zero_trace, double_couple
        Constraints on the new moment tensor.
    max_newton
        Newton iterations of the double-couple constraint.

    Returns
    -------
    dm : ndarray
        The update.
    condition : float
        Condition number of the equilibrated (constraint-reduced) system.
    """
    n = len(parameters)
    if tuple(parameters[:6]) != _MOMENT:
        raise SeisfocError("the first six parameters must be the moment tensor")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise InversionError("the normal equations hold non-finite numbers")
    a_s = a * np.outer(scale, scale)
    b_s = b * scale
    if damping > 0.0:
        a_s = a_s + damping * np.trace(a_s) * np.eye(n)
    e = _equilibrate(a_s, parameters)
    a_eq = a_s * np.outer(e, e)
    b_eq = b_s * e
    x0 = current / scale  # current values, scaled
    if not (zero_trace or double_couple):
        cond = _check_rank(a_eq, None, parameters)
        y = np.linalg.solve(a_eq, b_eq)
        return y * e * scale, cond
    # zero trace: c . (x0 + x) = 0 with x = e * y
    c = np.zeros(n)
    c[:3] = 1.0
    c_eq = c * e
    q, _ = np.linalg.qr(np.column_stack([c_eq, np.eye(n)]))
    null_basis = q[:, 1:n]
    cond = _check_rank(a_eq, null_basis, parameters)
    kkt = np.zeros((n + 1, n + 1))
    kkt[:n, :n] = a_eq
    kkt[:n, n] = c_eq
    kkt[n, :n] = c_eq
    rhs = np.concatenate([b_eq, [-(c @ x0)]])
    sol = np.linalg.solve(kkt, rhs)
    y = sol[:n]
    if not double_couple:
        return y * e * scale, cond
    y = _double_couple_newton(a_eq, b_eq, e, x0, y, sol[n], max_newton)
    return y * e * scale, cond


def _double_couple_newton(
    a_eq: np.ndarray,
    b_eq: np.ndarray,
    e: np.ndarray,
    x0: np.ndarray,
    y: np.ndarray,
    mu_trace: float,
    max_iter: int,
) -> np.ndarray:
    """Stationary point of 0.5 y.A y - b.y subject to trace(m) = 0 and det(m) = 0 with
    m = x0 + e*y (the moment part, in units of the scalar moment): Newton on the
    Lagrangian, started from the zero-trace solution."""
    n = len(y)
    c = np.zeros(n)
    c[:3] = 1.0
    mu = np.array([mu_trace, 0.0])
    for _ in range(max_iter):
        m = (x0 + e * y)[:6]
        g_det = np.zeros(n)
        g_det[:6] = _det6_gradient(m) * e[:6]
        h_det = np.zeros((n, n))
        h_det[:6, :6] = _det6_hessian(m) * np.outer(e[:6], e[:6])
        f = np.concatenate(
            [
                a_eq @ y - b_eq + mu[0] * c * e + mu[1] * g_det,
                [c @ (x0 + e * y), _det6(m)],
            ]
        )
        jac = np.zeros((n + 2, n + 2))
        jac[:n, :n] = a_eq + mu[1] * h_det
        jac[:n, n] = c * e
        jac[:n, n + 1] = g_det
        jac[n, :n] = c * e
        jac[n + 1, :n] = g_det
        try:
            delta = np.linalg.solve(jac, -f)
        except np.linalg.LinAlgError:
            raise InversionError(
                "double-couple constraint: singular Newton system (the zero-trace solution"
                " is degenerate)"
            ) from None
        y = y + delta[:n]
        mu = mu + delta[n:]
        if np.max(np.abs(delta[:n])) < 1e-12 * max(1.0, np.max(np.abs(y))):
            break
    m = (x0 + e * y)[:6]
    if abs(c @ (x0 + e * y)) > 1e-9 or abs(_det6(m)) > 1e-9 * max(1.0, _m6_norm(m)) ** 3:
        raise InversionError("double-couple constraint: Newton iterations did not converge")
    return y


# ------------------------------------------------------------------------------ the update


def apply_update(
    cmt: CMTSolution, parameters: Sequence[str], dm: np.ndarray
) -> tuple[CMTSolution, list[str]]:
    """The solution ``cmt + dm`` (longitude wrapped, latitude and depth kept in range)."""
    notes: list[str] = []
    changes: dict[str, Any] = {}
    for p, d in zip(parameters, dm, strict=True):
        if p in _MOMENT:
            changes[p] = float(getattr(cmt, p) + d)
    if "depth_km" in parameters:
        depth = cmt.centroid_depth_km + float(dm[list(parameters).index("depth_km")])
        if depth < 0.0:
            notes.append(f"depth update to {depth:.3f} km clipped to the surface (0 km)")
            depth = 0.0
        changes["centroid_depth_km"] = depth
    if "longitude" in parameters:
        lon = cmt.centroid_longitude + float(dm[list(parameters).index("longitude")])
        changes["centroid_longitude"] = (lon + 180.0) % 360.0 - 180.0
    if "latitude" in parameters:
        lat = cmt.centroid_latitude + float(dm[list(parameters).index("latitude")])
        if abs(lat) > 90.0:
            notes.append(f"latitude update to {lat:.4f} clipped to the pole")
            lat = math.copysign(90.0, lat)
        changes["centroid_latitude"] = lat
    if "time_shift_s" in parameters:
        changes["time_shift_s"] = cmt.time_shift_s + float(
            dm[list(parameters).index("time_shift_s")]
        )
    if "half_duration_s" in parameters:
        hdur = cmt.half_duration_s + float(dm[list(parameters).index("half_duration_s")])
        if hdur < 0.0:
            notes.append(f"half-duration update to {hdur:.3f} s clipped to 0 s")
            hdur = 0.0
        changes["half_duration_s"] = hdur
    return replace(cmt, **changes), notes


def moment_change(start: CMTSolution, new: CMTSolution) -> float:
    """||M_new - M_start|| / ||M_start|| (Frobenius norms of the tensors)."""
    norm = _m6_norm(start.m6_use)
    if norm == 0.0:
        return math.inf
    return _m6_norm(new.m6_use - start.m6_use) / norm


def epicentre_shift_km(start: CMTSolution, new: CMTSolution) -> float:
    """Geodesic distance (WGS84) between the two centroid epicentres."""
    geodesic = distance_azimuth(
        start.centroid_latitude,
        start.centroid_longitude,
        new.centroid_latitude,
        new.centroid_longitude,
    )
    return geodesic.distance_m / 1000.0


def flags(
    start: CMTSolution,
    new: CMTSolution,
    variance_reduction_value: float | None,
    cfg: Config | FlagsConfig,
) -> list[str]:
    """Reasons why the update is large (empty when it is not)."""
    f = cfg.flags if isinstance(cfg, Config) else cfg
    out = []
    dmr = moment_change(start, new)
    if dmr > f.max_moment_change:
        out.append(
            f"moment tensor changed by {100 * dmr:.1f} % (> {100 * f.max_moment_change:g} %)"
        )
    shift = epicentre_shift_km(start, new)
    if shift > f.max_epicentre_shift_km:
        out.append(f"epicentre moved {shift:.1f} km (> {f.max_epicentre_shift_km:g} km)")
    dz = abs(new.centroid_depth_km - start.centroid_depth_km)
    if dz > f.max_depth_shift_km:
        out.append(f"depth changed by {dz:.1f} km (> {f.max_depth_shift_km:g} km)")
    dt0 = abs(new.time_shift_s - start.time_shift_s)
    if dt0 > f.max_time_shift_change_s:
        out.append(f"centroid time shift changed by {dt0:.1f} s"
                   f" (> {f.max_time_shift_change_s:g} s)")  # fmt: skip
    dh = abs(new.half_duration_s - start.half_duration_s)
    if dh > f.max_half_duration_change_s:
        out.append(f"half duration changed by {dh:.1f} s"
                   f" (> {f.max_half_duration_change_s:g} s)")  # fmt: skip
    if variance_reduction_value is not None and variance_reduction_value < f.min_variance_reduction:
        out.append(
            f"variance reduction {variance_reduction_value:.3f} (< {f.min_variance_reduction:g})"
        )
    return out


def converged(start: CMTSolution, new: CMTSolution, tolerance: float) -> bool:
    """Gauss-Newton stopping test: the moment tensor changed by less than ``tolerance``
    of its norm, the centroid moved (epicentre plus depth) less than ``tolerance``
    x 100 km, and the centroid time shift plus half duration changed by less than
    ``tolerance`` x 100 s."""
    location = epicentre_shift_km(start, new) + abs(new.centroid_depth_km - start.centroid_depth_km)
    timing = abs(new.time_shift_s - start.time_shift_s) + abs(
        new.half_duration_s - start.half_duration_s
    )
    return (
        moment_change(start, new) < tolerance
        and location < tolerance * CONVERGENCE_LENGTH_KM
        and timing < tolerance * CONVERGENCE_TIME_S
    )


def variance_reduction(chi_before: np.ndarray, chi_after: np.ndarray, weights: np.ndarray) -> float:
    """``1 - sum w chi_after / sum w chi_before``.

    Raises
    ------
    InversionError
        When the starting misfit is zero (the data are fitted exactly: nothing to reduce).
    """
    denom = float(np.sum(weights * chi_before))
    if not denom > 0.0:
        raise InversionError("variance reduction undefined: the starting misfit is zero")
    return 1.0 - float(np.sum(weights * chi_after)) / denom


def _linear_chi(meas: Measurements, dm: np.ndarray) -> np.ndarray:
    misfit = meas.misfit - 2.0 * meas.b @ dm + np.einsum("wij,i,j->w", meas.A, dm, dm)
    misfit = np.maximum(misfit, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(meas.obs_energy > 0, misfit / meas.obs_energy, 0.0)


# ------------------------------------------------------------------------------ inversion


@dataclass
class InversionResult:
    """One linearised step: the new solution and every number behind it."""

    parameters: tuple[str, ...]
    start: CMTSolution
    new: CMTSolution
    dm: np.ndarray  # (n_par,) update, natural units (dyne-cm, km, deg, s)
    scale: np.ndarray  # (n_par,) natural units per scaled unit
    a: np.ndarray  # (n_par, n_par) summed weighted normal matrix, natural units
    b: np.ndarray  # (n_par,)
    weights: np.ndarray  # (n_win,)
    condition_number: float
    chi_before: np.ndarray  # (n_win,)
    chi_after_linear: np.ndarray  # (n_win,)
    variance_reduction_linear: float  # NaN when the starting misfit is zero
    constraint: str  # "none", "zero_trace", "double_couple"
    damping: float
    bootstrap_mean: np.ndarray | None = None  # (n_par,) new parameter values
    bootstrap_std: np.ndarray | None = None
    bootstrap_draws: int = 0  # draws solved
    bootstrap_failed: int = 0  # draws that were rank-deficient
    moment_change: float = 0.0
    epicentre_shift_km: float = 0.0
    depth_shift_km: float = 0.0
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def update(self) -> np.ndarray:
        """The update ``dm`` (natural units), the same as :attr:`dm`."""
        return self.dm

    @property
    def new_values(self) -> np.ndarray:
        return parameter_values(self.new, self.parameters)

    def as_dict(self) -> dict:
        """Plain JSON-ready numbers (no arrays of windows)."""

        def listed(x):
            return None if x is None else [float(v) for v in np.asarray(x)]

        return {
            "parameters": list(self.parameters),
            "dm": listed(self.dm),
            "new_values": listed(self.new_values),
            "scale": listed(self.scale),
            "condition_number": self.condition_number,
            "variance_reduction_linear": (
                self.variance_reduction_linear
                if math.isfinite(self.variance_reduction_linear)
                else None
            ),
            "constraint": self.constraint,
            "damping": self.damping,
            "bootstrap_mean": listed(self.bootstrap_mean),
            "bootstrap_std": listed(self.bootstrap_std),
            "bootstrap_draws": self.bootstrap_draws,
            "bootstrap_failed": self.bootstrap_failed,
            "moment_change": self.moment_change,
            "epicentre_shift_km": self.epicentre_shift_km,
            "depth_shift_km": self.depth_shift_km,
            "flags": list(self.flags),
            "notes": list(self.notes),
        }


def _weights_array(weights, n_win: int) -> np.ndarray:
    w = getattr(weights, "weights", weights)
    w = np.asarray(w, dtype=float)
    if w.shape != (n_win,):
        raise SeisfocError(f"{w.size} weights for {n_win} windows")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise SeisfocError("window weights must be finite and non-negative")
    return w


def invert(
    meas: Measurements,
    weights,
    cmt: CMTSolution,
    cfg: Config | InvertConfig,
    flags_cfg: FlagsConfig | None = None,
    *,
    bootstrap: bool = True,
) -> InversionResult:
    """One linearised inversion step about ``cmt``.

    Parameters
    ----------
    meas
        Normal equations of every window (measured about ``cmt``).
    weights
        Weight of every window (an array, or the record of :mod:`seisfoc.cmt.weight`).
    cmt
        The solution the synthetics were computed for.
    cfg
        Configuration (``[invert]``; ``[flags]`` when a full :class:`Config`).
    flags_cfg
        Thresholds when ``cfg`` is only the ``[invert]`` section.
    bootstrap
        Also run the configured bootstrap (``bootstrap_draws`` > 0).

    Returns
    -------
    InversionResult

    Raises
    ------
    InversionError
        No windows, zero total weight, a parameter without sensitivity, a rank-deficient
        system, or a double-couple constraint that does not converge.
    """
    inv = cfg.invert if isinstance(cfg, Config) else cfg
    fl = cfg.flags if isinstance(cfg, Config) else (flags_cfg or FlagsConfig())
    n_win = meas.n_windows
    if n_win == 0:
        raise InversionError("no measurement windows: nothing to invert")
    parameters = meas.parameters
    if len(parameters) != inv.n_parameters:
        raise SeisfocError(
            f"measurements hold {len(parameters)} parameters, the configuration asks for"
            f" {inv.n_parameters}"
        )
    w = _weights_array(weights, n_win)
    if not np.sum(w) > 0:
        raise InversionError("all window weights are zero")
    a = np.einsum("w,wij->ij", w, meas.A)
    b = w @ meas.b
    current = parameter_values(cmt, parameters)
    scale = parameter_scale(cmt, parameters)
    constraint = (
        "double_couple" if inv.double_couple else "zero_trace" if inv.zero_trace else "none"
    )
    dm, cond = solve_normal_equations(
        a, b, current, scale, parameters, damping=inv.damping,
        zero_trace=inv.zero_trace or inv.double_couple, double_couple=inv.double_couple,
    )  # fmt: skip
    new, notes = apply_update(cmt, parameters, dm)
    chi_before = meas.chi
    chi_after = _linear_chi(meas, dm)
    try:
        vr = variance_reduction(chi_before, chi_after, w)
    except InversionError:  # exact fit: nothing to reduce
        vr = math.nan
    result = InversionResult(
        parameters=parameters,
        start=cmt,
        new=new,
        dm=dm,
        scale=scale,
        a=a,
        b=b,
        weights=w,
        condition_number=cond,
        chi_before=chi_before,
        chi_after_linear=chi_after,
        variance_reduction_linear=vr,
        constraint=constraint,
        damping=inv.damping,
        notes=notes + list(meas.notes),
    )
    if bootstrap and inv.bootstrap_draws > 0:
        _bootstrap(result, meas, w, current, inv)
    result.moment_change = moment_change(cmt, new)
    result.epicentre_shift_km = epicentre_shift_km(cmt, new)
    result.depth_shift_km = new.centroid_depth_km - cmt.centroid_depth_km
    result.flags = flags(cmt, new, vr if math.isfinite(vr) else None, fl)
    return result


def _bootstrap_updates(
    meas: Measurements,
    w: np.ndarray,
    current: np.ndarray,
    scale: np.ndarray,
    inv: InvertConfig,
) -> tuple[np.ndarray, int]:
    """Updates of every solvable bootstrap draw (n_ok, n_par) and the number that failed."""
    n_win = meas.n_windows
    k = max(1, int(round(inv.bootstrap_fraction * n_win)))
    rng = np.random.default_rng(inv.seed)
    picks = rng.integers(0, n_win, size=(inv.bootstrap_draws, k))
    counts = np.zeros((inv.bootstrap_draws, n_win))
    rows = np.repeat(np.arange(inv.bootstrap_draws), k)
    np.add.at(counts, (rows, picks.ravel()), 1.0)
    cw = counts * w
    a_all = np.einsum("dw,wij->dij", cw, meas.A)
    b_all = cw @ meas.b
    zero_trace = inv.zero_trace or inv.double_couple
    dm, ok = _solve_batch(a_all, b_all, current, scale, inv.damping, zero_trace)
    if inv.double_couple:
        for d in np.flatnonzero(ok):
            try:
                dm[d], _ = solve_normal_equations(
                    a_all[d], b_all[d], current, scale, meas.parameters,
                    damping=inv.damping, zero_trace=True, double_couple=True,
                )  # fmt: skip
            except InversionError:
                ok[d] = False
    return dm[ok], int(np.sum(~ok))


def _solve_batch(
    a_all: np.ndarray,
    b_all: np.ndarray,
    current: np.ndarray,
    scale: np.ndarray,
    damping: float,
    zero_trace: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`solve_normal_equations` (without the double couple) of many systems at once:
    the updates (d, n) and which systems were solvable (well-conditioned)."""
    n_draw, n = b_all.shape
    a_s = a_all * np.outer(scale, scale)
    b_s = b_all * scale
    if damping > 0.0:
        a_s = a_s + damping * np.trace(a_s, axis1=1, axis2=2)[:, None, None] * np.eye(n)
    diag = np.diagonal(a_s, axis1=1, axis2=2)
    ok = np.all(diag > 0.0, axis=1) & np.all(np.isfinite(a_s), axis=(1, 2))
    e = np.where(ok[:, None], 1.0 / np.sqrt(np.where(diag > 0, diag, 1.0)), 1.0)
    a_eq = a_s * e[:, :, None] * e[:, None, :]
    b_eq = b_s * e
    a_eq[~ok] = np.eye(n)
    if zero_trace:
        c = np.zeros(n)
        c[:3] = 1.0
        c_eq = c * e  # (d, n)
        q, _ = np.linalg.qr(np.concatenate([c_eq[:, :, None], np.broadcast_to(np.eye(n),
                                            (n_draw, n, n))], axis=2))  # fmt: skip
        z = q[:, :, 1:n]
        reduced = np.swapaxes(z, 1, 2) @ a_eq @ z
    else:
        reduced = a_eq
    sv = np.linalg.svd(reduced, compute_uv=False)
    with np.errstate(divide="ignore"):
        cond = np.where(sv[:, -1] > 0, sv[:, 0] / np.where(sv[:, -1] > 0, sv[:, -1], 1), np.inf)
    ok &= cond < MAX_CONDITION
    if zero_trace:
        kkt = np.zeros((n_draw, n + 1, n + 1))
        kkt[:, :n, :n] = a_eq
        kkt[:, :n, n] = c_eq
        kkt[:, n, :n] = c_eq
        kkt[~ok] = np.eye(n + 1)
        rhs = np.concatenate([b_eq, np.full((n_draw, 1), -(c @ (current / scale)))], axis=1)
        y = np.linalg.solve(kkt, rhs[:, :, None])[:, :n, 0]
    else:
        a_eq[~ok] = np.eye(n)
        y = np.linalg.solve(a_eq, b_eq[:, :, None])[:, :, 0]
    return y * e * scale, ok


def bootstrap(
    meas: Measurements, weights, cfg: Config | InvertConfig, cmt: CMTSolution
) -> np.ndarray:
    """The updates ``dm`` (natural units) of ``bootstrap_draws`` inversions of windows drawn
    with replacement (each window's A and b reused, same weights and constraints).

    Parameters
    ----------
    meas
        Normal equations measured about ``cmt``.
    weights
        Window weights (array or :class:`~seisfoc.cmt.weight.WindowWeights`).
    cfg
        ``[invert]``: draws, fraction, seed, damping, constraints.
    cmt
        The linearisation point.

    Returns
    -------
    ndarray
        (n_solved, n_par); rank-deficient draws are left out.
    """
    inv = cfg.invert if isinstance(cfg, Config) else cfg
    w = _weights_array(weights, meas.n_windows)
    if meas.n_windows == 0 or inv.bootstrap_draws == 0:
        return np.zeros((0, len(meas.parameters)))
    current = parameter_values(cmt, meas.parameters)
    scale = parameter_scale(cmt, meas.parameters)
    updates, _ = _bootstrap_updates(meas, w, current, scale, inv)
    return updates


def _bootstrap(
    result: InversionResult,
    meas: Measurements,
    w: np.ndarray,
    current: np.ndarray,
    inv: InvertConfig,
) -> None:
    """Mean and std of the new parameter values over the bootstrap draws."""
    updates, failed = _bootstrap_updates(meas, w, current, result.scale, inv)
    result.bootstrap_failed = failed
    result.bootstrap_draws = len(updates)
    if len(updates) < 2:
        result.notes.append(f"bootstrap: only {len(updates)} of {inv.bootstrap_draws} draws"
                            " could be solved; no spread reported")  # fmt: skip
        return
    v = current + updates  # the updates are small: no longitude wrapping needed
    result.bootstrap_mean = v.mean(axis=0)
    result.bootstrap_std = v.std(axis=0, ddof=1)
    if failed:
        result.notes.append(f"bootstrap: {failed} of {inv.bootstrap_draws} draws were"
                            " rank-deficient and left out")  # fmt: skip


def solve(meas: Measurements, weights, cfg: Config, cmt: CMTSolution) -> InversionResult:
    """One linearised step without the bootstrap (``invert(..., bootstrap=False)``); the
    update is ``result.update``."""
    return invert(meas, weights, cmt, cfg, bootstrap=False)


# ------------------------------------------------------------------------------ real VR


def variance_reduction_from_synthetics(
    meas_before: Measurements,
    weights,
    obs: Mapping[str, TraceSet],
    syn_new: Mapping[str, TraceSet],
    cfg: Config,
) -> tuple[float, np.ndarray]:
    """Variance reduction of new synthetics (computed at the updated CMT) on the same
    windows: ``1 - sum w chi_new / sum w chi_before``.

    Parameters
    ----------
    meas_before
        The measurements about the starting solution (their windows and chi are used).
    weights
        The window weights used in the inversion.
    obs
        Band name to observed traces.
    syn_new
        Band name to the new synthetics (one run) on the same grid.
    cfg
        Taper, station correction and per-band largest lag, as in the measurement.

    Returns
    -------
    vr : float
    chi_new : ndarray
        Per-window chi of the new synthetics, in the windows' order.
    """
    w = _weights_array(weights, meas_before.n_windows)
    chi_new = np.zeros(meas_before.n_windows)
    windows: Sequence[Window] = meas_before.windows
    for band in cfg.bands:
        idx = [i for i, win in enumerate(windows) if win.band == band.name]
        if not idx:
            continue
        if band.name not in obs or band.name not in syn_new:
            raise SeisfocError(f"band {band.name}: observed or new synthetic traces missing")
        m = measure(
            obs[band.name],
            {"CMT": syn_new[band.name]},
            [windows[i] for i in idx],
            {},
            taper_alpha=cfg.invert.taper_alpha,
            station_correction=cfg.invert.station_correction,
            max_shift_s=band.max_time_shift_s,
        )
        chi_new[idx] = m.chi
    return variance_reduction(meas_before.chi, chi_new, w), chi_new
