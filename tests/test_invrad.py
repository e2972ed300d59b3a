"""The drop-in invrad against the original's outputs, and its handling of bad input."""

from __future__ import annotations

import io
import re
import shutil
import sys

import numpy as np
import pytest
from seisfoc.invrad import inversion as INV
from seisfoc.invrad.dropin import main

from seisfoc import amplitude as A
from seisfoc import mechanism
from seisfoc.io.fortran_fields import fortran_e, fortran_f
from seisfoc.io.invrad import format_invrad_inp, parse_invrad_inp
from seisfoc.velocity import LayeredModel

# a two-layer model of this test's own and six readings of a (40, 70, 15) double couple of
# 300 x 1e16 dyne-cm computed with the package's forward model (seisan mode)
GOOD_MOD = "    0.0000    5.8000\n   25.0000    5.8000\n   25.0000    7.9000\n"
GOOD_MECHANISM = (40.0, 70.0, 15.0, 300.0)


def _good_inp() -> str:
    model = LayeredModel.from_arrays([0.0, 25.0], [5.8, 7.9])  # GOOD_MOD
    readings = A.AmplitudeReadings(
        ["K11", "K12", "K13", "K11", "K12", "K14"], ["Z", "Z", "Z", "T", "T", "R"],
        ["P", "P", "P", "SH", "SH", "SV"], [6.5, 11.0, 7.5, 6.5, 11.0, 4.5],
        [35.0, 150.0, 260.0, 35.0, 150.0, 310.0], np.zeros(6),
    )  # fmt: skip
    green = A.green_functions(readings, model, 8.0, mode="seisan")
    amps = green.predict(mechanism.moment_tensor_ned(*GOOD_MECHANISM))
    return format_invrad_inp("synthetic", 8.0, 1.0, readings.with_amplitudes(amps, True))


GOOD_INP = _good_inp()


def _run_in(tmp_path, monkeypatch, inp, mod, stdin=""):
    (tmp_path / "invrad.inp").write_text(inp)
    (tmp_path / "invrad.mod").write_text(mod)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main([])


def _skeleton(line):
    return re.sub(r"\s*-?\d+\.\d*(?:E[-+]\d+)?", "#", line)


def _numbers(line):
    return [float(x) for x in re.findall(r"-?\d+\.\d+(?:E[-+]\d+)?", line)]


@pytest.mark.parametrize("case", ["caseA_homog_dc", "caseB_ebelmodel_dc", "caseD_homog_dc_clvd"])
def test_reproduces_reference(reference_dir, tmp_path, monkeypatch, capsys, case):
    folder = reference_dir / "amplitudes" / case
    for name in ("invrad.inp", "invrad.mod"):
        shutil.copy(folder / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main([]) == 0
    ours = (tmp_path / "invrad.out").read_text().splitlines()
    ref = (folder / "invrad.out.reference").read_text().splitlines()
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref, strict=True):
        # same layout: same length and the same text around the numbers
        assert len(a) == len(b), (a, b)
        assert _skeleton(a) == _skeleton(b), (a, b)
    strikes = [(i, line) for i, line in enumerate(ref) if line.startswith("STRIKE=")]
    for i, line in strikes:
        s, _, d, _, r, _ = _numbers(ours[i])
        rs, _, rd, _, rr, _ = _numbers(line)
        assert s == pytest.approx(rs, abs=0.05)
        assert d == pytest.approx(rd, abs=0.05)
        assert r == pytest.approx(rr, abs=0.05)
    i = next(i for i, line in enumerate(ref) if "EVENT MOMENT" in line)
    assert _numbers(ours[i])[0] == pytest.approx(_numbers(ref[i])[0], rel=1e-3)
    i = next(i for i, line in enumerate(ref) if "CLVD MOMENT" in line)
    assert _numbers(ours[i])[0] == pytest.approx(_numbers(ref[i])[0], abs=0.1)
    # data resolution of readings the original traced correctly
    j = ref.index(" DATA RESOLUTION MATRIX")
    for a, b in zip(ours[j + 1 : j + 8], ref[j + 1 : j + 8], strict=True):
        assert _numbers(a)[:7] == pytest.approx(_numbers(b)[:7], abs=0.02)


