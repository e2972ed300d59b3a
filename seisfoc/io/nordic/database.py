"""The SEISAN database walk: ``REA/<BASE>/YYYY/MM/DD-HHMM-SSX.SYYYYMM`` and time limits.

A database is ``REA/<BASE>/YYYY/MM/DD-HHMM-SSX.SYYYYMM`` (X is L, R or D); other names in
the month folders (editor backups, temporary files) are not S-files. Time limits are ISO
dates or dates and times, both inclusive; a date as the end includes that whole day.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterator
from typing import cast

from seisfoc.errors import NordicError, SeisfocError
from seisfoc.io.nordic.fields import NORDIC1, NORDIC2
from seisfoc.io.nordic.reader import read_events, read_sfile
from seisfoc.io.nordic.records import Event

__all__ = [
    "is_sfile_name",
    "parse_time",
    "time_range",
    "iter_database",
    "read_database",
    "read_path",
]

# --------------------------------------------------------------------------------------
# database
# --------------------------------------------------------------------------------------

#: a SEISAN S-file name, ``DD-HHMM-SSX.SYYYYMM`` with X the distance indicator (L local,
#: R regional, D distant); editor backups (``~``, ``.bak``) and the temporary files of an
#: interrupted write (``.<name>.<random>.tmp``, see :mod:`seisfoc.fileio`) do not match
_SFILE_NAME = re.compile(r"(\d\d)-(\d\d)(\d\d)-(\d\d)[LRD]\.S(\d{4})(\d\d)")


def is_sfile_name(name: str) -> bool:
    """Whether ``name`` (a file name, no folder) is a SEISAN S-file name."""
    return _SFILE_NAME.fullmatch(name) is not None


def _sfile_time(name: str) -> _dt.datetime | None:
    m = _SFILE_NAME.fullmatch(name)
    if m is None:
        return None
    day, hour, minute, sec, year, month = (int(x) for x in m.groups())
    try:
        return _dt.datetime(year, month, day, hour, minute, min(sec, 59))
    except ValueError:
        return None


_TIME_FORMS = (
    "a year (1995), a month (1996-07), an ISO date (1996-06-03) or date and time "
    "(1996-06-03T19:55:35)"
)
_PERIOD = re.compile(r"(\d{4})(?:-(\d{2}))?")


def parse_time(value, name: str = "") -> _dt.date | _dt.datetime | None:
    """A time limit as a ``date`` (a date, or an ISO date string) or a naive UTC
    ``datetime`` (a datetime, or an ISO date-and-time string); ``None`` stays ``None``.

    The two kinds are kept apart because a date as the end of a range covers that whole
    day (see :func:`iter_database`). An aware datetime is converted to UTC, the time of
    S-files. Anything else raises :class:`~seisfoc.errors.SeisfocError`; ``name``
    (``"start"``, ``"end"``) starts the message.
    """
    if value is None:
        return None
    what = f"{name} " if name else ""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            try:
                value = value.astimezone(_dt.UTC).replace(tzinfo=None)
            except OverflowError:  # 9999-12-31T23:00-01:00 is in the year 10000 in UTC
                raise SeisfocError(
                    f"{what}time {value.isoformat()} is beyond the years 1-9999 in UTC"
                ) from None
        return value
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str):
        raise SeisfocError(f"{what}time must be {_TIME_FORMS}, not {value!r}")
    text = value.strip()
    period = _PERIOD.fullmatch(text)  # a year (1995) or a month (1996-07): its first day
    if period:
        try:
            return _dt.date(int(period[1]), int(period[2] or 1), 1)
        except ValueError:
            raise SeisfocError(f"{what}time {value!r} is not a valid month") from None
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_time(_dt.datetime.fromisoformat(text), name)
    except ValueError as exc:
        reason = str(exc)
        reason = "" if reason.startswith("Invalid isoformat") else f" ({reason})"
    raise SeisfocError(f"{what}time {value!r} is not {_TIME_FORMS}{reason}")


def _unit_of_time_text(text: str) -> _dt.timedelta:
    """The last unit an ISO date-and-time string gives: ``"1996-06-03T19"`` an hour,
    ``"...T19:55"`` a minute, ``"...T19:55:35"`` a second, with a fraction its last
    digit. As an end of a range the string covers that unit."""
    clock = re.split(r"[T ]", text.strip(), maxsplit=1)[-1]
    clock = re.split(r"[Z+-]", clock, maxsplit=1)[0]
    parts = clock.split(":")
    if len(parts) == 1 and len(parts[0]) == 4 and parts[0].isdigit():  # basic "1955"
        return _dt.timedelta(minutes=1)
    if len(parts) == 1:
        return _dt.timedelta(hours=1)
    if len(parts) == 2:
        return _dt.timedelta(minutes=1)
    _, _, fraction = parts[2].partition(".")
    return _dt.timedelta(seconds=10.0 ** -len(fraction.rstrip()))


def time_range(start, end) -> tuple[_dt.datetime | None, _dt.datetime | None]:
    """``(first, last)`` origin times (naive UTC datetimes or ``None``), both inclusive, of
    the limits ``start`` and ``end`` as :func:`iter_database` reads them: a date as
    ``end`` ends with its last microsecond, and an ISO string as ``end`` covers its last
    unit (``"1996-06-03T19:55"`` the whole minute, ``"...T19:55:35"`` that second). Raises
    :class:`~seisfoc.errors.SeisfocError` for a bad limit or a start after the end."""
    t0, t1 = parse_time(start, "start"), parse_time(end, "end")
    if type(t0) is _dt.date:
        t0 = _dt.datetime(t0.year, t0.month, t0.day)
    if type(t1) is _dt.date:
        period = _PERIOD.fullmatch(end.strip()) if isinstance(end, str) else None
        if period and period[2] is None:  # a year as the end: to its last day
            t1 = _dt.date(t1.year, 12, 31)
        elif period:  # a month as the end: to its last day
            t1 = _dt.date(t1.year + t1.month // 12, t1.month % 12 + 1, 1) - _dt.timedelta(days=1)
        t1 = _dt.datetime(t1.year, t1.month, t1.day) + _dt.timedelta(days=1, microseconds=-1)
    elif isinstance(end, str) and t1 is not None:
        try:
            t1 += _unit_of_time_text(end) - _dt.timedelta(microseconds=1)
        except OverflowError:  # the last unit of 9999-12-31T23:59 ends the calendar
            t1 = _dt.datetime.max
    if t0 is not None and t1 is not None and t0 > t1:
        raise SeisfocError(f"start time {start!s} is after end time {end!s}")
    # dates were made datetimes above: both limits are datetimes or None here
    assert t0 is None or isinstance(t0, _dt.datetime)
    assert t1 is None or isinstance(t1, _dt.datetime)
    return t0, t1


def _scan(folder: str) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return list(it)
    except OSError as exc:
        raise NordicError(f"cannot list the folder: {exc.strerror or exc}", path=folder) from None


def _month_folders(root: str) -> list[tuple[int, int, str]]:
    """``(year, month, folder)`` of every ``YYYY/MM`` folder of a database, sorted."""
    out = []
    for y in _scan(root):
        if y.is_dir() and _is_digits(y.name, 4):
            for m in _scan(y.path):
                if m.is_dir() and _is_digits(m.name, 2):
                    out.append((int(y.name), int(m.name), m.path))
    return sorted(out)


def iter_database(root, start=None, end=None) -> Iterator[str]:
    """Sorted paths of the S-files ``<root>/YYYY/MM/DD-HHMM-SSX.SYYYYMM`` of a database
    (``root`` is the BASE folder, ``REA/<BASE>``); other files are not S-files and are
    left out.

    ``start`` and ``end`` (datetime, date or ISO string, see :func:`parse_time`) select by
    the origin time in the file name, both inclusive: a date, or an ISO string without a
    time, as ``end`` includes that whole day (``start="1996-06-03", end="1996-06-03"``
    is that day); a date and time as ``end`` includes that second. Files whose name does
    not carry a valid time are then left out.

    Bad limits, a ``root`` that is not a folder and a folder without any ``YYYY/MM``
    sub-folder (not a database) raise :class:`~seisfoc.errors.SeisfocError` at the call,
    before the first path.
    """
    months, t0, t1 = _database_months(root, start, end)
    # without keep_going a month that cannot be listed raises: only paths come out
    return cast("Iterator[str]", _walk(months, t0, t1, keep_going=False))


def _database_months(root, start, end):
    """``(months, t0, t1)`` of a database, checked: see :func:`iter_database`. A folder
    without ``YYYY/MM`` sub-folders is an error unless it sits in a folder named ``REA``
    (a new, still empty ``REA/<BASE>``)."""
    root = os.fspath(root)
    t0, t1 = time_range(start, end)
    if not os.path.isdir(root):
        raise NordicError("not a SEISAN database folder", path=root)
    months = _month_folders(root)
    parent = os.path.basename(os.path.dirname(os.path.abspath(root)))
    if not months and parent.upper() != "REA":
        raise NordicError(
            "not a SEISAN database folder: no YYYY/MM sub-folders (give REA/<BASE>)",
            path=root,
        )
    return months, t0, t1


def _walk(months, t0, t1, keep_going: bool) -> Iterator[str | SeisfocError]:
    """The S-file paths of the month folders in the range; a month folder that cannot be
    listed raises, or with ``keep_going`` is yielded as its error and the walk goes on."""
    ranged = t0 is not None or t1 is not None
    for year, month, folder in months:
        if (t0 is not None and (year, month) < (t0.year, t0.month)) or (
            t1 is not None and (year, month) > (t1.year, t1.month)
        ):
            continue
        try:
            entries = _scan(folder)
        except SeisfocError as exc:
            if not keep_going:
                raise
            yield exc
            continue
        names = sorted(e.name for e in entries if is_sfile_name(e.name) and e.is_file())
        for name in names:
            if ranged:
                t = _sfile_time(name)
                if t is None or (t0 is not None and t < t0) or (t1 is not None and t > t1):
                    continue
            yield os.path.join(folder, name)


def _is_digits(s: str, n: int) -> bool:
    return len(s) == n and s.isdigit()


def read_database(
    root, start=None, end=None, nordic_format: int | None = None
) -> Iterator[tuple[str, Event | SeisfocError]]:
    """``(path, event)`` for every S-file of :func:`iter_database`; a bad file gives its
    error instead. Errors of the arguments are raised at the call."""
    if nordic_format not in (None, NORDIC1, NORDIC2):
        raise ValueError(f"nordic_format must be None, 1 or 2, not {nordic_format!r}")
    months, t0, t1 = _database_months(root, start, end)
    return _read_each(_walk(months, t0, t1, keep_going=True), nordic_format)


def read_path(
    item, start=None, end=None, nordic_format: int | None = None
) -> Iterator[tuple[str, Event | SeisfocError]]:
    """``(path, event or error)`` of one input a user names: a folder is a database, one
    pair per S-file (:func:`read_database`), or the folder's one error when it is not a
    database; a file gives all its events, or one error when it cannot be read or holds
    none. Nothing is raised, so that one bad input never stops a run of many."""
    item = os.fspath(item)
    if os.path.isdir(item):
        try:
            return read_database(item, start, end, nordic_format=nordic_format)
        except SeisfocError as err:
            return iter([(item, err)])
    try:
        events = read_events(item, nordic_format=nordic_format)
    except SeisfocError as err:
        return iter([(item, err)])
    if not events:
        return iter([(item, NordicError("no events in the file", path=item))])
    return ((item, event) for event in events)


def _read_each(paths, nordic_format) -> Iterator[tuple[str, Event | SeisfocError]]:
    for path in paths:
        if isinstance(path, SeisfocError):  # an unreadable month folder
            yield path.path or "", path
            continue
        try:
            yield path, read_sfile(path, nordic_format)
        except SeisfocError as exc:
            yield path, exc
