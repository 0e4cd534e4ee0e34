"""Compiled kernels of gating and assignment (Numba).

The tracker's per-scan work is a few thousand tiny problems: a 3 x 3 Mahalanobis
distance per candidate pair, a small assignment per cluster of contested tracks and
reports. Written with NumPy, each costs a dozen whole-array passes or a Python call per
cluster, and the fixed cost per call dominated a 1,000-threat raid. These kernels do the
same arithmetic in one compiled loop. They are compiled on first use and cached on disk
(``cache=True``), and are free of fast-math, so results are deterministic and follow
IEEE arithmetic. The callers in :mod:`iadsim.tracking.association` keep the array
interfaces.

* :func:`gate_by_grid` and :func:`gate_every_pair`: the chi-square gate on the squared
  Mahalanobis distance ``r^T (P + R)^-1 r`` (cofactors of ``P + R``), over the pairs a
  grid search finds, or over every pair of a small problem; each track keeps at most a
  given number of its nearest reports (a crowd at one place stays linear in memory). The
  grid gives up when its cells list too many candidates (a crowd, where every square
  covers every report): the caller then gates through a k-d tree
  (:mod:`iadsim.tracking.gating_tree`), which finds each track's nearest reports without
  testing the others, with the same distance and the same pairs.
  :func:`gate_every_pair_by_slice` gates small problems of several times (scans taken
  at different times, each track predicted to each) in one call.
* :func:`pair_log_determinant`: ``ln|P + R|`` of gated pairs, the width term of the
  likelihood cost (``tracking.association_cost: likelihood``), and
  :func:`likelihood_distance2`, that cost's shifted distance of gated pairs in one loop.
* :func:`linear_sum_assignment`: the shortest augmenting path algorithm of SciPy's
  ``linear_sum_assignment`` (D. F. Crouse, "On implementing 2D rectangular assignment
  algorithms", IEEE Trans. AES 52(4), 2016), ported line for line, for clusters too small
  to be worth a Python call each.
* :func:`assign_clusters`: global nearest neighbour over gated pairs, cluster by cluster
  (union-find), each cluster solved dense; clusters above a size limit are left to the
  caller's sparse solver.
* :func:`predict_candidate_positions`: the position and position covariance of each
  candidate (a track row at a time) for gating, read from the track table by row, a
  one-plot track's velocity block bounded, in one loop (the arithmetic of
  :func:`iadsim.tracking.kalman.predict_position`, without gathering the rows' 6 x 6
  covariances first: thousands of candidates a step in a 1,000-threat raid).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.tracking.kalman import _predict_position_into


@njit(cache=True, inline="always")
def _distance2(rx: float, ry: float, rz: float, a: float, b: float, c: float, d: float,
               e: float, f: float) -> float:
    """``r^T S^-1 r`` for the symmetric ``S = [[a b c] [b d e] [c e f]]`` by cofactors."""
    cofactor_a, cofactor_b, cofactor_c = d * f - e * e, c * e - b * f, b * e - c * d
    determinant = a * cofactor_a + b * cofactor_b + c * cofactor_c
    quadratic = (cofactor_a * rx * rx + (a * f - c * c) * ry * ry + (a * d - b * b) * rz * rz
                 + 2.0 * (cofactor_b * rx * ry + cofactor_c * rx * rz + (b * c - a * e) * ry * rz))
    return quadratic / determinant


@njit(cache=True, inline="always")
def _pair_distance2(i: int, j: int, track_position: np.ndarray, track_cov: np.ndarray,
                    measurement: np.ndarray, measurement_cov: np.ndarray) -> float:
    return _distance2(
        measurement[j, 0] - track_position[i, 0], measurement[j, 1] - track_position[i, 1],
        measurement[j, 2] - track_position[i, 2],
        track_cov[i, 0, 0] + measurement_cov[j, 0, 0],
        track_cov[i, 0, 1] + measurement_cov[j, 0, 1],
        track_cov[i, 0, 2] + measurement_cov[j, 0, 2],
        track_cov[i, 1, 1] + measurement_cov[j, 1, 1],
        track_cov[i, 1, 2] + measurement_cov[j, 1, 2],
        track_cov[i, 2, 2] + measurement_cov[j, 2, 2])


#: How far beyond the gate a pair's one-axis bound must put it for :func:`_surely_outside`
#: to skip its distance: a factor the rounding of ``d^2`` cannot bridge.
OUTSIDE_MARGIN = 4.0


@njit(cache=True, inline="always")
def _surely_outside(i: int, j: int, track_position: np.ndarray, track_cov: np.ndarray,
                    measurement: np.ndarray, measurement_cov: np.ndarray,
                    gate_threshold: float) -> bool:
    """Whether the pair's ``d^2 = r^T S^-1 r`` is surely above ``gate_threshold``, from
    one axis: for a positive definite ``S``, ``d^2 >= r_a^2 / S_aa`` on each axis ``a``
    (Cauchy-Schwarz), so ``r_a^2 > OUTSIDE_MARGIN x threshold x S_aa`` puts it beyond the
    gate by a factor the rounding of :func:`_distance2` cannot bridge. A few operations
    instead of the cofactors: most pairs tested are far apart. The gated pairs and their
    distances are those of testing every pair (NaN compares false: such a pair is
    computed, as before). Inlined (``inline="always"``, as :func:`_pair_distance2` and
    :func:`_distance2`): a call per pair cost more than the test."""
    bound = OUTSIDE_MARGIN * gate_threshold
    for axis in range(3):
        residual = measurement[j, axis] - track_position[i, axis]
        if residual * residual > bound * (track_cov[i, axis, axis]
                                          + measurement_cov[j, axis, axis]):
            return True
    return False


@njit(cache=True)
def pair_log_determinant(track_cov: np.ndarray, measurement_cov: np.ndarray,
                         track_index: np.ndarray, measurement_index: np.ndarray) -> np.ndarray:
    """``ln|P + R|`` of each pair (``track_index``, ``measurement_index``), each (m,), of
    track covariances (n, 3, 3) and report covariances (k, 3, 3), by cofactors as
    :func:`_distance2` (``tracking.association_cost: likelihood``); NumPy's twin is
    :func:`iadsim.tracking.association.pair_log_determinant`. Returns (m,)."""
    result = np.empty(track_index.size)
    for pair in range(track_index.size):
        i, j = track_index[pair], measurement_index[pair]
        a = track_cov[i, 0, 0] + measurement_cov[j, 0, 0]
        b = track_cov[i, 0, 1] + measurement_cov[j, 0, 1]
        c = track_cov[i, 0, 2] + measurement_cov[j, 0, 2]
        d = track_cov[i, 1, 1] + measurement_cov[j, 1, 1]
        e = track_cov[i, 1, 2] + measurement_cov[j, 1, 2]
        f = track_cov[i, 2, 2] + measurement_cov[j, 2, 2]
        result[pair] = np.log(a * (d * f - e * e) + b * (c * e - b * f) + c * (b * e - c * d))
    return result


@njit(cache=True)
def likelihood_distance2(distance2: np.ndarray, track_cov: np.ndarray,
                         measurement_cov: np.ndarray, track_index: np.ndarray,
                         measurement_index: np.ndarray, false_alarm_constant: np.ndarray,
                         polar: np.ndarray, log_odds: float,
                         gate_threshold: float) -> np.ndarray:
    """:func:`iadsim.tracking.association.likelihood_distance2` of gated pairs in one
    loop, its ``G_L`` and ``ln|S|`` formed here (the tracker's path; the NumPy
    composition of :func:`iadsim.tracking.score.false_alarm_density`,
    :func:`~iadsim.tracking.association.likelihood_gate` and
    :func:`pair_log_determinant` is its reference, to rounding).

    ``distance2`` (m,) the pairs' ``d^2``, ``track_index`` / ``measurement_index`` (m,)
    into ``track_cov`` (n, 3, 3) and ``measurement_cov`` (k, 3, 3); per report ``k``:
    ``false_alarm_constant`` (:func:`score.false_alarm_density_constant` of its radar) and
    ``polar`` (k, 3) (range m, azimuth, elevation rad); ``log_odds`` ``2 ln(P_D / ((1 -
    P_D) (1 + rho) (2 pi)^(3/2)))``. Returns ``d^2 + ln|S| - (G_L - G)`` (m,), ``G_L =
    log_odds - 2 ln beta``."""
    result = pair_log_determinant(track_cov, measurement_cov, track_index, measurement_index)
    for pair in range(distance2.size):
        j = measurement_index[pair]
        spherical = max(polar[j, 0], 1.0) ** 2 * max(np.cos(polar[j, 2]), 1e-6)
        # score.MINIMUM_FALSE_ALARM_DENSITY: a radar without false alarms stays finite.
        density = max(false_alarm_constant[j] / spherical, 1e-30)
        gate = log_odds - 2.0 * np.log(density)
        result[pair] = distance2[pair] + result[pair] - (gate - gate_threshold)
    return result


@njit(cache=True)
def _grown(array: np.ndarray, size: int) -> np.ndarray:
    grown = np.empty(max(2 * array.size, size, 16), dtype=array.dtype)
    for index in range(array.size):  # a loop, not a slice copy: compiles much faster
        grown[index] = array[index]
    return grown


@njit(cache=True)
def _keep_nearest(kept_measurements: np.ndarray, kept_distance2: np.ndarray, start: int,
                  stop: int, limit: int) -> int:
    """Of one track's pairs at ``[start, stop)``, keep the ``limit`` with the smallest
    distance (ties: the lower report index), in their order, at ``[start, start +
    limit)``; returns the new end."""
    if stop - start <= limit:
        return stop
    order = np.argsort(kept_distance2[start:stop], kind="mergesort")
    chosen = np.sort(order[:limit])
    for position in range(limit):
        kept_measurements[start + position] = kept_measurements[start + chosen[position]]
        kept_distance2[start + position] = kept_distance2[start + chosen[position]]
    return start + limit


@njit(cache=True)
def gate_every_pair(track_position: np.ndarray, track_cov: np.ndarray,
                    measurement: np.ndarray, measurement_cov: np.ndarray,
                    gate_threshold: float, max_pairs_per_track: int,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Every pair of track (positions (n, 3), covariances (n, 3, 3)) and report ((k, 3),
    (k, 3, 3)) whose squared Mahalanobis distance passes the gate, track by track, and
    that distance, each track keeping its ``max_pairs_per_track`` nearest reports:
    (track_index, measurement_index, distance2, number of tracks cut to that limit):
    :func:`gate_every_pair_by_slice` with one slice."""
    return gate_every_pair_by_slice(
        track_position, track_cov, np.array([0, track_position.shape[0]]), measurement,
        measurement_cov, np.array([0, measurement.shape[0]]), gate_threshold,
        max_pairs_per_track)


