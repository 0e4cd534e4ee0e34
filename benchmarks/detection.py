"""Detection theory and coverage: wall time of the public functions at scale.

Prints one JSON line per measurement (run ``--help`` for the options):

* ``pd_evaluations``: :func:`iadsim.sensors.detection.probability_of_detection` on
  ``--evaluations`` SNRs (uniform -10 to 30 dB) at Pfa 1e-6 with ``--pulses`` pulses, per
  Swerling case; best of ``--repeat``.
* ``coverage_map``: :func:`iadsim.coverage` on a ``--cells`` x ``--cells`` grid for a
  scenario of ``--radars`` copies of the catalog's medium-range radar spread over 100 km;
  best of ``--repeat`` after one warm-up; again with ``--terrain``, over a synthetic DEM of
  random hills (``terrain_dem``: 0.005 degree cells, written to a temporary GeoTIFF), which
  masks every radar along the 4/3-earth ray to every grid point in view.
* ``coverage_map_surface`` (with ``--surface``): the same map over a sea state 3 surface,
  so every radar's clutter after its MTI improvement enters each point's SINR
  (:func:`iadsim.sensors.radar_environment.interference_to_noise`), at ``--altitude-m``;
  with ``ratio_to_no_surface``, its wall time over the plain map's at that altitude.

Targets (issue 20): a 500 x 500 combined map of 10 radars under 2 s.

Usage::

    .venv/bin/python benchmarks/detection.py
    .venv/bin/python benchmarks/detection.py --evaluations 1000000 --cells 500 --radars 10
    .venv/bin/python benchmarks/detection.py --terrain   # needs rasterio (terrain extra)
    .venv/bin/python benchmarks/detection.py --surface --altitude-m 10
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

import iadsim
from iadsim.scenario import scenario_from_dict
from iadsim.sensors.detection import probability_of_detection
from iadsim.world.terrain import Terrain, write_geotiff


def best_time(call, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def radar_scenario(count: int) -> dict:
    rng = np.random.default_rng(0)
    return {"name": "coverage-bench", "origin": {"lat_deg": 39.9, "lon_deg": 32.9},
            "sim": {"duration_s": 10.0},
            "sensors": [{"name": f"radar-{index}", "profile": "medium-range-radar",
                         "lat_deg": 39.9 + rng.uniform(-0.45, 0.45),
                         "lon_deg": 32.9 + rng.uniform(-0.6, 0.6), "height_m": 15.0}
                        for index in range(count)]}


def terrain_dem(hills: int = 400, cell_deg: float = 0.005) -> Terrain:
    """Random Gaussian hills (up to 1,500 m, 2-15 km wide) over the radars' area and reach."""
    rng = np.random.default_rng(2)
    lat = np.arange(42.0, 37.8, -cell_deg)
    lon = np.arange(30.3, 35.5, cell_deg)
    north_km = (lat[:, None] - 39.9) * 111.0
    east_km = (lon[None, :] - 32.9) * 111.0 * np.cos(np.radians(39.9))
    elevation = np.zeros((lat.size, lon.size))
    for _ in range(hills):
        center_north, center_east = rng.uniform(-230, 230), rng.uniform(-230, 230)
        width, height = rng.uniform(2.0, 15.0), rng.uniform(100.0, 1_500.0)
        elevation += height * np.exp(-((north_km - center_north) ** 2
                                       + (east_km - center_east) ** 2) / (2 * width**2))
    return Terrain(elevation, float(lat[0]), float(lon[0]), -cell_deg, cell_deg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=1_000_000)
    parser.add_argument("--pulses", type=int, default=10)
    parser.add_argument("--cells", type=int, default=500)
    parser.add_argument("--radars", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--terrain", action="store_true",
                        help="Also time the coverage map masked by a synthetic DEM.")
    parser.add_argument("--surface", action="store_true",
                        help="Also time the coverage map over a sea surface (clutter).")
    parser.add_argument("--altitude-m", type=float, default=100.0,
                        help="Target altitude of the --surface maps (m).")
    arguments = parser.parse_args()
    snr_db = np.random.default_rng(1).uniform(-10.0, 30.0, arguments.evaluations)
    for swerling in range(5):
        seconds = best_time(lambda swerling=swerling: probability_of_detection(
            snr_db, 1e-6, arguments.pulses, swerling), arguments.repeat)
        print(json.dumps({"bench": "pd_evaluations", "swerling": swerling,
                          "n_pulses": arguments.pulses, "evaluations": arguments.evaluations,
                          "wall_s": round(seconds, 4)}), flush=True)
    scenario = scenario_from_dict(radar_scenario(arguments.radars))
    iadsim.coverage(scenario, cells=20)
    seconds = best_time(lambda: iadsim.coverage(scenario, cells=arguments.cells),
                        arguments.repeat)
    print(json.dumps({"bench": "coverage_map", "radars": arguments.radars,
                      "cells": arguments.cells, "wall_s": round(seconds, 3),
                      "target": "wall_s < 2", "met": bool(seconds < 2.0)}), flush=True)
    if arguments.surface:
        sea = scenario_from_dict({**radar_scenario(arguments.radars),
                                  "surface": {"kind": "sea", "sea_state": 3}})
        timings = {}
        for name, model in (("plain", scenario), ("sea", sea)):
            iadsim.coverage(model, cells=20, altitude_m=arguments.altitude_m)
            timings[name] = best_time(lambda model=model: iadsim.coverage(
                model, cells=arguments.cells, altitude_m=arguments.altitude_m),
                arguments.repeat)
        print(json.dumps({"bench": "coverage_map_surface", "radars": arguments.radars,
                          "cells": arguments.cells, "altitude_m": arguments.altitude_m,
                          "surface": "sea state 3", "wall_s": round(timings["sea"], 3),
                          "no_surface_wall_s": round(timings["plain"], 3),
                          "ratio_to_no_surface": round(timings["sea"] / timings["plain"], 2)}),
              flush=True)
    if arguments.terrain:
        with tempfile.TemporaryDirectory() as folder:
            dem = write_geotiff(terrain_dem(), Path(folder) / "hills.tif")
            hilly = scenario_from_dict({**radar_scenario(arguments.radars),
                                        "terrain": {"dem_file": str(dem)}})
            iadsim.coverage(hilly, cells=20)
            seconds = best_time(lambda: iadsim.coverage(hilly, cells=arguments.cells),
                                arguments.repeat)
        print(json.dumps({"bench": "coverage_map_terrain", "radars": arguments.radars,
                          "cells": arguments.cells, "dem_cell_deg": 0.005,
                          "wall_s": round(seconds, 3)}), flush=True)


if __name__ == "__main__":
    main()
