"""Amplitudes from S-files: the phase-line mapping, geometry, errors, and the CLIs on them.

Synthetic S-files are built in tmp_path with AMPG/AMSG lines whose amplitudes come from
the forward model (seisfoc.amplitude, modern mode) of a known mechanism; the inversion
must give that mechanism back.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import re

import numpy as np
import pytest

from seisfoc import amplitude as A
from seisfoc import mechanism
from seisfoc.amplitude import sfile as S
from seisfoc.cli import main as seisfoc_main
from seisfoc.errors import NordicError
from seisfoc.io import nordic
from seisfoc.io.invrad import read_model

TRUTH = (125.0, 55.0, -70.0)
M0 = 500.0  # 1e16 dyne-cm
DEPTH = 8.0
EV_LAT, EV_LON = 60.0, 5.0
OLD_HELP = " STAT SP IPHASW D HRMM SECON CODA AMPLIT PERI AZIMU VELO AIN AR TRES W  DIS CAZ7"
NEW_HELP = " STAT COM NTLO IPHASE   W HHMM SS.SSS   PAR1  PAR2 AGA OPE  AIN  RES W  DIS CAZ7"
# station, distance (km), azimuth (deg): integer azimuths and 0.1 km distances, as HYP writes
STATIONS = [
    ("ST01", 3.5, 20), ("ST02", 4.2, 140), ("ST03", 9.0, 75), ("ST04", 12.3, 200),
    ("ST05", 17.8, 265), ("ST06", 24.1, 320), ("ST07", 30.6, 110), ("ST08", 38.0, 355),
]  # fmt: skip
MODEL_LINES = ["  5.8       0.0", "  6.3       4.0", "  6.8      15.0", "  8.1      32.0"]


def header(depth=f"{DEPTH:5.1f}", lat=f"{EV_LAT:7.3f}", lon=f"{EV_LON:8.3f}") -> str:
    s = f" 2020 0117 1204 33.1 L {lat}{lon}{depth}  TST  8 0.3 2.1LTST"
    return s.ljust(79) + "1"


def station0_text(stations=STATIONS) -> str:
    lines = ["RESET TEST(02)=500.0", ""]
    for name, dist, az in stations:
        # station positions that give these distances and azimuths (inverse problem solved
        # numerically below), written with 0.01 minute precision
        lat, lon = _station_position(dist, az)
        ns, ew = ("N" if lat >= 0 else "S"), ("E" if lon >= 0 else "W")
        lat, lon = abs(lat), abs(lon)
        lat_d, lon_d = int(lat), int(lon)
        lines.append(
            f"  {name:<4s}{lat_d:2d}{(lat - lat_d) * 60:5.2f}{ns}{lon_d:3d}"
            f"{(lon - lon_d) * 60:5.2f}{ew}  10"
        )
    lines += ["", *MODEL_LINES, "", "15.0 1000.1500. 1.73", "TST"]
    return "\n".join(lines) + "\n"


def _station_position(dist_km, az_deg):
    """Latitude and longitude at ``dist_km``, ``az_deg`` from the epicentre (Newton)."""
    delta = dist_km / 6371.0
    lat0 = np.radians(EV_LAT)
    lat = np.degrees(
        np.arcsin(
            np.sin(lat0) * np.cos(delta) + np.cos(lat0) * np.sin(delta) * np.cos(np.radians(az_deg))
        )
    )
    lon = EV_LON + np.degrees(np.arctan2(
        np.sin(np.radians(az_deg)) * np.sin(delta) * np.cos(lat0),
        np.cos(delta) - np.sin(lat0) * np.sin(np.radians(lat))))  # fmt: skip
    for _ in range(20):  # correct for the geocentric latitude used by distance_azimuth
        d, a = S.distance_azimuth(EV_LAT, EV_LON, lat, lon)
        e_n = dist_km * np.cos(np.radians(az_deg)) - d * np.cos(np.radians(a))
        e_e = dist_km * np.sin(np.radians(az_deg)) - d * np.sin(np.radians(a))
        lat += e_n / 111.19
        lon += e_e / (111.19 * np.cos(np.radians(lat)))
    return float(lat), float(lon)


def reading_set(include_sv=True):
    sta, comp, ph, dist, az = [], [], [], [], []
    for name, d, a in STATIONS:
        pairs = [("Z", "P"), ("T", "SH")]
        if include_sv and d < 5.0:
            pairs.append(("R", "SV"))
        for c, p in pairs:
            sta.append(name)
            comp.append(c)
            ph.append(p)
            dist.append(d)
            az.append(a)
    return A.AmplitudeReadings(sta, comp, ph, dist, az, np.zeros(len(sta)),
                               radial_toward_source=False)  # fmt: skip


def synthetic_nm(readings, model, mode="modern", strike_dip_rake=TRUTH, m0=M0):
    green = A.green_functions(readings, model, DEPTH, mode)
    microns = green.predict(mechanism.moment_tensor_ned(*strike_dip_rake, m0))
    if green.radial_toward_source:  # back to the file's convention (R away from the source)
        microns = np.where(readings.component == "R", -microns, microns)
    return microns * 1000.0


def sfile_text(readings, nm, fmt=nordic.NORDIC1, geometry=True, extra=(), sign="polarity"):
    lines = [header(), OLD_HELP if fmt == nordic.NORDIC1 else NEW_HELP]
    for i in range(len(readings)):
        name = "AMPG" if readings.phase[i] == "P" else "AMSG"
        amp, pol = float(nm[i]), ""
        if sign == "polarity" and fmt == nordic.NORDIC1:
            pol = "C" if amp > 0 else "D"
            amp = abs(amp)
        lines.append(S.format_amplitude_phase_line(
            readings.station[i], readings.component[i], name, amp, polarity=pol,
            distance_km=readings.distance_km[i] if geometry else None,
            caz_deg=int(readings.azimuth_deg[i]) if geometry else None,
            hour=12, minute=4, second=35.0 + i * 0.1, nordic_format=fmt,
        ))  # fmt: skip
    lines += list(extra)
    lines.append(" " * 80)
    return "\n".join(lines) + "\n"


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    (tmp_path / "STATION0.HYP").write_text(station0_text())
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEISAN_TOP", raising=False)
    return tmp_path


def _model(workdir):
    return read_model(workdir / "STATION0.HYP")


def _run_json(argv, capsys):
    assert seisfoc_main(argv) == 0
    return json.loads(capsys.readouterr().out)


def _kagan(planes_or_sdr):
    return float(mechanism.kagan_angle(mechanism.moment_tensor_ned(*TRUTH),
                                       mechanism.moment_tensor_ned(*planes_or_sdr)))  # fmt: skip


# ------------------------------------------------------------------- the mapping


@pytest.mark.parametrize("fmt", [nordic.NORDIC1, nordic.NORDIC2])
def test_readings_follow_the_documented_mapping(workdir, fmt):
    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir))
    sign = "polarity" if fmt == nordic.NORDIC1 else "value"
    (workdir / "ev.S202001").write_text(sfile_text(readings, nm, fmt, sign=sign))
    got = S.read_sfile_amplitudes(workdir / "ev.S202001")
    r = got.readings
    assert got.event.nordic_format == fmt
    assert list(r.phase) == list(readings.phase) and list(r.component) == list(readings.component)
    assert r.station == readings.station
    assert not r.radial_toward_source
    assert r.distance_km == pytest.approx(readings.distance_km)
    assert r.azimuth_deg == pytest.approx(readings.azimuth_deg)
    # nm -> microns, sign kept; the 7-column field keeps 4-5 significant digits
    assert r.amplitude_microns == pytest.approx(nm / 1000.0, rel=6e-5, abs=1e-7)
    assert got.source_depth_km == pytest.approx(DEPTH)
    assert list(r.line_numbers) == list(range(3, 3 + len(readings)))


def test_other_amplitude_lines_are_ignored(workdir):
    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir))
    extra = [
        " ST01 SZ IP   C  1204 34.10      123.4  0.4                       3.5  20 ",
        " ST02 SZ  IAML   1204 36.10      553.8  0.2                       4.2 140 ",
        " ST03 SZ  AMPB   1204 36.10      553.8  0.2                       9.0  75 ",
    ]
    (workdir / "ev.S").write_text(sfile_text(readings, nm, extra=extra))
    got = S.read_sfile_amplitudes(workdir / "ev.S")
    assert len(got.readings) == len(readings)


@pytest.mark.parametrize("fmt", [nordic.NORDIC1, nordic.NORDIC2])
@pytest.mark.parametrize("mode", ["modern", "seisan"])
def test_invrad_recovers_the_mechanism_from_an_sfile(workdir, capsys, fmt, mode):
    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir), mode=mode)
    sign = "polarity" if fmt == nordic.NORDIC1 else "value"
    (workdir / "ev.S").write_text(sfile_text(readings, nm, fmt, sign=sign))
    out = _run_json(["invrad", "ev.S", "--json", "--mode", mode], capsys)
    assert out["source_depth_km"] == pytest.approx(DEPTH)
    plane = out["largest_double_couple_ebel"]["planes"][0]
    assert _kagan((plane["strike"], plane["dip"], plane["rake"])) < 0.05
    assert out["largest_double_couple_ebel"]["moment_1e16_dyne_cm"] == pytest.approx(M0, rel=1e-3)
    assert out["jost_herrmann"]["dc_percent"] > 99.9


def test_invdc_and_synrad_on_an_sfile(workdir, capsys):
    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir))
    (workdir / "ev.S").write_text(sfile_text(readings, nm))
    out = _run_json(["invdc", "ev.S", "--sdr", "160", "25", "-40", "--json"], capsys)
    assert out["converged"]
    assert _kagan((out["strike"], out["dip"], out["rake"])) < 0.05
    assert out["moment"] == pytest.approx(M0, rel=1e-3)
    rows = _run_json(["synrad", "ev.S", "--sdr", *map(str, TRUTH), "--moment", str(M0),
                      "--json"], capsys)  # fmt: skip
    assert np.array([r["implied_moment"] for r in rows]) == pytest.approx(M0, rel=1e-3)
    # the same table as CSV: same columns, same numbers
    assert seisfoc_main(["synrad", "ev.S", "--sdr", *map(str, TRUTH), "--moment", str(M0),
                         "--csv"]) == 0  # fmt: skip
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [list(r) for r in table] == [list(r) for r in rows]
    for got, want in zip(table, rows, strict=True):
        assert got["label"] == want["label"]
        for key in ("observed", "predicted", "residual", "ratio", "implied_moment"):
            assert float(got[key]) == want[key]


def test_geometry_from_station0_when_the_lines_have_none(workdir, capsys):
    readings = reading_set()
    model = _model(workdir)
    coords = S.read_station_coordinates(workdir / "STATION0.HYP")
    # the geometry the program will compute from the coordinates as written (0.01')
    dist, az = [], []
    for name in readings.station:
        lat, lon, _ = coords.get(name)
        d, a = S.distance_azimuth(EV_LAT, EV_LON, lat, lon)
        dist.append(float(d))
        az.append(float(a))
    exact = A.AmplitudeReadings(readings.station, readings.component, readings.phase, dist, az,
                                readings.amplitude_microns, radial_toward_source=False)  # fmt: skip
    assert np.abs(np.array(dist) - readings.distance_km).max() < 0.05
    nm = synthetic_nm(exact, model)
    (workdir / "ev.S").write_text(sfile_text(readings, nm, geometry=False))
    got = S.read_sfile_amplitudes(workdir / "ev.S", stations=coords)
    assert got.readings.distance_km == pytest.approx(dist, rel=1e-12)
    assert any("computed from" in n for n in got.notes)
    out = _run_json(["invrad", "ev.S", "--json"], capsys)
    plane = out["largest_double_couple_ebel"]["planes"][0]
    assert _kagan((plane["strike"], plane["dip"], plane["rake"])) < 0.05


def test_distance_azimuth_against_hyp(reference_dir):
    """HYP's DIS and CAZ in the reference hyp.out files, from the same STATION0.HYP."""
    coords = S.read_station_coordinates(reference_dir / "STATION0.HYP")
    n = 0
    for path in sorted(glob.glob(str(reference_dir / "pinv" / "*" / "hyp" / "hyp.out"))):
        for ev in nordic.read_events(path):
            for ph in ev.phases:
                c = coords.get(ph.station)
                if c is None or ph.distance_km is None or ph.caz_deg is None:
                    continue
                d, a = S.distance_azimuth(ev.latitude, ev.longitude, c[0], c[1])
                # DIS has 1 km (>100 km) or 0.1 km resolution, CAZ 1 deg, epicentre 0.001 deg
                assert abs(d - ph.distance_km) <= max(0.005 * ph.distance_km, 0.15)
                assert abs((a - ph.caz_deg + 180.0) % 360.0 - 180.0) <= 1.0
                n += 1
    assert n > 100


