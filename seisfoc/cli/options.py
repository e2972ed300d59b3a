"""Option types and option groups shared by every command of the suite.

A number or time a program cannot use is an argparse error (usage line, exit status 2)
naming the option, never a traceback or a silent NaN later on: ``--seed -1``,
``--rcond nan``, ``--dip 95``, ``--start 1996-13-45``.

The groups give every sub-command the same names for the same things: ``inputs``,
``--start/--end`` (always a time), ``--mode``, ``--json``/``--csv``/``--plot``, ``--write``
(``--prime``, ``--agency``) and ``--out`` (an output folder).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from typing import Any

from seisfoc.errors import SeisfocError

#: the behaviours every program offers
MODES = ("modern", "seisan")
#: --nordic-format choices -> the reader's ``nordic_format`` argument (the names are
#: those every output uses for the two Nordic formats: "old" and "nordic2")
NORDIC_FORMATS: dict[str, int | None] = {"auto": None, "old": 1, "nordic2": 2}
#: the reader's ``nordic_format`` -> its name in every output
FORMAT_NAMES: dict[int | None, str] = {v: k for k, v in NORDIC_FORMATS.items() if v is not None}


# ---------------------------------------------------------------- option types


def finite_float(text: str) -> float:
    """A finite number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def real_in(
    low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> Callable[[str], float]:
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


def int_at_least(low: int) -> Callable[[str], int]:
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


positive_int = int_at_least(1)
non_negative_int = int_at_least(0)


def positive_float(text: str) -> float:
    """A finite number > 0."""
    value = finite_float(text)
    if not value > 0.0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def non_negative_float(text: str) -> float:
    """A finite number >= 0."""
    value = finite_float(text)
    if value < 0.0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


_dip = real_in(0.0, 90.0)
_step = real_in(0.0, 1.0, low_open=True)


def dip_deg(text: str) -> float:
    """A dip in [0, 90] deg."""
    return _dip(text)


def step_factor(text: str) -> float:
    """INVDC's step factor in (0, 1]."""
    return _step(text)


def bootstrap_count(text: str) -> int:
    """0 (no bootstrap) or at least 2 resamples (a standard deviation needs two)."""
    value = non_negative_int(text)
    if value == 1:
        raise argparse.ArgumentTypeError("needs at least 2 resamples (0: no bootstrap)")
    return value


def time_argument(text: str) -> str:
    """``--start`` / ``--end``: a year, a month, an ISO date or date and time, as
    :func:`seisfoc.io.nordic.parse_time` reads it; as an end it covers its last unit."""
    from seisfoc.io.nordic import parse_time

    try:
        parse_time(text)
    except SeisfocError as err:
        raise argparse.ArgumentTypeError(err.message) from None
    # the text itself, checked: as an end it covers its last unit (a day, a minute...),
    # which seisfoc.io.nordic.time_range reads from the text
    return text.strip()


class StrikeDipRake(argparse.Action):
    """``STRIKE DIP RAKE`` (finite numbers, each through ``type``): the dip in [0, 90]."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        assert isinstance(values, Sequence)
        dip = float(values[1])
        if not 0.0 <= dip <= 90.0:
            raise argparse.ArgumentError(self, f"dip must be in [0, 90] deg, got {dip:g}")
        setattr(namespace, self.dest, list(values))


# ---------------------------------------------------------------- option groups


def add_inputs(
    parser: argparse.ArgumentParser,
    help: str = "hyp.out, S-file(s) or a database folder",
    *,
    many: bool = True,
) -> None:
    """``inputs`` (several, ``many``) or ``input`` (one): what the program reads."""
    if many:
        parser.add_argument("inputs", nargs="+", help=help)
    else:
        parser.add_argument("input", help=help)


def add_time_range(parser: argparse.ArgumentParser) -> None:
    """``--start`` / ``--end``: the origin times a database walk keeps (always a time)."""
    parser.add_argument(
        "--start",
        type=time_argument,
        metavar="TIME",
        help="database: first origin time, inclusive: a year (1995), a month (1996-07), "
        "a date (1996-06-01) or a date and time (1996-06-01T12:00:00)",
    )
    parser.add_argument(
        "--end",
        type=time_argument,
        metavar="TIME",
        help="database: last origin time, inclusive; a year, month or date includes the "
        "whole of it (--end 1996-07: to 1996-07-31 23:59:59)",
    )


def add_nordic_format(parser: argparse.ArgumentParser) -> None:
    """``--nordic-format auto|old|nordic2``: read the input as one Nordic format."""
    parser.add_argument(
        "--nordic-format",
        choices=tuple(NORDIC_FORMATS),
        default="auto",
        help="read the input as old Nordic or Nordic2 (default auto: each event's type-7 "
        "line, else its phase lines)",
    )


def add_mode(
    parser: argparse.ArgumentParser,
    default: str | None = "modern",
    help: str = "seisan = the original's numbers; modern (default) = the corrected program",
) -> None:
    """``--mode modern|seisan``: legacy behaviour is a parameter, not a fork."""
    parser.add_argument("--mode", choices=MODES, default=default, help=help)


def add_output(
    parser: argparse.ArgumentParser,
    *,
    csv: bool = False,
    plot: str | None = None,
) -> None:
    """``--json`` (and ``--csv`` when the result is a table; the two exclude each other)
    and ``--plot FILE`` when ``plot`` gives its help text."""
    group = parser.add_mutually_exclusive_group() if csv else parser
    group.add_argument("--json", action="store_true", help="print JSON instead of the report")
    if csv:
        group.add_argument("--csv", action="store_true", help="print CSV instead of the report")
    if plot is not None:
        parser.add_argument("--plot", metavar="PNG", help=plot)


def add_write(
    parser: argparse.ArgumentParser,
    write: str = "S-file: write the solution as an OF-line",
    prime: str = "with --write: the prime F-line (column 79 blank)",
) -> None:
    """``--write`` (the F-line into the S-file), ``--prime`` and ``--agency``."""
    parser.add_argument("--write", action="store_true", help=write)
    parser.add_argument("--prime", action="store_true", help=prime)
    parser.add_argument("--agency", help="agency of the F-line (default: from STATION0.HYP)")


def add_out_folder(parser: argparse.ArgumentParser, help: str = "output folder") -> None:
    """``--out DIR``: the one name every command uses for an output folder."""
    parser.add_argument("--out", metavar="DIR", help=help)
