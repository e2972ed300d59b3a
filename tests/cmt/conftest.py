"""Fixtures of the CMT waveform tests (helpers in ``cmt_waveforms``): the instaseis
database (fetched into the cache when missing: pip download of the instaseis source
distribution plus about a minute of numba compilation the first time) and small synthetic
event folders made by the tests themselves (no waveform file is committed)."""

from __future__ import annotations

import os

import pytest
from cmt_waveforms import Event, build_event

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def instaseis_db():
    """``(db, info)`` of the bundled database, fetched into the cache when missing."""
    from seisfoc.cmt import database

    from seisfoc.errors import SeisfocError

    path = database.default_path()
    if not (path / "PZ" / "Data" / "ordered_output.nc4").is_file():
        try:
            database.fetch(warm_numba=False)
        except SeisfocError as err:
            pytest.skip(f"instaseis database could not be fetched: {err}")
    return database.open_database(path)


@pytest.fixture(scope="session")
def cmt_event(tmp_path_factory, instaseis_db) -> Event:
    """A simulated event folder without noise (shared: tests must not modify it)."""
    return build_event(tmp_path_factory.mktemp("cmt_event"), instaseis_db)


@pytest.fixture(scope="session")
def cmt_event_noisy(tmp_path_factory, instaseis_db) -> Event:
    """The same event with 5 % band-limited noise on the observed data."""
    return build_event(tmp_path_factory.mktemp("cmt_event_noisy"), instaseis_db, noise=0.05)
