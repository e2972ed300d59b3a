"""Options and input of the three amplitude sub-commands (``seisfoc invrad|invdc|synrad``).

They read the same inputs (:func:`add_amplitude_inputs`, :func:`load`) and share their
output options; the drop-ins read ``invrad.inp`` and ``invrad.mod`` and ask on standard
input for what they leave at 0 (:func:`read_legacy_inputs`). The programs live in
``seisfoc.invrad``, ``seisfoc.invdc`` and ``seisfoc.synrad``, what they share in
:mod:`seisfoc.amplitude`.
"""

from __future__ import annotations

import argparse
import sys

from seisfoc.amplitude.inputs import LegacyInputs, Loaded
from seisfoc.cli.options import (
    add_inputs,
    add_mode,
    add_output,
    add_write,
    positive_float,
    positive_int,
)


def read_legacy_inputs(input_path: str, model_path: str, ask_sigma: bool = True) -> LegacyInputs:
    """Read ``invrad.inp`` and ``invrad.mod`` as the originals do.

    Parameters
    ----------
    input_path, model_path
        The readings (``invrad.inp``) and the model (``invrad.mod``).
    ask_sigma
        Ask on standard input for a data standard deviation given as 0 (SYNRAD does not).

    Returns
    -------
    LegacyInputs
        The readings, model, checked source depth and data error.
    """
    from seisfoc.amplitude.green import check_source_depth
    from seisfoc.cli.prompts import ask_float
    from seisfoc.io.invrad import read_invrad_inp, read_invrad_model

    inp = read_invrad_inp(input_path)
    model = read_invrad_model(model_path)
    depth = inp.source_depth_km
    if depth is None:
        depth = ask_float(" Source depth (km) ?", "source depth", inp.path, 2, 6)
    check_source_depth(depth, inp.path, 2, 6, model=model)
    sigma = inp.sigma_microns
    if sigma is None and ask_sigma:
        sigma = ask_float(
            " Data standard deviation (microns) ?", "data standard deviation", inp.path, 2, 11
        )
    return LegacyInputs(inp, model, depth, sigma)


def add_amplitude_inputs(parser: argparse.ArgumentParser) -> None:
    """The input, model, station, depth, error, mode and ``--json`` options of all three."""
    add_inputs(
        parser,
        "readings: invrad.inp, or a Nordic S-file / hyp.out with AMPG/AMSG lines",
        many=False,
    )
    parser.add_argument(
        "--model",
        help="invrad.mod or STATION0.HYP (default: invrad.mod next to an invrad.inp; for an "
        "S-file the STATION0.HYP SEISAN would use)",
    )
    parser.add_argument("--stations", help="S-file: STATION0.HYP with station coordinates")
    parser.add_argument(
        "--event", type=positive_int, help="S-file: event number (1-based) in the file"
    )
    parser.add_argument(
        "--skip-unsigned",
        action="store_true",
        help="S-file: drop amplitude lines without a sign instead of stopping",
    )
    parser.add_argument(
        "--depth",
        type=positive_float,
        help="source depth in km (overrides the file); it must lie within the model: "
        "above the last line of an invrad.mod, anywhere in a STATION0.HYP model",
    )
    parser.add_argument("--sigma", type=positive_float, help="data standard deviation in microns")
    parser.add_argument(
        "--tarea",
        type=positive_float,
        help="area of the source pulse in s (default 0.01, as INVRAD)",
    )
    add_mode(parser, help="seisan = Ebel's numbers; modern (default) = ray theory corrected")
    parser.add_argument(
        "--ray-mode", choices=("modern", "seisan"), help="how rays are traced (default: --mode)"
    )


def add_amplitude_outputs(
    parser: argparse.ArgumentParser, *, write: bool, csv: bool = False
) -> None:
    """``--json`` (and ``--csv`` for a table of readings); for the programs that find a
    mechanism also ``--write`` and ``--plot``."""
    add_output(parser, csv=csv, plot="beachball with the signed amplitudes" if write else None)
    if write:
        add_write(parser)


def check_outputs(args: argparse.Namespace) -> None:
    """Before any work: ``--prime`` needs ``--write`` (no option but ``--write`` writes an
    S-file), and no output file (``--output``, ``--plot``) may be one of the run's inputs
    (the readings, ``--model``, ``--stations``, or the invrad.mod beside an invrad.inp),
    links resolved.

    Raises
    ------
    SeisfocError
        Naming the option.
    """
    import os

    from seisfoc.errors import SeisfocError
    from seisfoc.fileio import refuse_outputs_over_inputs

    if getattr(args, "prime", False) and not getattr(args, "write", False):
        raise SeisfocError(
            "--prime only says that --write writes the prime F-line: add --write "
            "(nothing was written)"
        )
    inputs = [args.input, getattr(args, "model", None), getattr(args, "stations", None)]
    inputs.append(os.path.join(os.path.dirname(os.fspath(args.input)), "invrad.mod"))
    outputs = [("--output", getattr(args, "output", None)), ("--plot", getattr(args, "plot", None))]
    refuse_outputs_over_inputs(outputs, [i for i in inputs if i])


def load(args: argparse.Namespace) -> Loaded:
    """Read what the options name (see :func:`seisfoc.amplitude.inputs.load`)."""
    from seisfoc.amplitude import inputs

    return inputs.load(
        args.input,
        model=args.model,
        stations=args.stations,
        event=args.event,
        skip_unsigned=args.skip_unsigned,
        depth=args.depth,
        sigma=args.sigma,
        tarea=args.tarea,
        write=getattr(args, "write", False),
    )


def sfile_path(loaded: Loaded, default: str) -> str:
    """The S-file the readings came from (as the reader named it), else ``default``."""
    return loaded.sfile.path if loaded.sfile is not None and loaded.sfile.path else default


def print_notes(loaded: Loaded, command: str) -> None:
    """The notes of the S-file mapping, one line each on standard error."""
    for note in loaded.notes:
        print(f"seisfoc {command}: {note}", file=sys.stderr)
