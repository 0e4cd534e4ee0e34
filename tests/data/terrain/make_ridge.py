"""Make tests/data/terrain/ridge.tif: the synthetic DEM of the terrain tests.

One east-west Gaussian ridge (crest 400 m, width 800 m) through 40.0 N, 33.0 E, on a
0.6 x 0.6 degree grid of 0.0025 degree cells (iadsim.world.terrain.gaussian_ridge with its
defaults), float32 GeoTIFF, EPSG:4326. tests/world/test_terrain.py checks that this
reproduces the committed file. Run from the repository root:

    PYTHONPATH=src python tests/data/terrain/make_ridge.py
"""

from __future__ import annotations

from pathlib import Path

from iadsim.world.terrain import gaussian_ridge, write_geotiff

RIDGE_PATH = Path(__file__).with_name("ridge.tif")

if __name__ == "__main__":
    print(write_geotiff(gaussian_ridge(), RIDGE_PATH))
