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

Re-import safe (ids and the S-file's parts from :mod:`seisfoc.io.quakeml`): every resource id
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

from seisfoc import mechanism
from seisfoc.errors import SeisfocError
from seisfoc.io import nordic
from seisfoc.io.quakeml import (
    event_key,
    event_with_mechanism,
    origin_magnitudes,
    picks_arrivals,
    rid,
    write_catalog,
)
from seisfoc.plotting import azimuthal_gap

from . import program

METHOD_ID = "smi:seisfoc/method/PINV"


def focal_mechanism_event(
    result: program.EventResult,
    event: nordic.Event | None = None,
    *,
    agency: str = "",
    creation_time=None,
):
    """ObsPy ``Event`` with the solution of ``result`` (a solved ``program.EventResult``);
    ``event`` is the ``seisfoc.nordic.Event`` it came from (for the origin)."""
    from obspy import UTCDateTime
    from obspy.core.event import (
        Axis,
        Comment,
        CreationInfo,
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
    fm.moment_tensor = mt
    return event_with_mechanism(key, result.label, info, fm, origin, mags, picks)


def write_quakeml(path: str, results, events=None, *, agency: str = "") -> int:
    """Write the solved ``results`` (with their ``events``, same order, or None) to ``path``
    as QuakeML; returns the number of events written."""
    from obspy import UTCDateTime

    now = UTCDateTime()
    events = list(events) if events is not None else [None] * len(results)
    return write_catalog(
        path,
        (
            focal_mechanism_event(r, ev, agency=agency, creation_time=now)
            for r, ev in zip(results, events, strict=True)
            if r.solution is not None
        ),
    )
