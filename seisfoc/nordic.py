"""Reading and writing SEISAN Nordic files: S-files, ``hyp.out`` and database trees.

The reader works on bytes (S-files carry Latin-1 letters and worse) and keeps every line
verbatim, so an event written back unchanged is byte-identical. Typed records are made for
the header (type 1 and H), hypocentre-error (E), ID (I), fault-plane (F) and phase lines
(type 4 or blank); every other line is kept only in ``Event.lines``.

Old Nordic ("Nordic 1") and Nordic2 are told apart per event from the type-7 help line
(``STAT SP ...`` or ``STAT COM ...``), or, when an event has none, from where the phase
lines put the decimal point of the seconds; an explicit ``nordic_format`` overrides both.
``Event.format_source`` says which of the three decided.

Numbers are read column by column as in the SEISAN manual (columns are 1-based) and, as
SEISAN's Fortran reads them, blanks inside a field are ignored (``"0 10.0"`` is 10.0). A
blank field is ``None``. A field that is not a number (letters, a tab, a stray byte)
raises :class:`~seisfoc.errors.NordicError` naming the file, the line and
the first column of the field. The exception are the secondary numbers of an F-line
(errors, fit, ratios, counts): older programs wrote those in other columns, so they are
``None`` when they do not read as a number and the raw line keeps them.

Phase lines are checked when the event is read and turned into :class:`Phase` records on
the first access of ``Event.phases`` (then cached), which keeps reading a large database
fast when only headers are needed.

The writer changes or inserts exactly one F-line and leaves every other byte of the file
as it was, line endings included; it writes a temporary file in the same folder and
renames it over the original. It refuses a file that is not Nordic (NUL bytes, an event
not starting with a type-1 line). :func:`write_events` writes read events back as they
were read.

Only regular files are read: a folder, a device (``/dev/zero``) or a FIFO is refused
before reading. A database is ``REA/<BASE>/YYYY/MM/DD-HHMM-SSX.SYYYYMM`` (X is L, R or
D); other names in the month folders (editor backups, temporary files) are not S-files.
Time limits of a database walk are ISO dates or dates and times, both inclusive; a date
as the end includes that whole day.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import stat
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from seisfoc.errors import NordicError, SeisfocError
from seisfoc.fileio import write_atomic

__all__ = [
    "NORDIC1",
    "NORDIC2",
    "Phase",
    "FaultPlane",
    "Header",
    "HighAccuracyHeader",
    "HypocentreError",
    "EventID",
    "Event",
    "read_events",
    "read_sfile",
    "parse_events",
    "iter_database",
    "read_database",
    "is_sfile_name",
    "parse_time",
    "time_range",
    "write_events",
    "format_fault_plane_line",
    "write_fault_plane",
    "detect_format",
    "polarity_readings",
]

NORDIC1, NORDIC2 = 1, 2

POLARITIES = frozenset("CUD+-")

# --------------------------------------------------------------------------------------
# records
# --------------------------------------------------------------------------------------


_PHASE_FIELDS = (
    "station",
    "component",
    "network",
    "location",
    "quality",
    "phase",
    "weight_indicator",
    "automatic",
    "polarity",
    "hour",
    "minute",
    "second",
    "coda_s",
    "amplitude_nm",
    "period_s",
    "backazimuth_deg",
    "apparent_velocity",
    "ain_deg",
    "backazimuth_residual",
    "time_residual_s",
    "weight",
    "distance_km",
    "caz_deg",
    "agency",
    "operator",
    "snr",
)
_POLARITY_INDEX = _PHASE_FIELDS.index("polarity")


class Phase:
    """One phase line (type 4 or blank in column 80).

    Fields (read-only attributes): ``station``, ``component`` (old Nordic: columns 7-8,
    instrument and component, e.g. ``"SZ"``; Nordic2: channel, columns 7-9), ``network``,
    ``location`` (Nordic2 only), ``quality`` (``"I"``, ``"E"`` or ``""``), ``phase``,
    ``weight_indicator``, ``automatic``, ``polarity`` (``"C"``, ``"U"``, ``"D"``, ``"+"``,
    ``"-"`` or ``""``), ``hour``, ``minute``, ``second``, ``coda_s``, ``amplitude_nm``,
    ``period_s``, ``backazimuth_deg``, ``apparent_velocity``, ``ain_deg`` (take-off angle
    from the downward vertical as HYP writes it; ``None`` when blank),
    ``backazimuth_residual``, ``time_residual_s``, ``weight``, ``distance_km``, ``caz_deg``
    (azimuth event -> station), ``line_number`` (1-based in the file), ``raw`` (the line
    without its line ending), ``agency`` and ``operator`` (Nordic2 only) and ``snr`` (filled
    instead of ``ain_deg`` when the type-7 line names that column SNR).

    Records made by the reader decode their line on first use of a field (the line was
    checked when the event was read); ``polarity`` is read straight from its column, so
    selecting polarity readings costs little. Records can also be made directly with the
    fields as keyword arguments.
    """

    __slots__ = ("line_number", "raw", "_ctx", "_v")

    def __init__(
        self,
        station: str,
        component: str,
        network: str,
        location: str,
        quality: str,
        phase: str,
        weight_indicator: str,
        automatic: bool,
        polarity: str,
        hour: int | None,
        minute: int | None,
        second: float | None,
        coda_s: float | None,
        amplitude_nm: float | None,
        period_s: float | None,
        backazimuth_deg: float | None,
        apparent_velocity: float | None,
        ain_deg: float | None,
        backazimuth_residual: float | None,
        time_residual_s: float | None,
        weight: int | None,
        distance_km: float | None,
        caz_deg: int | None,
        line_number: int,
        raw: bytes,
        agency: str = "",
        operator: str = "",
        snr: float | None = None,
    ) -> None:
        self._v = (
            station,
            component,
            network,
            location,
            quality,
            phase,
            weight_indicator,
            automatic,
            polarity,
            hour,
            minute,
            second,
            coda_s,
            amplitude_nm,
            period_s,
            backazimuth_deg,
            apparent_velocity,
            ain_deg,
            backazimuth_residual,
            time_residual_s,
            weight,
            distance_km,
            caz_deg,
            agency,
            operator,
            snr,
        )
        self.line_number = line_number
        self.raw = raw
        self._ctx = None

    @classmethod
    def _from_line(cls, raw: bytes, line_number: int, ctx) -> Phase:
        obj = cls.__new__(cls)
        obj.raw = raw
        obj.line_number = line_number
        obj._ctx = ctx  # (nordic_format, ain_is_snr, path)
        obj._v = None
        return obj

    def _values(self) -> tuple:
        v = self._v
        if v is None:
            fmt, snr, path = self._ctx
            parse = _parse_new_phase if fmt == NORDIC2 else _parse_old_phase
            v = self._v = parse(self.raw, self.line_number, path, snr)
        return v

    @property
    def polarity(self) -> str:
        v = self._v
        if v is not None:
            return v[_POLARITY_INDEX]
        return _quick_polarity(self.raw, self._ctx[0])

    def as_dict(self) -> dict:
        d = dict(zip(_PHASE_FIELDS, self._values(), strict=True))
        d["line_number"] = self.line_number
        d["raw"] = self.raw
        return d

    def __eq__(self, other):
        if not isinstance(other, Phase):
            return NotImplemented
        return (self._values(), self.line_number, self.raw) == (
            other._values(),
            other.line_number,
            other.raw,
        )

    __hash__ = None

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.as_dict().items())
        return f"Phase({inner})"


def _phase_field(index: int):
    def get(self):
        v = self._v
        if v is None:
            v = self._values()
        return v[index]

    return property(get)


for _i, _name in enumerate(_PHASE_FIELDS):
    if _name != "polarity":
        setattr(Phase, _name, _phase_field(_i))
del _i, _name


@dataclass(slots=True)
class FaultPlane:
    """A type-F line. ``flag`` is column 79 (``"O"`` marks an OF-line, ``""`` the prime one)."""

    strike: float | None
    dip: float | None
    rake: float | None
    strike_error: float | None
    dip_error: float | None
    rake_error: float | None
    fit_error: float | None
    station_distribution_ratio: float | None
    amplitude_ratio_fit: float | None
    n_bad_polarities: int | None
    n_bad_amplitude_ratios: int | None
    agency: str
    program: str
    quality: str
    flag: str
    line_number: int
    raw: bytes

    @property
    def is_prime(self) -> bool:
        return self.flag == ""


@dataclass(slots=True)
class Header:
    """A type-1 line. ``magnitudes`` holds ``(value, type, agency)`` for each non-blank one."""

    year: int | None
    month: int | None
    day: int | None
    hour: int | None
    minute: int | None
    second: float | None
    fix_origin_time: str
    location_model: str
    distance_class: str
    event_type: str
    latitude: float | None
    longitude: float | None
    depth_km: float | None
    depth_flag: str
    locate_flag: str
    agency: str
    n_stations: int | None
    rms: float | None
    magnitudes: list[tuple[float, str, str]]
    line_number: int
    raw: bytes

    @property
    def origin_time(self) -> _dt.datetime | None:
        return _origin_time(self.year, self.month, self.day, self.hour, self.minute, self.second)


@dataclass(slots=True)
class HighAccuracyHeader:
    """A type-H line (high-accuracy hypocentre)."""

    year: int | None
    month: int | None
    day: int | None
    hour: int | None
    minute: int | None
    second: float | None
    latitude: float | None
    longitude: float | None
    depth_km: float | None
    rms: float | None
    line_number: int
    raw: bytes

    @property
    def origin_time(self) -> _dt.datetime | None:
        return _origin_time(self.year, self.month, self.day, self.hour, self.minute, self.second)


@dataclass(slots=True)
class HypocentreError:
    """A type-E line: gap, origin-time error (s), location errors (km) and covariances."""

    gap_deg: float | None
    origin_time_error_s: float | None
    latitude_error_km: float | None
    longitude_error_km: float | None
    depth_error_km: float | None
    covariance_xy: float | None
    covariance_xz: float | None
    covariance_yz: float | None
    line_number: int
    raw: bytes


@dataclass(slots=True)
class EventID:
    """A type-I line."""

    last_action: str
    action_date: str
    operator: str
    status: str
    event_id: str
    duplicate: bool
    locked: bool
    line_number: int
    raw: bytes


@dataclass(slots=True)
class Event:
    """One event: every line verbatim plus typed records.

    ``lines`` holds the event's lines with their line endings, including the blank line
    that ends it (and any further blank lines before the next event), so
    ``b"".join(line for ev in events for line in ev.lines)`` is the file again.
    ``nordic_format`` is :data:`NORDIC1` or :data:`NORDIC2`; ``format_source`` is
    ``"type-7"``, ``"phase-lines"``, ``"default"`` or ``"forced"``.
    """

    path: str | None
    first_line: int
    lines: list[bytes]
    nordic_format: int
    headers: list[Header]
    errors: list[HypocentreError]
    ids: list[EventID]
    fault_planes: list[FaultPlane]
    high_accuracy: list[HighAccuracyHeader] = field(default_factory=list)
    format_source: str = "default"
    _phase_rows: list[tuple[int, bytes]] = field(default_factory=list, repr=False)
    _ain_is_snr: bool = field(default=False, repr=False)
    _phases: list[Phase] | None = field(default=None, repr=False, compare=False)

    @property
    def phases(self) -> list[Phase]:
        """The phase lines as :class:`Phase` records (built on first access, then cached)."""
        phases = self._phases
        if phases is None:
            phases = self._phases = _build_phases(self)
        return phases

    @property
    def phase_lines(self) -> list[tuple[int, bytes]]:
        """``(line_number, raw)`` of every phase line, without building records."""
        return list(self._phase_rows)

    @property
    def prime_header(self) -> Header | None:
        return self.headers[0] if self.headers else None

    @property
    def origin_time(self) -> _dt.datetime | None:
        h = self.prime_header
        return None if h is None else h.origin_time

    @property
    def latitude(self) -> float | None:
        h = self.prime_header
        return None if h is None else h.latitude

    @property
    def longitude(self) -> float | None:
        h = self.prime_header
        return None if h is None else h.longitude

    @property
    def depth_km(self) -> float | None:
        h = self.prime_header
        return None if h is None else h.depth_km

    @property
    def prime_fault_plane(self) -> FaultPlane | None:
        for fp in self.fault_planes:
            if fp.flag == "":
                return fp
        return None

    def to_bytes(self) -> bytes:
        """The event's lines joined: the bytes it was read from."""
        return b"".join(self.lines)