@njit(cache=True)
def gate_every_pair_by_slice(track_position: np.ndarray, track_cov: np.ndarray,
                             track_bounds: np.ndarray, measurement: np.ndarray,
                             measurement_cov: np.ndarray, measurement_bounds: np.ndarray,
                             gate_threshold: float, max_pairs_per_track: int,
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """:func:`gate_every_pair` within slices: the tracks ``[track_bounds[s],
    track_bounds[s + 1])`` are tested against the reports ``[measurement_bounds[s],
    measurement_bounds[s + 1])`` only (each slice a time, its tracks predicted to it), in
    one call. The same pairs, distances and cuts as one :func:`gate_every_pair` per slice,
    slice after slice."""
    slices = track_bounds.size - 1
    capacity = 0
    for index in range(slices):
        capacity += ((track_bounds[index + 1] - track_bounds[index])
                     * (measurement_bounds[index + 1] - measurement_bounds[index]))
    kept_tracks = np.empty(capacity, dtype=np.intp)
    kept_measurements = np.empty(capacity, dtype=np.intp)
    kept_distance2 = np.empty(capacity)
    kept = 0
    cut = 0
    for index in range(slices):
        for i in range(track_bounds[index], track_bounds[index + 1]):
            start = kept
            for j in range(measurement_bounds[index], measurement_bounds[index + 1]):
                if _surely_outside(i, j, track_position, track_cov, measurement,
                                   measurement_cov, gate_threshold):
                    continue
                distance2 = _pair_distance2(i, j, track_position, track_cov, measurement,
                                            measurement_cov)
                if distance2 <= gate_threshold:
                    kept_tracks[kept], kept_measurements[kept] = i, j
                    kept_distance2[kept] = distance2
                    kept += 1
            end = _keep_nearest(kept_measurements, kept_distance2, start, kept,
                                max_pairs_per_track)
            cut, kept = cut + (end < kept), end
    return (kept_tracks[:kept].copy(), kept_measurements[:kept].copy(),
            kept_distance2[:kept].copy(), cut)


@njit(cache=True)
def any_pair_within_reach(track_position: np.ndarray, track_cov: np.ndarray,
                          measurement: np.ndarray, measurement_cov: np.ndarray,
                          gate_threshold: float, margin: float) -> bool:
    """Whether any track (positions (n, 3), covariances (n, 3, 3)) and report ((k, 3),
    (k, 3, 3)) are within ``|r|^2 <= (1 + margin) G (lambda_max(P) + lambda_max(R))``
    (Gershgorin bounds), which every pair in the chi-square gate is; a non-finite value
    counts as within reach. Stops at the first such pair."""
    for i in range(track_position.shape[0]):
        track_reach2 = gate_threshold * largest_eigenvalue_bound(track_cov, i)
        for j in range(measurement.shape[0]):
            rx = measurement[j, 0] - track_position[i, 0]
            ry = measurement[j, 1] - track_position[i, 1]
            rz = measurement[j, 2] - track_position[i, 2]
            reach2 = (track_reach2 + gate_threshold * largest_eigenvalue_bound(
                measurement_cov, j)) * (1.0 + margin)
            if not rx * rx + ry * ry + rz * rz > reach2:  # NaN: within reach
                return True
    return False


@njit(cache=True)
def any_later_pair_within_reach(position: np.ndarray, covariance: np.ndarray,
                                time_s: np.ndarray, group: np.ndarray, rows: np.ndarray,
                                gate_threshold: float, velocity_variance: float,
                                process_noise_density: float, margin: float) -> bool:
    """Whether any two of the reports ``rows`` (k,) (of positions (n, 3), covariances
    (n, 3, 3), times (n,)) of different ``group`` (n,) (nondecreasing over ``rows``: a
    scan each) may pass the gate of a one-plot track started on the earlier one (its
    position the report's, its covariance the report's grown over the lag ``dt`` by
    ``velocity_variance dt^2 + q |dt|^3 / 3`` on the diagonal, ``q`` the
    ``process_noise_density``): within ``|r|^2 <= (1 + margin) G (lambda_max(P) +
    lambda_max(R))`` (Gershgorin bounds, as :func:`any_pair_within_reach`). A non-finite
    value counts as within reach. The rows are read in place: the caller's gathers of
    four arrays cost more than the test (the tracker asks once a scan pass)."""
    count = rows.size
    for first in range(count):
        i = rows[first]
        own_bound = largest_eigenvalue_bound(covariance, i)
        for second in range(first + 1, count):
            j = rows[second]
            if group[j] == group[i]:
                continue
            lag = abs(time_s[j] - time_s[i])
            growth = velocity_variance * lag * lag + process_noise_density * lag ** 3 / 3.0
            rx = position[j, 0] - position[i, 0]
            ry = position[j, 1] - position[i, 1]
            rz = position[j, 2] - position[i, 2]
            reach2 = gate_threshold * (own_bound + growth + largest_eigenvalue_bound(
                covariance, j)) * (1.0 + margin)
            if not rx * rx + ry * ry + rz * rz > reach2:  # NaN: within reach
                return True
    return False


@njit(cache=True)
def largest_eigenvalue_bound(covariance: np.ndarray, row: int) -> float:
    """An upper bound of the largest eigenvalue of the symmetric ``covariance[row]``
    (3 x 3): its largest absolute row sum (Gershgorin's circle theorem). Exact for
    diagonal matrices, and up to 3x tighter than the trace for round ones."""
    largest = 0.0
    for i in range(3):
        row_sum = (abs(covariance[row, i, 0]) + abs(covariance[row, i, 1])
                   + abs(covariance[row, i, 2]))
        largest = max(largest, row_sum)
    return largest


@njit(cache=True)
def _geometric_mean(values: np.ndarray) -> float:
    """Geometric mean of the finite values (each at least 1e-9); 1 if there are none."""
    total, count = 0.0, 0
    for value in values:
        if np.isfinite(value):
            total += np.log(max(value, 1e-9))
            count += 1
    return np.exp(total / count) if count else 1.0


@njit(cache=True)
def _covered_cells(east: float, north: float, radius: float, east_low: float,
                   east_high: float, north_low: float, north_high: float, cell: float,
                   columns: int, rows: int) -> tuple[int, int, int, int]:
    """The grid cells (first and last column, first and last row) a track's square of
    half-side ``radius`` covers; an empty range (last < first) when it misses the grid."""
    if (east + radius < east_low or east - radius > east_high
            or north + radius < north_low or north - radius > north_high):
        return 0, -1, 0, -1
    column_low = max(int(np.floor((east - radius - east_low) / cell)), 0)
    column_high = min(int((east + radius - east_low) / cell), columns - 1)
    row_low = max(int(np.floor((north - radius - north_low) / cell)), 0)
    row_high = min(int((north + radius - north_low) / cell), rows - 1)
    return column_low, column_high, row_low, row_high


@njit(cache=True)
def _grid_layout(track_position: np.ndarray, track_cov: np.ndarray, measurement: np.ndarray,
                 measurement_cov: np.ndarray, gate_threshold: float, cell_factor: float,
                 max_cells: int):
    """The grid of :func:`gate_by_grid`: each track's and report's radius (a track's NaN
    when it cannot gate), the reports' bounds (``east_low`` infinite: no usable report),
    the cell side, columns and rows, each report's first column and first row, and the
    reports of each cell (CSR: ``cell_start``, ``members``)."""
    n_tracks, n_measurements = track_position.shape[0], measurement.shape[0]
    track_radius = np.empty(n_tracks)
    for i in range(n_tracks):
        track_radius[i] = np.sqrt(gate_threshold * largest_eigenvalue_bound(track_cov, i))
    measurement_radius = np.empty(n_measurements)
    for j in range(n_measurements):
        measurement_radius[j] = np.sqrt(
            gate_threshold * largest_eigenvalue_bound(measurement_cov, j))
    # A non-finite position or covariance (a degenerate filter) never passes the gate; it
    # must also stay out of the grid, whose cell indices it would corrupt.
    usable = np.empty(n_measurements, dtype=np.bool_)
    for j in range(n_measurements):
        usable[j] = (np.isfinite(measurement_radius[j]) and np.isfinite(measurement[j, 0])
                     and np.isfinite(measurement[j, 1]) and np.isfinite(measurement[j, 2]))
        if not usable[j]:
            measurement_radius[j] = 0.0
    for i in range(n_tracks):
        if not (np.isfinite(track_radius[i]) and np.isfinite(track_position[i, 0])
                and np.isfinite(track_position[i, 1]) and np.isfinite(track_position[i, 2])):
            track_radius[i] = np.nan  # skipped below
    east_low, east_high = np.inf, -np.inf
    north_low, north_high = np.inf, -np.inf
    for j in range(n_measurements):
        if not usable[j]:
            continue
        east_low = min(east_low, measurement[j, 0] - measurement_radius[j])
        east_high = max(east_high, measurement[j, 0] + measurement_radius[j])
        north_low = min(north_low, measurement[j, 1] - measurement_radius[j])
        north_high = max(north_high, measurement[j, 1] + measurement_radius[j])
    if not np.isfinite(east_low):  # no usable report
        none = np.zeros(0, dtype=np.intp)
        return (track_radius, measurement_radius, east_low, east_high, north_low, north_high,
                1.0, 0, 0, none, none, np.zeros(1, dtype=np.intp), none)
    cell = cell_factor * (_geometric_mean(track_radius) + _geometric_mean(measurement_radius))
    cell = max(cell, 1e-3 * max(east_high - east_low, north_high - north_low), 1e-6)
    columns = int((east_high - east_low) / cell) + 1
    rows = int((north_high - north_low) / cell) + 1
    if columns * rows > max_cells:
        cell *= np.sqrt(columns * rows / max_cells) * 1.01
        columns = int((east_high - east_low) / cell) + 1
        rows = int((north_high - north_low) / cell) + 1
    # Each report's range of cells, then the reports of each cell (counting sort, CSR).
    first_column = np.empty(n_measurements, dtype=np.intp)
    first_row = np.empty(n_measurements, dtype=np.intp)
    last_column = np.empty(n_measurements, dtype=np.intp)
    last_row = np.empty(n_measurements, dtype=np.intp)
    cell_start = np.zeros(columns * rows + 1, dtype=np.intp)
    for j in range(n_measurements):
        if not usable[j]:
            first_column[j], last_column[j], first_row[j], last_row[j] = 0, -1, 0, -1
            continue
        first_column[j] = int((measurement[j, 0] - measurement_radius[j] - east_low) / cell)
        last_column[j] = min(int((measurement[j, 0] + measurement_radius[j] - east_low) / cell),
                             columns - 1)
        first_row[j] = int((measurement[j, 1] - measurement_radius[j] - north_low) / cell)
        last_row[j] = min(int((measurement[j, 1] + measurement_radius[j] - north_low) / cell),
                          rows - 1)
        for row in range(first_row[j], last_row[j] + 1):
            for column in range(first_column[j], last_column[j] + 1):
                cell_start[row * columns + column + 1] += 1
    for index in range(columns * rows):
        cell_start[index + 1] += cell_start[index]
    fill = cell_start[:-1].copy()
    members = np.empty(cell_start[-1], dtype=np.intp)
    for j in range(n_measurements):
        for row in range(first_row[j], last_row[j] + 1):
            for column in range(first_column[j], last_column[j] + 1):
                index = row * columns + column
                members[fill[index]] = j
                fill[index] += 1
    return (track_radius, measurement_radius, east_low, east_high, north_low, north_high,
            cell, columns, rows, first_column, first_row, cell_start, members)


@njit(cache=True)
def _listed(track_position: np.ndarray, track_radius: np.ndarray, east_low: float,
            east_high: float, north_low: float, north_high: float, cell: float, columns: int,
            rows: int, cell_start: np.ndarray, max_tests: int) -> bool:
    """Whether the reports listed in the cells each track's square covers (an upper bound
    of :func:`gate_by_grid`'s tests) stay within ``max_tests`` (False: a crowd)."""
    n_tracks = track_position.shape[0]
    listed = 0
    for i in range(n_tracks):
        radius = track_radius[i]
        if np.isnan(radius):
            continue
        column_low, column_high, row_low, row_high = _covered_cells(
            track_position[i, 0], track_position[i, 1], radius, east_low, east_high,
            north_low, north_high, cell, columns, rows)
        for row in range(row_low, row_high + 1):
            listed += cell_start[row * columns + column_high + 1] - cell_start[
                row * columns + column_low]
        if listed > max_tests:
            return False
    return True


@njit(cache=True)
def grid_gives_up(track_position: np.ndarray, track_cov: np.ndarray, measurement: np.ndarray,
                  measurement_cov: np.ndarray, gate_threshold: float, cell_factor: float,
                  max_cells: int, max_tests: int) -> bool:
    """Whether :func:`gate_by_grid` with these arguments gives up (a crowd: it would
    return -1 tracks cut), found without testing any pair."""
    (track_radius, _, east_low, east_high, north_low, north_high, cell, columns, rows, _, _,
     cell_start, _) = _grid_layout(track_position, track_cov, measurement,
                                      measurement_cov, gate_threshold, cell_factor, max_cells)
    if not np.isfinite(east_low):
        return False
    return not _listed(track_position, track_radius, east_low, east_high, north_low,
                       north_high, cell, columns, rows, cell_start, max_tests)


@njit(cache=True)
def gate_by_grid(track_position: np.ndarray, track_cov: np.ndarray, measurement: np.ndarray,
                 measurement_cov: np.ndarray, gate_threshold: float, cell_factor: float,
                 max_cells: int, max_pairs_per_track: int,
                 max_tests: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Every gated pair, found through a grid on the east-north plane.

    A pair passes the gate only if ``|r|^2 <= G lambda_max(P + R) <= a^2 + b^2`` with
    ``a^2 = G lambda_max(P)`` and ``b^2 = G lambda_max(R)`` (bounded by Gershgorin), so
    only a track and a report whose squares of half-side ``a`` and ``b`` overlap can pair.
    Each report is entered in the grid cells its square covers; each track visits the
    cells its square covers and tests the reports there, a pair being tested only in the
    first cell the two squares share (so never twice). The cell side is ``cell_factor``
    times the sum of the geometric means of ``a`` and of ``b`` (so that a typical square
    covers a few cells, and a few diffuse tracks or reports do not slow the others), enlarged if the
    grid would have more than ``max_cells`` cells. Each track keeps its
    ``max_pairs_per_track`` nearest reports in the gate, so that a crowd of tracks and
    reports at one place gives at most that many pairs per track, not one per report.
    Returns (track_index, measurement_index, distance2), track by track, the number
    of tracks cut to the limit and the number of squared Mahalanobis distances computed.
    When the cells the tracks' squares cover list more than ``max_tests`` reports in all
    (a crowd), it gives up before testing any: it returns no pairs and -1 tracks cut.
    """
    n_tracks = track_position.shape[0]
    (track_radius, measurement_radius, east_low, east_high, north_low, north_high, cell,
     columns, rows, first_column, first_row, cell_start, members) = _grid_layout(
        track_position, track_cov, measurement, measurement_cov, gate_threshold, cell_factor,
        max_cells)
    if not np.isfinite(east_low):  # no usable report
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty.copy(), np.zeros(0), 0, 0
    # Before any test: the reports listed in the cells each track's square covers (an
    # upper bound of the tests). Above max_tests, a crowd: give up.
    if not _listed(track_position, track_radius, east_low, east_high, north_low, north_high,
                   cell, columns, rows, cell_start, max_tests):
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty.copy(), np.zeros(0), -1, 0

    capacity = max(n_tracks, 1024)
    kept_tracks = np.empty(capacity, dtype=np.intp)
    kept_measurements = np.empty(capacity, dtype=np.intp)
    kept_distance2 = np.empty(capacity)
    kept = 0
    cut = 0
    tests = 0
    for i in range(n_tracks):
        radius = track_radius[i]
        if np.isnan(radius):
            continue
        start = kept
        east, north = track_position[i, 0], track_position[i, 1]
        column_low, column_high, row_low, row_high = _covered_cells(
            east, north, radius, east_low, east_high, north_low, north_high, cell, columns,
            rows)
        radius2 = radius * radius
        for row in range(row_low, row_high + 1):
            for column in range(column_low, column_high + 1):
                index = row * columns + column
                for member in range(cell_start[index], cell_start[index + 1]):
                    j = members[member]
                    # Test the pair only in the first cell both squares cover.
                    if (column != max(column_low, first_column[j])
                            or row != max(row_low, first_row[j])):
                        continue
                    rx = measurement[j, 0] - east
                    ry = measurement[j, 1] - north
                    rz = measurement[j, 2] - track_position[i, 2]
                    reach2 = radius2 + measurement_radius[j] * measurement_radius[j]
                    if rx * rx + ry * ry + rz * rz > reach2:
                        continue
                    tests += 1
                    distance2 = _pair_distance2(i, j, track_position, track_cov, measurement,
                                                measurement_cov)
                    if distance2 <= gate_threshold:
                        if kept == kept_tracks.size:
                            kept_tracks = _grown(kept_tracks, kept + 1)
                            kept_measurements = _grown(kept_measurements, kept + 1)
                            kept_distance2 = _grown(kept_distance2, kept + 1)
                        kept_tracks[kept], kept_measurements[kept] = i, j
                        kept_distance2[kept] = distance2
                        kept += 1
        end = _keep_nearest(kept_measurements, kept_distance2, start, kept,
                            max_pairs_per_track)
        cut, kept = cut + (end < kept), end
    return (kept_tracks[:kept].copy(), kept_measurements[:kept].copy(),
            kept_distance2[:kept].copy(), cut, tests)


@njit(cache=True)
def linear_sum_assignment(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Minimum-cost assignment of a dense rectangular ``cost`` (finite entries): the rows
    and columns matched, sorted by row, every row matched if rows <= columns, else every
    column. SciPy's ``linear_sum_assignment`` algorithm (shortest augmenting paths with
    potentials, Crouse 2016), with its order of search and tie-breaking."""
    transposed = cost.shape[0] > cost.shape[1]
    matrix = cost.T if transposed else cost
    n_rows, n_columns = matrix.shape
    u = np.zeros(n_rows)
    v = np.zeros(n_columns)
    shortest = np.empty(n_columns)
    path = np.full(n_columns, -1, dtype=np.intp)
    column_of_row = np.full(n_rows, -1, dtype=np.intp)
    row_of_column = np.full(n_columns, -1, dtype=np.intp)
    rows_seen = np.zeros(n_rows, dtype=np.bool_)
    columns_seen = np.zeros(n_columns, dtype=np.bool_)
    remaining = np.empty(n_columns, dtype=np.intp)
    for current_row in range(n_rows):
        # Dijkstra-like search for the shortest augmenting path from current_row.
        minimum = 0.0
        i = current_row
        remaining_count = n_columns
        for position in range(n_columns):
            remaining[position] = n_columns - position - 1
        rows_seen[:] = False
        columns_seen[:] = False
        shortest[:] = np.inf
        sink = -1
        while sink == -1:
            index = -1
            lowest = np.inf
            rows_seen[i] = True
            for position in range(remaining_count):
                j = remaining[position]
                reduced = minimum + matrix[i, j] - u[i] - v[j]
                if reduced < shortest[j]:
                    path[j] = i
                    shortest[j] = reduced
                if shortest[j] < lowest or (shortest[j] == lowest and row_of_column[j] == -1):
                    lowest = shortest[j]
                    index = position
            minimum = lowest
            j = remaining[index]
            if row_of_column[j] == -1:
                sink = j
            else:
                i = row_of_column[j]
            columns_seen[j] = True
            remaining_count -= 1
            remaining[index] = remaining[remaining_count]
        # Update the dual variables, then augment along the path.
        u[current_row] += minimum
        for row in range(n_rows):
            if rows_seen[row] and row != current_row:
                u[row] += minimum - shortest[column_of_row[row]]
        for column in range(n_columns):
            if columns_seen[column]:
                v[column] -= minimum - shortest[column]
        j = sink
        while True:
            i = path[j]
            row_of_column[j] = i
            j, column_of_row[i] = column_of_row[i], j
            if i == current_row:
                break
    if not transposed:
        return np.arange(n_rows), column_of_row
    # The transposed problem's rows are the columns of ``cost`` and its columns the rows
    # of ``cost``: list the matches by ``cost`` row, as SciPy does.
    cost_rows = np.empty(n_rows, dtype=np.intp)
    cost_columns = np.empty(n_rows, dtype=np.intp)
    matched = 0
    for cost_row in range(n_columns):
        if row_of_column[cost_row] >= 0:
            cost_rows[matched] = cost_row
            cost_columns[matched] = row_of_column[cost_row]
            matched += 1
    return cost_rows, cost_columns


@njit(cache=True)
def _compact(index: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Local numbers for the distinct values of ``index`` (all in ``[0, size)``), in
    increasing order: ``local`` (size,), -1 where absent, and ``values`` with
    ``values[local[v]] = v``."""
    local = np.full(size, -1, dtype=np.intp)
    for value in index:
        local[value] = 0
    count = 0
    for value in range(size):
        if local[value] == 0:
            local[value] = count
            count += 1
    values = np.empty(count, dtype=np.intp)
    for value in range(size):
        if local[value] >= 0:
            values[local[value]] = value
    return local, values


@njit(cache=True)
def assign_clusters(rows: np.ndarray, columns: np.ndarray, gain: np.ndarray, n_rows: int,
                    n_columns: int,
                    dense_limit: int) -> tuple[np.ndarray, ...]:
    """Maximum-gain one-to-one assignment of gated pairs (each ``gain > 0``, each
    (row, column) at most once), cluster by cluster.

    Rows and columns linked by a pair form clusters (union-find); the optimum of the
    whole is the union of the clusters' optima. A cluster of one pair takes it; a cluster
    of up to ``dense_limit`` rows + columns is solved on its dense matrix of ``-gain`` (0
    where no pair, so such a match is the same as none). Larger clusters are left to the
    caller. Returns the chosen rows and columns; the pairs left (indices, grouped by
    cluster); each left pair's row and column rank within its cluster, (k, 2); and per
    left cluster its first and last-plus-one position in ``left``, its rows and its
    columns, (m, 4).
    """
    row_local, row_global = _compact(rows, n_rows)
    column_local, column_global = _compact(columns, n_columns)
    n_r, n_c = row_global.size, column_global.size
    parent = np.arange(n_r + n_c)
    for pair in range(rows.size):
        # _root of both ends, written out (a compiled call per pair, its array's reference
        # count, cost more than the walk).
        a = row_local[rows[pair]]
        while parent[a] != a:
            parent[a] = parent[parent[a]]  # path halving
            a = parent[a]
        b = n_r + column_local[columns[pair]]
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        if a != b:
            if a < b:
                parent[b] = a
            else:
                parent[a] = b
    # Cluster number of each node, in order of first node.
    cluster_of = np.full(n_r + n_c, -1, dtype=np.intp)
    clusters = 0
    for node in range(n_r + n_c):
        root = node
        while parent[root] != root:  # _root, written out
            parent[root] = parent[parent[root]]
            root = parent[root]
        if cluster_of[root] < 0:
            cluster_of[root] = clusters
            clusters += 1
        cluster_of[node] = cluster_of[root]
    # Rank of each row (column) within its cluster, in increasing global order.
    rows_in = np.zeros(clusters, dtype=np.intp)
    columns_in = np.zeros(clusters, dtype=np.intp)
    rank = np.empty(n_r + n_c, dtype=np.intp)
    for node in range(n_r):
        rank[node] = rows_in[cluster_of[node]]
        rows_in[cluster_of[node]] += 1
    for node in range(n_r, n_r + n_c):
        rank[node] = columns_in[cluster_of[node]]
        columns_in[cluster_of[node]] += 1
    # Pairs grouped by cluster (counting sort, stable).
    pair_start = np.zeros(clusters + 1, dtype=np.intp)
    for pair in range(rows.size):
        pair_start[cluster_of[row_local[rows[pair]]] + 1] += 1
    for cluster in range(clusters):
        pair_start[cluster + 1] += pair_start[cluster]
    fill = pair_start[:-1].copy()
    pair_order = np.empty(rows.size, dtype=np.intp)
    for pair in range(rows.size):
        cluster = cluster_of[row_local[rows[pair]]]
        pair_order[fill[cluster]] = pair
        fill[cluster] += 1
    # Members of each cluster by rank, to map back to global numbers.
    row_start = np.zeros(clusters + 1, dtype=np.intp)
    column_start = np.zeros(clusters + 1, dtype=np.intp)
    for cluster in range(clusters):
        row_start[cluster + 1] = row_start[cluster] + rows_in[cluster]
        column_start[cluster + 1] = column_start[cluster] + columns_in[cluster]
    row_member = np.empty(n_r, dtype=np.intp)
    for node in range(n_r):
        row_member[row_start[cluster_of[node]] + rank[node]] = row_global[node]
    column_member = np.empty(n_c, dtype=np.intp)
    for node in range(n_c):
        column_member[column_start[cluster_of[n_r + node]] + rank[n_r + node]] = (
            column_global[node])

    chosen_rows = np.empty(min(n_r, n_c), dtype=np.intp)
    chosen_columns = np.empty(min(n_r, n_c), dtype=np.intp)
    chosen = 0
    left = np.empty(rows.size, dtype=np.intp)
    left_rank = np.empty((rows.size, 2), dtype=np.intp)
    left_clusters = np.empty((clusters, 4), dtype=np.intp)
    left_count = 0
    left_cluster_count = 0
    for cluster in range(clusters):
        cluster_rows, cluster_columns = rows_in[cluster], columns_in[cluster]
        first, last = pair_start[cluster], pair_start[cluster + 1]
        if cluster_rows == 1 and cluster_columns == 1:
            pair = pair_order[first]
            chosen_rows[chosen], chosen_columns[chosen] = rows[pair], columns[pair]
            chosen += 1
        elif cluster_rows + cluster_columns <= dense_limit:
            matrix = np.zeros((cluster_rows, cluster_columns))
            for position in range(first, last):
                pair = pair_order[position]
                matrix[rank[row_local[rows[pair]]],
                       rank[n_r + column_local[columns[pair]]]] = -gain[pair]
            matched_rows, matched_columns = linear_sum_assignment(matrix)
            for k in range(matched_rows.size):
                if matrix[matched_rows[k], matched_columns[k]] < 0.0:
                    chosen_rows[chosen] = row_member[row_start[cluster] + matched_rows[k]]
                    chosen_columns[chosen] = column_member[
                        column_start[cluster] + matched_columns[k]]
                    chosen += 1
        else:
            left_clusters[left_cluster_count, 0] = left_count
            for position in range(first, last):
                pair = pair_order[position]
                left[left_count] = pair
                left_rank[left_count, 0] = rank[row_local[rows[pair]]]
                left_rank[left_count, 1] = rank[n_r + column_local[columns[pair]]]
                left_count += 1
            left_clusters[left_cluster_count, 1] = left_count
            left_clusters[left_cluster_count, 2] = cluster_rows
            left_clusters[left_cluster_count, 3] = cluster_columns
            left_cluster_count += 1
    return (chosen_rows[:chosen].copy(), chosen_columns[:chosen].copy(),
            left[:left_count].copy(), left_rank[:left_count].copy(),
            left_clusters[:left_cluster_count].copy())


@njit(cache=True)
def predict_candidate_positions(state: np.ndarray, covariance: np.ndarray,
                                time_s: np.ndarray, hits: np.ndarray, rows: np.ndarray,
                                row_time_s: np.ndarray, one_plot_velocity_variance: float,
                                acceleration_sigma_mps2: float,
                                acceleration_mps2: np.ndarray,
                                ) -> tuple[np.ndarray, np.ndarray]:
    """Positions (v, 3) and position covariances (v, 3, 3) of the candidates ``rows`` (v,)
    of a track table (``state`` (n, 6), ``covariance`` (n, 6, 6), ``time_s`` (n,),
    ``hits`` (n,)), each predicted from its track's time to its ``row_time_s`` (v,) at
    constant velocity plus the known ``acceleration_mps2`` (v, 3; (0, 3): none), with the
    CWNA noise of ``acceleration_sigma_mps2``. A one-plot track (``hits == 1``) is
    predicted with its velocity covariance replaced by ``one_plot_velocity_variance`` per
    axis (uncorrelated), which bounds its gate. The same arithmetic as bounding the
    gathered rows' covariances and calling :func:`iadsim.tracking.kalman.predict_position`,
    bit for bit; the table is not modified."""
    count = rows.size
    position = np.empty((count, 3))
    position_cov = np.empty((count, 3, 3))
    q = acceleration_sigma_mps2 * acceleration_sigma_mps2
    bounded = np.empty((6, 6))
    none = np.zeros(3)
    known = acceleration_mps2.shape[0] > 0
    for v in range(count):
        row = rows[v]
        dt = row_time_s[v] - time_s[row]
        acceleration = acceleration_mps2[v] if known else none
        if hits[row] == 1:
            for i in range(6):
                for j in range(6):
                    bounded[i, j] = covariance[row, i, j]
            for i in range(3):
                for j in range(3):
                    bounded[3 + i, 3 + j] = one_plot_velocity_variance if i == j else 0.0
            _predict_position_into(state[row], bounded, dt, q, acceleration, position[v],
                                   position_cov[v])
        else:
            _predict_position_into(state[row], covariance[row], dt, q, acceleration,
                                   position[v], position_cov[v])
    return position, position_cov
