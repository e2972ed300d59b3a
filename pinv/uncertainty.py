"""Uncertainty and quality of a polarity solution, after Hardebeck & Shearer (2002, HASH).

PINV itself has no error estimate. Here the data are perturbed many times, as HASH does:
take-off angles and azimuths get Gaussian errors (``takeoff_sigma_deg``,
``azimuth_sigma_deg``) and each polarity is flipped with probability ``flip_rate`` (HASH's
assumed fraction of bad polarities). Each perturbed set is solved with the modern kernel
(all trials in one call), and the trial mechanisms are compared with the preferred one:

* Each trial is a double couple with two nodal planes. The plane *matched* to the preferred
  fault plane is the one whose normal is closer to the preferred plane's normal. It is
  written in the representation closer to the preferred strike: a plane (s, d, r) is also
  (s + 180, 180 - d, -r), which keeps near-vertical planes from jumping by 180 deg in
  strike. Strike and rake differences are wrapped to (-180, 180].
* ``probability``: fraction of the trials whose Kagan angle to the preferred mechanism is
  at most ``close_deg`` (default 45 deg, HASH's ``cangle``). The trials farther away are
  HASH's outliers: they lower the probability and are left out of the RMS values below
  (when no trial is close, all trials are used).
* ``strike_error``, ``dip_error``, ``rake_error``: RMS differences (deg) of the matched
  planes of the close trials from the preferred plane (the F-line's columns 31-45).
* ``rms_fault_plane_deg`` / ``rms_aux_plane_deg``: RMS angle between the preferred
  fault-plane normal and the matched trial plane's normal / between the preferred and the
  trial auxiliary-plane normals (the slip vectors); HASH's two plane uncertainties.
  ``rms_plane_deg`` is their mean, the value HASH's driver grades.
* ``misfit`` and ``stdr`` (F-line columns 46-50 and 51-55) as FPFIT and HASH weigh the
  readings: reading i counts with w_i sqrt(|A_i|), its weight w_i (default 1) times the
  square root of the P radiation A_i of the preferred unit double couple at the reading
  (A&R 4.89; 0 on a nodal plane, 1 at the P and T axes). ``misfit`` = sum of w sqrt|A|
  over the readings whose polarity disagrees with the preferred mechanism / sum of
  w sqrt|A| over all; ``stdr`` (station distribution ratio) = sum(w sqrt|A|) / sum(w),
  small when the readings sit near the nodal planes. With the square root, rays spread
  uniformly over the focal sphere give STDR = (pi/4) * 0.763 = 0.60; with |A| itself it
  would be 0.42, below HASH's grade-A threshold for any network.
* ``grade`` (F-line column 78), the HASH driver's thresholds: A: probability > 0.8,
  RMS <= 25, misfit <= 0.15, STDR >= 0.5; B: 0.6 / 35 / 0.2 / 0.4; C: 0.5 / 45 / 0.3 /
  0.3; D otherwise.

The result depends only on the data and ``seed`` (NumPy's PCG64 generator).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pinv.solver import RCOND, solve_trials

GRADES = (("A", 0.8, 25.0, 0.15, 0.5), ("B", 0.6, 35.0, 0.2, 0.4), ("C", 0.5, 45.0, 0.3, 0.3))

#: HASH's defaults: 10 % bad polarities, trials within 45 deg count as the same solution
FLIP_RATE = 0.1
CLOSE_DEG = 45.0


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
    n_close: int  #: trials within ``close_deg`` (Kagan) of the preferred mechanism
    seed: int


def grade(probability: float, rms_deg: float, misfit: float, stdr: float) -> str:
    """HASH's quality letter from probability, RMS plane uncertainty, misfit and STDR."""
    for name, p_min, rms_max, misfit_max, stdr_min in GRADES:
        if probability > p_min and rms_deg <= rms_max and misfit <= misfit_max and stdr >= stdr_min:
            return name
    return "D"


def wrap_deg(delta):
    """Angle differences wrapped to (-180, 180]."""
    d = np.mod(np.asarray(delta, dtype=np.float64), 360.0)
    return np.where(d > 180.0, d - 360.0, d)


def _angle_deg(u, v):
    """Angles (deg, 0..180) between unit vectors, accurate near 0 and 180."""
    cross = np.linalg.norm(np.cross(u, v), axis=-1)
    return np.degrees(np.arctan2(cross, np.sum(u * v, axis=-1)))


