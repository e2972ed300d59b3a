"""The one exception type of the suite for errors a user can cause.

Every message names where the problem is (file, line, column, all 1-based, as in the
SEISAN manual) so that a command-line program can print it on one line and exit
non-zero without a traceback.
"""

from __future__ import annotations

import os


class SeisfocError(Exception):
    """A problem with the user's input: bad file, bad column, too few data, ...

    ``str(err)`` is ``"<file>:<line>:<column>: <message>"`` with the parts that are known.
    """

    def __init__(
        self,
        message: str,
        path: str | os.PathLike | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.path = None if path is None else os.fspath(path)
        self.line = line
        self.column = column
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        if not where:
            return self.message
        return ", ".join(where) + ": " + self.message


class NordicError(SeisfocError):
    """A Nordic S-file or hyp.out that cannot be read or written."""


class ModelError(SeisfocError):
    """A velocity model that is malformed or physically impossible."""


class InversionError(SeisfocError):
    """Too few data, a singular system or a reading the physics rejects."""
