"""Column decoding of Nordic lines, as SEISAN's Fortran reads them.

Number fields are read with blanks as nulls (``"0 10.0"`` is 10.0); a blank field is
``None``; a field that is not a number raises :class:`~seisfoc.errors.NordicError` naming
the file, the line and the first column of the field. Phase lines are decoded into plain
tuples in :data:`PHASE_FIELDS` order (old Nordic and Nordic2 column layouts); the records
of :mod:`seisfoc.io.nordic.records` are built on them.
"""

from __future__ import annotations

import math
import struct

from seisfoc.errors import NordicError
from seisfoc.io.fortran_fields import FieldError, parse_int, parse_real

NORDIC1, NORDIC2 = 1, 2

POLARITIES = frozenset("CUD+-")

_PHASE_FIELDS = (
    "station",
    "component",
    "network",
    "location",
    "quality",
    "phase",
    "weight_indicator",
    "automatic",
    "polarity",
    "hour",
    "minute",
    "second",
    "coda_s",
    "amplitude_nm",
    "period_s",
    "backazimuth_deg",
    "apparent_velocity",
    "ain_deg",
    "backazimuth_residual",
    "time_residual_s",
    "weight",
    "distance_km",
    "caz_deg",
    "agency",
    "operator",
    "snr",
)
_POLARITY_INDEX = _PHASE_FIELDS.index("polarity")

# characters a number field may hold; anything else is garbage (rejects nan, inf, 1_0, tabs)
_NUMBER_CHARS = b"0123456789.+-eE "


def _decode(b: bytes) -> str:
    return b.decode("latin-1").strip()


def _field_error(path, line_number, start, name, text, what) -> NordicError:
    shown = text.decode("latin-1")
    return NordicError(
        f"{name} is not {what}: {shown!r}", path=path, line=line_number, column=start + 1
    )


def _fortran_number(s: bytes, kind: str):
    """A number field read as Fortran does with blanks as nulls; ``None`` when blank
    (:mod:`seisfoc.io.fortran_fields`: ``"0 10.0"`` is 10.0, as SEISAN reads it; only
    ``E`` exponents; no implied decimals). Anything else raises ``ValueError``."""
    if kind == "i":
        return parse_int(s)
    return parse_real(s, d_exponent=False)


def _get_float(body: bytes, start: int, end: int, name: str, path, line_number):
    s = body[start:end]
    try:
        return _fortran_number(s, "f")
    except ValueError:
        raise _field_error(path, line_number, start, name, s, "a number") from None


def _get_int(body: bytes, start: int, end: int, name: str, path, line_number):
    s = body[start:end]
    try:
        return _fortran_number(s, "i")
    except ValueError:
        raise _field_error(path, line_number, start, name, s, "an integer") from None


def _soft_float(s: bytes):
    try:
        return _fortran_number(s, "f")
    except ValueError:
        return None


def _soft_int(s: bytes):
    try:
        return _fortran_number(s, "i")
    except ValueError:
        return None


def _plain_floats(fields) -> list | None:
    """The fields read with ``float`` (blank = ``None``) when every one is a plain number
    (number characters only, no inner blank: the value :func:`_fortran_number` gives),
    else ``None`` so that the caller reads them field by field."""
    if b"".join(fields).translate(None, _NUMBER_CHARS):
        return None
    try:
        out = [None if f.isspace() else float(f) for f in fields]
    except ValueError:
        return None
    # an overflow (1E999) is no number: field by field, where it is named
    return out if math.isfinite(sum(v for v in out if v is not None)) else None


# --------------------------------------------------------------------------------------
# phase lines
# --------------------------------------------------------------------------------------

