"""Per-window normal equations of the CMT inversion (ALGORITHMS.md 7).

For window w with Tukey taper t (alpha 0.2 by default), residual r = obs - syn of the
reference run and derivative traces D (one row per parameter)::

    A_w = dt (t D) (t D)^T            b_w = dt sum_k (t r)_k (t D)_k
    misfit_w = dt sum_k (t r)_k^2     obs_energy_w = dt sum_k (t obs)_k^2

so that the linearised misfit after an update dm is exactly
``misfit_w - 2 b_w . dm + dm . A_w dm``. The derivative rows come from the run
synthetics through :class:`seisfoc.cmt.prepare.Stencil`: ``syn_ij / dM`` for the
moment-tensor runs (exact by linearity), finite differences for depth, longitude,
latitude. Everything is in the parameters' natural units (dyne-cm, km, deg, s); the
inversion scales them.

Centroid time shift t0 and half duration h (``n_parameters`` 10 and 11) are differentiated
without further simulations, from the reference synthetic s(t) alone (exact relations,
evaluated on the processed traces: band-pass filtering commutes with them):

* a later centroid time delays every seismogram: s(t - dt0), so ``d s / d t0 = -s'(t)``;
* the source time function both engines apply is SPECFEM's Gaussian moment rate
  ``exp(-(t/hg)^2) / (sqrt(pi) hg)`` with ``hg = h / c``, ``c = 1.628``
  (SOURCE_DECAY_MIMIC_TRIANGLE; :mod:`seisfoc.cmt.simulate` applies it as the spectral
  factor ``exp(-(pi f h / c)^2)``). Gaussians compose by adding variances, so the
  synthetic of half duration h + dh is that of h convolved with the Gaussian of half
  duration sqrt((h + dh)^2 - h^2); in the spectrum ``S(f; h) = S0(f) exp(-(pi f h/c)^2)``
  and ``dS/dh = -2 h (pi f / c)^2 S``, which is, since ``(2 pi i f)^2`` is d2/dt2::

      d s / d h = h / (2 c^2) s''(t)

  (zero at h = 0: there the synthetics do not depend on h to first order).

The derivatives s' and s'' are fourth-order central differences on the trace's own
samples (relative error about (2 pi dt / T)^4 / 30 for period T: 1e-5 at T = 40 s,
dt = 1 s), second order at the two end samples of each side.

Station correction: the cross-correlation lag of obs against syn inside the window is
always measured (integer lag refined by a parabola through the peak); only when
``station_correction`` is True is the data window shifted by it before the residual is
formed (pycmt3d shifts whether asked or not). The shifted data are linearly interpolated
at the fractional lag.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
from scipy.signal.windows import tukey

from seisfoc.errors import SeisfocError

from .config import Config
from .prepare import FIRST_DERIVATIVE_RUN, SECOND_DERIVATIVE_RUN, Stencil
from .records import ALL_PARAMETERS, COMPONENTS, TraceSet, Window

__all__ = [
    "Measurements",
    "half_duration_derivative",
    "measure",
    "measure_bands",
    "taper",
    "time_derivative",
    "time_shift_derivative",
    "window_indices",
]


@dataclass
class Measurements:
    """Normal equations and measurements of every window (arrays over windows first)."""

    parameters: tuple[str, ...]  # column order (a prefix of records.ALL_PARAMETERS)
    windows: list[Window]
    A: np.ndarray  # (n_win, n_par, n_par)
    b: np.ndarray  # (n_win, n_par)
    misfit: np.ndarray  # (n_win,) dt sum (t (obs - syn))^2
    obs_energy: np.ndarray  # (n_win,) dt sum (t obs)^2
    syn_energy: np.ndarray  # (n_win,) dt sum (t syn)^2
    cc_max: np.ndarray  # (n_win,) normalised cross-correlation peak
    cc_shift_s: np.ndarray  # (n_win,) lag of obs relative to syn (positive: obs later)
    shift_s: np.ndarray  # (n_win,) lag applied to the data (0 without station correction)
    dlna: np.ndarray  # (n_win,) 0.5 ln(obs_energy / syn_energy)
    distance_deg: np.ndarray  # (n_win,)
    azimuth_deg: np.ndarray  # (n_win,)
    n_samples: np.ndarray  # (n_win,) int
    dt_s: np.ndarray  # (n_win,)
    notes: list[str] = field(default_factory=list)

    @property
    def n_windows(self) -> int:
        return len(self.windows)

    @property
    def chi(self) -> np.ndarray:
        """Per-window normalised misfit sum (t (obs - syn))^2 / sum (t obs)^2."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.obs_energy > 0, self.misfit / self.obs_energy, 0.0)

    def subset(self, index) -> Measurements:
        """The windows selected by ``index`` (an integer array or a boolean mask)."""
        idx = np.arange(self.n_windows)[index]
        return Measurements(
            parameters=self.parameters,
            windows=[self.windows[i] for i in idx],
            **{name: getattr(self, name)[idx] for name in _ARRAYS},
            notes=list(self.notes),
        )

    @staticmethod
    def concatenate(parts: Sequence[Measurements]) -> Measurements:
        """One record of the windows of several (e.g. one per band)."""
        parts = [p for p in parts if p.n_windows > 0] or list(parts[:1])
        if not parts:
            raise SeisfocError("no measurements to combine")
        parameters = parts[0].parameters
        for p in parts:
            if p.parameters != parameters:
                raise SeisfocError("measurements with different parameters cannot be combined")
        return Measurements(
            parameters=parameters,
            windows=[w for p in parts for w in p.windows],
            **{name: np.concatenate([getattr(p, name) for p in parts]) for name in _ARRAYS},
            notes=[n for p in parts for n in p.notes],
        )


