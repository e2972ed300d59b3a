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

Readings on a nodal plane (``on_plane``). A ray exactly on a nodal plane has A = 0 and
no polarity can be checked against it. It happens more often than one would think:
blank AIN read as take-off 0 (SEISAN's ``focmec p`` does that) puts the ray on the
vertical, and a grid whose angles are whole degrees meets integer azimuths and take-off
angles exactly. Two conventions:

* ``"ignore"`` (default, as PINV's consistency count and HASH): such a reading is never a
  misfit (``polarity * A < -nodal_threshold``).
* ``"error"``: it always counts as a misfit (``polarity * A < nodal_threshold`` is an
  error), FOCMEC's rule in exact arithmetic.
* ``"focmec"``: FOCMEC's own decision (only for the ``"baxis"`` grid). FOCMEC tests
  ``polarity * 2 (A.x)(N.x) <= 0`` in single precision, so for a ray that lies on a plane
  in exact arithmetic the rounding of its single-precision vectors decides. Readings with
  |A| > 1e-6 are decided in double precision as above (single precision cannot change
  their sign); the others are recomputed as SEISAN 13.03's FOCMEC computes them (float32
  station vectors from azimuth and 90 - take-off in radians, the B-axis rotation matrices
  of its grid, fused multiply-adds in the matrix products and dot products). With this
  rule the acceptable sets of SEISAN's reference FOCMEC runs (``../shared/reference``,
  six TEST_ events and three synthetic ones) are reproduced mechanism for mechanism and
  in FOCMEC's order (the 9999-solution runs in their first 9999); with ``"error"`` one
  solution of three of them differs, with ``"ignore"`` up to 17 extra (1995-08-22:
  5,003 against FOCMEC's 5,001). ``seisfoc compare`` and :func:`focmec_set` use it.

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
from numpy.typing import ArrayLike

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
    "focmec_set",
    "grid_size",
    "ON_PLANE",
    "MEMORY_BUDGET_BYTES",
]

_GRIDS = {"baxis": 1, "sdr": 2}
_SQRT2 = np.sqrt(2.0)
_FIRST_GUESS = 4096  # room for the acceptable set in the first kernel call
#: conventions for a reading on a nodal plane (see the module text)
ON_PLANE = ("ignore", "error", "focmec")
#: |A| below which ``on_plane="focmec"`` recomputes a reading in FOCMEC's single precision
_FOCMEC_BAND = 1e-6
#: largest acceptable set (bytes, 64 per mechanism) :func:`search` returns, also the limit
#: of pooled sets (``seisfoc pinv --uncertainty``); beyond it a
#: :class:`GridSearchError` says how many mechanisms and which step would fit
MEMORY_BUDGET_BYTES = 256 << 20
_BYTES_PER_MECHANISM = 64


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


def _kernel_threshold(nodal_threshold: float, on_plane: str) -> float:
    """The kernel's threshold: a reading is a misfit when polarity * A < -threshold."""
    if on_plane not in ON_PLANE:
        raise GridSearchError(f"on_plane must be one of {', '.join(ON_PLANE)}, got {on_plane!r}")
    t = float(nodal_threshold)
    if not (np.isfinite(t) and t >= 0.0):
        raise GridSearchError(f"nodal_threshold must be >= 0, got {nodal_threshold}")
    return t if on_plane == "ignore" else -max(t, 1e-300)


