"""Interceptor flyout: guidance to the intercept point, seeker lock, aiming error and miss
distance, the kill decision, self-destruct, and reproducibility.

Threats fly at constant velocity and the battle manager's track is the truth, so the
only miss a round can have is its own terminal aiming error: the part of the aim offset
across the line of approach (the part along it only shifts the time of closest approach).
"""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.effectors.batteries import InterceptorTable, interceptor_table
from iadsim.effectors.flyout import InterceptorFleet, Outcome
from iadsim.scenario import scenario_from_dict

TRACK_ID = 7


def table(**fields) -> InterceptorTable:
    missile = {"name": "sam", "min_range_km": 0.5, "max_range_km": 40.0,
               "max_altitude_m": 20_000.0, "speed_mps": 800.0, "lethal_radius_m": 5.0,
               "single_shot_pk": 1.0, "seeker_range_km": 5.0, "aim_error_m": 4.0,
               **fields}
    scenario = scenario_from_dict({"name": "flyout-test",
                                   "origin": {"lat_deg": 40.0, "lon_deg": 33.0},
                                   "sim": {"duration_s": 600.0}, "interceptors": [missile]})
    return interceptor_table(scenario)


def engage(fleet: InterceptorFleet, threat_m, velocity_mps, dt_s=0.5, steps=400,
           track=True, alive=True) -> tuple[Outcome | None, list[Outcome]]:
    """Step the fleet against one constant-velocity threat until a round resolves."""
    position = np.asarray(threat_m, dtype=float)
    velocity = np.asarray(velocity_mps, dtype=float)
    outcomes = []
    for step in range(steps):
        end = position + velocity * dt_s
        ids = np.array([TRACK_ID]) if track else np.zeros(0, dtype=int)
        outcome = fleet.step(step * dt_s, dt_s, position[None], end[None], np.array([alive]),
                             ids, position[None] if track else np.zeros((0, 3)),
                             velocity[None] if track else np.zeros((0, 3)))
        outcomes.append(outcome)
        if outcome.interceptor_id.size:
            return outcome, outcomes
        position = end
    return None, outcomes


def collision_time_s(relative_m: np.ndarray, velocity_mps: np.ndarray, speed_mps: float) -> float:
    """Earliest t with |p + v t| = s t (the collision triangle), solved here directly."""
    a = velocity_mps @ velocity_mps - speed_mps**2
    b = 2.0 * relative_m @ velocity_mps
    c = relative_m @ relative_m
    roots = np.roots([a, b, c])
    return float(min(r.real for r in roots if abs(r.imag) < 1e-9 and r.real > 0))


THREAT = np.array([15_000.0, 5_000.0, 1_000.0])
THREAT_VELOCITY = np.array([-50.0, 20.0, 0.0])


@pytest.mark.parametrize("seed", range(6))
def test_a_seeker_round_misses_by_its_aim_error_and_kills_by_the_lethality_model(seed):
    fleet = InterceptorFleet(table(), np.random.default_rng(seed))
    round_id = fleet.launch(0.0, np.zeros(3), THREAT.copy(), 0, battery=2, engagement_id=5,
                            track_id=TRACK_ID)
    assert round_id == 0
    outcome, _ = engage(fleet, THREAT, THREAT_VELOCITY)
    assert outcome is not None
    assert outcome.interceptor_id.tolist() == [0] and outcome.threat_id.tolist() == [0]
    assert outcome.battery.tolist() == [2] and outcome.engagement_id.tolist() == [5]
    assert not outcome.self_destructed[0]
    offset = fleet.aim_offset_m[0]
    approach = fleet.velocity_mps[0] - THREAT_VELOCITY
    approach /= np.linalg.norm(approach)
    across = np.linalg.norm(offset - (offset @ approach) * approach)
    miss = outcome.miss_distance_m[0]
    assert miss == pytest.approx(across, abs=0.5)
    assert miss <= np.linalg.norm(offset) + 0.5
    assert bool(outcome.killed[0]) == (miss <= 5.0)  # Pk 1 inside 5 m, 0 beyond
    expected = collision_time_s(THREAT, THREAT_VELOCITY, 800.0)
    assert outcome.time_s[0] == pytest.approx(expected, abs=1.0)


def test_aim_errors_are_drawn_with_the_stated_sigma():
    fleet = InterceptorFleet(table(aim_error_m=4.0), np.random.default_rng(0))
    for _ in range(2_000):
        fleet.launch(0.0, np.zeros(3), THREAT.copy(), 0, 0, 0, TRACK_ID)
    assert fleet.aim_offset_m.shape == (2_000, 3)
    assert fleet.aim_offset_m.std() == pytest.approx(4.0, rel=4.5 / np.sqrt(2 * 6_000))
    assert abs(fleet.aim_offset_m.mean()) < 4.5 * 4.0 / np.sqrt(6_000)


@pytest.mark.parametrize("seeker_range_km", [0.0, 5.0])
def test_without_aim_error_a_round_hits_and_kills(seeker_range_km):
    fleet = InterceptorFleet(table(aim_error_m=0.0, seeker_range_km=seeker_range_km),
                             np.random.default_rng(1))
    fleet.launch(0.0, np.zeros(3), THREAT.copy(), 0, 0, 0, TRACK_ID)
    outcome, _ = engage(fleet, THREAT, THREAT_VELOCITY)
    assert outcome.miss_distance_m[0] < 0.5
    assert outcome.killed[0] and outcome.threat_id[0] == 0


