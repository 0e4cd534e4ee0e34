"""The simulation's detection model against the public detection functions: Swerling
fluctuation drawn per look and n pulses per dwell give the Pd of probability_of_detection;
errors that follow SNR; false alarms counted and placed in the surveillance volume; the
azimuth sector. Statistical checks use fixed seeds and about 4.5 standard deviations."""

from __future__ import annotations

import numpy as np
import pytest
from tests.sensors.test_radar_network import network, radar, scan_all, targets

from iadsim.events import EventKind
from iadsim.sensors.detection import probability_of_detection, required_snr_db
from iadsim.sensors.detection_table import TABLE_SNR_DB, steady_pd_table
from iadsim.sensors.false_alarms import resolution_cells

BEAM = {"range_resolution_m": 150.0, "azimuth_beamwidth_deg": 1.5,
        "elevation_beamwidth_deg": 2.0}


@pytest.mark.parametrize("swerling", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("pulses", [1, 4])
def test_detection_rate_is_the_swerling_pd_of_probability_of_detection(swerling, pulses):
    net, log, site = network(radar(swerling=swerling, pulses_per_dwell=pulses))
    count, scans, slant = 2_000, 10, 115_000.0
    position, height = targets(site, slant, 2.0, count)
    batches = scan_all(net, log, position, height, np.ones(count), np.arange(1.0, scans + 1))
    rate = sum(b.size for b in batches) / (count * scans)
    # The reference point (Pd 0.5 at 100 km) sets the single-pulse SNR; R^-4 from there.
    snr_db = (float(required_snr_db(0.5, 1e-6, pulses, swerling))
              - 40 * np.log10(slant / 100_000.0))
    expected = float(probability_of_detection(snr_db, 1e-6, pulses, swerling))
    assert abs(rate - expected) < 4.5 * np.sqrt(expected * (1 - expected) / (count * scans))


def test_the_tabulated_steady_pd_interpolates_within_1e_5():
    """The kernel's table, linear in dB, against the exact function between grid points."""
    for pfa, pulses in ((1e-6, 1), (1e-4, 10), (1e-8, 30)):
        table = steady_pd_table(pfa, pulses)
        middle = 0.5 * (TABLE_SNR_DB[:-1] + TABLE_SNR_DB[1:])
        exact = probability_of_detection(middle, pfa, pulses, 0)
        assert np.abs(0.5 * (table[:-1] + table[1:]) - exact).max() < 1e-5


def errors_at(slant_m: float, count: int = 4_000) -> tuple[float, float]:
    net, log, site = network(radar(ref_range_km=100.0, swerling=0, **BEAM))
    position, height = targets(site, slant_m, 3.0, count)
    local = (position - site.position_enu_m) @ site.to_local.T
    truth_range = np.linalg.norm(local, axis=1)
    truth_azimuth = np.arctan2(local[:, 0], local[:, 1])
    batches = scan_all(net, log, position, height, np.ones(count), [1.0])
    batch = batches[0]
    range_error = batch.range_m - truth_range[batch.threat_id]
    azimuth_error = np.angle(np.exp(1j * (batch.azimuth_rad - truth_azimuth[batch.threat_id])))
    return float(range_error.std()), float(azimuth_error.std())


def test_errors_follow_snr_and_stop_at_the_floor():
    """Skolnik (2001) sec. 6.3: sigma = resolution / sqrt(2 SNR) (angle: beamwidth / 1.6),
    with the floor in quadrature. Near the radar the floor dominates; at 95 km (dwell SNR
    about 14 dB) the thermal term does. rtol 10 %."""
    near_range, near_azimuth = errors_at(10_000.0)
    far_range, far_azimuth = errors_at(95_000.0)
    assert near_range == pytest.approx(50.0, rel=0.1)
    assert near_azimuth == pytest.approx(np.radians(0.2), rel=0.1)
    snr = 10 ** ((float(required_snr_db(0.5, 1e-6)) - 40 * np.log10(0.95)) / 10)
    expected_range = np.hypot(50.0, 150.0 / np.sqrt(2 * snr))
    expected_azimuth = np.hypot(np.radians(0.2), np.radians(1.5) / 1.6 / np.sqrt(2 * snr))
    assert far_range == pytest.approx(expected_range, rel=0.1)
    assert far_azimuth == pytest.approx(expected_azimuth, rel=0.1)
    assert far_range > 1.1 * near_range


def test_false_alarms_come_from_the_volume_cells_and_stay_inside_it():
    fields = {**BEAM, "resolution_cells": None, "pfa": 1e-6, "max_range_km": 600.0,
              "max_elevation_deg": 75.0, "max_altitude_m": 30_000.0,
              "sector_center_deg": 90.0, "sector_width_deg": 120.0}
    net, log, site = network(radar(**fields))
    cells = resolution_cells(site.volume, 150.0, np.radians(1.5), np.radians(2.0))
    assert site.false_alarms_per_scan == pytest.approx(1e-6 * cells)
    # 600 km / 150 m range cells, 80 azimuth beams; the 30 km ceiling cuts the high beams.
    assert 5e5 < cells < 4000 * 80 * 38
    scans = 300
    batches = scan_all(net, log, np.zeros((0, 3)), np.zeros(0), np.zeros(0),
                       np.arange(1.0, scans + 1))
    alarms = np.concatenate([b.position_m for b in batches])
    mean = site.false_alarms_per_scan
    assert abs(alarms.shape[0] / scans - mean) < 4.5 * np.sqrt(mean / scans)
    assert log.count(EventKind.FALSE_ALARM) == alarms.shape[0]
    ranges = np.concatenate([b.range_m for b in batches])
    azimuth = np.degrees(np.concatenate([b.azimuth_rad for b in batches]))
    elevation = np.degrees(np.concatenate([b.elevation_rad for b in batches]))
    assert ranges.max() <= 600e3 and elevation.min() >= -1.0 and elevation.max() <= 75.0
    assert azimuth.min() >= 30.0 - 1.0 and azimuth.max() <= 150.0 + 1.0
    # Plots are placed before measurement noise: their true altitude is under the ceiling.
    # Allow the noise of a threshold-level plot (elevation sigma x range).
    from iadsim.world.geodesy import LocalFrame

    _, _, altitude = LocalFrame(42.0, 35.0, 0.0).to_geodetic(alarms)
    assert np.asarray(altitude).max() < 30_000.0 + 600e3 * np.radians(0.6)
    assert np.asarray(altitude).min() > -600e3 * np.radians(0.6)
    # Cells are uniform in range and angle; the ceiling shortens the high beams, so far
    # plots are all at low elevation.
    assert ranges.max() > 400e3
    assert elevation[ranges > 300e3].max() < 5.0


def test_a_target_outside_the_sector_is_never_seen():
    net, log, _ = network(radar(ref_range_km=2_000.0, sector_center_deg=0.0,
                                sector_width_deg=90.0))
    north = np.array([[0.0, 50_000.0, 3_000.0], [50_000.0, 0.0, 3_000.0],
                      [-30_000.0, 40_000.0, 3_000.0]])  # 0, 90 and -37 degrees
    batches = scan_all(net, log, north, np.full(3, 3_000.0), np.full(3, 10.0),
                       np.arange(1.0, 11.0))
    seen = np.concatenate([b.threat_id for b in batches])
    assert (seen == 0).sum() == 10 and (seen == 2).sum() == 10 and (seen == 1).sum() == 0
