"""Many events, serially or on Dask: ``--scheduler serial | local[:N] | tcp://host:port``.

* ``serial`` (the default): one event after the other in this process.
* ``local`` or ``local:N``: a ``distributed.LocalCluster`` of N worker processes (default:
  the number of CPUs), one thread each.
* ``tcp://host:port`` (or any address ``distributed.Client`` accepts): a running Dask
  scheduler, e.g. one whose workers were started on an HPC allocation with dask-jobqueue
  (see the README's SLURM example).

With Dask every event is a task, and inside it each simulation run (the ten runs of a
linearisation, the extra runs of centred differences, the final reference run) is a task
of its own, submitted from the event task through ``distributed.worker_client`` (the event
task gives its thread back while it waits), so the runs of one event spread over all
workers; processing, windowing and the inversion of an event then run in its event task.
Every stage and simulation is an idempotent task with a done marker
(:mod:`seisfoc.cmt.tasks`): when a worker dies, Dask runs its tasks again elsewhere and
they find what was finished; when the driver dies, running the same command again
resumes. Results do not depend on the scheduler: the same functions compute the same
numbers from the same files (a test checks serial against two workers, number for number).

Dask is imported in this module only, and only when a Dask scheduler is asked for.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seisfoc.errors import SeisfocError

__all__ = [
    "EventOutcome",
    "parse_scheduler",
    "run_events",
    "run_event_task",
]


@dataclass
class EventOutcome:
    """What happened to one event of a batch."""

    event_dir: str
    status: str  # "ok", "insufficient_data", "error", "no_data"
    message: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    reused: bool = False  # the whole result was up to date: nothing ran
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_dir": self.event_dir,
            "status": self.status,
            "message": self.message,
            "reused": self.reused,
            "seconds": self.seconds,
        }


def parse_scheduler(text: str) -> tuple[str, Any]:
    """``("serial", None)``, ``("local", n_workers or None)`` or ``("address", text)``.

    Raises
    ------
    SeisfocError
        For anything else (names the option).
    """
    t = text.strip()
    if t == "serial":
        return "serial", None
    if t == "local":
        return "local", None
    if t.startswith("local:"):
        try:
            n = int(t.split(":", 1)[1])
        except ValueError:
            n = 0
        if n < 1:
            raise SeisfocError(f"--scheduler {text!r}: local:N needs a worker count N >= 1")
        return "local", n
    if "://" in t:
        return "address", t
    raise SeisfocError(
        f"--scheduler {text!r}: expected serial, local, local:N or a scheduler address "
        "such as tcp://host:8786"
    )


# ----------------------------------------------------------------------------- tasks


def _simulate_one(event_dir: str, iteration: int, run: str) -> bool:
    """Dask task: one simulation of one event (idempotent)."""
    from .pipeline import load_event
    from .tasks import simulate_task

    layout, cfg = load_event(event_dir)
    return simulate_task(layout, cfg, iteration, run)


def _dask_simulate_runs(layout, cfg, iteration: int, runs: Sequence[str]) -> None:
    """Submit the runs as separate tasks from inside an event task and wait for them."""
    from distributed import worker_client

    name = Path(layout.root).name
    with worker_client() as client:
        futures = [
            client.submit(
                _simulate_one,
                str(layout.root),
                iteration,
                run,
                key=f"simulate-{name}-iter{iteration:02d}-{run}-{uuid.uuid4().hex[:8]}",
                pure=False,
            )
            for run in runs
        ]
        client.gather(futures)


def run_event_task(
    event_dir: str,
    *,
    report: bool = True,
    reselect_windows: bool = False,
    distributed_simulations: bool = False,
    progress: bool = False,
) -> EventOutcome:
    """One event, resumable: skipped when its result is up to date (event marker), else
    :func:`seisfoc.cmt.pipeline.run_event` with idempotent stages. Errors of the event's
    inputs become an ``error`` outcome with the message (the batch goes on)."""
    from . import markers, tasks
    from .pipeline import load_event, run_event

    t = time.perf_counter()
    try:
        layout, cfg = load_event(event_dir)
        digest = markers.digest({"event": tasks.event_digest(layout, cfg), "report": report,
                                 "reselect": reselect_windows})  # fmt: skip
        summary_path = layout.result / "summary.json" if report else layout.inversion
        if markers.is_done(layout.work, "event", digest, [summary_path]):
            import json

            summary = json.loads(summary_path.read_text())
            markers.log(layout.work, "reused", "event")
            return EventOutcome(event_dir, str(summary.get("status", "ok")),
                                str(summary.get("message", "")), summary, True,
                                time.perf_counter() - t)  # fmt: skip
        result = run_event(
            layout.root,
            cfg,
            progress=progress,
            reselect_windows=reselect_windows,
            report=report,
            simulate_runs=_dask_simulate_runs if distributed_simulations else None,
        )
        markers.mark_done(layout.work, "event", digest)
        markers.log(layout.work, "ran", "event", time.perf_counter() - t)
        return EventOutcome(event_dir, result.status, str(result.summary.get("message", "")),
                            result.summary, False, time.perf_counter() - t)  # fmt: skip
    except SeisfocError as err:
        try:
            from . import markers as m

            m.log(Path(event_dir) / "work", "failed", "event")
        except OSError:
            pass
        return EventOutcome(event_dir, "error", str(err), {}, False, time.perf_counter() - t)


# ----------------------------------------------------------------------------- driver


def _dask_client(kind: str, value: Any):
    """A ``distributed.Client`` (and the cluster it started, or None)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - distributed is a dependency
        raise SeisfocError("--scheduler needs the 'distributed' package (pip install "
                           "distributed)") from None  # fmt: skip
    os.environ.setdefault("MPLBACKEND", "Agg")  # workers draw the report figures
    if kind == "local":
        n = value or os.cpu_count() or 1
        cluster = LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        return Client(cluster), cluster
    try:
        return Client(value, timeout="20s"), None
    except (OSError, TimeoutError) as err:
        raise SeisfocError(f"--scheduler {value}: cannot connect to the Dask scheduler "
                           f"({err})") from None  # fmt: skip