def _origin_time(year, month, day, hour, minute, second) -> _dt.datetime | None:
    if None in (year, month, day):
        return None
    try:
        base = _dt.datetime(year, month, day)
        return base + _dt.timedelta(hours=hour or 0, minutes=minute or 0, seconds=second or 0.0)
    except (ValueError, OverflowError):
        return None


# --------------------------------------------------------------------------------------
# number fields
# --------------------------------------------------------------------------------------

_FLOAT_RE = re.compile(rb" *[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)? *")
_INT_RE = re.compile(rb" *[+-]?\d+ *")
# characters a number field may hold; anything else is garbage (rejects nan, inf, 1_0, tabs)
_NUMBER_CHARS = b"0123456789.+-eE "


def _decode(b: bytes) -> str:
    return b.decode("latin-1").strip()


def _field_error(path, line_number, start, name, text, what) -> NordicError:
    shown = text.decode("latin-1")
    return NordicError(
        f"{name} is not {what}: {shown!r}", path=path, line=line_number, column=start + 1
    )


def _fortran_number(s: bytes, kind: str):
    """A number field read as Fortran does with blanks as nulls; ``None`` when blank.

    Blanks inside the field are ignored (``"0 10.0"`` is 10.0, as SEISAN reads it);
    anything else that is not part of a plain decimal number raises ``ValueError``.
    """
    t = s.replace(b" ", b"")
    if not t:
        return None
    if kind == "i":
        if _INT_RE.fullmatch(t) is None:
            raise ValueError(s)
        return int(t)
    if _FLOAT_RE.fullmatch(t) is None:
        raise ValueError(s)
    return float(t)


def _get_float(body: bytes, start: int, end: int, name: str, path, line_number):
    s = body[start:end]
    try:
        return _fortran_number(s, "f")
    except ValueError:
        raise _field_error(path, line_number, start, name, s, "a number") from None


def _get_int(body: bytes, start: int, end: int, name: str, path, line_number):
    s = body[start:end]
    try:
        return _fortran_number(s, "i")
    except ValueError:
        raise _field_error(path, line_number, start, name, s, "an integer") from None


def _soft_float(s: bytes):
    try:
        return _fortran_number(s, "f")
    except ValueError:
        return None


def _soft_int(s: bytes):
    try:
        return _fortran_number(s, "i")
    except ValueError:
        return None


# --------------------------------------------------------------------------------------
# non-phase records
# --------------------------------------------------------------------------------------


# year .. RMS and the three magnitudes (values only), 0-based columns 1..74
_HEADER_STRUCT = struct.Struct("x4sx2s2sx2s2sx4s3x7s8s5s5x3s4s4s4x4s4x4s")


