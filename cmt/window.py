"""The ``window`` stage: measurement windows, every rejected candidate with its reason.

Method ``flexwin`` follows the criteria of FLEXWIN (Maggi, Tape, Chen, Chao & Tromp 2009,
GJI 178, 257-281), written here from the paper (pyflex, the usual implementation, cannot
run on NumPy 2 and its merging depends on set order). For every trace present in both
the observed data and the reference synthetic of a band:

1. the envelope E of the synthetic (magnitude of its analytic signal) and its STA/LTA,
   the ratio of two recursive sums ``S_k = C S_{k-1} + E_k`` with ``C_S = 10^(-dt/T0)``
   (short) and ``C_L = 10^(-dt/(12 T0))`` (long), ``T0`` the band's shortest period,
   both started at their steady state, E floored at 1e-5 of its peak;
2. seeds: local maxima of the STA/LTA above the water level ``w`` (``stalta_waterlevel``);
   candidate windows: every pair of local minima bracketing a seed; a pair reached from
   several seeds is one candidate (its seed is the highest maximum inside). Unlike
   FLEXWIN, the first and last samples count as minima (``FlexwinTuning.ends_as_minima``,
   default on): the bundled database's records end inside the surface waves, whose
   STA/LTA never falls again, and FLEXWIN's rule would leave the largest arrivals
   without a window (the process stage ends the grid before the synthetics' end taper);
3. shape criteria, in this order: ``water_level`` (an internal minimum at or below
   ``c0 w``), ``prominence`` (the seed rises less than ``c2`` times its height above the
   minima next to it; off when ``c2 = 0``), ``phase_separation`` (an internal maximum
   whose height above the window's lowest minimum exceeds ``c3a`` times the seed's times
   ``f(dt)``, ``f = 1`` for a separation below ``c3b T0`` and
   ``exp(-((d - c3b)/c3b)^2)`` beyond, ``d`` the separation in units of ``T0``), then the
   window is curtailed to ``c4a T0`` before its first and ``c4b T0`` after its last
   internal maximum, and ``too_short`` (``min_window_length_s``);
4. data criteria on the observed trace: ``snr_below_threshold`` (peak amplitude in the
   window over the peak of the noise, the observed samples before the first arrival less
   ``T0``; the first arrival is where the synthetic's STA/LTA first exceeds both ``w``
   and twice its starting value, or the TauP P arrival when asked),
   ``time_shift_above_threshold`` (lag of the peak of the cross-correlation),
   ``dlna_above_threshold`` (``|0.5 ln(E_obs/E_syn)|``),
   ``cc_below_threshold`` (normalised cross-correlation peak);
5. selection: the non-overlapping subset of the accepted candidates with the largest sum
   of weights ``length / T0 * cc`` (weighted interval scheduling by dynamic programming;
   ties go to the earlier-ending, then earlier-starting window); the others are rejected
   as ``overlap``.

Everything is ordered by time index and station order: the same input gives the same
windows whatever order the traces come in. A trace that ends with no window gets one
more record ``no_window`` (with the count of each reason) and a trace without a seed
``no_candidate``.

Method ``phases``: one window per trace from ``phase_before_s`` before the first to
``phase_after_s`` after the last TauP arrival of ``phases`` (ObsPy's TauP, model
``iasp91`` or ``prem``; names such as ``4.0kmps`` give surface-wave group arrivals),
clipped to the trace, then the data criteria of step 4 (``no_arrival`` when no phase
arrives at that distance).

:func:`save_windows` / :func:`load_windows` write and read ``work/windows.json``.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import signal

from seisfoc.errors import SeisfocError

from .config import BandConfig
from .records import COMPONENTS, Rejection, TraceSet, Window, WindowSelection

__all__ = [
    "FlexwinTuning",
    "REASONS",
    "TraceWindows",
    "envelope",
    "sta_lta",
    "onset_index",
    "flexwin_trace",
    "select_windows",
    "phase_windows",
    "measure",
    "save_windows",
    "load_windows",
]

#: every reason code of this stage
REASONS: dict[str, str] = {
    "water_level": "an internal minimum of the STA/LTA is at or below c0 times the water level",
    "prominence": "the seed maximum does not stand out from its neighbouring minima",
    "phase_separation": "the window holds a separate phase (a well-separated maximum)",
    "duplicate": "the same window as another candidate after curtailing",
    "too_short": "shorter than the minimum window length",
    "snr_below_threshold": "signal-to-noise amplitude ratio below the minimum",
    "time_shift_above_threshold": "cross-correlation time shift beyond the maximum",
    "dlna_above_threshold": "|dlnA| beyond the maximum",
    "cc_below_threshold": "normalised cross-correlation below the minimum",
    "overlap": "overlaps a selected window of larger weight",
    "no_candidate": "the synthetic's STA/LTA never exceeds the water level",
    "no_window": "every candidate of the trace was rejected",
    "no_arrival": "none of the phases arrives at this distance",
}


@dataclass(frozen=True)
class FlexwinTuning:
    """FLEXWIN's fine-tuning constants (Maggi et al. 2009, table 3; pyflex's defaults)."""

    c0: float = 1.0
    c2: float = 0.0
    c3a: float = 4.0
    c3b: float = 2.5
    c4a: float = 2.0
    c4b: float = 6.0
    #: count the first and last samples as STA/LTA minima (window bounds). FLEXWIN does
    #: not; records that end inside the surface waves (the bundled database's) then never
    #: get a window on them, so it is on by default
    ends_as_minima: bool = True
    #: start of the STA/LTA recursions: "steady" (the steady state of the first sample's
    #: envelope: no spurious rise at the start of a record that is not quite at rest) or
    #: "floor" (the steady state of the 1e-5 floor, as FLEXWIN/pyflex warm up)
    stalta_start: str = "steady"
    noise: str = "stalta"  # "stalta" or "taup": how the end of the noise is found
    taup_model: str = "iasp91"


@dataclass
class TraceWindows:
    """Windows and rejections of one trace (indices into the common grid, inclusive)."""

    windows: list[tuple[int, int, float, float, float, float]] = field(default_factory=list)
    rejected: list[tuple[int, int, str, str]] = field(default_factory=list)
    trace_reason: str | None = None
    trace_detail: str = ""


# ------------------------------------------------------------------------------ signals


def envelope(x: np.ndarray) -> np.ndarray:
    """Magnitude of the analytic signal along the last axis."""
    return np.abs(signal.hilbert(x, axis=-1))


def sta_lta(env: np.ndarray, dt_s: float, min_period_s: float, start: str = "steady") -> np.ndarray:
    """FLEXWIN's STA/LTA of envelopes (rows): ``STA_k = C_S STA_{k-1} + E_k`` and
    ``LTA_k = C_L LTA_{k-1} + E_k`` (Maggi et al. 2009, eq. 2-3, unnormalised, so that a
    steady envelope gives ``(1 - C_L)/(1 - C_S)``, about 0.085 for dt = T0/50), both
    started in the steady state of the first sample (``start="steady"``) or of the floor
    (``"floor"``), the envelope floored at 1e-5 of its peak."""
    env = np.atleast_2d(np.asarray(env, dtype=np.float64))
    floor = 1e-5 * np.max(env, axis=-1, keepdims=True)
    floor[floor == 0] = 1e-30
    e = env + floor
    cs = 10.0 ** (-dt_s / min_period_s)
    cl = 10.0 ** (-dt_s / (12.0 * min_period_s))
    if start not in ("steady", "floor"):
        raise SeisfocError(f"STA/LTA start must be 'steady' or 'floor', not {start!r}")
    level = e[:, :1] if start == "steady" else floor
    sta = signal.lfilter([1.0], [1.0, -cs], e, axis=-1, zi=level * cs / (1.0 - cs))[0]
    lta = signal.lfilter([1.0], [1.0, -cl], e, axis=-1, zi=level * cl / (1.0 - cl))[0]
    return sta / lta


def onset_index(stalta: np.ndarray, waterlevel: float) -> np.ndarray:
    """First arrival predicted by the STA/LTA of each row: the first sample where it
    exceeds both the water level and twice its value at the first sample (-1: none)."""
    stalta = np.atleast_2d(stalta)
    level = np.maximum(waterlevel, 2.0 * stalta[:, :1])
    above = stalta > level
    return np.where(above.any(axis=1), np.argmax(above, axis=1), -1)


def _extrema(s: np.ndarray, ends: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Local maxima and minima (plateaus give their first sample; with ``ends`` the first
    and last samples count as minima)."""
    d = np.diff(s)
    sign = np.sign(d)
    # carry the last non-zero slope over flat stretches
    nz = np.flatnonzero(sign)
    if nz.size == 0:
        empty = np.array([], dtype=np.int64)
        return empty, (np.array([0, s.size - 1], dtype=np.int64) if ends else empty)
    idx = np.maximum.accumulate(np.where(sign != 0, np.arange(sign.size), 0))
    filled = sign[idx]
    filled[: nz[0]] = sign[nz[0]]
    change = np.diff(filled)
    maxima = np.flatnonzero(change < 0) + 1
    minima = np.flatnonzero(change > 0) + 1
    if ends:
        minima = np.unique(np.concatenate([[0], minima, [s.size - 1]]))
    return maxima.astype(np.int64), minima.astype(np.int64)


