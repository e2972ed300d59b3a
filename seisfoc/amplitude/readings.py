"""Amplitude readings of the amplitude programs (INVRAD, INVDC, SYNRAD): one per station,
component and phase, with the checks every program makes on them.

Units: amplitudes in microns, distances in km, azimuths in deg; the moment in 1e16
dyne-cm. ``mode`` is ``"seisan"`` (Ebel's numbers) or ``"modern"`` (see
:mod:`seisfoc.amplitude`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike

from seisfoc.errors import InversionError, SeisfocError

MODES = ("modern", "seisan")
PHASE_CODES = {"P": 1, "SV": 2, "SH": 3}
COMPONENT_CODES = {"Z": 1, "R": 2, "T": 3}
#: (component, phase) pairs that record a wave; Ebel's program accepted any pair
VALID_PAIRS = frozenset({("Z", "P"), ("R", "P"), ("Z", "SV"), ("R", "SV"), ("T", "SH")})


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    return mode


@dataclass
class AmplitudeReadings:
    """Signed amplitudes at stations, one entry per reading (station, component, phase).

    ``radial_toward_source`` says how a positive R amplitude is meant: True in Ebel's
    files (invrad.inp), False in the ObsPy/SAC convention. ``sigma_microns`` is an
    optional per-reading standard deviation. ``path`` and ``line_numbers`` (1-based)
    locate each reading in its file for error messages; ``columns`` maps a field name
    (``"station"``, ``"component"``, ``"phase"``, ``"distance"``, ``"azimuth"``,
    ``"amplitude"``) to its first column (1-based) in the reading's line.
    """

    station: list[str]
    component: np.ndarray
    phase: np.ndarray
    distance_km: np.ndarray
    azimuth_deg: np.ndarray
    amplitude_microns: np.ndarray
    radial_toward_source: bool = True
    sigma_microns: np.ndarray | None = None
    path: str | None = None
    line_numbers: np.ndarray | None = None
    columns: dict[str, int] | None = None

    def __post_init__(self) -> None:
        self.station = [str(s) for s in self.station]
        self.component = np.asarray(self.component, dtype="U2")
        self.phase = np.asarray(self.phase, dtype="U2")
        self.distance_km = np.asarray(self.distance_km, dtype=np.float64)
        self.azimuth_deg = np.asarray(self.azimuth_deg, dtype=np.float64)
        self.amplitude_microns = np.asarray(self.amplitude_microns, dtype=np.float64)
        if self.sigma_microns is not None:
            self.sigma_microns = np.asarray(self.sigma_microns, dtype=np.float64)
        if self.line_numbers is not None:
            self.line_numbers = np.asarray(self.line_numbers, dtype=np.int64)
        n = len(self.station)
        for name in ("component", "phase", "distance_km", "azimuth_deg", "amplitude_microns"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} entries, expected {n}")

    def __len__(self) -> int:
        return len(self.station)

    def label(self, i: int) -> str:
        """``"S04 R SV"``: how the reading is named in messages and reports."""
        return f"{self.station[i]} {self.component[i]} {self.phase[i]}"

    def line_of(self, i: int) -> int | None:
        """The line (1-based) of reading ``i`` in its file, if known."""
        return None if self.line_numbers is None else int(self.line_numbers[i])

    def column_of(self, field_name: str | None) -> int | None:
        """The first column (1-based) of a field of the readings' lines, if known."""
        if field_name is None or self.columns is None or self.line_numbers is None:
            return None
        return self.columns.get(field_name)

    def error(
        self,
        i: int,
        message: str,
        cls: type[SeisfocError] = InversionError,
        field_name: str | None = None,
    ) -> SeisfocError:
        """An error about reading ``i`` that names it and its place in the file.

        ``field_name`` (see ``columns``) adds the column of the field that is wrong.
        Errors of the ray geometry (unreachable ray, SV past the critical angle) point
        at the distance: the ray parameter, hence the incidence angle, follows from it.
        """
        return cls(
            f"reading {self.label(i)}: {message}",
            path=self.path,
            line=self.line_of(i),
            column=self.column_of(field_name),
        )

    def subset(self, index: ArrayLike) -> AmplitudeReadings:
        """The readings at ``index`` (integers or a boolean mask)."""
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        return replace(
            self,
            station=[self.station[i] for i in index],
            component=self.component[index],
            phase=self.phase[index],
            distance_km=self.distance_km[index],
            azimuth_deg=self.azimuth_deg[index],
            amplitude_microns=self.amplitude_microns[index],
            sigma_microns=None if self.sigma_microns is None else self.sigma_microns[index],
            line_numbers=None if self.line_numbers is None else self.line_numbers[index],
        )

    def with_amplitudes(
        self, amplitude_microns: ArrayLike, radial_toward_source: bool
    ) -> AmplitudeReadings:
        """The same readings with other amplitudes in the given radial convention."""
        return replace(
            self,
            amplitude_microns=np.asarray(amplitude_microns, dtype=np.float64),
            radial_toward_source=radial_toward_source,
        )

    def amplitudes_for(self, radial_toward_source: bool) -> np.ndarray:
        """The observed amplitudes with R in the requested sign convention."""
        a = self.amplitude_microns.copy()
        if radial_toward_source != self.radial_toward_source:
            a[self.component == "R"] *= -1.0
        return a

    def check_pairs(self) -> None:
        """Reject readings whose component cannot record their phase (P on T, SH on R)."""
        for i in range(len(self)):
            if self.phase[i] not in PHASE_CODES:
                raise self.error(
                    i, f"unknown phase {self.phase[i]!r} (use P, SV or SH)", field_name="phase"
                )
            if self.component[i] not in COMPONENT_CODES:
                raise self.error(
                    i,
                    f"unknown component {self.component[i]!r} (use Z, R or T)",
                    field_name="component",
                )
            if (self.component[i], self.phase[i]) not in VALID_PAIRS:
                raise self.error(
                    i,
                    f"{self.phase[i]} is not recorded on component {self.component[i]} "
                    "(valid: P on Z or R, SV on Z or R, SH on T)",
                    field_name="phase",
                )