_ARRAYS = ("A", "b", "misfit", "obs_energy", "syn_energy", "cc_max", "cc_shift_s", "shift_s",
           "dlna", "distance_deg", "azimuth_deg", "n_samples", "dt_s")  # fmt: skip


def time_derivative(data: np.ndarray, dt_s: float, order: int = 1) -> np.ndarray:
    """First or second derivative along the last axis of samples spaced ``dt_s``.

    Fourth-order central differences inside, second order at the two samples of each
    end (one-sided at the ends).

    Parameters
    ----------
    data
        Traces, samples along the last axis (at least 5).
    dt_s
        Sampling interval (s).
    order
        1 or 2.

    Returns
    -------
    ndarray
        The derivative, same shape as ``data`` (units per s or per s^2).
    """
    x = np.asarray(data, dtype=float)
    n = x.shape[-1]
    if n < 5:
        raise SeisfocError(f"a trace of {n} samples is too short to differentiate (5 needed)")
    if not dt_s > 0.0:
        raise SeisfocError(f"sampling interval must be positive, got {dt_s}")
    out = np.empty_like(x)
    if order == 1:
        out[..., 2:-2] = (x[..., :-4] - 8.0 * x[..., 1:-3] + 8.0 * x[..., 3:-1] - x[..., 4:]) / (
            12.0 * dt_s
        )
        out[..., 1] = (x[..., 2] - x[..., 0]) / (2.0 * dt_s)
        out[..., -2] = (x[..., -1] - x[..., -3]) / (2.0 * dt_s)
        out[..., 0] = (-3.0 * x[..., 0] + 4.0 * x[..., 1] - x[..., 2]) / (2.0 * dt_s)
        out[..., -1] = (3.0 * x[..., -1] - 4.0 * x[..., -2] + x[..., -3]) / (2.0 * dt_s)
    elif order == 2:
        h2 = dt_s * dt_s
        out[..., 2:-2] = (
            -x[..., :-4] + 16.0 * x[..., 1:-3] - 30.0 * x[..., 2:-2] + 16.0 * x[..., 3:-1]
            - x[..., 4:]
        ) / (12.0 * h2)  # fmt: skip
        out[..., 1] = (x[..., 0] - 2.0 * x[..., 1] + x[..., 2]) / h2
        out[..., -2] = (x[..., -3] - 2.0 * x[..., -2] + x[..., -1]) / h2
        out[..., 0] = (2.0 * x[..., 0] - 5.0 * x[..., 1] + 4.0 * x[..., 2] - x[..., 3]) / h2
        out[..., -1] = (2.0 * x[..., -1] - 5.0 * x[..., -2] + 4.0 * x[..., -3] - x[..., -4]) / h2
    else:
        raise SeisfocError(f"derivative order must be 1 or 2, got {order}")
    return out