def measure(obs: np.ndarray, syn: np.ndarray, dt_s: float) -> tuple[float, float, float]:
    """Normalised cross-correlation peak, its lag (s; positive: obs later) and
    ``dlnA = 0.5 ln(E_obs / E_syn)`` of one window."""
    eo = float(obs @ obs)
    es = float(syn @ syn)
    if eo <= 0.0 or es <= 0.0:
        return float("nan"), 0.0, float("nan")
    cc = np.correlate(obs, syn, mode="full")
    k = int(np.argmax(cc))
    return float(cc[k] / math.sqrt(eo * es)), (k - (syn.size - 1)) * dt_s, 0.5 * math.log(eo / es)


# ------------------------------------------------------------------------------ flexwin


def _fmt(t0: float, dt: float, i: int) -> str:
    return f"{t0 + dt * i:.1f}"


def flexwin_trace(
    obs: np.ndarray,
    syn: np.ndarray,
    stalta: np.ndarray,
    t0_s: float,
    dt_s: float,
    band: BandConfig,
    tuning: FlexwinTuning,
    noise_end_index: int | None,
) -> TraceWindows:
    """FLEXWIN on one trace (see the module text); indices into the trace's samples."""
    out = TraceWindows()
    w = band.stalta_waterlevel
    t_min = band.min_period_s
    maxima, minima = _extrema(stalta, tuning.ends_as_minima)
    seeds = maxima[stalta[maxima] > w]
    if minima.size:
        seeds = seeds[(seeds > minima[0]) & (seeds < minima[-1])]
    else:
        seeds = seeds[:0]
    if seeds.size == 0:
        out.trace_reason = "no_candidate"
        out.trace_detail = f"STA/LTA peak {stalta.max():.3f} does not exceed {w:g}"
        return out
    # candidate pairs (left, right) of minima around each seed; its seed the highest max
    pos_l = np.searchsorted(minima, seeds, side="left") - 1
    pos_r = np.searchsorted(minima, seeds, side="right")
    pairs: dict[tuple[int, int], int] = {}
    for s, a, b in zip(seeds.tolist(), pos_l.tolist(), pos_r.tolist(), strict=True):
        for li in range(a + 1):
            for ri in range(b, minima.size):
                key = (int(minima[li]), int(minima[ri]))
                old = pairs.get(key)
                if old is None or stalta[s] > stalta[old]:
                    pairs[key] = s
    keys = sorted(pairs)
    left = np.array([k[0] for k in keys], dtype=np.int64)
    right = np.array([k[1] for k in keys], dtype=np.int64)
    seed = np.array([pairs[k] for k in keys], dtype=np.int64)
    alive = np.ones(left.size, dtype=bool)

    def reject(mask: np.ndarray, reason: str, detail_of) -> None:
        for j in np.flatnonzero(mask & alive):
            out.rejected.append((int(left[j]), int(right[j]), reason, detail_of(j)))
        alive[mask] = False

    # water level: internal minima at or below c0 * w
    low_minima = minima[stalta[minima] <= tuning.c0 * w]
    cnt = np.searchsorted(low_minima, right, side="left") - np.searchsorted(
        low_minima, left, side="right"
    )
    reject(
        cnt > 0,
        "water_level",
        lambda j: f"{cnt[j]} internal STA/LTA minimum/minima <= {tuning.c0 * w:.3g}",
    )
    # prominence of the seed
    if tuning.c2 > 0:
        il = np.searchsorted(minima, seed) - 1
        ir = np.searchsorted(minima, seed)
        h = stalta[seed]
        low = np.maximum(stalta[minima[il]], stalta[minima[ir]])
        reject(
            h - low < tuning.c2 * h,
            "prominence",
            lambda j: f"seed rises {h[j] - low[j]:.3g} above a neighbouring minimum",
        )
    # phase separation and curtailing
    new_left = left.copy()
    new_right = right.copy()
    for j in np.flatnonzero(alive):
        a, b, s = left[j], right[j], seed[j]
        mins_in = minima[(minima >= a) & (minima <= b)]
        floor = stalta[mins_in].min()
        d_seed = stalta[s] - floor
        inner = maxima[(maxima > a) & (maxima < b)]
        others = inner[inner != s]
        if others.size:
            d_time = np.abs(others - s) * dt_s / t_min
            f = np.where(
                d_time >= tuning.c3b, np.exp(-(((d_time - tuning.c3b) / tuning.c3b) ** 2)), 1.0
            )
            bad = (stalta[others] - floor) > tuning.c3a * d_seed * f
            if bad.any():
                k = others[np.argmax(bad)]
                out.rejected.append(
                    (
                        int(a),
                        int(b),
                        "phase_separation",
                        f"maximum at {_fmt(t0_s, dt_s, k)} s is a separate phase",
                    )
                )
                alive[j] = False
                continue
        if inner.size >= 2:
            lim_l = int(inner[0] - math.floor(tuning.c4a * t_min / dt_s))
            lim_r = int(inner[-1] + math.floor(tuning.c4b * t_min / dt_s))
            new_left[j] = max(a, lim_l)
            new_right[j] = min(b, lim_r)
    left, right = new_left, new_right
    # curtailing can make two candidates equal: keep the first of each (sorted order)
    order = np.lexsort((right, left))
    seen: set[tuple[int, int]] = set()
    for j in order:
        if not alive[j]:
            continue
        key = (int(left[j]), int(right[j]))
        if key in seen:
            out.rejected.append(
                (key[0], key[1], "duplicate", "the same window as another candidate once curtailed")
            )
            alive[j] = False
        seen.add(key)
    length = (right - left) * dt_s
    reject(
        length < band.min_window_length_s,
        "too_short",
        lambda j: f"{length[j]:.1f} s < {band.min_window_length_s:g} s",
    )
    # data criteria
    noise = None
    if noise_end_index is not None and noise_end_index >= 2:
        noise = float(np.max(np.abs(obs[:noise_end_index])))
    accepted: list[tuple[int, int, float, float, float, float]] = []
    for j in np.flatnonzero(alive):
        a, b = int(left[j]), int(right[j])
        o = obs[a : b + 1]
        sy = syn[a : b + 1]
        snr = float(np.max(np.abs(o)) / noise) if noise and noise > 0 else float("nan")
        if noise is not None and noise > 0 and snr < band.min_snr:
            out.rejected.append((a, b, "snr_below_threshold", f"SNR {snr:.2f} < {band.min_snr:g}"))
            continue
        cc, shift, dlna = measure(o, sy, dt_s)
        if not math.isfinite(cc):
            out.rejected.append((a, b, "cc_below_threshold", "zero energy in the window"))
            continue
        if abs(shift) > band.max_time_shift_s:
            out.rejected.append(
                (
                    a,
                    b,
                    "time_shift_above_threshold",
                    f"|shift| {abs(shift):.1f} s > {band.max_time_shift_s:g} s",
                )
            )
            continue
        if abs(dlna) > band.max_abs_dlna:
            out.rejected.append(
                (a, b, "dlna_above_threshold", f"|dlnA| {abs(dlna):.2f} > {band.max_abs_dlna:g}")
            )
            continue
        if cc < band.cc_min:
            out.rejected.append((a, b, "cc_below_threshold", f"cc {cc:.3f} < {band.cc_min:g}"))
            continue
        accepted.append((a, b, cc, shift, dlna, snr))
    chosen = _schedule(accepted, dt_s, t_min)
    for k, win in enumerate(accepted):
        if k in chosen:
            out.windows.append(win)
        else:
            out.rejected.append(
                (
                    win[0],
                    win[1],
                    "overlap",
                    f"overlaps a selected window of larger weight (cc {win[2]:.3f})",
                )
            )
    out.windows.sort()
    if not out.windows:
        counts = Counter(r[2] for r in out.rejected)
        out.trace_reason = "no_window"
        out.trace_detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    return out


