"""The constant-velocity Kalman filter, batched over tracks.

State ``[east, north, up, v_east, v_north, v_up]`` (m, m/s); position is measured.
Process noise is the continuous white-noise acceleration (CWNA) model,
``Q = q [[dt^3/3 I, dt^2/2 I], [dt^2/2 I, dt I]]`` per axis, with power spectral density
``q = sigma_a^2 x 1 s`` (the acceleration variance accumulated per second). Unlike the
discrete (DWNA) model it is consistent in time: one prediction over 10 s equals ten of
1 s, which matters when several radars update a track at irregular intervals.
Source: Bar-Shalom, Li, Kirubarajan (2001), sec. 6.2.2 (CWNA) and sec. 5.2 (KF);
the update uses the Joseph form for numerical robustness (sec. 5.2.3).
Functions return new arrays; inputs are not modified.
"""

from __future__ import annotations

import numpy as np

_IDENTITY_3 = np.eye(3)


def symmetric_3x3_inverse(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverses (k, 3, 3) and determinants (k,) of symmetric 3 x 3 matrices, by cofactors.

    Much faster than ``np.linalg.inv`` on many tiny matrices; exact for symmetric input.
    """
    a, b, c = matrix[:, 0, 0], matrix[:, 0, 1], matrix[:, 0, 2]
    d, e, f = matrix[:, 1, 1], matrix[:, 1, 2], matrix[:, 2, 2]
    cofactor_a, cofactor_b, cofactor_c = d * f - e * e, c * e - b * f, b * e - c * d
    determinant = a * cofactor_a + b * cofactor_b + c * cofactor_c
    inverse = np.empty_like(matrix)
    inverse[:, 0, 0] = cofactor_a
    inverse[:, 0, 1] = inverse[:, 1, 0] = cofactor_b
    inverse[:, 0, 2] = inverse[:, 2, 0] = cofactor_c
    inverse[:, 1, 1] = a * f - c * c
    inverse[:, 1, 2] = inverse[:, 2, 1] = b * c - a * e
    inverse[:, 2, 2] = a * d - b * b
    inverse /= determinant[:, None, None]
    return inverse, determinant


def predict(state: np.ndarray, covariance: np.ndarray, dt_s: np.ndarray,
            acceleration_sigma_mps2: float) -> tuple[np.ndarray, np.ndarray]:
    """Predict states (n, 6) and covariances (n, 6, 6) by ``dt_s`` (n,) seconds each.

    ``F P F^T`` is written by blocks (``F = [[I, dt I], [0, I]]``) instead of two batched
    6 x 6 products (about 15 % faster on 900 tracks; the same to 1e-16 relative).
    A negative ``dt_s`` (an out-of-sequence report) moves the state back in time with the
    process noise of ``|dt_s|``: an approximation that keeps the covariance positive.
    """
    n = state.shape[0]
    dt = np.asarray(dt_s, dtype=float).reshape(n)
    predicted_state = state.copy()
    predicted_state[:, :3] += state[:, 3:] * dt[:, None]
    step = dt[:, None, None]
    spread = covariance.copy()
    velocity_block = covariance[:, 3:, 3:]
    cross = covariance[:, :3, 3:] + step * velocity_block  # P_pv + dt P_vv
    spread[:, :3, :3] += step * (covariance[:, :3, 3:] + covariance[:, 3:, :3]) + (
        step * step * velocity_block)
    spread[:, :3, 3:] = cross
    spread[:, 3:, :3] = cross.swapaxes(1, 2)
    magnitude = np.abs(dt)
    q = acceleration_sigma_mps2**2
    q_pp, q_pv, q_vv = q * magnitude**3 / 3.0, q * dt**2 / 2.0 * np.sign(dt), q * magnitude
    flat = spread.reshape(n, 36)  # the block diagonals are strided views of the flat rows
    flat[:, 0:15:7] += q_pp[:, None]
    flat[:, 3:18:7] += q_pv[:, None]
    flat[:, 18:33:7] += q_pv[:, None]
    flat[:, 21:36:7] += q_vv[:, None]
    return predicted_state, spread


def predict_position(state: np.ndarray, covariance: np.ndarray, dt_s: np.ndarray,
                     acceleration_sigma_mps2: float) -> tuple[np.ndarray, np.ndarray]:
    """Only the position block of :func:`predict`: positions (n, 3) and covariances
    (n, 3, 3), for gating many tracks without predicting their whole state."""
    dt = np.asarray(dt_s, dtype=float)
    step = dt[:, None, None]
    cross = covariance[:, :3, 3:]
    position_cov = (covariance[:, :3, :3] + step * (cross + cross.swapaxes(1, 2))
                    + step * step * covariance[:, 3:, 3:])
    position_cov = position_cov + (acceleration_sigma_mps2**2 * np.abs(dt)**3 / 3.0)[
        :, None, None] * _IDENTITY_3
    return state[:, :3] + state[:, 3:] * dt[:, None], position_cov


def innovation(state: np.ndarray, covariance: np.ndarray, measurement: np.ndarray,
               measurement_covariance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Innovation (k, 3) and its covariance S (k, 3, 3) of paired tracks and measurements."""
    return measurement - state[:, :3], covariance[:, :3, :3] + measurement_covariance


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
    information, _ = symmetric_3x3_inverse(measurement_covariance)
    information_sum = np.add.reduceat(information, first, axis=0)
    weighted_sum = np.add.reduceat(np.einsum("kij,kj->ki", information, measurement), first,
                                   axis=0)
    combined_covariance, _ = symmetric_3x3_inverse(information_sum)
    combined = np.einsum("kij,kj->ki", combined_covariance, weighted_sum)
    single = np.diff(first, append=measurement.shape[0]) == 1
    combined[single] = measurement[first[single]]
    combined_covariance[single] = measurement_covariance[first[single]]
    return combined, 0.5 * (combined_covariance + combined_covariance.transpose(0, 2, 1))


def update(state: np.ndarray, covariance: np.ndarray, measurement: np.ndarray,
           measurement_covariance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kalman update of paired tracks (k, 6)/(k, 6, 6) with position measurements (k, 3).

    The Joseph form ``(I - K H) P (I - K H)^T + K R K^T`` with ``H = [I 0]`` written so
    that every product has an inner dimension of 3, not 6: ``A = P - K (H P)``, then
    ``A - (A H^T) K^T + K R K^T``.
    """
    residual, residual_cov = innovation(state, covariance, measurement, measurement_covariance)
    residual_inverse, _ = symmetric_3x3_inverse(residual_cov)
    gain = covariance[:, :, :3] @ residual_inverse  # P H^T S^-1
    new_state = state + (gain @ residual[:, :, None])[:, :, 0]
    gain_transposed = gain.transpose(0, 2, 1)
    reduced = covariance - gain @ covariance[:, :3, :]  # (I - K H) P
    new_cov = (reduced - reduced[:, :, :3] @ gain_transposed
               + (gain @ measurement_covariance) @ gain_transposed)
    return new_state, 0.5 * (new_cov + new_cov.transpose(0, 2, 1))
