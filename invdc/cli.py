"""``seisfoc invdc``: best double couple by damped Gauss-Newton (modern mode by default)."""

from __future__ import annotations

import json


def configure(parser) -> None:
    from invrad.cli import add_common_options

    add_common_options(parser)
    parser.add_argument("--start", nargs=3, type=float, required=True,
                        metavar=("STRIKE", "DIP", "RAKE"))  # fmt: skip
    parser.add_argument("--step", type=float, default=0.5, help="step factor in (0, 1]")
    parser.add_argument("--damping", type=float, default=1e-3)


def run(args) -> int:
    from invdc.dropin import format_invdc
    from invrad.cli import load
    from seisfoc import amplitude

    inp, model, depth, sigma = load(args)
    green = amplitude.green_functions(inp.readings, model, depth, args.mode,
                                      ray_mode=args.ray_mode)  # fmt: skip
    fit = amplitude.fit_double_couple(green, inp.readings, *args.start, step_factor=args.step,
                                      sigma_microns=sigma, damping=args.damping)  # fmt: skip
    if args.json:
        aux, aux_err = fit.auxiliary_plane_errors()
        print(json.dumps({
            "strike": fit.strike, "dip": fit.dip, "rake": fit.rake, "moment": fit.moment,
            "errors": fit.errors.tolist(), "auxiliary_plane": list(aux),
            "auxiliary_errors": aux_err.tolist(), "converged": fit.converged,
            "rms_microns": fit.rms_microns,
            "path": [[s.iteration, s.strike, s.dip, s.rake, s.moment, s.rms_microns]
                     for s in fit.path],
        }, indent=1))  # fmt: skip
    else:
        print(format_invdc(inp, depth, fit), end="")
    return 0 if fit.converged else 2
