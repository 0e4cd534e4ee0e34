"""The ``speed_or_fall`` kinematic kill cue: a live target's turn at constant speed and
height reads as alive, a target that slows or falls reads as killed, judged from the
picture alone (the classified kind the picture gives, never the truth)."""

from __future__ import annotations

import numpy as np
import pytest
from test_battle_manager import NEVER, Harness

from iadsim.c2.kill_assessment import (
    FELL,
    KINEMATICS_CHANGED,
    SLOWED,
    UPDATED,
    read_evidence,
)
from iadsim.errors import ScenarioError
from iadsim.events import EventKind
from iadsim.scenario.loader import scenario_from_dict
from small_site_builder import SMALL_SITE

DRONE = np.array([-50.0, 0.0, 0.0])  # a drone inbound from the east at 50 m/s, level


def turned(velocity: np.ndarray, degrees: float) -> np.ndarray:
    """``velocity`` turned by ``degrees`` in the horizontal plane, its speed kept."""
    angle = np.radians(degrees)
    east, north = velocity[0], velocity[1]
    return np.array([east * np.cos(angle) - north * np.sin(angle),
                     east * np.sin(angle) + north * np.cos(angle), velocity[2]])


def read(now, cue="speed_or_fall", threat_class="drone", before=DRONE):
    return read_evidence(True, np.array([100.0, NEVER]), 99.0, np.asarray(before, dtype=float),
                         np.asarray(now, dtype=float), 1, cue, threat_class)


@pytest.mark.parametrize("degrees", [60.0, 90.0, -90.0, 180.0])
def test_a_turn_at_constant_speed_and_height_reads_alive(degrees):
    assert read(turned(DRONE, degrees)).reason == UPDATED
    # The default cue reads the same turn as a kill: the defect this cue removes.
    assert read(turned(DRONE, degrees), cue="velocity_change").reason == KINEMATICS_CHANGED


def test_a_turn_the_tracker_cuts_short_still_reads_alive():
    # A filter lagging a 90-degree turn shows the mean of the two legs: 0.71 of the speed.
    assert read(0.5 * (DRONE + turned(DRONE, 90.0))).reason == UPDATED


@pytest.mark.parametrize(("now", "reason"), [
    ([-25.0, 0.0, 0.0], SLOWED),  # slowed by half
    ([0.0, -25.0, 0.0], SLOWED),  # slowed by half and turned
    ([-29.0, 0.0, 0.0], SLOWED),  # just below 60 % of the speed
    ([-50.0, 0.0, -35.0], FELL),  # a drone falling at 35 m/s
])
def test_a_target_that_slows_or_falls_reads_killed(now, reason):
    result = read(now)
    assert (result.reason, result.looks_killed) == (reason, True)


def test_thresholds_are_where_the_docstring_says():
    assert read([-31.0, 0.0, 0.0]).reason == UPDATED  # 62 % of the speed: alive
    assert read([-50.0, 0.0, -29.0]).reason == UPDATED  # a drone's terminal dive: alive


def test_the_fall_bound_is_the_picture_class_s():
    diving = [-250.0, 0.0, -80.0]  # a cruise missile's terminal dive
    assert read(diving, threat_class="cruise_missile",
                before=[-250.0, 0.0, 0.0]).reason == UPDATED
    # The same vertical speed change on a track classed a drone reads as a fall.
    assert read([-50.0, 0.0, -80.0], threat_class="drone").reason == FELL


def test_a_ballistic_missile_s_gravity_gain_reads_alive():
    # 40 s of flyout: the re-entry vehicle gained some 400 m/s of descent rate; drag at
    # re-entry may even halve its speed. Neither is a kill cue for a ballistic track: it
    # reads alive (only loss of track reads as its kill).
    before = np.array([-1_500.0, 0.0, -800.0])
    for now in ([-1_500.0, 0.0, -1_200.0], [-700.0, 0.0, -500.0]):
        assert read(now, threat_class="ballistic_missile", before=before).reason == UPDATED
    # Loss of track still reads as a kill.
    assert read_evidence(False, np.zeros(0), 99.0, before, before, 2, "speed_or_fall",
                         "ballistic_missile").looks_killed


def test_an_unknown_cue_is_refused():
    with pytest.raises(ValueError, match="cue must be one of"):
        read(DRONE, cue="debris")


def test_the_scenario_setting_is_validated_with_one_line_naming_the_field():
    document = {**SMALL_SITE, "doctrine": {**SMALL_SITE.get("doctrine", {}),
                                           "kill_assessment_cue": "turns"}}
    with pytest.raises(ScenarioError) as raised:
        scenario_from_dict(document)
    message = str(raised.value)
    assert "kill_assessment_cue" in message and "speed_or_fall" in message
    assert "\n" not in message.strip()


def engage(harness):
    """Track 7 (a drone by the picture's rules: 50 m/s at 300 m) engaged from sam-home, a
    neighbour track 8 300 m behind it; the round resolves at 19 s."""
    harness.step(0.0, (7, 6_000.0, (0.0, NEVER), DRONE), (8, 6_300.0, (0.0, NEVER), DRONE))
    harness.step(2.0, (7, 5_900.0, (1.5, NEVER), DRONE), (8, 6_200.0, (1.5, NEVER), DRONE))
    launched = harness.events(EventKind.INTERCEPTOR_LAUNCH)
    assert launched["track_id"].tolist()[:1] == [7]
    # The fleet's truth is never given: only that the rounds resolved, and when.
    harness.manager.record_outcomes(np.arange(harness.fleet.size),
                                    np.full(harness.fleet.size, 19.0))


def judgements(harness):
    assessed = harness.events(EventKind.KILL_ASSESSMENT)
    return dict(zip(assessed["track_id"].tolist(), assessed["value"].tolist(), strict=True))


@pytest.mark.parametrize("cue", ["velocity_change", "speed_or_fall"])
def test_the_battle_manager_reads_the_engaged_track_not_its_neighbour(cue):
    # Track 7 turned 90 degrees at constant speed; its neighbour slowed to a crawl. The
    # picture differs from the truth the fleet holds (its round may have killed), and the
    # manager reads the picture only: with speed_or_fall track 7 reads alive.
    harness = Harness(kill_assessment_cue=cue)
    engage(harness)
    harness.step(24.0, (7, 5_000.0, (23.5, NEVER), turned(DRONE, 90.0)),
                 (8, 5_300.0, (23.5, NEVER), [-10.0, 0.0, 0.0]))
    assert judgements(harness)[7] == (1.0 if cue == "velocity_change" else 0.0)
    assert (7 in harness.manager.take_killed_tracks().tolist()) == (cue == "velocity_change")


def test_the_battle_manager_reads_a_slowed_track_as_killed_beside_a_turning_one():
    harness = Harness(kill_assessment_cue="speed_or_fall")
    engage(harness)
    harness.step(24.0, (7, 5_000.0, (23.5, NEVER), [-20.0, 0.0, 0.0]),
                 (8, 5_300.0, (23.5, NEVER), turned(DRONE, 90.0)))
    assert judgements(harness)[7] == 1.0
    assert harness.manager.take_killed_tracks().tolist() == [7]
