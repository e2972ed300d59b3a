"""``seisfoc fps``: kernels against independent computations, clusters on a two-solution
case, synthetic accuracy, reading QC, and the command (JSON, F-line, plot, jobs)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy.special import ndtr
from seisfoc.fps import solve as S

from seisfoc import gridsearch
from seisfoc.cli import main
from seisfoc.io import nordic
from seisfoc.mechanism import kagan_angle, p_radiation
from seisfoc.polarity import readings as R

EXAMPLE = Path(__file__).resolve().parents[1] / "seisfoc" / "data" / "example"


def _synthetic(rng, sdr, n, takeoff_range=(20.0, 160.0)):
    takeoff = rng.uniform(*takeoff_range, n)
    azimuth = rng.uniform(0.0, 360.0, n)
    return np.sign(p_radiation(*sdr, takeoff, azimuth)), takeoff, azimuth


def test_posterior_kernel_matches_closed_form():
    """The Fortran table lookup against SciPy's normal distribution function on every grid
    mechanism, weighted readings and per-reading errors included."""
    rng = np.random.default_rng(4)
    pol, ain, az = _synthetic(rng, (30.0, 60.0, 90.0), 18)
    pol[:3] *= -1.0
    w = rng.uniform(0.25, 1.0, pol.size)
    s = S.Settings(takeoff_sigma_deg=4.0, azimuth_sigma_deg=7.0, flip_rate=0.15)
    got, _ = S._posterior(pol, ain, az, w, s)
    sdr = S._grid(5.0)[0]
    amp = p_radiation(*(sdr[:, i][:, None] for i in range(3)), ain, az)
    scale = 2.0 * np.radians(np.hypot(4.0, 7.0 * np.abs(np.sin(np.radians(ain)))))
    log_like = np.log(0.15 + 0.7 * ndtr(pol * amp / scale)) @ w
    want = np.exp(log_like - log_like.max())
    np.testing.assert_allclose(got, want, atol=2e-3)
    assert np.argmax(got) == np.argmax(want)


def test_trials_kernel_counts_equal_per_trial_acceptable_sets():
    """gridsearch_pool's counts: for each trial the acceptable set of gridsearch.search
    (its own kernel path) with the same limit, counted over the trials."""
    rng = np.random.default_rng(2)
    pol, ain, az = _synthetic(rng, (100.0, 40.0, -60.0), 12)
    s = S.Settings(method="trials", n_trials=6, seed=3)
    w = np.ones(pol.size)
    counts, data_min = S._trial_counts(pol, ain, az, w, s)
    # the same draws as the kernel's trials
    r = np.random.default_rng(3)
    m, n = 5, pol.size
    flips = r.random((m, n)) < s.flip_rate
    t_pol = np.vstack([pol, np.where(flips, -pol, pol)])
    t_ain = np.vstack([ain, ain + r.normal(0.0, 1.0, (m, n)) * 5.0])
    t_az = np.vstack([az, az + r.normal(0.0, 1.0, (m, n)) * 5.0])
    allowance, floor = max(1.0, 0.05 * n), max(1.0, 0.1 * n)
    sdr = S._grid(5.0)[0]
    key = {tuple(np.round(x, 6)): i for i, x in enumerate(sdr)}
    want = np.zeros(sdr.shape[0])
    for k in range(6):
        low = gridsearch.search(t_pol[k], t_ain[k], t_az[k], None, 5.0, None).min_misfit
        found = gridsearch.search(
            t_pol[k], t_ain[k], t_az[k], None, 5.0, max(low + allowance, floor)
        )
        for x in np.c_[found.strike, found.dip, found.rake]:
            want[key[tuple(np.round(x, 6))]] += 1
    np.testing.assert_array_equal(counts, want)
    assert data_min == gridsearch.search(pol, ain, az, None, 5.0, None).min_misfit


def test_noise_free_event_is_found_and_graded():
    rng = np.random.default_rng(7)
    truth = (215.0, 35.0, 70.0)
    pol, ain, az = _synthetic(rng, truth, 40)
    r = S.solve(pol, ain, az)
    # the assumed 5-deg ray errors let a mechanism graze two near-nodal readings
    assert r.answer is not None and r.n_misfit <= 2
    assert float(kagan_angle(truth, r.answer)) < 10.0
    assert float(kagan_angle(truth, r.answer)) <= r.radius68_deg
    assert r.grade in "AB" and r.clusters[0].probability > 0.8
    assert r.pinv is not None and np.isfinite(r.kagan_pinv_deg)
    json.dumps(r.as_dict())  # every number is JSON (no NaN object, no array)


def test_two_solutions_give_two_clusters():
    """Readings on two small circles that two different mechanisms explain equally: two
    clusters of similar probability, each near one of the mechanisms; the average of the
    whole pool (the old 'preferred') is far from both."""
    a, b = (0.0, 90.0, 0.0), (45.0, 90.0, 0.0)  # strike-slip, 45 deg apart
    ain = np.array([30.0] * 8 + [150.0] * 8)
    az = np.r_[np.arange(8) * 45.0 + 22.5, np.arange(8) * 45.0 + 22.5]
    pa, pb = np.sign(p_radiation(*a, ain, az)), np.sign(p_radiation(*b, ain, az))
    keep = pa == pb  # the readings both mechanisms explain
    pol, ain, az = pa[keep], ain[keep], az[keep]
    r = S.solve(pol, ain, az, settings=S.Settings(min_polarities=4, cluster_deg=20.0))
    assert len(r.clusters) >= 2
    near = [min(float(kagan_angle(c.sdr, a)), float(kagan_angle(c.sdr, b))) for c in r.clusters]
    assert max(near[:2]) < 25.0


def test_too_few_polarities_no_solution():
    r = S.solve([1.0, -1.0, 1.0], [10.0, 50.0, 80.0], [0.0, 90.0, 180.0])
    assert r.answer is None and "fewer than the minimum of 8" in r.message
    assert r.grade == "" and r.clusters == []


def test_gaps_closed_form():
    az_gap, to_gap = S.gaps([30.0, 30.0, 150.0], [0.0, 90.0, 0.0])
    # 150 folds to 30 at azimuth 180: azimuths 0, 90, 180 -> largest gap 180
    assert az_gap == pytest.approx(180.0)
    assert to_gap == pytest.approx(60.0)  # 30 to 90


def _phase(station, phase, polarity, ain, caz, weight=" ", residual=0.0, dist=20.0):
    line = [" "] * 80

    def put(col, text):
        line[col - 1 : col - 1 + len(text)] = text

    put(2, f"{station:5s}")
    put(7, "SZ")
    put(10, "I")
    put(11, f"{phase:4s}")
    put(15, weight)
    put(17, polarity)
    put(19, " 217 43.89")
    put(58, f"{ain:3.0f}")
    put(64, f"{residual:5.2f}")
    put(71, f"{dist:5.1f}")
    put(77, f"{caz:3.0f}")
    return "".join(line)


def test_qc_one_polarity_per_station_and_conflicts(tmp_path):
    head = " 2021 0304 0217 41.3 L  60.810   5.550 14.0  SFC 22 0.1 2.8LSFC                1"
    help7 = " STAT SP IPHASW D HRMM SECON CODA AMPLIT PERI AZIMU VELO AIN AR TRES W  DIS CAZ7"
    lines = [
        head,
        help7,
        _phase("AAA", "P", "C", 100, 10),
        _phase("AAA", "PG", "C", 95, 10),
        _phase("BBB", "P", "C", 100, 100),
        _phase("BBB", "PN", "D", 80, 100),
        _phase("CCC", "P", "D", 100, 200, residual=4.5),
        _phase("DDD", "P", "D", 100, 250, weight="4"),
        _phase("EEE", "pP", "D", 60, 300),
        _phase("FFF", "P", "+", 100, 320, dist=250.0),
        "",
    ]
    path = tmp_path / "01-0000-00L.S202101"
    path.write_text("\n".join(lines))
    event = nordic.read_events(path)[0]
    sel = R.select(event, "qc", max_distance_km=200.0)
    assert sel.station == ["AAA"]
    why = {(s, p): r for _, s, p, r in sel.dropped}
    assert why[("AAA", "PG")].startswith("repeat of P")
    assert why[("BBB", "P")].startswith("conflicting polarities (P C, PN D)")
    assert why[("CCC", "P")] == "residual 4.5 s beyond 3 s"
    assert why[("DDD", "P")] == "weight 4 (not used by HYP)"
    assert why[("EEE", "pP")] == "phase pP not used"
    assert why[("FFF", "P")] == "distance 250 km beyond 200 km"
    assert R.select(event, "qc", exclude_stations=["aaa"]).station == ["FFF"]
    fm = R.select(event, "focmec")
    assert fm.station == ["AAA", "AAA", "BBB", "BBB", "CCC", "DDD", "FFF"]


@pytest.fixture()
def example_db(tmp_path):
    root = tmp_path / "REA" / "EXAMP"
    shutil.copytree(EXAMPLE / "REA" / "EXAMP", root)
    return root


def test_command_json_write_plot_jobs(example_db, capsys, tmp_path):
    code = main(["fps", str(example_db), "--json", "--agency", "TST"])
    out = capsys.readouterr().out
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 9
    solved = [r for r in rows if r["answer"] is not None]
    assert len(solved) == 8 and "NaN" not in out
    none = next(r for r in rows if r["answer"] is None)
    assert "fewer than the minimum" in none["message"]
    truth = {e["file"]: e for e in json.loads((EXAMPLE / "truth.json").read_text())["events"]}
    errors = []
    for r in solved:
        t = truth[str(Path(r["path"]).relative_to(example_db))]
        errors.append(float(kagan_angle(tuple(r["answer"]), (t["strike"], t["dip"], t["rake"]))))
    assert np.median(errors) < 30.0
    # --jobs 2 gives the same answers
    assert main(["fps", str(example_db), "--json", "--jobs", "2"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert [r["answer"] for r in again] == [r["answer"] for r in rows]
    # --write: an OF-line of SEISFOC with the numbers in SEISAN's columns
    assert main(["fps", str(example_db), "--write", "--agency", "TST"]) == 0
    capsys.readouterr()
    first = solved[0]
    event = nordic.read_events(first["path"])[0]
    f = next(x for x in event.fault_planes if x.program.strip() == "SEISFOC")
    assert f.flag == "O" and f.agency == "TST" and f.quality == first["grade"]
    assert (f.strike, f.dip, f.rake) == tuple(round(x, 1) for x in first["answer"])
    assert f.fit_error == round(first["misfit"], 2)
    assert f.station_distribution_ratio == round(first["stdr"], 2)
    assert f.n_bad_polarities == first["n_misfit"]
    assert f.strike_error is not None and f.strike_error >= 0.0
    # written twice: still one SEISFOC line
    assert main(["fps", first["path"], "--write", "--agency", "TST"]) == 0
    capsys.readouterr()
    event = nordic.read_events(first["path"])[0]
    assert sum(x.program.strip() == "SEISFOC" for x in event.fault_planes) == 1
    png = tmp_path / "b.png"
    assert main(["fps", first["path"], "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_command_table_and_errors(example_db, capsys, tmp_path):
    code = main(["fps", str(example_db)])
    out = capsys.readouterr().out
    assert code == 0 and "no solution: 4 polarities" in out and "columns:" in out
    assert "nan" not in out.lower()
    code = main(["fps", str(tmp_path / "missing.S202101")])
    assert code == 1
    with pytest.raises(SystemExit) as info:
        main(["fps", str(example_db), "--flip-rate", "0.7"])
    assert info.value.code == 2


def test_pool_and_top_equal_a_full_stable_sort():
    """The partial sorts of the pool (99.5 % of the weight) and of the cluster centres give
    exactly what sorting everything gives, ties (equal weights) included."""
    rng = np.random.default_rng(7)
    for _ in range(500):
        n = int(rng.integers(1, 400))
        kind = rng.integers(3)
        if kind == 0:
            w = rng.integers(0, 4, n).astype(np.float64)  # many ties, zeros
        elif kind == 1:
            w = np.exp(-rng.exponential(20.0, n))  # a posterior's long tail
        else:
            w = rng.random(n)
        k = int(rng.integers(1, 20))
        assert np.array_equal(S._top(w, k), np.argsort(-w, kind="stable")[:k])
        if w.sum() > 0:
            order = np.argsort(-w, kind="stable")
            cum = np.cumsum(w[order])
            m = int(np.searchsorted(cum, S._POOL_MASS * cum[-1])) + 1
            assert np.array_equal(S._pool(w), np.sort(order[:m]))


def test_blocked_products_equal_plain_ones():
    rng = np.random.default_rng(3)
    for n in (1, 511, 512, 513, 5000):
        a = rng.random((12, 3)).astype(np.float32)
        b = rng.random((n, 3)).astype(np.float32)
        np.testing.assert_allclose(S._dots(a, b), a @ b.T, rtol=1e-6)
        inside = rng.random((12, n)) < 0.4
        w = rng.random(n).astype(np.float32)
        np.testing.assert_allclose(S._row_sums(inside, w), inside @ w, rtol=1e-5)