def test_distance_azimuth_against_obspy():
    geo = pytest.importorskip("obspy.geodetics")
    rng = np.random.default_rng(1)
    for _ in range(50):
        lat1, lon1 = rng.uniform(-70, 70), rng.uniform(-180, 180)
        lat2, lon2 = lat1 + rng.uniform(-2, 2), lon1 + rng.uniform(-2, 2)
        d_ref, az_ref, _ = geo.gps2dist_azimuth(lat1, lon1, lat2, lon2)
        d, az = S.distance_azimuth(lat1, lon1, lat2, lon2)
        assert d == pytest.approx(d_ref / 1000.0, rel=6e-3)
        assert abs((az - az_ref + 180.0) % 360.0 - 180.0) < 0.3


def test_station_line_layouts(tmp_path):
    text = (
        "\n  BER 6023.03N  520.03E  50\n ABCDE4843.72S 1635.42W 337\n"
        "  ZUVM1949.59N 99 4.65W2288\n\n"
    )
    (tmp_path / "STATION0.HYP").write_text(text)
    c = S.read_station_coordinates(tmp_path / "STATION0.HYP")
    assert c.get("BER") == pytest.approx((60 + 23.03 / 60, 5 + 20.03 / 60, 50.0))
    assert c.get("ABCDE") == pytest.approx((-(48 + 43.72 / 60), -(16 + 35.42 / 60), 337.0))
    assert c.get("ZUVM") == pytest.approx((19 + 49.59 / 60, -(99 + 4.65 / 60), 2288.0))
    assert c.get("NONE") is None


