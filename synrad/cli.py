"""``seisfoc synrad``: predicted amplitudes of a mechanism and the fit to the readings.

Readings from an ``invrad.inp`` or an S-file (see ``seisfoc invrad``); the table of
observed and predicted amplitudes also as ``--json`` or ``--csv``.
"""

from __future__ import annotations

import argparse
import csv
import sys

from seisfoc.fileio import json_text


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``seisfoc synrad``."""
    from seisfoc.cli.amplitude import add_amplitude_inputs, add_amplitude_outputs
    from seisfoc.cli.options import StrikeDipRake, finite_float, positive_float

    add_amplitude_inputs(parser)
    add_amplitude_outputs(parser, write=False, csv=True)
    parser.add_argument("--sdr", nargs=3, type=finite_float, required=True,
                        action=StrikeDipRake, metavar=("STRIKE", "DIP", "RAKE"),
                        help="mechanism (deg; dip in [0, 90])")  # fmt: skip
    parser.add_argument("--moment", type=positive_float, required=True, help="1e16 dyne-cm")


def run(args: argparse.Namespace) -> int:
    """Run ``seisfoc synrad``; returns the exit status."""
    from seisfoc import amplitude, mechanism
    from seisfoc.amplitude import inputs
    from seisfoc.cli.amplitude import load, print_notes

    from .forward import synthetic_fit
    from .report import format_synrad, rows_dict

    loaded = load(args)
    print_notes(loaded, "synrad")
    inp, model, depth = loaded.inp, loaded.model, loaded.depth
    green = amplitude.green_functions(inp.readings, model, depth, args.mode,
                                      tarea_s=inputs.tarea_or_default(args.tarea),
                                      ray_mode=args.ray_mode)  # fmt: skip
    strike, dip, rake = args.sdr
    tensor = mechanism.moment_tensor_ned(strike, dip, rake, args.moment)
    fit = synthetic_fit(green, inp.readings, tensor, args.moment)
    if args.json:
        print(json_text(rows_dict(inp, fit)))
    elif args.csv:  # the rows of --json; a reading without a ratio has an empty cell
        rows = rows_dict(inp, fit)
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        print(format_synrad(inp, depth, strike, dip, rake, args.moment, fit,
                            green.radial_toward_source), end="")  # fmt: skip
    return 0
