"""INVDC's algorithm: the best double couple of P, SV and SH amplitudes by a damped
Gauss-Newton iteration on (strike, dip, rake, M0) from a starting mechanism, with the
covariance restricted to what the readings resolve.

Built on the shared core :mod:`seisfoc.amplitude` (readings, Green's functions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from seisfoc.amplitude.green import GreenFunctions, m5_double_couple
from seisfoc.amplitude.inverse import (
    DEFAULT_RCOND,
    format_values,
    mask_unresolved_angles,
    wrap_deg,
)
from seisfoc.amplitude.readings import (
    AmplitudeReadings,
    check_mechanism,
    check_not_all_zero,
    fit_weights,
)
from seisfoc.errors import InversionError

if TYPE_CHECKING:
    from seisfoc.mechanism import NodalPlane


@dataclass
class DoubleCoupleStep:
    iteration: int
    strike: float
    dip: float
    rake: float
    moment: float
    rms_microns: float


@dataclass
class DoubleCoupleFit:
    """INVDC's result: the path, the final mechanism and its covariance.

    ``covariance`` is sigma^2 (J^T J)^+ restricted to the directions the readings
    resolve; ``rank`` is the rank of J at the solution (4 unless dip is 0, where only
    strike - rake is defined) and ``resolved`` says which of (strike, dip, rake, M0) have
    a meaningful standard deviation. ``unresolved_reason`` explains the others.
    """

    path: list[DoubleCoupleStep]
    strike: float
    dip: float
    rake: float
    moment: float
    covariance: np.ndarray  # 4x4 (strike, dip, rake in deg; moment in 1e16 dyne-cm)
    sigma_microns: float
    sigma_estimated: bool
    predicted: np.ndarray
    rms_microns: float
    converged: bool
    rank: int = 4
    resolved: np.ndarray = field(default_factory=lambda: np.ones(4, dtype=bool))
    unresolved_reason: str = ""
    null_space: np.ndarray = field(default_factory=lambda: np.zeros((4, 0)))

    @property
    def errors(self) -> np.ndarray:
        """Standard deviations of (strike, dip, rake, M0); NaN where unresolved.

        Writers print an unresolved error as such (``resolved_error``), never as NaN.
        """
        e = np.sqrt(np.maximum(np.diag(self.covariance), 0.0))
        e[~self.resolved] = np.nan
        return mask_unresolved_angles(e)

    def auxiliary_plane_errors(self) -> tuple[NodalPlane, np.ndarray]:
        """The auxiliary plane and its (strike, dip, rake) standard deviations (deg).

        An auxiliary angle that depends on an unresolved direction is NaN (unresolved).
        """
        from seisfoc import mechanism

        theta = np.array([self.strike, self.dip, self.rake])
        aux = np.array(mechanism.auxiliary_plane(*theta))
        jac = np.zeros((3, 3))
        h = 1e-5
        for k in range(3):
            step = np.zeros(3)
            step[k] = h
            plus = np.array(mechanism.auxiliary_plane(*(theta + step)))
            minus = np.array(mechanism.auxiliary_plane(*(theta - step)))
            jac[:, k] = wrap_deg(plus - minus) / (2 * h)
        cov = jac @ self.covariance[:3, :3] @ jac.T
        err = np.sqrt(np.maximum(np.diag(cov), 0.0))
        for v in self.null_space.T:  # unit vectors in (strike, dip, rake, M0) space
            moved = np.abs(jac @ v[:3])
            scale = np.linalg.norm(jac, axis=1) * np.linalg.norm(v[:3])
            err[moved > _NULL_TOLERANCE * np.maximum(scale, 1e-300)] = np.nan
        return mechanism.NodalPlane(*aux), mask_unresolved_angles(err)


#: a parameter with a null-space component above this (unit null vectors) is unresolved
_NULL_TOLERANCE = 1e-3
#: (strike, dip, rake in deg, M0 in 1e16 dyne-cm)
Theta = tuple[float, float, float, float]
_PARAMETER_NAMES = ("strike", "dip", "rake", "M0")


def _canonical_theta(strike: float, dip: float, rake: float, moment: float) -> Theta:
    from seisfoc import mechanism

    if moment < 0:
        moment, rake = -moment, rake + 180.0
    plane = mechanism.canonical_sdr(strike, dip, rake)
    return float(plane.strike), float(plane.dip), float(plane.rake), float(moment)


def _dc_tangent(theta: Theta) -> np.ndarray:
    """d m5 / d (strike, dip, rake [deg], moment) by central differences (5 x 4)."""
    s, d, r, m0 = theta
    tangent = np.empty((5, 4))
    h = 1e-4
    for k in range(3):
        step = np.zeros(3)
        step[k] = h
        plus_sdr = np.array([s, d, r]) + step
        minus_sdr = np.array([s, d, r]) - step
        plus = m5_double_couple(plus_sdr[0], plus_sdr[1], plus_sdr[2], m0)
        minus = m5_double_couple(minus_sdr[0], minus_sdr[1], minus_sdr[2], m0)
        tangent[:, k] = (plus - minus) / (2.0 * h)
    tangent[:, 3] = m5_double_couple(s, d, r, 1.0)
    return tangent


def _dc_jacobian(g: np.ndarray, theta: Theta) -> np.ndarray:
    """d amplitudes / d (strike, dip, rake [deg], moment) by central differences."""
    return g @ _dc_tangent(theta)


def _theta_scale(theta: Theta) -> np.ndarray:
    """Per-column scale of J: angles per radian, the moment relative to its value."""
    deg = np.pi / 180.0
    return np.array([deg, deg, deg, 1.0 / max(theta[3], 1e-300)])


def _rank(matrix: np.ndarray, rcond: float) -> tuple[int, np.ndarray, np.ndarray]:
    """Rank (singular values above ``rcond`` times the largest), singular values, V^T."""
    # U is not needed: full_matrices only where V^T must be square (fewer rows than columns);
    # otherwise an N x N U would be built for N readings
    try:
        _, sv, vt = np.linalg.svd(matrix, full_matrices=matrix.shape[0] < matrix.shape[1])
    except np.linalg.LinAlgError as err:  # NaN or no convergence: no rank to report
        raise InversionError(
            f"the rank test failed ({err}): check the model and readings"
        ) from None
    if sv.size == 0 or sv[0] == 0.0:
        return 0, sv, vt
    return int(np.sum(sv > rcond * sv[0])), sv, vt


def _check_dc_data(
    gw: np.ndarray, dw: np.ndarray, readings: AmplitudeReadings, rcond: float
) -> None:
    """The readings must resolve 4 directions of the moment-tensor space (errors name why)."""
    n = len(dw)
    if n < 4:
        raise InversionError(
            f"{n} readings: at least 4 are needed for strike, dip, rake and M0", readings.path
        )
    check_not_all_zero(dw, readings, "moment")
    rank, sv, _ = _rank(gw, rcond)
    if rank < 4:
        raise InversionError(
            f"the readings resolve only {rank} of the 5 moment-tensor elements (singular "
            f"values {format_values(sv)}): strike, dip, rake and M0 need at least 4 independent "
            "readings; add readings at other azimuths, distances or phases",
            readings.path,
        )


def _dc_covariance(
    gw: np.ndarray, theta: Theta, s2: float, rcond: float, readings: AmplitudeReadings
) -> tuple[np.ndarray, int, np.ndarray, str, np.ndarray]:
    """sigma^2 (J^T J)^+ in (deg, 1e16 dyne-cm), its rank, null space and resolved mask.

    Where J loses rank only because the parameters do (dip 0: strike and rake are one
    angle), the mechanism is fine and the errors of the traded-off angles are reported
    unresolved. Where the readings lose a direction the parameters have, no error can
    be given: that is an error naming the rank.
    """
    scale = _theta_scale(theta)
    tangent = _dc_tangent(theta) / scale  # columns per radian / relative moment
    js = gw @ tangent
    rank_t, _, _ = _rank(tangent, rcond)
    rank_j, sv, vt = _rank(js, rcond)
    if rank_j < rank_t:
        raise InversionError(
            f"at the solution (strike {theta[0]:.2f}, dip {theta[1]:.2f}, rake "
            f"{theta[2]:.2f}) the readings determine only {rank_j} of the {rank_t} "
            f"combinations of strike, dip, rake and M0 (singular values {format_values(sv)}): "
            "add readings at other azimuths, distances or phases",
            readings.path,
        )
    v = vt[:rank_j].T
    cov_scaled = s2 * (v / sv[:rank_j] ** 2) @ v.T
    cov = cov_scaled / np.outer(scale, scale)
    null = vt[rank_j:].T  # (4, 4 - rank), unit vectors; direction is scale-independent
    resolved = ~np.any(np.abs(null) > _NULL_TOLERANCE, axis=1)
    reason = ""
    if not resolved.all():
        names = " and ".join(n for n, ok in zip(_PARAMETER_NAMES, resolved, strict=True) if not ok)
        reason = (
            f"J has rank {rank_j} of 4 at dip {theta[1]:.2f}: {names} trade off and only "
            "their combination is determined"
        )
    # the null space in (deg, moment) units, renormalised, for the auxiliary plane
    null_deg = null / scale[:, None]
    norms = np.linalg.norm(null_deg, axis=0)
    null_deg = null_deg / np.where(norms > 0, norms, 1.0)
    return cov, rank_j, resolved, reason, null_deg


def fit_double_couple(
    green: GreenFunctions,
    readings: AmplitudeReadings,
    strike: float,
    dip: float,
    rake: float,
    step_factor: float = 0.5,
    moment: float | None = None,
    sigma_microns: float | None = None,
    damping: float = 1e-3,
    max_iterations: int = 200,
    tolerance_deg: float = 1e-6,
    rcond: float = DEFAULT_RCOND,
) -> DoubleCoupleFit:
    """INVDC: damped Gauss-Newton on (strike, dip, rake, M0) from a starting mechanism.

    dtheta = (J^T J + eps^2 I)^-1 J^T (d - g(theta)), theta <- theta + f dtheta, with the
    angles in radians and the moment relative to its current value inside the normal
    equations, eps = ``damping`` times the largest singular value of the scaled J, f the
    step factor in (0, 1]. The mechanism is made canonical (dip in [0, 90], M0 > 0,
    angles wrapped) after every step. Without ``moment`` the start uses the
    least-squares moment of the starting angles.

    Readings that cannot resolve four parameters (fewer than 4, all amplitudes 0, a
    Green's function matrix of rank < 4, or a Jacobian that loses rank at the solution)
    raise ``InversionError`` naming the rank; so do 4 readings without a data standard
    deviation (they fit exactly and leave no residual to estimate one).
    """
    if not (0.0 < step_factor <= 1.0):
        raise InversionError(f"step factor must be in (0, 1], got {step_factor:g}")
    if not (math.isfinite(damping) and damping >= 0.0):
        raise InversionError(f"damping must be a finite number >= 0, got {damping:g}")
    if int(max_iterations) < 0:
        raise InversionError(f"the number of iterations must be >= 0, got {max_iterations}")
    check_mechanism(strike, dip, rake, moment, "starting mechanism")
    g = green.matrix
    d = readings.amplitudes_for(green.radial_toward_source)
    w = fit_weights(readings, sigma_microns)
    gw, dw = g * w[:, None], d * w
    n = len(d)
    _check_dc_data(gw, dw, readings, rcond)
    if readings.sigma_microns is None and not (sigma_microns is not None and sigma_microns > 0):
        if n <= 4:
            raise InversionError(
                "4 readings fit strike, dip, rake and M0 exactly: give a data standard "
                "deviation to get errors",
                readings.path,
            )
    if moment is None:
        unit = gw @ m5_double_couple(strike, dip, rake, 1.0)
        if not np.any(unit):
            raise InversionError("the starting mechanism predicts zero at every reading")
        moment = float(unit @ dw / (unit @ unit))
        if moment == 0.0:  # data orthogonal to the start: begin with the matching size
            moment = float(np.linalg.norm(dw) / np.linalg.norm(unit))
    theta = _canonical_theta(strike, dip, rake, moment)
    path = []
    converged = False
    for it in range(int(max_iterations) + 1):
        pred = gw @ m5_double_couple(*theta)
        r = dw - pred
        rms = float(np.sqrt(np.mean((r / w) ** 2)))
        path.append(DoubleCoupleStep(it, theta[0], theta[1], theta[2], theta[3], rms))
        if converged or it == max_iterations:
            break
        scale = _theta_scale(theta)
        js = _dc_jacobian(gw, theta) / scale  # columns per radian and per relative moment
        eps = damping * np.linalg.norm(js, 2)
        # the damped normal equations as a least-squares problem: no singular solve even
        # where J loses rank on the way (the minimum-norm step is taken)
        a = np.vstack([js, eps * np.eye(4)])
        if not np.all(np.isfinite(a)):
            raise InversionError(
                f"the iteration left the numbers' range at step {it + 1}: the model and the "
                "readings give no double couple (check the model's velocities and the "
                "amplitudes)",
                readings.path,
            )
        try:
            dx = np.linalg.lstsq(a, np.concatenate([r, np.zeros(4)]), rcond=None)[0] / scale
        except np.linalg.LinAlgError as err:  # LAPACK did not converge
            raise InversionError(
                f"the iteration failed at step {it + 1} ({err}): check the model and readings",
                readings.path,
            ) from None
        step = step_factor * dx
        theta = _canonical_theta(*(np.array(theta) + step))
        converged = bool(
            np.max(np.abs(step[:3])) < tolerance_deg and abs(step[3]) < 1e-9 * theta[3]
        )
    pred = gw @ m5_double_couple(*theta)
    r = dw - pred
    if readings.sigma_microns is not None:
        sigma, estimated, s2 = 1.0, False, 1.0
    elif sigma_microns is not None and sigma_microns > 0:
        sigma, estimated = float(sigma_microns), False
        s2 = sigma**2
    else:
        sigma = float(np.sqrt(r @ r / (n - 4)))
        estimated, s2 = True, sigma**2
    cov, rank, resolved, reason, null = _dc_covariance(gw, theta, s2, rcond, readings)
    return DoubleCoupleFit(
        path=path,
        strike=theta[0],
        dip=theta[1],
        rake=theta[2],
        moment=theta[3],
        covariance=cov,
        sigma_microns=sigma,
        sigma_estimated=estimated,
        predicted=g @ m5_double_couple(*theta),
        rms_microns=float(np.sqrt(np.mean((r / w) ** 2))),
        converged=converged,
        rank=rank,
        resolved=resolved,
        unresolved_reason=reason,
        null_space=null,
    )
