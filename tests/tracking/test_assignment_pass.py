"""The scan pass's gate, assignment, check in turn, plot score and update in two compiled
calls (:mod:`iadsim.tracking.assignment_pass`) give, bit for bit, what the general way
(NumPy and the smaller kernels) gives: the 3 x 3 solve and log determinant against
NumPy's LAPACK on random matrices (to a stated tolerance; both ways call the same solve),
and a run of ``layered-defense`` (clutter, several
radars at several look times a step, tentative tracks whose later reports fail the gate
in turn or come after misses, and under ``coasting_likelihood`` tracks that coast past
their allowance) where both ways must log the same events and leave the same tracks."""

from __future__ import annotations

import numpy as np
import pytest

import iadsim
from iadsim.scenario.schema import Scenario
from iadsim.tracking import assignment_pass, coast_gate, kernels, lapack3
from iadsim.tracking.classification import KINEMATIC_KINDS
from iadsim.tracking.tracker import CONFIRMED, WAYPOINT_KINDS, CentralTracker

AIRCRAFT = KINEMATIC_KINDS.index("aircraft")


def random_covariances(rng: np.random.Generator, count: int) -> np.ndarray:
    """Symmetric positive definite 3 x 3 matrices over many scales and shapes."""
    factor = rng.normal(size=(count, 3, 3)) * np.exp(rng.uniform(0.0, 8.0, (count, 3, 1)))
    return (factor @ factor.transpose(0, 2, 1)
            + np.eye(3) * np.exp(rng.uniform(0.0, 10.0, (count, 1, 1))))


def random_systems(seed: int, count: int, symmetric: bool) -> tuple[np.ndarray, np.ndarray]:
    """``count`` 3 x 3 systems (matrices, right-hand sides): covariances, or general
    matrices whose LU pivots in every order, over many scales."""
    rng = np.random.default_rng(seed)
    matrix = (random_covariances(rng, count) if symmetric
              else rng.normal(size=(count, 3, 3)) * np.exp(rng.uniform(-3.0, 3.0,
                                                                       (count, 1, 1))))
    residual = rng.normal(size=(count, 3)) * np.exp(rng.uniform(0.0, 6.0, (count, 1)))
    return matrix, residual


@pytest.mark.parametrize("symmetric", [True, False])
def test_the_solve_and_log_determinant_agree_with_numpys(symmetric):
    """:func:`lapack3.solve3` against ``np.linalg.solve`` and
    ``np.linalg.slogdet`` on matrices whose LU pivots in every order: the solution within
    ``64 eps cond(S)`` of NumPy's (relative, max norm: the forward error bound of LU with
    partial pivoting, Higham 2002, sec. 9.2, with room for both solvers' rounding), the
    log determinant within ``1e-12 (1 + |ln|S||)``. Not bit for bit: NumPy's LAPACK rounds
    differently under different OpenBLAS kernels (under the Haswell kernels this
    machine's ``OPENBLAS_CORETYPE`` forces, over half of these solves differ in the last
    bits from the SkylakeX kernels :func:`solve3` was written after), which is why the
    tracker's general way calls :func:`solve3` too."""
    matrix, residual = random_systems(11, 20_000, symmetric)
    solution = np.linalg.solve(matrix, residual[..., None])[..., 0]
    log_determinant = np.linalg.slogdet(matrix)[1]
    condition = np.linalg.cond(matrix, p=np.inf)
    mine, my_log_determinant = lapack3.solve3_rows(matrix, residual)
    error = np.abs(mine - solution).max(axis=1) / np.abs(solution).max(axis=1)
    assert np.all(error <= 64.0 * np.finfo(float).eps * condition)
    assert np.all(np.abs(my_log_determinant - log_determinant)
                  <= 1e-12 * (1.0 + np.abs(log_determinant)))


