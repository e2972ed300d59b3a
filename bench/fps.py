"""Accuracy, grades, calibration and speed of ``seisfoc fps`` on synthetic events, beside
PINV and SKHASH (the USGS Python HASH) measured in the same run on the same readings.

Events: random mechanisms (uniform orientation), 5-40 polarities, rays with take-off
angles drawn uniformly in cos from 150 to 0 deg (mostly down-going, some up-going, as a
local network sees them) and uniform azimuths; the true polarity is the sign of the P
radiation at the true ray; the readings then get Gaussian take-off and azimuth errors of
sigma 0, 5 or 10 deg and a fraction 0, 5, 10 or 20 % of flipped polarities (the twelve
combinations in turn). Reported: median and 90th-percentile Kagan angle to the truth by
polarity band for PINV (modern), fps and SKHASH; fps's grades (median error per grade);
how often the stated 68 % radius holds the truth; events per second.

The column ``fps*`` is fps told each event's true take-off/azimuth error and flip rate
(an oracle no user has): the posterior then describes the data exactly, so its error is
about the least any estimator can reach on these readings, and its ratio to PINV shows
how much room the polarities leave for beating PINV at all.

SKHASH pins numpy<2, so it runs in its own virtual environment (``--skhash-venv``,
default /tmp/skhash-venv, made with ``python -m venv`` and ``pip install skhash`` when
missing) through its control file; without it the SKHASH columns say why.

    python bench/fps.py [--events 240] [--seed 1] [--trials 100] [--takeoff-range 0 150]
                        [--no-skhash]
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from seisfoc.fps.solve import Settings, solve

from seisfoc.errors import SeisfocError
from seisfoc.mechanism import kagan_angle, p_radiation, sdr_from_normal_slip
from seisfoc.polarity.pinv_solver import solve as pinv_solve

BANDS = ((5, 10), (11, 20), (21, 30), (31, 40))
SIGMAS = (0.0, 5.0, 10.0)
FLIPS = (0.0, 0.05, 0.10, 0.20)


def random_mechanism(rng) -> tuple[float, float, float]:
    """A uniformly oriented double couple: a random rotation's first two axes."""
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    r = np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )
    p = sdr_from_normal_slip(r[:, 0], r[:, 1])
    return float(p.strike), float(p.dip), float(p.rake)


def make_events(n_events: int, seed: int, takeoff_range=(0.0, 150.0)):
    lo, hi = takeoff_range
    rng = np.random.default_rng(seed)
    events = []
    for i in range(n_events):
        sdr = random_mechanism(rng)
        n = int(rng.integers(5, 41))
        cos_range = np.cos(np.radians(hi)), np.cos(np.radians(lo))
        takeoff = np.degrees(np.arccos(rng.uniform(*cos_range, n)))
        azimuth = rng.uniform(0.0, 360.0, n)
        amp = p_radiation(*sdr, takeoff, azimuth)
        pol = np.where(amp >= 0.0, 1.0, -1.0)
        sigma = SIGMAS[i % 3]
        flip = FLIPS[(i // 3) % 4]
        flipped = rng.random(n) < flip
        pol = np.where(flipped, -pol, pol)
        obs_t = takeoff + rng.normal(0.0, sigma, n) if sigma else takeoff.copy()
        obs_a = (azimuth + rng.normal(0.0, sigma, n)) % 360.0 if sigma else azimuth.copy()
        obs_t = np.clip(obs_t, 0.0, 180.0)
        events.append(
            dict(truth=sdr, pol=pol, takeoff=obs_t, azimuth=obs_a, sigma=sigma, flip=flip)
        )
    return events


def band_of(n: int) -> str:
    for lo, hi in BANDS:
        if lo <= n <= hi:
            return f"{lo}-{hi}"
    return "?"


# ------------------------------------------------------------------ SKHASH


def skhash_venv(path: str) -> tuple[str | None, str]:
    python = os.path.join(path, "bin", "python")
    if os.path.exists(python):
        ok = subprocess.run([python, "-c", "import SKHASH"], capture_output=True)
        if ok.returncode == 0:
            return python, ""
    try:
        subprocess.run([sys.executable, "-m", "venv", path], check=True, capture_output=True)
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "skhash"], check=True, capture_output=True
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        return None, f"cannot make the SKHASH venv at {path}: {exc}"
    return python, ""


def run_skhash(python: str, events, trials: int) -> tuple[dict[int, tuple], float, str]:
    """SKHASH's preferred mechanism per event index, its run time (s) and a message."""
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        with open(t / "pol.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["event_id", "network", "station", "location", "channel",
                        "p_polarity", "takeoff", "takeoff_uncertainty", "azimuth",
                        "azimuth_uncertainty", "sr_dist_km", "origin_latitude",
                        "origin_longitude", "origin_depth_km", "horz_uncert_km",
                        "vert_uncert_km"])  # fmt: skip
            for i, e in enumerate(events):
                for j in range(e["pol"].size):
                    w.writerow([i, "XX", f"S{j:03d}", "--", "HHZ", int(e["pol"][j]),
                                f"{e['takeoff'][j]:.3f}", 5.0, f"{e['azimuth'][j]:.3f}", 5.0,
                                10.0, 0.0, 0.0, 10.0, 0.0, 0.0])  # fmt: skip
        (t / "control.txt").write_text(
            "$input_format\nskhash\n"
            f"$fpfile\n{t / 'pol.csv'}\n"
            f"$outfile1\n{t / 'out.csv'}\n"
            "$compute_takeoff_azimuth\nFalse\n"
            "$flip_takeoff\nTrue\n"
            f"$nmc\n{trials}\n"
            "$npolmin\n5\n"
            "$delmax\n0\n"
            "$azmax\n0\n"
            "$max_agap\n360\n$max_pgap\n90\n"
            "$dang\n5\n"
        )
        t0 = time.perf_counter()
        done = subprocess.run(
            [python, "-m", "SKHASH.SKHASH", str(t / "control.txt")],
            capture_output=True,
            text=True,
            cwd=tmp,
        )
        elapsed = time.perf_counter() - t0
        if done.returncode != 0 or not (t / "out.csv").exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return {}, elapsed, "SKHASH failed: " + " | ".join(tail)
        out = {}
        with open(t / "out.csv") as f:
            for row in csv.DictReader(f):
                if row.get("strike", "").strip():
                    i = int(float(row["event_id"]))
                    if i not in out:  # the first (preferred) solution of the event
                        out[i] = (float(row["strike"]), float(row["dip"]), float(row["rake"]))
        return out, elapsed, ""


