"""Body-wave amplitudes from Nordic S-files for INVRAD, INVDC and SYNRAD.

An S-file (or ``hyp.out``) becomes the readings of ``seisfoc invrad|invdc|synrad`` as
follows; everything a line does not say unambiguously is an error naming the file and
the line, never a guess.

Which lines are readings
    Only phase lines named ``AMPG`` (direct P) or ``AMSG`` (direct S): amplitude names in
    SEISAN's ``AM..`` style that say which wave was measured (``AMP`` + ``G``: the Pg
    pulse, ``AMS`` + ``G``: the Sg pulse) and that no locator or magnitude program writes.
    Every other amplitude in an S-file is left alone (and counted in the error when an
    event has no readings): ``IAML``, ``IAmb``, ``IAMs``, ``AML``, ``AMPB``, ``AMPS``
    and the amplitudes on ``P``/``S``/blank phase lines are maximum amplitudes for
    magnitudes (unsigned, of whatever wave is largest, often Wood-Anderson filtered;
    that is all the real S-files of SEISAN's TEST_ database carry), not the signed first
    pulse of one direct wave, and Nordic2 stores no amplitude on a ``P`` line at all.
    ``AMPN``/``AMSN`` (Pn, Sn) are errors: head waves are not the direct rays the
    Green's functions are made for.

Which wave
    ``AMPG`` on component Z or R is P; ``AMSG`` on T is SH, on R or Z it is SV.
    ``AMPG`` on T is an error (P has no transverse motion). The component is the last
    character of the component field (old Nordic ``SZ``, ``BR``, ``HT``; Nordic2 channel
    ``HHZ``, ``HHR``, ``HHT``). N, E, 1, 2 are rejected: turning them into R and T needs
    both horizontals, which a single amplitude reading does not carry; rotate first.

Sign
    Positive means up on Z, away from the source on R and clockwise seen from above on T
    (T = R turned 90 degrees clockwise), as ObsPy and SAC rotate. The sign comes either
    from the polarity column (old Nordic column 17: ``C``, ``U`` or ``+`` positive, ``D``
    or ``-`` negative) or from an explicit ``+`` or ``-`` written before the amplitude
    (the only way in Nordic2, whose amplitude phases have no polarity column). A plain
    amplitude without either is unsigned, as every magnitude amplitude is, and is an
    error naming the line (``skip_unsigned`` drops such readings instead and lists them
    in ``notes``); so is a sign given twice. An amplitude of exactly 0 needs no sign.

Units
    Amplitudes are zero-to-peak ground displacement of the first pulse in nm (the Nordic
    convention) and are divided by 1000 to give the microns the programs work in. Period
    columns are ignored.

Weights
    A weighting indicator of 4 or 9 (HYP's "do not use") drops the reading (noted).
    Blank and 0-3 keep it; they are HYP's travel-time weights and do not weight the
    amplitude fit. Any other character (5-8, a letter) is an error naming the column
    (old Nordic 15, or 9 with a long phase name; Nordic2 25).

Geometry
    Epicentral distance (columns 71-75) and azimuth event to station (CAZ, columns 77-79)
    come from the phase line as HYP wrote them; a negative distance or a CAZ outside
    0-360 is an error. Where either is blank both are computed
    from the station's coordinates in ``STATION0.HYP`` and the event's epicentre on the
    prime header line (great circle on a sphere of radius 6371 km after converting
    geographic to geocentric latitudes, as SEISAN's HYP does).

Source depth
    The prime header's depth (columns 39-43); the caller may override it.

Model and stations
    :func:`find_station0` finds ``STATIONx.HYP`` as SEISAN does: the working folder, then
    ``$SEISAN_TOP/DAT``, then the ``DAT`` folder of the database the S-file lies in
    (``<top>/REA/<BASE>/YYYY/MM/``); ``x`` is the header's location-model indicator
    (column 21, blank = ``0``).

The readers never print; what was skipped is returned in ``notes``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from seisfoc.amplitude.readings import AmplitudeReadings
from seisfoc.errors import NordicError
from seisfoc.io import nordic
from seisfoc.io.nordic import fields as nordic_fields
from seisfoc.io.seisan import find_station_file
from seisfoc.io.station0 import StationCoordinates, read_station_coordinates
from seisfoc.io.station0 import read_agency as station0_agency

if TYPE_CHECKING:
    from seisfoc.io.invrad import InvradInput

__all__ = [
    "P_NAMES",
    "S_NAMES",
    "SfileReadings",
    "StationCoordinates",
    "read_sfile_amplitudes",
    "select_event",
    "readings_from_event",
    "read_station_coordinates",
    "find_station0",
    "station0_agency",
    "distance_azimuth",
    "format_amplitude_phase_line",
    "is_nordic_file",
]

#: phase names of direct-wave amplitude picks (upper case)
P_NAMES = frozenset({"AMPG"})
S_NAMES = frozenset({"AMSG"})
#: head-wave amplitudes: named in an error, not used
HEAD_WAVE_NAMES = frozenset({"AMPN", "AMSN"})
POSITIVE = frozenset("CU+")
NEGATIVE = frozenset("D-")
UNUSED_WEIGHTS = frozenset({"4", "9"})
USED_WEIGHTS = frozenset({"", "0", "1", "2", "3"})
#: first column of each field of an amplitude line, for errors found later (rays, ...)
_COLUMNS = {
    nordic.NORDIC1: {"station": 2, "component": 8, "phase": 11, "amplitude": 34,
                     "distance": 71, "azimuth": 77},
    nordic.NORDIC2: {"station": 2, "component": 9, "phase": 17, "amplitude": 38,
                     "distance": 71, "azimuth": 77},
}  # fmt: skip
EARTH_RADIUS_KM = 6371.0
_FLATTENING = 1.0 / 298.257


@dataclass
class SfileReadings:
    """Amplitude readings of one event of an S-file, ready for the amplitude programs."""

    readings: AmplitudeReadings
    source_depth_km: float | None
    title: str
    path: str | None
    event_index: int
    event: nordic.Event
    notes: list[str] = field(default_factory=list)

    def as_invrad_input(self, sigma_microns: float | None = None) -> InvradInput:
        """The readings as an ``invrad.inp`` would give them (title, depth, sigma)."""
        from seisfoc.io.invrad import InvradInput

        return InvradInput(
            self.title, self.source_depth_km, sigma_microns, self.readings, self.path
        )


# ----------------------------------------------------------------------------------------
# stations and geometry


def _geocentric(lat_deg: ArrayLike) -> np.ndarray:
    return np.arctan((1.0 - _FLATTENING) ** 2 * np.tan(np.radians(lat_deg)))


def distance_azimuth(
    lat_event: ArrayLike, lon_event: ArrayLike, lat_station: ArrayLike, lon_station: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Epicentral distance (km) and azimuth event -> station (deg, 0-360) on the sphere.

    Latitudes are turned geocentric first; the distance is the great-circle angle times
    6371 km. Vectorised over numpy arrays.
    """
    a1, a2 = _geocentric(np.asarray(lat_event, float)), _geocentric(np.asarray(lat_station, float))
    dlon = np.radians(np.asarray(lon_station, float) - np.asarray(lon_event, float))
    x = np.cos(a1) * np.sin(a2) - np.sin(a1) * np.cos(a2) * np.cos(dlon)
    y = np.cos(a2) * np.sin(dlon)
    z = np.sin(a1) * np.sin(a2) + np.cos(a1) * np.cos(a2) * np.cos(dlon)
    delta = np.arctan2(np.hypot(x, y), z)
    az = np.degrees(np.arctan2(y, x)) % 360.0
    return EARTH_RADIUS_KM * delta, az


