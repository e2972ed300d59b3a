"""``seisfoc fps``: the best double couple from P polarities, its clusters, its uncertainty
and a grade whose rules are written down.

Method (after HASH, Hardebeck & Shearer 2002, with clusters instead of one average):

1. **Readings** (``seisfoc.polarity.readings``, selection ``qc``): one polarity per station,
   weights from the Nordic weight column, reasons for everything dropped. Fewer than
   ``min_polarities`` (default 8, HASH's ``npolmin``) give no solution.
2. **Start**: PINV's linear solution (``seisfoc.polarity.pinv_solver``, modern mode) is computed
   and reported beside the answer with its Kagan angle to it.
3. **Trials**: trial 0 is the data; each other trial adds Gaussian errors to every
   take-off angle and azimuth (``takeoff_sigma_deg``, ``azimuth_sigma_deg``: one value or
   one per reading) and flips each polarity with probability ``flip_rate``. NumPy's PCG64
   with ``seed`` draws them. Every trial scans the whole double-couple grid (FOCMEC's
   B-axis grid, ``step_deg``) in one Fortran call (``gridsearch_pool``) and accepts the
   mechanisms whose weighted misfit is at most max(the trial's smallest + allowance,
   floor), allowance = max(1, flip_rate / 2 * W) and floor = max(1, flip_rate * W), W
   the sum of the weights (HASH's rule, as ``seisfoc pinv --uncertainty``).
4. **Pool and clusters**: each grid mechanism counts as often as trials accepted it. The
   pool is split into clusters: the centre of a cluster is the mechanism (among the 12
   most often accepted) with the largest pooled weight within ``cluster_deg`` (Kagan,
   default 35 deg); its members are the pooled mechanisms within ``cluster_deg`` of it;
   they are removed and the next cluster is sought while at least ``min_cluster_share``
   (10 %) of the pool remains, at most five clusters. The pool is the most probable
   grid mechanisms holding 99.5 % of the weight. Each cluster's **preferred mechanism** is its most
   probable member (the grid mechanism of largest weight: on the synthetic benchmark its
   median error is 4 deg smaller than the weight-averaged mechanism's, which a skewed
   cluster pulls off its peak); its **probability** is its share of the pool; its RMS
   fault-plane and auxiliary-plane uncertainties are the weighted RMS angles of its
   members' planes from the preferred one.
5. **Answer**: the preferred mechanism of the most probable cluster.
6. **Confidence radius**: the Kagan angle about the answer within which 68 % of the
   pooled weight lies (all clusters), times ``radius_scale`` (default 1, see the
   benchmark ``bench/fps.py`` for how often it holds the true mechanism).
7. **Fit and geometry**: the answer's misfit fraction and STDR (HASH's sqrt|A| weighting,
   ``seisfoc.polarity.fit.fit_statistics``) and number of contradicted readings; the
   azimuthal gap (largest gap between the azimuths of the rays folded to the lower
   hemisphere) and take-off gap (largest gap between their sorted take-off angles folded
   to 0-90, the ends 0 and 90 included).

**Grades** (:data:`GRADE_RULES`), the first that holds:

* ``F`` (HASH's hard limits): azimuthal gap > 90 deg or take-off gap > 60 deg.
* ``A``: radius <= 15 deg, best-cluster probability >= 0.8, misfit <= 0.15, STDR >= 0.4.
* ``B``: radius <= 25 deg, probability >= 0.6, misfit <= 0.2, STDR >= 0.3.
* ``C``: radius <= 35 deg, probability >= 0.5, misfit <= 0.3.
* ``D``: otherwise.

The grade reason names the first rule of the next better grade that failed (``"B:
radius 19.2 deg > 15 for A"``). The radius carries most of the ordering: it is the
calibrated size of the uncertainty, so grades sort events by their actual error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from seisfoc import gridsearch
from seisfoc.errors import SeisfocError
from seisfoc.mechanism import kagan_angle
from seisfoc.polarity import readings as R
from seisfoc.polarity.fit import fit_statistics, plane_differences
from seisfoc.polarity.pinv_solver import solve as pinv_solve
from seisfoc.polarity.readings import event_label

__all__ = ["Settings", "Cluster", "FpsResult", "solve", "solve_event", "GRADE_RULES", "gaps"]

#: grade, radius (deg) <=, probability >=, misfit <=, STDR >=
GRADE_RULES = (
    ("A", 15.0, 0.8, 0.15, 0.4),
    ("B", 25.0, 0.6, 0.20, 0.3),
    ("C", 35.0, 0.5, 0.30, 0.0),
)
MAX_AZIMUTHAL_GAP = 90.0
MAX_TAKEOFF_GAP = 60.0


@dataclass(frozen=True)
class Settings:
    """The knobs of :func:`solve` (see the module text)."""

    n_trials: int = 100
    step_deg: float = 5.0
    takeoff_sigma_deg: float = 5.0
    azimuth_sigma_deg: float = 5.0
    flip_rate: float = 0.1
    min_allowance: float = 1.0
    cluster_deg: float = 35.0
    min_cluster_share: float = 0.1
    min_polarities: int = 8
    radius_scale: float = 1.0
    seed: int = 0
    #: "posterior" (default: the trials integrated analytically) or "trials" (HASH's
    #: Monte Carlo acceptable sets)
    method: str = "posterior"
    #: misfit allowed above each trial's minimum, as a fraction of the summed weights
    #: (None: HASH's flip_rate / 2 with a floor of flip_rate, both at least min_allowance)
    allowance_fraction: float | None = None

    def check(self) -> None:
        if self.n_trials < 1:
            raise SeisfocError(f"trials must be at least 1, got {self.n_trials}")
        if not 0.0 < self.step_deg <= 90.0:
            raise SeisfocError(f"grid step must be in (0, 90] deg, got {self.step_deg}")
        if not 0.0 <= self.flip_rate < 0.5:
            raise SeisfocError(f"flip rate must be in [0, 0.5), got {self.flip_rate}")
        if not 0.0 < self.cluster_deg <= 120.0:
            raise SeisfocError(f"cluster radius must be in (0, 120] deg, got {self.cluster_deg}")
        if self.method not in ("posterior", "trials"):
            raise SeisfocError(f"method must be posterior or trials, got {self.method!r}")
        if self.min_polarities < 1:
            raise SeisfocError("min polarities must be at least 1")


@dataclass
class Cluster:
    """One distinct mechanism of the pooled acceptable sets."""

    strike: float
    dip: float
    rake: float
    probability: float  #: share of the pooled weight
    rms_fault_plane_deg: float
    rms_aux_plane_deg: float
    rms_kagan_deg: float
    n_mechanisms: int  #: distinct grid mechanisms in it
    grid_index: int = -1  #: the preferred mechanism's index in the grid

    @property
    def sdr(self) -> tuple[float, float, float]:
        return (self.strike, self.dip, self.rake)


@dataclass
class FpsResult:
    """What :func:`solve` found for one event (``answer`` None: no solution, see
    ``message``)."""

    n_polarities: int
    answer: tuple[float, float, float] | None = None
    clusters: list[Cluster] = field(default_factory=list)
    radius68_deg: float = math.nan
    misfit: float = math.nan  #: HASH-weighted misfit fraction of the answer
    n_misfit: int = 0  #: readings the answer contradicts
    misfit_stations: list[str] = field(default_factory=list)
    stdr: float = math.nan
    azimuthal_gap_deg: float = math.nan
    takeoff_gap_deg: float = math.nan
    grade: str = ""
    grade_reason: str = ""
    pinv: tuple[float, float, float] | None = None
    kagan_pinv_deg: float = math.nan
    data_min_misfit: float = math.nan
    pool_size: int = 0  #: distinct accepted grid mechanisms
    message: str = ""
    settings: Settings = field(default_factory=Settings)
    #: the accepted grid mechanisms (strike, dip, rake rows) and their trial counts
    pool_sdr: np.ndarray | None = field(default=None, repr=False)
    pool_counts: np.ndarray | None = field(default=None, repr=False)

    def as_dict(self) -> dict[str, Any]:
        def num(v):
            return None if isinstance(v, float) and not math.isfinite(v) else v

        d = {
            k: num(v)
            for k, v in vars(self).items()
            if k not in ("clusters", "settings", "pool_sdr", "pool_counts")
        }
        d["clusters"] = [{k: num(v) for k, v in vars(c).items()} for c in self.clusters]
        d["settings"] = vars(self.settings).copy()
        return d


@lru_cache(maxsize=4)
def _grid(step: float):
    """(strike, dip, rake) rows of the whole B-axis grid in grid order, and its frames."""
    g = gridsearch.search([1.0], [0.0], [0.0], None, step, np.inf, memory_budget_bytes=1 << 62)
    sdr = np.c_[g.strike, g.dip, g.rake]
    t, b, p = gridsearch._frames(g.strike, g.dip, g.rake)
    return sdr, t, b, p


def gaps(takeoff_deg, azimuth_deg) -> tuple[float, float]:
    """(azimuthal gap, take-off gap) in degrees of rays folded to the lower hemisphere."""
    ain = np.asarray(takeoff_deg, dtype=np.float64) % 360.0
    az = np.asarray(azimuth_deg, dtype=np.float64)
    up = ain > 90.0
    ain = np.where(up, 180.0 - ain, ain)
    az = np.where(up, az + 180.0, az) % 360.0
    a = np.sort(az)
    az_gap = float(np.max(np.diff(np.r_[a, a[0] + 360.0]))) if a.size else 360.0
    t = np.sort(np.clip(ain, 0.0, 90.0))
    to_gap = float(np.max(np.diff(np.r_[0.0, t, 90.0])))
    return az_gap, to_gap


def _dots(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b.T`` in blocks of columns: the matrices here are a dozen by thousands, where
    a threaded BLAS call costs more CPU than it saves (two threads took twice the CPU time
    of one); blocks this small stay on one thread."""
    out = np.empty((a.shape[0], b.shape[0]), dtype=np.result_type(a, b))
    for k in range(0, b.shape[0], _BLOCK):
        np.matmul(a, b[k : k + _BLOCK].T, out=out[:, k : k + _BLOCK])
    return out


