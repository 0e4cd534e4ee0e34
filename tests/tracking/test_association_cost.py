"""The likelihood cost of the GNN assignment (``tracking.association_cost: likelihood``).

The association is driven directly: tracks are predicted positions and covariances (the
picture), reports are positions and covariances; the truth, where a test has one, only
places the reports. The gain ``G_L - d^2 - ln|S|`` (:func:`association.likelihood_gain`)
is compared with the classic ``G - d^2`` on the cases it is for (a coasting track beside
a live one) and on cases it must not change (crossing targets that each keep a report).
"""

from __future__ import annotations

import numpy as np
import pytest
from test_imm_crowd import track_changes
from test_tracker import two_sites

from iadsim.errors import ScenarioError
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import Tracking
from iadsim.tracking import association, kernels, pass_kernels, score
from iadsim.tracking.association import (
    DENSE_ASSIGNMENT_SIZE,
    assign,
    gated_pairs,
    likelihood_distance2,
    likelihood_gain,
    likelihood_gate,
)
from iadsim.tracking.tracker import CONFIRMED, TENTATIVE, chi_square_quantile

GATE = chi_square_quantile(0.9999, 3)
DETECTION_PROBABILITY = 0.8
NEW_TARGET_RATIO = 1.0
#: A false-alarm density (per m^3 and scan) of a surveillance radar about 100 km out.
FALSE_ALARM_DENSITY = 1e-15

__all__ = ["two_sites"]


def isotropic(count: int, sigma_m: float) -> np.ndarray:
    return np.tile(np.eye(3) * sigma_m**2, (count, 1, 1))


def random_covariances(rng: np.random.Generator, count: int, low_m: float,
                       high_m: float) -> np.ndarray:
    """Rotated covariances with sigmas between ``low_m`` and ``high_m`` (count, 3, 3)."""
    rotation = np.linalg.qr(rng.normal(size=(count, 3, 3)))[0]
    sigma = rng.uniform(low_m, high_m, size=(count, 3))
    return np.einsum("nij,nj,nkj->nik", rotation, sigma**2, rotation)


def gains(track_position, track_cov, measurement, measurement_cov, cost: str,
          density=FALSE_ALARM_DENSITY):
    """Gated pairs and their gains under ``cost``, as the tracker forms them."""
    track_index, measurement_index, distance2 = gated_pairs(
        track_position, track_cov, measurement, measurement_cov, GATE)
    if cost == "distance":
        return track_index, measurement_index, GATE - distance2
    gate = likelihood_gate(DETECTION_PROBABILITY,
                           np.full(measurement.shape[0], density), NEW_TARGET_RATIO)
    log_determinant = kernels.pair_log_determinant(track_cov, measurement_cov,
                                                   track_index, measurement_index)
    return (track_index, measurement_index,
            likelihood_gain(distance2, log_determinant, gate[measurement_index]))


def assigned(track_position, track_cov, measurement, measurement_cov, cost: str,
             density=FALSE_ALARM_DENSITY) -> list[tuple[int, int]]:
    track_index, measurement_index, gain = gains(track_position, track_cov, measurement,
                                                 measurement_cov, cost, density)
    tracks, reports = assign(track_index, measurement_index, gain,
                             track_position.shape[0], measurement.shape[0])
    return list(zip(tracks.tolist(), reports.tolist(), strict=True))


def test_the_option_is_checked():
    assert Tracking().association_cost == "distance"
    assert Tracking(association_cost="likelihood").association_cost == "likelihood"
    with pytest.raises(ValueError, match="association_cost"):
        Tracking(association_cost="probability")


def test_a_bad_association_cost_is_one_line_naming_the_field():
    document = {"name": "bad", "origin": {"lat_deg": 0.0, "lon_deg": 0.0},
                "sim": {"duration_s": 10.0}, "tracking": {"association_cost": "nearest"}}
    with pytest.raises(ScenarioError) as raised:
        scenario_from_dict(document)
    (line,) = str(raised.value).splitlines()
    assert "tracking.association_cost" in line and "'distance' or 'likelihood'" in line


