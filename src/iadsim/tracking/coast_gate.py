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

The arithmetic is written once, compiled (:func:`updated_speeds`, :func:`refused_speeds`):
the tracker's NumPy path calls it through :func:`refused` over the gated pairs, and its
compiled scan pass (:func:`iadsim.tracking.assignment_pass.refuse_coast_speeds`) calls it
directly. It gives, bit for bit, the NumPy expressions it replaced (``np.linalg.solve``,
``einsum`` and ``norm`` in their sum orders), which tests/tracking/test_assignment_pass.py
keeps as its reference.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.tracking.lapack3 import solve3


@njit(cache=True)
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
    ``u`` the unit vector along ``v``. Inputs are not modified.

    Bit for bit the NumPy it replaced (``np.linalg.solve``, ``np.einsum`` and
    ``np.linalg.norm`` over the m pairs): ``S^-1 r`` by :func:`lapack3.solve3`, the sums
    in NumPy's order (``"kij,kj->ki"``: ``(x + z) + y``; ``norm``: ``(x + y) + z``;
    ``"ki,kij,kj->k"``: ``(u_i P_ij) u_j`` row by row from the first, except that for a
    single pair NumPy summed each row apart, then the rows), so that the event logs
    pinned before it was compiled still hold."""
    count = dt_s.size
    noise_factor = 0.5 * (process_noise_mps2 * process_noise_mps2)
    cross = np.empty((3, 3))
    lu = np.empty((3, 3))
    weighted = np.empty(3)
    moved = np.empty(3)
    direction = np.empty(3)
    updated = np.empty(count)
    speed = np.empty(count)
    sigma = np.empty(count)
    for index in range(count):
        dt = dt_s[index]
        noise = noise_factor * (dt * dt)
        for i in range(3):
            for j in range(3):
                cross[i, j] = ((velocity_position_cov[index, i, j]
                                + dt * velocity_cov_m2s2[index, i, j])
                               + noise * (1.0 if i == j else 0.0))
        solve3(innovation_cov_m2[index], residual_m[index], lu, weighted)
        for i in range(3):
            moved[i] = velocity_mps[index, i] + ((cross[i, 0] * weighted[0]
                                                  + cross[i, 2] * weighted[2])
                                                 + cross[i, 1] * weighted[1])
        updated[index] = np.sqrt((moved[0] * moved[0] + moved[1] * moved[1])
                                 + moved[2] * moved[2])
        magnitude = np.sqrt((velocity_mps[index, 0] * velocity_mps[index, 0]
                             + velocity_mps[index, 1] * velocity_mps[index, 1])
                            + velocity_mps[index, 2] * velocity_mps[index, 2])
        speed[index] = magnitude
        denominator = 1e-9 if magnitude < 1e-9 else magnitude  # np.maximum: NaN stays
        for i in range(3):
            direction[i] = velocity_mps[index, i] / denominator
        along = 0.0
        for i in range(3):
            if count == 1:
                row_sum = 0.0
                for j in range(3):
                    row_sum += direction[i] * velocity_cov_m2s2[index, i, j] * direction[j]
                along += row_sum
            else:
                for j in range(3):
                    along += direction[i] * velocity_cov_m2s2[index, i, j] * direction[j]
        sigma[index] = np.sqrt(0.0 if along < 0.0 else along)  # np.maximum: NaN stays
    return updated, speed, sigma


@njit(cache=True)
def refused_speeds(updated_mps: np.ndarray, speed_mps: np.ndarray, sigma_mps: np.ndarray,
                   margin: float, sigmas: float) -> np.ndarray:
    """Whether each updated speed ``updated_mps`` lies outside
    ``[|v| / (1 + margin) - sigmas s, (1 + margin) |v| + sigmas s]`` (bool (m,)), ``|v|``
    the speed before ``speed_mps`` and ``s`` its standard deviation ``sigma_mps`` (m/s,
    (m,) each, as :func:`updated_speeds` returns them)."""
    refused = np.empty(updated_mps.size, dtype=np.bool_)
    for index in range(updated_mps.size):
        refused[index] = ((updated_mps[index]
                           > (1.0 + margin) * speed_mps[index] + sigmas * sigma_mps[index])
                          or (updated_mps[index]
                              < speed_mps[index] / (1.0 + margin)
                              - sigmas * sigma_mps[index]))
    return refused


def refused(velocity_mps: np.ndarray, velocity_cov_m2s2: np.ndarray,
            velocity_position_cov: np.ndarray, dt_s: np.ndarray, process_noise_mps2: float,
            innovation_cov_m2: np.ndarray, residual_m: np.ndarray, margin: float,
            sigmas: float) -> np.ndarray:
    """Whether each pair's update would leave the track's speed outside
    ``[|v| / (1 + margin) - sigmas s, (1 + margin) |v| + sigmas s]``, ``s`` the standard
    deviation of its speed ``|v|`` before (bool (m,); the other arguments as
    :func:`updated_speeds`, any layout: they are passed on contiguous)."""
    def contiguous(values: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(values, dtype=float)

    updated, speed, sigma = updated_speeds(
        contiguous(velocity_mps), contiguous(velocity_cov_m2s2),
        contiguous(velocity_position_cov), contiguous(dt_s), float(process_noise_mps2),
        contiguous(innovation_cov_m2), contiguous(residual_m))
    return refused_speeds(updated, speed, sigma, float(margin), float(sigmas))
