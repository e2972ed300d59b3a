"""QuakeML export of PINV solutions through ObsPy's event classes (``seisfoc pinv --quakeml``).

One ObsPy ``Event`` per solved event: the origin from the S-file header (time, latitude,
longitude, depth) when it has one, and a ``FocalMechanism`` with

* both nodal planes (plane 1 preferred) with the uncertainty columns when computed,
* the principal axes (T, N = B, P) of PINV's moment tensor, lengths = its eigenvalues,
* the moment tensor itself, normalised to a unit scalar moment (polarities fix the shape
  of the tensor only, never its size: ``scalar_moment`` is left empty), in N m by QuakeML's
  definition but to be read as dimensionless,
* ``station_polarity_count``, ``misfit`` (fraction of inconsistent polarities),
  ``azimuthal_gap`` of the polarity readings, ``station_distribution_ratio`` when the
  uncertainty was computed,
* ``method_id`` ``smi:seisfoc/method/PINV``, creation info with the agency, and comments
  with the mode, pseudorank and quality grade, and (with the uncertainty) one describing
  the acceptable set: its size, the probability, the RMS and largest Kagan angle about
  PINV's solution and the set's own preferred mechanism with its Kagan angle to PINV's.

Re-import safe (``seisfoc pinv --quakeml``, ``seisfoc fps --quakeml``): every resource id
is derived from the SEISAN event ID of the S-file's I-line (else the origin time, else the
file name) and the program, e.g. ``smi:seisfoc/event/19950822014106``,
``smi:seisfoc/focalmechanism/19950822014106/PINV``, so the same event gets the same ids in
every run and a second import updates it instead of adding a copy. Each event carries the
S-file's origin and magnitudes, a pick and an arrival (polarity, take-off angle, azimuth,
residual, distance) for every reading the solution used, creation info (agency, author,
seisfoc version), evaluation mode ``automatic`` and status ``preliminary``, the method id
and the uncertainty. An event without a solution is never exported.

ObsPy is imported inside the functions.
"""

from __future__ import annotations

import numpy as np
from seisfoc.pinv import program

from seisfoc import mechanism
from seisfoc.errors import SeisfocError
from seisfoc.plotting import azimuthal_gap

METHOD_ID = "smi:seisfoc/method/PINV"
_PREFIX = "smi:seisfoc"


def event_key(event, fallback: str = "") -> str:
    """The stable key of an event: its SEISAN ID (I-line), else the origin time
    (YYYYMMDDhhmmss), else ``fallback`` (e.g. the file name)."""
    for i in getattr(event, "ids", None) or ():
        key = (i.event_id or "").strip()
        if key:
            return key
    h = event.headers[0] if event is not None and event.headers else None
    if h is not None and h.year is not None:
        sec = int(h.second or 0)
        date = f"{h.year:04d}{h.month or 0:02d}{h.day or 0:02d}"
        return f"{date}{h.hour or 0:02d}{h.minute or 0:02d}{sec:02d}"
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
    h = event.headers[0] if event.headers else None
    if h is not None and h.year is not None:
        day = UTCDateTime(h.year, h.month or 1, h.day or 1)
    for n, ain, az in zip(line_numbers, takeoffs, azimuths, strict=True):
        p = by_line.get(n)
        if p is None:
            continue
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
        if day is not None and p.hour is not None:
            pick.time = day + 3600.0 * p.hour + 60.0 * (p.minute or 0) + (p.second or 0.0)
        else:
            continue  # QuakeML needs a pick time
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
    from obspy import UTCDateTime
    from obspy.core.event import Origin

    h = event.headers[0] if event is not None and event.headers else None
    if h is None or h.year is None:
        return None
    try:
        time = UTCDateTime(h.year, h.month or 1, h.day or 1, h.hour or 0, h.minute or 0)
    except ValueError:
        return None
    time += h.second or 0.0
    return Origin(
        time=time,
        latitude=h.latitude,
        longitude=h.longitude,
        depth=None if h.depth_km is None else h.depth_km * 1000.0,
    )


