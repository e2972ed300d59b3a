"""Events per hour of ``seisfoc cmt batch`` on this machine: serial, and on a local Dask
cluster with 1 and 2 workers; per-task costs; what a catalogue of 10,000 events costs.

    python bench/cmt_scale.py [--events 4] [--stations 30] [--no-report] [--keep DIR]

A demo catalogue (``seisfoc.cmt.demo.make_demo_catalogue``: noise-free synthetic events,
the demo's GSN stations, three Gauss-Newton iterations) is made once; each scheduler then
runs the whole batch into a fresh output folder (nothing reused). Per-task costs come
from the events' logs (``work/run.log``: the seconds of every simulation, processing and
windowing) and summaries (``timings_s``). The estimate for N workers is

    T(10,000) = 10,000 * (n_sim * t_sim + t_rest) / N

with ``n_sim`` simulations per event (ten per linearisation plus the final reference run),
``t_sim`` the cost of one (measured for the embedded engine; given by ``--solver-cost``
for an external solver, e.g. a SPECFEM3D_GLOBE run) and ``t_rest`` the event's other
stages (processing, windows, inversion, report), assuming the workers stay busy (events
>> workers) and the file system keeps up.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")


def per_task_costs(out: Path) -> dict[str, float]:
    from seisfoc.cmt.markers import log_path

    sims, process, window, events = [], [], [], []
    rest = []
    for event in sorted(p for p in out.iterdir() if (p / "work").is_dir()):
        n_sim = 0
        for line in log_path(event / "work").read_text().splitlines():
            parts = line.split()
            if len(parts) < 5 or not parts[4].endswith("s"):
                continue
            seconds = float(parts[4][:-1])
            if parts[2] == "simulated":
                sims.append(seconds)
                n_sim += 1
            elif parts[2] == "ran" and "-process" in parts[3]:
                process.append(seconds)
            elif parts[2] == "ran" and parts[3].endswith("-window"):
                window.append(seconds)
        summary = json.loads((event / "work" / "inversion.json").read_text())
        t = summary.get("timings_s", {})
        rest.append(sum(v for k, v in t.items() if k not in ("simulate",)))
        events.append(n_sim)
    return {
        "simulations_per_event": statistics.mean(events),
        "t_sim_median_s": statistics.median(sims),
        "t_sim_mean_s": statistics.mean(sims),
        "t_process_mean_s": statistics.mean(process),
        "t_window_mean_s": statistics.mean(window) if window else 0.0,
        "t_rest_per_event_s": statistics.mean(rest),
    }


def run(cat: dict, out: Path, scheduler: str, report: bool) -> float:
    from seisfoc.cmt.catalog import run_batch

    if out.exists():
        shutil.rmtree(out)
    t = time.perf_counter()
    rows, _ = run_batch(cat["cmt"], cat["data"], out, scheduler=scheduler, progress=False,
                        report=report, figures=report)  # fmt: skip
    seconds = time.perf_counter() - t
    bad = [r["event"] for r in rows if r["status"] != "ok"]
    if bad:
        raise SystemExit(f"events failed: {bad}")
    return seconds


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=4)
    p.add_argument("--stations", type=int, default=30)
    p.add_argument("--no-report", action="store_true", help="no result/ folders or figures")
    p.add_argument("--solver-cost", type=float, default=3600.0,
                   help="wall seconds of one external simulation for the estimate (default "
                   "3600: a SPECFEM3D_GLOBE run of one node-hour)")  # fmt: skip
    p.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    p.add_argument("--keep", type=Path, default=None, help="work folder to keep")
    args = p.parse_args(argv)
    from seisfoc.cmt.demo import make_demo_catalogue

    work = args.keep or Path(tempfile.mkdtemp(prefix="seisfoc-cmt-scale-"))
    report = not args.no_report
    try:
        cmt_dir, data_root, _ = make_demo_catalogue(work / "catalogue", args.events,
                                                    n_stations=args.stations)  # fmt: skip
        cat = {"cmt": cmt_dir, "data": data_root}
        # warm the numba cache and the imports once (not timed)
        run(cat, work / "warm", "serial", False)
        results = {}
        t = run(cat, work / "serial", "serial", report)
        results["serial"] = t
        costs = per_task_costs(work / "serial")
        for n in args.workers:
            results[f"dask local:{n}"] = run(cat, work / f"local{n}", f"local:{n}", report)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{args.events} demo events, {args.stations} stations, report "
          f"{'on' if report else 'off'}, {os.cpu_count()} CPUs (shared)")  # fmt: skip
    print(f"{'scheduler':<14}{'wall s':>9}{'events/hour':>13}")
    for name, seconds in results.items():
        print(f"{name:<14}{seconds:>9.1f}{3600 * args.events / seconds:>13.0f}")
    print("\nper-task costs (serial run)")
    for k, v in costs.items():
        print(f"  {k:<24}{v:>10.3f}")
    n_sim, t_sim, t_rest = (costs["simulations_per_event"], costs["t_sim_mean_s"],
                            costs["t_rest_per_event_s"])  # fmt: skip
    print(f"\n10,000 events: T = 10,000 x ({n_sim:.0f} x t_sim + {t_rest:.2f} s) / N")
    print(f"{'N workers':>10}{'embedded (h)':>14}{f'external {args.solver_cost:g} s (h)':>24}")
    for n in (1, 2, 16, 64, 256):
        emb = 10000 * (n_sim * t_sim + t_rest) / n / 3600
        ext = 10000 * (n_sim * args.solver_cost + t_rest) / n / 3600
        print(f"{n:>10}{emb:>14.2f}{ext:>24.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