# old Nordic: (name, start, end, kind) of every number field, 0-based slices
_OLD_NUMBERS = (
    ("hour", 18, 20, "i"),
    ("minute", 20, 22, "i"),
    ("seconds", 22, 28, "f"),
    ("coda duration", 29, 33, "f"),
    ("amplitude", 33, 40, "f"),
    ("period", 41, 45, "f"),
    ("back-azimuth", 46, 51, "f"),
    ("apparent velocity", 52, 56, "f"),
    ("AIN", 56, 60, "f"),
    ("back-azimuth residual", 60, 63, "f"),
    ("travel-time residual", 63, 68, "f"),
    ("weight", 68, 70, "i"),
    ("distance", 70, 75, "f"),
    ("CAZ", 76, 79, "i"),
)
_OLD_STRUCT = struct.Struct(
    "x5s2s1s1s4s1s1s1s1s"  # station .. col 18 (0..17)
    "2s2s6sx4s7sx4sx5sx4s4s3s5s2s5sx3s"  # hour .. CAZ (18..78)
)
# Nordic2
_NEW_NUMBERS: tuple[tuple[str, int, int, str], ...] = (
    ("hour", 26, 28, "i"),
    ("minute", 28, 30, "i"),
    ("seconds", 31, 37, "f"),
    ("PAR1", 37, 44, "f"),
    ("PAR2", 44, 50, "f"),
    ("AIN", 58, 63, "f"),
    ("residual", 63, 68, "f"),
    ("weight", 68, 70, "i"),
    ("distance", 70, 75, "f"),
    ("CAZ", 76, 79, "i"),
)
_NEW_STRUCT = struct.Struct(
    "x5s3sx2s2sx1s8s1s1s"  # station .. automatic (0..25)
    "2s2sx6s7s6sx3sx3s5s5s2s5sx3s"  # hour .. CAZ (26..78)
)
_NEW_NUMBERS_POLARITY = tuple(
    ("PAR1", 37, 43, "f") if name == "PAR1" else (name, a, b, k) for name, a, b, k in _NEW_NUMBERS
)
_DIGIT_OR_BLANK = (frozenset(b" 0123456789"), frozenset(b" .0123456789"))


def _slow_numbers(body: bytes, specs, path, n: int) -> tuple:
    """The number fields of a phase line read one by one (blanks as nulls), or the error
    for the first bad one."""
    values = []
    for name, a, b, kind in specs:
        s = body[a:b]
        try:
            values.append(_fortran_number(s, kind))
        except ValueError:
            what = "an integer" if kind == "i" else "a number"
            raise _field_error(path, n, a, name, s, what) from None
    return tuple(values)


def parse_old_phase(body: bytes, n: int, path, ain_is_snr: bool) -> tuple:
    """The field values of an old-Nordic phase line, in ``_PHASE_FIELDS`` order."""
    body80 = body if len(body) >= 80 else body.ljust(80)
    (
        sta,
        comp,
        c9,
        qual,
        ph,
        wi,
        auto,
        pol,
        c18,
        hh,
        mm,
        ss,
        coda,
        amp,
        per,
        baz,
        vel,
        ain,
        bres,
        tres,
        wt,
        dist,
        caz,
    ) = _OLD_STRUCT.unpack_from(body80)
    numbers = hh + mm + ss + coda + amp + per + baz + vel + ain + bres + tres + wt + dist + caz
    if numbers.translate(None, _NUMBER_CHARS):
        _slow_numbers(body80, _OLD_NUMBERS, path, n)  # raises for the bad field
    try:
        values = (
            None if hh.isspace() else int(hh),
            None if mm.isspace() else int(mm),
            None if ss.isspace() else float(ss),
            None if coda.isspace() else float(coda),
            None if amp.isspace() else float(amp),
            None if per.isspace() else float(per),
            None if baz.isspace() else float(baz),
            None if vel.isspace() else float(vel),
            None if ain.isspace() else float(ain),
            None if bres.isspace() else float(bres),
            None if tres.isspace() else float(tres),
            None if wt.isspace() else int(wt),
            None if dist.isspace() else float(dist),
            None if caz.isspace() else int(caz),
        )
    except ValueError:
        values = _slow_numbers(body80, _OLD_NUMBERS, path, n)
    if not math.isfinite(sum(v for v in values if v is not None)):
        values = _slow_numbers(body80, _OLD_NUMBERS, path, n)  # raises for an overflow
    wi0 = wi[0]
    if wi0 not in _DIGIT_OR_BLANK[0] or c18 != b" ":
        # long phase name in columns 11-18, its weight in column 9
        phase = body80[10:18].decode("latin-1").strip()
        weight_indicator = c9.decode("latin-1").strip()
        automatic = False
        polarity = ""
    else:
        phase = ph.decode("latin-1").strip()
        weight_indicator = "" if wi0 == 32 else chr(wi0)
        automatic = auto == b"A"
        p = pol.decode("latin-1")
        polarity = p if p in POLARITIES else ""
    ain_value = values[8]
    snr = None
    if ain_is_snr:
        snr, ain_value = ain_value, None
    return (
        sta.decode("latin-1").strip(),
        comp.decode("latin-1").strip(),
        "",
        "",
        qual.decode("latin-1").strip(),
        phase,
        weight_indicator,
        automatic,
        polarity,
        *values[:8],
        ain_value,
        *values[9:],
        "",
        "",
        snr,
    )


