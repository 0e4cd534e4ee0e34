"""The fleet's step in one compiled call: gate sigmas, seeker candidates and flight.

:meth:`iadsim.effectors.flyout.InterceptorFleet.step` used to make three compiled calls a
step (:func:`~iadsim.effectors.flyout_kernel.gate_sigmas`,
:func:`~iadsim.effectors.seeker_search.seeker_candidates`,
:func:`~iadsim.effectors.flyout_kernel.step_rounds`) and to receive eleven arrays from the
last, though most steps nothing locks and nothing resolves. :func:`fly_rounds` makes the
same three calls inside one compiled call, writes the per-round results into two arrays the
fleet keeps between steps and returns only how many rounds locked and resolved, so that the
common step returns two integers. The results are those of the three calls, bit for bit
(the same functions run on the same inputs).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.effectors.flyout_kernel import NOT_RESOLVED, gate_sigmas, step_rounds
from iadsim.effectors.seeker_search import seeker_candidates

#: Columns of the integer results (``index_out``): lock threat (-1: none), victim,
#: resolution code, whether the lock is a diversion (0/1).
LOCK_THREAT, VICTIM, CODE, DIVERTED = 0, 1, 2, 3
INDEX_COLUMNS = 4
#: Columns of the float results (``value_out``): lock range, lock time, miss, time, miss
#: vector (3), relative velocity (3), final position (3).
LOCK_RANGE, LOCK_TIME, MISS, WHEN, MISS_VECTOR, RELATIVE_VELOCITY, FINAL_POSITION = (
    0, 1, 2, 3, 4, 7, 10)
VALUE_COLUMNS = 13


@njit(cache=True, error_model="numpy")
def fly_rounds(rows: np.ndarray, type_index: np.ndarray, state: np.ndarray,
               intended: np.ndarray, locked: np.ndarray, track_id: np.ndarray,
               keys: np.ndarray, draws: np.ndarray, parameters: np.ndarray,
               drag_table: np.ndarray, threat_start: np.ndarray, threat_end: np.ndarray,
               threat_alive: np.ndarray, threat_rcs: np.ndarray, sorted_track_ids: np.ndarray,
               track_order: np.ndarray, track_position: np.ndarray,
               track_velocity: np.ndarray, track_position_cov: np.ndarray,
               track_acceleration: np.ndarray, time_of_flight: np.ndarray,
               envelope_scalars: np.ndarray, time_s: float, dt_s: float,
               earth_radius_m: float, ground_elevation: np.ndarray,
               ground_scalars: np.ndarray, index_out: np.ndarray,
               value_out: np.ndarray) -> tuple[int, int]:
    """Fly the rounds ``rows`` over one step (:func:`step_rounds`, its arguments less the
    candidates and sigmas, made here); returns (rounds that locked, rounds resolved).

    ``track_position_cov`` (n_tracks, 3, 3) gives the tracks' gate sigmas
    (:func:`gate_sigmas`); with no rows, every sigma is 0. Round ``k``'s results are
    written to row ``k`` of ``index_out`` (at least (rows, :data:`INDEX_COLUMNS`), int64)
    and ``value_out`` (at least (rows, :data:`VALUE_COLUMNS`), float64).
    """
    if track_position_cov.shape[0] == 0:
        track_sigma = np.zeros(sorted_track_ids.size)
    else:
        track_sigma = gate_sigmas(track_position_cov)
    candidate_start, candidates = seeker_candidates(
        rows, type_index, state, locked, track_id, parameters, threat_start, threat_end,
        threat_alive, sorted_track_ids, track_order, track_position, track_velocity,
        track_sigma, track_acceleration, time_s, dt_s)
    (lock_threat, lock_range, lock_time, lock_diverted, code, victim, miss, when,
     miss_vector, relative_velocity, final_position) = step_rounds(
        rows, type_index, state, intended, locked, track_id, keys, draws, parameters,
        drag_table, threat_start, threat_end, threat_alive, threat_rcs, candidate_start,
        candidates, sorted_track_ids, track_order, track_position, track_velocity,
        track_sigma, track_acceleration, time_of_flight, envelope_scalars, time_s, dt_s,
        earth_radius_m, ground_elevation, ground_scalars)
    locks = 0
    resolved = 0
    for k in range(rows.size):
        index_out[k, LOCK_THREAT] = lock_threat[k]
        index_out[k, VICTIM] = victim[k]
        index_out[k, CODE] = code[k]
        index_out[k, DIVERTED] = 1 if lock_diverted[k] else 0
        value_out[k, LOCK_RANGE] = lock_range[k]
        value_out[k, LOCK_TIME] = lock_time[k]
        value_out[k, MISS] = miss[k]
        value_out[k, WHEN] = when[k]
        for axis in range(3):
            value_out[k, MISS_VECTOR + axis] = miss_vector[k, axis]
            value_out[k, RELATIVE_VELOCITY + axis] = relative_velocity[k, axis]
            value_out[k, FINAL_POSITION + axis] = final_position[k, axis]
        if lock_threat[k] >= 0:
            locks += 1
        if code[k] != NOT_RESOLVED:
            resolved += 1
    return locks, resolved
