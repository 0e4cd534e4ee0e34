"""doctrine.beam_dwell_before_arrival: a jammer's or laser's dwell counts only the time
before the track's predicted arrival (the picture's time to go), driven with hand-made
pictures of several drones close together."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.battle_manager import BattleManager, DefendedAssets
from iadsim.effectors.batteries import Batteries, interceptor_table
from iadsim.effectors.beam_weapons import BeamWeapons, predicted_beam_kill_probability
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.engine.random_streams import stream
from iadsim.events import EventKind, EventLog
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
