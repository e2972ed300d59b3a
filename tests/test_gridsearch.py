"""Double-couple grid search: misfit counts against an independent NumPy computation,
noise-free synthetics, and FOCMEC's acceptable sets from SEISAN's runs."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial import cKDTree

from seisfoc import gridsearch as gs
from seisfoc.mechanism import kagan_angle, p_radiation, predicted_polarity


def _random_readings(rng, n):
    return (
        rng.choice([-1.0, 1.0], n),
        rng.uniform(0.0, 180.0, n),
        rng.uniform(0.0, 360.0, n),
        rng.uniform(0.2, 2.0, n),
    )


def _numpy_misfit(strike, dip, rake, pol, takeoff, azimuth, weight):
    """Independent count: A&R's formula for every (mechanism, reading) pair."""
    args = (s[:, None] for s in (strike, dip, rake))
    predicted = predicted_polarity(*args, takeoff[None, :], azimuth[None, :])
    amplitude = np.abs(p_radiation(*(s[:, None] for s in (strike, dip, rake)), takeoff, azimuth))
    misfit = np.sum(weight * (predicted * pol < 0), axis=1)
    return misfit, np.sum(weight * amplitude, axis=1) / np.sum(weight)


@pytest.mark.parametrize("grid, step", [("baxis", 10.0), ("sdr", 15.0)])
def test_whole_grid_misfit_equals_numpy_count(grid, step):
    rng = np.random.default_rng(7)
    pol, takeoff, azimuth, weight = _random_readings(rng, 23)
    every = gs.search(pol, takeoff, azimuth, weight, step_deg=step, max_misfit=np.inf, grid=grid)
    assert every.size == every.n_grid > 1000
    expected, stdr = _numpy_misfit(
        every.strike, every.dip, every.rake, pol, takeoff, azimuth, weight
    )
    np.testing.assert_allclose(every.misfit, expected, atol=1e-12)
    np.testing.assert_allclose(every.stdr, stdr, atol=1e-12)
    assert every.min_misfit == pytest.approx(expected.min())
    # the acceptable set at the minimum is exactly the minimising grid points
    at_min = gs.search(pol, takeoff, azimuth, weight, step_deg=step, grid=grid)
    assert at_min.size == np.count_nonzero(np.isclose(expected, expected.min()))
    limit = np.sort(expected)[200]
    some = gs.search(pol, takeoff, azimuth, weight, step_deg=step, max_misfit=limit, grid=grid)
    assert some.size == np.count_nonzero(expected <= limit + 1e-9)


def test_misfit_of_given_mechanisms():
    rng = np.random.default_rng(3)
    pol, takeoff, azimuth, weight = _random_readings(rng, 17)
    strike, dip, rake = (
        rng.uniform(0, 360, 500),
        rng.uniform(0, 90, 500),
        rng.uniform(-180, 180, 500),
    )
    result = gs.misfit(strike, dip, rake, pol, takeoff, azimuth, weight)
    expected, stdr = _numpy_misfit(strike, dip, rake, pol, takeoff, azimuth, weight)
    np.testing.assert_allclose(result.misfit, expected, atol=1e-12)
    np.testing.assert_allclose(result.stdr, stdr, atol=1e-12)


def test_grid_shapes():
    # sdr: 360/step strikes x 90/step dips x 360/step rakes, angles in the stated ranges
    sdr = gs.search([1.0], [30.0], [0.0], step_deg=10.0, max_misfit=np.inf, grid="sdr")
    assert sdr.n_grid == 36 * 9 * 36
    assert sdr.dip.min() == 10.0 and sdr.dip.max() == 90.0
    assert sdr.rake.min() == -170.0 and sdr.rake.max() == 180.0
    assert sdr.strike.min() == 0.0 and sdr.strike.max() == 350.0
    # baxis: sum over plunges of nint(360 cos p / step) trends (180/step at p = 0, 1 at 90)
    step = 10.0
    plunges = np.arange(0.0, 90.1, step)
    n_trend = [
        18 if p == 0 else 1 if p == 90 else round(36 * np.cos(np.radians(p))) for p in plunges
    ]
    baxis = gs.search([1.0], [30.0], [0.0], step_deg=step, max_misfit=np.inf)
    assert baxis.n_grid == sum(n_trend) * 18
    assert baxis.dip.min() >= 0.0 and baxis.dip.max() <= 90.0


