#!/usr/bin/env python3
"""Regenerate seisfoc's example SEISAN database (``seisfoc/data/example``).

A small, fully synthetic database of local earthquakes with KNOWN mechanisms, laid out as
SEISAN lays out its own:

    seisfoc/data/example/REA/EXAMP/YYYY/MM/DD-HHMM-SSL.SYYYYMM   one S-file per event
    seisfoc/data/example/DAT/STATION0.HYP                        stations, model, agency
    seisfoc/data/example/truth.json                              the mechanisms used

Every event was "located" at its true hypocentre: the P and S phase lines carry the
arrival time, the take-off angle (AIN, from the downward vertical, > 90 deg for the
up-going direct rays, as HYP writes it), the epicentral distance and the azimuth event to
station (CAZ), computed with seisfoc's own ray tracer in the STATION0.HYP model. The P
first-motion polarity is the sign of the P radiation of the true double couple; a few
readings are flipped on purpose (listed in truth.json) as real data have reading errors,
and readings close to a nodal plane are marked emergent (E) and weight 2.

The script is deterministic (fixed seed): running it again gives the same bytes.
Usage: python scripts/make_example_database.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import math
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from seisfoc import mechanism, rays
from seisfoc.velocity import LayeredModel

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "seisfoc" / "data" / "example"
BASE = "EXAMP"
AGENCY = "SFC"
VP_VS = 1.74
EARTH_RADIUS_KM = 6371.0

# STATION0.HYP model: (Vp km/s, depth of layer top km, interface flag)
MODEL_LAYERS = [(6.2, 0.0, ""), (6.6, 12.0, ""), (7.1, 23.0, "B"), (8.05, 31.0, "N")]

# A fictional network on the west coast of Norway: code, latitude, longitude, elevation m
STATIONS = [
    ("SFA", 60.92, 5.05, 40),
    ("SFB", 61.25, 5.60, 310),
    ("SFC", 60.55, 5.32, 25),
    ("SFD", 60.45, 5.95, 120),
    ("SFE", 60.70, 6.25, 450),
    ("SFF", 61.10, 6.30, 620),
    ("SFG", 61.40, 5.10, 80),
    ("SFH", 60.30, 5.40, 15),
    ("SFI", 60.85, 6.60, 900),
    ("SFJ", 61.45, 6.00, 530),
    ("SFK", 60.60, 4.80, 10),
    ("SFL", 61.60, 5.55, 200),
    ("SFM", 60.25, 6.20, 350),
    ("SFN", 61.05, 4.70, 5),
    ("SFO", 60.80, 5.70, 150),
    ("SFP", 61.08, 5.40, 260),
    ("SFQ", 60.62, 5.80, 75),
    ("SFR", 61.22, 6.05, 410),
    ("SFS", 60.95, 6.05, 380),
    ("SFT", 60.40, 5.05, 30),
    ("SFU", 61.30, 5.25, 95),
    ("SFV", 60.75, 5.45, 12),
]

# origin time, latitude, longitude, depth km, ML, strike, dip, rake, polarity flips (stations)
EVENTS = [
    ("2021-03-04T02:17:41.3", 60.81, 5.55, 14.0, 2.8, 30.0, 60.0, 90.0, ()),
    ("2021-05-19T14:02:07.9", 61.02, 5.88, 11.5, 2.3, 120.0, 45.0, -60.0, ("SFK",)),
    ("2021-07-30T23:45:12.0", 60.67, 6.00, 17.0, 3.1, 245.0, 80.0, 170.0, ()),
    ("2021-10-02T06:31:55.6", 61.21, 5.35, 22.0, 2.6, 345.0, 35.0, 110.0, ()),
    ("2022-01-11T18:09:03.2", 60.74, 5.15, 9.0, 2.1, 75.0, 70.0, -20.0, ("SFE",)),
    ("2022-04-27T09:54:38.8", 60.98, 5.72, 15.5, 3.4, 200.0, 55.0, -95.0, ()),
    ("2022-08-15T12:26:19.4", 61.15, 5.70, 12.0, 2.5, 310.0, 25.0, 75.0, ()),
    ("2022-11-03T04:48:50.1", 60.52, 5.60, 19.0, 2.0, 160.0, 85.0, 5.0, ()),
    # few polarities: seisfoc pinv refuses to write a solution below 5 (as SEISAN does)
    ("2023-02-14T21:13:27.7", 60.72, 5.40, 9.0, 1.4, 50.0, 50.0, 50.0, ()),
]
FEW_POLARITY_EVENT = "2023-02-14T21:13:27.7"
FEW_POLARITY_STATIONS = ("SFC", "SFA", "SFK", "SFD")


def velocity_model() -> LayeredModel:
    depths = [d for _, d, _ in MODEL_LAYERS]
    vp = [v for v, _, _ in MODEL_LAYERS]
    vs = [v / VP_VS for v in vp]
    return LayeredModel.from_arrays(depth_top_km=depths, vp_top=vp, vs_top=vs)


def distance_azimuth(lat1, lon1, lat2, lon2) -> tuple[float, float]:
    """Great-circle distance (km) and azimuth (deg) from point 1 to point 2 on a sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    cos_d = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    delta = math.acos(max(-1.0, min(1.0, cos_d)))
    az = math.atan2(
        math.sin(dl) * math.cos(p2),
        math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl),
    )
    return delta * EARTH_RADIUS_KM, math.degrees(az) % 360.0


