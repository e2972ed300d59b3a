"""Read a run's ``OUTPUT_FILES`` (SPECFEM's outputs, or the instaseis engine's) into one record.

Whatever the format, the result is a :class:`~seisfoc.cmt.records.RawWaveforms`:
``traces["NET.STA"]["Z" | "N" | "E"]`` = :class:`~seisfoc.cmt.records.RawTrace` with
the time of the first sample relative to the run's centroid time, the sampling interval
and the samples (float64). Three formats:

* SAC binary ``NET.STA.MX?.sem.sac`` (:mod:`seisfoc.io.sac`): with SPECFEM's header the
  reference time is the centroid time and ``b`` the first sample's time about it; when the
  centroid time is given, ``reference time + b - centroid time`` is used, so that SAC
  files with another reference time are read right too;
* SPECFEM ASCII ``NET.STA.MX?.sem.ascii``: two columns, time relative to the centroid
  time and value; the sampling must be even (to the precision of the printed times);
* ASDF (``*.h5``, pyasdf): every waveform of every station, tag ``synthetic`` when there
  is one (else the first tag); absolute start times minus the centroid time, which must
  then be given (:func:`ingest_run` takes it from the run's ``DATA/CMTSOLUTION``).

When a folder holds several formats, one is read: SAC, else ASCII, else ASDF (or the one
asked for). A malformed file raises :class:`SeisfocError` naming the file (and the line
of an ASCII file).
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import numpy as np

from seisfoc.errors import SeisfocError
from seisfoc.io.cmtsolution import read_cmtsolution
from seisfoc.io.sac import read_sac

from .layout import EventLayout
from .records import RawTrace, RawWaveforms

__all__ = [
    "FORMATS",
    "detect_format",
    "read_output_files",
    "read_sem_sac",
    "read_sem_ascii",
    "read_asdf",
    "ingest_run",
]

FORMATS = ("sac", "ascii", "asdf")
_PATTERN = {"sac": "*.sem.sac", "ascii": "*.sem.ascii", "asdf": "*.h5"}
_NAME = re.compile(r"^(?P<net>[^.]+)\.(?P<sta>[^.]+)\.(?:(?P<loc>[^.]*)\.)?(?P<cha>[^.]+)\.sem\.")


def detect_format(output_dir: str | os.PathLike) -> str | None:
    """The first of SAC, ASCII, ASDF present in ``output_dir`` (None: none)."""
    output_dir = Path(output_dir)
    for fmt in FORMATS:
        if next(output_dir.glob(_PATTERN[fmt]), None) is not None:
            return fmt
    return None


def _code_and_component(path: Path) -> tuple[str, str]:
    m = _NAME.match(path.name)
    if not m or not m.group("cha"):
        raise SeisfocError(
            "output file name is not NET.STA.CHA.sem.sac / .sem.ascii (SPECFEM's naming)", path
        )
    return f"{m.group('net')}.{m.group('sta')}", m.group("cha")[-1].upper()


def read_sem_sac(path: str | os.PathLike, centroid_time: datetime | None = None) -> RawTrace:
    """One SAC output file as a :class:`RawTrace` (see the module text for the times)."""
    sac = read_sac(path)
    t0 = sac.b
    if centroid_time is not None:
        ref = sac.reference_time()
        if ref is not None:
            t0 = (ref - centroid_time).total_seconds() + sac.b
    return RawTrace(t0, sac.delta, sac.data)


def _bad_ascii_line(text: str) -> tuple[int, str]:
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if len(words) != 2:
            return number, f"expected two columns (time, value), found {len(words)}"
        try:
            values = [float(w.replace("D", "E").replace("d", "e")) for w in words]
        except ValueError:
            return number, f"not a number: {line.strip()[:40]!r}"
        if not all(np.isfinite(values)):
            return number, "not a finite number"
    return 0, ""


def read_sem_ascii(path: str | os.PathLike) -> RawTrace:
    """One SPECFEM ASCII output file (time about the centroid time, value).

    Raises
    ------
    SeisfocError
        With the line of the first malformed line, or when the times are not evenly
        spaced or there are fewer than two samples.
    """
    try:
        text = Path(path).read_text(encoding="ascii", errors="replace")
    except OSError as err:
        raise SeisfocError(f"cannot read: {err.strerror}", path) from None
    try:
        arr = np.loadtxt(text.splitlines(), dtype=np.float64, comments="#", ndmin=2)
        ok = arr.shape[1] == 2 and np.isfinite(arr).all()
    except ValueError:
        ok = False
    if not ok:
        line, message = _bad_ascii_line(text)
        if line:
            raise SeisfocError(message, path, line)
        raise SeisfocError("not a two-column SPECFEM ASCII seismogram", path)
    if arr.shape[0] < 2:
        raise SeisfocError("fewer than two samples", path)
    t = arr[:, 0]
    dt = t[1] - t[0]
    lines = [
        k
        for k, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not dt > 0:
        raise SeisfocError("times do not increase", path, lines[1])
    # printed times carry ~7 significant digits: allow that much jitter
    tol = 1e-3 * dt + 2e-7 * float(np.max(np.abs(t)))
    step = np.diff(t)
    bad = np.flatnonzero(np.abs(step - dt) > tol)
    if bad.size:
        raise SeisfocError(
            f"uneven sampling: time step {step[bad[0]]:g} s where {dt:g} s is expected",
            path,
            lines[int(bad[0]) + 1],
        )
    dt = (t[-1] - t[0]) / (t.size - 1)  # the mean step: less round-off than one step
    return RawTrace(float(t[0]), float(dt), np.ascontiguousarray(arr[:, 1]))


def read_asdf(path: str | os.PathLike, centroid_time: datetime) -> dict[str, dict[str, RawTrace]]:
    """Every waveform of an ASDF file, as ``{code: {component: RawTrace}}``.

    Parameters
    ----------
    path
        The ASDF (HDF5) file.
    centroid_time
        Times are given relative to it.
    """
    import pyasdf
    from obspy import UTCDateTime

    ref = UTCDateTime(centroid_time)
    out: dict[str, dict[str, RawTrace]] = {}
    try:
        ds = pyasdf.ASDFDataSet(str(path), mode="r")
    except Exception as err:  # h5py / pyasdf raise many types for a bad file
        raise SeisfocError(f"not a readable ASDF file: {err}", path) from None
    try:
        for name in sorted(ds.waveforms.list()):
            group = ds.waveforms[name]
            tags = sorted(group.get_waveform_tags())
            if not tags:
                continue
            tag = "synthetic" if "synthetic" in tags else tags[0]
            for tr in group[tag]:
                code = f"{tr.stats.network}.{tr.stats.station}"
                comp = tr.stats.channel[-1:].upper()
                if tr.stats.npts < 2:
                    raise SeisfocError(f"{tr.id} has fewer than two samples", path)
                out.setdefault(code, {})[comp] = RawTrace(
                    float(tr.stats.starttime - ref),
                    float(tr.stats.delta),
                    np.asarray(tr.data, dtype=np.float64),
                )
    finally:
        del ds
    return out


def read_output_files(
    output_dir: str | os.PathLike,
    centroid_time: datetime | None = None,
    fmt: str | None = None,
) -> RawWaveforms:
    """Read one run's outputs.

    Parameters
    ----------
    output_dir
        The run's ``OUTPUT_FILES``.
    centroid_time
        The run's centroid time (needed for ASDF; used for SAC reference times).
    fmt
        ``"sac"``, ``"ascii"``, ``"asdf"`` or None (the first present, in that order).

    Returns
    -------
    RawWaveforms
        Synthetic displacement traces by station code and component.

    Raises
    ------
    SeisfocError
        No outputs, a malformed file, or the same trace twice.
    """
    output_dir = Path(output_dir)
    if not output_dir.is_dir():
        raise SeisfocError("output folder does not exist (run the simulate stage)", output_dir)
    if fmt is None:
        fmt = detect_format(output_dir)
        if fmt is None:
            raise SeisfocError(
                "no *.sem.sac, *.sem.ascii or ASDF (*.h5) outputs in this folder", output_dir
            )
    elif fmt not in FORMATS:
        raise SeisfocError(f"unknown output format {fmt!r} (sac, ascii or asdf)")
    files = sorted(output_dir.glob(_PATTERN[fmt]))
    if not files:
        raise SeisfocError(f"no {_PATTERN[fmt]} files in this folder", output_dir)
    result = RawWaveforms(source=str(output_dir), kind="synthetic", units="m")
    if fmt == "asdf":
        if centroid_time is None:
            raise SeisfocError("reading ASDF needs the run's centroid time", output_dir)
        for path in files:
            for code, comps in read_asdf(path, centroid_time).items():
                for comp, trace in comps.items():
                    if comp in result.traces.get(code, {}):
                        raise SeisfocError(f"{code} {comp} occurs twice", path)
                    result.traces.setdefault(code, {})[comp] = trace
        return result
    for path in files:
        code, comp = _code_and_component(path)
        if fmt == "sac":
            trace = read_sem_sac(path, centroid_time)
        else:
            trace = read_sem_ascii(path)
        if comp in result.traces.get(code, {}):
            raise SeisfocError(f"{code} component {comp} occurs twice", path)
        result.traces.setdefault(code, {})[comp] = trace
    return result


def ingest_run(
    layout: EventLayout, run: str, iteration: int = 0, fmt: str | None = None
) -> RawWaveforms:
    """Read the outputs of one run folder, times about that run's centroid time."""
    cmt_path = layout.run_cmtsolution(run, iteration)
    solutions = read_cmtsolution(cmt_path)
    if len(solutions) != 1:
        raise SeisfocError(f"expected one solution, found {len(solutions)}", cmt_path)
    return read_output_files(layout.run_output(run, iteration), solutions[0].centroid_time, fmt)
