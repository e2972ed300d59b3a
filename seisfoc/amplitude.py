"""P, SV and SH amplitudes at the free surface and their inversion for a moment tensor.

The shared face of Ebel's amplitude programs (INVRAD, INVDC, SYNRAD; Ebel & Bonjer 1990)
corrected as described in ALGORITHMS.md sections 3 and 4. The numerics (free-surface
receiver factors, Green's function rows, the generalised inverse) run in the Fortran
kernel ``seisfoc._kernels`` (fortran/amplitude.f90); this module shapes arrays, names the
readings in error messages and derives errors and resolution.

Units: moment in 1e16 dyne-cm, amplitudes in microns, distances in km, velocities in
km/s, density in g/cm^3. Moment tensor in (north, east, down). The five unknowns are
m = (M11, M22, M12, M13, M23) with M33 = -M11 - M22 (no isotropic part).

Two behaviours (``mode``):

- ``"seisan"`` reproduces Ebel's numbers: legacy straight-segment distance R, velocity at
  the top of the source layer, S velocities without gradients, radial component positive
  TOWARD the source, SH amplitude 2 F / (4 pi rho beta^3 R TAREA).
- ``"modern"``: ray theory with the geometrical spreading length L, the impedance term
  sqrt(rho_s rho_r c_s^5 c_r), S gradients, velocities at the source depth, radial
  component positive AWAY from the source (as ObsPy/SAC).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from seisfoc import _kernels
from seisfoc.errors import InversionError, SeisfocError

MODES = ("modern", "seisan")
PHASE_CODES = {"P": 1, "SV": 2, "SH": 3}
COMPONENT_CODES = {"Z": 1, "R": 2, "T": 3}
#: (component, phase) pairs that record a wave; Ebel's program accepted any pair
VALID_PAIRS = frozenset({("Z", "P"), ("R", "P"), ("Z", "SV"), ("R", "SV"), ("T", "SH")})
DEFAULT_TAREA_S = 0.01
DEFAULT_DENSITY = 2.7
#: relative singular-value cut-off of the generalised inverse
DEFAULT_RCOND = 1e-6
#: an angle standard deviation beyond these (strike, dip, rake; deg) says nothing about the
#: angle: it is reported as unresolved, never as a number (or Fortran asterisks)
ANGLE_ERROR_LIMITS_DEG = (180.0, 90.0, 180.0)

_STATUS_BAD_PAIR = 1
_STATUS_POSTCRITICAL = 2
_STATUS_BAD_VALUE = 3


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    return mode


@dataclass
class AmplitudeReadings:
    """Signed amplitudes at stations, one entry per reading (station, component, phase).

    ``radial_toward_source`` says how a positive R amplitude is meant: True in Ebel's
    files (invrad.inp), False in the ObsPy/SAC convention. ``sigma_microns`` is an
    optional per-reading standard deviation. ``path`` and ``line_numbers`` (1-based)
    locate each reading in its file for error messages; ``columns`` maps a field name
    (``"station"``, ``"component"``, ``"phase"``, ``"distance"``, ``"azimuth"``,
    ``"amplitude"``) to its first column (1-based) in the reading's line.
    """

    station: list[str]
    component: np.ndarray
    phase: np.ndarray
    distance_km: np.ndarray
    azimuth_deg: np.ndarray
    amplitude_microns: np.ndarray
    radial_toward_source: bool = True
    sigma_microns: np.ndarray | None = None
    path: str | None = None
    line_numbers: np.ndarray | None = None
    columns: dict[str, int] | None = None

    def __post_init__(self) -> None:
        self.station = [str(s) for s in self.station]
        self.component = np.asarray(self.component, dtype="U2")
        self.phase = np.asarray(self.phase, dtype="U2")
        self.distance_km = np.asarray(self.distance_km, dtype=np.float64)
        self.azimuth_deg = np.asarray(self.azimuth_deg, dtype=np.float64)
        self.amplitude_microns = np.asarray(self.amplitude_microns, dtype=np.float64)
        if self.sigma_microns is not None:
            self.sigma_microns = np.asarray(self.sigma_microns, dtype=np.float64)
        if self.line_numbers is not None:
            self.line_numbers = np.asarray(self.line_numbers, dtype=np.int64)
        n = len(self.station)
        for name in ("component", "phase", "distance_km", "azimuth_deg", "amplitude_microns"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} entries, expected {n}")

    def __len__(self) -> int:
        return len(self.station)

    def label(self, i: int) -> str:
        """``"S04 R SV"``: how the reading is named in messages and reports."""
        return f"{self.station[i]} {self.component[i]} {self.phase[i]}"

    def line_of(self, i: int) -> int | None:
        return None if self.line_numbers is None else int(self.line_numbers[i])

    def column_of(self, field_name: str | None) -> int | None:
        if field_name is None or self.columns is None or self.line_numbers is None:
            return None
        return self.columns.get(field_name)

    def error(
        self, i: int, message: str, cls=InversionError, field_name: str | None = None
    ) -> SeisfocError:
        """An error about reading ``i`` that names it and its place in the file.

        ``field_name`` (see ``columns``) adds the column of the field that is wrong.
        Errors of the ray geometry (unreachable ray, SV past the critical angle) point
        at the distance: the ray parameter, hence the incidence angle, follows from it.
        """
        return cls(
            f"reading {self.label(i)}: {message}",
            path=self.path,
            line=self.line_of(i),
            column=self.column_of(field_name),
        )

    def subset(self, index) -> AmplitudeReadings:
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        return replace(
            self,
            station=[self.station[i] for i in index],
            component=self.component[index],
            phase=self.phase[index],
            distance_km=self.distance_km[index],
            azimuth_deg=self.azimuth_deg[index],
            amplitude_microns=self.amplitude_microns[index],
            sigma_microns=None if self.sigma_microns is None else self.sigma_microns[index],
            line_numbers=None if self.line_numbers is None else self.line_numbers[index],
        )

    def with_amplitudes(self, amplitude_microns, radial_toward_source: bool) -> AmplitudeReadings:
        return replace(
            self,
            amplitude_microns=np.asarray(amplitude_microns, dtype=np.float64),
            radial_toward_source=radial_toward_source,
        )

    def amplitudes_for(self, radial_toward_source: bool) -> np.ndarray:
        """The observed amplitudes with R in the requested sign convention."""
        a = self.amplitude_microns.copy()
        if radial_toward_source != self.radial_toward_source:
            a[self.component == "R"] *= -1.0
        return a

    def check_pairs(self) -> None:
        """Reject readings whose component cannot record their phase (P on T, SH on R)."""
        for i in range(len(self)):
            if self.phase[i] not in PHASE_CODES:
                raise self.error(
                    i, f"unknown phase {self.phase[i]!r} (use P, SV or SH)", field_name="phase"
                )
            if self.component[i] not in COMPONENT_CODES:
                raise self.error(
                    i,
                    f"unknown component {self.component[i]!r} (use Z, R or T)",
                    field_name="component",
                )
            if (self.component[i], self.phase[i]) not in VALID_PAIRS:
                raise self.error(
                    i,
                    f"{self.phase[i]} is not recorded on component {self.component[i]} "
                    "(valid: P on Z or R, SV on Z or R, SH on T)",
                    field_name="phase",
                )


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

    def predict(self, moment_tensor_ned) -> np.ndarray:
        """Amplitudes of a moment tensor (its isotropic part does not radiate here)."""
        return self.matrix @ m5_from_tensor(moment_tensor_ned)


def m5_from_tensor(moment_tensor_ned) -> np.ndarray:
    """(M11, M22, M12, M13, M23) of a 3x3 tensor, made traceless first."""
    m = np.asarray(moment_tensor_ned, dtype=np.float64)
    m = m - np.trace(m) / 3.0 * np.eye(3)
    return np.array([m[0, 0], m[1, 1], m[0, 1], m[0, 2], m[1, 2]])


def tensor_from_m5(m5) -> np.ndarray:
    x = np.asarray(m5, dtype=np.float64)
    return np.array(
        [[x[0], x[2], x[3]], [x[2], x[1], x[4]], [x[3], x[4], -x[0] - x[1]]], dtype=np.float64
    )


def free_surface_factors(phase, component, p_s_per_km, alpha_km_s, beta_km_s) -> np.ndarray:
    """Free-surface receiver factors (Z up, R away from the source, T: 2) for unit waves.

    Raises ``InversionError`` for a complex factor (SV past the critical angle) or a
    meaningless phase/component pair; the message gives the index of the reading.
    """
    phase_code = np.array([PHASE_CODES[str(x)] for x in np.atleast_1d(phase)], dtype=np.int32)
    comp_code = np.array(
        [COMPONENT_CODES[str(x)] for x in np.atleast_1d(component)], dtype=np.int32
    )
    n = phase_code.size

    def col(x):
        return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=np.float64), (n,)))

    p, a, b = col(p_s_per_km), col(alpha_km_s), col(beta_km_s)
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

    def col(x):
        return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=np.float64), (n,)))

    g, factor, scale, status = _kernels.amplitude_green(
        phase_code,
        comp_code,
        1 if mode == "seisan" else 0,
        col(rays.takeoff_deg),
        col(readings.azimuth_deg),
        col(rays.p_s_per_km),
        col(rays.distance_km),
        col(rays.c_src_km_s),
        col(rays.c_rcv_km_s),
        col(rays.alpha_surf_km_s),
        col(rays.beta_surf_km_s),
        col(rays.rho_src),
        col(rays.rho_rcv),
        float(tarea_s),
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
    model,
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
    depth_km, path=None, line: int | None = None, column: int | None = None, model=None
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
    model,
    source_depth_km: float,
    mode: str = "modern",
    tarea_s: float = DEFAULT_TAREA_S,
    density: float = DEFAULT_DENSITY,
    ray_mode: str | None = None,
) -> GreenFunctions:
    """Trace the rays and build the Green's functions of every reading (see ray_terms)."""
    rays = ray_terms(model, source_depth_km, readings, mode, density, ray_mode)
    return green_functions_from_rays(readings, rays, mode=mode, tarea_s=tarea_s)


