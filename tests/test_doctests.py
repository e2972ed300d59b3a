"""The examples in the docstrings of the public numerical modules run and give what they
say (closed forms: a 3-4-5 straight ray, a strike-slip P lobe, a known auxiliary plane,
Kagan angles of 0 and 90 degrees, Mw of 1e25 dyne-cm, FOCMEC's 464,310 double couples at
2 degrees, a CMTSOLUTION read and written back unchanged)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "seisfoc.mechanism",
    "seisfoc.rays",
    "seisfoc.radiation",
    "seisfoc.gridsearch",
    "seisfoc.io.cmtsolution",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