def put(buf: list[str], col: int, text: str) -> None:
    """Place ``text`` in the 80-column line ``buf`` from 1-based column ``col``."""
    buf[col - 1 : col - 1 + len(text)] = list(text)


def blank_line(line_type: str = " ") -> list[str]:
    buf = [" "] * 80
    buf[79] = line_type
    return buf


def header_line(t: datetime, lat, lon, depth, n_stations, ml) -> str:
    b = blank_line("1")
    put(b, 2, f"{t.year:4d} {t.month:02d}{t.day:02d} {t.hour:02d}{t.minute:02d} ")
    put(b, 17, f"{t.second + t.microsecond / 1e6:4.1f}")
    put(b, 22, "L")
    put(b, 24, f"{lat:7.3f}{lon:8.3f}{depth:5.1f}")
    put(b, 46, f"{AGENCY}{n_stations:3d}{0.1:4.1f}{ml:4.1f}L{AGENCY}")
    return "".join(b)


def id_line(t: datetime) -> str:
    b = blank_line("I")
    put(b, 2, "ACTION:SYN 26-11-22 00:00 OP:sfc  STATUS:               ID:")
    put(b, 61, t.strftime("%Y%m%d%H%M%S"))
    return "".join(b)


HELP_LINE = " STAT SP IPHASW D HRMM SECON CODA AMPLIT PERI AZIMU VELO AIN AR TRES W  DIS CAZ7"


def phase_line(station, phase, quality, polarity, weight, t: datetime, ain, dist, caz) -> str:
    b = blank_line(" ")
    put(b, 2, f"{station:<5s}")
    put(b, 7, "SZ" if phase == "P" else "SN")
    put(b, 10, quality)
    put(b, 11, f"{phase:<4s}")
    if weight:
        put(b, 15, str(weight))
    put(b, 17, polarity)
    put(b, 19, f"{t.hour:2d}{t.minute:02d}")
    put(b, 23, f"{t.second + t.microsecond / 1e6:6.2f}")
    put(b, 58, f"{round(ain):3d}")
    put(b, 64, f"{0.0:5.2f}")
    put(b, 69, "10")
    put(b, 71, f"{dist:5.1f}" if dist < 1000 else f"{round(dist):5d}")
    put(b, 77, f"{round(caz) % 360:3d}")
    return "".join(b)


def sfile_name(t: datetime) -> str:
    return f"{t.day:02d}-{t.hour:02d}{t.minute:02d}-{t.second:02d}L.S{t.year:4d}{t.month:02d}"


