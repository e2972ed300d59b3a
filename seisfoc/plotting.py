"""Beachballs: lower-hemisphere projections of a mechanism with polarities or amplitudes.

Geometry (pure numpy, no matplotlib): a ray leaves the source with take-off angle ``i``
from the downward vertical and azimuth ``phi`` clockwise from north. It is drawn on the
lower focal hemisphere at ``x = r sin(phi)`` (east, to the right) and ``y = r cos(phi)``
(north, up) with

* equal-area (Schmidt, the default): ``r = sqrt(2) sin(i / 2)``,
* stereographic (Wulff): ``r = tan(i / 2)``,

so that ``i = 0`` is the centre and ``i = 90`` the rim (radius 1). An up-going ray
(``i > 90``) is drawn through the antipode, at ``(180 - i, phi + 180)``: the P radiation
``gamma . M . gamma`` is the same there.

Shading is computed from the radiation pattern of the full moment tensor on a grid, so that
non-double-couple tensors are drawn right; compressional quadrants are shaded. For a double
couple both nodal planes are drawn as great circles; for other tensors the nodal curve is
the zero contour and the planes of the largest double couple are dashed. P and T axes are
marked with their letters.

Drawing uses matplotlib, imported inside the functions (``import seisfoc.plotting`` costs
nothing). Figures are made with :class:`matplotlib.figure.Figure` on the Agg canvas, never
through ``pyplot``: no display is needed and no global state is touched; the file format
(PNG, PDF, SVG) follows the file suffix. To draw into an existing axes (e.g. an interactive
pyplot window) use :func:`draw_beachball`, :func:`draw_polarities` and
:func:`draw_amplitudes`.
"""

from __future__ import annotations

import os
import textwrap
from typing import NamedTuple

import numpy as np

from seisfoc import mechanism as _mech
from seisfoc.errors import SeisfocError

__all__ = [
    "PROJECTIONS",
    "COMPRESSIONAL_COLOR",
    "DILATATIONAL_COLOR",
    "radius_from_takeoff",
    "takeoff_from_radius",
    "lower_hemisphere",
    "project",
    "project_vector",
    "unproject",
    "ray_vectors",
    "great_circle",
    "as_tensor",
    "radiation_grid",
    "polarity_signs",
    "azimuthal_gap",
    "mechanism_title",
    "MechanismLayout",
    "PolarityLayout",
    "AmplitudeLayout",
    "draw_beachball",
    "draw_polarities",
    "draw_amplitudes",
    "beachball_figure",
    "save_figure",
    "beachball",
    "save_beachball",
    "amplitude_beachball",
]

#: accepted projection names (``"schmidt"`` and ``"wulff"`` are aliases)
PROJECTIONS = ("equal-area", "stereographic")
_ALIASES = {
    "equal-area": "equal-area",
    "equal_area": "equal-area",
    "equalarea": "equal-area",
    "schmidt": "equal-area",
    "lambert": "equal-area",
    "stereographic": "stereographic",
    "stereo": "stereographic",
    "wulff": "stereographic",
}

COMPRESSIONAL_COLOR = "#9a9a9a"  # mid grey: black and white symbols both show on it
DILATATIONAL_COLOR = "#ffffff"
INCONSISTENT_COLOR = "#d62728"
POSITIVE_COLOR = "#c1272d"
NEGATIVE_COLOR = "#1f5fa8"
PHASE_MARKERS = {"P": "o", "SV": "s", "SH": "^"}
_LIMIT = 1.12  # axes half-width in projection units (room for labels at the rim)
_FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}


def _projection(name: str) -> str:
    try:
        return _ALIASES[str(name).lower()]
    except KeyError:
        raise SeisfocError(
            f"unknown projection {name!r} (use {' or '.join(PROJECTIONS)})"
        ) from None


# ------------------------------------------------------------------------- geometry


