"""The Fortran pipeline: float64 survives the wrapper, radiation against closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from seisfoc import _kernels
from seisfoc.radiation import far_field


def test_float64_survives_the_wrapper():
    x = 1.0 + 2.0**-40  # not representable in float32
    y, eps = _kernels.precision_echo(x)
    assert y == x
    assert eps == np.finfo(np.float64).eps


def _aki_richards_p(strike, dip, rake, takeoff, azimuth):
    """A&R eq. 4.89 for the P radiation of a double couple (closed form)."""
    f, d, l = np.radians([strike, dip, rake])
    i, phi = np.radians(takeoff), np.radians(azimuth)
    a = phi - f
    return (
        np.cos(l) * np.sin(d) * np.sin(i) ** 2 * np.sin(2 * a)
        - np.cos(l) * np.cos(d) * np.sin(2 * i) * np.cos(a)
        + np.sin(l) * np.sin(2 * d) * (np.cos(i) ** 2 - np.sin(i) ** 2 * np.sin(a) ** 2)
        + np.sin(l) * np.cos(2 * d) * np.sin(2 * i) * np.sin(a)
    )


def _aki_richards_sv_sh(strike, dip, rake, takeoff, azimuth):
    f, d, l = np.radians([strike, dip, rake])
    i, phi = np.radians(takeoff), np.radians(azimuth)
    a = phi - f
    sv = (
        np.sin(l) * np.cos(2 * d) * np.cos(2 * i) * np.sin(a)
        - np.cos(l) * np.cos(d) * np.cos(2 * i) * np.cos(a)
        + 0.5 * np.cos(l) * np.sin(d) * np.sin(2 * i) * np.sin(2 * a)
        - 0.5 * np.sin(l) * np.sin(2 * d) * np.sin(2 * i) * (1 + np.sin(a) ** 2)
    )
    sh = (
        np.cos(l) * np.cos(d) * np.cos(i) * np.sin(a)
        + np.cos(l) * np.sin(d) * np.sin(i) * np.cos(2 * a)
        + np.sin(l) * np.cos(2 * d) * np.cos(i) * np.cos(a)
        - 0.5 * np.sin(l) * np.sin(2 * d) * np.sin(i) * np.sin(2 * a)
    )
    return sv, sh


def _ar_box44(strike, dip, rake):
    f, d, l = np.radians([strike, dip, rake])
    m11 = -(np.sin(d) * np.cos(l) * np.sin(2 * f) + np.sin(2 * d) * np.sin(l) * np.sin(f) ** 2)
    m22 = np.sin(d) * np.cos(l) * np.sin(2 * f) - np.sin(2 * d) * np.sin(l) * np.cos(f) ** 2
    m33 = np.sin(2 * d) * np.sin(l)
    m12 = np.sin(d) * np.cos(l) * np.cos(2 * f) + 0.5 * np.sin(2 * d) * np.sin(l) * np.sin(2 * f)
    m13 = -(np.cos(d) * np.cos(l) * np.cos(f) + np.cos(2 * d) * np.sin(l) * np.sin(f))
    m23 = -(np.cos(d) * np.cos(l) * np.sin(f) - np.cos(2 * d) * np.sin(l) * np.cos(f))
    return np.array([[m11, m12, m13], [m12, m22, m23], [m13, m23, m33]])


@pytest.mark.parametrize("sdr", [(30, 60, 90), (120, 45, -60), (0, 90, 0), (245, 17, 163)])
def test_double_couple_radiation_matches_aki_richards(sdr):
    rng = np.random.default_rng(1)
    takeoff = rng.uniform(0, 180, 500)
    azimuth = rng.uniform(0, 360, 500)
    rad = far_field(_ar_box44(*sdr), takeoff, azimuth)
    np.testing.assert_allclose(rad.p, _aki_richards_p(*sdr, takeoff, azimuth), atol=1e-12)
    sv, sh = _aki_richards_sv_sh(*sdr, takeoff, azimuth)
    np.testing.assert_allclose(rad.sv, sv, atol=1e-12)
    np.testing.assert_allclose(rad.sh, sh, atol=1e-12)


def test_isotropic_source_radiates_only_p():
    rad = far_field(np.eye(3) * 2.5, [10.0, 80.0, 170.0], [0.0, 123.0, 300.0])
    np.testing.assert_allclose(rad.p, 2.5)
    np.testing.assert_allclose(rad.sv, 0.0, atol=1e-15)
    np.testing.assert_allclose(rad.sh, 0.0, atol=1e-15)


def test_broadcasting_and_shape():
    rad = far_field(np.eye(3), np.full((4, 3), 30.0), 10.0)
    assert rad.p.shape == (4, 3)
    assert rad.p.dtype == np.float64
