"""False alarms of a radar scan: how many and where, from Pfa and the resolution cells of
the radar's surveillance volume.

The surveillance volume is the azimuth sector, between the elevation limits, out to the
instrumented range, and between the ground and the volume's ceiling (``max_altitude_m``),
both followed along the 4/3-earth ray (:func:`iadsim.world.earth.slant_range_m`). Its
resolution cells are range cells times azimuth beams times elevation beams:
``sum over elevation of r_max(el) / range_resolution * sector / az_beamwidth *
d_el / el_beamwidth``. Each cell crosses the threshold with probability Pfa per scan, so the
number of false alarms per scan is Poisson with mean ``Pfa x cells`` (Richards 2014, sec.
6.2; independent cells), and they are uniform over the cells: elevation weighted by the
range extent at that elevation, range uniform out to it, azimuth uniform in the sector.
No plot is placed above the ceiling or below the ground. Limits: no Doppler cells, no
clutter residue (false alarms are thermal noise only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from iadsim.world.earth import effective_earth_radius_m, slant_range_m

#: Elevation step of the placement and cell-count integration (rad), 0.02 degrees.
ELEVATION_STEP_RAD = np.deg2rad(0.02)


@dataclass(frozen=True, slots=True)
class SurveillanceVolume:
    """Where one radar looks, SI units (radians, metres)."""

    antenna_height_m: float
    max_range_m: float
    min_elevation_rad: float
    max_elevation_rad: float
    sector_center_rad: float
    sector_width_rad: float
    max_altitude_m: float

    def range_limit_m(self, elevation_rad: np.ndarray) -> np.ndarray:
        """Farthest range of the volume along each elevation (m): instrumented range, the
        ceiling, and, looking down, the ground.

        Bit for bit :meth:`range_limit_reference_m` (the same arithmetic on each element,
        the sine taken by NumPy), compiled because a scan places a handful of plots and
        NumPy's cost per call would dominate. Elevations (rad) must lie in [-pi/2, pi/2].
        """
        elevation_rad = np.asarray(elevation_rad, dtype=float)
        flat = elevation_rad.reshape(-1)
        limit = _range_limit(flat, np.sin(flat), float(self.antenna_height_m),
                             float(self.max_range_m), float(self.max_altitude_m),
                             EFFECTIVE_EARTH_RADIUS_M)
        return limit.reshape(elevation_rad.shape)

    def range_limit_reference_m(self, elevation_rad: np.ndarray) -> np.ndarray:
        """:meth:`range_limit_m` written with :func:`iadsim.world.earth.slant_range_m`
        over arrays: the reference the compiled form is tested against."""
        elevation_rad = np.asarray(elevation_rad, dtype=float)
        limit = np.full(elevation_rad.shape, self.max_range_m)
        ceiling = slant_range_m(self.antenna_height_m, self.max_altitude_m, elevation_rad)
        limit = np.fmin(limit, ceiling)  # NaN (never reached) leaves the limit
        ground = slant_range_m(self.antenna_height_m, 0.0, np.minimum(elevation_rad, 0.0))
        return np.fmin(limit, np.where(elevation_rad < 0.0, ground, np.nan))


#: The 4/3-earth effective radius (m) of :func:`iadsim.world.earth.slant_range_m`.
EFFECTIVE_EARTH_RADIUS_M = effective_earth_radius_m()


@njit(cache=True, error_model="numpy")
def _slant_range(antenna_m: float, target_m: float, sine: float, radius_m: float) -> float:
    """One element of :func:`iadsim.world.earth.slant_range_m` given the sine of the
    elevation: the same operations in the same order (NaN where the ray never gets there)."""
    antenna_radius, target_radius = radius_m + antenna_m, radius_m + target_m
    half_b = antenna_radius * sine
    c = (antenna_m - target_m) * (antenna_radius + target_radius)
    discriminant = half_b * half_b - c
    if not discriminant >= 0.0:
        return np.nan
    root = np.sqrt(discriminant)
    if c <= 0.0:
        distance = -c / (half_b + root) if half_b >= 0.0 else -half_b + root
    else:
        distance = c / (-half_b + root) if half_b < 0.0 else np.nan
    return distance if distance >= 0.0 else np.nan


@njit(cache=True, error_model="numpy")
def _range_limit(elevation_rad: np.ndarray, sine: np.ndarray, antenna_m: float,
                 max_range_m: float, max_altitude_m: float, radius_m: float) -> np.ndarray:
    """:meth:`SurveillanceVolume.range_limit_m` over a flat array of elevations (rad) and
    their sines."""
    limit = np.empty(elevation_rad.size)
    for index in range(elevation_rad.size):
        value = max_range_m
        ceiling = _slant_range(antenna_m, max_altitude_m, sine[index], radius_m)
        if ceiling < value:  # a NaN ceiling (never reached) leaves the limit
            value = ceiling
        if elevation_rad[index] < 0.0:
            ground = _slant_range(antenna_m, 0.0, sine[index], radius_m)
            if ground < value:
                value = ground
        limit[index] = value
    return limit


def elevation_grid(volume: SurveillanceVolume) -> tuple[np.ndarray, np.ndarray]:
    """Lower edges of the elevation bins (rad) and each bin's range extent times width."""
    span = volume.max_elevation_rad - volume.min_elevation_rad
    count = max(int(np.ceil(span / ELEVATION_STEP_RAD)), 1)
    edges = np.linspace(volume.min_elevation_rad, volume.max_elevation_rad, count + 1)
    centres = 0.5 * (edges[:-1] + edges[1:])
    weight = volume.range_limit_m(centres) * np.diff(edges)
    return edges[:-1], weight


