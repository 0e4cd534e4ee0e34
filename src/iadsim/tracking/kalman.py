"""The constant-velocity Kalman filter, batched over tracks, with an optional known
acceleration per track (gravity, for the ballistic model).

State ``[east, north, up, v_east, v_north, v_up]`` (m, m/s); position is measured.
Process noise is the continuous white-noise acceleration (CWNA) model,
``Q = q [[dt^3/3 I, dt^2/2 I], [dt^2/2 I, dt I]]`` per axis, with power spectral density
``q = sigma_a^2 x 1 s`` (the acceleration variance accumulated per second). Unlike the
discrete (DWNA) model it is consistent in time: one prediction over 10 s equals ten of
1 s, which matters when several radars update a track at irregular intervals.
Source: Bar-Shalom, Li, Kirubarajan (2001), sec. 6.2.2 (CWNA) and sec. 5.2 (KF);
the update uses the Joseph form for numerical robustness (sec. 5.2.3).
Functions return new arrays; inputs are not modified. The loops over tracks are compiled
(Numba, no fast-math): a track's filter is a few hundred flops on 6 x 6 matrices, which
NumPy would spread over dozens of whole-array passes.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _symmetric_inverse_into(a: float, b: float, c: float, d: float, e: float, f: float,
                            out: np.ndarray) -> float:
    """Writes the inverse of ``[[a b c] [b d e] [c e f]]`` into ``out`` (3, 3) by cofactors
    and returns the determinant."""
    cofactor_a, cofactor_b, cofactor_c = d * f - e * e, c * e - b * f, b * e - c * d
    determinant = a * cofactor_a + b * cofactor_b + c * cofactor_c
    out[0, 0] = cofactor_a / determinant
    out[0, 1] = out[1, 0] = cofactor_b / determinant
    out[0, 2] = out[2, 0] = cofactor_c / determinant
    out[1, 1] = (a * f - c * c) / determinant
    out[1, 2] = out[2, 1] = (b * c - a * e) / determinant
    out[2, 2] = (a * d - b * b) / determinant
    return determinant


def predict(state: np.ndarray, covariance: np.ndarray, dt_s: np.ndarray,
            acceleration_sigma_mps2: float,
            acceleration_mps2: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Predict states (n, 6) and covariances (n, 6, 6) by ``dt_s`` (n,) seconds each.

    ``F P F^T + Q`` with ``F = [[I, dt I], [0, I]]``, written by blocks.
    ``acceleration_mps2`` (n, 3), default none: a known acceleration of each track (the
    ballistic model's gravity), a control input ``x += B a`` with ``B = [dt^2/2 I, dt I]``
    (Bar-Shalom et al. 2001, sec. 5.2.1) that moves the state, not the covariance.
    A negative ``dt_s`` (an out-of-sequence report) moves the state back in time with the
    process noise of ``|dt_s|``: an approximation that keeps the covariance positive.
    """
    n = state.shape[0]
    return _predict(np.asarray(state, dtype=float), np.asarray(covariance, dtype=float),
                    np.asarray(dt_s, dtype=float).reshape(n), float(acceleration_sigma_mps2),
                    _known_acceleration(acceleration_mps2, n))


def _known_acceleration(acceleration_mps2: np.ndarray | None, n: int) -> np.ndarray:
    if acceleration_mps2 is None:
        return np.zeros((n, 3))
    return np.ascontiguousarray(acceleration_mps2, dtype=float).reshape(n, 3)


@njit(cache=True)
def _predict_position_into(state: np.ndarray, covariance: np.ndarray, dt: float, q: float,
                           acceleration: np.ndarray, position: np.ndarray,
                           position_cov: np.ndarray) -> None:
    """The position (3,) and its covariance (3, 3) of one track ``dt`` seconds ahead under
    the known ``acceleration`` (3,), written into ``position`` and ``position_cov``:
    ``P_pp + dt (P_pv + P_vp) + dt^2 P_vv`` plus the CWNA noise ``q |dt|^3 / 3``."""
    magnitude = abs(dt)
    for i in range(3):
        position[i] = state[i] + state[3 + i] * dt + 0.5 * acceleration[i] * dt * dt
        for j in range(3):
            position_cov[i, j] = (covariance[i, j] + dt * (covariance[i, 3 + j]
                                                           + covariance[3 + i, j])
                                  + dt * dt * covariance[3 + i, 3 + j])
        position_cov[i, i] += q * magnitude * magnitude * magnitude / 3.0


