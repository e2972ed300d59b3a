"""Double couples and moment tensors: strike/dip/rake, tensors, P/T/B axes, decompositions.

Conventions (Aki & Richards 2002, Box 4.4): strike f clockwise from north with the fault
dipping to the right of the strike direction, dip d from the horizontal, rake l in the
fault plane from the strike direction to the slip of the hanging wall, positive up-dip.
Tensors are 3x3 in (north, east, down) ("NED") unless a name says ``use``: (r, t, p) =
(up, south, east), the Harvard/Global CMT convention. Vectors are NED unit vectors.
Angles are in degrees. Axes are given in the lower hemisphere (plunge >= 0).

Canonical planes have strike in [0, 360), dip in [0, 90] and rake in (-180, 180].

Decompositions: Ebel's largest double couple (INVRAD) and Jost & Herrmann (1989,
Seismol. Res. Lett. 60, 37-57) are different quantities and are reported separately; the
Kagan angle follows Kagan (1991, Geophys. J. Int. 106, 709-716). Moments are in whatever
unit the tensor is in; Mw uses dyne-cm (Hanks & Kanamori 1979).

Everything accepts stacks (arrays of angles, tensors of shape (..., 3, 3)) where that is
natural. Only numpy is imported: the drop-in executables import this module at start-up.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from seisfoc.errors import SeisfocError

__all__ = [
    "MechanismError",
    "NodalPlane",
    "Axis",
    "PrincipalAxes",
    "DoubleCouple",
    "LargestDoubleCouple",
    "JostHerrmann",
    "PolarityAgreement",
    "ned_to_use",
    "use_to_ned",
    "vector_ned_to_use",
    "vector_use_to_ned",
    "tensor_from_m6_ned",
    "tensor_to_m6_ned",
    "tensor_from_m6_use",
    "tensor_to_m6_use",
    "canonical_sdr",
    "normal_and_slip",
    "moment_tensor_ned",
    "moment_tensor_use",
    "sdr_from_normal_slip",
    "auxiliary_plane",
    "sdr_from_pt",
    "axis_from_vector",
    "vector_from_trend_plunge",
    "eigenvalues",
    "principal_axes",
    "nodal_planes",
    "double_couple",
    "kagan_angle",
    "p_radiation",
    "predicted_polarity",
    "polarity_agreement",
    "isotropic_part",
    "deviatoric_part",
    "largest_double_couple",
    "double_couple_tensor",
    "jost_herrmann",
    "scalar_moment",
    "scalar_moment_frobenius",
    "moment_magnitude",
    "moment_dyne_cm_from_magnitude",
]

_SQRT2 = np.sqrt(2.0)

# Rows: the unit vectors r (up), t (south), p (east) written in (north, east, down).
_USE_FROM_NED = np.array([[0.0, 0.0, -1.0], [-1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


class MechanismError(SeisfocError, ValueError):
    """A tensor or vector that defines no mechanism (zero, NaN, non-symmetric, ...)."""


class NodalPlane(NamedTuple):
    """One nodal plane in degrees (floats, or arrays for a stack of mechanisms)."""

    strike: float | np.ndarray
    dip: float | np.ndarray
    rake: float | np.ndarray


class Axis(NamedTuple):
    """A principal axis: trend (from north, clockwise) and plunge (down) in degrees,
    and the NED unit vector pointing into the lower hemisphere."""

    trend: float | np.ndarray
    plunge: float | np.ndarray
    vector: np.ndarray


class PrincipalAxes(NamedTuple):
    """Tension, null and pressure axes with the eigenvalues (l_T, l_B, l_P), l_T >= l_B >= l_P."""

    t: Axis
    b: Axis
    p: Axis
    eigenvalues: np.ndarray


class DoubleCouple(NamedTuple):
    """Everything about one double couple: both planes, its vectors and its axes."""

    plane1: NodalPlane  # the given plane, canonical
    plane2: NodalPlane  # the auxiliary plane
    normal: np.ndarray  # NED unit normal of plane1 (upward: into the hanging wall)
    slip: np.ndarray  # NED unit slip of the hanging wall on plane1
    t: Axis
    b: Axis
    p: Axis


class LargestDoubleCouple(NamedTuple):
    """Ebel's split of the deviatoric tensor: M0 = (l_T - l_P)/2, M_CLVD = (l_T + l_P)/2."""

    moment_dc: float | np.ndarray
    moment_clvd: float | np.ndarray  # signed: = -l_B / 2
    moment_isotropic: float | np.ndarray  # trace / 3
    eigenvalues: np.ndarray  # deviatoric, (l_T, l_B, l_P)


class JostHerrmann(NamedTuple):
    """Jost & Herrmann (1989): eps = -l_small/|l_large| over the deviatoric eigenvalues
    ordered by absolute value; M0_DC = |l_large| (1 - 2|eps|); the CLVD part is
    |l_large| eps (2 aa - bb - cc), whose scale |eps| |l_large| is ``moment_clvd``."""

    epsilon: float | np.ndarray
    moment_dc: float | np.ndarray
    moment_clvd: float | np.ndarray
    dc_percent: float | np.ndarray
    clvd_percent: float | np.ndarray
    moment_isotropic: float | np.ndarray
    eigenvalues: np.ndarray  # deviatoric, descending


