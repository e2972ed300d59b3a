"""The ``simulate`` stage: synthetics of every run folder, in SPECFEM's output layout.

Two engines fill ``CMT_SIMs/<run>/OUTPUT_FILES/`` of each run (``seisfoc.cmt.layout``)
from the run's ``DATA/CMTSOLUTION`` and ``DATA/STATIONS``:

``instaseis`` (embedded, the default)
    Displacement Z/N/E of every station from an instaseis database (the bundled 100 s
    PREM one by default, see :mod:`seisfoc.cmt.database`), written as SPECFEM3D_GLOBE
    writes binary SAC (``NET.STA.MXZ.sem.sac``, ``MXN``, ``MXE``). What is done, exactly:

    * the source is the run's centroid (latitude, longitude, depth km -> m) with the six
      moments converted from dyne-cm to N m (x 1e-7), at the centroid time; receivers are
      at the surface (the database's), elevation and burial only go into the headers;
    * the database's raw record (its own source time function: the error-function step of
      the database, dominant period 100 s, centred on sample ``src_shift``) is convolved
      with SPECFEM's Gaussian of the CMT half duration ``h``: moment rate
      ``exp(-(t/hg)^2) / (sqrt(pi) hg)`` with ``hg = h / 1.628`` (SPECFEM's
      ``SOURCE_DECAY_MIMIC_TRIANGLE``), applied as the factor ``exp(-(pi f hg)^2)`` on the
      spectrum (zero phase, no delay; ``h = 0`` leaves the record as it is);
    * the result is resampled with a Lanczos (windowed-sinc) kernel of ``kernel_width``
      native samples onto SPECFEM's time axis ``t_k = -1.5 h + k dt`` about the centroid
      time, which starts before the origin where the database has the raw record and ends
      ``kernel_width`` native samples before the raw record ends (the kernel needs them);
    * the SAC header is SPECFEM's: reference time (``nz*``) = centroid time, ``o = 0``,
      ``b = -1.5 h``, ``iztype = IO``, ``idep = IDISP``, station and centroid coordinates
      (``stla stlo stel stdp evla evlo evdp``), ``user0 = h``, ``user1`` = the database's
      period, ``kevnm`` = event name, ``kcmpnm``, ``knetwk``, ``kstnm``, ``khole = S1``
      (a 1-D model), ``kuser0 = SY``, ``cmpaz``/``cmpinc``.

    Every run is treated identically (the Jacobian is made of differences of runs). A run
    folder whose ``OUTPUT_FILES`` holds a marker with the checksum of the inputs that made
    it (CMTSOLUTION, STATIONS, database, sampling) is reused; otherwise it is (re)made,
    into a temporary folder renamed into place, so that a killed run never leaves half an
    output.

``external``
    A command template run in each run folder without a shell (``shlex`` split, then the
    placeholders ``{run_dir}``, ``{run}``, ``{cmtsolution}``, ``{stations}`` replaced in
    each word): a SPECFEM3D_GLOBE launch or a batch submission that must leave
    ``*.sem.sac``, ``*.sem.ascii`` or an ASDF file in ``OUTPUT_FILES``. A run folder that
    already holds such outputs is used as it is and the command is not run.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from seisfoc.errors import SeisfocError
from seisfoc.io.cmtsolution import CMTSolution, read_cmtsolution
from seisfoc.io.sac import encode_sac, reference_fields

from .database import DatabaseInfo, check_source_depth, open_database
from .layout import EventLayout
from .records import Station

__all__ = [
    "SOURCE_DECAY_MIMIC_TRIANGLE",
    "Synthetics",
    "SimulationReport",
    "synthesize",
    "write_sem_sac",
    "write_sem_ascii",
    "has_outputs",
    "read_run_inputs",
    "simulate",
]

#: SPECFEM's ratio of the CMT half duration to the Gaussian's (a Gaussian that mimics
#: the triangle of the same half duration)
SOURCE_DECAY_MIMIC_TRIANGLE = 1.628
#: file endings of outputs the later stages read
OUTPUT_PATTERNS = ("*.sem.sac", "*.sem.ascii", "*.h5")
CHANNEL_PREFIX = "MX"
_MARKER = "seisfoc-instaseis.json"
_COMPONENTS = ("Z", "N", "E")
# SAC orientation of Z, N, E (cmpaz, cmpinc) as SPECFEM writes it
_ORIENTATION = {"Z": (0.0, 0.0), "N": (0.0, 90.0), "E": (90.0, 90.0)}


@dataclass
class Synthetics:
    """Displacement (m) of many stations on one time axis about the centroid time."""

    stations: list[Station]
    t0_s: float
    dt_s: float
    data: np.ndarray  # (n_station, 3, n_sample): Z, N, E


@dataclass
class SimulationReport:
    """What the stage did: which runs were simulated and which were reused."""

    engine: str
    simulated: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    seconds: float = 0.0
    seconds_per_run: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.engine}: {len(self.simulated)} run(s) simulated, "
            f"{len(self.reused)} reused, {self.seconds:.2f} s"
        )


# ------------------------------------------------------------------------------ instaseis


@lru_cache(maxsize=8)
def _lanczos_matrix(
    t_old0: float, dt_old: float, n_old: int, t_new0: float, dt_new: float, n_new: int, a: int
) -> np.ndarray:
    """Weights W (n_new, n_old) of Lanczos interpolation: new = W @ old (zero outside).
    Every run of an event shares it (cached; read-only)."""
    t_new = t_new0 + dt_new * np.arange(n_new)
    x = (t_new[:, None] - (t_old0 + dt_old * np.arange(n_old))[None, :]) / dt_old
    w = np.sinc(x) * np.sinc(x / a)
    w[np.abs(x) >= a] = 0.0
    w.setflags(write=False)
    return w


def _gaussian_factor(n_fft: int, dt: float, half_duration_s: float) -> np.ndarray:
    f = np.fft.rfftfreq(n_fft, dt)
    hg = half_duration_s / SOURCE_DECAY_MIMIC_TRIANGLE
    return np.exp(-((np.pi * f * hg) ** 2))


def synthesize(
    db: Any,
    info: DatabaseInfo,
    cmt: CMTSolution,
    stations: Sequence[Station],
    *,
    dt_s: float = 1.0,
    kernel_width: int = 8,
) -> Synthetics:
    """Displacement Z/N/E of ``stations`` for the centroid ``cmt`` (see the module text).

    Parameters
    ----------
    db, info
        An open instaseis database (:func:`seisfoc.cmt.database.open_database`).
    cmt
        The source; moments in dyne-cm, depth in km.
    stations
        Receivers.
    dt_s
        Output sampling interval (must not exceed the database's).
    kernel_width
        Half width of the Lanczos kernel in native samples.

    Returns
    -------
    Synthetics
        Samples at ``t0_s + k dt_s`` relative to the centroid time, ``t0_s = -1.5 h``.
    """
    import instaseis

    check_source_depth(info, cmt.centroid_depth_km, cmt.path)
    if not 0.0 < dt_s <= info.dt_s:
        raise SeisfocError(
            f"output sampling interval {dt_s} s must be positive and at most the "
            f"database's {info.dt_s:.4f} s"
        )
    m = cmt.m6_use * 1e-7  # dyne-cm -> N m
    source = instaseis.Source(
        latitude=cmt.centroid_latitude,
        longitude=(cmt.centroid_longitude + 180.0) % 360.0 - 180.0,
        depth_in_m=cmt.centroid_depth_km * 1000.0,
        m_rr=m[0],
        m_tt=m[1],
        m_pp=m[2],
        m_rt=m[3],
        m_rp=m[4],
        m_tp=m[5],
    )
    raw = []
    for st in stations:
        receiver = instaseis.Receiver(
            latitude=st.latitude,
            longitude=(st.longitude + 180.0) % 360.0 - 180.0,
            network=st.network,
            station=st.station,
        )
        traces = db.get_seismograms(
            source,
            receiver,
            components=_COMPONENTS,
            kind="displacement",
            remove_source_shift=False,
            return_obspy_stream=False,
        )
        raw.append([np.asarray(traces[c], dtype=np.float64) for c in _COMPONENTS])
    n_old = len(raw[0][0]) if raw else int(round(info.length_s / info.dt_s)) + 1
    data = np.asarray(raw, dtype=np.float64).reshape(len(stations), 3, n_old)
    h = max(float(cmt.half_duration_s), 0.0)
    if h > 0.0 and data.size:
        n_fft = 1 << int(math.ceil(math.log2(2 * n_old)))
        spec = np.fft.rfft(data, n=n_fft, axis=-1)
        spec *= _gaussian_factor(n_fft, info.dt_s, h)
        data = np.fft.irfft(spec, n=n_fft, axis=-1)[..., :n_old]
    # raw sample j is at (j - src_shift_samples) * dt about the source time
    shift_samples = round(info.source_shift_s / info.dt_s)
    t_old0 = -shift_samples * info.dt_s
    t_end = t_old0 + (n_old - 1 - kernel_width) * info.dt_s
    t0 = -1.5 * h
    n_new = int(math.floor((t_end - t0) / dt_s + 1e-9)) + 1
    if n_new < 2:
        raise SeisfocError("the database's records are too short for this source")
    w = _lanczos_matrix(t_old0, info.dt_s, n_old, t0, dt_s, n_new, kernel_width)
    out = data @ w.T
    return Synthetics(list(stations), t0, dt_s, out)


def _sac_header(
    cmt: CMTSolution, station: Station, component: str, t0_s: float, dt_s: float, period_s: float
) -> dict:
    centroid = cmt.centroid_time
    ref = reference_fields(centroid)
    ref_time = datetime(ref["nzyear"], 1, 1, tzinfo=centroid.tzinfo) + timedelta(
        days=ref["nzjday"] - 1,
        hours=ref["nzhour"],
        minutes=ref["nzmin"],
        seconds=ref["nzsec"],
        milliseconds=ref["nzmsec"],
    )
    offset = (centroid - ref_time).total_seconds()  # centroid time to the millisecond
    cmpaz, cmpinc = _ORIENTATION[component]
    return {
        **ref,
        "delta": dt_s,
        "b": t0_s + offset,
        "o": offset,
        "stla": station.latitude,
        "stlo": station.longitude,
        "stel": station.elevation_m,
        "stdp": station.burial_m,
        "evla": cmt.centroid_latitude,
        "evlo": cmt.centroid_longitude,
        "evdp": cmt.centroid_depth_km,
        "user0": cmt.half_duration_s,
        "user1": period_s,
        "user2": 500.0,
        "cmpaz": cmpaz,
        "cmpinc": cmpinc,
        "iztype": 11,  # IO: reference time is the (centroid) origin time
        "idep": 6,  # IDISP
        "ievtyp": 40,  # earthquake
        "lpspol": 1,
        "lovrok": 1,
        "lcalda": 1,
        "kstnm": station.station,
        "kevnm": cmt.event_name,
        "kcmpnm": CHANNEL_PREFIX + component,
        "knetwk": station.network,
        "khole": "S1",
        "kuser0": "SY",
        "kuser1": "seisfoc",
    }


def sem_name(station: Station, component: str, ending: str) -> str:
    """SPECFEM's output file name ``NET.STA.MX<component>.<ending>``."""
    return f"{station.network}.{station.station}.{CHANNEL_PREFIX}{component}.{ending}"


def write_sem_sac(
    folder: str | os.PathLike, cmt: CMTSolution, synthetics: Synthetics, period_s: float = 0.0
) -> list[Path]:
    """Write ``NET.STA.MX?.sem.sac`` files (SPECFEM's SAC header conventions).

    Parameters
    ----------
    folder
        Output folder (must exist).
    cmt
        The run's source (reference time and event coordinates of the headers).
    synthetics
        The traces.
    period_s
        Shortest period the synthetics resolve (header ``user1``).

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(folder)
    written = []
    for i, st in enumerate(synthetics.stations):
        for c, comp in enumerate(_COMPONENTS):
            path = folder / sem_name(st, comp, "sem.sac")
            header = _sac_header(cmt, st, comp, synthetics.t0_s, synthetics.dt_s, period_s)
            path.write_bytes(encode_sac(synthetics.data[i, c], header))
            written.append(path)
    return written


def write_sem_ascii(folder: str | os.PathLike, synthetics: Synthetics) -> list[Path]:
    """Write SPECFEM ASCII files ``NET.STA.MX?.sem.ascii``: two columns, time about the
    centroid time and displacement (m)."""
    folder = Path(folder)
    written = []
    times = synthetics.t0_s + synthetics.dt_s * np.arange(synthetics.data.shape[-1])
    for i, st in enumerate(synthetics.stations):
        for c, comp in enumerate(_COMPONENTS):
            path = folder / sem_name(st, comp, "sem.ascii")
            np.savetxt(path, np.column_stack([times, synthetics.data[i, c]]), fmt="%15.7E")
            written.append(path)
    return written


# ------------------------------------------------------------------------------ run folders


def read_stations_file(path: str | os.PathLike) -> list[Station]:
    """The stations of a SPECFEM ``STATIONS`` file (via :mod:`seisfoc.io.specfem_stations`)."""
    from seisfoc.io import specfem_stations

    return list(specfem_stations.read_stations(path))


def read_run_inputs(run_dir: str | os.PathLike) -> tuple[CMTSolution, list[Station]]:
    """The CMTSOLUTION and STATIONS of one run folder (``DATA/``)."""
    run_dir = Path(run_dir)
    cmt_path = run_dir / "DATA" / "CMTSOLUTION"
    st_path = run_dir / "DATA" / "STATIONS"
    if not cmt_path.is_file():
        raise SeisfocError("run folder has no DATA/CMTSOLUTION (run the prepare stage)", run_dir)
    if not st_path.is_file():
        raise SeisfocError("run folder has no DATA/STATIONS (run the prepare stage)", run_dir)
    solutions = read_cmtsolution(cmt_path)
    if len(solutions) != 1:
        raise SeisfocError(f"expected one solution, found {len(solutions)}", cmt_path)
    return solutions[0], read_stations_file(st_path)


def has_outputs(output_dir: str | os.PathLike) -> bool:
    """True when ``OUTPUT_FILES`` holds SAC, ASCII or ASDF outputs."""
    output_dir = Path(output_dir)
    if not output_dir.is_dir():
        return False
    return any(next(output_dir.glob(p), None) is not None for p in OUTPUT_PATTERNS)


def _inputs_checksum(run_dir: Path, info: DatabaseInfo, dt_s: float, kernel_width: int) -> str:
    h = hashlib.sha256()
    for name in ("CMTSOLUTION", "STATIONS"):
        h.update((run_dir / "DATA" / name).read_bytes())
    h.update(f"{os.path.realpath(info.path)}|{dt_s!r}|{kernel_width}|v1".encode())
    return h.hexdigest()


def _replace_dir(staged: Path, target: Path) -> None:
    """Put ``staged`` in place of ``target`` (the old one removed after the rename)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}")
        os.replace(target, old)
    os.replace(staged, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _simulate_instaseis_run(
    run_dir: Path,
    db: Any,
    info: DatabaseInfo,
    dt_s: float,
    kernel_width: int,
    cmt: CMTSolution,
    stations: list[Station],
) -> bool:
    """Make one run's outputs; False when valid outputs were already there."""
    out = run_dir / "OUTPUT_FILES"
    checksum = _inputs_checksum(run_dir, info, dt_s, kernel_width)
    marker = out / _MARKER
    if marker.is_file():
        try:
            if json.loads(marker.read_text()).get("checksum") == checksum:
                return False
        except (OSError, ValueError):
            pass
    synth = synthesize(db, info, cmt, stations, dt_s=dt_s, kernel_width=kernel_width)
    staged = Path(tempfile.mkdtemp(prefix=".OUTPUT_FILES-", dir=run_dir))
    try:
        write_sem_sac(staged, cmt, synth, info.period_s)
        (staged / _MARKER).write_text(
            json.dumps(
                {
                    "checksum": checksum,
                    "database": info.path,
                    "dt_s": dt_s,
                    "kernel_width": kernel_width,
                },
                indent=1,
            )
        )
        _replace_dir(staged, out)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return True


def _expand_command(template: str, run: str, run_dir: Path) -> list[str]:
    try:
        words = shlex.split(template)
    except ValueError as err:
        raise SeisfocError(f"external engine command: {err}") from None
    if not words:
        raise SeisfocError("external engine: the command template is empty")
    values = {
        "run": run,
        "run_dir": str(run_dir),
        "cmtsolution": str(run_dir / "DATA" / "CMTSOLUTION"),
        "stations": str(run_dir / "DATA" / "STATIONS"),
    }
    out = []
    for word in words:
        try:
            out.append(word.format(**values))
        except (KeyError, IndexError, ValueError) as err:
            raise SeisfocError(
                f"external engine command: unknown placeholder or brace in {word!r} ({err}); "
                "known: {run}, {run_dir}, {cmtsolution}, {stations}"
            ) from None
    return out


def _run_external(run: str, run_dir: Path, template: str, timeout_s: float | None) -> None:
    argv = _expand_command(template, run, run_dir)
    (run_dir / "OUTPUT_FILES").mkdir(exist_ok=True)
    log = run_dir / "seisfoc-external.log"
    try:
        with open(log, "wb") as fh:
            proc = subprocess.run(
                argv,
                cwd=run_dir,
                stdout=fh,
                stderr=subprocess.STDOUT,
                timeout=timeout_s,
                check=False,
            )
    except FileNotFoundError:
        raise SeisfocError(f"external engine: command not found: {argv[0]}", run_dir) from None
    except subprocess.TimeoutExpired:
        raise SeisfocError(f"external engine: timed out after {timeout_s} s", run_dir) from None
    if proc.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] or [""]
        raise SeisfocError(
            f"external engine: '{shlex.join(argv)}' exited with status {proc.returncode}"
            f" ({tail[0][:200]}; log {log})",
            run_dir,
        )
    if not has_outputs(run_dir / "OUTPUT_FILES"):
        raise SeisfocError(
            "external engine: the command left no *.sem.sac, *.sem.ascii or ASDF (*.h5) "
            "file in OUTPUT_FILES",
            run_dir,
        )


