"""Ingest: SAC, SPECFEM ASCII and ASDF outputs of the same arrays give the same record."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from cmt_waveforms import STATIONS, reference_cmt
from seisfoc.cmt import ingest
from seisfoc.cmt.simulate import Synthetics, write_sem_ascii, write_sem_sac

from seisfoc.errors import SeisfocError
from seisfoc.io.sac import read_sac, write_sac


def _synthetics(seed: int = 1) -> Synthetics:
    rng = np.random.default_rng(seed)
    n = 500
    data = rng.standard_normal((3, 3, n)) * 1e-5
    return Synthetics(list(STATIONS[:3]), -12.0, 0.75, data)


def _write_asdf(path, cmt, syn: Synthetics) -> None:
    import pyasdf
    from obspy import Stream, Trace, UTCDateTime

    start = UTCDateTime(cmt.centroid_time) + syn.t0_s
    st = Stream()
    for i, s in enumerate(syn.stations):
        for c, comp in enumerate("ZNE"):
            tr = Trace(np.asarray(syn.data[i, c], dtype=np.float64))
            tr.stats.network, tr.stats.station = s.network, s.station
            tr.stats.location, tr.stats.channel = "S1", "MX" + comp
            tr.stats.delta = syn.dt_s
            tr.stats.starttime = start
            st += tr
    ds = pyasdf.ASDFDataSet(str(path), mode="w")
    ds.add_waveforms(st, tag="synthetic")
    del ds


def test_three_formats_give_the_same_record(tmp_path):
    cmt = reference_cmt()
    syn = _synthetics()
    for name in ("sac", "ascii", "asdf"):
        (tmp_path / name).mkdir()
    write_sem_sac(tmp_path / "sac", cmt, syn)
    write_sem_ascii(tmp_path / "ascii", syn)
    _write_asdf(tmp_path / "asdf" / "synthetic.h5", cmt, syn)
    records = {
        "sac": ingest.read_output_files(tmp_path / "sac", cmt.centroid_time),
        "ascii": ingest.read_output_files(tmp_path / "ascii"),
        "asdf": ingest.read_output_files(tmp_path / "asdf", cmt.centroid_time),
    }
    assert ingest.detect_format(tmp_path / "asdf") == "asdf"
    codes = sorted(s.code for s in syn.stations)
    for fmt, rec in records.items():
        assert rec.codes == codes, fmt
        assert rec.kind == "synthetic" and rec.units == "m"
        for i, st in enumerate(syn.stations):
            for c, comp in enumerate("ZNE"):
                tr = rec.traces[st.code][comp]
                assert tr.t0_s == pytest.approx(syn.t0_s, abs=1e-6), fmt
                assert tr.dt_s == pytest.approx(syn.dt_s, rel=1e-7), fmt
                assert tr.data.dtype == np.float64
                # SAC stores float32, ASCII 8 significant digits
                np.testing.assert_allclose(tr.data, syn.data[i, c], rtol=0, atol=3e-12)
    # and the three records agree with each other to the precision of the files
    for code in codes:
        for comp in "ZNE":
            a = records["sac"].traces[code][comp].data
            for fmt in ("ascii", "asdf"):
                np.testing.assert_allclose(records[fmt].traces[code][comp].data, a, atol=3e-12)


def test_sac_with_another_reference_time(tmp_path):
    """A SAC file whose reference is the origin time (not the centroid) is placed right."""
    cmt = replace(reference_cmt(), time_shift_s=7.25)
    from seisfoc.io.sac import reference_fields

    path = tmp_path / "II.PFO.MXZ.sem.sac"
    write_sac(path, np.arange(10.0), {**reference_fields(cmt.origin_time), "delta": 1.0, "b": 3.0})
    tr = ingest.read_sem_sac(path, cmt.centroid_time)
    assert tr.t0_s == pytest.approx(3.0 - 7.25, abs=1e-6)
    assert ingest.read_sem_sac(path).t0_s == pytest.approx(3.0)  # SPECFEM: b about the centroid


def test_sac_read_by_obspy_and_both_byte_orders(tmp_path):
    from obspy import read

    data = np.linspace(-1, 1, 50)
    header = {"delta": 0.5, "b": -2.0, "kstnm": "ANMO", "knetwk": "IU", "kcmpnm": "MXZ"}
    write_sac(tmp_path / "a.sac", data, header)
    tr = read(str(tmp_path / "a.sac"))[0]
    np.testing.assert_allclose(tr.data, data, rtol=1e-6)
    assert tr.stats.sac.b == -2.0 and tr.stats.delta == 0.5 and tr.id == "IU.ANMO..MXZ"
    tr.write(str(tmp_path / "big.sac"), format="SAC", byteorder=">")
    back = read_sac(tmp_path / "big.sac")
    np.testing.assert_allclose(back.data, data, rtol=1e-6)
    assert back.header["kstnm"] == "ANMO" and back.b == -2.0


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("0.0 1.0\n1.0 2.0\n2.0 x\n", 3, "not a number"),
        ("0.0 1.0\n1.0 2.0 3.0\n", 2, "two columns"),
        ("0.0 1.0\n1.0 2.0\n2.5 3.0\n3.5 4.0\n", 3, "uneven sampling"),
        ("0.0 1.0\n1.0 nan\n", 2, "not a finite number"),
    ],
)
def test_malformed_ascii_names_the_line(tmp_path, text, line, message):
    path = tmp_path / "IU.ANMO.MXZ.sem.ascii"
    path.write_text(text)
    with pytest.raises(SeisfocError, match=message) as e:
        ingest.read_output_files(tmp_path)
    assert e.value.line == line and e.value.path == str(path)


def test_malformed_sac_and_folders(tmp_path):
    bad = tmp_path / "IU.ANMO.MXZ.sem.sac"
    bad.write_bytes(b"\0" * 100)
    with pytest.raises(SeisfocError, match="not a SAC file") as e:
        ingest.read_output_files(tmp_path)
    assert e.value.path == str(bad)
    write_sac(bad, np.zeros(100), {"delta": 1.0})
    bad.write_bytes(bad.read_bytes()[:-40])
    with pytest.raises(SeisfocError, match="says 100 samples"):
        ingest.read_output_files(tmp_path)
    bad.unlink()
    odd = tmp_path / "weird.sem.sac"
    write_sac(odd, np.zeros(5), {"delta": 1.0})
    with pytest.raises(SeisfocError, match="SPECFEM's naming"):
        ingest.read_output_files(tmp_path)
    odd.unlink()
    with pytest.raises(SeisfocError, match="no \\*.sem.sac"):
        ingest.read_output_files(tmp_path)
    with pytest.raises(SeisfocError, match="does not exist"):
        ingest.read_output_files(tmp_path / "nope")
    (tmp_path / "x.h5").write_bytes(b"not hdf5")
    with pytest.raises(SeisfocError, match="centroid time"):
        ingest.read_output_files(tmp_path)
    with pytest.raises(SeisfocError, match="not a readable ASDF"):
        ingest.read_output_files(tmp_path, reference_cmt().centroid_time)


def test_duplicate_trace_is_an_error(tmp_path):
    write_sac(tmp_path / "IU.ANMO.MXZ.sem.sac", np.zeros(5), {"delta": 1.0})
    write_sac(tmp_path / "IU.ANMO.00.BXZ.sem.sac", np.zeros(5), {"delta": 1.0})
    with pytest.raises(SeisfocError, match="occurs twice"):
        ingest.read_output_files(tmp_path)


def test_ingest_run_of_the_simulated_event(cmt_event):
    rec = ingest.ingest_run(cmt_event.layout, "CMT_depth")
    assert rec.codes == sorted(s.code for s in cmt_event.stations)
    tr = rec.traces["IU.HRV"]["E"]
    assert tr.t0_s == pytest.approx(-1.5 * cmt_event.reference.half_duration_s)
    assert tr.dt_s == pytest.approx(1.0)
    assert np.isfinite(tr.data).all() and np.abs(tr.data).max() > 0
