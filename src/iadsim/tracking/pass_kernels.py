"""Compiled bookkeeping of the central tracker's scan pass (Numba).

A step of ``layered-defense`` fuses a few dozen reports of about six look times into a
few hundred tracks: every array the pass touches is small, and written with NumPy each
piece of bookkeeping (which tracks are candidates in which slice, which of a track's
scans were misses, where each slice's tracks and reports start) was a chain of a dozen
small calls, whose fixed cost was most of the tracker's time. Each function here does
one such chain in one compiled loop, with the same arithmetic as the NumPy it replaces,
bit for bit (sums of three squares added in the order NumPy's ``einsum`` adds them here,
``(x^2 + z^2) + y^2``; no fast-math), and the same integer results. The callers are the
methods of :class:`iadsim.tracking.tracker.CentralTracker` named in each docstring.
Cached on disk like :mod:`iadsim.tracking.kernels`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.sensors.coverage_geometry import (
    MAX_ELEVATION,
    MAX_RANGE,
    MIN_ELEVATION,
    RADAR_HORIZON,
    SECTOR_CENTER,
    SECTOR_HALF_WIDTH,
    look_geometry,
)
from iadsim.tracking.kalman import _predict_one_into, _update_one_into, combine_measurements
from iadsim.tracking.kernels import assign_clusters, gate_every_pair_by_slice
from iadsim.world.earth import EARTH_RADIUS_M

#: The tracker's status codes (:data:`iadsim.tracking.tracker.TENTATIVE`, ``CONFIRMED``).
TENTATIVE, CONFIRMED = 1, 2


@njit(cache=True)
def scan_layout(scan_time_s: np.ndarray, radars: np.ndarray, sizes: np.ndarray,
                state: np.ndarray, time_s: np.ndarray, site_position_m: np.ndarray,
                site_reach_m: np.ndarray) -> tuple[np.ndarray, ...]:
    """The layout of a pass's scans and the tracks that are candidates in them.

    The scans are in time then radar order: ``scan_time_s``, ``radars`` (int64) and
    ``sizes`` (g,) each. Returns the distinct times (slices, (m,)); each scan's slice
    (g,); each report's scan, radar, time and slice ((k,) each); every track's position
    at every scan's time (n, g, 3), at constant velocity (``p + v (t - t_track)``; the
    track table ``state`` (n, 6), ``time_s`` (n,)); and the candidates (slice, row)
    ((c,) each, by slice then row): a track is a candidate in a slice when its position
    at one of the slice's scans is within that scan's radar's reach (``site_position_m``
    (radars, 3), ``site_reach_m`` (radars,)). :meth:`CentralTracker._fuse`."""
    scans = scan_time_s.size
    scan_slice = np.empty(scans, dtype=np.intp)
    slices = 0
    for scan in range(scans):
        if scan == 0 or scan_time_s[scan] != scan_time_s[scan - 1]:
            slices += 1
        scan_slice[scan] = slices - 1
    slice_time = np.empty(slices)
    reports = 0
    for scan in range(scans):
        slice_time[scan_slice[scan]] = scan_time_s[scan]
        reports += sizes[scan]
    scan_of = np.empty(reports, dtype=np.intp)
    radar_of = np.empty(reports, dtype=np.int64)
    report_time = np.empty(reports)
    report_slice = np.empty(reports, dtype=np.intp)
    report = 0
    for scan in range(scans):
        for _ in range(sizes[scan]):
            scan_of[report] = scan
            radar_of[report] = radars[scan]
            report_time[report] = scan_time_s[scan]
            report_slice[report] = scan_slice[scan]
            report += 1
    tracks = state.shape[0]
    position = np.empty((tracks, scans, 3))
    candidate = np.zeros((slices, tracks), dtype=np.bool_)
    count = 0
    for row in range(tracks):
        for scan in range(scans):
            dt = scan_time_s[scan] - time_s[row]
            site = radars[scan]
            for axis in range(3):
                position[row, scan, axis] = state[row, axis] + state[row, 3 + axis] * dt
            east = position[row, scan, 0] - site_position_m[site, 0]
            north = position[row, scan, 1] - site_position_m[site, 1]
            up = position[row, scan, 2] - site_position_m[site, 2]
            reach = site_reach_m[site]
            if ((east * east + up * up) + north * north <= reach * reach
                    and not candidate[scan_slice[scan], row]):
                candidate[scan_slice[scan], row] = True
                count += 1
    row_slice = np.empty(count, dtype=np.intp)
    rows = np.empty(count, dtype=np.intp)
    found = 0
    for index in range(slices):
        for row in range(tracks):
            if candidate[index, row]:
                row_slice[found], rows[found] = index, row
                found += 1
    return (slice_time, scan_slice, scan_of, radar_of, report_time, report_slice, position,
            row_slice, rows)


@njit(cache=True)
def _missed(position: np.ndarray, track: int, scan: int, site: int, site_position_m: np.ndarray,
            site_rotation: np.ndarray, site_coverage: np.ndarray,
            ground_elevation_m: float) -> bool:
    """Whether radar ``site`` covers ``position[track, scan]`` (the tracker's
    ``_covered``: :func:`look_geometry` at the point's height above the ground)."""
    east, north, up = position[track, scan, 0], position[track, scan, 1], position[track, scan, 2]
    height = up + (east * east + north * north) / (2.0 * EARTH_RADIUS_M) - ground_elevation_m
    return look_geometry(
        east - site_position_m[site, 0], north - site_position_m[site, 1],
        up - site_position_m[site, 2], site_rotation[site], height,
        site_coverage[site, MAX_RANGE], site_coverage[site, RADAR_HORIZON],
        site_coverage[site, MIN_ELEVATION], site_coverage[site, MAX_ELEVATION],
        site_coverage[site, SECTOR_CENTER], site_coverage[site, SECTOR_HALF_WIDTH], False)[0]


@njit(cache=True)
def misses_before_first_report(track_rows: np.ndarray, report_time: np.ndarray,
                               status: np.ndarray, last_update_by_radar_s: np.ndarray,
                               scan_time_s: np.ndarray, position: np.ndarray,
                               radars: np.ndarray, site_position_m: np.ndarray,
                               site_rotation: np.ndarray, site_coverage: np.ndarray,
                               ground_elevation_m: float) -> tuple[np.ndarray, np.ndarray]:
    """The tentative tracks among the assigned pairs' ``track_rows`` (k,) (distinct,
    sorted) and the misses (int64) each would have had before its first report here
    (``report_time`` (k,)): scans (``scan_time_s``, ``radars`` (g,)) before that report,
    of a radar that had reported the track before the scan (``last_update_by_radar_s``
    (n, radars)) and whose coverage holds the track's ``position`` (n, g, 3) then.
    :meth:`CentralTracker._alive_at`."""
    rows = status.size
    first_time = np.full(rows, np.inf)
    present = np.zeros(rows, dtype=np.bool_)
    count = 0
    for pair in range(track_rows.size):
        row = track_rows[pair]
        if status[row] == TENTATIVE:
            if not present[row]:
                present[row] = True
                count += 1
            first_time[row] = min(first_time[row], report_time[pair])
    tracks = np.empty(count, dtype=np.intp)
    missed = np.zeros(count, dtype=np.int64)
    index = 0
    for row in range(rows):
        if not present[row]:
            continue
        tracks[index] = row
        for scan in range(radars.size):
            last = last_update_by_radar_s[row, radars[scan]]
            if (np.isfinite(last) and last < scan_time_s[scan]
                    and scan_time_s[scan] < first_time[row]
                    and _missed(position, row, scan, radars[scan], site_position_m,
                                site_rotation, site_coverage, ground_elevation_m)):
                missed[index] += 1
        index += 1
    return tracks, missed


@njit(cache=True)
def any_later_tentative_report(track_rows: np.ndarray, report_time: np.ndarray,
                               status: np.ndarray) -> bool:
    """Whether any assigned pair (``track_rows``, ``report_time`` (k,) each) is of a
    tentative track (``status`` (n,)) and of a later time than that track's first pair.
    :meth:`CentralTracker._gated_in_turn` has nothing to test when none is."""
    first_time = np.full(status.size, np.inf)
    for pair in range(track_rows.size):
        row = track_rows[pair]
        if status[row] == TENTATIVE:
            first_time[row] = min(first_time[row], report_time[pair])
    for pair in range(track_rows.size):
        row = track_rows[pair]
        if status[row] == TENTATIVE and report_time[pair] > first_time[row]:
            return True
    return False


@njit(cache=True)
def slice_layout(rows: np.ndarray, row_slice: np.ndarray, report_slice: np.ndarray,
                 slices: int, table_size: int) -> tuple:
    """Where a pass's candidates and reports lie, slice by slice, and how many pair tests
    gating them all would make.

    ``rows`` (v,) and ``row_slice`` (v,): the candidates (a track row in a slice, sorted
    by slice); ``report_slice`` (k,): each report's slice (nondecreasing); ``slices``
    slices of a table of ``table_size`` rows. Returns the distinct track rows (sorted),
    each table row's index among them (``local``, (table_size,); set only for those
    rows), the candidates' and the reports' slice bounds ((slices + 1,) each: slice ``s``
    holds ``[bounds[s], bounds[s + 1])``), the pair tests of all slices and the most of
    one slice (candidates times reports). :func:`gate_candidates_by_slice` and
    :func:`iadsim.tracking.assignment_pass.associate_scan`."""
    present = np.zeros(table_size, dtype=np.bool_)
    for row in rows:
        present[row] = True
    local = np.empty(table_size, dtype=np.intp)
    distinct = 0
    for row in range(table_size):
        if present[row]:
            local[row] = distinct
            distinct += 1
    tracks = np.empty(distinct, dtype=np.intp)
    for row in range(table_size):
        if present[row]:
            tracks[local[row]] = row
    track_bounds = np.zeros(slices + 1, dtype=np.intp)
    for index in range(rows.size):
        track_bounds[row_slice[index] + 1] += 1
    measurement_bounds = np.zeros(slices + 1, dtype=np.intp)
    for index in range(report_slice.size):
        measurement_bounds[report_slice[index] + 1] += 1
    for index in range(slices):
        track_bounds[index + 1] += track_bounds[index]
        measurement_bounds[index + 1] += measurement_bounds[index]
    tests, largest = 0, 0
    for index in range(slices):
        slice_tests = ((track_bounds[index + 1] - track_bounds[index])
                       * (measurement_bounds[index + 1] - measurement_bounds[index]))
        tests += slice_tests
        largest = max(largest, slice_tests)
    return tracks, local, track_bounds, measurement_bounds, tests, largest


@njit(cache=True)
def gate_candidates_by_slice(position: np.ndarray, position_cov: np.ndarray,
                             rows: np.ndarray, row_slice: np.ndarray, measurement: np.ndarray,
                             measurement_cov: np.ndarray, report_slice: np.ndarray,
                             slices: int, table_size: int, gate_threshold: float,
                             max_pairs_per_track: int, brute_force_pairs: int,
                             most_tests: int) -> tuple[np.ndarray, ...]:
    """The candidates' tracks and slice bounds, and their gated pairs when small.

    ``rows`` (v,) and ``row_slice`` (v,): the candidates (a track row in a slice, by
    slice then row) predicted to ``position`` (v, 3), ``position_cov`` (v, 3, 3);
    ``report_slice`` (k,): each report's slice (nondecreasing). Returns the distinct
    track rows (sorted), each candidate's index among them, the candidates' and the
    reports' slice bounds ((slices + 1,) each), the number of pair tests, then the gated
    pairs (candidate, report, d^2) and each pair's track index, with a flag: 1 when the
    pairs are those of :func:`iadsim.tracking.association.gated_pairs_by_slice`, 0 when
    the caller must gate (the pairs are then empty). They are when each slice has at
    most ``brute_force_pairs`` tests (and all together at most ``most_tests``, which
    bounds the memory) and no track is cut: ``gated_pairs_by_slice`` then tests every
    pair of each slice (:func:`kernels.gate_every_pair_by_slice` in one call, or
    :func:`kernels.gate_every_pair` slice by slice, which give the same pairs).
    :meth:`CentralTracker._assign_and_update`."""
    tracks, local, track_bounds, measurement_bounds, tests, largest = slice_layout(
        rows, row_slice, report_slice, slices, table_size)
    track_of_row = np.empty(rows.size, dtype=np.intp)
    for index in range(rows.size):
        track_of_row[index] = local[rows[index]]
    empty = np.zeros(0, dtype=np.intp)
    if largest > brute_force_pairs or tests > most_tests:
        return (tracks, track_of_row, track_bounds, measurement_bounds, tests, empty, empty,
                np.zeros(0), empty, 0)
    pair_row, pair_measurement, distance2, cut = gate_every_pair_by_slice(
        position, position_cov, track_bounds, measurement, measurement_cov,
        measurement_bounds, gate_threshold, max_pairs_per_track)
    if cut:
        return (tracks, track_of_row, track_bounds, measurement_bounds, tests, empty, empty,
                np.zeros(0), empty, 0)
    pair_track = np.empty(pair_row.size, dtype=np.intp)
    for pair in range(pair_row.size):
        pair_track[pair] = track_of_row[pair_row[pair]]
    return (tracks, track_of_row, track_bounds, measurement_bounds, tests, pair_row,
            pair_measurement, distance2, pair_track, 1)


@njit(cache=True)
def assign_confirmed_first(pair_slot: np.ndarray, pair_measurement: np.ndarray,
                           gain: np.ndarray, pair_status: np.ndarray, slots: int,
                           measurements: int, dense_limit: int,
                           ) -> tuple[np.ndarray, np.ndarray, bool]:
    """GNN in two passes over gated pairs (a (track, scan) slot ``pair_slot`` of
    ``slots``, a report ``pair_measurement`` of ``measurements``, a ``gain`` and the
    track's ``pair_status`` (m,) each): the confirmed tracks' pairs are assigned first,
    then the tentative tracks' pairs whose report is left; each pass is
    :func:`iadsim.tracking.association.assign` (pairs of gain <= 0 left out, clusters
    by :func:`kernels.assign_clusters`, the result by slot). Returns the assigned slots
    and reports, pass after pass, and True; or empty arrays and False when a cluster is
    larger than ``dense_limit`` (the caller then assigns through ``assign``, whose sparse
    and greedy solvers are not compiled). :meth:`CentralTracker._associate`."""
    free = np.ones(measurements, dtype=np.bool_)
    chosen_slots = np.empty(min(slots, measurements), dtype=np.intp)
    chosen_measurements = np.empty(min(slots, measurements), dtype=np.intp)
    chosen = 0
    measurement_of_slot = np.full(slots, -1, dtype=np.intp)
    for status in (CONFIRMED, TENTATIVE):
        usable = 0
        for pair in range(pair_slot.size):
            if (pair_status[pair] == status and free[pair_measurement[pair]]
                    and gain[pair] > 0.0):
                usable += 1
        if usable == 0:
            continue
        rows = np.empty(usable, dtype=np.intp)
        columns = np.empty(usable, dtype=np.intp)
        usable_gain = np.empty(usable)
        index = 0
        for pair in range(pair_slot.size):
            if (pair_status[pair] == status and free[pair_measurement[pair]]
                    and gain[pair] > 0.0):
                rows[index], columns[index] = pair_slot[pair], pair_measurement[pair]
                usable_gain[index] = gain[pair]
                index += 1
        assigned_rows, assigned_columns, _, _, left_clusters = assign_clusters(
            rows, columns, usable_gain, slots, measurements, dense_limit)
        if left_clusters.shape[0]:
            empty = np.zeros(0, dtype=np.intp)
            return empty, empty, False
        for k in range(assigned_rows.size):  # by slot (each slot is assigned once)
            measurement_of_slot[assigned_rows[k]] = assigned_columns[k]
        for slot in range(slots):
            if measurement_of_slot[slot] >= 0:
                chosen_slots[chosen] = slot
                chosen_measurements[chosen] = measurement_of_slot[slot]
                free[measurement_of_slot[slot]] = False
                measurement_of_slot[slot] = -1
                chosen += 1
    return chosen_slots[:chosen].copy(), chosen_measurements[:chosen].copy(), True


@njit(cache=True)
def predict_rows(state: np.ndarray, covariance: np.ndarray, time_s: np.ndarray,
                 rows: np.ndarray, to_time_s: float, acceleration_sigma_mps2: float,
                 acceleration_mps2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The track table's rows ``rows`` (k,) (``state`` (n, 6), ``covariance`` (n, 6, 6),
    ``time_s`` (n,)) predicted to ``to_time_s`` under the known ``acceleration_mps2``
    ((k, 3); (0, 3): none): :func:`iadsim.tracking.kalman.predict` of the gathered rows,
    bit for bit, without gathering them; and each prediction's velocity sigma per axis,
    ``sqrt(tr P_vv / 3)`` (k,). :meth:`CentralTracker.picture`."""
    count = rows.size
    predicted_state = np.empty((count, 6))
    predicted = np.empty((count, 6, 6))
    speed_sigma = np.empty(count)
    q = acceleration_sigma_mps2 * acceleration_sigma_mps2
    none = np.zeros(3)
    known = acceleration_mps2.shape[0] > 0
    for k in range(count):
        row = rows[k]
        _predict_one_into(state[row], covariance[row], to_time_s - time_s[row], q,
                          acceleration_mps2[k] if known else none, predicted_state[k],
                          predicted[k])
        speed_sigma[k] = np.sqrt(((predicted[k, 3, 3] + predicted[k, 4, 4])
                                  + predicted[k, 5, 5]) / 3.0)
    return predicted_state, predicted, speed_sigma


@njit(cache=True)
def update_order(track_rows: np.ndarray, taken: np.ndarray, report_time: np.ndarray,
                 table_size: int) -> tuple[np.ndarray, ...]:
    """The assigned pairs (a track row ``track_rows`` and a report ``taken`` (k,) each;
    ``report_time``: every report's time) in update order, by track, then time, then
    report (a unique order: a report is taken once), as the track rows, reports and
    times (k,) each; the first pair of each track (t,), the tracks (t,) and their pair
    counts (t,); and the first pair of each run of one track's reports of one time (u,).
    :meth:`CentralTracker._update`."""
    count = track_rows.size
    start = np.zeros(table_size + 1, dtype=np.intp)
    for pair in range(count):
        start[track_rows[pair] + 1] += 1
    for row in range(table_size):
        start[row + 1] += start[row]
    fill = start[:-1].copy()
    order = np.empty(count, dtype=np.intp)
    for pair in range(count):  # by track (counting sort), then by (time, report) within
        row = track_rows[pair]
        position = fill[row]
        fill[row] += 1
        time = report_time[taken[pair]]
        while (position > start[row]
               and (report_time[taken[order[position - 1]]] > time
                    or (report_time[taken[order[position - 1]]] == time
                        and taken[order[position - 1]] > taken[pair]))):
            order[position] = order[position - 1]
            position -= 1
        order[position] = pair
    sorted_rows = np.empty(count, dtype=track_rows.dtype)
    sorted_taken = np.empty(count, dtype=taken.dtype)
    time_of = np.empty(count)
    tracks_count, groups = 0, 0
    for index in range(count):
        pair = order[index]
        sorted_rows[index], sorted_taken[index] = track_rows[pair], taken[pair]
        time_of[index] = report_time[taken[pair]]
        if index == 0 or sorted_rows[index] != sorted_rows[index - 1]:
            tracks_count += 1
            groups += 1
        elif time_of[index] != time_of[index - 1]:
            groups += 1
    first = np.empty(tracks_count, dtype=np.intp)
    tracks = np.empty(tracks_count, dtype=track_rows.dtype)
    counts = np.empty(tracks_count, dtype=np.intp)
    group_start = np.empty(groups, dtype=np.intp)
    track, group = -1, -1
    for index in range(count):
        if index == 0 or sorted_rows[index] != sorted_rows[index - 1]:
            track += 1
            first[track], tracks[track], counts[track] = index, sorted_rows[index], 0
            group += 1
            group_start[group] = index
        elif time_of[index] != time_of[index - 1]:
            group += 1
            group_start[group] = index
        counts[track] += 1
    return sorted_rows, sorted_taken, time_of, first, tracks, counts, group_start


@njit(cache=True)
def first_confirming(first: np.ndarray, counts: np.ndarray, may_confirm: np.ndarray,
                     hits_before: np.ndarray, confirm_hits: int) -> np.ndarray:
    """M of N: which of the pairs in :func:`update_order`'s order (``first``, ``counts``
    (t,): each track's first pair and pair count) confirms its track: of a track that
    ``may_confirm`` (t,) (tentative, and its score past the threshold where one is kept),
    the first pair that brings its hits (``hits_before`` (t,) plus its pairs so far) to
    ``confirm_hits``. (k,) booleans, at most one a track. :meth:`CentralTracker._update`."""
    pairs = 0
    for track in range(counts.size):
        pairs += counts[track]
    confirming = np.zeros(pairs, dtype=np.bool_)
    for track in range(counts.size):
        if may_confirm[track]:
            needed = max(confirm_hits - 1 - hits_before[track], 0)
            if needed < counts[track]:
                confirming[first[track] + needed] = True
    return confirming


@njit(cache=True)
def known_acceleration(kind_index: np.ndarray, kind_confidence: np.ndarray, rows: np.ndarray,
                       ballistic_kind: int, confidence: float,
                       ballistic_acceleration_mps2: np.ndarray) -> tuple[np.ndarray, bool]:
    """The known acceleration (k, 3) of the track rows ``rows`` (k,): their rows of
    ``ballistic_acceleration_mps2`` (n, 3) (gravity, plus drag with ``ballistic_drag``)
    for those classified ``ballistic_kind`` (``kind_index`` (n,)) with at least
    ``confidence`` (``kind_confidence`` (n,)), zero for the others; and whether any is.
    :meth:`CentralTracker._known_acceleration`."""
    acceleration = np.zeros((rows.size, 3))
    found = False
    for index in range(rows.size):
        row = rows[index]
        if kind_index[row] == ballistic_kind and kind_confidence[row] >= confidence:
            acceleration[index, 0] = ballistic_acceleration_mps2[row, 0]
            acceleration[index, 1] = ballistic_acceleration_mps2[row, 1]
            acceleration[index, 2] = ballistic_acceleration_mps2[row, 2]
            found = True
    return acceleration, found


@njit(cache=True)
def count_misses(status: np.ndarray, hits: np.ndarray, misses: np.ndarray, score: np.ndarray,
                 last_update_by_radar_s: np.ndarray, last_update_s: np.ndarray,
                 missed_scans: np.ndarray, covering: np.ndarray, scan_time_s: np.ndarray,
                 radars: np.ndarray, position: np.ndarray, site_position_m: np.ndarray,
                 site_rotation: np.ndarray, site_coverage: np.ndarray,
                 ground_elevation_m: float, one_plot_misses: int, allowed_misses: int,
                 score_kept: bool, score_decides: bool, miss_score: float,
                 delete_score: float, delete_by_misses: bool, deletion_misses: int,
                 coast_timeout_s: float, misses_to_delete: np.ndarray,
                 run_log_miss: np.ndarray, log_threshold: float
                 ) -> tuple[np.ndarray, bool]:
    """The miss bookkeeping of a pass's scans (``scan_time_s``, ``radars`` (g,), in time
    order; ``position`` (n, g, 3): every track's position at each scan's time, at
    constant velocity), in one loop: the tentative tracks' misses and score, then, with
    ``delete_by_misses``, the confirmed tracks' ``missed_scans`` and ``covering`` (n,
    radars), written in place; returns the tracks to delete (n,) and whether any is.

    Tentative: a scan of a radar that reported the track before the scan and covers it
    is a miss (added to ``misses``, and ``miss_score`` a miss to ``score`` when
    ``score_kept``, for every tentative track once any track missed); a one-plot track
    past ``one_plot_misses`` misses is deleted, another past ``allowed_misses`` (M of N)
    or, when ``score_decides``, at ``delete_score``. Confirmed: by radar, a scan no
    earlier than the radar's last report clears the count, a later one that covers the
    track adds one, and the radar's latest scan here says whether it covers the track;
    once any confirmed track was reported by a radar that looked, a track lost by its
    misses (every radar that reported it and last covered it missed it
    ``deletion_misses`` scans in a row) and not updated for more than
    ``coast_timeout_s`` before the last scan is deleted; given ``misses_to_delete`` (n,
    radars) (``deletion: miss_probability``, :mod:`iadsim.tracking.deletion`; (0, radars)
    otherwise), each radar's run is compared with its own entry instead of
    ``deletion_misses``; given ``run_log_miss`` (n, radars) (``deletion_detection_model:
    range``, :func:`iadsim.tracking.deletion.charge_misses_by_range`; (0, radars)
    otherwise), a radar's run is long enough once its log-probability is at most
    ``log_threshold``. The same integers and the same
    float additions as the NumPy it replaces (``_count_tentative_misses`` and
    ``_count_confirmed_misses``; tests/tracking/test_step_kernels.py keeps them).
    :meth:`CentralTracker._count_misses`."""
    rows, scans = status.size, radars.size
    doomed = np.zeros(rows, dtype=np.bool_)
    any_doomed = False
    missed = np.zeros(rows, dtype=np.int64)
    any_missed = False
    for row in range(rows):
        if status[row] != TENTATIVE:
            continue
        for scan in range(scans):
            last = last_update_by_radar_s[row, radars[scan]]
            if (np.isfinite(last) and last < scan_time_s[scan]
                    and _missed(position, row, scan, radars[scan], site_position_m,
                                site_rotation, site_coverage, ground_elevation_m)):
                missed[row] += 1
        if missed[row] > 0:
            any_missed = True
    if any_missed:
        for row in range(rows):
            if status[row] != TENTATIVE:
                continue
            misses[row] += missed[row]
            if score_kept:
                score[row] += missed[row] * miss_score
            hopeless = hits[row] == 1 and misses[row] > one_plot_misses
            if score_decides:
                hopeless = hopeless or score[row] <= delete_score
            else:
                hopeless = hopeless or misses[row] > allowed_misses
            if hopeless:
                doomed[row] = True
                any_doomed = True
    if not delete_by_misses:
        return doomed, any_doomed
    radar_count = last_update_by_radar_s.shape[1]
    latest = np.full(radar_count, -1, dtype=np.intp)
    last_scan_time = -np.inf
    for scan in range(scans):
        latest[radars[scan]] = scan  # scans in time order: the last is the latest
        last_scan_time = max(last_scan_time, scan_time_s[scan])
    any_reported = False
    for row in range(rows):
        if status[row] != CONFIRMED:
            continue
        for radar in range(radar_count):
            last = last_update_by_radar_s[row, radar]
            if latest[radar] < 0 or not np.isfinite(last):
                continue
            any_reported = True
            hit = False
            added = 0
            latest_covered = False
            for scan in range(scans):
                if radars[scan] != radar:
                    continue
                if last >= scan_time_s[scan]:
                    hit = True
                    if scan == latest[radar]:
                        latest_covered = True
                elif _missed(position, row, scan, radar, site_position_m, site_rotation,
                             site_coverage, ground_elevation_m):
                    added += 1
                    if scan == latest[radar]:
                        latest_covered = True
            if hit:
                missed_scans[row, radar] = 0
            missed_scans[row, radar] += added
            covering[row, radar] = latest_covered
    if not any_reported:
        return doomed, any_doomed
    by_track = misses_to_delete.shape[0] == rows
    by_range = run_log_miss.shape[0] == rows
    for row in range(rows):
        if status[row] != CONFIRMED or not last_scan_time - last_update_s[row] > coast_timeout_s:
            continue
        enough_counted, short_counted = False, False
        for radar in range(radar_count):
            if np.isfinite(last_update_by_radar_s[row, radar]) and covering[row, radar]:
                allowed = misses_to_delete[row, radar] if by_track else deletion_misses
                if (run_log_miss[row, radar] <= log_threshold if by_range
                        else missed_scans[row, radar] >= allowed):
                    enough_counted = True
                else:
                    short_counted = True
        if enough_counted and not short_counted:
            doomed[row] = True
            any_doomed = True
    return doomed, any_doomed


@njit(cache=True)
def update_in_turn(track_rows: np.ndarray, taken: np.ndarray, report_time: np.ndarray,
                   radar_of: np.ndarray, measurement: np.ndarray, measurement_cov: np.ndarray,
                   state: np.ndarray, covariance: np.ndarray, time_s: np.ndarray,
                   hits: np.ndarray, last_update_s: np.ndarray,
                   last_update_by_radar_s: np.ndarray, vertical_acceleration_mps2: np.ndarray,
                   status: np.ndarray, score: np.ndarray, score_vetoes: bool,
                   score_decides: bool, confirm_score: float, confirm_hits: int,
                   acceleration_sigma_mps2: float,
                   ballistic: bool, kind_index: np.ndarray, kind_confidence: np.ndarray,
                   ballistic_kind: int, ballistic_confidence: float,
                   ballistic_acceleration_mps2: np.ndarray, smoothing: float,
                   baseline_s: float) -> tuple[np.ndarray, ...]:
    """The constant-velocity (or ballistic) update of the assigned pairs (a track row
    ``track_rows`` and a report ``taken`` (k,) each; every report's ``report_time``,
    ``radar_of``, ``measurement`` and ``measurement_cov``), written into the track table
    in place, in one compiled call, when no report is older than its track
    (``time_s``); the table is then left as it was and the flag returned is False (the
    caller updates out of sequence).

    The pairs are put in :func:`update_order`; each track's reports of one time are
    combined (:func:`kalman.combine_measurements`), and each track is predicted and
    updated with them time after time (:func:`kalman.predict` then
    :func:`kalman.update`, the same per-track functions; the track's row of
    ``ballistic_acceleration_mps2`` (n, 3) (gravity, plus drag) the known acceleration
    of a track classified ``ballistic_kind`` with at least
    ``ballistic_confidence`` when ``ballistic``); its vertical acceleration smoothed
    (:meth:`CentralTracker._smooth_vertical_acceleration`, weight ``smoothing``,
    baseline ``baseline_s``); its hits, last update and last update by radar moved on;
    and the confirming pairs found: M of N's (:func:`first_confirming`; a tentative
    track whose ``score`` is below ``confirm_score`` does not confirm when
    ``score_vetoes``), or, when ``score_decides``, the first pair of each tentative track
    whose score is at ``confirm_score``.
    The arithmetic of the NumPy and compiled calls it replaces, bit for bit. Returns the
    pairs in update order (track rows, reports, times), the confirming pairs (k,) and
    the flag. :meth:`CentralTracker._update`."""
    sorted_rows, sorted_taken, time_of, first, tracks, counts, group_start = update_order(
        track_rows, taken, report_time, status.size)
    groups = group_start.size
    for group in range(groups):
        if time_of[group_start[group]] < time_s[sorted_rows[group_start[group]]]:
            return sorted_rows, sorted_taken, time_of, np.zeros(0, dtype=np.bool_), False
    pairs = sorted_taken.size
    group_measurement = np.empty((pairs, 3))
    group_cov = np.empty((pairs, 3, 3))
    for pair in range(pairs):
        for i in range(3):
            group_measurement[pair, i] = measurement[sorted_taken[pair], i]
            for j in range(3):
                group_cov[pair, i, j] = measurement_cov[sorted_taken[pair], i, j]
    combined, combined_cov = combine_measurements(group_start, group_measurement, group_cov)
    time_before = np.empty(tracks.size)
    vertical_speed_before = np.empty(tracks.size)
    for track in range(tracks.size):
        time_before[track] = time_s[tracks[track]]
        vertical_speed_before[track] = state[tracks[track], 5]
    confirming = update_groups(
        sorted_rows, sorted_taken, time_of, first, tracks, counts, group_start, combined,
        combined_cov, np.zeros(groups, dtype=np.bool_), time_before, vertical_speed_before,
        radar_of, state, covariance, time_s, hits, last_update_s, last_update_by_radar_s,
        vertical_acceleration_mps2, status, score, score_vetoes, score_decides, confirm_score,
        confirm_hits, acceleration_sigma_mps2, ballistic, kind_index, kind_confidence,
        ballistic_kind, ballistic_confidence, ballistic_acceleration_mps2, smoothing,
        baseline_s)
    return sorted_rows, sorted_taken, time_of, confirming, True


@njit(cache=True)
def update_groups(sorted_rows: np.ndarray, sorted_taken: np.ndarray, time_of: np.ndarray,
                  first: np.ndarray, tracks: np.ndarray, counts: np.ndarray,
                  group_start: np.ndarray, combined: np.ndarray, combined_cov: np.ndarray,
                  late: np.ndarray, time_before: np.ndarray, vertical_speed_before: np.ndarray,
                  radar_of: np.ndarray, state: np.ndarray, covariance: np.ndarray,
                  time_s: np.ndarray, hits: np.ndarray, last_update_s: np.ndarray,
                  last_update_by_radar_s: np.ndarray, vertical_acceleration_mps2: np.ndarray,
                  status: np.ndarray, score: np.ndarray, score_vetoes: bool,
                  score_decides: bool, confirm_score: float, confirm_hits: int,
                  acceleration_sigma_mps2: float, ballistic: bool, kind_index: np.ndarray,
                  kind_confidence: np.ndarray, ballistic_kind: int, ballistic_confidence: float,
                  ballistic_acceleration_mps2: np.ndarray, smoothing: float,
                  baseline_s: float) -> np.ndarray:
    """The body of :func:`update_in_turn` once the pairs are in :func:`update_order` and
    each run of one track's reports of one time is combined (``combined`` (u, 3),
    ``combined_cov`` (u, 3, 3)): each track predicted and updated with its groups time
    after time, but for the ``late`` groups (u,) (reports older than the track, already
    applied out of sequence by the caller: the track keeps its time); its vertical
    acceleration smoothed over the interval since ``time_before`` (t,), from
    ``vertical_speed_before`` (t,); hits, last update and last update by radar moved on.
    Returns the confirming pairs (k,)."""
    groups = group_start.size
    pairs = sorted_taken.size
    q = acceleration_sigma_mps2 * acceleration_sigma_mps2
    acceleration = np.zeros(3)
    predicted_state = np.empty(6)
    predicted = np.empty((6, 6))
    residual_inverse = np.empty((3, 3))
    gain = np.empty((6, 3))
    gain_r = np.empty((6, 3))
    reduced = np.empty((6, 6))
    hits_before = np.empty(tracks.size, dtype=np.int64)
    may_confirm = np.zeros(tracks.size, dtype=np.bool_)
    group = 0
    for track in range(tracks.size):
        row = tracks[track]
        known = (ballistic and kind_index[row] == ballistic_kind
                 and kind_confidence[row] >= ballistic_confidence)
        for axis in range(3):
            acceleration[axis] = ballistic_acceleration_mps2[row, axis] if known else 0.0
        stop = first[track] + counts[track]
        while group < groups and group_start[group] < stop:
            when = time_of[group_start[group]]
            if late[group]:
                group += 1
                continue
            _predict_one_into(state[row], covariance[row], when - time_s[row], q,
                              acceleration, predicted_state, predicted)
            _update_one_into(predicted_state, predicted, combined[group], combined_cov[group],
                             residual_inverse, gain, gain_r, reduced, state[row],
                             covariance[row])
            time_s[row] = when
            group += 1
        # One smoothing of the vertical acceleration over the whole interval.
        dt = time_s[row] - time_before[track]
        previous = vertical_acceleration_mps2[row]
        unknown = np.isnan(previous)
        if hits[row] > 2 and dt > 0.0 and not (unknown and dt < baseline_s):
            measured = (state[row, 5] - vertical_speed_before[track]) / dt
            if unknown:
                vertical_acceleration_mps2[row] = measured
            else:
                weight = smoothing * min(dt / baseline_s, 1.0)
                vertical_acceleration_mps2[row] = previous + weight * (measured - previous)
        hits_before[track] = hits[row]
        hits[row] += counts[track]
        last_update_s[row] = max(last_update_s[row], time_of[stop - 1])
        may_confirm[track] = status[row] == TENTATIVE and (
            not score_vetoes or score[row] >= confirm_score)
    for pair in range(pairs):  # in time order per track: a radar's later look stays
        last_update_by_radar_s[sorted_rows[pair], radar_of[sorted_taken[pair]]] = time_of[pair]
    if score_decides:
        confirming = np.zeros(pairs, dtype=np.bool_)
        for track in range(tracks.size):
            row = tracks[track]
            confirming[first[track]] = status[row] == TENTATIVE and score[row] >= confirm_score
    else:
        confirming = first_confirming(first, counts, may_confirm, hits_before, confirm_hits)
    return confirming


@njit(cache=True)
def stale_tracks(time_s: float, track_time_s: np.ndarray, last_update_s: np.ndarray,
                 status: np.ndarray, hits: np.ndarray, covariance: np.ndarray,
                 dt_cubed: np.ndarray, process_noise2: float, max_position_variance: float,
                 tentative_timeout_s: float, coast_timeout_s: float,
                 delete_by_misses: bool, last_update_by_radar_s: np.ndarray,
                 missed_scans: np.ndarray, covering: np.ndarray, revisit_s: np.ndarray,
                 deletion_misses: int, misses_to_delete: np.ndarray,
                 run_log_miss: np.ndarray, log_threshold: float
                 ) -> tuple[np.ndarray, bool]:
    """The tracks :meth:`CentralTracker.drop` deletes at ``time_s`` for their age or their
    covariance (n,), and whether any is, in one loop: a tentative track not updated
    (``last_update_s``) for more than ``tentative_timeout_s``; another for more than
    ``coast_timeout_s`` (with ``delete_by_misses``: and lost by its misses, or past
    ``coast_timeout_s`` stretched to ``deletion_misses + 1`` of the ``revisit_s`` of the
    slowest radar that has reported it; given ``misses_to_delete`` (n, radars), each
    radar's own entry instead of ``deletion_misses``, and the stretch the longest of
    ``(misses_to_delete + 1)`` revisits of the radars that have reported it; given
    ``run_log_miss`` (n, radars), a covering radar's run is long enough once its
    log-probability is at most ``log_threshold``, as in :func:`count_misses`, and the
    stretch deletes no track that a radar covering it has not missed long enough while
    its misses account for the coast, ``age <= (missed_scans + 2) revisits``: its looks
    arrive); a track of
    more than one plot whose position
    variance predicted to ``time_s``, ``tr P_pp + 2 dt tr P_pv + dt^2 tr P_vv + q^2
    |dt|^3`` (``dt_cubed``: ``|dt|^3`` (n,), computed by the caller with NumPy's power;
    ``process_noise2``: ``q^2``), exceeds ``max_position_variance``. The arithmetic of
    the NumPy it replaces (``_position_variance``; the former ``_coast_timeout_s`` and
    ``_lost_by_misses``, kept in tests/tracking/test_step_kernels.py), bit for bit."""
    rows = status.size
    stale = np.zeros(rows, dtype=np.bool_)
    any_stale = False
    radars = last_update_by_radar_s.shape[1]
    by_track = misses_to_delete.shape[0] == rows
    by_range = run_log_miss.shape[0] == rows
    for row in range(rows):
        age = time_s - last_update_s[row]
        if status[row] == TENTATIVE:
            gone = age > tentative_timeout_s
        else:
            gone = age > coast_timeout_s
            if gone and delete_by_misses:
                slowest = 0.0
                stretch = 0.0
                enough_counted, short_counted, looking = False, False, False
                for radar in range(radars):
                    if np.isfinite(last_update_by_radar_s[row, radar]):
                        slowest = max(slowest, revisit_s[radar])
                        allowed = misses_to_delete[row, radar] if by_track else deletion_misses
                        if by_track:
                            stretch = max(stretch, (allowed + 1) * revisit_s[radar])
                        if covering[row, radar]:
                            if (run_log_miss[row, radar] <= log_threshold if by_range
                                    else missed_scans[row, radar] >= allowed):
                                enough_counted = True
                            else:
                                short_counted = True
                                # Its misses account for the coast: its looks arrive.
                                looking = looking or (
                                    age <= (missed_scans[row, radar] + 2) * revisit_s[radar])
                if not by_track:
                    stretch = (deletion_misses + 1) * slowest
                lost = status[row] == CONFIRMED and enough_counted and not short_counted
                # Under run_log_miss, a covering radar whose run is short and whose looks
                # are charged keeps the track (the stretch, set at the report's range,
                # bounds the others: a radar whose looks stopped arriving charges none).
                gone = lost or (age > max(coast_timeout_s, stretch)
                                and not (by_range and looking))
        if not gone and hits[row] > 1:
            dt = abs(time_s - track_time_s[row])
            position_trace = ((covariance[row, 0, 0] + covariance[row, 1, 1])
                              + covariance[row, 2, 2])
            cross = (covariance[row, 0, 3] + covariance[row, 1, 4]) + covariance[row, 2, 5]
            velocity_trace = ((covariance[row, 3, 3] + covariance[row, 4, 4])
                              + covariance[row, 5, 5])
            variance = (position_trace + 2.0 * dt * cross + dt * dt * velocity_trace
                        + process_noise2 * dt_cubed[row])
            gone = variance > max_position_variance
        if gone:
            stale[row] = True
            any_stale = True
    return stale, any_stale


@njit(cache=True)
def add_in_order(values: np.ndarray, rows: np.ndarray, increments: np.ndarray) -> None:
    """``values[rows[k]] += increments[k]`` for each k in turn, a row repeated taking each
    of its increments in order: ``np.add.at(values, rows, increments)``, bit for bit
    (:meth:`CentralTracker._score_plots`: a tentative track's plot score increments)."""
    for index in range(rows.size):
        values[rows[index]] += increments[index]
