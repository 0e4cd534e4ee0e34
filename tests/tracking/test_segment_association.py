"""Track segment association (``tracking.segment_association``): a new track that continues
a recently deleted one takes its number back (Yeom, Kirubarajan and Bar-Shalom 2004).

The tracker is driven as in ``test_deletion_by_misses`` (one 10 s radar, reports 1.8 s
late, a false alarm in every scan, a step a second): targets are reported by scans 0-9,
missed by 10-13 (their tracks are deleted at 127 s: three misses, ``deletion_misses: 3``,
and more than the 30 s coast timeout since the last plot at 95 s), and reported again
from scan 14, so a new track starts at 145 s and confirms at 165 s (3 of 4). The tracker
sees the plots only; the tests that say so make the plots differ from the truth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_deletion_by_misses import (
    START,
    VELOCITY,
    one_target,
    run,
    sites_of,
    target_tracks,
    tracker_for,
)
from test_deletion_by_misses import radar as radar_settings
from test_tracker import events

from iadsim.errors import ScenarioError
from iadsim.events import EventKind
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import Tracking
from iadsim.sensors.radar import DetectionBatch
from iadsim.tracking.segments import DeletedSegments
from iadsim.tracking.tracker import CONFIRMED

END_S = 260.0
#: Deletion after three misses; segments kept 10 revisits (100 s) after deletion.
SEGMENTS = {"deletion_misses": 3, "segment_association": True}


@pytest.fixture(scope="module")
def one_radar():
    return sites_of(radar_settings("search"))


def gap(radar, scan, time_s):
    """Every target reported but by scans 10-13 (a run of four misses)."""
    return np.full(2, not 10 <= scan <= 13)


def confirms(log) -> pd.DataFrame:
    frame = events(log, EventKind.TRACK_CONFIRM)
    return frame[["time_s", "track_id", "value"]].reset_index(drop=True)


def test_the_options_are_checked_and_off_by_default():
    assert Tracking().segment_association is False
    assert Tracking().segment_window_revisits == 10
    assert Tracking().segment_gate_probability == 0.99
    assert Tracking().segment_process_noise_mps2 is None
    for field, value, expected in (("segment_association", "maybe", "boolean"),
                                   ("segment_window_revisits", 0, "greater than or equal"),
                                   ("segment_gate_probability", 1.0, "less than 1"),
                                   ("segment_process_noise_mps2", 0.0, "greater than 0")):
        document = {"name": "bad", "origin": {"lat_deg": 42.0, "lon_deg": 35.0},
                    "sim": {"duration_s": 10.0}, "tracking": {field: value}}
        with pytest.raises(ScenarioError) as raised:
            scenario_from_dict(document)
        (line,) = str(raised.value).splitlines()
        assert f"tracking.{field}" in line and expected in line


def test_a_target_whose_track_was_deleted_by_its_misses_gets_its_number_back(one_radar):
    """Without the option the target has two numbers; with it the new track confirms (165
    s) under the first number, its own number in the event's value, and the picture
    shows one track, that number, on the target. The drop is logged as before."""
    def detected(radar, scan, time_s):
        return gap(radar, scan, time_s)[:1]

    plain, plain_log = tracker_for(one_radar, deletion_misses=3)
    run(plain, one_radar, one_target, detected, END_S)
    first, second = target_tracks(plain_log)
    assert first != second and plain.segments is None

    tracker, log = tracker_for(one_radar, **SEGMENTS)
    run(tracker, one_radar, one_target, detected, END_S)
    confirmed = confirms(log)
    assert confirmed["track_id"].tolist() == [first, first]
    assert np.isnan(confirmed["value"][0]) and confirmed["value"][1] == second
    assert confirmed["time_s"][1] == 165.0
    drops = events(log, EventKind.TRACK_DROP)
    assert drops[drops["track_id"] == first]["time_s"].tolist() == [127.0]
    picture = tracker.picture(END_S)
    assert picture.track_id.tolist() == [first]
    assert np.linalg.norm(picture.position_m[0] - one_target(END_S)[0]) < 1_000.0
    assert tracker.segments.size == 0  # the segment is used


def two_targets(time_s: float) -> np.ndarray:
    """Two airliners 2.5 km apart (north-south), flying west together at 220 m/s."""
    return np.array([START, START + np.array([0.0, 2_500.0, 0.0])]) + VELOCITY * time_s


def nearest_target(tracker, time_s: float, truth) -> dict[int, int]:
    """Each confirmed track's nearest target (by its picture position: a scoring helper
    of the test, after the tracker decided)."""
    picture = tracker.picture(time_s)
    distance = np.linalg.norm(picture.position_m[:, None, :] - truth(time_s)[None], axis=2)
    return dict(zip(picture.track_id.tolist(), distance.argmin(axis=1).tolist(),
                    strict=True))


@pytest.mark.parametrize("stagger", [False, True])
def test_two_targets_close_together_each_get_their_own_number_back(one_radar, stagger):
    """Both tracks are deleted in the gap; the new tracks confirm at one time (a joint
    assignment) or, staggered, the northern target's a scan later (the first new track,
    alone, must still pick its own segment): each takes the number its target had."""
    def detected(radar, scan, time_s):
        seen = gap(radar, scan, time_s)
        if stagger and scan == 14:
            seen[1] = False
        return seen

    tracker, log = tracker_for(one_radar, **SEGMENTS)
    run(tracker, one_radar, two_targets, detected, 90.0)
    before = nearest_target(tracker, 90.0, two_targets)
    assert sorted(before.values()) == [0, 1]
    run(tracker, one_radar, two_targets, detected, END_S)
    after = nearest_target(tracker, END_S, two_targets)
    assert after == before
    rejoined = confirms(log).dropna()
    assert len(rejoined) == 2
    assert rejoined["time_s"].tolist() == ([165.0, 175.0] if stagger else [165.0, 165.0])


@pytest.mark.parametrize(("segment_noise", "joined"), [(None, False), (100.0, True)])
def test_a_new_target_with_another_velocity_where_one_vanished_is_not_joined(
        one_radar, segment_noise, joined):
    """The first target is reported until 95 s and vanishes; from 145 s a second one is
    reported where the first would be, flying north instead of west: it confirms under
    a new number. Predicted over the gap with a process noise of 100 m/s^2 (10 g), the
    vanished track's velocity is unknown (sigma 1 km/s) and the gate lets it join."""
    def truth(time_s):
        if time_s < 100.0:
            return one_target(time_s)
        where = one_target(145.0)[0]
        return (where + np.array([0.0, 220.0, 0.0]) * (time_s - 145.0))[None, :]

    def detected(radar, scan, time_s):
        return gap(radar, scan, time_s)[:1]

    tracker, log = tracker_for(one_radar, **SEGMENTS,
                               segment_process_noise_mps2=segment_noise)
    run(tracker, one_radar, truth, detected, END_S)
    confirmed = confirms(log)
    assert len(confirmed) == 2 and bool(confirmed["value"].isna().all()) is not joined
    assert bool(confirmed["track_id"][0] == confirmed["track_id"][1]) is joined


