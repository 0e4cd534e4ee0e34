"""Terrain line of sight against published closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.world.earth import EARTH_RADIUS_M, radar_horizon_m
from iadsim.world.terrain import Terrain, line_of_sight, viewshed


@pytest.mark.parametrize(("antenna_m", "target_m", "bearing_deg"), [
    (20.0, 100.0, 0.0), (15.0, 10.0, 90.0), (300.0, 5_000.0, 45.0), (5.0, 2.0, 200.0)])
def test_flat_dem_masks_at_the_four_thirds_earth_radar_horizon(antenna_m, target_m,
                                                                 bearing_deg):
    """Skolnik, Introduction to Radar Systems, 3rd ed. (2001), sec. 8.2, eq. 8.4 (4/3
    earth), as iadsim.world.earth.radar_horizon_m: on a flat DEM at sea level the ray
    clears the ground up to the horizon range and not beyond; tolerance 1 % of it (the
    ground path is sampled every 200 m; horizon is a slant range, the test a ground one)."""
    flat = Terrain(np.zeros((2, 2)), 45.0, 20.0, -10.0, 10.0, outside_elevation_m=0.0)
    horizon = float(radar_horizon_m(antenna_m, target_m))
    ground = np.array([0.2, 0.9, 0.99, 1.01, 1.1]) * horizon
    bearing = np.radians(bearing_deg)
    lat0, lon0 = 40.0, 30.0
    # Points at those ground distances along the bearing (great circle, spherical earth).
    angle = ground / EARTH_RADIUS_M
    lat = np.arcsin(np.sin(np.radians(lat0)) * np.cos(angle)
                    + np.cos(np.radians(lat0)) * np.sin(angle) * np.cos(bearing))
    lon = np.radians(lon0) + np.arctan2(
        np.sin(bearing) * np.sin(angle) * np.cos(np.radians(lat0)),
        np.cos(angle) - np.sin(np.radians(lat0)) * np.sin(lat))
    seen = line_of_sight(flat, lat0, lon0, antenna_m, np.degrees(lat), np.degrees(lon),
                         target_m, spacing_m=200.0)
    assert seen.tolist() == [True, True, True, False, False], seen
    swept = viewshed(flat, lat0, lon0, antenna_m, np.degrees(lat), np.degrees(lon),
                     target_m, max_range_m=1.2 * horizon, spacing_m=200.0)
    assert swept.tolist() == [True, True, True, False, False], swept
