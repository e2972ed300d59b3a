"""SYNRAD's algorithm: forward P, SV and SH amplitudes of a mechanism and how each observed
amplitude compares with them (the moment each reading implies, to find doubtful readings,
as Ebel intended)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from seisfoc.amplitude.green import GreenFunctions
from seisfoc.amplitude.readings import AmplitudeReadings


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
    """SYNRAD: amplitudes of ``tensor_ned`` at every reading and the per-reading moment."""
    predicted = green.predict(tensor_ned)
    observed = readings.amplitudes_for(green.radial_toward_source)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(predicted != 0.0, observed / predicted, np.nan)
    residuals = observed - predicted
    return SyntheticFit(
        predicted=predicted,
        observed=observed,
        residuals=residuals,
        ratio=ratio,
        implied_moment=float(moment) * ratio,
        rms_microns=float(np.sqrt(np.mean(residuals**2))),
    )
