"""Radar measurements (range, azimuth, elevation) converted to the scenario ENU frame.

The converted-measurement covariance is the first-order (linearized) one,
``R_xyz = J diag(sigma_r^2, sigma_az^2, sigma_el^2) J^T``, rotated into the scenario frame.
Source: Y. Bar-Shalom, X. R. Li, T. Kirubarajan, Estimation with Applications to
Tracking and Navigation (2001), sec. 10.4.3. Valid while ``r sigma_theta^2 / sigma_r <
0.4`` (D. Lerro and Y. Bar-Shalom, "Tracking with debiased consistent converted
measurements versus EKF", IEEE Trans. AES 29(3), 1993); beyond that (very long range with
a coarse angle) the bias of the conversion is no longer small against its spread and the
covariance is optimistic. No debiasing is applied.
"""

from __future__ import annotations

import numpy as np


def spherical_to_local_enu(range_m: np.ndarray, azimuth_rad: np.ndarray,
                           elevation_rad: np.ndarray) -> np.ndarray:
    """Radar-local ENU vector (m), shape (k, 3); azimuth clockwise from north."""
    horizontal = range_m * np.cos(elevation_rad)
    local = np.empty((*np.shape(range_m), 3))
    local[..., 0] = horizontal * np.sin(azimuth_rad)
    local[..., 1] = horizontal * np.cos(azimuth_rad)
    local[..., 2] = range_m * np.sin(elevation_rad)
    return local


def converted_measurement(range_m: np.ndarray, azimuth_rad: np.ndarray,
                          elevation_rad: np.ndarray, radar_position_m: np.ndarray,
                          to_local: np.ndarray, range_sigma_m, azimuth_sigma_rad,
                          elevation_sigma_rad) -> tuple[np.ndarray, np.ndarray]:
    """Positions (k, 3) and covariances (k, 3, 3) in the scenario ENU frame.

    radar_position_m: (3,) or (k, 3); to_local: (3, 3) or (k, 3, 3), the rotation taking
    scenario-ENU vectors to the radar's ENU frame; sigmas: scalars or (k,).
    """
    local = spherical_to_local_enu(range_m, azimuth_rad, elevation_rad)
    # v_scenario = to_local^T v_local, row by row.
    from_local = np.broadcast_to(to_local, (range_m.size, 3, 3)).swapaxes(1, 2)
    position = (from_local @ local[:, :, None])[:, :, 0] + radar_position_m
    sin_az, cos_az = np.sin(azimuth_rad), np.cos(azimuth_rad)
    sin_el, cos_el = np.sin(elevation_rad), np.cos(elevation_rad)
    jacobian = np.empty((range_m.size, 3, 3))
    jacobian[:, 0, 0] = cos_el * sin_az
    jacobian[:, 0, 1] = range_m * cos_el * cos_az
    jacobian[:, 0, 2] = -range_m * sin_el * sin_az
    jacobian[:, 1, 0] = cos_el * cos_az
    jacobian[:, 1, 1] = -range_m * cos_el * sin_az
    jacobian[:, 1, 2] = -range_m * sin_el * cos_az
    jacobian[:, 2, 0] = sin_el
    jacobian[:, 2, 1] = 0.0
    jacobian[:, 2, 2] = range_m * cos_el
    sigmas = np.empty((range_m.size, 3))
    sigmas[:, 0], sigmas[:, 1], sigmas[:, 2] = range_sigma_m, azimuth_sigma_rad, elevation_sigma_rad
    # J_s = to_local^T J diag(sigma): the local Jacobian in the scenario frame, scaled.
    scaled = from_local @ (jacobian * sigmas[:, None, :])
    return position, scaled @ scaled.swapaxes(1, 2)
