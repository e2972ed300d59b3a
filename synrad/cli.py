"""``seisfoc synrad``: predicted amplitudes of a mechanism and the fit to the readings.

Readings from an ``invrad.inp`` or an S-file (see ``seisfoc invrad``).
"""

from __future__ import annotations

import json
import math


def configure(parser) -> None:
    from seisfoc.amplitude_programs import (
        StrikeDipRake,
        add_common_options,
        finite_float,
        positive_float,
    )

    add_common_options(parser)
    parser.add_argument("--sdr", nargs=3, type=finite_float, required=True,
                        action=StrikeDipRake, metavar=("STRIKE", "DIP", "RAKE"),
                        help="mechanism (deg; dip in [0, 90])")  # fmt: skip
    parser.add_argument("--moment", type=positive_float, required=True, help="1e16 dyne-cm")


def run(args) -> int:
    from seisfoc.synrad.dropin import format_synrad

    from seisfoc import amplitude, mechanism
    from seisfoc.amplitude_programs import load, print_notes, tarea_of

    loaded = load(args)
    print_notes(loaded, "synrad")
    inp, model, depth = loaded.inp, loaded.model, loaded.depth
    green = amplitude.green_functions(inp.readings, model, depth, args.mode,
                                      tarea_s=tarea_of(args), ray_mode=args.ray_mode)  # fmt: skip
    tensor = mechanism.moment_tensor_ned(*args.sdr, args.moment)
    fit = amplitude.synthetic_fit(green, inp.readings, tensor, args.moment)
    if args.json:

        def finite(x):  # JSON has no NaN: a reading predicted as 0 has no ratio
            x = float(x)
            return x if math.isfinite(x) else None

        print(json.dumps([
            {"label": inp.readings.label(i), "observed": float(fit.observed[i]),
             "predicted": float(fit.predicted[i]), "residual": float(fit.residuals[i]),
             "ratio": finite(fit.ratio[i]), "implied_moment": finite(fit.implied_moment[i])}
            for i in range(len(inp.readings))], indent=1))  # fmt: skip
    else:
        print(format_synrad(inp, depth, *args.sdr, args.moment, fit,
                            green.radial_toward_source), end="")  # fmt: skip
    return 0
