"""Interceptor flyout: flight, command guidance on the picture, seeker acquisition, fates.

In every test the track (the picture) differs from the truth: the seeker must find the
true threat from where the track says it is, and the miss distance is the flown closest
approach to the true threat.
"""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.effectors.batteries import InterceptorTable, interceptor_table
from iadsim.effectors.envelope import launch_aim_point
from iadsim.effectors.flyout import InterceptorFleet, Outcome
from iadsim.scenario import scenario_from_dict

TRACK_ID = 7
EARTH_RADIUS_M = 6_371_000.0


def table(**fields) -> InterceptorTable:
    missile = {"name": "sam", "min_range_km": 0.5, "max_range_km": 40.0,
               "max_altitude_m": 20_000.0, "speed_mps": 800.0, "lethal_radius_m": 5.0,
               "single_shot_pk": 1.0, "seeker_range_km": 5.0, "aim_error_m": 0.0,
               "seeker_angle_noise_deg": 0.0, **fields}
    scenario = scenario_from_dict({"name": "flyout-test",
                                   "origin": {"lat_deg": 40.0, "lon_deg": 33.0},
                                   "sim": {"duration_s": 600.0}, "interceptors": [missile]})
    return interceptor_table(scenario)


class Threats:
    """True threats (callable of time -> (n, 3) positions) and their tracks."""

    def __init__(self, truth, track=None, rcs=None, track_sigma_m=100.0):
        self.truth = truth
        self.track = track or truth
        self.rcs = rcs
        self.track_sigma_m = track_sigma_m


def fly(fleet: InterceptorFleet, threats: Threats, dt_s: float = 0.5, steps: int = 300,
        alive=None) -> tuple[list[Outcome], float]:
    """Step the fleet until every round resolved; returns the outcomes and the smallest
    distance any round came to threat 0 at a step's end (the truth, for the test)."""
    outcomes, closest = [], np.inf
    for step in range(steps):
        time_s = step * dt_s
        start, end = threats.truth(time_s), threats.truth(time_s + dt_s)
        count = start.shape[0]
        track_now = threats.track(time_s)
        track_velocity = (threats.track(time_s + 1e-3) - track_now) / 1e-3
        ids = TRACK_ID + np.arange(count)
        cov = np.tile(np.eye(3) * threats.track_sigma_m ** 2, (count, 1, 1))
        rcs = np.ones(count) if threats.rcs is None else np.asarray(threats.rcs, dtype=float)
        outcome = fleet.step(time_s, dt_s, start, end,
                             np.ones(count, dtype=bool) if alive is None else alive, rcs, ids,
                             track_now, track_velocity, cov)
        outcomes.append(outcome)
        if fleet.size:
            closest = min(closest, float(np.linalg.norm(fleet.position_m - end[0],
                                                        axis=1).min()))
        if fleet.flying.size == 0:
            break
    return outcomes, closest


def resolved(outcomes: list[Outcome]) -> dict[str, np.ndarray]:
    fields = ("interceptor_id", "threat_id", "miss_distance_m", "killed", "self_destructed",
              "diverted", "time_s")
    return {name: np.concatenate([getattr(o, name) for o in outcomes]) for name in fields}


def locks(outcomes: list[Outcome]) -> dict[str, np.ndarray]:
    fields = ("interceptor_id", "threat_id", "intended_threat_id", "range_m", "diverted")
    return {name: np.concatenate([getattr(o.locks, name) for o in outcomes])
            for name in fields}


def straight(start_m, velocity_mps):
    start, velocity = np.asarray(start_m, dtype=float), np.asarray(velocity_mps, dtype=float)
    return lambda time_s: (start + velocity * time_s).reshape(-1, 3)


def launch(fleet: InterceptorFleet, threats: Threats, origin=(0.0, 0.0, 0.0), kind: int = 0,
           engagement_id: int = 0, time_s: float = 0.0) -> int:
    origin = np.asarray(origin, dtype=float)
    track = threats.track(time_s)[0]
    velocity = (threats.track(time_s + 1e-3)[0] - track) / 1e-3
    aim = launch_aim_point(fleet.types, kind, origin, track, velocity, EARTH_RADIUS_M)
    return fleet.launch(time_s, origin, aim, kind, battery=2, engagement_id=engagement_id,
                        track_id=TRACK_ID, track_position_m=track, track_velocity_mps=velocity)


OFFSET = np.array([120.0, -80.0, 60.0])  # the track's error