def time_shift_derivative(data: np.ndarray, dt_s: float) -> np.ndarray:
    """``d s / d t0 = -s'(t)``: the derivative of synthetics by the centroid time shift.

    Parameters
    ----------
    data
        Synthetics of the reference source, samples along the last axis.
    dt_s
        Sampling interval (s).

    Returns
    -------
    ndarray
        Same shape as ``data``, per second of time shift.
    """
    return -time_derivative(data, dt_s, 1)


def half_duration_derivative(data: np.ndarray, dt_s: float, half_duration_s: float) -> np.ndarray:
    """``d s / d h = h / (2 c^2) s''(t)``: the derivative of synthetics made with SPECFEM's
    Gaussian source time function of half duration ``h`` (``c = 1.628``) by h.

    Parameters
    ----------
    data
        Synthetics of the reference source, samples along the last axis.
    dt_s
        Sampling interval (s).
    half_duration_s
        The half duration h the synthetics were made with (s).

    Returns
    -------
    ndarray
        Same shape as ``data``, per second of half duration.
    """
    from .simulate import SOURCE_DECAY_MIMIC_TRIANGLE as c

    return (float(half_duration_s) / (2.0 * c * c)) * time_derivative(data, dt_s, 2)


def _with_derivative_runs(
    syns: Mapping[str, TraceSet], stencils: Mapping[str, Stencil]
) -> Mapping[str, TraceSet]:
    """``syns`` with the derivative traces of the reference run that the stencils name."""
    wanted = {s.plus_run for s in stencils.values() if s.kind == "analytic"}
    missing = [r for r in (FIRST_DERIVATIVE_RUN, SECOND_DERIVATIVE_RUN)
               if r in wanted and r not in syns]  # fmt: skip
    if not missing or "CMT" not in syns:
        return syns
    ref = syns["CMT"]
    out = dict(syns)
    for run in missing:
        order = 1 if run == FIRST_DERIVATIVE_RUN else 2
        out[run] = replace(ref, data=time_derivative(ref.data, ref.dt_s, order))
    return out


@lru_cache(maxsize=512)
def _taper_cached(n: int, alpha: float) -> np.ndarray:
    t = tukey(n, alpha, sym=True)
    t.setflags(write=False)
    return t


def taper(n: int, alpha: float = 0.2) -> np.ndarray:
    """The Tukey taper of ``n`` samples (alpha 0: boxcar, 1: Hann)."""
    return _taper_cached(int(n), float(alpha))


def window_indices(window: Window, t0_s: float, dt_s: float, n_samples: int) -> tuple[int, int]:
    """First and last sample (inclusive) of ``window`` on a grid; SeisfocError when the
    window is not inside the trace or shorter than three samples."""
    eps = 1e-6
    i0 = math.ceil((window.start_s - t0_s) / dt_s - eps)
    i1 = math.floor((window.end_s - t0_s) / dt_s + eps)
    if i0 < 0 or i1 > n_samples - 1 or i1 - i0 < 2:
        raise SeisfocError(
            f"window {window.start_s:g}-{window.end_s:g} s on {window.code}.{window.component}"
            f" ({window.band}) is not inside the trace ({t0_s:g}"
            f"-{t0_s + (n_samples - 1) * dt_s:g} s) or shorter than three samples"
        )
    return i0, i1


def _check_grid(ref: TraceSet, other: TraceSet, what: str) -> None:
    if (
        other.data.shape[-1] != ref.data.shape[-1]
        or not math.isclose(other.dt_s, ref.dt_s, rel_tol=1e-9)
        or not math.isclose(other.t0_s, ref.t0_s, rel_tol=0.0, abs_tol=1e-6 * ref.dt_s)
    ):
        raise SeisfocError(
            f"{what} is not on the time grid of the observed data (t0 {other.t0_s} vs"
            f" {ref.t0_s} s, dt {other.dt_s} vs {ref.dt_s} s, {other.data.shape[-1]} vs"
            f" {ref.data.shape[-1]} samples)"
        )


