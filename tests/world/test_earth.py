"""The effective earth and the radar horizon: monotone, broadcasting, clipped at the ground."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.world.earth import (
    EARTH_RADIUS_M,
    FOUR_THIRDS,
    effective_earth_radius_m,
    radar_horizon_m,
)


def test_horizon_grows_with_each_height():
    heights = np.array([0.0, 1.0, 10.0, 100.0, 1_000.0, 10_000.0, 30_000.0])
    along_target = radar_horizon_m(20.0, heights)
    along_antenna = radar_horizon_m(heights, 20.0)
    assert (np.diff(along_target) > 0).all()
    np.testing.assert_allclose(along_antenna, along_target)  # symmetric in the two heights


def test_horizon_of_two_ground_level_points_is_zero_and_heights_add_as_tangents():
    assert radar_horizon_m(0.0, 0.0) == 0.0
    one, other = radar_horizon_m(30.0, 0.0), radar_horizon_m(0.0, 500.0)
    assert radar_horizon_m(30.0, 500.0) == pytest.approx(one + other, rel=1e-12)
    # sqrt(2 k a h) at small heights: 30 m antenna ~ 22.6 km on the 4/3 earth.
    assert one == pytest.approx(np.sqrt(2 * FOUR_THIRDS * EARTH_RADIUS_M * 30.0), rel=1e-5)


def test_heights_below_the_ground_are_clipped_to_it():
    np.testing.assert_allclose(radar_horizon_m(np.array([-50.0, 0.0]), 100.0),
                               radar_horizon_m(0.0, 100.0))


def test_horizon_broadcasts_over_arrays_and_leaves_them_unchanged():
    antenna = np.array([[10.0], [20.0], [40.0]])
    target = np.array([0.0, 100.0, 1_000.0, 5_000.0])
    copies = antenna.copy(), target.copy()
    horizon = radar_horizon_m(antenna, target)
    assert horizon.shape == (3, 4)
    for row in range(3):
        for column in range(4):
            assert horizon[row, column] == radar_horizon_m(antenna[row, 0], target[column])
    np.testing.assert_array_equal(antenna, copies[0])
    np.testing.assert_array_equal(target, copies[1])
    assert radar_horizon_m([5.0, 6.0], [7.0, 8.0]).shape == (2,)


def test_a_larger_effective_earth_sees_farther():
    assert radar_horizon_m(20.0, 1_000.0, k=2.0) > radar_horizon_m(20.0, 1_000.0) > (
        radar_horizon_m(20.0, 1_000.0, k=1.0))


def test_effective_radius_is_k_times_the_earth_radius_and_k_must_be_positive():
    assert effective_earth_radius_m() == pytest.approx(FOUR_THIRDS * EARTH_RADIUS_M)
    assert effective_earth_radius_m(1.0) == EARTH_RADIUS_M
    for bad in (0.0, -1.0):
        with pytest.raises(ValueError, match="k must be > 0"):
            effective_earth_radius_m(bad)
        with pytest.raises(ValueError, match="k must be > 0"):
            radar_horizon_m(10.0, 10.0, k=bad)
