"""Windows: FLEXWIN criteria (determinism, reasons, a clear phase, noise), TauP phase
windows, the JSON stage boundary, and the comparison with pyflex 0.2 through a shim."""

from __future__ import annotations

import itertools
import logging
import math
import warnings
from dataclasses import replace

import numpy as np
import pytest
from seisfoc.cmt import window as win
from seisfoc.cmt.config import BandConfig
from seisfoc.cmt.process import run_process
from seisfoc.cmt.records import TraceSet

from seisfoc.errors import SeisfocError

BAND = BandConfig(
    name="b",
    min_period_s=100.0,
    max_period_s=200.0,
    cc_min=0.85,
    max_time_shift_s=20.0,
    max_abs_dlna=1.0,
    min_snr=3.0,
    min_window_length_s=150.0,
)


def _traceset(rows: np.ndarray, dt: float = 2.0, t0: float = 0.0) -> TraceSet:
    """Station i, component Z = rows[i] (R and T absent)."""
    n_sta, n = rows.shape
    data = np.zeros((n_sta, 3, n))
    data[:, 0] = rows
    present = np.zeros((n_sta, 3), dtype=bool)
    present[:, 0] = True
    z = np.zeros(n_sta)
    return TraceSet(
        [f"XX.S{i:02d}" for i in range(n_sta)], t0, dt, data, present, z + 50.0, z, z + 180.0
    )


def _wavelet(t: np.ndarray, t_c: float, period: float = 150.0) -> np.ndarray:
    return np.exp(-(((t - t_c) / period) ** 2)) * np.cos(2 * np.pi * (t - t_c) / period)


@pytest.fixture(scope="module")
def processed(cmt_event_noisy):
    return run_process(cmt_event_noisy.layout, cmt_event_noisy.config, save=False)


def test_sta_lta_steady_state_and_response_to_an_arrival():
    dt, t0 = 2.0, 100.0
    cs, cl = 10 ** (-dt / t0), 10 ** (-dt / (12 * t0))
    env = np.ones((1, 500))
    s = win.sta_lta(env, dt, t0)[0]
    np.testing.assert_allclose(s, (1 - cl) / (1 - cs), rtol=1e-12)  # closed form
    env[0, 300:] = 10.0
    s = win.sta_lta(env, dt, t0)[0]
    assert s[299] == pytest.approx((1 - cl) / (1 - cs))
    assert s[300:].max() > 3 * s[299]  # an arrival raises the ratio
    assert 300 <= win.onset_index(s, 0.08)[0] <= 305  # within a few samples
    with pytest.raises(SeisfocError, match="steady"):
        win.sta_lta(env, dt, t0, start="warm")


def test_measure_shift_sign_and_dlna():
    t = np.arange(0, 1000, 1.0)
    syn = _wavelet(t, 500.0)
    obs = 2.0 * _wavelet(t, 507.0)  # later and twice as large
    cc, shift, dlna = win.measure(obs, syn, 1.0)
    assert shift == pytest.approx(7.0)
    assert dlna == pytest.approx(math.log(2.0), abs=1e-6)
    assert cc > 0.999


def test_interval_scheduling_against_brute_force():
    rng = np.random.default_rng(5)
    for _ in range(40):
        n = int(rng.integers(1, 8))
        wins = []
        for _k in range(n):
            a = int(rng.integers(0, 100))
            b = a + int(rng.integers(5, 40))
            wins.append((a, b, float(rng.uniform(0.5, 1.0)), 0.0, 0.0, 1.0))

        def weight(k, wins=wins):
            return (wins[k][1] - wins[k][0]) * wins[k][2]

        best = 0.0
        for r in range(n + 1):
            for subset in itertools.combinations(range(n), r):
                ok = all(
                    wins[i][1] <= wins[j][0] or wins[j][1] <= wins[i][0]
                    for i, j in itertools.combinations(subset, 2)
                )
                if ok:
                    best = max(best, sum(weight(k) for k in subset))
        chosen = win._schedule(wins, 1.0, 1.0)
        assert sum(weight(k) for k in chosen) == pytest.approx(best)
        for i, j in itertools.combinations(sorted(chosen), 2):
            assert wins[i][1] <= wins[j][0] or wins[j][1] <= wins[i][0]