class PolarityAgreement(NamedTuple):
    """Counts of observed polarities against the predicted P radiation sign."""

    consistent: int
    inconsistent: int
    neither: int  # predicted amplitude exactly zero (or observed polarity 0)


# ---------------------------------------------------------------------------- helpers


def _scalar_or_array(x):
    x = np.asarray(x, dtype=np.float64)
    return float(x) if x.ndim == 0 else x


def _wrap_strike(strike):
    s = np.mod(strike, 360.0)
    return np.where(s >= 360.0, 0.0, s)  # np.mod(-1e-15, 360) is 360.0


def _wrap_rake(rake):
    r = np.mod(np.asarray(rake) + 180.0, 360.0) - 180.0  # [-180, 180)
    return np.where(r <= -180.0, 180.0, r)


def _as_tensor(m, name="moment tensor") -> np.ndarray:
    """A float (..., 3, 3) symmetric finite non-zero array, or MechanismError."""
    try:
        m = np.asarray(m, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MechanismError(f"{name} is not numeric: {exc}") from None
    if m.ndim < 2 or m.shape[-2:] != (3, 3):
        raise MechanismError(f"{name} must have shape (..., 3, 3), got {m.shape}")
    if not np.all(np.isfinite(m)):
        raise MechanismError(f"{name} contains NaN or infinity")
    size = np.max(np.abs(m), axis=(-2, -1))
    if np.any(size == 0.0):
        raise MechanismError(f"{name} is zero")
    asym = np.max(np.abs(m - np.swapaxes(m, -1, -2)), axis=(-2, -1))
    if np.any(asym > 1e-9 * size):
        raise MechanismError(f"{name} is not symmetric")
    return 0.5 * (m + np.swapaxes(m, -1, -2))


def _as_vectors(v, name) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    if v.shape[-1:] != (3,):
        raise MechanismError(f"{name} must have shape (..., 3), got {v.shape}")
    if not np.all(np.isfinite(v)):
        raise MechanismError(f"{name} contains NaN or infinity")
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    if np.any(norm == 0.0):
        raise MechanismError(f"{name} is a zero vector")
    return v / norm


def _angles(*values):
    arrays = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in values))
    for a in arrays:
        if not np.all(np.isfinite(a)):
            raise MechanismError("angles contain NaN or infinity")
    return arrays


# ------------------------------------------------------------------ coordinate frames


def ned_to_use(m_ned) -> np.ndarray:
    """Tensor(s) from (north, east, down) to (up, south, east).

    Parameters
    ----------
    m_ned : array_like
        Tensor(s) of shape (..., 3, 3) in NED, any unit.

    Returns
    -------
    numpy.ndarray
        Float tensor(s) of the same shape with rows and columns (r, t, p) = (up, south,
        east), same unit: Mrr = Mdd, Mtt = Mnn, Mpp = Mee, Mrt = Mnd, Mrp = -Med,
        Mtp = -Mne.
    """
    return _USE_FROM_NED @ np.asarray(m_ned, dtype=np.float64) @ _USE_FROM_NED.T


def use_to_ned(m_use) -> np.ndarray:
    """Tensor(s) from (up, south, east) to (north, east, down).

    Parameters
    ----------
    m_use : array_like
        Tensor(s) of shape (..., 3, 3) with rows and columns (r, t, p), any unit.

    Returns
    -------
    numpy.ndarray
        Float tensor(s) of the same shape in NED, same unit (the inverse of
        :func:`ned_to_use`).
    """
    return _USE_FROM_NED.T @ np.asarray(m_use, dtype=np.float64) @ _USE_FROM_NED


def vector_ned_to_use(v_ned) -> np.ndarray:
    """Vector(s) from (north, east, down) to (up, south, east).

    Parameters
    ----------
    v_ned : array_like
        Vector(s) of shape (..., 3) in NED.

    Returns
    -------
    numpy.ndarray
        Float vector(s) of the same shape and length, components (r, t, p) = (-down,
        -north, east).
    """
    return np.asarray(v_ned, dtype=np.float64) @ _USE_FROM_NED.T


def vector_use_to_ned(v_use) -> np.ndarray:
    """Vector(s) from (up, south, east) to (north, east, down).

    Parameters
    ----------
    v_use : array_like
        Vector(s) of shape (..., 3) with components (r, t, p).

    Returns
    -------
    numpy.ndarray
        Float vector(s) of the same shape and length, components (north, east, down) =
        (-t, p, -r).
    """
    return np.asarray(v_use, dtype=np.float64) @ _USE_FROM_NED


def _symmetric(xx, yy, zz, xy, xz, yz) -> np.ndarray:
    xx, yy, zz, xy, xz, yz = np.broadcast_arrays(
        *(np.asarray(c, dtype=np.float64) for c in (xx, yy, zz, xy, xz, yz))
    )
    rows = [np.stack([xx, xy, xz], -1), np.stack([xy, yy, yz], -1), np.stack([xz, yz, zz], -1)]
    return np.stack(rows, -2)


