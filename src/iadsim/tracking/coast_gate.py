"""The coasting speed gate (``tracking.coast_speed_gate``): a confirmed track of a waypoint
kind that has coasted takes a report only if the update keeps its speed.

Why: a track that coasts through a run of missed scans keeps predicting at constant
velocity while its covariance grows with the process noise, its velocity covariance as
``q^2 dt`` per axis (CWNA; Bar-Shalom, Li and Kirubarajan, *Estimation with Applications
to Tracking and Navigation*, 2001, sec. 6.3.2). After a minute at the default 30 m/s^2
that is about 230 m/s per axis, and the Kalman gain puts most of the innovation of the
report the track takes into its velocity, ``dv = P_vp S^-1 r``, about ``1.5 r / dt``: a
clutter plot or a neighbour's report 20-40 km inside the wide gate turns an airliner's
track into one flying at 600-1,500 m/s, which then runs away from its aircraft; the
aircraft's next reports fall outside its (now narrow) gate and start a second track.
Traced on ``benchmarks/recorded_traffic.py --explain`` (Pd 0.72, seed 7), five of the eleven
breaks of the split aircraft were such runaways.

Aircraft, cruise missiles and drones fly at nearly constant speed: they turn, climb and
descend, but their speed changes slowly (their thrust is small against their weight, and
a waypoint route's legs are flown at set speeds). So the update's speed is tested, not
its direction: the pair is refused when the speed the track would have after the update,
``|v + dv|``, lies outside ``[|v| / (1 + margin) - k s, (1 + margin) |v| + k s]``, ``|v|``
its speed at its last update, ``s`` that speed's standard deviation then (its velocity
covariance along its velocity: the speed it was sure of before the coast), ``margin``
the kinematic plausibility's ``plausibility_speed_margin`` (0.5) and ``k`` its
``plausibility_sigmas`` (3). The margin is there for the linear update itself: after a
turn during the coast the report lies off the straight line and the update adds a
velocity across the old one, raising the speed it estimates (a 90-degree turn over a
30 s coast of a 200 m/s track gives about 300 m/s). A turn passes; a plot that would
make a 230 m/s track fly at 700 m/s does not. This is the velocity gate of
track initiation (Blackman and Popoli, *Design and Analysis of Modern Tracking Systems*,
1999, sec. 7.2: a gate on the speed implied by a plot) applied to a coasting track, with
the track's own speed as the reference instead of the scenario's fastest kind.

Only confirmed tracks that have coasted past their allowance (``coast_free_revisits``
revisits of the radar that last updated them: the tracks the coasting likelihood prices)
and whose kinematic class is a waypoint kind are gated; ballistic missiles (gravity, and
thrust in boost) and unclassified tracks are not.
"""

from __future__ import annotations

import numpy as np

from iadsim.tracking.assignment_pass import solve3_rows


def updated_speeds(velocity_mps: np.ndarray, velocity_cov_m2s2: np.ndarray,
                   velocity_position_cov: np.ndarray, dt_s: np.ndarray,
                   process_noise_mps2: float, innovation_cov_m2: np.ndarray,
                   residual_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The speed each (track, report) pair's Kalman update would give the track, its speed
    before, and the standard deviation of that speed.

    For each pair (m,): the track's velocity at its last update ``velocity_mps`` (m, 3),
    its velocity covariance ``velocity_cov_m2s2`` (m, 3, 3) and velocity-position
    cross-covariance ``velocity_position_cov`` (m, 3, 3) (rows velocity, columns
    position), predicted over ``dt_s`` (m,) at constant velocity with the CWNA noise of
    ``process_noise_mps2`` (the predicted cross-covariance ``P_vp + dt P_vv + q^2 dt^2 /
    2 I``); the report's innovation covariance ``innovation_cov_m2`` (m, 3, 3) and
    residual ``residual_m`` (m, 3) against the predicted position. Returns ``|v + dv|``
    with ``dv = P_vp S^-1 r`` (m/s, (m,)), ``|v|`` and ``sqrt(u' P_vv u)`` (m/s, (m,)),
    ``u`` the unit vector along ``v``. Inputs are not modified."""
    dt = np.asarray(dt_s, dtype=float)[:, None, None]
    identity = np.eye(3)[None, :, :]
    cross = (velocity_position_cov + dt * velocity_cov_m2s2
             + 0.5 * process_noise_mps2**2 * dt**2 * identity)
    # S^-1 r by the scan pass's own 3 x 3 solve (not NumPy's LAPACK, whose rounding
    # depends on the CPU), so that both ways gate alike.
    weighted = solve3_rows(np.ascontiguousarray(innovation_cov_m2, dtype=float),
                           np.ascontiguousarray(residual_m, dtype=float))[0]
    correction = np.einsum("kij,kj->ki", cross, weighted)
    speed = np.linalg.norm(velocity_mps, axis=1)
    direction = velocity_mps / np.maximum(speed, 1e-9)[:, None]
    along = np.einsum("ki,kij,kj->k", direction, velocity_cov_m2s2, direction)
    return (np.linalg.norm(velocity_mps + correction, axis=1), speed,
            np.sqrt(np.maximum(along, 0.0)))


def refused(velocity_mps: np.ndarray, velocity_cov_m2s2: np.ndarray,
            velocity_position_cov: np.ndarray, dt_s: np.ndarray, process_noise_mps2: float,
            innovation_cov_m2: np.ndarray, residual_m: np.ndarray, margin: float,
            sigmas: float) -> np.ndarray:
    """Whether each pair's update would leave the track's speed outside
    ``[|v| / (1 + margin) - sigmas s, (1 + margin) |v| + sigmas s]``, ``s`` the standard
    deviation of its speed ``|v|`` before (bool (m,); the other arguments as
    :func:`updated_speeds`)."""
    updated, speed, sigma = updated_speeds(velocity_mps, velocity_cov_m2s2,
                                           velocity_position_cov, dt_s, process_noise_mps2,
                                           innovation_cov_m2, residual_m)
    return ((updated > (1.0 + margin) * speed + sigmas * sigma)
            | (updated < speed / (1.0 + margin) - sigmas * sigma))