def run_events(
    event_dirs: Sequence[str | os.PathLike],
    scheduler: str = "serial",
    *,
    report: bool = True,
    reselect_windows: bool = False,
    progress: bool = True,
    on_client: Callable[[Any], None] | None = None,
) -> list[EventOutcome]:
    """Every event, on the scheduler asked for; outcomes in the order of ``event_dirs``.

    Parameters
    ----------
    event_dirs
        Event folders (each with its configuration, CMTSOLUTION, STATIONS, data).
    scheduler
        ``serial``, ``local``, ``local:N`` or a Dask scheduler address.
    report
        Write each event's ``result/``.
    reselect_windows
        Pick windows again on every iteration's synthetics.
    progress
        tqdm bars on stderr (events; stages of the current event when serial); the Dask
        dashboard link is printed there when there is one.
    on_client
        Called with the ``distributed.Client`` once it exists (tests use it to reach the
        workers).

    Returns
    -------
    list of EventOutcome
    """
    kind, value = parse_scheduler(scheduler)
    dirs = [str(Path(d)) for d in event_dirs]
    outcomes: dict[str, EventOutcome] = {}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(dirs), desc="events", unit="event", file=sys.stderr)
    try:
        if kind == "serial":
            for d in dirs:
                if bar is not None:
                    bar.set_postfix_str(Path(d).name)
                outcomes[d] = run_event_task(
                    d, report=report, reselect_windows=reselect_windows, progress=progress
                )
                if bar is not None:
                    bar.update(1)
        else:
            outcomes = _run_dask(dirs, kind, value, report, reselect_windows, bar, on_client)
    finally:
        if bar is not None:
            bar.close()
    return [outcomes[d] for d in dirs]


def _run_dask(
    dirs: list[str],
    kind: str,
    value: Any,
    report: bool,
    reselect_windows: bool,
    bar: Any,
    on_client: Callable[[Any], None] | None,
) -> dict[str, EventOutcome]:
    from distributed import as_completed

    client, cluster = _dask_client(kind, value)
    try:
        link = getattr(client, "dashboard_link", None)
        if link and bar is not None:
            print(f"Dask dashboard: {link}", file=sys.stderr)
        if on_client is not None:
            on_client(client)
        futures = {
            client.submit(
                run_event_task,
                d,
                report=report,
                reselect_windows=reselect_windows,
                distributed_simulations=True,
                key=f"event-{Path(d).name}-{uuid.uuid4().hex[:8]}",
                pure=False,
            ): d
            for d in dirs
        }
        outcomes: dict[str, EventOutcome] = {}
        for fut in as_completed(futures):
            d = futures[fut]
            try:
                outcomes[d] = fut.result()
            except Exception as err:  # a task that failed beyond Dask's retries
                outcomes[d] = EventOutcome(d, "error", f"{type(err).__name__}: {err}")
            if bar is not None:
                bar.set_postfix_str(Path(d).name)
                bar.update(1)
        return outcomes
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