@pytest.mark.parametrize("symmetric", [True, False])
def test_the_row_kernels_are_solve3_bit_for_bit(symmetric):
    """:func:`lapack3.solve3_rows` and :func:`mahalanobis3_rows`, which the
    general way calls, give :func:`solve3`'s and :func:`mahalanobis3`'s values (what the
    compiled scan pass computes) to the last bit, row by row."""
    matrix, residual = random_systems(12, 5_000, symmetric)
    count = matrix.shape[0]
    solutions, log_determinants = lapack3.solve3_rows(matrix, residual)
    distance2, log_determinants_too = lapack3.mahalanobis3_rows(residual, matrix)
    assert np.array_equal(log_determinants, log_determinants_too)
    lu, out = np.empty((3, 3)), np.empty(3)
    for index in range(count):
        determinant = lapack3.solve3(matrix[index], residual[index], lu, out)
        assert np.array_equal(out, solutions[index]), index
        assert determinant == log_determinants[index], index
        assert (lapack3.mahalanobis3(residual[index], matrix[index], lu, out)[0]
                == distance2[index]), index
    # The dot product in NumPy's einsum order, (x + z) + y, from the solutions.
    assert np.array_equal(distance2, (residual[:, 0] * solutions[:, 0]
                                      + residual[:, 2] * solutions[:, 2])
                          + residual[:, 1] * solutions[:, 1])


@pytest.fixture(scope="module")
def short_layered_defense() -> Scenario:
    scenario = iadsim.load_scenario("layered-defense")
    return Scenario.model_validate(
        {**scenario.model_dump(), "sim": {**scenario.sim.model_dump(), "duration_s": 240.0}})


@pytest.mark.parametrize("association_cost", ["distance", "coasting_likelihood"])
def test_a_run_with_the_compiled_pass_equals_the_general_way(short_layered_defense,
                                                            association_cost, monkeypatch):
    """240 s of layered-defense, seed 2: the same events and tracks with the compiled pass
    as without it; and the pass did the work (every call of its kind), including
    tentative tracks' later reports that fail the gate in turn and misses before a
    report, which the check must see. Under ``coasting_likelihood`` (the default) the
    pass also prices the coasting candidates' pairs (``max(ln|S| - ln|S_ref|, 0)``):
    candidates coast in many of its calls, and in the general way's run the pricing
    changes some gated pairs' distances, so the equality covers it. (The coasting speed
    gate is off here; with it on, tested below.)"""
    scenario = Scenario.model_validate({
        **short_layered_defense.model_dump(),
        "tracking": {**short_layered_defense.tracking.model_dump(),
                     "association_cost": association_cost, "coast_speed_gate": False}})
    seen = {"calls": 0, "fused": 0, "rejected": 0, "missed": 0, "coasting": 0}
    associate = assignment_pass.associate_scan

    def counted(*arguments):
        result = associate(*arguments)
        seen["calls"] += 1
        seen["fused"] += int(result[0])
        seen["rejected"] += int((~result[3]).any())  # keep
        seen["missed"] += int(result[5])  # any_missed
        time_s, last_update_by_radar_s = arguments[2], arguments[7]
        rows, row_slice, slice_time = arguments[12], arguments[13], arguments[14]
        coasting_cost, site_revisit_s, coast_free_revisits = arguments[-7:-4]
        if coasting_cost:
            coasting, _ = assignment_pass.coasting_candidates(
                rows, slice_time[row_slice], time_s, last_update_by_radar_s, site_revisit_s,
                coast_free_revisits)
            seen["coasting"] += int(coasting.any())
        return result

    priced = {"calls": 0, "pairs": 0}
    coast_pricing = CentralTracker._coast_pricing

    def counted_pricing(self, rows, row_time, measurement_cov, pair_row, pair_measurement,
                        distance2, pricing):
        result = coast_pricing(self, rows, row_time, measurement_cov, pair_row,
                               pair_measurement, distance2, pricing)
        priced["calls"] += 1
        priced["pairs"] += int((result[0] != distance2).sum())
        return result

    with monkeypatch.context() as patch:
        patch.setattr(assignment_pass, "associate_scan", counted)
        patch.setattr(CentralTracker, "_coast_pricing", None)  # must not be called
        result = iadsim.run(scenario, seed=2)
    with monkeypatch.context() as patch:
        patch.setattr(CentralTracker, "_fused_pass", False)
        patch.setattr(assignment_pass, "associate_scan", None)  # must not be called
        patch.setattr(CentralTracker, "_coast_pricing", counted_pricing)
        reference = iadsim.run(scenario, seed=2)
    assert seen["calls"] > 200
    assert seen["fused"] == seen["calls"]
    assert seen["rejected"] > 0
    assert seen["missed"] > 0
    if association_cost == "coasting_likelihood":
        assert seen["coasting"] > seen["calls"] // 2
        assert priced["calls"] == seen["calls"]
        assert priced["pairs"] > 0
    else:
        assert seen["coasting"] == 0
        assert priced["calls"] == 0
    assert (result.events["kind"] == "track_confirm").sum() >= 5
    assert result.events.equals(reference.events)
    assert result.tracks.equals(reference.tracks)


