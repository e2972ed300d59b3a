"""seisfoc.geodesy (Vincenty's inverse on WGS84) against Karney's geodesics (geographiclib,
through ObsPy's gps2dist_azimuth and directly) and closed forms: 1 mm in distance and
1e-6 deg in azimuth away from the antipode, the documented spherical fallback near it."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from seisfoc import geodesy
from seisfoc.geodesy import WGS84_A, distance_azimuth

geographiclib = pytest.importorskip("geographiclib.geodesic")
obspy_geodetics = pytest.importorskip("obspy.geodetics")


def _angle_diff(a, b):
    return abs((a - b + 180.0) % 360.0 - 180.0)


def _random_pairs(n, seed=11):
    rng = np.random.default_rng(seed)
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, (n, 2))))  # uniform on the sphere
    lon = rng.uniform(-180.0, 180.0, (n, 2))
    return lat, lon


def test_agrees_with_karney_to_a_millimetre():
    lat, lon = _random_pairs(3000)
    wgs84 = geographiclib.Geodesic.WGS84
    checked = 0
    for (la1, la2), (lo1, lo2) in zip(lat, lon, strict=True):
        ref = wgs84.Inverse(la1, lo1, la2, lo2)
        if ref["a12"] > 179.0:  # within a degree of the antipode: the fallback's domain
            continue
        got = distance_azimuth(la1, lo1, la2, lo2)
        assert got.distance_m == pytest.approx(ref["s12"], abs=1e-3)
        assert _angle_diff(got.azimuth_deg, ref["azi1"]) < 1e-6
        assert _angle_diff(got.back_azimuth_deg, ref["azi2"] + 180.0) < 1e-6
        checked += 1
    assert checked > 2900


def test_agrees_with_obspy_gps2dist_azimuth():
    lat, lon = _random_pairs(500, seed=3)
    for (la1, la2), (lo1, lo2) in zip(lat, lon, strict=True):
        metres, az, baz = obspy_geodetics.gps2dist_azimuth(la1, lo1, la2, lo2)
        if metres > 19.9e6:
            continue
        got = distance_azimuth(la1, lo1, la2, lo2)
        assert got.distance_m == pytest.approx(metres, abs=1e-3)
        assert _angle_diff(got.azimuth_deg, az) < 1e-6
        assert _angle_diff(got.back_azimuth_deg, baz) < 1e-6


def test_closed_forms():
    # along the equator the geodesic is the equator itself: a * dlon
    g = distance_azimuth(0.0, 10.0, 0.0, 40.0)
    assert g.distance_m == pytest.approx(WGS84_A * math.radians(30.0), abs=1e-5)
    assert (g.azimuth_deg, g.back_azimuth_deg) == (90.0, 270.0)
    # equator to pole: WGS84's quarter meridian, 10,001,965.729 m
    g = distance_azimuth(0.0, 0.0, 90.0, 0.0)
    assert g.distance_m == pytest.approx(10_001_965.729, abs=1e-3)
    assert g.azimuth_deg == pytest.approx(0.0, abs=1e-9)
    # the same point; the symmetry of swapping the two ends
    assert distance_azimuth(12.5, -33.0, 12.5, -33.0) == (0.0, 0.0, 0.0)
    a, b = distance_azimuth(-20.0, 30.0, 45.0, 100.0), distance_azimuth(45.0, 100.0, -20.0, 30.0)
    assert a.distance_m == pytest.approx(b.distance_m, rel=1e-14)
    assert (a.azimuth_deg, a.back_azimuth_deg) == pytest.approx(
        (b.back_azimuth_deg, b.azimuth_deg), abs=1e-9
    )


@pytest.mark.parametrize(
    "points", [(0.0, 0.0, 0.0, 180.0), (0.0, 0.0, 0.5, 179.7), (10.0, 20.0, -10.0, -160.0)]
)
def test_near_the_antipode_the_spherical_fallback_is_within_its_stated_error(points):
    ref = geographiclib.Geodesic.WGS84.Inverse(*points)
    got = distance_azimuth(*points)
    assert got.distance_m == pytest.approx(ref["s12"], rel=5e-3)


@pytest.mark.parametrize(
    "points", [(math.nan, 0.0, 0.0, 0.0), (0.0, math.inf, 0.0, 0.0), (91.0, 0.0, 0.0, 0.0)]
)
def test_bad_coordinates_are_a_callers_error(points):
    with pytest.raises(ValueError):
        distance_azimuth(*points)


def test_docstring_example():
    result = doctest.testmod(geodesy, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
