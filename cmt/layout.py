"""Every path of a CMT event folder, named in one place.

An event folder (``EVENT/``) holds the user's inputs and everything each stage writes,
so that a run can stop and restart at any stage boundary::

    EVENT/
      seisfoc-cmt.toml            configuration (``seisfoc cmt init``)
      CMTSOLUTION                 starting solution (input)
      STATIONS                    SPECFEM station list (input)
      data/                       observed waveforms: SAC or miniSEED (input)
      stations/                   StationXML (input, optional for synthetic data)
      CMT_SIMs/<run>/DATA/CMTSOLUTION, DATA/STATIONS        (prepare)
      CMT_SIMs/<run>/OUTPUT_FILES/NET.STA.MX?.sem.sac       (simulate)
      work/iter_NN/...            the same for Gauss-Newton iteration NN >= 1
      work/processed/<band>.npz   processed traces (process)
      work/windows.json           windows and rejections (window)
      work/inversion.json         the solution of each iteration (invert)
      result/                     CMTSOLUTION, summary.json, report.txt, figures, QuakeML

The run folders are those SPECFEM3D_GLOBE and the pycmt3d/GCMT3D workflow use, so that
outputs made elsewhere in that layout can be handed to the later stages.
"""

from __future__ import annotations

from pathlib import Path

from .records import CENTRED_RUNS, RUNS

CONFIG_NAME = "seisfoc-cmt.toml"


class EventLayout:
    """Paths of one event folder (nothing is created by merely naming a path)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    # inputs
    @property
    def config(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def cmtsolution(self) -> Path:
        return self.root / "CMTSOLUTION"

    @property
    def stations(self) -> Path:
        return self.root / "STATIONS"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def stationxml_dir(self) -> Path:
        return self.root / "stations"

    # simulations
    def sims_root(self, iteration: int = 0) -> Path:
        """``CMT_SIMs`` of the first linearisation, ``work/iter_NN/CMT_SIMs`` after."""
        if iteration == 0:
            return self.root / "CMT_SIMs"
        return self.work / f"iter_{iteration:02d}" / "CMT_SIMs"

    def run_dir(self, run: str, iteration: int = 0) -> Path:
        return self.sims_root(iteration) / run

    def run_cmtsolution(self, run: str, iteration: int = 0) -> Path:
        return self.run_dir(run, iteration) / "DATA" / "CMTSOLUTION"

    def run_stations(self, run: str, iteration: int = 0) -> Path:
        return self.run_dir(run, iteration) / "DATA" / "STATIONS"

    def run_output(self, run: str, iteration: int = 0) -> Path:
        return self.run_dir(run, iteration) / "OUTPUT_FILES"

    def runs(self, centred: bool = False) -> tuple[str, ...]:
        """The run folders: the ten of forward differences, plus ``CMT_depth_m``,
        ``CMT_lon_m``, ``CMT_lat_m`` when ``centred``."""
        return RUNS + CENTRED_RUNS if centred else RUNS

    # stage outputs
    @property
    def work(self) -> Path:
        return self.root / "work"

    def processed(self, band: str, iteration: int = 0) -> Path:
        base = self.work if iteration == 0 else self.work / f"iter_{iteration:02d}"
        return base / "processed" / f"{band}.npz"

    @property
    def windows(self) -> Path:
        return self.work / "windows.json"

    @property
    def inversion(self) -> Path:
        return self.work / "inversion.json"

    @property
    def result(self) -> Path:
        return self.root / "result"
