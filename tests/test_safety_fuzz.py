"""Every command line of the suite on mutated inputs: no traceback, no hang, no made-up number.

A driver process (this file run as a script) imports the programs once and forks one
child per case, so that thousands of cases take minutes, not hours; each child runs one
command line (``main(argv)`` of ``pinv``, ``invrad``, ``invdc``, ``synrad`` or ``seisfoc
pinv|events|invrad|invdc|synrad``) in a fresh folder holding mutated copies of a seed
input, with standard input, output and error going to files. The driver asserts for each
case:

- the child ends within the time limit (no hang) with exit status 0, 1 or 2;
- no Python traceback and no raw warning (``RuntimeWarning`` ...) on standard error;
- exit 0: no ``nan``/``inf``/``Infinity`` in standard output or any file written, valid
  JSON where ``--json`` was asked, and ``****`` (a Fortran field overflow) only in the
  drop-ins' legacy layouts, never in modern output;
- exit 1 or 2: a message on standard error that names one of the run's files, standard
  input, or the option at fault;
- no input file changed (the drop-in ``pinv`` rewrites hyp.out only for a composite, as
  SEISAN's does).

Mutations: byte flips, inserted/deleted bytes, NUL, duplicated/swapped/dropped lines,
truncation, CRLF, no final newline, and numeric fields replaced (same width where it
fits) by extreme tokens: ``nan``, ``inf``, ``1e999``, ``0E400``, ``8.01e308``, ``-0``,
huge and negative values. Options of the modern commands get extreme values too.

In the test suite: a few cases per command (seeded; ``SEISFOC_FUZZ_CASES`` per command,
``SEISFOC_FUZZ_SEED``). Long mode, as run for the README::

    SEISFOC_FUZZ_CASES=10000 nice python tests/test_safety_fuzz.py --report fuzz.json
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASE_TIMEOUT_S = 60.0

# ------------------------------------------------------------------ seeds

#: invrad.inp of six readings of a (40, 70, 15) double couple of 300 x 1e16 dyne-cm in
#: the two-layer model below, computed with the package's forward model (test_invrad)
INVRAD_INP = (
    "synthetic\n    6  8.0  1.0\n"
    " K11  Z P    6.50      35.00     2.2545E-01\n"
    " K12  Z P   11.00     150.00    -1.3354E-01\n"
    " K13  Z P    7.50     260.00     5.5021E-02\n"
    " K11  T SH   6.50      35.00     3.4192E+00\n"
    " K12  T SH  11.00     150.00    -2.5674E+00\n"
    " K14  R SV   4.50     310.00     1.0838E+00\n"
)
INVRAD_MOD = "    0.0000    5.8000\n   25.0000    5.8000\n   25.0000    7.9000\n"

EXTREME = [
    "nan", "NaN", "inf", "-inf", "Inf", "1e999", "-1e999", "0E400", "0e-400", "8.01e308",
    "1e308", "-1e308", "1e-308", "1e-300", "1e200", "-0", "0", "-1", "999", "-45", "193",
    "361", "99999", "-99999", "1.5.5", "1e", "+", "", " ", "1_0", "0x10", "\u00e9",
]  # fmt: skip
NUMBER = re.compile(rb"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?")


def _example_sfiles() -> list[Path]:
    import seisfoc

    root = Path(seisfoc.__file__).resolve().parent / "data" / "example" / "REA"
    return sorted(root.glob("*/*/*/*.S*"))


# ------------------------------------------------------------------ mutation


def _replace_number(rng: random.Random, data: bytes) -> bytes:
    found = list(NUMBER.finditer(data))
    if not found:
        return data
    m = rng.choice(found)
    if rng.random() < 0.5:  # a plausible value: the numbers themselves are exercised
        text = m.group(0).decode()
        value = float(text) * rng.choice((-1.0, 1.0)) * 10 ** rng.uniform(-2, 2)
        decimals = len(text.split(".")[1].split("E")[0].split("e")[0]) if "." in text else 0
        token = f"{value:.{decimals}f}".encode()
    else:
        token = rng.choice(EXTREME).encode("latin-1")
    width = m.end() - m.start()
    if len(token) <= width and rng.random() < 0.7:
        token = token.rjust(width)  # keep the columns of a fixed-format file
    return data[: m.start()] + token + data[m.end() :]


def mutate(rng: random.Random, data: bytes, rounds: int | None = None) -> bytes:
    """A seeded random mutation of ``data``."""
    for _ in range(rounds or rng.choice((1, 1, 1, 2, 3))):
        kind = rng.randrange(16)
        kind = 0 if kind >= 12 else kind  # numeric fields most often: they reach the numbers
        lines = data.splitlines(keepends=True)
        n = len(data)
        if kind <= 3:
            data = _replace_number(rng, data)
        elif kind == 4 and n:
            i = rng.randrange(n)
            data = data[:i] + bytes((rng.randrange(256),)) + data[i + 1 :]
        elif kind == 5:
            i = rng.randrange(n + 1)
            data = (
                data[:i] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 6))) + data[i:]
            )
        elif kind == 6 and n:
            i = rng.randrange(n)
            data = data[:i] + data[i + rng.randrange(1, 40) :]
        elif kind == 7 and lines:
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i] * rng.choice((1, 2, 5)))
            data = b"".join(lines)
        elif kind == 8 and len(lines) > 1:
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            data = b"".join(lines)
        elif kind == 9 and lines:
            del lines[rng.randrange(len(lines))]
            data = b"".join(lines)
        elif kind == 10:
            data = data[: rng.randrange(n + 1)]
        else:
            choice = rng.randrange(4)
            if choice == 0:
                data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            elif choice == 1:
                data = data.rstrip(b"\r\n")
            elif choice == 2 and n:
                i = rng.randrange(n)
                data = data[:i] + b"\x00" + data[i:]
            else:
                data = data.replace(b"\n", b"\n\n", 1)
    return data


def _option_value(rng: random.Random, normal: str) -> str:
    return normal if rng.random() < 0.85 else rng.choice(EXTREME[:24] + ["1e-308", "0.0"])


# ------------------------------------------------------------------ cases

LEGACY = {"pinv", "invrad", "invdc", "synrad"}
COMMANDS = [
    "pinv", "invrad", "invdc", "synrad",
    "seisfoc pinv", "seisfoc events", "seisfoc invrad", "seisfoc invdc", "seisfoc synrad",
]  # fmt: skip


def make_case(command: str, rng: random.Random, folder: Path, sfiles: list[Path]):
    """Write the inputs of one case into ``folder``; returns (argv, stdin bytes, input
    names, whether --json was asked)."""
    stdin = b""
    json_out = False
    if command == "pinv":
        seed = rng.choice(sfiles).read_bytes()
        if rng.random() < 0.3:  # a composite
            seed = seed.rstrip(b"\n") + b"\n\n" + rng.choice(sfiles).read_bytes()
        (folder / "hyp.out").write_bytes(mutate(rng, seed))
        names = ["hyp.out"]
        if rng.random() < 0.3:
            value = rng.choice(("0.0", "1.0", "2.0"))
            (folder / "SEISAN.DEF").write_text("NORDIC_FORMAT".ljust(40) + value + "\n")
            names.append("SEISAN.DEF")
        return [], stdin, names, json_out
    if (
        command in ("invrad", "invdc", "synrad")
        or command.startswith("seisfoc inv")
        or (command == "seisfoc synrad")
    ):
        use_sfile = command.startswith("seisfoc") and rng.random() < 0.15
        if use_sfile:
            (folder / "ev.S").write_bytes(mutate(rng, rng.choice(sfiles).read_bytes()))
            names = ["ev.S"]
            target = "ev.S"
        else:
            inp = INVRAD_INP.encode()
            mod = INVRAD_MOD.encode()
            if rng.random() < 0.75:
                inp = mutate(rng, inp)
            else:
                mod = mutate(rng, mod)
            (folder / "invrad.inp").write_bytes(inp)
            (folder / "invrad.mod").write_bytes(mod)
            names = ["invrad.inp", "invrad.mod"]
            target = "invrad.inp"
        if command == "invrad":
            stdin = mutate(rng, b"8.0\n1.0\n") if rng.random() < 0.3 else b""
            return [], stdin, names, json_out
        if command == "invdc":
            stdin = b"40 70 15\n0.5\n"
            if rng.random() < 0.3:
                stdin = mutate(rng, stdin)
            return [], stdin, names, json_out
        if command == "synrad":
            stdin = b"40 70 15\n300\n"
            if rng.random() < 0.3:
                stdin = mutate(rng, stdin)
            return [], stdin, names, json_out
        sub = command.split()[1]
        argv = [sub, target]
        if rng.random() < 0.3:
            argv += ["--sigma", _option_value(rng, "1.0")]
        if rng.random() < 0.2:
            argv += ["--depth", _option_value(rng, "8.0")]
        if rng.random() < 0.3:
            argv += ["--mode", rng.choice(("seisan", "modern"))]
        if sub in ("invdc", "synrad"):
            argv += ["--sdr"] + [_option_value(rng, v) for v in ("40", "70", "15")]
        if sub == "synrad":
            argv += ["--moment", _option_value(rng, "300")]
        if sub == "invrad" and rng.random() < 0.2:
            argv += ["--output", rng.choice(("out.txt", "invrad.inp", "invrad.mod", "ev.S"))]
        if rng.random() < 0.5:
            argv.append("--json")
            json_out = True
        return argv, stdin, names, json_out
    # seisfoc pinv / events on S-files
    paths = []
    for k in range(rng.choice((1, 1, 2))):
        name = f"ev{k}.S"
        (folder / name).write_bytes(mutate(rng, rng.choice(sfiles).read_bytes()))
        paths.append(name)
    sub = command.split()[1]
    argv = [sub, *paths]
    if sub == "pinv":
        if rng.random() < 0.4:
            argv += ["--mode", rng.choice(("seisan", "modern"))]
        if rng.random() < 0.2:
            argv += ["--nordic-format", rng.choice(("auto", "old", "nordic2"))]
        if rng.random() < 0.1:
            argv += ["--quakeml", rng.choice(("out.xml", paths[0]))]
        if rng.random() < 0.08:
            argv += [
                "--plot",
                rng.choice(("{0.x}.png", "{0[0]}.png", "{0:99999999999}.png", "{}{")),
            ]
    if rng.random() < 0.1:
        argv += [rng.choice(("--start", "--end")), rng.choice(
            ("9999-12-31T23:00:00-01:00", "0001-01-01", "2021-13-01", "nan", "1e999", "2021")
        )]  # fmt: skip
    r = rng.random()
    if r < 0.4:
        argv.append("--json")
        json_out = True
    elif r < 0.6 and sub == "pinv":
        argv.append("--csv")
    return argv, stdin, paths, json_out


# ------------------------------------------------------------------ running (driver side)

BAD_NUMBER = re.compile(rb"(?i)(?<![a-z0-9_])(nan|inf|infinity)(?![a-z0-9_])")
RAW_WARNING = re.compile(r"\b[A-Z][A-Za-z]*Warning\b")


def _entry(command: str):
    if command == "pinv":
        from seisfoc.pinv.dropin import main
    elif command == "invrad":
        from seisfoc.invrad.dropin import main
    elif command == "invdc":
        from seisfoc.invdc.dropin import main
    elif command == "synrad":
        from seisfoc.synrad.dropin import main
    else:
        from seisfoc.cli import main
    return main


def _child(command: str, argv: list[str], folder: Path) -> None:
    """In the forked child: run one command line and _exit with its status."""
    import io
    import traceback

    status = 70
    try:
        os.chdir(folder)
        fds = [os.open("stdin.fz", os.O_RDONLY)]
        fds += [
            os.open(n, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            for n in ("stdout.fz", "stderr.fz")
        ]
        for k, fd in enumerate(fds):
            os.dup2(fd, k)
            os.close(fd)
        sys.stdin = io.TextIOWrapper(open(0, "rb", closefd=False), encoding="latin-1")
        sys.stdout = io.TextIOWrapper(
            open(1, "wb", closefd=False), encoding="utf-8", line_buffering=False
        )
        sys.stderr = io.TextIOWrapper(
            open(2, "wb", closefd=False), encoding="utf-8", line_buffering=True
        )
        sys.argv = [command.split()[0], *argv]
        try:
            status = int(_entry(command)(argv) or 0)
        except SystemExit as exc:  # argparse's usage error
            code = exc.code
            status = code if isinstance(code, int) else (0 if code is None else 1)
        except BaseException:  # noqa: BLE001 - the finding this fuzz test looks for
            traceback.print_exc()
            status = 71
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:  # noqa: BLE001
            pass
        os._exit(status)


def run_case(command: str, argv, stdin: bytes, folder: Path, timeout: float = CASE_TIMEOUT_S):
    (folder / "stdin.fz").write_bytes(stdin)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        _child(command, argv, folder)
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(delay)
        delay = min(delay * 1.5, 0.05)


def check_case(command, argv, names, json_out, before, folder: Path, status) -> list[str]:
    """The findings of one case (empty when it behaved)."""
    problems = []
    if status is None:
        return [f"hang: no exit within {CASE_TIMEOUT_S:g} s"]
    err = (folder / "stderr.fz").read_text("utf-8", errors="replace")
    out = (folder / "stdout.fz").read_bytes()
    if status not in (0, 1, 2):
        problems.append(f"exit status {status}")
    if "Traceback" in err:
        problems.append("traceback: " + err.strip().splitlines()[-1][:200])
    if RAW_WARNING.search(err):
        problems.append("raw warning: " + RAW_WARNING.search(err).group(0))
    produced = [p for p in folder.iterdir() if p.name not in names and not p.name.endswith(".fz")]
    # INVDC's exit status 1 with its report printed: the iteration did not converge
    not_converged = command in ("invdc", "seisfoc invdc") and status == 1 and out.strip()
    result_printed = status == 0 or not_converged
    if result_printed:
        for label, data in [("stdout", out)] + [
            (p.name, p.read_bytes()) for p in produced if p.is_file()
        ]:
            if label.endswith(".png"):
                continue
            m = BAD_NUMBER.search(data)
            if m:
                problems.append(f"{m.group(0).decode()} in {label}")
            # Ebel's invrad.out layout (--output) is legacy: its header has asterisks and
            # its fields overflow as the original's do
            legacy_file = "--output" in argv and label == argv[argv.index("--output") + 1]
            if command not in LEGACY and not legacy_file and b"****" in data:
                problems.append(f"**** in modern output {label}")
        if json_out and status == 0:
            try:
                json.loads(out, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
            except ValueError as exc:
                problems.append(f"invalid JSON: {str(exc)[:80]}")
    elif status in (1, 2):
        lines = [ln for ln in err.splitlines() if ln.strip()]
        words = names + ["standard input", "--", "stdin"]
        if not lines:
            problems.append("error without a message")
        elif not any(any(w in ln for w in words) for ln in lines):
            problems.append("error names no file or option: " + lines[-1][:160])
    for name, data in before.items():
        path = folder / name
        now = path.read_bytes() if path.exists() else None
        if now != data:
            allowed = (
                command == "pinv" and name == "hyp.out" and status == 0 and b"composite" in out
            ) or (command == "pinv" and name == "hyp.out" and data is None)
            if not allowed:
                problems.append(f"input {name} changed")
    return problems


#: modules the programs import lazily: imported once in the driver, so that the forked
#: children never read a module from disk (a tree edited during a long run stays out)
LAZY_MODULES = (
    "seisfoc.pinv.program", "seisfoc.pinv.batch", "seisfoc.pinv.report", "seisfoc.pinv.legacy",
    "seisfoc.pinv.solver", "seisfoc.pinv.quakeml", "seisfoc.events", "seisfoc.cli.events",
    "seisfoc.amplitude", "seisfoc.amplitude.inputs", "seisfoc.amplitude.outputs",
    "seisfoc.amplitude.sfile", "seisfoc.cli.amplitude", "seisfoc.cli.prompts",
    "seisfoc.io.invrad", "seisfoc.io.station0", "seisfoc.io.seisan_def",
    "seisfoc.invrad.program", "seisfoc.invrad.inversion", "seisfoc.invrad.report",
    "seisfoc.invrad.cli", "seisfoc.invdc.gauss_newton", "seisfoc.invdc.report",
    "seisfoc.invdc.cli", "seisfoc.synrad.forward", "seisfoc.synrad.report",
    "seisfoc.synrad.cli",
)  # fmt: skip


def _import_everything() -> None:
    import importlib

    from seisfoc.cli import build_parser

    build_parser()  # every sub-command's module
    for name in LAZY_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def fuzz(
    cases_per_command: int, seed: int, commands=COMMANDS, log=None, keep=None, report_path=None
) -> dict:
    """Run the cases; returns {command: {"cases": n, "exit": {...}, "findings": [...]}}.

    The commands take turns (one case each per round), so that a run stopped early has
    done every command about equally; ``report_path`` gets the report every 100 rounds
    and at the end. ``keep``: a folder where the inputs and outputs of every finding are
    copied.
    """
    sfiles = _example_sfiles()
    for command in commands:  # import every program before forking
        _entry(command)
    _import_everything()

    report = {c: {"cases": 0, "exit": {}, "findings": []} for c in commands}
    rngs = {c: random.Random(f"{seed}:{c}") for c in commands}
    root = Path(tempfile.mkdtemp(prefix="seisfoc-fuzz-"))

    def save() -> None:
        if report_path:
            Path(report_path).write_text(json.dumps(report, indent=1))

    try:
        for k in range(cases_per_command):
            for command in commands:
                folder = root / f"c{k}"
                folder.mkdir()
                argv, stdin, names, json_out = make_case(command, rngs[command], folder, sfiles)
                before = {n: (folder / n).read_bytes() for n in names if (folder / n).exists()}
                status = run_case(command, argv, stdin, folder)
                problems = check_case(command, argv, names, json_out, before, folder, status)
                entry = report[command]
                entry["cases"] += 1
                entry["exit"][str(status)] = entry["exit"].get(str(status), 0) + 1
                if problems:
                    finding = {"case": k, "argv": argv, "problems": problems}
                    if keep:
                        case_dir = Path(keep) / f"{command.replace(' ', '_')}-{k}"
                        shutil.rmtree(case_dir, ignore_errors=True)
                        shutil.copytree(folder, case_dir)
                        finding["kept"] = str(case_dir)
                    entry["findings"].append(finding)
                shutil.rmtree(folder, ignore_errors=True)
            if (k + 1) % 100 == 0:
                save()
                if log:
                    log(f"round {k + 1}: " + ", ".join(
                        f"{c} {len(r['findings'])}" for c, r in report.items()
                    ))  # fmt: skip
        save()
        if log:
            for command, r in report.items():
                log(f"{command}: {r['cases']} cases, exit {r['exit']}, "
                    f"{len(r['findings'])} findings")  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return report


# ------------------------------------------------------------------ pytest


def test_fuzz_every_command_line(tmp_path):
    """Bounded and seeded: SEISFOC_FUZZ_CASES cases per command (default 6)."""
    cases = int(os.environ.get("SEISFOC_FUZZ_CASES", "6"))
    seed = int(os.environ.get("SEISFOC_FUZZ_SEED", "20261204"))
    report_path = tmp_path / "fuzz.json"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    done = subprocess.run(
        [sys.executable, __file__, "--cases", str(cases), "--seed", str(seed),
         "--report", str(report_path)],
        capture_output=True, text=True, env=env, timeout=600 + 60 * cases,
    )  # fmt: skip
    assert report_path.exists(), done.stderr[-3000:]
    report = json.loads(report_path.read_text())
    assert set(report) == set(COMMANDS)
    findings = {c: r["findings"] for c, r in report.items() if r["findings"]}
    assert not findings, json.dumps(findings, indent=1)[:6000]


def test_mutation_is_seeded():
    a = mutate(random.Random(5), INVRAD_INP.encode(), rounds=3)
    b = mutate(random.Random(5), INVRAD_INP.encode(), rounds=3)
    assert a == b


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="fuzz every command line of seisfoc")
    parser.add_argument("--cases", type=int, default=int(os.environ.get("SEISFOC_FUZZ_CASES", "6")))
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--commands", nargs="*", default=COMMANDS)
    parser.add_argument("--report")
    parser.add_argument("--keep", help="folder for the inputs and outputs of each finding")
    args = parser.parse_args(argv)
    started = time.time()
    report = fuzz(
        args.cases,
        args.seed,
        args.commands,
        log=lambda s: print(s, file=sys.stderr, flush=True),
        keep=args.keep,
        report_path=args.report,
    )
    report["_meta"] = {"seed": args.seed, "seconds": round(time.time() - started, 1)}
    if args.report:
        meta = report.pop("_meta")
        Path(args.report).write_text(json.dumps(report, indent=1))
        print(json.dumps(meta), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
