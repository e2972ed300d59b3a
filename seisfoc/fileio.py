"""Reading and writing users' files so that nothing is lost, nothing hangs, nothing is split.

Reading: every program of the suite opens every input through :func:`read_input`. It
refuses what is not a regular file (a folder, a FIFO, a device such as ``/dev/zero``, a
socket) by name before reading a byte, without blocking on a FIFO (``O_NONBLOCK``), and
refuses a file larger than :data:`MAX_INPUT_BYTES` instead of reading until memory runs
out.

Writing: every program that replaces a user's file (an S-file, hyp.out, pinv.out,
invrad.out) goes through :func:`write_atomic` (or :func:`update_atomic` for a
read-modify-write): the data go to a temporary file in the same folder, are flushed to
disk, get the old file's permissions, owner and group, and then replace it in one rename.
A crash, a full disk, Ctrl-C or ``kill -9`` leaves either the old file or the new one.

* The temporary file is ``.<name>.<pid>-<random>.tmp``: hidden, and ending in ``.tmp`` so
  that one left behind is never taken for an S-file. The first write into a folder
  removes such files left there by a killed run of this suite: only names of exactly
  that pattern, owned by the user, whose process no longer exists on this machine.
* A file with several hard links is refused (replacing it would split the links).
* :func:`update_atomic` holds an advisory lock (``flock`` on the folder) around the read,
  the change and the rename, so that two writers of the suite never lose each other's
  update, and re-reads the file just before the rename: when anyone else (an editor,
  SEISAN's EEV) changed it since it was read, nothing is written and the error says so.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator

from seisfoc.errors import SeisfocError

try:  # POSIX advisory locks; elsewhere writes are still atomic, only not serialised
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: The largest input any program reads (bytes). An S-file is a few KB, a hyp.out of a
#: large composite or an invrad.inp with 99,999 readings (the most its format holds) a
#: few MB; 256 MiB stops an endless or absurd input long before memory runs out.
MAX_INPUT_BYTES = 256 * 1024 * 1024

#: Seconds a writer waits for another writer of the suite to release a folder's lock.
LOCK_TIMEOUT_S = 60.0

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>[0-9]+)-[a-z0-9_]{8}\.tmp$")
_cleaned_folders: set[str] = set()


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words ("a FIFO (named pipe)", "a folder", ...)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def read_input(
    path: str | os.PathLike,
    *,
    what: str = "an input file",
    limit: int = MAX_INPUT_BYTES,
    error: type[SeisfocError] = SeisfocError,
) -> bytes:
    """The bytes of the regular file ``path``.

    Parameters
    ----------
    path
        The file as the user named it (messages use this name, not its resolved form).
    what
        What the file should be, for the message when it is not a regular file
        ("is a FIFO (named pipe), not <what>").
    limit
        The largest size read; a larger file is refused naming the limit.
    error
        The SeisfocError subclass raised.

    Returns
    -------
    bytes
        The whole file.

    Raises
    ------
    SeisfocError
        (``error``) naming ``path`` when it is missing, unreadable, not a regular file
        (checked on the open descriptor, so a FIFO never blocks) or larger than ``limit``.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except IsADirectoryError:
        raise error(f"is a folder, not {what}", path=path) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", path=path) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise error(f"is {file_kind(st.st_mode)}, not {what}", path=path)
        if st.st_size > limit:
            raise error(
                f"is {st.st_size:,} bytes, more than the {limit:,} bytes any input of "
                "seisfoc may have",
                path=path,
            )
        chunks = []
        total = 0
        while True:  # a file that grows while it is read still stops at the limit
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise error(
                    f"grew beyond the {limit:,} bytes any input of seisfoc may have",
                    path=path,
                )
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", path=path) from None
    finally:
        os.close(fd)


