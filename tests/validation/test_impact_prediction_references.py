"""The ballistic impact predictor of threat evaluation against the closed-form vacuum
trajectory of a projectile under uniform gravity.

Source: Halliday, Resnick and Walker, Fundamentals of Physics, 10th ed. (2014), sec. 4-6
(projectile motion): ``x = v0 cos(theta) t``, ``y = y0 + v0 sin(theta) t - g t^2 / 2``; on
level ground from ``y0 = 0`` the range is ``R = v0^2 sin(2 theta) / g`` and the time of
flight ``T = 2 v0 sin(theta) / g``; from a height ``y0`` the flight lasts
``T = (v0 sin(theta) + sqrt((v0 sin(theta))^2 + 2 g y0)) / g``. Tolerance: 1e-9 relative
(the predictor solves the same quadratic in closed form).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.c2.impact_prediction import ballistic_impact
from iadsim.world.atmosphere import STANDARD_GRAVITY_MPS2 as G

GRAVITY = np.array([0.0, 0.0, -G])


def state_at(time_s: float, speed_mps: float, angle_deg: float, azimuth_deg: float,
             start_height_m: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Position and velocity (ENU) of the vacuum projectile ``time_s`` after launch from
    the origin (at ``start_height_m``) toward ``azimuth_deg``."""
    angle, azimuth = math.radians(angle_deg), math.radians(azimuth_deg)
    horizontal = speed_mps * math.cos(angle)
    direction = np.array([math.sin(azimuth), math.cos(azimuth), 0.0])
    vertical = speed_mps * math.sin(angle) - G * time_s
    height = start_height_m + speed_mps * math.sin(angle) * time_s - 0.5 * G * time_s**2
    return (horizontal * time_s * direction + [0.0, 0.0, height],
            horizontal * direction + [0.0, 0.0, vertical])


@pytest.mark.parametrize(("speed_mps", "angle_deg", "azimuth_deg", "seen_at_s"), [
    (1_500.0, 45.0, 30.0, 20.0),  # seen climbing
    (1_500.0, 45.0, 30.0, 200.0),  # seen diving
    (2_000.0, 60.0, 250.0, 100.0),
    (800.0, 20.0, 0.0, 50.0),
])
def test_impact_on_level_ground_matches_the_range_equation(speed_mps, angle_deg,
                                                           azimuth_deg, seen_at_s):
    angle, azimuth = math.radians(angle_deg), math.radians(azimuth_deg)
    total_s = 2.0 * speed_mps * math.sin(angle) / G
    assert seen_at_s < total_s
    range_m = speed_mps**2 * math.sin(2.0 * angle) / G
    position, velocity = state_at(seen_at_s, speed_mps, angle_deg, azimuth_deg)
    point, time = ballistic_impact(position[None], velocity[None], GRAVITY[None])
    assert time[0] == pytest.approx(total_s - seen_at_s, rel=1e-9)
    expected = [range_m * math.sin(azimuth), range_m * math.cos(azimuth), 0.0]
    assert point[0, :2] == pytest.approx(expected[:2], rel=1e-9, abs=1e-6)
    assert abs(point[0, 2]) < 1e-6


def test_impact_from_a_height_matches_the_time_of_flight_from_a_height():
    speed_mps, angle_deg, start_height_m, ground_up_m = 1_200.0, 35.0, 900.0, 900.0
    # Launched 2,000 m above the frame origin, landing on ground 900 m above it.
    launch_up_m = ground_up_m + start_height_m
    vertical = speed_mps * math.sin(math.radians(angle_deg))
    total_s = (vertical + math.sqrt(vertical**2 + 2.0 * G * start_height_m)) / G
    position, velocity = state_at(30.0, speed_mps, angle_deg, 90.0, launch_up_m)
    point, time = ballistic_impact(position[None], velocity[None], GRAVITY[None],
                                   ground_up_m=ground_up_m)
    assert time[0] == pytest.approx(total_s - 30.0, rel=1e-9)
    range_m = speed_mps * math.cos(math.radians(angle_deg)) * total_s
    assert point[0, 0] == pytest.approx(range_m, rel=1e-9)
    assert point[0, 2] == pytest.approx(ground_up_m, abs=1e-6)
