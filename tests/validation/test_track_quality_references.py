"""OSPA and GOSPA against hand-computed cases, their definitions and Stone Soup.

Sources: Schuhmacher, Vo and Vo, IEEE Trans. Signal Processing 56(8), 2008, eq. (3) (OSPA);
Rahmathullah, Garcia-Fernandez and Svensson, FUSION 2017, arXiv:1601.05585, eqs. (1)-(2)
(GOSPA). Stone Soup 1.9 (``stonesoup.metricgenerator.ospametric``) as a peer library when
it is installed (the ``bench`` extra).
"""

from __future__ import annotations

from datetime import datetime
from itertools import permutations

import numpy as np
import pytest

from iadsim.analysis import track_quality
from iadsim.analysis.track_quality import gospa, gospa_parts, ospa

# Two estimates, two truths in the plane where the assignment that minimizes the sum of
# distances (x1-y2 at 0 and x2-y1 at 1.9: 1.9) is not the one that minimizes the sum of
# squared distances (x1-y1 and x2-y2, both at 1: 2 against 0 + 3.61).
X2_EAST = -0.805
X2_NORTH = float(np.sqrt(1.0 - X2_EAST**2))
CROSSED_ESTIMATES = np.array([[0.0, 0.0], [X2_EAST, X2_NORTH]])
CROSSED_TRUTHS = np.array([[1.0, 0.0], [0.0, 0.0]])


def brute_force(estimates, truths, c, p, alpha=None):
    """The definitions term by term: every injection of the smaller set into the larger."""
    small, large = sorted((estimates, truths), key=len)
    n, m = len(large), len(small)
    if n == 0:
        return 0.0
    best = min((sum(min(c, float(np.linalg.norm(small[i] - large[j]))) ** p
                    for i, j in enumerate(chosen))
                for chosen in permutations(range(n), m)), default=0.0)
    if alpha is None:
        return ((best + c**p * (n - m)) / n) ** (1 / p)
    return (best + c**p / alpha * (n - m)) ** (1 / p)


def test_hand_computed_ospa_and_gospa_with_one_extra_truth():
    """X = {(0, 0)}, Y = {(3, 4), (100, 0)}, c = 10: the pair at 5, one truth unmatched.
    OSPA p=1: (5 + 10) / 2 = 7.5; p=2: sqrt((25 + 100) / 2); GOSPA p=1, alpha=2:
    5 + 10 / 2 = 10; p=2, alpha=1: sqrt(25 + 100). Exact to 1e-12."""
    estimates, truths = np.array([[0.0, 0.0]]), np.array([[3.0, 4.0], [100.0, 0.0]])
    assert ospa(estimates, truths, c=10.0, p=1) == pytest.approx(7.5, abs=1e-12)
    assert ospa(estimates, truths, c=10.0, p=2) == pytest.approx(np.sqrt(62.5), abs=1e-12)
    assert gospa(estimates, truths, c=10.0, p=1) == pytest.approx(10.0, abs=1e-12)
    assert gospa(estimates, truths, c=10.0, p=2, alpha=1) == pytest.approx(np.sqrt(125.0),
                                                                           abs=1e-12)
    parts = gospa_parts(estimates, truths, c=10.0, p=1)
    assert (parts.localisation, parts.missed, parts.false, parts.assigned) == (5.0, 5.0, 0.0, 1)


def test_p_two_minimizes_the_sum_of_squares_not_the_sum_of_distances():
    """Hand-computed: with p = 2 the optimal pairs are both at distance 1, so OSPA =
    sqrt((1 + 1) / 2) = 1 and GOSPA = sqrt(2); pairing by the smaller sum of distances
    (0 and 1.9) would give sqrt(3.61 / 2) = 1.343. With p = 1 that other pairing wins:
    OSPA = 1.9 / 2. Exact to 1e-9."""
    assert np.linalg.norm(CROSSED_ESTIMATES[1] - CROSSED_TRUTHS[0]) == pytest.approx(1.9)
    assert ospa(CROSSED_ESTIMATES, CROSSED_TRUTHS, c=10.0, p=2) == pytest.approx(1.0, abs=1e-9)
    assert gospa(CROSSED_ESTIMATES, CROSSED_TRUTHS, c=10.0, p=2) == pytest.approx(
        np.sqrt(2.0), abs=1e-9)
    assert ospa(CROSSED_ESTIMATES, CROSSED_TRUTHS, c=10.0, p=1) == pytest.approx(0.95,
                                                                                abs=1e-9)


