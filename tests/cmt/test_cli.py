"""``seisfoc cmt``: exit codes, one-line errors, --json, and every stage run one by one."""

from __future__ import annotations

import json

import pytest

from seisfoc.cli import main


def _run(capsys, *argv):
    code = main(["cmt", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_no_stage_is_a_usage_error(capsys):
    code, _, err = _run(capsys)
    assert code == 2 and "STAGE" in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["cmt", "demo", "--noise", "2"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["cmt", "prepare"])
    assert exc.value.code == 2


def test_init_writes_the_documented_configuration(tmp_path, capsys):
    from seisfoc.cmt.config import load_config

    code, out, _ = _run(capsys, "init", tmp_path / "ev")
    assert code == 0 and "seisfoc-cmt.toml" in out
    cfg = load_config(tmp_path / "ev")
    assert cfg.invert.max_iterations >= 1
    text = (tmp_path / "ev" / "seisfoc-cmt.toml").read_text()
    assert "[invert]" in text and "#" in text
    # a second init refuses, in one line, and keeps the file
    code, _, err = _run(capsys, "init", tmp_path / "ev")
    assert code == 1 and err.count("\n") == 1 and "exists" in err
    code, _, _ = _run(capsys, "init", tmp_path / "ev", "--force")
    assert code == 0


def test_bad_configuration_is_one_line_with_its_place(tmp_path, capsys):
    _run(capsys, "init", tmp_path)
    path = tmp_path / "seisfoc-cmt.toml"
    lines = path.read_text().splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("max_iterations"))
    lines[i] = "max_iterations = -3"
    path.write_text("\n".join(lines) + "\n")
    code, _, err = _run(capsys, "run", tmp_path, "--quiet")
    assert code == 1 and err.count("\n") == 1
    assert f"line {i + 1}" in err and "Traceback" not in err


def test_missing_event_folder(tmp_path, capsys):
    code, _, err = _run(capsys, "run", tmp_path / "nothing", "--quiet")
    assert code == 1 and "does not exist" in err and err.count("\n") == 1


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "mine.txt").write_text("keep")
    code, _, err = _run(capsys, "demo", "--out", tmp_path, "--quiet")
    assert code == 1 and "not empty" in err
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def test_every_stage_one_by_one(tmp_path, capsys, instaseis_db):
    from seisfoc.cmt.demo import make_demo_event

    root = tmp_path / "ev"
    make_demo_event(root, noise=0.0, max_iterations=1)
    code, out, _ = _run(capsys, "prepare", root, "--json")
    assert code == 0 and len(json.loads(out)["runs"]) == 10
    code, out, _ = _run(capsys, "simulate", root, "--quiet", "--json")
    assert code == 0 and len(json.loads(out)["simulated"]) == 10
    code, out, _ = _run(capsys, "process", root, "--json")
    bands = json.loads(out)
    assert code == 0 and all(b["observed_traces"] == 90 for b in bands.values())
    code, out, _ = _run(capsys, "window", root, "--json")
    windows = json.loads(out)
    assert code == 0 and windows["windows"] and windows["rejected"]
    code, out, _ = _run(capsys, "invert", root, "--json")
    step = json.loads(out)
    assert code == 0 and step["n_windows"] == len(windows["windows"])
    # from 15 km / 7 km off, one linear step moves most of the way back
    assert 10.0 < step["epicentre_change_km"] < 20.0
    assert -10.0 < step["depth_change_km"] < -4.0
    code, out, _ = _run(capsys, "report", root, "--json")
    paths = json.loads(out)
    assert code == 0
    for kind in ("cmtsolution", "summary", "report", "quakeml"):
        assert (root / "result").joinpath(paths[kind].rsplit("/", 1)[-1]).is_file()
    # the next linearisation is prepared about the CMT the step reached
    code, out, _ = _run(capsys, "prepare", root, "--iteration", "1", "--json")
    assert code == 0 and "iter_01" in json.loads(out)["runs"]["CMT"]