def test_with_the_coasting_speed_gate_a_run_equals_the_general_way(short_layered_defense,
                                                                   monkeypatch):
    """``coast_speed_gate`` (the default): the compiled pass takes the passes with
    speed-gated candidates too (a confirmed waypoint-kind track coasting past its
    allowance) and refuses their pairs itself; the run is the one the general way makes
    for every pass (same events, same tracks), where the gate refuses pairs."""
    scenario = Scenario.model_validate({
        **short_layered_defense.model_dump(),
        "tracking": {**short_layered_defense.tracking.model_dump(), "coast_speed_gate": True}})
    seen = {"calls": 0, "fused": 0, "gated": 0, "general_gate": 0}
    associate, gate = assignment_pass.associate_scan, CentralTracker._gate_coast_speed

    def counted(*arguments):
        result = associate(*arguments)
        seen["calls"] += 1
        seen["fused"] += int(result[0])
        time_s, status, kind_index, last_update_by_radar_s = (
            arguments[2], arguments[4], arguments[5], arguments[7])
        rows, row_slice, slice_time = arguments[12], arguments[13], arguments[14]
        site_revisit_s, coast_free_revisits, speed_gate, waypoint_kinds = arguments[-6:-2]
        assert speed_gate
        coasting, _ = assignment_pass.coasting_candidates(
            rows, slice_time[row_slice], time_s, last_update_by_radar_s, site_revisit_s,
            coast_free_revisits)
        gated = (coasting & (status[rows] == CONFIRMED)
                 & np.isin(kind_index[rows], waypoint_kinds))
        seen["gated"] += int(gated.any() and result[0])
        return result

    def counted_gate(self, *arguments):
        seen["general_gate"] += 1
        return gate(self, *arguments)

    refusals = {"calls": 0, "pairs": 0}

    def counted_refusals(self, rows, row_time, position, position_cov, measurement,
                         measurement_cov, pair_row, pair_measurement, distance2):
        result = gate(self, rows, row_time, position, position_cov, measurement,
                      measurement_cov, pair_row, pair_measurement, distance2)
        refusals["calls"] += 1
        refusals["pairs"] += int((result != distance2).sum())
        return result

    with monkeypatch.context() as patch:
        patch.setattr(assignment_pass, "associate_scan", counted)
        patch.setattr(CentralTracker, "_gate_coast_speed", counted_gate)
        result = iadsim.run(scenario, seed=2)
    with monkeypatch.context() as patch:
        patch.setattr(CentralTracker, "_fused_pass", False)
        patch.setattr(assignment_pass, "associate_scan", None)  # must not be called
        patch.setattr(CentralTracker, "_gate_coast_speed", counted_refusals)
        reference = iadsim.run(scenario, seed=2)
    assert seen["calls"] > 200
    assert seen["fused"] == seen["calls"]  # every pass compiled, the gated ones too
    assert seen["general_gate"] == 0
    assert seen["gated"] > 10
    assert refusals["pairs"] > 0  # the gate acts in the general way's run
    assert result.events.equals(reference.events)
    assert result.tracks.equals(reference.tracks)


