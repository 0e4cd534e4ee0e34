"""Radar measurements (range, azimuth, elevation) converted to the scenario ENU frame.

The converted-measurement covariance is the first-order (linearized) one,
``R_xyz = J diag(sigma_r^2, sigma_az^2, sigma_el^2) J^T``, rotated into the scenario frame.
Source: Y. Bar-Shalom, X. R. Li, T. Kirubarajan, Estimation with Applications to
Tracking and Navigation (2001), sec. 10.4.3; adequate while range x angle sigma is small
against range (no debiasing).
"""

from __future__ import annotations

import numpy as np


def spherical_to_local_enu(range_m: np.ndarray, azimuth_rad: np.ndarray,
                           elevation_rad: np.ndarray) -> np.ndarray:
    """Radar-local ENU vector (m), shape (k, 3); azimuth clockwise from north."""
    cos_el = np.cos(elevation_rad)
    return np.stack([range_m * cos_el * np.sin(azimuth_rad),
                     range_m * cos_el * np.cos(azimuth_rad),
                     range_m * np.sin(elevation_rad)], axis=-1)


def converted_measurement(range_m: np.ndarray, azimuth_rad: np.ndarray,
                          elevation_rad: np.ndarray, radar_position_m: np.ndarray,
                          to_local: np.ndarray, range_sigma_m, azimuth_sigma_rad,
                          elevation_sigma_rad) -> tuple[np.ndarray, np.ndarray]:
    """Positions (k, 3) and covariances (k, 3, 3) in the scenario ENU frame.

    radar_position_m: (3,) or (k, 3); to_local: (3, 3) or (k, 3, 3), the rotation taking
    scenario-ENU vectors to the radar's ENU frame; sigmas: scalars or (k,).
    """
    local = spherical_to_local_enu(range_m, azimuth_rad, elevation_rad)
    rotation = np.broadcast_to(to_local, (range_m.size, 3, 3))
    # v_scenario = to_local^T v_local, for each row.
    position = np.einsum("kji,kj->ki", rotation, local) + radar_position_m
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
    variances = np.stack(np.broadcast_arrays(np.square(range_sigma_m), np.square(azimuth_sigma_rad),
                                             np.square(elevation_sigma_rad)), axis=-1)
    variances = np.broadcast_to(variances, (range_m.size, 3))
    # Map the local Jacobian to the scenario frame first: J_s = to_local^T J.
    jacobian_scenario = np.einsum("kji,kjl->kil", rotation, jacobian)
    covariance = np.einsum("kil,kl,kjl->kij", jacobian_scenario, variances, jacobian_scenario)
    return position, covariance
