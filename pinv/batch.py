"""PINV over many inputs: the policy of a ``seisfoc pinv`` run.

Reads every input (hyp.out, S-files, database folders with a time range), refreshes
AIN/CAZ with SEISAN's ``hyp`` when asked (:func:`locate`), solves each event
(:func:`seisfoc.pinv.program.solve_event`), marks a rank below 5 in modern mode, writes
F-lines with each S-file folder's own agency unless one is given, and counts what went
wrong: a file the user named that fails is an error (exit status 1), a bad S-file in a
database is skipped and counted; the run never stops for one bad S-file.

Messages go through a ``say`` function the caller gives (the command line prints them on
standard error, above its progress bar); nothing here prints.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from seisfoc.pinv import program

from seisfoc.errors import InversionError, SeisfocError
from seisfoc.io import nordic
from seisfoc.polarity.pinv_solver import RCOND

Say = Callable[[str], None]


@dataclass
class RunOptions:
    """What a run does (the options of ``seisfoc pinv``).

    ``mode`` None is ``"seisan"`` with ``prime`` (SEISAN's editor runs the original),
    else ``"modern"``; ``prime`` implies ``write``. ``agency`` None: each S-file folder's
    STATION0.HYP agency. ``nordic_format``: None (detected), 1 (old) or 2 (Nordic2).
    """

    mode: str | None = None
    rcond: float = RCOND
    start: str | None = None
    end: str | None = None
    nordic_format: int | None = None
    write: bool = False
    prime: bool = False
    agency: str | None = None
    min_polarities: int = program.MIN_POLARITIES
    locate: bool = False
    uncertainty: bool = False
    n_trials: int = 100
    seed: int = 0
    step_deg: float = 5.0
    keep_events: bool = False  #: keep the events read (for the QuakeML export)

    def resolved_mode(self) -> str:
        """The mode a run uses: the given one, else seisan for ``prime``, else modern."""
        return self.mode or ("seisan" if self.prime else "modern")


@dataclass
class RunSummary:
    """The results of a run and what went wrong."""

    results: list[program.EventResult] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)  #: with ``keep_events``
    n_errors: int = 0  #: failures of files the user named
    many: bool = False  #: a database folder among the inputs
    agency: str = ""  #: the agency of the working folder (or the one given)

    @property
    def exit_status(self) -> int:
        """1 when anything was skipped with an error, so that a script notices."""
        return 1 if self.n_errors or self.failures else 0

    def summary_line(self) -> str:
        """``N events read, N solved, N written, N skipped with errors``."""
        solved = sum(r.solution is not None for r in self.results)
        written = sum(r.written for r in self.results)
        return (
            f"{len(self.results)} events read, {solved} solved, {written} written, "
            f"{len(self.failures)} skipped with errors"
        )


def has_database(inputs: Iterable[str]) -> bool:
    """True when an input is a folder (a database walk: many events)."""
    return any(os.path.isdir(i) for i in inputs)


def iter_events(
    inputs: Iterable[str],
    start: str | None = None,
    end: str | None = None,
    nordic_format: int | None = None,
) -> Iterator[tuple[int, Any, bool]]:
    """(index, event or SeisfocError, from a database) for every input.

    A file named on the command line without any event, and a folder that is not a
    database, are errors of that input only: the other inputs are still done.
    """
    for item in inputs:
        in_database = os.path.isdir(item)
        pairs = nordic.read_path(item, start, end, nordic_format)
        for i, (path, ev) in enumerate(pairs):
            # an S-file of a database is skipped; the folder's own error is an error
            yield (0 if in_database else i), ev, in_database and path != item


def locate(event: Any) -> tuple[Any | None, str]:
    """(event with refreshed AIN/CAZ or None, message), by SEISAN's ``hyp`` when on the PATH.

    ``hyp`` runs on a copy of the S-file in a temporary folder (it writes hyp.out,
    print.out and more there), with the STATIONx.HYP SEISAN would use for the event copied
    beside it; the folder is removed afterwards. The S-file itself is never touched.
    """
    from seisfoc.io import seisan

    hyp = shutil.which("hyp")
    if hyp is None:
        return None, "hyp is not on the PATH: using the AIN/CAZ stored in the S-file"
    header = event.headers[0] if event.headers else None
    indicator = getattr(header, "location_model", "") or ""
    station_file = seisan.find_station_file(event.path, indicator)
    with tempfile.TemporaryDirectory(prefix="seisfoc-hyp-") as work:
        local = os.path.join(work, os.path.basename(event.path))
        shutil.copyfile(event.path, local)
        if station_file is not None:
            shutil.copyfile(station_file, os.path.join(work, os.path.basename(station_file)))
        try:
            done = subprocess.run(
                [hyp, os.path.basename(local)],
                cwd=work,
                input="\n",
                text=True,
                capture_output=True,
                timeout=300,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            return None, f"hyp failed ({err}): using the AIN/CAZ stored in the S-file"
        out = os.path.join(work, "hyp.out")
        if done.returncode != 0 or not os.path.exists(out):
            return None, "hyp failed: using the AIN/CAZ stored in the S-file"
        try:
            located = nordic.read_events(out)[0]
        except (SeisfocError, IndexError):
            return None, "hyp wrote no readable event: using the AIN/CAZ stored in the S-file"
    located.path = event.path
    return located, f"located with {hyp}"


def _note(result: program.EventResult, text: str) -> None:
    result.message = (result.message + "; " if result.message else "") + text


def run(
    inputs: list[str],
    options: RunOptions,
    *,
    say: Say,
    progress: Callable[[Iterator[tuple[int, Any, bool]]], Iterable[tuple[int, Any, bool]]]
    | None = None,
    on_trial: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Solve every event of ``inputs``; write F-lines when ``options.write``.

    Parameters
    ----------
    inputs
        hyp.out, S-files or database folders.
    options
        What to do (see :class:`RunOptions`).
    say
        Called with every message (``seisfoc pinv: ...``) as it happens.
    progress
        Wraps the event iterator (a progress bar), or None.
    on_trial
        Called with ``(done, total)`` after each uncertainty trial of an event, or None.

    Returns
    -------
    RunSummary
        Results in input order, failures, and the exit status.
    """
    mode = options.resolved_mode()
    write = options.write  # --prime only says which line --write writes
    agency = options.agency if options.agency is not None else program.station0_agency()
    agency_by_folder: dict[str, str] = {}  # without an agency: each S-file folder's
    summary = RunSummary(many=has_database(inputs), agency=agency)
    items: Iterable[tuple[int, Any, bool]] = iter_events(
        inputs, options.start, options.end, options.nordic_format
    )
    if progress is not None:
        items = progress(items)  # type: ignore[arg-type]

    def fail(err: SeisfocError, in_database: bool) -> None:
        summary.failures.append(str(err))
        summary.n_errors += not in_database
        say(f"seisfoc pinv: {'skipped' if in_database else 'error'}: {err}")

    for index, ev, in_database in items:
        if isinstance(ev, SeisfocError):
            fail(ev, in_database)
            continue
        if options.locate and ev.path:
            located, msg = locate(ev)
            say(f"seisfoc pinv: {msg}")
            if located is not None:
                ev = located
        try:
            check_angles(ev)
            r = program.solve_event(
                ev,
                index,
                mode=mode,
                rcond=options.rcond,
                uncertainty=options.uncertainty,
                n_trials=options.n_trials,
                seed=options.seed,
                step_deg=options.step_deg,
                on_trial=on_trial,
            )
        except SeisfocError as err:
            fail(err, in_database)
            continue
        if r.skipped_blank:
            lines = ", ".join(str(n) for n in r.skipped_blank)
            r.message = f"skipped blank AIN/CAZ on line(s) {lines}"
        if mode == "seisan" and r.selection.blank_angles:
            note = program.legacy.blank_angles_note(r.selection.blank_angles, r.nordic_format)
            say(f"seisfoc pinv: warning: {r.path or r.label}: {note}")
        if r.solution is not None and mode == "modern" and r.solution.pseudorank < 5:
            _note(r, f"warning: rank {r.solution.pseudorank} < 5, mechanism not unique")
        if write:
            try:
                event_agency = agency
                if options.agency is None and r.path:
                    event_agency = agency_by_folder.setdefault(
                        os.path.dirname(r.path), program.station0_agency(sfile_path=r.path)
                    )
                program.write_result(
                    r,
                    agency=event_agency,
                    prime=options.prime,
                    min_polarities=options.min_polarities,
                )
            except SeisfocError as err:
                _note(r, str(err))
                if not isinstance(err, InversionError):  # too few polarities: a note only
                    summary.failures.append(str(err))
                    if not in_database:
                        summary.n_errors += 1
                        say(f"seisfoc pinv: error: {err}")
        summary.results.append(r)
        if options.keep_events:
            summary.events.append(ev)
    return summary


#: the physical ranges of a polarity reading's angles (deg): AIN from the downward
#: vertical, CAZ clockwise from north
AIN_RANGE, CAZ_RANGE = (0.0, 180.0), (0.0, 360.0)


def check_angles(event: Any) -> None:
    """Every P polarity reading's AIN in [0, 180] and CAZ in [0, 360] (blank ones are left
    to the mode's rule), else a NordicError at the file, line and column: an AIN of 999 or
    -45 and a CAZ of 999 were used without a word.

    Parameters
    ----------
    event
        An event read by :mod:`seisfoc.io.nordic`.
    """
    import math

    from seisfoc.errors import NordicError

    ain_column = 59 if event.nordic_format == nordic.NORDIC2 else 57
    for row in nordic.polarity_readings(event, "P"):
        line, ain, caz = row[0], row[4], row[5]
        for value, (low, high), column, name in (
            (ain, AIN_RANGE, ain_column, "AIN"),
            (caz, CAZ_RANGE, 77, "CAZ"),
        ):
            if value is not None and not (math.isfinite(value) and low <= value <= high):
                raise NordicError(
                    f"{name} {value:g} deg is outside its range [{low:g}, {high:g}]",
                    event.path,
                    line,
                    column,
                )


#: the fields a --plot file name pattern may use: the event's number and its file name
PLOT_FIELDS = ("", "0", "name")


def check_outputs(inputs: Iterable[str], quakeml: str | None, plot: str | None) -> None:
    """Refuse, before the run, an output that cannot be written as asked.

    A ``--plot`` name pattern may use only ``{}``/``{0}`` (the event's number, with a
    format of at most 3 digits such as ``{:03d}``) and ``{name}`` (its file name); any
    other field (``{0.x}``, ``{0[0]}``), a nested or huge format (``{0:99999999999}``) or
    one that fails on a sample event is an error. ``--quakeml`` or ``--plot`` naming one
    of the input files (links resolved), or a pattern that would make such a name for one
    of the input files, is refused: nothing is run, nothing written.

    Parameters
    ----------
    inputs
        The run's inputs as given (files and database folders).
    quakeml, plot
        The ``--quakeml`` file and the ``--plot`` file or pattern (None when not asked).

    Raises
    ------
    SeisfocError
        Naming the option and the reason.
    """
    import re
    import string

    from seisfoc.fileio import refuse_outputs_over_inputs

    files = [i for i in inputs if not os.path.isdir(i)]
    outputs = [("--quakeml", quakeml)]
    if plot is not None and ("{" in plot or "}" in plot):
        bad = f"--plot: bad file name pattern {plot!r}"
        try:
            fields = [f for f in string.Formatter().parse(plot) if f[1] is not None]
        except ValueError as err:
            raise SeisfocError(f"{bad}: {err}") from None
        for _, name, spec, _conversion in fields:
            if name not in PLOT_FIELDS:
                raise SeisfocError(
                    f"{bad}: only {{}} or {{0}} (the event's number) and {{name}} (its file "
                    f"name) can be used, not {{{name}}}"
                )
            if "{" in (spec or "") or any(len(d) > 3 for d in re.findall(r"\d+", spec or "")):
                raise SeisfocError(f"{bad}: the format {spec!r} is not a file name format")
        try:
            plot.format(1, name="event")
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as err:
            raise SeisfocError(f"{bad}: {err}") from None
        numbers = range(1, (len(files) if len(files) <= 100 else 1) + 1)
        for f in files:
            for k in numbers:
                outputs.append(("--plot", plot.format(k, name=os.path.basename(f))))
    else:
        outputs.append(("--plot", plot))
    refuse_outputs_over_inputs(outputs, files)


def plot_paths(template: str, results: list[program.EventResult]) -> list[tuple[str, Any]]:
    """(file, result) pairs: the first solved event, or every one when the name has ``{``."""
    solved = [r for r in results if r.solution is not None]
    if "{" not in template:
        return [(template, solved[0])] if solved else []
    pairs = []
    for k, r in enumerate(solved, 1):
        name = os.path.basename(r.path or "event")
        if r.event_index:
            name += f"-{r.event_index + 1}"
        try:
            pairs.append((template.format(k, name=name), r))
        except (IndexError, KeyError, ValueError, TypeError, AttributeError) as err:
            raise SeisfocError(f"--plot: bad file name pattern {template!r}: {err}") from None
    if len({p for p, _ in pairs}) < len(pairs):
        raise SeisfocError(f"--plot: file name pattern {template!r} repeats a file name")
    return pairs


def plot(
    results: list[program.EventResult],
    template: str,
    *,
    labels: bool = False,
    projection: str = "equal-area",
    say: Say,
) -> list[str]:
    """Beachballs of the solved events (see :func:`plot_paths`); returns the files written.

    Lower hemisphere, polarities at their take-off angles, inconsistent ones in red, both
    planes, P and T axes (:func:`seisfoc.plotting.save_beachball`).
    """
    try:
        from seisfoc.plotting import save_beachball
    except ImportError as err:  # matplotlib is an optional dependency
        raise SeisfocError(f"--plot is not available: {err}") from None

    pairs = plot_paths(template, results)
    if not pairs:
        say("seisfoc pinv: no solved event to plot")
    for path, r in pairs:
        pol, ain, az, consistent = program.polarity_arrays(r)
        unc = r.uncertainty
        try:
            save_beachball(
                path,
                r.solution.strike_dip_rake,
                polarity=pol,
                takeoff_deg=ain,
                azimuth_deg=az,
                inconsistent=consistent < 0,
                station=r.selection.station if labels else None,
                label=f"{r.label}  PINV {r.solution.mode}",
                grade=None if unc is None else unc.grade,
                projection=projection,
            )
        except ImportError as err:
            raise SeisfocError(f"--plot is not available: {err}") from None
    return [p for p, _ in pairs]