def simulate(
    layout: EventLayout,
    runs: Sequence[str] | None = None,
    *,
    engine: str = "instaseis",
    database: str | os.PathLike = "auto",
    command: str = "",
    iteration: int = 0,
    dt_s: float = 1.0,
    kernel_width: int = 8,
    timeout_s: float | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    show_progress: bool = False,
) -> SimulationReport:
    """Fill ``OUTPUT_FILES`` of every run folder of one linearisation.

    Parameters
    ----------
    layout
        The event folder.
    runs
        Run names (default: the run folders present under ``CMT_SIMs``, in
        :data:`seisfoc.cmt.records.ALL_RUNS` order).
    engine
        ``"instaseis"`` or ``"external"``.
    database
        instaseis engine: database folder or ``"auto"``.
    command
        external engine: the command template.
    iteration
        Gauss-Newton iteration (0: ``CMT_SIMs`` of the start).
    dt_s, kernel_width
        instaseis engine: output sampling and Lanczos kernel (see :func:`synthesize`).
    timeout_s
        external engine: limit per run (None: none).
    progress
        Called as ``progress(done, total, run)`` after each run.
    show_progress
        Show a tqdm bar on stderr.

    Returns
    -------
    SimulationReport
        Runs simulated and reused, timings.

    Raises
    ------
    SeisfocError
        Missing inputs, a source outside the database's depth range (checked for every
        run before any simulation), a failing external command.
    """
    from .records import ALL_RUNS

    t_start = time.perf_counter()
    root = layout.sims_root(iteration)
    if runs is None:
        runs = [r for r in ALL_RUNS if (root / r).is_dir()]
        if not runs:
            raise SeisfocError("no run folders (run the prepare stage first)", root)
    report = SimulationReport(engine=engine)
    run_dirs = [layout.run_dir(r, iteration) for r in runs]
    for d in run_dirs:
        if not d.is_dir():
            raise SeisfocError("run folder does not exist (run the prepare stage)", d)
    bar = None
    if show_progress:
        from tqdm import tqdm

        bar = tqdm(total=len(runs), desc="simulate", unit="run", leave=False)
    try:
        if engine == "instaseis":
            db, info = open_database(database)
            inputs = [read_run_inputs(d) for d in run_dirs]
            for (cmt, _), d in zip(inputs, run_dirs, strict=True):
                check_source_depth(info, cmt.centroid_depth_km, d / "DATA" / "CMTSOLUTION")
            for k, (run, d, (cmt, stations)) in enumerate(zip(runs, run_dirs, inputs, strict=True)):
                t = time.perf_counter()
                made = _simulate_instaseis_run(d, db, info, dt_s, kernel_width, cmt, stations)
                (report.simulated if made else report.reused).append(run)
                report.seconds_per_run[run] = time.perf_counter() - t
                if bar is not None:
                    bar.update(1)
                if progress is not None:
                    progress(k + 1, len(runs), run)
        elif engine == "external":
            if not command.strip():
                raise SeisfocError("external engine: no command template given")
            for k, (run, d) in enumerate(zip(runs, run_dirs, strict=True)):
                t = time.perf_counter()
                if has_outputs(d / "OUTPUT_FILES"):
                    report.reused.append(run)
                else:
                    _run_external(run, d, command, timeout_s)
                    report.simulated.append(run)
                report.seconds_per_run[run] = time.perf_counter() - t
                if bar is not None:
                    bar.update(1)
                if progress is not None:
                    progress(k + 1, len(runs), run)
        else:
            raise SeisfocError(f"unknown engine {engine!r} (instaseis or external)")
    finally:
        if bar is not None:
            bar.close()
    report.seconds = time.perf_counter() - t_start
    return report
