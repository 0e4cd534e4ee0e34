"""Rounds that fly into the ground: over the ridge DEM (a battery 5.6 km south of the crest
firing at low drones north of it) and over the smooth earth. Each round ends where its
path first goes below the ground, scored as a miss of the threat it was guided at, while
rounds in the same step whose paths clear the ground fly on and kill. The tracks differ
from the truth (the seeker and the endgame read the truth; the ground ends the flight)."""

from __future__ import annotations

import numpy as np
import pytest
from test_flyout import TRACK_ID, Threats, fly, launch, resolved, straight, table

from iadsim.effectors.flyout import InterceptorFleet, Outcome
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import gaussian_ridge
from iadsim.world.terrain_ground import GROUND_TOLERANCE_M, GroundModel, clearance_m

M_PER_DEG_LAT = 111_195.0
FRAME = LocalFrame(40.0 - 5_600.0 / M_PER_DEG_LAT, 33.0, 0.0)  # 5.6 km south of the crest
RADIUS_M = FRAME.gaussian_radius_m()
TRACK_ERROR = np.array([30.0, -40.0, 10.0])


def ground(terrain: bool, impacts: bool = True) -> GroundModel:
    return GroundModel(FRAME, 0.0, RADIUS_M, gaussian_ridge() if terrain else None, impacts)


def north_of_crest(north_m: float, height_m: float) -> np.ndarray:
    """ENU point (m) ``north_m`` north of the crest, ``height_m`` above the datum."""
    return FRAME.to_enu(40.0 + north_m / M_PER_DEG_LAT, 33.0, height_m).reshape(3)


def drones(heights_m: list[float]) -> Threats:
    """Drones 3 km north of the crest (the ridge is flat there), 400 m apart east-west,
    flying west at 40 m/s at the given heights; the tracks are off the truth."""
    start = np.array([north_of_crest(3_000.0, height) + np.array([400.0 * index, 0.0, 0.0])
                      for index, height in enumerate(heights_m)])
    velocity = np.array([-40.0, 0.0, 0.0])

    def truth(time_s: float) -> np.ndarray:
        return start + velocity * time_s

    return Threats(truth, track=lambda time_s: truth(time_s) + TRACK_ERROR)


def salvo(terrain: bool, heights_m: list[float], seed: int = 0,
          impacts: bool = True) -> tuple[dict, list[Outcome], InterceptorFleet]:
    """One round from the battery (5 m above the ground) at each drone, all in flight
    together; flown to their fates."""
    threats = drones(heights_m)
    fleet = InterceptorFleet(table(), np.random.default_rng(seed), RADIUS_M)
    fleet.ground = ground(terrain, impacts)
    count = len(heights_m)
    for index in range(count):
        single = Threats(lambda t, i=index: threats.truth(t)[i:i + 1],
                         track=lambda t, i=index: threats.track(t)[i:i + 1])
        row = launch(fleet, single, origin=(0.0, 0.0, 5.0), engagement_id=index)
        fleet.track_id[row] = TRACK_ID + index
    outcomes, _ = fly(fleet, threats, dt_s=0.5, steps=200)
    result = resolved(outcomes)
    result["ground_impact"] = np.concatenate([o.ground_impact for o in outcomes])
    result["position_m"] = np.concatenate([o.position_m for o in outcomes])
    return result, outcomes, fleet


def test_rounds_into_the_ridge_end_there_while_one_above_it_kills():
    """Drones at 60 m and 120 m are hidden behind the 400 m crest: their rounds fly
    into the ridge's south slope (1.8 and 1.6 km short of the crest, 32 and 63 m up, some
    4.7 s after launch), each a miss of its own drone, at the ground (within 0.5 m of the
    DEM's surface less the 1 m tolerance); the drone at 1,500 m is in the clear and its
    round kills it, in the same steps."""
    result, _, fleet = salvo(True, [60.0, 1_500.0, 120.0])
    order = np.argsort(result["interceptor_id"])
    ground_impact = result["ground_impact"][order]
    assert ground_impact.tolist() == [True, False, True]
    assert result["threat_id"][order].tolist() == [0, 1, 2]
    assert result["killed"][order].tolist() == [False, True, False]
    assert not result["self_destructed"].any()
    elevation, scalars = ground(True).arrays()
    for row in np.nonzero(ground_impact)[0]:
        point = result["position_m"][order][row]
        # In the ground by the tolerance (GROUND_TOLERANCE_M, 1 m), within 0.5 m.
        assert abs(clearance_m(point[0], point[1], point[2], elevation, scalars)
                   + GROUND_TOLERANCE_M) < 0.5
        crest_distance_m = FRAME.to_geodetic(point)[0] - 40.0
        # On the south slope, short of the crest, on its rise (the flat ground is 0 m).
        assert -2_000.0 < crest_distance_m * M_PER_DEG_LAT < -1_000.0
        assert 20.0 < FRAME.to_geodetic(point)[2] < 100.0
        assert 4.0 < result["time_s"][order][row] < 6.0
        # The miss distance is the distance to the drone there: kilometres.
        assert result["miss_distance_m"][order][row] > 2_000.0
    assert (fleet.status == 2).all()


