"""The table of ``seisfoc`` sub-commands: one line per program.

A program registers its sub-command by adding one line here: the name, the module that
defines ``configure(parser)`` and ``run(args) -> int``, and a one-line help. A module
that is not installed (an optional program) is left out of ``seisfoc --help``.
"""

from __future__ import annotations

#: sub-command name -> (module implementing configure/run, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("seisfoc.pinv.demo", "run PINV on the example database shipped with seisfoc"),
    "events": ("seisfoc.cli.events", "list the events and P polarities of S-files or a database"),
    "pinv": ("seisfoc.pinv.cli", "focal mechanism from P polarities (SEISAN's PINV)"),
    "invrad": ("seisfoc.invrad.cli", "moment tensor from P, SV, SH amplitudes (Ebel's INVRAD)"),
    "invdc": (
        "seisfoc.invdc.cli",
        "best double couple from amplitudes by damped iteration (INVDC)",
    ),
    "synrad": ("seisfoc.synrad.cli", "forward amplitudes of a mechanism and their fit (SYNRAD)"),
    "compare": ("seisfoc.fps.compare_cli", "compare two mechanisms per event (PINV, FOCMEC, ...)"),
    "fps": ("seisfoc.fps.cli", "best double couple from P polarities, clustered and graded"),
    "cmt": ("seisfoc.cmt.cli", "refine a global CMT: simulate, window, invert, report"),
}
