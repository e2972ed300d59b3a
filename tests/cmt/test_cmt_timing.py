"""Centroid time shift and half duration in the CMT inversion (``n_parameters`` 10, 11).

* The derivative traces (``seisfoc.cmt.measure``: d s/d t0 = -s', d s/d h = h/(2 c^2) s'')
  against closed forms on a Gaussian pulse, and the composition of SPECFEM Gaussians the
  half-duration formula rests on, by direct numerical convolution.
* The same derivatives against finite differences of two real instaseis simulations (time
  shift and half duration changed by +-0.5 s, placed on the reference time axis by their
  absolute times; unfiltered: the relations commute with any linear filter).
* The Gauss-Newton inversion (prepare, measure, invert of the library) recovers a 2 s
  later centroid and a 3.4 s longer half duration on the synthetic problem of the CMT
  tests (``cmtcore_problem``) whose synthetics are delayed and widened exactly by the
  SPECFEM Gaussian, with and without noise.
* The whole pipeline with ``n_parameters = 11`` on instaseis data: time shift and half
  duration recovered; the CMTSOLUTION, summary.json and report.txt hold them.
* Configuration and edge errors.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from cmtcore_problem import make_problem
from seisfoc.cmt import config as cmtconfig
from seisfoc.cmt import invert, measure, prepare
from seisfoc.cmt.records import ALL_PARAMETERS, TraceSet
from seisfoc.cmt.simulate import SOURCE_DECAY_MIMIC_TRIANGLE as C

from seisfoc.errors import SeisfocError

# ----------------------------------------------------------------------------- closed forms


def _pulse(t: np.ndarray, t0: float, var: float) -> np.ndarray:
    """Unit-area Gaussian of variance ``var`` centred on t0."""
    return np.exp(-((t - t0) ** 2) / (2.0 * var)) / np.sqrt(2.0 * np.pi * var)


def test_derivatives_of_a_gaussian_pulse_match_the_closed_forms():
    dt = 1.0
    t = np.arange(0.0, 1200.0, dt)
    t0, var0, h = 600.0, 30.0**2, 12.0
    # a pulse of variance var0 through the SPECFEM Gaussian of half duration h (variance
    # hg^2 / 2, hg = h / c): variance var0 + h^2 / (2 c^2)
    var = var0 + h**2 / (2.0 * C**2)
    s = _pulse(t, t0, var)
    # shift: s(t - dt0) -> d/d dt0 = (t - t0) / var * s
    exact_shift = (t - t0) / var * s
    got_shift = measure.time_shift_derivative(s, dt)
    err = np.max(np.abs(got_shift - exact_shift)) / np.max(np.abs(exact_shift))
    assert err < 1e-5, err
    # width: d s/d h = d s/d var * h / c^2, d s/d var = s ((t - t0)^2 / (2 var^2) - 1/(2 var))
    exact_h = s * ((t - t0) ** 2 / (2.0 * var**2) - 1.0 / (2.0 * var)) * h / C**2
    got_h = measure.half_duration_derivative(s, dt, h)
    err = np.max(np.abs(got_h - exact_h)) / np.max(np.abs(exact_h))
    assert err < 1e-5, err
    # a wrong constant (1.68 instead of 1.628) or a missing factor 2 fails by far
    assert np.max(np.abs(got_h * (C / 1.68) ** 2 - exact_h)) / np.max(np.abs(exact_h)) > 0.05


def test_specfem_gaussians_compose_as_the_docstring_states():
    """Half duration h then h2 = sqrt((h+dh)^2 - h^2) equals h + dh (direct convolution)."""
    dt = 0.05
    t = np.arange(-60.0, 60.0 + dt / 2, dt)

    def stf(half_duration: float) -> np.ndarray:
        hg = half_duration / C
        return np.exp(-((t / hg) ** 2)) / (np.sqrt(np.pi) * hg)

    h, dh = 8.0, 3.0
    both = np.convolve(stf(h), stf(np.sqrt((h + dh) ** 2 - h**2)), mode="same") * dt
    err = np.max(np.abs(both - stf(h + dh))) / np.max(stf(h + dh))
    assert err < 1e-6, err
    wrong = np.convolve(stf(h), stf(dh), mode="same") * dt  # widths do not simply add
    assert np.max(np.abs(wrong - stf(h + dh))) / np.max(stf(h + dh)) > 0.05


def test_time_derivative_orders_and_errors():
    dt = 0.5
    t = np.arange(0.0, 400.0, dt)
    w = 2 * np.pi / 50.0
    s = np.sin(w * t)
    d1 = measure.time_derivative(s, dt, 1)
    d2 = measure.time_derivative(s, dt, 2)
    # fourth order inside (~(w dt)^4 / 30), second order at the ends
    assert np.max(np.abs(d1[2:-2] - w * np.cos(w * t[2:-2]))) / w < 1e-6
    assert np.max(np.abs(d2[2:-2] + w**2 * s[2:-2])) / w**2 < 1e-6
    assert np.max(np.abs(d1 - w * np.cos(w * t))) / w < 1e-2
    with pytest.raises(SeisfocError, match="too short"):
        measure.time_derivative(np.zeros(4), dt)
    with pytest.raises(SeisfocError, match="order"):
        measure.time_derivative(s, dt, 3)


# ----------------------------------------------------------------------------- the engine

STATIONS = (2, 6, 12, 18, 25, 29)


def _engine_traces(db_info, cmt, ref_cmt) -> np.ndarray:
    """instaseis synthetics of ``cmt`` on the time axis of ``ref_cmt`` (0 = its centroid
    time, 1 s samples from 0 to 1000 s), placed by their absolute times (cubic spline of
    the 1 s samples). Lanczos resampling with a 20-sample kernel: with the default 8 the
    kernel's error, which moves with the start time -1.5 h of a record, is 2.6 % of the
    (small) half-duration derivative."""
    from scipy.interpolate import CubicSpline
    from seisfoc.cmt.demo import GSN_STATIONS
    from seisfoc.cmt.simulate import synthesize

    db, info = db_info
    stations = [GSN_STATIONS[i] for i in STATIONS]
    syn = synthesize(db, info, cmt, stations, dt_s=1.0, kernel_width=20)
    offset = (cmt.centroid_time - ref_cmt.centroid_time).total_seconds()
    t_own = syn.t0_s + syn.dt_s * np.arange(syn.data.shape[-1]) + offset
    grid = np.arange(0.0, 1000.0, 1.0)
    assert t_own[0] < grid[0] and t_own[-1] > grid[-1]  # inside every record
    return CubicSpline(t_own, syn.data, axis=-1)(grid)


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


@pytest.mark.parametrize("half_duration", [8.0, 20.0])
def test_derivatives_match_finite_differences_of_two_simulations(instaseis_db, half_duration):
    from seisfoc.cmt.demo import demo_event

    ref = replace(demo_event().start, half_duration_s=half_duration)
    s = _engine_traces(instaseis_db, ref, ref)
    step = 0.5
    # time shift: centred difference of the centroid 0.5 s later and earlier
    plus = _engine_traces(instaseis_db, replace(ref, time_shift_s=ref.time_shift_s + step), ref)
    minus = _engine_traces(instaseis_db, replace(ref, time_shift_s=ref.time_shift_s - step), ref)
    fd = (plus - minus) / (2 * step)
    analytic = measure.time_shift_derivative(s, 1.0)
    err_t = _relative(analytic[..., 100:-100], fd[..., 100:-100])
    # half duration
    plus = _engine_traces(instaseis_db, replace(ref, half_duration_s=half_duration + step), ref)
    minus = _engine_traces(instaseis_db, replace(ref, half_duration_s=half_duration - step), ref)
    fd_h = (plus - minus) / (2 * step)
    analytic_h = measure.half_duration_derivative(s, 1.0, half_duration)
    err_h = _relative(analytic_h[..., 100:-100], fd_h[..., 100:-100])
    print(f"h = {half_duration} s: relative error time shift {err_t:.2e}, half duration "
          f"{err_h:.2e}")  # fmt: skip
    # measured 3e-4 and 5e-3: centred differences of step 0.5 s err by (w step)^2 / 6
    # (1.6e-4 at 100 s), the rest is the resampling
    assert err_t < 1e-3, err_t
    assert err_h < 1.5e-2, err_h
    # a wrong constant (1.68 instead of 1.628) fails
    assert _relative(analytic_h[..., 100:-100] * (C / 1.68) ** 2, fd_h[..., 100:-100]) > 0.05
    # the derivative is not trivially small: a 1 s change moves the traces measurably
    assert np.linalg.norm(fd_h) / np.linalg.norm(s) > 1e-3


# ----------------------------------------------------------------------------- inversion

TRUTH_MT = dict(
    mrr=-1.2e26, mtt=1.5e26, mpp=-0.3e26, mrt=1.9e26, mrp=-3.3e26, mtp=0.6e26,
    centroid_depth_km=43.6, centroid_longitude=150.16, centroid_latitude=-5.96,
)  # fmt: skip


def _operator(data: np.ndarray, dt: float, shift_s: float, h0: float, h: float) -> np.ndarray:
    """Delay by ``shift_s`` and change the SPECFEM Gaussian's half duration from h0 to h
    (exact, in the spectrum; padded against wrap-around)."""
    n = data.shape[-1]
    n_fft = 4 * n
    f = np.fft.rfftfreq(n_fft, dt)
    factor = np.exp(-2j * np.pi * f * shift_s) * np.exp(-((np.pi * f / C) ** 2) * (h * h - h0 * h0))
    return np.fft.irfft(np.fft.rfft(data, n_fft, axis=-1) * factor, n_fft, axis=-1)[..., :n]


class TimedProblem:
    """The CMT tests' synthetic problem (its basis traces g_i of the moment tensor and h_p
    of depth, longitude, latitude) made a consistent model for several linearisations,
    ``s = sum_i M_i g_i + (M . w) sum_p (p - p0) h_p`` with ``w = M0 / |M0|^2`` (linear in M
    at any location, as a real source), and every synthetic delayed and widened exactly by
    the source's time shift and half duration (SPECFEM Gaussian)."""

    def __init__(self, truth_timing: dict, noise: float = 0.0, seed: int = 3):
        self.cfg = cmtconfig.Config(invert=cmtconfig.InvertConfig(
            n_parameters=11, bootstrap_draws=0))  # fmt: skip
        self.base = make_problem(truth_changes=TRUTH_MT, cfg=self.cfg)
        self.start = self.base.runs["CMT"]
        m0 = self.start.m6_use
        self.w = m0 / float(m0 @ m0)
        self.truth = replace(self.base.truth, **truth_timing)
        obs = self._synthetic(self.truth)
        if noise:
            rng = np.random.default_rng(seed)
            from cmt_waveforms import band_limited_noise

            rms = np.sqrt(np.mean(obs**2, axis=-1, keepdims=True))
            obs = obs + noise * rms * band_limited_noise(obs.shape, self.base.obs.dt_s, rng,
                                                         periods=(60.0, 400.0))  # fmt: skip
        self.obs = replace(self.base.obs, data=obs)

    def _synthetic(self, cmt) -> np.ndarray:
        from cmtcore_problem import _values

        v, v0 = _values(cmt), _values(self.start)
        m = cmt.m6_use
        coef = np.concatenate([m, float(m @ self.w) * (v[6:] - v0[6:])])
        linear = np.tensordot(coef, self.base.basis, axes=1)
        return _operator(
            linear, self.base.obs.dt_s, cmt.time_shift_s - self.start.time_shift_s,
            self.start.half_duration_s, cmt.half_duration_s,
        )  # fmt: skip

    def synthetics(self, runs) -> dict[str, TraceSet]:
        return {run: replace(self.base.obs, data=self._synthetic(sol)) for run, sol in runs.items()}

    def solve(self, iterations: int = 5):
        cmt = self.start
        history = []
        for _ in range(iterations):
            runs = prepare.perturbations(cmt, self.cfg)
            stencils = prepare.stencils(runs, 11)
            m = measure.measure(self.obs, self.synthetics(runs), self.base.windows, stencils)
            result = invert.invert(m, np.ones(m.n_windows), runs["CMT"], self.cfg)
            cmt = result.new
            history.append(result)
        return cmt, history


