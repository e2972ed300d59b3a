"""PINV's handling of awkward inputs and outputs: unwritable files (drop-in), files without
events, named files vs database files, numeric options, the Nordic format override, blank
AIN/CAZ in the original's behaviour and messages during a progress bar.

The events are synthetic (polarities of a known double couple at random take-off angles
and azimuths), so none of these tests needs ../shared/reference.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from seisfoc.pinv import dropin

from seisfoc import mechanism
from seisfoc.cli import main as seisfoc_main
from seisfoc.errors import SeisfocError

OLD_HELP = " STAT SP IPHASW D HRMM SECON CODA AMPLIT PERI AZIMU VELO AIN AR TRES W  DIS CAZ7"
NEW_HELP = " STAT COM NTLO IPHASE   W HHMM SS.SSS   PAR1  PAR2 AGA OPE  AIN  RES W  DIS CAZ7"


def _readings(n: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    ain = rng.uniform(20, 160, n).round()
    caz = rng.uniform(0, 359, n).round()
    pol = np.sign(mechanism.p_radiation(120.0, 45.0, -60.0, ain, caz))
    return [("CD"[int(p < 0)], int(a), int(c)) for p, a, c in zip(pol, ain, caz, strict=True)]


def _old_phase(k: int, pol: str, ain, caz) -> str:
    line = f" S{k:03d} SZ IP     {pol}  141 10.91".ljust(57)
    line += "   " if ain is None else f"{ain:3d}"
    return line.ljust(76) + ("   " if caz is None else f"{caz:3d}") + " "


def _new_phase(k: int, pol: str, ain, caz) -> str:
    line = f" S{k:03d} S Z      IP         0141 10.910".ljust(43) + pol
    line = line.ljust(58) + ("     " if ain is None else f"{ain:5.1f}")
    return line.ljust(76) + ("   " if caz is None else f"{caz:3d}") + " "


def event_text(fmt: str = "old", blank=(), zero=(), minute: int = 0, n: int = 10) -> str:
    """One event: header, help line, ``n`` P polarities; readings whose index is in
    ``blank`` have a blank AIN, those in ``zero`` an AIN written as 0."""
    header = f" 2000 0101 00{minute:02d}  0.0 L  60.000   5.000 10.0  TES  8 0.1".ljust(79) + "1"
    lines = [header, OLD_HELP if fmt == "old" else NEW_HELP]
    phase = _old_phase if fmt == "old" else _new_phase
    for k, (pol, ain, caz) in enumerate(_readings(n)):
        lines.append(phase(k, pol, None if k in blank else 0 if k in zero else ain, caz))
    return "\n".join(lines) + "\n\n"


def _lines(text: str) -> list[str]:
    """The table's lines (without the ``columns:`` legend under it)."""
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("columns: ")]


# ----------------------------------------------------------------- drop-in: outputs


def _dropin(folder: Path) -> subprocess.CompletedProcess:
    code = "import sys; from seisfoc.pinv.dropin import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, timeout=120
    )


def _one_line_error(done: subprocess.CompletedProcess, name: str) -> None:
    assert done.returncode == 1
    err = done.stderr.splitlines()
    assert len(err) == 1 and err[0].startswith("pinv: error: ") and name in err[0], done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("name", ["pinv.out", "fps.out"])
def test_dropin_unwritable_output_is_one_line_error(tmp_path, name):
    """A directory where the output file goes: not writable even for root."""
    (tmp_path / "hyp.out").write_text(event_text())
    (tmp_path / name).mkdir()
    _one_line_error(_dropin(tmp_path), name)


