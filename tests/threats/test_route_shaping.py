"""Flyable waypoint paths: turn arcs at corners, time along the path, pop-up and weave.

Routes are built in the test; geometry is measured in the scenario ENU frame
(``LocalFrame.to_enu``), not through the shaping module's own flat-earth factors.
"""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.errors import ScenarioError
from iadsim.scenario import scenario_from_dict
from iadsim.threats.raid import build_raid
from iadsim.threats.route_shaping import TerminalManoeuvre, shape_route
from iadsim.world.geodesy import LocalFrame

FRAME = LocalFrame(40.0, 33.0, 0.0)
# A right-angle corner: 40 km east, then 40 km north, at 60 m.
ROUTE = [{"lat_deg": 40.0, "lon_deg": 32.53, "altitude_m": 60.0},
         {"lat_deg": 40.0, "lon_deg": 33.0, "altitude_m": 60.0},
         {"lat_deg": 40.36, "lon_deg": 33.0, "altitude_m": 60.0}]


def raid_of(**fields):
    group = {"name": "cm", "kind": "cruise_missile", "rcs_m2": 0.1, "speed_mps": 250.0,
             "route": ROUTE, **fields}
    return build_raid(scenario_from_dict({
        "name": "shaping", "origin": {"lat_deg": 40.0, "lon_deg": 33.0},
        "sim": {"duration_s": 3_600.0}, "threats": [group]}), FRAME)


def path_enu(raid, row: int = 0) -> np.ndarray:
    return FRAME.to_enu(raid.path_lat_deg[row], raid.path_lon_deg[row], raid.path_alt_m[row])


def fit_circle(points: np.ndarray) -> tuple[np.ndarray, float]:
    """Least-squares circle (Kasa fit) through 2-D points: centre and radius."""
    a = np.column_stack([2 * points[:, 0], 2 * points[:, 1], np.ones(len(points))])
    b = (points**2).sum(axis=1)
    cx, cy, c = np.linalg.lstsq(a, b, rcond=None)[0]
    return np.array([cx, cy]), float(np.sqrt(c + cx**2 + cy**2))


@pytest.mark.parametrize("turn_rate_deg_s", [2.0, 6.0])
def test_a_corner_becomes_an_arc_of_radius_speed_over_turn_rate(turn_rate_deg_s):
    raid = raid_of(max_turn_rate_deg_s=turn_rate_deg_s)
    enu = path_enu(raid)[:, :2]
    radius = 250.0 / np.radians(turn_rate_deg_s)
    corner = FRAME.to_enu(40.0, 33.0, 60.0)[:2]
    # The straight legs have no inner vertices: everything between the ends is the arc.
    arc = enu[1:-1]
    assert len(arc) >= 30  # 90 degrees drawn every 3 degrees at most
    centre, fitted = fit_circle(arc)
    assert fitted == pytest.approx(radius, rel=2e-3)
    # Tangent to both legs: the centre sits one radius from each.
    np.testing.assert_allclose(corner - centre, [radius, -radius], rtol=0, atol=0.01 * radius)
    # The path never passes the corner itself (no instant turn).
    assert np.linalg.norm(enu - corner, axis=1).min() > 0.4 * radius


def test_time_along_the_shaped_path_matches_the_speed():
    raid = raid_of(max_turn_rate_deg_s=3.0)
    flight = raid.flight_time_s[0]
    times = np.arange(0.0, flight, 1.0)
    positions = np.array([FRAME.to_enu(*raid.geodetic_at(t, np.array([0])))[0] for t in times])
    speeds = np.linalg.norm(np.diff(positions, axis=0), axis=1)
    np.testing.assert_allclose(speeds, 250.0, rtol=2e-3)
    # Lateral acceleration on the arc: v^2 / r = v w (within the chord approximation).
    velocity = np.diff(positions, axis=0)
    accel = np.linalg.norm(np.diff(velocity, axis=0), axis=1)
    assert accel.max() == pytest.approx(250.0 * np.radians(3.0), rel=0.05)


def test_popup_climbs_to_its_height_then_dives_onto_the_last_waypoint():
    raid = raid_of(terminal_manoeuvre="popup", terminal_range_km=9.0, popup_altitude_m=1_500.0)
    enu = path_enu(raid)
    end = FRAME.to_enu(40.36, 33.0, 60.0)
    distance = np.linalg.norm(enu[:, :2] - end[:2], axis=1)
    heights = raid.path_alt_m[0]
    assert heights[distance > 9_000.0 + 1.0].max() == pytest.approx(60.0, abs=1e-6)
    apex = heights.argmax()
    assert heights[apex] == pytest.approx(1_500.0)
    assert distance[apex] == pytest.approx(3_000.0, rel=5e-3)
    assert heights[-1] == pytest.approx(60.0)
    # Sampled in time: climbing then diving at the group's speed along the 3-D path.
    times = raid.flight_time_s[0] - np.array([30.0, 20.0, 10.0, 0.0])
    heights_t = [raid.geodetic_at(t, np.array([0]))[2][0] for t in times]
    assert heights_t[0] < heights_t[1] and heights_t[2] > heights_t[3] == pytest.approx(60.0)


