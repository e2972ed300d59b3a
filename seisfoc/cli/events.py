"""``seisfoc events``: the command-line part (options; the listing is in
:mod:`seisfoc.events`)."""

from __future__ import annotations

import argparse

from seisfoc.cli.options import add_inputs, add_time_range


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``seisfoc events``."""
    add_inputs(parser, "S-files, hyp.out files, or database folders (REA/<BASE>)")
    add_time_range(parser)
    parser.add_argument(
        "--polarities", action="store_true", help="list every P polarity under its event"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``seisfoc events``; returns the exit status (1 when anything was skipped)."""
    from seisfoc import events

    return events.run(args)
