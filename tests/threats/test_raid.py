"""Raid expansion and waypoint trajectories: groups, launch times, routes, speeds, lanes.

Scenarios are built in the test from dictionaries (``scenario_from_dict``) so every
expected number follows from the test's own inputs; positions are compared in the
scenario ENU frame (``LocalFrame.to_enu``), not through the raid's own conversions.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from iadsim.scenario import scenario_from_dict
from iadsim.threats.raid import DEFAULT_TURN_RATE_DEG_S, Raid, build_raid
from iadsim.world.geodesy import LocalFrame

ORIGIN_LAT, ORIGIN_LON = 40.0, 33.0
FRAME = LocalFrame(ORIGIN_LAT, ORIGIN_LON, 0.0)

# A dog-leg route: 0.5 deg due east, then north-east to the origin.
ROUTE = [
    {"lat_deg": 40.0, "lon_deg": 32.0, "altitude_m": 100.0},
    {"lat_deg": 40.0, "lon_deg": 32.5, "altitude_m": 100.0},
    {"lat_deg": 40.3, "lon_deg": 33.0, "altitude_m": 50.0},
]
ASSET = {"name": "base", "lat_deg": 40.3, "lon_deg": 33.0, "value": 5.0, "radius_m": 1_000.0}


def scenario(*groups: dict, ground_elevation_m: float = 0.0, assets=(ASSET,)):
    return scenario_from_dict({
        "name": "raid-test",
        "origin": {"lat_deg": ORIGIN_LAT, "lon_deg": ORIGIN_LON,
                   "ground_elevation_m": ground_elevation_m},
        "sim": {"duration_s": 3_600.0},
        "defended_assets": list(assets),
        "threats": list(groups),
    })


def group(name: str = "cruise", **fields) -> dict:
    return {"name": name, "kind": "cruise_missile", "rcs_m2": 0.1, "speed_mps": 250.0,
            "route": ROUTE, **fields}


def enu_at(raid: Raid, time_s: float, rows) -> np.ndarray:
    """ENU positions (len(rows), 3) of threats at one time."""
    return FRAME.to_enu(*raid.geodetic_at(time_s, np.asarray(rows)))


def waypoint_enu(point: dict, ground_m: float = 0.0) -> np.ndarray:
    return FRAME.to_enu(point["lat_deg"], point["lon_deg"], point["altitude_m"] + ground_m)


def test_waypoint_threat_starts_on_its_first_and_ends_on_its_last_waypoint():
    raid = build_raid(scenario(group(start_s=40.0, target="base")), FRAME)
    launch, flight = raid.launch_time_s[0], raid.flight_time_s[0]
    assert launch == 40.0
    np.testing.assert_allclose(enu_at(raid, launch, [0])[0], waypoint_enu(ROUTE[0]), atol=0.5)
    np.testing.assert_allclose(enu_at(raid, launch + flight, [0])[0], waypoint_enu(ROUTE[-1]),
                               atol=0.5)
    # The flight time is the route length over the speed.
    legs = np.linalg.norm(np.diff([waypoint_enu(p) for p in ROUTE], axis=0), axis=1)
    assert flight == pytest.approx(legs.sum() / 250.0, rel=1e-3)
    # Half-way through the first leg, the threat is half-way along it.
    halfway = enu_at(raid, launch + legs[0] / 250.0 / 2.0, [0])[0]
    middle = (waypoint_enu(ROUTE[0]) + waypoint_enu(ROUTE[1])) / 2.0
    assert np.linalg.norm(halfway[:2] - middle[:2]) < 0.005 * legs[0]


@pytest.mark.parametrize("leg, seconds_in", [(0, 30.0), (0, 300.0), (1, 50.0), (1, 150.0)])
def test_speed_along_each_straight_leg_is_the_group_speed(leg, seconds_in):
    raid = build_raid(scenario(group(speed_mps=230.0)), FRAME)
    first_leg_s = np.linalg.norm(waypoint_enu(ROUTE[1]) - waypoint_enu(ROUTE[0])) / 230.0
    time_s = seconds_in + (first_leg_s if leg == 1 else 0.0)
    step_s = 2.0
    positions = np.array([enu_at(raid, t, [0])[0] for t in (time_s, time_s + step_s)])
    speed = np.linalg.norm(positions[1] - positions[0]) / step_s
    assert speed == pytest.approx(230.0, rel=0.02)


def test_per_leg_speeds_apply_to_the_leg_that_starts_at_each_waypoint():
    route = [{**ROUTE[0], "speed_mps": 100.0}, {**ROUTE[1], "speed_mps": 300.0}, ROUTE[2]]
    raid = build_raid(scenario(group(speed_mps=None, route=route)), FRAME)
    legs = np.linalg.norm(np.diff([waypoint_enu(p) for p in ROUTE], axis=0), axis=1)
    # The corner is flown as an arc at the arriving leg's speed and the default cruise
    # missile turn rate: radius r = v / w, tangent length r tan(D / 2), arc length r D.
    headings = np.diff([waypoint_enu(p)[:2] for p in ROUTE], axis=0)
    turn = np.arccos(headings[0] @ headings[1] / np.linalg.norm(headings, axis=1).prod())
    radius = 100.0 / np.radians(DEFAULT_TURN_RATE_DEG_S["cruise_missile"])
    tangent = radius * np.tan(turn / 2)
    expected_s = (legs[0] - tangent) / 100.0 + radius * turn / 100.0 + (legs[1] - tangent) / 300.0
    assert raid.flight_time_s[0] == pytest.approx(expected_s, rel=1e-3)
    for time_s, expected in ((100.0, 100.0), (legs[0] / 100.0 + 60.0, 300.0)):
        positions = enu_at(raid, time_s, [0]), enu_at(raid, time_s + 1.0, [0])
        assert np.linalg.norm(positions[1] - positions[0]) == pytest.approx(expected, rel=0.02)


def test_a_group_expands_to_count_threats_launched_at_start_plus_k_spacing():
    cruise = group(count=7, start_s=12.5, spacing_s=4.0)
    drones = group("drones", kind="drone", count=3, start_s=0.0, spacing_s=0.0, rcs_m2=0.01,
                   speed_mps=50.0)
    scenario_ = scenario(cruise, drones)
    raid = build_raid(scenario_, FRAME)
    assert raid.size == 10
    np.testing.assert_array_equal(raid.group_index, [0] * 7 + [1] * 3)
    np.testing.assert_allclose(raid.launch_time_s[:7], 12.5 + 4.0 * np.arange(7))
    np.testing.assert_allclose(raid.launch_time_s[7:], 0.0)
    np.testing.assert_allclose(raid.rcs_m2, [0.1] * 7 + [0.01] * 3)
    # Every member of a one-lane group flies the same path, shifted in time only.
    np.testing.assert_allclose(raid.flight_time_s[:7], raid.flight_time_s[0])
    for row in range(7):
        np.testing.assert_allclose(enu_at(raid, raid.launch_time_s[row] + 100.0, [row]),
                                   enu_at(raid, raid.launch_time_s[0] + 100.0, [0]), atol=1e-6)
    for name in ("group_index", "kind_index", "launch_time_s", "flight_time_s", "rcs_m2",
                 "unit_cost_usd", "target_asset", "is_ballistic"):
        assert getattr(raid, name).shape == (10,), name
    assert raid.path_lat_deg.shape[0] == 10


def test_before_launch_a_threat_waits_at_its_first_point_and_after_arrival_at_its_last():
    raid = build_raid(scenario(group(start_s=100.0)), FRAME)
    arrival = raid.launch_time_s[0] + raid.flight_time_s[0]
    np.testing.assert_allclose(enu_at(raid, 0.0, [0]), enu_at(raid, 100.0, [0]), atol=1e-6)
    np.testing.assert_allclose(enu_at(raid, arrival + 500.0, [0]), enu_at(raid, arrival, [0]),
                               atol=1e-6)
    assert np.linalg.norm(enu_at(raid, 150.0, [0]) - enu_at(raid, 100.0, [0])) > 1_000.0


def perpendicular_offsets_m(raid: Raid, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signed cross-track and along-track offsets (m) of members' first points from the
    route's first waypoint, against the route's first leg."""
    start, after = waypoint_enu(ROUTE[0]), waypoint_enu(ROUTE[1])
    along = (after - start)[:2] / np.linalg.norm((after - start)[:2])
    left = np.array([-along[1], along[0]])
    offsets = enu_at(raid, 0.0, rows)[:, :2] - start[:2]
    return offsets @ left, offsets @ along


