"""Old Nordic to Nordic2 as SEISAN's event writer writes it (seisfoc.io.nordic.convert).

Oracles, each byte for byte:

* ``reference/edge/format_both/composite_old``: SEISAN's pinv under ``NORDIC_FORMAT 1.0``
  rewrote a two-event old-Nordic hyp.out in Nordic2 (``hyp.out.after``; here without the
  composite F-line, which the drop-in tests check);
* ``reference/nordic2/19950822_nor2nor2``: SEISAN's NOR2NOR2 conversion of the relocated
  1995-08-22 event (``reference/pinv/22-0141-06L.S199508/hyp/hyp.out``);
* ``reference/sfiles/TEST13_``: the two Nordic2 S-files shipped with SEISAN 13, read and
  written back: every phase line unchanged.

Across every old-Nordic reference event: PINV's polarity readings survive the conversion,
and reading the Nordic2 text again gives it back, but for three rules of SEISAN's own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from seisfoc.pinv import legacy
from support.reference import SHARED_REFERENCE, have_reference

from seisfoc.io.nordic import convert
from seisfoc.io.nordic.fields import NORDIC1, NORDIC2, polarity_rows


def _events(path: Path) -> list[list[bytes]]:
    lines = legacy.split_lines(path.read_bytes())
    return [lines[a:b] for a, b in legacy.split_events(lines)]


def _converted(event: list[bytes]) -> list[bytes]:
    """What SEISAN's pinv and readers leave: converted, then read once more."""
    return convert.magnitude_lines_last(convert.convert_event(event))


def _old_reference_files() -> list[Path]:
    if not have_reference():
        return []
    ref = SHARED_REFERENCE
    files = sorted(ref.glob("sfiles/*/*/*/*")) + sorted(ref.glob("pinv/*/hyp/hyp.out"))
    files += sorted(ref.glob("synthetic/*/hyp.out")) + sorted(ref.glob("edge/*/hyp.out*"))
    files += sorted(ref.glob("edge/format_both/*/hyp.out.before"))
    return [f for f in files if b"STAT SP IPHASW" in f.read_bytes()]


OLD_FILES = _old_reference_files()


def test_composite_old_both_events(reference_dir):
    """Both events of the composite, converted, are the original's rewritten hyp.out but
    for the composite F-line that pinv adds: type-1 normalisation (`` 031`` -> ``0031``,
    ``62.2813`` -> `` 62.281``), the E line re-written (``0.0`` -> ``0.000``) and the
    second, unassigned E line dropped, SPEC lines as AV-SD and S lines, types 8, 9 and A
    dropped, codas as END lines, back-azimuths as BAZ lines, the magnitude-only type-1
    lines last (the last first)."""
    ref = reference_dir / "edge" / "format_both" / "composite_old"
    ours = [ln for event in _events(ref / "hyp.out.before") for ln in _converted(event)]
    theirs = [
        ln for ln in (ref / "hyp.out.after").read_bytes().splitlines() if ln[70:80] != b"PINV     F"
    ]
    assert len(ours) == len(theirs) == 222
    assert ours == theirs


def test_nor2nor2_conversion(reference_dir):
    """SEISAN's NOR2NOR2 of 1995-08-22, byte for byte (one conversion, no second read)."""
    (event,) = _events(reference_dir / "pinv" / "22-0141-06L.S199508" / "hyp" / "hyp.out")
    theirs = (reference_dir / "nordic2" / "19950822_nor2nor2" / "hyp.out").read_bytes()
    assert convert.convert_event(event) == theirs.splitlines()
    assert convert.convert_event(event, NORDIC1) == theirs.splitlines()


#: the one header line SEISAN's writer changes in the TEST13_ Nordic2 files: an
#: extra-magnitude type-1 line whose hour and minute are `0 ` and seconds `0 `; the writer
#: writes hour and minute ``i2.2`` and the seconds ``f4.1`` with column 17 zero-filled
NORMALISED_HEADERS = {
    b" 2021 0213 0 0  0    D                       TES        8.1BTES                1": (
        b" 2021 0213 0000 00.0 D                       TES        8.1BTES                1"
    ),
}


