"""The fleet's fused step (flyout_step.fly_rounds) gives, bit for bit, what the three
compiled calls it replaced gave (gate_sigmas, seeker_candidates, step_rounds): the same
per-round results and the same fleet state after every step, over a whole engagement of
two threats close together whose tracks are off the truth (seeker search, locks,
endgames and a round that misses)."""

from __future__ import annotations

import copy

import numpy as np

from iadsim.effectors import flyout_kernel as kernel
from iadsim.effectors import flyout_step as fused
from iadsim.effectors.batteries import InterceptorTable, interceptor_table
from iadsim.effectors.flight import DRAG_MACH_TABLE
from iadsim.effectors.flyout import InterceptorFleet, _cross
from iadsim.effectors.lethality import CARLETON, COOKIE_CUTTER, kill_probability
from iadsim.effectors.seeker_search import seeker_candidates
from iadsim.scenario import scenario_from_dict

DT_S = 0.5
EARTH_RADIUS_M = 6_371_000.0


def table(**fields) -> InterceptorTable:
    """One missile type with a seeker (as tests/effectors/test_flyout.py's)."""
    missile = {"name": "sam", "min_range_km": 0.5, "max_range_km": 40.0,
               "max_altitude_m": 20_000.0, "speed_mps": 800.0, "lethal_radius_m": 5.0,
               "single_shot_pk": 1.0, "seeker_range_km": 5.0, "aim_error_m": 0.0,
               "seeker_angle_noise_deg": 0.0, **fields}
    scenario = scenario_from_dict({"name": "flyout-step-test",
                                   "origin": {"lat_deg": 40.0, "lon_deg": 33.0},
                                   "sim": {"duration_s": 600.0}, "interceptors": [missile]})
    return interceptor_table(scenario)


def _truth(time_s: float) -> np.ndarray:
    """Two threats 300 m apart inbound at 250 m/s, 2 km up (m)."""
    east = 30_000.0 - 250.0 * time_s
    return np.array([[east, 0.0, 2_000.0], [east, 300.0, 2_000.0]])


def _arguments(fleet: InterceptorFleet, time_s: float) -> tuple:
    """The step's inputs as the fleet passes them: truth at both ends, the tracks 80 m
    off the truth (the picture differs from it), their covariances and accelerations."""
    start, end = _truth(time_s), _truth(time_s + DT_S)
    ids = np.array([12, 11], dtype=np.int64)
    order = ids.argsort()
    track_position = start + np.array([80.0, -60.0, 40.0])
    track_velocity = np.tile([-250.0, 0.0, 0.0], (2, 1))
    covariance = np.tile(np.eye(3) * 90.0**2, (2, 1, 1))
    acceleration = np.zeros((2, 3))
    time_of_flight, scalars = fleet._tables()
    ground_elevation, ground_scalars = fleet._ground_arrays
    return (start, end, np.ones(2, dtype=bool), np.ones(2), ids[order], order,
            track_position, track_velocity, covariance, acceleration, time_of_flight,
            scalars, ground_elevation, ground_scalars)


def _three_calls(fleet: InterceptorFleet, rows: np.ndarray, time_s: float) -> tuple:
    (start, end, alive, rcs, sorted_ids, order, position, velocity, covariance, acceleration,
     time_of_flight, scalars, ground_elevation, ground_scalars) = _arguments(fleet, time_s)
    store = fleet._store
    sigma = kernel.gate_sigmas(covariance)
    candidate_start, candidates = seeker_candidates(
        rows, store["type_index"], store["state"], store["locked_threat"], store["track_id"],
        fleet.types.flight, start, end, alive, sorted_ids, order, position, velocity, sigma,
        acceleration, time_s, DT_S)
    return kernel.step_rounds(
        rows, store["type_index"], store["state"], store["intended_threat"],
        store["locked_threat"], store["track_id"], store["keys"], store["draws"],
        fleet.types.flight, DRAG_MACH_TABLE, start, end, alive, rcs, candidate_start,
        candidates, sorted_ids, order, position, velocity, sigma, acceleration,
        time_of_flight, scalars, time_s, DT_S, EARTH_RADIUS_M, ground_elevation,
        ground_scalars)


def _fused(fleet: InterceptorFleet, rows: np.ndarray, time_s: float
           ) -> tuple[tuple[int, int], np.ndarray, np.ndarray]:
    (start, end, alive, rcs, sorted_ids, order, position, velocity, covariance, acceleration,
     time_of_flight, scalars, ground_elevation, ground_scalars) = _arguments(fleet, time_s)
    store = fleet._store
    index = np.full((rows.size + 3, fused.INDEX_COLUMNS), -9, dtype=np.int64)
    value = np.full((rows.size + 3, fused.VALUE_COLUMNS), -9.0)
    counts = fused.fly_rounds(
        rows, store["type_index"], store["state"], store["intended_threat"],
        store["locked_threat"], store["track_id"], store["keys"], store["draws"],
        fleet.types.flight, DRAG_MACH_TABLE, start, end, alive, rcs, sorted_ids, order,
        position, velocity, covariance, acceleration, time_of_flight, scalars, time_s, DT_S,
        EARTH_RADIUS_M, ground_elevation, ground_scalars, index, value)
    return counts, index, value


