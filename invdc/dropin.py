"""The drop-in ``invdc``: the best double couple of P, SV, SH amplitudes by iteration.

Reads invrad.inp and invrad.mod in the current directory, asks on standard input for a
starting strike, dip, rake and a step factor in (0, 1] unless given as options, runs a
damped Gauss-Newton iteration with canonical angles after every step, and prints the path
and the final mechanism, moment and errors (also written to invdc.out). Exit status 1
when the iteration does not converge (2 is a usage error).
"""

from __future__ import annotations

import argparse
import sys

from seisfoc.cli.options import (
    dip_deg,
    finite_float,
    non_negative_float,
    non_negative_int,
    step_factor,
)


def build_parser() -> argparse.ArgumentParser:
    """The options of the drop-in ``invdc``."""
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


def run(args: argparse.Namespace) -> int:
    """Run the drop-in ``invdc``; returns the exit status (1 when not converged)."""
    from seisfoc import amplitude
    from seisfoc.amplitude.inputs import write_atomic
    from seisfoc.cli.amplitude import read_legacy_inputs
    from seisfoc.cli.prompts import ask_values
    from seisfoc.fileio import refuse_outputs_over_inputs

    from .gauss_newton import fit_double_couple
    from .report import format_invdc

    refuse_outputs_over_inputs([("--output", args.output)], [args.input, args.model])
    legacy = read_legacy_inputs(args.input, args.model)
    values = [args.strike, args.dip, args.rake]
    if any(v is None for v in values):
        asked = ask_values(" Starting strike, dip, rake (deg) ?", "starting mechanism", 3)
        values = [v if v is not None else a for v, a in zip(values, asked, strict=True)]
    strike, dip, rake = values
    amplitude.check_mechanism(strike, dip, rake, what="starting mechanism on standard input")
    step = args.step
    if step is None:
        step = ask_values(" Step factor (0-1] ?", "step factor", 1)[0]
    green = amplitude.green_functions(
        legacy.inp.readings, legacy.model, legacy.source_depth_km, mode=args.mode
    )
    result = fit_double_couple(
        green, legacy.inp.readings, strike, dip, rake, step_factor=step,
        sigma_microns=legacy.sigma_microns, damping=args.damping,
        max_iterations=args.max_iterations,
    )  # fmt: skip
    text = format_invdc(legacy.inp, legacy.source_depth_km, result)
    write_atomic(args.output, text)
    sys.stdout.write(text)
    return 0 if result.converged else 1


def main(argv: list[str] | None = None) -> int:
    """The ``invdc`` executable; returns the exit status."""
    from seisfoc.cli import run_reporting_errors

    return run_reporting_errors("invdc", run, build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
