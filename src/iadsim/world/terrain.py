"""Terrain: a digital elevation model (DEM) on a latitude-longitude grid, and the
line-of-sight test along the 4/3-earth ray that masks radars behind it.

A DEM is a GeoTIFF on a geographic grid (north-up, no rotation; EPSG:4326 or any other
geographic CRS), read with rasterio, the optional ``terrain`` extra. Elevations are taken
as heights above the same datum as the scenario's altitudes (the WGS84 ellipsoid; the
geoid-ellipsoid separation of an orthometric DEM is not corrected). Outside the DEM, and
where it has no data, the ground is flat at ``outside_elevation_m`` (the scenario's
``origin.ground_elevation_m``): a smooth earth, as without a DEM.

Line of sight (:func:`line_of_sight`): the ray between antenna and target is straight over
the effective earth of radius ``k a`` (refraction of the standard atmosphere folded into
the radius, k = 4/3). The ground path is the great circle between the two; the ray is
sampled every ``spacing_m`` along it (by default the DEM's cell size), and at each sample
its height over the effective sphere, from the polar equation of the chord,
``r(phi) = r_a r_t sin(theta) / (r_a sin(phi) + r_t sin(theta - phi))``, is compared with
the terrain's (bilinear) elevation there. The target is masked when the terrain reaches
the ray at any sample (the target's own point included: a target below the ground is not
seen). On a flat DEM this is the smooth-earth horizon of
:func:`iadsim.world.earth.radar_horizon_m`. Sources: Skolnik, Introduction to Radar
Systems, 3rd ed. (2001), sec. 8.2 (4/3 earth); L. V. Blake, Radar Range-Performance
Analysis (1980), ch. 5; ITU-R P.526 (path profile against the earth's bulge). Not
modelled: diffraction over the ridge (a target just below the grazing line is masked
outright), multipath, vegetation and buildings; an obstruction narrower than the sample
spacing (a dip of the ray into the ground shorter than that, at grazing) can be missed.

One compiled ray test (``_clear_path``) serves every sensor: :func:`line_of_sight` (one
antenna, many targets: the radars, :class:`TerrainMask`) and :func:`line_of_sight_pairs`
(one ray a pair, both ends moving: seekers, fire-control directors and jammers, through
:class:`TerrainView` in the scenario's ENU frame). :func:`ground_in_view` is the radial
sweep of :func:`viewshed` with the target on the ground: which ground a radar sees, so
that a target's range cell in the terrain's shadow adds no clutter.

:func:`gaussian_ridge` makes the small synthetic DEM the tests and examples use
(tests/data/terrain/ridge.tif; see its ``make_ridge.py``).

This module runs past 400 lines on purpose. The DEM, its bilinear sampling kernel and the
forms of the line-of-sight test (ray by ray and pairwise for the simulation, the radial
sweep for coverage maps and ground views) share that kernel and the same geometry. Issue
20 names this module as their home.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numba import njit

from iadsim.world.earth import EARTH_RADIUS_M, FOUR_THIRDS, effective_earth_radius_m
from iadsim.world.geodesy import LocalFrame

if TYPE_CHECKING:  # the world sits below the scenario: no import at run time
    from iadsim.scenario.schema import Scenario

#: Fewest and most samples along one ray (a ray shorter than one cell is still checked
#: at its ends; a very long ray over a fine DEM is capped).
MIN_SAMPLES = 2
MAX_SAMPLES = 4096
#: Samples between exact great-circle points of a ray's ground path.
KNOT_SAMPLES = 16
#: Most radials x samples of one :func:`viewshed` sweep (float32: 64 MB).
SWEEP_BUDGET = 16_000_000


class TerrainError(ValueError):
    """A DEM that cannot be used: missing file, not a GeoTIFF, not a geographic grid, or
    rasterio not installed. The message is one line naming the file."""


@dataclass(frozen=True, slots=True)
class Terrain:
    """Elevations on a regular latitude-longitude grid of cell centres.

    ``elevation_m`` (n_rows, n_columns): metres above the datum, row ``i`` at latitude
    ``first_lat_deg + i * lat_step_deg`` (a north-up DEM has a negative step), column ``j``
    at longitude ``first_lon_deg + j * lon_step_deg``. No data is already replaced by
    ``outside_elevation_m``, the ground outside the grid.
    """

    elevation_m: np.ndarray
    first_lat_deg: float
    first_lon_deg: float
    lat_step_deg: float
    lon_step_deg: float
    outside_elevation_m: float = 0.0

    @property
    def cell_size_m(self) -> float:
        """The smaller side of a cell at the grid's mid latitude (m, on the mean sphere)."""
        middle = self.first_lat_deg + 0.5 * (self.elevation_m.shape[0] - 1) * self.lat_step_deg
        metres_per_degree = np.radians(1.0) * EARTH_RADIUS_M
        return float(min(abs(self.lat_step_deg),
                         abs(self.lon_step_deg) * np.cos(np.radians(middle)))
                     * metres_per_degree)

    @property
    def bounds_deg(self) -> tuple[float, float, float, float]:
        """(south, north, west, east) edges of the grid's cells, degrees."""
        rows, columns = self.elevation_m.shape
        lats = (self.first_lat_deg - 0.5 * self.lat_step_deg,
                self.first_lat_deg + (rows - 0.5) * self.lat_step_deg)
        lons = (self.first_lon_deg - 0.5 * self.lon_step_deg,
                self.first_lon_deg + (columns - 0.5) * self.lon_step_deg)
        return min(lats), max(lats), min(lons), max(lons)

    def elevation_at(self, lat_deg, lon_deg) -> np.ndarray:
        """Bilinear elevation (m) at the given points (degrees; broadcasts).

        Within half a cell outside the outermost centres the edge value holds; farther out
        the ground is ``outside_elevation_m``.
        """
        lat, lon = np.broadcast_arrays(np.asarray(lat_deg, dtype=float),
                                       np.asarray(lon_deg, dtype=float))
        flat = _bilinear(self.elevation_m, self._grid(), np.ascontiguousarray(lat).ravel(),
                         np.ascontiguousarray(lon).ravel())
        return flat.reshape(lat.shape)

    def kernel_grid(self) -> np.ndarray:
        """(5,): first latitude, first longitude, their steps (deg) and the outside
        elevation (m), as the compiled samplers take the grid."""
        return self._grid()

    def _grid(self) -> np.ndarray:
        return np.array([self.first_lat_deg, self.first_lon_deg, self.lat_step_deg,
                         self.lon_step_deg, self.outside_elevation_m])