def _parse_header(body: bytes, path, n: int) -> Header:
    b = body if len(body) >= 80 else body.ljust(80)
    f = _HEADER_STRUCT.unpack_from(b)
    if b"".join(f).translate(None, _NUMBER_CHARS):
        return _parse_header_slow(body, path, n)
    try:
        year, month, day, hour, minute, nsta = [
            None if x.isspace() else int(x) for x in (f[0], f[1], f[2], f[3], f[4], f[9])
        ]
        second, lat, lon, depth, rms, m1, m2, m3 = [
            None if x.isspace() else float(x)
            for x in (f[5], f[6], f[7], f[8], f[10], f[11], f[12], f[13])
        ]
    except ValueError:
        return _parse_header_slow(body, path, n)
    text = b.decode("latin-1")
    mags = []
    if m1 is not None:
        mags.append((m1, text[59:60].strip(), text[60:63].strip()))
    if m2 is not None:
        mags.append((m2, text[67:68].strip(), text[68:71].strip()))
    if m3 is not None:
        mags.append((m3, text[75:76].strip(), text[76:79].strip()))
    return Header(
        year,
        month,
        day,
        hour,
        minute,
        second,
        text[10:11].strip(),
        text[20:21].strip(),
        text[21:22].strip(),
        text[22:23].strip(),
        lat,
        lon,
        depth,
        text[43:44].strip(),
        text[44:45].strip(),
        text[45:48].strip(),
        nsta,
        rms,
        mags,
        n,
        body,
    )


def _parse_header_slow(body: bytes, path, n: int) -> Header:
    """Field by field, with blanks as nulls; raises for the first bad field."""
    gi, gf = _get_int, _get_float
    mags = []
    for a, t, g in ((55, 59, 60), (63, 67, 68), (71, 75, 76)):
        v = gf(body, a, t, "magnitude", path, n)
        if v is not None:
            mags.append((v, _decode(body[t : t + 1]), _decode(body[g : g + 3])))
    return Header(
        year=gi(body, 1, 5, "year", path, n),
        month=gi(body, 6, 8, "month", path, n),
        day=gi(body, 8, 10, "day", path, n),
        hour=gi(body, 11, 13, "hour", path, n),
        minute=gi(body, 13, 15, "minute", path, n),
        second=gf(body, 16, 20, "seconds", path, n),
        fix_origin_time=_decode(body[10:11]),
        location_model=_decode(body[20:21]),
        distance_class=_decode(body[21:22]),
        event_type=_decode(body[22:23]),
        latitude=gf(body, 23, 30, "latitude", path, n),
        longitude=gf(body, 30, 38, "longitude", path, n),
        depth_km=gf(body, 38, 43, "depth", path, n),
        depth_flag=_decode(body[43:44]),
        locate_flag=_decode(body[44:45]),
        agency=_decode(body[45:48]),
        n_stations=gi(body, 48, 51, "number of stations", path, n),
        rms=gf(body, 51, 55, "RMS", path, n),
        magnitudes=mags,
        line_number=n,
        raw=body,
    )


def _parse_high_accuracy(body: bytes, path, n: int) -> HighAccuracyHeader:
    gi, gf = _get_int, _get_float
    return HighAccuracyHeader(
        year=gi(body, 1, 5, "year", path, n),
        month=gi(body, 6, 8, "month", path, n),
        day=gi(body, 8, 10, "day", path, n),
        hour=gi(body, 11, 13, "hour", path, n),
        minute=gi(body, 13, 15, "minute", path, n),
        second=gf(body, 16, 22, "seconds", path, n),
        latitude=gf(body, 23, 32, "latitude", path, n),
        longitude=gf(body, 33, 43, "longitude", path, n),
        depth_km=gf(body, 44, 52, "depth", path, n),
        rms=gf(body, 53, 59, "RMS", path, n),
        line_number=n,
        raw=body,
    )


_ERROR_STRUCT = struct.Struct("5x3s6x6s4x6s2x6s5s12s12s12s")  # gap .. cov yz (5..78)


def _plain_floats(fields) -> list | None:
    """The fields read with ``float`` (blank = ``None``) when every one is a plain number
    (number characters only, no inner blank: the value :func:`_fortran_number` gives),
    else ``None`` so that the caller reads them field by field."""
    if b"".join(fields).translate(None, _NUMBER_CHARS):
        return None
    try:
        return [None if f.isspace() else float(f) for f in fields]
    except ValueError:
        return None


def _parse_error_line(body: bytes, path, n: int) -> HypocentreError:
    b = body if len(body) >= 80 else body.ljust(80)
    values = _plain_floats(_ERROR_STRUCT.unpack_from(b))
    if values is not None:
        return HypocentreError(*values, n, body)
    return _parse_error_line_slow(body, path, n)


def _parse_error_line_slow(body: bytes, path, n: int) -> HypocentreError:
    gf = _get_float
    return HypocentreError(
        gap_deg=gf(body, 5, 8, "gap", path, n),
        origin_time_error_s=gf(body, 14, 20, "origin time error", path, n),
        latitude_error_km=gf(body, 24, 30, "latitude error", path, n),
        longitude_error_km=gf(body, 32, 38, "longitude error", path, n),
        depth_error_km=gf(body, 38, 43, "depth error", path, n),
        covariance_xy=gf(body, 43, 55, "covariance xy", path, n),
        covariance_xz=gf(body, 55, 67, "covariance xz", path, n),
        covariance_yz=gf(body, 67, 79, "covariance yz", path, n),
        line_number=n,
        raw=body,
    )


def _parse_id_line(body: bytes, path, n: int) -> EventID:
    return EventID(
        last_action=_decode(body[8:11]),
        action_date=_decode(body[12:26]),
        operator=_decode(body[30:34]),
        status=_decode(body[42:56]),
        event_id=_decode(body[60:74]),
        duplicate=body[74:75] == b"d",
        locked=body[75:76] == b"L",
        line_number=n,
        raw=body,
    )


_FAULT_STRUCT = struct.Struct("10s10s10s5s5s5s5s5s5s")  # strike .. amplitude-ratio fit


def _parse_fault_plane(body: bytes, path, n: int) -> FaultPlane:
    b = body if len(body) >= 80 else body.ljust(80)
    values = _plain_floats(_FAULT_STRUCT.unpack_from(b))
    nbad, nbad_amp = b[60:62], b[63:65]
    if values is None or (nbad + nbad_amp).translate(None, _NUMBER_CHARS):
        return _parse_fault_plane_slow(body, path, n)
    try:
        nbad = None if nbad.isspace() else int(nbad)
        nbad_amp = None if nbad_amp.isspace() else int(nbad_amp)
    except ValueError:
        return _parse_fault_plane_slow(body, path, n)
    text = b[66:79].decode("latin-1")
    return FaultPlane(
        *values,
        nbad,
        nbad_amp,
        text[0:3].strip(),
        text[4:11].strip(),
        text[11:12].strip(),
        text[12:13].strip(),
        n,
        body,
    )


def _parse_fault_plane_slow(body: bytes, path, n: int) -> FaultPlane:
    gf = _get_float
    return FaultPlane(
        strike=gf(body, 0, 10, "strike", path, n),
        dip=gf(body, 10, 20, "dip", path, n),
        rake=gf(body, 20, 30, "rake", path, n),
        strike_error=_soft_float(body[30:35]),
        dip_error=_soft_float(body[35:40]),
        rake_error=_soft_float(body[40:45]),
        fit_error=_soft_float(body[45:50]),
        station_distribution_ratio=_soft_float(body[50:55]),
        amplitude_ratio_fit=_soft_float(body[55:60]),
        n_bad_polarities=_soft_int(body[60:62]),
        n_bad_amplitude_ratios=_soft_int(body[63:65]),
        agency=_decode(body[66:69]),
        program=_decode(body[70:77]),
        quality=_decode(body[77:78]),
        flag=_decode(body[78:79]),
        line_number=n,
        raw=body,
    )