def misfit(
    strike,
    dip,
    rake,
    polarity,
    takeoff_deg,
    azimuth_deg,
    weight=None,
    nodal_threshold=1e-9,
    on_plane: str = "ignore",
) -> Misfit:
    """Weighted misfit count and stdr of given mechanisms (arrays broadcast together).

    ``on_plane``: ``"ignore"`` or ``"error"`` (see the module text); ``"focmec"`` needs
    FOCMEC's grid vectors, which given mechanisms do not have, and is taken as ``"error"``.

    Parameters
    ----------
    strike, dip, rake : float or array_like
        Mechanisms, Aki & Richards angles in degrees (broadcast together; any shape).
    polarity : array_like
        First-motion polarities, +1 (compression) or -1 (dilatation).
    takeoff_deg : array_like
        Take-off angles in degrees from the downward vertical (0 down, 90 horizontal,
        180 up), broadcast with ``polarity``.
    azimuth_deg : array_like
        Source-to-station azimuths in degrees clockwise from north.
    weight : array_like, optional
        Weight of each reading, >= 0 and not all 0; ``None`` gives every reading weight 1.
    nodal_threshold : float
        A reading is a misfit when ``polarity * A < -nodal_threshold`` (>= 0, unitless,
        |A| <= 1).
    on_plane : {"ignore", "error", "focmec"}
        What a reading on a nodal plane counts as (see above).

    Returns
    -------
    Misfit
        ``misfit`` (sum of the weights of the misfit readings) and ``stdr`` (station
        distribution ratio, 0 to 1), float arrays of the broadcast shape of the angles.

    Raises
    ------
    GridSearchError
        Readings that do not broadcast, are empty, contain NaN or infinity, a polarity
        other than +1 or -1, negative or all-zero weights; a negative or non-finite
        ``nodal_threshold``; an unknown ``on_plane``.

    Examples
    --------
    A pure strike-slip on a north-striking vertical plane compresses toward north-east at
    a horizontal take-off: a compression there fits, a dilatation is one misfit.

    >>> result = misfit(0.0, 90.0, 0.0, [1, -1], [90.0, 90.0], [45.0, 45.0])
    >>> float(result.misfit)
    1.0
    >>> round(float(result.stdr), 6)
    1.0
    """
    s, d, r = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in (strike, dip, rake)))
    shape = s.shape
    pol, takeoff, azimuth, w = _readings(polarity, takeoff_deg, azimuth_deg, weight)
    threshold = _kernel_threshold(nodal_threshold, on_plane)
    m, st = _kernels.gridsearch_misfit(
        np.ravel(s), np.ravel(d), np.ravel(r), pol, takeoff, azimuth, w, threshold
    )
    return Misfit(m.reshape(shape), st.reshape(shape))


def grid_size(step_deg: float, grid: str = "baxis") -> int:
    """Number of double couples of a grid (FOCMEC's B-axis grid: 464,310 at 2 deg).

    Parameters
    ----------
    step_deg : float
        Spacing of every angle of the grid in degrees, in (0, 90].
    grid : {"baxis", "sdr"}
        FOCMEC's B-axis grid or the strike/dip/rake grid (see the module text).

    Returns
    -------
    int
        Number of mechanisms the grid tests.

    Raises
    ------
    GridSearchError
        An unknown ``grid`` or a step outside (0, 90].

    Examples
    --------
    >>> grid_size(2.0)
    464310
    >>> grid_size(5.0)
    29736
    >>> grid_size(10.0, "sdr")  # 36 strikes x 9 dips x 36 rakes
    11664
    """
    if grid not in _GRIDS:
        raise GridSearchError(f"grid must be one of {sorted(_GRIDS)}, got {grid!r}")
    step = float(step_deg)
    if not (0.0 < step <= 90.0):
        raise GridSearchError(f"step_deg must be in (0, 90], got {step_deg}")
    eps = 1e-9  # the kernel's guard against rounding at the grid limits
    n_inner = int(np.ceil((180.0 if grid == "baxis" else 360.0) / step - eps))
    if grid == "sdr":
        return int(np.ceil(360.0 / step - eps) * np.ceil(90.0 / step - eps)) * n_inner
    plunge = np.arange(int(np.floor(90.0 / step + eps)) + 1) * step
    trends = np.floor(360.0 * np.cos(np.radians(plunge)) / step + 0.5)
    trends[0] = np.floor(180.0 / step + 0.5)
    trends[plunge > 90.0 - eps] = 1
    return int(np.maximum(trends, 1).sum()) * n_inner


def bytes_text(n: float) -> str:
    """A byte count for a message: ``"1.52 GiB"``, ``"48.0 MiB"``.

    Parameters
    ----------
    n : float
        Number of bytes.

    Returns
    -------
    str
        ``n`` in GiB (2**30 bytes) with two decimals from 1 GiB on, else in MiB (2**20
        bytes) with one decimal.

    Examples
    --------
    >>> bytes_text(256 << 20)
    '256.0 MiB'
    >>> bytes_text(3 * 2**30 // 2)
    '1.50 GiB'
    """
    return f"{n / 2**30:.2f} GiB" if n >= 2**30 else f"{n / 2**20:.1f} MiB"


