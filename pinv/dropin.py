"""The drop-in ``pinv``: SEISAN's PINV with the same files and the same numbers.

No arguments, like the original: reads ``./hyp.out``, overwrites ``pinv.out``, appends to
``fps.out``, prints the original's screen output (FORMATS.md section 3). SEISAN's event
editor runs it unchanged. Composite runs (several events in an old-Nordic hyp.out) put
the F-line into hyp.out's first event; Nordic2 uses the first event only.

Fixed defects of the original (nobody can depend on them): it no longer blocks on
standard input when the Jacobi step does not converge (a warning goes to standard
error), readings are not limited to 5000, and a second composite run replaces its
earlier F-line instead of inserting a duplicate. Missing, empty or malformed input, and
an output file that cannot be written, give one line on standard error naming the file
and exit status 1; no polarities at all gives the original's ``ILL=30000`` and exit
status 0.

EEV's protocol: EEV reads ``pinv.out`` after every run and updates the S-file when its
first line counts 5 or more polarities. So ``pinv.out`` is rewritten with
`` Number of data used for inversion=    0`` before anything else is done, and again on
every path that ends without a solution (missing, empty, unreadable, binary or malformed
hyp.out, a number that is not finite, any error at all): a previous event's solution
never survives a run. A missing hyp.out is created empty, as the original does.

Readings with a blank AIN or CAZ are used as the original uses them (0, or -999 in
Nordic2), with a one-line warning on standard error; the screen text is unchanged. A NaN
or infinite AIN or CAZ (where the original prints a made-up mechanism) is an error at its
line and column. ``NORDIC_FORMAT 1.0`` ("both") reads an old-Nordic or Nordic2 hyp.out,
as SEISAN's general reader does: the first event's polarities; an old-Nordic composite
hyp.out is then rewritten in Nordic2 as the original rewrites it
(:mod:`seisfoc.io.nordic.convert`).
"""

from __future__ import annotations

import os
import sys

from seisfoc.errors import NordicError, SeisfocError
from seisfoc.fileio import append, read_input, write_atomic

HYP_OUT = "hyp.out"
PINV_OUT = "pinv.out"
#: control bytes that never occur in a Nordic text file (tab, line and page breaks and
#: DOS's end-of-file mark do); more than a few of them means a binary file
_BINARY = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26))


def no_solution(cwd: str = ".") -> None:
    """Rewrite ``pinv.out`` as the original does when it has nothing: its first line with
    a count of 0, so that EEV updates nothing."""
    from seisfoc.pinv import legacy

    write_atomic(os.path.join(cwd, PINV_OUT), legacy.pinv_out_first_line(0).encode())


