"""Far-field P, SV and SH radiation of a point moment tensor.

Aki & Richards (2002), eqs 4.29 and 4.84-4.89. The numbers come from the Fortran kernel
``seisfoc._kernels``; this module only shapes arrays and hides the calling convention.

Conventions: moment tensor in (north, east, down); take-off angle from the downward
vertical (> 90 deg is an up-going ray); azimuth from north, clockwise, event to station.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from seisfoc import _kernels


class Radiation(NamedTuple):
    """Radiation coefficients, one value per ray."""

    p: np.ndarray
    sv: np.ndarray
    sh: np.ndarray


def far_field(
    moment_tensor_ned: ArrayLike, takeoff_deg: ArrayLike, azimuth_deg: ArrayLike
) -> Radiation:
    """P, SV and SH radiation coefficients of a point moment tensor.

    ``F_P = gamma.M.gamma``, ``F_SV = p_hat.M.gamma``, ``F_SH = phi_hat.M.gamma``
    (Aki & Richards 2002, eqs 4.84-4.89).

    Parameters
    ----------
    moment_tensor_ned : array_like, shape (3, 3)
        Symmetric moment tensor in (north, east, down), any scale.
    takeoff_deg : float or array_like
        Take-off angles (degrees from the downward vertical).
    azimuth_deg : float or array_like
        Azimuths event to station (degrees from north, clockwise); broadcasts with
        ``takeoff_deg``.

    Returns
    -------
    Radiation
        ``(p, sv, sh)``, arrays of the broadcast shape of the angles.

    Raises
    ------
    ValueError
        A tensor that is not 3x3, not symmetric or not finite; angles that are not
        finite or do not broadcast.

    Examples
    --------
    A vertical strike-slip fault striking north (moment tensor M_NE = M_EN = 1) radiates
    P most strongly at 45 degrees azimuth on a horizontal ray:

    >>> import numpy as np
    >>> rad = far_field([[0, 1, 0], [1, 0, 0], [0, 0, 0]], 90.0, [0.0, 45.0])
    >>> np.round(rad.p, 12).tolist()
    [0.0, 1.0]
    """
    m = np.asarray(moment_tensor_ned, dtype=np.float64)
    if m.shape != (3, 3):
        raise ValueError(f"moment tensor must be 3x3, got shape {m.shape}")
    if not np.all(np.isfinite(m)):
        raise ValueError("moment tensor contains NaN or infinity")
    scale = float(np.max(np.abs(m)))
    if np.any(np.abs(m - m.T) > 1e-12 * scale):
        raise ValueError("moment tensor must be symmetric")
    try:
        takeoff, azimuth = np.broadcast_arrays(
            np.asarray(takeoff_deg, dtype=np.float64), np.asarray(azimuth_deg, dtype=np.float64)
        )
    except ValueError as exc:
        raise ValueError(f"take-off angles and azimuths: {exc}") from None
    if not (np.all(np.isfinite(takeoff)) and np.all(np.isfinite(azimuth))):
        raise ValueError("take-off angles or azimuths contain NaN or infinity")
    shape = takeoff.shape
    f_p, f_sv, f_sh = _kernels.radiation_far_field(
        np.asfortranarray(m),
        np.ascontiguousarray(takeoff.ravel()),
        np.ascontiguousarray(azimuth.ravel()),
    )
    return Radiation(f_p.reshape(shape), f_sv.reshape(shape), f_sh.reshape(shape))
