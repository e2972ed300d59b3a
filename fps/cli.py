"""``seisfoc fps``: parse, call :mod:`seisfoc.fps.solve`, print, write, plot.

Exit status: 0 every event was solved or had too few polarities (said per event); 1 an
input could not be read or written (the others are still done); 2 a usage error.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from seisfoc.cli.options import (
    NORDIC_FORMATS,
    add_inputs,
    add_nordic_format,
    add_output,
    add_time_range,
    add_write,
    int_at_least,
    non_negative_float,
    positive_float,
    real_in,
)
from seisfoc.errors import SeisfocError
from seisfoc.fileio import json_text

__all__ = ["configure", "run", "PROGRAM"]

#: program name of our F-lines (columns 71-77)
PROGRAM = "SEISFOC"

COLUMNS = (
    "columns: n = polarities used; strike/dip/rake = the answer (preferred mechanism of "
    "the most probable cluster); r68 = Kagan angle (deg) about the answer holding 68 % of "
    "the solutions' weight; prob = that cluster's share; cl = clusters; mis = readings "
    "the answer contradicts / HASH-weighted misfit fraction; stdr = station distribution "
    "ratio; gaps = azimuthal / take-off gap (deg); PINV = PINV's solution's Kagan angle to "
    "the answer; q = grade (A best, D worst, F: HASH's gap limits) and its reason"
)


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``seisfoc fps``."""
    parser.description = (
        "Best double couple from P polarities: grid search with perturbed readings, "
        "solutions clustered into distinct mechanisms, a 68 %% confidence radius and a "
        "grade with its reason."
    )
    add_inputs(parser)
    add_nordic_format(parser)
    add_time_range(parser)
    q = parser.add_argument_group("readings (each dropped reading is listed with its reason)")
    q.add_argument(
        "--phases",
        default="P,PG,PN,PB,P*",
        help="phases whose polarity is used, comma separated (default P,PG,PN,PB,P*; "
        "case-insensitive)",
    )
    q.add_argument("--exclude-stations", default="", metavar="STA,STA", help="stations never used")
    q.add_argument(
        "--max-distance", type=positive_float, metavar="KM", help="drop readings farther away"
    )
    q.add_argument(
        "--max-residual",
        type=non_negative_float,
        default=3.0,
        metavar="S",
        help="drop readings with |travel-time residual| above this (default 3 s)",
    )
    q.add_argument(
        "--weights",
        choices=("nordic", "none"),
        default="nordic",
        help="polarity weights from the Nordic weight column (0: 1, 1: 0.75, 2: 0.5, "
        "3: 0.25; default) or all 1",
    )
    q.add_argument(
        "--min-polarities",
        type=int_at_least(1),
        default=8,
        help="fewer polarities give no solution (default 8, HASH's minimum)",
    )
    s = parser.add_argument_group("search")
    s.add_argument(
        "--method",
        choices=("posterior", "trials"),
        default="posterior",
        help="posterior (default): the perturbation trials integrated analytically; "
        "trials: HASH's Monte Carlo acceptable sets (--trials, --seed)",
    )
    s.add_argument("--takeoff-error", type=non_negative_float, default=5.0, help="deg (default 5)")
    s.add_argument("--azimuth-error", type=non_negative_float, default=5.0, help="deg (default 5)")
    s.add_argument(
        "--flip-rate",
        type=real_in(0.0, 0.5, high_open=True),
        default=0.1,
        help="assumed fraction of wrong polarities (default 0.1, HASH's)",
    )
    s.add_argument(
        "--grid-step",
        type=real_in(1.0, 30.0),
        default=5.0,
        help="double-couple grid spacing, 1-30 deg (default 5)",
    )
    s.add_argument(
        "--cluster-deg",
        type=real_in(5.0, 120.0),
        default=35.0,
        help="Kagan radius of a cluster (default 35 deg)",
    )
    s.add_argument("--trials", type=int_at_least(1), default=100, help="--method trials")
    s.add_argument("--seed", type=int_at_least(0), default=0, help="--method trials")
    add_output(
        parser,
        csv=True,
        plot="beachball PNG of each solved event ({} or {name} in the name: one file per "
        "event; without, the first solved event)",
    )
    add_write(
        parser,
        write=f"write the answer into the S-file as an OF-line of program {PROGRAM} (errors "
        "in 31-45, misfit in 46-50, STDR in 51-55, grade in 78)",
        prime="with --write: a prime F-line instead",
    )
    parser.add_argument(
        "--quakeml",
        metavar="XML",
        help="write the solved events as QuakeML (ids from the SEISAN event ID: a second "
        "import updates rather than duplicates; picks, arrivals, origin, magnitudes)",
    )
    parser.add_argument("--jobs", type=int_at_least(1), default=1, help="processes (default 1)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.epilog = COLUMNS


def _settings(args):
    from .solve import Settings

    return Settings(
        n_trials=args.trials,
        step_deg=args.grid_step,
        takeoff_sigma_deg=args.takeoff_error,
        azimuth_sigma_deg=args.azimuth_error,
        flip_rate=args.flip_rate,
        cluster_deg=args.cluster_deg,
        min_polarities=args.min_polarities,
        seed=args.seed,
        method=args.method,
    )


def _work_items(args) -> list[Any]:
    from seisfoc.io import nordic

    out: list[Any] = []
    for item in args.inputs:
        if os.path.isdir(item):
            try:
                out.extend(nordic.iter_database(item, args.start, args.end))
            except SeisfocError as err:
                out.append(err)
        else:
            out.append(item)
    return out


def _solve_file(path: str, args_dict: dict) -> list[Any]:
    """All events of one file: EventFps or the file's error (runs in a worker)."""
    from seisfoc.io import nordic

    from .solve import solve_event

    args = argparse.Namespace(**args_dict)
    try:
        events = nordic.read_events(path, nordic_format=NORDIC_FORMATS[args.nordic_format])
    except SeisfocError as err:
        return [err]
    out: list[Any] = []
    for i, event in enumerate(events):
        try:
            out.append(
                solve_event(
                    event,
                    _settings(args),
                    index=i,
                    phases=[p for p in args.phases.split(",") if p.strip()],
                    exclude_stations=[s for s in args.exclude_stations.split(",") if s],
                    max_distance_km=args.max_distance,
                    max_residual_s=args.max_residual,
                    weights=args.weights,
                )
            )
        except SeisfocError as err:
            out.append(SeisfocError(f"event {i + 1}: {err}", path=path))
    return out


def run(args: argparse.Namespace) -> int:
    """Run ``seisfoc fps``; returns the exit status."""
    from tqdm import tqdm

    _settings(args).check()
    items = _work_items(args)
    args_dict = {k: v for k, v in vars(args).items() if not callable(v)}
    bar = tqdm(
        total=len(items),
        unit="file",
        file=sys.stderr,
        disable=args.no_progress or len(items) < 2 or not sys.stderr.isatty(),
    )
    results, failed = [], 0
    paths = [p for p in items if not isinstance(p, SeisfocError)]
    for err in (p for p in items if isinstance(p, SeisfocError)):
        bar.write(f"error: {err}")
        failed += 1
    if args.jobs > 1 and len(paths) > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            chunks = pool.map(_solve_file, paths, [args_dict] * len(paths), chunksize=4)
            for chunk in chunks:
                bar.update(1)
                results.extend(chunk)
    else:
        for path in paths:
            results.extend(_solve_file(path, args_dict))
            bar.update(1)
    bar.close()
    solved = []
    for r in results:
        if isinstance(r, SeisfocError):
            print(f"seisfoc fps: error: {r}", file=sys.stderr)
            failed += 1
        else:
            solved.append(r)
    if args.write:
        failed += _write(solved, args)
    if args.json:
        print(json_text([_as_dict(r) for r in solved]))
    elif args.csv:
        sys.stdout.write(_csv(solved))
    else:
        print(_table(solved))
    if args.plot:
        failed += _plots(solved, args.plot)
    if args.quakeml:
        failed += _quakeml(solved, args)
    return 1 if failed else 0


def _quakeml(results, args) -> int:
    from seisfoc.io import nordic

    from .quakeml import write_fps_quakeml

    keep, events = [], []
    for e in results:
        if e.result.answer is None:
            print(f"{e.label}: not in QuakeML: {e.result.message}", file=sys.stderr)
            continue
        try:
            fmt = NORDIC_FORMATS[args.nordic_format]
            events.append(nordic.read_events(e.path, nordic_format=fmt)[e.event_index])
        except (SeisfocError, IndexError) as err:
            print(f"seisfoc fps: error: {err}", file=sys.stderr)
            return 1
        keep.append(e)
    try:
        write_fps_quakeml(args.quakeml, keep, events, agency=args.agency or "")
    except SeisfocError as err:
        print(f"seisfoc fps: error: {err}", file=sys.stderr)
        return 1
    return 0


def _as_dict(r) -> dict[str, Any]:
    d = {"path": r.path, "event_index": r.event_index, "event": r.label}
    d.update(r.result.as_dict())
    d["readings"] = {
        "used": [
            {"station": s, "phase": p, "line": n, "polarity": pol, "weight": w}
            for s, p, n, pol, w in zip(
                r.readings.station,
                r.readings.phase,
                r.readings.line_number,
                r.readings.polarity,
                r.readings.weight,
                strict=True,
            )
        ],
        "dropped": [
            {"line": n, "station": s, "phase": p, "reason": why}
            for n, s, p, why in r.readings.dropped
        ],
    }
    return d


def _f(v, fmt: str, width: int) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-".rjust(width)
    return format(v, fmt).rjust(width)


def _table(results) -> str:
    lines = [
        f"{'event':22s} {'n':>3s} {'strike':>6s} {'dip':>4s} {'rake':>6s} {'r68':>5s} "
        f"{'prob':>4s} {'cl':>2s} {'mis':>8s} {'stdr':>4s} {'gaps':>7s} {'PINV':>5s} q  reason"
    ]
    for e in results:
        r = e.result
        if r.answer is None:
            lines.append(f"{e.label:22s} {r.n_polarities:3d}  no solution: {r.message}")
        else:
            c = r.clusters[0]
            lines.append(
                f"{e.label:22s} {r.n_polarities:3d} {c.strike:6.1f} {c.dip:4.1f} {c.rake:6.1f} "
                f"{r.radius68_deg:5.1f} {c.probability:4.2f} {len(r.clusters):2d} "
                f"{r.n_misfit:3d}/{r.misfit:4.2f} {r.stdr:4.2f} "
                f"{r.azimuthal_gap_deg:3.0f}/{r.takeoff_gap_deg:3.0f} "
                f"{_f(r.kagan_pinv_deg, '.1f', 5)} {r.grade}  {r.grade_reason}"
            )
        for n, s, p, why in e.readings.dropped:
            lines.append(f"{'':22s}     dropped line {n} {s} {p}: {why}")
    lines.append(COLUMNS)
    return "\n".join(lines)


def _csv(results) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        ["path", "event_index", "event", "n_polarities", "strike", "dip", "rake",
         "radius68_deg", "probability", "n_clusters", "n_misfit", "misfit", "stdr",
         "azimuthal_gap_deg", "takeoff_gap_deg", "pinv_strike", "pinv_dip", "pinv_rake",
         "kagan_pinv_deg", "grade", "grade_reason", "rms_fault_plane_deg",
         "rms_aux_plane_deg", "n_dropped", "message"]
    )  # fmt: skip
    for e in results:
        r = e.result
        c = r.clusters[0] if r.clusters else None
        pinv = r.pinv or (None, None, None)
        row = [e.path, e.event_index, e.label, r.n_polarities]
        row += [_cell(c.strike), _cell(c.dip), _cell(c.rake)] if c else ["", "", ""]
        row += [_cell(r.radius68_deg), _cell(c.probability) if c else "", len(r.clusters)]
        row += [r.n_misfit, _cell(r.misfit), _cell(r.stdr), _cell(r.azimuthal_gap_deg)]
        row += [_cell(r.takeoff_gap_deg), *(_cell(x) for x in pinv), _cell(r.kagan_pinv_deg)]
        row += [r.grade, r.grade_reason]
        row += [_cell(c.rms_fault_plane_deg), _cell(c.rms_aux_plane_deg)] if c else ["", ""]
        row += [len(e.readings.dropped), r.message]
        w.writerow(row)
    return buf.getvalue()


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if not math.isfinite(v) else f"{v:.3f}"
    return v


