"""Old Nordic to Nordic2, line for line as SEISAN's Nordic2 event writer produces it.

SEISAN (``NORDIC_FORMAT 1.0``, "both") reads an old-Nordic event through its general
event reader into memory and writes it back with its event writer in Nordic2; the drop-in
``pinv`` does the same to a composite ``hyp.out`` (FORMATS.md section 1). This module is
that reader and writer for one event, reproducing the original's output to the byte
(``reference/edge/format_both/composite_old``, ``reference/nordic2/19950822_nor2nor2``).

What the reader keeps (every other line is dropped, as in SEISAN: types 4/blank in the
header, 7, 8, 9, A, ...):

* type-1 lines, each a hypocentre. Lines with a blank hypocentre (columns 24-43) and a
  magnitude (57-79) are read after all others, the last first; such a line whose columns
  1-23 and agency equal those of another, earlier non-first type-1 line adds its
  magnitudes to that one (written back as its extra-magnitude line);
* E lines: each to the first hypocentre with a location and no error line yet whose
  agency (and column 10) match, or, with a blank agency, to the prime one; others dropped;
  H lines likewise (agency in 61-63, or the same time and place);
* ``SPEC AVERAGE``/``SPEC SD`` and pairs of old ``SPEC`` station lines; ``LOCALITY:``;
  F, 6, P, 2 and 3 lines verbatim (type 5 becomes a comment, ``old error`` in 2-10);
  the first I line;
* phase lines; in old Nordic a coda duration becomes its own ``END`` line (time = phase
  time + coda), an amplitude on a seismic phase an ``AMP`` line, a back-azimuth (with
  apparent velocity and azimuth residual) a ``BAZ-<phase>`` line.

What the writer writes, in this order: each hypocentre (type 1) with its H, E and
extra-magnitude lines; the ``AV-SD`` line; the spectral help line and one ``S`` line per
station spectrum; ``LOCALITY``; F; 6; P; 2; 3; I; the type-7 help line; the phases; a
blank line. Numbers are rewritten with the writer's edit descriptors in single precision
(``  62.2813`` becomes `` 62.281``, hour `` 0`` becomes ``00``, AIN ``55`` ``55.0``,
distance ``128`` stays ``  128``, 70.9 `` 70.9``). Column 1 of output line *k* is column
1 of input line *k*, as SEISAN restores it. All lines are 80 columns.

SEISAN's reader then reads the Nordic2 text again (PINV's composite rewrite, every other
reader): :func:`magnitude_lines_last` is that second read's reordering.

A Nordic2 event is read the same way (its ``AV-SD`` and ``S`` spectral lines, its phase
lines with amplitude, coda and back-azimuth on their own lines) and written back: phase
lines SEISAN leaves unchanged come out unchanged (``reference/sfiles/TEST13_``).

Numbers are read with the suite's one Fortran field reader
(:mod:`seisfoc.io.fortran_fields`) using SEISAN's edit descriptors, and written with its
writer in single precision. Where SEISAN's reader differs from
:mod:`seisfoc.io.nordic.fields` (the test for a long phase name, AIN read ``F3.0`` from
columns 58-60, a blank residual read as 0 when a weight follows, what is a seismic phase),
SEISAN's rule is the one applied here, as the output must be the original's.

Not converted (:class:`ConversionError`, the caller keeps the old layout): a moment-tensor
pair (type M), and any field SEISAN's reader would stop on (a type-1 line it cannot read,
a phase time that is no number). Only the standard library is used (the drop-in imports
this at run time).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from seisfoc.errors import NordicError
from seisfoc.io.fortran_fields import (
    FieldError,
    fortran_e,
    fortran_f,
    fortran_i,
    parse_int,
    parse_real,
    single_precision,
)
from seisfoc.io.nordic.fields import NORDIC1, NORDIC2, detect_format

__all__ = [
    "ConversionError",
    "HELP_LINE",
    "SPECTRAL_HELP_LINE",
    "convert_event",
    "magnitude_lines_last",
    "phase_ok",
]

#: the Nordic2 phase help line (type 7) and spectral help line SEISAN writes
HELP_LINE = " STAT COM NTLO IPHASE   W HHMM SS.SSS   PAR1  PAR2 AGA OPE  AIN  RES W  DIS CAZ7"
SPECTRAL_HELP_LINE = (
    " STA  COM NTLO  OM  F0 AL     T  WI   GD  MO ST   R   K   VX  DE  Q0  QA Q1  MWS"
)
_UNSET = -999.0
_F32 = single_precision


class ConversionError(NordicError):
    """An event this converter does not turn into Nordic2 (see the module doc)."""


# ------------------------------------------------------------------------------ records


@dataclass
class _Hypocentre:
    year: int = -999
    month: int = -999
    day: int = -999
    hour: int = -999
    minute: int = -999
    second: float = _UNSET
    auto: str = " "
    model: str = " "
    distance_id: str = " "
    event_type: str = " "
    fix_time: str = " "
    latitude: float = _UNSET
    longitude: float = _UNSET
    depth: float = _UNSET
    depth_flag: str = " "
    epicentre_flag: str = " "
    agency: str = "   "
    n_stations: int = -999
    rms: float = _UNSET
    #: six magnitudes: [value, type, agency]; 4-6 come from an extra-magnitude line
    magnitudes: list = field(default_factory=lambda: [[_UNSET, " ", "   "] for _ in range(6)])
    high_accuracy: bool = False
    has_error: bool = False
    gap: float = _UNSET
    time_error: float = _UNSET
    latitude_error: float = _UNSET
    longitude_error: float = _UNSET
    depth_error: float = _UNSET
    covariance: list = field(default_factory=lambda: [-9.9e10] * 3)


@dataclass
class _Reading:
    """One phase (or, with ``phase`` ``SPEC``, one station spectrum) as SEISAN holds it."""

    station: str = "     "
    co: str = "  "
    com: str = "   "
    network: str = "  "
    location: str = "  "
    phase: str = "        "
    onset: str = " "
    weight_in: str = " "
    weight_out: str = "  "
    polarity: str = " "
    auto: bool = False
    hour: int = -999
    minute: int = -999
    second: float = _UNSET
    coda: float = _UNSET
    amplitude: float = _UNSET
    period: float = _UNSET
    backazimuth: float = _UNSET
    velocity: float = _UNSET
    ain: float = _UNSET
    backazimuth_residual: float = _UNSET
    residual: float = _UNSET
    distance: float = _UNSET
    azimuth: float = _UNSET
    agency: str = "   "
    operator: str = "   "
    magnitude_residual: float = _UNSET
    # spectral parameters
    moment: float = _UNSET
    stress_drop: float = _UNSET
    omega0: float = _UNSET
    corner_frequency: float = _UNSET
    radius: float = _UNSET
    slope: float = _UNSET
    window: float = _UNSET
    mw: float = _UNSET
    kappa: float = _UNSET
    geo_distance: float = _UNSET
    spectrum_phase: str = " "
    vs: float = _UNSET
    vp: float = _UNSET
    density: float = _UNSET
    q0: float = _UNSET
    q_alpha: float = _UNSET
    q_below_1hz: float = _UNSET


@dataclass
class _Event:
    hypocentres: list = field(default_factory=list)
    readings: list = field(default_factory=list)
    n_spectra: int = 0
    average: dict = field(default_factory=dict)  #: AV of the spectra: name -> value
    deviation: dict = field(default_factory=dict)  #: SD of the spectra: name -> value
    locality: str = ""
    faults: list = field(default_factory=list)
    waveforms: list = field(default_factory=list)
    pictures: list = field(default_factory=list)
    macroseismic: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    id_line: str = ""


# ------------------------------------------------------------------------------ fields


class _Stop(Exception):
    """A field SEISAN's reader cannot read: it stops reading that line."""