def test_find_station0_in_the_database(tmp_path, monkeypatch):
    top = tmp_path / "seis"
    folder = top / "REA" / "TEST_" / "2020" / "01"
    folder.mkdir(parents=True)
    (top / "DAT").mkdir()
    (top / "DAT" / "STATION0.HYP").write_text(station0_text())
    sfile = folder / "17-1204-33L.S202001"
    sfile.write_text("x")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEISAN_TOP", raising=False)
    assert S.find_station0(sfile) == str(top / "DAT" / "STATION0.HYP")
    assert S.find_station0(sfile, "A") is None  # STATIONA.HYP
    (tmp_path / "STATION0.HYP").write_text(station0_text())
    assert S.find_station0(sfile) == "STATION0.HYP"  # the working folder first


# ------------------------------------------------------------------- errors


def _one_line_file(workdir, line, fmt=nordic.NORDIC1):
    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir))
    text = sfile_text(readings, nm, fmt, extra=[line])
    (workdir / "bad.S").write_text(text)
    return len(readings) + 3  # line number of the extra line


@pytest.mark.parametrize(
    "fields,words",
    [
        (dict(component="N", phase="AMPG", amplitude_nm=100.0, polarity="C"), "not rotated"),
        (dict(component="E", phase="AMSG", amplitude_nm=100.0, polarity="C"), "not rotated"),
        (dict(component="T", phase="AMPG", amplitude_nm=100.0, polarity="C"), "transverse"),
        (dict(component="Z", phase="AMPG", amplitude_nm=100.0, explicit_sign=False), "no sign"),
        (dict(component="Z", phase="AMPG", amplitude_nm=-100.0, polarity="D"), "sign once"),
        (dict(component="Z", phase="AMPN", amplitude_nm=100.0, polarity="C"), "head-wave"),
        (dict(component="Z", phase="AMPG", amplitude_nm=100.0, polarity="C", station="ST01"),
         "second P amplitude"),
    ],
)  # fmt: skip
def test_bad_amplitude_lines_are_named(workdir, capsys, fields, words):
    station = fields.pop("station", "XX01")
    line = S.format_amplitude_phase_line(station, fields.pop("component"), fields.pop("phase"),
                                         fields.pop("amplitude_nm"), distance_km=10.0,
                                         caz_deg=10, **fields)  # fmt: skip
    n = _one_line_file(workdir, line)
    assert seisfoc_main(["invrad", "bad.S"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert words in err and f"line {n}" in err and "bad.S" in err and station in err


def test_blank_amplitude_is_an_error(workdir):
    line = S.format_amplitude_phase_line("XX01", "Z", "AMPG", 1.0, polarity="C",
                                         distance_km=10.0, caz_deg=10)  # fmt: skip
    line = line[:33] + " " * 7 + line[40:]
    n = _one_line_file(workdir, line)
    with pytest.raises(NordicError, match=f"line {n}, column 34: .*blank"):
        S.read_sfile_amplitudes(workdir / "bad.S")


def test_unsigned_readings_can_be_skipped(workdir, capsys):
    line = S.format_amplitude_phase_line("XX01", "Z", "AMPG", 100.0, distance_km=10.0,
                                         caz_deg=10, explicit_sign=False)  # fmt: skip
    n = _one_line_file(workdir, line)
    got = S.read_sfile_amplitudes(workdir / "bad.S", skip_unsigned=True)
    assert "XX01" not in got.readings.station
    assert any(f"line {n}" in note and "no sign" in note for note in got.notes)
    assert seisfoc_main(["invrad", "bad.S", "--skip-unsigned"]) == 0
    assert f"line {n}" in capsys.readouterr().err


def test_weight_4_drops_a_reading(workdir):
    line = S.format_amplitude_phase_line("XX01", "Z", "AMPG", 100.0, polarity="C",
                                         distance_km=10.0, caz_deg=10)  # fmt: skip
    line = line[:14] + "4" + line[15:]
    _one_line_file(workdir, line)
    got = S.read_sfile_amplitudes(workdir / "bad.S")
    assert "XX01" not in got.readings.station and any("weight 4" in x for x in got.notes)


@pytest.mark.parametrize(
    "fmt,column,char", [(nordic.NORDIC1, 15, "7"), (nordic.NORDIC1, 15, "X"),
                        (nordic.NORDIC2, 25, "7"), (nordic.NORDIC2, 25, "X")],
)  # fmt: skip
def test_weight_other_than_0_to_4_or_9_is_an_error(workdir, capsys, fmt, column, char):
    amp, pol = (100.0, "C") if fmt == nordic.NORDIC1 else (-100.0, "")
    line = S.format_amplitude_phase_line("XX01", "Z", "AMPG", amp, polarity=pol,
                                         distance_km=10.0, caz_deg=10,
                                         nordic_format=fmt)  # fmt: skip
    line = line[: column - 1] + char + line[column:]
    n = _one_line_file(workdir, line, fmt)
    with pytest.raises(NordicError, match=f"line {n}, column {column}: .*weighting indicator"):
        S.read_sfile_amplitudes(workdir / "bad.S")
    assert seisfoc_main(["invrad", "bad.S"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "XX01" in err and f"column {column}" in err


@pytest.mark.parametrize("weight", ["0", "1", "3", " "])
def test_weights_0_to_3_keep_the_reading(workdir, weight):
    line = S.format_amplitude_phase_line("XX01", "Z", "AMPG", 100.0, polarity="C",
                                         distance_km=10.0, caz_deg=10)  # fmt: skip
    _one_line_file(workdir, line[:14] + weight + line[15:])
    assert "XX01" in S.read_sfile_amplitudes(workdir / "bad.S").readings.station


def test_azimuth_outside_0_360_is_an_error(workdir):
    line = S.format_amplitude_phase_line("XX01", "Z", "AMPG", 100.0, polarity="C",
                                         distance_km=10.0, caz_deg=400)  # fmt: skip
    n = _one_line_file(workdir, line)
    with pytest.raises(NordicError, match=f"line {n}, column 77: .*outside 0-360"):
        S.read_sfile_amplitudes(workdir / "bad.S")


def test_header_depth_above_the_surface_is_named(workdir, capsys):
    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir))
    text = sfile_text(readings, nm).replace(header(), header(depth=" -1.0"))
    (workdir / "ev.S").write_text(text)
    assert seisfoc_main(["invrad", "ev.S"]) == 1
    err = capsys.readouterr().err.strip()
    assert "ev.S, line 1, column 39" in err and "free surface" in err
    assert seisfoc_main(["invrad", "ev.S", "--depth", "8"]) == 0


def test_unreachable_ray_names_the_sfile_line_and_column(workdir, capsys):
    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir))
    (workdir / "ev.S").write_text(sfile_text(readings, nm))
    # a strong gradient under the source: rays leave it horizontally at ~17 km at most
    (workdir / "grad.mod").write_text("    0.0000    4.0000\n   10.0000    8.0000\n")
    assert seisfoc_main(["invrad", "ev.S", "--model", "grad.mod"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert re.search(r"ev\.S, line \d+, column 71: reading ST0\d Z P: P ray .*not reachable", err)


def test_missing_geometry_without_coordinates(workdir, capsys):
    line = S.format_amplitude_phase_line("XX01", "Z", "AMPG", 100.0, polarity="C")
    n = _one_line_file(workdir, line)
    assert seisfoc_main(["invrad", "bad.S"]) == 1  # XX01 is not in STATION0.HYP
    err = capsys.readouterr().err
    assert "XX01" in err and f"line {n}" in err and "STATION0.HYP" in err
    os.remove(workdir / "STATION0.HYP")
    with pytest.raises(NordicError, match="no STATION0.HYP"):
        S.read_sfile_amplitudes(workdir / "bad.S")


def test_no_amplitude_lines(workdir):
    (workdir / "empty.S").write_text(header() + "\n" + OLD_HELP + "\n" + " " * 80 + "\n")
    with pytest.raises(NordicError, match="no amplitude readings"):
        S.read_sfile_amplitudes(workdir / "empty.S")


def test_several_events_need_a_choice(workdir, capsys):
    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir))
    text = sfile_text(readings, nm)
    (workdir / "hyp.out").write_text(text + text)
    assert seisfoc_main(["invrad", "hyp.out"]) == 1
    assert "--event" in capsys.readouterr().err
    out = _run_json(["invrad", "hyp.out", "--event", "2", "--json"], capsys)
    assert out["largest_double_couple_ebel"]["moment_1e16_dyne_cm"] == pytest.approx(M0, rel=1e-3)


