"""``seisfoc events``: a table (or ``--json``) of the events and P polarities in S-files or a
database.

Reads with :mod:`seisfoc.events` (the one Nordic reader, :mod:`seisfoc.io.nordic`) and
prints; it computes nothing. Useful to see what a mechanism program will get before
running it. The Nordic format of each event is named as in every output of the suite:
``old`` or ``nordic2``.

Errors are reported as ``seisfoc pinv`` reports them, one line on standard error each,
and the run goes on: a file named on the command line that cannot be read or holds no
event, or a folder that is not a database, is an ``error:``; an S-file of a database that
cannot be read is ``skipped:``, and so is any event whose phase lines fail to decode while
its rows are made (a number field such as ``1.2.3`` is found only then). The summary
counts them (on standard error with ``--json``) and the exit status is 1 when anything was
left out. A database without any S-file (in the time range) gets a warning.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from typing import Any

from seisfoc.cli.options import FORMAT_NAMES, add_inputs, add_output, add_time_range
from seisfoc.errors import SeisfocError
from seisfoc.events import p_polarities
from seisfoc.fileio import json_text
from seisfoc.io import nordic


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``seisfoc events``."""
    add_inputs(parser, "S-files, hyp.out files, or database folders (REA/<BASE>)")
    add_time_range(parser)
    parser.add_argument(
        "--polarities", action="store_true", help="list every P polarity under its event"
    )
    add_output(parser)


def _fmt(value: Any, spec: str, width: int) -> str:
    return format(value, spec) if value is not None else " " * (width - 1) + "-"


def _mechanism(fp: nordic.FaultPlane | None) -> str:
    """Strike, dip, rake and program of an F-line; a blank number is shown as ``-``."""
    if fp is None or (fp.strike, fp.dip, fp.rake) == (None, None, None):
        return "-"
    return (
        f"{_fmt(fp.strike, '6.1f', 6)} {_fmt(fp.dip, '5.1f', 5)} {_fmt(fp.rake, '7.1f', 7)} "
        f"{fp.program.strip() or '?'}"
    )


def event_row(path: str, event: nordic.Event) -> str:
    """One event of the table."""
    h = event.prime_header
    when = event.origin_time.strftime("%Y-%m-%d %H:%M:%S") if event.origin_time else "-" * 19
    pols: list[Any] = p_polarities(event)  # Phase fields are decoded on first use
    with_angles = sum(1 for ph in pols if ph.ain_deg is not None and ph.caz_deg is not None)
    mech = _mechanism(event.prime_fault_plane)
    mag = h.magnitudes[0][0] if h is not None and h.magnitudes else None
    return (
        f"{when:19s} {_fmt(event.latitude, '8.3f', 8)} {_fmt(event.longitude, '9.3f', 9)} "
        f"{_fmt(event.depth_km, '6.1f', 6)} {_fmt(mag, '4.1f', 4)} "
        f"{len(pols):4d} {with_angles:4d}  {FORMAT_NAMES.get(event.nordic_format, '?'):7s}  "
        f"{mech:28s} "
        f"{os.path.basename(path)}"
    )


HEADER = (
    f"{'origin time':19s} {'lat':>8s} {'lon':>9s} {'depth':>6s} {'mag':>4s} "
    f"{'npol':>4s} {'angl':>4s}  format   {'prime F-line: s/d/r program':28s} file"
)


def polarity_rows(event: nordic.Event) -> Iterator[str]:
    """The P polarities of an event under its row."""
    pols: list[Any] = p_polarities(event)
    for ph in pols:
        yield (
            f"    {ph.station:5s} {ph.component:3s} {ph.phase:8s} {ph.polarity}  "
            f"AIN {_fmt(ph.ain_deg, '5.1f', 5)}  CAZ {_fmt(ph.caz_deg, '3d', 3)}  "
            f"dist {_fmt(ph.distance_km, '7.1f', 7)} km   line {ph.line_number}"
        )


def _rows(path: str, event: nordic.Event, with_polarities: bool) -> tuple[list[str], int]:
    """The printed rows of an event and its number of P polarities; raises the
    SeisfocError of a phase field that does not decode, before anything is printed."""
    rows = [event_row(path, event)]
    if with_polarities:
        rows.extend(polarity_rows(event))
    return rows, len(p_polarities(event))


def event_dict(path: str, event: nordic.Event, with_polarities: bool) -> dict[str, Any]:
    """One event of ``--json``: what its table row shows, numbers as numbers (``None``
    where blank), and its P polarities with ``with_polarities``."""
    h = event.prime_header
    pols: list[Any] = p_polarities(event)
    fp = event.prime_fault_plane
    mag = h.magnitudes[0] if h is not None and h.magnitudes else None
    d: dict[str, Any] = {
        "file": path,
        "origin_time": event.origin_time.isoformat() if event.origin_time else None,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "depth_km": event.depth_km,
        "magnitude": mag[0] if mag else None,
        "n_polarities": len(pols),
        "n_with_angles": sum(1 for ph in pols if ph.ain_deg is not None and ph.caz_deg is not None),
        "nordic_format": FORMAT_NAMES.get(event.nordic_format, ""),
        "prime_fault_plane": None
        if fp is None or (fp.strike, fp.dip, fp.rake) == (None, None, None)
        else {
            "strike": fp.strike,
            "dip": fp.dip,
            "rake": fp.rake,
            "program": fp.program.strip(),
        },  # fmt: skip
    }
    if with_polarities:
        d["polarities"] = [
            {"station": ph.station, "component": ph.component, "phase": ph.phase,
             "polarity": ph.polarity, "ain_deg": ph.ain_deg, "caz_deg": ph.caz_deg,
             "distance_km": ph.distance_km, "line": ph.line_number}
            for ph in pols
        ]  # fmt: skip
    return d


def run(args: argparse.Namespace) -> int:
    """Run ``seisfoc events``; returns the exit status (1 when anything was left out)."""
    t0, t1 = nordic.time_range(args.start, args.end)
    n_events = n_skipped = n_pol = 0
    listed: list[dict[str, Any]] = []
    if not args.json:
        print(HEADER)
    for item in args.inputs:
        in_database = os.path.isdir(item)
        n_items = 0
        for path, event in nordic.read_path(item, t0, t1):
            n_items += 1
            label = "skipped" if in_database and path != item else "error"
            if isinstance(event, SeisfocError):
                n_skipped += 1
                print(f"seisfoc events: {label}: {event}", file=sys.stderr)
                continue
            try:
                rows, n = _rows(path, event, args.polarities)
                if args.json:
                    listed.append(event_dict(path, event, args.polarities))
            except SeisfocError as err:
                n_skipped += 1
                print(f"seisfoc events: {label}: {err}", file=sys.stderr)
                continue
            n_events += 1
            n_pol += n
            if not args.json:
                print("\n".join(rows))
        if in_database and n_items == 0:
            where = " in the time range" if t0 is not None or t1 is not None else ""
            print(f"seisfoc events: warning: {item}: no S-files{where}", file=sys.stderr)
    summary = f"{n_events} events, {n_pol} P polarities, {n_skipped} skipped with errors"
    if args.json:
        print(json_text(listed))
        print(summary, file=sys.stderr)
    else:
        print(summary)
    return 1 if n_skipped else 0