def test_the_gate_skips_only_pairs_surely_outside_it():
    """:func:`kernels.gate_every_pair` skips the cofactors of pairs whose one-axis bound
    puts them far outside the gate: it still gives every pair within the gate, with the
    distance the cofactors give, bit for bit, here with tracks and reports close together
    (many pairs near the gate's edge, elongated covariances) and far apart."""
    rng = np.random.default_rng(4)
    tracks, reports = 60, 70
    position = rng.normal(0.0, 3_000.0, (tracks, 3))
    measurement = np.concatenate([position[:35] + rng.normal(0.0, 150.0, (35, 3)),
                                  rng.normal(0.0, 30_000.0, (reports - 35, 3))])
    track_cov = random_covariances(rng, tracks)
    measurement_cov = random_covariances(rng, reports)
    threshold = 16.27
    pairs = kernels.gate_every_pair(position, track_cov, measurement, measurement_cov,
                                    threshold, reports)
    every = np.array([[kernels._pair_distance2(i, j, position, track_cov, measurement,
                                               measurement_cov) for j in range(reports)]
                      for i in range(tracks)])
    inside_track, inside_report = (every <= threshold).nonzero()
    assert 20 < inside_track.size < tracks * reports // 4  # near and far pairs both
    assert np.array_equal(pairs[0], inside_track)
    assert np.array_equal(pairs[1], inside_report)
    assert np.array_equal(pairs[2], every[inside_track, inside_report])
    skipped = sum(kernels._surely_outside(i, j, position, track_cov, measurement,
                                          measurement_cov, threshold)
                  for i in range(tracks) for j in range(reports))
    assert skipped > tracks * reports // 2


def random_table(rng: np.random.Generator, tracks: int) -> dict[str, np.ndarray]:
    """Track table columns (state, covariance, time, hits, kind) for gating: tracks
    close together, some of one plot, some classified ballistic."""
    factor = rng.normal(size=(tracks, 6, 6)) * np.exp(rng.uniform(0.0, 4.0, (tracks, 6, 1)))
    return {
        "state": np.concatenate([rng.normal(0.0, 4_000.0, (tracks, 3)),
                                 rng.normal(0.0, 150.0, (tracks, 3))], axis=1),
        "covariance": factor @ factor.transpose(0, 2, 1) + np.eye(6) * 100.0,
        "time_s": rng.uniform(0.0, 4.0, tracks),
        "hits": rng.integers(1, 4, tracks).astype(np.int32),
        "kind_index": rng.integers(-1, 4, tracks).astype(np.int8),
        "kind_confidence": rng.uniform(0.0, 1.0, tracks)}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ballistic", [False, True])
