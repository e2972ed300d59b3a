"""seisfoc.cmt.weight on cases with closed-form weights."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from seisfoc.cmt import config as cmtconfig
from seisfoc.cmt import weight
from seisfoc.cmt.records import Window

from seisfoc.errors import SeisfocError

BANDS = (
    cmtconfig.BandConfig(name="body", wave_type="body"),
    cmtconfig.BandConfig(name="surface", min_period_s=150.0, max_period_s=300.0),
)


def _windows(specs):
    """specs: (band, station, component, start)"""
    return [Window(band, f"XX.{sta}", comp, start, start + 200.0) for band, sta, comp, start
            in specs]  # fmt: skip


def _plain(**changes) -> cmtconfig.WeightConfig:
    base = cmtconfig.weight_preset("none")
    return replace(base, **changes)


def test_one_trace_per_bin_gives_equal_azimuth_weights():
    n = 12
    wins = _windows([("body", f"S{i}", "Z", 100.0) for i in range(n)])
    az = 15.0 + 30.0 * np.arange(n)  # bin centres
    w = weight.weigh_windows(wins, np.full(n, 50.0), az, np.ones(n),
                              _plain(azimuth_exponent=0.5), BANDS)  # fmt: skip
    np.testing.assert_allclose(w.azimuth, 1.0)
    np.testing.assert_allclose(w.weights, 1.0)
    np.testing.assert_array_equal(w.bin_count, 1)
    np.testing.assert_array_equal(w.azimuth_bin, np.arange(n))


def test_crowded_bin_closed_form():
    # four traces in bin 0, one in bin 3: raw weights (1/4)^0.5 and 1, mean over the five
    # traces 0.6, so 0.5/0.6 and 1/0.6
    wins = _windows([("body", f"S{i}", "Z", 100.0) for i in range(5)])
    az = np.array([1.0, 5.0, 10.0, 29.0, 100.0])
    w = weight.weigh_windows(wins, np.full(5, 50.0), az, np.ones(5),
                              _plain(azimuth_exponent=0.5), BANDS)  # fmt: skip
    np.testing.assert_allclose(w.azimuth, [0.5 / 0.6] * 4 + [1.0 / 0.6])
    np.testing.assert_allclose(w.weights.mean(), 1.0)
    # two windows on one trace share its azimuth weight and count once in the bin
    wins2 = wins + [Window("body", "XX.S4", "Z", 500.0, 700.0)]
    w2 = weight.weigh_windows(wins2, np.full(6, 50.0), np.append(az, 100.0), np.ones(6),
                               _plain(azimuth_exponent=0.5), BANDS)  # fmt: skip
    np.testing.assert_allclose(w2.azimuth, [0.5 / 0.6] * 4 + [1.0 / 0.6] * 2)


def test_components_and_distance_exponents_of_the_pycmt3d_preset():
    wcfg = cmtconfig.weight_preset("pycmt3d")
    assert (wcfg.component_z, wcfg.component_r, wcfg.component_t) == (2.0, 1.0, 2.0)
    wins = _windows([
        ("surface", "A", "Z", 100.0),  # first window of the trace: Pnl
        ("surface", "A", "Z", 600.0),  # later: Rayleigh
        ("surface", "A", "R", 600.0),  # first on its trace: Pnl
        ("surface", "A", "T", 100.0),  # Love
        ("body", "A", "T", 100.0),  # body band: Pnl on every component
    ])  # fmt: skip
    n = len(wins)
    dist = np.full(n, 40.0)
    w = weight.weigh_windows(wins, dist, np.zeros(n), np.ones(n), wcfg, BANDS)
    assert w.wave == ["pnl", "rayleigh", "pnl", "love", "pnl"]
    np.testing.assert_allclose(w.distance_exponent, [1.15, 0.55, 1.15, 0.78, 1.15])
    np.testing.assert_allclose(w.distance, 40.0 ** -np.array([1.15, 0.55, 1.15, 0.78, 1.15]))
    np.testing.assert_allclose(w.component, [2.0, 2.0, 1.0, 2.0, 2.0])
    # every factor is in the record and their product, normalised, is the weight
    for i in range(n):
        t = w.terms(i)
        product = (t["band"] * t["component"] * t["azimuth"] * t["distance"] * t["energy"]
                   * t["category_factor"] * t["normalisation"])  # fmt: skip
        assert product == pytest.approx(t["weight"], rel=1e-12)
    np.testing.assert_allclose(w.weights.mean(), 1.0)


def test_distance_weight_ratio():
    wins = _windows([("surface", "A", "Z", 100.0), ("surface", "B", "Z", 100.0)])
    w = weight.weigh_windows(wins, np.array([30.0, 120.0]), np.array([0.0, 180.0]),
                              np.ones(2), _plain(rayleigh_exponent=0.5, pnl_exponent=0.5),
                              BANDS)  # fmt: skip
    assert w.weights[0] / w.weights[1] == pytest.approx(2.0)


def test_energy_and_category_normalisation():
    wins = _windows([
        ("body", "A", "Z", 100.0), ("body", "B", "Z", 100.0), ("body", "C", "Z", 100.0),
        ("surface", "A", "T", 100.0),
    ])  # fmt: skip
    energy = np.array([1.0, 4.0, 2.0, 1e-6])
    az = np.array([0.0, 90.0, 180.0, 270.0])
    w = weight.weigh_windows(wins, np.full(4, 60.0), az, energy,
                              _plain(energy_normalisation=True), BANDS)  # fmt: skip
    np.testing.assert_allclose(w.energy, 1.0 / energy)
    np.testing.assert_allclose(w.weights[:3] / w.weights[0], [1.0, 0.25, 0.5])
    wc = weight.weigh_windows(wins, np.full(4, 60.0), az, energy,
                               _plain(energy_normalisation=True, category_normalisation=True),
                               BANDS)  # fmt: skip
    # two categories (body.Z, surface.T) with the same total weight
    assert wc.weights[:3].sum() == pytest.approx(wc.weights[3])
    assert wc.weights.sum() == pytest.approx(4.0)
    assert set(wc.category_name) == {"body.Z", "surface.T"}


def test_gcmt3d_preset_is_the_default_and_none_is_flat():
    assert cmtconfig.Config().weight == cmtconfig.weight_preset("gcmt3d")
    wins = _windows([("surface", f"S{i}", c, 100.0) for i in range(4) for c in "ZRT"])
    n = len(wins)
    rng = np.random.default_rng(0)
    w = weight.weigh_windows(wins, rng.uniform(20, 150, n), np.zeros(n),
                              rng.uniform(0.1, 10, n), cmtconfig.weight_preset("none"),
                              BANDS)  # fmt: skip
    np.testing.assert_allclose(w.weights, 1.0)


def test_band_weight_and_errors():
    bands = (replace(BANDS[0], weight=3.0), BANDS[1])
    wins = _windows([("body", "A", "Z", 100.0), ("surface", "A", "Z", 100.0)])
    w = weight.weigh_windows(wins, np.full(2, 50.0), np.zeros(2), np.ones(2), _plain(), bands)
    assert w.weights[0] / w.weights[1] == pytest.approx(3.0)
    with pytest.raises(SeisfocError, match="configuration lacks"):
        weight.weigh_windows(_windows([("nope", "A", "Z", 0.0)]), [50.0], [0.0], [1.0],
                              _plain(), BANDS)  # fmt: skip
    with pytest.raises(SeisfocError, match="zero"):
        weight.weigh_windows(wins, np.array([0.0, 50.0]), np.zeros(2), np.ones(2), _plain(),
                              BANDS)  # fmt: skip
    with pytest.raises(SeisfocError, match="no windows"):
        weight.weigh_windows([], [], [], [], _plain(), BANDS)
    zero = (replace(BANDS[0], weight=0.0), replace(BANDS[1], weight=0.0))
    with pytest.raises(SeisfocError, match="weighs zero"):
        weight.weigh_windows(wins, np.full(2, 50.0), np.zeros(2), np.ones(2), _plain(), zero)


def test_weights_of_measurements():
    from cmtcore_problem import make_problem
    from seisfoc.cmt import measure

    p = make_problem()
    m = measure.measure(p.obs, p.syns, p.windows, p.stencils)
    cfg = cmtconfig.Config()
    full = weight.compute_weights(m, cfg)
    np.testing.assert_array_equal(weight.window_weights(m, cfg), full.weights)
    assert full.weights.mean() == pytest.approx(1.0)
    # gcmt3d: energy normalisation and 1/distance, so each window's weight times its
    # energy and distance is equal within a category up to the azimuth factor
    cat = np.array(full.category_name) == "surface.Z"
    ratio = full.weights[cat] * m.obs_energy[cat] * m.distance_deg[cat] / full.azimuth[cat]
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-12)
