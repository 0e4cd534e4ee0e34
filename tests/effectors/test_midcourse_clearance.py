"""Midcourse ground clearance (sim.interceptor_clearance_m): rounds at low targets 30-40 km
out over the smooth earth, launched from the ground, with tracks off the truth (30 m low:
below the earth for a 20 m target) and two threats close together. Without the rule their
near-straight chords graze the earth within 2 s of launch; with a 30 m clearance they climb
out (to 100-200 m) and kill. The pull-up reads the ground and the round's own state only."""

from __future__ import annotations

import numpy as np
import pytest
from test_flyout import TRACK_ID, Threats, launch, resolved, table

import iadsim
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.effectors.midcourse_clearance import LOOK_AHEAD_S, clearance_pull_up_mps2
from iadsim.errors import ScenarioError
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import gaussian_ridge
from iadsim.world.terrain_ground import MIDCOURSE_CLEARANCE, GroundModel, clearance_m
from small_site_builder import SMALL_SITE, small_site

FRAME = LocalFrame(40.0, 33.0, 0.0)
RADIUS_M = FRAME.gaussian_radius_m()
M_PER_DEG_LAT = 111_030.0  # at 40 N on the ellipsoid
TRACK_ERROR = np.array([60.0, -40.0, -30.0])


def level_threats(distance_m: float, heights_m: list[float], spacing_m: float = 1_000.0
                  ) -> Threats:
    """Threats ``distance_m`` north flying south at 250 m/s at constant heights above the
    ellipsoid (the smooth earth's ground, 0 m), ``spacing_m`` apart east-west; the tracks
    are off the truth by TRACK_ERROR."""
    def truth(time_s: float) -> np.ndarray:
        north = distance_m - 250.0 * time_s
        return np.array([FRAME.to_enu(40.0 + north / M_PER_DEG_LAT,
                                      33.0 + index * spacing_m / 85_390.0, height).reshape(3)
                         for index, height in enumerate(heights_m)])

    return Threats(truth, track=lambda time_s: truth(time_s) + TRACK_ERROR)


def salvo(clearance: float, distance_m: float = 40_000.0, heights_m=(20.0, 40.0),
          seed: int = 0):
    """One round from the ground (0 m) at each threat, all in flight together over the
    smooth earth with ground impacts on; flown to their fates. Returns the resolutions,
    ground impacts, the lowest and highest clearance of each round at the steps' ends."""
    threats = level_threats(distance_m, list(heights_m))
    fleet = InterceptorFleet(table(), np.random.default_rng(seed), RADIUS_M)
    fleet.ground = GroundModel(FRAME, 0.0, RADIUS_M, None, True, clearance)
    for index in range(len(heights_m)):
        single = Threats(lambda t, i=index: threats.truth(t)[i:i + 1],
                         track=lambda t, i=index: threats.track(t)[i:i + 1])
        row = launch(fleet, single, origin=(0.0, 0.0, 0.0), engagement_id=index)
        fleet.track_id[row] = TRACK_ID + index
    elevation, scalars = fleet.ground.arrays()
    lowest = np.full(len(heights_m), np.inf)
    highest = np.full(len(heights_m), -np.inf)
    outcomes = []
    for step in range(200):
        outcomes += _one_step(fleet, threats, step * 0.5)
        for row in range(fleet.size):
            if fleet.status[row] == 1:
                point = fleet.position_m[row]
                height = clearance_m(point[0], point[1], point[2], elevation, scalars)
                lowest[row], highest[row] = min(lowest[row], height), max(highest[row], height)
        if fleet.flying.size == 0:
            break
    result = resolved(outcomes)
    order = np.argsort(result["interceptor_id"])
    grounded = np.concatenate([o.ground_impact for o in outcomes])[order]
    return {name: values[order] for name, values in result.items()}, grounded, lowest, highest


def _one_step(fleet: InterceptorFleet, threats: Threats, time_s: float):
    """One flyout step at ``time_s`` (as test_flyout.fly does for each of its steps)."""
    start, end = threats.truth(time_s), threats.truth(time_s + 0.5)
    count = start.shape[0]
    track_now = threats.track(time_s)
    track_velocity = (threats.track(time_s + 1e-3) - track_now) / 1e-3
    cov = np.tile(np.eye(3) * threats.track_sigma_m ** 2, (count, 1, 1))
    return [fleet.step(time_s, 0.5, start, end, np.ones(count, dtype=bool), np.ones(count),
                       TRACK_ID + np.arange(count), track_now, track_velocity, cov)]


def test_without_the_rule_the_low_chords_graze_the_earth_at_once():
    """The tracks put the PIPs at or below the earth: each round leaves level, sinks under
    the 1 m tolerance within 2 s, and ends a miss of its threat."""
    result, grounded, _, _ = salvo(0.0)
    assert grounded.tolist() == [True, True]
    assert (result["time_s"] < 2.0).all() and not result["killed"].any()
    assert result["threat_id"].tolist() == [0, 1]