def test_a_clear_phase_gets_a_window_and_noise_gets_none():
    rng = np.random.default_rng(11)
    t = np.arange(0.0, 2000.0, 2.0)
    syn = _wavelet(t, 900.0)
    obs = _wavelet(t, 904.0) + 0.01 * rng.standard_normal(t.size)
    noise_only = 0.3 * rng.standard_normal(t.size)
    rows_obs = np.array([obs, noise_only])
    rows_syn = np.array([syn, syn])
    sel = win.select_windows(_traceset(rows_obs), _traceset(rows_syn), BAND)
    by_code = {w.code: w for w in sel.windows}
    w = by_code["XX.S00"]
    assert w.start_s < 900.0 < w.end_s
    assert w.end_s - w.start_s >= BAND.min_window_length_s
    assert w.cc_shift_s == pytest.approx(4.0) and w.cc_max > 0.95
    assert w.snr > 3.0
    assert "XX.S01" not in by_code
    reasons = {r.reason for r in sel.rejected if r.code == "XX.S01"}
    assert "no_window" in reasons
    assert reasons & {"cc_below_threshold", "snr_below_threshold", "time_shift_above_threshold"}
    # a silent synthetic has no seed at all
    sel = win.select_windows(_traceset(rows_obs[:1]), _traceset(np.zeros((1, t.size))), BAND)
    assert not sel.windows
    assert [r.reason for r in sel.rejected] == ["no_candidate"]


def test_every_candidate_has_a_known_reason_and_bounds(processed, cmt_event_noisy):
    band = cmt_event_noisy.config.bands[0]
    res = processed[band.name]
    sel = win.select_windows(res.obs, res.syn["CMT"], band)
    assert sel.windows and sel.rejected
    assert {r.reason for r in sel.rejected} <= set(win.REASONS)
    for r in sel.rejected:
        assert r.band == band.name and r.detail
        if r.reason not in ("no_window", "no_candidate"):
            assert r.start_s < r.end_s
    for w in sel.windows:
        assert w.end_s - w.start_s >= band.min_window_length_s
        assert w.cc_max >= band.cc_min and abs(w.cc_shift_s) <= band.max_time_shift_s
        assert abs(w.dlna) <= band.max_abs_dlna
    # accepted windows of one trace never overlap
    by_trace: dict = {}
    for w in sel.windows:
        by_trace.setdefault((w.code, w.component), []).append(w)
    for ws in by_trace.values():
        ws.sort(key=lambda w: w.start_s)
        for a, b in zip(ws, ws[1:], strict=False):
            assert a.end_s <= b.start_s


def _plain(records) -> list[tuple]:
    """Records as tuples with NaN as None (NaN != NaN would fail equal lists)."""
    from dataclasses import astuple

    return [
        tuple(None if isinstance(v, float) and math.isnan(v) else v for v in astuple(r))
        for r in records
    ]


def _permuted(ts: TraceSet, order: np.ndarray) -> TraceSet:
    return TraceSet(
        [ts.codes[i] for i in order],
        ts.t0_s,
        ts.dt_s,
        ts.data[order].copy(),
        ts.present[order].copy(),
        ts.distance_deg[order],
        ts.azimuth_deg[order],
        ts.back_azimuth_deg[order],
    )


def test_deterministic_whatever_the_station_order(processed, cmt_event_noisy):
    band = cmt_event_noisy.config.bands[0]
    res = processed[band.name]
    a = win.select_windows(res.obs, res.syn["CMT"], band)
    b = win.select_windows(res.obs, res.syn["CMT"], band)
    assert _plain(a.windows) == _plain(b.windows) and _plain(a.rejected) == _plain(b.rejected)
    order = np.random.default_rng(2).permutation(len(res.obs.codes))
    c = win.select_windows(_permuted(res.obs, order), _permuted(res.syn["CMT"], order), band)

    assert sorted(_plain(a.windows), key=repr) == sorted(_plain(c.windows), key=repr)
    assert sorted(_plain(a.rejected), key=repr) == sorted(_plain(c.rejected), key=repr)