def test_baxis_grid_has_each_double_couple_once_and_covers_all():
    every = gs.search([1.0], [30.0], [0.0], step_deg=15.0, max_misfit=np.inf)
    t, b, p = gs._frames(every.strike, every.dip, every.rake)
    # pairwise Kagan angle > 0 off the diagonal (trace formula, checked below)
    dt, db, dp = t @ t.T, b @ b.T, p @ p.T
    trace = np.maximum.reduce([dt + db + dp, dt - db - dp, -dt + db - dp, -dt - db + dp])
    np.fill_diagonal(trace, -1.0)
    assert trace.max() < 3.0 - 1e-6
    # every random double couple is within about one step of a grid point
    rng = np.random.default_rng(11)
    s, d, r = (
        rng.uniform(0, 360, 40),
        np.degrees(np.arccos(rng.uniform(0, 1, 40))),
        rng.uniform(-180, 180, 40),
    )
    nearest = [
        np.min(kagan_angle((every.strike, every.dip, every.rake), (s[k], d[k], r[k])))
        for k in range(40)
    ]
    assert max(nearest) < 15.0
    # the trace formula equals the Kagan angle of seisfoc.mechanism
    i, j = rng.integers(0, every.size, 50), rng.integers(0, every.size, 50)
    mean = gs._mean_kagan_to_set(t, b, p, i)
    assert mean.shape == (50,)
    direct = kagan_angle(
        (every.strike[i], every.dip[i], every.rake[i]),
        (every.strike[j], every.dip[j], every.rake[j]),
    )
    formula = np.degrees(np.arccos(np.clip((trace[i, j] - 1) / 2, -1, 1)))
    np.testing.assert_allclose(formula, direct, atol=1e-5)


def _keys(strike, dip, rake):
    """Rounded (strike, dip, rake) of each mechanism, strike in [0, 360), rake (-180, 180]."""
    s = np.round(np.mod(strike, 360.0), 1) % 360.0
    r = np.round(rake, 1)
    r = np.where(r == -180.0, 180.0, r)
    return list(zip(s.tolist(), np.round(dip, 1).tolist(), r.tolist(), strict=True))


def _fibonacci_lower_hemisphere(n):
    k = np.arange(n) + 0.5
    takeoff = np.degrees(np.arccos(1.0 - k / n))  # uniform on the lower hemisphere
    azimuth = np.mod(k * 137.50776405003785, 360.0)
    return takeoff, azimuth


@pytest.mark.parametrize("grid, truth", [("sdr", (30.0, 60.0, -70.0)), ("baxis", None)])
def test_noise_free_truth_has_zero_misfit_and_is_acceptable(grid, truth):
    takeoff, azimuth = _fibonacci_lower_hemisphere(60)
    if truth is None:  # a grid point of the B-axis grid
        every = gs.search([1.0], [30.0], [0.0], step_deg=5.0, max_misfit=np.inf, grid=grid)
        k = every.size // 3 + 17
        truth = (every.strike[k], every.dip[k], every.rake[k])
    keep = np.abs(p_radiation(*truth, takeoff, azimuth)) > 0.02
    takeoff, azimuth = takeoff[keep], azimuth[keep]
    pol = predicted_polarity(*truth, takeoff, azimuth).astype(float)
    found = gs.search(pol, takeoff, azimuth, step_deg=5.0, grid=grid)
    assert found.min_misfit == 0.0 and found.max_misfit == 0.0
    assert np.all(found.misfit == 0.0)
    assert np.min(kagan_angle((found.strike, found.dip, found.rake), truth)) < 1e-6
    assert gs.misfit(*truth, pol, takeoff, azimuth).misfit == 0.0
    preferred = gs.preferred_from_set(found)
    assert kagan_angle(preferred, truth) < 10.0
    medoid = gs.preferred_from_set(found, "medoid")
    assert kagan_angle(medoid, truth) < 10.0
    spread = gs.acceptable_spread(found, truth)
    assert 0.0 <= spread.mean_deg <= spread.rms_deg <= spread.max_deg < 30.0
    top = gs.best(found)
    assert top.misfit == 0.0 and top.stdr == pytest.approx(found.stdr.max())


