"""SEISAN's ``STATION0.HYP`` (and ``STATIONx.HYP``): stations, crustal model and agency.

The one reader of the file. Layout (blank lines separate the sections): optional
``RESET TEST(..)=`` lines, a blank line, the station list, a blank line, the crustal
model (one line per constant-velocity layer), a blank line, the control line, and, in the
first three characters of the last non-blank line, the agency that SEISAN's event editor
writes into F-lines.

- :func:`read_station_coordinates` -- the station list (read lazily per station);
- :func:`read_station0_model` -- the crustal model as a
  :class:`~seisfoc.velocity.LayeredModel`;
- :func:`read_agency` -- the agency; :func:`agency` finds the file first, as SEISAN does
  (:func:`seisfoc.io.seisan.find_station_file`).

Numbers are read with :mod:`seisfoc.io.fortran_fields`; errors name file, line and column.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from seisfoc.errors import ModelError, SeisfocError
from seisfoc.io.fortran_fields import FieldError, parse_real, read_real
from seisfoc.io.seisan import find_station_file
from seisfoc.velocity import INVRAD_VP_VS, LayeredModel

__all__ = [
    "StationCoordinates",
    "read_station_coordinates",
    "read_station0_model",
    "read_agency",
    "agency",
]


def _read_lines(path, message: str, error: type[SeisfocError]) -> list[str]:
    """The lines of the file (Latin-1), or ``error`` with ``message`` and the reason."""
    from seisfoc.fileio import read_input

    try:
        data = read_input(path, what="a STATIONx.HYP file", error=error)
    except SeisfocError as exc:
        raise error(f"{message}: {exc.message}", path) from None
    return data.decode("latin-1").splitlines()


def _after_reset_lines(lines: list[str]) -> int:
    """Index of the first line after the ``RESET TEST`` lines at the top."""
    i = 0
    while i < len(lines) and lines[i].strip().upper().startswith("RESET TEST"):
        i += 1
    return i


# ------------------------------------------------------------------------------ stations


@dataclass
class StationCoordinates:
    """Station coordinates of a ``STATION0.HYP``: ``name -> (latitude, longitude, elev_m)``.

    Lines are read when a station is asked for, so a malformed line of a station that is
    not used does not stop anything.
    """

    path: str
    _lines: dict[str, tuple[int, str]]

    def __contains__(self, name: str) -> bool:
        return name in self._lines

    def get(self, name: str) -> tuple[float, float, float] | None:
        entry = self._lines.get(name)
        if entry is None:
            return None
        return _parse_station_line(entry[1], self.path, entry[0])


def read_station_coordinates(path) -> StationCoordinates:
    """The station list of a ``STATION0.HYP`` (after the ``RESET TEST`` lines).

    Station lines are ``2X,A4`` or ``1X,A5`` (name), latitude degrees and minutes with
    ``N``/``S``, longitude degrees and minutes with ``E``/``W``, elevation in m:
    ``"  BER 6023.03N  520.03E  50"``. The first occurrence of a name counts, as in HYP.
    """
    path = os.fspath(path)
    lines = _read_lines(path, "cannot read station file", SeisfocError)
    i, n = _after_reset_lines(lines), len(lines)
    while i < n and not lines[i].strip():
        i += 1
    found: dict[str, tuple[int, str]] = {}
    while i < n and lines[i].strip():
        name = lines[i][1:6].strip()
        if name and name not in found:
            found[name] = (i + 1, lines[i])
        i += 1
    return StationCoordinates(path, found)


def _parse_station_line(line: str, path, lineno: int) -> tuple[float, float, float]:
    rest = line[6:]
    ns = next((k for k, c in enumerate(rest) if c in "NSns"), None)
    if ns is None:
        raise SeisfocError("station line without N or S after the latitude", path, lineno, 7)
    ew = next((k for k, c in enumerate(rest[ns + 1 :]) if c in "EWew"), None)
    if ew is None:
        raise SeisfocError("station line without E or W after the longitude", path, lineno, ns + 8)
    ew += ns + 1

    def number(text, col, what):
        return read_real(text, what=what, path=path, line=lineno, column=col, blank=0.0)

    lat = number(rest[:2], 7, "latitude degrees") + number(rest[2:ns], 9, "latitude minutes") / 60
    lon = (
        number(rest[ns + 1 : ns + 4], ns + 8, "longitude degrees")
        + number(rest[ns + 4 : ew], ns + 11, "longitude minutes") / 60.0
    )
    elev = number(rest[ew + 1 :].split()[0] if rest[ew + 1 :].split() else "", ew + 8, "elevation")
    if rest[ns] in "Ss":
        lat = -lat
    if rest[ew] in "Ww":
        lon = -lon
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 360.0):
        raise SeisfocError(f"station position {lat:g}, {lon:g} is impossible", path, lineno, 7)
    return lat, lon, elev


# ------------------------------------------------------------------------------ model


def _number(text: str, path, line: int, column: int, what: str) -> float:
    """A whitespace-separated number of the model section (``D`` exponents allowed)."""
    s = text.strip()
    if not s:
        raise ModelError(f"{what} is missing (short line)", path, line, column)
    try:
        value = parse_real(s, inner_blanks=False)
    except FieldError as exc:
        raise ModelError(f"{what} {s!r} is {exc.reason}", path, line, column) from None
    if value is None:  # not blank (checked above), so never: for the type checker
        raise ModelError(f"{what} is missing (short line)", path, line, column)
    return value


def read_station0_model(path) -> LayeredModel:
    """Read the crustal model of SEISAN's ``STATION0.HYP``.

    Layout (blank lines separate the sections): optional ``RESET TEST(..)=`` lines, a
    blank line, the station list, a blank line, one line per constant-velocity layer
    (``Vp`` in columns 1-7, depth of the layer top in columns 8-14, optional ``Vs`` in
    columns 15-21, interface flag in column 22: ``N`` = Moho, ``B`` = Conrad; the
    numbers are read as whitespace-separated fields within columns 1-21, so values that
    spill over a column boundary, as in SEISAN's own file, are read as HYP reads them),
    a blank line, and the control line ``start depth, xnear, xfar, Vp/Vs`` in ``4F5``
    (Vp/Vs in columns 16-20). Vs = Vp / (Vp/Vs) where a layer gives none.
    """
    path = os.fspath(path)
    lines = _read_lines(path, "cannot read STATION0.HYP", ModelError)
    i, n = _after_reset_lines(lines), len(lines)
    if i < n and lines[i].strip():
        if i > 0:
            raise ModelError("expected a blank line after the RESET TEST lines", path, i + 1, 1)
    else:
        i += 1  # the blank line that ends the (possibly empty) RESET TEST section
    while i < n and lines[i].strip():  # station list
        i += 1
    if i >= n:
        raise ModelError("no crustal model: the file ends in the station list", path, n)
    i += 1
    ztop: list[float] = []
    vp: list[float] = []
    vs: list[float | None] = []  # None: Vs from Vp/Vs
    labels: list[str] = []
    first_model_line = i + 1
    while i < n and lines[i].strip():
        lineno = i + 1
        text = lines[i].replace("\t", " ")
        numbers_part = text[:21]
        flag = text[21:22].strip().upper()
        rest = text[22:].strip()
        if flag and flag not in ("N", "B"):
            raise ModelError(
                f"interface flag {flag!r} must be N (Moho), B (Conrad) or blank", path, lineno, 22
            )
        if rest:
            raise ModelError(f"unexpected text {rest!r} after column 22", path, lineno, 23)
        tokens = []
        pos = 0
        for tok in numbers_part.split():
            col = numbers_part.index(tok, pos)
            pos = col + len(tok)
            tokens.append((tok, col + 1))
        if len(tokens) < 2:
            col = tokens[0][1] + len(tokens[0][0]) if tokens else 1
            raise ModelError(
                "short line: a layer needs Vp and the depth of its top", path, lineno, col
            )
        if len(tokens) > 3:
            raise ModelError(
                "too many fields: expected Vp, depth and optional Vs", path, lineno, tokens[3][1]
            )
        v = _number(tokens[0][0], path, lineno, tokens[0][1], "Vp")
        z = _number(tokens[1][0], path, lineno, tokens[1][1], "depth")
        if v <= 0.0:
            raise ModelError(
                f"velocity must be positive, got Vp = {v:g} km/s", path, lineno, tokens[0][1]
            )
        if z < 0.0:
            raise ModelError(f"negative layer depth {z:g} km", path, lineno, tokens[1][1])
        if ztop and z <= ztop[-1]:
            raise ModelError(
                f"depth going backwards: layer top {z:g} km is not below {ztop[-1]:g} km",
                path,
                lineno,
                tokens[1][1],
            )
        if not ztop and z != 0.0:
            raise ModelError(
                f"the first layer must start at 0 km, not {z:g} km", path, lineno, tokens[1][1]
            )
        s = None
        if len(tokens) == 3:
            s = _number(tokens[2][0], path, lineno, tokens[2][1], "Vs")
            if s <= 0.0:
                raise ModelError(
                    f"velocity must be positive, got Vs = {s:g} km/s", path, lineno, tokens[2][1]
                )
            if s >= v:
                raise ModelError(
                    f"Vs {s:g} km/s is not smaller than Vp {v:g} km/s", path, lineno, tokens[2][1]
                )
        ztop.append(z)
        vp.append(v)
        vs.append(s)
        labels.append(flag)
        i += 1
    if not ztop:
        raise ModelError("no crustal model after the station list", path, first_model_line)
    i += 1
    ratio = None
    if i < n and lines[i].strip():
        ctrl = lines[i]
        field_ = ctrl[15:20]
        if field_.strip():
            ratio = _number(field_, path, i + 1, 16, "Vp/Vs ratio")
            if not ratio > 1.0:
                raise ModelError(
                    f"Vp/Vs ratio must be larger than 1, got {ratio:g}", path, i + 1, 16
                )
    if any(s is None for s in vs):
        if ratio is None:
            raise ModelError(
                "layers without Vs need the Vp/Vs ratio in columns 16-20 "
                "of the line after the model",
                path,
                min(i + 1, n),
                16,
            )
        vs = [v / ratio if s is None else s for v, s in zip(vp, vs, strict=True)]
    model = LayeredModel.from_arrays(
        ztop,
        vp,
        None,
        vs,
        None,
        vp_vs=ratio if ratio is not None else INVRAD_VP_VS,
        interfaces=labels,
        source=path,
    )
    return model


# ------------------------------------------------------------------------------ agency


def read_agency(path) -> str:
    """The agency of a ``STATIONx.HYP``: the first three characters of its last non-blank
    line (``""`` when the file has none or cannot be read).

    Returns
    -------
    str
        The agency code, stripped.
    """
    from seisfoc.fileio import read_input

    try:
        lines = [ln for ln in read_input(path).splitlines() if ln.strip()]
    except SeisfocError:
        return ""
    return lines[-1][:3].decode("latin-1").strip() if lines else ""


def agency(sfile_path=None, cwd: str = ".") -> str:
    """The agency SEISAN's event editor would write for an event (``""`` when unknown):
    :func:`read_agency` of the ``STATION0.HYP`` SEISAN would use for ``sfile_path``.

    Returns
    -------
    str
        The agency code.
    """
    path = find_station_file(sfile_path, cwd=cwd)
    return read_agency(path) if path else ""
