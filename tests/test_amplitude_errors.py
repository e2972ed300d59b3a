"""What INVRAD, INVDC and SYNRAD say about input they cannot use.

Every case here used to end in a traceback, a silent NaN, Fortran asterisks or a
misleading ``+- 0.00``. Readings are built by the tests from the package's forward model
(no reference data); each error must be one line naming the file, line and column where
one exists, and the run must exit non-zero.
"""

from __future__ import annotations

import io
import json
import sys

import numpy as np
import pytest
from seisfoc.invdc import gauss_newton as GN
from seisfoc.invrad import inversion as INV

from seisfoc import amplitude as A
from seisfoc import mechanism
from seisfoc.cli import main as seisfoc_main
from seisfoc.errors import InversionError
from seisfoc.io.invrad import (
    FULL_DATA_RESOLUTION_MAX,
    InvradInput,
    error_field,
    format_invrad_inp,
    format_invrad_out,
    plane_line,
)
from seisfoc.velocity import LayeredModel

MODEL = LayeredModel.from_arrays([0.0, 20.0], [6.2, 7.6])
MODEL_TEXT = "    0.0000    6.2000\n   20.0000    6.2000\n   20.0000    7.6000\n"
MECHANISM = (215.0, 35.0, 100.0, 80.0)  # strike, dip, rake, 1e16 dyne-cm
DEPTH = 7.0


def readings(n_stations: int = 6, phases=(("Z", "P"), ("T", "SH"))) -> A.AmplitudeReadings:
    rng = np.random.default_rng(3)
    dist = rng.uniform(3.0, 30.0, n_stations).round(2)
    az = np.sort(rng.uniform(0.0, 360.0, n_stations)).round(2)
    sta, comp, ph, d, a = [], [], [], [], []
    for k in range(n_stations):
        for c, p in phases:
            sta.append(f"Q{k:03d}"[-4:])
            comp.append(c)
            ph.append(p)
            d.append(dist[k])
            a.append(az[k])
    return A.AmplitudeReadings(sta, comp, ph, d, a, np.zeros(len(sta)))


def synthetic(r: A.AmplitudeReadings, mechanism_=MECHANISM) -> A.AmplitudeReadings:
    green = A.green_functions(r, MODEL, DEPTH, mode="seisan")
    amps = green.predict(mechanism.moment_tensor_ned(*mechanism_))
    return r.with_amplitudes(amps, radial_toward_source=True)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    (tmp_path / "invrad.mod").write_text(MODEL_TEXT)
    return tmp_path


def write_inp(folder, r: A.AmplitudeReadings, sigma: float = 0.1) -> str:
    (folder / "invrad.inp").write_text(format_invrad_inp("errors", DEPTH, sigma, r))
    return "invrad.inp"


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err


# ----------------------------------------------------------------- 1. all amplitudes zero


@pytest.mark.parametrize("program", ["invdc", "invrad"])
def test_all_zero_amplitudes_are_one_error(folder, capsys, program):
    r = readings()
    write_inp(folder, r.with_amplitudes(np.zeros(len(r)), True))
    argv = [program, "invrad.inp"] + (["--sdr", "100", "50", "-60"] if program == "invdc" else [])
    assert seisfoc_main(argv) == 1
    err = one_line_error(capsys)
    assert "invrad.inp" in err and "every amplitude is 0" in err


def test_all_zero_amplitudes_dropin_invdc(folder, capsys):
    from seisfoc.invdc.dropin import main

    r = readings()
    write_inp(folder, r.with_amplitudes(np.zeros(len(r)), True))
    assert main(["--strike", "100", "--dip", "50", "--rake", "-60", "--step", "0.5"]) == 1
    assert "every amplitude is 0" in one_line_error(capsys)


# ----------------------------------------------------------------- 2. rank and conditioning


def test_identical_readings_cannot_resolve_a_double_couple(folder, capsys):
    r = synthetic(readings(1, (("Z", "P"),)))
    five = r.subset([0, 0, 0, 0, 0])
    write_inp(folder, five)
    assert seisfoc_main(["invdc", "invrad.inp", "--sdr", "100", "50", "-60"]) == 1
    err = one_line_error(capsys)
    assert "resolve only 1 of the 5 moment-tensor elements" in err and "at least 4" in err


