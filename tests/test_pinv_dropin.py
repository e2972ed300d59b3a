"""The drop-in ``pinv`` against the original's outputs in ../shared/reference, to the character.

Every run of reference/pinv (asis and hyp), edge/, synthetic/ and nordic2/ is one case:
hyp.out (or the S-file itself for ``asis``) is copied into a temporary folder, the
drop-in runs there, and the screen text, pinv.out, fps.out (and a rewritten hyp.out)
are compared byte for byte. The runs that still differ are listed, with the measured
reason, in KNOWN_ROUNDING_DIFFERENCES.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from seisfoc.pinv import dropin, legacy
from support.reference import SHARED_REFERENCE, have_reference

from seisfoc.polarity.pinv_solver import solve

SEISAN_DEF = "NORDIC_FORMAT 0.0:old 1.0:both 2.0:new  {:.1f}\n"

#: Runs the drop-in does not reproduce. 20-0328-31L has three readings, all with AIN = 90:
#: the design matrix's r-t and r-p columns are then single-precision cos(90 deg) noise
#: (~1e-8), M12 and M13 come out ~1e-7 with rounding-decided signs, and those signs decide
#: which side of dip 90 the plane falls and the sign of a zero rake. Measured: tau,
#: pseudorank, |strike| and dip agree; asis prints rake -0.0 for the original's 0.0, hyp
#: strike 233.0 for the original's 53.0 (the same vertical plane). Matching it needs the
#: original's rounding bit for bit (its SVD values already differ in the 5th-6th digit
#: on the runs that match).
KNOWN_ROUNDING_DIFFERENCES = {
    "pinv/20-0328-31L.S200612/asis",
    "pinv/20-0328-31L.S200612/hyp",
}


def _is_nordic2(path: Path) -> bool:
    for line in path.read_bytes().splitlines():
        if line.rstrip().endswith(b"7") and len(line.rstrip()) >= 80:
            return line.startswith(b" STAT COM NTLO IPHASE")
    return False


def _cases():
    """(case id, input hyp.out, folder of expected outputs, NORDIC_FORMAT, screen name)."""
    if not have_reference():
        return []
    ref = SHARED_REFERENCE
    cases = []
    for event in sorted(p.name for p in (ref / "pinv").iterdir() if p.is_dir()):
        asis = ref / "pinv" / event / "asis"
        if (asis / "pinv.screen").exists():
            sfile = next((ref / "sfiles").glob(f"*/*/*/{event}"))
            fmt = 2.0 if _is_nordic2(sfile) else 0.0
            cases.append((f"pinv/{event}/asis", sfile, asis, fmt, "pinv.screen"))
        hyp = ref / "pinv" / event / "hyp"
        if (hyp / "pinv.screen").exists():
            cases.append((f"pinv/{event}/hyp", hyp / "hyp.out", hyp, 0.0, "pinv.screen"))
    for folder in sorted((ref / "synthetic").iterdir()):
        cases.append((f"synthetic/{folder.name}", folder / "hyp.out", folder, 0.0, "pinv.screen"))
    n2 = ref / "nordic2" / "19950822_nor2nor2"
    cases.append(("nordic2/19950822_nor2nor2", n2 / "hyp.out", n2, 2.0, "pinv.screen"))
    cases.append(
        ("nordic2/19950822_nor2nor2/format0", n2 / "hyp.out", n2, 0.0, "pinv.screen.NORDIC_FORMAT0")
    )
    zero = ref / "edge" / "zero_polarities"
    cases.append(("edge/zero_polarities", zero / "hyp.out", zero, 0.0, "pinv.screen"))
    both = ref / "edge" / "format_both" / "single_old"
    cases.append(("edge/format_both/single_old", both / "hyp.out.before", both, 1.0, "pinv.screen"))
    return cases


CASES = _cases()


def _run(folder: Path) -> tuple[int, str]:
    out = io.StringIO()
    status = dropin.run(str(folder), out=out)
    return status, out.getvalue()


def _compare(tmp: Path, expected: Path, screen_name: str, screen: str) -> list[str]:
    bad = []
    if screen != (expected / screen_name).read_text():
        bad.append("screen")
    if screen_name == "pinv.screen.NORDIC_FORMAT0":
        return bad  # the original stops before writing anything
    for name in ("pinv.out", "fps.out"):
        want = expected / name
        have = tmp / name
        if want.exists() != have.exists() or (
            want.exists() and want.read_bytes() != have.read_bytes()
        ):
            bad.append(name)
    return bad


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_reference_run(case, tmp_path, reference_dir):
    name, source, expected, fmt, screen_name = case
    shutil.copyfile(source, tmp_path / "hyp.out")
    (tmp_path / "SEISAN.DEF").write_text(SEISAN_DEF.format(fmt))
    status, screen = _run(tmp_path)
    assert status == 0
    bad = _compare(tmp_path, expected, screen_name, screen)
    if name in KNOWN_ROUNDING_DIFFERENCES:
        if not bad:
            pytest.fail(f"{name} now matches: remove it from KNOWN_ROUNDING_DIFFERENCES")
        pytest.xfail(f"all AIN = 90, plane decided by single-precision rounding: {bad}")
    assert not bad, f"differs from the original in {bad}"


#: The documented counts (README, Drop-in): single runs matched of all single runs, and
#: composite runs matched (composite_nordic1 runs 1 and 2, composite_nordic2,
#: format_both/composite_old).
SINGLE_RUNS, SINGLE_MATCHED, COMPOSITE_RUNS = 45, 43, 4


def _composite_matches(reference_dir: Path) -> int:
    """How many of the three composite runs give the original's screen text, pinv.out,
    fps.out and (run 1, Nordic2) rewritten hyp.out; run 2's hyp.out keeps one F-line
    where the original adds a duplicate (a fixed defect), so it is compared with run 1's."""
    matched = 0
    ref = reference_dir / "edge" / "composite_nordic1"
    with _tmpdir(reference_dir) as tmp:
        shutil.copyfile(ref / "hyp.out.before", tmp / "hyp.out")
        (tmp / "SEISAN.DEF").write_text(SEISAN_DEF.format(0.0))
        for run, after in (("run1", "hyp.out.after_run1"), ("run2", "hyp.out.after_run1")):
            _, screen = _run(tmp)
            matched += (
                screen == (ref / f"pinv.screen.{run}").read_text()
                and (tmp / "hyp.out").read_bytes() == (ref / after).read_bytes()
                and (run == "run1" or not _compare(tmp, ref, f"pinv.screen.{run}", screen))
            )
    # composite_old: NORDIC_FORMAT 1.0, hyp.out rewritten in Nordic2
    for ref in (
        reference_dir / "edge" / "composite_nordic2",
        reference_dir / "edge" / "format_both" / "composite_old",
    ):
        with _tmpdir(reference_dir) as tmp:
            shutil.copyfile(ref / "hyp.out.before", tmp / "hyp.out")
            shutil.copyfile(ref / "SEISAN.DEF", tmp / "SEISAN.DEF")
            _, screen = _run(tmp)
            matched += not _compare(tmp, ref, "pinv.screen", screen) and (
                (tmp / "hyp.out").read_bytes() == (ref / "hyp.out.after").read_bytes()
            )
    return matched


