"""A small defended site that tests of the battle manager, the step loop and the summary
can change one field at a time (``from small_site_builder import small_site``).

A plain module, not a conftest: a second conftest.py in a test folder would shadow the
name ``conftest`` for imports."""

from __future__ import annotations

import copy
from typing import Any

from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import Scenario

KM_PER_DEGREE_LON_AT_40N = 85.39  # 111.32 km x cos(40 deg)

SMALL_SITE: dict[str, Any] = {
    "name": "small-site",
    "origin": {"lat_deg": 40.0, "lon_deg": 33.0},
    "sim": {"duration_s": 400.0, "dt_s": 0.5, "seed": 3},
    "defended_assets": [{"name": "depot", "lat_deg": 40.0, "lon_deg": 33.0, "value": 5.0,
                         "radius_m": 1_000.0}],
    "sensors": [
        {"name": "home-radar", "lat_deg": 40.0, "lon_deg": 33.0, "height_m": 10.0,
         "ref_range_km": 45.0, "ref_rcs_m2": 0.1, "ref_pd": 0.9, "max_range_km": 60.0,
         "revisit_s": 2.0, "latency_s": 0.3},
        {"name": "east-radar", "lat_deg": 40.0, "lon_deg": 33.0 + 20.0 / KM_PER_DEGREE_LON_AT_40N,
         "height_m": 10.0, "ref_range_km": 60.0, "ref_rcs_m2": 0.1, "ref_pd": 0.9,
         "max_range_km": 80.0, "revisit_s": 1.0, "latency_s": 0.2},
    ],
    "interceptors": [
        {"name": "sam-missile", "min_range_km": 0.5, "max_range_km": 25.0,
         "max_altitude_m": 20_000.0, "speed_mps": 800.0, "lethal_radius_m": 15.0,
         "single_shot_pk": 0.9, "seeker_range_km": 5.0, "aim_error_m": 2.0,
         "max_flight_time_s": 60.0, "cost_per_round_usd": 500_000.0},
        {"name": "gun-burst", "kind": "gun", "min_range_km": 0.2, "max_range_km": 4.0,
         "max_altitude_m": 3_000.0, "speed_mps": 1_000.0, "lethal_radius_m": 5.0,
         "single_shot_pk": 0.5, "seeker_range_km": 4.0, "aim_error_m": 1.0,
         "cost_per_round_usd": 10_000.0},
    ],
    "batteries": [
        {"name": "sam-home", "lat_deg": 40.0, "lon_deg": 33.0, "radars": ["home-radar"],
         "interceptor": "sam-missile", "launchers": 2, "missiles_per_launcher": 4,
         "fire_channels": 2, "reload_s": 600.0, "reaction_time_s": 2.0},
        {"name": "gun-home", "lat_deg": 40.0, "lon_deg": 33.002, "radars": ["home-radar"],
         "interceptor": "gun-burst", "launchers": 1, "missiles_per_launcher": 50,
         "fire_channels": 1, "reload_s": 600.0, "reaction_time_s": 1.0},
    ],
    "threats": [
        {"name": "cruise-pair", "kind": "cruise_missile", "count": 2, "spacing_s": 10.0,
         "lanes": 2, "lane_spacing_m": 500.0, "rcs_m2": 0.1, "speed_mps": 250.0,
         "unit_cost_usd": 1_000_000.0, "target": "depot",
         "route": [{"lat_deg": 40.0, "lon_deg": 33.0 + 60.0 / KM_PER_DEGREE_LON_AT_40N,
                    "altitude_m": 300.0},
                   {"lat_deg": 40.0, "lon_deg": 33.0, "altitude_m": 300.0}]},
    ],
}


def small_site(**changes: Any) -> Scenario:
    """The small site with top-level sections replaced or, for ``doctrine``, updated."""
    document = copy.deepcopy(SMALL_SITE)
    for key, value in changes.items():
        document[key] = value
    return scenario_from_dict(document)