def test_fewer_than_4_readings(folder):
    r = synthetic(readings(3, (("Z", "P"),)))
    green = A.green_functions(r, MODEL, DEPTH, mode="seisan")
    with pytest.raises(InversionError, match="3 readings: at least 4"):
        GN.fit_double_couple(green, r, 200, 40, 90, sigma_microns=0.1)


def test_four_readings_without_sigma_have_no_errors_to_give():
    r = synthetic(readings(2))  # 4 readings: Z P and T SH at two stations
    r = r.subset([0, 1, 2, 3])
    green = A.green_functions(r, MODEL, DEPTH, mode="seisan")
    rank = np.linalg.matrix_rank(green.matrix)
    assert rank == 4
    with pytest.raises(InversionError, match="give a data standard deviation"):
        GN.fit_double_couple(green, r, 200, 40, 90)


def test_a_good_fit_reports_rank_4_and_finite_errors(folder, capsys):
    r = synthetic(readings(8))
    write_inp(folder, r)
    argv = ["invdc", "invrad.inp", "--sdr", "180", "50", "60", "--sigma", "0.01", "--json"]
    assert seisfoc_main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["converged"] and out["rank"] == 4 and out["unresolved_reason"] is None
    assert all(isinstance(e, float) and e > 0 for e in out["errors"])
    truth = mechanism.moment_tensor_ned(*MECHANISM[:3])
    got = mechanism.moment_tensor_ned(out["strike"], out["dip"], out["rake"])
    assert mechanism.kagan_angle(truth, got) < 0.1


