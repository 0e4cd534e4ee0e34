"""WGS84 geodesy and local-frame rotations against pymap3d, the field's peer library.

pymap3d is a core dependency, so these tests do not skip. pymap3d's functions are given
copies of the arrays (its ``enu2aer`` family edits its arguments in place).
"""

from __future__ import annotations

import numpy as np
import pymap3d
import pytest

from iadsim.world.geodesy import LocalFrame, geodetic_to_ecef, site_rotation

#: Scenario origins (lat deg, lon deg, alt m): mid-latitude, southern, equatorial on the
#: antimeridian, high-latitude, and one above the ellipsoid.
ORIGINS = [(39.93, 32.86, 0.0), (-33.9, 151.2, 45.0), (0.5, 179.5, 0.0), (68.0, -150.0, 300.0),
           (25.0, 55.0, 1_500.0)]


def points_around(origin, count, rng, spread_deg=3.0):
    """Geodetic points within ``spread_deg`` of an origin, from 100 m below the ellipsoid
    to 40 km above it (deg, deg, m)."""
    lat = np.clip(origin[0] + rng.uniform(-spread_deg, spread_deg, count), -89.9, 89.9)
    lon = origin[1] + rng.uniform(-spread_deg, spread_deg, count)
    return lat, lon, rng.uniform(-100.0, 40_000.0, count)


def pymap3d_enu(lat, lon, alt, origin):
    """ENU (m) of geodetic points, shape (n, 3), by pymap3d.geodetic2enu."""
    lat, lon, alt = (np.array(values, dtype=float) for values in (lat, lon, alt))  # copies
    return np.stack(pymap3d.geodetic2enu(lat, lon, alt, *origin), axis=-1)


def test_geodetic_to_ecef_matches_pymap3d():
    """The closed form of geodetic_to_ecef (WGS84) against pymap3d.geodetic2ecef, from pole
    to pole and -500 m to 1,000 km height; atol 1e-6 m."""
    rng = np.random.default_rng(1)
    lat = np.concatenate([rng.uniform(-90.0, 90.0, 2_000), [-90.0, 0.0, 90.0]])
    lon = np.concatenate([rng.uniform(-180.0, 180.0, 2_000), [0.0, 180.0, -45.0]])
    alt = np.concatenate([rng.uniform(-500.0, 1e6, 2_000), [0.0, 0.0, 10.0]])
    expected = np.stack(pymap3d.geodetic2ecef(lat.copy(), lon.copy(), alt.copy()), axis=-1)
    np.testing.assert_allclose(geodetic_to_ecef(lat, lon, alt), expected, rtol=0, atol=1e-6)


@pytest.mark.parametrize("origin", ORIGINS)
def test_enu_conversion_matches_pymap3d(origin):
    """WGS84 geodetic -> scenario ENU against pymap3d.geodetic2enu out to ~330 km and
    40 km height, for several origins (one above the ellipsoid); atol 1e-6 m."""
    rng = np.random.default_rng(2)
    lat, lon, alt = points_around(origin, 500, rng)
    frame = LocalFrame(*origin)
    np.testing.assert_allclose(frame.to_enu(lat, lon, alt), pymap3d_enu(lat, lon, alt, origin),
                               rtol=0, atol=1e-6)


@pytest.mark.parametrize("origin", ORIGINS)
def test_enu_geodetic_round_trips_within_a_micrometre(origin):
    """to_geodetic (pymap3d.enu2geodetic) then to_enu returns the ENU point, and to_enu then
    to_geodetic returns the geodetic point; both measured in metres (the geodetic
    round trip is compared in ENU); atol 1e-6 m, out to 300 km and 40 km height."""
    rng = np.random.default_rng(3)
    frame = LocalFrame(*origin)
    enu = np.column_stack([rng.uniform(-300e3, 300e3, (500, 2)),
                           rng.uniform(-1_000.0, 40_000.0, 500)])
    np.testing.assert_allclose(frame.to_enu(*frame.to_geodetic(enu)), enu, rtol=0, atol=1e-6)
    lat, lon, alt = points_around(origin, 500, rng)
    back = frame.to_geodetic(frame.to_enu(lat, lon, alt))
    np.testing.assert_allclose(pymap3d_enu(*back, origin), pymap3d_enu(lat, lon, alt, origin),
                               rtol=0, atol=1e-6)
    np.testing.assert_allclose(back[2], alt, rtol=0, atol=1e-6)


@pytest.mark.parametrize("origin", ORIGINS)
def test_site_rotation_matches_pymap3d_local_frames(origin):
    """A vector between two points has ENU components in the scenario frame and in a
    site's own ENU frame, both computed by pymap3d.geodetic2enu; site_rotation maps the
    first to the second. Ten random sites within 3 deg of the origin, 200 targets within
    3 deg of each site (vectors up to ~470 km); atol 1e-6 m. The rotation is orthonormal
    with determinant 1 (atol 1e-12)."""
    rng = np.random.default_rng(4)
    for _ in range(10):
        site = tuple(float(values[0]) for values in points_around(origin, 1, rng))
        lat, lon, alt = points_around(site, 200, rng)
        in_scenario = pymap3d_enu(lat, lon, alt, origin) - pymap3d_enu(*site, origin)
        in_site = pymap3d_enu(lat, lon, alt, site)
        rotation = site_rotation(site[0], site[1], LocalFrame(*origin))
        np.testing.assert_allclose(in_scenario @ rotation.T, in_site, rtol=0, atol=1e-6)
        np.testing.assert_allclose(rotation @ rotation.T, np.eye(3), rtol=0, atol=1e-12)
        assert np.linalg.det(rotation) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("origin_lat_deg", [0.0, 20.0, 39.93, 60.0, 80.0, -45.0])
@pytest.mark.parametrize("origin_alt_m", [0.0, 1_500.0])
def test_approximate_altitude_is_close_to_wgs84(origin_lat_deg, origin_alt_m):
    """The osculating-sphere altitude (Gaussian radius sqrt(M N)) used for envelope checks,
    against pymap3d's exact ellipsoidal height (enu2geodetic), for points in every
    direction up to 40 km high: within 2 m out to 50 km and 60 m out to 300 km.
    (Observed worst: 0.7 m and 24 m, at the equator.)"""
    frame = LocalFrame(origin_lat_deg, 32.86, origin_alt_m)
    rng = np.random.default_rng(5)
    for reach_m, tolerance_m in ((50e3, 2.0), (300e3, 60.0)):
        bearing = np.concatenate([np.arange(16) * np.pi / 8, rng.uniform(0, 2 * np.pi, 984)])
        distance = np.concatenate([np.full(16, reach_m),
                                   reach_m * np.sqrt(rng.uniform(0, 1, 984))])
        enu = np.column_stack([distance * np.sin(bearing), distance * np.cos(bearing),
                               rng.uniform(-500.0, 40_000.0, 1_000)])
        _, _, exact = pymap3d.enu2geodetic(enu[:, 0].copy(), enu[:, 1].copy(), enu[:, 2].copy(),
                                           origin_lat_deg, 32.86, origin_alt_m)
        error = np.abs(frame.approximate_altitude_m(enu) - exact)
        assert error.max() < tolerance_m, (reach_m, error.max())
