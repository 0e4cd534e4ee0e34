"""Laser and jammer dwells driven directly, with a picture that differs from the truth and
several drones close together."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.effectors.beam_weapons import (
    BEAM_SHOT_ID_BASE,
    BeamWeapons,
    beam_table,
    laser_dwell_time_s,
    predicted_beam_kill_probability,
)
from iadsim.effectors.electronic_attack import defeat_probability
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.loader import builtin_text
from iadsim.scenario.schema import THREAT_KINDS
from iadsim.scenario.yaml_loader import load_yaml

DRONE = THREAT_KINDS.index("drone")
CRUISE = THREAT_KINDS.index("cruise_missile")


@pytest.fixture(scope="module")
def scenario():
    return scenario_from_dict(load_yaml(builtin_text("saturation")))


def weapons(scenario, kind_name: str, seed: int = 0) -> tuple[BeamWeapons, int]:
    table = beam_table(scenario)
    names = [t.name for t in scenario.interceptors]
    kind = names.index(kind_name)
    max_range = np.array([t.max_range_km * 1e3 for t in scenario.interceptors])
    return (BeamWeapons(table, max_range, np.zeros((1, 3)), np.array([5.0]),
                        np.random.default_rng(seed)), kind)


def run_dwell(beams: BeamWeapons, kind: int, truth: np.ndarray, kinds: np.ndarray,
              track_position: np.ndarray, steps: int = 20, dt_s: float = 1.0):
    """Start one dwell on track 7 at time 0 and step it (threats at rest)."""
    beams.start(0.0, kind, 0, 0, 7, track_position)
    alive = np.ones(len(truth), dtype=bool)
    outcomes = []
    for step in range(steps):
        outcome = beams.step(step * dt_s, dt_s, truth, truth[:, 2], alive, kinds,
                             np.array([7]), track_position[None, :], np.zeros((1, 3)),
                             step * dt_s)
        outcomes.append(outcome)
        alive[outcome.threat_id[outcome.killed]] = False
        if outcome.shot_id.size:
            break
    return outcomes


def test_laser_locks_through_a_picture_off_by_less_than_its_field_of_view(scenario):
    beams, kind = weapons(scenario, "hel-50kw-class-laser")
    truth = np.array([[2_000.0, 0.0, 200.0]])
    picture = truth[0] + np.array([0.0, 25.0, -10.0])  # 13 mrad off at 2 km: inside 20
    outcome = run_dwell(beams, kind, truth, np.array([DRONE]), picture)[-1]
    assert outcome.shot_id.tolist() == [BEAM_SHOT_ID_BASE]
    assert outcome.killed.tolist() == [True] and outcome.threat_id.tolist() == [0]
    expected = float(laser_dwell_time_s(beams.table, kind, np.linalg.norm(truth[0]),
                                        beams.table.kill_fluence_j_cm2[kind, DRONE]))
    assert 2.0 < expected < 4.0
    # The kill comes at the dwell model's time on the true range, within the step.
    assert outcome.time_s[0] == pytest.approx(expected, rel=1e-9)
    assert outcome.lased_s[0] == pytest.approx(expected, rel=1e-9)
    assert outcome.cue_offset_m[0] == pytest.approx(np.hypot(25.0, 10.0))


def test_laser_locks_nothing_when_the_picture_is_too_far_off(scenario):
    beams, kind = weapons(scenario, "hel-50kw-class-laser")
    truth = np.array([[2_000.0, 0.0, 200.0]])
    picture = truth[0] + np.array([0.0, 120.0, 0.0])  # 60 mrad off
    outcomes = run_dwell(beams, kind, truth, np.array([DRONE]), picture)
    last = outcomes[-1]
    assert last.killed.tolist() == [False] and last.threat_id.tolist() == [-1]
    assert last.time_s[0] == pytest.approx(beams.table.max_dwell_s[kind])
    assert last.lased_s[0] == 0.0


def test_laser_burns_the_neighbour_the_picture_put_it_on(scenario):
    """Three drones 30 m apart; the track sits nearest the second: it is the one burnt."""
    beams, kind = weapons(scenario, "hel-50kw-class-laser")
    truth = np.array([[3_000.0, -30.0, 250.0], [3_000.0, 0.0, 250.0], [3_000.0, 30.0, 250.0]])
    picture = np.array([3_000.0, 8.0, 252.0])
    outcome = run_dwell(beams, kind, truth, np.full(3, DRONE), picture)[-1]
    assert outcome.threat_id.tolist() == [1] and outcome.killed.tolist() == [True]


def test_laser_needs_longer_on_a_harder_target_and_fails_beyond_its_dwell(scenario):
    beams, kind = weapons(scenario, "hel-50kw-class-laser")
    truth = np.array([[4_000.0, 0.0, 50.0]])
    outcome = run_dwell(beams, kind, truth, np.array([CRUISE]), truth[0])[-1]
    # 5 kJ/cm^2 at 4 km needs more than the 10 s dwell: a miss on the locked target.
    assert outcome.threat_id.tolist() == [0] and outcome.killed.tolist() == [False]
    assert outcome.lased_s[0] == pytest.approx(beams.table.max_dwell_s[kind])


def test_laser_locks_nothing_beyond_its_range(scenario):
    beams, kind = weapons(scenario, "hel-50kw-class-laser")
    truth = np.array([[5_200.0, 0.0, 100.0]])  # the type reaches 5 km
    beams.start(0.0, kind, 0, 0, 7, truth[0])
    outcome = beams.step(0.0, 1.0, truth, truth[:, 2], np.ones(1, dtype=bool),
                         np.array([DRONE]), np.array([7]), truth, np.zeros((1, 3)), 0.0)
    assert beams.locked[0] == -1 and outcome.shot_id.size == 0


def test_predicted_laser_pk_follows_the_dwell_model(scenario):
    table = beam_table(scenario)
    names = [t.name for t in scenario.interceptors]
    laser, jammer = names.index("hel-50kw-class-laser"), names.index("counter-uas-jammer")
    kind = np.array([laser, jammer])
    single = np.array([0.9, 0.9])
    # Track classes: drone (3) and cruise missile (2) at 4 km.
    probability = predicted_beam_kill_probability(table, kind, single,
                                                  np.full((2, 2), 4_000.0), np.array([3, 2]))
    assert probability[0].tolist() == [0.9, 0.0]  # a cruise missile needs > 10 s
    rate = table.defeat_rate_per_s[jammer, DRONE]
    assert probability[1, 0] == pytest.approx(1 - np.exp(-rate * 10.0))
    assert probability[1, 1] == 0.0  # immune


def test_jammer_defeats_drones_in_its_beam_at_the_published_rate(scenario):
    """Many independent dwells: the share of drones defeated in 10 s is 1 - exp(-r T)
    (binomial 4 sigma); a drone outside the beam and a cruise missile inside it never are."""
    beams, kind = weapons(scenario, "counter-uas-jammer", seed=3)
    rate = beams.table.defeat_rate_per_s[kind, DRONE]
    truth = np.array([[2_000.0, 0.0, 200.0], [2_000.0, 30.0, 200.0],
                      [2_000.0, 1_500.0, 200.0], [2_000.0, -30.0, 200.0]])
    kinds = np.array([DRONE, DRONE, DRONE, CRUISE])
    trials, defeated = 400, np.zeros(4)
    for _ in range(trials):
        beams.defeated[:] = False
        outcomes = run_dwell(beams, kind, truth, kinds, truth[0] + [0.0, 10.0, 0.0])
        for outcome in outcomes:
            defeated[outcome.defeated_threat] += 1
    expected = 1 - np.exp(-rate * 10.0)
    sigma = np.sqrt(expected * (1 - expected) / trials)
    assert abs(defeated[0] / trials - expected) < 4 * sigma
    assert abs(defeated[1] / trials - expected) < 4 * sigma  # the neighbour in the beam
    assert defeated[2] == 0 and defeated[3] == 0
    assert defeat_probability(rate, 10.0) == pytest.approx(expected)


def test_same_seed_same_dwells(scenario):
    results = []
    for _ in range(2):
        beams, kind = weapons(scenario, "counter-uas-jammer", seed=11)
        truth = np.array([[1_000.0, 0.0, 100.0], [1_000.0, 20.0, 100.0]])
        outcome = [run_dwell(beams, kind, truth, np.full(2, DRONE), truth[0])
                   for _ in range(5)]
        results.append([o.defeated_threat.tolist() + o.defeated_falls.tolist()
                        for dwell in outcome for o in dwell])
    assert results[0] == results[1]


def step_dwell_with_alive(beams: BeamWeapons, kind: int, truth: np.ndarray, kinds: np.ndarray,
                          alive: np.ndarray, track_position: np.ndarray, steps: int = 20):
    """Start one dwell on track 7 at time 0 and step it with ``alive`` as the truth's live
    threats (threats at rest); returns the outcome of the step the dwell ended in."""
    beams.start(0.0, kind, 0, 0, 7, track_position)
    for step in range(steps):
        outcome = beams.step(float(step), 1.0, truth, truth[:, 2], alive, kinds,
                             np.array([7]), track_position[None, :], np.zeros((1, 3)),
                             float(step))
        if outcome.shot_id.size:
            return outcome
    raise AssertionError("the dwell did not end")


def test_jammer_dwell_is_scored_against_a_live_threat_never_one_that_ended(scenario):
    """A leaker stays in the truth arrays where it struck; the picture cues the jammer
    250 m from that point and 350 m from a live drone: the dwell is scored against the
    live drone (as a round's intended threat), not the ended one."""
    beams, kind = weapons(scenario, "counter-uas-jammer", seed=5)
    truth = np.array([[1_500.0, 0.0, 200.0],     # ended (leaked) at this point
                      [1_500.0, 600.0, 200.0],   # live, 350 m from the cue
                      [1_500.0, -2_000.0, 200.0]])  # live, far
    alive = np.array([False, True, True])
    cue = np.array([1_500.0, 250.0, 200.0])
    outcome = step_dwell_with_alive(beams, kind, truth, np.full(3, DRONE), alive, cue)
    assert outcome.threat_id.tolist() == [1]
    assert outcome.cue_offset_m[0] == pytest.approx(350.0)
    assert outcome.position_m[0].tolist() == truth[1].tolist()
    assert 0 not in outcome.defeated_threat.tolist()


def test_jammer_dwell_with_no_live_threat_is_scored_against_none(scenario):
    beams, kind = weapons(scenario, "counter-uas-jammer")
    truth = np.array([[1_500.0, 0.0, 200.0]])
    outcome = step_dwell_with_alive(beams, kind, truth, np.array([DRONE]),
                                    np.array([False]), truth[0] + [0.0, 20.0, 0.0])
    assert outcome.threat_id.tolist() == [-1] and outcome.defeated_threat.size == 0
    assert np.isnan(outcome.cue_offset_m[0])


def test_laser_never_locks_a_threat_that_ended(scenario):
    """An ended threat sits on the cue; a live drone 20 m off (10 mrad at 2 km, inside the
    field of view): the laser locks and burns the live one."""
    beams, kind = weapons(scenario, "hel-50kw-class-laser")
    truth = np.array([[2_000.0, 0.0, 200.0], [2_000.0, 20.0, 200.0]])
    outcome = step_dwell_with_alive(beams, kind, truth, np.full(2, DRONE),
                                    np.array([False, True]), truth[0].copy())
    assert outcome.threat_id.tolist() == [1] and outcome.killed.tolist() == [True]
