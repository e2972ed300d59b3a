"""The ``process`` stage: observed and synthetic traces onto one common grid per band.

Observed data (``data/``: SAC or miniSEED, any file names) are read with the event's
StationXML (``stations/``) when there is one: ObsPy removes the instrument response to
displacement (pre-filter ``(0.5 f1, f1, f2, min(2 f2, 0.9 Nyquist))`` with ``f1`` =
1/longest and ``f2`` = 1/shortest period of all bands, water level off), and channels
``1``/``2`` are rotated to N/E with the StationXML orientations. Without StationXML the
data are taken as displacement in metres (synthetic "observed" data such as the demo's):
no response is removed, and :attr:`ObservedData.notes` says so.

Then every data set (the observed one and each run's synthetics) gets exactly the same
treatment, vectorised over all traces of the same sampling:

1. remove offset and trend: the line through the means of the first and the last
   ``taper_fraction`` of the trace (a record at rest before its first arrival stays at
   rest even when it is cut inside large surface waves, where a least-squares line would
   leave an offset at the start), then a cosine (Hann) taper of ``taper_fraction`` of the
   trace at each end;
2. Butterworth band-pass of ``filter_order`` with corners 1/``max_period_s`` and
   1/``min_period_s``, run forwards and backwards (zero phase; the amplitude response is
   the single pass's squared, as ObsPy's ``zerophase=True``);
3. interpolation (4-point cubic Lagrange, error < 1e-5 for signals sampled 10 times per
   period) onto the band's common grid ``t0 + k dt`` about the *reference* centroid time:
   ``t0`` = ``[process] start_s`` (raised to the latest synthetic start), ``dt`` =
   ``[process] dt_s``, the end ``[process] end_s`` lowered to the earliest synthetic end
   less its end taper (records such as the bundled database's end inside the surface
   waves, and the taper there must not be compared with data that go on);
   observed and synthetic traces therefore share start and samples. A synthetic run whose
   centroid time differs from the reference's is shifted accordingly;
4. rotation N/E -> R/T with the back azimuth ``baz`` from the reference centroid to the
   station (ObsPy's geodesic on the WGS84 ellipsoid): ``R = -N cos(baz) - E sin(baz)``,
   ``T = N sin(baz) - E cos(baz)`` (ObsPy's ``rotate_ne_rt``). The same ``baz`` rotates
   every run, so that data and every synthetic are compared in one frame.

Traces that cannot be used are left out (``present`` False) with a
:class:`~seisfoc.cmt.records.Rejection`: ``outside_distance_range``, ``no_data``,
``no_synthetic``, ``missing_component`` (N or E missing: no R/T), ``too_short`` (the
observed trace does not cover the common grid), ``non_finite``.

At the stage boundary the band's traces are saved in one ``.npz`` file
(:func:`save_processed`, :func:`load_processed`; path ``layout.processed(band)``).
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from scipy import signal

from seisfoc.errors import SeisfocError

from .config import BandConfig, ProcessConfig
from .records import COMPONENTS, RawTrace, RawWaveforms, Rejection, Station, TraceSet

__all__ = [
    "Geometry",
    "Grid",
    "ObservedData",
    "ProcessedBand",
    "geometry",
    "read_observed",
    "pre_filter",
    "common_grid",
    "process_band",
    "save_processed",
    "load_processed",
    "bandpass_sos",
    "rotate_ne_rt",
]

_ZNE = ("Z", "N", "E")
OBS = "obs"  # key of the observed data set in process_band's input


@dataclass(frozen=True)
class Grid:
    """A common time grid: ``t0_s + k dt_s``, ``k < n``, about the reference centroid time."""

    t0_s: float
    dt_s: float
    n: int

    @property
    def times_s(self) -> np.ndarray:
        return self.t0_s + self.dt_s * np.arange(self.n)


@dataclass(frozen=True)
class Geometry:
    """Source-station geometry of the stations, in station-list order."""

    codes: list[str]
    distance_deg: np.ndarray
    azimuth_deg: np.ndarray
    back_azimuth_deg: np.ndarray


@dataclass
class ObservedData:
    """Observed traces as read (displacement in m) and what was done to them."""

    waveforms: RawWaveforms
    notes: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


@dataclass
class ProcessedBand:
    """The output of :func:`process_band` for one band."""

    band: str
    obs: TraceSet | None
    syn: dict[str, TraceSet]
    rejected: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0


# ------------------------------------------------------------------------------ geometry


def geometry(stations: Sequence[Station], latitude: float, longitude: float) -> Geometry:
    """Distance (deg, spherical), azimuth and back azimuth (deg, WGS84 geodesic) from a
    source to every station (ObsPy's ``gps2dist_azimuth`` and ``locations2degrees``)."""
    from obspy.geodetics import gps2dist_azimuth, locations2degrees

    n = len(stations)
    dist = np.empty(n)
    az = np.empty(n)
    baz = np.empty(n)
    for i, st in enumerate(stations):
        _, az[i], baz[i] = gps2dist_azimuth(latitude, longitude, st.latitude, st.longitude)
        dist[i] = locations2degrees(latitude, longitude, st.latitude, st.longitude)
    return Geometry([s.code for s in stations], dist, az, baz)


# ------------------------------------------------------------------------------ observed


def pre_filter(bands: Sequence[BandConfig], dt_s: float) -> tuple[float, float, float, float]:
    """Pre-filter of the response removal covering every band (Hz)."""
    f1 = 1.0 / max(b.max_period_s for b in bands)
    f2 = 1.0 / min(b.min_period_s for b in bands)
    nyquist = 0.5 / dt_s
    return (0.5 * f1, f1, f2, min(2.0 * f2, 0.9 * nyquist))


def _component_of(channel: str) -> str:
    return channel[-1:].upper() if channel else ""


def read_observed(
    data_dir: str | os.PathLike,
    stationxml_dir: str | os.PathLike | None,
    centroid_time: datetime,
    bands: Sequence[BandConfig],
    stations: Sequence[Station] | None = None,
) -> ObservedData:
    """Read the observed waveforms of an event.

    Parameters
    ----------
    data_dir
        Folder of SAC and/or miniSEED files (searched recursively).
    stationxml_dir
        Folder of StationXML files; None or an empty/missing folder: no response removal.
    centroid_time
        Reference centroid time (times of the result are relative to it).
    bands
        The bands (for the response removal's pre-filter).
    stations
        When given, only these stations are kept.

    Returns
    -------
    ObservedData
        Traces ``Z``/``N``/``E`` (displacement, m) by station code.

    Raises
    ------
    SeisfocError
        No data files, or a file neither SAC nor miniSEED.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise SeisfocError("observed data folder does not exist", data_dir)
    files = sorted(p for p in data_dir.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise SeisfocError("observed data folder holds no files", data_dir)
    xml_files: list[Path] = []
    if stationxml_dir is not None and Path(stationxml_dir).is_dir():
        xml_files = sorted(p for p in Path(stationxml_dir).rglob("*.xml") if p.is_file())
    wanted = None if stations is None else {s.code for s in stations}
    out = ObservedData(RawWaveforms(source=str(data_dir), kind="observed", units="m"))
    sac_like = [p for p in files if p.suffix.lower() == ".sac"]
    if not xml_files and len(sac_like) == len(files):
        out.notes.append(
            "no StationXML: the observed data are taken as displacement in metres "
            "(no instrument response removed)"
        )
        _read_sac_fast(sac_like, centroid_time, wanted, out)
        return out
    from obspy import Stream, UTCDateTime, read, read_inventory

    stream = Stream()
    for p in files:
        try:
            stream += read(str(p))
        except Exception as err:  # ObsPy raises many types for unreadable files
            raise SeisfocError(f"not a SAC or miniSEED file ObsPy can read: {err}", p) from None
    if wanted is not None:
        stream.traces = [t for t in stream if f"{t.stats.network}.{t.stats.station}" in wanted]
    # overlapping records of one channel: ObsPy's merge would keep one side silently
    overlaps = {(f"{g[0]}.{g[1]}", _component_of(g[3])) for g in stream.get_gaps() if g[6] < 0}
    stream.merge(method=1, fill_value=None)
    ref = UTCDateTime(centroid_time)
    if xml_files:
        inv = None
        for p in xml_files:
            try:
                part = read_inventory(str(p))
            except Exception as err:
                raise SeisfocError(f"not a StationXML file ObsPy can read: {err}", p) from None
            inv = part if inv is None else inv + part
        dt_min = min(t.stats.delta for t in stream) if len(stream) else 1.0
        pre = pre_filter(bands, dt_min)
        kept = Stream()
        for tr in stream:
            code = f"{tr.stats.network}.{tr.stats.station}"
            try:
                tr.remove_response(inventory=inv, output="DISP", pre_filt=pre, water_level=None)
            except Exception as err:
                out.rejected.append(
                    Rejection(
                        "",
                        code,
                        _component_of(tr.stats.channel),
                        "no_metadata",
                        f"response not removed: {err}",
                    )
                )
                continue
            kept += tr
        stream = kept
        try:
            stream.rotate("->ZNE", inventory=inv)
        except Exception as err:
            out.notes.append(f"rotation of 1/2 channels to N/E failed: {err}")
        out.waveforms.units = "m"
        out.notes.append(
            f"instrument response removed to displacement with pre-filter "
            f"{', '.join(f'{f:.5g}' for f in pre)} Hz"
        )
    else:
        out.notes.append(
            "no StationXML: the observed data are taken as displacement in metres "
            "(no instrument response removed)"
        )
    for tr in sorted(stream, key=lambda t: t.id):
        if np.ma.isMaskedArray(tr.data):
            code = f"{tr.stats.network}.{tr.stats.station}"
            out.rejected.append(
                Rejection("", code, _component_of(tr.stats.channel), "gap", "gap in the data")
            )
            continue
        if (f"{tr.stats.network}.{tr.stats.station}", _component_of(tr.stats.channel)) in overlaps:
            code = f"{tr.stats.network}.{tr.stats.station}"
            out.rejected.append(
                Rejection(
                    "",
                    code,
                    _component_of(tr.stats.channel),
                    "gap",
                    "overlapping records of the same channel",
                )  # fmt: skip
            )
            continue
        code = f"{tr.stats.network}.{tr.stats.station}"
        comp = _component_of(tr.stats.channel)
        if comp in out.waveforms.traces.get(code, {}):
            out.notes.append(f"{tr.id}: a second {comp} trace of {code} ignored")
            continue
        out.waveforms.traces.setdefault(code, {})[comp] = RawTrace(
            float(tr.stats.starttime - ref), float(tr.stats.delta), tr.data.astype(np.float64)
        )
    return out


def _read_sac_fast(
    files: Sequence[Path], centroid_time: datetime, wanted: set[str] | None, out: ObservedData
) -> None:
    from seisfoc.io.sac import read_sac

    for p in files:
        sac = read_sac(p)
        h = sac.header
        net, sta, cha = h.get("knetwk", ""), h.get("kstnm", ""), h.get("kcmpnm", "")
        if not sta or not cha:
            raise SeisfocError("SAC header lacks kstnm or kcmpnm (station, channel)", p)
        code = f"{net}.{sta}"
        if wanted is not None and code not in wanted:
            continue
        ref = sac.reference_time()
        if ref is None:
            raise SeisfocError("SAC header has no reference time (nzyear...)", p)
        comp = _component_of(cha)
        if comp in out.waveforms.traces.get(code, {}):
            out.notes.append(f"{p.name}: a second {comp} trace of {code} ignored")
            continue
        t0 = (ref - centroid_time).total_seconds() + sac.b
        out.waveforms.traces.setdefault(code, {})[comp] = RawTrace(t0, sac.delta, sac.data)


# ------------------------------------------------------------------------------ numerics


def bandpass_sos(min_period_s: float, max_period_s: float, dt_s: float, order: int) -> np.ndarray:
    """Second-order sections of the Butterworth band-pass (one pass)."""
    nyquist = 0.5 / dt_s
    f1, f2 = 1.0 / max_period_s, 1.0 / min_period_s
    if f2 >= nyquist:
        raise SeisfocError(
            f"band {min_period_s:g}-{max_period_s:g} s: the short-period corner is above the "
            f"Nyquist frequency of traces sampled at {dt_s:g} s"
        )
    return signal.butter(order, [f1 / nyquist, f2 / nyquist], btype="bandpass", output="sos")


def _prepare_rows(x: np.ndarray, taper_fraction: float) -> np.ndarray:
    """Remove the offset and trend of every row, then taper it (in place).

    The line removed passes through the mean of the first and the mean of the last
    ``taper_fraction`` of the row (at their centres): it takes out a DC offset and a
    drift like a least-squares line, but leaves a record that starts at rest (a synthetic
    before its first arrival) at rest, even when the record is cut in the middle of large
    surface waves, where a least-squares line would put an offset, and after filtering a
    transient, at the start.
    """
    n = x.shape[-1]
    m = max(int(math.floor(taper_fraction * n)), 1)
    head = x[:, :m].mean(axis=-1)
    tail = x[:, n - m :].mean(axis=-1)
    c0, c1 = 0.5 * (m - 1), (n - m) + 0.5 * (m - 1)
    k = np.arange(n, dtype=np.float64)
    if c1 > c0:
        slope = (tail - head) / (c1 - c0)
        x -= head[:, None] + slope[:, None] * (k[None, :] - c0)
    else:
        x -= head[:, None]
    if taper_fraction > 0 and m > 1:
        w = 0.5 * (1.0 - np.cos(np.pi * np.arange(m) / m))
        x[:, :m] *= w
        x[:, n - m :] *= w[::-1]
    return x


def _interpolate_rows(
    x: np.ndarray, t0: np.ndarray, dt: float, times: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """4-point cubic Lagrange interpolation of rows sampled at ``t0[r] + k dt`` onto
    ``times``; also whether each row covers every time (within half a sample)."""
    n = x.shape[-1]
    u = (times[None, :] - t0[:, None]) / dt  # fractional sample index
    covered = (u[:, 0] >= -0.5) & (u[:, -1] <= n - 0.5)
    i = np.floor(u).astype(np.int64)
    f = u - i
    w = np.stack(
        [
            -f * (f - 1.0) * (f - 2.0) / 6.0,
            (f + 1.0) * (f - 1.0) * (f - 2.0) / 2.0,
            -(f + 1.0) * f * (f - 2.0) / 2.0,
            (f + 1.0) * f * (f - 1.0) / 6.0,
        ]
    )
    rows = np.arange(x.shape[0])[:, None]
    out = np.zeros(u.shape)
    for j, off in enumerate((-1, 0, 1, 2)):
        idx = i + off
        inside = (idx >= 0) & (idx < n)
        out += w[j] * np.where(inside, x[rows, np.clip(idx, 0, n - 1)], 0.0)
    return out, covered


def rotate_ne_rt(
    n: np.ndarray, e: np.ndarray, back_azimuth_deg: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Radial and transverse from north and east (ObsPy's convention), broadcasting the
    back azimuth over leading axes: ``baz`` has the shape of ``n`` without its last axis."""
    b = np.deg2rad(np.asarray(back_azimuth_deg))[..., None]
    r = -n * np.cos(b) - e * np.sin(b)
    t = n * np.sin(b) - e * np.cos(b)
    return r, t


def common_grid(
    synthetics: Mapping[str, RawWaveforms],
    process: ProcessConfig,
    time_offsets: Mapping[str, float] | None = None,
) -> Grid:
    """The common grid of a band: ``[start_s, end_s]`` of the configuration, within the
    time span every synthetic trace covers (see the module text)."""
    start, end = float(process.start_s), float(process.end_s)
    for run, wf in synthetics.items():
        off = 0.0 if time_offsets is None else float(time_offsets.get(run, 0.0))
        for comps in wf.traces.values():
            for tr in comps.values():
                start = max(start, tr.t0_s + off)
                # not into the end taper: a synthetic cut inside its surface waves is
                # tapered there, observed data that go on are not
                tapered = math.floor(process.taper_fraction * tr.data.size) * tr.dt_s
                end = min(end, tr.end_s + off - tapered)
    dt = float(process.dt_s)
    if end - start < 2 * dt:
        raise SeisfocError(
            f"the synthetics cover no common time span within start_s..end_s "
            f"({process.start_s:g}..{process.end_s:g} s)"
        )
    n = int(math.floor((end - start) / dt + 1e-9)) + 1
    return Grid(start, dt, n)


def process_band(
    datasets: Mapping[str, RawWaveforms],
    stations: Sequence[Station],
    geom: Geometry,
    band: BandConfig,
    process: ProcessConfig,
    *,
    grid: Grid | None = None,
    time_offsets: Mapping[str, float] | None = None,
) -> ProcessedBand:
    """Process every data set of one band onto one common grid.

    Parameters
    ----------
    datasets
        ``{"obs": observed, run: synthetics, ...}`` (the observed set is optional).
    stations
        The station list (the order of the output).
    geom
        :func:`geometry` of the stations from the reference centroid.
    band
        The band (corners, distance range).
    process
        Grid and filter settings.
    grid
        The common grid (default :func:`common_grid` of the synthetics).
    time_offsets
        Seconds to add to a data set's times (its centroid time minus the reference's).

    Returns
    -------
    ProcessedBand
        A :class:`TraceSet` for the observed data and one per run, with the rejections.
    """
    t_start = time.perf_counter()
    names = list(datasets)
    syn_names = [k for k in names if k != OBS]
    if grid is None:
        grid = common_grid({k: datasets[k] for k in syn_names}, process, time_offsets)
    times = grid.times_s
    n_sta = len(stations)
    codes = [s.code for s in stations]
    zne = np.zeros((len(names), n_sta, 3, grid.n))
    have = np.zeros((len(names), n_sta, 3), dtype=bool)
    rejected: list[Rejection] = []
    in_range = (geom.distance_deg >= band.min_distance_deg) & (
        geom.distance_deg <= band.max_distance_deg
    )
    for far in np.flatnonzero(~in_range).tolist():
        for comp in band.components:
            rejected.append(
                Rejection(
                    band.name,
                    codes[far],
                    comp,
                    "outside_distance_range",
                    f"{geom.distance_deg[far]:.2f} deg is outside "
                    f"{band.min_distance_deg:g}-{band.max_distance_deg:g} deg",
                )
            )
    # group the traces by sampling so that each group is one 2-D array
    groups: dict[tuple[float, int], list[tuple[int, int, int, RawTrace]]] = {}
    for d, name in enumerate(names):
        wf = datasets[name]
        off = 0.0 if time_offsets is None else float(time_offsets.get(name, 0.0))
        for i, code in enumerate(codes):
            if not in_range[i]:
                continue
            comps = wf.traces.get(code, {})
            for c, comp in enumerate(_ZNE):
                tr = comps.get(comp)
                if tr is None:
                    continue
                key = (round(tr.dt_s, 9), tr.data.size)
                shifted = RawTrace(tr.t0_s + off, tr.dt_s, tr.data)
                groups.setdefault(key, []).append((d, i, c, shifted))
    for (dt, _), members in sorted(groups.items()):
        x = np.array([m[3].data for m in members], dtype=np.float64)
        finite = np.asarray(np.isfinite(x).all(axis=1), dtype=bool)
        x[~finite] = 0.0
        _prepare_rows(x, process.taper_fraction)
        sos = bandpass_sos(band.min_period_s, band.max_period_s, dt, process.filter_order)
        x = signal.sosfiltfilt(sos, x, axis=-1, padtype=None)  # tapered ends: no padding
        t0 = np.array([m[3].t0_s for m in members])
        y, covered = _interpolate_rows(x, t0, dt, times)
        for r, (d, i, c, _) in enumerate(members):
            if not finite[r]:
                rejected.append(
                    Rejection(
                        band.name,
                        codes[i],
                        _ZNE[c],
                        "non_finite",
                        f"{names[d]}: NaN or infinite samples",
                    )
                )
                continue
            if not covered[r]:
                rejected.append(
                    Rejection(
                        band.name,
                        codes[i],
                        _ZNE[c],
                        "too_short",
                        f"{names[d]}: the trace does not cover the common grid "
                        f"{grid.t0_s:g}..{times[-1]:g} s",
                    )
                )
                continue
            zne[d, i, c] = y[r]
            have[d, i, c] = True
    # Z, R, T
    out = np.zeros_like(zne)
    out[:, :, 0] = zne[:, :, 0]
    radial, transverse = rotate_ne_rt(
        zne[:, :, 1], zne[:, :, 2], np.broadcast_to(geom.back_azimuth_deg, (len(names), n_sta))
    )
    out[:, :, 1], out[:, :, 2] = radial, transverse
    present = np.zeros_like(have)
    present[:, :, 0] = have[:, :, 0]
    present[:, :, 1] = present[:, :, 2] = have[:, :, 1] & have[:, :, 2]
    wanted = np.array([comp in band.components for comp in COMPONENTS])
    for d, name in enumerate(names):
        for i in np.flatnonzero(in_range).tolist():
            for c, comp in enumerate(COMPONENTS):
                if not wanted[c] or present[d, i, c]:
                    continue
                if c == 0:
                    missing = not have[d, i, 0]
                    detail = "no Z trace"
                else:
                    missing = not (have[d, i, 1] or have[d, i, 2])
                    lacking = [x for x, h in zip("NE", have[d, i, 1:], strict=True) if not h]
                    detail = "no N or E trace" if missing else f"no {'/'.join(lacking)} trace"
                reason = (
                    ("no_data" if name == OBS else "no_synthetic")
                    if missing
                    else ("missing_component")
                )
                rejected.append(Rejection(band.name, codes[i], comp, reason, f"{name}: {detail}"))
    present &= wanted[None, None, :]
    out[~present] = 0.0
    sets = {
        name: TraceSet(
            codes=list(codes),
            t0_s=grid.t0_s,
            dt_s=grid.dt_s,
            data=out[d],
            present=present[d],
            distance_deg=geom.distance_deg.copy(),
            azimuth_deg=geom.azimuth_deg.copy(),
            back_azimuth_deg=geom.back_azimuth_deg.copy(),
        )
        for d, name in enumerate(names)
    }
    rejected.sort(key=lambda r: (r.code, r.component, r.reason, r.detail))
    return ProcessedBand(
        band=band.name,
        obs=sets.pop(OBS, None),
        syn=sets,
        rejected=rejected,
        seconds=time.perf_counter() - t_start,
    )


# ------------------------------------------------------------------------------ files


def save_processed(path: str | os.PathLike, result: ProcessedBand) -> Path:
    """Write a band's processed traces to one ``.npz`` (atomically: temporary + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sets = dict(result.syn)
    if result.obs is not None:
        sets[OBS] = result.obs
    if not sets:
        raise SeisfocError("nothing to save", path)
    first = next(iter(sets.values()))
    arrays: dict[str, np.ndarray] = {
        "band": np.array(result.band),
        "codes": np.array(first.codes, dtype=str),
        "t0_s": np.array(first.t0_s),
        "dt_s": np.array(first.dt_s),
        "distance_deg": first.distance_deg,
        "azimuth_deg": first.azimuth_deg,
        "back_azimuth_deg": first.back_azimuth_deg,
        "sets": np.array(list(sets), dtype=str),
        "rejected": np.array(
            [[r.band, r.code, r.component, r.reason, r.detail] for r in result.rejected],
            dtype=str,
        ).reshape(-1, 5),
    }
    for name, ts in sets.items():
        arrays[f"data__{name}"] = ts.data
        arrays[f"present__{name}"] = ts.present
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_processed(path: str | os.PathLike) -> ProcessedBand:
    """Read what :func:`save_processed` wrote."""
    path = Path(path)
    try:
        z = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as err:
        raise SeisfocError(f"cannot read processed traces: {err}", path) from None
    with z:
        try:
            codes = [str(c) for c in z["codes"]]
            common = dict(
                t0_s=float(z["t0_s"]),
                dt_s=float(z["dt_s"]),
                distance_deg=z["distance_deg"],
                azimuth_deg=z["azimuth_deg"],
                back_azimuth_deg=z["back_azimuth_deg"],
            )
            sets = {
                str(name): TraceSet(
                    codes=list(codes),
                    data=z[f"data__{name}"],
                    present=z[f"present__{name}"],
                    **common,
                )
                for name in z["sets"]
            }
            rejected = [
                Rejection(str(b), str(c), str(k), str(r), str(d)) for b, c, k, r, d in z["rejected"]
            ]
            band = str(z["band"])
        except KeyError as err:
            raise SeisfocError(f"not a processed-traces file (missing {err})", path) from None
    return ProcessedBand(band=band, obs=sets.pop(OBS, None), syn=sets, rejected=rejected)


# ------------------------------------------------------------------------------ stage


def run_process(
    layout,
    config,
    *,
    iteration: int = 0,
    runs: Sequence[str] | None = None,
    observed: bool = True,
    save: bool = True,
) -> dict[str, ProcessedBand]:
    """The whole stage for one event folder: read, process every band, save.

    Parameters
    ----------
    layout
        :class:`~seisfoc.cmt.layout.EventLayout` of the event.
    config
        :class:`~seisfoc.cmt.config.Config`.
    iteration
        Gauss-Newton iteration (its run folders; the reference centroid is its ``CMT``).
    runs
        Run names (default: every run folder present).
    observed
        Also read and process the observed data (``config.event.data``).
    save
        Write ``layout.processed(band, iteration)`` for every band.

    Returns
    -------
    dict
        Band name to :class:`ProcessedBand` (its ``notes`` of the observed data are in
        the ``rejected`` records' details where they concern one trace).
    """
    from .ingest import ingest_run
    from .prepare import read_runs
    from .simulate import read_stations_file

    solutions = read_runs(layout, iteration)
    if runs is None:
        runs = list(solutions)
    ref = solutions["CMT"]
    # one time axis for every iteration: about the centroid time of the first
    # linearisation (it moves when the centroid time shift is inverted)
    base_time = ref.centroid_time
    if iteration > 0 and layout.run_cmtsolution("CMT", 0).is_file():
        base_time = read_runs(layout, 0)["CMT"].centroid_time
    stations = read_stations_file(layout.run_stations("CMT", iteration))
    datasets: dict[str, RawWaveforms] = {}
    offsets: dict[str, float] = {}
    for run in runs:
        datasets[run] = ingest_run(layout, run, iteration)
        offsets[run] = (solutions[run].centroid_time - base_time).total_seconds()
    obs_rejected: list[Rejection] = []
    qc_on = observed and getattr(config, "qc", None) is not None and config.qc.enabled
    if observed:
        obs = read_observed(
            config.event.data,
            config.event.stationxml,
            base_time,
            config.bands,
            None if qc_on else stations,  # QC names the stations missing from the list
        )
        datasets = {OBS: obs.waveforms, **datasets}
        obs_rejected = obs.rejected
    geom = geometry(stations, ref.centroid_latitude, ref.centroid_longitude)
    grid = common_grid({k: v for k, v in datasets.items() if k != OBS}, config.process, offsets)
    if qc_on:  # quality control of the observed traces (seisfoc.cmt.qc, owned by cmt-scale)
        from . import qc

        qc_findings = qc.screen_event(obs, stations, config, grid.t0_s, grid.times_s[-1])
    results = {}
    for band in config.bands:
        res = process_band(
            datasets, stations, geom, band, config.process, grid=grid, time_offsets=offsets
        )
        if qc_on:  # against the synthetic on the first linearisation; later ones drop
            # the same traces, so that every iteration measures the same data
            qc_findings += qc.screen_band(res, band, config.qc, layout=layout,
                                          iteration=iteration)  # fmt: skip
        for r in obs_rejected:
            res.rejected.append(Rejection(band.name, r.code, r.component, r.reason, r.detail))
        if save:
            save_processed(layout.processed(band.name, iteration), res)
        results[band.name] = res
    if qc_on and save:
        qc.save_findings(layout, iteration, qc_findings, obs.notes)
    return results