# ----------------------------------------------------------------------------------------
# the generalised inverse


@dataclass
class GeneralisedInverse:
    """Solution of d = G m by the SVD, with what it can and cannot resolve."""

    model: np.ndarray
    singular_values: np.ndarray
    rank: int
    rcond: float
    covariance_unit: np.ndarray  # V S^-2 V^T of the (weighted) system
    model_resolution: np.ndarray
    data_resolution: np.ndarray
    inverse: np.ndarray


def generalised_inverse(g, d, rcond: float = DEFAULT_RCOND) -> GeneralisedInverse:
    """SVD inverse of ``g`` (m x n) keeping singular values above ``rcond * s_max``."""
    g = np.asfortranarray(np.asarray(g, dtype=np.float64))
    d = np.ascontiguousarray(np.asarray(d, dtype=np.float64))
    if g.ndim != 2 or d.shape != (g.shape[0],):
        raise ValueError(f"shapes do not match: g {g.shape}, d {d.shape}")
    s, kept, x, cov, model_res, data_res, ginv, info = _kernels.amplitude_ginv(g, d, float(rcond))
    if info != 0:
        raise InversionError(f"the singular value decomposition failed (LAPACK info {info})")
    return GeneralisedInverse(
        model=np.asarray(x),
        singular_values=np.asarray(s),
        rank=int(kept),
        rcond=float(rcond),
        covariance_unit=np.asarray(cov),
        model_resolution=np.asarray(model_res),
        data_resolution=np.asarray(data_res),
        inverse=np.asarray(ginv),
    )


