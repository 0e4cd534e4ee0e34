"""The battle manager's fused cycle calls give exactly what the functions they replace
gave: the threat evaluation, engageability now, threat classes and salvo Pk of one
compiled call (:meth:`BattleManager._cycle_reach`, its pairs and the window samples
pruned out of reach), the ballistic impacts compiled, and the layering holds of one
compiled call."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.engageability import (
    PRUNING_MARGIN_M,
    _engageability,
    _out_of_reach,
    _rows_in_reach,
    battery_envelopes,
    engageability,
)
from iadsim.c2.impact_prediction import ballistic_impact, ballistic_impact_rows
from iadsim.c2.threat_evaluation import evaluate
from iadsim.c2.wta import solve_wta, solve_wta_counts
from iadsim.c2.wta_dynamic import _log_miss, layer_holds
from iadsim.engine.simulation import Simulation
from iadsim.scenario.loader import load_scenario
from iadsim.tracking.tracker import GRAVITY_MPS2, TrackPicture


def random_picture(rng: np.random.Generator, n: int, radars: int,
                   asset_position_m: np.ndarray, time_s: float = 100.0) -> TrackPicture:
    """Tracks around the layered-defense network: some close together, some ballistic
    (falling under gravity, flown with the ballistic model), some with an IMM's small
    acceleration, classes known or not."""
    position = rng.uniform(-80e3, 80e3, (n, 3)) * [1.0, 1.0, 0.1]
    position[:, 2] = np.abs(position[:, 2]) + 30.0
    position[1:4] = position[0] + rng.normal(0.0, 300.0, (3, 3))  # a tight group
    velocity = rng.normal(0.0, 250.0, (n, 3)) * [1.0, 1.0, 0.2]
    velocity[1:4] = velocity[0] + rng.normal(0.0, 5.0, (3, 3))
    acceleration = rng.normal(0.0, 0.5, (n, 3))
    model = np.zeros(n, dtype=bool)
    # Four falling on the first asset, from 5 to 60 km up.
    model[n // 2:n // 2 + 4] = True
    acceleration[model] = GRAVITY_MPS2
    velocity[model] = np.array([0.0, 0.0, -1200.0]) + rng.normal(0.0, 20.0, (4, 3))
    position[model] = asset_position_m[0] + [0.0, 0.0, 1.0] * rng.uniform(5e3, 60e3, (4, 1))
    last_update = time_s - rng.exponential(3.0, (n, radars))
    kind = rng.integers(-1, 4, n).astype(np.int8)
    return TrackPicture(time_s, np.arange(n) + 11, position, velocity,
                        np.tile(np.eye(3) * 100.0, (n, 1, 1)), last_update,
                        rng.uniform(1.0, 30.0, n), kind, rng.uniform(0.0, 1.0, n),
                        acceleration, model)


def array_cycle(manager, picture, eligible, weapons):
    """The cycle's evaluation as it was up to 2026-12-02: :func:`evaluate`,
    :func:`engageability`, the manager's classes and the Pk ``np.where``."""
    frame = manager.frame
    assessment = evaluate(picture.position_m, picture.velocity_mps, manager.assets.position_m,
                          manager.assets.radius_m, manager.assets.value,
                          manager.doctrine.threat_corridor_m, manager.doctrine.priority,
                          picture.speed_sigma_mps, picture.ballistic_acceleration_mps2,
                          manager.ground_elevation_m - frame.alt_m, frame.gaussian_radius_m(),
                          frame.alt_m, ranked=False)
    reach = engageability(picture, assessment.time_to_go_s, manager.batteries, manager.types,
                          frame, manager.ground_elevation_m,
                          manager.doctrine.fire_control_track_age_s,
                          manager.fire_control_radars)
    classes = manager._track_classes(picture)
    kill_probability = np.where(reach.feasible & eligible[None, :],
                                manager._salvo_pk[:, None], 0.0)
    return assessment, reach, classes, kill_probability, kill_probability[weapons > 0].any()