def test_depth_missing_in_header(workdir, capsys):
    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir))
    text = sfile_text(readings, nm).replace(header(), header(depth="     "))
    (workdir / "ev.S").write_text(text)
    assert seisfoc_main(["invrad", "ev.S"]) == 1
    assert "--depth" in capsys.readouterr().err
    assert seisfoc_main(["invrad", "ev.S", "--depth", "8"]) == 0


# ------------------------------------------------------------------- --write


def _f_lines(data: bytes, program: bytes):
    return [ln for ln in data.splitlines() if ln[79:80] == b"F" and ln[70:77].strip() == program]


def test_write_twice_leaves_one_line_and_every_other_byte(workdir, capsys):
    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir))
    path = workdir / "ev.S"
    path.write_bytes(sfile_text(readings, nm).replace("\n", "\r\n").encode())
    before = path.read_bytes()
    for _ in range(2):
        assert seisfoc_main(["invrad", "ev.S", "--write"]) == 0
    after = path.read_bytes()
    lines = after.split(b"\r\n")
    f = _f_lines(after, b"INVRAD")
    assert len(f) == 1 and lines[1] == f[0]
    assert b"\r\n".join(ln for ln in lines if ln not in f) == before
    ev = nordic.read_sfile(path)
    fp = ev.fault_planes[0]
    assert fp.flag == "O" and fp.program == "INVRAD" and fp.agency == "TST"
    assert _kagan((fp.strike, fp.dip, fp.rake)) < 0.2
    assert fp.strike_error is not None and fp.strike_error < 1.0
    # INVDC adds its own line after it; INVRAD --prime adds the prime line beside its
    # OF-line (SEISAN's rule: a prime write replaces the prime line, an OF write the
    # OF-line; a line is never promoted or demoted), and a second --prime replaces it
    assert seisfoc_main(["invdc", "ev.S", "--sdr", "150", "40", "-50", "--write",
                         "--agency", "ABC"]) == 0  # fmt: skip
    for _ in range(2):
        assert seisfoc_main(["invrad", "ev.S", "--write", "--prime"]) == 0
    # --prime alone never writes (issue 9: no option but --write writes an S-file)
    before_prime = path.read_bytes()
    assert seisfoc_main(["invrad", "ev.S", "--prime"]) == 1
    assert path.read_bytes() == before_prime
    data = path.read_bytes()
    invrad_lines = _f_lines(data, b"INVRAD")
    assert sorted(ln[78:79] for ln in invrad_lines) == [b" ", b"O"]
    assert len(_f_lines(data, b"INVDC")) == 1
    ev = nordic.read_sfile(path)
    assert ev.prime_fault_plane.program == "INVRAD" and ev.prime_fault_plane.flag == ""
    dc = next(fp for fp in ev.fault_planes if fp.program == "INVDC")
    assert dc.agency == "ABC" and dc.flag == "O"
    assert _kagan((dc.strike, dc.dip, dc.rake)) < 0.2
    rest = [ln for ln in data.split(b"\r\n") if ln[79:80] != b"F"]
    assert b"\r\n".join(rest) == before


