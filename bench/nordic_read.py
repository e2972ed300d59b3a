"""Read SEISAN's TEST_ database with seisfoc.io.nordic and with ObsPy in the same run.

Both readers open and parse every S-file of the database; seisfoc also takes the
polarity readings (station, polarity, AIN, CAZ) out of every event, which is what PINV
needs. Prints the command line, both times per pass, events per second and the ratio.

    python bench/nordic_read.py [--database ../shared/reference/sfiles/TEST_]
                                [--seconds 3] [--obspy-passes 3]
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
import warnings
from pathlib import Path

from seisfoc.io import nordic

DEFAULT_DB = Path(__file__).resolve().parents[2] / "shared" / "reference" / "sfiles" / "TEST_"


def seisfoc_pass(paths: list[str]) -> int:
    n = 0
    readings = []
    for path in paths:
        ev = nordic.read_sfile(path)
        readings.append(
            [(p.station, p.polarity, p.ain_deg, p.caz_deg) for p in ev.phases if p.polarity]
        )
        n += 1
    return n


def obspy_pass(paths: list[str]) -> int:
    from obspy.io.nordic.core import read_nordic

    n = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            n += len(read_nordic(path))
    return n


def timed(fn, paths, min_seconds: float, min_passes: int) -> tuple[float, int]:
    """Seconds per pass (best of the passes run) and events per pass."""
    best = float("inf")
    passes = 0
    start = time.perf_counter()
    events = 0
    while passes < min_passes or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        events = fn(paths)
        best = min(best, time.perf_counter() - t0)
        passes += 1
    return best, events


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--database",
        type=Path,
        default=DEFAULT_DB,
        help="the BASE folder (YYYY/MM/*.S*) of a SEISAN database",
    )
    ap.add_argument("--seconds", type=float, default=3.0, help="minimum time per reader")
    ap.add_argument("--obspy-passes", type=int, default=3)
    args = ap.parse_args(argv)
    print("command:", " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv]))
    if not args.database.is_dir():
        print(f"no database at {args.database}", file=sys.stderr)
        return 1
    paths = list(nordic.iter_database(args.database))
    print(f"database: {args.database} ({len(paths)} S-files)")
    t_s, n_s = timed(seisfoc_pass, paths, args.seconds, 5)
    t_o, n_o = timed(obspy_pass, paths, 0.0, args.obspy_passes)
    print(
        f"seisfoc.io.nordic: {t_s * 1e3:9.2f} ms per pass, {n_s / t_s:10.0f} events/s "
        "(read + polarity readings)"
    )
    print(f"obspy read_nordic: {t_o * 1e3:9.2f} ms per pass, {n_o / t_o:10.0f} events/s")
    print(f"ratio obspy/seisfoc: {t_o / t_s:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