def test_fused_step_matches_the_three_calls_bit_for_bit_over_an_engagement() -> None:
    fleet = InterceptorFleet(table(aim_error_m=3.0, seeker_angle_noise_deg=0.2),
                             np.random.default_rng(3), EARTH_RADIUS_M)
    for engagement, (track, aim_north) in enumerate(((11, 0.0), (12, 300.0), (11, 900.0))):
        fleet.launch(0.0, np.zeros(3), np.array([15_000.0, aim_north, 2_000.0]), 0, 0,
                     engagement, track)
    locked = resolved = 0
    for step in range(200):
        rows = fleet.flying
        if rows.size == 0:
            break
        time_s = step * DT_S
        reference, candidate = copy.deepcopy(fleet), copy.deepcopy(fleet)
        outputs = _three_calls(reference, rows, time_s)
        (locks, done), index, value = _fused(candidate, rows, time_s)
        for name, array in reference._store.items():
            assert candidate._store[name].tobytes() == array.tobytes(), name
        (lock_threat, lock_range, lock_time, diverted, code, victim, miss, when, miss_vector,
         relative_velocity, final_position) = outputs
        count = rows.size
        assert index[:count, fused.LOCK_THREAT].tobytes() == lock_threat.tobytes()
        assert index[:count, fused.VICTIM].tobytes() == victim.tobytes()
        assert (index[:count, fused.CODE] == code).all()
        assert (index[:count, fused.DIVERTED] == diverted).all()
        assert (index[count:] == -9).all() and (value[count:] == -9.0).all()  # rows only
        for column, expected in ((fused.LOCK_RANGE, lock_range), (fused.LOCK_TIME, lock_time),
                                 (fused.MISS, miss), (fused.WHEN, when)):
            assert value[:count, column].tobytes() == expected.tobytes()
        for first, expected in ((fused.MISS_VECTOR, miss_vector),
                                (fused.RELATIVE_VELOCITY, relative_velocity),
                                (fused.FINAL_POSITION, final_position)):
            assert np.ascontiguousarray(value[:count, first:first + 3]).tobytes() == (
                expected.tobytes())
        assert locks == int((lock_threat >= 0).sum())
        assert done == int((code != kernel.NOT_RESOLVED).sum())
        locked, resolved = locked + locks, resolved + done
        (start, end, alive, rcs, sorted_ids, order, position, velocity, covariance,
         acceleration, *_) = _arguments(fleet, time_s)
        fleet.step(time_s, DT_S, start, end, alive, rcs, sorted_ids[order.argsort()],
                   position, velocity, covariance, acceleration)
    # The engagement exercised locks and endgames of all three rounds.
    assert locked >= 2 and resolved == 3


def test_rows_cross_product_is_numpys_bit_for_bit() -> None:
    rng = np.random.default_rng(8)
    for count in (0, 1, 5, 40):
        first = rng.standard_normal((count, 3)) * 1e3
        second = rng.standard_normal((count, 3))
        assert _cross(first, second).tobytes() == np.cross(first, second).tobytes()
        for vector in ([0.0, 0.0, 1.0], [1.0, 0.0, 0.0]):
            assert (_cross(first, np.array(vector)).tobytes()
                    == np.cross(first, vector).tobytes())


def test_cookie_cutter_rounds_get_the_pk_of_the_full_formula() -> None:
    """The cookie-cutter shortcut gives what the Carleton-or-cookie selection gives, for
    one model for all and per round, NaN and infinite misses included."""
    miss = np.array([0.0, 3.0, 5.0, 7.5, np.nan, np.inf])
    radius = np.array([5.0, 5.0, 5.0, 8.0, 5.0, 5.0])
    pk = np.array([0.9, 0.7, 0.7, 0.5, 0.9, 0.9])

    def full(model: np.ndarray | int) -> np.ndarray:
        cookie = np.where(miss <= radius, pk, 0.0)
        with np.errstate(invalid="ignore", over="ignore"):
            graded = np.nan_to_num(pk * np.exp(-(miss / radius) ** 2), nan=0.0)
        return np.where(np.asarray(model) == CARLETON, graded, cookie)

    for model in (COOKIE_CUTTER, CARLETON, np.zeros(6, dtype=int),
                  np.array([0, 1, 0, 1, 1, 0])):
        assert kill_probability(miss, radius, pk, model).tobytes() == full(model).tobytes()
    assert kill_probability(miss, 5.0, 0.8).tobytes() == np.where(miss <= 5.0, 0.8,
                                                                  0.0).tobytes()
