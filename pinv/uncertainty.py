"""Uncertainty and quality of a polarity solution, after Hardebeck & Shearer (2002, HASH).

PINV itself has no error estimate, and its least-squares solution is a smooth function of
the data: re-solving perturbed data with PINV's own solver shows how much PINV's answer
moves, not how loosely the polarities constrain the mechanism. So the estimate is built,
as HASH builds it, on *acceptable sets* of a double-couple grid search
(``seisfoc.gridsearch``, FOCMEC's B-axis grid):

* ``n_trials`` trials. Trial 0 is the data as they are; in the others each take-off angle
  and azimuth gets a Gaussian error (``takeoff_sigma_deg``, ``azimuth_sigma_deg``, default
  5 deg each) and each polarity is flipped with probability ``flip_rate`` (HASH's assumed
  fraction of bad polarities, default 0.1). NumPy's PCG64 generator with ``seed`` draws
  them: the result depends only on the data and the seed.
* In each trial every double couple of the grid (``step_deg``, default 5 deg: 29,736
  mechanisms) is tested against the trial's polarities. Its misfit is the weighted number
  of polarities it contradicts (``seisfoc.gridsearch.misfit``). The trial keeps the
  mechanisms with misfit <= max(m + ``allowance``, ``floor``), m the trial's smallest
  misfit, W the sum of the weights (the number of readings with unit weights),
  ``allowance`` = max(``min_allowance``, ``flip_rate`` / 2 * W) and ``floor`` =
  max(``min_allowance``, ``flip_rate`` * W): by default m + max(1, 5 % of W), but at
  least max(1, 10 % of W). This is HASH's rule (nextra = max(nint(0.05 N), 2), nmismax
  = max(nint(0.1 N), 2)) in weighted counts and with a floor of one misfit instead of
  two: 22 readings accept max(m + 1.1, 2.2), and 13 readings with m = 1 accept one
  misfit, the limit of SEISAN's FOCMEC run (with ``min_allowance=0`` and no
  perturbation: m + 0.65, FOCMEC's acceptable set). A trial with 10 % flipped readings
  has m near 10 % of W, so the 5 % above its own minimum is what the trials add up.
* The acceptable mechanisms of all trials are pooled (a mechanism accepted in k trials
  counts k times, as in HASH). About PINV's solution, which stays the answer:

  - ``rms_kagan_deg`` / ``max_kagan_deg``: RMS and largest Kagan angle of the pool.
  - ``strike_error``, ``dip_error``, ``rake_error`` (the F-line's columns 31-45): RMS
    differences of the pool's planes from PINV's plane, each pooled mechanism taken at
    its nodal plane nearer to PINV's plane and written in the representation closer to
    PINV's strike (a plane (s, d, r) is also (s + 180, 180 - d, -r), which keeps
    near-vertical planes from jumping by 180 deg in strike); strike and rake differences
    wrapped to (-180, 180].
  - ``rms_fault_plane_deg`` / ``rms_aux_plane_deg``: RMS angle between PINV's fault-plane
    normal and the matched plane's normal / between the slip vectors (the auxiliary-plane
    normals); HASH's two plane uncertainties. ``rms_plane_deg`` is their mean, the value
    HASH's driver grades.
  - ``probability``: fraction of the pool within ``close_deg`` (Kagan) of PINV's
    solution; ``close_deg`` (HASH's ``cangle``) defaults to 30 deg. With 45 deg a
    solution 35 deg from the truth can still be graded A: on the example database
    (``seisfoc demo``) PINV's solution of the 2021-07-30 event is 35.5 deg from the true
    mechanism, the pool's RMS plane uncertainty about it is 24.7-26.9 deg and 80-86 % of
    the pool lies within 45 deg, so the grade flips between A and B with the seed. With
    30 deg an A needs 80 % of the acceptable mechanisms within 30 deg, consistent with
    the A grade's RMS limit of 25 deg (an RMS plane angle of 25 deg is a Kagan angle of
    about 35 deg); the event gets C for the seeds tried, and well-constrained events (150
    clean readings) keep A with a probability of 0.99.
  - ``preferred_strike/dip/rake``: the pool's own representative mechanism, HASH's
    average (``seisfoc.gridsearch.preferred_from_set``), and ``kagan_to_preferred``, its
    Kagan angle to PINV's solution. A large angle means the linear inversion is biased
    for this event; the bias is in the grade because every number above is measured
    about PINV's solution, not about the pool's centre (the RMS about a point is the
    spread and the offset combined).

* ``misfit`` and ``stdr`` of PINV's solution (F-line columns 46-50 and 51-55), weighted
  as HASH weighs them: reading i counts with w_i sqrt(|A_i|), its weight w_i (default 1)
  times the square root of the P radiation A_i of PINV's unit double couple at the reading
  (A&R 4.89; 0 on a nodal plane, 1 at the P and T axes). ``misfit`` = sum of w sqrt|A|
  over the readings whose polarity disagrees / sum of w sqrt|A| over all; ``stdr``
  (station distribution ratio) = sum(w sqrt|A|) / sum(w). The grid search's own ``stdr``
  uses |A| (FOCMEC's weighting): rays spread uniformly over the focal sphere give 0.42
  with |A| and (pi/4) * 0.763 = 0.60 with sqrt|A|, so HASH's grade-A threshold (0.5) is
  only meaningful with HASH's own square root; it is kept here.
* ``grade`` (F-line column 78), the HASH driver's thresholds: A: probability > 0.8,
  RMS <= 25, misfit <= 0.15, STDR >= 0.5; B: 0.6 / 35 / 0.2 / 0.4; C: 0.5 / 45 / 0.3 /
  0.3; D otherwise.

Cost: two grid searches per trial (the smallest misfit first, then the set), about 1.5 ms
each for 22 readings at 5 deg (the Fortran kernel), plus the pool statistics: 0.3-0.45 s
per event of 22 readings for 100 trials, about 2 s for 150 readings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from seisfoc import gridsearch

# shared with seisfoc fps: in the core, the names stay here for PINV's callers
from seisfoc.polarity.fit import (  # noqa: F401
    fit_statistics,
    plane_differences,
    reading_weights,
    wrap_deg,
)

GRADES = (("A", 0.8, 25.0, 0.15, 0.5), ("B", 0.6, 35.0, 0.2, 0.4), ("C", 0.5, 45.0, 0.3, 0.3))

#: 10 % bad polarities (HASH's badfrac); acceptable mechanisms within 30 deg are "close"
FLIP_RATE = 0.1
CLOSE_DEG = 30.0
#: grid spacing (deg) of the double-couple search, and the smallest misfit allowance
STEP_DEG = 5.0
MIN_ALLOWANCE = 1.0
#: perturbation trials (trial 0 included) by default
N_TRIALS = 100
#: the pool's preferred mechanism is averaged over at most this many members (drawn
#: with the seed when the pool is larger; HASH keeps at most 500)
MAX_PREFERRED_POOL = 20000


@dataclass(frozen=True, slots=True)
class Uncertainty:
    strike_error: float
    dip_error: float
    rake_error: float
    rms_plane_deg: float  #: mean of the fault- and auxiliary-plane RMS (graded)
    rms_fault_plane_deg: float
    rms_aux_plane_deg: float
    probability: float
    misfit: float
    stdr: float
    grade: str
    n_trials: int
    n_close: int  #: pooled acceptable mechanisms within ``close_deg`` of PINV's solution
    seed: int
    rms_kagan_deg: float = float("nan")  #: RMS Kagan angle of the pool about PINV's
    max_kagan_deg: float = float("nan")  #: largest Kagan angle of the pool about PINV's
    acceptable_size: int = 0  #: pooled acceptable mechanisms (all trials)
    data_acceptable_size: int = 0  #: acceptable mechanisms of the unperturbed data
    data_min_misfit: float = float("nan")  #: smallest grid misfit of the unperturbed data
    allowance: float = float("nan")  #: misfit allowed above each trial's minimum
    misfit_floor: float = float("nan")  #: misfit always allowed
    preferred_strike: float = float("nan")  #: the pool's HASH-average mechanism
    preferred_dip: float = float("nan")
    preferred_rake: float = float("nan")
    kagan_to_preferred: float = float("nan")  #: PINV's solution to the pool's preferred
    close_deg: float = CLOSE_DEG
    step_deg: float = STEP_DEG

    @property
    def preferred_strike_dip_rake(self) -> tuple[float, float, float]:
        return (self.preferred_strike, self.preferred_dip, self.preferred_rake)


def grade(probability: float, rms_deg: float, misfit: float, stdr: float) -> str:
    """HASH's quality letter from probability, RMS plane uncertainty, misfit and STDR."""
    for name, p_min, rms_max, misfit_max, stdr_min in GRADES:
        if probability > p_min and rms_deg <= rms_max and misfit <= misfit_max and stdr >= stdr_min:
            return name
    return "D"


