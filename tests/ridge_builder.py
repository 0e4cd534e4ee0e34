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
