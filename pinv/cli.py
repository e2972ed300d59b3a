"""``seisfoc pinv``: focal mechanisms from P polarities (SEISAN's PINV, both behaviours).

Inputs: a hyp.out, S-files, or a database folder (``REA/<BASE>``, with ``--start`` and
``--end``). ``--mode modern`` (default) or ``seisan``. ``--write`` puts the solution into
each S-file as an OF-line (column 79 ``O``, program PINV) replacing an earlier PINV line;
``--prime`` writes the prime line exactly as SEISAN's event editor does (and uses the
``seisan`` numbers, as the editor runs PINV, unless ``--mode`` is given). A write without
``--uncertainty`` keeps the grade and errors of the OF-line it replaces when the solution
is the same (strike, dip, rake as written), else says on standard error that they were
dropped (:func:`seisfoc.pinv.batch.keep_uncertainty`).

The table ends with a ``columns:`` line saying what each column is (also in ``--help``);
the progress bar of a database run counts its S-files, with a total and an ETA.

``--plot FILE`` draws the beachball of the first solved event (``seisfoc.plotting``: lower
hemisphere, polarities at their take-off angles, inconsistent ones in red, both planes, P
and T axes); a ``{}`` in the name (``{:03d}``, ``{name}``) draws every solved event.
``--quakeml FILE`` writes ObsPy FocalMechanism objects (``pinv.quakeml``).

The Nordic format of each event is detected (type-7 line, else the phase lines) unless
``--nordic-format old|nordic2`` forces it; the table, ``--json`` and ``--csv`` say which
format was used. A file named on the command line that cannot be read, holds no event
or cannot be written is an ``error:`` (the others are still done, exit status 1); in a
database a bad S-file is ``skipped:`` and counted in the summary. In ``--mode seisan``
readings with a blank AIN or CAZ are used as the original uses them (0, Nordic2 -999) and
listed in a warning.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import Any

from seisfoc.cli.options import (
    NORDIC_FORMATS,
    add_inputs,
    add_mode,
    add_nordic_format,
    add_output,
    add_time_range,
    add_write,
    int_at_least,
    real_in,
)

__all__ = ["NORDIC_FORMATS", "configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``seisfoc pinv``."""
    from .report import columns_help

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = columns_help()
    add_inputs(parser)
    add_nordic_format(parser)
    add_mode(
        parser,
        default=None,
        help="seisan = the original's numbers; modern (default) = double precision, honest rank",
    )
    parser.add_argument(
        "--rcond",
        type=real_in(0.0, 1.0, low_open=False, high_open=True),
        default=1e-3,
        help="modern: relative singular-value cut-off, 0 <= RCOND < 1 (default 1e-3)",
    )
    add_time_range(parser)
    add_write(
        parser,
        write="write an OF-line into the S-file",
        prime="with --write: the prime F-line exactly as SEISAN's EEV writes it",
    )
    parser.add_argument(
        "--min-polarities",
        type=int_at_least(1),
        default=5,
        help="refuse to write below this many polarities (default 5)",
    )
    parser.add_argument(
        "--locate",
        action="store_true",
        help="refresh AIN/CAZ with SEISAN's hyp when it is on the PATH",
    )
    parser.add_argument(
        "--uncertainty",
        action="store_true",
        help="uncertainty and quality grade from the acceptable double couples of "
        "perturbed data (HASH's method, about PINV's solution)",
    )
    parser.add_argument(
        "--trials",
        type=int_at_least(1),
        default=100,
        help="perturbation trials, the data themselves included (default 100, about 0.3 s "
        "per event of 22 polarities)",
    )
    parser.add_argument(
        "--grid-step",
        type=real_in(0.0, 90.0, low_open=True, high_open=False),
        default=5.0,
        help="spacing (deg, 0 < STEP <= 90) of the double-couple grid of --uncertainty (default 5)",
    )
    parser.add_argument(
        "--seed",
        type=int_at_least(0),
        default=0,
        help="random seed (>= 0) of the perturbation trials (default 0)",
    )
    add_output(
        parser,
        csv=True,
        plot="beachball of the first solved event (.png, .pdf or .svg); with {} in the name "
        "(or {:03d}, or {name} for the file name) one file per solved event, numbered from 1",
    )
    parser.add_argument(
        "--plot-labels", action="store_true", help="write station codes beside the polarities"
    )
    parser.add_argument(
        "--projection",
        choices=("equal-area", "stereographic"),
        default="equal-area",
        help="beachball projection of the lower hemisphere (default equal-area, Schmidt)",
    )
    parser.add_argument("--quakeml", metavar="XML", help="export ObsPy FocalMechanisms")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


