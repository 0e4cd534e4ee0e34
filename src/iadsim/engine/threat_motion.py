"""Threat motion of the step loop in one compiled call: path interpolation and geodetic
to ECEF, the geodetic round trip the engine used to take by a dozen small NumPy calls.

:func:`threat_offsets` interpolates each threat's path table at a time (exactly as
:meth:`iadsim.threats.raid.Raid.geodetic_at`) and converts the points to ECEF offsets from
the scenario origin (exactly as :func:`iadsim.world.geodesy.geodetic_to_ecef` less the
origin); the caller rotates them to ENU with :meth:`iadsim.world.geodesy.LocalFrame.rotate_to_enu`
(the matrix product stays NumPy's, whose bits depend on its BLAS), so positions and heights
are bit for bit those of ``frame.to_enu(*raid.geodetic_at(time_s, rows))``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.threats.raid import _interpolate_paths
from iadsim.world.geodesy import geodetic_to_ecef_point


@njit(cache=True)
def threat_offsets(time_s: float, rows: np.ndarray, launch_time_s: np.ndarray,
                   flight_time_s: np.ndarray, path_time_s: np.ndarray,
                   path_lat_deg: np.ndarray, path_lon_deg: np.ndarray,
                   path_alt_m: np.ndarray, origin_ecef_m: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """ECEF offsets from the origin (k, 3) and altitudes above the ellipsoid (k,) of the
    threats ``rows`` (k,) at ``time_s`` on their path tables (see the module docstring)."""
    lat, lon, alt = _interpolate_paths(time_s, rows, launch_time_s, flight_time_s,
                                       path_time_s, path_lat_deg, path_lon_deg, path_alt_m)
    offsets = np.empty((rows.size, 3))
    for index in range(rows.size):
        x, y, z = geodetic_to_ecef_point(lat[index], lon[index], alt[index])
        offsets[index, 0] = x - origin_ecef_m[0]
        offsets[index, 1] = y - origin_ecef_m[1]
        offsets[index, 2] = z - origin_ecef_m[2]
    return offsets, alt


@njit(cache=True)
def threat_offsets_into(time_s: float, rows: np.ndarray, launch_time_s: np.ndarray,
                        flight_time_s: np.ndarray, path_time_s: np.ndarray,
                        path_lat_deg: np.ndarray, path_lon_deg: np.ndarray,
                        path_alt_m: np.ndarray, origin_ecef_m: np.ndarray,
                        ground_elevation_m: float, height_m: np.ndarray) -> np.ndarray:
    """:func:`threat_offsets`, the heights written in place: ``height_m[rows]`` (N,) set to
    the altitudes less ``ground_elevation_m`` (m above the scenario's ground, the same
    subtraction the engine did in NumPy); returns the ECEF offsets (k, 3)."""
    offsets, alt = threat_offsets(time_s, rows, launch_time_s, flight_time_s, path_time_s,
                                  path_lat_deg, path_lon_deg, path_alt_m, origin_ecef_m)
    for index in range(rows.size):
        height_m[rows[index]] = alt[index] - ground_elevation_m
    return offsets
