"""``seisfoc compare``: parse, call :mod:`seisfoc.fps.compare`, print, exit code.

Exit status: 0 every compared event within ``--threshold``; 1 an error (an input that
cannot be read, an event that could not be compared, or no event with both mechanisms);
2 a usage error; 3 a regression: at least one event's Kagan angle beyond ``--threshold``
(reported even when there were errors too).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
from typing import Any

from seisfoc.cli.options import add_inputs, add_output, add_time_range, real_in
from seisfoc.errors import SeisfocError
from seisfoc.fileio import json_text

__all__ = ["configure", "run", "EXIT_OK", "EXIT_ERROR", "EXIT_REGRESSION"]

EXIT_OK, EXIT_ERROR, EXIT_REGRESSION = 0, 1, 3


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``seisfoc compare``."""
    parser.description = (
        "Compare the mechanisms of two sources per event: F-lines of two programs, a fresh "
        "seisfoc result against a stored F-line, or FOCMEC's own output. Exit status 0 ok, "
        "1 error, 2 usage, 3 a Kagan angle beyond --threshold."
    )
    add_inputs(parser, help="S-file(s), hyp.out or a database folder REA/<BASE>")
    parser.add_argument(
        "--a",
        default="pinv",
        metavar="SOURCE",
        help="first source (default pinv): fline (prime F-line, else the first), "
        "fline:NAME (program NAME in columns 71-77; 'fline:' a blank program), pinv "
        "(fresh seisfoc pinv), fps (fresh seisfoc fps), focmec (FOCMEC's set computed by "
        "seisfoc), file:PATH (FOCMEC's fm_new.out or focmec.lst, one event)",
    )
    parser.add_argument(
        "--b", default="fline", metavar="SOURCE", help="second source (default fline)"
    )
    parser.add_argument(
        "--selection",
        choices=("focmec", "qc", "pinv"),
        default="focmec",
        help="readings for the misfits and FOCMEC's set: focmec (as SEISAN's 'focmec p': "
        "weights 4/9 kept, blank AIN read as 0; default), qc (seisfoc fps's checked "
        "readings), pinv (P phases with both angles)",
    )
    parser.add_argument(
        "--focmec-output",
        metavar="FILE",
        help="FOCMEC's fm_new.out or focmec.lst of the (one) event: its acceptable set is "
        "used instead of computing it",
    )
    parser.add_argument(
        "--threshold",
        type=real_in(0.0, 180.0),
        default=30.0,
        metavar="DEG",
        help="Kagan angle (deg) beyond which an event is a regression: exit status 3 (default 30)",
    )
    add_time_range(parser)
    add_output(
        parser,
        csv=True,
        plot="PNG with a histogram of the Kagan angles and a scatter of the two misfits",
    )
    parser.add_argument(
        "--show-skipped",
        action="store_true",
        help="table: also list events without both mechanisms and why (JSON/CSV always do)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _inputs(items: list[str], start: str | None, end: str | None) -> list[str | SeisfocError]:
    """(path or error) of every S-file: databases listed first so the bar has a total."""
    from seisfoc.io import nordic

    out: list[str | SeisfocError] = []
    for item in items:
        if os.path.isdir(item):
            try:
                out.extend(nordic.iter_database(item, start, end))
            except SeisfocError as err:
                out.append(err)
        else:
            out.append(item)
    return out


def run(args: argparse.Namespace) -> int:
    """Run ``seisfoc compare``; returns the exit status."""
    from seisfoc.io import nordic

    from . import compare as C

    a, b = C.parse_source(args.a), C.parse_source(args.b)
    file_set = None
    for s in (a, b):
        if s.kind == "file" and s.name is not None:
            file_set = C.read_focmec_output(s.name)
    if args.focmec_output:
        file_set = C.read_focmec_output(args.focmec_output)
    paths = _inputs(args.inputs, args.start, args.end)
    results: list[C.Comparison] = []
    bar = _progress(len(paths), args.no_progress)
    for path in paths:
        bar.update(1)
        if isinstance(path, SeisfocError):
            results.append(C.Comparison(path.path or "", 0, "", "error", str(path)))
            continue
        try:
            events = nordic.read_events(path)
        except SeisfocError as err:
            results.append(C.Comparison(path, 0, os.path.basename(path), "error", str(err)))
            bar.write(f"skipped: {err}")
            continue
        if file_set is not None and len(paths) * len(events) > 1:
            raise SeisfocError("file:/--focmec-output belongs to one event; give one S-file")
        for i, event in enumerate(events):
            try:
                results.append(C.compare_event(event, a, b, index=i, selection=args.selection,
                                               focmec_file=file_set))  # fmt: skip
            except SeisfocError as err:
                results.append(C.Comparison(path, i, os.path.basename(path), "error", str(err)))
                bar.write(f"skipped: {err}")
    bar.close()
    stats = C.summary(results, args.threshold)
    if args.json:
        print(json_text({"summary": stats, "events": [r.as_dict() for r in results]}))
    elif args.csv:
        sys.stdout.write(_csv(results))
    else:
        print(_table(results, a, b, stats, args.show_skipped))
    if args.plot:
        _plot(results, args.plot, args.threshold, a, b)
    if stats["above_threshold"]:
        return EXIT_REGRESSION
    if stats["errors"] or not stats["compared"]:
        if not stats["compared"]:
            print("seisfoc compare: no event has both mechanisms", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def _progress(total: int, off: bool):
    from tqdm import tqdm

    return tqdm(
        total=total,
        unit="file",
        disable=off or total < 2 or not sys.stderr.isatty(),
        file=sys.stderr,
    )


def _sdr(side) -> str:
    return f"{side.strike:5.1f} {side.dip:4.1f} {side.rake:6.1f}"


def _inside(side) -> str:
    if side.inside_focmec is None:
        return "-"
    return f"{'in' if side.inside_focmec else 'out'} {side.nearest_focmec_deg:4.1f}"


def _fraction(side) -> str:
    f = side.misfit_fraction
    return f"{side.misfit_count:3d}/" + (f"{f:4.2f}" if math.isfinite(f) else "   -")


def _table(results, a, b, stats, show_skipped: bool) -> str:
    lines = [
        f"A = {a.label}, B = {b.label}. Kagan: angle between A and B (deg); mis: readings "
        "the mechanism contradicts / HASH-weighted fraction; FOCMEC: in/out of FOCMEC's "
        "acceptable set and Kagan angle to its nearest member",
        f"{'event':22s} {'n':>3s}  {'A strike dip rake':18s} {'B strike dip rake':18s} "
        f"{'Kagan':>6s} {'misA':>9s} {'misB':>9s} {'FOCMEC A':>9s} {'FOCMEC B':>9s}  "
        "stations A/B contradicts",
    ]
    shown = [r for r in results if r.status == "ok" or (show_skipped and r.status == "skipped")]
    for r in shown:
        if r.status != "ok":
            lines.append(f"{r.label or r.path:22s} {r.status}: {r.message}")
            continue
        lines.append(
            f"{r.label:22s} {r.n_polarities:3d}  {_sdr(r.a):18s} {_sdr(r.b):18s} "
            f"{r.kagan_deg:6.1f} {_fraction(r.a):>9s} {_fraction(r.b):>9s} {_inside(r.a):>9s} "
            f"{_inside(r.b):>9s}  {','.join(r.a.misfit_stations) or '-'} / "
            f"{','.join(r.b.misfit_stations) or '-'}"
        )
    s = stats
    med = "-" if s["median_kagan_deg"] is None else f"{s['median_kagan_deg']:.1f}"
    p90 = "-" if s["p90_kagan_deg"] is None else f"{s['p90_kagan_deg']:.1f}"
    lines.append(
        f"{s['compared']} of {s['events']} events compared ({s['skipped']} without both "
        f"mechanisms, {s['errors']} errors); Kagan median {med}, 90th percentile {p90} deg; "
        f"{s['above_threshold']} above {s['threshold_deg']:g} deg; inside FOCMEC's set: "
        f"A {s['a_inside_focmec']}, B {s['b_inside_focmec']}"
    )
    return "\n".join(lines)


def _csv(results) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    cols = ["strike", "dip", "rake", "misfit_count", "misfit_fraction", "misfit_stations",
            "inside_focmec", "focmec_errors", "nearest_focmec_deg"]  # fmt: skip
    w.writerow(
        ["path", "event_index", "event", "status", "message", "n_polarities", "kagan_deg",
         "focmec_min_errors", "focmec_size"]
        + [f"a_{c}" for c in cols] + [f"b_{c}" for c in cols]
    )  # fmt: skip
    for r in results:
        row: list[Any] = [r.path, r.event_index, r.label, r.status, r.message]
        row += [r.n_polarities, _cell(r.kagan_deg), _cell(r.focmec_min_errors), r.focmec_size]
        for side in (r.a, r.b):
            if side is None:
                row += [""] * len(cols)
                continue
            for c in cols:
                v = getattr(side, c)
                row.append(" ".join(v) if isinstance(v, list) else _cell(v))
        w.writerow(row)
    return buf.getvalue()


def _cell(v):
    if isinstance(v, float):
        return "" if not math.isfinite(v) else f"{v:.3f}"
    return "" if v is None else v


def _plot(results, path, threshold, a, b) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = [r for r in results if r.status == "ok"]
    if not ok:
        raise SeisfocError("nothing to plot: no event has both mechanisms")
    k = [r.kagan_deg for r in ok]
    fig, (h, s) = plt.subplots(1, 2, figsize=(10, 4.2))
    h.hist(k, bins=[x * 5.0 for x in range(25)], color="0.5", edgecolor="k")
    h.axvline(threshold, color="r", ls="--", label=f"threshold {threshold:g} deg")
    h.set_xlabel(f"Kagan angle {a.label} - {b.label} (deg)")
    h.set_ylabel("events")
    h.legend()
    fa = [r.a.misfit_fraction for r in ok]
    fb = [r.b.misfit_fraction for r in ok]
    s.scatter(fa, fb, c=k, cmap="viridis", vmin=0, vmax=120, edgecolor="k")
    top = max(0.05, *fa, *fb) * 1.1
    s.plot([0, top], [0, top], color="0.6", lw=0.8)
    s.set_xlim(0, top)
    s.set_ylim(0, top)
    s.set_xlabel(f"misfit fraction {a.label}")
    s.set_ylabel(f"misfit fraction {b.label}")
    s.set_title("colour: Kagan angle (deg)")
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=110)
    except OSError as exc:
        raise SeisfocError(f"cannot write the plot: {exc.strerror or exc}", path=path) from None
    finally:
        plt.close(fig)
