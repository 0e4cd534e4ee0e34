"""One small run, written once, that every export test reads.

The Sinop trial with a harbour at the end of the high runs, a battery of a single round
(so one high run is killed and the other leaks), the low runs ending nowhere near an
asset (they withdraw), and a search-radar outage (a gap in its coverage's availability).
"""

from __future__ import annotations

import pytest

import iadsim
from iadsim.scenario.loader import load_scenario

HARBOUR = {"name": "harbour", "lat_deg": 42.55, "lon_deg": 36.30, "value": 5.0,
           "radius_m": 3000.0}
OUTAGE = {"start_s": 150.0, "end_s": 200.0}


def small_scenario() -> iadsim.Scenario:
    document = load_scenario("sinop-trial").model_dump()
    document["name"] = "sinop-export"
    document["sim"]["duration_s"] = 600.0
    document["defended_assets"] = [HARBOUR]
    high, low = document["threats"]
    high.update(target="harbour", spacing_s=60.0, route=[
        {"lat_deg": 42.45, "lon_deg": 35.70, "altitude_m": 3000.0},
        {"lat_deg": 42.55, "lon_deg": 36.30, "altitude_m": 3000.0}])
    low.update(start_s=30.0, spacing_s=60.0, route=[
        {"lat_deg": 42.30, "lon_deg": 35.50, "altitude_m": 150.0},
        {"lat_deg": 42.35, "lon_deg": 34.90, "altitude_m": 150.0}])
    document["batteries"][0].update(launchers=1, missiles_per_launcher=1, reserve_missiles=0)
    document["sensors"][0]["outages"] = [OUTAGE]
    return iadsim.Scenario.model_validate(document)


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory):
    """The folder of one run (seed 3) and its RunResult."""
    folder = tmp_path_factory.mktemp("export-run") / "run"
    result = iadsim.run(small_scenario(), seed=3, out=folder)
    return folder, result
