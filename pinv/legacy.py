"""SEISAN PINV's input selection and output formats, reproduced to the character.

Works on the raw lines of ``hyp.out`` as the original reads them (FORMATS.md sections 1
and 3, ALGORITHMS.md section 1), with the Nordic reader's polarity selection in seisan
mode (:func:`seisfoc.io.nordic.fields.polarity_rows`, the one place that reads the
columns):

* old Nordic: every line with column 80 blank, column 11 ``P`` and column 17 ``C`` (+1) or
  ``D`` (-1), AIN from 58-60 and CAZ from 77-79 (blank = 0), all events together;
* Nordic2: the first event only; the original's test accepts ``C`` on P phases and ``D``
  on any phase (column 44), AIN from 59-63 (f5.1), CAZ from 77-79 (blank = -999).

Formatting follows the original's Fortran edit descriptors through the suite's one writer
(:mod:`seisfoc.io.fortran_fields`); :func:`fortran_int` and :func:`fortran_fixed` print
asterisks when a value does not fit, as Fortran does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from seisfoc.io import seisan_def
from seisfoc.io.fortran_fields import fortran_f, fortran_i
from seisfoc.io.nordic.fields import _split_blocks, detect_format, polarity_rows

OLD, NORDIC2 = seisan_def.OLD_NORDIC, seisan_def.NORDIC2
NOT_OLD_MESSAGE = "  Input format is not Nordic (old), stop"
#: what the original reads a blank AIN or CAZ as (Fortran list input of a blank field is 0;
#: its Nordic2 reader fills -999)
BLANK_ANGLE = {OLD: 0.0, NORDIC2: -999.0}


@dataclass
class Selection:
    """P polarities picked from a hyp.out the way the original picks them."""

    polarity: list[float] = field(default_factory=list)
    takeoff_deg: list[float] = field(default_factory=list)
    azimuth_deg: list[float] = field(default_factory=list)
    line_number: list[int] = field(default_factory=list)
    station: list[str] = field(default_factory=list)
    blank_angles: list[int] = field(default_factory=list)  #: line numbers with blank AIN/CAZ

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (
            np.asarray(self.polarity, dtype=np.float64),
            np.asarray(self.takeoff_deg, dtype=np.float64),
            np.asarray(self.azimuth_deg, dtype=np.float64),
        )

    def __len__(self) -> int:
        return len(self.polarity)


# ----------------------------------------------------------------- configuration


# SEISAN.DEF's NORDIC_FORMAT decides the variant, as in SEISAN (seisfoc.io.seisan_def)
nordic_format_setting = seisan_def.nordic_format_setting


# ----------------------------------------------------------------- reading


def split_lines(data: bytes) -> list[bytes]:
    """Lines with their endings kept (so a rewrite can keep every other byte)."""
    return data.splitlines(keepends=True)


def body(line: bytes) -> bytes:
    """A line without its ending, padded to 80 columns."""
    return line.rstrip(b"\r\n").ljust(80)


def split_events(lines: list[bytes]) -> list[tuple[int, int]]:
    """(start, stop) line indices of the events: blocks separated by blank lines (the
    Nordic reader's grouping, :mod:`seisfoc.io.nordic.fields`), blank lines left out."""
    events = []
    for start, block in _split_blocks(lines):
        filled = [k for k, line in enumerate(block) if not line.isspace()]
        if filled:
            events.append((start + filled[0], start + filled[-1] + 1))
    return events


def event_format(lines: list[bytes], start: int, stop: int) -> int | None:
    """Format of one event from its type-7 help line as the original tells it (the
    reader's :func:`~seisfoc.io.nordic.fields.detect_format` in seisan mode), None when
    it has none."""
    for i in range(start, stop):
        b = body(lines[i])
        if b[79:80] == b"7":
            return detect_format(b, mode="seisan")
    return None


def selection_from(readings: list[tuple], nordic_format: int) -> Selection:
    """The readings of :func:`seisfoc.io.nordic.fields.polarity_rows` (seisan mode) as the
    original uses them: ``C`` +1, ``D`` -1, a blank AIN or CAZ as :data:`BLANK_ANGLE`
    (its line listed in ``blank_angles``)."""
    sel = Selection()
    blank = BLANK_ANGLE[nordic_format]
    for n, pol, _phase, station, ain, caz in readings:
        sel.polarity.append(1.0 if pol == "C" else -1.0)
        sel.takeoff_deg.append(blank if ain is None else ain)
        sel.azimuth_deg.append(blank if caz is None else caz)
        sel.line_number.append(n)
        sel.station.append(station)
        if ain is None or caz is None:
            sel.blank_angles.append(n)
    return sel


def _rows(lines: list[bytes], start: int, stop: int) -> list[tuple[int, bytes]]:
    return [(i + 1, lines[i].rstrip(b"\r\n")) for i in range(start, stop)]


def select_old(lines: list[bytes], path=None) -> Selection:
    """Old Nordic selection over every line of the file (all events: composite)."""
    rows = _rows(lines, 0, len(lines))
    return selection_from(polarity_rows(rows, OLD, mode="seisan", path=path), OLD)


def select_nordic2(lines: list[bytes], start: int, stop: int, path=None) -> Selection:
    """Nordic2 selection over one event, with the original's precedence slip: ``C`` counts
    on P phases only, ``D`` on any phase."""
    rows = _rows(lines, start, stop)
    return selection_from(polarity_rows(rows, NORDIC2, mode="seisan", path=path), NORDIC2)


def blank_angles_note(line_numbers: list[int], nordic_format: int, limit: int = 12) -> str:
    """One line saying which readings had a blank AIN or CAZ and what the original made of
    them (``nordic_format`` is OLD or NORDIC2); long lists are cut after ``limit``."""
    shown = ", ".join(str(n) for n in line_numbers[:limit])
    if len(line_numbers) > limit:
        shown += f", ... ({len(line_numbers)} lines)"
    value = f"{BLANK_ANGLE[nordic_format]:g}"
    return f"blank AIN/CAZ on line(s) {shown} used as {value}, as the original PINV does"


# ----------------------------------------------------------------- Fortran formatting


#: Fortran ``Iw`` (the one writer: :func:`seisfoc.io.fortran_fields.fortran_i`)
fortran_int = fortran_i


def fortran_fixed(value: float, width: int, decimals: int) -> str:
    """``Fw.d`` of a single-precision value (the original keeps REAL*4)."""
    return fortran_f(value, width, decimals, single=True)


def sdr_text(strike: float, dip: float, rake: float) -> str:
    return "".join(fortran_fixed(v, 10, 1) for v in (strike, dip, rake))


def screen_text(n: int, tolerance: float, pseudorank: int, sdr, n_good: int, n_bad: int) -> str:
    return (
        f" Number of data used for inversion={fortran_int(n, 3)}\n"
        f" Absolute pseudorank tolerance {fortran_fixed(tolerance, 12, 6)}{' ' * 10}"
        f"Pseudorank {fortran_int(pseudorank, 3)}\n"
        f" Strike, dip, rake{' ' * 5}{sdr_text(*sdr)}\n"
        f" Consistent data:   {fortran_int(n_good, 5)}\n"
        f" Inconsistent data: {fortran_int(n_bad, 5)}\n"
    )


def events_text(n_events: int) -> str:
    return f"  Number of events{fortran_int(n_events, 12)}\n"


def composite_text(n_events: int) -> str:
    return (
        f" This is a composite solution, number of events is{fortran_int(n_events, 12)}\n"
        " Solution written to hyp.out\n"
    )


def pinv_out_first_line(n: int) -> str:
    return f" Number of data used for inversion={fortran_int(n, 5)}\n"


def pinv_out_text(n: int, sdr, n_good: int, n_bad: int) -> str:
    return (
        pinv_out_first_line(n)
        + f"strike,dip,rake{' ' * 5}{sdr_text(*sdr)}\n"
        + f" Consistent data:   {fortran_int(n_good, 5)}\n"
        + f" Inconsistent data: {fortran_int(n_bad, 5)}\n"
    )


def legacy_strike(strike: float) -> float:
    """The original writes strike - 90 (single precision, no wrap) into fps.out and the
    composite F-line."""
    return float(np.float32(strike) - np.float32(90.0))


def fps_out_text(sdr) -> str:
    header = " 2040 0101 0101 00.0 L".ljust(79) + "1"
    fline = sdr_text(legacy_strike(sdr[0]), sdr[1], sdr[2]).ljust(70) + "PINV   POF"
    return f"{header}\n{fline}\n \n"


def composite_fault_line(sdr, n_bad: int) -> str:
    text = sdr_text(legacy_strike(sdr[0]), sdr[1], sdr[2]).ljust(60) + fortran_int(n_bad, 2)
    return text.ljust(70) + "PINV     F"


# ----------------------------------------------------------------- composite rewrite


def _is_magnitude_only_header(b: bytes) -> bool:
    """A type-1 line without a hypocentre (only magnitudes): SEISAN writes these last."""
    return b[79:80] == b"1" and not b[23:43].strip()


def _rewrite_event(
    lines: list[bytes], start: int, stop: int, new_line: bytes | None, reorder: bool
) -> list[bytes]:
    """One event with the composite F-line placed as the original places it: after the
    last header line that is not a magnitude-only type-1 line. An earlier PINV line is
    replaced (the original inserts a duplicate on every run: fixed)."""
    event = lines[start:stop]
    phase_start = len(event)
    for k in range(1, len(event)):
        b = body(event[k])
        if b[79:80] in (b"7", b" ", b"4"):
            phase_start = k
            break
    head, rest = event[:phase_start], event[phase_start:]
    if reorder:
        trailing = [ln for ln in head[1:] if _is_magnitude_only_header(body(ln))]
        others = [ln for ln in head[1:] if not _is_magnitude_only_header(body(ln))]
        head = head[:1] + others + trailing
    if new_line is not None:
        for k, ln in enumerate(head):
            if body(ln)[70:80] == b"PINV     F":
                head = head[:k] + [new_line] + head[k + 1 :]
                return head + rest
        k = len(head)
        while k > 1 and _is_magnitude_only_header(body(head[k - 1])):
            k -= 1
        head = head[:k] + [new_line] + head[k:]
    return head + rest


def _file_ending(lines: list[bytes]) -> bytes:
    """The file's own line ending (that of its first ended line; ``\\n`` when none)."""
    for ln in lines:
        if ln.endswith(b"\r\n"):
            return b"\r\n"
        if ln.endswith(b"\n"):
            return b"\n"
    return b"\n"


def rewrite_composite(lines: list[bytes], fault_line: str, reorder: bool) -> bytes:
    """hyp.out with the composite F-line in its first event (Nordic2: every event's header
    lines in SEISAN's writing order, as the original's rewrite leaves them)."""
    ending = _file_ending(lines)
    new_line = fault_line.encode("latin-1") + ending
    events = split_events(lines)
    out: list[bytes] = []
    pos = 0
    for index, (start, stop) in enumerate(events):
        out.extend(lines[pos:start])
        out.extend(_rewrite_event(lines, start, stop, new_line if index == 0 else None, reorder))
        pos = stop
    out.extend(lines[pos:])
    return b"".join(out)


def rewrite_composite_nordic2(lines: list[bytes], fault_line: str, path=None) -> bytes:
    """hyp.out rewritten in Nordic2 with the composite F-line, as the original rewrites an
    old-Nordic composite under ``NORDIC_FORMAT 1.0``: every event read as SEISAN's reader
    reads it (an old one converted by its event writer,
    :func:`seisfoc.io.nordic.convert.convert_event`; a Nordic2 one kept with its header
    lines holding only magnitudes moved before the type-7 line,
    :func:`~seisfoc.io.nordic.convert.magnitude_lines_last`), the F-line in the first
    event just before its type-7 line (an earlier PINV F-line is replaced: the original
    adds a duplicate), then the magnitude lines moved once more, as the original's second
    read of its temporary file moves them. Lines are 80 columns, each
    event ends with a blank line, and the file's own line ending is kept.

    Parameters
    ----------
    lines
        hyp.out's lines with their endings (:func:`split_lines`).
    fault_line
        The 80-column composite F-line (:func:`composite_fault_line`).
    path
        hyp.out, for messages.

    Returns
    -------
    bytes
        The new content of hyp.out.

    Raises
    ------
    seisfoc.io.nordic.convert.ConversionError
        For an event the converter does not convert, naming the line of the file; the
        caller keeps the old layout.
    """
    from seisfoc.io.nordic import convert

    ending = _file_ending(lines)
    new_line = fault_line.encode("latin-1")
    out: list[bytes] = []
    for index, (start, stop) in enumerate(split_events(lines)):
        fmt = event_format(lines, start, stop)
        if fmt == NORDIC2:  # kept, in 80 columns, as SEISAN's reader leaves it
            event = [body(ln)[:80] for ln in lines[start:stop] if not ln.isspace()]
            event = convert.magnitude_lines_last(event + [b" " * 80])
        else:
            try:
                event = convert.convert_event(lines[start:stop], fmt)
            except convert.ConversionError as err:
                line = None if err.line is None else start + err.line
                raise convert.ConversionError(err.message, path, line, err.column) from None
        if index == 0:
            replaced = [k for k, ln in enumerate(event) if ln[70:80] == b"PINV     F"]
            if replaced:
                event[replaced[0]] = new_line
            else:
                at = next(k for k, ln in enumerate(event) if ln[79:80] == b"7")
                event.insert(at, new_line)
        out.extend(convert.magnitude_lines_last(event))
    return b"".join(ln + ending for ln in out)