@pytest.mark.parametrize("start, velocity", [
    ([15_000.0, 5_000.0, 3_000.0], [-250.0, 20.0, 0.0]),   # head-on
    ([8_000.0, -12_000.0, 2_000.0], [0.0, 300.0, 0.0]),    # crossing
    ([20_000.0, 0.0, 6_000.0], [-600.0, 0.0, -150.0]),     # fast and diving
])
def test_zero_miss_against_a_non_manoeuvring_target_given_enough_time(start, velocity):
    """Noise-free seeker, no fuze error: the flown miss is below 1 m."""
    truth = straight(start, velocity)
    threats = Threats(truth, track=lambda t: truth(t) + OFFSET)
    fleet = InterceptorFleet(table(), np.random.default_rng(0), EARTH_RADIUS_M)
    launch(fleet, threats)
    outcomes, _ = fly(fleet, threats)
    result, lock = resolved(outcomes), locks(outcomes)
    assert lock["threat_id"].tolist() == [0] and not lock["diverted"][0]
    assert result["threat_id"].tolist() == [0] and not result["self_destructed"][0]
    assert result["miss_distance_m"][0] < 1.0
    assert result["killed"][0] and not result["diverted"][0]


def test_a_round_whose_track_was_5_km_off_does_not_acquire_and_self_destructs():
    truth = straight([15_000.0, 5_000.0, 3_000.0], [-250.0, 20.0, 0.0])
    threats = Threats(truth, track=lambda t: truth(t) + np.array([0.0, 5_000.0, 0.0]))
    for seed in range(4):
        fleet = InterceptorFleet(table(seeker_angle_noise_deg=0.05), np.random.default_rng(seed),
                                 EARTH_RADIUS_M)
        launch(fleet, threats)
        outcomes, closest = fly(fleet, threats)
        result = resolved(outcomes)
        assert closest < 10_000.0  # the threat was within the seeker's range gate
        assert locks(outcomes)["interceptor_id"].size == 0
        assert result["self_destructed"].tolist() == [True]
        assert result["threat_id"].tolist() == [-1] and not result["killed"][0]
        assert np.isnan(result["miss_distance_m"][0])


@pytest.mark.parametrize("field_of_view_deg, locks_expected", [(3.0, 0), (30.0, 1)])
def test_a_seeker_never_locks_what_is_outside_its_field_of_view(field_of_view_deg,
                                                                locks_expected):
    """The track is 1.5 km off and so uncertain (2 km sigma) that the acquisition gate
    admits the true threat: only the field of view decides."""
    truth = straight([14_000.0, 0.0, 3_000.0], [-250.0, 0.0, 0.0])
    threats = Threats(truth, track=lambda t: truth(t) + np.array([0.0, 1_500.0, 0.0]),
                      track_sigma_m=2_000.0)
    lock_counts = []
    for seed in range(3):
        fleet = InterceptorFleet(table(seeker_field_of_view_deg=field_of_view_deg),
                                 np.random.default_rng(seed), EARTH_RADIUS_M)
        launch(fleet, threats)
        outcomes, closest = fly(fleet, threats)
        assert closest < 5_000.0
        lock_counts.append(locks(outcomes)["interceptor_id"].size)
    assert lock_counts == [locks_expected] * 3


def weaving(g_load: float):
    """A threat at 300 m/s in a steady horizontal turn of ``g_load`` g."""
    speed, rate = 300.0, g_load * 9.80665 / 300.0
    centre = np.array([12_000.0, 300.0 / rate, 3_000.0])

    def truth(time_s):
        angle = rate * time_s
        return (centre + speed / rate * np.array([-np.sin(angle), -np.cos(angle), 0.0])
                ).reshape(1, 3)
    return truth


@pytest.mark.parametrize("limit_g, escapes", [(4.0, True), (40.0, False)])
def test_a_target_pulling_more_g_than_the_interceptor_can_follow_escapes(limit_g, escapes):
    truth = weaving(9.0)
    threats = Threats(truth, track=lambda t: truth(t) + OFFSET)
    fleet = InterceptorFleet(table(max_lateral_acceleration_g=limit_g),
                             np.random.default_rng(3), EARTH_RADIUS_M)
    launch(fleet, threats)
    outcomes, _ = fly(fleet, threats, dt_s=0.1, steps=1_000)
    result = resolved(outcomes)
    assert result["interceptor_id"].size == 1
    if escapes:
        assert result["self_destructed"][0] or result["miss_distance_m"][0] > 20.0
        assert not result["killed"][0]
    else:
        assert result["miss_distance_m"][0] < 5.0 and result["killed"][0]


def pair(separation_m: float):
    """Two threats flying side by side ``separation_m`` apart (threat 0 is engaged)."""
    base = straight([15_000.0, 5_000.0, 3_000.0], [-250.0, 0.0, 0.0])
    return lambda t: np.vstack([base(t), base(t) + np.array([0.0, separation_m, 0.0])])


