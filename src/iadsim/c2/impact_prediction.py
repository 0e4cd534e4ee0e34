"""Ballistic impact point: where and when a track flown under gravity reaches the ground.

A track the tracker flies with its ballistic model (:mod:`iadsim.tracking.tracker`: a
known acceleration, gravity, and no drag) is predicted as

    ``p(t) = p + v t + a t^2 / 2``

and its impact is the first ``t > 0`` at which ``p(t)`` reaches the ground: a plane
(``earth_radius_m=None``) or the scenario's osculating sphere, the ground being
``ground_up_m`` above the frame's origin on it (the frame's own convention,
:meth:`iadsim.world.geodesy.LocalFrame.approximate_altitude_m`). Over a sphere the flat
solution seeds Newton's method on the height above it.

Drag is left out, as in the tracker's model: a re-entry vehicle braked by the air falls
short of the drag-free point (a few kilometres for a 10,000 kg/m^2 ballistic coefficient
from 40 km), and a missile still under thrust flies beyond it; threat evaluation's
corridor and the track's velocity error absorb the first. Decision side: reads only the
picture.

Source: the vacuum trajectory of a projectile under uniform gravity (e.g. Halliday,
Resnick and Walker, Fundamentals of Physics, 10th ed. (2014), sec. 4-6: ``y = y0 + vy t -
g t^2 / 2``, range ``v0^2 sin(2 theta) / g`` on level ground).
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Newton iterations on the sphere (the flat seed is within metres: two or three suffice).
SPHERE_ITERATIONS = 6


def ballistic_impact(position_m: np.ndarray, velocity_mps: np.ndarray,
                     acceleration_mps2: np.ndarray, ground_up_m: float = 0.0,
                     earth_radius_m: float | None = None, origin_altitude_m: float = 0.0
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Impact points (n, 3) ENU m and times from now (n,) s of tracks (n, 3) flown with
    their known acceleration (n, 3) m/s^2.

    ``ground_up_m``: height of the ground above the frame origin's level (m; the
    scenario's ground elevation less the origin's altitude); ``earth_radius_m``: radius
    of the osculating sphere (m), None for flat ground; ``origin_altitude_m``: the
    frame origin's height above that sphere (m). A track with no downward acceleration
    has no ballistic impact: NaN row and time. A track already at or below the ground
    impacts now (time 0, its position). Inputs are not modified.
    """
    position = np.asarray(position_m, dtype=float).reshape(-1, 3)
    velocity = np.asarray(velocity_mps, dtype=float).reshape(-1, 3)
    acceleration = np.asarray(acceleration_mps2, dtype=float).reshape(-1, 3)
    falling = acceleration[:, 2] < 0.0
    if not falling.any():
        # No ballistic track (most cycles): every row is NaN, as the full solution gives.
        nothing = np.full(position.shape[0], np.nan)
        return np.full(position.shape, np.nan), nothing
    # Flat ground: 0.5 a_z t^2 + v_z t + (z - ground) = 0, the positive root (a_z < 0).
    half_a = 0.5 * np.where(falling, acceleration[:, 2], -1.0)
    height = position[:, 2] - ground_up_m
    discriminant = velocity[:, 2] ** 2 - 4.0 * half_a * height
    time = (-velocity[:, 2] - np.sqrt(np.maximum(discriminant, 0.0))) / (2.0 * half_a)
    time = np.where(height <= 0.0, 0.0, time)
    if earth_radius_m is not None:
        time = _sphere_impact_time(position, velocity, acceleration, time, ground_up_m,
                                   float(earth_radius_m), float(origin_altitude_m))
    time = np.where(falling, time, np.nan)
    point = position + velocity * time[:, None] + 0.5 * acceleration * time[:, None] ** 2
    return point, time


def _sphere_impact_time(position: np.ndarray, velocity: np.ndarray,
                        acceleration: np.ndarray, time: np.ndarray, ground_up_m: float,
                        earth_radius_m: float, origin_altitude_m: float) -> np.ndarray:
    """Newton's method on ``h(t) = |p(t) + c| - (R + altitude + ground)``, ``c`` the
    sphere's centre seen from the origin, seeded with the flat time.

    Compiled (:func:`_sphere_impact_time_kernel`): threat evaluation calls it every
    battle-manager cycle with a ballistic track in the picture, on a few rows, where
    NumPy's cost per call was most of the cycle's impact prediction."""
    return _sphere_impact_time_kernel(
        np.ascontiguousarray(position, dtype=float), np.ascontiguousarray(velocity, dtype=float),
        np.ascontiguousarray(acceleration, dtype=float), np.ascontiguousarray(time, dtype=float),
        float(ground_up_m), float(earth_radius_m), float(origin_altitude_m), SPHERE_ITERATIONS)


