"""One event through every stage of the CMT workflow, with Gauss-Newton iterations.

Each stage is a function ``stage_<name>(layout, cfg, iteration, ...)`` that reads its
inputs from the event folder (or takes the records the stage before returned), writes its
outputs at the paths of :class:`~seisfoc.cmt.layout.EventLayout` and returns plain records,
so that a scheduler can later run stages and simulations as separate tasks:

=============  ==================================================  ===========================
stage          reads                                               writes
=============  ==================================================  ===========================
prepare        CMTSOLUTION (iteration 0) or work/iter_NN/           <sims>/<run>/DATA/
               CMTSOLUTION (the CMT the previous step reached),
               STATIONS
simulate       <sims>/<run>/DATA                                   <sims>/<run>/OUTPUT_FILES
process        data/, stations/, <sims>/<run>/OUTPUT_FILES          work/[iter_NN/]processed/
window         processed traces of the iteration the windows are   work/windows.json
               picked on                                           (work/iter_NN/windows.json)
measure        processed traces, windows, run CMTSOLUTIONs         (records: A_w, b_w, ...)
weight         the measurements                                    (records: window weights)
invert         processed traces, windows                           work/inversion.json,
               (measure + weight + solve)                          work/iter_NN/CMTSOLUTION
report         all of the above                                    result/
=============  ==================================================  ===========================

``<sims>`` is ``CMT_SIMs`` for iteration 0 and ``work/iter_NN/CMT_SIMs`` after.

The Gauss-Newton loop (:func:`run_event`): linearise about the current CMT (ten runs),
solve, move to the new CMT; when the step is larger than ``[invert] tolerance`` (moment
tensor change relative to its norm, centroid shift in units of 100 km) and fewer than
``max_iterations`` steps were taken, simulate the ten runs again about the new CMT and
repeat. Windows are picked once, on the observed data and the synthetics of the start
(the first linearisation), and kept for every iteration, so that the misfits of all
iterations are measured on the same data; ``reselect_windows=True`` picks them again on
each iteration's reference synthetics instead.

Time base: the traces of every iteration are processed about the centroid time of the
first linearisation (``seisfoc.cmt.process``), so that the windows, the start synthetics
and the variance reductions share one time axis also when the centroid time shift is
inverted (``n_parameters`` 10, 11) and the centroid time moves between iterations.

Variance reduction is ``1 - sum_w W_w chi_w(new) / sum_w W_w chi_w(start)`` with
``chi_w = sum (taper (obs - syn))^2 / sum (taper obs)^2`` over the windows and the weights
``W_w`` of the last inversion, against the *start* synthetics: "linear" predicts the new
synthetics from the Jacobian, "real" uses new synthetics of the final CMT (one more
reference run in ``work/iter_NN/CMT_SIMs/CMT``).
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from seisfoc.errors import SeisfocError
from seisfoc.fileio import write_atomic
from seisfoc.io.cmtsolution import CMTSolution, format_cmtsolution

from .config import Config, load_config, write_default
from .layout import EventLayout
from .records import ALL_PARAMETERS, COMPONENTS, Rejection, Window, WindowSelection

__all__ = [
    "EventResult",
    "IterationResult",
    "init_event",
    "load_event",
    "stage_prepare",
    "stage_simulate",
    "stage_process",
    "load_processed",
    "stage_window",
    "load_windows",
    "stage_measure",
    "stage_weight",
    "stage_invert",
    "invert_once",
    "stage_vr",
    "run_event",
    "report_from_files",
    "selection_summary",
    "STAGE_NAMES",
]

STAGE_NAMES = ("prepare", "simulate", "process", "window", "measure", "weight", "invert", "report")


# ----------------------------------------------------------------------------- records


@dataclass
class IterationResult:
    """One linearised step: about ``cmt`` to ``new_cmt``."""

    iteration: int
    cmt: CMTSolution
    new_cmt: CMTSolution
    parameters: tuple[str, ...]
    update: np.ndarray  # new - old, parameter units (dyne-cm, km, deg)
    n_windows: int
    vr_linear: float  # linearised prediction of new_cmt, against the start synthetics
    vr_real: float = float("nan")  # new synthetics of new_cmt (when they were made)
    vr_step_linear: float = float("nan")  # against this iteration's own reference
    converged: bool = False
    resimulated: bool = False  # were the ten runs made again about new_cmt
    notes: list[str] = field(default_factory=list)

    @property
    def moment_change(self) -> float:
        from .invert import moment_change

        return moment_change(self.cmt, self.new_cmt)

    @property
    def epicentre_change_km(self) -> float:
        from .invert import epicentre_shift_km

        return epicentre_shift_km(self.cmt, self.new_cmt)

    @property
    def depth_change_km(self) -> float:
        return self.new_cmt.centroid_depth_km - self.cmt.centroid_depth_km

    def summary(self) -> dict[str, Any]:
        return {
            "iteration": self.iteration,
            "cmt": _cmt_numbers(self.cmt),
            "new_cmt": _cmt_numbers(self.new_cmt),
            "update": dict(zip(self.parameters, self.update.tolist(), strict=True)),
            "n_windows": self.n_windows,
            "vr_linear": self.vr_linear,
            "vr_real": self.vr_real,
            "vr_step_linear": self.vr_step_linear,
            "moment_change": self.moment_change,
            "epicentre_change_km": self.epicentre_change_km,
            "depth_change_km": self.depth_change_km,
            "converged": self.converged,
            "resimulated": self.resimulated,
            "notes": list(self.notes),
        }

    def text(self) -> str:
        u = ", ".join(
            f"{p} {v:+.4g}" for p, v in zip(self.parameters, self.update.tolist(), strict=True)
        )
        return (
            f"iteration {self.iteration}: {self.n_windows} windows, VR linear "
            f"{self.vr_linear:.4f}; moment change {100 * self.moment_change:.2f} %, "
            f"epicentre {self.epicentre_change_km:.2f} km, depth "
            f"{self.depth_change_km:+.2f} km\n  update: {u}"
        )


@dataclass
class EventResult:
    """Everything one run of the pipeline found (see :func:`build_summary`)."""

    status: str  # "ok" or "insufficient_data"
    start: CMTSolution
    final: CMTSolution
    iterations: list[IterationResult]
    selection: WindowSelection
    summary: dict[str, Any]
    timings_s: dict[str, float]
    report_files: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        from .report import format_report

        return format_report(self.summary)


# ----------------------------------------------------------------------------- geometry


def _cmt_numbers(cmt: CMTSolution) -> dict[str, Any]:
    from .report import cmt_summary

    return cmt_summary(cmt)


# ----------------------------------------------------------------------------- set-up


def init_event(event_dir: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write the documented default configuration into ``event_dir`` (created if needed)."""
    layout = EventLayout(Path(event_dir))
    return write_default(layout.config, overwrite=overwrite)


