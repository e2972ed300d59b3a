"""SYNRAD's algorithm: forward P, SV and SH amplitudes of a mechanism and how each observed
amplitude compares with them (the moment each reading implies, to find doubtful readings,
as Ebel intended)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from seisfoc.amplitude.green import GreenFunctions
from seisfoc.amplitude.readings import AmplitudeReadings
from seisfoc.errors import InversionError


@dataclass
class SyntheticFit:
    """Predicted amplitudes of a mechanism and how each observed amplitude compares."""

    predicted: np.ndarray  # in the Green's functions' radial convention
    observed: np.ndarray
    residuals: np.ndarray
    ratio: np.ndarray  # observed / predicted (NaN where predicted is 0)
    implied_moment: np.ndarray  # moment * ratio, 1e16 dyne-cm
    rms_microns: float


def synthetic_fit(
    green: GreenFunctions, readings: AmplitudeReadings, tensor_ned: ArrayLike, moment: float
) -> SyntheticFit:
    """SYNRAD: amplitudes of ``tensor_ned`` at every reading and the per-reading moment.

    The moment must lie in the physical range (``MOMENT_RANGE``) and every result be
    finite: an InversionError otherwise, never Infinity or NaN printed.
    """
    from seisfoc.amplitude.readings import MOMENT_RANGE, fit_weights

    low, high = MOMENT_RANGE
    if not (math.isfinite(float(moment)) and low <= float(moment) <= high):
        raise InversionError(
            f"moment {float(moment):g} x 1e16 dyne-cm is outside the physical range "
            f"[{low:g}, {high:g}]",
            readings.path,
        )
    fit_weights(readings)  # amplitudes and standard deviations within physical ranges
    predicted = green.predict(tensor_ned)
    observed = readings.amplitudes_for(green.radial_toward_source)
    if not (np.all(np.isfinite(predicted)) and np.all(np.isfinite(observed))):
        raise InversionError(
            "the predicted amplitudes are not finite numbers: check the model and the mechanism",
            readings.path,
        )
    # a reading on a nodal surface (predicted 0 up to rounding: 1e-9 of the largest) has no
    # ratio; dividing by rounding noise gave ratios of 1e15 (asterisks in the table)
    nodal = np.abs(predicted) <= 1e-9 * np.max(np.abs(predicted), initial=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(nodal, np.nan, observed / np.where(nodal, 1.0, predicted))
    residuals = observed - predicted
    return SyntheticFit(
        predicted=predicted,
        observed=observed,
        residuals=residuals,
        ratio=ratio,
        implied_moment=float(moment) * ratio,
        rms_microns=float(np.sqrt(np.mean(residuals**2))),
    )