def _schedule(
    wins: Sequence[tuple[int, int, float, float, float, float]], dt_s: float, t_min: float
) -> set[int]:
    """Weighted interval scheduling: indices of the non-overlapping subset of largest
    total weight ``length / T0 * cc`` (ties: earlier end, then earlier start)."""
    if not wins:
        return set()
    order = sorted(range(len(wins)), key=lambda k: (wins[k][1], wins[k][0], k))
    ends = [wins[k][1] for k in order]
    weight = [(wins[k][1] - wins[k][0]) * dt_s / t_min * wins[k][2] for k in order]
    best = [0.0] * (len(order) + 1)
    take = [False] * len(order)
    prev = [0] * len(order)
    for i, k in enumerate(order):
        # last window ending at or before this one's start (touching is allowed)
        p = int(np.searchsorted(ends, wins[k][0], side="right"))
        p = min(p, i)
        prev[i] = p
        with_it = weight[i] + best[p]
        if with_it > best[i] + 1e-12:
            best[i + 1] = with_it
            take[i] = True
        else:
            best[i + 1] = best[i]
    chosen = set()
    i = len(order) - 1
    while i >= 0:
        if take[i]:
            chosen.add(order[i])
            i = prev[i] - 1
        else:
            i -= 1
    return chosen


# ------------------------------------------------------------------------------ TauP


