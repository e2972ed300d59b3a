"""The ``report`` stage of the CMT workflow: what a user reads after a run.

From plain inputs (a summary dictionary built by :mod:`seisfoc.cmt.pipeline`, the start and
final :class:`~seisfoc.cmtsolution.CMTSolution` and, for the figures, the processed traces
of :class:`FigureData`) it writes, into ``EVENT/result/``:

* ``CMTSOLUTION``: the new solution (Global CMT / SPECFEM layout);
* ``summary.json``: every number of the run; always valid JSON (a value that is not finite
  is written as ``null``, never as a ``NaN`` token);
* ``report.txt``: the same for a reader;
* ``quakeml.xml``: an ObsPy ``Event`` with the centroid origin, the new FocalMechanism
  (both nodal planes, the MomentTensor in N m) and Mw;
* PNG figures (matplotlib, Agg canvas): ``beachballs.png`` (start and final),
  ``waveforms_<band>_NN.png`` (observed, start and final synthetics, windows shaded),
  ``vr.png`` (variance reduction per band and component), ``bootstrap.png`` (histograms of
  every inverted parameter), ``stations.png`` (azimuthal-equidistant map about the
  centroid, computed here).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from seisfoc import mechanism
from seisfoc.errors import SeisfocError
from seisfoc.fileio import write_atomic
from seisfoc.io.cmtsolution import CMTSolution, format_cmtsolution

from .records import ALL_PARAMETERS, COMPONENTS, PARAMETERS, Station, TraceSet, Window

__all__ = [
    "FigureData",
    "cmt_summary",
    "json_safe",
    "dumps_json",
    "format_report",
    "write_report",
    "quakeml_event",
    "write_figures",
    "STATIONS_PER_PAGE",
]

#: stations per waveform figure
STATIONS_PER_PAGE = 10
#: units of each parameter in reports
UNITS = dict.fromkeys(PARAMETERS[:6], "dyne-cm") | {
    "depth_km": "km",
    "longitude": "deg",
    "latitude": "deg",
    "time_shift_s": "s",
    "half_duration_s": "s",
}


@dataclass
class FigureData:
    """Arrays the figures need, per period band (all optional: a figure whose data is
    missing is not drawn)."""

    observed: dict[str, TraceSet] = field(default_factory=dict)
    start_synthetic: dict[str, TraceSet] = field(default_factory=dict)
    final_synthetic: dict[str, TraceSet] = field(default_factory=dict)
    windows: list[Window] = field(default_factory=list)
    stations: list[Station] = field(default_factory=list)
    used_codes: set[str] = field(default_factory=set)
    bootstrap_samples: np.ndarray | None = None  # (n_draw, n_parameter), parameter units
    parameters: tuple[str, ...] = PARAMETERS


# ----------------------------------------------------------------------------- numbers


def json_safe(value: Any) -> Any:
    """``value`` with numpy scalars and arrays turned into Python numbers and lists, tuples
    into lists, and every non-finite float into ``None``."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, (list, tuple, set)):
        items = sorted(value) if isinstance(value, set) else value
        return [json_safe(v) for v in items]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, Path):
        return str(value)
    return value


def dumps_json(value: Any) -> str:
    """Pretty JSON of :func:`json_safe` ``(value)`` (``allow_nan=False`` guarantees that no
    ``NaN`` token can slip through)."""
    return json.dumps(json_safe(value), indent=2, allow_nan=False) + "\n"


def _planes(cmt: CMTSolution) -> list[dict[str, float]]:
    try:
        planes = cmt.nodal_planes()
    except mechanism.MechanismError:
        return []
    return [{"strike": float(p.strike), "dip": float(p.dip), "rake": float(p.rake)} for p in planes]


