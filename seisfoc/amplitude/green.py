"""Green's functions of direct P, SV and SH amplitudes at the free surface (Ebel & Bonjer 1990,
corrected as ALGORITHMS.md sections 3 and 4 describe): rays, free-surface receiver
factors and the amplitude of each reading per unit moment-tensor element.

The Fortran face of ``fortran/amplitude.f90`` (``amplitude_free_surface``,
``amplitude_green``): arrays are shaped and typed here and every kernel status becomes an
error naming the reading. The five unknowns are m = (M11, M22, M12, M13, M23) in (north,
east, down) with M33 = -M11 - M22 (no isotropic part).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from seisfoc import _kernels
from seisfoc.amplitude.readings import (
    COMPONENT_CODES,
    PHASE_CODES,
    AmplitudeReadings,
    check_mode,
)
from seisfoc.errors import InversionError

if TYPE_CHECKING:
    from seisfoc.velocity import LayeredModel

DEFAULT_TAREA_S = 0.01
DEFAULT_DENSITY = 2.7
_STATUS_BAD_PAIR = 1
_STATUS_POSTCRITICAL = 2
_STATUS_BAD_VALUE = 3


@dataclass
class RayTerms:
    """The ray quantities an amplitude needs, one entry per reading.

    ``distance_km`` is the spreading length L (modern) or Ebel's straight-segment R
    (seisan); ``c_src_km_s`` the wave's velocity at the source (modern: at the source
    depth; seisan: at the top of the source layer); ``c_rcv_km_s`` at the surface;
    ``alpha_surf_km_s`` and ``beta_surf_km_s`` the P and S velocities at the surface.
    """

    p_s_per_km: np.ndarray
    takeoff_deg: np.ndarray
    incidence_deg: np.ndarray
    distance_km: np.ndarray
    c_src_km_s: np.ndarray
    c_rcv_km_s: np.ndarray
    alpha_surf_km_s: np.ndarray
    beta_surf_km_s: np.ndarray
    rho_src: np.ndarray
    rho_rcv: np.ndarray
    time_s: np.ndarray | None = None


@dataclass
class GreenFunctions:
    """Amplitude (microns) of each reading per unit moment-tensor element (1e16 dyne-cm)."""

    matrix: np.ndarray  # (n, 5) for m = (M11, M22, M12, M13, M23)
    free_surface: np.ndarray
    scale: np.ndarray  # amplitude per unit radiation coefficient
    rays: RayTerms
    mode: str
    radial_toward_source: bool
    tarea_s: float = DEFAULT_TAREA_S

    def predict(self, moment_tensor_ned: ArrayLike) -> np.ndarray:
        """Amplitudes of a moment tensor (its isotropic part does not radiate here)."""
        return self.matrix @ m5_from_tensor(moment_tensor_ned)


def m5_from_tensor(moment_tensor_ned: ArrayLike) -> np.ndarray:
    """(M11, M22, M12, M13, M23) of a 3x3 tensor, made traceless first."""
    m = np.asarray(moment_tensor_ned, dtype=np.float64)
    m = m - np.trace(m) / 3.0 * np.eye(3)
    return np.array([m[0, 0], m[1, 1], m[0, 1], m[0, 2], m[1, 2]])


def tensor_from_m5(m5: ArrayLike) -> np.ndarray:
    """The traceless 3x3 tensor of (M11, M22, M12, M13, M23)."""
    x = np.asarray(m5, dtype=np.float64)
    return np.array(
        [[x[0], x[2], x[3]], [x[2], x[1], x[4]], [x[3], x[4], -x[0] - x[1]]], dtype=np.float64
    )


def m5_double_couple(strike: float, dip: float, rake: float, moment: float) -> np.ndarray:
    """m = (M11, M22, M12, M13, M23) of a double couple (moment in 1e16 dyne-cm)."""
    from seisfoc import mechanism

    return m5_from_tensor(mechanism.moment_tensor_ned(strike, dip, rake, moment))


def free_surface_factors(
    phase: ArrayLike,
    component: ArrayLike,
    p_s_per_km: ArrayLike,
    alpha_km_s: ArrayLike,
    beta_km_s: ArrayLike,
) -> np.ndarray:
    """Free-surface receiver factors (Z up, R away from the source, T: 2) for unit waves.

    Raises ``InversionError`` for a complex factor (SV past the critical angle) or a
    meaningless phase/component pair; the message gives the index of the reading.
    """
    phase_code = np.array([PHASE_CODES[str(x)] for x in np.atleast_1d(phase)], dtype=np.int32)
    comp_code = np.array(
        [COMPONENT_CODES[str(x)] for x in np.atleast_1d(component)], dtype=np.int32
    )
    n = phase_code.size

    def col(x: ArrayLike) -> np.ndarray:
        return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=np.float64), (n,)))

    p, a, b = col(p_s_per_km), col(alpha_km_s), col(beta_km_s)
    bad_value = np.flatnonzero(~(np.isfinite(p) & np.isfinite(a) & np.isfinite(b)))
    if bad_value.size:  # a NaN never reaches the kernel
        raise InversionError(
            f"reading {int(bad_value[0]) + 1}: ray parameter or velocity not finite"
        )
    factor, status = _kernels.amplitude_free_surface(phase_code, comp_code, p, a, b)
    bad = np.flatnonzero(status)
    if bad.size:
        i = int(bad[0])
        raise InversionError(f"reading {i + 1}: {_status_text(int(status[i]))}")
    return factor


def _status_text(status: int) -> str:
    if status == _STATUS_POSTCRITICAL:
        return (
            "past the critical angle at the free surface (p >= 1/Vp at the surface): the "
            "free-surface factor is complex, remove this reading"
        )
    if status == _STATUS_BAD_PAIR:
        return "the component cannot record this phase"
    return "non-positive distance, velocity, density or pulse area"


def green_functions_from_rays(
    readings: AmplitudeReadings,
    rays: RayTerms,
    mode: str = "modern",
    tarea_s: float = DEFAULT_TAREA_S,
) -> GreenFunctions:
    """Green's functions from ray quantities already known (one ``RayTerms`` entry per reading)."""
    check_mode(mode)
    readings.check_pairs()
    phase_code = np.array([PHASE_CODES[x] for x in readings.phase], dtype=np.int32)
    comp_code = np.array([COMPONENT_CODES[x] for x in readings.component], dtype=np.int32)
    n = len(readings)

    def col(x: ArrayLike) -> np.ndarray:
        return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=np.float64), (n,)))

    columns = [
        col(x)
        for x in (
            rays.takeoff_deg,
            readings.azimuth_deg,
            rays.p_s_per_km,
            rays.distance_km,
            rays.c_src_km_s,
            rays.c_rcv_km_s,
            rays.alpha_surf_km_s,
            rays.beta_surf_km_s,
            rays.rho_src,
            rays.rho_rcv,
        )
    ]
    finite = np.logical_and.reduce([np.isfinite(c) for c in columns])
    if not finite.all():  # a NaN never reaches the kernel
        i = int(np.flatnonzero(~finite)[0])
        raise readings.error(i, "ray quantities are not finite numbers", field_name="distance")
    if not (np.isfinite(tarea_s) and tarea_s > 0.0):
        raise InversionError(f"pulse area must be a positive number, got {tarea_s}")
    g, factor, scale, status = _kernels.amplitude_green(
        phase_code, comp_code, 1 if mode == "seisan" else 0, *columns, float(tarea_s)
    )
    bad = np.flatnonzero(status)
    if bad.size:
        i = int(bad[0])
        text = _status_text(int(status[i]))
        if status[i] == _STATUS_POSTCRITICAL:
            ratio = min(1.0, rays.beta_surf_km_s[i] / rays.alpha_surf_km_s[i])
            text = (
                f"SV past the critical angle at the free surface (incidence "
                f"{rays.incidence_deg[i]:.1f} deg, critical {np.degrees(np.arcsin(ratio)):.1f} "
                "deg): the free-surface factor is complex; remove this reading"
            )
        raise readings.error(i, text, field_name="distance")
    return GreenFunctions(
        matrix=np.asarray(g),
        free_surface=np.asarray(factor),
        scale=np.asarray(scale),
        rays=rays,
        mode=mode,
        radial_toward_source=(mode == "seisan"),
        tarea_s=float(tarea_s),
    )


