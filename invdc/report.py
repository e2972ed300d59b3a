"""INVDC's reports: the drop-in's ``invdc.out`` layout (also printed by ``seisfoc invdc``)
and the JSON form of ``seisfoc invdc --json``."""

from __future__ import annotations

from typing import Any

import numpy as np

from seisfoc import mechanism
from seisfoc.amplitude import resolved_error
from seisfoc.io.invrad import InvradInput

from .gauss_newton import DoubleCoupleFit


def format_invdc(inp: InvradInput, depth: float, result: DoubleCoupleFit) -> str:
    """INVDC's report; an error it cannot give is printed ``unres`` with the reason.

    Parameters
    ----------
    inp
        The readings (their title heads the report).
    depth
        Source depth (km).
    result
        The fit: its path, mechanism, moment and errors.

    Returns
    -------
    str
        The report, lines ending in a newline.
    """
    from seisfoc.io.fortran_fields import fortran_e, fortran_f
    from seisfoc.io.invrad import error_field, plane_line

    lines = [
        f" Source depth:{fortran_f(depth, 6, 2)} km",
        f" Double-couple inversion for: {inp.title[:40]}",
        " ",
        " ITER  STRIKE     DIP    RAKE      MOMENT  RMS (microns)",
    ]
    for step in result.path:
        lines.append(
            f"{step.iteration:5d}{fortran_f(step.strike, 8, 2)}{fortran_f(step.dip, 8, 2)}"
            f"{fortran_f(step.rake % 360.0, 8, 2)}{fortran_f(step.moment, 12, 2)}"
            f"{fortran_e(step.rms_microns, 13, 5)}"
        )
    e = result.errors
    aux, aux_errors = result.auxiliary_plane_errors()
    lines += [
        " ",
        " " + ("converged" if result.converged else "NOT CONVERGED: result of the last step"),
        plane_line(result.strike, result.dip, result.rake, e[:3]),
        plane_line(aux.strike, aux.dip, aux.rake, aux_errors),
        " EVENT MOMENT=" + fortran_f(result.moment, 10, 2) + " +-" + error_field(e[3], 10, 2)
        + " x E16 DYNE-CM",
        "  RMS error=" + fortran_e(result.rms_microns, 12, 5) + " microns",
    ]  # fmt: skip
    if not (np.all(np.isfinite(e)) and np.all(np.isfinite(aux_errors))):
        why = result.unresolved_reason or (
            "the standard deviation exceeds the angle's range or the field: the readings "
            "barely constrain it"
        )
        lines.append(f" unres = error unresolved: {why}")
    return "\n".join(lines) + "\n"


def result_dict(fit: DoubleCoupleFit, source_depth_km: float) -> dict[str, Any]:
    """``seisfoc invdc --json``: the mechanism, errors (``None`` where unresolved), path.

    Parameters
    ----------
    fit
        The fit.
    source_depth_km
        Source depth (km).

    Returns
    -------
    dict
        JSON-ready.
    """
    aux, aux_err = fit.auxiliary_plane_errors()
    return {
        "strike": fit.strike, "dip": fit.dip, "rake": fit.rake, "moment": fit.moment,
        "mw": float(mechanism.moment_magnitude(fit.moment * 1e16)),
        "errors": [resolved_error(x) for x in fit.errors],
        "auxiliary_plane": list(aux),
        "auxiliary_errors": [resolved_error(x) for x in aux_err],
        "rank": fit.rank, "unresolved_reason": fit.unresolved_reason or None,
        "converged": fit.converged,
        "rms_microns": fit.rms_microns, "sigma_microns": fit.sigma_microns,
        "sigma_estimated": fit.sigma_estimated, "source_depth_km": source_depth_km,
        "path": [[s.iteration, s.strike, s.dip, s.rake, s.moment, s.rms_microns]
                 for s in fit.path],
    }  # fmt: skip