def plane_differences(preferred_sdr, trial_sdr):
    """Differences of trial mechanisms from a preferred plane, each trial taken at its
    nodal plane nearer to the preferred plane.

    Returns ``(d_strike, d_dip, d_rake, fault_angle, aux_angle)`` in degrees, arrays over
    the trials: wrapped strike and rake differences, dip difference, angle between the
    plane normals (0..90) and angle between the auxiliary-plane normals (0..180, 180 for
    the same plane with the opposite slip).
    """
    from seisfoc import mechanism

    pref = np.asarray(preferred_sdr, dtype=np.float64)
    trial = np.atleast_2d(np.asarray(trial_sdr, dtype=np.float64))
    n0, s0 = mechanism.normal_and_slip(*pref)
    n1, s1 = mechanism.normal_and_slip(trial[:, 0], trial[:, 1], trial[:, 2])
    # the two planes of a trial: (n1, s1) and (s1, n1); the sign pair (n, s) ~ (-n, -s)
    use_aux = np.abs(s1 @ n0) > np.abs(n1 @ n0)
    n = np.where(use_aux[:, None], s1, n1)
    s = np.where(use_aux[:, None], n1, s1)
    flip = (n @ n0) < 0.0
    n = np.where(flip[:, None], -n, n)
    s = np.where(flip[:, None], -s, s)
    fault_angle = _angle_deg(n, n0)
    aux_angle = _angle_deg(s, s0)
    plane = mechanism.sdr_from_normal_slip(n, s)
    strike, dip, rake = (np.atleast_1d(np.asarray(x, dtype=np.float64)) for x in plane)
    d_strike = wrap_deg(strike - pref[0])
    # the same plane written the other way round: (strike + 180, 180 - dip, -rake)
    d_strike_alt = wrap_deg(strike + 180.0 - pref[0])
    alt = np.abs(d_strike_alt) < np.abs(d_strike)
    d_strike = np.where(alt, d_strike_alt, d_strike)
    d_dip = np.where(alt, 180.0 - dip, dip) - pref[1]
    d_rake = wrap_deg(np.where(alt, -rake, rake) - pref[2])
    return d_strike, d_dip, d_rake, fault_angle, aux_angle


def fit_statistics(polarity, takeoff_deg, azimuth_deg, sdr, weights=None):
    """(misfit, stdr) of a mechanism, as FPFIT and HASH weigh them.

    Each reading counts with ``w_i * sqrt(|A_i|)``: its weight (default 1) times the square
    root of the unit double couple's P radiation at the reading (0 on a nodal plane, 1 at
    the P and T axes). ``misfit`` is the weighted fraction of readings whose polarity
    disagrees with the mechanism; ``stdr`` = sum(w sqrt|A|) / sum(w).
    """
    from seisfoc import mechanism

    pol = np.asarray(polarity, dtype=np.float64).ravel()
    w = np.ones_like(pol) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if w.shape != pol.shape or np.any(w < 0.0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite, non-negative, one per reading")
    total = float(np.sum(w))
    amp = np.atleast_1d(np.asarray(mechanism.p_radiation(*sdr, takeoff_deg, azimuth_deg)))
    wa = w * np.sqrt(np.abs(amp))
    if total <= 0.0:
        return float("nan"), float("nan")
    counted = float(np.sum(wa))
    misfit = float(np.sum(wa * (amp * pol < 0.0)) / counted) if counted > 0.0 else 0.0
    return misfit, counted / total


def estimate(
    polarity,
    takeoff_deg,
    azimuth_deg,
    preferred_sdr,
    *,
    n_trials: int = 500,
    takeoff_sigma_deg: float = 5.0,
    azimuth_sigma_deg: float = 5.0,
    flip_rate: float = FLIP_RATE,
    close_deg: float = CLOSE_DEG,
    weights=None,
    seed: int = 0,
    rcond: float = RCOND,
) -> Uncertainty:
    """Perturbation estimate around ``preferred_sdr`` (strike, dip, rake in degrees).

    ``polarity`` +1/-1 per reading, ``takeoff_deg`` from the downward vertical,
    ``azimuth_deg`` event to station, ``weights`` per reading (default 1) for the misfit
    and STDR. The same ``seed`` gives the same result.
    """
    from seisfoc import mechanism

    pol = np.asarray(polarity, dtype=np.float64).ravel()
    ain = np.asarray(takeoff_deg, dtype=np.float64).ravel()
    az = np.asarray(azimuth_deg, dtype=np.float64).ravel()
    if not (pol.size == ain.size == az.size) or pol.size == 0:
        raise ValueError("polarity, takeoff_deg and azimuth_deg need the same, non-zero length")
    if n_trials < 1:
        raise ValueError("n_trials must be at least 1")
    n = pol.size
    rng = np.random.default_rng(seed)
    flips = rng.random((n, n_trials)) < flip_rate
    trial_pol = np.where(flips, -pol[:, None], pol[:, None])
    trial_ain = ain[:, None] + rng.normal(0.0, takeoff_sigma_deg, (n, n_trials))
    trial_az = az[:, None] + rng.normal(0.0, azimuth_sigma_deg, (n, n_trials))
    sdr, _rank, _nbad = solve_trials(trial_pol, trial_ain, trial_az, rcond=rcond)

    pref = tuple(float(x) for x in preferred_sdr)
    kagan = np.atleast_1d(
        np.asarray(mechanism.kagan_angle(pref, (sdr[:, 0], sdr[:, 1], sdr[:, 2])))
    )
    close = kagan <= close_deg
    n_close = int(np.count_nonzero(close))
    probability = n_close / n_trials
    d_strike, d_dip, d_rake, fault_angle, aux_angle = plane_differences(pref, sdr)
    keep = close if n_close else np.ones_like(close)

    def rms(x):
        return float(np.sqrt(np.mean(np.square(x[keep]))))

    rms_fault, rms_aux = rms(fault_angle), rms(aux_angle)
    rms_plane = 0.5 * (rms_fault + rms_aux)
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
    )