# --------------------------------------------------------------------------------------
# phase lines
# --------------------------------------------------------------------------------------

# old Nordic: (name, start, end, kind) of every number field, 0-based slices
_OLD_NUMBERS = (
    ("hour", 18, 20, "i"),
    ("minute", 20, 22, "i"),
    ("seconds", 22, 28, "f"),
    ("coda duration", 29, 33, "f"),
    ("amplitude", 33, 40, "f"),
    ("period", 41, 45, "f"),
    ("back-azimuth", 46, 51, "f"),
    ("apparent velocity", 52, 56, "f"),
    ("AIN", 56, 60, "f"),
    ("back-azimuth residual", 60, 63, "f"),
    ("travel-time residual", 63, 68, "f"),
    ("weight", 68, 70, "i"),
    ("distance", 70, 75, "f"),
    ("CAZ", 76, 79, "i"),
)
_OLD_STRUCT = struct.Struct(
    "x5s2s1s1s4s1s1s1s1s"  # station .. col 18 (0..17)
    "2s2s6sx4s7sx4sx5sx4s4s3s5s2s5sx3s"  # hour .. CAZ (18..78)
)
# Nordic2
_NEW_NUMBERS = (
    ("hour", 26, 28, "i"),
    ("minute", 28, 30, "i"),
    ("seconds", 31, 37, "f"),
    ("PAR1", 37, 44, "f"),
    ("PAR2", 44, 50, "f"),
    ("AIN", 58, 63, "f"),
    ("residual", 63, 68, "f"),
    ("weight", 68, 70, "i"),
    ("distance", 70, 75, "f"),
    ("CAZ", 76, 79, "i"),
)
_NEW_STRUCT = struct.Struct(
    "x5s3sx2s2sx1s8s1s1s"  # station .. automatic (0..25)
    "2s2sx6s7s6sx3sx3s5s5s2s5sx3s"  # hour .. CAZ (26..78)
)
_NEW_NUMBERS_POLARITY = tuple(
    ("PAR1", 37, 43, "f") if name == "PAR1" else (name, a, b, k) for name, a, b, k in _NEW_NUMBERS
)
_DIGIT_OR_BLANK = (frozenset(b" 0123456789"), frozenset(b" .0123456789"))


def _slow_numbers(body: bytes, specs, path, n: int) -> tuple:
    """The number fields of a phase line read one by one (blanks as nulls), or the error
    for the first bad one."""
    values = []
    for name, a, b, kind in specs:
        s = body[a:b]
        try:
            values.append(_fortran_number(s, kind))
        except ValueError:
            what = "an integer" if kind == "i" else "a number"
            raise _field_error(path, n, a, name, s, what) from None
    return tuple(values)


def _parse_old_phase(body: bytes, n: int, path, ain_is_snr: bool) -> tuple:
    """The field values of an old-Nordic phase line, in ``_PHASE_FIELDS`` order."""
    body80 = body if len(body) >= 80 else body.ljust(80)
    (
        sta,
        comp,
        c9,
        qual,
        ph,
        wi,
        auto,
        pol,
        c18,
        hh,
        mm,
        ss,
        coda,
        amp,
        per,
        baz,
        vel,
        ain,
        bres,
        tres,
        wt,
        dist,
        caz,
    ) = _OLD_STRUCT.unpack_from(body80)
    numbers = hh + mm + ss + coda + amp + per + baz + vel + ain + bres + tres + wt + dist + caz
    if numbers.translate(None, _NUMBER_CHARS):
        _slow_numbers(body80, _OLD_NUMBERS, path, n)  # raises for the bad field
    try:
        values = (
            None if hh.isspace() else int(hh),
            None if mm.isspace() else int(mm),
            None if ss.isspace() else float(ss),
            None if coda.isspace() else float(coda),
            None if amp.isspace() else float(amp),
            None if per.isspace() else float(per),
            None if baz.isspace() else float(baz),
            None if vel.isspace() else float(vel),
            None if ain.isspace() else float(ain),
            None if bres.isspace() else float(bres),
            None if tres.isspace() else float(tres),
            None if wt.isspace() else int(wt),
            None if dist.isspace() else float(dist),
            None if caz.isspace() else int(caz),
        )
    except ValueError:
        values = _slow_numbers(body80, _OLD_NUMBERS, path, n)
    wi0 = wi[0]
    if wi0 not in _DIGIT_OR_BLANK[0] or c18 != b" ":
        # long phase name in columns 11-18, its weight in column 9
        phase = body80[10:18].decode("latin-1").strip()
        weight_indicator = c9.decode("latin-1").strip()
        automatic = False
        polarity = ""
    else:
        phase = ph.decode("latin-1").strip()
        weight_indicator = "" if wi0 == 32 else chr(wi0)
        automatic = auto == b"A"
        p = pol.decode("latin-1")
        polarity = p if p in POLARITIES else ""
    ain_value = values[8]
    snr = None
    if ain_is_snr:
        snr, ain_value = ain_value, None
    return (
        sta.decode("latin-1").strip(),
        comp.decode("latin-1").strip(),
        "",
        "",
        qual.decode("latin-1").strip(),
        phase,
        weight_indicator,
        automatic,
        polarity,
        *values[:8],
        ain_value,
        *values[9:],
        "",
        "",
        snr,
    )


def _new_kind(phase: bytes) -> str:
    """What PAR1/PAR2 hold in a Nordic2 line: ``amp``, ``baz``, ``coda`` or ``phase``."""
    name = phase.lstrip()
    if name.startswith(b"BAZ"):
        return "baz"
    if name.startswith(b"END"):
        return "coda"
    if name[:1] in (b"A", b"V") or name[:3] in (b"IAM", b"IVM"):
        return "amp"
    return "phase"


def _parse_new_phase(body: bytes, n: int, path, ain_is_snr: bool) -> tuple:
    """The field values of a Nordic2 phase line, in ``_PHASE_FIELDS`` order."""
    body80 = body if len(body) >= 80 else body.ljust(80)
    (
        sta,
        cha,
        net,
        loc,
        qual,
        ph,
        wi,
        auto,
        hh,
        mm,
        ss,
        par1,
        par2,
        agency,
        operator,
        ain,
        res,
        wt,
        dist,
        caz,
    ) = _NEW_STRUCT.unpack_from(body80)
    kind = _new_kind(ph)
    polarity = ""
    specs = _NEW_NUMBERS
    if kind == "phase" and par1[6] not in _DIGIT_OR_BLANK[1]:
        # column 44 holds the polarity of a P reading; PAR1 is then columns 38-43
        p = chr(par1[6])
        polarity = p if p in POLARITIES else ""
        par1 = par1[:6]
        specs = _NEW_NUMBERS_POLARITY
    numbers = hh + mm + ss + par1 + par2 + ain + res + wt + dist + caz
    if numbers.translate(None, _NUMBER_CHARS):
        _slow_numbers(body80, specs, path, n)  # raises for the bad field
    try:
        hour = None if hh.isspace() else int(hh)
        minute = None if mm.isspace() else int(mm)
        second = None if ss.isspace() else float(ss)
        p1 = None if par1.isspace() else float(par1)
        p2 = None if par2.isspace() else float(par2)
        ain_value = None if ain.isspace() else float(ain)
        residual = None if res.isspace() else float(res)
        weight = None if wt.isspace() else int(wt)
        distance = None if dist.isspace() else float(dist)
        caz_value = None if caz.isspace() else int(caz)
    except ValueError:
        (hour, minute, second, p1, p2, ain_value, residual, weight, distance, caz_value) = (
            _slow_numbers(body80, specs, path, n)
        )
    coda = amp = period = baz = vel = bres = tres = None
    if kind == "amp":
        amp, period, tres = p1, p2, residual
    elif kind == "baz":
        baz, vel, bres = p1, p2, residual
    elif kind == "coda":
        coda, tres = p1, residual
    else:
        tres = residual
    snr = None
    if ain_is_snr:
        snr, ain_value = ain_value, None
    return (
        sta.decode("latin-1").strip(),
        cha.decode("latin-1").strip(),
        net.decode("latin-1").strip(),
        loc.decode("latin-1").strip(),
        qual.decode("latin-1").strip(),
        ph.decode("latin-1").strip(),
        wi.decode("latin-1").strip(),
        auto == b"A",
        polarity,
        hour,
        minute,
        second,
        coda,
        amp,
        period,
        baz,
        vel,
        ain_value,
        bres,
        tres,
        weight,
        distance,
        caz_value,
        agency.decode("latin-1").strip(),
        operator.decode("latin-1").strip(),
        snr,
    )