@dataclass
class MomentTensorFit:
    """The least-squares deviatoric moment tensor of a set of amplitudes."""

    moment_tensor_ned: np.ndarray  # 3x3, 1e16 dyne-cm
    m5: np.ndarray
    covariance_m5: np.ndarray  # 5x5, (1e16 dyne-cm)^2
    sigma_microns: float  # data standard deviation used for the covariance
    sigma_estimated: bool  # True when sigma came from the residuals
    singular_values: np.ndarray
    rank: int
    model_resolution: np.ndarray
    data_resolution: np.ndarray
    observed: np.ndarray  # in the Green's functions' radial convention
    predicted: np.ndarray
    residuals: np.ndarray
    rms_microns: float
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def leverage(self) -> np.ndarray:
        """Diagonal of the data resolution matrix (sums to the rank)."""
        return np.diag(self.data_resolution).copy()

    def high_leverage(self, factor: float = 2.0) -> np.ndarray:
        """Readings whose leverage exceeds ``factor`` times the mean rank/N."""
        n = len(self.observed)
        return self.leverage > factor * self.rank / max(n, 1)


def invert_moment_tensor(
    green: GreenFunctions,
    readings: AmplitudeReadings,
    sigma_microns: float | None = None,
    rcond: float = DEFAULT_RCOND,
) -> MomentTensorFit:
    """Least squares for the five deviatoric elements (INVRAD).

    The data standard deviation is, in order: the readings' own ``sigma_microns``
    (weights), the ``sigma_microns`` argument, or |r|^2 / (N - 5) from the residuals.
    """
    g = green.matrix
    d = readings.amplitudes_for(green.radial_toward_source)
    n = len(d)
    if n < 5:
        raise InversionError(
            f"{n} readings: at least 5 are needed for the 5 moment-tensor elements",
            readings.path,
        )
    check_not_all_zero(d, readings, "moment tensor")
    w = fit_weights(readings)
    inv = generalised_inverse(g * w[:, None], d * w, rcond=rcond)
    if inv.rank < 5:
        raise InversionError(
            f"the readings resolve only {inv.rank} of the 5 moment-tensor elements "
            f"(singular values {_fmt_list(inv.singular_values)}): add readings at other "
            "azimuths, distances or phases",
            readings.path,
        )
    predicted = g @ inv.model
    residuals = d - predicted
    rms = float(np.sqrt(np.mean(residuals**2)))
    if readings.sigma_microns is not None:
        sigma, estimated, scale2 = 1.0, False, 1.0
    elif sigma_microns is not None and sigma_microns > 0:
        sigma, estimated = float(sigma_microns), False
        scale2 = sigma**2
    else:
        if n <= 5:
            raise InversionError(
                "5 readings fit exactly: give a data standard deviation to get errors",
                readings.path,
            )
        wr = residuals * w
        sigma, estimated = float(np.sqrt(wr @ wr / (n - 5))), True
        scale2 = sigma**2
    return MomentTensorFit(
        moment_tensor_ned=tensor_from_m5(inv.model),
        m5=inv.model,
        covariance_m5=scale2 * inv.covariance_unit,
        sigma_microns=sigma,
        sigma_estimated=estimated,
        singular_values=inv.singular_values,
        rank=inv.rank,
        model_resolution=inv.model_resolution,
        data_resolution=inv.data_resolution,
        observed=d,
        predicted=predicted,
        residuals=residuals,
        rms_microns=rms,
        weights=w,
    )