def load_terrain(path: str | Path, outside_elevation_m: float = 0.0) -> Terrain:
    """Read a GeoTIFF DEM (band 1) on a geographic grid.

    Raises :class:`TerrainError` (one line naming the file) when rasterio is missing, the
    file cannot be read, is not a GeoTIFF, is not on a north-up latitude-longitude grid
    or holds no finite elevation. Cached by path, size and modification time.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as error:
        raise TerrainError(f"{path}: cannot read the DEM ({error.strerror or error})") from None
    if not path.is_file():
        raise TerrainError(f"{path}: cannot read the DEM (not a file)")
    return _load(str(path.resolve()), stat.st_size, stat.st_mtime_ns, float(outside_elevation_m))


@lru_cache(maxsize=4)
def _load(path: str, size: int, modified_ns: int, outside_elevation_m: float) -> Terrain:
    del size, modified_ns  # part of the cache key only
    try:
        import rasterio
        from rasterio.errors import RasterioIOError
    except ImportError:
        raise TerrainError(f"{path}: reading a DEM needs rasterio; install it with "
                           "pip install 'iadsim[terrain]'") from None
    try:
        with rasterio.open(path) as dataset:
            if dataset.driver != "GTiff":
                raise TerrainError(f"{path}: expected a GeoTIFF DEM, got a {dataset.driver} "
                                   "file")
            if dataset.crs is None or not dataset.crs.is_geographic:
                raise TerrainError(f"{path}: expected a DEM on a geographic latitude-longitude "
                                   f"grid (e.g. EPSG:4326), got CRS {dataset.crs}")
            transform = dataset.transform
            if transform.b != 0 or transform.d != 0:
                raise TerrainError(f"{path}: expected a north-up DEM grid without rotation")
            elevation = dataset.read(1, masked=True).astype(float).filled(np.nan)
    except RasterioIOError:
        raise TerrainError(f"{path}: expected a GeoTIFF DEM; the file is not a raster "
                           "rasterio can read") from None
    finite = np.isfinite(elevation)
    if not finite.any():
        raise TerrainError(f"{path}: the DEM holds no elevation (all no-data)")
    elevation = np.where(finite, elevation, outside_elevation_m)
    elevation.flags.writeable = False
    return Terrain(elevation, first_lat_deg=transform.f + 0.5 * transform.e,
                   first_lon_deg=transform.c + 0.5 * transform.a, lat_step_deg=transform.e,
                   lon_step_deg=transform.a, outside_elevation_m=outside_elevation_m)


def write_geotiff(terrain: Terrain, path: str | Path) -> Path:
    """Write ``terrain`` as a float32 GeoTIFF (EPSG:4326, deflate), north-up as given."""
    import rasterio
    from rasterio.transform import Affine

    path = Path(path)
    transform = Affine(terrain.lon_step_deg, 0.0,
                       terrain.first_lon_deg - 0.5 * terrain.lon_step_deg,
                       0.0, terrain.lat_step_deg,
                       terrain.first_lat_deg - 0.5 * terrain.lat_step_deg)
    rows, columns = terrain.elevation_m.shape
    with rasterio.open(path, "w", driver="GTiff", width=columns, height=rows, count=1,
                       dtype="float32", crs="EPSG:4326", transform=transform,
                       compress="deflate", predictor=3) as dataset:
        dataset.write(terrain.elevation_m.astype(np.float32), 1)
    return path


def gaussian_ridge(center_lat_deg: float = 40.0, center_lon_deg: float = 33.0,
                   half_extent_deg: float = 0.3, cell_deg: float = 0.0025,
                   crest_m: float = 400.0, width_m: float = 800.0,
                   base_m: float = 0.0) -> Terrain:
    """A synthetic DEM: one east-west ridge of Gaussian section through the centre.

    Elevation ``base_m + crest_m * exp(-y**2 / (2 width_m**2))``, with y the north
    distance (m, on the mean sphere) from ``center_lat_deg``. The grid spans
    ``half_extent_deg`` each side of the centre in latitude and longitude, north-up,
    with cells of ``cell_deg``. Used by the tests (tests/data/terrain/ridge.tif).
    """
    count = round(2 * half_extent_deg / cell_deg) + 1
    offsets = (np.arange(count) - (count - 1) / 2) * cell_deg
    lat = center_lat_deg - offsets  # north-up: row 0 is the northernmost
    north_m = np.radians(lat - center_lat_deg) * EARTH_RADIUS_M
    section = base_m + crest_m * np.exp(-north_m**2 / (2.0 * width_m**2))
    elevation = np.repeat(section[:, None], count, axis=1).astype(np.float32).astype(float)
    return Terrain(elevation, first_lat_deg=float(lat[0]),
                   first_lon_deg=float(center_lon_deg + offsets[0]),
                   lat_step_deg=-cell_deg, lon_step_deg=cell_deg, outside_elevation_m=base_m)


def line_of_sight(terrain: Terrain | None, antenna_lat_deg: float, antenna_lon_deg: float,
                  antenna_alt_m: float, target_lat_deg, target_lon_deg, target_alt_m,
                  k: float = FOUR_THIRDS, spacing_m: float | None = None) -> np.ndarray:
    """True where the 4/3-earth ray from the antenna to each target clears the terrain.

    Antenna: one point (degrees, metres above the datum). Targets: arrays that broadcast
    (degrees, degrees, metres above the datum). ``terrain`` None: a smooth earth at 0 m.
    ``spacing_m``: distance between profile samples along the ground path (default: the
    DEM's cell size). Returns a boolean array of the targets' broadcast shape.
    """
    if not k > 0:
        raise ValueError(f"k must be > 0, got {k}")
    if terrain is None:
        terrain = Terrain(np.zeros((1, 1)), 0.0, 0.0, 1.0, 1.0, 0.0)
        spacing_m = spacing_m or 1_000.0
    spacing = terrain.cell_size_m if spacing_m is None else float(spacing_m)
    if not spacing > 0:
        raise ValueError(f"spacing_m must be > 0, got {spacing_m}")
    lat, lon, alt = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (
        target_lat_deg, target_lon_deg, target_alt_m)))
    clear = _clear_paths(terrain.elevation_m, terrain._grid(), float(antenna_lat_deg),
                         float(antenna_lon_deg), float(antenna_alt_m),
                         np.ascontiguousarray(lat).ravel(), np.ascontiguousarray(lon).ravel(),
                         np.ascontiguousarray(alt).ravel(), effective_earth_radius_m(k),
                         spacing)
    return clear.reshape(lat.shape)


def line_of_sight_pairs(terrain: Terrain, antenna_lat_deg, antenna_lon_deg, antenna_alt_m,
                        target_lat_deg, target_lon_deg, target_alt_m, k: float = FOUR_THIRDS,
                        spacing_m: float | None = None) -> np.ndarray:
    """:func:`line_of_sight` for pairs: True where the 4/3-earth ray from antenna ``i`` to
    target ``i`` clears the terrain (the same compiled test, one ray a pair).

    All six arrays broadcast (degrees, degrees, metres above the datum); returns a
    boolean array of their broadcast shape. Seekers, fire-control directors and jammers
    use it, their ends moving from one step to the next.
    """
    if not k > 0:
        raise ValueError(f"k must be > 0, got {k}")
    spacing = terrain.cell_size_m if spacing_m is None else float(spacing_m)
    if not spacing > 0:
        raise ValueError(f"spacing_m must be > 0, got {spacing_m}")
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (
        antenna_lat_deg, antenna_lon_deg, antenna_alt_m, target_lat_deg, target_lon_deg,
        target_alt_m)))
    flat = [np.ascontiguousarray(array).ravel() for array in arrays]
    clear = _clear_pairs(terrain.elevation_m, terrain._grid(), *flat,
                         effective_earth_radius_m(k), spacing)
    return clear.reshape(arrays[0].shape)


@njit(cache=True)
def _sample(elevation: np.ndarray, grid: np.ndarray, lat_deg: float, lon_deg: float) -> float:
    """Bilinear elevation at one point; ``grid``: first lat, first lon, steps, outside."""
    rows, columns = elevation.shape
    row = (lat_deg - grid[0]) / grid[2]
    column = (lon_deg - grid[1]) / grid[3]
    if row < -0.5 or row > rows - 0.5 or column < -0.5 or column > columns - 0.5:
        return grid[4]
    row = min(max(row, 0.0), rows - 1.0)
    column = min(max(column, 0.0), columns - 1.0)
    top = min(int(row), rows - 2) if rows > 1 else 0
    left = min(int(column), columns - 2) if columns > 1 else 0
    down = row - top
    right = column - left
    bottom = min(top + 1, rows - 1)
    next_column = min(left + 1, columns - 1)
    upper = elevation[top, left] * (1.0 - right) + elevation[top, next_column] * right
    lower = elevation[bottom, left] * (1.0 - right) + elevation[bottom, next_column] * right
    return upper * (1.0 - down) + lower * down


@njit(cache=True)
def _bilinear(elevation: np.ndarray, grid: np.ndarray, lat_deg: np.ndarray,
              lon_deg: np.ndarray) -> np.ndarray:
    out = np.empty(lat_deg.size)
    for index in range(lat_deg.size):
        out[index] = _sample(elevation, grid, lat_deg[index], lon_deg[index])
    return out


@njit(cache=True)
def _clear_paths(elevation: np.ndarray, grid: np.ndarray, antenna_lat_deg: float,
                 antenna_lon_deg: float, antenna_alt_m: float, target_lat_deg: np.ndarray,
                 target_lon_deg: np.ndarray, target_alt_m: np.ndarray, radius_m: float,
                 spacing_m: float) -> np.ndarray:
    """:func:`_clear_path` from one antenna to each target."""
    clear = np.ones(target_lat_deg.size, dtype=np.bool_)
    for index in range(target_lat_deg.size):
        clear[index] = _clear_path(elevation, grid, antenna_lat_deg, antenna_lon_deg,
                                   antenna_alt_m, target_lat_deg[index],
                                   target_lon_deg[index], target_alt_m[index], radius_m,
                                   spacing_m)
    return clear


@njit(cache=True)
def _clear_pairs(elevation: np.ndarray, grid: np.ndarray, antenna_lat_deg: np.ndarray,
                 antenna_lon_deg: np.ndarray, antenna_alt_m: np.ndarray,
                 target_lat_deg: np.ndarray, target_lon_deg: np.ndarray,
                 target_alt_m: np.ndarray, radius_m: float, spacing_m: float) -> np.ndarray:
    """:func:`_clear_path` for each (antenna, target) pair, row by row."""
    clear = np.ones(target_lat_deg.size, dtype=np.bool_)
    for index in range(target_lat_deg.size):
        clear[index] = _clear_path(elevation, grid, antenna_lat_deg[index],
                                   antenna_lon_deg[index], antenna_alt_m[index],
                                   target_lat_deg[index], target_lon_deg[index],
                                   target_alt_m[index], radius_m, spacing_m)
    return clear


@njit(cache=True)
def _clear_path(elevation: np.ndarray, grid: np.ndarray, antenna_lat_deg: float,
                antenna_lon_deg: float, antenna_alt_m: float, target_lat_deg: float,
                target_lon_deg: float, target_alt_m: float, radius_m: float,
                spacing_m: float) -> bool:
    """Whether the chord from the antenna to the target over the effective sphere of
    ``radius_m`` stays above the terrain at every sample of the great-circle path (samples
    every ``spacing_m`` of ground, the target's point included, the antenna's not): the one
    line-of-sight test of radars, seekers, directors and jammers."""
    degree = np.pi / 180.0
    lat_a, lon_a = antenna_lat_deg * degree, antenna_lon_deg * degree
    ax, ay, az = np.cos(lat_a) * np.cos(lon_a), np.cos(lat_a) * np.sin(lon_a), np.sin(lat_a)
    antenna_radius = radius_m + antenna_alt_m
    lat_t, lon_t = target_lat_deg * degree, target_lon_deg * degree
    bx = np.cos(lat_t) * np.cos(lon_t)
    by = np.cos(lat_t) * np.sin(lon_t)
    bz = np.sin(lat_t)
    target_radius = radius_m + target_alt_m
    # Central angle on the unit sphere (atan2 form: exact for short and long paths).
    cx, cy, cz = ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx
    angle = np.arctan2(np.sqrt(cx * cx + cy * cy + cz * cz), ax * bx + ay * by + az * bz)
    ground_m = angle * EARTH_RADIUS_M  # along the real earth: where the DEM is sampled
    samples = int(np.ceil(ground_m / spacing_m))
    samples = min(max(samples, MIN_SAMPLES), MAX_SAMPLES)
    if angle < 1e-12:  # straight up or down: only the target's own ground
        return not _sample(elevation, grid, target_lat_deg, target_lon_deg) > target_alt_m
    sin_angle = np.sin(angle)
    # On the effective earth the same path subtends ground / radius_m; the chord's
    # sines come from a rotation recurrence (no sine per sample).
    effective_angle = ground_m / radius_m
    sin_theta, cos_theta = np.sin(effective_angle), np.cos(effective_angle)
    numerator = antenna_radius * target_radius * sin_theta
    sin_step, cos_step = np.sin(effective_angle / samples), np.cos(effective_angle / samples)
    sin_phi, cos_phi = 0.0, 1.0
    # The ground path: exact great-circle points (slerp) every KNOT_SAMPLES samples,
    # linear in latitude and longitude between them (off the great circle by under a
    # metre for knots a few kilometres apart).
    knot_lat, knot_lon = antenna_lat_deg, antenna_lon_deg
    for knot_start in range(0, samples, KNOT_SAMPLES):
        knot_end = min(knot_start + KNOT_SAMPLES, samples)
        if knot_end == samples:
            next_lat, next_lon = target_lat_deg, target_lon_deg
        else:
            fraction = knot_end / samples
            weight_a = np.sin((1.0 - fraction) * angle) / sin_angle
            weight_b = np.sin(fraction * angle) / sin_angle
            pz = weight_a * az + weight_b * bz
            next_lat = np.arcsin(min(max(pz, -1.0), 1.0)) / degree
            next_lon = np.arctan2(weight_a * ay + weight_b * by,
                                  weight_a * ax + weight_b * bx) / degree
        turn = next_lon - knot_lon  # across the antimeridian: the short way round
        if turn > 180.0:
            turn -= 360.0
        elif turn < -180.0:
            turn += 360.0
        span = knot_end - knot_start
        for step in range(knot_start + 1, knot_end + 1):
            weight = (step - knot_start) / span
            ground = _sample(elevation, grid, knot_lat + weight * (next_lat - knot_lat),
                             knot_lon + weight * turn)
            sin_phi, cos_phi = (sin_phi * cos_step + cos_phi * sin_step,
                                cos_phi * cos_step - sin_phi * sin_step)
            if step == samples:
                ray = target_alt_m
            else:
                ray = numerator / (antenna_radius * sin_phi + target_radius
                                   * (sin_theta * cos_phi - cos_theta * sin_phi)) - radius_m
            if ground > ray:
                return False
        knot_lat, knot_lon = next_lat, next_lon
    return True


#: The compiled forms for kernels elsewhere (:mod:`iadsim.world.terrain_ground`: the
#: flyout's ground and seeker tests): the bilinear sample ``(elevation, grid, lat_deg,
#: lon_deg) -> m`` of :meth:`Terrain.elevation_at` and the one ray test of
#: :func:`line_of_sight` (``grid``: :meth:`Terrain.kernel_grid`).
sample_elevation = _sample
clear_path = _clear_path


def viewshed(terrain: Terrain, antenna_lat_deg: float, antenna_lon_deg: float,
             antenna_alt_m: float, target_lat_deg, target_lon_deg, target_alt_m,
             max_range_m: float, k: float = FOUR_THIRDS,
             spacing_m: float | None = None) -> np.ndarray:
    """:func:`line_of_sight` for many targets around one antenna (a coverage map), by a
    radial sweep: the same test, shared between targets on the same bearing.

    Radials leave the antenna every ``spacing_m`` of arc at ``max_range_m`` (at least 360),
    sampled every ``spacing_m`` of ground (``spacing_m`` is raised to keep radials x samples
    within :data:`SWEEP_BUDGET`: 400 m at 600 km); along each the running maximum of the terrain's
    elevation angle over the effective earth is kept, and a target is in view when its own
    elevation angle (same geometry) is at least that maximum over the samples nearer than
    it on the nearest radial, and it is not below the ground. In the straight-ray
    effective-earth model this is the chord test of :func:`line_of_sight`; the two differ
    only by where the samples fall (the nearest radial is off the target's bearing by at
    most half the spacing). Targets beyond ``max_range_m`` (ground) are not in view.
    Returns a boolean array of the targets' broadcast shape.
    """
    sweep = _steepest_ground(terrain, antenna_lat_deg, antenna_lon_deg, antenna_alt_m,
                             max_range_m, k, spacing_m)
    return _viewshed_of_sweep(terrain, sweep, antenna_lat_deg, antenna_lon_deg, antenna_alt_m,
                              target_lat_deg, target_lon_deg, target_alt_m)


def _viewshed_of_sweep(terrain: Terrain, sweep: tuple[np.ndarray, float, float],
                       antenna_lat_deg: float, antenna_lon_deg: float, antenna_alt_m: float,
                       target_lat_deg, target_lon_deg, target_alt_m) -> np.ndarray:
    """:func:`viewshed` given the antenna's :func:`_steepest_ground` sweep."""
    horizon, spacing, radius = sweep
    lat, lon, alt = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (
        target_lat_deg, target_lon_deg, target_alt_m)))
    seen = _in_viewshed(terrain.elevation_m, terrain._grid(), horizon, float(antenna_lat_deg),
                        float(antenna_lon_deg), radius + float(antenna_alt_m), radius,
                        spacing, np.ascontiguousarray(lat).ravel(),
                        np.ascontiguousarray(lon).ravel(), np.ascontiguousarray(alt).ravel())
    return seen.reshape(lat.shape)