@pytest.mark.parametrize(("window_revisits", "rejoined"), [(3, False), (4, True)])
def test_a_segment_older_than_the_window_is_not_joined(one_radar, window_revisits,
                                                       rejoined):
    """The track is deleted at 127 s and the new one confirms at 165 s: 38 s later, past a
    window of 3 revisits (30 s), within one of 4 (40 s)."""
    def detected(radar, scan, time_s):
        return gap(radar, scan, time_s)[:1]

    tracker, log = tracker_for(one_radar, **SEGMENTS,
                               segment_window_revisits=window_revisits)
    run(tracker, one_radar, one_target, detected, END_S)
    confirmed = confirms(log)
    assert len(confirmed) == 2
    assert bool(confirmed["track_id"][1] == confirmed["track_id"][0]) is rejoined
    assert bool(confirmed["value"].notna().any()) is rejoined


def without_threat_ids(tracker):
    """Wrap ``tracker.process_scans`` so that every report's threat id is -1: the tracker
    must decide on the plots alone."""
    process = tracker.process_scans

    def process_scans(batches):
        process([DetectionBatch(batch.radar_index, batch.time_s, batch.range_m,
                                batch.azimuth_rad, batch.elevation_rad, batch.snr_db,
                                np.full(batch.size, -1), batch.position_m,
                                batch.position_cov_m2) for batch in batches])
    tracker.process_scans = process_scans
    return tracker