def test_inversion_recovers_time_shift_and_half_duration_without_noise():
    p = TimedProblem(dict(time_shift_s=14.32 + 2.0, half_duration_s=8.5 + 3.4))
    final, history = p.solve()
    assert history[0].parameters == ALL_PARAMETERS
    first = history[0].dm
    print(f"first step time shift {first[9]:.3f} s, half duration {first[10]:.3f} s")
    print(
        f"final time shift {final.time_shift_s:.4f} (true {p.truth.time_shift_s:.4f}), "
        f"half duration {final.half_duration_s:.4f} (true {p.truth.half_duration_s:.4f})"
    )
    assert abs(final.time_shift_s - p.truth.time_shift_s) < 1e-3
    assert abs(final.half_duration_s - p.truth.half_duration_s) < 1e-2
    m_err = np.linalg.norm(final.m6_use - p.truth.m6_use) / np.linalg.norm(p.truth.m6_use)
    assert m_err < 1e-4, m_err
    assert abs(final.centroid_depth_km - p.truth.centroid_depth_km) < 1e-2
    # and the nine-parameter inversion cannot fit these data: timing matters
    assert history[-1].variance_reduction_linear is not None


def test_inversion_recovers_time_shift_and_half_duration_with_noise():
    p = TimedProblem(dict(time_shift_s=14.32 + 2.0, half_duration_s=8.5 + 3.4), noise=0.05)
    final, _ = p.solve()
    print(
        f"noisy: final time shift {final.time_shift_s:.3f} (true {p.truth.time_shift_s:.3f}), "
        f"half duration {final.half_duration_s:.3f} (true {p.truth.half_duration_s:.3f})"
    )
    assert abs(final.time_shift_s - p.truth.time_shift_s) < 0.2
    assert abs(final.half_duration_s - p.truth.half_duration_s) < 1.5


