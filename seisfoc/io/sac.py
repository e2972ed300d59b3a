"""SAC binary files (evenly sampled time series, header version 6), read and written with NumPy.

ObsPy reads and writes SAC too, but at about a millisecond per file; a CMT event reads
about a thousand traces, so this module does it with one ``numpy.frombuffer`` per file.
The header is 158 words: 70 floats, 40 integers, then 23 text fields (192 bytes; the
event name is 16 characters, the others 8). Undefined values are ``-12345`` (text
``"-12345  "``). Both byte orders are read (told apart by the header version word, which
must be 6); files are written little-endian, as ObsPy and SPECFEM on x86 write them.

:func:`read_sac` returns a :class:`SacFile` with the samples as float64 and the header as
a dict of the defined fields only (lower-case SAC names); :func:`write_sac` takes the
same dict. The reference time (``nzyear``... ``nzmsec``) and ``b`` give the absolute
time of the first sample: :meth:`SacFile.reference_time`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from seisfoc.errors import SeisfocError

__all__ = ["SacFile", "read_sac", "write_sac", "FLOAT_FIELDS", "INT_FIELDS", "TEXT_FIELDS"]

UNDEFINED = -12345.0

FLOAT_FIELDS = (
    "delta depmin depmax scale odelta b e o a internal0 "
    "t0 t1 t2 t3 t4 t5 t6 t7 t8 t9 f "
    "resp0 resp1 resp2 resp3 resp4 resp5 resp6 resp7 resp8 resp9 "
    "stla stlo stel stdp evla evlo evel evdp mag "
    "user0 user1 user2 user3 user4 user5 user6 user7 user8 user9 "
    "dist az baz gcarc sb sdelta depmen cmpaz cmpinc "
    "xminimum xmaximum yminimum ymaximum adjtm unused1 unused2 unused3 unused4 unused5 unused6"
).split()
INT_FIELDS = (
    "nzyear nzjday nzhour nzmin nzsec nzmsec nvhdr norid nevid npts "
    "nsnpts nwfid nxsize nysize unused7 iftype idep iztype unused8 iinst "
    "istreg ievreg ievtyp iqual isynth imagtyp imagsrc ibody unused10 unused11 "
    "unused12 unused13 unused14 unused15 unused16 leven lpspol lovrok lcalda unused17"
).split()
TEXT_FIELDS = (
    "kstnm kevnm khole ko ka kt0 kt1 kt2 kt3 kt4 kt5 kt6 kt7 kt8 kt9 "
    "kf kuser0 kuser1 kuser2 kcmpnm knetwk kdatrd kinst"
).split()
assert len(FLOAT_FIELDS) == 70 and len(INT_FIELDS) == 40 and len(TEXT_FIELDS) == 23
_FLOAT_INDEX = {name: i for i, name in enumerate(FLOAT_FIELDS)}
_INT_INDEX = {name: i for i, name in enumerate(INT_FIELDS)}
_HEADER_BYTES = 632
_NVHDR = _INT_INDEX["nvhdr"]
_NPTS = _INT_INDEX["npts"]
_LOGICAL = ("leven", "lpspol", "lovrok", "lcalda")


def _text_slices() -> dict[str, slice]:
    out, pos = {}, 0
    for name in TEXT_FIELDS:
        width = 16 if name == "kevnm" else 8
        out[name] = slice(pos, pos + width)
        pos += width
    return out


_TEXT_SLICE = _text_slices()


@dataclass
class SacFile:
    """One SAC trace: ``data`` (float64) and the defined ``header`` fields."""

    data: np.ndarray
    header: dict = field(default_factory=dict)
    path: str | None = None

    @property
    def delta(self) -> float:
        return float(self.header["delta"])

    @property
    def b(self) -> float:
        return float(self.header.get("b", 0.0))

    def reference_time(self) -> datetime | None:
        """The header's reference time (UTC), or None when ``nzyear`` is undefined."""
        h = self.header
        if "nzyear" not in h:
            return None
        return datetime(int(h["nzyear"]), 1, 1, tzinfo=UTC) + timedelta(
            days=int(h.get("nzjday", 1)) - 1,
            hours=int(h.get("nzhour", 0)),
            minutes=int(h.get("nzmin", 0)),
            seconds=int(h.get("nzsec", 0)),
            milliseconds=int(h.get("nzmsec", 0)),
        )


def reference_fields(t: datetime) -> dict:
    """``nzyear`` ... ``nzmsec`` of a UTC time rounded to the millisecond (SAC's resolution)."""
    t = t.astimezone(UTC)
    ms = round(t.microsecond / 1000.0)
    t = t.replace(microsecond=0) + timedelta(milliseconds=ms)
    return {
        "nzyear": t.year,
        "nzjday": t.timetuple().tm_yday,
        "nzhour": t.hour,
        "nzmin": t.minute,
        "nzsec": t.second,
        "nzmsec": t.microsecond // 1000,
    }