def test_match_count(reference_dir):
    """How many of the reference runs match to the character (printed with -s): exactly
    the documented counts, so that a regression and an unexpected improvement (update the
    counts, the README and KNOWN_ROUNDING_DIFFERENCES) both fail."""
    matched = 0
    for _name, source, expected, fmt, screen_name in CASES:
        with _tmpdir(reference_dir) as tmp:
            shutil.copyfile(source, tmp / "hyp.out")
            (tmp / "SEISAN.DEF").write_text(SEISAN_DEF.format(fmt))
            status, screen = _run(tmp)
            matched += not _compare(tmp, expected, screen_name, screen)
    composite = _composite_matches(reference_dir)
    print(
        f"\ndrop-in pinv matches {matched} of {len(CASES)} single runs and {composite} of "
        f"{COMPOSITE_RUNS} composite runs"
    )
    assert (matched, len(CASES)) == (SINGLE_MATCHED, SINGLE_RUNS)
    assert composite == COMPOSITE_RUNS
    assert SINGLE_RUNS - SINGLE_MATCHED == len(KNOWN_ROUNDING_DIFFERENCES)


class _tmpdir:
    def __init__(self, _ref):
        import tempfile

        self._td = tempfile.TemporaryDirectory()

    def __enter__(self) -> Path:
        return Path(self._td.name)

    def __exit__(self, *exc):
        self._td.cleanup()


