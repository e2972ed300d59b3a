"""Shared by the scheduling and resuming tests: a small demo catalogue (two events, eight
stations, 5 % noise, two Gauss-Newton iterations, 50 bootstrap draws) made once per test
session, and its serial batch run as the reference every other run must reproduce
number for number."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

N_EVENTS = 2
N_STATIONS = 8

_CACHE: dict[str, Any] = {}


def catalogue(tmp_path_factory) -> dict[str, Path]:
    """``{"cmt", "data", "config", "truth"}`` of the session's demo catalogue."""
    if "catalogue" not in _CACHE:
        from seisfoc.cmt import config as cmt_config
        from seisfoc.cmt.demo import demo_config, make_demo_catalogue

        root = tmp_path_factory.mktemp("scale") / "catalogue"
        cmt_dir, data_root, _ = make_demo_catalogue(
            root, N_EVENTS, n_stations=N_STATIONS, noise=0.05, seed=3
        )
        cfg = demo_config(root, max_iterations=2)
        cfg = replace(cfg, invert=replace(cfg.invert, bootstrap_draws=50))
        template = root / "template.toml"
        cmt_config.write_default(template, cfg)
        _CACHE["catalogue"] = {"cmt": cmt_dir, "data": data_root, "config": template,
                               "truth": root / "truth"}  # fmt: skip
    return _CACHE["catalogue"]


def batch(cat: dict[str, Path], out: Path, scheduler: str = "serial", **kw):
    from seisfoc.cmt.catalog import run_batch

    return run_batch(cat["cmt"], cat["data"], out, config=cat["config"], scheduler=scheduler,
                     progress=False, report=False, figures=False, **kw)  # fmt: skip


def serial_reference(tmp_path_factory) -> Path:
    """The output folder of the serial batch (made once)."""
    if "serial" not in _CACHE:
        cat = catalogue(tmp_path_factory)
        out = tmp_path_factory.mktemp("scale") / "serial"
        rows, _ = batch(cat, out)
        assert [r["status"] for r in rows] == ["ok"] * N_EVENTS, rows
        _CACHE["serial"] = out
    return _CACHE["serial"]


def copy_output(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def numbers(out: Path) -> dict[str, Any]:
    """Every event's summary without what may differ between runs of the same inputs
    (timings, folders, configuration path)."""
    result = {}
    for summary_path in sorted(out.glob("*/work/inversion.json")):
        s = json.loads(summary_path.read_text())
        for key in ("timings_s", "event_dir", "config"):
            s.pop(key, None)
        result[summary_path.parent.parent.name] = s
    return result


def final_cmts(out: Path) -> dict[str, str]:
    """Text of the CMTSOLUTION each event's last step reached."""
    out_cmts = {}
    for event in sorted(p for p in out.iterdir() if (p / "work").is_dir()):
        last = sorted((event / "work").glob("iter_*/CMTSOLUTION"))
        out_cmts[event.name] = last[-1].read_text()
    return out_cmts


def simulations(event_dir: Path) -> list[str]:
    """The simulations the engine ran (``work/run.log``), one entry per run made."""
    from seisfoc.cmt.markers import read_log

    return [task for what, task in read_log(event_dir / "work") if what == "simulated"]


def log_since(event_dir: Path, n_lines: int) -> list[tuple[str, str]]:
    from seisfoc.cmt.markers import read_log

    return read_log(event_dir / "work")[n_lines:]
