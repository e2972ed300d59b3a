"""``seisfoc pinv``: EEV's prime line byte for byte, OF-lines, modern vs seisan, kernel checks."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from seisfoc.pinv import program
from seisfoc.pinv.cli import configure, run
from support.reference import SHARED_REFERENCE, have_reference

from seisfoc import mechanism
from seisfoc.io import nordic
from seisfoc.polarity.pinv_solver import solve


def _args(argv):
    import argparse

    p = argparse.ArgumentParser()
    configure(p)
    return p.parse_args(argv)


def _copy(src, dst):
    shutil.copyfile(src, dst)
    dst.chmod(0o644)
    return dst


def test_prime_line_is_eev_byte_for_byte(tmp_path, reference_dir, capsys):
    ref = reference_dir / "eev_fi"
    s1 = _copy(ref / "22-0141-06L.S199508.before", tmp_path / "22-0141-06L.S199508")
    s2 = _copy(
        ref / "13-0556-46L.S199607.before_and_after_fi_unchanged_4pol",
        tmp_path / "13-0556-46L.S199607",
    )
    assert run(_args([str(s1), str(s2), "--write", "--prime", "--agency", "BER"])) == 0
    assert s1.read_bytes() == (ref / "22-0141-06L.S199508.after_eev_fi").read_bytes()
    assert (
        s2.read_bytes()
        == (ref / "13-0556-46L.S199607.before_and_after_fi_unchanged_4pol").read_bytes()
    )
    assert "too few polarities (4 < 5)" in capsys.readouterr().out


def test_of_line_twice_leaves_one(tmp_path, reference_dir):
    ref = reference_dir / "eev_fi"
    s1 = _copy(ref / "22-0141-06L.S199508.before", tmp_path / "22-0141-06L.S199508")
    before = s1.read_bytes().splitlines(keepends=True)
    for _ in range(2):
        assert run(_args([str(s1), "--write", "--agency", "BER", "--uncertainty"])) == 0
    after = s1.read_bytes().splitlines(keepends=True)
    pinv_lines = [ln for ln in after if ln[70:77] == b"PINV   " and ln[79:80] == b"F"]
    assert len(pinv_lines) == 1 and pinv_lines[0][78:79] == b"O"
    assert pinv_lines[0][77:78] in b"ABCD" and pinv_lines[0][66:69] == b"BER"
    assert [ln for ln in after if ln not in pinv_lines] == before


def test_unwritable_sfile_is_one_line_error(tmp_path, reference_dir, capsys):
    # seisfoc.nordic refuses a file without write permission bits even for root, as
    # SEISAN users expect a read-only S-file to stay untouched
    ref = reference_dir / "eev_fi"
    s1 = _copy(ref / "22-0141-06L.S199508.before", tmp_path / "22-0141-06L.S199508")
    s1.chmod(0o444)
    before = s1.read_bytes()
    from seisfoc.cli import main

    assert main(["pinv", str(s1), "--write", "--agency", "BER", "--no-progress"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(s1) in err[0]
    assert s1.read_bytes() == before


def _full_rank_reference_events():
    if not have_reference():
        return []
    return sorted(p.parent for p in (SHARED_REFERENCE / "pinv").glob("*/hyp/hyp.out"))


@pytest.mark.parametrize("folder", _full_rank_reference_events(), ids=lambda p: p.parent.name)
def test_modern_agrees_with_seisan_or_warns(folder, reference_dir):
    ev = nordic.read_events(folder / "hyp.out")[0]
    seisan = program.solve_event(ev, mode="seisan").solution
    modern = program.solve_event(ev, mode="modern").solution
    if seisan is None:
        pytest.skip("no polarities")
    if seisan.pseudorank == 5 and modern.pseudorank == 5:
        assert mechanism.kagan_angle(seisan.strike_dip_rake, modern.strike_dip_rake) < 1.0
    else:
        args = _args([str(folder / "hyp.out")])
        import contextlib
        import io

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            run(args)
        if modern.pseudorank < 5:
            assert f"rank {modern.pseudorank} < 5" in buf.getvalue()


def test_modern_planes_are_the_two_nodal_planes():
    """Noise-free polarities of a known mechanism: both planes come back, the consistency
    count is perfect and the auxiliary plane is mechanism.auxiliary_plane's."""
    rng = np.random.default_rng(3)
    takeoff = rng.uniform(5, 175, 60)
    azimuth = rng.uniform(0, 360, 60)
    truth = (120.0, 45.0, -60.0)
    pol = np.sign(mechanism.p_radiation(*truth, takeoff, azimuth))
    sol = solve(pol, takeoff, azimuth, mode="modern")
    # the linear method (right-hand side 1) is not a misfit minimiser: near-perfect only
    assert sol.n_inconsistent <= 2 and sol.pseudorank == 5
    assert mechanism.kagan_angle(truth, sol.strike_dip_rake) < 10.0
    aux = mechanism.auxiliary_plane(*sol.strike_dip_rake)
    assert mechanism.kagan_angle(tuple(aux), sol.aux_strike_dip_rake) < 1e-6
    # the polarities the solution's tensor predicts are those of its double couple
    mt = sol.moment_tensor_ned
    ain, az = np.radians(takeoff), np.radians(azimuth)
    gamma = np.stack([np.sin(ain) * np.cos(az), np.sin(ain) * np.sin(az), np.cos(ain)], 1)
    a_tensor = np.einsum("ni,ij,nj->n", gamma, mt, gamma)
    predicted = np.sign(mechanism.p_radiation(*sol.strike_dip_rake, takeoff, azimuth))
    agree = np.mean(np.sign(a_tensor) == predicted)
    assert agree > 0.9 and np.sum(predicted != pol) == sol.n_inconsistent


def test_seisan_order_and_tolerance_match_svd_order_txt(reference_dir):
    """Singular values after the ordering loop equal the original's (svd_order.txt)."""
    text = (reference_dir / "pinv" / "svd_order.txt").read_text().splitlines()
    expected = {}
    name = None
    for line in text:
        if line.startswith("== "):
            name = line[3:].strip()
        elif line.startswith("ill=") and name and name not in expected:
            expected[name] = [float(v) for v in line.split("s=")[1].split()]
    checked = 0
    for event in (
        "23-0117-57D.S199606",
        "22-0141-06L.S199508",
        "08-0503-33D.S200703",
        "06-0648-30L.S199606",
        "13-1109-19L.S199012",
        "05-1809-36L.S200407",
    ):
        ev = nordic.read_events(reference_dir / "pinv" / event / "hyp" / "hyp.out")[0]
        sol = program.solve_event(ev, mode="seisan").solution
        np.testing.assert_allclose(sol.singular_values, expected[event], rtol=2e-5, atol=1e-6)
        checked += 1
    assert checked == 6


def test_trial_bar_opens_per_event_and_closes_at_the_last_trial():
    from seisfoc.pinv.cli import _Progress

    p = _Progress(False, trials=True)
    p.trial(1, 3)
    assert p.trial_bar is not None and p.trial_bar.n == 1 and p.trial_bar.total == 3
    p.trial(2, 3)
    assert p.trial_bar.n == 2
    p.trial(3, 3)
    assert p.trial_bar is None
    quiet = _Progress(False, trials=False)
    quiet.trial(1, 3)
    assert quiet.trial_bar is None