@lru_cache(maxsize=4)
def _taup(model: str):
    from obspy.taup import TauPyModel

    try:
        return TauPyModel(model=model)
    except Exception as err:
        raise SeisfocError(f"TauP model {model!r} cannot be loaded: {err}") from None


def arrival_times(
    model: str, depth_km: float, distance_deg: float, phases: Sequence[str]
) -> list[float]:
    """TauP arrival times (s after the source time), sorted."""
    arrivals = _taup(model).get_travel_times(
        source_depth_in_km=max(depth_km, 0.0),
        distance_in_degree=distance_deg,
        phase_list=list(phases),
    )
    return sorted(float(a.time) for a in arrivals)


# ------------------------------------------------------------------------------ stage


def select_windows(
    obs: TraceSet,
    syn: TraceSet,
    band: BandConfig,
    *,
    tuning: FlexwinTuning | None = None,
    source_depth_km: float | None = None,
) -> WindowSelection:
    """Windows of one band: FLEXWIN or TauP phase windows (``band.window_method``).

    Parameters
    ----------
    obs, syn
        Processed observed data and reference synthetics on the same grid.
    band
        Thresholds and method.
    tuning
        FLEXWIN's fine-tuning constants.
    source_depth_km
        Needed for phase windows and for ``tuning.noise == "taup"``.

    Returns
    -------
    WindowSelection
        Windows sorted by station (grid order), component and start; every rejected
        candidate and trace with its reason.
    """
    tuning = tuning or FlexwinTuning()
    if obs.data.shape != syn.data.shape or obs.codes != syn.codes:
        raise SeisfocError("observed and synthetic traces are not on the same grid/stations")
    if abs(obs.t0_s - syn.t0_s) > 1e-9 or abs(obs.dt_s - syn.dt_s) > 1e-12:
        raise SeisfocError("observed and synthetic traces do not share a time grid")
    if band.window_method == "phases":
        return phase_windows(obs, syn, band, source_depth_km=source_depth_km, tuning=tuning)
    dt = obs.dt_s
    t0 = obs.t0_s
    wanted = [c for c, comp in enumerate(COMPONENTS) if comp in band.components]
    pairs = [
        (i, c)
        for i in range(len(obs.codes))
        for c in wanted
        if obs.present[i, c] and syn.present[i, c]
    ]
    sel = WindowSelection()
    if not pairs:
        return sel
    ii = np.array([p[0] for p in pairs])
    cc_ = np.array([p[1] for p in pairs])
    syn_rows = syn.data[ii, cc_]
    obs_rows = obs.data[ii, cc_]
    stalta = sta_lta(envelope(syn_rows), dt, band.min_period_s, tuning.stalta_start)
    first = onset_index(stalta, band.stalta_waterlevel)
    shift_noise = int(math.floor(band.min_period_s / dt))
    for r, (i, c) in enumerate(pairs):
        code, comp = obs.codes[i], COMPONENTS[c]
        if tuning.noise == "taup":
            if source_depth_km is None:
                raise SeisfocError("noise from TauP needs the source depth")
            times = arrival_times(
                tuning.taup_model, source_depth_km, float(obs.distance_deg[i]), ["p", "P", "Pdiff"]
            )
            noise_end = int(math.floor((times[0] - band.min_period_s - t0) / dt)) if times else None
        else:
            noise_end = int(first[r]) - shift_noise if first[r] >= 0 else None
        tw = flexwin_trace(obs_rows[r], syn_rows[r], stalta[r], t0, dt, band, tuning, noise_end)
        _collect(sel, tw, band.name, code, comp, t0, dt)
    return sel


