"""File formats, one module each: every format is read (and written) in exactly one place.

Each reader has a sniffer beside it (``nordic.is_nordic``, ``invrad.is_invrad_inp``,
``cmtsolution.is_cmtsolution``) that takes a path or the bytes of a file.
"""

from __future__ import annotations

import os

from seisfoc.errors import SeisfocError


def source_bytes(
    source: str | os.PathLike[str] | bytes, what: str, error: type[SeisfocError] = SeisfocError
) -> bytes:
    """The bytes a sniffer looks at: ``source`` itself, or the file it names read through
    :func:`seisfoc.fileio.read_input` (no FIFO, device or endless input; ``error`` naming
    the file when it cannot be read).

    Returns
    -------
    bytes
        The content.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    from seisfoc.fileio import read_input

    return read_input(source, what=what, error=error)
