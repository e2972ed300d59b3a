"""The stages of one event as idempotent tasks with done markers (:mod:`seisfoc.cmt.markers`).

Each task computes the digest of everything it reads, skips its work when a marker with
that digest exists and its outputs are there, and otherwise runs the stage function of
:mod:`seisfoc.cmt.pipeline` and then writes its marker. What each digest holds:

===========================  =============================================================
task                         inputs in the digest
===========================  =============================================================
``iterNN-prepare``           the CMTSOLUTION linearised about (content), STATIONS
                             (content), ``[perturbation]``, engine kind and database
                             identity (its depth range shapes the depth step), the runs
``iterNN-simulate-<run>``    the run's ``DATA/CMTSOLUTION`` and ``DATA/STATIONS``
                             (contents), ``[engine]``, database identity (path, files'
                             sizes and modification times)
``iterNN-process``           the digests of the simulations it reads, the observed data
                             and StationXML files (names, sizes, modification times),
                             STATIONS, ``[process]``, ``[qc]``, the bands' filter keys
``iter00-window``            the process digest, every band's settings
===========================  =============================================================

The inversion itself is not skipped: it is recomputed from the (reused) processed traces
and windows because its in-memory measurements feed the report; it is pure and takes a
fraction of a second, and it rewrites ``work/iter_NN/CMTSOLUTION`` with the same
content. Simulations are the expensive tasks, and a simulation whose
inputs are unchanged is never repeated.

A simulation whose marker exists with a *different* digest had its outputs made from other
inputs: they are removed before simulating again (the engines reuse outputs that are
present). Outputs that came from elsewhere (no marker: a SPECFEM run copied in) are used
as they are, as the ``simulate`` stage always did.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import markers
from .config import Config
from .layout import EventLayout

__all__ = [
    "database_identity",
    "prepare_task",
    "simulate_task",
    "process_task",
    "window_task",
    "simulation_digest",
]

#: band keys that change the processed traces (the others only change windows/weights)
PROCESS_BAND_KEYS = ("name", "min_period_s", "max_period_s", "components", "min_distance_deg",
                     "max_distance_deg", "max_time_shift_s")  # fmt: skip


@lru_cache(maxsize=8)
def _database_identity(path: str) -> tuple:
    return (path, tuple(tuple(x) for x in markers.files_identity(path)))


def database_identity(cfg: Config) -> Any:
    """The engine's identity: kind, and for instaseis the database folder with its files'
    sizes and modification times (cached per process)."""
    if cfg.engine.kind != "instaseis":
        return {"kind": cfg.engine.kind, "command": cfg.engine.command,
                "output_format": cfg.engine.output_format}  # fmt: skip
    from .database import default_path

    db = str(default_path() if cfg.engine.database == "auto" else Path(cfg.engine.database))
    return {"kind": "instaseis", "database": _database_identity(db)}


def _task(iteration: int, name: str) -> str:
    return f"iter{iteration:02d}-{name}"


def prepare_task(
    layout: EventLayout, cfg: Config, iteration: int, runs: Sequence[str] | None = None
) -> bool:
    """``stage_prepare`` unless done; True when it ran."""
    from .pipeline import linearisation_cmt_path, stage_prepare

    name = _task(iteration, "prepare" if runs is None else "prepare-" + "-".join(runs))
    inputs = {
        "cmt": markers.file_digest(linearisation_cmt_path(layout, cfg, iteration)),
        "stations": markers.file_digest(cfg.event.stations),
        "perturbation": markers.config_part(cfg.perturbation),
        "engine": database_identity(cfg),
        "runs": list(runs) if runs is not None else None,
    }
    d = markers.digest(inputs)
    wanted = runs if runs is not None else layout.runs(cfg.perturbation.differences == "centred")
    outputs = [layout.run_cmtsolution(r, iteration) for r in wanted]
    if markers.is_done(layout.work, name, d, outputs):
        markers.log(layout.work, "reused", name)
        return False
    t = markers.Timer()
    stage_prepare(layout, cfg, iteration, runs=runs)
    markers.mark_done(layout.work, name, d, inputs)
    markers.log(layout.work, "ran", name, t.seconds)
    return True


def simulation_digest(layout: EventLayout, cfg: Config, iteration: int, run: str) -> str:
    """Digest of one simulation's inputs."""
    data = layout.run_dir(run, iteration) / "DATA"
    return markers.digest(
        {
            "cmt": markers.file_digest(data / "CMTSOLUTION"),
            "stations": markers.file_digest(data / "STATIONS"),
            "engine": markers.config_part(cfg.engine),
            "identity": database_identity(cfg),
        }
    )


