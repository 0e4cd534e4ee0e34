"""Fire-control directors over the ridge DEM: a gun 2.8 km south of the crest does not fire
at a drone the ridge hides from its director (its search radar on the crest sees the drone),
and fires at the same drone flying high enough to be seen, or over a smooth earth."""

from __future__ import annotations

import numpy as np
import pytest

import iadsim
from iadsim.sensors.fire_control import FireControlDirectors, FireControlSettings
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import TerrainView, gaussian_ridge
from ridge_builder import ridge_scenario

pytest.importorskip("rasterio", reason="the terrain extra (rasterio) is absent")

GUN_LAT = 39.975  # 2.8 km south of the crest (40.0 N), where the ridge is down to 1 m


def gun_document(drone_altitude_m: float) -> dict:
    """A drone flying west along 40.02 N (2.2 km north of the crest) to a post; the gun
    south of the ridge defends it, cued by a radar standing on the crest."""
    return {
        "name": "gun-behind-ridge", "origin": {"lat_deg": GUN_LAT, "lon_deg": 33.0},
        "sim": {"duration_s": 240.0, "dt_s": 0.5, "seed": 4},
        "defended_assets": [{"name": "post", "lat_deg": 40.02, "lon_deg": 33.0,
                             "radius_m": 500.0, "value": 1.0}],
        "sensors": [{"name": "crest-radar", "lat_deg": 40.0, "lon_deg": 33.0,
                     "height_m": 15.0, "ref_range_km": 30.0, "ref_rcs_m2": 0.1,
                     "ref_pd": 0.9, "max_range_km": 40.0, "revisit_s": 1.0,
                     "latency_s": 0.2, "min_elevation_deg": -10.0}],
        "interceptors": [{"name": "gun-burst", "kind": "gun", "min_range_km": 0.2,
                          "max_range_km": 6.0, "max_altitude_m": 3_000.0,
                          "speed_mps": 1_000.0, "lethal_radius_m": 5.0,
                          "single_shot_pk": 0.5, "aim_error_m": 1.0,
                          "cost_per_round_usd": 10_000.0}],
        "batteries": [{"name": "gun-south", "lat_deg": GUN_LAT, "lon_deg": 33.0,
                       "height_m": 5.0, "radars": ["crest-radar"],
                       "interceptor": "gun-burst", "launchers": 1,
                       "missiles_per_launcher": 40, "fire_channels": 1, "reload_s": 600.0,
                       "reaction_time_s": 1.0,
                       "fire_control": {"range_sigma_m": 3.0, "angle_sigma_mrad": 1.0,
                                        "update_rate_hz": 10.0, "max_range_km": 8.0}}],
        "threats": [{"name": "drone", "kind": "drone", "count": 1, "rcs_m2": 0.1,
                     "speed_mps": 50.0, "target": "post",
                     "route": [{"lat_deg": 40.02, "lon_deg": 33.08,
                                "altitude_m": drone_altitude_m},
                               {"lat_deg": 40.02, "lon_deg": 33.0,
                                "altitude_m": drone_altitude_m}]}],
    }


def gun_launches(scenario) -> tuple[int, int]:
    """(launches by gun-south, detections by the crest radar) in one run."""
    events = iadsim.run(scenario).events
    launches = events[events["kind"] == "interceptor_launch"]
    assert set(launches["battery"].tolist()) <= {"gun-south"}
    return len(launches), int((events["kind"] == "detection").sum())


def test_a_gun_whose_director_the_ridge_blinds_does_not_fire():
    """Seed 4. Masked: the drone is assigned to gun-south once and never fired at (the
    launch is held while the terrain hides the cue). The twins fire: at 1,200 m (over the
    ridge's grazing line from the gun) 4 bursts, over a smooth earth 3, all from
    gun-south (the 50 m/s drone crosses the 6 km range in about 2 minutes)."""
    masked, detections = gun_launches(ridge_scenario(gun_document(100.0)))
    assert detections > 50  # the crest radar tracks the drone all along
    assert masked == 0
    high, _ = gun_launches(ridge_scenario(gun_document(1_200.0)))
    smooth, _ = gun_launches(ridge_scenario(gun_document(100.0), terrain=False))
    assert (high, smooth) == (4, 3)


def test_a_director_acquires_only_in_view_and_loses_the_lock_behind_the_ridge():
    """Unit level: the director 2.8 km south of the crest; a threat 2.2 km north of it at
    100 m is hidden (no lock, the cue reported hidden), at 1,200 m it is locked; a locked
    threat that dives behind the ridge is dropped at the first hidden look."""
    frame = LocalFrame(GUN_LAT, 33.0, 0.0)
    settings = FireControlSettings(3.0, 1e-3, 10.0, 8_000.0, 150.0, 2.0)
    velocity = np.array([-50.0, 0.0, 0.0])

    def director(terrain: bool) -> FireControlDirectors:
        made = FireControlDirectors(np.array([[0.0, 0.0, 5.0]]), [settings], np.array([1]),
                                    np.random.default_rng(2))
        if terrain:
            made.use_terrain(TerrainView(gaussian_ridge(), frame), 0.0)
        return made

    for altitude_m, expected in ((100.0, -1), (1_200.0, 0)):
        truth = frame.to_enu(40.02, 33.01, altitude_m).reshape(1, 3)
        for terrain in (True, False):
            unit = director(terrain)
            unit.cue(0.0, 0, 3, truth[0], velocity)
            unit.measure(0.0, 1.0, truth, truth + velocity, np.array([True]))
            locked = expected if terrain else 0
            assert unit.locked_threat.tolist() == [locked]
            assert unit.cue_hidden(1.0, 0, 3) == (terrain and locked < 0)
    # Locked at 1,200 m, the threat then drops to 100 m within the next step.
    unit = director(True)
    high = frame.to_enu(40.02, 33.01, 1_200.0).reshape(1, 3)
    low = frame.to_enu(40.02, 33.01, 100.0).reshape(1, 3)
    unit.cue(0.0, 0, 3, high[0], np.zeros(3))
    unit.measure(0.0, 1.0, high, high, np.array([True]))
    assert unit.locked_threat.tolist() == [0] and unit.measurements[0] == 10
    unit.measure(1.0, 2.0, high, low, np.array([True]))
    # Hidden below about 700 m, half-way down: the four looks before count, then it is lost.
    assert unit.locked_threat.tolist() == [-1] and unit.measurements[0] == 4
