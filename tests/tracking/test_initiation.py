"""Plot-level initiation (``initiation: plot_pairs``) and the duplicate guard
(``duplicate_guard``), the tracker driven directly with hand-made plots or the radar
model's own false alarms (see ``test_track_management``)."""

from __future__ import annotations

import numpy as np
import pytest
from test_track_management import (
    CLUTTER_LAT,
    CLUTTER_LON,
    NETWORK_PROFILES,
    at,
)
from test_tracker import START, VELOCITY, events, make_network_tracker, measure, two_sites

from iadsim.events import EventKind
from iadsim.scenario import scenario_from_dict
from iadsim.sensors.radar import RadarNetwork, radar_sites
from iadsim.tracking.tracker import CONFIRMED, TENTATIVE
from iadsim.world.geodesy import LocalFrame

__all__ = ["two_sites"]  # the fixture, shared with test_tracker

FAR = [[-250_000.0, -250_000.0, 1_000.0]]  # a plot elsewhere: the scan happened


def plot_pairs_tracker(sites, **settings):
    return make_network_tracker(sites, initiation="plot_pairs", **settings)


def test_a_lone_plot_is_held_without_a_track_or_an_event_and_dropped_at_its_next_look(
        two_sites):
    tracker, log = plot_pairs_tracker(two_sites[:1])
    tracker.process(at(two_sites[0], START, 2.0))
    assert tracker.size == 0 and tracker.held.size == 1
    tracker.process(at(two_sites[0], FAR, 4.0))  # its radar looked again: no second plot
    assert tracker.size == 0
    assert tracker.held.size == 1  # only the new far plot is held
    np.testing.assert_allclose(tracker.held.position_m, FAR, atol=1.0)
    assert len(log.to_frame()) == 0


def test_a_held_plot_is_dropped_after_the_tentative_timeout(two_sites):
    tracker, _ = plot_pairs_tracker(two_sites[:1], tentative_timeout_s=5.0)
    tracker.process(at(two_sites[0], START, 2.0))
    tracker.drop(6.0)
    assert tracker.held.size == 1
    tracker.drop(7.5)
    assert tracker.held.size == 0


def test_a_target_entering_starts_at_its_second_plot_and_confirms_at_its_fourth(two_sites):
    """M = 4: plots at looks 1-4; the track starts at look 2 (its two plots differenced,
    born at look 1) and is confirmed at look 4, as a one-plot track would have been."""
    tracker, log = plot_pairs_tracker(two_sites[:1])
    rng = np.random.default_rng(5)
    for time_s in (2.0, 4.0, 6.0, 8.0):
        tracker.process(measure(two_sites[0], START + VELOCITY * time_s, time_s, rng))
    assert events(log, EventKind.TRACK_START)["time_s"].tolist() == [4.0]
    assert events(log, EventKind.TRACK_CONFIRM)["time_s"].tolist() == [8.0]
    assert tracker.track_id.tolist() == [0] and tracker.status.tolist() == [CONFIRMED]
    assert tracker.born_s.tolist() == [2.0] and tracker.hits.tolist() == [4]
    np.testing.assert_allclose(tracker.state[0, 3:], VELOCITY[0], atol=30.0)


def test_the_started_track_is_the_one_plot_track_updated_with_its_second_plot(two_sites):
    """The same state, covariance and times as initiation by one-plot tracks."""
    tables = []
    for initiation in ("one_plot_tracks", "plot_pairs"):
        tracker, _ = make_network_tracker(two_sites[:1], initiation=initiation)
        rng = np.random.default_rng(9)
        for time_s in (2.0, 4.0, 6.0):
            tracker.process(measure(two_sites[0], START + VELOCITY * time_s, time_s, rng))
        tables.append(tracker)
    one_plot, pairs = tables
    for name in ("state", "covariance", "time_s", "hits", "misses", "born_s",
                 "last_update_by_radar_s", "status"):
        np.testing.assert_array_equal(getattr(pairs, name), getattr(one_plot, name), name)