def test_json_round_trip(processed, cmt_event_noisy, tmp_path):
    bands = cmt_event_noisy.config.bands
    sel = win.window_event(processed, bands)
    path = win.save_windows(tmp_path / "work" / "windows.json", sel, meta={"event": "x"})
    back = win.load_windows(path)
    assert _plain(back.windows) == _plain(sel.windows)
    assert _plain(back.rejected) == _plain(sel.rejected)
    text = path.read_text()
    assert "NaN" not in text
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(SeisfocError, match="not a windows JSON"):
        win.load_windows(tmp_path / "bad.json")


def test_phase_windows_hold_the_taup_arrival(processed, cmt_event_noisy):
    from obspy.taup import TauPyModel

    band = replace(
        cmt_event_noisy.config.bands[0],
        window_method="phases",
        phases=("P", "S"),
        phase_before_s=50.0,
        phase_after_s=150.0,
        cc_min=0.5,
        min_snr=0.0,
    )
    res = processed[band.name]
    depth = cmt_event_noisy.reference.centroid_depth_km
    sel = win.select_windows(res.obs, res.syn["CMT"], band, source_depth_km=depth)
    assert sel.windows
    model = TauPyModel("iasp91")
    for w in sel.windows:
        i = res.obs.codes.index(w.code)
        arrivals = model.get_travel_times(depth, float(res.obs.distance_deg[i]), ["P", "S"])
        times = sorted(a.time for a in arrivals)
        assert w.start_s == pytest.approx(max(times[0] - 50.0, res.obs.t0_s), abs=2.0)
        assert w.end_s == pytest.approx(min(times[-1] + 150.0, res.obs.times_s[-1]), abs=2.0)
    far = replace(band, phases=("PKIKP",))
    sel = win.select_windows(res.obs, res.syn["CMT"], far, source_depth_km=depth)
    assert "no_arrival" in {r.reason for r in sel.rejected}
    with pytest.raises(SeisfocError, match="source depth"):
        win.select_windows(res.obs, res.syn["CMT"], band)


def _pyflex_iou(processed, band, tuning, min_snr_off: bool) -> tuple[float, int, int]:
    from pyflex_shim import pyflex_on_numpy2, trace

    res = processed[band.name]
    obs, syn = res.obs, res.syn["CMT"]
    if min_snr_off:
        band = replace(band, min_snr=0.0)
    ours = win.select_windows(obs, syn, band, tuning=tuning)
    n = obs.data.shape[-1]
    inter = union = 0
    n_py = 0
    with pyflex_on_numpy2() as pyflex, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("pyflex").setLevel(logging.ERROR)
        for i, code in enumerate(obs.codes):
            for c, comp in enumerate("ZRT"):
                if not (obs.present[i, c] and syn.present[i, c]):
                    continue
                stalta = win.sta_lta(
                    win.envelope(syn.data[i, c]), obs.dt_s, band.min_period_s, tuning.stalta_start
                )
                onset = int(win.onset_index(stalta, band.stalta_waterlevel)[0])
                noise_end = onset - int(band.min_period_s / obs.dt_s)
                config = pyflex.Config(
                    min_period=band.min_period_s,
                    max_period=band.max_period_s,
                    stalta_waterlevel=band.stalta_waterlevel,
                    tshift_acceptance_level=band.max_time_shift_s,
                    dlna_acceptance_level=band.max_abs_dlna,
                    cc_acceptance_level=band.cc_min,
                    s2n_limit=band.min_snr,
                    c_1=band.min_window_length_s / band.min_period_s,
                    noise_end_index=None if (min_snr_off or onset < 0) else noise_end,
                )
                theirs = pyflex.select_windows(
                    trace(obs.data[i, c], obs.t0_s, obs.dt_s, "LH" + comp),
                    trace(syn.data[i, c], obs.t0_s, obs.dt_s, "LH" + comp),
                    config,
                )
                n_py += len(theirs)
                mp = np.zeros(n, dtype=bool)
                for w in theirs:
                    mp[w.left : w.right] = True
                mo = np.zeros(n, dtype=bool)
                for w in ours.windows:
                    if w.code == code and w.component == comp:
                        a = round((w.start_s - obs.t0_s) / obs.dt_s)
                        b = round((w.end_s - obs.t0_s) / obs.dt_s)
                        mo[a:b] = True
                inter += int((mp & mo).sum())
                union += int((mp | mo).sum())
    return inter / union, len(ours.windows), n_py


