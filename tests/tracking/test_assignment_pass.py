"""The scan pass's gate, assignment, check in turn, plot score and update in two compiled
calls (:mod:`iadsim.tracking.assignment_pass`) give, bit for bit, what the general way
(NumPy and the smaller kernels) gives: the 3 x 3 solve and log determinant against
NumPy's LAPACK on random matrices, and a run of ``layered-defense`` (clutter, several
radars at several look times a step, tentative tracks whose later reports fail the gate
in turn or come after misses, and under ``coasting_likelihood`` tracks that coast past
their allowance) where both ways must log the same events and leave the same tracks."""

from __future__ import annotations

import numpy as np
import pytest

import iadsim
from iadsim.scenario.schema import Scenario
from iadsim.tracking import assignment_pass, kernels
from iadsim.tracking.tracker import CentralTracker


def random_covariances(rng: np.random.Generator, count: int) -> np.ndarray:
    """Symmetric positive definite 3 x 3 matrices over many scales and shapes."""
    factor = rng.normal(size=(count, 3, 3)) * np.exp(rng.uniform(0.0, 8.0, (count, 3, 1)))
    return (factor @ factor.transpose(0, 2, 1)
            + np.eye(3) * np.exp(rng.uniform(0.0, 10.0, (count, 1, 1))))


@pytest.mark.parametrize("symmetric", [True, False])
def test_the_solve_and_log_determinant_are_numpys_bit_for_bit(symmetric):
    """``np.linalg.solve`` (with the ``einsum`` of ``r^T S^-1 r``) and
    ``np.linalg.slogdet``: every bit, on matrices whose LU pivots in every order."""
    rng = np.random.default_rng(11)
    count = 20_000
    matrix = (random_covariances(rng, count) if symmetric
              else rng.normal(size=(count, 3, 3)) * np.exp(rng.uniform(-3.0, 3.0,
                                                                       (count, 1, 1))))
    residual = rng.normal(size=(count, 3)) * np.exp(rng.uniform(0.0, 6.0, (count, 1)))
    solution = np.linalg.solve(matrix, residual[..., None])[..., 0]
    distance2 = np.einsum("ki,ki->k", residual, solution)
    log_determinant = np.linalg.slogdet(matrix)[1]
    lu, out = np.empty((3, 3)), np.empty(3)
    for index in range(count):
        determinant = assignment_pass.solve3(matrix[index], residual[index], lu, out)
        assert np.array_equal(out, solution[index]), index
        assert determinant == log_determinant[index], index
        if symmetric:
            assert (assignment_pass.mahalanobis3(residual[index], matrix[index], lu, out)[0]
                    == distance2[index]), index


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
    gate is off here: a pass it gates takes the general way, tested below.)"""
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
        seen["rejected"] += int((~result[4]).any())
        seen["missed"] += int(result[7])
        time_s, last_update_by_radar_s = arguments[2], arguments[7]
        rows, row_slice, slice_time = arguments[12], arguments[13], arguments[14]
        coasting_cost, site_revisit_s, coast_free_revisits = arguments[-3:]
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
    """``coast_speed_gate`` (the default): the passes with a speed-gated candidate take
    the general way, the others the compiled pass; the run is the one the general way
    makes for every pass (same events, same tracks), and both kinds of pass occur."""
    scenario = Scenario.model_validate({
        **short_layered_defense.model_dump(),
        "tracking": {**short_layered_defense.tracking.model_dump(), "coast_speed_gate": True}})
    seen = {"fused": 0, "gated": 0}
    associate, gate = assignment_pass.associate_scan, CentralTracker._gate_coast_speed

    def counted(*arguments):
        seen["fused"] += 1
        return associate(*arguments)

    def counted_gate(self, *arguments):
        seen["gated"] += 1
        return gate(self, *arguments)

    with monkeypatch.context() as patch:
        patch.setattr(assignment_pass, "associate_scan", counted)
        patch.setattr(CentralTracker, "_gate_coast_speed", counted_gate)
        result = iadsim.run(scenario, seed=2)
    with monkeypatch.context() as patch:
        patch.setattr(CentralTracker, "_fused_pass", False)
        patch.setattr(assignment_pass, "associate_scan", None)  # must not be called
        reference = iadsim.run(scenario, seed=2)
    assert seen["fused"] > 100 and seen["gated"] > 0
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
