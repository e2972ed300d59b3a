"""Numbers outside their physical range are one-line errors, never NaN, Infinity or a traceback.

Found by the issue's fuzzing: Vs = 1e-300 or Vp = 1e308 passed validation and SYNRAD printed
NaN; ``--moment 1e-308`` printed -Infinity ratios and ``--moment 1e308`` crashed the
E-format writer; ``--sigma 1e200`` overflowed the covariance (OverflowError); a
displacement of 1e308 microns overflowed the fit with a raw RuntimeWarning.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support.invrad import INVRAD_INP, INVRAD_MOD

from seisfoc.errors import ModelError
from seisfoc.velocity import LayeredModel

ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1")


def _run(cwd, args, stdin="") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, input=stdin, capture_output=True, text=True,
        timeout=120, env=ENV,
    )  # fmt: skip


def _one_line(done: subprocess.CompletedProcess, *words: str) -> str:
    assert done.returncode == 1, (done.stdout[-500:], done.stderr)
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for w in words:
        assert w in lines[0], lines[0]
    out = done.stdout.lower()
    assert "nan" not in out.split() and "infinity" not in out
    return lines[0]


@pytest.fixture()
def folder(tmp_path):
    (tmp_path / "invrad.inp").write_text(INVRAD_INP)
    (tmp_path / "invrad.mod").write_text(INVRAD_MOD)
    return tmp_path


@pytest.mark.parametrize(
    "vp, vs, words",
    [(5.8, 1e-300, "Vs"), (1e308, 3.0, "Vp"), (0.01, 0.005, "Vp"), (30.0, 3.0, "Vp")],
)
def test_model_velocities_in_physical_range(vp, vs, words):
    with pytest.raises(ModelError, match=f"{words} .* outside the physical range"):
        LayeredModel.from_arrays([0.0, 10.0], [vp, vp], vs_top=[vs, vs])


def test_invrad_mod_with_huge_vp(folder):
    (folder / "invrad.mod").write_text("    0.0000     1e308\n   25.0000    5.8000\n")
    done = _run(folder, ["-m", "seisfoc", "synrad", "invrad.inp", "--sdr", "40", "70", "15",
                         "--moment", "300"])  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "invrad.mod" in done.stderr


@pytest.mark.parametrize("moment", ["1e308", "1e-308", "1e-300"])
def test_synrad_moment_range(folder, moment):
    done = _run(folder, ["-m", "seisfoc", "synrad", "invrad.inp", "--sdr", "40", "70", "15",
                         "--moment", moment])  # fmt: skip
    _one_line(done, "moment", "physical range")


def test_synrad_dropin_moment_on_standard_input(folder):
    code = "import sys; from seisfoc.synrad.dropin import main; sys.exit(main([]))"
    done = _run(folder, ["-c", code], stdin="40 70 15\n1e308\n")
    _one_line(done, "moment", "standard input")


@pytest.mark.parametrize("command", ["invrad", "invdc"])
def test_sigma_range(folder, command):
    extra = ["--sdr", "40", "70", "15"] if command == "invdc" else []
    done = _run(folder, ["-m", "seisfoc", command, "invrad.inp", "--sigma", "1e200", *extra])
    _one_line(done, "standard deviation", "physical range")


def test_amplitude_beyond_a_displacement(folder):
    lines = INVRAD_INP.splitlines()
    lines[4] = lines[4][:34] + "   1.0000E+200"  # reading 3 (line 5): 1e200 microns
    (folder / "invrad.inp").write_text("\n".join(lines) + "\n")
    done = _run(folder, ["-m", "seisfoc", "invrad", "invrad.inp"])
    msg = _one_line(done, "invrad.inp", "line 5", "amplitude")
    assert "column" in msg


def test_synrad_nodal_reading_has_no_ratio(folder):
    """Rake 0 puts K14's SV on a nodal surface: predicted -7e-16 (rounding), whose ratio
    printed as asterisks in the modern output; it says ``nodal`` now."""
    done = _run(folder, ["-m", "seisfoc", "synrad", "invrad.inp", "--sdr", "40", "70", "0",
                         "--moment", "300"])  # fmt: skip
    assert done.returncode == 0, done.stderr
    (row,) = [ln for ln in done.stdout.splitlines() if ln.startswith(" K14  R SV")]
    assert "*" not in done.stdout and "NaN" not in done.stdout
    assert row.split()[-2:] == ["nodal", "-"]


@pytest.mark.parametrize("answer", ["40 70 15\n-1e999\n", "40 70 nan\n300\n", "40 x 15\n"])
def test_answers_on_standard_input_say_so(folder, answer):
    code = "import sys; from seisfoc.synrad.dropin import main; sys.exit(main([]))"
    _one_line(_run(folder, ["-c", code], stdin=answer), "standard input")


@pytest.mark.parametrize(
    "column, text, name",
    [(57, b"999", "AIN"), (57, b"-45", "AIN"), (57, b"193", "AIN"), (76, b"999", "CAZ")],
)
def test_polarity_angles_out_of_range_in_seisfoc_pinv(tmp_path, capsys, column, text, name):
    """AIN 999, -45, 193 and CAZ 999 were used without a word (exit 0)."""
    from test_safety_messages import EVENT

    from seisfoc.cli import main

    lines = EVENT.read_bytes().splitlines(keepends=True)
    k = next(
        i for i, ln in enumerate(lines)
        if ln[10:11] == b"P" and ln[16:17] in (b"C", b"D") and ln[79:80] == b" "
    )  # fmt: skip
    lines[k] = lines[k][:column] + text + lines[k][column + 3 :]
    p = tmp_path / "ev.S"
    p.write_bytes(b"".join(lines))
    for mode in ("modern", "seisan"):
        assert main(["pinv", str(p), "--json", "--mode", mode]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        where = f"line {k + 1}, column {57 if name == 'AIN' else 77}: {name}"
        assert len(err) == 1 and where in err[0], err


def test_invdc_linalg_failure_is_one_line(folder, monkeypatch, capsys):
    """LAPACK failing inside INVDC's iteration (an extreme model made it raise
    LinAlgError with a traceback) is an error naming the readings' file."""
    import numpy as np
    from seisfoc.invdc import gauss_newton

    from seisfoc.cli import main

    def broken(*args, **kwargs):
        raise np.linalg.LinAlgError("SVD did not converge in Linear Least Squares")

    monkeypatch.setattr(gauss_newton.np.linalg, "lstsq", broken)
    monkeypatch.chdir(folder)
    assert main(["invdc", "invrad.inp", "--sdr", "40", "70", "15"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "invrad.inp" in err[0] and "did not converge" in err[0]


@pytest.mark.parametrize("strike, moment", [("1e200", "300"), ("-99999", "1e16"), ("40", "1e-12")])
def test_synrad_header_never_overflows(folder, strike, moment):
    done = _run(folder, ["-m", "seisfoc", "synrad", "invrad.inp", "--sdr", strike, "70", "15",
                         "--moment", moment])  # fmt: skip
    assert done.returncode == 0, done.stderr
    header = next(ln for ln in done.stdout.splitlines() if "STRIKE=" in ln)
    assert "*" not in header and "MOMENT=      0.00" not in header
