"""Gating and global-nearest-neighbour (GNN) assignment of measurements to tracks.

Candidate pairs come from a k-d tree search (a coarse Euclidean radius per track and
per report), are kept when their squared Mahalanobis distance ``d^2`` passes the
chi-square gate ``G``, and are assigned by maximizing the summed gain ``G - d^2``: the
classic GNN in which leaving a track unassigned costs the gate value ``G``. Because the
gain of a pair depends on that pair alone, the optimum decomposes over clusters of tracks
and reports that share no pair: far-away traffic never changes who takes which report
here. The assignment is
solved on the sparse gated pairs only, so that a large raid never builds a dense
tracks x measurements matrix (see :func:`assign`).
Source: Blackman and Popoli, Design and Analysis of Modern Tracking Systems (1999),
sec. 6.4 (gating) and 6.5 (GNN).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching
from scipy.spatial import cKDTree

#: Below this many track x measurement pairs, gating tests every pair directly.
BRUTE_FORCE_PAIRS = 2_048
#: The coarse spatial search groups tracks, and reports, by their own gate radius, each
#: group spanning at most this factor in radius, so that one diffuse track (a young or
#: coasting one) does not widen the search of every other.
RADIUS_CLASS_FACTOR = 3.0
#: At most this many groups a side (the last one takes every larger radius).
MAX_RADIUS_CLASSES = 6
#: Candidate pairs are tested against the gate this many at a time (bounds memory).
GATE_CHUNK_PAIRS = 1 << 18
#: A cluster of contested tracks + measurements up to this size is solved dense.
DENSE_ASSIGNMENT_SIZE = 400


#: Row and column of the six distinct entries of a symmetric 3 x 3 matrix.
_UPPER = (np.array([0, 0, 0, 1, 1, 2]), np.array([0, 1, 2, 1, 2, 2]))


def _mahalanobis_packed(residual: np.ndarray,
                        covariance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``r^T S^-1 r`` and ``det S`` of residuals (3, k) with symmetric covariances packed
    as (6, k) rows ``S00 S01 S02 S11 S12 S22`` (each row contiguous, so each operation
    streams). Written with the cofactors of S, several times faster than a batched solve
    on tiny matrices and exact for symmetric positive-definite S."""
    a, b, c, d, e, f = covariance
    x, y, z = residual
    cofactor_a, cofactor_b, cofactor_c = d * f - e * e, c * e - b * f, b * e - c * d
    determinant = a * cofactor_a + b * cofactor_b + c * cofactor_c
    quadratic = (cofactor_a * x * x + (a * f - c * c) * y * y + (a * d - b * b) * z * z
                 + 2.0 * (cofactor_b * x * y + cofactor_c * x * z + (b * c - a * e) * y * z))
    return quadratic / determinant, determinant


