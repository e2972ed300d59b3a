"""Events per second of ``seisfoc pinv`` over a database of >= 10,000 events, one core.

The database is made by copying the reference events (hyp.out files of
../shared/reference/pinv and ../shared/reference/synthetic, 1-40 polarities, 4-60 lines
each) into a temporary REA/<BASE> tree. The timed loop is what ``seisfoc pinv`` does over a
database: list the S-files, read and parse every one, select the polarities and solve, in
both modes (``modern`` and ``seisan``). Each mode is timed ``--repeat`` times over the whole
database (files re-read every time) and the best and median rates are printed; the best is
the one to compare with the target (>= 5,000 events/s), the spread shows how busy the
machine was.

    python bench/pinv_batch.py [--events N] [--repeat R] [--mode modern|seisan|both]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import shlex  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REF = Path(__file__).resolve().parents[2] / "shared" / "reference"
TARGET = 5_000


def build(root: Path, n_events: int) -> int:
    sources = sorted((REF / "pinv").glob("*/hyp/hyp.out")) + sorted(
        (REF / "synthetic").glob("*/hyp.out")
    )
    if not sources:
        sys.exit("bench/pinv_batch.py needs ../shared/reference")
    data = [p.read_bytes() for p in sources]
    count = 0
    for year in range(1990, 2100):
        for month in range(1, 13):
            folder = root / f"{year:04d}" / f"{month:02d}"
            folder.mkdir(parents=True)
            for k in range(100):
                day, minute = 1 + k // 24 % 28, k % 60
                name = f"{day:02d}-{k % 24:02d}{minute:02d}-00L.S{year:04d}{month:02d}"
                (folder / name).write_bytes(data[count % len(data)])
                count += 1
                if count >= n_events:
                    return count
    return count


def run_once(root: Path, mode: str) -> tuple[float, int, int]:
    """(seconds, events, solved) for one pass over the database."""
    from seisfoc.pinv import program

    from seisfoc.io import nordic

    t0 = time.perf_counter()
    events = solved = 0
    for _path, ev in nordic.read_database(root):
        events += 1
        if isinstance(ev, Exception):
            continue
        r = program.solve_event(ev, mode=mode)
        solved += r.solution is not None
    return time.perf_counter() - t0, events, solved


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=10_000, help="database size (>= 10,000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per mode")
    ap.add_argument("--mode", choices=("modern", "seisan", "both"), default="both")
    args = ap.parse_args(argv)
    modes = ("modern", "seisan") if args.mode == "both" else (args.mode,)

    print("command:", shlex.join([sys.executable, *sys.argv]))
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "REA" / "BENCH"
        n = build(root, args.events)
        run_once(root, "modern")  # warm-up: imports, kernel, file cache
        for mode in modes:
            times = []
            for _ in range(args.repeat):
                dt, events, solved = run_once(root, mode)
                times.append(dt)
            best, median = n / min(times), n / statistics.median(times)
            ok &= best >= TARGET
            print(
                f"{mode:>6}: {n} events ({events} read, {solved} solved), one core: "
                f"best {best:,.0f} events/s, median {median:,.0f} events/s "
                f"over {args.repeat} passes (target >= {TARGET:,})"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