def focal_mechanism_event(result, event=None, *, agency: str = "", creation_time=None):
    """ObsPy ``Event`` with the solution of ``result`` (a solved ``program.EventResult``);
    ``event`` is the ``seisfoc.nordic.Event`` it came from (for the origin)."""
    from obspy import UTCDateTime
    from obspy.core.event import (
        Axis,
        Comment,
        CreationInfo,
        Event,
        EventDescription,
        FocalMechanism,
        MomentTensor,
        NodalPlane,
        NodalPlanes,
        PrincipalAxes,
        QuantityError,
        ResourceIdentifier,
        Tensor,
    )

    import seisfoc

    sol = result.solution
    if sol is None:
        raise SeisfocError("event has no solution to export", result.path)
    unc = result.uncertainty
    info = CreationInfo(
        agency_id=agency or None,
        author=f"seisfoc pinv ({sol.mode})",
        creation_time=creation_time or UTCDateTime(),
        version=seisfoc.__version__,
    )

    def plane(strike, dip, rake, errors=False):
        kw = {}
        if errors and unc is not None:
            kw = dict(
                strike_errors=QuantityError(uncertainty=float(unc.strike_error)),
                dip_errors=QuantityError(uncertainty=float(unc.dip_error)),
                rake_errors=QuantityError(uncertainty=float(unc.rake_error)),
            )
        p = mechanism.canonical_sdr(strike, dip, rake)
        return NodalPlane(strike=float(p.strike), dip=float(p.dip), rake=float(p.rake), **kw)

    planes = NodalPlanes(
        nodal_plane_1=plane(*sol.strike_dip_rake, errors=True),
        nodal_plane_2=plane(*sol.aux_strike_dip_rake),
        preferred_plane=1,
    )
    m = np.asarray(sol.moment_tensor_ned, dtype=np.float64)
    m = m / mechanism.scalar_moment(m)
    axes = mechanism.principal_axes(m)

    def axis(a, value):
        return Axis(azimuth=float(a.trend), plunge=float(a.plunge), length=float(value))

    principal = PrincipalAxes(
        t_axis=axis(axes.t, axes.eigenvalues[0]),
        n_axis=axis(axes.b, axes.eigenvalues[1]),
        p_axis=axis(axes.p, axes.eigenvalues[2]),
    )
    _, _, azimuth, _ = program.polarity_arrays(result)
    key = event_key(event, str(result.path or result.label))
    origin, mags, picks = None, [], []
    if event is not None:
        origin, mags = origin_magnitudes(event, key, info)
        sel = result.selection
        picks = picks_arrivals(
            event, sel.line_number, sel.takeoff_deg, sel.azimuth_deg, key, origin, info
        )
    n = len(result.selection)
    fm = FocalMechanism(
        resource_id=ResourceIdentifier(rid("focalmechanism", key, "PINV")),
        evaluation_status="preliminary",
        nodal_planes=planes,
        principal_axes=principal,
        station_polarity_count=n,
        misfit=sol.n_inconsistent / n if n else None,
        azimuthal_gap=azimuthal_gap(azimuth),
        station_distribution_ratio=None if unc is None else float(unc.stdr),
        method_id=ResourceIdentifier(METHOD_ID),
        evaluation_mode="automatic",
        creation_info=info,
        comments=[Comment(text=f"mode {sol.mode}; pseudorank {sol.pseudorank} of 5")],
    )
    if unc is not None:
        fm.comments.append(Comment(text=f"quality grade {unc.grade}"))
        fm.comments.append(
            Comment(
                text=(
                    f"acceptable set: {unc.acceptable_size} double couples from "
                    f"{unc.n_trials} trials (grid {unc.step_deg:g} deg); probability "
                    f"{unc.probability:.3f} within {unc.close_deg:g} deg; Kagan angle about "
                    f"PINV's solution RMS {unc.rms_kagan_deg:.1f} deg, max "
                    f"{unc.max_kagan_deg:.1f} deg; set's preferred mechanism "
                    f"{unc.preferred_strike:.1f}/{unc.preferred_dip:.1f}/"
                    f"{unc.preferred_rake:.1f}, {unc.kagan_to_preferred:.1f} deg from PINV's"
                )
            )
        )
    names = ("m_rr", "m_tt", "m_pp", "m_rt", "m_rp", "m_tp")
    rtp = mechanism.tensor_to_m6_use(m)
    mt = MomentTensor(
        resource_id=ResourceIdentifier(rid("momenttensor", key, "PINV")),
        tensor=Tensor(**{k: float(v) for k, v in zip(names, rtp, strict=True)}),
        method_id=ResourceIdentifier(METHOD_ID),
        comments=[Comment(text="normalised to unit scalar moment: polarities fix the shape only")],
        creation_info=info,
    )
    ev = Event(
        resource_id=ResourceIdentifier(rid("event", key)),
        event_descriptions=[EventDescription(text=result.label)],
        creation_info=info,
    )
    ev.picks = picks
    if origin is not None:
        ev.origins.append(origin)
        ev.preferred_origin_id = origin.resource_id
        ev.magnitudes = mags
        if mags:
            ev.preferred_magnitude_id = mags[0].resource_id
        fm.triggering_origin_id = origin.resource_id
        mt.derived_origin_id = origin.resource_id
    fm.moment_tensor = mt
    ev.focal_mechanisms.append(fm)
    ev.preferred_focal_mechanism_id = fm.resource_id
    return ev