def _grid_key(grid_param):
    """One integer per grid mechanism: (B trend, B plunge, angle) in millidegrees packed
    into 19 + 17 + 18 bits (the grid's angles are multiples of 360/n and of the step)."""
    q = np.rint(np.asarray(grid_param, dtype=np.float64) * 1000.0).astype(np.int64)
    return (q[:, 0] << 35) | (q[:, 1] << 18) | q[:, 2]


def perturbed_trials(
    polarity,
    takeoff_deg,
    azimuth_deg,
    *,
    n_trials,
    takeoff_sigma_deg,
    azimuth_sigma_deg,
    flip_rate,
    seed,
):
    """The trials' readings, arrays of shape (n_trials, n): row 0 the data as they are."""
    pol = np.asarray(polarity, dtype=np.float64).ravel()
    ain = np.asarray(takeoff_deg, dtype=np.float64).ravel()
    az = np.asarray(azimuth_deg, dtype=np.float64).ravel()
    rng = np.random.default_rng(seed)
    m, n = n_trials - 1, pol.size
    flips = rng.random((m, n)) < flip_rate
    t_pol = np.vstack([pol, np.where(flips, -pol, pol)])
    t_ain = np.vstack([ain, ain + rng.normal(0.0, takeoff_sigma_deg, (m, n))])
    t_az = np.vstack([az, az + rng.normal(0.0, azimuth_sigma_deg, (m, n))])
    return t_pol, t_ain, t_az, rng


