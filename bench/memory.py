"""Peak memory (RSS) of the amplitude programs on large inputs.

Each command runs in its own subprocess on an ``invrad.inp`` of N readings (P on Z and SH
on T at 5-150 km, in the two-layer ``invrad.mod`` of the tests; signed amplitudes of
a known double couple with 20 % noise); the peak resident set size of that child is read
with ``resource.getrusage(RUSAGE_CHILDREN)`` in a wrapper process that runs nothing else.
The floor is a process that only imports numpy and seisfoc's amplitude core. Every N is
measured, so growth with N is visible: linear memory means the increment per reading
stays constant from one N to the next.

    python bench/memory.py [--readings 3000 30000] [--commands invrad seisfoc-invrad ...]

The stated bound (README, "Limits"): at 30,000 readings every amplitude program stays
below 500 MB of peak RSS; a full N x N data-resolution matrix alone would be 7.2 GB.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
import tempfile
from pathlib import Path

MODEL = "    0.0000    5.8000\n   25.0000    5.8000\n   25.0000    7.9000\n"
BOUND_MB = 500.0

WRAPPER = (
    "import json, resource, subprocess, sys\n"
    "cmd, cwd, stdin = json.loads(sys.argv[1])\n"
    "done = subprocess.run(cmd, cwd=cwd, input=stdin.encode(), stdout=subprocess.DEVNULL,\n"
    "                      stderr=subprocess.PIPE)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(json.dumps({'status': done.returncode, 'peak_kb': peak,\n"
    "                  'stderr': done.stderr.decode('utf-8', 'replace')[-400:]}))\n"
)
FLOOR = "import numpy, seisfoc.amplitude, seisfoc.invrad.inversion"


def invrad_inp(n: int, seed: int = 1) -> str:
    """``n`` readings in INVRAD's fixed format (random geometry, noisy signed amplitudes of
    a strike-slip-like pattern; the programs only need valid, non-degenerate data)."""
    rng = random.Random(seed)
    lines = ["memory benchmark", f"{n:5d}{8.0:5.1f}{1.0:5.1f}"]
    for k in range(n):
        dist = rng.uniform(5.0, 150.0)
        az = rng.uniform(0.0, 360.0)
        p_wave = k % 2 == 0
        a = math.radians(az)
        pattern = math.sin(2 * a) if p_wave else math.cos(2 * a)
        amp = (pattern + rng.gauss(0.0, 0.2)) * 10.0 / dist
        comp, phase = ("Z", "P") if p_wave else ("T", "SH")
        lines.append(f" S{k % 1000:03d} {comp} {phase:<2s} {dist:6.2f}    {az:7.2f}   {amp:12.4E}")
    return "\n".join(lines) + "\n"


def _dropin(program: str) -> str:
    return f"import sys; from seisfoc.{program}.dropin import main; sys.exit(main())"


def commands(folder: Path) -> dict[str, tuple[list[str], str]]:
    py = sys.executable
    return {
        "floor (imports only)": ([py, "-c", FLOOR], ""),
        "invrad": ([py, "-c", _dropin("invrad")], ""),
        "invdc": (
            [py, "-c", _dropin("invdc"),
             "--strike", "40", "--dip", "70", "--rake", "15", "--step", "0.5"], "",
        ),
        "synrad": (
            [py, "-c", _dropin("synrad")],
            "40 70 15\n300\n",
        ),
        "seisfoc invrad --json": ([py, "-m", "seisfoc", "invrad", "invrad.inp", "--json"], ""),
        "seisfoc invdc": (
            [py, "-m", "seisfoc", "invdc", "invrad.inp", "--sdr", "40", "70", "15"], "",
        ),
        "seisfoc synrad": (
            [py, "-m", "seisfoc", "synrad", "invrad.inp", "--sdr", "40", "70", "15",
             "--moment", "300"], "",
        ),
    }  # fmt: skip


def measure(cmd: list[str], cwd: Path, stdin: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, json.dumps([cmd, str(cwd), stdin])],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument("--commands", nargs="*")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="seisfoc-memory-") as tmp:
        folder = Path(tmp)
        (folder / "invrad.mod").write_text(MODEL)
        table = commands(folder)
        names = args.commands or list(table)
        print(
            f"{'command':24s} "
            + " ".join(f"{n:>12,d}" for n in args.readings)
            + "   (peak RSS, MB)"
        )
        results: dict[str, list[float]] = {}
        for n in args.readings:
            (folder / "invrad.inp").write_text(invrad_inp(n))
            for name in names:
                cmd, stdin = table[name]
                r = measure(cmd, folder, stdin)
                mb = r["peak_kb"] / 1024.0
                results.setdefault(name, []).append(mb)
                if r["status"] not in (0, 1):
                    print(f"  {name} at {n}: exit {r['status']}: {r['stderr'].strip()}")
                rows.append({"command": name, "readings": n, "peak_mb": round(mb, 1),
                             "status": r["status"]})  # fmt: skip
        worst = 0.0
        for name in names:
            print(f"{name:24s} " + " ".join(f"{v:12.1f}" for v in results[name]))
            if name != "floor (imports only)":
                worst = max(worst, max(results[name]))
        n_max = max(args.readings)
        full = n_max * n_max * 8 / 1e9
        print(
            f"\nlargest peak {worst:.1f} MB (bound {BOUND_MB:.0f} MB: "
            f"{'kept' if worst <= BOUND_MB else 'EXCEEDED'}); a full {n_max:,} x {n_max:,} "
            f"float64 data-resolution matrix alone would be {full:.1f} GB"
        )
    return 0 if worst <= BOUND_MB else 1


if __name__ == "__main__":
    sys.exit(main())