def test_time_shift_only_leaves_half_duration_alone():
    p = TimedProblem(dict(time_shift_s=14.32 - 3.0))
    p.cfg = replace(p.cfg, invert=replace(p.cfg.invert, n_parameters=10))
    cmt = p.start
    for _ in range(4):
        runs = prepare.perturbations(cmt, p.cfg)
        stencils = prepare.stencils(runs, 10)
        assert "half_duration_s" not in stencils
        m = measure.measure(p.obs, p.synthetics(runs), p.base.windows, stencils)
        cmt = invert.invert(m, np.ones(m.n_windows), runs["CMT"], p.cfg).new
    assert abs(cmt.time_shift_s - (14.32 - 3.0)) < 1e-3
    assert cmt.half_duration_s == p.start.half_duration_s


# ----------------------------------------------------------------------------- edges


def test_stencils_of_the_timing_parameters_and_a_zero_half_duration():
    cfg = cmtconfig.Config()
    start = make_problem().start
    runs = prepare.perturbations(start, cfg)
    st = prepare.stencils(runs, 11)
    assert list(st) == list(ALL_PARAMETERS)
    assert st["time_shift_s"].plus_run == prepare.FIRST_DERIVATIVE_RUN
    assert st["half_duration_s"].step == pytest.approx(2 * C**2 / start.half_duration_s)
    zero = {k: replace(v, half_duration_s=0.0) for k, v in runs.items()}
    with pytest.raises(SeisfocError, match="half duration 0 s"):
        prepare.stencils(zero, 11)
    assert "time_shift_s" in prepare.stencils(zero, 10)
    with pytest.raises(SeisfocError, match="6, 7, 9, 10 or 11"):
        prepare.stencils(runs, 8)