@njit(cache=True)
def _predict_one_into(state: np.ndarray, covariance: np.ndarray, dt: float, q: float,
                      acceleration: np.ndarray, predicted_state: np.ndarray,
                      predicted: np.ndarray) -> None:
    """One track's :func:`predict`: state (6,) and covariance (6, 6) ``dt`` seconds ahead
    under the known ``acceleration`` (3,), written into ``predicted_state`` (6,) and
    ``predicted`` (6, 6) (not the inputs)."""
    P = covariance
    out = predicted
    _predict_position_into(state, P, dt, q, acceleration, predicted_state[:3], out[:3, :3])
    q_pv = q * dt * dt / 2.0 * (1.0 if dt > 0.0 else (-1.0 if dt < 0.0 else 0.0))
    for i in range(3):
        predicted_state[3 + i] = state[3 + i] + acceleration[i] * dt
        for j in range(3):
            # P_pv + dt P_vv, the position-velocity block after the step.
            cross = P[i, 3 + j] + dt * P[3 + i, 3 + j]
            out[i, 3 + j] = cross
            out[3 + j, i] = cross
            out[3 + i, 3 + j] = P[3 + i, 3 + j]
        out[i, 3 + i] += q_pv
        out[3 + i, i] += q_pv
        out[3 + i, 3 + i] += q * abs(dt)


