"""``seisfoc cmt demo``: the whole CMT workflow on a synthetic event whose truth is known.

The event is a Mw 6.8 thrust 45 km under the Japan Trench slope (a subduction-interface
mechanism, strike 200, dip 25, rake 95, deviatoric) recorded at 30 stations of the Global
Seismographic Network (networks IU and II, their published coordinates) between 18 and 94
degrees, with the uneven azimuthal coverage a Pacific event has (the south-east quadrant is
all ocean). The "observed" seismograms are the instaseis synthetics of the true CMT from
the same database the inversion uses (PREM, 100 s), written as SAC files in ``EVENT/data``,
plus, when asked, band-limited Gaussian noise: white noise filtered to the analysis band
(zero-phase Butterworth between the shortest and the longest period of the configured bands)
and scaled on every trace to ``noise`` times that trace's RMS over the whole record, from a
seeded generator so that a run can be repeated number for number.

The start CMT is the truth moved by a fixed amount: a deviatoric moment-tensor change of
15 % of the tensor's Frobenius norm, the epicentre 15 km away (azimuth 60 degrees) and
the centroid 7 km deeper. The pipeline then runs as ``seisfoc cmt run`` does and the
recovery is printed per Gauss-Newton iteration: the moment-tensor error as the Frobenius
norm of (M - M_true) over that of M_true (all nine elements), the epicentre error in km
(great circle on a sphere of radius 6371 km) and the depth error in km.

The configuration is the default one except for the window weights: the demo uses the
preset ``none`` (every window weight 1, i.e. plain least squares on the waveform
residuals). Its noise is proportional to each record's amplitude and the synthetics are
exact otherwise, and then GCMT3D's energy normalisation (every window divided by its
observed energy) gives quiet, noise-dominated windows the weight of strong ones: with the
default ``gcmt3d`` preset and 5 % noise (seed 1) the demo stops at 1.7 % / 2.6 km / 0.13 km,
with ``none`` at 0.7 % / 0.8 km / 0.4 km (``--weights`` chooses).

``--out`` must be a folder that does not exist or is empty: the demo never writes into, or
deletes, anything it did not create.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from seisfoc import mechanism
from seisfoc.errors import SeisfocError
from seisfoc.io.cmtsolution import CMTSolution, write_cmtsolution

from .layout import EventLayout
from .records import Station

__all__ = [
    "GSN_STATIONS",
    "DemoEvent",
    "Recovery",
    "DemoOutcome",
    "demo_event",
    "perturbed_start",
    "recovery",
    "band_limited_noise",
    "make_demo_event",
    "make_demo_catalogue",
    "run_demo",
    "EARTH_RADIUS_KM",
]

EARTH_RADIUS_KM = 6371.0

#: 30 GSN stations (network, station, latitude, longitude, elevation in m), published
#: coordinates; 18-94 degrees from the demo event, azimuths uneven on purpose
GSN_STATIONS: tuple[Station, ...] = tuple(
    Station(net, sta, lat, lon, elev)
    for net, sta, lat, lon, elev in (
        ("II", "ALE", 82.5033, -62.3500, 60.0),
        ("IU", "SFJD", 66.9961, -50.6208, 330.0),
        ("IU", "MA2", 59.5756, 150.7700, 339.0),
        ("IU", "PET", 53.0233, 158.6499, 110.0),
        ("IU", "COLA", 64.8738, -147.8616, 200.0),
        ("II", "KDAK", 57.7828, -152.5835, 152.0),
        ("IU", "ANMO", 34.9459, -106.4572, 1850.0),
        ("IU", "COR", 44.5855, -123.3046, 110.0),
        ("II", "PFO", 33.6092, -116.4553, 1280.0),
        ("IU", "KIP", 21.4200, -158.0112, 70.0),
        ("IU", "POHA", 19.7573, -155.5326, 1990.0),
        ("IU", "MIDW", 28.2156, -177.3698, 19.0),
        ("IU", "AFI", -13.9093, -171.7773, 706.0),
        ("IU", "RAO", -29.2450, -177.9290, 60.0),
        ("IU", "GUMO", 13.5893, 144.8684, 74.0),
        ("IU", "CTAO", -20.0882, 146.2545, 357.0),
        ("II", "TAU", -42.9099, 147.3204, 132.0),
        ("II", "WRAB", -19.9336, 134.3600, 366.0),
        ("IU", "NWAO", -32.9277, 117.2390, 380.0),
        ("II", "KAPI", -5.0142, 119.7517, 300.0),
        ("IU", "TATO", 24.9735, 121.4971, 53.0),
        ("IU", "CHTO", 18.8141, 98.9443, 420.0),
        ("II", "PALK", 7.2728, 80.7022, 460.0),
        ("IU", "BJT", 40.0183, 116.1679, 137.0),
        ("IU", "ULN", 47.8651, 107.0532, 1610.0),
        ("II", "KURK", 50.7154, 78.6202, 184.0),
        ("II", "ARU", 56.4302, 58.5625, 250.0),
        ("II", "OBN", 55.1146, 36.5674, 160.0),
        ("IU", "KEV", 69.7565, 27.0035, 100.0),
        ("II", "BORG", 64.7474, -21.3268, 110.0),
    )
)

#: the true source (strike, dip, rake in degrees; Mw; centroid)
TRUE_SDR = (200.0, 25.0, 95.0)
TRUE_MW = 6.8
TRUE_LATITUDE = 38.30
TRUE_LONGITUDE = 142.60
TRUE_DEPTH_KM = 45.0
#: the demo's window weight preset (see the module text)
DEMO_WEIGHTS = "none"
#: how far the start is from the truth
START_MOMENT_CHANGE = 0.15  # Frobenius norm of the change / that of the tensor
START_EPICENTRE_KM = 15.0
START_EPICENTRE_AZIMUTH_DEG = 60.0
START_DEPTH_KM = 7.0


@dataclass(frozen=True)
class DemoEvent:
    """The truth, the start and the stations of a demo event."""

    truth: CMTSolution
    start: CMTSolution
    stations: tuple[Station, ...]


@dataclass(frozen=True)
class Recovery:
    """How far a CMT is from the truth."""

    moment_tensor_error: float  # ||M - M_true||_F / ||M_true||_F (all nine elements)
    epicentre_error_km: float
    depth_error_km: float
    max_element_error: float  # max |M_ij - M_ij,true| / M0_true

    def as_dict(self) -> dict[str, float]:
        return {
            "moment_tensor_error": self.moment_tensor_error,
            "max_element_error_over_m0": self.max_element_error,
            "epicentre_error_km": self.epicentre_error_km,
            "depth_error_km": self.depth_error_km,
        }


@dataclass
class DemoOutcome:
    """What the demo did: the folder, the recovery of the start and of every iteration."""

    event_dir: Path
    noise: float
    seed: int
    start: Recovery
    iterations: list[Recovery]
    result: Any  # pipeline.EventResult
    report_files: dict[str, str] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "event_dir": str(self.event_dir),
            "noise": self.noise,
            "seed": self.seed,
            "start": self.start.as_dict(),
            "iterations": [r.as_dict() for r in self.iterations],
            "final": self.iterations[-1].as_dict() if self.iterations else None,
            "result_files": self.report_files,
            "status": self.result.status,
        }

    def text(self) -> str:
        lines = [
            f"seisfoc cmt demo: Mw {TRUE_MW} thrust at {TRUE_DEPTH_KM:g} km, "
            f"{len(GSN_STATIONS)} GSN stations, noise {100 * self.noise:g} % (seed {self.seed})",
            f"event folder: {self.event_dir}",
            "",
            "recovery of the true CMT (moment tensor: ||M - M_true||_F / ||M_true||_F and"
            " the largest element error / M0)",
            f"{'':<12}{'moment tensor':>14}{'max Mij':>9}{'epicentre km':>14}{'depth km':>10}",
        ]
        rows = [("start", self.start)] + [
            (f"iteration {i}", r) for i, r in enumerate(self.iterations, start=1)
        ]
        for label, r in rows:
            lines.append(
                f"{label:<12}{100 * r.moment_tensor_error:>13.3f}%"
                f"{100 * r.max_element_error:>8.3f}%"
                f"{r.epicentre_error_km:>14.3f}{r.depth_error_km:>10.3f}"
            )
        lines += ["", f"status: {self.result.status}"]
        for kind, path in self.report_files.items():
            lines.append(f"{kind:<12} {path}")
        figures = self.result.summary.get("figures") or []
        if figures:
            result_dir = Path(self.event_dir) / "result"
            lines.append(f"{'figures':<12} {result_dir}/: {', '.join(figures)}")
        return "\n".join(lines)


# ----------------------------------------------------------------------------- geometry


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance on a sphere of radius :data:`EARTH_RADIUS_KM` (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def destination(lat: float, lon: float, distance_km: float, azimuth_deg: float):
    """The point ``distance_km`` from (lat, lon) along ``azimuth_deg`` on the sphere."""
    d = distance_km / EARTH_RADIUS_KM
    p1, l1, az = math.radians(lat), math.radians(lon), math.radians(azimuth_deg)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(az))
    l2 = l1 + math.atan2(
        math.sin(az) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), (math.degrees(l2) + 540.0) % 360.0 - 180.0


# ----------------------------------------------------------------------------- event


def demo_event() -> DemoEvent:
    """The true CMT, the start CMT and the stations of the demo (no randomness)."""
    m0 = float(mechanism.moment_dyne_cm_from_magnitude(TRUE_MW))
    m_use = mechanism.moment_tensor_use(*TRUE_SDR, moment=m0)
    mrr, mtt, mpp, mrt, mrp, mtp = (float(v) for v in
                                    (m_use[0, 0], m_use[1, 1], m_use[2, 2], m_use[0, 1],
                                     m_use[0, 2], m_use[1, 2]))  # fmt: skip
    truth = CMTSolution(
        hypocentre_catalogue="DEMO",
        origin_time=datetime(2026, 3, 11, 5, 46, 24, tzinfo=UTC),
        hypocentre_latitude=TRUE_LATITUDE,
        hypocentre_longitude=TRUE_LONGITUDE,
        hypocentre_depth_km=TRUE_DEPTH_KM,
        mb=6.4,
        ms=6.9,
        region="OFF EAST COAST OF HONSHU, JAPAN (SYNTHETIC)",
        event_name="SEISFOCDEMO",
        time_shift_s=0.0,
        half_duration_s=8.0,
        centroid_latitude=TRUE_LATITUDE,
        centroid_longitude=TRUE_LONGITUDE,
        centroid_depth_km=TRUE_DEPTH_KM,
        mrr=mrr,
        mtt=mtt,
        mpp=mpp,
        mrt=mrt,
        mrp=mrp,
        mtp=mtp,
    )
    return DemoEvent(truth=truth, start=perturbed_start(truth), stations=GSN_STATIONS)


def perturbed_start(
    truth: CMTSolution,
    moment_change: float = START_MOMENT_CHANGE,
    epicentre_km: float = START_EPICENTRE_KM,
    azimuth_deg: float = START_EPICENTRE_AZIMUTH_DEG,
    depth_km: float = START_DEPTH_KM,
) -> CMTSolution:
    """``truth`` moved by a deviatoric tensor change of relative Frobenius norm
    ``moment_change`` (a fixed direction mixing all six elements), an epicentre shift
    and a depth shift."""
    m6 = truth.m6_use
    # a fixed deviatoric direction with every element non-zero
    direction = np.array([0.6, -0.2, -0.4, 0.5, -0.7, 0.3])
    norm_of = lambda v: math.sqrt(v[0] ** 2 + v[1] ** 2 + v[2] ** 2  # noqa: E731
                                  + 2 * (v[3] ** 2 + v[4] ** 2 + v[5] ** 2))  # fmt: skip
    change = direction * (moment_change * norm_of(m6) / norm_of(direction))
    mrr, mtt, mpp, mrt, mrp, mtp = (float(v) for v in m6 + change)
    lat, lon = destination(
        truth.centroid_latitude, truth.centroid_longitude, epicentre_km, azimuth_deg
    )
    return replace(
        truth,
        centroid_latitude=round(lat, 4),
        centroid_longitude=round(lon, 4),
        centroid_depth_km=truth.centroid_depth_km + depth_km,
        mrr=mrr, mtt=mtt, mpp=mpp, mrt=mrt, mrp=mrp, mtp=mtp,
    )  # fmt: skip


def recovery(truth: CMTSolution, cmt: CMTSolution) -> Recovery:
    """Errors of ``cmt`` against ``truth``."""
    mt, m = truth.moment_tensor_use, cmt.moment_tensor_use
    return Recovery(
        moment_tensor_error=float(np.linalg.norm(m - mt) / np.linalg.norm(mt)),
        epicentre_error_km=great_circle_km(
            truth.centroid_latitude,
            truth.centroid_longitude,
            cmt.centroid_latitude,
            cmt.centroid_longitude,
        ),  # fmt: skip
        depth_error_km=abs(cmt.centroid_depth_km - truth.centroid_depth_km),
        max_element_error=float(np.max(np.abs(m - mt)) / truth.scalar_moment_dyne_cm),
    )


# ----------------------------------------------------------------------------- data


def band_limited_noise(
    n_sample: int,
    dt_s: float,
    rms: float,
    min_period_s: float,
    max_period_s: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Gaussian noise band-passed (zero phase, Butterworth order 4) between the periods and
    scaled to the RMS ``rms``."""
    from scipy.signal import butter, sosfiltfilt

    white = rng.standard_normal(n_sample)
    nyquist = 0.5 / dt_s
    low, high = 1.0 / max_period_s / nyquist, min(1.0 / min_period_s / nyquist, 0.99)
    sos = butter(4, [low, high], btype="bandpass", output="sos")
    coloured = sosfiltfilt(sos, white)
    scale = float(np.sqrt(np.mean(coloured**2)))
    return coloured * (rms / scale) if scale > 0 else coloured


