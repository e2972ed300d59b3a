"""Questions on standard input: what Ebel's programs ask when an input file leaves a value
at 0 (``invrad.inp``'s source depth and data error) or for the drop-ins' options.

Command-line code: the readers of :mod:`seisfoc.io.invrad` never ask; the drop-ins and the
amplitude programs' input step call these.
"""

from __future__ import annotations

import math
from typing import TextIO

from seisfoc.errors import SeisfocError

__all__ = ["ask_float", "ask_values"]


def ask_float(
    prompt: str,
    what: str,
    path: str | None = None,
    line: int | None = None,
    column: int | None = None,
    stream: TextIO | None = None,
) -> float:
    """Ask on standard input for a number the input file left at 0 (as Ebel's programs do).

    With no standard input (end of file) this raises a ``SeisfocError`` naming the field
    instead of waiting forever.
    """
    import sys

    stream = sys.stdin if stream is None else stream
    print(prompt, flush=True)
    text = stream.readline() if stream is not None else ""
    if not text:
        raise SeisfocError(
            f"{what} is 0 in the file and none was given on standard input", path, line, column
        )
    try:
        value = float(text.split()[0]) if text.split() else float("nan")
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value <= 0:
        raise SeisfocError(
            f"{what} from standard input: {text.strip()!r} is not a positive number",
            path,
            line,
            column,
        )
    return value


_PENDING_TOKENS: dict[int, list[str]] = {}


def ask_values(prompt: str, what: str, count: int, stream: TextIO | None = None) -> list[float]:
    """Ask on standard input for ``count`` numbers (one line or several); EOF is an error.

    Numbers left over on a line answer the next question, as a Fortran list read would
    not, but as a user typing all answers on one line expects.
    """
    import sys

    stream = sys.stdin if stream is None else stream
    print(prompt, flush=True)
    pending = _PENDING_TOKENS.setdefault(id(stream), [])
    while len(pending) < count:
        text = stream.readline() if stream is not None else ""
        if not text:
            pending.clear()
            raise SeisfocError(
                f"{what}: expected {count} numbers on standard input, got end of file"
            )
        pending.extend(text.replace(",", " ").split())
    tokens, pending[:] = pending[:count], pending[count:]
    values = []
    for token in tokens:
        try:
            value = float(token)
        except ValueError:
            raise SeisfocError(f"{what} from standard input: {token!r} is not a number") from None
        if not math.isfinite(value):
            raise SeisfocError(f"{what} from standard input: {token!r} is not a finite number")
        values.append(value)
    return values