@njit(cache=True)
def _horizon_sweep(elevation: np.ndarray, grid: np.ndarray, antenna_lat_deg: float,
                   antenna_lon_deg: float, antenna_radius_m: float, radius_m: float,
                   spacing_m: float, radials: int, samples: int) -> np.ndarray:
    """(radials, samples + 1): the largest tangent of the terrain's elevation angle seen
    from the antenna up to each sample of each radial (column 0: none, -inf). Positions
    by the spherical direct problem on the mean earth; angles on the effective earth."""
    degree = np.pi / 180.0
    lat0, lon0 = antenna_lat_deg * degree, antenna_lon_deg * degree
    sin_lat0, cos_lat0 = np.sin(lat0), np.cos(lat0)
    steepest = np.empty((radials, samples + 1), dtype=np.float32)
    # What depends on the distance only, once for all radials.
    arc = np.arange(samples + 1) * (spacing_m / EARTH_RADIUS_M)
    sin_arc, cos_arc = np.sin(arc), np.cos(arc)
    phi = np.arange(samples + 1) * (spacing_m / radius_m)
    sin_phi, cos_phi = np.sin(phi), np.cos(phi)
    for radial in range(radials):
        bearing = 2.0 * np.pi * radial / radials
        sin_bearing, cos_bearing = np.sin(bearing), np.cos(bearing)
        best = -np.inf
        steepest[radial, 0] = best
        for step in range(1, samples + 1):
            sin_lat = sin_lat0 * cos_arc[step] + cos_lat0 * sin_arc[step] * cos_bearing
            lat = np.arcsin(min(max(sin_lat, -1.0), 1.0))
            lon = lon0 + np.arctan2(sin_bearing * sin_arc[step] * cos_lat0,
                                    cos_arc[step] - sin_lat0 * sin_lat)
            point_radius = radius_m + _sample(elevation, grid, lat / degree, lon / degree)
            tangent = ((point_radius * cos_phi[step] - antenna_radius_m)
                       / (point_radius * sin_phi[step]))
            if tangent > best:
                best = tangent
            steepest[radial, step] = best
    return steepest


