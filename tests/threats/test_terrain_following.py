"""Terrain following: a drone flying its clearance over the ridge DEM climbs before the
crest within its climb rate, tracks the ground plus clearance where the ground allows, is
seen later by a radar behind the ridge than the same drone at a constant altitude, and
without a DEM flies exactly as before."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml

import iadsim
from iadsim.analysis.summary import threat_fates
from iadsim.errors import ScenarioError
from iadsim.scenario import scenario_from_dict
from iadsim.threats.raid import build_raid
from iadsim.threats.terrain_following import DEFAULT_CLIMB_RATE_MPS, follow_terrain, ride_line
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import load_terrain
from ridge_builder import RIDGE_PATH, ridge_scenario

pytest.importorskip("rasterio", reason="the terrain extra (rasterio) is absent")

RIDGE_DRONE = Path(__file__).parents[1] / "data" / "terrain" / "ridge-drone.yaml"
CLEARANCE_M = 100.0


def drone_document(terrain_following: bool, altitude_m: float = CLEARANCE_M,
                   **group_fields) -> dict:
    """ridge-drone.yaml: a 100 m/s drone flying due south over the crest toward a radar 22
    km south of it, at ``altitude_m`` (a clearance when it follows the terrain)."""
    document = yaml.safe_load(RIDGE_DRONE.read_text())
    group = document["threats"][0]
    for point in group["route"]:
        point["altitude_m"] = altitude_m
    group.update(group_fields)
    if terrain_following:
        group["terrain_following"] = True
    return document


def sampled_flight(scenario, step_s: float = 1.0):
    """The drone's latitude, longitude, altitude (m) each ``step_s`` along its flight."""
    raid = build_raid(scenario, LocalFrame(39.8, 33.0, 0.0))
    times = np.arange(0.0, raid.flight_time_s[0], step_s)
    samples = [raid.geodetic_at(t, np.array([0])) for t in times]
    return times, *(np.array([s[k][0] for s in samples]) for k in range(3))


def test_the_ride_line_is_the_lowest_rate_limited_profile_above_the_wanted_one():
    time_s = np.arange(0.0, 100.0, 1.0)
    wanted = np.where(np.abs(time_s - 50.0) < 3.0, 300.0, 0.0) + 20.0
    flown = ride_line(time_s, wanted, 10.0)
    assert (flown >= wanted - 1e-9).all()
    assert np.abs(np.diff(flown)).max() <= 10.0 + 1e-9
    # The block (t = 48-52 s) is 300 m up: at 10 m/s the climb starts 30 s before it and
    # the descent ends 30 s after it; elsewhere the profile is the wanted one.
    assert flown[:19].tolist() == [20.0] * 19 and flown[82:].tolist() == [20.0] * 18
    assert flown[28] == pytest.approx(120.0) and flown[72] == pytest.approx(120.0)
    assert flown[48:53].tolist() == [320.0] * 5


@pytest.mark.parametrize("climb_rate_mps", [None, 60.0])
def test_the_drone_rides_the_dem_plus_its_clearance_within_its_climb_rate(climb_rate_mps):
    """Sampled each second: never below the ground plus clearance (3 m: straight between
    path samples a quarter DEM cell apart, under the Gaussian crest's curvature), climbing and
    diving within the rate; 9 km and more from the crest (past the 8 km climb or dive at
    5 m/s), and everywhere with a climb rate above the ridge's steepest (30 m/s at
    100 m/s), at the ground plus clearance within 5 m."""
    fields = {} if climb_rate_mps is None else {"max_climb_rate_mps": climb_rate_mps}
    scenario = ridge_scenario(drone_document(True, **fields))
    _, lat, lon, alt = sampled_flight(scenario)
    ground = load_terrain(RIDGE_PATH).elevation_at(lat, lon)
    above = alt - ground - CLEARANCE_M
    rate = climb_rate_mps or DEFAULT_CLIMB_RATE_MPS["drone"]
    assert above.min() > -3.0
    assert np.abs(np.diff(alt)).max() <= rate + 1e-6
    crest_distance_m = np.abs(lat - 40.0) * 111_195.0
    far = crest_distance_m > 9_000.0
    assert far.sum() > 200 and np.abs(above[far]).max() < 5.0
    assert alt.max() == pytest.approx(400.0 + CLEARANCE_M, abs=3.0)  # over the crest
    if climb_rate_mps is None:
        # 5 m/s at 100 m/s: the 400 m climb starts some 8 km before the crest.
        assert above[np.abs(crest_distance_m - 4_000.0) < 60.0].min() > 150.0
    else:
        assert np.abs(above).max() < 5.0


