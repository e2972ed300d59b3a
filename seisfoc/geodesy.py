"""Distance and azimuths between two points on the WGS84 ellipsoid.

Vincenty's inverse solution (T. Vincenty, 1975, "Direct and inverse solutions of geodesics
on the ellipsoid with application of nested equations", Survey Review 23(176), 88-93):
the auxiliary sphere's longitude difference is iterated to convergence, then the series
in u^2 give the geodesic length. Its accuracy is about 0.1 mm, far below what a centroid
or a station list needs. The iteration does not converge for nearly antipodal points
(within about half a degree of the antipode); there the great-circle distance on a
sphere of the WGS84 mean radius (R1 = (2a + b) / 3) and the spherical azimuths are
returned instead, with an error of at most about 0.5 % in distance and of up to a few
degrees in azimuth, which near the antipode is ill-defined anyway.
"""

from __future__ import annotations

import math
from typing import NamedTuple

#: WGS84 semi-major axis (m) and flattening
WGS84_A = 6378137.0
WGS84_F = 1.0 / 298.257223563
WGS84_B = WGS84_A * (1.0 - WGS84_F)
#: mean radius R1 = (2a + b) / 3 (m), for the spherical fallback
MEAN_RADIUS_M = (2.0 * WGS84_A + WGS84_B) / 3.0

_TOLERANCE = 1e-12  # rad of the auxiliary longitude, about 6 micrometres
_MAX_ITERATIONS = 200


class Geodesic(NamedTuple):
    """The geodesic from point 1 to point 2."""

    distance_m: float  #: length on the ellipsoid (m)
    azimuth_deg: float  #: at point 1, clockwise from north, towards point 2 [0, 360)
    back_azimuth_deg: float  #: at point 2, clockwise from north, towards point 1 [0, 360)


def _check(lat1: float, lon1: float, lat2: float, lon2: float) -> None:
    values = (lat1, lon1, lat2, lon2)
    if not all(math.isfinite(x) for x in values):
        raise ValueError(f"coordinates must be finite, got {values}")
    if abs(lat1) > 90.0 or abs(lat2) > 90.0:
        raise ValueError(f"latitudes must be within [-90, 90], got {lat1}, {lat2}")


def _spherical(phi1: float, phi2: float, dlon: float) -> Geodesic:
    """Great circle on the mean sphere (the fallback near the antipode)."""
    cos_d = math.sin(phi1) * math.sin(phi2) + math.cos(phi1) * math.cos(phi2) * math.cos(dlon)
    sigma = math.acos(max(-1.0, min(1.0, cos_d)))
    az = math.atan2(
        math.sin(dlon) * math.cos(phi2),
        math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlon),
    )
    baz = math.atan2(
        -math.sin(dlon) * math.cos(phi1),
        math.cos(phi2) * math.sin(phi1) - math.sin(phi2) * math.cos(phi1) * math.cos(dlon),
    )
    return Geodesic(MEAN_RADIUS_M * sigma, math.degrees(az) % 360.0, math.degrees(baz) % 360.0)


def distance_azimuth(lat1: float, lon1: float, lat2: float, lon2: float) -> Geodesic:
    """Geodesic distance, azimuth and back azimuth between two points on WGS84.

    Parameters
    ----------
    lat1, lon1
        Geographic latitude and longitude of point 1 (deg).
    lat2, lon2
        Those of point 2 (deg).

    Returns
    -------
    Geodesic
        ``distance_m``, ``azimuth_deg`` (at point 1 towards point 2) and
        ``back_azimuth_deg`` (at point 2 towards point 1), azimuths in [0, 360).

    Raises
    ------
    ValueError
        A coordinate is not finite or a latitude is outside [-90, 90].

    Examples
    --------
    >>> g = distance_azimuth(0.0, 0.0, 0.0, 1.0)  # one degree along the equator: a * pi / 180
    >>> round(g.distance_m, 3), g.azimuth_deg, g.back_azimuth_deg
    (111319.491, 90.0, 270.0)
    """
    _check(lat1, lon1, lat2, lon2)
    f, a, b = WGS84_F, WGS84_A, WGS84_B
    dlon = math.radians((lon2 - lon1 + 180.0) % 360.0 - 180.0)
    u1 = math.atan((1.0 - f) * math.tan(math.radians(lat1)))
    u2 = math.atan((1.0 - f) * math.tan(math.radians(lat2)))
    sin_u1, cos_u1 = math.sin(u1), math.cos(u1)
    sin_u2, cos_u2 = math.sin(u2), math.cos(u2)
    lam = dlon
    for _ in range(_MAX_ITERATIONS):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        if sin_sigma == 0.0:  # the same point
            return Geodesic(0.0, 0.0, 0.0)
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / sin_sigma
        cos2_alpha = 1.0 - sin_alpha * sin_alpha
        # on the equator cos^2(alpha) = 0 and the term is undefined: Vincenty sets it to 0
        cos_2sm = cos_sigma - 2.0 * sin_u1 * sin_u2 / cos2_alpha if cos2_alpha > 0.0 else 0.0
        c = f / 16.0 * cos2_alpha * (4.0 + f * (4.0 - 3.0 * cos2_alpha))
        previous = lam
        lam = dlon + (1.0 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1.0 + 2.0 * cos_2sm**2))
        )
        if abs(lam - previous) < _TOLERANCE:
            break
    else:
        return _spherical(math.radians(lat1), math.radians(lat2), dlon)
    if abs(lam) > math.pi:  # converged to a non-geodesic root near the antipode
        return _spherical(math.radians(lat1), math.radians(lat2), dlon)
    u_sq = cos2_alpha * (a * a - b * b) / (b * b)
    big_a = 1.0 + u_sq / 16384.0 * (4096.0 + u_sq * (-768.0 + u_sq * (320.0 - 175.0 * u_sq)))
    big_b = u_sq / 1024.0 * (256.0 + u_sq * (-128.0 + u_sq * (74.0 - 47.0 * u_sq)))
    d_sigma = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4.0
            * (
                cos_sigma * (-1.0 + 2.0 * cos_2sm**2)
                - big_b / 6.0 * cos_2sm * (-3.0 + 4.0 * sin_sigma**2) * (-3.0 + 4.0 * cos_2sm**2)
            )
        )
    )
    distance = b * big_a * (sigma - d_sigma)
    sin_lam, cos_lam = math.sin(lam), math.cos(lam)
    az1 = math.atan2(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
    az2 = math.atan2(cos_u1 * sin_lam, -sin_u1 * cos_u2 + cos_u1 * sin_u2 * cos_lam)
    return Geodesic(distance, math.degrees(az1) % 360.0, (math.degrees(az2) + 180.0) % 360.0)