def test_without_the_ridge_or_with_impacts_off_the_same_rounds_kill():
    """The twin over the smooth earth (the ground model on), and over the ridge with
    impacts off (the rounds fly through it, as before): no ground impact; the drones at 60
    m and 120 m are killed (the seeker lock is not masked over the smooth earth)."""
    smooth, _, _ = salvo(False, [60.0, 1_500.0, 120.0])
    assert not smooth["ground_impact"].any()
    assert smooth["killed"].all()
    through, _, _ = salvo(True, [60.0, 1_500.0, 120.0], impacts=False)
    assert not through["ground_impact"].any()


def aimed_below(impacts: bool) -> tuple[dict, np.ndarray, np.ndarray]:
    """A round without seeker launched from 20 m toward a point at rest 300 m below the
    ground 6 km north, over the smooth earth: its resolution, ground impacts, positions."""
    fleet = InterceptorFleet(table(seeker_range_km=0.0), np.random.default_rng(0), RADIUS_M)
    fleet.ground = GroundModel(FRAME, 0.0, RADIUS_M, None, impacts)
    aim = np.array([0.0, 6_000.0, -300.0])
    threats = Threats(straight(aim, [0.0, 0.0, 0.0]))
    fleet.launch(0.0, np.array([0.0, 0.0, 20.0]), aim, 0, battery=0, engagement_id=0,
                 track_id=TRACK_ID, track_position_m=aim)
    outcomes, _ = fly(fleet, threats, dt_s=1.0, steps=30)
    return (resolved(outcomes), np.concatenate([o.ground_impact for o in outcomes]),
            np.concatenate([o.position_m for o in outcomes]))


def test_a_round_aimed_below_the_smooth_earth_ends_on_it():
    """No DEM: the round ends on the smooth earth (1 m, GROUND_TOLERANCE_M, below the
    ground elevation above the ellipsoid, within 0.1 m) about where its straight line
    crosses it (20 m down at 1 in 20: 400 m out), after about a second; with impacts off
    it flies on below the ground to its closest approach of the point."""
    result, grounded, position = aimed_below(True)
    assert grounded.tolist() == [True]
    assert abs(float(FRAME.to_geodetic(position[0])[2]) + GROUND_TOLERANCE_M) < 0.1
    assert 300.0 < position[0][1] < 1_000.0
    assert result["threat_id"].tolist() == [0] and not result["killed"][0]
    assert result["time_s"][0] < 2.0
    result, grounded, position = aimed_below(False)
    assert grounded.tolist() == [False] and result["killed"].tolist() == [True]
    assert position[0][1] > 5_000.0


def test_ground_impacts_repeat_bit_for_bit():
    first, _, _ = salvo(True, [60.0, 1_500.0, 120.0], seed=3)
    again, _, _ = salvo(True, [60.0, 1_500.0, 120.0], seed=3)
    for name, values in first.items():
        np.testing.assert_array_equal(values, again[name])


@pytest.mark.parametrize("east_m, north_m, up_m", [(0.0, 4_000.0, 200.0),
                                                   (3_000.0, 5_600.0, 450.0),
                                                   (-2_000.0, 9_000.0, 30.0)])
def test_the_clearance_is_the_dem_below_the_point(east_m, north_m, up_m):
    """clearance_m: the height above the ellipsoid (pymap3d) minus the DEM's bilinear
    elevation there (Terrain.elevation_at), within 1 mm."""
    elevation, scalars = ground(True).arrays()
    lat, lon, alt = FRAME.to_geodetic(np.array([east_m, north_m, up_m]))
    expected = float(alt) - float(gaussian_ridge().elevation_at(lat, lon))
    assert clearance_m(east_m, north_m, up_m, elevation, scalars) == pytest.approx(
        expected, abs=1e-3)
