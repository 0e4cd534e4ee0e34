"""A raid: every threat of a scenario expanded from its group, as arrays over threats.

Every threat flies a path table: vertices (latitude, longitude, altitude) with the time
since launch at each, interpolated linearly. Waypoint kinds fly their route with turn
arcs at the corners and an optional terminal pop-up or weave
(:mod:`iadsim.threats.route_shaping`), each segment at its leg's speed. Ballistic
missiles fly a boosted, drag-affected arc over a spherical earth solved to land on the
impact point (:mod:`iadsim.threats.ballistic_flight`), sampled every 0.5-2 s. Positions
are geodetic and converted to the scenario ENU frame by the caller, so altitude is
always above the curved earth. A group with ``terrain_following`` over a scenario DEM
flies its route's altitudes as clearances above it (:mod:`iadsim.threats.terrain_following`).
With ``sim.threat_ground: terrain`` and a DEM, any other threat's path is cut where it
first enters the DEM's ground (:mod:`iadsim.threats.ground_crossing`; it ends there,
crashed), and a ballistic missile launches from and lands on the DEM's ground.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from iadsim.scenario.schema import THREAT_KINDS, Scenario, ThreatGroup
from iadsim.sorted_search import search_sorted
from iadsim.threats import ballistic_flight, recording
from iadsim.threats.ground_crossing import cut_at, first_ground_crossing
from iadsim.threats.route_shaping import METRES_PER_DEGREE_LAT, TerminalManoeuvre, shape_route
from iadsim.threats.terrain_following import (
    DEFAULT_CLIMB_RATE_MPS,
    DEFAULT_PULL_UP_G,
    follow_terrain,
)
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import Terrain, scenario_terrain

PENDING, FLYING, KILLED, ARRIVED = 0, 1, 2, 3
#: Turn rates (deg/s) when neither the group nor its catalog profile gives one, the same
#: as the catalog's notional profiles: about 2-3 g at 200-250 m/s for aircraft, cruise
#: missiles and target drones, under 1 g at 50 m/s for one-way attack drones (a = v w).
DEFAULT_TURN_RATE_DEG_S = {"aircraft": 6.0, "cruise_missile": 4.5, "drone": 10.0,
                           "target_drone": 6.0}


@dataclass(frozen=True, slots=True)
class Raid:
    """All threats of a scenario, one row each (threat id = row).

    Paths are padded to the longest by repeating the last point (and its time).
    """

    group_index: np.ndarray  # (n,) int
    kind_index: np.ndarray  # (n,) int, index into THREAT_KINDS
    launch_time_s: np.ndarray  # (n,)
    flight_time_s: np.ndarray  # (n,) time from launch to arrival
    rcs_m2: np.ndarray  # (n,)
    unit_cost_usd: np.ndarray  # (n,)
    target_asset: np.ndarray  # (n,) int, -1 when none
    path_lat_deg: np.ndarray  # (n, points)
    path_lon_deg: np.ndarray  # (n, points), unwrapped
    path_alt_m: np.ndarray  # (n, points) above the ellipsoid
    path_time_s: np.ndarray  # (n, points) time since launch at each point, non-decreasing
    is_ballistic: np.ndarray  # (n,) bool
    #: (n,) bool: the path ends in the ground (a terrain-following threat that could not
    #: climb over the ground ahead: :mod:`iadsim.threats.terrain_following`, or a route
    #: into the DEM: :mod:`iadsim.threats.ground_crossing`); None: none.
    ground_impact: np.ndarray = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.ground_impact is None:
            object.__setattr__(self, "ground_impact",
                               np.zeros(self.launch_time_s.size, dtype=bool))

    @property
    def size(self) -> int:
        return int(self.launch_time_s.size)

    def geodetic_at(self, time_s: float, rows: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Latitude, longitude (deg) and altitude above the ellipsoid (m) of threats.

        ``rows``: threat ids to evaluate (default all); results follow their order.
        Before launch a threat sits at its first point, after arrival at its last.
        """
        rows = np.arange(self.size) if rows is None else np.asarray(rows)
        return _interpolate_paths(float(time_s), rows.astype(np.int64), self.launch_time_s,
                                  self.flight_time_s, self.path_time_s, self.path_lat_deg,
                                  self.path_lon_deg, self.path_alt_m)


