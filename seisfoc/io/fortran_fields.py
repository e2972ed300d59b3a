"""Fortran fixed-column fields: the one number reader and the one edit-descriptor writer.

Every file format of the suite that SEISAN or Ebel's programs read with Fortran formats
(Nordic, ``STATION0.HYP``, ``SEISAN.DEF``, ``invrad.inp``, ``invrad.mod``, PINV's and
INVRAD's reports) reads and writes its numbers here, so that a field means the same in
every format.

Reading (``Fw.d``, ``Ew.d``, ``Iw`` input):

- blanks inside a field are ignored, as Fortran reads files (``BN``): ``"0 10.0"`` is
  10.0; ``inner_blanks=False`` makes an inner blank an error instead (free-format tokens);
- a field without a decimal point gets the format's ``d`` implied decimals: ``"123"`` read
  as ``F5.1`` is 12.3, ``"12E-2"`` as ``E12.4`` is 1.2e-5;
- ``D`` is an exponent letter as ``E`` is;
- anything that is not a plain decimal number (letters, ``nan``, ``inf``, ``1_0``, a
  tab) raises :class:`FieldError`, a ``ValueError``; callers turn it into the
  :class:`~seisfoc.errors.SeisfocError` of their format, naming file, line and column
  (:func:`read_real` does it with a standard message);
- a blank field is ``None`` (:func:`parse_real`, :func:`parse_int`).

Writing (``Fw.d``, ``Ew.d``, ``Iw`` output, as gfortran writes them): right-justified;
a value that does not fit fills the field with asterisks; ``F`` drops the leading zero
when that makes it fit (``-.50`` in ``F4.2``); ``NaN`` and ``Infinity`` are written as
text. ``single=True`` rounds to single precision first (``REAL*4`` programs such as PINV).

Only the standard library is imported: the drop-in ``pinv`` reads with this module at
start-up.
"""

from __future__ import annotations

import math
import re
import struct

from seisfoc.errors import SeisfocError

__all__ = [
    "FieldError",
    "parse_real",
    "parse_int",
    "read_real",
    "fortran_f",
    "fortran_e",
    "fortran_i",
    "single_precision",
]

_REAL = re.compile(r"([+-]?)(\d+\.?\d*|\.\d+)(?:[eEdD]([+-]?\d+))?")
_INT = re.compile(r"[+-]?\d+")
_FLOAT32 = struct.Struct("f")


class FieldError(ValueError):
    """A field that is not a number of its kind (``reason`` says what is wrong)."""

    def __init__(self, text: str, reason: str = "not a number") -> None:
        super().__init__(f"{text!r} is {reason}")
        self.text = text
        self.reason = reason


def _text(field: str | bytes) -> str:
    return field.decode("latin-1") if isinstance(field, bytes | bytearray) else field


def _squeeze(field: str | bytes, inner_blanks: bool) -> str:
    text = _text(field)
    if inner_blanks:
        return text.replace(" ", "")
    text = text.strip(" ")
    if " " in text:
        raise FieldError(text)
    return text


def parse_real(
    field: str | bytes,
    decimals: int = 0,
    *,
    inner_blanks: bool = True,
    d_exponent: bool = True,
    finite: bool = True,
) -> float | None:
    """A real field as Fortran reads it (see the module doc); ``None`` when blank.

    Parameters
    ----------
    field
        The characters of the field (``str`` or Latin-1 ``bytes``).
    decimals
        ``d`` of the ``Fw.d``/``Ew.d`` format: implied decimals of a number written
        without a decimal point.
    inner_blanks
        Ignore blanks inside the field (Fortran's ``BN``); ``False`` makes them an error.
    d_exponent
        Accept ``D`` as exponent letter (``False``: only ``E``, as Nordic files).
    finite
        Refuse a value that overflows to infinity (``1E999``).

    Returns
    -------
    float or None
        The value, ``None`` for a blank field. Raises :class:`FieldError` for anything
        else that is not a number.
    """
    text = _squeeze(field, inner_blanks)
    if not text:
        return None
    m = _REAL.fullmatch(text)
    if m is None or (not d_exponent and ("D" in text or "d" in text)):
        raise FieldError(text)
    if m.group(3) is not None:
        text = text.replace("D", "E").replace("d", "e")
    value = float(text)
    if decimals and "." not in m.group(2):
        value /= 10.0**decimals
    if finite and not math.isfinite(value):
        raise FieldError(text, "not a finite number")
    return value


