"""Amplitude kernel: free-surface factors, Green's functions, generalised inverse, recovery."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from seisfoc.invrad import inversion as INV

from seisfoc import amplitude as A
from seisfoc import mechanism
from seisfoc.errors import InversionError
from seisfoc.io.invrad import read_invrad_model
from seisfoc.velocity import LayeredModel

CASES = ["caseA_homog_dc", "caseB_ebelmodel_dc", "caseD_homog_dc_clvd"]


def _case(reference_dir, name):
    folder = reference_dir / "amplitudes" / name
    rows = list(csv.DictReader(open(folder / "readings.csv")))
    truth = json.loads((folder / "truth.json").read_text())
    return folder, rows, truth


def _col(rows, key):
    return np.array([float(r[key]) for r in rows])


def _readings(rows, amplitude_key, toward):
    return A.AmplitudeReadings(
        station=[r["sta"] for r in rows],
        component=[r["comp"] for r in rows],
        phase=[r["phase"] for r in rows],
        distance_km=_col(rows, "dist_km"),
        azimuth_deg=_col(rows, "az_deg"),
        amplitude_microns=_col(rows, amplitude_key),
        radial_toward_source=toward,
    )


def _rays_from_csv(rows, truth, mode):
    vp = truth["model_depth_vp"][0][1]
    vs = vp * truth["vs_over_vp"]
    n = len(rows)
    return A.RayTerms(
        p_s_per_km=_col(rows, "p_s_per_km"),
        takeoff_deg=_col(rows, "takeoff_deg"),
        incidence_deg=_col(rows, "incidence_deg"),
        distance_km=_col(rows, "R_ebel_km" if mode == "seisan" else "L_km"),
        c_src_km_s=_col(rows, "v_src"),
        c_rcv_km_s=_col(rows, "v_surf"),
        alpha_surf_km_s=np.full(n, vp),
        beta_surf_km_s=np.full(n, vs),
        rho_src=np.full(n, truth["rho_g_cm3"]),
        rho_rcv=np.full(n, truth["rho_g_cm3"]),
    )


def test_free_surface_closed_forms():
    # vertical incidence: P on Z doubles, SV on R is -2 (away-positive), SH on T is 2
    f = A.free_surface_factors(["P", "SV", "SH", "P", "SV"], ["Z", "R", "T", "R", "Z"],
                               0.0, 6.0, 3.5)  # fmt: skip
    assert f == pytest.approx([2.0, -2.0, 2.0, 0.0, 0.0], abs=1e-14)
    # Aki & Richards: P vertical factor at any p, written out independently
    a, b, p = 6.0, 3.5, 0.1
    ea, eb = np.sqrt(a**-2 - p**2), np.sqrt(b**-2 - p**2)
    den = (eb**2 - p**2) ** 2 + 4 * p**2 * ea * eb
    expected = 2 * a * ea * (eb**2 - p**2) / (b**2 * den)
    assert A.free_surface_factors(["P"], ["Z"], p, a, b)[0] == pytest.approx(expected, rel=1e-14)


def test_free_surface_postcritical_sv_rejected():
    with pytest.raises(InversionError, match="critical"):
        A.free_surface_factors(["SV"], ["R"], 0.2, 6.0, 6.0 / np.sqrt(3))


@pytest.mark.parametrize("name", CASES + ["caseE_sv_postcritical"])
def test_free_surface_factors_match_reference(reference_dir, name):
    _, rows, truth = _case(reference_dir, name)
    vp = truth["model_depth_vp"][0][1]
    ok = [r for r in rows if r["sv_postcritical"] == "False"]
    f = A.free_surface_factors(
        [r["phase"] for r in ok], [r["comp"] for r in ok], _col(ok, "p_s_per_km"), vp,
        vp * truth["vs_over_vp"],
    )  # fmt: skip
    assert f == pytest.approx(_col(ok, "freesurf"), rel=1e-8)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("mode,key", [("seisan", "amp_ebel"), ("modern", "amp_ray")])
def test_green_functions_from_reference_rays(reference_dir, name, mode, key):
    _, rows, truth = _case(reference_dir, name)
    readings = _readings(rows, key, toward=(mode == "seisan"))
    green = A.green_functions_from_rays(readings, _rays_from_csv(rows, truth, mode), mode)
    predicted = green.predict(np.array(truth["moment_tensor_NED_1e16dyncm"]))
    assert predicted == pytest.approx(_col(rows, key), rel=1e-7)
    # the radiation the kernel uses is the reference's F column
    assert green.matrix @ A.m5_from_tensor(truth["moment_tensor_NED_1e16dyncm"]) / (
        green.scale
    ) == pytest.approx(_col(rows, "F"), rel=1e-7)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("mode,key", [("seisan", "amp_ebel"), ("modern", "amp_ray")])
def test_green_functions_with_traced_rays(reference_dir, name, mode, key):
    folder, rows, truth = _case(reference_dir, name)
    model = read_invrad_model(folder / "invrad.mod", vp_vs=1.0 / truth["vs_over_vp"])
    readings = _readings(rows, key, toward=(mode == "seisan"))
    # amp_ebel is Ebel's formula on exact rays (S gradients kept): ray_mode="modern"
    green = A.green_functions(readings, model, 8.0, mode=mode, ray_mode="modern")
    predicted = green.predict(np.array(truth["moment_tensor_NED_1e16dyncm"]))
    assert predicted == pytest.approx(_col(rows, key), rel=1e-6)


def test_generalised_inverse_against_numpy():
    rng = np.random.default_rng(1)
    g = rng.normal(size=(30, 5))
    d = rng.normal(size=30)
    inv = A.generalised_inverse(g, d)
    assert inv.rank == 5
    assert inv.model == pytest.approx(np.linalg.lstsq(g, d, rcond=None)[0], rel=1e-10)
    assert inv.covariance_unit == pytest.approx(np.linalg.inv(g.T @ g), rel=1e-9)
    assert inv.model_resolution == pytest.approx(np.eye(5), abs=1e-12)
    assert np.trace(inv.data_resolution) == pytest.approx(5.0)
    assert inv.singular_values == pytest.approx(np.linalg.svd(g, compute_uv=False))


def test_generalised_inverse_reports_honest_rank():
    rng = np.random.default_rng(2)
    g = rng.normal(size=(12, 5))
    g[:, 4] = g[:, 0] + g[:, 1] + 1e-12 * rng.normal(size=12)  # nearly dependent
    inv = A.generalised_inverse(g, rng.normal(size=12), rcond=1e-8)
    assert inv.rank == 4
    assert np.trace(inv.model_resolution) == pytest.approx(4.0)
    assert inv.inverse == pytest.approx(np.linalg.pinv(g, rcond=1e-8), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("name", CASES)
def test_modern_recovers_truth_from_ray_amplitudes(reference_dir, name):
    folder, rows, truth = _case(reference_dir, name)
    model = read_invrad_model(folder / "invrad.mod", vp_vs=1.0 / truth["vs_over_vp"])
    readings = _readings(rows, "amp_ray", toward=False)
    green = A.green_functions(readings, model, truth["source_depth_km"], mode="modern")
    fit = INV.invert_moment_tensor(green, readings)
    sol = INV.analyse(fit, green)
    assert (
        mechanism.kagan_angle(
            mechanism.moment_tensor_ned(truth["strike"], truth["dip"], truth["rake"]), sol.dc_tensor
        )
        < 0.1
    )
    match = min(sol.planes, key=lambda p: abs((p.strike - truth["strike"] + 180) % 360 - 180))
    assert match.strike == pytest.approx(truth["strike"], abs=0.1)
    assert match.dip == pytest.approx(truth["dip"], abs=0.1)
    assert match.rake == pytest.approx(truth["rake"], abs=0.1)
    assert sol.moment == pytest.approx(truth["m0_1e16dyncm"], rel=0.005)
    clvd = truth.get("clvd_moment_ebel", 0.0)
    assert sol.moment_clvd == pytest.approx(clvd, abs=0.005 * truth["m0_1e16dyncm"])
    assert sol.jost_herrmann.moment_dc == pytest.approx(
        truth["decomposition"]["m0_dc_jh"], rel=0.005
    )


def _synthetic_network(n_stations=12, seed=3):
    rng = np.random.default_rng(seed)
    dist = rng.uniform(3.0, 30.0, n_stations)
    az = rng.uniform(0.0, 360.0, n_stations)
    comps, phases, d, a, sta = [], [], [], [], []
    for k in range(n_stations):
        for comp, phase in (("Z", "P"), ("T", "SH"), ("R", "SV")):
            if phase == "SV" and dist[k] > 5.0:
                continue  # keep SV inside the free-surface window
            sta.append(f"S{k:02d}")
            comps.append(comp)
            phases.append(phase)
            d.append(dist[k])
            a.append(az[k])
    return A.AmplitudeReadings(sta, comps, phases, d, a, np.zeros(len(d)),
                               radial_toward_source=False)  # fmt: skip


def test_monte_carlo_errors_match_scatter():
    model = LayeredModel.from_arrays([0.0, 2.0, 10.0], [5.0, 6.0, 6.6], [6.0, 6.0, 6.6])
    readings = _synthetic_network()
    green = A.green_functions(readings, model, 8.0, mode="modern")
    truth = mechanism.moment_tensor_ned(125.0, 55.0, -70.0, 500.0)
    clean = green.predict(truth)
    sigma = 0.02 * np.max(np.abs(clean))
    rng = np.random.default_rng(7)
    ref = INV.analyse(INV.invert_moment_tensor(green, readings.with_amplitudes(clean, False),
                                           sigma_microns=sigma), green)  # fmt: skip
    values = []
    for _ in range(300):
        noisy = readings.with_amplitudes(clean + rng.normal(0, sigma, clean.size), False)
        fit = INV.invert_moment_tensor(green, noisy, sigma_microns=sigma)
        v = INV._plane_vector(fit.m5, ref.planes)
        values.append([v[0], v[1], v[2], v[6]])
    empirical = np.std(np.array(values), axis=0, ddof=1)
    predicted = ref.plane_errors[0]
    assert predicted == pytest.approx(empirical, rel=0.2)


def test_thousand_readings():
    model = LayeredModel.from_arrays([0.0, 2.0, 10.0], [5.0, 6.0, 6.6], [6.0, 6.0, 6.6])
    rng = np.random.default_rng(5)
    n = 1000
    dist = rng.uniform(1.0, 60.0, n)
    phase = np.where(np.arange(n) % 2 == 0, "P", "SH")
    comp = np.where(phase == "P", "Z", "T")
    readings = A.AmplitudeReadings([f"X{i:03d}" for i in range(n)], comp, phase, dist,
                                   rng.uniform(0, 360, n), np.zeros(n))  # fmt: skip
    green = A.green_functions(readings, model, 8.0, mode="seisan")
    truth = mechanism.moment_tensor_ned(30.0, 70.0, 10.0, 123.0)
    data = readings.with_amplitudes(green.predict(truth), True)
    sol = INV.analyse(INV.invert_moment_tensor(green, data, sigma_microns=1e-3), green)
    assert sol.moment == pytest.approx(123.0, rel=1e-9)
    assert sol.fit.leverage.sum() == pytest.approx(5.0)
    assert sol.fit.data_resolution.shape == (n,)  # the diagonal only: memory linear in n


def test_bad_pairs_and_too_few_readings():
    bad = A.AmplitudeReadings(["S1"], ["T"], ["P"], [5.0], [10.0], [1.0])
    with pytest.raises(InversionError, match="S1 T P"):
        bad.check_pairs()
    model = LayeredModel.from_arrays([0.0], [6.0])
    few = A.AmplitudeReadings(["S1"] * 3, ["Z"] * 3, ["P"] * 3, [5.0, 6, 7], [1.0, 90, 180],
                              [1.0, 2, 3])  # fmt: skip
    green = A.green_functions(few, model, 5.0)
    with pytest.raises(InversionError, match="at least 5"):
        INV.invert_moment_tensor(green, few)
