"""``seisfoc cmt``: refine a global centroid moment tensor, the way pycmt3d / GCMT3D users do.

From a CMTSOLUTION and a station list, the workflow makes the reference and nine perturbed
sources (six moment-tensor elements, depth, longitude, latitude) in SPECFEM3D_GLOBE's run
folders, computes their synthetics (instaseis embedded, or any external solver), processes
observed and synthetic seismograms identically, picks windows by the FLEXWIN criteria,
builds the finite-difference Jacobian, solves the weighted, scaled and constrained
least-squares problem and iterates (Gauss-Newton with fresh simulations) until the update
is small; then reports the new CMTSOLUTION, every number (JSON, text), QuakeML and
figures. Math: ALGORITHMS.md section 7; file layout: :mod:`seisfoc.cmt.layout`.

Stage modules (pure functions over the records of :mod:`seisfoc.cmt.records`, files only
at stage boundaries): ``config``, ``prepare``, ``simulate`` (with ``database``,
``ingest``), ``process``, ``window``, ``measure``, ``weight``, ``invert``, ``report``;
``pipeline`` composes one event, ``demo`` builds a synthetic one, ``cli`` is the
``seisfoc cmt`` sub-command.

The names below are imported on first use, so that ``import seisfoc.cmt`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> module that defines it
_EXPORTS = {
    "Config": "config",
    "load_config": "config",
    "write_default": "config",
    "EventLayout": "layout",
    "EventResult": "pipeline",
    "run_event": "pipeline",
    "load_event": "pipeline",
    "init_event": "pipeline",
    "stage_prepare": "pipeline",
    "stage_simulate": "pipeline",
    "stage_process": "pipeline",
    "stage_window": "pipeline",
    "stage_invert": "pipeline",
    "report_from_files": "pipeline",
    "write_report": "report",
    "run_demo": "demo",
    "make_demo_event": "demo",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'seisfoc.cmt' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