@pytest.mark.parametrize("name", ["2021/02/13-1407-10D.S202102", "2021/02/23-0514-03L.S202102"])
def test_nordic2_written_back(name, reference_dir):
    """A Nordic2 S-file read and written back: every phase line unchanged (amplitudes,
    periods, magnitude residuals, BAZ lines, agency, operator, network, location); the
    header lines are the input's, in the writer's order (6, 3, I), but for the one line
    SEISAN normalises."""
    (event,) = _events(reference_dir / "sfiles" / "TEST13_" / name)
    lines = [ln.rstrip(b"\r\n").ljust(80) for ln in event]
    out = convert.convert_event(event)
    assert convert.convert_event(event, NORDIC2) == out
    help_in = lines.index(convert.HELP_LINE.encode())
    help_out = out.index(convert.HELP_LINE.encode())
    assert out[help_out + 1 : -1] == lines[help_in + 1 :]
    assert out[-1] == b" " * 80
    expected = sorted(NORMALISED_HEADERS.get(ln, ln) for ln in lines[:help_in])
    assert sorted(out[:help_out]) == expected
    types = [ln[79:80] for ln in out[:help_out] if ln[79:80] in (b"6", b"3", b"I")]
    assert types == sorted(types, key=[b"6", b"3", b"I"].index)


def _p_readings(rows: list[tuple]) -> list[tuple]:
    return [row[1:] for row in rows if row[2].startswith("P")]


@pytest.mark.parametrize(
    "path",
    OLD_FILES,
    ids=[str(p.relative_to(SHARED_REFERENCE)) for p in OLD_FILES] if OLD_FILES else [],
)
def test_polarities_survive(path, reference_dir):
    """PINV's P polarities (station, sign, AIN, CAZ) read from the Nordic2 rewrite are the
    ones read from the old layout, in the same order."""
    for event in _events(path):
        old_rows = [(k + 1, ln.rstrip(b"\r\n")) for k, ln in enumerate(event)]
        new_rows = list(enumerate(_converted(event), 1))
        old = polarity_rows(old_rows, NORDIC1, mode="seisan", path=path)
        new = polarity_rows(new_rows, NORDIC2, mode="seisan", path=path)
        assert _p_readings(new) == _p_readings(old)


def _explained(first: bytes, again: bytes) -> str | None:
    """Why a line changes when SEISAN reads its own Nordic2 text again, or None."""
    f, a = first.decode("latin-1"), again.decode("latin-1")
    if f[79] == a[79] == "1" and f[16:20] == "0   " and a[16:20] == "00.0":
        # a header without seconds: the writer zero-fills column 17, read back as 0.0
        return "blank seconds"
    if f[79] == " " and f[37:44].strip() and not a[37:44].strip():
        name = f[16:24]
        if not (name[:2] in ("IA", "IV") or name[0] == "A"):
            # an amplitude on a line whose name is no amplitude name: the Nordic2 reader
            # reads amplitudes on amplitude phases only
            return "amplitude on a non-amplitude phase"
    if f[79] == a[79] == " " and f[52:56].strip() and f[:52] == a[:52] and f[56:] == a[56:]:
        # an apparent velocity without a back-azimuth stays on the phase, written in
        # columns 53-56, which Nordic2 reads as agency and operator
        return "velocity without back-azimuth"
    return None


def test_second_read(reference_dir):
    """Reading the Nordic2 rewrite again and writing it gives the same lines for every
    old reference event, except where three rules of SEISAN's own change them (a header
    without seconds, an amplitude on a phase line whose name is no amplitude name, an
    apparent velocity without a back-azimuth)."""
    same = changed = 0
    reasons = set()
    for path in OLD_FILES:
        for event in _events(path):
            first = _converted(event)
            again = _converted(first)
            assert len(again) == len(first)
            pairs = [(f, a) for f, a in zip(first, again, strict=True) if f != a]
            for f, a in pairs:
                why = _explained(f, a)
                assert why, f"{path}: {f!r} -> {a!r}"
                reasons.add(why)
            same += not pairs
            changed += bool(pairs)
    assert (same, changed) == (68, 10)  # of the 78 old reference events
    assert reasons == {
        "blank seconds",
        "amplitude on a non-amplitude phase",
        "velocity without back-azimuth",
    }


# ------------------------------------------------------------------ rules, closed forms

HEADER = " 2001 1231 2359 30.0 L  60.000   5.000 10.0  BER  3 0.5 2.0LBER                1"
HELP_OLD = " STAT SP IPHASW D HRMM SECON CODA AMPLIT PERI AZIMU VELO AIN AR TRES W  DIS CAZ7"


def _phases(*lines: str) -> list[str]:
    out = convert.convert_event([HEADER, HELP_OLD, *lines])
    k = out.index(convert.HELP_LINE.encode())
    return [ln.decode("latin-1") for ln in out[k + 1 : -1]]


