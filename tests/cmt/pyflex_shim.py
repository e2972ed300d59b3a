"""Test-only shim that lets pyflex 0.2 run on NumPy 2 (for the comparison in test_window).

pyflex breaks on NumPy 2 in two places, and only these two are patched (monkeypatching,
no pyflex code is copied or changed on disk):

* ``ndarray.ptp`` no longer exists (pyflex's sanity check calls ``data.ptp()``): the trace
  data handed to pyflex are a view of a tiny ndarray subclass that has ``ptp()``;
* ``int()`` of a one-element array is an error (pyflex's search for flat extrema takes
  ``int`` of rows of ``np.argwhere``): within ``pyflex.utils`` only, ``np`` is a proxy of
  NumPy whose ``argwhere`` returns the flat indices of a 1-D input (the same indices).
"""

from __future__ import annotations

import types
from contextlib import contextmanager

import numpy as np


class PtpArray(np.ndarray):
    """An ndarray that still has the ``ptp`` method NumPy 2 removed."""

    def ptp(self, *args, **kwargs):  # noqa: D102 - the NumPy 1 method
        return np.ptp(np.asarray(self), *args, **kwargs)


def _argwhere_flat(a):
    a = np.asarray(a)
    if a.ndim == 1:
        return np.flatnonzero(a)
    return np.argwhere(a)


def _numpy_proxy() -> types.ModuleType:
    proxy = types.ModuleType("numpy_for_pyflex")
    proxy.__dict__.update({k: getattr(np, k) for k in dir(np) if not k.startswith("__")})
    proxy.argwhere = _argwhere_flat
    return proxy


@contextmanager
def pyflex_on_numpy2():
    """Import pyflex with the two patches applied; undone on exit."""
    import pyflex
    import pyflex.utils

    old = pyflex.utils.np
    pyflex.utils.np = _numpy_proxy()
    try:
        yield pyflex
    finally:
        pyflex.utils.np = old


def trace(data: np.ndarray, t0_s: float, dt_s: float, channel: str):
    """An ObsPy Trace whose data have ``ptp()`` (see the module text)."""
    from obspy import Trace, UTCDateTime

    tr = Trace(np.ascontiguousarray(data, dtype=np.float64))
    tr.stats.delta = dt_s
    tr.stats.starttime = UTCDateTime(2000, 1, 1) + t0_s
    tr.stats.network, tr.stats.station, tr.stats.channel = "XX", "TEST", channel
    tr.data = tr.data.view(PtpArray)
    return tr
