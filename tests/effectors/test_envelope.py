"""The kinematic envelope: tables flown with the flight model, and the intercept solution.

The tables must agree with flying the model itself at points between the grid nodes, and
the intercept time the battle manager reads from them must match a flown intercept.
"""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.effectors.batteries import interceptor_table
from iadsim.effectors.envelope import (
    envelopes,
    intercept_solution,
    launch_aim_point,
    stacked_tables,
    table_value,
)
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.scenario import scenario_from_dict

EARTH_RADIUS_M = 6_371_000.0


def types(**fields):
    missile = {"name": "sam", "profile": "medium-range-missile", "seeker_range_km": 0.0,
               "seeker_angle_noise_deg": 0.0, "aim_error_m": 0.0, **fields}
    scenario = scenario_from_dict({"name": "envelope-test",
                                   "origin": {"lat_deg": 40.0, "lon_deg": 33.0},
                                   "sim": {"duration_s": 600.0}, "interceptors": [missile]})
    return interceptor_table(scenario)


def fly_at(table, point_m, velocity_mps=(0.0, 0.0, 0.0), aim_m=None):
    """Fly one round at a target (the track is the truth); time and speed at the end."""
    point, velocity = np.asarray(point_m, dtype=float), np.asarray(velocity_mps, dtype=float)
    fleet = InterceptorFleet(table, np.random.default_rng(0), EARTH_RADIUS_M)
    aim = point if aim_m is None else aim_m
    fleet.launch(0.0, np.zeros(3), aim, 0, 0, 0, 0, point, velocity)
    for step in range(400):
        start = point + velocity * step * 0.5
        outcome = fleet.step(step * 0.5, 0.5, start[None], (start + velocity * 0.5)[None],
                             np.array([True]), np.ones(1), np.array([0]), start[None],
                             velocity[None])
        if outcome.interceptor_id.size:
            return outcome, float(np.linalg.norm(fleet.velocity_mps[0]))
    raise AssertionError("the round never resolved")


def on_sphere(ground_m: float, altitude_m: float) -> np.ndarray:
    angle = ground_m / EARTH_RADIUS_M
    radius = EARTH_RADIUS_M + altitude_m
    return np.array([radius * np.sin(angle), 1.0, radius * np.cos(angle) - EARTH_RADIUS_M])


@pytest.mark.parametrize("ground_m, altitude_m", [(6_100.0, 1_300.0), (13_700.0, 4_100.0),
                                                   (21_300.0, 7_900.0)])
def test_the_table_agrees_with_flying_the_model_between_grid_points(ground_m, altitude_m):
    """Bilinear time of flight within 3 % (and 0.5 s) of the flown one."""
    table = types()
    envelope = envelopes(table, EARTH_RADIUS_M)[0]
    predicted = table_value(envelope.time_of_flight_s, envelope.range_step_m,
                            envelope.altitude_step_m, ground_m, altitude_m)
    outcome, speed = fly_at(table, on_sphere(ground_m, altitude_m))
    assert outcome.miss_distance_m[0] < 1.0
    assert outcome.time_s[0] == pytest.approx(predicted, rel=0.03, abs=0.5)
    arrival = table_value(envelope.arrival_speed_mps, envelope.range_step_m,
                          envelope.altitude_step_m, ground_m, altitude_m)
    assert speed == pytest.approx(arrival, rel=0.05)


def test_kinematic_limits_come_from_the_model():
    """A bigger motor reaches further; the derived limits follow the table."""
    small = envelopes(types(), EARTH_RADIUS_M)[0]
    large = envelopes(types(propellant_mass_kg=70.0, sustain_time_s=9.0), EARTH_RADIUS_M)[0]
    assert 20e3 < small.max_range_m < large.max_range_m
    reachable = np.isfinite(small.time_of_flight_s)
    assert reachable[round(small.max_range_m / small.range_step_m)].any()
    assert not reachable[round(small.max_range_m / small.range_step_m) + 1:].any()
    assert small.max_altitude_m > 10_000.0


def test_the_intercept_solution_matches_a_flown_intercept_of_a_moving_target():
    table = types()
    time_of_flight, _, scalars = stacked_tables(table, EARTH_RADIUS_M)
    start, velocity = np.array([20_000.0, 3_000.0, 2_000.0]), np.array([-250.0, 0.0, 0.0])
    predicted = intercept_solution(*start, *velocity, 0.0, time_of_flight[0], *scalars[0],
                                   EARTH_RADIUS_M)
    aim = launch_aim_point(table, 0, np.zeros(3), start, velocity, EARTH_RADIUS_M)
    np.testing.assert_allclose(aim, start + velocity * predicted)
    outcome, _ = fly_at(table, start, velocity, aim)
    assert outcome.miss_distance_m[0] < 1.0
    assert outcome.time_s[0] == pytest.approx(predicted, abs=1.0)


def test_no_intercept_beyond_reach_or_after_the_flight_time():
    table = types()
    time_of_flight, _, scalars = stacked_tables(table, EARTH_RADIUS_M)
    # Receding faster than the round can follow, and far beyond the grid.
    assert np.isnan(intercept_solution(20_000.0, 0.0, 2_000.0, 900.0, 0.0, 0.0, 0.0,
                                       time_of_flight[0], *scalars[0], EARTH_RADIUS_M))
    assert np.isnan(intercept_solution(500_000.0, 0.0, 2_000.0, -250.0, 0.0, 0.0, 0.0,
                                       time_of_flight[0], *scalars[0], EARTH_RADIUS_M))
    # A launch delay moves the intercept later.
    near = intercept_solution(15_000.0, 0.0, 2_000.0, -250.0, 0.0, 0.0, 0.0,
                              time_of_flight[0], *scalars[0], EARTH_RADIUS_M)
    later = intercept_solution(15_000.0, 0.0, 2_000.0, -250.0, 0.0, 0.0, 5.0,
                               time_of_flight[0], *scalars[0], EARTH_RADIUS_M)
    assert later > near


def test_a_descending_low_track_is_aimed_at_the_ground_not_into_it():
    """A cruise missile's track 60 m up, 8 km out, inbound at 250 m/s and (a noisy
    estimate) descending at 10 m/s: extrapolated to the intercept it is underground. The
    launch solution aims at the ground's surface there (height 0 above the launcher on the
    sphere), at the same horizontal point; a level track at 60 m is aimed as before."""
    from iadsim.effectors.envelope import launch_solution

    table = types()
    position = np.array([8_000.0, 0.0, 60.0])
    descending = np.array([-250.0, 0.0, -10.0])
    aim, in_envelope = launch_solution(table, 0, np.zeros(3), position, descending,
                                       EARTH_RADIUS_M)
    level_aim, level_in = launch_solution(table, 0, np.zeros(3), position,
                                          np.array([-250.0, 0.0, 0.0]), EARTH_RADIUS_M)
    assert in_envelope and level_in
    height = np.sqrt(aim[0] ** 2 + aim[1] ** 2 + (aim[2] + EARTH_RADIUS_M) ** 2) - EARTH_RADIUS_M
    assert height == pytest.approx(0.0, abs=1e-6)
    assert aim[0] == pytest.approx(level_aim[0], rel=0.02)  # the same place, nearly
    assert 0.0 < aim[0] < position[0]
    assert level_aim[2] > 50.0  # 60 m less the sphere's drop: not raised, not lowered