def _value(text: str, kind: str, decimals: int = 0):
    """A field read with a Fortran edit descriptor (``i`` or ``f`` with ``decimals``
    implied decimals), blanks as nulls; a blank field is 0, as Fortran reads it."""
    try:
        if kind == "i":
            n = parse_int(text)
            return 0 if n is None else n
        v = parse_real(text, decimals, d_exponent=True)
    except FieldError:
        raise _Stop from None
    if v is None:
        return 0.0
    v = _F32(v)
    if math.isinf(v):  # beyond REAL*4: Fortran's read fails
        raise _Stop
    return v


def _read_fields(target, line: str, fields) -> bool:
    """Fields ``(attribute, first column, last column, kind, decimals)`` read into
    ``target`` when not blank; a label field ``(None, first, last, text)`` must hold its
    text. False when a field stops the reading (what was read is kept, as in SEISAN)."""
    for spec in fields:
        name, a, b = spec[0], spec[1] - 1, spec[2]
        if name is None:
            if line[a:b] != spec[3]:
                return False
            continue
        text = line[a:b]
        if not text.strip():
            continue
        try:
            setattr(target, name, _value(text, spec[3], spec[4]))
        except _Stop:
            return False
    return True


def phase_ok(phase: str) -> bool:
    """SEISAN's test for a seismic phase name (not an amplitude, ``END`` or ``BAZ``).

    Parameters
    ----------
    phase
        The phase name (up to 8 characters, as in Nordic2 columns 17-24).

    Returns
    -------
    bool
        True for a name starting with ``P p S s L G R H T x r t E`` or ``I`` followed by a
        blank, ``p``, ``s`` or ``r``, unless it starts with ``BAZ`` or ``END``.
    """
    phase = phase.ljust(8)
    if phase[:3] in ("BAZ", "END"):
        return False
    return phase[0] in "PpSsLGRHTxrtE" or phase[:2] in ("I ", "Ip", "Is", "Ir")


def _phase_line_format(text: str) -> int | None:
    """The format of a line if it is a phase line (SEISAN's test of an untyped line in the
    header), else None."""

    def number(a: int, b: int, kind: str):
        return _value(text[a - 1 : b], kind, 1 if kind == "f" else 0)

    def amplitude_like(name: str) -> bool:
        return name[:3] in ("END", "BAZ") or name[:2] in ("IA", "IV", "AM", "AP")

    try:
        number(24, 28, "i")
        hour, minute, second = number(27, 28, "i"), number(29, 30, "i"), number(31, 37, "f")
        if (
            text[9] == " "
            and text[14] == " "
            and text[26] in " 120"
            and 0 <= hour <= 26
            and 0 <= minute <= 60
            and 0.0 <= second <= 200.0
            and text[28:37].strip()
        ):
            name = text[16:25]
            if (
                phase_ok(name)
                or amplitude_like(name)
                or name[:2] == "A "
                or (name[0] == " " and text[15] in "IE")
            ):
                return NORDIC2
    except _Stop:
        pass
    try:
        hour, minute, second = number(19, 20, "i"), number(21, 22, "i"), number(23, 28, "f")
    except _Stop:
        return None
    if text[18] in " 120" and 0 <= hour <= 26 and 0 <= minute <= 60 and 0 <= second <= 200:
        name = text[10:18]
        if phase_ok(name) or amplitude_like(name) or (name[0] == " " and text[9] in "IE"):
            return NORDIC1
    return None


# ------------------------------------------------------------------------------ reading

_HEADER_TIME = (
    ("year", 2, 5, "i", 0),
    ("month", 7, 8, "i", 0),
    ("day", 9, 10, "i", 0),
    ("hour", 12, 13, "i", 0),
    ("minute", 14, 15, "i", 0),
    ("second", 17, 20, "f", 1),
)
_HEADER_PLACE = (
    ("latitude", 24, 30, "f", 3),
    ("longitude", 31, 38, "f", 3),
    ("depth", 39, 43, "f", 1),
)
_HEADER_TAIL = (("n_stations", 49, 51, "i", 0), ("rms", 52, 55, "f", 1))
_ERROR_FIELDS = (
    ("gap", 6, 8, "f", 0),
    ("time_error", 15, 20, "f", 2),
    ("latitude_error", 25, 30, "f", 1),
    ("longitude_error", 33, 38, "f", 1),
    ("depth_error", 39, 43, "f", 1),
)
_HIGH_ACCURACY_FIELDS = (
    *_HEADER_TIME[:5],
    ("second", 17, 22, "f", 3),
    ("latitude", 24, 32, "f", 5),
    ("longitude", 34, 43, "f", 5),
    ("depth", 45, 52, "f", 3),
    ("rms", 54, 59, "f", 3),
)


def _read_header(line: str, number: int) -> _Hypocentre:
    h = _Hypocentre()

    def fail(column: int, what: str):
        return ConversionError(
            f"type-1 line: {what} (SEISAN's reader stops here)", None, number, column
        )

    if not _read_fields(h, line, _HEADER_TIME):
        raise fail(2, "the origin time is not a number")
    h.auto, h.model, h.distance_id, h.event_type = line[5], line[20], line[21], line[22]
    h.fix_time = line[10]
    if h.distance_id not in "LRD" or h.distance_id == " ":
        raise fail(22, f"distance indicator {h.distance_id!r} is not L, R or D")
    if h.fix_time not in " F":
        raise fail(11, f"fix flag {h.fix_time!r} is not blank or F")
    if not _read_fields(h, line, _HEADER_PLACE):
        raise fail(24, "the hypocentre is not a number")
    h.depth_flag, h.epicentre_flag = line[43], line[44]
    if h.depth_flag not in " FS" and h.epicentre_flag not in " F*":
        raise fail(44, "the hypocentre flags are neither blank nor F, S or *")
    h.agency = line[45:48]
    if not _read_fields(h, line, _HEADER_TAIL):
        raise fail(49, "the station count or RMS is not a number")
    for k, a in enumerate((56, 64, 72)):
        if line[a - 1 : a + 7].strip():
            try:
                value = _value(line[a - 1 : a + 3], "f", 1)
            except _Stop:
                raise fail(a, "a magnitude is not a number") from None
            h.magnitudes[k] = [value, line[a + 3], line[a + 4 : a + 7]]
    return h


