"""What the three amplitude drop-ins (invrad, invdc, synrad) share: reading their inputs.

Each works in the current directory on ``invrad.inp`` and ``invrad.mod`` and asks on
standard input for what the file leaves at 0 (depth, data error) and what the program
needs besides (a starting mechanism, a step factor, a moment).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from seisfoc.invrad_files import InvradInput, ask_float, read_invrad_inp
from seisfoc.velocity import LayeredModel, read_invrad_model


@dataclass
class LegacyInputs:
    inp: InvradInput
    model: LayeredModel
    source_depth_km: float
    sigma_microns: float


def read_legacy_inputs(input_path: str, model_path: str, ask_sigma: bool = True) -> LegacyInputs:
    inp = read_invrad_inp(input_path)
    model = read_invrad_model(model_path)
    depth = inp.source_depth_km
    if depth is None:
        depth = ask_float(" Source depth (km) ?", "source depth", inp.path, 2, 6)
    sigma = inp.sigma_microns
    if sigma is None and ask_sigma:
        sigma = ask_float(
            " Data standard deviation (microns) ?", "data standard deviation", inp.path, 2, 11
        )
    return LegacyInputs(inp, model, depth, sigma)


def write_atomic(path: str, text: str) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="ascii", errors="replace") as fh:
        fh.write(text)
    os.replace(tmp, path)
