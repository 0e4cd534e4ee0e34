"""Ballistic missile flight: boost, a numerically integrated arc, re-entry drag, to impact.

A point mass over a spherical, non-rotating earth (radius :data:`EARTH_RADIUS_M`), in the
plane of the great circle from the launch point to the impact point:

* gravity: inverse square, ``-mu r / |r|^3`` (``mu`` = :data:`GRAVITY_PARAMETER_M3_S2`);
* boost: a constant thrust acceleration ``a_T`` for ``burn_time_s``; the thrust points
  straight up for the first tenth of the burn, pitches over linearly to the programmed
  pitch ``theta`` (above the launch point's horizontal) by three tenths of it, and holds
  it to burnout;
* drag throughout: ``-rho(h) |v| v / (2 beta)`` with the ballistic coefficient
  ``beta = m / (C_D A)`` (kg/m^2) constant and the U.S. Standard Atmosphere 1976 density
  (:mod:`iadsim.world.atmosphere`), or an exponential atmosphere for validation;
* integration: fourth-order Runge-Kutta with a fixed step (:data:`STEP_S`, the burn a
  whole number of steps); impact where the radius falls through the impact point's,
  interpolated within the last step.

The scenario still sets the trajectory: by ``apogee_km`` (above the launch point) or by
``launch_angle_deg`` (the programmed pitch ``theta``). A shooting method solves for the
unknowns, ``a_T`` (and ``theta`` for an apogee) by Newton iteration with a finite-difference
Jacobian, from the flat-earth parabola's figures, until the impact lands within
:data:`IMPACT_TOLERANCE_M` of the aim point along the great circle and the apogee is within
:data:`APOGEE_TOLERANCE_M`. Not modelled: earth rotation (Coriolis and the moving target,
tens to hundreds of metres to kilometres over an SRBM's flight, absorbed here in the aim),
lift, a mass that changes during the burn, a separating re-entry vehicle.

Sources: the equations of motion are those of a point mass in an inverse-square field
with drag, e.g. Zarchan, Tactical and Strategic Missile Guidance, 6th ed. (AIAA, 2012),
ch. 12-13 (ballistic targets and their re-entry with a ballistic coefficient); the
shooting to an impact point follows the same book's ballistic-missile "Lambert" targeting
in spirit (here numerically, with drag). Valid for short- and medium-range missiles
(ground ranges to a few thousand km); no lift, no manoeuvring re-entry vehicle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numba import njit

from iadsim.errors import TrajectoryError
from iadsim.threats import ballistic
from iadsim.world.atmosphere import density_at

#: Earth's gravitational parameter GM (m^3/s^2), WGS84.
GRAVITY_PARAMETER_M3_S2 = 3.986004418e14
#: Radius of the spherical earth of the model (m): the IUGG mean radius.
EARTH_RADIUS_M = 6_371_008.8
#: Integration step (s); the burn is split into a whole number of steps of at most this.
STEP_S = 0.1
#: Path-table sampling (s): coarse in free flight, fine under thrust or notable drag.
COARSE_SAMPLE_S, FINE_SAMPLE_S = 2.0, 0.5
#: Drag (m/s^2) above which the table is sampled finely.
FINE_DRAG_MPS2 = 2.0
#: Shooting tolerances: impact along the great circle (m) and apogee (m).
IMPACT_TOLERANCE_M, APOGEE_TOLERANCE_M = 0.5, 1.0
MAX_ITERATIONS = 30
#: Defaults when neither the scenario nor the catalog gives them (notional SRBM figures).
DEFAULT_BURN_TIME_S = 60.0
DEFAULT_BALLISTIC_COEFFICIENT_KG_M2 = 10_000.0
#: Thrust profile: vertical until this fraction of the burn, pitched over by the next.
VERTICAL_FRACTION, PITCH_OVER_FRACTION = 0.1, 0.3
_MAX_FLIGHT_S = 4_000.0


@dataclass(frozen=True, slots=True)
class BallisticTrajectory:
    """One missile's solved flight, sampled for interpolation.

    ``time_s``, ``downrange_rad`` (angle travelled along the great circle from launch,
    seen from the earth's centre) and ``altitude_m`` (above the sphere, equal to the
    launch and impact altitudes at the ends) have shape ``(samples,)``; the last sample
    is the impact.
    """

    time_s: np.ndarray
    downrange_rad: np.ndarray
    altitude_m: np.ndarray
    speed_mps: np.ndarray
    thrust_accel_mps2: float
    pitch_rad: float
    burnout_speed_mps: float
    burnout_altitude_m: float
    apogee_m: float  # above the launch altitude
    impact_error_m: float  # along the great circle, signed (long > 0)


@njit(cache=True, error_model="numpy")
def _acceleration(x: float, y: float, vx: float, vy: float, t: float, thrust: float,
                  burn_s: float, powered: bool, pitch: float, inverse_beta: float, mu: float,
                  earth_radius: float, scale_height: float, sea_level_density: float
                  ) -> tuple[float, float, float]:
    """Acceleration (m/s^2) in the trajectory plane and the drag magnitude.

    ``powered`` is decided per integration step (the burn is a whole number of steps),
    so that no stage of the step after burnout sees thrust through round-off in ``t``.
    """
    r = math.sqrt(x * x + y * y)
    gravity = mu / (r * r * r)
    ax, ay = -gravity * x, -gravity * y
    if powered:
        fraction = t / burn_s
        if fraction < VERTICAL_FRACTION:
            elevation = 0.5 * math.pi
        elif fraction < PITCH_OVER_FRACTION:
            share = (fraction - VERTICAL_FRACTION) / (PITCH_OVER_FRACTION - VERTICAL_FRACTION)
            elevation = 0.5 * math.pi + share * (pitch - 0.5 * math.pi)
        else:
            elevation = pitch
        ax += thrust * math.cos(elevation)
        ay += thrust * math.sin(elevation)
    altitude = r - earth_radius
    if scale_height > 0.0:
        density = sea_level_density * math.exp(-altitude / scale_height)
    else:
        density = density_at(altitude)
    speed = math.sqrt(vx * vx + vy * vy)
    drag = 0.5 * density * speed * inverse_beta
    return ax - drag * vx, ay - drag * vy, drag * speed


@njit(cache=True, error_model="numpy")
def fly(launch_altitude_m: float, impact_altitude_m: float, thrust_accel_mps2: float,
        burn_time_s: float, pitch_rad: float, ballistic_coefficient_kg_m2: float,
        gravity_parameter_m3_s2: float, earth_radius_m: float, scale_height_m: float,
        sea_level_density_kg_m3: float, initial_speed_mps: float, initial_path_angle_rad: float,
        step_s: float, record: bool
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, float,
                   float, float, float]:
    """Integrate one flight from launch to the impact altitude (the compiled kernel).

    The body starts at ``earth_radius_m + launch_altitude_m`` with ``initial_speed_mps``
    at ``initial_path_angle_rad`` above the horizontal (0 for a launch from the pad);
    ``scale_height_m > 0`` replaces the standard atmosphere by
    ``sea_level_density_kg_m3 exp(-h / scale_height_m)``; ``inverse`` ballistic
    coefficient 0 (``ballistic_coefficient_kg_m2 = inf``) removes drag. ``burn_time_s``
    must be a whole number of steps ``step_s`` (0 for an unpowered flight).

    Returns the sampled time (s), downrange angle (rad), altitude (m), speed (m/s) and
    drag deceleration (m/s^2) (every step when ``record``, else the path-table sampling),
    the sample count, the impact downrange angle (NaN if it never comes down through the
    impact altitude), the apogee altitude (m), and the burnout speed (m/s) and altitude (m).
    """
    inverse_beta = 1.0 / ballistic_coefficient_kg_m2
    launch_radius = earth_radius_m + launch_altitude_m
    impact_radius = earth_radius_m + impact_altitude_m
    x, y = 0.0, launch_radius
    vx = initial_speed_mps * math.cos(initial_path_angle_rad)
    vy = initial_speed_mps * math.sin(initial_path_angle_rad)
    capacity = int(_MAX_FLIGHT_S / (step_s if record else FINE_SAMPLE_S)) + 3
    times = np.empty(capacity)
    angles = np.empty(capacity)
    altitudes = np.empty(capacity)
    speeds = np.empty(capacity)
    drags = np.empty(capacity)
    count = 0
    t = 0.0
    next_sample = 0.0
    apogee_radius = launch_radius
    burnout_speed, burnout_altitude = 0.0, launch_altitude_m
    risen = launch_radius > impact_radius
    impact_angle = np.nan
    steps = int(_MAX_FLIGHT_S / step_s)
    burn_steps = round(burn_time_s / step_s)
    _, _, drag = _acceleration(x, y, vx, vy, t, thrust_accel_mps2, burn_time_s,
                               burn_steps > 0, pitch_rad, inverse_beta,
                               gravity_parameter_m3_s2, earth_radius_m, scale_height_m,
                               sea_level_density_kg_m3)
    for step in range(steps):
        r = math.sqrt(x * x + y * y)
        if record or t >= next_sample - 1e-9:
            times[count] = t
            angles[count] = math.atan2(x, y)
            altitudes[count] = r - earth_radius_m
            speeds[count] = math.sqrt(vx * vx + vy * vy)
            drags[count] = drag
            count += 1
            fine = step < burn_steps or drag > FINE_DRAG_MPS2
            next_sample = t + (FINE_SAMPLE_S if fine else COARSE_SAMPLE_S)
        h = step_s
        powered = step < burn_steps
        # Classical RK4: each stage starts from the state moved by the previous stage's
        # derivative over 0, h/2, h/2, h; weights 1, 2, 2, 1.
        dx, dy, dvx, dvy = vx, vy, 0.0, 0.0
        sum_x = sum_y = sum_vx = sum_vy = 0.0
        for stage in range(4):
            offset = 0.0 if stage == 0 else (h if stage == 3 else 0.5 * h)
            svx, svy = vx + offset * dvx, vy + offset * dvy
            ax, ay, _ = _acceleration(x + offset * dx, y + offset * dy, svx, svy, t + offset,
                                      thrust_accel_mps2, burn_time_s, powered, pitch_rad,
                                      inverse_beta, gravity_parameter_m3_s2, earth_radius_m,
                                      scale_height_m, sea_level_density_kg_m3)
            weight = 1.0 if stage == 0 or stage == 3 else 2.0
            sum_x += weight * svx
            sum_y += weight * svy
            sum_vx += weight * ax
            sum_vy += weight * ay
            dx, dy, dvx, dvy = svx, svy, ax, ay
        new_x = x + h / 6.0 * sum_x
        new_y = y + h / 6.0 * sum_y
        new_vx = vx + h / 6.0 * sum_vx
        new_vy = vy + h / 6.0 * sum_vy
        new_t = (step + 1) * h
        new_r = math.sqrt(new_x * new_x + new_y * new_y)
        # Apogee: where the radial speed changes sign, from the radial speeds at both ends
        # (constant radial acceleration over the step).
        radial_speed = (x * vx + y * vy) / r
        new_radial_speed = (new_x * new_vx + new_y * new_vy) / new_r
        if radial_speed > 0.0 >= new_radial_speed:
            radial_accel = (new_radial_speed - radial_speed) / h
            apogee_radius = max(apogee_radius, r - radial_speed**2 / (2.0 * radial_accel))
        apogee_radius = max(apogee_radius, new_r)
        if step + 1 == burn_steps:
            burnout_speed = math.sqrt(new_vx * new_vx + new_vy * new_vy)
            burnout_altitude = new_r - earth_radius_m
        if new_r > impact_radius:
            risen = True
        elif risen and step + 1 >= burn_steps:
            fraction = (r - impact_radius) / (r - new_r)
            impact_x = x + fraction * (new_x - x)
            impact_y = y + fraction * (new_y - y)
            impact_vx = vx + fraction * (new_vx - vx)
            impact_vy = vy + fraction * (new_vy - vy)
            impact_angle = math.atan2(impact_x, impact_y)
            times[count] = t + fraction * h
            angles[count] = impact_angle
            altitudes[count] = impact_altitude_m
            speeds[count] = math.sqrt(impact_vx * impact_vx + impact_vy * impact_vy)
            drags[count] = drag
            count += 1
            break
        x, y, vx, vy, t = new_x, new_y, new_vx, new_vy, new_t
        _, _, drag = _acceleration(x, y, vx, vy, t, thrust_accel_mps2, burn_time_s,
                                   step + 1 < burn_steps, pitch_rad, inverse_beta,
                                   gravity_parameter_m3_s2, earth_radius_m, scale_height_m,
                                   sea_level_density_kg_m3)
    return (times[:count], angles[:count], altitudes[:count], speeds[:count], drags[:count],
            count, impact_angle, apogee_radius - earth_radius_m, burnout_speed,
            burnout_altitude)


def _flight(launch_alt_m: float, impact_alt_m: float, thrust: float, burn_s: float,
            pitch: float, beta: float, step_s: float) -> tuple:
    return fly(float(launch_alt_m), float(impact_alt_m), float(thrust), float(burn_s),
               float(pitch), float(beta), GRAVITY_PARAMETER_M3_S2, EARTH_RADIUS_M, 0.0, 0.0,
               0.0, 0.0, step_s, False)


@lru_cache(maxsize=1_024)
def solve_trajectory(ground_range_m: float, launch_alt_m: float, impact_alt_m: float,
                     apogee_km: float | None, launch_angle_deg: float | None,
                     burn_time_s: float = DEFAULT_BURN_TIME_S,
                     ballistic_coefficient_kg_m2: float = DEFAULT_BALLISTIC_COEFFICIENT_KG_M2
                     ) -> BallisticTrajectory:
    """Shoot one missile from its launch point to its impact point (module docstring).

    Parameters
    ----------
    ground_range_m : float
        Great-circle distance from launch to impact on the model's sphere (m), > 0.
    launch_alt_m, impact_alt_m : float
        Altitudes of the launch and impact points (m).
    apogee_km, launch_angle_deg : float or None
        Exactly one: the apogee above the launch altitude (km), or the programmed thrust
        pitch above the launch horizontal (deg, 0-90 exclusive).
    burn_time_s : float
        Boost duration (s), > 0.
    ballistic_coefficient_kg_m2 : float
        ``m / (C_D A)`` (kg/m^2), > 0.

    Returns
    -------
    BallisticTrajectory
        With read-only arrays: results are cached (same arguments, same object), so that
        Monte Carlo runs of one scenario solve each trajectory once.

    Raises
    ------
    ValueError
        If the arguments are out of range, or no boost reaches the impact point with the
        requested apogee (e.g. an apogee far too low for the range, or a burn so long the
        missile would already be past its target).
    """
    if (apogee_km is None) == (launch_angle_deg is None):
        raise TrajectoryError("give exactly one of apogee_km or launch_angle_deg")
    for name, value in (("ground_range_m", ground_range_m), ("burn_time_s", burn_time_s),
                        ("ballistic_coefficient_kg_m2", ballistic_coefficient_kg_m2)):
        if not (math.isfinite(value) and value > 0.0):
            raise TrajectoryError(f"{name} must be a finite number > 0, got {value}")
    if apogee_km is not None and not (math.isfinite(apogee_km) and apogee_km > 0.0):
        raise TrajectoryError(f"apogee_km must be a finite number > 0, got {apogee_km}")
    if launch_angle_deg is not None and not 0.0 < launch_angle_deg < 90.0:
        raise TrajectoryError(f"launch_angle_deg must be in (0, 90), got {launch_angle_deg}")
    for name, value in (("launch_alt_m", launch_alt_m), ("impact_alt_m", impact_alt_m)):
        if not (math.isfinite(value) and -1_000.0 <= value <= 100_000.0):
            raise TrajectoryError(f"{name} must be in [-1,000, 100,000] m, got {value}")
    target_angle = ground_range_m / EARTH_RADIUS_M
    burn_steps = max(1, math.ceil(burn_time_s / STEP_S))
    step = burn_time_s / burn_steps
    flat_apogee_m = (apogee_km * 1e3 if apogee_km is not None
                     else ground_range_m * math.tan(math.radians(launch_angle_deg)) / 4.0)
    flat_apogee_m = max(flat_apogee_m, impact_alt_m - launch_alt_m + 1.0)
    flat_angle = math.atan2(4.0 * flat_apogee_m, ground_range_m)
    up_speed, _ = ballistic.solve(np.array([ground_range_m]), np.array([launch_alt_m]),
                                  np.array([impact_alt_m]), flat_apogee_m / 1e3, None)
    speed = float(up_speed[0]) / math.sin(flat_angle)
    g = ballistic.STANDARD_GRAVITY_MPS2
    # Unknowns: log thrust acceleration and pitch (rad).
    unknowns = np.array([math.log(speed / burn_time_s + g * math.sin(flat_angle)),
                         flat_angle if launch_angle_deg is None
                         else math.radians(launch_angle_deg)])
    solve_pitch = apogee_km is not None
    scale = np.array([ground_range_m, max(flat_apogee_m, 1e3)])

    def residual(values: np.ndarray) -> np.ndarray:
        out = _flight(launch_alt_m, impact_alt_m, math.exp(values[0]), burn_time_s,
                      values[1], ballistic_coefficient_kg_m2, step)
        impact_angle, apogee = out[6], out[7]
        if not math.isfinite(impact_angle):
            return np.array([np.nan, np.nan])
        misses = [(impact_angle - target_angle) * EARTH_RADIUS_M]
        if solve_pitch:
            misses.append(apogee - launch_alt_m - apogee_km * 1e3)
        return np.array(misses)

    size = 2 if solve_pitch else 1
    current = residual(unknowns)
    for _ in range(MAX_ITERATIONS):
        if np.isnan(current).any():
            break
        if abs(current[0]) < IMPACT_TOLERANCE_M and (
                not solve_pitch or abs(current[1]) < APOGEE_TOLERANCE_M):
            break
        jacobian = np.empty((size, size))
        deltas = (1e-6, 1e-6)
        for column in range(size):
            probe = unknowns.copy()
            probe[column] += deltas[column]
            jacobian[:, column] = (residual(probe) - current) / deltas[column]
        try:
            change = -np.linalg.solve(jacobian, current)
        except np.linalg.LinAlgError:
            break
        limits = np.array([0.3, 0.15])[:size]
        change *= min(1.0, float(np.min(limits / np.maximum(np.abs(change), 1e-300))))
        # Backtrack while the scaled residual does not fall.
        for _ in range(8):
            trial = unknowns.copy()
            trial[:size] += change
            if solve_pitch:
                trial[1] = min(max(trial[1], 0.02), 0.5 * math.pi - 0.02)
            new = residual(trial)
            if (not np.isnan(new).any()
                    and np.linalg.norm(new / scale[:size]) < np.linalg.norm(current
                                                                            / scale[:size])):
                break
            change *= 0.5
        unknowns, current = trial, new
    if (np.isnan(current).any() or abs(current[0]) >= IMPACT_TOLERANCE_M
            or (solve_pitch and abs(current[1]) >= APOGEE_TOLERANCE_M)):
        asked = (f"apogee_km={apogee_km}" if solve_pitch
                 else f"launch_angle_deg={launch_angle_deg}")
        raise TrajectoryError(
            f"no boost of burn_time_s={burn_time_s} reaches {ground_range_m / 1e3:.1f} km "
            f"with {asked} (residual {current} m); choose a higher apogee or a shorter burn")
    thrust, pitch = math.exp(unknowns[0]), float(unknowns[1])
    out = _flight(launch_alt_m, impact_alt_m, thrust, burn_time_s, pitch,
                  ballistic_coefficient_kg_m2, step)
    times, angles, altitudes, speeds = out[0], out[1], out[2], out[3]
    altitudes = altitudes.copy()
    altitudes[0] = launch_alt_m
    for array in (times, angles, altitudes, speeds):
        array.setflags(write=False)
    return BallisticTrajectory(
        time_s=times, downrange_rad=angles, altitude_m=altitudes, speed_mps=speeds,
        thrust_accel_mps2=thrust, pitch_rad=pitch,
        burnout_speed_mps=float(out[8]), burnout_altitude_m=float(out[9]),
        apogee_m=float(out[7]) - launch_alt_m,
        impact_error_m=float((out[6] - target_angle) * EARTH_RADIUS_M))


def great_circle(lat1_deg: float, lon1_deg: float, lat2_deg: float, lon2_deg: float,
                 angle_rad: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Points at ``angle_rad`` along the great circle from point 1 towards point 2.

    Latitudes and longitudes are taken as spherical coordinates (the model's sphere), so
    the two end points are reproduced exactly. Returns latitude and longitude (deg) of
    each angle, and the angle between the two points (rad).
    """
    def unit(lat: float, lon: float) -> np.ndarray:
        la, lo = math.radians(lat), math.radians(lon)
        return np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo),
                         math.sin(la)])

    start, end = unit(lat1_deg, lon1_deg), unit(lat2_deg, lon2_deg)
    total = math.atan2(np.linalg.norm(np.cross(start, end)), float(start @ end))
    angle = np.asarray(angle_rad, dtype=float)
    if total < 1e-15:
        points = np.repeat(start[None], angle.size, axis=0)
    else:
        points = (np.sin(total - angle)[:, None] * start
                  + np.sin(angle)[:, None] * end) / math.sin(total)
    lat = np.degrees(np.arctan2(points[:, 2], np.hypot(points[:, 0], points[:, 1])))
    lon = np.degrees(np.arctan2(points[:, 1], points[:, 0]))
    return lat, lon, total
