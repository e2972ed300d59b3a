"""Independent checks of the finite-difference Jacobian of the CMT inversion.

* Moment-tensor linearity: the synthetics of a combination of the six elementary sources
  equal the same combination of their synthetics, to round-off (so the six moment-tensor
  derivatives syn_ij / dM are exact).
* Forward against centred differences for depth, longitude and latitude at the default
  steps: within 1 %.
* A step study: the relative error of forward and centred derivatives against a reference
  derivative (centred, double precision, step 0.1 km / 0.001 deg) for steps over four
  decades. The synthetics pass through single precision as the SAC outputs of the
  simulate stage store them, which makes the round-off side of the error curve visible.
  The default steps must lie in the flat part of the curve, where the derivative does not
  depend on the step to within 1 %. ``python tests/cmt/test_jacobian.py`` prints the table.

The traces are band-passed (100-200 s, zero phase, SciPy) like the default surface band;
the filter is linear, so it commutes with the differences.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from seisfoc.cmt.config import PerturbationConfig
from seisfoc.cmt.demo import GSN_STATIONS, demo_event

#: the default steps of the configuration
DEFAULT = PerturbationConfig()
FIELDS = {
    "depth_km": ("centroid_depth_km", DEFAULT.depth_km),
    "latitude": ("centroid_latitude", DEFAULT.latitude_deg),
    "longitude": ("centroid_longitude", DEFAULT.longitude_deg),
}
#: step multiples of the default in the study
MULTIPLES = (1e-3, 1e-2, 1e-1, 1.0, 3.0, 10.0)
#: reference derivative: centred, double precision, at a tenth of the default step
REFERENCE_MULTIPLE = 0.1
STATION_INDEX = (2, 6, 12, 18, 25, 29)


_ENGINE: list = []  # (db, info), set by the instaseis_db fixture or by __main__


@pytest.fixture(scope="module", autouse=True)
def _engine(instaseis_db):
    _ENGINE[:] = [instaseis_db]
    yield
    _ENGINE.clear()


def _synthetics(cmt, single: bool) -> np.ndarray:
    from scipy.signal import butter, sosfiltfilt
    from seisfoc.cmt.simulate import synthesize

    db, info = _ENGINE[0]
    stations = [GSN_STATIONS[i] for i in STATION_INDEX]
    raw = synthesize(db, info, cmt, stations, dt_s=1.0).data
    if single:  # as the SAC outputs store them
        raw = raw.astype(np.float32).astype(np.float64)
    sos = butter(4, [1 / 200.0, 1 / 100.0], btype="bandpass", fs=1.0, output="sos")
    return sosfiltfilt(sos, raw, axis=-1)


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def step_study() -> dict[str, list[tuple[float, float, float, float]]]:
    """Parameter -> rows (step, error of forward, error of centred differences, forward
    against centred)."""
    cmt = demo_event().truth
    out: dict[str, list[tuple[float, float, float]]] = {}
    s0 = _synthetics(cmt, single=True)
    for name, (field, default) in FIELDS.items():
        x0 = getattr(cmt, field)
        h = REFERENCE_MULTIPLE * default
        ref = (
            _synthetics(replace(cmt, **{field: x0 + h}), single=False)
            - _synthetics(replace(cmt, **{field: x0 - h}), single=False)
        ) / (2 * h)
        rows = []
        for m in MULTIPLES:
            h = m * default
            plus = _synthetics(replace(cmt, **{field: x0 + h}), single=True)
            minus = _synthetics(replace(cmt, **{field: x0 - h}), single=True)
            forward = (plus - s0) / h
            centred = (plus - minus) / (2 * h)
            rows.append((h, _relative(forward, ref), _relative(centred, ref),
                         _relative(forward, centred)))  # fmt: skip
        out[name] = rows
    return out


def format_study(study) -> str:
    lines = [
        "relative error of the derivative against the reference (centred, float64, 0.1 x"
        " default step)",
        "parameter   step        forward   centred   fwd vs centred",
    ]
    for name, rows in study.items():
        unit = "km" if name == "depth_km" else "deg"
        for h, fwd, cen, both in rows:
            mark = "  <- default" if np.isclose(h, FIELDS[name][1]) else ""
            lines.append(f"{name:<11} {h:<8.3g}{unit:<4}{fwd:9.2e} {cen:9.2e} {both:9.2e}{mark}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def study():
    return step_study()


def test_moment_tensor_linearity_to_round_off():
    cmt = demo_event().truth
    zero = dict.fromkeys(("mrr", "mtt", "mpp", "mrt", "mrp", "mtp"), 0.0)
    unit = 1e23
    coefficients = np.array([1.3, -0.4, -0.9, 2.2, -1.7, 0.6]) * 1e26
    combined = _synthetics(replace(cmt, **dict(zip(zero, coefficients, strict=True))), False)
    total = np.zeros_like(combined)
    for name, c in zip(zero, coefficients, strict=True):
        elementary = _synthetics(replace(cmt, **{**zero, name: unit}), single=False)
        total += (c / unit) * elementary
    # float64 throughout: the sum differs only by rounding of the additions
    assert _relative(total, combined) < 1e-12


def test_forward_and_centred_differences_agree_at_default_steps(study):
    for name, rows in study.items():
        (row,) = [r for r in rows if np.isclose(r[0], FIELDS[name][1])]
        _, forward, centred, forward_vs_centred = row
        assert forward_vs_centred < 0.01, name
        assert centred < 1e-3 and forward < 0.01, name


def test_default_steps_lie_in_the_flat_part_of_the_error_curve(study):
    print("\n" + format_study(study))
    for name, rows in study.items():
        default = FIELDS[name][1]
        errors = {round(h / default, 6): fwd for h, fwd, _, _ in rows}
        # flat: from a hundredth of the default step up to the default, the forward
        # derivative is the same to 1 %
        for m in (1e-2, 1e-1, 1.0):
            assert errors[m] < 0.01, (name, m)
        # the curve rises on both sides: round-off (single-precision outputs) at tiny
        # steps, truncation at large steps
        assert errors[1e-3] > errors[1e-2], name
        assert errors[10.0] > 3 * errors[1.0], name


if __name__ == "__main__":
    from seisfoc.cmt.database import open_database

    _ENGINE[:] = [open_database("auto")]
    print(format_study(step_study()))
