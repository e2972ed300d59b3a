"""FOCMEC's files: its polarity input (focmec.dat) and its acceptable set (fm_new.out)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np


def read_focmec_dat(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(polarity, take-off, azimuth): a title line, then station (A4), azimuth and
    take-off angle (2F8.2) and the sense C or D."""
    rows = path.read_text().splitlines()[1:]
    azimuth = np.array([float(line[4:12]) for line in rows])
    takeoff = np.array([float(line[12:20]) for line in rows])
    polarity = np.array([{"C": 1.0, "D": -1.0}[line[20]] for line in rows])
    return polarity, takeoff, azimuth


def read_fm_new(folder: Path) -> np.ndarray:
    """(Dip, Strike, Rake, P errors) rows of fm_new.out or fm_new.out.gz (the lines of
    six numbers)."""
    plain = folder / "fm_new.out"
    text = plain.read_text() if plain.exists() else gzip.open(f"{plain}.gz", "rt").read()
    rows = []
    for line in text.splitlines():
        try:
            values = [float(x) for x in line.split()]
        except ValueError:
            continue
        if len(values) == 6:
            rows.append(values[:4])
    return np.array(rows)


def read_nerr_nsol(folder: Path) -> tuple[int, int]:
    """(smallest error count with a solution, number of solutions; 9999 = truncated)."""
    nerr, nsol = (int(x) for x in (folder / "nerr_nsol.txt").read_text().split())
    return nerr, nsol