@pytest.mark.parametrize("variant", ["radars", "no_radars", "no_acceleration", "no_assets"])
@pytest.mark.parametrize("seed", range(3))
def test_cycle_reach_is_the_evaluation_engageability_and_classes(seed, variant):
    simulation = Simulation(load_scenario("layered-defense"), seed=1)
    manager = simulation.battle_manager
    rng = np.random.default_rng(seed)
    if variant == "no_radars":
        simulation.fire_control_radars = manager.fire_control_radars = None
    else:
        radars = manager.fire_control_radars
        radars.used[:] = rng.integers(0, np.maximum(radars.capacity, 0) + 1)
    picture = random_picture(rng, 40, len(simulation.sites), manager.assets.position_m)
    if variant == "no_assets":
        assets = manager.assets
        manager.assets = type(assets)(assets.position_m[:0], assets.radius_m[:0],
                                      assets.value[:0])
    if variant == "no_acceleration":
        picture = TrackPicture(*[getattr(picture, name) for name in (
            "time_s", "track_id", "position_m", "velocity_mps", "position_cov_m2",
            "last_update_by_radar_s", "speed_sigma_mps", "kind_index", "kind_confidence")])
    eligible = rng.random(picture.size) < 0.7
    weapons = rng.integers(0, 3, manager.batteries.size)
    assert manager._salvo_pk_fixed
    expected = array_cycle(manager, picture, eligible, weapons)
    found = manager._cycle_reach(picture, eligible, weapons)
    # Pairs out of reach are not solved: NaN time, the track's position as the point.
    solved = ~np.isnan(found[1].intercept_time_s)
    pairs = ((found[0].asset, expected[0].asset),
             (found[0].time_to_go_s, expected[0].time_to_go_s),
             (found[1].feasible, expected[1].feasible),
             (found[1].intercept_time_s[solved], expected[1].intercept_time_s[solved]),
             (found[1].intercept_point_m[solved], expected[1].intercept_point_m[solved]),
             (found[2], expected[2]), (found[3], expected[3]))
    for got, want in pairs:
        assert got.dtype == want.dtype and got.shape == want.shape
        assert got.tobytes() == want.tobytes()
    assert not expected[1].feasible[~solved].any()
    pruned = ~solved & ~np.isnan(expected[1].intercept_time_s)  # solved only unpruned
    assert (found[1].intercept_point_m[pruned]
            == np.broadcast_to(picture.position_m, (*pruned.shape, 3))[pruned]).all()
    assert found[0].order is None and found[4] == bool(expected[4])
    assert 0 < expected[1].feasible.sum() < expected[1].feasible.size
    if variant != "no_assets":
        assert (expected[0].asset >= 0).any()
    if variant not in ("no_acceleration", "no_assets"):
        ballistic = picture.ballistic_model
        assert np.isfinite(expected[0].time_to_go_s[ballistic]).any()


