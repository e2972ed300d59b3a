"""seisfoc.io.nordic: time limits, S-file names and folders of a database, files that are not
files, refusing to write into what is not Nordic, and writing events back."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from support.nordic import header, line, old_phase, sfile_new, sfile_old

import seisfoc.fileio
from seisfoc.errors import NordicError, SeisfocError
from seisfoc.io import nordic as N
from seisfoc.io.nordic import database as D


def _database(tmp_path, names) -> str:
    base = tmp_path / "REA" / "TEST_"
    for rel in names:
        f = base / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        year, month = rel.split("/")[:2]
        day, hhmm = os.path.basename(rel)[:2], os.path.basename(rel)[3:7]
        f.write_bytes(sfile_old().replace(header(), _header(year, month, day, hhmm), 1))
    return str(base)


def _header(year, month, day, hhmm) -> bytes:
    return header(
        year=int(year), month=int(month), day=int(day), hour=int(hhmm[:2]), minute=int(hhmm[2:])
    )


def _names(paths) -> list[str]:
    return [os.path.basename(p) for p in paths]


# ------------------------------------------------------------------ time limits

DAY = [
    "1996/06/02-2359-59L.S199606",
    "1996/06/03-0000-00L.S199606",
    "1996/06/03-1955-35D.S199606",
    "1996/06/03-2359-59L.S199606",
    "1996/06/04-0000-00L.S199606",
]


@pytest.mark.parametrize(
    "end", ["1996-06-03", dt.date(1996, 6, 3), "19960603"], ids=["iso", "date", "basic"]
)
def test_date_end_includes_the_whole_day_for_every_kind_of_input(tmp_path, end):
    base = _database(tmp_path, DAY)
    for start in ("1996-06-03", dt.date(1996, 6, 3), dt.datetime(1996, 6, 3)):
        got = _names(N.iter_database(base, start=start, end=end))
        assert got == ["03-0000-00L.S199606", "03-1955-35D.S199606", "03-2359-59L.S199606"]


def test_a_date_and_time_is_inclusive_to_the_second(tmp_path):
    base = _database(tmp_path, DAY)
    for end in ("1996-06-03T19:55:35", "1996-06-03 19:55:35", dt.datetime(1996, 6, 3, 19, 55, 35)):
        got = _names(N.iter_database(base, start="1996-06-03T19:55:35", end=end))
        assert got == ["03-1955-35D.S199606"]
    got = _names(N.iter_database(base, end="1996-06-03T19:55:34"))
    assert got == ["02-2359-59L.S199606", "03-0000-00L.S199606"]
    # an aware time is converted to UTC, the time of S-files
    cet = dt.timezone(dt.timedelta(hours=1))
    got = _names(N.iter_database(base, start="1996-06-03T20:55:35+01:00", end="1996-06-03"))
    assert got == ["03-1955-35D.S199606", "03-2359-59L.S199606"]
    got = _names(N.iter_database(base, end=dt.datetime(1996, 6, 3, 1, 0, tzinfo=cet)))
    assert got == ["02-2359-59L.S199606", "03-0000-00L.S199606"]


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"start": "garbage"}, ["start", "'garbage'", "ISO date"]),
        ({"end": "1996-13-45"}, ["end", "'1996-13-45'", "month must be in 1..12"]),
        ({"end": "1996-06-03T25:00"}, ["end", "hour must be in 0..23"]),
        ({"start": 5}, ["start", "5"]),
        ({"start": 1996.5}, ["start"]),
        ({"start": "1996-07-01", "end": "1996-06-30"}, ["start", "after", "end"]),
    ],
)
def test_bad_limits_are_seisfoc_errors_at_the_call(tmp_path, kwargs, words):
    base = _database(tmp_path, DAY)
    for call in (N.iter_database, N.read_database):
        with pytest.raises(SeisfocError) as info:
            call(base, **kwargs)  # no iteration needed: raised at the call
        assert all(w in str(info.value) for w in words), str(info.value)
    with pytest.raises(SeisfocError):
        N.time_range(kwargs.get("start"), kwargs.get("end"))


def test_parse_time_keeps_dates_and_times_apart():
    assert N.parse_time("1996-06-03") == dt.date(1996, 6, 3)
    assert type(N.parse_time(" 1996-06-03 ")) is dt.date
    assert N.parse_time("1996-06-03T19:55") == dt.datetime(1996, 6, 3, 19, 55)
    assert N.parse_time(None) is None
    t0, t1 = N.time_range("1996-06-03", "1996-06-03")
    assert (t0, t1) == (dt.datetime(1996, 6, 3), dt.datetime(1996, 6, 3, 23, 59, 59, 999999))


# ------------------------------------------------------------------ names and folders


def test_only_sfile_names_are_read(tmp_path, monkeypatch):
    good = ["2020/05/17-0304-12L.S202005", "2020/05/17-0305-00R.S202005"]
    good += ["2020/05/18-0000-00D.S202005"]
    base = _database(tmp_path, good)
    month = os.path.join(base, "2020", "05")
    data = open(os.path.join(month, "17-0304-12L.S202005"), "rb").read()
    junk = [
        "17-0304-12L.S202005~",  # editor backups
        "17-0304-12L.S202005.bak",
        "#17-0304-12L.S202005#",
        ".17-0304-12L.S202005.swp",
        "17-0304-12X.S202005",  # not a distance indicator
        "17-0304-12l.S202005",
        "x17-0304-12L.S202005",
        "17-0304-12L.S2020055",
        "hyp.out.S",
    ]
    for name in junk:
        with open(os.path.join(month, name), "wb") as f:
            f.write(data)
    # the temporary file of an atomic write that was killed before its rename
    made = []
    real = seisfoc.fileio.tempfile.mkstemp

    def record(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        made.append(name)
        return fd, name

    monkeypatch.setattr(seisfoc.fileio.tempfile, "mkstemp", record)
    target = os.path.join(month, "17-0304-12L.S202005")
    N.write_fault_plane(target, N.format_fault_plane_line(1, 2, 3, program="X"), prime=True)
    (leftover,) = made
    assert os.path.dirname(leftover) == month and not os.path.exists(leftover)
    with open(leftover, "wb") as f:
        f.write(data)
    assert not N.is_sfile_name(os.path.basename(leftover))
    assert _names(N.iter_database(base)) == [os.path.basename(g) for g in good]
    assert all(isinstance(ev, N.Event) for _p, ev in N.read_database(base))


def test_a_folder_without_year_month_folders_is_not_a_database(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "17-0304-12L.S202005").write_bytes(sfile_old())
    (tmp_path / "2020").mkdir()  # a year without months
    with pytest.raises(NordicError, match="not a SEISAN database") as info:
        N.iter_database(tmp_path)
    assert info.value.path == str(tmp_path)
    with pytest.raises(NordicError, match="not a SEISAN database"):
        N.read_database(tmp_path / "17-0304-12L.S202005")
    # an empty database (as makerea leaves it) is a database with no S-files
    (tmp_path / "2020" / "05").mkdir()
    assert list(N.iter_database(tmp_path)) == []


# ------------------------------------------------------------------ not regular files


def test_devices_fifos_and_folders_are_refused_without_reading(tmp_path):
    if os.path.exists("/dev/zero"):
        with pytest.raises(NordicError, match="character device") as info:
            N.read_events("/dev/zero")  # would never end if it were read
        assert info.value.path == "/dev/zero"
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo.S202001"
        os.mkfifo(fifo)
        with pytest.raises(NordicError, match="FIFO") as info:
            N.read_sfile(fifo)  # would block for ever waiting for a writer
        assert info.value.path == str(fifo)
        with pytest.raises(NordicError, match="FIFO"):
            N.write_fault_plane(fifo, N.format_fault_plane_line(1, 2, 3, program="X"), prime=True)
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    with pytest.raises(NordicError, match="is a folder") as info:
        N.read_events(tmp_path)
    assert info.value.path == str(tmp_path)


# ------------------------------------------------------------------ writer refuses


def _fline() -> str:
    return N.format_fault_plane_line(10.0, 20.0, 30.0, program="PINV", agency="BER")


@pytest.mark.parametrize(
    "data, words",
    [
        (b"hello world\nthis is not an S-file\n", ["type-1", "line 1"]),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary\n", ["NUL"]),
        (sfile_old() + b"\n" * 2 + b"a second, broken event\n", ["type-1"]),
        (sfile_old()[:200] + b"\x00" + sfile_old()[200:], ["NUL"]),
        (line("F", (71, "PINV")) + b"\n", ["type-1"]),  # an F-line alone
    ],
    ids=["text", "binary", "second-event", "nul-inside", "f-line-only"],
)
def test_writer_refuses_files_that_are_not_nordic(tmp_path, data, words):
    path = tmp_path / "notes.txt"
    path.write_bytes(data)
    for prime in (True, False):
        with pytest.raises(NordicError) as info:
            N.write_fault_plane(path, _fline(), prime=prime)
        assert info.value.path == str(path)
        assert all(w in str(info.value) for w in words), str(info.value)
        assert path.read_bytes() == data
    assert os.listdir(tmp_path) == ["notes.txt"]


def test_writer_still_accepts_a_phase_line_the_reader_rejects(tmp_path):
    data = sfile_old(extra=[old_phase("BAD", ain=" 1x0")])
    path = tmp_path / "ev.S"
    path.write_bytes(data)
    with pytest.raises(NordicError):
        N.read_sfile(path)
    N.write_fault_plane(path, _fline(), prime=True)
    assert path.read_bytes().split(b"\n")[1] == _fline().encode()


# ------------------------------------------------------------------ write_events


@pytest.mark.parametrize("eol", [b"\n", b"\r\n"])
def test_write_events_round_trip(tmp_path, eol):
    data = sfile_old(eol=eol) + sfile_new(eol=eol)
    src = tmp_path / "hyp.out"
    src.write_bytes(data)
    os.chmod(src, 0o640)
    events = N.read_events(src)
    N.write_events(src, events)
    assert src.read_bytes() == data
    assert os.stat(src).st_mode & 0o777 == 0o640
    out = tmp_path / "one.S"
    N.write_events(out, events[1])
    assert out.read_bytes() == sfile_new(eol=eol)
    assert sorted(os.listdir(tmp_path)) == ["hyp.out", "one.S"]


def test_write_events_keeps_events_apart(tmp_path):
    # a file ending without its blank line (and without a line ending): written before
    # another event, it gets them, so the two events read back as two
    cut = sfile_old().rstrip(b"\n ")
    last = N.parse_events(cut)[0]
    out = tmp_path / "two.S"
    N.write_events(out, [last, N.parse_events(sfile_new())[0]])
    assert out.read_bytes() == cut + b"\n\n" + sfile_new()
    assert [e.nordic_format for e in N.read_events(out)] == [N.NORDIC1, N.NORDIC2]
    N.write_events(out, [N.parse_events(sfile_new())[0], last])
    assert out.read_bytes() == sfile_new() + cut  # the last event is written as it is
    with pytest.raises(NordicError, match="no events"):
        N.write_events(out, [])


def test_write_events_round_trip_of_reference_files(reference_dir, tmp_path):
    files = sorted((reference_dir / "sfiles").rglob("*.S*"))[::5]
    files += [reference_dir / "edge/composite_nordic1/hyp.out.before"]
    files += [reference_dir / "sfiles/TEST_/1990/12/13-1109-19L.S199012"]  # Latin-1 bytes
    for src in files:
        out = tmp_path / src.name
        N.write_events(out, N.read_events(src))
        assert out.read_bytes() == src.read_bytes(), src


def test_an_end_string_covers_its_last_unit():
    """--end 1996-06-03T19:55 takes an event at 19:55:35, as a date takes its whole day."""
    from seisfoc.io.nordic import time_range

    minute = dt.datetime(1996, 6, 3, 19, 55, 59, 999999)
    assert time_range(None, "1996-06-03T19:55")[1] == minute
    assert time_range(None, "1996-06-03 19:55Z")[1] == minute
    assert time_range(None, "1996-06-03T19")[1] == dt.datetime(1996, 6, 3, 19, 59, 59, 999999)
    second = dt.datetime(1996, 6, 3, 19, 55, 35, 999999)
    assert time_range(None, "1996-06-03T19:55:35")[1] == second
    assert time_range(None, "1996-06-03T19:55:35.5")[1] == dt.datetime(
        1996, 6, 3, 19, 55, 35, 599999
    )
    # a datetime object is exact
    assert time_range(None, dt.datetime(1996, 6, 3, 19, 55))[1] == dt.datetime(1996, 6, 3, 19, 55)


def test_an_unreadable_month_folder_is_reported_and_the_walk_goes_on(tmp_path, monkeypatch):
    base = tmp_path / "REA" / "TEST_"
    for month in ("01", "02"):
        folder = base / "2000" / month
        folder.mkdir(parents=True)
        (folder / f"01-0000-00L.S2000{month}").write_bytes(sfile_old())
    scan = D._scan

    def failing_scan(folder):
        if folder.endswith(os.path.join("2000", "01")):
            raise NordicError("cannot list the folder: Permission denied", path=folder)
        return scan(folder)

    monkeypatch.setattr(D, "_scan", failing_scan)
    got = list(N.read_database(base))
    assert isinstance(got[0][1], NordicError) and "cannot list" in str(got[0][1])
    assert got[1][0].endswith("01-0000-00L.S200002") and isinstance(got[1][1], N.Event)
    with pytest.raises(NordicError, match="cannot list"):
        list(N.iter_database(base))
