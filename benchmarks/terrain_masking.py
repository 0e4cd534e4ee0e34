"""Terrain masking cost: the pairwise line-of-sight kernel and what a step pays for it.

Three measurements over the committed ridge DEM (tests/data/terrain/ridge.tif, 0.0025 deg
cells, ~210 m), each after a warm-up call so that compilation is not timed:

- ``los_pairs``: :func:`iadsim.world.terrain.line_of_sight_pairs` alone, ``--pairs`` rays
  of ``--ray-km`` across the ridge (one compiled call): rays per second;
- ``terrain_view``: :meth:`iadsim.world.terrain.TerrainView.visible` for the same pairs
  given in scenario ENU (as seekers, directors and jammers call it: the geodetic
  conversion included): seconds per call and the share the kernel takes;
- ``run``: tests/data/terrain/ridge-drone.yaml run with the DEM and over a smooth earth,
  back to back in this process (the ratio is what the terrain costs a small run).

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/terrain_masking.py --pairs 1000 --ray-km 10
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import iadsim
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import TerrainView, line_of_sight_pairs, load_terrain

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "terrain"


def best_of(repeats: int, call) -> float:
    """Smallest wall time (s) of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000)
    parser.add_argument("--ray-km", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    terrain = load_terrain(DATA / "ridge.tif")
    rng = np.random.default_rng(0)
    count, half_deg = arguments.pairs, 0.5 * arguments.ray_km / 111.195
    lon = 33.0 + rng.uniform(-0.2, 0.2, count)
    lat_a, lat_t = 40.0 - half_deg, 40.0 + half_deg
    alt_a, alt_t = rng.uniform(50.0, 600.0, count), rng.uniform(50.0, 600.0, count)

    def kernel() -> np.ndarray:
        return line_of_sight_pairs(terrain, lat_a, lon, alt_a, lat_t, lon, alt_t)

    kernel()
    kernel_s = best_of(arguments.repeats, kernel)
    print(json.dumps({"bench": "los_pairs", "pairs": count, "ray_km": arguments.ray_km,
                      "s_per_call": round(kernel_s, 6),
                      "rays_per_s": round(count / kernel_s),
                      "share_seen": round(float(kernel().mean()), 3)}))
    frame = LocalFrame(40.0, 33.0, 0.0)
    view = TerrainView(terrain, frame)
    from_m = frame.to_enu(np.full(count, lat_a), lon, alt_a).reshape(-1, 3)
    to_m = frame.to_enu(np.full(count, lat_t), lon, alt_t).reshape(-1, 3)
    view.visible(from_m, to_m)
    view_s = best_of(arguments.repeats, lambda: view.visible(from_m, to_m))
    print(json.dumps({"bench": "terrain_view", "pairs": count, "s_per_call": round(view_s, 6),
                      "kernel_share": round(kernel_s / view_s, 3)}))
    scenario = iadsim.load_scenario(DATA / "ridge-drone.yaml")
    smooth = scenario.model_validate({**scenario.model_dump(), "terrain": None})
    iadsim.run(scenario)
    iadsim.run(smooth)
    with_dem = best_of(arguments.repeats, lambda: iadsim.run(scenario))
    without = best_of(arguments.repeats, lambda: iadsim.run(smooth))
    print(json.dumps({"bench": "terrain_run", "scenario": "ridge-drone",
                      "s_with_dem": round(with_dem, 4), "s_smooth": round(without, 4),
                      "ratio": round(with_dem / without, 2)}))


if __name__ == "__main__":
    main()
