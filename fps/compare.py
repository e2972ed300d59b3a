"""``seisfoc compare``: the mechanisms of two sources per event, side by side.

A *source* names where a mechanism comes from:

``fline`` / ``fline:NAME``
    An F-line stored in the S-file: ``fline`` the prime one, else the first; ``fline:NAME``
    the first whose program (columns 71-77) is NAME (case-insensitive; ``fline:`` a blank
    program, as SEISAN's event editor writes PINV's prime line).
``pinv``
    A fresh ``seisfoc pinv`` solution (modern mode) of the event's polarities.
``fps``
    A fresh ``seisfoc fps`` answer (``seisfoc.fps.solve``).
``focmec``
    FOCMEC's acceptable set computed by seisfoc (``seisfoc.gridsearch.focmec_set``: 2 deg,
    smallest error count, FOCMEC's nodal-ray rule) on the readings of ``focmec p``; the
    mechanism is the set's HASH average.
``file:PATH``
    FOCMEC's own output for the event (``fm_new.out`` or ``focmec.lst``, gzip allowed):
    its acceptable set, and its HASH average as the mechanism. Only with one event.

For every event that has both mechanisms: the Kagan angle between them; for each, the
polarity misfit on the event's readings (the number of readings whose polarity the
mechanism contradicts, the misfit fraction weighted as HASH weighs it, the stations); and
FOCMEC's acceptable set (from ``file:`` when given, else computed): whether the mechanism
lies inside it (FOCMEC would accept it: its error count, a ray on a plane counting as an
error, is at most the set's) and the Kagan angle to the set's nearest member.

The readings are chosen by ``selection`` (``seisfoc.polarity.readings``): ``focmec`` by
default, so that misfits and the set are FOCMEC's.
"""

from __future__ import annotations

import gzip
import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from seisfoc import gridsearch
from seisfoc.errors import SeisfocError
from seisfoc.io import nordic
from seisfoc.mechanism import kagan_angle, p_radiation
from seisfoc.polarity import readings as R
from seisfoc.polarity.fit import fit_statistics
from seisfoc.polarity.readings import event_label

__all__ = [
    "Source",
    "Side",
    "Comparison",
    "parse_source",
    "compare_event",
    "read_focmec_output",
    "summary",
]

#: grid step of FOCMEC sets, as SEISAN's runs
FOCMEC_STEP = 2.0


@dataclass(frozen=True)
class Source:
    kind: str  # fline, pinv, fps, focmec, file
    #: program name (fline:NAME; None for fline: any F-line, the prime one first) or path
    #: (file:PATH)
    name: str | None = ""

    @property
    def label(self) -> str:
        if self.kind == "fline":
            return "F-line" if self.name is None else f"F-line {self.name or '(blank)'}"
        if self.kind == "file" and self.name is not None:
            return os.path.basename(self.name)
        return self.kind


def parse_source(text: str) -> Source:
    """A source from its command-line text (see the module text)."""
    t = text.strip()
    if t in ("pinv", "fps", "focmec"):
        return Source(t)
    if t == "fline":
        return Source("fline", None)
    if t.startswith("fline:"):
        return Source("fline", t[6:].strip().upper())
    if t.startswith("file:") and len(t) > 5:
        return Source("file", t[5:])
    raise SeisfocError(
        f"unknown source {text!r}: use fline, fline:NAME, pinv, fps, focmec or file:PATH"
    )


@dataclass
class Side:
    """One source's mechanism on one event and its fit."""

    source: str
    strike: float
    dip: float
    rake: float
    misfit_count: int = 0
    misfit_fraction: float = math.nan
    misfit_stations: list[str] = field(default_factory=list)
    inside_focmec: bool | None = None
    focmec_errors: float = math.nan  #: its error count under FOCMEC's rule
    nearest_focmec_deg: float = math.nan

    @property
    def sdr(self) -> tuple[float, float, float]:
        return (self.strike, self.dip, self.rake)