@njit(cache=True)
def _interpolate_paths(time_s: float, rows: np.ndarray, launch_time_s: np.ndarray,
                       flight_time_s: np.ndarray, path_time_s: np.ndarray,
                       lat_deg: np.ndarray, lon_deg: np.ndarray, alt_m: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear interpolation in each row's path table, by binary search on its times."""
    count = rows.size
    lat, lon, alt = np.empty(count), np.empty(count), np.empty(count)
    last = path_time_s.shape[1] - 1
    for i in range(count):
        row = rows[i]
        since = min(max(time_s - launch_time_s[row], 0.0), flight_time_s[row])
        if since >= path_time_s[row, last]:
            lat[i], lon[i], alt[i] = lat_deg[row, last], lon_deg[row, last], alt_m[row, last]
            continue
        # path_time[low] <= since < path_time[high]: the last of the first ``last`` times
        # not after ``since`` (the first when ``since`` is before it).
        low = max(search_sorted(path_time_s[row, :last], since, True) - 1, 0)
        high = low + 1
        duration = path_time_s[row, high] - path_time_s[row, low]
        fraction = (since - path_time_s[row, low]) / duration if duration > 0.0 else 1.0
        lat[i] = lat_deg[row, low] + fraction * (lat_deg[row, high] - lat_deg[row, low])
        lon[i] = lon_deg[row, low] + fraction * (lon_deg[row, high] - lon_deg[row, low])
        alt[i] = alt_m[row, low] + fraction * (alt_m[row, high] - alt_m[row, low])
    return lat, lon, alt


def build_raid(scenario: Scenario, frame: LocalFrame, threat_ground: bool | None = None
               ) -> Raid:
    """Expand every threat group of a validated scenario into a :class:`Raid`.

    ``threat_ground``: whether paths end where they enter the DEM's ground (default:
    ``scenario.sim.threat_ground == "terrain"``; :mod:`iadsim.threats.ground_crossing`).
    """
    asset_index = {asset.name: i for i, asset in enumerate(scenario.defended_assets)}
    ground = scenario.origin.ground_elevation_m
    if threat_ground is None:
        threat_ground = scenario.sim.threat_ground == "terrain"
    # The DEM, read only when a group follows the terrain or paths end in its ground
    # (None without one).
    terrain = (scenario_terrain(scenario)
               if threat_ground or any(group.terrain_following for group in scenario.threats)
               else None)
    groups = [_expand_group(g_index, group, scenario, asset_index, ground, frame, terrain,
                            threat_ground)
              for g_index, group in enumerate(scenario.threats)]
    if not groups:
        empty = np.zeros(0)
        empty_path = np.zeros((0, 2))
        return Raid(np.zeros(0, int), np.zeros(0, int), empty, empty, empty, empty,
                    np.zeros(0, int), empty_path, empty_path, empty_path, empty_path,
                    np.zeros(0, bool))
    points = max(g["path_lat_deg"].shape[1] for g in groups)
    columns: dict[str, list[np.ndarray]] = {}
    for g in groups:
        g.setdefault("ground_impact", np.zeros(g["launch_time_s"].size, bool))  # recordings
        for name, values in g.items():
            if values.ndim == 2 and values.shape[1] < points:
                pad = np.repeat(values[:, -1:], points - values.shape[1], axis=1)
                values = np.concatenate([values, pad], axis=1)
            columns.setdefault(name, []).append(values)
    return Raid(**{name: np.concatenate(parts) for name, parts in columns.items()})


def _expand_group(group_index: int, group: ThreatGroup, scenario: Scenario,
                  asset_index: dict[str, int], ground_m: float, frame: LocalFrame,
                  terrain: Terrain | None = None, threat_ground: bool = False
                  ) -> dict[str, np.ndarray]:
    count = group.count
    target = asset_index.get(group.target, -1) if group.target else -1
    if group.recording is not None:  # real flight paths, one threat per aircraft
        return recording.group_columns(group_index, group, target)
    member = np.arange(count)
    launch_time = group.start_s + member * group.spacing_s
    lane_offset_m = (member % group.lanes - (group.lanes - 1) / 2.0) * group.lane_spacing_m
    # Where paths end in the DEM's ground, and how near the target that is spared.
    ground_terrain = terrain if threat_ground else None
    spare_radius_m = scenario.defended_assets[target].radius_m if target >= 0 else 0.0

    ground_impact = np.zeros(count, bool)
    if group.kind == "ballistic_missile":
        assert group.launch is not None  # schema guarantees it
        impact = group.impact or scenario.defended_assets[target]
        impact_alt = getattr(impact, "altitude_m", getattr(impact, "height_m", 0.0))
        lat = np.array([[group.launch.lat_deg, impact.lat_deg]])
        lon = np.array([[group.launch.lon_deg, impact.lon_deg]])
        alt = np.array([group.launch.altitude_m, impact_alt]) + ground_m
        lat, lon = _offset_lanes(lat, lon, lane_offset_m, offset_last=target < 0)
        lat, lon, alt, path_time, ground_impact = _ballistic_paths(
            group, lat, lon, alt, ground_terrain, ground_m, spare_radius_m)
        is_ballistic = np.ones(count, bool)
    else:
        route = group.route or []
        lat = np.array([[p.lat_deg for p in route]])
        lon = np.array([[p.lon_deg for p in route]])
        alt = np.array([p.altitude_m for p in route]) + ground_m
        speeds = np.array([p.speed_mps or group.speed_mps for p in route[:-1]], dtype=float)
        lat, lon = _offset_lanes(lat, lon, lane_offset_m, offset_last=target < 0)
        lat, lon, alt, path_time, ground_impact = _waypoint_paths(
            group, lat, lon, alt, speeds, ground_m, frame, terrain, ground_terrain,
            spare_radius_m)
        is_ballistic = np.zeros(count, bool)

    return {
        "group_index": np.full(count, group_index),
        "kind_index": np.full(count, THREAT_KINDS.index(group.kind)),
        "launch_time_s": launch_time.astype(float),
        "flight_time_s": path_time[:, -1].copy(),
        "rcs_m2": np.full(count, group.rcs_m2),
        "unit_cost_usd": np.full(count, group.unit_cost_usd),
        "target_asset": np.full(count, target),
        "path_lat_deg": lat,
        "path_lon_deg": lon,
        "path_alt_m": alt,
        "path_time_s": path_time,
        "is_ballistic": is_ballistic,
        "ground_impact": ground_impact,
    }


def _distinct_members(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the members whose paths differ (lanes), and each member's one of them."""
    _, first, inverse = np.unique(np.concatenate([lat, lon], axis=1), axis=0,
                                  return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def _padded(tables: list[tuple[np.ndarray, ...]], inverse: np.ndarray) -> list[np.ndarray]:
    """Stack each distinct path's columns, padded by repeating the last point, per member."""
    points = max(table[0].size for table in tables)
    columns = []
    for column in range(len(tables[0])):
        stacked = np.array([np.concatenate([table[column],
                                            np.repeat(table[column][-1:],
                                                      points - table[column].size)])
                            for table in tables])
        columns.append(stacked[inverse])
    return columns


def _ballistic_paths(group: ThreatGroup, lat: np.ndarray, lon: np.ndarray, alt: np.ndarray,
                     ground_terrain: Terrain | None = None, ground_m: float = 0.0,
                     spare_radius_m: float = 0.0) -> list[np.ndarray]:
    """Latitude, longitude, altitude and time tables, (members, points), of a salvo, and
    whether each member's path ends in the ground short of its impact (members,).

    With ``ground_terrain`` (a DEM; ``alt`` is then over the flat ground ``ground_m``) each
    missile launches from and lands on the DEM's ground (plus the points' heights above
    it), and its path is cut where it first enters the ground before that
    (:mod:`iadsim.threats.ground_crossing`)."""
    first, inverse = _distinct_members(lat, lon)
    tables = []
    crashed = np.zeros(first.size, dtype=bool)
    for index, row in enumerate(first):
        ends_alt = alt[:2]
        if ground_terrain is not None:
            ends_alt = alt[:2] - ground_m + ground_terrain.elevation_at(lat[row, :2],
                                                                       lon[row, :2])
        _, _, angle = ballistic_flight.great_circle(lat[row, 0], lon[row, 0], lat[row, 1],
                                                    lon[row, 1], np.zeros(1))
        flight = ballistic_flight.solve_trajectory(
            angle * ballistic_flight.EARTH_RADIUS_M, float(ends_alt[0]), float(ends_alt[1]),
            group.apogee_km, group.launch_angle_deg,
            group.burn_time_s or ballistic_flight.DEFAULT_BURN_TIME_S,
            group.ballistic_coefficient_kg_m2
            or ballistic_flight.DEFAULT_BALLISTIC_COEFFICIENT_KG_M2)
        path_lat, path_lon, _ = ballistic_flight.great_circle(
            lat[row, 0], lon[row, 0], lat[row, 1], lon[row, 1], flight.downrange_rad)
        path_lon = np.rad2deg(np.unwrap(np.deg2rad(path_lon)))
        path_lon += lon[row, 0] - path_lon[0]  # keep the raid's unwrapped longitudes
        table = (path_lat, path_lon, flight.altitude_m, flight.time_s)
        if ground_terrain is not None:
            crossing = first_ground_crossing(path_lat, path_lon, flight.altitude_m,
                                             ground_terrain, spare_radius_m)
            if crossing is not None:
                table, crashed[index] = cut_at(table, *crossing), True
        tables.append(table)
    return [*_padded(tables, inverse), crashed[inverse]]


def _waypoint_paths(group: ThreatGroup, lat: np.ndarray, lon: np.ndarray, alt: np.ndarray,
                    speeds: np.ndarray, ground_m: float, frame: LocalFrame,
                    terrain: Terrain | None = None, ground_terrain: Terrain | None = None,
                    spare_radius_m: float = 0.0) -> list[np.ndarray]:
    """Latitude, longitude, altitude and time tables, (members, points), of a group
    (lifted onto ``terrain`` when the group follows it: :mod:`iadsim.threats.terrain_following`;
    else cut where it enters ``ground_terrain``'s ground when given:
    :mod:`iadsim.threats.ground_crossing`), and whether each member's path ends in the
    ground (members,)."""
    turn_rate = np.radians(group.max_turn_rate_deg_s
                           or DEFAULT_TURN_RATE_DEG_S[group.kind])
    terminal = TerminalManoeuvre(
        kind=group.terminal_manoeuvre, range_m=(group.terminal_range_km or 0.0) * 1e3,
        popup_altitude_m=(group.popup_altitude_m or 0.0) + ground_m,
        weave_amplitude_m=group.weave_amplitude_m or 0.0,
        weave_period_s=group.weave_period_s or 0.0)
    first, inverse = _distinct_members(lat, lon)
    tables = []
    crashed = np.zeros(first.size, dtype=bool)
    for index, row in enumerate(first):
        path_lat, path_lon, path_alt, path_speed = shape_route(
            lat[row], lon[row], alt, speeds, turn_rate, terminal)
        if terrain is not None and group.terrain_following:
            path_lat, path_lon, path_alt, path_speed, crashed[index] = follow_terrain(
                path_lat, path_lon, path_alt, path_speed, terrain, ground_m,
                group.max_climb_rate_mps or DEFAULT_CLIMB_RATE_MPS[group.kind],
                group.max_pull_up_g or DEFAULT_PULL_UP_G[group.kind])
        elif ground_terrain is not None:
            crossing = first_ground_crossing(path_lat, path_lon, path_alt, ground_terrain,
                                             spare_radius_m)
            if crossing is not None:
                path_lat, path_lon, path_alt = cut_at((path_lat, path_lon, path_alt),
                                                      *crossing)
                path_speed, crashed[index] = path_speed[:crossing[0] + 1], True
        enu = frame.to_enu(path_lat, path_lon, path_alt)
        segment = np.linalg.norm(np.diff(enu, axis=0), axis=1)
        path_time = np.concatenate([[0.0], np.cumsum(segment / path_speed)])
        tables.append((path_lat, path_lon, path_alt, path_time))
    return [*_padded(tables, inverse), crashed[inverse]]


def _offset_lanes(lat: np.ndarray, lon: np.ndarray, lane_offset_m: np.ndarray,
                  offset_last: bool) -> tuple[np.ndarray, np.ndarray]:
    """Shift each member's path sideways (perpendicular to its first leg) by its lane offset.

    lat, lon: (1, points); returns (members, points), longitudes unwrapped along the path.
    """
    lon = np.rad2deg(np.unwrap(np.deg2rad(lon), axis=1))
    metres_per_degree_lon = METRES_PER_DEGREE_LAT * np.cos(np.deg2rad(lat))
    heading_east = (lon[0, 1] - lon[0, 0]) * metres_per_degree_lon[0, 0]
    heading_north = (lat[0, 1] - lat[0, 0]) * METRES_PER_DEGREE_LAT
    norm = np.hypot(heading_east, heading_north) or 1.0
    right_east, right_north = heading_north / norm, -heading_east / norm
    weight = np.ones(lat.shape[1])
    if not offset_last:
        weight[-1] = 0.0
    shift = lane_offset_m[:, None] * weight[None, :]
    members_lat = lat + shift * right_north / METRES_PER_DEGREE_LAT
    members_lon = lon + shift * right_east / metres_per_degree_lon
    return members_lat, members_lon