def load_event(event_dir: str | os.PathLike) -> tuple[EventLayout, Config]:
    """The layout and the validated configuration of an event folder."""
    root = Path(event_dir)
    if not root.is_dir():
        raise SeisfocError("event folder does not exist", root)
    layout = EventLayout(root)
    return layout, load_config(layout.config)


def _iteration_dir(layout: EventLayout, iteration: int) -> Path:
    return layout.work / f"iter_{iteration:02d}"


def linearisation_cmt_path(layout: EventLayout, cfg: Config, iteration: int) -> Path:
    """The CMT a linearisation is made about: the start (``[event] cmtsolution``) for
    iteration 0, ``work/iter_NN/CMTSOLUTION`` (written by the step before) after."""
    if iteration == 0:
        return Path(cfg.event.cmtsolution)
    return _iteration_dir(layout, iteration) / "CMTSOLUTION"


def read_one_cmt(path: Path) -> CMTSolution:
    from seisfoc.io.cmtsolution import read_cmtsolution

    if not path.is_file():
        raise SeisfocError("CMTSOLUTION not found (run the stage before)", path)
    solutions = read_cmtsolution(path)
    if len(solutions) != 1:
        raise SeisfocError(f"expected one solution, found {len(solutions)}", path)
    return solutions[0]


def windows_path(layout: EventLayout, iteration: int) -> Path:
    """``work/windows.json`` (windows picked on the first linearisation) or, when
    reselected, ``work/iter_NN/windows.json``."""
    return layout.windows if iteration == 0 else _iteration_dir(layout, iteration) / "windows.json"


# ----------------------------------------------------------------------------- stages