def ray_terms(
    model: LayeredModel,
    source_depth_km: float,
    readings: AmplitudeReadings,
    mode: str = "modern",
    density: float = DEFAULT_DENSITY,
    ray_mode: str | None = None,
) -> RayTerms:
    """Trace the direct P and S rays of every reading through ``model`` (seisfoc.rays).

    ``mode`` chooses the amplitude formula's distance and source velocity (seisan: Ebel's
    R and the velocity at the top of the source layer; modern: L and the velocity at the
    source depth); ``ray_mode`` (default: ``mode``) how the rays are traced. ``mode=
    "seisan", ray_mode="modern"`` is Ebel's formula on exact rays (S gradients kept).
    """
    from seisfoc import rays as _rays

    check_mode(mode)
    ray_mode = check_mode(mode if ray_mode is None else ray_mode)
    check_source_depth(source_depth_km, model=model)
    readings.check_pairs()
    n = len(readings)
    out = {
        k: np.zeros(n) for k in ("p", "takeoff", "incidence", "distance", "c_src", "c_rcv", "time")
    }
    alpha_surf, beta_surf = float(model.vp_top[0]), float(model.vs_top[0])
    for wave, phases in (("P", ("P",)), ("S", ("SV", "SH"))):
        idx = np.flatnonzero(np.isin(readings.phase, phases))
        if idx.size == 0:
            continue
        try:
            tr = _rays.trace(
                model, float(source_depth_km), readings.distance_km[idx], phase=wave,
                mode=ray_mode,
            )  # fmt: skip
        except _rays.RayError as err:
            if err.index is None:
                raise
            k = int(idx[int(err.index)])
            raise readings.error(
                k,
                f"{wave} ray from {float(source_depth_km):g} km to "
                f"{readings.distance_km[k]:g} km: {err.reason}",
                _rays.RayError,
                field_name="distance",
            ) from None
        out["p"][idx] = tr.p_s_per_km
        out["takeoff"][idx] = tr.takeoff_deg
        out["incidence"][idx] = tr.incidence_deg
        out["time"][idx] = tr.time_s
        out["distance"][idx] = tr.legacy_r_km if mode == "seisan" else tr.spreading_km
        if mode == ray_mode:
            out["c_src"][idx] = tr.source_velocity
        else:
            out["c_src"][idx] = _rays.path_segments(model, source_depth_km, wave, mode)[3]
        out["c_rcv"][idx] = tr.surface_velocity
    return RayTerms(
        p_s_per_km=out["p"],
        takeoff_deg=out["takeoff"],
        incidence_deg=out["incidence"],
        distance_km=out["distance"],
        c_src_km_s=out["c_src"],
        c_rcv_km_s=out["c_rcv"],
        alpha_surf_km_s=np.full(n, alpha_surf),
        beta_surf_km_s=np.full(n, beta_surf),
        rho_src=np.full(n, float(density)),
        rho_rcv=np.full(n, float(density)),
        time_s=out["time"],
    )