def test_two_radars_seeing_a_new_target_at_one_time_start_one_track(two_sites):
    tracker, log = plot_pairs_tracker(two_sites)
    rng = np.random.default_rng(2)
    for time_s in (2.0, 4.0, 6.0):
        truth = START + VELOCITY * time_s
        tracker.process_scans([measure(site, truth, time_s, rng, index)
                               for index, site in enumerate(two_sites)])
    assert log.count(EventKind.TRACK_START) == 1
    assert tracker.size == 1 and tracker.hits.tolist() == [6]
    assert tracker.held.size == 0


@pytest.mark.parametrize("crossing", [False, True])
def test_two_close_targets_get_a_track_each(two_sites, crossing):
    """Two targets 1.5 km apart flying side by side, or crossing (their paths meet at
    6 s), seen by one radar every 2 s: two confirmed tracks, none more."""
    tracker, log = plot_pairs_tracker(two_sites[:1])
    rng = np.random.default_rng(3)
    if crossing:
        starts = START + np.array([[-1_200.0, 0.0, 0.0], [1_200.0, 0.0, 0.0]])
        velocities = VELOCITY + np.array([[200.0, 0.0, 0.0], [-200.0, 0.0, 0.0]])
    else:
        starts = START + np.array([[0.0, 0.0, 0.0], [1_500.0, 0.0, 0.0]])
        velocities = np.repeat(VELOCITY, 2, axis=0)
    for time_s in np.arange(2.0, 22.0, 2.0):
        tracker.process(measure(two_sites[0], starts + velocities * (time_s - 4.0),
                                float(time_s), rng))
    confirmed = tracker.status == CONFIRMED
    assert confirmed.sum() == 2 and log.count(EventKind.TRACK_CONFIRM) == 2
    truth = starts + velocities * 16.0
    distance = np.linalg.norm(tracker.state[confirmed, None, :3] - truth[None], axis=2)
    assert sorted(distance.argmin(axis=1).tolist()) == [0, 1]  # one track a target
    assert (distance.min(axis=1) < 200.0).all()


def clutter_network(duration_s: float, seed: int):
    """The layered-defense radar network's profiles, false alarms only (the catalog's
    rates), as ``test_track_management`` builds it."""
    offsets = [(0.0, 0.0), (0.005, 0.005), (0.12, 0.04), (0.05, -0.24), (-0.01, 0.0),
               (0.19, 0.13), (-0.075, 0.65)]
    scenario = scenario_from_dict({
        "name": "clutter", "origin": {"lat_deg": CLUTTER_LAT, "lon_deg": CLUTTER_LON},
        "sim": {"duration_s": duration_s},
        "sensors": [{"name": f"r{index}", "profile": profile,
                     "lat_deg": CLUTTER_LAT + offsets[index][0],
                     "lon_deg": CLUTTER_LON + offsets[index][1], "height_m": 15.0}
                    for index, profile in enumerate(NETWORK_PROFILES)]})
    sites = radar_sites(scenario, LocalFrame(CLUTTER_LAT, CLUTTER_LON, 0.0))
    return sites, RadarNetwork(sites, seed=seed, ground_elevation_m=0.0,
                               record_detections=False)


