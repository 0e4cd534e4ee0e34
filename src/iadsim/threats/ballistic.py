"""Drag-free ballistic flight over a flat, uniform-gravity earth, in closed form.

The missile flies a parabola in (downrange, altitude): constant horizontal speed and
``h(t) = h0 + v_up t - g t^2 / 2``. Altitude is measured above the curved earth by the
caller (the raid converts geodetic positions with pymap3d), which keeps the horizon
honest. Valid for short-range ballistic missiles (ground range up to ~1,000 km);
longer ranges need the Keplerian ellipse and rotating-earth effects.

Source: closed-form projectile motion, e.g. Zarchan, Tactical and Strategic Missile
Guidance, 6th ed., ch. 12 (flat-earth approximation); ``apogee = range * tan(angle) / 4``
for launch and impact at the same altitude.
"""

from __future__ import annotations

import numpy as np

STANDARD_GRAVITY_MPS2 = 9.80665


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
        raise ValueError("give exactly one of apogee_km or launch_angle_deg")
    if apogee_km is not None:
        apogee_m = np.full_like(ground_range_m, apogee_km * 1_000.0)
    else:
        apogee_m = ground_range_m * np.tan(np.deg2rad(launch_angle_deg)) / 4.0
    drop_m = np.asarray(launch_alt_m, dtype=float) - np.asarray(impact_alt_m, dtype=float)
    apogee_m = np.maximum(apogee_m, -drop_m + 1.0)  # must climb above the impact altitude
    up_speed = np.sqrt(2.0 * gravity_mps2 * apogee_m)
    flight_time = (up_speed + np.sqrt(up_speed**2 + 2.0 * gravity_mps2 * drop_m)) / gravity_mps2
    return up_speed, flight_time


def altitude_m(launch_alt_m: np.ndarray, up_speed_mps: np.ndarray, time_since_launch_s:
               np.ndarray, gravity_mps2: float = STANDARD_GRAVITY_MPS2) -> np.ndarray:
    """Altitude (m) after ``time_since_launch_s`` on the parabola."""
    t = np.asarray(time_since_launch_s, dtype=float)
    return launch_alt_m + up_speed_mps * t - 0.5 * gravity_mps2 * t**2
