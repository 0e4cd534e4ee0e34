"""Scans of several times fused in one pass (radars looking at their own times in a step).

The tracker takes a step's scans together: each report gated against its track predicted
to the report's own time, one joint assignment, each track updated with its reports in
time order. These tests drive it with hand-made detection batches (plots with noise, so
the picture differs from the truth) and check the updates against a plain NumPy
sequential Kalman filter, and the one pass against scans given one time after the other.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_tracker import measure as measure_plots

from iadsim.events import EventKind, EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import Tracking
from iadsim.sensors.radar import DetectionBatch, RadarSite, radar_sites
from iadsim.tracking.tracker import CONFIRMED, CentralTracker
from iadsim.world.geodesy import LocalFrame

LAT, LON = 42.0, 35.0
FRAME = LocalFrame(LAT, LON, 0.0)
#: Three targets 300 m apart, flying in parallel, seen by two radars.
STARTS = np.array([[30_000.0, 40_000.0, 4_000.0], [30_300.0, 40_000.0, 4_000.0],
                   [30_600.0, 40_000.0, 4_000.0]])
VELOCITY = np.array([-120.0, -160.0, 0.0])
#: Each radar's look inside a 1 s step.
LOOK_OFFSET_S = (0.3, 0.8)


@pytest.fixture(scope="module")
def sites() -> list[RadarSite]:
    common = {"height_m": 20.0, "ref_range_km": 200.0, "max_range_km": 300.0,
              "revisit_s": 1.0, "range_sigma_m": 15.0, "azimuth_sigma_deg": 0.03,
              "elevation_sigma_deg": 0.03}
    scenario = scenario_from_dict({
        "name": "fused-looks", "origin": {"lat_deg": LAT, "lon_deg": LON},
        "sim": {"duration_s": 1_000.0},
        "sensors": [{"name": "a", "lat_deg": LAT, "lon_deg": LON, **common},
                    {"name": "b", "lat_deg": LAT + 0.2, "lon_deg": LON + 0.1, **common}]})
    return radar_sites(scenario, FRAME)


def measure(site: RadarSite, radar_index: int, truth: np.ndarray, time_s: float,
            rng: np.random.Generator) -> DetectionBatch:
    """A radar's plots of ``truth`` (k, 3): range, azimuth and elevation with noise of the
    radar's sigmas, converted as the radar converts them (:func:`test_tracker.measure`)."""
    return measure_plots(site, truth, time_s, rng, radar_index)


def make_tracker(sites: list[RadarSite], **settings) -> tuple[CentralTracker, EventLog]:
    log = EventLog([site.name for site in sites], [], [])
    return CentralTracker(Tracking(**settings), sites, log), log


def step_scans(sites: list[RadarSite], step: int, rng: np.random.Generator,
               starts: np.ndarray = STARTS) -> list[DetectionBatch]:
    """The two radars' scans of step ``step`` (1 s steps), each at its own look time."""
    return [measure(site, index, starts + VELOCITY * (step + offset), step + offset, rng)
            for index, (site, offset) in enumerate(zip(sites, LOOK_OFFSET_S, strict=True))]


def run_steps(tracker: CentralTracker, sites: list[RadarSite], steps: range, seed: int,
              one_time_at_a_time: bool = False) -> None:
    rng = np.random.default_rng(seed)
    for step in steps:
        scans = step_scans(sites, step, rng)
        if one_time_at_a_time:
            for scan in scans:
                tracker.process_scans([scan])
        else:
            tracker.process_scans(scans)
        tracker.drop(step + 1.0)


def reference_predict(state: np.ndarray, covariance: np.ndarray, dt: float,
                      process_noise_mps2: float) -> tuple[np.ndarray, np.ndarray]:
    """Constant velocity, continuous white-noise acceleration (Bar-Shalom, Li,
    Kirubarajan 2001, sec. 6.2.2), written with full matrices."""
    transition = np.eye(6)
    transition[:3, 3:] = np.eye(3) * dt
    q = process_noise_mps2**2
    noise = np.block([[np.eye(3) * q * dt**3 / 3.0, np.eye(3) * q * dt**2 / 2.0],
                      [np.eye(3) * q * dt**2 / 2.0, np.eye(3) * q * dt]])
    return transition @ state, transition @ covariance @ transition.T + noise