def _budget_error(n_accept: int, step: float, grid: str, budget: int) -> GridSearchError:
    need = n_accept * _BYTES_PER_MECHANISM
    total = grid_size(step, grid)
    # the set scales with the grid, about as step**-3
    fit = step * (need / budget) ** (1.0 / 3.0)
    return GridSearchError(
        f"grid step {step:g} deg: {n_accept:,} of the grid's {total:,} double couples are "
        f"acceptable, {bytes_text(need)}, more than the memory budget of "
        f"{bytes_text(budget)}; use a step of at least {np.ceil(fit * 10) / 10:g} deg, "
        "a tighter misfit limit or more polarities"
    )


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
    on_plane: str = "ignore",
    memory_budget_bytes: int | None = None,
) -> AcceptableSet:
    """All grid double couples with misfit <= ``max_misfit``.

    Parameters
    ----------
    polarity, takeoff_deg, azimuth_deg, weight
        Readings: +1/-1, take-off angle from the downward vertical, azimuth from north
        (degrees), weights (default 1).
    step_deg
        Grid spacing (0, 90] degrees.
    max_misfit
        ``None`` takes the smallest misfit found on the grid (FOCMEC's "smallest number
        of errors that gives a solution"); ``np.inf`` returns the whole grid. Misfits are
        compared with a relative slack of 1e-9 of the total weight.
    grid
        ``"baxis"`` (FOCMEC's) or ``"sdr"``.
    nodal_threshold, on_plane
        Readings on or near a nodal plane, see the module text.
    memory_budget_bytes
        Largest acceptable set returned (64 bytes per mechanism; default
        :data:`MEMORY_BUDGET_BYTES`, 256 MiB: four million mechanisms, a whole 1-degree
        grid). The grid itself is never held in memory (the kernel walks it), only the
        acceptable set; a larger set raises :class:`GridSearchError` with its size and
        the step that would fit.

    Returns
    -------
    AcceptableSet
        The acceptable mechanisms in grid order (FOCMEC's order for ``"baxis"``).
    """
    if grid not in _GRIDS:
        raise GridSearchError(f"grid must be one of {sorted(_GRIDS)}, got {grid!r}")
    step = float(step_deg)
    if not (0.0 < step <= 90.0):
        raise GridSearchError(f"step_deg must be in (0, 90], got {step_deg}")
    threshold = _kernel_threshold(nodal_threshold, on_plane)
    if on_plane == "focmec" and grid != "baxis":
        raise GridSearchError('on_plane="focmec" needs FOCMEC\'s grid (grid="baxis")')
    budget = MEMORY_BUDGET_BYTES if memory_budget_bytes is None else int(memory_budget_bytes)
    pol, takeoff, azimuth, w = _readings(polarity, takeoff_deg, azimuth_deg, weight)
    if max_misfit is None:
        limit = -1.0  # the kernel takes the minimum
    else:
        limit = float(max_misfit)
        if np.isnan(limit) or limit < 0.0:
            raise GridSearchError(f"max_misfit must be >= 0, got {max_misfit}")
        limit = min(limit, np.finfo(np.float64).max / 2)
    slack = 1e-9 * float(np.sum(w))
    if on_plane == "focmec":
        return _focmec_search(pol, takeoff, azimuth, w, step, limit, slack, budget)
    found = _scan(pol, takeoff, azimuth, w, step, limit, slack, grid, threshold, budget)
    if max_misfit is not None:
        found = found._replace(max_misfit=float(max_misfit))
    return found


def _scan(pol, takeoff, azimuth, w, step, limit, slack, grid, threshold, budget):
    """One kernel search; the output arrays grow once to the exact acceptable count."""
    args = (_GRIDS[grid], step, pol, takeoff, azimuth, w, float(threshold), limit)
    n_out = _FIRST_GUESS
    while True:  # the kernel counts all acceptable points but fills at most n_out
        strike, dip, rake, mis, stdr, param, n_grid, min_misfit, used, n_accept = (
            _kernels.gridsearch_search(n_out, *args, slack)
        )
        if n_accept <= n_out:
            break
        if n_accept * _BYTES_PER_MECHANISM > budget:
            raise _budget_error(int(n_accept), step, grid, budget)
        n_out = int(n_accept)
    k = int(n_accept)
    return AcceptableSet(
        *(a[:k].copy() for a in (strike, dip, rake, mis, stdr)),
        param[:, :k].T.copy(),
        float(min_misfit),
        float(used),
        step,
        grid,
        int(n_grid),
    )