def test_several_threats_close_together_the_seeker_locks_the_cued_one():
    """400 m apart; the track (156 m off, sigma 100 m) cues threat 0."""
    truth = pair(400.0)
    threats = Threats(truth, track=lambda t: truth(t) + OFFSET)
    for seed in range(3):
        fleet = InterceptorFleet(table(seeker_angle_noise_deg=0.05), np.random.default_rng(seed),
                                 EARTH_RADIUS_M)
        launch(fleet, threats)
        outcomes, _ = fly(fleet, threats)
        lock, result = locks(outcomes), resolved(outcomes)
        assert lock["threat_id"].tolist() == [0] and lock["intended_threat_id"].tolist() == [0]
        assert not lock["diverted"].any() and not result["diverted"].any()
        assert result["threat_id"].tolist() == [0]


def test_a_track_swap_puts_the_round_on_the_neighbour_it_locks_as_a_diversion():
    """At launch the track sits on threat 0 (intended); from 2 s (before any lock) it
    follows threat 1."""
    truth = pair(1_200.0)

    def track(time_s):
        positions = truth(time_s) + OFFSET
        return positions[::-1] if time_s >= 2.0 else positions
    threats = Threats(truth, track=track)
    fleet = InterceptorFleet(table(), np.random.default_rng(4), EARTH_RADIUS_M)
    launch(fleet, threats)
    outcomes, _ = fly(fleet, threats)
    lock, result = locks(outcomes), resolved(outcomes)
    assert lock["threat_id"].tolist() == [1] and lock["intended_threat_id"].tolist() == [0]
    assert lock["diverted"].tolist() == [True]
    assert result["threat_id"].tolist() == [1] and result["diverted"].tolist() == [True]
    assert result["miss_distance_m"][0] < 1.0 and result["killed"][0]


def test_a_brighter_neighbour_inside_the_gate_is_locked_first():
    """A 100x brighter threat 100 m from the cued one, inside the 150 m gate, is seen
    first at long range: the round is diverted to it."""
    truth = pair(100.0)
    threats = Threats(truth, track=lambda t: truth(t) + np.array([0.0, 20.0, 0.0]),
                      rcs=[0.01, 1.0])
    fleet = InterceptorFleet(table(), np.random.default_rng(5), EARTH_RADIUS_M)
    launch(fleet, threats)
    outcomes, _ = fly(fleet, threats)
    lock = locks(outcomes)
    assert lock["threat_id"].tolist() == [1] and lock["diverted"].tolist() == [True]
    assert lock["range_m"][0] > 5_000.0


def test_a_round_boosts_then_coasts_and_self_destructs_below_its_minimum_speed():
    fleet = InterceptorFleet(table(min_speed_mps=400.0, max_flight_time_s=200.0),
                             np.random.default_rng(6), EARTH_RADIUS_M)
    truth = straight([60_000.0, 0.0, 5_000.0], [200.0, 0.0, 0.0])  # receding, far
    threats = Threats(truth, track=lambda t: truth(t) + OFFSET)
    launch(fleet, threats)
    speeds = []
    for step in range(200):
        outcome = fleet.step(step * 0.5, 0.5, truth(step * 0.5), truth(step * 0.5 + 0.5),
                             np.array([True]), np.ones(1), np.array([TRACK_ID]),
                             truth(step * 0.5) + OFFSET, np.array([[200.0, 0.0, 0.0]]))
        speeds.append(float(np.linalg.norm(fleet.velocity_mps[0])))
        if outcome.interceptor_id.size:
            break
    peak = int(np.argmax(speeds))
    assert 4 <= peak <= 6  # burnout at 3 s (+ a step)
    assert speeds[peak] > 1_100.0  # default motor: about 1.6 x the 800 m/s average speed
    assert outcome.self_destructed.tolist() == [True]
    assert speeds[-1] < 400.0 <= speeds[-2]


def test_a_round_the_target_outruns_self_destructs_at_its_maximum_flight_time():
    truth = straight([3_000.0, 0.0, 500.0], [2_000.0, 0.0, 0.0])
    threats = Threats(truth, track=lambda t: truth(t) + OFFSET)
    fleet = InterceptorFleet(table(max_flight_time_s=8.0), np.random.default_rng(2),
                             EARTH_RADIUS_M)
    launch(fleet, threats)
    outcomes, _ = fly(fleet, threats)
    result = resolved(outcomes)
    assert result["self_destructed"].tolist() == [True]
    assert result["time_s"][0] == pytest.approx(8.0, abs=0.06)
    assert len(outcomes) == 16 and result["threat_id"][0] == -1