@dataclass
class Comparison:
    """The comparison of one event (``status`` ``"ok"``, ``"skipped"`` or ``"error"``)."""

    path: str
    event_index: int
    label: str
    status: str
    message: str = ""
    n_polarities: int = 0
    a: Side | None = None
    b: Side | None = None
    kagan_deg: float = math.nan
    focmec_min_errors: float = math.nan
    focmec_size: int = 0
    focmec_source: str = ""

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "path": self.path,
            "event_index": self.event_index,
            "event": self.label,
            "status": self.status,
            "message": self.message,
            "n_polarities": self.n_polarities,
            "kagan_deg": _num(self.kagan_deg),
            "focmec_min_errors": _num(self.focmec_min_errors),
            "focmec_size": self.focmec_size,
            "focmec_source": self.focmec_source,
        }
        for key, side in (("a", self.a), ("b", self.b)):
            d[key] = None if side is None else {k: _num(v) for k, v in vars(side).items()}
        return d


def _num(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


# ------------------------------------------------------------------ FOCMEC's files


def read_focmec_output(path: str) -> np.ndarray:
    """FOCMEC's acceptable set from ``fm_new.out`` or ``focmec.lst`` (gzip allowed):
    rows (strike, dip, rake, P errors) in FOCMEC's order.

    ``fm_new.out``: lines ``dip strike rake P SV SH``; ``focmec.lst``: each solution's
    first ``Dip,Strike,Rake`` line (not the auxiliary plane) and its ``Total P polarity
    weight``.
    """
    try:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt", encoding="latin-1") as f:
            text = f.read()
    except OSError as exc:
        raise SeisfocError(f"cannot read FOCMEC output: {exc.strerror or exc}", path=path) from None
    rows: list[list[float]] = []
    if "Dip,Strike,Rake" in text:
        current = None
        for line in text.splitlines():
            s = line.strip()
            if s.startswith("Dip,Strike,Rake") and "Auxiliary" not in s:
                if current is not None:
                    rows.append(current)
                d, st, r = (float(x) for x in s.split()[1:4])
                current = [st, d, r, 0.0]
            elif s.startswith("Total P polarity weight") and current is not None:
                current[3] = float(s.split("is")[1].split()[0])
        if current is not None:
            rows.append(current)
    else:
        for line in text.splitlines():
            parts = line.split()
            if len(parts) != 6:
                continue
            try:
                d, st, r, p = (float(x) for x in parts[:4])
            except ValueError:
                continue
            rows.append([st, d, r, p])
    if not rows:
        raise SeisfocError("no FOCMEC solutions found (fm_new.out or focmec.lst)", path=path)
    return np.asarray(rows)


# ------------------------------------------------------------------ one event


def _fline(event: nordic.Event, name: str | None):
    planes = [f for f in event.fault_planes if f.strike is not None and f.dip is not None]
    if name is None:
        for f in planes:
            if f.is_prime:
                return f
        return planes[0] if planes else None
    for f in planes:
        if f.program.strip().upper() == name:
            return f
    return None


def _mechanism(
    source: Source,
    event: nordic.Event,
    readings_pinv: R.Readings,
    file_set: np.ndarray | None,
) -> tuple[tuple[float, float, float] | None, str]:
    """(strike, dip, rake) of a source on an event, or a reason it has none."""
    if source.kind == "fline":
        f = _fline(event, source.name)
        if f is None:
            what = (
                "an F-line" if source.name is None else f"an F-line of {source.name or '(blank)'}"
            )
            return None, f"no {what}"
        return (float(f.strike), float(f.dip), float(f.rake or 0.0)), ""
    if source.kind == "pinv":
        from seisfoc.polarity.pinv_solver import solve

        if len(readings_pinv) < 3:
            return None, f"{len(readings_pinv)} polarities for PINV"
        sol = solve(*readings_pinv.arrays(), mode="modern")
        return sol.strike_dip_rake, ""
    if source.kind == "fps":
        from .solve import solve_event

        result = solve_event(event)
        if result.answer is None:
            return None, f"fps: {result.message}"
        return result.answer, ""
    if source.kind in ("focmec", "file"):
        found = file_set if source.kind == "file" else None
        if found is None:
            sel = R.select(event, "focmec")
            if len(sel) < 1:
                return None, "no polarities for FOCMEC"
            s = gridsearch.focmec_set(*sel.arrays(), FOCMEC_STEP)
            found = np.c_[s.strike, s.dip, s.rake]
        return _set_average(found), ""
    raise SeisfocError(f"unknown source kind {source.kind}")


def _set_average(rows: np.ndarray) -> tuple[float, float, float]:
    n = rows.shape[0]
    fake = gridsearch.AcceptableSet(
        rows[:, 0], rows[:, 1], rows[:, 2], np.zeros(n), np.zeros(n), np.zeros((n, 3)),
        0.0, 0.0, FOCMEC_STEP, "baxis", n,
    )  # fmt: skip
    p = gridsearch.preferred_from_set(fake)
    return (float(p.strike), float(p.dip), float(p.rake))


def _side(
    label: str,
    sdr: tuple[float, float, float],
    readings: R.Readings,
    focmec_rows: np.ndarray | None,
    focmec_limit: float,
) -> Side:
    strike, dip, rake = sdr
    side = Side(label, float(strike), float(dip), float(rake))
    if len(readings):
        pol, ain, az = readings.arrays()
        amp = np.atleast_1d(p_radiation(strike, dip, rake, ain, az))
        wrong = pol * amp < 0.0
        side.misfit_count = int(np.count_nonzero(wrong))
        side.misfit_stations = [s for s, w in zip(readings.station, wrong, strict=True) if w]
        side.misfit_fraction, _ = fit_statistics(pol, ain, az, sdr, readings.weights)
        errors = gridsearch.misfit(strike, dip, rake, pol, ain, az, on_plane="error").misfit
        side.focmec_errors = float(errors)
        if focmec_rows is not None and focmec_rows.shape[0]:
            side.inside_focmec = bool(errors <= focmec_limit + 1e-9)
            k = kagan_angle(sdr, (focmec_rows[:, 0], focmec_rows[:, 1], focmec_rows[:, 2]))
            side.nearest_focmec_deg = float(np.min(k))
    return side


def compare_event(
    event: nordic.Event,
    a: Source,
    b: Source,
    *,
    index: int = 0,
    selection: str = "focmec",
    focmec_file: np.ndarray | None = None,
) -> Comparison:
    """Compare the mechanisms of sources ``a`` and ``b`` on one event.

    Parameters
    ----------
    event
        The event.
    a, b
        The sources (:func:`parse_source`).
    index
        The event's index in its file (reports).
    selection
        Readings for the misfits and the FOCMEC set (``seisfoc.polarity.readings``).
    focmec_file
        FOCMEC's own acceptable set (:func:`read_focmec_output`), else it is computed.

    Returns
    -------
    Comparison
        ``status`` ``"skipped"`` with the reason when a source has no mechanism.
    """
    out = Comparison(event.path or "", index, event_label(event), "ok")
    readings = R.select(event, selection)
    out.n_polarities = len(readings)
    pinv_readings = R.select(event, "pinv")
    mechs = []
    for source in (a, b):
        sdr, why = _mechanism(source, event, pinv_readings, focmec_file)
        if sdr is None:
            out.status, out.message = "skipped", why
            return out
        mechs.append(sdr)
    rows, limit = None, math.nan
    if focmec_file is not None:
        rows = focmec_file[:, :3]
        limit = float(np.min(focmec_file[:, 3]))
        out.focmec_source = "file"
        out.focmec_size = rows.shape[0]
    elif len(readings):
        fm = R.select(event, "focmec")
        s = gridsearch.focmec_set(*fm.arrays(), FOCMEC_STEP)
        rows, limit = np.c_[s.strike, s.dip, s.rake], s.max_misfit
        out.focmec_source = "computed"
        out.focmec_size = s.size
    out.focmec_min_errors = limit
    out.a = _side(a.label, mechs[0], readings, rows, limit)
    out.b = _side(b.label, mechs[1], readings, rows, limit)
    out.kagan_deg = float(kagan_angle(mechs[0], mechs[1]))
    return out


# ------------------------------------------------------------------ summary


def summary(results: list[Comparison], threshold_deg: float) -> dict[str, Any]:
    """Counts and Kagan-angle statistics of the compared events."""
    k = np.array([r.kagan_deg for r in results if r.status == "ok"])
    out: dict[str, Any] = {
        "events": len(results),
        "compared": int(k.size),
        "skipped": sum(r.status == "skipped" for r in results),
        "errors": sum(r.status == "error" for r in results),
        "threshold_deg": threshold_deg,
        "above_threshold": int(np.count_nonzero(k > threshold_deg)),
        "median_kagan_deg": float(np.median(k)) if k.size else None,
        "p90_kagan_deg": float(np.percentile(k, 90)) if k.size else None,
        "max_kagan_deg": float(np.max(k)) if k.size else None,
    }
    for key in ("a", "b"):
        inside = [getattr(r, key).inside_focmec for r in results if r.status == "ok"]
        out[f"{key}_inside_focmec"] = sum(bool(x) for x in inside if x is not None)
    return out