def _check_out(out: Path) -> bool:
    """Refuse a non-empty folder or a file; returns whether we create the folder."""
    if out.exists():
        if not out.is_dir():
            raise SeisfocError("--out exists and is not a folder; not touched", out)
        if any(out.iterdir()):
            raise SeisfocError("--out is not empty; the demo only writes into a new folder", out)
        return False
    return True


def default_out() -> Path:
    """``seisfoc-cmt-demo-N`` in the current folder, N the first number not taken."""
    n = 1
    while Path(f"seisfoc-cmt-demo-{n}").exists():
        n += 1
    return Path(f"seisfoc-cmt-demo-{n}")


def make_demo_event(
    out: str | os.PathLike,
    *,
    noise: float = 0.05,
    seed: int = 1,
    max_iterations: int = 3,
    database: str = "auto",
    weights: str = DEMO_WEIGHTS,
) -> tuple[EventLayout, DemoEvent]:
    """Create the demo event folder: start CMTSOLUTION, STATIONS, the configuration, the
    observed SAC files in ``data/`` and the truth in ``truth/CMTSOLUTION``.

    Parameters
    ----------
    out
        A folder that does not exist or is empty.
    noise
        Band-limited noise, fraction of each trace's RMS (0: none).
    seed
        Seed of the noise.
    max_iterations
        Gauss-Newton iterations at most (written into the configuration).
    database
        ``"auto"`` (the bundled database, fetched into the cache when it is not there) or
        the path of an instaseis database.
    weights
        Window weight preset written into the configuration (``none``, ``gcmt3d``,
        ``pycmt3d``).

    Returns
    -------
    layout, event
    """
    from . import config as cmt_config

    root = Path(out)
    _check_out(root)
    if database == "auto":  # a fresh machine: fetch the bundled database once
        from .database import fetch

        fetch(warm_numba=False)
    event = demo_event()
    layout = EventLayout(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        layout.data_dir.mkdir()
        (root / "truth").mkdir()
    except OSError as err:
        raise SeisfocError(f"cannot create the demo folder: {err.strerror}", root) from None
    cfg = demo_config(root, max_iterations=max_iterations, database=database, weights=weights)
    cmt_config.write_default(layout.config, cfg)
    write_cmtsolution(layout.cmtsolution, event.start)
    write_cmtsolution(root / "truth" / "CMTSOLUTION", event.truth)
    _write_stations(layout.stations, event.stations)
    write_observed(layout, cfg, event, noise=noise, seed=seed)
    return layout, event


def demo_config(
    root: Path, *, max_iterations: int = 3, database: str = "auto", weights: str = DEMO_WEIGHTS
):
    """The demo's configuration: the defaults with the iterations, database and weight
    preset given."""
    from . import config as cmt_config

    cfg = cmt_config.default_config(root)
    return replace(
        cfg,
        engine=replace(cfg.engine, database=database),
        invert=replace(cfg.invert, max_iterations=max_iterations),
        weight=cmt_config.weight_preset(weights),
    )


def _write_stations(path: Path, stations) -> None:
    from seisfoc.io.specfem_stations import write_stations

    write_stations(path, stations)


#: sampling interval of the demo's "observed" records (LH channels: 1 sample/s)
OBSERVED_DT_S = 1.0


def write_observed(
    layout: EventLayout, cfg, event: DemoEvent, *, noise: float, seed: int
) -> list[Path]:
    """Truth synthetics (+ band-limited noise) as SAC files ``data/NET.STA.LX?.sac``.

    The records are made by the embedded engine exactly as the ``simulate`` stage makes
    the synthetics (same database, same source time function), 1 sample/s, with an
    absolute reference time as a data centre's SAC file has (the origin time).
    """
    from seisfoc.io.sac import encode_sac, reference_fields

    from .database import open_database
    from .simulate import synthesize

    db, info = open_database(cfg.engine.database)
    synthetics = synthesize(db, info, event.truth, event.stations, dt_s=OBSERVED_DT_S)
    data = synthetics.data.copy()
    if noise > 0.0:
        rng = np.random.default_rng(seed)
        min_period = min(b.min_period_s for b in cfg.bands)
        max_period = max(b.max_period_s for b in cfg.bands)
        n = data.shape[-1]
        for i in range(data.shape[0]):
            for c in range(3):
                rms = float(np.sqrt(np.mean(data[i, c] ** 2)))
                data[i, c] += band_limited_noise(
                    n, synthetics.dt_s, noise * rms, min_period, max_period, rng
                )
    truth = event.truth
    offset = (truth.centroid_time - truth.origin_time).total_seconds()
    written = []
    for i, st in enumerate(event.stations):
        for c, comp in enumerate("ZNE"):
            header = {
                **reference_fields(truth.origin_time),
                "delta": synthetics.dt_s,
                "b": synthetics.t0_s + offset,
                "o": 0.0,
                "iztype": 11,
                "idep": 6,
                "stla": st.latitude,
                "stlo": st.longitude,
                "stel": st.elevation_m,
                "evla": truth.hypocentre_latitude,
                "evlo": truth.hypocentre_longitude,
                "evdp": truth.hypocentre_depth_km,
                "cmpaz": {"Z": 0.0, "N": 0.0, "E": 90.0}[comp],
                "cmpinc": {"Z": 0.0, "N": 90.0, "E": 90.0}[comp],
                "knetwk": st.network,
                "kstnm": st.station,
                "khole": "00",
                "kcmpnm": "LX" + comp,
                "kevnm": truth.event_name,
            }
            path = layout.data_dir / f"{st.network}.{st.station}.00.LX{comp}.sac"
            path.write_bytes(encode_sac(data[i, c], header))
            written.append(path)
    return written


def run_demo(
    out: str | os.PathLike | None = None,
    *,
    noise: float = 0.05,
    seed: int = 1,
    max_iterations: int = 3,
    progress: bool = True,
    database: str = "auto",
    weights: str = DEMO_WEIGHTS,
) -> DemoOutcome:
    """Make the demo event, run the pipeline and measure the recovery.

    Parameters
    ----------
    out
        New or empty folder (default :func:`default_out`).
    noise, seed
        Band-limited noise level (fraction of trace RMS) and its seed.
    max_iterations
        Gauss-Newton iterations at most.
    progress
        Show progress bars.
    database
        ``"auto"`` or an instaseis database folder.
    weights
        Window weight preset (default ``none``: see the module text).

    Returns
    -------
    DemoOutcome
    """
    from .config import load_config
    from .pipeline import run_event

    root = Path(out) if out is not None else default_out()
    layout, event = make_demo_event(
        root,
        noise=noise,
        seed=seed,
        max_iterations=max_iterations,
        database=database,
        weights=weights,
    )
    result = run_event(root, load_config(layout.config), progress=progress)
    iterations = [recovery(event.truth, it.new_cmt) for it in result.iterations]
    return DemoOutcome(
        event_dir=root,
        noise=noise,
        seed=seed,
        start=recovery(event.truth, event.start),
        iterations=iterations,
        result=result,
        report_files=result.report_files,
    )


def make_demo_catalogue(
    root: str | os.PathLike,
    n_events: int,
    *,
    n_stations: int = len(GSN_STATIONS),
    noise: float = 0.0,
    seed: int = 1,
    database: str = "auto",
) -> tuple[Path, Path, list[DemoEvent]]:
    """Synthetic events for ``seisfoc cmt batch``: ``root/cmt/<name>`` (the starts, one
    CMTSOLUTION file each), ``root/data/<name>/{data/,STATIONS}`` and
    ``root/truth/<name>``.

    Event ``i`` is the demo's source moved ``3 i`` degrees south-west, ``8 i`` km deeper
    and with its strike turned by ``17 i`` degrees (name ``SEISFOCDEMO<i>``); its start is
    :func:`perturbed_start` of that truth. The first ``n_stations`` stations of
    :data:`GSN_STATIONS` record every event.

    Returns
    -------
    catalogue folder, data root, the events
    """
    root = Path(root)
    _check_out(root)
    if database == "auto":
        from .database import fetch

        fetch(warm_numba=False)
    stations = GSN_STATIONS[: max(1, min(n_stations, len(GSN_STATIONS)))]
    base = demo_event().truth
    cfg = demo_config(root, database=database)
    events = []
    for d in ("cmt", "data", "truth"):
        (root / d).mkdir(parents=True, exist_ok=True)
    for i in range(n_events):
        name = f"SEISFOCDEMO{i}"
        m0 = float(mechanism.moment_dyne_cm_from_magnitude(TRUE_MW - 0.1 * i))
        sdr = ((TRUE_SDR[0] + 17.0 * i) % 360.0, TRUE_SDR[1], TRUE_SDR[2])
        m = mechanism.moment_tensor_use(*sdr, moment=m0)
        truth = replace(
            base,
            event_name=name,
            centroid_latitude=TRUE_LATITUDE - 3.0 * i,
            centroid_longitude=TRUE_LONGITUDE - 3.0 * i,
            hypocentre_latitude=TRUE_LATITUDE - 3.0 * i,
            hypocentre_longitude=TRUE_LONGITUDE - 3.0 * i,
            centroid_depth_km=TRUE_DEPTH_KM + 8.0 * i,
            hypocentre_depth_km=TRUE_DEPTH_KM + 8.0 * i,
            mrr=float(m[0, 0]), mtt=float(m[1, 1]), mpp=float(m[2, 2]),
            mrt=float(m[0, 1]), mrp=float(m[0, 2]), mtp=float(m[1, 2]),
        )  # fmt: skip
        event = DemoEvent(truth=truth, start=perturbed_start(truth), stations=stations)
        folder = root / "data" / name
        layout = EventLayout(folder)
        layout.data_dir.mkdir(parents=True, exist_ok=True)
        _write_stations(folder / "STATIONS", stations)
        write_observed(layout, cfg, event, noise=noise, seed=seed + i)
        write_cmtsolution(root / "cmt" / name, event.start)
        write_cmtsolution(root / "truth" / name, event.truth)
        events.append(event)
    return root / "cmt", root / "data", events
