"""BattleManager driven directly with hand-made track pictures: layering, cost preference,
channel saturation, magazine reserve, firing policies and salvos.

The scenario's own threat (the truth) flies far to the west, away from everything; the
battle manager is handed only the pictures below, tracks the truth does not have, and
must decide on them alone.
"""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.battle_manager import BattleManager, DefendedAssets
from iadsim.effectors.batteries import Batteries, interceptor_table
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.engine.random_streams import stream
from iadsim.events import EventKind, EventLog
from iadsim.scenario.loader import scenario_from_dict
from iadsim.tracking.tracker import TrackPicture
from iadsim.world.geodesy import LocalFrame

ORIGIN = {"lat_deg": 40.0, "lon_deg": 33.0, "ground_elevation_m": 0.0}
KM_LAT = 1.0 / 111.0  # degrees of latitude per km, near enough for siting
# A layered site: long-range (2 M USD), short-range (250 k) and a gun (30 k), all at the
# asset, each on the one radar there.
BATTERIES = {
    "long": {"profile": "s400-class-battery"},
    "short": {"profile": "short-range-battery"},
    "gun": {"profile": "point-defense-gun"},
}
LONG, SHORT, GUN = 0, 1, 2


def battle_manager(doctrine: dict | None = None, batteries: dict | None = None,
                   ) -> BattleManager:
    units = batteries or BATTERIES
    document = {
        "name": "bm-test", "origin": ORIGIN, "sim": {"duration_s": 600, "dt_s": 1.0},
        "defended_assets": [{"name": "site", "lat_deg": 40.0, "lon_deg": 33.0, "value": 10,
                             "radius_m": 500}],
        "sensors": [{"name": "radar", "profile": "short-range-radar", "lat_deg": 40.0,
                     "lon_deg": 33.0, "height_m": 10}],
        "batteries": [{"name": name, "lat_deg": 40.0, "lon_deg": 33.0, "radars": ["radar"],
                       **fields} for name, fields in units.items()],
        "threats": [{"name": "elsewhere", "profile": "loitering-munition", "route": [
            {"lat_deg": 40.0, "lon_deg": 31.0, "altitude_m": 500},
            {"lat_deg": 40.5, "lon_deg": 30.5, "altitude_m": 500}]}],
        "doctrine": {"cycle_s": 2.0, **(doctrine or {})},
    }
    scenario = scenario_from_dict(document)
    frame = LocalFrame(40.0, 33.0, 0.0)
    types = interceptor_table(scenario)
    batteries_table = Batteries(scenario, frame, types)
    log = EventLog(["radar"], list(units), ["site"])
    assets = DefendedAssets(np.zeros((1, 3)), np.array([500.0]), np.array([10.0]))
    return BattleManager(scenario.doctrine, batteries_table, types, assets,
                         InterceptorFleet(types, stream(1, "effectors")), frame, 0.0, log)


def picture(time_s: float, positions_m, velocities_mps, track_ids=None) -> TrackPicture:
    position = np.asarray(positions_m, dtype=float).reshape(-1, 3)
    n = position.shape[0]
    return TrackPicture(
        time_s, np.arange(n) if track_ids is None else np.asarray(track_ids),
        position, np.asarray(velocities_mps, dtype=float).reshape(-1, 3),
        np.tile(np.eye(3) * 100.0, (n, 1, 1)), np.full((n, 1), time_s), np.full(n, 2.0),
        np.full(n, -1, dtype=np.int8), np.zeros(n))


def inbound(distance_m: float, speed_mps: float, height_m: float, bearing_deg: float = 0.0):
    """A track ``distance_m`` from the asset on ``bearing_deg``, flying straight at it."""
    bearing = np.radians(bearing_deg)
    direction = np.array([np.sin(bearing), np.cos(bearing), 0.0])
    return distance_m * direction + [0.0, 0.0, height_m], -speed_mps * direction


def engaged(manager: BattleManager) -> list[tuple[int, int]]:
    """(battery, track id) of every engagement opened so far, sorted; checks the log."""
    assert manager.log.count(EventKind.ASSIGNMENT) == len(manager.engagements)
    return sorted((e.battery, e.track_id) for e in manager.engagements.values())


def test_a_drone_is_left_to_the_gun_while_the_gun_can_still_kill_it_in_time():
    manager = battle_manager({"battery_preference": "cheapest_in_time",
                              "handover_kill_probability": 0.5})
    # 12 km out at 50 m/s: long and short range can engage now, the gun (4 km) later.
    position, velocity = inbound(12_000.0, 50.0, 300.0)
    manager.step(0.0, picture(0.0, position, velocity))
    assert engaged(manager) == []  # everybody costlier holds for the gun
    # 3.5 km out: the gun engages, alone.
    position, velocity = inbound(3_500.0, 50.0, 300.0)
    manager.step(2.0, picture(2.0, position, velocity))
    assert engaged(manager) == [(GUN, 0)]


def test_earliest_intercept_lets_the_outer_layer_take_the_drone():
    manager = battle_manager({"battery_preference": "earliest_intercept"})
    position, velocity = inbound(20_000.0, 50.0, 300.0)  # beyond the short range's 15 km
    manager.step(0.0, picture(0.0, position, velocity))
    assert engaged(manager) == [(LONG, 0)]