def _trial_arrays(polarity, takeoff_deg, azimuth_deg) -> tuple[np.ndarray, ...]:
    """Readings of perturbation trials, (n_trials, n_readings), checked, Fortran order
    (one column per trial)."""
    try:
        arrays = np.broadcast_arrays(
            *(np.atleast_2d(np.asarray(x, dtype=np.float64)) for x in
              (polarity, takeoff_deg, azimuth_deg))
        )  # fmt: skip
    except (TypeError, ValueError) as exc:
        raise GridSearchError(f"trial readings: {exc}") from None
    pol, takeoff, azimuth = arrays
    if pol.ndim != 2 or pol.size == 0:
        raise GridSearchError("trial readings: one row of readings per trial")
    if not all(np.all(np.isfinite(a)) for a in arrays):
        raise GridSearchError("polarity readings contain NaN or infinity")
    if np.any(np.abs(pol) != 1.0):
        raise GridSearchError("polarities must be +1 (compression) or -1 (dilatation)")
    return tuple(np.asfortranarray(a.T) for a in arrays)


def trial_counts(
    polarity: ArrayLike,
    takeoff_deg: ArrayLike,
    azimuth_deg: ArrayLike,
    weight: ArrayLike,
    step_deg: float,
    allowance: float,
    floor: float,
    slack: float = 0.0,
    nodal_threshold: float = 1e-9,
) -> tuple[np.ndarray, float]:
    """How many perturbation trials accept each double couple of the B-axis grid (HASH's
    Monte Carlo pool, Hardebeck & Shearer 2002).

    Parameters
    ----------
    polarity, takeoff_deg, azimuth_deg
        The readings of each trial, shape (n_trials, n_readings); trial 0 is the data.
    weight
        One weight per reading (>= 0, not all 0), the same in every trial.
    step_deg
        Grid step (deg).
    allowance, floor
        A trial accepts the mechanisms with weighted misfit <= max(m + ``allowance``,
        ``floor``), m the trial's smallest misfit.
    slack
        Added to the acceptance limit against rounding.
    nodal_threshold
        A reading is a misfit when polarity * A < -``nodal_threshold``.

    Returns
    -------
    counts : ndarray
        Per grid mechanism (grid order, :func:`grid_size` of them) the number of trials
        that accept it.
    min_misfit : float
        The smallest weighted misfit of trial 0 (the data).
    """
    pol, takeoff, azimuth = _trial_arrays(polarity, takeoff_deg, azimuth_deg)
    w = np.ascontiguousarray(np.ravel(np.asarray(weight, dtype=np.float64)))
    if w.shape != (pol.shape[0],) or not np.all(np.isfinite(w)):
        raise GridSearchError("weights: one finite value per reading")
    if np.any(w < 0.0) or not np.any(w > 0.0):
        raise GridSearchError("weights must be >= 0 and not all zero")
    limits = (float(allowance), float(floor), float(slack), float(nodal_threshold))
    if not all(np.isfinite(x) and x >= 0.0 for x in limits):
        raise GridSearchError("allowance, floor, slack and nodal_threshold must be >= 0")
    size = grid_size(step_deg, "baxis")
    counts, trial_min, _, _ = _kernels.gridsearch_pool(
        size, _GRIDS["baxis"], float(step_deg), pol, takeoff, azimuth, w,
        limits[3], limits[0], limits[1], limits[2],
    )  # fmt: skip
    if trial_min[0] < 0:
        raise GridSearchError("grid search failed (grid size mismatch)")
    return counts, float(trial_min[0])