def tensor_from_m6_ned(mnn, mee, mdd, mne, mnd, med) -> np.ndarray:
    """3x3 NED tensor(s) from the six components (pyrocko's m6 order).

    Parameters
    ----------
    mnn, mee, mdd, mne, mnd, med : float or array_like
        Components in (north, east, down), any unit (broadcast together).

    Returns
    -------
    numpy.ndarray
        Symmetric float tensor(s) of shape (..., 3, 3), same unit.
    """
    return _symmetric(mnn, mee, mdd, mne, mnd, med)


def tensor_to_m6_ned(m_ned) -> np.ndarray:
    """(..., 6) array (Mnn, Mee, Mdd, Mne, Mnd, Med).

    Parameters
    ----------
    m_ned : array_like
        Tensor(s) of shape (..., 3, 3) in NED, any unit (taken as symmetric: the upper
        triangle is read).

    Returns
    -------
    numpy.ndarray
        Float array of shape (..., 6), same unit.
    """
    m = np.asarray(m_ned, dtype=np.float64)
    pairs = ((0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2))
    return np.stack([m[..., i, j] for i, j in pairs], -1)


def tensor_from_m6_use(mrr, mtt, mpp, mrt, mrp, mtp) -> np.ndarray:
    """3x3 NED tensor(s) from Harvard components (r up, t south, p east).

    Parameters
    ----------
    mrr, mtt, mpp, mrt, mrp, mtp : float or array_like
        Components in (r, t, p) = (up, south, east), any unit, e.g. dyne-cm from a
        CMTSOLUTION (broadcast together).

    Returns
    -------
    numpy.ndarray
        Symmetric float tensor(s) of shape (..., 3, 3) in (north, east, down), same unit.
    """
    return use_to_ned(_symmetric(mrr, mtt, mpp, mrt, mrp, mtp))


def tensor_to_m6_use(m_ned) -> np.ndarray:
    """(..., 6) array (Mrr, Mtt, Mpp, Mrt, Mrp, Mtp) of NED tensor(s).

    Parameters
    ----------
    m_ned : array_like
        Tensor(s) of shape (..., 3, 3) in (north, east, down), any unit.

    Returns
    -------
    numpy.ndarray
        Float array of shape (..., 6), Harvard components in (up, south, east), same unit.
    """
    return tensor_to_m6_ned(ned_to_use(m_ned))


# -------------------------------------------------------------- strike / dip / rake


def canonical_sdr(strike: ArrayLike, dip: ArrayLike, rake: ArrayLike) -> NodalPlane:
    """The same plane and slip with strike in [0, 360), dip in [0, 90], rake in (-180, 180].

    A negative dip is the plane (strike + 180, -dip, rake + 180); a dip above 90 is the
    plane (strike + 180, 180 - dip, -rake): both describe the same normal and slip.

    Parameters
    ----------
    strike, dip, rake : float or array_like
        Aki & Richards angles in degrees (arrays broadcast together).

    Returns
    -------
    NodalPlane
        ``(strike, dip, rake)``, floats or arrays of the broadcast shape.

    Examples
    --------
    >>> canonical_sdr(-30.0, 120.0, 10.0)
    NodalPlane(strike=150.0, dip=60.0, rake=-10.0)
    """
    f, d, l = _angles(strike, dip, rake)
    d = np.mod(d + 180.0, 360.0) - 180.0  # [-180, 180)
    negative = d < 0.0
    f = np.where(negative, f + 180.0, f)
    l = np.where(negative, l + 180.0, l)
    d = np.abs(d)
    steep = d > 90.0
    f = np.where(steep, f + 180.0, f)
    l = np.where(steep, -l, l)
    d = np.where(steep, 180.0 - d, d)
    return NodalPlane(*(_scalar_or_array(x) for x in (_wrap_strike(f), d, _wrap_rake(l))))


