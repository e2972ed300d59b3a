"""The configuration of one CMT event folder: ``seisfoc-cmt.toml``, read in one place.

One TOML file holds every setting of every stage. :func:`write_default` writes it with every
default and a comment giving each key's meaning and unit (``seisfoc cmt init``);
:func:`load_config` reads it (``tomllib``) and validates it in one place into frozen
dataclasses. Unknown keys, wrong types and values out of range raise
:class:`~seisfoc.errors.SeisfocError` naming the file, line and column of the offending key
or value; TOML syntax errors carry tomllib's line and column.

Sections::

    [event]         inputs of the event folder (paths relative to the file's folder)
    [engine]        forward engine: instaseis (embedded) or an external command
    [process]       common time grid and filter of every trace
    [perturbation]  finite-difference steps of the Jacobian
    [[band]]        one table per period band: filter, components, window criteria
    [weight]        window weighting (preset plus overrides)
    [invert]        parameters, constraints, damping, iterations, bootstrap
    [flags]         thresholds above which an update is flagged as large
    [qc]            quality control of the observed traces (seisfoc.cmt.qc)

The dataclass fields carry their documentation (``metadata["doc"]``), unit and range, so
the default file, the validation and the README table come from the same definitions.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from seisfoc.errors import SeisfocError

from .layout import CONFIG_NAME

__all__ = [
    "BandConfig",
    "Config",
    "EngineConfig",
    "EventConfig",
    "FlagsConfig",
    "InvertConfig",
    "PerturbationConfig",
    "ProcessConfig",
    "QCConfig",
    "WeightConfig",
    "WEIGHT_PRESETS",
    "default_config",
    "default_text",
    "load_config",
    "parse_config",
    "format_config",
    "weight_preset",
    "write_default",
]


def _opt(
    default: Any,
    doc: str,
    *,
    unit: str = "",
    choices: tuple | None = None,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    item_choices: tuple | None = None,
    min_items: int = 0,
) -> Any:
    """A dataclass field with its documentation and range (one source of truth)."""
    meta = {
        "doc": doc,
        "unit": unit,
        "choices": choices,
        "low": low,
        "high": high,
        "low_open": low_open,
        "high_open": high_open,
        "item_choices": item_choices,
        "min_items": min_items,
    }
    if isinstance(default, (list, tuple)):
        value = tuple(default)
        return field(default_factory=lambda: value, metadata=meta)
    return field(default=default, metadata=meta)


# ------------------------------------------------------------------------------ sections


@dataclass(frozen=True)
class EventConfig:
    """``[event]``: inputs of the event folder. Relative paths are relative to the folder
    of the configuration file; :class:`Config` holds them resolved."""

    cmtsolution: Path = _opt(Path("CMTSOLUTION"), "starting solution (CMTSOLUTION file)")
    stations: Path = _opt(Path("STATIONS"), "station list (SPECFEM STATIONS file)")
    data: Path = _opt(Path("data"), "folder of observed waveforms (SAC or miniSEED)")
    stationxml: Path = _opt(
        Path("stations"), "folder of StationXML files (instrument responses; optional)"
    )


@dataclass(frozen=True)
class EngineConfig:
    """``[engine]``: how the synthetics of the runs are made."""

    kind: str = _opt(
        "instaseis",
        "forward engine: instaseis (embedded) or external (a command run in each run folder)",
        choices=("instaseis", "external"),
    )
    database: str = _opt(
        "auto",
        "instaseis database: auto (the bundled 100 s PREM database, fetched once into the"
        " cache) or the path of a local database",
    )
    command: str = _opt(
        "",
        "external engine: command template run in each run folder, e.g."
        " 'mpirun -np 4 ./bin/xspecfem3D' (no shell); {run}, {run_dir}, {cmtsolution} and"
        " {stations} are replaced",
    )
    output_format: str = _opt(
        "sac",
        "external engine: format of the outputs in OUTPUT_FILES/",
        choices=("sac", "ascii", "asdf"),
    )


@dataclass(frozen=True)
class ProcessConfig:
    """``[process]``: the common time grid and processing shared by all bands."""

    dt_s: float = _opt(2.0, "sampling interval of the common time grid", unit="s", low=0.0,
                       low_open=True)  # fmt: skip
    start_s: float = _opt(
        0.0, "start of the common time grid relative to the centroid time", unit="s"
    )
    end_s: float = _opt(
        1750.0,
        "end of the common time grid relative to the centroid time (the bundled database"
        " holds 1780 s)",
        unit="s",
    )
    taper_fraction: float = _opt(
        0.05, "cosine taper at each end before filtering, fraction of the trace",
        low=0.0, high=0.5)  # fmt: skip
    filter_order: int = _opt(
        4, "Butterworth band-pass order (applied forwards and backwards: zero phase)",
        low=1, high=12)  # fmt: skip


@dataclass(frozen=True)
class PerturbationConfig:
    """``[perturbation]``: finite-difference steps of the Jacobian (ALGORITHMS.md 7).

    The moment-tensor runs hold only ``dm_dyne_cm`` in one element, so their derivatives
    are exact by linearity and the size of dM only matters for the number format (any
    value from 1e20 to 1e26 gives the same derivatives to float32 round-off). The location
    steps are finite differences: 1 km and 0.01 deg (about 1.1 km) lie in the flat part of
    the error curve at periods of 100 s and longer.
    """

    dm_dyne_cm: float = _opt(
        1.0e23, "moment-tensor element of each moment-tensor run", unit="dyne-cm",
        low=0.0, low_open=True)  # fmt: skip
    depth_km: float = _opt(1.0, "depth step", unit="km", low=0.0, high=50.0, low_open=True)
    latitude_deg: float = _opt(0.01, "latitude step", unit="deg", low=0.0, high=1.0, low_open=True)
    longitude_deg: float = _opt(
        0.01, "longitude step", unit="deg", low=0.0, high=1.0, low_open=True
    )
    differences: str = _opt(
        "forward",
        "finite differences of depth/longitude/latitude: forward (3 runs) or centred"
        " (3 more runs CMT_depth_m, CMT_lon_m, CMT_lat_m)",
        choices=("forward", "centred"),
    )


@dataclass(frozen=True)
class BandConfig:
    """``[[band]]``: one period band, a category of its own for windows and weights.

    The window criteria (FLEXWIN, Maggi et al. 2009) are read by ``seisfoc.cmt.window``:
    a window must have STA/LTA of the synthetic envelope above ``stalta_waterlevel``,
    normalised cross-correlation >= ``cc_min``, |time shift| <= ``max_time_shift_s``,
    |dlnA| = |0.5 ln(E_obs/E_syn)| <= ``max_abs_dlna``, signal-to-noise amplitude ratio
    >= ``min_snr`` and a length >= ``min_window_length_s``.
    """

    name: str = _opt("band", "name of the band (unique; used in file names and reports)")
    min_period_s: float = _opt(100.0, "shortest period of the band-pass", unit="s", low=0.0,
                               low_open=True)  # fmt: skip
    max_period_s: float = _opt(200.0, "longest period of the band-pass", unit="s", low=0.0,
                               low_open=True)  # fmt: skip
    components: tuple[str, ...] = _opt(
        ("Z", "R", "T"), "components used", item_choices=("Z", "R", "T"), min_items=1
    )
    weight: float = _opt(1.0, "relative weight of the band's windows", low=0.0)
    wave_type: str = _opt(
        "auto",
        "distance exponent of the weighting: body (Pnl exponent on every component),"
        " surface (Rayleigh on Z/R, Love on T) or auto (pycmt3d's rule: Love on T, Pnl on"
        " the first window of a Z/R trace, Rayleigh on later ones)",
        choices=("auto", "body", "surface"),
    )
    min_distance_deg: float = _opt(0.0, "stations closer than this are not used", unit="deg",
                                   low=0.0, high=180.0)  # fmt: skip
    max_distance_deg: float = _opt(180.0, "stations farther than this are not used",
                                   unit="deg", low=0.0, high=180.0)  # fmt: skip
    window_method: str = _opt(
        "flexwin",
        "flexwin (automatic windows by the FLEXWIN criteria) or phases (fixed windows about"
        " TauP arrivals of 'phases')",
        choices=("flexwin", "phases"),
    )
    stalta_waterlevel: float = _opt(
        0.08, "flexwin: STA/LTA water level of the synthetic envelope", low=0.0, low_open=True
    )
    cc_min: float = _opt(0.85, "minimum normalised cross-correlation obs vs syn",
                         low=-1.0, high=1.0)  # fmt: skip
    max_time_shift_s: float = _opt(
        20.0, "maximum |cross-correlation time shift|", unit="s", low=0.0, low_open=True
    )
    max_abs_dlna: float = _opt(
        1.0, "maximum |dlnA| = |0.5 ln(E_obs / E_syn)|", low=0.0, low_open=True
    )
    min_snr: float = _opt(
        3.0, "minimum signal-to-noise amplitude ratio (window vs pre-arrival noise)", low=0.0
    )
    min_window_length_s: float = _opt(
        150.0, "minimum window length", unit="s", low=0.0, low_open=True
    )
    phases: tuple[str, ...] = _opt(
        ("P", "S"), "phases: TauP phase names whose arrivals are windowed"
    )
    phase_before_s: float = _opt(
        50.0, "phases: window start before the first arrival", unit="s", low=0.0
    )
    phase_after_s: float = _opt(
        150.0, "phases: window end after the last arrival", unit="s", low=0.0, low_open=True
    )


@dataclass(frozen=True)
class WeightConfig:
    """``[weight]``: window weights (``seisfoc.cmt.weight``). ``preset`` sets every other
    key; keys given in the file override the preset's value."""

    preset: str = _opt(
        "gcmt3d",
        "gcmt3d (GCMT3D production weighting), pycmt3d (pycmt3d's defaults) or none (all 1)",
        choices=("gcmt3d", "pycmt3d", "none"),
    )
    component_z: float = _opt(1.0, "weight of Z windows", low=0.0)
    component_r: float = _opt(1.0, "weight of R windows", low=0.0)
    component_t: float = _opt(1.0, "weight of T windows", low=0.0)
    azimuth_bins: int = _opt(12, "number of azimuth bins (per category)", low=1, high=360)
    azimuth_exponent: float = _opt(
        0.5, "a trace in a bin of n traces weighs (1/n)^exponent (0: no azimuth weighting)",
        low=0.0)  # fmt: skip
    distance_reference_deg: float = _opt(
        1.0, "reference distance of the distance weight (dist/ref)^-exponent", unit="deg",
        low=0.0, low_open=True)  # fmt: skip
    pnl_exponent: float = _opt(1.0, "distance exponent of Pnl (body-wave) windows", low=0.0)
    rayleigh_exponent: float = _opt(1.0, "distance exponent of Rayleigh windows", low=0.0)
    love_exponent: float = _opt(1.0, "distance exponent of Love windows", low=0.0)
    energy_normalisation: bool = _opt(
        True, "divide each window's weight by the observed energy in the window"
    )
    category_normalisation: bool = _opt(
        True,
        "azimuth bins counted and weights normalised per category (band x component),"
        " so that every category has the same total weight",
    )


