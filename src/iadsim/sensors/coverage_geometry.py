"""Coverage geometry: whether a radar's beam can reach a point at all, before any SNR.

A point is inside a radar's coverage when, in the radar's own East-North-Up frame, it is
within the instrumented range, within the 4/3-earth radar horizon (the sum of the
antenna's and the point's tangent lengths to the effective sphere, Skolnik, Introduction
to Radar Systems, 3rd ed. (2001), eq. 8.4 in its exact form, as
:func:`iadsim.world.earth.radar_horizon_m`), between the elevation limits and inside the
azimuth sector (centre and half width, clockwise from north; a half width of pi or more
is all round; the sector wraps across north, so a sector centred on 350 deg and 40 deg
wide runs from 330 deg through 0 deg to 10 deg).

One implementation, compiled: :func:`look_geometry` for one (radar, point) pair, which
the detection kernel (:mod:`iadsim.sensors.radar`), the fire-control radars' guidance test
(:mod:`iadsim.c2.fire_control_radars`, without the horizon) and :func:`coverage_matrix`
call; :func:`coverage_matrix` for many points and radars at once, which the tracker's miss
counting (:mod:`iadsim.tracking.tracker`) and the coverage maps
(:mod:`iadsim.sensors.coverage`) call. A radar row of :func:`coverage_table` holds what the
tests need of one radar.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from iadsim.world.earth import effective_earth_radius_m, radar_horizon_m

if TYPE_CHECKING:
    from iadsim.sensors.radar import RadarSite

#: Effective (4/3) earth radius (m) of the horizon test.
EFFECTIVE_EARTH_RADIUS_M = effective_earth_radius_m()
#: No horizon test: pass as the radar's horizon (a point's own part cannot exceed it).
NO_HORIZON_M = np.inf

#: Columns of a :func:`coverage_table` row.
MAX_RANGE, RADAR_HORIZON, MIN_ELEVATION, MAX_ELEVATION, SECTOR_CENTER, SECTOR_HALF_WIDTH = (
    range(6))


def coverage_table(sites: Sequence[RadarSite]) -> np.ndarray:
    """(n_radars, 6) the coverage of each radar as :func:`coverage_matrix` reads it
    (columns named by the constants above): instrumented range (m), the antenna's part of
    the horizon (m, its tangent length over the 4/3 earth), minimum and maximum elevation
    (rad), sector centre and half width (rad)."""
    return np.array([[site.max_range_m, float(radar_horizon_m(site.height_m, 0.0)),
                      site.min_elevation_rad, site.max_elevation_rad,
                      site.sector_center_rad, 0.5 * site.sector_width_rad]
                     for site in sites], dtype=float).reshape(-1, 6)


@njit(cache=True, inline="always")
def look_geometry(east_m: float, north_m: float, up_m: float, to_local: np.ndarray,
                  target_height_m: float, max_range_m: float, radar_horizon_m: float,
                  min_elevation_rad: float, max_elevation_rad: float,
                  sector_center_rad: float, sector_half_width_rad: float,
                  angles: bool = True) -> tuple[bool, float, float, float]:
    """Whether one radar covers one point, and where the point is in the radar's frame.

    ``east_m, north_m, up_m``: the point's offset from the antenna (m, scenario ENU);
    ``to_local`` (3, 3): the rotation from scenario ENU to the radar's own ENU;
    ``target_height_m``: the point's height above the ground (m; below 0 counts as 0);
    ``radar_horizon_m``: the antenna's part of the horizon (m; :data:`NO_HORIZON_M`: no
    horizon test); the other limits as named (m, rad; a sector half width of pi or more:
    all round); ``angles``: False when only ``covered`` is wanted (an all-round radar then
    skips the azimuth). Returns (covered, slant range m, azimuth rad in [0, 2 pi)
    clockwise from north, elevation rad); the tests run in the order range, horizon,
    elevation, sector and stop at the first that fails (azimuth and elevation are then 0
    where not computed); a point with a NaN coordinate is not covered. Compiled inline
    into each caller (no call per point). Hot path: no checks."""
    x = to_local[0, 0] * east_m + to_local[0, 1] * north_m + to_local[0, 2] * up_m
    y = to_local[1, 0] * east_m + to_local[1, 1] * north_m + to_local[1, 2] * up_m
    z = to_local[2, 0] * east_m + to_local[2, 1] * north_m + to_local[2, 2] * up_m
    slant = np.sqrt(x * x + y * y + z * z)
    if not slant <= max_range_m:  # (a NaN point is not covered)
        return False, slant, 0.0, 0.0
    height = max(target_height_m, 0.0)
    if slant > radar_horizon_m + np.sqrt(height * (2.0 * EFFECTIVE_EARTH_RADIUS_M + height)):
        return False, slant, 0.0, 0.0
    elevation = np.arctan2(z, np.hypot(x, y))
    if elevation < min_elevation_rad or elevation > max_elevation_rad:
        return False, slant, 0.0, elevation
    all_round = sector_half_width_rad >= np.pi
    if all_round and not angles:
        return True, slant, 0.0, elevation
    two_pi = 2.0 * np.pi
    # arctan2(x, y) % two_pi, bit for bit (signed zeros included), without the modulo.
    azimuth = np.arctan2(x, y)
    azimuth = azimuth + two_pi if azimuth < 0.0 else azimuth + 0.0
    if not all_round:
        off = (azimuth - sector_center_rad + np.pi) % two_pi - np.pi
        if abs(off) > sector_half_width_rad:
            return False, slant, azimuth, elevation
    return True, slant, azimuth, elevation


@njit(cache=True)
def coverage_matrix(position_m: np.ndarray, height_m: np.ndarray, radar_position_m: np.ndarray,
                    to_local: np.ndarray, table: np.ndarray) -> np.ndarray:
    """(k, g) bool: whether radar ``j`` covers point ``i`` (:func:`look_geometry`).

    ``position_m`` (k, 3): the points, scenario ENU (m); ``height_m`` (k,): their heights
    above the ground (m); ``radar_position_m`` (g, 3), ``to_local`` (g, 3, 3) and
    ``table`` (g, 6, :func:`coverage_table`): the radars. Hot path: no checks."""
    count, radars = position_m.shape[0], radar_position_m.shape[0]
    covered = np.zeros((count, radars), dtype=np.bool_)
    for point in range(count):
        for radar in range(radars):
            covered[point, radar] = look_geometry(
                position_m[point, 0] - radar_position_m[radar, 0],
                position_m[point, 1] - radar_position_m[radar, 1],
                position_m[point, 2] - radar_position_m[radar, 2], to_local[radar],
                height_m[point], table[radar, MAX_RANGE], table[radar, RADAR_HORIZON],
                table[radar, MIN_ELEVATION], table[radar, MAX_ELEVATION],
                table[radar, SECTOR_CENTER], table[radar, SECTOR_HALF_WIDTH], False)[0]
    return covered


def covered(position_m: np.ndarray, height_m: np.ndarray, radar_position_m: np.ndarray,
            to_local: np.ndarray, table: np.ndarray) -> np.ndarray:
    """:func:`coverage_matrix` for arrays of any layout: ``position_m`` (k, 3),
    ``height_m`` (k,), ``radar_position_m`` (g, 3), ``to_local`` (g, 3, 3), ``table``
    (g, 6). Returns (k, g) bool. Inputs are not modified."""
    return coverage_matrix(
        np.ascontiguousarray(position_m, dtype=float).reshape(-1, 3),
        np.ascontiguousarray(height_m, dtype=float).reshape(-1),
        np.ascontiguousarray(radar_position_m, dtype=float).reshape(-1, 3),
        np.ascontiguousarray(to_local, dtype=float).reshape(-1, 3, 3),
        np.ascontiguousarray(table, dtype=float).reshape(-1, 6))
