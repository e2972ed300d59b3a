"""QuakeML export of ``seisfoc fps`` answers (``seisfoc fps --quakeml``) through ObsPy.

One ObsPy ``Event`` per solved event with the S-file's origin, magnitudes, picks and
arrivals (:mod:`seisfoc.io.quakeml`, the same stable ids as PINV's export) and a
``FocalMechanism``: both nodal planes (plane 1 with the RMS errors of the weighted
solutions), principal axes of the double couple, polarity count, misfit, station
distribution ratio, azimuthal gap, the grade and the clusters as comments, and PINV's
start with its Kagan angle when there is one. ObsPy is imported inside the functions.
"""

from __future__ import annotations

from seisfoc import mechanism
from seisfoc.errors import SeisfocError
from seisfoc.io.quakeml import (
    event_key,
    event_with_mechanism,
    origin_magnitudes,
    picks_arrivals,
    rid,
    write_catalog,
)

from .solve import plane_errors

FPS_METHOD_ID = "smi:seisfoc/method/FPS"


def fps_event(efps, event, *, agency: str = "", creation_time=None, program: str = "SEISFOC"):
    """ObsPy ``Event`` of a ``seisfoc fps`` answer (``seisfoc.fps.solve.EventFps``) with
    ``event`` the Nordic event it came from; ids as for PINV with ``program``."""
    from obspy import UTCDateTime
    from obspy.core.event import (
        Axis,
        Comment,
        CreationInfo,
        FocalMechanism,
        NodalPlane,
        NodalPlanes,
        PrincipalAxes,
        QuantityError,
        ResourceIdentifier,
    )

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
    return event_with_mechanism(key, efps.label, info, fm, origin, mags, picks)


def write_fps_quakeml(path: str, results, events, *, agency: str = "") -> int:
    """Write the solved ``seisfoc fps`` results (with their Nordic ``events``, same order)
    to ``path``; events without a solution are left out. Returns the number written."""
    from obspy import UTCDateTime

    now = UTCDateTime()
    return write_catalog(
        path,
        (
            fps_event(r, ev, agency=agency, creation_time=now)
            for r, ev in zip(results, events, strict=True)
            if r.result.answer is not None
        ),
    )
