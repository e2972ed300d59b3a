"""Layered velocity models: readers, validation, v(z)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from seisfoc.errors import ModelError, SeisfocError
from seisfoc.io.invrad import read_invrad_model, read_model
from seisfoc.io.station0 import read_station0_model
from seisfoc.velocity import LayeredModel

EBEL_MODEL = [
    (0.0, 5.0),
    (2.0, 6.0),
    (2.0, 6.0),
    (10.0, 6.0),
    (10.0, 6.6),
    (20.0, 6.9),
    (20.0, 7.1),
    (34.0, 7.2),
    (34.0, 8.1),
]


def write_invrad(path, rows):
    path.write_text("".join(f"{z:10.4f}{v:10.4f}\n" for z, v in rows))
    return path


@pytest.fixture
def ebel(tmp_path):
    return read_invrad_model(write_invrad(tmp_path / "invrad.mod", EBEL_MODEL))


def test_invrad_layers_from_points(ebel):
    np.testing.assert_array_equal(ebel.depth_top_km, [0, 2, 10, 20, 34])
    np.testing.assert_array_equal(ebel.vp_top, [5.0, 6.0, 6.6, 7.1, 8.1])
    np.testing.assert_array_equal(ebel.vp_bottom, [6.0, 6.0, 6.9, 7.2, 8.1])
    np.testing.assert_allclose(ebel.vs_top, ebel.vp_top / 1.732, rtol=1e-15)
    np.testing.assert_allclose(ebel.gradient("P"), [0.5, 0.0, 0.03, 0.1 / 14, 0.0], rtol=1e-12)
    assert ebel.bottom_km == 34.0
    assert ebel.n_layers == 5


def test_velocity_at_depth_and_discontinuity_rule(ebel):
    # inside gradient layers: linear interpolation
    assert ebel.vp(1.0) == pytest.approx(5.5, rel=1e-15)
    assert ebel.vp(15.0) == pytest.approx(6.75, rel=1e-15)
    assert ebel.vs(15.0) == pytest.approx(6.75 / 1.732, rel=1e-15)
    # at a discontinuity: the layer below by default, the limit from above on request
    assert ebel.vp(10.0) == 6.6
    assert ebel.vp(10.0, side="above") == 6.0
    assert ebel.vp(34.0) == 8.1
    assert ebel.vp(34.0, side="above") == pytest.approx(7.2, rel=1e-15)
    # surface and half-space
    assert ebel.vp(0.0) == ebel.vp(0.0, side="above") == 5.0
    assert ebel.vp(500.0) == 8.1
    np.testing.assert_allclose(ebel.vp(np.array([0.5, 2.0, 25.0])), [5.25, 6.0, 7.1 + 5 / 140])


def test_vs_ratio_and_explicit_vs(tmp_path):
    p = tmp_path / "m.mod"
    p.write_text(f"{0.0:10.4f}{6.0:10.4f}{3.5:10.4f}\n{10.0:10.4f}{6.0:10.4f}\n")
    m = read_invrad_model(p, vp_vs=math.sqrt(3))
    assert m.vs_top[0] == 3.5
    assert m.vs_bottom[0] == pytest.approx(6.0 / math.sqrt(3), rel=1e-15)


def test_split_inserts_boundary(ebel):
    s = ebel.split(15.0)
    np.testing.assert_array_equal(s.depth_top_km, [0, 2, 10, 15, 20, 34])
    assert s.vp_bottom[2] == pytest.approx(6.75) and s.vp_top[3] == pytest.approx(6.75)
    for z in (1.0, 12.0, 15.0, 18.0, 40.0):
        assert s.vp(z) == pytest.approx(ebel.vp(z), rel=1e-14)
    assert ebel.split(10.0) is ebel


def test_reference_invrad_models(reference_dir):
    m = read_invrad_model(reference_dir / "amplitudes/caseB_ebelmodel_dc/invrad.mod")
    np.testing.assert_array_equal(m.depth_top_km, [0, 2, 10, 20, 34])
    a = read_invrad_model(reference_dir / "amplitudes/caseA_homog_dc/invrad.mod")
    np.testing.assert_array_equal(a.depth_top_km, [0, 30, 60])
    np.testing.assert_array_equal(a.vp_top, [6.0, 8.1, 8.1])
    assert a.bottom_km == 60.0


@pytest.mark.parametrize(
    "text, line, column, words",
    [
        (
            f"{0.0:10.4f}{6.0:10.4f}\n{10.0:10.4f}{6.0:10.4f}\n{5.0:10.4f}{6.5:10.4f}\n",
            3,
            1,
            "backwards",
        ),
        (f"{0.0:10.4f}{6.0:10.4f}\n{10.0:10.4f}{0.0:10.4f}\n", 2, 11, "positive"),
        (f"{0.0:10.4f}{6.0:10.4f}\n{10.0:10.4f}{-6.0:10.4f}\n", 2, 11, "positive"),
        (f"{0.0:10.4f}{6.0:10.4f}\n{10.0:10.4f}     abc  \n", 2, 11, "not a number"),
        (f"{0.0:10.4f}{6.0:10.4f}\n{10.0:10.4f}\n", 2, 11, "short line"),
        (f"{0.0:10.4f}{6.0:10.4f}\n      10.0  \n", 2, 11, "short line"),
        (f"{0.0:10.4f}{6.0:10.4f}\n        10      6.00\n", 2, 1, "decimal point"),
        (f"{1.0:10.4f}{6.0:10.4f}\n", 1, 1, "free surface"),
        (f"{0.0:10.4f}{6.0:10.4f}{6.5:10.4f}\n", 1, 21, "smaller than Vp"),
    ],
)
def test_invrad_model_errors(tmp_path, text, line, column, words):
    p = tmp_path / "invrad.mod"
    p.write_text(text)
    with pytest.raises(ModelError) as info:
        read_invrad_model(p)
    err = info.value
    assert (err.path, err.line, err.column) == (str(p), line, column)
    assert words in err.message
    assert str(p) in str(err) and f"line {line}" in str(err)


def test_empty_and_missing_files(tmp_path):
    p = tmp_path / "invrad.mod"
    p.write_text("\n\n")
    with pytest.raises(ModelError, match="empty"):
        read_invrad_model(p)
    with pytest.raises(ModelError, match="cannot read"):
        read_invrad_model(tmp_path / "nope.mod")


STATION0 = "\n".join(
    [
        "RESET TEST(02)=500.0",
        "RESET TEST(07)=-4.28",
        "",
        "  BER 6022.20N  519.00E  44",
        "  KONO5935.78N  935.95E 216",
        " ",
        "  6.2       0.0",
        "  6.6      12.0",
        "  7.1      23.0      B",
        "  8.05     31.0      N     ",
        "  8.25     50.0  4.9",
        "   ",
        "15.0 1000.1500. 1.74    ",
        "BER",
        "",
    ]
)


def test_station0_model(tmp_path):
    p = tmp_path / "STATION0.HYP"
    p.write_text(STATION0)
    m = read_model(p)
    np.testing.assert_array_equal(m.depth_top_km, [0, 12, 23, 31, 50])
    np.testing.assert_array_equal(m.vp_top, [6.2, 6.6, 7.1, 8.05, 8.25])
    np.testing.assert_array_equal(m.vp_bottom, m.vp_top)
    np.testing.assert_allclose(m.vs_top[:4], np.array([6.2, 6.6, 7.1, 8.05]) / 1.74, rtol=1e-15)
    assert m.vs_top[4] == 4.9
    assert m.interfaces == ("", "", "B", "N", "")
    assert m.vp_vs == 1.74
    assert m.bottom_km == math.inf
    assert m.vp(12.0) == 6.6 and m.vp(12.0, side="above") == 6.2


def test_station0_without_reset_lines(tmp_path):
    p = tmp_path / "STATION0.HYP"
    p.write_text("\n" + STATION0.split("\n\n", 1)[1])
    m = read_station0_model(p)
    assert m.n_layers == 5


def test_reference_station0(reference_dir):
    m = read_station0_model(reference_dir / "STATION0.HYP")
    np.testing.assert_array_equal(m.depth_top_km, [0, 12, 23, 31, 50, 80])
    np.testing.assert_array_equal(m.vp_top, [6.2, 6.6, 7.1, 8.05, 8.25, 8.5])
    np.testing.assert_allclose(m.vs_top, m.vp_top / 1.74, rtol=1e-15)
    assert m.interfaces[2:4] == ("B", "N")


@pytest.mark.parametrize(
    "old, new, line, column, words",
    [
        ("  8.25     50.0  4.9", "  8.25     20.0", 11, 12, "backwards"),
        ("  6.6      12.0", "  0.0      12.0", 8, 3, "positive"),
        ("  6.6      12.0", "  6.6      x2.0", 8, 12, "not a number"),
        ("  6.6      12.0", "  6.6", 8, 6, "short line"),
        ("  7.1      23.0      B", "  7.1      23.0      Q", 9, 22, "interface flag"),
        ("15.0 1000.1500. 1.74", "15.0 1000.1500.     ", 13, 16, "Vp/Vs"),
    ],
)
def test_station0_errors(tmp_path, old, new, line, column, words):
    p = tmp_path / "STATION0.HYP"
    assert old in STATION0
    p.write_text(STATION0.replace(old, new))
    with pytest.raises(ModelError) as info:
        read_station0_model(p)
    err = info.value
    assert (err.line, err.column) == (line, column), str(err)
    assert words in err.message


def test_from_arrays_validation():
    m = LayeredModel.from_arrays([0.0, 5.0], [5.0, 6.0], [5.5, 6.0], vp_vs=1.8, rho_top=[2.6, 2.8])
    assert m.vs_bottom[0] == pytest.approx(5.5 / 1.8)
    assert m.density(2.5) == pytest.approx(2.6)
    with pytest.raises(ModelError, match="backwards"):
        LayeredModel.from_arrays([0.0, 5.0, 5.0], [5.0, 6.0, 7.0])
    with pytest.raises(ModelError, match="positive"):
        LayeredModel.from_arrays([0.0, 5.0], [5.0, 0.0])
    with pytest.raises(ModelError, match="half-space"):
        LayeredModel.from_arrays([0.0, 5.0], [5.0, 6.0], [5.5, 6.5])
    with pytest.raises(ModelError, match="free surface"):
        LayeredModel.from_arrays([1.0], [5.0])
    with pytest.raises(SeisfocError, match="values"):
        LayeredModel.from_arrays([0.0, 5.0], [5.0])
    with pytest.raises(ModelError):
        m.vp(-1.0)
