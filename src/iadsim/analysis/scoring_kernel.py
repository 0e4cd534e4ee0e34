"""Compiled per-time bookkeeping of :func:`iadsim.analysis.track_quality.score_tracks`.

``score_tracks`` with order ``p = 2`` (its default) walks the scored times in one compiled
call (:func:`score_times`) instead of some forty small NumPy calls a time: carry the
picture to the time, pair it with the truth, count breaks and switches, and step the held
counts (:class:`iadsim.analysis.track_continuity.ContinuityCounter`'s rules, threat by
threat). The arithmetic is the NumPy code's, operation for operation, so the results are
the same bit for bit:

* carried positions ``p + v dt`` then ``+= (0.5 a) (dt dt)``
  (:func:`iadsim.analysis.track_quality.carried_positions`);
* distances ``sqrt((dx dx + dy dy) + dz dz)`` (``numpy.linalg.norm`` over the last axis);
* the sum of squared distances in NumPy's pairwise order (:func:`numpy_sum`).

The optimal assignment is taken in the kernel only when it is unambiguous
(:func:`unambiguous_pairs`): every track within the cut-off of at most one threat and
every threat within it of at most one track, each such pair strictly cheaper than the
cut-off. Every optimal assignment then holds exactly those pairs (one missing could be
swapped in for a strictly lower cost), so they are the pairs SciPy's
``linear_sum_assignment`` returns. Any other time (or one past the dense size limit) is
handed back to the caller, which solves it with
:func:`iadsim.analysis.track_quality.optimal_pairs` and resumes the kernel.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Rows of the per-time count table :func:`score_times` fills.
COUNT_COLUMNS = ("tracks", "truths", "assigned", "track_breaks", "id_switches",
                 "unassigned_tracks")


#: The most values :func:`numpy_sum` adds: NumPy's pairwise block, summed without recursion
#: (a recursive function cached by Numba crashes when loaded from its cache).
SUM_BLOCK = 128


@njit(cache=True)
def numpy_sum(values: np.ndarray) -> float:
    """``values.sum()`` of a contiguous 1-D float array of at most :data:`SUM_BLOCK`
    values, bit for bit: NumPy's pairwise summation (``pairwise_sum`` in
    ``numpy/_core/src/umath/loops_utils.h.src``) below its block size, the same order of
    additions."""
    count = values.size
    if count < 8:
        total = 0.0
        for index in range(count):
            total += values[index]
        return total
    r0, r1, r2, r3 = values[0], values[1], values[2], values[3]
    r4, r5, r6, r7 = values[4], values[5], values[6], values[7]
    index = 8
    while index < count - count % 8:
        r0 += values[index]
        r1 += values[index + 1]
        r2 += values[index + 2]
        r3 += values[index + 3]
        r4 += values[index + 4]
        r5 += values[index + 5]
        r6 += values[index + 6]
        r7 += values[index + 7]
        index += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while index < count:
        total += values[index]
        index += 1
    return total


@njit(cache=True)
def distance_matrix(estimates: np.ndarray, truths: np.ndarray) -> np.ndarray:
    """``numpy.linalg.norm(estimates[:, None] - truths[None], axis=2)``, bit for bit."""
    distance = np.empty((estimates.shape[0], truths.shape[0]))
    for row in range(estimates.shape[0]):
        for column in range(truths.shape[0]):
            east = estimates[row, 0] - truths[column, 0]
            north = estimates[row, 1] - truths[column, 1]
            up = estimates[row, 2] - truths[column, 2]
            distance[row, column] = np.sqrt((east * east + north * north) + up * up)
    return distance


@njit(cache=True)
def unambiguous_pairs(distance: np.ndarray, c: float, c_power: float, p: float
                      ) -> tuple[bool, np.ndarray, np.ndarray, np.ndarray]:
    """The pairs closer than ``c`` of the optimal assignment when they are unambiguous.

    ``distance``: (n, m) estimate-truth distances; ``c_power``: ``c ** p`` as Python
    computes it. Returns ``(found, estimate_index, truth_index, distance)``: ``found`` is
    False (and the arrays empty) unless every row and every column holds at most one
    distance below ``c`` and each such distance to the ``p`` is strictly below
    ``c_power``; then the arrays are those pairs in increasing estimate index, as
    :func:`iadsim.analysis.track_quality.optimal_pairs` returns them.
    """
    rows, columns = distance.shape
    column_taken = np.zeros(columns, dtype=np.bool_)
    pair_column = np.full(rows, -1, dtype=np.intp)
    count = 0
    for row in range(rows):
        for column in range(columns):
            value = distance[row, column]
            if value < c:
                if pair_column[row] >= 0 or column_taken[column]:
                    return (False, np.zeros(0, np.intp), np.zeros(0, np.intp),
                            np.zeros(0))
                cost = value * value if p == 2.0 else value**p
                if not cost < c_power:
                    return (False, np.zeros(0, np.intp), np.zeros(0, np.intp),
                            np.zeros(0))
                pair_column[row] = column
                column_taken[column] = True
                count += 1
    estimate_index = np.empty(count, dtype=np.intp)
    truth_index = np.empty(count, dtype=np.intp)
    pair_distance = np.empty(count)
    at = 0
    for row in range(rows):
        if pair_column[row] >= 0:
            estimate_index[at] = row
            truth_index[at] = pair_column[row]
            pair_distance[at] = distance[row, pair_column[row]]
            at += 1
    return True, estimate_index, truth_index, pair_distance


@njit(cache=True)
def score_times(row: int, resume: bool, given_estimate: np.ndarray, given_truth: np.ndarray,
                given_distance: np.ndarray, given_squared_sum: float, times: np.ndarray,
                track_time: np.ndarray, track_index: np.ndarray, track_position: np.ndarray,
                track_velocity: np.ndarray, track_acceleration: np.ndarray,
                with_acceleration: bool, track_bounds: np.ndarray, truth_bounds: np.ndarray,
                truth_id: np.ndarray, truth_position: np.ndarray, end_event_s: np.ndarray,
                end_event_track: np.ndarray, end_event_dropped: np.ndarray,
                end_bounds: np.ndarray, c_m: float, c_power: float, hold_s: float,
                dense_limit: int, tracks_state: tuple, threats_state: tuple,
                outputs: tuple, live: np.ndarray, live_count: np.ndarray,
                estimates: np.ndarray) -> int:
    """Score the times from ``row`` on (order 2); see the module docstring.

    With ``resume`` the picture of ``row`` is already in ``live[:live_count[0]]`` and
    ``estimates`` and its pairs are ``given_*`` (the caller's general assignment, and the
    sum of the squared distances, used when there are more than :data:`SUM_BLOCK`).
    Returns the next row whose assignment the caller must solve (its picture left in
    ``live``, ``live_count`` and ``estimates``), or -1 when every time is scored.
    ``tracks_state``, ``threats_state`` and ``outputs`` are updated in place (see
    :func:`iadsim.analysis.track_quality.score_tracks`).
    """
    (end_time, ended_by_drop, state_time, state_position, state_velocity,
     state_acceleration, seen, ever_paired) = tracks_state
    (paired_before, last_track, first_paired_s, holder, lost_row, lost_s, lost_counted,
     drop_counted, candidate, candidate_row, candidate_s) = threats_state
    counts, localisation, held_breaks, drop_breaks, held_switches, totals = outputs
    n_times = times.size
    while row < n_times:
        time_s = times[row]
        truth_start = truth_bounds[row - 1] if row > 0 else 0
        truth_stop = truth_bounds[row]
        n_truths = truth_stop - truth_start
        if resume:
            resume = False
            n_live = live_count[0]
            estimate_index, truth_index, distance = given_estimate, given_truth, given_distance
        else:
            # Carry the picture to the time: ends known by then, rows recorded by then.
            end_start = end_bounds[row - 1] if row > 0 else 0
            for event in range(end_start, end_bounds[row]):
                end_time[end_event_track[event]] = end_event_s[event]
                ended_by_drop[end_event_track[event]] = end_event_dropped[event]
            track_start = track_bounds[row - 1] if row > 0 else 0
            for record in range(track_start, track_bounds[row]):
                track = track_index[record]
                if track_time[record] > end_time[track]:  # a re-joined number
                    end_time[track] = np.inf
                    ended_by_drop[track] = False
                state_time[track] = track_time[record]
                state_position[track] = track_position[record]
                state_velocity[track] = track_velocity[record]
                if with_acceleration:
                    state_acceleration[track] = track_acceleration[record]
                seen[track] = True
            n_live = 0
            for track in range(end_time.size):
                if seen[track] and end_time[track] > time_s:
                    live[n_live] = track
                    elapsed = time_s - state_time[track]
                    for axis in range(3):
                        value = state_position[track, axis] + state_velocity[track, axis] * elapsed
                        if with_acceleration:
                            value += 0.5 * state_acceleration[track, axis] * (elapsed * elapsed)
                        estimates[n_live, axis] = value
                    n_live += 1
            live_count[0] = n_live
            if n_live == 0 or n_truths == 0:
                estimate_index = np.zeros(0, np.intp)
                truth_index = np.zeros(0, np.intp)
                distance = np.zeros(0)
            elif n_live * n_truths > dense_limit:
                return row
            else:
                found, estimate_index, truth_index, distance = unambiguous_pairs(
                    distance_matrix(estimates[:n_live],
                                    truth_position[truth_start:truth_stop]),
                    c_m, c_power, 2.0)
                if not found or distance.size > SUM_BLOCK:
                    return row
        assigned = distance.size
        squared_sum = (given_squared_sum if assigned > SUM_BLOCK
                       else numpy_sum(distance * distance))
        # Paired now: the threats (truth rows) and their tracks.
        track_of = np.full(n_truths, -1, dtype=np.intp)
        for pair in range(assigned):
            track_of[truth_index[pair]] = live[estimate_index[pair]]
        breaks = 0
        switches = 0
        for pair in range(assigned):
            threat = truth_id[truth_start + truth_index[pair]]
            previous = last_track[threat]
            if previous >= 0 and previous != track_of[truth_index[pair]]:
                switches += 1
        for truth_row in range(n_truths):
            threat = truth_id[truth_start + truth_row]
            if paired_before[threat] and track_of[truth_row] < 0:
                breaks += 1
            paired_before[threat] = track_of[truth_row] >= 0
        for pair in range(assigned):
            threat = truth_id[truth_start + truth_index[pair]]
            last_track[threat] = track_of[truth_index[pair]]
        # The held counts (ContinuityCounter.step): losses first, then pairings.
        for truth_row in range(n_truths):
            threat = truth_id[truth_start + truth_row]
            if track_of[truth_row] >= 0 or holder[threat] < 0:
                continue
            if lost_row[threat] < 0:
                lost_row[threat] = row
                lost_s[threat] = time_s
                lost_counted[threat] = False
            held = holder[threat]
            dropped = (ended_by_drop[held] and end_time[held] <= time_s
                       and not drop_counted[threat])
            if dropped:
                drop_breaks[lost_row[threat]] += 1
                drop_counted[threat] = True
            if not lost_counted[threat] and (dropped or time_s - lost_s[threat] >= hold_s):
                held_breaks[lost_row[threat]] += 1
                lost_counted[threat] = True
        for truth_row in range(n_truths):
            track = track_of[truth_row]
            if track < 0:
                continue
            threat = truth_id[truth_start + truth_row]
            lost_row[threat] = -1
            held = holder[threat]
            if held < 0:
                holder[threat] = track
                continue
            if held == track:
                candidate[threat] = -1
                continue
            if candidate[threat] != track:
                candidate[threat] = track
                candidate_s[threat] = time_s
                candidate_row[threat] = row
            if end_time[held] <= time_s or time_s - candidate_s[threat] >= hold_s:
                held_switches[candidate_row[threat]] += 1
                holder[threat] = track
                candidate[threat] = -1
                drop_counted[threat] = False
        for pair in range(assigned):
            threat = truth_id[truth_start + truth_index[pair]]
            if np.isnan(first_paired_s[threat]):
                first_paired_s[threat] = time_s
            ever_paired[track_of[truth_index[pair]]] = True
        totals[0] += squared_sum
        totals[1] += assigned
        counts[row, 0] = n_live
        counts[row, 1] = n_truths
        counts[row, 2] = assigned
        counts[row, 3] = breaks
        counts[row, 4] = switches
        counts[row, 5] = n_live - assigned
        localisation[row] = squared_sum
        row += 1
    return -1