def test_empty_sets():
    """Schuhmacher et al. 2008: 0 for two empty sets, c when exactly one is empty.
    GOSPA: (k c^p / alpha)^(1/p) for k points against none. Exact."""
    three = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [5.0, 5.0, 5.0]])
    none = np.zeros((0, 3))
    assert ospa(none, none, c=7.0, p=2) == 0.0
    assert ospa(np.array([]), [], c=7.0) == 0.0
    assert ospa(three, none, c=7.0, p=2) == 7.0
    assert ospa(none, three, c=7.0, p=3) == pytest.approx(7.0, abs=1e-12)
    assert gospa(none, none, c=7.0) == 0.0
    assert gospa(three, np.array([]), c=7.0, p=2) == pytest.approx(np.sqrt(3 * 49 / 2))
    assert gospa(none, three, c=7.0, p=1, alpha=1) == pytest.approx(21.0)
    parts = gospa_parts(three, none, c=7.0, p=1)
    assert (parts.missed, parts.false) == (0.0, 3 * 3.5)


def test_cut_off_caps_every_pair():
    """Every pair beyond c: OSPA = c whatever the cardinalities (eq. (3) with d^(c) = c).
    Exact to 1e-12."""
    estimates = np.array([[0.0, 0.0], [0.0, 100.0]])
    truths = np.array([[50.0, 0.0], [50.0, 100.0], [50.0, 200.0]])
    assert ospa(estimates, truths, c=20.0, p=2) == pytest.approx(20.0, abs=1e-12)
    parts = gospa_parts(estimates, truths, c=20.0, p=2)
    assert (parts.assigned, parts.localisation) == (0, 0.0)
    assert parts.distance == pytest.approx(np.sqrt(5 * 400 / 2))


