"""argparse ``type=`` functions shared by every command of the suite.

A number or time a program cannot use is an argparse error (usage line, exit status 2)
naming the option, never a traceback or a silent NaN later on: ``--seed -1``,
``--rcond nan``, ``--dip 95``, ``--start 1996-13-45``.
"""

from __future__ import annotations

import argparse
import math

from seisfoc.errors import SeisfocError


def finite_float(text: str) -> float:
    """A finite number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def real_in(low: float, high: float, *, low_open: bool = False, high_open: bool = False):
    """A finite number in an interval (``*_open``: that bound excluded)."""
    interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"

    def parse(text: str) -> float:
        value = finite_float(text)
        above = value > low if low_open else value >= low
        below = value < high if high_open else value <= high
        if not (above and below):
            raise argparse.ArgumentTypeError(f"must be in {interval}, got {text}")
        return value

    return parse


def int_at_least(low: int):
    """An integer >= ``low``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    return parse


def time_argument(text: str):
    """``--start`` / ``--end``: an ISO date or date and time, as
    :func:`seisfoc.nordic.parse_time` reads it; as an end it covers its last unit."""
    from seisfoc.nordic import parse_time

    try:
        parse_time(text)
    except SeisfocError as err:
        raise argparse.ArgumentTypeError(err.message) from None
    # the text itself, checked: as an end it covers its last unit (a day, a minute...),
    # which seisfoc.nordic.time_range reads from the text
    return text.strip()
