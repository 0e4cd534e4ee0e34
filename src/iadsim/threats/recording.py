"""Recorded aircraft trajectories: real flight paths as threat paths.

A recording is a table of position reports in the layout of the OpenSky Network's state
vectors and of the ``traffic`` library (X. Olive, "traffic, a toolbox for processing and
analysing air traffic data", JOSS 4(39), 2019, doi:10.21105/joss.01518): one row per report
with ``timestamp``, ``icao24``, ``callsign``, ``latitude``, ``longitude``, ``altitude``
(feet, barometric, as recorded), ``groundspeed`` (knots) and ``track`` (degrees). Files
may be CSV, Parquet, JSON (an array of row objects) or JSON Lines (``.jsonl``). Only
``timestamp``, ``icao24``, ``latitude``, ``longitude`` and ``altitude`` are used; the path
between reports is flown straight (linear in latitude, longitude and altitude), as
waypoint threats fly.

Timestamps are ISO 8601 date-times (a zone, or UTC) or Unix seconds. Altitude in feet is
converted to metres and taken as height above the ellipsoid (the geoid undulation, tens of
metres, is ignored).

Cleaning, per aircraft, reports in time order (a documented rule, counted per reason):

1. ``missing_position``: latitude, longitude or altitude empty;
2. ``duplicate_time``: the same timestamp as the aircraft's last kept report;
3. ``position_jump``: the ground speed implied from the last kept report exceeds
   :data:`MAX_GROUND_SPEED_MPS` (a garbled position);
4. ``altitude_spike``: the vertical rate implied from the last kept report exceeds
   :data:`MAX_VERTICAL_RATE_MPS` (a garbled altitude);
5. ``too_few_points``: an aircraft left with fewer than two reports is dropped whole.

A report that cannot be read at all (an unparseable timestamp, a latitude that is not a
number, a latitude outside [-90, 90], ...) is a bad row: the import stops with a
:class:`RecordingError` naming every bad row by its number (1 for the first data row).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from iadsim.errors import IadsimError
from iadsim.scenario.schema import THREAT_KINDS, ThreatGroup

FEET_TO_METRES = 0.3048
#: Above this ground speed between two reports, the later one is a position jump (m/s;
#: 500 m/s is 970 kt, beyond any airliner with the strongest jet stream behind it).
MAX_GROUND_SPEED_MPS = 500.0
#: Above this vertical rate between two reports, the later one is an altitude spike (m/s;
#: 100 m/s is about 20,000 ft/min, several times an airliner's steepest climb or descent).
MAX_VERTICAL_RATE_MPS = 100.0
REQUIRED_COLUMNS = ("timestamp", "icao24", "latitude", "longitude", "altitude")
DROP_REASONS = ("missing_position", "duplicate_time", "position_jump", "altitude_spike",
                "too_few_points")
EARTH_RADIUS_M = 6_371_000.0
SHOWN_BAD_ROWS = 5


class RecordingError(IadsimError, ValueError):
    """A recording that cannot be imported (one line: the file and its bad rows)."""


@dataclass(frozen=True)
class Recording:
    """Cleaned trajectories, one per aircraft, in order of first report.

    ``time_s`` is seconds since the recording's first report (of any aircraft); the
    arrays of each aircraft are (points,). ``dropped`` counts dropped rows per reason
    (``too_few_points`` counts rows).
    """

    start: pd.Timestamp
    icao24: list[str]
    callsign: list[str]
    time_s: list[np.ndarray]
    lat_deg: list[np.ndarray]
    lon_deg: list[np.ndarray]
    alt_m: list[np.ndarray]
    rows_read: int
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.icao24)

    def counts(self) -> dict[str, object]:
        """Rows read, aircraft kept and rows dropped per reason (plain JSON types)."""
        return {"rows_read": self.rows_read, "aircraft": self.size,
                "dropped": dict(self.dropped)}


def read_recording(path: str | Path, icao24: list[str] | None = None) -> Recording:
    """Read, check and clean a recording (see the module docstring for the rules).

    Parameters
    ----------
    path:
        A ``.csv``, ``.parquet``, ``.json`` or ``.jsonl`` file.
    icao24:
        Keep only these aircraft (hex addresses, case-insensitive); default all.

    Raises
    ------
    RecordingError
        The file cannot be read, lacks a required column, or has bad rows (each named by
        its row number, 1 for the first data row).
    """
    path = Path(path)
    table = _read_table(path)
    missing = [name for name in REQUIRED_COLUMNS if name not in table.columns]
    if missing:
        raise RecordingError(f"{path}: missing column(s) {', '.join(missing)}; expected "
                             f"{', '.join(REQUIRED_COLUMNS)} (OpenSky / traffic layout)")
    rows_read = len(table)
    time_s, start, bad = _parse_times(table["timestamp"])
    numbers = {}
    for name, low, high in (("latitude", -90.0, 90.0), ("longitude", -180.0, 180.0),
                            ("altitude", -2_000.0, 200_000.0)):
        raw = table[name]
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        empty = raw.isna().to_numpy() | (raw.astype(str).str.strip() == "").to_numpy()
        unreadable = np.isnan(values) & ~empty
        outside = ~np.isnan(values) & ((values < low) | (values > high))
        for row in (unreadable | outside).nonzero()[0]:
            bad.setdefault(int(row), f"{name} {raw.iloc[row]!r} is not a number in "
                                     f"[{low:g}, {high:g}]")
        numbers[name] = values
    address = table["icao24"]
    no_address = address.isna().to_numpy() | (address.astype(str).str.strip() == "").to_numpy()
    for row in no_address.nonzero()[0]:
        bad.setdefault(int(row), "icao24 is empty")
    if bad:
        rows = sorted(bad)
        shown = "; ".join(f"row {row + 1}: {bad[row]}" for row in rows[:SHOWN_BAD_ROWS])
        more = f" (and {len(rows) - SHOWN_BAD_ROWS} more)" if len(rows) > SHOWN_BAD_ROWS else ""
        raise RecordingError(f"{path}: {len(rows)} bad row(s): {shown}{more}")

    icao = address.astype(str).str.strip().str.lower().to_numpy()
    callsign = (table["callsign"].fillna("").astype(str).str.strip().to_numpy()
                if "callsign" in table.columns else np.full(rows_read, "", dtype=object))
    keep = np.ones(rows_read, dtype=bool)
    if icao24 is not None:
        keep &= np.isin(icao, [code.strip().lower() for code in icao24])
    lat, lon, alt = numbers["latitude"], numbers["longitude"], numbers["altitude"]
    dropped = dict.fromkeys(DROP_REASONS, 0)
    missing_position = keep & (np.isnan(lat) | np.isnan(lon) | np.isnan(alt))
    dropped["missing_position"] = int(missing_position.sum())
    keep &= ~missing_position

    trajectories: list[tuple[float, str, str, np.ndarray]] = []
    selected = keep.nonzero()[0]
    order = selected[np.lexsort((time_s[selected], icao[selected]))]
    boundaries = np.flatnonzero(np.r_[True, icao[order][1:] != icao[order][:-1], True])
    for first, stop in pairwise(boundaries):
        rows = order[first:stop]
        kept, reasons = _clean(time_s[rows], lat[rows], lon[rows], alt[rows] * FEET_TO_METRES)
        for reason, count in reasons.items():
            dropped[reason] += count
        if kept.size < 2:
            dropped["too_few_points"] += int(kept.size)
            continue
        rows = rows[kept]
        named = next((name for name in callsign[rows] if name), "")
        trajectories.append((float(time_s[rows[0]]), icao[rows[0]], named, rows))
    trajectories.sort(key=lambda item: (item[0], item[1]))
    return Recording(
        start=start, icao24=[item[1] for item in trajectories],
        callsign=[item[2] for item in trajectories],
        time_s=[time_s[item[3]] for item in trajectories],
        lat_deg=[lat[item[3]] for item in trajectories],
        lon_deg=[lon[item[3]] for item in trajectories],
        alt_m=[alt[item[3]] * FEET_TO_METRES for item in trajectories],
        rows_read=rows_read, dropped=dropped)


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix in (".json", ".jsonl"):
            return pd.read_json(path, lines=suffix == ".jsonl", orient="records",
                                dtype=False)
    except FileNotFoundError:
        raise RecordingError(f"{path}: no such recording file") from None
    except (OSError, ValueError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise RecordingError(f"{path}: cannot read it as {suffix[1:]}: {first_line}") from None
    raise RecordingError(f"{path}: unknown recording format {suffix!r}; expected .csv, "
                         ".parquet, .json or .jsonl")


def _parse_times(raw: pd.Series) -> tuple[np.ndarray, pd.Timestamp, dict[int, str]]:
    """Seconds since the first timestamp, that timestamp, and the unparseable rows."""
    if pd.api.types.is_datetime64_any_dtype(raw):  # Parquet written by traffic or pandas
        stamps = (raw.dt.tz_convert("UTC") if raw.dt.tz is not None
                  else raw.dt.tz_localize("UTC"))
    elif (numeric := pd.to_numeric(raw, errors="coerce")).notna().all():
        stamps = pd.to_datetime(numeric, unit="s", utc=True, errors="coerce")
    else:
        stamps = pd.to_datetime(raw.astype(str), utc=True, errors="coerce", format="ISO8601")
    bad = {int(row): f"timestamp {raw.iloc[row]!r} is not a date-time or Unix seconds"
           for row in stamps.isna().to_numpy().nonzero()[0]}
    if bad:
        return np.zeros(len(raw)), pd.Timestamp(0, tz="UTC"), bad
    start = stamps.min()
    return (stamps - start).dt.total_seconds().to_numpy(dtype=float), start, bad


def _clean(time_s: np.ndarray, lat_deg: np.ndarray, lon_deg: np.ndarray,
           alt_m: np.ndarray) -> tuple[np.ndarray, dict[str, int]]:
    """Indices of the reports kept (in time order) and the counts of those dropped."""
    counts = {"duplicate_time": 0, "position_jump": 0, "altitude_spike": 0}
    kept = [0] if time_s.size else []
    for index in range(1, time_s.size):
        last = kept[-1]
        elapsed = time_s[index] - time_s[last]
        if elapsed <= 0:
            counts["duplicate_time"] += 1
            continue
        ground_m = _great_circle_m(lat_deg[last], lon_deg[last], lat_deg[index], lon_deg[index])
        if ground_m / elapsed > MAX_GROUND_SPEED_MPS:
            counts["position_jump"] += 1
        elif abs(alt_m[index] - alt_m[last]) / elapsed > MAX_VERTICAL_RATE_MPS:
            counts["altitude_spike"] += 1
        else:
            kept.append(index)
    return np.array(kept, dtype=np.intp), counts


def _great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of the mean earth radius, m (enough for a filter)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    half_dphi, half_dlambda = (phi2 - phi1) / 2, np.radians(lon2 - lon1) / 2
    a = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlambda) ** 2
    return float(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(min(a, 1.0))))


def group_columns(group_index: int, group: ThreatGroup,
                  target_asset: int) -> dict[str, np.ndarray]:
    """A recording threat group as raid columns (see :class:`iadsim.threats.raid.Raid`).

    One threat per recorded aircraft, launched at ``group.start_s`` plus its first report's
    time since the recording's first report; its path table is its reports (time since
    its own first report, latitude, longitude, altitude above the ellipsoid), padded to
    the longest by repeating the last point.
    """
    assert group.recording is not None  # the caller checked
    recording = read_recording(group.recording, group.icao24)
    count = recording.size
    points = max(times.size for times in recording.time_s)

    def padded(arrays: list[np.ndarray]) -> np.ndarray:
        return np.array([np.concatenate([values, np.repeat(values[-1:], points - values.size)])
                         for values in arrays])

    first = np.array([times[0] for times in recording.time_s])
    path_time = padded([times - times[0] for times in recording.time_s])
    return {
        "group_index": np.full(count, group_index),
        "kind_index": np.full(count, THREAT_KINDS.index(group.kind)),
        "launch_time_s": group.start_s + first,
        "flight_time_s": path_time[:, -1].copy(),
        "rcs_m2": np.full(count, group.rcs_m2),
        "unit_cost_usd": np.full(count, group.unit_cost_usd),
        "target_asset": np.full(count, target_asset),
        "path_lat_deg": padded(recording.lat_deg),
        "path_lon_deg": np.rad2deg(np.unwrap(np.deg2rad(padded(recording.lon_deg)), axis=1)),
        "path_alt_m": padded(recording.alt_m),
        "path_time_s": path_time,
        "is_ballistic": np.zeros(count, bool),
    }