def make_event(spec, model, rng):
    origin, lat, lon, depth, ml, strike, dip, rake, flips = spec
    t0 = datetime.fromisoformat(origin)
    few = origin == FEW_POLARITY_EVENT
    geometry = []
    for code, slat, slon, _elev in STATIONS:
        dist, caz = distance_azimuth(lat, lon, slat, slon)
        geometry.append((code, dist, caz))
    geometry.sort(key=lambda g: g[1])
    dists = np.array([g[1] for g in geometry])
    p_rays = rays.trace(model, depth, dists, phase="P", mode="modern")
    s_rays = rays.trace(model, depth, dists, phase="S", mode="modern")
    radiation = mechanism.p_radiation(
        strike, dip, rake, p_rays.takeoff_deg, [g[2] for g in geometry]
    )
    lines = []
    flipped = []
    for k, (code, dist, caz) in enumerate(geometry):
        ain = float(p_rays.takeoff_deg[k])
        amp = float(radiation[k])
        polarity = "C" if amp > 0 else "D"
        near_nodal = abs(amp) < 0.15
        if code in flips:
            polarity = "D" if polarity == "C" else "C"
            flipped.append(code)
        if few and code not in FEW_POLARITY_STATIONS:
            polarity = ""
        quality, weight = ("E", 2) if near_nodal else ("I", 0)
        jitter = timedelta(seconds=float(rng.normal(0.0, 0.02)))
        tp = t0 + timedelta(seconds=float(p_rays.time_s[k])) + jitter
        ts = t0 + timedelta(seconds=float(s_rays.time_s[k])) + jitter
        lines.append(phase_line(code, "P", quality, polarity, weight, tp, ain, dist, caz))
        lines.append(phase_line(code, "S", "E", "", 0, ts, float(s_rays.takeoff_deg[k]), dist, caz))
    body = [header_line(t0, lat, lon, depth, len(geometry), ml), id_line(t0), HELP_LINE]
    body += lines
    truth = {
        "file": f"{t0.year:4d}/{t0.month:02d}/{sfile_name(t0)}",
        "origin_time": origin,
        "latitude": lat,
        "longitude": lon,
        "depth_km": depth,
        "strike": strike,
        "dip": dip,
        "rake": rake,
        "flipped_polarities": flipped,
        "n_polarities": sum(1 for line in lines if line[16] in "CD"),
    }
    return t0, "\n".join(body) + "\n" + " " * 80 + "\n", truth


def station0_text() -> str:
    out = ["RESET TEST(02)=500.0", "RESET TEST(07)=-4.28", "RESET TEST(08)=3.16", " "]
    for code, lat, lon, elev in STATIONS:
        lat_deg, lat_min = int(lat), (lat - int(lat)) * 60
        lon_deg, lon_min = int(lon), (lon - int(lon)) * 60
        out.append(f"  {code:<4s}{lat_deg:2d}{lat_min:5.2f}N{lon_deg:3d}{lon_min:5.2f}E{elev:4d}")
    out.append(" ")
    for vp, depth, flag in MODEL_LAYERS:
        # Vp F7.3 in 1-7, depth of the layer top F7.3 in 8-14, interface flag in 22
        out.append(f"{vp:7.3f}{depth:7.1f}       {flag}".rstrip())
    out.append(" ")
    out.append(f"15.0 1000.1500. {VP_VS:4.2f}")
    out.append(AGENCY)
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(20261122)
    model = velocity_model()
    rea = args.out / "REA" / BASE
    truths = []
    for spec in EVENTS:
        t0, text, truth = make_event(spec, model, rng)
        path = rea / truth["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("ascii"))
        truths.append(truth)
    dat = args.out / "DAT"
    dat.mkdir(parents=True, exist_ok=True)
    (dat / "STATION0.HYP").write_bytes(station0_text().encode("ascii"))
    (args.out / "truth.json").write_text(
        json.dumps({"base": BASE, "events": truths}, indent=1) + "\n"
    )
    print(f"wrote {len(truths)} events under {rea}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