def _write(results, args) -> int:
    from seisfoc.io import nordic
    from seisfoc.io.station0 import agency as station0_agency

    from .solve import fault_plane_line

    failed = 0
    for e in results:
        if e.result.answer is None:
            print(f"{e.label}: not written: {e.result.message}", file=sys.stderr)
            continue
        try:
            agency = args.agency or station0_agency(e.path, cwd=".")
            line = fault_plane_line(e.result, agency=agency, program=PROGRAM, prime=args.prime)
            nordic.write_fault_plane(e.path, line, prime=args.prime, event_index=e.event_index)
        except SeisfocError as err:
            print(f"seisfoc fps: error: {err}", file=sys.stderr)
            failed += 1
    return failed


def _plots(results, template: str) -> int:
    from .plot import plot_result

    solved = [e for e in results if e.result.answer is not None]
    if not solved:
        print("seisfoc fps: no solved event to plot", file=sys.stderr)
        return 0
    many = "{" in template
    failed = 0
    for k, e in enumerate(solved if many else solved[:1], start=1):
        name = os.path.splitext(os.path.basename(e.path))[0]
        path = template.format(k, name=name) if many else template
        try:
            plot_result(e, path)
        except SeisfocError as err:
            print(f"seisfoc fps: error: {err}", file=sys.stderr)
            failed += 1
    return failed