def _fmt_list(values: Sequence[float]) -> str:
    return ", ".join(f"{v:.3g}" for v in values)


# ----------------------------------------------------------------------------------------
# from the tensor to what a seismologist reads: planes, moments and their errors


@dataclass
class AmplitudeSolution:
    """A moment tensor fit read as a mechanism, with errors from the full covariance.

    ``planes`` are the nodal planes of Ebel's largest double couple, the shallower-dipping
    first (the order INVRAD prints them); ``plane_covariances[k]`` is the 4x4 covariance of
    (strike, dip, rake, M0) of plane k (deg^2, deg 1e16 dyne-cm, (1e16 dyne-cm)^2)
    propagated from the tensor covariance through the Jacobian of the mapping.
    """

    fit: MomentTensorFit
    planes: tuple
    plane_covariances: np.ndarray  # (2, 4, 4)
    moment: float  # largest double couple, (l_T - l_P)/2, 1e16 dyne-cm
    moment_clvd: float  # Ebel: (l_T + l_P)/2
    jost_herrmann: object  # seisfoc.mechanism.JostHerrmann
    mw: float
    dc_tensor: np.ndarray
    dc_predicted: np.ndarray
    dc_rms_microns: float
    radial_toward_source: bool = False  # convention of fit.observed/predicted, dc_predicted

    @property
    def plane_errors(self) -> np.ndarray:
        """Standard deviations (2, 4): strike, dip, rake (deg) and M0 for each plane.

        An angle whose standard deviation exceeds ``ANGLE_ERROR_LIMITS_DEG`` (e.g. the
        strike of a nearly pure CLVD, whose planes the tensor barely defines) is NaN:
        unresolved. The writers print it as such (see ``resolved_error``), never as NaN.
        """
        return _mask_unresolved_angles(self.legacy_plane_errors)

    @property
    def legacy_plane_errors(self) -> np.ndarray:
        """The same standard deviations with no angle marked unresolved, for the legacy
        ``invrad.out`` layout, which the original filled with a number wherever it fitted
        its Fortran field (e.g. a strike error of 647.85 deg for a nearly pure CLVD)."""
        return np.sqrt(np.maximum(np.diagonal(self.plane_covariances, axis1=1, axis2=2), 0.0))

    @property
    def moment_error(self) -> float:
        return float(self.plane_errors[0, 3])


def _mask_unresolved_angles(errors) -> np.ndarray:
    """NaN for non-finite errors and angle errors beyond ``ANGLE_ERROR_LIMITS_DEG``."""
    e = np.array(errors, dtype=np.float64)
    limits = np.array(ANGLE_ERROR_LIMITS_DEG)
    angles = e[..., :3]
    angles[~(angles <= limits)] = np.nan
    e[~np.isfinite(e)] = np.nan
    return e


def resolved_error(value) -> float | None:
    """A standard deviation for JSON and F-lines: ``None`` where it is unresolved (NaN)."""
    v = float(value)
    return v if math.isfinite(v) else None


def _planes_ordered(m_ned):
    from seisfoc import mechanism

    a, b = mechanism.nodal_planes(m_ned)
    return (a, b) if a.dip <= b.dip else (b, a)


def _wrap(angle):
    return (np.asarray(angle) + 180.0) % 360.0 - 180.0


def _plane_vector(m5, reference):
    """(s1, d1, r1, s2, d2, r2, M0) with the planes matched to ``reference`` planes."""
    from seisfoc import mechanism

    tensor = tensor_from_m5(m5)
    a, b = mechanism.nodal_planes(tensor)
    m0 = float(mechanism.largest_double_couple(tensor).moment_dc)

    def distance(p, q):
        return float(np.sum(np.abs(_wrap(np.subtract(p, q)))))

    if reference is not None and (
        distance(a, reference[0]) + distance(b, reference[1])
        > distance(b, reference[0]) + distance(a, reference[1])
    ):
        a, b = b, a
    return np.array([*a, *b, m0])