#: values of each weight preset (every field of WeightConfig except ``preset``)
WEIGHT_PRESETS: dict[str, dict[str, Any]] = {
    # GCMT3D's production weighting (its InversionParams.yml): equal components, all
    # distance exponents 1 (weight ~ 1/distance), azimuth bins with exponent 0.5, energy
    # and category normalisation
    "gcmt3d": dict(
        component_z=1.0,
        component_r=1.0,
        component_t=1.0,
        azimuth_bins=12,
        azimuth_exponent=0.5,
        distance_reference_deg=1.0,
        pnl_exponent=1.0,
        rayleigh_exponent=1.0,
        love_exponent=1.0,
        energy_normalisation=True,
        category_normalisation=True,
    ),
    # pycmt3d's DefaultWeightConfig: the original CMT3D weighting
    "pycmt3d": dict(
        component_z=2.0,
        component_r=1.0,
        component_t=2.0,
        azimuth_bins=12,
        azimuth_exponent=0.5,
        distance_reference_deg=1.0,
        pnl_exponent=1.15,
        rayleigh_exponent=0.55,
        love_exponent=0.78,
        energy_normalisation=False,
        category_normalisation=False,
    ),
    "none": dict(
        component_z=1.0,
        component_r=1.0,
        component_t=1.0,
        azimuth_bins=12,
        azimuth_exponent=0.0,
        distance_reference_deg=1.0,
        pnl_exponent=0.0,
        rayleigh_exponent=0.0,
        love_exponent=0.0,
        energy_normalisation=False,
        category_normalisation=False,
    ),
}


