"""What ``seisfoc events`` reads: the events of S-files or a database and their P
polarities, from the one Nordic reader (:mod:`seisfoc.io.nordic`). The table and the
command line are in :mod:`seisfoc.cli.events`.
"""

from __future__ import annotations

from collections.abc import Iterator

from seisfoc.errors import SeisfocError
from seisfoc.io import nordic

POLARITY_SIGN = {"C": 1, "U": 1, "+": 1, "D": -1, "-": -1}


def iter_inputs(
    inputs: list[str], start=None, end=None
) -> Iterator[tuple[str, nordic.Event | SeisfocError]]:
    """Every event of every input (see :func:`seisfoc.io.nordic.read_path`).

    Bad ``start``/``end`` raise :class:`~seisfoc.errors.SeisfocError` at the call; every
    other error is yielded, not raised, so that one bad file never stops a run. An event
    can still raise when its phase fields are decoded: callers catch that per event.
    """
    t0, t1 = nordic.time_range(start, end)
    return (pair for item in inputs for pair in nordic.read_path(item, t0, t1))


def p_polarities(event: nordic.Event) -> list[nordic.Phase]:
    """The phase lines of an event that carry a P first-motion polarity: those that
    :func:`seisfoc.io.nordic.polarity_readings` selects for ``seisfoc pinv`` (a phase
    name starting with ``P``: ``pP`` and other depth phases are not direct P), so that
    both commands count the same polarities."""
    selected = {reading[0] for reading in nordic.polarity_readings(event, "P")}
    return [ph for ph in event.phases if ph.line_number in selected]