def cmt_summary(cmt: CMTSolution) -> dict[str, Any]:
    """A CMT solution as plain numbers: centroid, the six elements (dyne-cm), M0, Mw, the
    nodal planes of its largest double couple and its double-couple fraction."""
    m_ned = cmt.moment_tensor_ned
    try:
        m0 = cmt.scalar_moment_dyne_cm
        mw = cmt.moment_magnitude
    except mechanism.MechanismError:
        m0, mw = float("nan"), float("nan")
    try:
        eps = float(mechanism.jost_herrmann(m_ned).epsilon)
    except (mechanism.MechanismError, AttributeError):
        eps = float("nan")
    return {
        "event_name": cmt.event_name,
        "origin_time": cmt.origin_time.isoformat(),
        "centroid_time": cmt.centroid_time.isoformat(),
        "time_shift_s": cmt.time_shift_s,
        "half_duration_s": cmt.half_duration_s,
        "latitude": cmt.centroid_latitude,
        "longitude": cmt.centroid_longitude,
        "depth_km": cmt.centroid_depth_km,
        **{name: float(v) for name, v in zip(PARAMETERS[:6], cmt.m6_use, strict=True)},
        "scalar_moment_dyne_cm": m0,
        "mw": mw,
        "clvd_epsilon": eps,
        "nodal_planes": _planes(cmt),
    }


def parameter_values(cmt: CMTSolution, parameters: Sequence[str] = PARAMETERS) -> np.ndarray:
    """The values of ``cmt`` of ``parameters`` (names of
    :data:`~seisfoc.cmt.records.ALL_PARAMETERS`; default the nine of
    :data:`~seisfoc.cmt.records.PARAMETERS`), in that order."""
    values = dict(
        zip(
            ALL_PARAMETERS,
            [*cmt.m6_use, cmt.centroid_depth_km, cmt.centroid_longitude, cmt.centroid_latitude,
             cmt.time_shift_s, cmt.half_duration_s],
            strict=True,
        )
    )  # fmt: skip
    return np.array([values[p] for p in parameters], dtype=float)


# ----------------------------------------------------------------------------- text


def _num(value: Any, spec: str = ".4g") -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and not math.isfinite(value):
        return "-"
    if isinstance(value, (int, float)):
        return format(value, spec)
    return str(value)


def _cmt_lines(label: str, c: Mapping[str, Any]) -> list[str]:
    planes = c.get("nodal_planes") or []
    plane_text = "  ".join(
        f"{_num(p['strike'], '.0f')}/{_num(p['dip'], '.0f')}/{_num(p['rake'], '.0f')}"
        for p in planes
    )
    return [
        f"{label}: lat {_num(c['latitude'], '.4f')}  lon {_num(c['longitude'], '.4f')}  "
        f"depth {_num(c['depth_km'], '.2f')} km  Mw {_num(c['mw'], '.3f')}  "
        f"M0 {_num(c['scalar_moment_dyne_cm'], '.4e')} dyne-cm",
        f"    time shift {_num(c.get('time_shift_s'), '.2f')} s  half duration "
        f"{_num(c.get('half_duration_s'), '.2f')} s",
        "    Mrr Mtt Mpp Mrt Mrp Mtp: " + " ".join(_num(c[name], ".4e") for name in PARAMETERS[:6]),
        f"    nodal planes (s/d/r): {plane_text or '-'}",
    ]


