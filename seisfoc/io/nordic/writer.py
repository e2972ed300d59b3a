"""Writing Nordic files: one F-line into an S-file or ``hyp.out``, or whole events.

The F-line writer changes or inserts exactly one line and leaves every other byte as it
was, line endings included; writes are atomic (:func:`seisfoc.fileio.write_atomic`). A
file that is not Nordic (NUL bytes, an event not starting with a type-1 line) is refused.
"""

from __future__ import annotations

import os

from seisfoc.errors import NordicError
from seisfoc.fileio import update_atomic, write_atomic
from seisfoc.io.fortran_fields import fortran_f, fortran_i
from seisfoc.io.nordic.reader import _read_bytes, _split_blocks
from seisfoc.io.nordic.records import Event

__all__ = [
    "format_fault_plane_line",
    "write_fault_plane",
    "write_events",
]

# --------------------------------------------------------------------------------------
# writer
# --------------------------------------------------------------------------------------


def _fixed(value, width: int, decimals: int, name: str) -> str:
    if value is None:
        return " " * width
    v = float(value)
    if v != v or v in (float("inf"), float("-inf")):
        raise NordicError(f"{name} is not a finite number: {value!r}")
    s = fortran_f(v, width, decimals)
    if s.startswith("*"):
        raise NordicError(f"{name} {value!r} does not fit in {width} columns")
    return s


def _integer(value, width: int, name: str) -> str:
    if value is None:
        return " " * width
    if int(value) != value:
        raise NordicError(f"{name} must be a whole number, not {value!r}")
    s = fortran_i(int(value), width)
    if s.startswith("*"):
        raise NordicError(f"{name} {value!r} does not fit in {width} columns")
    return s


def _text(value: str, width: int, name: str) -> str:
    value = "" if value is None else str(value)
    if len(value) > width:
        raise NordicError(f"{name} {value!r} is longer than {width} characters")
    if any(c in "\r\n\t" or ord(c) > 255 or ord(c) < 32 for c in value):
        raise NordicError(f"{name} {value!r} holds characters a Nordic file cannot hold")
    return value.ljust(width)


def format_fault_plane_line(
    strike,
    dip,
    rake,
    *,
    program: str,
    agency: str = "",
    n_bad_polarities: int | None = None,
    quality: str = "",
    flag: str = "",
    strike_error=None,
    dip_error=None,
    rake_error=None,
    fit_error=None,
    station_distribution_ratio=None,
    amplitude_ratio_fit=None,
    n_bad_amplitude_ratios: int | None = None,
) -> str:
    """An 80-character F-line as SEISAN's event editor writes it (column 80 ``F``).

    Strike, dip, rake ``3f10.1`` in 1-30; errors ``3f5.1`` in 31-45; fit error, station
    distribution ratio and amplitude-ratio fit ``f5.2`` in 46-60; bad polarities ``i2`` in
    61-62; bad amplitude ratios ``i2`` in 64-65; agency 67-69; program 71-77 left-justified;
    quality 78; flag 79 (``"O"`` for an OF-line).
    """
    if flag not in ("", " ", "O"):
        raise NordicError(f"flag must be '' (prime) or 'O' (OF-line), not {flag!r}")
    parts = [
        _fixed(strike, 10, 1, "strike"),
        _fixed(dip, 10, 1, "dip"),
        _fixed(rake, 10, 1, "rake"),
        _fixed(strike_error, 5, 1, "strike error"),
        _fixed(dip_error, 5, 1, "dip error"),
        _fixed(rake_error, 5, 1, "rake error"),
        _fixed(fit_error, 5, 2, "fit error"),
        _fixed(station_distribution_ratio, 5, 2, "station distribution ratio"),
        _fixed(amplitude_ratio_fit, 5, 2, "amplitude ratio fit"),
        _integer(n_bad_polarities, 2, "number of bad polarities"),
        " ",
        _integer(n_bad_amplitude_ratios, 2, "number of bad amplitude ratios"),
        " ",
        _text(agency, 3, "agency"),
        " ",
        _text(program, 7, "program"),
        _text(quality, 1, "quality"),
        _text(flag.strip(), 1, "flag"),
        "F",
    ]
    line = "".join(parts)
    assert len(line) == 80, line
    return line


def _line_ending(ln: bytes) -> bytes:
    if ln.endswith(b"\r\n"):
        return b"\r\n"
    if ln.endswith(b"\n"):
        return b"\n"
    if ln.endswith(b"\r"):
        return b"\r"
    return b""