def _new_kind(phase: bytes) -> str:
    """What PAR1/PAR2 hold in a Nordic2 line: ``amp``, ``baz``, ``coda`` or ``phase``."""
    name = phase.lstrip()
    if name.startswith(b"BAZ"):
        return "baz"
    if name.startswith(b"END"):
        return "coda"
    if name[:1] in (b"A", b"V") or name[:3] in (b"IAM", b"IVM"):
        return "amp"
    return "phase"


def parse_new_phase(body: bytes, n: int, path, ain_is_snr: bool) -> tuple:
    """The field values of a Nordic2 phase line, in ``_PHASE_FIELDS`` order."""
    body80 = body if len(body) >= 80 else body.ljust(80)
    (
        sta,
        cha,
        net,
        loc,
        qual,
        ph,
        wi,
        auto,
        hh,
        mm,
        ss,
        par1,
        par2,
        agency,
        operator,
        ain,
        res,
        wt,
        dist,
        caz,
    ) = _NEW_STRUCT.unpack_from(body80)
    kind = _new_kind(ph)
    polarity = ""
    specs = _NEW_NUMBERS
    if kind == "phase" and par1[6] not in _DIGIT_OR_BLANK[1]:
        # column 44 holds the polarity of a P reading; PAR1 is then columns 38-43
        p = chr(par1[6])
        polarity = p if p in POLARITIES else ""
        par1 = par1[:6]
        specs = _NEW_NUMBERS_POLARITY
    numbers = hh + mm + ss + par1 + par2 + ain + res + wt + dist + caz
    if numbers.translate(None, _NUMBER_CHARS):
        _slow_numbers(body80, specs, path, n)  # raises for the bad field
    try:
        hour = None if hh.isspace() else int(hh)
        minute = None if mm.isspace() else int(mm)
        second = None if ss.isspace() else float(ss)
        p1 = None if par1.isspace() else float(par1)
        p2 = None if par2.isspace() else float(par2)
        ain_value = None if ain.isspace() else float(ain)
        residual = None if res.isspace() else float(res)
        weight = None if wt.isspace() else int(wt)
        distance = None if dist.isspace() else float(dist)
        caz_value = None if caz.isspace() else int(caz)
    except ValueError:
        (hour, minute, second, p1, p2, ain_value, residual, weight, distance, caz_value) = (
            _slow_numbers(body80, specs, path, n)
        )
    coda = amp = period = baz = vel = bres = tres = None
    if kind == "amp":
        amp, period, tres = p1, p2, residual
    elif kind == "baz":
        baz, vel, bres = p1, p2, residual
    elif kind == "coda":
        coda, tres = p1, residual
    else:
        tres = residual
    snr = None
    if ain_is_snr:
        snr, ain_value = ain_value, None
    return (
        sta.decode("latin-1").strip(),
        cha.decode("latin-1").strip(),
        net.decode("latin-1").strip(),
        loc.decode("latin-1").strip(),
        qual.decode("latin-1").strip(),
        ph.decode("latin-1").strip(),
        wi.decode("latin-1").strip(),
        auto == b"A",
        polarity,
        hour,
        minute,
        second,
        coda,
        amp,
        period,
        baz,
        vel,
        ain_value,
        bres,
        tres,
        weight,
        distance,
        caz_value,
        agency.decode("latin-1").strip(),
        operator.decode("latin-1").strip(),
        snr,
    )


