"""``seisfoc invrad``: moment tensor from amplitudes, modern mode by default.

The readings come from an ``invrad.inp`` or from a Nordic S-file / ``hyp.out`` (detected
from the file: a Nordic header has ``1`` in column 80). For S-files the amplitude lines
are mapped as :mod:`seisfoc.amplitude.sfile` documents (``AMPG`` = direct P, ``AMSG`` =
direct S; sign from the polarity column or an explicit +/- on the amplitude; nm ->
microns), the
source depth is the header's and the model and station coordinates come from the
``STATION0.HYP`` SEISAN would use unless ``--model``/``--stations`` name other files.
``--write`` puts the solution into the S-file as an OF-line (program ``INVRAD``).
"""

from __future__ import annotations

import argparse

from seisfoc.fileio import json_text

PROGRAM = "INVRAD"


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``seisfoc invrad``."""
    from seisfoc.cli.amplitude import add_amplitude_inputs, add_amplitude_outputs
    from seisfoc.cli.options import bootstrap_count

    add_amplitude_inputs(parser)
    add_amplitude_outputs(parser, write=True)
    parser.add_argument("--bootstrap", type=bootstrap_count, default=0, metavar="N",
                        help="also estimate errors from N >= 2 bootstrap resamples")  # fmt: skip
    parser.add_argument("--output", help="also write Ebel's invrad.out layout to this file")


def run(args: argparse.Namespace) -> int:
    """Run ``seisfoc invrad``; returns the exit status."""
    from seisfoc.amplitude import inputs, outputs
    from seisfoc.cli.amplitude import check_outputs, load, print_notes, sfile_path
    from seisfoc.io.invrad import format_invrad_out

    from .inversion import bootstrap
    from .program import invert
    from .report import format_report, solution_dict

    check_outputs(args)
    loaded = load(args)
    print_notes(loaded, "invrad")
    inp, model, depth, sigma = loaded.inp, loaded.model, loaded.depth, loaded.sigma
    result = invert(inp, model, depth, sigma, mode=args.mode, ray_mode=args.ray_mode,
                    tarea_s=inputs.tarea_or_default(args.tarea))  # fmt: skip
    sol = result.solution
    boot = None
    if args.bootstrap:
        boot = bootstrap(result.green, inp.readings, sol, args.bootstrap)
    if args.output:
        inputs.write_atomic(args.output, format_invrad_out(inp, model, depth, sol))
    written = None
    if args.write:
        plane, errors = sol.planes[0], sol.plane_errors[0]
        written = outputs.write_fault_plane(
            loaded, PROGRAM, float(plane.strike), float(plane.dip), float(plane.rake), errors,
            agency=args.agency, prime=args.prime, input_path=args.input,
        )  # fmt: skip
    if args.plot:
        outputs.plot(args.plot, loaded, sol.fit.moment_tensor_ned, result.green)
    if args.json:
        d = solution_dict(inp.readings, sol, boot)
        d["source_depth_km"] = depth
        d["mode"] = args.mode
        d["input"] = inp.path
        if written is not None:
            d["f_line"] = written
        print(json_text(d))
    else:
        print(format_report(inp.readings, sol, args.mode, boot), end="")
        if written is not None:
            print(f"Written to {sfile_path(loaded, args.input)}:\n{written}")
    return 0
