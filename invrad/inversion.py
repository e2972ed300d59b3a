"""INVRAD's algorithm: the least-squares deviatoric moment tensor of P, SV and SH amplitudes
(Ebel & Bonjer 1990) and its reading as a mechanism, with errors from the full covariance
and an optional bootstrap.

Built on the shared core :mod:`seisfoc.amplitude` (readings, Green's functions, the
generalised inverse).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from seisfoc.amplitude.green import GreenFunctions, tensor_from_m5
from seisfoc.amplitude.inverse import (
    DEFAULT_RCOND,
    format_values,
    generalised_inverse,
    mask_unresolved_angles,
    wrap_deg,
)
from seisfoc.amplitude.readings import AmplitudeReadings, check_not_all_zero, fit_weights
from seisfoc.errors import InversionError, SeisfocError

if TYPE_CHECKING:
    from seisfoc.mechanism import JostHerrmann, NodalPlane


@dataclass
class MomentTensorFit:
    """The least-squares deviatoric moment tensor of a set of amplitudes."""

    moment_tensor_ned: np.ndarray  # 3x3, 1e16 dyne-cm
    m5: np.ndarray
    covariance_m5: np.ndarray  # 5x5, (1e16 dyne-cm)^2
    sigma_microns: float  # data standard deviation used for the covariance
    sigma_estimated: bool  # True when sigma came from the residuals
    singular_values: np.ndarray
    rank: int
    model_resolution: np.ndarray
    data_resolution: np.ndarray
    observed: np.ndarray  # in the Green's functions' radial convention
    predicted: np.ndarray
    residuals: np.ndarray
    rms_microns: float
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def leverage(self) -> np.ndarray:
        """Diagonal of the data resolution matrix (sums to the rank)."""
        r = self.data_resolution  # beyond 50 readings only the diagonal is kept
        return np.array(r if r.ndim == 1 else np.diagonal(r))

    def high_leverage(self, factor: float = 2.0) -> np.ndarray:
        """Readings whose leverage exceeds ``factor`` times the mean rank/N."""
        n = len(self.observed)
        return self.leverage > factor * self.rank / max(n, 1)


def invert_moment_tensor(
    green: GreenFunctions,
    readings: AmplitudeReadings,
    sigma_microns: float | None = None,
    rcond: float = DEFAULT_RCOND,
) -> MomentTensorFit:
    """Least squares for the five deviatoric elements (INVRAD).

    The data standard deviation is, in order: the readings' own ``sigma_microns``
    (weights), the ``sigma_microns`` argument, or |r|^2 / (N - 5) from the residuals.
    """
    g = green.matrix
    d = readings.amplitudes_for(green.radial_toward_source)
    n = len(d)
    if n < 5:
        raise InversionError(
            f"{n} readings: at least 5 are needed for the 5 moment-tensor elements",
            readings.path,
        )
    check_not_all_zero(d, readings, "moment tensor")
    w = fit_weights(readings, sigma_microns)
    inv = generalised_inverse(g * w[:, None], d * w, rcond=rcond)
    if inv.rank < 5:
        raise InversionError(
            f"the readings resolve only {inv.rank} of the 5 moment-tensor elements "
            f"(singular values {format_values(inv.singular_values)}): add readings at other "
            "azimuths, distances or phases",
            readings.path,
        )
    predicted = g @ inv.model
    residuals = d - predicted
    rms = float(np.sqrt(np.mean(residuals**2)))
    if readings.sigma_microns is not None:
        sigma, estimated, scale2 = 1.0, False, 1.0
    elif sigma_microns is not None and sigma_microns > 0:
        sigma, estimated = float(sigma_microns), False
        scale2 = sigma**2
    else:
        if n <= 5:
            raise InversionError(
                "5 readings fit exactly: give a data standard deviation to get errors",
                readings.path,
            )
        wr = residuals * w
        sigma, estimated = float(np.sqrt(wr @ wr / (n - 5))), True
        scale2 = sigma**2
    return MomentTensorFit(
        moment_tensor_ned=tensor_from_m5(inv.model),
        m5=inv.model,
        covariance_m5=scale2 * inv.covariance_unit,
        sigma_microns=sigma,
        sigma_estimated=estimated,
        singular_values=inv.singular_values,
        rank=inv.rank,
        model_resolution=inv.model_resolution,
        data_resolution=inv.data_resolution,
        observed=d,
        predicted=predicted,
        residuals=residuals,
        rms_microns=rms,
        weights=w,
    )


@dataclass
class AmplitudeSolution:
    """A moment tensor fit read as a mechanism, with errors from the full covariance.

    ``planes`` are the nodal planes of Ebel's largest double couple, the shallower-dipping
    first (the order INVRAD prints them); ``plane_covariances[k]`` is the 4x4 covariance of
    (strike, dip, rake, M0) of plane k (deg^2, deg 1e16 dyne-cm, (1e16 dyne-cm)^2)
    propagated from the tensor covariance through the Jacobian of the mapping.
    """

    fit: MomentTensorFit
    planes: tuple[NodalPlane, NodalPlane]
    plane_covariances: np.ndarray  # (2, 4, 4)
    moment: float  # largest double couple, (l_T - l_P)/2, 1e16 dyne-cm
    moment_clvd: float  # Ebel: (l_T + l_P)/2
    jost_herrmann: JostHerrmann
    mw: float
    dc_tensor: np.ndarray
    dc_predicted: np.ndarray
    dc_rms_microns: float
    radial_toward_source: bool = False  # convention of fit.observed/predicted, dc_predicted

    @property
    def plane_errors(self) -> np.ndarray:
        """Standard deviations (2, 4): strike, dip, rake (deg) and M0 for each plane.

        An angle whose standard deviation exceeds ``ANGLE_ERROR_LIMITS_DEG`` (e.g. the
        strike of a nearly pure CLVD, whose planes the tensor barely defines) is NaN:
        unresolved. The writers print it as such (see ``resolved_error``), never as NaN.
        """
        return mask_unresolved_angles(self.legacy_plane_errors)

    @property
    def legacy_plane_errors(self) -> np.ndarray:
        """The same standard deviations with no angle marked unresolved, for the legacy
        ``invrad.out`` layout, which the original filled with a number wherever it fitted
        its Fortran field (e.g. a strike error of 647.85 deg for a nearly pure CLVD)."""
        return np.sqrt(np.maximum(np.diagonal(self.plane_covariances, axis1=1, axis2=2), 0.0))

    @property
    def moment_error(self) -> float:
        return float(self.plane_errors[0, 3])


def _planes_ordered(m_ned: np.ndarray) -> tuple[NodalPlane, NodalPlane]:
    from seisfoc import mechanism

    a, b = mechanism.nodal_planes(m_ned)
    return (a, b) if a.dip <= b.dip else (b, a)


def _plane_vector(m5: np.ndarray, reference: Sequence[Any] | None) -> np.ndarray:
    """(s1, d1, r1, s2, d2, r2, M0) with the planes matched to ``reference`` planes."""
    from seisfoc import mechanism

    tensor = tensor_from_m5(m5)
    a, b = mechanism.nodal_planes(tensor)
    m0 = float(mechanism.largest_double_couple(tensor).moment_dc)

    def distance(p: Any, q: Any) -> float:
        return float(np.sum(np.abs(wrap_deg(np.subtract(p, q)))))

    if reference is not None and (
        distance(a, reference[0]) + distance(b, reference[1])
        > distance(b, reference[0]) + distance(a, reference[1])
    ):
        a, b = b, a
    return np.array([*a, *b, m0])


def propagate_plane_covariance(
    m5: ArrayLike, covariance_m5: np.ndarray, planes: Sequence[Any]
) -> np.ndarray:
    """Covariance of (strike, dip, rake, M0) of each plane by the Jacobian (central differences)."""
    m5 = np.asarray(m5, dtype=np.float64)
    h = 1e-6 * max(float(np.max(np.abs(m5))), 1e-300)
    base = _plane_vector(m5, planes)
    jac = np.zeros((7, 5))
    for j in range(5):
        step = np.zeros(5)
        step[j] = h
        diff = _plane_vector(m5 + step, planes) - _plane_vector(m5 - step, planes)
        diff[:6] = wrap_deg(diff[:6])
        jac[:, j] = diff / (2.0 * h)
    del base
    out = np.zeros((2, 4, 4))
    for k in range(2):
        rows = [3 * k, 3 * k + 1, 3 * k + 2, 6]
        jk = jac[rows]
        out[k] = jk @ covariance_m5 @ jk.T
    return out


def analyse(fit: MomentTensorFit, green: GreenFunctions) -> AmplitudeSolution:
    """Planes, moments (Ebel and Jost-Herrmann, each labelled), Mw and errors of a fit."""
    from seisfoc import mechanism

    tensor = fit.moment_tensor_ned
    planes = _planes_ordered(tensor)
    ldc = mechanism.largest_double_couple(tensor)
    jh = mechanism.jost_herrmann(tensor)
    moment = float(ldc.moment_dc)
    fault = planes[0]
    dc_tensor = mechanism.moment_tensor_ned(fault.strike, fault.dip, fault.rake, moment)
    dc_predicted = green.predict(dc_tensor)
    dc_res = fit.observed - dc_predicted
    return AmplitudeSolution(
        fit=fit,
        planes=planes,
        plane_covariances=propagate_plane_covariance(fit.m5, fit.covariance_m5, planes),
        moment=moment,
        moment_clvd=float(ldc.moment_clvd),
        jost_herrmann=jh,
        mw=float(mechanism.moment_magnitude(moment * 1e16)),
        dc_tensor=dc_tensor,
        dc_predicted=dc_predicted,
        dc_rms_microns=float(np.sqrt(np.mean(dc_res**2))),
        radial_toward_source=green.radial_toward_source,
    )


def bootstrap(
    green: GreenFunctions,
    readings: AmplitudeReadings,
    solution: AmplitudeSolution,
    n_samples: int = 200,
    seed: int | None = 0,
    rcond: float = DEFAULT_RCOND,
) -> np.ndarray:
    """Standard deviations (2, 4) of (strike, dip, rake, M0) per plane from resampled readings.

    Readings are drawn with replacement; samples that resolve fewer than 5 elements are
    skipped. Planes are matched to the solution's planes before the scatter is taken.
    """
    rng = np.random.default_rng(seed)
    d = readings.amplitudes_for(green.radial_toward_source)
    w = fit_weights(readings)
    n = len(d)
    base = np.array([*solution.planes[0], *solution.planes[1], solution.moment])
    samples = []
    for _ in range(int(n_samples)):
        idx = rng.integers(0, n, n)
        inv = generalised_inverse(green.matrix[idx] * w[idx, None], d[idx] * w[idx], rcond)
        if inv.rank < 5:
            continue
        try:
            v = _plane_vector(inv.model, solution.planes)
        except SeisfocError:
            continue
        v[:6] = base[:6] + wrap_deg(v[:6] - base[:6])
        samples.append(v)
    if len(samples) < 2:
        raise InversionError("too few bootstrap samples resolve the moment tensor")
    s = np.std(np.array(samples), axis=0, ddof=1)
    return np.array([[s[0], s[1], s[2], s[6]], [s[3], s[4], s[5], s[6]]])
