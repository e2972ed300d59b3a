"""A batch whose driver is killed (SIGKILL) halfway resumes and gives the same results
without making any simulation twice; a changed setting reruns exactly the stages that
depend on it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import scale_support as sup


def test_killed_driver_resumes_without_repeating_a_simulation(tmp_path_factory, tmp_path):
    reference = sup.serial_reference(tmp_path_factory)
    cat = sup.catalogue(tmp_path_factory)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "seisfoc.cmt", "batch", str(cat["cmt"]), "--data",
           str(cat["data"]), "--out", str(out), "--config", str(cat["config"]), "--quiet",
           "--no-figures"]  # fmt: skip
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first = out / "SEISFOCDEMO0"
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if len(sup.simulations(first)) >= 5:  # halfway through the first linearisation
                break
            time.sleep(0.02)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    before = sup.simulations(first)
    assert 5 <= len(before) < 10
    assert not (first / "work" / "inversion.json").exists()

    rows, _ = sup.batch(cat, out)  # the same command again, in this process
    assert [r["status"] for r in rows] == ["ok"] * sup.N_EVENTS
    assert sup.numbers(out) == sup.numbers(reference)
    assert sup.final_cmts(out) == sup.final_cmts(reference)
    for event in out.iterdir():
        if event.is_dir():
            made = sup.simulations(event)
            assert len(made) == len(set(made)), made
            assert sorted(made) == sorted(sup.simulations(reference / event.name))
    # the resumed run reused the simulations made before the kill
    resumed = sup.log_since(first, 0)
    reused = {task for what, task in resumed if what == "reused"}
    assert set(before) <= reused


def _set(path, section_key: str, value: str) -> None:
    """Replace one ``key = value`` line of a TOML section."""
    section, key = section_key.split(".")
    text = path.read_text()
    head = text.index(f"[{section}]")
    m = re.compile(rf"^{key} = .*$", re.M).search(text, head)
    assert m is not None
    path.write_text(text[: m.start()] + f"{key} = {value}" + text[m.end() :])


def _what_ran(event_dir, n_before: int) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for what, task in sup.log_since(event_dir, n_before):
        out.setdefault(what, set()).add(task)
    return out


def test_a_changed_setting_reruns_only_what_depends_on_it(tmp_path_factory, tmp_path):
    reference = sup.serial_reference(tmp_path_factory)
    cat = sup.catalogue(tmp_path_factory)
    out = sup.copy_output(reference, tmp_path / "changed")
    template = tmp_path / "template.toml"
    template.write_text(cat["config"].read_text())
    cat = dict(cat, config=template)
    event = out / "SEISFOCDEMO0"

    # nothing changed: nothing runs, not even the inversion
    n = len(sup.log_since(event, 0))
    sup.batch(cat, out)
    assert _what_ran(event, n) == {"reused": {"event"}}

    # a flag threshold: only the inversion and the summary are made again
    _set(template, "flags.max_depth_shift_km", "0.5")
    n = len(sup.log_since(event, 0))
    rows, _ = sup.batch(cat, out)
    ran = _what_ran(event, n)
    assert "simulated" not in ran
    assert ran.get("ran") == {"event"}
    assert any("depth" in f for f in rows[0]["flags"])  # the start was 7 km too deep

    # a window criterion of one band: windows and what follows, not the processing
    _set(template, "band.cc_min", "0.86")
    n = len(sup.log_since(event, 0))
    sup.batch(cat, out)
    ran = _what_ran(event, n)
    assert "iter00-window" in ran["ran"]
    assert "iter00-process" in ran["reused"]
    assert not {t for t in ran.get("simulated", set()) if t.startswith("iter00-")}

    # the depth step of the Jacobian: the depth runs and everything downstream
    _set(template, "perturbation.depth_km", "0.5")
    n = len(sup.log_since(event, 0))
    sup.batch(cat, out)
    ran = _what_ran(event, n)
    iter0 = {t for t in ran.get("simulated", set()) if t.startswith("iter00-")}
    assert iter0 == {"iter00-simulate-CMT_depth"}
    assert "iter00-process" in ran["ran"]
