"""Double-couple grid search against P polarities and the spread of the acceptable set.

The grid and the polarity count follow FOCMEC (Snoke 2003, in IASPEI International
Handbook of Earthquake and Engineering Seismology, 81B, 1629-1630): every double couple
of a grid is tested against the observed first motions and those with at most a given
(weighted) number of polarity misfits are acceptable. The station distribution ratio
and the preferred mechanism of an acceptable set follow HASH (Hardebeck & Shearer 2002,
Bull. Seism. Soc. Am. 92, 2264-2276). The numbers come from the Fortran kernel
``seisfoc._kernels`` (fortran/gridsearch.f90); this module shapes arrays and hides the
calling convention.

Definitions (unit double couple, Aki & Richards P radiation ``A``, |A| <= 1):

* a reading is a **misfit** when ``polarity * A < -nodal_threshold``; a reading on or
  within ``nodal_threshold`` of a nodal plane is never a misfit (the default, 1e-9, only
  makes exact nodal rays deterministic; larger values give near-nodal readings the
  benefit of the doubt). ``misfit`` is the sum of the weights of misfit readings (the
  number of misfits with unit weights: FOCMEC's count without "relative weighting", which
  is how SEISAN runs it).
* **stdr** = sum(w |A|) / sum(w): near 1 when the readings sit near the radiation
  maxima, near 0 when they hug the nodal planes.

Grids (``step_deg`` is the spacing of every angle):

* ``"baxis"`` (default): FOCMEC's parametrisation. Null axis B with plunge 0, step, ...,
  90; at plunge p, n = nint(360 cos p / step) trends spaced 360/n (so the B axes cover the
  sphere about evenly; a horizontal B uses trends in [0, 180), a vertical one trend 0);
  the angle a = 0, step, ... < 180 turns the slip axis A = cos a h + sin a v in the plane
  normal to B (h horizontal at trend(B) + 90, v = B x h) and the normal is N = B x A.
  Every double couple appears once. Strike, dip and rake are those of the plane with
  normal N and slip A, as FOCMEC prints them. With step 2 this is the grid of SEISAN's
  FOCMEC runs: it gives the same acceptable sets (up to readings within rounding of a
  nodal plane, which FOCMEC decides in single precision).
* ``"sdr"``: strike 0, step, ... < 360; dip 90, 90 - step, ... > 0; rake 180,
  180 - step, ... > -180. Uniform in the angles, NOT in orientation, and every double
  couple appears twice (once per nodal plane; vertical planes also as
  (strike + 180, 90, -rake)).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from seisfoc import _kernels
from seisfoc.errors import SeisfocError
from seisfoc.mechanism import NodalPlane, kagan_angle, normal_and_slip, sdr_from_normal_slip

__all__ = [
    "GridSearchError",
    "AcceptableSet",
    "GridMechanism",
    "Misfit",
    "Spread",
    "search",
    "misfit",
    "best",
    "acceptable_spread",
    "preferred_from_set",
]

_GRIDS = {"baxis": 1, "sdr": 2}
_SQRT2 = np.sqrt(2.0)
_FIRST_GUESS = 4096  # room for the acceptable set in the first kernel call


class GridSearchError(SeisfocError, ValueError):
    """Unusable polarity readings or search parameters."""


class AcceptableSet(NamedTuple):
    """Grid mechanisms with misfit <= ``max_misfit`` (arrays in grid order)."""

    strike: np.ndarray
    dip: np.ndarray
    rake: np.ndarray
    misfit: np.ndarray
    stdr: np.ndarray
    grid_param: np.ndarray  # (n, 3): B trend, B plunge, angle ("baxis") or s, d, r ("sdr")
    min_misfit: float  # smallest misfit over the whole grid
    max_misfit: float  # the acceptance limit used
    step_deg: float
    grid: str
    n_grid: int  # number of mechanisms tested

    @property
    def size(self) -> int:
        """Number of acceptable mechanisms."""
        return int(self.strike.size)


class GridMechanism(NamedTuple):
    strike: float
    dip: float
    rake: float
    misfit: float
    stdr: float


class Misfit(NamedTuple):
    misfit: np.ndarray
    stdr: np.ndarray


class Spread(NamedTuple):
    """Kagan angles (degrees) of the acceptable set about a mechanism."""

    rms_deg: float
    max_deg: float
    mean_deg: float


def _readings(polarity, takeoff_deg, azimuth_deg, weight):
    try:
        w = 1.0 if weight is None else weight
        arrays = np.broadcast_arrays(
            *(np.asarray(x, dtype=np.float64) for x in (polarity, takeoff_deg, azimuth_deg, w))
        )
    except (TypeError, ValueError) as exc:
        raise GridSearchError(f"polarity readings: {exc}") from None
    pol, takeoff, azimuth, w = (np.ascontiguousarray(np.ravel(a)) for a in arrays)
    if pol.size == 0:
        raise GridSearchError("no polarity readings")
    if not all(np.all(np.isfinite(a)) for a in (pol, takeoff, azimuth, w)):
        raise GridSearchError("polarity readings contain NaN or infinity")
    if np.any(np.abs(pol) != 1.0):
        raise GridSearchError("polarities must be +1 (compression) or -1 (dilatation)")
    if np.any(w < 0.0) or not np.any(w > 0.0):
        raise GridSearchError("weights must be >= 0 and not all zero")
    return pol, takeoff, azimuth, w


def misfit(
    strike, dip, rake, polarity, takeoff_deg, azimuth_deg, weight=None, nodal_threshold=1e-9
) -> Misfit:
    """Weighted misfit count and stdr of given mechanisms (arrays broadcast together)."""
    s, d, r = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in (strike, dip, rake)))
    shape = s.shape
    pol, takeoff, azimuth, w = _readings(polarity, takeoff_deg, azimuth_deg, weight)
    m, st = _kernels.gridsearch_misfit(
        np.ravel(s), np.ravel(d), np.ravel(r), pol, takeoff, azimuth, w, float(nodal_threshold)
    )
    return Misfit(m.reshape(shape), st.reshape(shape))


def search(
    polarity,
    takeoff_deg,
    azimuth_deg,
    weight=None,
    step_deg: float = 5.0,
    max_misfit: float | None = None,
    *,
    grid: str = "baxis",
    nodal_threshold: float = 1e-9,
) -> AcceptableSet:
    """All grid double couples with misfit <= ``max_misfit``.

    ``max_misfit=None`` takes the smallest misfit found on the grid (FOCMEC's "smallest
    number of errors that gives a solution"); ``np.inf`` returns the whole grid. Misfits
    are compared with a relative slack of 1e-9 of the total weight.
    """
    if grid not in _GRIDS:
        raise GridSearchError(f"grid must be one of {sorted(_GRIDS)}, got {grid!r}")
    step = float(step_deg)
    if not (0.0 < step <= 90.0):
        raise GridSearchError(f"step_deg must be in (0, 90], got {step_deg}")
    pol, takeoff, azimuth, w = _readings(polarity, takeoff_deg, azimuth_deg, weight)
    if max_misfit is None:
        limit = -1.0  # the kernel takes the minimum
    else:
        limit = float(max_misfit)
        if np.isnan(limit) or limit < 0.0:
            raise GridSearchError(f"max_misfit must be >= 0, got {max_misfit}")
        limit = min(limit, np.finfo(np.float64).max / 2)
    args = (_GRIDS[grid], step, pol, takeoff, azimuth, w, float(nodal_threshold), limit)
    slack = 1e-9 * float(np.sum(w))
    n_out = _FIRST_GUESS
    while True:  # the kernel counts all acceptable points but fills at most n_out
        strike, dip, rake, mis, stdr, param, n_grid, min_misfit, used, n_accept = (
            _kernels.gridsearch_search(n_out, *args, slack)
        )
        if n_accept <= n_out:
            break
        n_out = int(n_accept)
    k = int(n_accept)
    return AcceptableSet(
        *(a[:k].copy() for a in (strike, dip, rake, mis, stdr)),
        param[:, :k].T.copy(),
        float(min_misfit),
        float(used) if max_misfit is None else float(max_misfit),
        step,
        grid,
        int(n_grid),
    )


def best(acceptable: AcceptableSet) -> GridMechanism:
    """The acceptable mechanism with the smallest misfit, ties to the largest stdr."""
    if acceptable.size == 0:
        raise GridSearchError("the acceptable set is empty")
    order = np.lexsort((-acceptable.stdr, acceptable.misfit))
    k = int(order[0])
    return GridMechanism(
        *(float(x[k]) for x in acceptable[:5])  # strike, dip, rake, misfit, stdr
    )


def acceptable_spread(acceptable: AcceptableSet, preferred_sdr) -> Spread:
    """RMS, maximum and mean Kagan angle of the acceptable set about ``preferred_sdr``."""
    if acceptable.size == 0:
        raise GridSearchError("the acceptable set is empty")
    s, d, r = (float(x) for x in preferred_sdr[:3])
    angles = np.atleast_1d(
        kagan_angle((acceptable.strike, acceptable.dip, acceptable.rake), (s, d, r))
    )
    return Spread(float(np.sqrt(np.mean(angles**2))), float(np.max(angles)), float(np.mean(angles)))


def _frames(strike, dip, rake):
    normal, slip = normal_and_slip(strike, dip, rake)
    t, p = (normal + slip) / _SQRT2, (normal - slip) / _SQRT2
    return t, np.cross(p, t), p


def _mean_kagan_to_set(t, b, p, rows, chunk=512):
    """Mean Kagan angle (degrees) from each mechanism in ``rows`` to all mechanisms.

    The rotation R = E1^T E2 between frames (columns T, B, P) has trace t1.t2 + b1.b2 +
    p1.p2; the double couple's symmetries (180 deg turns about T, B or P) flip two of the
    signs, and the Kagan angle is arccos((max trace - 1) / 2) over the four choices.
    """
    means = np.empty(rows.size)
    for start in range(0, rows.size, chunk):
        sel = rows[start : start + chunk]
        dt, db, dp = t[sel] @ t.T, b[sel] @ b.T, p[sel] @ p.T
        trace = np.maximum.reduce([dt + db + dp, dt - db - dp, -dt + db - dp, -dt - db + dp])
        means[start : start + chunk] = np.degrees(
            np.arccos(np.clip((trace - 1.0) / 2.0, -1.0, 1.0))
        ).mean(axis=1)
    return means


def preferred_from_set(
    acceptable: AcceptableSet, method: str = "average", max_iterations: int = 50
) -> NodalPlane:
    """A representative mechanism of the acceptable set.

    ``"average"`` (HASH): start from the medoid of a subsample, then repeatedly average
    the normal and slip vectors of all mechanisms, each taken in the one of its four
    equivalent forms ((n, s), (-n, -s), (s, n), (-s, -n)) closest to the current average,
    make the two averages perpendicular and unit, until the plane stops moving.
    ``"medoid"``: the member with the smallest mean Kagan angle to all members (exact;
    memory and time grow as n^2 in chunks, fine for tens of thousands).
    """
    n = acceptable.size
    if n == 0:
        raise GridSearchError("the acceptable set is empty")
    t, b, p = _frames(acceptable.strike, acceptable.dip, acceptable.rake)
    if method == "medoid":
        k = int(np.argmin(_mean_kagan_to_set(t, b, p, np.arange(n))))
        return NodalPlane(
            float(acceptable.strike[k]), float(acceptable.dip[k]), float(acceptable.rake[k])
        )
    if method != "average":
        raise GridSearchError(f"method must be 'average' or 'medoid', got {method!r}")
    sub = np.linspace(0, n - 1, min(n, 400)).astype(int)
    start = sub[np.argmin(_mean_kagan_to_set(t[sub], b[sub], p[sub], np.arange(sub.size)))]
    normal, slip = normal_and_slip(acceptable.strike, acceptable.dip, acceptable.rake)
    normal, slip = np.atleast_2d(normal), np.atleast_2d(slip)
    n_ref, s_ref = normal[start], slip[start]
    for _ in range(max_iterations):
        same = normal @ n_ref + slip @ s_ref  # (n, s) against the reference
        swapped = slip @ n_ref + normal @ s_ref  # (s, n)
        use_swap = np.abs(swapped) > np.abs(same)
        sign = np.where(use_swap, np.sign(swapped), np.sign(same))[:, None]
        sign[sign == 0.0] = 1.0
        n_i = sign * np.where(use_swap[:, None], slip, normal)
        s_i = sign * np.where(use_swap[:, None], normal, slip)
        n_avg, s_avg = n_i.mean(axis=0), s_i.mean(axis=0)
        # symmetric orthogonalisation: remove half the overlap from each
        overlap = n_avg @ s_avg
        n_new = n_avg - 0.5 * overlap * s_avg
        s_new = s_avg - 0.5 * overlap * n_avg
        n_new /= np.linalg.norm(n_new)
        s_new -= (s_new @ n_new) * n_new
        s_new /= np.linalg.norm(s_new)
        moved = max(np.linalg.norm(n_new - n_ref), np.linalg.norm(s_new - s_ref))
        n_ref, s_ref = n_new, s_new
        if moved < 1e-10:
            break
    plane = sdr_from_normal_slip(n_ref, s_ref)
    return NodalPlane(float(plane.strike), float(plane.dip), float(plane.rake))
