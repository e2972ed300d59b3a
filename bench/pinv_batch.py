"""Events per second of ``seisfoc pinv`` over a database of >= 10,000 events, one core.

The database is made by copying the reference events (hyp.out files of
../shared/reference/pinv, with 1-13 polarities) into a temporary REA/<BASE> tree; the
timing includes reading and parsing every S-file, selecting polarities and solving
(modern mode). Target: >= 5,000 events/s.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

REF = Path(__file__).resolve().parents[2] / "shared" / "reference"


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


def main(n_events: int = 10_000, mode: str = "modern") -> None:
    from pinv import program
    from seisfoc import nordic

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "REA" / "BENCH"
        n = build(root, n_events)
        t0 = time.perf_counter()
        solved = 0
        for _path, ev in nordic.read_database(root):
            if isinstance(ev, Exception):
                continue
            r = program.solve_event(ev, mode=mode)
            solved += r.solution is not None
        dt = time.perf_counter() - t0
        shutil.rmtree(root)
    print(
        f"{n} events ({solved} solved, mode {mode}) in {dt:.2f} s: {n / dt:,.0f} events/s "
        "(target >= 5,000)"
    )


if __name__ == "__main__":
    main(mode=sys.argv[1] if len(sys.argv) > 1 else "modern")