def check_source_depth(
    depth_km: Any,
    path: str | None = None,
    line: int | None = None,
    column: int | None = None,
    model: LayeredModel | None = None,
) -> float:
    """The source depth as a float, or an error naming where it was given.

    A depth at or above the surface (0 or negative, e.g. an S-file depth above sea level)
    or not a number has no direct up-going ray. With ``model``, a depth below the model
    (below the last line of an ``invrad.mod``; a STATION0.HYP model ends in a half-space
    and has no bottom) is an error too: the velocities there are unknown, and a source
    below a truncated model is a mistake worth hearing about. The message says how deep
    the model goes so that the user can add a line below the source.
    """
    try:
        z = float(depth_km)
    except (TypeError, ValueError):
        raise InversionError(
            f"source depth {depth_km!r} is not a number", path, line, column
        ) from None
    if not math.isfinite(z):
        raise InversionError(f"source depth {z:g} km is not a finite number", path, line, column)
    if z <= 0.0:
        raise InversionError(
            f"source depth {z:g} km is not below the free surface (the model starts at "
            "0 km): give a positive depth",
            path,
            line,
            column,
        )
    if model is not None and z > model.bottom_km:
        where = f" {model.source}" if model.source else ""
        raise InversionError(
            f"source depth {z:g} km is below the velocity model{where}, whose last line is "
            f"at {model.bottom_km:g} km: extend the model below the source",
            path,
            line,
            column,
        )
    return z


def green_functions(
    readings: AmplitudeReadings,
    model: LayeredModel,
    source_depth_km: float,
    mode: str = "modern",
    tarea_s: float = DEFAULT_TAREA_S,
    density: float = DEFAULT_DENSITY,
    ray_mode: str | None = None,
) -> GreenFunctions:
    """Trace the rays and build the Green's functions of every reading (see ray_terms)."""
    rays = ray_terms(model, source_depth_km, readings, mode, density, ray_mode)
    return green_functions_from_rays(readings, rays, mode=mode, tarea_s=tarea_s)