def test_write_refuses_an_invrad_inp(workdir, capsys):
    from seisfoc.io.invrad import format_invrad_inp

    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir))
    text = format_invrad_inp("t", DEPTH, 0.0, readings.with_amplitudes(nm / 1000.0, False))
    (workdir / "x.inp").write_text(text)
    assert seisfoc_main(["invrad", "x.inp", "--model", "STATION0.HYP", "--write"]) == 1
    assert "S-file" in capsys.readouterr().err


# ------------------------------------------------------------------- report and JSON


def test_report_and_json_carry_every_result(workdir, capsys):
    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir))
    rng = np.random.default_rng(3)
    nm = nm + rng.normal(0.0, 0.01 * np.abs(nm).mean(), nm.size)
    (workdir / "ev.S").write_text(sfile_text(readings, nm))
    assert seisfoc_main(["invrad", "ev.S"]) == 0
    text = capsys.readouterr().out
    for words in ("Moment tensor (1e16 dyne-cm)", "Mnn", "Mrr", "Largest double couple (Ebel)",
                  "plane 1: strike", "plane 2: strike", "+-", "Jost-Herrmann: epsilon",
                  "M0(DC)", "(Mw ", "RMS", "leverage"):  # fmt: skip
        assert words in text, words
    out = _run_json(["invrad", "ev.S", "--json", "--bootstrap", "30"], capsys)
    m = np.array(out["moment_tensor_ned_1e16_dyne_cm"])
    assert m.shape == (3, 3) and abs(np.trace(m)) < 1e-9 * np.abs(m).max()
    assert np.array(out["moment_tensor_covariance_m5"]).shape == (5, 5)
    ebel = out["largest_double_couple_ebel"]
    assert len(ebel["planes"]) == 2
    for p in ebel["planes"]:
        for key in ("strike", "dip", "rake", "strike_error", "dip_error", "rake_error",
                    "bootstrap_errors"):  # fmt: skip
            assert key in p
        assert 0 < p["strike_error"] < 10
    assert ebel["moment_error_1e16_dyne_cm"] > 0 and ebel["moment_bootstrap_error"] > 0
    ldc = mechanism.largest_double_couple(m)
    assert ebel["moment_1e16_dyne_cm"] == pytest.approx(float(ldc.moment_dc))
    jh = mechanism.jost_herrmann(m)
    assert out["jost_herrmann"]["epsilon"] == pytest.approx(float(jh.epsilon))
    assert out["jost_herrmann"]["moment_dc_1e16_dyne_cm"] == pytest.approx(float(jh.moment_dc))
    assert out["mw"] == pytest.approx(2.0 / 3.0 * np.log10(ebel["moment_1e16_dyne_cm"] * 1e16)
                                      - 10.7, abs=1e-6)  # fmt: skip
    rows = out["readings"]
    assert len(rows) == len(readings)
    assert sum(r["leverage"] for r in rows) == pytest.approx(5.0)  # trace of the data resolution
    assert all(isinstance(r["high_leverage"], bool) for r in rows)
    assert rows[0]["label"] == "ST01 Z P"
    assert [r["observed"] for r in rows] == pytest.approx(nm / 1000.0, rel=1e-4, abs=1e-6)


