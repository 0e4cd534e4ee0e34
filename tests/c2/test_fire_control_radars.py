"""Fire-control (engagement) radars driven through BattleManager and engageability with
hand-made pictures: track capacity, slots held until the kill assessment, sectors.

The scenario's own threat (the truth) flies far to the west, away from everything; the
battle manager sees only the pictures below (tracks the truth does not have), four threats
300 m apart inbound on the asset.
"""

from __future__ import annotations

import numpy as np

from iadsim.c2.battle_manager import BattleManager, DefendedAssets
from iadsim.c2.engageability import engageability
from iadsim.c2.fire_control_radars import fire_control_radars
from iadsim.effectors.batteries import Batteries, interceptor_table
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.engine.random_streams import stream
from iadsim.events import EventKind, EventLog
from iadsim.scenario.loader import scenario_from_dict
from iadsim.sensors.radar import radar_sites
from iadsim.tracking.tracker import TrackPicture
from iadsim.world.geodesy import LocalFrame

FRAME = LocalFrame(40.0, 33.0, 0.0)
NEVER = -np.inf
SEARCH, RADAR_A, RADAR_B = 0, 1, 2
A, B = 0, 1
SPEED_MPS = 250.0


def radar(name: str, **fields) -> dict:
    return {"name": name, "lat_deg": 40.0, "lon_deg": 33.0, "height_m": 10.0,
            "ref_range_km": 60.0, "max_range_km": 80.0, "revisit_s": 1.0, **fields}


def missile(name: str, pk: float, uplink: bool, cost_usd: float) -> dict:
    return {"name": name, "min_range_km": 0.5, "max_range_km": 25.0,
            "max_altitude_m": 20_000.0, "speed_mps": 800.0, "lethal_radius_m": 15.0,
            "single_shot_pk": pk, "seeker_range_km": 5.0, "max_flight_time_s": 60.0,
            "cost_per_round_usd": cost_usd, "guidance_uplink": uplink}


def battery(name: str, radars: list[str], interceptor: str, channels: int = 4) -> dict:
    return {"name": name, "lat_deg": 40.0, "lon_deg": 33.0, "radars": radars,
            "interceptor": interceptor, "launchers": 4, "missiles_per_launcher": 8,
            "fire_channels": channels, "reload_s": 600.0, "reaction_time_s": 2.0}


def manager(capacity_a: int | None = 2, uplink: bool = False, second_battery: bool = False,
            shared: bool = False, sector_a: tuple[float, float] = (0.0, 360.0),
            launch_on_remote: bool = False, doctrine: dict | None = None) -> BattleManager:
    """A battle manager whose battery A (4 channels, Pk 0.9, 100 k USD a round) engages
    through fire-control radar A of ``capacity_a`` slots; with ``second_battery``,
    battery B (4 channels, Pk 0.6, 2 M USD a round) through radar B (20 slots), or
    through radar A too when ``shared``."""
    document = {
        "name": "fcr-test", "origin": {"lat_deg": 40.0, "lon_deg": 33.0},
        "sim": {"duration_s": 600, "dt_s": 1.0},
        "defended_assets": [{"name": "site", "lat_deg": 40.0, "lon_deg": 33.0, "value": 10,
                             "radius_m": 500}],
        "sensors": [radar("search"),
                    radar("radar-a", track_capacity=capacity_a, sector_center_deg=sector_a[0],
                          sector_width_deg=sector_a[1]),
                    radar("radar-b", track_capacity=20)],
        "interceptors": [missile("sharp", 0.9, uplink, 100_000.0),
                         missile("blunt", 0.6, uplink, 2_000_000.0)],
        "batteries": [battery("a", ["search", "radar-a"], "sharp")],
        "threats": [{"name": "elsewhere", "profile": "loitering-munition", "route": [
            {"lat_deg": 40.0, "lon_deg": 31.0, "altitude_m": 500},
            {"lat_deg": 40.5, "lon_deg": 30.5, "altitude_m": 500}]}],
        "doctrine": {"cycle_s": 2.0, "kill_assessment_delay_s": 5.0,
                     "launch_on_remote": launch_on_remote, **(doctrine or {})},
    }
    if second_battery:
        document["batteries"].append(
            battery("b", ["search", "radar-a" if shared else "radar-b"], "blunt"))
    scenario = scenario_from_dict(document)
    types = interceptor_table(scenario)
    batteries = Batteries(scenario, FRAME, types)
    names = [b["name"] for b in document["batteries"]]
    bm = BattleManager(scenario.doctrine, batteries, types,
                       DefendedAssets(np.zeros((1, 3)), np.array([500.0]), np.array([10.0])),
                       InterceptorFleet(types, stream(1, "effectors")), FRAME, 0.0,
                       EventLog(["search", "radar-a", "radar-b"], names, ["site"]))
    bm.fire_control_radars = fire_control_radars(scenario, radar_sites(scenario, FRAME),
                                                 batteries, types)
    return bm