def test_without_a_dem_terrain_following_changes_nothing():
    smooth = build_raid(ridge_scenario(drone_document(False), terrain=False),
                        LocalFrame(39.8, 33.0, 0.0))
    following = build_raid(ridge_scenario(drone_document(True), terrain=False),
                           LocalFrame(39.8, 33.0, 0.0))
    for name in ("path_lat_deg", "path_lon_deg", "path_alt_m", "path_time_s",
                 "flight_time_s"):
        np.testing.assert_array_equal(getattr(smooth, name), getattr(following, name))


def test_a_terrain_following_drone_is_first_detected_later_than_one_at_a_constant_altitude():
    """The radar stands 22 km south of the crest; the drone comes from the north. At a
    constant 500 m (the crest plus the clearance) it is seen about 5.5 km beyond the crest
    (27.7 km from the radar: tests/world/test_terrain.py); following the terrain at 100 m
    it stays under the ridge's grazing line until it has climbed to within about 1.5 km of
    the crest (seed 5: 23.7 km from the radar, some 40 s later)."""
    constant = ridge_scenario(drone_document(False, altitude_m=500.0))
    following = ridge_scenario(drone_document(True))
    first = {}
    for label, scenario in (("constant", constant), ("following", following)):
        events = iadsim.run(scenario).events
        detections = events[events["kind"] == "detection"]
        first[label] = detections.iloc[0]
    assert 26_000 < first["constant"]["north_m"] < 29_000
    assert 22_200 < first["following"]["north_m"] < first["constant"]["north_m"] - 3_000
    assert first["following"]["time_s"] > first["constant"]["time_s"] + 30.0


def test_bad_terrain_following_fields_are_one_clear_line():
    document = drone_document(False, max_climb_rate_mps=10.0)
    with pytest.raises(ScenarioError, match="max_climb_rate_mps applies to terrain_following"):
        scenario_from_dict(document)
    ballistic = copy.deepcopy(drone_document(False))
    ballistic["threats"] = [{"name": "tbm", "kind": "ballistic_missile", "rcs_m2": 0.5,
                             "launch": {"lat_deg": 40.2, "lon_deg": 33.0},
                             "target": "depot", "apogee_km": 30.0,
                             "terrain_following": True}]
    with pytest.raises(ScenarioError, match="terrain_following is for waypoint threats"):
        scenario_from_dict(ballistic)


def lifted(start_north_m: float, climb_rate_mps: float):
    """A 100 m/s path at 100 m clearance from ``start_north_m`` north of the crest due
    south to 39.8 N, lifted onto the ridge: latitude, altitude (m), time (s) at the
    vertices, the ground under them and whether it ends in the ground."""
    lat = np.array([40.0 + start_north_m / 111_195.0, 39.8])
    lon = np.array([33.0, 33.0])
    path_lat, path_lon, alt, speed, crashed = follow_terrain(
        lat, lon, np.array([CLEARANCE_M, CLEARANCE_M]), np.array([100.0]),
        load_terrain(RIDGE_PATH), 0.0, climb_rate_mps)
    length = np.hypot(np.diff(path_lat) * 111_195.0,
                      np.diff(path_lon) * 85_180.0)
    time_s = np.concatenate([[0.0], np.cumsum(length / speed)])
    ground = load_terrain(RIDGE_PATH).elevation_at(path_lat, path_lon)
    return path_lat, alt, time_s, ground, crashed


@pytest.mark.parametrize("start_north_m, climb_rate_mps", [(10_000.0, 5.0), (5_000.0, 10.0)])
def test_launched_far_enough_it_climbs_early_and_crests_at_its_clearance(start_north_m,
                                                                         climb_rate_mps):
    """The 400 m climb takes 8 km at 5 m/s and 4 km at 10 m/s (100 m/s): launched 10 km
    and 5 km before the crest, the threat leaves at its clearance, climbs within its rate
    and crosses the crest at 100 m above it (a path sample within 3 m)."""
    _, alt, time_s, ground, crashed = lifted(start_north_m, climb_rate_mps)
    assert not crashed
    assert alt[0] == pytest.approx(ground[0] + CLEARANCE_M, abs=1e-6)
    assert (np.abs(np.diff(alt)) <= climb_rate_mps * np.diff(time_s) + 1e-6).all()
    assert (alt - ground).min() > CLEARANCE_M - 3.0
    assert alt.max() == pytest.approx(400.0 + CLEARANCE_M, abs=3.0)