def find_station0(sfile_path: str | None = None, model_indicator: str = "") -> str | None:
    """``STATIONx.HYP`` as SEISAN looks for it (:func:`seisfoc.io.seisan.find_station_file`)."""
    return find_station_file(sfile_path, model_indicator)


# ----------------------------------------------------------------------------------------
# the readings


def is_nordic_file(path: str | os.PathLike[str]) -> bool:
    """True when the file is a Nordic S-file or hyp.out rather than an ``invrad.inp``:
    the Nordic sniffer, :func:`seisfoc.io.nordic.is_nordic` (more than the first line)."""
    return nordic.is_nordic(path, what="a readings file (invrad.inp or Nordic)")


def select_event(
    path: str | os.PathLike[str], event_number: int | None = None
) -> tuple[nordic.Event, int]:
    """Event ``event_number`` (1-based) of an S-file or ``hyp.out`` and its 0-based index.

    Without ``event_number`` the file must hold exactly one event.
    """
    path = os.fspath(path)
    events = nordic.read_events(path)
    if not events:
        raise NordicError("no event in the file", path)
    if event_number is None:
        if len(events) > 1:
            raise NordicError(
                f"the file holds {len(events)} events: choose one with --event N", path
            )
        event_number = 1
    if not 1 <= event_number <= len(events):
        raise NordicError(
            f"event {event_number} does not exist: the file holds {len(events)} event(s)", path
        )
    return events[event_number - 1], event_number - 1