def read_text(
    path: str | os.PathLike,
    *,
    what: str = "an input file",
    encoding: str = "latin-1",
    limit: int = MAX_INPUT_BYTES,
    error: type[SeisfocError] = SeisfocError,
) -> str:
    """:func:`read_input` decoded (Latin-1 by default: every byte is a character).

    Parameters
    ----------
    path, what, limit, error
        As for :func:`read_input`.
    encoding
        The text encoding; undecodable bytes are replaced, never an exception.

    Returns
    -------
    str
        The file's text with its line endings as they are.
    """
    data = read_input(path, what=what, limit=limit, error=error)
    return data.decode(encoding, errors="replace")


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when ``a`` and ``b`` are the same file (links resolved; hard links are the
    same inode), also when neither exists yet but both resolve to one path."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(os.fspath(a)) == os.path.realpath(os.fspath(b))


def refuse_outputs_over_inputs(
    outputs: Iterable[tuple[str, str | os.PathLike | None]],
    inputs: Iterable[str | os.PathLike],
    error: type[SeisfocError] = SeisfocError,
) -> None:
    """Refuse, before any work, an output that is one of the run's inputs.

    Parameters
    ----------
    outputs
        ``(option, path)`` pairs such as ``("--quakeml", "ev.xml")``; None paths are
        skipped.
    inputs
        The files the run reads (files, not database folders).
    error
        The SeisfocError subclass raised.

    Raises
    ------
    SeisfocError
        Naming the output path as given and the option when it would replace an input.
    """
    inputs = [os.fspath(p) for p in inputs]
    for option, out in outputs:
        if out is None:
            continue
        for inp in inputs:
            if same_file(out, inp):
                raise error(
                    f"{option} would overwrite the input {inp}: choose another file name",
                    path=out,
                )


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """An exclusive advisory lock (``flock``) on ``folder`` for the writers of this suite.

    The lock is on the folder itself, not on the file: an atomic replace gives the file a
    new inode, so a lock held on the old one would not keep out a writer that opened the
    new one, and no lock file is left behind. Where ``flock`` is not available (not
    POSIX, or a file system that refuses it) the block runs unlocked.

    Parameters
    ----------
    folder
        The folder holding the file to be replaced.
    timeout
        Seconds to wait for another writer before giving up with a SeisfocError.
    """
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield  # the write itself will report what is wrong with the folder
        return
    try:
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise SeisfocError(
                        f"another seisfoc program has been writing in this folder for more "
                        f"than {timeout:g} s; nothing written",
                        path=folder,
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
            except OSError as exc:
                if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                    break  # no locks on this file system
                raise
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, owned by someone else
        return True
    return True


def clean_stale_temporaries(folder: str | os.PathLike) -> list[str]:
    """Remove the temporary files a killed writer of this suite left in ``folder``.

    Only names of exactly the pattern :func:`write_atomic` uses
    (``.<name>.<pid>-<8 characters>.tmp``), regular files owned by the current user,
    whose process no longer exists on this machine, are removed.

    Parameters
    ----------
    folder
        The folder to tidy.

    Returns
    -------
    list of str
        The paths removed.
    """
    removed: list[str] = []
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    try:
        entries = list(os.scandir(os.fspath(folder)))
    except OSError:
        return removed
    for entry in entries:
        m = _TEMP_RE.match(str(entry.name))
        if m is None:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or (uid is not None and st.st_uid != uid):
            continue
        if _pid_alive(int(m.group("pid"))):
            continue
        try:
            os.unlink(entry.path)
            removed.append(str(entry.path))
        except OSError:
            pass
    return removed


def _clean_once(folder: str) -> None:
    if folder not in _cleaned_folders:
        _cleaned_folders.add(folder)
        clean_stale_temporaries(folder)


def write_atomic(
    path: str | os.PathLike,
    data: bytes,
    error: type[SeisfocError] = SeisfocError,
    *,
    expect: bytes | None = None,
) -> None:
    """Replace ``path`` by ``data`` atomically; on failure the old file is untouched.

    Parameters
    ----------
    path
        The file as the user named it; a symbolic link is followed (the link stays a
        link) and messages name ``path`` as given.
    data
        The new contents.
    error
        The SeisfocError subclass raised when the file cannot be written.
    expect
        When given, the file's contents as read before the change: if the file no longer
        holds them just before the rename (someone else wrote it), nothing is written and
        ``error`` says so.

    Notes
    -----
    A new file gets the default permissions (``0o666`` less the umask); an existing one
    keeps its mode, and its owner and group where the process may set them (as root:
    always). A file with more than one hard link is refused.
    """
    fspath = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(fspath) or "."
    try:
        st = os.stat(fspath)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise error(f"cannot stat: {exc.strerror or exc}", path=path) from None
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            raise error(f"is {file_kind(st.st_mode)}, not a file that can be replaced", path=path)
        if st.st_nlink > 1:
            raise error(
                f"has {st.st_nlink} hard links: replacing it would split them; not written "
                "(copy it to a file of its own first)",
                path=path,
            )
    _clean_once(folder)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{os.path.basename(fspath)}.{os.getpid()}-", suffix=".tmp", dir=folder
        )
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            tst = os.stat(tmp)
            if (tst.st_uid, tst.st_gid) != (st.st_uid, st.st_gid):
                with contextlib.suppress(OSError):  # not root: keep what may be kept
                    os.chown(tmp, st.st_uid, st.st_gid)
                with contextlib.suppress(OSError):
                    os.chown(tmp, -1, st.st_gid)
                os.chmod(tmp, stat.S_IMODE(st.st_mode))  # chown may clear set-id bits
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        if expect is not None:
            try:
                now = read_input(fspath, error=error)
            except SeisfocError:
                now = None
            if now != expect:
                raise error(
                    "was changed by another program while seisfoc was updating it; "
                    "not written (run again to apply the change to the new contents)",
                    path=path,
                )
        os.replace(tmp, fspath)
        tmp = None
    except OSError as exc:
        raise error(f"cannot write: {exc.strerror or exc}", path=path) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def update_atomic(
    path: str | os.PathLike,
    change: Callable[[bytes], bytes | None],
    error: type[SeisfocError] = SeisfocError,
    *,
    what: str = "an input file",
) -> bool:
    """Read-modify-write of ``path`` that loses no one's update.

    Under :func:`folder_lock` the file is read (:func:`read_input`), ``change`` gives the
    new contents (None or the same bytes: nothing to write), and :func:`write_atomic`
    replaces the file after checking that nobody changed it since the read.

    Parameters
    ----------
    path
        The file as the user named it.
    change
        Function from the old contents to the new ones; it may raise SeisfocError to
        refuse the change (nothing is written).
    error
        The SeisfocError subclass for read and write failures.
    what
        What the file should be, for :func:`read_input`'s messages.

    Returns
    -------
    bool
        True when the file was rewritten.
    """
    fspath = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(fspath) or "."
    _clean_once(folder)
    with folder_lock(folder):
        data = read_input(path, what=what, error=error)
        new = change(data)
        if new is None or new == data:
            return False
        write_atomic(path, new, error, expect=data)
    return True


