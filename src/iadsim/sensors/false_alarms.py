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

from iadsim.sorted_search import search_sorted
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
def _limit(elevation_rad: float, sine: float, antenna_m: float, max_range_m: float,
           max_altitude_m: float, radius_m: float) -> float:
    """One element of :meth:`SurveillanceVolume.range_limit_m`."""
    value = max_range_m
    ceiling = _slant_range(antenna_m, max_altitude_m, sine, radius_m)
    if ceiling < value:  # a NaN ceiling (never reached) leaves the limit
        value = ceiling
    if elevation_rad < 0.0:
        ground = _slant_range(antenna_m, 0.0, sine, radius_m)
        if ground < value:
            value = ground
    return value


@njit(cache=True, error_model="numpy")
def _range_limit(elevation_rad: np.ndarray, sine: np.ndarray, antenna_m: float,
                 max_range_m: float, max_altitude_m: float, radius_m: float) -> np.ndarray:
    """:meth:`SurveillanceVolume.range_limit_m` over a flat array of elevations (rad) and
    their sines."""
    limit = np.empty(elevation_rad.size)
    for index in range(elevation_rad.size):
        limit[index] = _limit(elevation_rad[index], sine[index], antenna_m, max_range_m,
                              max_altitude_m, radius_m)
    return limit


def elevation_grid(volume: SurveillanceVolume) -> tuple[np.ndarray, np.ndarray]:
    """Lower edges of the elevation bins (rad) and each bin's range extent times width.

    Read-only arrays, made once per volume in a process (keyed by the exact bits of its
    fields): every run of a Monte Carlo worker builds the same radars.
    """
    key = np.array([getattr(volume, name) for name in _VOLUME_FIELDS], dtype=float).tobytes()
    grid = _GRIDS.get(key)
    if grid is None:
        grid = elevation_grid_uncached(volume)
        for array in grid:
            array.flags.writeable = False
        if len(_GRIDS) >= 256:
            _GRIDS.clear()
        _GRIDS[key] = grid
    return grid


_VOLUME_FIELDS = tuple(SurveillanceVolume.__dataclass_fields__)
_GRIDS: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}


def elevation_grid_uncached(volume: SurveillanceVolume) -> tuple[np.ndarray, np.ndarray]:
    """:func:`elevation_grid`, computed afresh (writable arrays)."""
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


@dataclass(frozen=True, slots=True)
class PlacementTables:
    """What :func:`place_false_alarms_of_volumes` needs of several volumes, one row each:
    their elevation bins (lower edges, rad, and cumulative weights ending at 1, padded
    after ``bin_count`` bins), the bin width (rad) and the volume's scalars (antenna
    height m, max range m, max altitude m, sector centre rad, sector width rad)."""

    bin_low_rad: np.ndarray  # (v, b)
    bin_cumulative: np.ndarray  # (v, b)
    bin_count: np.ndarray  # (v,) int
    bin_width_rad: np.ndarray  # (v,)
    scalars: np.ndarray  # (v, 5)


def placement_tables(volumes: list[SurveillanceVolume],
                     bins: list[tuple[np.ndarray, np.ndarray]]) -> PlacementTables:
    """The :class:`PlacementTables` of ``volumes``, with each one's (bin lower edges,
    normalised cumulative weights) from :func:`elevation_grid`."""
    widest = max((low.size for low, _ in bins), default=1)
    low_table = np.zeros((len(volumes), widest))
    cumulative_table = np.ones((len(volumes), widest))
    for row, (low, cumulative) in enumerate(bins):
        low_table[row, :low.size] = low
        cumulative_table[row, :cumulative.size] = cumulative
    return PlacementTables(
        low_table, cumulative_table, np.array([low.size for low, _ in bins], dtype=np.intp),
        np.array([(volume.max_elevation_rad - volume.min_elevation_rad) / low.size
                  for volume, (low, _) in zip(volumes, bins, strict=True)]),
        np.array([[volume.antenna_height_m, volume.max_range_m, volume.max_altitude_m,
                   volume.sector_center_rad, volume.sector_width_rad]
                  for volume in volumes], dtype=float).reshape(-1, 5))


