"""One coverage geometry: the detection kernel (sensors/radar.py), the tracker's miss
counting (tracking/tracker.py) and the fire-control radars' guidance test
(c2/fire_control_radars.py) agree on which points a radar covers, on a grid of points at
and around the range, elevation and sector edges, with sectors that wrap across north;
and the map (sensors/coverage.py) takes the same test."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.fire_control_radars import _guiding_radar
from iadsim.events import EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import Tracking
from iadsim.sensors.coverage_geometry import (
    NO_HORIZON_M,
    coverage_table,
    covered,
    look_geometry,
)
from iadsim.sensors.detection_table import TABLE_START_DB, TABLE_STEP_DB
from iadsim.sensors.radar import EFFECTIVE_EARTH_RADIUS_M, RadarNetwork, _detect, radar_sites
from iadsim.tracking.tracker import CentralTracker
from iadsim.world.geodesy import LocalFrame

ORIGIN_LAT, ORIGIN_LON = 40.0, 30.0
#: (sector centre, sector width) deg: wrapping across north both ways, a narrow one, all
#: round.
SECTORS = ((350.0, 40.0), (10.0, 60.0), (180.0, 2.0), (0.0, 360.0))
MAX_RANGE_KM = 60.0
MIN_ELEVATION_DEG, MAX_ELEVATION_DEG = 0.5, 40.0


@pytest.fixture(scope="module")
def sites():
    """One radar per sector, 30 km east and 20 km north of the origin (so its frame is not
    the scenario's), on a 25 m mast."""
    radars = [{"name": f"r{index}", "lat_deg": ORIGIN_LAT + 0.18, "lon_deg": ORIGIN_LON + 0.35,
               "height_m": 25.0, "ref_range_km": 50.0, "max_range_km": MAX_RANGE_KM,
               "min_elevation_deg": MIN_ELEVATION_DEG, "max_elevation_deg": MAX_ELEVATION_DEG,
               "sector_center_deg": center, "sector_width_deg": width, "revisit_s": 1.0,
               "resolution_cells": 0.0}
              for index, (center, width) in enumerate(SECTORS)]
    scenario = scenario_from_dict({"name": "geometry",
                                   "origin": {"lat_deg": ORIGIN_LAT, "lon_deg": ORIGIN_LON},
                                   "sim": {"duration_s": 10.0}, "sensors": radars})
    return radar_sites(scenario, LocalFrame(ORIGIN_LAT, ORIGIN_LON, 0.0))


def edge_points(site, azimuth_deg: np.ndarray) -> np.ndarray:
    """Points in scenario ENU (k, 3) around one radar: every combination of the azimuths
    (deg), slant ranges straddling the instrumented range and elevations straddling the
    limits; each at and 1e-9 relative either side of an edge."""
    nudge = np.array([1.0 - 1e-9, 1.0, 1.0 + 1e-9])
    slant = np.concatenate([MAX_RANGE_KM * 1e3 * nudge, [1e3, 30e3]])
    elevation = np.concatenate([np.deg2rad(MIN_ELEVATION_DEG) * nudge,
                                np.deg2rad(MAX_ELEVATION_DEG) * nudge,
                                np.deg2rad([-1.0, 5.0, 60.0])])
    azimuth, slant, elevation = (array.ravel() for array in np.meshgrid(
        np.deg2rad(azimuth_deg), slant, elevation, indexing="ij"))
    local = np.stack([slant * np.cos(elevation) * np.sin(azimuth),
                      slant * np.cos(elevation) * np.cos(azimuth),
                      slant * np.sin(elevation)], axis=-1)
    return site.position_enu_m + local @ site.to_local  # to_local is orthonormal


def azimuths(center_deg: float, width_deg: float) -> np.ndarray:
    """Azimuths (deg) at, just inside and just outside both sector edges, across north,
    and well inside and outside."""
    edges = np.array([center_deg - 0.5 * width_deg, center_deg + 0.5 * width_deg])
    near = (edges[:, None] + np.array([-1e-7, 0.0, 1e-7, -0.01, 0.01])[None, :]).ravel()
    return np.mod(np.concatenate([near, [center_deg, center_deg + 180.0, 0.0, 359.99999,
                                         1e-6, 90.0, 270.0]]), 360.0)


def detection_kernel(network, radar: int, points: np.ndarray, height: np.ndarray):
    """What the detection kernel puts in view: every point in view is detected (draw -1,
    a huge SNR), so the detections are the covered points."""
    count = points.shape[0]
    found = _detect(np.array([radar]), network.position_m, network.to_local,
                    network.horizon_m, network._table, points, height, np.full(count, 1e6),
                    np.arange(count), np.full((1, count), -1.0), np.ones((1, count)),
                    network._pd_tables, TABLE_START_DB, TABLE_STEP_DB, network._environment,
                    EFFECTIVE_EARTH_RADIUS_M, np.zeros((count, 3)), np.zeros((0, 3)),
                    np.zeros((0, 3)), np.zeros(0), np.zeros(0), np.zeros(0),
                    np.zeros((0, 0), dtype=bool), np.zeros((0, 0), dtype=bool))
    seen = np.zeros(count, dtype=bool)
    seen[found[1]] = True
    return seen, found


def fire_control(sites, radar: int, points: np.ndarray) -> np.ndarray:
    """Whether the fire-control radar test takes each point as an intercept point (one
    battery engaging through ``radar`` only, every track held)."""
    count, radars = points.shape[0], len(sites)
    battery_radars = np.zeros((1, radars), dtype=bool)
    battery_radars[0, radar] = True
    chosen = _guiding_radar(
        battery_radars, np.ones((count, radars), dtype=bool), np.zeros(1, dtype=bool),
        np.ones(radars, dtype=np.int64), np.ones(1, dtype=np.int64), False,
        np.ascontiguousarray(points[None, :, :]),
        np.array([site.position_enu_m for site in sites]),
        np.array([site.to_local for site in sites]),
        np.array([site.max_range_m for site in sites]),
        np.array([site.min_elevation_rad for site in sites]),
        np.array([site.max_elevation_rad for site in sites]),
        np.array([site.sector_center_rad for site in sites]),
        np.array([0.5 * site.sector_width_rad for site in sites]))
    return chosen[0] == radar


@pytest.mark.parametrize("radar", range(len(SECTORS)))
def test_kernel_tracker_and_fire_control_agree_at_the_edges(sites, radar):
    site = sites[radar]
    points = edge_points(site, azimuths(*SECTORS[radar]))
    tracker = CentralTracker(Tracking(), sites, EventLog([s.name for s in sites], [], []))
    height = tracker._height_m(points)  # the tracker's own height, given to all
    network = RadarNetwork(sites, seed=0, ground_elevation_m=0.0)
    kernel, found = detection_kernel(network, radar, points, height)
    tracked = tracker._covered(points, np.array([radar]))[:, 0]
    assert kernel.any() and not kernel.all()
    np.testing.assert_array_equal(kernel, tracked)
    # Fire control has no horizon test: the same as the kernel's geometry without it.
    table = coverage_table([site])
    unlimited = table.copy()
    unlimited[:, 1] = NO_HORIZON_M
    without_horizon = covered(points, height, site.position_enu_m, site.to_local, unlimited)
    np.testing.assert_array_equal(fire_control(sites, radar, points), without_horizon[:, 0])
    np.testing.assert_array_equal(covered(points, height, site.position_enu_m,
                                          site.to_local, table)[:, 0], kernel)
    # The kernel's measured slant, azimuth and elevation are look_geometry's.
    for column, measured in zip(found[1][:5].tolist(), found[2][:5], strict=False):
        offset = points[column] - site.position_enu_m
        geometry = look_geometry(offset[0], offset[1], offset[2], site.to_local,
                                 height[column], site.max_range_m, table[0, 1],
                                 site.min_elevation_rad, site.max_elevation_rad,
                                 site.sector_center_rad, 0.5 * site.sector_width_rad)
        assert geometry[0] and tuple(measured) == geometry[1:]


def test_sectors_wrap_across_north(sites):
    """Independent of the implementation: the sector centred on 350 deg, 40 deg wide, holds
    335 and 5 deg and not 325 or 15 deg; the one centred on 10 deg, 60 deg wide, holds 345
    and 35 deg, not 335 or 45; the 2 deg one on 180 holds 180.9, not 181.1."""
    cases = {0: ([335.0, 5.0, 0.0, 359.0], [325.0, 15.0, 90.0]),
             1: ([345.0, 35.0, 0.0], [335.0, 45.0, 180.0]),
             2: ([179.1, 180.9], [178.9, 181.1, 0.0]),
             3: ([0.0, 90.0, 180.0, 359.9], [])}
    for radar, (inside, outside) in cases.items():
        site = sites[radar]
        bearings = np.array(inside + outside)
        local = np.stack([20e3 * np.sin(np.deg2rad(bearings)),
                          20e3 * np.cos(np.deg2rad(bearings)),
                          np.full(bearings.size, 20e3 * np.sin(np.deg2rad(5.0)))], axis=-1)
        points = site.position_enu_m + local @ site.to_local
        result = covered(points, np.full(bearings.size, 2_000.0), site.position_enu_m,
                         site.to_local, coverage_table([site]))[:, 0]
        assert result.tolist() == [True] * len(inside) + [False] * len(outside)


def test_the_horizon_cuts_the_kernel_and_the_tracker_alike(sites):
    """Low points past the 25 m mast's horizon (about 20.6 km plus the target's part): the
    kernel and the tracker drop the same ones; fire control (no horizon) keeps them."""
    site = sites[3]  # all round
    ground = np.linspace(5e3, 55e3, 201)
    local = np.stack([np.zeros(ground.size), ground, np.full(ground.size, 300.0)], axis=-1)
    points = site.position_enu_m + local @ site.to_local
    tracker = CentralTracker(Tracking(), sites, EventLog([s.name for s in sites], [], []))
    height = tracker._height_m(points)
    network = RadarNetwork(sites, seed=0, ground_elevation_m=0.0)
    kernel, _ = detection_kernel(network, 3, points, height)
    np.testing.assert_array_equal(kernel, tracker._covered(points, np.array([3]))[:, 0])
    assert 0 < kernel.sum() < ground.size  # the horizon cuts within the grid
    in_range = np.linalg.norm(points - site.position_enu_m, axis=1) <= site.max_range_m
    np.testing.assert_array_equal(fire_control(sites, 3, points), in_range & (
        np.arctan2(local[:, 2], local[:, 1]) >= site.min_elevation_rad) | kernel)


def test_a_point_with_a_nan_coordinate_is_not_covered(sites):
    site = sites[3]
    points = site.position_enu_m + np.array([[np.nan, 1e3, 100.0], [0.0, 1e3, np.nan],
                                             [0.0, 1e3, 100.0]])
    result = covered(points, np.array([100.0, 100.0, 100.0]), site.position_enu_m,
                     site.to_local, coverage_table([site]))[:, 0]
    assert result.tolist() == [False, False, True]