def log_likelihood(
    polarity: ArrayLike,
    takeoff_deg: ArrayLike,
    azimuth_deg: ArrayLike,
    weight: ArrayLike,
    scale: ArrayLike,
    table: ArrayLike,
    x0: float,
    dx: float,
    step_deg: float,
) -> np.ndarray:
    """Log-likelihood of every double couple of the B-axis grid under a tabulated
    per-reading agreement function.

    For reading j, x = polarity_j * A_j / scale_j (A_j the unit double couple's P radiation
    at the ray) is looked up in ``table`` (samples at ``x0``, ``x0 + dx``, ...; nearest
    sample, clamped at the ends) and ``weight_j * table(x)`` is summed over the readings.

    Parameters
    ----------
    polarity, takeoff_deg, azimuth_deg, weight
        One value per reading (polarity +1/-1; weights >= 0, not all 0).
    scale
        Per-reading scale of the radiation (> 0).
    table, x0, dx
        The tabulated function, its first abscissa and its step (> 0).
    step_deg
        Grid step (deg).

    Returns
    -------
    ndarray
        One log-likelihood per grid mechanism, grid order.
    """
    pol, takeoff, azimuth, w = _readings(polarity, takeoff_deg, azimuth_deg, weight)
    sc = np.ascontiguousarray(np.ravel(np.asarray(scale, dtype=np.float64)))
    if sc.shape != pol.shape or not np.all(np.isfinite(sc)) or np.any(sc <= 0.0):
        raise GridSearchError("scale: one finite positive value per reading")
    tab = np.ascontiguousarray(np.ravel(np.asarray(table, dtype=np.float64)))
    if tab.size == 0 or not np.all(np.isfinite(tab)):
        raise GridSearchError("table: finite samples")
    if not (np.isfinite(x0) and np.isfinite(dx) and dx > 0.0):
        raise GridSearchError("table abscissae: finite x0 and dx > 0")
    size = grid_size(step_deg, "baxis")
    return _kernels.gridsearch_loglike(
        size, _GRIDS["baxis"], float(step_deg), pol, takeoff, azimuth, w, sc, tab,
        float(x0), float(dx),
    )  # fmt: skip


# ---- FOCMEC's single-precision decision for rays on a nodal plane --------------------

_F32 = np.float32
_RD32 = _F32(45.0) / _F32(np.arctan(1.0))  # FOCMEC's degrees per radian, 45 / atan(1)


def _cos32(x):
    return np.cos(np.asarray(x, dtype=np.float64)).astype(np.float32)


def _sin32(x):
    return np.sin(np.asarray(x, dtype=np.float64)).astype(np.float32)


def _fma32(a, b, c):
    """a * b + c rounded once to single precision (a fused multiply-add)."""
    return (np.asarray(a, np.float64) * np.asarray(b, np.float64) + c).astype(np.float32)


def _focmec_rays(takeoff, azimuth):
    """FOCMEC's station vectors (3, n), float32: trend = azimuth, plunge = 90 - take-off."""
    trend = np.asarray(azimuth, np.float32) / _RD32
    plunge = (_F32(90.0) - np.asarray(takeoff, np.float32)) / _RD32
    ct, st, cp, sp = _cos32(trend), _sin32(trend), _cos32(plunge), _sin32(plunge)
    return np.stack([ct * cp, st * cp, sp])


def _focmec_axes(grid_param, step):
    """FOCMEC's A and N vectors (3, m), float32, of B-axis grid points (trend, plunge,
    angle in degrees) of a search with B trend 0 .. 360 - step, plunge 0 .. 90 and angle
    0 .. 180 - step, all by ``step`` (SEISAN's runs)."""
    s = _F32(step)
    p = np.asarray(grid_param, dtype=np.float64)
    n_plunge = 1 + int(np.floor(90.0 / step + 0.5))
    jp = np.rint(p[:, 1] / step).astype(np.int64)
    last = jp == n_plunge - 1
    plunge = np.where(last, _F32(90.0) / _RD32, (jp.astype(np.float32) * s) / _RD32)
    plunge = plunge.astype(np.float32)
    span = _F32(360.0 - step) + s  # BTMAX + BTDEL - BTMIN
    n_trend = np.maximum(np.floor(span / (s / _cos32(plunge)) + _F32(0.5)), 1).astype(np.int64)
    trend_step = span / n_trend.astype(np.float32)
    jt = np.rint(p[:, 0] / (360.0 / n_trend)).astype(np.int64)
    trend = np.minimum(jt.astype(np.float32) * trend_step, _F32(360.0 - step)) / _RD32
    trend = np.where(last, _F32(0.0), trend).astype(np.float32)
    angle = (np.rint(p[:, 2] / step).astype(np.float32) * s) / _RD32
    ct, st, cp, sp = _cos32(trend), _sin32(trend), _cos32(plunge), _sin32(plunge)
    ca, sa = _cos32(angle), _sin32(angle)
    # rows 1 and 2 of the rotation taking north/east/down to the B frame
    b1 = np.stack([sp * ct, sp * st, -cp])
    b2 = np.stack([-st, ct, np.zeros_like(ct)])
    return _fma32(sa, b2, ca * b1), _fma32(ca, b2, (-sa) * b1)


