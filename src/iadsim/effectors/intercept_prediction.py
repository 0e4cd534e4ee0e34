"""The predicted intercept point (PIP) from the envelope's time-of-flight table.

A round of one type flies from its launcher to a point in ``tof(point)`` seconds, the
envelope table (:mod:`iadsim.effectors.envelope`, flown with the flight model itself, so
the boost, the drag and the loft are in it). A target predicted from its track as
``p + v t + a t^2 / 2`` (``a`` the track's known acceleration: gravity for a track the
tracker flies with its ballistic model, zero otherwise) is met at the earliest ``t`` with

    ``delay + tof(p + v t + a t^2 / 2) - t = 0``

where ``delay`` is the time until launch (the fire-control solution, ``delay >= 0``) or
minus the time already flown (a round in flight re-solving its PIP: its time to go is the
table's flight time less what it has flown, exact while it flies near the table's path).

Why the acceleration matters: a ballistic missile re-entering falls ``g t^2 / 2`` below
its constant-velocity extrapolation, 2.2 km over a 21 s flight, which is about the miss a
20 g interceptor can no longer take out in its last seconds.

Sources: PIP (predicted intercept point) midcourse guidance as in Zarchan, Tactical and
Strategic Missile Guidance, 6th ed. (2012), ch. 2 (the collision triangle) and the
predictive guidance of ch. 13 (intercept of a ballistic target predicted under gravity);
the table lookup is the envelope's bilinear interpolation.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.effectors.intercept_geometry import intercept_time

#: The secant iterations stop when ``|f(t)|`` is below this (s).
TIME_TOLERANCE_S = 0.05
#: Instants of the fallback scan over the flight time.
SCAN_SAMPLES = 16


@njit(cache=True, error_model="numpy")
def table_value(table: np.ndarray, range_step_m: float, altitude_step_m: float,
                ground_range_m: float, altitude_m: float) -> float:
    """Bilinear value of one (41, 21) table; NaN outside it or next to an unreachable
    point."""
    x = ground_range_m / range_step_m
    y = max(altitude_m, 0.0) / altitude_step_m
    column, row = int(x), int(y)
    if column < 0 or column >= table.shape[0] - 1 or row >= table.shape[1] - 1:
        return np.nan
    fx, fy = x - column, y - row
    return ((1 - fx) * (1 - fy) * table[column, row] + fx * (1 - fy) * table[column + 1, row]
            + (1 - fx) * fy * table[column, row + 1] + fx * fy * table[column + 1, row + 1])


@njit(cache=True, error_model="numpy")
def _flight_time_to(px: float, py: float, pz: float, vx: float, vy: float, vz: float,
                    ax: float, ay: float, az: float, t: float, time_of_flight: np.ndarray,
                    range_step_m: float, altitude_step_m: float,
                    earth_radius_m: float) -> float:
    """Time of flight to where the target is ``t`` from now (NaN: unreachable)."""
    half = 0.5 * t * t
    ex, ey, ez = px + vx * t + ax * half, py + vy * t + ay * half, pz + vz * t + az * half
    ground = np.sqrt(ex * ex + ey * ey)
    height = np.sqrt(ex * ex + ey * ey + (ez + earth_radius_m) ** 2) - earth_radius_m
    return table_value(time_of_flight, range_step_m, altitude_step_m, ground, height)


@njit(cache=True, error_model="numpy")
def predicted_intercept_time(px: float, py: float, pz: float, vx: float, vy: float,
                             vz: float, ax: float, ay: float, az: float, delay_s: float,
                             time_of_flight: np.ndarray, range_step_m: float,
                             altitude_step_m: float, max_time_of_flight_s: float,
                             average_speed_mps: float, earth_radius_m: float,
                             guess_s: float = np.nan) -> float:
    """Earliest time from now (s, >= 0 and >= ``delay_s``) at which a round of the table's
    type, launched ``delay_s`` from now (negative: launched ``-delay_s`` ago), meets a
    target at ``p`` (relative to the launcher, m) moving at ``v`` (m/s) with the constant
    acceleration ``a`` (m/s^2); NaN if none within the round's flight time.

    Secant iterations from ``guess_s`` (a round in flight passes its last solution: one
    or two table lookups then do) or, when NaN, from the constant-average-speed,
    constant-velocity intercept (:func:`intercept_time`); if they leave the table, a scan
    of 16 instants over the remaining flight time for the first ``f <= 0`` and a bisection
    (0.05 s). The point's altitude is its height above the launcher on the osculating
    sphere.
    """
    speed = np.sqrt(vx * vx + vy * vy + vz * vz)
    reach = range_step_m * (time_of_flight.shape[0] - 1)
    earliest = max(delay_s, 0.0)
    latest = delay_s + max_time_of_flight_s
    span = max_time_of_flight_s + min(delay_s, 0.0)  # latest - earliest
    if span < 0.0:  # 0 is a beam weapon's table: it arrives at once
        return np.nan
    if np.sqrt(px * px + py * py) - speed * latest > reach:
        return np.nan
    warm = not np.isnan(guess_s)
    guess = guess_s if warm else intercept_time(px, py, pz, vx, vy, vz, average_speed_mps,
                                                delay_s)
    if not np.isnan(guess):
        t0 = min(max(guess, earliest), latest)
        f0 = delay_s + _flight_time_to(px, py, pz, vx, vy, vz, ax, ay, az, t0, time_of_flight,
                                       range_step_m, altitude_step_m, earth_radius_m) - t0
        if warm and abs(f0) < TIME_TOLERANCE_S:
            return t0
        t1 = t0 + f0
        for _ in range(8):
            if np.isnan(f0) or t1 < earliest or t1 > latest:
                break
            f1 = delay_s + _flight_time_to(px, py, pz, vx, vy, vz, ax, ay, az, t1,
                                           time_of_flight, range_step_m, altitude_step_m,
                                           earth_radius_m) - t1
            if np.isnan(f1):
                break
            if abs(f1) < TIME_TOLERANCE_S:
                return t1
            slope = (f1 - f0) / (t1 - t0) if t1 != t0 else -1.0
            if slope >= 0.0:
                break
            t0, f0, t1 = t1, f1, t1 - f1 / slope
    # Scan for the first instant the round can be there in time, then bisect.
    before = earliest
    for index in range(SCAN_SAMPLES + 1):
        t = earliest + span * index / SCAN_SAMPLES
        f = delay_s + _flight_time_to(px, py, pz, vx, vy, vz, ax, ay, az, t, time_of_flight,
                                      range_step_m, altitude_step_m, earth_radius_m) - t
        if not np.isnan(f) and f <= 0.0:
            if index == 0:
                return t
            low, high = before, t
            while high - low > TIME_TOLERANCE_S:
                middle = 0.5 * (low + high)
                value = delay_s + _flight_time_to(px, py, pz, vx, vy, vz, ax, ay, az, middle,
                                                  time_of_flight, range_step_m,
                                                  altitude_step_m, earth_radius_m) - middle
                if not np.isnan(value) and value <= 0.0:
                    high = middle
                else:
                    low = middle
            return high
        before = t
    return np.nan


@njit(cache=True, error_model="numpy")
def predicted_intercept_point(cue_x: float, cue_y: float, cue_z: float, cue_vx: float,
                              cue_vy: float, cue_vz: float, cue_ax: float, cue_ay: float,
                              cue_az: float, launch_x: float, launch_y: float,
                              launch_z: float, round_x: float, round_y: float,
                              round_z: float, round_speed_mps: float, kind: int,
                              since_launch_s: float, time_of_flight: np.ndarray,
                              envelope_scalars: np.ndarray, earth_radius_m: float,
                              guess_s: float) -> tuple[float, float, float, float]:
    """The PIP (m) of a round in flight from its cue (the track: position, velocity,
    known acceleration), for the flyout's midcourse guidance.

    Time to go from the type's envelope table (row ``kind`` of ``time_of_flight``
    (n_types, 41, 21) and ``envelope_scalars`` (n_types, 4); the flight time from the
    launch point less ``since_launch_s``: :func:`predicted_intercept_time`); when the
    table has no solution (or there is no table: zero rows), the constant-velocity
    collision triangle at the round's present speed; the cue itself when neither has one.
    ``guess_s``: the time to go of the last solution, less the time since (NaN: none).
    Returns the point and the time to go (s).
    """
    time_to_go = np.nan
    if kind < time_of_flight.shape[0]:
        scalars = envelope_scalars[kind]
        time_to_go = predicted_intercept_time(
            cue_x - launch_x, cue_y - launch_y, cue_z - launch_z, cue_vx, cue_vy, cue_vz,
            cue_ax, cue_ay, cue_az, -since_launch_s, time_of_flight[kind], scalars[0],
            scalars[1], scalars[2], scalars[3], earth_radius_m, guess_s)
    if np.isnan(time_to_go):
        time_to_go = intercept_time(cue_x - round_x, cue_y - round_y, cue_z - round_z, cue_vx,
                                    cue_vy, cue_vz, round_speed_mps, 0.0)
        if np.isnan(time_to_go):
            time_to_go = 0.0
        cue_ax = cue_ay = cue_az = 0.0  # the triangle is at constant velocity
    half = 0.5 * time_to_go * time_to_go
    return (cue_x + cue_vx * time_to_go + cue_ax * half,
            cue_y + cue_vy * time_to_go + cue_ay * half,
            cue_z + cue_vz * time_to_go + cue_az * half, time_to_go)