def _old_line(**columns: str) -> str:
    """An old-Nordic phase line from ``c<first column>=text`` pieces."""
    chars = [" "] * 80
    for key, text in columns.items():
        first = int(key[1:])
        chars[first - 1 : first - 1 + len(text)] = text
    return "".join(chars)


def test_coda_becomes_end_line_across_midnight():
    """The END line's time is the phase time plus the coda (23:59:50.25 + 30 s = 00:00:20.25
    next day), with the reading's distance and azimuth and no AIN or weight."""
    p = _old_line(c2="BER", c7="SZ", c10="IP", c17="C", c19="2359 50.25", c30="  30")
    p = p[:57] + " 55" + "    0.1610 12.3 200 "
    phase, end = _phases(p)
    assert phase[26:37] == "2359 50.250" and phase[43] == "C" and phase[58:63] == " 55.0"
    assert end[16:24] == "END     " and end[26:37] == "0000 20.250"
    assert end[37:45] == "   30.0 " and end[58:70] == " " * 12
    assert end[70:79] == " 12.3 200"


def test_backazimuth_becomes_baz_line():
    """A back-azimuth with apparent velocity and azimuth residual moves to ``BAZ-<phase>``
    with the reading's weight indicator; the phase keeps AIN, residual and weight."""
    p = _old_line(c2="NRA0", c7="SZ", c11="Pn", c15="4", c19="0000 10.71", c47="278.5")
    p = p[:52] + " 9.9  62  9 0.6610  492  82 "
    phase, baz = _phases(p)
    assert phase[16:25] == "Pn      4" and phase[58:70] == " 62.0 0.6610"
    assert phase[37:51] == " " * 14
    assert baz[16:25] == "BAZ-Pn  4" and baz[39:44] == "278.5" and baz[46:50] == " 9.9"
    assert baz[63:70] == "   9.  " and baz[70:79] == "  492  82"


def test_amplitude_on_seismic_phase_becomes_amp_line():
    """An amplitude and period on a P line move to an ``AMP`` line at the same time."""
    p = _old_line(c2="BER", c7="SZ", c10="EP", c19="0000 27.07", c34="  123.4", c42=" 0.5")
    p = p[:57] + " 62    0.6210  151  89 "
    phase, amp = _phases(p)
    assert phase[37:51].strip() == ""
    assert amp[16:24] == "AMP     " and amp[26:44] == "0000 27.070  123.4"
    assert amp[46:50] == "0.50"


def test_header_rounding_in_single_precision():
    """Latitude and longitude written ``f7.3``/``f8.3`` from single precision
    (62.2813 -> 62.281), an hour `` 0`` as ``00``, RMS below 0.99 as ``f3.2``."""
    old = " 1999 0529  031 41.7 L 62.2813  4.5830  7.1 HBGS  5 0.4 4.1LBGS                1"
    (line,) = [ln for ln in convert.convert_event([old])[:1]]
    assert line == (
        b" 1999 0529 0031 41.7 L  62.281   4.583  7.1 HBGS  5 .40 4.1LBGS                1"
    )


def test_not_converted_is_an_error_with_its_line():
    mt = " MT  1.000 -0.500 -0.500  0.000  0.000  0.000 BER   S 14 1.0e+14        FOCMEC M"
    with pytest.raises(convert.ConversionError) as err:
        convert.convert_event([HEADER, HEADER[:79] + "M", mt, HELP_OLD])
    assert err.value.line == 2 and "moment-tensor" in str(err.value)
    with pytest.raises(convert.ConversionError) as err:
        convert.convert_event([HEADER[:21] + "X" + HEADER[22:]])
    assert err.value.line == 1 and err.value.column == 22


def test_type5_becomes_comment_and_locality_kept():
    """A type-5 line becomes a comment with ``old error`` in columns 2-10; a LOCALITY
    comment is written after the spectral lines; types 8, 9 and A are dropped (as in the
    composite_old oracle)."""
    five = " XXXXXXXXX       8.1     0.0     0.4   41.8".ljust(79) + "5"
    locality = " LOCALITY: Bergen".ljust(79) + "3"
    eight = " 741.155 1395.311 D D*D  14 80 285 1 0.38  5.3  3.0".ljust(79) + "8"
    out = [ln.decode() for ln in convert.convert_event([HEADER, five, eight, locality, HELP_OLD])]
    assert out[1] == locality
    assert out[2] == " old error       8.1     0.0     0.4   41.8".ljust(79) + "3"
    assert out[3] == convert.HELP_LINE and len(out) == 5
