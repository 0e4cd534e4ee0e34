"""Interceptor flight: a 3-D point mass with a boost-sustain-coast motor, drag and gravity.

The forces on one round (SI units, scenario ENU frame):

- thrust along the velocity, ``boost_thrust_n`` for ``boost_time_s`` then
  ``sustain_thrust_n`` for ``sustain_time_s``, then none (coast); the propellant burns at a
  rate proportional to thrust (constant specific impulse), so the mass falls linearly within
  each phase from ``launch_mass_kg`` to ``launch_mass_kg - propellant_mass_kg``;
- drag against the velocity, ``0.5 rho V^2 Cd(M) A``, with density and speed of sound from
  the U.S. Standard Atmosphere 1976 (:mod:`iadsim.world.atmosphere`, tabulated every 100 m,
  :data:`ATMOSPHERE_TABLE`) at the round's height above the osculating sphere of the
  frame, and ``Cd(M) = drag_coefficient x`` the generic Mach table
  :data:`DRAG_MACH_TABLE` (normalised to 1 at Mach 2);
- gravity, 9.80665 m/s^2 toward the centre of the osculating sphere (round earth: at 250 km
  from the origin the ground is 4.9 km below the ENU plane);
- a lateral acceleration (guidance), perpendicular to the velocity and limited to
  ``max_lateral_acceleration_g``; guidance also cancels the part of gravity across the
  velocity (gravity compensation) within that limit.

Not modelled: induced drag of manoeuvring, the fall of manoeuvrability with dynamic
pressure at high altitude, thrust misalignment, wind. Integration is semi-implicit
(symplectic) Euler over sub-steps chosen by the caller (:mod:`iadsim.effectors.flyout`).

Sources: the point-mass equations as in Zarchan, Tactical and Strategic Missile Guidance,
6th ed. (2012), ch. 1 and app. on simulation; the Mach table's shape (a transonic rise to
about 2.4 times the subsonic value, falling roughly as 1/M above) follows the zero-lift
drag of slender tactical missile bodies in Fleeman, Tactical Missile Design, 2nd ed. (2006),
sec. 2.4. A gun projectile uses the same table (shell drag curves have the same shape,
McCoy, Modern Exterior Ballistics, 1999, ch. 2).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numba import njit

from iadsim.world.atmosphere import STANDARD_GRAVITY_MPS2, standard_atmosphere

#: Mach numbers and drag multipliers (1 at Mach 2) of the generic zero-lift drag curve.
DRAG_MACH_TABLE = np.array([
    [0.0, 0.6, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 10.0],
    [0.55, 0.55, 0.6, 0.75, 1.1, 1.3, 1.3, 1.2, 1.0, 0.8, 0.68, 0.6, 0.55, 0.5],
])
#: Spacing (m) and top (m) of the tabulated atmosphere the kernels interpolate.
ATMOSPHERE_STEP_M, ATMOSPHERE_TOP_M = 100.0, 120_000.0
_altitudes = np.arange(0.0, ATMOSPHERE_TOP_M + ATMOSPHERE_STEP_M, ATMOSPHERE_STEP_M)
_, _, _density, _sound = standard_atmosphere(_altitudes)
#: (2, n) log density (ln kg/m^3) and speed of sound (m/s) every 100 m from 0 to 120 km,
#: from :func:`iadsim.world.atmosphere.standard_atmosphere`; linear interpolation of the
#: logarithm of density is within 1e-5 of the model (exponential within each interval).
ATMOSPHERE_TABLE = np.vstack([np.log(_density), _sound])
del _altitudes, _density, _sound
#: Specific impulse (s) used to size a motor whose thrust or propellant is not given.
DEFAULT_SPECIFIC_IMPULSE_S = 250.0
#: Burnout speed of a default motor, as a multiple of the type's average ``speed_mps``.
DEFAULT_BURNOUT_SPEED_RATIO = 1.6

# Columns of the flight parameter matrix (one row per interceptor type, SI units).
(IS_GUN, LAUNCH_MASS, PROPELLANT, BOOST_THRUST, BOOST_TIME, SUSTAIN_THRUST, SUSTAIN_TIME,
 AREA, DRAG_COEFFICIENT, LAUNCH_SPEED, MAX_LATERAL, MIN_SPEED, NAVIGATION_RATIO,
 GUIDANCE_TAU, LOFT_TAN, SEEKER_RANGE, SEEKER_COS_FOV, SEEKER_REFERENCE_RCS,
 SEEKER_ANGLE_NOISE, MAX_FLIGHT_TIME, AVERAGE_SPEED) = range(21)
FLIGHT_COLUMNS = 21


def flight_parameters(types: Sequence, max_flight_time_s: np.ndarray) -> np.ndarray:
    """The (n_types, FLIGHT_COLUMNS) matrix of SI flight parameters of validated
    :class:`~iadsim.scenario.schema.InterceptorType` entries.

    A motor without ``boost_thrust_n`` is sized to reach ``1.6 x speed_mps`` at burnout
    in vacuum with a specific impulse of 250 s (Tsiolkovsky); one without
    ``propellant_mass_kg`` burns what its total impulse needs at 250 s.
    """
    table = np.zeros((len(types), FLIGHT_COLUMNS))
    exhaust_speed = DEFAULT_SPECIFIC_IMPULSE_S * STANDARD_GRAVITY_MPS2
    for row, kind in enumerate(types):
        gun = kind.kind == "gun"
        mass = kind.launch_mass_kg
        boost_thrust, propellant = kind.boost_thrust_n, kind.propellant_mass_kg
        if gun:
            boost_thrust, propellant, sustain_thrust = 0.0, 0.0, 0.0
        else:
            sustain_thrust = kind.sustain_thrust_n
            if boost_thrust is None:
                burnout = DEFAULT_BURNOUT_SPEED_RATIO * kind.speed_mps
                burnt = min(mass * (1.0 - np.exp(-burnout / exhaust_speed)), 0.9 * mass)
                boost_burnt = burnt if propellant is None else propellant
                boost_thrust = (boost_burnt * exhaust_speed / kind.boost_time_s
                                if kind.boost_time_s > 0 else 0.0)
            if propellant is None:
                impulse = boost_thrust * kind.boost_time_s + sustain_thrust * kind.sustain_time_s
                propellant = min(impulse / exhaust_speed, 0.9 * mass)
        table[row] = (
            float(gun), mass, propellant, boost_thrust, kind.boost_time_s, sustain_thrust,
            kind.sustain_time_s, kind.reference_area_m2, kind.drag_coefficient,
            kind.muzzle_velocity_mps if gun else kind.launch_speed_mps,
            kind.max_lateral_acceleration_g * STANDARD_GRAVITY_MPS2,
            0.0 if gun else kind.min_speed_mps, kind.navigation_ratio,
            kind.guidance_time_constant_s, np.tan(np.radians(kind.midcourse_loft_deg)),
            0.0 if gun else kind.seeker_range_km * 1e3,
            np.cos(np.radians(kind.seeker_field_of_view_deg)), kind.seeker_reference_rcs_m2,
            np.radians(kind.seeker_angle_noise_deg), max_flight_time_s[row], kind.speed_mps)
    return table


@njit(cache=True, error_model="numpy")
def drag_multiplier(mach: float, table: np.ndarray) -> float:
    """The generic drag curve at one Mach number (linear between table points)."""
    machs = table[0]
    last = machs.size - 1
    if mach >= machs[last]:
        return table[1, last]
    index = 0
    while machs[index + 1] < mach:
        index += 1
    fraction = (mach - machs[index]) / (machs[index + 1] - machs[index])
    return table[1, index] + fraction * (table[1, index + 1] - table[1, index])


@njit(cache=True, error_model="numpy")
def air_at(height_m: float, table: np.ndarray) -> tuple[float, float]:
    """Density (kg/m^3) and speed of sound (m/s) at a height above the sphere (m), from
    :data:`ATMOSPHERE_TABLE` (held at its ends below 0 and above 120 km)."""
    position = min(max(height_m, 0.0), ATMOSPHERE_TOP_M) / ATMOSPHERE_STEP_M
    index = min(int(position), table.shape[1] - 2)
    fraction = position - index
    log_density = table[0, index] + fraction * (table[0, index + 1] - table[0, index])
    sound = table[1, index] + fraction * (table[1, index + 1] - table[1, index])
    return np.exp(log_density), sound


@njit(cache=True, error_model="numpy")
def thrust_and_mass(parameters: np.ndarray, time_since_launch_s: float) -> tuple[float, float]:
    """Thrust (N) and mass (kg) of a round of one type (a row of the parameter matrix)
    ``time_since_launch_s`` after launch."""
    boost_time, sustain_time = parameters[BOOST_TIME], parameters[SUSTAIN_TIME]
    boost_thrust, sustain_thrust = parameters[BOOST_THRUST], parameters[SUSTAIN_THRUST]
    total = boost_thrust * boost_time + sustain_thrust * sustain_time
    tau = max(time_since_launch_s, 0.0)
    if tau < boost_time:
        thrust, impulse = boost_thrust, boost_thrust * tau
    elif tau < boost_time + sustain_time:
        thrust = sustain_thrust
        impulse = boost_thrust * boost_time + sustain_thrust * (tau - boost_time)
    else:
        thrust, impulse = 0.0, total
    burnt = parameters[PROPELLANT] * (impulse / total if total > 0.0 else 0.0)
    return thrust, parameters[LAUNCH_MASS] - burnt


@njit(cache=True, error_model="numpy")
def burnout_time_s(parameters: np.ndarray) -> float:
    """Time after launch at which the motor stops (s)."""
    return parameters[BOOST_TIME] + parameters[SUSTAIN_TIME]


@njit(cache=True, error_model="numpy")
def fly_substep(parameters: np.ndarray, drag_table: np.ndarray, position: np.ndarray,
                velocity: np.ndarray, lateral_command: np.ndarray, time_since_launch_s: float,
                earth_radius_m: float, substep_s: float) -> None:
    """Advance one round by ``substep_s`` in place (``position``, ``velocity``: (3,) m, m/s).

    ``lateral_command`` (3,) m/s^2 is the guidance acceleration; its part across the
    velocity, plus gravity compensation, is limited to the type's lateral limit. The
    command array is not modified. Semi-implicit Euler: velocity first, then position with
    the new velocity.
    """
    vx, vy, vz = velocity[0], velocity[1], velocity[2]
    speed = np.sqrt(vx * vx + vy * vy + vz * vz)
    ux, uy, uz = (vx / speed, vy / speed, vz / speed) if speed > 0 else (0.0, 0.0, 1.0)
    # Gravity toward the centre of the osculating sphere; height above it.
    cx, cy, cz = position[0], position[1], position[2] + earth_radius_m
    centre_distance = np.sqrt(cx * cx + cy * cy + cz * cz)
    height = centre_distance - earth_radius_m
    gx = -STANDARD_GRAVITY_MPS2 * cx / centre_distance
    gy = -STANDARD_GRAVITY_MPS2 * cy / centre_distance
    gz = -STANDARD_GRAVITY_MPS2 * cz / centre_distance
    thrust, mass = thrust_and_mass(parameters, time_since_launch_s)
    density, sound = air_at(height, ATMOSPHERE_TABLE)
    mach = speed / sound
    drag = (0.5 * density * speed * speed * parameters[AREA] * parameters[DRAG_COEFFICIENT]
            * drag_multiplier(mach, drag_table))
    axial = (thrust - drag) / mass
    ax, ay, az = 0.0, 0.0, 0.0
    if parameters[IS_GUN] == 0.0:
        # Guidance plus gravity compensation, across the velocity, within the limit.
        cmd_x = lateral_command[0] - gx
        cmd_y = lateral_command[1] - gy
        cmd_z = lateral_command[2] - gz
        along = cmd_x * ux + cmd_y * uy + cmd_z * uz
        cmd_x -= along * ux
        cmd_y -= along * uy
        cmd_z -= along * uz
        size = np.sqrt(cmd_x * cmd_x + cmd_y * cmd_y + cmd_z * cmd_z)
        limit = parameters[MAX_LATERAL]
        scale = limit / size if size > limit else 1.0
        ax, ay, az = cmd_x * scale, cmd_y * scale, cmd_z * scale
    velocity[0] = vx + (axial * ux + ax + gx) * substep_s
    velocity[1] = vy + (axial * uy + ay + gy) * substep_s
    velocity[2] = vz + (axial * uz + az + gz) * substep_s
    position[0] += velocity[0] * substep_s
    position[1] += velocity[1] * substep_s
    position[2] += velocity[2] * substep_s