@pytest.mark.parametrize(("confirmation", "most_confirmed"), [("score", 0), ("m_of_n", 40)])
def test_clutter_alone_starts_few_tracks_and_score_confirms_none(confirmation,
                                                                 most_confirmed):
    """Ten minutes of the network's false alarms (about 22 a second): few pairs start a
    track (under 10 % of the plots; one-plot initiation started one on each), the held
    plots stay a few scans' worth, and score confirmation confirms none. M of N confirms
    some near the radars, as with one-plot tracks (seed 11 gives 13 over 10 minutes)."""
    sites, network = clutter_network(600.0, seed=11)
    tracker, log = plot_pairs_tracker(sites, confirmation=confirmation)
    none3, none = np.zeros((0, 3)), np.zeros(0)
    alarms = most_held = 0
    for time_s in np.arange(0.5, 600.0, 0.5):
        batches = network.scan(float(time_s), none3, none, none, np.zeros(0, dtype=np.intp),
                               log)
        alarms += sum(batch.size for batch in batches)
        tracker.process_scans(batches)
        tracker.drop(float(time_s))
        most_held = max(most_held, tracker.held.size)
    assert alarms > 10_000  # the clutter really was there
    assert log.count(EventKind.TRACK_START) < 0.1 * alarms
    assert most_held < 200
    assert log.count(EventKind.TRACK_CONFIRM) <= most_confirmed
    if most_confirmed == 0:
        assert (tracker.status == TENTATIVE).all()


def log_has_starts(frame) -> bool:
    return bool((frame["kind"] == EventKind.TRACK_START.value).any())


def test_same_plots_same_tracks_held_plots_and_events():
    """A target among the network's clutter, run twice: the same events, table and held
    plots, bit for bit."""
    def run():
        sites, network = clutter_network(60.0, seed=4)
        tracker, log = plot_pairs_tracker(sites, confirmation="score")
        none3, none = np.zeros((0, 3)), np.zeros(0)
        rng = np.random.default_rng(8)
        for time_s in np.arange(0.5, 60.0, 0.5):
            batches = network.scan(float(time_s), none3, none, none,
                                   np.zeros(0, dtype=np.intp), log)
            if time_s % 2.0 == 0.0:
                batches.append(measure(sites[2], START + VELOCITY * time_s, float(time_s),
                                       rng, radar_index=2))
            tracker.process_scans(batches)
            tracker.drop(float(time_s))
        return tracker, log.to_frame()

    (first, first_log), (second, second_log) = run(), run()
    assert log_has_starts(first_log)
    assert first_log.equals(second_log)
    np.testing.assert_array_equal(first.state, second.state)
    np.testing.assert_array_equal(first.held.position_m, second.held.position_m)


# --- The duplicate guard -------------------------------------------------------------------


def lanes_picture(sites, **settings):
    """Three confirmed tracks in lanes 1.5 km apart (position sigma 150 m per axis, last
    updated by radar a at 10 s) and three tentative tracks (300 m) one report short of
    M = 4: one
    400 m beside the middle lane seen by radar b only (a second track on its target), one
    as close to the last lane but updated with it by radar a's scan at 10 s (two resolved
    targets), one 6 km away. M of N without the score's veto (the tracks are made
    here, with no plots and so no score: the guard alone is under test)."""
    tracker, log = make_network_tracker(sites, confirm_hits=4, duplicate_guard=True,
                                        **{"confirmation": "m_of_n", **settings})
    lanes = START[0] + np.array([[0.0, 0.0, 0.0], [1_500.0, 0.0, 0.0], [3_000.0, 0.0, 0.0]])
    tentative = lanes + np.array([[-6_000.0, 0.0, 0.0], [400.0, 0.0, 0.0],
                                  [400.0, 0.0, 0.0]])
    position = np.concatenate([lanes, tentative])
    state = np.zeros((6, 6))
    state[:, :3], state[:, 3:] = position, VELOCITY[0]
    covariance = np.zeros((6, 6, 6))
    covariance[:3, :3, :3] = np.eye(3) * 150.0**2
    covariance[3:, :3, :3] = np.eye(3) * 300.0**2
    covariance[:, 3:, 3:] = np.eye(3) * 20.0**2
    by_radar = np.full((6, 2), -np.inf)
    by_radar[:3, 0] = 10.0
    by_radar[3:5, 1] = 10.0
    by_radar[5, 0] = 10.0  # took a report of radar a's scan at 10 s, as lane 3 did
    tracker._append(np.arange(6), state, covariance, np.full(6, 10.0),
                    np.array([CONFIRMED] * 3 + [TENTATIVE] * 3, dtype=np.int8),
                    np.array([6, 6, 6, 3, 3, 3], dtype=np.int32), by_radar)
    tracker._next_id = 6
    return tracker, log


