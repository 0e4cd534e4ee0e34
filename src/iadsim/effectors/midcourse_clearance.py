"""Midcourse ground clearance: the pull-up that keeps a round's path ahead above the ground.

Proportional navigation toward a predicted intercept point at rest flies nearly a straight
chord, and a chord between two points above a round earth dips below the line between
them by ``x (L - x) / (2 R)`` (``R`` the earth's radius): 8 m at the middle of a 20 km
chord, 31 m of a 40 km one. A round launched at a low target from a launcher on the ground
therefore grazes the smooth earth, or flies into a hill of a DEM on the way. Low-altitude
surface-to-air guidance shapes its climb to avoid that; this is the simplest such rule.

While the round flies toward the predicted intercept point (the midcourse phase of
:mod:`iadsim.effectors.flyout_kernel`), the guidance looks ahead along the round's own
velocity, at the times :data:`LOOK_AHEAD_S`, reads the ground under each point (the DEM,
or the smooth earth: :func:`iadsim.world.terrain_ground.clearance_m`) and, where a point
is less than the least clearance ``h`` above it (``sim.interceptor_clearance_m``), adds
the upward acceleration that would lift that point to ``h`` in that time,
``2 (h - c) / t^2``: the largest over the points (the flight model then limits the total
to the round's lateral limit). The predicted intercept point itself is raised to at least
``h`` above the ground, so that proportional navigation does not steer back under it.
The terminal phase (augmented PN on the track, then the seeker) is left alone: the
round then comes down to a low target as before.

What it reads: the round's own position and velocity (its navigation) and the ground
model (the DEM the battery carries, or the earth's figure); never a threat's truth.
Not a published guidance law: a notional look-ahead pull-up (the terrain-clearance idea
of low-altitude flight control, with the constant-acceleration closed form to size it).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.world.terrain_ground import clearance_m, may_be_within_m

#: Look-ahead times (s) along the round's velocity; the clearance wanted at each is the
#: least clearance times its share of the longest (a point 1 s ahead need only be a quarter
#: as high), so that a round leaving the ground is not thrown up at once, while a slope
#: close ahead still asks for a hard pull-up.
LOOK_AHEAD_S = (1.0, 2.0, 4.0)


@njit(cache=True, error_model="numpy")
def clearance_pull_up_mps2(position: np.ndarray, velocity: np.ndarray, clearance_floor_m: float,
                           elevation: np.ndarray, scalars: np.ndarray) -> float:
    """Upward acceleration (m/s^2, >= 0) that lifts the round's path ahead to
    ``clearance_floor_m`` (m) above the ground (module docstring).

    ``position``, ``velocity``: the round's, ENU (3,) m and m/s; ``elevation``, ``scalars``:
    the ground (:meth:`iadsim.world.terrain_ground.GroundModel.arrays`). Cheap when the
    path ahead is well above the highest ground (a bound, no ground sample).
    """
    needed = 0.0
    for ahead_s in LOOK_AHEAD_S:
        east = position[0] + velocity[0] * ahead_s
        north = position[1] + velocity[1] * ahead_s
        up = position[2] + velocity[2] * ahead_s
        if not may_be_within_m(east, north, up, clearance_floor_m, scalars):
            continue
        wanted = clearance_floor_m * ahead_s / LOOK_AHEAD_S[-1]
        deficit = wanted - clearance_m(east, north, up, elevation, scalars)
        if deficit > 0.0:
            needed = max(needed, 2.0 * deficit / (ahead_s * ahead_s))
    return needed
