"""The type checker on the core (seisfoc/) and every program (cmt/, fps/, pinv/, invrad/,
invdc/, synrad/): mypy with the [tool.mypy] configuration of pyproject.toml must report no
error."""

from __future__ import annotations

import subprocess
import sys

from support.reference import REPO


def test_mypy_is_clean_on_the_core_and_the_programs():
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--hide-error-context"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert done.returncode == 0 and not errors, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_faces_and_their_callers_are_typed():
    """PINV's face is in the core (seisfoc.polarity.pinv_solver, checked above); its
    re-export under the program's name, which the drop-in imports, is checked too."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "pinv/solver.py", "--no-error-summary"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
