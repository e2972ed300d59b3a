"""Quality control of observed traces, every decision with a named reason.

pycmt3d checks nothing: a NaN goes straight into A and b, and a gain or polarity error
biases the answer without a word. Here every observed trace is looked at twice:

* :func:`check_raw` on the trace as read (before processing): non-finite samples, gaps
  (masked or zero-filled stretches), dead channels, clipping, a sampling interval that
  contradicts the metadata, and a time span that does not cover what is needed. Some
  findings are *repairs* (a different sampling rate is resampled and used, short
  zero-filled gaps at the ends are cut off); the others reject the trace.
* :func:`check_against_synthetic` on the processed trace beside the reference synthetic
  of the same component: an implausible amplitude ratio (a gain error), a reversed
  polarity (strongly negative correlation), a time shift beyond the allowed lag.

Each function returns :class:`QCResult` records (``status`` "ok", "repaired" or
"rejected", a stable ``reason`` code, a human-readable ``detail``); the codes are listed
in :data:`REASONS` and appear unchanged in the JSON and text reports. The functions are
pure (numpy arrays in, records out) so that any stage or scheduler can call them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

#: every reason code this module can give, with what it means
REASONS: dict[str, str] = {
    "non_finite": "NaN or infinite samples",
    "gap": "a gap or overlap: a masked or zero-filled stretch inside the trace",
    "dead_channel": "constant or all-zero samples",
    "clipped": "flat tops at the peak amplitude (the recorder saturated)",
    "sampling_mismatch": "the header's sampling interval contradicts the metadata",
    "resampled": "a different sampling rate than the others; resampled and used",
    "too_short": "the trace does not cover the time span the windows need",
    "no_metadata": "the station is missing from the station list or StationXML",
    "missing_component": "a component is missing; the others are used",
    "amplitude_ratio": "implausible amplitude against the synthetic (gain error?)",
    "reversed_polarity": "strongly negative correlation with the synthetic",
    "time_shift": "the time shift against the synthetic exceeds the allowed lag",
    "too_few_samples": "too few samples to judge",
    "undersampled": "sampled too coarsely for the band's shortest period",
}


@dataclass(frozen=True)
class QCThresholds:
    """Limits of the checks (defaults suit long-period GSN records)."""

    #: longest zero-filled stretch (samples) tolerated inside a trace
    max_zero_run: int = 10
    #: a flat top is a run of at least this many samples within `clip_tolerance` of the
    #: peak; the trace is clipped when such runs hold `clip_fraction` of its samples
    clip_run: int = 4
    clip_tolerance: float = 1e-5
    clip_fraction: float = 0.002
    #: relative tolerance between header and metadata sampling intervals
    delta_tolerance: float = 1e-3
    #: |ln(A_obs / A_syn)| above ln(max_amplitude_ratio) rejects (10 = a factor of 10)
    max_amplitude_ratio: float = 5.0
    #: a zero-lag-or-best correlation below -reversed_cc marks a reversed polarity
    reversed_cc: float = 0.7
    #: largest allowed |time shift| (s) of the data against the synthetic
    max_time_shift_s: float = 30.0
    #: fewest samples a trace must have
    min_samples: int = 16


@dataclass(frozen=True)
class QCResult:
    """One decision about one trace (or one station's component set)."""

    code: str  # NET.STA
    component: str  # channel or component letter ("" for the whole station)
    status: str  # "ok", "repaired" or "rejected"
    reason: str = ""  # a key of REASONS ("" when ok)
    detail: str = ""
    band: str = ""  # the band of a check against the synthetic ("" for the raw checks)

    @property
    def rejected(self) -> bool:
        return self.status == "rejected"


@dataclass
class RawTrace:
    """A trace as read, before any processing (times in seconds on any common clock)."""

    code: str
    component: str
    start_s: float
    delta_s: float
    samples: np.ndarray  # float; a numpy masked array marks gaps as masked samples
    metadata_delta_s: float | None = None  # from StationXML, when known
    notes: list[str] = field(default_factory=list)

    @property
    def end_s(self) -> float:
        return self.start_s + self.delta_s * (len(self.samples) - 1)


def _reject(trace: RawTrace, reason: str, detail: str) -> QCResult:
    return QCResult(trace.code, trace.component, "rejected", reason, detail)


def _longest_run(mask: np.ndarray) -> tuple[int, int]:
    """Length and start index of the longest run of True in a 1-D boolean array."""
    if not mask.any():
        return 0, -1
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    starts, ends = edges[::2], edges[1::2]
    k = int(np.argmax(ends - starts))
    return int(ends[k] - starts[k]), int(starts[k])


def _clipped_fraction(x: np.ndarray, th: QCThresholds) -> float:
    """Fraction of samples in flat-topped runs at the peak (either sign)."""
    peak = np.max(np.abs(x))
    near = np.abs(np.abs(x) - peak) <= th.clip_tolerance * peak
    padded = np.concatenate(([False], near, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    lengths = edges[1::2] - edges[::2]
    return float(lengths[lengths >= th.clip_run].sum()) / x.size


def check_raw(
    trace: RawTrace,
    need_start_s: float | None = None,
    need_end_s: float | None = None,
    thresholds: QCThresholds | None = None,
) -> QCResult:
    """Judge one raw trace.

    Parameters
    ----------
    trace
        The samples as read; masked samples (ObsPy's merge of a gappy stream) are gaps.
    need_start_s, need_end_s
        The time span the later stages need (the earliest window start and latest window
        end, with the taper); ``None`` skips the coverage check.
    thresholds
        Limits of the checks.

    Returns
    -------
    QCResult
        ``rejected`` with the first failing reason in the order non-finite, too few
        samples, gap, dead channel, clipping, sampling, coverage; ``repaired`` when the
        trace can be used after a change the caller must make (resampling); else ``ok``.
    """
    th = thresholds or QCThresholds()
    x = trace.samples
    if np.ma.isMaskedArray(x) and np.ma.getmaskarray(x).any():
        masked = np.ma.getmaskarray(x)
        run, start = _longest_run(masked)
        return _reject(
            trace,
            "gap",
            f"{int(masked.sum())} masked samples, longest run {run} from "
            f"t = {trace.start_s + start * trace.delta_s:.1f} s",
        )
    x = np.asarray(np.ma.getdata(x), dtype=float)
    bad = ~np.isfinite(x)
    if bad.any():
        return _reject(trace, "non_finite", f"{int(bad.sum())} of {x.size} samples NaN or inf")
    if x.size < th.min_samples:
        return _reject(trace, "too_few_samples", f"{x.size} samples (< {th.min_samples})")
    if not np.isfinite(trace.delta_s) or trace.delta_s <= 0:
        return _reject(trace, "sampling_mismatch", f"sampling interval {trace.delta_s!r} s")
    if np.ptp(x) == 0.0:
        return _reject(trace, "dead_channel", f"all {x.size} samples equal {x[0]:g}")
    zeros = x == 0.0
    run, start = _longest_run(zeros)
    if run > th.max_zero_run:
        return _reject(
            trace,
            "gap",
            f"{run} zero samples from t = {trace.start_s + start * trace.delta_s:.1f} s "
            f"(zero-filled gap)",
        )
    clipped = _clipped_fraction(x, th)
    if clipped >= th.clip_fraction:
        return _reject(
            trace, "clipped", f"{100 * clipped:.1f} % of the samples in flat tops at the peak"
        )
    if trace.metadata_delta_s is not None:
        rel = abs(trace.delta_s - trace.metadata_delta_s) / trace.metadata_delta_s
        if rel > th.delta_tolerance:
            return _reject(
                trace,
                "sampling_mismatch",
                f"header delta {trace.delta_s:g} s, metadata {trace.metadata_delta_s:g} s",
            )
    if need_start_s is not None and trace.start_s > need_start_s + 0.5 * trace.delta_s:
        return _reject(
            trace,
            "too_short",
            f"starts at {trace.start_s:.1f} s, needed from {need_start_s:.1f} s",
        )
    if need_end_s is not None and trace.end_s < need_end_s - 0.5 * trace.delta_s:
        return _reject(
            trace, "too_short", f"ends at {trace.end_s:.1f} s, needed to {need_end_s:.1f} s"
        )
    return QCResult(trace.code, trace.component, "ok")


def check_sampling_rates(traces: list[RawTrace]) -> list[QCResult]:
    """Traces whose sampling interval differs from the most common one are to be
    resampled (and used): one ``repaired`` result for each, ``ok`` for the others."""
    if not traces:
        return []
    deltas = np.array([t.delta_s for t in traces])
    values, counts = np.unique(np.round(deltas, 9), return_counts=True)
    common = float(values[np.argmax(counts)])
    out = []
    for t in traces:
        if abs(t.delta_s - common) > 1e-9 * common:
            out.append(
                QCResult(
                    t.code,
                    t.component,
                    "repaired",
                    "resampled",
                    f"{1 / t.delta_s:g} samples/s resampled to {1 / common:g}",
                )
            )
        else:
            out.append(QCResult(t.code, t.component, "ok"))
    return out


def check_components(code: str, present: set[str], wanted: tuple[str, ...]) -> list[QCResult]:
    """One ``missing_component`` note per wanted component that is absent (the station is
    still used with what it has)."""
    return [
        QCResult(code, comp, "repaired", "missing_component", f"no {comp} component")
        for comp in wanted
        if comp not in present
    ]


def _best_lag(obs: np.ndarray, syn: np.ndarray, max_lag: int) -> tuple[int, float, int, float]:
    """Lag (samples, obs later positive) and value of the largest and of the most negative
    normalised cross-correlation within +-max_lag."""
    n = obs.size
    norm = np.sqrt(np.dot(obs, obs) * np.dot(syn, syn))
    full = np.correlate(obs, syn, mode="full") / norm  # lag k at index k + n - 1
    lo, hi = max(0, n - 1 - max_lag), min(full.size, n + max_lag)
    part = full[lo:hi]
    kmax, kmin = int(np.argmax(part)), int(np.argmin(part))
    return kmax + lo - (n - 1), float(part[kmax]), kmin + lo - (n - 1), float(part[kmin])


def check_against_synthetic(
    code: str,
    component: str,
    obs: np.ndarray,
    syn: np.ndarray,
    dt_s: float,
    thresholds: QCThresholds | None = None,
) -> QCResult:
    """Judge a processed observed trace against the reference synthetic of the same
    component on the same time grid.

    Parameters
    ----------
    code, component
        Station code ``NET.STA`` and component letter (for the result).
    obs, syn
        Processed traces, same length and time grid.
    dt_s
        Sampling interval (s).
    thresholds
        Limits: amplitude ratio, reversed-polarity correlation, allowed time shift.

    Returns
    -------
    QCResult
        ``rejected`` with ``amplitude_ratio``, ``reversed_polarity`` or ``time_shift``,
        else ``ok``. A synthetic without energy (a nodal trace) is not judged.
    """
    th = thresholds or QCThresholds()
    obs = np.asarray(obs, dtype=float)
    syn = np.asarray(syn, dtype=float)
    if obs.shape != syn.shape or obs.ndim != 1:
        raise ValueError(f"obs {obs.shape} and syn {syn.shape} must be equal 1-D shapes")
    e_obs, e_syn = float(np.dot(obs, obs)), float(np.dot(syn, syn))
    if e_syn == 0.0 or e_obs == 0.0:
        return QCResult(code, component, "ok", "", "no energy to compare")
    ratio = np.sqrt(e_obs / e_syn)
    if abs(np.log(ratio)) > np.log(th.max_amplitude_ratio):
        return QCResult(
            code,
            component,
            "rejected",
            "amplitude_ratio",
            f"RMS of the data {ratio:.3g} x the synthetic's "
            f"(allowed 1/{th.max_amplitude_ratio:g} to {th.max_amplitude_ratio:g})",
        )
    max_lag = max(1, int(round(th.max_time_shift_s / dt_s)))
    search = min(obs.size - 1, 2 * max_lag)
    lag_max, cc_max, lag_min, cc_min = _best_lag(obs, syn, search)
    if cc_min < -th.reversed_cc and -cc_min > cc_max:
        return QCResult(
            code,
            component,
            "rejected",
            "reversed_polarity",
            f"correlation {cc_min:.2f} at {lag_min * dt_s:+.1f} s (best positive {cc_max:.2f})",
        )
    if abs(lag_max) > max_lag:
        return QCResult(
            code,
            component,
            "rejected",
            "time_shift",
            f"best correlation {cc_max:.2f} at {lag_max * dt_s:+.1f} s "
            f"(allowed +-{th.max_time_shift_s:g} s)",
        )
    return QCResult(code, component, "ok")


# ----------------------------------------------------------------------------- the hooks
#
# The functions below connect the pure checks to the ``process`` stage: they take the
# records of :mod:`seisfoc.cmt.process` (observed waveforms as read, processed bands) and
# the ``[qc]`` section of the configuration, drop what is rejected and say why.


def thresholds_from_config(qc_config: Any, max_time_shift_s: float = 30.0) -> QCThresholds:
    """The limits of the ``[qc]`` configuration section (a :class:`~seisfoc.cmt.config.
    QCConfig`), with the allowed whole-trace time shift ``max_time_shift_s`` (the band's
    ``max_time_shift_s`` times ``time_shift_factor``)."""
    return QCThresholds(
        max_zero_run=int(qc_config.max_zero_run),
        clip_run=int(qc_config.clip_run),
        clip_tolerance=float(qc_config.clip_tolerance),
        clip_fraction=float(qc_config.clip_fraction),
        delta_tolerance=float(qc_config.delta_tolerance),
        max_amplitude_ratio=float(qc_config.max_amplitude_ratio),
        reversed_cc=float(qc_config.reversed_cc),
        max_time_shift_s=float(max_time_shift_s) * float(qc_config.time_shift_factor),
    )


def metadata_deltas(
    data_dir: str | os.PathLike, stationxml_dir: str | os.PathLike | None
) -> dict[tuple[str, str], float]:
    """Sampling intervals the metadata give, by ``(NET.STA, component letter)``.

    From StationXML (the channel's sample rate) when the folder holds any; otherwise from
    each SAC file's own header, where the end time ``e`` and the first sample ``b`` fix
    the interval as ``(e - b) / (npts - 1)`` independently of ``delta`` (a file whose
    ``delta`` was edited or written wrongly contradicts it).
    """
    out: dict[tuple[str, str], float] = {}
    xml_dir = None if stationxml_dir is None else Path(stationxml_dir)
    xml_files = sorted(xml_dir.rglob("*.xml")) if xml_dir is not None and xml_dir.is_dir() else []
    if xml_files:
        from seisfoc.io.stationxml import channel_sample_intervals

        out.update(channel_sample_intervals(xml_files))
        return out
    from seisfoc.io.sac import read_sac

    root = Path(data_dir)
    if not root.is_dir():
        return out
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix.lower() != ".sac":
            continue
        try:
            sac = read_sac(path)
        except Exception:  # the reader of the data reports unreadable files
            continue
        h = sac.header
        npts = int(h.get("npts", sac.data.size))
        if "e" not in h or "b" not in h or npts < 2:
            continue
        code = f"{h.get('knetwk', '')}.{h.get('kstnm', '')}"
        out[(code, str(h.get("kcmpnm", ""))[-1:].upper())] = (float(h["e"]) - float(h["b"])) / (
            npts - 1
        )
    return out


def screen_observed(
    observed: Any,
    station_codes: Sequence[str],
    qc_config: Any,
    *,
    need_start_s: float | None = None,
    need_end_s: float | None = None,
    deltas: Mapping[tuple[str, str], float] | None = None,
    shortest_period_s: float | None = None,
) -> list[QCResult]:
    """Check every observed trace as read and drop the rejected ones (in place).

    Parameters
    ----------
    observed
        :class:`~seisfoc.cmt.process.ObservedData`; its ``waveforms.traces`` lose the
        rejected traces, its ``rejected`` list gains one
        :class:`~seisfoc.cmt.records.Rejection` per rejected trace (band left empty: it
        applies to every band), its ``notes`` the repairs.
    station_codes
        The station list (``NET.STA``): traces of other stations are rejected with
        ``no_metadata``.
    qc_config
        The ``[qc]`` configuration section.
    need_start_s, need_end_s
        The span of the common grid (coverage check).
    deltas
        Sampling intervals of the metadata (:func:`metadata_deltas`).
    shortest_period_s
        The shortest period of any band: a trace sampled too coarsely for it is rejected.

    Returns
    -------
    list of QCResult
        Every decision that is not a plain ``ok``.
    """
    from .records import Rejection

    th = thresholds_from_config(qc_config)
    wanted = set(station_codes)
    # what the reader left out already (gaps and overlaps ObsPy merged, no response)
    findings: list[QCResult] = [
        QCResult(r.code, r.component, "rejected", r.reason, r.detail) for r in observed.rejected
    ]
    n_before = len(findings)
    kept: list[RawTrace] = []
    traces = observed.waveforms.traces
    for code in sorted(traces):
        for comp in sorted(traces[code]):
            tr = traces[code][comp]
            if code not in wanted:
                findings.append(QCResult(code, comp, "rejected", "no_metadata",
                                         "station not in the station list (STATIONS)"))  # fmt: skip
                continue
            raw = RawTrace(
                code, comp, tr.t0_s, tr.dt_s, tr.data,
                metadata_delta_s=None if deltas is None else deltas.get((code, comp)),
            )  # fmt: skip
            result = check_raw(raw, need_start_s, need_end_s, th)
            if not result.rejected and shortest_period_s is not None:
                if 2.0 * tr.dt_s >= shortest_period_s:
                    result = _reject(raw, "undersampled",
                                     f"{tr.dt_s:g} s sampling, shortest period "
                                     f"{shortest_period_s:g} s")  # fmt: skip
            if result.rejected:
                findings.append(result)
            else:
                kept.append(raw)
    findings.extend(r for r in check_sampling_rates(kept) if r.status != "ok")
    for r in findings[n_before:]:
        if r.rejected:
            traces.get(r.code, {}).pop(r.component, None)
            observed.rejected.append(Rejection("", r.code, r.component, r.reason, r.detail))
        else:
            observed.notes.append(f"{r.code} {r.component}: {r.reason}: {r.detail}")
    for code in [c for c, comps in traces.items() if not comps]:
        del traces[code]
    present = {code: set(traces.get(code, {})) for code in wanted if code in traces}
    for code in sorted(present):
        missing = check_components(code, present[code], ("Z", "N", "E"))
        findings.extend(missing)
    return findings


def screen_band(
    processed: Any,
    band: Any,
    qc_config: Any,
    run: str = "CMT",
    *,
    layout: Any = None,
    iteration: int = 0,
) -> list[QCResult]:
    """Judge every processed observed trace of one band against the reference synthetic
    (gain, polarity, time shift) and leave the rejected ones out (in place).

    On a later Gauss-Newton iteration (``iteration`` > 0 with the event's ``layout``) the
    traces are not judged again: those the first linearisation rejected (its
    ``work/qc.json``) are left out, so that every iteration measures the same data in the
    windows picked on the first.

    Parameters
    ----------
    processed
        :class:`~seisfoc.cmt.process.ProcessedBand`: ``obs.present`` becomes False (and
        the samples zero) for a rejected trace; ``rejected`` gains its
        :class:`~seisfoc.cmt.records.Rejection`.
    band
        The band's configuration (its ``max_time_shift_s``).
    qc_config
        The ``[qc]`` section.
    run
        The synthetic to compare with (the linearisation's reference run).

    Returns
    -------
    list of QCResult
        The rejections.
    """
    from .records import COMPONENTS, Rejection

    obs = processed.obs
    syn = processed.syn.get(run)
    if obs is None or syn is None:
        return []
    th = thresholds_from_config(qc_config, band.max_time_shift_s)
    earlier: dict[tuple[str, str], QCResult] | None = None
    if iteration > 0 and layout is not None:
        earlier = {
            (r["code"], r["component"]): QCResult(
                r["code"], r["component"], "rejected", r["reason"], r["detail"]
            )  # fmt: skip
            for r in load_findings(layout, 0).get("rejected", [])
            if r.get("band") == processed.band
        }
    out: list[QCResult] = []
    for i, code in enumerate(obs.codes):
        for c, comp in enumerate(COMPONENTS):
            if not (obs.present[i, c] and syn.present[i, c]):
                continue
            if earlier is not None:
                result = earlier.get((code, comp), QCResult(code, comp, "ok"))
            else:
                result = check_against_synthetic(code, comp, obs.data[i, c], syn.data[i, c],
                                                 obs.dt_s, th)  # fmt: skip
            if result.rejected:
                result = replace(result, band=processed.band)
                obs.present[i, c] = False
                obs.data[i, c] = 0.0
                processed.rejected.append(
                    Rejection(processed.band, code, comp, result.reason, result.detail)
                )
                out.append(result)
    return out


def findings_as_dicts(findings: Sequence[QCResult], band: str = "") -> list[dict[str, str]]:
    """JSON-ready rows of QC decisions."""
    return [
        {
            "band": r.band or band,
            "code": r.code,
            "component": r.component,
            "status": r.status,
            "reason": r.reason,
            "detail": r.detail,
        }  # fmt: skip
        for r in findings
    ]


def screen_event(
    observed: Any, stations: Sequence[Any], config: Any, need_start_s: float, need_end_s: float
) -> list[QCResult]:
    """:func:`screen_observed` with what an event's configuration gives: the station list,
    the ``[qc]`` section, the metadata's sampling intervals and the shortest period."""
    return screen_observed(
        observed,
        [s.code for s in stations],
        config.qc,
        need_start_s=need_start_s,
        need_end_s=need_end_s,
        deltas=metadata_deltas(config.event.data, config.event.stationxml),
        shortest_period_s=min(b.min_period_s for b in config.bands),
    )


def qc_path(layout: Any, iteration: int = 0) -> Path:
    """``work/qc.json`` (first linearisation) or ``work/iter_NN/qc.json``."""
    base = layout.work if iteration == 0 else layout.work / f"iter_{iteration:02d}"
    return base / "qc.json"


def save_findings(
    layout: Any, iteration: int, findings: Sequence[QCResult], notes: Sequence[str] = ()
) -> Path:
    """Write the QC decisions of one ``process`` run (:func:`qc_path`)."""
    import json

    from seisfoc.fileio import write_atomic

    path = qc_path(layout, iteration)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "rejected": findings_as_dicts([r for r in findings if r.rejected]),
        "repaired": findings_as_dicts([r for r in findings if not r.rejected]),
        "notes": list(notes),
        "reasons": REASONS,
    }
    write_atomic(path, json.dumps(payload, indent=1).encode())
    return path


def load_findings(layout: Any, iteration: int = 0) -> dict[str, Any]:
    """What :func:`save_findings` wrote (empty lists when nothing was written)."""
    import json

    path = qc_path(layout, iteration)
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return {"rejected": [], "repaired": [], "notes": []}