@dataclass(frozen=True)
class InvertConfig:
    """``[invert]``: the linearised inversion and the Gauss-Newton loop."""

    n_parameters: int = _opt(
        9,
        "6 (moment tensor), 7 (+ depth), 9 (+ longitude and latitude), 10 (+ centroid time"
        " shift) or 11 (+ half duration); 10 and 11 need no extra simulations (derivatives"
        " of the reference synthetics)",
        choices=(6, 7, 9, 10, 11),
    )
    damping: float = _opt(
        0.0, "lambda of (A + lambda tr(A) I) dm = b on the scaled system", low=0.0
    )
    zero_trace: bool = _opt(True, "constrain Mrr + Mtt + Mpp = 0 (deviatoric source)")
    double_couple: bool = _opt(
        False, "constrain to a double couple (trace = 0 and det = 0; implies zero_trace)"
    )
    station_correction: bool = _opt(
        False,
        "shift each data window by its cross-correlation lag before measuring (absorbs 3-D"
        " travel-time errors but also the travel-time information about location)",
    )
    taper_alpha: float = _opt(0.2, "Tukey taper of every window (0: boxcar, 1: Hann)",
                              low=0.0, high=1.0)  # fmt: skip
    max_iterations: int = _opt(
        3, "Gauss-Newton iterations (each with fresh simulations at the new CMT)", low=1,
        high=50)  # fmt: skip
    tolerance: float = _opt(
        0.002,
        "Gauss-Newton stops when the moment tensor changes by less than this fraction of"
        " its norm, the centroid moves less than this x 100 km and the time shift plus half"
        " duration change by less than this x 100 s",
        low=0.0, low_open=True)  # fmt: skip
    bootstrap_draws: int = _opt(
        200, "bootstrap resamplings of the windows (0: none)", low=0, high=100000
    )
    bootstrap_fraction: float = _opt(
        1.0, "windows drawn per bootstrap sample, fraction of all windows", low=0.0,
        high=1.0, low_open=True)  # fmt: skip
    seed: int = _opt(0, "seed of the bootstrap's random numbers", low=0)