# ------------------------------------------------------------------ report


def stats(x) -> str:
    x = np.asarray([v for v in x if np.isfinite(v)])
    if not x.size:
        return "      -     -"
    return f"{np.median(x):6.1f} {np.percentile(x, 90):5.1f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=240)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument(
        "--takeoff-range",
        type=float,
        nargs=2,
        default=(0.0, 150.0),
        metavar=("LO", "HI"),
        help="take-off angles of the rays, uniform in cos between LO and HI deg",
    )
    ap.add_argument("--no-skhash", action="store_true")
    ap.add_argument("--skhash-venv", default="/tmp/skhash-venv")
    args = ap.parse_args(argv)

    events = make_events(args.events, args.seed, tuple(args.takeoff_range))
    settings = Settings(n_trials=args.trials, min_polarities=5)
    rows = []
    t0, c0 = time.perf_counter(), time.process_time()
    for e in events:
        r = solve(e["pol"], e["takeoff"], e["azimuth"], settings=settings)
        rows.append(r)
    t_fps, c_fps = time.perf_counter() - t0, time.process_time() - c0
    err_fps = [float(kagan_angle(e["truth"], r.answer)) for e, r in zip(events, rows, strict=True)]
    err_oracle = []
    for e in events:
        told = replace(
            settings,
            takeoff_sigma_deg=max(e["sigma"], 1.0),
            azimuth_sigma_deg=max(e["sigma"], 1.0),
            flip_rate=max(e["flip"], 0.005),
        )
        r = solve(e["pol"], e["takeoff"], e["azimuth"], settings=told)
        err_oracle.append(float(kagan_angle(e["truth"], r.answer)))
    err_pinv = []
    for e in events:
        try:
            err_pinv.append(
                float(
                    kagan_angle(
                        e["truth"], pinv_solve(e["pol"], e["takeoff"], e["azimuth"]).strike_dip_rake
                    )
                )
            )
        except SeisfocError:
            err_pinv.append(np.nan)
    err_sk = [np.nan] * len(events)
    sk_note, t_sk = "", float("nan")
    if args.no_skhash:
        sk_note = "SKHASH skipped (--no-skhash)"
    else:
        python, sk_note = skhash_venv(args.skhash_venv)
        if python:
            found, t_sk, sk_note = run_skhash(python, events, args.trials)
            for i, sdr in found.items():
                err_sk[i] = float(kagan_angle(events[i]["truth"], sdr))
            if not sk_note:
                sk_note = f"SKHASH solved {len(found)} of {len(events)} events"

    n_pol = [e["pol"].size for e in events]
    print(f"{len(events)} synthetic events, seed {args.seed}, {args.trials} trials, 5 deg grid")
    print("median / 90th percentile Kagan angle to the truth (deg)")
    columns = (err_pinv, err_fps, err_oracle, err_sk)
    print(
        f"{'polarities':>10s} {'events':>6s} {'PINV':>12s} {'fps':>12s} {'fps*':>12s} "
        f"{'SKHASH':>12s}"
    )
    for lo, hi in BANDS:
        sel = [i for i, n in enumerate(n_pol) if lo <= n <= hi]
        cells = " ".join(stats([v[i] for i in sel]) for v in columns)
        print(f"{f'{lo}-{hi}':>10s} {len(sel):6d} {cells}")
    print(f"{'all':>10s} {len(events):6d} " + " ".join(stats(v) for v in columns))
    med_p, med_f, med_o = (np.nanmedian(v) for v in (err_pinv, err_fps, err_oracle))
    print(f"fps / PINV median: {med_f / med_p:.2f} (target <= 0.6)")
    print(
        f"fps* / PINV median: {med_o / med_p:.2f} (fps* = fps told each event's true errors "
        "and flip rate: about the least error these readings allow)"
    )
    print(sk_note)
    print("fps grades: grade, events, median error, 90th percentile")
    for g in "ABCDF":
        sel = [err_fps[i] for i, r in enumerate(rows) if r.grade == g]
        print(f"  {g} {len(sel):4d} {stats(sel)}")
    inside = [err_fps[i] <= r.radius68_deg for i, r in enumerate(rows)]
    print(
        f"68 % radius holds the truth for {100 * np.mean(inside):.1f} % of events "
        "(target 60-75 %); "
        f"median radius {np.median([r.radius68_deg for r in rows]):.1f} deg"
    )
    n_mean = np.mean(n_pol)
    print(
        f"speed: fps {len(events) / c_fps:.1f} events per CPU second "
        f"({len(events) / t_fps:.1f} per wall-clock second; mean {n_mean:.0f} polarities)"
        + (
            f", SKHASH {len(events) / t_sk:.1f} events/s (its own process, startup included)"
            if np.isfinite(t_sk)
            else ""
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