def test_config_accepts_10_and_11_and_names_line_and_column_otherwise(tmp_path):
    text = cmtconfig.format_config(cmtconfig.Config(), tmp_path)
    for n in (10, 11):
        cfg = cmtconfig.parse_config(text.replace("n_parameters = 9", f"n_parameters = {n}"))
        assert cfg.invert.n_parameters == n
    bad = text.replace("n_parameters = 9", "n_parameters = 12")
    line = bad.splitlines().index("n_parameters = 12") + 1
    with pytest.raises(SeisfocError) as err:
        cmtconfig.parse_config(bad, tmp_path / "seisfoc-cmt.toml")
    assert err.value.line == line and err.value.column == len("n_parameters = ") + 1
    assert "10" in str(err.value) and "11" in str(err.value)


def test_apply_update_flags_and_convergence_of_the_timing_parameters():
    start = make_problem().start
    names = ALL_PARAMETERS
    dm = np.zeros(11)
    dm[9], dm[10] = 12.0, -20.0
    new, notes = invert.apply_update(start, names, dm)
    assert new.time_shift_s == pytest.approx(start.time_shift_s + 12.0)
    assert new.half_duration_s == 0.0 and "clipped" in notes[0]
    f = invert.flags(start, new, 0.9, cmtconfig.FlagsConfig())
    assert any("time shift changed by 12.0 s" in x for x in f)
    assert any("half duration changed by 8.5 s" not in x for x in f)
    small = replace(start, time_shift_s=start.time_shift_s + 0.1)
    assert invert.converged(start, small, 0.002)  # 0.1 s < 0.002 x 100 s
    assert not invert.converged(start, replace(start, time_shift_s=start.time_shift_s + 0.5),
                                0.002)  # fmt: skip
    scale = invert.parameter_scale(start, names)
    assert scale[9] == 1.0 and scale[10] == 1.0


