"""``seisfoc pinv --locate``: SEISAN's hyp refreshes AIN/CAZ when it is on the PATH."""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from seisfoc.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "seisfoc" / "data" / "example"
SFILE = EXAMPLE / "REA" / "EXAMP" / "2021" / "03" / "04-0217-41L.S202103"

FAKE_HYP = """#!{python}
# A stand-in for SEISAN's hyp: it needs STATION0.HYP in its working folder (as hyp
# does), writes the prepared located event to hyp.out and logs what it saw.
import os, shutil, sys
log = open(os.environ["FAKE_HYP_LOG"], "a")
seen = (os.getcwd(), sys.argv[1:], os.path.exists("STATION0.HYP"))
log.write("cwd=%s args=%s station=%s\\n" % seen)
if not os.path.exists("STATION0.HYP") or not os.path.exists(sys.argv[1]):
    sys.exit(1)
shutil.copyfile(os.environ["FAKE_HYP_OUT"], "hyp.out")
"""


def _located_copy(tmp_path: Path) -> Path:
    """The event as hyp would give it: every AIN of the P polarity lines changed."""
    lines = SFILE.read_bytes().splitlines(keepends=True)
    out = []
    for raw in lines:
        if len(raw) > 60 and raw[79:80] == b" " and raw[16:17] in (b"C", b"D"):
            ain = int(raw[57:60]) + 7
            raw = raw[:57] + f"{ain:3d}".encode() + raw[60:]
        out.append(raw)
    path = tmp_path / "located.out"
    path.write_bytes(b"".join(out))
    return path


def _solve_json(args, capsys):
    assert main(["pinv", *args, "--json", "--no-progress"]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


@pytest.fixture
def database(tmp_path):
    db = tmp_path / "db"
    shutil.copytree(EXAMPLE, db)
    return db


def test_locate_uses_hyp_when_on_the_path(tmp_path, database, monkeypatch, capsys):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    hyp = bindir / "hyp"
    hyp.write_text(FAKE_HYP.format(python=sys.executable))
    hyp.chmod(hyp.stat().st_mode | stat.S_IEXEC)
    located = _located_copy(tmp_path)
    log = tmp_path / "hyp.log"
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_HYP_OUT", str(located))
    monkeypatch.setenv("FAKE_HYP_LOG", str(log))
    monkeypatch.delenv("SEISAN_TOP", raising=False)
    monkeypatch.chdir(tmp_path)
    sfile = database / "REA" / "EXAMP" / "2021" / "03" / SFILE.name
    before = sfile.read_bytes()

    with_hyp, err = _solve_json([str(sfile), "--locate"], capsys)
    assert "located with" in err
    direct, _ = _solve_json([str(located)], capsys)
    stored, _ = _solve_json([str(sfile)], capsys)
    # the solution is the one of hyp's angles, not of the stored ones
    assert with_hyp[0]["strike"] == direct[0]["strike"]
    assert with_hyp[0]["dip"] == direct[0]["dip"]
    assert (with_hyp[0]["strike"], with_hyp[0]["dip"]) != (stored[0]["strike"], stored[0]["dip"])
    # hyp ran on a copy, beside the database's STATION0.HYP, in a folder removed afterwards
    entries = log.read_text().splitlines()
    assert len(entries) == 1 and "station=True" in entries[0]
    assert f"args=['{SFILE.name}']" in entries[0]
    work = entries[0].split()[0].removeprefix("cwd=")
    assert not os.path.exists(work)
    assert sfile.read_bytes() == before


def test_locate_without_hyp_says_so(database, monkeypatch, capsys, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    sfile = database / "REA" / "EXAMP" / "2021" / "03" / SFILE.name
    located, err = _solve_json([str(sfile), "--locate"], capsys)
    stored, _ = _solve_json([str(sfile)], capsys)
    assert "hyp is not on the PATH: using the AIN/CAZ stored in the S-file" in err
    assert located[0]["strike"] == stored[0]["strike"]


def test_write_takes_the_agency_of_the_events_database(database, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no STATION0.HYP here
    monkeypatch.delenv("SEISAN_TOP", raising=False)
    sfile = database / "REA" / "EXAMP" / "2021" / "03" / SFILE.name
    assert main(["pinv", str(sfile), "--write", "--no-progress"]) == 0
    fline = sfile.read_bytes().splitlines()[1]
    assert fline[66:69] == b"SFC" and fline[70:77] == b"PINV   " and fline[78:80] == b"OF"