class _Progress:
    """A tqdm bar on standard error around the events (when wanted and available), and
    the one way to print a message: above the bar when there is one (a plain print would
    land inside the bar's line)."""

    def __init__(self, enabled: bool, trials: bool = False, total: int | None = None) -> None:
        self.enabled = enabled
        self.trials = trials  # a second bar over the uncertainty trials of each event
        self.total = total  # the files to read: the bar shows n/total and an ETA
        self.bar: Any = None
        self.trial_bar: Any = None

    def wrap(self, items: Iterable[Any]) -> Iterable[Any]:
        """The files read (:func:`seisfoc.pinv.batch.iter_files`), counted by the bar."""
        if not self.enabled:
            return items
        try:
            from tqdm import tqdm
        except ImportError:
            return items
        self.bar = tqdm(items, total=self.total, unit="file", file=sys.stderr)
        return self.bar

    def trial(self, done: int, total: int) -> None:
        """Progress within one event: its uncertainty trials."""
        if not self.trials:
            return
        if self.trial_bar is None:
            try:
                from tqdm import tqdm
            except ImportError:
                self.trials = False
                return
            self.trial_bar = tqdm(
                total=total, unit="trial", file=sys.stderr, leave=False, position=1
            )
        self.trial_bar.update(done - self.trial_bar.n)
        if done >= total:
            self.trial_bar.close()
            self.trial_bar = None

    def say(self, text: str) -> None:
        if self.bar is None:
            print(text, file=sys.stderr)
        else:
            self.bar.write(text, file=sys.stderr)

    def close(self) -> None:
        if self.trial_bar is not None:
            self.trial_bar.close()
            self.trial_bar = None
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def run(args: argparse.Namespace) -> int:
    """Run ``seisfoc pinv``; returns the exit status (1 when anything failed)."""
    from seisfoc.errors import SeisfocError

    from . import batch, report

    # no option but --write ever writes an S-file, and none changes the mode silently
    if args.prime and not args.write:
        raise SeisfocError(
            "--prime only says that --write writes the prime F-line: add --write "
            "(nothing was written)"
        )
    if args.prime and args.mode is None:
        print(
            "seisfoc pinv: note: --prime uses --mode seisan (the numbers SEISAN's editor "
            "writes); give --mode modern for the modern ones",
            file=sys.stderr,
        )
    batch.check_outputs(args.inputs, args.quakeml, args.plot)
    options = batch.RunOptions(
        mode=args.mode,
        rcond=args.rcond,
        start=args.start,
        end=args.end,
        nordic_format=NORDIC_FORMATS[args.nordic_format],
        write=args.write,
        prime=args.prime,
        agency=args.agency,
        min_polarities=args.min_polarities,
        locate=args.locate,
        uncertainty=args.uncertainty,
        n_trials=args.trials,
        seed=args.seed,
        step_deg=args.grid_step,
        keep_events=bool(args.quakeml),
    )
    many = batch.has_database(args.inputs)
    tty = not args.no_progress and sys.stderr.isatty()
    total = batch.count_files(args.inputs, args.start, args.end) if many and tty else None
    progress = _Progress(many and tty, trials=args.uncertainty and tty, total=total)
    try:
        summary = batch.run(
            args.inputs, options, say=progress.say, progress=progress.wrap, on_trial=progress.trial
        )
    finally:
        progress.close()
    results = summary.results
    if args.json:
        print(report.format_json(results))
    elif args.csv:
        report.write_csv(results, sys.stdout)
    else:
        print(report.format_table(results), end="")
    if summary.many:
        print(summary.summary_line(), file=sys.stderr)
    if args.plot:
        batch.plot(results, args.plot, labels=args.plot_labels, projection=args.projection,
                   say=progress.say)  # fmt: skip
    if args.quakeml:
        from .quakeml import write_quakeml

        try:
            write_quakeml(args.quakeml, results, summary.events, agency=summary.agency)
        except ValueError as err:  # e.g. control characters of an S-file in a text field
            raise SeisfocError(f"cannot write QuakeML: {err}", path=args.quakeml) from None
    # as `seisfoc events`: anything skipped with an error makes the exit status 1, so
    # that a script notices; the run itself never stops for one bad S-file
    return summary.exit_status