def _row_sums(inside: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``inside @ w`` (the weight inside each candidate cluster) in the same blocks."""
    out = np.zeros(inside.shape[0], dtype=w.dtype)
    for k in range(0, w.size, _BLOCK):
        out += inside[:, k : k + _BLOCK].astype(w.dtype) @ w[k : k + _BLOCK]
    return out


_BLOCK = 512


def _kagan_rows(t, b, p, centre, rows):
    """Kagan angles (deg) from grid mechanism ``centre`` to the grid mechanisms ``rows``."""
    dt, db, dp = t[rows] @ t[centre], b[rows] @ b[centre], p[rows] @ p[centre]
    trace = np.maximum.reduce([dt + db + dp, dt - db - dp, -dt + db - dp, -dt - db + dp])
    return np.degrees(np.arccos(np.clip((trace - 1.0) / 2.0, -1.0, 1.0)))


def _weighted_quantile(x, w, q):
    order = np.argsort(x)
    cw = np.cumsum(w[order])
    return float(x[order][np.searchsorted(cw, q * cw[-1])])


_CENTRES = 12  # candidate cluster centres: the most probable remaining mechanisms


def _plane_angles(t, p, centre, rows):
    """Angles (deg) between the fault-plane normals and between the slip vectors of grid
    mechanisms ``rows`` and ``centre``, each member taken at its nodal plane nearer to
    the centre's (HASH's two plane uncertainties)."""
    r2 = math.sqrt(2.0)
    n0, s0 = (t[centre] + p[centre]) / r2, (t[centre] - p[centre]) / r2
    n1, s1 = (t[rows] + p[rows]) / r2, (t[rows] - p[rows]) / r2
    swap = np.abs(s1 @ n0) > np.abs(n1 @ n0)
    n = np.where(swap[:, None], s1, n1)
    sl = np.where(swap[:, None], n1, s1)
    sign = np.where(n @ n0 < 0.0, -1.0, 1.0)[:, None]
    n, sl = n * sign, sl * sign

    def angle(u, v):
        return np.degrees(np.arctan2(np.linalg.norm(np.cross(u, v), axis=1), u @ v))

    return angle(n, n0), angle(sl, s0)


def _clusters(index, counts, s: Settings):
    """Clusters of the pooled grid mechanisms ``index`` (weights ``counts``)."""
    sdr_all, t, b, p = _grid(s.step_deg)
    total = counts.sum()
    left = np.ones(index.size, bool)
    t32, b32, p32 = (x[index].astype(np.float32) for x in (t, b, p))
    out: list[Cluster] = []
    while (
        left.any()
        and counts[left].sum() >= s.min_cluster_share * total
        and len(out) < _MAX_CLUSTERS
    ):
        w = counts[left]
        top = _top(w, _CENTRES)
        # Kagan angle <= cluster_deg  <=>  largest frame trace >= 1 + 2 cos(cluster_deg);
        # single precision is ample for a membership test
        ft, fb, fp = t32[left], b32[left], p32[left]
        dt, db, dp = _dots(ft[top], ft), _dots(fb[top], fb), _dots(fp[top], fp)
        limit = np.float32(1.0 + 2.0 * math.cos(math.radians(s.cluster_deg)))
        inside = dt + db + dp >= limit
        inside |= dt - db - dp >= limit
        inside |= db - dt - dp >= limit
        inside |= dp - dt - db >= limit
        best = int(np.argmax(_row_sums(inside, w.astype(np.float32))))
        members = np.flatnonzero(left)[inside[best]]
        mrows, mw = index[members], counts[members]
        top_member = int(np.argmax(mw))  # the cluster's most probable mechanism
        strike, dip, rake = (float(x) for x in sdr_all[mrows[top_member]])
        share = mw / mw.sum()
        fault, aux = _plane_angles(t, p, mrows[top_member], mrows)
        k = _kagan_rows(t, b, p, mrows[top_member], mrows)
        out.append(
            Cluster(
                strike,
                dip,
                rake,
                float(mw.sum() / total),
                float(np.sqrt(share @ fault**2)),
                float(np.sqrt(share @ aux**2)),
                float(np.sqrt(share @ k**2)),
                int(mrows.size),
                int(mrows[top_member]),
            )
        )
        left[members] = False
    out.sort(key=lambda c: -c.probability)
    # the last search can leave a crumb below the share that was still worth a look
    return out[:1] + [c for c in out[1:] if c.probability >= s.min_cluster_share]


def _grade(radius, probability, misfit, stdr, az_gap, to_gap) -> tuple[str, str]:
    if az_gap > MAX_AZIMUTHAL_GAP:
        return "F", f"azimuthal gap {az_gap:.0f} deg > {MAX_AZIMUTHAL_GAP:g} (HASH limit)"
    if to_gap > MAX_TAKEOFF_GAP:
        return "F", f"take-off gap {to_gap:.0f} deg > {MAX_TAKEOFF_GAP:g} (HASH limit)"
    failed = ""  # why the grade just above was not reached
    for name, r_max, p_min, m_max, s_min in GRADE_RULES:
        why = []
        if radius > r_max:
            why.append(f"radius {radius:.1f} deg > {r_max:g}")
        if probability < p_min:
            why.append(f"probability {probability:.2f} < {p_min:g}")
        if misfit > m_max:
            why.append(f"misfit {misfit:.2f} > {m_max:g}")
        if stdr < s_min:
            why.append(f"STDR {stdr:.2f} < {s_min:g}")
        if not why:
            return name, failed or "all limits of A met"
        failed = f"{'; '.join(why)} for {name}"
    return "D", failed


_POOL_MASS = 0.995  # the most probable mechanisms holding this share of the weight
_MAX_CLUSTERS = 5


def _pool(weights: np.ndarray) -> np.ndarray:
    """Grid indices of the most probable mechanisms that together hold 99.5 % of the
    weight (the long tail of nearly impossible mechanisms costs time and moves nothing)."""
    total = float(np.sum(weights))
    # mechanisms lighter than this hold less than 0.4 % of the weight together, so the
    # 99.5 % set lies among the others: sorting only those gives the same set, faster
    keep = np.flatnonzero(weights >= (1.0 - _POOL_MASS) * 0.8 * total / weights.size)
    order = keep[np.argsort(-weights[keep], kind="stable")]
    cum = np.cumsum(weights[order])
    n = int(np.searchsorted(cum, _POOL_MASS * total)) + 1
    return np.sort(order[:n])


def _top(w: np.ndarray, k: int) -> np.ndarray:
    """The indices of the ``k`` largest values, largest first, ties by index: the first
    ``k`` of a stable descending argsort, without sorting everything."""
    if w.size <= k:
        return np.argsort(-w, kind="stable")
    kth = np.partition(w, w.size - k)[w.size - k]
    above = np.flatnonzero(w > kth)
    sel = np.sort(np.r_[above, np.flatnonzero(w == kth)[: k - above.size]])
    return sel[np.argsort(-w[sel], kind="stable")]


def _trial_counts(pol, ain, az, w, s: Settings):
    """HASH's Monte Carlo: how many trials accept each grid mechanism."""
    n = pol.size
    rng = np.random.default_rng(s.seed)
    m = s.n_trials - 1
    sig_t = np.broadcast_to(np.asarray(s.takeoff_sigma_deg, dtype=np.float64), (n,))
    sig_a = np.broadcast_to(np.asarray(s.azimuth_sigma_deg, dtype=np.float64), (n,))
    flips = rng.random((m, n)) < s.flip_rate
    t_pol = np.vstack([pol, np.where(flips, -pol, pol)])
    t_ain = np.vstack([ain, ain + rng.normal(0.0, 1.0, (m, n)) * sig_t])
    t_az = np.vstack([az, az + rng.normal(0.0, 1.0, (m, n)) * sig_a])
    total = float(np.sum(w))
    if s.allowance_fraction is None:
        allowance = max(s.min_allowance, 0.5 * s.flip_rate * total)
        floor = max(s.min_allowance, s.flip_rate * total)
    else:
        allowance, floor = s.allowance_fraction * total, 0.0
    return gridsearch.trial_counts(
        t_pol, t_ain, t_az, w, s.step_deg, allowance, floor, slack=1e-9 * total
    )


