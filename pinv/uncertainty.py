"""Uncertainty and quality of a polarity solution, after Hardebeck & Shearer (2002, HASH).

PINV itself has no error estimate. Here the data are perturbed many times (take-off
angles and azimuths with Gaussian errors, polarities flipped at an assumed error rate),
each trial is solved with the modern kernel, and the spread of the trial mechanisms
around the preferred one gives:

* ``strike_error``, ``dip_error``, ``rake_error``: RMS differences (deg) of the trial
  plane closest to the preferred plane (the F-line's columns 31-45);
* ``rms_plane_deg``: RMS angle between the preferred fault-plane normal and the closest
  trial plane normal (HASH's fault-plane uncertainty);
* ``probability``: fraction of trials within 30 deg (Kagan angle) of the preferred one;
* ``misfit``: fraction of readings inconsistent with the preferred mechanism;
* ``stdr``: station distribution ratio, mean |P radiation| at the readings for the
  preferred mechanism (unit double couple, 0..1; small when readings sit on nodal planes);
* ``grade``: HASH driver thresholds, A: probability > 0.8, RMS <= 25, misfit <= 0.15,
  STDR >= 0.5; B: 0.6 / 35 / 0.2 / 0.4; C: 0.5 / 45 / 0.3 / 0.3; D otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pinv.solver import RCOND, solve_trials

GRADES = (("A", 0.8, 25.0, 0.15, 0.5), ("B", 0.6, 35.0, 0.2, 0.4), ("C", 0.5, 45.0, 0.3, 0.3))


@dataclass(frozen=True, slots=True)
class Uncertainty:
    strike_error: float
    dip_error: float
    rake_error: float
    rms_plane_deg: float
    probability: float
    misfit: float
    stdr: float
    grade: str
    n_trials: int


def _normals(sdr: np.ndarray) -> np.ndarray:
    """Unit normals (north, east, down) of planes given as (..., 3) strike/dip/rake."""
    f, d = np.radians(sdr[..., 0]), np.radians(sdr[..., 1])
    return np.stack([-np.sin(d) * np.sin(f), np.sin(d) * np.cos(f), -np.cos(d)], axis=-1)


def _wrap(delta):
    return (np.asarray(delta) + 180.0) % 360.0 - 180.0


def grade(probability: float, rms_deg: float, misfit: float, stdr: float) -> str:
    for name, p_min, rms_max, misfit_max, stdr_min in GRADES:
        if probability > p_min and rms_deg <= rms_max and misfit <= misfit_max and stdr >= stdr_min:
            return name
    return "D"


def estimate(
    polarity,
    takeoff_deg,
    azimuth_deg,
    preferred_sdr,
    *,
    n_trials: int = 500,
    takeoff_sigma_deg: float = 5.0,
    azimuth_sigma_deg: float = 5.0,
    flip_rate: float = 0.1,
    seed: int = 0,
    rcond: float = RCOND,
) -> Uncertainty:
    """Perturbation estimate around ``preferred_sdr`` (strike, dip, rake in degrees)."""
    from seisfoc import mechanism

    pol = np.asarray(polarity, dtype=np.float64)
    ain = np.asarray(takeoff_deg, dtype=np.float64)
    az = np.asarray(azimuth_deg, dtype=np.float64)
    n = pol.size
    rng = np.random.default_rng(seed)
    trial_pol = np.where(rng.random((n, n_trials)) < flip_rate, -pol[:, None], pol[:, None])
    trial_ain = ain[:, None] + rng.normal(0.0, takeoff_sigma_deg, (n, n_trials))
    trial_az = az[:, None] + rng.normal(0.0, azimuth_sigma_deg, (n, n_trials))
    sdr, _rank, _nbad = solve_trials(trial_pol, trial_ain, trial_az, rcond=rcond)

    pref = np.asarray(preferred_sdr, dtype=np.float64)
    aux = np.array(mechanism.auxiliary_plane(*pref), dtype=np.float64)
    trial_aux = np.array(mechanism.auxiliary_plane(sdr[:, 0], sdr[:, 1], sdr[:, 2])).T
    n_pref = _normals(pref)
    cos1 = np.abs(_normals(sdr) @ n_pref)
    cos2 = np.abs(_normals(trial_aux) @ n_pref)
    closest = np.where((cos1 >= cos2)[:, None], sdr, trial_aux)
    plane_angle = np.degrees(np.arccos(np.clip(np.maximum(cos1, cos2), 0.0, 1.0)))
    rms_plane = float(np.sqrt(np.mean(plane_angle**2)))
    d_strike = _wrap(closest[:, 0] - pref[0])
    d_dip = closest[:, 1] - pref[1]
    d_rake = _wrap(closest[:, 2] - pref[2])
    kagan = np.asarray(mechanism.kagan_angle(tuple(pref), (sdr[:, 0], sdr[:, 1], sdr[:, 2])))
    probability = float(np.mean(kagan <= 30.0))

    amp = mechanism.p_radiation(pref[0], pref[1], pref[2], ain, az)
    amp = np.asarray(amp, dtype=np.float64)
    misfit = float(np.mean(amp * pol < 0.0))
    stdr = float(np.mean(np.abs(amp)))
    del aux
    return Uncertainty(
        strike_error=float(np.sqrt(np.mean(d_strike**2))),
        dip_error=float(np.sqrt(np.mean(d_dip**2))),
        rake_error=float(np.sqrt(np.mean(d_rake**2))),
        rms_plane_deg=rms_plane,
        probability=probability,
        misfit=misfit,
        stdr=stdr,
        grade=grade(probability, rms_plane, misfit, stdr),
        n_trials=n_trials,
    )