def quick_polarity(raw: bytes, fmt: int) -> str:
    """The polarity of a phase line without decoding the rest of it."""
    if fmt == NORDIC2:
        c = raw[43:44]
        if c in _POLARITY_BYTES and _new_kind(raw[16:24]) == "phase":
            return _POLARITY_STR[c]
        return ""
    c = raw[16:17]
    if c in _POLARITY_BYTES and raw[14:15] in _WEIGHT_BYTES and raw[17:18] in (b" ", b""):
        return _POLARITY_STR[c]
    return ""


_POLARITY_STR = {p.encode(): p for p in POLARITIES}
_POLARITY_BYTES = frozenset(_POLARITY_STR)
_WEIGHT_BYTES = frozenset([b" ", *(bytes([d]) for d in b"0123456789")])


def _check_phase_lines(rows, fmt: int, path) -> None:
    """Raise :class:`NordicError` for the first number field of a phase line that holds a
    character no number has (a letter, a tab, a stray byte).

    One ``translate`` call checks the number columns of all phase lines of the event; only
    when it finds something are the lines read field by field to name the column. A field
    of number characters in an impossible order (``1.2.3``) is reported, with its column,
    when the line is decoded. Nordic2 column 44 (polarity or last digit of PAR1) is checked
    then too.
    """
    if fmt == NORDIC2:
        region = b"".join([b[26:43] + b[44:50] + b[58:79] for _n, b in rows])
        specs = _NEW_NUMBERS_POLARITY
    else:
        region = b"".join([b[18:79] for _n, b in rows])
        specs = _OLD_NUMBERS
    if not region.translate(None, _NUMBER_CHARS):
        return
    for n, b in rows:
        _slow_numbers(b.ljust(80), specs, path, n)  # raises for the first bad field


# --------------------------------------------------------------------------------------
# polarity readings: the one selection of first-motion polarities, two modes
# --------------------------------------------------------------------------------------

#: PINV's (SEISAN's) reading of AIN: (columns, implied decimals, first column) per format
#: (FORMATS.md section 1: old Nordic ``F3.0`` in 58-60, Nordic2 ``F5.1`` in 59-63)
_SEISAN_AIN = {NORDIC1: (slice(57, 60), 0, 58), NORDIC2: (slice(58, 63), 1, 59)}
_PLAIN_DIGITS = b"0123456789.+- "


def _seisan_sign(b: bytes, nordic2: bool) -> str:
    """``"C"``, ``"D"`` or ``""``: the polarity the original PINV takes from an 80-column
    line. Old Nordic: column 11 ``P`` and column 17 ``C`` or ``D``. Nordic2: column 44
    ``C`` on P phases (column 17 ``P``) and ``D`` on any phase (the original's precedence
    slip). Column 80 must be blank (a phase line)."""
    if b[79:80] != b" ":
        return ""
    if nordic2:
        pol = b[43:44]
        if pol == b"D" or (pol == b"C" and b[16:17] == b"P"):
            return pol.decode()
        return ""
    if b[10:11] != b"P":
        return ""
    pol = b[16:17]
    return pol.decode() if pol in (b"C", b"D") else ""


def _seisan_angle(text: bytes, decimals: int, name: str, path, n: int, column: int):
    """An angle as the original's Fortran reads it (``None`` when blank)."""
    if not text.translate(None, _PLAIN_DIGITS) and b" " not in text.strip():
        if text.isspace():
            return None
        if not decimals or b"." in text:
            try:
                return float(text)
            except ValueError:
                pass
    try:
        return parse_real(text, decimals)
    except FieldError as exc:
        raise NordicError(f"{name} {exc.text!r} is {exc.reason}", path, n, column) from None


