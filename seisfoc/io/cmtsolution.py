"""CMTSOLUTION files (Global CMT, SPECFEM): read, write, convert.

One solution is a hypocentre line followed by twelve ``key: value`` lines::

     PDE 2010  7 18 13 34 59.70  -5.9500  150.4300  35.0 6.9 7.3 NEW BRITAIN REGION
    event name:     201007181334A
    time shift:      14.3200
    ...
    Mtp:       7.800000e+25

The hypocentre line is split on whitespace, not by columns: the catalogue code has 3 or
4 characters and may be glued to the year (``PDEW2015``). Several solutions may follow
each other in one file, with or without blank lines between them. Moments are in
dyne-cm in the (r, t, p) = (up, south, east) frame; :mod:`seisfoc.mechanism` works in
(north, east, down). Times are timezone-aware UTC datetimes.

The writer uses the Global CMT / SPECFEM layout (values ending in column 23), which
ObsPy's reader, which relies on columns, also reads.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from seisfoc import mechanism
from seisfoc.errors import SeisfocError
from seisfoc.io import source_bytes

__all__ = [
    "CMTSolution",
    "read_cmtsolution",
    "parse_cmtsolution",
    "write_cmtsolution",
    "format_cmtsolution",
    "is_cmtsolution",
]

# file key (lower case, single spaces) -> dataclass field
_KEYS = {
    "event name": "event_name",
    "time shift": "time_shift_s",
    "half duration": "half_duration_s",
    "latitude": "centroid_latitude",
    "longitude": "centroid_longitude",
    "depth": "centroid_depth_km",
    "mrr": "mrr",
    "mtt": "mtt",
    "mpp": "mpp",
    "mrt": "mrt",
    "mrp": "mrp",
    "mtp": "mtp",
}
# SPECFEM3D Cartesian names the centroid coordinates latorUTM / longorUTM.
_ALIASES = {"latorutm": "latitude", "longorutm": "longitude"}
# key as written -> format of its value (the value ends in column 23)
_WRITTEN = (
    ("time shift", "time_shift_s", ".4f"),
    ("half duration", "half_duration_s", ".4f"),
    ("latitude", "centroid_latitude", ".4f"),
    ("longitude", "centroid_longitude", ".4f"),
    ("depth", "centroid_depth_km", ".4f"),
    ("Mrr", "mrr", ".6e"),
    ("Mtt", "mtt", ".6e"),
    ("Mpp", "mpp", ".6e"),
    ("Mrt", "mrt", ".6e"),
    ("Mrp", "mrp", ".6e"),
    ("Mtp", "mtp", ".6e"),
)
_VALUE_END_COLUMN = 23

_HEADER_NUMBERS = ("latitude", "longitude", "depth", "mb", "Ms")
_KEY_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z ]*?)\s*:(.*)$")
_GLUED_CODE_YEAR = re.compile(r"^([A-Za-z]+)(\d{4})$")


@dataclass
class CMTSolution:
    """One centroid moment tensor solution; moments in dyne-cm, r up, t south, p east."""

    hypocentre_catalogue: str  # e.g. "PDE", "PDEW"
    origin_time: datetime  # hypocentre time, UTC
    hypocentre_latitude: float
    hypocentre_longitude: float
    hypocentre_depth_km: float
    mb: float
    ms: float
    region: str
    event_name: str
    time_shift_s: float  # centroid time - origin time
    half_duration_s: float
    centroid_latitude: float
    centroid_longitude: float
    centroid_depth_km: float
    mrr: float
    mtt: float
    mpp: float
    mrt: float
    mrp: float
    mtp: float
    path: str | None = field(default=None, compare=False)
    line_number: int | None = field(default=None, compare=False)  # of the hypocentre line

    @property
    def centroid_time(self) -> datetime:
        return self.origin_time + timedelta(seconds=self.time_shift_s)

    @property
    def m6_use(self) -> np.ndarray:
        """(Mrr, Mtt, Mpp, Mrt, Mrp, Mtp) in dyne-cm."""
        return np.array([self.mrr, self.mtt, self.mpp, self.mrt, self.mrp, self.mtp])

    @property
    def moment_tensor_use(self) -> np.ndarray:
        """3x3 tensor in (up, south, east), dyne-cm."""
        return mechanism.ned_to_use(self.moment_tensor_ned)

    @property
    def moment_tensor_ned(self) -> np.ndarray:
        """3x3 tensor in (north, east, down), dyne-cm, for :mod:`seisfoc.mechanism`."""
        return mechanism.tensor_from_m6_use(*self.m6_use)

    @property
    def scalar_moment_dyne_cm(self) -> float:
        """Moment of the largest double couple, (l_T - l_P)/2 (Global CMT's M0)."""
        return float(mechanism.scalar_moment(self.moment_tensor_ned))

    @property
    def scalar_moment_frobenius_dyne_cm(self) -> float:
        """Silver & Jordan's sqrt(sum M_ij^2 / 2) (what ObsPy's reader reports)."""
        return float(mechanism.scalar_moment_frobenius(self.moment_tensor_ned))

    @property
    def moment_magnitude(self) -> float:
        """Mw = 2/3 log10 M0 - 10.7 of :attr:`scalar_moment_dyne_cm`."""
        return float(mechanism.moment_magnitude(self.scalar_moment_dyne_cm))

    def nodal_planes(self) -> tuple[mechanism.NodalPlane, mechanism.NodalPlane]:
        """Both nodal planes of the largest double couple."""
        return mechanism.nodal_planes(self.moment_tensor_ned)

    def with_moment_tensor_ned(self, m_ned) -> CMTSolution:
        """A copy with the moment tensor replaced by ``m_ned`` (NED, dyne-cm)."""
        from dataclasses import replace

        mrr, mtt, mpp, mrt, mrp, mtp = (float(x) for x in mechanism.tensor_to_m6_use(m_ned))
        return replace(self, mrr=mrr, mtt=mtt, mpp=mpp, mrt=mrt, mrp=mrp, mtp=mtp)

    def to_obspy(self):
        """An :class:`obspy.core.event.Event` (centroid and hypocentre origins, Mw, mb,
        Ms, the moment tensor in N m with a triangle source time function)."""
        from obspy import UTCDateTime
        from obspy.core.event import (
            Comment,
            Event,
            EventDescription,
            FocalMechanism,
            Magnitude,
            MomentTensor,
            Origin,
            SourceTimeFunction,
            Tensor,
        )

        hypocentre = Origin(
            time=UTCDateTime(self.origin_time),
            latitude=self.hypocentre_latitude,
            longitude=self.hypocentre_longitude,
            depth=self.hypocentre_depth_km * 1000.0,
            origin_type="hypocenter",
            evaluation_status="preliminary",
        )
        centroid = Origin(
            time=UTCDateTime(self.centroid_time),
            latitude=self.centroid_latitude,
            longitude=self.centroid_longitude,
            depth=self.centroid_depth_km * 1000.0,
            origin_type="centroid",
        )
        mw = Magnitude(
            mag=self.moment_magnitude, magnitude_type="Mw", origin_id=centroid.resource_id
        )
        mb = Magnitude(mag=self.mb, magnitude_type="Mb", origin_id=hypocentre.resource_id)
        ms = Magnitude(mag=self.ms, magnitude_type="MS", origin_id=hypocentre.resource_id)
        newton_metre = 1e-7
        tensor = Tensor(
            m_rr=self.mrr * newton_metre,
            m_tt=self.mtt * newton_metre,
            m_pp=self.mpp * newton_metre,
            m_rt=self.mrt * newton_metre,
            m_rp=self.mrp * newton_metre,
            m_tp=self.mtp * newton_metre,
        )
        moment_tensor = MomentTensor(
            derived_origin_id=centroid.resource_id,
            moment_magnitude_id=mw.resource_id,
            scalar_moment=self.scalar_moment_frobenius_dyne_cm * newton_metre,
            tensor=tensor,
            source_time_function=SourceTimeFunction(
                type="triangle", duration=2.0 * self.half_duration_s
            ),
        )
        focal_mechanism = FocalMechanism(
            triggering_origin_id=hypocentre.resource_id, moment_tensor=moment_tensor
        )
        event = Event(event_type="earthquake")
        event.event_descriptions.append(
            EventDescription(text=self.event_name, type="earthquake name")
        )
        if self.region:
            event.event_descriptions.append(EventDescription(text=self.region, type="region name"))
        event.comments.append(Comment(text=f"Hypocenter catalog: {self.hypocentre_catalogue}"))
        event.origins.extend([centroid, hypocentre])
        event.magnitudes.extend([mw, mb, ms])
        event.focal_mechanisms.append(focal_mechanism)
        event.preferred_origin_id = centroid.resource_id
        event.preferred_magnitude_id = mw.resource_id
        event.preferred_focal_mechanism_id = focal_mechanism.resource_id
        return event


# ------------------------------------------------------------------------------ reading


def read_cmtsolution(path_or_file) -> list[CMTSolution]:
    """All solutions of a CMTSOLUTION file (a path, or an open text or binary file).

    Parameters
    ----------
    path_or_file : str, os.PathLike or file object
        A path, or a file opened for reading in text or binary mode (bytes are decoded as
        Latin-1); the file's ``name``, when it is a string, labels error messages.

    Returns
    -------
    list of CMTSolution
        The solutions in file order (moments in dyne-cm, r up, t south, p east).

    Raises
    ------
    SeisfocError
        The file cannot be read, or its content is not a valid CMTSOLUTION (see
        :func:`parse_cmtsolution`; the message names file, line and column).
    """
    if hasattr(path_or_file, "read"):
        content = path_or_file.read()
        path = getattr(path_or_file, "name", None)
        path = path if isinstance(path, str) else None
    else:
        path = os.fspath(path_or_file)
        try:
            with open(path, "rb") as f:
                content = f.read()
        except OSError as exc:
            raise SeisfocError(f"cannot read CMTSOLUTION file: {exc.strerror}", path) from None
    if isinstance(content, bytes):
        content = content.decode("latin-1")
    return parse_cmtsolution(content, path)


def is_cmtsolution(source: str | os.PathLike[str] | bytes) -> bool:
    """Whether a file (a path, or its bytes) is a CMTSOLUTION: its first non-blank line is
    a hypocentre line (a catalogue code and a date) and the twelve lines after it are the
    ``event name``, ``time shift``, ``half duration``, centroid and tensor keys, each
    with one value. Only the layout is looked at; :func:`read_cmtsolution` reports what is
    wrong in a file that has it. A path is read through :func:`seisfoc.fileio.read_input`.

    Parameters
    ----------
    source : str, os.PathLike or bytes
        Path of the file, or its content as bytes.

    Returns
    -------
    bool
        ``True`` for a CMTSOLUTION.
    """
    data = source_bytes(source, "a file (CMTSOLUTION?)")
    if b"\x00" in data:
        return False
    lines = [ln for ln in data.decode("latin-1").splitlines() if ln.strip()]
    if len(lines) < 1 + len(_KEYS):
        return False
    tokens = lines[0].split()
    if len(tokens) < 2 or not (_GLUED_CODE_YEAR.match(tokens[0]) or tokens[1].isdigit()):
        return False
    keys = set()
    for line in lines[1 : 1 + len(_KEYS)]:
        m = _KEY_LINE.match(line)
        if m is None or len(m.group(2).split()) != 1:
            return False
        key = " ".join(m.group(1).lower().split())
        keys.add(_ALIASES.get(key, key))
    return keys == set(_KEYS)


def parse_cmtsolution(text: str, path: str | None = None) -> list[CMTSolution]:
    """Solutions in the text of a CMTSOLUTION file; ``path`` only labels error messages.

    Parameters
    ----------
    text : str
        Content of the file: one or more solutions (a hypocentre line and the twelve
        ``key: value`` lines each), blank lines allowed between them.
    path : str, optional
        File name put in error messages.

    Returns
    -------
    list of CMTSolution
        The solutions in text order; moments in dyne-cm in (r, t, p) = (up, south, east),
        times UTC.

    Raises
    ------
    SeisfocError
        No solution, a key line where a hypocentre line is due, a hypocentre line with
        fewer than 12 fields or a bad number, date or time, an unknown, repeated or
        missing key, or a value that is empty, not one finite number; the message names
        ``path``, the line and (where one is at fault) the column.

    Examples
    --------
    >>> text = ''' PDE 2010  7 18 13 34 59.70  -5.9500  150.4300  35.0 6.9 7.3 NEW BRITAIN
    ... event name:     201007181334A
    ... time shift:     14.3200
    ... half duration:  10.6000
    ... latitude:       -6.0000
    ... longitude:     150.6100
    ... depth:          28.0000
    ... Mrr:       1.420000e+27
    ... Mtt:      -1.070000e+27
    ... Mpp:      -3.500000e+26
    ... Mrt:       1.910000e+27
    ... Mrp:      -1.500000e+27
    ... Mtp:       7.800000e+25
    ... '''
    >>> [solution] = parse_cmtsolution(text)
    >>> solution.event_name, solution.origin_time.isoformat()
    ('201007181334A', '2010-07-18T13:34:59.700000+00:00')
    >>> float(solution.centroid_depth_km), float(solution.mrt)
    (28.0, 1.91e+27)
    >>> format_cmtsolution(solution) == text
    True
    """
    lines = text.splitlines()
    solutions = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        if _KEY_LINE.match(lines[i]):
            raise SeisfocError(
                "expected a hypocentre line (catalogue, date, time, ...), found a key line",
                path,
                i + 1,
                1,
            )
        header_number = i + 1
        header = _parse_hypocentre(lines[i], path, header_number)
        values: dict[str, Any] = {}
        i += 1
        while i < len(lines) and (not lines[i].strip() or _KEY_LINE.match(lines[i])):
            if lines[i].strip():
                _parse_key_line(lines[i], path, i + 1, values)
            i += 1
        missing = [key for key, name in _KEYS.items() if name not in values]
        if missing:
            raise SeisfocError(
                f"solution lacks the key(s) {', '.join(repr(k) for k in missing)}",
                path,
                header_number,
            )
        solutions.append(CMTSolution(**header, **values, path=path, line_number=header_number))
    if not solutions:
        raise SeisfocError("no CMTSOLUTION in the file", path)
    return solutions


def _tokens(line: str) -> list[tuple[int, str]]:
    """Whitespace-separated tokens with their 1-based columns."""
    return [(m.start() + 1, m.group()) for m in re.finditer(r"\S+", line)]


def _number(token: tuple[int, str], kind, what: str, path, line_number):
    column, text = token
    try:
        return kind(text.replace("D", "e").replace("d", "e") if kind is float else text)
    except ValueError:
        raise SeisfocError(f"bad {what}: {text!r}", path, line_number, column) from None


def _parse_hypocentre(line: str, path, line_number) -> dict:
    tokens = _tokens(line)
    glued = _GLUED_CODE_YEAR.match(tokens[0][1])
    if glued:  # "PDEW2015": catalogue code glued to the year
        column = tokens[0][0]
        code = glued.group(1)
        tokens = [(column, code), (column + len(code), glued.group(2)), *tokens[1:]]
    if len(tokens) < 12:
        raise SeisfocError(
            "hypocentre line needs catalogue, year, month, day, hour, minute, second, "
            f"latitude, longitude, depth, mb, Ms and a region; found {len(tokens)} fields",
            path,
            line_number,
        )
    code = tokens[0][1]
    names = ("year", "month", "day", "hour", "minute")
    year, month, day, hour, minute = (
        _number(tok, int, name, path, line_number)
        for tok, name in zip(tokens[1:6], names, strict=True)
    )
    second = _number(tokens[6], float, "second", path, line_number)
    try:
        # a second of 60.00 occurs in catalogues: add the seconds rather than set them
        origin_time = datetime(year, month, day, hour, minute, tzinfo=UTC) + timedelta(
            seconds=second
        )
    except (ValueError, OverflowError) as exc:
        raise SeisfocError(f"bad date or time: {exc}", path, line_number, tokens[1][0]) from None
    numbers = [
        _number(tok, float, name, path, line_number)
        for tok, name in zip(tokens[7:12], _HEADER_NUMBERS, strict=True)
    ]
    region = line[tokens[12][0] - 1 :].strip() if len(tokens) > 12 else ""
    return {
        "hypocentre_catalogue": code,
        "origin_time": origin_time,
        "hypocentre_latitude": numbers[0],
        "hypocentre_longitude": numbers[1],
        "hypocentre_depth_km": numbers[2],
        "mb": numbers[3],
        "ms": numbers[4],
        "region": region,
    }


def _parse_key_line(line: str, path, line_number, values: dict) -> None:
    match = _KEY_LINE.match(line)
    if match is None:  # the caller passes key lines only
        raise ValueError(f"not a key line: {line!r}")
    key = " ".join(match.group(1).lower().split())
    key = _ALIASES.get(key, key)
    if key not in _KEYS:
        raise SeisfocError(f"unknown key {match.group(1)!r}", path, line_number, match.start(1) + 1)
    name = _KEYS[key]
    if name in values:
        raise SeisfocError(
            f"key {match.group(1)!r} given twice", path, line_number, match.start(1) + 1
        )
    raw = match.group(2)
    value_column = match.start(2) + len(raw) - len(raw.lstrip()) + 1
    value = raw.strip()
    if not value:
        raise SeisfocError(f"no value for {match.group(1)!r}", path, line_number, value_column)
    if name == "event_name":
        values[name] = value
        return
    tokens = [(value_column + col - 1, text) for col, text in _tokens(value)]
    if len(tokens) > 1:
        raise SeisfocError(
            f"more than one value for {match.group(1)!r}", path, line_number, tokens[1][0]
        )
    number = _number(tokens[0], float, f"number for {match.group(1)!r}", path, line_number)
    if not math.isfinite(number):
        raise SeisfocError(
            f"value for {match.group(1)!r} is not finite", path, line_number, value_column
        )
    values[name] = number


# ------------------------------------------------------------------------------ writing


def _fixed(value: float, width: int, spec: str, what: str) -> str:
    text = format(value, f"{width}{spec}")
    if len(text) > width or (width > 1 and not text.startswith(" ")):
        raise SeisfocError(f"{what} = {value!r} does not fit the CMTSOLUTION layout")
    return text


def _rounded_to_centiseconds(t: datetime) -> datetime:
    whole = t.replace(microsecond=0)
    return whole + timedelta(seconds=round(t.microsecond / 1e6, 2))


def format_cmtsolution(solution: CMTSolution) -> str:
    """The 13 lines of one solution in the Global CMT / SPECFEM layout.

    Parameters
    ----------
    solution : CMTSolution
        The solution; the origin time is rounded to 0.01 s.

    Returns
    -------
    str
        The hypocentre line and twelve ``key: value`` lines (values ending in column 23,
        moments in dyne-cm with seven significant digits), each ending in a newline.

    Raises
    ------
    SeisfocError
        A catalogue code that is not 1 to 4 characters without blanks, an event name
        that is not one word, a region with a line break, or a number too wide for its
        field.

    Examples
    --------
    A solution read with :func:`parse_cmtsolution` (see there) is written back as it
    was read. The hypocentre line of a built one:

    >>> from datetime import UTC, datetime
    >>> solution = CMTSolution(
    ...     "PDE", datetime(2010, 7, 18, 13, 34, 59, 700000, tzinfo=UTC), -5.95, 150.43,
    ...     35.0, 6.9, 7.3, "NEW BRITAIN", "201007181334A", 14.32, 10.6, -6.0, 150.61,
    ...     28.0, 1.42e27, -1.07e27, -3.5e26, 1.91e27, -1.5e27, 7.8e25)
    >>> print(format_cmtsolution(solution).splitlines()[0])
     PDE 2010  7 18 13 34 59.70  -5.9500  150.4300  35.0 6.9 7.3 NEW BRITAIN
    """
    s = solution
    code = s.hypocentre_catalogue
    if not code or len(code) > 4 or any(c.isspace() for c in code):
        raise SeisfocError(f"catalogue code must have 1 to 4 characters, got {code!r}")
    if not s.event_name or any(c.isspace() for c in s.event_name):
        raise SeisfocError(f"event name must be one word, got {s.event_name!r}")
    if "\n" in s.region or "\r" in s.region:
        raise SeisfocError(f"region name must be one line, got {s.region!r}")
    t = _rounded_to_centiseconds(s.origin_time)
    second = t.second + t.microsecond / 1e6
    header = (
        f" {code:<4}{t.year:4d}{t.month:3d}{t.day:3d}{t.hour:3d}{t.minute:3d}"
        + _fixed(second, 6, ".2f", "second")
        + _fixed(s.hypocentre_latitude, 9, ".4f", "latitude")
        + _fixed(s.hypocentre_longitude, 10, ".4f", "longitude")
        + _fixed(s.hypocentre_depth_km, 6, ".1f", "depth")
        + _fixed(s.mb, 4, ".1f", "mb")
        + _fixed(s.ms, 4, ".1f", "Ms")
        + (" " + s.region.strip() if s.region.strip() else "")
    )
    lines = [header, f"event name:     {s.event_name}"]
    for key, name, spec in _WRITTEN:
        label = key + ":"
        lines.append(label + _fixed(getattr(s, name), _VALUE_END_COLUMN - len(label), spec, key))
    return "\n".join(lines) + "\n"


def write_cmtsolution(path_or_file, solutions: CMTSolution | Iterable[CMTSolution]) -> None:
    """Write one or several solutions, one after the other (no blank lines, as SPECFEM).

    Parameters
    ----------
    path_or_file : str, os.PathLike or file object
        A path (the file is created or overwritten, Latin-1, ``\\n`` line ends), or a
        file opened for writing in text or binary mode.
    solutions : CMTSolution or iterable of CMTSolution
        What to write, in this order.

    Raises
    ------
    SeisfocError
        A solution that does not fit the layout (see :func:`format_cmtsolution`); nothing
        is written then.
    """
    if isinstance(solutions, CMTSolution):
        solutions = [solutions]
    text = "".join(format_cmtsolution(s) for s in solutions)
    if hasattr(path_or_file, "write"):
        try:
            path_or_file.write(text)
        except TypeError:  # a binary file
            path_or_file.write(text.encode("latin-1"))
        return
    with open(os.fspath(path_or_file), "w", encoding="latin-1", newline="\n") as f:
        f.write(text)
