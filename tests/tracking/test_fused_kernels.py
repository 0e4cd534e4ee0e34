"""The tracker's compiled fast paths give, bit for bit, what the NumPy (or per-call)
paths they replace give: on random inputs, and with no rows and a single row."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.tracking import kalman, kernels


def random_covariances(rng: np.random.Generator, count: int, size: int,
                       scale: float) -> np.ndarray:
    """Symmetric positive definite (count, size, size) matrices of about ``scale``."""
    factor = rng.normal(size=(count, size, size)) * np.sqrt(scale)
    return factor @ np.swapaxes(factor, 1, 2) + np.eye(size) * scale * 0.1


def random_table(rng: np.random.Generator, tracks: int):
    state = np.column_stack([rng.normal(0.0, 50_000.0, (tracks, 3)),
                             rng.normal(0.0, 300.0, (tracks, 3))])
    covariance = random_covariances(rng, tracks, 6, 400.0)
    time_s = rng.uniform(0.0, 10.0, tracks)
    hits = rng.integers(1, 4, tracks).astype(np.int32)
    return state, covariance, time_s, hits


def candidate_positions_by_numpy(state, covariance, time_s, hits, rows, row_time,
                                 variance, sigma, acceleration):
    """The tracker's former path: gather the rows, bound the one-plot tracks' velocity
    block, predict the positions."""
    gathered = covariance[rows]
    one_plot = hits[rows] == 1
    if one_plot.any():
        bounded = gathered[one_plot]
        bounded[:, 3:, 3:] = np.eye(3) * variance
        gathered[one_plot] = bounded
    return kalman.predict_position(state[rows], gathered, row_time - time_s[rows], sigma,
                                   None if acceleration.shape[0] == 0 else acceleration)


@pytest.mark.parametrize("candidates", [0, 1, 7, 300])
@pytest.mark.parametrize("with_acceleration", [False, True])
def test_candidate_positions_equal_the_gathered_numpy_prediction(candidates,
                                                                 with_acceleration):
    rng = np.random.default_rng(candidates + 10 * with_acceleration)
    state, covariance, time_s, hits = random_table(rng, 40)
    rows = np.sort(rng.integers(0, 40, candidates)).astype(np.intp)
    row_time = rng.uniform(-2.0, 14.0, candidates)  # some before the track's time
    acceleration = np.zeros((0, 3))
    if with_acceleration:
        acceleration = np.zeros((candidates, 3))
        acceleration[rng.random(candidates) < 0.5] = [0.0, 0.0, -9.80665]
    before = (state.copy(), covariance.copy())
    position, position_cov = kernels.predict_candidate_positions(
        state, covariance, time_s, hits, rows, row_time, 1234.5, 3.0, acceleration)
    expected_position, expected_cov = candidate_positions_by_numpy(
        state, covariance, time_s, hits, rows, row_time, 1234.5, 3.0, acceleration)
    assert position.shape == (candidates, 3) and position_cov.shape == (candidates, 3, 3)
    assert np.array_equal(position, expected_position)
    assert np.array_equal(position_cov, expected_cov)
    # The table is read, not changed (a one-plot row's bound is not written back).
    assert np.array_equal(state, before[0]) and np.array_equal(covariance, before[1])


def spy_on_completion(monkeypatch, association) -> list:
    """Record what each call of ``_completed_by_cut_tracks`` returns."""
    results = []
    original = association._completed_by_cut_tracks

    def spy(*args):
        results.append(original(*args))
        return results[-1]

    monkeypatch.setattr(association, "_completed_by_cut_tracks", spy)
    return results


def crowded_picture(rng: np.random.Generator, tracks: int, reports: int, wide: int):
    """Tracks and reports scattered over 20 km, ``wide`` of the tracks with gates kilometres
    wide (one-plot tracks), so that they hold more reports than a track may keep."""
    track_position = rng.uniform(-10_000.0, 10_000.0, (tracks, 3))
    track_position[:, 2] = rng.uniform(0.0, 300.0, tracks)
    track_cov = random_covariances(rng, tracks, 3, 60.0**2)
    track_cov[:wide] = random_covariances(rng, wide, 3, 4_000.0**2)
    measurement = rng.uniform(-10_000.0, 10_000.0, (reports, 3))
    measurement[:, 2] = rng.uniform(0.0, 300.0, reports)
    measurement_cov = random_covariances(rng, reports, 3, 100.0**2)
    return track_position, track_cov, measurement, measurement_cov


@pytest.mark.parametrize(("tracks", "reports", "wide", "seed"),
                         [(1, 60, 1, 0), (5, 40, 2, 1), (300, 250, 6, 2), (800, 300, 8, 3),
                          (60, 30, 60, 4)])
def test_completing_a_cut_gate_from_the_cut_tracks_equals_the_reports_second_pass(
        monkeypatch, tracks, reports, wide, seed):
    """The crowded gate's second pass made from the cut tracks alone gives the pairs,
    order and distances of gating every report again (both sides' limits acting)."""
    from iadsim.tracking import association

    rng = np.random.default_rng(seed)
    arrays = crowded_picture(rng, tracks, reports, wide)
    limit = 4
    results = spy_on_completion(monkeypatch, association)
    fast = association.gated_pairs(*arrays, 9.0, max_pairs_per_track=limit)
    assert results and all(result is not None for result in results)  # the fast path ran
    every_track, _, _ = association.gated_pairs(*arrays, 9.0, max_pairs_per_track=reports)
    assert np.bincount(every_track, minlength=tracks).max() > limit  # some track is cut
    monkeypatch.setattr(association, "_completed_by_cut_tracks", lambda *args: None)
    slow = association.gated_pairs(*arrays, 9.0, max_pairs_per_track=limit)
    for got, expected in zip(fast, slow, strict=True):
        assert got.dtype == expected.dtype
        assert np.array_equal(got, expected)


def test_completing_a_cut_gate_falls_back_on_a_tie_at_a_reports_limit(monkeypatch):
    """Two identical tracks tie at a report's limit: which one the reports' pass keeps
    depends on its search order, so the second pass decides (the same result)."""
    from iadsim.tracking import association

    rng = np.random.default_rng(5)
    track_position, track_cov, measurement, measurement_cov = crowded_picture(rng, 6, 30, 6)
    track_position[1], track_cov[1] = track_position[0], track_cov[0]
    results = spy_on_completion(monkeypatch, association)
    fast = association.gated_pairs(track_position, track_cov, measurement, measurement_cov,
                                   9.0, max_pairs_per_track=1)
    assert results == [None]  # the tie sent it to the second pass
    monkeypatch.setattr(association, "_completed_by_cut_tracks", lambda *args: None)
    slow = association.gated_pairs(track_position, track_cov, measurement, measurement_cov,
                                   9.0, max_pairs_per_track=1)
    for got, expected in zip(fast, slow, strict=True):
        assert np.array_equal(got, expected)
