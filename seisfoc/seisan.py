"""Where SEISAN keeps its configuration, and what the suite reads from it.

SEISAN programs look for a configuration file first in the working folder and then in
``$SEISAN_TOP/DAT``; for an S-file inside a database (``<top>/REA/<BASE>/YYYY/MM/``) the
suite also looks in ``<top>/DAT``, so that a copied database with its own ``DAT`` works
without SEISAN installed.

- ``STATIONx.HYP`` (x = column 21 of the event's header, blank = 0): stations, model and,
  in the first three characters of its last non-blank line, the agency that SEISAN's
  event editor writes into F-lines.
- ``SEISAN.DEF``: ``NORDIC_FORMAT`` (columns 41-50; 0 old Nordic, 1 or 2 Nordic2).

Only the standard library is imported: the drop-in ``pinv`` uses this module at start-up.
"""

from __future__ import annotations

import os

from seisfoc.errors import NordicError

OLD_NORDIC, NORDIC2 = 1, 2


def database_top(sfile_path) -> str | None:
    """``<top>`` of ``<top>/REA/<BASE>/YYYY/MM/<sfile>``, else None."""
    folder = os.path.dirname(os.path.abspath(os.fspath(sfile_path)))
    rea = os.path.dirname(os.path.dirname(os.path.dirname(folder)))
    if os.path.basename(rea).upper() == "REA":
        return os.path.dirname(rea)
    return None


def candidates(name: str, cwd: str = ".", sfile_path=None) -> list[str]:
    """Where SEISAN (and the suite) look for the configuration file ``name``, in order."""
    found = [name if cwd in ("", ".") else os.path.join(cwd, name)]
    top = os.environ.get("SEISAN_TOP")
    if top:
        found.append(os.path.join(top, "DAT", name))
    if sfile_path is not None:
        db = database_top(sfile_path)
        if db is not None:
            found.append(os.path.join(db, "DAT", name))
    return found


def find_station_file(sfile_path=None, model_indicator: str = "", cwd: str = ".") -> str | None:
    """The ``STATIONx.HYP`` SEISAN would use, or None when there is none."""
    name = f"STATION{model_indicator.strip() or '0'}.HYP"
    for path in candidates(name, cwd, sfile_path):
        if os.path.isfile(path):
            return path
    return None


def station_file_agency(path) -> str:
    """The first three characters of the last non-blank line of a STATIONx.HYP ('' if none)."""
    try:
        with open(path, "rb") as fh:
            lines = [ln for ln in fh.read().splitlines() if ln.strip()]
    except OSError:
        return ""
    return lines[-1][:3].decode("latin-1").strip() if lines else ""


def agency(sfile_path=None, cwd: str = ".") -> str:
    """The agency SEISAN's event editor would write for an event ('' when unknown)."""
    path = find_station_file(sfile_path, cwd=cwd)
    return station_file_agency(path) if path else ""


def nordic_format_value(cwd: str = ".") -> float:
    """``NORDIC_FORMAT`` (0.0 old, 1.0 both: old or Nordic2 in, Nordic2 out, 2.0 Nordic2) of
    the first SEISAN.DEF found (working folder, then ``$SEISAN_TOP/DAT``); 0.0 when unset.
    A SEISAN.DEF that is a FIFO, a device or a folder is an error naming it."""
    from seisfoc.fileio import read_input

    for path in candidates("SEISAN.DEF", cwd):
        if not os.path.lexists(path):
            continue
        data = read_input(path, what="a SEISAN.DEF file", error=NordicError)
        for number, raw in enumerate(data.splitlines(), 1):
            if not raw.startswith(b"NORDIC_FORMAT"):
                continue
            text = raw[40:50].strip()
            if not text:
                continue
            try:
                value = float(text)
            except ValueError:
                raise NordicError(
                    f"NORDIC_FORMAT value {text.decode('latin-1')!r} is not a number",
                    path,
                    number,
                    41,
                ) from None
            if value not in (0.0, 1.0, 2.0):
                raise NordicError(
                    f"unknown NORDIC_FORMAT {value:g} (0 old, 1 or 2 Nordic2)", path, number, 41
                )
            return value
        return 0.0
    return 0.0


def nordic_format_setting(cwd: str = ".") -> int:
    """OLD_NORDIC or NORDIC2, as SEISAN decides: ``NORDIC_FORMAT`` in the first SEISAN.DEF
    found (working folder, then ``$SEISAN_TOP/DAT``); old Nordic when it is not set
    (1.0, "both", writes Nordic2: see :func:`nordic_format_value`)."""
    return OLD_NORDIC if nordic_format_value(cwd) == 0.0 else NORDIC2
