"""P polarity readings of an event, selected for a polarity mechanism.

Three selections, each a rule a user can name (``selection=``):

``"qc"`` (default of ``seisfoc fps``)
    Phase lines whose phase is one of ``phases`` (default P, Pg, Pn, Pb and their upper
    case forms; never pP, sP or core phases) and that carry a polarity (C, U, +
    compression; D, - dilatation). Each reading is kept or dropped with a reason:

    * weight 4 or 9 in the weight column (15): dropped (HYP does not use the reading);
      otherwise the polarity weight is the Nordic weight code's fraction (0: 1, 1: 0.75,
      2: 0.5, 3: 0.25) when ``weights="nordic"``, 1 when ``"none"``;
    * blank AIN (take-off) or CAZ (azimuth): dropped, the ray is unknown;
    * ``|residual| > max_residual_s`` (default 3 s) or ``distance > max_distance_km``:
      dropped (a mis-picked or mis-associated onset);
    * a station in ``exclude_stations``: dropped;
    * one polarity per station: when several P phases of a station carry a polarity
      (P and Pg, Pg and Pn) the one with the earliest arrival time is kept and the others
      are dropped as repeats; when they disagree the station is dropped as a conflict.

``"focmec"``
    What SEISAN's ``focmec p`` feeds FOCMEC: every P-type phase line (column 80 blank or
    ``4``, phase name starting with ``P``, so pP is not used) with a polarity, weights 4
    and 9 included, repeated stations included, a blank AIN or CAZ read as 0. Use it for a
    like-for-like comparison with FOCMEC runs (``seisfoc compare``).

``"pinv"``
    ``seisfoc pinv``'s modern selection: every P-type phase with a polarity and both
    angles.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from seisfoc.errors import SeisfocError
from seisfoc.io import nordic

__all__ = ["SELECTIONS", "DEFAULT_PHASES", "Readings", "select"]

SELECTIONS = ("qc", "focmec", "pinv")
#: direct and head-wave P phases whose first motion is the source's P radiation
DEFAULT_PHASES = ("P", "PG", "PN", "PB", "P*")
_SIGN = {"C": 1.0, "U": 1.0, "+": 1.0, "D": -1.0, "-": -1.0}
#: Nordic weight code -> relative weight (HYP's 0 = full, 1 = 75 %, 2 = 50 %, 3 = 25 %)
_WEIGHT = {0: 1.0, 1: 0.75, 2: 0.5, 3: 0.25}
MAX_RESIDUAL_S = 3.0


@dataclass
class Readings:
    """Selected polarity readings of one event, and what was left out and why."""

    polarity: list[float] = field(default_factory=list)
    takeoff_deg: list[float] = field(default_factory=list)
    azimuth_deg: list[float] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    station: list[str] = field(default_factory=list)
    phase: list[str] = field(default_factory=list)
    line_number: list[int] = field(default_factory=list)
    #: (line number, station, phase, reason) of every reading not used
    dropped: list[tuple[int, str, str, str]] = field(default_factory=list)
    selection: str = "qc"

    def __len__(self) -> int:
        return len(self.polarity)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(polarity, take-off, azimuth) as float64 arrays."""
        return (
            np.asarray(self.polarity, dtype=np.float64),
            np.asarray(self.takeoff_deg, dtype=np.float64),
            np.asarray(self.azimuth_deg, dtype=np.float64),
        )

    @property
    def weights(self) -> np.ndarray:
        return np.asarray(self.weight, dtype=np.float64)

    def _add(self, sign, takeoff, azimuth, weight, station, phase, line):
        self.polarity.append(sign)
        self.takeoff_deg.append(float(takeoff))
        self.azimuth_deg.append(float(azimuth))
        self.weight.append(weight)
        self.station.append(station)
        self.phase.append(phase)
        self.line_number.append(line)