def normal_and_slip(
    strike: ArrayLike, dip: ArrayLike, rake: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """NED unit fault normal (into the hanging wall) and slip vector (A&R Box 4.4).

    Parameters
    ----------
    strike, dip, rake : float or array_like
        Aki & Richards angles in degrees (arrays broadcast together).

    Returns
    -------
    normal, slip : numpy.ndarray
        Unit vectors of shape (..., 3) in (north, east, down).
    """
    f, d, l = (np.radians(x) for x in _angles(strike, dip, rake))
    sf, cf, sd, cd, sl, cl = np.sin(f), np.cos(f), np.sin(d), np.cos(d), np.sin(l), np.cos(l)
    normal = np.stack([-sd * sf, sd * cf, -cd], -1)
    slip = np.stack([cl * cf + cd * sl * sf, cl * sf - cd * sl * cf, -sl * sd], -1)
    return normal, slip


def moment_tensor_ned(
    strike: ArrayLike, dip: ArrayLike, rake: ArrayLike, moment: ArrayLike = 1.0
) -> np.ndarray:
    """Double-couple moment tensor(s) in (north, east, down), A&R Box 4.4.

    Parameters
    ----------
    strike, dip, rake : float or array_like
        Aki & Richards angles in degrees (arrays broadcast together).
    moment : float or array_like
        Scalar moment, in the unit the tensor is wanted in.

    Returns
    -------
    numpy.ndarray
        Symmetric tensor(s) of shape (..., 3, 3).

    Examples
    --------
    A vertical strike-slip fault striking north is M_NE = M_EN = M0:

    >>> moment_tensor_ned(0.0, 90.0, 0.0, 2.0).round(12) + 0.0
    array([[0., 2., 0.],
           [2., 0., 0.],
           [0., 0., 0.]])
    """
    f, d, l, m0 = _angles(strike, dip, rake, moment)
    f, d, l = np.radians(f), np.radians(d), np.radians(l)
    sd, s2d, cd, c2d = np.sin(d), np.sin(2 * d), np.cos(d), np.cos(2 * d)
    sl, cl = np.sin(l), np.cos(l)
    mnn = -m0 * (sd * cl * np.sin(2 * f) + s2d * sl * np.sin(f) ** 2)
    mee = m0 * (sd * cl * np.sin(2 * f) - s2d * sl * np.cos(f) ** 2)
    mdd = m0 * s2d * sl
    mne = m0 * (sd * cl * np.cos(2 * f) + 0.5 * s2d * sl * np.sin(2 * f))
    mnd = -m0 * (cd * cl * np.cos(f) + c2d * sl * np.sin(f))
    med = -m0 * (cd * cl * np.sin(f) - c2d * sl * np.cos(f))
    return _symmetric(mnn, mee, mdd, mne, mnd, med)


def moment_tensor_use(
    strike: ArrayLike, dip: ArrayLike, rake: ArrayLike, moment: ArrayLike = 1.0
) -> np.ndarray:
    """Double-couple tensor(s) in (up, south, east), the Harvard/Global CMT frame.

    Parameters
    ----------
    strike, dip, rake : float or array_like
        Aki & Richards angles in degrees (arrays broadcast together).
    moment : float or array_like
        Scalar moment.

    Returns
    -------
    numpy.ndarray
        Tensor(s) of shape (..., 3, 3) with rows and columns (r, t, p).
    """
    return ned_to_use(moment_tensor_ned(strike, dip, rake, moment))


def sdr_from_normal_slip(normal, slip, frame: str = "ned") -> NodalPlane:
    """Canonical strike, dip, rake of the plane with this normal and slip vector.

    The pair (n, s) and (-n, -s) give the same plane and mechanism: a downward normal is
    turned up (this is the 'dip > 90' fold). ``frame`` is ``"ned"`` or ``"use"``. With
    n = (T + P)/sqrt 2, s = (T - P)/sqrt 2 in (r, t, p) this is PINV's plane rule.

    Parameters
    ----------
    normal, slip : array_like
        Vectors of shape (..., 3) normal to the plane and along the slip of the hanging
        wall (any length, perpendicular to within 1e-6 after normalising).
    frame : {"ned", "use"}
        Frame of the vectors: (north, east, down) or (up, south, east).

    Returns
    -------
    NodalPlane
        Canonical strike, dip, rake in degrees (floats, or arrays for a stack).

    Raises
    ------
    MechanismError
        A vector that is not of shape (..., 3), is zero or not finite, or a pair that is
        not perpendicular.
    ValueError
        An unknown ``frame``.
    """
    n = _as_vectors(normal, "normal")
    s = _as_vectors(slip, "slip")
    if frame == "use":
        n, s = vector_use_to_ned(n), vector_use_to_ned(s)
    elif frame != "ned":
        raise ValueError(f"frame must be 'ned' or 'use', got {frame!r}")
    if np.any(np.abs(np.sum(n * s, axis=-1)) > 1e-6):
        raise MechanismError("normal and slip vectors are not perpendicular")
    down = n[..., 2:3] > 0.0
    n = np.where(down, -n, n)
    s = np.where(down, -s, s)
    horizontal = np.hypot(n[..., 0], n[..., 1])
    dip = np.degrees(np.arctan2(horizontal, -n[..., 2]))
    strike = np.degrees(np.arctan2(-n[..., 0], n[..., 1]))
    f, d = np.radians(strike), np.radians(dip)
    along_strike = np.stack([np.cos(f), np.sin(f), np.zeros_like(f)], -1)
    up_dip = np.stack([np.cos(d) * np.sin(f), -np.cos(d) * np.cos(f), -np.sin(d)], -1)
    rake = np.degrees(np.arctan2(np.sum(s * up_dip, -1), np.sum(s * along_strike, -1)))
    return canonical_sdr(strike, dip, rake)


def auxiliary_plane(strike: ArrayLike, dip: ArrayLike, rake: ArrayLike) -> NodalPlane:
    """The other nodal plane of the double couple (normal and slip exchanged).

    Parameters
    ----------
    strike, dip, rake : float or array_like
        Aki & Richards angles in degrees (arrays broadcast together).

    Returns
    -------
    NodalPlane
        The auxiliary plane, canonical.

    Examples
    --------
    >>> plane = auxiliary_plane(125.0, 55.0, -70.0)
    >>> [round(float(x), 1) for x in plane]
    [272.6, 39.7, -116.0]
    """
    normal, slip = normal_and_slip(strike, dip, rake)
    return sdr_from_normal_slip(slip, normal)


def _axis_vector(axis, name) -> np.ndarray:
    return _as_vectors(axis.vector if isinstance(axis, Axis) else axis, name)


def sdr_from_pt(p_axis, t_axis, frame: str = "ned") -> tuple[NodalPlane, NodalPlane]:
    """Both nodal planes from the P and T axes (vectors or :class:`Axis`).

    n = (T + P)/sqrt 2 and s = (T - P)/sqrt 2 give one plane, n and s exchanged the other;
    the signs of the axes only decide which of the two comes first.

    Parameters
    ----------
    p_axis, t_axis : array_like or Axis
        Vectors along the P and T axes (shape (..., 3), any length, perpendicular).
    frame : {"ned", "use"}
        Frame of the vectors.

    Returns
    -------
    tuple of NodalPlane
        The two planes.

    Raises
    ------
    MechanismError
        The axes are not perpendicular.
    """
    p = _axis_vector(p_axis, "P axis")
    t = _axis_vector(t_axis, "T axis")
    if np.any(np.abs(np.sum(p * t, axis=-1)) > 1e-6):
        raise MechanismError("P and T axes are not perpendicular")
    normal, slip = (t + p) / _SQRT2, (t - p) / _SQRT2
    return sdr_from_normal_slip(normal, slip, frame), sdr_from_normal_slip(slip, normal, frame)


# ------------------------------------------------------------------------------- axes


def axis_from_vector(vector, frame: str = "ned") -> Axis:
    """Trend and plunge of an axis given by any vector along it (either sign).

    Parameters
    ----------
    vector : array_like
        Vector(s) of shape (..., 3) along the axis, any length.
    frame : {"ned", "use"}
        Frame of the vectors: (north, east, down) or (up, south, east).

    Returns
    -------
    Axis
        Trend (degrees clockwise from north, in [0, 360); 0 for a vertical axis), plunge
        (degrees down from the horizontal, in [0, 90]) and the NED unit vector turned into
        the lower hemisphere.

    Raises
    ------
    MechanismError
        A vector that is not of shape (..., 3), is zero or not finite.
    ValueError
        An unknown ``frame``.

    Examples
    --------
    >>> axis = axis_from_vector([0.0, -1.0, -1.0])  # west and up: the same axis as east, down
    >>> round(float(axis.trend), 6), round(float(axis.plunge), 6)
    (90.0, 45.0)
    """
    v = _as_vectors(vector, "axis")
    if frame == "use":
        v = vector_use_to_ned(v)
    elif frame != "ned":
        raise ValueError(f"frame must be 'ned' or 'use', got {frame!r}")
    v = np.where(v[..., 2:3] < 0.0, -v, v)
    horizontal = np.hypot(v[..., 0], v[..., 1])
    # a vertical axis has no trend: report 0 rather than the direction of rounding noise
    trend = np.where(
        horizontal < 1e-12, 0.0, _wrap_strike(np.degrees(np.arctan2(v[..., 1], v[..., 0])))
    )
    plunge = np.degrees(np.arctan2(v[..., 2], horizontal))
    return Axis(_scalar_or_array(trend), _scalar_or_array(plunge), v)


def vector_from_trend_plunge(trend, plunge) -> np.ndarray:
    """NED unit vector(s) of an axis with this trend and plunge (degrees).

    Parameters
    ----------
    trend, plunge : float or array_like
        Trend in degrees clockwise from north and plunge in degrees down from the
        horizontal (broadcast together).

    Returns
    -------
    numpy.ndarray
        Unit vector(s) of shape (..., 3) in (north, east, down): (cos pl cos tr,
        cos pl sin tr, sin pl).

    Raises
    ------
    MechanismError
        An angle that is NaN or infinite.
    """
    tr, pl = (np.radians(x) for x in _angles(trend, plunge))
    return np.stack([np.cos(pl) * np.cos(tr), np.cos(pl) * np.sin(tr), np.sin(pl)], -1)


def _eigh_descending(m):
    values, vectors = np.linalg.eigh(m)
    return values[..., ::-1], vectors[..., ::-1]


def eigenvalues(m_ned) -> np.ndarray:
    """Eigenvalues (l_T, l_B, l_P), descending, of tensor(s) (..., 3, 3).

    Parameters
    ----------
    m_ned : array_like
        Symmetric moment tensor(s) of shape (..., 3, 3) (eigenvalues do not depend on
        the frame), any unit.

    Returns
    -------
    numpy.ndarray
        Float array of shape (..., 3), largest first, in the unit of the tensor.

    Raises
    ------
    MechanismError
        A tensor that is not numeric, not of shape (..., 3, 3), not finite, zero or not
        symmetric.
    """
    return np.linalg.eigvalsh(_as_tensor(m_ned))[..., ::-1]


def principal_axes(m_ned) -> PrincipalAxes:
    """T, B, P axes (eigenvectors of the largest, middle and smallest eigenvalue).

    Parameters
    ----------
    m_ned : array_like
        Moment tensor(s) of shape (..., 3, 3) in (north, east, down).

    Returns
    -------
    PrincipalAxes
        The axes (trend, plunge in the lower hemisphere, vector) and the eigenvalues.
    """
    values, vectors = _eigh_descending(_as_tensor(m_ned))
    t, b, p = (axis_from_vector(vectors[..., :, k]) for k in range(3))
    return PrincipalAxes(t, b, p, values)


def nodal_planes(m_ned) -> tuple[NodalPlane, NodalPlane]:
    """Both nodal planes of the largest double couple of a tensor.

    Parameters
    ----------
    m_ned : array_like
        Moment tensor(s) of shape (..., 3, 3) in (north, east, down).

    Returns
    -------
    tuple of NodalPlane
        The two planes (from the T and P eigenvectors).

    Raises
    ------
    MechanismError
        The tensor is isotropic.
    """
    values, vectors = _eigh_descending(_as_tensor(m_ned))
    if np.any(values[..., 0] - values[..., 2] <= 1e-12 * np.max(np.abs(values), axis=-1)):
        raise MechanismError("moment tensor is isotropic: it has no nodal planes")
    return sdr_from_pt(vectors[..., :, 2], vectors[..., :, 0])


def double_couple(strike, dip, rake) -> DoubleCouple:
    """Both planes, normal and slip, and T, B, P axes of a strike/dip/rake.

    Parameters
    ----------
    strike, dip, rake : float or array_like
        Aki & Richards angles in degrees (arrays broadcast together).

    Returns
    -------
    DoubleCouple
        The canonical plane, the auxiliary plane, normal, slip and the three axes.
    """
    plane1 = canonical_sdr(strike, dip, rake)
    normal, slip = normal_and_slip(*plane1)
    t = (normal + slip) / _SQRT2
    p = (normal - slip) / _SQRT2
    b = np.cross(p, t)
    return DoubleCouple(
        plane1,
        sdr_from_normal_slip(slip, normal),
        normal,
        slip,
        axis_from_vector(t),
        axis_from_vector(b),
        axis_from_vector(p),
    )


# ------------------------------------------------------------------------ Kagan angle


def _tbp_frame(mechanism) -> np.ndarray:
    """Right-handed frame(s) (..., 3, 3) with columns T, B, P."""
    if isinstance(mechanism, np.ndarray) and mechanism.shape[-2:] == (3, 3):
        _, vectors = _eigh_descending(_as_tensor(mechanism))
        t, p = vectors[..., :, 0], vectors[..., :, 2]
    else:
        if len(mechanism) != 3:
            raise MechanismError(
                "a mechanism is (strike, dip, rake) or a numpy array of shape (..., 3, 3)"
            )
        normal, slip = normal_and_slip(*mechanism)
        t, p = (normal + slip) / _SQRT2, (normal - slip) / _SQRT2
    return np.stack([t, np.cross(p, t), p], -1)


# A double couple's frame is unchanged by 180 deg turns about T, B or P.
_FRAME_SYMMETRIES = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float)


