"""The ``seisfoc`` command: one sub-command per program of the suite.

This module only parses arguments, calls a program and maps errors to exit codes. Each
sub-command lives in its program's package as a module with two functions,
``configure(parser)`` and ``run(args) -> int``, imported only when that sub-command is
used, so that ``seisfoc pinv`` never pays for what ``seisfoc cmt`` imports.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from seisfoc.errors import SeisfocError

#: sub-command name -> (module implementing configure/run, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("seisfoc.pinv.demo", "run PINV on the example database shipped with seisfoc"),
    "events": ("seisfoc.events", "list the events and P polarities of S-files or a database"),
    "pinv": ("seisfoc.pinv.cli", "focal mechanism from P polarities (SEISAN's PINV)"),
    "invrad": ("seisfoc.invrad.cli", "moment tensor from P, SV, SH amplitudes (Ebel's INVRAD)"),
    "invdc": (
        "seisfoc.invdc.cli",
        "best double couple from amplitudes by damped iteration (INVDC)",
    ),
    "synrad": ("seisfoc.synrad.cli", "forward amplitudes of a mechanism and their fit (SYNRAD)"),
}


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


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = argparse.ArgumentParser(
        prog="seisfoc",
        description="SEISAN-compatible focal mechanisms and moment tensors.",
    )
    from seisfoc import __version__

    parser.add_argument("--version", action="version", version=f"seisfoc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, object] = {}
    for name, (module_name, help_text) in _available().items():
        module = importlib.import_module(module_name)
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.configure(sub_parser)
        modules[name] = module
    return parser, modules


def run_reporting_errors(program: str, run, args) -> int:
    """Call ``run(args)`` and turn a user error into one line on stderr and an exit code.

    Shared by ``seisfoc`` and the drop-in executables: SeisfocError -> 1, Ctrl-C -> 130,
    a closed pipe (``| head``) -> 1; anything else is a bug and keeps its traceback.
    """
    try:
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
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return run_reporting_errors(f"seisfoc {args.command}", modules[args.command].run, args)


if __name__ == "__main__":
    sys.exit(main())
