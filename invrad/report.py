"""INVRAD's reports of ``seisfoc invrad``: the readable report and its JSON form.

(Ebel's ``invrad.out`` layout of the drop-in is written by :mod:`seisfoc.invrad_files`.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seisfoc import mechanism
from seisfoc.amplitude import AmplitudeReadings, resolved_error

from .inversion import AmplitudeSolution


def solution_dict(
    readings: AmplitudeReadings,
    solution: AmplitudeSolution,
    bootstrap_errors: np.ndarray | None = None,
) -> dict[str, Any]:
    """Everything of an :class:`~seisfoc.invrad.inversion.AmplitudeSolution`, JSON-ready.

    Parameters
    ----------
    readings
        The readings inverted.
    solution
        The moment tensor read as a mechanism.
    bootstrap_errors
        (2, 4) bootstrap standard deviations, or None.

    Returns
    -------
    dict
        Tensor, covariance, planes with errors (``None`` where unresolved), moments and
        the fit of every reading.
    """
    fit = solution.fit
    jh = solution.jost_herrmann
    err = solution.plane_errors
    planes = []
    for k in range(2):
        p = solution.planes[k]
        entry: dict[str, float | list[float] | None] = {
            "strike": float(p.strike), "dip": float(p.dip), "rake": float(p.rake),
            "strike_error": resolved_error(err[k, 0]), "dip_error": resolved_error(err[k, 1]),
            "rake_error": resolved_error(err[k, 2]),
        }  # fmt: skip
        if bootstrap_errors is not None:
            entry["bootstrap_errors"] = list(map(float, bootstrap_errors[k, :3]))
        planes.append(entry)
    flags = fit.high_leverage()
    return {
        "moment_tensor_ned_1e16_dyne_cm": fit.moment_tensor_ned.tolist(),
        "moment_tensor_covariance_m5": fit.covariance_m5.tolist(),
        "largest_double_couple_ebel": {
            "planes": planes,
            "moment_1e16_dyne_cm": solution.moment,
            "moment_error_1e16_dyne_cm": resolved_error(solution.moment_error),
            "moment_bootstrap_error": None
            if bootstrap_errors is None
            else float(bootstrap_errors[0, 3]),
            "clvd_moment_1e16_dyne_cm": solution.moment_clvd,
        },
        "jost_herrmann": {
            "epsilon": float(jh.epsilon),
            "moment_dc_1e16_dyne_cm": float(jh.moment_dc),
            "moment_clvd_1e16_dyne_cm": float(jh.moment_clvd),
            "dc_percent": float(jh.dc_percent),
        },
        "mw": solution.mw,
        "rms_microns": fit.rms_microns,
        "dc_rms_microns": solution.dc_rms_microns,
        "sigma_microns": fit.sigma_microns,
        "sigma_estimated": fit.sigma_estimated,
        "singular_values": fit.singular_values.tolist(),
        "rank": fit.rank,
        "radial_positive": "toward source" if solution.radial_toward_source else "away",
        "readings": [
            {
                "label": readings.label(i),
                "observed": float(fit.observed[i]),
                "moment_tensor": float(fit.predicted[i]),
                "double_couple": float(solution.dc_predicted[i]),
                "leverage": float(fit.leverage[i]),
                "high_leverage": bool(flags[i]),
            }
            for i in range(len(readings))
        ],
    }


def format_report(
    readings: AmplitudeReadings,
    solution: AmplitudeSolution,
    mode: str,
    bootstrap_errors: np.ndarray | None = None,
) -> str:
    """The readable report of ``seisfoc invrad`` (an unresolved error says so)."""
    fit = solution.fit
    m = fit.moment_tensor_ned
    jh = solution.jost_herrmann
    err = solution.plane_errors
    use = mechanism.ned_to_use(m)
    out = [
        f"Amplitude moment tensor ({mode} mode), {len(readings)} readings, rank {fit.rank}, "
        f"singular values {' '.join(f'{s:.3g}' for s in fit.singular_values)}",
        "Moment tensor (1e16 dyne-cm), north-east-down:",
        f"  Mnn {m[0, 0]:10.3f}  Mee {m[1, 1]:10.3f}  Mdd {m[2, 2]:10.3f}",
        f"  Mne {m[0, 1]:10.3f}  Mnd {m[0, 2]:10.3f}  Med {m[1, 2]:10.3f}",
        f"  (up-south-east: Mrr {use[0, 0]:.3f} Mtt {use[1, 1]:.3f} Mpp {use[2, 2]:.3f} "
        f"Mrt {use[0, 1]:.3f} Mrp {use[0, 2]:.3f} Mtp {use[1, 2]:.3f})",
        "Largest double couple (Ebel), errors from the full covariance:",
    ]
    for k in range(2):
        p = solution.planes[k]
        line = (
            f"  plane {k + 1}: strike {p.strike:7.2f} +- {_pm(err[k, 0])}  dip {p.dip:6.2f} "
            f"+- {_pm(err[k, 1])}  rake {p.rake:8.2f} +- {_pm(err[k, 2])}"
        )
        if bootstrap_errors is not None:
            b = bootstrap_errors[k]
            line += f"  (bootstrap +- {b[0]:.2f} {b[1]:.2f} {b[2]:.2f})"
        out.append(line)
    m0_line = f"  M0 {solution.moment:.3f} +- {_pm(solution.moment_error, '.3f')} x 1e16 dyne-cm"
    if bootstrap_errors is not None:
        m0_line += f" (bootstrap +- {bootstrap_errors[0, 3]:.3f})"
    out += [
        m0_line + f"  (Mw {solution.mw:.2f}), CLVD moment {solution.moment_clvd:.3f}",
        f"Jost-Herrmann: epsilon {float(jh.epsilon):.4f}, M0(DC) {float(jh.moment_dc):.3f}, "
        f"DC {float(jh.dc_percent):.1f} %",
        f"RMS {fit.rms_microns:.4g} microns (MT), {solution.dc_rms_microns:.4g} (DC); sigma "
        f"{fit.sigma_microns:.4g} microns ({'from residuals' if fit.sigma_estimated else 'given'})",
        "Readings: observed, moment tensor, double couple, leverage "
        f"(R positive {'toward' if solution.radial_toward_source else 'away from'} the source)",
    ]
    flags = fit.high_leverage()
    for i in range(len(readings)):
        out.append(
            f"  {readings.label(i):<12s} {fit.observed[i]:12.5g} {fit.predicted[i]:12.5g} "
            f"{solution.dc_predicted[i]:12.5g} {fit.leverage[i]:6.3f}"
            + ("  HIGH LEVERAGE" if flags[i] else "")
        )
    return "\n".join(out) + "\n"


def _pm(value: float, spec: str = "5.2f") -> str:
    """A standard deviation, or ``unresolved`` (NaN: see AmplitudeSolution.plane_errors)."""
    v = resolved_error(value)
    return "unresolved" if v is None else format(v, spec)


def as_float(x: Any) -> float:
    """A number of a numpy scalar or 0-d array."""
    return float(np.asarray(x))
