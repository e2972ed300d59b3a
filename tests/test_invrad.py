"""The drop-in invrad against the original's outputs, and its handling of bad input."""

from __future__ import annotations

import io
import re
import shutil
import sys

import pytest

from invrad.dropin import main
from seisfoc.invrad_files import fortran_e, fortran_f, parse_invrad_inp

GOOD_INP = """title
    6  8.0  1.0
 S01  Z P    4.00      20.00    -4.0914E-01
 S02  Z P    5.00      95.00    -4.1058E-01
 S03  Z P    5.00     200.00    -7.1335E-01
 S01  T SH   4.00      20.00     1.8557E+00
 S02  T SH   5.00      95.00    -2.1138E+00
 S03  R SV   5.00     200.00    -4.8768E+00
"""
GOOD_MOD = "    0.0000    6.0000\n   30.0000    6.0000\n   30.0000    8.1000\n"


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
    assert "S04 R SV" in err and "critical" in err and "line 10" in err
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
        (" S02  Z P    5.00      95.00", 4, 29, "short line"),
        (" S02  Z P    5.00      9x.00    -4.1058E-01", 4, 22, "not a number"),
        (" S02  T P    5.00      95.00    -4.1058E-01", 4, 9, "cannot be read"),
        (" S02  Z SH   5.00      95.00    -4.1058E-01", 4, 9, "cannot be read"),
        (" S02  Q P    5.00      95.00    -4.1058E-01", 4, 7, "unknown component"),
        (" S02  Z XX   5.00      95.00    -4.1058E-01", 4, 9, "unknown phase"),
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
        ("    0.0000    6.0000\n    5.0000    6.0000\n", "below the model"),
    ],
)
def test_bad_models(tmp_path, monkeypatch, capsys, mod, words):
    assert _run_in(tmp_path, monkeypatch, GOOD_INP, mod) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err and "invrad.mod" in err


def test_count_mismatch_is_an_error():
    with pytest.raises(Exception, match="declares 7 readings"):
        parse_invrad_inp(GOOD_INP.replace("    6  8.0", "    7  8.0"), "x.inp")


def test_fortran_edit_descriptors():
    assert fortran_e(-0.40914, 13, 5) == " -0.40914E+00"
    assert fortran_e(0.0, 12, 5) == " 0.00000E+00"
    assert fortran_e(float("nan"), 13, 5) == "          NaN"
    assert fortran_f(-1e-4, 10, 2) == "     -0.00"
    assert fortran_f(12345.0, 6, 2) == "******"
