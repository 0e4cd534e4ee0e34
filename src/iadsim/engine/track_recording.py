"""Track and truth recording: what the picture said and where the threats (and the
interceptors) really were.

At every step in which the tracker processed scans, the recorder keeps one row per track
updated by those scans (read from the tracker's public picture, predicted to the end of
the step) and one row per live threat (its true position and velocity at the same time).
The analysis compares the two (:func:`iadsim.analysis.track_quality.track_quality`).

Interceptors in flight are recorded too, one row per round per step (their true position
at the end of the step), so that exports (CZML, KML, DIS) draw the paths they really flew.

This module reads the truth (threat and interceptor positions) on purpose: it records for
the analysis and the exports only, and nothing that decides reads what it keeps.

Track and truth rows are written by one compiled call a step into arrays that grow by
doubling (:class:`_Rows`), so the cost inside the step loop is one call; interceptor rows
are kept as a list of small arrays per step and joined once at the end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

from iadsim.sensors.radar import DetectionBatch
from iadsim.tracking.tracker import TrackPicture

TRACK_STATUSES = ("confirmed", "updated")
#: The ``status`` column's categorical dtype (made once a process, not per table).
_STATUS_DTYPE = pd.CategoricalDtype(pd.Index(list(TRACK_STATUSES)))


#: The columns of a track row and of a truth row, in the order of :class:`_Rows`'s
#: matrices (every value a float64: ids below 2**53 and flags are exact there).
TRACK_ROW_COLUMNS = ("time_s", "track_id", "east_m", "north_m", "up_m", "velocity_east_mps",
                     "velocity_north_mps", "velocity_up_mps", "position_sigma_m",
                     "velocity_sigma_mps", "last_update_s", "acceleration_east_mps2",
                     "acceleration_north_mps2", "acceleration_up_mps2", "ballistic_model")
TRUTH_ROW_COLUMNS = ("time_s", "threat_id", "east_m", "north_m", "up_m",
                     "velocity_east_mps", "velocity_north_mps", "velocity_up_mps")


class _Rows:
    """Rows of float64 columns in one matrix that grows by doubling: ``matrix`` has
    ``count`` rows used (one matrix, not a column each: the compiled writer takes one
    argument, and its call's cost is per argument)."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.names = columns
        self.matrix = np.empty((0, len(columns)))
        self.count = 0

    def reserve(self, more: int) -> None:
        """Room for ``more`` rows after the used ones."""
        needed = self.count + more
        capacity = self.matrix.shape[0]
        if needed <= capacity:
            return
        capacity = max(needed, 2 * capacity, 1024)
        grown = np.empty((capacity, self.matrix.shape[1]))
        grown[:self.count] = self.matrix[:self.count]
        self.matrix = grown

    def used(self, name: str) -> np.ndarray:
        """A copy of the used rows of one column."""
        return self.matrix[:self.count, self.names.index(name)].copy()


class TrackRecorder:
    """Accumulates track rows and truth rows step by step; frames at the end."""

    def __init__(self) -> None:
        self._tracks = _Rows(TRACK_ROW_COLUMNS)
        self._truth = _Rows(TRUTH_ROW_COLUMNS)
        #: Per step with rounds in flight: (time s, ids (n,), kinematics (n, 6): position
        #: m and velocity m/s).
        self._interceptor_parts: list[tuple[float, np.ndarray, np.ndarray]] = []

    def record(self, picture: TrackPicture, scans: list[DetectionBatch],
               threat_id: np.ndarray, threat_position_m: np.ndarray,
               threat_velocity_mps: np.ndarray) -> None:
        """Keep the tracks the ``scans`` updated and the live threats' truth.

        Parameters
        ----------
        picture:
            The tracker's picture at the end of the step, after it processed ``scans``.
        scans:
            The scans processed in this step; a track was updated by a scan when its last
            update by that scan's radar is the scan's time.
        threat_id, threat_position_m, threat_velocity_mps:
            Live threats (n,) and their true ENU position (n, 3), m, and velocity (n, 3),
            m/s, at ``picture.time_s``.
        """
        self.record_step(picture, scans, np.zeros(0, dtype=np.intp), np.zeros((0, 3)),
                         np.zeros(0, dtype=np.intp), np.zeros((0, 3)), np.zeros(0), 0.0)
        count = np.size(threat_id)
        if count:
            truth = self._truth
            truth.reserve(count)
            rows = truth.matrix[truth.count:truth.count + count]
            rows[:, 0] = picture.time_s
            rows[:, 1] = threat_id
            rows[:, 2:5] = threat_position_m
            rows[:, 5:8] = threat_velocity_mps
            truth.count += count

    def record_step(self, picture: TrackPicture, scans: list[DetectionBatch],
                    live: np.ndarray, threat_position_m: np.ndarray, moved: np.ndarray,
                    previous_position_m: np.ndarray, launch_time_s: np.ndarray,
                    start_s: float) -> None:
        """:meth:`record` of a step of :class:`iadsim.engine.simulation.Simulation`, in one
        compiled call: the truth of the ``live`` threats (indices (n,), ascending, each
        one of ``moved``) read from every threat's position ``threat_position_m``
        (N, 3) m at the end of the step, their velocity the mean over the step (or since
        launch): ``(position - start) / elapsed``, 0 where ``elapsed`` is not positive,
        ``start`` their row of ``previous_position_m`` (one row a threat of ``moved``
        (m,), ascending), ``elapsed`` the picture's time less the later of ``start_s``
        and their ``launch_time_s`` (N,); the operations the simulation did in NumPy,
        bit for bit."""
        tracks, truth = self._tracks, self._truth
        tracks.reserve(picture.size)
        truth.reserve(live.size)
        radars = np.array([scan.radar_index for scan in scans], dtype=np.intp)
        scan_times = np.array([scan.time_s for scan in scans], dtype=float)
        acceleration = (np.zeros((picture.size, 3)) if picture.acceleration_mps2 is None
                        else picture.acceleration_mps2)
        ballistic = (np.zeros(picture.size, dtype=np.bool_) if picture.ballistic_model is None
                     else picture.ballistic_model)
        tracks.count, truth.count = _record_rows(
            float(picture.time_s), picture.last_update_by_radar_s, radars, scan_times,
            picture.track_id, picture.position_m, picture.velocity_mps,
            picture.position_cov_m2, picture.speed_sigma_mps, acceleration, ballistic,
            tracks.matrix, tracks.count, live, threat_position_m, moved,
            previous_position_m, launch_time_s, float(start_s), truth.matrix, truth.count)

    def record_interceptors(self, time_s: float, interceptor_id: np.ndarray,
                            position_m: np.ndarray, velocity_mps: np.ndarray) -> None:
        """Keep the rounds still flying at the end of a step.

        interceptor_id: (n,); position_m: (n, 3) true ENU position, m; velocity_mps:
        (n, 3), m/s; all at ``time_s``. The arrays are copied.
        """
        if interceptor_id.size:
            self._interceptor_parts.append((time_s, np.array(interceptor_id),
                                            np.hstack([position_m, velocity_mps])))

    def record_interceptor_states(self, time_s: float, interceptor_id: np.ndarray,
                                  kinematics: np.ndarray) -> None:
        """:meth:`record_interceptors` given each round's position and velocity in one
        array, kinematics (n, 6) (m, m/s), which is kept (not copied: pass a new array);
        ``interceptor_id`` is copied."""
        if interceptor_id.size:
            self._interceptor_parts.append((time_s, interceptor_id.copy(), kinematics))

    def tracks(self) -> pd.DataFrame:
        """One row per track update, in time order.

        Columns: ``time_s`` (end of the step, s), ``track_id``, ``east_m``, ``north_m``,
        ``up_m`` (scenario ENU, predicted to ``time_s``), ``velocity_east_mps``,
        ``velocity_north_mps``, ``velocity_up_mps``, ``position_sigma_m`` (RMS of the three
        position standard deviations), ``velocity_sigma_mps`` (the same for velocity),
        ``last_update_s`` (time of the scan that updated it), ``status`` (``confirmed`` on
        a track's first row, ``updated`` after), ``acceleration_east_mps2``,
        ``acceleration_north_mps2``, ``acceleration_up_mps2`` (the acceleration the tracker
        predicts the track with, :attr:`TrackPicture.acceleration_mps2`: gravity under the
        ballistic model, the IMM's combined estimate, else zero; the picture at a later
        time ``t`` is ``p + v dt + a dt^2 / 2`` from this row, until the next) and
        ``ballistic_model`` (flown with the ballistic model).
        """
        rows = self._tracks
        time_s, track_id, position_sigma, velocity_sigma, last, ballistic = (
            rows.used(name) for name in ("time_s", "track_id", "position_sigma_m",
                                         "velocity_sigma_mps", "last_update_s",
                                         "ballistic_model"))
        position, velocity, acceleration = (rows.matrix[:rows.count, first:first + 3].copy()
                                            for first in (2, 5, 11))
        track_id = track_id.astype(np.int64)
        first = np.zeros(track_id.size, dtype=bool)
        first[np.unique(track_id, return_index=True)[1]] = True
        status = pd.Categorical.from_codes(np.where(first, 0, 1).astype(np.int8),
                                           dtype=_STATUS_DTYPE)
        return pd.DataFrame({
            "time_s": time_s, "track_id": track_id,
            **_columns(position, velocity),
            "position_sigma_m": position_sigma, "velocity_sigma_mps": velocity_sigma,
            "last_update_s": last, "status": status,
            "acceleration_east_mps2": acceleration[:, 0],
            "acceleration_north_mps2": acceleration[:, 1],
            "acceleration_up_mps2": acceleration[:, 2], "ballistic_model": ballistic != 0.0,
        })

    def truth(self) -> pd.DataFrame:
        """True state of every live threat at each recorded time, in time order.

        Columns: ``time_s``, ``threat_id``, ``east_m``, ``north_m``, ``up_m``,
        ``velocity_east_mps``, ``velocity_north_mps``, ``velocity_up_mps`` (the mean
        velocity over the step that ended at ``time_s``).
        """
        rows = self._truth
        time_s, threat_id = rows.used("time_s"), rows.used("threat_id")
        position, velocity = (rows.matrix[:rows.count, first:first + 3].copy()
                              for first in (2, 5))
        return pd.DataFrame({"time_s": time_s, "threat_id": threat_id.astype(np.int64),
                             **_columns(position, velocity)})


    def interceptors(self) -> pd.DataFrame:
        """True state of every round in flight at the end of each step, in time order.

        Columns: ``time_s``, ``interceptor_id``, ``east_m``, ``north_m``, ``up_m``,
        ``velocity_east_mps``, ``velocity_north_mps``, ``velocity_up_mps``. A round's launch
        and its end (intercept or self-destruct) are in the event log with their positions.
        """
        parts = self._interceptor_parts
        if parts:
            time_s = np.repeat(np.array([part[0] for part in parts], dtype=float),
                               [part[1].size for part in parts])
            interceptor_id = np.concatenate([part[1] for part in parts])
            kinematics = np.concatenate([part[2] for part in parts])
            position, velocity = kinematics[:, :3].copy(), kinematics[:, 3:].copy()
        else:
            time_s, interceptor_id = np.zeros(0), np.zeros(0, np.int64)
            position, velocity = np.zeros((0, 3)), np.zeros((0, 3))
        return pd.DataFrame({"time_s": time_s,
                             "interceptor_id": interceptor_id.astype(np.int64),
                             **_columns(position, velocity)})


def _columns(position: np.ndarray, velocity: np.ndarray) -> dict[str, np.ndarray]:
    return {"east_m": position[:, 0], "north_m": position[:, 1], "up_m": position[:, 2],
            "velocity_east_mps": velocity[:, 0], "velocity_north_mps": velocity[:, 1],
            "velocity_up_mps": velocity[:, 2]}


@njit(cache=True)
def _record_rows(time_s: float, last_update_by_radar_s: np.ndarray, radars: np.ndarray,
                 scan_times: np.ndarray, track_id: np.ndarray, position_m: np.ndarray,
                 velocity_mps: np.ndarray, position_cov_m2: np.ndarray,
                 speed_sigma_mps: np.ndarray, acceleration_mps2: np.ndarray,
                 ballistic_model: np.ndarray, track_rows: np.ndarray, track_count: int,
                 live: np.ndarray, threat_position_m: np.ndarray, moved: np.ndarray,
                 previous_position_m: np.ndarray, launch_time_s: np.ndarray, start_s: float,
                 truth_rows: np.ndarray, truth_count: int) -> tuple[int, int]:
    """One step's rows of :meth:`TrackRecorder.record_step`, written into ``track_rows``
    and ``truth_rows`` (columns :data:`TRACK_ROW_COLUMNS`, :data:`TRUTH_ROW_COLUMNS`)
    after the used rows; returns the new counts. A track row: a track some scan updated
    (its last update by the scan's radar is the scan's time), its position sigma
    ``sqrt(trace / 3)`` (the trace summed in diagonal order, as ``np.trace``) and its
    last update the largest over the radars (NaN if any is NaN, as ``max(axis=1)``)."""
    radar_count = last_update_by_radar_s.shape[1]
    for row in range(track_id.size):
        updated = False
        for scan in range(radars.size):
            if last_update_by_radar_s[row, radars[scan]] == scan_times[scan]:
                updated = True
                break
        if not updated:
            continue
        out = track_rows[track_count]
        out[0] = time_s
        out[1] = track_id[row]
        for axis in range(3):
            out[2 + axis] = position_m[row, axis]
            out[5 + axis] = velocity_mps[row, axis]
            out[11 + axis] = acceleration_mps2[row, axis]
        out[14] = 1.0 if ballistic_model[row] else 0.0
        trace = position_cov_m2[row, 0, 0] + position_cov_m2[row, 1, 1]
        trace = trace + position_cov_m2[row, 2, 2]
        out[8] = np.sqrt(trace / 3.0)
        out[9] = speed_sigma_mps[row]
        last = last_update_by_radar_s[row, 0]
        for radar in range(1, radar_count):
            value = last_update_by_radar_s[row, radar]
            if np.isnan(last) or np.isnan(value):
                last = np.nan
            elif value > last:
                last = value
        out[10] = last
        track_count += 1
    for index in range(live.size):
        threat = live[index]
        start = np.searchsorted(moved, threat)
        if start >= moved.size:
            raise IndexError("a live threat is past the last threat moved in the step")
        launch = launch_time_s[threat]
        # end - maximum(start_s, launch), NaN as NumPy's maximum gives it.
        elapsed = time_s - (launch if (launch > start_s or launch != launch) else start_s)
        out = truth_rows[truth_count]
        out[0] = time_s
        out[1] = threat
        for axis in range(3):
            position = threat_position_m[threat, axis]
            out[2 + axis] = position
            out[5 + axis] = ((position - previous_position_m[start, axis]) / elapsed
                             if elapsed > 0 else 0.0)
        truth_count += 1
    return track_count, truth_count
