"""``NORDIC_FORMAT 1.0`` ("both") in the drop-in ``pinv``, against the original's outputs.

With 1.0 SEISAN reads hyp.out through its general event reader, which takes old Nordic
as well as Nordic2 (FORMATS.md section 1). ``../shared/reference/edge/format_both`` holds
the original's runs on old-Nordic input under 1.0: one event (13 polarities) and a
two-event composite (the first event's 12 polarities, 2 events reported, hyp.out
rewritten in Nordic2). The drop-in used to read 1.0 as "Nordic2 only" and printed
ILL=30000 for both, and then kept the composite's old layout.
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
    """The original's whole rewritten hyp.out, byte for byte: both events converted to
    Nordic2 by SEISAN's event writer (seisfoc.io.nordic.convert), the composite F-line in
    the first event before its magnitude-only type-1 lines."""
    ref = reference_dir / "edge" / "format_both" / "composite_old"
    assert _run(ref, tmp_path)[0] == 0
    assert (tmp_path / "hyp.out").read_bytes() == (ref / "hyp.out.after").read_bytes()


def test_format_both_composite_second_run(tmp_path, reference_dir):
    """A second run reads the now-Nordic2 hyp.out (first event only, as the original) and
    replaces its F-line instead of adding one: the same file again."""
    ref = reference_dir / "edge" / "format_both" / "composite_old"
    _run(ref, tmp_path)
    out = io.StringIO()
    assert dropin.run(str(tmp_path), out=out) == 0
    assert (tmp_path / "hyp.out").read_bytes() == (ref / "hyp.out.after").read_bytes()
    assert (tmp_path / "pinv.out").read_bytes() == (ref / "pinv.out").read_bytes()


def test_format_both_composite_keeps_crlf(tmp_path, reference_dir):
    """A hyp.out with CR LF line endings is rewritten with CR LF (the same lines)."""
    ref = reference_dir / "edge" / "format_both" / "composite_old"
    before = (ref / "hyp.out.before").read_bytes().replace(b"\n", b"\r\n")
    (tmp_path / "hyp.out").write_bytes(before)
    shutil.copyfile(ref / "SEISAN.DEF", tmp_path / "SEISAN.DEF")
    assert dropin.run(str(tmp_path), out=io.StringIO()) == 0
    after = (ref / "hyp.out.after").read_bytes().replace(b"\n", b"\r\n")
    assert (tmp_path / "hyp.out").read_bytes() == after


def test_format_both_unconvertible_keeps_old_layout(tmp_path, reference_dir, capsys):
    """An event the converter does not convert (a moment-tensor pair): hyp.out keeps its
    old layout with the F-line inserted, a warning names the line; the screen, pinv.out
    and fps.out are the original's."""
    ref = reference_dir / "edge" / "format_both" / "composite_old"
    lines = (ref / "hyp.out.before").read_bytes().splitlines(keepends=True)
    mt = [
        b" 1999 0529 0031 43.8 L  62.199   4.601 15.0  BER        3.3WBER         FOCMEC M\n",
        b" MT  1.000 -0.500 -0.500  0.000  0.000  0.000 BER   S 14 1.0e+14        FOCMEC M\n",
    ]
    before = b"".join(lines[:1] + mt + lines[1:])
    (tmp_path / "hyp.out").write_bytes(before)
    shutil.copyfile(ref / "SEISAN.DEF", tmp_path / "SEISAN.DEF")
    out = io.StringIO()
    assert dropin.run(str(tmp_path), out=out) == 0
    assert out.getvalue() == (ref / "pinv.screen").read_text()
    err = capsys.readouterr().err
    assert "line 2" in err and "moment-tensor" in err and "old-Nordic layout" in err
    after = (tmp_path / "hyp.out").read_bytes()
    fline = [ln for ln in after.splitlines() if ln[70:80] == b"PINV     F"]
    assert len(fline) == 1 and after.replace(fline[0] + b"\n", b"") == before


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


def test_nordic2_events_kept_by_the_both_rewrite(reference_dir):
    """The 1.0 rewrite keeps a Nordic2 event as SEISAN's two reads leave it (magnitude-only
    type-1 lines moved twice: back in their order, after the F-line): the original's
    composite_nordic2 run (NORDIC_FORMAT 1.0, Nordic2 input) to the byte."""
    ref = reference_dir / "edge" / "composite_nordic2"
    after = (ref / "hyp.out.after").read_bytes()
    (fline,) = [ln for ln in after.splitlines() if ln[70:80] == b"PINV     F"]
    lines = legacy.split_lines((ref / "hyp.out.before").read_bytes())
    assert legacy.rewrite_composite_nordic2(lines, fline.decode()) == after
