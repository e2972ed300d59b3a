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

from seisfoc.errors import InversionError, SeisfocError
from seisfoc.io import nordic
from seisfoc.polarity.pinv_solver import RCOND

from . import program

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
    for group in iter_files(inputs, start, end, nordic_format):
        yield from group


def iter_files(
    inputs: Iterable[str],
    start: str | None = None,
    end: str | None = None,
    nordic_format: int | None = None,
) -> Iterator[list[tuple[int, Any, bool]]]:
    """The items of :func:`iter_events` file by file: one list per S-file of a database
    and per file named (all its events), one per input that fails as a whole. As many
    lists as :func:`count_files` counts."""
    import itertools

    for item in inputs:
        in_database = os.path.isdir(item)
        pairs = enumerate(nordic.read_path(item, start, end, nordic_format))
        for path, group in itertools.groupby(pairs, key=lambda pair: pair[1][0]):
            # an S-file of a database is skipped; the folder's own error is an error
            yield [
                ((0 if in_database else i), ev, in_database and path != item)
                for i, (_, ev) in group
            ]


def count_files(
    inputs: Iterable[str], start: str | None = None, end: str | None = None
) -> int | None:
    """How many files a run reads: the S-files of each database folder in the time range,
    and each other input (the total of the progress bar); None when a database cannot be
    walked to the end (a month folder that cannot be listed: the run reports it)."""
    total = 0
    for item in inputs:
        if not os.path.isdir(item):
            total += 1
            continue
        try:
            paths = nordic.iter_database(item, start, end)
        except SeisfocError:  # not a database, bad limits: the input's one error
            total += 1
            continue
        try:
            total += sum(1 for _ in paths)
        except SeisfocError:
            return None
    return total


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
    progress: Callable[
        [Iterator[list[tuple[int, Any, bool]]]], Iterable[list[tuple[int, Any, bool]]]
    ]
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
        Wraps the iterator over the files read (a progress bar; its total is
        :func:`count_files`), each a list of :func:`iter_events` items, or None.
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
    read = iter_files(inputs, options.start, options.end, options.nordic_format)
    files: Iterable[list[tuple[int, Any, bool]]] = read if progress is None else progress(read)
    items = (item for group in files for item in group)

    def fail(err: SeisfocError, in_database: bool) -> None:
        summary.failures.append(str(err))
        summary.n_errors += not in_database
        say(f"seisfoc pinv: {'skipped' if in_database else 'error'}: {err}")

    for index, ev, in_database in items:
        if isinstance(ev, SeisfocError):
            fail(ev, in_database)
            continue
        earlier = earlier_line(ev, options.prime)  # before hyp replaces the event
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
        if mode == "seisan" and r.selection.blank_angles and r.nordic_format is not None:
            blank = program.legacy.blank_angles_note(r.selection.blank_angles, r.nordic_format)
            say(f"seisfoc pinv: warning: {r.path or r.label}: {blank}")
        if r.solution is not None and mode == "modern" and r.solution.pseudorank < 5:
            _note(r, f"warning: rank {r.solution.pseudorank} < 5, mechanism not unique")
        if write:
            try:
                event_agency = agency
                if options.agency is None and r.path:
                    event_agency = agency_by_folder.setdefault(
                        os.path.dirname(r.path), program.station0_agency(sfile_path=r.path)
                    )
                note = write_result(
                    r,
                    agency=event_agency,
                    prime=options.prime,
                    min_polarities=options.min_polarities,
                    earlier=earlier,
                )
                if note:
                    say(f"seisfoc pinv: note: {r.path} ({r.label}): {note}")
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


#: the F-line columns (0-based slices) that ``--uncertainty`` fills: the errors of
#: strike, dip and rake (31-45), the fit error (46-50), the station distribution ratio
#: (51-55), and the quality (78)
UNCERTAINTY_COLUMNS = slice(30, 55)
QUALITY_COLUMN = slice(77, 78)


def earlier_line(event: Any, prime: bool) -> Any | None:
    """The F-line a write of PINV's solution replaces in ``event`` (as the writer finds
    it: program ``PINV`` in columns 71-77 and the same flag in 79, the first such line),
    as a :class:`seisfoc.io.nordic.FaultPlane`, or None."""
    flag = b" " if prime else b"O"
    for fp in getattr(event, "fault_planes", ()):
        raw = fp.raw.ljust(80)
        if raw[70:77] == b"PINV   " and raw[78:79] == flag:
            return fp
    return None