def _quick_polarity(raw: bytes, fmt: int) -> str:
    """The polarity of a phase line without decoding the rest of it."""
    if fmt == NORDIC2:
        c = raw[43:44]
        if c in _POLARITY_BYTES and _new_kind(raw[16:24]) == "phase":
            return _POLARITY_STR[c]
        return ""
    c = raw[16:17]
    if c in _POLARITY_BYTES and raw[14:15] in _WEIGHT_BYTES and raw[17:18] in (b" ", b""):
        return _POLARITY_STR[c]
    return ""


_POLARITY_STR = {p.encode(): p for p in POLARITIES}
_POLARITY_BYTES = frozenset(_POLARITY_STR)
_WEIGHT_BYTES = frozenset([b" ", *(bytes([d]) for d in b"0123456789")])


def _check_phase_lines(rows, fmt: int, path) -> None:
    """Raise :class:`NordicError` for the first number field of a phase line that holds a
    character no number has (a letter, a tab, a stray byte).

    One ``translate`` call checks the number columns of all phase lines of the event; only
    when it finds something are the lines read field by field to name the column. A field
    of number characters in an impossible order (``1.2.3``) is reported, with its column,
    when the line is decoded. Nordic2 column 44 (polarity or last digit of PAR1) is checked
    then too.
    """
    if fmt == NORDIC2:
        region = b"".join([b[26:43] + b[44:50] + b[58:79] for _n, b in rows])
        specs = _NEW_NUMBERS_POLARITY
    else:
        region = b"".join([b[18:79] for _n, b in rows])
        specs = _OLD_NUMBERS
    if not region.translate(None, _NUMBER_CHARS):
        return
    for n, b in rows:
        _slow_numbers(b.ljust(80), specs, path, n)  # raises for the first bad field


def _build_phases(ev: Event) -> list[Phase]:
    ctx = (ev.nordic_format, ev._ain_is_snr, ev.path)
    make = Phase._from_line
    return [make(body, n, ctx) for n, body in ev._phase_rows]


def polarity_readings(event: Event, phase_prefix: str = "P") -> list[tuple]:
    """The polarity readings of an event straight from its raw phase lines.

    One tuple ``(line_number, polarity, phase, station, ain_deg, caz_deg)`` per phase line
    that has a polarity (``C U D + -``) and whose phase name starts with ``phase_prefix``
    (``""`` for every phase), in file order. The values are those of the line's
    :class:`Phase` record (``ain_deg`` ``None`` when blank or when the AIN column holds
    SNR; ``caz_deg`` ``None`` when blank), but only these columns are read: no record is
    made and the other fields of the line are not decoded. This is the path for programs
    that only need polarities (PINV over a database).

    A field that is not a plain number makes the whole line be decoded as
    :attr:`Event.phases` does, so lenient values (``"0 10"``) come out the same and a bad
    AIN or CAZ raises the same :class:`~seisfoc.errors.NordicError`. A malformed field in
    another column of the line (a number-character field such as ``1.2.3`` in the
    amplitude) is not reported here, as the line's other fields are not read.
    """
    rows = event._phase_rows
    if not rows:
        # records made directly rather than by the reader: use them
        return [
            (p.line_number, p.polarity, p.phase, p.station, p.ain_deg, p.caz_deg)
            for p in (event._phases or ())
            if p.polarity and p.phase.startswith(phase_prefix)
        ]
    if event.nordic_format == NORDIC2:
        layout = (43, slice(16, 24), slice(58, 63), _parse_new_phase)
    else:
        layout = (16, slice(10, 14), slice(56, 60), _parse_old_phase)
    pol_col, phase_cols, ain_cols, parse_line = layout
    nordic2 = event.nordic_format == NORDIC2
    snr, path = event._ain_is_snr, event.path
    pol_bytes, pol_str, number_chars = _POLARITY_BYTES, _POLARITY_STR, _NUMBER_CHARS
    weight_bytes = _WEIGHT_BYTES
    out = []
    for n, raw in [r for r in rows if r[1][pol_col : pol_col + 1] in pol_bytes]:
        if nordic2:
            if _new_kind(raw[16:24]) != "phase":
                continue
        elif raw[14:15] not in weight_bytes or raw[17:18] not in (b" ", b""):
            continue  # a long phase name runs over the weight and polarity columns
        b = raw if len(raw) >= 80 else raw.ljust(80)
        phase = b[phase_cols].decode("latin-1").strip()
        if not phase.startswith(phase_prefix):
            continue
        a, z = b[ain_cols], b[76:79]
        try:
            if (a + z).translate(None, number_chars):
                raise ValueError
            ain = None if snr or a.isspace() else float(a)
            caz = None if z.isspace() else int(z)
        except ValueError:
            v = parse_line(raw, n, path, snr)
            ain, caz = v[17], v[22]
        c = raw[pol_col : pol_col + 1]
        out.append((n, pol_str[c], phase, b[1:6].decode("latin-1").strip(), ain, caz))
    return out


# --------------------------------------------------------------------------------------
# events
# --------------------------------------------------------------------------------------


def detect_format(help_line: bytes) -> int | None:
    """The format a type-7 help line announces, or ``None`` when it is neither."""
    body = help_line[:80]
    if body[6:9] == b"COM" or b"PAR1" in body or b"NTLO" in body:
        return NORDIC2
    if body[6:8] == b"SP" or b"SECON" in body or b"AMPLIT" in body:
        return NORDIC1
    return None


def _format_from_phases(rows) -> int | None:
    for _n, body in rows:
        if body[25:26] == b"." and body[22:28].strip():
            return NORDIC1
        if body[33:34] == b"." and body[31:37].strip():
            return NORDIC2
    return None


def _split_blocks(lines: list[bytes]) -> list[tuple[int, list[bytes]]]:
    """Group lines into events: an event ends with a blank line.

    Blank lines before the first event belong to it, blank lines after an event's
    terminating one belong to that event. Returns ``(index of first line, lines)``.
    Only the blank lines are visited.
    """
    blocks: list[tuple[int, list[bytes]]] = []
    start = 0
    prev = -1
    for i in [i for i, ln in enumerate(lines) if ln.isspace()]:
        if i > prev + 1:  # content since the previous blank line: the event ends here
            blocks.append((start, lines[start : i + 1]))
            start = i + 1
        elif blocks and start == i:  # a further blank line after an event
            blocks[-1][1].append(lines[i])
            start = i + 1
        # else: a blank line before the first event, kept for it
        prev = i
    if len(lines) > prev + 1:
        blocks.append((start, lines[start:]))
    # else: trailing blank lines went to the last event; a file of blank lines holds none
    return blocks