def kagan_angle(mechanism1: Any, mechanism2: Any) -> float | np.ndarray:
    """Smallest rotation (degrees, 0 to 120) taking one P-T-B frame to the other.

    The four symmetric choices of the double couple frame are tried; the angle is
    computed from both sine and cosine of the rotation so that it is accurate near 0.

    Parameters
    ----------
    mechanism1, mechanism2 : tuple or numpy.ndarray
        A ``(strike, dip, rake)`` triple (a tuple, list or :class:`NodalPlane` whose
        items may be arrays) or a numpy tensor of shape (..., 3, 3) in NED (any frame
        works if both are in the same one).

    Returns
    -------
    float or numpy.ndarray
        Kagan (1991) angle(s) in degrees.

    Examples
    --------
    The two planes of one double couple are the same mechanism; the same plane with
    the opposite slip is 90 degrees away:

    >>> round(float(kagan_angle((0.0, 90.0, 0.0), (90.0, 90.0, 180.0))), 9)
    0.0
    >>> round(float(kagan_angle((0.0, 90.0, 0.0), (0.0, 90.0, 180.0))), 9)
    90.0
    """
    e1, e2 = _tbp_frame(mechanism1), _tbp_frame(mechanism2)
    r = np.swapaxes(e1, -1, -2) @ e2
    best = None
    for signs in _FRAME_SYMMETRIES:
        rk = r * signs  # R @ diag(signs)
        cos_angle = (np.trace(rk, axis1=-2, axis2=-1) - 1.0) / 2.0
        axial = np.stack([rk[..., j, i] - rk[..., i, j] for i, j in ((1, 2), (2, 0), (0, 1))], -1)
        angle = np.degrees(np.arctan2(np.linalg.norm(axial, axis=-1) / 2.0, cos_angle))
        best = angle if best is None else np.minimum(best, angle)
    return _scalar_or_array(best)


