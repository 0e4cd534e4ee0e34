"""The built-in ``valley-defense`` scenario: its synthetic DEM, and what the terrain does to
what each radar sees.

The assertions are on detections (physics: coverage, terrain, clutter), which the tracker
and battle manager do not change: the radar at the dam is blind beyond the valley's first
bend, the gap filler high on the south wall sees the cruise missiles two bends up, and
without the DEM (the same scenario over a smooth earth) the dam's radar sees them far out.
"""

from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

import iadsim
from iadsim.scenario import load_scenario, scenario_from_dict
from iadsim.scenario.yaml_loader import load_yaml
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import (
    VALLEY_CREST_M,
    VALLEY_FLOOR_M,
    load_terrain,
    valley_centre_km,
    winding_valley,
)

BUILTIN = Path(str(resources.files("iadsim.scenario") / "builtin"))
CRUISE = [0, 1, 2, 3]  # threat ids of the valley-cruise group (the first group)


def test_the_committed_dem_is_what_its_generator_makes():
    committed = load_terrain(BUILTIN / "terrain" / "valley.tif", VALLEY_FLOOR_M)
    made = winding_valley()
    np.testing.assert_array_equal(committed.elevation_m, made.elevation_m)
    assert committed.first_lat_deg == pytest.approx(made.first_lat_deg, abs=1e-9)
    assert committed.first_lon_deg == pytest.approx(made.first_lon_deg, abs=1e-9)
    assert committed.lat_step_deg == pytest.approx(made.lat_step_deg, abs=1e-12)


def test_the_valley_floor_winds_between_walls():
    """On the centre line the ground is the floor; 6 km off it, the crest (give or take the
    hills); the centre line swings 2.5 km north and south."""
    terrain = winding_valley()
    lat = terrain.first_lat_deg + np.arange(terrain.elevation_m.shape[0]) * terrain.lat_step_deg
    lon = terrain.first_lon_deg + np.arange(terrain.elevation_m.shape[1]) * terrain.lon_step_deg
    metres_per_degree = np.radians(1.0) * 6_371_008.8
    east_km = (lon - 41.0) * metres_per_degree * np.cos(np.radians(39.0)) / 1e3
    north_km = (lat - 39.0) * metres_per_degree / 1e3
    column = np.argmin(np.abs(east_km + 30.0))  # 30 km west of the dam
    centre = valley_centre_km(east_km[column])
    floor_row = np.argmin(np.abs(north_km - centre))
    assert terrain.elevation_m[floor_row, column] == pytest.approx(VALLEY_FLOOR_M, abs=5.0)
    crest_row = np.argmin(np.abs(north_km - (centre - 6.0)))
    assert terrain.elevation_m[crest_row, column] >= VALLEY_CREST_M - 1.0
    assert abs(centre) == pytest.approx(2.5, abs=0.01)


def test_valley_defense_loads_as_a_builtin_with_its_dem():
    scenario = load_scenario("valley-defense")
    assert Path(scenario.terrain.dem_file) == BUILTIN / "terrain" / "valley.tif"
    assert [group.name for group in scenario.threats] == [
        "valley-cruise", "ridge-drones", "strike-pair"]
    assert all(group.terrain_following for group in scenario.threats[:2])


def first_detection_km(result, sensor: str) -> dict[int, float]:
    """Each cruise missile's distance (km) from the dam at its first detection by
    ``sensor``, from the plot's position (missing when never detected)."""
    events = result.events
    seen = events[(events["kind"] == "detection") & (events["sensor"] == sensor)
                  & events["threat_id"].isin(CRUISE)]
    first = seen.sort_values("time_s").groupby("threat_id").first()
    frame = LocalFrame(39.0, 41.0, 800.0)
    dam = frame.to_enu(39.0, 41.0, 800.0).reshape(3)
    # The detection's own measured position (tens of metres off at these ranges).
    out = {}
    for threat, row in first.iterrows():
        position = np.array([row["east_m"], row["north_m"]])
        out[int(threat)] = float(np.hypot(*(position - dam[:2]))) / 1e3
    return out


@pytest.fixture(scope="module")
def valley_runs():
    """The scenario as shipped, and its twin over a smooth earth (no DEM), seed 1."""
    document = load_yaml((BUILTIN / "valley-defense.yaml").read_text())
    document["terrain"] = {"dem_file": str(BUILTIN / "terrain" / "valley.tif")}
    smooth = copy.deepcopy(document)
    del smooth["terrain"]
    for group in smooth["threats"]:
        group.pop("terrain_following", None)
    return {"terrain": iadsim.run(scenario_from_dict(document)),
            "smooth": iadsim.run(scenario_from_dict(smooth))}


def test_the_dam_radar_is_blind_beyond_the_first_bend(valley_runs):
    """With the DEM the dam's radar first sees each cruise missile within 10 km (the
    first bend is 6-12 km up the valley); over a smooth earth, 20 km or more out."""
    with_terrain = first_detection_km(valley_runs["terrain"], "dam-radar")
    smooth = first_detection_km(valley_runs["smooth"], "dam-radar")
    assert sorted(with_terrain) == sorted(smooth) == CRUISE
    assert max(with_terrain.values()) < 10.0, with_terrain
    assert min(smooth.values()) > 20.0, smooth


def test_the_gap_filler_on_the_wall_sees_the_cruise_missiles_two_bends_up(valley_runs):
    """The ridge radar first sees each cruise missile 15-25 km from the dam, about a
    minute of flight before the dam's radar does."""
    ridge = first_detection_km(valley_runs["terrain"], "ridge-radar")
    dam = first_detection_km(valley_runs["terrain"], "dam-radar")
    assert sorted(ridge) == CRUISE
    assert all(15.0 < distance < 25.0 for distance in ridge.values()), ridge
    assert all(ridge[threat] > dam[threat] + 8.0 for threat in CRUISE), (ridge, dam)
