"""Geodesy, measurement conversion, ballistics and intercept geometry against references."""

from __future__ import annotations

import numpy as np
import pymap3d
import pytest

from iadsim.effectors.intercept_geometry import closest_approach, intercept_time_s
from iadsim.sensors.measurements import converted_measurement
from iadsim.threats import ballistic
from iadsim.world.geodesy import LocalFrame, site_rotation

RNG = np.random.default_rng(20261125)


def test_enu_conversion_matches_pymap3d():
    """WGS84 geodetic -> ENU against pymap3d.geodetic2enu; atol 1e-6 m out to ~400 km."""
    frame = LocalFrame(39.93, 32.86, 0.0)
    lat = 39.93 + RNG.uniform(-3, 3, 500)
    lon = 32.86 + RNG.uniform(-4, 4, 500)
    alt = RNG.uniform(0, 30_000, 500)
    expected = np.stack(pymap3d.geodetic2enu(lat, lon, alt, 39.93, 32.86, 0.0), axis=-1)
    np.testing.assert_allclose(frame.to_enu(lat, lon, alt), expected, atol=1e-6)
    back = frame.to_geodetic(frame.to_enu(lat, lon, alt))
    np.testing.assert_allclose(back[0], lat, atol=1e-9)
    np.testing.assert_allclose(back[2], alt, atol=1e-5)


def test_site_rotation_matches_pymap3d_local_frames():
    """A vector between two points, expressed in a site's own ENU frame (pymap3d with the
    site as origin) equals the site rotation applied to the same vector in the scenario
    frame; atol 1e-6 m."""
    frame = LocalFrame(42.0, 35.1, 0.0)
    site = (42.5, 36.4, 30.0)
    points = np.array([[43.2, 35.0, 5_000.0], [41.7, 37.0, 100.0]])
    in_scenario = frame.to_enu(points[:, 0], points[:, 1], points[:, 2])
    site_scenario = frame.to_enu(*site)
    in_site = np.stack(pymap3d.geodetic2enu(points[:, 0], points[:, 1], points[:, 2], *site),
                       axis=-1)
    rotation = site_rotation(site[0], site[1], frame)
    np.testing.assert_allclose((in_scenario - site_scenario) @ rotation.T, in_site, atol=1e-6)


def test_approximate_altitude_is_close_to_wgs84():
    """The osculating-sphere altitude used for envelope checks, against pymap3d's exact
    ellipsoidal height: within 2 m out to 50 km and 60 m out to 300 km."""
    frame = LocalFrame(39.93, 32.86, 0.0)
    for reach_m, tolerance_m in ((50e3, 2.0), (300e3, 60.0)):
        enu = np.column_stack([RNG.uniform(-reach_m, reach_m, (200, 2)) / np.sqrt(2),
                               RNG.uniform(0, 20_000, 200)])
        _, _, exact = pymap3d.enu2geodetic(enu[:, 0], enu[:, 1], enu[:, 2], 39.93, 32.86, 0.0)
        assert np.abs(frame.approximate_altitude_m(enu) - exact).max() < tolerance_m


def test_converted_measurement_position_and_covariance():
    """Position: pymap3d.aer2enu in the radar frame, rotated to the scenario frame
    (atol 1e-6 m). Covariance: the linearized conversion (Bar-Shalom, Li, Kirubarajan
    2001, sec. 10.4.3) against 200,000 Monte Carlo samples; rtol 3 %."""
    frame = LocalFrame(39.9, 32.8, 0.0)
    rotation = site_rotation(40.1, 33.0, frame)
    radar = frame.to_enu(40.1, 33.0, 950.0)
    range_m, azimuth, elevation = 80e3, np.radians(130.0), np.radians(4.0)
    sigmas = (50.0, np.radians(0.2), np.radians(0.3))
    position, covariance = converted_measurement(
        np.array([range_m]), np.array([azimuth]), np.array([elevation]), radar, rotation,
        *sigmas)
    local = np.array(pymap3d.aer2enu(np.degrees(azimuth), np.degrees(elevation), range_m))
    np.testing.assert_allclose(position[0], radar + rotation.T @ local, atol=1e-6)

    noisy = (np.array([range_m, azimuth, elevation])
             + RNG.standard_normal((200_000, 3)) * np.array(sigmas))
    samples, _ = converted_measurement(noisy[:, 0], noisy[:, 1], noisy[:, 2], radar, rotation,
                                       *sigmas)
    empirical = np.cov(samples.T)
    scale = np.sqrt(np.outer(np.diag(empirical), np.diag(empirical)))
    np.testing.assert_allclose(covariance[0] / scale, empirical / scale, atol=0.03)