@dataclass(frozen=True)
class FlagsConfig:
    """``[flags]``: an update beyond any of these is flagged as large."""

    max_moment_change: float = _opt(
        0.3, "relative moment-tensor change ||dM|| / ||M|| (Frobenius norms)", low=0.0
    )
    max_epicentre_shift_km: float = _opt(30.0, "centroid epicentre shift", unit="km", low=0.0)
    max_depth_shift_km: float = _opt(15.0, "centroid depth shift", unit="km", low=0.0)
    max_time_shift_change_s: float = _opt(
        10.0, "change of the centroid time shift (n_parameters 10, 11)", unit="s", low=0.0
    )
    max_half_duration_change_s: float = _opt(
        10.0, "change of the half duration (n_parameters 11)", unit="s", low=0.0
    )
    min_variance_reduction: float = _opt(
        0.5, "variance reduction below this is flagged", low=-1e9, high=1.0
    )


@dataclass(frozen=True)
class QCConfig:
    """``[qc]``: quality control of every observed trace (:mod:`seisfoc.cmt.qc`); each
    rejection is reported with its reason."""

    enabled: bool = _opt(True, "check every observed trace before windowing")
    max_zero_run: int = _opt(
        10, "longest run of exactly-zero samples tolerated inside a trace (else: gap)",
        unit="samples", low=0)  # fmt: skip
    clip_run: int = _opt(
        4, "a flat top is at least this many samples within clip_tolerance of the peak",
        unit="samples", low=2)  # fmt: skip
    clip_tolerance: float = _opt(
        1e-5, "relative distance from the peak that counts as flat (a smooth long-period"
        " peak sampled at 1 s stays within 1e-3 of its top for several samples)", low=0.0,
        high=0.5)  # fmt: skip
    clip_fraction: float = _opt(
        0.002, "fraction of the samples in flat tops that marks a clipped trace",
        low=0.0, high=1.0, low_open=True)  # fmt: skip
    delta_tolerance: float = _opt(
        1e-3, "relative tolerance between the header's sampling interval and the metadata's"
        " (StationXML, or the SAC header's own b, e and npts)", low=0.0, low_open=True)  # fmt: skip
    max_amplitude_ratio: float = _opt(
        5.0,
        "RMS of data over RMS of the reference synthetic (band-passed) beyond this factor"
        " (or below its inverse) rejects the trace (a gain error)",
        low=1.0,
        low_open=True,
    )
    reversed_cc: float = _opt(
        0.7, "a cross-correlation with the synthetic below minus this (and stronger than the"
        " best positive one) rejects the trace as reversed", low=0.0, high=1.0)  # fmt: skip
    time_shift_factor: float = _opt(
        1.0, "the largest time shift against the synthetic allowed for a whole trace, as a"
        " multiple of the band's max_time_shift_s", low=0.0, low_open=True)  # fmt: skip


