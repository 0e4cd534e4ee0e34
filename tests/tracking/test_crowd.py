"""A crowd at one place: thousands of targets and reports with no spacing between them.

Association must stay linear in memory: each track keeps its nearest reports in the gate
and each report its nearest tracks (``association.MAX_PAIRS_PER_TRACK``), never every
track x report pair. Memory is checked by counting candidate pairs, not by timing.
"""

from __future__ import annotations

import logging

import numpy as np
from test_association import isotropic
from test_tracker import START, measure, site  # noqa: F401  (site: the radar fixture)

from iadsim.events import EventLog
from iadsim.scenario.schema import Tracking
from iadsim.tracking import tracker as tracker_module
from iadsim.tracking.association import MAX_PAIRS_PER_TRACK, gated_pairs
from iadsim.tracking.tracker import CentralTracker

LIMIT = MAX_PAIRS_PER_TRACK


def crowd(count: int, seed: int, sigma_m: float = 5.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, sigma_m, (count, 3))


def test_a_crowd_gives_a_bounded_number_of_pairs_and_each_side_its_nearest(caplog):
    count = 3_000  # 9 million pairs in the gate
    tracks, reports = crowd(count, 1), crowd(count, 2)
    with caplog.at_level(logging.INFO, logger="iadsim.tracking.association"):
        track_index, report_index, distance2 = gated_pairs(
            tracks, isotropic(count, 30.0), reports, isotropic(count, 30.0), 21.1)
    assert track_index.size <= LIMIT * (count + count)
    assert np.unique(track_index).size == count and np.unique(report_index).size == count
    assert "crowded gate: 3000 of 3000 tracks" in caplog.text
    # No pair twice; sorted by track, then report.
    key = track_index * count + report_index
    assert (np.diff(key) > 0).all()
    # Track 0 keeps its 16 nearest reports (brute force), plus reports that chose it.
    residual = reports - tracks[0]
    all_distance2 = np.einsum("ki,ki->k", residual, residual) / (2 * 30.0**2)
    nearest = set(np.argsort(all_distance2, kind="stable")[:LIMIT].tolist())
    mine = report_index[track_index == 0]
    assert nearest <= set(mine.tolist())
    np.testing.assert_allclose(distance2[track_index == 0], all_distance2[mine], rtol=1e-9)


def test_an_ordinary_picture_is_not_cut():
    # Tracks 1 km apart, a report each plus a clutter report near every fourth: no track
    # has more than the limit in its gate, so nothing is cut and nothing is logged.
    rng = np.random.default_rng(3)
    tracks = np.column_stack([np.arange(400) * 1_000.0, np.zeros(400), np.full(400, 3e3)])
    reports = np.vstack([tracks + rng.normal(0, 20, tracks.shape), tracks[::4] + 60.0])
    pairs = gated_pairs(tracks, isotropic(400, 30.0), reports, isotropic(500, 20.0), 21.1)
    brute = {(t, m) for t in range(400) for m in range(500)
             if np.sum((reports[m] - tracks[t]) ** 2) / (30.0**2 + 20.0**2) <= 21.1}
    assert set(zip(pairs[0].tolist(), pairs[1].tolist(), strict=True)) == brute


def test_a_swarm_at_one_point_stays_linear_in_candidate_pairs(site, monkeypatch):  # noqa: F811
    """1,000 drones at one point seen for five scans: every gating the tracker does (the
    assignment and the duplicate check) has at most LIMIT x (tracks + reports) pairs,
    and the table never holds more than two tracks a drone."""
    counted = []

    def counting(*arguments, **keywords):
        pairs = gated_pairs(*arguments, **keywords)
        counted.append((pairs[0].size, arguments[0].shape[0] + arguments[2].shape[0]))
        return pairs

    monkeypatch.setattr(tracker_module, "gated_pairs", counting)
    tracker = CentralTracker(Tracking(confirm_hits=2), [site], EventLog([site.name], [], []))
    drones = np.repeat(START, 1_000, axis=0)
    rng = np.random.default_rng(9)
    largest_table = 0
    for time_s in np.arange(2.0, 12.0, 2.0):
        tracker.process(measure(site, drones, float(time_s), rng))
        tracker.drop(float(time_s))
        largest_table = max(largest_table, tracker.size)
    assert counted and all(pairs <= LIMIT * sides for pairs, sides in counted)
    assert max(pairs for pairs, _ in counted) > 1_000  # the crowd really was gated
    assert largest_table <= 2 * 1_000