def propagate_plane_covariance(m5, covariance_m5, planes) -> np.ndarray:
    """Covariance of (strike, dip, rake, M0) of each plane by the Jacobian (central differences)."""
    m5 = np.asarray(m5, dtype=np.float64)
    h = 1e-6 * max(float(np.max(np.abs(m5))), 1e-300)
    base = _plane_vector(m5, planes)
    jac = np.zeros((7, 5))
    for j in range(5):
        step = np.zeros(5)
        step[j] = h
        diff = _plane_vector(m5 + step, planes) - _plane_vector(m5 - step, planes)
        diff[:6] = _wrap(diff[:6])
        jac[:, j] = diff / (2.0 * h)
    del base
    out = np.zeros((2, 4, 4))
    for k in range(2):
        rows = [3 * k, 3 * k + 1, 3 * k + 2, 6]
        jk = jac[rows]
        out[k] = jk @ covariance_m5 @ jk.T
    return out


def analyse(fit: MomentTensorFit, green: GreenFunctions) -> AmplitudeSolution:
    """Planes, moments (Ebel and Jost-Herrmann, each labelled), Mw and errors of a fit."""
    from seisfoc import mechanism

    tensor = fit.moment_tensor_ned
    planes = _planes_ordered(tensor)
    ldc = mechanism.largest_double_couple(tensor)
    jh = mechanism.jost_herrmann(tensor)
    moment = float(ldc.moment_dc)
    dc_tensor = mechanism.moment_tensor_ned(*planes[0], moment)
    dc_predicted = green.predict(dc_tensor)
    dc_res = fit.observed - dc_predicted
    return AmplitudeSolution(
        fit=fit,
        planes=planes,
        plane_covariances=propagate_plane_covariance(fit.m5, fit.covariance_m5, planes),
        moment=moment,
        moment_clvd=float(ldc.moment_clvd),
        jost_herrmann=jh,
        mw=float(mechanism.moment_magnitude(moment * 1e16)),
        dc_tensor=dc_tensor,
        dc_predicted=dc_predicted,
        dc_rms_microns=float(np.sqrt(np.mean(dc_res**2))),
        radial_toward_source=green.radial_toward_source,
    )


def m5_double_couple(strike, dip, rake, moment) -> np.ndarray:
    """m = (M11, M22, M12, M13, M23) of a double couple (moment in 1e16 dyne-cm)."""
    from seisfoc import mechanism

    return m5_from_tensor(mechanism.moment_tensor_ned(strike, dip, rake, moment))


def bootstrap(
    green: GreenFunctions,
    readings: AmplitudeReadings,
    solution: AmplitudeSolution,
    n_samples: int = 200,
    seed: int | None = 0,
    rcond: float = DEFAULT_RCOND,
) -> np.ndarray:
    """Standard deviations (2, 4) of (strike, dip, rake, M0) per plane from resampled readings.

    Readings are drawn with replacement; samples that resolve fewer than 5 elements are
    skipped. Planes are matched to the solution's planes before the scatter is taken.
    """
    rng = np.random.default_rng(seed)
    d = readings.amplitudes_for(green.radial_toward_source)
    w = fit_weights(readings)
    n = len(d)
    base = np.array([*solution.planes[0], *solution.planes[1], solution.moment])
    samples = []
    for _ in range(int(n_samples)):
        idx = rng.integers(0, n, n)
        inv = generalised_inverse(green.matrix[idx] * w[idx, None], d[idx] * w[idx], rcond)
        if inv.rank < 5:
            continue
        try:
            v = _plane_vector(inv.model, solution.planes)
        except SeisfocError:
            continue
        v[:6] = base[:6] + _wrap(v[:6] - base[:6])
        samples.append(v)
    if len(samples) < 2:
        raise InversionError("too few bootstrap samples resolve the moment tensor")
    s = np.std(np.array(samples), axis=0, ddof=1)
    return np.array([[s[0], s[1], s[2], s[6]], [s[3], s[4], s[5], s[6]]])


def fit_weights(readings: AmplitudeReadings) -> np.ndarray:
    """1 / sigma of every reading (ones without per-reading standard deviations)."""
    if readings.sigma_microns is None:
        return np.ones(len(readings))
    sigma = readings.sigma_microns
    for i in np.flatnonzero(~(np.isfinite(sigma) & (sigma > 0))):
        raise readings.error(int(i), f"standard deviation {sigma[i]:g} must be positive")
    return 1.0 / sigma


def check_not_all_zero(amplitudes, readings: AmplitudeReadings, what: str) -> None:
    """Every amplitude 0 means a zero moment: no mechanism (an error, not a LinAlgError)."""
    if not np.any(amplitudes):
        raise InversionError(
            f"every amplitude is 0: the {what} is zero and has no mechanism; "
            "check the amplitude column",
            readings.path,
        )