def test_dropin_read_only_folder(tmp_path, monkeypatch, capsys):
    """A read-only folder, injected so that it holds for root too: every file the drop-in
    tries to create there is refused as the kernel refuses it (EACCES). One line naming
    pinv.out, exit status 1, hyp.out unchanged, nothing created."""
    import builtins

    import seisfoc.fileio

    text = event_text()
    (tmp_path / "hyp.out").write_text(text)
    folder = str(tmp_path)
    mkstemp, real_open, os_open = seisfoc.fileio.tempfile.mkstemp, builtins.open, os.open

    def inside(path) -> bool:
        return os.path.dirname(os.path.abspath(os.fspath(path))) == folder

    def refuse_mkstemp(*args, **kwargs):
        if os.path.abspath(kwargs.get("dir") or ".") == folder:
            raise PermissionError(13, "Permission denied")
        return mkstemp(*args, **kwargs)

    def refuse_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and inside(file) and set(mode) & set("wax+"):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, mode, *args, **kwargs)

    def refuse_os_open(path, flags, *args, **kwargs):
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        if writing and inside(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(seisfoc.fileio.tempfile, "mkstemp", refuse_mkstemp)
    monkeypatch.setattr(builtins, "open", refuse_open)
    monkeypatch.setattr(os, "open", refuse_os_open)
    monkeypatch.chdir(tmp_path)
    assert dropin.main([]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("pinv: error: ") and "pinv.out" in err[0], err
    assert "Permission denied" in err[0]
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hyp.out"]
    assert (tmp_path / "hyp.out").read_text() == text


def test_dropin_unwritable_composite_hyp_out(tmp_path, monkeypatch, capsys):
    """The composite F-line cannot go into hyp.out: one line naming hyp.out, the file
    unchanged. (The folder refuses the temporary file, as a read-only folder does.)"""
    text = event_text(minute=0) + event_text(minute=5)
    (tmp_path / "hyp.out").write_text(text)
    import seisfoc.fileio

    mkstemp = seisfoc.fileio.tempfile.mkstemp

    def refuse(*args, **kwargs):  # only hyp.out's temporary file (pinv.out is written too)
        if kwargs.get("prefix", "").startswith(".hyp.out."):
            raise PermissionError(13, "Permission denied")
        return mkstemp(*args, **kwargs)

    monkeypatch.setattr(seisfoc.fileio.tempfile, "mkstemp", refuse)
    with pytest.raises(SeisfocError, match="hyp.out: cannot write: Permission denied"):
        dropin.run(str(tmp_path), out=io.StringIO())
    monkeypatch.chdir(tmp_path)
    assert dropin.main([]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "hyp.out" in err[0]
    assert (tmp_path / "hyp.out").read_text() == text


# ----------------------------------------------------------------- drop-in: blank angles


def test_dropin_blank_ain_warns_on_stderr_only(tmp_path):
    """Blank AIN is used as 0, as the original does: the screen text and the files are
    those of the same event with AIN written as 0; the warning is on stderr only."""
    blank, zero = tmp_path / "blank", tmp_path / "zero"
    blank.mkdir()
    zero.mkdir()
    (blank / "hyp.out").write_text(event_text(blank=(2, 6)))
    (zero / "hyp.out").write_text(event_text(zero=(2, 6)))
    with_blank, with_zero = _dropin(blank), _dropin(zero)
    assert with_blank.returncode == with_zero.returncode == 0
    assert with_blank.stdout == with_zero.stdout and with_blank.stdout
    for name in ("pinv.out", "fps.out"):
        assert (blank / name).read_bytes() == (zero / name).read_bytes()
    assert with_zero.stderr == ""
    err = with_blank.stderr.splitlines()
    assert len(err) == 1 and err[0].startswith("pinv: warning: ")
    assert "hyp.out" in err[0] and "line(s) 5, 9 used as 0" in err[0]


def test_dropin_blank_ain_nordic2_is_minus_999(tmp_path):
    (tmp_path / "hyp.out").write_text(event_text("nordic2", blank=(0,)))
    (tmp_path / "SEISAN.DEF").write_text("NORDIC_FORMAT 0.0:old 1.0:both 2.0:new  2.0\n")
    done = _dropin(tmp_path)
    assert done.returncode == 0
    assert "line(s) 3 used as -999" in done.stderr and "used as" not in done.stdout


# ----------------------------------------------------------------- seisfoc pinv: files


def _pinv(argv, capsys):
    status = seisfoc_main(["pinv", *argv, "--no-progress"])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("content", ["", "\n  \n\n"])
def test_file_without_events_is_an_error(tmp_path, capsys, content):
    path = tmp_path / "hyp.out"
    path.write_text(content)
    status, out, err = _pinv([str(path)], capsys)
    assert status == 1 and out == ""
    assert err.splitlines() == [f"seisfoc pinv: error: {path}: no events in the file"]


def test_named_bad_file_is_an_error_the_others_still_solved(tmp_path, capsys):
    good = tmp_path / "good.out"
    good.write_text(event_text())
    missing = tmp_path / "missing.out"
    status, out, err = _pinv([str(good), str(missing)], capsys)
    assert status == 1
    assert err.splitlines() == [
        f"seisfoc pinv: error: {missing}: cannot read: No such file or directory"
    ]
    assert len(_lines(out)) == 2 and "skipped" not in err


def test_named_unwritable_sfile_is_an_error_with_the_solution_shown(tmp_path, monkeypatch, capsys):
    """--write into an S-file whose folder refuses new files (read-only, as root cannot
    make one): its solution is still printed, the error goes to stderr, the other file
    is written, exit status 1."""
    good = tmp_path / "01-0000-00L.S200001"
    good.write_text(event_text())
    locked = tmp_path / "locked"
    locked.mkdir()
    target = locked / "01-0005-00L.S200001"
    target.write_text(event_text(minute=5))
    import seisfoc.fileio

    real = seisfoc.fileio.tempfile.mkstemp

    def refuse(*args, dir=None, **kwargs):
        if dir is not None and os.path.samefile(dir, locked):
            raise PermissionError(13, "Permission denied")
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(seisfoc.fileio.tempfile, "mkstemp", refuse)
    status, out, err = _pinv([str(target), str(good), "--write", "--agency", "TES"], capsys)
    assert status == 1
    assert len(err.splitlines()) == 1 and err.startswith(f"seisfoc pinv: error: {target}")
    rows = _lines(out)[1:]
    assert len(rows) == 2 and "cannot write" in rows[0] and "cannot write" not in rows[1]
    assert "PINV" in good.read_text() and "PINV" not in target.read_text()


def _database(root: Path, n_good: int = 2, bad: bool = True) -> Path:
    base = root / "REA" / "TEST_"
    month = base / "2000" / "01"
    month.mkdir(parents=True)
    for k in range(n_good):
        (month / f"01-00{k:02d}-00L.S200001").write_text(event_text(minute=k))
    if bad:
        (month / "01-0059-00L.S200001").write_text("not a Nordic file\n")
    return base


def test_database_bad_file_is_skipped_with_summary(tmp_path, capsys):
    base = _database(tmp_path)
    status, out, err = _pinv([str(base)], capsys)
    assert status == 1  # the run goes on, the status tells a script
    err = err.splitlines()
    assert len(err) == 2 and err[0].startswith("seisfoc pinv: skipped: ")
    assert "01-0059-00L.S200001" in err[0]
    assert err[1] == "2 events read, 2 solved, 0 written, 1 skipped with errors"
    assert len(_lines(out)) == 3


# ----------------------------------------------------------------- numeric options


@pytest.mark.parametrize(
    "option,value",
    [
        ("--rcond", "-1"),
        ("--rcond", "nan"),
        ("--rcond", "inf"),
        ("--rcond", "1"),
        ("--seed", "-1"),
        ("--seed", "1.5"),
        ("--trials", "0"),
        ("--trials", "-5"),
        ("--grid-step", "0"),
        ("--grid-step", "-5"),
        ("--grid-step", "nan"),
        ("--grid-step", "91"),
        ("--min-polarities", "0"),
        ("--min-polarities", "-1"),
    ],
)
def test_bad_numeric_option_is_a_usage_error(tmp_path, capsys, option, value):
    path = tmp_path / "hyp.out"
    path.write_text(event_text())
    with pytest.raises(SystemExit) as stop:
        seisfoc_main(["pinv", str(path), "--uncertainty", option, value])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and f"argument {option}" in err and "Traceback" not in err


def test_numeric_options_at_their_bounds_are_accepted(tmp_path, capsys):
    path = tmp_path / "hyp.out"
    path.write_text(event_text())
    argv = [str(path), "--rcond", "0", "--seed", "0", "--min-polarities", "1", "--json"]
    status, out, _ = _pinv(argv, capsys)
    assert status == 0 and json.loads(out)[0]["pseudorank"] == 5
    argv = [str(path), "--uncertainty", "--trials", "1", "--grid-step", "90", "--seed", "7"]
    assert _pinv(argv, capsys)[0] == 0


# ----------------------------------------------------------------- Nordic format


@pytest.mark.parametrize("fmt", ["old", "nordic2"])
def test_format_is_reported(tmp_path, capsys, fmt):
    path = tmp_path / "hyp.out"
    path.write_text(event_text(fmt))
    status, out, _ = _pinv([str(path), "--json"], capsys)
    d = json.loads(out)[0]
    assert status == 0 and d["nordic_format"] == fmt and d["nordic_format_source"] == "type-7"
    status, out, _ = _pinv([str(path), "--csv"], capsys)
    rows = out.splitlines()
    row = dict(zip(rows[0].split(","), rows[1].split(","), strict=True))
    assert row["nordic_format"] == fmt
    status, out, _ = _pinv([str(path)], capsys)
    header, row = _lines(out)
    assert header.split()[1] == "format" and row.split()[2] == fmt


def test_format_override_is_passed_to_the_reader(tmp_path, capsys):
    """An old-Nordic event read as Nordic2 has no polarities in Nordic2's columns."""
    path = tmp_path / "hyp.out"
    path.write_text(event_text("old"))
    _, out, _ = _pinv([str(path), "--json", "--nordic-format", "old"], capsys)
    d = json.loads(out)[0]
    assert (d["nordic_format"], d["nordic_format_source"], d["n_polarities"]) == (
        "old",
        "forced",
        10,
    )
    _, out, _ = _pinv([str(path), "--json", "--nordic-format", "nordic2"], capsys)
    d = json.loads(out)[0]
    assert (d["nordic_format"], d["nordic_format_source"], d["n_polarities"]) == (
        "nordic2",
        "forced",
        0,
    )
    base = _database(tmp_path / "db", n_good=1, bad=False)
    _, out, _ = _pinv([str(base), "--json", "--nordic-format", "nordic2"], capsys)
    assert json.loads(out)[0]["nordic_format_source"] == "forced"
    with pytest.raises(SystemExit):
        seisfoc_main(["pinv", str(path), "--nordic-format", "nordic3"])


# ----------------------------------------------------------------- blank AIN/CAZ, seisan


@pytest.mark.parametrize("fmt,value", [("old", "0"), ("nordic2", "-999")])
def test_seisan_mode_warns_of_blank_angles(tmp_path, capsys, fmt, value):
    path = tmp_path / "hyp.out"
    path.write_text(event_text(fmt, blank=(1, 4)))
    status, out, err = _pinv([str(path), "--mode", "seisan", "--json"], capsys)
    assert status == 0 and json.loads(out)[0]["blank_angle_lines"] == [4, 7]
    assert err.splitlines() == [
        f"seisfoc pinv: warning: {path}: blank AIN/CAZ on line(s) 4, 7 used as {value}, "
        "as the original PINV does"
    ]
    status, out, err = _pinv([str(path), "--mode", "modern"], capsys)
    assert err == "" and "skipped blank AIN/CAZ on line(s) 4, 7" in out


# ----------------------------------------------------------------- progress bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_database_messages_do_not_garble_the_progress_bar(tmp_path, monkeypatch, capsys):
    """With a bar on the terminal, each message starts its own line: nothing of the bar
    is left before it (tqdm clears the bar, prints the line, redraws the bar)."""
    pytest.importorskip("tqdm")
    base = _database(tmp_path, n_good=3)
    month = base / "2000" / "01"
    (month / "01-0030-00L.S200001").write_text(event_text(blank=(1,), minute=30))
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert seisfoc_main(["pinv", str(base), "--mode", "seisan"]) == 1
    text = terminal.getvalue()
    messages = [ln for ln in text.split("\n") if "seisfoc pinv:" in ln]
    assert len(messages) == 2  # the skipped file and the blank-AIN warning
    for line in messages:
        assert line.rsplit("\r", 1)[-1].startswith("seisfoc pinv: "), repr(line)
    assert "1 skipped with errors" in text


def test_a_folder_that_is_not_a_database_does_not_stop_the_other_inputs(tmp_path, capsys):
    base = _database(tmp_path)
    sfile = next(p for p in sorted(base.rglob("*.S*")) if "0059" not in p.name)
    not_a_database = tmp_path / "loose"
    not_a_database.mkdir()
    status, out, err = _pinv([str(not_a_database), str(sfile)], capsys)
    assert status == 1
    assert "not a SEISAN database folder" in err and "loose" in err
    assert len(_lines(out)) == 2  # header and the S-file's solution


def test_a_new_empty_database_is_not_an_error(tmp_path, capsys):
    empty = tmp_path / "REA" / "NEW__"
    empty.mkdir(parents=True)
    status, out, err = _pinv([str(empty)], capsys)
    assert status == 0, err
    assert "0 events read" in err