@njit(cache=True)
def _in_viewshed(elevation: np.ndarray, grid: np.ndarray, steepest: np.ndarray,
                 antenna_lat_deg: float, antenna_lon_deg: float, antenna_radius_m: float,
                 radius_m: float, spacing_m: float, target_lat_deg: np.ndarray,
                 target_lon_deg: np.ndarray, target_alt_m: np.ndarray) -> np.ndarray:
    """Each target against the sweep of :func:`_horizon_sweep` (nearest radial)."""
    degree = np.pi / 180.0
    radials, columns = steepest.shape
    lat0, lon0 = antenna_lat_deg * degree, antenna_lon_deg * degree
    sin_lat0, cos_lat0 = np.sin(lat0), np.cos(lat0)
    seen = np.zeros(target_lat_deg.size, dtype=np.bool_)
    for index in range(target_lat_deg.size):
        if _sample(elevation, grid, target_lat_deg[index], target_lon_deg[index]) \
                > target_alt_m[index]:
            continue  # below the ground
        lat, lon = target_lat_deg[index] * degree, target_lon_deg[index] * degree
        sin_lat, cos_lat = np.sin(lat), np.cos(lat)
        delta = lon - lon0
        # Inverse problem on the sphere: central angle (atan2 form) and initial bearing.
        y = cos_lat * np.sin(delta)
        x = cos_lat0 * sin_lat - sin_lat0 * cos_lat * np.cos(delta)
        arc = np.arctan2(np.sqrt(x * x + y * y),
                         sin_lat0 * sin_lat + cos_lat0 * cos_lat * np.cos(delta))
        ground_m = arc * EARTH_RADIUS_M
        position = ground_m / spacing_m
        if position > columns - 1:
            continue  # beyond the sweep
        bearing = np.arctan2(y, x) % (2.0 * np.pi)
        radial = int(np.rint(bearing / (2.0 * np.pi) * radials)) % radials
        # Samples strictly nearer than the target (its own point is the ground test).
        before = int(np.ceil(position)) - 1
        if before < 0:
            seen[index] = True
            continue
        phi = ground_m / radius_m
        target_radius = radius_m + target_alt_m[index]
        if phi <= 0.0:
            seen[index] = True
            continue
        tangent = ((target_radius * np.cos(phi) - antenna_radius_m)
                   / (target_radius * np.sin(phi)))
        seen[index] = tangent >= steepest[radial, before]
    return seen


