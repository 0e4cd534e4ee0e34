"""Gun bursts driven directly: the miss comes from the track the burst was aimed from (the
picture or a fire-control track), not from the truth; and the burst's shells can kill a
drone flying next to its target."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.effectors.batteries import InterceptorTable, interceptor_table
from iadsim.effectors.envelope import launch_aim_point
from iadsim.effectors.flyout import NEIGHBOUR_RADIUS_M, InterceptorFleet, Outcome
from iadsim.scenario import scenario_from_dict

EARTH_RADIUS_M = 6_371_000.0
TRACK_ID = 7
GUN = {"name": "gun", "kind": "gun", "min_range_km": 0.1, "max_range_km": 4.0,
       "max_altitude_m": 3_000.0, "speed_mps": 900.0, "lethal_radius_m": 2.5,
       "single_shot_pk": 0.25, "lethality_model": "carleton", "max_flight_time_s": 6.0,
       "launch_mass_kg": 0.75, "reference_area_m2": 0.000962, "drag_coefficient": 0.3,
       "muzzle_velocity_mps": 1_050.0, "rate_of_fire_rpm": 1_100, "dispersion_mrad": 1.0,
       "shells_per_burst": 25, "aim_error_m": 0.0}
DRONE_VELOCITY = np.array([-40.0, -30.0, -2.0])


def gun_table(**fields) -> InterceptorTable:
    scenario = scenario_from_dict({"name": "gun-test",
                                   "origin": {"lat_deg": 40.0, "lon_deg": 33.0},
                                   "sim": {"duration_s": 600.0},
                                   "interceptors": [{**GUN, **fields}]})
    return interceptor_table(scenario)


def fire_and_fly(types: InterceptorTable, truth_m: np.ndarray, aim_track_m: np.ndarray,
                 aim_velocity_mps: np.ndarray, seed: int = 1, dt_s: float = 0.5
                 ) -> list[Outcome]:
    """Fire one burst from the origin on the track (``aim_*``) of threat 0 and fly it
    against the true threats ``truth_m`` (n, 3) at time 0, all at DRONE_VELOCITY."""
    fleet = InterceptorFleet(types, np.random.default_rng(seed), EARTH_RADIUS_M)
    aim = launch_aim_point(types, 0, np.zeros(3), aim_track_m, aim_velocity_mps,
                           EARTH_RADIUS_M)
    fleet.launch(0.0, np.zeros(3), aim, 0, battery=1, engagement_id=0, track_id=TRACK_ID,
                 track_position_m=aim_track_m, track_velocity_mps=aim_velocity_mps)
    outcomes = []
    count = truth_m.shape[0]
    for step in range(20):
        time_s = step * dt_s
        start = truth_m + DRONE_VELOCITY * time_s
        end = truth_m + DRONE_VELOCITY * (time_s + dt_s)
        # The picture keeps showing the track the burst was fired on (a burst ignores it).
        outcomes.append(fleet.step(time_s, dt_s, start, end, np.ones(count, dtype=bool),
                                   np.full(count, 0.1), np.array([TRACK_ID]),
                                   (aim_track_m + aim_velocity_mps * time_s)[None, :],
                                   aim_velocity_mps[None, :]))
        if fleet.flying.size == 0:
            break
    return outcomes


def merged(outcomes: list[Outcome], names: tuple[str, ...]) -> dict[str, np.ndarray]:
    return {name: np.concatenate([getattr(o, name) for o in outcomes]) for name in names}


@pytest.mark.parametrize("ground_range_m", [1_000.0, 2_500.0, 3_800.0])
def test_aimed_from_the_truth_the_burst_passes_within_a_metre(ground_range_m):
    truth = np.array([[0.6 * ground_range_m, 0.8 * ground_range_m, 300.0]])
    result = merged(fire_and_fly(gun_table(), truth, truth[0], DRONE_VELOCITY),
                    ("threat_id", "miss_distance_m"))
    assert result["threat_id"].tolist() == [0]
    assert result["miss_distance_m"][0] < 1.0


def test_a_picture_that_differs_from_the_truth_moves_the_burst_by_the_pictures_error():
    """A search-radar picture 30 m off across the line of fire: the burst passes ~30 m away
    and cannot kill; the same burst on a 1.5 m-accurate fire-control track can."""
    truth = np.array([[1_500.0, 2_000.0, 300.0]])
    across = np.array([0.8, -0.6, 0.0])  # horizontal, across the line of fire
    types = gun_table(single_shot_pk=1.0)
    off = merged(fire_and_fly(types, truth, truth[0] + 30.0 * across, DRONE_VELOCITY),
                 ("miss_distance_m", "killed"))
    assert off["miss_distance_m"][0] == pytest.approx(30.0, abs=2.0)
    assert not off["killed"][0]
    near = merged(fire_and_fly(types, truth, truth[0] + 1.5 * across, DRONE_VELOCITY),
                  ("miss_distance_m", "killed"))
    assert near["miss_distance_m"][0] == pytest.approx(1.5, abs=0.7)
    assert near["killed"][0]


def test_a_velocity_error_in_the_track_grows_the_miss_with_the_shells_time_of_flight():
    """10 m/s of velocity error across the line of fire: the miss is about 10 m/s times
    the time of flight (about 1 s at 1 km, 3.7 s at 3 km)."""
    across = np.array([0.8, -0.6, 0.0])
    misses = []
    for ground_range_m in (1_000.0, 3_000.0):
        truth = np.array([[0.6 * ground_range_m, 0.8 * ground_range_m, 300.0]])
        result = merged(fire_and_fly(gun_table(), truth, truth[0],
                                     DRONE_VELOCITY + 10.0 * across),
                        ("miss_distance_m", "time_s"))
        misses.append((result["miss_distance_m"][0], result["time_s"][0]))
    for miss, time_of_flight in misses:
        assert miss == pytest.approx(10.0 * time_of_flight, rel=0.2)
    assert misses[1][0] > 3.0 * misses[0][0]


def test_several_drones_close_together_the_shells_hit_the_neighbour_next_to_the_target():
    # The target, a neighbour 1 m beside it, one 40 m off and one 500 m off.
    target = np.array([1_500.0, 2_000.0, 300.0])
    truth = target + np.array([[0.0, 0.0, 0.0], [0.8, -0.6, 0.0], [0.0, 0.0, 40.0],
                               [400.0, -300.0, 0.0]])
    types = gun_table(single_shot_pk=1.0)
    names = ("threat_id", "killed", "neighbour_threat_id", "neighbour_interceptor_id",
             "neighbour_miss_m")
    result = merged(fire_and_fly(types, truth, target, DRONE_VELOCITY), names)
    assert result["threat_id"].tolist() == [0] and result["killed"].tolist() == [True]
    assert result["neighbour_threat_id"].tolist() == [1]
    assert result["neighbour_interceptor_id"].tolist() == [0]
    assert result["neighbour_miss_m"][0] == pytest.approx(1.0, abs=0.8)
    assert 40.0 < NEIGHBOUR_RADIUS_M < 500.0  # the 40 m one was scored, and missed


def test_a_burst_aimed_between_two_drones_is_scored_on_the_nearer_and_can_kill_the_other():
    """The fire-control track put the aim 1 m from drone 1 and 1.5 m from drone 0: the burst
    passes drone 1 (the threat nearest where it was aimed) and its shells reach both."""
    target = np.array([1_500.0, 2_000.0, 300.0])
    across = np.array([0.8, -0.6, 0.0])
    truth = np.stack([target, target + 2.5 * across])
    types = gun_table(single_shot_pk=1.0)
    names = ("threat_id", "killed", "neighbour_threat_id")
    result = merged(fire_and_fly(types, truth, target + 1.5 * across, DRONE_VELOCITY), names)
    assert result["threat_id"].tolist() == [1]
    assert result["killed"].tolist() == [True]
    assert result["neighbour_threat_id"].tolist() == [0]


def test_a_threat_out_of_reach_changes_no_draw_of_the_burst():
    """Common random numbers: adding a threat far from the burst leaves its dispersion and
    kill draws, hence its outcome, the same bit for bit."""
    target = np.array([[1_500.0, 2_000.0, 300.0]])
    names = ("miss_distance_m", "killed", "neighbour_threat_id")
    for seed in range(4):
        alone = merged(fire_and_fly(gun_table(), target, target[0], DRONE_VELOCITY, seed),
                       names)
        crowded = merged(fire_and_fly(gun_table(), np.vstack([target, target + 900.0]),
                                      target[0], DRONE_VELOCITY, seed), names)
        np.testing.assert_array_equal(alone["miss_distance_m"], crowded["miss_distance_m"])
        np.testing.assert_array_equal(alone["killed"], crowded["killed"])
        assert crowded["neighbour_threat_id"].size == 0
