"""Writing files so that a crash, a full disk or Ctrl-C never leaves half a file.

Every program of the suite that replaces a user's file (an S-file, hyp.out, invrad.out)
goes through :func:`write_atomic`: the data go to a temporary file in the same folder,
are flushed to disk, get the old file's permissions, and then replace it in one rename.

The temporary file is ``.<name>.<random>.tmp``: hidden, and ending in ``.tmp`` so that one
left behind by a killed process is never taken for an S-file
(:func:`seisfoc.nordic.iter_database` reads only ``DD-HHMM-SSX.SYYYYMM`` names).
"""

from __future__ import annotations

import os
import stat
import tempfile

from seisfoc.errors import SeisfocError


def write_atomic(path, data: bytes, error: type[SeisfocError] = SeisfocError) -> None:
    """Replace ``path`` by ``data`` atomically; on failure the old file is untouched.

    Raises ``error`` (a SeisfocError subclass) naming the file when it cannot be written.
    A new file gets the default permissions; an existing one keeps its own.
    """
    fspath = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(fspath) or "."
    try:
        mode = stat.S_IMODE(os.stat(fspath).st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise error(f"cannot stat: {exc.strerror or exc}", path=path) from None
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{os.path.basename(fspath)}.", suffix=".tmp", dir=folder
        )
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, fspath)
        tmp = None
    except OSError as exc:
        raise error(f"cannot write: {exc.strerror or exc}", path=path) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def append(path, data: bytes, error: type[SeisfocError] = SeisfocError) -> None:
    """Append ``data`` to ``path`` (created when missing), as the legacy programs add to
    a log such as ``fps.out``; raises ``error`` naming the file when it cannot be written.
    """
    try:
        with open(path, "ab") as fh:
            fh.write(data)
    except OSError as exc:
        raise error(f"cannot write: {exc.strerror or exc}", path=path) from None