def _seisan_rows(rows, fmt: int, path, phase_prefix: str) -> list[tuple]:
    nordic2 = fmt == NORDIC2
    ain_cols, decimals, ain_column = _SEISAN_AIN[fmt]
    name_cols = slice(16, 24) if nordic2 else slice(10, 14)
    out = []
    for n, raw in rows:
        if len(raw) < 17:
            continue
        b = raw if len(raw) >= 80 else raw.ljust(80)
        pol = _seisan_sign(b, nordic2)
        if not pol:
            continue
        phase = b[name_cols].decode("latin-1").strip()
        if not phase.startswith(phase_prefix) and not (nordic2 and pol == "D"):
            continue
        ain = _seisan_angle(b[ain_cols], decimals, "AIN", path, n, ain_column)
        caz = _seisan_angle(b[76:79], 0, "CAZ", path, n, 77)
        out.append((n, pol, phase, b[1:6].decode("latin-1").strip(), ain, caz))
    return out


def _modern_rows(rows, fmt: int, path, ain_is_snr: bool, phase_prefix: str) -> list[tuple]:
    if fmt == NORDIC2:
        layout = (43, slice(16, 24), slice(58, 63), parse_new_phase)
    else:
        layout = (16, slice(10, 14), slice(56, 60), parse_old_phase)
    pol_col, phase_cols, ain_cols, parse_line = layout
    nordic2 = fmt == NORDIC2
    snr = ain_is_snr
    pol_bytes, pol_str, number_chars = _POLARITY_BYTES, _POLARITY_STR, _NUMBER_CHARS
    weight_bytes = _WEIGHT_BYTES
    out = []
    for n, raw in [r for r in rows if r[1][pol_col : pol_col + 1] in pol_bytes]:
        if nordic2:
            if _new_kind(raw[16:24]) != "phase":
                continue
        elif raw[14:15] not in weight_bytes or raw[17:18] not in (b" ", b""):
            continue  # a long phase name runs over the weight and polarity columns
        b = raw if len(raw) >= 80 else raw.ljust(80)
        phase = b[phase_cols].decode("latin-1").strip()
        if not phase.startswith(phase_prefix):
            continue
        a, z = b[ain_cols], b[76:79]
        try:
            if (a + z).translate(None, number_chars):
                raise ValueError
            ain = None if snr or a.isspace() else float(a)
            caz = None if z.isspace() else int(z)
        except ValueError:
            v = parse_line(raw, n, path, snr)
            ain, caz = v[17], v[22]
        c = raw[pol_col : pol_col + 1]
        out.append((n, pol_str[c], phase, b[1:6].decode("latin-1").strip(), ain, caz))
    return out


def polarity_rows(
    rows,
    nordic_format: int,
    *,
    mode: str = "modern",
    phase_prefix: str = "P",
    path=None,
    ain_is_snr: bool = False,
) -> list[tuple]:
    """The first-motion polarity readings of phase lines: one selection for every program.

    Parameters
    ----------
    rows
        ``(line_number, line)`` pairs, lines without their endings.
    nordic_format
        :data:`NORDIC1` or :data:`NORDIC2`.
    mode
        ``"modern"``: every phase line with a polarity (``C U D + -``) whose phase name
        starts with ``phase_prefix`` (case matters: ``pP`` is not a direct P), AIN and
        CAZ as the line's :class:`~seisfoc.io.nordic.records.Phase` record reads them.
        ``"seisan"``: the lines SEISAN's PINV takes (old Nordic: column 11 ``P`` and
        column 17 ``C``/``D``; Nordic2: column 44 ``C`` on P phases, ``D`` on any phase),
        AIN read as PINV reads it (old Nordic ``F3.0`` in columns 58-60, Nordic2 ``F5.1``
        in 59-63, implied decimal); ``phase_prefix`` is not applied to Nordic2 ``D``
        lines, as in the original.
    phase_prefix
        The start of the phase names selected (``""`` for every phase).
    path
        The file, for error messages.
    ain_is_snr
        The type-7 line names the AIN column SNR (modern mode: AIN is then ``None``).

    Returns
    -------
    list of tuple
        ``(line_number, polarity, phase, station, ain_deg, caz_deg)`` in file order;
        ``ain_deg``/``caz_deg`` are ``None`` when blank. A bad AIN or CAZ raises
        :class:`~seisfoc.errors.NordicError` naming the line and column.
    """
    if mode == "seisan":
        return _seisan_rows(rows, nordic_format, path, phase_prefix)
    if mode != "modern":
        raise ValueError(f"mode must be 'modern' or 'seisan', not {mode!r}")
    return _modern_rows(rows, nordic_format, path, ain_is_snr, phase_prefix)