def picture(time_s: float, track_ids=(0, 1, 2, 3), bearing_deg: float = 90.0,
            updated_by=(SEARCH, RADAR_A, RADAR_B)) -> TrackPicture:
    """Tracks 300 m apart on ``bearing_deg``, 18 km out at 0 s, inbound at 250 m/s, 300 m
    up, last updated 0.5 s ago by the radars ``updated_by``."""
    ids = np.asarray(track_ids, dtype=np.int64)
    bearing = np.radians(bearing_deg)
    outward = np.array([np.sin(bearing), np.cos(bearing), 0.0])
    across = np.array([outward[1], -outward[0], 0.0])
    distance = 18_000.0 - SPEED_MPS * time_s
    position = (distance * outward[None, :] + 300.0 * ids[:, None] * across[None, :]
                + np.array([0.0, 0.0, 300.0]))
    n = ids.size
    updates = np.full((n, 3), NEVER)
    updates[:, list(updated_by)] = time_s - 0.5
    return TrackPicture(time_s, ids, position, np.tile(-SPEED_MPS * outward, (n, 1)),
                        np.tile(np.eye(3) * 100.0, (n, 1, 1)), updates, np.full(n, 2.0),
                        np.full(n, -1, dtype=np.int8), np.zeros(n))


def by_battery(bm: BattleManager) -> dict[int, list[int]]:
    """Battery -> track ids of every engagement opened so far."""
    table: dict[int, list[int]] = {}
    for engagement in bm.engagements.values():
        table.setdefault(engagement.battery, []).append(engagement.track_id)
    return {battery: sorted(tracks) for battery, tracks in table.items()}


def test_a_full_fire_control_radar_takes_no_more_targets_than_its_capacity():
    # Four threats 300 m apart, four free channels, rounds for all: radar A holds 2.
    bm = manager(capacity_a=2)
    for time_s in (0.0, 2.0, 4.0, 6.0):
        bm.step(time_s, picture(time_s))
    assert [(e.battery, e.track_id) for e in bm.engagements.values()] == [(A, 0), (A, 1)]
    assert bm.fire_control_radars.used.tolist() == [0, 2, 0]
    assert bm.batteries.channels_busy.tolist() == [2]  # channels were free: the radar binds


def test_without_the_capacity_all_four_are_engaged():
    bm = manager(capacity_a=None)
    bm.step(0.0, picture(0.0))
    assert sorted(e.track_id for e in bm.engagements.values()) == [0, 1, 2, 3]


def test_the_targets_the_full_radar_cannot_take_go_to_another_battery():
    # Unlimited, the sharper battery A would take all four (B's Pk 0.6 adds less).
    unlimited = manager(capacity_a=None, second_battery=True)
    unlimited.step(0.0, picture(0.0))
    assert sorted(e.battery for e in unlimited.engagements.values()) == [A, A, A, A]
    bm = manager(capacity_a=2, second_battery=True)
    bm.step(0.0, picture(0.0))
    engaged = by_battery(bm)
    assert len(engaged[A]) == 2 and len(engaged[B]) == 2
    assert sorted(engaged[A] + engaged[B]) == [0, 1, 2, 3]


def test_a_radar_shared_by_two_batteries_shares_its_slots():
    bm = manager(capacity_a=3, second_battery=True, shared=True)
    bm.step(0.0, picture(0.0))
    assert len(bm.engagements) == 3
    assert bm.fire_control_radars.used.tolist() == [0, 3, 0]


def test_the_target_slot_frees_after_the_kill_assessment_not_when_the_round_resolves():
    bm = manager(capacity_a=2)
    bm.step(0.0, picture(0.0))
    bm.step(2.0, picture(2.0))  # both rounds leave
    assert bm.fleet.size == 2
    # Both rounds reach their aim points at 20 s: the channels free, the radar still
    # watches both targets for the kill assessment (5 s later).
    bm.record_outcomes(np.array([0, 1]), np.array([20.0, 20.0]))
    assert bm.batteries.channels_busy.tolist() == [0]
    for time_s in (20.0, 22.0, 24.0):
        bm.step(time_s, picture(time_s, track_ids=(0, 1, 2, 3)))
    assert len(bm.engagements) == 2 and bm.fire_control_radars.used.tolist() == [0, 2, 0]
    # At 26 s tracks 0 and 1 have vanished from the picture: judged killed, the slots
    # free, and the two threats that waited are engaged in the same cycle.
    bm.step(26.0, picture(26.0, track_ids=(2, 3)))
    assert bm.log.count(EventKind.KILL_ASSESSMENT) == 2
    assert [e.track_id for e in bm.engagements.values()][2:] == [2, 3]
    assert bm.fire_control_radars.used.tolist() == [0, 2, 0]


