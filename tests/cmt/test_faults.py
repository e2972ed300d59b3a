"""Real-world faults injected one at a time into the demo's data: each is reported with its
reason (``summary["qc"]``) and the recovery of the true CMT stays within 2 % (moment
tensor, Frobenius) / 2 km (epicentre) / 1 km (depth); likewise with half the stations
dropped. All traces rejected gives ``insufficient_data`` and exit status 1; a source
deeper than the database allows is an error before any simulation.

One demo event (30 GSN stations, no noise, two Gauss-Newton iterations, no bootstrap) is
simulated once per module; every case copies its folder (the first linearisation's
simulations are reused through their done markers) and damages one station, II.KURK
(a station at 47 degrees with strong signals on all components).
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from seisfoc.io.sac import _FLOAT_INDEX, encode_sac, read_sac

STATION = "II.KURK"


@pytest.fixture(scope="module")
def base(tmp_path_factory, instaseis_db):
    from seisfoc.cmt import config as cmt_config
    from seisfoc.cmt.demo import demo_config, make_demo_event
    from seisfoc.cmt.pipeline import run_event

    root = tmp_path_factory.mktemp("faults") / "base"
    layout, event = make_demo_event(root, noise=0.0, max_iterations=2)
    cfg = demo_config(root, max_iterations=2)
    cfg = replace(cfg, invert=replace(cfg.invert, bootstrap_draws=0))
    cmt_config.write_default(layout.config, cfg, overwrite=True)
    result = run_event(root, progress=False, report=False)
    assert result.status == "ok"
    return root, event


def _copy(base, tmp_path) -> Path:
    root, _ = base
    dst = tmp_path / "event"
    shutil.copytree(root, dst, ignore=shutil.ignore_patterns("result"))
    return dst


def _files(event_dir: Path, code: str = STATION, comp: str = "") -> list[Path]:
    net, sta = code.split(".")
    return sorted((event_dir / "data").glob(f"{net}.{sta}.*{comp}.sac"))


def _rewrite(path: Path, fn) -> None:
    sac = read_sac(path)
    data, header = fn(sac.data.copy(), dict(sac.header))
    path.write_bytes(encode_sac(data, {k: v for k, v in header.items() if k != "npts"}))


def _run(event_dir: Path):
    from seisfoc.cmt.pipeline import run_event

    return run_event(event_dir, progress=False, report=False)


def _recovery(base, result):
    from seisfoc.cmt.demo import recovery

    return recovery(base[1].truth, result.final)


def _assert_recovered(base, result):
    assert result.status == "ok"
    r = _recovery(base, result)
    print(f"recovery {100 * r.moment_tensor_error:.3f} % / {r.epicentre_error_km:.3f} km / "
          f"{r.depth_error_km:.3f} km")  # fmt: skip
    assert r.moment_tensor_error < 0.02
    assert r.epicentre_error_km < 2.0
    assert r.depth_error_km < 1.0


def _reasons(result, code=STATION, status="rejected"):
    qc = result.summary["qc"]
    rows = qc["rejected"] if status == "rejected" else qc["repaired"]
    return {(r["component"], r["reason"]) for r in rows if r["code"] == code}


# ----------------------------------------------------------------------------- faults


def _nan(d: Path) -> None:
    def fn(x, h):
        x[1000:1003] = np.nan
        return x, h

    _rewrite(_files(d, comp="Z")[0], fn)


def _zero_gap(d: Path) -> None:
    def fn(x, h):
        x[1200:1400] = 0.0  # a zero-filled gap of 200 s inside the surface waves
        return x, h

    _rewrite(_files(d, comp="N")[0], fn)


def _dead(d: Path) -> None:
    _rewrite(_files(d, comp="E")[0], lambda x, h: (np.zeros_like(x), h))


def _clipped(d: Path) -> None:
    def fn(x, h):
        top = 0.4 * np.max(np.abs(x))
        return np.clip(x, -top, top), h

    _rewrite(_files(d, comp="Z")[0], fn)


def _wrong_delta(d: Path) -> None:
    # the header's delta says 0.9 s; b, e and npts still say 1 s
    path = _files(d, comp="Z")[0]
    raw = bytearray(path.read_bytes())
    raw[4 * _FLOAT_INDEX["delta"] : 4 * _FLOAT_INDEX["delta"] + 4] = np.float32(0.9).tobytes()
    path.write_bytes(bytes(raw))


def _gain(d: Path) -> None:
    for p in _files(d):
        _rewrite(p, lambda x, h: (10.0 * x, h))


def _reversed(d: Path) -> None:
    _rewrite(_files(d, comp="Z")[0], lambda x, h: (-x, h))


def _shifted(d: Path) -> None:
    def fn(x, h):
        # the samples 45 s late on the same time axis (a clock error); the record keeps
        # its span, its first 45 s are the quiet start mirrored
        return np.concatenate([x[:45][::-1], x[:-45]]), h

    _rewrite(_files(d, comp="Z")[0], fn)


def _short(d: Path) -> None:
    _rewrite(_files(d, comp="Z")[0], lambda x, h: (x[: x.size // 3].copy(), h))


def _missing_component(d: Path) -> None:
    _files(d, comp="E")[0].unlink()


def _not_in_station_list(d: Path) -> None:
    lines = (d / "STATIONS").read_text().splitlines(keepends=True)
    net, sta = STATION.split(".")
    (d / "STATIONS").write_text("".join(ln for ln in lines if not (ln.split()[:2] == [sta, net])))


FAULTS = {
    # name: (inject, component, reason, status)
    "nan": (_nan, "Z", "non_finite", "rejected"),
    "zero_filled_gap": (_zero_gap, "N", "gap", "rejected"),
    "dead_channel": (_dead, "E", "dead_channel", "rejected"),
    "clipped": (_clipped, "Z", "clipped", "rejected"),
    "wrong_delta": (_wrong_delta, "Z", "sampling_mismatch", "rejected"),
    "gain_x10": (_gain, "Z", "amplitude_ratio", "rejected"),
    "reversed_polarity": (_reversed, "Z", "reversed_polarity", "rejected"),
    "time_shift_45s": (_shifted, "Z", "time_shift", "rejected"),
    "too_short": (_short, "Z", "too_short", "rejected"),
    "missing_component": (_missing_component, "E", "missing_component", "repaired"),
    "not_in_station_list": (_not_in_station_list, "Z", "no_metadata", "rejected"),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_is_reported_and_recovery_holds(name, base, tmp_path):
    inject, comp, reason, status = FAULTS[name]
    d = _copy(base, tmp_path)
    inject(d)
    result = _run(d)
    found = _reasons(result, status=status)
    assert (comp, reason) in found, result.summary["qc"]
    # only the damaged station is touched by the trace checks
    others = {r["code"] for r in result.summary["qc"]["rejected"]} - {STATION}
    assert not others, result.summary["qc"]["rejected"]
    _assert_recovered(base, result)


def test_other_sampling_rate_is_resampled_and_used(base, tmp_path):
    """A station recorded at 2 samples/s (BH beside the others' LH) is used, with a note."""
    from scipy.signal import resample

    d = _copy(base, tmp_path)
    for p in _files(d):

        def fn(x, h):
            h["delta"] = 0.5
            return resample(x, 2 * x.size), h

        _rewrite(p, fn)
    result = _run(d)
    assert ("Z", "resampled") in _reasons(result, status="repaired")
    assert not result.summary["qc"]["rejected"]
    assert any(w["code"] == STATION for w in result.summary["windows"])
    _assert_recovered(base, result)


@pytest.mark.parametrize("kind", ["gap", "overlap"])
def test_miniseed_gap_or_overlap(kind, base, tmp_path):
    """The station's Z as two miniSEED records with a 100 s gap, or overlapping by 100 s
    with different samples (the other files stay SAC; all are read through ObsPy)."""
    from obspy import read

    d = _copy(base, tmp_path)
    path = _files(d, comp="Z")[0]
    tr = read(str(path))[0]
    first = tr.slice(tr.stats.starttime, tr.stats.starttime + 1200)
    if kind == "gap":
        second = tr.slice(tr.stats.starttime + 1300, tr.stats.endtime)
    else:
        second = tr.slice(tr.stats.starttime + 1100, tr.stats.endtime).copy()
        second.data = second.data * 1.01
    path.unlink()
    from obspy import Stream

    Stream([first, second]).write(str(d / "data" / "KURK.Z.mseed"), format="MSEED")
    result = _run(d)
    assert ("Z", "gap") in _reasons(result), result.summary["qc"]
    (detail,) = [r["detail"] for r in result.summary["qc"]["rejected"] if r["code"] == STATION]
    assert ("overlapping" in detail) == (kind == "overlap")
    _assert_recovered(base, result)


def test_half_the_stations_dropped(base, tmp_path):
    d = _copy(base, tmp_path)
    codes = [ln.split()[1] + "." + ln.split()[0]
             for ln in (d / "STATIONS").read_text().splitlines() if ln.strip()]  # fmt: skip
    for code in codes[::2]:
        for p in _files(d, code):
            p.unlink()
    result = _run(d)
    used = {w["code"] for w in result.summary["windows"]}
    assert used and not used & set(codes[::2])
    _assert_recovered(base, result)


def test_reasons_appear_in_the_text_report(base, tmp_path):
    from seisfoc.cmt.report import format_report

    d = _copy(base, tmp_path)
    _reversed(d)
    _dead(d)
    text = format_report(_run(d).summary)
    assert f"{STATION}.Z" in text and "reversed_polarity" in text
    assert f"{STATION}.E" in text and "dead_channel" in text


def test_every_trace_rejected_is_insufficient_data_and_exit_1(base, tmp_path, capsys):
    import json

    from seisfoc.cmt.cli import main

    d = _copy(base, tmp_path)
    for p in (d / "data").glob("*.sac"):
        _rewrite(p, lambda x, h: (np.zeros_like(x), h))
    assert main(["run", str(d), "--quiet", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "insufficient_data"
    assert out["qc"]["by_reason"] == {"dead_channel": 90}
    assert (d / "result" / "report.txt").is_file()


def test_source_below_the_database_is_an_error_before_any_simulation(base, tmp_path, capsys):
    from seisfoc.cmt.cli import main

    d = _copy(base, tmp_path)
    shutil.rmtree(d / "CMT_SIMs")
    shutil.rmtree(d / "work")
    text = (d / "CMTSOLUTION").read_text().splitlines(keepends=True)
    text[6] = "depth:             500.0000\n"
    (d / "CMTSOLUTION").write_text("".join(text))
    assert main(["run", str(d), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "500 km is outside" in err and "CMTSOLUTION" in err
    assert not (d / "CMT_SIMs").exists() or not any((d / "CMT_SIMs").rglob("*.sac"))
