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
status 0. Readings with a blank AIN or CAZ are used as the original uses them (0, or -999
in Nordic2), with a one-line warning on standard error; the screen text is unchanged.
"""

from __future__ import annotations

import os
import sys

from seisfoc.errors import SeisfocError
from seisfoc.fileio import append, write_atomic

HYP_OUT = "hyp.out"


def run(cwd: str = ".", out=None) -> int:
    """One PINV run in ``cwd``; screen text goes to ``out`` (default stdout)."""
    from seisfoc.pinv import legacy

    out = sys.stdout if out is None else out
    path = os.path.join(cwd, HYP_OUT)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as err:
        raise SeisfocError(f"cannot read: {err.strerror}", path) from None
    if not data.strip():
        raise SeisfocError("empty file, no event to invert", path, 1)
    lines = legacy.split_lines(data)
    events = legacy.split_events(lines)
    setting = legacy.nordic_format_setting(cwd)
    if setting == legacy.OLD:
        if any(legacy.event_format(lines, a, b) == legacy.NORDIC2 for a, b in events):
            out.write(legacy.NOT_OLD_MESSAGE + "\n")
            return 0
        selection = legacy.select_old(lines, path)
    else:
        start, stop = events[0]
        selection = legacy.select_nordic2(lines, start, stop, path)
    if selection.blank_angles:
        note = legacy.blank_angles_note(selection.blank_angles, setting)
        sys.stderr.write(f"pinv: warning: {path}: {note}\n")

    n = len(selection)
    if n == 0:
        out.write(f" Number of data used for inversion={legacy.fortran_int(0, 3)}\n ILL=30000\n")
        write_atomic(os.path.join(cwd, "pinv.out"), legacy.pinv_out_first_line(0).encode())
        return 0

    from seisfoc.pinv.solver import solve

    sol = solve(*selection.arrays(), mode="seisan")
    if sol.info == -1:
        sys.stderr.write("pinv: warning: the Jacobi eigen step did not converge in 50 sweeps\n")
    elif sol.info > 0:
        sys.stderr.write("pinv: warning: the SVD did not converge\n")
    sdr = sol.strike_dip_rake
    screen = legacy.screen_text(
        n, sol.tolerance, sol.pseudorank, sdr, sol.n_consistent, sol.n_inconsistent
    )
    out.write(screen)
    pinv_out = legacy.pinv_out_text(n, sdr, sol.n_consistent, sol.n_inconsistent)
    write_atomic(os.path.join(cwd, "pinv.out"), pinv_out.encode())
    append(os.path.join(cwd, "fps.out"), legacy.fps_out_text(sdr).encode())
    out.write(legacy.events_text(len(events)))
    if len(events) > 1:
        fault_line = legacy.composite_fault_line(sdr, sol.n_inconsistent)
        new_data = legacy.rewrite_composite(lines, fault_line, reorder=setting == legacy.NORDIC2)
        write_atomic(path, new_data)
        out.write(legacy.composite_text(len(events)))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    try:
        return run(".")
    except SeisfocError as err:
        sys.stderr.write(f"pinv: error: {err}\n")
        return 1
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