def read_sfile_amplitudes(
    path: str | os.PathLike[str],
    event_number: int | None = None,
    stations: StationCoordinates | None = None,
    skip_unsigned: bool = False,
) -> SfileReadings:
    """The readings of event ``event_number`` (1-based) of an S-file or ``hyp.out``.

    Without ``event_number`` the file must hold exactly one event.
    """
    ev, index = select_event(path, event_number)
    return readings_from_event(ev, index, stations, skip_unsigned)


def _title(ev: nordic.Event) -> str:
    h = ev.prime_header
    if h is None:
        return os.path.basename(ev.path or "")
    return h.raw[:23].decode("latin-1").strip() + "  " + os.path.basename(ev.path or "")


def readings_from_event(
    ev: nordic.Event,
    event_index: int = 0,
    stations: StationCoordinates | None = None,
    skip_unsigned: bool = False,
) -> SfileReadings:
    """Amplitude readings of one event (see the module doc for the mapping)."""
    path = ev.path
    rows: list[list[Any]] = []  # (station, comp, phase, dist, az, amp_microns, line)
    notes: list[str] = []
    need_geometry = []
    seen: dict[tuple[str, str, str], int] = {}
    other_amplitudes: dict[str, int] = {}
    amplitude_names = P_NAMES | S_NAMES | HEAD_WAVE_NAMES
    phases: list[Any] = ev.phases  # Phase fields are decoded on first use
    for ph in phases:
        name = ph.phase.upper()
        if ev.nordic_format == nordic.NORDIC1 and name not in amplitude_names:
            short = nordic_fields.short_phase_text(ph.raw).upper()
            if short in amplitude_names and _weight_column(ph, ev.nordic_format) == 9:
                # a letter in column 15 made the reader take a long phase name
                raise NordicError(
                    f"amplitude line {ph.station} {short}: weighting indicator "
                    f"{ph.raw[14:15].decode('latin-1')!r} is not 0-4 or 9 (blank or 0-3: use "
                    "the reading, 4 or 9: do not use it)",
                    path,
                    ph.line_number,
                    15,
                )
        if name not in amplitude_names:
            if ph.amplitude_nm is not None:
                key = ph.phase or "(blank)"
                other_amplitudes[key] = other_amplitudes.get(key, 0) + 1
            continue
        n = ph.line_number

        def err(message: str, column: int | None = None, n: int = n, ph: Any = ph) -> NordicError:
            return NordicError(f"amplitude line {ph.station} {ph.phase}: {message}", path, n,
                               column)  # fmt: skip

        if name in HEAD_WAVE_NAMES:
            raise err(
                f"{name} is a head-wave (Pn/Sn) amplitude; only direct waves can be inverted "
                "(use AMPG for direct P, AMSG for direct S)"
            )
        if ph.weight_indicator not in USED_WEIGHTS | UNUSED_WEIGHTS:
            raise err(
                f"weighting indicator {ph.weight_indicator!r} is not 0-4 or 9 (blank or 0-3: "
                "use the reading, 4 or 9: do not use it)",
                _weight_column(ph, ev.nordic_format),
            )
        if ph.weight_indicator in UNUSED_WEIGHTS:
            notes.append(f"line {n}: {ph.station} {ph.phase} has weight {ph.weight_indicator}: "
                         "not used")  # fmt: skip
            continue
        comp_field = ph.component.strip().upper()
        comp = comp_field[-1:] if comp_field else ""
        if comp in ("N", "E", "1", "2"):
            raise err(
                f"component {comp_field!r} is horizontal but not rotated: give the amplitude "
                "on R (radial) or T (transverse); rotating needs both horizontals"
            )
        if comp not in ("Z", "R", "T"):
            raise err(f"component {comp_field!r} is not Z, R or T")
        if name in P_NAMES:
            if comp == "T":
                raise err("a P amplitude cannot be read on the transverse component T")
            wave = "P"
        else:
            wave = "SH" if comp == "T" else "SV"
        amp = ph.amplitude_nm
        if amp is None:
            raise err("the amplitude column is blank", 34 if ev.nordic_format == 1 else 38)
        if not math.isfinite(amp):
            raise err("the amplitude is not a finite number")
        pol = ph.polarity
        start = nordic_fields.AMPLITUDE_COLUMN[ev.nordic_format] - 1
        text = nordic_fields.amplitude_text(ph.raw, ev.nordic_format)
        explicit = text[:1] if text[:1] in ("+", "-") else ""
        if explicit and pol:
            raise err(
                f"amplitude written {text!r} and polarity {pol!r}: give the sign once, either "
                "as polarity (C/U/+ or D/-) or as the sign of the amplitude",
                start + 1,
            )
        if amp == 0.0:
            signed = 0.0
        elif explicit:
            signed = amp
        elif pol in POSITIVE:
            signed = amp
        elif pol in NEGATIVE:
            signed = -amp
        else:
            if skip_unsigned:
                notes.append(f"line {n}: {ph.station} {ph.phase} {comp} has no sign: not used")
                continue
            where = "in column 17 (C/U/+ or D/-) or " if ev.nordic_format == 1 else ""
            raise err(
                f"the amplitude has no sign: put the first-motion polarity {where}an explicit "
                "+ or - before the amplitude (or use --skip-unsigned)",
                17 if ev.nordic_format == 1 else start + 1,
            )
        key = (ph.station, comp, wave)
        if key in seen:
            raise err(f"a second {wave} amplitude on {comp} at {ph.station} (the first is on "
                      f"line {seen[key]}): keep one")  # fmt: skip
        seen[key] = n
        dist, caz = ph.distance_km, ph.caz_deg
        if dist is not None and not (math.isfinite(dist) and dist >= 0.0):
            raise err(f"distance {dist:g} km must not be negative", 71)
        if caz is not None and not 0 <= caz <= 360:
            raise err(f"azimuth (CAZ) {caz} deg is outside 0-360", 77)
        if dist is None or caz is None:
            need_geometry.append(len(rows))
        rows.append([ph.station, comp, wave, dist, caz, signed / 1000.0, n])
    if not rows:
        others = ""
        if other_amplitudes:
            listed = ", ".join(f"{k} x{v}" for k, v in sorted(other_amplitudes.items()))
            others = (
                f" (its other amplitudes, {listed}, are magnitude amplitudes without a sign "
                "and are not used)"
            )
        raise NordicError(
            "no amplitude readings: the event has no AMPG (direct P) or AMSG (direct S) "
            f"phase lines{others}",
            path,
            ev.first_line,
        )
    if need_geometry:
        _fill_geometry(ev, rows, need_geometry, stations, notes)
    readings = AmplitudeReadings(
        station=[r[0] for r in rows],
        component=np.array([r[1] for r in rows], dtype="U2"),
        phase=np.array([r[2] for r in rows], dtype="U2"),
        distance_km=np.array([float(r[3]) for r in rows]),
        azimuth_deg=np.array([float(r[4]) for r in rows]),
        amplitude_microns=np.array([r[5] for r in rows], dtype=np.float64),
        radial_toward_source=False,
        path=path,
        line_numbers=np.array([r[6] for r in rows], dtype=np.int64),
        columns=dict(_COLUMNS.get(ev.nordic_format, _COLUMNS[nordic.NORDIC1])),
    )
    return SfileReadings(readings, ev.depth_km, _title(ev), path, event_index, ev, notes)