def select(
    event: nordic.Event,
    selection: str = "qc",
    *,
    phases: Iterable[str] | None = None,
    exclude_stations: Iterable[str] = (),
    max_distance_km: float | None = None,
    max_residual_s: float | None = MAX_RESIDUAL_S,
    weights: str = "nordic",
) -> Readings:
    """The polarity readings of ``event`` under a selection rule (see the module text).

    Parameters
    ----------
    event
        A Nordic event (``seisfoc.io.nordic``).
    selection
        ``"qc"``, ``"focmec"`` or ``"pinv"``.
    phases
        ``"qc"``: phase names to use (case-insensitive); default :data:`DEFAULT_PHASES`.
    exclude_stations
        ``"qc"``: station codes never used.
    max_distance_km, max_residual_s
        ``"qc"``: limits (``None``: no limit).
    weights
        ``"qc"``: ``"nordic"`` (weight column) or ``"none"`` (all 1).

    Returns
    -------
    Readings
    """
    if selection not in SELECTIONS:
        raise SeisfocError(f"selection must be one of {', '.join(SELECTIONS)}, not {selection!r}")
    if weights not in ("nordic", "none"):
        raise SeisfocError(f"weights must be 'nordic' or 'none', not {weights!r}")
    out = Readings(selection=selection)
    if selection in ("focmec", "pinv"):
        for n, pol, phase, station, ain, caz in nordic.polarity_readings(event, "P"):
            if selection == "pinv" and (ain is None or caz is None):
                out.dropped.append((n, station, phase, "blank AIN or CAZ"))
                continue
            out._add(_SIGN[pol], ain or 0.0, caz or 0.0, 1.0, station, phase, n)
        return out
    wanted = {p.upper() for p in (DEFAULT_PHASES if phases is None else phases)}
    excluded = {s.upper() for s in exclude_stations}
    candidates = []
    for p in event.phases:
        if not p.polarity or p.polarity not in _SIGN:
            continue
        name = p.phase.strip()
        if name.upper() not in wanted or not name[:1].isupper():
            if name[:1].upper() == "P" or name[:2].upper() in ("PP", "SP"):
                out.dropped.append((p.line_number, p.station, name, f"phase {name} not used"))
            continue
        why = _reject(p, excluded, max_distance_km, max_residual_s)
        if why:
            out.dropped.append((p.line_number, p.station, name, why))
            continue
        code = p.weight_indicator.strip()
        w = 1.0 if weights == "none" or not code.isdigit() else _WEIGHT.get(int(code), 1.0)
        seconds = (p.hour or 0) * 3600.0 + (p.minute or 0) * 60.0 + (p.second or 0.0)
        candidates.append((p.station, seconds, p, w))
    by_station: dict[str, list] = {}
    for c in candidates:
        by_station.setdefault(c[0], []).append(c)
    for station, group in by_station.items():
        signs = {_SIGN[c[2].polarity] for c in group}
        if len(signs) > 1:
            what = ", ".join(f"{c[2].phase.strip()} {c[2].polarity}" for c in group)
            for c in group:
                out.dropped.append(
                    (
                        c[2].line_number,
                        station,
                        c[2].phase.strip(),
                        f"conflicting polarities ({what})",
                    )
                )
            continue
        group.sort(key=lambda c: c[1])
        keep = group[0]
        for c in group[1:]:
            out.dropped.append(
                (
                    c[2].line_number,
                    station,
                    c[2].phase.strip(),
                    f"repeat of {keep[2].phase.strip()} (one polarity per station)",
                )
            )
        p = keep[2]
        out._add(
            _SIGN[p.polarity],
            p.ain_deg,
            p.caz_deg,
            keep[3],
            station,
            p.phase.strip(),
            p.line_number,
        )
    order = np.argsort(out.line_number, kind="stable")
    for name in (
        "polarity",
        "takeoff_deg",
        "azimuth_deg",
        "weight",
        "station",
        "phase",
        "line_number",
    ):
        values = getattr(out, name)
        setattr(out, name, [values[i] for i in order])
    out.dropped.sort()
    return out


def _reject(p, excluded, max_distance_km, max_residual_s) -> str:
    if p.station.upper() in excluded:
        return "station excluded"
    if p.weight_indicator.strip() in ("4", "9"):
        return f"weight {p.weight_indicator.strip()} (not used by HYP)"
    if p.ain_deg is None or p.caz_deg is None:
        return "blank AIN or CAZ (ray unknown)"
    if max_residual_s is not None and p.time_residual_s is not None:
        if abs(p.time_residual_s) > max_residual_s:
            return f"residual {p.time_residual_s:g} s beyond {max_residual_s:g} s"
    if max_distance_km is not None and p.distance_km is not None:
        if p.distance_km > max_distance_km:
            return f"distance {p.distance_km:g} km beyond {max_distance_km:g} km"
    return ""


def event_label(event: nordic.Event) -> str:
    """``YYYY-MM-DD hh:mm:ss.s`` of the event's origin, else its file name."""
    h = event.headers[0] if event.headers else None
    if h is None or h.year is None:
        return os.path.basename(event.path or "event")
    sec = h.second if h.second is not None else 0.0
    return (
        f"{h.year:04d}-{h.month or 0:02d}-{h.day or 0:02d} "
        f"{h.hour or 0:02d}:{h.minute or 0:02d}:{sec:04.1f}"
    )
