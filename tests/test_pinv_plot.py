"""``seisfoc pinv --plot`` and ``--quakeml`` on the example database shipped with seisfoc."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from seisfoc.pinv import program

from seisfoc import mechanism
from seisfoc import plotting as P
from seisfoc.cli import main
from seisfoc.io import nordic

pytest.importorskip("matplotlib")

EXAMPLE = Path(__file__).resolve().parent.parent / "seisfoc" / "data" / "example" / "REA" / "EXAMP"
FLIPPED = EXAMPLE / "2021" / "05" / "19-1402-07L.S202105"  # one polarity flipped
PLAIN = EXAMPLE / "2021" / "03" / "04-0217-41L.S202103"

if not EXAMPLE.is_dir():  # pragma: no cover - the example database ships with the package
    pytest.skip("example database missing", allow_module_level=True)


def _solve(path, **kw):
    return program.solve_event(nordic.read_events(path)[0], **kw)


def _read_png(path):
    import matplotlib.image

    return (matplotlib.image.imread(path)[..., :3] * 255).round().astype(int)


def _ball_pixel(img, x, y):
    """Pixel of projection point (x, y) in a default --plot figure: 4 in wide at 100 dpi,
    the ball's axes spanning the width, 0.08 in above the bottom (seisfoc.plotting)."""
    height, width = img.shape[:2]
    assert width == 400
    half = width / 2.0
    scale = half / P._LIMIT
    col = half + x * scale
    row = height - 8 - half - y * scale
    return img[int(row), int(col)]