def _dot32(x, a):
    """(m, n) single-precision dot products of vectors a (3, m) with rays x (3, n)."""
    r = x[0][None, :] * a[0][:, None]
    r = _fma32(x[1][None, :], a[1][:, None], r)
    return _fma32(x[2][None, :], a[2][:, None], r)


def _focmec_misfits(found: AcceptableSet, pol, takeoff, azimuth, w, chunk=65536):
    """Misfits of the members of ``found`` with FOCMEC's decision for nodal rays."""
    from seisfoc.mechanism import p_radiation

    out = np.empty(found.size)
    rays = None
    for start in range(0, found.size, chunk):
        sl = slice(start, start + chunk)
        amp = p_radiation(
            found.strike[sl, None], found.dip[sl, None], found.rake[sl, None], takeoff, azimuth
        )
        bad = pol * amp < 0.0
        near = np.abs(amp) <= _FOCMEC_BAND
        rows = np.flatnonzero(near.any(axis=1))
        if rows.size:
            if rays is None:
                rays = _focmec_rays(takeoff, azimuth)
            a, n = _focmec_axes(found.grid_param[sl][rows], found.step_deg)
            # FOCMEC's test polarity * 2 (A.x)(N.x) <= 0; its A and N are the slip and
            # normal of our grid point up to the sign of one of them, hence the minus
            test = -(pol * _dot32(rays, a) * _dot32(rays, n))
            bad[rows] = np.where(near[rows], test <= 0.0, bad[rows])
        out[sl] = bad @ w
    return out


def _focmec_search(pol, takeoff, azimuth, w, step, limit, slack, budget):
    """FOCMEC's acceptable set: the kernel finds a superset (rays within 1e-6 of a plane
    never count), then the members are re-counted with FOCMEC's decision. Re-counting
    only raises misfits, so the smallest FOCMEC misfit is found by raising the kernel's
    limit until a member keeps a misfit within it."""

    def lenient(lim):
        return _scan(pol, takeoff, azimuth, w, step, lim, slack, "baxis", _FOCMEC_BAND, budget)

    first = lenient(-1.0)
    low = first.min_misfit
    while True:
        cand = first if low == first.min_misfit else lenient(low)
        exact = _focmec_misfits(cand, pol, takeoff, azimuth, w)
        smallest = float(exact.min())
        if smallest <= low + slack:
            break
        low = smallest
    use = smallest if limit < 0.0 else limit
    if use != low:
        cand = lenient(use)
        exact = _focmec_misfits(cand, pol, takeoff, azimuth, w)
    keep = exact <= use + slack
    return AcceptableSet(
        *(a[keep] for a in (cand.strike, cand.dip, cand.rake)),
        exact[keep],
        cand.stdr[keep],
        cand.grid_param[keep],
        smallest,
        use,
        step,
        "baxis",
        cand.n_grid,
    )


def focmec_set(polarity, takeoff_deg, azimuth_deg, step_deg: float = 2.0, max_misfit=None):
    """FOCMEC's acceptable set as SEISAN runs it: B-axis grid of ``step_deg`` (2 deg),
    unit weights, the smallest error count that gives a solution (or ``max_misfit``), a
    ray on a nodal plane decided as FOCMEC decides it (``on_plane="focmec"``).

    Parameters
    ----------
    polarity : array_like
        First-motion polarities, +1 (compression) or -1 (dilatation).
    takeoff_deg : array_like
        Take-off angles in degrees from the downward vertical (0 down, 180 up).
    azimuth_deg : array_like
        Source-to-station azimuths in degrees clockwise from north.
    step_deg : float
        Spacing of the B-axis grid in degrees, in (0, 90].
    max_misfit : float, optional
        Largest accepted number of polarity misfits; ``None`` takes the smallest number
        any mechanism of the grid reaches.

    Returns
    -------
    AcceptableSet
        The accepted mechanisms (degrees) in FOCMEC's grid order with their misfit counts
        and stdr.

    Raises
    ------
    GridSearchError
        Unusable readings or parameters (see :func:`search`), or an acceptable set larger
        than :data:`MEMORY_BUDGET_BYTES`.
    """
    return search(polarity, takeoff_deg, azimuth_deg, None, step_deg, max_misfit, on_plane="focmec")


