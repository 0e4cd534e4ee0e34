"""The central tracker's gate, assignment and update of one scan pass, compiled (Numba).

:meth:`CentralTracker._assign_and_update` predicted the candidates, gated them, assigned,
checked a tentative track's later reports in time order (:meth:`_gated_in_turn`,
:meth:`_alive_at`), scored the tentative tracks' plots (:meth:`_score_plots`) and updated
(:meth:`_update`) in about fifty small NumPy and kernel calls a scan, whose fixed costs
were most of its time (``layered-defense``: about 1,150 passes a replication). Here the
whole of it is two compiled calls, :func:`associate_scan` (everything up to the plots'
score terms; the table is not written) and :func:`score_and_update` (the score
increments and the constant-velocity update), with the arithmetic of the calls they
replace, bit for bit: the same per-track Kalman functions (:mod:`iadsim.tracking.kalman`),
gate (:func:`kernels.gate_every_pair_by_slice`) and assignment
(:func:`pass_kernels.assign_confirmed_first`), and for a 3 x 3 innovation covariance's
solve and log determinant :func:`lapack3.mahalanobis3`, which the general way calls too
(:func:`lapack3.mahalanobis3_rows`: NumPy's LAPACK rounds differently on different
machines). The
candidates' predictions are :func:`kalman._predict_position_into`'s expressions written
out in the loop (a compiled call per candidate, its arrays passed field by field, cost
more than the arithmetic). The
logarithm and cosine of the plots' false-alarm density stay NumPy's (the caller's).
Under ``association_cost: coasting_likelihood`` the coasting candidates' pairs are priced
here as :meth:`CentralTracker._coast_pricing` prices them (:func:`add_coasting_excess`).
Under ``tracking.coast_speed_gate`` the pairs it refuses are put outside the gate here as
:meth:`CentralTracker._gate_coast_speed` puts them (:func:`refuse_coast_speeds`, the
speeds and the bounds by :mod:`iadsim.tracking.coast_gate`'s compiled functions, which
that method calls too).
Cases these kernels do not cover (a crowd the general gate or solver must handle, the
IMM, the likelihood cost, the bias estimation) go the general way, unchanged.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.sorted_search import search_sorted
from iadsim.tracking.coast_gate import refused_speeds, updated_speeds
from iadsim.tracking.deletion import (
    charge_misses_by_range,
    fold_detections,
    fold_detections_by_range,
)
from iadsim.tracking.kalman import (
    _predict_one_into,
    _predict_position_into,
    _update_one_into,
    combine_measurements,
)
from iadsim.tracking.kernels import (
    OUTSIDE_MARGIN,
    _pair_distance2,
    pair_log_determinant,
    predict_candidate_positions,
)
from iadsim.tracking.lapack3 import mahalanobis3
from iadsim.tracking.pass_kernels import (
    CONFIRMED,
    TENTATIVE,
    assign_confirmed_first,
    count_misses,
    misses_before_first_report,
    slice_layout,
    update_in_turn,
)


@njit(cache=True)
def _known_acceleration_into(row: int, ballistic: bool, kind_index: np.ndarray,
                             kind_confidence: np.ndarray, ballistic_kind: int,
                             ballistic_confidence: float,
                             ballistic_acceleration_mps2: np.ndarray, out: np.ndarray) -> None:
    """The known acceleration (3,) of track ``row`` into ``out``: its row of
    ``ballistic_acceleration_mps2`` (n, 3) (gravity, plus drag with ``ballistic_drag``)
    when ``ballistic`` and the track is classified ``ballistic_kind`` with at least
    ``ballistic_confidence``, else zero (:meth:`CentralTracker._known_acceleration`)."""
    known = (ballistic and kind_index[row] == ballistic_kind
             and kind_confidence[row] >= ballistic_confidence)
    for axis in range(3):
        out[axis] = ballistic_acceleration_mps2[row, axis] if known else 0.0


@njit(cache=True)
def gated_in_turn(track_rows: np.ndarray, report_time: np.ndarray, taken: np.ndarray,
                  measurement: np.ndarray, measurement_cov: np.ndarray, state: np.ndarray,
                  covariance: np.ndarray, time_s: np.ndarray, hits: np.ndarray,
                  status: np.ndarray, one_plot_velocity_variance: float,
                  acceleration_sigma_mps2: float, gate_threshold: float, ballistic: bool,
                  kind_index: np.ndarray, kind_confidence: np.ndarray, ballistic_kind: int,
                  ballistic_confidence: float,
                  ballistic_acceleration_mps2: np.ndarray) -> np.ndarray:
    """:meth:`CentralTracker._gated_in_turn` of the assigned pairs (a track row
    ``track_rows``, a time ``report_time`` and a report ``taken`` (k,) each), bit for bit:
    the tentative tracks' pairs by track, time and pair; each time in turn, a pair of a
    later time than its track's first is gated against the track updated with its
    earlier reports (a one-plot track with its velocity variance bounded), then the
    tracks are updated with the pairs that stand (a track's reports of one time
    combined). Returns which pairs stand (k,)."""
    pairs = track_rows.size
    keep = np.ones(pairs, dtype=np.bool_)
    count = 0
    for pair in range(pairs):
        if status[track_rows[pair]] == TENTATIVE:
            count += 1
    order = np.empty(count, dtype=np.intp)
    filled = 0
    for pair in range(pairs):  # by (track row, time), stably: np.lexsort
        row = track_rows[pair]
        if status[row] != TENTATIVE:
            continue
        when = report_time[pair]
        position = filled
        while position > 0:
            previous = order[position - 1]
            if (track_rows[previous] > row
                    or (track_rows[previous] == row and report_time[previous] > when)):
                order[position] = previous
                position -= 1
            else:
                break
        order[position] = pair
        filled += 1
    local = np.empty(count, dtype=np.intp)
    later = np.empty(count, dtype=np.bool_)
    tracks_count = 0
    first_time = 0.0
    for index in range(count):
        row = track_rows[order[index]]
        if index == 0 or row != track_rows[order[index - 1]]:
            tracks_count += 1
            first_time = report_time[order[index]]
        local[index] = tracks_count - 1
        later[index] = report_time[order[index]] > first_time
    tracks = np.empty(tracks_count, dtype=np.intp)
    for index in range(count):
        tracks[local[index]] = track_rows[order[index]]
    track_state = np.empty((tracks_count, 6))
    track_cov = np.empty((tracks_count, 6, 6))
    track_time = np.empty(tracks_count)
    plots = np.empty(tracks_count, dtype=np.int64)
    acceleration = np.empty((tracks_count, 3))
    for track in range(tracks_count):
        row = tracks[track]
        for i in range(6):
            track_state[track, i] = state[row, i]
            for j in range(6):
                track_cov[track, i, j] = covariance[row, i, j]
        track_time[track] = time_s[row]
        plots[track] = hits[row]
        _known_acceleration_into(row, ballistic, kind_index, kind_confidence, ballistic_kind,
                                 ballistic_confidence, ballistic_acceleration_mps2,
                                 acceleration[track])
    q = acceleration_sigma_mps2 * acceleration_sigma_mps2
    times = np.empty(count)
    for index in range(count):
        times[index] = report_time[order[index]]
    distinct = np.unique(times)
    now = np.empty(count, dtype=np.intp)
    bounded = np.empty((6, 6))
    position = np.empty(3)
    position_cov = np.empty((3, 3))
    residual = np.empty(3)
    innovation = np.empty((3, 3))
    lu = np.empty((3, 3))
    solution = np.empty(3)
    predicted_state = np.empty(6)
    predicted = np.empty((6, 6))
    residual_inverse = np.empty((3, 3))
    gain = np.empty((6, 3))
    gain_r = np.empty((6, 3))
    reduced = np.empty((6, 6))
    group_measurement = np.empty((count, 3))
    group_cov = np.empty((count, 3, 3))
    group_first = np.empty(count, dtype=np.intp)
    group_track = np.empty(count, dtype=np.intp)
    for when in distinct:
        size = 0
        for index in range(count):
            if times[index] == when and track_time[local[index]] <= when:
                now[size] = index
                size += 1
        if size == 0:
            continue
        for entry in range(size):  # the later reports' gates, before any update
            index = now[entry]
            if not later[index]:
                continue
            track = local[index]
            for i in range(6):
                for j in range(6):
                    bounded[i, j] = track_cov[track, i, j]
            if plots[track] == 1:
                for i in range(3):
                    for j in range(3):
                        bounded[3 + i, 3 + j] = one_plot_velocity_variance if i == j else 0.0
            _predict_position_into(track_state[track], bounded, when - track_time[track], q,
                                   acceleration[track], position, position_cov)
            report = taken[order[index]]
            for i in range(3):
                residual[i] = measurement[report, i] - position[i]
                for j in range(3):
                    innovation[i, j] = position_cov[i, j] + measurement_cov[report, i, j]
            distance2, _ = mahalanobis3(residual, innovation, lu, solution)
            if distance2 > gate_threshold:
                keep[order[index]] = False
        standing = 0
        for entry in range(size):
            if keep[order[now[entry]]]:
                now[standing] = now[entry]
                standing += 1
        if standing == 0:
            continue
        groups = 0
        for entry in range(standing):
            index = now[entry]
            report = taken[order[index]]
            for i in range(3):
                group_measurement[entry, i] = measurement[report, i]
                for j in range(3):
                    group_cov[entry, i, j] = measurement_cov[report, i, j]
            if entry == 0 or local[index] != local[now[entry - 1]]:
                group_first[groups] = entry
                group_track[groups] = local[index]
                groups += 1
        combined, combined_cov = combine_measurements(
            group_first[:groups], group_measurement[:standing], group_cov[:standing])
        for group in range(groups):
            track = group_track[group]
            _predict_one_into(track_state[track], track_cov[track], when - track_time[track],
                              q, acceleration[track], predicted_state, predicted)
            _update_one_into(predicted_state, predicted, combined[group], combined_cov[group],
                             residual_inverse, gain, gain_r, reduced, track_state[track],
                             track_cov[track])
            track_time[track] = when
            stop = group_first[group + 1] if group + 1 < groups else standing
            plots[track] += stop - group_first[group]
    return keep


@njit(cache=True)
def coasting_candidates(rows: np.ndarray, row_time: np.ndarray, time_s: np.ndarray,
                        last_update_by_radar_s: np.ndarray, site_revisit_s: np.ndarray,
                        coast_free_revisits: float) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`CentralTracker._coasting` of the candidates ``rows`` at ``row_time`` (v,):
    whether each coasts past ``coast_free_revisits`` revisits of the radar that last
    updated it (the first of the latest in ``last_update_by_radar_s``, as ``np.argmax``)
    and its reference time, its track's time plus that allowance. (v,) each."""
    candidates = rows.size
    coasting = np.empty(candidates, dtype=np.bool_)
    reference_time = np.empty(candidates)
    radars = last_update_by_radar_s.shape[1]
    for v in range(candidates):
        row = rows[v]
        last_radar = 0
        best = last_update_by_radar_s[row, 0]
        if best == best:  # np.argmax: the first NaN, else the first of the largest
            for radar in range(1, radars):
                value = last_update_by_radar_s[row, radar]
                if value != value:
                    last_radar = radar
                    break
                if value > best:
                    last_radar, best = radar, value
        allowance = coast_free_revisits * site_revisit_s[last_radar]
        coasting[v] = row_time[v] - time_s[row] > allowance
        reference_time[v] = time_s[row] + allowance
    return coasting, reference_time


