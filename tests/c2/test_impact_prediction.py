"""The ballistic impact predictor beyond its closed form: the curved ground, tracks without
a ballistic model, tracks already down, and inputs left unchanged."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.impact_prediction import ballistic_impact
from iadsim.world.atmosphere import STANDARD_GRAVITY_MPS2 as G

RADIUS_M = 6_371_000.0
GRAVITY = np.array([0.0, 0.0, -G])
CENTRE_OFFSET = np.array([0.0, 0.0, RADIUS_M])  # the sphere's centre is this far below


def test_on_the_sphere_the_impact_lies_on_the_ground_and_beyond_the_flat_one():
    # Diving at 1.5 km/s from 40 km, 80 km east of the origin: the ground curves away.
    position = np.array([[80_000.0, 0.0, 40_000.0]])
    velocity = np.array([[1_000.0, 300.0, -1_100.0]])
    flat_point, flat_time = ballistic_impact(position, velocity, GRAVITY[None], 900.0)
    point, time = ballistic_impact(position, velocity, GRAVITY[None], 900.0, RADIUS_M)
    radius = np.linalg.norm(point[0] + CENTRE_OFFSET)
    assert radius == pytest.approx(RADIUS_M + 900.0, abs=1e-3)
    assert time[0] > flat_time[0]
    # Bisection on the height above the sphere gives the same time.
    low, high = 0.0, 200.0
    for _ in range(200):
        middle = 0.5 * (low + high)
        at = position[0] + velocity[0] * middle + 0.5 * GRAVITY * middle**2
        if np.linalg.norm(at + CENTRE_OFFSET) > RADIUS_M + 900.0:
            low = middle
        else:
            high = middle
    assert time[0] == pytest.approx(low, abs=1e-6)
    assert np.linalg.norm(point[0, :2] - flat_point[0, :2]) > 10.0


def test_tracks_without_a_downward_acceleration_have_no_ballistic_impact():
    position = np.array([[0.0, 0.0, 5_000.0], [1_000.0, 0.0, 0.0]])
    velocity = np.array([[200.0, 0.0, 0.0], [200.0, 0.0, -10.0]])
    acceleration = np.array([[0.0, 0.0, 0.0], GRAVITY])
    point, time = ballistic_impact(position, velocity, acceleration)
    assert np.isnan(time[0]) and np.isnan(point[0]).all()
    assert time[1] == 0.0 and point[1].tolist() == position[1].tolist()  # already down


def test_inputs_are_not_modified():
    position = np.array([[0.0, 0.0, 30_000.0]])
    velocity = np.array([[900.0, 0.0, -500.0]])
    acceleration = GRAVITY[None].copy()
    copies = [a.copy() for a in (position, velocity, acceleration)]
    ballistic_impact(position, velocity, acceleration, 100.0, RADIUS_M)
    for array, copy in zip((position, velocity, acceleration), copies, strict=True):
        assert np.array_equal(array, copy)
