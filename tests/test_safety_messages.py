"""Tracebacks turned into one-line errors that say where the problem is.

``--end 9999-12-31T23:00:00-01:00`` (the year 10000 in UTC) raised OverflowError in
``seisfoc pinv`` and ``seisfoc events``; ``--plot`` patterns such as ``{0.x}.png``,
``{0[0]}.png`` and ``{0:99999999999}.png`` raised AttributeError, TypeError and
MemoryError after the whole run.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import seisfoc
from seisfoc.errors import SeisfocError
from seisfoc.io.nordic.database import time_range

EVENT = (
    Path(seisfoc.__file__).resolve().parent
    / "data" / "example" / "REA" / "EXAMP" / "2021" / "03" / "04-0217-41L.S202103"
)  # fmt: skip
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", MPLBACKEND="Agg")


def _seisfoc(cwd, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "seisfoc", *args], cwd=cwd, capture_output=True, text=True,
        timeout=300, env=ENV,
    )  # fmt: skip


def test_time_beyond_the_calendar():
    with pytest.raises(SeisfocError, match="end time 9999-12-31T23:00:00-01:00 is beyond"):
        time_range(None, "9999-12-31T23:00:00-01:00")
    with pytest.raises(SeisfocError, match="start time 0001-01-01T00:00:00\\+01:00 is beyond"):
        time_range("0001-01-01T00:00+01:00", None)
    assert time_range(None, "9999-12-31T23:59")[1] == dt.datetime.max
    assert time_range(None, "9999-12-31")[1] == dt.datetime.max


@pytest.mark.parametrize("command", ["events", "pinv"])
def test_end_beyond_the_calendar_on_the_command_line(tmp_path, command):
    shutil.copyfile(EVENT, tmp_path / "ev.S")
    done = _seisfoc(tmp_path, command, "ev.S", "--end", "9999-12-31T23:00:00-01:00")
    assert done.returncode in (1, 2) and "Traceback" not in done.stderr
    assert "--end" in done.stderr and "beyond" in done.stderr


@pytest.mark.parametrize(
    "pattern, words",
    [
        ("{0.x}.png", "{0.x}"),
        ("{0[0]}.png", "{0[0]}"),
        ("{0:99999999999}.png", "99999999999"),
        ("{name:d}.png", "--plot"),
        ("{}{", "--plot"),
        ("{1}.png", "{1}"),
        ("{0:{1}}.png", "--plot"),
    ],
)
def test_bad_plot_patterns(tmp_path, pattern, words):
    from seisfoc.pinv.batch import check_outputs

    with pytest.raises(SeisfocError, match="--plot") as err:
        check_outputs([str(tmp_path / "ev.S")], None, pattern)
    assert words in str(err.value)


def test_good_plot_patterns(tmp_path):
    from seisfoc.pinv.batch import check_outputs

    for pattern in ("{}.png", "{0:03d}-{name}.png", "{name}.svg", "ball.png"):
        check_outputs([str(tmp_path / "ev.S")], "out.xml", pattern)


@pytest.mark.parametrize("option", ["--quakeml", "--plot"])
def test_output_over_an_input(tmp_path, option):
    from seisfoc.pinv.batch import check_outputs

    (tmp_path / "ev.S").write_bytes(b"x")
    os.symlink("ev.S", tmp_path / "alias.png")
    for target in ("ev.S", "alias.png"):
        args = (
            (str(tmp_path / target), None)
            if option == "--quakeml"
            else (None, str(tmp_path / target))
        )
        with pytest.raises(SeisfocError, match=f"{option} would overwrite the input"):
            check_outputs([str(tmp_path / "ev.S")], *args)
    with pytest.raises(SeisfocError, match="--plot would overwrite the input"):
        check_outputs([str(tmp_path / "ev.S")], None, str(tmp_path / "{name}"))


def test_refused_before_any_s_file_is_written(tmp_path):
    """As a user runs it: a bad --plot pattern and a --quakeml over the input, one line
    each, and the S-file that --write would have changed is untouched."""
    shutil.copyfile(EVENT, tmp_path / "ev.S")
    before = (tmp_path / "ev.S").read_bytes()
    for extra in (["--plot", "{0[0]}.png"], ["--quakeml", "ev.S"]):
        done = _seisfoc(tmp_path, "pinv", "ev.S", "--write", "--agency", "TST", *extra)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        err = done.stderr.strip().splitlines()
        assert len(err) == 1 and extra[0] in err[0], err
        assert (tmp_path / "ev.S").read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ev.S"]


@pytest.mark.parametrize(
    "output, plot", [("invrad.inp", None), ("invrad.mod", None), (None, "invrad.mod")]
)
def test_amplitude_outputs_over_inputs(tmp_path, monkeypatch, output, plot):
    import argparse

    from seisfoc.cli.amplitude import check_outputs

    (tmp_path / "invrad.inp").write_text("x\n")
    (tmp_path / "invrad.mod").write_text("y\n")
    monkeypatch.chdir(tmp_path)
    args = argparse.Namespace(input="invrad.inp", model=None, stations=None, output=output,
                              plot=plot, prime=False, write=False)  # fmt: skip
    with pytest.raises(SeisfocError, match="would overwrite the input"):
        check_outputs(args)
    args.output, args.plot, args.prime = None, None, True
    with pytest.raises(SeisfocError, match="--prime .* add --write"):
        check_outputs(args)


@pytest.mark.parametrize("program", ["invrad", "invdc", "synrad"])
def test_dropin_output_over_input(tmp_path, monkeypatch, capsys, program):
    import importlib

    from test_safety_fuzz import INVRAD_INP, INVRAD_MOD

    (tmp_path / "invrad.inp").write_text(INVRAD_INP)
    (tmp_path / "invrad.mod").write_text(INVRAD_MOD)
    monkeypatch.chdir(tmp_path)
    main = importlib.import_module(f"seisfoc.{program}.dropin").main
    assert main(["--output", "invrad.inp"]) == 1
    assert "--output would overwrite the input" in capsys.readouterr().err
    assert (tmp_path / "invrad.inp").read_text() == INVRAD_INP