def format_report(summary: Mapping[str, Any]) -> str:
    """The readable report of a run summary (the dictionary written to summary.json)."""
    s = json_safe(summary)
    out = [f"seisfoc cmt: event {s.get('event', '?')}  status {s.get('status', '?')}", ""]
    if s.get("message"):
        out += [str(s["message"]), ""]
    out += _cmt_lines("start", s["start"]) + _cmt_lines("final", s["final"])
    out += ["", f"inverted parameters: {', '.join(s.get('parameters', []))}"]
    update = s.get("update", {})
    boot = s.get("bootstrap", {})
    if update:
        out += ["", f"{'parameter':<16}{'start':>14}{'final':>14}{'update':>14}"
                f"{'boot mean':>14}{'boot std':>14}  unit"]  # fmt: skip
        for name in ALL_PARAMETERS:
            if name not in update:
                continue
            start = s["start"]["depth_km" if name == "depth_km" else name]
            final = s["final"]["depth_km" if name == "depth_km" else name]
            out.append(
                f"{name:<16}{_num(start, '14.5g')}{_num(final, '14.5g')}"
                f"{_num(update[name], '14.4g')}"
                f"{_num(boot.get('mean', {}).get(name), '14.4g')}"
                f"{_num(boot.get('std', {}).get(name), '14.4g')}  {UNITS[name]}"
            )
    iterations = s.get("iterations", [])
    if iterations:
        out += ["", "iteration  windows  VR linear  VR real  step (rel. M, km, km)  resimulated"]
        for it in iterations:
            out.append(
                f"{it['iteration']:>9}  {it.get('n_windows', 0):>7}  "
                f"{_num(it.get('vr_linear'), '9.4f')}  {_num(it.get('vr_real'), '7.4f')}  "
                f"{_num(it.get('moment_change'), '.3g'):>7} "
                f"{_num(it.get('epicentre_change_km'), '.3g'):>6} "
                f"{_num(it.get('depth_change_km'), '.3g'):>6}  "
                f"{'yes' if it.get('resimulated') else 'no'}"
            )
    vr = s.get("vr", {})
    out += [
        "",
        f"variance reduction: linearised {_num(vr.get('linear'), '.4f')}, "
        f"from new synthetics of the final CMT {_num(vr.get('real'), '.4f')}",
    ]
    for band, comps in (vr.get("by_band_component") or {}).items():
        out.append(f"    {band}: " + "  ".join(f"{c} {_num(v, '.3f')}" for c, v in comps.items()))
    flags = s.get("flags", [])
    out += ["", "flags: " + ("none" if not flags else "")]
    for f in flags:  # reasons as sentences (seisfoc.cmt.invert.flags)
        out.append(f"    {f}")
    windows = s.get("windows", [])
    rejected = s.get("rejected", [])
    out += ["", f"windows: {len(windows)} accepted, {len(rejected)} candidates/traces rejected"]
    reasons: dict[str, int] = {}
    for r in rejected:
        reasons[r["reason"]] = reasons.get(r["reason"], 0) + 1
    for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"    {n:>5}  {reason}")
    qc = s.get("qc") or {}
    if qc.get("rejected") or qc.get("repaired"):
        out += ["", f"quality control: {qc.get('n_rejected_traces', 0)} traces rejected"]
        for r in qc.get("rejected", []):
            where = f"{r['code']}.{r['component']}" + (f" ({r['band']})" if r["band"] else "")
            out.append(f"    rejected  {where:<18} {r['reason']}: {r['detail']}")
        for r in qc.get("repaired", []):
            where = f"{r['code']}.{r['component']}"
            out.append(f"    note      {where:<18} {r['reason']}: {r['detail']}")
    timings = s.get("timings_s", {})
    if timings:
        out += [
            "",
            "timings (s): " + ", ".join(f"{k} {_num(v, '.3g')}" for k, v in timings.items()),
        ]
    if s.get("figures"):
        out += ["", "figures: " + ", ".join(s["figures"])]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- QuakeML


def quakeml_event(final: CMTSolution, start: CMTSolution | None = None):
    """ObsPy ``Event``: origin at the centroid of ``final``, its FocalMechanism (nodal
    planes, MomentTensor in N m) and Mw; ``start`` is kept as a second, not preferred,
    focal mechanism."""
    from obspy.core.event import Comment, NodalPlane, NodalPlanes

    event = final.to_obspy()
    planes = final.nodal_planes()
    fm = event.focal_mechanisms[0]
    fm.nodal_planes = NodalPlanes(
        nodal_plane_1=NodalPlane(strike=planes[0].strike, dip=planes[0].dip, rake=planes[0].rake),
        nodal_plane_2=NodalPlane(strike=planes[1].strike, dip=planes[1].dip, rake=planes[1].rake),
        preferred_plane=1,
    )
    fm.comments.append(Comment(text="seisfoc cmt: refined centroid moment tensor"))
    if start is not None:
        start_fm = start.to_obspy().focal_mechanisms[0]
        start_fm.comments.append(Comment(text="seisfoc cmt: starting solution"))
        event.focal_mechanisms.append(start_fm)
    return event


