"""Drag-free ballistic flight over a flat, uniform-gravity earth, in closed form.

The parabola in (downrange, altitude): constant horizontal speed and
``h(t) = h0 + v_up t - g t^2 / 2``. The raid no longer flies it (see
:mod:`iadsim.threats.ballistic_flight` for the boosted, round-earth, drag-affected
flight); its figures are the shooting method's first guess there. Valid for short ranges
(up to a few hundred km) where curvature, the fall of gravity with height and drag are
small.

Source: closed-form projectile motion, e.g. Zarchan, Tactical and Strategic Missile
Guidance, 6th ed., ch. 12 (flat-earth approximation); ``apogee = range * tan(angle) / 4``
for launch and impact at the same altitude.
"""

from __future__ import annotations

import numpy as np

from iadsim.errors import TrajectoryError
from iadsim.world.atmosphere import STANDARD_GRAVITY_MPS2


def solve(ground_range_m: np.ndarray, launch_alt_m: np.ndarray, impact_alt_m: np.ndarray,
          apogee_km: float | None, launch_angle_deg: float | None,
          gravity_mps2: float = STANDARD_GRAVITY_MPS2) -> tuple[np.ndarray, np.ndarray]:
    """Initial vertical speed (m/s) and flight time (s) of each missile.

    Give exactly one of ``apogee_km`` (above the launch altitude) or ``launch_angle_deg``.
    With an angle, the apogee follows from ``range * tan(angle) / 4`` (the same-altitude
    closed form) and the flight time from the altitude difference.
    """
    ground_range_m = np.asarray(ground_range_m, dtype=float)
    if (apogee_km is None) == (launch_angle_deg is None):
        raise TrajectoryError("give exactly one of apogee_km or launch_angle_deg")
    if apogee_km is not None:
        apogee_m = np.full_like(ground_range_m, apogee_km * 1_000.0)
    else:
        apogee_m = ground_range_m * np.tan(np.deg2rad(launch_angle_deg)) / 4.0
    drop_m = np.asarray(launch_alt_m, dtype=float) - np.asarray(impact_alt_m, dtype=float)
    apogee_m = np.maximum(apogee_m, -drop_m + 1.0)  # must climb above the impact altitude
    up_speed = np.sqrt(2.0 * gravity_mps2 * apogee_m)
    flight_time = (up_speed + np.sqrt(up_speed**2 + 2.0 * gravity_mps2 * drop_m)) / gravity_mps2
    return up_speed, flight_time

