"""The reader's fast paths give exactly what the field-by-field code gives.

``seisfoc.io.nordic`` reads header, E and F lines with ``float``/``int`` when every field is a
plain number and falls back to the field-by-field reader otherwise; ``polarity_readings``
reads polarity, AIN and CAZ straight from the raw phase lines; PINV's ``seisan`` selection
reads only the phase lines the reader found. Each is compared with the slow path on the
damaged files of ``test_nordic_fuzz`` (garbage, cut lines, tabs, Latin-1, ...), on the
built-in fixtures and, when present, on every reference hyp.out and S-file.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from seisfoc.pinv import legacy, program
from support.nordic import sfile_new, sfile_old
from support.nordic_fuzz import BASES, SETTINGS, mutated
from support.reference import have_reference, reference_path

from seisfoc.errors import SeisfocError
from seisfoc.io import nordic as N
from seisfoc.io.nordic import reader as R

FILES = [sfile_old(), sfile_new(), sfile_old(eol=b"\r\n")]
if have_reference():
    _ref = reference_path()
    FILES += [p.read_bytes() for p in sorted(_ref.glob("pinv/*/*/hyp.out"))]
    FILES += [p.read_bytes() for p in sorted(_ref.glob("synthetic/*/hyp.out"))]
    FILES += [p.read_bytes() for p in sorted(_ref.glob("nordic2/*/hyp.out"))]
    FILES += [p.read_bytes() for p in sorted(_ref.glob("sfiles/*/*/*/*.S*"))]
    BASES = BASES + FILES[3:]


def _split_blocks_one_by_one(lines):
    """The event grouping visiting every line (the reader's earlier code), as reference."""
    blocks, cur, start, has_content = [], [], 0, False
    for i, ln in enumerate(lines):
        if ln.isspace():
            if has_content:
                cur.append(ln)
                blocks.append((start, cur))
                cur, has_content, start = [], False, i + 1
            elif blocks and not cur:
                blocks[-1][1].append(ln)
                start = i + 1
            else:
                cur.append(ln)
        else:
            cur.append(ln)
            has_content = True
    if has_content:
        blocks.append((start, cur))
    elif cur and blocks:
        blocks[-1][1].extend(cur)
    return blocks


def _outcome(fn, *args):
    try:
        return "ok", fn(*args)
    except SeisfocError as err:
        return "error", (str(err), err.path, err.line, err.column)


def _slow_readings(ev):
    return [
        (p.line_number, p.polarity, p.phase, p.station, p.ain_deg, p.caz_deg)
        for p in ev.phases
        if p.polarity and p.phase.startswith("P")
    ]


def _legacy_selection(ev):
    lines, off = ev.lines, ev.first_line - 1
    if ev.nordic_format == 2:
        s = legacy.select_nordic2(lines, 0, len(lines), ev.path)
    else:
        s = legacy.select_old(lines, ev.path)
    return (
        s.polarity,
        s.takeoff_deg,
        s.azimuth_deg,
        [n + off for n in s.line_number],
        s.station,
        [n + off for n in s.blank_angles],
    )


def _fast_selection(ev):
    s = program._select_seisan(ev)
    return (s.polarity, s.takeoff_deg, s.azimuth_deg, s.line_number, s.station, s.blank_angles)


def _record_fast_paths(data: bytes) -> None:
    """Header, E and F lines: fast and slow readers agree (record or error)."""
    for n, ln in enumerate(data.splitlines(), 1):
        t = ln[79:80]
        pairs = {
            b"1": (R._parse_header, R._parse_header_slow),
            b"E": (R._parse_error_line, R._parse_error_line_slow),
            b"F": (R._parse_fault_plane, R._parse_fault_plane_slow),
        }.get(t)
        if pairs is not None:
            fast, slow = pairs
            assert _outcome(fast, ln, "f.S", n) == _outcome(slow, ln, "f.S", n), ln


def _check_events(data: bytes) -> None:
    lines = data.splitlines(keepends=True)
    assert R._split_blocks(lines) == _split_blocks_one_by_one(lines)
    try:
        events = N.parse_events(data, path="f.S")
    except SeisfocError:
        return
    for ev in events:
        fast = _outcome(N.polarity_readings, ev)
        slow = _outcome(_slow_readings, ev)
        if slow[0] == "ok":
            assert fast == slow
        elif fast[0] == "error":
            # the fast path reads only AIN and CAZ; when it fails, it fails as the records do
            assert fast == slow
        assert _outcome(_fast_selection, ev) == _outcome(_legacy_selection, ev)


def test_fast_paths_on_real_and_fixture_files():
    n_readings = 0
    for data in FILES:
        _record_fast_paths(data)
        _check_events(data)
        for ev in N.parse_events(data, path="f.S"):
            n_readings += len(N.polarity_readings(ev))
    assert n_readings > 0


def test_polarity_readings_values():
    ev = N.parse_events(sfile_old(), path="f.S")[0]
    got = N.polarity_readings(ev)
    assert got == _slow_readings(ev)
    assert got and all(pol in "CUD+-" and ph.startswith("P") for _n, pol, ph, *_ in got)
    assert N.polarity_readings(ev, "") == [
        (p.line_number, p.polarity, p.phase, p.station, p.ain_deg, p.caz_deg)
        for p in ev.phases
        if p.polarity
    ]


def test_lenient_and_bad_angle_columns():
    # AIN with an inner blank reads as SEISAN reads it; a letter in CAZ is the records' error
    data = sfile_old()
    lines = data.split(b"\n")
    k = next(
        i
        for i, ln in enumerate(lines)
        if ln[16:17] in (b"C", b"D") and ln[10:11] == b"P" and ln[79:80] == b" "
    )
    ln = lines[k].ljust(80)
    lenient = ln[:56] + b" 1 2" + ln[60:]
    ev = N.parse_events(b"\n".join([*lines[:k], lenient, *lines[k + 1 :]]), path="f.S")[0]
    row = [r for r in N.polarity_readings(ev) if r[0] == k + 1]
    assert row and row[0][4] == 12.0
    bad = ln[:76] + b"1x3" + ln[79:]
    data_bad = b"\n".join([*lines[:k], bad, *lines[k + 1 :]])
    try:
        N.parse_events(data_bad, path="f.S")
    except SeisfocError as err:
        assert (err.line, err.column) == (k + 1, 77)
    else:  # pragma: no cover - the reader checks number columns when it reads
        raise AssertionError("a letter in CAZ was accepted")


@SETTINGS
@given(st.lists(st.sampled_from([b"\n", b"  \r\n", b"x\n", b" 1\n", b"\t\n", b"y"]), max_size=12))
def test_event_grouping_on_blank_line_patterns(parts):
    lines = b"".join(parts).splitlines(keepends=True)
    assert R._split_blocks(lines) == _split_blocks_one_by_one(lines)


@SETTINGS
@given(mutated())
def test_fast_paths_on_damaged_files(data):
    _record_fast_paths(data)
    _check_events(data)
