"""A catalogue of events through the CMT workflow: ``seisfoc cmt batch``.

Input: a folder of CMTSOLUTION files (any names; a file may hold several solutions) or a
Global CMT catalogue file in NDK format (read with ObsPy), and a data root holding one
folder per event, named by the event's name (the CMTSOLUTION ``event name`` line, e.g.
``C201103110546A``)::

    DATA_ROOT/<event>/data/       observed SAC or miniSEED
    DATA_ROOT/<event>/stations/   StationXML (optional)
    DATA_ROOT/<event>/STATIONS    station list (else the batch's --stations)

Output: one event folder per event, ``OUT/<event>/`` (configuration written from the
batch's template with the event's paths, CMTSOLUTION, STATIONS, and everything the
pipeline writes, ``result/`` included), and the catalogue summary in ``OUT/``:
``catalogue.csv`` and ``catalogue.json`` (every event's status, update, variance
reduction, flags, windows and rejected-trace counts), ``catalogue.txt`` (the same as a
table), ``updates.png`` (histograms of the updates) and ``flagged.png`` (a longitude/
latitude map of the events, flagged ones marked).
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from seisfoc.errors import SeisfocError
from seisfoc.fileio import write_atomic
from seisfoc.io.cmtsolution import CMTSolution, format_cmtsolution, parse_cmtsolution
from seisfoc.io.ndk import read_ndk

__all__ = [
    "BatchEvent",
    "read_catalogue",
    "setup_events",
    "catalogue_rows",
    "write_catalogue_summary",
    "COLUMNS",
]


@dataclass
class BatchEvent:
    """One event of a batch: its folder, or why it cannot be run."""

    name: str
    event_dir: Path
    solution: CMTSolution
    problem: str = ""  # non-empty: not run (e.g. no data folder)


def read_catalogue(path: str | os.PathLike) -> list[CMTSolution]:
    """The solutions of a folder of CMTSOLUTION files or of an NDK file.

    Parameters
    ----------
    path
        A folder (every non-hidden file in it, sorted by name, is a CMTSOLUTION file) or a
        file (NDK when its name ends in ``.ndk`` or its first line is not a CMTSOLUTION
        header, else CMTSOLUTION).

    Returns
    -------
    list of CMTSolution
        In file order; event names must be unique.

    Raises
    ------
    SeisfocError
        Unreadable files (named), no solution at all, an event name used twice.
    """
    root = Path(path)
    solutions: list[CMTSolution] = []
    if root.is_dir():
        files = sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith("."))
        if not files:
            raise SeisfocError("the catalogue folder holds no CMTSOLUTION files", root)
        for p in files:
            try:
                text = p.read_text()
            except (OSError, UnicodeDecodeError) as err:
                raise SeisfocError(f"cannot read: {err}", p) from None
            solutions.extend(parse_cmtsolution(text, str(p)))
    elif root.is_file():
        text = root.read_text(errors="replace")
        if root.suffix.lower() == ".ndk":
            solutions = read_ndk(root)
        else:
            try:
                solutions = parse_cmtsolution(text, str(root))
            except SeisfocError:
                solutions = read_ndk(root)
    else:
        raise SeisfocError("catalogue not found (a folder of CMTSOLUTION files or an NDK "
                           "file)", root)  # fmt: skip
    if not solutions:
        raise SeisfocError("no solution in the catalogue", root)
    seen: set[str] = set()
    for s in solutions:
        name = s.event_name.strip()
        if not name:
            raise SeisfocError("a solution has no event name", root)
        if name in seen:
            raise SeisfocError(f"event name {name!r} occurs twice in the catalogue", root)
        seen.add(name)
    return solutions


def setup_events(
    solutions: Sequence[CMTSolution],
    data_root: str | os.PathLike,
    out: str | os.PathLike,
    *,
    config: str | os.PathLike | None = None,
    stations: str | os.PathLike | None = None,
) -> list[BatchEvent]:
    """Create (or bring up to date) one event folder per solution under ``out``.

    Parameters
    ----------
    solutions
        From :func:`read_catalogue`.
    data_root
        Folder of the per-event data folders (see the module text).
    out
        Output folder (created); ``out/<event>/`` per event.
    config
        Configuration file used as the template of every event (default: the defaults);
        its ``[event]`` paths are replaced by each event's.
    stations
        Station list for events whose data folder has no ``STATIONS``.

    Returns
    -------
    list of BatchEvent
        ``problem`` says why an event cannot run (no data folder, no station list); its
        folder is then not created.
    """
    from . import config as cmt_config
    from .layout import CONFIG_NAME

    data_root = Path(data_root)
    if not data_root.is_dir():
        raise SeisfocError("data folder does not exist", data_root)
    out = Path(out)
    template = cmt_config.load_config(config) if config is not None else cmt_config.Config()
    events = []
    for s in solutions:
        name = s.event_name.strip()
        src = data_root / name
        event_dir = out / name
        problem = ""
        st_file = src / "STATIONS" if (src / "STATIONS").is_file() else (
            Path(stations) if stations is not None else None)  # fmt: skip
        if not (src / "data").is_dir():
            problem = f"no data folder {src / 'data'}"
        elif st_file is None or not st_file.is_file():
            problem = f"no station list ({src / 'STATIONS'} nor --stations)"
        events.append(BatchEvent(name, event_dir, s, problem))
        if problem:
            continue
        try:
            event_dir.mkdir(parents=True, exist_ok=True)
            _write_if_changed(event_dir / "CMTSOLUTION", format_cmtsolution(s).encode())
            assert st_file is not None
            _write_if_changed(event_dir / "STATIONS", st_file.read_bytes())
        except OSError as err:
            raise SeisfocError(f"cannot write the event folder: {err}", event_dir) from None
        event_cfg = replace(
            template,
            event=cmt_config.EventConfig(
                cmtsolution=event_dir / "CMTSOLUTION",
                stations=event_dir / "STATIONS",
                data=(src / "data").resolve(),
                stationxml=(src / "stations").resolve(),
            ),
        )
        text = cmt_config.format_config(event_cfg, event_dir)
        _write_if_changed(event_dir / CONFIG_NAME, text.encode())
    return events


def _write_if_changed(path: Path, content: bytes) -> None:
    """Write unless the file holds exactly this already (keeps modification times, so
    the done markers of a resumed batch stay valid)."""
    try:
        if path.read_bytes() == content:
            return
    except FileNotFoundError:
        pass
    write_atomic(path, content)


#: columns of catalogue.csv (and keys of each row of catalogue.json)
COLUMNS = (
    "event", "status", "latitude", "longitude", "depth_km", "mw_start", "mw_final",
    "moment_change", "epicentre_shift_km", "depth_shift_km", "vr_linear", "vr_real",
    "n_iterations", "converged", "n_windows", "n_rejected_traces", "rejected_by_reason",
    "flags", "flagged", "message", "event_dir",
)  # fmt: skip


def _mw(cmt_summary: dict[str, Any] | None) -> float:
    if not cmt_summary:
        return float("nan")
    for key in ("mw", "Mw", "moment_magnitude"):
        if key in cmt_summary and cmt_summary[key] is not None:
            return float(cmt_summary[key])
    return float("nan")


def catalogue_rows(events: Sequence[BatchEvent], outcomes: Sequence[Any]) -> list[dict]:
    """One row per event (:data:`COLUMNS`): the numbers of its summary, or its problem."""
    by_dir = {str(Path(o.event_dir)): o for o in outcomes}
    rows = []
    for ev in events:
        s = ev.solution
        row: dict[str, Any] = {k: None for k in COLUMNS}
        row.update(event=ev.name, latitude=s.centroid_latitude, longitude=s.centroid_longitude,
                   depth_km=s.centroid_depth_km, event_dir=str(ev.event_dir))  # fmt: skip
        if ev.problem:
            row.update(status="no_data", message=ev.problem, flags=[], flagged=False)
            rows.append(row)
            continue
        o = by_dir.get(str(ev.event_dir))
        summ = o.summary if o is not None else {}
        qc = summ.get("qc", {}) if summ else {}
        flags = list(summ.get("flags", [])) if summ else []
        vr = summ.get("vr", {}) if summ else {}
        windows = summ.get("windows", []) if summ else []
        row.update(
            status=o.status if o is not None else "not_run",
            message=o.message if o is not None else "",
            mw_start=_mw(summ.get("start")),
            mw_final=_mw(summ.get("final")),
            moment_change=summ.get("moment_change"),
            epicentre_shift_km=summ.get("epicentre_shift_km"),
            depth_shift_km=summ.get("depth_shift_km"),
            vr_linear=vr.get("linear"),
            vr_real=vr.get("real"),
            n_iterations=summ.get("n_iterations"),
            converged=summ.get("converged"),
            n_windows=len(windows),
            n_rejected_traces=qc.get("n_rejected_traces", 0),
            rejected_by_reason=dict(qc.get("by_reason", {})),
            flags=flags,
            flagged=bool(flags) or (o is not None and o.status != "ok"),
        )
        rows.append(row)
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if not math.isfinite(value) else f"{value:.6g}"
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return " | ".join(str(v) for v in value)
    return str(value)


def _table(rows: Sequence[dict]) -> str:
    head = (f"{'event':<16} {'status':<18} {'dM/M':>7} {'epi km':>7} {'dz km':>7} "
            f"{'VR':>7} {'win':>4} {'rej':>4}  flags")  # fmt: skip
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['event']:<16} {r['status']:<18} {_cell(r['moment_change']):>7} "
            f"{_cell(r['epicentre_shift_km']):>7} {_cell(r['depth_shift_km']):>7} "
            f"{_cell(r['vr_real']):>7} {_cell(r['n_windows']):>4} "
            f"{_cell(r['n_rejected_traces']):>4}  {_cell(r['flags']) or r['message']}"
        )
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    flagged = sum(1 for r in rows if r["flagged"])
    lines += ["", f"{len(rows)} events: " + ", ".join(f"{n} {k}" for k, n in
                                                       sorted(counts.items()))
              + f"; {flagged} flagged"]  # fmt: skip
    return "\n".join(lines) + "\n"


def write_catalogue_summary(
    out: str | os.PathLike, rows: Sequence[dict], *, figures: bool = True
) -> dict[str, str]:
    """``catalogue.csv``, ``catalogue.json``, ``catalogue.txt`` and the two figures.

    Returns
    -------
    dict
        Kind of output to its path.
    """
    from .report import dumps_json

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([_cell(r[k]) for k in COLUMNS])
    paths = {"csv": out / "catalogue.csv", "json": out / "catalogue.json",
             "table": out / "catalogue.txt"}  # fmt: skip
    write_atomic(paths["csv"], buf.getvalue().encode())
    write_atomic(paths["json"], dumps_json({"events": list(rows)}).encode())
    write_atomic(paths["table"], _table(rows).encode())
    if figures:
        paths["histogram"] = _histograms(out / "updates.png", rows)
        paths["map"] = _map(out / "flagged.png", rows)
    return {k: str(v) for k, v in paths.items()}


def _finite(rows, key, scale=1.0):
    vals = [r[key] for r in rows if isinstance(r.get(key), (int, float))]
    return [scale * float(v) for v in vals if math.isfinite(float(v))]


def _histograms(path: Path, rows: Sequence[dict]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    for ax, (key, label, scale) in zip(
        axes,
        (("moment_change", "moment-tensor change (%)", 100.0),
         ("epicentre_shift_km", "epicentre shift (km)", 1.0),
         ("depth_shift_km", "depth shift (km)", 1.0)),
        strict=True,
    ):  # fmt: skip
        values = _finite(rows, key, scale)
        if values:
            ax.hist(values, bins=max(5, min(40, len(values) // 2 or 1)), color="0.4")
        else:
            ax.text(0.5, 0.5, "no results", ha="center", transform=ax.transAxes)
        ax.set_xlabel(label)
        ax.set_ylabel("events")
    fig.suptitle(f"updates of {len(rows)} events")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _map(path: Path, rows: Sequence[dict]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.8))
    ok = [r for r in rows if not r["flagged"]]
    bad = [r for r in rows if r["flagged"]]
    ax.scatter([r["longitude"] for r in ok], [r["latitude"] for r in ok], s=18, c="0.5",
               label=f"not flagged ({len(ok)})")  # fmt: skip
    ax.scatter([r["longitude"] for r in bad], [r["latitude"] for r in bad], s=40, c="red",
               marker="*", label=f"flagged or failed ({len(bad)})")  # fmt: skip
    for r in bad:
        ax.annotate(r["event"], (r["longitude"], r["latitude"]), fontsize=7,
                    xytext=(3, 3), textcoords="offset points")  # fmt: skip
    ax.set_xlim(-180, 180)
    ax.set_ylim(-90, 90)
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.grid(True, lw=0.3)
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title("events of the catalogue (plain longitude/latitude)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def run_batch(
    catalogue: str | os.PathLike,
    data_root: str | os.PathLike,
    out: str | os.PathLike,
    *,
    config: str | os.PathLike | None = None,
    stations: str | os.PathLike | None = None,
    scheduler: str = "serial",
    progress: bool = True,
    report: bool = True,
    reselect_windows: bool = False,
    figures: bool = True,
    on_client: Callable[[Any], None] | None = None,
) -> tuple[list[dict], dict[str, str]]:
    """Read the catalogue, set up the event folders, run them on the scheduler and write
    the catalogue summary; returns the rows and the summary's paths (``on_client``: see
    :func:`seisfoc.cmt.schedule.run_events`)."""
    from .schedule import run_events

    solutions = read_catalogue(catalogue)
    events = setup_events(solutions, data_root, out, config=config, stations=stations)
    runnable = [e for e in events if not e.problem]
    outcomes = run_events([e.event_dir for e in runnable], scheduler, report=report,
                          reselect_windows=reselect_windows, progress=progress,
                          on_client=on_client)  # fmt: skip
    rows = catalogue_rows(events, outcomes)
    paths = write_catalogue_summary(out, rows, figures=figures)
    return rows, paths
