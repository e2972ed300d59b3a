"""``seisfoc events``: a table of the events and P polarities in S-files or a database.

Reads with :mod:`seisfoc.nordic` and prints; it computes nothing. Useful to see what a
mechanism program will get before running it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator

from seisfoc import nordic
from seisfoc.errors import SeisfocError

POLARITY_SIGN = {"C": 1, "U": 1, "+": 1, "D": -1, "-": -1}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="+",
        help="S-files, hyp.out files, or database folders (REA/<BASE>)",
    )
    parser.add_argument("--start", help="database: first origin time, e.g. 1996-06-01")
    parser.add_argument("--end", help="database: last origin time (exclusive)")
    parser.add_argument(
        "--polarities", action="store_true", help="list every P polarity under its event"
    )


def iter_inputs(
    inputs: list[str], start=None, end=None
) -> Iterator[tuple[str, nordic.Event | SeisfocError]]:
    """Every event of every input: files give all their events, folders are databases.

    Errors are yielded, not raised, so that one bad S-file never stops a run.
    """
    for item in inputs:
        if os.path.isdir(item):
            yield from nordic.read_database(item, start=start, end=end)
            continue
        try:
            events = nordic.read_events(item)
        except SeisfocError as err:
            yield item, err
            continue
        for event in events:
            yield item, event


def p_polarities(event: nordic.Event) -> list[nordic.Phase]:
    """The phase lines of an event that carry a P first-motion polarity."""
    return [
        ph for ph in event.phases if ph.polarity in POLARITY_SIGN and ph.phase[:1].upper() == "P"
    ]


def _fmt(value, spec: str, width: int) -> str:
    return format(value, spec) if value is not None else " " * (width - 1) + "-"


def event_row(path: str, event: nordic.Event) -> str:
    h = event.prime_header
    when = event.origin_time.strftime("%Y-%m-%d %H:%M:%S") if event.origin_time else "-" * 19
    pols = p_polarities(event)
    with_angles = sum(1 for ph in pols if ph.ain_deg is not None and ph.caz_deg is not None)
    fp = event.prime_fault_plane
    mech = (
        f"{fp.strike:6.1f} {fp.dip:5.1f} {fp.rake:7.1f} {fp.program.strip() or '?'}"
        if fp is not None and fp.strike is not None
        else "-"
    )
    mag = h.magnitudes[0][0] if h is not None and h.magnitudes else None
    return (
        f"{when:19s} {_fmt(event.latitude, '8.3f', 8)} {_fmt(event.longitude, '9.3f', 9)} "
        f"{_fmt(event.depth_km, '6.1f', 6)} {_fmt(mag, '4.1f', 4)} "
        f"{len(pols):4d} {with_angles:4d}  Nordic{event.nordic_format}  {mech:28s} "
        f"{os.path.basename(path)}"
    )


HEADER = (
    f"{'origin time':19s} {'lat':>8s} {'lon':>9s} {'depth':>6s} {'mag':>4s} "
    f"{'npol':>4s} {'angl':>4s}  format   {'prime F-line: s/d/r program':28s} file"
)


def polarity_rows(event: nordic.Event) -> Iterator[str]:
    for ph in p_polarities(event):
        yield (
            f"    {ph.station:5s} {ph.component:3s} {ph.phase:8s} {ph.polarity}  "
            f"AIN {_fmt(ph.ain_deg, '5.1f', 5)}  CAZ {_fmt(ph.caz_deg, '3d', 3)}  "
            f"dist {_fmt(ph.distance_km, '7.1f', 7)} km   line {ph.line_number}"
        )


def run(args: argparse.Namespace) -> int:
    n_events = n_bad = n_pol = 0
    print(HEADER)
    for path, item in iter_inputs(args.inputs, args.start, args.end):
        if isinstance(item, SeisfocError):
            n_bad += 1
            print(f"skipped: {item}", file=sys.stderr)
            continue
        n_events += 1
        n_pol += len(p_polarities(item))
        print(event_row(path, item))
        if args.polarities:
            for row in polarity_rows(item):
                print(row)
    print(f"{n_events} events, {n_pol} P polarities, {n_bad} unreadable files")
    return 1 if n_bad and not n_events else 0
