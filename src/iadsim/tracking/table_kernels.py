"""Compiled births and deaths of the central tracker's track table (Numba).

The table (:class:`iadsim.tracking.tracker.CentralTracker`) is a structure of arrays,
about sixteen columns of a few dozen to a few hundred rows. Each column's buffer is a
region of one byte array, the *arena* (``layout[0, c]``: where column ``c``'s region
starts, a multiple of 64 bytes; ``layout[1, c]``: the bytes of one of its rows;
``layout[2, c]``: where its new-track row starts in the *template*, a multiple of 8), so
that one call sees every column: a step that starts tracks on its clutter and deletes
others paid a NumPy call a column for each, a tuple of sixteen arrays costs a compiled
call more to unpack than its work, and an array a call returns costs more than a dozen
it is given. So each function here does one birth or one death of tracks in one call and
writes the events it logs straight into the event log's last block
(:meth:`iadsim.events.EventLog.room`; its twelve stored columns, ``log_*``, from row
``first_row``), with the values :meth:`iadsim.events.EventLog.add` stores for them
(float64 to float32 rounds to nearest, int64 to int32 and int16 keep the low bits, as
NumPy's casts do). Rows are moved as runs of whole 8-byte words where they can be (LLVM
vectorizes those loops; unsigned indices leave out the negative-index wraparound).
Cached on disk like :mod:`iadsim.tracking.kernels`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: ``first_row`` when the events are not written by the kernel (no room in the block).
NO_LOG = -1


@njit(cache=True)
def _move_bytes(arena: np.ndarray, words: np.ndarray, target: int, source: int,
                size: int) -> None:
    """``arena[target:target + size] = arena[source:source + size]`` for ``target <=
    source`` (a forward copy, right for overlapping runs moved towards the start);
    ``words``: the arena as uint64."""
    done = 0
    if target % 8 == 0 and source % 8 == 0:
        to, since = np.uint64(target >> 3), np.uint64(source >> 3)
        for word in range(np.uint64(size >> 3)):
            words[to + word] = words[since + word]
        done = size & ~7
    to, since = np.uint64(target + done), np.uint64(source + done)
    for offset in range(np.uint64(size - done)):
        arena[to + offset] = arena[since + offset]


@njit(cache=True)
def _log_row(row: int, time_s: float, kind: int, track_id: int, sensor: int, value: float,
             east: float, north: float, up: float, log_time: np.ndarray,
             log_kind: np.ndarray, log_threat: np.ndarray, log_track: np.ndarray,
             log_interceptor: np.ndarray, log_sensor: np.ndarray, log_battery: np.ndarray,
             log_asset: np.ndarray, log_value: np.ndarray, log_east: np.ndarray,
             log_north: np.ndarray, log_up: np.ndarray) -> None:
    """Write one event row (every column; -1 for the ids it does not concern)."""
    log_time[row] = time_s
    log_kind[row] = kind
    log_threat[row] = -1
    log_track[row] = track_id
    log_interceptor[row] = -1
    log_sensor[row] = sensor
    log_battery[row] = -1
    log_asset[row] = -1
    log_value[row] = value
    log_east[row] = east
    log_north[row] = north
    log_up[row] = up


@njit(cache=True)
def remove_rows(arena: np.ndarray, layout: np.ndarray, gone: np.ndarray,
                track_id: np.ndarray, state: np.ndarray, last_update_s: np.ndarray,
                time_s: float, merged_into: np.ndarray, merging: bool, kind: int,
                first_row: int, log_time: np.ndarray, log_kind: np.ndarray,
                log_threat: np.ndarray, log_track: np.ndarray, log_interceptor: np.ndarray,
                log_sensor: np.ndarray, log_battery: np.ndarray, log_asset: np.ndarray,
                log_value: np.ndarray, log_east: np.ndarray, log_north: np.ndarray,
                log_up: np.ndarray) -> tuple[int, int]:
    """Delete the rows where ``gone`` (the table's size, bool) is set: log one event of
    ``kind`` each, in row order, from ``first_row`` (none when :data:`NO_LOG`): its
    ``track_id``, position, and ``value`` ``time_s`` less its last update (or, ``merging``,
    ``merged_into``, one per deleted track, as a float); then move the rows kept to the
    first rows of every column's region, in order (what ``np.take(column, keep, axis=0)``
    gives). Returns the rows kept and the events (rows deleted)."""
    size = gone.size
    count = 0
    for row in range(size):
        if gone[row]:
            if first_row != NO_LOG:
                value = (np.float64(merged_into[count]) if merging
                         else time_s - last_update_s[row])
                _log_row(first_row + count, time_s, kind, track_id[row], -1, value,
                         state[row, 0], state[row, 1], state[row, 2], log_time, log_kind,
                         log_threat, log_track, log_interceptor, log_sensor, log_battery,
                         log_asset, log_value, log_east, log_north, log_up)
            count += 1
    if count == 0:
        return size, 0
    words = arena.view(np.uint64)
    target = 0
    row = 0
    while row < size:
        if gone[row]:
            row += 1
            continue
        stop = row + 1
        while stop < size and not gone[stop]:
            stop += 1
        if row != target:
            for column in range(layout.shape[1]):
                start, width = layout[0, column], layout[1, column]
                _move_bytes(arena, words, start + target * width, start + row * width,
                            (stop - row) * width)
        target += stop - row
        row = stop
    return target, count


@njit(cache=True)
def fill_new_rows(arena: np.ndarray, layout: np.ndarray, template: np.ndarray, first: int,
                  stop: int) -> None:
    """Set the rows ``first`` to ``stop`` of every column to its new-track value (the
    template's row of that column; rows padded to whole words there), a word at a time
    when the rows are whole words."""
    words, template_words = arena.view(np.uint64), template.view(np.uint64)
    for column in range(layout.shape[1]):
        start, width, source = layout[0, column], layout[1, column], layout[2, column]
        if width % 8 == 0:
            step, since = np.uint64(width >> 3), np.uint64(source >> 3)
            for row in range(first, stop):
                to = np.uint64((start + row * width) >> 3)
                for word in range(step):
                    words[to + word] = template_words[since + word]
        else:
            for row in range(first, stop):
                to = np.uint64(start + row * width)
                for offset in range(np.uint64(width)):
                    arena[to + offset] = template[source + offset]


@njit(cache=True)
def start_rows(arena: np.ndarray, layout: np.ndarray, template: np.ndarray, first: int,
               reports: np.ndarray, radar_of: np.ndarray, report_time: np.ndarray,
               measurement: np.ndarray, measurement_cov: np.ndarray, first_id: int,
               velocity_prior_cov: np.ndarray, status: int, track_id: np.ndarray,
               state: np.ndarray, covariance: np.ndarray, track_time_s: np.ndarray,
               track_status: np.ndarray, hits: np.ndarray, born_s: np.ndarray,
               last_update_s: np.ndarray, last_update_by_radar_s: np.ndarray,
               kinds: np.ndarray, first_row: int, log_time: np.ndarray,
               log_kind: np.ndarray, log_threat: np.ndarray, log_track: np.ndarray,
               log_interceptor: np.ndarray, log_sensor: np.ndarray,
               log_battery: np.ndarray, log_asset: np.ndarray, log_value: np.ndarray,
               log_east: np.ndarray, log_north: np.ndarray, log_up: np.ndarray) -> None:
    """Start a track at row ``first + k`` on each report ``reports[k]`` (indices into
    ``radar_of``, ``report_time``, ``measurement``, ``measurement_cov``), numbered from
    ``first_id``: every column at its new-track value, then the report's position (zero
    velocity), its covariance with the velocity prior, its time as the track's time,
    birth and last update (and its radar's), ``status`` and one hit (``track_id`` to
    ``last_update_by_radar_s``: those columns' buffers, views of the arena). Logs, for
    each kind of ``kinds`` in turn, one event a new track (at its report: time, radar,
    position; value NaN) from ``first_row`` (none when :data:`NO_LOG`)."""
    count = reports.size
    fill_new_rows(arena, layout, template, first, first + count)
    radars = last_update_by_radar_s.shape[1]
    for new in range(count):
        report, row = reports[new], first + new
        when = report_time[report]
        track_id[row] = first_id + new
        for axis in range(6):
            state[row, axis] = 0.0
            for other in range(6):
                covariance[row, axis, other] = 0.0
        for axis in range(3):
            state[row, axis] = measurement[report, axis]
            for other in range(3):
                covariance[row, axis, other] = measurement_cov[report, axis, other]
                covariance[row, 3 + axis, 3 + other] = velocity_prior_cov[axis, other]
        track_time_s[row] = when
        track_status[row] = status
        hits[row] = 1
        born_s[row] = when
        last_update_s[row] = when
        for radar in range(radars):
            last_update_by_radar_s[row, radar] = -np.inf
        last_update_by_radar_s[row, radar_of[report]] = when
    if first_row == NO_LOG:
        return
    for block in range(kinds.size):
        for new in range(count):
            report = reports[new]
            _log_row(first_row + block * count + new, report_time[report], kinds[block],
                     first_id + new, radar_of[report], np.nan, measurement[report, 0],
                     measurement[report, 1], measurement[report, 2], log_time, log_kind,
                     log_threat, log_track, log_interceptor, log_sensor, log_battery,
                     log_asset, log_value, log_east, log_north, log_up)


#: Slack of :func:`may_merge`'s bound: the distance (m) taken off each pair's distance,
#: and the relative widening of the gate, far above the rounding of the prediction.
MERGE_BOUND_SLACK_M = 1e-3
MERGE_BOUND_WIDENING = 1e-6


@njit(cache=True)
def may_merge(state: np.ndarray, covariance: np.ndarray, track_time_s: np.ndarray,
              status: np.ndarray, confirmed: int, time_s: float,
              acceleration_sigma_mps2: float, acceleration: np.ndarray,
              threshold: float) -> bool:
    """Whether any two tracks of ``status`` ``confirmed`` may pass the merge's position
    gate at ``time_s`` (False: no pair can, and :meth:`CentralTracker._merge_duplicates`
    has nothing to do). A lower bound of each pair's squared distance in the gate,
    ``|d|^2 / tr(S) <= d^T S^-1 d`` (the largest eigenvalue of the summed position
    covariance ``S`` is at most its trace), of the positions and covariances predicted as
    :func:`iadsim.tracking.kalman.predict` predicts them (``acceleration``: each confirmed
    track's known acceleration, in row order, or none), with slack for rounding
    (:data:`MERGE_BOUND_SLACK_M`, :data:`MERGE_BOUND_WIDENING`): True whenever in doubt."""
    rows = np.flatnonzero(status == confirmed)
    count = rows.size
    q = acceleration_sigma_mps2 * acceleration_sigma_mps2
    position = np.empty((count, 3))
    spread = np.empty(count)
    for track in range(count):
        row = rows[track]
        dt = time_s - track_time_s[row]
        trace = q * abs(dt) * abs(dt) * abs(dt)
        for axis in range(3):
            push = 0.5 * acceleration[track, axis] * dt * dt if acceleration.shape[0] else 0.0
            position[track, axis] = state[row, axis] + state[row, 3 + axis] * dt + push
            trace += (covariance[row, axis, axis]
                      + dt * (covariance[row, axis, 3 + axis] + covariance[row, 3 + axis, axis])
                      + dt * dt * covariance[row, 3 + axis, 3 + axis])
        if not trace > 0.0:
            return True
        spread[track] = trace
    for first in range(count):
        for second in range(first + 1, count):
            distance2 = 0.0
            for axis in range(3):
                difference = position[first, axis] - position[second, axis]
                distance2 += difference * difference
            gap = np.sqrt(distance2) - MERGE_BOUND_SLACK_M
            if not (gap > 0.0 and gap * gap > threshold * (spread[first] + spread[second])
                    * (1.0 + MERGE_BOUND_WIDENING)):
                return True
    return False
