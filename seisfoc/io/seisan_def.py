"""SEISAN's ``SEISAN.DEF``: the settings the suite reads from it.

``NORDIC_FORMAT`` (keyword in columns 1-13, value in columns 41-50): 0 old Nordic, 1 both
(old Nordic or Nordic2 read, Nordic2 written), 2 Nordic2. The first ``SEISAN.DEF`` found
is read (working folder, then ``$SEISAN_TOP/DAT``: :func:`seisfoc.io.seisan.candidates`);
without one, or without the keyword, the format is old Nordic.

Only the standard library is imported: the drop-in ``pinv`` uses this module at start-up.
"""

from __future__ import annotations

import os

from seisfoc.errors import NordicError
from seisfoc.io.fortran_fields import read_real
from seisfoc.io.seisan import candidates

__all__ = ["OLD_NORDIC", "NORDIC2", "nordic_format_value", "nordic_format_setting"]

#: the Nordic formats, numbered as :data:`seisfoc.io.nordic.NORDIC1` and ``NORDIC2``
OLD_NORDIC, NORDIC2 = 1, 2


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
            value = read_real(
                raw[40:50],
                what="NORDIC_FORMAT value",
                path=path,
                line=number,
                column=41,
                error=NordicError,
                required=False,
                inner_blanks=False,
            )
            if value is None:
                continue
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
