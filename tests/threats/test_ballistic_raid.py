"""Ballistic threats in a raid: the parabola's apogee, the ground track, the impact point.

For launch and impact at the same altitude a drag-free parabola of apogee ``H`` and flight
time ``T`` is ``h(t) = 4 H t (T - t) / T^2``, whatever the gravity constant; the tests
compare the raid against that form rather than against the raid's own formula.
"""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.scenario import scenario_from_dict
from iadsim.threats.raid import build_raid
from iadsim.world.geodesy import LocalFrame

ORIGIN_LAT, ORIGIN_LON = 39.9, 32.85
FRAME = LocalFrame(ORIGIN_LAT, ORIGIN_LON, 0.0)
LAUNCH = {"lat_deg": 38.0, "lon_deg": 33.5}
ASSET = {"name": "city", "lat_deg": 39.9, "lon_deg": 32.85, "value": 10.0, "height_m": 0.0}


def raid_of(ground_elevation_m: float = 0.0, **fields):
    group = {"name": "srbm", "kind": "ballistic_missile", "rcs_m2": 0.5, "launch": LAUNCH,
             "target": "city", **fields}
    scenario = scenario_from_dict({
        "name": "ballistic-test",
        "origin": {"lat_deg": ORIGIN_LAT, "lon_deg": ORIGIN_LON,
                   "ground_elevation_m": ground_elevation_m},
        "sim": {"duration_s": 3_600.0},
        "defended_assets": [ASSET],
        "threats": [group],
    })
    return build_raid(scenario, FRAME)


def ground_range_m(a: dict, b: dict) -> float:
    return float(np.linalg.norm(FRAME.to_enu(a["lat_deg"], a["lon_deg"], 0.0)
                                - FRAME.to_enu(b["lat_deg"], b["lon_deg"], 0.0)))


def altitudes_m(raid, row: int, times_s: np.ndarray) -> np.ndarray:
    return np.array([raid.geodetic_at(t, np.array([row]))[2][0] for t in times_s])


@pytest.mark.parametrize("apogee_km", [40.0, 120.0])
def test_altitude_follows_the_parabola_with_the_requested_apogee(apogee_km):
    raid = raid_of(apogee_km=apogee_km)
    launch, flight = raid.launch_time_s[0], raid.flight_time_s[0]
    since = np.linspace(0.0, flight, 101)
    heights = altitudes_m(raid, 0, launch + since)
    apogee = apogee_km * 1e3
    np.testing.assert_allclose(heights, 4 * apogee * since * (flight - since) / flight**2,
                               atol=1e-6 * apogee)
    assert heights.max() == pytest.approx(apogee, rel=1e-6)
    # Drag-free flight time: twice the time to fall from the apogee.
    assert flight == pytest.approx(2 * np.sqrt(2 * apogee / 9.80665), rel=1e-6)


def test_it_lands_on_its_target_and_its_ground_track_is_straight_and_uniform():
    raid = raid_of(apogee_km=80.0)
    launch, flight = raid.launch_time_s[0], raid.flight_time_s[0]
    start = FRAME.to_enu(LAUNCH["lat_deg"], LAUNCH["lon_deg"], 0.0)
    aim = FRAME.to_enu(ASSET["lat_deg"], ASSET["lon_deg"], 0.0)
    total = np.linalg.norm(aim[:2] - start[:2])
    for fraction in (0.0, 0.25, 0.5, 0.75, 1.0):
        lat, lon, _ = raid.geodetic_at(launch + fraction * flight, np.array([0]))
        ground = FRAME.to_enu(lat, lon, 0.0)[0]
        expected = start + fraction * (aim - start)
        # Linear in latitude/longitude, not a great circle: a fraction of a percent off.
        assert np.linalg.norm(ground[:2] - expected[:2]) < 5e-3 * total, fraction
    _, _, landed = raid.geodetic_at(launch + flight, np.array([0]))
    assert landed[0] == pytest.approx(0.0, abs=1e-6)


