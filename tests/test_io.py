"""seisfoc.io: the Fortran field reader and edit-descriptor writer (gfortran as the oracle
where it is installed) and the format sniffers beside the readers."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import pytest
from support.nordic import header, sfile_new, sfile_old
from support.reference import AMPLITUDES, BUNDLE, have_reference, reference_path

from seisfoc.errors import NordicError, SeisfocError
from seisfoc.io import nordic
from seisfoc.io.cmtsolution import is_cmtsolution
from seisfoc.io.fortran_fields import (
    FieldError,
    fortran_e,
    fortran_f,
    fortran_i,
    parse_int,
    parse_real,
    read_real,
)
from seisfoc.io.invrad import is_invrad_inp

# ------------------------------------------------------------------ reading fields


@pytest.mark.parametrize(
    "text, decimals, value",
    [
        ("0 10.0", 0, 10.0),  # blanks inside a field are nulls
        (b"  45", 0, 45.0),
        ("  123", 1, 12.3),  # F5.1 without a point: one implied decimal
        (" 12.3", 1, 12.3),  # a point overrides the format's decimals
        ("12E-2", 4, 1.2e-5),  # E12.4: the mantissa gets the implied decimals
        ("1.5D2", 0, 150.0),
        ("-.5", 0, -0.5),
        ("+7", 2, 0.07),
    ],
)
def test_parse_real_reads_as_fortran_does(text, decimals, value):
    assert parse_real(text, decimals) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("text", ["nan", "inf", "1_0", "1\t2", "1.2.3", "--1", "e5", "12a"])
def test_parse_real_refuses_what_is_not_a_number(text):
    with pytest.raises(FieldError):
        parse_real(text)


def test_parse_real_options():
    assert parse_real("   ") is None and parse_int(b"  ") is None
    with pytest.raises(FieldError):
        parse_real("1 2", inner_blanks=False)
    with pytest.raises(FieldError):
        parse_real("1D2", d_exponent=False)
    with pytest.raises(FieldError, match="finite"):
        parse_real("1E999")
    assert parse_real("1E999", finite=False) == math.inf
    assert parse_int(" 1 2") == 12
    with pytest.raises(FieldError, match="integer"):
        parse_int("1.0")


def test_read_real_names_the_field():
    with pytest.raises(NordicError) as err:
        read_real("x!?", what="AIN", path="hyp.out", line=7, column=58, error=NordicError)
    assert "AIN 'x!?' is not a number" in str(err.value)
    assert (err.value.path, err.value.line, err.value.column) == ("hyp.out", 7, 58)
    with pytest.raises(SeisfocError, match="depth is missing"):
        read_real("   ", what="depth")
    assert read_real("  ", what="AIN", blank=-999.0) == -999.0
    assert read_real("  ", what="AIN", required=False) is None


# ------------------------------------------------------------------ writing fields


def test_writers_known_layouts():
    assert fortran_f(-0.5, 4, 2) == "-.50"  # the leading zero goes when it must
    assert fortran_f(0.5, 5, 2) == " 0.50"
    assert fortran_f(1234.5, 5, 1) == "*****"
    assert fortran_f(float("nan"), 5, 1) == "  NaN"
    assert fortran_f(0.1, 12, 9, single=True) == " 0.100000001"  # REAL*4 rounding
    assert fortran_e(0.40914, 11, 5) == "0.40914E+00"
    assert fortran_e(-0.40914, 12, 4, leading_zero=False) == " -4.0914E-01"
    assert fortran_i(123, 2) == "**" and fortran_i(-5, 4) == "  -5"


VALUES = [0.0, 0.5, -0.5, 0.05, -0.049, 1.25, -1.75, 12.3456, 359.95, -359.95, 1234.5, 3.0e-5]
F_FORMATS = [(4, 2), (5, 1), (6, 2), (7, 2), (10, 1), (10, 5), (12, 6)]
E_FORMATS = [(11, 5), (12, 4), (13, 5)]


@pytest.mark.skipif(shutil.which("gfortran") is None, reason="needs gfortran")
def test_writers_agree_with_gfortran(tmp_path):
    """Fw.d, Ew.d and Iw of a set of values, written by gfortran itself."""
    lines = ["program w", "implicit none", "double precision :: v"]
    for v in VALUES:
        lines.append(f"v = {v:.17e}".replace("e", "d"))
        for w, d in F_FORMATS:
            lines.append(f"write(*,'(F{w}.{d})') v")
        for w, d in E_FORMATS:
            lines.append(f"write(*,'(E{w}.{d})') v")
    for k in (0, 7, -5, 123, -123, 99999):
        lines += [f"write(*,'(I3)') {k}", f"write(*,'(I6)') {k}"]
    lines.append("end program w")
    src = tmp_path / "w.f90"
    src.write_text("\n".join(lines) + "\n")
    subprocess.run(["gfortran", "-o", str(tmp_path / "w"), str(src)], check=True, timeout=120)
    got = subprocess.run([str(tmp_path / "w")], capture_output=True, text=True, check=True)
    expected = []
    for v in VALUES:
        expected += [fortran_f(v, w, d) for w, d in F_FORMATS]
        expected += [fortran_e(v, w, d) for w, d in E_FORMATS]
    for k in (0, 7, -5, 123, -123, 99999):
        expected += [fortran_i(k, 3), fortran_i(k, 6)]
    assert got.stdout.splitlines() == expected


# ------------------------------------------------------------------ sniffers


def _inputs() -> dict[str, list[Path]]:
    found = {
        "nordic": sorted(BUNDLE.glob("*/hyp.out")),
        "invrad": sorted(AMPLITUDES.glob("*/invrad.inp")),
        "cmtsolution": [],
    }
    try:
        import obspy

        data = Path(obspy.__file__).parent / "io" / "cmtsolution" / "tests" / "data"
        found["cmtsolution"] = sorted(data.glob("CMTSOLUTION*")) + [data / "MULTIPLE_EVENTS"]
    except ImportError:  # pragma: no cover - ObsPy is in the test extras
        pass
    if have_reference():
        found["nordic"] += sorted(
            p for p in reference_path("sfiles").rglob("*") if nordic.is_sfile_name(p.name)
        )
    return found


SNIFFERS = {"nordic": nordic.is_nordic, "invrad": is_invrad_inp, "cmtsolution": is_cmtsolution}


def test_each_sniffer_knows_its_own_format_and_no_other():
    inputs = _inputs()
    assert len(inputs["nordic"]) >= 10 and len(inputs["invrad"]) == 3
    for kind, paths in inputs.items():
        for path in paths:
            for name, sniff in SNIFFERS.items():
                assert sniff(path) is (name == kind), (name, path)
                assert sniff(path.read_bytes()) is (name == kind), (name, path)


def test_nordic_sniffer_looks_past_a_damaged_header():
    data = sfile_old()
    broken = data.replace(header(), header()[:79] + b" ", 1)  # column 80 lost
    assert nordic.is_nordic(broken)
    assert nordic.is_nordic(sfile_new().replace(header(), b" damaged", 1))
    assert not nordic.is_nordic(data[:200] + b"\x00" + data[201:])
    assert not nordic.is_nordic(b"a title\n    3 10.0  1.0\n")
    assert not nordic.is_nordic(b"\n\n")


def test_invrad_and_cmtsolution_sniffers_refuse_near_misses():
    good = (AMPLITUDES / "caseA_homog_dc" / "invrad.inp").read_bytes()
    lines = good.split(b"\n")
    assert is_invrad_inp(good)
    assert not is_invrad_inp(b"\n".join([lines[0], b"  999" + lines[1][5:], *lines[2:]]))
    assert not is_invrad_inp(b"\n".join([*lines[:2], lines[2][:6] + b"N" + lines[2][7:]]))
    assert not is_invrad_inp(b"title only\n")
    text = (
        " PDEW2015  1  1  0  0  0.00  10.0000  20.0000  30.0 5.0 5.0 NOWHERE\n"
        "event name:     TEST\ntime shift:       1.0\nhalf duration:    1.0\n"
        "latitude:        10.0\nlongitude:       20.0\ndepth:           30.0\n"
        "Mrr:  1e23\nMtt: -1e23\nMpp:  0.0\nMrt:  0.0\nMrp:  0.0\nMtp:  0.0\n"
    )
    assert is_cmtsolution(text.encode())
    assert not is_cmtsolution(text.replace("Mtp:  0.0", "Mtp:").encode())
    assert not is_cmtsolution(text.replace("depth:", "height:").encode())