# ----------------------------------------------------------------------------------------
# SYNRAD: forward amplitudes of a double couple; INVDC: the best double couple by iteration


@dataclass
class SyntheticFit:
    """Predicted amplitudes of a mechanism and how each observed amplitude compares."""

    predicted: np.ndarray  # in the Green's functions' radial convention
    observed: np.ndarray
    residuals: np.ndarray
    ratio: np.ndarray  # observed / predicted (NaN where predicted is 0)
    implied_moment: np.ndarray  # moment * ratio, 1e16 dyne-cm
    rms_microns: float


def synthetic_fit(green: GreenFunctions, readings: AmplitudeReadings, tensor_ned, moment):
    """SYNRAD: amplitudes of ``tensor_ned`` at every reading and the per-reading moment."""
    predicted = green.predict(tensor_ned)
    observed = readings.amplitudes_for(green.radial_toward_source)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(predicted != 0.0, observed / predicted, np.nan)
    residuals = observed - predicted
    return SyntheticFit(
        predicted=predicted,
        observed=observed,
        residuals=residuals,
        ratio=ratio,
        implied_moment=float(moment) * ratio,
        rms_microns=float(np.sqrt(np.mean(residuals**2))),
    )


@dataclass
class DoubleCoupleStep:
    iteration: int
    strike: float
    dip: float
    rake: float
    moment: float
    rms_microns: float


@dataclass
class DoubleCoupleFit:
    """INVDC's result: the path, the final mechanism and its covariance.

    ``covariance`` is sigma^2 (J^T J)^+ restricted to the directions the readings
    resolve; ``rank`` is the rank of J at the solution (4 unless dip is 0, where only
    strike - rake is defined) and ``resolved`` says which of (strike, dip, rake, M0) have
    a meaningful standard deviation. ``unresolved_reason`` explains the others.
    """

    path: list[DoubleCoupleStep]
    strike: float
    dip: float
    rake: float
    moment: float
    covariance: np.ndarray  # 4x4 (strike, dip, rake in deg; moment in 1e16 dyne-cm)
    sigma_microns: float
    sigma_estimated: bool
    predicted: np.ndarray
    rms_microns: float
    converged: bool
    rank: int = 4
    resolved: np.ndarray = field(default_factory=lambda: np.ones(4, dtype=bool))
    unresolved_reason: str = ""
    null_space: np.ndarray = field(default_factory=lambda: np.zeros((4, 0)))

    @property
    def errors(self) -> np.ndarray:
        """Standard deviations of (strike, dip, rake, M0); NaN where unresolved.

        Writers print an unresolved error as such (``resolved_error``), never as NaN.
        """
        e = np.sqrt(np.maximum(np.diag(self.covariance), 0.0))
        e[~self.resolved] = np.nan
        return _mask_unresolved_angles(e)

    def auxiliary_plane_errors(self) -> tuple:
        """The auxiliary plane and its (strike, dip, rake) standard deviations (deg).

        An auxiliary angle that depends on an unresolved direction is NaN (unresolved).
        """
        from seisfoc import mechanism

        theta = np.array([self.strike, self.dip, self.rake])
        aux = np.array(mechanism.auxiliary_plane(*theta))
        jac = np.zeros((3, 3))
        h = 1e-5
        for k in range(3):
            step = np.zeros(3)
            step[k] = h
            plus = np.array(mechanism.auxiliary_plane(*(theta + step)))
            minus = np.array(mechanism.auxiliary_plane(*(theta - step)))
            jac[:, k] = _wrap(plus - minus) / (2 * h)
        cov = jac @ self.covariance[:3, :3] @ jac.T
        err = np.sqrt(np.maximum(np.diag(cov), 0.0))
        for v in self.null_space.T:  # unit vectors in (strike, dip, rake, M0) space
            moved = np.abs(jac @ v[:3])
            scale = np.linalg.norm(jac, axis=1) * np.linalg.norm(v[:3])
            err[moved > _NULL_TOLERANCE * np.maximum(scale, 1e-300)] = np.nan
        return mechanism.NodalPlane(*aux), _mask_unresolved_angles(err)


#: a parameter with a null-space component above this (unit null vectors) is unresolved
_NULL_TOLERANCE = 1e-3
_PARAMETER_NAMES = ("strike", "dip", "rake", "M0")


def _canonical_theta(strike, dip, rake, moment):
    from seisfoc import mechanism

    if moment < 0:
        moment, rake = -moment, rake + 180.0
    plane = mechanism.canonical_sdr(strike, dip, rake)
    return float(plane.strike), float(plane.dip), float(plane.rake), float(moment)


