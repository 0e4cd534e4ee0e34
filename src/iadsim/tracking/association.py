"""Gating and global-nearest-neighbour (GNN) assignment of measurements to tracks.

Candidate pairs come from a grid search (a coarse Euclidean radius per track and per
report, :func:`kernels.gate_by_grid`) and are kept when their squared Mahalanobis
distance ``d^2`` passes the chi-square gate ``G``; they are assigned by maximizing the
summed gain ``G - d^2``: the classic GNN in which leaving a track unassigned costs the
gate value ``G``. Because the gain of a pair depends on that pair alone, the optimum
decomposes over clusters of tracks and reports that share no pair: far-away traffic never
changes who takes which report here. The assignment is solved on the sparse gated pairs
only, so that a large raid never builds a dense tracks x measurements matrix (see
:func:`assign`).
Source: Blackman and Popoli, Design and Analysis of Modern Tracking Systems (1999),
sec. 6.4 (gating) and 6.5 (GNN).
"""

from __future__ import annotations

import logging

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from iadsim.tracking import kernels

#: Below this many track x measurement pairs, gating tests every pair directly.
BRUTE_FORCE_PAIRS = 2_048
#: The grid of the spatial search has cells this many times the sum of the geometric means
#: of the track and of the report gate radii (see :func:`kernels.gate_by_grid`) ...
GRID_CELL_FACTOR = 1.0
#: ... and at most this many cells (8 bytes each), and this many per track and report: a
#: grid much finer than the points it holds costs more to clear and sum (one pass over
#: every cell per call) than its cells save; at a million cells for 2,000 points that
#: pass was most of a 1,000-threat raid's gating time.
MAX_GRID_CELLS = 1 << 20
GRID_CELLS_PER_POINT = 16
#: A cluster of contested tracks + measurements up to this size is solved dense.
DENSE_ASSIGNMENT_SIZE = 400
#: Each track keeps at most this many of its nearest reports in the gate: in a crowd of
#: thousands of targets at one place (a drone swarm with no spacing), the pairs, and the
#: assignment built on them, grow linearly with the tracks, not as tracks x reports.
#: Above the number of radars a track can take reports from at once, so that an ordinary
#: picture is never cut.
MAX_PAIRS_PER_TRACK = 16

LOGGER = logging.getLogger(__name__)