@pytest.mark.parametrize("sphere", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_ballistic_impact_rows_are_the_array_form_bit_for_bit(seed, sphere):
    rng = np.random.default_rng(seed)
    n = 50
    position = rng.uniform(-50e3, 50e3, (n, 3)) * [1.0, 1.0, 0.5]
    position[:5, 2] = [-10.0, 0.0, 899.0, 900.0, 901.0]  # at, under and over the ground
    velocity = rng.normal(0.0, 800.0, (n, 3))
    acceleration = rng.normal(0.0, 1.0, (n, 3))
    acceleration[rng.random(n) < 0.6] = GRAVITY_MPS2
    earth_radius = 6_371_000.0 if sphere else None
    want_point, want_time = ballistic_impact(position, velocity, acceleration, 900.0,
                                             earth_radius, 850.0)
    got_point, got_time = ballistic_impact_rows(position, velocity, acceleration, 900.0,
                                                sphere, 6_371_000.0, 850.0)
    assert got_point.tobytes() == want_point.tobytes()
    assert got_time.tobytes() == want_time.tobytes()
    assert np.isnan(want_time).any() and np.isfinite(want_time).any()
    none_point, none_time = ballistic_impact_rows(position, velocity,
                                                  np.zeros((n, 3)), 900.0, sphere,
                                                  6_371_000.0, 850.0)
    assert np.isnan(none_point).all() and np.isnan(none_time).all()


@pytest.mark.parametrize("seed", range(8))
def test_pruned_pairs_are_infeasible_without_pruning(seed):
    """Pairs pruned as out of reach (far beyond a battery's range for the time the
    target has, or no time to go) are infeasible when solved: the feasibility is the
    unpruned one bit for bit, and so are the times and points of the pairs solved."""
    simulation = Simulation(load_scenario("layered-defense"), seed=1)
    batteries = simulation.batteries
    table = battery_envelopes(batteries, simulation.interceptor_types)
    rng = np.random.default_rng(seed)
    n, radars = 300, len(simulation.sites)
    position = rng.uniform(-120e3, 120e3, (n, 3)) * [1.0, 1.0, 0.05]
    position[:, 2] = np.abs(position[:, 2]) + 30.0
    velocity = rng.normal(0.0, 300.0, (n, 3)) * [1.0, 1.0, 0.2]
    time_to_go = rng.uniform(-5.0, 400.0, n)
    time_to_go[:4] = [np.inf, 0.0, np.nan, -np.inf]
    velocity[4] = np.nan
    frame = simulation.frame
    arguments = (position, velocity, np.full((n, radars), 100.0), 100.0, time_to_go,
                 batteries.position_m, batteries.reaction_time_s, batteries.fire_control_mask,
                 table.speed_mps, table.min_range_m, table.max_range_m, table.min_altitude_m,
                 table.max_altitude_m, table.max_flight_time_s, table.max_target_speed_mps,
                 frame.alt_m, frame.gaussian_radius_m(),
                 simulation.scenario.origin.ground_elevation_m, 4.0, table.kind,
                 table.time_of_flight, table.envelope_scalars)
    full = _engageability(*arguments)
    pruned = _engageability(*arguments, 1.0)
    assert pruned[0].tobytes() == full[0].tobytes()
    solved = ~np.isnan(pruned[1])
    assert pruned[1][solved].tobytes() == full[1][solved].tobytes()
    assert pruned[2][solved].tobytes() == full[2][solved].tobytes()
    skipped = ~solved & ~np.isnan(full[1])  # solved only without pruning
    assert not full[0][skipped].any()
    assert full[0].sum() > 0 and skipped.sum() > 10  # solutions saved


@pytest.mark.parametrize("seed", range(4))
def test_rows_dropped_out_of_reach_have_every_sample_pruned(seed):
    """The window rows a battery drops at once (closest approach of the samples' path
    out of reach) are rows whose every sample the per-sample test prunes, so their
    windows are the same; on a spread of tracks, including ones flying past a battery
    and degenerate ones, a short-range battery drops many rows and keeps some."""
    simulation = Simulation(load_scenario("layered-defense"), seed=1)
    batteries = simulation.batteries
    table = battery_envelopes(batteries, simulation.interceptor_types)
    rng = np.random.default_rng(seed)
    n, samples = 200, 10
    position = rng.uniform(-100e3, 100e3, (n, 3)) * [1.0, 1.0, 0.05]
    velocity = rng.normal(0.0, 250.0, (n, 3)) * [1.0, 1.0, 0.1]
    reach = rng.uniform(-20.0, 1_200.0, n)
    time_to_go = reach + rng.uniform(0.0, 50.0, n)
    velocity[0] = 0.0
    velocity[1] = np.nan
    reach[2] = 0.0
    dropped_total = kept_total = 0
    for battery in range(batteries.size):
        kept = _rows_in_reach(position, velocity, reach, samples,
                              batteries.position_m[battery],
                              batteries.reaction_time_s[battery],
                              table.max_flight_time_s[battery], table.max_range_m[battery])
        dropped = np.setdiff1d(np.arange(n), kept)
        assert 1 not in dropped  # NaN keeps a row
        for row in dropped:
            speed = np.sqrt(np.sum(velocity[row] ** 2))
            for sample in range(samples):
                ahead = (sample + 1) / samples * reach[row]
                relative = position[row] + velocity[row] * ahead - batteries.position_m[battery]
                assert _out_of_reach(relative[0], relative[1], relative[2], speed,
                                     batteries.reaction_time_s[battery],
                                     time_to_go[row] - ahead,
                                     table.max_flight_time_s[battery],
                                     table.max_range_m[battery], PRUNING_MARGIN_M)
        dropped_total += dropped.size
        kept_total += kept.size
    assert dropped_total > n and kept_total > 10


def array_layer_holds(manager, picture, classes, assessment, reach, weapons, free_channels,
                      stocked, eligible, radar_room, kill_probability):
    """The ``cheapest_in_time`` holds as :meth:`BattleManager._holds` computed them up to
    2026-12-02, in NumPy around :meth:`BattleManager._windows` and :func:`layer_holds`."""
    batteries = manager.batteries
    hold = np.zeros(reach.feasible.shape, dtype=bool)
    worth = manager._threat_worth_usd[classes]
    rows = np.nonzero(eligible & (worth < manager._dearest_salvo_usd))[0]
    able = reach.feasible & (weapons > 0)[:, None]
    undecided = (able & (manager._salvo_cost_usd[:, None] > worth[None, :])).any()
    if rows.size and undecided:
        needed = None
        if kill_probability is not None and manager._windows_may_be_skipped:
            costly = worth[rows][None, :] < manager._salvo_cost_usd[:, None]
            deciding = ((kill_probability[:, rows] != 0.0) & costly).any(axis=1)
            needed = (manager._cheaper[deciding] != 0.0).any(axis=0)
        windows = manager._windows(picture, assessment, reach, rows, needed)
        channels, free = batteries.fire_channels, free_channels
        radars = manager.fire_control_radars
        if radars is not None:
            channels = np.minimum(channels, manager._radar_engagements_held(radars))
            free = np.minimum(free, radars.engagements_free(batteries.salvo_size)
                              if radar_room is None else radar_room)
        hold[:, rows] = layer_holds(
            manager._salvo_cost_usd, worth[rows], manager._log_survival, manager._cheaper,
            windows, reach.feasible[:, rows], manager._engagement_time_s, channels, free,
            stocked, np.ones(rows.size, dtype=bool),
            manager.doctrine.handover_kill_probability)
    return hold


@pytest.mark.parametrize("radars", [True, False])
def test_layer_holds_are_the_array_form_every_cycle(radars):
    """Every cycle of a layered-defense run (several threats close together, the picture
    not the truth): the compiled layering holds are the array form's, bit for bit, with
    the cycle's Pk and without; the run holds batteries off tracks in many cycles."""
    simulation = Simulation(load_scenario("layered-defense"), seed=3)
    manager = simulation.battle_manager
    if not radars:
        simulation.fire_control_radars = manager.fire_control_radars = None
    original = manager._layer_holds_into
    seen = {"cycles": 0, "holding": 0}

    def both(hold, picture, classes, assessment, reach, weapons, free_channels, stocked,
             eligible, radar_room, kill_probability):
        for probability in (None, kill_probability):
            expected = array_layer_holds(manager, picture, classes, assessment, reach,
                                         weapons, free_channels, stocked, eligible,
                                         radar_room, probability)
            found = np.zeros_like(hold)
            original(found, picture, classes, assessment, reach, weapons, free_channels,
                     stocked, eligible, radar_room, probability)
            assert found.tobytes() == expected.tobytes()
        seen["cycles"] += 1
        seen["holding"] += int(expected.any())
        original(hold, picture, classes, assessment, reach, weapons, free_channels, stocked,
                 eligible, radar_room, kill_probability)

    manager._layer_holds_into = both
    simulation.run()
    assert seen["cycles"] > 100 and seen["holding"] > 50


def test_layer_holds_at_the_handover_probability_are_the_array_form():
    """A cycle whose expected kill (the array form's: BLAS sum, NumPy exponential) is
    exactly the handover probability: the compiled holds leave that cycle to the array
    form and give its holds bit for bit; cycles clear of it are decided compiled. Several
    threats close together (layered-defense's drone lanes), the picture not the truth."""
    simulation = Simulation(load_scenario("layered-defense"), seed=1)
    manager = simulation.battle_manager
    original, array_end = manager._layer_holds_into, manager._layer_holds_of
    seen = {"tied": 0, "array_end": 0, "compiled": 0}

    def counted(*arguments):
        seen["array_end"] += 1
        array_end(*arguments)

    def tied(hold, picture, classes, assessment, reach, weapons, free_channels, stocked,
             eligible, radar_room, kill_probability):
        arguments = (picture, classes, assessment, reach, weapons, free_channels, stocked,
                     eligible, radar_room, kill_probability)
        doctrine = manager.doctrine
        worth = manager._threat_worth_usd[classes]
        rows = np.nonzero(eligible & (worth < manager._dearest_salvo_usd))[0]
        if seen["tied"] < 3 and rows.size:
            windows = manager._windows(picture, assessment, reach, rows)
            radars = manager.fire_control_radars
            channels = np.minimum(manager.batteries.fire_channels,
                                  manager._radar_engagements_held(radars))
            free = np.minimum(free_channels, radar_room)
            log_miss = _log_miss(windows.first_s, windows.last_s, windows.duration_s,
                                 np.ascontiguousarray(reach.feasible[:, rows]),
                                 manager._engagement_time_s, channels, free, stocked,
                                 np.ones(rows.size, dtype=bool), manager._log_survival)
            kill = 1.0 - np.exp(manager._cheaper @ log_miss)
            costly = worth[rows][None, :] < manager._salvo_cost_usd[:, None]
            candidates = kill[costly & ~windows.beyond_horizon[None, :] & (kill > 0.0)]
            if candidates.size:
                manager.doctrine = doctrine.model_copy(
                    update={"handover_kill_probability": float(candidates[0])})
                try:
                    before = seen["array_end"]
                    expected = array_layer_holds(manager, *arguments[:-1], None)
                    found = np.zeros_like(hold)
                    original(found, *arguments[:-1], None)
                    assert found.tobytes() == expected.tobytes()
                    assert seen["array_end"] == before + 1
                    assert expected[costly.any(axis=1)].any()
                    seen["tied"] += 1
                finally:
                    manager.doctrine = doctrine
        before = seen["array_end"]
        original(hold, *arguments)
        seen["compiled"] += seen["array_end"] == before

    manager._layer_holds_of = counted
    manager._layer_holds_into = tied
    simulation.run()
    assert seen["tied"] == 3 and seen["compiled"] > 100


@pytest.mark.parametrize("method", ["heuristic", "auto"])
@pytest.mark.parametrize("seed", range(10))
def test_wta_counts_are_the_full_solutions_counts(seed, method):
    """The counts alone (what the battle manager reads each cycle it assigns) are those
    of the full :func:`solve_wta` result, held-back weapons and useless pairs included."""
    rng = np.random.default_rng(seed)
    rows, targets = rng.integers(1, 6), rng.integers(1, 9)
    probability = np.where(rng.random((rows, targets)) < 0.7,
                           rng.uniform(0.0, 1.0, (rows, targets)), 0.0)
    values = np.where(rng.random(targets) < 0.9, rng.uniform(0.0, 10.0, targets), 0.0)
    weapons = rng.integers(0, 4, rows)
    expected = solve_wta(values, probability, weapons, method=method).counts
    found = solve_wta_counts(values, probability, weapons, method=method)
    assert found.dtype == expected.dtype and found.tobytes() == expected.tobytes()
