"""The radar network's detections: Pd against range, horizon and elevation limits,
measurement noise, false alarms, and the shape of what a scan returns.

The radar sits at the scenario origin. Targets are placed in the scenario ENU frame at a
chosen slant range, azimuth and elevation from the antenna; their height above ground
comes from the frame's own conversion (``LocalFrame.to_geodetic``). Expected Pd values are
the closed-form Swerling 1 ones; statistical checks use fixed seeds and a tolerance of
about 4.5 binomial (or Poisson, or sampling) standard deviations.
"""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.events import EventKind, EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.sensors.radar import DetectionBatch, RadarNetwork, RadarSite, radar_sites
from iadsim.world.geodesy import LocalFrame

LAT, LON = 42.0, 35.0
FRAME = LocalFrame(LAT, LON, 0.0)


def radar(name: str = "r", **fields) -> dict:
    base = {"name": name, "lat_deg": LAT, "lon_deg": LON, "height_m": 20.0,
            "ref_range_km": 100.0, "ref_rcs_m2": 1.0, "ref_pd": 0.5, "pfa": 1e-6,
            "max_range_km": 400.0, "revisit_s": 1.0, "min_elevation_deg": -1.0,
            "max_elevation_deg": 80.0, "range_sigma_m": 50.0, "azimuth_sigma_deg": 0.2,
            "elevation_sigma_deg": 0.3, "resolution_cells": 0.0}
    return {**base, **fields}


def network(*radars: dict, seed: int = 1) -> tuple[RadarNetwork, EventLog, RadarSite]:
    """A network of the given radars, its log, and the first radar's site."""
    scenario = scenario_from_dict({
        "name": "radar-test", "origin": {"lat_deg": LAT, "lon_deg": LON},
        "sim": {"duration_s": 10_000.0}, "sensors": list(radars)})
    log = EventLog([r["name"] for r in radars], [], [])
    sites = radar_sites(scenario, FRAME)
    return RadarNetwork(sites, seed, 0.0), log, sites[0]


def targets(site: RadarSite, slant_m, elevation_deg, count: int, seed: int = 0):
    """``count`` targets at a slant range and elevation from a radar, random azimuths.

    Returns ENU positions (count, 3) and heights above ground (count,)."""
    azimuth = np.random.default_rng(seed).uniform(0.0, 2 * np.pi, count)
    elevation = np.radians(np.broadcast_to(elevation_deg, (count,)))
    slant = np.broadcast_to(slant_m, (count,))
    local = np.stack([slant * np.cos(elevation) * np.sin(azimuth),
                      slant * np.cos(elevation) * np.cos(azimuth),
                      slant * np.sin(elevation)], axis=1)
    position = site.position_enu_m + local @ site.to_local  # radar ENU -> scenario ENU
    _, _, height = FRAME.to_geodetic(position)
    return position, np.asarray(height)


def scan_all(net, log, position, height, rcs, times) -> list[DetectionBatch]:
    ids = np.arange(position.shape[0])
    return [b for t in times for b in net.scan(float(t), position, height, rcs, ids, log)]


def detected_fraction(slant_m: float, scans: int = 10, count: int = 2_000) -> float:
    net, log, site = network(radar())
    position, height = targets(site, slant_m, 2.0, count)
    batches = scan_all(net, log, position, height, np.ones(count), np.arange(1.0, scans + 1))
    assert len(batches) == scans  # one batch per scan: revisit 1 s, scans every second
    return sum(b.size for b in batches) / (scans * count)


def swerling1_pd(snr: float, pfa: float) -> float:
    return pfa ** (1.0 / (1.0 + snr))


def test_pd_at_the_reference_range_is_the_reference_pd():
    pd = detected_fraction(100_000.0)
    assert abs(pd - 0.5) < 4.5 * np.sqrt(0.25 / 20_000)


@pytest.mark.parametrize("range_factor", [0.6, 1.5])
def test_pd_scales_with_range_as_a_swerling1_target(range_factor):
    reference_snr = np.log(1e-6) / np.log(0.5) - 1.0
    expected = swerling1_pd(reference_snr / range_factor**4, 1e-6)
    pd = detected_fraction(100_000.0 * range_factor)
    assert abs(pd - expected) < 4.5 * np.sqrt(expected * (1 - expected) / 20_000) + 1e-3


def test_a_target_beyond_the_four_thirds_earth_horizon_is_never_seen():
    # Ref range 2,000 km: in view, every target would be seen with Pd ~ 1.
    net, log, _ = network(radar(ref_range_km=2_000.0))
    # 20 m antenna, 200 m target: horizon 18.4 + 58.3 km = 76.7 km (4/3 earth).
    east = np.array([[100_000.0, 0.0, 0.0], [60_000.0, 0.0, 0.0]])
    lat, lon, _ = FRAME.to_geodetic(east)
    position = FRAME.to_enu(lat, lon, np.array([200.0, 200.0]))
    height = np.array([200.0, 200.0])
    batches = scan_all(net, log, position, height, np.full(2, 10.0), np.arange(1.0, 31.0))
    seen = np.concatenate([b.threat_id for b in batches])
    assert (seen == 1).sum() == 30  # inside the horizon: every scan
    assert (seen == 0).sum() == 0  # 100 km out, within max range, below the horizon: never