@pytest.mark.parametrize(("speed_mps", "height_m", "climb_mps"), [
    (250.0, 8_000.0, 0.0),  # an aircraft
    (1_800.0, 20_000.0, -900.0),  # a ballistic missile diving in
])
def test_a_valuable_threat_is_engaged_by_the_outer_layer_first(speed_mps, height_m, climb_mps):
    manager = battle_manager({"battery_preference": "cheapest_in_time",
                              "handover_kill_probability": 0.5})
    position, velocity = inbound(40_000.0, speed_mps, height_m)
    velocity = velocity + np.array([0.0, 0.0, climb_mps])
    manager.step(0.0, picture(0.0, position, velocity))
    assert engaged(manager) == [(LONG, 0)]


def test_a_saturated_gun_gets_help_from_the_next_layer_and_the_long_range_holds():
    doctrine = {"battery_preference": "cheapest_in_time", "handover_kill_probability": 0.5}
    one = battle_manager(doctrine)
    position, velocity = inbound(3_000.0, 50.0, 300.0)
    one.step(0.0, picture(0.0, position, velocity))
    assert engaged(one) == [(GUN, 0)]
    # Six drones 3 km out, 100 m apart: the gun's two channels cannot serve them all in
    # time; the short-range battery takes the rest; the long-range battery still holds.
    many = battle_manager(doctrine)
    positions = np.array([inbound(3_000.0, 50.0, 300.0, bearing)[0]
                          for bearing in np.arange(6) * 2.0])
    velocities = np.array([inbound(3_000.0, 50.0, 300.0, bearing)[1]
                           for bearing in np.arange(6) * 2.0])
    many.step(0.0, picture(0.0, positions, velocities))
    by_battery = [battery for battery, _ in engaged(many)]
    assert by_battery.count(GUN) == 2  # both channels
    assert by_battery.count(SHORT) == 2  # both channels
    assert by_battery.count(LONG) == 0
    assert len({track for _, track in engaged(many)}) == 4  # four drones, one salvo each


def test_cheapest_round_prefers_a_cheaper_battery_that_can_fire_now():
    manager = battle_manager({"battery_preference": "cheapest_round"})
    position, velocity = inbound(10_000.0, 50.0, 300.0)  # the gun cannot reach it yet
    manager.step(0.0, picture(0.0, position, velocity))
    assert engaged(manager) == [(SHORT, 0)]


def test_a_battery_low_on_rounds_keeps_them_for_threats_only_it_can_reach():
    batteries = {"short": {"profile": "short-range-battery"},
                 "gun": {"profile": "point-defense-gun"}}
    tracks = [inbound(8_000.0, 50.0, 300.0, 0.0),  # the gun can take it later
              inbound(8_000.0, 800.0, 2_000.0, 90.0)]  # faster than the gun's 700 m/s
    positions = np.array([t[0] for t in tracks])
    velocities = np.array([t[1] for t in tracks])
    plenty = battle_manager({"magazine_reserve_fraction": 0.5}, batteries)
    plenty.step(0.0, picture(0.0, positions, velocities))
    assert engaged(plenty) == [(0, 0), (0, 1)]
    low = battle_manager({"magazine_reserve_fraction": 0.5}, batteries)
    # 6 of its 16 rounds left (2 on each launcher, 2 in reserve): below half.
    low.batteries.launcher_rounds[0, :2] = 2
    low.batteries.reserve[0] = 2
    low.step(0.0, picture(0.0, positions, velocities))
    assert engaged(low) == [(0, 1)]


def test_shoot_look_shoot_puts_one_engagement_on_a_track_shoot_shoot_two():
    position, velocity = inbound(40_000.0, 250.0, 8_000.0)
    look = battle_manager({"firing_policy": "shoot_look_shoot"})
    look.step(0.0, picture(0.0, position, velocity))
    assert engaged(look) == [(LONG, 0)]
    look.step(2.0, picture(2.0, position + velocity * 2.0, velocity))
    assert engaged(look) == [(LONG, 0)]  # not again before it is assessed
    shoot = battle_manager({"firing_policy": "shoot_shoot"})
    shoot.step(0.0, picture(0.0, position, velocity))
    assert engaged(shoot) == [(LONG, 0), (LONG, 0)]


def test_a_salvo_schedules_its_rounds_salvo_interval_apart_and_launches_them():
    manager = battle_manager({"salvo_size": 2, "salvo_interval_s": 3.0})
    position, velocity = inbound(40_000.0, 250.0, 8_000.0)
    manager.step(0.0, picture(0.0, position, velocity))
    (engagement,) = manager.engagements.values()
    reaction = manager.batteries.reaction_time_s[LONG]
    assert engagement.launch_times_s == [reaction, reaction + 3.0]
    for time_s in (reaction, reaction + 3.0):
        manager.step(time_s, picture(time_s, position + velocity * time_s, velocity))
    assert engagement.launched == 2 and manager.fleet.size == 2
    assert manager.log.count(EventKind.INTERCEPTOR_LAUNCH) == 2