def stage_prepare(
    layout: EventLayout,
    cfg: Config,
    iteration: int = 0,
    cmt: CMTSolution | None = None,
    runs: Sequence[str] | None = None,
) -> dict[str, CMTSolution]:
    """Write the run folders of one linearisation.

    Parameters
    ----------
    layout, cfg
        The event folder and its configuration.
    iteration
        0: ``CMT_SIMs``; N: ``work/iter_NN/CMT_SIMs``.
    cmt
        The CMT to linearise about (default: read from :func:`linearisation_cmt_path`).
    runs
        Only these runs (e.g. ``("CMT",)`` for the synthetics of a final CMT).

    Returns
    -------
    dict
        Run name to its CMTSolution.
    """
    from . import prepare
    from .simulate import read_stations_file

    if cmt is None:
        cmt = read_one_cmt(linearisation_cmt_path(layout, cfg, iteration))
    max_depth = None
    if cfg.engine.kind == "instaseis":
        from .database import check_source_depth, open_database

        _, info = open_database(cfg.engine.database)
        check_source_depth(info, cmt.centroid_depth_km, cmt.path)
        max_depth = info.max_depth_km
    all_runs = prepare.perturbations(cmt, cfg, max_depth_km=max_depth)
    # the derivatives this linearisation will need, checked before anything is simulated
    # (e.g. a half duration of 0 cannot be inverted)
    prepare.stencils(all_runs, cfg.invert.n_parameters)
    chosen = all_runs if runs is None else {r: all_runs[r] for r in runs}
    stations = read_stations_file(cfg.event.stations)
    prepare.write_runs(layout, iteration, chosen, stations)
    return chosen


def stage_simulate(
    layout: EventLayout,
    cfg: Config,
    iteration: int = 0,
    runs: Sequence[str] | None = None,
    progress: bool = False,
):
    """Synthetics of the runs of one linearisation (``simulate.simulate``); returns its
    :class:`~seisfoc.cmt.simulate.SimulationReport`."""
    from .simulate import simulate

    return simulate(
        layout,
        runs,
        engine=cfg.engine.kind,
        database=cfg.engine.database,
        command=cfg.engine.command,
        iteration=iteration,
        show_progress=progress,
    )


