"""Reading and writing SEISAN Nordic files: S-files, ``hyp.out`` and database trees.

The package face: every public name of the layers below is importable from here
(``from seisfoc.io import nordic``; ``nordic.read_events(...)``). Layers, each using only
those above it: :mod:`~seisfoc.io.nordic.fields` (column decoding),
:mod:`~seisfoc.io.nordic.records` (typed records), :mod:`~seisfoc.io.nordic.reader`
(bytes to events), :mod:`~seisfoc.io.nordic.database` (the ``REA`` walk) and
:mod:`~seisfoc.io.nordic.writer` (F-lines, whole events).

The reader works on bytes (S-files carry Latin-1 letters and worse) and keeps every line
verbatim, so an event written back unchanged is byte-identical. Typed records are made for
the header (type 1 and H), hypocentre-error (E), ID (I), fault-plane (F) and phase lines
(type 4 or blank); every other line is kept only in ``Event.lines``.

Old Nordic ("Nordic 1") and Nordic2 are told apart per event from the type-7 help line
(``STAT SP ...`` or ``STAT COM ...``), or, when an event has none, from where the phase
lines put the decimal point of the seconds; an explicit ``nordic_format`` overrides both.
``Event.format_source`` says which of the three decided.

Numbers are read column by column as in the SEISAN manual (columns are 1-based) and, as
SEISAN's Fortran reads them, blanks inside a field are ignored (``"0 10.0"`` is 10.0). A
blank field is ``None``. A field that is not a number (letters, a tab, a stray byte)
raises :class:`~seisfoc.errors.NordicError` naming the file, the line and
the first column of the field. The exception are the secondary numbers of an F-line
(errors, fit, ratios, counts): older programs wrote those in other columns, so they are
``None`` when they do not read as a number and the raw line keeps them.

Phase lines are checked when the event is read and turned into :class:`Phase` records on
the first access of ``Event.phases`` (then cached), which keeps reading a large database
fast when only headers are needed.

The writer changes or inserts exactly one F-line and leaves every other byte of the file
as it was, line endings included; it writes a temporary file in the same folder and
renames it over the original. It refuses a file that is not Nordic (NUL bytes, an event
not starting with a type-1 line). :func:`write_events` writes read events back as they
were read.

Only regular files are read: a folder, a device (``/dev/zero``) or a FIFO is refused
before reading. A database is ``REA/<BASE>/YYYY/MM/DD-HHMM-SSX.SYYYYMM`` (X is L, R or
D); other names in the month folders (editor backups, temporary files) are not S-files.
Time limits of a database walk are ISO dates or dates and times, both inclusive; a date
as the end includes that whole day.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seisfoc.io.nordic.database import (
        is_sfile_name,
        iter_database,
        parse_time,
        read_database,
        read_path,
        time_range,
    )
    from seisfoc.io.nordic.fields import NORDIC1, NORDIC2, POLARITIES
    from seisfoc.io.nordic.reader import (
        detect_format,
        is_nordic,
        parse_events,
        polarity_readings,
        read_events,
        read_sfile,
    )
    from seisfoc.io.nordic.records import (
        Event,
        EventID,
        FaultPlane,
        Header,
        HighAccuracyHeader,
        HypocentreError,
        Phase,
    )
    from seisfoc.io.nordic.writer import format_fault_plane_line, write_events, write_fault_plane

#: where each public name lives; the layers are imported on first use of a name, so that
#: a program that needs one layer (the drop-in ``pinv`` reads with ``fields`` alone) does
#: not import the others
_LAYER = {
    **dict.fromkeys(
        (
            "is_sfile_name",
            "iter_database",
            "parse_time",
            "read_database",
            "read_path",
            "time_range",
        ),
        "database",
    ),
    **dict.fromkeys(("NORDIC1", "NORDIC2", "POLARITIES"), "fields"),
    **dict.fromkeys(
        (
            "detect_format",
            "is_nordic",
            "parse_events",
            "polarity_readings",
            "read_events",
            "read_sfile",
        ),
        "reader",
    ),
    **dict.fromkeys(
        (
            "Event",
            "EventID",
            "FaultPlane",
            "Header",
            "HighAccuracyHeader",
            "HypocentreError",
            "Phase",
        ),
        "records",
    ),
    **dict.fromkeys(("format_fault_plane_line", "write_events", "write_fault_plane"), "writer"),
}


def __getattr__(name: str):
    layer = _LAYER.get(name)
    if layer is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{layer}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAYER))


__all__ = [
    "NORDIC1",
    "NORDIC2",
    "POLARITIES",
    "Phase",
    "FaultPlane",
    "Header",
    "HighAccuracyHeader",
    "HypocentreError",
    "EventID",
    "Event",
    "read_events",
    "read_sfile",
    "parse_events",
    "iter_database",
    "read_database",
    "read_path",
    "is_sfile_name",
    "parse_time",
    "time_range",
    "write_events",
    "format_fault_plane_line",
    "write_fault_plane",
    "detect_format",
    "polarity_readings",
    "is_nordic",
]