@pytest.mark.parametrize("lanes, spacing_m", [(3, 1_000.0), (4, 300.0)])
def test_lanes_spread_members_sideways_by_the_lane_spacing(lanes, spacing_m):
    count = 2 * lanes + 1
    raid = build_raid(scenario(group(count=count, lanes=lanes, lane_spacing_m=spacing_m)),
                      FRAME)
    cross, along = perpendicular_offsets_m(raid, np.arange(count))
    expected = (np.arange(count) % lanes - (lanes - 1) / 2.0) * spacing_m
    sign = np.sign(cross[0] * expected[0])  # which side is "first" is the model's choice
    np.testing.assert_allclose(sign * cross, expected, rtol=0.02, atol=0.02 * spacing_m)
    np.testing.assert_allclose(along, 0.0, atol=0.02 * spacing_m)


def test_lanes_converge_on_the_last_point_when_the_group_has_a_target():
    raid = build_raid(scenario(group(count=3, lanes=3, lane_spacing_m=2_000.0,
                                     target="base")), FRAME)
    ends = np.array([enu_at(raid, raid.launch_time_s[r] + raid.flight_time_s[r], [r])[0]
                     for r in range(3)])
    np.testing.assert_allclose(ends, np.repeat(waypoint_enu(ROUTE[-1])[None], 3, axis=0),
                               atol=1.0)
    np.testing.assert_array_equal(raid.target_asset, [0, 0, 0])
    # The middle waypoint keeps the spread.
    middle = FRAME.to_enu(raid.path_lat_deg[:, 1], raid.path_lon_deg[:, 1],
                          raid.path_alt_m[:, 1])
    gaps = np.linalg.norm(np.diff(middle[:, :2], axis=0), axis=1)
    np.testing.assert_allclose(gaps, 2_000.0, rtol=0.02)


