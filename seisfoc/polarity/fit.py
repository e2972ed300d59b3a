"""How well a double couple fits P polarities, and how far mechanisms are from one.

Shared by PINV's uncertainty (``seisfoc.pinv.uncertainty``) and ``seisfoc fps``:

* :func:`fit_statistics`: HASH's weighted misfit fraction and station distribution
  ratio (Hardebeck & Shearer 2002): reading i counts with ``w_i sqrt|A_i|``, A_i the P
  radiation of the unit double couple (Aki & Richards eq. 4.89);
* :func:`plane_differences`: strike, dip and rake differences of mechanisms from a
  preferred plane, each taken at its nodal plane nearer to the preferred one, and HASH's
  two plane angles (fault-plane normals, slip vectors).
"""

from __future__ import annotations

import numpy as np

from seisfoc import mechanism


def wrap_deg(delta):
    """Angle differences wrapped to (-180, 180]."""
    d = np.mod(np.asarray(delta, dtype=np.float64), 360.0)
    return np.where(d > 180.0, d - 360.0, d)


def _angle_deg(u, v):
    """Angles (deg, 0..180) between unit vectors, accurate near 0 and 180."""
    cross = np.linalg.norm(np.cross(u, v), axis=-1)
    return np.degrees(np.arctan2(cross, np.sum(u * v, axis=-1)))


def plane_differences(preferred_sdr, trial_sdr):
    """Differences of mechanisms from a preferred plane, each mechanism taken at its nodal
    plane nearer to the preferred plane.

    Returns ``(d_strike, d_dip, d_rake, fault_angle, aux_angle)`` in degrees, arrays over
    the mechanisms: wrapped strike and rake differences, dip difference, angle between the
    plane normals (0..90) and angle between the auxiliary-plane normals (0..180, 180 for
    the same plane with the opposite slip).
    """
    pref = np.asarray(preferred_sdr, dtype=np.float64)
    trial = np.atleast_2d(np.asarray(trial_sdr, dtype=np.float64))
    n0, s0 = mechanism.normal_and_slip(*pref)
    n1, s1 = mechanism.normal_and_slip(trial[:, 0], trial[:, 1], trial[:, 2])
    n1, s1 = np.atleast_2d(n1), np.atleast_2d(s1)
    # the two planes of a mechanism: (n1, s1) and (s1, n1); the sign pair (n, s) ~ (-n, -s)
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


def reading_weights(pol, weights):
    """Per-reading weights (default 1), checked: finite, non-negative, one per reading."""
    w = np.ones_like(pol) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if w.shape != pol.shape or np.any(w < 0.0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite, non-negative, one per reading")
    return w


def fit_statistics(polarity, takeoff_deg, azimuth_deg, sdr, weights=None):
    """(misfit, stdr) of a mechanism, as HASH weighs them.

    Each reading counts with ``w_i * sqrt(|A_i|)``: its weight (default 1) times the square
    root of the unit double couple's P radiation at the reading (0 on a nodal plane, 1 at
    the P and T axes). ``misfit`` is the weighted fraction of readings whose polarity
    disagrees with the mechanism; ``stdr`` = sum(w sqrt|A|) / sum(w).
    """
    pol = np.asarray(polarity, dtype=np.float64).ravel()
    w = reading_weights(pol, weights)
    total = float(np.sum(w))
    amp = np.atleast_1d(np.asarray(mechanism.p_radiation(*sdr, takeoff_deg, azimuth_deg)))
    wa = w * np.sqrt(np.abs(amp))
    if total <= 0.0:
        return float("nan"), float("nan")
    counted = float(np.sum(wa))
    misfit = float(np.sum(wa * (amp * pol < 0.0)) / counted) if counted > 0.0 else 0.0
    return misfit, counted / total
