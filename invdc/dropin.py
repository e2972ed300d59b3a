"""The drop-in ``invdc``: the best double couple of P, SV, SH amplitudes by iteration.

Reads invrad.inp and invrad.mod in the current directory, asks on standard input for a
starting strike, dip, rake and a step factor in (0, 1] unless given as options, runs a
damped Gauss-Newton iteration with canonical angles after every step, and prints the path
and the final mechanism, moment and errors (also written to invdc.out).
"""

from __future__ import annotations

import argparse
import sys

from seisfoc.amplitude_programs import (
    dip_deg,
    finite_float,
    non_negative_float,
    non_negative_int,
    step_factor,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="invdc", description="Best double couple from amplitudes by damped iteration."
    )
    parser.add_argument("--input", default="invrad.inp")
    parser.add_argument("--model", default="invrad.mod")
    parser.add_argument("--output", default="invdc.out")
    parser.add_argument("--strike", type=finite_float)
    parser.add_argument("--dip", type=dip_deg, help="deg, in [0, 90]")
    parser.add_argument("--rake", type=finite_float)
    parser.add_argument("--step", type=step_factor, help="step factor in (0, 1]")
    parser.add_argument("--damping", type=non_negative_float, default=1e-3)
    parser.add_argument("--max-iterations", type=non_negative_int, default=200)
    parser.add_argument("--mode", choices=("seisan", "modern"), default="seisan")
    return parser


def format_invdc(inp, depth, result) -> str:
    """INVDC's report; an error it cannot give is printed ``unres`` with the reason."""
    import numpy as np

    from seisfoc.invrad_files import error_field, fortran_e, fortran_f, plane_line

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
        plane_line(*aux, aux_errors),
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


def run(args) -> int:
    from seisfoc import amplitude
    from seisfoc.amplitude_programs import read_legacy_inputs, write_atomic
    from seisfoc.invrad_files import ask_values

    legacy = read_legacy_inputs(args.input, args.model)
    values = [args.strike, args.dip, args.rake]
    if any(v is None for v in values):
        asked = ask_values(" Starting strike, dip, rake (deg) ?", "starting mechanism", 3)
        values = [v if v is not None else a for v, a in zip(values, asked, strict=True)]
    amplitude.check_mechanism(*values, what="starting mechanism on standard input")
    step = args.step
    if step is None:
        step = ask_values(" Step factor (0-1] ?", "step factor", 1)[0]
    green = amplitude.green_functions(
        legacy.inp.readings, legacy.model, legacy.source_depth_km, mode=args.mode
    )
    result = amplitude.fit_double_couple(
        green, legacy.inp.readings, *values, step_factor=step,
        sigma_microns=legacy.sigma_microns, damping=args.damping,
        max_iterations=args.max_iterations,
    )  # fmt: skip
    text = format_invdc(legacy.inp, legacy.source_depth_km, result)
    write_atomic(args.output, text)
    sys.stdout.write(text)
    return 0 if result.converged else 2


def main(argv: list[str] | None = None) -> int:
    from seisfoc.cli import run_reporting_errors

    return run_reporting_errors("invdc", run, build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
