"""Property tests: damaged Nordic files give records or a SeisfocError, and writing an F-line
into one never damages it.

The mutations are those real files suffer: cut lines, garbage in number columns, tabs,
CRLF, non-ASCII bytes, dropped or doubled lines, empty and binary files. They are applied
to the built-in fixtures always and to the shared reference S-files when present.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from support.nordic_fuzz import BASES, SETTINGS, mutated

from seisfoc.errors import SeisfocError
from seisfoc.io import nordic as N


def _read_everything(data: bytes) -> None:
    for ev in N.parse_events(data, path="fuzz.S"):
        ev.origin_time, ev.latitude, ev.prime_fault_plane  # noqa: B018
        for p in ev.phases:
            p.polarity  # noqa: B018
            p.as_dict()


@SETTINGS
@given(mutated())
def test_reader_gives_records_or_seisfoc_error(data):
    try:
        _read_everything(data)
    except SeisfocError as err:
        assert err.path == "fuzz.S"


PROGRAM = b"FUZZ   "  # columns 71-77 of the F-lines the property writes


def _eol(x: bytes) -> bytes:
    return x[len(x.rstrip(b"\r\n")) :]


def _expected_write(data: bytes, prime: bool):
    """What a write of a FUZZ F-line into event 0 may do, from the rules of the format:
    ``(lines, header index, indices of the FUZZ F-lines it replaces, insert position)``."""
    lines = data.splitlines(keepends=True)
    head = next(i for i, x in enumerate(lines) if not x.isspace())
    run = range(
        head + 1, next((k for k in range(head + 1, len(lines)) if lines[k].isspace()), len(lines))
    )
    f_lines = [k for k in run if lines[k].rstrip(b"\r\n")[79:80] == b"F"]
    # SEISAN's rule: the program's line of the same kind (column 79: blank prime, O other)
    flag = b" " if prime else b"O"
    same = [
        k
        for k in f_lines
        if lines[k][70:77] == PROGRAM and lines[k].rstrip(b"\r\n").ljust(80)[78:79] == flag
    ]
    pos = same[0] if same else (head + 1 if prime or not f_lines else f_lines[-1] + 1)
    return lines, head, same, pos


def _is_nordic_enough(data: bytes) -> bool:
    """The writer's own precondition, stated independently: no NUL byte, and every event
    (a run of lines after blank lines) starts with a type-1 line."""
    if b"\x00" in data:
        return False
    lines = data.splitlines()
    starts = [i for i, x in enumerate(lines) if x.strip() and (i == 0 or not lines[i - 1].strip())]
    return bool(starts) and all(lines[i][79:80] == b"1" for i in starts)


@SETTINGS
@given(mutated(), st.booleans())
def test_writer_never_damages_a_file(tmp_path, data, prime):
    _check_write(tmp_path, data, prime)


def _check_write(tmp_path, data: bytes, prime: bool) -> None:
    """A write either raises SeisfocError and leaves the file byte-identical, or changes
    exactly the F-line it writes: the new line is inserted where the format says (or
    replaces the earlier FUZZ lines of the event), and every other line is identical,
    line ending included (the header line gains an ending only when the file ended with
    it and had none)."""
    path = tmp_path / "fuzz.S"
    path.write_bytes(data)
    line = N.format_fault_plane_line(
        123.4,
        45.6,
        -78.9,
        program="FUZZ",
        agency="ZZZ",
        n_bad_polarities=2,
        flag="" if prime else "O",
    )
    new = line.encode()
    try:
        N.write_fault_plane(path, line, prime=prime)
    except SeisfocError as err:
        assert path.read_bytes() == data
        assert err.path == str(path)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["fuzz.S"]
        return
    assert _is_nordic_enough(data), "wrote into a file that is not Nordic"
    lines, head, same, pos = _expected_write(data, prime)
    out_lines = path.read_bytes().splitlines(keepends=True)
    assert [k for k, x in enumerate(out_lines) if x.rstrip(b"\r\n") == new] == [pos]
    header_eol = _eol(out_lines[head])
    if _eol(lines[head]):
        assert header_eol == _eol(lines[head])
    else:  # the file ended with its header: it gets the file's first line ending
        assert head == len(lines) - 1
        assert header_eol == next((_eol(x) for x in lines if _eol(x)), b"\n")
    # the new line ends as the line it replaces, or as the header line
    assert _eol(out_lines[pos]) == (_eol(lines[same[0]]) if same else header_eol)
    expected = [x for k, x in enumerate(lines) if k not in same]
    expected[head] = lines[head].rstrip(b"\r\n") + header_eol
    if not same and not _eol(lines[pos - 1]):
        # an F-line ending the file without a newline is ended, never glued to the new line
        assert pos - 1 == len(lines) - 1
        expected[pos - 1] = lines[pos - 1] + header_eol
    assert out_lines[:pos] + out_lines[pos + 1 :] == expected
    # writing the same line again changes nothing
    out = path.read_bytes()
    N.write_fault_plane(path, line, prime=prime)
    assert path.read_bytes() == out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fuzz.S"]


@SETTINGS
@given(st.sampled_from(BASES[:4]), st.integers(0, 30), st.booleans(), st.booleans())
def test_writer_replaces_an_earlier_line_of_the_same_program(tmp_path, base, k, prime, old):
    """The same property with a FUZZ F-line (prime or OF) already somewhere in the file."""
    lines = base.split(b"\n")
    k = 1 + k % max(1, len(lines) - 2)
    earlier = N.format_fault_plane_line(1.0, 2.0, 3.0, program="FUZZ", flag="O" if old else "")
    lines.insert(k, earlier.encode())
    _check_write(tmp_path, b"\n".join(lines), prime)


def test_small_fixture_mode_runs_without_shared_data():
    # the built-in bases alone are enough for both properties
    assert len([b for b in BASES[:4] if b]) == 4
    for b in BASES[:4]:
        _read_everything(b)
