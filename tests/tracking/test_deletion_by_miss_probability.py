"""Deletion of confirmed tracks by the probability of their misses under their own
detection probability (``tracking.deletion: miss_probability``, iadsim.tracking.deletion).

The rule is driven directly (a confirmed track's detection counts and a pass's scans,
through :func:`iadsim.tracking.deletion.fold_detections`), and through the tracker as
the engine drives it (``test_deletion_by_misses.run``: 10 s scans delivered 1.8 s late,
a false alarm in every scan, noisy reports: the picture differs from the truth).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_deletion_by_misses import (
    abreast,
    log_drops_of,
    nearest_targets,
    one_target,
    radar,
    rotated_about_the_radar,
    run,
    sites_of,
    target_tracks,
    tracker_for,
)
from test_tracker import LAT, LON, events

from iadsim.errors import ScenarioError
from iadsim.events import EventKind
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import Tracking
from iadsim.tracking import deletion
from iadsim.tracking.tracker import CONFIRMED, TENTATIVE

#: The rule's settings in these tests (the defaults of its fields, said here so that the
#: expected runs below follow from them), with the hit ratio (``deletion_detection_model:
#: hit_ratio``, the default; the range model: test_deletion_by_range.py).
RULE = {"deletion": "miss_probability", "deletion_probability": 1e-4,
        "deletion_prior_detection_probability": 0.7, "deletion_prior_looks": 4.0,
        "deletion_memory_looks": 20.0, "deletion_detection_model": "hit_ratio"}


@pytest.fixture(scope="module")
def one_radar():
    return sites_of(radar("search"))


@pytest.mark.parametrize(("detection_probability", "threshold", "expected"), [
    (0.9, 1e-4, 4), (0.72, 1e-4, 8), (0.5, 1e-4, 14), (0.3, 1e-4, 26),
    (0.5, 0.125, 3),  # (1 - 0.5)^3 is the threshold itself
    (1.0, 1e-4, 1), (0.0, 1e-4, deletion.MOST_MISSES_TO_DELETE)])
def test_the_run_that_deletes_is_the_shortest_below_the_threshold(
        detection_probability, threshold, expected):
    (runs,) = deletion.misses_to_delete(np.array([detection_probability]), threshold)
    assert runs == expected
    if 0.0 < detection_probability < 1.0:
        assert (1.0 - detection_probability) ** runs <= threshold * (1.0 + 1e-12)
        assert (1.0 - detection_probability) ** (runs - 1) > threshold


@pytest.mark.parametrize(("argument", "value"), [("threshold", 0.0), ("threshold", 1.0),
                                                 ("detection_probability", 1.5)])
def test_bad_arguments_name_themselves(argument, value):
    given = {"detection_probability": 0.5, "threshold": 1e-4, argument: value}
    with pytest.raises(ValueError, match=argument):
        deletion.misses_to_delete(given["detection_probability"], given["threshold"])


def fold(one_radar, status: int, last_report_s: float, missed_before: int,
         scan_times: list[float], covered: float = 0.0, detected: float = 0.0
         ) -> tuple[float, float, int]:
    """One track 100 km north-east of the radar (in its coverage), with ``missed_before``
    misses in a row and the counts ``covered``, ``detected``, through a pass of the radar's
    scans at ``scan_times``, its last report at ``last_report_s``: the counts and the run
    that deletes it after the pass."""
    tracker, _ = tracker_for(one_radar, **RULE)
    memory = 1.0 - 1.0 / RULE["deletion_memory_looks"]
    status_column = np.array([status], dtype=np.int8)
    last = np.array([[last_report_s]])
    missed = np.array([[missed_before]], dtype=np.int32)
    covered_looks, detected_looks = np.array([[covered]]), np.array([[detected]])
    runs = np.array([[99]], dtype=np.int32)
    position = np.tile(np.array([70_000.0, 70_000.0, 10_000.0]), (1, len(scan_times), 1))
    deletion.fold_detections(
        status_column, last, missed, np.array(scan_times),
        np.zeros(len(scan_times), dtype=np.int64), position, tracker._site_position,
        tracker._site_rotation, tracker._site_coverage, 0.0, covered_looks, detected_looks,
        runs, memory, RULE["deletion_prior_detection_probability"],
        RULE["deletion_prior_looks"], math.log(RULE["deletion_probability"]))
    assert missed.tolist() == [[missed_before]]  # left to the miss counting
    return float(covered_looks[0, 0]), float(detected_looks[0, 0]), int(runs[0, 0])


def test_a_report_folds_the_run_of_misses_before_it_and_itself(one_radar):
    """Three misses, then a report: four covered looks, one detection, each older look
    faded by 0.95; the estimate (1 + 4 x 0.7) / (covered + 4) = 0.49 allows 14 misses."""
    covered, detected, runs = fold(one_radar, CONFIRMED, 100.0, 3, [100.0])
    assert covered == pytest.approx(1.0 + 0.95 + 0.95**2 + 0.95**3)
    assert detected == 1.0
    estimate = (1.0 + 4.0 * 0.7) / (covered + 4.0)
    assert estimate == pytest.approx(0.4929, abs=1e-4)
    assert runs == 14
    # A covered scan of the pass before the report is a miss folded in too.
    covered, detected, runs = fold(one_radar, CONFIRMED, 110.0, 3, [100.0, 110.0])
    assert covered == pytest.approx(sum(0.95**k for k in range(5)))
    assert detected == 1.0 and runs == 16  # P_D 3.8 / 8.52 = 0.446


def test_a_long_hit_history_allows_few_misses(one_radar):
    """Twenty reports in a row (faded counts 12.83 of 12.83) and one more: P_D 0.93, four
    misses delete."""
    history = sum(0.95**k for k in range(20))
    covered, detected, runs = fold(one_radar, CONFIRMED, 100.0, 0, [100.0], history, history)
    assert covered == detected == pytest.approx(history * 0.95 + 1.0)
    assert runs == 4


@pytest.mark.parametrize(("status", "last_report_s"), [(CONFIRMED, 90.0),
                                                       (TENTATIVE, 100.0)])
def test_the_run_under_test_and_tentative_tracks_change_nothing(one_radar, status,
                                                                last_report_s):
    """A radar whose scan here did not report the track (its misses are the run under
    test), and a tentative track: counts and run unchanged."""
    assert fold(one_radar, status, last_report_s, 3, [100.0], 5.0, 4.0) == (5.0, 4.0, 99)


def vanished_after(last_report_s: float, pattern=None):
    """Detections of one target: ``pattern(scan)`` (default every scan) until
    ``last_report_s``, none after."""
    def detected(radar_index, scan, time_s):
        return np.array([time_s <= last_report_s and (pattern is None or pattern(scan))])
    return detected


def test_a_vanished_target_seen_at_every_scan_is_deleted_at_its_fourth_miss(one_radar):
    """Reported at every scan to 205 s: P_D about 0.97, four misses (the 6 of ``misses``
    would take 60 s): deleted at the fourth scan after, 40 s after its last report."""
    tracker, log = tracker_for(one_radar, **RULE)
    run(tracker, one_radar, one_target, vanished_after(205.0), 400.0)
    (track,) = target_tracks(log)
    assert log_drops_of(log, [track]) == [245.0]
    counted, counted_log = tracker_for(one_radar, deletion="misses", deletion_misses=6)
    run(counted, one_radar, one_target, vanished_after(205.0), 400.0)
    assert log_drops_of(counted_log, target_tracks(counted_log)) == [265.0]


def test_a_vanished_target_seen_at_half_its_scans_is_deleted_after_its_own_run(one_radar):
    """Reported at the first five scans, then at every other scan to 385 s: its estimate
    falls toward 0.5, and its run is the one that estimate allows (14 or so misses, 140 s);
    the covariance bound raised out of the way (an airliner's process noise, 5 m/s^2)."""
    tracker, log = tracker_for(one_radar, **RULE, max_position_sigma_m=100_000.0)

    def every_other(scan):
        return scan < 5 or scan % 2 == 0

    run(tracker, one_radar, one_target, vanished_after(385.0, every_other), 390.0)
    (track,) = target_tracks(log)
    row = tracker.track_id == track
    covered = tracker.covered_looks[row, 0][0]
    detected = tracker.detected_looks[row, 0][0]
    estimate = deletion.estimated_detection_probability(detected, covered, 0.7, 4.0)
    assert 0.5 < estimate < 0.6
    runs = int(tracker.misses_to_delete[row, 0][0])
    assert runs == deletion.misses_to_delete(estimate, 1e-4)
    assert runs >= 11
    tracker, log = tracker_for(one_radar, **RULE, max_position_sigma_m=100_000.0)
    run(tracker, one_radar, one_target, vanished_after(385.0, every_other), 700.0)
    (track,) = target_tracks(log)
    assert log_drops_of(log, [track]) == [385.0 + 10.0 * runs]


def circling(time_s: float) -> np.ndarray:
    """An airliner circling the radar 100 km out, 10 km up, at 220 m/s."""
    angle = 220.0 / 100_000.0 * time_s
    return np.array([[100_000.0 * np.sin(angle), 100_000.0 * np.cos(angle), 10_000.0]])


def test_at_pd_one_half_one_track_lives_through_the_hour(one_radar):
    """Pd 0.5 (seeded draws, 360 scans, longest run of misses 9): six misses in a row
    split the target's track; the miss probability under its own P_D (about 0.5: 14
    misses) keeps one track the whole hour."""
    draws = np.random.default_rng(3).uniform(size=360) < 0.5
    draws[:4] = True  # confirmed at its third scan
    runs = np.diff(np.flatnonzero(np.concatenate([[True], draws, [True]]))) - 1
    assert runs.max() == 9 and (runs >= 6).sum() >= 3

    def detected(radar_index, scan, time_s):
        return np.array([draws[scan]])

    counted, counted_log = tracker_for(one_radar, deletion="misses", deletion_misses=6)
    run(counted, one_radar, circling, detected, 3_600.0)
    assert len(target_tracks(counted_log)) >= 3
    tracker, log = tracker_for(one_radar, **RULE)
    run(tracker, one_radar, circling, detected, 3_600.0)
    assert len(target_tracks(log)) == 1
    assert log_drops_of(log, target_tracks(log)) == []


@pytest.mark.parametrize(("spacing_m", "cost", "azimuth_error_deg"),
                         [(4_000.0, "distance", 0.0), (1_500.0, "likelihood", 0.0),
                          (1_500.0, "likelihood", 0.17)])
def test_a_killed_target_among_close_ones_is_deleted_at_its_own_run(
        one_radar, spacing_m, cost, azimuth_error_deg):
    """Three targets abreast, reported at every scan; the middle one is killed after the
    scan at 405 s. Its track (P_D about 0.97) is deleted at its fourth miss (445 s); the
    outer two keep theirs, each on its own target. Also 1.5 km apart with the likelihood
    cost, and with the radar's azimuth off by 0.17 degree (the picture 300 m off the
    truth)."""
    truth = abreast(spacing_m)

    def detected(radar_index, scan, time_s):
        return np.array([target != 1 or time_s <= 405.0 for target in range(3)])

    tracker, log = tracker_for(one_radar, **RULE, association_cost=cost)
    reported = rotated_about_the_radar(azimuth_error_deg)
    run(tracker, one_radar, truth, detected, 600.0, reported=reported)
    confirmed = target_tracks(log)
    assert len(confirmed) == 3
    assert log_drops_of(log, confirmed) == [445.0]
    assert events(log, EventKind.TRACK_MERGE).empty
    alive = tracker.status == CONFIRMED
    assert tracker.track_id[alive].tolist() == [confirmed[0], confirmed[2]]
    assert nearest_targets(tracker, reported(0, 600.0, truth(600.0)), 600.0) == [0, 2]


def test_a_radar_still_seeing_the_track_keeps_it():
    """Radar ``fast`` (2 s) reports the target in its first 20 s only and then misses it
    at every scan; radar ``slow`` (10 s) reports it to 295 s. The fast radar's misses do
    not delete it while the slow one sees it; the slow one's fourth miss does (P_D about
    0.97 at every report)."""
    sites = sites_of(radar("slow"), radar("fast", revisit_s=2.0))

    def detected(radar_index, scan, time_s):
        if radar_index == 1:
            return np.array([time_s < 20.0])
        return np.array([time_s < 300.0])

    tracker, log = tracker_for(sites, **RULE)
    run(tracker, sites, one_target, detected, 250.0)
    (track,) = target_tracks(log)
    row = tracker.track_id == track
    assert tracker.missed_scans[row].tolist()[0][1] > 100
    assert tracker.status[row].tolist() == [CONFIRMED]
    tracker, log = tracker_for(sites, **RULE)
    run(tracker, sites, one_target, detected, 450.0)
    (track,) = target_tracks(log)
    assert log_drops_of(log, [track]) == [335.0]


def test_the_option_is_checked():
    settings = Tracking(**RULE)
    assert settings.deletion == "miss_probability"
    for field, value in (("deletion_probability", 0.0), ("deletion_probability", 1.0),
                         ("deletion_prior_detection_probability", 1.0),
                         ("deletion_prior_looks", 0.0), ("deletion_memory_looks", 0.5)):
        with pytest.raises(ValueError, match=field):
            Tracking(**{**RULE, field: value})


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("deletion", "probability", "'misses' or 'miss_probability'"),
    ("deletion_probability", 0.0, "greater than 0"),
    ("deletion_probability", 1.5, "less than 1"),
    ("deletion_prior_detection_probability", "high", "valid number"),
    ("deletion_memory_looks", 0.5, "greater than or equal to 1")])
def test_a_bad_setting_is_one_line_naming_the_field(field, value, expected):
    document = {"name": "bad", "origin": {"lat_deg": LAT, "lon_deg": LON},
                "sim": {"duration_s": 10.0}, "tracking": {field: value}}
    with pytest.raises(ScenarioError) as raised:
        scenario_from_dict(document)
    (line,) = str(raised.value).splitlines()
    assert f"tracking.{field}" in line and expected in line