def stage_process(
    layout: EventLayout,
    cfg: Config,
    iteration: int = 0,
    runs: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Observed data and the runs' synthetics of one linearisation, processed per band and
    saved (``work/[iter_NN/]processed/<band>.npz``); band name to ``ProcessedBand``."""
    from .process import run_process

    return run_process(layout, cfg, iteration=iteration, runs=runs, observed=True, save=True)


def load_processed(layout: EventLayout, cfg: Config, iteration: int = 0) -> dict[str, Any]:
    """What :func:`stage_process` saved for ``iteration``."""
    from . import process

    out = {}
    for band in cfg.band_names:
        path = layout.processed(band, iteration)
        if not path.is_file():
            raise SeisfocError("processed traces not found (run the process stage)", path)
        out[band] = process.load_processed(path)
    return out


def _rejections(processed: Mapping[str, Any]) -> list[Rejection]:
    return [r for band in processed.values() for r in band.rejected]


def stage_window(
    layout: EventLayout,
    cfg: Config,
    processed: Mapping[str, Any],
    iteration: int = 0,
) -> WindowSelection:
    """Pick the windows of every band on the observed traces and the reference synthetics
    of ``processed`` (``window.window_event``); write them, with every rejected candidate
    and the traces the process stage left out, to :func:`windows_path`."""
    from . import window

    cmt = read_one_cmt(layout.run_cmtsolution("CMT", iteration))
    selection = window.window_event(
        dict(processed), cfg.bands, source_depth_km=cmt.centroid_depth_km
    )
    selection.rejected[:0] = _rejections(processed)
    window.save_windows(windows_path(layout, iteration), selection, {"iteration": iteration})
    return selection


def selection_summary(selection: WindowSelection) -> dict[str, Any]:
    """Windows and rejections as JSON-ready dictionaries."""
    from dataclasses import asdict

    return {
        "windows": [asdict(w) for w in selection.windows],
        "rejected": [asdict(r) for r in selection.rejected],
    }


def load_windows(layout: EventLayout, iteration: int = 0) -> WindowSelection:
    """The windows written by :func:`stage_window`."""
    from . import window

    path = windows_path(layout, iteration)
    if not path.is_file():
        raise SeisfocError("windows not found (run the window stage)", path)
    return window.load_windows(path)


# ----------------------------------------------------------------------------- invert


@dataclass
class InversionStep:
    """One linearised inversion: the measurements, weights and the solution."""

    iteration: int
    cmt: CMTSolution
    new_cmt: CMTSolution
    parameters: tuple[str, ...]
    update: np.ndarray
    measurements: Any  # measure.Measurements
    weights: np.ndarray
    solution: Any  # what invert.solve returned
    vr_step_linear: float

    def summary(self) -> dict[str, Any]:
        return {
            "iteration": self.iteration,
            "cmt": _cmt_numbers(self.cmt),
            "new_cmt": _cmt_numbers(self.new_cmt),
            "parameters": list(self.parameters),
            "update": dict(zip(self.parameters, self.update.tolist(), strict=True)),
            "n_windows": int(self.measurements.n_windows),
            "vr_linear": self.vr_step_linear,
            "moment_change": self.solution.moment_change,
            "epicentre_change_km": self.solution.epicentre_shift_km,
            "depth_change_km": self.new_cmt.centroid_depth_km - self.cmt.centroid_depth_km,
        }

    def text(self) -> str:
        s = self.summary()
        lines = [
            f"iteration {self.iteration}: {s['n_windows']} windows, VR (linearised, against "
            f"this iteration's synthetics) {self.vr_step_linear:.4f}",
            f"moment change {100 * s['moment_change']:.3f} %, epicentre "
            f"{s['epicentre_change_km']:.3f} km, depth {s['depth_change_km']:+.3f} km",
        ]
        lines += [f"  {p:<10} {v:+.6g}" for p, v in s["update"].items()]
        lines.append(format_cmtsolution(self.new_cmt).rstrip())
        return "\n".join(lines)


def _stencils(layout: EventLayout, cfg: Config, iteration: int):
    from . import prepare

    runs = prepare.read_runs(layout, iteration)
    return prepare.stencils(runs, cfg.invert.n_parameters)


def _by_band(processed: Mapping[str, Any], run: str | None = None):
    obs = {b: p.obs for b, p in processed.items()}
    if run is None:
        return obs, {b: p.syn for b, p in processed.items()}
    return obs, {b: {"CMT": p.syn[run]} for b, p in processed.items()}


def measure_windows(processed, windows, stencils, cfg: Config):
    """Normal equations of every window (``measure.measure_bands``: band order of the
    configuration, window order within a band kept)."""
    from .measure import measure_bands

    obs, syns = _by_band(processed)
    return measure_bands(obs, syns, windows, stencils, cfg)


def stage_measure(
    layout: EventLayout,
    cfg: Config,
    iteration: int,
    processed: Mapping[str, Any],
    windows: Sequence[Window],
):
    """Per-window normal equations A_w, b_w (and cross-correlation, time shift, energies)
    about the reference run of ``iteration``, with the derivative stencils read from its
    run CMTSOLUTIONs; a ``measure.Measurements`` record."""
    if not windows:
        raise SeisfocError("no measurement windows: nothing to invert (insufficient data)")
    return measure_windows(processed, windows, _stencils(layout, cfg, iteration), cfg)


def stage_weight(cfg: Config, measurements) -> np.ndarray:
    """The weight of every window (``weight.window_weights``: the ``[weight]`` preset)."""
    from . import weight

    return weight.window_weights(measurements, cfg)


def stage_invert(
    layout: EventLayout,
    cfg: Config,
    iteration: int,
    processed: Mapping[str, Any],
    selection: WindowSelection,
) -> InversionStep:
    """Measure every window, weight, solve one linearised step (:func:`stage_measure`,
    :func:`stage_weight`, ``invert.solve``); write the new CMT to
    ``work/iter_{N+1}/CMTSOLUTION`` (the next linearisation point)."""
    from . import invert

    cmt = read_one_cmt(layout.run_cmtsolution("CMT", iteration))
    meas = stage_measure(layout, cfg, iteration, processed, selection.windows)
    weights = stage_weight(cfg, meas)
    solution = invert.solve(meas, weights, cfg, cmt)
    update = np.asarray(solution.update, dtype=float)
    new_cmt = solution.new
    vr = solution.variance_reduction_linear
    step = InversionStep(iteration, cmt, new_cmt, meas.parameters, update, meas, weights,
                         solution, vr)  # fmt: skip
    out = _iteration_dir(layout, iteration + 1) / "CMTSOLUTION"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SeisfocError(f"cannot create the folder: {err.strerror}", out.parent) from None
    write_atomic(out, format_cmtsolution(new_cmt).encode("latin-1"))
    return step


def invert_once(layout: EventLayout, cfg: Config, iteration: int = 0) -> InversionStep:
    """``seisfoc cmt invert``: one step from the files of the stages before; writes
    ``work/inversion.json`` as a run of that one step (no new synthetics: no real VR), so
    that ``seisfoc cmt report`` can follow."""
    from . import invert

    processed = load_processed(layout, cfg, iteration)
    selection = load_windows(layout, 0)
    timings: dict[str, float] = {}
    with _timed(timings, "invert"):
        step = stage_invert(layout, cfg, iteration, processed, selection)
    start = read_one_cmt(Path(cfg.event.cmtsolution))
    it = IterationResult(
        iteration=iteration, cmt=step.cmt, new_cmt=step.new_cmt, parameters=step.parameters,
        update=step.update, n_windows=step.measurements.n_windows,
        vr_linear=step.vr_step_linear if iteration == 0 else float("nan"),
        vr_step_linear=step.vr_step_linear,
        converged=invert.converged(step.cmt, step.new_cmt, cfg.invert.tolerance),
    )  # fmt: skip
    summary = build_summary(
        layout, cfg, start, step.new_cmt, [it], [step], selection, timings, "ok", "", {}, False,
        first_iteration=iteration,
    )  # fmt: skip
    _write_inversion(layout, summary)
    return step


def window_chi(processed: Mapping[str, Any], measurements, weights, cfg: Config) -> np.ndarray:
    """Per-window chi of the reference synthetics ``CMT`` of ``processed`` in the windows of
    ``measurements`` (measured as the inversion measures them)."""
    from .invert import variance_reduction_from_synthetics

    obs, syn = _by_band(processed, "CMT")
    syn_ref = {band: runs["CMT"] for band, runs in syn.items()}
    return variance_reduction_from_synthetics(measurements, weights, obs, syn_ref, cfg)[1]


def stage_vr(
    processed_new: Mapping[str, Any],
    processed_start: Mapping[str, Any],
    measurements,
    weights: np.ndarray,
    cfg: Config,
) -> tuple[float, dict[str, dict[str, float]]]:
    """Variance reduction of the reference synthetics of ``processed_new`` against those
    of ``processed_start`` in the windows of ``measurements`` with ``weights``: overall,
    and per band and component."""
    chi_new = window_chi(processed_new, measurements, weights, cfg)
    chi_old = window_chi(processed_start, measurements, weights, cfg)
    overall = _vr(chi_old, chi_new, weights)
    by: dict[str, dict[str, float]] = {}
    bands = np.array([w.band for w in measurements.windows])
    comps = np.array([w.component for w in measurements.windows])
    for band in cfg.band_names:
        for comp in COMPONENTS:
            mask = (bands == band) & (comps == comp)
            if mask.any():
                by.setdefault(band, {})[comp] = _vr(chi_old[mask], chi_new[mask], weights[mask])
    return overall, by


def _vr(chi_before: np.ndarray, chi_after: np.ndarray, weights: np.ndarray) -> float:
    """``invert.variance_reduction``, NaN where the starting misfit is zero."""
    from seisfoc.errors import InversionError

    from .invert import variance_reduction

    try:
        return variance_reduction(chi_before, chi_after, weights)
    except InversionError:
        return float("nan")


# ----------------------------------------------------------------------------- the loop


@contextmanager
def _timed(timings: dict[str, float], name: str):
    t = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - t


class _Progress:
    """A tqdm bar over the stages (nothing when disabled)."""

    def __init__(self, enabled: bool, total: int):
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc="cmt", unit="stage", leave=False)

    def stage(self, text: str) -> None:
        if self.bar is not None:
            self.bar.set_description(text)

    def done(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_event(
    event_dir: str | os.PathLike,
    config: Config | None = None,
    *,
    progress: bool = True,
    reselect_windows: bool = False,
    report: bool = True,
    simulate_runs: SimulateRuns | None = None,
) -> EventResult:
    """Every stage of one event, with Gauss-Newton iterations, and the report.

    Every stage is an idempotent task with a done marker (:mod:`seisfoc.cmt.tasks`): a
    run that was killed resumes where it stopped, and a changed input or setting reruns
    only what depends on it; ``work/run.log`` lists what ran and what was reused.

    Parameters
    ----------
    event_dir
        The event folder (configuration, CMTSOLUTION, STATIONS, data/).
    config
        The configuration (default: read from the folder).
    progress
        Show a progress bar on stderr.
    reselect_windows
        Pick the windows again on every iteration's reference synthetics (default: once,
        on the first linearisation, and kept).
    report
        Write ``result/`` (CMTSOLUTION, summary.json, report.txt, QuakeML, figures).
    simulate_runs
        ``simulate_runs(layout, cfg, iteration, runs)`` makes the synthetics of those runs
        (default: one after the other here; :mod:`seisfoc.cmt.schedule` spreads them over
        Dask workers). Each run is :func:`seisfoc.cmt.tasks.simulate_task`.

    Returns
    -------
    EventResult
        ``status`` is ``"insufficient_data"`` (and the start is returned unchanged) when
        no window survives.
    """
    from . import invert, markers, tasks

    layout = EventLayout(Path(event_dir))
    cfg = config if config is not None else load_config(layout.config)
    simulate_runs = simulate_runs or simulate_serially
    all_runs = layout.runs(cfg.perturbation.differences == "centred")
    markers.log(layout.work, "start", "run_event")
    timings: dict[str, float] = {}
    start = read_one_cmt(Path(cfg.event.cmtsolution))
    n_max = cfg.invert.max_iterations
    bar = _Progress(progress, total=5 * n_max + 3)
    iterations: list[IterationResult] = []
    steps: list[InversionStep] = []
    selection = WindowSelection()
    processed0: Mapping[str, Any] = {}
    processed: Mapping[str, Any] = {}
    status, message = "ok", ""
    cmt = start
    k = 0
    try:
        while True:
            bar.stage(f"iteration {k}: prepare")
            with _timed(timings, "prepare"):
                tasks.prepare_task(layout, cfg, k)
            bar.done()
            bar.stage(f"iteration {k}: simulate")
            with _timed(timings, "simulate"):
                simulate_runs(layout, cfg, k, all_runs)
            bar.done()
            bar.stage(f"iteration {k}: process")
            with _timed(timings, "process"):
                processed, process_digest = tasks.process_task(layout, cfg, k)
            bar.done()
            if k == 0:
                processed0 = processed
            elif steps:  # this iteration's reference run: new synthetics of the last step
                with _timed(timings, "measure"):
                    iterations[-1].vr_real = stage_vr(
                        processed, processed0, steps[-1].measurements, steps[-1].weights, cfg
                    )[0]
            if k == 0 or reselect_windows:
                bar.stage(f"iteration {k}: window")
                with _timed(timings, "window"):
                    selection = tasks.window_task(layout, cfg, processed, process_digest, k)
            bar.done()
            if not selection.windows:
                status = "insufficient_data"
                message = "no measurement window survived the selection: nothing to invert"
                break
            bar.stage(f"iteration {k}: invert")
            with _timed(timings, "invert"):
                step = stage_invert(layout, cfg, k, processed, selection)
            bar.done()
            with _timed(timings, "measure"):
                if k == 0:
                    start_chi = step.measurements.chi
                else:
                    start_chi = window_chi(processed0, step.measurements, step.weights, cfg)
            vr_linear = _vr(start_chi, step.solution.chi_after_linear, step.weights)
            converged = invert.converged(step.cmt, step.new_cmt, cfg.invert.tolerance)
            iterations.append(
                IterationResult(
                    iteration=k, cmt=step.cmt, new_cmt=step.new_cmt,
                    parameters=step.parameters, update=step.update,
                    n_windows=step.measurements.n_windows, vr_linear=vr_linear,
                    vr_step_linear=step.vr_step_linear, converged=converged,
                    notes=list(step.measurements.notes),
                )
            )  # fmt: skip
            steps.append(step)
            cmt = step.new_cmt
            k += 1
            if converged or k >= n_max:
                break
            iterations[-1].resimulated = True
        by_band: dict[str, dict[str, float]] = {}
        final_processed: Mapping[str, Any] = {}
        if steps:
            # new synthetics of the final CMT: the reference run of iteration k
            bar.stage("final CMT: simulate")
            with _timed(timings, "simulate"):
                tasks.prepare_task(layout, cfg, k, runs=("CMT",))
                simulate_runs(layout, cfg, k, ("CMT",))
            with _timed(timings, "process"):
                final_processed, _ = tasks.process_task(layout, cfg, k, runs=("CMT",))
            with _timed(timings, "measure"):
                vr_real, by_band = stage_vr(
                    final_processed, processed0, steps[-1].measurements, steps[-1].weights, cfg
                )
            iterations[-1].vr_real = vr_real
        bar.done()
        summary = build_summary(
            layout, cfg, start, cmt, iterations, steps, selection, timings, status, message,
            by_band, reselect_windows,
        )  # fmt: skip
        _write_inversion(layout, summary)
        result = EventResult(status, start, cmt, iterations, selection, summary, timings)
        if report:
            bar.stage("report")
            with _timed(timings, "report"):
                result.report_files = write_result(
                    layout, result, processed0, final_processed, steps
                )
            summary["timings_s"] = dict(timings)  # now with the report's own time
            _write_inversion(layout, summary)
            _rewrite_summary(Path(result.report_files["summary"]), summary)
        bar.done()
    finally:
        bar.close()
    return result


#: ``simulate_runs(layout, cfg, iteration, runs)``: makes the synthetics of those runs
SimulateRuns = Callable[[EventLayout, Config, int, Sequence[str]], None]


def simulate_serially(
    layout: EventLayout, cfg: Config, iteration: int, runs: Sequence[str]
) -> None:
    """The simulations of ``runs``, one after the other (each an idempotent task)."""
    from .tasks import simulate_task

    for run in runs:
        simulate_task(layout, cfg, iteration, run)


# ----------------------------------------------------------------------------- summary


def _parameter_vector(cmt: CMTSolution) -> np.ndarray:
    from .report import parameter_values

    return parameter_values(cmt, ALL_PARAMETERS)


def bootstrap_samples(step: InversionStep, cfg: Config) -> np.ndarray:
    """Parameters (units of :data:`ALL_PARAMETERS`) of ``[invert] bootstrap_draws`` inversions
    of windows drawn with replacement (each window's A and b reused)."""
    from . import invert

    draws = invert.bootstrap(step.measurements, step.weights, cfg, step.cmt)
    return _parameter_vector(step.cmt)[: len(step.parameters)] + np.asarray(draws, float)


def build_summary(
    layout: EventLayout,
    cfg: Config,
    start: CMTSolution,
    final: CMTSolution,
    iterations: Sequence[IterationResult],
    steps: Sequence[InversionStep],
    selection: WindowSelection,
    timings: Mapping[str, float],
    status: str,
    message: str,
    vr_by_band: Mapping[str, Mapping[str, float]],
    reselect_windows: bool,
    *,
    first_iteration: int = 0,
) -> dict[str, Any]:
    """Every number of a run as a JSON-ready dictionary (``result/summary.json``)."""
    from dataclasses import asdict

    from . import invert
    from .report import cmt_summary

    parameters = ALL_PARAMETERS[: cfg.invert.n_parameters]
    change = _parameter_vector(final) - _parameter_vector(start)
    boot: dict[str, Any] = {"n": 0, "mean": {}, "std": {}}
    samples = None
    if steps and cfg.invert.bootstrap_draws > 0:
        samples = bootstrap_samples(steps[-1], cfg)
        boot = {
            "n": int(samples.shape[0]),
            "about": "last linearisation",
            "mean": dict(zip(parameters, samples.mean(axis=0).tolist(), strict=True)),
            "std": dict(zip(parameters, samples.std(axis=0, ddof=1).tolist(), strict=True)),
        }
        _save_bootstrap(layout, samples)
    last = iterations[-1] if iterations else None
    weights = steps[-1].weights if steps else np.zeros(0)
    windows = steps[-1].measurements.windows if steps else selection.windows
    window_rows = []
    for i, w in enumerate(windows):
        row = asdict(w)
        if steps:
            m = steps[-1].measurements
            row |= {"weight": float(weights[i]), "cc_max": float(m.cc_max[i]),
                    "cc_shift_s": float(m.cc_shift_s[i]), "dlna": float(m.dlna[i])}  # fmt: skip
        window_rows.append(row)
    vr_real = last.vr_real if last is not None else float("nan")
    return {
        "event": start.event_name,
        "event_dir": str(layout.root),
        "status": status,
        "message": message,
        "parameters": list(parameters),
        "start": cmt_summary(start),
        "final": cmt_summary(final),
        "update": dict(zip(parameters, change[: len(parameters)].tolist(), strict=True)),
        "moment_change": invert.moment_change(start, final),
        "epicentre_shift_km": invert.epicentre_shift_km(start, final),
        "depth_shift_km": final.centroid_depth_km - start.centroid_depth_km,
        "time_shift_change_s": final.time_shift_s - start.time_shift_s,
        "half_duration_change_s": final.half_duration_s - start.half_duration_s,
        "iterations": [it.summary() for it in iterations],
        "n_iterations": len(iterations),
        # the final CMT is the linearisation point of this iteration (work/iter_NN/)
        "final_iteration": first_iteration + len(iterations),
        "converged": bool(last.converged) if last is not None else False,
        "windows_reselected": reselect_windows,
        "vr": {
            "linear": last.vr_linear if last is not None else float("nan"),
            "real": vr_real,
            "about": "1 - sum W chi(final) / sum W chi(start) in the windows and weights of"
            " the last inversion; linear: Jacobian prediction, real: new synthetics",
            "by_band_component": vr_by_band,
        },
        "bootstrap": boot,
        "flags": invert.flags(start, final, vr_real if math.isfinite(vr_real) else None, cfg)
        if last is not None
        else [],
        "windows": window_rows,
        "rejected": [asdict(r) for r in selection.rejected],
        "qc": _qc_summary(layout),
        "timings_s": dict(timings),
        "config": str(cfg.path) if cfg.path is not None else None,
    }


def _qc_summary(layout: EventLayout) -> dict[str, Any]:
    """The quality control of the observed traces (``work/qc.json`` of the first
    linearisation, :mod:`seisfoc.cmt.qc`): every rejected trace with its reason, the
    repairs, and the count of rejected traces per reason (the trace checks of every band;
    window candidates are not counted here)."""
    from . import qc

    found = qc.load_findings(layout, 0)
    rejected = list(found.get("rejected", []))
    by_reason: dict[str, int] = {}
    for r in rejected:
        by_reason[r["reason"]] = by_reason.get(r["reason"], 0) + 1
    traces = {(r["code"], r["component"]) for r in rejected}
    return {
        "rejected": rejected,
        "repaired": list(found.get("repaired", [])),
        "notes": list(found.get("notes", [])),
        "n_rejected_traces": len(traces),
        "by_reason": dict(sorted(by_reason.items())),
    }


def _save_bootstrap(layout: EventLayout, samples: np.ndarray) -> None:
    import io

    buf = io.BytesIO()
    np.save(buf, samples)
    layout.work.mkdir(parents=True, exist_ok=True)
    write_atomic(layout.work / "bootstrap.npy", buf.getvalue())


def _rewrite_summary(path: Path, summary: Mapping[str, Any]) -> None:
    from .report import dumps_json

    write_atomic(path, dumps_json(summary).encode())


def _write_inversion(layout: EventLayout, summary: Mapping[str, Any]) -> None:
    from .report import dumps_json

    layout.work.mkdir(parents=True, exist_ok=True)
    write_atomic(layout.inversion, dumps_json(summary).encode())


def _figure_data(
    processed0: Mapping[str, Any],
    final_processed: Mapping[str, Any],
    windows: Sequence[Window],
    stations,
    samples: np.ndarray | None,
    parameters: Sequence[str],
):
    from .report import FigureData

    data = FigureData(windows=list(windows), stations=list(stations),
                      bootstrap_samples=samples, parameters=tuple(parameters))  # fmt: skip
    for band, p in processed0.items():
        if p.obs is None:
            continue
        data.observed[band] = p.obs
        data.start_synthetic[band] = p.syn["CMT"]
        if band in final_processed and "CMT" in final_processed[band].syn:
            data.final_synthetic[band] = final_processed[band].syn["CMT"]
    data.used_codes = {w.code for w in windows}
    return data


def write_result(layout, result: EventResult, processed0, final_processed, steps) -> dict:
    """``result/``: report files and figures of a finished run."""
    from .report import write_report
    from .simulate import read_stations_file

    cfg_stations = read_stations_file(layout.run_stations("CMT", 0))
    samples = _load_bootstrap(layout) if result.summary["bootstrap"]["n"] else None
    windows = steps[-1].measurements.windows if steps else result.selection.windows
    figures = _figure_data(processed0, final_processed, windows, cfg_stations, samples,
                           result.summary["parameters"])  # fmt: skip
    return write_report(layout.result, result.start, result.final, result.summary, figures)


def _load_bootstrap(layout: EventLayout) -> np.ndarray | None:
    path = layout.work / "bootstrap.npy"
    if not path.is_file():
        return None
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None


def report_from_files(layout: EventLayout, cfg: Config) -> dict[str, str]:
    """``seisfoc cmt report``: the report of a finished run, from ``work/``."""
    from .report import write_report
    from .simulate import read_stations_file

    try:
        summary = json.loads(layout.inversion.read_text())
    except FileNotFoundError:
        raise SeisfocError("no inversion yet (run `seisfoc cmt run`)", layout.inversion) from None
    except (OSError, ValueError) as err:
        raise SeisfocError(f"cannot read: {err}", layout.inversion) from None
    start = read_one_cmt(Path(cfg.event.cmtsolution))
    n = int(summary.get("final_iteration", summary.get("n_iterations", 0)))
    final = read_one_cmt(_iteration_dir(layout, n) / "CMTSOLUTION") if n else start
    processed0 = load_processed(layout, cfg, 0)
    try:  # new synthetics of the final CMT exist after `run`, not after `invert`
        final_processed = load_processed(layout, cfg, n) if n else {}
    except SeisfocError:
        final_processed = {}
    fields = Window.__dataclass_fields__
    windows = []
    for w in summary.get("windows", []):
        values: dict[str, Any] = {
            k: float("nan") if v is None else v for k, v in w.items() if k in fields
        }
        windows.append(Window(**values))
    stations = read_stations_file(layout.run_stations("CMT", 0))
    samples = _load_bootstrap(layout)
    parameters = summary.get("parameters", ALL_PARAMETERS[: cfg.invert.n_parameters])
    figures = _figure_data(processed0, final_processed, windows, stations, samples, parameters)
    return write_report(layout.result, start, final, summary, figures)