def test_acceptable_set_shrinks_with_more_readings():
    """Adding readings only adds constraints: the sets are nested and tighten."""
    truth = (125.0, 55.0, -70.0)  # on the 5 deg strike/dip/rake grid
    takeoff, azimuth = _fibonacci_lower_hemisphere(200)
    order = np.random.default_rng(5).permutation(200)
    takeoff, azimuth = takeoff[order], azimuth[order]
    pol = predicted_polarity(*truth, takeoff, azimuth).astype(float)
    previous, sizes, spreads = None, [], []
    for n in (5, 10, 20, 40, 200):
        found = gs.search(pol[:n], takeoff[:n], azimuth[:n], step_deg=5.0, grid="sdr")
        assert found.min_misfit == 0.0
        members = set(_keys(found.strike, found.dip, found.rake))
        assert (125.0, 55.0, -70.0) in members
        if previous is not None:
            assert members <= previous
        previous = members
        sizes.append(found.size)
        spreads.append(gs.acceptable_spread(found, truth).max_deg)
    assert all(a >= b for a, b in zip(sizes[:-1], sizes[1:], strict=True)), sizes
    assert all(a >= b for a, b in zip(spreads[:-1], spreads[1:], strict=True)), spreads
    assert sizes[0] > 20 * sizes[-1] and spreads[0] > 3 * spreads[-1]
    assert spreads[-1] < 10.0


def test_weights_and_threshold():
    truth = (10.0, 40.0, 100.0)
    takeoff, azimuth = _fibonacci_lower_hemisphere(30)
    pol = predicted_polarity(*truth, takeoff, azimuth).astype(float)
    pol[[3, 11]] *= -1.0
    weight = np.ones(30)
    weight[[3, 11]] = [0.25, 0.5]
    result = gs.misfit(*truth, pol, takeoff, azimuth, weight)
    assert result.misfit == pytest.approx(0.75)
    amp = np.abs(p_radiation(*truth, takeoff[[3, 11]], azimuth[[3, 11]]))
    lenient = gs.misfit(*truth, pol, takeoff, azimuth, weight, nodal_threshold=amp.max() + 1e-6)
    assert lenient.misfit == 0.0
    found = gs.search(pol, takeoff, azimuth, weight, step_deg=5.0, max_misfit=0.75)
    assert found.max_misfit == 0.75 and np.all(found.misfit <= 0.75 + 1e-9)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"polarity": [1.0, 0.0], "takeoff_deg": [10, 20], "azimuth_deg": [0, 1]},
        {"polarity": [], "takeoff_deg": [], "azimuth_deg": []},
        {"polarity": [1.0], "takeoff_deg": [np.nan], "azimuth_deg": [0]},
        {"polarity": [1.0], "takeoff_deg": [10], "azimuth_deg": [0], "step_deg": 0.0},
        {"polarity": [1.0], "takeoff_deg": [10], "azimuth_deg": [0], "grid": "hex"},
        {"polarity": [1.0], "takeoff_deg": [10], "azimuth_deg": [0], "weight": [-1.0]},
        {"polarity": [1.0, 1.0], "takeoff_deg": [10, 2, 3], "azimuth_deg": [0]},
    ],
)
def test_bad_input_raises(kwargs):
    with pytest.raises(gs.GridSearchError):
        gs.search(**kwargs)