def _read_hyp_out(path: str) -> bytes:
    if not os.path.lexists(path):
        try:  # the original opens hyp.out with status 'unknown', creating it
            with open(path, "xb"):
                pass
        except OSError:
            pass
        raise NordicError(
            "no such file (an empty one was created, as SEISAN's pinv does): nothing to invert",
            path,
        )
    data = read_input(path, what="a hyp.out file (Nordic)", error=NordicError)
    if not data.strip():
        raise NordicError("empty file, no event to invert", path, 1)
    nul = data.find(b"\x00")
    n_control = sum(data.count(bytes((b,))) for b in _BINARY) if nul < 0 else 1
    if nul >= 0 or n_control > max(8, len(data) // 100):
        at = (
            nul if nul >= 0 else min(i for i in (data.find(bytes((b,))) for b in _BINARY) if i >= 0)
        )
        line = data.count(b"\n", 0, at) + 1
        column = at - (data.rfind(b"\n", 0, at) + 1) + 1
        raise NordicError(
            f"binary data (byte 0x{data[at]:02x}), not a Nordic file", path, line, column
        )
    return data


def _check_finite(selection, path: str, nordic_format: int) -> None:
    """The original prints a made-up mechanism for NaN or infinite angles: an error here."""
    from seisfoc.pinv import legacy

    ain_column = 58 if nordic_format == legacy.OLD else 59
    for k, (ain, caz) in enumerate(zip(selection.takeoff_deg, selection.azimuth_deg, strict=True)):
        for value, column, name in ((ain, ain_column, "AIN"), (caz, 77, "CAZ")):
            if value != value or value in (float("inf"), float("-inf")):
                raise NordicError(
                    f"{name} is {value!r}, not a finite number",
                    path,
                    selection.line_number[k],
                    column,
                )


def run(cwd: str = ".", out=None) -> int:
    """One PINV run in ``cwd``; screen text goes to ``out`` (default stdout).

    Raises SeisfocError for the user's errors; ``pinv.out`` then says "0 data" (it is
    rewritten so before anything is read).
    """
    from seisfoc.pinv import legacy

    from seisfoc.io import seisan_def

    out = sys.stdout if out is None else out
    no_solution(cwd)
    path = os.path.join(cwd, HYP_OUT)
    data = _read_hyp_out(path)
    lines = legacy.split_lines(data)
    events = legacy.split_events(lines)
    value = seisan_def.nordic_format_value(cwd)
    setting = legacy.OLD if value == 0.0 else legacy.NORDIC2
    first_format = legacy.event_format(lines, *events[0])
    # NORDIC_FORMAT 1.0 ("both"): the first event is read through SEISAN's general reader,
    # which takes old Nordic as well; its polarities are the old layout's
    both_old = value == 1.0 and first_format != legacy.NORDIC2
    if setting == legacy.OLD:
        if any(legacy.event_format(lines, a, b) == legacy.NORDIC2 for a, b in events):
            out.write(legacy.NOT_OLD_MESSAGE + "\n")
            return 0
        selection = legacy.select_old(lines, path)
        read_as = legacy.OLD
    elif both_old:
        selection = legacy.select_old(lines[: events[0][1]], path)
        read_as = legacy.OLD
    else:
        start, stop = events[0]
        selection = legacy.select_nordic2(lines, start, stop, path)
        read_as = legacy.NORDIC2
    _check_finite(selection, path, read_as)
    if selection.blank_angles:
        note = legacy.blank_angles_note(selection.blank_angles, read_as)
        sys.stderr.write(f"pinv: warning: {path}: {note}\n")

    n = len(selection)
    if n == 0:
        out.write(f" Number of data used for inversion={legacy.fortran_int(0, 3)}\n ILL=30000\n")
        return 0

    import warnings

    from seisfoc.pinv.solver import PinvConvergenceWarning, solve

    # the face warns when an iteration did not converge; the original carries on
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PinvConvergenceWarning)
        sol = solve(*selection.arrays(), mode="seisan")
    for w in caught:
        if issubclass(w.category, PinvConvergenceWarning):
            sys.stderr.write(f"pinv: warning: {w.message}\n")
        else:
            warnings.warn(w.message, w.category, stacklevel=1)
    sdr = sol.strike_dip_rake
    if not all(x == x and abs(x) != float("inf") for x in (*sdr, sol.tolerance)):
        raise NordicError("the inversion gave no finite mechanism; pinv.out says 0 data", path)
    screen = legacy.screen_text(
        n, sol.tolerance, sol.pseudorank, sdr, sol.n_consistent, sol.n_inconsistent
    )
    out.write(screen)
    pinv_out = legacy.pinv_out_text(n, sdr, sol.n_consistent, sol.n_inconsistent)
    write_atomic(os.path.join(cwd, PINV_OUT), pinv_out.encode())
    append(os.path.join(cwd, "fps.out"), legacy.fps_out_text(sdr).encode())
    out.write(legacy.events_text(len(events)))
    if len(events) > 1:
        fault_line = legacy.composite_fault_line(sdr, sol.n_inconsistent)
        if both_old:
            # "both" with old input: the original rewrites the whole file in Nordic2
            new_data = _nordic2_composite(lines, fault_line, path)
        else:
            # the original rewrites every event's header lines in SEISAN's writing order
            # (magnitude-only type-1 lines last), old Nordic included (tests/data/bundle
            # composite_01/02)
            new_data = legacy.rewrite_composite(lines, fault_line, reorder=True)
        write_atomic(path, new_data)
        out.write(legacy.composite_text(len(events)))
    return 0


def _nordic2_composite(lines: list[bytes], fault_line: str, path: str) -> bytes:
    """The composite hyp.out in Nordic2, as the original rewrites it under 1.0; an event
    the converter does not convert keeps the whole file in its old layout (F-line
    inserted), with a warning."""
    from seisfoc.pinv import legacy

    from seisfoc.io.nordic.convert import ConversionError

    try:
        return legacy.rewrite_composite_nordic2(lines, fault_line, path)
    except ConversionError as err:
        sys.stderr.write(
            f"pinv: warning: {err}; hyp.out is not converted to Nordic2 and keeps its "
            "old-Nordic layout (the F-line is inserted)\n"
        )
        return legacy.rewrite_composite(lines, fault_line, reorder=False)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    import numpy as np

    try:
        with np.errstate(all="ignore"):  # results are checked for finiteness in run()
            return run(".")
    except SeisfocError as err:
        message = str(err)
    except BrokenPipeError:
        message = "standard output was closed"
    except MemoryError:
        message = "out of memory"
    except KeyboardInterrupt:
        message = "interrupted"
    except Exception as exc:  # noqa: BLE001 - EEV must never read a stale pinv.out
        message = f"internal error ({type(exc).__name__}: {exc}); please report it"
    try:
        no_solution(".")
    except SeisfocError as err:
        message += f"; {err}"
    except Exception:  # noqa: BLE001
        pass
    try:
        sys.stderr.write(f"pinv: error: {message}\n")
    except (OSError, ValueError):
        pass
    return 1


if __name__ == "__main__":
    sys.exit(main())