@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_log_determinant_agrees_with_numpy(seed):
    """The tracker's compiled ``ln|P + R|`` (cofactors) and the NumPy reference (LU) on
    rotated covariances from 10 m to 20 km, pairs repeated and in any order."""
    rng = np.random.default_rng(seed)
    track_cov = random_covariances(rng, 40, 10.0, 20_000.0)
    measurement_cov = random_covariances(rng, 30, 5.0, 500.0)
    track_index = rng.integers(0, 40, size=500)
    measurement_index = rng.integers(0, 30, size=500)
    compiled = kernels.pair_log_determinant(track_cov, measurement_cov, track_index,
                                            measurement_index)
    reference = association.pair_log_determinant(track_cov, measurement_cov, track_index,
                                                 measurement_index)
    np.testing.assert_allclose(compiled, reference, rtol=1e-12, atol=1e-9)
    assert np.ptp(compiled) > 10.0  # widths over e^10 apart: not one scale


@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_shifted_distance_agrees_with_the_numpy_composition(seed):
    """The tracker's one compiled loop (:func:`kernels.likelihood_distance2`: each
    report's false-alarm density from its radar's constant, range and elevation, G_L,
    ln|S|) against NumPy's :func:`score.false_alarm_density`, :func:`likelihood_gate`,
    :func:`association.pair_log_determinant` and :func:`likelihood_distance2`; reports
    from 10 m (the density's range floor) to 300 km, at elevations up to 90 degrees (its
    cosine floor), one radar without false alarms (the density floor)."""
    rng = np.random.default_rng(seed)
    track_cov = random_covariances(rng, 30, 10.0, 5_000.0)
    measurement_cov = random_covariances(rng, 25, 5.0, 300.0)
    polar = np.column_stack([rng.uniform(0.0, 300_000.0, 25), rng.uniform(-np.pi, np.pi, 25),
                             rng.uniform(0.0, np.pi / 2, 25)])
    polar[0, 0], polar[1, 2] = 0.5, np.pi / 2
    constant = np.where(rng.random(25) < 0.2, 0.0, 10.0 ** rng.uniform(-7.0, -3.0, 25))
    track_index = rng.integers(0, 30, size=400)
    measurement_index = rng.integers(0, 25, size=400)
    distance2 = rng.uniform(0.0, GATE, size=400)
    compiled = kernels.likelihood_distance2(
        distance2, track_cov, measurement_cov, track_index, measurement_index, constant,
        polar, association.likelihood_log_odds(DETECTION_PROBABILITY, NEW_TARGET_RATIO),
        GATE)
    gate = likelihood_gate(DETECTION_PROBABILITY,
                           score.false_alarm_density(constant, polar[:, 0], polar[:, 2]),
                           NEW_TARGET_RATIO)
    reference = likelihood_distance2(
        distance2, association.pair_log_determinant(track_cov, measurement_cov, track_index,
                                                     measurement_index),
        gate[measurement_index], GATE)
    np.testing.assert_allclose(compiled, reference, rtol=1e-12, atol=1e-9)
    assert np.ptp(compiled) > 50.0


def test_the_likelihood_gain_is_twice_the_score_of_the_plot_against_a_miss():
    """``G_L - d^2 - ln|S|`` = 2 (plot score - miss score) - 2 ln(1 + rho), the track
    score's increments (:mod:`iadsim.tracking.score`): the same Blackman formulation."""
    rng = np.random.default_rng(4)
    innovation_cov = random_covariances(rng, 20, 20.0, 3_000.0)
    distance2 = rng.uniform(0.0, GATE, size=20)
    density = 10.0 ** rng.uniform(-18.0, -9.0, size=20)
    gain = likelihood_gain(distance2, np.linalg.slogdet(innovation_cov)[1],
                           likelihood_gate(DETECTION_PROBABILITY, density, NEW_TARGET_RATIO))
    plot = score.plot_score(DETECTION_PROBABILITY, density, distance2, innovation_cov)
    miss = score.miss_score(DETECTION_PROBABILITY)
    np.testing.assert_allclose(gain, 2.0 * (plot - miss) - 2.0 * np.log1p(NEW_TARGET_RATIO),
                               rtol=1e-12, atol=1e-9)


