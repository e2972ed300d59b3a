"""StationXML (FDSN station metadata), read through ObsPy: the facts the CMT workflow's
quality control needs from it, as plain values."""

from __future__ import annotations

import os
from collections.abc import Iterable


def channel_sample_intervals(paths: Iterable[str | os.PathLike]) -> dict[tuple[str, str], float]:
    """Sampling intervals (s) of the channels described in StationXML files.

    Parameters
    ----------
    paths
        StationXML files; one that cannot be read is passed over (the reader of the
        waveform data reports a station without metadata).

    Returns
    -------
    dict
        ``(NET.STA, component letter)`` -> 1 / sample rate, the first channel seen for
        each key.
    """
    from obspy import read_inventory

    out: dict[tuple[str, str], float] = {}
    for path in paths:
        try:
            inv = read_inventory(str(path))
        except Exception:  # ObsPy raises many types for unreadable files
            continue
        for net in inv:
            for sta in net:
                for cha in sta:
                    if cha.sample_rate:
                        key = (f"{net.code}.{sta.code}", cha.code[-1:].upper())
                        out.setdefault(key, 1.0 / float(cha.sample_rate))
    return out
