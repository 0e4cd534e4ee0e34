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
from numba import njit


def converted_measurement(range_m: np.ndarray, azimuth_rad: np.ndarray,
                          elevation_rad: np.ndarray, radar_position_m: np.ndarray,
                          to_local: np.ndarray, range_sigma_m, azimuth_sigma_rad,
                          elevation_sigma_rad) -> tuple[np.ndarray, np.ndarray]:
    """Positions (k, 3) and covariances (k, 3, 3) in the scenario ENU frame.

    range_m, azimuth_rad (clockwise from north), elevation_rad: (k,); radar_position_m:
    (3,) or (k, 3); to_local: (3, 3) or (k, 3, 3), the rotation taking scenario-ENU
    vectors to the radar's ENU frame; sigmas: scalars or (k,).
    """
    count = np.size(range_m)
    sigmas = np.empty((count, 3))
    sigmas[:, 0], sigmas[:, 1], sigmas[:, 2] = range_sigma_m, azimuth_sigma_rad, elevation_sigma_rad
    measured = np.empty((count, 3))
    measured[:, 0] = np.asarray(range_m, dtype=float).reshape(count)
    measured[:, 1] = np.asarray(azimuth_rad, dtype=float).reshape(count)
    measured[:, 2] = np.asarray(elevation_rad, dtype=float).reshape(count)
    radar_position = np.asarray(radar_position_m, dtype=float)
    rotation = np.asarray(to_local, dtype=float)
    if radar_position.ndim == 1 and rotation.ndim == 2:  # one radar: a one-row table
        radar_index = np.zeros(count, dtype=np.intp)
        radar_position, rotation = radar_position[None, :], rotation[None, :, :]
    else:
        radar_index = np.arange(count)
        radar_position = np.broadcast_to(radar_position, (count, 3))
        rotation = np.broadcast_to(rotation, (count, 3, 3))
    return converted_measurements(measured, radar_index, radar_position, rotation, sigmas)


def converted_measurements(measured: np.ndarray, radar_index: np.ndarray,
                           radar_position_m: np.ndarray, to_local: np.ndarray,
                           sigmas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`converted_measurement` of plots from several radars, for the radar network's
    hot path (no argument checks): ``measured`` (k, 3) range (m), azimuth and elevation
    (rad); ``radar_index`` (k,) each plot's row in the radar tables ``radar_position_m``
    (r, 3) and ``to_local`` (r, 3, 3); ``sigmas`` (k, 3) their 1-sigma errors. Returns
    positions (k, 3) and covariances (k, 3, 3), scenario ENU."""
    return _converted(measured, radar_index, radar_position_m, to_local, sigmas)


@njit(cache=True)
def _converted(measured: np.ndarray, radar_index: np.ndarray, radar_position_m: np.ndarray,
               to_local: np.ndarray, sigmas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    count = measured.shape[0]
    position = np.empty((count, 3))
    covariance = np.empty((count, 3, 3))
    local = np.empty(3)
    jacobian = np.empty((3, 3))
    scaled = np.empty((3, 3))
    for k in range(count):
        r = measured[k, 0]
        sin_az, cos_az = np.sin(measured[k, 1]), np.cos(measured[k, 1])
        sin_el, cos_el = np.sin(measured[k, 2]), np.cos(measured[k, 2])
        horizontal = r * cos_el
        local[0], local[1], local[2] = horizontal * sin_az, horizontal * cos_az, r * sin_el
        # The Jacobian of (east, north, up) by (range, azimuth, elevation), local frame.
        jacobian[0, 0], jacobian[0, 1], jacobian[0, 2] = (cos_el * sin_az, r * cos_el * cos_az,
                                                          -r * sin_el * sin_az)
        jacobian[1, 0], jacobian[1, 1], jacobian[1, 2] = (cos_el * cos_az, -r * cos_el * sin_az,
                                                          -r * sin_el * cos_az)
        jacobian[2, 0], jacobian[2, 1], jacobian[2, 2] = sin_el, 0.0, r * cos_el
        radar = radar_index[k]
        rotation = to_local[radar]
        for i in range(3):
            # v_scenario = to_local^T v_local; J_s = to_local^T J diag(sigma), scaled.
            position[k, i] = (rotation[0, i] * local[0] + rotation[1, i] * local[1]
                              + rotation[2, i] * local[2]) + radar_position_m[radar, i]
            for j in range(3):
                scaled[i, j] = (rotation[0, i] * jacobian[0, j] + rotation[1, i] * jacobian[1, j]
                                + rotation[2, i] * jacobian[2, j]) * sigmas[k, j]
        for i in range(3):
            for j in range(3):
                covariance[k, i, j] = (scaled[i, 0] * scaled[j, 0] + scaled[i, 1] * scaled[j, 1]
                                       + scaled[i, 2] * scaled[j, 2])
    return position, covariance
