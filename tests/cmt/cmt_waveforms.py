"""Helpers of the CMT waveform tests: test stations, sources and a small synthetic event.

The database is the bundled 100 s PREM one; when it is not in the cache the session
fixture fetches it (``seisfoc.cmt.database.fetch``: pip download of the instaseis source
distribution, ~25 MB, plus about a minute of numba compilation the first time). Every
waveform is made by the tests themselves: no waveform file is committed.

:func:`build_event` writes a complete event folder: the configuration (defaults), the
reference CMTSOLUTION and STATIONS, the run folders (``seisfoc.cmt.prepare``), the
synthetics of every run (``seisfoc.cmt.simulate``) and "observed" SAC data made from a
true source that differs from the reference (other moment tensor, 2 s later), optionally
with band-limited noise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from seisfoc.io.cmtsolution import CMTSolution, write_cmtsolution
from seisfoc.io.specfem_stations import Station, write_stations

#: real GSN station positions (IU/II), 20-100 degrees from the test source, all azimuths
STATIONS = (
    Station("IU", "ANMO", 34.9459, -106.4572, 1820.0, 100.0),
    Station("IU", "COLA", 64.8736, -147.8616, 200.0, 0.0),
    Station("IU", "HRV", 42.5064, -71.5583, 200.0, 0.0),
    Station("II", "KDAK", 57.7828, -152.5835, 152.0, 0.0),
    Station("IU", "KIP", 21.4200, -158.0112, 70.0, 0.0),
    Station("II", "PFO", 33.6107, -116.4555, 1280.0, 0.0),
    Station("IU", "SNZO", -41.3087, 174.7043, 20.0, 0.0),
    Station("IU", "CTAO", -20.0882, 146.2545, 357.0, 0.0),
    Station("II", "ALE", 82.5033, -62.3500, 60.0, 0.0),
    Station("IU", "KONO", 59.6521, 9.5981, 216.0, 0.0),
    Station("II", "BFO", 48.3319, 8.3311, 589.0, 0.0),
    Station("IU", "PAB", 39.5446, -4.3499, 950.0, 0.0),
    Station("II", "KIV", 43.9562, 42.6888, 1054.0, 0.0),
    Station("IU", "CHTO", 18.8141, 98.9443, 316.0, 0.0),
    Station("II", "NIL", 33.6506, 73.2686, 629.0, 0.0),
    Station("IU", "TATO", 24.9735, 121.4971, 53.0, 0.0),
)


def reference_cmt() -> CMTSolution:
    """A Mw ~7 thrust off northern Japan (the test source)."""
    return CMTSolution(
        hypocentre_catalogue="PDE",
        origin_time=datetime(2011, 3, 9, 2, 45, 20, 0, tzinfo=UTC),
        hypocentre_latitude=38.44,
        hypocentre_longitude=142.84,
        hypocentre_depth_km=32.0,
        mb=6.0,
        ms=7.2,
        region="NEAR EAST COAST OF HONSHU",
        event_name="201103090245A",
        time_shift_s=10.0,
        half_duration_s=8.0,
        centroid_latitude=38.56,
        centroid_longitude=142.78,
        centroid_depth_km=30.0,
        mrr=1.62e27,
        mtt=-0.11e27,
        mpp=-1.51e27,
        mrt=1.06e27,
        mrp=1.88e27,
        mtp=-0.68e27,
    )


def true_cmt() -> CMTSolution:
    """The "truth" of the observed data: moment tensor 10 % off, centroid 2 s later."""
    ref = reference_cmt()
    return replace(
        ref,
        time_shift_s=ref.time_shift_s + 2.0,
        mrr=ref.mrr * 1.1,
        mtt=ref.mtt * 0.9,
        mpp=ref.mpp * 1.05,
        mrt=ref.mrt * 0.95,
        mrp=ref.mrp * 1.1,
        mtp=ref.mtp * 0.9,
        centroid_depth_km=33.0,
    )


def band_limited_noise(
    shape: tuple[int, ...], dt: float, rng: np.random.Generator, periods=(80.0, 400.0)
) -> np.ndarray:
    """Unit-RMS Gaussian noise band-limited to ``periods`` (zero-phase Butterworth)."""
    from scipy.signal import butter, sosfiltfilt

    x = rng.standard_normal(shape)
    sos = butter(4, [2 * dt / periods[1], 2 * dt / periods[0]], btype="bandpass", output="sos")
    y = sosfiltfilt(sos, x, axis=-1)
    return y / np.sqrt(np.mean(y**2, axis=-1, keepdims=True))


@dataclass
class Event:
    root: Path
    layout: object
    config: object
    reference: CMTSolution
    truth: CMTSolution
    stations: list[Station]


def write_observed_sac(
    folder: Path,
    instaseis_db,
    truth: CMTSolution,
    stations,
    *,
    noise: float = 0.0,
    seed: int = 0,
    dt_s: float = 1.0,
) -> list[Path]:
    """Truth synthetics as SAC files with an absolute reference time (the origin time)
    and ``b`` about it, as a data centre writes them; ``noise`` x RMS band-limited noise."""
    from seisfoc.cmt.simulate import synthesize

    from seisfoc.io.sac import reference_fields, write_sac

    db, info = instaseis_db
    syn = synthesize(db, info, truth, stations, dt_s=dt_s)
    data = syn.data.copy()
    if noise > 0:
        rng = np.random.default_rng(seed)
        rms = np.sqrt(np.mean(data**2, axis=-1, keepdims=True))
        data += noise * rms * band_limited_noise(data.shape, dt_s, rng)
    folder.mkdir(parents=True, exist_ok=True)
    offset = (truth.centroid_time - truth.origin_time).total_seconds()
    paths = []
    for i, st in enumerate(stations):
        for c, comp in enumerate("ZNE"):
            p = folder / f"{st.network}.{st.station}.00.LH{comp}.sac"
            write_sac(
                p,
                data[i, c],
                {
                    **reference_fields(truth.origin_time),
                    "delta": dt_s,
                    "b": syn.t0_s + offset,
                    "knetwk": st.network,
                    "kstnm": st.station,
                    "khole": "00",
                    "kcmpnm": "LH" + comp,
                    "stla": st.latitude,
                    "stlo": st.longitude,
                },
            )
            paths.append(p)
    return paths


def build_event(
    root: Path,
    instaseis_db,
    *,
    stations=STATIONS,
    noise: float = 0.0,
    seed: int = 0,
    simulate: bool = True,
) -> Event:
    """A complete event folder under ``root`` (see the module text)."""
    from seisfoc.cmt.config import default_config, write_default
    from seisfoc.cmt.layout import EventLayout
    from seisfoc.cmt.prepare import perturbations, write_runs

    layout = EventLayout(root)
    root.mkdir(parents=True, exist_ok=True)
    write_default(layout.config)
    config = default_config(root)
    ref = reference_cmt()
    write_cmtsolution(layout.cmtsolution, ref)
    write_stations(layout.stations, stations)
    runs = perturbations(ref, config, max_depth_km=instaseis_db[1].max_depth_km)
    write_runs(layout, 0, runs, stations)
    if simulate:
        from seisfoc.cmt.simulate import simulate as run_simulate

        run_simulate(layout, engine="instaseis", database=instaseis_db[1].path)
    truth = true_cmt()
    write_observed_sac(layout.data_dir, instaseis_db, truth, stations, noise=noise, seed=seed)
    return Event(root, layout, config, ref, truth, list(stations))


def centroid_time(cmt: CMTSolution) -> datetime:
    return cmt.origin_time + timedelta(seconds=cmt.time_shift_s)
