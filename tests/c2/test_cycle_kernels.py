"""The battle manager's per-cycle shortcuts give exactly what the NumPy forms they replace
gave: window overlaps, kinematic classes, stacked samples, the later samples of the
engagement windows and their bounds, the ballistic impact time on the sphere."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.engageability import (
    Engageability,
    EngagementWindows,
    _engageability,
    _later_feasible,
    _repeat,
    _window_bounds,
    battery_envelopes,
    engageability,
    engagement_windows,
    row_engagement_windows,
)
from iadsim.c2.fire_control_radars import holding_radars
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
from iadsim.c2.wta_dynamic import SURVIVAL_FLOOR, _log_miss, cheaper_layer_holds, window_overlaps
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


def array_cheaper_layer_holds(salvo_cost_usd, worth_usd, salvo_pk, windows, feasible_now,
                              engagement_time_s, fire_channels, free_channels, stocked,
                              eligible, handover_kill_probability):
    """The NumPy form used up to 2026-12-02."""
    reachable = np.isfinite(windows.first_s) & eligible[None, :] & stocked[:, None]
    overlap = window_overlaps(reachable, windows.first_s, windows.last_s)
    load = np.maximum(1.0, overlap / np.maximum(fire_channels, 1)[:, None])
    shots = windows.duration_s / (engagement_time_s[:, None] * load)
    now = feasible_now & (free_channels > 0)[:, None]
    shots = np.where(now, np.maximum(shots, 1.0), shots)
    shots = np.where(reachable, shots, 0.0)
    log_miss = shots * np.log(np.maximum(1.0 - salvo_pk, SURVIVAL_FLOOR))[:, None]
    cheaper = (salvo_cost_usd[None, :] < salvo_cost_usd[:, None]).astype(float)
    expected_kill = 1.0 - np.exp(cheaper @ log_miss)
    in_time = (expected_kill >= handover_kill_probability) | windows.beyond_horizon[None, :]
    return in_time & (worth_usd[None, :] < salvo_cost_usd[:, None])


@pytest.mark.parametrize("seed", range(30))
def test_cheaper_layer_holds_are_the_array_form(seed):
    """The layering hold with its shots counted in one compiled pass: the same holds as
    the NumPy form, on windows with ties, empty windows, saturated and free layers, and
    the expected kill probabilities themselves bit for bit."""
    rng = np.random.default_rng(seed)
    batteries, tracks, samples = rng.integers(1, 12), rng.integers(0, 40), 10
    reach = np.minimum(rng.exponential(300.0, tracks), 1_200.0)
    first = rng.integers(0, samples + 1, (batteries, tracks)) / samples * reach
    last = np.minimum(first + rng.integers(0, 5, (batteries, tracks)) / samples * reach, reach)
    never = rng.random((batteries, tracks)) < 0.3
    first[never], last[never] = np.inf, -np.inf
    duration = np.where(never, 0.0, (last - first) + reach / samples)
    windows = EngagementWindows(first, last, duration, rng.random(tracks) < 0.1)
    cost = rng.choice([5e4, 4e5, 1.2e6, 4e6], batteries)
    pk = rng.choice([0.3, 0.7, 0.9, 1.0], batteries)
    arguments = (cost, rng.choice([2e4, 1e5, 3e6], tracks), pk, windows,
                 rng.random((batteries, tracks)) < 0.5, rng.uniform(5.0, 60.0, batteries),
                 rng.integers(0, 4, batteries), rng.integers(0, 3, batteries),
                 rng.random(batteries) < 0.85, rng.random(tracks) < 0.8,
                 float(rng.choice([0.3, 0.5, 0.9])))
    expected = array_cheaper_layer_holds(*arguments)
    found = cheaper_layer_holds(*arguments)
    assert found.dtype == expected.dtype and np.array_equal(found, expected)
    log_survival = np.log(np.maximum(1.0 - pk, SURVIVAL_FLOOR))
    eligible = arguments[9]
    reachable = np.isfinite(first) & eligible[None, :] & arguments[8][:, None]
    shots_log = _log_miss(first, last, duration, arguments[4], arguments[5],
                          arguments[6].astype(np.int64), arguments[7].astype(np.int64),
                          arguments[8], eligible, log_survival)
    overlap = window_overlaps(reachable, first, last)
    load = np.maximum(1.0, overlap / np.maximum(arguments[6], 1)[:, None])
    shots = duration / (arguments[5][:, None] * load)
    shots = np.where(arguments[4] & (arguments[7] > 0)[:, None], np.maximum(shots, 1.0), shots)
    assert shots_log.tobytes() == (np.where(reachable, shots, 0.0)
                                   * log_survival[:, None]).tobytes()


def two_call_engageability(picture, time_to_go_s, simulation, check_slots):
    """The form used up to 2026-12-02: the envelope kernel, then the fire-control radars'
    test in a second call."""
    batteries, radars = simulation.batteries, simulation.fire_control_radars
    table = battery_envelopes(batteries, simulation.interceptor_types)
    frame = simulation.frame
    feasible, time, point = _engageability(
        picture.position_m, picture.velocity_mps, picture.last_update_by_radar_s,
        picture.time_s, time_to_go_s, batteries.position_m, batteries.reaction_time_s,
        batteries.fire_control_mask, table.speed_mps, table.min_range_m, table.max_range_m,
        table.min_altitude_m, table.max_altitude_m, table.max_flight_time_s,
        table.max_target_speed_mps, frame.alt_m, frame.gaussian_radius_m(),
        simulation.scenario.origin.ground_elevation_m, 4.0, table.kind, table.time_of_flight,
        table.envelope_scalars)
    if radars is not None and picture.size and radars.limited.any():
        need = radars.slots_per_engagement(batteries.salvo_size) if check_slots else None
        feasible &= radars.engageable(holding_radars(picture, 4.0), point, need)
    return feasible, time, point


@pytest.mark.parametrize("check_slots", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_engageability_with_radars_is_the_two_call_form(seed, check_slots):
    """Engageability with the fire-control radars' test in the same compiled call, on the
    layered-defense network with some radars' slots taken: the same feasibility, times
    and intercept points as the envelope kernel and the radars' test called apart."""
    simulation = Simulation(load_scenario("layered-defense"), seed=1)
    radars = simulation.fire_control_radars
    rng = np.random.default_rng(seed)
    radars.used[:] = rng.integers(0, np.maximum(radars.capacity, 0) + 1)
    n = 60
    position = rng.uniform(-100e3, 100e3, (n, 3)) * [1.0, 1.0, 0.05]
    position[:, 2] = np.abs(position[:, 2]) + 30.0
    velocity = rng.normal(0.0, 300.0, (n, 3)) * [1.0, 1.0, 0.2]
    last_update = 100.0 - rng.exponential(4.0, (n, len(simulation.sites)))
    picture = TrackPicture(100.0, np.arange(n), position, velocity,
                           np.tile(np.eye(3) * 100.0, (n, 1, 1)), last_update, np.full(n, 5.0),
                           np.full(n, -1, dtype=np.int8), np.zeros(n))
    time_to_go = rng.uniform(0.0, 1500.0, n)
    time_to_go[:3] = [np.inf, 0.0, np.nan]
    expected = two_call_engageability(picture, time_to_go, simulation, check_slots)
    found = engageability(picture, time_to_go, simulation.batteries,
                          simulation.interceptor_types, simulation.frame,
                          simulation.scenario.origin.ground_elevation_m, 4.0, radars,
                          check_slots=check_slots)
    for got, want in zip((found.feasible, found.intercept_time_s, found.intercept_point_m),
                         expected, strict=True):
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    assert 0 < expected[0].sum() < expected[0].size
    unlimited = two_call_engageability(picture, time_to_go, simulation, check_slots)
    simulation.fire_control_radars = None
    assert (unlimited[0] <= two_call_engageability(picture, time_to_go, simulation,
                                                   check_slots)[0]).all()