def gated_pairs(track_position: np.ndarray, track_position_cov: np.ndarray,
                measurement: np.ndarray, measurement_cov: np.ndarray,
                gate_threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Track/measurement pairs inside the gate and their squared Mahalanobis distance.

    track_position (n, 3), track_position_cov (n, 3, 3), measurement (k, 3),
    measurement_cov (k, 3, 3), gate_threshold: chi-square value for 3 degrees of freedom.
    Returns (track_index, measurement_index, distance2), each (m,), with
    ``distance2 = r^T S^-1 r <= gate_threshold``.
    """
    empty = np.zeros(0, dtype=np.intp)
    if track_position.shape[0] == 0 or measurement.shape[0] == 0:
        return empty, empty, np.zeros(0)
    n_tracks, n_measurements = track_position.shape[0], measurement.shape[0]
    if n_tracks * n_measurements <= BRUTE_FORCE_PAIRS:
        # Small problems: every pair is a candidate (cheaper than building a tree).
        track_index, measurement_index = np.divmod(np.arange(n_tracks * n_measurements),
                                                   n_measurements)
    else:
        track_index, measurement_index = _coarse_pairs(
            track_position, gate_threshold * largest_eigenvalue_bound(track_position_cov),
            measurement, gate_threshold * largest_eigenvalue_bound(measurement_cov))
        if track_index.size == 0:
            return empty, empty, np.zeros(0)
    # Positions and the six distinct covariance entries as contiguous rows: the gate then
    # gathers and combines whole rows.
    packed = (np.ascontiguousarray(track_position.T),
              np.ascontiguousarray(track_position_cov[:, _UPPER[0], _UPPER[1]].T),
              np.ascontiguousarray(measurement.T),
              np.ascontiguousarray(measurement_cov[:, _UPPER[0], _UPPER[1]].T))
    if track_index.size <= GATE_CHUNK_PAIRS:
        return _gate(track_index, measurement_index, *packed, gate_threshold)
    # A crowded raid can give tens of millions of candidates: test them a chunk at a time
    # so that their residuals and covariances (72 bytes a pair) never exist all at once.
    parts = [_gate(track_index[start : start + GATE_CHUNK_PAIRS],
                   measurement_index[start : start + GATE_CHUNK_PAIRS], *packed, gate_threshold)
             for start in range(0, track_index.size, GATE_CHUNK_PAIRS)]
    return tuple(np.concatenate(columns) for columns in zip(*parts, strict=True))


def _gate(track_index: np.ndarray, measurement_index: np.ndarray, track_position: np.ndarray,
          track_position_cov: np.ndarray, measurement: np.ndarray, measurement_cov: np.ndarray,
          gate_threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs that pass the chi-square gate, and their ``d^2`` (positions
    (3, n) and covariances (6, n) packed in rows, as :func:`_mahalanobis_packed` takes)."""
    # np.take gathers several times faster than fancy indexing on these sizes.
    residual = (measurement.take(measurement_index, axis=1)
                - track_position.take(track_index, axis=1))
    residual_cov = (track_position_cov.take(track_index, axis=1)
                    + measurement_cov.take(measurement_index, axis=1))
    distance2, _ = _mahalanobis_packed(residual, residual_cov)
    inside = (distance2 <= gate_threshold).nonzero()[0]
    return (track_index.take(inside), measurement_index.take(inside),
            distance2.take(inside))


def largest_eigenvalue_bound(covariance: np.ndarray) -> np.ndarray:
    """An upper bound of the largest eigenvalue of each symmetric matrix (k, 3, 3): its
    largest absolute row sum (Gershgorin's circle theorem). Exact for diagonal matrices,
    and up to 3x tighter than the trace for round ones."""
    return np.abs(covariance).sum(axis=2).max(axis=1)


def _radius_classes(radius2: np.ndarray) -> list[np.ndarray]:
    """Indices grouped by squared radius, each group spanning at most a factor
    ``RADIUS_CLASS_FACTOR`` in radius (at most ``MAX_RADIUS_CLASSES`` groups, the last one
    taking every larger radius), each sorted by radius."""
    order = radius2.argsort(kind="stable")
    smallest = max(float(radius2[order[0]]), 1e-6)
    level = np.log(np.maximum(radius2[order], smallest) / smallest) / (
        2.0 * np.log(RADIUS_CLASS_FACTOR))
    level = np.minimum(level.astype(np.intp), MAX_RADIUS_CLASSES - 1)
    return np.split(order, np.diff(level).nonzero()[0] + 1)


def _tree(points: np.ndarray) -> cKDTree:
    """A k-d tree built for one search: sliding-midpoint splits without compaction build
    faster than SciPy's balanced default and measured 10 % faster over build and search."""
    return cKDTree(points, balanced_tree=False, compact_nodes=False)


def _coarse_pairs(track_position: np.ndarray, track_radius2: np.ndarray,
                  measurement: np.ndarray,
                  measurement_radius2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs for the gate: every pair within its combined radius.

    A pair passes the gate only if ``|r|^2 <= G lambda_max(P + R) <= G lambda_max(P) +
    G lambda_max(R)``, so with per-side squared radii ``a^2 >= G lambda_max(P)`` and
    ``b^2 >= G lambda_max(R)`` every gated pair lies within ``sqrt(a^2 + b^2)``. Both sides
    are split into classes of similar radii (so that one diffuse track, a young or
    coasting one, does not widen the search of every other); for each pair of classes a
    k-d tree dual-tree search (SciPy's ``sparse_distance_matrix``, which returns its pairs
    as arrays, no per-query lists) finds the pairs within the classes' largest combined
    radius, and each pair is kept when it lies within its own.
    """
    tracks_in_classes = [(members, _tree(track_position[members]), track_radius2[members[-1]])
                         for members in _radius_classes(track_radius2)]
    track_parts, measurement_parts = [], []
    for members, tree, largest in (
            (members, _tree(measurement[members]), measurement_radius2[members[-1]])
            for members in _radius_classes(measurement_radius2)):
        for track_members, track_tree, track_largest in tracks_in_classes:
            near = track_tree.sparse_distance_matrix(tree, np.sqrt(largest + track_largest),
                                                     output_type="ndarray")
            if near.size == 0:
                continue
            track_index = track_members.take(near["i"])
            measurement_index = members.take(near["j"])
            distance = near["v"]
            within = (distance * distance <= track_radius2.take(track_index)
                      + measurement_radius2.take(measurement_index)).nonzero()[0]
            track_parts.append(track_index.take(within))
            measurement_parts.append(measurement_index.take(within))
    if not track_parts:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    return np.concatenate(track_parts), np.concatenate(measurement_parts)


def assign(track_index: np.ndarray, measurement_index: np.ndarray, gain: np.ndarray,
           n_tracks: int, n_measurements: int) -> tuple[np.ndarray, np.ndarray]:
    """One-to-one assignment of gated pairs that maximizes the summed ``gain``.

    This is global nearest neighbour with the gain ``G - d^2`` of :func:`gated_pairs`
    (Blackman and Popoli 1999, sec. 6.5). Pairs with a gain <= 0 are never worth taking.
    A pair whose track and measurement appear in no other pair is assigned directly; the
    contested rest cluster by cluster, dense or sparse by size (:func:`_solve_contested`).
    The test suite checks both solvers and the clustering against SciPy's dense optimum.

    Returns (track_index, measurement_index) of the assigned pairs, sorted by track.
    """
    worth = gain > 0.0
    if not worth.all():
        track_index, measurement_index, gain = (
            track_index[worth], measurement_index[worth], gain[worth])
    if track_index.size == 0:
        return track_index, measurement_index
    pairs_of_track = np.bincount(track_index, minlength=n_tracks)
    pairs_of_measurement = np.bincount(measurement_index, minlength=n_measurements)
    isolated = (pairs_of_track[track_index] == 1) & (pairs_of_measurement[measurement_index] == 1)
    tracks = [track_index[isolated]]
    measurements = [measurement_index[isolated]]
    contested = ~isolated
    if contested.any():
        rows, columns = _solve_contested(track_index[contested], measurement_index[contested],
                                         gain[contested], n_tracks, n_measurements)
        tracks.append(rows)
        measurements.append(columns)
    chosen_tracks = np.concatenate(tracks)
    chosen_measurements = np.concatenate(measurements)
    order = chosen_tracks.argsort(kind="stable")
    return chosen_tracks[order], chosen_measurements[order]


def _solve_contested(track_index: np.ndarray, measurement_index: np.ndarray, gain: np.ndarray,
                     n_tracks: int, n_measurements: int) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-gain assignment of contested pairs, cluster by cluster.

    The pairs are split into connected clusters (tracks and measurements linked by a
    gated pair); the optimum of the whole is the union of the clusters' optima. Each
    cluster is solved dense (SciPy's ``linear_sum_assignment``) up to
    ``DENSE_ASSIGNMENT_SIZE`` tracks + measurements, sparse (:func:`_solve_sparse`) above.
    On scans recorded from a 1,000-threat raid (dozens of clusters each) this measured 2x faster
    than one sparse problem.
    """
    track_ids, local_track = _compact(track_index, n_tracks)
    measurement_ids, local_measurement = _compact(measurement_index, n_measurements)
    n_t, n_m = track_ids.size, measurement_ids.size
    if n_t + n_m <= DENSE_ASSIGNMENT_SIZE:
        rows, columns = _solve_dense(local_track, local_measurement, gain, n_t, n_m)
        return track_ids[rows], measurement_ids[columns]
    graph = coo_matrix((np.ones(gain.size, dtype=np.int8), (local_track, n_t + local_measurement)),
                       shape=(n_t + n_m, n_t + n_m))
    # Weakly connected components of the directed track -> measurement graph: the same
    # clusters as the undirected graph's, without symmetrizing it first.
    clusters, label = connected_components(graph, directed=True, connection="weak")
    track_rank, tracks_in, track_order, track_start = _ranks(label[:n_t], clusters)
    measurement_rank, measurements_in, measurement_order, measurement_start = _ranks(
        label[n_t:], clusters)
    pair_cluster = label[local_track]
    order = pair_cluster.argsort(kind="stable")
    pair_track, pair_measurement = track_rank[local_track[order]], measurement_rank[
        local_measurement[order]]
    pair_gain = gain[order]
    bounds = np.searchsorted(pair_cluster[order], np.arange(clusters + 1))
    chosen_tracks, chosen_measurements = [], []
    for cluster in range(clusters):
        start, stop = bounds[cluster], bounds[cluster + 1]
        cluster_tracks, cluster_measurements = int(tracks_in[cluster]), int(
            measurements_in[cluster])
        solve = (_solve_dense if cluster_tracks + cluster_measurements <= DENSE_ASSIGNMENT_SIZE
                 else _solve_sparse)
        rows, columns = solve(pair_track[start:stop], pair_measurement[start:stop],
                              pair_gain[start:stop], cluster_tracks, cluster_measurements)
        chosen_tracks.append(track_order[track_start[cluster] + rows])
        chosen_measurements.append(measurement_order[measurement_start[cluster] + columns])
    return (track_ids[np.concatenate(chosen_tracks)],
            measurement_ids[np.concatenate(chosen_measurements)])


def _compact(index: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``index`` (all in ``[0, size)``), sorted, and each entry's
    position among them: ``np.unique(index, return_inverse=True)`` without a sort."""
    present = np.zeros(size, dtype=bool)
    present[index] = True
    position = np.cumsum(present) - 1
    return present.nonzero()[0], position[index]


def _ranks(label: np.ndarray,
           clusters: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each item's rank within its cluster, the cluster sizes, the items sorted by cluster
    and where each cluster starts in that order."""
    order = label.argsort(kind="stable")
    sizes = np.bincount(label, minlength=clusters)
    starts = np.cumsum(sizes) - sizes
    rank = np.empty(label.size, dtype=np.intp)
    rank[order] = np.arange(label.size) - starts.repeat(sizes)
    return rank, sizes, order, starts


def _solve_dense(rows: np.ndarray, columns: np.ndarray, gain: np.ndarray, n_rows: int,
                 n_columns: int) -> tuple[np.ndarray, np.ndarray]:
    """SciPy's ``linear_sum_assignment`` on the rectangular matrix of ``-gain`` (0 where
    a pair is not gated, so such a "pair" is the same as none)."""
    matrix = np.zeros((n_rows, n_columns))
    matrix[rows, columns] = -gain
    matched_rows, matched_columns = linear_sum_assignment(matrix)
    real = matrix[matched_rows, matched_columns] < 0.0
    return matched_rows[real], matched_columns[real]


def _solve_sparse(rows: np.ndarray, columns: np.ndarray, gain: np.ndarray, n_rows: int,
                  n_columns: int) -> tuple[np.ndarray, np.ndarray]:
    """SciPy's sparse LAPJVsp (``min_weight_full_bipartite_matching``) on the gated pattern
    of the augmented matrix ``[[K - gain, K/2 on the diagonal], [K/2 on the diagonal,
    ~0]]``, whose optimum is the same for any constant ``K`` (a matched pair replaces two
    unmatched sides: K - gain against K)."""
    top = float(gain.max()) + 1.0  # K: every matched pair weighs K - gain >= 1
    tiny = 1e-9  # LAPJVsp needs non-zero weights; the dummy-dummy block costs ~nothing
    all_rows = np.concatenate([rows, np.arange(n_rows), n_rows + np.arange(n_columns),
                               n_rows + columns])
    all_columns = np.concatenate([columns, n_columns + np.arange(n_rows), np.arange(n_columns),
                                  n_columns + rows])
    weights = np.concatenate([top - gain, np.full(n_rows + n_columns, top / 2.0),
                              np.full(gain.size, tiny)])
    matrix = coo_matrix((weights, (all_rows, all_columns)),
                        shape=(n_rows + n_columns, n_columns + n_rows)).tocsr()
    matched_rows, matched_columns = min_weight_full_bipartite_matching(matrix)
    real = (matched_rows < n_rows) & (matched_columns < n_columns)
    return matched_rows[real], matched_columns[real]