def _dc_tangent(theta) -> np.ndarray:
    """d m5 / d (strike, dip, rake [deg], moment) by central differences (5 x 4)."""
    s, d, r, m0 = theta
    tangent = np.empty((5, 4))
    h = 1e-4
    for k in range(3):
        step = np.zeros(3)
        step[k] = h
        plus = m5_double_couple(*(np.array([s, d, r]) + step), m0)
        minus = m5_double_couple(*(np.array([s, d, r]) - step), m0)
        tangent[:, k] = (plus - minus) / (2.0 * h)
    tangent[:, 3] = m5_double_couple(s, d, r, 1.0)
    return tangent


def _dc_jacobian(g, theta) -> np.ndarray:
    """d amplitudes / d (strike, dip, rake [deg], moment) by central differences."""
    return g @ _dc_tangent(theta)


def _theta_scale(theta) -> np.ndarray:
    """Per-column scale of J: angles per radian, the moment relative to its value."""
    deg = np.pi / 180.0
    return np.array([deg, deg, deg, 1.0 / max(theta[3], 1e-300)])


def _rank(matrix, rcond: float) -> tuple[int, np.ndarray, np.ndarray]:
    """Rank (singular values above ``rcond`` times the largest), singular values, V^T."""
    _, sv, vt = np.linalg.svd(matrix, full_matrices=True)
    if sv.size == 0 or sv[0] == 0.0:
        return 0, sv, vt
    return int(np.sum(sv > rcond * sv[0])), sv, vt


def check_mechanism(strike, dip, rake, moment=None, what: str = "mechanism") -> None:
    """Strike and rake finite (any value, wrapped later), dip in [0, 90], moment > 0."""
    for name, value in (("strike", strike), ("dip", dip), ("rake", rake)):
        if not math.isfinite(float(value)):
            raise InversionError(f"{what}: {name} {value} is not a finite number")
    if not 0.0 <= float(dip) <= 90.0:
        raise InversionError(f"{what}: dip {float(dip):g} deg is outside [0, 90]")
    if moment is not None and not (math.isfinite(float(moment)) and float(moment) > 0.0):
        raise InversionError(f"{what}: moment {moment} must be a positive finite number")


def _check_dc_data(gw, dw, readings, rcond) -> None:
    """The readings must resolve 4 directions of the moment-tensor space (errors name why)."""
    n = len(dw)
    if n < 4:
        raise InversionError(
            f"{n} readings: at least 4 are needed for strike, dip, rake and M0", readings.path
        )
    check_not_all_zero(dw, readings, "moment")
    rank, sv, _ = _rank(gw, rcond)
    if rank < 4:
        raise InversionError(
            f"the readings resolve only {rank} of the 5 moment-tensor elements (singular "
            f"values {_fmt_list(sv)}): strike, dip, rake and M0 need at least 4 independent "
            "readings; add readings at other azimuths, distances or phases",
            readings.path,
        )


def _dc_covariance(gw, theta, s2: float, rcond: float, readings):
    """sigma^2 (J^T J)^+ in (deg, 1e16 dyne-cm), its rank, null space and resolved mask.

    Where J loses rank only because the parameters do (dip 0: strike and rake are one
    angle), the mechanism is fine and the errors of the traded-off angles are reported
    unresolved. Where the readings lose a direction the parameters have, no error can
    be given: that is an error naming the rank.
    """
    scale = _theta_scale(theta)
    tangent = _dc_tangent(theta) / scale  # columns per radian / relative moment
    js = gw @ tangent
    rank_t, _, _ = _rank(tangent, rcond)
    rank_j, sv, vt = _rank(js, rcond)
    if rank_j < rank_t:
        raise InversionError(
            f"at the solution (strike {theta[0]:.2f}, dip {theta[1]:.2f}, rake "
            f"{theta[2]:.2f}) the readings determine only {rank_j} of the {rank_t} "
            f"combinations of strike, dip, rake and M0 (singular values {_fmt_list(sv)}): "
            "add readings at other azimuths, distances or phases",
            readings.path,
        )
    v = vt[:rank_j].T
    cov_scaled = s2 * (v / sv[:rank_j] ** 2) @ v.T
    cov = cov_scaled / np.outer(scale, scale)
    null = vt[rank_j:].T  # (4, 4 - rank), unit vectors; direction is scale-independent
    resolved = ~np.any(np.abs(null) > _NULL_TOLERANCE, axis=1)
    reason = ""
    if not resolved.all():
        names = " and ".join(n for n, ok in zip(_PARAMETER_NAMES, resolved, strict=True) if not ok)
        reason = (
            f"J has rank {rank_j} of 4 at dip {theta[1]:.2f}: {names} trade off and only "
            "their combination is determined"
        )
    # the null space in (deg, moment) units, renormalised, for the auxiliary plane
    null_deg = null / scale[:, None]
    norms = np.linalg.norm(null_deg, axis=0)
    null_deg = null_deg / np.where(norms > 0, norms, 1.0)
    return cov, rank_j, resolved, reason, null_deg


