"""seisfoc.fileio: inputs that never hang or exhaust memory, replaces that never lose data.

- :func:`read_input` refuses FIFOs, devices and folders by name without blocking and caps
  the size it reads;
- :func:`write_atomic` keeps mode, owner and group, refuses a hard-linked file instead of
  splitting it, and removes the temporary files a killed run left (only its own);
- :func:`update_atomic` writes nothing when someone else changed the file between the
  read and the rename.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time

import pytest

from seisfoc import fileio
from seisfoc.errors import SeisfocError


def test_read_regular_file(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"abc\x00\xff")
    assert fileio.read_input(p) == b"abc\x00\xff"


def test_fifo_refused_without_blocking(tmp_path):
    fifo = tmp_path / "invrad.inp"
    os.mkfifo(fifo)
    result = {}

    def read():
        try:
            fileio.read_input(fifo, what="an invrad.inp file")
        except SeisfocError as err:
            result["err"] = str(err)

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(5)
    assert not t.is_alive(), "read_input blocked on a FIFO"
    assert result["err"] == f"{fifo}: is a FIFO (named pipe), not an invrad.inp file"


@pytest.mark.parametrize(
    "path, kind", [("/dev/zero", "character device"), ("/dev/null", "character device")]
)
def test_devices_refused(path, kind):
    with pytest.raises(SeisfocError, match=f"{path}: is a {kind}"):
        fileio.read_input(path)


def test_folder_refused(tmp_path):
    with pytest.raises(SeisfocError, match="is a folder"):
        fileio.read_input(tmp_path)


def test_symlink_to_device_refused(tmp_path):
    link = tmp_path / "hyp.out"
    os.symlink("/dev/zero", link)
    with pytest.raises(SeisfocError, match=f"^{link}: is a character device"):
        fileio.read_input(link)


def test_size_limit(tmp_path):
    p = tmp_path / "big"
    p.write_bytes(b"x" * 1001)
    with pytest.raises(SeisfocError, match=r"big: is 1,001 bytes, more than the 1,000 bytes"):
        fileio.read_input(p, limit=1000)
    assert fileio.read_input(p, limit=1001) == b"x" * 1001


def test_missing_names_the_path_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SeisfocError, match=r"^nothere\.S: cannot read: No such file"):
        fileio.read_input("nothere.S")


# ------------------------------------------------------------------ atomic replace


def test_keeps_mode(tmp_path):
    p = tmp_path / "s"
    p.write_bytes(b"old")
    p.chmod(0o640)
    fileio.write_atomic(p, b"new")
    assert p.read_bytes() == b"new" and stat.S_IMODE(p.stat().st_mode) == 0o640


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_keeps_owner_and_group_as_root(tmp_path):
    p = tmp_path / "s"
    p.write_bytes(b"old")
    os.chown(p, 12345, 23456)
    p.chmod(0o664)
    fileio.write_atomic(p, b"new")
    st = p.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (12345, 23456, 0o664)
    assert p.read_bytes() == b"new"


def test_hard_link_refused_not_split(tmp_path):
    p = tmp_path / "a.S"
    p.write_bytes(b"old")
    os.link(p, tmp_path / "b.S")
    with pytest.raises(SeisfocError, match="a.S: has 2 hard links"):
        fileio.write_atomic(p, b"new")
    assert p.read_bytes() == b"old" and (tmp_path / "b.S").read_bytes() == b"old"
    assert os.stat(p).st_ino == os.stat(tmp_path / "b.S").st_ino
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.S", "b.S"]


def test_symlink_written_through(tmp_path):
    target = tmp_path / "real.S"
    target.write_bytes(b"old")
    link = tmp_path / "link.S"
    os.symlink("real.S", link)
    fileio.write_atomic(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"


def test_device_output_refused(tmp_path):
    with pytest.raises(SeisfocError, match="/dev/null: is a character device"):
        fileio.write_atomic("/dev/null", b"x")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporaries_of_dead_writers_removed(tmp_path):
    fileio._cleaned_folders.discard(str(tmp_path))
    dead = _dead_pid()
    ours = tmp_path / f".01-0000-00L.S202001.{dead}-abcd_123.tmp"
    ours.write_bytes(b"half")
    alive = tmp_path / f".01-0000-00L.S202001.{os.getppid()}-abcd_123.tmp"
    alive.write_bytes(b"in progress")
    foreign = [
        tmp_path / ".notes.tmp",  # not our pattern
        tmp_path / f".x.{dead}-ABCDEFGH.tmp",  # upper case: not mkstemp's alphabet
        tmp_path / f"x.{dead}-abcdefgh.tmp",  # not hidden
        tmp_path / f".x.{dead}-abcdefgh.tmp.bak",
    ]
    for f in foreign:
        f.write_bytes(b"user")
    fileio.write_atomic(tmp_path / "01-0000-00L.S202001", b"new")
    assert not ours.exists()
    assert alive.exists()
    assert all(f.exists() for f in foreign)


def test_write_after_kill_cleans_up(tmp_path):
    """A writer killed between writing its temporary file and the rename; the next write
    into that folder removes the leftover and the target is old or new, never damaged."""
    target = tmp_path / "f.S"
    target.write_bytes(b"old\n")
    code = (
        "import os, sys, time; from seisfoc import fileio\n"
        "real = os.replace\n"
        "def slow(a, b):\n"
        "    print('ready', flush=True); time.sleep(60)\n"
        "os.replace = slow\n"
        f"fileio.write_atomic({str(target)!r}, b'new\\n')\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    left = [p.name for p in tmp_path.iterdir() if p.name != "f.S"]
    assert len(left) == 1 and left[0].startswith(".f.S.") and left[0].endswith(".tmp")
    assert target.read_bytes() == b"old\n"
    fileio._cleaned_folders.discard(str(tmp_path))
    fileio.write_atomic(tmp_path / "g.S", b"other")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.S", "g.S"]


def test_update_refuses_a_concurrent_foreign_change(tmp_path):
    p = tmp_path / "ev.S"
    p.write_bytes(b"line 1\n")

    def change(data: bytes) -> bytes:
        # someone else (an editor, EEV) saves the file while we compute
        with open(p, "ab") as fh:
            fh.write(b"their line\n")
        return data + b"our line\n"

    with pytest.raises(SeisfocError, match="ev.S: was changed by another program"):
        fileio.update_atomic(p, change)
    assert p.read_bytes() == b"line 1\ntheir line\n"
    assert [x.name for x in tmp_path.iterdir()] == ["ev.S"]


def test_update_serialises_our_writers(tmp_path):
    """Two threads appending through update_atomic: the folder lock keeps both lines."""
    p = tmp_path / "ev.S"
    p.write_bytes(b"")
    barrier = threading.Barrier(2)
    errors = []

    def writer(tag: bytes):
        try:
            barrier.wait()
            for k in range(20):
                fileio.update_atomic(
                    p, lambda d, k=k: (time.sleep(0.001), d + tag + b"%d\n" % k)[1]
                )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in (b"a", b"b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    lines = p.read_bytes().splitlines()
    assert sorted(lines) == sorted(
        [b"a%d" % k for k in range(20)] + [b"b%d" % k for k in range(20)]
    )


def test_outputs_over_inputs(tmp_path):
    inp = tmp_path / "ev.S"
    inp.write_bytes(b"x")
    os.symlink("ev.S", tmp_path / "alias.xml")
    with pytest.raises(SeisfocError, match="--quakeml would overwrite the input"):
        fileio.refuse_outputs_over_inputs([("--quakeml", tmp_path / "alias.xml")], [inp])
    fileio.refuse_outputs_over_inputs(
        [("--quakeml", tmp_path / "new.xml"), ("--plot", None)], [inp]
    )


def test_append_to_fifo_does_not_block(tmp_path):
    fifo = tmp_path / "fps.out"
    os.mkfifo(fifo)
    with pytest.raises(SeisfocError, match="fps.out: cannot write"):
        fileio.append(fifo, b"x")


def test_json_text_is_always_valid_json():
    import json

    import numpy as np

    value = {"nan": np.nan, "inf": [1.0, float("inf"), -np.inf], "arr": np.arange(2), "f": 2.5}
    text = fileio.json_text(value)
    back = json.loads(text, parse_constant=lambda c: pytest.fail(f"invalid JSON token {c}"))
    assert back == {"nan": None, "inf": [1.0, None, None], "arr": [0, 1], "f": 2.5}