def resolution_cells(volume: SurveillanceVolume, range_resolution_m: float,
                     azimuth_beamwidth_rad: float, elevation_beamwidth_rad: float) -> float:
    """Number of range x azimuth x elevation resolution cells of the volume."""
    _, weight = elevation_grid(volume)
    return float(weight.sum() / (range_resolution_m * elevation_beamwidth_rad)
                 * volume.sector_width_rad / azimuth_beamwidth_rad)


#: Cells per scan of a radar with neither resolution_cells nor beam parameters.
LEGACY_RESOLUTION_CELLS = 1e5


def surveillance_volume(sensor: Any) -> SurveillanceVolume:
    """The surveillance volume of a validated scenario sensor (its schema fields)."""
    return SurveillanceVolume(
        sensor.height_m, sensor.max_range_km * 1e3, np.deg2rad(sensor.min_elevation_deg),
        np.deg2rad(sensor.max_elevation_deg), np.deg2rad(sensor.sector_center_deg),
        np.deg2rad(sensor.sector_width_deg), sensor.max_altitude_m)


def scan_resolution_cells(sensor: Any) -> float:
    """Resolution cells one scan of a scenario sensor tests: its ``resolution_cells`` when
    given, else counted from its surveillance volume and beam when it has one, else
    :data:`LEGACY_RESOLUTION_CELLS`. False alarms per scan are ``pfa`` times this."""
    if sensor.resolution_cells is not None:
        return float(sensor.resolution_cells)
    if sensor.range_resolution_m is None:
        return LEGACY_RESOLUTION_CELLS
    return resolution_cells(surveillance_volume(sensor), sensor.range_resolution_m,
                            np.deg2rad(sensor.azimuth_beamwidth_deg),
                            np.deg2rad(sensor.elevation_beamwidth_deg))


def place_false_alarms(rng: np.random.Generator, count: int, volume: SurveillanceVolume,
                       bin_low_rad: np.ndarray, bin_cumulative: np.ndarray) -> np.ndarray:
    """``count`` false-alarm plots (range m, azimuth rad, elevation rad), shape (count, 3),
    uniform over the volume's cells. ``bin_cumulative``: the cumulative sum of the
    weights of :func:`elevation_grid`, normalised to end at 1."""
    bins = np.minimum(np.searchsorted(bin_cumulative, rng.random(count), side="right"),
                      bin_low_rad.size - 1)
    width = (volume.max_elevation_rad - volume.min_elevation_rad) / bin_low_rad.size
    elevation = bin_low_rad[bins] + width * rng.random(count)
    range_m = np.maximum(volume.range_limit_m(elevation) * rng.random(count), 1.0)
    azimuth = np.mod(volume.sector_center_rad
                     + volume.sector_width_rad * (rng.random(count) - 0.5), 2.0 * np.pi)
    return np.stack([range_m, azimuth, elevation], axis=-1)