def _collect(
    sel: WindowSelection, tw: TraceWindows, band: str, code: str, comp: str, t0: float, dt: float
) -> None:
    for a, b, cc, shift, dlna, snr in tw.windows:
        sel.windows.append(Window(band, code, comp, t0 + a * dt, t0 + b * dt, cc, shift, dlna, snr))
    for a, b, reason, detail in sorted(tw.rejected, key=lambda r: (r[0], r[1], r[2], r[3])):
        sel.rejected.append(Rejection(band, code, comp, reason, detail, t0 + a * dt, t0 + b * dt))
    if tw.trace_reason:
        sel.rejected.append(Rejection(band, code, comp, tw.trace_reason, tw.trace_detail))


def phase_windows(
    obs: TraceSet,
    syn: TraceSet,
    band: BandConfig,
    *,
    source_depth_km: float | None,
    tuning: FlexwinTuning | None = None,
) -> WindowSelection:
    """Fixed windows about TauP arrivals of ``band.phases`` (see the module text)."""
    tuning = tuning or FlexwinTuning()
    if source_depth_km is None:
        raise SeisfocError("phase windows need the source depth")
    dt, t0 = obs.dt_s, obs.t0_s
    n = obs.data.shape[-1]
    sel = WindowSelection()
    for i, code in enumerate(obs.codes):
        times = arrival_times(
            tuning.taup_model, source_depth_km, float(obs.distance_deg[i]), band.phases
        )
        for c, comp in enumerate(COMPONENTS):
            if comp not in band.components or not (obs.present[i, c] and syn.present[i, c]):
                continue
            tw = TraceWindows()
            if not times:
                tw.trace_reason = "no_arrival"
                tw.trace_detail = (
                    f"no {'/'.join(band.phases)} at {obs.distance_deg[i]:.1f} deg "
                    f"({tuning.taup_model})"
                )
                _collect(sel, tw, band.name, code, comp, t0, dt)
                continue
            a = max(0, int(math.floor((times[0] - band.phase_before_s - t0) / dt)))
            b = min(n - 1, int(math.ceil((times[-1] + band.phase_after_s - t0) / dt)))
            o, s = obs.data[i, c], syn.data[i, c]
            noise_end = int(math.floor((times[0] - band.min_period_s - t0) / dt))
            noise = float(np.max(np.abs(o[:noise_end]))) if noise_end >= 2 else 0.0
            ow, sw = o[a : b + 1], s[a : b + 1]
            snr = float(np.max(np.abs(ow)) / noise) if noise > 0 else float("nan")
            cc, shift, dlna = measure(ow, sw, dt) if b > a else (float("nan"), 0.0, float("nan"))
            reason = None
            if (b - a) * dt < band.min_window_length_s:
                reason, detail = "too_short", f"{(b - a) * dt:.1f} s within the trace"
            elif noise > 0 and snr < band.min_snr:
                reason, detail = "snr_below_threshold", f"SNR {snr:.2f} < {band.min_snr:g}"
            elif not math.isfinite(cc) or cc < band.cc_min:
                reason, detail = "cc_below_threshold", f"cc {cc:.3f} < {band.cc_min:g}"
            elif abs(shift) > band.max_time_shift_s:
                reason = "time_shift_above_threshold"
                detail = f"|shift| {abs(shift):.1f} s > {band.max_time_shift_s:g} s"
            elif abs(dlna) > band.max_abs_dlna:
                reason = "dlna_above_threshold"
                detail = f"|dlnA| {abs(dlna):.2f} > {band.max_abs_dlna:g}"
            if reason is None:
                tw.windows.append((a, b, cc, shift, dlna, snr))
            else:
                tw.rejected.append((a, b, reason, detail))
                tw.trace_reason, tw.trace_detail = "no_window", f"{reason} 1"
            _collect(sel, tw, band.name, code, comp, t0, dt)
    return sel


