"""seisfoc.io.nordic: reading, round trips, database walking and the F-line writer."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from support.nordic import BLANK, header, line, old_phase, sfile_new, sfile_old
from support.reference import have_reference, reference_path

from seisfoc.errors import NordicError, SeisfocError
from seisfoc.io import nordic as N


def _reference_files() -> list[Path]:
    if not have_reference():
        return []
    root = reference_path("sfiles")
    return sorted(p for p in root.rglob("*.S*") if p.is_file())


# ------------------------------------------------------------------ own fixtures


def test_old_nordic_fields():
    ev = N.parse_events(sfile_old(), path="x.S")[0]
    assert ev.nordic_format == N.NORDIC1 and ev.format_source == "type-7"
    h = ev.prime_header
    assert (h.year, h.month, h.day, h.hour, h.minute, h.second) == (2020, 5, 17, 3, 4, 12.5)
    assert (h.latitude, h.longitude, h.depth_km, h.agency, h.n_stations) == (
        61.234,
        5.678,
        12.0,
        "XYZ",
        5,
    )
    assert h.magnitudes == [(2.1, "L", "XYZ")]
    assert ev.origin_time == dt.datetime(2020, 5, 17, 3, 4, 12, 500000)
    e = ev.errors[0]
    assert (
        e.gap_deg,
        e.origin_time_error_s,
        e.latitude_error_km,
        e.longitude_error_km,
        e.depth_error_km,
    ) == (123.0, 0.45, 1.2, 2.3, 3.4)
    i = ev.ids[0]
    assert (i.last_action, i.operator, i.event_id) == ("UPD", "ab", "20200517030412")
    ph = ev.phases
    assert [p.station for p in ph] == ["AAA", "AAA", "BBB", "CCC", "DDD", "EEE"]
    assert [p.polarity for p in ph] == ["C", "", "D", "U", "+", ""]
    assert [p.ain_deg for p in ph] == [120.0, 120.0, 95.0, 100.0, 130.0, None]
    assert [p.caz_deg for p in ph] == [10, 10, 200, 300, 45, 250]
    assert ph[1].quality == "E" and ph[1].phase == "S" and ph[1].component == "SN"
    assert ph[2].distance_km == 80.5 and ph[0].time_residual_s == 0.12 and ph[0].weight == 10
    assert ph[5].phase == "IAML" and ph[5].amplitude_nm == 123.4 and ph[5].period_s == 0.3
    assert ph[0].line_number == 6 and ph[0].raw == sfile_old().split(b"\n")[5]
    # the Latin-1 comment line is kept byte for byte
    assert b"\xf8yvind" in ev.lines[3]


def test_nordic2_fields_and_override():
    ev = N.parse_events(sfile_new())[0]
    assert ev.nordic_format == N.NORDIC2 and ev.format_source == "type-7"
    a, b, amp, baz = ev.phases
    assert (a.station, a.component, a.network, a.location) == ("AAA", "HHZ", "XX", "00")
    assert (a.polarity, a.ain_deg, a.caz_deg, a.agency, a.operator) == (
        "C",
        120.0,
        10,
        "XYZ",
        "abc",
    )
    assert (b.polarity, b.ain_deg, b.caz_deg) == ("D", 95.0, 200)
    assert (amp.phase, amp.amplitude_nm, amp.period_s, amp.polarity) == ("IAML", 1131.9, 0.38, "")
    assert (baz.backazimuth_deg, baz.apparent_velocity, baz.backazimuth_residual) == (
        328.5,
        10.9,
        -16.0,
    )
    forced = N.parse_events(sfile_new(), nordic_format=N.NORDIC2)[0]
    assert forced.nordic_format == N.NORDIC2 and forced.format_source == "forced"
    # Nordic2 lines read as old Nordic put the polarity in the period columns: an error
    with pytest.raises(NordicError):
        N.parse_events(sfile_new(), nordic_format=N.NORDIC1)


def test_format_from_phase_lines_without_help_line():
    data = b"\n".join(x for x in sfile_new().split(b"\n") if not x.endswith(b"CAZ7"))
    ev = N.parse_events(data)[0]
    assert ev.nordic_format == N.NORDIC2 and ev.format_source == "phase-lines"
    data = b"\n".join(x for x in sfile_old().split(b"\n") if not x.endswith(b"CAZ7"))
    ev = N.parse_events(data)[0]
    assert ev.nordic_format == N.NORDIC1 and ev.format_source == "phase-lines"


@pytest.mark.parametrize("eol", [b"\n", b"\r\n"])
def test_round_trip_and_crlf(eol):
    data = sfile_old(eol=eol)
    events = N.parse_events(data)
    assert b"".join(events[0].lines) == data
    assert all(x.endswith(eol) for x in events[0].lines)
    assert [p.polarity for p in events[0].phases] == ["C", "", "D", "U", "+", ""]


def test_several_events_and_blank_lines():
    one = sfile_old()
    data = b"\n" + one + b"\n" + one.replace(b" 2020  517", b" 2021  517") + b"   \n"
    events = N.parse_events(data)
    assert len(events) == 2
    assert b"".join(x for e in events for x in e.lines) == data
    assert [e.prime_header.year for e in events] == [2020, 2021]
    assert events[1].first_line == one.count(b"\n") + 3
    assert events[1].phases[0].line_number == events[1].first_line + 5


def test_garbage_in_ain_names_file_line_column():
    bad = old_phase("BAD", polarity="C", ain=" 1x0")
    data = sfile_old(extra=[bad])
    with pytest.raises(NordicError) as info:
        N.parse_events(data, path="ev.S")
    err = info.value
    assert (err.path, err.line, err.column) == ("ev.S", 12, 57)
    assert "AIN" in str(err) and "ev.S" in str(err)


def test_number_chars_in_wrong_order_raise_on_decoding():
    bad = old_phase("BAD", polarity="C", ain="1.2.")
    ev = N.parse_events(sfile_old(extra=[bad]), path="ev.S")[0]
    assert ev.phases[-1].polarity == "C"
    with pytest.raises(NordicError) as info:
        _ = ev.phases[-1].ain_deg
    assert (info.value.line, info.value.column) == (12, 57)


def test_fortran_blanks_inside_numbers():
    # SEISAN's Fortran reads "0 10.0" as 10.0 (blanks are nulls)
    ph = old_phase("GAP", polarity="D", hour=0, minute=0, second="0 10.0")
    ev = N.parse_events(sfile_old(extra=[ph]))[0]
    assert ev.phases[-1].second == 10.0 and ev.phases[-1].polarity == "D"


def test_garbage_in_header_and_tabs():
    data = sfile_old().replace(b"  61.234", b"  61.2x4", 1)
    with pytest.raises(NordicError) as info:
        N.parse_events(data, path="h.S")
    assert (info.value.line, info.value.column) == (1, 24)
    tabbed = sfile_old().replace(b" 120    0.12", b"\t120    0.12", 1)
    with pytest.raises(NordicError):
        N.parse_events(tabbed)


def test_empty_binary_and_not_nordic(tmp_path):
    assert N.parse_events(b"") == []
    assert N.parse_events(b"\n  \n") == []
    empty = tmp_path / "empty.S"
    empty.write_bytes(b"")
    with pytest.raises(NordicError, match="holds 0"):
        N.read_sfile(empty)
    with pytest.raises(NordicError, match="NUL"):
        N.parse_events(b"\x7fELF\x02\x01\x01\x00\x00", path="bin")
    with pytest.raises(NordicError) as info:
        N.parse_events(b"hello world\n")
    assert info.value.column == 80
    with pytest.raises(NordicError):
        N.read_events(tmp_path / "missing.S")


def test_fault_plane_fields():
    f1 = N.format_fault_plane_line(
        76.3, 57.0, 95.9, program="PINV", agency="BER", n_bad_polarities=1
    )
    f2 = N.format_fault_plane_line(
        10.0,
        20.0,
        -30.0,
        program="HASH",
        agency="XYZ",
        flag="O",
        quality="B",
        strike_error=5.5,
        dip_error=6.5,
        rake_error=7.5,
        fit_error=0.12,
        station_distribution_ratio=0.5,
        amplitude_ratio_fit=0.25,
        n_bad_amplitude_ratios=3,
    )
    data = sfile_old(fault_lines=[f1.encode(), f2.encode()])
    ev = N.parse_events(data)[0]
    a, b = ev.fault_planes
    assert (a.strike, a.dip, a.rake, a.n_bad_polarities, a.agency, a.program, a.flag) == (
        76.3,
        57.0,
        95.9,
        1,
        "BER",
        "PINV",
        "",
    )
    assert a.is_prime and ev.prime_fault_plane is a
    assert (b.program, b.agency, b.quality, b.flag, b.is_prime) == ("HASH", "XYZ", "B", "O", False)
    assert (b.strike_error, b.dip_error, b.rake_error, b.fit_error) == (5.5, 6.5, 7.5, 0.12)
    assert (b.station_distribution_ratio, b.amplitude_ratio_fit) == (0.5, 0.25)
    assert (b.n_bad_polarities, b.n_bad_amplitude_ratios) == (None, 3)


def test_format_fault_plane_line_columns():
    s = N.format_fault_plane_line(
        76.3, 57.0, 95.9, program="PINV", agency="BER", n_bad_polarities=1
    )
    assert s == "      76.3      57.0      95.9" + " " * 30 + " 1    BER PINV     F"
    assert len(s) == 80
    # Fortran f10.1 rounds the binary value to nearest, ties to even, like gfortran
    assert N.format_fault_plane_line(76.25, -0.04, 2.75, program="X")[:30] == (
        "      76.2      -0.0       2.8"
    )
    with pytest.raises(NordicError):
        N.format_fault_plane_line(1, 2, 3, program="TOOLONGNAME")
    with pytest.raises(NordicError):
        N.format_fault_plane_line(1, 2, 3, program="PINV", n_bad_polarities=100)
    with pytest.raises(NordicError):
        N.format_fault_plane_line(float("nan"), 2, 3, program="PINV")


# ------------------------------------------------------------------ writer


def _write(tmp_path, data: bytes, name="ev.S") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _pinv(strike=76.3, n_bad=1, flag=""):
    return N.format_fault_plane_line(
        strike, 57.0, 95.9, program="PINV", agency="BER", n_bad_polarities=n_bad, flag=flag
    )


def test_insert_prime_is_line_two_and_unchanged_rest(tmp_path):
    data = sfile_old()
    p = _write(tmp_path, data)
    N.write_fault_plane(p, _pinv(), prime=True)
    out = p.read_bytes().split(b"\n")
    src = data.split(b"\n")
    assert out[1] == _pinv().encode()
    assert out[:1] + out[2:] == src


def test_replace_prime_and_of_lines_of_same_program(tmp_path):
    plain = N.format_fault_plane_line(1.0, 2.0, 3.0, program="").encode()
    data = sfile_old(fault_lines=[plain, _pinv(10.0, flag="O").encode(), _pinv(20.0).encode()])
    p = _write(tmp_path, data)
    N.write_fault_plane(p, _pinv(99.0), prime=True)
    ev = N.read_sfile(p)
    pinv = [f for f in ev.fault_planes if f.program == "PINV"]
    # SEISAN's rule (columns 71-80, program and flag): a prime write replaces the prime
    # PINV line in place; the PINV OF-line is neither removed nor promoted (issue 9)
    assert [(f.strike, f.is_prime) for f in pinv] == [(10.0, False), (99.0, True)]
    assert [f.program for f in ev.fault_planes] == ["", "PINV", "PINV"]
    before = data.split(b"\n")
    after = p.read_bytes().split(b"\n")
    assert after[4] == _pinv(99.0).encode()  # lines: header, E, plain F, PINV OF, PINV
    assert after[:4] + after[5:] == before[:4] + before[5:]


def test_insert_and_replace_of_line(tmp_path):
    plain = N.format_fault_plane_line(1.0, 2.0, 3.0, program="").encode()
    data = sfile_old(fault_lines=[plain])
    p = _write(tmp_path, data)
    focmec = N.format_fault_plane_line(5.0, 6.0, 7.0, program="FOCMEC", flag="O")
    N.write_fault_plane(p, focmec, prime=False)
    lines = p.read_bytes().split(b"\n")
    assert lines[3] == focmec.encode()  # after the last F-line (header, E, plain F)
    assert lines[:3] + lines[4:] == data.split(b"\n")
    focmec2 = N.format_fault_plane_line(8.0, 6.0, 7.0, program="FOCMEC", flag="O")
    N.write_fault_plane(p, focmec2, prime=False)
    ev = N.read_sfile(p)
    assert [(f.program, f.strike, f.flag) for f in ev.fault_planes] == [
        ("", 1.0, ""),
        ("FOCMEC", 8.0, "O"),
    ]
    # no F-line at all: an OF-line goes in as line 2
    p2 = _write(tmp_path, sfile_old(), "b.S")
    N.write_fault_plane(p2, focmec, prime=False)
    assert p2.read_bytes().split(b"\n")[1] == focmec.encode()
    with pytest.raises(NordicError):
        N.write_fault_plane(p2, focmec, prime=True)


def test_writer_keeps_crlf_and_permissions(tmp_path):
    data = sfile_old(eol=b"\r\n")
    p = _write(tmp_path, data)
    os.chmod(p, 0o640)
    N.write_fault_plane(p, _pinv(), prime=True)
    out = p.read_bytes()
    assert out == data.replace(b"\r\n", b"\r\n" + _pinv().encode() + b"\r\n", 1)
    assert os.stat(p).st_mode & 0o777 == 0o640
    assert sorted(os.listdir(tmp_path)) == ["ev.S"]


def test_writer_event_index_in_hyp_out(tmp_path):
    one = sfile_old()
    data = one + one
    p = _write(tmp_path, data, "hyp.out")
    N.write_fault_plane(p, _pinv(), prime=True, event_index=1)
    events = N.read_events(p)
    assert events[0].fault_planes == [] and events[1].fault_planes[0].program == "PINV"
    assert b"".join(events[0].lines) == one
    with pytest.raises(NordicError, match="event 2"):
        N.write_fault_plane(p, _pinv(), prime=True, event_index=2)


def test_unwritable_file_names_it_and_stays(tmp_path):
    data = sfile_old()
    p = _write(tmp_path, data)
    os.chmod(p, 0o444)
    with pytest.raises(NordicError) as info:
        N.write_fault_plane(p, _pinv(), prime=True)
    assert str(p) in str(info.value)
    assert p.read_bytes() == data
    with pytest.raises(NordicError) as info:
        N.write_fault_plane(tmp_path / "nope.S", _pinv(), prime=True)
    assert "nope.S" in str(info.value)
    with pytest.raises(NordicError):
        N.write_fault_plane(p, "too short F", prime=True)


def test_database_walk(tmp_path):
    base = tmp_path / "TEST_"
    names = {
        "2020/05/17-0304-12L.S202005": sfile_old(),
        "2020/06/01-0000-00L.S202006": sfile_old(),
        "2021/01/02-1200-00D.S202101": b"garbage\n",
    }
    for rel, data in names.items():
        f = base / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(data)
    (base / "2020" / "05" / "notes.txt").write_bytes(b"x")
    got = [os.path.relpath(p, base) for p in N.iter_database(base)]
    assert got == sorted(names)
    got = list(N.iter_database(base, start=dt.date(2020, 6, 1), end=dt.date(2020, 12, 31)))
    assert [os.path.basename(p) for p in got] == ["01-0000-00L.S202006"]
    results = list(N.read_database(base))
    assert [isinstance(r, N.Event) for _p, r in results] == [True, True, False]
    assert isinstance(results[2][1], SeisfocError)
    with pytest.raises(NordicError):
        list(N.iter_database(tmp_path / "none"))


# ------------------------------------------------------------------ reference data


@pytest.mark.parametrize("path", _reference_files(), ids=lambda p: p.name)
def test_reference_sfile_reads_and_round_trips(reference_dir, path):
    data = path.read_bytes()
    ev = N.read_sfile(path)
    assert ev.to_bytes() == data
    assert ev.prime_header is not None and ev.prime_header.year >= 1990
    for p in ev.phases:
        p.as_dict()  # every field decodes
    expected = N.NORDIC2 if b"STAT COM" in data else N.NORDIC1
    assert ev.nordic_format == expected and ev.format_source == "type-7"


def test_reference_database_range(reference_dir):
    root = reference_dir / "sfiles" / "TEST_"
    every = list(N.iter_database(root))
    assert len(every) == len(list(root.rglob("*.S*")))
    some = list(N.iter_database(root, start=dt.datetime(1996, 6, 1), end=dt.date(1996, 6, 30)))
    assert some and all("/1996/06/" in p for p in some)
    assert all(isinstance(ev, N.Event) for _p, ev in N.read_database(root))


def test_reference_eev_insertion_is_byte_identical(reference_dir, tmp_path):
    ref = reference_dir / "eev_fi"
    p = _write(tmp_path, (ref / "22-0141-06L.S199508.before").read_bytes())
    N.write_fault_plane(p, _pinv(), prime=True)
    assert p.read_bytes() == (ref / "22-0141-06L.S199508.after_eev_fi").read_bytes()
    # writing the same line again changes nothing; the event reads with PINV prime
    N.write_fault_plane(p, _pinv(), prime=True)
    assert p.read_bytes() == (ref / "22-0141-06L.S199508.after_eev_fi").read_bytes()
    fp = N.read_sfile(p).prime_fault_plane
    assert (fp.program, fp.agency, fp.strike, fp.dip, fp.rake, fp.n_bad_polarities) == (
        "PINV",
        "BER",
        76.3,
        57.0,
        95.9,
        1,
    )


def test_reference_hyp_out_files(reference_dir):
    files = sorted(reference_dir.glob("pinv/*/hyp/hyp.out"))
    files += sorted(reference_dir.glob("edge/*/hyp.out*"))
    files += [reference_dir / "nordic2/19950822_nor2nor2/hyp.out"]
    files += sorted(reference_dir.glob("synthetic/*/hyp.out"))
    assert files
    for f in files:
        events = N.read_events(f)
        assert b"".join(x for e in events for x in e.lines) == f.read_bytes()
        for e in events:
            for p in e.phases:
                p.as_dict()
    comp = N.read_events(reference_dir / "edge/composite_nordic2/hyp.out.before")
    assert [e.nordic_format for e in comp] == [N.NORDIC2, N.NORDIC2]


def test_reference_nordic2_copy_has_same_readings(reference_dir):
    old = N.read_sfile(reference_dir / "sfiles/TEST_/1995/08/22-0141-06L.S199508")
    new = N.read_sfile(reference_dir / "nordic2/19950822_nor2nor2/hyp.out")
    assert (old.nordic_format, new.nordic_format) == (N.NORDIC1, N.NORDIC2)

    def readings(ev):
        return [(p.station, p.polarity, p.ain_deg, p.caz_deg) for p in ev.phases if p.polarity]

    assert readings(old) == readings(new) and len(readings(old)) == 13


def test_reference_latin1_file(reference_dir):
    f = reference_dir / "sfiles/TEST_/1990/12/13-1109-19L.S199012"
    ev = N.read_sfile(f)
    assert any(b"TUR\xd8Y" in x for x in ev.lines)
    assert ev.to_bytes() == f.read_bytes()


def test_header_line_helper():
    # the support module makes columns right: year in 2-5, type in 80
    h = header()
    assert h[1:5] == b"2020" and h[79:80] == b"1" and len(h) == 80
    assert line("F", (71, "PINV"))[70:77] == b"PINV   "
    assert BLANK.isspace()
