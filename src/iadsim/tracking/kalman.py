"""The constant-velocity Kalman filter, batched over tracks.

State ``[east, north, up, v_east, v_north, v_up]`` (m, m/s); position is measured.
Process noise is the discrete white-noise acceleration model with standard deviation
``sigma_a``: ``Q = sigma_a^2 G G^T``, ``G = [dt^2/2 I, dt I]``.
Source: Bar-Shalom, Li, Kirubarajan (2001), sec. 6.3.3 (DWNA) and sec. 5.2 (KF);
the update uses the Joseph form for numerical robustness (sec. 5.2.3).
Functions return new arrays; inputs are not modified.
"""

from __future__ import annotations

import numpy as np

MEASUREMENT_MATRIX = np.hstack([np.eye(3), np.zeros((3, 3))])


def predict(state: np.ndarray, covariance: np.ndarray, dt_s: np.ndarray,
            acceleration_sigma_mps2: float) -> tuple[np.ndarray, np.ndarray]:
    """Predict states (n, 6) and covariances (n, 6, 6) by ``dt_s`` (n,) seconds each.

    A negative ``dt_s`` (an out-of-sequence report) moves the state back in time with the
    process noise of ``|dt_s|``: an approximation that keeps the covariance positive.
    """
    n = state.shape[0]
    dt = np.asarray(dt_s, dtype=float).reshape(n)
    transition = np.broadcast_to(np.eye(6), (n, 6, 6)).copy()
    transition[:, 0, 3] = transition[:, 1, 4] = transition[:, 2, 5] = dt
    predicted_state = state.copy()
    predicted_state[:, :3] += state[:, 3:] * dt[:, None]
    spread = transition @ covariance @ transition.transpose(0, 2, 1)
    magnitude = np.abs(dt)
    q = acceleration_sigma_mps2**2
    q_pp, q_pv, q_vv = q * magnitude**4 / 4.0, q * magnitude**3 / 2.0, q * magnitude**2
    for axis in range(3):
        spread[:, axis, axis] += q_pp
        spread[:, axis, axis + 3] += q_pv
        spread[:, axis + 3, axis] += q_pv
        spread[:, axis + 3, axis + 3] += q_vv
    return predicted_state, spread


def innovation(state: np.ndarray, covariance: np.ndarray, measurement: np.ndarray,
               measurement_covariance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Innovation (k, 3) and its covariance S (k, 3, 3) of paired tracks and measurements."""
    return measurement - state[:, :3], covariance[:, :3, :3] + measurement_covariance


def update(state: np.ndarray, covariance: np.ndarray, measurement: np.ndarray,
           measurement_covariance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kalman update of paired tracks (k, 6)/(k, 6, 6) with position measurements (k, 3)."""
    residual, residual_cov = innovation(state, covariance, measurement, measurement_covariance)
    cross = covariance[:, :, :3]  # P H^T
    gain = np.linalg.solve(residual_cov, cross.transpose(0, 2, 1)).transpose(0, 2, 1)
    new_state = state + (gain @ residual[:, :, None])[:, :, 0]
    reduce = np.eye(6) - gain @ MEASUREMENT_MATRIX
    new_cov = (reduce @ covariance @ reduce.transpose(0, 2, 1)
               + gain @ measurement_covariance @ gain.transpose(0, 2, 1))
    return new_state, 0.5 * (new_cov + new_cov.transpose(0, 2, 1))
