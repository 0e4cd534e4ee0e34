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


def _checked_heights(antenna_height_m, target_height_m, elevation_rad):
    antenna = np.asarray(antenna_height_m, dtype=float)
    target = np.asarray(target_height_m, dtype=float)
    elevation = np.asarray(elevation_rad, dtype=float)
    for name, value in (("antenna_height_m", antenna), ("target_height_m", target),
                        ("elevation_rad", elevation)):
        if np.isnan(value).any():
            raise ValueError(f"{name} must not be NaN")
    if (antenna < 0).any():
        raise ValueError(f"antenna_height_m must be >= 0, got {antenna.min()}")
    if (np.abs(elevation) > np.pi / 2).any():
        raise ValueError(f"elevation_rad must be in [-pi/2, pi/2], got {elevation}")
    return antenna, target, elevation


def slant_range_m(antenna_height_m, target_height_m, elevation_rad,
                  k: float = FOUR_THIRDS) -> np.ndarray:
    """Distance along the ray leaving the antenna at ``elevation_rad`` to where it reaches
    ``target_height_m``, over the effective (k a) earth.

    With refraction folded into the effective radius the ray is straight: from the
    antenna at radius ``R_a = k a + h_a`` a point at distance r lies at radius
    ``sqrt(R_a**2 + r**2 + 2 R_a r sin(elevation))``; setting it to ``k a + h_t`` and taking
    the nearest positive root gives r. Heights in metres above a smooth earth, elevation in
    radians above the local horizontal; broadcasts. NaN where the ray never reaches that
    height (looking up at a lower height, or passing above it when looking down).
    Source: L. V. Blake, Radar Range-Performance Analysis (1980), ch. 5, the 4/3-earth
    height-range relation ``h = h_a + r sin(el) + r**2 cos(el)**2 / (2 k a)`` (its small-angle
    form); Skolnik (2001) sec. 8.2.
    """
    antenna, target, elevation = _checked_heights(antenna_height_m, target_height_m,
                                                  elevation_rad)
    radius = effective_earth_radius_m(k)
    antenna_radius, target_radius = radius + antenna, radius + target
    sine = np.sin(elevation)
    # r^2 + 2 R_a sin(el) r + (R_a^2 - R_t^2) = 0, written to avoid cancellation.
    half_b = antenna_radius * sine
    c = (antenna - target) * (antenna_radius + target_radius)
    discriminant = half_b * half_b - c
    with np.errstate(invalid="ignore"):
        root = np.sqrt(discriminant)
        upward = c <= 0  # target above the antenna: one positive root
        far = np.where(half_b >= 0, -c / (half_b + root), -half_b + root)
        near = np.where(half_b < 0, c / (-half_b + root), np.nan)  # descending, first hit
        distance = np.where(upward, far, near)
    return np.where((discriminant >= 0) & (distance >= 0), distance, np.nan)


def ground_range_m(antenna_height_m, target_height_m, elevation_rad,
                   k: float = FOUR_THIRDS) -> np.ndarray:
    """Distance along the earth's surface from below the antenna to below the point where
    the ray at ``elevation_rad`` reaches ``target_height_m``.

    The effective-earth construction keeps heights and distances along the surface and
    straightens the ray; the ground range is the arc ``k a * angle`` on the effective
    sphere, where ``angle`` is the earth-centre angle between antenna and that point.
    Units as :func:`slant_range_m`; NaN where the ray never reaches that height.
    Source: Blake (1980) ch. 5; Skolnik (2001) sec. 8.2.
    """
    slant = slant_range_m(antenna_height_m, target_height_m, elevation_rad, k)
    antenna, _, elevation = _checked_heights(antenna_height_m, target_height_m,
                                             elevation_rad)
    radius = effective_earth_radius_m(k)
    angle = np.arctan2(slant * np.cos(elevation), radius + antenna + slant * np.sin(elevation))
    return radius * angle
