"""Gating and global-nearest-neighbour assignment of reports to tracks."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

from iadsim.tracking import association, kernels
from iadsim.tracking.association import assign, gated_pairs

GATE_99 = float(chi2.ppf(0.99, df=3))  # 11.34


def isotropic(count: int, sigma_m: float) -> np.ndarray:
    return np.broadcast_to(np.eye(3) * sigma_m**2, (count, 3, 3)).copy()


def test_gating_keeps_pairs_inside_the_chi_square_gate_and_rejects_the_rest():
    tracks = np.zeros((1, 3))
    # S = 200 m^2 per axis: d^2 = x^2 / 200. 47 m -> 11.05 (in), 48 m -> 11.52 (out).
    measurements = np.array([[10.0, 0.0, 0.0], [47.0, 0.0, 0.0], [0.0, 48.0, 0.0],
                             [0.0, 0.0, -300.0]])
    track_index, measurement_index, distance2 = gated_pairs(
        tracks, isotropic(1, 10.0), measurements, isotropic(4, 10.0), GATE_99)
    assert track_index.tolist() == [0, 0]
    assert measurement_index.tolist() == [0, 1]
    # The squared Mahalanobis distance r^T S^-1 r.
    np.testing.assert_allclose(distance2, np.array([100.0, 47.0**2]) / 200.0, rtol=1e-9)


def test_gating_uses_the_full_covariance_not_the_euclidean_distance():
    # Long along east (1 km sigma), tight across (10 m): a report 2 km east is in the gate,
    # one 100 m north is not.
    covariance = np.diag([1e6, 100.0, 100.0])[None]
    measurements = np.array([[2_000.0, 0.0, 0.0], [0.0, 100.0, 0.0]])
    _, measurement_index, _ = gated_pairs(np.zeros((1, 3)), covariance, measurements,
                                          isotropic(2, 1.0), GATE_99)
    assert measurement_index.tolist() == [0]


def brute_force_pairs(tracks, track_cov, measurements, measurement_cov, gate):
    pairs = set()
    for t in range(tracks.shape[0]):
        for m in range(measurements.shape[0]):
            residual = measurements[m] - tracks[t]
            covariance = track_cov[t] + measurement_cov[m]
            if residual @ np.linalg.solve(covariance, residual) <= gate:
                pairs.add((t, m))
    return pairs


@pytest.mark.parametrize("count", [10, 80])  # 100 pairs (direct) and 6,400 (spatial search)
def test_gated_pairs_match_a_brute_force_gate(count):
    rng = np.random.default_rng(count)
    tracks = rng.uniform(-20e3, 20e3, (count, 3))
    measurements = tracks + rng.normal(0.0, 300.0, (count, 3))
    measurements[: count // 4] = rng.uniform(-20e3, 20e3, (count // 4, 3))  # clutter
    track_cov = isotropic(count, 200.0) * rng.uniform(0.5, 3.0, count)[:, None, None]
    measurement_cov = isotropic(count, 150.0) * rng.uniform(0.2, 40.0, count)[:, None, None]
    inputs = [a.copy() for a in (tracks, track_cov, measurements, measurement_cov)]
    track_index, measurement_index, distance2 = gated_pairs(tracks, track_cov, measurements,
                                                       measurement_cov, GATE_99)
    got = set(zip(track_index.tolist(), measurement_index.tolist(), strict=True))
    assert got == brute_force_pairs(tracks, track_cov, measurements, measurement_cov, GATE_99)
    assert len(got) == track_index.size  # no pair twice
    assert track_index.shape == measurement_index.shape == distance2.shape
    for before, after in zip(inputs, (tracks, track_cov, measurements, measurement_cov),
                             strict=True):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize(("cell_factor", "max_cells"),
                         [(1.0, association.MAX_GRID_CELLS), (0.05, association.MAX_GRID_CELLS),
                          (50.0, association.MAX_GRID_CELLS), (0.05, 64)])
@pytest.mark.parametrize(("n_tracks", "n_measurements"), [(300, 40), (40, 300), (120, 120)])
def test_gated_pairs_match_a_brute_force_gate_with_diffuse_and_elongated_covariances(
        n_tracks, n_measurements, cell_factor, max_cells, monkeypatch):
    monkeypatch.setattr(association, "GRID_CELL_FACTOR", cell_factor)
    monkeypatch.setattr(association, "MAX_GRID_CELLS", max_cells)
    # A few young tracks with km-sized uncertainty, many precise ones, and far reports
    # whose cross-range spread is long and thin (rotated), non-diagonal covariances; grid
    # cells from far smaller than a typical gate (squares spanning many cells) to far
    # larger (one cell), or capped in number: the same pairs every time.
    rng = np.random.default_rng(n_tracks * 1000 + n_measurements)
    tracks = rng.uniform(-50e3, 50e3, (n_tracks, 3))
    measurements = rng.uniform(-50e3, 50e3, (n_measurements, 3))
    pairs = min(n_tracks, n_measurements) // 2
    measurements[:pairs] = tracks[:pairs] + rng.normal(0.0, 500.0, (pairs, 3))
    track_cov = isotropic(n_tracks, 50.0) * rng.uniform(0.5, 2.0, n_tracks)[:, None, None]
    track_cov[: n_tracks // 10] *= rng.uniform(100.0, 40_000.0, n_tracks // 10)[:, None, None]
    rotation = np.linalg.qr(rng.normal(size=(n_measurements, 3, 3)))[0]
    scales = np.stack([np.full(n_measurements, 30.0), rng.uniform(30.0, 3_000.0, n_measurements),
                       rng.uniform(30.0, 3_000.0, n_measurements)], axis=1) ** 2
    measurement_cov = np.einsum("kij,kj,klj->kil", rotation, scales, rotation)
    track_index, measurement_index, _ = gated_pairs(tracks, track_cov, measurements,
                                                            measurement_cov, GATE_99)
    got = set(zip(track_index.tolist(), measurement_index.tolist(), strict=True))
    assert got == brute_force_pairs(tracks, track_cov, measurements, measurement_cov, GATE_99)
    assert len(got) == track_index.size
    assert len(got) >= pairs // 2  # the test exercises real gated pairs, not only misses


def test_the_eigenvalue_bound_is_never_below_the_largest_eigenvalue():
    rng = np.random.default_rng(7)
    factor = rng.normal(size=(500, 3, 3)) * rng.uniform(1.0, 1e4, (500, 1, 1))
    covariance = factor @ np.swapaxes(factor, 1, 2)
    largest = np.linalg.eigvalsh(covariance)[:, -1]
    bound = np.array([kernels.largest_eigenvalue_bound(covariance, row) for row in range(500)])
    assert (bound >= largest * (1 - 1e-12)).all()
    assert kernels.largest_eigenvalue_bound(np.diag([4.0, 9.0, 1.0])[None], 0) == 9.0


def test_gating_with_nothing_on_one_side_gives_no_pairs():
    empty = np.zeros((0, 3))
    for tracks, measurements in ((empty, np.zeros((2, 3))), (np.zeros((2, 3)), empty)):
        out = gated_pairs(tracks, isotropic(tracks.shape[0], 10.0), measurements,
                          isotropic(measurements.shape[0], 10.0), GATE_99)
        assert all(part.size == 0 for part in out)


def test_an_isolated_pair_is_assigned():
    tracks, measurements = assign(np.array([1]), np.array([2]), np.array([7.5]), 3, 4)
    assert tracks.tolist() == [1] and measurements.tolist() == [2]


def test_assignment_is_one_to_one_and_globally_optimal():
    # Greedy nearest neighbour takes (0, 0) at gain 10 and leaves track 1 with gain 1;
    # the global optimum is the crossing pair (0, 1) + (1, 0) at gain 9 + 9.
    track_index = np.array([0, 0, 1, 1])
    measurement_index = np.array([0, 1, 0, 1])
    gain = np.array([10.0, 9.0, 9.0, 1.0])
    tracks, measurements = assign(track_index, measurement_index, gain, 2, 2)
    assert list(zip(tracks.tolist(), measurements.tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_two_tracks_contesting_one_report_the_closer_one_wins():
    tracks, measurements = assign(np.array([0, 1]), np.array([0, 0]), np.array([5.0, 8.0]),
                                  2, 1)
    assert tracks.tolist() == [1] and measurements.tolist() == [0]


def test_a_pair_without_gain_is_never_taken():
    tracks, measurements = assign(np.array([0, 1, 1]), np.array([0, 1, 2]),
                                  np.array([0.0, -1.0, 2.0]), 2, 3)
    assert tracks.tolist() == [1] and measurements.tolist() == [2]


@pytest.mark.parametrize("seed", range(5))
def test_random_assignments_use_each_track_and_report_at_most_once(seed):
    rng = np.random.default_rng(seed)
    n_tracks, n_measurements = 30, 25
    pairs = rng.random((n_tracks, n_measurements)) < 0.15
    track_index, measurement_index = np.nonzero(pairs)
    gain = rng.uniform(0.1, 20.0, track_index.size)
    inputs = [a.copy() for a in (track_index, measurement_index, gain)]
    tracks, measurements = assign(track_index, measurement_index, gain, n_tracks,
                                  n_measurements)
    assert len(set(tracks.tolist())) == tracks.size
    assert len(set(measurements.tolist())) == measurements.size
    assert pairs[tracks, measurements].all()  # only gated pairs
    assert (np.diff(tracks) > 0).all()  # sorted by track
    # Maximal: no gated pair is left with both its track and its report unassigned.
    free = pairs.copy()
    free[tracks, :] = False
    free[:, measurements] = False
    assert not free.any()
    for before, after in zip(inputs, (track_index, measurement_index, gain), strict=True):
        np.testing.assert_array_equal(before, after)
    again = assign(track_index, measurement_index, gain, n_tracks, n_measurements)
    np.testing.assert_array_equal(again[0], tracks)
    np.testing.assert_array_equal(again[1], measurements)


def test_assigning_no_pairs_gives_nothing():
    empty = np.zeros(0, dtype=np.intp)
    tracks, measurements = assign(empty, empty, np.zeros(0), 3, 3)
    assert tracks.size == 0 and measurements.size == 0


def test_gating_keeps_every_passing_pair_when_thousands_pass():
    # 60 tracks x 90 reports, all close: several thousand pairs pass, more than the
    # grid search's first output buffer, which must grow without losing any (with no
    # limit of pairs per track: test_crowd checks the limit).
    rng = np.random.default_rng(11)
    tracks = rng.uniform(-500.0, 500.0, (60, 3))
    measurements = rng.uniform(-500.0, 500.0, (90, 3))
    track_cov, measurement_cov = isotropic(60, 300.0), isotropic(90, 200.0)
    track_index, measurement_index, _ = gated_pairs(tracks, track_cov, measurements,
                                                    measurement_cov, GATE_99,
                                                    max_pairs_per_track=90)
    expected = brute_force_pairs(tracks, track_cov, measurements, measurement_cov, GATE_99)
    assert len(expected) > 2_000 and track_index.size == len(expected)
    assert set(zip(track_index.tolist(), measurement_index.tolist(), strict=True)) == expected


def test_non_finite_tracks_and_reports_never_gate_and_break_nothing():
    # A degenerate filter can leave NaN or infinite entries: such a track or report gates
    # with nothing, and the grid search (whose cell indices they would corrupt) still
    # finds every other pair.
    rng = np.random.default_rng(3)
    tracks = rng.uniform(-20e3, 20e3, (60, 3))
    measurements = tracks + rng.normal(0.0, 100.0, (60, 3))
    track_cov, measurement_cov = isotropic(60, 150.0), isotropic(60, 100.0)
    tracks[3] = np.nan
    track_cov[7] = np.inf
    measurements[5, 1] = np.inf
    measurement_cov[9] = np.nan
    track_index, measurement_index, _ = gated_pairs(tracks, track_cov, measurements,
                                                    measurement_cov, GATE_99)
    got = set(zip(track_index.tolist(), measurement_index.tolist(), strict=True))
    assert got == brute_force_pairs(tracks, track_cov, measurements, measurement_cov, GATE_99)
    assert not {3, 7} & set(track_index.tolist())
    assert not {5, 9} & set(measurement_index.tolist())
    assert len(got) >= 50
    nothing = gated_pairs(tracks, track_cov, np.full((60, 3), np.nan), measurement_cov, GATE_99)
    assert all(part.size == 0 for part in nothing)


def _later_pair_within_reach_numpy(position: np.ndarray, covariance: np.ndarray,
                                   time_s: np.ndarray, group: np.ndarray,
                                   gate_threshold: float, velocity_variance: float,
                                   process_noise_density: float, margin: float) -> bool:
    """The test of :func:`kernels.any_later_pair_within_reach` on gathered reports, in
    NumPy over every pair at once (the same operations, element by element)."""
    bound = np.abs(covariance).sum(axis=2).max(axis=1)  # Gershgorin, row by row
    first, second = np.triu_indices(position.shape[0], k=1)
    other = group[first] != group[second]
    first, second = first[other], second[other]
    lag = np.abs(time_s[second] - time_s[first])
    growth = velocity_variance * lag * lag + process_noise_density * lag ** 3 / 3.0
    gap = position[second] - position[first]
    distance2 = gap[:, 0] * gap[:, 0] + gap[:, 1] * gap[:, 1] + gap[:, 2] * gap[:, 2]
    reach2 = gate_threshold * (bound[first] + growth + bound[second]) * (1.0 + margin)
    return bool((~(distance2 > reach2)).any())


@pytest.mark.parametrize("seed", range(40))
def test_any_later_pair_within_reach_reads_its_rows_as_the_gathered_reports(seed):
    """The kernel reads the leftover ``rows`` of the pass's reports in place; its answer
    is the brute-force answer on the gathered reports, for leftovers of several scans,
    reports close together (some pairs within reach) and far apart (none), and a NaN."""
    rng = np.random.default_rng(seed)
    count = int(rng.integers(2, 40))
    spread = [50.0, 2_000.0, 200_000.0][seed % 3]
    position = rng.normal(0.0, spread, (count, 3)) + 30_000.0
    if seed % 7 == 0:
        position[rng.integers(count), 1] = np.nan
    axes = rng.normal(0.0, 1.0, (count, 3, 3))
    covariance = np.einsum("kij,klj->kil", axes, axes) * rng.uniform(10.0, 1e4)
    group = np.sort(rng.integers(0, 4, count))
    time_s = 100.0 + group * 0.5 + rng.uniform(0.0, 0.1, count)
    rows = np.sort(rng.choice(count, int(rng.integers(0, count + 1)), replace=False))
    arguments = (11.34, 250.0**2, 9.0, 1e-6)
    expected = _later_pair_within_reach_numpy(position[rows], covariance[rows],
                                              time_s[rows], group[rows], *arguments)
    assert kernels.any_later_pair_within_reach(position, covariance, time_s, group,
                                               rows.astype(np.intp), *arguments) == expected
    assert association.may_gate_later(position, covariance, time_s, group, rows,
                                      11.34, 250.0**2, 9.0) == expected


def test_any_later_pair_within_reach_answers_both_ways_on_chosen_rows():
    """Two scans: two reports 10 m apart in different scans are within reach; leaving
    one of them out of ``rows`` (reports of one scan, or far apart) gives False."""
    position = np.array([[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [5e5, 0.0, 0.0],
                         [0.0, 5e5, 0.0]])
    covariance = np.repeat(np.eye(3)[None] * 100.0, 4, axis=0)
    time_s = np.array([1.0, 1.5, 1.5, 1.0])
    group = np.array([0, 1, 1, 0])
    arguments = (11.34, 1.0, 1.0, 1e-6)
    reach = kernels.any_later_pair_within_reach
    assert reach(position, covariance, time_s, group, np.array([0, 1]), *arguments)
    assert not reach(position, covariance, time_s, group, np.array([0, 2]), *arguments)
    assert not reach(position, covariance, time_s, group, np.array([1, 2]), *arguments)
    assert not reach(position, covariance, time_s, group, np.array([0, 3]), *arguments)
    assert not reach(position, covariance, time_s, group, np.zeros(0, dtype=np.intp),
                     *arguments)