def ground_in_view(terrain: Terrain, antenna_lat_deg: float, antenna_lon_deg: float,
                   antenna_alt_m: float, max_range_m: float, k: float = FOUR_THIRDS,
                   spacing_m: float | None = None) -> GroundView:
    """Which ground around one antenna it sees (a radar's clutter): the radial sweep of
    :func:`viewshed` with the target on the ground itself. A ground point is in view when
    its elevation angle over the effective earth is at least that of all ground nearer on
    its bearing (on a smooth earth: up to the antenna's horizon)."""
    steepest, spacing, _ = _steepest_ground(terrain, antenna_lat_deg, antenna_lon_deg,
                                            antenna_alt_m, max_range_m, k, spacing_m)
    return _ground_view_of_sweep(steepest, spacing)


def _ground_view_of_sweep(steepest: np.ndarray, spacing: float) -> GroundView:
    """:func:`ground_in_view` given the antenna's :func:`_steepest_ground` sweep."""
    # The ground at a sample is in view when it raised the running maximum (column 0,
    # under the antenna, is in view).
    seen = np.empty(steepest.shape, dtype=bool)
    seen[:, 0] = True
    seen[:, 1:] = steepest[:, 1:] > steepest[:, :-1]
    return GroundView(seen, spacing)


def _steepest_ground(terrain: Terrain, antenna_lat_deg: float, antenna_lon_deg: float,
                     antenna_alt_m: float, max_range_m: float, k: float,
                     spacing_m: float | None) -> tuple[np.ndarray, float, float]:
    """The radial sweep shared by :func:`viewshed` and :func:`ground_in_view`: the running
    maximum of the ground's elevation tangent along each radial (radials, samples + 1),
    the sample spacing used (m) and the effective earth radius (m). Radials x samples stay
    within :data:`SWEEP_BUDGET` (a long range over a fine DEM is swept coarser: at most
    ~64 MB)."""
    if not k > 0:
        raise ValueError(f"k must be > 0, got {k}")
    if not max_range_m > 0:
        raise ValueError(f"max_range_m must be > 0, got {max_range_m}")
    spacing = terrain.cell_size_m if spacing_m is None else float(spacing_m)
    if not spacing > 0:
        raise ValueError(f"spacing_m must be > 0, got {spacing_m}")
    spacing = max(spacing, np.sqrt(2 * np.pi * max_range_m**2 / SWEEP_BUDGET))
    samples = int(np.ceil(max_range_m / spacing))
    radials = max(360, int(np.ceil(2 * np.pi * max_range_m / spacing)))
    radius = effective_earth_radius_m(k)
    steepest = _horizon_sweep(terrain.elevation_m, terrain._grid(), float(antenna_lat_deg),
                              float(antenna_lon_deg), radius + float(antenna_alt_m), radius,
                              spacing, radials, samples)
    return steepest, spacing, radius


