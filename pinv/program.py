"""PINV as a program of the suite: events in, solutions out, F-lines written.

Composes the reader (``seisfoc.nordic``), the selection of polarities, the kernel's face
(``seisfoc.polarity.pinv_solver``), the optional uncertainty (``pinv.uncertainty``) and the
F-line writer.
``mode="seisan"`` selects polarities exactly as the original (raw columns, blank angles
read as 0 / -999) and gives its numbers; ``mode="modern"`` uses every P phase with a
polarity (C, U, + compression; D, - dilatation), skips readings without AIN or CAZ and
reports them, and solves in double precision. Each result carries the Nordic format its
event was read in (``"old"`` or ``"nordic2"``, detected or forced by the reader).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from seisfoc.errors import InversionError, SeisfocError
from seisfoc.io import nordic
from seisfoc.polarity import readings as polarity_readings
from seisfoc.polarity.pinv_solver import RCOND, PinvSolution, solve
from seisfoc.polarity.readings import event_label

from . import legacy

if TYPE_CHECKING:
    from .uncertainty import Uncertainty

COMPRESSION = {"C": 1.0, "U": 1.0, "+": 1.0}
DILATATION = {"D": -1.0, "-": -1.0}
MIN_POLARITIES = 5
#: the names of the Nordic formats in options and output
FORMAT_NAMES: dict[int | None, str] = {nordic.NORDIC1: "old", nordic.NORDIC2: "nordic2"}


@dataclass
class EventResult:
    path: str | None
    event_index: int
    label: str
    selection: legacy.Selection
    solution: PinvSolution | None
    uncertainty: Uncertainty | None = None
    skipped_blank: list[int] = field(default_factory=list)
    message: str = ""
    written: bool = False
    nordic_format: int | None = None  #: nordic.NORDIC1 or nordic.NORDIC2
    format_source: str = ""  #: how the reader decided it (seisfoc.nordic.Event)

    @property
    def format_name(self) -> str:
        """``"old"`` or ``"nordic2"``: the name of the event's format in every output."""
        return FORMAT_NAMES.get(self.nordic_format, "")


def select(event: nordic.Event, mode: str) -> tuple[legacy.Selection, list[int]]:
    """Polarities of one event: (selection, line numbers skipped for blank angles).

    ``modern`` is the core's ``"pinv"`` selection (:func:`seisfoc.polarity.readings.select`,
    the one ``seisfoc fps`` and ``seisfoc compare`` use too)."""
    if mode == "seisan":
        return _select_seisan(event), []
    readings = polarity_readings.select(event, "pinv")
    sel = legacy.Selection(
        polarity=readings.polarity,
        takeoff_deg=readings.takeoff_deg,
        azimuth_deg=readings.azimuth_deg,
        line_number=readings.line_number,
        station=readings.station,
    )
    return sel, [line for line, *_ in readings.dropped]


def _select_seisan(event: nordic.Event) -> legacy.Selection:
    """The original's selection: the reader's polarity selection in seisan mode (the
    columns and rules the drop-in uses, :func:`seisfoc.io.nordic.polarity_readings`) with
    the original's values for blank angles. Line numbers are the file's."""
    readings = nordic.polarity_readings(event, mode="seisan")
    return legacy.selection_from(readings, event.nordic_format)


def solve_event(
    event: nordic.Event,
    index: int = 0,
    *,
    mode: str = "modern",
    rcond: float = RCOND,
    uncertainty: bool = False,
    n_trials: int = 100,
    seed: int = 0,
    step_deg: float = 5.0,
    on_trial: Callable[[int, int], None] | None = None,
) -> EventResult:
    """Select the polarities of ``event`` and solve them; with ``uncertainty`` also the
    acceptable-set uncertainty and grade (``pinv.uncertainty.estimate``: ``n_trials``
    trials, trial 0 the data, double-couple grid of ``step_deg``, random draws from
    ``seed``)."""
    sel, skipped = select(event, mode)
    result = EventResult(
        event.path,
        index,
        event_label(event),
        sel,
        None,
        skipped_blank=skipped,
        nordic_format=event.nordic_format,
        format_source=event.format_source,
    )
    if len(sel) == 0:
        result.message = "no P polarities"
        return result
    result.solution = solve(*sel.arrays(), mode=mode, rcond=rcond)
    if uncertainty and len(sel) >= 2:
        from .uncertainty import estimate

        result.uncertainty = estimate(
            *sel.arrays(),
            result.solution.strike_dip_rake,
            n_trials=n_trials,
            seed=seed,
            step_deg=step_deg,
            on_trial=on_trial,
        )
    return result


def station0_agency(folder: str = ".", sfile_path: str | None = None) -> str:
    """The agency SEISAN's editor writes (see :func:`seisfoc.io.station0.agency`)."""
    from seisfoc.io import station0

    return station0.agency(sfile_path, cwd=folder)


