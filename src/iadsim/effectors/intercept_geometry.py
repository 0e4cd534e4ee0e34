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
    s2 = s * s
    a = (v * v).sum(axis=-1) - s2
    half_b = (p * v).sum(axis=-1) + s2 * d
    c = (p * p).sum(axis=-1) - s2 * d * d
    with np.errstate(divide="ignore", invalid="ignore"):
        root_disc = np.sqrt(half_b * half_b - a * c)  # NaN when no real root
        # Numerically stable pair of roots (no cancellation): q = -(b/2 + sign(b/2) sqrt).
        q = -(half_b + np.copysign(root_disc, half_b))
        first, second = q / a, c / q
        linear = np.abs(a) < 1e-9 * np.maximum(s2, 1.0)
        if linear.any():  # target as fast as the interceptor: one root of the linear term
            first = np.where(linear, -0.5 * c / half_b, first)
            second = np.where(linear, np.nan, second)
        earliest_allowed = d - 1e-9
        # Only roots at or after launch count; take the earliest (fmin ignores NaN).
        return np.fmin(np.where(first >= earliest_allowed, first, np.nan),
                       np.where(second >= earliest_allowed, second, np.nan))


def closest_approach(relative_position_m: np.ndarray, relative_velocity_mps: np.ndarray,
                     duration_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Closest approach of two straight-line motions over ``[0, duration_s]``.

    relative_position_m, relative_velocity_mps: (n, 3) of one body relative to the other.
    Returns (time of closest approach in [0, duration_s], miss distance m), each (n,).
    """
    speed2 = np.einsum("ij,ij->i", relative_velocity_mps, relative_velocity_mps)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = -np.einsum("ij,ij->i", relative_position_m, relative_velocity_mps) / speed2
    t = np.clip(np.nan_to_num(t, nan=0.0), 0.0, duration_s)
    miss = np.linalg.norm(relative_position_m + relative_velocity_mps * t[:, None], axis=1)
    return t, miss