def test_windows_mostly_coincide_with_pyflex(processed, cmt_event_noisy):
    """Same traces, same thresholds; overlap = intersection over union of windowed time.

    With FLEXWIN's choices (record ends are no window bounds, STA/LTA warmed up from the
    noise floor as pyflex does) the overlap is about 0.9 on this event (5 % noise, band
    100-200 s), with the steady start about 0.76: it does not raise the STA/LTA at the
    start of a record that is not quite at rest. The signal-to-noise test is off for
    these (pyflex has no first-arrival estimate of its own) and on, with our noise end
    given to pyflex, for the third. Our defaults also let a window end at the record end
    (the bundled database's records end inside the surface waves, which FLEXWIN's rule
    never windows): the overlap is then lower by design and only printed."""
    pytest.importorskip("obspy")
    try:
        import pyflex  # noqa: F401
    except ImportError:
        pytest.skip("pyflex 0.2.0 is not installed (pip install --no-deps pyflex==0.2.0)")
    band = cmt_event_noisy.config.bands[0]
    flexwin = win.FlexwinTuning(ends_as_minima=False, stalta_start="floor")
    floor, n1, p1 = _pyflex_iou(processed, band, flexwin, True)
    steady, n2, p2 = _pyflex_iou(processed, band, replace(flexwin, stalta_start="steady"), True)
    with_snr, n3, p3 = _pyflex_iou(processed, band, flexwin, False)
    ours, n4, p4 = _pyflex_iou(processed, band, win.FlexwinTuning(), True)
    print(
        f"\noverlap with pyflex (IoU of windowed time): floor start {floor:.3f} "
        f"({n1} vs {p1} windows), steady start {steady:.3f} ({n2} vs {p2}), "
        f"floor start with SNR test {with_snr:.3f} ({n3} vs {p3}); our defaults (steady "
        f"start, record ends as window bounds) {ours:.3f} ({n4} vs {p4})"
    )
    assert floor >= 0.8
    assert steady >= 0.6
    assert with_snr >= 0.7


def test_noise_before_the_taup_p_arrival(processed, cmt_event_noisy):
    """With the noise ending at the TauP P arrival (less T0) the SNR of every window is
    the window's peak over the observed peak before that time, recomputed here."""
    from obspy.taup import TauPyModel

    band = cmt_event_noisy.config.bands[0]
    res = processed[band.name]
    depth = cmt_event_noisy.reference.centroid_depth_km
    tuning = win.FlexwinTuning(noise="taup")
    sel = win.select_windows(res.obs, res.syn["CMT"], band, tuning=tuning, source_depth_km=depth)
    assert sel.windows
    model = TauPyModel("iasp91")
    obs = res.obs
    for w in sel.windows[:10]:
        i = obs.codes.index(w.code)
        c = "ZRT".index(w.component)
        first = min(
            a.time
            for a in model.get_travel_times(depth, float(obs.distance_deg[i]), ["p", "P", "Pdiff"])
        )
        end = math.floor((first - band.min_period_s - obs.t0_s) / obs.dt_s)
        noise = np.abs(obs.data[i, c, :end]).max()
        a = round((w.start_s - obs.t0_s) / obs.dt_s)
        b = round((w.end_s - obs.t0_s) / obs.dt_s)
        assert w.snr == pytest.approx(np.abs(obs.data[i, c, a : b + 1]).max() / noise)
    with pytest.raises(SeisfocError, match="source depth"):
        win.select_windows(res.obs, res.syn["CMT"], band, tuning=tuning)
