"""Property tests: damaged Nordic files give records or a SeisfocError, and writing an F-line
into one never damages it.

The mutations are those real files suffer: cut lines, garbage in number columns, tabs,
CRLF, non-ASCII bytes, dropped or doubled lines, empty and binary files. They are applied
to the built-in fixtures always and to the shared reference S-files when present.
"""

from __future__ import annotations

from datetime import timedelta

from conftest import have_reference, reference_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_nordic_support import sfile_new, sfile_old

from seisfoc import nordic as N
from seisfoc.errors import SeisfocError

BASES = [sfile_old(), sfile_new(), sfile_old(eol=b"\r\n"), sfile_old() + sfile_new()]
if have_reference():
    _root = reference_path("sfiles")
    BASES += [p.read_bytes() for p in sorted(_root.rglob("*.S*"))[::4] if p.is_file()]

SETTINGS = settings(
    max_examples=150,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

GARBAGE = st.binary(min_size=1, max_size=6) | st.sampled_from(
    [b"\t", b"x", b"\xd8", b"1.2.3", b"--", b"e", b"nan", b"1_0", b"\x00", b"\r", b"\n"]
)


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(
            st.sampled_from(
                ["garbage", "cut", "tab", "crlf", "latin", "drop", "dup", "empty", "binary"]
            )
        )
        lines = bytes(data).split(b"\n")
        k = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "garbage":
            col = draw(st.integers(0, 85))
            g = draw(GARBAGE)
            ln = lines[k]
            lines[k] = ln[:col] + g + ln[col + len(g) :]
        elif op == "cut":
            lines[k] = lines[k][: draw(st.integers(0, 80))]
        elif op == "tab":
            col = draw(st.integers(0, 80))
            lines[k] = lines[k][:col] + b"\t" + lines[k][col:]
        elif op == "crlf":
            lines = [x + b"\r" if x and not x.endswith(b"\r") else x for x in lines]
        elif op == "latin":
            col = draw(st.integers(0, 80))
            lines[k] = lines[k][:col] + bytes([draw(st.integers(128, 255))]) + lines[k][col + 1 :]
        elif op == "drop" and lines:
            del lines[k]
        elif op == "dup" and lines:
            lines.insert(k, lines[k])
        elif op == "empty":
            lines = [b""]
        elif op == "binary":
            lines = [draw(st.binary(max_size=300))]
        data = bytearray(b"\n".join(lines))
    return bytes(data)


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


@SETTINGS
@given(mutated(), st.booleans())
def test_writer_never_damages_a_file(tmp_path, data, prime):
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
    except SeisfocError:
        assert path.read_bytes() == data
        return
    out = path.read_bytes()
    lines = out.splitlines(keepends=True)
    inserted = [x for x in lines if x.rstrip(b"\r\n") == new]
    assert len(inserted) == 1
    rest = b"".join(x for x in lines if x.rstrip(b"\r\n") != new)
    # the header line gains a line ending only when the file had none after it
    assert rest == data or (not data.endswith((b"\n", b"\r")) and rest.rstrip(b"\r\n") == data)
    # writing the same line again replaces it: the file stays as it is
    N.write_fault_plane(path, line, prime=prime)
    assert path.read_bytes() == out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fuzz.S"]


def test_small_fixture_mode_runs_without_shared_data():
    # the built-in bases alone are enough for both properties
    assert len([b for b in BASES[:4] if b]) == 4
    for b in BASES[:4]:
        _read_everything(b)
