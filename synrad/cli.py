"""``seisfoc synrad``: predicted amplitudes of a mechanism and the fit to the readings."""

from __future__ import annotations

import json


def configure(parser) -> None:
    from invrad.cli import add_common_options

    add_common_options(parser)
    parser.add_argument("--sdr", nargs=3, type=float, required=True,
                        metavar=("STRIKE", "DIP", "RAKE"))  # fmt: skip
    parser.add_argument("--moment", type=float, required=True, help="1e16 dyne-cm")


def run(args) -> int:
    from invrad.cli import load
    from seisfoc import amplitude, mechanism
    from synrad.dropin import format_synrad

    inp, model, depth, _ = load(args)
    green = amplitude.green_functions(inp.readings, model, depth, args.mode,
                                      ray_mode=args.ray_mode)  # fmt: skip
    tensor = mechanism.moment_tensor_ned(*args.sdr, args.moment)
    fit = amplitude.synthetic_fit(green, inp.readings, tensor, args.moment)
    if args.json:
        print(json.dumps([
            {"label": inp.readings.label(i), "observed": fit.observed[i],
             "predicted": fit.predicted[i], "residual": fit.residuals[i],
             "ratio": fit.ratio[i], "implied_moment": fit.implied_moment[i]}
            for i in range(len(inp.readings))], indent=1))  # fmt: skip
    else:
        print(format_synrad(inp, depth, *args.sdr, args.moment, fit,
                            green.radial_toward_source), end="")  # fmt: skip
    return 0
