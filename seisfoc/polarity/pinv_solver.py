"""Python face of the PINV kernel (``fortran/pinv.f90``): polarities in, mechanism out.

Kanamori & Given (1983) as coded in SEISAN's PINV (Suetsugu 1998): one linear equation
``gamma.M.gamma = polarity`` per reading for the five independent elements of a
deviatoric moment tensor, solved by a truncated singular value decomposition. Two
behaviours (ALGORITHMS.md section 1):

``mode="seisan"``
    the original's numbers: single precision, Golub-Reinsch SVD followed by its ordering
    loop, tolerance ``1e-3 * s(1)`` and its pseudorank rule, Jacobi eigen step, the one
    nodal plane the original prints. With 2-4 readings the zero singular values of the
    wide system are deflated before the QR sweeps reach them (this gives the original's
    order of values); one reading follows the original's measured rule.
``mode="modern"``
    double precision LAPACK, singular values in descending order, pseudorank = number of
    values above ``rcond * s_max`` (``rcond`` = 1e-3 by default, the original's nominal
    tolerance), both nodal planes.

Tensors here are in (r, t, p) = (up, south, east), as in the original; ``moment_tensor_ned``
gives the NED form.

The face does SciPy's three duties: readings are checked (finite, same length, polarity
+1/-1) before the kernel sees them, converted to contiguous float64, and the kernel's
status becomes an exception or a warning here (:data:`STATUS_MESSAGES`): in ``seisan``
mode a Jacobi step or SVD that did not converge is a :class:`PinvConvergenceWarning` (the
original carries on with what it has), in ``modern`` mode a LAPACK failure raises
:class:`~seisfoc.errors.InversionError`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from seisfoc import _kernels
from seisfoc.errors import InversionError

MODES = ("seisan", "modern")
_MODE_CODE = {"seisan": 0, "modern": 1}

#: default relative cut-off of the modern mode: singular values <= RCOND * s_max are dropped
RCOND = 1.0e-3


@dataclass(frozen=True, slots=True)
class PinvSolution:
    """Result of one polarity inversion (angles in degrees)."""

    mode: str
    n_data: int
    strike: float
    dip: float
    rake: float
    aux_strike: float
    aux_dip: float
    aux_rake: float
    tolerance: float  #: absolute pseudorank tolerance (tau)
    pseudorank: int
    singular_values: np.ndarray  #: in the order used (seisan: after the ordering loop)
    singular_values_raw: np.ndarray  #: as the SVD returned them
    moment_tensor_rtp: np.ndarray  #: 3x3 in (up, south, east), arbitrary scale
    eigenvalues: np.ndarray  #: descending
    t_axis_rtp: np.ndarray
    p_axis_rtp: np.ndarray
    consistent: np.ndarray  #: per reading: 1 consistent, -1 inconsistent, 0 nodal
    n_consistent: int
    n_inconsistent: int

    @property
    def strike_dip_rake(self) -> tuple[float, float, float]:
        return (self.strike, self.dip, self.rake)

    @property
    def aux_strike_dip_rake(self) -> tuple[float, float, float]:
        return (self.aux_strike, self.aux_dip, self.aux_rake)

    @property
    def full_rank(self) -> bool:
        return self.pseudorank == 5

    @property
    def moment_tensor_ned(self) -> np.ndarray:
        # r = -down, t = -north, p = east
        m = self.moment_tensor_rtp
        r = np.array([[0.0, 0.0, -1.0], [-1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])  # rows: r, t, p in NED
        return r.T @ m @ r


#: Meaning of the kernel's status (``info``) codes; > 0 is LAPACK's/Golub-Reinsch's index.
STATUS_MESSAGES = {
    0: "ok",
    -1: "the Jacobi eigen step did not converge in 50 sweeps",
    -2: "the symmetric eigen step (LAPACK dsyev) did not converge",
    -3: "a LAPACK routine rejected its arguments",
}
_SVD_NOT_CONVERGED = "the SVD did not converge"


class PinvConvergenceWarning(UserWarning):
    """An iteration of the ``seisan`` mode stopped before converging; the result is the
    original's result in that case (it carries on with the last iterate)."""


class PinvInputError(InversionError, ValueError):
    """Readings the kernel must not see: NaN or infinite angles, unequal lengths, a
    polarity that is not +1 or -1."""