def _insert_fault_plane(data: bytes, new_body: bytes, prime: bool, event_index: int, path):
    """The new file bytes with ``new_body`` written into event ``event_index``."""
    lines = data.splitlines(keepends=True)
    blocks = _split_blocks(lines)
    if not 0 <= event_index < len(blocks):
        raise NordicError(
            f"event {event_index} does not exist: the file holds {len(blocks)} event(s)",
            path=path,
        )
    start, block = blocks[event_index]
    # index (within block) of the first non-blank line = the header
    head = 0
    while head < len(block) and block[head].isspace():
        head += 1
    # SEISAN identifies a program's earlier solution by columns 71-80: the program (71-77)
    # and the flag (79: blank prime, O other). A prime write replaces the program's prime
    # line, an OF write its OF line; the other kind is never demoted or promoted.
    program, flag = new_body[70:77], new_body[78:79]
    same = []
    last_f = None
    for k in range(head + 1, len(block)):
        body = block[k].rstrip(b"\r\n")
        if body.isspace() or not body:
            break
        if body[79:80] == b"F":
            last_f = k
            if program.strip() and body[70:77] == program and body[78:79] == flag:
                same.append(k)
    header_line = block[head]
    eol = _line_ending(header_line) or _first_ending(lines) or b"\n"
    new_block = list(block)
    if same:
        k0 = same[0]
        old_agency = block[k0].rstrip(b"\r\n").ljust(80)[66:69]
        if not new_body[66:69].strip() and old_agency.strip():
            new_body = new_body[:66] + old_agency + new_body[69:]  # keep a known agency
        new_block[k0] = new_body + (_line_ending(block[k0]) or b"")
        if not _line_ending(block[k0]) and k0 != len(block) - 1:
            new_block[k0] += eol
        for k in reversed(same[1:]):
            del new_block[k]
    else:
        pos = head + 1 if prime or last_f is None else last_f + 1
        if not _line_ending(new_block[pos - 1]):
            # the line before (the header, or an F-line ending the file without a final
            # newline) is ended with the file's own line ending, never glued to the new one
            new_block[pos - 1] = new_block[pos - 1] + eol
        new_block.insert(pos, new_body + eol)
    out_lines = lines[:start] + new_block + lines[start + len(block) :]
    return b"".join(out_lines)


def _first_ending(lines: list[bytes]) -> bytes:
    for ln in lines:
        e = _line_ending(ln)
        if e:
            return e
    return b""


def write_fault_plane(path, line: str, *, prime: bool, event_index: int = 0) -> None:
    """Write an F-line into event ``event_index`` of an S-file or ``hyp.out``.

    As SEISAN identifies a program's earlier solution (columns 71-80: program and flag), a
    prime write replaces the program's prime line and an OF write its OF-line (further
    copies of that same line are removed); a line of the other kind is left as it is,
    never demoted or promoted. A new prime line goes in as line 2 of the event, a new
    OF-line after the event's last F-line (as line 2 when there is none). A blank agency
    keeps the replaced line's agency. Every other byte stays as it was; the file's own line
    ending is used for a new line and to end a last line that had none. The write is
    atomic (mode, owner and group kept) and safe against other writers: the read, the change
    and the rename happen under an advisory lock on the folder that every writer of the
    suite takes, and a change made by anyone else since the read is reported
    (NordicError) with nothing written. Only event boundaries and F-lines are
    looked at, so a phase line the reader would reject does not stop the write; a file
    that is not Nordic at all (NUL bytes, an event not starting with a type-1 line) is
    refused with :class:`~seisfoc.errors.NordicError` and left untouched.
    """
    if isinstance(line, bytes):
        line = line.decode("latin-1")
    body_s = line.rstrip("\r\n")
    if len(body_s) != 80 or body_s[79] != "F":
        raise NordicError(f"an F-line has 80 characters and 'F' in column 80: {line!r}")
    if any(c in "\r\n" or ord(c) > 255 for c in body_s):
        raise NordicError(f"an F-line is one line of Latin-1 text: {line!r}")
    flag = body_s[78]
    if prime and flag != " ":
        raise NordicError("a prime F-line must have a blank column 79", column=79)
    if not prime and flag == " ":
        body_s = body_s[:78] + "O" + body_s[79]
    new_body = body_s.encode("latin-1")
    fspath = os.path.realpath(os.fspath(path))
    _read_bytes(path)  # missing, a folder, a FIFO: named before the writability check
    try:
        st = os.stat(fspath)
    except OSError as exc:
        raise NordicError(f"cannot stat: {exc.strerror or exc}", path=path) from None
    if not (st.st_mode & 0o222) or not os.access(fspath, os.W_OK):
        raise NordicError("file is not writable", path=path)

    def change(data: bytes) -> bytes:
        _check_writable_nordic(data, path)
        return _insert_fault_plane(data, new_body, prime, event_index, path)

    update_atomic(path, change, error=NordicError, what="a Nordic file")


def _check_writable_nordic(data: bytes, path) -> None:
    """Refuse to write into a file that is not Nordic: NUL bytes, or an event whose first
    line is not a type-1 header (plain text, a binary file, a wrong file name)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise NordicError("binary data (NUL byte), not a Nordic file: not written", path, line)
    for start, block in _split_blocks(data.splitlines(keepends=True)):
        k = 0
        while k < len(block) and block[k].isspace():
            k += 1
        if k < len(block) and block[k].rstrip(b"\r\n")[79:80] != b"1":
            raise NordicError(
                "not a Nordic file: an event must start with a type-1 header line "
                "(column 80 '1'); not written",
                path,
                start + k + 1,
                80,
            )


def write_events(path, events) -> None:
    """Write ``events`` (one :class:`Event` or a list) to ``path`` atomically, each as its
    :meth:`Event.to_bytes`: the events of a file written back unchanged give that file
    byte for byte. An event that does not end with a blank line (the last one of a file
    without it) gets one when another event follows, so that events stay apart. The
    file keeps its permissions; see :func:`seisfoc.fileio.write_atomic`.
    """
    if isinstance(events, Event):
        events = [events]
    events = list(events)
    if not events:
        raise NordicError("no events to write", path=path)
    parts = []
    for k, ev in enumerate(events):
        data = ev.to_bytes()
        last = ev.lines[-1] if ev.lines else b""
        if k < len(events) - 1 and not (last.isspace() and _line_ending(last)):
            eol = _first_ending(ev.lines) or b"\n"
            data += (b"" if _line_ending(last) else eol) + (b"" if last.isspace() else eol)
        parts.append(data)
    write_atomic(path, b"".join(parts), error=NordicError)