@pytest.mark.parametrize("plots_turn", [False, True])
def test_the_decision_follows_the_plots_not_the_truth(one_radar, plots_turn):
    """The truth flies west throughout. With ``plots_turn`` the plots after the gap are
    where a target turned north at 100 s would be (as a mis-associated or mis-registered
    radar might report): the new track does not re-join, whatever the truth says. Without
    it, plots offset 2 km east of the truth (a registration error), consistent before
    and after: it re-joins. Threat ids are hidden from the tracker."""
    def reported(radar, time_s, positions):
        if plots_turn and time_s > 100.0:
            turned = one_target(100.0)[0] + np.array([0.0, 220.0, 0.0]) * (time_s - 100.0)
            return np.tile(turned, (positions.shape[0], 1))
        return positions + np.array([2_000.0, 0.0, 0.0])

    def detected(radar, scan, time_s):
        return gap(radar, scan, time_s)[:1]

    tracker, log = tracker_for(one_radar, **SEGMENTS)
    run(without_threat_ids(tracker), one_radar, one_target, detected, END_S,
        reported=reported)
    confirmed = confirms(log)
    assert len(confirmed) == 2
    assert bool(confirmed["value"].isna().all()) is plots_turn
    picture = tracker.picture(END_S)
    truth = one_target(END_S)[0]
    expected = (one_target(100.0)[0] + [0.0, 220.0 * (END_S - 100.0), 0.0] if plots_turn
                else truth + np.array([2_000.0, 0.0, 0.0]))
    assert np.linalg.norm(picture.position_m[0] - expected) < 1_000.0


def test_a_track_dropped_on_a_kill_judgement_is_not_rejoined(one_radar):
    """The battle manager judges the track killed at 100 s (the tracker drops it); the
    target flies on and is seen again from 145 s: a new number, which the battle manager
    may engage (a number it judged killed it never engages again). A track deleted by its
    misses (127 s) and judged killed afterwards (130 s) is forgotten too."""
    def detected(radar, scan, time_s):
        return gap(radar, scan, time_s)[:1]

    for judged_s in (100.0, 130.0):
        tracker, log = tracker_for(one_radar, **SEGMENTS)
        kept = []
        judge = tracker.drop

        def drop(time_s, killed_track_ids=None, judge=judge, judged_s=judged_s,
                 kept=kept, tracker=tracker, log=log):
            if time_s == judged_s:
                kept.append(tracker.segments.size)
                killed_track_ids = np.array(target_tracks(log)[:1])
            judge(time_s, killed_track_ids)
        tracker.drop = drop
        run(tracker, one_radar, one_target, detected, END_S)
        first = target_tracks(log)[0]
        assert kept == [0 if judged_s < 127.0 else 1]
        drops = events(log, EventKind.TRACK_DROP)
        assert drops[drops["track_id"] == first]["time_s"].tolist() == [min(judged_s,
                                                                             127.0)]
        confirmed = confirms(log)
        assert len(confirmed) == 2 and confirmed["value"].isna().all()
        assert first not in tracker.track_id.tolist() and tracker.segments.size == 0