def fault_plane_line(result: EventResult, *, agency: str, prime: bool) -> str:
    """The F-line for a result: ``prime`` gives exactly EEV's line (rounded values as
    EEV copies them from pinv.out, no flag); otherwise an OF-line (column 79 ``O``) with
    the uncertainty columns filled when they were computed."""
    from seisfoc.io.nordic import format_fault_plane_line

    sol = result.solution
    if sol is None:
        raise ValueError("fault_plane_line needs a solved event")
    sdr = [float(t) for t in legacy.sdr_text(*sol.strike_dip_rake).split()]
    kwargs: dict[str, Any] = {}
    unc = result.uncertainty
    if unc is not None and not prime:
        kwargs = dict(
            strike_error=min(unc.strike_error, 999.9),
            dip_error=min(unc.dip_error, 999.9),
            rake_error=min(unc.rake_error, 999.9),
            fit_error=unc.misfit,
            station_distribution_ratio=unc.stdr,
            quality=unc.grade,
        )
    return format_fault_plane_line(
        *sdr,
        program="PINV",
        agency=agency,
        n_bad_polarities=min(sol.n_inconsistent, 99),
        flag="" if prime else "O",
        **kwargs,
    )


def write_result(
    result: EventResult,
    *,
    agency: str,
    prime: bool,
    min_polarities: int = MIN_POLARITIES,
    adjust: Callable[[str], str] | None = None,
) -> None:
    """Write the solution into its S-file, or raise InversionError saying why not.
    ``adjust`` may change the F-line just before it is written (see
    :func:`seisfoc.pinv.batch.keep_uncertainty`)."""
    from seisfoc.io.nordic import write_fault_plane

    if result.solution is None or len(result.selection) < min_polarities:
        raise InversionError(
            f"too few polarities ({len(result.selection)} < {min_polarities}), S-file not updated",
            result.path,
        )
    if result.path is None:
        raise SeisfocError("event has no file to write to")
    line = fault_plane_line(result, agency=agency, prime=prime)
    if adjust is not None:
        line = adjust(line)
    try:
        write_fault_plane(result.path, line, prime=prime, event_index=result.event_index)
    except PermissionError as err:
        raise SeisfocError(f"cannot write: {err.strerror}", result.path) from None
    result.written = True


def as_dict(result: EventResult) -> dict[str, Any]:
    """Everything of a result, JSON-ready (the keys of ``--json`` and ``--csv``)."""
    sol = result.solution
    d: dict[str, Any] = {
        "file": result.path,
        "event": result.label,
        "n_polarities": len(result.selection),
        "nordic_format": result.format_name,
        "nordic_format_source": result.format_source,
        "skipped_blank_angle_lines": result.skipped_blank,
        "blank_angle_lines": result.selection.blank_angles,
        "message": result.message,
        "written": result.written,
    }
    if sol is not None:
        d.update(
            mode=sol.mode,
            strike=round(sol.strike, 2),
            dip=round(sol.dip, 2),
            rake=round(sol.rake, 2),
            aux_strike=round(sol.aux_strike, 2),
            aux_dip=round(sol.aux_dip, 2),
            aux_rake=round(sol.aux_rake, 2),
            tolerance=sol.tolerance,
            pseudorank=sol.pseudorank,
            singular_values=[float(s) for s in sol.singular_values],
            consistent=sol.n_consistent,
            inconsistent=sol.n_inconsistent,
        )
    if result.uncertainty is not None:
        u = result.uncertainty
        d.update(
            strike_error=round(u.strike_error, 1),
            dip_error=round(u.dip_error, 1),
            rake_error=round(u.rake_error, 1),
            rms_plane_deg=round(u.rms_plane_deg, 1),
            rms_fault_plane_deg=round(u.rms_fault_plane_deg, 1),
            rms_aux_plane_deg=round(u.rms_aux_plane_deg, 1),
            rms_kagan_deg=round(u.rms_kagan_deg, 1),
            max_kagan_deg=round(u.max_kagan_deg, 1),
            probability=round(u.probability, 3),
            close_deg=u.close_deg,
            n_trials=u.n_trials,
            seed=u.seed,
            step_deg=u.step_deg,
            acceptable_size=u.acceptable_size,
            data_acceptable_size=u.data_acceptable_size,
            data_min_misfit=round(u.data_min_misfit, 3),
            misfit_allowance=round(u.allowance, 3),
            misfit_floor=round(u.misfit_floor, 3),
            preferred_strike=round(u.preferred_strike, 1),
            preferred_dip=round(u.preferred_dip, 1),
            preferred_rake=round(u.preferred_rake, 1),
            kagan_to_preferred=round(u.kagan_to_preferred, 1),
            misfit=round(u.misfit, 3),
            stdr=round(u.stdr, 3),
            grade=u.grade,
        )
    return d


def polarity_arrays(
    result: EventResult,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Polarity, take-off angle, azimuth and consistency (+1/-1) of every reading used."""
    if result.solution is None:
        raise ValueError("polarity_arrays needs a solved event")
    pol, ain, az = result.selection.arrays()
    return pol, ain, az, np.asarray(result.solution.consistent)