def radius_from_takeoff(takeoff_deg, projection: str = "equal-area"):
    """Distance from the centre (rim = 1) of a lower-hemisphere ray, take-off 0 to 90 deg."""
    half = np.radians(np.asarray(takeoff_deg, dtype=np.float64)) / 2.0
    if _projection(projection) == "equal-area":
        return np.sqrt(2.0) * np.sin(half)
    return np.tan(half)


def takeoff_from_radius(radius, projection: str = "equal-area"):
    """Inverse of :func:`radius_from_takeoff` (degrees); radius is clipped to [0, 1]."""
    r = np.clip(np.asarray(radius, dtype=np.float64), 0.0, 1.0)
    if _projection(projection) == "equal-area":
        return np.degrees(2.0 * np.arcsin(r / np.sqrt(2.0)))
    return np.degrees(2.0 * np.arctan(r))


def lower_hemisphere(takeoff_deg, azimuth_deg):
    """(take-off, azimuth) on the lower hemisphere: up-going rays (take-off > 90) go
    through the antipode, ``(180 - i, phi + 180)``; azimuths are wrapped to [0, 360)."""
    i = np.asarray(takeoff_deg, dtype=np.float64)
    phi = np.asarray(azimuth_deg, dtype=np.float64)
    up = i > 90.0
    i = np.where(up, 180.0 - i, i)
    phi = np.mod(np.where(up, phi + 180.0, phi), 360.0)
    return i, phi


def project(takeoff_deg, azimuth_deg, projection: str = "equal-area"):
    """(x east, y north) of rays with this take-off angle and azimuth (degrees)."""
    i, phi = lower_hemisphere(takeoff_deg, azimuth_deg)
    r = radius_from_takeoff(i, projection)
    a = np.radians(phi)
    return r * np.sin(a), r * np.cos(a)


def ray_vectors(takeoff_deg, azimuth_deg) -> np.ndarray:
    """NED unit vectors (..., 3) of rays with this take-off angle and azimuth."""
    i = np.radians(np.asarray(takeoff_deg, dtype=np.float64))
    a = np.radians(np.asarray(azimuth_deg, dtype=np.float64))
    i, a = np.broadcast_arrays(i, a)
    return np.stack([np.sin(i) * np.cos(a), np.sin(i) * np.sin(a), np.cos(i)], -1)


def project_vector(vector_ned, projection: str = "equal-area"):
    """(x, y) of NED direction(s) (either sign: an axis is drawn on the lower hemisphere)."""
    v = np.asarray(vector_ned, dtype=np.float64)
    v = v / np.linalg.norm(v, axis=-1, keepdims=True)
    v = np.where(v[..., 2:3] < 0.0, -v, v)
    takeoff = np.degrees(np.arccos(np.clip(v[..., 2], -1.0, 1.0)))
    azimuth = np.degrees(np.arctan2(v[..., 1], v[..., 0]))
    return project(takeoff, azimuth, projection)


