"""seisfoc.mechanism against pyrocko.moment_tensor (independent code) and closed forms.

pyrocko works in (north, east, down) with m6 = (mnn, mee, mdd, mne, mnd, med) and
moments in N m; its ``scalar_moment`` is the Frobenius (Silver & Jordan) one and its
``m_up_south_east`` is the Harvard frame.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from support.pyrocko import import_pyrocko

from seisfoc import mechanism as mech
from seisfoc.errors import SeisfocError

# a test that uses pyrocko fails without it (never skips); the closed-form tests run
pmt = import_pyrocko("moment_tensor")

N_RANDOM = 300


@pytest.fixture(scope="module")
def random_sdr():
    rng = np.random.default_rng(20240611)
    strike = rng.uniform(0.0, 360.0, N_RANDOM)
    dip = np.degrees(np.arccos(rng.uniform(0.0, 1.0, N_RANDOM)))  # uniform normals
    rake = rng.uniform(-180.0, 180.0, N_RANDOM)
    return strike, dip, rake


@pytest.fixture(scope="module")
def random_tensors():
    rng = np.random.default_rng(7)
    a = rng.normal(size=(N_RANDOM, 3, 3))
    return a + np.swapaxes(a, -1, -2)


def _plane_signature(plane):
    """n s^T: the same for (n, s) and (-n, -s), different for the auxiliary plane."""
    normal, slip = mech.normal_and_slip(*plane)
    return normal[..., :, None] * slip[..., None, :]


def _random_rotation(rng):
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q = q * np.sign(np.diag(r))
    return q if np.linalg.det(q) > 0 else -q


# ------------------------------------------------------------------ sdr -> tensor


def test_sdr_to_ned_tensor_matches_pyrocko(random_sdr):
    strike, dip, rake = random_sdr
    ours = mech.moment_tensor_ned(strike, dip, rake, 3.5)
    for k in range(N_RANDOM):
        theirs = pmt.MomentTensor(strike=strike[k], dip=dip[k], rake=rake[k], scalar_moment=3.5).m()
        np.testing.assert_allclose(ours[k], theirs, atol=1e-12)


def test_sdr_to_use_tensor_and_m6_match_pyrocko(random_sdr):
    strike, dip, rake = random_sdr
    ours = mech.moment_tensor_use(strike, dip, rake)
    ours6 = mech.tensor_to_m6_use(mech.moment_tensor_ned(strike, dip, rake))
    for k in range(0, N_RANDOM, 3):
        mt = pmt.MomentTensor(strike=strike[k], dip=dip[k], rake=rake[k])
        np.testing.assert_allclose(ours[k], mt.m_up_south_east(), atol=1e-12)
        np.testing.assert_allclose(ours6[k], mt.m6_up_south_east(), atol=1e-12)
        np.testing.assert_allclose(
            mech.tensor_to_m6_ned(mech.moment_tensor_ned(strike[k], dip[k], rake[k])),
            mt.m6(),
            atol=1e-12,
        )


def test_harvard_components_are_the_documented_ned_components(random_tensors):
    m = random_tensors[0]
    mrr, mtt, mpp, mrt, mrp, mtp = mech.tensor_to_m6_use(m)
    assert (mrr, mtt, mpp) == (m[2, 2], m[0, 0], m[1, 1])
    assert (mrt, mrp, mtp) == (m[0, 2], -m[1, 2], -m[0, 1])
    np.testing.assert_allclose(mech.tensor_from_m6_use(mrr, mtt, mpp, mrt, mrp, mtp), m)
    np.testing.assert_allclose(mech.use_to_ned(mech.ned_to_use(random_tensors)), random_tensors)
    v = np.array([1.0, 2.0, 3.0])  # north, east, down
    np.testing.assert_allclose(mech.vector_ned_to_use(v), [-3.0, -1.0, 2.0])
    np.testing.assert_allclose(mech.vector_use_to_ned(mech.vector_ned_to_use(v)), v)


def test_tensor_is_symmetric_product_of_normal_and_slip(random_sdr):
    strike, dip, rake = random_sdr
    normal, slip = mech.normal_and_slip(strike, dip, rake)
    expected = normal[:, :, None] * slip[:, None, :] + slip[:, :, None] * normal[:, None, :]
    np.testing.assert_allclose(mech.moment_tensor_ned(strike, dip, rake), expected, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(normal, axis=-1), 1.0)
    np.testing.assert_allclose(np.sum(normal * slip, axis=-1), 0.0, atol=1e-15)
    assert np.all(normal[:, 2] <= 1e-15)  # the normal points up, into the hanging wall


@pytest.mark.parametrize(
    "sdr, nonzero",
    [
        # vertical strike-slip striking north, left-lateral slip (rake 0): M_ne = 1
        ((0.0, 90.0, 0.0), {(0, 1): 1.0}),
        # thrust on a plane striking north, dipping 45 east: M_dd = 1, M_ee = -1
        ((0.0, 45.0, 90.0), {(2, 2): 1.0, (1, 1): -1.0}),
        # normal fault, same plane
        ((0.0, 45.0, -90.0), {(2, 2): -1.0, (1, 1): 1.0}),
        # vertical dip-slip on an east-striking plane: M_nd = -1 (A&R M13 = -cos2d sin l sin f)
        ((90.0, 90.0, 90.0), {(0, 2): 1.0}),
    ],
)
def test_closed_form_tensors(sdr, nonzero):
    expected = np.zeros((3, 3))
    for (i, j), value in nonzero.items():
        expected[i, j] = expected[j, i] = value
    np.testing.assert_allclose(mech.moment_tensor_ned(*sdr), expected, atol=1e-15)


# ------------------------------------------------------------------------ planes


def test_nodal_planes_match_pyrocko(random_sdr):
    strike, dip, rake = random_sdr
    m = mech.moment_tensor_ned(strike, dip, rake)
    ours = mech.nodal_planes(m)
    for k in range(N_RANDOM):
        theirs = pmt.MomentTensor(m=m[k]).both_strike_dip_rake()
        ours_k = [_plane_signature([x[k] for x in plane]) for plane in ours]
        theirs_k = [_plane_signature(plane) for plane in theirs]
        same = np.allclose(ours_k[0], theirs_k[0], atol=1e-9) and np.allclose(
            ours_k[1], theirs_k[1], atol=1e-9
        )
        swapped = np.allclose(ours_k[0], theirs_k[1], atol=1e-9) and np.allclose(
            ours_k[1], theirs_k[0], atol=1e-9
        )
        assert same or swapped, k
        # away from the dip = 90 ambiguity the numbers themselves agree
        for plane in ours:
            mine = np.array([x[k] for x in plane])
            if mine[1] < 89.0:
                distances = [
                    np.abs((mine - np.array(t) + 180.0) % 360.0 - 180.0).max() for t in theirs
                ]
                assert min(distances) < 1e-7


def test_auxiliary_plane_matches_pyrocko(random_sdr):
    strike, dip, rake = random_sdr
    aux = mech.auxiliary_plane(strike, dip, rake)
    for k in range(0, N_RANDOM, 2):
        theirs = pmt.other_plane(strike[k], dip[k], rake[k])
        np.testing.assert_allclose(
            _plane_signature([x[k] for x in aux]), _plane_signature(theirs), atol=1e-9
        )


def test_round_trip_sdr_tensor_sdr(random_sdr):
    strike, dip, rake = random_sdr
    plane1, plane2 = mech.nodal_planes(mech.moment_tensor_ned(strike, dip, rake, 1e20))
    given = _plane_signature((strike, dip, rake))
    hit1 = np.all(np.isclose(_plane_signature(plane1), given, atol=1e-9), axis=(-2, -1))
    hit2 = np.all(np.isclose(_plane_signature(plane2), given, atol=1e-9), axis=(-2, -1))
    assert np.all(hit1 ^ hit2)
    # the auxiliary plane of the auxiliary plane is the plane itself
    back = mech.auxiliary_plane(*mech.auxiliary_plane(strike, dip, rake))
    np.testing.assert_allclose(_plane_signature(back), given, atol=1e-9)
    for plane in (plane1, plane2):
        assert np.all((plane.strike >= 0) & (plane.strike < 360))
        assert np.all((plane.dip >= 0) & (plane.dip <= 90))
        assert np.all((plane.rake > -180) & (plane.rake <= 180))


def test_known_auxiliary_planes():
    # pure thrust: the conjugate plane strikes opposite with the same dip
    np.testing.assert_allclose(mech.auxiliary_plane(0.0, 45.0, 90.0), (180.0, 45.0, 90.0))
    # vertical strike-slip: the conjugate is the vertical plane at right angles
    aux = mech.auxiliary_plane(0.0, 90.0, 0.0)
    assert aux.dip == pytest.approx(90.0) and aux.rake % 180.0 == pytest.approx(0.0, abs=1e-12)
    assert aux.strike % 180.0 == pytest.approx(90.0)
    # Stein & Wysession's example plane 1 (strike 0, dip 60, rake 90) -> (180, 30, 90)
    np.testing.assert_allclose(mech.auxiliary_plane(0.0, 60.0, 90.0), (180.0, 30.0, 90.0))


@pytest.mark.parametrize(
    "given, canonical",
    [
        ((10.0, 120.0, 30.0), (190.0, 60.0, -30.0)),
        ((10.0, -30.0, 20.0), (190.0, 30.0, -160.0)),
        ((-370.0, 45.0, 190.0), (350.0, 45.0, -170.0)),
        ((360.0, 45.0, -180.0), (0.0, 45.0, 180.0)),
        ((-595.0, 415.0, -610.0), (125.0, 55.0, 110.0)),  # INVDC's unnormalised end point
        ((720.0, 90.0, 540.0), (0.0, 90.0, 180.0)),
    ],
)
def test_canonical_sdr(given, canonical):
    out = mech.canonical_sdr(*given)
    np.testing.assert_allclose(out, canonical, atol=1e-12)
    np.testing.assert_allclose(
        mech.moment_tensor_ned(*out), mech.moment_tensor_ned(*given), atol=1e-12
    )


def test_canonical_sdr_is_vectorised_and_keeps_the_tensor():
    rng = np.random.default_rng(3)
    strike, dip, rake = (rng.uniform(-1000.0, 1000.0, 200) for _ in range(3))
    out = mech.canonical_sdr(strike, dip, rake)
    assert np.all((out.strike >= 0) & (out.strike < 360) & (out.dip >= 0) & (out.dip <= 90))
    assert np.all((out.rake > -180) & (out.rake <= 180))
    np.testing.assert_allclose(
        mech.moment_tensor_ned(*out), mech.moment_tensor_ned(strike, dip, rake), atol=1e-12
    )


def test_sdr_from_normal_slip_in_both_frames(random_sdr):
    strike, dip, rake = random_sdr
    normal, slip = mech.normal_and_slip(strike, dip, rake)
    given = _plane_signature((strike, dip, rake))
    for n, s in ((normal, slip), (-normal, -slip)):
        np.testing.assert_allclose(
            _plane_signature(mech.sdr_from_normal_slip(n, s)), given, atol=1e-9
        )
        use = mech.sdr_from_normal_slip(mech.vector_ned_to_use(n), mech.vector_ned_to_use(s), "use")
        np.testing.assert_allclose(_plane_signature(use), given, atol=1e-9)


def test_sdr_from_normal_slip_is_pinvs_plane_rule():
    """ALGORITHMS.md section 1: dip = acos(n_r), strike = atan2(n_t, n_p), fold if dip > 90."""
    rng = np.random.default_rng(8)
    for _ in range(200):
        r = _random_rotation(rng)  # columns: T and P in (r, t, p)
        t_axis, p_axis = r[:, 0], r[:, 2]
        n, s = (t_axis + p_axis) / np.sqrt(2.0), (t_axis - p_axis) / np.sqrt(2.0)
        dip = np.degrees(np.arccos(n[0]))
        strike = np.degrees(np.arctan2(n[1], n[2]))
        f, d = np.radians(strike), np.radians(dip)
        along_strike = mech.vector_ned_to_use([np.cos(f), np.sin(f), 0.0])
        up_dip = mech.vector_ned_to_use([np.cos(d) * np.sin(f), -np.cos(d) * np.cos(f), -np.sin(d)])
        rake = np.degrees(np.arctan2(s @ up_dip, s @ along_strike))
        if dip > 90.0:
            dip, strike, rake = 180.0 - dip, strike + 180.0, 360.0 - rake
        legacy = np.array([strike % 360.0, dip, (rake + 180.0) % 360.0 - 180.0])
        ours = np.array(mech.sdr_from_normal_slip(n, s, frame="use"))
        np.testing.assert_allclose(ours, legacy, atol=1e-9)


# --------------------------------------------------------------------------- axes


def test_axes_match_pyrocko(random_sdr):
    strike, dip, rake = random_sdr
    m = mech.moment_tensor_ned(strike, dip, rake, 2.0)
    axes = mech.principal_axes(m)
    np.testing.assert_allclose(
        axes.eigenvalues, np.tile([2.0, 0.0, -2.0], (N_RANDOM, 1)), atol=1e-12
    )
    for k in range(0, N_RANDOM, 2):
        mt = pmt.MomentTensor(m=m[k])
        for ours, theirs in (
            (axes.t, mt.t_axis()),
            (axes.p, mt.p_axis()),
            (axes.b, mt.null_axis()),
        ):
            assert abs(np.dot(ours.vector[k], np.ravel(theirs))) == pytest.approx(1.0, abs=1e-9)
    assert np.all(axes.t.plunge >= 0) and np.all(axes.p.plunge <= 90)
    np.testing.assert_allclose(
        mech.vector_from_trend_plunge(axes.t.trend, axes.t.plunge), axes.t.vector, atol=1e-12
    )
    dc = mech.double_couple(strike, dip, rake)
    for ours, direct in ((axes.t, dc.t), (axes.b, dc.b), (axes.p, dc.p)):
        assert np.all(np.abs(np.sum(ours.vector * direct.vector, -1)) > 1 - 1e-9)


def test_axes_closed_forms():
    thrust = mech.double_couple(0.0, 45.0, 90.0)
    assert thrust.t.plunge == pytest.approx(90.0)
    assert thrust.p.plunge == pytest.approx(0.0, abs=1e-9)
    assert thrust.p.trend % 180.0 == pytest.approx(90.0)
    assert thrust.b.trend % 180.0 == pytest.approx(0.0, abs=1e-9)
    strike_slip = mech.principal_axes(mech.moment_tensor_ned(0.0, 90.0, 0.0))
    assert strike_slip.t.trend % 180.0 == pytest.approx(45.0)
    assert strike_slip.p.trend % 180.0 == pytest.approx(135.0)
    assert strike_slip.b.plunge == pytest.approx(90.0)
    normal = mech.double_couple(30.0, 60.0, -90.0)
    assert normal.p.plunge == pytest.approx(75.0)  # P bisects the dihedral below the plane
    assert normal.t.plunge == pytest.approx(15.0)
    assert normal.t.trend % 180.0 == pytest.approx(120.0)


def test_planes_from_pt_axes(random_sdr):
    strike, dip, rake = random_sdr
    dc = mech.double_couple(strike, dip, rake)
    given = _plane_signature((strike, dip, rake))
    aux = _plane_signature(dc.plane2)
    for p_sign in (1.0, -1.0):  # the sign of an axis only decides which plane comes first
        first, second = (
            _plane_signature(pl) for pl in mech.sdr_from_pt(p_sign * dc.p.vector, dc.t.vector)
        )
        first_is_given = np.all(np.isclose(first, given, atol=1e-9), axis=(-2, -1))
        first_is_aux = np.all(np.isclose(first, aux, atol=1e-9), axis=(-2, -1))
        second_is_given = np.all(np.isclose(second, given, atol=1e-9), axis=(-2, -1))
        second_is_aux = np.all(np.isclose(second, aux, atol=1e-9), axis=(-2, -1))
        assert np.all((first_is_given & second_is_aux) | (first_is_aux & second_is_given))
    # Axis records are accepted as well as vectors
    p1, _ = mech.sdr_from_pt(dc.p, dc.t)
    np.testing.assert_allclose(mech.kagan_angle(p1, (strike, dip, rake)), 0.0, atol=1e-6)


# --------------------------------------------------------------------- Kagan angle


def test_kagan_angle_matches_pyrocko(random_sdr):
    strike, dip, rake = random_sdr
    m = mech.moment_tensor_ned(strike, dip, rake)
    ours = mech.kagan_angle((strike[:-1], dip[:-1], rake[:-1]), (strike[1:], dip[1:], rake[1:]))
    ours_mt = mech.kagan_angle(m[:-1], m[1:])
    np.testing.assert_allclose(ours, ours_mt, atol=1e-8)
    for k in range(N_RANDOM - 1):
        theirs = pmt.kagan_angle(pmt.MomentTensor(m=m[k]), pmt.MomentTensor(m=m[k + 1]))
        assert ours[k] == pytest.approx(theirs, abs=1e-6)
    assert np.all((ours >= 0) & (ours <= 120.0 + 1e-9))


def test_kagan_angle_of_full_tensors_matches_pyrocko(random_tensors):
    ours = mech.kagan_angle(random_tensors[:-1], random_tensors[1:])
    for k in range(0, N_RANDOM - 1, 3):
        a, b = (pmt.MomentTensor(m=random_tensors[j]) for j in (k, k + 1))
        assert ours[k] == pytest.approx(pmt.kagan_angle(a, b), abs=1e-6)


def test_kagan_angle_known_values():
    sdr = (37.0, 61.0, -115.0)
    assert mech.kagan_angle(sdr, mech.auxiliary_plane(*sdr)) == pytest.approx(0.0, abs=1e-6)
    assert mech.kagan_angle(sdr, sdr) == pytest.approx(0.0, abs=1e-6)
    # reversing the slip swaps P and T: a 90 deg turn about B
    assert mech.kagan_angle(sdr, (37.0, 61.0, 65.0)) == pytest.approx(90.0)
    # strike-slip turned about its vertical B axis by delta <= 90: the angle is delta
    for delta in (0.5, 10.0, 44.0, 89.0):
        assert mech.kagan_angle((0.0, 90.0, 0.0), (delta, 90.0, 0.0)) == pytest.approx(delta)
    # turning the plane about the slip direction (its strike) changes only the dip
    assert mech.kagan_angle((0.0, 90.0, 0.0), (0.0, 60.0, 0.0)) == pytest.approx(30.0)
    # a cyclic exchange T -> B -> P is the largest possible rotation, 120 deg
    m1 = np.diag([1.0, 0.0, -1.0])
    m2 = np.diag([-1.0, 1.0, 0.0])
    assert mech.kagan_angle(m1, m2) == pytest.approx(120.0)
    # invariant to the scalar moment and to a common rotation
    rng = np.random.default_rng(11)
    r = _random_rotation(rng)
    a, b = mech.moment_tensor_ned(10, 20, 30), mech.moment_tensor_ned(100, 50, -40, 5e20)
    assert mech.kagan_angle(r @ a @ r.T, r @ b @ r.T) == pytest.approx(mech.kagan_angle(a, b))


def test_kagan_angle_is_accurate_for_small_rotations():
    base = np.diag([1.0, 0.0, -1.0])
    for angle_deg in (1e-3, 1e-5):
        c, s = np.cos(np.radians(angle_deg)), np.sin(np.radians(angle_deg))
        r = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
        assert mech.kagan_angle(base, r @ base @ r.T) == pytest.approx(angle_deg, rel=1e-6)


# -------------------------------------------------------------------- P radiation


def test_p_radiation_is_gamma_m_gamma(random_sdr):
    strike, dip, rake = random_sdr
    rng = np.random.default_rng(5)
    takeoff = rng.uniform(0.0, 180.0, N_RANDOM)
    azimuth = rng.uniform(0.0, 360.0, N_RANDOM)
    i, phi = np.radians(takeoff), np.radians(azimuth)
    gamma = np.stack([np.sin(i) * np.cos(phi), np.sin(i) * np.sin(phi), np.cos(i)], -1)
    m = mech.moment_tensor_ned(strike, dip, rake)
    expected = np.einsum("ki,kij,kj->k", gamma, m, gamma)
    np.testing.assert_allclose(
        mech.p_radiation(strike, dip, rake, takeoff, azimuth), expected, atol=1e-12
    )
    np.testing.assert_array_equal(
        mech.predicted_polarity(strike, dip, rake, takeoff, azimuth), np.sign(expected)
    )


def test_polarity_closed_forms():
    # thrust: compression straight down, dilatation on horizontal rays along the dip
    assert mech.predicted_polarity(0.0, 45.0, 90.0, 0.0, 0.0) == 1
    assert mech.predicted_polarity(0.0, 45.0, 90.0, 90.0, 90.0) == -1
    # left-lateral strike-slip on a north-striking plane: quadrants
    takeoff = np.full(4, 90.0)
    azimuth = np.array([45.0, 135.0, 225.0, 315.0])
    np.testing.assert_array_equal(
        mech.predicted_polarity(0.0, 90.0, 0.0, takeoff, azimuth), [1, -1, 1, -1]
    )
    count = mech.polarity_agreement(0.0, 90.0, 0.0, takeoff, azimuth, [1, 1, 1, -1])
    assert count == mech.PolarityAgreement(consistent=3, inconsistent=1, neither=0)
    # the vertical ray lies in both nodal planes of a vertical strike-slip: exactly 0
    count = mech.polarity_agreement(0.0, 90.0, 0.0, [0.0, 90.0], [0.0, 45.0], [1, 1])
    assert count == (1, 0, 1)


# ---------------------------------------------------------------- decompositions


def _rotated_diagonal(values, seed=0):
    r = _random_rotation(np.random.default_rng(seed))
    return r @ np.diag(values) @ r.T


def test_pure_double_couple_decompositions():
    m = mech.moment_tensor_ned(123.0, 34.0, -56.0, 7.0)
    jh = mech.jost_herrmann(m)
    assert jh.epsilon == pytest.approx(0.0, abs=1e-12)
    assert jh.moment_dc == pytest.approx(7.0)
    assert jh.dc_percent == pytest.approx(100.0)
    ebel = mech.largest_double_couple(m)
    assert ebel.moment_dc == pytest.approx(7.0)
    assert ebel.moment_clvd == pytest.approx(0.0, abs=1e-12)
    assert mech.scalar_moment(m) == pytest.approx(7.0)
    assert mech.scalar_moment_frobenius(m) == pytest.approx(7.0)
    np.testing.assert_allclose(mech.double_couple_tensor(m), m, atol=1e-12)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_pure_clvd_decompositions(sign):
    m = _rotated_diagonal(sign * np.array([2.0, -1.0, -1.0]), seed=4)
    jh = mech.jost_herrmann(m)
    assert jh.epsilon == pytest.approx(0.5 * sign)
    assert jh.moment_dc == pytest.approx(0.0, abs=1e-12)
    assert jh.clvd_percent == pytest.approx(100.0)
    # Ebel's largest double couple of the same tensor is not zero
    ebel = mech.largest_double_couple(m)
    assert ebel.moment_dc == pytest.approx(1.5)
    assert ebel.moment_clvd == pytest.approx(0.5 * sign)


def test_ebel_and_jost_herrmann_hand_computed():
    # deviatoric eigenvalues 600, -200, -400 plus an isotropic part of 50
    m = _rotated_diagonal([650.0, -150.0, -350.0], seed=9)
    jh = mech.jost_herrmann(m)
    assert jh.epsilon == pytest.approx(1.0 / 3.0)  # -(-200)/600
    assert jh.moment_dc == pytest.approx(200.0)  # 600 (1 - 2/3)
    assert jh.moment_clvd == pytest.approx(200.0)  # 600 * 1/3
    assert jh.dc_percent == pytest.approx(100.0 / 3.0)
    assert jh.moment_isotropic == pytest.approx(50.0)
    ebel = mech.largest_double_couple(m)
    assert ebel.moment_dc == pytest.approx(500.0)  # (600 + 400)/2
    assert ebel.moment_clvd == pytest.approx(100.0)  # (600 - 400)/2 = -(-200)/2
    assert ebel.moment_isotropic == pytest.approx(50.0)
    np.testing.assert_allclose(ebel.eigenvalues, [600.0, -200.0, -400.0])
    assert mech.scalar_moment(m) == pytest.approx(500.0)
    assert mech.scalar_moment_frobenius(m) == pytest.approx(
        np.sqrt((650.0**2 + 150.0**2 + 350.0**2) / 2.0)
    )
    dc = mech.double_couple_tensor(m)
    np.testing.assert_allclose(np.linalg.eigvalsh(dc), [-500.0, 0.0, 500.0], atol=1e-9)
    assert mech.kagan_angle(dc, m) == pytest.approx(0.0, abs=1e-6)


def test_decompositions_match_pyrocko(random_tensors):
    jh = mech.jost_herrmann(random_tensors)
    np.testing.assert_allclose(
        mech.isotropic_part(random_tensors) + mech.deviatoric_part(random_tensors), random_tensors
    )
    np.testing.assert_allclose(
        np.trace(mech.deviatoric_part(random_tensors), axis1=-2, axis2=-1), 0.0, atol=1e-12
    )
    frobenius = mech.scalar_moment_frobenius(random_tensors)
    for k in range(0, N_RANDOM, 3):
        mt = pmt.MomentTensor(m=random_tensors[k])
        (m_iso, _, _), (m_dc, _, _), (m_clvd, _, _), (m_devi, _, _), _ = mt.standard_decomposition()
        assert abs(jh.moment_isotropic[k]) == pytest.approx(m_iso, abs=1e-12)
        assert jh.moment_dc[k] == pytest.approx(m_dc, abs=1e-12)
        # pyrocko's "moment_clvd" is the largest eigenvalue of the CLVD tensor: 2 |eps| |l|
        assert 2.0 * jh.moment_clvd[k] == pytest.approx(m_clvd, abs=1e-12)
        assert frobenius[k] == pytest.approx(mt.scalar_moment())
    assert np.all(np.abs(jh.epsilon) <= 0.5 + 1e-12)


def test_caseD_truth_of_the_reference(reference_dir):
    truth = json.loads(
        (reference_dir / "amplitudes" / "caseD_homog_dc_clvd" / "truth.json").read_text()
    )
    m = np.array(truth["moment_tensor_NED_1e16dyncm"])
    expected = truth["decomposition"]
    jh = mech.jost_herrmann(m)
    ebel = mech.largest_double_couple(m)
    assert jh.epsilon == pytest.approx(expected["epsilon"])
    assert jh.moment_dc == pytest.approx(expected["m0_dc_jh"])
    assert jh.moment_clvd == pytest.approx(expected["m_clvd_jh"])
    assert jh.dc_percent == pytest.approx(expected["pct_dc_jh"])
    assert ebel.moment_dc == pytest.approx(expected["m0_largest_dc_ebel"])
    assert ebel.moment_clvd == pytest.approx(expected["m_clvd_ebel"])
    assert mech.scalar_moment_frobenius(m) == pytest.approx(expected["m0_silver_jordan"])
    assert mech.moment_magnitude(ebel.moment_dc * 1e16) == pytest.approx(truth["mw_hk"])
    planes = mech.nodal_planes(m)
    kagan = mech.kagan_angle(planes[0], (truth["strike"], truth["dip"], truth["rake"]))
    assert kagan == pytest.approx(0.0, abs=1e-6)


# -------------------------------------------------------------------- magnitude


def test_moment_magnitude_matches_pyrocko_and_closed_form():
    moments_dyne_cm = np.logspace(15, 30, 31)
    ours = mech.moment_magnitude(moments_dyne_cm)
    np.testing.assert_allclose(ours, pmt.moment_to_magnitude(moments_dyne_cm * 1e-7))
    assert mech.moment_magnitude(1e25) == pytest.approx(2.0 / 3.0 * 25.0 - 10.7)
    np.testing.assert_allclose(mech.moment_dyne_cm_from_magnitude(ours), moments_dyne_cm)
    assert mech.moment_dyne_cm_from_magnitude(6.0) == pytest.approx(
        pmt.magnitude_to_moment(6.0) * 1e7
    )


# ------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((3, 3)),
        np.full((3, 3), np.nan),
        np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -2.0]]),
        np.eye(2),
    ],
    ids=["zero", "nan", "non-symmetric", "wrong-shape"],
)
def test_degenerate_tensors_raise(bad):
    for function in (mech.principal_axes, mech.nodal_planes, mech.jost_herrmann, mech.eigenvalues):
        with pytest.raises(mech.MechanismError):
            function(bad)
    with pytest.raises(ValueError):
        mech.scalar_moment(bad)
    with pytest.raises(SeisfocError):
        mech.largest_double_couple(bad)


def test_other_degenerate_inputs_raise():
    with pytest.raises(mech.MechanismError, match="isotropic"):
        mech.nodal_planes(np.eye(3))
    with pytest.raises(mech.MechanismError, match="isotropic"):
        mech.jost_herrmann(2.0 * np.eye(3))
    with pytest.raises(mech.MechanismError):
        mech.moment_magnitude(0.0)
    with pytest.raises(mech.MechanismError):
        mech.moment_tensor_ned(10.0, np.nan, 0.0)
    with pytest.raises(mech.MechanismError, match="perpendicular"):
        mech.sdr_from_normal_slip([0, 0, -1], [0, 1, -1])
    with pytest.raises(mech.MechanismError):
        mech.sdr_from_normal_slip([0, 0, 0], [1, 0, 0])
    with pytest.raises(mech.MechanismError):
        mech.kagan_angle((1.0, 2.0), (1.0, 2.0, 3.0))


def test_module_imports_only_numpy():
    code = (
        "import sys, seisfoc.mechanism\n"
        "heavy = [m for m in ('scipy', 'obspy', 'matplotlib', 'pyrocko', 'seisfoc._kernels')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_pyrocko_is_installed_with_working_extensions():
    """pyrocko's compiled modules load (its binary wheels for Python 3.11 are built
    against NumPy 1 and fail under NumPy 2: scripts/install_pyrocko.sh builds it)."""
    for name in ("moment_tensor", "cake", "orthodrome_ext"):
        module = import_pyrocko(name)
        assert module.__name__ == f"pyrocko.{name}"
