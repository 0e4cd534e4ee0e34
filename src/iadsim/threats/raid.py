"""A raid: every threat of a scenario expanded from its group, as arrays over threats.

Waypoint kinds fly straight legs between waypoints (linear in latitude, longitude and
altitude; leg times from the leg length and speed). Ballistic missiles fly a drag-free
parabola (see :mod:`iadsim.threats.ballistic`). Positions are geodetic and converted to
the scenario ENU frame with pymap3d, so altitude is always above the curved earth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.scenario.schema import THREAT_KINDS, Scenario, ThreatGroup
from iadsim.threats import ballistic, recording
from iadsim.world.geodesy import LocalFrame

PENDING, FLYING, KILLED, ARRIVED = 0, 1, 2, 3
METRES_PER_DEGREE_LAT = 111_132.0


@dataclass(frozen=True, slots=True)
class Raid:
    """All threats of a scenario, one row each (threat id = row).

    Waypoint paths are padded to the longest route by repeating the last point; a
    ballistic threat has one leg from launch to impact and its altitude from the parabola.
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
    path_time_s: np.ndarray  # (n, points) time since launch at each point
    is_ballistic: np.ndarray  # (n,) bool
    ballistic_up_speed_mps: np.ndarray  # (n,) initial vertical speed (ballistic rows)
    gravity_mps2: float = ballistic.STANDARD_GRAVITY_MPS2

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
        since_launch = np.minimum(np.maximum(time_s - self.launch_time_s[rows], 0.0),
                                  self.flight_time_s[rows])
        path_time = self.path_time_s[rows]
        last_leg = path_time.shape[1] - 2
        leg = np.minimum((path_time[:, 1:-1] <= since_launch[:, None]).sum(axis=1), last_leg)
        leg_start, leg_end = self.path_time_s[rows, leg], self.path_time_s[rows, leg + 1]
        duration = leg_end - leg_start
        fraction = np.divide(since_launch - leg_start, duration,
                             out=np.ones_like(duration), where=duration > 0)
        fraction = np.minimum(np.maximum(fraction, 0.0), 1.0)

        def along(values: np.ndarray) -> np.ndarray:
            start = values[rows, leg]
            return start + fraction * (values[rows, leg + 1] - start)

        altitude = along(self.path_alt_m)
        ballistic_rows = self.is_ballistic[rows]
        if ballistic_rows.any():
            selected = rows[ballistic_rows]
            altitude[ballistic_rows] = ballistic.altitude_m(
                self.path_alt_m[selected, 0], self.ballistic_up_speed_mps[selected],
                since_launch[ballistic_rows], self.gravity_mps2)
        return along(self.path_lat_deg), along(self.path_lon_deg), altitude


def build_raid(scenario: Scenario, frame: LocalFrame) -> Raid:
    """Expand every threat group of a validated scenario into a :class:`Raid`."""
    asset_index = {asset.name: i for i, asset in enumerate(scenario.defended_assets)}
    ground = scenario.origin.ground_elevation_m
    groups = [_expand_group(g_index, group, scenario, asset_index, ground, frame)
              for g_index, group in enumerate(scenario.threats)]
    if not groups:
        empty = np.zeros(0)
        empty_path = np.zeros((0, 2))
        return Raid(np.zeros(0, int), np.zeros(0, int), empty, empty, empty, empty,
                    np.zeros(0, int), empty_path, empty_path, empty_path, empty_path,
                    np.zeros(0, bool), empty)
    points = max(g["path_lat_deg"].shape[1] for g in groups)
    columns: dict[str, list[np.ndarray]] = {}
    for g in groups:
        for name, values in g.items():
            if values.ndim == 2 and values.shape[1] < points:
                pad = np.repeat(values[:, -1:], points - values.shape[1], axis=1)
                values = np.concatenate([values, pad], axis=1)
            columns.setdefault(name, []).append(values)
    return Raid(**{name: np.concatenate(parts) for name, parts in columns.items()})


def _expand_group(group_index: int, group: ThreatGroup, scenario: Scenario,
                  asset_index: dict[str, int], ground_m: float,
                  frame: LocalFrame) -> dict[str, np.ndarray]:
    count = group.count
    target = asset_index.get(group.target, -1) if group.target else -1
    if group.recording is not None:  # real flight paths, one threat per aircraft
        return recording.group_columns(group_index, group, target)
    member = np.arange(count)
    launch_time = group.start_s + member * group.spacing_s
    lane_offset_m = (member % group.lanes - (group.lanes - 1) / 2.0) * group.lane_spacing_m

    if group.kind == "ballistic_missile":
        assert group.launch is not None  # schema guarantees it
        impact = group.impact or scenario.defended_assets[target]
        impact_alt = getattr(impact, "altitude_m", getattr(impact, "height_m", 0.0))
        lat = np.array([[group.launch.lat_deg, impact.lat_deg]])
        lon = np.array([[group.launch.lon_deg, impact.lon_deg]])
        alt = np.array([[group.launch.altitude_m, impact_alt]]) + ground_m
        lat, lon = _offset_lanes(lat, lon, lane_offset_m, offset_last=target < 0)
        ground_range = _ground_range_m(lat, lon, frame)[:, 0]
        up_speed, flight_time = ballistic.solve(ground_range, alt[:, 0], alt[:, 1],
                                                group.apogee_km, group.launch_angle_deg)
        path_time = np.stack([np.zeros(count), flight_time], axis=1)
        is_ballistic = np.ones(count, bool)
        alt = np.repeat(alt, count, axis=0)
    else:
        route = group.route or []
        lat = np.array([[p.lat_deg for p in route]])
        lon = np.array([[p.lon_deg for p in route]])
        alt = np.array([[p.altitude_m for p in route]]) + ground_m
        speeds = np.array([p.speed_mps or group.speed_mps for p in route[:-1]], dtype=float)
        lat, lon = _offset_lanes(lat, lon, lane_offset_m, offset_last=target < 0)
        alt = np.repeat(alt, count, axis=0)
        enu = frame.to_enu(lat, lon, alt)
        leg_length = np.linalg.norm(np.diff(enu, axis=1), axis=2)
        path_time = np.concatenate([np.zeros((count, 1)),
                                    np.cumsum(leg_length / speeds, axis=1)], axis=1)
        up_speed = np.zeros(count)
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
        "ballistic_up_speed_mps": up_speed,
    }


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


def _ground_range_m(lat: np.ndarray, lon: np.ndarray, frame: LocalFrame) -> np.ndarray:
    """Surface distance between consecutive points (m), shape (members, points - 1)."""
    enu = frame.to_enu(lat, lon, np.zeros_like(lat))
    return np.linalg.norm(np.diff(enu, axis=1), axis=2)