def _default_bands() -> tuple[BandConfig, ...]:
    return (
        BandConfig(
            name="surface",
            min_period_s=100.0,
            max_period_s=200.0,
            max_time_shift_s=20.0,
            min_window_length_s=150.0,
        ),
        BandConfig(
            name="mantle",
            min_period_s=150.0,
            max_period_s=300.0,
            max_time_shift_s=30.0,
            min_window_length_s=225.0,
        ),
    )


@dataclass(frozen=True)
class Config:
    """Every setting of one event folder (see the module documentation)."""

    event: EventConfig = field(default_factory=EventConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    process: ProcessConfig = field(default_factory=ProcessConfig)
    perturbation: PerturbationConfig = field(default_factory=PerturbationConfig)
    bands: tuple[BandConfig, ...] = field(default_factory=_default_bands)
    weight: WeightConfig = field(default_factory=WeightConfig)
    invert: InvertConfig = field(default_factory=InvertConfig)
    flags: FlagsConfig = field(default_factory=FlagsConfig)
    qc: QCConfig = field(default_factory=QCConfig)
    path: Path | None = None  # the file read (None for defaults made in Python)

    def band(self, name: str) -> BandConfig:
        """The band called ``name``."""
        for b in self.bands:
            if b.name == name:
                return b
        raise SeisfocError(f"no band called {name!r} in the configuration", self.path)

    @property
    def band_names(self) -> tuple[str, ...]:
        return tuple(b.name for b in self.bands)


_SECTIONS: dict[str, type] = {
    "event": EventConfig,
    "engine": EngineConfig,
    "process": ProcessConfig,
    "perturbation": PerturbationConfig,
    "weight": WeightConfig,
    "invert": InvertConfig,
    "flags": FlagsConfig,
    "qc": QCConfig,
}
_SECTION_ORDER = ("event", "engine", "process", "perturbation", "band", "weight", "invert",
                  "flags", "qc")  # fmt: skip


_SECTION_DOC = {
    "event": "Inputs of the event folder.",
    "engine": "How the synthetics of the runs are made.",
    "process": "Common time grid and processing of every trace (data and synthetics).",
    "perturbation": "Finite-difference steps of the Jacobian. The moment-tensor runs hold only"
    " dm_dyne_cm in one element: their derivatives are exact by linearity.",
    "weight": "Window weights. The preset sets every key below; a key given here overrides"
    " the preset's value (the commented lines show the preset's values).",
    "invert": "The linearised inversion and the Gauss-Newton loop.",
    "flags": "An update beyond any of these thresholds is flagged as large.",
    "qc": "Quality control of the observed traces: each rejection is reported with its reason.",
}


def weight_preset(name: str) -> WeightConfig:
    """The weighting of a named preset (``gcmt3d``, ``pycmt3d`` or ``none``)."""
    if name not in WEIGHT_PRESETS:
        raise SeisfocError(f"unknown weight preset {name!r} (known: {', '.join(WEIGHT_PRESETS)})")
    return WeightConfig(preset=name, **WEIGHT_PRESETS[name])


def default_config(root: str | os.PathLike | None = None) -> Config:
    """The defaults, with event paths resolved relative to ``root`` when given."""
    cfg = Config()
    if root is not None:
        cfg = replace(cfg, event=_resolve_event(cfg.event, Path(root)))
    return cfg


def _resolve_event(event: EventConfig, root: Path) -> EventConfig:
    return EventConfig(**{f.name: root / getattr(event, f.name) for f in fields(event)})


# ------------------------------------------------------------------------------ writing


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise SeisfocError(f"cannot write {value!r} into a configuration file")
        text = repr(value)
        return text if any(c in text for c in ".eE") else text + ".0"
    if isinstance(value, Path):
        value = value.as_posix()
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def _toml_string(text: str) -> str:
    out = ['"']
    for c in text:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def _comment_lines(doc: str, unit: str, width: int = 98) -> list[str]:
    text = doc + (f" [{unit}]" if unit else "")
    lines: list[str] = []
    line = "#"
    for word in text.split():
        if len(line) + 1 + len(word) > width and line != "#":
            lines.append(line)
            line = "#"
        line += " " + word
    lines.append(line)
    return lines


def _relative(path: Path, root: Path | None) -> Path:
    if root is None:
        return path
    try:
        return path.relative_to(root)
    except ValueError:
        return path


def format_config(cfg: Config, root: str | os.PathLike | None = None) -> str:
    """The TOML text of ``cfg``: every key with a comment saying what it means and its
    unit. Event paths are written relative to ``root`` when they lie below it. Weight keys
    equal to the preset's value are written as comments (the preset sets them)."""
    root_path = None if root is None else Path(root)
    out = [
        "# seisfoc cmt: configuration of one event folder (TOML).",
        "# Every key is shown with its default; delete a line to use the default.",
        "# Units are given in brackets. Relative paths are relative to this file's folder.",
    ]
    for section in _SECTION_ORDER:
        if section == "band":
            for band in cfg.bands:
                out.append("")
                out.append("[[band]]")
                out.extend(_section_lines(band, root_path))
            continue
        obj = getattr(cfg, section)
        out.append("")
        out.extend(_comment_lines(_SECTION_DOC[section], ""))
        out.append(f"[{section}]")
        out.extend(_section_lines(obj, root_path))
    return "\n".join(out) + "\n"


def _section_lines(obj: Any, root: Path | None) -> list[str]:
    lines: list[str] = []
    preset = WEIGHT_PRESETS.get(obj.preset) if isinstance(obj, WeightConfig) else None
    for f in fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, Path):
            value = _relative(value, root)
        lines.extend(_comment_lines(f.metadata["doc"], f.metadata["unit"]))
        entry = f"{f.name} = {_toml_value(value)}"
        if preset is not None and f.name in preset and preset[f.name] == value:
            entry = "# " + entry + "   (set by the preset)"
        lines.append(entry)
    return lines


