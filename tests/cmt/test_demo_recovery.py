"""The demo event is recovered: the issue's targets without noise, and the floor reached
with 5 % band-limited noise (seed 1), asserted with a margin.

Moment-tensor error is measured two ways (both printed): the relative Frobenius norm
||M - M_true||_F / ||M_true||_F over all nine elements, and the largest element error
max_ij |M_ij - M_ij,true| / M0_true (the issue's "Mij < 1 %"). Epicentre error is the
great-circle distance (sphere, 6371 km), depth error the absolute difference.

Floor measured with 5 % noise (seed 1, the demo's configuration: defaults with window
weights ``none``, three iterations): Frobenius 0.69 %, largest element 0.59 % of M0,
epicentre 0.79 km, depth 0.37 km (seeds 2 and 3: 0.55 % / 0.26 km / 0.17 km and
0.88 % / 0.47 km / 0.01 km). The issue's targets are asserted.
"""

from __future__ import annotations

import pytest
from seisfoc.cmt.demo import run_demo


@pytest.fixture(scope="module")
def demo_clean(tmp_path_factory, instaseis_db):
    return run_demo(tmp_path_factory.mktemp("demo") / "clean", noise=0.0, progress=False)


@pytest.fixture(scope="module")
def demo_noisy(tmp_path_factory, instaseis_db):
    out = tmp_path_factory.mktemp("demo") / "noisy"
    return run_demo(out, noise=0.05, seed=1, progress=False)


def _show(outcome):
    print("\n" + outcome.text())
    for i, r in enumerate(outcome.iterations, start=1):
        print(f"iteration {i}: largest element {100 * r.max_element_error:.3f} % of M0")


def test_start_is_as_far_off_as_the_issue_asks(demo_clean):
    s = demo_clean.start
    assert 0.10 <= s.moment_tensor_error <= 0.20
    assert 10.0 <= s.epicentre_error_km <= 20.0
    assert 5.0 <= s.depth_error_km <= 10.0


def test_recovery_without_noise(demo_clean):
    _show(demo_clean)
    assert demo_clean.result.status == "ok"
    assert 1 <= len(demo_clean.iterations) <= 3
    final = demo_clean.iterations[-1]
    assert final.moment_tensor_error < 0.01
    assert final.max_element_error < 0.01
    assert final.epicentre_error_km < 1.0
    assert final.depth_error_km < 0.5
    # one linearised step alone is not enough from this start: the iterations matter
    first = demo_clean.iterations[0]
    assert first.epicentre_error_km > 0.3 or first.moment_tensor_error > 0.005


def test_recovery_floor_with_five_percent_noise(demo_noisy):
    _show(demo_noisy)
    assert demo_noisy.result.status == "ok"
    assert len(demo_noisy.iterations) <= 3
    final = demo_noisy.iterations[-1]
    assert final.max_element_error < 0.01  # floor 0.59 %
    assert final.moment_tensor_error < 0.01  # floor 0.69 %
    assert final.epicentre_error_km < 1.0  # floor 0.79 km
    assert final.depth_error_km < 0.5  # floor 0.37 km


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path):
    from seisfoc.errors import SeisfocError

    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(SeisfocError, match="not empty"):
        run_demo(tmp_path, noise=0.0, progress=False)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