@njit(cache=True)
def _predict(state: np.ndarray, covariance: np.ndarray, dt_s: np.ndarray,
             acceleration_sigma_mps2: float,
             acceleration: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = state.shape[0]
    predicted_state = np.empty((n, 6))
    predicted = np.empty((n, 6, 6))
    q = acceleration_sigma_mps2 * acceleration_sigma_mps2
    for k in range(n):
        _predict_one_into(state[k], covariance[k], dt_s[k], q, acceleration[k],
                          predicted_state[k], predicted[k])
    return predicted_state, predicted


def predict_position(state: np.ndarray, covariance: np.ndarray, dt_s: np.ndarray,
                     acceleration_sigma_mps2: float,
                     acceleration_mps2: np.ndarray | None = None,
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Only the position block of :func:`predict`: positions (n, 3) and covariances
    (n, 3, 3), for gating many tracks without predicting their whole state."""
    n = state.shape[0]
    return _predict_position(np.asarray(state, dtype=float), np.asarray(covariance, dtype=float),
                             np.asarray(dt_s, dtype=float).reshape(n),
                             float(acceleration_sigma_mps2),
                             _known_acceleration(acceleration_mps2, n))


@njit(cache=True)
def _predict_position(state: np.ndarray, covariance: np.ndarray, dt_s: np.ndarray,
                      acceleration_sigma_mps2: float,
                      acceleration: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = state.shape[0]
    position = np.empty((n, 3))
    position_cov = np.empty((n, 3, 3))
    q = acceleration_sigma_mps2 * acceleration_sigma_mps2
    for k in range(n):
        _predict_position_into(state[k], covariance[k], dt_s[k], q, acceleration[k],
                               position[k], position_cov[k])
    return position, position_cov


@njit(cache=True)
def combine_measurements(first: np.ndarray, measurement: np.ndarray,
                         measurement_covariance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Independent position measurements of one target at one time, combined into one.

    ``measurement`` (k, 3) and ``measurement_covariance`` (k, 3, 3) are grouped in runs
    that start at the indices ``first`` (g,). Each run becomes its information-weighted
    mean ``z = R (sum R_i^-1 z_i)`` with ``R = (sum R_i^-1)^-1``; a Kalman update with it
    equals the updates with each measurement in turn, since all measure position
    (``H = [I 0]``). Source: Gan and Harris, "Comparison of two measurement fusion methods
    for Kalman-filter-based multisensor data fusion", IEEE Trans. AES 37(1), 2001.
    A run of one measurement is returned unchanged. Returns (g, 3) and (g, 3, 3).
    """
    groups = first.size
    combined = np.empty((groups, 3))
    combined_cov = np.empty((groups, 3, 3))
    information = np.empty((3, 3))
    information_sum = np.empty((3, 3))
    weighted_sum = np.empty(3)
    for group in range(groups):
        start = first[group]
        stop = first[group + 1] if group + 1 < groups else measurement.shape[0]
        if stop - start == 1:
            for i in range(3):  # loops, not slice copies: they compile much faster
                combined[group, i] = measurement[start, i]
                for j in range(3):
                    combined_cov[group, i, j] = measurement_covariance[start, i, j]
            continue
        information_sum.fill(0.0)
        weighted_sum.fill(0.0)
        for k in range(start, stop):
            R = measurement_covariance[k]
            _symmetric_inverse_into(R[0, 0], R[0, 1], R[0, 2], R[1, 1], R[1, 2], R[2, 2],
                                    information)
            for i in range(3):
                for j in range(3):
                    information_sum[i, j] += information[i, j]
                    weighted_sum[i] += information[i, j] * measurement[k, j]
        out = combined_cov[group]
        _symmetric_inverse_into(information_sum[0, 0], information_sum[0, 1],
                                information_sum[0, 2], information_sum[1, 1],
                                information_sum[1, 2], information_sum[2, 2], out)
        for i in range(3):
            combined[group, i] = (out[i, 0] * weighted_sum[0] + out[i, 1] * weighted_sum[1]
                                  + out[i, 2] * weighted_sum[2])
    return combined, combined_cov


@njit(cache=True)
def update(state: np.ndarray, covariance: np.ndarray, measurement: np.ndarray,
           measurement_covariance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kalman update of paired tracks (k, 6)/(k, 6, 6) with position measurements (k, 3).

    The Joseph form ``(I - K H) P (I - K H)^T + K R K^T`` with ``H = [I 0]`` written so
    that every product has an inner dimension of 3, not 6: ``A = P - K (H P)``, then
    ``A - (A H^T) K^T + K R K^T``; the result is symmetrized.
    """
    count = state.shape[0]
    new_state = np.empty((count, 6))
    new_cov = np.empty((count, 6, 6))
    residual_inverse = np.empty((3, 3))
    gain = np.empty((6, 3))
    gain_r = np.empty((6, 3))
    reduced = np.empty((6, 6))
    for k in range(count):
        _update_one_into(state[k], covariance[k], measurement[k], measurement_covariance[k],
                         residual_inverse, gain, gain_r, reduced, new_state[k], new_cov[k])
    return new_state, new_cov


@njit(cache=True)
def _update_one_into(state: np.ndarray, covariance: np.ndarray, measurement: np.ndarray,
                     measurement_covariance: np.ndarray, residual_inverse: np.ndarray,
                     gain: np.ndarray, gain_r: np.ndarray, reduced: np.ndarray,
                     new_state: np.ndarray, out: np.ndarray) -> None:
    """One track's :func:`update` (state (6,), covariance (6, 6), measurement (3,) and its
    covariance (3, 3)), written into ``new_state`` (6,) and ``out`` (6, 6), which must not
    be the inputs; ``residual_inverse`` (3, 3), ``gain`` (6, 3), ``gain_r`` (6, 3) and
    ``reduced`` (6, 6) are working space (``S^-1``, ``K``, ``K R``, ``A``)."""
    P = covariance
    R = measurement_covariance
    _symmetric_inverse_into(P[0, 0] + R[0, 0], P[0, 1] + R[0, 1], P[0, 2] + R[0, 2],
                            P[1, 1] + R[1, 1], P[1, 2] + R[1, 2], P[2, 2] + R[2, 2],
                            residual_inverse)
    for i in range(6):  # K = P H^T S^-1
        for j in range(3):
            gain[i, j] = (P[i, 0] * residual_inverse[0, j] + P[i, 1] * residual_inverse[1, j]
                          + P[i, 2] * residual_inverse[2, j])
    residual_0 = measurement[0] - state[0]
    residual_1 = measurement[1] - state[1]
    residual_2 = measurement[2] - state[2]
    for i in range(6):
        new_state[i] = state[i] + (gain[i, 0] * residual_0 + gain[i, 1] * residual_1
                                   + gain[i, 2] * residual_2)
        for j in range(6):  # A = P - K (H P)
            reduced[i, j] = P[i, j] - (gain[i, 0] * P[0, j] + gain[i, 1] * P[1, j]
                                       + gain[i, 2] * P[2, j])
        for j in range(3):  # K R
            gain_r[i, j] = gain[i, 0] * R[0, j] + gain[i, 1] * R[1, j] + gain[i, 2] * R[2, j]
    for i in range(6):
        for j in range(6):  # A - (A H^T) K^T + (K R) K^T
            out[i, j] = (reduced[i, j]
                         - (reduced[i, 0] * gain[j, 0] + reduced[i, 1] * gain[j, 1]
                            + reduced[i, 2] * gain[j, 2])
                         + (gain_r[i, 0] * gain[j, 0] + gain_r[i, 1] * gain[j, 1]
                            + gain_r[i, 2] * gain[j, 2]))
    for i in range(6):
        for j in range(i + 1, 6):
            mean = 0.5 * (out[i, j] + out[j, i])
            out[i, j] = mean
            out[j, i] = mean


def update_out_of_sequence(state: np.ndarray, covariance: np.ndarray, lag_s: np.ndarray,
                           measurement: np.ndarray, measurement_covariance: np.ndarray,
                           acceleration_sigma_mps2: float,
                           acceleration_mps2: np.ndarray | None = None,
                           ) -> tuple[np.ndarray, np.ndarray]:
    """Update tracks (k, 6)/(k, 6, 6) at their own time with position measurements (k, 3)
    taken ``lag_s`` (k,) seconds earlier (``lag_s < 0``): an out-of-sequence measurement.

    The measurement is of the retrodicted position, ``z = H F(-|lag|) x + w``, so the
    update is a Kalman update with the measurement matrix ``H F``: cross-covariance
    ``P F^T H^T``, innovation covariance ``H F P F^T H^T + R``, plus the process noise
    over the lag ``q |lag|^3 / 3`` per axis in the latter, as in :func:`predict_position`;
    the track keeps its time. This is the retrodiction-based update of Bar-Shalom, "Update
    with out-of-sequence measurements in tracking: exact solution", IEEE Trans. AES 38(3),
    2002, with the process-noise cross terms of the lag left out (his algorithm B
    simplified): exact when there is no process noise (the result then equals processing
    the measurements in time order), conservative otherwise. Whole-array NumPy: late
    reports are few.
    """
    count = state.shape[0]
    dt = np.asarray(lag_s, dtype=float).reshape(count)
    acceleration = _known_acceleration(acceleration_mps2, count)
    retrodicted = (state[:, :3] + state[:, 3:] * dt[:, None]
                   + 0.5 * acceleration * (dt * dt)[:, None])
    cross = covariance[:, :, :3] + dt[:, None, None] * covariance[:, :, 3:]  # P F^T H^T
    residual_cov = (cross[:, :3, :] + dt[:, None, None] * cross[:, 3:, :] + measurement_covariance
                    + np.eye(3) * (acceleration_sigma_mps2**2 * np.abs(dt) ** 3 / 3.0)[:, None,
                                                                                       None])
    gain = np.linalg.solve(residual_cov, np.swapaxes(cross, 1, 2)).swapaxes(1, 2)  # (k, 6, 3)
    new_state = state + np.einsum("kij,kj->ki", gain, measurement - retrodicted)
    new_cov = covariance - np.einsum("kij,klj->kil", gain, cross)
    return new_state, 0.5 * (new_cov + np.swapaxes(new_cov, 1, 2))
