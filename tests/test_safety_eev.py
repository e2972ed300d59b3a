"""The drop-in ``pinv`` as SEISAN's event editor (EEV) uses it: a stale pinv.out never survives.

EEV runs HYP (which writes hyp.out), then the first ``pinv`` on the PATH, then reads
``pinv.out`` by column and writes its solution into the *current* S-file when line 1
counts 5 or more polarities. When the drop-in stopped with an error and left the
previous event's pinv.out, EEV stored that old mechanism in the new event. These tests
run the drop-in as EEV does (a subprocess in the event's folder) after a successful run
of an earlier event, with every kind of hyp.out on which it cannot produce a solution.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from seisfoc.pinv import dropin

EXAMPLE = Path(dropin.__file__).resolve().parent.parent / "data" / "example"
if not EXAMPLE.is_dir():  # the repository layout (pinv/ beside seisfoc/)
    import seisfoc

    EXAMPLE = Path(seisfoc.__file__).resolve().parent / "data" / "example"
EARLIER_EVENT = EXAMPLE / "REA" / "EXAMP" / "2021" / "03" / "04-0217-41L.S202103"
ZERO = b" Number of data used for inversion=    0\n"
CODE = "import sys; from seisfoc.pinv.dropin import main; sys.exit(main())"


#: the drop-in with reading hyp.out failing as for a file without read permission (the
#: error is injected, since root reads such a file anyway)
CODE_UNREADABLE = (
    "import errno, os, sys\n"
    "real = os.open\n"
    "def refusing(path, flags, *a, **k):\n"
    "    if os.fspath(path).endswith('hyp.out') and flags & os.O_ACCMODE == os.O_RDONLY:\n"
    "        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))\n"
    "    return real(path, flags, *a, **k)\n"
    "os.open = refusing\n"
    "from seisfoc.pinv.dropin import main\n"
    "sys.exit(main())\n"
)


def _pinv(folder: Path, timeout: float = 60, code: str = CODE) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, timeout=timeout
    )


def _eev_reads(folder: Path) -> int:
    """What EEV does with pinv.out: ``(35x,i5)`` of line 1, the polarity count."""
    first = (folder / "pinv.out").read_bytes().splitlines()[0]
    return int(first[35:40])


def _first_polarity(lines: list[bytes]) -> int:
    """Index of the first old-Nordic P line with a C or D polarity (column 80 blank)."""
    return next(
        i
        for i, ln in enumerate(lines)
        if ln[10:11] == b"P" and ln[16:17] in (b"C", b"D") and ln[79:80] == b" "
    )


@pytest.fixture()
def stale(tmp_path) -> Path:
    """A folder where pinv has just solved an earlier event (pinv.out counts >= 5)."""
    shutil.copyfile(EARLIER_EVENT, tmp_path / "hyp.out")
    done = _pinv(tmp_path)
    assert done.returncode == 0, done.stderr
    assert _eev_reads(tmp_path) >= 5
    return tmp_path


def _assert_no_solution(folder: Path, done: subprocess.CompletedProcess, *words: str):
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    err = done.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("pinv: error: "), done.stderr
    for word in words:
        assert word in err[0], err[0]
    # exactly the original's first line when it has nothing: (a35,i5) with n = 0
    assert (folder / "pinv.out").read_bytes() == ZERO
    assert _eev_reads(folder) < 5


def test_empty_hyp_out_replaces_stale_solution(stale):
    (stale / "hyp.out").write_bytes(b"")
    _assert_no_solution(stale, _pinv(stale), "hyp.out", "empty")


def test_blank_hyp_out_replaces_stale_solution(stale):
    (stale / "hyp.out").write_bytes(b"\n   \n")
    _assert_no_solution(stale, _pinv(stale), "hyp.out", "empty")


def test_missing_hyp_out_is_created_empty(stale):
    (stale / "hyp.out").unlink()
    _assert_no_solution(stale, _pinv(stale), "hyp.out")
    assert (stale / "hyp.out").read_bytes() == b""  # as the original does


def test_binary_hyp_out_is_an_error(stale):
    (stale / "hyp.out").write_bytes(bytes(range(256)) * 40)
    _assert_no_solution(stale, _pinv(stale), "hyp.out", "binary", "line 1")


def test_nul_bytes_in_a_nordic_hyp_out(stale):
    data = EARLIER_EVENT.read_bytes()
    at = len(data) // 2
    (stale / "hyp.out").write_bytes(data[:at] + b"\x00" + data[at + 1 :])
    _assert_no_solution(stale, _pinv(stale), "hyp.out", "binary")


def test_malformed_hyp_out(stale):
    lines = EARLIER_EVENT.read_bytes().splitlines(keepends=True)
    k = _first_polarity(lines)
    lines[k] = lines[k][:57] + b"x!?" + lines[k][60:]
    (stale / "hyp.out").write_bytes(b"".join(lines))
    _assert_no_solution(stale, _pinv(stale), "hyp.out", f"line {k + 1}", "column 58")


@pytest.mark.parametrize("text", [b"nan", b"inf", b"NaN", b"Inf"])
@pytest.mark.parametrize("column", [58, 77])
def test_non_finite_angle_is_an_error(stale, text, column):
    """The original prints a made-up 0/45/90 mechanism for these; EEV would store it."""
    lines = EARLIER_EVENT.read_bytes().splitlines(keepends=True)
    k = _first_polarity(lines)
    field = text.rjust(3)
    lines[k] = lines[k][: column - 1] + field + lines[k][column + 2 :]
    (stale / "hyp.out").write_bytes(b"".join(lines))
    name = "AIN" if column == 58 else "CAZ"
    done = _pinv(stale)
    _assert_no_solution(stale, done, "hyp.out", name, f"line {k + 1}", f"column {column}")
    assert not done.stdout.strip() or "Strike" not in done.stdout


def test_unreadable_hyp_out(stale):
    done = _pinv(stale, code=CODE_UNREADABLE)
    _assert_no_solution(stale, done, "hyp.out", "cannot read")
    assert "ermission denied" in done.stderr


@pytest.mark.parametrize("name", ["hyp.out", "SEISAN.DEF"])
def test_fifo_input_does_not_hang(stale, name):
    path = stale / name
    if path.exists():
        path.unlink()
    os.mkfifo(path)
    _assert_no_solution(stale, _pinv(stale, timeout=30), name, "FIFO")


def test_fifo_fps_out_does_not_hang(stale):
    os.unlink(stale / "fps.out")
    os.mkfifo(stale / "fps.out")
    _assert_no_solution(stale, _pinv(stale, timeout=30), "fps.out")


def test_dev_zero_as_hyp_out(stale):
    os.unlink(stale / "hyp.out")
    os.symlink("/dev/zero", stale / "hyp.out")
    _assert_no_solution(stale, _pinv(stale, timeout=30), "hyp.out", "character device")


def test_unexpected_exception_still_rewrites_pinv_out(stale, monkeypatch, capsys):
    """Even a defect of the program (any exception) leaves pinv.out saying 0 data."""
    import seisfoc.pinv.solver as solver

    def broken(*args, **kwargs):
        raise RuntimeError("simulated defect")

    monkeypatch.setattr(solver, "solve", broken)
    shutil.copyfile(EARLIER_EVENT, stale / "hyp.out")
    monkeypatch.chdir(stale)
    assert dropin.main([]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "simulated defect" in err[0]
    assert (stale / "pinv.out").read_bytes() == ZERO


def test_eev_sequence(tmp_path):
    """Event 1 solved, then events whose HYP failed (empty, missing, binary hyp.out),
    then a good event again: EEV sees each event's own answer, never the one before."""
    events = sorted((EXAMPLE / "REA").glob("*/*/*/*.S*"))
    counts = []
    for k, event in enumerate(events[:3]):
        shutil.copyfile(event, tmp_path / "hyp.out")
        done = _pinv(tmp_path)
        counts.append(_eev_reads(tmp_path))
        assert done.returncode == 0
        bad = [b"", None, b"\x00\x01\x02" * 100][k]
        if bad is None:
            (tmp_path / "hyp.out").unlink()
        else:
            (tmp_path / "hyp.out").write_bytes(bad)
        done = _pinv(tmp_path)
        assert done.returncode == 1 and _eev_reads(tmp_path) == 0
    assert all(c >= 5 for c in counts[:1])


def test_run_writes_zero_before_reading(tmp_path):
    """In-process: run() raises for the caller, pinv.out already says 0 data."""
    (tmp_path / "pinv.out").write_bytes(b" Number of data used for inversion=   13\nstale\n")
    (tmp_path / "hyp.out").write_bytes(b"")
    with pytest.raises(Exception, match="empty"):
        dropin.run(str(tmp_path), out=io.StringIO())
    assert (tmp_path / "pinv.out").read_bytes() == ZERO