def best(acceptable: AcceptableSet) -> GridMechanism:
    """The acceptable mechanism with the smallest misfit, ties to the largest stdr.

    Parameters
    ----------
    acceptable : AcceptableSet
        A set from :func:`search` or :func:`focmec_set`.

    Returns
    -------
    GridMechanism
        Strike, dip, rake (degrees), misfit and stdr of that mechanism; of several equal
        ones, the first in grid order.

    Raises
    ------
    GridSearchError
        The set is empty.
    """
    if acceptable.size == 0:
        raise GridSearchError("the acceptable set is empty")
    order = np.lexsort((-acceptable.stdr, acceptable.misfit))
    k = int(order[0])
    return GridMechanism(
        *(float(x[k]) for x in acceptable[:5])  # strike, dip, rake, misfit, stdr
    )


def acceptable_spread(acceptable: AcceptableSet, preferred_sdr) -> Spread:
    """RMS, maximum and mean Kagan angle of the acceptable set about ``preferred_sdr``.

    Parameters
    ----------
    acceptable : AcceptableSet
        A set from :func:`search` or :func:`focmec_set`.
    preferred_sdr : sequence of float
        Strike, dip and rake in degrees of the reference mechanism (its first three
        items are used, so a :class:`GridMechanism` or a NodalPlane does).

    Returns
    -------
    Spread
        Root mean square, largest and mean Kagan angle in degrees over the members.

    Raises
    ------
    GridSearchError
        The set is empty.
    """
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
    acceptable: AcceptableSet,
    method: str = "average",
    max_iterations: int = 50,
    weights: np.ndarray | None = None,
) -> NodalPlane:
    """A representative mechanism of the acceptable set.

    ``"average"`` (HASH): start from the medoid of a subsample, then repeatedly average
    the normal and slip vectors of all mechanisms, each taken in the one of its four
    equivalent forms ((n, s), (-n, -s), (s, n), (-s, -n)) closest to the current average,
    make the two averages perpendicular and unit, until the plane stops moving.
    ``"medoid"``: the member with the smallest mean Kagan angle to all members (exact;
    memory and time grow as n^2 in chunks, fine for tens of thousands). ``weights`` (one
    per member, e.g. the number of trials that accepted it) weigh the average; the
    medoid ignores them.

    Parameters
    ----------
    acceptable : AcceptableSet
        A set from :func:`search` or :func:`focmec_set`.
    method : {"average", "medoid"}
        How the representative is chosen (see above).
    max_iterations : int
        Largest number of averaging steps of ``"average"`` (it stops earlier once the
        unit normal and slip move less than 1e-10).
    weights : numpy.ndarray, optional
        One non-negative weight per member, not all 0; ``"average"`` starts from the
        member of largest weight instead of the subsample medoid.

    Returns
    -------
    NodalPlane
        Strike, dip and rake in degrees (floats): for ``"medoid"`` those of a member of
        the set, for ``"average"`` the canonical angles of the averaged plane, in general
        a mechanism between grid points.

    Raises
    ------
    GridSearchError
        The set is empty, ``method`` is unknown, or ``weights`` has the wrong shape,
        a negative entry or a zero sum.
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
    if weights is not None:
        weights = np.asarray(weights, dtype=np.float64)
        if weights.shape != (n,) or np.any(weights < 0.0) or not np.sum(weights) > 0.0:
            raise GridSearchError("weights: one non-negative number per member, not all 0")
        start = int(np.argmax(weights))  # the most often accepted member
    else:
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
        if weights is None:
            n_avg, s_avg = n_i.mean(axis=0), s_i.mean(axis=0)
        else:
            n_avg, s_avg = weights @ n_i, weights @ s_i
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
