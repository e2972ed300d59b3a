"""seisfoc.nordic against ObsPy's Nordic reader on every shared reference file.

How ObsPy stores what PINV needs (obspy.io.nordic.core, ObsPy 1.5):
- polarity: ``Pick.polarity`` = "positive" for C, "negative" for D; U, + and - are not
  mapped (None), although SEISAN's U is a compression and +/- are emergent ones.
- AIN: ``Arrival.takeoff_angle``, read from columns 58-60 (old Nordic; seisfoc reads
  57-60 as the manual says, identical when column 57 is blank) or 59-63 (Nordic2). ObsPy
  makes arrivals only for lines without an amplitude (old) or for non-amplitude, non-END
  phases (Nordic2), and merges a BAZ line into the pick it belongs to.
- CAZ: ``Arrival.azimuth`` (columns 77-79).
- F-lines: ``FocalMechanism.nodal_planes.nodal_plane_1`` (strike, dip, rake), program as
  the last part of ``method_id``; ObsPy does not read column 79 (OF flag), the number of
  bad polarities or the quality, and stores the agency wrongly (see below).
"""

from __future__ import annotations

import warnings

import pytest
from conftest import have_reference, reference_path

from seisfoc import nordic as N

obspy_nordic = pytest.importorskip("obspy.io.nordic.core")

OBSPY_POLARITY = {"C": "positive", "D": "negative"}


def _files():
    if not have_reference():
        return []
    root = reference_path()
    out = sorted(p for p in (root / "sfiles").rglob("*.S*") if p.is_file())
    out += sorted(root.glob("pinv/*/hyp/hyp.out"))
    out += sorted(root.glob("edge/*/hyp.out*"))
    out += sorted(root.glob("eev_fi/*.S*"))
    out += [root / "nordic2/19950822_nor2nor2/hyp.out"]
    return out


def _read_obspy(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return obspy_nordic.read_nordic(str(path))


def _key(t):
    return tuple("" if x is None else str(x) for x in t)


@pytest.mark.parametrize(
    "path", _files(), ids=lambda p: "/".join(p.parts[-3:]) if hasattr(p, "parts") else str(p)
)
def test_polarity_ain_caz_and_fault_planes_agree_with_obspy(reference_dir, path):
    events = N.read_events(path)
    catalog = _read_obspy(path)
    assert len(catalog) == len(events)
    for ev, ob in zip(events, catalog, strict=True):
        new = ev.nordic_format == N.NORDIC2
        # ---- polarities: C and D agree; ObsPy drops U, + and -
        ours = sorted(
            (p.station, OBSPY_POLARITY[p.polarity])
            for p in ev.phases
            if p.polarity in "CD" and p.polarity
        )
        theirs = sorted(
            (pk.waveform_id.station_code, pk.polarity)
            for pk in ob.picks
            if pk.polarity in ("positive", "negative")
        )
        assert ours == theirs
        # ---- AIN and CAZ of every arrival ObsPy makes
        ours = []
        for p in ev.phases:
            raw = p.raw.ljust(80)
            if new:
                if not raw[14:37].strip() or p.phase.startswith(("BAZ", "END")):
                    continue
                if p.phase[:1] in ("A", "V") or p.phase[:3] in ("IAM", "IVM"):
                    continue
                ain = p.ain_deg
            else:
                if not raw[18:28].strip() or raw[33:40].strip():
                    continue
                if raw[56:57] == b" ":
                    ain = p.ain_deg
                else:  # ObsPy would read only 58-60: never happens in the reference data
                    pytest.fail(f"column 57 used in {path}:{p.line_number}")
            ours.append((p.station, ain, p.caz_deg))
        picks = {pk.resource_id: pk for pk in ob.picks}
        theirs = [
            (picks[a.pick_id].waveform_id.station_code, a.takeoff_angle, a.azimuth)
            for a in ob.origins[0].arrivals
            if a.phase != "BAZ"
        ]
        assert sorted(ours, key=_key) == sorted(theirs, key=_key)
        # ---- F-lines
        assert len(ob.focal_mechanisms) == len(ev.fault_planes)
        for fp, fm in zip(ev.fault_planes, ob.focal_mechanisms, strict=True):
            plane = fm.nodal_planes.nodal_plane_1
            assert (plane.strike, plane.dip, plane.rake) == (fp.strike, fp.dip, fp.rake)
            assert str(fm.method_id).rsplit("/", 1)[-1] == fp.program
            # ObsPy bug: it stores ``line[66:69].strip`` (the bound method, not its result),
            # so the agency becomes "<built-in method strip of str object at 0x...>"
            # instead of e.g. "BER"; seisfoc returns the three letters.
            assert str(fm.creation_info.agency_id).startswith("<built-in method strip")
            assert fp.agency == fp.raw[66:69].decode("latin-1").strip()
            # ObsPy reads an OF-line (column 79 "O") as just another mechanism and keeps
            # neither the flag nor the number of bad polarities nor the quality.
        assert [fp.flag for fp in ev.fault_planes].count("O") == sum(
            1 for fp in ev.fault_planes if not fp.is_prime
        )


def test_obspy_cannot_read_fortran_blank_fields(reference_dir):
    # the synthetic hyp.out files write seconds as "0 10.0"; SEISAN's Fortran read (blanks
    # are nulls) and seisfoc give 10.0, ObsPy raises ValueError
    path = reference_dir / "synthetic/sdr_30_60_90/hyp.out"
    ev = N.read_sfile(path)
    assert len([p for p in ev.phases if p.polarity]) == 40
    assert {p.second for p in ev.phases} == {10.0}
    with pytest.raises(ValueError):
        _read_obspy(path)


def test_obspy_misses_u_polarity(tmp_path):
    # own fixture: SEISAN's U (compression) and + (emergent compression) are not mapped
    from test_nordic_support import sfile_old

    path = tmp_path / "u.S"
    path.write_bytes(sfile_old())
    ev = N.read_sfile(path)
    ob = _read_obspy(path)[0]
    pol = {(p.station, p.polarity) for p in ev.phases if p.polarity}
    assert ("CCC", "U") in pol and ("DDD", "+") in pol
    theirs = {pk.waveform_id.station_code: pk.polarity for pk in ob.picks}
    assert theirs["CCC"] is None and theirs["DDD"] is None
    assert theirs["BBB"] == "negative"