@njit(cache=True)
def add_coasting_excess(distance2: np.ndarray, pair_row: np.ndarray,
                        pair_measurement: np.ndarray, rows: np.ndarray, row_time: np.ndarray,
                        measurement_cov: np.ndarray, state: np.ndarray,
                        covariance: np.ndarray, time_s: np.ndarray, hits: np.ndarray,
                        last_update_by_radar_s: np.ndarray, site_revisit_s: np.ndarray,
                        coast_free_revisits: float, one_plot_velocity_variance: float,
                        acceleration_sigma_mps2: float) -> bool:
    """``association_cost: coasting_likelihood``: add to the gated pairs' ``distance2``
    (in place) of the candidates ``rows`` (v,) at ``row_time`` (v,) that coast
    (:func:`coasting_candidates`) the excess ``max(ln|S| - ln|S_ref|, 0)`` of
    :func:`association.coasting_distance2`, bit for bit as
    :meth:`CentralTracker._coast_pricing` computes it: both covariances from
    :func:`kernels.predict_candidate_positions` (no known acceleration), to the report's
    time and to the reference time, and their ``ln|S|`` from
    :func:`kernels.pair_log_determinant`; ``distance2 + max(difference, 0)`` with
    ``np.maximum``'s NaN. ``pair_row`` indexes the candidates, ``pair_measurement`` the
    reports of ``measurement_cov``. Returns whether any candidate coasts."""
    coasting, reference_time = coasting_candidates(rows, row_time, time_s,
                                                   last_update_by_radar_s, site_revisit_s,
                                                   coast_free_revisits)
    count = 0
    local = np.full(rows.size, -1, dtype=np.intp)
    for v in range(rows.size):
        if coasting[v]:
            local[v] = count
            count += 1
    if count == 0:
        return False
    coasting_rows = np.empty(count, dtype=np.intp)
    coasting_now = np.empty(count)
    coasting_reference = np.empty(count)
    for v in range(rows.size):
        if coasting[v]:
            coasting_rows[local[v]] = rows[v]
            coasting_now[local[v]] = row_time[v]
            coasting_reference[local[v]] = reference_time[v]
    pairs = 0
    for pair in range(pair_row.size):
        if coasting[pair_row[pair]]:
            pairs += 1
    if pairs == 0:
        return True
    priced = np.empty(pairs, dtype=np.intp)
    pair_candidate = np.empty(pairs, dtype=np.intp)
    pair_report = np.empty(pairs, dtype=np.intp)
    index = 0
    for pair in range(pair_row.size):
        if coasting[pair_row[pair]]:
            priced[index] = pair
            pair_candidate[index] = local[pair_row[pair]]
            pair_report[index] = pair_measurement[pair]
            index += 1
    no_acceleration = np.zeros((0, 3))
    now_cov = predict_candidate_positions(state, covariance, time_s, hits, coasting_rows,
                                          coasting_now, one_plot_velocity_variance,
                                          acceleration_sigma_mps2, no_acceleration)[1]
    reference_cov = predict_candidate_positions(state, covariance, time_s, hits,
                                                coasting_rows, coasting_reference,
                                                one_plot_velocity_variance,
                                                acceleration_sigma_mps2, no_acceleration)[1]
    log_determinant = pair_log_determinant(now_cov, measurement_cov, pair_candidate,
                                           pair_report)
    reference_log_determinant = pair_log_determinant(reference_cov, measurement_cov,
                                                     pair_candidate, pair_report)
    for index in range(pairs):
        difference = log_determinant[index] - reference_log_determinant[index]
        if not difference >= 0.0 and difference == difference:  # np.maximum(., 0.0)
            difference = 0.0
        distance2[priced[index]] = distance2[priced[index]] + difference
    return True