def write_quakeml(path: str | Path, final: CMTSolution, start: CMTSolution | None = None):
    from obspy.core.event import Catalog

    catalog = Catalog(events=[quakeml_event(final, start)])
    try:
        catalog.write(str(path), format="QUAKEML")
    except OSError as err:
        raise SeisfocError(f"cannot write QuakeML: {err.strerror or err}", path) from None


# ----------------------------------------------------------------------------- figures


def _figure(width_in: float, height_in: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in))
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path: Path) -> str:
    from seisfoc.plotting import save_figure

    save_figure(fig, path, dpi=90)
    return path.name


def _title(label: str, cmt: CMTSolution) -> str:
    planes = cmt.nodal_planes()
    return (
        f"{label}: Mw {cmt.moment_magnitude:.2f}, depth {cmt.centroid_depth_km:.1f} km\n"
        f"{planes[0].strike:.0f}/{planes[0].dip:.0f}/{planes[0].rake:.0f}  "
        f"{planes[1].strike:.0f}/{planes[1].dip:.0f}/{planes[1].rake:.0f}"
    )


def figure_beachballs(start: CMTSolution, final: CMTSolution):
    from seisfoc.plotting import draw_beachball

    fig = _figure(7.0, 3.9)
    for i, (label, cmt) in enumerate((("start", start), ("final", final))):
        ax = fig.add_axes((0.03 + 0.5 * i, 0.02, 0.44, 0.8))
        draw_beachball(ax, cmt.moment_tensor_ned)
        fig.text(0.25 + 0.5 * i, 0.97, _title(label, cmt), ha="center", va="top", fontsize=9)
    return fig


def figure_waveforms(data: FigureData, band: str, codes: Sequence[str]):
    obs = data.observed[band]
    index = {c: i for i, c in enumerate(obs.codes)}
    fig = _figure(11.0, 0.4 + 1.3 * len(codes))
    axes = fig.subplots(len(codes), 3, squeeze=False, sharex=True)
    windows: dict[tuple[str, str], list[Window]] = {}
    for w in data.windows:
        if w.band == band:
            windows.setdefault((w.code, w.component), []).append(w)
    t = obs.times_s
    for row, code in enumerate(codes):
        i = index[code]
        for c, comp in enumerate(COMPONENTS):
            ax = axes[row, c]
            if not obs.present[i, c]:
                ax.text(0.5, 0.5, "no trace", transform=ax.transAxes, ha="center", fontsize=7)
            else:
                for w in windows.get((code, comp), []):
                    ax.axvspan(w.start_s, w.end_s, color="0.85", lw=0)
                ax.plot(t, obs.data[i, c], color="k", lw=0.9, label="observed")
                for traces, style, label in (
                    (data.start_synthetic.get(band), dict(color="tab:blue", ls="--"), "start"),
                    (data.final_synthetic.get(band), dict(color="tab:red"), "final"),
                ):
                    if traces is not None and code in traces.codes:
                        j = traces.codes.index(code)
                        ax.plot(traces.times_s, traces.data[j, c], lw=0.8, label=label, **style)
            ax.tick_params(labelsize=6)
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(f"{code}\n{obs.distance_deg[i]:.0f} deg", fontsize=7)
            if row == 0:
                ax.set_title(f"{band} {comp}", fontsize=8)
    axes[0, 0].legend(fontsize=6, loc="upper left")
    for ax in axes[-1]:
        ax.set_xlabel("time after centroid (s)", fontsize=7)
    height = fig.get_figheight()
    fig.subplots_adjust(left=0.07, right=0.99, top=1 - 0.3 / height, bottom=0.45 / height,
                        wspace=0.06, hspace=0.12)  # fmt: skip
    return fig


