"""The central tracker: confirmation, convergence, track identity, deletion, the picture.

Detection batches are built by hand from the truth: range, azimuth and elevation in the
radar's own frame plus Gaussian noise of the radar's sigmas, converted to the scenario
frame as the radar does (:func:`iadsim.analysis.reentry_trial.measure`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from iadsim.analysis.reentry_trial import measure
from iadsim.events import EventKind, EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import Tracking
from iadsim.sensors.radar import RadarSite, radar_sites
from iadsim.tracking import tracker as tracker_module
from iadsim.tracking.tracker import CentralTracker, TrackPicture
from iadsim.world.geodesy import LocalFrame

LAT, LON = 42.0, 35.0
FRAME = LocalFrame(LAT, LON, 0.0)


@pytest.fixture(scope="module")
def site() -> RadarSite:
    scenario = scenario_from_dict({
        "name": "tracking-test", "origin": {"lat_deg": LAT, "lon_deg": LON},
        "sim": {"duration_s": 1_000.0},
        "sensors": [{"name": "r", "lat_deg": LAT, "lon_deg": LON, "height_m": 20.0,
                     "ref_range_km": 200.0, "max_range_km": 300.0, "revisit_s": 2.0,
                     "range_sigma_m": 30.0, "azimuth_sigma_deg": 0.05,
                     "elevation_sigma_deg": 0.05}]})
    return radar_sites(scenario, FRAME)[0]


def make_tracker(site: RadarSite, **settings) -> tuple[CentralTracker, EventLog]:
    log = EventLog([site.name], [], [])
    return CentralTracker(Tracking(**settings), [site], log), log


def fly(tracker, site, starts, velocities, times, seed=0) -> None:
    rng = np.random.default_rng(seed)
    for time_s in times:
        tracker.process(measure(site, starts + velocities * time_s, float(time_s), rng))


def events(log: EventLog, kind: EventKind):
    frame = log.to_frame()
    return frame[frame["kind"] == kind.value]


START = np.array([[40_000.0, 60_000.0, 5_000.0]])
VELOCITY = np.array([[-150.0, -200.0, 0.0]])


@pytest.mark.parametrize("confirm_hits", [2, 3, 5])
def test_a_track_is_confirmed_on_its_confirm_hits_th_report(site, confirm_hits):
    tracker, log = make_tracker(site, confirm_hits=confirm_hits)
    times = np.arange(2.0, 2.0 + 2.0 * (confirm_hits - 1), 2.0)
    fly(tracker, site, START, VELOCITY, times)
    assert tracker.picture(times[-1]).size == 0  # one report short: still tentative
    fly(tracker, site, START, VELOCITY, [2.0 * confirm_hits], seed=1)
    assert tracker.size == 1
    picture = tracker.picture(2.0 * confirm_hits)
    assert picture.size == 1
    confirms = events(log, EventKind.TRACK_CONFIRM)
    assert confirms["time_s"].tolist() == [2.0 * confirm_hits]
    assert events(log, EventKind.TRACK_START)["time_s"].tolist() == [2.0]
    assert confirms["track_id"].tolist() == picture.track_id.tolist()


def test_a_single_constant_velocity_target_converges(site):
    tracker, log = make_tracker(site, process_noise_mps2=0.5)
    fly(tracker, site, START, VELOCITY, np.arange(2.0, 122.0, 2.0))
    assert tracker.size == 1 and log.count(EventKind.TRACK_START) == 1
    picture = tracker.picture(120.0)
    assert picture.size == 1
    # Velocity: within a few m/s (steady-state sigma ~1.8 m/s per axis here) and
    # consistent with the filter's own covariance (chi-square, 3 dof, 99.99 %).
    velocity_error = picture.velocity_mps[0] - VELOCITY[0]
    assert np.linalg.norm(velocity_error) < 6.0
    assert picture.speed_sigma_mps[0] < 3.0
    velocity_cov = tracker.covariance[0, 3:, 3:]
    assert velocity_error @ np.linalg.solve(velocity_cov, velocity_error) < chi2.ppf(0.9999, 3)
    # Position: within a few sigma of its covariance, and tens of metres.
    error = picture.position_m[0] - (START + VELOCITY * 120.0)[0]
    assert error @ np.linalg.solve(picture.position_cov_m2[0], error) < chi2.ppf(0.9999, 3)
    assert np.linalg.norm(error) < 100.0


def test_velocity_error_shrinks_as_reports_accumulate(site):
    tracker, _ = make_tracker(site, process_noise_mps2=0.5)
    rng = np.random.default_rng(7)
    errors = {}
    for time_s in np.arange(2.0, 122.0, 2.0):
        tracker.process(measure(site, START + VELOCITY * time_s, float(time_s), rng))
        if time_s in (10.0, 40.0, 120.0):
            picture = tracker.picture(float(time_s))
            errors[time_s] = np.linalg.norm(picture.velocity_mps[0] - VELOCITY[0])
    assert errors[120.0] < errors[10.0]
    assert errors[120.0] < 6.0


def test_two_well_separated_targets_keep_their_own_tracks(site):
    tracker, log = make_tracker(site)
    starts = np.array([[30_000.0, 50_000.0, 3_000.0], [36_000.0, 50_000.0, 3_000.0]])
    velocities = np.array([[0.0, -200.0, 0.0], [0.0, -220.0, 50.0]])
    fly(tracker, site, starts, velocities, np.arange(2.0, 62.0, 2.0))
    assert log.count(EventKind.TRACK_START) == 2 and tracker.size == 2
    born = events(log, EventKind.TRACK_START)
    # Which track started on which target, from where each track was born.
    first_target = {int(row.track_id): int(np.argmin(np.abs(starts[:, 0] - row.east_m)))
                    for row in born.itertuples()}
    assert sorted(first_target.values()) == [0, 1]
    picture = tracker.picture(60.0)
    truth = starts + velocities * 60.0
    for track, position in zip(picture.track_id, picture.position_m, strict=True):
        assert np.linalg.norm(position - truth[first_target[int(track)]]) < 150.0


def test_a_track_not_updated_for_the_coast_timeout_is_dropped(site):
    tracker, log = make_tracker(site, coast_timeout_s=20.0, confirm_hits=2)
    fly(tracker, site, START, VELOCITY, np.arange(2.0, 12.0, 2.0))  # last update at 10 s
    tracker.drop(29.9)
    assert tracker.size == 1 and log.count(EventKind.TRACK_DROP) == 0
    tracker.drop(30.5)
    assert tracker.size == 0
    dropped = events(log, EventKind.TRACK_DROP)
    assert len(dropped) == 1
    assert dropped["time_s"].iloc[0] == 30.5
    assert dropped["value"].iloc[0] == pytest.approx(20.5)  # seconds since the last update


def test_a_tentative_track_times_out_on_the_tentative_timeout(site):
    tracker, log = make_tracker(site, coast_timeout_s=60.0, tentative_timeout_s=10.0)
    fly(tracker, site, START, VELOCITY, [2.0])  # one report: tentative
    tracker.drop(11.9)
    assert tracker.size == 1
    tracker.drop(12.1)
    assert tracker.size == 0 and log.count(EventKind.TRACK_DROP) == 1


def test_tracks_assessed_killed_are_dropped_and_only_those(site):
    tracker, log = make_tracker(site)
    starts = np.array([[20_000.0, 20_000.0, 2_000.0], [-20_000.0, 20_000.0, 2_000.0],
                       [0.0, -30_000.0, 2_000.0]])
    fly(tracker, site, starts, np.zeros((3, 3)), np.arange(2.0, 12.0, 2.0))
    ids = tracker.track_id.copy()
    killed = np.array([ids[0], ids[2]])
    tracker.drop(12.0, killed_track_ids=killed)
    assert tracker.track_id.tolist() == [ids[1]]
    dropped = events(log, EventKind.TRACK_DROP)
    assert sorted(dropped["track_id"].tolist()) == sorted(killed.tolist())
    np.testing.assert_array_equal(killed, [ids[0], ids[2]])  # input unchanged


def test_picture_shows_confirmed_tracks_and_leaves_the_table_unchanged(site):
    tracker, _ = make_tracker(site)
    fly(tracker, site, START, VELOCITY, np.arange(2.0, 22.0, 2.0))
    fly(tracker, site, np.array([[-30_000.0, 10_000.0, 1_000.0]]), np.zeros((1, 3)), [22.0])
    table = {name: np.copy(getattr(tracker, name))
             for name in ("track_id", "state", "covariance", "time_s", "status", "hits")}
    picture = tracker.picture(50.0)
    assert isinstance(picture, TrackPicture)
    assert picture.size == 1 and tracker.size == 2  # the newcomer is tentative
    for name, values in table.items():
        np.testing.assert_array_equal(getattr(tracker, name), values, err_msg=name)
    # Extrapolated at constant velocity from the last update (20 s) to 50 s.
    later = tracker.picture(50.0)
    np.testing.assert_array_equal(picture.position_m, later.position_m)
    earlier = tracker.picture(20.0)
    np.testing.assert_allclose(picture.position_m,
                               earlier.position_m + earlier.velocity_mps * 30.0, atol=1e-6)
    assert np.trace(picture.position_cov_m2[0]) > np.trace(earlier.position_cov_m2[0])
    assert picture.last_update_by_radar_s.shape == (1, 1)
    assert picture.last_update_by_radar_s[0, 0] == 20.0
    for name in ("position_m", "velocity_mps"):
        assert getattr(picture, name).shape == (1, 3)
    assert picture.position_cov_m2.shape == (1, 3, 3)


def test_picture_can_be_limited_to_some_tracks(site):
    # One hit confirms under M of N alone (a single plot never passes the score's veto).
    tracker, _ = make_tracker(site, confirm_hits=1, confirmation="m_of_n")
    starts = np.array([[20_000.0, 20_000.0, 2_000.0], [-20_000.0, 20_000.0, 2_000.0]])
    fly(tracker, site, starts, np.zeros((2, 3)), [2.0])
    wanted = tracker.track_id[1:]
    assert tracker.picture(4.0, track_ids=wanted).track_id.tolist() == wanted.tolist()
    assert tracker.picture(4.0).size == 2


def test_same_reports_same_track_table(site):
    tables = []
    for _ in range(2):
        tracker, log = make_tracker(site)
        starts = np.array([[30_000.0, 50_000.0, 3_000.0], [31_000.0, 48_000.0, 3_500.0]])
        fly(tracker, site, starts, np.array([[0.0, -200.0, 0.0], [10.0, -180.0, 0.0]]),
            np.arange(2.0, 40.0, 2.0), seed=3)
        tables.append((tracker.track_id.copy(), tracker.state.copy(), len(log)))
    np.testing.assert_array_equal(tables[0][0], tables[1][0])
    np.testing.assert_array_equal(tables[0][1], tables[1][1])
    assert tables[0][2] == tables[1][2]


def test_processing_leaves_the_batch_unchanged(site):
    tracker, _ = make_tracker(site)
    rng = np.random.default_rng(0)
    for time_s in np.arange(2.0, 12.0, 2.0):
        batch = measure(site, START + VELOCITY * time_s, float(time_s), rng)
        position, covariance = batch.position_m.copy(), batch.position_cov_m2.copy()
        tracker.process(batch)
        np.testing.assert_array_equal(batch.position_m, position)
        np.testing.assert_array_equal(batch.position_cov_m2, covariance)


# --- Several radars: the scans of one time are fused as one -------------------------------


@pytest.fixture(scope="module")
def two_sites() -> list[RadarSite]:
    scenario = scenario_from_dict({
        "name": "tracking-test-2", "origin": {"lat_deg": LAT, "lon_deg": LON},
        "sim": {"duration_s": 1_000.0},
        "sensors": [{"name": name, "lat_deg": LAT + dlat, "lon_deg": LON, "height_m": 20.0,
                     "ref_range_km": 200.0, "max_range_km": 300.0, "revisit_s": 2.0,
                     "range_sigma_m": 30.0, "azimuth_sigma_deg": 0.05,
                     "elevation_sigma_deg": 0.05}
                    for name, dlat in (("a", 0.0), ("b", 0.3))]})
    return radar_sites(scenario, FRAME)


def make_network_tracker(sites, **settings) -> tuple[CentralTracker, EventLog]:
    log = EventLog([site.name for site in sites], [], [])
    return CentralTracker(Tracking(**settings), sites, log), log


def track_numbers_per_target(tracker: CentralTracker, site: RadarSite, flight,
                             count: int) -> list[int]:
    """How many track numbers came within 1 km of each of ``count`` targets flying
    ``flight`` (``(time_s, positions (count, 3), _)`` per scan), measured by ``site``
    (noise seed 1): 1 where each target kept one track."""
    rng = np.random.default_rng(1)
    seen: list[set[int]] = [set() for _ in range(count)]
    for time_s, position, _ in flight:
        tracker.process(measure(site, position, time_s, rng))
        tracker.drop(time_s)
        picture = tracker.picture(time_s)
        distance = np.linalg.norm(picture.position_m[:, None, :] - position[None], axis=2)
        for target in range(count):
            seen[target].update(picture.track_id[distance[:, target] < 1_000.0].tolist())
    return [len(ids) for ids in seen]


def both_radars(sites, truth, time_s, rng):
    return [measure(site, truth, time_s, rng, radar_index=index)
            for index, site in enumerate(sites)]


def test_two_radars_seeing_a_new_target_at_one_time_start_one_track(two_sites):
    tracker, log = make_network_tracker(two_sites, confirm_hits=2)
    tracker.process_scans(both_radars(two_sites, START, 2.0, np.random.default_rng(0)))
    assert tracker.size == 1 and log.count(EventKind.TRACK_START) == 1
    assert tracker.hits.tolist() == [2]
    assert tracker.last_update_by_radar_s.tolist() == [[2.0, 2.0]]
    confirms = events(log, EventKind.TRACK_CONFIRM)
    # The second radar's report brings the track to its second hit: that one confirms it.
    assert confirms["time_s"].tolist() == [2.0]
    assert confirms["sensor"].tolist() == ["b"]


def test_reports_of_two_radars_at_one_time_update_a_track_as_in_turn(two_sites):
    """A track with reports from both radars at one time: one fused update, the same state
    (to round-off of the combination) as the reports processed one radar after the
    other, and both radars' update times recorded."""
    rng = np.random.default_rng(4)
    scans = [both_radars(two_sites, START + VELOCITY * time_s, float(time_s), rng)
             for time_s in np.arange(2.0, 22.0, 2.0)]
    fused, _ = make_network_tracker(two_sites)
    in_turn, _ = make_network_tracker(two_sites)
    for time_scans in scans:
        fused.process_scans(time_scans)
        for scan in time_scans:
            in_turn.process(scan)
    assert fused.size == in_turn.size == 1
    assert fused.hits.tolist() == in_turn.hits.tolist() == [20]
    np.testing.assert_allclose(fused.state, in_turn.state, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(fused.covariance, in_turn.covariance, rtol=1e-7, atol=1e-6)
    assert fused.last_update_by_radar_s.tolist() == [[20.0, 20.0]]


def test_a_track_takes_at_most_one_report_from_each_radar(two_sites):
    # Two reports from radar a near one track at one time (a split return), one from b:
    # the track takes one of a's and b's; a's other report starts a new track.
    tracker, log = make_network_tracker(two_sites, confirm_hits=1)
    rng = np.random.default_rng(5)
    tracker.process_scans(both_radars(two_sites, START, 2.0, rng))
    truth = START + VELOCITY * 4.0
    scans = both_radars(two_sites, truth, 4.0, rng)
    double = measure(two_sites[0], np.vstack([truth, truth + np.array([5.0, 0.0, 0.0])]), 4.0, rng)
    tracker.process_scans([double, scans[1]])
    assert tracker.hits[0] == 2 + 2
    assert tracker.size == 2 and log.count(EventKind.TRACK_START) == 2


def test_scans_delivered_together_are_processed_oldest_first(two_sites):
    rng = np.random.default_rng(6)
    scans = [measure(two_sites[0], START + VELOCITY * time_s, float(time_s), rng)
             for time_s in (2.0, 4.0, 6.0)]
    in_order, _ = make_network_tracker(two_sites)
    for scan in scans:
        in_order.process(scan)
    shuffled, _ = make_network_tracker(two_sites)
    shuffled.process_scans([scans[2], scans[0], scans[1]])
    np.testing.assert_array_equal(shuffled.state, in_order.state)
    np.testing.assert_array_equal(shuffled.time_s, in_order.time_s)


def test_new_targets_seen_apart_by_two_radars_start_the_same_as_scans_in_turn(two_sites):
    """Two far-apart new targets, each seen by one radar at one time, then both seen by
    both radars: fusing the scans of one time gives the table that processing them one
    radar after the other gives (states to round-off of the combination)."""
    truth = np.array([[40_000.0, 60_000.0, 5_000.0], [-30_000.0, 50_000.0, 3_000.0]])
    tables = []
    for fused in (True, False):
        tracker, log = make_network_tracker(two_sites, confirm_hits=2)
        rng = np.random.default_rng(8)
        first = measure(two_sites[0], truth[:1], 2.0, rng, radar_index=0)
        second = measure(two_sites[1], truth[1:], 2.0, rng, radar_index=1)
        later = both_radars(two_sites, truth + VELOCITY * 2.0, 4.0, rng)
        for time_scans in ([first, second], later):
            if fused:
                tracker.process_scans(time_scans)
            else:
                for scan in time_scans:
                    tracker.process(scan)
        tables.append((tracker.track_id.copy(), tracker.state.copy(), tracker.hits.copy(),
                       tracker.last_update_by_radar_s.copy(), len(log)))
    assert tables[0][0].tolist() == tables[1][0].tolist() == [0, 1]
    for index, (fused_part, in_turn_part) in enumerate(zip(tables[0], tables[1], strict=True)):
        if index == 1:  # states: the combined update equals updates in turn to round-off
            np.testing.assert_allclose(fused_part, in_turn_part, rtol=1e-9, atol=1e-6)
        else:
            np.testing.assert_array_equal(np.asarray(fused_part), np.asarray(in_turn_part))
    assert tables[0][2].tolist() == [3, 3]  # one report each, then one from each radar
    assert tables[0][3].tolist() == [[4.0, 4.0], [4.0, 4.0]]


@pytest.mark.parametrize("confirm_hits", [1, 2, 3])
def test_leftover_reports_skipping_gatings_that_find_nothing_change_no_event(
        two_sites, monkeypatch, confirm_hits):
    """Two radars with clutter around a few targets: a radar's leftover reports are gated
    against the tracks other radars started at the same time only when
    ``association.may_gate`` says one may pass (or, first, when
    ``association.may_gate_later`` says one of all the leftovers may), and their tracks
    start together. The event log and the table are those of gating every time."""
    truth = np.array([[40_000.0, 60_000.0, 5_000.0], [-30_000.0, 50_000.0, 3_000.0],
                      [10_000.0, 80_000.0, 8_000.0]])
    results, answers = [], []

    def recorded(function):
        def answer(*arguments):
            answers.append(function(*arguments))
            return answers[-1]
        return answer

    for shortcut in (True, False):
        for name in ("may_gate", "may_gate_later"):
            monkeypatch.setattr(tracker_module, name,
                                recorded(getattr(tracker_module, name)) if shortcut
                                else lambda *arguments: True)
        tracker, log = make_network_tracker(two_sites, confirm_hits=confirm_hits)
        rng = np.random.default_rng(21)
        for time_s in np.arange(2.0, 20.0, 2.0):
            scans = [measure(site, np.vstack([truth + VELOCITY * time_s, rng.uniform(
                [-60e3, 20e3, 500.0], [60e3, 120e3, 9e3], (6, 3))]), float(time_s), rng,
                radar_index=index) for index, site in enumerate(two_sites)]
            tracker.process_scans(scans)
            tracker.drop(float(time_s))
        results.append((log.to_frame(), tracker.track_id.copy(), tracker.state.copy()))
    pd.testing.assert_frame_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
    np.testing.assert_array_equal(results[0][2], results[1][2])
    assert (results[0][0]["kind"] == "track_start").sum() > 50  # clutter started tracks
    assert answers.count(False) > 5 and answers.count(True) > 0  # both paths were taken