def unproject(x, y, projection: str = "equal-area"):
    """(take-off, azimuth) in degrees of projected points (radius clipped to 1)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    takeoff = takeoff_from_radius(np.hypot(x, y), projection)
    azimuth = np.mod(np.degrees(np.arctan2(x, y)), 360.0)
    return takeoff, azimuth


def great_circle(strike, dip, projection: str = "equal-area", n: int = 181):
    """(x, y) of the lower-hemisphere trace of a plane: from the strike direction on the
    rim, through the dip direction (plunge = dip), to strike + 180 on the rim."""
    f, d = np.radians(float(strike)), np.radians(float(dip))
    along = np.array([np.cos(f), np.sin(f), 0.0])
    down_dip = np.array([np.cos(d) * -np.sin(f), np.cos(d) * np.cos(f), np.sin(d)])
    # a horizontal plane is the whole rim; any other plane is the half turn below
    stop = 2.0 * np.pi if np.sin(d) < 1e-9 else np.pi
    t = np.linspace(0.0, stop, n)
    v = np.cos(t)[:, None] * along + np.sin(t)[:, None] * down_dip
    v[:, 2] = np.maximum(v[:, 2], 0.0)  # rounding at the rim
    takeoff = np.degrees(np.arccos(np.clip(v[:, 2], -1.0, 1.0)))
    azimuth = np.degrees(np.arctan2(v[:, 1], v[:, 0]))
    return project(takeoff, azimuth, projection)


def as_tensor(mech) -> np.ndarray:
    """3x3 NED tensor of a mechanism given as (strike, dip, rake) or a 3x3 NED tensor."""
    if isinstance(mech, np.ndarray) and mech.shape == (3, 3):
        return _mech._as_tensor(mech)
    try:
        values = [float(x) for x in mech]
    except (TypeError, ValueError):
        raise SeisfocError(
            "a mechanism is (strike, dip, rake) or a 3x3 NED moment tensor"
        ) from None
    if len(values) == 9:
        return _mech._as_tensor(np.reshape(values, (3, 3)))
    if len(values) != 3:
        raise SeisfocError("a mechanism is (strike, dip, rake) or a 3x3 NED moment tensor")
    return _mech.moment_tensor_ned(*values)


def _is_sdr(mech) -> bool:
    return not (isinstance(mech, np.ndarray) and mech.shape == (3, 3)) and np.size(mech) == 3


def radiation_grid(mech, n: int = 241, projection: str = "equal-area", extent: float = 1.0):
    """P radiation ``gamma . M . gamma`` on an ``n`` x ``n`` grid of the projection.

    Returns (x, y, amplitude) with 1-D ``x``, ``y`` from ``-extent`` to ``extent`` and
    ``amplitude[j, k]`` at ``(x[k], y[j])``; points beyond the rim take the rim value (the
    caller clips to the circle). Positive is compression.
    """
    m = as_tensor(mech)
    x = np.linspace(-extent, extent, n)
    y = np.linspace(-extent, extent, n)
    xx, yy = np.meshgrid(x, y)
    takeoff, azimuth = unproject(xx, yy, projection)
    g = ray_vectors(takeoff, azimuth)
    amplitude = np.einsum("...i,ij,...j->...", g, m, g)
    return x, y, amplitude


def polarity_signs(polarity) -> np.ndarray:
    """+1 compression, -1 dilatation, 0 unknown from numbers or Nordic letters
    (C, U, + compression; D, - dilatation)."""
    arr = np.asarray(polarity)
    if arr.dtype.kind in "iufb":
        return np.sign(arr.astype(np.float64)).astype(np.int8)
    table = {"C": 1, "U": 1, "+": 1, "D": -1, "-": -1}
    flat = [table.get(str(p).strip().upper()[:1], 0) for p in arr.ravel()]
    return np.asarray(flat, dtype=np.int8).reshape(arr.shape)


def azimuthal_gap(azimuth_deg) -> float | None:
    """Largest gap (degrees) between the azimuths, None for no reading (360 for one)."""
    a = np.sort(np.mod(np.asarray(azimuth_deg, dtype=np.float64).ravel(), 360.0))
    if a.size == 0:
        return None
    gaps = np.diff(np.concatenate([a, [a[0] + 360.0]]))
    return float(np.max(gaps))


def _fmt_plane(plane) -> str:
    return f"{float(plane[0]):.0f}/{float(plane[1]):.0f}/{float(plane[2]):.0f}"


def _planes_and_dc(mech):
    """(plane1, plane2, is_double_couple, dc_percent) of a mechanism."""
    if _is_sdr(mech):
        dc = _mech.double_couple(*[float(x) for x in mech])
        return dc.plane1, dc.plane2, True, 100.0
    m = as_tensor(mech)
    plane1, plane2 = _mech.nodal_planes(m)
    trace = abs(np.trace(m)) / 3.0
    try:
        jh = _mech.jost_herrmann(m)
        dc_percent = float(jh.dc_percent)
    except _mech.MechanismError:
        dc_percent = 0.0
    size = np.max(np.abs(_mech.eigenvalues(m)))
    is_dc = dc_percent > 99.999 and trace <= 1e-9 * size
    return plane1, plane2, is_dc, dc_percent


def mechanism_title(mech, label: str | None = None, grade: str | None = None) -> str:
    """Title text: the label, then s/d/r of both planes (and DC % for a non-DC tensor)
    and the quality grade if given."""
    plane1, plane2, is_dc, dc_percent = _planes_and_dc(mech)
    text = f"NP1 {_fmt_plane(plane1)}  NP2 {_fmt_plane(plane2)}"
    if not is_dc:
        text += f"  DC {dc_percent:.0f}%"
    if grade:
        text += f"  grade {grade}"
    return f"{label}\n{text}" if label else text


# -------------------------------------------------------------------------- drawing


class MechanismLayout(NamedTuple):
    """Where :func:`draw_beachball` put things (projection coordinates)."""

    tensor_ned: np.ndarray
    plane1: _mech.NodalPlane
    plane2: _mech.NodalPlane
    is_double_couple: bool
    t_xy: tuple[float, float]
    p_xy: tuple[float, float]


class PolarityLayout(NamedTuple):
    x: np.ndarray
    y: np.ndarray
    sign: np.ndarray  # +1 compression, -1 dilatation (readings with 0 are not drawn)
    inconsistent: np.ndarray  # bool


class AmplitudeLayout(NamedTuple):
    x: np.ndarray
    y: np.ndarray
    size_pt2: np.ndarray  # marker area in points^2, proportional to |amplitude|
    positive: np.ndarray  # bool
    phase: np.ndarray  # str


def draw_beachball(
    ax,
    mech,
    *,
    projection: str = "equal-area",
    compressional_color: str = COMPRESSIONAL_COLOR,
    dilatational_color: str = DILATATIONAL_COLOR,
    show_planes: bool = True,
    show_axes: bool = True,
    grid: int = 241,
    linewidth: float = 1.2,
) -> MechanismLayout:
    """Draw the lower-hemisphere beachball of ``mech`` into the matplotlib axes ``ax``.

    ``mech`` is (strike, dip, rake) or a 3x3 NED moment tensor. Compressional areas
    (positive P radiation) are filled with ``compressional_color``.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Circle

    projection = _projection(projection)
    m = as_tensor(mech)
    plane1, plane2, is_dc, _ = _planes_and_dc(mech)
    x, y, amp = radiation_grid(m, grid, projection, extent=_LIMIT)
    scale = np.max(np.abs(amp))
    rim = Circle((0.0, 0.0), 1.0, transform=ax.transData, facecolor="none")
    filled = ax.contourf(
        x,
        y,
        amp,
        levels=[-2.0 * scale, 0.0, 2.0 * scale],
        cmap=ListedColormap([dilatational_color, compressional_color]),
        zorder=1,
        antialiased=False,
    )
    filled.set_clip_path(rim)
    if show_planes:
        if is_dc:
            for plane in (plane1, plane2):
                px, py = great_circle(plane[0], plane[1], projection)
                ax.plot(px, py, color="k", lw=linewidth, zorder=2, solid_capstyle="butt")
        else:
            zero = ax.contour(x, y, amp, levels=[0.0], colors="k", linewidths=linewidth, zorder=2)
            zero.set_clip_path(rim)
            for plane in (plane1, plane2):
                px, py = great_circle(plane[0], plane[1], projection)
                ax.plot(px, py, color="k", lw=0.6 * linewidth, ls="--", zorder=2)
    ax.add_patch(
        Circle((0.0, 0.0), 1.0, facecolor="none", edgecolor="k", lw=1.5 * linewidth, zorder=3)
    )
    axes = _mech.principal_axes(m)
    tx, ty = (float(c) for c in project_vector(axes.t.vector, projection))
    px, py = (float(c) for c in project_vector(axes.p.vector, projection))
    t_xy, p_xy = (tx, ty), (px, py)
    if show_axes:
        box = dict(boxstyle="circle,pad=0.15", facecolor="white", edgecolor="k", lw=0.6)
        for letter, (ax_x, ax_y) in (("T", t_xy), ("P", p_xy)):
            ax.text(
                ax_x, ax_y, letter, ha="center", va="center", fontsize=8,
                fontweight="bold", bbox=box, zorder=4,
            )  # fmt: skip
    ax.set_xlim(-_LIMIT, _LIMIT)
    ax.set_ylim(-_LIMIT, _LIMIT)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return MechanismLayout(m, plane1, plane2, is_dc, t_xy, p_xy)


