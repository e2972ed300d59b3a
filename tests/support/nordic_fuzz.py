"""Damaged Nordic files for property tests: the mutations real files suffer (cut lines,
garbage in number columns, tabs, CRLF, non-ASCII bytes, dropped or doubled lines, empty
and binary files, F-lines) applied to the built-in fixtures and, when present, to every
fourth reference S-file."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from seisfoc.io import nordic as N

from .nordic import sfile_new, sfile_old
from .reference import have_reference, reference_path

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
                + ["fline"]
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
        elif op == "fline":  # an F-line of the program the writer property writes
            flag = draw(st.sampled_from(["", "O"]))
            lines.insert(k, N.format_fault_plane_line(1, 2, 3, program="FUZZ", flag=flag).encode())
        data = bytearray(b"\n".join(lines))
    return bytes(data)
