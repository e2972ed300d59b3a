"""What the three amplitude programs (invrad, invdc, synrad) share: reading their inputs.

The drop-ins work in the current directory on ``invrad.inp`` and ``invrad.mod`` and ask
on standard input for what the file leaves at 0 (depth, data error) and what the program
needs besides (a starting mechanism, a step factor, a moment): :func:`read_legacy_inputs`.

The ``seisfoc invrad|invdc|synrad`` sub-commands share their options
(:func:`add_common_options`, :func:`add_write_options`), reading an ``invrad.inp`` or an
S-file (:func:`load`, mapping in :mod:`seisfoc.amplitude_sfile`), writing the F-line
(:func:`write_fault_plane`) and the beachball (:func:`plot`).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field

import numpy as np

from seisfoc import fileio
from seisfoc.amplitude import check_source_depth
from seisfoc.errors import SeisfocError
from seisfoc.invrad_files import InvradInput, ask_float, read_invrad_inp
from seisfoc.options import finite_float, int_at_least, real_in
from seisfoc.velocity import LayeredModel, read_invrad_model


@dataclass
class LegacyInputs:
    inp: InvradInput
    model: LayeredModel
    source_depth_km: float
    sigma_microns: float


def read_legacy_inputs(input_path: str, model_path: str, ask_sigma: bool = True) -> LegacyInputs:
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


def write_atomic(path: str, text: str) -> None:
    """An output file of the legacy programs (ASCII, as the originals wrote them)."""
    fileio.write_atomic(path, text.encode("ascii", errors="replace"))


# ---------------------------------------------------------------- option types
# Numbers the programs cannot use are argparse errors (usage line, exit 2), not tracebacks
# or silent NaN: ``--bootstrap -3``, ``--dip 95``, ``--moment nan``.
positive_int = int_at_least(1)
non_negative_int = int_at_least(0)


def positive_float(text: str) -> float:
    value = finite_float(text)
    if not value > 0.0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def non_negative_float(text: str) -> float:
    value = finite_float(text)
    if value < 0.0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


_dip = real_in(0.0, 90.0)
_step = real_in(0.0, 1.0, low_open=True)


def dip_deg(text: str) -> float:
    """A dip in [0, 90] deg."""
    return _dip(text)


def step_factor(text: str) -> float:
    """INVDC's step factor in (0, 1]."""
    return _step(text)


def bootstrap_count(text: str) -> int:
    """0 (no bootstrap) or at least 2 resamples (a standard deviation needs two)."""
    value = non_negative_int(text)
    if value == 1:
        raise argparse.ArgumentTypeError("needs at least 2 resamples (0: no bootstrap)")
    return value


class StrikeDipRake(argparse.Action):
    """``STRIKE DIP RAKE`` (finite numbers, each through ``type``): the dip in [0, 90]."""

    def __call__(self, parser, namespace, values, option_string=None):
        if not 0.0 <= values[1] <= 90.0:
            raise argparse.ArgumentError(self, f"dip must be in [0, 90] deg, got {values[1]:g}")
        setattr(namespace, self.dest, list(values))


# ---------------------------------------------------------------- the seisfoc sub-commands