def test_composite_nordic1_twice(tmp_path, reference_dir):
    """Run 1 matches the original byte for byte; run 2 keeps ONE F-line (the original's
    duplicate is a fixed defect), screen and pinv.out as the original's run 2."""
    ref = reference_dir / "edge" / "composite_nordic1"
    shutil.copyfile(ref / "hyp.out.before", tmp_path / "hyp.out")
    (tmp_path / "SEISAN.DEF").write_text(SEISAN_DEF.format(0.0))
    status, screen = _run(tmp_path)
    assert status == 0
    assert screen == (ref / "pinv.screen.run1").read_text()
    assert (tmp_path / "hyp.out").read_bytes() == (ref / "hyp.out.after_run1").read_bytes()
    status, screen = _run(tmp_path)
    assert screen == (ref / "pinv.screen.run2").read_text()
    assert (tmp_path / "pinv.out").read_bytes() == (ref / "pinv.out").read_bytes()
    assert (tmp_path / "fps.out").read_bytes() == (ref / "fps.out").read_bytes()
    # fixed: no duplicate, the file is the same as after run 1
    assert (tmp_path / "hyp.out").read_bytes() == (ref / "hyp.out.after_run1").read_bytes()


def test_composite_nordic2(tmp_path, reference_dir):
    ref = reference_dir / "edge" / "composite_nordic2"
    shutil.copyfile(ref / "hyp.out.before", tmp_path / "hyp.out")
    shutil.copyfile(ref / "SEISAN.DEF", tmp_path / "SEISAN.DEF")
    status, screen = _run(tmp_path)
    assert status == 0
    assert screen == (ref / "pinv.screen").read_text()
    for name in ("pinv.out", "fps.out"):
        assert (tmp_path / name).read_bytes() == (ref / name).read_bytes(), name
    assert (tmp_path / "hyp.out").read_bytes() == (ref / "hyp.out.after").read_bytes()


def test_seisan_top_setting(tmp_path, monkeypatch, reference_dir):
    """Without SEISAN.DEF in the folder, $SEISAN_TOP/DAT/SEISAN.DEF decides."""
    ref = reference_dir / "nordic2" / "19950822_nor2nor2"
    shutil.copyfile(ref / "hyp.out", tmp_path / "hyp.out")
    top = tmp_path / "top"
    (top / "DAT").mkdir(parents=True)
    (top / "DAT" / "SEISAN.DEF").write_text(SEISAN_DEF.format(1.0))
    monkeypatch.setenv("SEISAN_TOP", str(top))
    status, screen = _run(tmp_path)
    assert screen == (ref / "pinv.screen").read_text()
    monkeypatch.delenv("SEISAN_TOP")
    status, screen = _run(tmp_path)
    assert screen == (ref / "pinv.screen.NORDIC_FORMAT0").read_text()


def test_zero_polarities_writes_no_fps(tmp_path, reference_dir):
    ref = reference_dir / "edge" / "zero_polarities"
    shutil.copyfile(ref / "hyp.out", tmp_path / "hyp.out")
    status, screen = _run(tmp_path)
    assert status == 0 and screen == (ref / "pinv.screen").read_text()
    assert (tmp_path / "pinv.out").read_bytes() == (ref / "pinv.out").read_bytes()
    assert not (tmp_path / "fps.out").exists()


def _entry_point(tmp_path) -> subprocess.CompletedProcess:
    code = "import sys; from seisfoc.pinv.dropin import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )


