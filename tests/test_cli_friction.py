"""What a new user of ``seisfoc`` runs into (issue 10, "friction"): every column and option
explained, typos answered with the command's own usage and a suggestion, an earlier
grade on the F-line kept or its loss reported, a progress bar with a total, and years and
months as time limits."""

from __future__ import annotations

import argparse
import io
import re
import shutil
import sys
from pathlib import Path

import pytest
from support.reference import REPO

from seisfoc.cli import build_parser, main
from seisfoc.io import nordic

EXAMPLE = REPO / "seisfoc" / "data" / "example" / "REA" / "EXAMP"
SFILE = EXAMPLE / "2021" / "03" / "04-0217-41L.S202103"
#: SEISAN's S-file names, matched here without the suite's database walk
SFILE_NAME = re.compile(r"\d\d-\d{4}-\d\d[LRD]\.S\d{6}")


def _sfiles(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if SFILE_NAME.fullmatch(p.name))


def _parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    """(command line, parser) of ``seisfoc``, every sub-command and sub-sub-command."""
    top, _ = build_parser()
    out = []

    def walk(name: str, parser: argparse.ArgumentParser) -> None:
        out.append((name, parser))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub_name, sub in action.choices.items():
                    walk(f"{name} {sub_name}", sub)

    walk("seisfoc", top)
    return out


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert len(re.findall(r"error:", err)) == 1, err  # one message
    return err


# ---------------------------------------------------------------- 1. columns and help


def _header_and_legend(out: str) -> tuple[list[str], str]:
    lines = out.splitlines()
    assert lines[-1].startswith("columns: "), out
    return lines[0].split(), lines[-1]


def _legend_names(legend: str) -> set[str]:
    """The column names a ``columns:`` line explains (``name = meaning; ...``)."""
    body = legend.removeprefix("columns: ")
    names: set[str] = set()
    for entry in re.split(r"; (?=[A-Za-z0-9 ]+ = )", body):
        names.update(entry.split(" = ", 1)[0].split())
    return names


def test_pinv_table_explains_every_column(capsys):
    assert main(["pinv", str(SFILE), "--no-progress"]) == 0
    header, legend = _header_and_legend(capsys.readouterr().out)
    assert set(header) <= _legend_names(legend)
    assert "rmsPl" not in legend  # only the columns the table has

    assert main(["pinv", str(SFILE), "--uncertainty", "--trials", "3", "--no-progress"]) == 0
    header, legend = _header_and_legend(capsys.readouterr().out)
    for name in ("rmsPl", "rmsK", "prob", "mfit", "stdr", "Kpref", "q"):
        assert name in header
    assert set(header) <= _legend_names(legend)