@njit(cache=True)
def refuse_coast_speeds(distance2: np.ndarray, pair_row: np.ndarray,
                        pair_measurement: np.ndarray, rows: np.ndarray, row_time: np.ndarray,
                        position: np.ndarray, position_cov: np.ndarray,
                        measurement: np.ndarray, measurement_cov: np.ndarray,
                        state: np.ndarray, covariance: np.ndarray, time_s: np.ndarray,
                        status: np.ndarray, kind_index: np.ndarray,
                        waypoint_kinds: np.ndarray, last_update_by_radar_s: np.ndarray,
                        site_revisit_s: np.ndarray, coast_free_revisits: float,
                        acceleration_sigma_mps2: float, margin: float, sigmas: float,
                        gate_threshold: float) -> int:
    """``tracking.coast_speed_gate``: put outside the gate (``gate_threshold + 1``, in
    place in ``distance2``) the gated pairs whose update would change the speed of a
    confirmed track of a waypoint kind coasting past its allowance
    (:func:`coasting_candidates`) beyond ``margin`` and ``sigmas`` standard deviations,
    as :meth:`CentralTracker._gate_coast_speed` does: the same compiled
    :func:`coast_gate.updated_speeds` of all the gated pairs at once (its sum order
    depends on their number) and :func:`coast_gate.refused_speeds`. ``position`` and
    ``position_cov``: the candidates ``rows`` (v,) predicted to ``row_time`` (v,);
    ``pair_row`` indexes them, ``pair_measurement`` the reports. Returns the pairs
    refused."""
    candidates = rows.size
    gated = np.zeros(candidates, dtype=np.bool_)
    any_waypoint = False
    for v in range(candidates):
        row = rows[v]
        if status[row] == CONFIRMED:
            for kind in waypoint_kinds:
                if kind_index[row] == kind:
                    gated[v] = True
                    any_waypoint = True
                    break
    if not any_waypoint:
        return 0
    coasting = coasting_candidates(rows, row_time, time_s, last_update_by_radar_s,
                                   site_revisit_s, coast_free_revisits)[0]
    count = 0
    for pair in range(pair_row.size):
        if gated[pair_row[pair]] and coasting[pair_row[pair]]:
            count += 1
    if count == 0:
        return 0
    gated_pairs = np.empty(count, dtype=np.intp)
    velocity = np.empty((count, 3))
    velocity_cov = np.empty((count, 3, 3))
    velocity_position_cov = np.empty((count, 3, 3))
    dt = np.empty(count)
    innovation_cov = np.empty((count, 3, 3))
    residual = np.empty((count, 3))
    index = 0
    for pair in range(pair_row.size):
        candidate = pair_row[pair]
        if not (gated[candidate] and coasting[candidate]):
            continue
        report = pair_measurement[pair]
        track = rows[candidate]
        gated_pairs[index] = pair
        dt[index] = row_time[candidate] - time_s[track]
        for i in range(3):
            velocity[index, i] = state[track, 3 + i]
            residual[index, i] = measurement[report, i] - position[candidate, i]
            for j in range(3):
                velocity_cov[index, i, j] = covariance[track, 3 + i, 3 + j]
                velocity_position_cov[index, i, j] = covariance[track, 3 + i, j]
                innovation_cov[index, i, j] = (position_cov[candidate, i, j]
                                               + measurement_cov[report, i, j])
        index += 1
    updated, speed, sigma = updated_speeds(velocity, velocity_cov, velocity_position_cov, dt,
                                           acceleration_sigma_mps2, innovation_cov, residual)
    outside = refused_speeds(updated, speed, sigma, margin, sigmas)
    refused = 0
    for index in range(count):
        if outside[index]:
            distance2[gated_pairs[index]] = gate_threshold + 1.0
            refused += 1
    return refused


