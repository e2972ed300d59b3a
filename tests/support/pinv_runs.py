"""Run the drop-in pinv in a folder and compare its files with SEISAN's, byte for byte."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

from seisfoc.pinv import dropin

#: SEISAN.DEF with only the NORDIC_FORMAT line (columns as SEISAN writes them)
SEISAN_DEF = "NORDIC_FORMAT 0.0:old 1.0:both 2.0:new  {:.1f}\n"


def run_dropin(folder: Path) -> tuple[int, str]:
    """One drop-in run in ``folder``: (exit status, screen text)."""
    out = io.StringIO()
    status = dropin.run(str(folder), out=out)
    return status, out.getvalue()


def prepare_bundle_run(case: Path, work: Path) -> None:
    """Copy a bundle run's input (hyp.out and its SEISAN.DEF, or one written from the
    NORDIC_FORMAT setting in truth.json, default 0.0) into ``work``."""
    shutil.copyfile(case / "hyp.out", work / "hyp.out")
    if (case / "SEISAN.DEF").exists():
        shutil.copyfile(case / "SEISAN.DEF", work / "SEISAN.DEF")
        return
    truth = case / "truth.json"
    if not truth.exists():
        truth = case.parent / "truth.json"
    setting = 0.0
    if truth.exists():
        setting = float(json.loads(truth.read_text()).get("nordic_format_setting", 0.0))
    (work / "SEISAN.DEF").write_text(SEISAN_DEF.format(setting))


def differences(
    work: Path,
    expected: Path,
    screen: str,
    screen_name: str = "screen.txt",
    after: Path | None = None,
) -> list[str]:
    """Names of the outputs that differ: screen text, pinv.out, fps.out and, when
    ``after`` is given (or ``expected/hyp.out.after`` exists), the rewritten hyp.out."""
    bad = []
    if screen != (expected / screen_name).read_text():
        bad.append("screen")
    for name in ("pinv.out", "fps.out"):
        want, have = expected / name, work / name
        if want.exists() != have.exists() or (
            want.exists() and want.read_bytes() != have.read_bytes()
        ):
            bad.append(name)
    if after is None and (expected / "hyp.out.after").exists():
        after = expected / "hyp.out.after"
    if after is not None and after.read_bytes() != (work / "hyp.out").read_bytes():
        bad.append("hyp.out")
    return bad