# ----------------------------------------------------------------------------- pipeline


def _timed_event(root, instaseis_db, noise: float):
    """The CMT tests' event (cmt_waveforms) inverting 11 parameters; the truth's centroid is
    2 s later and its half duration 8 -> 11 s."""
    from cmt_waveforms import STATIONS, reference_cmt, true_cmt, write_observed_sac
    from seisfoc.cmt.layout import EventLayout

    from seisfoc.io.cmtsolution import write_cmtsolution
    from seisfoc.io.specfem_stations import write_stations

    layout = EventLayout(root)
    root.mkdir(parents=True)
    text = cmtconfig.format_config(cmtconfig.Config(), root)
    text = text.replace("n_parameters = 9", "n_parameters = 11")
    text = text.replace("max_iterations = 3", "max_iterations = 4")
    text = text.replace("bootstrap_draws = 200", "bootstrap_draws = 20")
    layout.config.write_text(text)
    write_cmtsolution(layout.cmtsolution, reference_cmt())
    write_stations(layout.stations, STATIONS)
    truth = replace(true_cmt(), half_duration_s=11.0)
    write_observed_sac(layout.data_dir, instaseis_db, truth, STATIONS, noise=noise, seed=4)
    return layout, truth


@pytest.mark.parametrize("noise", [0.0, 0.05])
def test_pipeline_recovers_time_shift_and_half_duration(tmp_path, instaseis_db, noise):
    from seisfoc.cmt import pipeline
    from seisfoc.cmt.config import load_config

    from seisfoc.io.cmtsolution import read_cmtsolution

    layout, truth = _timed_event(tmp_path / "event", instaseis_db, noise)
    cfg = load_config(layout.config)
    cfg = replace(cfg, engine=replace(cfg.engine, database=str(instaseis_db[1].path)))
    result = pipeline.run_event(layout.root, cfg, progress=False)
    assert result.status == "ok"
    final = result.final
    start = result.start
    print(f"noise {noise}: {len(result.iterations)} iterations, time shift "
          f"{start.time_shift_s} -> {final.time_shift_s:.3f} (true {truth.time_shift_s}), "
          f"half duration {start.half_duration_s} -> {final.half_duration_s:.3f} (true "
          f"{truth.half_duration_s}), depth {final.centroid_depth_km:.2f} (true "
          f"{truth.centroid_depth_km}), VR {result.summary['vr']['real']:.5f}")  # fmt: skip
    if noise == 0.0:
        assert abs(final.time_shift_s - truth.time_shift_s) < 0.05
        assert abs(final.half_duration_s - truth.half_duration_s) < 0.5
    else:
        assert abs(final.time_shift_s - truth.time_shift_s) < 0.3
        assert abs(final.half_duration_s - truth.half_duration_s) < 2.5
    # the outputs hold the new time shift and half duration
    files = result.report_files
    written = read_cmtsolution(files["cmtsolution"])[0]
    assert written.time_shift_s == pytest.approx(final.time_shift_s, abs=1e-4)
    assert written.half_duration_s == pytest.approx(final.half_duration_s, abs=1e-4)
    summary = json.loads(open(files["summary"]).read())
    assert summary["parameters"] == list(ALL_PARAMETERS)
    assert summary["time_shift_change_s"] == pytest.approx(
        final.time_shift_s - start.time_shift_s)  # fmt: skip
    assert set(summary["update"]) == set(ALL_PARAMETERS)
    assert summary["bootstrap"]["std"]["half_duration_s"] > 0
    report = open(files["report"]).read()
    assert "time_shift_s" in report and "half_duration_s" in report
    assert f"time shift {final.time_shift_s:.2f} s" in report


