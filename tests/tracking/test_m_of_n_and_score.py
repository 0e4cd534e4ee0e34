"""M of N with a score veto (``confirmation: m_of_n_and_score``): M of N confirms and
deletes, but not while the track's score (its log-likelihood ratio, the false-alarm
density taken where each plot lies) is below Wald's confirmation threshold.

The trackers are driven directly with noisy plots (drawn around the truth with the
radar's errors; the trackers never see the truth) of catalog radars, whose false-alarm
rates set the score's density.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_track_score import _single_radar
from test_tracker import make_network_tracker, measure

from iadsim.events import EventKind
from iadsim.scenario.schema import Tracking
from iadsim.tracking import score
from iadsim.tracking.tracker import CONFIRMED


def _fly(sites, rules, start: np.ndarray, velocity: np.ndarray, times: np.ndarray,
         seed: int, **settings):
    """Noisy plots of targets ``start + velocity t`` (k, 3) at ``times``, every target in
    every scan, into one tracker a rule, the same plots for each. Returns the trackers
    and logs by rule."""
    trackers = {rule: make_network_tracker(sites, confirmation=rule, **settings)
                for rule in rules}
    rng = np.random.default_rng(seed)
    for time_s in times.tolist():
        batch = measure(sites[0], start + velocity * time_s, time_s, rng)
        for tracker, _ in trackers.values():
            tracker.process(batch)
    return trackers


def _confirms(log) -> list[tuple[float, int]]:
    frame = log.to_frame()
    confirms = frame[frame["kind"] == EventKind.TRACK_CONFIRM.value]
    return list(zip(confirms["time_s"].tolist(), confirms["track_id"].tolist(), strict=True))


def test_jittering_plots_near_the_radar_pass_4_of_6_more_often_than_the_score():
    """A plot 3 km from a short-range radar (3 false alarms a scan over cells uniform in
    range: there the false-alarm density is about 10^3 times the volume's mean) that
    jumps about 100 m a scan, as lined-up false alarms would, for six scans, 20 draws:
    M of N confirms some of them; with the score veto fewer, never one M of N does not,
    never earlier, and each at a score past ln((1 - 0.01) / 1e-6) = 13.8. The filter and
    the hits are M of N's (the same state)."""
    sites = _single_radar("short-range-radar")
    site = sites[0]
    _, threshold = score.wald_thresholds(1e-6, 0.01)
    confirmed = {"m_of_n": 0, "m_of_n_and_score": 0}
    for seed in range(20):
        rng = np.random.default_rng(seed)
        trackers = {rule: make_network_tracker(sites, confirmation=rule) for rule in confirmed}
        where = np.array([3_000.0, 0.0, 300.0])
        for scan in range(1, 7):
            where = where + rng.normal(0.0, 100.0, 3) * [1.0, 1.0, 0.2]
            batch = measure(site, where[None], site.revisit_s * scan, rng)
            for tracker, _ in trackers.values():
                tracker.process(batch)
        plain, vetoed = _confirms(trackers["m_of_n"][1]), _confirms(trackers["m_of_n_and_score"][1])
        confirmed["m_of_n"] += len(plain)
        confirmed["m_of_n_and_score"] += len(vetoed)
        assert set(track for _, track in vetoed) <= set(track for _, track in plain), seed
        assert all(time >= dict((t, w) for w, t in plain)[track] for time, track in vetoed)
        tracker = trackers["m_of_n_and_score"][0]
        assert (tracker.score[tracker.status == CONFIRMED] >= threshold).all(), seed
        np.testing.assert_array_equal(tracker.state, trackers["m_of_n"][0].state)
    assert confirmed["m_of_n_and_score"] < confirmed["m_of_n"]


def test_targets_far_out_confirm_when_m_of_n_confirms_them():
    """Three 5 m^2-class targets 300 m apart across the line of sight 40 km from a
    medium-range radar, noisy plots every scan: with the veto each is confirmed at the
    same report as under M of N (its fourth), three tracks, no other, the same states;
    their scores are past the threshold by then (the false-alarm density is low out
    there)."""
    sites = _single_radar("medium-range-radar")
    _, threshold = score.wald_thresholds(1e-6, 0.01)
    start = np.array([[0.0, 40_000.0, 5_000.0], [300.0, 40_000.0, 5_000.0],
                      [600.0, 40_000.0, 5_000.0]])
    velocity = np.array([[0.0, -200.0, 0.0]] * 3)
    times = sites[0].revisit_s * np.arange(1, 9)
    for seed in range(3):
        trackers = _fly(sites, ("m_of_n", "m_of_n_and_score"), start, velocity, times, seed)
        plain = _confirms(trackers["m_of_n"][1])
        assert len(plain) == 3 and {time for time, _ in plain} == {times[3]}, seed
        assert _confirms(trackers["m_of_n_and_score"][1]) == plain, seed
        vetoed = trackers["m_of_n_and_score"][0]
        assert (vetoed.status == CONFIRMED).sum() == 3, seed
        assert (vetoed.score[vetoed.status == CONFIRMED] >= threshold).all(), seed
        np.testing.assert_array_equal(vetoed.state, trackers["m_of_n"][0].state)


def test_the_veto_lifts_at_the_first_scan_that_brings_the_score_past_the_threshold():
    """A target 12 km from a short-range radar, noisy plots every scan, with a strict
    test (alpha 1e-30: the threshold ln((1 - 0.01) / 1e-30) = 69.1): M of N alone
    confirms it at its fourth plot; with the veto it is confirmed at the first scan from
    the fourth on after which its score is at the threshold (later than the fourth),
    not before, once, in each of three draws."""
    sites = _single_radar("short-range-radar")
    site = sites[0]
    _, threshold = score.wald_thresholds(1e-30, 0.01)
    start, velocity = np.array([[0.0, 12_000.0, 1_000.0]]), np.array([[0.0, -100.0, 0.0]])
    for seed in range(3):
        rng = np.random.default_rng(seed)
        trackers = {rule: make_network_tracker(sites, confirmation=rule,
                                               false_track_probability=1e-30)
                    for rule in ("m_of_n", "m_of_n_and_score")}
        vetoed, log = trackers["m_of_n_and_score"]
        expected = confirmed_at = None
        for scan in range(1, 16):
            time_s = site.revisit_s * scan
            batch = measure(site, start + velocity * time_s, time_s, rng)
            for tracker, _ in trackers.values():
                tracker.process(batch)
            assert vetoed.size == 1, seed
            if expected is None and scan >= 4 and vetoed.score[0] >= threshold:
                expected = scan
            if confirmed_at is None and vetoed.status[0] == CONFIRMED:
                confirmed_at = scan
        assert [time for time, _ in _confirms(trackers["m_of_n"][1])] == [4 * site.revisit_s]
        assert expected is not None and expected > 4, seed
        assert confirmed_at == expected, seed
        assert log.count(EventKind.TRACK_CONFIRM) == 1, seed


def test_m_of_n_deletion_applies_under_the_veto():
    """With the veto a tentative track is deleted as under M of N: past confirm_window -
    confirm_hits missed scans (here 2), not at the score's deletion threshold."""
    sites = _single_radar("medium-range-radar")
    tracker, log = make_network_tracker(sites, confirmation="m_of_n_and_score")
    rng = np.random.default_rng(1)
    start, velocity = np.array([[0.0, 40_000.0, 5_000.0]]), np.array([[0.0, -200.0, 0.0]])
    far = np.array([[-30_000.0, -30_000.0, 5_000.0]])  # a scan with a plot elsewhere
    revisit = sites[0].revisit_s
    for scan, truth_seen in enumerate([True, True, False, False], start=1):
        time_s = revisit * scan
        where = start + velocity * time_s if truth_seen else far + 100.0 * scan
        tracker.process(measure(sites[0], where, time_s, rng))
    assert 0 in tracker.track_id.tolist()  # two misses: kept (6 - 4 = 2 allowed)
    tracker.process(measure(sites[0], far + 500.0, revisit * 5, rng))
    assert 0 not in tracker.track_id.tolist()  # the third: deleted
    assert log.count(EventKind.TRACK_CONFIRM) == 0


def test_the_setting_is_refused_with_its_allowed_values():
    with pytest.raises(ValueError, match="m_of_n_and_score"):
        Tracking(confirmation="m_of_n_or_score")