@dataclass(frozen=True, slots=True)
class GroundView:
    """Ground in view of one antenna (:func:`ground_in_view`): ``seen`` (radials,
    samples + 1), radial ``j`` on bearing ``2 pi j / radials`` from north, sample ``s`` at
    ``s * spacing_m`` of ground from the antenna."""

    seen: np.ndarray
    spacing_m: float

    def lookup(self, bearing_rad: np.ndarray, ground_range_m: np.ndarray) -> np.ndarray:
        """Whether the ground at each (bearing from north, rad; ground range, m) is in view
        (nearest radial and sample; beyond the sweep: not in view)."""
        radials, columns = self.seen.shape
        radial = np.rint(np.mod(bearing_rad, 2 * np.pi) / (2 * np.pi) * radials).astype(
            np.int64) % radials
        sample = np.rint(np.asarray(ground_range_m, dtype=float) / self.spacing_m)
        inside = sample <= columns - 1
        return inside & self.seen[radial, np.where(inside, sample, 0).astype(np.int64)]


def scenario_terrain(scenario: Scenario) -> Terrain | None:
    """The DEM of ``scenario`` (its ``terrain.dem_file``), with the origin's ground
    elevation outside it; None without one. Raises :class:`TerrainError`."""
    if scenario.terrain is None:
        return None
    return load_terrain(scenario.terrain.dem_file, scenario.origin.ground_elevation_m)


def site_ground_m(scenario: Scenario, lat_deg, lon_deg) -> np.ndarray:
    """Ground elevation (m above the datum) under sites of ``scenario``: the DEM's, or the
    origin's ground elevation without a DEM (exactly, for bit-identical runs)."""
    terrain = scenario_terrain(scenario)
    if terrain is None:
        return np.full(np.shape(lat_deg), scenario.origin.ground_elevation_m, dtype=float)
    return terrain.elevation_at(lat_deg, lon_deg)


