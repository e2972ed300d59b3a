"""The catalogue side of ``seisfoc cmt batch``: NDK and CMTSOLUTION folders read (against
ObsPy's own reading of ObsPy's NDK test file), event folders set up, the summary table
written (CSV read back with the csv module, figures made)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from seisfoc.errors import SeisfocError
from seisfoc.io.cmtsolution import write_cmtsolution


def _obspy_ndk() -> Path:
    import obspy

    path = Path(obspy.__file__).parent / "io" / "ndk" / "tests" / "data" / "C200604092050A.ndk"
    if not path.is_file():
        pytest.skip("ObsPy's NDK test file is not installed")
    return path


def test_ndk_is_read_as_obspy_reads_it():
    from obspy import read_events
    from seisfoc.cmt.catalog import read_catalogue

    path = _obspy_ndk()
    (ours,) = read_catalogue(path)
    (event,) = read_events(str(path), format="NDK")
    tensor = event.focal_mechanisms[0].moment_tensor.tensor
    # ObsPy: N m; CMTSOLUTION: dyne-cm (x 1e7), to the CMTSOLUTION's 7 digits
    for ours_v, theirs in ((ours.mrr, tensor.m_rr), (ours.mtt, tensor.m_tt),
                           (ours.mpp, tensor.m_pp), (ours.mrt, tensor.m_rt),
                           (ours.mrp, tensor.m_rp), (ours.mtp, tensor.m_tp)):  # fmt: skip
        assert ours_v == pytest.approx(theirs * 1e7, rel=1e-5, abs=1e-6 * abs(tensor.m_rr) * 1e7)
    centroid = next(o for o in event.origins if o.origin_type == "centroid")
    assert ours.centroid_latitude == pytest.approx(centroid.latitude, abs=1e-4)
    assert ours.centroid_longitude == pytest.approx(centroid.longitude, abs=1e-4)
    assert ours.centroid_depth_km == pytest.approx(centroid.depth / 1000.0, abs=1e-3)
    assert ours.event_name.strip()


def test_folder_of_cmtsolutions_and_duplicate_names(tmp_path):
    from seisfoc.cmt.catalog import read_catalogue
    from seisfoc.cmt.demo import demo_event, perturbed_start

    truth = demo_event().truth
    a = perturbed_start(truth)
    b = perturbed_start(truth, azimuth_deg=10.0)
    from dataclasses import replace

    write_cmtsolution(tmp_path / "one", replace(a, event_name="EV1"))
    write_cmtsolution(tmp_path / "two", [replace(b, event_name="EV2"),
                                         replace(a, event_name="EV3")])  # fmt: skip
    names = [s.event_name for s in read_catalogue(tmp_path)]
    assert names == ["EV1", "EV2", "EV3"]
    write_cmtsolution(tmp_path / "three", replace(b, event_name="EV1"))
    with pytest.raises(SeisfocError, match="EV1.*twice"):
        read_catalogue(tmp_path)
    with pytest.raises(SeisfocError, match="not found"):
        read_catalogue(tmp_path / "nothing")


def test_setup_events_and_summary(tmp_path):
    from dataclasses import replace

    from seisfoc.cmt.catalog import (
        COLUMNS,
        catalogue_rows,
        setup_events,
        write_catalogue_summary,
    )
    from seisfoc.cmt.config import load_config
    from seisfoc.cmt.demo import demo_event
    from seisfoc.cmt.schedule import EventOutcome

    truth = demo_event().truth
    sols = [replace(truth, event_name="HAVE"), replace(truth, event_name="LACK")]
    data = tmp_path / "data"
    (data / "HAVE" / "data").mkdir(parents=True)
    (data / "HAVE" / "STATIONS").write_text("ANMO IU 34.9459 -106.4572 1850.0 0.0\n")
    events = setup_events(sols, data, tmp_path / "out")
    assert [e.problem == "" for e in events] == [True, False]
    assert "no data folder" in events[1].problem
    cfg = load_config(tmp_path / "out" / "HAVE" / "seisfoc-cmt.toml")
    assert cfg.event.data == (data / "HAVE" / "data").resolve()
    assert (tmp_path / "out" / "HAVE" / "STATIONS").read_text().startswith("ANMO")
    assert not (tmp_path / "out" / "LACK").exists()
    # a second set-up leaves unchanged files untouched (their done markers stay valid)
    before = (tmp_path / "out" / "HAVE" / "CMTSOLUTION").stat().st_mtime_ns
    setup_events(sols, data, tmp_path / "out")
    assert (tmp_path / "out" / "HAVE" / "CMTSOLUTION").stat().st_mtime_ns == before

    summary = {
        "status": "ok", "moment_change": 0.12, "epicentre_shift_km": 3.5,
        "depth_shift_km": -1.25, "vr": {"linear": 0.9, "real": float("nan")},
        "n_iterations": 2, "converged": True, "windows": [{}] * 7,
        "qc": {"n_rejected_traces": 2, "by_reason": {"clipped": 1, "gap": 1}},
        "flags": ["moment tensor changed by 12 %"], "start": {"mw": 6.8}, "final": {"mw": 6.9},
    }  # fmt: skip
    outcome = EventOutcome(str(events[0].event_dir), "ok", "", summary)
    rows = catalogue_rows(events, [outcome])
    paths = write_catalogue_summary(tmp_path / "out", rows)
    with open(paths["csv"], newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == list(COLUMNS)
    assert table[0]["event"] == "HAVE" and table[0]["status"] == "ok"
    assert float(table[0]["moment_change"]) == 0.12
    assert float(table[0]["depth_shift_km"]) == -1.25
    assert table[0]["vr_real"] == ""  # NaN is an empty cell, never "nan"
    assert table[0]["rejected_by_reason"] == "clipped=1;gap=1"
    assert table[0]["flagged"] == "True"
    assert table[1]["status"] == "no_data" and "no data folder" in table[1]["message"]
    payload = json.loads(Path(paths["json"]).read_text())
    assert payload["events"][0]["vr_real"] is None
    assert math.isclose(payload["events"][0]["mw_final"], 6.9)
    for kind in ("histogram", "map"):
        assert Path(paths[kind]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (
        "1 flagged" in Path(paths["table"]).read_text()
        or "2 flagged" in Path(paths["table"]).read_text()
    )


def test_batch_command_without_data_lists_events_and_exits_1(tmp_path, capsys):
    from dataclasses import replace

    from seisfoc.cmt.cli import main
    from seisfoc.cmt.demo import demo_event

    truth = demo_event().truth
    (tmp_path / "cmts").mkdir()
    write_cmtsolution(tmp_path / "cmts" / "a", replace(truth, event_name="EVA"))
    (tmp_path / "data").mkdir()
    out = tmp_path / "out"
    code = main(["batch", str(tmp_path / "cmts"), "--data", str(tmp_path / "data"), "--out",
                 str(out), "--no-figures", "--quiet", "--json"])  # fmt: skip
    assert code == 1
    payload = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in payload["events"]] == ["no_data"]
    assert (out / "catalogue.csv").read_text().splitlines()[1].startswith("EVA,no_data,")
    # a bad scheduler is a usage error before anything is written
    assert main(["batch", str(tmp_path / "cmts"), "--data", str(tmp_path / "data"), "--out",
                 str(tmp_path / "out2"), "--scheduler", "nine"]) == 1  # fmt: skip
    assert "--scheduler" in capsys.readouterr().err
    assert not (tmp_path / "out2").exists()
