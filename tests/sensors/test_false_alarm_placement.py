"""The compiled range limit of a surveillance volume is bit for bit the NumPy reference."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.sensors.false_alarms import SurveillanceVolume, elevation_grid, place_false_alarms

VOLUMES = [
    # antenna height, max range, min and max elevation, ceiling
    SurveillanceVolume(25.0, 400e3, np.deg2rad(-1.0), np.deg2rad(75.0), 0.0, 2 * np.pi, 40e3),
    SurveillanceVolume(12.0, 40e3, np.deg2rad(-2.0), np.deg2rad(70.0), 1.0, 1.5, 10e3),
    SurveillanceVolume(0.0, 100e3, -np.pi / 2, np.pi / 2, 0.0, 2 * np.pi, 5e3),
    # A ceiling below the antenna: the ray looking down reaches it first.
    SurveillanceVolume(3000.0, 300e3, -np.pi / 2, np.pi / 2, 0.0, 2 * np.pi, 1000.0),
]


@pytest.mark.parametrize("volume", VOLUMES)
def test_compiled_range_limit_is_the_reference_bit_for_bit(volume):
    rng = np.random.default_rng(5)
    elevation = np.concatenate([
        rng.uniform(-np.pi / 2, np.pi / 2, 20_000),
        rng.uniform(-0.05, 0.05, 20_000),
        [0.0, -0.0, np.pi / 2, -np.pi / 2, 1e-12, -1e-12, volume.min_elevation_rad,
         volume.max_elevation_rad]])
    compiled = volume.range_limit_m(elevation)
    reference = volume.range_limit_reference_m(elevation)
    assert compiled.dtype == reference.dtype and compiled.shape == reference.shape
    assert np.array_equal(compiled, reference, equal_nan=True)
    # Shapes other than flat keep their shape.
    grid = elevation[:20].reshape(4, 5)
    assert np.array_equal(volume.range_limit_m(grid), volume.range_limit_reference_m(grid),
                          equal_nan=True)


def test_the_limit_follows_the_volume():
    """Changing the ceiling or the range changes the limit (nothing is cached per volume)."""
    base = VOLUMES[0]
    elevation = np.deg2rad(np.array([-0.5, 0.0, 1.0, 10.0, 60.0]))
    lower = SurveillanceVolume(base.antenna_height_m, base.max_range_m, base.min_elevation_rad,
                               base.max_elevation_rad, 0.0, 2 * np.pi, 5e3)
    shorter = SurveillanceVolume(base.antenna_height_m, 50e3, base.min_elevation_rad,
                                 base.max_elevation_rad, 0.0, 2 * np.pi, 40e3)
    for changed in (lower, shorter):
        assert not np.array_equal(changed.range_limit_m(elevation), base.range_limit_m(elevation))
        assert np.array_equal(changed.range_limit_m(elevation),
                              changed.range_limit_reference_m(elevation))


def test_placement_is_unchanged_by_the_compiled_limit(monkeypatch):
    """Plots placed with the compiled limit are those placed with the reference."""
    volume = VOLUMES[1]
    low, weight = elevation_grid(volume)
    cumulative = np.cumsum(weight) / weight.sum()
    compiled = place_false_alarms(np.random.default_rng(3), 500, volume, low, cumulative)
    monkeypatch.setattr(SurveillanceVolume, "range_limit_m",
                        SurveillanceVolume.range_limit_reference_m)
    reference = place_false_alarms(np.random.default_rng(3), 500, volume, low, cumulative)
    assert np.array_equal(compiled, reference)