def test_sign_sources(workdir):
    cases = [  # (polarity, amplitude as given, explicit sign, expected microns)
        ("C", 250.0, False, 0.25), ("U", 250.0, False, 0.25), ("+", 250.0, False, 0.25),
        ("D", 250.0, False, -0.25), ("-", 250.0, False, -0.25), ("", -250.0, True, -0.25),
        ("", 250.0, True, 0.25), ("", 0.0, False, 0.0),
    ]  # fmt: skip
    lines = [header(), OLD_HELP]
    for k, (pol, amp, explicit, _) in enumerate(cases):
        line = S.format_amplitude_phase_line(f"X{k:02d}", "Z", "AMPG", amp, polarity=pol,
                                             distance_km=10.0, caz_deg=10 * k,
                                             explicit_sign=explicit)  # fmt: skip
        lines.append(line)
    assert lines[2][16] == "C" and lines[7][33:40] == "-250.00"
    (workdir / "signs.S").write_text("\n".join(lines) + "\n" + " " * 80 + "\n")
    got = S.read_sfile_amplitudes(workdir / "signs.S").readings
    assert list(got.amplitude_microns) == pytest.approx([c[3] for c in cases])


def test_pulse_area_scales_the_moment(workdir, capsys):
    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir))
    (workdir / "ev.S").write_text(sfile_text(readings, nm))
    out = _run_json(["invrad", "ev.S", "--json", "--tarea", "0.04"], capsys)
    # u = F M0 / (... TAREA): the same amplitudes with 4 times the pulse area need 4 M0
    assert out["largest_double_couple_ebel"]["moment_1e16_dyne_cm"] == pytest.approx(
        4 * M0, rel=1e-3
    )