def test_the_shifted_distance_gives_the_likelihood_gain_as_g_minus_d():
    """The tracker passes ``D`` (:func:`likelihood_distance2`) where it passed ``d^2``,
    and forms ``G - D``: that is the likelihood gain."""
    distance2, log_determinant = np.array([1.0, 7.5]), np.array([25.0, 40.0])
    gate = np.array([60.0, 45.0])
    shifted = likelihood_distance2(distance2, log_determinant, gate, GATE)
    np.testing.assert_allclose(GATE - shifted,
                               likelihood_gain(distance2, log_determinant, gate), rtol=1e-14)


def test_a_coasting_track_beside_a_live_one_does_not_take_its_report():
    """Two tracks 1.5 km apart: the dead target's track has coasted (700 m sigma), the
    live one is tight (60 m with its report's errors). The live target's report lies 200 m
    off its track's prediction toward the dead one (the picture is not the truth: its
    track lags): d^2 is 11.1 from its own track and 3.4 from the wide one, so ``G - d^2``
    gives the report to the coasting track; its ln|S| (39.3 against 24.6) gives it to the
    live track under the likelihood (gains G_L - 35.7 against G_L - 42.7)."""
    track_position = np.array([[0.0, 0.0, 10_000.0], [0.0, 1_500.0, 10_000.0]])
    track_cov = np.stack([np.eye(3) * 700.0**2, np.eye(3) * 50.0**2])
    report = np.array([[0.0, 1_300.0, 10_000.0]])
    report_cov = isotropic(1, 33.0)
    assert assigned(track_position, track_cov, report, report_cov, "distance") == [(0, 0)]
    assert assigned(track_position, track_cov, report, report_cov, "likelihood") == [(1, 0)]


def test_a_coasting_track_keeps_its_own_report_when_alone():
    """The same wide track with nothing beside it keeps its target's report (600 m off)
    under the likelihood at the usual false-alarm density (its gain G_L - d^2 - ln|S| is
    positive: G_L = 65.0, ln|S| = 39.3, d^2 = 0.7): the cost reorders contested reports,
    it does not starve a coasting track."""
    track_position = np.array([[0.0, 0.0, 10_000.0]])
    track_cov = isotropic(1, 700.0)
    report = np.array([[600.0, 0.0, 10_000.0]])
    report_cov = isotropic(1, 33.0)
    assert assigned(track_position, track_cov, report, report_cov, "likelihood") == [(0, 0)]
    # In clutter a thousand million times denser (1e-6 per m^3) the same report is more
    # likely a false alarm than the coasting target: the gain is negative.
    assert assigned(track_position, track_cov, report, report_cov, "likelihood",
                    density=1e-6) == []


@pytest.mark.parametrize("cost", ["distance", "likelihood"])
def test_crossing_targets_each_keep_the_report_near_its_prediction(cost):
    """Two targets crossing: their tracks have passed each other, predicted 200 m apart
    on the crossing line, one wide (it coasted a scan), one tight. Each report lies near
    one prediction (50 m and 30 m off; the picture is not the truth). When both tracks
    take a report, the ln|S| of the two pairs sum alike either way, so the likelihood
    assigns as the distance does: each track its own report, no swap."""
    track_position = np.array([[-100.0, 0.0, 5_000.0], [100.0, 0.0, 5_000.0]])
    track_cov = np.stack([np.eye(3) * 300.0**2, np.eye(3) * 40.0**2])
    report = np.array([[-60.0, 30.0, 5_000.0], [120.0, -20.0, 5_010.0]])
    report_cov = isotropic(2, 30.0)
    assert assigned(track_position, track_cov, report, report_cov, cost) == [(0, 0), (1, 1)]