def simulate_task(layout: EventLayout, cfg: Config, iteration: int, run: str) -> bool:
    """One simulation unless done; True when the engine ran."""
    from .pipeline import stage_simulate

    name = _task(iteration, f"simulate-{run}")
    d = simulation_digest(layout, cfg, iteration, run)
    out = layout.run_output(run, iteration)
    if markers.is_done(layout.work, name, d, [out]):
        markers.log(layout.work, "reused", name)
        return False
    # one simulation of a run at a time: when a Dask worker died, the task may run again
    # while the first attempt's sub-task is still busy elsewhere (the lock goes with the
    # process holding it, so a killed one leaves none behind)
    with markers.exclusive(layout.work, name):
        if markers.is_done(layout.work, name, d, [out]):  # the other attempt finished it
            markers.log(layout.work, "reused", name)
            return False
        old = markers.previous_digest(layout.work, name)
        if old is not None and old != d and out.is_dir():
            shutil.rmtree(out)  # made from other inputs by us: never reuse
        t = markers.Timer()
        report = stage_simulate(layout, cfg, iteration, runs=[run])
        markers.mark_done(layout.work, name, d, {"run": run, "iteration": iteration})
    ran = bool(report.simulated)
    markers.log(layout.work, "simulated" if ran else "adopted", name, t.seconds)
    return ran


def _process_digest(layout: EventLayout, cfg: Config, iteration: int, runs: Sequence[str]) -> str:
    return markers.digest(
        {
            "simulations": {r: simulation_digest(layout, cfg, iteration, r) for r in runs},
            "run_cmts": {
                r: markers.file_digest(layout.run_cmtsolution(r, iteration)) for r in runs
            },  # fmt: skip
            # every iteration is processed about the first linearisation's centroid time
            "time_base": markers.file_digest(layout.run_cmtsolution("CMT", 0)),
            "data": markers.files_identity(cfg.event.data),
            "stationxml": markers.files_identity(cfg.event.stationxml),
            "stations": markers.file_digest(cfg.event.stations),
            "process": markers.config_part(cfg.process),
            "qc": markers.config_part(cfg.qc),
            "bands": [markers.config_part(b, PROCESS_BAND_KEYS) for b in cfg.bands],
        }
    )


def process_task(
    layout: EventLayout, cfg: Config, iteration: int, runs: Sequence[str] | None = None
) -> tuple[dict[str, Any], str]:
    """``stage_process`` unless done (then the saved traces are read); returns the
    processed bands and the task's digest."""
    from .pipeline import load_processed, stage_process

    present = [r for r in layout.runs(True) if layout.run_dir(r, iteration).is_dir()]
    used = list(runs) if runs is not None else present
    name = _task(iteration, "process" if runs is None else "process-" + "-".join(used))
    d = _process_digest(layout, cfg, iteration, used)
    outputs = [layout.processed(b, iteration) for b in cfg.band_names]
    if markers.is_done(layout.work, name, d, outputs):
        try:
            processed = load_processed(layout, cfg, iteration)
            if all(set(used) <= set(p.syn) for p in processed.values()):
                markers.log(layout.work, "reused", name)
                return processed, d
        except Exception:  # unreadable: make it again
            pass
    t = markers.Timer()
    processed = stage_process(layout, cfg, iteration, runs=runs)
    markers.mark_done(layout.work, name, d, {"runs": used})
    markers.log(layout.work, "ran", name, t.seconds)
    return processed, d


def window_task(
    layout: EventLayout, cfg: Config, processed: Any, process_digest: str, iteration: int = 0
) -> Any:
    """``stage_window`` unless done (then the saved windows are read)."""
    from .pipeline import load_windows, stage_window, windows_path

    name = _task(iteration, "window")
    d = markers.digest({"process": process_digest,
                        "bands": [markers.config_part(b) for b in cfg.bands]})  # fmt: skip
    if markers.is_done(layout.work, name, d, [windows_path(layout, iteration)]):
        try:
            selection = load_windows(layout, iteration)
            markers.log(layout.work, "reused", name)
            return selection
        except Exception:  # unreadable: pick them again
            pass
    t = markers.Timer()
    selection = stage_window(layout, cfg, processed, iteration)
    markers.mark_done(layout.work, name, d)
    markers.log(layout.work, "ran", name, t.seconds)
    return selection


def event_digest(layout: EventLayout, cfg: Config) -> str:
    """Digest of everything a whole event's result depends on (its configuration file,
    CMTSOLUTION, STATIONS, data, engine): a batch skips an event whose result was made
    from the same."""
    return markers.digest(
        {
            "config": markers.file_digest(cfg.path) if cfg.path is not None else repr(cfg),
            "cmt": markers.file_digest(cfg.event.cmtsolution),
            "stations": markers.file_digest(cfg.event.stations),
            "data": markers.files_identity(cfg.event.data),
            "stationxml": markers.files_identity(cfg.event.stationxml),
            "engine": database_identity(cfg),
        }
    )
