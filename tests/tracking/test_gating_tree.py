"""The k-d tree gate (a crowd's gating) against brute force, and the bounds on work.

The tree must give exactly the pairs of the brute-force gate (each track keeping its
nearest reports when cut), whatever its leaf size and coordinates; in a crowd, the work
(Mahalanobis distances computed) must stay linear in the tracks, counted, not timed.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
from test_association import GATE_99, brute_force_pairs, isotropic

from iadsim.tracking import association, gating_tree, kernels
from iadsim.tracking.association import CrowdLimits, assign, gated_pairs

LIMIT = association.MAX_PAIRS_PER_TRACK


def elongated(count: int, rng: np.random.Generator, long_m: float = 3_000.0) -> np.ndarray:
    """Rotated covariances, 30 m along one axis and up to ``long_m`` along the others."""
    rotation = np.linalg.qr(rng.normal(size=(count, 3, 3)))[0]
    scales = np.stack([np.full(count, 30.0), rng.uniform(30.0, long_m, count),
                       rng.uniform(30.0, long_m, count)], axis=1) ** 2
    return np.einsum("kij,kj,klj->kil", rotation, scales, rotation)


def brute_force_nearest(tracks, track_cov, reports, report_cov, gate, limit):
    """Each track's ``limit`` smallest d^2 in the gate (ties: lower report index), and
    the number of tracks that had more."""
    kept, cut = {}, 0
    for t in range(tracks.shape[0]):
        found = []
        for m in range(reports.shape[0]):
            residual = reports[m] - tracks[t]
            distance2 = residual @ np.linalg.solve(track_cov[t] + report_cov[m], residual)
            if distance2 <= gate:
                found.append((distance2, m))
        found.sort()
        cut += len(found) > limit
        kept.update({(t, m): distance2 for distance2, m in found[:limit]})
    return kept, cut


def tree_gate(tracks, track_cov, reports, report_cov, gate, limit, leaf_size=8,
              transform=None, max_candidates=1 << 30):
    return gating_tree.gate_by_tree(
        *(np.ascontiguousarray(a, dtype=float) for a in (tracks, track_cov, reports, report_cov)),
        gate, limit, max_candidates, leaf_size, np.eye(3) if transform is None else transform)


@pytest.mark.parametrize("leaf_size", [1, 8, 1_000])
@pytest.mark.parametrize("transform", ["identity", "whitening", "skewed"])
@pytest.mark.parametrize("seed", [1, 2])
def test_the_tree_gives_the_brute_force_pairs_on_random_data(leaf_size, transform, seed):
    # Spread tracks and reports, some close pairs, diffuse young tracks, elongated and
    # rotated report errors, a few exact duplicates: identical pairs and distances, each
    # track's pairs in increasing report index, in any coordinates and with any leaf.
    rng = np.random.default_rng(seed)
    tracks = rng.uniform(-30e3, 30e3, (150, 3))
    reports = rng.uniform(-30e3, 30e3, (200, 3))
    reports[:100] = tracks[:100] + rng.normal(0.0, 400.0, (100, 3))
    reports[100:110] = reports[:10]  # duplicated reports (ties of d^2)
    track_cov = isotropic(150, 60.0) * rng.uniform(0.5, 2.0, 150)[:, None, None]
    track_cov[:15] *= rng.uniform(100.0, 20_000.0, 15)[:, None, None]
    report_cov = elongated(200, rng)
    matrix = {"identity": np.eye(3),
              "whitening": association._whitening(report_cov),
              "skewed": np.array([[3.0, 1.0, 0.0], [0.0, 0.2, 0.5], [1.0, 0.0, 1.0]])}
    inputs = [a.copy() for a in (tracks, track_cov, reports, report_cov)]
    track_index, report_index, distance2, cut, capped, computed = tree_gate(
        tracks, track_cov, reports, report_cov, GATE_99, 10_000, leaf_size,
        matrix[transform])
    got = set(zip(track_index.tolist(), report_index.tolist(), strict=True))
    assert got == brute_force_pairs(tracks, track_cov, reports, report_cov, GATE_99)
    assert len(got) == track_index.size > 100 and (cut, capped) == (0, 0)
    assert 0 < computed < 150 * 200
    key = track_index * 200 + report_index
    assert (np.diff(key) > 0).all()
    residual = reports[report_index] - tracks[track_index]
    expected = np.einsum("ki,ki->k", residual, np.linalg.solve(
        track_cov[track_index] + report_cov[report_index], residual[:, :, None])[:, :, 0])
    np.testing.assert_allclose(distance2, expected, rtol=1e-9)
    for before, after in zip(inputs, (tracks, track_cov, reports, report_cov), strict=True):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("limit", [1, 3, LIMIT])
def test_the_tree_keeps_each_tracks_nearest_reports_like_brute_force(limit):
    # A crowd: 120 tracks and 150 reports within metres, elongated errors: every track
    # has them all in its gate and keeps its `limit` nearest (ties: lower report index,
    # the duplicated reports), and is counted as cut, as the brute-force kernel does.
    rng = np.random.default_rng(5)
    tracks = rng.normal(0.0, 30.0, (120, 3))
    reports = rng.normal(0.0, 30.0, (150, 3))
    reports[140:] = reports[:10]
    track_cov = isotropic(120, 40.0)
    report_cov = elongated(150, rng, long_m=400.0)
    expected, expected_cut = brute_force_nearest(tracks, track_cov, reports, report_cov,
                                                 GATE_99, limit)
    for transform in (np.eye(3), association._whitening(report_cov)):
        track_index, report_index, distance2, cut, capped, computed = tree_gate(
            tracks, track_cov, reports, report_cov, GATE_99, limit, transform=transform)
        got = dict(zip(zip(track_index.tolist(), report_index.tolist(), strict=True),
                       distance2.tolist(), strict=True))
        assert got.keys() == expected.keys()
        assert cut == expected_cut == 120 and capped == 0
        brute = kernels.gate_every_pair(
            tracks, track_cov, reports, report_cov, GATE_99, limit)
        assert set(zip(brute[0].tolist(), brute[1].tolist(), strict=True)) == got.keys()
        assert brute[3] == cut
        assert computed < 120 * 150  # the bound pruned reports it never tested


def test_non_finite_tracks_and_reports_gate_with_nothing_in_the_tree():
    rng = np.random.default_rng(3)
    tracks = rng.uniform(-5e3, 5e3, (80, 3))
    reports = tracks + rng.normal(0.0, 100.0, (80, 3))
    track_cov, report_cov = isotropic(80, 150.0), isotropic(80, 100.0)
    tracks[3], track_cov[7], reports[5, 1], report_cov[9] = np.nan, np.inf, np.inf, np.nan
    track_index, report_index, *_ = tree_gate(tracks, track_cov, reports, report_cov,
                                              GATE_99, LIMIT)
    got = set(zip(track_index.tolist(), report_index.tolist(), strict=True))
    assert got == brute_force_pairs(tracks, track_cov, reports, report_cov, GATE_99)
    assert len(got) >= 70
    nothing = tree_gate(tracks, track_cov, np.full((80, 3), np.nan), report_cov, GATE_99,
                        LIMIT)
    assert nothing[0].size == 0


def test_a_search_stops_at_its_candidate_cap_and_says_so():
    # 50 tracks and 400 reports at one point (all in every gate, one tree leaf): with a cap
    # of 20 tests, each track tests 20 reports, keeps its 4 nearest of those and is capped.
    rng = np.random.default_rng(2)
    tracks = np.zeros((50, 3))
    reports = np.zeros((400, 3))
    _, report_index, _, cut, capped, computed = tree_gate(
        tracks, isotropic(50, 10.0), reports, isotropic(400, 10.0) + rng.uniform(
            0.0, 1.0, (400, 1, 1)) * np.eye(3), GATE_99, 4, max_candidates=20)
    assert (capped, computed, cut) == (50, 50 * 20, 50)
    assert report_index.size == 50 * 4


def crowd(count: int, seed: int) -> tuple[np.ndarray, ...]:
    """``count`` tracks and reports at one point, with radar-like errors: 15 m along the
    range (east), 150 m across."""
    rng = np.random.default_rng(seed)
    sigma = np.array([15.0, 150.0, 150.0])
    tracks = rng.normal(0.0, 1.0, (count, 3)) * sigma
    reports = rng.normal(0.0, 1.0, (count, 3)) * sigma
    covariance = np.broadcast_to(np.diag(sigma**2), (count, 3, 3)).copy()
    return tracks, covariance, reports, covariance.copy()


def test_gating_a_large_coincident_crowd_does_bounded_work():
    # 6,000 tracks and reports at one place, errors ten times longer across than along
    # the range: 36 million pairs in the gate. The gating computes at most 1,024 distances
    # a track and a report (in fact far fewer), and keeps LIMIT pairs a track and report.
    count = 6_000
    tracks, track_cov, reports, report_cov = crowd(count, 4)
    limits = CrowdLimits()
    track_index, report_index, _ = gated_pairs(tracks, track_cov, reports, report_cov, 21.1,
                                               limits=limits)
    cap = association.CANDIDATES_PER_KEPT_PAIR * LIMIT
    assert limits.distances_computed <= cap * 2 * count
    assert limits.distances_computed <= 100 * 2 * count  # the whitened bound prunes well
    assert limits.capped_searches == 0
    assert track_index.size <= LIMIT * 2 * count
    assert np.unique(track_index).size == count and np.unique(report_index).size == count


def test_a_large_cluster_is_assigned_greedily_with_one_warning(caplog):
    # A crowd of 1,500 tracks and reports is one cluster above GREEDY_CLUSTER_SIZE: it is
    # assigned greedily (each track and report at most once, best gain first), counted,
    # and warned about once for the tracker's CrowdLimits, not at every call.
    count = 1_500
    tracks, track_cov, reports, report_cov = crowd(count, 6)
    limits = CrowdLimits()
    pairs = gated_pairs(tracks, track_cov, reports, report_cov, 21.1, limits=limits)
    gain = 21.1 - pairs[2] + 1e-9
    with caplog.at_level(logging.WARNING, logger="iadsim.tracking.association"):
        first = assign(pairs[0], pairs[1], gain, count, count, limits)
        again = assign(pairs[0], pairs[1], gain, count, count, limits)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "assigned greedily" in warnings[0].getMessage()
    assert limits.greedy_clusters == 2 and limits.greedy_members == 4 * count
    for chosen_tracks, chosen_reports in (first, again):
        assert np.unique(chosen_tracks).size == chosen_tracks.size
        assert np.unique(chosen_reports).size == chosen_reports.size
        assert chosen_tracks.size > 0.9 * count
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    # The first pair taken is the best one of all.
    best = np.argmax(gain)
    assert first[1][first[0] == pairs[0][best]].tolist() == [pairs[1][best]]


def test_greedy_assignment_takes_the_best_gain_first_and_breaks_ties_by_index():
    rows = np.array([0, 0, 1, 1, 2])
    columns = np.array([0, 1, 0, 1, 1])
    gain = np.array([5.0, 9.0, 9.0, 4.0, 9.0])
    order = np.lexsort((columns, rows, -gain))
    chosen_rows, chosen_columns = gating_tree.assign_greedy(rows, columns, order, 3, 2)
    # Gain 9 three times: (0, 1) first (lowest row), then (1, 0); (2, 1) finds column 1 taken.
    assert chosen_rows.tolist() == [0, 1] and chosen_columns.tolist() == [1, 0]


def test_an_ordinary_cluster_is_still_solved_optimally():
    # Below GREEDY_CLUSTER_SIZE nothing changes: the greedy choice (0-1, then nothing for
    # row 1) loses to the optimum (0-0, 1-1), which assign returns.
    limits = CrowdLimits()
    tracks, reports = assign(np.array([0, 0, 1]), np.array([0, 1, 1]),
                             np.array([5.0, 6.0, 5.0]), 2, 2, limits)
    assert tracks.tolist() == [0, 1] and reports.tolist() == [0, 1]
    assert limits.greedy_clusters == 0 and not limits.warned


def test_may_gate_is_false_only_when_no_pair_passes_the_gate():
    rng = np.random.default_rng(9)
    outcomes = set()
    for _ in range(300):
        tracks = rng.uniform(-3e3, 3e3, (rng.integers(1, 6), 3))
        reports = rng.uniform(-3e3, 3e3, (rng.integers(1, 6), 3))
        track_cov = elongated(tracks.shape[0], rng, long_m=400.0)
        report_cov = elongated(reports.shape[0], rng, long_m=400.0)
        possible = association.may_gate(tracks, track_cov, reports, report_cov, GATE_99)
        pairs = brute_force_pairs(tracks, track_cov, reports, report_cov, GATE_99)
        assert possible or not pairs
        outcomes.add((possible, bool(pairs)))
    assert (False, False) in outcomes and (True, True) in outcomes  # both cases exercised
    # A non-finite value never lets the shortcut skip a gating.
    assert association.may_gate(np.full((1, 3), np.nan), isotropic(1, 1.0),
                                np.array([[1e6, 0.0, 0.0]]), isotropic(1, 1.0), GATE_99)


def test_a_mixed_crowd_gated_in_two_frames_gives_the_brute_force_pairs():
    # A crowd of settled tracks (as long across the range as their reports) and young,
    # round, wide tracks: each searches in its rounder frame (two trees), and the pairs
    # are those of the brute-force kernel, both passes (tracks' and reports' nearest).
    rng = np.random.default_rng(12)
    sigma = np.array([15.0, 150.0, 150.0])
    tracks = rng.normal(0.0, 1.0, (400, 3)) * sigma
    reports = rng.normal(0.0, 1.0, (300, 3)) * sigma
    track_cov = np.broadcast_to(np.diag(sigma**2), (400, 3, 3)).copy()
    track_cov[::2] = np.eye(3) * 800.0**2  # young tracks
    report_cov = np.broadcast_to(np.diag(sigma**2), (300, 3, 3)).copy()
    whitened = association._rounder_whitened(track_cov, report_cov,
                                             association._whitening(report_cov))
    assert whitened[1::2].all() and not whitened[::2].any()
    limits = CrowdLimits()
    got = gated_pairs(tracks, track_cov, reports, report_cov, GATE_99, limits=limits)
    first = kernels.gate_every_pair(tracks, track_cov, reports, report_cov, GATE_99, LIMIT)
    second = kernels.gate_every_pair(reports, report_cov, tracks, track_cov, GATE_99, LIMIT)
    expected = (set(zip(first[0].tolist(), first[1].tolist(), strict=True))
                | set(zip(second[1].tolist(), second[0].tolist(), strict=True)))
    assert set(zip(got[0].tolist(), got[1].tolist(), strict=True)) == expected
    assert (np.diff(got[0] * 300 + got[1]) > 0).all()
    assert limits.capped_searches == 0 and limits.distances_computed < 400 * 300
