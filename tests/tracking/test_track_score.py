"""Score confirmation (Wald's sequential test on the track's log-likelihood ratio): the
score's bookkeeping, and clutter at the catalog's false-alarm rates against M of N.

The scans come from the radar model itself (false alarms at Pfa x resolution cells of
each catalog radar's surveillance volume, targets detected with their Pd); the trackers
never see the truth, the test scores their confirmations against it.
"""

from __future__ import annotations

import numpy as np
from test_track_management import CLUTTER_LAT, CLUTTER_LON, at
from test_tracker import START, VELOCITY, make_network_tracker, two_sites

from iadsim.events import EventKind
from iadsim.scenario import scenario_from_dict
from iadsim.sensors.radar import RadarNetwork, radar_sites
from iadsim.tracking import score
from iadsim.tracking.tracker import CONFIRMED, TENTATIVE
from iadsim.world.earth import EARTH_RADIUS_M
from iadsim.world.geodesy import LocalFrame


def test_the_score_starts_at_the_density_ratio_and_a_miss_costs_ln_1_minus_pd(two_sites):
    tracker, _ = make_network_tracker(two_sites[:1], confirmation="score",
                                      new_target_density_ratio=0.5,
                                      score_detection_probability=0.9)
    far = [[-250_000.0, -250_000.0, 1_000.0]]
    tracker.process(at(two_sites[0], START, 2.0))
    tracker.process(at(two_sites[0], START + VELOCITY * 2.0, 4.0))
    row = tracker.track_id == 0
    first_two = float(tracker.score[row][0])
    assert tracker.hits[row].tolist() == [2]
    tracker.process(at(two_sites[0], far, 6.0))  # a scan that could have seen it: a miss
    assert tracker.score[tracker.track_id == 0][0] == first_two + np.log(0.1)
    assert tracker.score[tracker.track_id == 1].tolist() == [np.log(0.5)]  # the far plot


def test_a_target_is_confirmed_when_its_score_passes_walds_threshold(two_sites):
    """Noise-free plots of one target every 2 s: confirmed at the first scan whose score
    reaches ln((1 - beta) / alpha), not before."""
    tracker, log = make_network_tracker(two_sites[:1], confirmation="score")
    _, confirm = score.wald_thresholds(1e-6, 0.01)
    for time_s in np.arange(2.0, 20.0, 2.0):
        before = tracker.score.copy()
        tracker.process(at(two_sites[0], START + VELOCITY * time_s, float(time_s)))
        if tracker.status[0] == CONFIRMED:
            assert before[0] < confirm <= tracker.score[0]
            break
        assert tracker.status[0] == TENTATIVE
    assert log.count(EventKind.TRACK_CONFIRM) == 1


def test_clutter_confirms_no_score_track_where_m_of_n_confirms_many():
    """The layered-defense network (every catalog radar profile, overlapping) for 10
    minutes, false alarms at the catalog's rates (seed 11), and four aircraft 1.5 km
    apart flying in at 8 km. Each confirmation is true when a target is within 2 km of
    the track then. Score confirmation (alpha 1e-6, beta 0.01): no false track, every
    aircraft confirmed. M of N (4 of 6) on the same scans: false tracks (here 2; 4 under
    ``association_cost: distance``, the default before the coasting likelihood, where a
    tentative track that coasted past a revisit kept its whole gate for clutter)."""
    offsets = [(0.0, 0.0), (0.005, 0.005), (0.12, 0.04), (0.05, -0.24), (-0.01, 0.0),
               (0.19, 0.13), (-0.075, 0.65)]
    profiles = ("s400-class-search-radar", "s400-class-engagement-radar", "medium-range-radar",
                "medium-range-radar", "short-range-radar", "short-range-radar",
                "short-range-radar")
    scenario = scenario_from_dict({
        "name": "clutter", "origin": {"lat_deg": CLUTTER_LAT, "lon_deg": CLUTTER_LON},
        "sim": {"duration_s": 600.0},
        "sensors": [{"name": f"r{index}", "profile": profile,
                     "lat_deg": CLUTTER_LAT + offsets[index][0],
                     "lon_deg": CLUTTER_LON + offsets[index][1], "height_m": 15.0}
                    for index, profile in enumerate(profiles)]})
    sites = radar_sites(scenario, LocalFrame(CLUTTER_LAT, CLUTTER_LON, 0.0))
    network = RadarNetwork(sites, seed=11, ground_elevation_m=0.0, record_detections=False)
    trackers = {name: make_network_tracker(sites, confirmation=name)
                for name in ("score", "m_of_n")}
    start = np.array([[90_000.0 + 1_500.0 * k, 60_000.0, 8_000.0] for k in range(4)])
    velocity = np.array([-150.0, -100.0, 0.0])
    ids = np.arange(4)
    rcs = np.full(4, 5.0)
    for time_s in np.arange(0.5, 600.0, 0.5):
        position = start + velocity * time_s
        height = position[:, 2] + (position[:, :2] ** 2).sum(axis=1) / (2 * EARTH_RADIUS_M)
        batches = network.scan(float(time_s), position, height, rcs, ids,
                               trackers["score"][1])
        for tracker, _ in trackers.values():
            tracker.process_scans(batches)
            tracker.drop(float(time_s))
    false_tracks, targets_confirmed = {}, {}
    for name, (_, log) in trackers.items():
        frame = log.to_frame()
        confirms = frame[frame["kind"] == EventKind.TRACK_CONFIRM.value]
        where = np.column_stack([confirms[f"{axis}_m"] for axis in ("east", "north", "up")])
        truth = start[None] + velocity[None] * confirms["time_s"].to_numpy()[:, None, None]
        distance = np.linalg.norm(truth - where[:, None, :], axis=2)
        true = distance.min(axis=1) <= 2_000.0
        false_tracks[name] = int((~true).sum())
        targets_confirmed[name] = len(set(distance.argmin(axis=1)[true].tolist()))
    assert false_tracks["score"] == 0
    assert targets_confirmed["score"] == 4
    assert false_tracks["m_of_n"] >= 2
    assert targets_confirmed["m_of_n"] == 4


