"""Writing F-lines into S-files: nothing glued, nothing demoted, no update lost, no damage.

- an F-line inserted into a file without a final newline ends the line before it with
  the file's own line ending (it was glued into one 160-character line);
- SEISAN's rule for a program's earlier solution (columns 71-80: program and flag): a
  prime write replaces the prime line, an OF write the OF-line, a known agency is kept;
  ``--prime`` without ``--write`` never writes;
- two different writers (``seisfoc pinv --write`` and the INVRAD writer) on the same
  S-files lose no line (the folder lock);
- ``kill -9`` during a database ``--write`` leaves every S-file old or new and the next
  run removes the temporary files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import seisfoc
from seisfoc.io import nordic as N

EXAMPLE = Path(seisfoc.__file__).resolve().parent / "data" / "example"
SFILES = sorted((EXAMPLE / "REA").glob("*/*/*/*.S*"))
HEADER = " 2020 0517 0304 12.5 L  61.234   5.678 12.0  XYZ  5 0.3 2.1LXYZ                1"
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg")


def _fline(strike, program="PINV", agency="", flag="O") -> str:
    return N.format_fault_plane_line(strike, 50.0, 90.0, program=program, agency=agency, flag=flag)


# ------------------------------------------------------------------ item 3: line endings


@pytest.mark.parametrize("eol", [b"\n", b"\r\n"])
def test_of_line_after_a_last_line_without_newline(tmp_path, eol):
    prime = _fline(10.0, program="FOCMEC", agency="BER", flag="").encode()
    data = HEADER.encode() + eol + prime  # the event's last F-line ends the file, no newline
    p = tmp_path / "ev.S"
    p.write_bytes(data)
    N.write_fault_plane(p, _fline(20.0), prime=False)
    out = p.read_bytes()
    assert out == HEADER.encode() + eol + prime + eol + _fline(20.0).encode() + eol
    assert all(len(x) == 80 for x in out.splitlines())
    N.write_fault_plane(p, _fline(20.0), prime=False)  # a rerun adds nothing
    assert p.read_bytes() == out
    assert [f.program for f in N.read_sfile(p).fault_planes] == ["FOCMEC", "PINV"]


# ------------------------------------------------------------------ item 5: prime rules


def test_of_write_keeps_eev_prime_line(tmp_path):
    """EEV wrote the prime PINV line with agency BER; a plain OF write must not turn it
    into an OF-line nor drop its agency."""
    eev = "      76.3      57.0      95.9                               1    BER PINV     F"
    p = tmp_path / "ev.S"
    p.write_bytes((HEADER + "\n" + eev + "\n").encode())
    N.write_fault_plane(p, _fline(30.0), prime=False)
    lines = p.read_bytes().decode().splitlines()
    assert lines[1] == eev
    assert lines[2] == _fline(30.0)
    ev = N.read_sfile(p)
    assert ev.prime_fault_plane.raw.decode() == eev


def test_prime_write_replaces_only_the_prime_line(tmp_path):
    of = _fline(5.0, agency="ABC")
    p = tmp_path / "ev.S"
    p.write_bytes((HEADER + "\n" + _fline(1.0, flag="") + "\n" + of + "\n").encode())
    N.write_fault_plane(p, _fline(2.0, agency="BER", flag=""), prime=True)
    lines = p.read_bytes().decode().splitlines()
    assert lines == [HEADER, _fline(2.0, agency="BER", flag=""), of]


def test_blank_agency_keeps_the_known_one(tmp_path):
    p = tmp_path / "ev.S"
    p.write_bytes((HEADER + "\n" + _fline(5.0, agency="ABC") + "\n").encode())
    N.write_fault_plane(p, _fline(6.0), prime=False)
    (line,) = [x for x in p.read_bytes().decode().splitlines() if x.endswith("F")]
    assert line == _fline(6.0, agency="ABC")


def _seisfoc(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "seisfoc", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=ENV,
    )


def test_prime_without_write_never_writes(tmp_path):
    p = tmp_path / SFILES[0].name
    shutil.copyfile(SFILES[0], p)
    before = p.read_bytes()
    done = _seisfoc("pinv", str(p), "--prime")
    assert done.returncode in (1, 2) and "--write" in done.stderr and "Traceback" not in done.stderr
    assert p.read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == [p.name]


def test_invrad_prime_without_write_never_writes(tmp_path):
    from support.invrad import INVRAD_INP, INVRAD_MOD

    (tmp_path / "invrad.inp").write_text(INVRAD_INP)
    (tmp_path / "invrad.mod").write_text(INVRAD_MOD)
    done = _seisfoc("invrad", "invrad.inp", "--prime", cwd=tmp_path)
    assert done.returncode in (1, 2) and "--write" in done.stderr and "Traceback" not in done.stderr


# ------------------------------------------------------------------ item 4: two writers


def _database(root: Path, copies: int) -> list[Path]:
    """``copies`` S-files in a few month folders, made from the example events."""
    paths = []
    for k in range(copies):
        src = SFILES[k % len(SFILES)]
        folder = root / "REA" / "TEST_" / "2021" / f"{1 + k % 3:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        dst = folder / f"{1 + k // 24 % 28:02d}-{k % 24:02d}{k % 60:02d}-00L.S2021{1 + k % 3:02d}"
        if dst.exists():
            continue
        shutil.copyfile(src, dst)
        paths.append(dst)
    return paths


INVRAD_WRITER = textwrap.dedent(
    """
    import sys, time
    from seisfoc.io import nordic as N
    paths = sys.argv[1:]
    line = N.format_fault_plane_line(10.0, 20.0, 30.0, program="INVRAD", agency="AMP",
                                     flag="O")
    print("ready", flush=True)
    sys.stdin.readline()
    # start when pinv has written its first S-file, and go the other way round: the two
    # writers meet in the middle, on the same folders at the same time
    deadline = time.monotonic() + 120
    while b"PINV" not in open(paths[0], "rb").read() and time.monotonic() < deadline:
        time.sleep(0.001)
    for p in reversed(paths):
        N.write_fault_plane(p, line, prime=False)
    """
)


def test_two_writers_lose_no_line(tmp_path):
    """``seisfoc pinv --write`` and an INVRAD writer on the same 240 S-files at once
    (each S-file one trial): every file ends with both lines and all its own lines."""
    paths = _database(tmp_path, 240)
    assert len(paths) >= 200
    before = {p: p.read_bytes() for p in paths}
    inv = subprocess.Popen(
        [sys.executable, "-c", INVRAD_WRITER, *map(str, paths)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    assert inv.stdout.readline().strip() == "ready"
    pinv = subprocess.Popen(
        [sys.executable, "-m", "seisfoc", "pinv", *map(str, paths), "--write", "--agency",
         "TST", "--min-polarities", "1", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
    )  # fmt: skip
    inv.stdin.write("go\n")
    inv.stdin.flush()
    out, err = pinv.communicate(timeout=300)
    assert inv.wait(timeout=300) == 0
    assert pinv.returncode == 0, err
    lost = []
    for p in paths:
        data = p.read_bytes()
        lines = data.splitlines()
        has_pinv = any(x[70:80] == b"PINV    OF" or x[70:77] == b"PINV   " for x in lines)
        has_invrad = any(x[70:77] == b"INVRAD " for x in lines)
        others = [x for x in lines if x[70:77] not in (b"PINV   ", b"INVRAD ")]
        if not (has_pinv and has_invrad) or others != before[p].splitlines():
            lost.append(p.name)
    assert not lost, f"{len(lost)} of {len(paths)} S-files lost a line: {lost[:5]}"
    assert not [x for x in tmp_path.rglob(".*.tmp")]


# ------------------------------------------------------------------ item 7: kill -9

KILL_DRIVER = textwrap.dedent(
    """
    import json, os, random, signal, sys, time
    from seisfoc.cli import main
    db, trials, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    argv = ["pinv", db, "--write", "--agency", "TST", "--min-polarities", "1",
            "--no-progress", "--csv"]
    def run_child():
        pid = os.fork()
        if pid == 0:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1); os.dup2(fd, 2)
            os._exit(main(argv))
        return pid
    # the duration of a full run (the first run is complete: it is the "new" state)
    t0 = time.monotonic(); pid = run_child(); os.waitpid(pid, 0); full = time.monotonic() - t0
    print(json.dumps({"full_s": full}), flush=True)
    sys.stdin.readline()  # the test restores the old files
    rng = random.Random(seed)
    for k in range(trials):
        pid = run_child()
        time.sleep(rng.uniform(0.0, full))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        print("killed", flush=True)
        sys.stdin.readline()  # the test checks the files, then the next trial
    """
)


def test_kill_9_during_database_write(tmp_path):
    paths = _database(tmp_path, 60)
    old = {p: p.read_bytes() for p in paths}
    db = tmp_path / "REA" / "TEST_"
    driver = subprocess.Popen(
        [sys.executable, "-c", KILL_DRIVER, str(db), "24", "9"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=ENV,
    )  # fmt: skip
    info = json.loads(driver.stdout.readline())
    assert info["full_s"] > 0
    new = {p: p.read_bytes() for p in paths}
    assert all(new[p] != old[p] for p in paths)  # every event has enough polarities
    states = {"old": 0, "new": 0}
    for p in paths:
        p.write_bytes(old[p])
    driver.stdin.write("\n")
    driver.stdin.flush()
    damaged = []
    temporaries = 0
    for _ in range(24):
        assert driver.stdout.readline().strip() == "killed"
        for p in paths:
            data = p.read_bytes()
            if data == old[p]:
                states["old"] += 1
            elif data == new[p]:
                states["new"] += 1
            else:
                damaged.append(p.name)
        temporaries += len(list(db.rglob(".*.tmp")))
        for p in paths:  # the next trial starts from the old files again
            p.write_bytes(old[p])
        driver.stdin.write("\n")
        driver.stdin.flush()
    assert driver.wait(timeout=60) == 0
    assert not damaged
    assert states["new"] > 0 and states["old"] > 0, states  # the kills hit the writes
    # a temporary file left by the last kill, if any, is removed by the next run
    done = _seisfoc("pinv", str(db), "--write", "--agency", "TST", "--min-polarities", "1",
                    "--no-progress", "--csv")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert list(db.rglob(".*.tmp")) == []
    assert all(p.read_bytes() == new[p] for p in paths)
    print(f"kill -9: {states}, temporaries seen after kills: {temporaries}")


def test_leftover_of_a_dead_writer_removed_by_next_write(tmp_path):
    paths = _database(tmp_path, 3)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = paths[0].parent / f".{paths[0].name}.{dead.pid}-abcdefgh.tmp"
    left.write_bytes(b"half an S-file")
    from seisfoc import fileio

    fileio._cleaned_folders.clear()
    N.write_fault_plane(paths[0], _fline(1.0), prime=False)
    assert not left.exists()
