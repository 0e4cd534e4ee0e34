"""Engageability driven directly: envelope, fire-control track age, and launch on remote."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.engageability import engageability
from iadsim.effectors.batteries import Batteries, interceptor_table
from iadsim.tracking.tracker import TrackPicture
from iadsim.world.geodesy import LocalFrame
from small_site_builder import small_site

FRAME = LocalFrame(40.0, 33.0, 0.0)
NEVER = -np.inf


def reach(east_m, updates, time_to_go_s=1_000.0, **doctrine):
    """(sam-home, gun-home) feasibility against tracks at ``east_m`` (300 m up, inbound at
    250 m/s) with per-track (radar 0, radar 1) update times, at 100 s."""
    scenario = small_site(doctrine=doctrine)
    types = interceptor_table(scenario)
    batteries = Batteries(scenario, FRAME, types)
    count = len(east_m)
    picture = TrackPicture(
        100.0, np.arange(count), np.array([[e, 0.0, 300.0] for e in east_m]),
        np.tile([-250.0, 0.0, 0.0], (count, 1)), np.tile(np.eye(3), (count, 1, 1)),
        np.array(updates, dtype=float), np.ones(count), np.full(count, -1, dtype=np.int8),
        np.zeros(count))
    result = engageability(picture, np.full(count, time_to_go_s), batteries, types, FRAME,
                           0.0, scenario.doctrine.fire_control_track_age_s)
    return result.feasible


def test_the_envelope_decides_who_can_reach():
    # 18 km: the missile only; 3 km: both; 40 km: the intercept point is still beyond 25 km.
    feasible = reach([18_000.0, 3_000.0, 40_000.0], [[99.0, NEVER]] * 3)
    assert feasible.tolist() == [[True, True, False], [False, True, False]]


def test_a_track_its_own_radar_has_not_updated_recently_cannot_be_engaged():
    # Own radar updated it 12.5 s ago (fire-control age 12 s); the remote radar just now.
    feasible = reach([18_000.0, 3_000.0], [[87.5, 99.0], [87.5, 99.0]])
    assert not feasible.any()


def test_launch_on_remote_lets_a_missile_battery_fire_on_another_radars_track():
    only_remote = [[NEVER, 99.0], [NEVER, 99.0]]
    assert not reach([18_000.0, 3_000.0], only_remote).any()
    feasible = reach([18_000.0, 3_000.0], only_remote, launch_on_remote=True)
    # The missile may; the gun still needs its own fire-control radar.
    assert feasible.tolist() == [[True, True], [False, False]]


def test_an_intercept_after_the_threat_arrives_is_not_engageable():
    # 18 km at 250 m/s closing on an 800 m/s round: intercept ~19 s after launch.
    assert reach([18_000.0], [[99.0, NEVER]], time_to_go_s=60.0)[0, 0]
    assert not reach([18_000.0], [[99.0, NEVER]], time_to_go_s=15.0)[0, 0]


@pytest.mark.parametrize("remote", [False, True])
def test_inputs_are_not_modified(remote):
    updates = np.array([[NEVER, 99.0]])
    before = updates.copy()
    reach([18_000.0], updates, launch_on_remote=remote)
    np.testing.assert_array_equal(updates, before)
