"""Plain records passed between the stages of the CMT workflow.

Stages are pure functions over these records (numpy arrays and dataclasses, no ObsPy
types); files are read and written only at stage boundaries (``seisfoc.cmt.layout`` names
every path). Conventions follow ``ALGORITHMS.md`` section 7 (pycmt3d's): parameters in the
order Mrr, Mtt, Mpp, Mrt, Mrp, Mtp (dyne-cm, r up, t south, p east), depth (km),
longitude (deg), latitude (deg); times in seconds relative to the centroid time of the
reference CMT (``CMTSolution.origin_time + time_shift_s``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# one receiver of a SPECFEM STATIONS file (defined with its reader and writer)
from seisfoc.io.specfem_stations import Station  # noqa: F401  (re-exported)

#: parameter names in the order of the Jacobian's columns
PARAMETERS = ("mrr", "mtt", "mpp", "mrt", "mrp", "mtp", "depth_km", "longitude", "latitude")
#: SPECFEM/GCMT3D run folder of each perturbation (``CMT_SIMs/<run>``); "CMT" is the reference
RUNS = (
    "CMT",
    "CMT_rr",
    "CMT_tt",
    "CMT_pp",
    "CMT_rt",
    "CMT_rp",
    "CMT_tp",
    "CMT_depth",
    "CMT_lon",
    "CMT_lat",
)
#: run of each parameter (same order as PARAMETERS)
RUN_OF_PARAMETER = dict(zip(PARAMETERS, RUNS[1:], strict=True))
#: the three extra runs of centred differences (location parameter minus its step)
CENTRED_RUNS = ("CMT_depth_m", "CMT_lon_m", "CMT_lat_m")
#: minus-step run of each location parameter (centred differences)
MINUS_RUN_OF_PARAMETER = {"depth_km": "CMT_depth_m", "longitude": "CMT_lon_m",
                          "latitude": "CMT_lat_m"}  # fmt: skip
#: the centroid time shift and half duration (s), inverted with n_parameters 10 and 11;
#: their derivatives come from the reference run alone (no run folders)
TIMING_PARAMETERS = ("time_shift_s", "half_duration_s")
#: every invertible parameter in column order (n_parameters takes a prefix)
ALL_PARAMETERS = PARAMETERS + TIMING_PARAMETERS
#: every run folder name that may occur
ALL_RUNS = RUNS + CENTRED_RUNS
COMPONENTS = ("Z", "R", "T")


@dataclass
class TraceSet:
    """Processed three-component traces of many stations on one common time grid.

    ``data[i, c, :]`` is station ``codes[i]``, component ``COMPONENTS[c]`` (displacement in
    metres after processing); ``present[i, c]`` is False where that trace does not exist or
    was rejected (its samples are then zero and never used). Sample k is at time
    ``t0_s + k * dt_s`` relative to the centroid time.
    """

    codes: list[str]
    t0_s: float
    dt_s: float
    data: np.ndarray  # (n_station, 3, n_sample) float64
    present: np.ndarray  # (n_station, 3) bool
    distance_deg: np.ndarray  # (n_station,)
    azimuth_deg: np.ndarray  # source -> station
    back_azimuth_deg: np.ndarray  # station -> source

    @property
    def times_s(self) -> np.ndarray:
        return self.t0_s + self.dt_s * np.arange(self.data.shape[-1])


@dataclass(frozen=True)
class Window:
    """One accepted measurement window on one trace, in seconds about the centroid time."""

    band: str
    code: str  # NET.STA
    component: str  # Z, R or T
    start_s: float
    end_s: float
    cc_max: float = float("nan")  # normalised cross-correlation peak, obs vs reference syn
    cc_shift_s: float = 0.0  # lag of obs relative to syn (positive: obs later)
    dlna: float = 0.0  # 0.5 ln(E_obs / E_syn)
    snr: float = float("nan")


@dataclass(frozen=True)
class Rejection:
    """A window candidate or a trace that was not used, and why (a short stable reason
    code such as ``"cc_below_threshold"`` plus a human-readable detail)."""

    band: str
    code: str
    component: str
    reason: str
    detail: str = ""
    start_s: float = float("nan")
    end_s: float = float("nan")


@dataclass
class WindowSelection:
    windows: list[Window] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


@dataclass
class RawTrace:
    """One component as read (before processing): sample k at ``t0_s + k * dt_s`` seconds
    relative to the centroid time of the run (synthetics) or of the reference CMT (data)."""

    t0_s: float
    dt_s: float
    data: np.ndarray  # (n_sample,) float64

    @property
    def end_s(self) -> float:
        return self.t0_s + self.dt_s * (self.data.size - 1)


@dataclass
class RawWaveforms:
    """The traces of one data set (the observed data, or one run's synthetics), as read.

    ``traces[code][component]`` with ``code`` = ``NET.STA`` and ``component`` one of
    ``"Z"``, ``"N"``, ``"E"`` (observed data may also hold ``"1"``/``"2"`` before rotation).
    ``source`` names what was read (a folder or file) for messages; ``kind`` is
    ``"synthetic"`` or ``"observed"``; ``units`` is ``"m"`` (displacement) unless a
    response still has to be removed (``"counts"``).
    """

    traces: dict[str, dict[str, RawTrace]] = field(default_factory=dict)
    source: str = ""
    kind: str = "synthetic"
    units: str = "m"

    @property
    def codes(self) -> list[str]:
        return sorted(self.traces)
