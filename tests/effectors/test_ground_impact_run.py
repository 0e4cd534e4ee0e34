"""End to end over the ridge DEM: a missile battery 5.6 km south of the crest fires at a
low drone flying west 3 km north of it (a radar on the crest tracks the drone). Its rounds
fly into the ridge: each logs a ground_impact with the intercept and miss of the drone,
the battle manager learns the engagement ended and fires again. Over a smooth earth the
same battery kills the drone."""

from __future__ import annotations

import pytest

import iadsim
from ridge_builder import M_PER_DEG_LAT, ridge_scenario

pytest.importorskip("rasterio", reason="the terrain extra (rasterio) is absent")

BATTERY_LAT = 40.0 - 5_600.0 / M_PER_DEG_LAT
DRONE_LAT = 40.0 + 3_000.0 / M_PER_DEG_LAT


def document(ground: str | None = None) -> dict:
    """The drone at 60 m (under the crest's line from the battery) flies west 9 km to a
    post; the battery ``sam-south`` fires up to 6 rounds, one at a time."""
    sim = {"duration_s": 260.0, "dt_s": 0.5, "seed": 2}
    if ground is not None:
        sim["interceptor_ground"] = ground
    return {
        "name": "sam-behind-ridge", "origin": {"lat_deg": BATTERY_LAT, "lon_deg": 33.0},
        "sim": sim,
        "defended_assets": [{"name": "post", "lat_deg": DRONE_LAT, "lon_deg": 32.98,
                             "radius_m": 500.0, "value": 1.0}],
        "sensors": [{"name": "crest-radar", "lat_deg": 40.0, "lon_deg": 33.0,
                     "height_m": 15.0, "ref_range_km": 30.0, "ref_rcs_m2": 0.1,
                     "ref_pd": 0.9, "max_range_km": 40.0, "revisit_s": 1.0,
                     "latency_s": 0.2, "min_elevation_deg": -10.0}],
        "interceptors": [{"name": "sam", "min_range_km": 0.5, "max_range_km": 20.0,
                          "max_altitude_m": 10_000.0, "speed_mps": 800.0,
                          "lethal_radius_m": 8.0, "single_shot_pk": 0.9,
                          "seeker_range_km": 5.0, "aim_error_m": 1.0,
                          "cost_per_round_usd": 100_000.0}],
        "batteries": [{"name": "sam-south", "lat_deg": BATTERY_LAT, "lon_deg": 33.0,
                       "height_m": 5.0, "radars": ["crest-radar"], "interceptor": "sam",
                       "launchers": 1, "missiles_per_launcher": 6, "fire_channels": 1,
                       "reload_s": 600.0, "reaction_time_s": 1.0}],
        "threats": [{"name": "drone", "kind": "drone", "count": 1, "rcs_m2": 0.1,
                     "speed_mps": 50.0, "target": "post",
                     "route": [{"lat_deg": DRONE_LAT, "lon_deg": 33.08, "altitude_m": 60.0},
                               {"lat_deg": DRONE_LAT, "lon_deg": 32.98,
                                "altitude_m": 60.0}]}],
    }


def outcome_events(scenario):
    events = iadsim.run(scenario).events
    return events, {kind: events[events["kind"] == kind] for kind in (
        "interceptor_launch", "intercept", "kill", "miss", "ground_impact", "self_destruct")}


def test_rounds_into_the_ridge_are_misses_and_the_battery_fires_again():
    events, kinds = outcome_events(ridge_scenario(document()))
    launches, impacts = kinds["interceptor_launch"], kinds["ground_impact"]
    assert set(launches["battery"]) == {"sam-south"}
    assert len(launches) >= 2 and len(kinds["kill"]) == 0
    # Every round ended in the ridge: one ground impact, intercept and miss of the drone
    # each (the miss at kilometres), none self-destructed.
    assert sorted(impacts["interceptor_id"]) == sorted(launches["interceptor_id"])
    assert set(impacts["battery"]) == {"sam-south"} and (impacts["threat_id"] == -1).all()
    misses = kinds["miss"]
    assert sorted(misses["interceptor_id"]) == sorted(launches["interceptor_id"])
    assert (misses["threat_id"] == 0).all() and (misses["value"] > 1_000.0).all()
    assert len(kinds["intercept"]) == len(misses) and len(kinds["self_destruct"]) == 0
    # Seed 2: the magazine's 6 rounds, one at a time. The first four end on the ridge's
    # south slope (1.5-2.2 km short of the crest, 10-60 m up) some 5 s after launch; the
    # last two, fired on tracks whose height had drifted down to the ground, are aimed at
    # the ground's surface there (the fire control predicts no target below the ground),
    # not into the flat ground short of the ridge, and end at the slope's foot and on it.
    assert len(launches) == 6
    north = impacts.sort_values("interceptor_id")["north_m"].to_numpy()
    assert ((north[:4] > 3_400.0) & (north[:4] < 4_100.0)).all()
    assert ((north[4:] > 2_500.0) & (north[4:] < 4_100.0)).all()
    assert (impacts["value"] < 6.0).all()
    # Re-engaged: each later round was assigned and left after the previous one's impact.
    launch_times = launches.sort_values("interceptor_id")["time_s"].to_numpy()
    impact_times = impacts.sort_values("interceptor_id")["time_s"].to_numpy()
    assert (launch_times[1:] > impact_times[:-1]).all()
    assignments = events[events["kind"] == "assignment"]["time_s"].to_numpy()
    for before, after in zip(impact_times[:-1], launch_times[1:], strict=True):
        assert ((assignments > before) & (assignments < after)).any()


def test_over_a_smooth_earth_or_with_impacts_off_the_battery_kills_the_drone():
    for scenario in (ridge_scenario(document(), terrain=False),
                     ridge_scenario(document("none"))):
        _, kinds = outcome_events(scenario)
        assert len(kinds["ground_impact"]) == 0
        assert len(kinds["kill"]) == 1
        assert set(kinds["kill"]["battery"]) == {"sam-south"}