def test_kill_rate_over_many_hits_is_the_single_shot_pk():
    """400 rounds, each against its own threat 100 km from the next, in one fleet."""
    count, dt_s = 400, 1.0
    fleet = InterceptorFleet(table(aim_error_m=0.0, single_shot_pk=0.6),
                             np.random.default_rng(6))
    threats = np.zeros((count, 3))
    threats[:, 0] = np.arange(count) * 100e3
    threats[:, 2] = 1_000.0
    velocity = np.tile(THREAT_VELOCITY, (count, 1))
    for row in range(count):
        fleet.launch(0.0, threats[row] - [6_000.0, 0.0, 1_000.0], threats[row].copy(), 0,
                     0, row, track_id=row)
    killed = np.zeros(count, dtype=bool)
    resolved = 0
    for step in range(30):
        end = threats + velocity * dt_s
        outcome = fleet.step(step * dt_s, dt_s, threats, end, np.ones(count, dtype=bool),
                             np.arange(count), threats, velocity)
        killed[outcome.threat_id[outcome.killed]] = True
        resolved += outcome.interceptor_id.size
        np.testing.assert_array_equal(outcome.threat_id, outcome.engagement_id)
        threats = end
    assert resolved == count
    assert abs(killed.mean() - 0.6) < 4.5 * np.sqrt(0.24 / count)


def test_a_round_the_target_outruns_self_destructs_at_its_maximum_flight_time():
    fleet = InterceptorFleet(table(max_flight_time_s=8.0), np.random.default_rng(2))
    threat = np.array([3_000.0, 0.0, 500.0])
    fleet.launch(0.0, np.zeros(3), threat, 0, 0, 0, TRACK_ID)
    outcome, history = engage(fleet, threat, [2_000.0, 0.0, 0.0], dt_s=0.5)
    assert outcome is not None and outcome.self_destructed.tolist() == [True]
    assert outcome.time_s[0] == pytest.approx(8.0)
    assert len(history) == 16  # nothing resolved in the steps before
    assert outcome.threat_id[0] == -1 and not outcome.killed[0]
    assert np.isnan(outcome.miss_distance_m[0])
    assert fleet.flying.size == 0


def test_a_round_that_loses_its_track_flies_on_and_self_destructs():
    fleet = InterceptorFleet(table(seeker_range_km=0.0, max_flight_time_s=10.0),
                             np.random.default_rng(3))
    fleet.launch(0.0, np.zeros(3), THREAT.copy(), 0, 0, 0, TRACK_ID)
    heading = fleet.velocity_mps[0].copy()
    outcome, _ = engage(fleet, THREAT, THREAT_VELOCITY, track=False)
    assert outcome.self_destructed[0] and outcome.time_s[0] == pytest.approx(10.0)
    np.testing.assert_allclose(outcome.position_m[0], heading * 10.0, rtol=1e-9)


def test_two_rounds_cannot_kill_one_threat_twice():
    fleet = InterceptorFleet(table(aim_error_m=0.0, lethal_radius_m=50.0),
                             np.random.default_rng(4))
    for engagement in range(2):
        fleet.launch(0.0, np.zeros(3), THREAT.copy(), 0, 0, engagement, TRACK_ID)
    outcome, _ = engage(fleet, THREAT, THREAT_VELOCITY)
    assert outcome.interceptor_id.tolist() == [0, 1]
    assert outcome.killed.tolist() == [True, False]  # the first (lowest id) counts


def test_step_shapes_inputs_and_an_idle_fleet():
    fleet = InterceptorFleet(table(), np.random.default_rng(5))
    idle = fleet.step(0.0, 1.0, THREAT[None], THREAT[None], np.array([True]),
                      np.zeros(0, dtype=int), np.zeros((0, 3)), np.zeros((0, 3)))
    assert idle.interceptor_id.size == 0 and idle.position_m.shape == (0, 3)
    fleet.launch(0.0, np.zeros(3), THREAT.copy(), 0, 0, 0, TRACK_ID)
    arguments = (THREAT[None].copy(), (THREAT + THREAT_VELOCITY)[None].copy(),
                 np.array([True]), np.array([TRACK_ID]), THREAT[None].copy(),
                 THREAT_VELOCITY[None].copy())
    copies = [a.copy() for a in arguments]
    start = fleet.position_m[0].copy()
    fleet.step(0.0, 1.0, *arguments)
    for before, after in zip(copies, arguments, strict=True):
        np.testing.assert_array_equal(before, after)
    assert np.linalg.norm(fleet.position_m[0] - start) == pytest.approx(800.0)


def test_same_seed_same_engagement():
    results = []
    for _ in range(2):
        fleet = InterceptorFleet(table(aim_error_m=6.0, single_shot_pk=0.5),
                                 np.random.default_rng(9))
        for engagement in range(3):
            fleet.launch(float(engagement), np.zeros(3), THREAT.copy(), 0, 0, engagement,
                         TRACK_ID)
        outcome, _ = engage(fleet, THREAT, THREAT_VELOCITY)
        results.append((fleet.aim_offset_m.copy(), outcome.miss_distance_m.copy(),
                        outcome.killed.copy()))
    for first, second in zip(*results, strict=True):
        np.testing.assert_array_equal(first, second)
    assert len({tuple(row) for row in results[0][0]}) == 3  # each round its own error
