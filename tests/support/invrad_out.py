"""invrad.out compared with the original's: same layout, numbers within tolerances."""

from __future__ import annotations

import re

import pytest


def skeleton(line: str) -> str:
    """The line with every number replaced by ``#``."""
    return re.sub(r"\s*-?\d+\.\d*(?:E[-+]\d+)?", "#", line)


def numbers(line: str) -> list[float]:
    """The decimal numbers of a line."""
    return [float(x) for x in re.findall(r"-?\d+\.\d+(?:E[-+]\d+)?", line)]


def assert_like_reference(ours: list[str], ref: list[str]) -> None:
    """Same lines, same text around the numbers, the mechanism within 0.05 deg, the
    moment within 0.1 %, the CLVD moment within 0.1 and the first seven rows of the data
    resolution matrix within 0.02."""
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref, strict=True):
        assert len(a) == len(b), (a, b)
        assert skeleton(a) == skeleton(b), (a, b)
    for i, line in enumerate(ref):
        if line.startswith("STRIKE="):
            s, _, d, _, r, _ = numbers(ours[i])
            rs, _, rd, _, rr, _ = numbers(line)
            assert (s, d, r) == pytest.approx((rs, rd, rr), abs=0.05)
    i = next(i for i, line in enumerate(ref) if "EVENT MOMENT" in line)
    assert numbers(ours[i])[0] == pytest.approx(numbers(ref[i])[0], rel=1e-3)
    i = next(i for i, line in enumerate(ref) if "CLVD MOMENT" in line)
    assert numbers(ours[i])[0] == pytest.approx(numbers(ref[i])[0], abs=0.1)
    j = ref.index(" DATA RESOLUTION MATRIX")
    for a, b in zip(ours[j + 1 : j + 8], ref[j + 1 : j + 8], strict=True):
        assert numbers(a)[:7] == pytest.approx(numbers(b)[:7], abs=0.02)
