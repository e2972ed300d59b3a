"""QuakeML through ObsPy's event classes: what every program's export shares.

Re-import safe: every resource id is derived from the SEISAN event ID of the S-file's
I-line (else the origin time, else the file name) and the program, e.g.
``smi:seisfoc/event/19950822014106``, ``smi:seisfoc/focalmechanism/19950822014106/PINV``,
so the same event gets the same ids in every run and a second import updates it instead
of adding a copy. This module builds the parts taken from the S-file (origin, magnitudes,
a pick and an arrival per reading used) and writes a catalogue; the programs
(``seisfoc.pinv.quakeml``, ``seisfoc.fps.quakeml``) build their focal mechanisms.

ObsPy is imported inside the functions.
"""

from __future__ import annotations

import math
import re

from seisfoc.errors import SeisfocError

_PREFIX = "smi:seisfoc"
#: characters XML 1.0 cannot hold (besides tab, line feed and carriage return)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: a phase time further than this from the start of the origin's day is not a time
_MAX_PICK_OFFSET_S = 10 * 86400.0


def header_time(event):
    """The origin time of the event's first header as an ObsPy ``UTCDateTime``; None when
    the header has no date.

    Raises
    ------
    SeisfocError
        The header holds a date or time that is no time (month 13, infinite seconds, ...):
        QuakeML cannot carry it; the message names the S-file and the header's line.
    """
    from obspy import UTCDateTime

    h = event.headers[0] if event is not None and event.headers else None
    if h is None or h.year is None:
        return None
    t = h.origin_time
    if t is None:
        fields = f"{h.year} {h.month} {h.day} {h.hour}:{h.minute}:{h.second}"
        raise SeisfocError(
            f"the header's date and time ({fields}) are not a valid time, which QuakeML needs",
            getattr(event, "path", None),
            h.line_number,
        )
    return UTCDateTime(t)


def event_key(event, fallback: str = "") -> str:
    """The stable key of an event: its SEISAN ID (I-line), else the origin time
    (YYYYMMDDhhmmss), else ``fallback`` (e.g. the file name)."""
    for i in getattr(event, "ids", None) or ():
        key = (i.event_id or "").strip()
        if key:
            return key
    try:
        t = header_time(event)
    except SeisfocError:  # reported where the origin is built
        t = None
    if t is not None:
        return t.strftime("%Y%m%d%H%M%S")
    return "".join(c if c.isalnum() else "_" for c in fallback) or "event"


def rid(*parts) -> str:
    """A resource id ``smi:seisfoc/<part>/<part>...``."""
    return "/".join([_PREFIX, *(str(p) for p in parts)])


def origin_magnitudes(event, key: str, info):
    """The S-file's origin and magnitudes (ObsPy objects with stable ids), or (None, [])."""
    from obspy.core.event import Magnitude, ResourceIdentifier

    origin = _origin(event)
    if origin is None:
        return None, []
    origin.resource_id = ResourceIdentifier(rid("origin", key))
    origin.creation_info = info
    origin.evaluation_mode = "manual"
    mags = []
    h = event.headers[0]
    for k, (value, kind, agency) in enumerate(h.magnitudes or ()):
        if value is None:
            continue
        mags.append(
            Magnitude(
                resource_id=ResourceIdentifier(rid("magnitude", key, k + 1)),
                mag=float(value),
                magnitude_type=f"M{kind}" if kind else "M",
                origin_id=origin.resource_id,
                creation_info=None if not agency else type(info)(agency_id=agency),
            )
        )
    return origin, mags


