"""Fire-control directors: cued from the picture, they lock what is physically at the cue,
measure it with noise and aim from their own filtered track (never from the truth)."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.sensors.fire_control import (
    MIN_MEASUREMENTS,
    FireControlDirectors,
    FireControlSettings,
)

SETTINGS = FireControlSettings(range_sigma_m=3.0, angle_sigma_rad=1e-3, update_rate_hz=20.0,
                               max_range_m=15_000.0, acquisition_gate_m=150.0,
                               process_noise_mps2=1.0)
VELOCITY = np.array([-40.0, -30.0, -2.0])


def directors(seed: int = 1, channels: int = 1) -> FireControlDirectors:
    return FireControlDirectors(np.zeros((1, 3)), [SETTINGS], np.array([channels]),
                                np.random.default_rng(seed))


def fly(director: FireControlDirectors, start_m: np.ndarray, seconds: int,
        alive: np.ndarray | None = None) -> None:
    """Threats (n, 3) at ``start_m`` fly at VELOCITY; the directors look each 1 s step."""
    alive = np.ones(start_m.shape[0], dtype=bool) if alive is None else alive
    for second in range(seconds):
        director.measure(float(second), second + 1.0, start_m + VELOCITY * second,
                         start_m + VELOCITY * (second + 1), alive)


def test_a_picture_60_m_off_still_gives_a_metre_level_solution_from_the_directors_own_looks():
    truth = np.array([[3_000.0, 2_000.0, 300.0]])
    director = directors()
    # The picture: 60 m and 10 m/s off the truth.
    picture_error = np.array([40.0, -40.0, 20.0])
    director.cue(0.0, 0, 5, truth[0] + picture_error, VELOCITY + np.array([8.0, -6.0, 0.0]),
                 12.0)
    assert director.solution(0.0, 0, 5) is None
    fly(director, truth, 4)
    assert director.locked_threat.tolist() == [0]
    position, velocity = director.solution(4.0, 0, 5)
    true_position = truth[0] + VELOCITY * 4.0
    error = np.linalg.norm(position - true_position)
    # Metre-level, but a measurement-based estimate: not the truth itself.
    assert 0.01 < error < 5.0
    assert 0.001 < np.linalg.norm(velocity - VELOCITY) < 2.0
    # The picture's error would have been 60 m: the director does not keep it.
    assert error < 60.0 / 10


def test_the_solution_waits_for_enough_looks_and_a_settled_velocity():
    truth = np.array([[3_000.0, 2_000.0, 300.0]])
    director = directors()
    director.cue(0.0, 0, 5, truth[0], VELOCITY + np.array([8.0, -6.0, 0.0]), 12.0)
    director.measure(0.0, (MIN_MEASUREMENTS - 1) / SETTINGS.update_rate_hz, truth, truth,
                     np.array([True]))
    assert director.measurements[0] == MIN_MEASUREMENTS - 1
    assert director.solution(0.2, 0, 5) is None
    fly(director, truth, 3)
    assert director.solution(3.0, 0, 5) is not None


def test_several_drones_close_together_it_locks_the_one_nearest_the_cue():
    # Three drones 80 m apart across the line of sight; the cue is 25 m from the middle one.
    truth = np.array([[3_000.0, 2_000.0, 300.0], [3_000.0, 2_080.0, 300.0],
                      [3_000.0, 2_160.0, 300.0]])
    director = directors()
    director.cue(0.0, 0, 9, truth[1] + [0.0, 25.0, 0.0], VELOCITY, 3.0)
    fly(director, truth, 3)
    assert director.locked_threat.tolist() == [1]
    position, _ = director.solution(3.0, 0, 9)
    assert np.linalg.norm(position - (truth[1] + VELOCITY * 3.0)) < 5.0
    # A picture that put the cue next to the neighbour: the director tracks the neighbour.
    swapped = directors()
    swapped.cue(0.0, 0, 9, truth[2] + [0.0, -10.0, 0.0], VELOCITY, 3.0)
    fly(swapped, truth, 3)
    assert swapped.locked_threat.tolist() == [2]


def test_nothing_within_the_gate_or_the_range_is_never_locked_and_a_dead_lock_is_dropped():
    truth = np.array([[3_000.0, 2_000.0, 300.0]])
    far_cue = directors()
    far_cue.cue(0.0, 0, 5, truth[0] + [0.0, 400.0, 0.0], VELOCITY, 3.0)
    fly(far_cue, truth, 3)
    assert far_cue.locked_threat.tolist() == [-1] and far_cue.solution(3.0, 0, 5) is None
    out_of_range = directors()
    distant = np.array([[20_000.0, 0.0, 300.0]])
    out_of_range.cue(0.0, 0, 5, distant[0], VELOCITY, 3.0)
    fly(out_of_range, distant, 3)
    assert out_of_range.locked_threat.tolist() == [-1]
    killed = directors()
    killed.cue(0.0, 0, 5, truth[0], VELOCITY, 3.0)
    fly(killed, truth, 3)
    assert killed.locked_threat.tolist() == [0]
    killed.measure(3.0, 4.0, truth + VELOCITY * 3, truth + VELOCITY * 4, np.array([False]))
    assert killed.locked_threat.tolist() == [-1] and killed.solution(4.0, 0, 5) is None


def test_a_new_cue_takes_a_free_director_and_release_frees_one():
    truth = np.array([[3_000.0, 2_000.0, 300.0], [2_000.0, 3_000.0, 300.0]])
    pair = directors(channels=2)
    pair.cue(0.0, 0, 1, truth[0], VELOCITY, 3.0)
    pair.cue(0.0, 0, 2, truth[1], VELOCITY, 3.0)
    fly(pair, truth, 3)
    assert sorted(pair.locked_threat.tolist()) == [0, 1]
    pair.release(0, 1)
    pair.cue(3.0, 0, 7, truth[1] + VELOCITY * 3, VELOCITY, 3.0)
    # Track 1's director was free: it is retasked; track 2's keeps its lock.
    assert sorted(pair.track_id.tolist()) == [2, 7]
    assert pair.solution(3.0, 0, 2) is not None


@pytest.mark.parametrize("seed", [3, 4])
def test_same_seed_same_solution_bit_for_bit(seed):
    truth = np.array([[3_000.0, 2_000.0, 300.0]])
    results = []
    for _ in range(2):
        director = directors(seed)
        director.cue(0.0, 0, 5, truth[0], VELOCITY, 3.0)
        fly(director, truth, 3)
        results.append(np.concatenate(director.solution(3.0, 0, 5)))
    np.testing.assert_array_equal(results[0], results[1])
