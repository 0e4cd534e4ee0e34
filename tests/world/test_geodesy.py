"""The scenario's local ENU frame: round trips, axes, shapes, and site rotations."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.world.geodesy import LocalFrame, geodetic_to_ecef, site_rotation

FRAME = LocalFrame(39.93, 32.86, 900.0)


def random_points(count: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    lat = 39.93 + rng.uniform(-2.5, 2.5, count)
    lon = 32.86 + rng.uniform(-3.0, 3.0, count)
    alt = rng.uniform(0.0, 30_000.0, count)
    return lat, lon, alt


def test_geodetic_to_enu_and_back_is_the_identity():
    lat, lon, alt = random_points(500)
    copies = lat.copy(), lon.copy(), alt.copy()
    enu = FRAME.to_enu(lat, lon, alt)
    assert enu.shape == (500, 3)
    back_lat, back_lon, back_alt = FRAME.to_geodetic(enu)
    np.testing.assert_allclose(back_lat, lat, atol=1e-9)
    np.testing.assert_allclose(back_lon, lon, atol=1e-9)
    np.testing.assert_allclose(back_alt, alt, atol=1e-5)
    for before, after in zip(copies, (lat, lon, alt), strict=True):
        np.testing.assert_array_equal(before, after)


def test_enu_to_geodetic_and_back_is_the_identity():
    rng = np.random.default_rng(1)
    enu = rng.uniform(-200e3, 200e3, (300, 3))
    enu[:, 2] = rng.uniform(-1_000.0, 30_000.0, 300)
    copy = enu.copy()
    again = FRAME.to_enu(*FRAME.to_geodetic(enu))
    np.testing.assert_allclose(again, enu, atol=1e-5)
    np.testing.assert_array_equal(enu, copy)


def test_the_origin_is_zero_and_the_axes_point_east_north_up():
    np.testing.assert_allclose(FRAME.to_enu(39.93, 32.86, 900.0), [0.0, 0.0, 0.0], atol=1e-6)
    east = FRAME.to_enu(39.93, 32.87, 900.0)
    north = FRAME.to_enu(39.94, 32.86, 900.0)
    up = FRAME.to_enu(39.93, 32.86, 1_900.0)
    assert east[0] > 800.0 and abs(east[1]) < 1.0
    assert north[1] > 1_100.0 and abs(north[0]) < 1e-6
    np.testing.assert_allclose(up, [0.0, 0.0, 1_000.0], atol=1e-6)
    # Earth curvature: a point 100 km away at the origin's height lies below the plane.
    assert FRAME.to_enu(39.93, 34.03, 900.0)[2] == pytest.approx(-100e3**2 / (2 * 6.37e6),
                                                                 rel=0.02)


def test_shapes_broadcast_and_scalars_give_one_point():
    assert FRAME.to_enu(40.0, 33.0, 0.0).shape == (3,)
    assert FRAME.to_enu(np.full((2, 4), 40.0), 33.0, 0.0).shape == (2, 4, 3)
    lat, lon, alt = FRAME.to_geodetic(np.zeros((2, 4, 3)))
    assert lat.shape == lon.shape == alt.shape == (2, 4)


def test_distances_match_ecef_distances():
    lat, lon, alt = random_points(50, seed=2)
    enu = FRAME.to_enu(lat, lon, alt)
    ecef = geodetic_to_ecef(lat, lon, alt)
    np.testing.assert_allclose(np.linalg.norm(enu[1:] - enu[:-1], axis=1),
                               np.linalg.norm(ecef[1:] - ecef[:-1], axis=1), rtol=1e-12)


def test_approximate_altitude_is_within_fifty_metres_near_the_origin():
    lat, lon, alt = random_points(300, seed=3)
    enu = FRAME.to_enu(lat, lon, alt)
    near = np.linalg.norm(enu[:, :2], axis=1) < 300e3
    assert near.sum() > 200
    np.testing.assert_allclose(FRAME.approximate_altitude_m(enu[near]), alt[near], atol=50.0)


def test_site_rotation_is_orthonormal_and_the_identity_at_the_origin():
    np.testing.assert_allclose(site_rotation(39.93, 32.86, FRAME), np.eye(3), atol=1e-12)
    rotation = site_rotation(41.0, 34.5, FRAME)
    np.testing.assert_allclose(rotation @ rotation.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(rotation) == pytest.approx(1.0)
    # The site's own up is the direction from the site to a point straight above it.
    site = FRAME.to_enu(41.0, 34.5, 0.0)
    above = FRAME.to_enu(41.0, 34.5, 10_000.0)
    np.testing.assert_allclose(rotation @ (above - site), [0.0, 0.0, 10_000.0], atol=1e-6)


def test_frames_compare_by_their_origin():
    assert LocalFrame(39.93, 32.86, 900.0) == FRAME
    assert LocalFrame(39.93, 32.86, 0.0) != FRAME