def test_plot_marks_polarities_and_inconsistent_ones(tmp_path, capsys):
    png = tmp_path / "ball.png"
    assert main(["pinv", str(FLIPPED), "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    img = _read_png(png)
    r = _solve(FLIPPED)
    pol, ain, az, consistent = program.polarity_arrays(r)
    assert np.any(consistent < 0) and np.any(ain > 90)  # a red mark and up-going rays
    x, y = P.project(ain, az)
    dc = mechanism.double_couple(*r.solution.strike_dip_rake)
    labels = np.array([P.project_vector(a.vector) for a in (dc.t, dc.p)])
    checked = {"C": 0, "D": 0, "bad": 0}
    for k in range(len(pol)):
        others = np.hypot(x - x[k], y - y[k])
        others[k] = np.inf
        if consistent[k] < 0:  # inconsistent ones are drawn on top of the others
            others[consistent >= 0] = np.inf
        if others.min() < 0.2 or np.hypot(*(labels - [x[k], y[k]]).T).min() < 0.15:
            continue  # symbols or axis labels overlap: the centre pixel is not this one's
        rgb = _ball_pixel(img, x[k], y[k])
        if consistent[k] < 0:
            assert rgb[0] > 150 and rgb[1] < 110 and rgb[2] < 110, (k, rgb)
            checked["bad"] += 1
        elif pol[k] > 0:
            assert np.all(rgb < 40), (k, rgb)
            checked["C"] += 1
        else:
            assert np.all(rgb > 245), (k, rgb)
            checked["D"] += 1
    assert checked["bad"] >= 1 and checked["C"] >= 3 and checked["D"] >= 3, checked
    # shading: just inside T compressional grey, just inside P white
    for axis, expect in ((dc.t, 0x9A), (dc.p, 255)):
        tx, ty = P.project_vector(axis.vector)
        rgb = _ball_pixel(img, 0.9 * tx + 0.02, 0.9 * ty + 0.02)
        if np.min(np.hypot(x - 0.9 * tx, y - 0.9 * ty)) > 0.1:
            np.testing.assert_allclose(rgb, expect, atol=3)


def test_plot_one_file_per_event(tmp_path):
    db = tmp_path / "EXAMP"
    shutil.copytree(EXAMPLE, db)
    pattern = str(tmp_path / "ball_{:02d}.pdf")
    assert main(["pinv", str(db), "--plot", pattern, "--no-progress"]) == 0
    made = sorted(p.name for p in tmp_path.glob("ball_*.pdf"))
    assert made == [f"ball_{k:02d}.pdf" for k in range(1, 10)]
    assert all((tmp_path / m).read_bytes()[:5] == b"%PDF-" for m in made)
    by_name = str(tmp_path / "{name}.png")
    assert main(["pinv", str(PLAIN), str(FLIPPED), "--plot", by_name, "--plot-labels"]) == 0
    assert (tmp_path / f"{PLAIN.name}.png").is_file() and (
        tmp_path / f"{FLIPPED.name}.png"
    ).is_file()
    # without a pattern only the first event is drawn
    assert main(["pinv", str(PLAIN), str(FLIPPED), "--plot", str(tmp_path / "one.png")]) == 0
    assert (tmp_path / "one.png").is_file()


def test_plot_errors_are_one_line(tmp_path, capsys):
    assert main(["pinv", str(PLAIN), "--plot", str(tmp_path / "b_{x}.png")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("seisfoc pinv: error: --plot: bad file name pattern") and "\n" not in err
    assert main(["pinv", str(PLAIN), "--plot", str(tmp_path / "b.gif")]) == 1
    assert "must end in .png, .pdf or .svg" in capsys.readouterr().err
    assert (
        main(["pinv", str(PLAIN), str(FLIPPED), "--plot", str(tmp_path / "same{name:.0}.png")]) == 1
    )
    assert "repeats a file name" in capsys.readouterr().err


def test_quakeml_reads_back(tmp_path):
    from obspy import UTCDateTime, read_events

    xml = tmp_path / "fm.xml"
    argv = ["pinv", str(FLIPPED), str(PLAIN), "--quakeml", str(xml), "--agency", "BER"]
    assert main(argv + ["--uncertainty", "--trials", "60"]) == 0
    cat = read_events(str(xml))
    assert len(cat) == 2
    for path, ev in zip((FLIPPED, PLAIN), cat, strict=True):
        sevent = nordic.read_events(path)[0]
        r = program.solve_event(sevent)
        sol = r.solution
        fm = ev.preferred_focal_mechanism()
        np1, np2 = fm.nodal_planes.nodal_plane_1, fm.nodal_planes.nodal_plane_2
        assert fm.nodal_planes.preferred_plane == 1
        assert (np1.strike, np1.dip, np1.rake) == pytest.approx(sol.strike_dip_rake, abs=1e-9)
        assert (np2.strike, np2.dip, np2.rake) == pytest.approx(sol.aux_strike_dip_rake, abs=1e-9)
        assert np1.strike_errors.uncertainty > 0 and np1.dip_errors.uncertainty > 0
        pol, _, az, _ = program.polarity_arrays(r)
        assert fm.station_polarity_count == len(pol) == 22
        assert fm.misfit == pytest.approx(sol.n_inconsistent / 22)
        gaps = np.diff(np.sort(np.r_[az % 360, az.min() % 360 + 360]))
        assert fm.azimuthal_gap == pytest.approx(gaps.max())
        assert 0 < fm.station_distribution_ratio <= 1
        assert fm.method_id.id.endswith("/PINV")
        assert fm.creation_info.agency_id == "BER"
        assert any(c.text.startswith("quality grade ") for c in fm.comments)
        # axes and tensor: the planes follow from T and P; unit scalar moment
        pa = fm.principal_axes
        t = mechanism.vector_from_trend_plunge(pa.t_axis.azimuth, pa.t_axis.plunge)
        p = mechanism.vector_from_trend_plunge(pa.p_axis.azimuth, pa.p_axis.plunge)
        assert mechanism.kagan_angle(mechanism.sdr_from_pt(p, t)[0], sol.strike_dip_rake) < 1e-3
        assert pa.t_axis.length > pa.n_axis.length > pa.p_axis.length
        tensor = fm.moment_tensor.tensor
        m = mechanism.tensor_from_m6_use(
            tensor.m_rr, tensor.m_tt, tensor.m_pp, tensor.m_rt, tensor.m_rp, tensor.m_tp
        )
        assert mechanism.scalar_moment(m) == pytest.approx(1.0)
        ned = sol.moment_tensor_ned
        np.testing.assert_allclose(m, ned / mechanism.scalar_moment(ned), atol=1e-12)
        lengths = [pa.t_axis.length, pa.n_axis.length, pa.p_axis.length]
        np.testing.assert_allclose(mechanism.eigenvalues(m), lengths, atol=1e-12)
        # origin from the S-file header
        h = sevent.headers[0]
        origin = ev.preferred_origin()
        assert fm.triggering_origin_id == origin.resource_id
        assert fm.moment_tensor.derived_origin_id == origin.resource_id
        assert origin.latitude == pytest.approx(h.latitude) and origin.longitude == pytest.approx(
            h.longitude
        )
        assert origin.depth == pytest.approx(h.depth_km * 1000.0)
        expected = UTCDateTime(h.year, h.month, h.day, h.hour, h.minute) + h.second
        assert abs(origin.time - expected) < 1e-6


def test_quakeml_unwritable(tmp_path, capsys):
    target = tmp_path / "missing" / "fm.xml"
    assert main(["pinv", str(PLAIN), "--quakeml", str(target)]) == 1
    assert "cannot write QuakeML" in capsys.readouterr().err