def place_false_alarms(rng: np.random.Generator, count: int, volume: SurveillanceVolume,
                       bin_low_rad: np.ndarray, bin_cumulative: np.ndarray) -> np.ndarray:
    """``count`` false-alarm plots (range m, azimuth rad, elevation rad), shape (count, 3),
    uniform over the volume's cells. ``bin_cumulative``: the cumulative sum of the
    weights of :func:`elevation_grid`, normalised to end at 1.

    Draws ``4 * count`` uniforms from ``rng``: ``count`` each for the elevation bin, the
    elevation within the bin, the range and the azimuth, in that order. The arithmetic is
    compiled (a scan places a handful of plots, where NumPy's cost per call would
    dominate), element by element as the NumPy form (``np.searchsorted`` on the right,
    ``np.mod``), the sine taken by NumPy; tests compare the two bit for bit. One volume of
    :func:`place_false_alarms_of_volumes`.
    """
    uniforms = rng.random((4, count))
    tables = placement_tables([volume], [(bin_low_rad, bin_cumulative)])
    return place_false_alarms_of_volumes(uniforms, np.zeros(count, dtype=np.intp), tables)


def place_false_alarms_of_volumes(uniforms: np.ndarray, volume_index: np.ndarray,
                                  tables: PlacementTables) -> np.ndarray:
    """False-alarm plots (range m, azimuth rad, elevation rad), shape (k, 3), of several
    volumes at once (the radars of one look): plot ``i`` in volume ``volume_index[i]`` (a
    row of ``tables``) from the four uniforms ``uniforms[:, i]`` (elevation bin, elevation
    within the bin, range, azimuth), each plot as :func:`place_false_alarms` places it.
    Hot path: no argument checks."""
    elevation = _elevations(uniforms[0], uniforms[1], volume_index, tables.bin_low_rad,
                            tables.bin_cumulative, tables.bin_count, tables.bin_width_rad)
    return _place(elevation, np.sin(elevation), uniforms[2], uniforms[3], volume_index,
                  tables.scalars, EFFECTIVE_EARTH_RADIUS_M)


@njit(cache=True, error_model="numpy")
def _elevations(bin_draw: np.ndarray, offset_draw: np.ndarray, volume_index: np.ndarray,
                bin_low_rad: np.ndarray, bin_cumulative: np.ndarray, bin_count: np.ndarray,
                width_rad: np.ndarray) -> np.ndarray:
    """Elevation (rad) of each plot: its bin in its volume's row (the first whose
    cumulative weight exceeds its draw, as ``np.searchsorted(..., side="right")``, at most
    the last) plus a uniform offset within the bin."""
    elevation = np.empty(bin_draw.size)
    for index in range(bin_draw.size):
        volume = volume_index[index]
        last = bin_count[volume] - 1
        low = search_sorted(bin_cumulative[volume, :bin_count[volume]], bin_draw[index],
                            True)
        elevation[index] = (bin_low_rad[volume, min(low, last)]
                            + width_rad[volume] * offset_draw[index])
    return elevation


@njit(cache=True, error_model="numpy")
def _place(elevation_rad: np.ndarray, sine: np.ndarray, range_draw: np.ndarray,
           azimuth_draw: np.ndarray, volume_index: np.ndarray, scalars: np.ndarray,
           radius_m: float) -> np.ndarray:
    """Plots (range m, azimuth rad, elevation rad), shape (n, 3): range uniform out to the
    volume's limit at the plot's elevation (at least 1 m), azimuth uniform in the sector,
    wrapped to [0, 2 pi) as ``np.mod``. ``scalars``: :class:`PlacementTables` rows."""
    two_pi = 2.0 * np.pi
    plots = np.empty((elevation_rad.size, 3))
    for index in range(elevation_rad.size):
        volume = volume_index[index]
        range_m = _limit(elevation_rad[index], sine[index], scalars[volume, 0],
                         scalars[volume, 1], scalars[volume, 2], radius_m) * range_draw[index]
        if range_m < 1.0:
            range_m = 1.0
        azimuth = scalars[volume, 3] + scalars[volume, 4] * (azimuth_draw[index] - 0.5)
        # Python's float modulo, which np.mod follows: fmod, then the divisor's sign.
        plots[index, 0], plots[index, 1] = range_m, azimuth % two_pi
        plots[index, 2] = elevation_rad[index]
    return plots
