"""The ground under a flying body, for compiled kernels: where a round's path goes below the
DEM (or below the smooth earth without one), and the line of sight between two points of
the scenario's ENU frame.

A kernel works in the scenario's ENU frame; the ground is known in geodetic coordinates.
:class:`GroundModel` packs what a kernel needs into two arrays (:meth:`GroundModel.arrays`):
the DEM's elevations (a 1 x 1 grid without a DEM) and a vector of scalars (the frame's
origin and rotation, the DEM's grid, the flat ground, the highest ground, the spacing of
the samples). :func:`enu_to_geodetic` converts a point exactly (ENU to ECEF, then ECEF to
geodetic by Bowring's formula with one iteration, within a millimetre of pymap3d below
100 km of height), :func:`clearance_m` gives a point's height above the ground under it
(the DEM's bilinear elevation, or the flat ground ``origin.ground_elevation_m`` above the
WGS84 ellipsoid: the smooth earth the scenario has without a DEM), and
:func:`first_below_ground` finds where a straight segment first goes below the ground,
sampled every ``spacing_m`` (the DEM's cell) and interpolated linearly between the last
sample above and the first below.

The exact conversion costs some 100 ns; a kernel calls it only near the ground:
:func:`near_ground` bounds the height on the osculating sphere of the frame (what the
flight model uses), which differs from the ellipsoidal height by under ``3e-10 d^2`` at a
horizontal distance ``d`` from the origin (2.6 m at 100 km on the equator), plus a
margin.

Sources: B. R. Bowring, Transformation from spatial to geographical coordinates, Survey
Review 23 (181), 1976, 323-327; the ENU rotation as
:func:`iadsim.world.geodesy.ecef_to_enu_rotation`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from iadsim.world.earth import FOUR_THIRDS, effective_earth_radius_m
from iadsim.world.geodesy import (
    WGS84_ECCENTRICITY2,
    WGS84_FLATTENING,
    WGS84_SEMI_MAJOR_M,
    LocalFrame,
    ecef_to_enu_rotation,
    geodetic_to_ecef,
)
from iadsim.world.terrain import Terrain, clear_path, sample_elevation

# Columns of the scalar vector of :meth:`GroundModel.arrays`.
(FLAT_GROUND, HIGHEST_GROUND, SPACING, HAS_DEM, IMPACTS, LOS_RADIUS, LOS_SPACING,
 SPHERE_RADIUS, ORIGIN) = range(9)
ROTATION = ORIGIN + 3  # 9 values, row-major: ECEF to ENU (rows E, N, U)
GRID = ROTATION + 9  # 5 values: first lat, first lon, lat step, lon step, outside
#: The least clearance (m) midcourse guidance keeps above the ground under the round's path
#: ahead (0: none; :mod:`iadsim.effectors.midcourse_clearance`).
MIDCOURSE_CLEARANCE = GRID + 5
GROUND_COLUMNS = MIDCOURSE_CLEARANCE + 1
#: Added to the highest ground before the exact test (m): the sphere-ellipsoid bound's
#: constant part, the sagitta of a sub-step's chord and round-off.
NEAR_GROUND_MARGIN_M = 10.0
#: A round is in the ground when it is more than this below the ground's surface (m): the
#: DEM's heights are no better than metres, and a round leaving a launcher at ground level
#: must not end at once from a millimetre of round-off or of gravity's first sag.
GROUND_TOLERANCE_M = 1.0
#: Bound on the osculating sphere's height error per squared metre of horizontal
#: distance from the origin (1/m): twice the worst seen (equator, 2.65e-10).
SPHERE_ERROR_PER_M2 = 6e-10

_SEMI_MINOR_M = WGS84_SEMI_MAJOR_M * (1.0 - WGS84_FLATTENING)
_SECOND_ECCENTRICITY2 = WGS84_ECCENTRICITY2 / (1.0 - WGS84_ECCENTRICITY2)


@dataclass(frozen=True)
class GroundModel:
    """The ground of a scenario seen from its ENU frame, for the flyout kernel.

    ``terrain``: the DEM, or None (the smooth earth at ``flat_ground_m``, m above the
    WGS84 ellipsoid). ``sphere_radius_m``: radius of the frame's osculating sphere (the
    flight model's). ``impacts``: whether bodies end in the ground (False: only the
    DEM's line of sight is used). Line of sight (seekers) over the DEM uses the 4/3
    earth, sampled every DEM cell, as :func:`iadsim.world.terrain.line_of_sight`.
    ``midcourse_clearance_m``: the least clearance midcourse guidance keeps above this
    ground under the round's path ahead (0: none; used only when ``impacts``).
    """

    frame: LocalFrame
    flat_ground_m: float
    sphere_radius_m: float
    terrain: Terrain | None = None
    impacts: bool = True
    midcourse_clearance_m: float = 0.0

    def lift_m(self, position_m: np.ndarray) -> float:
        """How far the DEM's ground under an ENU point (3,) is above the flat ground (m;
        0 without a DEM): what a site placed over the flat ground is raised by."""
        if self.terrain is None or not self.impacts:
            return 0.0
        lat, lon, _ = self.frame.to_geodetic(np.asarray(position_m, dtype=float))
        return float(self.terrain.elevation_at(lat, lon)) - self.flat_ground_m

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(elevation (rows, columns), scalars (GROUND_COLUMNS,)) for the kernels."""
        scalars = np.zeros(GROUND_COLUMNS)
        scalars[FLAT_GROUND] = self.flat_ground_m
        scalars[IMPACTS] = float(self.impacts)
        scalars[MIDCOURSE_CLEARANCE] = self.midcourse_clearance_m if self.impacts else 0.0
        scalars[SPHERE_RADIUS] = self.sphere_radius_m
        scalars[ORIGIN : ORIGIN + 3] = geodetic_to_ecef(self.frame.lat_deg, self.frame.lon_deg,
                                                        self.frame.alt_m)
        scalars[ROTATION : ROTATION + 9] = ecef_to_enu_rotation(self.frame.lat_deg,
                                                                self.frame.lon_deg).ravel()
        scalars[LOS_RADIUS] = effective_earth_radius_m(FOUR_THIRDS)
        if self.terrain is None:
            scalars[HIGHEST_GROUND] = self.flat_ground_m
            scalars[SPACING] = np.inf  # the smooth earth: one sample per segment, its end
            scalars[GRID : GRID + 5] = (0.0, 0.0, 1.0, 1.0, self.flat_ground_m)
            return np.full((1, 1), self.flat_ground_m), scalars
        terrain = self.terrain
        scalars[HAS_DEM] = 1.0
        scalars[HIGHEST_GROUND] = max(float(terrain.elevation_m.max()),
                                      terrain.outside_elevation_m)
        scalars[SPACING] = terrain.cell_size_m
        scalars[LOS_SPACING] = terrain.cell_size_m
        scalars[GRID : GRID + 5] = terrain.kernel_grid()
        return np.ascontiguousarray(terrain.elevation_m, dtype=float), scalars


