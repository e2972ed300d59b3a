"""Wall time of the drop-in ``pinv`` on one event next to ``python -c "import numpy"``.

Both are measured in the same run (best of N after one warm-up), so the ratio does not
depend on the machine. Target: pinv <= 1.5 x the numpy floor.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REF = Path(__file__).resolve().parents[2] / "shared" / "reference"
EVENT = REF / "pinv" / "22-0141-06L.S199508" / "hyp" / "hyp.out"
DROPIN = "import sys; from pinv.dropin import main; sys.exit(main())"


def best(cmd, cwd, n):
    times = []
    for _ in range(n + 1):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return min(times[1:])


def wheel_layout(tmp: Path) -> list[str] | None:
    """A copy of the packages with the built extension inside, as a wheel installs them,
    run with ``python -S`` and numpy's site-packages on sys.path: the editable install's
    import hook (it runs a rebuild check on every import) is then out of the picture."""
    import numpy
    import seisfoc._kernels as kernels

    repo = Path(__file__).resolve().parents[1]
    site = tmp / "site"
    for pkg in ("seisfoc", "pinv"):
        shutil.copytree(repo / pkg, site / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(kernels.__file__, site / "seisfoc")
    numpy_site = str(Path(numpy.__file__).resolve().parents[1])
    code = f"import sys; sys.path[:0] = [{str(site)!r}, {numpy_site!r}]; " + DROPIN[11:]
    return [sys.executable, "-S", "-c", "import sys; " + code]


def main(n: int = 7) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if EVENT.exists():
            shutil.copyfile(EVENT, Path(tmp) / "hyp.out")
        else:  # a small synthetic event when the reference data are absent
            lines = [" 2000  1 1 0000  0.0 L  60.000   5.000 10.0  TES  1 0.1" + " " * 25 + "1"]
            for k in range(12):
                pol = "CD"[k % 2]
                lines.append(
                    f" S{k:03d} SZ IP     {pol}  0  0 10.0"
                    + " " * 29
                    + f"{40 + 5 * k:3d}           50.0 {30 * k:3d} "
                )
            (Path(tmp) / "hyp.out").write_text("\n".join(lines) + "\n\n")
        floor = best([sys.executable, "-c", "import numpy"], tmp, n)
        pinv = best([sys.executable, "-c", DROPIN], tmp, n)
        wheel = best(wheel_layout(Path(tmp)), tmp, n)
    print(f"python -c 'import numpy'          : {floor * 1000:7.1f} ms")
    print(f"pinv, editable install            : {pinv * 1000:7.1f} ms  ratio {pinv / floor:5.2f}")
    print(
        f"pinv, installed layout (no hook)  : {wheel * 1000:7.1f} ms  ratio {wheel / floor:5.2f}"
        "  (target <= 1.5)"
    )


if __name__ == "__main__":
    main()