def default_text() -> str:
    """The default configuration file's text."""
    return format_config(Config())


def write_default(
    path: str | os.PathLike, config: Config | None = None, *, overwrite: bool = False
) -> Path:
    """Write the documented configuration (the defaults unless ``config`` is given).

    Parameters
    ----------
    path
        The file to write, or an event folder (an existing one, or a path ending in a
        slash; then ``seisfoc-cmt.toml`` in it).
    config
        Settings to write instead of the defaults (event paths written relative to the
        file's folder where possible).
    overwrite
        Refuse (SeisfocError) to replace an existing file unless True.

    Returns
    -------
    Path
        The file written.
    """
    target = Path(path)
    if target.is_dir() or os.fspath(path).endswith(("/", os.sep)):
        target = target / CONFIG_NAME
    if target.exists() and not overwrite:
        raise SeisfocError("configuration file exists already; not overwritten", target)
    text = format_config(config if config is not None else Config(), target.parent)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except OSError as err:
        raise SeisfocError(f"cannot write the configuration: {err.strerror}", target) from err
    return target


# ------------------------------------------------------------------------------ reading

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY_PART = r"(?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')"
_KEY = re.compile(rf"^(\s*)({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=\s*")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


class _Locator:
    """Line and column of every ``key = value`` of a TOML text, by table and array index."""

    def __init__(self, text: str) -> None:
        self.keys: dict[tuple[str, int], dict[str, tuple[int, int, int]]] = {}
        self.headers: dict[tuple[str, int], int] = {}
        counts: dict[str, int] = {}
        table = ("", 0)
        in_multiline = False
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline:
                if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                    in_multiline = False
                continue
            header = _HEADER.match(line)
            if header:
                name = header.group(2).strip().strip('"')
                if header.group(1) == "[[":
                    index = counts.get(name, -1) + 1
                    counts[name] = index
                else:
                    index = 0
                table = (name, index)
                self.headers.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                parts = [p.strip().strip("\"'") for p in key.group(2).split(".")]
                where = table
                if len(parts) > 1:  # a dotted key: its last part lies in the table before it
                    prefix = ".".join(parts[:-1])
                    where = (f"{table[0]}.{prefix}" if table[0] else prefix, 0)
                    self.headers.setdefault(where, number)
                    self.keys.setdefault(table, {}).setdefault(
                        parts[0], (number, len(key.group(1)) + 1, key.end() + 1)
                    )
                self.keys.setdefault(where, {}).setdefault(
                    parts[-1], (number, len(key.group(1)) + 1, key.end() + 1)
                )
                rest = line[key.end() :]
                if rest.count('"""') % 2 == 1 or rest.count("'''") % 2 == 1:
                    in_multiline = True

    def key(self, table: tuple[str, int], name: str) -> tuple[int | None, int | None]:
        where = self.keys.get(table, {}).get(name)
        if where is None:
            return self.header(table), None
        return where[0], where[1]

    def value(self, table: tuple[str, int], name: str) -> tuple[int | None, int | None]:
        where = self.keys.get(table, {}).get(name)
        if where is None:
            return self.header(table), None
        return where[0], where[2]

    def header(self, table: tuple[str, int]) -> int | None:
        """Line of a table's header, or of the key holding it as an inline table."""
        if table in self.headers:
            return self.headers[table]
        inline = self.keys.get(("", 0), {}).get(table[0])
        return inline[0] if inline is not None else None


