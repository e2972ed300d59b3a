"""Wall time of the drop-in ``pinv`` on one event next to ``python -c "import numpy"``.

The commands are measured interleaved: every round runs each of them once, in an order
that reverses from round to round, so a busy spell of the machine slows all of them
alike and the ratio does not depend on it. After one warm-up round, ``--rounds`` rounds
(default 25, about 10 s) give the minimum and the median of each; the ratios to the numpy
floor are given for both. Target: pinv <= 1.5 x the numpy floor.

    python bench/pinv_startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REF = Path(__file__).resolve().parents[2] / "shared" / "reference"
EVENT = REF / "pinv" / "22-0141-06L.S199508" / "hyp" / "hyp.out"
DROPIN = "import sys; from seisfoc.pinv.dropin import main; sys.exit(main())"


def run_once(cmd, cwd) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def interleaved(commands: dict[str, list[str]], cwd, rounds: int) -> dict[str, list[float]]:
    """Wall times of every command, ``rounds`` rounds after one warm-up round; each round
    runs every command once, the order reversed in every other round."""
    names = list(commands)
    times: dict[str, list[float]] = {name: [] for name in names}
    for k in range(rounds + 1):
        for name in names if k % 2 == 0 else names[::-1]:
            elapsed = run_once(commands[name], cwd)
            if k > 0:
                times[name].append(elapsed)
    return times


def wheel_layout(tmp: Path) -> list[str] | None:
    """A copy of the packages with the built extension inside, as a wheel installs them,
    run with ``python -S`` and numpy's site-packages on sys.path: the editable install's
    import hook (it runs a rebuild check on every import) is then out of the picture."""
    import numpy

    import seisfoc._kernels as kernels

    repo = Path(__file__).resolve().parents[1]
    site = tmp / "site"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(repo / "seisfoc", site / "seisfoc", ignore=ignore)
    # the programs install inside the one package, as seisfoc.pinv
    shutil.copytree(repo / "pinv", site / "seisfoc" / "pinv", ignore=ignore)
    shutil.copy(kernels.__file__, site / "seisfoc")
    numpy_site = str(Path(numpy.__file__).resolve().parents[1])
    code = f"import sys; sys.path[:0] = [{str(site)!r}, {numpy_site!r}]; " + DROPIN[11:]
    return [sys.executable, "-S", "-c", "import sys; " + code]


def write_event(folder: Path) -> None:
    if EVENT.exists():
        shutil.copyfile(EVENT, folder / "hyp.out")
        return
    # a small synthetic event when the reference data are absent
    lines = [" 2000  1 1 0000  0.0 L  60.000   5.000 10.0  TES  1 0.1" + " " * 25 + "1"]
    for k in range(12):
        pol = "CD"[k % 2]
        lines.append(
            f" S{k:03d} SZ IP     {pol}  0  0 10.0"
            + " " * 29
            + f"{40 + 5 * k:3d}           50.0 {30 * k:3d} "
        )
    (folder / "hyp.out").write_text("\n".join(lines) + "\n\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25, help="timed rounds (default 25)")
    rounds = max(1, parser.parse_args(argv).rounds)
    with tempfile.TemporaryDirectory() as tmp:
        write_event(Path(tmp))
        commands = {
            "numpy": [sys.executable, "-c", "import numpy"],
            "editable": [sys.executable, "-c", DROPIN],
            "installed": wheel_layout(Path(tmp)),
        }
        times = interleaved(commands, tmp, rounds)
    low = {name: min(t) for name, t in times.items()}
    mid = {name: statistics.median(t) for name, t in times.items()}
    print(f"{rounds} interleaved rounds after one warm-up; wall time min / median")
    labels = {
        "numpy": "python -c 'import numpy'",
        "editable": "pinv, editable install",
        "installed": "pinv, installed layout (no hook)",
    }
    for name, label in labels.items():
        line = f"{label:33s}: {low[name] * 1000:6.1f} / {mid[name] * 1000:6.1f} ms"
        if name != "numpy":
            line += (
                f"  ratio min {low[name] / low['numpy']:4.2f}"
                f", median {mid[name] / mid['numpy']:4.2f}"
            )
        if name == "installed":
            line += "  (target <= 1.5)"
        print(line)


if __name__ == "__main__":
    main()
