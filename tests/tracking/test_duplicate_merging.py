"""Duplicate merging with one radar (issue 18, h-dupes): what the tracker does with two
tracks on one target, and with two targets close together, when a single radar reports
each target at most once a scan.

The traces of the marginal-Pd hour (``benchmarks/recorded_traffic.py --explain``, seeds
7-10, docs/drafts/h-dupes.md) found no aircraft with two tracks on it at once: one radar
gives one report a scan, so a second track on an aircraft either takes every other
report (both updated: the merge's checks count and merge them) or coasts beside the one
that takes them (left to deletion, the check waiting for both to be updated). These tests
drive the tracker directly with both pictures, and with two aircraft flying side by side
closer than their tracks' errors, which must stay two tracks.
"""

from __future__ import annotations

import numpy as np
from test_tracker import events, make_tracker, measure, site  # noqa: F401 (fixture)

from iadsim.events import EventKind
from iadsim.tracking.tracker import CONFIRMED

#: A target at about 72 km from the test radar (cross-range sigma about 63 m).
START = np.array([[40_000.0, 60_000.0, 5_000.0]])
VELOCITY = np.array([[-150.0, -200.0, 0.0]])


def splice_second_track(tracker, other) -> None:
    """Append the tracks of ``other`` (another tracker on the same radar) under new
    numbers: a second track on a target, as a glitch would start it."""
    ids = np.arange(tracker._next_id, tracker._next_id + other.size)
    tracker._next_id += other.size
    tracker._append(ids, other.state, other.covariance, other.time_s, other.status,
                    other.hits, other.last_update_by_radar_s)


def two_tracks_on_one_target(site, offset_m: float):  # noqa: F811
    """A tracker holding track 0 on the target (reports every 2 s to 20 s) and track 1,
    built from the same target's reports moved ``offset_m`` east (a picture that differs
    from the truth: two confirmed tracks where there is one aircraft)."""
    rng = np.random.default_rng(31)
    tracker, log = make_tracker(site, confirm_hits=2, process_noise_mps2=1.0)
    second, _ = make_tracker(site, confirm_hits=2, process_noise_mps2=1.0)
    offset = np.array([[offset_m, 0.0, 0.0]])
    for time_s in np.arange(2.0, 22.0, 2.0):
        truth = START + VELOCITY * time_s
        tracker.process(measure(site, truth, time_s, rng))
        second.process(measure(site, truth + offset, time_s, rng))
    splice_second_track(tracker, second)
    assert tracker.track_id.tolist() == [0, 1] and (tracker.status == CONFIRMED).all()
    return tracker, log, rng


def test_two_tracks_that_take_one_targets_reports_in_turn_are_merged_into_the_older(site):  # noqa: F811
    """Two tracks 40 m apart on one target (within the radar's noise): the report of each
    scan goes to whichever it falls nearer, so both are updated now and then. A check
    counts once both have been updated since the last counted one; at the third such
    check with their state difference inside the chi-square gate, track 1 is merged into
    the older track 0, which goes on; no track is dropped."""
    tracker, log, rng = two_tracks_on_one_target(site, offset_m=40.0)
    updates = {0: 0, 1: 0}
    for time_s in np.arange(22.0, 80.0, 2.0):
        before = tracker.last_update_s.copy()
        ids = tracker.track_id.copy()
        tracker.process(measure(site, START + VELOCITY * time_s, time_s, rng))
        if tracker.size == 2:
            for track_id in ids[tracker.last_update_s > before].tolist():
                updates[track_id] += 1
        else:
            break
    assert updates[0] >= 1 and updates[1] >= 1  # both took reports: in turn
    merges = events(log, EventKind.TRACK_MERGE)
    assert merges["track_id"].tolist() == [1] and merges["value"].tolist() == [0.0]
    assert tracker.track_id.tolist() == [0]
    assert log.count(EventKind.TRACK_DROP) == 0
    assert np.linalg.norm(tracker.state[0, :3] - (START + VELOCITY * time_s)[0]) < 300.0


