"""``seisfoc demo`` never deletes or replaces what it did not create.

It used to ``shutil.rmtree`` an existing ``DIR/example`` (exit 0), so ``--out .`` in a
folder holding the user's own ``example/`` deleted it; ``--out /dev/null``, ``--out`` a
file and ``--trials 0`` ended in tracebacks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _demo(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "seisfoc", "demo", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _one_line_error(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("seisfoc demo: error: "), done.stderr
    for word in words:
        assert word in lines[0]


def test_existing_example_tree_is_kept(tmp_path):
    mine = tmp_path / "out" / "example" / "REA" / "notes.txt"
    mine.parent.mkdir(parents=True)
    mine.write_text("the user's own file\n")
    _one_line_error(_demo(tmp_path, "--out", "out", "--trials", "1", "--no-plots"), "out", "empty")
    assert mine.read_text() == "the user's own file\n"
    assert sorted(p.name for p in (tmp_path / "out").rglob("*")) == ["REA", "example", "notes.txt"]


def test_out_dot_in_a_folder_with_example(tmp_path):
    mine = tmp_path / "example" / "data.txt"
    mine.parent.mkdir()
    mine.write_text("x\n")
    _one_line_error(_demo(tmp_path, "--out", ".", "--trials", "1", "--no-plots"), "empty")
    assert mine.read_text() == "x\n"


def test_out_dev_null(tmp_path):
    _one_line_error(_demo(tmp_path, "--out", "/dev/null", "--trials", "1"), "/dev/null", "folder")


def test_out_a_file(tmp_path):
    (tmp_path / "f.txt").write_text("keep\n")
    _one_line_error(_demo(tmp_path, "--out", "f.txt", "--trials", "1"), "f.txt", "folder")
    assert (tmp_path / "f.txt").read_text() == "keep\n"


def test_trials_zero(tmp_path):
    _one_line_error(_demo(tmp_path, "--trials", "0"), "--trials")
    assert list(tmp_path.iterdir()) == []


def test_default_out_goes_to_a_fresh_folder(tmp_path):
    """``make demo`` twice: the second run writes demo-output-2, the first is untouched."""
    first = tmp_path / "demo-output" / "keep.txt"
    first.parent.mkdir()
    first.write_text("earlier run\n")
    done = _demo(tmp_path, "--trials", "1", "--no-plots")
    assert done.returncode == 0, done.stderr
    assert first.read_text() == "earlier run\n"
    assert sorted(p.name for p in (tmp_path / "demo-output").iterdir()) == ["keep.txt"]
    assert (tmp_path / "demo-output-2" / "example" / "REA" / "EXAMP").is_dir()
    assert "demo-output-2" in done.stdout
