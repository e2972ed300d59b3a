"""pyrocko, the independent reference of the mechanism and ray tests, or a stand-in that
FAILS the test using it (never skips): a contributor without pyrocko must see that
these checks did not run. Install it with scripts/install_pyrocko.sh."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pytest

HINT = (
    "pyrocko is not importable ({error}); it is the independent reference of these tests: "
    "install it with scripts/install_pyrocko.sh (built from its sdist against NumPy 2)"
)


class Missing:
    """Stands for a pyrocko module that cannot be imported; any use fails the test."""

    def __init__(self, error: str) -> None:
        self._error = error

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name == "pytestmark":  # pytest's collection looks
            raise AttributeError(name)
        pytest.fail(HINT.format(error=self._error), pytrace=False)


def import_pyrocko(name: str) -> ModuleType | Missing:
    """``pyrocko.<name>`` or a :class:`Missing` that fails the test at first use."""
    try:
        return importlib.import_module(f"pyrocko.{name}")
    except ImportError as exc:
        return Missing(str(exc))
