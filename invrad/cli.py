"""``seisfoc invrad``: moment tensor from amplitudes, modern mode by default."""

from __future__ import annotations

import json


def add_common_options(parser) -> None:
    parser.add_argument("input", help="readings file (invrad.inp format)")
    parser.add_argument("--model", required=True, help="invrad.mod or STATION0.HYP")
    parser.add_argument("--depth", type=float, help="source depth in km (overrides the file)")
    parser.add_argument("--sigma", type=float, help="data standard deviation in microns")
    parser.add_argument("--mode", choices=("modern", "seisan"), default="modern")
    parser.add_argument(
        "--ray-mode", choices=("modern", "seisan"), help="how rays are traced (default: --mode)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of the report")


def load(args):
    from seisfoc.errors import SeisfocError
    from seisfoc.invrad_files import read_invrad_inp
    from seisfoc.velocity import read_model

    inp = read_invrad_inp(args.input)
    model = read_model(args.model)
    depth = args.depth if args.depth is not None else inp.source_depth_km
    if depth is None:
        raise SeisfocError("source depth is 0 in the file: give --depth", inp.path, 2, 6)
    sigma = args.sigma if args.sigma is not None else inp.sigma_microns
    return inp, model, depth, sigma


def configure(parser) -> None:
    add_common_options(parser)
    parser.add_argument("--bootstrap", type=int, default=0, metavar="N",
                        help="also estimate errors from N bootstrap resamples")  # fmt: skip
    parser.add_argument("--output", help="also write Ebel's invrad.out layout to this file")


def run(args) -> int:
    from invrad.program import invert
    from seisfoc import amplitude
    from seisfoc.amplitude_programs import write_atomic
    from seisfoc.amplitude_report import format_report, solution_dict
    from seisfoc.invrad_files import format_invrad_out

    inp, model, depth, sigma = load(args)
    result = invert(inp, model, depth, sigma, mode=args.mode, ray_mode=args.ray_mode)
    boot = None
    if args.bootstrap:
        boot = amplitude.bootstrap(result.green, inp.readings, result.solution, args.bootstrap)
    if args.output:
        write_atomic(args.output, format_invrad_out(inp, model, depth, result.solution))
    if args.json:
        print(json.dumps(solution_dict(inp.readings, result.solution, boot), indent=1))
    else:
        print(format_report(inp.readings, result.solution, args.mode, boot), end="")
    return 0
