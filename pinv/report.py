"""The reports of ``seisfoc pinv``: a table, CSV and JSON of the event results.

Every report names the Nordic format each event was read in as ``old`` or ``nordic2``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from seisfoc.pinv.program import EventResult, as_dict

from seisfoc.fileio import json_text

TABLE_HEADER = (
    f"{'event':22s} {'format':7s} {'npol':>4s} {'strike':>7s} {'dip':>5s} {'rake':>7s}  "
    f"{'strike2':>7s} {'dip2':>5s} {'rake2':>7s}  {'rank':>4s} {'good':>4s} {'bad':>4s}"
)
UNCERTAINTY_HEADER = (
    f"  {'rmsPl':>5s} {'rmsK':>5s} {'prob':>5s} {'mfit':>5s} {'stdr':>5s} {'Kpref':>5s}  q"
)
#: the columns of ``--csv`` (keys of :func:`seisfoc.pinv.program.as_dict`)
CSV_KEYS = [
    "file",
    "event",
    "n_polarities",
    "nordic_format",
    "mode",
    "strike",
    "dip",
    "rake",
    "aux_strike",
    "aux_dip",
    "aux_rake",
    "pseudorank",
    "consistent",
    "inconsistent",
    "strike_error",
    "dip_error",
    "rake_error",
    "rms_plane_deg",
    "rms_kagan_deg",
    "max_kagan_deg",
    "probability",
    "misfit",
    "stdr",
    "acceptable_size",
    "preferred_strike",
    "preferred_dip",
    "preferred_rake",
    "kagan_to_preferred",
    "grade",
    "message",
]


def table_row(r: EventResult) -> str:
    """One event of the table: planes, rank, consistent and inconsistent polarities."""
    sol = r.solution
    head = f"{r.label:22s} {r.format_name:7s} {len(r.selection):4d}"
    if sol is None:
        return f"{head}  {r.message}"
    text = (
        f"{head} {sol.strike:7.1f} {sol.dip:5.1f} {sol.rake:7.1f}"
        f"  {sol.aux_strike:7.1f} {sol.aux_dip:5.1f} {sol.aux_rake:7.1f}"
        f"  {sol.pseudorank:4d} {sol.n_consistent:4d} {sol.n_inconsistent:4d}"
    )
    if r.uncertainty is not None:
        u = r.uncertainty
        text += (
            f"  {u.rms_plane_deg:5.1f} {u.rms_kagan_deg:5.1f} {u.probability:5.2f}"
            f" {u.misfit:5.2f} {u.stdr:5.2f} {u.kagan_to_preferred:5.1f}  {u.grade}"
        )
    if r.message:
        text += f"  {r.message}"
    return text


def format_table(results: list[EventResult]) -> str:
    """The table of ``seisfoc pinv`` (empty when nothing was read: the errors said why)."""
    if not results:
        return ""
    header = TABLE_HEADER
    if any(r.uncertainty is not None for r in results):
        header += UNCERTAINTY_HEADER
    return "\n".join([header, *(table_row(r) for r in results)]) + "\n"


def format_json(results: Iterable[EventResult]) -> str:
    """A JSON list of :func:`seisfoc.pinv.program.as_dict` of every result."""
    return json_text([as_dict(r) for r in results])


def write_csv(results: Iterable[EventResult], stream: TextIO) -> None:
    """The results as CSV (columns :data:`CSV_KEYS`) on ``stream``."""
    w = csv.DictWriter(stream, fieldnames=CSV_KEYS, extrasaction="ignore")
    w.writeheader()
    for r in results:
        w.writerow(as_dict(r))
