"""The QC hooks of the process stage on hand-made records (no simulation): what
:func:`screen_observed` drops and notes, the sampling interval implied by a SAC file's own
b/e/npts, the thresholds of the [qc] section, and the reuse of the first linearisation's
rejections on later iterations."""

from __future__ import annotations

import numpy as np
from seisfoc.cmt import qc
from seisfoc.cmt.config import Config
from seisfoc.cmt.process import ObservedData
from seisfoc.cmt.records import RawTrace, RawWaveforms

from seisfoc.io.sac import _FLOAT_INDEX, encode_sac


def _signal(n=3000, dt=1.0, period=150.0, phase=0.0):
    t = np.arange(n) * dt
    return np.sin(2 * np.pi * t / period + phase) * np.exp(-(((t - 1500) / 600) ** 2))


def _observed(traces):
    wf = RawWaveforms(kind="observed")
    for code, comp, dt, x in traces:
        wf.traces.setdefault(code, {})[comp] = RawTrace(-100.0, dt, x)
    return ObservedData(wf)


def test_screen_observed_drops_notes_and_keeps():
    x = _signal()
    fine = _signal(n=6000, dt=0.5)
    obs = _observed([
        ("IU.ANMO", "Z", 1.0, x), ("IU.ANMO", "N", 1.0, x), ("IU.ANMO", "E", 1.0, np.zeros(3000)),
        ("IU.COR", "Z", 0.5, fine), ("IU.COR", "N", 1.0, x), ("IU.COR", "E", 1.0, x),
        ("XX.NOPE", "Z", 1.0, x),
    ])  # fmt: skip
    found = qc.screen_observed(obs, ["IU.ANMO", "IU.COR"], Config().qc,
                               need_start_s=0.0, need_end_s=2000.0)  # fmt: skip
    got = {(r.code, r.component, r.status, r.reason) for r in found}
    assert ("IU.ANMO", "E", "rejected", "dead_channel") in got
    assert ("IU.ANMO", "E", "repaired", "missing_component") in got  # Z and N still used
    assert ("IU.COR", "Z", "repaired", "resampled") in got
    assert ("XX.NOPE", "Z", "rejected", "no_metadata") in got
    assert set(obs.waveforms.traces) == {"IU.ANMO", "IU.COR"}
    assert set(obs.waveforms.traces["IU.ANMO"]) == {"Z", "N"}
    assert {(r.code, r.component, r.reason) for r in obs.rejected} == {
        ("IU.ANMO", "E", "dead_channel"), ("XX.NOPE", "Z", "no_metadata")}  # fmt: skip
    assert any("resampled" in n for n in obs.notes)


def test_coverage_and_undersampling():
    x = _signal()
    obs = _observed([("IU.ANMO", "Z", 1.0, x)])
    found = qc.screen_observed(obs, ["IU.ANMO"], Config().qc, need_start_s=0.0,
                               need_end_s=5000.0)  # fmt: skip
    assert [(r.code, r.reason) for r in found] == [("IU.ANMO", "too_short")]  # ends 2799 s
    obs = _observed([("IU.COR", "Z", 60.0, x[::60].copy())])
    found = qc.screen_observed(obs, ["IU.COR"], Config().qc, shortest_period_s=100.0)
    # 60 s sampling for a 100 s shortest period
    assert ("IU.COR", "undersampled") in {(r.code, r.reason) for r in found if r.rejected}


def test_sac_delta_against_its_own_b_e_npts(tmp_path):
    x = _signal().astype(np.float32)
    header = {"delta": 1.0, "b": -100.0, "knetwk": "IU", "kstnm": "ANMO", "kcmpnm": "LHZ"}
    good = tmp_path / "IU.ANMO.LHZ.sac"
    good.write_bytes(encode_sac(x, header))
    raw = bytearray(encode_sac(x, {**header, "kcmpnm": "LHN"}))
    i = 4 * _FLOAT_INDEX["delta"]
    raw[i : i + 4] = np.float32(0.9).tobytes()  # delta edited, e left as written
    (tmp_path / "IU.ANMO.LHN.sac").write_bytes(bytes(raw))
    deltas = qc.metadata_deltas(tmp_path, None)
    assert deltas[("IU.ANMO", "Z")] == 1.0
    assert deltas[("IU.ANMO", "N")] == 1.0  # (e - b) / (npts - 1) still says 1 s
    trace = qc.RawTrace("IU.ANMO", "N", -100.0, 0.9, x.astype(float), metadata_delta_s=1.0)
    assert qc.check_raw(trace).reason == "sampling_mismatch"


def test_thresholds_follow_the_configuration():
    from dataclasses import replace

    cfg = replace(Config().qc, max_amplitude_ratio=3.0, time_shift_factor=2.0, clip_run=6)
    th = qc.thresholds_from_config(cfg, max_time_shift_s=20.0)
    assert th.max_amplitude_ratio == 3.0 and th.clip_run == 6
    assert th.max_time_shift_s == 40.0


def test_later_iterations_drop_what_the_first_rejected(tmp_path):
    from seisfoc.cmt.layout import EventLayout
    from seisfoc.cmt.process import ProcessedBand
    from seisfoc.cmt.records import TraceSet

    layout = EventLayout(tmp_path)
    band = Config().bands[0]
    x = _signal()

    def processed(obs_z):
        data = np.stack([np.stack([obs_z, x, x])])
        syn = np.stack([np.stack([x, x, x])])
        common = dict(codes=["IU.ANMO"], t0_s=0.0, dt_s=1.0, present=np.ones((1, 3), bool),
                      distance_deg=np.array([50.0]), azimuth_deg=np.array([10.0]),
                      back_azimuth_deg=np.array([200.0]))  # fmt: skip
        return ProcessedBand(band.name, TraceSet(data=data, **common),
                             {"CMT": TraceSet(data=syn, **dict(common, present=np.ones(
                                 (1, 3), bool)))})  # fmt: skip

    first = processed(-x)
    found = qc.screen_band(first, band, Config().qc, layout=layout, iteration=0)
    assert [(r.component, r.reason, r.band) for r in found] == [("Z", "reversed_polarity",
                                                                  band.name)]  # fmt: skip
    qc.save_findings(layout, 0, found)
    # iteration 1: the data look fine against that iteration's synthetic, but the trace
    # stays out because the windows were picked without it
    later = processed(x)
    again = qc.screen_band(later, band, Config().qc, layout=layout, iteration=1)
    assert [(r.component, r.reason) for r in again] == [("Z", "reversed_polarity")]
    assert not later.obs.present[0, 0] and later.obs.present[0, 1]


def test_stationxml_sample_rates(tmp_path):
    from obspy import UTCDateTime
    from obspy.core.inventory import Channel, Inventory, Network, Station

    def channel(code, rate):
        return Channel(code, "00", 34.9, -106.5, 1850.0, 0.0, sample_rate=rate,
                       start_date=UTCDateTime(2000, 1, 1))  # fmt: skip

    sta = Station("ANMO", 34.9, -106.5, 1850.0, channels=[channel("LHZ", 1.0),
                                                          channel("BHN", 20.0)])  # fmt: skip
    Inventory([Network("IU", stations=[sta])], source="test").write(
        str(tmp_path / "IU.ANMO.xml"), format="STATIONXML"
    )
    deltas = qc.metadata_deltas(tmp_path / "no-data", tmp_path)
    assert deltas == {("IU.ANMO", "Z"): 1.0, ("IU.ANMO", "N"): 0.05}
