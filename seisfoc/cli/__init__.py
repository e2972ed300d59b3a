"""The ``seisfoc`` command: one sub-command per program of the suite.

The command-line layer of the core, and with the programs' own ``cli``/``dropin`` modules
the only code that imports argparse: it parses arguments, calls a program, prints, and
maps errors to exit codes (a :class:`~seisfoc.errors.SeisfocError` is one line on
standard error and exit status 1; 2 is argparse's usage error). Each sub-command is a
module with two functions, ``configure(parser)`` and ``run(args) -> int``, listed in
:mod:`seisfoc.cli.commands` and imported only when ``seisfoc`` builds its parser. Shared
option types and groups are in :mod:`seisfoc.cli.options`; the parser class, whose usage
errors name the sub-command and suggest the closest spelling, in :mod:`seisfoc.cli.parser`.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from seisfoc.cli.commands import SUBCOMMANDS
from seisfoc.cli.parser import SeisfocParser
from seisfoc.errors import SeisfocError

__all__ = ["SUBCOMMANDS", "build_parser", "main", "run_reporting_errors"]


def _available() -> dict[str, tuple[str, str]]:
    found = {}
    for name, (module, help_text) in SUBCOMMANDS.items():
        if importlib.util.find_spec(module.rsplit(".", 1)[0]) is None:
            continue
        try:
            if importlib.util.find_spec(module) is None:
                continue
        except ModuleNotFoundError:
            continue
        found[name] = (module, help_text)
    return found


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The ``seisfoc`` parser with every available sub-command, and their modules."""
    parser = SeisfocParser(
        prog="seisfoc",
        description="SEISAN-compatible focal mechanisms and moment tensors.",
    )
    from seisfoc import __version__

    parser.add_argument(
        "--version", action="version", version=f"seisfoc {__version__}", help="print the version"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, ModuleType] = {}
    for name, (module_name, help_text) in _available().items():
        module = importlib.import_module(module_name)
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.configure(sub_parser)
        modules[name] = module
    return parser, modules


def run_reporting_errors(program: str, run: Callable[[Any], int | None], args: Any) -> int:
    """Call ``run(args)`` and turn a user error into one line on stderr and an exit code.

    Shared by ``seisfoc`` and the drop-in executables: SeisfocError -> 1, Ctrl-C -> 130,
    a closed pipe (``| head``) -> 1; anything else is a bug and keeps its traceback.

    Parameters
    ----------
    program
        The name that starts the error line (``seisfoc pinv``, ``invrad``).
    run
        The program's ``run`` function.
    args
        What it takes (the parsed arguments).

    Returns
    -------
    int
        The exit status.
    """
    import warnings

    import numpy as np

    try:
        # no raw numpy warning reaches the terminal: a floating-point overflow or invalid
        # value shows up as a non-finite result, which the programs check and report
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"numpy(\.|$)")
            return int(run(args) or 0)
    except SeisfocError as err:
        print(f"{program}: error: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def main(argv: list[str] | None = None) -> int:
    """The ``seisfoc`` command; returns the exit status."""
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return run_reporting_errors(f"seisfoc {args.command}", modules[args.command].run, args)


if __name__ == "__main__":
    sys.exit(main())
