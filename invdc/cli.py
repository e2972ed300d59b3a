"""``seisfoc invdc``: best double couple by damped Gauss-Newton (modern mode by default).

Readings from an ``invrad.inp`` or an S-file (see ``seisfoc invrad``); ``--write`` puts
the result into the S-file as an OF-line with program ``INVDC``.
"""

from __future__ import annotations

import json

PROGRAM = "INVDC"


def configure(parser) -> None:
    from seisfoc.amplitude_programs import (
        StrikeDipRake,
        add_common_options,
        add_write_options,
        finite_float,
        non_negative_float,
        step_factor,
    )

    add_common_options(parser)
    add_write_options(parser)
    parser.add_argument("--start", nargs=3, type=finite_float, required=True,
                        action=StrikeDipRake, metavar=("STRIKE", "DIP", "RAKE"),
                        help="starting mechanism (deg; dip in [0, 90])")  # fmt: skip
    parser.add_argument("--step", type=step_factor, default=0.5, help="step factor in (0, 1]")
    parser.add_argument("--damping", type=non_negative_float, default=1e-3)


def run(args) -> int:
    from seisfoc.invdc.dropin import format_invdc

    from seisfoc import amplitude, mechanism
    from seisfoc.amplitude_programs import load, plot, print_notes, tarea_of, write_fault_plane

    if args.prime:
        args.write = True
    loaded = load(args)
    print_notes(loaded, "invdc")
    inp, model, depth, sigma = loaded.inp, loaded.model, loaded.depth, loaded.sigma
    green = amplitude.green_functions(inp.readings, model, depth, args.mode,
                                      tarea_s=tarea_of(args), ray_mode=args.ray_mode)  # fmt: skip
    fit = amplitude.fit_double_couple(green, inp.readings, *args.start, step_factor=args.step,
                                      sigma_microns=sigma, damping=args.damping)  # fmt: skip
    written = None
    if args.write:
        if not fit.converged:
            from seisfoc.errors import InversionError

            raise InversionError("the iteration did not converge: S-file not updated",
                                 inp.path)  # fmt: skip
        written = write_fault_plane(args, loaded, PROGRAM, fit.strike, fit.dip, fit.rake,
                                    fit.errors[:3])  # fmt: skip
    if args.plot:
        tensor = mechanism.moment_tensor_ned(fit.strike, fit.dip, fit.rake, fit.moment)
        plot(args, loaded, tensor, green)
    if args.json:
        aux, aux_err = fit.auxiliary_plane_errors()
        unresolved_as_null = amplitude.resolved_error
        d = {
            "strike": fit.strike, "dip": fit.dip, "rake": fit.rake, "moment": fit.moment,
            "mw": float(mechanism.moment_magnitude(fit.moment * 1e16)),
            "errors": [unresolved_as_null(x) for x in fit.errors],
            "auxiliary_plane": list(aux),
            "auxiliary_errors": [unresolved_as_null(x) for x in aux_err],
            "rank": fit.rank, "unresolved_reason": fit.unresolved_reason or None,
            "converged": fit.converged,
            "rms_microns": fit.rms_microns, "sigma_microns": fit.sigma_microns,
            "sigma_estimated": fit.sigma_estimated, "source_depth_km": depth,
            "path": [[s.iteration, s.strike, s.dip, s.rake, s.moment, s.rms_microns]
                     for s in fit.path],
        }  # fmt: skip
        if written is not None:
            d["f_line"] = written
        print(json.dumps(d, indent=1))
    else:
        print(format_invdc(inp, depth, fit), end="")
        if written is not None:
            print(f"Written to {loaded.sfile.path}:\n{written}")
    return 0 if fit.converged else 2
