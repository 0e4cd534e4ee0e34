"""doctrine.beam_dwell_before_arrival: a jammer's or laser's dwell counts only the time
before the track's predicted arrival (the picture's time to go); and
doctrine.jammer_dwell_release: a jamming dwell the picture says can no longer help (its
track dropped, or past its asset) is ended and its channel freed. Driven with hand-made
pictures of several drones close together, which differ from the truth."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.battle_manager import BattleManager, DefendedAssets, passed_asset
from iadsim.effectors.batteries import Batteries, interceptor_table
from iadsim.effectors.beam_weapons import (
    BEAM_SHOT_ID_BASE,
    BeamWeapons,
    predicted_beam_kill_probability,
)
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.engine.random_streams import stream
from iadsim.events import EventKind, EventLog
from iadsim.scenario.schema import THREAT_KINDS
from iadsim.tracking.tracker import TrackPicture
from iadsim.world.geodesy import LocalFrame
from small_site_builder import small_site

JAMMER = {"name": "jammer", "profile": "jammer-battery", "lat_deg": 40.0, "lon_deg": 33.0,
          "height_m": 6.0, "radars": ["home-radar"]}
DRONE_CLASS = 3  # iadsim.effectors.beam_weapons.CLASS_KINDS


def jammer_manager(**doctrine) -> tuple[BattleManager, EventLog]:
    """A battle manager with one two-beam jammer (reaction 2 s, dwell 10 s) at the depot."""
    scenario = small_site(batteries=[JAMMER], doctrine=doctrine)
    frame = LocalFrame(40.0, 33.0, 0.0)
    types = interceptor_table(scenario)
    batteries = Batteries(scenario, frame, types)
    log = EventLog(["home-radar", "east-radar"], ["jammer"], ["depot"])
    assets = DefendedAssets(np.zeros((1, 3)), np.array([1_000.0]), np.array([5.0]))
    beams = BeamWeapons(types.beam, types.max_range_m, batteries.position_m, np.array([6.0]),
                        stream(0, "beam_weapons"))
    manager = BattleManager(scenario.doctrine, batteries, types, assets,
                            InterceptorFleet(types, stream(0, "effectors")), frame, 0.0, log,
                            None, None, None, beams)
    return manager, log


def picture(tracks: list[tuple[int, float, float, float]]) -> TrackPicture:
    """Drone tracks (id, east_m, north_m, inbound speed m/s toward the depot) at 300 m,
    updated by radar 0 just now."""
    rows = len(tracks)
    position = np.array([[east, north, 300.0] for _, east, north, _ in tracks])
    direction = -position[:, :2] / np.linalg.norm(position[:, :2], axis=1)[:, None]
    velocity = np.zeros((rows, 3))
    velocity[:, :2] = direction * np.array([t[3] for t in tracks])[:, None]
    return TrackPicture(0.0, np.array([t[0] for t in tracks], dtype=np.int64), position,
                        velocity, np.tile(np.eye(3) * 100.0, (rows, 1, 1)),
                        np.zeros((rows, 2)), np.full(rows, 5.0),
                        np.full(rows, -1, dtype=np.int8), np.zeros(rows))


#: Tracks 1-3 arrive in 5-7 s (less than the 2 s reaction plus the 10 s dwell); track 4
#: in 50 s; track 5 sits 100 m from track 2 but the picture has it coming in at 25 m/s
#: (12.6 s to go, time for a whole dwell): the rule reads the picture's time to go, not
#: the distance.
SWARM = [(1, 250.0, 0.0, 50.0), (2, 300.0, 0.0, 50.0), (3, 350.0, 0.0, 50.0),
         (4, 2_500.0, 0.0, 50.0), (5, 300.0, 100.0, 25.0)]


def assigned(option: bool) -> list[int]:
    manager, log = jammer_manager(beam_dwell_before_arrival=option)
    manager.step(0.0, picture(SWARM))
    frame = log.to_frame()
    rows = frame[frame["kind"] == EventKind.ASSIGNMENT.value]
    assert set(rows["battery"]) == {"jammer"}
    return sorted(rows["track_id"].tolist())


def test_without_the_rule_the_jammer_dwells_on_the_drones_about_to_arrive():
    assert assigned(False) == [1, 2]


def test_with_the_rule_the_jammer_takes_the_drones_it_has_time_to_jam():
    assert assigned(True) == [4, 5]


def test_the_rule_is_on_by_default():
    manager, _ = jammer_manager()
    assert manager.doctrine.beam_dwell_before_arrival is True


def test_the_dwell_limit_cuts_the_jammer_s_chance_and_the_laser_s_kill():
    scenario = small_site(batteries=[JAMMER, {**JAMMER, "name": "laser",
                                              "profile": "laser-battery"}])
    types = interceptor_table(scenario)
    kind = Batteries(scenario, LocalFrame(40.0, 33.0, 0.0), types).interceptor_type
    table = types.beam
    rate = table.defeat_rate_per_s[kind[0], 2]  # THREAT_KINDS: drone
    range_m = np.full((2, 4), 1_000.0)
    limit = np.array([[np.nan, 12.0, 4.0, -1.0]] * 2)
    probability = predicted_beam_kill_probability(table, kind, types.single_shot_pk[kind],
                                                  range_m, np.full(4, DRONE_CLASS), limit)
    assert probability[0].tolist() == pytest.approx(
        [1 - np.exp(-rate * 10.0), 1 - np.exp(-rate * 10.0), 1 - np.exp(-rate * 4.0), 0.0])
    # The laser kills a drone at 1 km in about 1 s: 4 s left suffice, none does not.
    whole = types.single_shot_pk[kind[1]]
    assert probability[1].tolist() == [whole, whole, whole, 0.0]
    short = predicted_beam_kill_probability(table, kind, types.single_shot_pk[kind], range_m,
                                            np.full(4, DRONE_CLASS),
                                            np.full((2, 4), 0.05))
    assert short[1].tolist() == [0.0] * 4


def moving_picture(time_s: float, tracks: list[tuple[int, float, float, float, float]]
                   ) -> TrackPicture:
    """Drone tracks (id, east_m, north_m, east_mps, north_mps) at 300 m at ``time_s``,
    updated by radar 0 just now."""
    rows = len(tracks)
    position = np.array([[east, north, 300.0] for _, east, north, _, _ in tracks])
    velocity = np.array([[east, north, 0.0] for _, _, _, east, north in tracks])
    return TrackPicture(time_s, np.array([t[0] for t in tracks], dtype=np.int64), position,
                        velocity, np.tile(np.eye(3) * 100.0, (rows, 1, 1)),
                        np.full((rows, 2), time_s), np.full(rows, 5.0),
                        np.full(rows, -1, dtype=np.int8), np.zeros(rows))


#: Two drones inbound from the east 120 m apart (tracks 11 and 12, 40 s to go) and one
#: from the north (track 13, far: not taken while the jammer's two beams are busy).
INBOUND = [(11, 2_000.0, 0.0, -50.0, 0.0), (12, 2_000.0, 120.0, -50.0, -3.0),
           (13, 0.0, 3_800.0, 0.0, -50.0)]


def dwells_after(release: bool, later: list[tuple[int, float, float, float, float]],
                 truth_alive: list[bool]) -> tuple[BattleManager, dict[int, int], list[int]]:
    """Assign at 0 s on ``INBOUND``, begin the dwells at 2 s (the reaction time), then give
    the manager the picture ``later`` at the 4 s cycle and run the dwells over the next
    step against a truth of three drones where the picture first had them, alive as
    ``truth_alive`` says. Returns the manager, each engaged track's shot id and the
    tracks whose dwells ended in that step."""
    manager, _ = jammer_manager(jammer_dwell_release=release)
    manager.step(0.0, moving_picture(0.0, INBOUND))
    manager.step(2.0, moving_picture(2.0, INBOUND))
    beams = manager.beams
    shots = {int(track): BEAM_SHOT_ID_BASE + row for row, track in enumerate(beams.track_id)}
    assert sorted(shots) == [11, 12] and beams.active.size == 2
    manager.step(4.0, moving_picture(4.0, later))
    truth = np.array([[1_900.0, 0.0, 300.0], [1_900.0, 110.0, 300.0], [0.0, 3_700.0, 300.0]])
    outcome = beams.step(4.0, 1.0, truth, np.full(3, 300.0), np.array(truth_alive),
                         np.full(3, THREAT_KINDS.index("drone")), np.zeros(0, dtype=np.int64),
                         np.zeros((0, 3)), np.zeros((0, 3)), 4.0)
    manager.record_outcomes(outcome.shot_id, outcome.time_s)
    ended = sorted(int(track) for track in outcome.track_id)
    assert (outcome.time_s == 4.0).all()
    return manager, shots, ended


def test_a_dwell_on_a_track_past_its_asset_or_dropped_is_released_on_the_picture():
    """At the 4 s cycle the picture shows track 11 past the depot, flying away (a leak's
    coasting track), while the truth has its drone alive and inbound: the dwell on 11 is
    released on the picture and its channel freed; track 12, 120 m away and still
    inbound in the picture, keeps its dwell although its drone is dead in the truth.
    Then a picture without track 12 (deleted) releases that one too."""
    later = [(11, -150.0, 0.0, -50.0, 0.0), (12, 1_900.0, 117.0, -50.0, -3.0),
             (13, 0.0, 3_700.0, 0.0, -50.0)]
    manager, shots, ended = dwells_after(True, later, [True, False, True])
    assert ended == [11]
    assert manager.beams.active.tolist() == [shots[12] - BEAM_SHOT_ID_BASE]
    assert manager.batteries.channels_busy[0] == 1
    manager.step(6.0, moving_picture(6.0, [later[0], later[2]]))
    assert manager.beams.stop_s[shots[12] - BEAM_SHOT_ID_BASE] == 6.0


def test_without_the_release_the_dwells_run_their_whole_time():
    later = [(11, -150.0, 0.0, -50.0, 0.0), (13, 0.0, 3_700.0, 0.0, -50.0)]
    manager, _, ended = dwells_after(False, later, [True, True, True])
    assert ended == [] and manager.beams.active.size == 2
    assert manager.batteries.channels_busy[0] == 2


def test_a_track_still_closing_on_its_asset_keeps_its_dwell():
    """Both tracks still inbound (one slowed, one jinking 60 degrees off its line but
    still closing): no release, whatever the truth says."""
    later = [(11, 1_950.0, 0.0, -10.0, 0.0), (12, 1_900.0, 117.0, -25.0, 43.0),
             (13, 0.0, 3_700.0, 0.0, -50.0)]
    manager, _, ended = dwells_after(True, later, [False, False, True])
    assert ended == [] and manager.beams.active.size == 2


def test_passed_asset_reads_the_ground_velocity_against_the_offset():
    asset = np.zeros(3)
    assert passed_asset(np.array([-10.0, 0.0, 300.0]), np.array([-50.0, 0.0, 0.0]), asset)
    assert passed_asset(np.array([500.0, 0.0, 300.0]), np.array([30.0, 40.0, 0.0]), asset)
    assert not passed_asset(np.array([500.0, 0.0, 300.0]), np.array([-1.0, 50.0, 0.0]),
                            asset)
    # Hovering, or only climbing: no arrival is predicted, none has passed.
    assert not passed_asset(np.array([500.0, 0.0, 300.0]), np.array([0.5, 0.5, 20.0]), asset)
