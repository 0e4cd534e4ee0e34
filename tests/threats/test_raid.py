"""Raid expansion and trajectories: routes, groups, lanes, ballistic parabolas."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from iadsim.scenario import scenario_from_dict
from iadsim.scenario.loader import builtin_text
from iadsim.threats import ballistic
from iadsim.threats.raid import build_raid
from iadsim.world.geodesy import LocalFrame


@pytest.fixture(scope="module")
def layered():
    scenario = scenario_from_dict(yaml.safe_load(builtin_text("layered-defense")))
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg)
    return scenario, frame, build_raid(scenario, frame)


def rows_of(scenario, raid, name):
    group = [g.name for g in scenario.threats].index(name)
    return np.flatnonzero(raid.group_index == group)


def test_groups_expand_to_count_with_spaced_launches(layered):
    scenario, _, raid = layered
    assert raid.size == sum(g.count for g in scenario.threats)
    drones = rows_of(scenario, raid, "drone-wave")
    group = scenario.threats[[g.name for g in scenario.threats].index("drone-wave")]
    np.testing.assert_allclose(raid.launch_time_s[drones],
                               group.start_s + np.arange(group.count) * group.spacing_s)


def test_waypoint_threat_starts_and_ends_on_its_route_at_its_speed(layered):
    scenario, frame, raid = layered
    row = rows_of(scenario, raid, "cruise-missiles")[0]
    route = scenario.threats[1].route
    lat, lon, _ = raid.geodetic_at(raid.launch_time_s[row], np.array([row]))
    start = frame.to_enu(lat, lon, 0.0)
    lat, lon, _ = raid.geodetic_at(raid.launch_time_s[row] + raid.flight_time_s[row],
                                   np.array([row]))
    end = frame.to_enu(lat, lon, 0.0)
    target = frame.to_enu(route[-1].lat_deg, route[-1].lon_deg, 0.0)
    assert np.linalg.norm(end[0, :2] - target[:2]) < 1.0  # lanes converge on the target
    assert np.linalg.norm(start[0, :2] - target[:2]) > 100e3
    times = raid.launch_time_s[row] + np.array([100.0, 101.0])
    positions = np.array([frame.to_enu(*raid.geodetic_at(t, np.array([row])))[0] for t in times])
    assert np.linalg.norm(np.diff(positions, axis=0)) == pytest.approx(250.0, rel=0.02)


def test_lanes_spread_members_sideways(layered):
    scenario, frame, raid = layered
    rows = rows_of(scenario, raid, "drone-wave")[:3]  # three lanes, 600 m apart
    lat0, lon0, _ = raid.geodetic_at(raid.launch_time_s[rows], rows)
    starts = frame.to_enu(lat0, lon0, 0.0)
    gaps = np.linalg.norm(np.diff(starts[:, :2], axis=0), axis=1)
    np.testing.assert_allclose(gaps, 600.0, rtol=0.02)


def test_ballistic_missile_follows_its_parabola_and_lands_on_target(layered):
    scenario, frame, raid = layered
    row = rows_of(scenario, raid, "ballistic-salvo")[0]
    ground = scenario.origin.ground_elevation_m
    flight = raid.flight_time_s[row]
    launch = raid.launch_time_s[row]
    _, _, top = raid.geodetic_at(launch + raid.ballistic_up_speed_mps[row]
                                 / ballistic.STANDARD_GRAVITY_MPS2, np.array([row]))
    assert top[0] - ground == pytest.approx(85_000.0, rel=1e-6)
    lat, lon, alt = raid.geodetic_at(launch + flight, np.array([row]))
    asset = scenario.defended_assets[0]
    impact = frame.to_enu(lat, lon, 0.0)[0]
    aim = frame.to_enu(asset.lat_deg, asset.lon_deg, 0.0)
    assert np.linalg.norm(impact[:2] - aim[:2]) < 1.0
    assert alt[0] == pytest.approx(ground, abs=1e-6)
    assert 200.0 < flight < 400.0  # ~300 km at 85 km apogee


def test_positions_are_clamped_before_launch_and_after_arrival(layered):
    scenario, _, raid = layered
    row = rows_of(scenario, raid, "ballistic-salvo")[0]
    before = raid.geodetic_at(0.0, np.array([row]))
    at_launch = raid.geodetic_at(raid.launch_time_s[row], np.array([row]))
    after = raid.geodetic_at(1e6, np.array([row]))
    landed = raid.geodetic_at(raid.launch_time_s[row] + raid.flight_time_s[row],
                              np.array([row]))
    np.testing.assert_allclose(np.ravel(before), np.ravel(at_launch))
    np.testing.assert_allclose(np.ravel(after), np.ravel(landed))
