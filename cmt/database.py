"""The instaseis Green's-function database of the embedded forward engine.

The default database is the small PREM one that only the instaseis 1.5.0 *source*
distribution on PyPI contains (``tests/data/100s_db_bwd_displ_only``: reciprocal,
100 s dominant period, no attenuation, receivers at the surface, sources 0-371 km deep,
1,780 s records, 4.3 MB). :func:`fetch` downloads that distribution with pip, extracts
only this folder into the cache (``$SEISFOC_CACHE`` or ``~/.cache/seisfoc``, then
``instaseis/100s_db_bwd_displ_only``) through a temporary folder renamed into place (a
killed fetch never leaves half a database), checks that instaseis opens it, and computes
one tiny seismogram so that numba compiles and caches instaseis' kernels once (about a
minute in a fresh environment; later processes start in a few seconds). A marker beside
the database records the Python, numba and instaseis the warm-up was for, so that a
repeated ``fetch`` does neither again.

A user's own instaseis database (a local folder) works the same: :func:`open_database`
takes a path, or ``"auto"`` for the cached default. The database is never committed.

Command line::

    python -m seisfoc.cmt.database fetch    # prints the database path; fast when present
    python -m seisfoc.cmt.database info [PATH]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seisfoc.errors import SeisfocError

__all__ = [
    "DEFAULT_NAME",
    "DatabaseInfo",
    "cache_dir",
    "default_path",
    "fetch",
    "open_database",
    "check_source_depth",
    "main",
]

DEFAULT_NAME = "100s_db_bwd_displ_only"
INSTASEIS_VERSION = "1.5.0"
_MEMBER_PREFIX = f"instaseis-{INSTASEIS_VERSION}/tests/data/{DEFAULT_NAME}/"


def cache_dir() -> Path:
    """``$SEISFOC_CACHE`` when set, else ``~/.cache/seisfoc``."""
    env = os.environ.get("SEISFOC_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "seisfoc"


def default_path() -> Path:
    """Where :func:`fetch` puts the default database."""
    return cache_dir() / "instaseis" / DEFAULT_NAME


@dataclass(frozen=True)
class DatabaseInfo:
    """What a stage needs to know about an open database."""

    path: str
    model: str
    period_s: float  # dominant (shortest resolved) period
    dt_s: float  # native sampling interval
    length_s: float  # record length including the source shift
    source_shift_s: float  # time of the source time function's peak in the raw record
    min_depth_km: float  # shallowest source the database allows
    max_depth_km: float  # deepest source
    attenuation: bool
    reciprocal: bool
    components: str


def _looks_complete(path: Path) -> bool:
    return (path / "PZ" / "Data" / "ordered_output.nc4").is_file() and (
        path / "PX" / "Data" / "ordered_output.nc4"
    ).is_file()


def _info_of(db: Any, path: Path) -> DatabaseInfo:
    info = db.info
    radius = float(info.planet_radius)
    if info.is_reciprocal:
        min_depth = (radius - float(info.max_radius)) / 1000.0
        max_depth = (radius - float(info.min_radius)) / 1000.0
    else:  # a forward database has one source depth
        depth = float(info.source_depth)
        min_depth = max_depth = depth
    return DatabaseInfo(
        path=str(path),
        model=str(info.velocity_model),
        period_s=float(info.period),
        dt_s=float(info.dt),
        length_s=float(info.length),
        source_shift_s=float(info.src_shift),
        min_depth_km=min_depth,
        max_depth_km=max_depth,
        attenuation=bool(info.attenuation),
        reciprocal=bool(info.is_reciprocal),
        components=str(info.components),
    )


def _bypass_unreliable_numba_cache() -> None:
    """Keep numba from caching instaseis' ``_inv_mapping_iterative`` on disk.

    That kernel takes other jitted functions as arguments; numba's cache key then holds
    the identity of those function objects, so every new process misses the cache,
    compiles (about 3 s) and appends an entry to the index, and re-saving an index whose
    old entries refer to functions of dead processes fails at random with
    ``ReferenceError: underlying object has vanished``. Compiling it in memory costs the
    same and never touches the broken index; every other kernel keeps its disk cache.
    """
    try:
        from instaseis import finite_elem_mapping
        from numba.core.caching import NullCache
    except ImportError:  # another numba layout: leave it alone
        return
    dispatcher = getattr(finite_elem_mapping, "_inv_mapping_iterative", None)
    if dispatcher is not None and hasattr(dispatcher, "_cache"):
        dispatcher._cache = NullCache()


def open_database(path_or_auto: str | os.PathLike = "auto") -> tuple[Any, DatabaseInfo]:
    """Open an instaseis database.

    Parameters
    ----------
    path_or_auto
        A database folder, or ``"auto"`` for the cached default (see :func:`fetch`).

    Returns
    -------
    db, info
        The instaseis database object and its :class:`DatabaseInfo`.

    Raises
    ------
    SeisfocError
        When the folder is missing or instaseis cannot open it.
    """
    if str(path_or_auto) == "auto":
        path = default_path()
        if not _looks_complete(path):
            raise SeisfocError(
                "the default instaseis database is not in the cache; run "
                "'python -m seisfoc.cmt.database fetch' (or 'make' which does it) first",
                path,
            )
    else:
        path = Path(path_or_auto).expanduser()
        if not path.is_dir():
            raise SeisfocError("instaseis database folder does not exist", path)
    import instaseis

    _bypass_unreliable_numba_cache()
    try:
        db = instaseis.open_db(str(path))
    except Exception as err:  # instaseis raises many types for a bad folder
        raise SeisfocError(f"instaseis cannot open this database: {err}", path) from None
    return db, _info_of(db, path)


def check_source_depth(
    info: DatabaseInfo, depth_km: float, where: str | os.PathLike | None = None
) -> None:
    """Raise :class:`SeisfocError` when a source depth is outside the database's range.

    Parameters
    ----------
    info
        The database.
    depth_km
        Source (centroid) depth in km.
    where
        The file that gave the depth (named in the message).
    """
    if not (info.min_depth_km - 1e-6 <= depth_km <= info.max_depth_km + 1e-6):
        raise SeisfocError(
            f"source depth {depth_km:g} km is outside the instaseis database's range "
            f"{info.min_depth_km:g}-{info.max_depth_km:g} km ({info.path})",
            where,
        )


def _download_sdist(tmp: Path) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        f"instaseis=={INSTASEIS_VERSION}",
        "-d",
        str(tmp),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    archives = sorted(tmp.glob(f"instaseis-{INSTASEIS_VERSION}.tar.gz"))
    if proc.returncode != 0 or not archives:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise SeisfocError(
            f"pip could not download the instaseis {INSTASEIS_VERSION} source distribution "
            f"({tail[0]})"
        )
    return archives[0]


def _extract_database(archive: Path, target: Path) -> None:
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(_MEMBER_PREFIX)]
        if not members:
            raise SeisfocError(f"the archive holds no {DEFAULT_NAME} folder", archive)
        for member in members:
            if not (member.isfile() or member.isdir()):
                continue
            rel = member.name[len(_MEMBER_PREFIX) :]
            if not rel or ".." in Path(rel).parts:
                continue
            dest = target / rel
            if member.isdir():
                dest.mkdir(parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(member)
            assert src is not None
            with src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)


def warm(db: Any) -> float:
    """Compute one seismogram so that numba compiles (and caches) instaseis' kernels.

    Returns the seconds it took.
    """
    import instaseis

    t = time.perf_counter()
    src = instaseis.Source(latitude=0.0, longitude=0.0, depth_in_m=50e3, m_rr=1e19, m_tp=1e19)
    rec = instaseis.Receiver(latitude=30.0, longitude=40.0, network="XX", station="WARM")
    db.get_seismograms(
        src,
        rec,
        components="ZNE",
        kind="displacement",
        remove_source_shift=False,
        return_obspy_stream=False,
    )
    return time.perf_counter() - t


def fetch(target: str | os.PathLike | None = None, *, warm_numba: bool = True) -> Path:
    """Make sure the default database is in the cache; download and extract it if not.

    Parameters
    ----------
    target
        Database folder to create (default :func:`default_path`).
    warm_numba
        Also compute one tiny seismogram so that numba's cache is filled.

    Returns
    -------
    Path
        The database folder.

    Raises
    ------
    SeisfocError
        When pip cannot download the distribution or instaseis cannot open the result.
    """
    path = Path(target).expanduser() if target is not None else default_path()
    if not _looks_complete(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".fetch-", dir=path.parent) as tmp_name:
            tmp = Path(tmp_name)
            archive = _download_sdist(tmp / "dl")
            staged = tmp / DEFAULT_NAME
            _extract_database(archive, staged)
            if not _looks_complete(staged):
                raise SeisfocError("the extracted database is incomplete", staged)
            open_database(staged)  # must open before it is put in place
            try:
                os.replace(staged, path)
            except OSError:
                if not _looks_complete(path):  # another process may have won the race
                    raise
    db, _ = open_database(path)
    if warm_numba:
        marker = path.parent / ".numba-warm"
        stamp = _environment_stamp()
        try:
            done = marker.read_text() == stamp
        except OSError:
            done = False
        if not done:
            warm(db)
            try:
                marker.write_text(stamp)
            except OSError:
                pass  # a read-only cache: warm again next time
    return path


def _environment_stamp() -> str:
    """What the numba cache of instaseis depends on (Python, numba, instaseis)."""
    import instaseis
    import numba

    return f"{sys.executable}|{numba.__version__}|{instaseis.__version__}\n"


def _format_info(info: DatabaseInfo) -> str:
    return "\n".join(
        [
            f"path           {info.path}",
            f"model          {info.model} (attenuation: {'yes' if info.attenuation else 'no'})",
            f"period         {info.period_s:g} s",
            f"sampling       {info.dt_s:.4f} s, record length {info.length_s:.1f} s",
            f"source depths  {info.min_depth_km:g}-{info.max_depth_km:g} km",
        ]
    )


_USAGE = """usage: python -m seisfoc.cmt.database fetch [--no-warm] | info [PATH]

Fetch or describe the instaseis database of the CMT workflow.
  fetch [--no-warm]  download the default database into the cache (--no-warm: skip the
                     numba warm-up)
  info [PATH]        describe a database (default: the one the workflow would use)"""


def main(argv: list[str] | None = None) -> int:
    """``python -m seisfoc.cmt.database fetch [--no-warm] | info [PATH]``.

    Two fixed word forms, read without argparse (only the command-line layer imports
    it): exit 0 on success, 1 on a SeisfocError, 2 with the usage on anything else.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    if words in (["-h"], ["--help"]):
        print(_USAGE)
        return 0
    if words in (["fetch"], ["fetch", "--no-warm"]):
        command, path = "fetch", ""
    elif words[:1] == ["info"] and len(words) <= 2 and not words[-1].startswith("-"):
        command, path = "info", words[1] if len(words) == 2 else "auto"
    else:
        print(_USAGE, file=sys.stderr)
        return 2
    try:
        if command == "fetch":
            print(fetch(warm_numba="--no-warm" not in words))
        else:
            _, info = open_database(path)
            print(_format_info(info))
    except SeisfocError as err:
        print(f"seisfoc cmt database: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