def _cross_correlate(
    obs: np.ndarray, syn: np.ndarray, first: np.ndarray, length: np.ndarray,
    max_lag: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Normalised cross-correlation peak and lag (samples, fractional) of obs(t + lag)
    against syn(t) over samples first..first+length-1 of each row, lags within
    +-max_lag (samples outside the trace count as zero); all windows at once by FFT.

    ``obs`` and ``syn`` are (n_win, n_t) traces, one row per window.
    """
    n_win, n_t = obs.shape
    if n_win == 0:
        return np.zeros(0), np.zeros(0)
    k_max = int(max_lag.max())
    width = int(length.max())
    span = width + 2 * k_max
    m = np.arange(span)
    pos = first[:, None] - k_max + m[None, :]
    inside = (pos >= 0) & (pos < n_t)
    rows = np.arange(n_win)[:, None]
    ext = np.where(inside, obs[rows, np.clip(pos, 0, n_t - 1)], 0.0)
    k = np.arange(width)
    in_window = k[None, :] < length[:, None]
    s = np.where(in_window, syn[rows, np.minimum(first[:, None] + k[None, :], n_t - 1)], 0.0)
    n_fft = 1 << int(np.ceil(np.log2(span + width)))
    c = np.fft.irfft(np.fft.rfft(ext, n_fft) * np.conj(np.fft.rfft(s, n_fft)), n_fft)
    c = c[:, : 2 * k_max + 1]  # c[:, j]: lag j - k_max
    csum = np.concatenate([np.zeros((n_win, 1)), np.cumsum(ext * ext, axis=1)], axis=1)
    j = np.arange(2 * k_max + 1)
    e_obs = np.take_along_axis(csum, j[None, :] + length[:, None], axis=1) - csum[:, j]
    e_syn = np.einsum("wl,wl->w", s, s)
    with np.errstate(divide="ignore", invalid="ignore"):
        cc = np.where(e_obs > 1e-300, c / np.sqrt(np.maximum(e_obs, 0.0) * e_syn[:, None]), -np.inf)
    cc[np.abs(j[None, :] - k_max) > max_lag[:, None]] = -np.inf
    best = np.argmax(cc, axis=1)
    peak = cc[np.arange(n_win), best]
    frac = np.zeros(n_win)
    left = np.clip(best - 1, 0, 2 * k_max)
    right = np.clip(best + 1, 0, 2 * k_max)
    y0 = cc[np.arange(n_win), left]
    y2 = cc[np.arange(n_win), right]
    interior = (best > 0) & (best < 2 * k_max) & np.isfinite(y0) & np.isfinite(y2)
    denom = np.where(interior, y0 - 2.0 * peak + y2, 0.0)
    fit = interior & (denom < 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(fit, np.clip(0.5 * (y0 - y2) / np.where(fit, denom, 1.0), -0.5, 0.5),
                        0.0)  # fmt: skip
    peak = np.where(fit, peak - 0.25 * (y0 - y2) * frac, peak)
    dead = ~np.isfinite(peak) | (e_syn <= 0)
    peak = np.where(dead, 0.0, np.minimum(peak, 1.0))
    lag = np.where(dead, 0.0, best - k_max + frac)
    return peak, lag


#: windows measured together (one padded block)
_BLOCK = 16


def _shifted(trace: np.ndarray, i0: int, n: int, lag: float) -> tuple[np.ndarray, bool]:
    """``trace`` at samples i0+lag .. i0+n-1+lag (linear interpolation), clipped to the
    trace; True when clipping was needed."""
    n_t = trace.shape[-1]
    x = np.arange(i0, i0 + n) + lag
    clipped = bool(x[0] < 0 or x[-1] > n_t - 1)
    x = np.clip(x, 0.0, n_t - 1.0)
    k = np.minimum(np.floor(x).astype(np.intp), n_t - 2)
    f = x - k
    return trace[k] * (1.0 - f) + trace[k + 1] * f, clipped


def measure(
    obs: TraceSet,
    syns: Mapping[str, TraceSet],
    windows: Sequence[Window],
    stencils: Mapping[str, Stencil],
    *,
    taper_alpha: float = 0.2,
    station_correction: bool = False,
    max_shift_s: float | None = None,
) -> Measurements:
    """The normal equations of every window of one band.

    Parameters
    ----------
    obs
        Processed observed traces.
    syns
        Run name to processed synthetics on the same time grid (``CMT`` and the runs the
        stencils name).
    windows
        The measurement windows (on traces present in obs and syns).
    stencils
        Parameter to derivative stencil (``prepare.stencils``); an empty mapping measures
        misfits only (used for the variance reduction of new synthetics).
    taper_alpha
        Tukey taper of each window.
    station_correction
        Shift the data window by the measured cross-correlation lag (only then).
    max_shift_s
        Largest lag searched; None: a quarter of each window's length.

    Returns
    -------
    Measurements
    """
    parameters = tuple(p for p in ALL_PARAMETERS if p in stencils)
    if len(parameters) != len(stencils):
        unknown = set(stencils) - set(ALL_PARAMETERS)
        raise SeisfocError(f"unknown parameters {sorted(unknown)}")
    if "CMT" not in syns:
        raise SeisfocError("synthetics of the reference run CMT are missing")
    syns = _with_derivative_runs(syns, stencils)
    needed = ["CMT"]
    for p in parameters:
        s = stencils[p]
        for run in (s.plus_run, s.minus_run):
            if run is not None and run not in needed:
                if run not in syns:
                    raise SeisfocError(f"synthetics of run {run} (derivative by {p}) are missing")
                needed.append(run)
    for run in needed:
        _check_grid(obs, syns[run], f"run {run}")
    # coefficient matrix: D = C @ S, S the stacked run traces of one window
    coef = np.zeros((len(parameters), len(needed)))
    for i, p in enumerate(parameters):
        s = stencils[p]
        coef[i, needed.index(s.plus_run)] += 1.0 / s.step
        if s.minus_run is not None:
            coef[i, needed.index(s.minus_run)] -= 1.0 / s.step

    n_win = len(windows)
    n_par = len(parameters)
    n_run = len(needed)
    dt = float(obs.dt_s)
    n_t = obs.data.shape[-1]
    notes: list[str] = []
    # where each window lies: station rows (observed and every run), component, samples
    obs_index = {code: i for i, code in enumerate(obs.codes)}
    syn_index = {run: {c: i for i, c in enumerate(syns[run].codes)} for run in needed}
    comp_index = {c: i for i, c in enumerate(COMPONENTS)}
    i_obs = np.zeros(n_win, dtype=np.intp)
    rows = np.zeros((n_run, n_win), dtype=np.intp)
    comp = np.zeros(n_win, dtype=np.intp)
    first = np.zeros(n_win, dtype=np.intp)
    length = np.zeros(n_win, dtype=np.intp)
    for w, win in enumerate(windows):
        if win.component not in comp_index:
            raise SeisfocError(f"window on unknown component {win.component!r}")
        c = comp_index[win.component]
        io = obs_index.get(win.code)
        if io is None or not obs.present[io, c]:
            raise SeisfocError(f"window on {win.code}.{win.component} ({win.band}) but no such"
                               " observed trace")  # fmt: skip
        for r, run in enumerate(needed):
            i_syn = syn_index[run].get(win.code)
            if i_syn is None or not syns[run].present[i_syn, c]:
                raise SeisfocError(f"window on {win.code}.{win.component} ({win.band}) but no"
                                   f" such trace in run {run}")  # fmt: skip
            rows[r, w] = i_syn
        i0, i1 = window_indices(win, obs.t0_s, dt, n_t)
        i_obs[w], comp[w], first[w], length[w] = io, c, i0, i1 - i0 + 1

    # cross-correlation lag of obs against the reference synthetics (always measured)
    if max_shift_s is not None:
        max_lag = np.full(n_win, max(1, int(round(max_shift_s / dt))))
    else:
        max_lag = np.maximum(1, length // 4)
    cc_max, lag = _cross_correlate(
        obs.data[i_obs, comp], syns["CMT"].data[rows[0], comp], first, length, max_lag
    )
    shift = lag if station_correction else np.zeros(n_win)

    out = {
        "A": np.zeros((n_win, n_par, n_par)),
        "b": np.zeros((n_win, n_par)),
        **{name: np.zeros(n_win) for name in ("misfit", "obs_energy", "syn_energy")},
    }
    # windows in blocks of similar length, padded to the block's longest (the taper is
    # zero beyond a window's end); traces copied by slices, products by BLAS
    order = np.argsort(length, kind="stable")
    run_data = [syns[run].data for run in needed]
    for lo in range(0, n_win, _BLOCK):
        sel = order[lo : lo + _BLOCK]
        n_len = length[sel]
        width = int(n_len.max())
        m = len(sel)
        tap = np.zeros((m, width))
        o = np.zeros((m, width))
        stack = np.zeros((n_run, m, width))
        for j, w in enumerate(sel):
            n_w, i0, c = int(n_len[j]), int(first[w]), int(comp[w])
            tap[j, :n_w] = taper(n_w, taper_alpha)
            if station_correction and shift[w] != 0.0:
                o[j, :n_w], clipped = _shifted(obs.data[i_obs[w], c], i0, n_w, float(shift[w]))
                if clipped:
                    win = windows[int(w)]
                    notes.append(
                        f"{win.code}.{win.component} ({win.band}) {win.start_s:g}-"
                        f"{win.end_s:g} s: shifted data window runs past the trace end (edge"
                        " samples repeated)"
                    )
            else:
                o[j, :n_w] = obs.data[i_obs[w], c, i0 : i0 + n_w]
            for r in range(n_run):
                stack[r, j, :n_w] = run_data[r][rows[r, w], c, i0 : i0 + n_w]
        tr = tap * (o - stack[0])
        to = tap * o
        ts = tap * stack[0]
        out["misfit"][sel] = dt * np.einsum("wl,wl->w", tr, tr)
        out["obs_energy"][sel] = dt * np.einsum("wl,wl->w", to, to)
        out["syn_energy"][sel] = dt * np.einsum("wl,wl->w", ts, ts)
        if n_par:
            d = (coef @ stack.reshape(n_run, -1)).reshape(n_par, m, width)
            d = np.swapaxes(d, 0, 1) * tap[:, None, :]
            out["A"][sel] = dt * (d @ np.swapaxes(d, 1, 2))
            out["b"][sel] = dt * np.einsum("wpl,wl->wp", d, tr)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = out["obs_energy"] / out["syn_energy"]
        dlna = np.where((out["obs_energy"] > 0) & (out["syn_energy"] > 0), 0.5 * np.log(ratio), 0.0)
    return Measurements(
        parameters=parameters,
        windows=list(windows),
        notes=notes,
        cc_max=cc_max,
        cc_shift_s=lag * dt,
        shift_s=shift * dt,
        dlna=dlna,
        distance_deg=np.asarray(obs.distance_deg, dtype=float)[i_obs],
        azimuth_deg=np.asarray(obs.azimuth_deg, dtype=float)[i_obs],
        n_samples=length.astype(int),
        dt_s=np.full(n_win, dt),
        **out,
    )


def measure_bands(
    obs: Mapping[str, TraceSet],
    syns: Mapping[str, Mapping[str, TraceSet]],
    windows: Sequence[Window],
    stencils: Mapping[str, Stencil],
    cfg: Config,
) -> Measurements:
    """:func:`measure` of every configured band, concatenated (band order of the
    configuration, window order within a band kept).

    Parameters
    ----------
    obs
        Band name to observed traces.
    syns
        Band name to (run name to synthetics).
    windows
        Windows of all bands.
    stencils
        Parameter to stencil (only the first ``cfg.invert.n_parameters`` are used).
    cfg
        Taper, station correction and (per band) the largest lag searched.
    """
    keep = ALL_PARAMETERS[: cfg.invert.n_parameters]
    used = {p: s for p, s in stencils.items() if p in keep}
    missing = [p for p in keep if p not in used]
    if missing:
        raise SeisfocError(f"no derivative stencil for {', '.join(missing)}")
    parts = []
    known = set(cfg.band_names)
    for w in windows:
        if w.band not in known:
            raise SeisfocError(f"window of band {w.band!r}, which the configuration lacks")
    for band in cfg.bands:
        mine = [w for w in windows if w.band == band.name]
        if not mine:
            continue
        if band.name not in obs or band.name not in syns:
            raise SeisfocError(f"band {band.name} has windows but no processed traces")
        parts.append(
            measure(
                obs[band.name],
                syns[band.name],
                mine,
                used,
                taper_alpha=cfg.invert.taper_alpha,
                station_correction=cfg.invert.station_correction,
                max_shift_s=band.max_time_shift_s,
            )
        )
    if not parts:
        raise SeisfocError("no measurement windows in any band")
    return Measurements.concatenate(parts)