def test_a_gun_burst_flies_ballistic_and_never_steers_after_firing():
    gun = {"name": "gun", "kind": "gun", "min_range_km": 0.1, "max_range_km": 4.0,
           "max_altitude_m": 3_000.0, "speed_mps": 900.0, "lethal_radius_m": 2.5,
           "single_shot_pk": 0.3, "max_flight_time_s": 6.0, "launch_mass_kg": 0.75,
           "reference_area_m2": 0.000962, "muzzle_velocity_mps": 1_050.0,
           "dispersion_mrad": 1.0, "shells_per_burst": 25}
    types = table(**gun)
    truth = straight([2_500.0, 500.0, 800.0], [-60.0, 0.0, 0.0])
    honest = Threats(truth, track=lambda t: truth(t) + np.array([5.0, -5.0, 3.0]))
    # After firing, the picture jumps 300 m: a gun burst must not follow it.
    jumped = Threats(truth, track=lambda t: truth(t)
                     + np.array([5.0, 300.0 if t > 0.2 else -5.0, 3.0]))
    paths = []
    for threats in (honest, jumped):
        fleet = InterceptorFleet(types, np.random.default_rng(8), EARTH_RADIUS_M)
        launch(fleet, threats)
        outcomes, _ = fly(fleet, threats, dt_s=0.25)
        result = resolved(outcomes)
        paths.append((fleet.position_m.copy(), result["miss_distance_m"].copy()))
        assert result["threat_id"].tolist() == [0]
        # The fire-control solution (lead and superelevation from the envelope) is good
        # within 10 m against a steady target (envelope interpolation).
        assert result["miss_distance_m"][0] < 10.0
    np.testing.assert_array_equal(paths[0][0], paths[1][0])
    np.testing.assert_array_equal(paths[0][1], paths[1][1])


def test_a_missile_follows_the_picture_where_a_gun_burst_does_not():
    """The same jump in the picture moves a missile's path (command guidance)."""
    truth = straight([12_000.0, 0.0, 3_000.0], [-250.0, 0.0, 0.0])
    honest = Threats(truth, track=lambda t: truth(t) + OFFSET)
    jumped = Threats(truth, track=lambda t: truth(t)
                     + (np.array([0.0, 2_000.0, 0.0]) if t > 1.0 else OFFSET))
    positions = []
    for threats in (honest, jumped):
        fleet = InterceptorFleet(table(seeker_range_km=0.0), np.random.default_rng(1),
                                 EARTH_RADIUS_M)
        launch(fleet, threats)
        for step in range(10):
            fleet.step(step * 0.5, 0.5, truth(step * 0.5), truth(step * 0.5 + 0.5),
                       np.array([True]), np.ones(1), np.array([TRACK_ID]),
                       threats.track(step * 0.5), np.array([[-250.0, 0.0, 0.0]]))
        positions.append(fleet.position_m[0].copy())
    assert positions[1][1] - positions[0][1] > 50.0


def test_a_round_without_seeker_is_scored_at_its_closest_approach_to_the_true_threat():
    """Command guidance to the end: the miss is the track's error across the approach."""
    truth = straight([12_000.0, 0.0, 3_000.0], [-250.0, 0.0, 0.0])
    threats = Threats(truth, track=lambda t: truth(t) + np.array([0.0, 40.0, 0.0]))
    fleet = InterceptorFleet(table(seeker_range_km=0.0), np.random.default_rng(1),
                             EARTH_RADIUS_M)
    launch(fleet, threats)
    outcomes, _ = fly(fleet, threats)
    result = resolved(outcomes)
    assert result["threat_id"].tolist() == [0] and not result["diverted"][0]
    assert result["miss_distance_m"][0] == pytest.approx(40.0, abs=3.0)
    assert not result["killed"][0]  # 40 m is beyond the 5 m lethal radius
    assert locks(outcomes)["interceptor_id"].size == 0


def test_fuze_errors_are_drawn_with_the_stated_sigma():
    fleet = InterceptorFleet(table(aim_error_m=4.0), np.random.default_rng(0))
    for _ in range(2_000):
        fleet.launch(0.0, np.zeros(3), np.array([1e4, 0.0, 1e3]), 0, 0, 0, TRACK_ID)
    assert fleet.aim_offset_m.shape == (2_000, 3)
    assert fleet.aim_offset_m.std() == pytest.approx(4.0, rel=4.5 / np.sqrt(2 * 6_000))
    assert abs(fleet.aim_offset_m.mean()) < 4.5 * 4.0 / np.sqrt(6_000)