def reference_update(state: np.ndarray, covariance: np.ndarray, measurement: np.ndarray,
                     measurement_cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The textbook Kalman update with a position measurement (H = [I 0])."""
    observation = np.hstack([np.eye(3), np.zeros((3, 3))])
    innovation_cov = observation @ covariance @ observation.T + measurement_cov
    gain = covariance @ observation.T @ np.linalg.inv(innovation_cov)
    new_state = state + gain @ (measurement - observation @ state)
    return new_state, (np.eye(6) - gain @ observation) @ covariance


def test_reports_at_two_times_equal_sequential_predict_and_update(sites):
    """A track updated by radar A at 0.3 s and radar B at 0.8 s into a step equals the
    sequential filter: predict to 0.3, update with A's plot, predict to 0.8, update with
    B's plot (NumPy reference; 1e-9 relative)."""
    tracker, _ = make_tracker(sites)
    run_steps(tracker, sites, range(0, 10), seed=1)
    confirmed = (tracker.status == CONFIRMED).nonzero()[0]
    assert confirmed.size == 3
    track_ids = tracker.track_id.copy()
    state, covariance = tracker.state.copy(), tracker.covariance.copy()
    track_time = tracker.time_s.copy()
    assert np.allclose(track_time, 9.8)  # last updated by radar B's look of step 9
    scans = step_scans(sites, 10, np.random.default_rng(99))
    tracker.process_scans(scans)
    assert tracker.track_id.tolist() == track_ids.tolist()  # nothing started or dropped
    for row in range(3):
        # Which plot of each scan the track took: the one nearest its prediction (the
        # targets are 300 m apart, the plots' errors a few metres).
        expected_state, expected_cov = state[row], covariance[row]
        time_s = track_time[row]
        for scan in scans:
            expected_state, expected_cov = reference_predict(
                expected_state, expected_cov, scan.time_s - time_s,
                tracker.settings.process_noise_mps2)
            nearest = np.argmin(np.linalg.norm(scan.position_m - expected_state[:3], axis=1))
            expected_state, expected_cov = reference_update(
                expected_state, expected_cov, scan.position_m[nearest],
                scan.position_cov_m2[nearest])
            time_s = scan.time_s
        assert tracker.time_s[row] == pytest.approx(10.8)
        assert np.allclose(tracker.state[row], expected_state, rtol=1e-9, atol=1e-9)
        assert np.allclose(tracker.covariance[row], expected_cov, rtol=1e-9, atol=1e-9)
        assert tracker.last_update_by_radar_s[row].tolist() == pytest.approx([10.3, 10.8])


@pytest.mark.parametrize("settings", [{}, {"motion_model": "imm"}, {"confirmation": "score"}],
                         ids=["cv", "imm", "score"])
def test_three_targets_300_m_apart_keep_three_tracks_fed_by_both_radars(sites, settings):
    """With each motion model and confirmation: the IMM updates a confirmed track time
    after time (one IMM prediction a time), the score takes the plots of both times."""
    tracker, log = make_tracker(sites, **settings)
    run_steps(tracker, sites, range(0, 30), seed=2)
    assert log.count(EventKind.TRACK_START) == 3
    assert tracker.size == 3 and (tracker.status == CONFIRMED).all()
    assert (tracker.hits == 60).all()  # every plot of both radars, none lost
    if settings.get("motion_model") == "imm":
        assert tracker.imm_active.all()
    picture = tracker.picture(30.0)
    truth = STARTS + VELOCITY * 30.0
    distance = np.linalg.norm(picture.position_m[:, None, :] - truth[None, :, :], axis=2)
    # Each track on its own target, well within the 300 m spacing.
    assert sorted(distance.argmin(axis=1).tolist()) == [0, 1, 2]
    assert distance.min(axis=1).max() < 30.0
    assert np.isfinite(picture.last_update_by_radar_s).all()


def test_one_pass_equals_the_scans_one_time_after_the_other(sites):
    """Well-separated assignments: the one pass gives the tracks that the scans given
    one at a time give (same ids, hits, states to rounding)."""
    together, together_log = make_tracker(sites)
    apart, apart_log = make_tracker(sites)
    run_steps(together, sites, range(0, 20), seed=3)
    run_steps(apart, sites, range(0, 20), seed=3, one_time_at_a_time=True)
    assert together.track_id.tolist() == apart.track_id.tolist()
    assert together.hits.tolist() == apart.hits.tolist()
    assert np.allclose(together.state, apart.state, rtol=1e-9, atol=1e-6)
    assert np.allclose(together.covariance, apart.covariance, rtol=1e-9, atol=1e-6)
    assert (together_log.to_frame()["kind"].value_counts().to_dict()
            == apart_log.to_frame()["kind"].value_counts().to_dict())


def test_same_scans_same_tracks_bit_for_bit(sites):
    first, first_log = make_tracker(sites)
    second, second_log = make_tracker(sites)
    run_steps(first, sites, range(0, 12), seed=4)
    run_steps(second, sites, range(0, 12), seed=4)
    assert np.array_equal(first.state, second.state)
    assert np.array_equal(first.covariance, second.covariance)
    assert first_log.to_frame().equals(second_log.to_frame())


def test_a_young_track_takes_a_later_plot_only_through_its_updated_gate(sites):
    """A one-plot track's gate is a sphere of the fastest target's flight since its plot
    (kilometres); once radar A's plot at 1.3 s has given it a velocity, radar B's plot at
    1.8 s 3 km away is outside its gate, as it would be processing the times in turn: it
    starts its own track instead of being the young track's third plot."""
    tracker, log = make_tracker(sites)
    truth = np.array([[30_000.0, 40_000.0, 4_000.0]])
    rng = np.random.default_rng(5)
    tracker.process_scans([measure(sites[0], 0, truth, 0.3, rng)])
    assert tracker.size == 1
    near = measure(sites[0], 0, truth + np.array([100.0, 0.0, 0.0]), 1.3, rng)
    far = measure(sites[1], 1, truth + np.array([-3_000.0, 0.0, 0.0]), 1.8, rng)
    tracker.process_scans([far, near])  # in any order
    assert tracker.size == 2
    assert tracker.hits.tolist() == [2, 1]
    starts = log.to_frame()
    starts = starts[starts["kind"] == EventKind.TRACK_START.value]
    assert starts["time_s"].tolist() == pytest.approx([0.3, 1.8])
    assert starts["sensor"].astype(str).tolist() == ["a", "b"]


def test_a_one_plot_track_missed_by_its_radar_takes_no_later_plot(sites):
    """Radar A's one-plot track is missed by A's next look (0.3 s into the step); a plot
    of radar B at 0.8 s within its one-plot gate does not revive it: scan by scan it was
    deleted at A's miss, so B's plot starts a track of its own."""
    tracker, log = make_tracker(sites)
    truth = np.array([[30_000.0, 40_000.0, 4_000.0]])
    far = np.array([[80_000.0, 10_000.0, 4_000.0]])  # what A sees instead
    rng = np.random.default_rng(6)
    tracker.process_scans([measure(sites[0], 0, truth, 0.3, rng)])
    first_id = int(tracker.track_id[0])
    tracker.process_scans([measure(sites[0], 0, far, 1.3, rng),
                           measure(sites[1], 1, truth + np.array([50.0, 0.0, 0.0]), 1.8, rng)])
    assert first_id not in tracker.track_id.tolist()
    assert tracker.size == 2 and (tracker.hits == 1).all()
    drops = log.to_frame()
    assert drops[drops["kind"] == EventKind.TRACK_DROP.value]["track_id"].tolist() == [
        first_id]
