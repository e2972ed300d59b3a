"""Nordic records: typed, read-only views of the lines of an event.

:class:`Event` keeps every line verbatim; :class:`Header` (type 1), :class:`HighAccuracyHeader`
(H), :class:`HypocentreError` (E), :class:`EventID` (I), :class:`FaultPlane` (F) and
:class:`Phase` (type 4 or blank) are made by :mod:`seisfoc.io.nordic.reader`. A
:class:`Phase` made by the reader decodes its line on first use of a field
(:mod:`seisfoc.io.nordic.fields`).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from seisfoc.io.nordic.fields import (
    _PHASE_FIELDS,
    _POLARITY_INDEX,
    NORDIC1,
    NORDIC2,
    POLARITIES,
    parse_new_phase,
    parse_old_phase,
    quick_polarity,
)

__all__ = [
    "NORDIC1",
    "NORDIC2",
    "POLARITIES",
    "Phase",
    "FaultPlane",
    "Header",
    "HighAccuracyHeader",
    "HypocentreError",
    "EventID",
    "Event",
]


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
    line_number: int
    raw: bytes
    _ctx: tuple[int, bool, Any] | None  #: (nordic_format, ain_is_snr, path)
    _v: tuple[Any, ...] | None  #: the decoded fields, in the order of _PHASE_FIELDS

    if TYPE_CHECKING:  # the fields are properties made from _PHASE_FIELDS below the class
        station: str
        component: str
        network: str
        location: str
        quality: str
        phase: str
        weight_indicator: str
        automatic: bool
        hour: int | None
        minute: int | None
        second: float | None
        coda_s: float | None
        amplitude_nm: float | None
        period_s: float | None
        backazimuth_deg: float | None
        apparent_velocity: float | None
        ain_deg: float | None
        backazimuth_residual: float | None
        time_residual_s: float | None
        weight: int | None
        distance_km: float | None
        caz_deg: int | None
        agency: str
        operator: str
        snr: float | None

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
            assert self._ctx is not None  # a record without values was made by the reader
            fmt, snr, path = self._ctx
            parse = parse_new_phase if fmt == NORDIC2 else parse_old_phase
            v = self._v = parse(self.raw, self.line_number, path, snr)
        return v

    @property
    def polarity(self) -> str:
        v = self._v
        if v is not None:
            return v[_POLARITY_INDEX]
        assert self._ctx is not None  # a record without values was made by the reader
        return quick_polarity(self.raw, self._ctx[0])

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

    # defining __eq__ leaves __hash__ None: records compare by value and are unhashable

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


def _build_phases(ev: Event) -> list[Phase]:
    ctx = (ev.nordic_format, ev._ain_is_snr, ev.path)
    make = Phase._from_line
    return [make(body, n, ctx) for n, body in ev._phase_rows]