#: The rows of :func:`associate_scan`'s scored terms (one column a scored pair): ``d^2``
#: and ``log |S|`` against the candidate's prediction, and the report's false-alarm
#: constant, range and elevation.
SCORED_DISTANCE2, SCORED_LOG_DETERMINANT, SCORED_CONSTANT, SCORED_RANGE, SCORED_ELEVATION = (
    range(5))
SCORED_TERMS = 5


@njit(cache=True)
def _not_done() -> tuple:
    """:func:`associate_scan`'s result when the caller must take the general way."""
    return (0, 0, np.zeros((2, 0), dtype=np.intp), np.zeros(0, dtype=np.bool_),
            np.zeros((2, 0), dtype=np.int64), False, np.zeros(0, dtype=np.intp),
            np.zeros((SCORED_TERMS, 0)))


@njit(cache=True)
def _predict_and_gate(state: np.ndarray, covariance: np.ndarray, time_s: np.ndarray,
                      hits: np.ndarray, kind_index: np.ndarray, kind_confidence: np.ndarray,
                      ballistic: bool, ballistic_kind: int, ballistic_confidence: float,
                      ballistic_acceleration_mps2: np.ndarray, rows: np.ndarray,
                      row_slice: np.ndarray,
                      slice_time: np.ndarray, measurement: np.ndarray,
                      measurement_cov: np.ndarray, report_slice: np.ndarray,
                      one_plot_velocity_variance: float, acceleration_sigma_mps2: float,
                      gate_threshold: float, max_pairs_per_track: int,
                      brute_force_pairs: int, most_tests: int) -> tuple:
    """The candidates ``rows`` (v,) predicted to their slices' times and gated against
    their slices' reports: :func:`kernels.predict_candidate_positions` (a one-plot
    track's velocity block bounded; gravity (and drag) for a track flown with the ballistic
    model)
    then :func:`pass_kernels.gate_candidates_by_slice`, the same pairs and distances bit
    for bit, without predicting what no pair reads.

    Each candidate's position and the diagonal of its position covariance are predicted
    first: :func:`kernels._surely_outside` reads no more, and puts most pairs out (a
    step's few dozen reports lie in a handful of places, each slice's tracks in many).
    The whole covariance is predicted only for a candidate with a pair that one test does
    not put out, with the same expressions. Returns 1 when gated (0: the caller takes the
    general gating, as :func:`gate_candidates_by_slice` says), the pair tests, the
    distinct tracks, the gated pairs (candidate, report, ``d^2``, track index), and the
    candidates' positions (v, 3) and position covariances (v, 3, 3) (only those of a
    candidate with a gated pair are set)."""
    candidates = rows.size
    table_size = state.shape[0]
    position = np.empty((candidates, 3))
    position_cov = np.empty((candidates, 3, 3))
    diagonal = np.empty((candidates, 3))
    predicted = np.zeros(candidates, dtype=np.bool_)
    candidate_dt = np.empty(candidates)
    q = acceleration_sigma_mps2 * acceleration_sigma_mps2
    for v in range(candidates):
        row = rows[v]
        dt = slice_time[row_slice[v]] - time_s[row]
        candidate_dt[v] = dt
        # _known_acceleration_into's test, and kalman._predict_position_into's
        # expressions, written out: a compiled call per candidate (its arrays' reference
        # counts) cost more than the arithmetic. A one-plot track's velocity bounded.
        known = (ballistic and kind_index[row] == ballistic_kind
                 and kind_confidence[row] >= ballistic_confidence)
        one_plot = hits[row] == 1
        magnitude = abs(dt)
        noise = q * magnitude * magnitude * magnitude / 3.0
        for i in range(3):
            acceleration = ballistic_acceleration_mps2[row, i] if known else 0.0
            position[v, i] = (state[row, i] + state[row, 3 + i] * dt
                              + 0.5 * acceleration * dt * dt)
            velocity = one_plot_velocity_variance if one_plot else covariance[row, 3 + i, 3 + i]
            diagonal[v, i] = (covariance[row, i, i]
                              + dt * (covariance[row, i, 3 + i] + covariance[row, 3 + i, i])
                              + dt * dt * velocity) + noise
    # gate_candidates_by_slice: the distinct tracks, the slices' bounds, the tests.
    slices = slice_time.size
    tracks, local, track_bounds, measurement_bounds, tests, largest = slice_layout(
        rows, row_slice, report_slice, slices, table_size)
    empty_index = np.zeros(0, dtype=np.intp)
    if largest > brute_force_pairs or tests > most_tests:
        return (0, tests, tracks, empty_index, empty_index, np.zeros(0), empty_index,
                position, position_cov)
    # kernels.gate_every_pair_by_slice, each candidate's covariance predicted at its first
    # pair past the one-axis test.
    kept_tracks = np.empty(tests, dtype=np.intp)
    kept_measurements = np.empty(tests, dtype=np.intp)
    kept_distance2 = np.empty(tests)
    kept = 0
    bound = OUTSIDE_MARGIN * gate_threshold
    for index in range(slices):
        for i in range(track_bounds[index], track_bounds[index + 1]):
            start = kept
            for j in range(measurement_bounds[index], measurement_bounds[index + 1]):
                outside = False
                for axis in range(3):
                    residual = measurement[j, axis] - position[i, axis]
                    if residual * residual > bound * (diagonal[i, axis]
                                                      + measurement_cov[j, axis, axis]):
                        outside = True
                        break
                if outside:
                    continue
                if not predicted[i]:
                    _predicted_position_cov_into(
                        covariance, rows[i], hits[rows[i]] == 1, candidate_dt[i],
                        one_plot_velocity_variance, diagonal[i], position_cov[i])
                    predicted[i] = True
                distance2 = _pair_distance2(i, j, position, position_cov, measurement,
                                            measurement_cov)
                if distance2 <= gate_threshold:
                    kept_tracks[kept], kept_measurements[kept] = i, j
                    kept_distance2[kept] = distance2
                    kept += 1
            if kept - start > max_pairs_per_track:  # a track cut: the general gating
                return (0, tests, tracks, empty_index, empty_index, np.zeros(0),
                        empty_index, position, position_cov)
    pair_track = np.empty(kept, dtype=np.intp)
    for pair in range(kept):
        pair_track[pair] = local[rows[kept_tracks[pair]]]
    return (1, tests, tracks, kept_tracks[:kept], kept_measurements[:kept],
            kept_distance2[:kept], pair_track, position, position_cov)