def test_predicting_only_what_the_gate_reads_gives_the_same_pairs(seed, ballistic):
    """:func:`assignment_pass._predict_and_gate` (each candidate's covariance diagonal
    first, the rest only for a candidate with a pair past the one-axis test) against the
    calls it replaces (:func:`kernels.predict_candidate_positions` of every candidate,
    then :func:`pass_kernels.gate_candidates_by_slice`): the same flag, tests, tracks,
    pairs and distances bit for bit, and the same prediction of every candidate that has
    a pair; several slices, one-plot tracks, gravity for the ballistic ones, a track cut
    to its nearest reports (seed 5: the general gating's flag)."""
    from iadsim.tracking import pass_kernels
    from iadsim.tracking.classification import BALLISTIC

    rng = np.random.default_rng(seed)
    tracks, slices = 40, 3
    table = random_table(rng, tracks)
    slice_time = np.sort(rng.uniform(5.0, 9.0, slices))
    row_slice = np.repeat(np.arange(slices), tracks)
    rows = np.tile(np.arange(tracks), slices)
    chosen = rng.uniform(size=rows.size) < 0.7  # candidates: some of each slice
    rows, row_slice = rows[chosen], row_slice[chosen]
    reports = 12
    report_slice = np.sort(rng.integers(0, slices, reports))
    near = table["state"][rng.integers(0, tracks, reports), :3]
    measurement = near + rng.normal(0.0, 300.0, (reports, 3))
    measurement_cov = random_covariances(rng, reports) * 0.01
    # Each row's ballistic acceleration: gravity plus a drag of its own (ballistic_drag).
    ballistic_acceleration = (np.array([0.0, 0.0, -9.80665])
                              + np.random.default_rng(seed + 100).normal(0.0, 20.0, (tracks, 3)))
    confidence, threshold = 0.6, 14.16
    max_pairs = 1 if seed == 5 else reports
    known = (ballistic & (table["kind_index"][rows] == BALLISTIC)
             & (table["kind_confidence"][rows] >= confidence))
    acceleration = np.where(known[:, None], ballistic_acceleration[rows], 0.0)
    position, position_cov = kernels.predict_candidate_positions(
        table["state"], table["covariance"], table["time_s"], table["hits"], rows,
        slice_time[row_slice], 2.5e5, 3.0, acceleration)
    want = pass_kernels.gate_candidates_by_slice(
        position, position_cov, rows, row_slice, measurement, measurement_cov, report_slice,
        slices, tracks, threshold, max_pairs, 10_000, 100_000)
    got = assignment_pass._predict_and_gate(
        table["state"], table["covariance"], table["time_s"], table["hits"],
        table["kind_index"], table["kind_confidence"], ballistic, BALLISTIC, confidence,
        ballistic_acceleration, rows, row_slice, slice_time, measurement, measurement_cov,
        report_slice, 2.5e5, 3.0, threshold, max_pairs, 10_000, 100_000)
    assert got[0] == want[9]
    assert got[1] == want[4]
    assert np.array_equal(got[2], want[0])
    if seed == 5:
        assert got[0] == 0  # a track with two reports in its gate: cut
        return
    assert want[5].size >= 5  # pairs to compare (the test can fail)
    for mine, theirs in zip(got[3:7], want[5:9], strict=True):
        assert np.array_equal(mine, theirs)
    with_pair = np.unique(want[5])
    assert np.array_equal(got[7][with_pair], position[with_pair])
    assert np.array_equal(got[8][with_pair], position_cov[with_pair])
    assert with_pair.size < rows.size  # most candidates' covariances never predicted


def numpys_updated_speeds(velocity_mps: np.ndarray, velocity_cov_m2s2: np.ndarray,
                          velocity_position_cov: np.ndarray, dt_s: np.ndarray,
                          process_noise_mps2: float, innovation_cov_m2: np.ndarray,
                          residual_m: np.ndarray) -> tuple[np.ndarray, ...]:
    """The coasting speeds in NumPy, as the coasting speed gate computed them before its
    arithmetic was compiled (the reference :func:`coast_gate.updated_speeds` must give to
    the last bit, so that the event logs pinned by that NumPy still hold)."""
    dt = np.asarray(dt_s, dtype=float)[:, None, None]
    identity = np.eye(3)[None, :, :]
    cross = (velocity_position_cov + dt * velocity_cov_m2s2
             + 0.5 * process_noise_mps2**2 * dt**2 * identity)
    # S^-1 r by the tracker's own solve (as the NumPy way called it since 2026-12-02; NumPy's
    # LAPACK rounds by the machine's OpenBLAS kernels: test_the_solve_and_log_determinant_...)
    weighted = lapack3.solve3_rows(np.ascontiguousarray(innovation_cov_m2),
                                   np.ascontiguousarray(residual_m))[0]
    correction = np.einsum("kij,kj->ki", cross, weighted)
    speed = np.linalg.norm(velocity_mps, axis=1)
    direction = velocity_mps / np.maximum(speed, 1e-9)[:, None]
    along = np.einsum("ki,kij,kj->k", direction, velocity_cov_m2s2, direction)
    return (np.linalg.norm(velocity_mps + correction, axis=1), speed,
            np.sqrt(np.maximum(along, 0.0)))


