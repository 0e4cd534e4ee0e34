"""Magazines and reloads; interceptor flyout, seeker lock, endgame and self-destruct."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from iadsim.effectors.batteries import Batteries, interceptor_table
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.effectors.lethality import draw_kills, kill_probability
from iadsim.engine.events import EventKind, EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.loader import builtin_text
from iadsim.world.geodesy import LocalFrame


@pytest.fixture(scope="module")
def scenario():
    return scenario_from_dict(yaml.safe_load(builtin_text("saturation")))


def test_cookie_cutter_lethality():
    """Inside the lethal radius the round kills with its Pk, outside never."""
    np.testing.assert_allclose(kill_probability(np.array([0.0, 5.0, 5.1]), 5.0, 0.7),
                               [0.7, 0.7, 0.0])
    kills = draw_kills(np.full(20_000, 1.0), 5.0, 0.7, np.random.default_rng(1))
    assert kills.mean() == pytest.approx(0.7, abs=0.015)
    assert not draw_kills(np.full(100, 6.0), 5.0, 1.0, np.random.default_rng(1)).any()


def test_rounds_are_reserved_launched_and_reloaded_from_reserve(scenario):
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg)
    batteries = Batteries(scenario, frame, interceptor_table(scenario))
    log = EventLog([], batteries.names, [])
    sr = batteries.names.index("sr-battery")  # 2 launchers x 4, 8 in reserve, reload 600 s
    assert batteries.available_rounds()[sr] == 8
    batteries.reserved[sr] += 4
    assert batteries.available_rounds()[sr] == 4
    for _ in range(4):
        batteries.launch_round(sr)
    assert batteries.available_rounds()[sr] == 4
    assert sorted(batteries.launcher_rounds[sr, :2].tolist()) == [2, 2]  # fullest first
    batteries.reserved[sr] += 4
    for _ in range(4):
        batteries.launch_round(sr)
    assert batteries.available_rounds()[sr] == 0
    batteries.update_reloads(100.0, log)  # both launchers start reloading
    batteries.update_reloads(699.0, log)
    assert batteries.available_rounds()[sr] == 0 and log.count(EventKind.RELOAD) == 0
    batteries.update_reloads(700.0, log)
    assert batteries.available_rounds()[sr] == 8
    assert batteries.reserve[sr] == 0 and log.count(EventKind.RELOAD) == 2
    assert (batteries.launcher_rounds[sr, :2] <= 4).all()


def fleet_for(scenario, name: str, seed: int = 3) -> tuple[InterceptorFleet, int]:
    types = interceptor_table(scenario)
    return InterceptorFleet(types, np.random.default_rng(seed)), types.names.index(name)


def fly(fleet, threat_start, threat_velocity, steps, dt=1.0, track=True):
    """Fly the fleet against one constant-velocity threat; return the first outcome."""
    position = threat_start.astype(float)
    for step in range(steps):
        end = position + threat_velocity * dt
        ids = np.array([7]) if track else np.zeros(0, dtype=int)
        outcome = fleet.step(step * dt, dt, position[None, :], end[None, :], np.array([True]),
                             ids, position[None, :] if track else np.zeros((0, 3)),
                             threat_velocity[None, :] if track else np.zeros((0, 3)))
        if outcome.interceptor_id.size:
            return outcome, step
        position = end
    return None, steps


def test_a_seeker_round_hits_a_constant_velocity_target(scenario):
    fleet, kind = fleet_for(scenario, "medium-range-missile")
    threat = np.array([15_000.0, 5_000.0, 1_000.0])
    velocity = np.array([-50.0, 0.0, 0.0])
    fleet.launch(0.0, np.zeros(3), threat, kind, battery=0, engagement_id=0, track_id=7)
    outcome, step = fly(fleet, threat, velocity, 60)
    assert outcome is not None and not outcome.self_destructed[0]
    assert outcome.threat_id[0] == 0
    # The miss is the round's own aiming error (3 m, 1 sigma per axis), not the geometry:
    # at most the offset itself (its part along the line of approach does not count).
    offset = np.linalg.norm(fleet.aim_offset_m[0])
    assert 0.3 * offset < outcome.miss_distance_m[0] <= offset + 0.5
    assert 10 < step < 25  # ~16 km at 900 m/s


def test_a_round_the_target_outruns_self_destructs(scenario):
    fleet, kind = fleet_for(scenario, "point-defense-35mm-burst")  # 900 m/s, 6 s max flight
    threat = np.array([3_000.0, 0.0, 500.0])
    velocity = np.array([2_000.0, 0.0, 0.0])  # faster than the shells
    fleet.launch(0.0, np.zeros(3), threat, kind, battery=0, engagement_id=0, track_id=7)
    outcome, step = fly(fleet, threat, velocity, 30)
    assert outcome.self_destructed[0] and outcome.threat_id[0] == -1
    assert step == 5  # the sixth second of flight


def test_same_seed_same_outcome(scenario):
    results = []
    for _ in range(2):
        fleet, kind = fleet_for(scenario, "short-range-missile", seed=9)
        threat = np.array([6_000.0, 2_000.0, 800.0])
        fleet.launch(0.0, np.zeros(3), threat, kind, 0, 0, 7)
        outcome, _ = fly(fleet, threat, np.array([-40.0, 10.0, 0.0]), 40)
        results.append((outcome.miss_distance_m[0], bool(outcome.killed[0])))
    assert results[0] == results[1]
