"""The battle manager's per-cycle shortcuts give exactly what the NumPy forms they replace
gave: window overlaps, kinematic classes, stacked samples, the later samples of the
engagement windows and their bounds, the ballistic impact time on the sphere."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.engageability import (
    Engageability,
    _later_feasible,
    _repeat,
    _window_bounds,
    battery_envelopes,
    engageability,
    engagement_windows,
    row_engagement_windows,
)
from iadsim.c2.impact_prediction import _sphere_impact_time
from iadsim.c2.threat_evaluation import (
    AIRCRAFT_MIN_HEIGHT_M,
    BALLISTIC_MIN_SPEED_MPS,
    BALLISTIC_MIN_VERTICAL_SPEED_MPS,
    DRONE_MAX_SPEED_MPS,
    PICTURE_CLASS_MIN_CONFIDENCE,
    classify,
    picture_threat_class,
    picture_threat_class_at,
)
from iadsim.c2.wta_dynamic import window_overlaps
from iadsim.engine.simulation import Simulation
from iadsim.scenario.loader import load_scenario
from iadsim.tracking.tracker import TrackPicture
from iadsim.world.geodesy import LocalFrame


def sorted_search_overlaps(reachable, first_s, last_s):
    """The form used up to 2026-12-01: a sort and two binary searches per battery."""
    overlap = np.zeros(reachable.shape)
    for battery in range(reachable.shape[0]):
        rows = reachable[battery]
        first, last = first_s[battery, rows], last_s[battery, rows]
        starts, ends = np.sort(first), np.sort(last)
        overlap[battery, rows] = (np.searchsorted(starts, last, side="right")
                                  - np.searchsorted(ends, first, side="left"))
    return overlap


@pytest.mark.parametrize("seed", range(20))
def test_window_overlaps_are_the_sorted_search_counts(seed):
    rng = np.random.default_rng(seed)
    batteries, tracks = rng.integers(1, 12), rng.integers(0, 40)
    # Windows on a coarse grid, so that ends meet starts exactly (ties count).
    first = rng.integers(0, 10, (batteries, tracks)) * 30.0
    last = first + rng.integers(0, 5, (batteries, tracks)) * 30.0
    never = rng.random((batteries, tracks)) < 0.3
    first[never], last[never] = np.inf, -np.inf
    reachable = np.isfinite(first) & (rng.random((batteries, tracks)) < 0.8)
    expected = sorted_search_overlaps(reachable, first, last)
    assert np.array_equal(window_overlaps(reachable, first, last), expected)


def test_window_overlaps_count_only_windows_that_meet():
    first = np.array([[0.0, 10.0, 20.0, 5.0]])
    last = np.array([[10.0, 15.0, 30.0, 6.0]])
    reachable = np.array([[True, True, True, False]])
    # Track 0 meets itself and track 1 (touching at 10 s); track 2 meets only itself;
    # track 3 is out of reach.
    assert window_overlaps(reachable, first, last).tolist() == [[2.0, 2.0, 1.0, 0.0]]


def test_classify_is_the_select_of_the_rules():
    rng = np.random.default_rng(1)
    velocity = rng.normal(0.0, 400.0, (5000, 3))
    height = rng.uniform(0.0, 3000.0, 5000)
    edges = np.array([[BALLISTIC_MIN_SPEED_MPS, 0, 0], [0, 0, BALLISTIC_MIN_VERTICAL_SPEED_MPS],
                      [DRONE_MAX_SPEED_MPS, 0, 0], [150.0, 0, 0]])
    velocity = np.concatenate([velocity, edges])
    height = np.concatenate([height, [0.0, 0.0, 0.0, AIRCRAFT_MIN_HEIGHT_M]])
    speed = np.linalg.norm(velocity, axis=-1)
    ballistic = ((speed >= BALLISTIC_MIN_SPEED_MPS)
                 | (np.abs(velocity[:, 2]) >= BALLISTIC_MIN_VERTICAL_SPEED_MPS))
    expected = np.select([ballistic, speed < DRONE_MAX_SPEED_MPS,
                          height >= AIRCRAFT_MIN_HEIGHT_M], [0, 3, 1], default=2)
    classes = classify(velocity, height)
    assert classes.dtype == expected.dtype and np.array_equal(classes, expected)
    assert classes[-4:].tolist() == [0, 0, 2, 1]


@pytest.mark.parametrize("shape", [(7,), (7, 3), (1, 3)])
def test_repeat_is_tile_along_the_first_axis(shape):
    rows = np.arange(np.prod(shape), dtype=float).reshape(shape)
    tiled = np.tile(rows, 4) if rows.ndim == 1 else np.tile(rows, (4, 1))
    assert np.array_equal(_repeat(rows, 4), tiled)


def sphere_impact_time_arrays(position, velocity, acceleration, time, ground_up_m,
                              earth_radius_m, origin_altitude_m, iterations=6):
    """The array form used up to 2026-12-01 (Newton's method on all rows at once)."""
    centre_offset = np.array([0.0, 0.0, earth_radius_m + origin_altitude_m])
    ground_radius = earth_radius_m + origin_altitude_m + ground_up_m
    above = np.linalg.norm(position + centre_offset, axis=1) > ground_radius
    time = np.where(above, np.maximum(time, 0.0), 0.0)
    for _ in range(iterations):
        at = position + velocity * time[:, None] + 0.5 * acceleration * time[:, None] ** 2
        rate = velocity + acceleration * time[:, None]
        radial = at + centre_offset
        radius = np.linalg.norm(radial, axis=1)
        slope = np.sum(radial * rate, axis=1) / radius
        step = np.divide(radius - ground_radius, slope, out=np.zeros_like(radius),
                         where=slope < 0.0)
        time = np.where(above, np.maximum(time - step, 0.0), 0.0)
    return time


@pytest.mark.parametrize("seed", range(10))
def test_sphere_impact_time_is_the_array_form_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    n = 40
    position = rng.normal(0.0, 1.0, (n, 3)) * [2e5, 2e5, 5e4]  # some rows below ground
    velocity = rng.normal(0.0, 1.0, (n, 3)) * [2e3, 2e3, 1e3]
    acceleration = np.zeros((n, 3))
    acceleration[:, 2] = -9.80665 * rng.choice([1.0, 0.0, -1.0], n)
    seed_time = rng.normal(100.0, 80.0, n)
    seed_time[:4] = [np.nan, np.inf, -5.0, 0.0]
    position[0] = [0.0, 0.0, 10e3]  # above the ground, with a NaN seed
    arguments = (position, velocity, acceleration, seed_time, rng.normal(0.0, 100.0),
                 6.371e6 + rng.normal(0.0, 1e4), rng.normal(0.0, 200.0))
    with np.errstate(invalid="ignore"):  # the NaN and infinite seeds
        expected = sphere_impact_time_arrays(*arguments)
    assert _sphere_impact_time(*arguments).tobytes() == expected.tobytes()
    assert np.isnan(expected[0])  # a NaN seed stays NaN in both


def stacked_later_feasible(picture, velocity, time_to_go_s, reach, simulation, samples):
    """The form used up to 2026-12-01: a stacked picture through :func:`engageability`."""
    n = picture.size
    ahead_s = ((np.arange(1, samples + 1) / samples)[:, None] * reach[None, :]).reshape(-1)
    velocities = _repeat(velocity, samples)
    stacked = TrackPicture(
        picture.time_s, _repeat(picture.track_id, samples),
        _repeat(picture.position_m, samples) + velocities * ahead_s[:, None], velocities,
        np.broadcast_to(picture.position_cov_m2[:1], (samples * n, 3, 3)),
        np.full((samples * n, picture.last_update_by_radar_s.shape[1]), picture.time_s),
        _repeat(picture.speed_sigma_mps, samples), _repeat(picture.kind_index, samples),
        _repeat(picture.kind_confidence, samples))
    later = engageability(stacked, _repeat(time_to_go_s, samples) - ahead_s,
                          simulation.batteries, simulation.interceptor_types, simulation.frame,
                          simulation.scenario.origin.ground_elevation_m, 4.0,
                          simulation.fire_control_radars, check_slots=False)
    return later.feasible.reshape(simulation.batteries.size, samples, n)


@pytest.mark.parametrize("seed", range(4))
def test_later_samples_are_the_stacked_picture_form(seed):
    """The compiled later samples of the engagement windows, on the layered-defense
    network (fire-control radars with track slots, several interceptor types): the same
    feasibility as the stacked picture through :func:`engageability`."""
    simulation = Simulation(load_scenario("layered-defense"), seed=1)
    assert simulation.fire_control_radars.limited.any()
    rng = np.random.default_rng(seed)
    n, radars, samples = 60, len(simulation.sites), 10
    position = rng.uniform(-150e3, 150e3, (n, 3)) * [1.0, 1.0, 0.1]
    position[:, 2] = np.abs(position[:, 2]) + 30.0
    velocity = rng.normal(0.0, 300.0, (n, 3)) * [1.0, 1.0, 0.2]
    last_update = 100.0 - rng.exponential(5.0, (n, radars))
    picture = TrackPicture(100.0, np.arange(n), position, velocity,
                           np.tile(np.eye(3) * 100.0, (n, 1, 1)), last_update, np.full(n, 5.0),
                           np.full(n, -1, dtype=np.int8), np.zeros(n))
    time_to_go = rng.uniform(0.0, 1500.0, n)
    time_to_go[:3] = [np.inf, 0.0, np.nan]
    reach = np.minimum(np.where(np.isfinite(time_to_go), time_to_go, 1200.0), 1200.0)
    expected = stacked_later_feasible(picture, velocity, time_to_go, reach, simulation,
                                      samples)
    later = _later_feasible(picture, velocity, time_to_go, reach, simulation.batteries,
                            simulation.interceptor_types, simulation.frame,
                            simulation.scenario.origin.ground_elevation_m, 4.0, samples,
                            simulation.fire_control_radars)
    assert later.dtype == expected.dtype and np.array_equal(later, expected)
    assert 0 < expected.sum() < expected.size  # some samples feasible, some not


def stacked_window_bounds(feasible_now, later, reach, samples):
    """The NumPy form used up to 2026-12-01: the samples stacked, then reduced."""
    feasible = np.concatenate((feasible_now[:, None, :], later), axis=1)
    ahead_s = np.arange(samples + 1)[None, :, None] / samples * reach[None, None, :]
    first = np.where(feasible, ahead_s, np.inf).min(axis=1)
    last = np.where(feasible, ahead_s, -np.inf).max(axis=1)
    spacing = (reach / samples) if reach.size else np.zeros(0)
    return first, last, feasible[:, 1:, :].sum(axis=1) * spacing[None, :]


@pytest.mark.parametrize("seed", range(20))
def test_window_bounds_are_the_stacked_form_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    batteries, tracks, samples = rng.integers(1, 12), rng.integers(0, 30), rng.integers(1, 12)
    feasible_now = rng.random((batteries, tracks)) < 0.3
    later = rng.random((batteries, samples, tracks)) < rng.random()
    # Reaches as the windows have them (capped at the horizon), with a zero among them.
    reach = np.minimum(rng.exponential(300.0, tracks), 1_200.0)
    if tracks:
        reach[0] = 0.0
    expected = stacked_window_bounds(feasible_now, later, reach, int(samples))
    found = _window_bounds(feasible_now, later, reach, int(samples))
    for got, want in zip(found, expected, strict=True):
        assert got.shape == want.shape
        assert got.tobytes() == want.tobytes()
    if tracks and later.any():
        assert np.isfinite(found[0]).any()  # the test sees windows, not only empty ones


def picture_rows_windows(picture, rows, time_to_go_s, asset, asset_position, feasible_now,
                         simulation):
    """The form used up to 2026-12-02: the rows' picture and aim points built in NumPy,
    then :func:`engagement_windows` with the rows' engageability now."""
    aim_point = np.full((rows.size, 3), np.nan)
    target = asset[rows]
    aim_point[target >= 0] = asset_position[target[target >= 0]]
    part = TrackPicture(picture.time_s, picture.track_id[rows], picture.position_m[rows],
                        picture.velocity_mps[rows], picture.position_cov_m2[rows],
                        picture.last_update_by_radar_s[rows], picture.speed_sigma_mps[rows],
                        picture.kind_index[rows], picture.kind_confidence[rows])
    now = Engageability(feasible_now[:, rows], np.zeros((feasible_now.shape[0], rows.size)),
                        np.zeros((feasible_now.shape[0], rows.size, 3)))
    return engagement_windows(part, time_to_go_s[rows], simulation.batteries,
                              simulation.interceptor_types, simulation.frame,
                              simulation.scenario.origin.ground_elevation_m, 4.0, aim_point,
                              now=now, fire_control_radars=simulation.fire_control_radars)


@pytest.mark.parametrize("with_radars", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_row_windows_are_the_rows_picture_form_bit_for_bit(seed, with_radars):
    """The battle manager's compiled windows of some rows of the picture, on the
    layered-defense network (fire-control radars or none), tracks aimed at the assets or
    at none, times to go infinite, NaN, zero and beyond the horizon: the same first, last,
    duration and horizon flags as the rows' picture through :func:`engagement_windows`."""
    simulation = Simulation(load_scenario("layered-defense"), seed=1)
    if not with_radars:
        simulation.fire_control_radars = None
    rng = np.random.default_rng(seed)
    n, radars = 40, len(simulation.sites)
    position = rng.uniform(-100e3, 100e3, (n, 3)) * [1.0, 1.0, 0.05]
    position[:, 2] = np.abs(position[:, 2]) + 30.0
    velocity = rng.normal(0.0, 250.0, (n, 3)) * [1.0, 1.0, 0.2]
    velocity[:2] = [[0.5, 0.0, 0.0], [0.0, 0.0, 0.0]]  # too slow to fly at an aim point
    last_update = 100.0 - rng.exponential(5.0, (n, radars))
    picture = TrackPicture(100.0, np.arange(n) + 7, position, velocity,
                           np.tile(np.eye(3) * 100.0, (n, 1, 1)), last_update, np.full(n, 5.0),
                           np.full(n, -1, dtype=np.int8), np.zeros(n))
    asset_position = rng.uniform(-20e3, 20e3, (4, 3)) * [1.0, 1.0, 0.0]
    asset = rng.integers(-1, 4, n)
    asset[2] = 1
    position[2] = asset_position[1] + [0.5, 0.0, 0.0]  # on its asset: keeps its velocity
    time_to_go = rng.uniform(0.0, 1500.0, n)
    time_to_go[3:6] = [np.inf, 0.0, np.nan]
    asset[3:6] = -1
    feasible_now = rng.random((simulation.batteries.size, n)) < 0.3
    rows = np.sort(rng.choice(n, 30, replace=False))
    rows = np.union1d(rows, [0, 1, 2, 3, 4, 5])
    expected = picture_rows_windows(picture, rows, time_to_go, asset, asset_position,
                                    feasible_now, simulation)
    found = row_engagement_windows(picture, rows, time_to_go, asset, asset_position,
                                   feasible_now, simulation.batteries, simulation.frame,
                                   simulation.scenario.origin.ground_elevation_m, 4.0,
                                   battery_envelopes(simulation.batteries,
                                                     simulation.interceptor_types),
                                   simulation.fire_control_radars)
    for name in ("first_s", "last_s", "duration_s", "beyond_horizon"):
        got, want = getattr(found, name), getattr(expected, name)
        assert got.dtype == want.dtype and got.shape == want.shape, name
        assert got.tobytes() == want.tobytes(), name
    reachable = np.isfinite(expected.first_s)
    assert 0 < reachable.sum() < reachable.size  # some windows, not all
    assert expected.beyond_horizon.any() and not expected.beyond_horizon.all()


@pytest.mark.parametrize("seed", range(6))
def test_picture_classes_at_positions_are_the_numpy_forms_bit_for_bit(seed):
    """The battle manager's compiled classification: the height on the osculating sphere
    (:meth:`LocalFrame.approximate_altitude_m` less the ground) and
    :func:`picture_threat_class` on it, tracker classes trusted or not, edges included."""
    rng = np.random.default_rng(seed)
    n = 4000
    frame = LocalFrame(39.9 + seed, 32.8, rng.uniform(0.0, 1500.0))
    ground = rng.uniform(0.0, 1200.0)
    position = rng.uniform(-3e5, 3e5, (n, 3)) * [1.0, 1.0, 0.02]
    velocity = rng.normal(0.0, 400.0, (n, 3)) * [1.0, 1.0, 0.4]
    velocity[:3] = [[BALLISTIC_MIN_SPEED_MPS, 0, 0], [0, 0, -BALLISTIC_MIN_VERTICAL_SPEED_MPS],
                    [DRONE_MAX_SPEED_MPS, 0, 0]]
    velocity[3] = np.nan
    kind = rng.integers(-1, 4, n).astype(np.int8)
    confidence = np.where(kind >= 0, rng.uniform(0.0, 1.0, n), 0.0)
    confidence[4:6] = [PICTURE_CLASS_MIN_CONFIDENCE, np.nan]
    height = frame.approximate_altitude_m(position) - ground
    expected = picture_threat_class(kind, confidence, velocity, height)
    found = picture_threat_class_at(kind, confidence, velocity, position, frame.alt_m,
                                    frame.gaussian_radius_m(), ground)
    assert found.dtype == expected.dtype and np.array_equal(found, expected)
    assert set(found.tolist()) == {0, 1, 2, 3}
