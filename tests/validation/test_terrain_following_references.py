"""Terrain following's pull-up limit against the closed form of a vertical pull-up from level
flight: the minimum radius at speed v and load factor n is r = v^2 / (g (n - 1)).

Source: the steady vertical pull-up, n = 1 + v^2 / (g r) at the bottom of the loop, e.g.
J. D. Anderson, Introduction to Flight, 8th ed., section 6.17 (the pull-up manoeuvre,
eq. 6.86: R = V^2 / (g (n - 1))). Tolerances stated per test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.threats.route_shaping import METRES_PER_DEGREE_LAT
from iadsim.threats.terrain_following import follow_terrain, pull_up_radius_m
from iadsim.world.atmosphere import STANDARD_GRAVITY_MPS2
from iadsim.world.terrain import gaussian_ridge

SPEED_MPS, CLIMB_RATE_MPS, LOAD_FACTOR_G, CLEARANCE_M = 100.0, 30.0, 1.5, 20.0
#: The rise: a Gaussian ridge (width, standard deviation, 100 m) 500 m south of the launch,
#: on a DEM of 0.0002 deg cells (22 m of latitude).
RIDGE_LAT_DEG, LAUNCH_NORTH_M, WIDTH_M, CELL_DEG = 40.0, 500.0, 100.0, 0.0002


def test_the_radius_is_the_closed_form():
    """Anderson eq. 6.86 at 250 m/s and 2 g: 6,373 m (rtol 1e-12: the same formula)."""
    assert pull_up_radius_m(250.0, 2.0) == pytest.approx(250.0**2 / 9.80665, rel=1e-12)
    assert pull_up_radius_m(250.0, 2.0) == pytest.approx(6_373.3, abs=0.1)


def launched_at(crest_m: float, pull_up_g: float | None):
    """A 100 m/s path at 20 m clearance launched 500 m north of a ridge of crest
    ``crest_m``, due south, lifted with a 30 m/s climb rate and ``pull_up_g``."""
    terrain = gaussian_ridge(center_lat_deg=RIDGE_LAT_DEG, half_extent_deg=0.05,
                             cell_deg=CELL_DEG, crest_m=crest_m, width_m=WIDTH_M)
    lat = np.array([RIDGE_LAT_DEG + LAUNCH_NORTH_M / 111_195.0, RIDGE_LAT_DEG - 0.04])
    lon = np.array([33.0, 33.0])
    path = follow_terrain(lat, lon, np.array([CLEARANCE_M, CLEARANCE_M]),
                          np.array([SPEED_MPS]), terrain, 0.0, CLIMB_RATE_MPS, pull_up_g)
    distance_m = (lat[0] - path[0]) * METRES_PER_DEGREE_LAT  # ground track from launch
    return terrain, distance_m, path


def closed_form_climb_m(distance_m: np.ndarray) -> np.ndarray:
    """The pull-up circle from level flight, then the straight climb at the rate."""
    radius = SPEED_MPS**2 / (STANDARD_GRAVITY_MPS2 * (LOAD_FACTOR_G - 1.0))
    slope = CLIMB_RATE_MPS / SPEED_MPS
    arc_end = radius * math.sin(math.atan(slope))
    on_arc = np.minimum(distance_m, arc_end)
    return (radius - np.sqrt(radius**2 - on_arc**2)
            + slope * np.maximum(distance_m - arc_end, 0.0))


def test_the_climb_from_launch_is_the_pull_up_circle():
    """Launched 500 m before a 120 m crest, the threat climbs as hard as it can from launch:
    its path vertices on the arc fit a circle whose radius is v^2 / (g (n - 1)) =
    2,039 m within 0.1%, and its vertical acceleration (second difference in time)
    is (n - 1) g = 4.9 m/s^2 within 2% (the circle's, v^2 / R, at small climb angles)."""
    _, distance_m, (_, _, alt, _, _) = launched_at(120.0, LOAD_FACTOR_G)
    radius = pull_up_radius_m(SPEED_MPS, LOAD_FACTOR_G)
    arc_end = radius * math.sin(math.atan(CLIMB_RATE_MPS / SPEED_MPS))
    on_arc = (distance_m > 0.0) & (distance_m < arc_end)
    assert on_arc.sum() > 50
    x, h = distance_m[on_arc], alt[on_arc] - alt[0]
    # Circle through the launch point tangent to level flight: x^2 + (h - R)^2 = R^2,
    # so R = (x^2 + h^2) / (2 h); least squares over the arc's vertices.
    fitted = float(np.sum((x**2 + h**2) * h) / np.sum(2.0 * h * h))
    assert fitted == pytest.approx(radius, rel=1e-3)
    assert radius == pytest.approx(2_039.4, abs=0.1)
    early = on_arc & (distance_m < 0.3 * arc_end)  # climb angle under 5 degrees
    time_s = distance_m[early] / SPEED_MPS
    acceleration = np.diff(alt[early], 2) / np.diff(time_s)[:-1] ** 2
    assert np.median(acceleration) == pytest.approx((LOAD_FACTOR_G - 1.0)
                                                    * STANDARD_GRAVITY_MPS2, rel=0.02)


@pytest.mark.parametrize("crest_m", [60.0, 120.0, 160.0])
def test_it_crashes_exactly_where_the_closed_form_pull_up_meets_the_rise(crest_m):
    """The closed-form profile (circle, then the rate) from the launch clearance decides:
    a 60 m crest is cleared (the circle is 62 m up at 500 m); 120 m and 160 m are not,
    and the path ends where the closed form first meets the ground (within one DEM
    cell, 22 m). Without the limit (the rate at once: 150 m up at 500 m) the 120 m crest
    is cleared. Tolerance: one cell of the DEM."""
    terrain, distance_m, (lat, _, alt, _, crashed) = launched_at(crest_m, LOAD_FACTOR_G)
    launch_lat = RIDGE_LAT_DEG + LAUNCH_NORTH_M / 111_195.0
    dense = np.arange(0.0, 1_500.0, 0.5)
    ground = terrain.elevation_at(launch_lat - dense / METRES_PER_DEGREE_LAT, 33.0)
    ceiling = float(terrain.elevation_at(launch_lat, 33.0)) + CLEARANCE_M
    below = ceiling + closed_form_climb_m(dense) < ground
    assert crashed == bool(below.any())
    if crashed:
        expected_m = dense[below.argmax()]
        assert abs(distance_m[-1] - expected_m) < CELL_DEG * METRES_PER_DEGREE_LAT
        assert alt[-1] == pytest.approx(float(terrain.elevation_at(lat[-1], 33.0)), abs=1.0)
    if crest_m == 120.0:
        assert not launched_at(crest_m, None)[2][4]