def _posterior(pol, ain, az, w, s: Settings):
    """The perturbation trials in the limit of infinitely many, integrated analytically.

    A reading's ray direction has an error of sigma_j = sqrt(sigma_t^2 + (sigma_a sin
    take-off)^2) (deg); the P radiation A = 2 (n.g)(s.g) changes by at most 2 per radian
    of ray rotation, so its error is taken as Gaussian with s_j = 2 sigma_j (rad, at
    least 2 deg). With a flip probability f, the chance that a trial reproduces the
    observed polarity p_j under mechanism m is f + (1 - 2f) Phi(p_j A_j(m) / s_j), Phi
    the normal distribution function. The weight of m is the product over the readings
    (each to the power of its weight): the probability that a perturbed trial agrees with
    every observed polarity.
    """
    n = pol.size
    ti = np.radians(ain)
    sig_t = np.broadcast_to(np.asarray(s.takeoff_sigma_deg, dtype=np.float64), (n,))
    sig_a = np.broadcast_to(np.asarray(s.azimuth_sigma_deg, dtype=np.float64), (n,))
    sigma = np.hypot(sig_t, sig_a * np.abs(np.sin(ti)))
    scale = 2.0 * np.radians(np.maximum(sigma, 1.0))
    table = _log_agreement_table(float(s.flip_rate))
    # log(f + (1 - 2f) Phi(x)) tabulated on [-8, 8] with step 1/4096 (error < 1e-4 per reading)
    log_like = gridsearch.log_likelihood(
        pol, ain, az, w, scale, table, -8.0, 1.0 / 4096.0, s.step_deg
    )
    data_min = float(np.min(gridsearch.search(pol, ain, az, w, s.step_deg, None).min_misfit))
    return np.exp(log_like - log_like.max()), data_min