# ------------------------------------------------------------------- P-wave polarity


def p_radiation(
    strike: ArrayLike,
    dip: ArrayLike,
    rake: ArrayLike,
    takeoff_deg: ArrayLike,
    azimuth_deg: ArrayLike,
) -> float | np.ndarray:
    """Far-field P radiation of a double couple, A&R eq. 4.89 (unit moment).

    Parameters
    ----------
    strike, dip, rake : float or array_like
        Aki & Richards angles in degrees (arrays broadcast together).
    takeoff_deg : float or array_like
        Take-off angle from the downward vertical (degrees).
    azimuth_deg : float or array_like
        Azimuth from north, event to station (degrees).

    Returns
    -------
    float or numpy.ndarray
        Radiation in [-1, 1]; positive means compression (first motion up).
    """
    f, d, l, i, phi = (np.radians(x) for x in _angles(strike, dip, rake, takeoff_deg, azimuth_deg))
    a = phi - f
    si, ci = np.sin(i), np.cos(i)
    return _scalar_or_array(
        np.cos(l) * np.sin(d) * si**2 * np.sin(2 * a)
        - np.cos(l) * np.cos(d) * np.sin(2 * i) * np.cos(a)
        + np.sin(l) * np.sin(2 * d) * (ci**2 - si**2 * np.sin(a) ** 2)
        + np.sin(l) * np.cos(2 * d) * np.sin(2 * i) * np.sin(a)
    )


