"""Scenarios over the ridge DEM of the terrain tests (tests/data/terrain/ridge.tif: one
east-west Gaussian ridge, crest 400 m at 40.0 N, width 800 m, over 39.7-40.3 N and
32.7-33.3 E; flat ground at 0 m around it). A plain module, as small_site_builder."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import Scenario

RIDGE_PATH = Path(__file__).parent / "data" / "terrain" / "ridge.tif"
#: Metres per degree of latitude (mean sphere) and of longitude at 40 N.
M_PER_DEG_LAT = 111_195.0
M_PER_DEG_LON = 85_180.0
CREST_LAT = 40.0


def ridge_scenario(document: dict[str, Any], terrain: bool = True) -> Scenario:
    """``document`` with the ridge DEM (``terrain``) or over a smooth earth (the twin)."""
    document = copy.deepcopy(document)
    document.pop("terrain", None)
    if terrain:
        document["terrain"] = {"dem_file": str(RIDGE_PATH)}
    return scenario_from_dict(document)


#: A search radar on a 20 m mast 22.2 km south of the crest (39.8 N), with a receiver for
#: jamming and cells for clutter: the radar of the jamming, clutter and coverage tests
#: over the ridge.
VALLEY_RADAR = {"name": "valley", "lat_deg": 39.8, "lon_deg": 33.0, "height_m": 20.0,
                "ref_range_km": 40.0, "ref_rcs_m2": 1.0, "max_range_km": 80.0,
                "revisit_s": 2.0, "resolution_cells": 0.0, "azimuth_beamwidth_deg": 2.0,
                "elevation_beamwidth_deg": 2.0, "range_resolution_m": 150.0,
                "receiver": {"gain_rx_db": 35.0, "frequency_hz": 3e9, "bandwidth_hz": 1e6,
                             "system_temperature_k": 500.0}}
