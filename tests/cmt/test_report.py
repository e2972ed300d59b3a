"""The report stage from plain inputs: JSON without NaN tokens, the text report, the new
CMTSOLUTION read back, QuakeML read back with ObsPy, and the figures."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
from seisfoc.cmt import report
from seisfoc.cmt.demo import GSN_STATIONS, demo_event
from seisfoc.cmt.records import PARAMETERS, TraceSet, Window

from seisfoc.io.cmtsolution import read_cmtsolution


def _traces(codes, shift=0.0, scale=1.0):
    t = np.arange(0.0, 1000.0, 10.0)
    data = np.zeros((len(codes), 3, t.size))
    for i in range(len(codes)):
        for c in range(3):
            data[i, c] = (
                scale
                * np.sin(2 * np.pi * (t - shift - 20 * i) / 200.0)
                * np.exp(-(((t - 400 - 10 * c) / 150) ** 2))
            )
    present = np.ones((len(codes), 3), bool)
    present[1, 2] = False
    n = len(codes)
    return TraceSet(list(codes), 0.0, 10.0, data, present, np.linspace(20, 90, n),
                    np.linspace(0, 300, n), np.linspace(180, 120, n))  # fmt: skip


def _summary(start, final):
    change = report.parameter_values(final) - report.parameter_values(start)
    update = {p: float(v) for p, v in zip(PARAMETERS, change, strict=True)}
    return {
        "event": start.event_name,
        "status": "ok",
        "parameters": list(PARAMETERS),
        "start": report.cmt_summary(start),
        "final": report.cmt_summary(final),
        "update": update,
        "iterations": [
            {
                "iteration": 0,
                "n_windows": 12,
                "vr_linear": 0.9,
                "vr_real": math.nan,
                "moment_change": 0.15,
                "epicentre_change_km": 14.9,
                "depth_change_km": 7.0,
                "resimulated": True,
            }
        ],  # fmt: skip
        "vr": {
            "linear": 0.9,
            "real": float("nan"),
            "by_band_component": {"surface": {"Z": 0.9, "R": np.float64(0.8), "T": None}},
        },
        "bootstrap": {"n": 50, "mean": update, "std": dict.fromkeys(PARAMETERS, np.inf)},
        "flags": ["depth changed by 7.0 km (> 5 km)"],
        "windows": [],
        "rejected": [
            {
                "band": "surface",
                "code": "IU.ANMO",
                "component": "T",
                "reason": "cc_below_threshold",
                "detail": "0.5 < 0.85",
                "start_s": np.nan,
                "end_s": 300.0,
            }
        ],  # fmt: skip
        "timings_s": {"process": np.float32(0.25)},
    }


def test_json_safe_turns_non_finite_into_null():
    value = {"a": np.nan, "b": [np.inf, 1, np.int64(3)], "c": (np.float32(0.5),), "d": {1, 2}}
    text = report.dumps_json(value)
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {"a": None, "b": [None, 1, 3], "c": [0.5], "d": [1, 2]}


def test_station_projection_against_known_distances():
    # pole to equator: 90 deg at the longitude's azimuth (south = 180 from the pole)
    d, az = report.azimuthal_equidistant(90.0, 0.0, np.array([0.0]), np.array([0.0]))
    assert d[0] == pytest.approx(90.0) and az[0] == pytest.approx(180.0)
    # along the equator: distance = longitude difference, azimuth 90 (east) / 270 (west)
    d, az = report.azimuthal_equidistant(0.0, 10.0, np.array([0.0, 0.0]), np.array([40.0, -5.0]))
    np.testing.assert_allclose(d, [30.0, 15.0])
    np.testing.assert_allclose(az, [90.0, 270.0])
    # against ObsPy's geodesic azimuth on a sphere-like case (WGS84 differs by < 0.3 deg)
    from obspy.geodetics import gps2dist_azimuth, kilometer2degrees

    lat, lon = np.array([34.9459, -32.9277]), np.array([-106.4572, 117.239])
    d, az = report.azimuthal_equidistant(38.3, 142.6, lat, lon)
    for k in range(2):
        dist_m, az_ref, _ = gps2dist_azimuth(38.3, 142.6, lat[k], lon[k])
        assert d[k] == pytest.approx(kilometer2degrees(dist_m / 1000.0), abs=0.3)
        assert az[k] == pytest.approx(az_ref, abs=0.5)


def test_write_report_files(tmp_path):
    event = demo_event()
    start, final = event.start, event.truth
    codes = [s.code for s in GSN_STATIONS[:12]]
    obs = {"surface": _traces(codes)}
    figures = report.FigureData(
        observed=obs,
        start_synthetic={"surface": _traces(codes, shift=15.0, scale=1.2)},
        final_synthetic={"surface": _traces(codes, shift=1.0)},
        windows=[
            Window("surface", codes[0], "Z", 250.0, 600.0),
            Window("surface", codes[3], "T", 300.0, 500.0),
        ],  # fmt: skip
        stations=list(GSN_STATIONS),
        used_codes=set(codes),
        bootstrap_samples=np.random.default_rng(0).normal(
            report.parameter_values(final),
            np.abs(report.parameter_values(final)) * 0.01 + 0.01,
            size=(60, 9),
        ),  # fmt: skip
    )
    summary = _summary(start, final)
    paths = report.write_report(tmp_path / "result", start, final, summary, figures)

    text = (tmp_path / "result" / "summary.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    data = json.loads(text)
    assert data["vr"]["real"] is None
    assert data["bootstrap"]["std"]["mrr"] is None
    assert data["final"]["mw"] == pytest.approx(6.8, abs=1e-9)
    names = set(data["figures"])
    assert {"beachballs.png", "vr.png", "bootstrap.png", "stations.png"} <= names
    assert {"waveforms_surface_01.png", "waveforms_surface_02.png"} <= names
    for name in names:
        assert (tmp_path / "result" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    (back,) = read_cmtsolution(paths["cmtsolution"])
    assert back.centroid_depth_km == pytest.approx(final.centroid_depth_km, abs=1e-4)
    np.testing.assert_allclose(back.m6_use, final.m6_use, rtol=1e-6)

    txt = (tmp_path / "result" / "report.txt").read_text()
    assert "cc_below_threshold" in txt and "depth changed by 7.0 km" in txt
    assert "nan" not in txt.lower()


def test_quakeml_read_back_with_obspy(tmp_path):
    from obspy import read_events

    event = demo_event()
    path = tmp_path / "q.xml"
    report.write_quakeml(path, event.truth, event.start)
    (ev,) = read_events(str(path))
    fm = ev.preferred_focal_mechanism()
    origin = ev.preferred_origin()
    assert origin.origin_type == "centroid"
    assert origin.latitude == pytest.approx(event.truth.centroid_latitude)
    assert origin.depth == pytest.approx(event.truth.centroid_depth_km * 1000.0)
    tensor = fm.moment_tensor.tensor
    np.testing.assert_allclose(
        [tensor.m_rr, tensor.m_tt, tensor.m_pp, tensor.m_rt, tensor.m_rp, tensor.m_tp],
        event.truth.m6_use * 1e-7, rtol=1e-6,
    )  # fmt: skip
    # Mw = 2/3 log10 M0 - 10.7 (M0 in dyne-cm) is 2/3 (log10 M0 - 9.05) with M0 in N m
    m0_nm = event.truth.scalar_moment_dyne_cm * 1e-7
    assert ev.preferred_magnitude().mag == pytest.approx(2 / 3 * (math.log10(m0_nm) - 9.05),
                                                         abs=1e-9)  # fmt: skip
    assert ev.preferred_magnitude().mag == pytest.approx(6.8, abs=1e-9)
    planes = fm.nodal_planes
    got = sorted([(planes.nodal_plane_1.strike, planes.nodal_plane_1.dip),
                  (planes.nodal_plane_2.strike, planes.nodal_plane_2.dip)])  # fmt: skip
    assert any(abs(s - 200.0) < 1e-6 and abs(d - 25.0) < 1e-6 for s, d in got)
    assert len(ev.focal_mechanisms) == 2  # the start is kept, not preferred


def test_report_text_without_optional_parts():
    event = demo_event()
    summary = {"event": "X", "status": "insufficient_data", "message": "no windows",
               "start": report.cmt_summary(event.start),
               "final": report.cmt_summary(replace(event.start))}  # fmt: skip
    text = report.format_report(summary)
    assert "insufficient_data" in text and "no windows" in text and "flags: none" in text
