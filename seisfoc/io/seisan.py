"""Where SEISAN keeps its configuration files (the search only; the files are read by
:mod:`seisfoc.io.station0` and :mod:`seisfoc.io.seisan_def`).

SEISAN programs look for a configuration file first in the working folder and then in
``$SEISAN_TOP/DAT``; for an S-file inside a database (``<top>/REA/<BASE>/YYYY/MM/``) the
suite also looks in ``<top>/DAT``, so that a copied database with its own ``DAT`` works
without SEISAN installed.

``STATIONx.HYP`` is chosen by x = column 21 of the event's header (blank = 0).

Only the standard library is imported: the drop-in ``pinv`` uses this module at start-up.
"""

from __future__ import annotations

import os

__all__ = ["database_top", "candidates", "find_station_file"]


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