def _is_magnitude_line(line: str) -> bool:
    return line[79] == "1" and not line[23:43].strip() and bool(line[56:79].strip())


#: the first line of an old SPEC pair and the SPEC AVERAGE / SPEC SD lines: one layout
_SPEC_FIRST_LINE = (
    (None, 16, 17, "MO"),
    ("moment", 18, 22, "f", 1),
    (None, 24, 25, "ST"),
    ("stress_drop", 26, 30, "f", 1),
    (None, 32, 33, "OM"),
    ("omega0", 34, 38, "f", 1),
    (None, 40, 41, "f0"),
    ("corner_frequency", 42, 46, "f", 2),
    (None, 48, 48, "R"),
    ("radius", 50, 54, "f", 1),
    (None, 56, 57, "AL"),
    ("slope", 58, 62, "f", 1),
    (None, 64, 65, "WI"),
    ("window", 66, 70, "f", 2),
    (None, 72, 73, "MW"),
    ("mw", 74, 78, "f", 1),
)


def _old_spectrum(first: str, second: str) -> _Reading | None:
    """A pair of old ``SPEC`` lines, or None where SEISAN's reader discards it."""
    r = _Reading(phase="SPEC    ")
    r.station = (first[5:10] if first[5] != " " else first[6:10] + " ").ljust(5)
    comp = first[10:14]
    r.com = comp[:2] + comp[3]
    r.co = r.com[0] + r.com[2]
    ok = _read_fields(r, first, _SPEC_FIRST_LINE)
    if not ok or second[15] != "T":
        return None
    if second[16:22].strip():
        try:
            r.hour, r.minute, sec = (_value(second[k : k + 2], "i") for k in (16, 18, 20))
        except _Stop:
            return None
        r.second = float(sec)
    ok = _read_fields(
        r,
        second,
        (
            (None, 24, 25, "K "),
            ("kappa", 26, 30, "f", 3),
            (None, 32, 33, "GD"),
            ("geo_distance", 34, 38, "f", 0),
            (None, 40, 40, "V"),
        ),
    )
    if not ok:
        return None
    r.spectrum_phase = second[40]
    if second[41:46].strip():
        try:
            velocity = _value(second[41:46], "f", 2)
        except _Stop:
            return None
        if r.spectrum_phase == "S":
            r.vs = velocity
        if r.spectrum_phase == "P":
            r.vp = velocity
    ok = _read_fields(
        r,
        second,
        (
            (None, 48, 49, "DE"),
            ("density", 50, 54, "f", 2),
            (None, 56, 57, "Q0"),
            ("q0", 58, 62, "f", 1),
            (None, 64, 65, "QA"),
            ("q_alpha", 66, 70, "f", 2),
        ),
    )
    if not ok:
        return None
    if second[71:73] == "VS":
        r.q_below_1hz = 0.0
    elif not _read_fields(r, second, ((None, 72, 73, "Q1"), ("q_below_1hz", 74, 78, "f", 2))):
        return None
    return r


class _Average:
    """Target of an old ``SPEC AVERAGE``/``SPEC SD`` line."""

    _into: dict

    def __init__(self, into: dict) -> None:
        self.__dict__["_into"] = into

    def __setattr__(self, name, value) -> None:
        self._into[name] = value


def _listed(text: str) -> float | None:
    """A field read list-directed (``read(text, *)``): its first item, no implied decimals;
    None when blank."""
    item = text.replace(",", " ").split()
    if not item:
        return None
    try:
        value = parse_real(item[0], d_exponent=True)
    except FieldError:
        raise _Stop from None
    if value is None:
        return None
    if math.isinf(_F32(value)):
        raise _Stop
    return _F32(value)


#: Nordic2 spectral line (type S): attribute, first and last column, read list-directed
_NEW_SPECTRUM_FIELDS = (
    ("omega0", 15, 18),
    ("corner_frequency", 19, 22),
    ("slope", 23, 25),
    ("window", 32, 35),
    ("geo_distance", 36, 40),
    ("moment", 41, 44),
    ("stress_drop", 45, 47),
    ("radius", 48, 51),
    ("kappa", 52, 55),
)
_NEW_SPECTRUM_TAIL = (("density", 61, 64), ("q0", 65, 68), ("q_alpha", 69, 72))
_NEW_SPECTRUM_LAST = (("q_below_1hz", 73, 75), ("mw", 76, 79))
#: Nordic2 AV-SD line: (average or deviation, name, first and last column)
_AVSD_FIELDS = (
    (0, "moment", 10, 14),
    (1, "moment", 15, 18),
    (0, "stress_drop", 22, 26),
    (1, "stress_drop", 27, 30),
    (0, "corner_frequency", 34, 38),
    (1, "corner_frequency", 39, 42),
    (0, "radius", 46, 50),
    (1, "radius", 51, 54),
    (0, "slope", 58, 62),
    (1, "slope", 63, 66),
    (0, "mw", 70, 74),
    (1, "mw", 75, 78),
)


def _read_listed_fields(target, line: str, fields) -> bool:
    for name, a, b in fields:
        try:
            value = _listed(line[a - 1 : b])
        except _Stop:
            return False
        if value is not None:
            setattr(target, name, value)
    return True


def _new_spectrum(line: str) -> _Reading | None:
    """A Nordic2 station spectral line, or None where SEISAN's reader discards it."""
    r = _Reading(phase="SPEC    ", station=line[1:6], com=line[6:9])
    r.co, r.network, r.location = r.com[0] + r.com[2], line[10:12], line[12:14]
    if not _read_listed_fields(r, line, _NEW_SPECTRUM_FIELDS[:3]):
        return None
    if line[25:31].strip():
        try:
            r.hour, r.minute, sec = (_value(line[k : k + 2], "i") for k in (25, 27, 29))
        except _Stop:
            return None
        r.second = float(sec)
    if not _read_listed_fields(r, line, _NEW_SPECTRUM_FIELDS[3:]):
        return None
    r.spectrum_phase = line[59]
    try:
        velocity = _listed(line[55:59])
    except _Stop:
        return None
    if velocity is not None and r.spectrum_phase in "SP":
        setattr(r, "vs" if r.spectrum_phase == "S" else "vp", velocity)
    ok = _read_listed_fields(r, line, _NEW_SPECTRUM_TAIL + _NEW_SPECTRUM_LAST)
    return r if ok else None


