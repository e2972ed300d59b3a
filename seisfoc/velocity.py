"""Flat layered velocity models with linear gradients inside layers.

A :class:`LayeredModel` is a stack of layers. Layer ``j`` spans
``[depth_top_km[j], depth_top_km[j+1])``; inside it the velocities vary linearly from the
top values (``vp_top``, ``vs_top``) to the bottom values (``vp_bottom``, ``vs_bottom``).
The last layer is a half-space of constant velocity. Depths in km (positive down),
velocities in km/s, densities in g/cm^3 (optional).

Made from numbers with :meth:`LayeredModel.from_arrays`; the model files are read in
:mod:`seisfoc.io`: :func:`seisfoc.io.invrad.read_invrad_model` (INVRAD's ``invrad.mod``,
gradient layers) and :func:`seisfoc.io.station0.read_station0_model` (the crustal model of
SEISAN's ``STATION0.HYP``, constant layers). This module holds no file parsing.

Velocity at a discontinuity: :meth:`LayeredModel.velocity` with the default
``side="below"`` returns the value just below the interface (layers are half-open,
``[top, bottom)``); ``side="above"`` returns the limit from above (used for a source that
sits exactly on an interface: its up-going ray leaves through the upper layer). At the
free surface both sides give the top value of the first layer.

``bottom_km`` is the deepest depth the model file describes: a source deeper than it
is "below the model" and rejected by the ray tracer (so that a truncated model is
noticed). For ``invrad.mod`` it is the depth of the last line; for ``STATION0.HYP`` it is
infinite (HYP uses its last layer as a half-space for sources at any depth).
:meth:`LayeredModel.with_half_space` lifts the limit. The amplitude programs keep it for
``invrad.mod`` (a source below the model is an error naming where its depth was given,
as our issue asks, although FORMATS.md calls the last value a half-space).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from seisfoc.errors import ModelError

__all__ = ["LayeredModel", "INVRAD_VP_VS"]

#: Vp/Vs ratio INVRAD assumes when the model file gives no Vs.
INVRAD_VP_VS = 1.732


def _as_1d(values, name: str) -> np.ndarray:
    arr = np.array(values, dtype=np.float64, ndmin=1)
    if arr.ndim != 1:
        raise ModelError(f"{name} must be one-dimensional")
    return arr


#: physical ranges of the velocities in km/s (no rock, sediment or mantle lies outside;
#: a model beyond them is a typing error, and 1e-300 or 1e308 made the rays NaN)
PHYSICAL_RANGES = {"Vp": (0.1, 20.0), "Vs": (0.01, 15.0)}
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True, eq=False)
class LayeredModel:
    """A flat layered model; all arrays have one entry per layer (top to bottom).

    Use :meth:`from_arrays` (or the readers of :mod:`seisfoc.io`) rather than the
    constructor: they validate. Layer ``j`` spans
    ``[depth_top_km[j], depth_top_km[j+1])``, the last layer is a half-space whose
    bottom values equal its top values.
    """

    depth_top_km: np.ndarray
    vp_top: np.ndarray
    vp_bottom: np.ndarray
    vs_top: np.ndarray
    vs_bottom: np.ndarray
    rho_top: np.ndarray | None = None
    rho_bottom: np.ndarray | None = None
    bottom_km: float = math.inf
    interfaces: tuple[str, ...] = ()
    vp_vs: float | None = None
    source: str | None = None
    extra: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_arrays(
        cls,
        depth_top_km,
        vp_top,
        vp_bottom=None,
        vs_top=None,
        vs_bottom=None,
        *,
        vp_vs: float = INVRAD_VP_VS,
        rho_top=None,
        rho_bottom=None,
        bottom_km: float | None = None,
        interfaces=None,
        source: str | None = None,
    ) -> LayeredModel:
        """Build and validate a model from per-layer arrays.

        ``vp_bottom`` defaults to ``vp_top`` (constant layers); ``vs_top``/``vs_bottom``
        default to ``vp / vp_vs``; ``rho_bottom`` defaults to ``rho_top``. The last layer
        must be constant (it is the half-space). ``bottom_km`` defaults to infinity (the
        half-space extends the model to any depth). ``interfaces`` is an optional label
        per layer top (e.g. ``"N"`` for the Moho in STATION0.HYP, ``""`` otherwise).
        """
        z = _as_1d(depth_top_km, "depth_top_km")
        n = z.size
        if n == 0:
            raise ModelError("the velocity model has no layers", source)
        vpt = _as_1d(vp_top, "vp_top")
        vpb = vpt.copy() if vp_bottom is None else _as_1d(vp_bottom, "vp_bottom")
        if not (vp_vs > 0 and math.isfinite(vp_vs)):
            raise ModelError(f"Vp/Vs ratio must be positive, got {vp_vs}", source)
        vst = vpt / vp_vs if vs_top is None else _as_1d(vs_top, "vs_top")
        if vs_bottom is None:
            vsb = vpb / vp_vs if vs_top is None else vst.copy()
        else:
            vsb = _as_1d(vs_bottom, "vs_bottom")
        rt: np.ndarray | None = None
        rb: np.ndarray | None = None
        if rho_top is not None:
            rt = _as_1d(rho_top, "rho_top")
            rb = rt.copy() if rho_bottom is None else _as_1d(rho_bottom, "rho_bottom")
        for name, arr in (("vp_top", vpt), ("vp_bottom", vpb), ("vs_top", vst), ("vs_bottom", vsb)):
            if arr.size != n:
                raise ModelError(f"{name} has {arr.size} values for {n} layers", source)
        if rt is not None and rb is not None and (rt.size != n or rb.size != n):
            raise ModelError(f"densities must have {n} values", source)
        labels = (
            tuple("" for _ in range(n)) if interfaces is None else tuple(str(s) for s in interfaces)
        )
        if len(labels) != n:
            raise ModelError(f"interfaces has {len(labels)} labels for {n} layers", source)
        bottom = math.inf if bottom_km is None else float(bottom_km)
        model = cls(z, vpt, vpb, vst, vsb, rt, rb, bottom, labels, float(vp_vs), source)
        model.validate()
        return model

    def validate(self) -> None:
        """Raise :class:`ModelError` naming the first layer that is impossible."""
        z = self.depth_top_km
        src = self.source
        if not np.all(np.isfinite(z)):
            raise ModelError("layer depths must be finite numbers", src)
        if z[0] != 0.0:
            raise ModelError(
                f"the model must start at the free surface (0 km), not {z[0]:g} km", src
            )
        for j in range(1, z.size):
            if z[j] <= z[j - 1]:
                raise ModelError(
                    f"layer {j + 1} top {z[j]:g} km is not below layer {j} top {z[j - 1]:g} km "
                    "(depth going backwards)",
                    src,
                )
        arrays = [("Vp", self.vp_top, self.vp_bottom), ("Vs", self.vs_top, self.vs_bottom)]
        if self.rho_top is not None:  # rho_bottom defaults to rho_top (from_arrays)
            rho_bottom = self.rho_top if self.rho_bottom is None else self.rho_bottom
            arrays.append(("density", self.rho_top, rho_bottom))
        if z[-1] > EARTH_RADIUS_KM:
            raise ModelError(f"layer top {z[-1]:g} km is deeper than the Earth's radius", src)
        for name, top, bot in arrays:
            low, high = PHYSICAL_RANGES.get(name, (0.0, math.inf))
            for j in range(z.size):
                for v in (top[j], bot[j]):
                    if not (math.isfinite(v) and v > 0.0):
                        raise ModelError(f"layer {j + 1}: {name} must be positive, got {v:g}", src)
                    if not low <= v <= high:
                        raise ModelError(
                            f"layer {j + 1}: {name} {v:g} km/s is outside the physical range "
                            f"[{low:g}, {high:g}] km/s",
                            src,
                        )
            if top[-1] != bot[-1]:
                raise ModelError(
                    f"the last layer is a half-space: its {name} must be constant", src
                )
        for j in range(z.size):
            if not (self.vs_top[j] < self.vp_top[j] and self.vs_bottom[j] < self.vp_bottom[j]):
                raise ModelError(f"layer {j + 1}: Vs must be smaller than Vp", src)
        if not (self.bottom_km >= z[-1]):
            raise ModelError(f"model bottom {self.bottom_km:g} km is above its last layer top", src)

    def with_half_space(self) -> LayeredModel:
        """The same model with its last layer continuing to any depth (``bottom_km`` = inf).

        FORMATS.md section 5: in ``invrad.mod`` "the last value continues as a
        half-space", so a source below the deepest line lies in that half-space.
        """
        if self.bottom_km == math.inf:
            return self
        return replace(self, bottom_km=math.inf, extra=dict(self.extra))

    # ------------------------------------------------------------------ geometry
    @property
    def n_layers(self) -> int:
        return int(self.depth_top_km.size)

    @property
    def depth_bottom_km(self) -> np.ndarray:
        """Bottom depth of each layer (``inf`` for the half-space)."""
        return np.append(self.depth_top_km[1:], math.inf)

    @property
    def thickness_km(self) -> np.ndarray:
        """Layer thicknesses (``inf`` for the half-space)."""
        return self.depth_bottom_km - self.depth_top_km

    def gradient(self, phase: str = "P") -> np.ndarray:
        """Velocity gradient (1/s) inside each layer; 0 for the half-space."""
        top, bot = self._phase_arrays(phase)
        with np.errstate(invalid="ignore", divide="ignore"):
            g = (bot - top) / self.thickness_km
        g[-1] = 0.0
        return g

    def _phase_arrays(self, phase: str) -> tuple[np.ndarray, np.ndarray]:
        ph = str(phase).upper()
        if ph == "P":
            return self.vp_top, self.vp_bottom
        if ph == "S":
            return self.vs_top, self.vs_bottom
        raise ValueError(f"phase must be 'P' or 'S', got {phase!r}")

    def layer_index(self, depth_km, side: str = "below") -> np.ndarray:
        """Index of the layer containing each depth (see the module doc for interfaces)."""
        z = np.asarray(depth_km, dtype=np.float64)
        if np.any(~np.isfinite(z)) or np.any(z < 0.0):
            raise ModelError("depths must be finite and >= 0 km", self.source)
        if side == "below":
            idx = np.searchsorted(self.depth_top_km, z, side="right") - 1
        elif side == "above":
            idx = np.searchsorted(self.depth_top_km, z, side="left") - 1
            idx = np.maximum(idx, 0)
        else:
            raise ValueError("side must be 'below' or 'above'")
        return idx

    def velocity(self, depth_km, phase: str = "P", side: str = "below"):
        """v(z) in km/s for ``phase`` ``"P"`` or ``"S"`` (scalar in, scalar out).

        Linear interpolation inside a layer; at an interface ``side`` picks the layer
        below (default) or above.
        """
        top, bot = self._phase_arrays(phase)
        z = np.asarray(depth_km, dtype=np.float64)
        idx = self.layer_index(z, side)
        g = self.gradient(phase)
        v = top[idx] + g[idx] * (z - self.depth_top_km[idx])
        return float(v) if v.ndim == 0 else v

    def vp(self, depth_km, side: str = "below"):
        return self.velocity(depth_km, "P", side)

    def vs(self, depth_km, side: str = "below"):
        return self.velocity(depth_km, "S", side)

    def density(self, depth_km, side: str = "below"):
        """Density in g/cm^3 at depth (``None`` when the model has none)."""
        if self.rho_top is None:
            return None
        z = np.asarray(depth_km, dtype=np.float64)
        idx = self.layer_index(z, side)
        with np.errstate(invalid="ignore", divide="ignore"):
            g = (self.rho_bottom - self.rho_top) / self.thickness_km
        g[-1] = 0.0
        v = self.rho_top[idx] + g[idx] * (z - self.depth_top_km[idx])
        return float(v) if v.ndim == 0 else v

    def split(self, depth_km: float) -> LayeredModel:
        """The same model with a layer boundary inserted at ``depth_km`` (no-op on one).

        This is how INVRAD prints its crustal model: the source's layer split at the
        source depth.
        """
        z = float(depth_km)
        if z <= 0.0 or np.any(self.depth_top_km == z):
            return self
        j = int(self.layer_index(z))
        mid = {}
        for name in ("vp", "vs", "rho"):
            top = getattr(self, f"{name}_top")
            if top is None:
                continue
            bot = getattr(self, f"{name}_bottom")
            if j == self.n_layers - 1:
                mid[name] = top[j]
            else:
                frac = (z - self.depth_top_km[j]) / (
                    self.depth_top_km[j + 1] - self.depth_top_km[j]
                )
                mid[name] = top[j] + frac * (bot[j] - top[j])

        def ins_top(arr, value):
            return None if arr is None else np.insert(arr, j + 1, value)

        def ins_bot(arr, value):
            if arr is None:
                return None
            out = np.insert(arr, j + 1, arr[j])
            out[j] = value
            return out

        kw: dict[str, Any] = {}  # arrays, None for a missing density
        for name in ("vp", "vs", "rho"):
            if getattr(self, f"{name}_top") is None:
                kw[f"{name}_top"] = kw[f"{name}_bottom"] = None
                continue
            kw[f"{name}_top"] = ins_top(getattr(self, f"{name}_top"), mid[name])
            kw[f"{name}_bottom"] = ins_bot(getattr(self, f"{name}_bottom"), mid[name])
        labels = self.interfaces[: j + 1] + ("",) + self.interfaces[j + 1 :]
        return LayeredModel(
            np.insert(self.depth_top_km, j + 1, z),
            kw["vp_top"],
            kw["vp_bottom"],
            kw["vs_top"],
            kw["vs_bottom"],
            kw["rho_top"],
            kw["rho_bottom"],
            self.bottom_km,
            labels,
            self.vp_vs,
            self.source,
            dict(self.extra),
        )

    def __repr__(self) -> str:
        rows = ", ".join(
            f"{z:g}:{a:g}-{b:g}"
            for z, a, b in zip(self.depth_top_km, self.vp_top, self.vp_bottom, strict=True)
        )
        return f"LayeredModel({self.n_layers} layers, Vp {rows}, bottom {self.bottom_km:g} km)"
