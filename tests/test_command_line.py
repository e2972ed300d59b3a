"""The command-line layer: one table of sub-commands, the same option names and output
formats in every sub-command, exit status 2 only for usage errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

import seisfoc
from seisfoc.cli import build_parser, main
from seisfoc.cli import options as O
from seisfoc.cli.commands import SUBCOMMANDS

EXAMPLE = Path(seisfoc.__file__).parent / "data" / "example" / "REA" / "EXAMP"


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no sub-commands")


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {s: a for a in parser._actions for s in a.option_strings}


def test_every_listed_subcommand_is_built_from_the_table():
    parser, modules = build_parser()
    subs = _subparsers(parser)
    for name in ("events", "pinv", "invrad", "invdc", "synrad"):
        assert name in SUBCOMMANDS and name in subs and name in modules
    assert set(subs) == set(modules) <= set(SUBCOMMANDS)


def test_start_and_end_are_always_a_time():
    """``--start`` means a time wherever it is shown; invdc's start mechanism is ``--sdr``."""
    subs = _subparsers(build_parser()[0])
    for name, sub in subs.items():
        opts = _options(sub)
        for flag in ("--start", "--end"):
            if flag in opts and opts[flag].help != argparse.SUPPRESS:
                assert opts[flag].type is O.time_argument, (name, flag)
    assert "--sdr" in _options(subs["invdc"]) and "--sdr" in _options(subs["synrad"])


def test_json_wherever_a_result_is_printed():
    subs = _subparsers(build_parser()[0])
    for name in ("events", "pinv", "invrad", "invdc", "synrad"):
        assert "--json" in _options(subs[name]), name


def _all_parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser under ``parser`` (nested sub-commands too, as ``seisfoc cmt run``)."""
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _all_parsers(sub, (*path, name))
    return found


def test_output_folder_is_out_wherever_there_is_one():
    """An option whose value is a folder to write into is called ``--out``."""
    checked = 0
    for path, sub in _all_parsers(build_parser()[0]):
        for flag, action in _options(sub).items():
            text = (action.help or "").lower()
            is_folder = action.metavar == "DIR" or (
                "folder" in text and any(w in text for w in ("write", "create", "new", "output"))
            )
            if is_folder and flag.startswith("--"):
                checked += 1
                assert flag == "--out", (" ".join(path), flag, action.help)
    assert checked >= 1  # seisfoc demo --out at least


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["no-such-command"],
        ["events"],
        ["events", "x", "--start", "1996-13-45"],
        ["pinv", "x", "--rcond", "nan"],
        ["pinv", "x", "--json", "--csv"],
        ["invrad", "x", "--bootstrap", "1"],
        ["invdc", "x"],
        ["synrad", "x", "--sdr", "1", "2", "3"],
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    try:
        status = main(argv)
    except SystemExit as stop:
        status = stop.code
    assert status == 2
    capsys.readouterr()


def test_events_json_is_the_table_as_numbers(capsys):
    assert main(["events", str(EXAMPLE)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert main(["events", str(EXAMPLE), "--json", "--polarities"]) == 0
    out, err = capsys.readouterr()
    listed = json.loads(out)  # stdout is JSON only; the summary is on stderr
    assert err.strip() == table[-1]
    rows = table[1:-1]
    assert len(listed) == len(rows) > 0
    for row, event in zip(rows, listed, strict=True):
        fields = row.split()
        assert fields[-1] == Path(event["file"]).name
        assert float(fields[2]) == pytest.approx(event["latitude"], abs=5e-4)
        assert float(fields[3]) == pytest.approx(event["longitude"], abs=5e-4)
        assert int(fields[6]) == event["n_polarities"] == len(event["polarities"])
        assert int(fields[7]) == event["n_with_angles"]
        assert fields[8] == event["nordic_format"]
        assert event["origin_time"].replace("T", " ").startswith(f"{fields[0]} {fields[1]}")


def test_the_nordic_format_has_one_name_in_every_output(capsys):
    """events (table and JSON) and pinv (table and JSON) name each event's format alike."""
    assert main(["events", str(EXAMPLE), "--json"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert main(["pinv", str(EXAMPLE), "--json", "--no-progress"]) == 0
    pinv = json.loads(capsys.readouterr().out)
    by_file = {Path(e["file"]).name: e["nordic_format"] for e in events}
    assert by_file and set(by_file.values()) <= {"old", "nordic2"}
    for r in pinv:
        assert r["nordic_format"] == by_file[Path(r["file"]).name]
    # the names are the choices of --nordic-format
    assert set(O.FORMAT_NAMES.values()) == set(O.NORDIC_FORMATS) - {"auto"}
