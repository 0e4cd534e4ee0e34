"""Seekers over the ridge DEM: a round 2 km short of the crest, 300 m up, does not acquire a
drone 1 km beyond it at 50 m, which the ridge hides; the same round over a smooth earth
locks it within the first half second. The terrain is tested at each look, not once a
step. (The tests stop before the round could reach the ridge and end in it.)"""

from __future__ import annotations

import numpy as np
import pytest
from test_flyout import EARTH_RADIUS_M, TRACK_ID, table

from iadsim.effectors.flyout import InterceptorFleet
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import TerrainView, gaussian_ridge

FRAME = LocalFrame(40.0 - 2_000.0 / 111_195.0, 33.0, 0.0)  # 2 km south of the crest
DT_S = 0.5
STEPS = 2  # 1 s: the round is still over 1 km short of the crest, 100 m above the ground


def locks(terrain: bool, seed: int) -> tuple[list[int], np.ndarray, float]:
    """Threats locked over ``STEPS``, the round's last position (m, ENU) and the ground
    (m) under it."""
    view = TerrainView(gaussian_ridge(), FRAME)
    threat = FRAME.to_enu(40.0 + 1_000.0 / 111_195.0, 33.0, 50.0).reshape(3)
    velocity = np.array([0.0, -40.0, 0.0])  # toward the ridge
    fleet = InterceptorFleet(table(), np.random.default_rng(seed), EARTH_RADIUS_M)
    if terrain:
        fleet.terrain = view
    track_error = np.array([40.0, -30.0, 15.0])  # the picture is off the truth
    cue = threat + track_error
    fleet.launch(0.0, np.array([0.0, 0.0, 300.0]), cue, 0, battery=0, engagement_id=0,
                 track_id=TRACK_ID, track_position_m=cue, track_velocity_mps=velocity)
    locked = []
    for step in range(STEPS):
        time_s = step * DT_S
        start = (threat + velocity * time_s)[None, :]
        end = (threat + velocity * (time_s + DT_S))[None, :]
        outcome = fleet.step(time_s, DT_S, start, end, np.array([True]), np.ones(1),
                             np.array([TRACK_ID]), start + track_error, velocity[None, :],
                             np.eye(3)[None] * 50.0**2)
        locked += outcome.locks.threat_id.tolist()
    position = fleet.position_m[0].copy()
    return locked, position, float(view.ground_m(position)[0])


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_seeker_does_not_acquire_through_the_ridge(seed):
    hidden, position, ground = locks(True, seed)
    assert hidden == []
    assert position[1] < 1_000.0 and position[2] > ground + 100.0  # short of the ridge
    seen, _, _ = locks(False, seed)
    assert seen == [0]  # Pd 0.9 a look at 3 km: locked within the first step's looks


def test_a_lock_the_ridge_hides_is_held_without_looks():
    """A round already locked on the drone behind the ridge keeps its lock but takes no
    look (no draws, no line-of-sight update) while the ridge hides it; over a smooth earth
    it looks every sub-step (two angle-noise draws a look)."""
    view = TerrainView(gaussian_ridge(), FRAME)
    threat = FRAME.to_enu(40.0 + 1_000.0 / 111_195.0, 33.0, 50.0).reshape(1, 3)
    draws = {}
    for terrain in (True, False):
        fleet = InterceptorFleet(table(), np.random.default_rng(0), EARTH_RADIUS_M)
        if terrain:
            fleet.terrain = view
        fleet.launch(0.0, np.array([0.0, 0.0, 300.0]), threat[0], 0, battery=0,
                     engagement_id=0, track_id=TRACK_ID, track_position_m=threat[0])
        fleet.locked_threat[0] = 0
        fleet.step(0.0, DT_S, threat, threat, np.array([True]), np.ones(1),
                   np.array([TRACK_ID]), threat, np.zeros((1, 3)))
        assert fleet.locked_threat.tolist() == [0]
        draws[terrain] = int(fleet.draws[0])
    assert draws[True] == 0 and draws[False] >= 4  # 0.5 s: at least two looks


def test_the_seeker_tests_the_terrain_at_each_look_within_a_step():
    """A step of 2 s; the drone 1 km beyond the crest climbs at 200 m/s from 300 m, so the
    ridge hides it at the step's start and clears it within the step (the line over the
    crest from the round is near 450 m). The seeker looks every 0.1-0.25 s: it locks within
    that same step, after the ridge cleared it (a mask taken once at the step's start
    would have held every look of the step)."""
    view = TerrainView(gaussian_ridge(), FRAME)
    start = FRAME.to_enu(40.0 + 1_000.0 / 111_195.0, 33.0, 300.0).reshape(1, 3)
    velocity = np.array([[0.0, 0.0, 200.0]])
    step_s = 2.0
    end = start + velocity * step_s
    origin = np.array([0.0, 0.0, 300.0])
    assert not view.visible(origin, start[0])[0] and view.visible(origin, end[0])[0]
    locks_s = []
    for seed in range(4):
        fleet = InterceptorFleet(table(), np.random.default_rng(seed), EARTH_RADIUS_M)
        fleet.terrain = view
        fleet.launch(0.0, origin, start[0], 0, battery=0, engagement_id=0,
                     track_id=TRACK_ID, track_position_m=start[0],
                     track_velocity_mps=velocity[0])
        outcome = fleet.step(0.0, step_s, start, end, np.array([True]), np.ones(1),
                             np.array([TRACK_ID]), start, velocity, np.eye(3)[None] * 50.0**2)
        assert outcome.locks.threat_id.tolist() == [0]
        locks_s.append(float(outcome.locks.time_s[0]))
    # Not before the drone cleared the crest's line from the launch point (0.75 s; from
    # the round, nearer the crest and not much higher, the line is steeper still).
    assert all(0.75 < lock_s < 1.2 for lock_s in locks_s), locks_s  # 0.8 s: next look
