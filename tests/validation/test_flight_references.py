"""Ballistic flight and intercept geometry against closed forms and brute force."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.effectors.intercept_geometry import closest_approach, intercept_time_s
from iadsim.threats import ballistic

G = ballistic.STANDARD_GRAVITY_MPS2


def parabola_altitude_m(launch_alt_m, up_speed_mps, time_s):
    """h0 + v_up t - g t^2 / 2, the flat-earth altitude after ``time_s``."""
    t = np.asarray(time_s, dtype=float)
    return launch_alt_m + up_speed_mps * t - 0.5 * G * t**2


@pytest.mark.parametrize("angle_deg", [30.0, 45.0, 60.0])
def test_ballistic_apogee_and_flight_time_closed_forms(angle_deg):
    """Flat-earth drag-free projectile (Zarchan, Tactical and Strategic Missile Guidance,
    6th ed., ch. 12): for equal launch and impact altitude, apogee = R tan(g)/4 and flight
    time = 2 v_up / g; the parabola peaks at the apogee and lands at t_f. rtol 1e-9."""
    ground_range = np.array([300e3])
    up_speed, flight_time = ballistic.solve(ground_range, np.zeros(1), np.zeros(1), None,
                                            angle_deg)
    apogee = ground_range[0] * np.tan(np.radians(angle_deg)) / 4
    assert up_speed[0] ** 2 / (2 * G) == pytest.approx(apogee, rel=1e-9)
    assert flight_time[0] == pytest.approx(2 * up_speed[0] / G, rel=1e-9)
    peak = parabola_altitude_m(0.0, up_speed, flight_time / 2)
    assert peak[0] == pytest.approx(apogee, rel=1e-9)
    assert parabola_altitude_m(0.0, up_speed, flight_time)[0] == pytest.approx(0.0, abs=1e-6)
    # Launch speed from the range equation R = v^2 sin(2 g) / g.
    speed = up_speed[0] / np.sin(np.radians(angle_deg))
    assert speed**2 * np.sin(2 * np.radians(angle_deg)) / G == pytest.approx(300e3, rel=1e-9)


def test_ballistic_equal_altitudes_random_closed_forms():
    """Zarchan (6th ed., ch. 12) flat-earth closed forms on 20 random launch angles
    (10-80 deg) x 25 random shots each (range 50-1,000 km, launch = impact altitude
    0-2 km): apogee = R tan(g)/4, t_f = 2 v_up / g, the launch angle atan(v_up / v_x) with
    v_x = R / t_f equals g, the highest of 2,001 samples is the apogee and the altitude
    at t_f is the launch altitude. rtol 1e-9 (the sampled peak: the grid holds t_f / 2)."""
    rng = np.random.default_rng(7)
    for angle_deg in rng.uniform(10.0, 80.0, 20):
        ground_range = rng.uniform(50e3, 1_000e3, 25)
        altitude = rng.uniform(0.0, 2_000.0, 25)
        up_speed, flight_time = ballistic.solve(ground_range, altitude, altitude, None,
                                                float(angle_deg))
        angle = np.radians(angle_deg)
        apogee = ground_range * np.tan(angle) / 4
        np.testing.assert_allclose(up_speed**2 / (2 * G), apogee, rtol=1e-9)
        np.testing.assert_allclose(flight_time, 2 * up_speed / G, rtol=1e-9)
        np.testing.assert_allclose(np.arctan2(up_speed, ground_range / flight_time), angle,
                                   rtol=1e-9)
        times = flight_time[:, None] * np.linspace(0.0, 1.0, 2_001)
        heights = parabola_altitude_m(altitude[:, None], up_speed[:, None], times)
        np.testing.assert_allclose(heights.max(axis=1), altitude + apogee, rtol=1e-9)
        np.testing.assert_allclose(heights[:, -1], altitude, rtol=0, atol=1e-9 * apogee.max())


@pytest.mark.parametrize("apogee_km", [20.0, 80.0, 300.0])
def test_ballistic_with_apogee_peaks_there_and_lands_at_the_impact_altitude(apogee_km):
    """Unequal altitudes (launch 0-3 km, impact 0-3 km, 200 shots): the parabola
    h0 + v t - g t^2 / 2 peaks at h0 + apogee (apogee given above launch), and at the
    returned t_f (the later root, on the way down) equals the impact altitude; rtol 1e-9
    on the peak, atol 1e-9 x apogee on the landing altitude."""
    rng = np.random.default_rng(8)
    launch, impact = rng.uniform(0.0, 3_000.0, (2, 200))
    up_speed, flight_time = ballistic.solve(rng.uniform(50e3, 800e3, 200), launch, impact,
                                            apogee_km, None)
    apogee = apogee_km * 1e3
    peak_time = up_speed / G
    assert (flight_time > peak_time).all()
    np.testing.assert_allclose(parabola_altitude_m(launch, up_speed, peak_time),
                               launch + apogee, rtol=1e-9)
    dense = peak_time[:, None] * np.linspace(0.0, 2.0, 4_001)
    assert (parabola_altitude_m(launch[:, None], up_speed[:, None], dense)
            <= (launch + apogee)[:, None] * (1 + 1e-12)).all()
    np.testing.assert_allclose(parabola_altitude_m(launch, up_speed, flight_time), impact,
                               rtol=0, atol=1e-9 * apogee)


def test_ballistic_angle_with_unequal_altitudes_lands_at_the_impact_altitude():
    """With a launch angle and unequal altitudes, the apogee above launch is still
    R tan(g)/4 (documented same-altitude closed form) and the parabola reaches the impact
    altitude at t_f; rtol 1e-9 on the apogee, atol 1e-6 m on the landing altitude."""
    rng = np.random.default_rng(9)
    ground_range = rng.uniform(100e3, 600e3, 100)
    launch, impact = rng.uniform(0.0, 2_500.0, (2, 100))
    up_speed, flight_time = ballistic.solve(ground_range, launch, impact, None, 40.0)
    np.testing.assert_allclose(up_speed**2 / (2 * G), ground_range * np.tan(np.radians(40)) / 4,
                               rtol=1e-9)
    np.testing.assert_allclose(parabola_altitude_m(launch, up_speed, flight_time), impact,
                               rtol=0, atol=1e-6)


def random_engagements(rng, count):
    """Target positions relative to the launcher (m), velocities (m/s), interceptor speeds
    (m/s) and launch delays (s); target speed between 0.1 and 3 x the interceptor's, kept
    at least 5 % away from equal speed so the brute-force horizon stays finite."""
    direction = rng.normal(size=(count, 3))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    position = direction * rng.uniform(500.0, 150e3, (count, 1))
    speed = rng.uniform(200.0, 2_000.0, count)
    ratio = rng.uniform(0.1, 3.0, count)
    ratio = np.where(np.abs(ratio - 1.0) < 0.05, ratio + 0.1, ratio)
    heading = rng.normal(size=(count, 3))
    heading /= np.linalg.norm(heading, axis=1, keepdims=True)
    # Bias half the fast targets towards the launcher, so that some are catchable.
    heading[::2] -= 1.5 * direction[::2]
    heading /= np.linalg.norm(heading, axis=1, keepdims=True)
    velocity = heading * (ratio * speed)[:, None]
    delay = rng.uniform(0.0, 15.0, count)
    return position, velocity, speed, delay


def brute_force_first_root(position, velocity, speed, delay, samples=50_001):
    """Earliest t >= d with |p + v t| - s (t - d) <= 0 on a dense grid, and the grid step.

    f(t) = |p + v t| - s (t - d) is convex; with u = |v|, every root lies before
    d + (|p| + s d) / |u - s| (bound f from above when u < s, from below when u > s).
    Returns NaN where f > 0 on the whole grid.
    """
    horizon = (np.linalg.norm(position, axis=1) + speed * delay) / np.abs(
        np.linalg.norm(velocity, axis=1) - speed)
    first, step = np.full(len(speed), np.nan), horizon / (samples - 1)
    for row in range(len(speed)):
        grid = delay[row] + np.linspace(0.0, horizon[row], samples)
        gap = (np.linalg.norm(position[row] + velocity[row] * grid[:, None], axis=1)
               - speed[row] * (grid - delay[row]))
        reached = np.flatnonzero(gap <= 0.0)
        if reached.size:
            first[row] = grid[reached[0]]
    return first, step


def test_intercept_time_solves_the_collision_triangle_at_the_earliest_root():
    """The collision triangle (Zarchan, Tactical and Strategic Missile Guidance, 6th ed.,
    ch. 2) on 200 random engagements with launch delays: the returned t satisfies
    |p + v t| = s (t - d) (rtol 1e-9) with t >= d; it is the earliest root (a brute-force
    scan of 50,001 points finds the first sign change within one grid step); NaN exactly
    when the scan finds none (the target outruns the interceptor); and a target slower
    than the interceptor is always caught."""
    rng = np.random.default_rng(10)
    position, velocity, speed, delay = random_engagements(rng, 200)
    t = intercept_time_s(position, velocity, speed, delay)
    solved = ~np.isnan(t)
    slower = np.linalg.norm(velocity, axis=1) < speed
    assert solved[slower].all()
    assert 0 < solved[~slower].sum() < (~slower).sum()  # some fast targets caught, some not
    distance = np.linalg.norm(position + velocity * t[:, None], axis=1)
    np.testing.assert_allclose(distance[solved], (speed * (t - delay))[solved], rtol=1e-9)
    assert (t[solved] >= delay[solved]).all()
    first, step = brute_force_first_root(position, velocity, speed, delay)
    np.testing.assert_array_equal(np.isnan(first), ~solved)
    assert (np.abs(first - t)[solved] <= step[solved] * (1 + 1e-6)).all()


def test_intercept_time_on_hand_solved_cases():
    """Collision triangle cases solvable by hand (Zarchan, 6th ed., ch. 2); rtol 1e-12:
    head-on at equal speed (the linear case, a = 0) meets after 10 km / 600 m/s;
    a receding target at equal speed is never caught; a crossing target at 300 m/s,
    10 km abeam, interceptor 500 m/s: t = 10,000 / sqrt(500^2 - 300^2) = 25 s; the same
    with a 5 s launch delay: 1e8 + 9e4 t^2 = 25e4 (t - 5)^2, i.e. 16 t^2 - 250 t - 9,375
    = 0, t = (250 + sqrt(250^2 + 4 x 16 x 9,375)) / 32 = 33.248 s."""
    p = np.array([[10e3, 0.0, 0.0], [10e3, 0.0, 0.0], [0.0, 10e3, 0.0], [0.0, 10e3, 0.0]])
    v = np.array([[-300.0, 0.0, 0.0], [300.0, 0.0, 0.0], [300.0, 0.0, 0.0], [300.0, 0.0, 0.0]])
    s = np.array([300.0, 300.0, 500.0, 500.0])
    d = np.array([0.0, 0.0, 0.0, 5.0])
    t = intercept_time_s(p, v, s, d)
    delayed = (250.0 + np.sqrt(250.0**2 + 4 * 16 * 9_375)) / 32
    np.testing.assert_allclose(t[[0, 2, 3]], [10e3 / 600, 25.0, delayed], rtol=1e-12)
    assert np.isnan(t[1])


def test_closest_approach_matches_dense_sampling():
    """Closest approach of two straight-line motions over [0, T], against dense sampling
    (1e5 points); atol 1e-3 m on the distance."""
    rng = np.random.default_rng(20261125)
    relative = rng.normal(size=(30, 3)) * 1e3
    velocity = rng.normal(size=(30, 3)) * 300
    t, miss = closest_approach(relative, velocity, 2.0)
    grid = np.linspace(0, 2.0, 100_001)
    distances = np.linalg.norm(relative[:, None, :] + velocity[:, None, :] * grid[None, :, None],
                               axis=2)
    np.testing.assert_allclose(miss, distances.min(axis=1), atol=1e-3)
    np.testing.assert_allclose(t, grid[distances.argmin(axis=1)], atol=1e-4)


def test_closest_approach_at_the_ends_and_without_relative_motion():
    """Dense sampling (1e5 points) again, on cases whose minimum is at t = 0 (opening), at
    t = T (still closing), inside, and with zero relative velocity (distance constant,
    time 0); atol 1e-3 m on the distance and one grid step on the time."""
    relative = np.array([[1e3, 0, 0], [1e3, 0, 0], [1e3, 50.0, 0], [3e3, 4e3, 0]])
    velocity = np.array([[100.0, 0, 0], [-100.0, 0, 0], [-800.0, 0, 0], [0.0, 0, 0]])
    t, miss = closest_approach(relative, velocity, 2.0)
    grid = np.linspace(0, 2.0, 100_001)
    distances = np.linalg.norm(relative[:, None, :] + velocity[:, None, :] * grid[None, :, None],
                               axis=2)
    np.testing.assert_allclose(miss, distances.min(axis=1), atol=1e-3)
    np.testing.assert_allclose(t, [0.0, 2.0, 1.25, 0.0], atol=2e-5)
    np.testing.assert_allclose(miss, [1e3, 800.0, 50.0, 5e3], rtol=1e-12)