# ------------------------------------------------------------------ FOCMEC reference

FOCMEC_EVENTS = [
    "22-0141-06L.S199508",
    "06-0648-30L.S199606",
    "23-0117-57D.S199606",
    "08-0503-33D.S200703",
]


def _read_focmec_dat(path):
    """FOCMEC's input: a title line, then station (A4), azimuth, take-off (2F8.2), sense."""
    rows = path.read_text().splitlines()[1:]
    azimuth = np.array([float(line[4:12]) for line in rows])
    takeoff = np.array([float(line[12:20]) for line in rows])
    polarity = np.array([{"C": 1.0, "D": -1.0}[line[20]] for line in rows])
    return polarity, takeoff, azimuth


def _read_fm_new(folder):
    """(Dip, Strike, Rake, P errors) rows of fm_new.out[.gz] (the six-number lines)."""
    plain = folder / "fm_new.out"
    text = plain.read_text() if plain.exists() else gzip.open(f"{plain}.gz", "rt").read()
    rows = []
    for line in text.splitlines():
        try:
            values = [float(x) for x in line.split()]
        except ValueError:
            continue
        if len(values) == 6:
            rows.append(values[:4])
    return np.array(rows)


def _axis_embedding(sdr):
    """(t t^T, p p^T) flattened: the same point for every frame of one double couple."""
    t, _, p = gs._frames(*sdr)
    return np.hstack(
        [
            (t[:, :, None] * t[:, None, :]).reshape(-1, 9),
            (p[:, :, None] * p[:, None, :]).reshape(-1, 9),
        ]
    )


def _nearest_kagan(sdr1, sdr2, candidates=8):
    """For each mechanism of sdr1 the Kagan angle (deg) to the closest one of sdr2.

    A k-d tree on a sign-free embedding of the P and T axes proposes the nearest
    candidates; seisfoc.mechanism.kagan_angle measures them."""
    tree = cKDTree(_axis_embedding(sdr2))
    k = min(candidates, len(sdr2[0]))
    _, index = tree.query(_axis_embedding(sdr1), k=k)
    index = index.reshape(len(sdr1[0]), k)
    first = tuple(np.repeat(np.asarray(x, dtype=float)[:, None], k, axis=1) for x in sdr1)
    second = tuple(np.asarray(x, dtype=float)[index] for x in sdr2)
    return np.min(kagan_angle(first, second), axis=1)


@pytest.mark.parametrize("event", FOCMEC_EVENTS)
def test_focmec_acceptable_sets(reference_dir, event):
    """Same grid (FOCMEC's, 2 deg): same minimum error count and the same solutions."""
    folder = reference_dir / "pinv" / event / "hyp" / "focmec"
    polarity, takeoff, azimuth = _read_focmec_dat(folder / "focmec.dat")
    focmec = _read_fm_new(folder)
    min_errors, n_solutions = (int(x) for x in (folder / "nerr_nsol.txt").read_text().split())
    assert focmec.shape[0] == n_solutions

    found = gs.search(polarity, takeoff, azimuth, step_deg=2.0)
    assert found.n_grid == 464310
    assert found.min_misfit == min_errors

    # FOCMEC prints 2 decimals and decides readings on a nodal plane in single
    # precision: solutions with such a reading are the only ones allowed to differ.
    theirs = (focmec[:, 1], focmec[:, 0], focmec[:, 2])
    ours = (found.strike, found.dip, found.rake)
    amplitude = np.abs(p_radiation(*(x[:, None] for x in theirs), takeoff, azimuth))
    near_nodal = amplitude.min(axis=1) < 1e-3
    missing = _nearest_kagan(theirs, ours) > 0.05
    assert not np.any(missing & ~near_nodal)
    assert np.count_nonzero(missing) <= 3
    mis = gs.misfit(*theirs, polarity, takeoff, azimuth).misfit
    assert np.all((mis == focmec[:, 3]) | near_nodal)
    if n_solutions < 9999:  # FOCMEC's set is complete: ours holds nothing else
        extra = _nearest_kagan(ours, theirs) > 0.05
        assert np.count_nonzero(extra) <= 3
        assert abs(found.size - n_solutions) <= 3
    else:  # FOCMEC stopped at 9999
        assert found.size > n_solutions


