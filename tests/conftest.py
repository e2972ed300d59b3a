"""Shared fixtures. Tests that use ../shared/reference skip when it is absent.

``SEISFOC_REFERENCE=none`` hides it (the suite as on a user's clone); any other value
is the folder to use instead (tests/support/reference.py). The bundled subset in
tests/data is always there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.reference import BUNDLE, DATA, REPO, SHARED_REFERENCE, have_reference, reference_path

os.environ.setdefault("MPLBACKEND", "Agg")

__all__ = ["BUNDLE", "DATA", "REPO", "SHARED_REFERENCE", "have_reference", "reference_path"]


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """``../shared/reference`` beside the repository; skips the test when it is absent."""
    if not SHARED_REFERENCE.is_dir():
        pytest.skip("../shared/reference is not present (a user's clone does not have it)")
    return SHARED_REFERENCE


@pytest.fixture(scope="session")
def bundle_dir() -> Path:
    """tests/data/bundle: the synthetic PINV runs that travel with the repository."""
    return BUNDLE
