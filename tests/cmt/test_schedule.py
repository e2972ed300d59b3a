"""Serial and Dask give the same results number for number; a Dask worker killed in the
middle of a batch costs nothing but time (its tasks run again elsewhere, finished
simulations are found through their done markers, none is repeated)."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
import scale_support as sup

from seisfoc.errors import SeisfocError


def test_parse_scheduler():
    from seisfoc.cmt.schedule import parse_scheduler

    assert parse_scheduler("serial") == ("serial", None)
    assert parse_scheduler("local") == ("local", None)
    assert parse_scheduler("local:3") == ("local", 3)
    assert parse_scheduler("tcp://10.0.0.1:8786") == ("address", "tcp://10.0.0.1:8786")
    for bad in ("local:0", "local:x", "dask", ""):
        with pytest.raises(SeisfocError, match="--scheduler"):
            parse_scheduler(bad)


def test_dask_is_imported_only_by_the_scheduler_module():
    from pathlib import Path

    import seisfoc.cmt as cmt

    root = Path(cmt.__file__).parent
    users = sorted(p.name for p in root.glob("*.py")
                   if "distributed" in p.read_text() or "import dask" in p.read_text())  # fmt: skip
    assert users == ["schedule.py"]


def test_serial_and_two_dask_workers_agree_number_for_number(tmp_path_factory, tmp_path):
    reference = sup.serial_reference(tmp_path_factory)
    cat = sup.catalogue(tmp_path_factory)
    rows, _ = sup.batch(cat, tmp_path / "dask", "local:2")
    assert [r["status"] for r in rows] == ["ok"] * sup.N_EVENTS
    assert sup.final_cmts(tmp_path / "dask") == sup.final_cmts(reference)
    assert sup.numbers(tmp_path / "dask") == sup.numbers(reference)
    pids = set()
    for event in (tmp_path / "dask").iterdir():
        if event.is_dir():
            made = sup.simulations(event)
            assert len(made) == len(set(made))
            log = (event / "work" / "run.log").read_text().splitlines()
            pids |= {ln.split()[1] for ln in log if " simulated " in ln}
    # the simulations ran as tasks of their own on both worker processes
    assert len(pids) == 2, pids


def test_a_killed_worker_changes_nothing(tmp_path_factory, tmp_path):
    reference = sup.serial_reference(tmp_path_factory)
    cat = sup.catalogue(tmp_path_factory)
    out = tmp_path / "dask-kill"
    killed: list[int] = []

    def killer(client):
        def watch():
            deadline = time.monotonic() + 300
            first = out / "SEISFOCDEMO0"
            while time.monotonic() < deadline:
                if len(sup.simulations(first)) >= 4:
                    pids = client.run(os.getpid)  # worker address -> pid
                    victim = sorted(pids.values())[0]
                    os.kill(victim, signal.SIGKILL)
                    killed.append(victim)
                    return
                time.sleep(0.05)

        threading.Thread(target=watch, daemon=True).start()

    from seisfoc.cmt.catalog import run_batch

    rows, _ = run_batch(cat["cmt"], cat["data"], out, config=cat["config"], scheduler="local:2",
                        progress=False, report=False, figures=False,
                        on_client=killer)  # fmt: skip
    assert killed, "no worker was killed"
    assert [r["status"] for r in rows] == ["ok"] * sup.N_EVENTS
    assert sup.numbers(out) == sup.numbers(reference)
    for event in out.iterdir():
        if event.is_dir():
            made = sup.simulations(event)
            assert len(made) == len(set(made)), made  # no simulation made twice
