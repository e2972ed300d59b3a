"""seisfoc.io.nordic against ObsPy's Nordic reader on every Nordic file of the shared reference.

Each test asserts what ObsPy (1.5) actually returns next to what seisfoc reads, so it says
where ObsPy differs and fails if ObsPy's behaviour changes:

- polarity: ``Pick.polarity`` is "positive" for C and "negative" for D; SEISAN's U (a
  compression) and the emergent + and - are dropped (None), and an old-Nordic line with a
  long phase name (column 15 not 0-4, 9 or blank) gets "undecidable".
- AIN: ``Arrival.takeoff_angle`` (old Nordic columns 58-60, seisfoc reads 57-60 as the
  manual says, identical when column 57 is blank; Nordic2 59-63); CAZ: ``Arrival.azimuth``.
  ObsPy makes arrivals only for lines without an amplitude (old) or for non-amplitude,
  non-END phases (Nordic2), and merges a BAZ line into its pick.
- F-lines: strike, dip, rake, their errors (when all three read) and the fit error
  (``misfit``) agree where ObsPy reads them. ObsPy drops the OF flag (column 79), the
  number of bad polarities and the quality: no attribute of its FocalMechanism differs
  between a prime line and an OF-line, and no event gets a preferred mechanism. It stores
  the agency as the text of the bound method ``line[66:69].strip``, not its result.
- ObsPy cannot read Fortran blanks inside a number (``"0 10.0"`` seconds in the
  synthetic files): it raises, so those files are compared through a copy with only
  those fields closed up, which seisfoc reads identically.
"""

from __future__ import annotations

import collections
import functools
import os
import tempfile
import warnings
from pathlib import Path

import pytest
from support.reference import have_reference, reference_path

from seisfoc.io import nordic as N

obspy_nordic = pytest.importorskip("obspy.io.nordic.core")
from obspy import UTCDateTime  # noqa: E402

OBSPY_POLARITY = {"C": "positive", "D": "negative"}
#: the FocalMechanism attributes ObsPy fills from an F-line (misfit and station
#: distribution ratio only when they read as numbers)
FM_ALWAYS = {"resource_id", "method_id", "creation_info", "nodal_planes"}
FM_SOMETIMES = {"misfit", "station_distribution_ratio"}


def _files() -> list[Path]:
    if not have_reference():
        return []
    root = reference_path()
    out = sorted(p for p in (root / "sfiles").rglob("*.S*") if p.is_file())
    out += sorted(root.glob("pinv/*/hyp/hyp.out"))
    out += sorted(root.glob("pinv/*/*/fps.out"))
    out += sorted(root.glob("edge/*/hyp.out*"))
    out += sorted(root.glob("edge/*/fps.out"))
    out += sorted(root.glob("eev_fi/*.S*"))
    out += sorted(root.glob("nordic2/*/hyp.out"))
    out += sorted(root.glob("nordic2/*/fps.out"))
    out += sorted(root.glob("synthetic/*/hyp.out"))
    out += sorted(root.glob("synthetic/*/fps.out"))
    out += sorted(root.glob("edge/format_both/*/hyp.out*"))
    out += sorted(root.glob("edge/format_both/*/fps.out"))
    out += sorted(root.glob("bundle/*/hyp.out*"))
    out += sorted(root.glob("bundle/*/fps.out"))
    out += sorted(root.glob("bundle/*/run2/hyp.out*"))
    out += sorted(root.glob("bundle/*/run2/fps.out"))
    return out


def _nordic_files_in_reference(root: Path) -> set[Path]:
    """Every file of the reference whose first non-blank line is a type-1 header."""
    found = set()
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if name.endswith(".gz"):
                continue
            with open(path, "rb") as f:
                lines = [x for x in f.read(4000).splitlines() if x.strip()]
            if lines and lines[0][79:80] == b"1":
                found.add(path)
    return found


def test_every_reference_nordic_file_is_compared(reference_dir):
    assert _nordic_files_in_reference(reference_dir) == set(_files())


def _obspy(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return obspy_nordic.read_nordic(str(path))


def _close_fortran_blanks(data: bytes) -> bytes:
    """The file with the seconds of old-Nordic phase lines written without inner blanks
    (``"0 10.0"`` -> ``"  10.0"``, the value SEISAN's Fortran read gives)."""
    out = []
    for ln in data.splitlines(keepends=True):
        body = ln.rstrip(b"\r\n")
        sec = body[22:28]
        if body[79:80] in (b" ", b"4") and b" " in sec.strip():
            ln = body[:22] + sec.replace(b" ", b"").rjust(6) + ln[28:]
        out.append(ln)
    return b"".join(out)


@functools.cache
def _both(path: Path):
    """(seisfoc events, ObsPy catalog, whether ObsPy needed the closed-up copy)."""
    events = N.read_events(path)
    try:
        return events, _obspy(path), False
    except ValueError as err:
        assert "could not convert string to float" in str(err)
    data = path.read_bytes()
    fixed = _close_fortran_blanks(data)
    assert fixed != data, "ObsPy failed for another reason than a Fortran blank"
    copy = N.parse_events(fixed, path)
    assert [[p.as_dict() | {"raw": 0} for p in e.phases] for e in copy] == [
        [p.as_dict() | {"raw": 0} for p in e.phases] for e in events
    ]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder) / path.name
        tmp.write_bytes(fixed)
        return events, _obspy(tmp), True


