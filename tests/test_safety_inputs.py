"""Every program opens every input through seisfoc.fileio.read_input: no hang, no endless
read, and an S-file with a damaged header is still recognised as Nordic.

A FIFO as ``invrad.inp`` or ``invrad.mod`` blocked ``invrad`` and ``seisfoc invrad`` for
ever; ``/dev/zero`` was read until memory ran out; a damaged S-file header made
``seisfoc invrad`` read the S-file as ``invrad.inp`` ("number of readings 'STAT' is not
an integer").
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_safety_fuzz import INVRAD_INP, INVRAD_MOD

import seisfoc
from seisfoc.amplitude.sfile import is_nordic_file

EVENT = (
    Path(seisfoc.__file__).resolve().parent
    / "data" / "example" / "REA" / "EXAMP" / "2021" / "03" / "04-0217-41L.S202103"
)  # fmt: skip
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1")
DROPIN = "import sys; from seisfoc.{0}.dropin import main; sys.exit(main([]))"


def _run(cwd, args, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env=ENV, stdin=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.fixture()
def folder(tmp_path):
    (tmp_path / "invrad.inp").write_text(INVRAD_INP)
    (tmp_path / "invrad.mod").write_text(INVRAD_MOD)
    return tmp_path


@pytest.mark.parametrize("name", ["invrad.inp", "invrad.mod"])
@pytest.mark.parametrize(
    "args",
    [
        ["-c", DROPIN.format("invrad")],
        ["-m", "seisfoc", "invrad", "invrad.inp"],
    ],
)
def test_fifo_inputs_refused_without_hanging(folder, name, args):
    os.unlink(folder / name)
    os.mkfifo(folder / name)
    done = _run(folder, args, timeout=60)  # a hang would raise TimeoutExpired
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert name in done.stderr and "FIFO" in done.stderr


def test_dev_zero_as_invrad_inp(folder):
    os.unlink(folder / "invrad.inp")
    os.symlink("/dev/zero", folder / "invrad.inp")
    done = _run(folder, ["-m", "seisfoc", "invrad", "invrad.inp"], timeout=60)
    assert done.returncode == 1 and "character device" in done.stderr


def test_damaged_header_is_still_nordic(tmp_path):
    lines = EVENT.read_bytes().splitlines(keepends=True)
    lines[0] = lines[0][:79] + b"X" + lines[0][80:]  # the header's line type destroyed
    damaged = tmp_path / "ev.S"
    damaged.write_bytes(b"".join(lines))
    assert is_nordic_file(damaged)
    inp = tmp_path / "invrad.inp"
    inp.write_text(INVRAD_INP)
    assert not is_nordic_file(inp)
    done = _run(tmp_path, ["-m", "seisfoc", "invrad", "ev.S"])
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "ev.S" in done.stderr and "number of readings" not in done.stderr


def test_headerless_phase_lines_are_nordic(tmp_path):
    """Only phase lines (80 columns), no header at all: still not an invrad.inp."""
    body = [ln for ln in EVENT.read_bytes().splitlines(keepends=True) if ln[79:80] == b" "]
    p = tmp_path / "phases.S"
    p.write_bytes(b"".join(body))
    assert is_nordic_file(p)
