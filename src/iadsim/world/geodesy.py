"""WGS84 geodetic coordinates and the scenario's local East-North-Up frame.

The scenario frame is ENU centred on the scenario origin (on the ellipsoid below it).
Geodesy is delegated to pymap3d; this module adds the rotation between two local ENU
frames, which the sensors need to express a radar's own azimuth/elevation.
Inputs are never modified.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pymap3d
from numba import njit

WGS84_SEMI_MAJOR_M = 6_378_137.0
WGS84_FLATTENING = 1 / 298.257223563
WGS84_ECCENTRICITY2 = WGS84_FLATTENING * (2 - WGS84_FLATTENING)


def geodetic_to_ecef(lat_deg, lon_deg, alt_m) -> np.ndarray:
    """WGS84 geodetic (deg, deg, m) to ECEF metres, shape ``(..., 3)``.

    The closed form (e.g. pymap3d ``geodetic2ecef``), written out because pymap3d's
    per-call overhead dominates the simulation's small per-step batches; the validation
    suite checks it against pymap3d.
    """
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    alt = np.asarray(alt_m, dtype=float)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    normal = WGS84_SEMI_MAJOR_M / np.sqrt(1.0 - WGS84_ECCENTRICITY2 * sin_lat * sin_lat)
    radial = (normal + alt) * cos_lat
    # The step loop converts arrays of one shape: skip broadcast_shapes' cost then.
    shape = (lat.shape if lat.shape == lon.shape == alt.shape
             else np.broadcast_shapes(lat.shape, lon.shape, alt.shape))
    ecef = np.empty((*shape, 3))
    ecef[..., 0] = radial * np.cos(lon)
    ecef[..., 1] = radial * np.sin(lon)
    ecef[..., 2] = (normal * (1.0 - WGS84_ECCENTRICITY2) + alt) * sin_lat
    return ecef


@njit(cache=True)
def geodetic_to_ecef_point(lat_deg: float, lon_deg: float, alt_m: float
                           ) -> tuple[float, float, float]:
    """:func:`geodetic_to_ecef` of one point, for compiled callers: operation by operation
    the same arithmetic (``np.radians`` is a multiplication by pi / 180; NumPy's and the
    compiled sine, cosine and square root agree bit for bit on this platform, which
    tests/world/test_geodesy_kernels.py checks), so the same bits."""
    lat = lat_deg * (np.pi / 180.0)
    lon = lon_deg * (np.pi / 180.0)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    normal = WGS84_SEMI_MAJOR_M / np.sqrt(1.0 - WGS84_ECCENTRICITY2 * sin_lat * sin_lat)
    radial = (normal + alt_m) * cos_lat
    return (radial * np.cos(lon), radial * np.sin(lon),
            (normal * (1.0 - WGS84_ECCENTRICITY2) + alt_m) * sin_lat)


def _gaussian_radius_m(lat_deg: float) -> float:
    """Gaussian mean radius of curvature of WGS84 at ``lat_deg``, sqrt(M N) (metres)."""
    w2 = 1.0 - WGS84_ECCENTRICITY2 * np.sin(np.radians(lat_deg)) ** 2
    meridian = WGS84_SEMI_MAJOR_M * (1 - WGS84_ECCENTRICITY2) / w2**1.5
    normal = WGS84_SEMI_MAJOR_M / np.sqrt(w2)
    return float(np.sqrt(meridian * normal))


@dataclass(frozen=True)
class LocalFrame:
    """The scenario's ENU frame: its origin on the WGS84 ellipsoid (degrees, metres)."""

    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0
    _origin_ecef_m: np.ndarray = field(init=False, repr=False, compare=False)
    _ecef_to_enu: np.ndarray = field(init=False, repr=False, compare=False)
    _gaussian_radius_m: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_origin_ecef_m",
                           geodetic_to_ecef(self.lat_deg, self.lon_deg, self.alt_m))
        object.__setattr__(self, "_ecef_to_enu", ecef_to_enu_rotation(self.lat_deg, self.lon_deg))
        object.__setattr__(self, "_gaussian_radius_m", _gaussian_radius_m(self.lat_deg))

    def to_enu(self, lat_deg, lon_deg, alt_m) -> np.ndarray:
        """Geodetic (deg, deg, m above ellipsoid) to ENU metres, shape ``(..., 3)``.

        Agrees with pymap3d ``geodetic2enu`` to well under a millimetre.
        """
        offset = geodetic_to_ecef(lat_deg, lon_deg, alt_m) - self._origin_ecef_m
        return offset @ self._ecef_to_enu.T

    @property
    def origin_ecef_m(self) -> np.ndarray:
        """The origin in ECEF metres (3,) (read only: do not modify)."""
        return self._origin_ecef_m

    @property
    def ecef_to_enu_rotation(self) -> np.ndarray:
        """The rotation (3, 3) from ECEF to this frame's ENU axes (read only: do not
        modify); :meth:`rotate_to_enu` multiplies by its transpose."""
        return self._ecef_to_enu

    def rotate_to_enu(self, offset_ecef_m: np.ndarray) -> np.ndarray:
        """ECEF offsets from the origin (k, 3) to ENU metres (k, 3): the last step of
        :meth:`to_enu` (the same matrix product, so the same bits)."""
        return offset_ecef_m @ self._ecef_to_enu.T

    def gaussian_radius_m(self) -> float:
        """Gaussian mean radius of curvature of WGS84 at the origin, sqrt(M N) (metres);
        computed once, with the frame (the battle manager asks for it every cycle)."""
        return self._gaussian_radius_m

    def approximate_altitude_m(self, enu_m: np.ndarray) -> np.ndarray:
        """Height above the ellipsoid (m) of ENU points, on the osculating sphere.

        A fast stand-in for :meth:`to_geodetic` where a few tens of metres do not matter
        (envelope checks): within 300 km of the origin it agrees with WGS84 to ~50 m.
        """
        enu_m = np.asarray(enu_m, dtype=float)
        radius = self.gaussian_radius_m()
        return np.sqrt(enu_m[..., 0] ** 2 + enu_m[..., 1] ** 2
                       + (enu_m[..., 2] + self.alt_m + radius) ** 2) - radius

    def to_geodetic(self, enu_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """ENU metres ``(..., 3)`` to geodetic (lat deg, lon deg, alt m above ellipsoid)."""
        enu_m = np.asarray(enu_m, dtype=float)
        lat, lon, alt = pymap3d.enu2geodetic(enu_m[..., 0].copy(), enu_m[..., 1].copy(),
                                             enu_m[..., 2].copy(), self.lat_deg, self.lon_deg,
                                             self.alt_m)
        return np.asarray(lat), np.asarray(lon), np.asarray(alt)


def ecef_to_enu_rotation(lat_deg: float, lon_deg: float) -> np.ndarray:
    """Rotation matrix (3, 3) taking ECEF vectors to the ENU frame at (lat, lon).

    Source: standard ENU definition (e.g. pymap3d ``ecef2enuv``); rows are the E, N, U axes.
    """
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    sin_lat, cos_lat, sin_lon, cos_lon = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
    return np.array([
        [-sin_lon, cos_lon, 0.0],
        [-sin_lat * cos_lon, -sin_lat * sin_lon, cos_lat],
        [cos_lat * cos_lon, cos_lat * sin_lon, sin_lat],
    ])


def site_rotation(site_lat_deg: float, site_lon_deg: float, frame: LocalFrame) -> np.ndarray:
    """Rotation (3, 3) taking vectors in the scenario ENU frame to a site's own ENU frame."""
    return ecef_to_enu_rotation(site_lat_deg, site_lon_deg) @ ecef_to_enu_rotation(
        frame.lat_deg, frame.lon_deg).T
