"""The likelihood cost of the GNN assignment against a hand-computed 2 x 2 case.

Source: Blackman and Popoli, Design and Analysis of Modern Tracking Systems (1999), ch. 6
(the track score of sec. 6.2, its plot increment ``ln(P_D N(r; 0, S) / beta)`` and miss
increment ``ln(1 - P_D)``; the generalized statistical distance ``d^2 + ln|S|`` of GNN
assignment and its maximum-likelihood gate). The assignment of track ``i`` to report
``j`` is worth, against leaving both unpaired (the track missed, the report a false alarm
or a new target of density ``(1 + rho) beta``), twice the log-likelihood ratio

    ``g_ij = G_L - d_ij^2 - ln|S_ij|``,  ``G_L = 2 ln(P_D / ((1 - P_D) (1 + rho) beta
    (2 pi)^(3/2)))``;

an assignment ``M`` costs ``sum over M of (d^2 + ln|S|) + G_L x (tracks left
unassigned)``, which is ``n G_L - sum over M of g``: the cheapest is the largest summed gain.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from iadsim.tracking import kernels
from iadsim.tracking.association import assign, gated_pairs, likelihood_gain, likelihood_gate
from iadsim.tracking.tracker import chi_square_quantile

#: P_D = 0.8, rho = 1, beta = 1e-9 per m^3 (dense clutter):
#: G_L = 2 (ln 4 - ln 2 + 20.723265837 - 2.756815600) = 37.319194836.
HAND_GATE = 37.319194836
#: Track 1 coasting, S = 250,000 I m^2 (500 m sigma): ln|S| = 3 ln 250000 = 37.287648590.
#: Track 2 tight, S = 2,500 I m^2 (50 m sigma): ln|S| = 3 ln 2500 = 23.472138033.
#: Track 1 at the origin, track 2 at (1500, 0, 0) m; report 1 at (1350, 0, 0) m, report 2
#: at (1500, 0, 160) m. d^2: (1, 1) 1350^2 / 250000 = 7.29; (1, 2) (1500^2 + 160^2) /
#: 250000 = 9.1024; (2, 1) 150^2 / 2500 = 9.0; (2, 2) 160^2 / 2500 = 10.24.
#: Gains g = G_L - d^2 - ln|S| by (track, report):
HAND_GAINS = {(0, 0): 37.319194836 - 7.29 - 37.287648590,  # -7.258453754
              (0, 1): 37.319194836 - 9.1024 - 37.287648590,  # -9.070853754
              (1, 0): 37.319194836 - 9.0 - 23.472138033,  # 4.847056803
              (1, 1): 37.319194836 - 10.24 - 23.472138033}  # 3.607056803
#: The seven assignments' costs, sum (d^2 + ln|S|) + G_L per unassigned track: the
#: cheapest is track 2 with report 1 alone, (9.0 + 23.472138033) + 37.319194836; the
#: others: none 74.638389672, {(1,2)} 71.031332869, {(1,1),(2,2)} 78.289786623, ...
HAND_BEST_COST = 69.791332869


def picture():
    track_position = np.array([[0.0, 0.0, 0.0], [1_500.0, 0.0, 0.0]])
    track_cov = np.stack([np.eye(3) * 250_000.0, np.eye(3) * 2_500.0])
    report = np.array([[1_350.0, 0.0, 0.0], [1_500.0, 0.0, 160.0]])
    # The innovation covariances are the tracks' here: reports of negligible error.
    report_cov = np.tile(np.eye(3) * 1e-9, (2, 1, 1))
    return track_position, track_cov, report, report_cov


def test_the_gate_constant_is_blackmans():
    """G_L for P_D 0.8, rho 1, beta 1e-9 per m^3, to 1e-10 relative."""
    gate = likelihood_gate(0.8, np.array([1e-9]), 1.0)
    assert gate[0] == pytest.approx(HAND_GATE, rel=1e-10)


def test_the_gains_and_the_assignment_of_a_hand_computed_two_by_two_case():
    """The four gains to 1e-9 (absolute; the hand values carry nine decimals), the
    cheapest assignment's cost, and the assignment: the coasting track 1 takes nothing
    (its gains are negative: missed is likelier than either report), track 2 takes report
    1. The classic gain G - d^2 (G the chi-square 99.99 % gate, 21.1) gives report 1 to
    the coasting track and report 2 to track 2 (7.29 < 9.0)."""
    track_position, track_cov, report, report_cov = picture()
    gate_threshold = chi_square_quantile(0.9999, 3)
    track_index, report_index, distance2 = gated_pairs(track_position, track_cov, report,
                                                       report_cov, gate_threshold)
    assert sorted(zip(track_index.tolist(), report_index.tolist(), strict=True)) == sorted(
        HAND_GAINS)
    gain = likelihood_gain(
        distance2, kernels.pair_log_determinant(track_cov, report_cov, track_index,
                                                report_index),
        likelihood_gate(0.8, np.full(2, 1e-9), 1.0)[report_index])
    for track, reported, value in zip(track_index.tolist(), report_index.tolist(),
                                      gain.tolist(), strict=True):
        assert value == pytest.approx(HAND_GAINS[track, reported], abs=1e-8)
    # Every assignment's cost, n G_L - summed gain; the cheapest is the hand's.
    by_pair = dict(zip(zip(track_index.tolist(), report_index.tolist(), strict=True),
                       gain.tolist(), strict=True))
    costs = {}
    for size in range(3):
        for pairs in itertools.combinations(sorted(by_pair), size):
            if len({t for t, _ in pairs}) == size and len({r for _, r in pairs}) == size:
                costs[pairs] = 2 * HAND_GATE - sum(by_pair[pair] for pair in pairs)
    assert len(costs) == 7
    best = min(costs, key=costs.get)
    assert best == ((1, 0),)
    assert costs[best] == pytest.approx(HAND_BEST_COST, abs=1e-8)
    tracks, reports = assign(track_index, report_index, gain, 2, 2)
    assert list(zip(tracks.tolist(), reports.tolist(), strict=True)) == [(1, 0)]
    tracks, reports = assign(track_index, report_index, gate_threshold - distance2, 2, 2)
    assert list(zip(tracks.tolist(), reports.tolist(), strict=True)) == [(0, 0), (1, 1)]
