"""``seisfoc invdc``: best double couple by damped Gauss-Newton (modern mode by default).

Readings from an ``invrad.inp`` or an S-file (see ``seisfoc invrad``); the starting
mechanism is ``--sdr STRIKE DIP RAKE`` as in ``seisfoc synrad`` (the old spelling
``--start S D R`` still works, with a deprecation note: ``--start`` means a time in every
other command). ``--write`` puts the result into the S-file as an OF-line with program
``INVDC``. Exit status 1 when the iteration did not converge (2 is a usage error).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from seisfoc.fileio import json_text

PROGRAM = "INVDC"


class _DeprecatedStart(argparse.Action):
    """``--start S D R``: the old name of ``--sdr``, kept working with a note."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        from seisfoc.cli.options import StrikeDipRake

        print("seisfoc invdc: note: --start S D R is deprecated, use --sdr S D R",
              file=sys.stderr)  # fmt: skip
        StrikeDipRake(self.option_strings, "sdr")(parser, namespace, values, option_string)


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``seisfoc invdc``."""
    from seisfoc.cli.amplitude import add_amplitude_inputs, add_amplitude_outputs
    from seisfoc.cli.options import (
        StrikeDipRake,
        finite_float,
        non_negative_float,
        step_factor,
    )

    add_amplitude_inputs(parser)
    add_amplitude_outputs(parser, write=True)
    start = parser.add_mutually_exclusive_group(required=True)
    start.add_argument("--sdr", nargs=3, type=finite_float, action=StrikeDipRake,
                       metavar=("STRIKE", "DIP", "RAKE"),
                       help="starting mechanism (deg; dip in [0, 90])")  # fmt: skip
    start.add_argument("--start", nargs=3, type=finite_float, action=_DeprecatedStart,
                       dest="sdr", help=argparse.SUPPRESS)  # fmt: skip
    parser.add_argument("--step", type=step_factor, default=0.5, help="step factor in (0, 1]")
    parser.add_argument("--damping", type=non_negative_float, default=1e-3,
                        help="damping of each step, a fraction of the largest singular "
                        "value of the Jacobian, >= 0 (default 1e-3)")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """Run ``seisfoc invdc``; returns the exit status (1 when not converged)."""
    from seisfoc import amplitude, mechanism
    from seisfoc.amplitude import inputs, outputs
    from seisfoc.cli.amplitude import check_outputs, load, print_notes, sfile_path
    from seisfoc.errors import InversionError

    from .gauss_newton import fit_double_couple
    from .report import format_invdc, result_dict

    check_outputs(args)
    loaded = load(args)
    print_notes(loaded, "invdc")
    inp, model, depth, sigma = loaded.inp, loaded.model, loaded.depth, loaded.sigma
    green = amplitude.green_functions(inp.readings, model, depth, args.mode,
                                      tarea_s=inputs.tarea_or_default(args.tarea),
                                      ray_mode=args.ray_mode)  # fmt: skip
    strike, dip, rake = args.sdr
    fit = fit_double_couple(green, inp.readings, strike, dip, rake, step_factor=args.step,
                            sigma_microns=sigma, damping=args.damping)  # fmt: skip
    written = None
    if args.write:
        if not fit.converged:
            raise InversionError("the iteration did not converge: S-file not updated",
                                 inp.path)  # fmt: skip
        written = outputs.write_fault_plane(
            loaded, PROGRAM, fit.strike, fit.dip, fit.rake, [float(e) for e in fit.errors[:3]],
            agency=args.agency, prime=args.prime, input_path=args.input,
        )  # fmt: skip
    if args.plot:
        tensor = mechanism.moment_tensor_ned(fit.strike, fit.dip, fit.rake, fit.moment)
        outputs.plot(args.plot, loaded, tensor, green)
    if args.json:
        d = result_dict(fit, depth)
        if written is not None:
            d["f_line"] = written
        print(json_text(d))
    else:
        print(format_invdc(inp, depth, fit), end="")
        if written is not None:
            print(f"Written to {sfile_path(loaded, args.input)}:\n{written}")
    return 0 if fit.converged else 1