@pytest.mark.parametrize("seed", range(6))
def test_the_compiled_and_the_numpy_paths_assign_alike_under_the_likelihood(seed):
    """A crowded picture (60 tracks, tentative and confirmed, 50 reports in a 4 km cube,
    coasting and fresh covariances): the likelihood gains from the compiled log-determinant
    assigned by the tracker's compiled two passes (:func:`pass_kernels.
    assign_confirmed_first`) and from NumPy's assigned by :func:`association.assign`
    (the path of IMM-priced pairs and of large clusters), confirmed tracks first."""
    rng = np.random.default_rng(seed)
    tracks, reports = 60, 50
    track_position = rng.uniform(0.0, 4_000.0, size=(tracks, 3))
    track_cov = random_covariances(rng, tracks, 30.0, 900.0)
    measurement = rng.uniform(0.0, 4_000.0, size=(reports, 3))
    measurement_cov = random_covariances(rng, reports, 20.0, 150.0)
    status = np.where(rng.random(tracks) < 0.6, CONFIRMED, TENTATIVE).astype(np.int8)
    track_index, measurement_index, distance2 = gated_pairs(
        track_position, track_cov, measurement, measurement_cov, GATE)
    gate = likelihood_gate(DETECTION_PROBABILITY,
                           10.0 ** rng.uniform(-14.0, -10.0, size=reports), NEW_TARGET_RATIO)
    compiled_gain = likelihood_gain(distance2, kernels.pair_log_determinant(
        track_cov, measurement_cov, track_index, measurement_index), gate[measurement_index])
    numpy_gain = likelihood_gain(distance2, association.pair_log_determinant(
        track_cov, measurement_cov, track_index, measurement_index), gate[measurement_index])
    assert (compiled_gain <= 0.0).any() and (compiled_gain > 0.0).sum() > tracks // 2
    chosen_tracks, chosen_reports, solved = pass_kernels.assign_confirmed_first(
        track_index, measurement_index, compiled_gain, status[track_index], tracks, reports,
        DENSE_ASSIGNMENT_SIZE)
    assert solved
    fallback = []
    free = np.ones(reports, dtype=bool)
    for wanted in (CONFIRMED, TENTATIVE):
        usable = (status[track_index] == wanted) & free[measurement_index]
        rows, columns = assign(track_index[usable], measurement_index[usable],
                               numpy_gain[usable], tracks, reports)
        fallback += list(zip(rows.tolist(), columns.tolist(), strict=True))
        free[columns] = False
    compiled = list(zip(chosen_tracks.tolist(), chosen_reports.tolist(), strict=True))
    assert compiled == fallback
    assert len(compiled) > 10
    # And the likelihood is not the distance here: some track takes another report.
    classic = assign(track_index, measurement_index, GATE - distance2, tracks, reports)
    assert sorted(compiled) != sorted(zip(*(part.tolist() for part in classic), strict=True))


@pytest.mark.xfail(strict=True, reason="a limit of the likelihood cost: in a crowd in "
                   "clutter its ln|S| term moves reports between neighbours whose "
                   "covariances differ; see benchmarks/README.md, the likelihood association cost")
def test_the_likelihood_cost_holds_crossing_groups_in_clutter_as_the_distance_does(
        two_sites):
    """The crossing groups of tests/tracking/test_imm_crowd.py (six abreast 300 m apart
    crossing six, Pd 0.9, ten false alarms a scan around them; CV filter, seeds 1-3): the
    track holding a target changes 5 times under ``G - d^2`` and 15 under the likelihood
    (3, 11, 1; the same with P_D so near 1 that no pair's gain is cut: it is the ln|S|
    reordering, not the likelihood gate). Likely the mirror of the ghost case: a tighter
    neighbour's smaller ln|S| wins a report d^2 leaves with a track whose covariance grew
    (a miss at Pd 0.9; not yet traced report by report)."""
    def changes(cost: str) -> int:
        return sum(track_changes(two_sites, "cv", seed, association_cost=cost)
                   for seed in (1, 2, 3))

    assert changes("likelihood") <= changes("distance") + 2