@lru_cache(maxsize=8)
def _log_agreement_table(f: float) -> np.ndarray:
    from scipy.special import ndtr

    x = np.arange(-8.0 * 4096, 8.0 * 4096 + 1) / 4096.0
    return np.log(f + (1.0 - 2.0 * f) * ndtr(x))


def solve(
    polarity,
    takeoff_deg,
    azimuth_deg,
    weights=None,
    settings: Settings | None = None,
    stations: list[str] | None = None,
) -> FpsResult:
    """The clustered grid-search solution of one event's P polarities.

    Parameters
    ----------
    polarity, takeoff_deg, azimuth_deg
        +1/-1, take-off angle from the downward vertical, azimuth event to station (deg).
    weights
        Per-reading weights (default 1).
    settings
        :class:`Settings`; ``takeoff_sigma_deg``/``azimuth_sigma_deg`` may be arrays (one
        per reading).
    stations
        Station codes (for the list of contradicted readings).

    Returns
    -------
    FpsResult
    """
    s = settings or Settings()
    s.check()
    pol = np.asarray(polarity, dtype=np.float64).ravel()
    ain = np.asarray(takeoff_deg, dtype=np.float64).ravel()
    az = np.asarray(azimuth_deg, dtype=np.float64).ravel()
    n = pol.size
    if not (ain.size == az.size == n):
        raise SeisfocError("polarity, take-off and azimuth need one value per reading")
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    out = FpsResult(n, settings=s)
    if n < s.min_polarities:
        out.message = f"{n} polarities, fewer than the minimum of {s.min_polarities}"
        return out
    if not (np.all(np.isfinite(ain)) and np.all(np.isfinite(az)) and np.all(np.abs(pol) == 1)):
        raise SeisfocError("readings must be finite with polarities +1 or -1")
    if w.shape != pol.shape or np.any(w < 0) or not np.sum(w) > 0:
        raise SeisfocError("weights: one non-negative value per reading, not all 0")
    out.azimuthal_gap_deg, out.takeoff_gap_deg = gaps(ain, az)
    try:
        out.pinv = pinv_solve(pol, ain, az, mode="modern").strike_dip_rake
    except SeisfocError:
        out.pinv = None
    sdr_all = _grid(s.step_deg)[0]
    if s.method == "trials":
        weight_grid, data_min = _trial_counts(pol, ain, az, w, s)
    else:
        weight_grid, data_min = _posterior(pol, ain, az, w, s)
    out.data_min_misfit = data_min
    counts = weight_grid
    index = _pool(counts)
    c = counts[index]
    out.pool_size = int(index.size)
    out.pool_sdr, out.pool_counts = sdr_all[index], c
    out.clusters = _clusters(index, c, s)
    best = out.clusters[0]
    out.answer = best.sdr
    _, t, b, p = _grid(s.step_deg)
    k = _kagan_rows(t, b, p, best.grid_index, index)
    out.radius68_deg = s.radius_scale * _weighted_quantile(k, c, 0.68)
    out.misfit, out.stdr = fit_statistics(pol, ain, az, best.sdr, w)
    from seisfoc.mechanism import p_radiation

    wrong = pol * np.atleast_1d(p_radiation(*best.sdr, ain, az)) < 0.0
    out.n_misfit = int(np.count_nonzero(wrong))
    if stations is not None:
        out.misfit_stations = [st for st, x in zip(stations, wrong, strict=True) if x]
    if out.pinv is not None:
        out.kagan_pinv_deg = float(kagan_angle(out.pinv, best.sdr))
    out.grade, out.grade_reason = _grade(
        out.radius68_deg,
        best.probability,
        out.misfit,
        out.stdr,
        out.azimuthal_gap_deg,
        out.takeoff_gap_deg,
    )
    return out