def test_focmec_set_against_strike_dip_rake_grid(reference_dir):
    """A different grid (strike/dip/rake, 2 deg) finds the same region: every FOCMEC
    solution lies within a few degrees (8) of one of ours and vice versa."""
    folder = reference_dir / "pinv" / "06-0648-30L.S199606" / "hyp" / "focmec"
    polarity, takeoff, azimuth = _read_focmec_dat(folder / "focmec.dat")
    focmec = _read_fm_new(folder)
    found = gs.search(polarity, takeoff, azimuth, step_deg=2.0, grid="sdr")
    assert found.min_misfit == 1.0
    theirs = (focmec[:, 1], focmec[:, 0], focmec[:, 2])
    ours = (found.strike, found.dip, found.rake)
    assert _nearest_kagan(theirs, ours).max() < 8.0
    assert _nearest_kagan(ours, theirs).max() < 8.0
    # the preferred mechanisms: same grid, same answer; the strike/dip/rake grid is
    # denser at small dips, so its average is pulled a few degrees
    focmec_set = found._replace(strike=focmec[:, 1], dip=focmec[:, 0], rake=focmec[:, 2])
    preferred = gs.preferred_from_set(focmec_set)
    baxis = gs.search(polarity, takeoff, azimuth, step_deg=2.0)
    assert kagan_angle(gs.preferred_from_set(baxis), preferred) < 0.5
    assert kagan_angle(gs.preferred_from_set(found), preferred) < 10.0


def _focmec_folders(reference_dir):
    """The six reference FOCMEC runs and the three of the synthetic bundle (tests/data
    when a copy of the bundle is there, else ../shared)."""
    folders = [reference_dir / "pinv" / e / "hyp" / "focmec" for e in FOCMEC_EVENTS]
    local = Path(__file__).parent / "data" / "bundle"
    bundle = local if local.is_dir() else reference_dir / "bundle"
    return folders + [bundle / f"case_00{k}" / "focmec" for k in (4, 5, 7)]


def _paired_kagan(a, b):
    """Kagan angle of the i-th mechanism of a to the i-th of b."""
    return np.atleast_1d(kagan_angle(a, b))


def test_focmec_convention_reproduces_focmec_sets_both_ways(reference_dir):
    """on_plane="focmec": every reference FOCMEC run gives FOCMEC's minimum error count
    and FOCMEC's acceptable set, member for member in FOCMEC's order, and nothing more
    (the runs FOCMEC stopped at 9999 solutions: its 9999 are our first 9999)."""
    sizes = {}
    for folder in _focmec_folders(reference_dir):
        polarity, takeoff, azimuth = _read_focmec_dat(folder / "focmec.dat")
        focmec = _read_fm_new(folder)
        min_errors, n_solutions = (int(x) for x in (folder / "nerr_nsol.txt").read_text().split())
        found = gs.focmec_set(polarity, takeoff, azimuth)
        assert found.min_misfit == min_errors, folder
        if n_solutions < 9999:
            assert found.size == n_solutions, folder
        else:
            assert found.size > 9999, folder
        n = min(found.size, n_solutions)
        ours = (found.strike[:n], found.dip[:n], found.rake[:n])
        theirs = (focmec[:n, 1], focmec[:n, 0], focmec[:n, 2])
        # FOCMEC prints two decimals: the same mechanism is within 0.02 deg
        assert _paired_kagan(ours, theirs).max() < 0.02, folder
        np.testing.assert_array_equal(found.misfit[:n], focmec[:n, 3])
        sizes[folder.parts[-3] if folder.parts[-4] == "pinv" else folder.parts[-2]] = found.size
    # the event of the issue: 5,003 solutions when a nodal ray is ignored, 5,001 as FOCMEC
    assert sizes["22-0141-06L.S199508"] == 5001
    folder = reference_dir / "pinv" / "22-0141-06L.S199508" / "hyp" / "focmec"
    polarity, takeoff, azimuth = _read_focmec_dat(folder / "focmec.dat")
    assert gs.search(polarity, takeoff, azimuth, step_deg=2.0).size == 5003
    assert gs.search(polarity, takeoff, azimuth, step_deg=2.0, on_plane="error").size == 5000


