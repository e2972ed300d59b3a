"""Global CMT catalogue files (NDK, the five-line "new" format of the GCMT project), read
through ObsPy's NDK plugin and returned as seisfoc's :class:`CMTSolution` records (the
CMTSOLUTION conversion is ObsPy's own writer, so both formats share one record)."""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

from seisfoc.errors import SeisfocError
from seisfoc.io.cmtsolution import CMTSolution, parse_cmtsolution


def read_ndk(path: str | os.PathLike) -> list[CMTSolution]:
    """The solutions of an NDK file, in file order.

    Parameters
    ----------
    path
        The NDK file.

    Returns
    -------
    list of CMTSolution
        One record per event (moments in dyne-cm, as in CMTSOLUTION files).

    Raises
    ------
    SeisfocError
        The file is not NDK that ObsPy can read (the message names the file).
    """
    from obspy import read_events

    path = Path(path)
    try:
        catalogue = read_events(str(path), format="NDK")
    except Exception as err:  # ObsPy raises many types for a bad NDK file
        raise SeisfocError(f"not an NDK file ObsPy can read: {err}", path) from None
    out: list[CMTSolution] = []
    for event in catalogue:
        buf = io.BytesIO()
        with warnings.catch_warnings():  # "no body wave magnitude": NDK has none
            warnings.simplefilter("ignore", UserWarning)
            event.write(buf, format="CMTSOLUTION")
        out.extend(parse_cmtsolution(buf.getvalue().decode("ascii", "replace"), str(path)))
    return out
