"""The central tracker: confirmation, convergence, no swaps, deletion, the picture."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from iadsim.engine.events import EventKind, EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.loader import builtin_text
from iadsim.scenario.schema import Tracking
from iadsim.sensors.measurements import converted_measurement
from iadsim.sensors.radar import DetectionBatch, radar_sites
from iadsim.tracking.association import gated_pairs
from iadsim.tracking.tracker import CONFIRMED, CentralTracker
from iadsim.world.geodesy import LocalFrame


@pytest.fixture(scope="module")
def site():
    scenario = scenario_from_dict(yaml.safe_load(builtin_text("sinop-trial")))
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg)
    return radar_sites(scenario, frame)[1]  # the engagement radar: 20 m, 0.05 deg


def measure(site, truth: np.ndarray, time_s: float, rng) -> DetectionBatch:
    local = (truth - site.position_enu_m) @ site.to_local.T
    slant = np.linalg.norm(local, axis=1)
    azimuth = np.mod(np.arctan2(local[:, 0], local[:, 1]), 2 * np.pi)
    elevation = np.arcsin(local[:, 2] / slant)
    noisy = np.column_stack([slant, azimuth, elevation]) + rng.standard_normal(
        (truth.shape[0], 3)) * [site.range_sigma_m, site.azimuth_sigma_rad,
                                site.elevation_sigma_rad]
    position, covariance = converted_measurement(
        noisy[:, 0], noisy[:, 1], noisy[:, 2], site.position_enu_m, site.to_local,
        site.range_sigma_m, site.azimuth_sigma_rad, site.elevation_sigma_rad)
    return DetectionBatch(0, time_s, noisy[:, 0], noisy[:, 1], noisy[:, 2],
                          np.zeros(truth.shape[0]), np.arange(truth.shape[0]), position,
                          covariance)


def tracker(site, **settings) -> tuple[CentralTracker, EventLog]:
    log = EventLog([site.name], [], [])
    return CentralTracker(Tracking(**settings), [site], log), log


def fly(site, tracker_, starts, velocities, times, seed=0):
    rng = np.random.default_rng(seed)
    for time_s in times:
        tracker_.process(measure(site, starts + velocities * time_s, time_s, rng))


def test_one_target_gives_one_confirmed_track_that_converges(site):
    tracker_, log = tracker(site, process_noise_mps2=1.0)
    start = np.array([[40_000.0, 60_000.0, 5_000.0]])
    velocity = np.array([[-150.0, -200.0, 0.0]])
    fly(site, tracker_, start, velocity, np.arange(2.0, 80.0, 2.0))
    assert tracker_.size == 1 and tracker_.status[0] == CONFIRMED
    assert log.count(EventKind.TRACK_CONFIRM) == 1
    picture = tracker_.picture(78.0)
    assert np.linalg.norm(picture.velocity_mps[0] - velocity[0]) < 10.0
    assert np.linalg.norm(picture.position_m[0] - (start + velocity * 78.0)[0]) < 150.0


def test_two_separated_targets_do_not_swap(site):
    tracker_, _ = tracker(site)
    starts = np.array([[30_000.0, 50_000.0, 3_000.0], [34_000.0, 50_000.0, 3_000.0]])
    velocities = np.array([[0.0, -200.0, 0.0], [0.0, -200.0, 0.0]])
    fly(site, tracker_, starts, velocities, np.arange(2.0, 60.0, 2.0))
    picture = tracker_.picture(58.0)
    assert picture.size == 2
    order = np.argsort(picture.position_m[:, 0])
    truth = starts + velocities * 58.0
    assert np.linalg.norm(picture.position_m[order] - truth, axis=1).max() < 200.0


def test_stale_and_killed_tracks_are_dropped(site):
    tracker_, log = tracker(site, coast_timeout_s=20.0)
    start = np.array([[20_000.0, 20_000.0, 2_000.0], [-20_000.0, 20_000.0, 2_000.0]])
    fly(site, tracker_, start, np.zeros((2, 3)), np.arange(2.0, 12.0, 2.0))
    assert tracker_.size == 2
    tracker_.drop(25.0, killed_track_ids=np.array([tracker_.track_id[0]]))
    assert tracker_.size == 1 and log.count(EventKind.TRACK_DROP) == 1
    tracker_.drop(29.9)  # last update at 10 s: 19.9 s of coasting is allowed
    assert tracker_.size == 1
    tracker_.drop(30.1)
    assert tracker_.size == 0 and log.count(EventKind.TRACK_DROP) == 2


def test_picture_does_not_change_the_track_table(site):
    tracker_, _ = tracker(site)
    fly(site, tracker_, np.array([[10_000.0, 30_000.0, 1_000.0]]),
        np.array([[100.0, 0.0, 0.0]]), np.arange(2.0, 12.0, 2.0))
    state, covariance = tracker_.state.copy(), tracker_.covariance.copy()
    tracker_.picture(500.0)
    np.testing.assert_array_equal(tracker_.state, state)
    np.testing.assert_array_equal(tracker_.covariance, covariance)


def test_gating_rejects_pairs_beyond_the_chi_square_threshold():
    tracks = np.array([[0.0, 0.0, 0.0]])
    covariance = np.eye(3)[None] * 100.0  # 10 m per axis
    measurements = np.array([[10.0, 0.0, 0.0], [60.0, 0.0, 0.0]])
    measurement_cov = np.broadcast_to(np.eye(3) * 100.0, (2, 3, 3))
    # d^2 = 100 / 200 = 0.5 and 3600 / 200 = 18: a threshold of 11.34 (99 %) keeps one.
    track_index, measurement_index, _ = gated_pairs(tracks, covariance, measurements,
                                                    measurement_cov, 11.34)
    assert track_index.tolist() == [0] and measurement_index.tolist() == [0]
