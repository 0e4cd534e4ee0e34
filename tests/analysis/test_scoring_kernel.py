"""The compiled scoring walk (iadsim.analysis.scoring_kernel) against the general NumPy path.

Every part must give the very same floats: the unambiguous assignment against
``optimal_pairs`` (SciPy) on random sets with ties, orders other than 1 and 2 and empty
sets; the sums and distances against NumPy's; and ``score_tracks`` as a whole, compiled
against its general loop, on random runs whose pictures differ from the truth (offsets
around the cut-off, coincident threats, false tracks, drops, merges, re-joined numbers).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from iadsim.analysis import track_quality
from iadsim.analysis.scoring_kernel import (
    SUM_BLOCK,
    distance_matrix,
    numpy_sum,
    unambiguous_pairs,
)
from iadsim.analysis.track_quality import optimal_pairs, score_tracks


def random_points(rng: np.random.Generator, count: int, spread_m: float,
                  grid_m: float | None) -> np.ndarray:
    """``count`` points within ``spread_m``; on a grid of ``grid_m`` (ties) when given."""
    points = rng.uniform(-spread_m, spread_m, size=(count, 3))
    if grid_m is not None:
        points = np.round(points / grid_m) * grid_m
    return points


@pytest.mark.parametrize("p", [1.0, 1.5, 2.0, 3.0])
def test_unambiguous_pairs_are_the_optimal_pairs(p):
    rng = np.random.default_rng(int(p * 10))
    found_cases = ambiguous_cases = 0
    for case in range(600):
        n_estimates, n_truths = rng.integers(0, 6, size=2)
        grid = (None, 500.0, 1_000.0)[case % 3]  # 1 km grid: distances at the cut-off
        spread = (3_000.0, 1_500.0, 800.0, 400.0)[case % 4]  # sparse to crowded
        estimates = random_points(rng, n_estimates, spread, grid)
        truths = random_points(rng, n_truths, spread, grid)
        if n_truths and n_estimates and case % 5 == 0:
            estimates[0] = truths[0]  # an exact hit, and a tie with any coincident point
        c = (1_000.0, 700.0)[case % 2]
        distance = distance_matrix(estimates.reshape(-1, 3), truths.reshape(-1, 3))
        found, estimate_index, truth_index, pair_distance = unambiguous_pairs(
            distance, c, c**p, p)
        if not found:
            ambiguous_cases += 1
            continue
        found_cases += 1
        expected = optimal_pairs(estimates, truths, c, p)
        np.testing.assert_array_equal(estimate_index, expected[0])
        np.testing.assert_array_equal(truth_index, expected[1])
        assert pair_distance.tobytes() == expected[2].tobytes()
    assert found_cases > 100 and ambiguous_cases > 100  # both branches were exercised


def test_two_tracks_on_one_threat_are_ambiguous():
    distance = np.array([[100.0, 5_000.0], [200.0, 5_000.0]])
    found, *_ = unambiguous_pairs(distance, 1_000.0, 1_000.0**2, 2.0)
    assert not found
    found, estimate_index, truth_index, _ = unambiguous_pairs(distance[:1], 1_000.0,
                                                              1_000.0**2, 2.0)
    assert found and estimate_index.tolist() == [0] and truth_index.tolist() == [0]


def test_numpy_sum_and_distances_are_numpys_bit_for_bit():
    rng = np.random.default_rng(7)
    for count in range(SUM_BLOCK + 1):
        values = rng.random(count) * 10.0 ** rng.uniform(-3, 6, count)
        assert numpy_sum(values) == values.sum()
    for _ in range(50):
        estimates = rng.normal(size=(rng.integers(0, 5), 3)) * 1e5
        truths = rng.normal(size=(rng.integers(0, 5), 3)) * 1e5
        expected = np.linalg.norm(estimates[:, None, :] - truths[None, :, :], axis=2)
        assert distance_matrix(estimates, truths).tobytes() == expected.tobytes()


def random_run(seed: int) -> tuple[pd.DataFrame, ...]:
    """A random run's tables: threats flying straight (some pairs coincident), tracks on
    them with errors around the 1 km cut-off updated at random times, false tracks, and
    drop/merge events (some numbers recorded again after their drop)."""
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.choice([0.5, 1.0, 2.0], size=60))
    n_threats = int(rng.integers(1, 7))
    start = rng.uniform(0, 80, size=(n_threats, 3)) * 1_000.0
    velocity = rng.uniform(-300, 300, size=(n_threats, 3))
    if n_threats > 1:
        start[1], velocity[1] = start[0], velocity[0]  # two threats together: ties
    life = np.sort(rng.choice(times, size=(n_threats, 2)), axis=1)
    truth_rows, track_rows, events = [], [], []
    next_track = 0
    for threat in range(n_threats):
        for _ in range(int(rng.integers(0, 3))):
            track, error = next_track, rng.uniform(0, 1_400.0, size=3) / np.sqrt(3)
            next_track += 1
            updates = np.sort(rng.choice(times, size=int(rng.integers(1, 20)), replace=False))
            for time_s in updates:
                position = start[threat] + velocity[threat] * time_s + error
                track_rows.append((time_s, track, *position,
                                   *(velocity[threat] + rng.normal(0, 5, 3)),
                                   *(rng.normal(0, 3, 3) if rng.random() < 0.5 else np.zeros(3)),
                                   bool(rng.random() < 0.5)))
            if rng.random() < 0.6:
                events.append((float(rng.choice(times)), ("track_drop", "track_merge")[
                    int(rng.random() < 0.3)], track))
        for time_s in times[(times >= life[threat, 0]) & (times <= life[threat, 1])]:
            truth_rows.append((time_s, threat, *(start[threat] + velocity[threat] * time_s)))
    for _ in range(int(rng.integers(0, 4))):  # false tracks
        track, next_track = next_track, next_track + 1
        for time_s in np.sort(rng.choice(times, size=5, replace=False)):
            track_rows.append((time_s, track, *rng.uniform(0, 80_000, 3), 0.0, 0.0, 0.0,
                               0.0, 0.0, 0.0, False))
    tracks = pd.DataFrame(track_rows, columns=[
        "time_s", "track_id", "east_m", "north_m", "up_m", "velocity_east_mps",
        "velocity_north_mps", "velocity_up_mps", "acceleration_east_mps2",
        "acceleration_north_mps2", "acceleration_up_mps2", "ballistic_model"])
    tracks["track_id"] = tracks["track_id"].astype(np.int64)
    tracks = tracks.sort_values(["time_s", "track_id"], kind="stable", ignore_index=True)
    truth = pd.DataFrame(truth_rows, columns=["time_s", "threat_id", "east_m", "north_m",
                                              "up_m"])
    truth = truth.sort_values(["time_s", "threat_id"], kind="stable", ignore_index=True)
    events.sort()
    event_table = pd.DataFrame({
        "time_s": [time_s for time_s, _, _ in events],
        "kind": pd.Categorical([kind for _, kind, _ in events],
                               categories=["detection", "track_drop", "track_merge"]),
        "threat_id": np.full(len(events), -1, dtype=np.int32),
        "track_id": np.array([track for _, _, track in events], dtype=np.int64)})
    threats = pd.DataFrame({"threat_id": np.arange(n_threats),
                            "launch_time_s": np.zeros(n_threats)})
    return tracks, truth, event_table, threats


@pytest.mark.parametrize("seed", range(12))
def test_the_compiled_walk_scores_as_the_general_loop(seed, monkeypatch):
    run = random_run(seed)
    for extrapolation in ("picture", "velocity", "ballistic"):
        for hold_s in (0.0, 20.0):
            compiled = score_tracks(*run, extrapolation=extrapolation, break_hold_s=hold_s)
            monkeypatch.setattr(track_quality, "COMPILED_SCORING", False)
            general = score_tracks(*run, extrapolation=extrapolation, break_hold_s=hold_s)
            monkeypatch.setattr(track_quality, "COMPILED_SCORING", True)
            pd.testing.assert_frame_equal(compiled, general, check_exact=True)
            for name in compiled.columns:
                assert compiled[name].to_numpy().tobytes() == general[name].to_numpy().tobytes()
            assert (json.dumps(compiled.attrs["summary"])
                    == json.dumps(general.attrs["summary"]))
