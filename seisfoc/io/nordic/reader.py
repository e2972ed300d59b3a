"""Reading Nordic files: bytes -> events of :mod:`seisfoc.io.nordic.records`.

Events are blocks of lines ending with a blank line; header (1, H), E, I and F lines are
turned into records when the event is read, phase lines are checked then and decoded on
first use. The format of each event (old Nordic or Nordic2) is decided from its type-7
help line, else from the phase lines, unless forced. Only regular files are read.
"""

from __future__ import annotations

import math
import os
import struct

from seisfoc.errors import NordicError
from seisfoc.io import source_bytes
from seisfoc.io.nordic.fields import (
    _NUMBER_CHARS,
    NORDIC1,
    NORDIC2,
    _check_phase_lines,
    _decode,
    _get_float,
    _get_int,
    _plain_floats,
    _soft_float,
    _soft_int,
    _split_blocks,
    detect_format,
    polarity_rows,
)
from seisfoc.io.nordic.records import (
    Event,
    EventID,
    FaultPlane,
    Header,
    HighAccuracyHeader,
    HypocentreError,
)

__all__ = [
    "parse_events",
    "read_events",
    "read_sfile",
    "polarity_readings",
    "is_nordic",
]

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
    if not math.isfinite(
        sum(x for x in (second, lat, lon, depth, rms, m1, m2, m3) if x is not None)
    ):
        return _parse_header_slow(body, path, n)  # names an overflow (1E999) or goes on
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


def _parse_error_line(body: bytes, path, n: int) -> HypocentreError:
    b = body if len(body) >= 80 else body.ljust(80)
    values = _plain_floats(_ERROR_STRUCT.unpack_from(b))
    if values is not None:
        gap, time_error, lat_error, lon_error, depth_error, cxy, cxz, cyz = values
        return HypocentreError(
            gap, time_error, lat_error, lon_error, depth_error, cxy, cxz, cyz, n, body
        )
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
    nbad_text, nbad_amp_text = b[60:62], b[63:65]
    if values is None or (nbad_text + nbad_amp_text).translate(None, _NUMBER_CHARS):
        return _parse_fault_plane_slow(body, path, n)
    try:
        nbad = None if nbad_text.isspace() else int(nbad_text)
        nbad_amp = None if nbad_amp_text.isspace() else int(nbad_amp_text)
    except ValueError:
        return _parse_fault_plane_slow(body, path, n)
    text = b[66:79].decode("latin-1")
    strike, dip, rake, e_strike, e_dip, e_rake, fit, stdr, amplitude_fit = values
    return FaultPlane(
        strike, dip, rake, e_strike, e_dip, e_rake, fit, stdr, amplitude_fit,
        nbad, nbad_amp,
        text[0:3].strip(), text[4:11].strip(), text[11:12].strip(), text[12:13].strip(),
        n, body,
    )  # fmt: skip


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


def polarity_readings(
    event: Event, phase_prefix: str = "P", *, mode: str = "modern"
) -> list[tuple]:
    """The polarity readings of an event straight from its raw phase lines: the one
    selection that ``seisfoc events``, ``seisfoc pinv`` (both modes) and the drop-in
    ``pinv`` share (:func:`seisfoc.io.nordic.fields.polarity_rows`).

    One tuple ``(line_number, polarity, phase, station, ain_deg, caz_deg)`` per selected
    phase line, in file order. ``mode="modern"``: every line with a polarity (``C U D + -``)
    whose phase name starts with ``phase_prefix`` (``""`` for every phase; case matters,
    ``pP`` is not a P), with the values of the line's :class:`Phase` record (``ain_deg``
    ``None`` when blank or when the AIN column holds SNR; ``caz_deg`` ``None`` when blank).
    ``mode="seisan"``: the lines and AIN columns SEISAN's PINV reads (see
    :func:`~seisfoc.io.nordic.fields.polarity_rows`). Only these columns are read: no
    record is made and the other fields of the line are not decoded. This is the path for
    programs that only need polarities (PINV over a database).

    In modern mode a field that is not a plain number makes the whole line be decoded as
    :attr:`Event.phases` does, so lenient values (``"0 10"``) come out the same and a bad
    AIN or CAZ raises the same :class:`~seisfoc.errors.NordicError`. A malformed field in
    another column of the line (a number-character field such as ``1.2.3`` in the
    amplitude) is not reported here, as the line's other fields are not read.
    """
    rows = event._phase_rows
    if not rows and event._phases:
        if mode != "modern":
            raise ValueError("records made directly have no columns to read in seisan mode")
        # records made directly rather than by the reader: use them
        return [
            (p.line_number, p.polarity, p.phase, p.station, p.ain_deg, p.caz_deg)
            for p in event._phases
            if p.polarity and p.phase.startswith(phase_prefix)
        ]
    return polarity_rows(
        rows,
        event.nordic_format,
        mode=mode,
        phase_prefix=phase_prefix,
        path=event.path,
        ain_is_snr=event._ain_is_snr,
    )


# --------------------------------------------------------------------------------------
# events
# --------------------------------------------------------------------------------------


def _format_from_phases(rows) -> int | None:
    for _n, body in rows:
        if body[25:26] == b"." and body[22:28].strip():
            return NORDIC1
        if body[33:34] == b"." and body[31:37].strip():
            return NORDIC2
    return None


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
    fmt: int | None
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


def _read_bytes(path) -> bytes:
    """The bytes of a regular file; a folder, device or FIFO is refused before reading
    (``/dev/zero`` would never end, a FIFO would block). ``O_NONBLOCK`` lets a FIFO be
    opened without a writer so that ``fstat`` can refuse it. Through
    :func:`seisfoc.fileio.read_input`, the one reader of every input (size capped)."""
    from seisfoc.fileio import read_input

    return read_input(path, what="a Nordic file", error=NordicError)


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
# sniffer
# --------------------------------------------------------------------------------------

_HELP_LINES = (b" STAT SP IPHASW", b" STAT COM NTLO")


def is_nordic(source: str | os.PathLike[str] | bytes, what: str = "a Nordic file") -> bool:
    """Whether a file (a path, or its bytes) is Nordic: an S-file or a ``hyp.out``.

    Decided by more than the first line, so that a damaged header does not make an S-file
    be taken for another format: no NUL byte, and the first non-blank line is a type-1
    header (``1`` in column 80), or a phase help line (type 7, `` STAT SP IPHASW`` or
    `` STAT COM NTLO``) is present, or most non-blank lines have Nordic's 80 columns. A
    path is read through :func:`seisfoc.fileio.read_input` (no FIFO, device or endless
    input; :class:`~seisfoc.errors.NordicError` when it cannot be read, ``what`` naming
    what was expected).

    Returns
    -------
    bool
        ``True`` for Nordic.
    """
    data = source_bytes(source, what, NordicError)
    if b"\x00" in data:
        return False
    lines = [ln.rstrip(b"\r\n") for ln in data.splitlines() if ln.strip()]
    if not lines:
        return False
    if len(lines[0]) >= 80 and lines[0][79:80] == b"1":
        return True
    if any(ln.startswith(_HELP_LINES) for ln in lines):
        return True
    wide = sum(1 for ln in lines if len(ln) >= 79)
    return wide * 2 > len(lines)
