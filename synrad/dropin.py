"""The drop-in ``synrad``: predicted P, SV, SH amplitudes of a mechanism and their fit.

Reads invrad.inp and invrad.mod in the current directory, asks on standard input for the
strike, dip, rake and moment (1e16 dyne-cm) unless given as options, and writes a table
of observed and predicted amplitudes, residuals, ratios and the moment each reading
implies (to find doubtful readings, as Ebel intended) to standard output and synrad.out.
"""

from __future__ import annotations

import argparse
import sys

from seisfoc.cli.options import dip_deg, finite_float, positive_float


def build_parser() -> argparse.ArgumentParser:
    """The options of the drop-in ``synrad``."""
    parser = argparse.ArgumentParser(
        prog="synrad", description="Forward amplitudes of a mechanism and their fit (SYNRAD)."
    )
    parser.add_argument("--input", default="invrad.inp")
    parser.add_argument("--model", default="invrad.mod")
    parser.add_argument("--output", default="synrad.out")
    parser.add_argument("--strike", type=finite_float)
    parser.add_argument("--dip", type=dip_deg, help="deg, in [0, 90]")
    parser.add_argument("--rake", type=finite_float)
    parser.add_argument("--moment", type=positive_float, help="scalar moment in 1e16 dyne-cm")
    parser.add_argument("--mode", choices=("seisan", "modern"), default="seisan")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the drop-in ``synrad``; returns the exit status."""
    from seisfoc import amplitude, mechanism
    from seisfoc.amplitude.inputs import write_atomic
    from seisfoc.cli.amplitude import read_legacy_inputs
    from seisfoc.cli.prompts import ask_values
    from seisfoc.fileio import refuse_outputs_over_inputs

    from .forward import synthetic_fit
    from .report import format_synrad

    refuse_outputs_over_inputs([("--output", args.output)], [args.input, args.model])
    legacy = read_legacy_inputs(args.input, args.model, ask_sigma=False)
    values = [args.strike, args.dip, args.rake, args.moment]
    if any(v is None for v in values):
        asked = ask_values(
            " Strike, dip, rake (deg) and moment (E16 dyne-cm) ?", "mechanism and moment", 4
        )
        values = [v if v is not None else a for v, a in zip(values, asked, strict=True)]
    strike, dip, rake, moment = values
    amplitude.check_mechanism(strike, dip, rake, moment, "mechanism on standard input")
    green = amplitude.green_functions(
        legacy.inp.readings, legacy.model, legacy.source_depth_km, mode=args.mode
    )
    tensor = mechanism.moment_tensor_ned(strike, dip, rake, moment)
    fit = synthetic_fit(green, legacy.inp.readings, tensor, moment)
    text = format_synrad(
        legacy.inp, legacy.source_depth_km, strike, dip, rake, moment, fit,
        green.radial_toward_source,
    )  # fmt: skip
    write_atomic(args.output, text)
    sys.stdout.write(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    """The ``synrad`` executable; returns the exit status."""
    from seisfoc.cli import run_reporting_errors

    return run_reporting_errors("synrad", run, build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
