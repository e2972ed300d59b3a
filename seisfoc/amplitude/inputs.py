"""Inputs of the amplitude programs: readings, velocity model, source depth and data error.

The drop-ins work in the current directory on ``invrad.inp`` and ``invrad.mod`` and ask
on standard input for what the file leaves at 0 (depth, data error):
:func:`seisfoc.cli.amplitude.read_legacy_inputs` gives a :class:`LegacyInputs`. The
``seisfoc invrad|invdc|synrad`` sub-commands read an
``invrad.inp`` or a Nordic S-file (amplitudes mapped by :mod:`seisfoc.amplitude.sfile`)
with the model and station coordinates SEISAN would use: :func:`load`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from seisfoc import fileio
from seisfoc.amplitude.green import DEFAULT_TAREA_S, check_source_depth
from seisfoc.errors import SeisfocError
from seisfoc.io.invrad import InvradInput, read_invrad_inp
from seisfoc.velocity import LayeredModel


@dataclass
class LegacyInputs:
    """What a drop-in reads: ``invrad.inp``, ``invrad.mod``, the depth and data error."""

    inp: InvradInput
    model: LayeredModel
    source_depth_km: float
    sigma_microns: float | None


def write_atomic(path: str, text: str) -> None:
    """An output file of the legacy programs (ASCII, as the originals wrote them)."""
    fileio.write_atomic(path, text.encode("ascii", errors="replace"))


@dataclass
class Loaded:
    """What the three amplitude sub-commands read: readings, model, depth, sigma."""

    inp: InvradInput
    model: LayeredModel
    depth: float
    sigma: float | None
    sfile: Any | None = None  # seisfoc.amplitude.sfile.SfileReadings
    station0: str | None = None
    notes: list[str] = field(default_factory=list)


def load(
    input_path: str,
    *,
    model: str | None = None,
    stations: str | None = None,
    event: int | None = None,
    skip_unsigned: bool = False,
    depth: float | None = None,
    sigma: float | None = None,
    tarea: float | None = None,
    write: bool = False,
) -> Loaded:
    """Readings from an ``invrad.inp`` or a Nordic S-file, with model, depth and sigma.

    Parameters
    ----------
    input_path
        An ``invrad.inp``, or a Nordic S-file / ``hyp.out`` with AMPG/AMSG lines.
    model
        ``invrad.mod`` or ``STATION0.HYP`` (default: ``invrad.mod`` next to an
        ``invrad.inp``; for an S-file the STATION0.HYP SEISAN would use).
    stations
        S-file only: the STATION0.HYP with station coordinates.
    event
        S-file only: the event number (1-based) in the file.
    skip_unsigned
        S-file only: drop amplitude lines without a sign instead of stopping.
    depth
        Source depth in km overriding the file's.
    sigma
        Data standard deviation in microns overriding the file's.
    tarea
        Area of the source pulse in s (checked here; used by the caller).
    write
        The caller will write an F-line: only an S-file can take it.

    Returns
    -------
    Loaded
        The readings (as an ``InvradInput``), model, source depth, sigma and, for an
        S-file, its readings, the STATION0.HYP found and the notes of the mapping.
    """
    from seisfoc.amplitude import sfile as amplitude_sfile
    from seisfoc.io.invrad import read_model

    if tarea is not None and not tarea > 0:
        raise SeisfocError(f"--tarea must be positive, got {tarea:g}")
    if amplitude_sfile.is_nordic_file(input_path):
        sfile, station0 = _load_sfile(input_path, stations, event, skip_unsigned)
        inp = sfile.as_invrad_input()
        source_depth = depth if depth is not None else sfile.source_depth_km
        if source_depth is None:
            raise SeisfocError("the header line has no depth: give --depth", sfile.path,
                               sfile.event.first_line, 39)  # fmt: skip
        model_path = model or station0
        if model_path is None:
            raise SeisfocError(
                "no velocity model: no STATION0.HYP in the working folder, $SEISAN_TOP/DAT "
                "or the database's DAT folder; give --model",
                sfile.path,
            )
        velocity = read_model(model_path)
        if depth is None:  # the header's depth, checked where it stands
            check_source_depth(source_depth, sfile.path, sfile.event.first_line, 39,
                               model=velocity)  # fmt: skip
        else:
            _check_depth_option(source_depth, velocity)
        return Loaded(inp, velocity, source_depth, sigma, sfile, station0, list(sfile.notes))
    for option, value in (("event", event), ("stations", stations)):
        if value is not None:
            raise SeisfocError(f"--{option} needs an S-file as input", input_path)
    if write:
        raise SeisfocError("--write needs an S-file as input, not an invrad.inp", input_path)
    inp = read_invrad_inp(input_path)
    model_path = model
    if model_path is None:
        model_path = os.path.join(os.path.dirname(os.path.abspath(input_path)), "invrad.mod")
        if not os.path.lexists(model_path):  # one that is there is read (and judged) as is
            raise SeisfocError("no invrad.mod next to the input: give --model", input_path)
    velocity = read_model(model_path)
    source_depth = depth if depth is not None else inp.source_depth_km
    if source_depth is None:
        raise SeisfocError("source depth is 0 in the file: give --depth", inp.path, 2, 6)
    if depth is None:
        check_source_depth(source_depth, inp.path, 2, 6, model=velocity)
    else:
        _check_depth_option(source_depth, velocity)
    return Loaded(inp, velocity, source_depth, sigma if sigma is not None else inp.sigma_microns)


def _check_depth_option(depth: float, model: LayeredModel) -> None:
    try:
        check_source_depth(depth, model=model)
    except SeisfocError as err:
        raise SeisfocError(f"--depth: {err.message}") from None


def _load_sfile(
    path: str, stations_path: str | None, event: int | None, skip_unsigned: bool
) -> tuple[Any, str | None]:
    from seisfoc.amplitude import sfile as amplitude_sfile

    ev, index = amplitude_sfile.select_event(path, event)
    indicator = ev.prime_header.location_model if ev.prime_header is not None else ""
    station0 = amplitude_sfile.find_station0(path, indicator)
    coords_path = stations_path or station0
    stations = None
    if coords_path is not None:
        stations = amplitude_sfile.read_station_coordinates(coords_path)
    sfile = amplitude_sfile.readings_from_event(ev, index, stations, skip_unsigned)
    return sfile, station0


def tarea_or_default(tarea: float | None) -> float:
    """The source pulse area in s: ``tarea`` or INVRAD's default 0.01."""
    return tarea if tarea is not None else DEFAULT_TAREA_S