def test_later_iterations_are_processed_again_when_the_time_base_changes(tmp_path):
    """Every iteration is processed about the centroid time of iteration 0's CMTSOLUTION,
    so a later iteration's saved traces are stale when that file changes: the process
    task's digest must change with it."""
    from seisfoc.cmt import tasks
    from seisfoc.cmt.config import load_config, write_default
    from seisfoc.cmt.layout import EventLayout

    layout = EventLayout(tmp_path)
    cfg = load_config(write_default(tmp_path / "seisfoc-cmt.toml"))
    first = layout.run_cmtsolution("CMT", 0)
    first.parent.mkdir(parents=True)
    first.write_text("centroid time A\n")
    before = tasks._process_digest(layout, cfg, 1, [])
    assert tasks._process_digest(layout, cfg, 1, []) == before
    first.write_text("centroid time B\n")
    assert tasks._process_digest(layout, cfg, 1, []) != before


def test_a_zero_half_duration_to_invert_stops_before_any_simulation(tmp_path, instaseis_db):
    """The error names the CMTSOLUTION and comes at the prepare stage: no run folder, no
    synthetics made for nothing."""
    from seisfoc.cmt import pipeline
    from seisfoc.cmt.config import load_config

    from seisfoc.io.cmtsolution import read_cmtsolution, write_cmtsolution

    layout, _ = _timed_event(tmp_path / "event", instaseis_db, 0.0)
    start = read_cmtsolution(layout.cmtsolution)[0]
    write_cmtsolution(layout.cmtsolution, replace(start, half_duration_s=0.0))
    cfg = load_config(layout.config)
    cfg = replace(cfg, engine=replace(cfg.engine, database=str(instaseis_db[1].path)))
    with pytest.raises(SeisfocError, match="half duration 0 s") as err:
        pipeline.run_event(layout.root, cfg, progress=False)
    assert str(layout.cmtsolution.name) in str(err.value)
    assert not layout.run_dir("CMT", 0).exists()
