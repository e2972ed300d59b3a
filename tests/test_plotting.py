"""seisfoc.plotting: projection closed forms, great circles, shading and symbols in the image."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from seisfoc import mechanism
from seisfoc import plotting as P
from seisfoc.errors import SeisfocError

pytest.importorskip("matplotlib")

DPI = 60
GREY = np.array([0x9A, 0x9A, 0x9A])
WHITE = np.array([255, 255, 255])


# ----------------------------------------------------------------------- projection


@pytest.mark.parametrize("projection", ["equal-area", "stereographic"])
def test_centre_rim_and_orientation(projection):
    x, y = P.project(0.0, 123.0, projection)
    assert abs(x) < 1e-15 and abs(y) < 1e-15
    # take-off 90 is on the rim: north up, east right, south down, west left
    for az, (ex, ey) in ((0, (0, 1)), (90, (1, 0)), (180, (0, -1)), (270, (-1, 0))):
        x, y = P.project(90.0, az, projection)
        assert x == pytest.approx(ex, abs=1e-12) and y == pytest.approx(ey, abs=1e-12)
    x, y = P.project(90.0, 45.0, projection)
    assert x == pytest.approx(np.sqrt(0.5)) and y == pytest.approx(np.sqrt(0.5))


def test_radius_closed_forms():
    i = np.linspace(0.0, 90.0, 91)
    r = P.radius_from_takeoff(i, "equal-area")
    np.testing.assert_allclose(r, np.sqrt(2.0) * np.sin(np.radians(i) / 2), rtol=1e-14)
    # equal area: the disc inside take-off i holds the fraction 1 - cos i of the hemisphere
    np.testing.assert_allclose(r**2, 1.0 - np.cos(np.radians(i)), atol=1e-14)
    np.testing.assert_allclose(
        P.radius_from_takeoff(i, "stereographic"), np.tan(np.radians(i) / 2), rtol=1e-14
    )
    # the same numbers under the aliases; equal-area lies outside stereographic inside the rim
    np.testing.assert_array_equal(P.radius_from_takeoff(i, "schmidt"), r)
    assert np.all(r[1:-1] > P.radius_from_takeoff(i, "wulff")[1:-1])
    with pytest.raises(SeisfocError, match="unknown projection"):
        P.radius_from_takeoff(10.0, "mercator")


@pytest.mark.parametrize("projection", ["equal-area", "stereographic"])
def test_unproject_inverts_project(projection):
    rng = np.random.default_rng(3)
    i, az = rng.uniform(0.5, 90.0, 200), rng.uniform(0.0, 360.0, 200)
    back_i, back_az = P.unproject(*P.project(i, az, projection), projection)
    np.testing.assert_allclose(back_i, i, atol=1e-9)
    np.testing.assert_allclose(np.cos(np.radians(back_az - az)), 1.0, atol=1e-12)


def test_upgoing_rays_go_through_the_antipode():
    x, y = P.project(120.0, 30.0)
    ex, ey = P.project(60.0, 210.0)
    assert (x, y) == pytest.approx((ex, ey), abs=1e-14)
    # radius sqrt(2) sin(30) = 0.7071 toward azimuth 210 (south-south-west)
    assert np.hypot(x, y) == pytest.approx(np.sqrt(2) * 0.5)
    assert x < 0 and y < 0
    # a vector and its opposite are one axis, drawn once
    v = P.ray_vectors(120.0, 30.0)
    assert P.project_vector(v) == pytest.approx(P.project_vector(-v), abs=1e-14)
    assert P.project_vector(v) == pytest.approx((x, y), abs=1e-14)
    np.testing.assert_allclose(P.ray_vectors(0.0, 77.0), [0, 0, 1], atol=1e-15)


@pytest.mark.parametrize("projection", ["equal-area", "stereographic"])
@pytest.mark.parametrize("strike,dip", [(0, 90), (30, 60), (215, 25), (300, 80), (120, 5)])
def test_great_circle(strike, dip, projection):
    x, y = P.great_circle(strike, dip, projection, n=181)
    # ends on the rim at the strike direction and strike + 180
    assert (x[0], y[0]) == pytest.approx(P.project(90.0, strike, projection), abs=1e-12)
    assert (x[-1], y[-1]) == pytest.approx(P.project(90.0, strike + 180, projection), abs=1e-12)
    # middle: the dip direction at plunge = dip, i.e. take-off 90 - dip
    r = P.radius_from_takeoff(90.0 - dip, projection)
    expected = (r * np.sin(np.radians(strike + 90)), r * np.cos(np.radians(strike + 90)))
    assert (x[90], y[90]) == pytest.approx(expected, abs=1e-12)
    # every point is a direction in the plane
    i, az = P.unproject(x, y, projection)
    normal, _ = mechanism.normal_and_slip(strike, dip, 0.0)
    np.testing.assert_allclose(P.ray_vectors(i, az) @ normal, 0.0, atol=1e-9)
    assert np.all(np.hypot(x, y) <= 1.0 + 1e-12)


def test_vertical_plane_is_a_diameter_and_horizontal_plane_the_rim():
    x, y = P.great_circle(60.0, 90.0)
    np.testing.assert_allclose(
        x * np.cos(np.radians(60)) - y * np.sin(np.radians(60)), 0, atol=1e-12
    )
    x, y = P.great_circle(10.0, 0.0)
    np.testing.assert_allclose(np.hypot(x, y), 1.0, atol=1e-12)
    assert np.ptp(np.arctan2(x, y)) > 6.0  # all the way round


def test_radiation_grid_is_the_p_radiation():
    sdr = (35.0, 50.0, -70.0)
    x, y, amp = P.radiation_grid(sdr, n=41)
    xx, yy = np.meshgrid(x, y)
    i, az = P.unproject(xx, yy)
    np.testing.assert_allclose(amp, mechanism.p_radiation(*sdr, i, az), atol=1e-12)
    # a tensor gives the same grid as its strike/dip/rake
    _, _, amp_t = P.radiation_grid(mechanism.moment_tensor_ned(*sdr), n=41)
    np.testing.assert_allclose(amp_t, amp, atol=1e-12)


def test_small_helpers():
    np.testing.assert_array_equal(
        P.polarity_signs(["C", "U", "+", "D", "-", " ", "x"]), [1, 1, 1, -1, -1, 0, 0]
    )
    np.testing.assert_array_equal(P.polarity_signs([2.0, -0.5, 0.0]), [1, -1, 0])
    assert P.azimuthal_gap([10, 100, 190, 280]) == pytest.approx(90.0)
    assert P.azimuthal_gap([350, 20]) == pytest.approx(330.0)
    assert P.azimuthal_gap([45]) == pytest.approx(360.0)
    assert P.azimuthal_gap([]) is None
    aux = mechanism.auxiliary_plane(30, 60, 90)
    title = P.mechanism_title((30, 60, 90), "2020-01-02 03:04:05.6", "B")
    assert title.splitlines() == [
        "2020-01-02 03:04:05.6",
        f"NP1 30/60/90  NP2 {aux.strike:.0f}/{aux.dip:.0f}/{aux.rake:.0f}  grade B",
    ]
    # eps = -0.2 / 1.2: DC = 100 (1 - 2|eps|) = 67 %
    assert "DC 67%" in P.mechanism_title(np.diag([1.0, 0.2, -1.2]))
    with pytest.raises(SeisfocError, match="mechanism is"):
        P.as_tensor((1.0, 2.0))
    with pytest.raises(SeisfocError):
        P.as_tensor(np.zeros((3, 3)))


def test_import_does_not_load_matplotlib():
    code = "import sys, seisfoc.plotting; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# --------------------------------------------------------------------------- images


def _image(fig):
    fig.set_dpi(DPI)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)


def _pixel(img, fig, x, y):
    ax = fig.axes[0]
    px, py = ax.transData.transform((x, y))
    return img[int(img.shape[0] - py), int(px)]


MECHANISMS = [
    (30.0, 60.0, 90.0),  # thrust
    (120.0, 45.0, -90.0),  # normal
    (10.0, 80.0, 170.0),  # nearly vertical strike-slip
    (250.0, 35.0, 40.0),  # oblique
    np.diag([1.0, 0.3, -1.3]),  # non-double-couple tensor
    np.array([[0.2, 0.5, -0.3], [0.5, -0.7, 0.1], [-0.3, 0.1, 0.5]]),  # general deviatoric
    np.diag([1.0, 0.8, 0.6]),  # explosion + deviatoric: compressional everywhere
]


@pytest.mark.parametrize("projection", ["equal-area", "stereographic"])
@pytest.mark.parametrize("mech", MECHANISMS, ids=range(len(MECHANISMS)))
def test_shading_follows_the_radiation(mech, projection):
    fig = P.beachball_figure(
        mech, projection=projection, show_axes=False, show_planes=False, size_in=3.0
    )
    img = _image(fig)
    layout_axes = mechanism.principal_axes(P.as_tensor(mech))
    m = P.as_tensor(mech)
    # just inside the T axis: compressional colour; just inside P: dilatational (white)
    for axis, expect in ((layout_axes.t, GREY), (layout_axes.p, WHITE)):
        x, y = P.project_vector(axis.vector, projection)
        g = P.ray_vectors(*P.unproject(0.93 * x, 0.93 * y, projection))
        sign = np.sign(g @ m @ g)
        if (sign > 0) != (expect is GREY):
            continue  # e.g. the P axis of a tensor that is compressional everywhere
        np.testing.assert_allclose(_pixel(img, fig, 0.93 * x, 0.93 * y), expect, atol=2)
    # and everywhere away from nodal lines
    rng = np.random.default_rng(7)
    r, a = np.sqrt(rng.uniform(0, 0.9**2, 300)), rng.uniform(0, 2 * np.pi, 300)
    x, y = r * np.sin(a), r * np.cos(a)
    g = P.ray_vectors(*P.unproject(x, y, projection))
    amp = np.einsum("ki,ij,kj->k", g, m, g) / np.max(np.abs(np.linalg.eigvalsh(m)))
    checked = 0
    for xi, yi, ai in zip(x, y, amp, strict=True):
        if abs(ai) < 0.12:
            continue
        np.testing.assert_allclose(_pixel(img, fig, xi, yi), GREY if ai > 0 else WHITE, atol=2)
        checked += 1
    assert checked > 100


def test_axes_labels_at_the_principal_axes():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 2))
    ax = fig.add_axes((0, 0, 1, 1))
    layout = P.draw_beachball(ax, (30.0, 60.0, 90.0))
    dc = mechanism.double_couple(30.0, 60.0, 90.0)
    assert layout.t_xy == pytest.approx(P.project_vector(dc.t.vector))
    assert layout.p_xy == pytest.approx(P.project_vector(dc.p.vector))
    # P of this thrust is horizontal-ish toward 120 (or 300): take-off 75 deg
    assert np.hypot(*layout.p_xy) == pytest.approx(np.sqrt(2) * np.sin(np.radians(37.5)))
    texts = {t.get_text(): t.get_position() for t in ax.texts}
    assert texts["T"] == pytest.approx(layout.t_xy) and texts["P"] == pytest.approx(layout.p_xy)
    assert layout.is_double_couple and layout.plane2 == pytest.approx(dc.plane2)


def test_polarity_symbols_and_inconsistent_marks():
    sdr = (30.0, 60.0, 90.0)
    # T is nearly vertical: the centre is compressional, the rim at azimuth 120 dilatational
    takeoff = np.array([10.0, 170.0, 80.0, 75.0, 45.0])
    azimuth = np.array([0.0, 0.0, 120.0, 160.0, 30.0])
    polarity = np.array(["C", "C", "D", "C", "D"])
    fig = P.beachball_figure(
        sdr, polarity=polarity, takeoff_deg=takeoff, azimuth_deg=azimuth, show_axes=False,
        station=["AAA", "BBB", "CCC", "DDD", "EEE"], label="test",
    )  # fmt: skip
    img = _image(fig)
    predicted = mechanism.predicted_polarity(*sdr, takeoff, azimuth)
    np.testing.assert_array_equal(predicted, [1, 1, -1, -1, 1])
    x, y = P.project(takeoff, azimuth)
    # consistent compressions are black; the inconsistent ones are red at the centre
    assert np.all(_pixel(img, fig, x[0], y[0]) < 40)
    assert np.all(_pixel(img, fig, x[1], y[1]) < 40)  # up-going, drawn at the antipode
    for k in (3, 4):
        red = _pixel(img, fig, x[k], y[k])
        assert red[0] > 150 and red[1] < 110 and red[2] < 110, red
    # a consistent dilatation is an open (white) circle with a black ring
    np.testing.assert_allclose(_pixel(img, fig, x[2], y[2]), WHITE, atol=2)
    ring = _pixel(img, fig, x[2] + 0.045, y[2])
    assert np.all(ring < 120), ring
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == ["AAA", "BBB", "CCC", "DDD", "EEE"]


def test_polarity_layout():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 2))
    ax = fig.add_axes((0, 0, 1, 1))
    takeoff = [20.0, 100.0, 60.0]
    azimuth = [10.0, 200.0, 300.0]
    layout = P.draw_polarities(ax, takeoff, azimuth, [1, 0, -1], mech=(0.0, 90.0, 0.0))
    x, y = P.project([20.0, 60.0], [10.0, 300.0])
    np.testing.assert_allclose(layout.x, x) and np.testing.assert_allclose(layout.y, y)
    expected = mechanism.predicted_polarity(0, 90, 0, [20.0, 60.0], [10.0, 300.0]) != [1, -1]
    np.testing.assert_array_equal(layout.inconsistent, expected)
    given = P.draw_polarities(ax, takeoff, azimuth, [1, 0, -1], inconsistent=[True, False, False])
    np.testing.assert_array_equal(given.inconsistent, [True, False])
    with pytest.raises(SeisfocError, match="length"):
        P.draw_polarities(ax, takeoff, azimuth[:2], [1, 0, -1])


def test_amplitude_symbols():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 3))
    ax = fig.add_axes((0, 0, 1, 1))
    amp = np.array([4.0, -2.0, 1.0, -0.001])
    layout = P.draw_amplitudes(
        ax, [30, 60, 45, 80], [0, 90, 180, 270], amp, phase=["P", "sv", "SH", "P"],
        component=["Z", "R", "T", "Z"], station=["A", "B", "C", "D"],
    )  # fmt: skip
    np.testing.assert_allclose(layout.size_pt2[:3] / layout.size_pt2[0], np.abs(amp[:3]) / 4.0)
    assert layout.size_pt2[3] > 0  # never vanishes: floored at the minimum size
    np.testing.assert_array_equal(layout.positive, amp > 0)
    np.testing.assert_array_equal(layout.phase, ["P", "SV", "SH", "P"])
    markers = sorted(len(c.get_offsets()) for c in ax.collections)
    assert markers == [1, 1, 2]  # one collection per phase
    assert [t.get_text() for t in ax.texts] == ["A Z/P", "B R/SV", "C T/SH", "D Z/P"]
    # readings of one station at one position share a label
    layout = P.draw_amplitudes(
        ax, [30, 30, 30], [10, 10, 10], [1.0, -1.0, 2.0], phase=["P", "SV", "SH"],
        component=["Z", "R", "T"], station=["S1", "S1", "S1"],
    )  # fmt: skip
    assert ax.texts[-1].get_text() == "S1" and len(ax.texts) == 5


def test_amplitude_figure_colours(tmp_path):
    fig = P.amplitude_beachball(
        (0.0, 90.0, 0.0), takeoff_deg=[45.0, 45.0], azimuth_deg=[45.0, 135.0],
        amplitude=[3.0, -3.0], phase=["P", "P"], path=tmp_path / "amp.png", dpi=DPI,
        show_axes=False,
    )  # fmt: skip
    img = _image(fig)
    x, y = P.project([45.0, 45.0], [45.0, 135.0])
    pos, neg = _pixel(img, fig, x[0], y[0]), _pixel(img, fig, x[1], y[1])
    assert pos[0] > pos[2] + 80 and neg[2] > neg[0] + 80, (pos, neg)
    assert (tmp_path / "amp.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_files_by_suffix(tmp_path):
    png = P.save_beachball(tmp_path / "b.png", (10, 40, 60), dpi=DPI, size_in=2.0)
    pdf = P.save_beachball(tmp_path / "b.PDF", (10, 40, 60), size_in=2.0)
    svg = P.save_beachball(tmp_path / "b.svg", (10, 40, 60), size_in=2.0)
    data = open(png, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == 2 * DPI and height > width  # title above the ball
    assert open(pdf, "rb").read()[:5] == b"%PDF-"
    assert b"<svg" in open(svg, "rb").read()[:2000]
    with pytest.raises(SeisfocError, match="must end in"):
        P.save_beachball(tmp_path / "b.jpeg", (10, 40, 60))
    with pytest.raises(SeisfocError, match="cannot write") as err:
        P.save_beachball(tmp_path / "missing" / "b.png", (10, 40, 60))
    assert err.value.path.endswith("b.png")


@pytest.mark.parametrize("sdr", [(30, 60, 90), (120, 45, -90), (10, 80, 170), (250, 35, 40)])
def test_filled_quadrants_agree_with_obspy(sdr):
    """ObsPy's beach() (equal-area, north up, compressions filled) fills the same places."""
    beach = pytest.importorskip("obspy.imaging.beachball").beach
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    theirs = Figure(figsize=(3, 3))
    FigureCanvasAgg(theirs)
    ax = theirs.add_axes((0, 0, 1, 1))
    ax.add_collection(beach(list(sdr), xy=(0, 0), width=2, facecolor="k", linewidth=0))
    ax.set_xlim(-1.1, 1.1), ax.set_ylim(-1.1, 1.1), ax.set_aspect("equal")
    ours = P.beachball_figure(sdr, show_axes=False, show_planes=False, size_in=3.0)
    img_theirs, img_ours = _image(theirs), _image(ours)
    rng = np.random.default_rng(11)
    r, a = np.sqrt(rng.uniform(0, 0.9**2, 300)), rng.uniform(0, 2 * np.pi, 300)
    x, y = r * np.sin(a), r * np.cos(a)
    amp = mechanism.p_radiation(*sdr, *P.unproject(x, y))
    keep = np.abs(amp) > 0.15
    assert np.count_nonzero(keep) > 200
    points = list(zip(x[keep], y[keep], strict=True))
    filled_theirs = [_pixel(img_theirs, theirs, *pt).mean() < 128 for pt in points]
    filled_ours = [_pixel(img_ours, ours, *pt).mean() < 200 for pt in points]
    np.testing.assert_array_equal(filled_ours, filled_theirs)
    np.testing.assert_array_equal(filled_ours, amp[keep] > 0)
