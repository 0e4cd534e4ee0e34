"""A frame's Gaussian radius, computed once with the frame, is the formula's value."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.world.geodesy import LocalFrame


@pytest.mark.parametrize("lat_deg", [-89.9, -33.0, 0.0, 39.93, 60.0, 90.0])
def test_gaussian_radius_is_sqrt_of_meridian_times_normal_radius(lat_deg):
    semi_major, flattening = 6_378_137.0, 1 / 298.257223563
    eccentricity2 = flattening * (2 - flattening)
    w2 = 1.0 - eccentricity2 * np.sin(np.radians(lat_deg)) ** 2
    meridian = semi_major * (1 - eccentricity2) / w2**1.5
    normal = semi_major / np.sqrt(w2)
    expected = float(np.sqrt(meridian * normal))
    frame = LocalFrame(lat_deg, 32.0, 0.0)
    assert frame.gaussian_radius_m() == expected
    # Each frame its own: another latitude, another radius.
    assert LocalFrame(lat_deg / 2 + 1.0, 32.0).gaussian_radius_m() != expected
