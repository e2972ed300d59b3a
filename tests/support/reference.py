"""Where the reference data are.

``tests/data`` travels with the repository: the synthetic PINV bundle (twelve runs of
SEISAN 13.03's pinv on inputs of our own making, three with FOCMEC sets) and the
amplitude cases A, B and D. The real-data reference runs stay in ``../shared/reference``
beside the repository; tests that need them skip when it is absent.

``SEISFOC_REFERENCE`` overrides the shared folder: a path, or ``none`` to run the suite
as on a user's clone (``SEISFOC_REFERENCE=none python -m pytest tests``).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
BUNDLE = DATA / "bundle"
AMPLITUDES = DATA / "amplitudes"

#: value of SEISFOC_REFERENCE that hides ../shared/reference
HIDDEN = "none"


def shared_reference_root() -> Path:
    """``../shared/reference``, or what ``SEISFOC_REFERENCE`` names (a path that does not
    exist when it is ``none``)."""
    value = os.environ.get("SEISFOC_REFERENCE", "").strip()
    if value.lower() == HIDDEN:
        return REPO / "tests" / ".no-shared-reference"
    if value:
        return Path(value).expanduser().resolve()
    return REPO.parent / "shared" / "reference"


SHARED_REFERENCE = shared_reference_root()


def have_reference() -> bool:
    """Whether the shared reference folder is there."""
    return SHARED_REFERENCE.is_dir()


def reference_path(*parts: str) -> Path:
    """A path inside the shared reference folder (may not exist)."""
    return SHARED_REFERENCE.joinpath(*parts)