def _key(t) -> tuple:
    return tuple("" if x is None else str(x) for x in t)


def _seconds(p) -> float:
    return round(p.hour * 3600 + (p.minute or 0) * 60 + (p.second or 0.0), 2)


def _obspy_polarity_expected(p, new: bool) -> str | None:
    """What ObsPy returns as ``Pick.polarity`` for the phase line seisfoc read as ``p``."""
    if not new and p.raw.ljust(80)[14:15] not in b" 012349":
        # column 15 not a weight ObsPy knows (a long phase name such as IAMs_20): its
        # polarity '' maps to undecidable
        return "undecidable"
    return OBSPY_POLARITY.get(p.polarity)  # U, +, - and blank: None


def _compare(path: Path) -> collections.Counter:
    """Assert agreement on one file; the counts of what was compared."""
    events, catalog, _closed = _both(path)
    counts = collections.Counter()
    assert len(catalog) == len(events)
    for ev, ob in zip(events, catalog, strict=True):
        new = ev.nordic_format == N.NORDIC2
        h = ev.prime_header
        midnight = UTCDateTime(h.year, h.month, h.day)
        # ---- polarities: every ObsPy pick against the line(s) it was read from
        lines = collections.defaultdict(list)
        for p in ev.phases:
            if p.hour is not None:
                lines[(p.station, p.phase, _seconds(p))].append(p)
        for pk in ob.picks:
            key = (pk.waveform_id.station_code, pk.phase_hint, round(pk.time - midnight, 2))
            assert key in lines, key
            assert pk.polarity in {_obspy_polarity_expected(p, new) for p in lines[key]}, key
            counts["picks"] += 1
        ours = sorted(
            (p.station, p.phase, _seconds(p), OBSPY_POLARITY[p.polarity])
            for p in ev.phases
            if p.polarity in OBSPY_POLARITY
        )
        theirs = sorted(
            (pk.waveform_id.station_code, pk.phase_hint, round(pk.time - midnight, 2), pk.polarity)
            for pk in ob.picks
            if pk.polarity in ("positive", "negative")
        )
        assert ours == theirs
        counts["C/D"] += len(ours)
        # ---- AIN and CAZ of every arrival ObsPy makes
        ours = []
        for p in ev.phases:
            raw = p.raw.ljust(80)
            if new:
                if not raw[14:37].strip() or p.phase.startswith(("BAZ", "END")):
                    continue
                if p.phase[:1] in ("A", "V") or p.phase[:3] in ("IAM", "IVM"):
                    continue
            else:
                if not raw[18:28].strip() or raw[33:40].strip():
                    continue
                assert raw[56:57] == b" ", f"column 57 used in {path}:{p.line_number}"
            ours.append((p.station, p.ain_deg, p.caz_deg))
        picks = {pk.resource_id: pk for pk in ob.picks}
        theirs = [
            (picks[a.pick_id].waveform_id.station_code, a.takeoff_angle, a.azimuth)
            for a in (ob.origins[0].arrivals if ob.origins else [])
            if a.phase != "BAZ"
        ]
        assert sorted(ours, key=_key) == sorted(theirs, key=_key)
        counts["AIN/CAZ"] += sum(1 for _s, a, c in ours if a is not None or c is not None)
        # ---- F-lines
        assert ob.preferred_focal_mechanism_id is None  # ObsPy cannot tell the prime line
        assert len(ob.focal_mechanisms) == len(ev.fault_planes)
        for fp, fm in zip(ev.fault_planes, ob.focal_mechanisms, strict=True):
            counts.update(_compare_fault_plane(fp, fm))
        if ev.fault_planes:
            filled = {frozenset(_filled(fm)) for fm in ob.focal_mechanisms}
            flags = {(fp.flag, fp.quality, fp.n_bad_polarities) for fp in ev.fault_planes}
            counts["F flags"] += len(flags)
            # the flags seisfoc reads are nowhere in ObsPy's objects: only the numbers are
            assert filled <= {frozenset(FM_ALWAYS | s) for s in _subsets(FM_SOMETIMES)}
    return counts


def _subsets(s: set):
    items = sorted(s)
    return [{x for k, x in enumerate(items) if mask >> k & 1} for mask in range(1 << len(items))]


def _filled(fm) -> set[str]:
    return {k for k in fm.keys() if fm[k] not in (None, [], "")}