@pytest.mark.parametrize("amplitude_m, period_s", [(200.0, 20.0), (500.0, 30.0)])
def test_weave_offsets_the_last_stretch_sideways_by_its_amplitude(amplitude_m, period_s):
    raid = raid_of(terminal_manoeuvre="weave", terminal_range_km=20.0,
                   weave_amplitude_m=amplitude_m, weave_period_s=period_s)
    enu = path_enu(raid)
    end = FRAME.to_enu(40.36, 33.0, 60.0)
    lateral = enu[:, 0] - end[0]  # the last leg runs due north
    stretch = (end[1] - enu[:, 1] < 20_000.0 - 1.0)
    assert np.abs(lateral[stretch]).max() == pytest.approx(amplitude_m, rel=0.01)
    assert lateral[stretch].min() < -0.9 * amplitude_m < 0.9 * amplitude_m < lateral.max()
    # Sign changes: one per half-period, the period rounded to fit the stretch.
    half_periods = round(2 * 20_000.0 / (250.0 * period_s))
    signs = np.sign(lateral[stretch][np.abs(lateral[stretch]) > 1.0])
    assert (np.diff(signs) != 0).sum() == half_periods - 1
    np.testing.assert_allclose(enu[-1], end, atol=0.5)  # still arrives on the waypoint


def test_nearly_straight_waypoints_are_kept_and_tight_legs_tighten_the_arc():
    lat = np.array([40.0, 40.0, 40.0])
    lon = np.array([32.0, 32.5, 33.0 + 1e-6])
    out_lat, out_lon, _, speeds = shape_route(lat, lon, np.zeros(3), np.full(2, 200.0),
                                              np.radians(3.0))
    np.testing.assert_array_equal(out_lon, lon)
    np.testing.assert_array_equal(speeds, [200.0, 200.0])
    # Two 1 km legs at right angles: the 3.8 km arc would not fit; the tangent is 500 m.
    lat = np.array([40.0, 40.0, 40.009])
    lon = np.array([32.988, 33.0, 33.0])
    out_lat, out_lon, _, _ = shape_route(lat, lon, np.zeros(3), np.full(2, 200.0),
                                         np.radians(3.0))
    enu = FRAME.to_enu(out_lat, out_lon, 0.0)[:, :2]
    corner = FRAME.to_enu(40.0, 33.0, 0.0)[:2]
    assert np.linalg.norm(enu[1] - corner) == pytest.approx(500.0, rel=0.01)


def test_terminal_manoeuvre_fields_are_checked():
    with pytest.raises(ScenarioError, match="terminal_manoeuvre weave needs weave_period_s"):
        raid_of(terminal_manoeuvre="weave", terminal_range_km=5.0, weave_amplitude_m=100.0)
    with pytest.raises(ScenarioError, match="popup_altitude_m does not apply to "
                       "terminal_manoeuvre weave"):
        raid_of(terminal_manoeuvre="weave", terminal_range_km=5.0, weave_amplitude_m=100.0,
                weave_period_s=10.0, popup_altitude_m=500.0)
    with pytest.raises(ScenarioError, match="terminal_range_km does not apply to "
                       "terminal_manoeuvre none"):
        raid_of(terminal_range_km=5.0)
    with pytest.raises(ScenarioError, match="max_turn_rate_deg_s and terminal_manoeuvre are for"):
        build_raid(scenario_from_dict({
            "name": "x", "origin": {"lat_deg": 40.0, "lon_deg": 33.0},
            "sim": {"duration_s": 100.0},
            "threats": [{"name": "b", "kind": "ballistic_missile", "rcs_m2": 0.1,
                         "launch": {"lat_deg": 39.0, "lon_deg": 33.0},
                         "impact": {"lat_deg": 40.0, "lon_deg": 33.0}, "apogee_km": 50.0,
                         "max_turn_rate_deg_s": 3.0}]}), FRAME)


def test_shape_route_keeps_its_inputs():
    lat, lon, alt = np.array([40.0, 40.0, 40.3]), np.array([32.0, 32.5, 33.0]), np.zeros(3)
    speeds = np.full(2, 250.0)
    copies = [a.copy() for a in (lat, lon, alt, speeds)]
    shape_route(lat, lon, alt, speeds, np.radians(4.0),
                TerminalManoeuvre("weave", 10_000.0, 0.0, 100.0, 20.0))
    for original, copy in zip((lat, lon, alt, speeds), copies, strict=True):
        np.testing.assert_array_equal(original, copy)