def _status_message(info: int) -> str:
    return _SVD_NOT_CONVERGED if info > 0 else STATUS_MESSAGES.get(info, f"status {info}")


def _raise_for_status(info: int, mode: str) -> None:
    """Turn the kernel's status into a warning (seisan) or an exception (modern)."""
    if info == 0:
        return
    message = _status_message(info)
    if info == -3:
        raise RuntimeError(f"PINV kernel: {message}")
    if mode == "seisan":
        warnings.warn(message, PinvConvergenceWarning, stacklevel=3)
    else:
        raise InversionError(f"PINV: {message}")


def _readings(polarity: ArrayLike, takeoff_deg: ArrayLike, azimuth_deg: ArrayLike):
    arrays = []
    for name, value in (
        ("polarity", polarity),
        ("takeoff_deg", takeoff_deg),
        ("azimuth_deg", azimuth_deg),
    ):
        try:
            a = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise PinvInputError(f"{name}: {exc}") from None
        if a.ndim > 1:
            raise PinvInputError(f"{name} must be a scalar or 1-D, got shape {a.shape}")
        a = np.ascontiguousarray(a.ravel())
        if not np.all(np.isfinite(a)):
            raise PinvInputError(f"{name} contains NaN or infinity")
        arrays.append(a)
    pol, takeoff, azimuth = arrays
    if not (pol.size == takeoff.size == azimuth.size):
        raise PinvInputError(
            "polarity, takeoff_deg and azimuth_deg must have the same length, got "
            f"{pol.size}, {takeoff.size}, {azimuth.size}"
        )
    if pol.size == 0:
        raise InversionError("no polarities to invert")
    if np.any(np.abs(pol) != 1.0):
        raise PinvInputError("polarities must be +1 (compression) or -1 (dilatation)")
    return pol, takeoff, azimuth


def solve(
    polarity: ArrayLike,
    takeoff_deg: ArrayLike,
    azimuth_deg: ArrayLike,
    mode: str = "modern",
    rcond: float = RCOND,
) -> PinvSolution:
    """Invert P polarities for a double couple (Kanamori & Given 1983).

    Parameters
    ----------
    polarity : array_like
        +1 for a compression, -1 for a dilatation, one per reading.
    takeoff_deg : array_like
        Take-off angles (degrees from the downward vertical).
    azimuth_deg : array_like
        Azimuths event to station (degrees from north, clockwise).
    mode : {"modern", "seisan"}
        ``seisan`` uses the angles as the original uses them (single precision,
        take-off > 90 folded); see the module text.
    rcond : float
        Modern mode's relative singular-value cut-off.

    Returns
    -------
    PinvSolution
        The mechanism, the singular values and the consistency of every reading.

    Raises
    ------
    PinvInputError
        NaN or infinite angles, unequal lengths or a polarity other than +1/-1.
    InversionError
        No readings; in modern mode a LAPACK step that did not converge.

    Warns
    -----
    PinvConvergenceWarning
        In seisan mode, when the SVD or the Jacobi step did not converge.
    """
    if mode not in _MODE_CODE:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    r = float(rcond)
    if not (np.isfinite(r) and 0.0 <= r < 1.0):
        raise ValueError(f"rcond must be in [0, 1), got {rcond!r}")
    pol, takeoff, azimuth = _readings(polarity, takeoff_deg, azimuth_deg)
    (
        x,
        s_raw,
        s,
        tau,
        rank,
        mt,
        eigval,
        t_axis,
        p_axis,
        sdr,
        aux,
        consistent,
        ngood,
        nbad,
        info,
    ) = _kernels.pinv_solve(pol, takeoff, azimuth, _MODE_CODE[mode], r)
    _raise_for_status(int(info), mode)
    return PinvSolution(
        mode=mode,
        n_data=int(pol.size),
        strike=float(sdr[0]),
        dip=float(sdr[1]),
        rake=float(sdr[2]),
        aux_strike=float(aux[0]),
        aux_dip=float(aux[1]),
        aux_rake=float(aux[2]),
        tolerance=float(tau),
        pseudorank=int(rank),
        singular_values=s,
        singular_values_raw=s_raw,
        moment_tensor_rtp=mt,
        eigenvalues=eigval,
        t_axis_rtp=t_axis,
        p_axis_rtp=p_axis,
        consistent=consistent,
        n_consistent=int(ngood),
        n_inconsistent=int(nbad),
    )
