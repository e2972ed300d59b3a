"""Window weights of the CMT inversion, every factor kept for the report.

The weight of window w is the product of

* ``band``: the band's configured weight;
* ``component``: Z, R or T weight;
* ``azimuth``: (1 / n)^exponent, n the number of traces in the window's azimuth bin
  (``azimuth_bins`` equal bins from north, counted per category when
  ``category_normalisation``, else over all traces), scaled so that the traces of a
  category average 1 (the windows of one trace share its weight);
* ``distance``: (distance / reference)^-e with e the Pnl, Rayleigh or Love exponent
  (Love on T; on Z/R Pnl for a body-wave band, Rayleigh for a surface-wave band, and with
  ``wave_type = "auto"`` pycmt3d's rule: Pnl on the earliest window of a trace, Rayleigh
  on the later ones);
* ``energy``: 1 / (dt sum (t obs)^2) of the window, when ``energy_normalisation``;
* ``category``: a factor giving every category (band x component) the same total weight,
  when ``category_normalisation``;

and finally all weights are scaled to mean 1. Presets (``[weight] preset``):
``gcmt3d`` (GCMT3D's production settings: components 1/1/1, every distance exponent 1,
i.e. weight ~ 1/distance, azimuth exponent 0.5 in 12 bins, energy and category
normalisation), ``pycmt3d``
(pycmt3d's defaults: Z 2, R 1, T 2, exponents Pnl 1.15, Rayleigh 0.55, Love 0.78,
azimuth exponent 0.5 in 12 bins, no energy or category normalisation) and ``none``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from seisfoc.errors import SeisfocError

from .config import BandConfig, Config, WeightConfig
from .measure import Measurements
from .records import Window

__all__ = ["WindowWeights", "compute_weights", "weigh_windows", "window_weights"]


@dataclass
class WindowWeights:
    """The weight of every window and each of its factors (arrays over windows)."""

    weights: np.ndarray  # final weights, mean 1
    band: np.ndarray
    component: np.ndarray
    azimuth: np.ndarray
    distance: np.ndarray
    energy: np.ndarray
    category: np.ndarray
    normalisation: float  # the common factor making the mean 1
    category_name: list[str]
    azimuth_bin: np.ndarray  # int
    bin_count: np.ndarray  # int: traces in that bin (of the category)
    wave: list[str]  # "pnl", "rayleigh" or "love": which distance exponent
    distance_exponent: np.ndarray
    preset: str
    notes: list[str] = field(default_factory=list)

    def terms(self, i: int) -> dict:
        """Every factor of window ``i`` and why (for the JSON report)."""
        return {
            "weight": float(self.weights[i]),
            "band": float(self.band[i]),
            "component": float(self.component[i]),
            "azimuth": float(self.azimuth[i]),
            "azimuth_bin": int(self.azimuth_bin[i]),
            "traces_in_bin": int(self.bin_count[i]),
            "distance": float(self.distance[i]),
            "wave": self.wave[i],
            "distance_exponent": float(self.distance_exponent[i]),
            "energy": float(self.energy[i]),
            "category": self.category_name[i],
            "category_factor": float(self.category[i]),
            "normalisation": float(self.normalisation),
        }


def weigh_windows(
    windows: Sequence[Window],
    distance_deg: np.ndarray,
    azimuth_deg: np.ndarray,
    obs_energy: np.ndarray,
    wcfg: WeightConfig,
    bands: Sequence[BandConfig],
) -> WindowWeights:
    """Weights of ``windows`` (see the module documentation).

    Parameters
    ----------
    windows
        The windows.
    distance_deg, azimuth_deg
        Epicentral distance and source-to-station azimuth of each window's station.
    obs_energy
        dt sum (t obs)^2 of each window (``Measurements.obs_energy``).
    wcfg
        The ``[weight]`` settings.
    bands
        The band settings (band weight, wave type).

    Returns
    -------
    WindowWeights
    """
    n = len(windows)
    if n == 0:
        raise SeisfocError("no windows to weight")
    distance_deg = np.asarray(distance_deg, dtype=float)
    azimuth_deg = np.asarray(azimuth_deg, dtype=float)
    obs_energy = np.asarray(obs_energy, dtype=float)
    for name, arr in (("distances", distance_deg), ("azimuths", azimuth_deg),
                      ("energies", obs_energy)):  # fmt: skip
        if arr.shape != (n,):
            raise SeisfocError(f"{arr.size} {name} for {n} windows")
    band_of = {b.name: b for b in bands}
    for win in windows:
        if win.band not in band_of:
            raise SeisfocError(f"window of band {win.band!r}, which the configuration lacks")
    notes: list[str] = []

    band_w = np.array([band_of[w.band].weight for w in windows])
    comp_value = {"Z": wcfg.component_z, "R": wcfg.component_r, "T": wcfg.component_t}
    comp_w = np.array([comp_value[w.component] for w in windows])

    # categories and azimuth bins, counted over traces
    category = [
        f"{w.band}.{w.component}" if wcfg.category_normalisation else "all" for w in windows
    ]
    width = 360.0 / wcfg.azimuth_bins
    bins = np.floor(np.mod(azimuth_deg, 360.0) / width).astype(int) % wcfg.azimuth_bins
    trace_key = [(w.band, w.code, w.component) for w in windows]
    traces: dict[tuple, int] = {}
    for i, key in enumerate(trace_key):
        traces.setdefault(key, i)
    count: dict[tuple[str, int], int] = {}
    for _key, i in traces.items():
        cb = (category[i], int(bins[i]))
        count[cb] = count.get(cb, 0) + 1
    bin_count = np.array([count[(category[i], int(bins[i]))] for i in range(n)])
    raw_az = (1.0 / bin_count) ** wcfg.azimuth_exponent
    az_w = np.empty(n)
    for cat in set(category):
        members = [traces[k] for k in traces if category[traces[k]] == cat]
        mean_trace = float(np.mean(raw_az[members]))
        idx = [i for i in range(n) if category[i] == cat]
        az_w[idx] = raw_az[idx] / mean_trace

    # distance
    if np.any(distance_deg <= 0.0) or not np.all(np.isfinite(distance_deg)):
        raise SeisfocError("window at zero or undefined epicentral distance")
    first_on_trace: dict[tuple, float] = {}
    for w, key in zip(windows, trace_key, strict=True):
        first_on_trace[key] = min(first_on_trace.get(key, np.inf), w.start_s)
    wave = []
    exponent = np.empty(n)
    for i, w in enumerate(windows):
        kind = band_of[w.band].wave_type
        if kind == "body":
            wave_i = "pnl"
        elif w.component == "T":
            wave_i = "love"
        elif kind == "surface":
            wave_i = "rayleigh"
        else:
            wave_i = "pnl" if w.start_s <= first_on_trace[trace_key[i]] else "rayleigh"
        wave.append(wave_i)
        exponent[i] = {
            "pnl": wcfg.pnl_exponent,
            "rayleigh": wcfg.rayleigh_exponent,
            "love": wcfg.love_exponent,
        }[wave_i]
    dist_w = (distance_deg / wcfg.distance_reference_deg) ** (-exponent)

    # energy
    if wcfg.energy_normalisation:
        energy_w = np.zeros(n)
        good = obs_energy > 0.0
        energy_w[good] = 1.0 / obs_energy[good]
        if not np.all(good):
            notes.append(f"{int(np.sum(~good))} window(s) without observed energy weigh 0")
    else:
        energy_w = np.ones(n)

    product = band_w * comp_w * az_w * dist_w * energy_w
    cat_w = np.ones(n)
    if wcfg.category_normalisation:
        names = sorted(set(category))
        total = float(np.sum(product))
        for cat in names:
            in_cat = np.array([i for i in range(n) if category[i] == cat])
            s = float(np.sum(product[in_cat]))
            if s > 0.0:
                cat_w[in_cat] = total / (len(names) * s)
        product = product * cat_w
    total = float(np.sum(product))
    if not total > 0.0:
        raise SeisfocError("every window weighs zero (check the band and component weights)")
    norm = n / total
    return WindowWeights(
        weights=product * norm,
        band=band_w,
        component=comp_w,
        azimuth=az_w,
        distance=dist_w,
        energy=energy_w,
        category=cat_w,
        normalisation=norm,
        category_name=category,
        azimuth_bin=bins,
        bin_count=bin_count,
        wave=wave,
        distance_exponent=exponent,
        preset=wcfg.preset,
        notes=notes,
    )


def compute_weights(meas: Measurements, cfg: Config) -> WindowWeights:
    """Weights of the windows of ``meas`` with the configured ``[weight]`` settings, with
    every factor (:class:`WindowWeights`)."""
    return weigh_windows(
        meas.windows, meas.distance_deg, meas.azimuth_deg, meas.obs_energy, cfg.weight,
        cfg.bands,
    )  # fmt: skip


def window_weights(meas: Measurements, cfg: Config) -> np.ndarray:
    """The weight of every window of ``meas`` (mean 1): ``compute_weights(...).weights``."""
    return compute_weights(meas, cfg).weights
