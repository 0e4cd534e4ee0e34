"""Re-entry drag in the ballistic model: each track's ballistic coefficient, estimated from
its own history, and the drag deceleration it adds to gravity (``tracking.ballistic_drag``).

A body falling through the air decelerates by ``-rho(h) |v| v / (2 beta)`` (``rho`` the
air density at its altitude ``h``, ``beta = m / (C_D A)`` its ballistic coefficient,
kg/m^2): tens of g for a high-drag re-entry vehicle at 20-40 km. The tracker does not know
a threat's ``beta``; it estimates the inverse ``kappa = 1 / beta`` (m^2/kg) per track from
the track's own velocity history. The along-track deceleration beyond gravity measured
between two updates at least :data:`BASELINE_S` apart, ``D = -(dv / dt - g) . v / |v|``,
observes ``kappa`` linearly, ``D = H kappa + noise`` with ``H = rho(h) |v|^2 / 2`` at the
interval's mean velocity and altitude, so a least-squares fit with fading memory
(:data:`MEMORY_S`) is ``kappa = sum H D / sum H^2``: high in the thin air, where ``H`` is
tiny, a measurement weighs nothing, and low down the fit converges within a few updates.
``kappa`` is bounded to :data:`SMALLEST_BALLISTIC_COEFFICIENT_KG_M2` ..
:data:`LARGEST_BALLISTIC_COEFFICIENT_KG_M2` and counts as known (drag applied) only once
``sqrt(sum H^2) / SMALLEST_BALLISTIC_COEFFICIENT_KG_M2`` passes :data:`EVIDENCE_MPS2`:
when the lightest plausible body would have shown that much drag (root sum square) over
the fit's memory, so that the estimate's error ``sigma_D / sqrt(sum H^2)`` is a small
part of the plausible range; until then the track has no drag (gravity only). This is the
estimate of a decoupled inverse-ballistic-coefficient filter, the third component of the
7-state models of Farina, Ristic and Benvenuti, "Tracking a ballistic target: comparison
of several nonlinear filters", IEEE Trans. AES 38(3), 2002, and Li and Jilkov, "Survey of
maneuvering target tracking, Part II: motion models of ballistic and space targets",
IEEE Trans. AES 46(1), 2010, sec. III, here outside the Kalman state (no cross-covariance
with position and velocity).

The drag then enters the tracker's linear prediction as part of the known acceleration
(:meth:`iadsim.tracking.tracker.CentralTracker._known_acceleration`, a control input that
moves the state, not the covariance), computed from the track's estimate at the start
of the pass (:func:`ballistic_accelerations`) and held over the prediction: its change
over the interval (the air thickens as the body falls) and the error of ``kappa`` are
left to the filter's white acceleration noise (``process_noise_mps2``, 30 m/s^2 by
default), and the drag's damping of the velocity covariance (``da/dv``, negative) is left
out, which only overstates the covariance. Altitude is the track's up coordinate plus the
earth's fall below the origin's horizontal plane, ``d^2 / (2 R)`` (the ENU origin at sea
level); the density is the U.S. Standard Atmosphere 1976's (:mod:`iadsim.world.atmosphere`).
No truth is read: only the track table's own columns.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from iadsim.world.atmosphere import density_at
from iadsim.world.earth import EARTH_RADIUS_M

#: The plausible ballistic coefficients (kg/m^2): from a light decoy or tumbling tank
#: (a few hundred) to a slender, heavy re-entry vehicle (tens of thousands).
SMALLEST_BALLISTIC_COEFFICIENT_KG_M2 = 500.0
LARGEST_BALLISTIC_COEFFICIENT_KG_M2 = 100_000.0
#: Shortest interval (s) over which a velocity change is read as a deceleration.
BASELINE_S = 1.0
#: Time constant (s) of the fit's fading memory: a boost through the air or an early
#: estimate made while the velocity still lagged is forgotten within a few of it.
MEMORY_S = 10.0
#: Root sum square of the drag the lightest plausible body would have shown (m/s^2) before
#: the estimate is used.
EVIDENCE_MPS2 = 60.0


@njit(cache=True, error_model="numpy")
def altitude_m(east_m: float, north_m: float, up_m: float) -> float:
    """Altitude above sea level (m) of an ENU position whose origin is at sea level: the up
    coordinate plus the earth's fall below the origin's horizontal plane, ``d^2 / (2 R)``."""
    return up_m + (east_m * east_m + north_m * north_m) / (2.0 * EARTH_RADIUS_M)


@njit(cache=True, error_model="numpy")
def estimate_inverse_coefficients(state: np.ndarray, time_s: np.ndarray, flown: np.ndarray,
                                  gravity_mps2: np.ndarray, reference_velocity: np.ndarray,
                                  reference_time_s: np.ndarray, information: np.ndarray,
                                  weighted_sum: np.ndarray,
                                  inverse_coefficient: np.ndarray) -> None:
    """Move each track's fit of its inverse ballistic coefficient on, in place.

    ``state`` (n, 6) and ``time_s`` (n,): the tracks' estimates; ``flown`` (n,) bool: the
    tracks flown with the ballistic model; ``gravity_mps2`` (3,). The fit's columns, each
    (n,) or (n, 3), are changed in place: ``reference_velocity`` (m/s) and
    ``reference_time_s`` (NaN: none yet), the velocity the next deceleration is measured
    from; ``information`` (sum of ``H^2``, faded) and ``weighted_sum`` (sum of ``H D``);
    ``inverse_coefficient`` (m^2/kg; 0 while unknown). A track not flown ballistic, or
    not yet :data:`BASELINE_S` past its reference, only moves its reference on (the
    former) or waits (the latter). See the module docstring for the fit.
    """
    smallest = 1.0 / LARGEST_BALLISTIC_COEFFICIENT_KG_M2
    largest = 1.0 / SMALLEST_BALLISTIC_COEFFICIENT_KG_M2
    for row in range(state.shape[0]):
        dt = time_s[row] - reference_time_s[row]
        if not flown[row] or np.isnan(dt):
            for axis in range(3):
                reference_velocity[row, axis] = state[row, 3 + axis]
            reference_time_s[row] = time_s[row]
            continue
        if dt < BASELINE_S:
            continue
        mean_velocity = np.empty(3)
        along = 0.0
        speed2 = 0.0
        for axis in range(3):
            mean_velocity[axis] = 0.5 * (state[row, 3 + axis] + reference_velocity[row, axis])
            speed2 += mean_velocity[axis] * mean_velocity[axis]
        speed = math.sqrt(speed2)
        if speed > 0.0:
            for axis in range(3):
                measured = (state[row, 3 + axis] - reference_velocity[row, axis]) / dt
                along += (measured - gravity_mps2[axis]) * mean_velocity[axis] / speed
            # The altitude half an interval back, at the mean velocity.
            altitude = altitude_m(state[row, 0] - 0.5 * dt * mean_velocity[0],
                                  state[row, 1] - 0.5 * dt * mean_velocity[1],
                                  state[row, 2] - 0.5 * dt * mean_velocity[2])
            observation = 0.5 * density_at(altitude) * speed2
            fade = math.exp(-dt / MEMORY_S)
            information[row] = fade * information[row] + observation * observation
            weighted_sum[row] = fade * weighted_sum[row] - observation * along
            if math.sqrt(information[row]) * largest >= EVIDENCE_MPS2:
                inverse_coefficient[row] = min(max(weighted_sum[row] / information[row],
                                                   smallest), largest)
            else:
                inverse_coefficient[row] = 0.0
        for axis in range(3):
            reference_velocity[row, axis] = state[row, 3 + axis]
        reference_time_s[row] = time_s[row]


@njit(cache=True, error_model="numpy")
def ballistic_accelerations(state: np.ndarray, inverse_coefficient: np.ndarray,
                            gravity_mps2: np.ndarray, out: np.ndarray) -> None:
    """The ballistic model's acceleration (n, 3) of each track into ``out``: gravity
    ``gravity_mps2`` (3,) plus, for a track whose ``inverse_coefficient`` (n,) (m^2/kg) is
    known (positive), the drag ``-rho(h) |v| v kappa / 2`` at its estimate ``state``
    (n, 6). A track without one gets gravity exactly."""
    for row in range(state.shape[0]):
        kappa = inverse_coefficient[row]
        for axis in range(3):
            out[row, axis] = gravity_mps2[axis]
        if kappa > 0.0:
            vx, vy, vz = state[row, 3], state[row, 4], state[row, 5]
            speed = math.sqrt(vx * vx + vy * vy + vz * vz)
            density = density_at(altitude_m(state[row, 0], state[row, 1], state[row, 2]))
            scale = 0.5 * density * speed * kappa
            out[row, 0] -= scale * vx
            out[row, 1] -= scale * vy
            out[row, 2] -= scale * vz


def drag_deceleration_mps2(position_m: np.ndarray, velocity_mps: np.ndarray,
                           ballistic_coefficient_kg_m2: float) -> np.ndarray:
    """The drag acceleration (k, 3) m/s^2 of bodies at ENU positions (k, 3) m with
    velocities (k, 3) m/s and one ballistic coefficient (kg/m^2): what
    :func:`ballistic_accelerations` adds to gravity, for tests and analysis."""
    position = np.ascontiguousarray(position_m, dtype=float).reshape(-1, 3)
    state = np.concatenate([position, np.asarray(velocity_mps, dtype=float).reshape(-1, 3)],
                           axis=1)
    out = np.empty((state.shape[0], 3))
    ballistic_accelerations(state, np.full(state.shape[0], 1.0 / ballistic_coefficient_kg_m2),
                            np.zeros(3), out)
    return out
