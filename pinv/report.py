"""The reports of ``seisfoc pinv``: a table, CSV and JSON of the event results.

Every report names the Nordic format each event was read in as ``old`` or ``nordic2``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from seisfoc.fileio import json_text

from .program import EventResult, as_dict

TABLE_HEADER = (
    f"{'event':22s} {'format':7s} {'npol':>4s} {'strike':>7s} {'dip':>5s} {'rake':>7s}  "
    f"{'strike2':>7s} {'dip2':>5s} {'rake2':>7s}  {'rank':>4s} {'good':>4s} {'bad':>4s}"
)
UNCERTAINTY_HEADER = (
    f"  {'rmsPl':>5s} {'rmsK':>5s} {'prob':>5s} {'mfit':>5s} {'stdr':>5s} {'Kpref':>5s}  q"
)
#: what each column of the table means: (column, meaning), for the table's ``columns:``
#: line and ``seisfoc pinv --help``
COLUMNS: tuple[tuple[str, str], ...] = (
    ("event", "origin time of the event (its file name when the S-file has none)"),
    ("format", "Nordic format the event was read in: old or nordic2"),
    ("npol", "P polarities used"),
    ("strike dip rake", "PINV's fault plane (deg, Aki & Richards)"),
    ("strike2 dip2 rake2", "the auxiliary plane"),
    ("rank", "pseudo-rank of PINV's linear system: 5 = one mechanism, below 5 not unique"),
    ("good bad", "polarities the solution fits / contradicts"),
)
#: the columns ``--uncertainty`` adds (all about PINV's solution; HASH's method)
UNCERTAINTY_COLUMNS: tuple[tuple[str, str], ...] = (
    (
        "rmsPl",
        "RMS plane uncertainty (deg): mean of the RMS fault-plane and auxiliary-plane "
        "angles about PINV's planes of the acceptable mechanisms of the perturbed trials",
    ),
    ("rmsK", "RMS Kagan angle (deg) of the acceptable mechanisms about PINV's solution"),
    ("prob", "fraction of the acceptable mechanisms within 30 deg (Kagan) of it"),
    (
        "mfit",
        "misfit: fraction of the polarities contradicted, each weighted by the square root "
        "of its P radiation (HASH's; 0 best)",
    ),
    ("stdr", "station distribution ratio: 0-1, low when the readings lie near nodal planes"),
    (
        "Kpref",
        "Kagan angle (deg) from PINV's solution to the acceptable mechanisms' average "
        "(large: PINV's linear inversion is biased for this event)",
    ),
    (
        "q",
        "grade, A best to D: A needs prob > 0.8, rmsPl <= 25, mfit <= 0.15, stdr >= 0.5; "
        "B 0.6/35/0.2/0.4; C 0.5/45/0.3/0.3; else D",
    ),
)


def columns_line(uncertainty: bool) -> str:
    """The one ``columns: ...`` line printed under the table (with the ``--uncertainty``
    columns when the table has them)."""
    pairs = COLUMNS + (UNCERTAINTY_COLUMNS if uncertainty else ())
    return "columns: " + "; ".join(f"{name} = {meaning}" for name, meaning in pairs)


def columns_help() -> str:
    """The column legend of ``seisfoc pinv --help``: one column a line."""
    import textwrap

    width = max(len(name) for name, _ in COLUMNS + UNCERTAINTY_COLUMNS)

    def entries(pairs: tuple[tuple[str, str], ...]) -> list[str]:
        indent = " " * (width + 4)
        return [
            textwrap.fill(f"  {name:{width}s}  {meaning}", 79, subsequent_indent=indent)
            for name, meaning in pairs
        ]

    return "\n".join(
        ["columns of the table:", *entries(COLUMNS)]
        + ["with --uncertainty (HASH's method):", *entries(UNCERTAINTY_COLUMNS)]
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
    """The table of ``seisfoc pinv`` and the line saying what its columns are (empty when
    nothing was read: the errors said why)."""
    if not results:
        return ""
    uncertainty = any(r.uncertainty is not None for r in results)
    header = TABLE_HEADER + (UNCERTAINTY_HEADER if uncertainty else "")
    rows = [header, *(table_row(r) for r in results), columns_line(uncertainty)]
    return "\n".join(rows) + "\n"


def format_json(results: Iterable[EventResult]) -> str:
    """A JSON list of :func:`seisfoc.pinv.program.as_dict` of every result."""
    return json_text([as_dict(r) for r in results])


def write_csv(results: Iterable[EventResult], stream: TextIO) -> None:
    """The results as CSV (columns :data:`CSV_KEYS`) on ``stream``."""
    w = csv.DictWriter(stream, fieldnames=CSV_KEYS, extrasaction="ignore")
    w.writeheader()
    for r in results:
        w.writerow(as_dict(r))