def test_a_second_track_that_coasts_beside_the_one_taking_the_reports_is_deleted(site):  # noqa: F811
    """The report of each scan goes to one of the two tracks (the better priced); the
    other coasts beside it. It is not merged (a check counts only when both were
    updated since the last counted one, so a coasting track is never merged into a live
    one: a track that lost its aircraft is not handed to another one's track) and is
    deleted by its misses, while the one taking the reports keeps its number."""
    tracker, log, rng = two_tracks_on_one_target(site, offset_m=400.0)
    for time_s in np.arange(22.0, 80.0, 2.0):
        tracker.process(measure(site, START + VELOCITY * time_s, time_s, rng))
        tracker.drop(time_s)
    assert log.count(EventKind.TRACK_MERGE) == 0
    drops = events(log, EventKind.TRACK_DROP)
    assert drops["track_id"].tolist() == [1]  # the spliced track, offset 400 m: coasted
    assert tracker.track_id.tolist() == [0]
    assert np.linalg.norm(tracker.state[0, :3] - (START + VELOCITY * tracker.time_s[0])[0]) < 300.0


def close_pair(site, seed: int, **settings):  # noqa: F811
    """Two aircraft flying side by side 120 m apart across the radar's line of sight (2
    cross-range sigmas at 72 km; the radar resolves them: each reported once a scan),
    each detected with probability 0.6 (seeded), one radar every 2 s for 300 s.
    Returns the tracker and its log."""
    rng = np.random.default_rng(seed)
    tracker, log = make_tracker(site, process_noise_mps2=5.0, **settings)
    line_of_sight = START[0] / np.linalg.norm(START[0])
    across = np.array([line_of_sight[1], -line_of_sight[0], 0.0])
    starts = np.vstack([START[0], START[0] + 120.0 * across / np.linalg.norm(across)])
    for time_s in np.arange(2.0, 300.0, 2.0):
        seen = rng.uniform(size=2) < 0.6
        if seen.any():
            tracker.process(measure(site, (starts + VELOCITY * time_s)[seen], float(time_s),
                                    rng))
        tracker.drop(float(time_s))
    return tracker, log


#: Seeds of :func:`close_pair` whose two tracks the merge joins when it forgets that they
#: had been resolved (merge_remembers_resolution false, the default; 3 of seeds 0-7).
FORGETFUL_MERGE_SEEDS = (1, 3, 5)


def test_two_aircraft_side_by_side_resolved_by_the_radar_are_not_merged(site):  # noqa: F811
    """The two tracks' state difference passes the merge's chi-square test all along
    (same velocity, 120 m apart); in the scans that report both, the two take reports of
    one scan and are known to be two aircraft. That holds at later checks too, when a
    miss leaves one track's last report from an earlier scan: they stay two tracks with
    their first numbers. Without the memory they take the reports in turn and are
    merged (then the merged-away aircraft gets a new track): the default, which keeps the
    evidence only while their last reports are of one scan."""
    for seed in FORGETFUL_MERGE_SEEDS:
        tracker, log = close_pair(site, seed, merge_remembers_resolution=True)
        assert log.count(EventKind.TRACK_MERGE) == 0
        assert log.count(EventKind.TRACK_CONFIRM) == 2
        assert (tracker.status == CONFIRMED).sum() == 2
        confirmed_ids = events(log, EventKind.TRACK_CONFIRM)["track_id"].tolist()
        assert sorted(tracker.track_id[tracker.status == CONFIRMED].tolist()) == sorted(
            confirmed_ids)
        _, forgetful_log = close_pair(site, seed, merge_remembers_resolution=False)
        assert forgetful_log.count(EventKind.TRACK_MERGE) == 1
        assert forgetful_log.count(EventKind.TRACK_CONFIRM) == 3


def test_the_pair_gives_the_same_events_and_tracks_bit_for_bit(site):  # noqa: F811
    first_tracker, first_log = close_pair(site, seed=1, merge_remembers_resolution=True)
    second_tracker, second_log = close_pair(site, seed=1, merge_remembers_resolution=True)
    first, second = first_log.to_frame(), second_log.to_frame()
    assert len(first) > 0
    assert first.equals(second)
    assert np.array_equal(first_tracker.state, second_tracker.state)
    assert np.array_equal(first_tracker.track_id, second_tracker.track_id)
