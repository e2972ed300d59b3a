"""The generalised (SVD) inverse of the amplitude programs and how their errors are reported.

``generalised_inverse`` is the face of the Fortran kernel ``amplitude_ginv`` (LAPACK's
SVD; its status is an error here). The helpers say how a standard deviation is shown: an
angle error beyond ``ANGLE_ERROR_LIMITS_DEG`` or a non-finite one is unresolved (NaN in
arrays, ``None`` in JSON and F-lines, never printed as NaN).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from seisfoc import _kernels
from seisfoc.errors import InversionError

#: relative singular-value cut-off of the generalised inverse
DEFAULT_RCOND = 1e-6
#: an angle standard deviation beyond these (strike, dip, rake; deg) says nothing about the
#: angle: it is reported as unresolved, never as a number (or Fortran asterisks)
ANGLE_ERROR_LIMITS_DEG = (180.0, 90.0, 180.0)


@dataclass
class GeneralisedInverse:
    """Solution of d = G m by the SVD, with what it can and cannot resolve."""

    model: np.ndarray
    singular_values: np.ndarray
    rank: int
    rcond: float
    covariance_unit: np.ndarray  # V S^-2 V^T of the (weighted) system
    model_resolution: np.ndarray
    #: the m x m data-resolution matrix up to FULL_DATA_RESOLUTION_MAX rows; beyond, only
    #: its diagonal (the leverages, shape (m,)): memory stays linear in the readings
    data_resolution: np.ndarray
    inverse: np.ndarray

    @property
    def leverage(self) -> np.ndarray:
        """Diagonal of the data-resolution matrix (one value per row; sums to the rank)."""
        r = self.data_resolution
        return np.array(r if r.ndim == 1 else np.diagonal(r))


#: up to this many rows the full data-resolution matrix is kept (what INVRAD printed)
FULL_DATA_RESOLUTION_MAX = 50


def generalised_inverse(
    g: ArrayLike, d: ArrayLike, rcond: float = DEFAULT_RCOND
) -> GeneralisedInverse:
    """SVD inverse of ``g`` (m x n) keeping singular values above ``rcond * s_max``."""
    g = np.asfortranarray(np.asarray(g, dtype=np.float64))
    d = np.ascontiguousarray(np.asarray(d, dtype=np.float64))
    if g.ndim != 2 or d.shape != (g.shape[0],):
        raise ValueError(f"shapes do not match: g {g.shape}, d {d.shape}")
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(d))):
        raise ValueError("g or d contains NaN or infinity")
    if not (np.isfinite(rcond) and 0.0 <= rcond < 1.0):
        raise ValueError(f"rcond must be in [0, 1), got {rcond}")
    m, n = g.shape
    if m > FULL_DATA_RESOLUTION_MAX and m > n:
        # G = Q R (Q: m x n, orthonormal columns): G's singular values, V, model,
        # covariance and model resolution are R's, G+ = R+ Q^T, and the data resolution
        # Q (U_R U_R^T) Q^T is needed only on its diagonal; nothing of size m x m is made
        q, r = np.linalg.qr(g)
        inner = generalised_inverse(r, q.T @ d, rcond)
        leverage = np.einsum("ij,jk,ik->i", q, inner.data_resolution, q)
        return GeneralisedInverse(
            model=inner.model,
            singular_values=inner.singular_values,
            rank=inner.rank,
            rcond=inner.rcond,
            covariance_unit=inner.covariance_unit,
            model_resolution=inner.model_resolution,
            data_resolution=leverage,
            inverse=inner.inverse @ q.T,
        )
    s, kept, x, cov, model_res, data_res, ginv, info = _kernels.amplitude_ginv(g, d, float(rcond))
    if info != 0:
        raise InversionError(f"the singular value decomposition failed (LAPACK info {info})")
    return GeneralisedInverse(
        model=np.asarray(x),
        singular_values=np.asarray(s),
        rank=int(kept),
        rcond=float(rcond),
        covariance_unit=np.asarray(cov),
        model_resolution=np.asarray(model_res),
        data_resolution=np.asarray(data_res),
        inverse=np.asarray(ginv),
    )


def mask_unresolved_angles(errors: ArrayLike) -> np.ndarray:
    """NaN for non-finite errors and angle errors beyond ``ANGLE_ERROR_LIMITS_DEG``."""
    e = np.array(errors, dtype=np.float64)
    limits = np.array(ANGLE_ERROR_LIMITS_DEG)
    angles = e[..., :3]
    angles[~(angles <= limits)] = np.nan
    e[~np.isfinite(e)] = np.nan
    return e


def resolved_error(value: Any) -> float | None:
    """A standard deviation for JSON and F-lines: ``None`` where it is unresolved (NaN)."""
    v = float(value)
    return v if math.isfinite(v) else None


def wrap_deg(angle: ArrayLike) -> np.ndarray:
    """Angles (deg) wrapped into [-180, 180)."""
    return (np.asarray(angle) + 180.0) % 360.0 - 180.0


def format_values(values: Sequence[float] | np.ndarray) -> str:
    """Numbers for a message: ``1.2, 0.0345, 1e-08``."""
    return ", ".join(f"{v:.3g}" for v in values)