def figure_vr(by_band_component: Mapping[str, Mapping[str, float | None]]):
    bands = list(by_band_component)
    fig = _figure(1.5 + 1.8 * max(len(bands), 1), 3.2)
    ax = fig.add_subplot(111)
    width = 0.25
    for k, comp in enumerate(COMPONENTS):
        values = [by_band_component[b].get(comp) for b in bands]
        x = np.arange(len(bands)) + (k - 1) * width
        heights = [np.nan if v is None else v for v in values]
        ax.bar(x, heights, width, label=comp)
    ax.set_xticks(np.arange(len(bands)), bands)
    ax.axhline(0.0, color="k", lw=0.6)
    ax.set_ylabel("variance reduction (final vs start)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def figure_bootstrap(samples: np.ndarray, parameters: Sequence[str], final: np.ndarray):
    n = len(parameters)
    ncol = 3
    nrow = math.ceil(n / ncol)
    fig = _figure(9.0, 2.2 * nrow)
    axes = fig.subplots(nrow, ncol, squeeze=False)
    for k in range(nrow * ncol):
        ax = axes.flat[k]
        if k >= n:
            ax.set_axis_off()
            continue
        values = samples[:, k]
        ax.hist(values[np.isfinite(values)], bins=25, color="0.6")
        ax.axvline(final[k], color="tab:red", lw=1.2)
        ax.set_title(f"{parameters[k]} ({UNITS[parameters[k]]})", fontsize=8)
        ax.tick_params(labelsize=6)
    fig.subplots_adjust(left=0.06, right=0.98, top=0.92, bottom=0.08, wspace=0.25, hspace=0.5)
    return fig


def azimuthal_equidistant(
    lat0: float, lon0: float, lat: np.ndarray, lon: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Distance (deg) and azimuth (deg, clockwise from north) of the points from the
    centre on a sphere: the polar coordinates of the azimuthal-equidistant projection."""
    p0, l0 = np.radians(lat0), np.radians(lon0)
    p, lam = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    dl = lam - l0
    cosd = np.sin(p0) * np.sin(p) + np.cos(p0) * np.cos(p) * np.cos(dl)
    dist = np.degrees(np.arccos(np.clip(cosd, -1.0, 1.0)))
    north = np.cos(p0) * np.sin(p) - np.sin(p0) * np.cos(p) * np.cos(dl)
    az = np.degrees(np.arctan2(np.sin(dl) * np.cos(p), north))
    return dist, az % 360.0


def figure_station_map(final: CMTSolution, stations: Sequence[Station], used: set[str]):
    from seisfoc.plotting import draw_beachball

    lat = np.array([s.latitude for s in stations])
    lon = np.array([s.longitude for s in stations])
    dist, az = azimuthal_equidistant(final.centroid_latitude, final.centroid_longitude, lat, lon)
    x, y = dist * np.sin(np.radians(az)), dist * np.cos(np.radians(az))
    fig = _figure(6.5, 6.8)
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.85))
    rmax = max(30.0, 30.0 * math.ceil(float(np.max(dist, initial=0.0)) / 30.0))
    theta = np.linspace(0, 2 * np.pi, 361)
    for r in np.arange(30.0, rmax + 1.0, 30.0):
        ax.plot(r * np.sin(theta), r * np.cos(theta), color="0.8", lw=0.6)
        ax.text(0, r, f"{r:.0f}°", fontsize=6, color="0.5", ha="center", va="bottom")
    for a in range(0, 360, 30):
        ax.plot([0, rmax * math.sin(math.radians(a))], [0, rmax * math.cos(math.radians(a))],
                color="0.9", lw=0.5)  # fmt: skip
    mask = np.array([s.code in used for s in stations], bool)
    ax.scatter(x[mask], y[mask], marker="^", s=45, c="tab:blue", label="used", zorder=3)
    ax.scatter(x[~mask], y[~mask], marker="^", s=45, c="0.6", label="not used", zorder=3)
    for xi, yi, s in zip(x, y, stations, strict=True):
        ax.text(xi, yi - 0.025 * rmax, s.station, fontsize=6, ha="center", va="top")
    size = 0.12 * rmax
    inset = ax.inset_axes((-size, -size, 2 * size, 2 * size), transform=ax.transData)
    draw_beachball(inset, final.moment_tensor_ned, show_axes=False)
    ax.set_xlim(-1.05 * rmax, 1.05 * rmax)
    ax.set_ylim(-1.05 * rmax, 1.05 * rmax)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.legend(fontsize=7, loc="lower left")
    fig.text(0.5, 0.97, "stations, azimuthal-equidistant about the centroid (north up)",
             ha="center", va="top", fontsize=9)  # fmt: skip
    return fig


def write_figures(
    result_dir: Path,
    start: CMTSolution,
    final: CMTSolution,
    summary: Mapping[str, Any],
    data: FigureData,
) -> list[str]:
    """Write every figure whose data is there; returns the file names written."""
    written = [_save(figure_beachballs(start, final), result_dir / "beachballs.png")]
    for band, obs in data.observed.items():
        codes = [c for i, c in enumerate(obs.codes) if obs.present[i].any()]
        for page, first in enumerate(range(0, len(codes), STATIONS_PER_PAGE), start=1):
            fig = figure_waveforms(data, band, codes[first : first + STATIONS_PER_PAGE])
            written.append(_save(fig, result_dir / f"waveforms_{band}_{page:02d}.png"))
    by_band = (summary.get("vr") or {}).get("by_band_component") or {}
    if by_band:
        written.append(_save(figure_vr(by_band), result_dir / "vr.png"))
    if data.bootstrap_samples is not None and len(data.bootstrap_samples):
        fig = figure_bootstrap(
            data.bootstrap_samples, data.parameters, parameter_values(final, data.parameters)
        )
        written.append(_save(fig, result_dir / "bootstrap.png"))
    if data.stations:
        fig = figure_station_map(final, data.stations, data.used_codes)
        written.append(_save(fig, result_dir / "stations.png"))
    return written


# ----------------------------------------------------------------------------- stage


def write_report(
    result_dir: str | Path,
    start: CMTSolution,
    final: CMTSolution,
    summary: dict[str, Any],
    figures: FigureData | None = None,
) -> dict[str, str]:
    """Write the new CMTSOLUTION, summary.json, report.txt, quakeml.xml and the figures
    into ``result_dir`` (created if needed).

    Parameters
    ----------
    result_dir
        The event's ``result/`` folder.
    start, final
        The starting and the refined solution.
    summary
        Every number of the run (see :func:`seisfoc.cmt.pipeline.build_summary`); the
        names of the figures written are added under ``"figures"``.
    figures
        Traces and samples for the figures; ``None`` draws only the beachballs.

    Returns
    -------
    dict
        Kind of output -> path written.
    """
    out = Path(result_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SeisfocError(f"cannot create the result folder: {err.strerror}", out) from None
    paths = {"cmtsolution": out / "CMTSOLUTION", "summary": out / "summary.json"}
    paths |= {"report": out / "report.txt", "quakeml": out / "quakeml.xml"}
    write_atomic(paths["cmtsolution"], format_cmtsolution(final).encode("latin-1"))
    summary["figures"] = write_figures(out, start, final, summary, figures or FigureData())
    write_atomic(paths["summary"], dumps_json(summary).encode())
    write_atomic(paths["report"], format_report(summary).encode())
    write_quakeml(paths["quakeml"], final, start)
    return {k: str(v) for k, v in paths.items()}
