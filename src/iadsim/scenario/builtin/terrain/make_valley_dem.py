"""Make valley.tif, the synthetic DEM of the built-in ``valley-defense`` scenario
(:func:`iadsim.world.terrain.winding_valley`: a winding mountain valley, not a real
place). tests/scenario/test_valley_defense.py checks that this reproduces the committed
file. Run from the repository root:

    PYTHONPATH=src python src/iadsim/scenario/builtin/terrain/make_valley_dem.py
"""

from __future__ import annotations

from pathlib import Path

from iadsim.world.terrain import winding_valley, write_geotiff

VALLEY_PATH = Path(__file__).with_name("valley.tif")

if __name__ == "__main__":
    print(write_geotiff(winding_valley(), VALLEY_PATH))