@pytest.mark.parametrize("distance_m", [30_000.0, 40_000.0])
def test_with_a_30_m_clearance_each_round_climbs_over_the_earth_and_kills_its_own_threat(
        distance_m):
    """Each round kills the threat its track cued (no diversion), at least 3 m above the
    ground from launch on, its climb-out peaking at 100-200 m (the pull-up, then the boost
    along the climbing path; no wild climb), the same for the same seed."""
    result, grounded, lowest, highest = salvo(30.0, distance_m)
    assert not grounded.any()
    assert result["killed"].tolist() == [True, True]
    assert result["threat_id"].tolist() == [0, 1] and not result["diverted"].any()
    assert (lowest > 3.0).all()
    assert ((highest > 100.0) & (highest < 200.0)).all()
    again, _, _, _ = salvo(30.0, distance_m)
    assert all(np.array_equal(result[name], again[name], equal_nan=True) for name in result)


def test_the_pull_up_is_the_constant_acceleration_that_lifts_the_points_ahead():
    """A round 5 m over the smooth earth flying level north at 500 m/s: each point t ahead
    (1, 2, 4 s) is c = 5 m + the earth's drop there above the ground, wanted at 30 m x t / 4
    s; the command is the largest 2 (wanted - c) / t^2 (rtol 1e-12). 2 km up: none. Heading
    at the ridge (400 m crest) 3 km ahead at 100 m: a pull-up; flying away from it: none."""
    ground = GroundModel(FRAME, 0.0, RADIUS_M, None, True, 30.0)
    elevation, scalars = ground.arrays()
    position, velocity = np.array([0.0, 0.0, 5.0]), np.array([0.0, 500.0, 0.0])
    expected = 0.0
    for ahead_s in LOOK_AHEAD_S:
        ahead = position + velocity * ahead_s
        height = clearance_m(ahead[0], ahead[1], ahead[2], elevation, scalars)
        assert 5.0 < height < 5.4  # the earth drops 0.31 m 2 km out
        expected = max(expected, 2.0 * (30.0 * ahead_s / LOOK_AHEAD_S[-1] - height)
                       / ahead_s**2)
    assert LOOK_AHEAD_S == (1.0, 2.0, 4.0) and expected > 0.0
    assert clearance_pull_up_mps2(position, velocity, 30.0, elevation, scalars) == (
        pytest.approx(expected, rel=1e-12))
    assert clearance_pull_up_mps2(np.array([0.0, 0.0, 2_000.0]), velocity, 30.0, elevation,
                                  scalars) == 0.0
    ridge_frame = LocalFrame(40.0 - 3_000.0 / 111_195.0, 33.0, 0.0)
    ridge = GroundModel(ridge_frame, 0.0, RADIUS_M, gaussian_ridge(), True, 30.0)
    elevation, scalars = ridge.arrays()
    toward = clearance_pull_up_mps2(np.array([0.0, 0.0, 100.0]), np.array([0.0, 700.0, 0.0]),
                                    30.0, elevation, scalars)
    away = clearance_pull_up_mps2(np.array([0.0, 0.0, 100.0]), np.array([0.0, -700.0, 0.0]),
                                  30.0, elevation, scalars)
    assert toward > 10.0 and away == 0.0


def test_the_clearance_is_ignored_where_rounds_do_not_end_in_the_ground():
    """impacts off: the scalar is 0 (the kernel never reads the ground for it)."""
    _, scalars = GroundModel(FRAME, 0.0, RADIUS_M, None, False, 30.0).arrays()
    assert scalars[MIDCOURSE_CLEARANCE] == 0.0


def test_end_to_end_the_small_site_round_that_grazed_the_earth_now_kills():
    """small-site seed 3 with rounds ending on the smooth earth (interceptor_ground: earth):
    without the rule its second round (aimed at a PIP the track put at the earth's surface)
    ends in the ground 1.49 s after launch, 0.56 km out, and a third round is fired; with a
    30 m clearance two rounds kill both cruise missiles and none ends in the ground."""
    def events(clearance_m_: float):
        sim = {**SMALL_SITE["sim"], "interceptor_ground": "earth",
               "interceptor_clearance_m": clearance_m_}
        return iadsim.run(small_site(sim=sim), seed=3).events

    before, after = events(0.0), events(30.0)
    grounded = before[before["kind"] == "ground_impact"]
    assert grounded["interceptor_id"].tolist() == [1]
    assert 1.4 < float(grounded["value"].iloc[0]) < 1.6
    assert 500.0 < float(grounded["east_m"].iloc[0]) < 600.0
    assert (before["kind"] == "interceptor_launch").sum() == 3
    assert not (after["kind"] == "ground_impact").any()
    assert (after["kind"] == "interceptor_launch").sum() == 2
    assert sorted(after.loc[after["kind"] == "kill", "threat_id"].tolist()) == [0, 1]
    assert after.equals(events(30.0))


def test_a_bad_clearance_is_one_line():
    with pytest.raises(ScenarioError) as raised:
        small_site(sim={**SMALL_SITE["sim"], "interceptor_clearance_m": -5.0})
    lines = raised.value.lines()
    assert len(lines) == 1 and "sim.interceptor_clearance_m" in lines[0]
