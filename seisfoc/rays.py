"""Direct up-going rays from a source to the free surface in a flat layered model.

``trace(model, source_depth_km, distances_km, phase, mode)`` solves x(p) = X for every
epicentral distance X with the Fortran kernel ``seisfoc._kernels.rays_trace`` (a
bracketed, safeguarded Newton iteration on w = tan(ray angle at the fastest point of the
path), which converges for X from 0 to arbitrarily large) and returns named arrays. The
formulas are those of ALGORITHMS.md section 2 (closed forms per layer for constant
velocity and linear gradients); see ``fortran/rays.f90``.

What each mode returns
----------------------
``mode="modern"`` (default):

- the ray is traced in the model as given: P and S gradients, and the partial layer from
  the source uses the velocity AT the source depth (for a source exactly on an
  interface, the limit from above: the up-going ray leaves through the upper layer);
- ``takeoff_deg`` = 180 - asin(p v_s) with v_s the velocity at the source depth;
- ``source_velocity`` = v_s.

``mode="seisan"`` (INVRAD's behaviour):

- P rays are traced exactly as in modern mode (INVRAD splits the layer at the source
  and uses the P gradients);
- S rays ignore the S gradients: every layer, including the source's partial layer,
  has its layer-top S velocity (INVRAD never sets the S gradients; S ray parameters come
  out up to 2 % high in gradient layers);
- ``source_velocity`` is the velocity at the TOP of the layer that contains the source,
  and ``takeoff_deg`` = 180 - asin(p * source_velocity);
- the root is still found with the bracketed solver (the original's unbracketed Newton
  sometimes did not converge; that defect is not reproduced).

In both modes: ``incidence_deg`` = asin(p v_surface) at the free surface; ``length_km`` is
the true length of the traced ray (straight segments h/cos i in constant layers, circular
arcs in gradient layers); ``spreading_km`` is the geometrical spreading length
L = sqrt(x |dx/dp| cos i_s cos i_r / (p v_s^2)) of the traced ray with v_s and i_s at the
bottom of the traced path (for X = 0 the vertical-ray limit sum(h v_mean) / v_s, no
division by zero; L equals the hypocentral distance in a homogeneous model); and
``legacy_r_km`` is INVRAD's straight-segment distance R = sum_j h_j / sqrt(1 - p^2 v_top,j^2)
over the layers crossed (v_top,j the velocity at the top of each, the source's partial
layer included), computed with the ray parameter of the mode.

Errors: a source at or above the surface, or below ``model.bottom_km``, raises
:class:`~seisfoc.errors.ModelError`; a negative/non-finite distance or one a direct
up-going ray cannot reach (possible when the fastest point of the path is the bottom of
a gradient layer) raises :class:`RayError` whose ``index`` is the offending distance's
position. With ``strict=False`` nothing is raised for distances: such entries are NaN and
flagged in ``status`` (0 ok, 1 unreachable, 2 no convergence, 3 bad distance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from seisfoc.errors import ModelError, SeisfocError
from seisfoc.velocity import LayeredModel

__all__ = ["Rays", "RayError", "RayPath", "trace", "path_segments", "STATUS_MESSAGES"]

#: Meaning of the ``status`` codes of the kernel.
STATUS_MESSAGES = {
    0: "ok",
    1: "not reachable by a direct up-going ray",
    2: "ray did not converge",
    3: "distance must be a finite number >= 0 km",
}

_DEFAULT_TOL = 1.0e-13


class RayError(SeisfocError):
    """A distance for which there is no direct up-going ray (``index`` = its position).

    ``reason`` is the status text alone (``"not reachable by a direct up-going ray"``), for
    callers that name the reading themselves; ``path``, ``line`` and ``column`` locate it
    in a file when the caller knows where it came from.
    """

    def __init__(
        self,
        message: str,
        index: int | None = None,
        distance_km: float | None = None,
        *,
        reason: str | None = None,
        path=None,
        line: int | None = None,
        column: int | None = None,
    ):
        self.index = index
        self.distance_km = distance_km
        self.reason = message if reason is None else reason
        super().__init__(message, path, line, column)


@dataclass(frozen=True, eq=False)
class Rays:
    """Direct up-going rays, one array entry per epicentral distance."""

    p_s_per_km: np.ndarray
    time_s: np.ndarray
    takeoff_deg: np.ndarray
    incidence_deg: np.ndarray
    length_km: np.ndarray
    spreading_km: np.ndarray
    legacy_r_km: np.ndarray
    distances_km: np.ndarray
    status: np.ndarray
    iterations: np.ndarray
    source_velocity: float
    surface_velocity: float
    source_depth_km: float
    phase: str
    mode: str

    def __len__(self) -> int:
        return int(self.p_s_per_km.size)


def _phase_letter(phase: str) -> str:
    ph = str(phase).strip().upper()
    if ph in ("P",):
        return "P"
    if ph in ("S", "SV", "SH"):
        return "S"
    raise ValueError(f"phase must be 'P' or 'S' (or 'SV'/'SH'), got {phase!r}")


def path_segments(
    model: LayeredModel, source_depth_km: float, phase: str = "P", mode: str = "modern"
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The layers a direct up-going ray crosses, surface first.

    Returns ``(h, v_top, v_bottom, source_velocity)``: thickness (km) and the velocities
    at the top and bottom of each crossed (partial) layer as the given mode traces them,
    and the velocity the mode uses at the source (see the module doc).

    Parameters
    ----------
    model : LayeredModel
        Flat layered model with P and S velocities (and gradients).
    source_depth_km : float
        Source depth (km), > 0 and not below ``model.bottom_km``; a source on an
        interface belongs to the layer above it.
    phase : {"P", "S", "SV", "SH"}
        Wave type; SV and SH are traced as S.
    mode : {"modern", "seisan"}
        How the path is built (see the module text).

    Returns
    -------
    h : numpy.ndarray
        Thickness (km) of each crossed layer from the surface down, the last one cut at
        the source depth.
    v_top, v_bottom : numpy.ndarray
        Velocity (km/s) at the top and at the bottom of each crossed (partial) layer; in
        ``"seisan"`` mode S rays have ``v_bottom == v_top``.
    source_velocity : float
        Velocity (km/s) the mode uses at the source: at the source depth (``"modern"``)
        or at the top of the source's layer (``"seisan"``).

    Raises
    ------
    seisfoc.errors.ModelError
        The source is not below the free surface (depth <= 0 or not finite) or is below
        the model.
    ValueError
        An unknown ``phase`` or ``mode``.
    """
    if mode not in ("modern", "seisan"):
        raise ValueError(f"mode must be 'modern' or 'seisan', got {mode!r}")
    letter = _phase_letter(phase)
    zs = float(source_depth_km)
    if not math.isfinite(zs) or zs <= 0.0:
        raise ModelError(
            f"source depth must be below the free surface, got {zs:g} km", model.source
        )
    if zs > model.bottom_km:
        raise ModelError(
            f"source depth {zs:g} km is below the model (deepest depth {model.bottom_km:g} km)",
            model.source,
        )
    top, bot = model._phase_arrays(letter)
    ztop = model.depth_top_km
    # layers whose top is above the source: a source on an interface belongs to the upper layer
    n = int(np.searchsorted(ztop, zs, side="left"))
    zbot = model.depth_bottom_km[:n]
    zend = np.minimum(zbot, zs)
    h = zend - ztop[:n]
    v_top = top[:n].copy()
    grad = model.gradient(letter)[:n]
    v_bot = v_top + grad * h
    full = zbot <= zs
    v_bot[full] = bot[:n][full]  # exact bottom values for complete layers
    if mode == "seisan" and letter == "S":
        v_bot = v_top.copy()
    source_velocity = float(v_top[-1]) if mode == "seisan" else float(v_bot[-1])
    return h, v_top, v_bot, source_velocity


