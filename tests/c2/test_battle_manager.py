"""The battle manager driven directly with hand-made pictures: kill assessment from the
picture (never from the round's true outcome), re-engagement, firing doctrines, salvos
and the batteries it commands."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.battle_manager import BattleManager, DefendedAssets
from iadsim.effectors.batteries import Batteries, interceptor_table
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.engine.random_streams import stream
from iadsim.events import EventKind, EventLog
from iadsim.tracking.tracker import TrackPicture
from iadsim.world.geodesy import LocalFrame
from small_site_builder import small_site

VELOCITY = (-250.0, 0.0, 0.0)  # inbound from the east at 250 m/s
NEVER = -np.inf


class Harness:
    """A battle manager over the small site (sam-home and gun-home at the depot; radar 0
    home-radar, radar 1 east-radar) and its event log."""

    def __init__(self, rng=None, radar_look_s=None, commanded=None, **doctrine):
        scenario = small_site(doctrine=doctrine)
        frame = LocalFrame(40.0, 33.0, 0.0)
        types = interceptor_table(scenario)
        self.batteries = Batteries(scenario, frame, types)
        self.fleet = InterceptorFleet(types, stream(0, "effectors"))
        self.log = EventLog(["home-radar", "east-radar"], ["sam-home", "gun-home"], ["depot"])
        assets = DefendedAssets(np.zeros((1, 3)), np.array([1_000.0]), np.array([5.0]))
        self.manager = BattleManager(scenario.doctrine, self.batteries, types, assets,
                                     self.fleet, frame, 0.0, self.log, rng, radar_look_s,
                                     commanded)

    def step(self, time_s, *tracks):
        """Step at ``time_s`` on a picture of ``tracks``: (id, east_m, (update by radar 0,
        update by radar 1)[, velocity])."""
        rows = len(tracks)
        picture = TrackPicture(
            time_s, np.array([t[0] for t in tracks], dtype=np.int64),
            np.array([[t[1], 0.0, 300.0] for t in tracks]).reshape(rows, 3),
            np.array([t[3] if len(t) > 3 else VELOCITY for t in tracks],
                     dtype=float).reshape(rows, 3),
            np.tile(np.eye(3) * 100.0, (rows, 1, 1)),
            np.array([t[2] for t in tracks], dtype=float).reshape(rows, 2),
            np.full(rows, 5.0), np.full(rows, -1, dtype=np.int8), np.zeros(rows))
        self.manager.step(time_s, picture)

    def events(self, kind):
        frame = self.log.to_frame()
        return frame[frame["kind"] == kind.value]


def engage_track_7(harness, intercept_s=19.0):
    """Assign at 0 s, launch at 2 s (reaction time), round resolves at ``intercept_s``."""
    harness.step(0.0, (7, 18_000.0, (0.0, NEVER)))
    harness.step(2.0, (7, 17_500.0, (1.5, NEVER)))
    assert harness.fleet.size == 1
    # The fleet says the round killed its threat; the manager is told only that the round
    # resolved, and when.
    harness.manager.record_outcomes(np.array([0]), np.array([intercept_s]))


def test_a_track_still_updated_after_a_true_kill_is_judged_alive_and_engaged_again():
    harness = Harness()
    engage_track_7(harness)
    # 5 s later the picture still holds track 7, updated at 23.5 s with the same motion:
    # e.g. a neighbour's reports taken over by the track. The manager cannot tell.
    harness.step(24.0, (7, 12_000.0, (23.5, NEVER)))
    assessed = harness.events(EventKind.KILL_ASSESSMENT)
    assert assessed["value"].tolist() == [0.0]
    assert assessed["interceptor_id"].tolist() == [0]
    assert harness.events(EventKind.ASSIGNMENT)["track_id"].tolist() == [7, 7]
    assert harness.manager.take_killed_tracks().tolist() == []


def test_a_track_that_stops_updating_while_the_threat_lives_is_a_false_kill():
    harness = Harness()
    engage_track_7(harness)
    # No radar update since the intercept at 19 s: read as a kill, the track is dropped.
    harness.step(24.0, (7, 12_000.0, (18.5, NEVER)))
    assert harness.events(EventKind.KILL_ASSESSMENT)["value"].tolist() == [1.0]
    assert harness.manager.take_killed_tracks().tolist() == [7]
    # The threat lives and its track is updated again: it is not engaged again.
    harness.step(26.0, (7, 11_500.0, (25.5, NEVER)))
    harness.step(28.0, (7, 11_000.0, (27.5, NEVER)))
    assert harness.events(EventKind.ASSIGNMENT)["track_id"].tolist() == [7]


def test_a_track_that_turned_and_slowed_is_judged_killed():
    harness = Harness()
    engage_track_7(harness)
    harness.step(24.0, (7, 12_000.0, (23.5, NEVER), (-60.0, 0.0, -120.0)))
    assert harness.events(EventKind.KILL_ASSESSMENT)["value"].tolist() == [1.0]


def test_certain_false_kill_drops_a_live_track_and_certain_missed_kill_re_engages_a_dead_one():
    false_kill = Harness(rng=stream(1, "kill_assessment"), false_kill_probability=1.0,
                         missed_kill_probability=0.0)
    engage_track_7(false_kill)
    false_kill.step(24.0, (7, 12_000.0, (23.5, NEVER)))
    assert false_kill.manager.take_killed_tracks().tolist() == [7]

    missed_kill = Harness(rng=stream(1, "kill_assessment"), false_kill_probability=0.0,
                          missed_kill_probability=1.0)
    engage_track_7(missed_kill)
    missed_kill.step(24.0, (7, 12_000.0, (18.5, NEVER)))  # coasting: no update since
    assert missed_kill.events(EventKind.KILL_ASSESSMENT)["value"].tolist() == [0.0]
    assert missed_kill.manager.take_killed_tracks().tolist() == []
    # Its fire control still holds the track (updated 5.5 s ago): a round is wasted on it.
    assert missed_kill.events(EventKind.ASSIGNMENT)["track_id"].tolist() == [7, 7]


def test_assessment_waits_for_the_looks_of_the_fastest_radar_that_held_the_track():
    # Radar 0 (the only one holding the track) looks every 2.3 s with its latency; two
    # looks make 4.6 s, longer than the 1 s delay: assessed at 19 + 4.6 = 23.6 s.
    harness = Harness(radar_look_s=np.array([2.3, 1.2]), kill_assessment_delay_s=1.0,
                      kill_assessment_looks=2)
    engage_track_7(harness)
    harness.step(23.5, (7, 12_000.0, (23.0, NEVER)))
    assert harness.events(EventKind.KILL_ASSESSMENT).empty
    assert harness.manager.wants_picture(23.6)
    harness.step(23.6, (7, 12_000.0, (23.0, NEVER)))
    assert harness.events(EventKind.KILL_ASSESSMENT)["time_s"].tolist() == [23.6]


# shoot_shoot: the cycle's assignment may put both engagements on the track at once (the
# battery has two free channels and the second salvo adds kill probability).
@pytest.mark.parametrize(("policy", "engaged_at"), [("shoot_look_shoot", [0.0]),
                                                    ("shoot_shoot", [0.0, 0.0])])
def test_firing_policy_limits_engagements_open_on_one_track(policy, engaged_at):
    harness = Harness(firing_policy=policy)
    for time_s in (0.0, 2.0, 4.0, 6.0):
        harness.step(time_s, (7, 18_000.0 - 250.0 * time_s, (time_s - 0.5, NEVER)))
    assignments = harness.events(EventKind.ASSIGNMENT)
    assert assignments["time_s"].tolist() == engaged_at
    assert (assignments["battery"] == "sam-home").all()


def test_a_salvo_launches_its_rounds_one_interval_apart_and_reserves_them_at_assignment():
    harness = Harness(salvo_size=2, salvo_interval_s=3.0)
    harness.step(0.0, (7, 18_000.0, (0.0, NEVER)))
    assert harness.batteries.reserved.tolist() == [2, 0]
    for time_s in (2.0, 4.0, 5.0):
        harness.step(time_s, (7, 18_000.0 - 250.0 * time_s, (time_s - 0.5, NEVER)))
    assert harness.events(EventKind.INTERCEPTOR_LAUNCH)["time_s"].tolist() == [2.0, 5.0]
    assert harness.batteries.reserved.tolist() == [0, 0]
    assert harness.batteries.available_rounds().tolist() == [6, 50]


def test_only_commanded_batteries_are_assigned_and_channels_are_left_as_they_were():
    commanded = np.array([False, True])
    harness = Harness(commanded=commanded)
    harness.step(0.0, (7, 18_000.0, (0.0, NEVER)))
    assert harness.events(EventKind.ASSIGNMENT).empty  # only the gun, out of range
    assert harness.batteries.channels_busy.tolist() == [0, 0]
    commanded[0] = True  # the link is back
    harness.step(2.0, (7, 17_500.0, (1.5, NEVER)))
    assert harness.events(EventKind.ASSIGNMENT)["battery"].tolist() == ["sam-home"]


def test_rounds_of_another_manager_are_ignored():
    harness = Harness()
    engage_track_7(harness)
    harness.manager.record_outcomes(np.array([5, 6]), np.array([20.0, 21.0]))
    assert harness.manager.engagements[0].resolved == 1
