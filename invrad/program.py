"""INVRAD: the moment tensor of a local event from P, SV and SH amplitudes (Ebel).

The program composes the shared parts: ``seisfoc.invrad_files`` reads ``invrad.inp`` and
writes ``invrad.out``, ``seisfoc.velocity`` reads the model, ``seisfoc.amplitude`` builds
the Green's functions and inverts them.
"""

from __future__ import annotations

from dataclasses import dataclass

from seisfoc import amplitude
from seisfoc.invrad_files import InvradInput
from seisfoc.velocity import LayeredModel


@dataclass
class InvradRun:
    inp: InvradInput
    model: LayeredModel
    source_depth_km: float
    sigma_microns: float | None
    mode: str
    green: amplitude.GreenFunctions
    solution: amplitude.AmplitudeSolution


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
    """Green's functions, least-squares moment tensor and its reading as a mechanism."""
    green = amplitude.green_functions(
        inp.readings, model, source_depth_km, mode, tarea_s, density, ray_mode
    )
    fit = amplitude.invert_moment_tensor(green, inp.readings, sigma_microns, rcond)
    solution = amplitude.analyse(fit, green)
    return InvradRun(inp, model, source_depth_km, sigma_microns, mode, green, solution)
