"""Fire units: the interceptor table, ready rounds, reservations, launches and reloads."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.effectors.batteries import Batteries, interceptor_table
from iadsim.events import EventKind, EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.world.geodesy import LocalFrame

LAT, LON = 38.0, 36.5
FRAME = LocalFrame(LAT, LON, 0.0)

MISSILE = {"name": "sam", "min_range_km": 1.0, "max_range_km": 40.0, "min_altitude_m": 15.0,
           "max_altitude_m": 20_000.0, "speed_mps": 900.0, "lethal_radius_m": 10.0,
           "single_shot_pk": 0.8, "seeker_range_km": 8.0, "aim_error_m": 3.0,
           "cost_per_round_usd": 5e5}
GUN = {"name": "gun", "kind": "gun", "min_range_km": 0.1, "max_range_km": 4.0,
       "max_altitude_m": 3_000.0, "speed_mps": 1_000.0, "lethal_radius_m": 3.0,
       "single_shot_pk": 0.3, "max_flight_time_s": 5.0, "cost_per_round_usd": 2e3}


def battery(name: str, **fields) -> dict:
    base = {"name": name, "lat_deg": LAT, "lon_deg": LON, "radars": ["r"],
            "interceptor": "sam", "launchers": 2, "missiles_per_launcher": 4,
            "reserve_missiles": 8, "fire_channels": 2, "reload_s": 600.0}
    return {**base, **fields}


def build(*batteries: dict, ground_elevation_m: float = 500.0):
    scenario = scenario_from_dict({
        "name": "battery-test",
        "origin": {"lat_deg": LAT, "lon_deg": LON, "ground_elevation_m": ground_elevation_m},
        "sim": {"duration_s": 5_000.0},
        "sensors": [{"name": "r", "lat_deg": LAT, "lon_deg": LON, "ref_range_km": 50.0,
                     "max_range_km": 80.0, "revisit_s": 2.0},
                    {"name": "r2", "lat_deg": LAT, "lon_deg": LON, "ref_range_km": 50.0,
                     "max_range_km": 80.0, "revisit_s": 2.0}],
        "interceptors": [MISSILE, GUN],
        "batteries": list(batteries),
    })
    types = interceptor_table(scenario)
    units = Batteries(scenario, FRAME, types)
    return scenario, types, units, EventLog(["r", "r2"], units.names, [])


def test_interceptor_table_is_in_si_units_with_a_default_flight_time():
    _, types, _, _ = build(battery("a"))
    assert types.names == ["sam", "gun"]
    np.testing.assert_array_equal(types.is_gun, [False, True])
    np.testing.assert_allclose(types.min_range_m, [1_000.0, 100.0])
    np.testing.assert_allclose(types.max_range_m, [40_000.0, 4_000.0])
    np.testing.assert_allclose(types.seeker_range_m, [8_000.0, 0.0])
    np.testing.assert_allclose(types.cost_per_round_usd, [5e5, 2e3])
    # Default maximum flight time: 1.3 x maximum range at the average speed.
    np.testing.assert_allclose(types.max_flight_time_s, [1.3 * 40_000.0 / 900.0, 5.0])


def test_batteries_are_placed_and_configured_from_the_scenario():
    _, _, units, _ = build(battery("a", height_m=10.0),
                           battery("b", lat_deg=LAT + 0.1, interceptor="gun",
                                   radars=["r", "r2"], salvo_size=2, launchers=3))
    assert units.names == ["a", "b"] and units.size == 2
    np.testing.assert_allclose(units.position_m[0], FRAME.to_enu(LAT, LON, 510.0), atol=1e-6)
    assert units.position_m[1, 1] == pytest.approx(11_100.0, rel=0.01)
    np.testing.assert_array_equal(units.interceptor_type, [0, 1])
    np.testing.assert_array_equal(units.radar_mask, [[True, False], [True, True]])
    np.testing.assert_array_equal(units.salvo_size, [1, 2])  # doctrine default, override
    np.testing.assert_array_equal(units.available_rounds(), [8, 12])
    np.testing.assert_array_equal(units.initial_rounds, [16, 20])


def test_reserved_rounds_are_not_available_and_launches_spend_them():
    _, _, units, _ = build(battery("a"))
    units.reserved[0] += 3
    assert units.available_rounds()[0] == 5
    for _ in range(3):
        units.launch_round(0)
    assert units.available_rounds()[0] == 5 and units.reserved[0] == 0
    # Taken from the fullest launcher each time: 4/4 -> 3/4 -> 3/3 -> 2/3.
    assert sorted(units.launcher_rounds[0].tolist()) == [2, 3]
    units.reserved[0] += 2
    units.release_rounds(0, 2)
    assert units.available_rounds()[0] == 5


def empty_battery(units: Batteries, row: int = 0) -> None:
    rounds = int(units.available_rounds()[row])
    units.reserved[row] += rounds
    for _ in range(rounds):
        units.launch_round(row)


def test_empty_launchers_reload_after_reload_s_from_the_reserve_with_an_event():
    _, _, units, log = build(battery("a"))
    empty_battery(units)
    assert units.available_rounds()[0] == 0
    units.update_reloads(100.0, log)  # the empty launchers start reloading
    units.update_reloads(699.0, log)
    assert units.available_rounds()[0] == 0 and log.count(EventKind.RELOAD) == 0
    units.update_reloads(700.0, log)
    assert units.available_rounds()[0] == 8 and units.reserve[0] == 0
    reloads = log.to_frame()
    reloads = reloads[reloads["kind"] == "reload"]
    assert reloads["time_s"].tolist() == [700.0, 700.0]
    assert reloads["value"].tolist() == [4.0, 4.0]
    assert (reloads["battery"] == "a").all()


def test_a_reload_never_exceeds_capacity_or_the_reserve():
    _, _, units, log = build(battery("a", launchers=3, missiles_per_launcher=4,
                                     reserve_missiles=6))
    empty_battery(units)
    units.update_reloads(0.0, log)
    units.update_reloads(600.0, log)
    loaded = units.launcher_rounds[0, :3]
    assert (loaded <= 4).all()
    assert loaded.sum() == 6 and units.reserve[0] == 0
    assert sorted(loaded.tolist()) == [0, 2, 4]
    # Nothing more to load: no more reloads, ever.
    units.update_reloads(5_000.0, log)
    assert units.available_rounds()[0] == 6 and log.count(EventKind.RELOAD) == 2


def test_no_reserve_means_no_reload():
    _, _, units, log = build(battery("a", reserve_missiles=0))
    empty_battery(units)
    for time_s in (0.0, 600.0, 2_000.0):
        units.update_reloads(time_s, log)
    assert units.available_rounds()[0] == 0 and log.count(EventKind.RELOAD) == 0


def test_a_partly_spent_launcher_is_not_reloaded():
    _, _, units, log = build(battery("a"))
    units.reserved[0] += 1
    units.launch_round(0)
    for time_s in (0.0, 600.0, 1_200.0):
        units.update_reloads(time_s, log)
    assert units.available_rounds()[0] == 7 and units.reserve[0] == 8
    assert log.count(EventKind.RELOAD) == 0


def test_batteries_with_fewer_launchers_hold_no_phantom_rounds():
    _, _, units, log = build(battery("a", launchers=1, reserve_missiles=4),
                             battery("b", launchers=3))
    assert units.available_rounds().tolist() == [4, 12]
    empty_battery(units, 0)
    units.update_reloads(0.0, log)
    units.update_reloads(600.0, log)
    assert units.available_rounds().tolist() == [4, 12]
    assert log.count(EventKind.RELOAD) == 1


def test_no_reload_is_started_that_the_reserve_cannot_fill():
    # Three one-round launchers, two rounds in reserve, emptied one after another.
    _, _, units, log = build(battery("a", launchers=3, missiles_per_launcher=1,
                                     reserve_missiles=2))
    for time_s in (0.0, 10.0, 20.0):
        units.reserved[0] += 1
        units.launch_round(0)
        units.update_reloads(time_s, log)
    for time_s in (600.0, 610.0, 620.0):
        units.update_reloads(time_s, log)
    assert units.available_rounds()[0] == 2 and units.reserve[0] == 0
    reloads = log.to_frame()
    reloads = reloads[reloads["kind"] == "reload"]
    assert (reloads["value"] > 0).all()
    assert log.count(EventKind.RELOAD) == 2
