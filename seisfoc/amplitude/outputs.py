"""Outputs the amplitude sub-commands share: the F-line written into the S-file and the
beachball with the signed amplitudes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from seisfoc.amplitude.green import GreenFunctions
from seisfoc.amplitude.inputs import Loaded
from seisfoc.errors import SeisfocError


def write_fault_plane(
    loaded: Loaded,
    program: str,
    strike: float,
    dip: float,
    rake: float,
    errors: Sequence[float],
    *,
    agency: str | None = None,
    prime: bool = False,
    input_path: str | None = None,
) -> str:
    """Write the F-line into the S-file the readings came from.

    Parameters
    ----------
    loaded
        What :func:`seisfoc.amplitude.inputs.load` read (an S-file).
    program
        Program name of the F-line (``INVRAD``, ``INVDC``).
    strike, dip, rake
        The mechanism (deg), made canonical here.
    errors
        Standard deviations of strike, dip, rake (NaN: unresolved, left blank).
    agency
        Agency of the F-line (default: from the event's STATION0.HYP).
    prime
        The prime F-line (column 79 blank) instead of an OF-line.
    input_path
        The input as the user named it, for the error when it is no S-file.

    Returns
    -------
    str
        The F-line written.
    """
    from seisfoc import mechanism
    from seisfoc.amplitude.sfile import station0_agency
    from seisfoc.io.nordic import format_fault_plane_line
    from seisfoc.io.nordic import write_fault_plane as write_line

    sfile = loaded.sfile
    if sfile is None or sfile.path is None:
        raise SeisfocError("--write needs an S-file as input", input_path)
    if agency is None:
        agency = station0_agency(loaded.station0) if loaded.station0 else ""
    plane = mechanism.canonical_sdr(strike, dip, rake)

    def err(x: float) -> float | None:
        x = float(x)
        return None if not (x == x) else min(x, 999.9)

    line = format_fault_plane_line(
        float(plane.strike), float(plane.dip), float(plane.rake), program=program,
        agency=agency, flag="" if prime else "O", strike_error=err(errors[0]),
        dip_error=err(errors[1]), rake_error=err(errors[2]),
    )  # fmt: skip
    write_line(sfile.path, line, prime=prime, event_index=sfile.event_index)
    return line


def plot(path: str, loaded: Loaded, tensor_ned: np.ndarray, green: GreenFunctions) -> str:
    """Beachball of ``tensor_ned`` with the observed signed amplitudes at their rays.

    Amplitudes are drawn in the file convention of S-files and ObsPy (Z up, R away from
    the source, T clockwise) whatever the mode; the symbols come from
    :func:`seisfoc.plotting.amplitude_beachball`.

    Parameters
    ----------
    path
        The picture to write (.png, .pdf, .svg).
    loaded
        The readings (see :func:`seisfoc.amplitude.inputs.load`).
    tensor_ned
        3x3 moment tensor (north, east, down).
    green
        The Green's functions (their rays give the take-off angles).

    Returns
    -------
    str
        The file written.
    """
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
            path=path,
        )
    except ImportError as err:  # matplotlib missing
        raise SeisfocError(f"--plot needs matplotlib: {err}") from None
    return path