def test_row_windows_of_some_batteries_are_theirs_and_the_others_never():
    """Windows sampled for some batteries only: theirs bit for bit the full call's, the
    others' never (first inf, last -inf, duration 0)."""
    simulation = Simulation(load_scenario("layered-defense"), seed=1)
    rng = np.random.default_rng(5)
    n, radars = 30, len(simulation.sites)
    position = rng.uniform(-60e3, 60e3, (n, 3)) * [1.0, 1.0, 0.05]
    position[:, 2] = np.abs(position[:, 2]) + 30.0
    picture = TrackPicture(50.0, np.arange(n), position,
                           rng.normal(0.0, 250.0, (n, 3)) * [1.0, 1.0, 0.2],
                           np.tile(np.eye(3), (n, 1, 1)), np.full((n, radars), 49.0),
                           np.full(n, 5.0), np.full(n, -1, dtype=np.int8), np.zeros(n))
    asset_position = simulation.battle_manager.assets.position_m
    asset = rng.integers(-1, asset_position.shape[0], n)
    time_to_go = rng.uniform(10.0, 900.0, n)
    feasible_now = rng.random((simulation.batteries.size, n)) < 0.4
    rows = np.arange(0, n, 2)
    needed = rng.random(simulation.batteries.size) < 0.5
    needed[:2] = [True, False]
    arguments = (picture, rows, time_to_go, asset, asset_position, feasible_now,
                 simulation.batteries, simulation.frame,
                 simulation.scenario.origin.ground_elevation_m, 4.0,
                 battery_envelopes(simulation.batteries, simulation.interceptor_types),
                 simulation.fire_control_radars)
    full = row_engagement_windows(*arguments)
    some = row_engagement_windows(*arguments, batteries_needed=needed)
    for name in ("first_s", "last_s", "duration_s"):
        got, want = getattr(some, name), getattr(full, name)
        assert got[needed].tobytes() == want[needed].tobytes(), name
    assert (some.first_s[~needed] == np.inf).all() and (some.last_s[~needed] == -np.inf).all()
    assert (some.duration_s[~needed] == 0.0).all()
    assert np.isfinite(full.first_s[~needed]).any()  # windows the short call leaves out
    assert np.array_equal(some.beyond_horizon, full.beyond_horizon)