def test_lanes_stay_apart_to_the_end_without_a_target():
    raid = build_raid(scenario(group(count=3, lanes=3, lane_spacing_m=2_000.0)), FRAME)
    ends = np.array([enu_at(raid, raid.launch_time_s[r] + raid.flight_time_s[r], [r])[0]
                     for r in range(3)])
    gaps = np.linalg.norm(np.diff(ends[:, :2], axis=0), axis=1)
    np.testing.assert_allclose(gaps, 2_000.0, rtol=0.02)
    np.testing.assert_array_equal(raid.target_asset, [-1, -1, -1])


def test_altitudes_are_above_the_ground_elevation():
    raid = build_raid(scenario(group(), ground_elevation_m=900.0), FRAME)
    _, _, start_alt = raid.geodetic_at(0.0, np.array([0]))
    _, _, end_alt = raid.geodetic_at(1e6, np.array([0]))
    assert start_alt[0] == pytest.approx(1_000.0, abs=1e-6)
    assert end_alt[0] == pytest.approx(950.0, abs=1e-6)


def test_groups_with_routes_of_different_lengths_each_keep_their_own_path():
    short = group("short", route=[ROUTE[0], ROUTE[1]], speed_mps=200.0)
    raid = build_raid(scenario(group(), short), FRAME)
    leg = np.linalg.norm(waypoint_enu(ROUTE[1]) - waypoint_enu(ROUTE[0]))
    assert raid.flight_time_s[1] == pytest.approx(leg / 200.0, rel=1e-3)
    np.testing.assert_allclose(enu_at(raid, 1e6, [1])[0], waypoint_enu(ROUTE[1]), atol=0.5)
    np.testing.assert_allclose(enu_at(raid, 1e6, [0])[0], waypoint_enu(ROUTE[2]), atol=0.5)


def test_geodetic_at_follows_the_order_of_the_rows_asked_for():
    raid = build_raid(scenario(group(count=4, spacing_s=30.0)), FRAME)
    every = np.stack(raid.geodetic_at(200.0), axis=1)
    assert every.shape == (4, 3)
    some = np.stack(raid.geodetic_at(200.0, np.array([3, 0, 2])), axis=1)
    np.testing.assert_array_equal(some, every[[3, 0, 2]])
    assert len({tuple(row) for row in every}) == 4  # staggered launches: distinct positions


def test_same_scenario_same_raid_and_queries_leave_it_unchanged():
    scenario_ = scenario(group(count=5, spacing_s=3.0, lanes=2, lane_spacing_m=500.0),
                         group("drones", kind="drone", count=2, speed_mps=40.0))
    first, second = build_raid(scenario_, FRAME), build_raid(scenario_, FRAME)
    paths = {field.name: getattr(first, field.name).copy() for field in dataclasses.fields(Raid)
             if isinstance(getattr(first, field.name), np.ndarray)}
    for name, values in paths.items():
        np.testing.assert_array_equal(getattr(second, name), values, err_msg=name)
    rows = np.array([4, 1])
    first.geodetic_at(60.0, rows)
    first.geodetic_at(1e6)
    np.testing.assert_array_equal(rows, [4, 1])
    for name, values in paths.items():
        np.testing.assert_array_equal(getattr(first, name), values, err_msg=name)


def test_a_scenario_without_threats_gives_an_empty_raid():
    raid = build_raid(scenario(), FRAME)
    assert raid.size == 0
    lat, lon, alt = raid.geodetic_at(10.0)
    assert lat.shape == lon.shape == alt.shape == (0,)


def test_geodetic_at_interpolates_every_path_table_like_numpy_interp():
    """The compiled bisection against np.interp on each row, with padded rows (routes of
    different lengths, a ballistic salvo's dense table), before launch, in flight and after
    arrival."""
    ballistic = {"name": "srbm", "kind": "ballistic_missile", "rcs_m2": 0.3, "count": 2,
                 "spacing_s": 40.0, "launch": {"lat_deg": 38.2, "lon_deg": 34.0},
                 "target": "base", "apogee_km": 60.0}
    short = group("short", route=[ROUTE[0], ROUTE[1]], speed_mps=200.0, start_s=30.0)
    raid = build_raid(scenario(group(count=3, spacing_s=50.0), short, ballistic), FRAME)
    assert raid.path_time_s.shape[1] > 50  # the ballistic table pads the waypoint rows
    for time_s in (0.0, 10.0, 77.7, 140.0, 333.3, 900.0, 5_000.0):
        lat, lon, alt = raid.geodetic_at(time_s)
        for row in range(raid.size):
            since = time_s - raid.launch_time_s[row]
            table = raid.path_time_s[row]
            for got, column in ((lat, raid.path_lat_deg), (lon, raid.path_lon_deg),
                                (alt, raid.path_alt_m)):
                expected = np.interp(since, table, column[row])
                assert got[row] == pytest.approx(expected, rel=1e-12, abs=1e-9), (time_s, row)
