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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
    info: int  #: 0 ok; > 0 SVD not converged; -1 Jacobi not converged in 50 sweeps

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


def solve(polarity, takeoff_deg, azimuth_deg, mode: str = "modern", rcond: float = RCOND):
    """Invert P polarities (+1 compression, -1 dilatation) for a double couple.

    ``takeoff_deg`` from the downward vertical, ``azimuth_deg`` event to station. In
    ``seisan`` mode the angles are used as the original uses them (single precision,
    take-off > 90 folded).
    """
    if mode not in _MODE_CODE:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    polarity = np.ascontiguousarray(polarity, dtype=np.float64).ravel()
    takeoff = np.ascontiguousarray(takeoff_deg, dtype=np.float64).ravel()
    azimuth = np.ascontiguousarray(azimuth_deg, dtype=np.float64).ravel()
    if not (polarity.size == takeoff.size == azimuth.size):
        raise ValueError("polarity, takeoff_deg and azimuth_deg must have the same length")
    if polarity.size == 0:
        raise InversionError("no polarities to invert")
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
    ) = _kernels.pinv_solve(polarity, takeoff, azimuth, _MODE_CODE[mode], float(rcond))
    return PinvSolution(
        mode=mode,
        n_data=int(polarity.size),
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
        info=int(info),
    )


def solve_trials(polarity, takeoff_deg, azimuth_deg, rcond: float = RCOND):
    """Modern-mode solutions of many perturbed data sets at once.

    The arrays have shape (n_readings, n_trials). Returns (sdr (n_trials, 3), pseudorank,
    number inconsistent with the trial's own solution).
    """
    p = np.asfortranarray(polarity, dtype=np.float64)
    i = np.asfortranarray(takeoff_deg, dtype=np.float64)
    a = np.asfortranarray(azimuth_deg, dtype=np.float64)
    sdr, rank, nbad = _kernels.pinv_trials(p, i, a, float(rcond))
    return sdr.T.copy(), rank, nbad
