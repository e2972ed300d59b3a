"""``seisfoc pinv``: focal mechanisms from P polarities (SEISAN's PINV, both behaviours).

Inputs: a hyp.out, S-files, or a database folder (``REA/<BASE>``, with ``--start`` and
``--end``). ``--mode modern`` (default) or ``seisan``. ``--write`` puts the solution into
each S-file as an OF-line (column 79 ``O``, program PINV) replacing an earlier PINV line;
``--prime`` writes the prime line exactly as SEISAN's event editor does (and uses the
``seisan`` numbers, as the editor runs PINV, unless ``--mode`` is given).

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

import json
import os
import shutil
import subprocess
import sys
import tempfile

from seisfoc.errors import InversionError, SeisfocError
from seisfoc.options import int_at_least, real_in, time_argument

#: --nordic-format choices -> the reader's ``nordic_format`` argument
NORDIC_FORMATS = {"auto": None, "old": 1, "nordic2": 2}


def configure(parser) -> None:
    parser.add_argument("inputs", nargs="+", help="hyp.out, S-file(s) or a database folder")
    parser.add_argument(
        "--nordic-format",
        choices=tuple(NORDIC_FORMATS),
        default="auto",
        help="read the input as old Nordic or Nordic2 (default auto: each event's type-7 "
        "line, else its phase lines)",
    )
    parser.add_argument(
        "--mode",
        choices=("seisan", "modern"),
        default=None,
        help="seisan = the original's numbers; modern (default) = double precision, honest rank",
    )
    parser.add_argument(
        "--rcond",
        type=real_in(0.0, 1.0, low_open=False, high_open=True),
        default=1e-3,
        help="modern: relative singular-value cut-off, 0 <= RCOND < 1 (default 1e-3)",
    )
    parser.add_argument(
        "--start", type=time_argument, help="database: first origin time (ISO date/time)"
    )
    parser.add_argument(
        "--end",
        type=time_argument,
        help="database: last origin time, inclusive; a date alone includes that whole day",
    )
    parser.add_argument("--write", action="store_true", help="write an OF-line into the S-file")
    parser.add_argument(
        "--prime",
        action="store_true",
        help="with --write: the prime F-line exactly as SEISAN's EEV writes it",
    )
    parser.add_argument("--agency", help="agency for the F-line (default: STATION0.HYP)")
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
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="JSON output")
    out.add_argument("--csv", action="store_true", help="CSV output")
    parser.add_argument(
        "--plot",
        metavar="PNG",
        help="beachball of the first solved event (.png, .pdf or .svg); with {} in the name "
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


def _locate(event, nordic):
    """(event with refreshed AIN/CAZ or None, message), by SEISAN's ``hyp`` when on the PATH.

    ``hyp`` runs on a copy of the S-file in a temporary folder (it writes hyp.out,
    print.out and more there), with the STATIONx.HYP SEISAN would use for the event copied
    beside it; the folder is removed afterwards. The S-file itself is never touched.
    """
    from seisfoc import seisan

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


def _iter_events(args, nordic):
    """(index, event or SeisfocError, from a database) for every input. A file named on
    the command line without any event, and a folder that is not a database, are errors
    of that input only: the other inputs are still done."""
    fmt = NORDIC_FORMATS[args.nordic_format]

    def events():
        for item in args.inputs:
            in_database = os.path.isdir(item)
            pairs = nordic.read_path(item, args.start, args.end, fmt)
            for i, (path, ev) in enumerate(pairs):
                # an S-file of a database is skipped; the folder's own error is an error
                yield (0 if in_database else i), ev, in_database and path != item

    return events()


def _table_row(r) -> str:
    sol = r.solution
    head = f"{r.label:22s} {r.format_name:7s} {len(r.selection):4d}"
    if sol is None:
        return f"{head}  {r.message}"
    text = (
        f"{head} {sol.strike:7.1f} {sol.dip:5.1f} {sol.rake:7.1f}"
        f"  {sol.aux_strike:7.1f} {sol.aux_dip:5.1f} {sol.aux_rake:7.1f}"
        f"  {sol.pseudorank:4d} {sol.n_consistent:4d} {sol.n_inconsistent:4d}"
    )
    if r.uncertainty is not None:
        u = r.uncertainty
        text += (
            f"  {u.rms_plane_deg:5.1f} {u.rms_kagan_deg:5.1f} {u.probability:5.2f}"
            f" {u.misfit:5.2f} {u.stdr:5.2f} {u.kagan_to_preferred:5.1f}  {u.grade}"
        )
    if r.message:
        text += f"  {r.message}"
    return text


TABLE_HEADER = (
    f"{'event':22s} {'format':7s} {'npol':>4s} {'strike':>7s} {'dip':>5s} {'rake':>7s}  "
    f"{'strike2':>7s} {'dip2':>5s} {'rake2':>7s}  {'rank':>4s} {'good':>4s} {'bad':>4s}"
)


def _progress(items, enabled: bool):
    """(items, bar): ``items`` wrapped in a tqdm bar on standard error when ``enabled``."""
    if not enabled:
        return items, None
    try:
        from tqdm import tqdm
    except ImportError:
        return items, None
    bar = tqdm(items, unit="event", file=sys.stderr)
    return bar, bar


def _reporter(bar):
    """A function printing one line on standard error; above the bar when there is one
    (a plain print would land inside the bar's line)."""
    if bar is None:
        return lambda text: print(text, file=sys.stderr)
    return lambda text: bar.write(text, file=sys.stderr)


def run(args) -> int:
    from seisfoc.pinv import program

    from seisfoc.io import nordic

    mode = args.mode or ("seisan" if args.prime else "modern")
    if args.prime and not args.write:
        args.write = True
    agency = args.agency if args.agency is not None else program.station0_agency()
    agency_by_folder = {}  # without --agency: each S-file folder's STATION0.HYP
    many = any(os.path.isdir(i) for i in args.inputs)
    results, failures, sources = [], [], []
    n_errors = 0  # failures of files the user named: exit status 1
    items, bar = _progress(
        _iter_events(args, nordic), many and not args.no_progress and sys.stderr.isatty()
    )
    say = _reporter(bar)

    def fail(err, in_database: bool) -> None:
        nonlocal n_errors
        failures.append(str(err))
        n_errors += not in_database
        say(f"seisfoc pinv: {'skipped' if in_database else 'error'}: {err}")

    for index, ev, in_database in items:
        if isinstance(ev, SeisfocError):
            fail(ev, in_database)
            continue
        if args.locate and ev.path:
            located, msg = _locate(ev, nordic)
            say(f"seisfoc pinv: {msg}")
            if located is not None:
                ev = located
        try:
            r = program.solve_event(
                ev,
                index,
                mode=mode,
                rcond=args.rcond,
                uncertainty=args.uncertainty,
                n_trials=args.trials,
                seed=args.seed,
                step_deg=args.grid_step,
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
            r.message = (r.message + "; " if r.message else "") + (
                f"warning: rank {r.solution.pseudorank} < 5, mechanism not unique"
            )
        if args.write:
            try:
                event_agency = agency
                if args.agency is None and r.path:
                    event_agency = agency_by_folder.setdefault(
                        os.path.dirname(r.path), program.station0_agency(sfile_path=r.path)
                    )
                program.write_result(
                    r, agency=event_agency, prime=args.prime, min_polarities=args.min_polarities
                )
            except SeisfocError as err:
                r.message = (r.message + "; " if r.message else "") + str(err)
                if not isinstance(err, InversionError):  # too few polarities: a note only
                    failures.append(str(err))
                    if not in_database:
                        n_errors += 1
                        say(f"seisfoc pinv: error: {err}")
        results.append(r)
        if args.quakeml:
            sources.append(ev)
    if bar is not None:
        bar.close()
    _output(args, results, program)
    if many:
        solved = sum(r.solution is not None for r in results)
        written = sum(r.written for r in results)
        print(
            f"{len(results)} events read, {solved} solved, {written} written, "
            f"{len(failures)} skipped with errors",
            file=sys.stderr,
        )
    if args.plot:
        _plot(results, args)
    if args.quakeml:
        from seisfoc.pinv.quakeml import write_quakeml

        write_quakeml(args.quakeml, results, sources, agency=agency)
    # as `seisfoc events`: anything skipped with an error makes the exit status 1, so
    # that a script notices; the run itself never stops for one bad S-file
    return 1 if n_errors or failures else 0


def _output(args, results, program) -> None:
    if args.json:
        print(json.dumps([program.as_dict(r) for r in results], indent=1))
    elif args.csv:
        import csv

        keys = [
            "file",
            "event",
            "n_polarities",
            "nordic_format",
            "mode",
            "strike",
            "dip",
            "rake",
            "aux_strike",
            "aux_dip",
            "aux_rake",
            "pseudorank",
            "consistent",
            "inconsistent",
            "strike_error",
            "dip_error",
            "rake_error",
            "rms_plane_deg",
            "rms_kagan_deg",
            "max_kagan_deg",
            "probability",
            "misfit",
            "stdr",
            "acceptable_size",
            "preferred_strike",
            "preferred_dip",
            "preferred_rake",
            "kagan_to_preferred",
            "grade",
            "message",
        ]
        w = csv.DictWriter(sys.stdout, fieldnames=keys, extrasaction="ignore")
        w.writeheader()
        for r in results:
            w.writerow(program.as_dict(r))
    elif results:  # no table at all when nothing was read: the errors said why
        header = TABLE_HEADER
        if any(r.uncertainty is not None for r in results):
            header += (
                f"  {'rmsPl':>5s} {'rmsK':>5s} {'prob':>5s} {'mfit':>5s} {'stdr':>5s}"
                f" {'Kpref':>5s}  q"
            )
        print(header)
        for r in results:
            print(_table_row(r))


def _plot_paths(template: str, results) -> list[tuple[str, object]]:
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
        except (IndexError, KeyError, ValueError) as err:
            raise SeisfocError(f"--plot: bad file name pattern {template!r}: {err}") from None
    if len({p for p, _ in pairs}) < len(pairs):
        raise SeisfocError(f"--plot: file name pattern {template!r} repeats a file name")
    return pairs


def _plot(results, args) -> None:
    try:
        from seisfoc.plotting import save_beachball
    except ImportError as err:  # matplotlib is an optional dependency
        raise SeisfocError(f"--plot is not available: {err}") from None
    from seisfoc.pinv import program

    pairs = _plot_paths(args.plot, results)
    if not pairs:
        print("seisfoc pinv: no solved event to plot", file=sys.stderr)
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
                station=r.selection.station if args.plot_labels else None,
                label=f"{r.label}  PINV {r.solution.mode}",
                grade=None if unc is None else unc.grade,
                projection=args.projection,
            )
        except ImportError as err:
            raise SeisfocError(f"--plot is not available: {err}") from None
