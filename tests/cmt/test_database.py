"""The instaseis database of the CMT workflow: fetch (offline parts), open, depth range."""

from __future__ import annotations

import io
import os
import tarfile
import time
from pathlib import Path

import pytest
from seisfoc.cmt import database

from seisfoc.errors import SeisfocError


def test_info_of_the_bundled_database(instaseis_db):
    db, info = instaseis_db
    # published properties of tests/data/100s_db_bwd_displ_only (instaseis 1.5.0)
    assert info.period_s == pytest.approx(100.0)
    assert info.min_depth_km == pytest.approx(0.0)
    assert info.max_depth_km == pytest.approx(371.0)
    assert info.length_s == pytest.approx(1780.2, abs=0.1)
    assert info.model == "prem_iso_light"
    assert info.reciprocal and not info.attenuation
    assert info.dt_s == pytest.approx(db.info.dt)


@pytest.mark.parametrize("depth", [371.5, 700.0, -0.5])
def test_depth_outside_the_database_is_an_error(instaseis_db, depth):
    _, info = instaseis_db
    with pytest.raises(SeisfocError, match="outside the instaseis database's range 0-371 km") as e:
        database.check_source_depth(info, depth, "EVENT/CMTSOLUTION")
    assert str(e.value).startswith("EVENT/CMTSOLUTION: ")


@pytest.mark.parametrize("depth", [0.0, 35.0, 371.0])
def test_depth_inside_the_database_passes(instaseis_db, depth):
    database.check_source_depth(instaseis_db[1], depth)


def test_open_missing_or_bad_folder(tmp_path):
    with pytest.raises(SeisfocError, match="does not exist"):
        database.open_database(tmp_path / "nowhere")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "file.txt").write_text("not a database")
    with pytest.raises(SeisfocError, match="instaseis cannot open"):
        database.open_database(tmp_path / "junk")


def test_auto_without_cache_names_the_fetch_command(tmp_path, monkeypatch):
    monkeypatch.setenv("SEISFOC_CACHE", str(tmp_path))
    assert database.default_path() == tmp_path / "instaseis" / database.DEFAULT_NAME
    with pytest.raises(SeisfocError, match="python -m seisfoc.cmt.database fetch"):
        database.open_database("auto")


def _fake_sdist(tmp_path: Path, db_path: Path, with_database: bool = True) -> Path:
    """An instaseis-1.5.0.tar.gz holding the real database folder (and some other file)."""
    archive = tmp_path / "instaseis-1.5.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        readme = b"instaseis"
        info = tarfile.TarInfo("instaseis-1.5.0/README.md")
        info.size = len(readme)
        tar.addfile(info, io.BytesIO(readme))
        if with_database:
            tar.add(db_path, arcname=f"instaseis-1.5.0/tests/data/{database.DEFAULT_NAME}")
    return archive


def test_fetch_extracts_only_the_database_atomically(tmp_path, instaseis_db, monkeypatch):
    archive = _fake_sdist(tmp_path, Path(instaseis_db[1].path))
    calls = []

    def fake_download(dest: Path) -> Path:
        calls.append(dest)
        return archive

    monkeypatch.setattr(database, "_download_sdist", fake_download)
    target = tmp_path / "cache" / "instaseis" / database.DEFAULT_NAME
    assert database.fetch(target, warm_numba=False) == target
    assert len(calls) == 1
    assert (target / "PZ" / "Data" / "ordered_output.nc4").is_file()
    assert not (target / "README.md").exists()
    # no temporary folder left beside the database
    assert sorted(p.name for p in target.parent.iterdir()) == [database.DEFAULT_NAME]
    _, info = database.open_database(target)
    assert info.max_depth_km == pytest.approx(371.0)
    # idempotent and fast: present means no download
    t = time.perf_counter()
    database.fetch(target, warm_numba=False)
    assert len(calls) == 1
    assert time.perf_counter() - t < 5.0


def test_fetch_of_a_bad_archive_leaves_nothing(tmp_path, instaseis_db, monkeypatch):
    archive = _fake_sdist(tmp_path, Path(instaseis_db[1].path), with_database=False)
    monkeypatch.setattr(database, "_download_sdist", lambda dest: archive)
    target = tmp_path / "cache" / database.DEFAULT_NAME
    with pytest.raises(SeisfocError, match="holds no 100s_db_bwd_displ_only"):
        database.fetch(target, warm_numba=False)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_command_line_info_and_errors(instaseis_db, capsys):
    assert database.main(["info", instaseis_db[1].path]) == 0
    out = capsys.readouterr().out
    assert "source depths  0-371 km" in out and "period         100 s" in out
    assert database.main(["info", os.path.join("no", "such", "db")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err and "Traceback" not in err


def test_command_line_words(monkeypatch, capsys):
    """fetch [--no-warm] reaches fetch(); anything else is a usage error (exit 2)."""
    calls = []
    monkeypatch.setattr(database, "fetch", lambda warm_numba=True: calls.append(warm_numba))
    assert database.main(["fetch"]) == 0 and database.main(["fetch", "--no-warm"]) == 0
    assert calls == [True, False]
    capsys.readouterr()
    for words in ([], ["fetch", "x"], ["info", "a", "b"], ["info", "--x"], ["get"]):
        assert database.main(words) == 2
        err = capsys.readouterr().err
        assert err.startswith("usage: python -m seisfoc.cmt.database") and "Traceback" not in err
    assert database.main(["--help"]) == 0 and "fetch [--no-warm]" in capsys.readouterr().out


def test_warm_up_runs_once_per_environment(tmp_path, instaseis_db, monkeypatch):
    archive = _fake_sdist(tmp_path, Path(instaseis_db[1].path))
    monkeypatch.setattr(database, "_download_sdist", lambda dest: archive)
    warmed = []
    monkeypatch.setattr(database, "warm", lambda db: warmed.append(db) or 0.0)
    target = tmp_path / "cache" / database.DEFAULT_NAME
    database.fetch(target)
    database.fetch(target)
    assert len(warmed) == 1
    (target.parent / ".numba-warm").write_text("another python\n")
    database.fetch(target)
    assert len(warmed) == 2