def test_holds_sampling_only_the_deciding_batteries_hold_the_same_where_there_is_a_pk():
    """Every cycle of a layered-defense run: the holds with the cycle's salvo Pk given
    (windows sampled only for the batteries cheaper than one that has a Pk on a held
    row) equal the holds with all windows wherever a battery has a Pk, so the assignment
    is the same; the run has cycles where the two differ elsewhere or sample fewer."""
    simulation = Simulation(load_scenario("layered-defense"), seed=2)
    manager = simulation.battle_manager
    original = manager._holds
    seen = {"cycles": 0, "holding": 0}

    def both(picture, classes, assessment, reach, weapons, free_channels, stocked,
             eligible, radar_room=None, kill_probability=None):
        full = original(picture, classes, assessment, reach, weapons, free_channels,
                        stocked, eligible, radar_room)
        short = original(picture, classes, assessment, reach, weapons, free_channels,
                         stocked, eligible, radar_room, kill_probability)
        shape = kill_probability.shape
        full = np.zeros(shape, dtype=bool) if full is None else full
        short = np.zeros(shape, dtype=bool) if short is None else short
        has_pk = kill_probability != 0.0
        assert np.array_equal(full[has_pk], short[has_pk])
        seen["cycles"] += 1
        seen["holding"] += int((full & has_pk).any())
        return original(picture, classes, assessment, reach, weapons, free_channels,
                        stocked, eligible, radar_room, kill_probability)

    manager._holds = both
    simulation.run()
    assert seen["cycles"] > 100 and seen["holding"] > 50