def test_executable_in_folder(tmp_path, reference_dir):
    ref = reference_dir / "pinv" / "22-0141-06L.S199508" / "hyp"
    shutil.copyfile(ref / "hyp.out", tmp_path / "hyp.out")
    done = _entry_point(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (ref / "pinv.screen").read_text()
    assert (tmp_path / "pinv.out").read_bytes() == (ref / "pinv.out").read_bytes()


def test_missing_hyp_out(tmp_path):
    done = _entry_point(tmp_path)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "hyp.out" in done.stderr


def test_empty_hyp_out(tmp_path):
    (tmp_path / "hyp.out").write_bytes(b"")
    done = _entry_point(tmp_path)
    assert done.returncode == 1 and "empty" in done.stderr


def test_malformed_ain_names_line_and_column(tmp_path):
    line = " BER  SZ IP     C  141 27.07  168                         6x   -0.6210  151  89 "
    (tmp_path / "hyp.out").write_text(line + "\n")
    status = None
    with pytest.raises(Exception) as err:
        status = _run(tmp_path)
    assert status is None
    assert "line 1" in str(err.value) and "column 58" in str(err.value)


def test_unknown_nordic_format(tmp_path):
    line = " BER  SZ IP     C  141 27.07  168                         62   -0.6210  151  89 "
    (tmp_path / "hyp.out").write_text(line + "\n")
    (tmp_path / "SEISAN.DEF").write_text(SEISAN_DEF.format(3.0))
    done = _entry_point(tmp_path)
    assert done.returncode == 1
    assert "SEISAN.DEF" in done.stderr and "column 41" in done.stderr


def test_does_not_import_heavy_modules(tmp_path, reference_dir):
    ref = reference_dir / "pinv" / "22-0141-06L.S199508" / "hyp"
    shutil.copyfile(ref / "hyp.out", tmp_path / "hyp.out")
    code = (
        "import sys; from seisfoc.pinv.dropin import run; run('.'); "
        "bad = [m for m in ('scipy', 'obspy', 'matplotlib') if m in sys.modules]; "
        "sys.exit(len(bad))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True)
    assert done.returncode == 0


def _svd_order(reference_dir: Path, event: str) -> tuple[list[float], list[float]]:
    """First 'presort' and 'ill= ... s=' lists of one event in svd_order.txt."""
    presort, after = None, None
    inside = False
    for line in (reference_dir / "pinv" / "svd_order.txt").read_text().splitlines():
        if line.startswith("== "):
            inside = line[3:].strip() == event
        elif inside and line.startswith(" presort") and presort is None:
            presort = [float(v) for v in line.split()[1:]]
        elif inside and line.startswith("ill=") and after is None:
            after = [float(v) for v in line.split("s=")[1].split()]
    return presort, after


def test_four_rows_singular_values_in_original_order(reference_dir):
    """1996-06-03 19:55 (4 readings, 5 unknowns): the SVD returns the values in the
    original's order 2.6759, 0.063968, 4.1067e-05, 0.023736 (the textbook Golub-Reinsch
    sweeps give ... 0.023736, 4.1e-05) with the fifth exactly 0, and the ordering loop
    then gives the original's s, tolerance 0.000064 and pseudorank 2."""
    event = "03-1955-35D.S199606"
    presort, after = _svd_order(reference_dir, event)
    lines = legacy.split_lines((reference_dir / "pinv" / event / "hyp" / "hyp.out").read_bytes())
    sol = solve(*legacy.select_old(lines).arrays(), mode="seisan")
    assert len(presort) == 4 and sol.singular_values_raw[4] == 0.0
    np.testing.assert_allclose(sol.singular_values_raw[:4], presort, rtol=2e-5)
    np.testing.assert_allclose(sol.singular_values, after, rtol=2e-5, atol=1e-6)
    assert sol.pseudorank == 2 and round(sol.tolerance, 6) == 0.000064


def _design(polarity, takeoff_deg, azimuth_deg):
    """ALGORITHMS.md section 1, in double precision."""
    i, f = np.radians(takeoff_deg), np.radians(azimuth_deg)
    s, c, sf, cf = np.sin(i), np.cos(i), np.sin(f), np.cos(f)
    rows = [s * s * cf * cf - c * c, s * s * sf * sf - c * c, 2 * s * c * cf]
    rows += [-2 * s * c * sf, -2 * s * s * sf * cf]
    return polarity[:, None] * np.stack(rows, 1)


@pytest.mark.parametrize("m", [2, 3, 4])
def test_fewer_rows_than_unknowns(m):
    """seisan mode with 2-4 readings: the m singular values are those of the design matrix
    (numpy, double precision) to single precision, the other 5 - m are exactly 0 (no NaN:
    the textbook sweeps divide 0 by 0 on some such systems), and with pseudorank m the
    solution is the minimum-norm solution of G x = 1."""
    rng = np.random.default_rng(20 + m)
    full_rank = 0
    for _ in range(60):
        pol = rng.choice([-1.0, 1.0], m)
        takeoff = rng.uniform(5.0, 175.0, m)
        azimuth = rng.uniform(0.0, 360.0, m)
        sol = solve(pol, takeoff, azimuth, mode="seisan")
        g = _design(pol, takeoff, azimuth)
        sv = np.linalg.svd(g, compute_uv=False)
        raw = sol.singular_values_raw
        assert np.all(np.isfinite(raw)) and np.all(raw[m:] == 0.0)
        np.testing.assert_allclose(np.sort(raw[:m])[::-1], sv, rtol=0, atol=1e-5 * sv[0])
        if sol.pseudorank == m:
            full_rank += 1
            mt = sol.moment_tensor_rtp
            x = np.array([mt[1, 1], mt[2, 2], mt[0, 1], mt[0, 2], mt[1, 2]])
            want = np.linalg.pinv(g) @ np.ones(m)
            assert np.linalg.norm(x - want) <= 1e-3 * np.linalg.norm(want)
    assert full_rank > 30


if os.environ.get("PINV_PRINT_CASES"):  # pragma: no cover - debugging aid
    for c in CASES:
        print(c)