def test_the_guard_finds_the_tentative_track_in_a_confirmed_tracks_gate(two_sites):
    tracker, _ = lanes_picture(two_sites)
    assert tracker._duplicates(np.array([3, 4, 5])).tolist() == [False, True, False]


def test_the_guard_keeps_a_duplicate_tentative_until_its_confirmed_track_is_gone(two_sites):
    """Each tentative track takes its fourth report (radar b at 12 s, at its own
    prediction, given to it alone): the two apart from any confirmed track are confirmed,
    the duplicate stays tentative; once the middle lane's track is assessed killed, the
    duplicate's next report confirms it."""
    tracker, log = lanes_picture(two_sites)
    rows = np.array([3, 4, 5])

    def report(time_s: float) -> None:
        truth = tracker.state[rows, :3] + tracker.state[rows, 3:] * (time_s - 10.0)
        batch = measure(two_sites[1], truth, time_s, np.random.default_rng(1), 1)
        tracker._update(tracker.track_id.searchsorted([3, 4, 5]), batch.position_m,
                        batch.position_cov_m2, np.arange(3), np.ones(3, dtype=np.intp),
                        np.full(3, time_s))

    report(12.0)
    assert tracker.status.tolist() == [CONFIRMED] * 3 + [CONFIRMED, TENTATIVE, CONFIRMED]
    assert events(log, EventKind.TRACK_CONFIRM)["track_id"].tolist() == [3, 5]
    tracker.drop(12.0, killed_track_ids=np.array([1]))
    rows = np.array([2, 3, 4])  # tracks 3, 4, 5 after the middle lane's row went
    report(14.0)
    assert events(log, EventKind.TRACK_CONFIRM)["track_id"].tolist() == [3, 5, 4]
    assert events(log, EventKind.TRACK_CONFIRM)["time_s"].tolist() == [12.0, 12.0, 14.0]


def test_without_the_guard_the_duplicate_is_confirmed(two_sites):
    tracker, _ = lanes_picture(two_sites)
    tracker.settings = tracker.settings.model_copy(update={"duplicate_guard": False})
    batch = measure(two_sites[1], tracker.state[[4], :3] + tracker.state[[4], 3:] * 2.0,
                    12.0, np.random.default_rng(1), 1)
    tracker._update(np.array([4]), batch.position_m, batch.position_cov_m2, np.arange(1),
                    np.ones(1, dtype=np.intp), np.full(1, 12.0))
    assert tracker.status[4] == CONFIRMED


@pytest.mark.parametrize("settings", [{"bias_estimation": True},
                                      {"confirmation": "score"},
                                      {"motion_model": "imm", "one_plot_misses": 1}])
def test_plot_pairs_with_the_other_options_track_a_target_seen_by_two_radars(two_sites,
                                                                              settings):
    """Bias estimation (the held plots' raw positions kept), score confirmation (a pair's
    score) and the IMM with a held plot surviving one miss: one confirmed track."""
    tracker, log = plot_pairs_tracker(two_sites, **settings)
    rng = np.random.default_rng(6)
    for time_s in np.arange(2.0, 24.0, 2.0):
        truth = START + VELOCITY * time_s
        tracker.process_scans([measure(site, truth, float(time_s), rng, index)
                               for index, site in enumerate(two_sites)])
        tracker.drop(float(time_s))
    assert log.count(EventKind.TRACK_START) == 1
    assert tracker.status.tolist() == [CONFIRMED]
    np.testing.assert_allclose(tracker.state[0, :3], (START + VELOCITY * 22.0)[0], atol=100.0)