def acceptable_pool(
    polarity,
    takeoff_deg,
    azimuth_deg,
    *,
    n_trials: int = N_TRIALS,
    takeoff_sigma_deg: float = 5.0,
    azimuth_sigma_deg: float = 5.0,
    flip_rate: float = FLIP_RATE,
    step_deg: float = STEP_DEG,
    min_allowance: float = MIN_ALLOWANCE,
    weights=None,
    seed: int = 0,
    on_trial: Callable[[int, int], None] | None = None,
):
    """The pooled acceptable sets of the trials (``on_trial(done, total)`` is called after
    each trial: a progress bar within one event).

    Returns ``(pool, first, (allowance, floor), rng)``: ``pool`` an ``AcceptableSet``
    holding the acceptable mechanisms of all trials (its ``min_misfit``/``max_misfit``
    are trial 0's), ``first`` trial 0's own acceptable set, the misfit limits (trial k
    accepts misfit <= max(its minimum + allowance, floor)) and the random generator after
    the draws (for any later sampling).
    """
    pol = np.asarray(polarity, dtype=np.float64).ravel()
    ain = np.asarray(takeoff_deg, dtype=np.float64).ravel()
    az = np.asarray(azimuth_deg, dtype=np.float64).ravel()
    if not (pol.size == ain.size == az.size) or pol.size == 0:
        raise ValueError("polarity, takeoff_deg and azimuth_deg need the same, non-zero length")
    if n_trials < 1:
        raise ValueError("n_trials must be at least 1")
    if not 0.0 <= flip_rate < 0.5:
        raise ValueError("flip_rate must be in [0, 0.5)")
    w = reading_weights(pol, weights)
    total = float(np.sum(w))
    allowance = max(float(min_allowance), 0.5 * flip_rate * total)
    floor = max(float(min_allowance), flip_rate * total)
    t_pol, t_ain, t_az, rng = perturbed_trials(
        pol,
        ain,
        az,
        n_trials=n_trials,
        takeoff_sigma_deg=takeoff_sigma_deg,
        azimuth_sigma_deg=azimuth_sigma_deg,
        flip_rate=flip_rate,
        seed=seed,
    )
    sets = []
    pooled = 0
    budget = gridsearch.MEMORY_BUDGET_BYTES
    for k in range(n_trials):
        # the trial's smallest misfit over the grid, then everything within the limit
        # (two kernel calls of about 1.5 ms each for 22 readings at 5 deg; one call with a
        # guessed limit is slower, its sets are larger)
        lowest = gridsearch.search(t_pol[k], t_ain[k], t_az[k], w, step_deg, None).min_misfit
        sets.append(
            gridsearch.search(
                t_pol[k], t_ain[k], t_az[k], w, step_deg, max(lowest + allowance, floor)
            )
        )
        pooled += sets[-1].size
        if on_trial is not None:
            on_trial(k + 1, n_trials)
        # the pool grows about as trial 0's set times the trials: refuse early, with numbers
        projected = max(pooled, sets[0].size * n_trials) * 64
        if projected > budget:
            raise gridsearch.GridSearchError(
                f"grid step {step_deg:g} deg: the acceptable sets of {n_trials} trials would "
                f"pool about {projected // 64:,} double couples "
                f"({gridsearch.bytes_text(projected)}; "
                f"trial 0 alone accepts {sets[0].size:,} of the grid's "
                f"{gridsearch.grid_size(step_deg):,}), more than the memory budget of "
                f"{gridsearch.bytes_text(budget)}; use a coarser --grid-step, fewer --trials or "
                "more polarities"
            )
    first = sets[0]
    pool = first._replace(
        strike=np.concatenate([s.strike for s in sets]),
        dip=np.concatenate([s.dip for s in sets]),
        rake=np.concatenate([s.rake for s in sets]),
        misfit=np.concatenate([s.misfit for s in sets]),
        stdr=np.concatenate([s.stdr for s in sets]),
        grid_param=np.concatenate([s.grid_param for s in sets]),
    )
    return pool, first, (allowance, floor), rng