def _weight_column(ph: Any, nordic_format: int | None) -> int:
    """Column of the weighting indicator: 15 (9 with a long phase name), Nordic2 25."""
    return nordic_fields.weight_column(ph.raw, nordic_format)


def _fill_geometry(
    ev: nordic.Event,
    rows: list[list[Any]],
    index: list[int],
    stations: StationCoordinates | None,
    notes: list[str],
) -> None:
    first = rows[index[0]]
    where = f"{first[0]} on line {first[6]}"
    if stations is None:
        raise NordicError(
            f"{where}: distance or azimuth (columns 71-79) is blank and no STATION0.HYP "
            "was found for the station coordinates: locate the event or give --stations",
            ev.path,
            first[6],
            71,
        )
    h = ev.prime_header
    if h is None or h.latitude is None or h.longitude is None:
        raise NordicError(
            f"{where}: distance or azimuth is blank and the event has no epicentre on its "
            "header line to compute them",
            ev.path,
            ev.first_line,
            24,
        )
    for k in index:
        r = rows[k]
        coords = stations.get(r[0])
        if coords is None:
            raise NordicError(
                f"station {r[0]}: distance or azimuth is blank and the station is not in "
                f"{stations.path}",
                ev.path,
                r[6],
                71,
            )
        dist, az = distance_azimuth(h.latitude, h.longitude, coords[0], coords[1])
        r[3], r[4] = float(dist), float(az)
    notes.append(f"distance and azimuth of {len(index)} reading(s) computed from "
                 f"{stations.path}")  # fmt: skip