@pytest.mark.parametrize("count", [1, 2, 3, 7, 5_000])
def test_the_coasting_speeds_are_numpys_bit_for_bit(count):
    """:func:`coast_gate.updated_speeds` (compiled, called by both the tracker's NumPy
    path and the scan pass) gives the NumPy reference's three speeds to the last bit (its
    ``einsum`` sums in another order for a single pair: counts of 1 and more), on
    strided and contiguous inputs alike; :func:`coast_gate.refused` refuses what the
    NumPy bounds refuse; and :func:`assignment_pass.refuse_coast_speeds` refuses the
    pairs :func:`coast_gate.refused` refuses, both speeds and margins spread so that
    many pairs lie on either side of the bounds."""
    rng = np.random.default_rng(count)
    repeats = max(1, 2_000 // count)
    for _ in range(repeats):
        posterior = random_covariances(rng, 2 * count).reshape(count, 2, 3, 3)
        covariance = np.zeros((count, 6, 6))
        covariance[:, :3, :3] = posterior[:, 0]
        covariance[:, 3:, 3:] = posterior[:, 1] * 1e-3
        covariance[:, 3:, :3] = rng.normal(size=(count, 3, 3)) * 50.0
        covariance[:, :3, 3:] = covariance[:, 3:, :3].transpose(0, 2, 1)
        velocity = rng.normal(size=(count, 3)) * np.exp(rng.uniform(0.0, 7.0, (count, 1)))
        dt = rng.uniform(0.0, 90.0, count)
        innovation = random_covariances(rng, count)
        residual = rng.normal(size=(count, 3)) * np.exp(rng.uniform(0.0, 8.0, (count, 1)))
        expected = numpys_updated_speeds(velocity, covariance[:, 3:, 3:],
                                         covariance[:, 3:, :3], dt, 30.0, innovation,
                                         residual)
        got = coast_gate.updated_speeds(
            velocity, np.ascontiguousarray(covariance[:, 3:, 3:]),
            np.ascontiguousarray(covariance[:, 3:, :3]), dt, 30.0, innovation, residual)
        for mine, numpys in zip(got, expected, strict=True):
            assert np.array_equal(mine, numpys)
        updated, speed, sigma = expected
        margin, sigmas = 0.5, 3.0
        numpys_bounds = ((updated > (1.0 + margin) * speed + sigmas * sigma)
                         | (updated < speed / (1.0 + margin) - sigmas * sigma))
        assert np.array_equal(
            coast_gate.refused(velocity, covariance[:, 3:, 3:], covariance[:, 3:, :3], dt,
                               30.0, innovation, residual, margin, sigmas), numpys_bounds)
        # The gate itself, through the pass's kernel: each pair its own candidate (a
        # confirmed aircraft coasting), at the origin (its residual the report).
        rows = np.arange(count)
        state = np.zeros((count, 6))
        state[:, 3:] = velocity
        distance2 = rng.uniform(0.0, 16.0, count)
        refused_distance2 = distance2.copy()
        refused = assignment_pass.refuse_coast_speeds(
            refused_distance2, rows, rows, rows, dt, np.zeros((count, 3)),
            innovation * 0.5, residual, np.ascontiguousarray(innovation * 0.5), state,
            covariance, np.zeros(count), np.full(count, CONFIRMED, dtype=np.int8),
            np.full(count, AIRCRAFT, dtype=np.int8), WAYPOINT_KINDS, np.zeros((count, 1)),
            np.array([0.0]), 2.0, 30.0, margin, sigmas, 16.0)
        numpys_refused = coast_gate.refused(velocity, covariance[:, 3:, 3:],
                                            covariance[:, 3:, :3], dt, 30.0,
                                            innovation * 0.5 + innovation * 0.5, residual,
                                            margin, sigmas)
        assert refused == numpys_refused.sum()
        assert np.array_equal(refused_distance2 == 17.0, numpys_refused)
        assert np.array_equal(refused_distance2[~numpys_refused], distance2[~numpys_refused])
        if count > 100:
            assert 0.02 * count < refused < 0.98 * count, refused
