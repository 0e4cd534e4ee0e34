"""Where and when an interceptor of constant speed meets a constant-velocity target.

Solves ``|p + v t| = s (t - d)`` for the earliest ``t >= d``: ``p`` is the target's
position relative to the launcher, ``v`` its velocity, ``s`` the interceptor's average
speed and ``d`` the delay before launch. Squaring gives the quadratic
``(v.v - s^2) t^2 + 2 (p.v + s^2 d) t + (p.p - s^2 d^2) = 0``.
Source: the classic constant-velocity intercept triangle, e.g. Zarchan, Tactical and
Strategic Missile Guidance, 6th ed., ch. 2 (collision triangle). Valid while the target
keeps its velocity; a manoeuvring or falling target needs guidance to fix the error.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def intercept_time(px: float, py: float, pz: float, vx: float, vy: float, vz: float,
                   speed: float, delay: float) -> float:
    """:func:`intercept_time_s` of one target (scalars), for compiled callers."""
    s2 = speed * speed
    a = vx * vx + vy * vy + vz * vz - s2
    half_b = px * vx + py * vy + pz * vz + s2 * delay
    c = px * px + py * py + pz * pz - s2 * delay * delay
    if abs(a) < 1e-9 * max(s2, 1.0):
        # Target as fast as the interceptor: the one root of the linear term.
        first, second = -0.5 * c / half_b, np.nan
    else:
        root_disc = np.sqrt(half_b * half_b - a * c)  # NaN when no real root
        # Numerically stable pair of roots (no cancellation): q = -(b/2 + sign(b/2) sqrt).
        q = -(half_b + np.copysign(root_disc, half_b))
        first, second = q / a, c / q
    earliest_allowed = delay - 1e-9
    # Only roots at or after launch count; take the earliest.
    first = first if first >= earliest_allowed else np.nan
    second = second if second >= earliest_allowed else np.nan
    if np.isnan(first):
        return second
    if np.isnan(second):
        return first
    return min(first, second)


@njit(cache=True, error_model="numpy")
def _intercept_times(relative: np.ndarray, velocity: np.ndarray, speed: np.ndarray,
                     delay: np.ndarray) -> np.ndarray:
    times = np.empty(speed.size)
    for k in range(speed.size):
        times[k] = intercept_time(relative[k, 0], relative[k, 1], relative[k, 2],
                                  velocity[k, 0], velocity[k, 1], velocity[k, 2], speed[k],
                                  delay[k])
    return times


def intercept_time_s(relative_position_m: np.ndarray, target_velocity_mps: np.ndarray,
                     interceptor_speed_mps: np.ndarray, launch_delay_s: np.ndarray) -> np.ndarray:
    """Earliest time from now (s) at which the interceptor can meet the target.

    relative_position_m, target_velocity_mps: (..., 3); speeds and delays broadcast to
    (...). NaN where no intercept exists (the target outruns the interceptor).
    """
    p = np.asarray(relative_position_m, dtype=float)
    v = np.asarray(target_velocity_mps, dtype=float)
    s = np.asarray(interceptor_speed_mps, dtype=float)
    d = np.asarray(launch_delay_s, dtype=float)
    shape = np.broadcast_shapes(p.shape[:-1], v.shape[:-1], s.shape, d.shape)
    count = int(np.prod(shape))
    times = _intercept_times(np.broadcast_to(p, (*shape, 3)).reshape(count, 3),
                             np.broadcast_to(v, (*shape, 3)).reshape(count, 3),
                             np.broadcast_to(s, shape).reshape(count),
                             np.broadcast_to(d, shape).reshape(count))
    return times.reshape(shape)


@njit(cache=True, error_model="numpy")
def closest_approach_of(rx: float, ry: float, rz: float, vx: float, vy: float, vz: float,
                        duration_s: float) -> tuple[float, float]:
    """:func:`closest_approach` of one pair (scalars), for compiled callers."""
    t = -(rx * vx + ry * vy + rz * vz) / (vx * vx + vy * vy + vz * vz)
    t = 0.0 if np.isnan(t) else min(max(t, 0.0), duration_s)
    return t, np.sqrt((rx + vx * t) ** 2 + (ry + vy * t) ** 2 + (rz + vz * t) ** 2)


@njit(cache=True, error_model="numpy")
def closest_approach(relative_position_m: np.ndarray, relative_velocity_mps: np.ndarray,
                     duration_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Closest approach of two straight-line motions over ``[0, duration_s]``.

    relative_position_m, relative_velocity_mps: (n, 3) of one body relative to the other.
    Returns (time of closest approach in [0, duration_s], miss distance m), each (n,).
    """
    count = relative_position_m.shape[0]
    times = np.empty(count)
    miss = np.empty(count)
    for k in range(count):
        r, v = relative_position_m[k], relative_velocity_mps[k]
        times[k], miss[k] = closest_approach_of(r[0], r[1], r[2], v[0], v[1], v[2],
                                                duration_s)
    return times, miss