def test_launched_too_near_a_rise_it_climbs_from_launch_and_flies_into_it():
    """Launched 1.5 km before the crest (ground 71 m) at 5 m/s: before, the profile left
    the launch point 254 m above it (425 m, the climb it needed taken before launch).
    Now it leaves at its clearance (171 m), climbs at 5 m/s from launch (under its
    clearance as the ground rises faster) and flies into the north slope 5.5 s later,
    0.95 km short of the crest at 199 m: the path ends there, flagged, on the ground."""
    path_lat, alt, time_s, ground, crashed = lifted(1_500.0, 5.0)
    assert crashed
    assert alt[0] == pytest.approx(ground[0] + CLEARANCE_M, abs=1e-6)
    np.testing.assert_allclose(alt, alt[0] + 5.0 * time_s, atol=0.1)  # the full climb
    assert alt[-1] == pytest.approx(ground[-1], abs=0.5)  # ends on the ground
    crest_distance_m = (path_lat[-1] - 40.0) * 111_195.0
    assert 900.0 < crest_distance_m < 1_000.0 and 195.0 < alt[-1] < 205.0
    # At 10 m/s the same launch still cannot climb 330 m in 15 s.
    assert lifted(1_500.0, 10.0)[4]
    # And 5 km out at 5 m/s (a 400 m climb in 50 s allows 250 m) neither.
    assert lifted(5_000.0, 5.0)[4]


def test_a_threat_that_flies_into_the_ridge_is_lost_there():
    """End to end (ridge-drone.yaml launched 1.5 km north of the crest): one ground_impact
    event for the drone on the north slope, its fate 'crashed'; no leak, and the radar
    behind the ridge never sees it."""
    document = drone_document(True)
    document["threats"][0]["route"][0]["lat_deg"] = 40.0 + 1_500.0 / 111_195.0
    run = iadsim.run(ridge_scenario(document))
    events = run.events
    impacts = events[events["kind"] == "ground_impact"]
    assert impacts["threat_id"].tolist() == [0]
    assert (impacts["interceptor_id"] == -1).all()
    assert 5.0 < float(impacts["value"].iloc[0]) < 6.0  # seconds after launch
    assert 900.0 < float(impacts["north_m"].iloc[0]) - 22_239.0 < 1_000.0  # from the crest
    assert not (events["kind"] == "leak").any()
    assert not (events["kind"] == "detection").any()
    assert threat_fates(events, run.threats).tolist() == ["crashed"]


@pytest.mark.parametrize("pull_up_g, crashes", [(None, False), (1.5, False), (1.2, True)])
def test_a_threat_that_cannot_pull_up_in_time_crashes(pull_up_g, crashes):
    """Launched 1.2 km north of the crest at 100 m clearance, climbing at up to 60 m/s: with
    the drone's default pull-up (None: DEFAULT_PULL_UP_G, 1.5 g, radius 2.0 km) or 1.5 g
    given, it clears the ridge; at 1.2 g (radius 5.1 km) it cannot bend its path up in
    time and flies into the north slope, 0.7-0.85 km short of the crest (end to end: fate
    'crashed', same seed same run)."""
    fields = {"max_climb_rate_mps": 60.0}
    if pull_up_g is not None:
        fields["max_pull_up_g"] = pull_up_g
    document = drone_document(True, **fields)
    document["threats"][0]["route"][0]["lat_deg"] = 40.0 + 1_200.0 / 111_195.0
    scenario = ridge_scenario(document)
    run = iadsim.run(scenario)
    fates = threat_fates(run.events, run.threats).tolist()
    assert (fates == ["crashed"]) is crashes
    if crashes:
        impacts = run.events[run.events["kind"] == "ground_impact"]
        assert 700.0 < float(impacts["north_m"].iloc[0]) - 22_239.0 < 850.0
        assert run.events.equals(iadsim.run(scenario).events)


@pytest.mark.parametrize("following, pull_up_g, expected", [
    (False, 2.0, "max_pull_up_g applies to terrain_following: true only"),
    (True, 1.0, "threats[0].max_pull_up_g"),
])
def test_a_bad_pull_up_limit_is_one_clear_line(following, pull_up_g, expected):
    document = drone_document(following, max_pull_up_g=pull_up_g)
    with pytest.raises(ScenarioError) as raised:
        scenario_from_dict(document)
    lines = raised.value.lines()
    assert len(lines) == 1 and expected in lines[0]
