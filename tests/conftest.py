"""Shared fixtures. Tests that use ../shared/reference skip when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parent.parent
SHARED_REFERENCE = REPO.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """``../shared/reference`` beside the repository; skips the test when it is absent."""
    if not SHARED_REFERENCE.is_dir():
        pytest.skip("../shared/reference is not present (a user's clone does not have it)")
    return SHARED_REFERENCE


def reference_path(*parts: str) -> Path:
    """A path inside ../shared/reference for parametrisation (may not exist)."""
    return SHARED_REFERENCE.joinpath(*parts)


def have_reference() -> bool:
    return SHARED_REFERENCE.is_dir()
