"""P, SV and SH amplitudes at the free surface: the core of the amplitude programs.

What Ebel's amplitude programs (INVRAD, INVDC, SYNRAD; Ebel & Bonjer 1990) share, corrected
as described in ALGORITHMS.md sections 3 and 4: the readings (:mod:`.readings`), the
free-surface factors and Green's functions (:mod:`.green`), the generalised inverse and
how errors are shown (:mod:`.inverse`), the amplitudes of an S-file (:mod:`.sfile`), the inputs and
outputs of the three sub-commands (:mod:`.inputs`, :mod:`.outputs`). The numerics run in
the Fortran kernel ``seisfoc._kernels`` (fortran/amplitude.f90). Each program's own
algorithm lives in its folder: ``seisfoc.invrad.inversion`` (moment tensor),
``seisfoc.invdc.gauss_newton`` (best double couple), ``seisfoc.synrad.forward``.

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

from seisfoc.amplitude.green import (
    DEFAULT_DENSITY,
    DEFAULT_TAREA_S,
    GreenFunctions,
    RayTerms,
    check_source_depth,
    free_surface_factors,
    green_functions,
    green_functions_from_rays,
    m5_double_couple,
    m5_from_tensor,
    ray_terms,
    tensor_from_m5,
)
from seisfoc.amplitude.inverse import (
    ANGLE_ERROR_LIMITS_DEG,
    DEFAULT_RCOND,
    GeneralisedInverse,
    format_values,
    generalised_inverse,
    mask_unresolved_angles,
    resolved_error,
    wrap_deg,
)
from seisfoc.amplitude.readings import (
    COMPONENT_CODES,
    MODES,
    PHASE_CODES,
    VALID_PAIRS,
    AmplitudeReadings,
    check_mechanism,
    check_mode,
    check_not_all_zero,
    fit_weights,
)

__all__ = [
    "ANGLE_ERROR_LIMITS_DEG",
    "COMPONENT_CODES",
    "DEFAULT_DENSITY",
    "DEFAULT_RCOND",
    "DEFAULT_TAREA_S",
    "MODES",
    "PHASE_CODES",
    "VALID_PAIRS",
    "AmplitudeReadings",
    "GeneralisedInverse",
    "GreenFunctions",
    "RayTerms",
    "check_mechanism",
    "check_mode",
    "check_not_all_zero",
    "check_source_depth",
    "fit_weights",
    "format_values",
    "free_surface_factors",
    "generalised_inverse",
    "green_functions",
    "green_functions_from_rays",
    "m5_double_couple",
    "m5_from_tensor",
    "mask_unresolved_angles",
    "ray_terms",
    "resolved_error",
    "tensor_from_m5",
    "wrap_deg",
]
