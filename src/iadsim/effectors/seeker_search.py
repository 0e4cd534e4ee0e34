"""Which threats each searching seeker could accept in one step: a compiled grid search.

A seeker accepts a detection only inside its acquisition gate around the cue (the track's
predicted target position; :mod:`iadsim.effectors.flyout_kernel`), so the only threats
its looks need to consider over one simulation step are those within the gate plus their
own and the cue's travel over the step of the cue's position at the step's start. This
module finds them for every searching round at once (threats binned on a horizontal grid),
so that the flyout kernel's looks loop over a handful of threats, not over the raid. It
reads the true threat positions: a physical pre-selection for the seeker's detection
physics, never a guidance input.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.effectors.flight import IS_GUN, SEEKER_RANGE
from iadsim.effectors.flyout_kernel import (
    ACQUISITION_GATE_SIGMAS,
    CUE_ACCELERATION,
    CUE_POSITION,
    CUE_SIGMA,
    CUE_TIME,
    CUE_VELOCITY,
    MIN_ACQUISITION_GATE_M,
    POSITION,
    VELOCITY,
)
from iadsim.effectors.seeker import SEEKER_MAX_RANGE_RATIO
from iadsim.sorted_search import index_of


@njit(cache=True, error_model="numpy")
def _cue_at_start(row: int, state: np.ndarray, track_id: np.ndarray,
                  sorted_track_ids: np.ndarray, track_order: np.ndarray,
                  track_position: np.ndarray, track_velocity: np.ndarray,
                  track_sigma: np.ndarray, track_acceleration: np.ndarray, time_s: float,
                  dt_s: float) -> tuple[float, float, float, float, float]:
    """The cue of a round at the step's start, as :func:`step_rounds` will take it:
    position (m), a bound on its mean speed over the step (m/s: speed plus half its known
    acceleration times the step) and sigma (m) of its track, else its last cue
    (extrapolated with its known acceleration)."""
    found = index_of(sorted_track_ids, track_id[row])
    if found >= 0:
        track = track_order[found]
        speed = np.sqrt(track_velocity[track, 0] ** 2 + track_velocity[track, 1] ** 2
                        + track_velocity[track, 2] ** 2)
        accel = np.sqrt(track_acceleration[track, 0] ** 2 + track_acceleration[track, 1] ** 2
                        + track_acceleration[track, 2] ** 2)
        return (track_position[track, 0], track_position[track, 1], track_position[track, 2],
                speed + 0.5 * accel * dt_s, track_sigma[track])
    age = time_s - state[row, CUE_TIME]
    ax, ay = state[row, CUE_ACCELERATION], state[row, CUE_ACCELERATION + 1]
    az = state[row, CUE_ACCELERATION + 2]
    vx, vy = state[row, CUE_VELOCITY] + ax * age, state[row, CUE_VELOCITY + 1] + ay * age
    vz = state[row, CUE_VELOCITY + 2] + az * age
    half = 0.5 * age * age
    accel = np.sqrt(ax * ax + ay * ay + az * az)
    return (state[row, CUE_POSITION] + state[row, CUE_VELOCITY] * age + ax * half,
            state[row, CUE_POSITION + 1] + state[row, CUE_VELOCITY + 1] * age + ay * half,
            state[row, CUE_POSITION + 2] + state[row, CUE_VELOCITY + 2] * age + az * half,
            np.sqrt(vx * vx + vy * vy + vz * vz) + 0.5 * accel * dt_s, state[row, CUE_SIGMA])


@njit(cache=True, error_model="numpy")
def seeker_candidates(rows: np.ndarray, type_index: np.ndarray, state: np.ndarray,
                      locked: np.ndarray, track_id: np.ndarray, parameters: np.ndarray,
                      threat_start: np.ndarray, threat_end: np.ndarray,
                      threat_alive: np.ndarray, sorted_track_ids: np.ndarray,
                      track_order: np.ndarray, track_position: np.ndarray,
                      track_velocity: np.ndarray, track_sigma: np.ndarray,
                      track_acceleration: np.ndarray, time_s: float,
                      dt_s: float) -> tuple[np.ndarray, np.ndarray]:
    """CSR lists (``start`` (k + 1,), ``threats``) of the live threats the seeker of each
    round ``rows[k]`` could accept this step.

    A round searches when it has a seeker, holds no live lock and its cue is within the
    seeker's reach over the step; a threat can be accepted only inside the acquisition
    gate around the cue, so the candidates are the threats within the gate plus their own
    and the cue's travel over the step of the cue's position at the step's start (a
    horizontal grid of the largest such radius; each round checks 3 x 3 cells).
    """
    count = rows.size
    alive_ids = threat_alive.nonzero()[0]
    travel = 0.0
    for threat in alive_ids:
        travel = max(travel, np.sqrt((threat_end[threat, 0] - threat_start[threat, 0]) ** 2
                                     + (threat_end[threat, 1] - threat_start[threat, 1]) ** 2
                                     + (threat_end[threat, 2] - threat_start[threat, 2]) ** 2))
    centre = np.zeros((count, 3))
    radius = np.full(count, -1.0)
    cell = 0.0
    for k in range(count):
        row = rows[k]
        params = parameters[type_index[row]]
        if params[IS_GUN] != 0.0 or params[SEEKER_RANGE] <= 0.0:
            continue
        if locked[row] >= 0 and threat_alive[locked[row]]:
            continue
        cx, cy, cz, cue_speed, sigma = _cue_at_start(row, state, track_id, sorted_track_ids,
                                                     track_order, track_position,
                                                     track_velocity, track_sigma,
                                                     track_acceleration, time_s, dt_s)
        gate = max(MIN_ACQUISITION_GATE_M, ACQUISITION_GATE_SIGMAS * sigma)
        speed = np.sqrt(state[row, VELOCITY] ** 2 + state[row, VELOCITY + 1] ** 2
                        + state[row, VELOCITY + 2] ** 2)
        distance = np.sqrt((cx - state[row, POSITION]) ** 2
                           + (cy - state[row, POSITION + 1]) ** 2
                           + (cz - state[row, POSITION + 2]) ** 2)
        reach = SEEKER_MAX_RANGE_RATIO * params[SEEKER_RANGE]
        if distance > reach + gate + (speed + cue_speed) * dt_s + travel:
            continue
        centre[k, 0], centre[k, 1], centre[k, 2] = cx, cy, cz
        radius[k] = gate + travel + cue_speed * dt_s + 1.0
        cell = max(cell, radius[k])
    start = np.zeros(count + 1, dtype=np.int64)
    if cell == 0.0 or alive_ids.size == 0:
        return start, np.zeros(0, dtype=np.int64)
    keys = np.empty(alive_ids.size, dtype=np.int64)
    for index in range(alive_ids.size):
        threat = alive_ids[index]
        keys[index] = _cell_key(threat_start[threat, 0], threat_start[threat, 1], cell, 0, 0)
    order = np.argsort(keys, kind="mergesort")
    sorted_keys = keys[order]
    found = []
    for k in range(count):
        if radius[k] < 0.0:
            start[k + 1] = len(found)
            continue
        limit = radius[k] * radius[k]
        for step_column in range(-1, 2):
            for step_row in range(-1, 2):
                key = _cell_key(centre[k, 0], centre[k, 1], cell, step_column, step_row)
                first = np.searchsorted(sorted_keys, key)
                while first < alive_ids.size and sorted_keys[first] == key:
                    threat = alive_ids[order[first]]
                    gap = ((centre[k, 0] - threat_start[threat, 0]) ** 2
                           + (centre[k, 1] - threat_start[threat, 1]) ** 2
                           + (centre[k, 2] - threat_start[threat, 2]) ** 2)
                    if gap <= limit:
                        found.append(threat)
                    first += 1
        start[k + 1] = len(found)
    flat = np.empty(len(found), dtype=np.int64)
    for index in range(len(found)):
        flat[index] = found[index]
    return start, flat


@njit(cache=True, error_model="numpy")
def _cell_key(east_m: float, north_m: float, cell_m: float, step_column: int,
              step_row: int) -> np.int64:
    """Key of the horizontal grid cell of a point, shifted by whole cells."""
    column = np.int64(np.floor(east_m / cell_m)) + step_column + 2**20
    row = np.int64(np.floor(north_m / cell_m)) + step_row + 2**20
    return column * 2**22 + row