@njit(cache=True)
def _predicted_position_cov_into(covariance: np.ndarray, row: int, one_plot: bool,
                                 dt: float, one_plot_velocity_variance: float,
                                 diagonal: np.ndarray, out: np.ndarray) -> None:
    """The position covariance (3, 3) of track ``row`` predicted by ``dt`` into ``out``,
    its ``diagonal`` (3,) given (noise included): the off-diagonal terms of
    :func:`kalman._predict_position_into`'s expression (a one-plot track's velocity
    block bounded to ``one_plot_velocity_variance`` per axis, uncorrelated)."""
    for i in range(3):
        for j in range(3):
            if i == j:
                out[i, i] = diagonal[i]
                continue
            velocity = 0.0 if one_plot else covariance[row, 3 + i, 3 + j]
            out[i, j] = (covariance[row, i, j]
                         + dt * (covariance[row, i, 3 + j] + covariance[row, 3 + i, j])
                         + dt * dt * velocity)


@njit(cache=True)
def associate_scan(state: np.ndarray, covariance: np.ndarray, time_s: np.ndarray,
                   hits: np.ndarray, status: np.ndarray, kind_index: np.ndarray,
                   kind_confidence: np.ndarray, last_update_by_radar_s: np.ndarray,
                   ballistic: bool, ballistic_kind: int, ballistic_confidence: float,
                   ballistic_acceleration_mps2: np.ndarray, rows: np.ndarray,
                   row_slice: np.ndarray,
                   slice_time: np.ndarray, measurement: np.ndarray,
                   measurement_cov: np.ndarray, report_slice: np.ndarray,
                   slot_of: np.ndarray, slots: int, one_plot_velocity_variance: float,
                   acceleration_sigma_mps2: float, gate_threshold: float,
                   max_pairs_per_track: int, brute_force_pairs: int, most_tests: int,
                   dense_limit: int, check_misses: bool, scan_time_s: np.ndarray,
                   scan_position: np.ndarray, radars: np.ndarray,
                   site_position_m: np.ndarray, site_rotation: np.ndarray,
                   site_coverage: np.ndarray, ground_elevation_m: float, scored: bool,
                   radar_of: np.ndarray, false_alarm_constant: np.ndarray,
                   polar: np.ndarray, coasting_cost: bool, site_revisit_s: np.ndarray,
                   coast_free_revisits: float, speed_gate: bool, waypoint_kinds: np.ndarray,
                   speed_margin: float, speed_sigmas: float) -> tuple:
    """Predict, gate and assign one pass's candidates, and check the tentative tracks'
    later reports: :meth:`CentralTracker._assign_and_update` up to its score and update,
    in one call, without writing the table.

    The candidates ``rows`` and ``row_slice`` (v,) (by slice then row, strictly
    increasing), ``slice_time`` (m,), the reports ``measurement`` (k, 3),
    ``measurement_cov`` (k, 3, 3), ``report_slice``, ``slot_of`` and ``radar_of`` (k,)
    as that method takes them; the table's columns; ``check_misses``: whether the scans
    (``scan_time_s``, ``scan_position``, ``radars``) count a tentative track's misses
    before its first report here (:meth:`_alive_at`); ``scored``: whether the tentative
    tracks' plots are scored (their false-alarm constants and ``polar`` (k, 3) then
    gathered); ``coasting_cost``: whether the pairs are priced by ``coasting_likelihood``
    (:func:`add_coasting_excess`, of the radars' ``site_revisit_s`` and
    ``coast_free_revisits``); ``speed_gate``: whether ``tracking.coast_speed_gate``
    refuses pairs (:func:`refuse_coast_speeds`, of the ``waypoint_kinds``, the
    ``speed_margin`` and ``speed_sigmas``). Returns, in order: 1 when done, 0 when the
    caller must take the general way (the candidates are not in order, the gate needs the
    general gating, or a cluster the sparse solver; nothing else is then meaningful); the
    pair tests made
    (for the crowd counters); the assigned pairs' track rows and reports (2, p); which
    stand after the check in turn (p,); the tentative tracks among the pairs and their
    misses before their first report here (2, t), and whether any has one; then of the
    tentative tracks' pairs: their pair indices (s,) and their terms (``SCORED_TERMS``,
    s): ``d^2`` and ``log |S|`` against the candidate's prediction, and their reports'
    false-alarm constants, ranges and elevations. (Arrays packed by kind: each array a
    compiled call returns costs more to box than a dozen it is given.)"""
    table_size = status.size
    candidates = rows.size
    for index in range(1, candidates):
        if (row_slice[index] * table_size + rows[index]
                <= row_slice[index - 1] * table_size + rows[index - 1]):
            return _not_done()
    (gated, tests, tracks, pair_row, pair_measurement, distance2, pair_track, position,
     position_cov) = _predict_and_gate(
        state, covariance, time_s, hits, kind_index, kind_confidence, ballistic,
        ballistic_kind, ballistic_confidence, ballistic_acceleration_mps2, rows, row_slice,
        slice_time, measurement, measurement_cov, report_slice, one_plot_velocity_variance,
        acceleration_sigma_mps2, gate_threshold, max_pairs_per_track, brute_force_pairs,
        most_tests)
    if not gated:
        return _not_done()
    if coasting_cost or speed_gate:
        row_time = np.empty(candidates)
        for v in range(candidates):
            row_time[v] = slice_time[row_slice[v]]
        distance2 = distance2.copy()
        if coasting_cost:  # CentralTracker._coast_pricing: the coasting candidates' excess
            add_coasting_excess(distance2, pair_row, pair_measurement, rows, row_time,
                                measurement_cov, state, covariance, time_s, hits,
                                last_update_by_radar_s, site_revisit_s, coast_free_revisits,
                                one_plot_velocity_variance, acceleration_sigma_mps2)
        if speed_gate:  # CentralTracker._gate_coast_speed, after the pricing as there
            refuse_coast_speeds(distance2, pair_row, pair_measurement, rows, row_time,
                                position, position_cov, measurement, measurement_cov, state,
                                covariance, time_s, status, kind_index, waypoint_kinds,
                                last_update_by_radar_s, site_revisit_s, coast_free_revisits,
                                acceleration_sigma_mps2, speed_margin, speed_sigmas,
                                gate_threshold)
    # _associate: the gain G - D (nudged; D = d^2 unless priced), both passes in one call.
    pairs = pair_track.size
    gain = np.empty(pairs)
    pair_slot = np.empty(pairs, dtype=np.intp)
    pair_status = np.empty(pairs, dtype=status.dtype)
    for pair in range(pairs):
        gain[pair] = (gate_threshold - distance2[pair]) + 1e-9
        pair_slot[pair] = pair_track[pair] * slots + slot_of[pair_measurement[pair]]
        pair_status[pair] = status[tracks[pair_track[pair]]]
    slot, taken, solved = assign_confirmed_first(pair_slot, pair_measurement, gain,
                                                 pair_status, tracks.size * slots,
                                                 measurement.shape[0], dense_limit)
    if not solved:
        return _not_done()
    assigned = taken.size
    pairs_taken = np.empty((2, assigned), dtype=np.intp)  # their track rows, reports
    track_rows = pairs_taken[0]
    taken_time = np.empty(assigned)
    in_turn = False
    for pair in range(assigned):
        pairs_taken[1, pair] = taken[pair]
        track_rows[pair] = tracks[slot[pair] // slots]
        taken_time[pair] = slice_time[report_slice[taken[pair]]]
        if status[track_rows[pair]] == TENTATIVE and taken_time[pair] > slice_time[0]:
            in_turn = True
    keep = np.ones(assigned, dtype=np.bool_)
    missed_tracks = np.zeros(0, dtype=np.intp)
    missed = np.zeros(0, dtype=np.int64)
    any_missed = False
    if in_turn and slice_time.size > 1:
        keep = gated_in_turn(track_rows, taken_time, taken, measurement, measurement_cov,
                             state, covariance, time_s, hits, status,
                             one_plot_velocity_variance, acceleration_sigma_mps2,
                             gate_threshold, ballistic, kind_index, kind_confidence,
                             ballistic_kind, ballistic_confidence, ballistic_acceleration_mps2)
        if check_misses:
            missed_tracks, missed = misses_before_first_report(
                track_rows, taken_time, status, last_update_by_radar_s, scan_time_s,
                scan_position, radars, site_position_m, site_rotation, site_coverage,
                ground_elevation_m)
            for track in range(missed.size):
                if missed[track] > 0:
                    any_missed = True
    tracks_missed = np.empty((2, missed.size), dtype=np.int64)
    for track in range(missed.size):
        tracks_missed[0, track] = missed_tracks[track]
        tracks_missed[1, track] = missed[track]
    # The tentative tracks' plots: d^2 and log |S| against the candidate's prediction
    # (_score_plots), and what their false-alarm density is made from.
    scored_count = 0
    if scored:
        for pair in range(assigned):
            if status[track_rows[pair]] == TENTATIVE:
                scored_count += 1
    scored_pairs = np.empty(scored_count, dtype=np.intp)
    scored = np.empty((SCORED_TERMS, scored_count))
    if scored_count:
        residual = np.empty(3)
        innovation = np.empty((3, 3))
        lu = np.empty((3, 3))
        solution = np.empty(3)
        candidate_key = np.empty(candidates, dtype=np.int64)  # (slice, row), increasing
        for v in range(candidates):
            candidate_key[v] = row_slice[v] * table_size + rows[v]
        index = 0
        for pair in range(assigned):
            row = track_rows[pair]
            if status[row] != TENTATIVE:
                continue
            report = taken[pair]
            # The candidate of the pair's track in its report's slice.
            low = search_sorted(candidate_key, report_slice[report] * table_size + row, False)
            for i in range(3):
                residual[i] = measurement[report, i] - position[low, i]
                for j in range(3):
                    innovation[i, j] = position_cov[low, i, j] + measurement_cov[report, i, j]
            distance2_here, log_determinant = mahalanobis3(residual, innovation, lu, solution)
            scored_pairs[index] = pair
            scored[SCORED_DISTANCE2, index] = distance2_here
            scored[SCORED_LOG_DETERMINANT, index] = log_determinant
            scored[SCORED_CONSTANT, index] = false_alarm_constant[radar_of[report]]
            scored[SCORED_RANGE, index] = polar[report, 0]
            scored[SCORED_ELEVATION, index] = polar[report, 2]
            index += 1
    return 1, tests, pairs_taken, keep, tracks_missed, any_missed, scored_pairs, scored


@njit(cache=True)
def score_and_update(keep: np.ndarray, pairs_taken: np.ndarray, scored_pairs: np.ndarray,
                     scored: np.ndarray, log_density: np.ndarray,
                     log_detection_probability: float, log_normalization: float,
                     slice_time: np.ndarray, report_slice: np.ndarray, radar_of: np.ndarray,
                     measurement: np.ndarray, measurement_cov: np.ndarray, state: np.ndarray,
                     covariance: np.ndarray, time_s: np.ndarray, hits: np.ndarray,
                     last_update_s: np.ndarray, last_update_by_radar_s: np.ndarray,
                     vertical_acceleration_mps2: np.ndarray, status: np.ndarray,
                     score: np.ndarray, score_vetoes: bool, score_decides: bool,
                     confirm_score: float, confirm_hits: int, acceleration_sigma_mps2: float,
                     ballistic: bool, kind_index: np.ndarray, kind_confidence: np.ndarray,
                     ballistic_kind: int, ballistic_confidence: float,
                     ballistic_acceleration_mps2: np.ndarray, smoothing: float,
                     baseline_s: float) -> tuple:
    """The pairs of :func:`associate_scan` (``pairs_taken`` (2, p): track rows, reports)
    that stand (``keep``): the tentative tracks' plot scores added in pair order
    (:func:`score.plot_score`'s ``ln P_D - ln density - ln (2 pi)^(3/2) - ln |S| / 2 -
    d^2 / 2``, from ``log_density`` and ``scored``'s terms, one per scored pair), then the
    constant-velocity update of :func:`pass_kernels.update_in_turn`. Returns the
    standing pairs' track rows and reports and :func:`update_in_turn`'s pairs in update
    order (its track rows and reports), as (4, k); those pairs' times (k,), the
    confirming pairs (k,), whether it updated, and whether any pair confirms."""
    track_rows, taken = pairs_taken[0], pairs_taken[1]
    assigned = track_rows.size
    standing = 0
    for pair in range(assigned):
        if keep[pair]:
            standing += 1
    for index in range(scored_pairs.size):
        pair = scored_pairs[index]
        if keep[pair]:
            score[track_rows[pair]] += ((((log_detection_probability - log_density[index])
                                          - log_normalization)
                                         - 0.5 * scored[SCORED_LOG_DETERMINANT, index])
                                        - 0.5 * scored[SCORED_DISTANCE2, index])
    kept = np.empty((4, standing), dtype=np.intp)
    index = 0
    for pair in range(assigned):
        if keep[pair]:
            kept[0, index], kept[1, index] = track_rows[pair], taken[pair]
            index += 1
    report_time = np.empty(report_slice.size)
    for report in range(report_slice.size):
        report_time[report] = slice_time[report_slice[report]]
    sorted_rows, sorted_taken, time_of, confirming, done = update_in_turn(
        kept[0], kept[1], report_time, radar_of, measurement, measurement_cov, state,
        covariance, time_s, hits, last_update_s, last_update_by_radar_s,
        vertical_acceleration_mps2, status, score, score_vetoes, score_decides, confirm_score,
        confirm_hits, acceleration_sigma_mps2, ballistic, kind_index, kind_confidence,
        ballistic_kind, ballistic_confidence, ballistic_acceleration_mps2, smoothing,
        baseline_s)
    for pair in range(standing):
        kept[2, pair], kept[3, pair] = sorted_rows[pair], sorted_taken[pair]
    any_confirming = False
    for pair in range(confirming.size):
        if confirming[pair]:
            any_confirming = True
    return kept, time_of, confirming, done, any_confirming


@njit(cache=True)
def fold_and_count_misses(status: np.ndarray, hits: np.ndarray, misses: np.ndarray,
                          score: np.ndarray, last_update_by_radar_s: np.ndarray,
                          last_update_s: np.ndarray, missed_scans: np.ndarray,
                          covering: np.ndarray, scan_time_s: np.ndarray, radars: np.ndarray,
                          position: np.ndarray, site_position_m: np.ndarray,
                          site_rotation: np.ndarray, site_coverage: np.ndarray,
                          ground_elevation_m: float, one_plot_misses: int,
                          allowed_misses: int, score_kept: bool, score_decides: bool,
                          miss_score: float, delete_score: float, delete_by_misses: bool,
                          deletion_misses: int, coast_timeout_s: float,
                          misses_to_delete: np.ndarray, fold: bool,
                          covered_looks: np.ndarray, detected_looks: np.ndarray,
                          memory: float, prior_detection_probability: float,
                          prior_looks: float, log_threshold: float, by_range: bool,
                          strength_log_likelihood: np.ndarray,
                          pending_log_likelihood: np.ndarray,
                          run_log_likelihood: np.ndarray, run_log_miss: np.ndarray,
                          design_tables: np.ndarray, snr_at_one_metre_db: np.ndarray
                          ) -> tuple[np.ndarray, bool]:
    """A pass's miss bookkeeping in one call: when ``fold`` (``deletion:
    miss_probability``), :func:`deletion.fold_detections` (``covered_looks``,
    ``detected_looks``, ``misses_to_delete`` and the settings after them), or with
    ``by_range`` (``deletion_detection_model: range``)
    :func:`deletion.fold_detections_by_range` and :func:`deletion.charge_misses_by_range`
    (the strength estimate, its pending misses, the run's log-likelihood by strength and
    its log-probability ``run_log_miss``, tested by the count; (0, radars) without
    ``by_range``); then :func:`pass_kernels.count_misses` (the arguments before
    ``fold``, its result): the calls :meth:`CentralTracker._count_misses` made, in their order."""
    if by_range:
        fold_detections_by_range(
            status, last_update_by_radar_s, missed_scans, scan_time_s, radars, position,
            site_position_m, site_rotation, site_coverage, ground_elevation_m,
            covered_looks, detected_looks, misses_to_delete, strength_log_likelihood,
            pending_log_likelihood, run_log_likelihood, run_log_miss, memory,
            prior_detection_probability, prior_looks, log_threshold, design_tables,
            snr_at_one_metre_db)
        charge_misses_by_range(
            status, last_update_by_radar_s, scan_time_s, radars, position, site_position_m,
            site_rotation, site_coverage, ground_elevation_m, covered_looks,
            strength_log_likelihood, pending_log_likelihood, run_log_likelihood,
            run_log_miss, memory, prior_detection_probability, design_tables,
            snr_at_one_metre_db)
    elif fold:
        fold_detections(status, last_update_by_radar_s, missed_scans, scan_time_s, radars,
                        position, site_position_m, site_rotation, site_coverage,
                        ground_elevation_m, covered_looks, detected_looks, misses_to_delete,
                        memory, prior_detection_probability, prior_looks, log_threshold)
    return count_misses(status, hits, misses, score, last_update_by_radar_s, last_update_s,
                        missed_scans, covering, scan_time_s, radars, position,
                        site_position_m, site_rotation, site_coverage, ground_elevation_m,
                        one_plot_misses, allowed_misses, score_kept, score_decides,
                        miss_score, delete_score, delete_by_misses, deletion_misses,
                        coast_timeout_s, misses_to_delete,
                        run_log_miss, log_threshold)
