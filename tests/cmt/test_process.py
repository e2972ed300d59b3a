"""Processing: band-pass against the filter's closed form, rotation against ObsPy, the
common grid, observed data with and without StationXML, the npz stage boundary."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
from cmt_waveforms import STATIONS
from scipy import signal
from seisfoc.cmt import process
from seisfoc.cmt.config import BandConfig, ProcessConfig
from seisfoc.cmt.records import RawTrace, RawWaveforms

from seisfoc.errors import SeisfocError

BAND = BandConfig(name="b", min_period_s=100.0, max_period_s=200.0)
PROC = ProcessConfig(dt_s=2.0, start_s=0.0, end_s=3000.0)


def _waveforms(fn, codes, t0=0.0, dt=1.0, n=4000, kind="synthetic") -> RawWaveforms:
    t = t0 + dt * np.arange(n)
    traces = {
        code: {comp: RawTrace(t0, dt, fn(t, i, c)) for c, comp in enumerate("ZNE")}
        for i, code in enumerate(codes)
    }
    return RawWaveforms(traces, kind=kind)


def test_rotation_against_obspy():
    from obspy.signal.rotate import rotate_ne_rt

    rng = np.random.default_rng(3)
    n, e = rng.standard_normal((2, 5, 300))
    baz = np.array([0.0, 45.0, 137.5, 250.0, 359.0])
    r, t = process.rotate_ne_rt(n, e, baz)
    for k in range(5):
        r_ref, t_ref = rotate_ne_rt(n[k], e[k], baz[k])
        np.testing.assert_allclose(r[k], r_ref, atol=1e-12)
        np.testing.assert_allclose(t[k], t_ref, atol=1e-12)


def test_bandpass_of_sinusoids_follows_the_squared_response():
    """A sinusoid comes out scaled by |H(f)|^2 of the Butterworth (forward-backward: zero
    phase), |H| from SciPy's frequency response of the same sections."""
    stations = list(STATIONS[:1])
    geom = process.geometry(stations, 38.0, 142.0)
    periods = (60.0, 140.0, 400.0)
    sos = process.bandpass_sos(BAND.min_period_s, BAND.max_period_s, 1.0, PROC.filter_order)
    for period in periods:
        wf = _waveforms(lambda t, i, c, p=period: np.cos(2 * np.pi * t / p), [stations[0].code])
        res = process.process_band({"CMT": wf}, stations, geom, BAND, PROC)
        z = res.syn["CMT"].data[0, 0]
        times = res.syn["CMT"].times_s
        _, h = signal.sosfreqz(sos, worN=[1.0 / period], fs=1.0)
        gain = abs(h[0]) ** 2
        mid = (times > 1500) & (times < 2200)  # away from the taper and the ends
        expected = gain * np.cos(2 * np.pi * times[mid] / period)
        # transients of the tapered ends stay below 5e-4 of the input this far inside
        assert np.abs(z[mid] - expected).max() < 5e-4 + 2e-3 * gain, period
        if period == 140.0:
            assert gain > 0.95  # in the pass band: unit gain, no phase shift
        else:
            assert gain < 0.2