@pytest.mark.parametrize("p", [1.0, 2.0, 3.5])
def test_agrees_with_the_definition_by_exhaustive_search(p):
    """Random sets of up to 5 points in 3-D: equal to the definitions evaluated over every
    injection (brute force), rtol 1e-12."""
    generator = np.random.default_rng(18)
    for _ in range(40):
        estimates = generator.uniform(0, 30, (generator.integers(0, 6), 3))
        truths = generator.uniform(0, 30, (generator.integers(0, 6), 3))
        assert ospa(estimates, truths, c=12.0, p=p) == pytest.approx(
            brute_force(estimates, truths, 12.0, p), rel=1e-12, abs=1e-12)
        for alpha in (1.0, 2.0):
            assert gospa(estimates, truths, c=12.0, p=p, alpha=alpha) == pytest.approx(
                brute_force(estimates, truths, 12.0, p, alpha), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("p", [1.0, 2.0])
def test_clustered_solution_equals_the_dense_one(monkeypatch, p):
    """Large sets are solved cluster by cluster (pairs within c): the same optimum as one
    dense assignment, rtol 1e-12 (crowded points, so clusters hold several pairs)."""
    generator = np.random.default_rng(7)
    truths = generator.uniform(0, 2_000, (300, 2))
    estimates = np.concatenate([truths[:250] + generator.normal(0, 15, (250, 2)),
                                generator.uniform(0, 2_000, (40, 2))])
    clustered_ospa = ospa(estimates, truths, c=50.0, p=p)
    clustered_parts = gospa_parts(estimates, truths, c=50.0, p=p)
    monkeypatch.setattr(track_quality, "DENSE_PAIRS_LIMIT", 10**9)
    assert clustered_ospa == pytest.approx(ospa(estimates, truths, c=50.0, p=p), rel=1e-12)
    dense_parts = gospa_parts(estimates, truths, c=50.0, p=p)
    assert clustered_parts.assigned == dense_parts.assigned
    assert clustered_parts.distance == pytest.approx(dense_parts.distance, rel=1e-12)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: ospa(np.zeros((1, 2)), np.zeros((1, 2)), c=0.0), "c must be"),
    (lambda: ospa(np.zeros((1, 2)), np.zeros((1, 2)), c=np.inf), "c must be"),
    (lambda: ospa(np.zeros((1, 2)), np.zeros((1, 2)), c=1.0, p=0.5), "p must be"),
    (lambda: ospa(np.zeros((1, 2)), np.zeros((1, 2)), c=1.0, p=np.inf), "p must be"),
    (lambda: gospa(np.zeros((1, 2)), np.zeros((1, 2)), c=1.0, alpha=3), "alpha must be"),
    (lambda: ospa(np.zeros(3), np.zeros((1, 3)), c=1.0), "estimates must be"),
    (lambda: ospa(np.zeros((1, 3)), np.zeros((1, 2)), c=1.0), "same dimension"),
    (lambda: ospa(np.zeros((1, 3)), np.full((1, 3), np.nan), c=1.0), "truths must hold"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def _stone_soup_states(points, timestamp):
    from stonesoup.types.state import State
    return [State(np.asarray(point, float).reshape(-1, 1), timestamp=timestamp)
            for point in points]


@pytest.mark.parametrize("p", [1.0, 2.0])
def test_gospa_matches_stone_soup(p):
    """Stone Soup 1.9 ``GOSPAMetric.compute_gospa_metric`` (alpha = 2): the distance and its
    localisation, missed and false parts agree on random sets, rtol 1e-9."""
    pytest.importorskip("stonesoup")
    from stonesoup.metricgenerator.ospametric import GOSPAMetric
    generator = np.random.default_rng(3)
    now = datetime(2026, 1, 1)
    metric = GOSPAMetric(c=40.0, p=p)
    for _ in range(20):
        truths = generator.uniform(0, 200, (generator.integers(1, 9), 2))
        estimates = generator.uniform(0, 200, (generator.integers(1, 9), 2))
        theirs = metric.compute_gospa_metric(_stone_soup_states(estimates, now),
                                             _stone_soup_states(truths, now))[0].value
        ours = gospa_parts(estimates, truths, c=40.0, p=p)
        assert ours.distance == pytest.approx(theirs["distance"], rel=1e-9)
        assert ours.localisation == pytest.approx(theirs["localisation"], rel=1e-9, abs=1e-9)
        assert ours.missed == pytest.approx(theirs["missed"], rel=1e-9, abs=1e-9)
        assert ours.false == pytest.approx(theirs["false"], rel=1e-9, abs=1e-9)


def test_ospa_matches_stone_soup_at_p_one_and_differs_where_it_sums_distances():
    """Stone Soup 1.9 ``OSPAMetric.compute_OSPA_distance``: equal at p = 1 on random sets
    (rtol 1e-9). For p = 2 it assigns by the sum of cut-off distances and raises the
    chosen ones to p, which is not eq. (3) when the two assignments differ: on the crossed
    case above it gives sqrt(3.61 / 2), the definition 1."""
    pytest.importorskip("stonesoup")
    from stonesoup.metricgenerator.ospametric import OSPAMetric
    generator = np.random.default_rng(4)
    now = datetime(2026, 1, 1)
    metric = OSPAMetric(c=40.0, p=1.0)
    for _ in range(20):
        truths = generator.uniform(0, 200, (generator.integers(1, 9), 2))
        estimates = generator.uniform(0, 200, (generator.integers(1, 9), 2))
        theirs = metric.compute_OSPA_distance(_stone_soup_states(estimates, now),
                                              _stone_soup_states(truths, now)).value
        assert ospa(estimates, truths, c=40.0, p=1.0) == pytest.approx(theirs, rel=1e-9)
    squared = OSPAMetric(c=10.0, p=2.0).compute_OSPA_distance(
        _stone_soup_states(CROSSED_ESTIMATES, now), _stone_soup_states(CROSSED_TRUTHS, now))
    assert squared.value == pytest.approx(np.sqrt(3.61 / 2), rel=1e-6)
    assert ospa(CROSSED_ESTIMATES, CROSSED_TRUTHS, c=10.0, p=2.0) == pytest.approx(1.0)