@dataclass(frozen=True)
class TerrainMask:
    """The terrain between a scenario's radars and what they would see: targets, jammers
    and the ground of a target's range cell (clutter).

    ``antenna_*`` (n_radars,): each antenna's latitude, longitude (degrees) and altitude
    (m above the datum); ``frame`` converts targets from the scenario ENU frame;
    ``max_range_m`` (n_radars,): each radar's instrumented range, the reach of its ground
    view (:func:`ground_in_view`, made on first use and kept).
    """

    terrain: Terrain
    antenna_lat_deg: np.ndarray
    antenna_lon_deg: np.ndarray
    antenna_alt_m: np.ndarray
    frame: LocalFrame
    max_range_m: np.ndarray | None = None
    _ground_views: dict[int, GroundView] = field(default_factory=dict, repr=False,
                                                 compare=False)

    def visible(self, radar_index: np.ndarray, position_m: np.ndarray) -> np.ndarray:
        """Whether radar ``radar_index[i]`` sees position ``position_m[i]`` (scenario ENU,
        m) over the terrain: boolean (k,)."""
        seen = np.ones(radar_index.size, dtype=bool)
        if radar_index.size == 0:
            return seen
        lat, lon, alt = self.frame.to_geodetic(np.asarray(position_m, dtype=float))
        lat, lon, alt = (np.atleast_1d(v) for v in (lat, lon, alt))
        for radar in np.unique(radar_index).tolist():
            rows = radar_index == radar
            seen[rows] = line_of_sight(self.terrain, self.antenna_lat_deg[radar],
                                       self.antenna_lon_deg[radar], self.antenna_alt_m[radar],
                                       lat[rows], lon[rows], alt[rows])
        return seen

    def jammers_in_view(self, radars: np.ndarray, jammer_position_m: np.ndarray
                        ) -> np.ndarray:
        """Whether each of ``radars`` (r,) sees each jammer at ``jammer_position_m`` (m, 3),
        scenario ENU: boolean (r, m), one line-of-sight ray a pair."""
        count = jammer_position_m.shape[0]
        if count == 0 or radars.size == 0:
            return np.ones((radars.size, count), dtype=bool)
        lat, lon, alt = (np.atleast_1d(v) for v in self.frame.to_geodetic(
            np.asarray(jammer_position_m, dtype=float)))
        seen = line_of_sight_pairs(
            self.terrain, self.antenna_lat_deg[radars][:, None],
            self.antenna_lon_deg[radars][:, None], self.antenna_alt_m[radars][:, None],
            lat[None, :], lon[None, :], alt[None, :])
        return np.ascontiguousarray(seen)

    def clutter_in_view(self, radars: np.ndarray, has_clutter: np.ndarray,
                        target_position_m: np.ndarray) -> np.ndarray:
        """Whether the ground of each target's range cell is in view of each radar: boolean
        (r, n) for ``radars`` (r,) and targets (n, 3), scenario ENU. The cell's ground is
        taken on the target's bearing at its slant range (ground range ~ slant range for a
        ground radar's low grazing angles), looked up in the radar's :class:`GroundView`.
        Rows of radars without clutter (``has_clutter`` False) are all True."""
        seen = np.ones((radars.size, target_position_m.shape[0]), dtype=bool)
        if target_position_m.shape[0] == 0 or not has_clutter.any():
            return seen
        lat, lon, alt = (np.atleast_1d(v) for v in self.frame.to_geodetic(
            np.asarray(target_position_m, dtype=float)))
        for row in has_clutter.nonzero()[0].tolist():
            radar = int(radars[row])
            bearing, ground_m = _bearing_and_distance(
                self.antenna_lat_deg[radar], self.antenna_lon_deg[radar], lat, lon)
            slant_m = np.hypot(ground_m, alt - self.antenna_alt_m[radar])
            seen[row] = self._ground_view(radar).lookup(bearing, slant_m)
        return seen

    def viewshed(self, radar: int, lat_deg, lon_deg, alt_m) -> np.ndarray:
        """:func:`viewshed` of radar ``radar`` out to its instrumented range, for targets
        (degrees, degrees, metres above the datum; broadcast) on a coverage map. Its
        radial sweep is the one of the radar's ground view (:meth:`clutter_in_view`),
        which it keeps, so a map with clutter sweeps each radar once."""
        sweep = _steepest_ground(self.terrain, self.antenna_lat_deg[radar],
                                 self.antenna_lon_deg[radar], self.antenna_alt_m[radar],
                                 self._reach_m(radar), FOUR_THIRDS, None)
        if radar not in self._ground_views:
            self._ground_views[radar] = _ground_view_of_sweep(*sweep[:2])
        return _viewshed_of_sweep(self.terrain, sweep, self.antenna_lat_deg[radar],
                                  self.antenna_lon_deg[radar], self.antenna_alt_m[radar],
                                  lat_deg, lon_deg, alt_m)

    def _reach_m(self, radar: int) -> float:
        return float(self.max_range_m[radar]) if self.max_range_m is not None else 600_000.0

    def _ground_view(self, radar: int) -> GroundView:
        view = self._ground_views.get(radar)
        if view is None:
            view = ground_in_view(self.terrain, self.antenna_lat_deg[radar],
                                  self.antenna_lon_deg[radar], self.antenna_alt_m[radar],
                                  self._reach_m(radar))
            self._ground_views[radar] = view
        return view