def load_config(path: str | os.PathLike) -> Config:
    """Read and validate a configuration file (a file, or an event folder holding
    ``seisfoc-cmt.toml``).

    Parameters
    ----------
    path
        The TOML file or its event folder.

    Returns
    -------
    Config
        Frozen settings; event paths resolved relative to the file's folder.

    Raises
    ------
    SeisfocError
        Unreadable file, TOML syntax error, unknown key, wrong type or value out of range,
        with the file, line and column at fault.
    """
    target = Path(path)
    if target.is_dir():
        target = target / CONFIG_NAME
    try:
        raw = target.read_bytes()
    except FileNotFoundError as err:
        raise SeisfocError(
            "configuration file not found (write one with `seisfoc cmt init`)", target
        ) from err
    except OSError as err:
        raise SeisfocError(f"cannot read the configuration: {err.strerror}", target) from err
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise SeisfocError("not UTF-8 text", target, line, column) from err
    return parse_config(text, target)


def parse_config(text: str, path: str | os.PathLike | None = None) -> Config:
    """Validate the TOML ``text`` (see :func:`load_config`); relative event paths are
    resolved against the folder of ``path`` (the current folder when None)."""
    where = None if path is None else Path(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        m = _TOML_POSITION.search(message)
        if m:
            raise SeisfocError(
                "TOML syntax: " + message[: m.start()], where, int(m.group(1)), int(m.group(2))
            ) from err
        raise SeisfocError("TOML syntax: " + message, where) from err
    locator = _Locator(text)

    def fail(message: str, line: int | None, column: int | None = None) -> SeisfocError:
        return SeisfocError(message, where, line, column)

    sections: dict[str, Any] = {}
    for name, value in data.items():
        if name == "band":
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                line, column = locator.key(("", 0), name)
                if line is None:
                    line = locator.header(("band", 0))
                raise fail("'band' must be [[band]] tables", line, column)
            continue
        if name not in _SECTIONS:
            line, column = locator.key(("", 0), name)
            if line is None:
                line = locator.header((name, 0))
                column = 1 if line is not None else None
            known = ", ".join(_SECTION_ORDER)
            raise fail(f"unknown section or key {name!r} (known sections: {known})", line,
                       column)  # fmt: skip
        if not isinstance(value, dict):
            line, column = locator.key(("", 0), name)
            raise fail(f"{name!r} must be a [{name}] table", line, column)

    for name, cls in _SECTIONS.items():
        table = data.get(name, {})
        values = dict(table)
        if cls is WeightConfig:
            preset = values.get("preset", WeightConfig.preset)
            _check_field(_field_of(cls, "preset"), preset, (name, 0), locator, fail, name)
            values = {**WEIGHT_PRESETS[preset], **values}
        sections[name] = _build(cls, values, (name, 0), locator, fail, name)

    raw_bands = data.get("band")
    if raw_bands is None:
        bands = _default_bands()
    else:
        if not raw_bands:
            raise fail("at least one [[band]] is needed", None)
        bands = tuple(
            _build(BandConfig, b, ("band", i), locator, fail, f"band {i + 1}")
            for i, b in enumerate(raw_bands)
        )

    # checks across keys
    seen: dict[str, int] = {}
    for i, band in enumerate(bands):
        table = ("band", i)
        if raw_bands is not None and "name" not in raw_bands[i]:
            raise fail(f"[[band]] number {i + 1} has no name", locator.header(table))
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+", band.name):
            raise fail(
                f"band name {band.name!r} must be letters, digits, '_', '-' or '.'",
                *locator.value(table, "name"),
            )
        if band.name in seen:
            raise fail(
                f"band name {band.name!r} used twice (also band {seen[band.name] + 1})",
                *locator.value(table, "name"),
            )
        seen[band.name] = i
        if band.min_period_s >= band.max_period_s:
            raise fail(
                f"min_period_s ({band.min_period_s}) must be below max_period_s"
                f" ({band.max_period_s})",
                *locator.value(table, "min_period_s"),
            )
        if band.min_distance_deg >= band.max_distance_deg:
            raise fail(
                "min_distance_deg must be below max_distance_deg",
                *locator.value(table, "min_distance_deg"),
            )
        if len(set(band.components)) != len(band.components):
            raise fail("a component is named twice", *locator.value(table, "components"))
        if band.window_method == "phases" and not band.phases:
            raise fail('window_method = "phases" needs phases', *locator.value(table, "phases"))
    process = sections["process"]
    if process.end_s <= process.start_s + 2 * process.dt_s:
        raise fail(
            "end_s must be later than start_s by more than two samples",
            *locator.value(("process", 0), "end_s"),
        )
    engine = sections["engine"]
    if engine.database.strip() == "":
        raise fail("database must be 'auto' or a path", *locator.value(("engine", 0), "database"))
    root = where.parent if where is not None else Path(".")
    event = _resolve_event(sections["event"], root)
    database = engine.database
    if database != "auto" and not Path(database).is_absolute():
        engine = replace(engine, database=str(root / database))
    invert = sections["invert"]
    if invert.double_couple and not invert.zero_trace:
        # a double couple has zero trace; say so rather than silently ignoring the switch
        raise fail(
            "double_couple = true needs zero_trace = true (a double couple has no trace)",
            *locator.value(("invert", 0), "zero_trace"),
        )
    return Config(
        event=event,
        engine=engine,
        process=process,
        perturbation=sections["perturbation"],
        bands=bands,
        weight=sections["weight"],
        invert=invert,
        flags=sections["flags"],
        qc=sections["qc"],
        path=where,
    )


def _field_of(cls: type, name: str):
    for f in fields(cls):
        if f.name == name:
            return f
    raise KeyError(name)


def _build(cls: type, values: dict, table, locator: _Locator, fail, label: str):
    known = {f.name: f for f in fields(cls)}
    for key in values:
        if key not in known:
            line, column = locator.key(table, key)
            names = ", ".join(known)
            raise fail(f"unknown key {key!r} in [{label}] (known: {names})", line, column)
    kwargs = {}
    for name, f in known.items():
        if name in values:
            kwargs[name] = _check_field(f, values[name], table, locator, fail, label)
        elif f.default is MISSING:
            kwargs[name] = f.default_factory()  # type: ignore[misc,operator]
        else:
            kwargs[name] = f.default
    return cls(**kwargs)


def _type_name(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _check_field(f, value: Any, table, locator: _Locator, fail, label: str) -> Any:
    meta = f.metadata
    default = f.default if f.default is not MISSING else f.default_factory()
    line, column = locator.value(table, f.name)
    key = f"{f.name} in [{label}]"

    def bad(message: str) -> SeisfocError:
        return fail(f"{key}: {message}", line, column)

    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise bad(f"must be true or false, got {_type_name(value)}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise bad(f"must be an integer, got {_type_name(value)}")
    elif isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad(f"must be a number, got {_type_name(value)}")
        value = float(value)
        if not math.isfinite(value):
            raise bad(f"must be a finite number, got {value}")
    elif isinstance(default, (str, Path)):
        if not isinstance(value, str):
            raise bad(f"must be a string, got {_type_name(value)}")
        if isinstance(default, Path):
            if not value.strip():
                raise bad("must not be empty")
            value = Path(value)
    elif isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("must be an array of strings")
        if len(value) < meta["min_items"]:
            raise bad(f"needs at least {meta['min_items']} item(s)")
        if meta["item_choices"] is not None:
            for v in value:
                if v not in meta["item_choices"]:
                    allowed = ", ".join(map(str, meta["item_choices"]))
                    raise bad(f"{v!r} is not one of {allowed}")
        value = tuple(value)
    if meta["choices"] is not None and value not in meta["choices"]:
        allowed = " | ".join(repr(c) if isinstance(c, str) else str(c) for c in meta["choices"])
        raise bad(f"{value!r} is not one of {allowed}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = meta["low"], meta["high"]
        if low is not None and (value < low or (meta["low_open"] and value == low)):
            raise bad(f"must be {'>' if meta['low_open'] else '>='} {low}, got {value}")
        if high is not None and (value > high or (meta["high_open"] and value == high)):
            raise bad(f"must be {'<' if meta['high_open'] else '<='} {high}, got {value}")
    return value