def test_case_e_rejected_naming_s04_sv(reference_dir, tmp_path, monkeypatch, capsys):
    folder = reference_dir / "amplitudes" / "caseE_sv_postcritical"
    for name in ("invrad.inp", "invrad.mod"):
        shutil.copy(folder / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    assert main([]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "S04 R SV" in err and "critical" in err and "line 10, column 12" in err
    out = (tmp_path / "invrad.out").read_text()
    assert "STRIKE=" not in out and "NaN" not in out


def test_asks_for_depth_and_error_on_stdin(tmp_path, monkeypatch, capsys):
    inp = GOOD_INP.replace("    6  8.0  1.0", "    6  0.0  0.0")
    assert _run_in(tmp_path, monkeypatch, inp, GOOD_MOD, stdin="8.0\n1.0\n") == 0
    out = (tmp_path / "invrad.out").read_text()
    assert out.startswith(" Source depth:  8.00 km")


def test_eof_on_stdin_is_an_error_not_a_hang(tmp_path, monkeypatch, capsys):
    inp = GOOD_INP.replace("    6  8.0  1.0", "    6  0.0  1.0")
    assert _run_in(tmp_path, monkeypatch, inp, GOOD_MOD, stdin="") == 1
    err = capsys.readouterr().err
    assert "source depth" in err and "line 2" in err and "column 6" in err


@pytest.mark.parametrize(
    "bad,line,column,words",
    [
        (" K12  Z P   11.00     150.00", 4, 29, "short line"),
        (" K12  Z P   11.00     1x0.00    -1.3354E-01", 4, 22, "not a number"),
        (" K12  T P   11.00     150.00    -1.3354E-01", 4, 9, "cannot be read"),
        (" K12  Z SH  11.00     150.00    -1.3354E-01", 4, 9, "cannot be read"),
        (" K12  Q P   11.00     150.00    -1.3354E-01", 4, 7, "unknown component"),
        (" K12  Z XX  11.00     150.00    -1.3354E-01", 4, 9, "unknown phase"),
        (" K12  Z P   11.00     940.00    -1.3354E-01", 4, 22, "outside 0-360"),
        (" K12  Z P   11.00     -10.00    -1.3354E-01", 4, 22, "outside 0-360"),
    ],
)
def test_bad_reading_lines(tmp_path, monkeypatch, capsys, bad, line, column, words):
    lines = GOOD_INP.splitlines()
    lines[line - 1] = bad
    assert _run_in(tmp_path, monkeypatch, "\n".join(lines) + "\n", GOOD_MOD) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"line {line}" in err and f"column {column}" in err and words in err


@pytest.mark.parametrize(
    "mod,words",
    [
        ("    0.0000    6.0000\n   30.0000    6.0000\n   20.0000    8.1000\n", "backwards"),
        ("    0.0000    6.0000\n   30.0000    0.0000\n", "positive"),
    ],
)
def test_bad_models(tmp_path, monkeypatch, capsys, mod, words):
    assert _run_in(tmp_path, monkeypatch, GOOD_INP, mod) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err and "invrad.mod" in err


def test_good_input_gives_its_mechanism_back(tmp_path, monkeypatch, capsys):
    assert _run_in(tmp_path, monkeypatch, GOOD_INP, GOOD_MOD) == 0
    out = (tmp_path / "invrad.out").read_text()
    planes = [_numbers(line) for line in out.splitlines() if line.startswith("STRIKE=")]
    truth = mechanism.moment_tensor_ned(*GOOD_MECHANISM[:3])
    for s, _, d, _, r, _ in planes:
        assert mechanism.kagan_angle(truth, mechanism.moment_tensor_ned(s, d, r)) < 0.2
    moment = next(_numbers(x)[0] for x in out.splitlines() if "EVENT MOMENT" in x)
    assert moment == pytest.approx(GOOD_MECHANISM[3], rel=1e-3)


def test_source_below_the_model_is_an_error_at_the_depth(tmp_path, monkeypatch, capsys):
    """A source below the last line of invrad.mod: one line naming where the depth is."""
    deep = GOOD_INP.replace("    6  8.0  1.0", "    6 40.0  1.0")
    assert _run_in(tmp_path, monkeypatch, deep, GOOD_MOD) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "invrad.inp, line 2, column 6: source depth 40 km is below" in err
    assert "25 km" in err
    # the same model written down to 60 km takes the source
    longer = GOOD_MOD + "   60.0000    7.9000\n"
    assert _run_in(tmp_path, monkeypatch, deep, longer) == 0
    out = (tmp_path / "invrad.out").read_text()
    assert "NaN" not in out and "STRIKE=" in out


def test_count_mismatch_is_an_error():
    with pytest.raises(Exception, match="declares 7 readings"):
        parse_invrad_inp(GOOD_INP.replace("    6  8.0", "    7  8.0"), "x.inp")


def test_fortran_edit_descriptors():
    assert fortran_e(-0.22545, 13, 5) == " -0.22545E+00"
    assert fortran_e(0.0, 12, 5) == " 0.00000E+00"
    assert fortran_e(float("nan"), 13, 5) == "          NaN"
    assert fortran_f(-1e-4, 10, 2) == "     -0.00"
    assert fortran_f(12345.0, 6, 2) == "******"


def test_wide_angle_errors_stay_numbers_in_the_legacy_layout(tmp_path, monkeypatch, capsys):
    """A nearly pure CLVD barely defines its planes: strike errors beyond 180 deg. The
    modern report calls them unresolved; invrad.out prints the number, as the original
    did, so that programs reading its columns find one."""
    model = LayeredModel.from_arrays([0.0, 25.0], [5.8, 7.9])
    az = np.linspace(0.0, 330.0, 12)
    dist = np.linspace(4.0, 24.0, 12)
    readings = A.AmplitudeReadings(
        [f"C{i:02d}" for i in range(12)], ["Z", "T"] * 6, ["P", "SH"] * 6,
        dist, az, np.zeros(12),
    )  # fmt: skip
    clvd = np.diag([-1.0, -1.0, 2.0]) * 100.0  # vertical CLVD, no preferred strike
    clvd += 0.02 * mechanism.moment_tensor_ned(30.0, 60.0, 10.0, 100.0)
    amps = A.green_functions(readings, model, 8.0, mode="seisan").predict(clvd)
    inp = format_invrad_inp("clvd", 8.0, 1.0, readings.with_amplitudes(amps, True))
    assert _run_in(tmp_path, monkeypatch, inp, GOOD_MOD) == 0
    planes = [x for x in (tmp_path / "invrad.out").read_text().splitlines() if "STRIKE=" in x]
    assert planes and all("unres" not in x and "nan" not in x.lower() for x in planes)
    assert max(abs(_numbers(x)[1]) for x in planes) > 180.0  # the strike error, a number
    # the modern report marks the same error unresolved
    data = readings.with_amplitudes(amps, True)
    green = A.green_functions(data, model, 8.0, mode="seisan")
    sol = INV.analyse(INV.invert_moment_tensor(green, data, 1.0), green)
    assert np.isnan(sol.plane_errors[:, 0]).any()
    assert (sol.legacy_plane_errors[:, 0] > 180.0).any()
