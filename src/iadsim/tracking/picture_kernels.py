"""The track picture in one compiled call (Numba): the confirmed tracks predicted to a time.

:meth:`iadsim.tracking.tracker.CentralTracker.picture` is made up to twice a step (for
the battle manager and the track recording, or for the rounds in flight) and was a dozen
small NumPy calls and two compiled ones (which rows, their known acceleration, their
prediction, the gathers of their columns), whose fixed cost was most of its time. Here
it is one loop over the table, with the arithmetic of those calls, bit for bit: the
prediction is :func:`iadsim.tracking.kalman._predict_one_into`, as
:func:`iadsim.tracking.pass_kernels.predict_rows` calls it, the known acceleration is
:func:`iadsim.tracking.pass_kernels.known_acceleration`'s. The IMM's picture (whose
combined acceleration NumPy's ``einsum`` sums) stays in NumPy. Cached on disk like the
other kernels.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.sorted_search import index_of
from iadsim.tracking.kalman import _predict_one_into


@njit(cache=True)
def confirmed_picture(status: np.ndarray, confirmed_status: int, track_id: np.ndarray,
                      wanted_ids: np.ndarray, every: bool, kind_index: np.ndarray,
                      kind_confidence: np.ndarray, ballistic_model: bool,
                      ballistic_kind: int, ballistic_confidence: float,
                      ballistic_acceleration_mps2: np.ndarray, state: np.ndarray,
                      covariance: np.ndarray,
                      time_s: np.ndarray, to_time_s: float, acceleration_sigma_mps2: float,
                      last_update_by_radar_s: np.ndarray) -> tuple[np.ndarray, ...]:
    """The picture's columns of the track table's rows whose ``status`` (n,) is
    ``confirmed_status`` (and, unless ``every``, whose ``track_id`` (n,) is one of
    ``wanted_ids`` (m,)), in table order, predicted to ``to_time_s``.

    A row classified ``ballistic_kind`` (``kind_index`` (n,)) with at least
    ``ballistic_confidence`` (``kind_confidence`` (n,)) is predicted under
    its row of ``ballistic_acceleration_mps2`` (n, 3) (gravity, plus drag with
    ``ballistic_drag``) when ``ballistic_model``, the others at constant velocity
    (``state`` (n, 6), ``covariance`` (n, 6, 6) at ``time_s`` (n,); white acceleration
    noise ``acceleration_sigma_mps2``, m/s^2).

    Returns the track ids (k,), positions (k, 3) m, velocities (k, 3) m/s, predicted
    covariances (k, 6, 6), last updates by radar (k, r) s, velocity sigmas per axis
    ``sqrt(tr P_vv / 3)`` (k,), kinds (k,) int8, their confidences (k,), the known
    accelerations (k, 3) (gravity and drag, or zero) and whether each is flown with the ballistic
    model (k,).
    """
    table_size = status.size
    wanted = _sorted_copy(wanted_ids)
    selected = np.empty(table_size, dtype=np.intp)
    count = 0
    for row in range(table_size):
        if status[row] != confirmed_status:
            continue
        if not (every or index_of(wanted, track_id[row]) >= 0):
            continue
        selected[count] = row
        count += 1
    radars = last_update_by_radar_s.shape[1]
    ids = np.empty(count, dtype=track_id.dtype)
    position = np.empty((count, 3))
    velocity = np.empty((count, 3))
    predicted_state = np.empty(6)
    predicted = np.empty((count, 6, 6))
    last_update = np.empty((count, radars))
    speed_sigma = np.empty(count)
    kind = np.empty(count, dtype=kind_index.dtype)
    confidence = np.empty(count)
    acceleration = np.zeros((count, 3))
    ballistic = np.zeros(count, dtype=np.bool_)
    q = acceleration_sigma_mps2 * acceleration_sigma_mps2
    for k in range(count):
        row = selected[k]
        if (ballistic_model and kind_index[row] == ballistic_kind
                and kind_confidence[row] >= ballistic_confidence):
            for axis in range(3):
                acceleration[k, axis] = ballistic_acceleration_mps2[row, axis]
                if ballistic_acceleration_mps2[row, axis] != 0.0:
                    ballistic[k] = True
        _predict_one_into(state[row], covariance[row], to_time_s - time_s[row], q,
                          acceleration[k], predicted_state, predicted[k])
        speed_sigma[k] = np.sqrt(((predicted[k, 3, 3] + predicted[k, 4, 4])
                                  + predicted[k, 5, 5]) / 3.0)
        for axis in range(3):
            position[k, axis] = predicted_state[axis]
            velocity[k, axis] = predicted_state[3 + axis]
        for radar in range(radars):
            last_update[k, radar] = last_update_by_radar_s[row, radar]
        ids[k] = track_id[row]
        kind[k] = kind_index[row]
        confidence[k] = kind_confidence[row]
    return (ids, position, velocity, predicted, last_update, speed_sigma, kind, confidence,
            acceleration, ballistic)


@njit(cache=True)
def _sorted_copy(values: np.ndarray) -> np.ndarray:
    """``values`` (m,) sorted ascending, in a new array: Shell's sort with halving gaps
    (written out: ``np.sort`` added seconds to the kernel's first compile)."""
    ordered = values.copy()
    gap = ordered.size // 2
    while gap > 0:
        for index in range(gap, ordered.size):
            value = ordered[index]
            place = index
            while place >= gap and ordered[place - gap] > value:
                ordered[place] = ordered[place - gap]
                place -= gap
            ordered[place] = value
        gap //= 2
    return ordered

