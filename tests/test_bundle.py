"""The drop-in claims checked on data that travel with the repository (tests/data).

tests/data/bundle holds twelve synthetic events (inputs of our own making: random double
couples, random station geometry) with SEISAN 13.03's pinv outputs, three of them with
SEISAN's FOCMEC acceptable sets; tests/data/amplitudes the INVRAD cases A, B and D with
the original's invrad.out. Nothing here reads ../shared, so a user's clone checks:

- the drop-in ``pinv`` to the character on every bundled run: single events (old Nordic),
  composite runs (two events, hyp.out rewritten; run 2 again on the rewritten file) and
  Nordic2 (with the SEISAN.DEF they were run with);
- FOCMEC's acceptable set member for member (seisfoc.gridsearch.focmec_set);
- INVRAD's report on the three amplitude cases.
"""

from __future__ import annotations

import io
import shutil
import sys

import numpy as np
import pytest
from support.focmec import read_fm_new, read_focmec_dat, read_nerr_nsol
from support.invrad_out import assert_like_reference
from support.pinv_runs import differences, prepare_bundle_run, run_dropin
from support.reference import AMPLITUDES, BUNDLE

from seisfoc import gridsearch as gs
from seisfoc.mechanism import kagan_angle

SINGLE = [f"case_{k:03d}" for k in range(1, 9)] + ["nordic2_01", "nordic2_02"]
COMPOSITE = ["composite_01", "composite_02"]
FOCMEC = ["case_004", "case_005", "case_007"]
AMPLITUDE_CASES = ["caseA_homog_dc", "caseB_ebelmodel_dc", "caseD_homog_dc_clvd"]


def test_bundle_is_complete():
    cases = sorted(p.name for p in BUNDLE.iterdir() if p.is_dir())
    assert cases == sorted(SINGLE + COMPOSITE)
    index = (BUNDLE / "INDEX.tsv").read_text().splitlines()
    assert [row.split("\t")[0] for row in index[1:]] == sorted(SINGLE + COMPOSITE)
    for case in FOCMEC:
        assert (BUNDLE / case / "focmec" / "focmec.dat").exists()
    for case in AMPLITUDE_CASES:
        for name in ("invrad.inp", "invrad.mod", "invrad.out.reference"):
            assert (AMPLITUDES / case / name).exists()


@pytest.mark.parametrize("case", SINGLE)
def test_pinv_single_event_to_the_character(case, tmp_path):
    folder = BUNDLE / case
    prepare_bundle_run(folder, tmp_path)
    status, screen = run_dropin(tmp_path)
    assert status == 0
    assert differences(tmp_path, folder, screen) == []
    # a single event is not rewritten
    assert (tmp_path / "hyp.out").read_bytes() == (folder / "hyp.out").read_bytes()


@pytest.mark.parametrize("case", COMPOSITE)
def test_pinv_composite_to_the_character(case, tmp_path):
    folder = BUNDLE / case
    prepare_bundle_run(folder, tmp_path)
    status, screen = run_dropin(tmp_path)
    assert status == 0
    assert differences(tmp_path, folder, screen) == []  # hyp.out.after included


@pytest.mark.parametrize("case", COMPOSITE)
def test_pinv_composite_second_run(case, tmp_path):
    """Run 2 (pinv again on the rewritten hyp.out): the same screen text, pinv.out and
    fps.out; the original inserts its F-line a second time, the drop-in replaces it, so
    its hyp.out is the original's with the duplicate line taken out."""
    folder = BUNDLE / case / "run2"
    prepare_bundle_run(folder, tmp_path)
    status, screen = run_dropin(tmp_path)
    assert status == 0
    assert differences(tmp_path, folder, screen, after=BUNDLE / case / "hyp.out.after") == []
    theirs = (folder / "hyp.out.after").read_bytes().splitlines(keepends=True)
    ours = (tmp_path / "hyp.out").read_bytes().splitlines(keepends=True)
    assert len(theirs) == len(ours) + 1
    extra = next(i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b)
    assert theirs[extra].rstrip().endswith(b"F") and b"PINV" in theirs[extra]
    assert theirs[:extra] + theirs[extra + 1 :] == ours


@pytest.mark.parametrize("case", FOCMEC)
def test_focmec_acceptable_set_member_for_member(case):
    """FOCMEC's 2-degree B-axis grid: the smallest error count with a solution, and its
    acceptable set in FOCMEC's order (two printed decimals: within 0.02 deg)."""
    folder = BUNDLE / case / "focmec"
    polarity, takeoff, azimuth = read_focmec_dat(folder / "focmec.dat")
    theirs = read_fm_new(folder)
    min_errors, n_solutions = read_nerr_nsol(folder)
    assert theirs.shape[0] == n_solutions
    found = gs.focmec_set(polarity, takeoff, azimuth)
    assert found.n_grid == 464310
    assert found.min_misfit == min_errors
    if n_solutions < 9999:
        assert found.size == n_solutions
    else:  # FOCMEC stops at 9999: its set is our first 9999
        assert found.size > n_solutions
    n = min(found.size, n_solutions)
    ours_sdr = (found.strike[:n], found.dip[:n], found.rake[:n])
    theirs_sdr = (theirs[:n, 1], theirs[:n, 0], theirs[:n, 2])
    assert np.max(np.atleast_1d(kagan_angle(ours_sdr, theirs_sdr))) < 0.02
    np.testing.assert_array_equal(found.misfit[:n], theirs[:n, 3])


@pytest.mark.parametrize("case", AMPLITUDE_CASES)
def test_invrad_report_like_the_original(case, tmp_path, monkeypatch):
    from seisfoc.invrad.dropin import main

    folder = AMPLITUDES / case
    for name in ("invrad.inp", "invrad.mod"):
        shutil.copy(folder / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main([]) == 0
    ours = (tmp_path / "invrad.out").read_text().splitlines()
    ref = (folder / "invrad.out.reference").read_text().splitlines()
    assert_like_reference(ours, ref)