def _read_listed(average: dict, deviation: dict, line: str) -> None:
    """A Nordic2 ``AV-SD`` line (what is read before a bad field is kept)."""
    for which, name, a, b in _AVSD_FIELDS:
        try:
            value = (
                _value(line[a - 1 : b], "f", 1)
                if (which, name) == (0, "slope") and line[a - 1 : b].strip()
                else _listed(line[a - 1 : b])
            )
        except _Stop:
            return
        if value is not None:
            (deviation if which else average)[name] = value


#: old phase line: the number fields SEISAN reads, with their edit descriptors
_OLD_PHASE_FIELDS = (
    ("coda", 30, 33, "f", 0),
    ("amplitude", 34, 40, "f", 1),
    ("period", 42, 45, "f", 2),
    ("backazimuth", 47, 51, "f", 1),
    ("velocity", 53, 56, "f", 1),
    ("ain", 58, 60, "f", 0),
    ("backazimuth_residual", 61, 63, "f", 0),
    ("azimuth", 77, 79, "f", 0),
    ("distance", 71, 75, "f", 0),
)
_TIME_FIELDS = {
    NORDIC1: (("hour", 19, 20, "i", 0), ("minute", 21, 22, "i", 0), ("second", 23, 28, "f", 3)),
    NORDIC2: (("hour", 27, 28, "i", 0), ("minute", 29, 30, "i", 0), ("second", 32, 37, "f", 3)),
}


def _phase_error(number: int, column: int, what: str) -> ConversionError:
    return ConversionError(f"phase line: {what} is not a number", None, number, column)


def _read_common(r: _Reading, text: str, number: int, fmt: int) -> None:
    """Time and output weight, read the same way in both formats (time defaults to 0)."""
    r.hour, r.minute, r.second = 0, 0, 0.0
    if not _read_fields(r, text, _TIME_FIELDS[fmt]):
        raise _phase_error(number, 19 if fmt == NORDIC1 else 27, "the time")
    try:
        _value(text[68:70], "i")
    except _Stop:
        raise _phase_error(number, 69, "the weight") from None
    r.weight_out = text[68:70]