def predicted_polarity(
    strike: ArrayLike,
    dip: ArrayLike,
    rake: ArrayLike,
    takeoff_deg: ArrayLike,
    azimuth_deg: ArrayLike,
) -> np.ndarray:
    """Sign of the P radiation: +1 compression, -1 dilatation, 0 on a nodal plane.

    Parameters
    ----------
    strike, dip, rake : float or array_like
        Aki & Richards angles in degrees (arrays broadcast together).
    takeoff_deg, azimuth_deg : float or array_like
        Ray take-off angle (from down) and azimuth (from north), degrees.

    Returns
    -------
    numpy.ndarray
        int8 signs of the broadcast shape.
    """
    return np.sign(p_radiation(strike, dip, rake, takeoff_deg, azimuth_deg)).astype(np.int8)


def polarity_agreement(
    strike: ArrayLike,
    dip: ArrayLike,
    rake: ArrayLike,
    takeoff_deg: ArrayLike,
    azimuth_deg: ArrayLike,
    polarity: ArrayLike,
) -> PolarityAgreement:
    """PINV's consistency count: A * p > 0 consistent, < 0 inconsistent, 0 neither.

    Parameters
    ----------
    strike, dip, rake : float or array_like
        Aki & Richards angles in degrees (arrays broadcast together).
    takeoff_deg, azimuth_deg : float or array_like
        Ray take-off angle (from down) and azimuth (from north), degrees.
    polarity : array_like
        +1 (compression, C/U) or -1 (dilatation, D) per reading.

    Returns
    -------
    PolarityAgreement
        Numbers of consistent, inconsistent and nodal readings.
    """
    amplitude = np.asarray(p_radiation(strike, dip, rake, takeoff_deg, azimuth_deg))
    product = amplitude * np.asarray(polarity, dtype=np.float64)
    product = np.broadcast_to(product, np.broadcast_shapes(amplitude.shape, np.shape(polarity)))
    return PolarityAgreement(
        int(np.count_nonzero(product > 0)),
        int(np.count_nonzero(product < 0)),
        int(np.count_nonzero(product == 0)),
    )


# --------------------------------------------------------------------- decompositions


def isotropic_part(m_ned) -> np.ndarray:
    """(trace / 3) I.

    Parameters
    ----------
    m_ned : array_like
        Tensor(s) of shape (..., 3, 3), any frame and unit.

    Returns
    -------
    numpy.ndarray
        Float tensor(s) of the same shape: the isotropic part, same unit.
    """
    m = np.asarray(m_ned, dtype=np.float64)
    return (np.trace(m, axis1=-2, axis2=-1) / 3.0)[..., None, None] * np.eye(3)


def deviatoric_part(m_ned) -> np.ndarray:
    """M - (trace / 3) I.

    Parameters
    ----------
    m_ned : array_like
        Tensor(s) of shape (..., 3, 3), any frame and unit.

    Returns
    -------
    numpy.ndarray
        Float tensor(s) of the same shape with zero trace, same frame and unit.
    """
    m = np.asarray(m_ned, dtype=np.float64)
    return m - isotropic_part(m)


def _deviatoric_eigenvalues(m):
    m = _as_tensor(m)
    values = np.linalg.eigvalsh(deviatoric_part(m))[..., ::-1]
    size = np.max(np.abs(m), axis=(-2, -1))
    if np.any(np.max(np.abs(values), axis=-1) <= 1e-12 * size):
        raise MechanismError("moment tensor is purely isotropic: no deviatoric part")
    return m, values


def largest_double_couple(m_ned) -> LargestDoubleCouple:
    """Ebel's largest double couple: M0 = (l_T - l_P)/2, M_CLVD = (l_T + l_P)/2 = -l_B/2.

    Eigenvalues are those of the deviatoric part (the isotropic part is reported apart);
    the nodal planes are :func:`nodal_planes`.

    Parameters
    ----------
    m_ned : array_like
        Moment tensor(s) of shape (..., 3, 3) in (north, east, down).

    Returns
    -------
    LargestDoubleCouple
        Scalar moment, CLVD moment, isotropic part and the deviatoric eigenvalues.

    Raises
    ------
    MechanismError
        The tensor is purely isotropic.
    """
    m, values = _deviatoric_eigenvalues(m_ned)
    lt, lp = values[..., 0], values[..., 2]
    return LargestDoubleCouple(
        _scalar_or_array((lt - lp) / 2.0),
        _scalar_or_array((lt + lp) / 2.0),
        _scalar_or_array(np.trace(m, axis1=-2, axis2=-1) / 3.0),
        values,
    )