@dataclass
class EventFps:
    """:func:`solve` on one Nordic event with its readings."""

    path: str
    event_index: int
    label: str
    readings: R.Readings
    result: FpsResult

    @property
    def answer(self):
        return self.result.answer

    @property
    def message(self) -> str:
        return self.result.message


def solve_event(
    event,
    settings: Settings | None = None,
    *,
    index: int = 0,
    phases=None,
    exclude_stations=(),
    max_distance_km: float | None = None,
    max_residual_s: float | None = R.MAX_RESIDUAL_S,
    weights: str = "nordic",
) -> EventFps:
    """Select the readings of a Nordic event (``seisfoc.polarity.readings``, ``qc``) and solve."""
    sel = R.select(
        event,
        "qc",
        phases=phases,
        exclude_stations=exclude_stations,
        max_distance_km=max_distance_km,
        max_residual_s=max_residual_s,
        weights=weights,
    )
    pol, ain, az = sel.arrays()
    result = solve(pol, ain, az, sel.weights, settings, stations=sel.station)
    return EventFps(event.path or "", index, event_label(event), sel, result)


def plane_errors(result: FpsResult) -> tuple[float, float, float]:
    """RMS strike, dip and rake differences (deg) of the weighted solutions about the
    answer, each taken at its nodal plane nearer to the answer's (F-line columns 31-45)."""
    if result.answer is None or result.pool_sdr is None or result.pool_counts is None:
        raise SeisfocError("no solution")
    d_s, d_d, d_r, _, _ = plane_differences(result.answer, result.pool_sdr)
    share = result.pool_counts / result.pool_counts.sum()

    def rms(x: np.ndarray) -> float:
        return float(np.sqrt(share @ np.square(x)))

    return rms(d_s), rms(d_d), rms(d_r)


def fault_plane_line(result: FpsResult, *, agency: str, program: str, prime: bool) -> str:
    """The F-line of an answer: strike, dip, rake; their RMS errors (31-45); the misfit
    fraction (46-50); STDR (51-55); readings contradicted (61-62); agency, program, grade
    (78); column 79 ``O`` unless ``prime``."""
    from seisfoc.io import nordic

    if result.answer is None:
        raise SeisfocError("no solution")
    strike, dip, rake = result.answer
    errors = plane_errors(result)
    return nordic.format_fault_plane_line(
        strike,
        dip,
        rake,
        program=program,
        agency=agency,
        n_bad_polarities=min(result.n_misfit, 99),
        quality=result.grade,
        flag="" if prime else "O",
        strike_error=min(errors[0], 999.9),
        dip_error=min(errors[1], 999.9),
        rake_error=min(errors[2], 999.9),
        fit_error=result.misfit,
        station_distribution_ratio=result.stdr,
    )