def parse_int(field: str | bytes, *, inner_blanks: bool = True) -> int | None:
    """An integer field (``Iw``) as Fortran reads it; ``None`` when blank.

    Raises :class:`FieldError` for anything but optional sign and digits.
    """
    text = _squeeze(field, inner_blanks)
    if not text:
        return None
    if _INT.fullmatch(text) is None:
        raise FieldError(text, "not an integer")
    return int(text)


def read_real(
    field: str | bytes,
    decimals: int = 0,
    *,
    what: str,
    path=None,
    line: int | None = None,
    column: int | None = None,
    error: type[SeisfocError] = SeisfocError,
    blank: float | None = None,
    required: bool = True,
    inner_blanks: bool = True,
) -> float | None:
    """:func:`parse_real` with the user's error: ``error`` naming ``what``, the file, line
    and column. A blank field is ``blank`` when given, else an error when ``required``,
    else ``None``.

    Returns
    -------
    float or None
        The value (``blank`` or ``None`` for a blank field, as above).
    """
    try:
        value = parse_real(field, decimals, inner_blanks=inner_blanks)
    except FieldError as exc:
        raise error(f"{what} {exc.text!r} is {exc.reason}", path, line, column) from None
    if value is None:
        if blank is not None:
            return blank
        if required:
            raise error(f"{what} is missing", path, line, column)
    return value


# ------------------------------------------------------------------------------ writing


def single_precision(value: float) -> float:
    """``value`` rounded to the nearest single-precision (``REAL*4``) number."""
    try:
        return _FLOAT32.unpack(_FLOAT32.pack(value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)


def fortran_f(value: float, width: int, decimals: int, *, single: bool = False) -> str:
    """Fortran ``Fw.d``: right-justified, ``NaN``/``Infinity`` as text, the leading zero
    dropped when that makes it fit, else asterisks. ``single`` rounds to ``REAL*4`` first.

    Returns
    -------
    str
        Exactly ``width`` characters.
    """
    value = float(value)
    if single:
        value = single_precision(value)
    if math.isnan(value):
        return "NaN".rjust(width)[-width:]
    if math.isinf(value):
        return ("Infinity" if value > 0 else "-Infinity").rjust(width)[-width:]
    s = f"{value:{width}.{decimals}f}"
    if len(s) > width:
        if s.startswith("0.") or s.startswith("-0."):
            s = s.replace("0.", ".", 1)
        if len(s) > width:
            return "*" * width
    return s


def fortran_e(value: float, width: int, decimals: int, leading_zero: bool = True) -> str:
    """Fortran ``Ew.d`` as gfortran writes it: ``0.40914E+00``.

    ``leading_zero=False`` gives the ``1PEw.d`` style (``-4.0914E-01``) of ``invrad.inp``.

    Returns
    -------
    str
        ``width`` characters (asterisks when the value does not fit).
    """
    value = float(value)
    if math.isnan(value):
        return "NaN".rjust(width)
    if value == 0.0:
        body = f"0.{'0' * decimals}E+00" if leading_zero else f"{0.0:.{decimals}E}"
        return body.rjust(width)
    sign = "-" if value < 0 else ""
    if not leading_zero:
        s = f"{abs(value):.{decimals}E}"
        mant, _, exp = s.partition("E")
        e = int(exp)
        body = f"{sign}{mant}E{e:+03d}" if abs(e) < 100 else f"{sign}{mant}{e:+04d}"
        return body.rjust(width)
    s = f"{abs(value):.{decimals - 1}e}"
    mant, _, exp = s.partition("e")
    digits = mant.replace(".", "")
    e = int(exp) + 1
    expo = f"E{e:+03d}" if abs(e) < 100 else f"{e:+04d}"
    body = f"{sign}0.{digits}{expo}"
    if len(body) > width:
        body = f"{sign}.{digits}{expo}"  # gfortran drops the leading zero when it must
    if len(body) > width:
        return "*" * width
    return body.rjust(width)


def fortran_i(value: int, width: int) -> str:
    """Fortran ``Iw``: right-justified, asterisks when it does not fit.

    Returns
    -------
    str
        Exactly ``width`` characters.
    """
    text = str(int(value))
    return text.rjust(width) if len(text) <= width else "*" * width