def estimate(
    polarity,
    takeoff_deg,
    azimuth_deg,
    preferred_sdr,
    *,
    n_trials: int = N_TRIALS,
    takeoff_sigma_deg: float = 5.0,
    azimuth_sigma_deg: float = 5.0,
    flip_rate: float = FLIP_RATE,
    close_deg: float = CLOSE_DEG,
    step_deg: float = STEP_DEG,
    min_allowance: float = MIN_ALLOWANCE,
    weights=None,
    seed: int = 0,
    on_trial: Callable[[int, int], None] | None = None,
) -> Uncertainty:
    """Acceptable-set estimate about ``preferred_sdr`` (PINV's strike, dip, rake, deg).

    ``polarity`` +1/-1 per reading, ``takeoff_deg`` from the downward vertical,
    ``azimuth_deg`` event to station, ``weights`` per reading (default 1) for the grid
    misfits, the misfit fraction and STDR. The same ``seed`` gives the same result.
    ``on_trial(done, total)`` is called after each perturbation trial (progress within an
    event: 100,000 polarities take minutes).
    """
    from seisfoc import mechanism

    pol = np.asarray(polarity, dtype=np.float64).ravel()
    ain = np.asarray(takeoff_deg, dtype=np.float64).ravel()
    az = np.asarray(azimuth_deg, dtype=np.float64).ravel()
    pool, first, (allowance, floor), rng = acceptable_pool(
        pol,
        ain,
        az,
        n_trials=n_trials,
        takeoff_sigma_deg=takeoff_sigma_deg,
        azimuth_sigma_deg=azimuth_sigma_deg,
        flip_rate=flip_rate,
        step_deg=step_deg,
        min_allowance=min_allowance,
        weights=weights,
        seed=seed,
        on_trial=on_trial,
    )
    pref = tuple(float(x) for x in preferred_sdr)
    # the pool repeats grid mechanisms (accepted in several trials): the statistics are
    # computed once per distinct mechanism and weighted by its count
    _, first_index, counts = np.unique(
        _grid_key(pool.grid_param), return_index=True, return_counts=True
    )
    sdr = np.c_[pool.strike, pool.dip, pool.rake][first_index]
    share = counts / pool.size
    kagan = np.atleast_1d(np.asarray(mechanism.kagan_angle(pref, tuple(sdr.T))))
    close = kagan <= close_deg
    n_close = int(np.sum(counts[close]))
    probability = n_close / pool.size
    d_strike, d_dip, d_rake, fault_angle, aux_angle = plane_differences(pref, sdr)

    def rms(x):
        return float(np.sqrt(np.sum(share * np.square(x))))

    rms_fault, rms_aux = rms(fault_angle), rms(aux_angle)
    rms_plane = 0.5 * (rms_fault + rms_aux)

    sample = pool
    if pool.size > MAX_PREFERRED_POOL:
        keep = np.sort(rng.choice(pool.size, MAX_PREFERRED_POOL, replace=False))
        sample = pool._replace(**{f: getattr(pool, f)[keep] for f in pool._fields[:6]})
    best = gridsearch.preferred_from_set(sample, method="average")
    kagan_best = float(mechanism.kagan_angle(pref, tuple(best)))

    misfit, stdr = fit_statistics(pol, ain, az, pref, weights)
    return Uncertainty(
        strike_error=rms(d_strike),
        dip_error=rms(d_dip),
        rake_error=rms(d_rake),
        rms_plane_deg=rms_plane,
        rms_fault_plane_deg=rms_fault,
        rms_aux_plane_deg=rms_aux,
        probability=probability,
        misfit=misfit,
        stdr=stdr,
        grade=grade(probability, rms_plane, misfit, stdr),
        n_trials=n_trials,
        n_close=n_close,
        seed=seed,
        rms_kagan_deg=rms(kagan),
        max_kagan_deg=float(np.max(kagan)),
        acceptable_size=pool.size,
        data_acceptable_size=first.size,
        data_min_misfit=first.min_misfit,
        allowance=allowance,
        misfit_floor=floor,
        preferred_strike=float(best.strike),
        preferred_dip=float(best.dip),
        preferred_rake=float(best.rake),
        kagan_to_preferred=kagan_best,
        close_deg=close_deg,
        step_deg=step_deg,
    )