_PHASE_LINE_TYPES = frozenset((b" ", b"4", b""))


def _parse_block(
    start: int, block: list[bytes], path, nordic_format: int | None, check: bool = True
) -> Event:
    headers: list[Header] = []
    errors: list[HypocentreError] = []
    ids: list[EventID] = []
    fps: list[FaultPlane] = []
    high: list[HighAccuracyHeader] = []
    rows: list[tuple[int, bytes]] = []
    help_line = None
    k, size = 0, len(block)
    while k < size and not block[k].strip():
        k += 1  # leading blank lines
    if k < size:
        body = block[k].rstrip(b"\r\n")
        first = start + k + 1
        t = body[79:80]
        if t != b"1":
            raise NordicError(
                "an event must start with a type-1 header line "
                f"(column 80 is {t.decode('latin-1')!r})",
                path=path,
                line=first,
                column=80,
            )
        headers.append(_parse_header(body, path, first))
        phase_types = _PHASE_LINE_TYPES
        for n, ln in enumerate(block[k + 1 :], first + 1):
            body = ln.rstrip(b"\r\n")
            t = body[79:80]
            if t in phase_types:
                if body.strip():
                    rows.append((n, body))
            elif t == b"1":
                headers.append(_parse_header(body, path, n))
            elif t == b"F":
                fps.append(_parse_fault_plane(body, path, n))
            elif t == b"E":
                errors.append(_parse_error_line(body, path, n))
            elif t == b"I":
                ids.append(_parse_id_line(body, path, n))
            elif t == b"H":
                high.append(_parse_high_accuracy(body, path, n))
            elif t == b"7":
                if help_line is None:
                    help_line = body
    if nordic_format is not None:
        fmt, source = nordic_format, "forced"
    else:
        fmt = detect_format(help_line) if help_line is not None else None
        source = "type-7"
        if fmt is None:
            fmt = _format_from_phases(rows)
            source = "phase-lines"
            if fmt is None:
                fmt, source = NORDIC1, "default"
    ain_is_snr = False
    if help_line is not None:
        ain_is_snr = (help_line[57:60] if fmt == NORDIC1 else help_line[60:63]) == b"SNR"
    ev = Event(
        path,
        start + 1,
        block,
        fmt,
        headers,
        errors,
        ids,
        fps,
        high,
        source,
        rows,
        ain_is_snr,
    )
    if check and rows:
        # check every phase line now so that a bad file fails when it is read
        _check_phase_lines(rows, fmt, path)
    return ev