@njit(cache=True, error_model="numpy")
def enu_to_geodetic(east_m: float, north_m: float, up_m: float,
                    scalars: np.ndarray) -> tuple[float, float, float]:
    """Latitude, longitude (deg) and height above the WGS84 ellipsoid (m) of an ENU point
    (Bowring's formula, one iteration)."""
    rotation = scalars[ROTATION : ROTATION + 9]
    x = scalars[ORIGIN] + rotation[0] * east_m + rotation[3] * north_m + rotation[6] * up_m
    y = scalars[ORIGIN + 1] + rotation[1] * east_m + rotation[4] * north_m + rotation[7] * up_m
    z = scalars[ORIGIN + 2] + rotation[2] * east_m + rotation[5] * north_m + rotation[8] * up_m
    p = np.sqrt(x * x + y * y)
    theta = np.arctan2(z * WGS84_SEMI_MAJOR_M, p * _SEMI_MINOR_M)
    sin_theta, cos_theta = np.sin(theta), np.cos(theta)
    lat = np.arctan2(z + _SECOND_ECCENTRICITY2 * _SEMI_MINOR_M * sin_theta ** 3,
                     p - WGS84_ECCENTRICITY2 * WGS84_SEMI_MAJOR_M * cos_theta ** 3)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    height = (p * cos_lat + z * sin_lat
              - WGS84_SEMI_MAJOR_M * np.sqrt(1.0 - WGS84_ECCENTRICITY2 * sin_lat * sin_lat))
    degree = np.pi / 180.0
    return lat / degree, np.arctan2(y, x) / degree, height


@njit(cache=True, error_model="numpy")
def clearance_m(east_m: float, north_m: float, up_m: float, elevation: np.ndarray,
                scalars: np.ndarray) -> float:
    """Height (m) of an ENU point above the ground under it (negative: below it)."""
    lat, lon, height = enu_to_geodetic(east_m, north_m, up_m, scalars)
    if scalars[HAS_DEM] == 0.0:
        return height - scalars[FLAT_GROUND]
    return height - sample_elevation(elevation, scalars[GRID : GRID + 5], lat, lon)