def _bearing_and_distance(lat0_deg: float, lon0_deg: float, lat_deg: np.ndarray,
                          lon_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Initial bearing (rad from north) and great-circle distance (m, mean sphere) from
    one point to many (the inverse problem of :func:`_horizon_sweep`'s direct one)."""
    lat0, lat = np.radians(lat0_deg), np.radians(lat_deg)
    delta = np.radians(lon_deg - lon0_deg)
    y = np.cos(lat) * np.sin(delta)
    x = np.cos(lat0) * np.sin(lat) - np.sin(lat0) * np.cos(lat) * np.cos(delta)
    arc = np.arctan2(np.hypot(x, y),
                     np.sin(lat0) * np.sin(lat) + np.cos(lat0) * np.cos(lat) * np.cos(delta))
    return np.arctan2(y, x), arc * EARTH_RADIUS_M


def terrain_mask(scenario: Scenario, sites: Sequence[Any], frame: LocalFrame
                 ) -> TerrainMask | None:
    """The mask of ``scenario``'s DEM for radar ``sites`` (anything with ``lat_deg``,
    ``lon_deg`` and ``alt_m``: :class:`iadsim.sensors.radar.RadarSite`); None without a
    DEM (a smooth earth: the radars' own horizon test is all)."""
    terrain = scenario_terrain(scenario)
    if terrain is None:
        return None
    return TerrainMask(terrain, np.array([site.lat_deg for site in sites], dtype=float),
                       np.array([site.lon_deg for site in sites], dtype=float),
                       np.array([site.alt_m for site in sites], dtype=float), frame,
                       np.array([site.max_range_m for site in sites], dtype=float))


@dataclass(frozen=True)
class TerrainView:
    """The scenario's DEM seen from its ENU frame: line of sight between moving points
    (a seeker and its threat, a director and its target, a radar and a jammer) and the
    ground under them."""

    terrain: Terrain
    frame: LocalFrame

    def visible(self, from_m: np.ndarray, to_m: np.ndarray) -> np.ndarray:
        """Whether the 4/3-earth ray from each ``from_m[i]`` to ``to_m[i]`` (scenario ENU,
        m, (k, 3), broadcast) clears the terrain: boolean (k,)."""
        from_m, to_m = np.broadcast_arrays(np.asarray(from_m, dtype=float).reshape(-1, 3),
                                           np.asarray(to_m, dtype=float).reshape(-1, 3))
        if from_m.shape[0] == 0:
            return np.ones(0, dtype=bool)
        lat_a, lon_a, alt_a = self.frame.to_geodetic(from_m)
        lat_t, lon_t, alt_t = self.frame.to_geodetic(to_m)
        return np.atleast_1d(line_of_sight_pairs(self.terrain, lat_a, lon_a, alt_a, lat_t,
                                                 lon_t, alt_t))

    def ground_m(self, position_m: np.ndarray) -> np.ndarray:
        """The DEM's elevation (m above the datum) under scenario ENU points (k, 3)."""
        lat, lon, _ = self.frame.to_geodetic(np.asarray(position_m, dtype=float).reshape(-1, 3))
        return np.atleast_1d(self.terrain.elevation_at(lat, lon))


def terrain_view(scenario: Scenario, frame: LocalFrame) -> TerrainView | None:
    """The :class:`TerrainView` of ``scenario``'s DEM; None without one."""
    terrain = scenario_terrain(scenario)
    return None if terrain is None else TerrainView(terrain, frame)


#: The built-in ``valley-defense`` scenario's DEM (:func:`winding_valley`): the dam at
#: 39.00 N, 41.00 E, the valley floor, crest and plateau heights (m above the datum).
VALLEY_DAM_LAT_DEG, VALLEY_DAM_LON_DEG = 39.0, 41.0
VALLEY_FLOOR_M, VALLEY_CREST_M, VALLEY_PLATEAU_M = 800.0, 2100.0, 1500.0


def valley_centre_km(east_km: np.ndarray) -> np.ndarray:
    """North offset (km) of :func:`winding_valley`'s centre line at ``east_km`` km east
    of the dam."""
    return 2.5 * np.sin(2.0 * np.pi * east_km / 24.0)


def _smoothstep(value: np.ndarray, low: float, high: float) -> np.ndarray:
    t = np.clip((value - low) / (high - low), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def winding_valley(cell_deg: float = 0.004) -> Terrain:
    """A synthetic DEM: a winding mountain valley (the built-in ``valley-defense``
    scenario's, ``scenario/builtin/terrain/valley.tif``; not a real place).

    In kilometres east (x) and north (y) of the dam at 39.00 N, 41.00 E: a valley floor at
    800 m winding west from the dam along ``y = 2.5 sin(2 pi x / 24)`` (a bend every 12
    km; :func:`valley_centre_km`); walls rising from 1.2 km off the centre line to a crest
    of 2,100 m at 6 km (smoothstep), then falling to a 1,500 m plateau by 20 km; 60 hills
    on the walls and plateau (seed 7; 150-600 m high, 1.5-4 km wide), kept off the floor.
    Grid 38.55-39.45 N, 39.95-41.10 E, north-up, cells of ``cell_deg`` (0.004 degrees:
    about 345 m east, 445 m north); outside it, the floor's height.
    """
    lat = np.arange(39.45, 38.55 - 1e-9, -cell_deg)
    lon = np.arange(39.95, 41.10 + 1e-9, cell_deg)
    metres_per_degree = np.radians(1.0) * EARTH_RADIUS_M
    north_km = (lat - VALLEY_DAM_LAT_DEG) * metres_per_degree / 1e3
    east_km = ((lon - VALLEY_DAM_LON_DEG) * metres_per_degree
               * np.cos(np.radians(VALLEY_DAM_LAT_DEG)) / 1e3)
    east, north = np.meshgrid(east_km, north_km)
    off_centre = np.abs(north - valley_centre_km(east))
    wall = _smoothstep(off_centre, 1.2, 6.0)
    fall = _smoothstep(off_centre, 6.0, 20.0)
    elevation = (VALLEY_FLOOR_M + (VALLEY_CREST_M - VALLEY_FLOOR_M) * wall
                 - (VALLEY_CREST_M - VALLEY_PLATEAU_M) * fall)
    rng = np.random.default_rng(7)
    count = 60
    hill_east = rng.uniform(east_km.min(), east_km.max(), count)
    hill_north = rng.uniform(north_km.min(), north_km.max(), count)
    height = rng.uniform(150.0, 600.0, count)
    width = rng.uniform(1.5, 4.0, count)
    hills = np.zeros_like(elevation)
    for e, n, h, w in zip(hill_east, hill_north, height, width, strict=True):
        hills += h * np.exp(-((east - e) ** 2 + (north - n) ** 2) / (2.0 * w * w))
    elevation += hills * _smoothstep(off_centre, 1.5, 4.0)
    return Terrain(elevation.astype(np.float32).astype(float), first_lat_deg=float(lat[0]),
                   first_lon_deg=float(lon[0]), lat_step_deg=-cell_deg,
                   lon_step_deg=cell_deg, outside_elevation_m=VALLEY_FLOOR_M)