def test_common_grid_and_interpolation_of_other_samplings():
    """Data sampled at 0.5 s and synthetics at 1 s land on the same grid; a slow sinusoid
    has the same values on it whatever the original sampling (same span, so that the
    tapers and filter transients are the same)."""
    stations = list(STATIONS[:2])
    codes = [s.code for s in stations]
    geom = process.geometry(stations, 38.0, 142.0)

    def f(t, i, c):
        return np.sin(2 * np.pi * t / 150.0 + i + 0.5 * c)

    syn = _waveforms(f, codes, t0=-12.0, dt=1.0, n=2000)
    syn2 = _waveforms(f, codes, t0=-12.0, dt=1.0, n=1900)
    obs = _waveforms(f, codes, t0=-12.0, dt=0.5, n=3999, kind="observed")
    res = process.process_band({"obs": obs, "CMT": syn, "CMT_rr": syn2}, stations, geom, BAND, PROC)
    sets = [res.obs, res.syn["CMT"], res.syn["CMT_rr"]]
    # one grid: start_s, dt_s, end at the shortest synthetic's end (t0 + 1899 s) less
    # its end taper (5 % of 1900 samples at 1 s)
    end = -12.0 + 1899.0 - 95.0
    for ts in sets:
        assert ts.t0_s == 0.0 and ts.dt_s == 2.0
        assert ts.data.shape == (2, 3, int(end // 2.0) + 1)
        assert ts.codes == codes
    assert end - 2.0 < res.obs.times_s[-1] <= end
    mid = slice(250, 700)
    np.testing.assert_allclose(res.obs.data[:, :, mid], res.syn["CMT"].data[:, :, mid], atol=2e-3)
    assert res.obs.present.all()


def test_interpolation_accuracy_closed_form():
    t0 = np.array([0.0, 0.3, -0.7])
    dt = 1.0
    n = 400
    x = np.array([np.sin(2 * np.pi * (a + dt * np.arange(n)) / 100.0) for a in t0])
    times = 10.0 + 2.0 * np.arange(150) + 0.123
    y, covered = process._interpolate_rows(x, t0, dt, times)
    assert covered.all()
    expected = np.broadcast_to(np.sin(2 * np.pi * times / 100.0), y.shape)
    np.testing.assert_allclose(y, expected, atol=2e-5)
    _, covered = process._interpolate_rows(x, t0 + 200.0, dt, times)
    assert not covered.any()


def test_missing_components_distance_and_coverage_rejections():
    stations = list(STATIONS[:4])
    codes = [s.code for s in stations]
    geom = process.geometry(stations, 38.0, 142.0)
    syn = _waveforms(lambda t, i, c: np.sin(t / 30.0), codes, n=2000)
    obs = _waveforms(lambda t, i, c: np.sin(t / 30.0), codes, n=2000, kind="observed")
    del obs.traces[codes[0]]["E"]  # no E: no R and T
    del obs.traces[codes[1]]["Z"]
    obs.traces[codes[2]]["Z"] = RawTrace(500.0, 1.0, np.ones(800))  # starts too late
    del syn.traces[codes[3]]
    band = replace(BAND, max_distance_deg=float(geom.distance_deg.max()) - 1e-3)
    far = int(np.argmax(geom.distance_deg))
    res = process.process_band({"obs": obs, "CMT": syn}, stations, geom, band, PROC)
    reasons = {(r.code, r.component): r.reason for r in res.rejected}
    for comp in "ZRT":
        assert reasons[(codes[far], comp)] == "outside_distance_range"
    if far != 0:
        assert reasons[(codes[0], "R")] == "missing_component"
        assert reasons[(codes[0], "T")] == "missing_component"
        assert res.obs.present[0].tolist() == [True, False, False]
    if far != 1:
        assert reasons[(codes[1], "Z")] == "no_data"
    if far != 2:
        assert reasons[(codes[2], "Z")] == "too_short"
    if far != 3:
        assert reasons[(codes[3], "Z")] == "no_synthetic"
        assert not res.syn["CMT"].present[3].any()
    # absent traces are zero
    assert (res.obs.data[~res.obs.present] == 0).all()
    assert all(r.band == "b" for r in res.rejected)


def test_processed_event_and_npz_round_trip(cmt_event, tmp_path):
    res = process.run_process(cmt_event.layout, cmt_event.config, save=True)
    assert set(res) == set(cmt_event.config.band_names)
    band = res["surface"]
    assert band.obs is not None and set(band.syn) == set(cmt_event.layout.runs())
    grids = {(ts.t0_s, ts.dt_s, ts.data.shape) for ts in [band.obs, *band.syn.values()]}
    assert len(grids) == 1
    # the observed data (another source, 2 s later) still look like the reference synthetic
    for i in range(len(band.obs.codes)):
        for c in range(3):
            cc = np.corrcoef(band.obs.data[i, c], band.syn["CMT"].data[i, c])[0, 1]
            assert cc > 0.8
    back = process.load_processed(cmt_event.layout.processed("surface"))
    assert back.band == "surface" and back.rejected == band.rejected
    for name, ts in [("obs", band.obs), *band.syn.items()]:
        other = back.obs if name == "obs" else back.syn[name]
        np.testing.assert_array_equal(other.data, ts.data)
        np.testing.assert_array_equal(other.present, ts.present)
        assert other.codes == ts.codes and other.t0_s == ts.t0_s
        np.testing.assert_array_equal(other.back_azimuth_deg, ts.back_azimuth_deg)


def test_load_processed_errors(tmp_path):
    p = tmp_path / "x.npz"
    p.write_bytes(b"junk")
    with pytest.raises(SeisfocError, match="cannot read processed"):
        process.load_processed(p)
    np.savez(p, a=np.zeros(2))
    with pytest.raises(SeisfocError, match="missing"):
        process.load_processed(p)


def test_geometry_against_obspy():
    from obspy.geodetics import gps2dist_azimuth

    geom = process.geometry(STATIONS[:3], 38.56, 142.78)
    for k, st in enumerate(STATIONS[:3]):
        _, az, baz = gps2dist_azimuth(38.56, 142.78, st.latitude, st.longitude)
        assert geom.azimuth_deg[k] == pytest.approx(az)
        assert geom.back_azimuth_deg[k] == pytest.approx(baz)
    assert 60 < geom.distance_deg[0] < 100  # Japan to New Mexico


def test_observed_with_stationxml_removes_the_response(cmt_event, tmp_path):
    """Counts = displacement x 1e9 with a flat response in StationXML: after response
    removal the processed data equal those of the displacement files."""
    from obspy import Inventory, read
    from obspy.core.inventory import Channel, Network, Response, Site, Station

    stations = cmt_event.stations[:3]
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    nets: dict[str, list] = {}
    for st in stations:
        chans = []
        for comp, (az, dip) in {"Z": (0, -90), "N": (0, 0), "E": (90, 0)}.items():
            src = cmt_event.layout.data_dir / f"{st.network}.{st.station}.00.LH{comp}.sac"
            tr = read(str(src))[0]
            tr.data = (tr.data * 1e9).astype(np.float64)
            tr.write(str(data_dir / f"{st.code}.LH{comp}.mseed"), format="MSEED")
            resp = Response.from_paz([], [], stage_gain=1e9, input_units="M", output_units="COUNTS")
            chans.append(
                Channel(
                    f"LH{comp}",
                    "00",
                    st.latitude,
                    st.longitude,
                    0.0,
                    0.0,
                    azimuth=az,
                    dip=dip,
                    sample_rate=1.0,
                    response=resp,
                )
            )
        nets.setdefault(st.network, []).append(
            Station(st.station, st.latitude, st.longitude, 0.0, channels=chans, site=Site("x"))
        )
    inv = Inventory([Network(n, stations=s) for n, s in nets.items()], source="test")
    (tmp_path / "xml").mkdir()
    inv.write(str(tmp_path / "xml" / "inv.xml"), format="STATIONXML")
    centroid = cmt_event.reference.centroid_time
    bands = cmt_event.config.bands
    with_resp = process.read_observed(data_dir, tmp_path / "xml", centroid, bands, stations)
    plain = process.read_observed(cmt_event.layout.data_dir, None, centroid, bands, stations)
    assert any("response removed" in n for n in with_resp.notes)
    assert any("no StationXML" in n for n in plain.notes)
    geom = process.geometry(stations, 38.56, 142.78)
    syn = {"CMT": plain.waveforms}
    a = process.process_band(
        {"obs": with_resp.waveforms, **syn}, stations, geom, bands[0], cmt_event.config.process
    )
    b = process.process_band(
        {"obs": plain.waveforms, **syn}, stations, geom, bands[0], cmt_event.config.process
    )
    scale = np.abs(b.obs.data).max()
    # the response removal's pre-filter and taper act on the ends only
    mid = slice(100, -100)
    assert np.abs(a.obs.data[..., mid] - b.obs.data[..., mid]).max() < 0.02 * scale


def test_speed_of_eleven_data_sets(cmt_event):
    """11 data sets x 16 stations x 3 components through one band in well under a second."""
    from seisfoc.cmt.ingest import ingest_run

    stations = cmt_event.stations
    sets = {r: ingest_run(cmt_event.layout, r) for r in cmt_event.layout.runs()}
    sets["obs"] = process.read_observed(
        cmt_event.layout.data_dir,
        None,
        cmt_event.reference.centroid_time,
        cmt_event.config.bands,
        stations,
    ).waveforms
    geom = process.geometry(stations, 38.56, 142.78)
    t = time.perf_counter()
    process.process_band(sets, stations, geom, cmt_event.config.bands[0], cmt_event.config.process)
    elapsed = time.perf_counter() - t
    print(f"process_band: 11 data sets x {len(stations)} stations in {elapsed:.3f} s")
    assert elapsed < 2.0