def append(path: str | os.PathLike, data: bytes, error: type[SeisfocError] = SeisfocError) -> None:
    """Append ``data`` to ``path`` (created when missing), as the legacy programs add to
    a log such as ``fps.out``; raises ``error`` naming the file when it cannot be written.
    A FIFO, device or folder of that name is refused without blocking.
    """
    try:
        fd = os.open(
            path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NONBLOCK", 0), 0o666
        )
    except OSError as exc:
        raise error(f"cannot write: {exc.strerror or exc}", path=path) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise error(f"is {file_kind(mode)}, not a file to append to", path=path)
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
    except OSError as exc:
        raise error(f"cannot write: {exc.strerror or exc}", path=path) from None
    finally:
        os.close(fd)


def _json_safe(value):
    """``value`` with numpy scalars and arrays as plain Python and every non-finite float
    as None (JSON has no NaN or Infinity; None means "not resolved")."""
    import math

    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy
        return _json_safe(value.tolist())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


def json_text(value, indent: int | None = 1) -> str:
    """The one JSON writer of the suite's outputs: always valid JSON.

    Parameters
    ----------
    value
        Dicts, lists, numbers, strings, None, numpy scalars and arrays.
    indent
        As for :func:`json.dumps`.

    Returns
    -------
    str
        JSON text; a NaN or infinite number is written as ``null`` (never the invalid
        tokens ``NaN``/``Infinity``), numpy values as plain numbers.
    """
    import json

    return json.dumps(_json_safe(value), indent=indent, allow_nan=False)