def add_common_options(parser) -> None:
    parser.add_argument(
        "input", help="readings: invrad.inp, or a Nordic S-file / hyp.out with AMPG/AMSG lines"
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
    parser.add_argument("--mode", choices=("modern", "seisan"), default="modern")
    parser.add_argument(
        "--ray-mode", choices=("modern", "seisan"), help="how rays are traced (default: --mode)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of the report")


def add_write_options(parser) -> None:
    parser.add_argument(
        "--write", action="store_true", help="S-file: write the solution as an F-line"
    )
    parser.add_argument(
        "--prime", action="store_true", help="with --write: the prime F-line (column 79 blank)"
    )
    parser.add_argument("--agency", help="agency of the F-line (default: from STATION0.HYP)")
    parser.add_argument("--plot", metavar="PNG", help="beachball with the signed amplitudes")


@dataclass
class Loaded:
    """What the three amplitude sub-commands read: readings, model, depth, sigma."""

    inp: object  # seisfoc.invrad_files.InvradInput
    model: object
    depth: float
    sigma: float | None
    sfile: object | None = None  # seisfoc.amplitude_sfile.SfileReadings
    station0: str | None = None
    notes: list[str] = field(default_factory=list)


def load(args) -> Loaded:
    from seisfoc import amplitude_sfile
    from seisfoc.invrad_files import read_invrad_inp
    from seisfoc.velocity import read_model

    if getattr(args, "tarea", None) is not None and not args.tarea > 0:
        raise SeisfocError(f"--tarea must be positive, got {args.tarea:g}")
    if amplitude_sfile.is_nordic_file(args.input):
        sfile, station0 = _load_sfile(args, amplitude_sfile)
        inp = sfile.as_invrad_input()
        depth = args.depth if args.depth is not None else sfile.source_depth_km
        if depth is None:
            raise SeisfocError("the header line has no depth: give --depth", sfile.path,
                               sfile.event.first_line, 39)  # fmt: skip
        model_path = args.model or station0
        if model_path is None:
            raise SeisfocError(
                "no velocity model: no STATION0.HYP in the working folder, $SEISAN_TOP/DAT "
                "or the database's DAT folder; give --model",
                sfile.path,
            )
        model = read_model(model_path)
        if args.depth is None:  # the header's depth, checked where it stands
            check_source_depth(depth, sfile.path, sfile.event.first_line, 39, model=model)
        else:
            _check_depth_option(depth, model)
        return Loaded(inp, model, depth, args.sigma, sfile, station0, list(sfile.notes))
    for option in ("event", "stations"):
        if getattr(args, option, None) is not None:
            raise SeisfocError(f"--{option} needs an S-file as input", args.input)
    if getattr(args, "write", False) or getattr(args, "prime", False):
        raise SeisfocError("--write needs an S-file as input, not an invrad.inp", args.input)
    inp = read_invrad_inp(args.input)
    model_path = args.model
    if model_path is None:
        model_path = os.path.join(os.path.dirname(os.path.abspath(args.input)), "invrad.mod")
        if not os.path.isfile(model_path):
            raise SeisfocError("no invrad.mod next to the input: give --model", args.input)
    model = read_model(model_path)
    depth = args.depth if args.depth is not None else inp.source_depth_km
    if depth is None:
        raise SeisfocError("source depth is 0 in the file: give --depth", inp.path, 2, 6)
    if args.depth is None:
        check_source_depth(depth, inp.path, 2, 6, model=model)
    else:
        _check_depth_option(depth, model)
    sigma = args.sigma if args.sigma is not None else inp.sigma_microns
    return Loaded(inp, model, depth, sigma)


def _check_depth_option(depth: float, model) -> None:
    try:
        check_source_depth(depth, model=model)
    except SeisfocError as err:
        raise SeisfocError(f"--depth: {err.message}") from None


def _load_sfile(args, amplitude_sfile):
    ev, index = amplitude_sfile.select_event(args.input, args.event)
    indicator = ev.prime_header.location_model if ev.prime_header is not None else ""
    station0 = amplitude_sfile.find_station0(args.input, indicator)
    coords_path = args.stations or station0
    stations = None
    if coords_path is not None:
        stations = amplitude_sfile.read_station_coordinates(coords_path)
    sfile = amplitude_sfile.readings_from_event(ev, index, stations, args.skip_unsigned)
    return sfile, station0


def print_notes(loaded: Loaded, command: str) -> None:
    for note in loaded.notes:
        print(f"seisfoc {command}: {note}", file=sys.stderr)


def tarea_of(args) -> float:
    from seisfoc import amplitude

    return args.tarea if getattr(args, "tarea", None) is not None else amplitude.DEFAULT_TAREA_S


def write_fault_plane(args, loaded: Loaded, program: str, strike, dip, rake, errors) -> str:
    """Write the F-line into the S-file (OF-line unless ``--prime``); returns the line."""
    from seisfoc import amplitude_sfile, mechanism
    from seisfoc.errors import SeisfocError
    from seisfoc.nordic import format_fault_plane_line, write_fault_plane

    sfile = loaded.sfile
    if sfile is None or sfile.path is None:
        raise SeisfocError("--write needs an S-file as input", args.input)
    agency = args.agency
    if agency is None:
        agency = amplitude_sfile.station0_agency(loaded.station0) if loaded.station0 else ""
    plane = mechanism.canonical_sdr(strike, dip, rake)

    def err(x):
        x = float(x)
        return None if not (x == x) else min(x, 999.9)

    line = format_fault_plane_line(
        float(plane.strike), float(plane.dip), float(plane.rake), program=program,
        agency=agency, flag="" if args.prime else "O", strike_error=err(errors[0]),
        dip_error=err(errors[1]), rake_error=err(errors[2]),
    )  # fmt: skip
    write_fault_plane(sfile.path, line, prime=args.prime, event_index=sfile.event_index)
    return line


def plot(args, loaded: Loaded, tensor_ned, green) -> str:
    """Beachball of ``tensor_ned`` with the observed signed amplitudes at their rays.

    Amplitudes are drawn in the file convention of S-files and ObsPy (Z up, R away from
    the source, T clockwise) whatever the mode; the symbols come from
    :func:`seisfoc.plotting.amplitude_beachball`. Returns the file written.
    """
    from seisfoc.errors import SeisfocError

    try:
        from seisfoc.plotting import amplitude_beachball
    except ImportError as err:
        raise SeisfocError(f"--plot is not available: {err}") from None
    readings = loaded.inp.readings
    try:
        amplitude_beachball(
            np.asarray(tensor_ned, dtype=np.float64),
            takeoff_deg=green.rays.takeoff_deg,
            azimuth_deg=readings.azimuth_deg,
            amplitude=readings.amplitudes_for(radial_toward_source=False),
            phase=readings.phase,
            component=readings.component,
            station=readings.station,
            label=loaded.inp.title.strip() or None,
            path=args.plot,
        )
    except ImportError as err:  # matplotlib missing
        raise SeisfocError(f"--plot needs matplotlib: {err}") from None
    return args.plot
