"""Ballistic threats in a raid: apogee, boost, the ground track, the impact point.

The flight itself (boost, Keplerian arc, re-entry drag) is checked against closed forms in
tests/validation/test_ballistic_references.py; here the raid's path tables are checked
against the scenario's own inputs, in the scenario ENU frame.
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
def test_the_path_peaks_at_the_requested_apogee_and_climbs_then_falls(apogee_km):
    raid = raid_of(apogee_km=apogee_km)
    launch, flight = raid.launch_time_s[0], raid.flight_time_s[0]
    since = np.linspace(0.0, flight, 2_001)
    heights = altitudes_m(raid, 0, launch + since)
    apogee = apogee_km * 1e3
    # The table is sampled every 2 s near the top: at most g (1 s)^2 / 2 below the peak.
    assert apogee - 6.0 < heights.max() <= apogee + 1.0
    top = heights.argmax()
    assert (np.diff(heights[:top]) >= 0).all() and (np.diff(heights[top:]) <= 0).all()
    # Slower than the drag-free parabola's 2 sqrt(2 H / g) (boost and drag), not wildly.
    parabola_s = 2 * np.sqrt(2 * apogee / 9.80665)
    assert parabola_s < flight < 1.6 * parabola_s


def test_it_lands_on_its_target_along_the_great_circle():
    raid = raid_of(apogee_km=80.0)
    launch, flight = raid.launch_time_s[0], raid.flight_time_s[0]
    start = FRAME.to_enu(LAUNCH["lat_deg"], LAUNCH["lon_deg"], 0.0)
    aim = FRAME.to_enu(ASSET["lat_deg"], ASSET["lon_deg"], 0.0)
    along = (aim - start)[:2] / np.linalg.norm((aim - start)[:2])
    downrange = []
    for fraction in np.linspace(0.0, 1.0, 21):
        lat, lon, _ = raid.geodetic_at(launch + fraction * flight, np.array([0]))
        ground = FRAME.to_enu(lat, lon, 0.0)[0]
        offset = ground[:2] - start[:2]
        # A great circle, not the ENU chord: within a few hundred metres of it at 250 km.
        assert abs(offset @ np.array([-along[1], along[0]])) < 300.0, fraction
        downrange.append(offset @ along)
    assert (np.diff(downrange) > 0).all()
    lat, lon, landed = raid.geodetic_at(launch + flight, np.array([0]))
    assert landed[0] == pytest.approx(0.0, abs=1e-6)
    assert np.linalg.norm(FRAME.to_enu(lat, lon, 0.0)[0][:2] - aim[:2]) < 1.0


def test_an_explicit_impact_point_overrides_the_target():
    impact = {"lat_deg": 39.5, "lon_deg": 33.2, "altitude_m": 0.0}
    raid = raid_of(apogee_km=60.0, impact=impact)
    lat, lon, _ = raid.geodetic_at(1e6, np.array([0]))
    landed = FRAME.to_enu(lat, lon, 0.0)[0]
    np.testing.assert_allclose(landed[:2], FRAME.to_enu(39.5, 33.2, 0.0)[:2], atol=1.0)


def test_launch_and_impact_sit_on_the_elevated_ground():
    raid = raid_of(ground_elevation_m=900.0, apogee_km=50.0)
    launch, flight = raid.launch_time_s[0], raid.flight_time_s[0]
    heights = altitudes_m(raid, 0, launch + np.linspace(0.0, flight, 2_001))
    assert heights[0] == pytest.approx(900.0, abs=1e-6)
    assert heights[-1] == pytest.approx(900.0, abs=1e-6)
    assert 50_900.0 - 6.0 < heights.max() <= 50_901.0


def test_a_launch_angle_lofts_the_trajectory_as_it_steepens():
    """The angle is the programmed thrust pitch; a steeper one flies higher and longer."""
    raids = [raid_of(launch_angle_deg=angle) for angle in (30.0, 45.0, 60.0)]
    apogees = [altitudes_m(r, 0, np.linspace(0.0, r.flight_time_s[0], 2_001)).max()
               for r in raids]
    flights = [r.flight_time_s[0] for r in raids]
    assert apogees[0] < apogees[1] < apogees[2] and flights[0] < flights[1] < flights[2]
    # The flat-earth parabola of the same angle, R tan(angle) / 4, is the right order.
    flat = ground_range_m(LAUNCH, ASSET) * np.tan(np.radians(45.0)) / 4.0
    assert 0.8 * flat < apogees[1] < 1.4 * flat


def test_burn_time_and_ballistic_coefficient_come_from_the_group():
    """A longer burn at the same apogee flies the same ground range more slowly at first;
    a lower ballistic coefficient loses more speed in re-entry and lands later."""
    base = raid_of(apogee_km=80.0)
    long_burn = raid_of(apogee_km=80.0, burn_time_s=90.0)
    draggy = raid_of(apogee_km=80.0, ballistic_coefficient_kg_m2=2_000.0)
    early = np.array([0.0, 20.0])
    climb = [altitudes_m(r, 0, early)[1] for r in (base, long_burn)]
    assert climb[1] < climb[0]
    assert draggy.flight_time_s[0] > base.flight_time_s[0] + 5.0


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