def parse_events(data: bytes, path=None, nordic_format: int | None = None) -> list[Event]:
    """Events in the bytes of an S-file or ``hyp.out`` (``path`` is used in messages)."""
    if nordic_format not in (None, NORDIC1, NORDIC2):
        raise ValueError(f"nordic_format must be None, 1 or 2, not {nordic_format!r}")
    if isinstance(data, str):
        raise TypeError("parse_events needs bytes; read the file in binary mode")
    data = bytes(data)
    path = None if path is None else os.fspath(path)
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        col = nul - (data.rfind(b"\n", 0, nul) + 1) + 1
        raise NordicError("binary data (NUL byte), not a Nordic file", path, line, col)
    lines = data.splitlines(keepends=True)
    return [_parse_block(s, b, path, nordic_format) for s, b in _split_blocks(lines)]


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _read_bytes(path) -> bytes:
    """The bytes of a regular file; a folder, device or FIFO is refused before reading
    (``/dev/zero`` would never end, a FIFO would block). ``O_NONBLOCK`` lets a FIFO be
    opened without a writer so that ``fstat`` can refuse it."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except IsADirectoryError:
        raise NordicError("is a folder, not a Nordic file", path=path) from None
    except OSError as exc:
        raise NordicError(f"cannot read: {exc.strerror or exc}", path=path) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISREG(mode):
            with open(fd, "rb", closefd=False) as f:
                return f.read()
    except OSError as exc:
        raise NordicError(f"cannot read: {exc.strerror or exc}", path=path) from None
    finally:
        os.close(fd)
    raise NordicError(f"is {_file_kind(mode)}, not a Nordic file", path=path)


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def read_events(path, nordic_format: int | None = None) -> list[Event]:
    """All events of an S-file or a ``hyp.out`` (one or many events)."""
    return parse_events(_read_bytes(path), path, nordic_format)


def read_sfile(path, nordic_format: int | None = None) -> Event:
    """The one event of an S-file; :class:`NordicError` when it holds none or several."""
    events = read_events(path, nordic_format)
    if len(events) != 1:
        raise NordicError(f"an S-file holds one event, this one holds {len(events)}", path=path)
    return events[0]


# --------------------------------------------------------------------------------------
# database
# --------------------------------------------------------------------------------------

#: a SEISAN S-file name, ``DD-HHMM-SSX.SYYYYMM`` with X the distance indicator (L local,
#: R regional, D distant); editor backups (``~``, ``.bak``) and the temporary files of an
#: interrupted write (``.<name>.<random>.tmp``, see :mod:`seisfoc.fileio`) do not match
_SFILE_NAME = re.compile(r"(\d\d)-(\d\d)(\d\d)-(\d\d)[LRD]\.S(\d{4})(\d\d)")


def is_sfile_name(name: str) -> bool:
    """Whether ``name`` (a file name, no folder) is a SEISAN S-file name."""
    return _SFILE_NAME.fullmatch(name) is not None


def _sfile_time(name: str) -> _dt.datetime | None:
    m = _SFILE_NAME.fullmatch(name)
    if m is None:
        return None
    day, hour, minute, sec, year, month = (int(x) for x in m.groups())
    try:
        return _dt.datetime(year, month, day, hour, minute, min(sec, 59))
    except ValueError:
        return None


_TIME_FORMS = "an ISO date (1996-06-03) or date and time (1996-06-03T19:55:35)"


def parse_time(value, name: str = "") -> _dt.date | _dt.datetime | None:
    """A time limit as a ``date`` (a date, or an ISO date string) or a naive UTC
    ``datetime`` (a datetime, or an ISO date-and-time string); ``None`` stays ``None``.

    The two kinds are kept apart because a date as the end of a range covers that whole
    day (see :func:`iter_database`). An aware datetime is converted to UTC, the time of
    S-files. Anything else raises :class:`~seisfoc.errors.SeisfocError`; ``name``
    (``"start"``, ``"end"``) starts the message.
    """
    if value is None:
        return None
    what = f"{name} " if name else ""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str):
        raise SeisfocError(f"{what}time must be {_TIME_FORMS}, not {value!r}")
    text = value.strip()
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_time(_dt.datetime.fromisoformat(text))
    except ValueError as exc:
        reason = str(exc)
        reason = "" if reason.startswith("Invalid isoformat") else f" ({reason})"
    raise SeisfocError(f"{what}time {value!r} is not {_TIME_FORMS}{reason}")


def _unit_of_time_text(text: str) -> _dt.timedelta:
    """The last unit an ISO date-and-time string gives: ``"1996-06-03T19"`` an hour,
    ``"...T19:55"`` a minute, ``"...T19:55:35"`` a second, with a fraction its last
    digit. As an end of a range the string covers that unit."""
    clock = re.split(r"[T ]", text.strip(), maxsplit=1)[-1]
    clock = re.split(r"[Z+-]", clock, maxsplit=1)[0]
    parts = clock.split(":")
    if len(parts) == 1 and len(parts[0]) == 4 and parts[0].isdigit():  # basic "1955"
        return _dt.timedelta(minutes=1)
    if len(parts) == 1:
        return _dt.timedelta(hours=1)
    if len(parts) == 2:
        return _dt.timedelta(minutes=1)
    _, _, fraction = parts[2].partition(".")
    return _dt.timedelta(seconds=10.0 ** -len(fraction.rstrip()))


def time_range(start, end) -> tuple[_dt.datetime | None, _dt.datetime | None]:
    """``(first, last)`` origin times (naive UTC datetimes or ``None``), both inclusive, of
    the limits ``start`` and ``end`` as :func:`iter_database` reads them: a date as
    ``end`` ends with its last microsecond, and an ISO string as ``end`` covers its last
    unit (``"1996-06-03T19:55"`` the whole minute, ``"...T19:55:35"`` that second). Raises
    :class:`~seisfoc.errors.SeisfocError` for a bad limit or a start after the end."""
    t0, t1 = parse_time(start, "start"), parse_time(end, "end")
    if type(t0) is _dt.date:
        t0 = _dt.datetime(t0.year, t0.month, t0.day)
    if type(t1) is _dt.date:
        t1 = _dt.datetime(t1.year, t1.month, t1.day) + _dt.timedelta(days=1, microseconds=-1)
    elif isinstance(end, str) and t1 is not None:
        t1 += _unit_of_time_text(end) - _dt.timedelta(microseconds=1)
    if t0 is not None and t1 is not None and t0 > t1:
        raise SeisfocError(f"start time {start!s} is after end time {end!s}")
    return t0, t1


def _scan(folder: str) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return list(it)
    except OSError as exc:
        raise NordicError(f"cannot list the folder: {exc.strerror or exc}", path=folder) from None


def _month_folders(root: str) -> list[tuple[int, int, str]]:
    """``(year, month, folder)`` of every ``YYYY/MM`` folder of a database, sorted."""
    out = []
    for y in _scan(root):
        if y.is_dir() and _is_digits(y.name, 4):
            for m in _scan(y.path):
                if m.is_dir() and _is_digits(m.name, 2):
                    out.append((int(y.name), int(m.name), m.path))
    return sorted(out)


def iter_database(root, start=None, end=None) -> Iterator[str]:
    """Sorted paths of the S-files ``<root>/YYYY/MM/DD-HHMM-SSX.SYYYYMM`` of a database
    (``root`` is the BASE folder, ``REA/<BASE>``); other files are not S-files and are
    left out.

    ``start`` and ``end`` (datetime, date or ISO string, see :func:`parse_time`) select by
    the origin time in the file name, both inclusive: a date, or an ISO string without a
    time, as ``end`` includes that whole day (``start="1996-06-03", end="1996-06-03"``
    is that day); a date and time as ``end`` includes that second. Files whose name does
    not carry a valid time are then left out.

    Bad limits, a ``root`` that is not a folder and a folder without any ``YYYY/MM``
    sub-folder (not a database) raise :class:`~seisfoc.errors.SeisfocError` at the call,
    before the first path.
    """
    return _walk(*_database_months(root, start, end), keep_going=False)


def _database_months(root, start, end):
    """``(months, t0, t1)`` of a database, checked: see :func:`iter_database`. A folder
    without ``YYYY/MM`` sub-folders is an error unless it sits in a folder named ``REA``
    (a new, still empty ``REA/<BASE>``)."""
    root = os.fspath(root)
    t0, t1 = time_range(start, end)
    if not os.path.isdir(root):
        raise NordicError("not a SEISAN database folder", path=root)
    months = _month_folders(root)
    parent = os.path.basename(os.path.dirname(os.path.abspath(root)))
    if not months and parent.upper() != "REA":
        raise NordicError(
            "not a SEISAN database folder: no YYYY/MM sub-folders (give REA/<BASE>)",
            path=root,
        )
    return months, t0, t1


def _walk(months, t0, t1, keep_going: bool) -> Iterator[str | SeisfocError]:
    """The S-file paths of the month folders in the range; a month folder that cannot be
    listed raises, or with ``keep_going`` is yielded as its error and the walk goes on."""
    ranged = t0 is not None or t1 is not None
    for year, month, folder in months:
        if (t0 is not None and (year, month) < (t0.year, t0.month)) or (
            t1 is not None and (year, month) > (t1.year, t1.month)
        ):
            continue
        try:
            entries = _scan(folder)
        except SeisfocError as exc:
            if not keep_going:
                raise
            yield exc
            continue
        names = sorted(e.name for e in entries if is_sfile_name(e.name) and e.is_file())
        for name in names:
            if ranged:
                t = _sfile_time(name)
                if t is None or (t0 is not None and t < t0) or (t1 is not None and t > t1):
                    continue
            yield os.path.join(folder, name)


def _is_digits(s: str, n: int) -> bool:
    return len(s) == n and s.isdigit()


def read_database(
    root, start=None, end=None, nordic_format: int | None = None
) -> Iterator[tuple[str, Event | SeisfocError]]:
    """``(path, event)`` for every S-file of :func:`iter_database`; a bad file gives its
    error instead. Errors of the arguments are raised at the call."""
    if nordic_format not in (None, NORDIC1, NORDIC2):
        raise ValueError(f"nordic_format must be None, 1 or 2, not {nordic_format!r}")
    months, t0, t1 = _database_months(root, start, end)
    return _read_each(_walk(months, t0, t1, keep_going=True), nordic_format)


def read_path(
    item, start=None, end=None, nordic_format: int | None = None
) -> Iterator[tuple[str, Event | SeisfocError]]:
    """``(path, event or error)`` of one input a user names: a folder is a database, one
    pair per S-file (:func:`read_database`), or the folder's one error when it is not a
    database; a file gives all its events, or one error when it cannot be read or holds
    none. Nothing is raised, so that one bad input never stops a run of many."""
    item = os.fspath(item)
    if os.path.isdir(item):
        try:
            return read_database(item, start, end, nordic_format=nordic_format)
        except SeisfocError as err:
            return iter([(item, err)])
    try:
        events = read_events(item, nordic_format=nordic_format)
    except SeisfocError as err:
        return iter([(item, err)])
    if not events:
        return iter([(item, NordicError("no events in the file", path=item))])
    return ((item, event) for event in events)


def _read_each(paths, nordic_format) -> Iterator[tuple[str, Event | SeisfocError]]:
    for path in paths:
        if isinstance(path, SeisfocError):  # an unreadable month folder
            yield path.path or "", path
            continue
        try:
            yield path, read_sfile(path, nordic_format)
        except SeisfocError as exc:
            yield path, exc


# --------------------------------------------------------------------------------------
# writer
# --------------------------------------------------------------------------------------


def _fixed(value, width: int, decimals: int, name: str) -> str:
    if value is None:
        return " " * width
    v = float(value)
    if v != v or v in (float("inf"), float("-inf")):
        raise NordicError(f"{name} is not a finite number: {value!r}")
    s = f"{v:{width}.{decimals}f}"
    if len(s) > width:
        raise NordicError(f"{name} {value!r} does not fit in {width} columns")
    return s


def _integer(value, width: int, name: str) -> str:
    if value is None:
        return " " * width
    if int(value) != value:
        raise NordicError(f"{name} must be a whole number, not {value!r}")
    s = f"{int(value):{width}d}"
    if len(s) > width:
        raise NordicError(f"{name} {value!r} does not fit in {width} columns")
    return s


def _text(value: str, width: int, name: str) -> str:
    value = "" if value is None else str(value)
    if len(value) > width:
        raise NordicError(f"{name} {value!r} is longer than {width} characters")
    if any(c in "\r\n\t" or ord(c) > 255 or ord(c) < 32 for c in value):
        raise NordicError(f"{name} {value!r} holds characters a Nordic file cannot hold")
    return value.ljust(width)


def format_fault_plane_line(
    strike,
    dip,
    rake,
    *,
    program: str,
    agency: str = "",
    n_bad_polarities: int | None = None,
    quality: str = "",
    flag: str = "",
    strike_error=None,
    dip_error=None,
    rake_error=None,
    fit_error=None,
    station_distribution_ratio=None,
    amplitude_ratio_fit=None,
    n_bad_amplitude_ratios: int | None = None,
) -> str:
    """An 80-character F-line as SEISAN's event editor writes it (column 80 ``F``).

    Strike, dip, rake ``3f10.1`` in 1-30; errors ``3f5.1`` in 31-45; fit error, station
    distribution ratio and amplitude-ratio fit ``f5.2`` in 46-60; bad polarities ``i2`` in
    61-62; bad amplitude ratios ``i2`` in 64-65; agency 67-69; program 71-77 left-justified;
    quality 78; flag 79 (``"O"`` for an OF-line).
    """
    if flag not in ("", " ", "O"):
        raise NordicError(f"flag must be '' (prime) or 'O' (OF-line), not {flag!r}")
    parts = [
        _fixed(strike, 10, 1, "strike"),
        _fixed(dip, 10, 1, "dip"),
        _fixed(rake, 10, 1, "rake"),
        _fixed(strike_error, 5, 1, "strike error"),
        _fixed(dip_error, 5, 1, "dip error"),
        _fixed(rake_error, 5, 1, "rake error"),
        _fixed(fit_error, 5, 2, "fit error"),
        _fixed(station_distribution_ratio, 5, 2, "station distribution ratio"),
        _fixed(amplitude_ratio_fit, 5, 2, "amplitude ratio fit"),
        _integer(n_bad_polarities, 2, "number of bad polarities"),
        " ",
        _integer(n_bad_amplitude_ratios, 2, "number of bad amplitude ratios"),
        " ",
        _text(agency, 3, "agency"),
        " ",
        _text(program, 7, "program"),
        _text(quality, 1, "quality"),
        _text(flag.strip(), 1, "flag"),
        "F",
    ]
    line = "".join(parts)
    assert len(line) == 80, line
    return line


def _line_ending(ln: bytes) -> bytes:
    if ln.endswith(b"\r\n"):
        return b"\r\n"
    if ln.endswith(b"\n"):
        return b"\n"
    if ln.endswith(b"\r"):
        return b"\r"
    return b""


def _insert_fault_plane(data: bytes, new_body: bytes, prime: bool, event_index: int, path):
    """The new file bytes with ``new_body`` written into event ``event_index``."""
    lines = data.splitlines(keepends=True)
    blocks = _split_blocks(lines)
    if not 0 <= event_index < len(blocks):
        raise NordicError(
            f"event {event_index} does not exist: the file holds {len(blocks)} event(s)",
            path=path,
        )
    start, block = blocks[event_index]
    # index (within block) of the first non-blank line = the header
    head = 0
    while head < len(block) and block[head].isspace():
        head += 1
    program = new_body[70:77]
    same = []
    last_f = None
    for k in range(head + 1, len(block)):
        body = block[k].rstrip(b"\r\n")
        if body.isspace() or not body:
            break
        if body[79:80] == b"F":
            last_f = k
            if program.strip() and body[70:77] == program:
                same.append(k)
    header_line = block[head]
    eol = _line_ending(header_line) or _first_ending(lines) or b"\n"
    new_block = list(block)
    if same:
        k0 = same[0]
        new_block[k0] = new_body + (_line_ending(block[k0]) or b"")
        if not _line_ending(block[k0]) and k0 != len(block) - 1:
            new_block[k0] += eol
        for k in reversed(same[1:]):
            del new_block[k]
    else:
        pos = head + 1 if prime or last_f is None else last_f + 1
        if not _line_ending(header_line):
            new_block[head] = header_line + eol
        new_block.insert(pos, new_body + eol)
    out_lines = lines[:start] + new_block + lines[start + len(block) :]
    return b"".join(out_lines)


def _first_ending(lines: list[bytes]) -> bytes:
    for ln in lines:
        e = _line_ending(ln)
        if e:
            return e
    return b""


def write_fault_plane(path, line: str, *, prime: bool, event_index: int = 0) -> None:
    """Write an F-line into event ``event_index`` of an S-file or ``hyp.out``.

    An existing F-line of the same program (columns 71-77, prime or OF) is replaced and any
    further ones of that program removed; otherwise a prime line goes in as line 2 of the
    event and an OF-line after the event's last F-line (as line 2 when there is none).
    Every other byte stays as it was; the file's line ending is used for a new line. The
    write is atomic and keeps the file's permissions. Only event boundaries and F-lines are
    looked at, so a phase line the reader would reject does not stop the write; a file
    that is not Nordic at all (NUL bytes, an event not starting with a type-1 line) is
    refused with :class:`~seisfoc.errors.NordicError` and left untouched.
    """
    if isinstance(line, bytes):
        line = line.decode("latin-1")
    body_s = line.rstrip("\r\n")
    if len(body_s) != 80 or body_s[79] != "F":
        raise NordicError(f"an F-line has 80 characters and 'F' in column 80: {line!r}")
    if any(c in "\r\n" or ord(c) > 255 for c in body_s):
        raise NordicError(f"an F-line is one line of Latin-1 text: {line!r}")
    flag = body_s[78]
    if prime and flag != " ":
        raise NordicError("a prime F-line must have a blank column 79", column=79)
    if not prime and flag == " ":
        body_s = body_s[:78] + "O" + body_s[79]
    new_body = body_s.encode("latin-1")
    fspath = os.path.realpath(os.fspath(path))
    data = _read_bytes(fspath)
    try:
        st = os.stat(fspath)
    except OSError as exc:
        raise NordicError(f"cannot stat: {exc.strerror or exc}", path=path) from None
    if not (st.st_mode & 0o222) or not os.access(fspath, os.W_OK):
        raise NordicError("file is not writable", path=path)
    _check_writable_nordic(data, path)
    out = _insert_fault_plane(data, new_body, prime, event_index, path)
    if out == data:
        return
    write_atomic(fspath, out, error=NordicError)


def _check_writable_nordic(data: bytes, path) -> None:
    """Refuse to write into a file that is not Nordic: NUL bytes, or an event whose first
    line is not a type-1 header (plain text, a binary file, a wrong file name)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise NordicError("binary data (NUL byte), not a Nordic file: not written", path, line)
    for start, block in _split_blocks(data.splitlines(keepends=True)):
        k = 0
        while k < len(block) and block[k].isspace():
            k += 1
        if k < len(block) and block[k].rstrip(b"\r\n")[79:80] != b"1":
            raise NordicError(
                "not a Nordic file: an event must start with a type-1 header line "
                "(column 80 '1'); not written",
                path,
                start + k + 1,
                80,
            )


def write_events(path, events) -> None:
    """Write ``events`` (one :class:`Event` or a list) to ``path`` atomically, each as its
    :meth:`Event.to_bytes`: the events of a file written back unchanged give that file
    byte for byte. An event that does not end with a blank line (the last one of a file
    without it) gets one when another event follows, so that events stay apart. The
    file keeps its permissions; see :func:`seisfoc.fileio.write_atomic`.
    """
    if isinstance(events, Event):
        events = [events]
    events = list(events)
    if not events:
        raise NordicError("no events to write", path=path)
    parts = []
    for k, ev in enumerate(events):
        data = ev.to_bytes()
        last = ev.lines[-1] if ev.lines else b""
        if k < len(events) - 1 and not (last.isspace() and _line_ending(last)):
            eol = _first_ending(ev.lines) or b"\n"
            data += (b"" if _line_ending(last) else eol) + (b"" if last.isspace() else eol)
        parts.append(data)
    write_atomic(path, b"".join(parts), error=NordicError)