def fit_double_couple(
    green: GreenFunctions,
    readings: AmplitudeReadings,
    strike: float,
    dip: float,
    rake: float,
    step_factor: float = 0.5,
    moment: float | None = None,
    sigma_microns: float | None = None,
    damping: float = 1e-3,
    max_iterations: int = 200,
    tolerance_deg: float = 1e-6,
    rcond: float = DEFAULT_RCOND,
) -> DoubleCoupleFit:
    """INVDC: damped Gauss-Newton on (strike, dip, rake, M0) from a starting mechanism.

    dtheta = (J^T J + eps^2 I)^-1 J^T (d - g(theta)), theta <- theta + f dtheta, with the
    angles in radians and the moment relative to its current value inside the normal
    equations, eps = ``damping`` times the largest singular value of the scaled J, f the
    step factor in (0, 1]. The mechanism is made canonical (dip in [0, 90], M0 > 0,
    angles wrapped) after every step. Without ``moment`` the start uses the
    least-squares moment of the starting angles.

    Readings that cannot resolve four parameters (fewer than 4, all amplitudes 0, a
    Green's function matrix of rank < 4, or a Jacobian that loses rank at the solution)
    raise ``InversionError`` naming the rank; so do 4 readings without a data standard
    deviation (they fit exactly and leave no residual to estimate one).
    """
    if not (0.0 < step_factor <= 1.0):
        raise InversionError(f"step factor must be in (0, 1], got {step_factor:g}")
    if not (math.isfinite(damping) and damping >= 0.0):
        raise InversionError(f"damping must be a finite number >= 0, got {damping:g}")
    if int(max_iterations) < 0:
        raise InversionError(f"the number of iterations must be >= 0, got {max_iterations}")
    check_mechanism(strike, dip, rake, moment, "starting mechanism")
    g = green.matrix
    d = readings.amplitudes_for(green.radial_toward_source)
    w = fit_weights(readings)
    gw, dw = g * w[:, None], d * w
    n = len(d)
    _check_dc_data(gw, dw, readings, rcond)
    if readings.sigma_microns is None and not (sigma_microns is not None and sigma_microns > 0):
        if n <= 4:
            raise InversionError(
                "4 readings fit strike, dip, rake and M0 exactly: give a data standard "
                "deviation to get errors",
                readings.path,
            )
    if moment is None:
        unit = gw @ m5_double_couple(strike, dip, rake, 1.0)
        if not np.any(unit):
            raise InversionError("the starting mechanism predicts zero at every reading")
        moment = float(unit @ dw / (unit @ unit))
        if moment == 0.0:  # data orthogonal to the start: begin with the matching size
            moment = float(np.linalg.norm(dw) / np.linalg.norm(unit))
    theta = _canonical_theta(strike, dip, rake, moment)
    path = []
    converged = False
    for it in range(int(max_iterations) + 1):
        pred = gw @ m5_double_couple(*theta)
        r = dw - pred
        path.append(DoubleCoupleStep(it, *theta, float(np.sqrt(np.mean((r / w) ** 2)))))
        if converged or it == max_iterations:
            break
        scale = _theta_scale(theta)
        js = _dc_jacobian(gw, theta) / scale  # columns per radian and per relative moment
        eps = damping * np.linalg.norm(js, 2)
        # the damped normal equations as a least-squares problem: no singular solve even
        # where J loses rank on the way (the minimum-norm step is taken)
        a = np.vstack([js, eps * np.eye(4)])
        dx = np.linalg.lstsq(a, np.concatenate([r, np.zeros(4)]), rcond=None)[0] / scale
        step = step_factor * dx
        theta = _canonical_theta(*(np.array(theta) + step))
        converged = bool(
            np.max(np.abs(step[:3])) < tolerance_deg and abs(step[3]) < 1e-9 * theta[3]
        )
    pred = gw @ m5_double_couple(*theta)
    r = dw - pred
    if readings.sigma_microns is not None:
        sigma, estimated, s2 = 1.0, False, 1.0
    elif sigma_microns is not None and sigma_microns > 0:
        sigma, estimated = float(sigma_microns), False
        s2 = sigma**2
    else:
        sigma = float(np.sqrt(r @ r / (n - 4)))
        estimated, s2 = True, sigma**2
    cov, rank, resolved, reason, null = _dc_covariance(gw, theta, s2, rcond, readings)
    return DoubleCoupleFit(
        path=path,
        strike=theta[0],
        dip=theta[1],
        rake=theta[2],
        moment=theta[3],
        covariance=cov,
        sigma_microns=sigma,
        sigma_estimated=estimated,
        predicted=g @ m5_double_couple(*theta),
        rms_microns=float(np.sqrt(np.mean((r / w) ** 2))),
        converged=converged,
        rank=rank,
        resolved=resolved,
        unresolved_reason=reason,
        null_space=null,
    )