def picks_arrivals(event, line_numbers, takeoffs, azimuths, key: str, origin, info):
    """A pick and an arrival for every phase line in ``line_numbers`` (the readings used,
    with the take-off angle and azimuth the solution used)."""
    from obspy import UTCDateTime
    from obspy.core.event import Arrival, Pick, ResourceIdentifier, WaveformStreamID

    by_line = {p.line_number: p for p in event.phases}
    picks, arrivals = [], []
    day = None
    t0 = header_time(event)
    if t0 is not None:
        day = UTCDateTime(t0.year, t0.month, t0.day)
    for n, ain, az in zip(line_numbers, takeoffs, azimuths, strict=True):
        p = by_line.get(n)
        if p is None:
            continue
        bad = _CONTROL.search(p.raw)
        if bad is not None:  # QuakeML (XML) cannot hold it; say where it is
            raise SeisfocError(
                "a control character in a phase line used by the solution cannot go into QuakeML",
                getattr(event, "path", None),
                p.line_number,
                bad.start() + 1,
            )
        pick = Pick(
            resource_id=ResourceIdentifier(rid("pick", key, n)),
            waveform_id=WaveformStreamID(
                network_code=p.network or "", station_code=p.station, channel_code=p.component
            ),
            phase_hint=p.phase.strip(),
            polarity="positive" if p.polarity in "CU+" else "negative",
            onset="impulsive" if p.quality == "I" else "emergent" if p.quality == "E" else None,
            evaluation_mode="manual",
            creation_info=info,
        )
        offset = None
        if p.hour is not None:
            offset = 3600.0 * p.hour + 60.0 * (p.minute or 0) + (p.second or 0.0)
        # QuakeML needs a pick time: a phase time that is no time (infinite, or days away
        # from the origin's day) leaves the pick out
        if day is None or offset is None or not abs(offset) <= _MAX_PICK_OFFSET_S:
            continue
        pick.time = day + offset
        picks.append(pick)
        if origin is None:
            continue
        arrivals.append(
            Arrival(
                resource_id=ResourceIdentifier(rid("arrival", key, n)),
                pick_id=pick.resource_id,
                phase=p.phase.strip(),
                azimuth=float(az) % 360.0,
                takeoff_angle=float(ain),
                time_residual=p.time_residual_s,
                distance=None if p.distance_km is None else p.distance_km / 111.19,
            )
        )
    if origin is not None:
        origin.arrivals = arrivals
    return picks


def _origin(event):
    from obspy.core.event import Origin

    time = header_time(event)
    if time is None:
        return None
    h = event.headers[0]

    def finite(x):
        return None if x is None or not math.isfinite(x) else x

    depth = finite(h.depth_km)
    return Origin(
        time=time,
        latitude=finite(h.latitude),
        longitude=finite(h.longitude),
        depth=None if depth is None else depth * 1000.0,
    )


def event_with_mechanism(key: str, label: str, info, mechanism, origin, magnitudes, picks):
    """An ObsPy ``Event`` holding a focal ``mechanism`` (preferred) with the S-file's
    ``origin`` (or None), ``magnitudes`` and ``picks``; the mechanism (and its moment
    tensor, when it has one) is tied to the origin.

    Parameters
    ----------
    key
        The event's stable key (:func:`event_key`).
    label
        The event's description.
    info
        ObsPy ``CreationInfo``.
    mechanism
        ObsPy ``FocalMechanism``.
    origin, magnitudes, picks
        From :func:`origin_magnitudes` and :func:`picks_arrivals`.

    Returns
    -------
    obspy.core.event.Event
    """
    from obspy.core.event import Event, EventDescription, ResourceIdentifier

    ev = Event(
        resource_id=ResourceIdentifier(rid("event", key)),
        event_descriptions=[EventDescription(text=label)],
        creation_info=info,
    )
    ev.picks = picks
    if origin is not None:
        ev.origins.append(origin)
        ev.preferred_origin_id = origin.resource_id
        ev.magnitudes = magnitudes
        if magnitudes:
            ev.preferred_magnitude_id = magnitudes[0].resource_id
        mechanism.triggering_origin_id = origin.resource_id
        if mechanism.moment_tensor is not None:
            mechanism.moment_tensor.derived_origin_id = origin.resource_id
    ev.focal_mechanisms.append(mechanism)
    ev.preferred_focal_mechanism_id = mechanism.resource_id
    return ev


def write_catalog(path: str, events) -> int:
    """Write ObsPy ``events`` to ``path`` as QuakeML; returns the number written.

    Parameters
    ----------
    path
        The output file.
    events
        ObsPy ``Event`` objects.

    Returns
    -------
    int
        The number of events written.
    """
    from obspy.core.event import Catalog

    cat = Catalog(events=list(events))
    try:
        cat.write(path, format="QUAKEML")
    except OSError as err:
        raise SeisfocError(f"cannot write QuakeML: {err.strerror or err}", path) from None
    return len(cat)
