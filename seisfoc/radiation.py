"""Far-field P, SV and SH radiation of a point moment tensor.

Aki & Richards (2002), eqs 4.29 and 4.84-4.89. The numbers come from the Fortran kernel
``seisfoc._kernels``; this module only shapes arrays and hides the calling convention.

Conventions: moment tensor in (north, east, down); take-off angle from the downward
vertical (> 90 deg is an up-going ray); azimuth from north, clockwise, event to station.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from seisfoc import _kernels


class Radiation(NamedTuple):
    """Radiation coefficients, one value per ray."""

    p: np.ndarray
    sv: np.ndarray
    sh: np.ndarray


def far_field(moment_tensor_ned, takeoff_deg, azimuth_deg) -> Radiation:
    """P, SV, SH radiation coefficients ``gamma.M.gamma``, ``p_hat.M.gamma``, ``phi_hat.M.gamma``.

    ``moment_tensor_ned`` is a symmetric 3x3 array (north, east, down); the angles are
    scalars or arrays that broadcast together. Returns arrays of the broadcast shape.
    """
    m = np.asarray(moment_tensor_ned, dtype=np.float64)
    if m.shape != (3, 3):
        raise ValueError(f"moment tensor must be 3x3, got shape {m.shape}")
    takeoff, azimuth = np.broadcast_arrays(
        np.asarray(takeoff_deg, dtype=np.float64), np.asarray(azimuth_deg, dtype=np.float64)
    )
    shape = takeoff.shape
    f_p, f_sv, f_sh = _kernels.radiation_far_field(
        np.asfortranarray(m), np.ravel(takeoff), np.ravel(azimuth)
    )
    return Radiation(f_p.reshape(shape), f_sv.reshape(shape), f_sh.reshape(shape))
