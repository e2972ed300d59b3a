"""``seisfoc cmt STAGE``: the CMT workflow, one sub-command per stage.

``init EVENT`` writes the documented ``seisfoc-cmt.toml``; ``prepare``, ``simulate``,
``process``, ``window``, ``invert`` and ``report`` run one stage on an event folder (each
reads what the stage before it wrote there); ``run`` does all of them with the
Gauss-Newton iterations; ``demo`` builds a synthetic event with the instaseis database and
prints how well the truth is recovered. Only argument parsing and printing live here: each
sub-command calls one function of :mod:`seisfoc.cmt.pipeline` or :mod:`seisfoc.cmt.demo`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from seisfoc.cli.options import int_at_least, real_in

STAGES = ("init", "prepare", "simulate", "process", "window", "invert", "report", "run", "batch",
          "demo")  # fmt: skip


def _scheduler(parser: argparse.ArgumentParser, default: str = "serial") -> None:
    parser.add_argument(
        "--scheduler",
        default=default,
        metavar="SCHED",
        help="serial (default), local or local:N (a local Dask cluster of N worker "
        "processes), or the address of a running Dask scheduler (tcp://host:8786, e.g. "
        "with dask-jobqueue workers): every event and every simulation is a task",
    )


def _event(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("event_dir", metavar="EVENT_DIR", type=Path, help="event folder")


def _iteration(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--iteration",
        type=int_at_least(0),
        default=0,
        help="Gauss-Newton iteration whose runs are meant (default 0, the first "
        "linearisation in CMT_SIMs/; N >= 1 is work/iter_NN/CMT_SIMs/)",
    )


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _progress(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="cmt_command", metavar="STAGE")
    p = sub.add_parser("init", help="write the documented configuration seisfoc-cmt.toml")
    _event(p)
    p.add_argument("--force", action="store_true", help="replace an existing configuration")

    p = sub.add_parser(
        "prepare", help="reference and perturbed CMTSOLUTIONs in SPECFEM run folders"
    )
    _event(p)
    _iteration(p)
    _json(p)

    p = sub.add_parser("simulate", help="synthetics of every run (instaseis or external)")
    _event(p)
    _iteration(p)
    _progress(p)
    _json(p)

    p = sub.add_parser("process", help="filter, cut and rotate observed and synthetic traces")
    _event(p)
    _iteration(p)
    _json(p)

    p = sub.add_parser("window", help="measurement windows by the FLEXWIN criteria")
    _event(p)
    _json(p)

    p = sub.add_parser(
        "invert", help="one linearised inversion about the CMT of --iteration (no new runs)"
    )
    _event(p)
    _iteration(p)
    _json(p)

    p = sub.add_parser("report", help="CMTSOLUTION, summary.json, report.txt, figures, QuakeML")
    _event(p)
    _json(p)

    p = sub.add_parser("run", help="every stage with the Gauss-Newton iterations and the report")
    _event(p)
    p.add_argument(
        "--reselect-windows",
        action="store_true",
        help="pick the windows again on every iteration's synthetics (default: once, on "
        "the start's, kept for every iteration)",
    )
    _scheduler(p)
    _progress(p)
    _json(p)

    p = sub.add_parser(
        "batch", help="many events: a folder of CMTSOLUTION files or an NDK catalogue"
    )
    p.add_argument("catalogue", metavar="CATALOGUE", type=Path,
                   help="folder of CMTSOLUTION files, or a Global CMT NDK file")  # fmt: skip
    p.add_argument("--data", type=Path, required=True,
                   help="folder with one data folder per event, named by the event name: "
                   "<event>/data/ (SAC or miniSEED), <event>/stations/ (StationXML, optional), "
                   "<event>/STATIONS (else --stations)")  # fmt: skip
    p.add_argument("--out", type=Path, required=True,
                   help="output folder: one event folder per event and the catalogue summary "
                   "(catalogue.csv/.json/.txt, updates.png, flagged.png); a second run "
                   "resumes")  # fmt: skip
    p.add_argument(
        "--config",
        type=Path,
        default=None,
        help="configuration template for every event (default: the defaults)",
    )
    p.add_argument(
        "--stations",
        type=Path,
        default=None,
        help="station list for events whose data folder has none",
    )
    p.add_argument(
        "--reselect-windows",
        action="store_true",
        help="pick windows again on every iteration's synthetics",
    )
    p.add_argument(
        "--no-figures",
        action="store_true",
        help="no catalogue figures (the events' reports are still written)",
    )
    _scheduler(p)
    _progress(p)
    _json(p)

    p = sub.add_parser("demo", help="recover a synthetic event made with the instaseis database")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="event folder to create (must not exist or be empty; default: a new folder "
        "seisfoc-cmt-demo-N in the current folder)",
    )
    p.add_argument(
        "--noise",
        type=real_in(0.0, 1.0),
        default=0.05,
        help="band-limited noise, fraction of each trace's RMS (default 0.05)",
    )
    p.add_argument("--seed", type=int_at_least(0), default=1, help="noise seed (default 1)")
    p.add_argument(
        "--iterations",
        type=int_at_least(1),
        default=3,
        help="Gauss-Newton iterations at most (default 3)",
    )
    p.add_argument(
        "--weights",
        choices=("none", "gcmt3d", "pycmt3d"),
        default="none",
        help="window weight preset of the demo (default none: plain least squares; the "
        "configuration's own default is gcmt3d)",
    )
    _progress(p)
    _json(p)
    parser.set_defaults(cmt_parser=parser)


def _print(args, payload: dict, text: str) -> None:
    if getattr(args, "json", False):
        from .report import dumps_json

        sys.stdout.write(dumps_json(payload))
    else:
        print(text)


def run(args) -> int:
    command = getattr(args, "cmt_command", None)
    if command is None:
        args.cmt_parser.print_help(sys.stderr)
        return 2
    return _COMMANDS[command](args)


def _init(args) -> int:
    from .pipeline import init_event

    path = init_event(args.event_dir, overwrite=args.force)
    print(f"wrote {path}")
    return 0


def _prepare(args) -> int:
    from .pipeline import load_event, stage_prepare

    layout, cfg = load_event(args.event_dir)
    runs = stage_prepare(layout, cfg, args.iteration)
    payload = {"iteration": args.iteration, "runs": {r: str(layout.run_dir(r, args.iteration))
                                                       for r in runs}}  # fmt: skip
    _print(args, payload, "\n".join(f"{r:<10} {d}" for r, d in payload["runs"].items()))
    return 0


def _simulate(args) -> int:
    from .pipeline import load_event, stage_simulate

    layout, cfg = load_event(args.event_dir)
    report = stage_simulate(layout, cfg, args.iteration, progress=not args.quiet)
    payload = {
        "iteration": args.iteration,
        "engine": report.engine,
        "simulated": report.simulated,
        "reused": report.reused,
        "seconds": report.seconds,
    }
    _print(args, payload, report.summary())
    return 0


def _process(args) -> int:
    from .pipeline import load_event, stage_process

    layout, cfg = load_event(args.event_dir)
    processed = stage_process(layout, cfg, args.iteration)
    payload: dict[str, dict[str, Any]] = {}
    for band, p in processed.items():
        traces = 0 if p.obs is None else int(p.obs.present.sum())
        payload[band] = {
            "observed_traces": traces,
            "runs": sorted(p.syn),
            "rejected": len(p.rejected),
            "file": str(layout.processed(band, args.iteration)),
        }
    lines = [
        f"{b}: {v['observed_traces']} observed traces, {len(v['runs'])} runs, "
        f"{v['rejected']} traces left out -> {v['file']}"
        for b, v in payload.items()
    ]
    _print(args, payload, "\n".join(lines))
    return 0


def _window(args) -> int:
    from .pipeline import load_event, load_processed, stage_window

    layout, cfg = load_event(args.event_dir)
    selection = stage_window(layout, cfg, load_processed(layout, cfg, 0))
    from .pipeline import selection_summary

    payload = selection_summary(selection)
    text = (
        f"{len(selection.windows)} windows, {len(selection.rejected)} rejected -> {layout.windows}"
    )
    _print(args, payload, text)
    return 0


def _invert(args) -> int:
    from .pipeline import invert_once, load_event

    layout, cfg = load_event(args.event_dir)
    step = invert_once(layout, cfg, args.iteration)
    _print(args, step.summary(), step.text())
    return 0


def _report(args) -> int:
    from .pipeline import load_event, report_from_files

    layout, cfg = load_event(args.event_dir)
    paths = report_from_files(layout, cfg)
    _print(args, paths, "\n".join(f"{k:<12} {v}" for k, v in paths.items()))
    return 0


def _run(args) -> int:
    from .pipeline import load_event, run_event

    layout, cfg = load_event(args.event_dir)
    if args.scheduler != "serial":  # the simulations of the event as Dask tasks
        from .schedule import run_events

        (outcome,) = run_events([layout.root], args.scheduler, progress=not args.quiet,
                                reselect_windows=args.reselect_windows)  # fmt: skip
        if outcome.status == "error":
            from seisfoc.errors import SeisfocError

            raise SeisfocError(outcome.message)
        from .report import format_report

        _print(args, outcome.summary, format_report(outcome.summary))
        return 0 if outcome.status == "ok" else 1
    result = run_event(
        layout.root, cfg, progress=not args.quiet, reselect_windows=args.reselect_windows
    )
    _print(args, result.summary, result.text)
    return 0 if result.status == "ok" else 1


def _batch(args) -> int:
    from .catalog import run_batch
    from .schedule import parse_scheduler

    parse_scheduler(args.scheduler)  # a bad --scheduler before any folder is made

    rows, paths = run_batch(
        args.catalogue,
        args.data,
        args.out,
        config=args.config,
        stations=args.stations,
        scheduler=args.scheduler,
        progress=not args.quiet,
        reselect_windows=args.reselect_windows,
        figures=not args.no_figures,
    )
    text = (
        Path(paths["table"]).read_text()
        + "\n"
        + "\n".join(f"{k:<10} {v}" for k, v in paths.items())
    )
    _print(args, {"events": rows, "files": paths}, text)
    return 0 if all(r["status"] == "ok" for r in rows) else 1


def _demo(args) -> int:
    from .demo import run_demo

    outcome = run_demo(
        args.out,
        noise=args.noise,
        seed=args.seed,
        max_iterations=args.iterations,
        progress=not args.quiet,
        weights=args.weights,
    )
    if args.json:
        from .report import dumps_json

        sys.stdout.write(dumps_json(outcome.summary()))
    else:
        print(outcome.text())
    return 0


_COMMANDS = {
    "init": _init,
    "prepare": _prepare,
    "simulate": _simulate,
    "process": _process,
    "window": _window,
    "invert": _invert,
    "report": _report,
    "run": _run,
    "batch": _batch,
    "demo": _demo,
}


def main(argv: list[str] | None = None) -> int:
    """``python -m seisfoc.cmt``: the same as ``seisfoc cmt``."""
    from seisfoc.cli import run_reporting_errors

    parser = argparse.ArgumentParser(prog="seisfoc cmt", description=__doc__.splitlines()[0])
    configure(parser)
    args = parser.parse_args(argv)
    return run_reporting_errors("seisfoc cmt", run, args)


__all__ = ["configure", "run", "main", "STAGES"]
