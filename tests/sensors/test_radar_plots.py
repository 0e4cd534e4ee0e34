"""The compiled assembly of a step's plots (:func:`iadsim.sensors.radar._plots`) gives,
bit for bit and in the same order, what the NumPy form it replaced (2026-12-01) gave:
errors at each look's SNR, noise and bias applied to detections, range floored at 1 m,
azimuth wrapped, then detections and false alarms sorted row by row."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.sensors.accuracy import measurement_sigmas
from iadsim.sensors.radar import _plots


def numpy_plots(radars, detection_row, column, ids, measured, snr, noise, alarms, alarm_row,
                sigma_floor, accuracy_scale, threshold_snr, bias, has_bias):
    """The form of RadarNetwork._looks up to 2026-12-01."""
    detected = detection_row.size
    radar_of = radars[detection_row]
    snr_db = 10.0 * np.log10(snr)
    threat_id = ids[column]
    row_of = detection_row
    measured = measured.copy()
    if alarm_row.size:
        alarm_radar = radars[alarm_row]
        row_of = np.concatenate([row_of, alarm_row])
        radar_of = np.concatenate([radar_of, alarm_radar])
        measured = np.concatenate([measured, alarms])
        snr = np.concatenate([snr, threshold_snr[alarm_radar]])
        snr_db = np.concatenate([snr_db, np.full(alarm_radar.size, np.nan)])
        threat_id = np.concatenate([threat_id, np.full(alarm_radar.size, -1)])
    sigmas = measurement_sigmas(snr, sigma_floor[radar_of], accuracy_scale[radar_of])
    plots = measured[:detected]
    plots += sigmas[:detected] * noise
    if has_bias:
        plots += bias[radar_of[:detected]]
    measured[:, 0] = np.maximum(measured[:, 0], 1.0)
    measured[:, 1] = np.mod(measured[:, 1], 2 * np.pi)
    order = row_of.argsort(kind="stable")
    return (order, row_of[order], radar_of[order], measured[order], sigmas[order],
            snr_db[order], threat_id[order])


@pytest.mark.parametrize("seed", range(25))
def test_plots_are_the_numpy_form_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    n_radars, rows, threats = rng.integers(1, 6), rng.integers(1, 9), rng.integers(0, 30)
    radars = rng.integers(0, n_radars, rows)
    ids = rng.permutation(threats + 5)[:threats]
    detected = int(rng.integers(0, rows * threats + 1)) if threats else 0
    detection_row = np.sort(rng.integers(0, rows, detected))
    column = rng.integers(0, max(threats, 1), detected)
    measured = np.column_stack([rng.uniform(-50.0, 2e5, detected),  # a few below 1 m
                                rng.uniform(-0.5, 2 * np.pi + 0.5, detected),
                                rng.uniform(-0.1, 1.2, detected)])
    snr = rng.lognormal(2.0, 2.0, detected) * (rng.random(detected) > 0.05)  # zeros too
    snr[snr == 0.0] = 1e-6
    noise = rng.standard_normal((detected, 3))
    alarm_count = int(rng.integers(0, 12))
    alarm_row = np.sort(rng.integers(0, rows, alarm_count))
    alarms = np.column_stack([rng.uniform(1.0, 2e5, alarm_count),
                              rng.uniform(0.0, 2 * np.pi, alarm_count),
                              rng.uniform(0.0, 1.0, alarm_count)])
    sigma_floor = rng.uniform(1.0, 50.0, (n_radars, 3)) * [1.0, 1e-3, 1e-3]
    accuracy_scale = rng.uniform(0.0, 150.0, (n_radars, 3)) * [1.0, 1e-2, 1e-2]
    accuracy_scale[0] = 0.0  # a radar without beam parameters
    threshold_snr = rng.uniform(5.0, 30.0, n_radars)
    bias = rng.normal(0.0, 1.0, (n_radars, 3)) * [40.0, 1e-3, 1e-3]
    for has_bias in (False, True):
        expected = numpy_plots(radars, detection_row, column, ids, measured, snr, noise,
                               alarms, alarm_row, sigma_floor, accuracy_scale, threshold_snr,
                               bias, has_bias)
        found = _plots(radars, detection_row, column, ids, measured.copy(), snr,
                       10.0 * np.log10(snr), noise, alarms, alarm_row, sigma_floor,
                       accuracy_scale, threshold_snr, bias, has_bias)
        for got, want in zip(found[:7], expected, strict=True):
            assert got.shape == want.shape
            assert got.tobytes() == want.astype(got.dtype).tobytes()
        assert found[7].tolist() == np.bincount(expected[1], minlength=rows).tolist()


def test_a_row_s_detections_come_before_its_false_alarms():
    radars = np.array([2, 0])
    found = _plots(radars, np.array([0, 1, 1]), np.array([0, 1, 0]), np.array([7, 9]),
                   np.full((3, 3), 0.5) * [1e4, 1.0, 0.1], np.full(3, 100.0),
                   np.full(3, 20.0), np.zeros((3, 3)), np.full((2, 3), 0.5) * [1e4, 1.0, 0.1],
                   np.array([0, 1]), np.ones((3, 3)), np.zeros((3, 3)), np.full(3, 10.0),
                   np.zeros((3, 3)), False)
    order, row_of, radar_of, _, _, snr_db, threat_id, per_row = found
    assert order.tolist() == [0, 3, 1, 2, 4]
    assert row_of.tolist() == [0, 0, 1, 1, 1]
    assert radar_of.tolist() == [2, 2, 0, 0, 0]
    assert threat_id.tolist() == [7, -1, 9, 7, -1]
    assert np.isnan(snr_db[[1, 4]]).all() and (snr_db[[0, 2, 3]] == 20.0).all()
    assert per_row.tolist() == [2, 3]