@pytest.mark.parametrize("angle_deg", [30.0, 45.0, 60.0])
def test_ballistic_apogee_and_flight_time_closed_forms(angle_deg):
    """Flat-earth drag-free projectile (Zarchan, Tactical and Strategic Missile Guidance,
    6th ed., ch. 12): for equal launch and impact altitude, apogee = R tan(g)/4 and flight
    time = 2 v_up / g; the parabola peaks at the apogee and lands at t_f. rtol 1e-9."""
    ground_range = np.array([300e3])
    up_speed, flight_time = ballistic.solve(ground_range, np.zeros(1), np.zeros(1), None,
                                            angle_deg)
    apogee = ground_range[0] * np.tan(np.radians(angle_deg)) / 4
    g = ballistic.STANDARD_GRAVITY_MPS2
    assert up_speed[0] ** 2 / (2 * g) == pytest.approx(apogee, rel=1e-9)
    assert flight_time[0] == pytest.approx(2 * up_speed[0] / g, rel=1e-9)
    peak = ballistic.altitude_m(0.0, up_speed, flight_time / 2)
    assert peak[0] == pytest.approx(apogee, rel=1e-9)
    assert ballistic.altitude_m(0.0, up_speed, flight_time)[0] == pytest.approx(0.0, abs=1e-6)
    # Launch speed from the range equation R = v^2 sin(2 g) / g.
    speed = up_speed[0] / np.sin(np.radians(angle_deg))
    assert speed**2 * np.sin(2 * np.radians(angle_deg)) / g == pytest.approx(300e3, rel=1e-9)


def test_ballistic_with_apogee_lands_at_the_impact_altitude():
    """Unequal altitudes: h0 + v t - g t^2 / 2 = h1 at t_f (closed-form root); atol 1e-6 m."""
    up_speed, flight_time = ballistic.solve(np.array([250e3]), np.array([500.0]),
                                            np.array([900.0]), 80.0, None)
    assert ballistic.altitude_m(500.0, up_speed, flight_time)[0] == pytest.approx(900.0,
                                                                                  abs=1e-6)


def test_intercept_time_solves_the_collision_triangle():
    """|p + v t| = s (t - d) at the returned t (rtol 1e-9), and no earlier root exists
    (brute-force scan at 1 ms); NaN exactly when no root exists at or after launch
    (Zarchan, ch. 2, the collision triangle)."""
    p = RNG.normal(size=(400, 3)) * 20e3
    v = RNG.normal(size=(400, 3)) * 400
    s = RNG.uniform(200, 1500, 400)
    d = RNG.uniform(0, 10, 400)
    t = intercept_time_s(p, v, s, d)
    solved = ~np.isnan(t)
    assert solved.mean() > 0.5
    gap = np.linalg.norm(p + v * t[:, None], axis=1) - s * (t - d)
    np.testing.assert_allclose(gap[solved], 0.0, atol=1e-6 * np.abs(s * t)[solved].max())
    for row in np.flatnonzero(solved)[:50]:
        grid = np.arange(d[row], t[row], 1e-3)
        distance = np.linalg.norm(p[row] + v[row] * grid[:, None], axis=1)
        assert (distance - s[row] * (grid - d[row]) > 0).all()  # not reached any earlier
    for row in np.flatnonzero(~solved)[:50]:
        grid = np.linspace(d[row], d[row] + 3_600, 20_000)
        distance = np.linalg.norm(p[row] + v[row] * grid[:, None], axis=1)
        assert (distance - s[row] * (grid - d[row]) > 0).all()


def test_closest_approach_matches_dense_sampling():
    """Closest approach of two straight-line motions over [0, T], against dense sampling
    (1e5 points); atol 1e-3 m on the distance."""
    relative = RNG.normal(size=(30, 3)) * 1e3
    velocity = RNG.normal(size=(30, 3)) * 300
    t, miss = closest_approach(relative, velocity, 2.0)
    grid = np.linspace(0, 2.0, 100_001)
    distances = np.linalg.norm(relative[:, None, :] + velocity[:, None, :] * grid[None, :, None],
                               axis=2)
    np.testing.assert_allclose(miss, distances.min(axis=1), atol=1e-3)
    np.testing.assert_allclose(t, grid[distances.argmin(axis=1)], atol=1e-4)