def double_couple_tensor(m_ned) -> np.ndarray:
    """The largest double couple as a tensor: M0 (t t^T - p p^T), same unit as ``m_ned``.

    M0 = (l_T - l_P) / 2 from the eigenvalues, t and p the unit T and P eigenvectors; the
    isotropic and CLVD parts are dropped.

    Parameters
    ----------
    m_ned : array_like
        Symmetric moment tensor(s) of shape (..., 3, 3) in (north, east, down).

    Returns
    -------
    numpy.ndarray
        Float tensor(s) of shape (..., 3, 3) in NED, unit of ``m_ned``.

    Raises
    ------
    MechanismError
        A tensor that is not numeric, not of shape (..., 3, 3), not finite, zero or not
        symmetric.
    """
    values, vectors = _eigh_descending(_as_tensor(m_ned))
    t, p = vectors[..., :, 0], vectors[..., :, 2]
    m0 = (values[..., 0] - values[..., 2]) / 2.0
    outer = t[..., :, None] * t[..., None, :] - p[..., :, None] * p[..., None, :]
    return m0[..., None, None] * outer


def jost_herrmann(m_ned) -> JostHerrmann:
    """Jost & Herrmann (1989) DC/CLVD split of the deviatoric part.

    Parameters
    ----------
    m_ned : array_like
        Moment tensor(s) of shape (..., 3, 3) in (north, east, down).

    Returns
    -------
    JostHerrmann
        epsilon (0 for a pure double couple, +-0.5 for a pure CLVD), the DC and CLVD
        moments and percentages, the isotropic part and the deviatoric eigenvalues.

    Raises
    ------
    MechanismError
        The tensor is purely isotropic.
    """
    m, values = _deviatoric_eigenvalues(m_ned)
    order = np.argsort(np.abs(values), axis=-1)
    small = np.take_along_axis(values, order[..., :1], -1)[..., 0]
    large = np.abs(np.take_along_axis(values, order[..., 2:], -1)[..., 0])
    eps = -small / large
    return JostHerrmann(
        _scalar_or_array(eps),
        _scalar_or_array(large * (1.0 - 2.0 * np.abs(eps))),
        _scalar_or_array(large * np.abs(eps)),
        _scalar_or_array(100.0 * (1.0 - 2.0 * np.abs(eps))),
        _scalar_or_array(200.0 * np.abs(eps)),
        _scalar_or_array(np.trace(m, axis1=-2, axis2=-1) / 3.0),
        values,
    )


def scalar_moment(m_ned: ArrayLike) -> float | np.ndarray:
    """Scalar moment of the largest double couple, (l_T - l_P)/2 (Ebel; GCMT's best DC).

    Parameters
    ----------
    m_ned : array_like
        Moment tensor(s) of shape (..., 3, 3).

    Returns
    -------
    float or numpy.ndarray
        The moment, in the unit of the tensor.
    """
    values = eigenvalues(m_ned)
    return _scalar_or_array((values[..., 0] - values[..., 2]) / 2.0)


def scalar_moment_frobenius(m_ned):
    """Silver & Jordan (1982) scalar moment sqrt(sum M_ij^2 / 2) (pyrocko's, ObsPy's).

    Parameters
    ----------
    m_ned : array_like
        Symmetric moment tensor(s) of shape (..., 3, 3) (the norm does not depend on the
        frame), e.g. in dyne-cm.

    Returns
    -------
    float or numpy.ndarray
        The moment(s) in the unit of the tensor; a float for one tensor.

    Raises
    ------
    MechanismError
        A tensor that is not numeric, not of shape (..., 3, 3), not finite, zero or not
        symmetric.
    """
    m = _as_tensor(m_ned)
    return _scalar_or_array(np.sqrt(np.sum(m * m, axis=(-2, -1)) / 2.0))


def moment_magnitude(moment_dyne_cm: ArrayLike) -> float | np.ndarray:
    """Mw = 2/3 log10 M0[dyne-cm] - 10.7 (Hanks & Kanamori 1979).

    Parameters
    ----------
    moment_dyne_cm : float or array_like
        Scalar moment(s) in dyne-cm, positive.

    Returns
    -------
    float or numpy.ndarray
        Moment magnitude.

    Raises
    ------
    MechanismError
        A moment that is not positive and finite.

    Examples
    --------
    >>> round(float(moment_magnitude(1e25)), 4)
    5.9667
    """
    m0 = np.asarray(moment_dyne_cm, dtype=np.float64)
    if not np.all(np.isfinite(m0)) or np.any(m0 <= 0.0):
        raise MechanismError("scalar moment must be positive and finite")
    return _scalar_or_array(2.0 / 3.0 * np.log10(m0) - 10.7)


def moment_dyne_cm_from_magnitude(mw: ArrayLike) -> float | np.ndarray:
    """Inverse of :func:`moment_magnitude`: M0 in dyne-cm.

    Parameters
    ----------
    mw : float or array_like
        Moment magnitude(s).

    Returns
    -------
    float or numpy.ndarray
        Scalar moment(s) in dyne-cm.
    """
    mw = np.asarray(mw, dtype=np.float64)
    if not np.all(np.isfinite(mw)):
        raise MechanismError("magnitude contains NaN or infinity")
    return _scalar_or_array(10.0 ** (1.5 * (mw + 10.7)))