def test_kill_rate_over_many_hits_is_the_single_shot_pk():
    """300 rounds, each against its own threat 100 km from the next, in one fleet."""
    count = 300
    fleet = InterceptorFleet(table(single_shot_pk=0.6), np.random.default_rng(6),
                             EARTH_RADIUS_M)
    start = np.zeros((count, 3))
    start[:, 0] = np.arange(count) * 100e3 + 8_000.0
    start[:, 2] = 2_000.0
    velocity = np.tile([-200.0, 0.0, 0.0], (count, 1))
    for row in range(count):
        origin = start[row] - [8_000.0, 0.0, 2_000.0]
        aim = launch_aim_point(fleet.types, 0, origin, start[row], velocity[row], EARTH_RADIUS_M)
        fleet.launch(0.0, origin, aim, 0, 0, row, track_id=row, track_position_m=start[row],
                     track_velocity_mps=velocity[row])
    killed, done = [], []
    for step in range(80):
        now = start + velocity * step * 0.5
        outcome = fleet.step(step * 0.5, 0.5, now, now + velocity * 0.5,
                             np.ones(count, dtype=bool), np.ones(count), np.arange(count),
                             now + OFFSET, velocity, np.tile(np.eye(3) * 1e4, (count, 1, 1)))
        np.testing.assert_array_equal(outcome.threat_id, outcome.engagement_id)
        killed.extend(outcome.killed.tolist())
        done.extend(outcome.interceptor_id.tolist())
        if fleet.flying.size == 0:
            break
    assert sorted(done) == list(range(count))
    assert abs(np.mean(killed) - 0.6) < 4.5 * np.sqrt(0.24 / count)


def test_two_rounds_cannot_kill_one_threat_twice():
    truth = straight([15_000.0, 5_000.0, 3_000.0], [-250.0, 20.0, 0.0])
    threats = Threats(truth, track=lambda t: truth(t) + OFFSET)
    fleet = InterceptorFleet(table(lethal_radius_m=50.0), np.random.default_rng(4),
                             EARTH_RADIUS_M)
    for engagement in range(2):
        launch(fleet, threats, engagement_id=engagement)
    outcomes, _ = fly(fleet, threats)
    result = resolved(outcomes)
    assert result["interceptor_id"].tolist() == [0, 1]
    assert result["killed"].tolist() == [True, False]  # the first (lowest id) counts


def test_step_leaves_its_inputs_unchanged_and_an_idle_fleet_returns_nothing():
    fleet = InterceptorFleet(table(), np.random.default_rng(5), EARTH_RADIUS_M)
    start = np.array([[15_000.0, 5_000.0, 3_000.0]])
    idle = fleet.step(0.0, 1.0, start, start, np.array([True]), np.ones(1),
                      np.zeros(0, dtype=int), np.zeros((0, 3)), np.zeros((0, 3)))
    assert idle.interceptor_id.size == 0 and idle.position_m.shape == (0, 3)
    fleet.launch(0.0, np.zeros(3), start[0], 0, 0, 0, TRACK_ID)
    arguments = (start.copy(), start + np.array([[-250.0, 0.0, 0.0]]), np.array([True]), np.ones(1),
                 np.array([TRACK_ID]), start + OFFSET, np.array([[-250.0, 0.0, 0.0]]),
                 np.eye(3)[None] * 100.0)
    copies = [a.copy() for a in arguments]
    fleet.step(0.0, 1.0, *arguments)
    for before, after in zip(copies, arguments, strict=True):
        np.testing.assert_array_equal(before, after)


def test_same_seed_same_flight_bit_for_bit():
    truth = pair(400.0)
    threats = Threats(truth, track=lambda t: truth(t) + OFFSET, track_sigma_m=300.0)
    runs = []
    for _ in range(2):
        fleet = InterceptorFleet(table(seeker_angle_noise_deg=0.2, aim_error_m=3.0,
                                       single_shot_pk=0.5), np.random.default_rng(9),
                                 EARTH_RADIUS_M)
        for engagement in range(3):
            launch(fleet, threats, engagement_id=engagement, time_s=float(engagement))
        outcomes, _ = fly(fleet, threats)
        runs.append((fleet.state.copy(), resolved(outcomes), locks(outcomes)))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    for name in runs[0][1]:
        np.testing.assert_array_equal(runs[0][1][name], runs[1][1][name])
    for name in runs[0][2]:
        np.testing.assert_array_equal(runs[0][2][name], runs[1][2][name])
    assert runs[0][1]["interceptor_id"].size == 3
