"""seisfoc.io.cmtsolution: parsing cases, round trips, ObsPy's reader as a reference, errors."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from support.cmtsolution import FORMATS_EXAMPLE  # noqa: E402

from seisfoc import mechanism as mech
from seisfoc.errors import SeisfocError
from seisfoc.io.cmtsolution import (
    CMTSolution,
    format_cmtsolution,
    parse_cmtsolution,
    read_cmtsolution,
    write_cmtsolution,
)

# A solution in the Global CMT layout: 4-character code glued to the year, values end
# in column 23 (what format_cmtsolution must write back byte for byte).
GCMT_LAYOUT = """\
 PDEW2016  3  2 12 49 48.10  -4.9100   94.2800  24.0 7.1 7.8 SOUTH OF SUMATRA
event name:     201603021249A
time shift:     10.1100
half duration:  19.8000
latitude:       -4.7300
longitude:      94.3000
depth:          12.0000
Mrr:      -1.210000e+26
Mtt:      -5.120000e+27
Mpp:       5.240000e+27
Mrt:       1.380000e+26
Mrp:      -3.370000e+26
Mtp:       2.440000e+27
"""


def _solution(**changes) -> CMTSolution:
    values = dict(
        hypocentre_catalogue="PDE",
        origin_time=datetime(2010, 7, 18, 13, 34, 59, 700000, tzinfo=UTC),
        hypocentre_latitude=-5.95,
        hypocentre_longitude=150.43,
        hypocentre_depth_km=35.0,
        mb=6.9,
        ms=7.3,
        region="NEW BRITAIN REGION",
        event_name="201007181334A",
        time_shift_s=14.32,
        half_duration_s=8.5,
        centroid_latitude=-5.91,
        centroid_longitude=150.1,
        centroid_depth_km=40.9,
        mrr=-1.51e26,
        mtt=1.34e26,
        mpp=1.7e25,
        mrt=2.1e26,
        mrp=-3.59e26,
        mtp=7.8e25,
    )
    values.update(changes)
    return CMTSolution(**values)


def _random_solutions(n, seed=1):
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        scale = 10.0 ** rng.integers(20, 29)
        moments = [float(f"{x:.6e}") for x in rng.normal(size=6) * scale]  # as written
        t = datetime(1976, 1, 1, tzinfo=UTC) + timedelta(
            seconds=round(float(rng.uniform(0, 1.5e9)), 2)
        )
        out.append(
            _solution(
                hypocentre_catalogue=["PDE", "PDEW", "SWE", "ISCQ"][k % 4],
                origin_time=t,
                hypocentre_latitude=round(float(rng.uniform(-90, 90)), 4),
                hypocentre_longitude=round(float(rng.uniform(-180, 180)), 4),
                hypocentre_depth_km=round(float(rng.uniform(0, 700)), 1),
                mb=round(float(rng.uniform(0, 7)), 1),
                ms=round(float(rng.uniform(0, 8)), 1),
                region=f"REGION {k}",
                event_name=f"E{k:05d}A",
                time_shift_s=round(float(rng.uniform(-5, 60)), 4),
                half_duration_s=round(float(rng.uniform(0.1, 60)), 4),
                centroid_latitude=round(float(rng.uniform(-90, 90)), 4),
                centroid_longitude=round(float(rng.uniform(-180, 180)), 4),
                centroid_depth_km=round(float(rng.uniform(0, 700)), 4),
                mrr=float(moments[0]),
                mtt=float(moments[1]),
                mpp=float(moments[2]),
                mrt=float(moments[3]),
                mrp=float(moments[4]),
                mtp=float(moments[5]),
            )
        )
    return out


# ---------------------------------------------------------------------------- parsing


def test_formats_example_is_read():
    (s,) = parse_cmtsolution(FORMATS_EXAMPLE)
    assert s == _solution()
    assert s.origin_time == datetime(2010, 7, 18, 13, 34, 59, 700000, tzinfo=UTC)
    assert s.centroid_time == datetime(2010, 7, 18, 13, 35, 14, 20000, tzinfo=UTC)
    assert s.region == "NEW BRITAIN REGION"
    assert s.line_number == 1


@pytest.mark.parametrize(
    "first_line, code",
    [
        ("PDE 2001  1 26  3 16 40.50  23.4100   70.2300  16.0 6.9 8.0 INDIA", "PDE"),
        (" PDE 2001  1 26  3 16 40.50  23.4100   70.2300  16.0 6.9 8.0 INDIA", "PDE"),
        (" PDEW2001  1 26  3 16 40.50  23.4100   70.2300  16.0 6.9 8.0 INDIA", "PDEW"),
        ("PDEW2001  1 26  3 16 40.50  23.4100   70.2300  16.0 6.9 8.0 INDIA", "PDEW"),
        ("PDEW 2001 01 26 03 16 40.50 23.41 70.23 16.0 6.9 8.0   INDIA", "PDEW"),
        ("\tMLI  2001 1 26 3 16   40.5  23.41  70.23 16 6.9 8   INDIA", "MLI"),
    ],
)
def test_hypocentre_line_is_split_on_whitespace(first_line, code):
    text = first_line + "\n" + FORMATS_EXAMPLE.split("\n", 1)[1]
    (s,) = parse_cmtsolution(text)
    assert s.hypocentre_catalogue == code
    assert s.origin_time == datetime(2001, 1, 26, 3, 16, 40, 500000, tzinfo=UTC)
    assert (s.hypocentre_latitude, s.hypocentre_longitude, s.hypocentre_depth_km) == (
        23.41,
        70.23,
        16.0,
    )
    assert (s.mb, s.ms, s.region) == (6.9, 8.0, "INDIA")


def test_region_and_time_edge_cases():
    lines = FORMATS_EXAMPLE.split("\n", 1)
    # no region at all; a second of 60.00 rolls over into the next minute
    text = "PDE 2010 12 31 23 59 60.00 -5.9500 150.4300  35.0 6.9 7.3\n" + lines[1]
    (s,) = parse_cmtsolution(text)
    assert s.region == ""
    assert s.origin_time == datetime(2011, 1, 1, tzinfo=UTC)
    text = "PDE 2010  7 18 13 34 59.70 -5.95 150.43 35.0 6.9 7.3 NEAR  COAST OF  X  \n" + lines[1]
    assert parse_cmtsolution(text)[0].region == "NEAR  COAST OF  X"


def test_key_variants_are_accepted():
    text = (
        FORMATS_EXAMPLE.replace("latitude:", "latorUTM:")
        .replace("longitude:", "LONGORUTM :")
        .replace("half duration:", "half  duration:")
        .replace("Mrr:      -1.510000e+26", "mrr: -1.51D+26")
    )
    assert parse_cmtsolution(text) == [_solution()]


def test_several_solutions_with_and_without_blank_lines(tmp_path):
    solutions = _random_solutions(5)
    glued = "".join(format_cmtsolution(s) for s in solutions)
    spaced = "\n\n".join(format_cmtsolution(s) for s in solutions) + "\n\n"
    for text in (glued, spaced):
        path = tmp_path / "CMTSOLUTION"
        path.write_text(text)
        read = read_cmtsolution(path)
        assert read == solutions
        assert [s.path for s in read] == [str(path)] * 5
    assert [s.line_number for s in parse_cmtsolution(glued)] == [1, 14, 27, 40, 53]
    assert [s.line_number for s in parse_cmtsolution(spaced)] == [1, 16, 31, 46, 61]


# ---------------------------------------------------------------------------- writing


def test_writer_uses_the_global_cmt_layout():
    (s,) = parse_cmtsolution(GCMT_LAYOUT)
    assert s.hypocentre_catalogue == "PDEW"
    assert format_cmtsolution(s) == GCMT_LAYOUT
    # a three-letter code is written " PDE " so that the year stays in columns 6-9
    line = format_cmtsolution(_solution()).splitlines()[0]
    assert line.startswith(" PDE 2010  7 18 13 34 59.70")
    for value_line in format_cmtsolution(_solution()).splitlines()[2:]:
        assert len(value_line) == 23


def test_round_trip_through_a_file_and_file_objects(tmp_path):
    solutions = _random_solutions(40, seed=2)
    path = tmp_path / "many"
    write_cmtsolution(path, solutions)
    assert read_cmtsolution(path) == solutions
    text_buffer = io.StringIO()
    write_cmtsolution(text_buffer, solutions[0])
    assert parse_cmtsolution(text_buffer.getvalue()) == solutions[:1]
    binary_buffer = io.BytesIO()
    write_cmtsolution(binary_buffer, solutions[:3])
    binary_buffer.seek(0)
    assert read_cmtsolution(binary_buffer) == solutions[:3]


def test_writer_rounds_the_time_to_centiseconds():
    s = _solution(origin_time=datetime(2010, 7, 18, 13, 34, 59, 997000, tzinfo=UTC))
    (back,) = parse_cmtsolution(format_cmtsolution(s))
    assert back.origin_time == datetime(2010, 7, 18, 13, 35, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"hypocentre_catalogue": "PDEWX"}, "catalogue"),
        ({"hypocentre_catalogue": ""}, "catalogue"),
        ({"event_name": "two words"}, "event name"),
        ({"hypocentre_depth_km": 123456.0}, "depth"),
    ],
)
def test_writer_refuses_what_it_cannot_write(changes, message):
    with pytest.raises(SeisfocError, match=message):
        format_cmtsolution(_solution(**changes))


# ------------------------------------------------------------------- moment tensor


def test_moment_tensor_conversions():
    s = _solution()
    m_use = s.moment_tensor_use
    np.testing.assert_allclose(
        m_use,
        [[-1.51e26, 2.1e26, -3.59e26], [2.1e26, 1.34e26, 7.8e25], [-3.59e26, 7.8e25, 1.7e25]],
    )
    m = s.moment_tensor_ned  # north = -t, east = p, down = -r
    assert m[2, 2] == s.mrr and m[0, 0] == s.mtt and m[1, 1] == s.mpp
    assert m[0, 2] == s.mrt and m[1, 2] == -s.mrp and m[0, 1] == -s.mtp
    assert s.scalar_moment_dyne_cm == pytest.approx(mech.scalar_moment(m))
    assert s.moment_magnitude == pytest.approx(2 / 3 * np.log10(mech.scalar_moment(m)) - 10.7)


def test_mechanism_survives_a_file(tmp_path):
    m0 = 3.2e25
    sdr = (212.0, 37.0, 104.0)
    s = _solution().with_moment_tensor_ned(mech.moment_tensor_ned(*sdr, m0))
    path = tmp_path / "CMTSOLUTION"
    write_cmtsolution(path, s)
    (back,) = read_cmtsolution(path)
    assert back.scalar_moment_dyne_cm == pytest.approx(m0, rel=1e-6)
    assert back.moment_magnitude == pytest.approx(2 / 3 * np.log10(m0) - 10.7, abs=1e-6)
    assert mech.kagan_angle(back.nodal_planes()[0], sdr) == pytest.approx(0.0, abs=1e-3)


def test_moment_tensor_agrees_with_pyrocko_up_south_east():
    pmt = pytest.importorskip("pyrocko.moment_tensor")
    s = _random_solutions(1, seed=5)[0]
    theirs = pmt.MomentTensor(m_up_south_east=s.moment_tensor_use)
    np.testing.assert_allclose(theirs.m(), s.moment_tensor_ned, rtol=1e-12)
    np.testing.assert_allclose(theirs.m6_up_south_east(), s.m6_use, rtol=1e-12)


# --------------------------------------------------------------------- ObsPy reader


def _compare_with_obspy_event(ours: CMTSolution, event):
    from obspy import UTCDateTime

    centroid = next(o for o in event.origins if o.origin_type == "centroid")
    hypocentre = next(o for o in event.origins if o.origin_type == "hypocenter")
    assert abs(hypocentre.time - UTCDateTime(ours.origin_time)) < 1e-6
    assert abs(centroid.time - UTCDateTime(ours.centroid_time)) < 1e-6
    assert hypocentre.latitude == pytest.approx(ours.hypocentre_latitude)
    assert hypocentre.longitude == pytest.approx(ours.hypocentre_longitude)
    assert hypocentre.depth == pytest.approx(ours.hypocentre_depth_km * 1000.0)
    assert centroid.latitude == pytest.approx(ours.centroid_latitude)
    assert centroid.longitude == pytest.approx(ours.centroid_longitude)
    assert centroid.depth == pytest.approx(ours.centroid_depth_km * 1000.0)
    tensor = event.focal_mechanisms[0].moment_tensor.tensor
    theirs = [tensor.m_rr, tensor.m_tt, tensor.m_pp, tensor.m_rt, tensor.m_rp, tensor.m_tp]
    np.testing.assert_allclose(np.array(theirs) * 1e7, ours.m6_use, rtol=1e-12)
    moment_tensor = event.focal_mechanisms[0].moment_tensor
    assert moment_tensor.scalar_moment * 1e7 == pytest.approx(ours.scalar_moment_frobenius_dyne_cm)
    assert moment_tensor.source_time_function.duration == pytest.approx(2 * ours.half_duration_s)
    names = [d.text for d in event.event_descriptions if d.type == "earthquake name"]
    assert names == [ours.event_name]
    magnitudes = {m.magnitude_type: m.mag for m in event.magnitudes}
    assert magnitudes["Mb"] == pytest.approx(ours.mb)
    assert magnitudes["MS"] == pytest.approx(ours.ms)


def test_obspy_reads_what_we_write(tmp_path):
    obspy = pytest.importorskip("obspy")
    solutions = _random_solutions(12, seed=3)
    path = tmp_path / "CMTSOLUTION"
    write_cmtsolution(path, solutions)
    catalog = obspy.read_events(str(path), format="CMTSOLUTION")
    assert len(catalog) == len(solutions)
    for ours, event in zip(solutions, catalog, strict=True):
        _compare_with_obspy_event(ours, event)
        comments = [c.text for c in event.comments]
        assert f"Hypocenter catalog: {ours.hypocentre_catalogue}" in comments
        mw = next(m.mag for m in event.magnitudes if m.magnitude_type.lower() == "mw")
        # ObsPy's Mw: Frobenius moment and 2/3 (log10 M0 - 16.1), rounded to 0.01
        expected = 2 / 3 * (np.log10(ours.scalar_moment_frobenius_dyne_cm) - 16.1)
        assert mw == pytest.approx(expected, abs=0.006)


def test_we_read_obspys_files_as_obspy_does():
    obspy = pytest.importorskip("obspy")
    data = Path(obspy.__file__).parent / "io" / "cmtsolution" / "tests" / "data"
    files = sorted(data.glob("*")) if data.is_dir() else []
    if not files:
        pytest.skip("ObsPy's CMTSOLUTION test files are not installed")
    for path in files:
        ours = read_cmtsolution(path)
        catalog = obspy.read_events(str(path), format="CMTSOLUTION")
        assert len(ours) == len(catalog) >= 1
        for solution, event in zip(ours, catalog, strict=True):
            _compare_with_obspy_event(solution, event)


def test_to_obspy_agrees_with_obspys_reader_and_writer(tmp_path):
    obspy = pytest.importorskip("obspy")
    solutions = _random_solutions(3, seed=4)
    path = tmp_path / "CMTSOLUTION"
    write_cmtsolution(path, solutions)
    for ours, event in zip(solutions, obspy.read_events(str(path)), strict=True):
        converted = ours.to_obspy()
        _compare_with_obspy_event(ours, converted)
        _compare_with_obspy_event(ours, event)
        assert converted.preferred_origin().origin_type == "centroid"
        assert converted.preferred_magnitude().mag == pytest.approx(ours.moment_magnitude)
        # ObsPy's writer writes our event back to the same solution
        out = tmp_path / f"{ours.event_name}.obspy"
        obspy.Catalog([converted]).write(str(out), format="CMTSOLUTION")
        (back,) = read_cmtsolution(out)
        assert back.m6_use == pytest.approx(ours.m6_use, rel=1e-6)
        assert back.origin_time == ours.origin_time
        assert back.time_shift_s == pytest.approx(ours.time_shift_s, abs=1e-4)
        assert back.hypocentre_catalogue == ours.hypocentre_catalogue


# ---------------------------------------------------------------------------- errors


def _error(text) -> SeisfocError:
    with pytest.raises(SeisfocError) as info:
        parse_cmtsolution(text, "CMT.txt")
    return info.value


def test_missing_key_names_the_key_and_the_solution():
    second = FORMATS_EXAMPLE.replace("Mtp:       7.800000e+25\n", "")
    err = _error(FORMATS_EXAMPLE + "\n" + second)
    assert "'mtp'" in err.message and (err.path, err.line) == ("CMT.txt", 15)


def test_bad_number_points_at_line_and_column():
    err = _error(FORMATS_EXAMPLE.replace("Mpp:       1.700000e+25", "Mpp:       1.7O0000e+25"))
    assert (err.line, err.column) == (10, 12)
    assert "Mpp" in err.message and "1.7O0000e+25" in err.message
    err = _error(FORMATS_EXAMPLE.replace("-5.9500", "-5.95x0"))
    assert (err.line, err.column) == (1, 28)
    err = _error(FORMATS_EXAMPLE.replace("2010  7 18", "2010 13 18"))
    assert err.line == 1 and "date" in err.message
    err = _error(FORMATS_EXAMPLE.replace("59.70", "59:70"))
    assert err.line == 1


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        (FORMATS_EXAMPLE.replace("depth:", "depht:"), 7, "unknown key"),
        (FORMATS_EXAMPLE.replace("Mtt:", "Mrr:"), 9, "twice"),
        (FORMATS_EXAMPLE.replace("-5.9100", ""), 5, "no value"),
        (FORMATS_EXAMPLE.replace("-5.9100", "-5.91 4"), 5, "more than one"),
        (FORMATS_EXAMPLE.replace("-5.9100", "nan"), 5, "finite"),
        (FORMATS_EXAMPLE.split("\n", 1)[1], 1, "hypocentre line"),
        ("PDE 2010  7 18 13 34 59.70 -5.95 150.43\n", 1, "fields"),
        ("\n\n   \n", None, "no CMTSOLUTION"),
    ],
)
def test_malformed_input(text, line, fragment):
    err = _error(text)
    assert fragment in err.message
    assert err.line == line
    assert str(err).startswith("CMT.txt")


def test_missing_file_is_a_seisfoc_error(tmp_path):
    with pytest.raises(SeisfocError, match="cannot read"):
        read_cmtsolution(tmp_path / "nothing")