def _carries_uncertainty(line: str) -> bool:
    return bool(line[UNCERTAINTY_COLUMNS].strip() or line[QUALITY_COLUMN].strip())


def _uncertainty_text(fp: Any) -> str:
    """``grade C, errors 27.4 23.1 43.7, fit 0.02, STDR 0.61`` of an F-line (what it has)."""
    parts = []
    if fp.quality:
        parts.append(f"grade {fp.quality}")
    errors = (fp.strike_error, fp.dip_error, fp.rake_error)
    if any(e is not None for e in errors):
        parts.append("errors " + " ".join("-" if e is None else f"{e:g}" for e in errors))
    if fp.fit_error is not None:
        parts.append(f"fit {fp.fit_error:g}")
    if fp.station_distribution_ratio is not None:
        parts.append(f"STDR {fp.station_distribution_ratio:g}")
    return ", ".join(parts) or "uncertainty columns"


def keep_uncertainty(line: str, earlier: Any, prime: bool) -> tuple[str, str | None]:
    """The F-line to write instead of ``earlier`` and what to tell the user.

    A line written without ``--uncertainty`` has blank error, fit, STDR and quality
    columns. When the line it replaces (``earlier``, the same program and kind) has them
    and the solution is the same (strike, dip and rake as written, to their 0.1 deg), the
    earlier columns are kept; when the solution changed they no longer describe it, and
    the note says they were dropped. A prime line is always EEV's own line: it keeps
    nothing, and the note says so when the earlier prime line had more.

    Parameters
    ----------
    line
        The new 80-character F-line.
    earlier
        The F-line it replaces (:func:`earlier_line`), or None.
    prime
        Whether ``line`` is the prime F-line.

    Returns
    -------
    tuple of str and (str or None)
        The line to write, and None or the note for standard error.
    """
    if earlier is None or _carries_uncertainty(line):
        return line, None
    old = earlier.raw.decode("latin-1").ljust(80)
    if not _carries_uncertainty(old):
        return line, None
    what = _uncertainty_text(earlier)
    if prime:
        return line, (
            f"the earlier prime PINV F-line had {what}: dropped, as --prime writes the line "
            "SEISAN's EEV writes, which has none"
        )
    new_sdr = tuple(float(line[k : k + 10]) for k in (0, 10, 20))
    old_sdr = (earlier.strike, earlier.dip, earlier.rake)
    if all(o is not None and abs(o - n) < 0.05 for o, n in zip(old_sdr, new_sdr, strict=True)):
        kept = line[:30] + old[UNCERTAINTY_COLUMNS] + line[55:77] + old[QUALITY_COLUMN]
        return kept + line[78:], None
    old_text = " ".join("-" if v is None else f"{v:.1f}" for v in old_sdr)
    new_text = " ".join(f"{v:.1f}" for v in new_sdr)
    return line, (
        f"the earlier PINV OF-line had {what}: dropped, because the solution changed "
        f"({old_text} -> {new_text}); --uncertainty computes new ones"
    )


def write_result(
    result: program.EventResult,
    *,
    agency: str,
    prime: bool,
    min_polarities: int,
    earlier: Any | None = None,
) -> str | None:
    """Write a result's F-line as :func:`seisfoc.pinv.program.write_result` does, keeping
    or reporting the uncertainty columns of the line it replaces (:func:`keep_uncertainty`).

    Parameters
    ----------
    result
        A solved event with its S-file.
    agency, prime, min_polarities
        As for :func:`seisfoc.pinv.program.write_result`.
    earlier
        The F-line the write replaces, read with the event (:func:`earlier_line`).

    Returns
    -------
    str or None
        A note for the user (the earlier grade and errors were dropped), or None.

    Raises
    ------
    SeisfocError
        InversionError for too few polarities; the file cannot be written.
    """
    note: str | None = None

    def adjust(line: str) -> str:
        nonlocal note
        line, note = keep_uncertainty(line, earlier, prime)
        return line

    program.write_result(
        result, agency=agency, prime=prime, min_polarities=min_polarities, adjust=adjust
    )
    return note


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
