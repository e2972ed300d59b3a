"""Ebel's amplitude-program files: ``invrad.inp``, ``invrad.mod`` and ``invrad.out``.

Shared by INVRAD, INVDC and SYNRAD (FORMATS.md section 5); the one reader of each file.

``invrad.inp``:

- line 1: free-text title;
- line 2: ``(I5,2F5.1)`` number of readings, source depth (km), data standard deviation
  (microns); 0 means "ask on standard input" (the prompts are command-line code:
  :mod:`seisfoc.cli.prompts`);
- then one reading per line, ``(1X,A4,1X,A1,1X,A2,1X,F6.2,4X,F7.2,3X,E12.4)``: station,
  component Z/R/T, phase ``P``/``SV``/``SH``, epicentral distance (km), azimuth event to
  station (deg), signed amplitude (microns, R positive TOWARD the source).

``invrad.mod`` (``2F10.4`` per line: depth, Vp; an optional third field in columns 21-30
is Vs): one line per layer top or bottom starting at the free surface; a repeated depth
is a discontinuity, two lines at different depths are a gradient layer between them, and
the last value continues as a half-space. Vs = Vp / ``vp_vs`` (1.732, as INVRAD) where
it is not given. :func:`read_model` reads a ``STATION*.HYP`` (by name, through
:mod:`seisfoc.io.station0`) or else an ``invrad.mod``.

``invrad.out``: INVRAD's report in the original layout (:func:`format_invrad_out`), and
its pieces that INVDC's and SYNRAD's reports share (:func:`plane_line`,
:func:`error_field`, :func:`crustal_model_lines`).

Numbers are read as Fortran reads fixed fields (:mod:`seisfoc.io.fortran_fields`: a
field without a decimal point gets the format's implied decimals), but a missing or
non-numeric field is an error naming the file, line and column, never a silent zero.
The readers never print.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from seisfoc.amplitude import COMPONENT_CODES, PHASE_CODES, VALID_PAIRS, AmplitudeReadings
from seisfoc.errors import ModelError, SeisfocError
from seisfoc.io import source_bytes
from seisfoc.io.fortran_fields import (
    FieldError,
    fortran_e,
    fortran_f,
    parse_int,
    parse_real,
    read_real,
)
from seisfoc.velocity import INVRAD_VP_VS, LayeredModel

__all__ = [
    "InvradInput",
    "read_invrad_inp",
    "parse_invrad_inp",
    "format_invrad_inp",
    "is_invrad_inp",
    "read_invrad_model",
    "read_model",
    "format_invrad_out",
    "format_invrad_failure",
    "invrad_header_lines",
    "crustal_model_lines",
    "data_resolution_lines",
    "plane_line",
    "error_field",
]

# (first column, last column) 1-based, of the reading fields
_STATION = (2, 5)
_COMPONENT = (7, 7)
_PHASE = (9, 10)
_DISTANCE = (12, 17)
_AZIMUTH = (22, 28)
_AMPLITUDE = (32, 43)
#: first column of each reading field, for errors found after parsing (rays, free surface)
READING_COLUMNS = {
    "station": _STATION[0],
    "component": _COMPONENT[0],
    "phase": _PHASE[0],
    "distance": _DISTANCE[0],
    "azimuth": _AZIMUTH[0],
    "amplitude": _AMPLITUDE[0],
}
#: INVRAD's arrays held 50 readings: up to this many the data resolution matrix is printed
#: in full as the original did (every reference invrad.out); beyond it no original layout
#: exists and the N x N matrix (7 MB for 1000 readings) is replaced by its diagonal
FULL_DATA_RESOLUTION_MAX = 50


@dataclass
class InvradInput:
    """The content of an ``invrad.inp``; depth or sigma is ``None`` where the file has 0."""

    title: str
    source_depth_km: float | None
    sigma_microns: float | None
    readings: AmplitudeReadings
    path: str | None = None


def _field(line: str, cols: tuple[int, int]) -> str:
    return line[cols[0] - 1 : cols[1]]


def fortran_real(text: str, decimals: int, path, line: int, column: int, what: str) -> float:
    """A required ``Fw.d``/``Ew.d`` field of ``invrad.inp`` (outer blanks only)."""
    value = read_real(
        text, decimals, what=what, path=path, line=line, column=column, inner_blanks=False
    )
    if value is None:  # a required field: read_real raises on a blank, for the type checker
        raise SeisfocError(f"{what} is missing", path, line, column)
    return value


def _fortran_int(text: str, path, line: int, column: int, what: str) -> int:
    s = text.strip()
    if not s:
        raise SeisfocError(f"{what} is missing", path, line, column)
    try:
        value = parse_int(s, inner_blanks=False)
    except FieldError:
        raise SeisfocError(f"{what} {s!r} is not an integer", path, line, column) from None
    if value is None:  # not blank (checked above), so never: for the type checker
        raise SeisfocError(f"{what} is missing", path, line, column)
    return value


def read_invrad_inp(path) -> InvradInput:
    """Read an ``invrad.inp`` file (see the module doc)."""
    from seisfoc.fileio import read_input

    path = os.fspath(path)
    data = read_input(path, what="an invrad.inp file")  # no FIFO, device, endless input
    return parse_invrad_inp(data.decode("latin-1"), path)


def parse_invrad_inp(text: str, path: str | None = None) -> InvradInput:
    lines = [line.rstrip("\r").replace("\t", " ") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise SeisfocError("empty file: expected a title line", path, 1)
    title = lines[0].rstrip()
    if len(lines) < 2 or not lines[1].strip():
        raise SeisfocError(
            "line 2 must give the number of readings, source depth and data error (I5,2F5.1)",
            path,
            2,
            1,
        )
    head = lines[1]
    n = _fortran_int(head[0:5], path, 2, 1, "number of readings")
    depth = _optional_real(head[5:10], 1, path, 2, 6, "source depth")
    sigma = _optional_real(head[10:15], 1, path, 2, 11, "data standard deviation")
    if head[15:].strip():
        raise SeisfocError(f"unexpected text {head[15:].strip()!r} after column 15", path, 2, 16)
    if n <= 0:
        raise SeisfocError(f"number of readings must be positive, got {n}", path, 2, 1)
    if depth is not None and depth < 0:
        raise SeisfocError(f"source depth must not be negative, got {depth:g} km", path, 2, 6)
    if sigma is not None and sigma < 0:
        raise SeisfocError(f"data standard deviation must be positive, got {sigma:g}", path, 2, 11)
    body = lines[2:]
    if len(body) < n:
        raise SeisfocError(
            f"line 2 declares {n} readings but the file has only {len(body)} reading lines",
            path,
            len(lines) + 1,
        )
    extra = [k for k in range(n, len(body)) if body[k].strip()]
    if extra:
        raise SeisfocError(
            f"line 2 declares {n} readings but more lines follow: correct the count",
            path,
            extra[0] + 3,
            1,
        )
    rows = [_parse_reading(body[k], path, k + 3) for k in range(n)]
    readings = AmplitudeReadings(
        station=[r[0] for r in rows],
        component=np.array([r[1] for r in rows], dtype="U2"),
        phase=np.array([r[2] for r in rows], dtype="U2"),
        distance_km=np.array([r[3] for r in rows], dtype=np.float64),
        azimuth_deg=np.array([r[4] for r in rows], dtype=np.float64),
        amplitude_microns=np.array([r[5] for r in rows], dtype=np.float64),
        radial_toward_source=True,
        path=path,
        line_numbers=np.arange(3, n + 3),
        columns=dict(READING_COLUMNS),
    )
    return InvradInput(title, depth, sigma, readings, path)


def _optional_real(text, decimals, path, line, column, what) -> float | None:
    if not text.strip():
        return None
    value = fortran_real(text, decimals, path, line, column, what)
    return None if value == 0.0 else value


def _parse_reading(line: str, path, lineno: int):
    if not line.strip():
        raise SeisfocError("blank line where a reading was expected", path, lineno, 1)
    if len(line.rstrip()) < _AMPLITUDE[0]:
        raise SeisfocError(
            f"short line ({len(line.rstrip())} characters): the amplitude belongs in "
            f"columns {_AMPLITUDE[0]}-{_AMPLITUDE[1]}",
            path,
            lineno,
            len(line.rstrip()) + 1,
        )
    station = _field(line, _STATION).strip()
    if not station:
        raise SeisfocError("station name (columns 2-5) is blank", path, lineno, _STATION[0])
    component = _field(line, _COMPONENT).strip().upper()
    phase = _field(line, _PHASE).strip().upper()
    if component not in COMPONENT_CODES:
        raise SeisfocError(
            f"unknown component {component!r} in column 7 (use Z, R or T)",
            path,
            lineno,
            _COMPONENT[0],
        )
    if phase not in PHASE_CODES:
        raise SeisfocError(
            f"unknown phase {phase!r} in columns 9-10 (use P, SV or SH)", path, lineno, _PHASE[0]
        )
    if (component, phase) not in VALID_PAIRS:
        raise SeisfocError(
            f"phase {phase} cannot be read on component {component} "
            "(valid: P on Z or R, SV on Z or R, SH on T)",
            path,
            lineno,
            _PHASE[0],
        )
    distance = fortran_real(_field(line, _DISTANCE), 2, path, lineno, _DISTANCE[0], "distance")
    azimuth = fortran_real(_field(line, _AZIMUTH), 2, path, lineno, _AZIMUTH[0], "azimuth")
    amplitude = fortran_real(_field(line, _AMPLITUDE), 4, path, lineno, _AMPLITUDE[0], "amplitude")
    for text, first, what in (
        (line[_DISTANCE[1] : _AZIMUTH[0] - 1], _DISTANCE[1] + 1, "distance and azimuth"),
        (line[_AZIMUTH[1] : _AMPLITUDE[0] - 1], _AZIMUTH[1] + 1, "azimuth and amplitude"),
    ):
        if text.strip():
            raise SeisfocError(
                f"unexpected text {text.strip()!r} between the {what} fields "
                "(format 1X,A4,1X,A1,1X,A2,1X,F6.2,4X,F7.2,3X,E12.4)",
                path,
                lineno,
                first + len(text) - len(text.lstrip()),
            )
    if line[_AMPLITUDE[1] :].strip():
        raise SeisfocError(
            f"unexpected text {line[_AMPLITUDE[1] :].strip()!r} after column {_AMPLITUDE[1]}",
            path,
            lineno,
            _AMPLITUDE[1] + 1,
        )
    if distance < 0:
        raise SeisfocError(f"negative distance {distance:g} km", path, lineno, _DISTANCE[0])
    if not 0.0 <= azimuth <= 360.0:
        raise SeisfocError(
            f"azimuth {azimuth:g} deg is outside 0-360 (event to station, clockwise from north)",
            path,
            lineno,
            _AZIMUTH[0],
        )
    return station, component, phase, distance, azimuth, amplitude


def format_invrad_inp(
    title: str, source_depth_km: float, sigma_microns: float, readings: AmplitudeReadings
) -> str:
    """An ``invrad.inp`` for these readings (R written positive toward the source)."""
    amp = readings.amplitudes_for(radial_toward_source=True)
    out = [title[:80], f"{len(readings):5d}{source_depth_km:5.1f}{sigma_microns:5.1f}"]
    for i in range(len(readings)):
        out.append(
            f" {readings.station[i][:4]:<4s} {readings.component[i]:1s} {readings.phase[i]:<2s} "
            f"{readings.distance_km[i]:6.2f}    {readings.azimuth_deg[i]:7.2f}   "
            f"{fortran_e(amp[i], 12, 4, leading_zero=False)}"
        )
    return "\n".join(out) + "\n"


def is_invrad_inp(source: str | os.PathLike[str] | bytes) -> bool:
    """Whether a file (a path, or its bytes) is an ``invrad.inp``: a title, a count line
    ``(I5,2F5.1)`` with a positive count, and as many reading lines as it declares whose
    component (column 7) is Z, R or T and phase (columns 9-10) P, SV or SH. Only the
    layout is looked at; :func:`read_invrad_inp` reports what is wrong in a file that has
    it. A path is read through :func:`seisfoc.fileio.read_input`.

    Returns
    -------
    bool
        ``True`` for an ``invrad.inp``.
    """
    data = source_bytes(source, "a file (invrad.inp?)")
    if b"\x00" in data:
        return False
    lines = data.decode("latin-1").replace("\r", "").split("\n")
    if len(lines) < 3 or len(lines[1].rstrip()) > 15:
        return False
    try:
        n = parse_int(lines[1][0:5], inner_blanks=False)
        parse_real(lines[1][5:10], 1, inner_blanks=False)
        parse_real(lines[1][10:15], 1, inner_blanks=False)
    except FieldError:
        return False
    if n is None or n <= 0 or len(lines) < n + 2:
        return False
    for line in lines[2 : n + 2]:
        component = _field(line, _COMPONENT).strip().upper()
        phase = _field(line, _PHASE).strip().upper()
        if (component, phase) not in VALID_PAIRS or len(line.rstrip()) > _AMPLITUDE[1]:
            return False
    return True


# ------------------------------------------------------------------ invrad.mod


def _number(
    text: str, path, line: int, column: int, what: str, require_point: bool = False
) -> float:
    """A number of ``invrad.mod`` (outer blanks only, ``D`` exponents allowed)."""
    s = text.strip()
    if not s:
        raise ModelError(f"{what} is missing (short line)", path, line, column)
    try:
        value = parse_real(s, inner_blanks=False)
    except FieldError as exc:
        raise ModelError(f"{what} {s!r} is {exc.reason}", path, line, column) from None
    if value is None:  # not blank (checked above), so never: for the type checker
        raise ModelError(f"{what} is missing (short line)", path, line, column)
    if require_point and "." not in s and "e" not in s.lower():
        raise ModelError(
            f"{what} {s!r} has no decimal point (the fixed format F10.4 would read it "
            f"as {value * 1e-4:g}); write {value:.4f}",
            path,
            line,
            column,
        )
    return value


def read_invrad_model(path, vp_vs: float = INVRAD_VP_VS) -> LayeredModel:
    """Read a legacy ``invrad.mod`` (see the module doc).

    Columns 1-10 depth (km), 11-20 Vp (km/s), optional 21-30 Vs (km/s). Blank lines are
    skipped. Errors (:class:`ModelError`) give file, line and column.
    """
    from seisfoc.fileio import read_input

    path = os.fspath(path)
    data = read_input(path, what="a velocity model file", error=ModelError)
    lines = data.decode("ascii", errors="replace").splitlines()
    points: list[tuple[float, float, float, int]] = []
    for lineno, raw in enumerate(lines, start=1):
        text = raw.rstrip().replace("\t", " ")
        if not text.strip():
            continue
        if len(text) <= 10 or not text[10:20].strip():
            raise ModelError("short line: expected Vp (km/s) in columns 11-20", path, lineno, 11)
        depth = _number(text[0:10], path, lineno, 1, "depth", require_point=True)
        vp = _number(text[10:20], path, lineno, 11, "Vp", require_point=True)
        vs_field = text[20:30]
        if vs_field.strip():
            vs = _number(vs_field, path, lineno, 21, "Vs", require_point=True)
        else:
            vs = vp / vp_vs
        if len(text) > 30 and text[30:].strip():
            raise ModelError(
                f"unexpected text {text[30:].strip()!r} after column 30", path, lineno, 31
            )
        if depth < 0.0:
            raise ModelError(f"negative depth {depth:g} km", path, lineno, 1)
        if vp <= 0.0:
            raise ModelError(f"velocity must be positive, got Vp = {vp:g} km/s", path, lineno, 11)
        if vs <= 0.0:
            raise ModelError(f"velocity must be positive, got Vs = {vs:g} km/s", path, lineno, 21)
        if vs >= vp:
            raise ModelError(f"Vs {vs:g} km/s is not smaller than Vp {vp:g} km/s", path, lineno, 21)
        if not points:
            if depth != 0.0:
                raise ModelError(
                    f"the first line must be the free surface (depth 0.0), not {depth:g} km",
                    path,
                    lineno,
                    1,
                )
        else:
            prev = points[-1][0]
            if depth < prev:
                raise ModelError(
                    f"depth going backwards: {depth:g} km after {prev:g} km", path, lineno, 1
                )
            if len(points) >= 2 and depth == prev == points[-2][0]:
                raise ModelError(f"more than two lines at depth {depth:g} km", path, lineno, 1)
        points.append((depth, vp, vs, lineno))
    if not points:
        raise ModelError("the velocity model is empty", path)
    ztop, vpt, vpb, vst, vsb = [], [], [], [], []
    for (z0, p0, s0, _), (z1, p1, s1, _) in zip(points[:-1], points[1:], strict=True):
        if z1 > z0:
            ztop.append(z0)
            vpt.append(p0)
            vpb.append(p1)
            vst.append(s0)
            vsb.append(s1)
    zl, pl, sl, _ = points[-1]
    ztop.append(zl)
    vpt.append(pl)
    vpb.append(pl)
    vst.append(sl)
    vsb.append(sl)
    return LayeredModel.from_arrays(
        ztop, vpt, vpb, vst, vsb, vp_vs=vp_vs, bottom_km=points[-1][0], source=path
    )


def read_model(path, vp_vs: float = INVRAD_VP_VS) -> LayeredModel:
    """Read ``STATION*.HYP`` (by name) or otherwise an ``invrad.mod``-style file."""
    name = os.path.basename(os.fspath(path)).upper()
    if name.startswith("STATION") and name.endswith(".HYP"):
        from seisfoc.io.station0 import read_station0_model

        return read_station0_model(path)
    return read_invrad_model(path, vp_vs=vp_vs)


# ------------------------------------------------------------------ invrad.out


def error_field(value: float, width: int, decimals: int) -> str:
    """A standard deviation in ``Fw.d``, or ``unres``/``unresolved`` where it is unresolved.

    Unresolved means NaN (see ``seisfoc.amplitude``: a rank-deficient or meaningless
    error) or too large for the field, which Fortran would fill with asterisks.
    """
    if math.isfinite(value):
        text = fortran_f(value, width, decimals)
        if "*" not in text:
            return text
    return ("unresolved" if width >= 10 else "unres").rjust(width)


def crustal_model_lines(model, source_depth_km: float) -> list[str]:
    """INVRAD's crustal model table: layers split at the source, the half-space left out.

    Columns VTOPP, VTOPS, GRP (P gradient, 1/s), TH (thickness), DEPTOP, each 10 wide.
    """
    split = model.split(source_depth_km)
    z = split.depth_top_km
    lines = [
        "                *****CRUSTAL MODEL*****",
        "      VTOPP     VTOPS     GRP       TH       DEPTOP",
    ]
    grad = split.gradient("P")
    for j in range(split.n_layers - 1):
        thickness = z[j + 1] - z[j]
        lines.append(
            fortran_f(split.vp_top[j], 10, 2)
            + fortran_f(split.vs_top[j], 10, 2)
            + fortran_f(grad[j], 10, 5)
            + fortran_f(thickness, 10, 2)
            + fortran_f(z[j], 10, 2)
        )
    return lines


def _matrix_lines(matrix) -> list[str]:
    out = []
    for row in np.atleast_2d(matrix):
        if row.size == 0:
            out.append("")
            continue
        out.append(fortran_f(row[0], 6, 3) + "".join(fortran_f(v, 7, 3) for v in row[1:]))
    return out


def invrad_header_lines(model, source_depth_km: float) -> list[str]:
    """The source depth and crustal model block that starts every invrad.out."""
    return [
        f" Source depth:{fortran_f(source_depth_km, 6, 2)} km",
        "  ",
        *crustal_model_lines(model, source_depth_km),
    ]


def plane_line(strike, dip, rake, errors) -> str:
    """``STRIKE= ... +- ...  DIP= ... RAKE= ...`` with the rake in [0, 360) (EEV reads it)."""
    rake360 = float(rake) % 360.0
    return (
        "STRIKE="
        + fortran_f(float(strike), 7, 2)
        + " +-"
        + error_field(float(errors[0]), 7, 2)
        + "  DIP="
        + fortran_f(float(dip), 6, 2)
        + " +-"
        + error_field(float(errors[1]), 6, 2)
        + "  RAKE="
        + fortran_f(rake360, 7, 2)
        + " +-"
        + error_field(float(errors[2]), 7, 2)
    )


def format_invrad_out(inp: InvradInput, model, source_depth_km: float, solution) -> str:
    """INVRAD's report in the original layout (``reference/amplitudes/*/invrad.out.reference``).

    ``solution`` is a :class:`seisfoc.amplitude.AmplitudeSolution`. The amplitudes are
    printed in the file's own radial convention (positive toward the source).
    """
    fit = solution.fit
    readings = inp.readings
    same = solution.radial_toward_source
    flip = np.where((readings.component == "R") & (not same), -1.0, 1.0)
    observed = readings.amplitudes_for(radial_toward_source=True)
    mt_calc = fit.predicted * flip
    dc_calc = solution.dc_predicted * flip
    errors = solution.legacy_plane_errors
    lines = invrad_header_lines(model, source_depth_km)
    lines += [" ", " Inversion results for:", inp.title[:40].ljust(40), " "]
    for k in range(2):
        strike, dip, rake = solution.planes[k]
        lines.append(plane_line(strike, dip, rake, errors[k]))
    lines.append(
        " EVENT MOMENT="
        + fortran_f(solution.moment, 10, 2)
        + " +-"
        + error_field(solution.moment_error, 10, 2)
        + " x E16 DYNE-CM"
    )
    lines.append(
        "    CLVD MOMENT FROM MOMENT TENSOR="
        + fortran_f(solution.moment_clvd, 10, 2)
        + " x E16 DYNE-CM"
    )
    lines += [" ", " STA  C PS  DIST    AZ      AMP OBS    MT AMP CALC          DC AMP CALC"]
    for i in range(len(readings)):
        lines.append(
            " "
            + readings.station[i][:4].ljust(4)
            + " "
            + readings.component[i][:1]
            + " "
            + readings.phase[i][:2].ljust(2)
            + fortran_f(readings.distance_km[i], 6, 2)
            + fortran_f(readings.azimuth_deg[i], 8, 2)
            + fortran_e(observed[i], 13, 5)
            + fortran_e(mt_calc[i], 13, 5)
            + fortran_e(dc_calc[i], 13, 5)
        )
    lines.append("  MT RMS error=" + fortran_e(fit.rms_microns, 12, 5) + " microns")
    lines.append("  DC RMS error=" + fortran_e(solution.dc_rms_microns, 12, 5) + " microns")
    lines.append(" MODEL RESOLUTION MATRIX")
    lines += _matrix_lines(fit.model_resolution)
    lines += data_resolution_lines(fit.data_resolution)
    lines += [" ", " "]
    return "\n".join(lines) + "\n"


def data_resolution_lines(data_resolution) -> list[str]:
    """The data resolution block: the full matrix as INVRAD printed it, or its diagonal.

    Up to ``FULL_DATA_RESOLUTION_MAX`` readings (all INVRAD could hold, and every
    reference case) the layout is the original's. Beyond that the N x N matrix grows as
    N^2 (7 MB for 1000 readings) and nobody reads it: its diagonal (each reading's
    leverage, what the matrix is read for) is printed instead, 10 values per line in
    reading order, under a header that says so. ``data_resolution`` is the matrix, or
    beyond ``FULL_DATA_RESOLUTION_MAX`` readings its diagonal alone (1-D: the N x N matrix
    is never built then).
    """
    r = np.asarray(data_resolution)
    if r.ndim == 1 and r.size > FULL_DATA_RESOLUTION_MAX:
        diag, n = r, r.size
    else:
        r = np.atleast_2d(r)
        n = r.shape[0]
        if n <= FULL_DATA_RESOLUTION_MAX:
            return [" ", " DATA RESOLUTION MATRIX", *_matrix_lines(r)]
        diag = np.diagonal(r)
    lines = [
        " ",
        f" DATA RESOLUTION MATRIX, DIAGONAL ONLY ({n} readings: the full matrix is printed "
        f"up to {FULL_DATA_RESOLUTION_MAX})",
    ]
    for k in range(0, n, 10):
        lines += _matrix_lines(diag[k : k + 10][None, :])
    return lines


def format_invrad_failure(model, source_depth_km: float, message: str) -> str:
    """invrad.out when no solution exists: the header and the reason (no STRIKE= line)."""
    lines = invrad_header_lines(model, source_depth_km)
    lines += ["  ERROR: " + message, " "]
    return "\n".join(lines) + "\n"