def gated_pairs(track_position: np.ndarray, track_position_cov: np.ndarray,
                measurement: np.ndarray, measurement_cov: np.ndarray, gate_threshold: float,
                max_pairs_per_track: int = MAX_PAIRS_PER_TRACK,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Track/measurement pairs inside the gate and their squared Mahalanobis distance.

    track_position (n, 3), track_position_cov (n, 3, 3), measurement (k, 3),
    measurement_cov (k, 3, 3), gate_threshold: chi-square value for 3 degrees of freedom.
    Returns (track_index, measurement_index, distance2), each (m,), with
    ``distance2 = r^T S^-1 r <= gate_threshold``, ``S = P + R``. Each track keeps at
    most ``max_pairs_per_track`` pairs, those of its nearest reports; when any track is
    cut so (a crowd), each report's ``max_pairs_per_track`` nearest tracks are added, the
    pairs (then at most ``max_pairs_per_track x (n + k)``) come sorted by track and
    report, and an INFO record is logged on this module's logger.
    """
    empty = np.zeros(0, dtype=np.intp)
    if track_position.shape[0] == 0 or measurement.shape[0] == 0:
        return empty, empty, np.zeros(0)
    arrays = (np.ascontiguousarray(track_position, dtype=float),
              np.ascontiguousarray(track_position_cov, dtype=float),
              np.ascontiguousarray(measurement, dtype=float),
              np.ascontiguousarray(measurement_cov, dtype=float))
    track_index, measurement_index, distance2, cut = _gate(arrays, gate_threshold,
                                                           max_pairs_per_track)
    if not cut:
        return track_index, measurement_index, distance2
    # A crowd: each track kept its nearest reports; add each report's nearest tracks, so
    # that no report is left without candidates because many tracks preferred others.
    LOGGER.info("crowded gate: %d of %d tracks kept only their %d nearest of %d reports",
                cut, track_position.shape[0], max_pairs_per_track, measurement.shape[0])
    by_report, by_track, by_report_distance2, _ = _gate(
        (arrays[2], arrays[3], arrays[0], arrays[1]), gate_threshold, max_pairs_per_track)
    key = np.concatenate([track_index * measurement.shape[0] + measurement_index,
                          by_track * measurement.shape[0] + by_report])
    key, first = np.unique(key, return_index=True)
    return (key // measurement.shape[0], key % measurement.shape[0],
            np.concatenate([distance2, by_report_distance2])[first])


def _gate(arrays: tuple[np.ndarray, ...], gate_threshold: float,
          max_pairs_per_track: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The gate kernel for the size of the problem: every pair for small ones (cheaper
    than building a grid), else the grid."""
    if arrays[0].shape[0] * arrays[2].shape[0] <= BRUTE_FORCE_PAIRS:
        return kernels.gate_every_pair(*arrays, gate_threshold, max_pairs_per_track)
    cells = min(MAX_GRID_CELLS, GRID_CELLS_PER_POINT * (arrays[0].shape[0] + arrays[2].shape[0]))
    return kernels.gate_by_grid(*arrays, gate_threshold, GRID_CELL_FACTOR, cells,
                                max_pairs_per_track)


def assign(track_index: np.ndarray, measurement_index: np.ndarray, gain: np.ndarray,
           n_tracks: int, n_measurements: int) -> tuple[np.ndarray, np.ndarray]:
    """One-to-one assignment of gated pairs that maximizes the summed ``gain``.

    This is global nearest neighbour with the gain ``G - d^2`` of :func:`gated_pairs`
    (Blackman and Popoli 1999, sec. 6.5). Pairs with a gain <= 0 are never worth taking.
    Tracks and measurements linked by pairs form clusters, and the optimum of the whole is
    the union of the clusters' optima: a cluster of one pair takes it, a cluster of up to
    ``DENSE_ASSIGNMENT_SIZE`` tracks + measurements is solved dense in compiled code
    (:func:`kernels.assign_clusters`), a larger one sparse (:func:`_solve_sparse`).
    The test suite checks both solvers and the clustering against SciPy's dense optimum.

    Returns (track_index, measurement_index) of the assigned pairs, sorted by track.
    """
    worth = gain > 0.0
    if not worth.all():
        track_index, measurement_index, gain = (
            track_index[worth], measurement_index[worth], gain[worth])
    if track_index.size == 0:
        return track_index, measurement_index
    tracks, measurements, left, left_rank, left_clusters = kernels.assign_clusters(
        np.asarray(track_index, dtype=np.intp), np.asarray(measurement_index, dtype=np.intp),
        np.asarray(gain, dtype=float), n_tracks, n_measurements, DENSE_ASSIGNMENT_SIZE)
    chosen_tracks, chosen_measurements = [tracks], [measurements]
    for start, stop, cluster_tracks, cluster_measurements in left_clusters.tolist():
        # A large cluster, solved sparse on its pairs' ranks, then mapped back.
        pairs, rank = left[start:stop], left_rank[start:stop]
        rows, columns = _solve_sparse(rank[:, 0], rank[:, 1], gain[pairs], cluster_tracks,
                                      cluster_measurements)
        track_of_rank = np.empty(cluster_tracks, dtype=np.intp)
        track_of_rank[rank[:, 0]] = track_index[pairs]
        measurement_of_rank = np.empty(cluster_measurements, dtype=np.intp)
        measurement_of_rank[rank[:, 1]] = measurement_index[pairs]
        chosen_tracks.append(track_of_rank[rows])
        chosen_measurements.append(measurement_of_rank[columns])
    tracks, measurements = np.concatenate(chosen_tracks), np.concatenate(chosen_measurements)
    order = tracks.argsort(kind="stable")
    return tracks[order], measurements[order]


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