def test_on_plane_conventions_on_a_vertical_ray():
    """Blank AIN read as take-off 0: the ray is vertical and lies on both planes of every
    vertical strike-slip fault. "ignore" never counts it, "error" always does, and the
    grid search's acceptable sets differ exactly by the mechanisms that have a ray on a
    plane."""
    pol = np.array([1.0, -1.0, 1.0, -1.0, 1.0])
    takeoff = np.array([0.0, 60.0, 60.0, 60.0, 60.0])
    azimuth = np.array([0.0, 0.0, 90.0, 180.0, 270.0])
    m_ignore = gs.misfit(45.0, 90.0, 0.0, pol, takeoff, azimuth).misfit
    m_error = gs.misfit(45.0, 90.0, 0.0, pol, takeoff, azimuth, on_plane="error").misfit
    assert m_error == m_ignore + 1.0
    ignore = gs.search(pol, takeoff, azimuth, step_deg=10.0, max_misfit=0.0)
    error = gs.search(pol, takeoff, azimuth, step_deg=10.0, max_misfit=0.0, on_plane="error")
    amplitude = p_radiation(*(x[:, None] for x in ignore[:3]), takeoff, azimuth)
    on_plane = (np.abs(amplitude) < 1e-9).any(axis=1)
    assert on_plane.any()
    assert error.size == ignore.size - np.count_nonzero(on_plane)
    focmec = gs.search(pol, takeoff, azimuth, step_deg=10.0, max_misfit=0.0, on_plane="focmec")
    assert error.size <= focmec.size <= ignore.size
    with pytest.raises(gs.GridSearchError, match="on_plane"):
        gs.search(pol, takeoff, azimuth, on_plane="sometimes")
    with pytest.raises(gs.GridSearchError, match="baxis"):
        gs.search(pol, takeoff, azimuth, grid="sdr", on_plane="focmec")


def test_grid_size_matches_kernel():
    for step in (2.0, 5.0, 7.5, 30.0):
        for grid in ("baxis", "sdr"):
            found = gs.search([1.0], [30.0], [10.0], step_deg=step, grid=grid, max_misfit=0.0)
            assert gs.grid_size(step, grid) == found.n_grid
    assert gs.grid_size(2.0) == 464310


def test_memory_budget_refuses_with_numbers():
    """Three polarities at a fine step accept most of the grid: the set is refused before
    it is allocated, the message says how many mechanisms, how much memory and which step
    would fit; the suggested step does fit."""
    pol, takeoff, azimuth = [1.0, -1.0, 1.0], [30.0, 60.0, 80.0], [10.0, 100.0, 250.0]
    budget = 4 << 20  # 4 MiB
    with pytest.raises(gs.GridSearchError) as info:
        gs.search(pol, takeoff, azimuth, 1.0, 2.0, np.inf, memory_budget_bytes=budget)
    text = str(info.value)
    assert "grid step 2 deg" in text and "464,310" in text and "4.0 MiB" in text
    suggested = float(text.split("a step of at least ")[1].split(" deg")[0])
    assert suggested > 2.0
    found = gs.search(pol, takeoff, azimuth, 1.0, suggested, np.inf, memory_budget_bytes=budget)
    assert found.size * 64 <= budget