def _marker_area(ax, fraction: float) -> float:
    """Marker area (points^2) for a diameter of ``fraction`` of the beachball radius."""
    fig = ax.figure
    width_in = ax.get_position().width * fig.get_figwidth()
    radius_pt = 72.0 * width_in / (2.0 * _LIMIT)
    return (fraction * radius_pt) ** 2


def _labels(ax, x, y, names, fontsize=6):
    for xi, yi, name in zip(x, y, names, strict=True):
        if name:
            ax.annotate(
                str(name), (xi, yi), xytext=(4, 3), textcoords="offset points",
                fontsize=fontsize, zorder=7,
            )  # fmt: skip


def draw_polarities(
    ax,
    takeoff_deg,
    azimuth_deg,
    polarity,
    *,
    mech=None,
    inconsistent=None,
    station=None,
    projection: str = "equal-area",
    size: float = 0.09,
) -> PolarityLayout:
    """First motions at their take-off angles and azimuths: compressions filled, dilatations
    open circles; inconsistent readings get a red outline and a red cross and are drawn on
    top of the others.

    ``inconsistent`` is a boolean per reading; when None and ``mech`` is given, a reading is
    inconsistent when its polarity and the sign of the mechanism's P radiation differ.
    Readings with polarity 0 are not drawn. ``size`` is the symbol diameter as a fraction
    of the beachball radius.
    """
    takeoff = np.atleast_1d(np.asarray(takeoff_deg, dtype=np.float64))
    azimuth = np.atleast_1d(np.asarray(azimuth_deg, dtype=np.float64))
    sign = np.atleast_1d(polarity_signs(polarity))
    if not (takeoff.shape == azimuth.shape == sign.shape):
        raise SeisfocError("take-off angles, azimuths and polarities differ in length")
    if inconsistent is None:
        if mech is not None:
            g = ray_vectors(takeoff, azimuth)
            predicted = np.sign(np.einsum("...i,ij,...j->...", g, as_tensor(mech), g))
            inconsistent = predicted * sign < 0
        else:
            inconsistent = np.zeros(sign.shape, bool)
    inconsistent = np.atleast_1d(np.asarray(inconsistent, dtype=bool))
    if inconsistent.shape != sign.shape:
        raise SeisfocError("the inconsistent flags differ in length from the polarities")
    x, y = project(takeoff, azimuth, projection)
    area = _marker_area(ax, size)
    for s, face in ((1, "k"), (-1, "white")):
        for bad in (False, True):
            k = (sign == s) & (inconsistent == bad)
            if not np.any(k):
                continue
            ax.scatter(
                x[k], y[k], s=area, marker="o", facecolors=face,
                edgecolors=INCONSISTENT_COLOR if bad else "k",
                linewidths=1.6 if bad else 0.8, zorder=5.5 if bad else 5,
            )  # fmt: skip
            if bad:
                ax.scatter(
                    x[k], y[k], s=area * 0.5, marker="x", color=INCONSISTENT_COLOR,
                    linewidths=1.2, zorder=5.6,
                )  # fmt: skip
    drawn = sign != 0
    if station is not None:
        names = np.atleast_1d(np.asarray(station, dtype=object))
        _labels(ax, x[drawn], y[drawn], names[drawn])
    return PolarityLayout(x[drawn], y[drawn], sign[drawn], inconsistent[drawn])