__all__ = ["two_sites"]


def _single_radar(profile: str) -> list:
    """One catalog radar at the clutter site, its false alarms at the catalog's rate."""
    scenario = scenario_from_dict({
        "name": "one-radar", "origin": {"lat_deg": CLUTTER_LAT, "lon_deg": CLUTTER_LON},
        "sim": {"duration_s": 600.0},
        "sensors": [{"name": "r0", "profile": profile, "lat_deg": CLUTTER_LAT,
                     "lon_deg": CLUTTER_LON, "height_m": 15.0}]})
    return radar_sites(scenario, LocalFrame(CLUTTER_LAT, CLUTTER_LON, 0.0))


def _fly_through_the_radar(sites, seed: int, start: np.ndarray, velocity: np.ndarray,
                           rcs_m2: float, duration_s: float, rules=("score", "m_of_n")):
    """Targets ``start + velocity t`` scanned by ``sites`` (the radar model: their Pd,
    noise and false alarms) for ``duration_s``; each rule's tracker on the same scans.
    Returns the trackers and logs by rule, and the scan count at each target's first
    detection and at each rule's first confirmed track within 1 km of each target."""
    network = RadarNetwork(sites, seed=seed, ground_elevation_m=0.0, record_detections=False)
    trackers = {rule: make_network_tracker(sites, confirmation=rule) for rule in rules}
    count = start.shape[0]
    first_detection, first_confirmed = {}, {rule: {} for rule in rules}
    scans = 0
    for time_s in np.arange(0.5, duration_s, 0.5):
        position = start + velocity * time_s
        height = position[:, 2] + (position[:, :2] ** 2).sum(axis=1) / (2 * EARTH_RADIUS_M)
        batches = network.scan(float(time_s), position, height, np.full(count, rcs_m2),
                               np.arange(count), trackers[rules[0]][1])
        scans += bool(batches)
        for batch in batches:  # the truth, for scoring only: which targets were detected
            for target in batch.threat_id[batch.threat_id >= 0].tolist():
                first_detection.setdefault(target, scans)
        for rule, (tracker, _) in trackers.items():
            tracker.process_scans(batches)
            tracker.drop(float(time_s))
            picture = tracker.picture(float(time_s))
            if picture.size:
                distance = np.linalg.norm(picture.position_m[:, None] - position[None], axis=2)
                for target in (distance.min(axis=0) <= 1_000.0).nonzero()[0].tolist():
                    first_confirmed[rule].setdefault(target, scans)
    return trackers, first_detection, first_confirmed


def test_a_weak_target_is_confirmed_by_score_within_30_scans_and_before_m_of_n():
    """A 0.1 m^2 drone closing from 30 km on a short-range radar (Pd about 0.6 there,
    3 false alarms a scan): score confirmation (P_D assumed 0.8, above the true one)
    confirms it within 30 scans of its first detection, before 4-of-6 M of N, in each
    of three seeds (measured: 9, 11 and 20 scans after the first detection, against 27,
    41 and 45), and confirms nothing else."""
    sites = _single_radar("short-range-radar")
    start, velocity = np.array([[30_000.0, 0.0, 3_000.0]]), np.array([[-50.0, 0.0, 0.0]])
    for seed in range(3):
        trackers, detected, confirmed = _fly_through_the_radar(sites, seed, start, velocity,
                                                               0.1, 90.0)
        assert 0 in confirmed["score"], seed
        assert confirmed["score"][0] - detected[0] <= 30, seed
        assert confirmed["score"][0] < confirmed["m_of_n"].get(0, np.inf), seed
        assert trackers["score"][1].count(EventKind.TRACK_CONFIRM) == 1, seed


def test_two_targets_300_m_apart_keep_two_score_tracks():
    """Two 5 m^2 aircraft 300 m apart across the line of sight of a medium-range radar,
    flying side by side from 60 km: score confirmation gives each its own track (two
    confirmations, no merge), each nearest its own target at the end and consistent
    with it."""
    sites = _single_radar("medium-range-radar")
    start = np.array([[0.0, 60_000.0, 5_000.0], [300.0, 60_000.0, 5_000.0]])
    velocity = np.array([[0.0, -200.0, 0.0], [0.0, -200.0, 0.0]])
    trackers, _, confirmed = _fly_through_the_radar(sites, 5, start, velocity, 5.0, 120.0,
                                                    rules=("score",))
    tracker, log = trackers["score"]
    assert sorted(confirmed["score"]) == [0, 1]
    assert log.count(EventKind.TRACK_CONFIRM) == 2
    assert log.count(EventKind.TRACK_MERGE) == 0
    picture = tracker.picture(119.5)
    truth = start + velocity * 119.5
    distance = np.linalg.norm(picture.position_m[:, None] - truth[None], axis=2)
    assert picture.size == 2
    target = distance.argmin(axis=1)
    assert sorted(target.tolist()) == [0, 1]
    # Each track's error is consistent with its own covariance (chi-square, 3 dof,
    # 99.99 %: 21.1); here 117 and 166 m, the radar's cross-range error at 36 km.
    error = picture.position_m - truth[target]
    distance2 = np.einsum("ki,ki->k", error, np.linalg.solve(picture.position_cov_m2,
                                                             error[..., None])[..., 0])
    assert distance2.max() <= 21.1
