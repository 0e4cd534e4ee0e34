"""Gating through a k-d tree of reports: every pair in the chi-square gate, each track
keeping its nearest reports, with work bounded in a crowd (Numba).

The gate keeps a pair when ``d^2 = r^T (P + R)^-1 r <= G``. Two Euclidean consequences
let a tree of report positions skip most pairs (``a^2 = G lambda_max(P)`` and ``b^2 = G
lambda_max(R)``, both bounded by Gershgorin's circle theorem, as in
:func:`kernels.largest_eigenvalue_bound`):

* the gate: ``|r|^2 <= G lambda_max(P + R) <= a^2 + b^2``, so a node of the tree whose
  box is farther from the track than ``sqrt(a^2 + max b^2)`` holds no pair in the gate;
* the nearest reports: ``d^2 >= |r|^2 / lambda_max(P + R) >= G |r|^2 / (a^2 + b^2)``, so
  once a track has more than ``max_pairs_per_track`` reports in its gate (it is *cut*,
  as in :func:`kernels.gate_every_pair`), a node whose box gives a lower bound above the
  track's current ``max_pairs_per_track``-th smallest ``d^2`` (with a relative margin of
  ``NEAREST_BOUND_MARGIN`` against rounding) cannot improve it.

The second bound is what keeps a crowd (thousands of targets at one place, every pair in
every gate) from costing tracks x reports Mahalanobis tests: the tree is searched nearest
box first, and each track stops once no box can hold a nearer report. It is exact: the
pairs are those of the brute-force gate, each track keeping its ``max_pairs_per_track``
smallest ``d^2`` (ties: the lower report index). On top of it, each track tests at most
``max_candidates`` reports (the hard bound on work for covariances so elongated that the
bound prunes little); a track that reaches it keeps the nearest of those it tested, and
is counted as *capped* (the caller reports it).

The tree and both bounds may be taken in any linear coordinates ``W p`` (``W``
invertible, the covariances becoming ``W C W^T``): the caller passes a ``W`` that makes
the typical report error round, where the bounds are tight, whereas in metres a report
ten times longer across than along the range leaves the second bound ten times loose.

The tree: median splits on the widest axis of each node's box (positions in 3-D),
``LEAF_SIZE`` reports a leaf at most, built in O(k log k), O(k) memory.
Source: J. L. Bentley, "Multidimensional binary search trees used for associative
searching", Comm. ACM 18(9), 1975; J. H. Friedman, J. L. Bentley, R. A. Finkel, "An
algorithm for finding best matches in logarithmic expected time", ACM TOMS 3(3), 1977
(nearest-first search with a bound).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.tracking.kernels import _grown, _pair_distance2, largest_eigenvalue_bound

#: At most this many reports in a leaf of the tree.
LEAF_SIZE = 8
#: A box is skipped by the nearest-reports bound only when its lower bound of ``d^2``
#: exceeds the kept ``d^2`` by this relative margin: ``d^2`` computed by cofactors can be
#: a little below its exact value, and the search must never skip a report it would keep.
NEAREST_BOUND_MARGIN = 1e-3
#: The Euclidean gate tests are widened by this relative margin: computed in transformed
#: coordinates, they must never reject a pair whose computed ``d^2`` passes the gate.
_REACH_MARGIN = 1e-9
#: Depth of the search stack: a median-split tree of k reports is ``log2(k / LEAF_SIZE)``
#: deep, far below this for any k that fits in memory.
_STACK_DEPTH = 256


@njit(cache=True)
def _select(order: np.ndarray, point: np.ndarray, axis: int, start: int, stop: int,
            middle: int) -> None:
    """Reorder ``order[start:stop]`` so that the row at ``middle`` has the coordinate
    ``axis`` it would have sorted, none before it a larger one and none after a smaller
    one (Hoare's selection, median-of-three pivots; deterministic). O(stop - start)."""
    low, high = start, stop - 1
    while high > low:
        centre = (low + high) // 2
        a, b, c = point[order[low], axis], point[order[centre], axis], point[order[high], axis]
        pivot = max(min(a, b), min(max(a, b), c))
        left, right = low, high
        while left <= right:
            while point[order[left], axis] < pivot:
                left += 1
            while point[order[right], axis] > pivot:
                right -= 1
            if left <= right:
                order[left], order[right] = order[right], order[left]
                left += 1
                right -= 1
        if middle <= right:
            high = right
        elif middle >= left:
            low = left
        else:
            return


@njit(cache=True)
def build_tree(point: np.ndarray, usable: np.ndarray, leaf_size: int,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A k-d tree of the ``usable`` rows of ``point`` (k, 3).

    Returns ``order`` (the usable row indices, each node's rows contiguous in it),
    ``bounds`` (nodes, 2, 3: each node's box, low and high corner), ``span`` (nodes, 2:
    first and last-plus-one position in ``order``), ``child`` (nodes, 2: left and right
    node, -1 for a leaf) and the number of nodes. Node 0 is the root (empty when no row
    is usable).
    """
    count = 0
    for j in range(point.shape[0]):
        count += usable[j]
    order = np.empty(count, dtype=np.intp)
    filled = 0
    for j in range(point.shape[0]):
        if usable[j]:
            order[filled] = j
            filled += 1
    capacity = max(2 * count, 1)
    bounds = np.empty((capacity, 2, 3))
    span = np.empty((capacity, 2), dtype=np.intp)
    child = np.full((capacity, 2), -1, dtype=np.intp)
    span[0, 0], span[0, 1] = 0, count
    nodes = 1
    pending = np.empty(capacity, dtype=np.intp)
    pending[0] = 0
    waiting = 1
    while waiting:
        waiting -= 1
        node = pending[waiting]
        start, stop = span[node, 0], span[node, 1]
        east_low, north_low, up_low = np.inf, np.inf, np.inf
        east_high, north_high, up_high = -np.inf, -np.inf, -np.inf
        for position in range(start, stop):
            j = order[position]
            east, north, up = point[j, 0], point[j, 1], point[j, 2]
            east_low, east_high = min(east_low, east), max(east_high, east)
            north_low, north_high = min(north_low, north), max(north_high, north)
            up_low, up_high = min(up_low, up), max(up_high, up)
        bounds[node, 0, 0], bounds[node, 0, 1], bounds[node, 0, 2] = east_low, north_low, up_low
        bounds[node, 1, 0], bounds[node, 1, 1], bounds[node, 1, 2] = (east_high, north_high,
                                                                      up_high)
        if stop - start <= leaf_size:
            continue
        widest, width = 0, east_high - east_low
        if north_high - north_low > width:
            widest, width = 1, north_high - north_low
        if up_high - up_low > width:
            widest, width = 2, up_high - up_low
        if width <= 0.0:
            continue  # every report at one point: a leaf, however many
        middle = start + (stop - start) // 2
        _select(order, point, widest, start, stop, middle)
        for side in range(2):
            child[node, side] = nodes
            span[nodes, 0] = start if side == 0 else middle
            span[nodes, 1] = middle if side == 0 else stop
            pending[waiting] = nodes
            waiting += 1
            nodes += 1
    return order, bounds, span, child, nodes


@njit(cache=True)
def _box_distance2(bounds: np.ndarray, node: int, east: float, north: float,
                   up: float) -> float:
    """Squared distance from a point to a node's box (0 inside). Each axis term is the
    difference to the box face, which is a coordinate of a report in the box, so it never
    exceeds (after rounding, which is monotone) the computed difference to any of them."""
    total = 0.0
    coordinate = (east, north, up)
    for axis in range(3):
        value = coordinate[axis]
        low, high = bounds[node, 0, axis], bounds[node, 1, axis]
        if value < low:
            gap = low - value
        elif value > high:
            gap = value - high
        else:
            gap = 0.0
        total = total + gap * gap
    return total


@njit(cache=True)
def _largest_radius2(order: np.ndarray, span: np.ndarray, child: np.ndarray, nodes: int,
                     radius: np.ndarray) -> np.ndarray:
    """Per node, the largest ``radius[j] * radius[j]`` of its reports (children are
    numbered after their parent, so one backward pass suffices)."""
    largest = np.zeros(nodes)
    for node in range(nodes - 1, -1, -1):
        if child[node, 0] < 0:
            for position in range(span[node, 0], span[node, 1]):
                j = order[position]
                largest[node] = max(largest[node], radius[j] * radius[j])
        else:
            largest[node] = max(largest[child[node, 0]], largest[child[node, 1]])
    return largest


@njit(cache=True)
def _insert(best_distance2: np.ndarray, best_index: np.ndarray, held: int, limit: int,
            distance2: float, j: int) -> int:
    """Insert (distance2, j) into the ``held`` first entries, sorted by (distance2, index)
    and at most ``limit`` long; returns the new number held."""
    position = held if held < limit else limit - 1
    if held == limit and (distance2 > best_distance2[position]
                          or (distance2 == best_distance2[position]
                              and j > best_index[position])):
        return held
    while position > 0 and (best_distance2[position - 1] > distance2
                            or (best_distance2[position - 1] == distance2
                                and best_index[position - 1] > j)):
        best_distance2[position] = best_distance2[position - 1]
        best_index[position] = best_index[position - 1]
        position -= 1
    best_distance2[position], best_index[position] = distance2, j
    return min(held + 1, limit)


@njit(cache=True)
def _transformed(transform: np.ndarray, position: np.ndarray, covariance: np.ndarray,
                 gate_threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions ``W p`` (m, 3), gate radii ``sqrt(G lambda_max(W C W^T))`` (Gershgorin)
    and whether each row is usable (finite), for the rows of ``position`` (m, 3) and
    ``covariance`` (m, 3, 3)."""
    count = position.shape[0]
    moved = np.empty((count, 3))
    radius = np.empty(count)
    usable = np.empty(count, dtype=np.bool_)
    product = np.empty((1, 3, 3))
    for j in range(count):
        for a in range(3):
            moved[j, a] = (transform[a, 0] * position[j, 0] + transform[a, 1] * position[j, 1]
                           + transform[a, 2] * position[j, 2])
            for b in range(3):
                total = 0.0
                for c in range(3):
                    for d in range(3):
                        total += transform[a, c] * covariance[j, c, d] * transform[b, d]
                product[0, a, b] = total
        radius[j] = np.sqrt(gate_threshold * largest_eigenvalue_bound(product, 0))
        usable[j] = (np.isfinite(radius[j]) and np.isfinite(moved[j, 0])
                     and np.isfinite(moved[j, 1]) and np.isfinite(moved[j, 2]))
    return moved, radius, usable


@njit(cache=True)
def gate_by_tree(track_position: np.ndarray, track_cov: np.ndarray, measurement: np.ndarray,
                 measurement_cov: np.ndarray, gate_threshold: float, max_pairs_per_track: int,
                 max_candidates: int, leaf_size: int, transform: np.ndarray,
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int, int]:
    """Every gated pair through a k-d tree of the reports (see the module docstring).

    track_position (n, 3), track_cov (n, 3, 3), measurement (k, 3), measurement_cov
    (k, 3, 3): positions (m) and covariances (m^2). ``transform`` (3, 3, invertible): the
    tree and its bounds are in the coordinates ``W p`` (the bounds hold for any
    invertible ``W``, since ``d^2 = (W r)^T (W S W^T)^-1 (W r)``); a ``W`` that makes the
    typical covariance round (``S^-1/2``) makes them tight, the identity leaves metres.
    The distances themselves are computed from the inputs, whatever ``W``. Returns
    (track_index, measurement_index, distance2) track by track, each track's reports in
    increasing index; the number of tracks cut to ``max_pairs_per_track``; the number of
    tracks that reached ``max_candidates`` tested reports (capped); the number of
    Mahalanobis distances computed (the work done). A non-finite track or report gates
    with nothing. ``max_pairs_per_track`` and ``max_candidates`` are at least 1.
    """
    n_tracks = track_position.shape[0]
    moved_measurement, measurement_radius, usable = _transformed(
        transform, measurement, measurement_cov, gate_threshold)
    moved_track, track_radius, track_usable = _transformed(
        transform, track_position, track_cov, gate_threshold)
    order, bounds, span, child, nodes = build_tree(moved_measurement, usable, leaf_size)
    largest_radius2 = _largest_radius2(order, span, child, nodes, measurement_radius)
    empty = order.size == 0

    capacity = max(n_tracks, 1024)
    kept_tracks = np.empty(capacity, dtype=np.intp)
    kept_measurements = np.empty(capacity, dtype=np.intp)
    kept_distance2 = np.empty(capacity)
    kept = 0
    cut = 0
    capped = 0
    tested = 0
    limit = max_pairs_per_track
    best_distance2 = np.empty(limit)
    best_index = np.empty(limit, dtype=np.intp)
    stack = np.empty(_STACK_DEPTH, dtype=np.intp)
    stack_distance2 = np.empty(_STACK_DEPTH)
    for i in range(n_tracks):
        if empty or not (track_usable[i] and np.isfinite(track_position[i, 0])
                         and np.isfinite(track_position[i, 1])
                         and np.isfinite(track_position[i, 2])):
            continue
        east, north, up = moved_track[i, 0], moved_track[i, 1], moved_track[i, 2]
        # A margin against rounding: the Euclidean tests are necessary conditions only.
        radius2 = track_radius[i] * track_radius[i] * (1.0 + _REACH_MARGIN)
        held = 0
        is_cut = False
        candidates = 0
        stack[0] = 0
        stack_distance2[0] = _box_distance2(bounds, 0, east, north, up)
        depth = 1
        while depth:
            depth -= 1
            node, distance2_to_box = stack[depth], stack_distance2[depth]
            reach2 = radius2 + largest_radius2[node] * (1.0 + _REACH_MARGIN)
            if distance2_to_box > reach2:
                continue
            if is_cut and held == limit and (
                    gate_threshold * distance2_to_box
                    > best_distance2[limit - 1] * reach2 * (1.0 + NEAREST_BOUND_MARGIN)):
                continue
            if child[node, 0] >= 0:
                near, far = child[node, 0], child[node, 1]
                near_distance2 = _box_distance2(bounds, near, east, north, up)
                far_distance2 = _box_distance2(bounds, far, east, north, up)
                if near_distance2 > far_distance2:
                    near, far = far, near
                    near_distance2, far_distance2 = far_distance2, near_distance2
                stack[depth], stack_distance2[depth] = far, far_distance2
                stack[depth + 1], stack_distance2[depth + 1] = near, near_distance2
                depth += 2
                continue
            for position in range(span[node, 0], span[node, 1]):
                j = order[position]
                rx = moved_measurement[j, 0] - east
                ry = moved_measurement[j, 1] - north
                rz = moved_measurement[j, 2] - up
                residual2 = rx * rx + ry * ry + rz * rz
                reach2 = radius2 + measurement_radius[j] * measurement_radius[j] * (
                    1.0 + _REACH_MARGIN)
                if residual2 > reach2:
                    continue
                # The nearest-reports bound of this one report, as for a box.
                if is_cut and held == limit and (
                        gate_threshold * residual2
                        > best_distance2[limit - 1] * reach2 * (1.0 + NEAREST_BOUND_MARGIN)):
                    continue
                candidates += 1
                distance2 = _pair_distance2(i, j, track_position, track_cov, measurement,
                                            measurement_cov)
                if distance2 <= gate_threshold:
                    if held == max_pairs_per_track:
                        is_cut = True
                    held = _insert(best_distance2, best_index, held, limit, distance2, j)
                if candidates == max_candidates:
                    break
            if candidates == max_candidates:
                capped += 1
                break
        tested += candidates
        cut += is_cut
        if kept + held > kept_tracks.size:
            kept_tracks = _grown(kept_tracks, kept + held)
            kept_measurements = _grown(kept_measurements, kept + held)
            kept_distance2 = _grown(kept_distance2, kept + held)
        # This track's pairs in increasing report index (insertion sort of a few).
        for position in range(held):
            kept_tracks[kept + position] = i
            k = position
            while k > 0 and kept_measurements[kept + k - 1] > best_index[position]:
                kept_measurements[kept + k] = kept_measurements[kept + k - 1]
                kept_distance2[kept + k] = kept_distance2[kept + k - 1]
                k -= 1
            kept_measurements[kept + k] = best_index[position]
            kept_distance2[kept + k] = best_distance2[position]
        kept += held
    return (kept_tracks[:kept].copy(), kept_measurements[:kept].copy(),
            kept_distance2[:kept].copy(), cut, capped, tested)


@njit(cache=True)
def assign_greedy(rows: np.ndarray, columns: np.ndarray, order: np.ndarray, n_rows: int,
                  n_columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Greedy one-to-one assignment of pairs (rows in ``[0, n_rows)``, columns in ``[0,
    n_columns)``) taken in ``order`` (the caller's: decreasing gain, ties by row then
    column): each pair is taken when its row and its column are both still free. O(m)
    after the sort; a maximal matching taken in decreasing gain has at least half the
    optimal summed gain. Returns the rows and columns taken, by row."""
    column_of_row = np.full(n_rows, -1, dtype=np.intp)
    column_taken = np.zeros(n_columns, dtype=np.bool_)
    count = 0
    for pair in order:
        row, column = rows[pair], columns[pair]
        if column_of_row[row] < 0 and not column_taken[column]:
            column_of_row[row], column_taken[column] = column, True
            count += 1
    chosen_rows = np.empty(count, dtype=np.intp)
    chosen_columns = np.empty(count, dtype=np.intp)
    count = 0
    for row in range(n_rows):
        if column_of_row[row] >= 0:
            chosen_rows[count], chosen_columns[count] = row, column_of_row[row]
            count += 1
    return chosen_rows, chosen_columns