def test_a_target_below_the_minimum_elevation_is_never_seen():
    net, log, site = network(radar(ref_range_km=2_000.0, min_elevation_deg=3.0))
    low, low_height = targets(site, 20_000.0, 1.5, 50, seed=1)
    high, high_height = targets(site, 20_000.0, 4.5, 50, seed=2)
    position, height = np.concatenate([low, high]), np.concatenate([low_height, high_height])
    batches = scan_all(net, log, position, height, np.full(100, 10.0), np.arange(1.0, 21.0))
    seen = np.concatenate([b.threat_id for b in batches])
    assert (seen < 50).sum() == 0
    assert (seen >= 50).sum() == 50 * 20


def test_a_target_beyond_the_instrumented_range_is_never_seen():
    net, log, site = network(radar(ref_range_km=5_000.0, max_range_km=150.0))
    position, height = targets(site, np.array([140e3, 160e3]), 8.0, 2)
    batches = scan_all(net, log, position, height, np.full(2, 10.0), np.arange(1.0, 21.0))
    seen = np.concatenate([b.threat_id for b in batches])
    assert (seen == 0).sum() == 20 and (seen == 1).sum() == 0


def test_measurement_errors_have_the_stated_sigmas_and_no_bias():
    net, log, site = network(radar(ref_range_km=5_000.0, range_sigma_m=80.0,
                             azimuth_sigma_deg=0.5, elevation_sigma_deg=0.25))
    count = 5_000
    position, height = targets(site, 60_000.0, 5.0, count)
    local = (position - site.position_enu_m) @ site.to_local.T
    truth_range = np.linalg.norm(local, axis=1)
    truth_azimuth = np.arctan2(local[:, 0], local[:, 1])
    truth_elevation = np.arcsin(local[:, 2] / truth_range)
    (batch,) = scan_all(net, log, position, height, np.full(count, 10.0), [1.0])
    assert batch.size == count
    ids = batch.threat_id
    range_error = batch.range_m - truth_range[ids]
    azimuth_error = np.angle(np.exp(1j * (batch.azimuth_rad - truth_azimuth[ids])))
    elevation_error = batch.elevation_rad - truth_elevation[ids]
    tolerance = 4.5 / np.sqrt(2 * count)  # relative sampling error of a std
    assert range_error.std() == pytest.approx(80.0, rel=tolerance)
    assert azimuth_error.std() == pytest.approx(np.radians(0.5), rel=tolerance)
    assert elevation_error.std() == pytest.approx(np.radians(0.25), rel=tolerance)
    assert abs(range_error.mean()) < 4.5 * 80.0 / np.sqrt(count)


def test_false_alarms_average_pfa_times_resolution_cells():
    # pfa x resolution cells = 3 false alarms a scan.
    net, log, _ = network(radar(pfa=2e-6, resolution_cells=1.5e6, max_range_km=250.0))
    scans = 400
    batches = scan_all(net, log, np.zeros((0, 3)), np.zeros(0), np.zeros(0),
                       np.arange(1.0, scans + 1))
    alarms = sum(b.size for b in batches)
    assert abs(alarms / scans - 3.0) < 4.5 * np.sqrt(3.0 / scans)
    for batch in batches:
        assert (batch.threat_id == -1).all() and np.isnan(batch.snr_db).all()
        assert (batch.range_m <= 250e3).all()
    assert log.count(EventKind.FALSE_ALARM) == alarms
    assert log.count(EventKind.DETECTION) == 0


def test_a_batch_is_shaped_and_logged_as_documented():
    net, log, site = network(radar(ref_range_km=5_000.0, resolution_cells=0.0))
    position, height = targets(site, 40_000.0, 3.0, 7)
    (batch,) = scan_all(net, log, position, height, np.full(7, 10.0), [1.0])
    assert batch.radar_index == 0 and batch.time_s == 1.0 and batch.size == 7
    for name in ("range_m", "azimuth_rad", "elevation_rad", "snr_db", "threat_id"):
        assert getattr(batch, name).shape == (7,), name
    assert batch.position_m.shape == (7, 3) and batch.position_cov_m2.shape == (7, 3, 3)
    np.testing.assert_allclose(batch.position_cov_m2,
                               np.swapaxes(batch.position_cov_m2, 1, 2), rtol=1e-9)
    assert (np.linalg.eigvalsh(batch.position_cov_m2) > 0).all()
    assert sorted(batch.threat_id.tolist()) == list(range(7))
    # The converted position is near the truth (a few sigma of 50 m and 0.2 deg x 40 km).
    assert np.linalg.norm(batch.position_m - position[batch.threat_id], axis=1).max() < 1_000
    assert log.count(EventKind.DETECTION) == 7


def test_only_the_visible_ids_are_scanned_and_ids_are_kept():
    net, log, site = network(radar(ref_range_km=5_000.0))
    position, height = targets(site, 30_000.0, 5.0, 6)
    visible = np.array([5, 1, 3])
    batches = net.scan(1.0, position, height, np.full(6, 10.0), visible, log)
    (batch,) = batches
    assert sorted(batch.threat_id.tolist()) == [1, 3, 5]
    for threat in (1, 3, 5):
        row = np.flatnonzero(batch.threat_id == threat)[0]
        assert np.linalg.norm(batch.position_m[row] - position[threat]) < 500.0


def test_scan_leaves_its_inputs_unchanged():
    net, log, site = network(radar(ref_range_km=5_000.0, resolution_cells=1e6))
    position, height = targets(site, 30_000.0, 5.0, 20)
    rcs, ids = np.full(20, 3.0), np.arange(20)
    copies = [a.copy() for a in (position, height, rcs, ids)]
    for t in np.arange(1.0, 6.0):
        net.scan(float(t), position, height, rcs, ids, log)
    for before, after in zip(copies, (position, height, rcs, ids), strict=True):
        np.testing.assert_array_equal(before, after)