@njit(cache=True, error_model="numpy")
def _height_bound(east_m: float, north_m: float, up_m: float, scalars: np.ndarray) -> float:
    """A lower bound (m) of how far an ENU point is above the highest ground (negative:
    it may be lower), from its height on the osculating sphere."""
    radius = scalars[SPHERE_RADIUS]
    horizontal2 = east_m * east_m + north_m * north_m
    height = np.sqrt(horizontal2 + (up_m + radius) ** 2) - radius
    return height - (scalars[HIGHEST_GROUND] + NEAR_GROUND_MARGIN_M
                     + SPHERE_ERROR_PER_M2 * horizontal2)


@njit(cache=True, error_model="numpy")
def may_be_within_m(east_m: float, north_m: float, up_m: float, margin_m: float,
                    scalars: np.ndarray) -> bool:
    """Whether an ENU point may be within ``margin_m`` (m) above the highest ground (cheap,
    as :func:`near_ground`, with a margin of the caller's on top of its own)."""
    return _height_bound(east_m, north_m, up_m, scalars) < margin_m


@njit(cache=True, error_model="numpy")
def near_ground(east_m: float, north_m: float, up_m: float, scalars: np.ndarray) -> bool:
    """Whether an ENU point may be within the margin of the highest ground (cheap: its
    height on the osculating sphere against a bound of that height's error)."""
    return _height_bound(east_m, north_m, up_m, scalars) < 0.0


@njit(cache=True, error_model="numpy")
def first_below_ground(start: np.ndarray, end: np.ndarray, elevation: np.ndarray,
                       scalars: np.ndarray) -> float:
    """The fraction (0-1) of the segment from ``start`` to ``end`` (ENU, m, (3,)) at which
    it first goes below the ground (by more than :data:`GROUND_TOLERANCE_M`), or 2.0 when
    it stays above. Samples every
    ``spacing`` of length (the end always; the start is taken as above the ground, as
    the caller tested it), linear between the last sample above and the first below."""
    if not (near_ground(start[0], start[1], start[2], scalars)
            or near_ground(end[0], end[1], end[2], scalars)):
        return 2.0
    dx, dy, dz = end[0] - start[0], end[1] - start[1], end[2] - start[2]
    length = np.sqrt(dx * dx + dy * dy + dz * dz)
    samples = 1
    if scalars[HAS_DEM] != 0.0 and length > scalars[SPACING]:
        samples = int(np.ceil(length / scalars[SPACING]))
    previous = -1.0  # the start's clearance, computed only when needed
    for index in range(1, samples + 1):
        share = index / samples
        here = clearance_m(start[0] + dx * share, start[1] + dy * share,
                           start[2] + dz * share, elevation, scalars) + GROUND_TOLERANCE_M
        if here < 0.0:
            if index == 1:
                previous = (clearance_m(start[0], start[1], start[2], elevation, scalars)
                            + GROUND_TOLERANCE_M)
            if previous <= 0.0:
                return (index - 1) / samples
            return (index - 1 + previous / (previous - here)) / samples
        previous = here
    return 2.0


@njit(cache=True, error_model="numpy")
def in_view(from_east: float, from_north: float, from_up: float, to_east: float,
            to_north: float, to_up: float, elevation: np.ndarray,
            scalars: np.ndarray) -> bool:
    """Whether the 4/3-earth ray between two ENU points clears the DEM (True without a
    DEM): :func:`iadsim.world.terrain.line_of_sight`'s test, from the first point."""
    if scalars[HAS_DEM] == 0.0:
        return True
    # Cheap first: both ends so high above the highest ground that the straight ray, which
    # sags at most L^2 / (8 R) below them over the effective earth, cannot reach it.
    length2 = ((to_east - from_east) ** 2 + (to_north - from_north) ** 2
               + (to_up - from_up) ** 2)
    sag = length2 / (8.0 * scalars[LOS_RADIUS])
    if (_height_bound(from_east, from_north, from_up, scalars) > sag
            and _height_bound(to_east, to_north, to_up, scalars) > sag):
        return True
    lat_a, lon_a, alt_a = enu_to_geodetic(from_east, from_north, from_up, scalars)
    lat_t, lon_t, alt_t = enu_to_geodetic(to_east, to_north, to_up, scalars)
    return clear_path(elevation, scalars[GRID : GRID + 5], lat_a, lon_a, alt_a, lat_t, lon_t,
                      alt_t, scalars[LOS_RADIUS], scalars[LOS_SPACING])
