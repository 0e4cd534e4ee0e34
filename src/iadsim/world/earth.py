"""Earth curvature for radar: the effective-earth model and the radar horizon.

Source: M. I. Skolnik, Introduction to Radar Systems, 3rd ed. (2001), sec. 8.2, the
4/3-earth model of standard atmospheric refraction; valid for a standard atmosphere and
heights well below the effective radius. Terrain is not modelled here (smooth earth).
"""

from __future__ import annotations

import numpy as np

#: Mean earth radius (IUGG), metres.
EARTH_RADIUS_M = 6_371_008.8
#: Effective-earth factor of the standard atmosphere.
FOUR_THIRDS = 4.0 / 3.0


def effective_earth_radius_m(k: float = FOUR_THIRDS) -> float:
    """Effective earth radius ``k * a`` in metres (k = 4/3 for standard refraction)."""
    if not k > 0:
        raise ValueError(f"k must be > 0, got {k}")
    return k * EARTH_RADIUS_M


def radar_horizon_m(antenna_height_m, target_height_m, k: float = FOUR_THIRDS) -> np.ndarray:
    """Longest line-of-sight range between an antenna and a target over a smooth earth.

    The sum of the two tangent lengths to the effective sphere,
    ``sqrt(2 k a h_a + h_a**2) + sqrt(2 k a h_t + h_t**2)``; heights in metres above the
    ground, clipped at 0. Broadcasts over arrays. Skolnik (2001) eq. 8.4 is the
    small-height form ``sqrt(2 k a h_a) + sqrt(2 k a h_t)``.
    """
    radius = effective_earth_radius_m(k)
    antenna = np.clip(np.asarray(antenna_height_m, dtype=float), 0.0, None)
    target = np.clip(np.asarray(target_height_m, dtype=float), 0.0, None)
    return (np.sqrt(2.0 * radius * antenna + antenna**2)
            + np.sqrt(2.0 * radius * target + target**2))