#: physical ranges (a value outside is a typing error, and made the fits overflow): a
#: displacement amplitude above 10 m; a data standard deviation outside 1e-6 to 1e7
#: microns; a scalar moment outside 1e-12 to 1e16 x 1e16 dyne-cm (Mw about -8 to 10.6)
AMPLITUDE_MAX_MICRONS = 1e7
SIGMA_RANGE_MICRONS = (1e-6, 1e7)
MOMENT_RANGE = (1e-12, 1e16)


def check_sigma(sigma: float | None, what: str = "data standard deviation", path=None) -> None:
    """A data standard deviation (microns) within :data:`SIGMA_RANGE_MICRONS`; None passes.

    Parameters
    ----------
    sigma
        The value (``--sigma`` or the file's data error).
    what, path
        Where it came from, for the message.
    """
    if sigma is None:
        return
    low, high = SIGMA_RANGE_MICRONS
    if not (math.isfinite(float(sigma)) and low <= float(sigma) <= high):
        raise InversionError(
            f"{what} {float(sigma):g} microns is outside the physical range [{low:g}, {high:g}]",
            path,
        )


def fit_weights(readings: AmplitudeReadings, sigma_microns: float | None = None) -> np.ndarray:
    """1 / sigma of every reading (ones without per-reading standard deviations).

    Also checks the data against their physical ranges: every amplitude finite and at most
    :data:`AMPLITUDE_MAX_MICRONS` (an error naming the reading), every standard deviation
    and ``sigma_microns`` (the run's, when given) within :data:`SIGMA_RANGE_MICRONS`.
    """
    amplitudes = np.asarray(readings.amplitude_microns, dtype=np.float64)
    for i in np.flatnonzero(~(np.abs(amplitudes) <= AMPLITUDE_MAX_MICRONS)):
        raise readings.error(
            int(i),
            f"amplitude {amplitudes[i]:g} microns is not a displacement (more than "
            f"{AMPLITUDE_MAX_MICRONS:g} microns)",
            field_name="amplitude",
        )
    if sigma_microns is not None and sigma_microns > 0:
        check_sigma(sigma_microns, path=readings.path)
    if readings.sigma_microns is None:
        return np.ones(len(readings))
    sigma = readings.sigma_microns
    low, high = SIGMA_RANGE_MICRONS
    for i in np.flatnonzero(~(np.isfinite(sigma) & (sigma > 0))):
        raise readings.error(int(i), f"standard deviation {sigma[i]:g} must be positive")
    for i in np.flatnonzero(~((sigma >= low) & (sigma <= high))):
        raise readings.error(
            int(i), f"standard deviation {sigma[i]:g} microns is outside [{low:g}, {high:g}]"
        )
    return 1.0 / sigma


def check_not_all_zero(amplitudes: ArrayLike, readings: AmplitudeReadings, what: str) -> None:
    """Every amplitude 0 means a zero moment: no mechanism (an error, not a LinAlgError)."""
    if not np.any(amplitudes):
        raise InversionError(
            f"every amplitude is 0: the {what} is zero and has no mechanism; "
            "check the amplitude column",
            readings.path,
        )


def check_mechanism(
    strike: float,
    dip: float,
    rake: float,
    moment: float | None = None,
    what: str = "mechanism",
) -> None:
    """Strike and rake finite (any value, wrapped later), dip in [0, 90], moment > 0."""
    for name, value in (("strike", strike), ("dip", dip), ("rake", rake)):
        if not math.isfinite(float(value)):
            raise InversionError(f"{what}: {name} {value} is not a finite number")
    if not 0.0 <= float(dip) <= 90.0:
        raise InversionError(f"{what}: dip {float(dip):g} deg is outside [0, 90]")
    if moment is not None and not (math.isfinite(float(moment)) and float(moment) > 0.0):
        raise InversionError(f"{what}: moment {moment} must be a positive finite number")
    low, high = MOMENT_RANGE
    if moment is not None and not low <= float(moment) <= high:
        raise InversionError(
            f"{what}: moment {float(moment):g} x 1e16 dyne-cm is outside the physical range "
            f"[{low:g}, {high:g}]"
        )
