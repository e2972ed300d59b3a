"""INVRAD: the moment tensor of a local event from P, SV and SH amplitudes (Ebel).

The program composes the core and its own algorithm: ``seisfoc.invrad_files`` reads
``invrad.inp`` and writes ``invrad.out``, ``seisfoc.velocity`` reads the model,
:mod:`seisfoc.amplitude` builds the Green's functions and
:mod:`seisfoc.invrad.inversion` inverts them.
"""

from __future__ import annotations

from dataclasses import dataclass

from seisfoc import amplitude
from seisfoc.io.invrad import InvradInput
from seisfoc.velocity import LayeredModel

from .inversion import AmplitudeSolution, analyse, invert_moment_tensor


@dataclass
class InvradRun:
    """One INVRAD run: its inputs, Green's functions and solution."""

    inp: InvradInput
    model: LayeredModel
    source_depth_km: float
    sigma_microns: float | None
    mode: str
    green: amplitude.GreenFunctions
    solution: AmplitudeSolution


def invert(
    inp: InvradInput,
    model: LayeredModel,
    source_depth_km: float,
    sigma_microns: float | None,
    mode: str = "seisan",
    ray_mode: str | None = None,
    tarea_s: float = amplitude.DEFAULT_TAREA_S,
    density: float = amplitude.DEFAULT_DENSITY,
    rcond: float = amplitude.DEFAULT_RCOND,
) -> InvradRun:
    """Green's functions, least-squares moment tensor and its reading as a mechanism.

    Parameters
    ----------
    inp
        The readings (``invrad.inp`` or mapped from an S-file).
    model
        Layered velocity model.
    source_depth_km
        Source depth (km), inside the model.
    sigma_microns
        Data standard deviation (None: from the readings or the residuals).
    mode, ray_mode
        ``"seisan"`` (Ebel's numbers) or ``"modern"``; ``ray_mode`` (default ``mode``)
        how the rays are traced.
    tarea_s, density, rcond
        Source pulse area (s), density (g/cm^3), relative singular-value cut-off.

    Returns
    -------
    InvradRun
        Inputs, Green's functions and the solution.
    """
    green = amplitude.green_functions(
        inp.readings, model, source_depth_km, mode, tarea_s, density, ray_mode
    )
    fit = invert_moment_tensor(green, inp.readings, sigma_microns, rcond)
    solution = analyse(fit, green)
    return InvradRun(inp, model, source_depth_km, sigma_microns, mode, green, solution)