def window_event(
    processed: dict,
    bands: Sequence[BandConfig],
    *,
    source_depth_km: float | None = None,
    tuning: FlexwinTuning | None = None,
    reference_run: str = "CMT",
) -> WindowSelection:
    """Windows of every band of an event (``processed``: band name to
    :class:`seisfoc.cmt.process.ProcessedBand`)."""
    out = WindowSelection()
    for band in bands:
        res = processed[band.name]
        if res.obs is None:
            raise SeisfocError(f"band {band.name}: no observed data were processed")
        sel = select_windows(
            res.obs, res.syn[reference_run], band, tuning=tuning, source_depth_km=source_depth_km
        )
        out.windows.extend(sel.windows)
        out.rejected.extend(sel.rejected)
    return out


# ------------------------------------------------------------------------------ files


def _clean(d: dict) -> dict:
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()}


def _unclean(d: dict) -> dict:
    return {k: (float("nan") if v is None else v) for k, v in d.items()}


def save_windows(
    path: str | os.PathLike, selection: WindowSelection, meta: dict | None = None
) -> Path:
    """Write windows and rejections as JSON (atomically; NaN written as null)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "format": "seisfoc-cmt-windows/1",
        "meta": meta or {},
        "reasons": REASONS,
        "windows": [_clean(asdict(w)) for w in selection.windows],
        "rejected": [_clean(asdict(r)) for r in selection.rejected],
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_windows(path: str | os.PathLike) -> WindowSelection:
    """Read what :func:`save_windows` wrote."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise SeisfocError(f"cannot read windows: {err.strerror}", path) from None
    except ValueError as err:
        raise SeisfocError(f"not a windows JSON file: {err}", path) from None
    try:
        return WindowSelection(
            windows=[Window(**_unclean(w)) for w in doc["windows"]],
            rejected=[Rejection(**_unclean(r)) for r in doc["rejected"]],
        )
    except (KeyError, TypeError) as err:
        raise SeisfocError(f"not a windows JSON file ({err})", path) from None