def test_pinv_help_explains_every_column(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["pinv", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    epilog = text.split("columns of the table:", 1)[1]
    explained = {line.split()[0] for line in epilog.splitlines() if line.startswith("  ")}
    explained |= {w for line in epilog.splitlines() if line.startswith("  ") for w in
                  line[:22].split()}  # fmt: skip
    for name in ("event", "format", "npol", "strike", "dip", "rake", "strike2", "dip2",
                 "rake2", "rank", "good", "bad", "rmsPl", "rmsK", "prob", "mfit", "stdr",
                 "Kpref", "q"):  # fmt: skip
        assert name in explained, name
    # the legend keeps its own lines (RawDescription), one column a line
    assert re.search(r"^  rmsPl +RMS plane uncertainty", text, re.M)
    assert re.search(r"^  q +grade, A best to D", text, re.M)


def test_every_option_of_every_command_has_help():
    missing = []
    for name, parser in _parsers():
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            if action.help == argparse.SUPPRESS:  # hidden (a deprecated spelling)
                continue
            if not (action.help or "").strip():
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, missing


def test_help_names_no_file_a_user_does_not_have():
    for name, parser in _parsers():
        text = parser.format_help()
        assert not re.search(r"\.md\b|FORMATS|ARCHITECTURE|ALGORITHMS|shared/", text), name


def test_time_options_say_a_year_or_month_is_accepted():
    for name, parser in _parsers():
        for action in parser._actions:
            if "--end" in action.option_strings and action.help != argparse.SUPPRESS:
                assert "year" in action.help and "month" in action.help, name


# ---------------------------------------------------------------- 2. typos


def test_typo_option_names_the_subcommand_and_suggests(capsys):
    err = _usage_error(["pinv", "--uncertanty", str(SFILE)], capsys)
    assert "usage: seisfoc pinv" in err
    assert "COMMAND ..." not in err
    assert "seisfoc pinv: error: unrecognized arguments: --uncertanty" in err
    assert "did you mean --uncertainty?" in err


def test_typo_option_with_value_and_in_another_command(capsys):
    err = _usage_error(["fps", "--plt=x.png", str(SFILE)], capsys)
    assert "usage: seisfoc fps" in err and "did you mean --plot?" in err
    err = _usage_error(["events", "--polarites", str(SFILE)], capsys)
    assert "usage: seisfoc events" in err and "did you mean --polarities?" in err


def test_typo_option_when_the_input_seems_missing(capsys):
    err = _usage_error(["pinv", "--uncertanty"], capsys)
    assert "required: inputs" in err and "did you mean --uncertainty?" in err


def test_typo_command_and_choice_suggest(capsys):
    err = _usage_error(["fsp", str(SFILE)], capsys)
    assert "invalid choice: 'fsp'" in err and "did you mean fps?" in err
    err = _usage_error(["pinv", "--mode", "modrn", str(SFILE)], capsys)
    assert "usage: seisfoc pinv" in err and "did you mean modern?" in err
    err = _usage_error(["--verson"], capsys)
    assert "did you mean --version?" in err
    # nothing close: no suggestion
    err = _usage_error(["zzzz"], capsys)
    assert "did you mean" not in err


def test_typo_in_cmt_stages(capsys):
    err = _usage_error(["cmt", "wndow"], capsys)
    assert "usage: seisfoc cmt" in err and "did you mean window?" in err
    err = _usage_error(["cmt", "window", "--jsn", "event"], capsys)
    assert "usage: seisfoc cmt window" in err and "did you mean --json?" in err


def test_abbreviations_work_as_before(capsys):
    assert main(["pinv", "--uncert", "--trial", "2", "--no-prog", str(SFILE)]) == 0
    assert "rmsPl" in capsys.readouterr().out
    err = _usage_error(["pinv", "--p", "x", str(SFILE)], capsys)
    assert "ambiguous option: --p could match" in err


def test_console_script_typo_exit_status(tmp_path):
    import subprocess

    code = "import sys; from seisfoc.cli import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", code, "pinv", "--uncertanty", str(SFILE)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "usage: seisfoc pinv" in done.stderr and "--uncertainty?" in done.stderr
    assert "Traceback" not in done.stderr


# ---------------------------------------------------------------- 3. the F-line's grade


def _pinv_line(path: Path, flag: str = "O") -> str:
    lines = [
        ln
        for ln in path.read_text(encoding="latin-1").splitlines()
        if len(ln) >= 80 and ln[79] == "F" and ln[70:77] == "PINV   " and ln[78] == flag[:1]
    ]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture
def sfile(tmp_path: Path) -> Path:
    dst = tmp_path / SFILE.name
    shutil.copyfile(SFILE, dst)
    dst.chmod(0o644)
    return dst


def test_rerun_without_uncertainty_keeps_the_grade_of_the_same_solution(sfile, capsys):
    argv = ["pinv", str(sfile), "--write", "--agency", "TST", "--no-progress"]
    assert main([*argv, "--uncertainty", "--trials", "5"]) == 0
    first = _pinv_line(sfile)
    assert first[30:55].strip() and first[77] in "ABCD"
    capsys.readouterr()

    assert main([*argv[:-3], "--agency", "XYZ", "--no-progress"]) == 0
    second = _pinv_line(sfile)
    assert "dropped" not in capsys.readouterr().err
    assert second[:30] == first[:30]
    assert second[30:55] == first[30:55] and second[77] == first[77]  # kept
    assert second[66:69] == "XYZ"  # the rest is the new line's


def test_rerun_with_another_solution_says_the_grade_was_dropped(sfile, capsys):
    argv = ["pinv", str(sfile), "--write", "--agency", "TST", "--no-progress"]
    assert main([*argv, "--uncertainty", "--trials", "5"]) == 0
    first = _pinv_line(sfile)
    capsys.readouterr()
    # --mode seisan writes the other nodal plane: another strike, dip and rake
    assert main([*argv, "--mode", "seisan"]) == 0
    second = _pinv_line(sfile)
    err = capsys.readouterr().err
    assert second[:30] != first[:30]
    assert not second[30:55].strip() and second[77] == " "
    notes = [ln for ln in err.splitlines() if "dropped" in ln]
    assert len(notes) == 1  # one per event
    assert str(sfile) in notes[0] and f"grade {first[77]}" in notes[0]
    assert "solution changed" in notes[0]
    # the numbers that were dropped are named, as the line had them
    e_strike = float(first[30:35])
    assert f"errors {e_strike:g} " in notes[0]


def test_prime_write_reports_what_an_earlier_prime_line_had(sfile, capsys):
    # a prime PINV line with a grade (hand-written): --prime writes EEV's line, without it
    line = nordic.format_fault_plane_line(
        218.9, 38.3, 85.4, program="PINV", agency="TST", quality="B", strike_error=20.0
    )
    nordic.write_fault_plane(sfile, line, prime=True)
    argv = ["pinv", str(sfile), "--write", "--prime", "--agency", "TST", "--no-progress"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "had grade B, errors 20 - -: dropped" in err
    assert _pinv_line(sfile, flag=" ")[77] == " "


def test_keep_uncertainty_rule():
    from seisfoc.pinv.batch import keep_uncertainty

    def fp(line: str):
        return nordic.parse_events(
            (" 2021  304 0217 41.3 L  60.000   5.000 10.0  TST  1" + " " * 28 + "1\n" + line
             + "\n").encode("latin-1")
        )[0].fault_planes[0]  # fmt: skip

    old = nordic.format_fault_plane_line(
        10.0, 20.0, 30.0, program="PINV", flag="O", strike_error=1.5, dip_error=2.5,
        rake_error=3.5, fit_error=0.1, station_distribution_ratio=0.6, quality="A",
    )  # fmt: skip
    new = nordic.format_fault_plane_line(10.0, 20.0, 30.0, program="PINV", flag="O", agency="X")
    line, note = keep_uncertainty(new, fp(old), prime=False)
    assert note is None and line[30:55] == old[30:55] and line[77] == "A"
    assert line[66:69] == "X  " and len(line) == 80 and line[78:] == "OF"
    moved = nordic.format_fault_plane_line(10.0, 20.0, 30.2, program="PINV", flag="O")
    line, note = keep_uncertainty(moved, fp(old), prime=False)
    assert line == moved and "solution changed (10.0 20.0 30.0 -> 10.0 20.0 30.2)" in note
    # a new line with its own uncertainty, or an earlier one without any: nothing to do
    fresh = nordic.format_fault_plane_line(10, 20, 30, program="PINV", flag="O", quality="C")
    assert keep_uncertainty(fresh, fp(old), prime=False) == (fresh, None)
    assert keep_uncertainty(moved, fp(new), prime=False) == (moved, None)


# ---------------------------------------------------------------- 4. progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_database_progress_bar_has_a_total(monkeypatch, capsys):
    from seisfoc.pinv import batch

    n = len(_sfiles(EXAMPLE))
    assert n == 9
    assert batch.count_files([str(EXAMPLE)]) == n
    assert batch.count_files([str(EXAMPLE), str(SFILE)]) == n + 1
    assert batch.count_files([str(EXAMPLE)], "2021", "2022-05") == 6

    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert main(["pinv", str(EXAMPLE), "--start", "2021", "--end", "2022-05"]) == 0
    bars = [b for b in term.getvalue().replace("\r", "\n").splitlines() if "file" in b]
    assert bars, term.getvalue()
    assert "6/6" in bars[-1]
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d", bars[-1])  # elapsed<remaining: an ETA


# ---------------------------------------------------------------- 5. years and months


def test_year_and_month_limits_everywhere(capsys):
    names = [p.name for p in _sfiles(EXAMPLE)]
    # by the file names: 2021 to the end of July 2021 (30-2345-12L.S202107 included)
    expected = [n for n in names if n.endswith(("S202103", "S202105", "S202107"))]
    assert main(["events", str(EXAMPLE), "--start", "2021", "--end", "2021-07", "--json"]) == 0
    import json

    listed = [Path(e["file"]).name for e in json.loads(capsys.readouterr().out)]
    assert listed == expected
    for command in ("pinv", "fps", "compare"):
        args = [command, str(EXAMPLE), "--start", "2022", "--end", "2022", "--no-progress"]
        main([*args, "--json"])
        text = capsys.readouterr().out
        assert text.count("2022-") >= 4 and "2021-" not in text and "2023-" not in text, command
    err = _usage_error(["pinv", str(EXAMPLE), "--end", "1996-13"], capsys)
    assert "--end" in err