def test_invdc_old_start_spelling_still_works_with_a_note(folder, capsys):
    """``--start`` means a time everywhere else: ``--sdr`` is the starting mechanism, the
    old ``--start S D R`` gives the same answer and says it is deprecated."""
    write_inp(folder, synthetic(readings(8)))
    common = ["invdc", "invrad.inp", "--sigma", "0.01", "--json"]
    assert seisfoc_main([*common, "--sdr", "180", "50", "60"]) == 0
    new = capsys.readouterr()
    assert seisfoc_main([*common, "--start", "180", "50", "60"]) == 0
    old = capsys.readouterr()
    assert json.loads(old.out) == json.loads(new.out)
    assert "deprecated" in old.err and "--sdr" in old.err and "deprecated" not in new.err
    with pytest.raises(SystemExit) as info:  # the old spelling is checked as the new one
        seisfoc_main([*common, "--start", "10", "95", "20"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:  # one starting mechanism, not two
        seisfoc_main([*common, "--sdr", "1", "2", "3", "--start", "180", "50", "60"])
    assert info.value.code == 2


def _horizontal_fault_fit():
    """A DoubleCoupleFit at dip 0 exactly: J has rank 3 (strike and rake are one angle)."""
    r = synthetic(readings(8))
    green = A.green_functions(r, MODEL, DEPTH, mode="seisan")
    theta = (40.0, 0.0, 70.0, 100.0)
    cov, rank, resolved, reason, null = GN._dc_covariance(green.matrix, theta, 1.0, 1e-6, r)
    return r, GN.DoubleCoupleFit([], *theta, cov, 1.0, False, green.matrix[:, 0], 0.0, True,
                                rank, resolved, reason, null)  # fmt: skip


def test_dip_0_reports_strike_and_rake_unresolved_not_nan():
    from seisfoc.invdc.report import format_invdc

    r, fit = _horizontal_fault_fit()
    assert fit.rank == 3 and list(fit.resolved) == [False, True, False, True]
    assert "strike and rake trade off" in fit.unresolved_reason
    text = format_invdc(InvradInput("t", DEPTH, 1.0, r), DEPTH, fit)
    assert "NaN" not in text and "nan" not in text and "*" not in text
    first = next(line for line in text.splitlines() if line.startswith("STRIKE="))
    assert first.count("unres") == 2  # strike and rake; the dip error is a number
    assert "rank 3 of 4" in text


def test_data_that_lose_a_direction_at_the_solution_are_an_error():
    # Green's functions of rank 4 whose one blind direction is the change of the moment
    # tensor with the dip at the solution: the data rank test passes, J loses the dip
    theta = (40.0, 30.0, 70.0, 100.0)
    t_dip = GN._dc_tangent(theta)[:, 1]
    g = np.eye(5) - np.outer(t_dip, t_dip) / (t_dip @ t_dip)
    g = np.vstack([g, g[:1] * 0.5])
    assert np.linalg.matrix_rank(g) == 4
    r = A.AmplitudeReadings(list("ABCDEF"), ["Z"] * 6, ["P"] * 6, np.ones(6), np.zeros(6),
                            np.ones(6))  # fmt: skip
    GN._check_dc_data(g, np.ones(6), r, 1e-6)  # 4 directions: enough in general
    with pytest.raises(InversionError, match="the readings determine only 3 of the 4"):
        GN._dc_covariance(g, theta, 1.0, 1e-6, r)


def test_unresolved_errors_never_print_nan_or_asterisks():
    assert error_field(float("nan"), 7, 2) == "  unres"
    assert error_field(12345.0, 7, 2) == "  unres"  # Fortran would print *******
    assert error_field(1e9, 10, 2) == "unresolved"
    assert error_field(3.25, 7, 2) == "   3.25"
    line = plane_line(10.0, 20.0, 30.0, [float("nan"), 5.0, 1e5])
    assert "NaN" not in line and "*" not in line and line.count("unres") == 2


def test_angle_errors_beyond_their_range_are_unresolved():
    e = A.mask_unresolved_angles([[200.0, 50.0, 10.0, 3.0], [5.0, 95.0, 181.0, np.inf]])
    assert np.isnan(e[0, 0]) and e[0, 1] == 50.0 and np.isnan(e[1, 1]) and np.isnan(e[1, 2])
    assert np.isnan(e[1, 3]) and A.resolved_error(e[1, 3]) is None


def test_invrad_json_has_no_nan(folder, capsys):
    write_inp(folder, synthetic(readings(6)))
    assert seisfoc_main(["invrad", "invrad.inp", "--json"]) == 0
    text = capsys.readouterr().out
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text)


# ----------------------------------------------------------------- 3. where the error is


def test_unreachable_ray_names_file_line_and_distance_column(folder, capsys):
    r = synthetic(readings(6))
    write_inp(folder, r)
    (folder / "grad.mod").write_text("    0.0000    4.0000\n   10.0000    8.0000\n")
    assert seisfoc_main(["invrad", "invrad.inp", "--model", "grad.mod"]) == 1
    err = one_line_error(capsys)
    far = int(np.argmax(r.distance_km))
    assert f"invrad.inp, line {far + 3}, column 12: reading {r.label(far)}" in err
    assert "not reachable" in err and "distance #" not in err


def test_postcritical_sv_names_the_distance_column(folder, capsys):
    r = synthetic(readings(6))
    sv = A.AmplitudeReadings(["FAR"], ["R"], ["SV"], [25.0], [10.0], [1.0])
    both = A.AmplitudeReadings(
        r.station + sv.station, [*r.component, "R"], [*r.phase, "SV"],
        [*r.distance_km, 25.0], [*r.azimuth_deg, 10.0], [*r.amplitude_microns, 1.0],
    )  # fmt: skip
    write_inp(folder, both)
    assert seisfoc_main(["invrad", "invrad.inp", "--mode", "seisan"]) == 1
    err = one_line_error(capsys)
    assert f"line {len(both) + 2}, column 12: reading FAR R SV" in err and "critical" in err


def test_source_depth_below_the_model(tmp_path, monkeypatch, capsys):
    """STATION0.HYP ends in HYP's half-space (any depth); invrad.mod ends at its last line."""
    monkeypatch.chdir(tmp_path)
    r = synthetic(readings(6))
    write_inp(tmp_path, r)
    (tmp_path / "invrad.mod").write_text(MODEL_TEXT)
    station0 = "RESET TEST(02)=500.0\n\n  Q000 6000.00N  500.00E  10\n\n  6.2       0.0\n"
    station0 += "  7.6      20.0\n\n15.0 1000.1500. 1.73\nTST\n"
    (tmp_path / "STATION0.HYP").write_text(station0)
    argv = ["invrad", "invrad.inp", "--model", "STATION0.HYP", "--depth", "60", "--json"]
    assert seisfoc_main(argv) == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["source_depth_km"] == 60.0
    argv = ["invrad", "invrad.inp", "--model", "invrad.mod", "--depth", "60"]
    assert seisfoc_main(argv) == 1
    err = one_line_error(capsys)
    assert "--depth: source depth 60 km is below the velocity model invrad.mod" in err
    for bad in ("0", "-3", "nan"):
        with pytest.raises(SystemExit) as info:
            seisfoc_main(["invrad", "invrad.inp", "--depth", bad])
        assert info.value.code == 2
        assert "--depth" in capsys.readouterr().err


def test_source_depth_check_names_its_place():
    with pytest.raises(InversionError, match=r"x\.S, line 1, column 39: source depth -1 km"):
        A.check_source_depth(-1.0, "x.S", 1, 39)
    assert A.check_source_depth(500.0) == 500.0


# ----------------------------------------------------------------- 4. option validation


@pytest.mark.parametrize(
    "argv",
    [
        ["invrad", "invrad.inp", "--bootstrap", "-3"],
        ["invrad", "invrad.inp", "--bootstrap", "1"],
        ["invrad", "invrad.inp", "--bootstrap", "x"],
        ["invrad", "invrad.inp", "--tarea", "0"],
        ["invrad", "invrad.inp", "--sigma", "-1"],
        ["invrad", "invrad.inp", "--event", "0"],
        ["invdc", "invrad.inp", "--sdr", "10", "95", "20"],
        ["invdc", "invrad.inp", "--sdr", "10", "-5", "20"],
        ["invdc", "invrad.inp", "--sdr", "nan", "45", "20"],
        ["invdc", "invrad.inp", "--sdr", "10", "45", "20", "--step", "1.5"],
        ["invdc", "invrad.inp", "--sdr", "10", "45", "20", "--damping", "-1"],
        ["synrad", "invrad.inp", "--sdr", "10", "91", "20", "--moment", "5"],
        ["synrad", "invrad.inp", "--sdr", "10", "45", "inf", "--moment", "5"],
        ["synrad", "invrad.inp", "--sdr", "10", "45", "20", "--moment", "0"],
        ["synrad", "invrad.inp", "--sdr", "10", "45", "20", "--moment", "nan"],
    ],
)
def test_impossible_options_are_argparse_errors(folder, capsys, argv):
    write_inp(folder, synthetic(readings(6)))
    with pytest.raises(SystemExit) as info:
        seisfoc_main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "error: argument" in err


@pytest.mark.parametrize(
    "program,argv",
    [
        ("invdc", ["--dip", "95"]),
        ("invdc", ["--strike", "inf"]),
        ("invdc", ["--step", "0"]),
        ("invdc", ["--max-iterations", "-1"]),
        ("synrad", ["--dip", "-1"]),
        ("synrad", ["--moment", "-5"]),
        ("synrad", ["--rake", "nan"]),
    ],
)
def test_dropin_options_are_checked(folder, capsys, program, argv):
    import importlib

    main = importlib.import_module(f"{program}.dropin").main
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2


@pytest.mark.parametrize(
    "program,answer,words",
    [
        ("invdc", "10 95 20\n0.5\n", "dip 95 deg is outside [0, 90]"),
        ("synrad", "10 45 20 -5\n", "moment -5"),
        ("synrad", "10 120 20 5\n", "dip 120 deg"),
    ],
)
def test_dropin_answers_on_stdin_are_checked(folder, capsys, monkeypatch, program, answer, words):
    import importlib

    write_inp(folder, synthetic(readings(6)))
    monkeypatch.setattr(sys, "stdin", io.StringIO(answer))
    assert importlib.import_module(f"{program}.dropin").main([]) == 1
    err = one_line_error(capsys)
    assert words in err and "standard input" in err


def test_api_checks_the_starting_mechanism():
    r = synthetic(readings(6))
    green = A.green_functions(r, MODEL, DEPTH, mode="seisan")
    for bad in [(10, 95, 20), (np.nan, 45, 20), (10, 45, np.inf)]:
        with pytest.raises(InversionError, match="starting mechanism"):
            GN.fit_double_couple(green, r, *bad, sigma_microns=0.1)
    with pytest.raises(InversionError, match="damping"):
        GN.fit_double_couple(green, r, 10, 45, 20, damping=-1.0)


# ----------------------------------------------------------------- 5. bootstrap in the text


def test_bootstrap_moment_error_is_in_the_text_report(folder, capsys):
    r = synthetic(readings(8))
    noisy = r.with_amplitudes(
        r.amplitude_microns * (1 + 0.05 * np.random.default_rng(0).standard_normal(len(r))), True
    )
    write_inp(folder, noisy)
    assert seisfoc_main(["invrad", "invrad.inp", "--bootstrap", "40", "--json"]) == 0
    boot = json.loads(capsys.readouterr().out)["largest_double_couple_ebel"]
    assert seisfoc_main(["invrad", "invrad.inp", "--bootstrap", "40"]) == 0
    text = capsys.readouterr().out
    m0_line = next(line for line in text.splitlines() if line.startswith("  M0 "))
    assert f"(bootstrap +- {boot['moment_bootstrap_error']:.3f})" in m0_line


# ----------------------------------------------------------------- 7. size of invrad.out


@pytest.mark.parametrize("n_stations", [25, 40])
def test_data_resolution_full_up_to_50_readings_diagonal_beyond(n_stations):
    r = synthetic(readings(n_stations))
    green = A.green_functions(r, MODEL, DEPTH, mode="seisan")
    solution = INV.analyse(INV.invert_moment_tensor(green, r, 0.1), green)
    text = format_invrad_out(InvradInput("t", DEPTH, 0.1, r), MODEL, DEPTH, solution)
    lines = text.splitlines()
    n = len(r)
    if n <= FULL_DATA_RESOLUTION_MAX:
        j = lines.index(" DATA RESOLUTION MATRIX")
        rows = lines[j + 1 : j + 1 + n]
        assert all(len(row) == 6 + 7 * (n - 1) for row in rows)
    else:
        j = next(i for i, x in enumerate(lines) if "DIAGONAL ONLY" in x)
        rows = lines[j + 1 : j + 1 + -(-n // 10)]
        values = [float(v) for row in rows for v in row.split()]
        assert values == pytest.approx(solution.fit.leverage, abs=6e-4)
        assert len(text) < 10_000


# ----------------------------------------------------------------- the Fortran face


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_ray_never_reaches_the_kernel(bad):
    """The amplitude face checks its input (SciPy's check_finite): a NaN ray parameter,
    velocity or ray quantity is an error naming the reading, not a NaN amplitude."""
    with pytest.raises(InversionError, match="reading 2: ray parameter or velocity not finite"):
        A.free_surface_factors(["P", "P"], ["Z", "Z"], [0.1, bad], 6.0, 3.5)
    with pytest.raises(InversionError, match="not finite"):
        A.free_surface_factors(["P"], ["Z"], 0.1, bad, 3.5)
    r = readings(3)
    green = A.green_functions(r, MODEL, DEPTH)
    rays = green.rays
    takeoff = rays.takeoff_deg.copy()
    takeoff[4] = bad
    broken = A.RayTerms(**{**rays.__dict__, "takeoff_deg": takeoff})
    with pytest.raises(InversionError, match="not finite") as info:
        A.green_functions_from_rays(r, broken)
    assert info.value.message.startswith(f"reading {r.label(4)}:")
    assert info.value.column == r.column_of("distance")


@pytest.mark.parametrize("tarea", [0.0, -0.01, np.nan])
def test_the_pulse_area_is_checked_at_the_face(tarea):
    r = readings(3)
    rays = A.green_functions(r, MODEL, DEPTH).rays
    with pytest.raises(InversionError, match="pulse area must be a positive number"):
        A.green_functions_from_rays(r, rays, tarea_s=tarea)
    # the same rays with a good area give finite Green's functions
    assert np.all(np.isfinite(A.green_functions_from_rays(r, rays, tarea_s=0.02).matrix))