def test_real_sfile_magnitude_amplitudes_are_not_used(reference_dir):
    path = reference_dir / "sfiles" / "TEST_" / "1997" / "08" / "12-0814-24L.S199708"
    with pytest.raises(NordicError, match=r"no amplitude readings.*IAML x\d+.*not used"):
        S.read_sfile_amplitudes(path)


def test_plot_writes_a_png_with_the_file_signs(workdir, capsys, monkeypatch):
    pytest.importorskip("matplotlib")
    plotting = pytest.importorskip("seisfoc.plotting")
    readings = reading_set()
    nm = synthetic_nm(readings, _model(workdir), mode="seisan")
    (workdir / "ev.S").write_text(sfile_text(readings, nm))
    assert seisfoc_main(["invrad", "ev.S", "--mode", "seisan", "--plot", "bb.png"]) == 0
    assert (workdir / "bb.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    seen = {}
    real = plotting.amplitude_beachball

    def spy(mech, **kwargs):
        seen.update(kwargs, mech=mech)
        return real(mech, **kwargs)

    monkeypatch.setattr(plotting, "amplitude_beachball", spy)
    assert seisfoc_main(["invdc", "ev.S", "--mode", "seisan", "--sdr", "150", "40", "-50",
                         "--plot", "dc.png"]) == 0  # fmt: skip
    assert (workdir / "dc.png").stat().st_size > 1000
    # R keeps the file's sign (away from the source) although seisan mode works toward it
    assert seen["amplitude"] == pytest.approx(nm / 1000.0, rel=1e-4, abs=1e-6)
    assert _kagan(mechanism.nodal_planes(seen["mech"])[0]) < 0.05
    assert list(seen["phase"]) == list(readings.phase)
    assert np.all((seen["takeoff_deg"] > 90.0) & (seen["takeoff_deg"] < 180.0))  # up-going
