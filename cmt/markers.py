"""Done markers: every task of a CMT run records a checksum of its inputs, so that a run
killed at any point (the driver or a worker, ``kill -9``) resumes without redoing what was
finished, and a changed input or setting reruns exactly what depends on it.

A marker is a small JSON file ``work/markers/<task>.json`` written atomically *after* the
task's outputs (``{"task", "digest", "inputs", "finished"}``); a task is done when its
marker's digest equals the digest of its current inputs and its outputs exist. The digest
is the SHA-256 of a canonical JSON of the inputs: file contents (CMTSOLUTION, STATIONS),
data files' names, sizes and modification times, the configuration sections the task
reads, the engine and its database's identity, and the digests of the tasks it depends
on (so a change propagates down the chain and nowhere else).

Every decision is appended to the event's log ``work/run.log`` (one line per task:
UTC time, ``ran`` or ``reused``, the task, seconds), which is also how the tests count
simulations.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, fields, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from seisfoc.fileio import write_atomic

__all__ = [
    "digest",
    "file_digest",
    "files_identity",
    "config_part",
    "marker_path",
    "is_done",
    "mark_done",
    "log",
    "log_path",
    "read_log",
    "exclusive",
]


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # exact, and NaN-safe
    return value


def digest(inputs: Any) -> str:
    """SHA-256 (hex) of a canonical JSON form of ``inputs`` (dataclasses, mappings,
    sequences, paths, numbers, strings)."""
    text = json.dumps(_plain(inputs), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def file_digest(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes ("missing" when there is no such file)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"


def files_identity(root: str | os.PathLike, pattern: str = "*") -> list[list[Any]]:
    """``[relative name, size, mtime_ns]`` of every file under ``root`` (recursively,
    hidden files skipped): cheap identity of a data folder (a changed, added or removed
    file changes it)."""
    base = Path(root)
    if not base.is_dir():
        return []
    out = []
    for p in sorted(base.rglob(pattern)):
        if p.is_file() and not p.name.startswith("."):
            st = p.stat()
            out.append([p.relative_to(base).as_posix(), st.st_size, st.st_mtime_ns])
    return out


def config_part(obj: Any, keys: Iterable[str] | None = None) -> dict[str, Any]:
    """A configuration section (dataclass) as a plain dictionary, only ``keys`` when
    given."""
    d = asdict(obj)
    if keys is not None:
        d = {k: d[k] for k in keys}
    return _plain(d)


def marker_path(work: str | os.PathLike, task: str) -> Path:
    """``work/markers/<task>.json``."""
    return Path(work) / "markers" / f"{task}.json"


def is_done(work: str | os.PathLike, task: str, task_digest: str,
            outputs: Iterable[str | os.PathLike] = ()) -> bool:  # fmt: skip
    """Whether ``task`` finished with inputs of digest ``task_digest`` and its outputs
    (files or folders) still exist."""
    try:
        marker = json.loads(marker_path(work, task).read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict) or marker.get("digest") != task_digest:
        return False
    return all(Path(p).exists() for p in outputs)


def previous_digest(work: str | os.PathLike, task: str) -> str | None:
    """The digest a task's marker holds (None without a marker)."""
    try:
        return str(json.loads(marker_path(work, task).read_text())["digest"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def mark_done(work: str | os.PathLike, task: str, task_digest: str,
              inputs: Any = None) -> Path:  # fmt: skip
    """Write the marker of a finished task (atomically)."""
    path = marker_path(work, task)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "task": task,
        "digest": task_digest,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": _plain(inputs) if inputs is not None else None,
    }
    write_atomic(path, json.dumps(payload, indent=1).encode())
    return path


def log_path(work: str | os.PathLike) -> Path:
    """The event's log ``work/run.log``."""
    return Path(work) / "run.log"


def log(work: str | os.PathLike, what: str, task: str, seconds: float | None = None) -> None:
    """Append one line to the event's log (one ``write`` of a short line in append mode,
    so lines of concurrent workers do not interleave)."""
    path = log_path(work)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
    extra = "" if seconds is None else f" {seconds:.3f}s"
    line = f"{stamp} pid={os.getpid()} {what} {task}{extra}\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def read_log(work: str | os.PathLike) -> list[tuple[str, str]]:
    """``(what, task)`` of every line of the event's log."""
    try:
        text = log_path(work).read_text()
    except FileNotFoundError:
        return []
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 4:
            out.append((parts[2], parts[3]))
    return out


@contextmanager
def exclusive(work: str | os.PathLike, task: str) -> Iterator[None]:
    """Hold an exclusive lock (``flock``) on ``work/markers/<task>.lock`` (released when
    the block ends or the process dies)."""
    import fcntl

    path = marker_path(work, task).with_suffix(".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class Timer:
    """Seconds since creation."""

    def __init__(self) -> None:
        self.t = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.t