def draw_amplitudes(
    ax,
    takeoff_deg,
    azimuth_deg,
    amplitude,
    *,
    phase=None,
    component=None,
    station=None,
    projection: str = "equal-area",
    max_size: float = 0.22,
    min_size: float = 0.05,
) -> AmplitudeLayout:
    """Signed amplitudes: symbol area proportional to |amplitude| (the largest has diameter
    ``max_size`` of the beachball radius, none smaller than ``min_size``), colour by sign
    (red positive, blue negative), marker by phase (P circle, SV square, SH triangle);
    with ``station`` a label per position (see :func:`_amplitude_labels`)."""
    takeoff = np.atleast_1d(np.asarray(takeoff_deg, dtype=np.float64))
    azimuth = np.atleast_1d(np.asarray(azimuth_deg, dtype=np.float64))
    amp = np.atleast_1d(np.asarray(amplitude, dtype=np.float64))
    n = amp.size
    phases = np.atleast_1d(np.asarray(["P"] * n if phase is None else phase, dtype=str))
    phases = np.char.upper(np.char.strip(phases))
    if not (takeoff.shape == azimuth.shape == amp.shape == phases.shape):
        raise SeisfocError("take-off angles, azimuths, amplitudes and phases differ in length")
    if not np.all(np.isfinite(amp)):
        raise SeisfocError("amplitudes contain NaN or infinity")
    x, y = project(takeoff, azimuth, projection)
    biggest = np.max(np.abs(amp)) if n else 1.0
    a_max, a_min = _marker_area(ax, max_size), _marker_area(ax, min_size)
    area = np.maximum(a_max * np.abs(amp) / (biggest if biggest > 0 else 1.0), a_min)
    positive = amp > 0
    # phases with the bigger symbols first, so that small symbols stay visible on top
    for ph in sorted(np.unique(phases), key=lambda q: -np.mean(area[phases == q])):
        k = np.flatnonzero(phases == ph)
        k = k[np.argsort(-area[k], kind="stable")]
        ax.scatter(
            x[k], y[k], s=area[k], marker=PHASE_MARKERS.get(ph, "D"),
            c=np.where(positive[k], POSITIVE_COLOR, NEGATIVE_COLOR),
            edgecolors="k", linewidths=0.6, alpha=0.85, zorder=5,
        )  # fmt: skip
    if station is not None:
        _labels(ax, *_amplitude_labels(x, y, station, component, phases))
    return AmplitudeLayout(x, y, area, positive, phases)


