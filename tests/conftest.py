"""Shared fixtures of the whole suite."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from small_site_builder import SMALL_SITE


@pytest.fixture
def site_document() -> dict[str, Any]:
    """A fresh copy of the small site's document, to edit."""
    return copy.deepcopy(SMALL_SITE)


@pytest.fixture(scope="session")
def small_run_folder(tmp_path_factory: pytest.TempPathFactory):
    """The run folder of a small site where both batteries fire and a third never does:
    the SAM (2 rounds loaded, 1 in reserve) kills 2 drones and a cruise missile and reloads
    once, the guns fire twice at the other cruise missile and miss, it leaks, and the last
    drone is still flying at the end. Read-only: copy to edit."""
    from iadsim.api import run
    from iadsim.scenario import scenario_from_dict

    document = copy.deepcopy(SMALL_SITE)
    document["batteries"][0].update(launchers=1, missiles_per_launcher=2, reload_s=60.0,
                                    reserve_missiles=1)
    document["batteries"][1].update(missiles_per_launcher=2)
    document["batteries"].append({**document["batteries"][0], "name": "sam-far",
                                  "lat_deg": 41.0})
    document["threats"].append({
        "name": "late-drones", "kind": "drone", "count": 3, "spacing_s": 5.0,
        "rcs_m2": 0.01, "speed_mps": 60.0, "unit_cost_usd": 20_000.0, "target": "depot",
        "route": [{"lat_deg": 40.0 + 30 / 111.3, "lon_deg": 33.0, "altitude_m": 100.0},
                  {"lat_deg": 40.0, "lon_deg": 33.0, "altitude_m": 100.0}]})
    folder = tmp_path_factory.mktemp("small-run") / "run"
    run(scenario_from_dict(document), out=folder)
    return folder
