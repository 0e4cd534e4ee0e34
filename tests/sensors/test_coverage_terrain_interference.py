"""Coverage maps mask jammers and clutter by the DEM as the simulation does: over the
ridge DEM (tests/ridge_builder.py), the coverage Pd at a grid cell equals the detection rate
of the simulation's own radar network (its terrain mask, its jammers) for a target placed
there, with a stand-off jammer hidden behind the ridge and with the same jammer in the
open; and a range cell whose ground the ridge shadows adds no clutter to the map."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from iadsim.engine.simulation import Simulation
from iadsim.sensors.coverage import coverage
from iadsim.sensors.radar import LookPositions
from ridge_builder import CREST_LAT, M_PER_DEG_LAT, VALLEY_RADAR, ridge_scenario

pytest.importorskip("rasterio", reason="the terrain extra (rasterio) is absent")

#: A 20 m mast 22.2 km south of the crest (the radar of test_jamming_clutter_terrain).
RADAR = VALLEY_RADAR
#: The jammer 5.6 km beyond the crest, due north of the radar: at 100 m the ridge hides
#: it (its grazing line there is about 500 m up), at 3,000 m it is in the open.
HIDDEN_M, OPEN_M = 100.0, 3_000.0
TARGET_ALTITUDE_M = 3_000.0
#: Looks per cell: a steady target's detection rate is its Pd within 4 standard errors
#: (at most 0.5 / sqrt(looks) each) plus the kernel's 0.005 dB Pd table.
LOOKS = 20_000


def document(jammer_altitude_m: float | None, radar: dict | None = None) -> dict:
    sections = {} if jammer_altitude_m is None else {"jammers": [
        {"name": "soj", "lat_deg": 40.05, "lon_deg": 33.0, "altitude_m": jammer_altitude_m,
         "erp_w": 10.0, "bandwidth_hz": 100e6}]}
    return {"name": "ridge-coverage", "origin": {"lat_deg": 39.8, "lon_deg": 33.0},
            "sim": {"duration_s": 60.0, "dt_s": 1.0, "seed": 6}, "sensors": [radar or RADAR],
            "threats": [{"name": "strike", "kind": "aircraft", "count": 1, "rcs_m2": 1.0,
                         "speed_mps": 200.0,
                         "route": [{"lat_deg": 40.25, "lon_deg": 33.0, "altitude_m": 3_000.0},
                                   {"lat_deg": 39.85, "lon_deg": 33.0,
                                    "altitude_m": 3_000.0}]}],
            **sections}


def simulation_pd(scenario, lat_deg: float, lon_deg: float, altitude_m: float,
                  time_s: float = 10.0) -> float:
    """The detection rate of the simulation's radar 0 (its jammers, its terrain mask) on
    ``LOOKS`` steady 1 m^2 targets at one place, ``altitude_m`` above the DEM's ground
    there, in one look at ``time_s``."""
    simulation = Simulation(scenario, seed=6)
    radars = simulation.radars
    if radars.jammers is not None:  # the run's one threat carries none; nor do these
        radars.jammers = replace(radars.jammers, carried_erp_w=np.zeros(LOOKS),
                                 carried_bandwidth_hz=np.ones(LOOKS))
    terrain = radars.terrain_mask.terrain
    ground = float(terrain.elevation_at(lat_deg, lon_deg))
    point = simulation.frame.to_enu(lat_deg, lon_deg, ground + altitude_m).reshape(1, 3)
    height = ground + altitude_m - scenario.origin.ground_elevation_m
    positions = np.repeat(point, LOOKS, axis=0)
    heights = np.full(LOOKS, height)
    batches = radars._looks([(time_s, np.array([0]))], np.ones(1),
                            LookPositions(positions, positions, heights, heights),
                            np.ones(LOOKS), np.arange(LOOKS), np.zeros((LOOKS, 3)),
                            simulation.log)
    detected = sum(int((batch.threat_id >= 0).sum()) for batch in batches)
    return detected / LOOKS


def middling_cells(grid, count: int = 3) -> np.ndarray:
    """Up to ``count`` (row, column) cells of the map with 0.1 < Pd < 0.9, spread out."""
    cells = np.argwhere((grid.pd[0] > 0.1) & (grid.pd[0] < 0.9))
    return cells[:: max(len(cells) // count, 1)][:count]


@pytest.fixture(scope="module")
def maps():
    """The map without a jammer, with it hidden and with it in the open (jammer on at
    10 s), for a target 3,000 m above the ground, and their scenarios."""
    scenarios = {name: ridge_scenario(document(altitude)) for name, altitude in
                 (("clear", None), ("hidden", HIDDEN_M), ("open", OPEN_M))}
    grids = {name: coverage(scenario, rcs_m2=1.0, altitude_m=TARGET_ALTITUDE_M, cells=61,
                            jammers_at_s=10.0) for name, scenario in scenarios.items()}
    return scenarios, grids


def test_a_jammer_the_ridge_hides_leaves_the_map_as_without_it(maps):
    _, grids = maps
    clear, hidden, in_open = grids["clear"], grids["hidden"], grids["open"]
    assert hidden.terrain and hidden.interference.stand_off_jammers == ("soj",)
    assert np.array_equal(hidden.pd, clear.pd)
    # The record says why: the ridge hides soj from valley, so no radar is jammed.
    assert hidden.interference.hidden_by_terrain == (("valley", "soj"),)
    assert not hidden.interference.jamming
    assert hidden.interference.describe() == (
        "no clutter, no jamming, terrain hides 1 jammer-radar pair(s)")
    assert in_open.interference.jammed_radars == ("valley",)
    assert in_open.interference.hidden_by_terrain == ()
    # In the open the mainbeam and sidelobe jamming shrink the map (about 1,960 km^2
    # clear, 760 km^2 jammed).
    assert in_open.covered_area_km2()[1] < 0.5 * clear.covered_area_km2()[1]
    # Over a smooth earth (the twin) the low jammer is in view and jams too.
    smooth = coverage(ridge_scenario(document(HIDDEN_M), terrain=False), rcs_m2=1.0,
                      altitude_m=TARGET_ALTITUDE_M, cells=61, jammers_at_s=10.0)
    assert smooth.covered_area_km2()[1] < 0.5 * clear.covered_area_km2()[1]


@pytest.mark.parametrize("case", ["hidden", "open"])
def test_map_pd_is_the_simulations_pd_at_that_cell(maps, case):
    """At cells of middling Pd, the map's Pd equals the simulation's detection rate of a
    target placed there: hidden, the cells of middling Pd of the clear map (the jammer
    does not count in either); in the open, those of the jammed map (it counts in both)."""
    scenarios, grids = maps
    grid = grids[case]
    cells = middling_cells(grids["clear"] if case == "hidden" else grid)
    assert len(cells) == 3
    for row, column in cells:
        expected = simulation_pd(scenarios[case], grid.lat_deg[row], grid.lon_deg[column],
                                 TARGET_ALTITUDE_M)
        assert grid.pd[0, row, column] == pytest.approx(expected, abs=0.03)
    if case == "open":  # the same cells without the jammer: clearly more
        row, column = cells[0]
        assert grids["clear"].pd[0, row, column] > grid.pd[0, row, column] + 0.1


CLUTTER_RADAR = {**RADAR, "height_m": 100.0, "elevation_beamwidth_deg": 10.0,
                 "surface": {"kind": "land", "land_type": "rugged_mountain"}}


def test_clutter_only_where_the_radar_sees_the_ground_of_the_range_cell():
    """The 100 m mast with a 10 deg fan beam over rugged mountains, a target 1,200 m above
    the ground: beyond the crest the range cells' ground is in the ridge's shadow, and the
    map there is that of the same radar without a surface (bit for bit), as the simulation
    sees it; in front of the ridge the clutter takes most of the cover; over a smooth earth
    it takes it beyond the crest too."""
    quiet_radar = {key: value for key, value in CLUTTER_RADAR.items() if key != "surface"}
    options = {"rcs_m2": 1.0, "altitude_m": 1_200.0, "cells": 61}
    cluttered = coverage(ridge_scenario(document(None, CLUTTER_RADAR)), **options)
    quiet = coverage(ridge_scenario(document(None, quiet_radar)), **options)
    smooth = coverage(ridge_scenario(document(None, CLUTTER_RADAR), terrain=False),
                      **options)
    assert cluttered.interference.clutter_radars == ("valley",)
    beyond = cluttered.lat_deg > CREST_LAT + 2_000.0 / M_PER_DEG_LAT
    near = cluttered.lat_deg < CREST_LAT - 5_000.0 / M_PER_DEG_LAT
    column = np.argmin(np.abs(cluttered.lon_deg - 33.0))
    quiet_far = quiet.pd[0][beyond, column]
    assert (quiet_far > 0.2).sum() >= 5
    assert np.array_equal(cluttered.pd[0][beyond, column], quiet_far)
    # The simulation: beyond the crest, the same rate with and without the surface.
    row = np.nonzero(beyond)[0][np.argmin(np.abs(quiet_far - 0.5))]
    rate = simulation_pd(ridge_scenario(document(None, CLUTTER_RADAR)),
                         cluttered.lat_deg[row], cluttered.lon_deg[column], 1_200.0)
    assert cluttered.pd[0, row, column] == pytest.approx(rate, abs=0.03)
    # In view of the ground the clutter counts: in front of the ridge, and over the
    # smooth earth beyond the crest.
    assert (cluttered.pd[0][near, column] >= 0.9).sum() < 0.5 * (
        quiet.pd[0][near, column] >= 0.9).sum()
    assert smooth.pd[0][beyond, column].sum() < 0.5 * quiet_far.sum()


def test_the_masks_viewshed_is_viewshed_and_keeps_the_same_ground_view():
    """TerrainMask.viewshed (the map's target test) is world.terrain.viewshed, and the
    ground view it keeps from the same sweep is ground_in_view's, bit for bit."""
    from iadsim.world.geodesy import LocalFrame
    from iadsim.world.terrain import TerrainMask, gaussian_ridge, ground_in_view, viewshed

    ridge = gaussian_ridge()
    mask = TerrainMask(ridge, np.array([39.8]), np.array([33.0]), np.array([120.0]),
                       LocalFrame(39.8, 33.0, 0.0), np.array([60_000.0]))
    lat, lon = np.meshgrid(np.linspace(39.6, 40.3, 40), np.linspace(32.6, 33.4, 40))
    alt = np.full(lat.shape, 300.0)
    seen = mask.viewshed(0, lat, lon, alt)
    assert 0 < seen.sum() < seen.size
    np.testing.assert_array_equal(seen, viewshed(ridge, 39.8, 33.0, 120.0, lat, lon, alt,
                                                 60_000.0))
    kept = mask._ground_views[0]
    fresh = ground_in_view(ridge, 39.8, 33.0, 120.0, 60_000.0)
    assert kept.spacing_m == fresh.spacing_m
    np.testing.assert_array_equal(kept.seen, fresh.seen)