def _amplitude_labels(x, y, station, component, phases):
    """One label per symbol position: "STA Z/P" for a single reading there, the station
    code alone when several readings (P, SV, SH of one station) share the position."""
    names = [str(v).strip() for v in np.atleast_1d(station)]
    comps = None if component is None else [str(v).strip() for v in np.atleast_1d(component)]
    if len(names) != len(x) or (comps is not None and len(comps) != len(x)):
        raise SeisfocError("station codes or components differ in length from the amplitudes")
    groups: dict[tuple[float, float], list[int]] = {}
    for k, key in enumerate(zip(np.round(x, 6), np.round(y, 6), strict=True)):
        groups.setdefault(key, []).append(k)
    gx, gy, text = [], [], []
    for members in groups.values():
        k = members[0]
        if len(members) == 1:
            label = f"{names[k]} {comps[k]}/{phases[k]}" if comps is not None else names[k]
        else:
            label = ",".join(dict.fromkeys(names[j] for j in members))
        gx.append(x[k])
        gy.append(y[k])
        text.append(label)
    return gx, gy, text


def _amplitude_legend(fig, phases) -> None:
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], ls="", marker="o", mfc=POSITIVE_COLOR, mec="k", label="+"),
        Line2D([], [], ls="", marker="o", mfc=NEGATIVE_COLOR, mec="k", label="-"),
    ]
    for ph in sorted(set(phases)):
        handles.append(
            Line2D([], [], ls="", marker=PHASE_MARKERS.get(ph, "D"), mfc="0.8", mec="k", label=ph)
        )
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=7, frameon=False)