def test_a_kill_judgement_arriving_after_the_rejoin_undoes_it(one_radar):
    """The battle manager judged the number killed (the track was gone) in the step before
    the new track re-joined it (167 s: the 165 s scan's report), and the judgement reaches
    the tracker at that step's drop: the re-join is undone, the track takes its own number
    back (its track_confirm logged again, at 167 s) and stays; the judged number is not
    dropped again."""
    def detected(radar, scan, time_s):
        return gap(radar, scan, time_s)[:1]

    tracker, log = tracker_for(one_radar, **SEGMENTS)
    judge = tracker.drop

    def drop(time_s, killed_track_ids=None):
        if time_s == 167.0:
            killed_track_ids = np.array(target_tracks(log)[:1])
        judge(time_s, killed_track_ids)
    tracker.drop = drop
    run(tracker, one_radar, one_target, detected, END_S)
    confirmed = confirms(log)
    first, own = confirmed["track_id"][0], confirmed["value"][1]
    assert confirmed["track_id"].tolist() == [first, first, own]
    assert confirmed["time_s"].tolist() == [25.0, 165.0, 167.0]
    assert np.isnan(confirmed["value"][2])
    drops = events(log, EventKind.TRACK_DROP)
    assert drops[drops["track_id"] == first]["time_s"].tolist() == [127.0]
    assert tracker.picture(END_S).track_id.tolist() == [own]


def test_same_plots_same_rejoins(one_radar):
    """Two runs of the two-target gap: identical event logs and track tables."""
    frames, tables = [], []
    for _ in range(2):
        tracker, log = tracker_for(one_radar, **SEGMENTS)
        run(tracker, one_radar, two_targets, gap, END_S, seed=3)
        frames.append(log.to_frame())
        tables.append((tracker.track_id.copy(), tracker.state.copy()))
    pd.testing.assert_frame_equal(*frames)
    assert (tables[0][0] == tables[1][0]).all() and (tables[0][1] == tables[1][1]).all()
    assert frames[0]["value"][frames[0]["kind"] == "track_confirm"].notna().sum() == 2


def test_segments_expire_and_the_assignment_is_one_to_one():
    """The store alone (one 10 s radar, a window of 3 revisits): a track between two
    segments takes the nearer; a second track there takes the other; a third finds none
    left; a segment 31 s after its deletion has expired."""
    segments = DeletedSegments(np.array([10.0]), window_revisits=3,
                               gate_threshold=16.81, process_noise_mps2=5.0)
    covariance = np.diag([100.0**2] * 3 + [10.0**2] * 3)[None].repeat(2, axis=0)
    state = np.array([[0.0, 0.0, 0.0, 200.0, 0.0, 0.0],
                      [0.0, 600.0, 0.0, 200.0, 0.0, 0.0]])
    segments.keep(0.0, np.array([7, 8]), state, covariance, np.zeros(2), np.array([1.0, 2.0]),
                  np.zeros((2, 1)), None)
    new_state = np.array([[2_000.0, 150.0, 0.0, 200.0, 0.0, 0.0]])
    new_cov = np.diag([200.0**2] * 3 + [20.0**2] * 3)[None]
    seen = np.full((1, 1), 10.0)
    for number, born_s in ((7, 1.0), (8, 2.0)):
        joined = segments.rejoin(new_state, new_cov, np.array([10.0]), seen)
        assert joined.index.tolist() == [0] and joined.track_id.tolist() == [number]
        assert joined.born_s.tolist() == [born_s]
    assert segments.rejoin(new_state, new_cov, np.array([10.0]), seen).index.size == 0
    segments.keep(0.0, np.array([9]), state[:1], covariance[:1], np.zeros(1), np.zeros(1),
                  np.zeros((1, 1)), None)
    late = segments.rejoin(new_state, new_cov, np.array([31.0]), seen)
    assert late.index.size == 0 and segments.size == 0


def test_a_confirmed_track_keeps_its_status_and_state_when_rejoined(one_radar):
    """The re-joined row is the new track's (its state, its hits), with the old number
    and the old birth time."""
    def detected(radar, scan, time_s):
        return gap(radar, scan, time_s)[:1]

    tracker, _ = tracker_for(one_radar, **SEGMENTS)
    run(tracker, one_radar, one_target, detected, END_S)
    (row,) = (tracker.status == CONFIRMED).nonzero()[0]
    assert tracker.born_s[row] == 5.0
    assert tracker.hits[row] == 12  # scans 14-25 (its own plots only)
