"""The drop-in ``invrad``: reads invrad.inp and invrad.mod, writes invrad.out.

As Ebel's original it works in the current directory and asks on standard input for a
source depth or data error given as 0. Default behaviour ``seisan`` reproduces the
original's numbers without its defects: no 20-reading limit, post-critical SV readings
and impossible rays are errors naming the reading (never NaN), errors come from the
full covariance.
"""

from __future__ import annotations

import argparse
import sys

from seisfoc.errors import SeisfocError


def build_parser() -> argparse.ArgumentParser:
    """The options of the drop-in ``invrad``."""
    parser = argparse.ArgumentParser(
        prog="invrad",
        description="Moment tensor from P, SV, SH amplitudes (Ebel's INVRAD, drop-in).",
    )
    parser.add_argument("--input", default="invrad.inp", help="readings (default invrad.inp)")
    parser.add_argument("--model", default="invrad.mod", help="velocity model (invrad.mod)")
    parser.add_argument("--output", default="invrad.out", help="report (default invrad.out)")
    parser.add_argument(
        "--mode", choices=("seisan", "modern"), default="seisan", help="behaviour (seisan)"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the drop-in ``invrad``; returns the exit status."""
    from seisfoc.amplitude.inputs import write_atomic
    from seisfoc.cli.amplitude import read_legacy_inputs
    from seisfoc.fileio import refuse_outputs_over_inputs
    from seisfoc.io.invrad import error_field, format_invrad_failure, format_invrad_out, plane_line

    from .program import invert

    refuse_outputs_over_inputs([("--output", args.output)], [args.input, args.model])
    legacy = read_legacy_inputs(args.input, args.model)
    inp, model = legacy.inp, legacy.model
    depth, sigma = legacy.source_depth_km, legacy.sigma_microns
    try:
        result = invert(inp, model, depth, sigma, mode=args.mode)
    except SeisfocError as err:
        write_atomic(args.output, format_invrad_failure(model, depth, str(err)))
        raise
    sol = result.solution
    write_atomic(args.output, format_invrad_out(inp, model, depth, sol))
    for k in range(2):
        plane = sol.planes[k]
        print(plane_line(plane.strike, plane.dip, plane.rake, sol.legacy_plane_errors[k]))
    print(
        f" EVENT MOMENT= {sol.moment:10.2f} +- {error_field(sol.moment_error, 10, 2)} x E16 DYNE-CM"
    )
    print(f" Output in {args.output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """The ``invrad`` executable; returns the exit status."""
    from seisfoc.cli import run_reporting_errors

    return run_reporting_errors("invrad", run, build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