def _read_old_phase(text: str, number: int) -> list[_Reading]:
    """An old phase line and the END/AMP/BAZ readings SEISAN makes of it."""
    r = _Reading(station=text[1:6], co=text[6:8], onset=text[9], auto=text[15] == "A")
    r.com = r.co[0] + " " + r.co[1]
    long_name = text[8] != " " or (
        text[13] != " "
        and text[14:18].strip()
        and text[16] not in "CD"
        and text[14] not in " 012349"
    )
    if long_name:
        r.phase, r.weight_in = text[10:18], text[8]
    else:
        r.phase, r.weight_in, r.polarity = text[10:14] + "    ", text[14], text[16]
    _read_common(r, text, number, NORDIC1)
    if not _read_fields(r, text, _OLD_PHASE_FIELDS):
        raise _phase_error(number, 30, "a field")
    if text[63:69].strip():
        try:
            r.residual = _value(text[63:68], "f", 3)
        except _Stop:
            raise _phase_error(number, 64, "the residual") from None
    out = [r]

    def derived(name: str) -> _Reading:
        d = _Reading(station=r.station, co=r.co, phase=name.ljust(8))
        d.hour, d.minute, d.second = r.hour, r.minute, r.second
        d.azimuth, d.distance = r.azimuth, r.distance
        out.append(d)
        return d

    if text[29:33].strip() and text[10:13] != "END":
        end = derived("END")
        end.coda, r.coda = r.coda, _UNSET
        t = r.hour * 3600.0 + r.minute * 60.0 + r.second + end.coda
        t -= 86400.0 * math.floor(t / 86400.0)
        end.hour = int(t // 3600.0)
        end.minute = int((t - 3600.0 * end.hour) // 60.0)
        end.second = _F32(t - 3600.0 * end.hour - 60.0 * end.minute)
    seismic = phase_ok(r.phase)
    if r.amplitude > 0.0 and seismic:
        amp = derived("AMP")
        amp.amplitude, r.amplitude = r.amplitude, _UNSET
        if r.period > 0.0:
            amp.period, r.period = r.period, _UNSET
    if r.backazimuth > -400.0 and (seismic or not r.phase.strip()):
        baz = derived("BAZ" + ("-" + r.phase[:4] if r.phase[:4].strip() else ""))
        baz.weight_in = r.weight_in
        baz.backazimuth, r.backazimuth = r.backazimuth, _UNSET
        if r.velocity >= 0.0:
            baz.velocity, r.velocity = r.velocity, _UNSET
        if r.backazimuth_residual > -400.0:
            baz.backazimuth_residual, r.backazimuth_residual = r.backazimuth_residual, _UNSET
    return out


def _read_new_phase(text: str, number: int) -> _Reading:
    """A Nordic2 phase line as SEISAN reads it."""
    r = _Reading(station=text[1:6], com=text[6:9], network=text[10:12], location=text[12:14])
    r.co = r.com[0] + r.com[2]
    r.phase, r.weight_in, r.onset, r.auto = text[16:24], text[24], text[15], text[25] == "A"
    seismic = phase_ok(r.phase)
    if seismic:
        r.polarity = text[43]
    _read_common(r, text, number, NORDIC2)
    name = r.phase
    amplitude = name[:2] in ("IA", "IV") or name[0] == "A"
    fields: list = []
    if name[:4] == "END " and text[37:44].strip():
        fields += [("coda", 38, 44, "f", 1), ("magnitude_residual", 64, 68, "f", 1)]
    if amplitude and text[37:44].strip():
        fields.append(("amplitude", 38, 44, "f", 1))
        if name[:2] in ("IA", "IV"):
            fields.append(("magnitude_residual", 64, 68, "f", 1))
    if amplitude:
        fields.append(("period", 45, 50, "f", 2))
    if name[:3] == "BAZ":
        fields += [
            ("backazimuth", 38, 44, "f", 2),
            ("velocity", 45, 50, "f", 1),
            ("backazimuth_residual", 64, 68, "f", 0),
        ]
    if seismic:
        fields += [("ain", 59, 63, "f", 1), ("residual", 64, 68, "f", 3)]
    fields += [("azimuth", 77, 79, "f", 0), ("distance", 71, 75, "f", 0)]
    if not _read_fields(r, text, fields):
        raise _phase_error(number, 38, "a field")
    r.agency, r.operator = text[51:54], text[55:58]
    return r


def _header_lines(lines: list[str]) -> tuple[list[str], list[str]]:
    """The header and phase lines of an event as SEISAN's file reader splits them: an
    untyped line before the type-7 line that is no phase line becomes a comment."""
    k = 1
    while k < len(lines):
        line = lines[k]
        if line[79] in " 4":
            if lines[k - 1][79] == "7" or _phase_line_format(line) is not None:
                break
            # SEISAN's reader makes it a comment (bytes above 127 become '?')
            lines[k] = "".join(c if ord(c) < 128 else "?" for c in line[:79]) + "3"
        k += 1
    return lines[:k], lines[k:]


def _read_event(raw: list[str], fmt: int) -> _Event:
    ev = _Event()
    head, phases = _header_lines(raw)
    # lines with only magnitudes go last, the last first (SEISAN's reader)
    middle = head[1:-1]
    head = (
        head[:1]
        + [ln for ln in middle if not _is_magnitude_line(ln)]
        + [ln for ln in reversed(middle) if _is_magnitude_line(ln)]
        + head[-1:]
        if len(head) > 2
        else head
    )
    index: dict[int, _Hypocentre] = {}
    i = 0
    while i < len(head):
        line, number = head[i], i + 1
        t = line[79]
        if t == "1":
            h = _read_header(line, number)
            index[i] = h
            attached = False
            if i > 0 and _is_magnitude_line(line):
                for j in range(1, len(head)):
                    other = head[j]
                    if other[:23] == line[:23] and other[45:48] == line[45:48]:
                        if other[79] == "1" and j != i:
                            if j in index:  # a later line is not read yet: no match
                                index[j].magnitudes[3:6] = h.magnitudes[:3]
                                attached = True
                            break
            if not attached:
                ev.hypocentres.append(h)
        elif t == "I":
            if not ev.id_line:
                ev.id_line = line
        elif t == "3" and line[1:10] == "LOCALITY:":
            ev.locality = line[11:79]
        elif t == "M" and i + 1 < len(head) and head[i + 1][79] == "M" and head[i + 1][1:3] == "MT":
            raise ConversionError("a moment-tensor line pair is not converted", None, number, 80)
        elif t == "3" and line[1:13] == "SPEC AVERAGE":
            _read_fields(_Average(ev.average), line, _SPEC_FIRST_LINE)
        elif t == "3" and line[1:13] == "SPEC SD     ":
            _read_fields(_Average(ev.deviation), line, _SPEC_FIRST_LINE)
        elif (
            t == "3"
            and line[1:5] == "SPEC"
            and line[6:13] != "AVERAGE"
            and i + 1 < len(head)
            and line[6:14] == head[i + 1][6:14]
            and head[i + 1][79] == "3"
            and head[i + 1][1:5] == "SPEC"
        ):
            spectrum = _old_spectrum(line, head[i + 1])
            if spectrum is not None:
                ev.readings.append(spectrum)
                ev.n_spectra += 1
            i += 1
        elif t == "S" and line[1:6] == "AV-SD" and fmt == NORDIC2:
            _read_listed(ev.average, ev.deviation, line)
        elif t == "S" and line[1:6] != "AV-SD" and line[1:14] != "STA  COM NTLO":
            spectrum = _new_spectrum(line)
            if spectrum is not None:
                ev.readings.append(spectrum)
                ev.n_spectra += 1
        elif t == "F":
            ev.faults.append(line)
        elif t == "6":
            ev.waveforms.append(line)
        elif t == "P":
            ev.pictures.append(line)
        elif t == "2":
            ev.macroseismic.append(line)
        elif t in "35":
            ev.comments.append(line if t == "3" else line[0] + "old error" + line[10:79] + "3")
        i += 1
    _attach_high_accuracy(ev, head)
    _attach_errors(ev, head)
    for n, line in enumerate(phases, len(head) + 1):
        if not line.strip():
            continue
        if fmt == NORDIC1:
            ev.readings.extend(_read_old_phase(line, n))
        else:
            ev.readings.append(_read_new_phase(line, n))
    return ev


def _attach_high_accuracy(ev: _Event, head: list[str]) -> None:
    lines = [ln for ln in head[1:] if ln[79] == "H"]
    for line in lines:
        for h in ev.hypocentres:
            same = False
            if not line[60:63].strip():
                probe = _Hypocentre()
                fields = (*_HEADER_TIME[:5], ("second", 16, 22, "f", 3))
                place = (("latitude", 24, 32, "f", 3), ("longitude", 33, 42, "f", 3))
                if _read_fields(probe, line, (*fields, *place, ("depth", 43, 50, "f", 1))):
                    same = (
                        (probe.year, probe.month, probe.day) == (h.year, h.month, h.day)
                        and abs(probe.depth - h.depth) < 0.1
                        and abs(probe.second - h.second) < 0.1
                        and abs(probe.latitude - h.latitude) < 0.001
                        and abs(probe.longitude - h.longitude) < 0.001
                    )
            if line[5] == h.auto and (line[60:63] == h.agency or same):
                h.high_accuracy = True
                _read_fields(h, line, _HIGH_ACCURACY_FIELDS)
                if len(lines) == 1:
                    return


def _attach_errors(ev: _Event, head: list[str]) -> None:
    for line in head:
        if line[79] != "E":
            continue
        for k, h in enumerate(ev.hypocentres):
            if h.latitude > -990.0 and not h.has_error:
                if (line[9] == h.auto and line[11:14] == h.agency) or (
                    not line[11:14].strip() and k == 0
                ):
                    h.has_error = True
                    if _read_fields(h, line, _ERROR_FIELDS):
                        for c, a in enumerate((44, 56, 68)):
                            if line[a - 1 : a + 11].strip():
                                try:
                                    h.covariance[c] = _value(line[a - 1 : a + 11], "f", 4)
                                except _Stop:
                                    break
                    break


# ------------------------------------------------------------------------------ writing


class _Line:
    """An 80-column line filled field by field, as Fortran's internal writes fill it."""

    def __init__(self, line_type: str) -> None:
        self.chars = [" "] * 80
        self.chars[79] = line_type

    def put(self, first: int, last: int, text: str) -> None:
        width = last - first + 1
        self.chars[first - 1 : last] = list(text.ljust(width)[:width])

    def zero_fill(self, column: int) -> None:
        if self.chars[column - 1] == " ":
            self.chars[column - 1] = "0"

    def text(self) -> str:
        return "".join(self.chars)


def _f(value: float, width: int, decimals: int) -> str:
    """``Fw.d`` of a ``REAL*4`` value; ``Fw.0`` keeps its decimal point (``  11.``)."""
    if decimals:
        return fortran_f(value, width, decimals, single=True)
    text = fortran_f(value, width - 1, 0, single=True)
    return "*" * width if text.startswith("*") else text + "."


def _rounded(value: float) -> int:
    """Fortran ``int(x + 0.5)`` in single precision."""
    return int(_F32(_F32(value) + 0.5))


def _i22(value: int) -> str:
    return f"{value:02d}" if 0 <= value <= 99 else "**"


def _put_date_time(ln: _Line, h: _Hypocentre, zero_padded: bool) -> None:
    """Year, month, day, hour and minute of a type-1 line (``i4.4``, ``i2.2``) or an H
    line (``i4``, ``i2``); the month and day when above 0, hour and minute when not
    negative."""
    if h.year > 0:
        ln.put(2, 5, f"{h.year:04d}" if zero_padded and h.year <= 9999 else fortran_i(h.year, 4))
    for value, first, floor in ((h.month, 7, 1), (h.day, 9, 1), (h.hour, 12, 0), (h.minute, 14, 0)):
        if value >= floor:
            ln.put(first, first + 1, _i22(value) if zero_padded else fortran_i(value, 2))


def _put_magnitudes(ln: _Line, magnitudes: list) -> None:
    """Three magnitudes (value ``f4.1``, type, agency) in columns 56-79, those above -100."""
    for (value, kind, agency), first in zip(magnitudes, (56, 64, 72), strict=True):
        if value > -100.0:
            ln.put(first, first + 7, _f(value, 4, 1) + kind + agency)


def _write_header(h: _Hypocentre) -> str:
    ln = _Line("1")
    _put_date_time(ln, h, zero_padded=True)
    for first in (7, 9, 12, 14):
        ln.zero_fill(first)
    if h.second >= 0.0:
        ln.put(17, 20, _f(h.second, 4, 1))
    ln.zero_fill(17)
    ln.put(6, 6, h.auto)
    ln.put(21, 23, h.model + h.distance_id + h.event_type)
    ln.put(11, 11, h.fix_time)
    if h.latitude != _UNSET:
        ln.put(24, 30, _f(h.latitude, 7, 3))
    if h.longitude != _UNSET:
        ln.put(31, 38, _f(h.longitude, 8, 3))
    depth = h.depth
    if depth < -10.0 and depth != _UNSET:
        depth = _F32(-9.9)
    if depth >= _F32(-9.9):
        ln.put(39, 43, _f(depth, 5, 1 if depth < 100.0 else 0))
    ln.put(44, 48, h.depth_flag + h.epicentre_flag + h.agency)
    n = 999 if h.n_stations > 1000 else h.n_stations
    if n > 0:
        ln.put(49, 51, fortran_i(n, 3))
    if h.rms >= 0.0:
        rms = 99.0 if h.rms >= 100.0 else h.rms
        if rms < _F32(0.99):
            ln.put(53, 55, _f(rms, 3, 2))
        else:
            ln.put(52, 55, _f(rms, 4, 1))
    _put_magnitudes(ln, h.magnitudes[:3])
    return ln.text()


def _write_extra_magnitudes(h: _Hypocentre) -> str:
    ln = _Line("1")
    _put_date_time(ln, h, zero_padded=True)
    if h.second >= 0.0:
        ln.put(17, 20, _f(h.second, 4, 1))
        ln.zero_fill(17)
    ln.put(21, 23, h.model + h.distance_id + h.event_type)
    ln.put(11, 11, h.fix_time)
    ln.put(46, 48, h.agency)
    _put_magnitudes(ln, h.magnitudes[3:])
    return ln.text()


def _write_high_accuracy(h: _Hypocentre) -> str:
    ln = _Line("H")
    _put_date_time(ln, h, zero_padded=False)
    if h.second >= 0.0:
        ln.put(17, 22, _f(h.second, 6, 3))
    if h.latitude != _UNSET:
        ln.put(24, 32, _f(h.latitude, 9, 5))
    if h.longitude != _UNSET:
        ln.put(34, 43, _f(h.longitude, 10, 5))
    depth = _F32(-9.9) if h.depth < -10.0 and h.depth != _UNSET else h.depth
    if depth >= _F32(-9.9):
        ln.put(45, 52, _f(depth, 8, 3))
    if h.rms >= 0.0:
        ln.put(54, 59, _f(99.0 if h.rms > 100.0 else h.rms, 6, 3))
    ln.put(61, 63, h.agency)
    ln.put(6, 6, h.auto)
    return ln.text()


def _write_error(h: _Hypocentre) -> str:
    ln = _Line("E")
    if h.gap >= 0.0:
        ln.put(2, 5, "GAP=")
        ln.put(6, 8, fortran_i(_rounded(h.gap), 3))
    ln.put(10, 10, h.auto)
    ln.put(12, 14, h.agency)
    if h.time_error >= 0.0:
        value = min(h.time_error, 999.0) if h.time_error < 1000.0 else 999.0
        ln.put(15, 20, _f(value, 6, 2 if value > 1.0 else 3))
    for value, first, last, width in (
        (h.latitude_error, 25, 33, 6),
        (h.longitude_error, 33, 38, 6),
        (h.depth_error, 39, 43, 5),
    ):
        if value >= 0.0:
            value = 999.0 if value >= 1000.0 else value
            ln.put(first, last, _f(value, width, 3 if value <= 1.0 else 1))
    for c, first in enumerate((44, 56, 68)):
        if h.covariance[c] >= -1.0e9:
            ln.put(first, first + 11, fortran_e(_F32(h.covariance[c]), 12, 4))
    return ln.text()


def _average_line(av: dict, sd: dict) -> str:
    """The Nordic2 ``AV-SD`` line of the spectral averages and deviations."""

    def get(d: dict, name: str, cap: float | None = None, to: float | None = None) -> float:
        v = d.get(name, _UNSET)
        return (to if to is not None else cap) if cap is not None and v > cap else v

    ln = _Line("S")
    ln.put(1, 6, " AV-SD")
    moment, sdrop = get(av, "moment", 999.0), get(av, "stress_drop", 999.0)
    corner, radius = get(av, "corner_frequency", 999.0), get(av, "radius", 999.0)
    slope, mw = get(av, "slope", 99.0, _F32(99.9)), get(av, "mw", 999.0)
    d_moment, d_sdrop = get(sd, "moment", 99.0), get(sd, "stress_drop", 99.0)
    d_corner, d_radius = get(sd, "corner_frequency", 99.0), get(sd, "radius", 99.0)
    d_slope, d_mw = get(sd, "slope", 99.0, _F32(99.9)), get(sd, "mw", 99.0)
    ln.put(8, 9, "MO")
    if moment > 0.0:
        ln.put(10, 14, _f(moment, 5, 1))
    if d_moment > 0.0:
        ln.put(15, 18, _f(d_moment, 4, 1))
    ln.put(20, 21, "ST")
    if sdrop > 0.0:
        ln.put(22, 26, _f(sdrop, 5, 1))
    if d_sdrop >= 0.0:
        ln.put(27, 30, _f(d_sdrop, 4, 1))
    ln.put(32, 33, "F0")
    if corner > 0.0:
        ln.put(
            34,
            38,
            _f(
                corner, 5, 3 if corner < 1.0 else 2 if corner < 10.0 else 1 if corner < 100.0 else 0
            ),
        )
    if 0.0 <= d_corner < 100.0:
        ln.put(39, 42, _f(d_corner, 4, 3 if d_corner < 1.0 else 1))
    ln.put(44, 44, "R")
    if radius > 0.0:
        ln.put(46, 50, _f(radius, 5, 3 if radius < 1.0 else 2 if radius < 10.0 else 1))
    if d_radius >= 0.0:
        ln.put(51, 54, _f(d_radius, 4, 3 if d_radius < 1.0 else 2 if d_radius < 10.0 else 1))
    ln.put(56, 57, "AL")
    if slope > 0.0:
        ln.put(58, 62, _f(slope, 4, 1))
    if d_slope >= 0.0:
        ln.put(63, 66, _f(d_slope, 4, 1))
    ln.put(68, 69, "MW")
    if mw > -10.0:
        ln.put(70, 74, _f(mw, 5, 2))
    if d_mw >= 0.0:
        ln.put(75, 78, _f(d_mw, 4, 1))
    return ln.text()


def _spectrum_line(r: _Reading) -> str:
    """A Nordic2 station spectral line (type S)."""
    ln = _Line("S")
    ln.put(2, 6, r.station)
    ln.put(7, 9, r.com)
    ln.put(11, 14, r.network + r.location)
    caps = (
        ("stress_drop", 999.0, 999.0),
        ("corner_frequency", 999.0, 999.0),
        ("omega0", 99.0, 99.0),
        ("slope", 9.0, _F32(9.9)),
        ("geo_distance", 99999.0, 99999.0),
        ("radius", 999.0, 999.0),
        ("window", 9999.0, 9999.0),
        ("moment", _F32(99.9), _F32(99.9)),
        ("mw", _F32(9.9), _F32(9.9)),
        ("kappa", _F32(0.99), _F32(0.99)),
    )
    v = {name: getattr(r, name) for name, _cap, _to in caps}
    for name, cap, to in caps:
        if v[name] > cap:
            v[name] = to
    if v["omega0"] > 0.0:
        ln.put(15, 18, _f(v["omega0"], 4, 1))
    cf = v["corner_frequency"]
    if cf > 0.0:
        ln.put(
            19, 22, _f(cf, 4, 2 if cf < 10.0 else 1) if cf < 100.0 else fortran_i(_rounded(cf), 4)
        )
    if v["slope"] != _UNSET:
        ln.put(23, 25, _f(v["slope"], 3, 1))
    if r.hour > -1 and r.minute > -1 and r.second > -1.0:
        ln.put(26, 31, "".join(fortran_i(x, 2) for x in (r.hour, r.minute, _rounded(r.second))))
    w = v["window"]
    if w > 0.0:
        ln.put(32, 35, _f(w, 4, 2 if w < 10.0 else 1) if w < 100.0 else fortran_i(_rounded(w), 4))
    g = v["geo_distance"]
    if g > 0.0:
        if g < 10000.0:
            ln.put(36, 40, _f(g, 5, 3 if g < 10.0 else 2 if g < 100.0 else 1 if g < 1000.0 else 0))
        else:
            ln.put(36, 40, fortran_i(int(g), 5))
    if v["moment"] > 0.0:
        ln.put(41, 44, _f(v["moment"], 4, 1))
    s = v["stress_drop"]
    if s >= 0.0:
        ln.put(45, 47, fortran_i(_rounded(s), 3) if s > _F32(9.9) else _f(s, 3, 1))
    rad = v["radius"]
    if rad > 0.0:
        if rad >= 100.0:  # SEISAN writes a real with an integer format here: the write
            return ln.text()  # fails and the rest of the line stays blank
        ln.put(48, 51, _f(rad, 4, 2 if rad < 10.0 else 1))
    if v["kappa"] >= 0.0:
        ln.put(52, 55, _f(v["kappa"], 4, 3))
    x = r.vs if r.spectrum_phase == "S" else r.vp if r.spectrum_phase == "P" else 0.0
    if x > 0.0:
        ln.put(56, 59, _f(x, 4, 2 if x < 10.0 else 1))
    ln.put(60, 60, r.spectrum_phase)
    if r.density > 0.0:
        ln.put(61, 64, _f(r.density, 4, 2 if r.density < 10.0 else 1))
    if r.q0 > 0.0:
        q0 = 999.0 if r.q0 > 1000.0 else r.q0
        if q0 < 100.0:
            ln.put(65, 68, _f(q0, 4, 1))
        if q0 > _F32(99.9):
            ln.put(65, 68, fortran_i(_rounded(q0), 4))
    if r.q_alpha >= 0.0:
        ln.put(69, 72, _f(min(r.q_alpha, _F32(9.9)) if r.q_alpha > _F32(9.9) else r.q_alpha, 4, 2))
    q1 = r.q_below_1hz
    if q1 >= 0.0:
        q1 = 99.0 if q1 > 99.0 else q1
        if 1.0 <= q1 < 10.0:
            ln.put(73, 75, _f(q1, 3, 1))
        if q1 >= 10.0:
            ln.put(73, 75, fortran_i(_rounded(q1), 3))
        if q1 < 1.0:
            ln.put(73, 75, _f(q1, 3, 2))
    if v["mw"] > -10.0:
        ln.put(76, 79, _f(v["mw"], 4, 1))
    return ln.text()


def _amplitude_text(a: float) -> str | None:
    if a < 100000.0:
        return _f(a, 7, 1)
    for scale, suffix in ((1.0e7, "e4"), (1.0e9, "e6"), (1.0e11, "e8")):
        if a < _F32(scale):
            return _f(a / _F32(scale / 1000.0), 5, 1) + suffix
    return None


def _phase_line(r: _Reading) -> str:
    """A Nordic2 phase line."""
    ln = _Line(" ")
    ln.put(2, 6, r.station)
    ln.put(7, 9, r.com if r.com.strip() else r.co[0] + " " + r.co[1])
    ln.put(11, 14, r.network + r.location)
    ln.put(16, 16, r.onset)
    ln.put(17, 25, r.phase + r.weight_in)
    ln.put(44, 44, r.polarity)
    if r.auto:
        ln.put(26, 26, "A")
    for value, first in ((r.hour, 27), (r.minute, 29)):
        if value >= 0:
            ln.put(first, first + 1, fortran_i(value, 2))
            ln.zero_fill(first)
    if r.second >= 0.0:
        ln.put(32, 37, _f(r.second, 6, 3))
        ln.zero_fill(32)
    mag_res = _F32(9.9) if r.magnitude_residual > 10.0 else r.magnitude_residual
    if r.coda > 0.0 and r.phase[:4] == "END ":
        ln.put(38, 45, _f(r.coda, 7, 1))
        if mag_res > -900.0:
            ln.put(64, 68, _f(mag_res, 5, 2))
    if r.amplitude > 0.0:
        text = _amplitude_text(r.amplitude)
        if text is None:  # larger than 100 m: SEISAN stops writing the line here
            return ln.text()
        ln.put(38, 44, text)
    if mag_res > -900.0:
        ln.put(64, 68, _f(mag_res, 5, 2))
    if r.period > 0.0:
        per = _F32(99.9) if r.period >= 100.0 else r.period
        ln.put(47, 50, _f(per, 4, 2 if per < 10.0 else 1))
    ln.put(52, 54, r.agency)
    ln.put(56, 58, r.operator)
    is_baz = r.phase[:3] == "BAZ"
    if r.backazimuth != _UNSET:
        ln.put(40, 44, _f(r.backazimuth, 5, 1)) if is_baz else ln.put(
            47, 51, _f(r.backazimuth, 5, 1)
        )
    if r.velocity != _UNSET:
        vel = 999.0 if r.velocity > 999.0 else r.velocity
        first = 47 if is_baz else 53
        if vel < _F32(99.9):
            ln.put(first, first + 3, _f(vel, 4, 1))
        if vel > _F32(99.9):
            ln.put(first, first + 3, _f(vel, 4, 0))
    if r.ain >= 0.0:
        ln.put(59, 63, _f(r.ain, 5, 1))
    if r.backazimuth_residual != _UNSET:
        ln.put(64, 68, _f(r.backazimuth_residual, 5, 0))
    if r.residual > _F32(-998.999):
        res = 99.0 if r.residual > 100.0 else -99.0 if r.residual < -100.0 else r.residual
        if abs(res) < 10.0:
            ln.put(64, 68, _f(res, 5, 2))
        elif abs(res) < 100.0:
            ln.put(64, 68, _f(res, 5, 1))
    if r.weight_out.strip():
        ln.put(69, 70, r.weight_out)
    if r.azimuth != _UNSET:
        az = _F32(r.azimuth + 360.0) if r.azimuth < 0.0 else r.azimuth
        ln.put(77, 79, fortran_i(_rounded(az), 3))
    d = r.distance
    if d >= 0.0:
        ln.put(71, 75, _f(d, 5, 2 if d < 10.0 else 1) if d < 100.0 else fortran_i(_rounded(d), 5))
    return ln.text()


def _write_event(ev: _Event) -> list[str]:
    out: list[str] = []
    for h in ev.hypocentres:
        out.append(_write_header(h))
        if h.high_accuracy:
            out.append(_write_high_accuracy(h))
        if h.has_error:
            out.append(_write_error(h))
        if any(m[0] > -100.0 for m in h.magnitudes[3:]):
            out.append(_write_extra_magnitudes(h))
    if ev.average.get("moment", _UNSET) > 0.0 or ev.average.get("corner_frequency", _UNSET) > 0.0:
        out.append(_average_line(ev.average, ev.deviation))
    if ev.n_spectra:
        out.append(SPECTRAL_HELP_LINE)
    out.extend(_spectrum_line(r) for r in ev.readings if r.phase[:4] == "SPEC")
    if ev.locality.strip():
        out.append((" LOCALITY: " + ev.locality).ljust(79)[:79] + "3")
    out += ev.faults + ev.waveforms + ev.pictures + ev.macroseismic + ev.comments
    if ev.id_line:
        out.append(ev.id_line)
    out.append(HELP_LINE)
    out.extend(_phase_line(r) for r in ev.readings if r.phase[:4] != "SPEC")
    return out


# ------------------------------------------------------------------------------ public


def _lines80(lines) -> list[str]:
    out = []
    for ln in lines:
        text = ln.decode("latin-1") if isinstance(ln, bytes | bytearray) else ln
        out.append(text.rstrip("\r\n").ljust(80)[:80])
    return out


def _event_format(lines: list[str]) -> int:
    for ln in lines:
        if ln[79] == "7":
            return detect_format(ln.encode("latin-1"), mode="seisan") or NORDIC1
    for ln in lines[1:]:
        if ln[79] in " 4":
            found = _phase_line_format(ln)
            if found is not None:
                return found
    return NORDIC1


def convert_event(lines, nordic_format: int | None = None) -> list[bytes]:
    """One event written as SEISAN's Nordic2 event writer writes it.

    Parameters
    ----------
    lines
        The event's lines (``bytes`` or ``str``, endings allowed), from its type-1 line to
        its last phase line; blank lines are ignored.
    nordic_format
        :data:`~seisfoc.io.nordic.fields.NORDIC1` (old) or ``NORDIC2``; ``None`` tells
        it from the type-7 line (SEISAN's test), else from the first phase line.

    Returns
    -------
    list of bytes
        80-column lines without line endings, the last one blank (80 blanks).

    Raises
    ------
    ConversionError
        For what is not converted (see the module doc), naming the line (1-based within
        the event) and column.
    """
    raw = [ln for ln in _lines80(lines) if ln.strip()]
    if not raw or raw[0][79] != "1":
        raise ConversionError("an event must start with a type-1 line", None, 1, 80)
    raw = [raw[0]] + [ln for ln in raw[1:] if not (ln[79] == "1" and not ln[:79].strip())]
    fmt = _event_format(raw) if nordic_format is None else nordic_format
    column_one = [ln[0] for ln in raw]
    out = _write_event(_read_event(list(raw), fmt))
    out = [(column_one[k] if k < len(column_one) else " ") + ln[1:] for k, ln in enumerate(out)]
    out.append(" " * 80)
    return [ln.encode("latin-1") for ln in out]


def magnitude_lines_last(lines: list[bytes]) -> list[bytes]:
    """An event's lines as SEISAN's reader leaves them when it reads Nordic2 text: the
    header lines with only magnitudes (type 1, blank 24-43, something in 57-79) between
    the first line and the type-7 line move just before the type-7 line, the last first.

    Parameters
    ----------
    lines
        80-column lines of one event (as :func:`convert_event` returns them).

    Returns
    -------
    list of bytes
        The same lines, reordered.
    """
    head = 0
    while head < len(lines) and lines[head][79:80] != b"7":
        head += 1
    if head >= len(lines) or head < 2:
        return list(lines)
    middle = lines[1:head]

    def is_magnitude(ln: bytes) -> bool:
        return _is_magnitude_line(ln.decode("latin-1").ljust(80))

    return (
        lines[:1]
        + [ln for ln in middle if not is_magnitude(ln)]
        + [ln for ln in reversed(middle) if is_magnitude(ln)]
        + lines[head:]
    )