def write_quakeml(path: str, results, events=None, *, agency: str = "") -> int:
    """Write the solved ``results`` (with their ``events``, same order, or None) to ``path``
    as QuakeML; returns the number of events written."""
    from obspy import UTCDateTime
    from obspy.core.event import Catalog

    now = UTCDateTime()
    events = list(events) if events is not None else [None] * len(results)
    cat = Catalog()
    for r, ev in zip(results, events, strict=True):
        if r.solution is not None:
            cat.append(focal_mechanism_event(r, ev, agency=agency, creation_time=now))
    try:
        cat.write(path, format="QUAKEML")
    except OSError as err:
        raise SeisfocError(f"cannot write QuakeML: {err.strerror or err}", path) from None
    return len(cat)


FPS_METHOD_ID = "smi:seisfoc/method/FPS"


def fps_event(efps, event, *, agency: str = "", creation_time=None, program: str = "SEISFOC"):
    """ObsPy ``Event`` of a ``seisfoc fps`` answer (``seisfoc.fps.solve.EventFps``) with
    ``event`` the Nordic event it came from; ids as for PINV with ``program``."""
    from obspy import UTCDateTime
    from obspy.core.event import (
        Axis,
        Comment,
        CreationInfo,
        Event,
        EventDescription,
        FocalMechanism,
        NodalPlane,
        NodalPlanes,
        PrincipalAxes,
        QuantityError,
        ResourceIdentifier,
    )
    from seisfoc.fps.solve import plane_errors

    import seisfoc

    r = efps.result
    if r.answer is None:
        raise SeisfocError(f"event has no solution to export: {r.message}", efps.path)
    info = CreationInfo(
        agency_id=agency or None,
        author="seisfoc fps",
        creation_time=creation_time or UTCDateTime(),
        version=seisfoc.__version__,
    )
    key = event_key(event, efps.path or efps.label)
    origin, mags = origin_magnitudes(event, key, info)
    sel = efps.readings
    picks = picks_arrivals(
        event, sel.line_number, sel.takeoff_deg, sel.azimuth_deg, key, origin, info
    )
    e_strike, e_dip, e_rake = plane_errors(r)
    p1 = mechanism.canonical_sdr(*r.answer)
    p2 = mechanism.auxiliary_plane(*r.answer)
    planes = NodalPlanes(
        nodal_plane_1=NodalPlane(
            strike=float(p1.strike),
            dip=float(p1.dip),
            rake=float(p1.rake),
            strike_errors=QuantityError(uncertainty=e_strike),
            dip_errors=QuantityError(uncertainty=e_dip),
            rake_errors=QuantityError(uncertainty=e_rake),
        ),
        nodal_plane_2=NodalPlane(strike=float(p2.strike), dip=float(p2.dip), rake=float(p2.rake)),
        preferred_plane=1,
    )
    m = mechanism.moment_tensor_ned(*r.answer)
    axes = mechanism.principal_axes(m / mechanism.scalar_moment(m))

    def axis(a, value):
        return Axis(azimuth=float(a.trend), plunge=float(a.plunge), length=float(value))

    fm = FocalMechanism(
        resource_id=ResourceIdentifier(rid("focalmechanism", key, program)),
        nodal_planes=planes,
        principal_axes=PrincipalAxes(
            t_axis=axis(axes.t, axes.eigenvalues[0]),
            n_axis=axis(axes.b, axes.eigenvalues[1]),
            p_axis=axis(axes.p, axes.eigenvalues[2]),
        ),
        station_polarity_count=r.n_polarities,
        misfit=float(r.misfit),
        station_distribution_ratio=float(r.stdr),
        azimuthal_gap=float(r.azimuthal_gap_deg),
        method_id=ResourceIdentifier(FPS_METHOD_ID),
        evaluation_mode="automatic",
        evaluation_status="preliminary",
        creation_info=info,
        comments=[
            Comment(text=f"quality grade {r.grade}: {r.grade_reason}"),
            Comment(
                text=f"68 % confidence radius {r.radius68_deg:.1f} deg (Kagan angle about "
                f"this mechanism); take-off gap {r.takeoff_gap_deg:.0f} deg"
            ),
            Comment(
                text="; ".join(
                    f"cluster {k + 1}: {c.strike:.1f}/{c.dip:.1f}/{c.rake:.1f} probability "
                    f"{c.probability:.2f}, RMS fault plane {c.rms_fault_plane_deg:.1f} deg, "
                    f"auxiliary plane {c.rms_aux_plane_deg:.1f} deg"
                    for k, c in enumerate(r.clusters)
                )
            ),
        ],
    )
    if r.pinv is not None:
        fm.comments.append(
            Comment(
                text=f"PINV's solution {r.pinv[0]:.1f}/{r.pinv[1]:.1f}/{r.pinv[2]:.1f}, "
                f"{r.kagan_pinv_deg:.1f} deg from this one"
            )
        )
    ev = Event(
        resource_id=ResourceIdentifier(rid("event", key)),
        event_descriptions=[EventDescription(text=efps.label)],
        creation_info=info,
    )
    ev.picks = picks
    if origin is not None:
        ev.origins.append(origin)
        ev.preferred_origin_id = origin.resource_id
        fm.triggering_origin_id = origin.resource_id
        ev.magnitudes = mags
        if mags:
            ev.preferred_magnitude_id = mags[0].resource_id
    ev.focal_mechanisms.append(fm)
    ev.preferred_focal_mechanism_id = fm.resource_id
    return ev


def write_fps_quakeml(path: str, results, events, *, agency: str = "") -> int:
    """Write the solved ``seisfoc fps`` results (with their Nordic ``events``, same order)
    to ``path``; events without a solution are left out. Returns the number written."""
    from obspy import UTCDateTime
    from obspy.core.event import Catalog

    now = UTCDateTime()
    cat = Catalog()
    for r, ev in zip(results, events, strict=True):
        if r.result.answer is not None:
            cat.append(fps_event(r, ev, agency=agency, creation_time=now))
    try:
        cat.write(path, format="QUAKEML")
    except OSError as err:
        raise SeisfocError(f"cannot write QuakeML: {err.strerror or err}", path) from None
    return len(cat)