def test_an_explicit_impact_point_overrides_the_target():
    impact = {"lat_deg": 39.5, "lon_deg": 33.2, "altitude_m": 0.0}
    raid = raid_of(apogee_km=60.0, impact=impact)
    lat, lon, _ = raid.geodetic_at(1e6, np.array([0]))
    landed = FRAME.to_enu(lat, lon, 0.0)[0]
    np.testing.assert_allclose(landed[:2], FRAME.to_enu(39.5, 33.2, 0.0)[:2], atol=1.0)


def test_launch_and_impact_sit_on_the_elevated_ground():
    raid = raid_of(ground_elevation_m=900.0, apogee_km=50.0)
    launch, flight = raid.launch_time_s[0], raid.flight_time_s[0]
    heights = altitudes_m(raid, 0, launch + np.array([0.0, flight / 2, flight]))
    np.testing.assert_allclose(heights, [900.0, 50_900.0, 900.0], atol=1e-3)


@pytest.mark.parametrize("angle_deg", [30.0, 45.0])
def test_a_launch_angle_sets_the_apogee_from_the_range(angle_deg):
    raid = raid_of(launch_angle_deg=angle_deg)
    since = np.linspace(0.0, raid.flight_time_s[0], 201)
    apogee = altitudes_m(raid, 0, raid.launch_time_s[0] + since).max()
    expected = ground_range_m(LAUNCH, ASSET) * np.tan(np.radians(angle_deg)) / 4.0
    assert apogee == pytest.approx(expected, rel=1e-3)


def test_a_salvo_launches_at_start_plus_k_spacing_along_one_trajectory():
    raid = raid_of(apogee_km=70.0, count=4, start_s=300.0, spacing_s=15.0)
    np.testing.assert_allclose(raid.launch_time_s, 300.0 + 15.0 * np.arange(4))
    assert raid.is_ballistic.all() and (raid.target_asset == 0).all()
    np.testing.assert_allclose(raid.flight_time_s, raid.flight_time_s[0])
    for row in range(4):
        np.testing.assert_allclose(
            altitudes_m(raid, row, raid.launch_time_s[row] + np.array([10.0, 90.0])),
            altitudes_m(raid, 0, raid.launch_time_s[0] + np.array([10.0, 90.0])))


def test_ballistic_lanes_spread_the_launch_points_sideways():
    raid = raid_of(apogee_km=80.0, count=3, lanes=3, lane_spacing_m=1_500.0)
    lat, lon, _ = raid.geodetic_at(0.0)
    starts = FRAME.to_enu(lat, lon, np.zeros(3))
    start = FRAME.to_enu(LAUNCH["lat_deg"], LAUNCH["lon_deg"], 0.0)
    aim = FRAME.to_enu(ASSET["lat_deg"], ASSET["lon_deg"], 0.0)
    along = (aim - start)[:2] / np.linalg.norm((aim - start)[:2])
    left = np.array([-along[1], along[0]])
    cross = (starts[:, :2] - start[:2]) @ left
    np.testing.assert_allclose(np.abs(cross), [1_500.0, 0.0, 1_500.0], rtol=0.02, atol=30.0)
    assert cross[0] * cross[2] < 0  # on both sides of the nominal launch point
    np.testing.assert_allclose((starts[:, :2] - start[:2]) @ along, 0.0, atol=30.0)


def test_ballistic_lanes_converge_on_the_target_when_the_group_has_one():
    raid = raid_of(apogee_km=80.0, count=2, lanes=2, lane_spacing_m=1_500.0)
    aim = FRAME.to_enu(ASSET["lat_deg"], ASSET["lon_deg"], 0.0)
    for row in range(2):
        lat, lon, _ = raid.geodetic_at(1e6, np.array([row]))
        landed = FRAME.to_enu(lat, lon, 0.0)[0]
        assert np.linalg.norm(landed[:2] - aim[:2]) < 1.0