# --------------------------------------------------------------------------------------
# events and their format
# --------------------------------------------------------------------------------------

#: the start of the type-7 help line SEISAN's PINV takes for Nordic2 (any other: old)
_SEISAN_NORDIC2_HELP = b" STAT COM NTLO IPHASE"


def detect_format(help_line: bytes, mode: str = "modern") -> int | None:
    """The format a type-7 help line announces, or ``None`` when it is neither.

    ``mode="seisan"`` is SEISAN's PINV's test: Nordic2 when the line starts with
    `` STAT COM NTLO IPHASE``, old Nordic otherwise (never ``None``).
    """
    body = help_line[:80]
    if mode == "seisan":
        return NORDIC2 if body.startswith(_SEISAN_NORDIC2_HELP) else NORDIC1
    if body[6:9] == b"COM" or b"PAR1" in body or b"NTLO" in body:
        return NORDIC2
    if body[6:8] == b"SP" or b"SECON" in body or b"AMPLIT" in body:
        return NORDIC1
    return None


def _split_blocks(lines: list[bytes]) -> list[tuple[int, list[bytes]]]:
    """Group lines into events: an event ends with a blank line.

    Blank lines before the first event belong to it, blank lines after an event's
    terminating one belong to that event. Returns ``(index of first line, lines)``.
    Only the blank lines are visited.
    """
    blocks: list[tuple[int, list[bytes]]] = []
    start = 0
    prev = -1
    for i in [i for i, ln in enumerate(lines) if ln.isspace()]:
        if i > prev + 1:  # content since the previous blank line: the event ends here
            blocks.append((start, lines[start : i + 1]))
            start = i + 1
        elif blocks and start == i:  # a further blank line after an event
            blocks[-1][1].append(lines[i])
            start = i + 1
        # else: a blank line before the first event, kept for it
        prev = i
    if len(lines) > prev + 1:
        blocks.append((start, lines[start:]))
    # else: trailing blank lines went to the last event; a file of blank lines holds none
    return blocks


# --------------------------------------------------------------------------------------
# columns as written, for readers that check what a line says beyond its values
# --------------------------------------------------------------------------------------

#: first column (1-based) of a phase line's amplitude field
AMPLITUDE_COLUMN = {NORDIC1: 34, NORDIC2: 38}


def amplitude_text(raw: bytes, nordic_format: int) -> str:
    """The amplitude field of a phase line as written (old Nordic columns 34-40, Nordic2
    38-44), stripped: an explicit ``+`` or ``-`` before the number is kept."""
    start = AMPLITUDE_COLUMN[nordic_format] - 1
    return raw[start : start + 7].decode("latin-1").strip()


def weight_column(raw: bytes, nordic_format: int | None) -> int:
    """The column of a phase line's weighting indicator: old Nordic 15, or 9 when a
    non-digit in column 15 makes the phase name a long one (columns 11-18); Nordic2 25."""
    if nordic_format != NORDIC1:
        return 25
    c15 = raw[14:15]
    return 15 if c15 in (b" ", b"") or c15.isdigit() else 9


def short_phase_text(raw: bytes) -> str:
    """Old Nordic columns 11-14 (the short phase name) as written."""
    return raw[10:14].decode("latin-1")