def trace(
    model: LayeredModel,
    source_depth_km: float,
    distances_km: ArrayLike,
    phase: str = "P",
    mode: str = "modern",
    *,
    strict: bool = True,
    tol: float = _DEFAULT_TOL,
) -> Rays:
    """Trace direct up-going rays from a source to epicentral distances.

    Parameters
    ----------
    model : LayeredModel
        Flat layered model with P and S velocities (and gradients).
    source_depth_km : float
        Source depth (km), below the surface and not below ``model.bottom_km``.
    distances_km : float or array_like
        Epicentral distances (km), a scalar or 1-D.
    phase : {"P", "S", "SV", "SH"}
        Wave type; SV and SH are traced as S.
    mode : {"modern", "seisan"}
        How the path is built (see the module text).
    strict : bool
        Raise :class:`RayError` for the first distance without a ray; with ``False``
        such entries are NaN and flagged in ``status``.
    tol : float
        Relative tolerance on x(p) = X, in (0, 1e-3].

    Returns
    -------
    Rays
        One entry per distance: ray parameter, time, take-off and incidence angles, ray
        length, spreading length and INVRAD's straight-segment distance.

    Raises
    ------
    ModelError
        Source depth outside the model.
    RayError
        (``strict``) a distance that is negative, not finite or not reachable.

    Examples
    --------
    In a homogeneous half-space the ray is straight: to a station 3 km from the epicentre
    of a source at 4 km it leaves at 180 - atan(3/4) degrees and travels 5 km.

    >>> from seisfoc.velocity import LayeredModel
    >>> half_space = LayeredModel.from_arrays([0.0], [6.0], vp_vs=1.73)
    >>> r = trace(half_space, 4.0, 3.0)
    >>> round(float(r.takeoff_deg[0]), 6), round(float(r.length_km[0]), 9)
    (143.130102, 5.0)
    """
    from seisfoc import _kernels

    r_tol = _check_tol(tol)
    h, v_top, v_bot, v_src = _segments(model, source_depth_km, phase, mode)
    if not (all(np.all(np.isfinite(a)) for a in (h, v_top, v_bot)) and math.isfinite(v_src)):
        raise ModelError("the velocity model has non-finite values", model.source)
    x, usable = _distances(distances_km)
    out = _kernels.rays_trace(h, v_top, v_bot, v_src, np.where(usable, x, 0.0), r_tol)
    return _rays(out, x, usable, strict, v_src, float(v_top[0]), source_depth_km, phase, mode)