def beachball_figure(
    mech,
    *,
    polarity=None,
    takeoff_deg=None,
    azimuth_deg=None,
    inconsistent=None,
    station=None,
    amplitude=None,
    phase=None,
    component=None,
    title: str | None = None,
    label: str | None = None,
    grade: str | None = None,
    planes_in_title: bool = True,
    projection: str = "equal-area",
    size_in: float = 4.0,
    show_axes: bool = True,
    show_planes: bool = True,
    compressional_color: str = COMPRESSIONAL_COLOR,
    grid: int = 241,
):
    """A :class:`matplotlib.figure.Figure` (Agg canvas) with the beachball of ``mech``,
    the polarities (``polarity``) or signed amplitudes (``amplitude``) at their take-off
    angles and azimuths, and a title: the first line ``title`` (or ``label``, the same),
    then the s/d/r of both planes and ``grade`` (see :func:`mechanism_title`) unless
    ``planes_in_title`` is false."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if polarity is not None and amplitude is not None:
        raise SeisfocError("give polarities or amplitudes, not both")
    if (polarity is not None or amplitude is not None) and (
        takeoff_deg is None or azimuth_deg is None
    ):
        raise SeisfocError("polarities and amplitudes need take-off angles and azimuths")
    first = title if title is not None else label
    if first:
        first = "\n".join(textwrap.wrap(str(first), width=max(int(15 * size_in), 20)))
    if planes_in_title:
        text = mechanism_title(mech, first, grade)
    else:
        text = "\n".join(t for t in (first, f"grade {grade}" if grade else "") if t)
    top_in = 0.18 * (text.count("\n") + 1) + 0.12 if text else 0.08
    bottom_in = 0.3 if amplitude is not None else 0.08
    height_in = size_in + top_in + bottom_in
    fig = Figure(figsize=(size_in, height_in))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, bottom_in / height_in, 1.0, size_in / height_in))
    draw_beachball(
        ax, mech, projection=projection, show_axes=show_axes, show_planes=show_planes,
        compressional_color=compressional_color, grid=grid,
    )  # fmt: skip
    if polarity is not None:
        draw_polarities(
            ax, takeoff_deg, azimuth_deg, polarity, mech=mech, inconsistent=inconsistent,
            station=station, projection=projection,
        )  # fmt: skip
    if amplitude is not None:
        layout = draw_amplitudes(
            ax, takeoff_deg, azimuth_deg, amplitude, phase=phase, component=component,
            station=station, projection=projection,
        )  # fmt: skip
        _amplitude_legend(fig, layout.phase)
    if text:
        fig.text(0.5, 1.0 - 0.06 / height_in, text, ha="center", va="top", fontsize=8)
    return fig


def save_figure(fig, path, dpi: float = 100) -> str:
    """Write ``fig`` to ``path``; the format (PNG, PDF, SVG) follows the suffix."""
    path = os.fspath(path)
    fmt = _FORMATS.get(os.path.splitext(path)[1].lower())
    if fmt is None:
        raise SeisfocError("plot file name must end in .png, .pdf or .svg", path)
    try:
        fig.savefig(path, format=fmt, dpi=dpi, facecolor="white")
    except OSError as err:
        raise SeisfocError(f"cannot write plot: {err.strerror or err}", path) from None
    return path


def beachball(mech, *, path=None, dpi: float = 100, **kwargs):
    """:func:`beachball_figure` and, if ``path`` is given, :func:`save_figure`; returns
    the figure."""
    fig = beachball_figure(mech, **kwargs)
    if path is not None:
        save_figure(fig, path, dpi=dpi)
    return fig


def save_beachball(path, mech, *, dpi: float = 100, **kwargs) -> str:
    """Write the beachball of ``mech`` (keywords of :func:`beachball_figure`) to ``path``."""
    return save_figure(beachball_figure(mech, **kwargs), path, dpi=dpi)


def amplitude_beachball(
    mech, *, takeoff_deg, azimuth_deg, amplitude, phase=None, path=None, dpi=100, **kwargs
):
    """Beachball with signed amplitudes (INVRAD/INVDC/SYNRAD); saved if ``path`` is given."""
    return beachball(
        mech,
        takeoff_deg=takeoff_deg,
        azimuth_deg=azimuth_deg,
        amplitude=amplitude,
        phase=phase,
        path=path,
        dpi=dpi,
        **kwargs,
    )
