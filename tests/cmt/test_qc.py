"""Trace quality control: each injected fault is named by its reason, clean traces pass."""

import numpy as np
import pytest
from seisfoc.cmt import qc


def _wave(n=2000, dt=1.0, period=60.0, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n) * dt
    env = np.exp(-(((t - 0.5 * n * dt) / (0.15 * n * dt)) ** 2))
    return env * np.sin(2 * np.pi * t / period) + 1e-3 * rng.standard_normal(n)


def _raw(x, **kw):
    return qc.RawTrace(code="IU.ANMO", component="Z", start_s=-100.0, delta_s=1.0, samples=x, **kw)


def test_clean_trace_is_ok():
    r = qc.check_raw(_raw(_wave()), need_start_s=0.0, need_end_s=1500.0)
    assert r.status == "ok" and r.reason == ""


@pytest.mark.parametrize(
    "mutate, reason",
    [
        (lambda x: np.where(np.arange(x.size) == 700, np.nan, x), "non_finite"),
        (lambda x: np.where(np.arange(x.size) == 900, np.inf, x), "non_finite"),
        (lambda x: np.where((np.arange(x.size) > 800) & (np.arange(x.size) < 900), 0.0, x), "gap"),
        (
            lambda x: np.ma.masked_where((np.arange(x.size) > 300) & (np.arange(x.size) < 310), x),
            "gap",
        ),
        (lambda x: np.zeros_like(x), "dead_channel"),
        (lambda x: np.full_like(x, 3.5), "dead_channel"),
        (lambda x: np.clip(x, -0.4, 0.4), "clipped"),
        (lambda x: x[:10], "too_few_samples"),
    ],
)
def test_each_raw_fault_is_named(mutate, reason):
    r = qc.check_raw(_raw(mutate(_wave())))
    assert r.rejected and r.reason == reason, r
    assert r.reason in qc.REASONS and r.detail


def test_coverage_and_sampling():
    x = _wave()
    assert qc.check_raw(_raw(x), need_start_s=-200.0).reason == "too_short"
    assert qc.check_raw(_raw(x), need_end_s=5000.0).reason == "too_short"
    assert qc.check_raw(_raw(x, metadata_delta_s=0.5)).reason == "sampling_mismatch"
    assert qc.check_raw(_raw(x, metadata_delta_s=1.0)).status == "ok"


def test_different_rates_are_resampled_not_rejected():
    a = _raw(_wave())
    b = qc.RawTrace("IU.COLA", "Z", 0.0, 0.5, _wave(4000))
    c = qc.RawTrace("IU.KIP", "Z", 0.0, 1.0, _wave())
    res = qc.check_sampling_rates([a, b, c])
    assert [r.status for r in res] == ["ok", "repaired", "ok"]
    assert res[1].reason == "resampled" and "2 samples/s" in res[1].detail


def test_missing_components_are_notes():
    res = qc.check_components("IU.ANMO", {"Z"}, ("Z", "R", "T"))
    assert [(r.component, r.reason, r.status) for r in res] == [
        ("R", "missing_component", "repaired"),
        ("T", "missing_component", "repaired"),
    ]


def test_against_synthetic():
    syn = _wave(seed=1)
    obs = syn + 0.05 * _wave(seed=2)[::-1]
    assert qc.check_against_synthetic("IU.ANMO", "Z", obs, syn, 1.0).status == "ok"
    gain = qc.check_against_synthetic("IU.ANMO", "Z", 10 * obs, syn, 1.0)
    assert gain.reason == "amplitude_ratio" and "10" in gain.detail
    rev = qc.check_against_synthetic("IU.ANMO", "Z", -obs, syn, 1.0)
    assert rev.reason == "reversed_polarity"
    shifted = np.roll(obs, 45)
    late = qc.check_against_synthetic("IU.ANMO", "Z", shifted, syn, 1.0)
    assert late.reason == "time_shift" and "+45" in late.detail
    small = np.roll(obs, 10)
    assert qc.check_against_synthetic("IU.ANMO", "Z", small, syn, 1.0).status == "ok"


def test_best_lag_matches_argmax_of_numpy_correlation():
    rng = np.random.default_rng(3)
    syn = rng.standard_normal(300)
    obs = np.roll(syn, 7) + 0.1 * rng.standard_normal(300)
    lag, cc, _, _ = qc._best_lag(obs, syn, 50)
    full = np.correlate(obs, syn, "full")
    assert lag == int(np.argmax(full)) - 299 == 7
    ref = np.dot(obs[7:], syn[:-7]) / np.sqrt(np.dot(obs, obs) * np.dot(syn, syn))
    assert cc == pytest.approx(ref, rel=1e-12)