# ----------------------------------------------------------------------------------------
# writing amplitude lines (fixtures, synthetic S-files)


def _amplitude_field(value: float, width: int = 7, sign: bool = False) -> str:
    """The most precise text of ``value`` in ``width`` columns, always with a decimal point
    (Fortran reads a number without one in an ``F7.1`` field as tenths); ``sign`` writes
    an explicit ``+`` for positive values."""
    plus = "+" if sign else ""
    for decimals in range(4, 0, -1):
        s = f"{value:{plus}.{decimals}f}"
        if len(s) <= width:
            return s.rjust(width)
    s = f"{value:{plus}.0f}."
    if len(s) <= width:
        return s.rjust(width)
    for decimals in range(3, -1, -1):
        s = f"{value:{plus}#.{decimals}E}"
        if len(s) <= width:
            return s.rjust(width)
    raise NordicError(f"amplitude {value:g} nm does not fit in {width} columns")


def format_amplitude_phase_line(
    station: str,
    component: str,
    phase: str,
    amplitude_nm: float,
    *,
    polarity: str = "",
    distance_km: float | None = None,
    caz_deg: int | None = None,
    hour: int = 0,
    minute: int = 0,
    second: float = 0.0,
    nordic_format: int = nordic.NORDIC1,
    instrument: str = "S",
    explicit_sign: bool = True,
) -> str:
    """An 80-column amplitude phase line (old Nordic or Nordic2) as SEISAN lays it out.

    Old Nordic: station 2-6, instrument 7, component 8, phase 11-14, polarity 17, time
    19-28, amplitude 34-40, distance 71-75, CAZ 77-79. Nordic2: channel 7-9 (instrument
    ``H`` plus ``H`` plus component), phase 17-24, time 27-37, amplitude 38-44 (Nordic2 has
    no polarity on amplitude phases: give a negative amplitude instead).
    """
    dist = "" if distance_km is None else f"{distance_km:5.1f}"
    if len(dist) > 5:
        dist = f"{distance_km:5.0f}"
    caz = "" if caz_deg is None else f"{int(caz_deg):3d}"
    amp = _amplitude_field(float(amplitude_nm), sign=explicit_sign and not polarity)
    if nordic_format == nordic.NORDIC1:
        line = (
            f" {station:<5s}{instrument:1s}{component:1s}  {phase:<4s}  {polarity:1s} "
            f"{hour:2d}{minute:2d}{second:6.2f}     {amp}"
        )
    else:
        if polarity:
            raise NordicError("Nordic2 amplitude lines have no polarity column")
        line = (
            f" {station:<5s}{instrument}H{component:1s}       {phase:<8s}  "
            f"{hour:2d}{minute:2d} {second:6.3f}{amp}"
        )
    line = line.ljust(70) + f"{dist:>5s} {caz:>3s} "
    assert len(line) == 80, (len(line), line)
    return line
