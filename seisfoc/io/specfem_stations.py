"""SPECFEM ``STATIONS`` files: one receiver a line, six whitespace-separated columns::

    AAK      II      42.6390     74.4940    1645.0      30.0

station code, network code, latitude (deg), longitude (deg), elevation (m), burial (m).
SPECFEM3D_GLOBE reads them list-directed, so any whitespace separates the columns; blank
lines and lines starting with ``#`` are skipped. Errors name the file, line and column.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from seisfoc.errors import SeisfocError

__all__ = ["Station", "format_stations", "parse_stations", "read_stations", "write_stations"]

#: SPECFEM3D_GLOBE's MAX_LENGTH_STATION_NAME and MAX_LENGTH_NETWORK_NAME
MAX_STATION_CHARS = 32
MAX_NETWORK_CHARS = 8


@dataclass(frozen=True)
class Station:
    """One receiver of a SPECFEM ``STATIONS`` file."""

    network: str
    station: str
    latitude: float
    longitude: float
    elevation_m: float = 0.0
    burial_m: float = 0.0

    @property
    def code(self) -> str:
        return f"{self.network}.{self.station}"


def _tokens(line: str) -> list[tuple[int, str]]:
    out = []
    i = 0
    n = len(line)
    while i < n:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            break
        j = i
        while j < n and not line[j].isspace():
            j += 1
        out.append((i + 1, line[i:j]))
        i = j
    return out


def parse_stations(text: str, path: str | os.PathLike | None = None) -> list[Station]:
    """The stations of a ``STATIONS`` text, in file order.

    Parameters
    ----------
    text
        The file's content.
    path
        Named in error messages.

    Returns
    -------
    list of Station

    Raises
    ------
    SeisfocError
        A line without six columns, a number that is not one, a latitude outside
        [-90, 90], a longitude outside [-360, 360], a name too long, a station listed twice.
    """
    stations: list[Station] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        tokens = _tokens(line)
        if len(tokens) < 6:
            column = len(line.rstrip()) + 1
            raise SeisfocError(
                f"a STATIONS line needs 6 columns (STA NET LAT LON ELEVATION BURIAL), got"
                f" {len(tokens)}",
                path,
                number,
                column,
            )
        if len(tokens) > 6 and not tokens[6][1].startswith("#"):
            raise SeisfocError(
                f"unexpected 7th column {tokens[6][1]!r} (STA NET LAT LON ELEVATION BURIAL)",
                path,
                number,
                tokens[6][0],
            )
        (c_sta, sta), (c_net, net) = tokens[0], tokens[1]
        if len(sta) > MAX_STATION_CHARS:
            raise SeisfocError(
                f"station code longer than {MAX_STATION_CHARS} characters", path, number, c_sta
            )
        if len(net) > MAX_NETWORK_CHARS:
            raise SeisfocError(
                f"network code longer than {MAX_NETWORK_CHARS} characters", path, number, c_net
            )
        values = []
        for (column, token), what in zip(
            tokens[2:6], ("latitude", "longitude", "elevation", "burial"), strict=True
        ):
            try:
                value = float(token.replace("d", "e").replace("D", "e"))
            except ValueError:
                raise SeisfocError(
                    f"{what} {token!r} is not a number", path, number, column
                ) from None
            if not math.isfinite(value):
                raise SeisfocError(f"{what} {token!r} is not finite", path, number, column)
            values.append(value)
        lat, lon, elevation, burial = values
        if not -90.0 <= lat <= 90.0:
            raise SeisfocError(f"latitude {lat} outside [-90, 90]", path, number, tokens[2][0])
        if not -360.0 <= lon <= 360.0:
            raise SeisfocError(f"longitude {lon} outside [-360, 360]", path, number, tokens[3][0])
        station = Station(net, sta, lat, lon, elevation, burial)
        if station.code in seen:
            raise SeisfocError(
                f"station {station.code} listed twice (also line {seen[station.code]})",
                path,
                number,
                c_sta,
            )
        seen[station.code] = number
        stations.append(station)
    return stations


def read_stations(path: str | os.PathLike) -> list[Station]:
    """The stations of a ``STATIONS`` file (see :func:`parse_stations`)."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError as err:
        raise SeisfocError("STATIONS file not found", path) from err
    except OSError as err:
        raise SeisfocError(f"cannot read: {err.strerror}", path) from err
    return parse_stations(raw.decode("latin-1"), path)


def format_stations(stations: Iterable[Station]) -> str:
    """The text of a ``STATIONS`` file, one aligned line per station."""
    lines = []
    for s in stations:
        for what, code, limit in (
            ("station", s.station, MAX_STATION_CHARS),
            ("network", s.network, MAX_NETWORK_CHARS),
        ):
            if not code or len(code) > limit or any(c.isspace() for c in code):
                raise SeisfocError(f"{what} code {code!r} cannot be written to STATIONS")
        lines.append(
            f"{s.station:<8s} {s.network:<4s} {s.latitude:12.6f} {s.longitude:12.6f}"
            f" {s.elevation_m:10.1f} {s.burial_m:8.1f}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def write_stations(path: str | os.PathLike, stations: Iterable[Station]) -> None:
    """Write a ``STATIONS`` file."""
    text = format_stations(stations)
    try:
        with open(path, "w", encoding="latin-1", newline="\n") as f:
            f.write(text)
    except OSError as err:
        raise SeisfocError(f"cannot write: {err.strerror}", path) from err