def test_a_guided_round_holds_a_slot_until_it_resolves():
    # Each engagement takes the target's slot and its round's: capacity 4 -> two.
    bm = manager(capacity_a=4, uplink=True)
    bm.step(0.0, picture(0.0))
    bm.step(2.0, picture(2.0))
    assert len(bm.engagements) == 2 and bm.fire_control_radars.used.tolist() == [0, 4, 0]
    # Both rounds resolve at 20 s: their slots free at once (the targets' not), so one
    # more engagement fits (2 slots) before the assessments.
    bm.record_outcomes(np.array([0, 1]), np.array([20.0, 20.0]))
    assert bm.fire_control_radars.used.tolist() == [0, 2, 0]
    bm.step(20.0, picture(20.0))
    assert len(bm.engagements) == 3
    assert bm.fire_control_radars.used.tolist() == [0, 4, 0]


def reach_a(bearing_deg: float, updated_by, sector_a=(90.0, 60.0),
            launch_on_remote: bool = False) -> np.ndarray:
    """Battery A's feasibility against the four tracks on ``bearing_deg``, radar A facing
    ``sector_a`` (centre, width in degrees)."""
    bm = manager(capacity_a=10, sector_a=sector_a, launch_on_remote=launch_on_remote)
    tracks = picture(0.0, bearing_deg=bearing_deg, updated_by=updated_by)
    result = engageability(tracks, np.full(4, 1_000.0), bm.batteries, bm.types, FRAME, 0.0,
                           bm.doctrine.fire_control_track_age_s, bm.fire_control_radars)
    return result.feasible[A]


def test_a_target_outside_the_fire_control_radars_sector_is_not_engageable():
    # From the east, inside radar A's 60-120 degree sector, held by it: engageable.
    assert reach_a(90.0, (SEARCH, RADAR_A)).all()
    # From the north: the search radar holds the tracks, radar A cannot see them.
    assert not reach_a(0.0, (SEARCH,)).any()
    # Even a picture claiming radar A updated them does not put the intercept point,
    # due north, inside its sector.
    assert not reach_a(0.0, (SEARCH, RADAR_A)).any()
    # All round, the same tracks are engageable once radar A holds them.
    assert reach_a(0.0, (SEARCH, RADAR_A), sector_a=(0.0, 360.0)).all()


def test_launch_on_remote_needs_only_the_intercept_point_inside_the_sector():
    # Held by the search radar only: with launch on remote, radar A takes the round over
    # on the way when the intercept point is in its sector (east), not when it is north.
    assert not reach_a(90.0, (SEARCH,)).any()
    assert reach_a(90.0, (SEARCH,), launch_on_remote=True).all()
    assert not reach_a(0.0, (SEARCH,), launch_on_remote=True).any()


def drones(count: int) -> TrackPicture:
    """``count`` drones 6 km east, 300 m apart, inbound at 50 m/s, 300 m up, held by every
    radar."""
    rows = np.arange(count)
    position = np.stack([np.full(count, 6_000.0), 300.0 * rows, np.full(count, 300.0)], axis=1)
    return TrackPicture(0.0, rows, position, np.tile([-50.0, 0.0, 0.0], (count, 1)),
                        np.tile(np.eye(3) * 100.0, (count, 1, 1)), np.full((count, 3), -0.5),
                        np.full(count, 2.0), np.full(count, -1, dtype=np.int8),
                        np.zeros(count))


def test_the_costly_layer_does_not_hold_fire_for_a_cheap_layer_whose_radar_is_full():
    # Eight drones (worth 50 k USD each) for cheap battery A (4 channels) and costly B.
    layered = {"battery_preference": "cheapest_in_time", "handover_kill_probability": 0.99}
    free = manager(capacity_a=None, second_battery=True, doctrine=layered)
    free.step(0.0, drones(8))
    assert by_battery(free) == {A: [0, 1, 2, 3]}  # B holds: A's channels will do in time
    # Radar A holds two at a time: A cannot serve eight in time, so B does not hold.
    full = manager(capacity_a=2, second_battery=True, doctrine=layered)
    full.step(0.0, drones(8))
    assert by_battery(full) == {A: [0, 1], B: [2, 3, 4, 5]}