def _segments(
    model: LayeredModel, source_depth_km: float, phase: str, mode: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """path_segments as contiguous float64 arrays and a float, for the kernels."""
    h, v_top, v_bot, v_src = path_segments(model, source_depth_km, phase, mode)
    h, v_top, v_bot = (np.ascontiguousarray(a, dtype=np.float64) for a in (h, v_top, v_bot))
    return h, v_top, v_bot, float(v_src)


def _check_tol(tol: float) -> float:
    r_tol = float(tol)
    if not (math.isfinite(r_tol) and 0.0 < r_tol <= 1.0e-3):
        raise ValueError(f"tol must be in (0, 1e-3], got {tol!r}")
    return r_tol


def _distances(distances_km: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Contiguous float64 distances and the mask of those the kernel may see."""
    try:
        x = np.array(distances_km, dtype=np.float64, ndmin=1)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"distances_km: {exc}") from None
    if x.ndim != 1:
        raise ValueError("distances_km must be a scalar or a 1-D array")
    # a NaN, an infinity or a negative distance never reaches the kernel: status 3 here
    return x, np.isfinite(x) & (x >= 0.0)


def _rays(
    out: tuple[np.ndarray, ...],
    x: np.ndarray,
    usable: np.ndarray,
    strict: bool,
    v_src: float,
    v_surface: float,
    source_depth_km: float,
    phase: str,
    mode: str,
) -> Rays:
    """The kernel's outputs as :class:`Rays`, its status turned into RayError or NaN."""
    p, t, takeoff, incid, length, spread, rleg, niter, status = out
    status = np.where(usable, np.asarray(status, dtype=np.int32), 3).astype(np.int32)
    bad = np.flatnonzero(status != 0)
    if bad.size:
        if strict:
            i = int(bad[0])
            code = int(status[i])
            raise RayError(
                f"{_phase_letter(phase)} ray from {float(source_depth_km):g} km to {x[i]:g} km "
                f"(distance #{i + 1}): {STATUS_MESSAGES.get(code, 'failed')}",
                index=i,
                distance_km=float(x[i]),
                reason=STATUS_MESSAGES.get(code, "failed"),
            )
        for arr in (p, t, takeoff, incid, length, spread, rleg):
            arr[bad] = np.nan
    return Rays(
        p_s_per_km=p,
        time_s=t,
        takeoff_deg=takeoff,
        incidence_deg=incid,
        length_km=length,
        spreading_km=spread,
        legacy_r_km=rleg,
        distances_km=x,
        status=status,
        iterations=np.asarray(niter, dtype=np.int32),
        source_velocity=float(v_src),
        surface_velocity=v_surface,
        source_depth_km=float(source_depth_km),
        phase=_phase_letter(phase),
        mode=mode,
    )


class RayPath:
    """The direct-ray path from one source depth, held by the Fortran kernel.

    Built and checked once (``path_segments`` of the model, copied into a Fortran derived
    type exposed with f90wrap, ``fortran/raymodel.f90``), then traced to any number of
    distance batches without rebuilding it: the interface for many small calls with one
    model and depth. ``RayPath(model, z, phase, mode).trace(x)`` gives what
    ``trace(model, z, x, phase, mode)`` gives.

    Parameters
    ----------
    model : LayeredModel
        Flat layered model.
    source_depth_km : float
        Source depth (km).
    phase : {"P", "S", "SV", "SH"}
        Wave type.
    mode : {"modern", "seisan"}
        How the path is built (module text).

    Raises
    ------
    ModelError
        Source depth outside the model or a path the kernel refuses.
    """

    def __init__(
        self,
        model: LayeredModel,
        source_depth_km: float,
        phase: str = "P",
        mode: str = "modern",
    ) -> None:
        from seisfoc import _raymodel

        h, v_top, v_bot, v_src = _segments(model, source_depth_km, phase, mode)
        self._wrapped = _raymodel.raymodel
        self._path = self._wrapped.ray_path()
        status = self._wrapped.path_set(self._path, h.size, h, v_top, v_bot, v_src)
        if status != 0:
            raise ModelError(
                "the ray path has a negative thickness or a bad velocity", model.source
            )
        self.source_velocity = float(v_src)
        self.surface_velocity = float(v_top[0])
        self.source_depth_km = float(source_depth_km)
        self.phase = _phase_letter(phase)
        self.mode = mode

    def trace(
        self, distances_km: ArrayLike, *, strict: bool = True, tol: float = _DEFAULT_TOL
    ) -> Rays:
        """Trace the held path to ``distances_km`` (as :func:`trace`).

        Parameters
        ----------
        distances_km : float or array_like
            Epicentral distances (km), a scalar or 1-D.
        strict : bool
            Raise :class:`RayError` for the first distance without a ray.
        tol : float
            Relative tolerance on x(p) = X.

        Returns
        -------
        Rays
            One entry per distance.
        """
        r_tol = _check_tol(tol)
        x, usable = _distances(distances_km)
        n = x.size
        out = [np.empty(n) for _ in range(7)] + [np.empty(n, dtype=np.int32) for _ in range(2)]
        self._wrapped.path_trace(self._path, n, np.where(usable, x, 0.0), r_tol, *out)
        return _rays(
            tuple(out),
            x,
            usable,
            strict,
            self.source_velocity,
            self.surface_velocity,
            self.source_depth_km,
            self.phase,
            self.mode,
        )
