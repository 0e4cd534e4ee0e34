"""Tables a run's radars make once per process: the same values as made afresh, read-only,
and a different table as soon as an input changes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from iadsim.sensors import radar as radar_module
from iadsim.sensors.detection import probability_of_detection, required_snr_db
from iadsim.sensors.detection_table import TABLE_SNR_DB, steady_pd_table
from iadsim.sensors.false_alarms import (
    SurveillanceVolume,
    elevation_grid,
    elevation_grid_uncached,
)

VOLUME = SurveillanceVolume(12.0, 40e3, np.deg2rad(-2.0), np.deg2rad(70.0), 1.0, 1.5, 10e3)


def test_steady_pd_table_is_the_uncached_table_and_read_only():
    table = steady_pd_table(1e-6, 10)
    assert np.array_equal(table, probability_of_detection(TABLE_SNR_DB, 1e-6, 10, 0))
    assert steady_pd_table(1e-6, 10) is table  # made once
    with pytest.raises(ValueError):
        table[0] = 0.5


@pytest.mark.parametrize("pfa, pulses", [(1e-5, 10), (1e-6, 9)])
def test_steady_pd_table_changes_with_pfa_and_pulses(pfa, pulses):
    changed = steady_pd_table(pfa, pulses)
    assert not np.array_equal(changed, steady_pd_table(1e-6, 10))
    assert np.array_equal(changed, probability_of_detection(TABLE_SNR_DB, pfa, pulses, 0))


def test_elevation_grid_is_the_uncached_grid_and_read_only():
    low, weight = elevation_grid(VOLUME)
    fresh_low, fresh_weight = elevation_grid_uncached(VOLUME)
    assert np.array_equal(low, fresh_low) and np.array_equal(weight, fresh_weight)
    assert elevation_grid(VOLUME)[1] is weight
    with pytest.raises(ValueError):
        weight[0] = 1.0


@pytest.mark.parametrize("field, value", [
    ("antenna_height_m", 13.0), ("max_range_m", 30e3), ("min_elevation_rad", -0.01),
    ("max_elevation_rad", 1.0), ("max_altitude_m", 9e3)])
def test_elevation_grid_follows_every_field_of_the_volume(field, value):
    changed = dataclasses.replace(VOLUME, **{field: value})
    low, weight = elevation_grid(changed)
    fresh_low, fresh_weight = elevation_grid_uncached(changed)
    assert np.array_equal(low, fresh_low) and np.array_equal(weight, fresh_weight)
    base_low, base_weight = elevation_grid(VOLUME)
    assert not (np.array_equal(low, base_low) and np.array_equal(weight, base_weight))


def test_required_snr_of_a_radar_is_solved_once_with_the_same_value():
    arguments = (0.9, 1e-6, 10, 1)
    first = radar_module._required_snr_db(*arguments)
    assert first == float(required_snr_db(*arguments))
    assert radar_module._required_snr_db(*arguments) == first
    assert radar_module._required_snr_db(0.8, 1e-6, 10, 1) != first
    assert radar_module._required_snr_db(0.9, 1e-6, 10, 2) != first
