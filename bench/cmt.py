"""Time the CMT workflow on a 30-station event: the inversion step and the whole pipeline.

The event is the demo's (``seisfoc.cmt.demo``: Mw 6.8 Japan Trench thrust, 30 GSN
stations, 5 % band-limited noise, seed 1) with one period band (the default surface-wave
band, 100-200 s, FLEXWIN criteria) so that about 80 windows are measured, and all nine
parameters inverted. The simulations (ten instaseis runs) and the "observed" data are made
before the clock starts.

Timed, on one core (BLAS threads set to 1), ``--repeat`` times (best and median printed):

* **inversion step**: from processed traces and windows in memory, the per-window normal
  equations (``measure``, which also measures each window's cross-correlation, time shift
  and energies), the weights (``weight``) and the solve with the zero-trace constraint
  (``invert``), also split into its parts; and, in the same run, a plain NumPy/SciPy
  implementation of
  the same normal equations (a loop over windows: Tukey taper, derivative rows from the
  run synthetics, A_w = dt D D^T, b_w = dt D r, the same weights, the scaled bordered
  system solved by ``scipy.linalg.solve``), whose update must agree to 1e-8; the ratio is
  printed. The bootstrap (200 draws) is timed separately.
* **whole pipeline**: read 11 data sets (the observed SAC files and the ten runs' outputs),
  process them, pick the windows, measure, weight, invert (with the bootstrap), as
  ``seisfoc cmt process``, ``window`` and ``invert`` do in one process (files written at
  each stage boundary included).

Targets: inversion step <= 0.05 s (pycmt3d: 0.19 s), whole pipeline <= 9 s (pycmt3d's
stack with pyflex: 27.5 s).

    python bench/cmt.py [--repeat R] [--keep DIR]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

TARGET_INVERSION_S = 0.05
TARGET_PIPELINE_S = 9.0


def bench_config(cfg):
    """The demo configuration with its first band only (surface waves, 100-200 s): about
    80 windows on the 30 stations."""
    return replace(cfg, bands=(cfg.bands[0],))


def build(root: Path):
    from seisfoc.cmt import pipeline
    from seisfoc.cmt.config import load_config, write_default
    from seisfoc.cmt.demo import make_demo_event

    layout, _ = make_demo_event(root, noise=0.05, seed=1)
    write_default(layout.config, bench_config(load_config(layout.config)), overwrite=True)
    cfg = load_config(layout.config)
    pipeline.stage_prepare(layout, cfg, 0)
    pipeline.stage_simulate(layout, cfg, 0)
    return layout, cfg


def plain_normal_equations(processed, windows, stencils, weights, cfg, cmt):
    """The same weighted, scaled, zero-trace normal equations in plain NumPy/SciPy."""
    import scipy.linalg
    from scipy.signal.windows import tukey
    from seisfoc.cmt.invert import parameter_scale, parameter_values
    from seisfoc.cmt.records import COMPONENTS, PARAMETERS

    names = PARAMETERS[: cfg.invert.n_parameters]
    n = len(names)
    a = np.zeros((n, n))
    b = np.zeros(n)
    for k, w in enumerate(windows):
        band = processed[w.band]
        obs, syn = band.obs, band.syn
        i = obs.codes.index(w.code)
        c = COMPONENTS.index(w.component)
        i0 = int(np.ceil((w.start_s - obs.t0_s) / obs.dt_s - 1e-6))
        i1 = int(np.floor((w.end_s - obs.t0_s) / obs.dt_s + 1e-6))
        sl = slice(i0, i1 + 1)
        taper = tukey(i1 - i0 + 1, cfg.invert.taper_alpha)
        ref = syn["CMT"].data[i, c, sl]
        rows = []
        for p in names:
            s = stencils[p]
            minus = 0.0 if s.minus_run is None else syn[s.minus_run].data[i, c, sl]
            rows.append((syn[s.plus_run].data[i, c, sl] - minus) / s.step)
        d = np.array(rows) * taper
        r = (obs.data[i, c, sl] - ref) * taper
        a += weights[k] * obs.dt_s * (d @ d.T)
        b += weights[k] * obs.dt_s * (d @ r)
    scale = parameter_scale(cmt, names)
    current = parameter_values(cmt, names)
    a_s = a * np.outer(scale, scale)
    b_s = b * scale
    kkt = np.zeros((n + 1, n + 1))
    kkt[:n, :n] = a_s
    kkt[:n, n] = kkt[n, :n] = [1.0, 1.0, 1.0] + [0.0] * (n - 3)
    rhs = np.concatenate([b_s, [-(current[:3] / scale[:3]).sum()]])
    return scipy.linalg.solve(kkt, rhs, assume_a="sym")[:n] * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="build the event here")
    args = parser.parse_args()

    from seisfoc.cmt import invert, pipeline, weight

    with tempfile.TemporaryDirectory(prefix="seisfoc-bench-cmt-") as tmp:
        root = args.keep if args.keep is not None else Path(tmp) / "event"
        t = time.perf_counter()
        layout, cfg = build(root)
        setup_s = time.perf_counter() - t

        def whole_pipeline():
            processed = pipeline.stage_process(layout, cfg, 0)
            selection = pipeline.stage_window(layout, cfg, processed, 0)
            step = pipeline.stage_invert(layout, cfg, 0, processed, selection)
            invert.bootstrap(step.measurements, step.weights, cfg, step.cmt)
            return processed, selection, step

        processed, selection, step = whole_pipeline()  # warm-up (imports, caches)
        stencils = pipeline._stencils(layout, cfg, 0)
        cmt = step.cmt

        def ours():
            meas = pipeline.measure_windows(processed, selection.windows, stencils, cfg)
            w = weight.window_weights(meas, cfg)
            return meas, w, invert.solve(meas, w, cfg, cmt)

        meas, w, solution = ours()
        reference = plain_normal_equations(processed, meas.windows, stencils, w, cfg, cmt)
        scale = invert.parameter_scale(cmt, meas.parameters)
        agree = float(np.max(np.abs((solution.update - reference) / scale)))

        def measure_only():
            return pipeline.measure_windows(processed, selection.windows, stencils, cfg)

        def weight_and_solve():
            return invert.solve(meas, weight.window_weights(meas, cfg), cfg, cmt)

        def plain():
            return plain_normal_equations(processed, meas.windows, stencils, w, cfg, cmt)

        def boot():
            return invert.bootstrap(meas, w, cfg, cmt)

        rows = []
        for label, fn in (("inversion step (measure+weight+solve)", ours),
                          ("plain NumPy/SciPy normal equations", plain),
                          ("  of ours: measure (A_w, b_w, cc, dlnA)", measure_only),
                          ("  of ours: weight + solve", weight_and_solve),
                          (f"bootstrap ({cfg.invert.bootstrap_draws} draws)", boot),
                          ("whole pipeline (read 11 sets .. invert)", whole_pipeline)):  # fmt: skip
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
            rows.append((label, min(times), statistics.median(times)))
    print(
        f"event: 30 stations, {meas.n_windows} windows, {len(meas.parameters)} parameters, "
        f"zero-trace constraint; set-up (data + 10 instaseis runs) {setup_s:.1f} s"
    )
    print(f"updates of ours and the plain implementation agree to {agree:.1e} (scaled units)")
    print(f"{'':<42}{'best s':>9}{'median s':>10}")
    for label, best, median in rows:
        print(f"{label:<42}{best:>9.4f}{median:>10.4f}")
    ratio = rows[1][1] / rows[0][1]
    print(f"plain / ours (best): {ratio:.2f}")
    print(
        f"targets: inversion step <= {TARGET_INVERSION_S} s: "
        f"{'met' if rows[0][1] <= TARGET_INVERSION_S else 'NOT met'}; whole pipeline <= "
        f"{TARGET_PIPELINE_S} s: {'met' if rows[-1][1] <= TARGET_PIPELINE_S else 'NOT met'}"
    )
    if agree > 1e-8:
        raise SystemExit("the two implementations disagree")


if __name__ == "__main__":
    main()
