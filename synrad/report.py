"""SYNRAD's reports: the drop-in's ``synrad.out`` table (also printed by ``seisfoc synrad``)
and the JSON rows of ``seisfoc synrad --json``."""

from __future__ import annotations

import math
from typing import Any

from seisfoc.io.invrad import InvradInput

from .forward import SyntheticFit


def format_synrad(
    inp: InvradInput,
    depth: float,
    strike: float,
    dip: float,
    rake: float,
    moment: float,
    fit: SyntheticFit,
    radial_toward_source: bool,
) -> str:
    """SYNRAD's table of observed and predicted amplitudes, residuals, ratios and moments.

    Parameters
    ----------
    inp
        The readings (their title heads the table).
    depth
        Source depth (km).
    strike, dip, rake, moment
        The mechanism (deg) and moment (1e16 dyne-cm).
    fit
        The forward fit.
    radial_toward_source
        The radial convention of ``fit``; the table shows the file's.

    Returns
    -------
    str
        The table, lines ending in a newline.
    """
    from seisfoc.io.fortran_fields import fortran_e, fortran_f

    readings = inp.readings
    flip = (readings.component == "R") & (not radial_toward_source)
    sign = [-1.0 if f else 1.0 for f in flip]
    lines = [
        f" Source depth:{fortran_f(depth, 6, 2)} km",
        f" Synthetic amplitudes for: {inp.title[:40]}",
        f" STRIKE={fortran_f(strike % 360.0, 7, 2)}  DIP={fortran_f(dip, 6, 2)}"
        f"  RAKE={fortran_f(rake % 360.0, 7, 2)}  MOMENT={_moment_field(moment)} x E16 DYNE-CM",
        " ",
        " STA  C PS  DIST    AZ      AMP OBS     AMP CALC     RESIDUAL    OBS/CALC  MOMENT(E16)",
    ]
    for i in range(len(readings)):
        lines.append(
            " "
            + readings.station[i][:4].ljust(4)
            + " "
            + readings.component[i]
            + " "
            + readings.phase[i].ljust(2)
            + fortran_f(readings.distance_km[i], 6, 2)
            + fortran_f(readings.azimuth_deg[i], 8, 2)
            + fortran_e(sign[i] * fit.observed[i], 13, 5)
            + fortran_e(sign[i] * fit.predicted[i], 13, 5)
            + fortran_e(sign[i] * fit.residuals[i], 13, 5)
            + _ratio_fields(fit.ratio[i], fit.implied_moment[i])
        )
    lines.append("  RMS error=" + fortran_e(fit.rms_microns, 12, 5) + " microns")
    return "\n".join(lines) + "\n"


def _moment_field(moment: float) -> str:
    """``F10.2``, or ``E10.3`` for a moment too large or too small for it (never
    asterisks, never 0.00 for a moment that is not 0)."""
    from seisfoc.io.fortran_fields import fortran_e, fortran_f

    text = fortran_f(moment, 10, 2)
    too_small = moment != 0.0 and abs(moment) < 0.005  # would print as 0.00
    return fortran_e(moment, 10, 3) if "*" in text or too_small else text


def _ratio_fields(ratio: float, implied: float) -> str:
    """Ratio ``F12.3`` and implied moment ``F13.2``; a reading without a ratio (predicted
    on a nodal surface) says ``nodal`` instead of printing NaN or asterisks."""
    from seisfoc.io.fortran_fields import fortran_f

    text = fortran_f(ratio, 12, 3) + fortran_f(implied, 13, 2)
    if not (math.isfinite(ratio) and math.isfinite(implied)) or "*" in text:
        return "nodal".rjust(12) + "-".rjust(13)
    return text


def _finite(x: float) -> float | None:
    """JSON has no NaN: a reading predicted as 0 has no ratio (``None``)."""
    x = float(x)
    return x if math.isfinite(x) else None


def rows_dict(inp: InvradInput, fit: SyntheticFit) -> list[dict[str, Any]]:
    """``seisfoc synrad --json``: one dict per reading (``None`` where there is no ratio).

    Parameters
    ----------
    inp
        The readings.
    fit
        The forward fit.

    Returns
    -------
    list of dict
        Label, observed, predicted, residual, ratio and implied moment of every reading.
    """
    readings = inp.readings
    return [
        {"label": readings.label(i), "observed": float(fit.observed[i]),
         "predicted": float(fit.predicted[i]), "residual": float(fit.residuals[i]),
         "ratio": _finite(fit.ratio[i]), "implied_moment": _finite(fit.implied_moment[i])}
        for i in range(len(readings))
    ]  # fmt: skip
