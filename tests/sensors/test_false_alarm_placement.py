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


def numpy_placement(rng: np.random.Generator, count: int, volume: SurveillanceVolume,
                    bin_low_rad: np.ndarray, bin_cumulative: np.ndarray) -> np.ndarray:
    """The NumPy form of :func:`place_false_alarms` (iadsim up to 2026-12-01)."""
    bins = np.minimum(np.searchsorted(bin_cumulative, rng.random(count), side="right"),
                      bin_low_rad.size - 1)
    width = (volume.max_elevation_rad - volume.min_elevation_rad) / bin_low_rad.size
    elevation = bin_low_rad[bins] + width * rng.random(count)
    range_m = np.maximum(volume.range_limit_reference_m(elevation) * rng.random(count), 1.0)
    azimuth = np.mod(volume.sector_center_rad
                     + volume.sector_width_rad * (rng.random(count) - 0.5), 2.0 * np.pi)
    return np.stack([range_m, azimuth, elevation], axis=-1)


@pytest.mark.parametrize("volume", [*VOLUMES,
                                    SurveillanceVolume(10.0, 60e3, 0.0, 0.5, 6.0, 1.0, 8e3)])
def test_placement_is_the_numpy_form_bit_for_bit(volume):
    """Same plots and the generator left in the same state, scan after scan."""
    low, weight = elevation_grid(volume)
    cumulative = np.cumsum(weight) / weight.sum()
    compiled_rng, reference_rng = np.random.default_rng(3), np.random.default_rng(3)
    for count in [0, 1, 2, 3, 5, 8, 13, 1000, 4]:
        compiled = place_false_alarms(compiled_rng, count, volume, low, cumulative)
        reference = numpy_placement(reference_rng, count, volume, low, cumulative)
        assert compiled.shape == (count, 3)
        assert np.array_equal(compiled, reference)
        assert compiled_rng.random() == reference_rng.random()
    assert (compiled[:, 1] >= 0.0).all() and (compiled[:, 1] < 2 * np.pi).all()


def test_the_radars_of_a_look_placed_together_are_each_placed_alone_bit_for_bit():
    """place_false_alarms_of_volumes over several volumes (bins of different lengths,
    plots of each volume interleaved as a look orders them) gives each plot exactly what
    place_false_alarms gives it for its volume alone, from the same uniforms."""
    from iadsim.sensors.false_alarms import place_false_alarms_of_volumes, placement_tables

    volumes = [*VOLUMES, SurveillanceVolume(10.0, 60e3, 0.0, 0.5, 6.0, 1.0, 8e3)]
    bins = []
    for volume in volumes:
        low, weight = elevation_grid(volume)
        bins.append((low, np.cumsum(weight) / weight.sum()))
    assert len({low.size for low, _ in bins}) > 1  # the tables are padded
    tables = placement_tables(volumes, bins)
    counts = [3, 0, 7, 1, 250]
    rngs = [np.random.default_rng(11 + index) for index in range(len(volumes))]
    uniforms = [rng.random((4, count)) for rng, count in zip(rngs, counts, strict=True)]
    together = place_false_alarms_of_volumes(
        np.concatenate(uniforms, axis=1), np.repeat(np.arange(len(volumes)), counts), tables)
    alone = [place_false_alarms(np.random.default_rng(11 + index), count, volume, *bins[index])
             for index, (volume, count) in enumerate(zip(volumes, counts, strict=True))]
    assert together.shape == (sum(counts), 3)
    assert np.array_equal(together, np.concatenate(alone))
