"""``NORDIC_FORMAT 1.0`` ("both") in the drop-in ``pinv``, against the original's outputs.

With 1.0 SEISAN reads hyp.out through its general event reader, which takes old Nordic
as well as Nordic2 (FORMATS.md section 1). ``../shared/reference/edge/format_both`` holds
the original's runs on old-Nordic input under 1.0: one event (13 polarities) and a
two-event composite (the first event's 12 polarities, 2 events reported). The drop-in
used to read 1.0 as "Nordic2 only" and printed ILL=30000 for both.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from seisfoc.pinv import dropin, legacy

CASES = ["single_old", "composite_old"]


def _run(ref: Path, tmp: Path) -> tuple[int, str]:
    shutil.copyfile(ref / "hyp.out.before", tmp / "hyp.out")
    shutil.copyfile(ref / "SEISAN.DEF", tmp / "SEISAN.DEF")
    (tmp / "hyp.out").chmod(0o644)
    out = io.StringIO()
    return dropin.run(str(tmp), out=out), out.getvalue()


@pytest.mark.parametrize("case", CASES)
def test_format_both_matches_original(case, tmp_path, reference_dir):
    ref = reference_dir / "edge" / "format_both" / case
    status, screen = _run(ref, tmp_path)
    assert status == 0
    assert screen == (ref / "pinv.screen").read_text()
    assert (tmp_path / "pinv.out").read_bytes() == (ref / "pinv.out").read_bytes()
    assert (tmp_path / "fps.out").read_bytes() == (ref / "fps.out").read_bytes()


def test_format_both_composite_fline(tmp_path, reference_dir):
    """The composite F-line written into hyp.out's first event is the original's line.
    (The original also converts the rest of hyp.out to Nordic2; the drop-in keeps the
    input's layout: documented in the README.)"""
    ref = reference_dir / "edge" / "format_both" / "composite_old"
    _run(ref, tmp_path)
    ours = [
        ln for ln in (tmp_path / "hyp.out").read_bytes().splitlines() if ln[70:80] == b"PINV     F"
    ]
    theirs = [
        ln for ln in (ref / "hyp.out.after").read_bytes().splitlines() if ln[70:80] == b"PINV     F"
    ]
    assert ours == theirs and len(ours) == 1
    events = legacy.split_events(legacy.split_lines((tmp_path / "hyp.out").read_bytes()))
    assert len(events) == 2
    first_event = (tmp_path / "hyp.out").read_bytes().splitlines()[slice(*events[0])]
    assert theirs[0] in first_event


def test_format_both_reads_nordic2_too(tmp_path, reference_dir):
    """1.0 with a Nordic2 hyp.out: what 2.0 gives (the reference's Nordic2 run)."""
    n2 = reference_dir / "nordic2" / "19950822_nor2nor2"
    shutil.copyfile(n2 / "hyp.out", tmp_path / "hyp.out")
    (tmp_path / "SEISAN.DEF").write_text("NORDIC_FORMAT".ljust(40) + "1.0\n")
    out = io.StringIO()
    assert dropin.run(str(tmp_path), out=out) == 0
    assert out.getvalue() == (n2 / "pinv.screen").read_text()
    assert (tmp_path / "pinv.out").read_bytes() == (n2 / "pinv.out").read_bytes()


def test_format_zero_still_refuses_nordic2(tmp_path, reference_dir):
    """0.0 stays "old only": the original's message for a Nordic2 file, nothing solved."""
    n2 = reference_dir / "nordic2" / "19950822_nor2nor2"
    shutil.copyfile(n2 / "hyp.out", tmp_path / "hyp.out")
    (tmp_path / "SEISAN.DEF").write_text("NORDIC_FORMAT".ljust(40) + "0.0\n")
    out = io.StringIO()
    assert dropin.run(str(tmp_path), out=out) == 0
    assert out.getvalue() == (n2 / "pinv.screen.NORDIC_FORMAT0").read_text()
