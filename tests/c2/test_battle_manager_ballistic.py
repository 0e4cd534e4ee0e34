"""The battle manager on a ballistic track: the engagement is opened for the asset at the
track's predicted impact point, not for the one its ground track passes first.

The scenario's own threat (the truth) flies far to the west; the battle manager sees only
the noisy picture below (a missile from 30 km up, 1,000 m/s east, falling 60 km east).
"""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.battle_manager import BattleManager, DefendedAssets
from iadsim.effectors.batteries import Batteries, interceptor_table
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.engine.random_streams import stream
from iadsim.events import EventKind, EventLog
from iadsim.scenario.loader import scenario_from_dict
from iadsim.tracking.tracker import TrackPicture
from iadsim.world.atmosphere import STANDARD_GRAVITY_MPS2
from iadsim.world.geodesy import LocalFrame

FRAME = LocalFrame(40.0, 33.0, 0.0)
# A valuable city 30 km east (overflown at about 19 km), a depot 60 km east (the impact).
ASSETS = DefendedAssets(np.array([[30_000.0, 0.0, 0.0], [60_000.0, 0.0, 0.0]]),
                        np.array([1_000.0, 1_000.0]), np.array([10.0, 5.0]))


def battle_manager() -> BattleManager:
    document = {
        "name": "ballistic-test", "origin": {"lat_deg": 40.0, "lon_deg": 33.0},
        "sim": {"duration_s": 600, "dt_s": 1.0},
        "sensors": [{"name": "search", "profile": "s400-class-search-radar",
                     "lat_deg": 40.0, "lon_deg": 33.0, "height_m": 20}],
        "batteries": [{"name": "long", "profile": "s400-class-battery", "lat_deg": 40.0,
                       "lon_deg": 33.3, "radars": ["search"]}],
        "threats": [{"name": "elsewhere", "profile": "loitering-munition", "route": [
            {"lat_deg": 40.0, "lon_deg": 31.0, "altitude_m": 500},
            {"lat_deg": 40.5, "lon_deg": 30.5, "altitude_m": 500}]}],
    }
    scenario = scenario_from_dict(document)
    types = interceptor_table(scenario)
    return BattleManager(scenario.doctrine, Batteries(scenario, FRAME, types), types, ASSETS,
                         InterceptorFleet(types, stream(1, "effectors")), FRAME, 0.0,
                         EventLog(["search"], ["long"], ["city", "depot"]))


def noisy_picture(seed: int, ballistic_model: bool) -> TrackPicture:
    rng = np.random.default_rng(seed)
    fall_mps = (0.5 * STANDARD_GRAVITY_MPS2 * 60.0**2 - 30_000.0) / 60.0
    position = np.array([[0.0, 0.0, 30_000.0]]) + rng.normal(0.0, 200.0, (1, 3))
    velocity = np.array([[1_000.0, 0.0, fall_mps]]) + rng.normal(0.0, 10.0, (1, 3))
    gravity = np.array([[0.0, 0.0, -STANDARD_GRAVITY_MPS2]])
    return TrackPicture(0.0, np.array([5]), position, velocity, np.eye(3)[None] * 4e4,
                        np.array([[-0.5]]), np.array([10.0]), np.array([-1], dtype=np.int8),
                        np.zeros(1), gravity if ballistic_model else None)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_engagement_defends_the_asset_at_the_impact_point(seed):
    manager = battle_manager()
    manager.step(0.0, noisy_picture(seed, ballistic_model=True))
    assignments = manager.log.to_frame()
    assignments = assignments[assignments["kind"] == EventKind.ASSIGNMENT.value]
    assert assignments["asset"].astype(str).tolist() == ["depot"]
    # Without the ballistic model the same track is read as flying on at the city.
    straight = battle_manager()
    straight.step(0.0, noisy_picture(seed, ballistic_model=False))
    assignments = straight.log.to_frame()
    assignments = assignments[assignments["kind"] == EventKind.ASSIGNMENT.value]
    assert assignments["asset"].astype(str).tolist() == ["city"]