def _compare_fault_plane(fp, fm) -> collections.Counter:
    counts = collections.Counter()
    plane = fm.nodal_planes.nodal_plane_1
    assert (plane.strike, plane.dip, plane.rake) == (fp.strike, fp.dip, fp.rake)
    assert str(fm.method_id).rsplit("/", 1)[-1] == fp.program
    # ObsPy stores ``line[66:69].strip``, the method, not its result, and CreationInfo
    # makes it a string: "<built-in method strip ...>" instead of e.g. "BER"
    assert fm.creation_info.agency_id.startswith("<built-in method strip of str object")
    assert fp.agency == fp.raw[66:69].decode("latin-1").strip()
    # the errors, the fit error and the station distribution ratio where ObsPy reads them
    for theirs, ours in (
        (plane.strike_errors.uncertainty, fp.strike_error),
        (plane.dip_errors.uncertainty, fp.dip_error),
        (plane.rake_errors.uncertainty, fp.rake_error),
        (fm.misfit, fp.fit_error),
        (fm.station_distribution_ratio, fp.station_distribution_ratio),
    ):
        if theirs is not None:
            assert theirs == ours
            counts["F numbers"] += 1
    # what ObsPy drops: OF flag, bad polarities, quality (seisfoc: fp.flag, ...)
    assert fm.evaluation_status is None and fm.evaluation_mode is None
    assert fm.station_polarity_count is None and fm.comments == []
    if fp.flag == "O" or fp.quality or fp.n_bad_polarities is not None:
        counts["dropped by ObsPy"] += 1
    return counts


@pytest.mark.parametrize(
    "path", _files(), ids=lambda p: "/".join(p.parts[-3:]) if hasattr(p, "parts") else str(p)
)
def test_polarity_ain_caz_and_fault_planes_agree_with_obspy(reference_dir, path):
    _compare(path)


def test_the_comparison_is_not_vacuous(reference_dir):
    total = collections.Counter()
    for path in _files():
        total.update(_compare(path))
    assert total["C/D"] >= 290 and total["AIN/CAZ"] >= 1000 and total["picks"] >= 2000
    assert total["F numbers"] >= 5  # fit errors ObsPy reads as misfit
    assert total["dropped by ObsPy"] >= 20  # OF-lines, qualities, bad-polarity counts
    assert sum(_both(p)[2] for p in _files()) == 2  # the synthetic hyp.out files


def test_obspy_cannot_read_fortran_blank_fields(reference_dir):
    # the synthetic hyp.out files write seconds as "0 10.0"; SEISAN's Fortran read (blanks
    # are nulls) and seisfoc give 10.0, ObsPy raises ValueError
    path = reference_dir / "synthetic/sdr_30_60_90/hyp.out"
    ev = N.read_sfile(path)
    assert len([p for p in ev.phases if p.polarity]) == 40
    assert {p.second for p in ev.phases} == {10.0}
    with pytest.raises(ValueError):
        _obspy(path)


def test_obspy_flags_of_an_of_line_and_a_prime_line_look_the_same(tmp_path):
    # own fixture: a prime line and an OF-line with quality and bad polarities
    from support.nordic import sfile_old

    prime = N.format_fault_plane_line(10, 20, 30, program="PINV", n_bad_polarities=3)
    of = N.format_fault_plane_line(
        40, 50, 60, program="FOCMEC", n_bad_polarities=1, quality="B", flag="O", fit_error=0.25
    )
    path = tmp_path / "f.S"
    path.write_bytes(sfile_old(fault_lines=[prime.encode(), of.encode()]))
    ev = N.read_sfile(path)
    assert [(f.flag, f.quality, f.n_bad_polarities) for f in ev.fault_planes] == [
        ("", "", 3),
        ("O", "B", 1),
    ]
    ob = _obspy(path)[0]
    assert ob.preferred_focal_mechanism_id is None
    assert [_filled(fm) for fm in ob.focal_mechanisms] == [FM_ALWAYS, FM_ALWAYS | {"misfit"}]
    assert ob.focal_mechanisms[1].misfit == ev.fault_planes[1].fit_error == 0.25


def test_obspy_misses_u_polarity(tmp_path):
    # own fixture: SEISAN's U (compression) and + (emergent compression) are not mapped
    from support.nordic import sfile_old

    path = tmp_path / "u.S"
    path.write_bytes(sfile_old())
    ev = N.read_sfile(path)
    ob = _obspy(path)[0]
    pol = {(p.station, p.polarity) for p in ev.phases if p.polarity}
    assert ("CCC", "U") in pol and ("DDD", "+") in pol
    theirs = {pk.waveform_id.station_code: pk.polarity for pk in ob.picks}
    assert theirs["CCC"] is None and theirs["DDD"] is None
    assert theirs["BBB"] == "negative"