@njit(cache=True, error_model="numpy")
def _sphere_impact_time_kernel(position: np.ndarray, velocity: np.ndarray,
                               acceleration: np.ndarray, time: np.ndarray, ground_up_m: float,
                               earth_radius_m: float, origin_altitude_m: float,
                               iterations: int) -> np.ndarray:
    """:func:`_sphere_impact_time` row by row, with the same operations in the same order
    as the array form (sums of three terms left to right, as NumPy's reduction of a
    3-vector), so that the times are the same bit for bit."""
    centre = earth_radius_m + origin_altitude_m
    ground_radius = earth_radius_m + origin_altitude_m + ground_up_m
    result = np.empty(position.shape[0])
    for row in range(position.shape[0]):
        px, py, pz = position[row, 0], position[row, 1], position[row, 2]
        vx, vy, vz = velocity[row, 0], velocity[row, 1], velocity[row, 2]
        ax, ay, az = acceleration[row, 0], acceleration[row, 1], acceleration[row, 2]
        # position + centre_offset, the offset (0, 0, centre): x + 0.0 is x.
        sx, sy, sz = px + 0.0, py + 0.0, pz + centre
        above = np.sqrt(sx * sx + sy * sy + sz * sz) > ground_radius
        t = time[row]
        if not above:
            result[row] = 0.0
            continue
        t = np.maximum(t, 0.0)
        for _ in range(iterations):
            squared = t * t
            at_x = px + vx * t + 0.5 * ax * squared
            at_y = py + vy * t + 0.5 * ay * squared
            at_z = pz + vz * t + 0.5 * az * squared
            rate_x, rate_y, rate_z = vx + ax * t, vy + ay * t, vz + az * t
            radial_x, radial_y, radial_z = at_x + 0.0, at_y + 0.0, at_z + centre
            radius = np.sqrt(radial_x * radial_x + radial_y * radial_y + radial_z * radial_z)
            slope = (radial_x * rate_x + radial_y * rate_y + radial_z * rate_z) / radius
            step = (radius - ground_radius) / slope if slope < 0.0 else 0.0
            t = np.maximum(t - step, 0.0)
        result[row] = t
    return result


@njit(cache=True, error_model="numpy")
def ballistic_impact_rows(position: np.ndarray, velocity: np.ndarray,
                          acceleration: np.ndarray, ground_up_m: float, sphere: bool,
                          earth_radius_m: float, origin_altitude_m: float
                          ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`ballistic_impact` of (n, 3) float arrays for compiled callers (the battle
    manager's cycle): the flat-ground root, then (``sphere``) Newton's method on the
    osculating sphere, with the same operations in the same order as the array form, so
    that points and times are the same bit for bit."""
    n = position.shape[0]
    point = np.empty((n, 3))
    time = np.empty(n)
    falling_any = False
    for row in range(n):
        if acceleration[row, 2] < 0.0:
            falling_any = True
    if not falling_any:
        point[:] = np.nan
        time[:] = np.nan
        return point, time
    for row in range(n):
        half_a = 0.5 * (acceleration[row, 2] if acceleration[row, 2] < 0.0 else -1.0)
        height = position[row, 2] - ground_up_m
        vz = velocity[row, 2]
        discriminant = vz * vz - 4.0 * half_a * height
        # np.maximum(discriminant, 0.0): NaN stays NaN, -0.0 stays -0.0.
        root = np.sqrt(discriminant if (discriminant >= 0.0 or discriminant != discriminant)
                       else 0.0)
        time[row] = 0.0 if height <= 0.0 else (-vz - root) / (2.0 * half_a)
    if sphere:
        time = _sphere_impact_time_kernel(position, velocity, acceleration, time, ground_up_m,
                                          earth_radius_m, origin_altitude_m,
                                          SPHERE_ITERATIONS)
    for row in range(n):
        if not acceleration[row, 2] < 0.0:
            time[row] = np.nan
        t = time[row]
        for axis in range(3):
            point[row, axis] = (position[row, axis] + velocity[row, axis] * t
                                + 0.5 * acceleration[row, axis] * (t * t))
    return point, time