def read_sac(path: str | os.PathLike) -> SacFile:
    """Read one binary SAC file (either byte order).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    SacFile
        Samples as float64 and the defined header fields.

    Raises
    ------
    SeisfocError
        When the file is missing, too short, not SAC version 6, not an evenly sampled
        time series, or holds fewer samples than ``npts``.
    """
    try:
        raw = open(path, "rb").read()  # noqa: SIM115 - one read, closed by refcount
    except OSError as err:
        raise SeisfocError(f"cannot read SAC file: {err.strerror}", path) from None
    if len(raw) < _HEADER_BYTES:
        raise SeisfocError(f"not a SAC file: {len(raw)} bytes, a header has 632", path)
    for order in ("<", ">"):
        ints = np.frombuffer(raw, dtype=order + "i4", count=40, offset=280)
        if ints[_NVHDR] == 6:
            break
    else:
        raise SeisfocError(
            "not a SAC file (header version word is not 6 in either byte order)", path
        )
    floats = np.frombuffer(raw, dtype=order + "f4", count=70, offset=0)
    npts = int(ints[_NPTS])
    if npts < 0 or len(raw) < _HEADER_BYTES + 4 * npts:
        raise SeisfocError(
            f"SAC header says {npts} samples but the file holds {(len(raw) - _HEADER_BYTES) // 4}",
            path,
        )
    header: dict = {}
    for name, value in zip(FLOAT_FIELDS, floats.tolist(), strict=True):
        if value != UNDEFINED and not name.startswith(("unused", "internal")):
            header[name] = value
    for name, value in zip(INT_FIELDS, ints.tolist(), strict=True):
        if value != -12345 and not name.startswith("unused"):
            header[name] = bool(value) if name in _LOGICAL else value
    text = raw[440:_HEADER_BYTES]
    for name, sl in _TEXT_SLICE.items():
        value = text[sl].decode("ascii", errors="replace").strip("\x00 ")
        if value and value != "-12345":
            header[name] = value
    if header.get("iftype", 1) != 1 or not header.get("leven", True):
        raise SeisfocError("SAC file is not an evenly sampled time series", path)
    if not header.get("delta", 0.0) > 0.0:
        raise SeisfocError("SAC header delta is not positive", path)
    data = np.frombuffer(raw, dtype=order + "f4", count=npts, offset=_HEADER_BYTES)
    return SacFile(data.astype(np.float64), header, os.fspath(path))


def encode_sac(data: np.ndarray, header: dict) -> bytes:
    """The bytes of a SAC file (little-endian) with ``header`` and ``data``.

    ``npts``, ``nvhdr``, ``iftype``, ``leven``, ``e``, ``depmin``/``depmax``/``depmen``
    are set from the data; every field not in ``header`` is undefined.
    """
    data = np.ascontiguousarray(data, dtype="<f4")
    floats = np.full(70, UNDEFINED, dtype="<f4")
    ints = np.full(40, -12345, dtype="<i4")
    text = bytearray(b"-12345  " * 24)
    text[_TEXT_SLICE["kevnm"]] = b"-12345".ljust(16)
    unknown = set(header) - set(_FLOAT_INDEX) - set(_INT_INDEX) - set(_TEXT_SLICE)
    if unknown:
        raise ValueError(f"not SAC header fields: {sorted(unknown)}")
    for name, value in header.items():
        if value is None:
            continue
        if name in _FLOAT_INDEX:
            floats[_FLOAT_INDEX[name]] = value
        elif name in _INT_INDEX:
            ints[_INT_INDEX[name]] = int(value)
        else:
            sl = _TEXT_SLICE[name]
            width = sl.stop - sl.start
            encoded = str(value).encode("ascii")[:width].ljust(width)
            text[sl] = encoded
    n = data.size
    delta = float(header["delta"])
    b = float(header.get("b", 0.0))
    floats[_FLOAT_INDEX["b"]] = b
    floats[_FLOAT_INDEX["e"]] = b + (n - 1) * delta
    if n:
        floats[_FLOAT_INDEX["depmin"]] = data.min()
        floats[_FLOAT_INDEX["depmax"]] = data.max()
        floats[_FLOAT_INDEX["depmen"]] = data.mean(dtype=np.float64)
    ints[_NPTS] = n
    ints[_NVHDR] = 6
    ints[_INT_INDEX["iftype"]] = 1
    ints[_INT_INDEX["leven"]] = 1
    for name in ("lpspol", "lovrok", "lcalda"):
        if name not in header:
            ints[_INT_INDEX[name]] = 1 if name != "lcalda" else 0
    return floats.tobytes() + ints.tobytes() + bytes(text) + data.tobytes()


def write_sac(path: str | os.PathLike, data: np.ndarray, header: dict) -> None:
    """Write one binary SAC file (little-endian, header version 6).

    Parameters
    ----------
    path
        Output file (replaced if present).
    data
        Samples (written as float32).
    header
        SAC header fields by lower-case name; ``delta`` is required, ``b`` defaults to 0.
    """
    with open(path, "wb") as fh:
        fh.write(encode_sac(data, header))
