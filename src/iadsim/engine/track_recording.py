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

The rows are kept as a list of small arrays per step and joined once at the end, so the
cost inside the step loop is a few array copies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iadsim.sensors.radar import DetectionBatch
from iadsim.tracking.tracker import TrackPicture

TRACK_STATUSES = ("confirmed", "updated")


class TrackRecorder:
    """Accumulates track rows and truth rows step by step; frames at the end."""

    def __init__(self) -> None:
        self._track_parts: list[tuple[np.ndarray, ...]] = []
        self._truth_parts: list[tuple[np.ndarray, ...]] = []
        self._interceptor_parts: list[tuple[np.ndarray, ...]] = []

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
        time_s = picture.time_s
        # Every scan's column compared at once (a step delivers several scans).
        radars = [scan.radar_index for scan in scans]
        updated = (picture.last_update_by_radar_s[:, radars]
                   == np.array([scan.time_s for scan in scans])).any(axis=1)
        if updated.any():
            rows = updated.nonzero()[0]
            covariance = picture.position_cov_m2[rows]
            position_sigma = np.sqrt(np.trace(covariance, axis1=1, axis2=2) / 3.0)
            last_update = picture.last_update_by_radar_s[rows].max(axis=1)
            acceleration = (np.zeros((rows.size, 3)) if picture.acceleration_mps2 is None
                            else picture.acceleration_mps2[rows])
            ballistic = (np.zeros(rows.size, dtype=bool) if picture.ballistic_model is None
                         else picture.ballistic_model[rows])
            self._track_parts.append((np.full(rows.size, time_s), picture.track_id[rows],
                                      picture.position_m[rows], picture.velocity_mps[rows],
                                      position_sigma, picture.speed_sigma_mps[rows],
                                      last_update, acceleration, ballistic))
        self._truth_parts.append((np.full(threat_id.size, time_s), threat_id.copy(),
                                  threat_position_m.copy(), threat_velocity_mps.copy()))

    def record_interceptors(self, time_s: float, interceptor_id: np.ndarray,
                            position_m: np.ndarray, velocity_mps: np.ndarray) -> None:
        """Keep the rounds still flying at the end of a step.

        interceptor_id: (n,); position_m: (n, 3) true ENU position, m; velocity_mps:
        (n, 3), m/s; all at ``time_s``. The arrays are copied.
        """
        if interceptor_id.size:
            self._interceptor_parts.append((np.full(interceptor_id.size, time_s),
                                            np.array(interceptor_id), np.array(position_m),
                                            np.array(velocity_mps)))

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
        parts = self._track_parts
        (time_s, track_id, position, velocity, position_sigma, velocity_sigma, last,
         acceleration, ballistic) = (
            [np.concatenate(column) for column in zip(*parts, strict=True)] if parts else
            [np.zeros(0), np.zeros(0, np.int64), np.zeros((0, 3)), np.zeros((0, 3)),
             np.zeros(0), np.zeros(0), np.zeros(0), np.zeros((0, 3)), np.zeros(0, bool)])
        first = np.zeros(track_id.size, dtype=bool)
        first[np.unique(track_id, return_index=True)[1]] = True
        status = pd.Categorical.from_codes(np.where(first, 0, 1).astype(np.int8),
                                           categories=list(TRACK_STATUSES))
        return pd.DataFrame({
            "time_s": time_s, "track_id": track_id.astype(np.int64),
            **_columns(position, velocity),
            "position_sigma_m": position_sigma, "velocity_sigma_mps": velocity_sigma,
            "last_update_s": last, "status": status,
            "acceleration_east_mps2": acceleration[:, 0],
            "acceleration_north_mps2": acceleration[:, 1],
            "acceleration_up_mps2": acceleration[:, 2], "ballistic_model": ballistic,
        })

    def truth(self) -> pd.DataFrame:
        """True state of every live threat at each recorded time, in time order.

        Columns: ``time_s``, ``threat_id``, ``east_m``, ``north_m``, ``up_m``,
        ``velocity_east_mps``, ``velocity_north_mps``, ``velocity_up_mps`` (the mean
        velocity over the step that ended at ``time_s``).
        """
        parts = self._truth_parts
        time_s, threat_id, position, velocity = (
            [np.concatenate(column) for column in zip(*parts, strict=True)] if parts else
            [np.zeros(0), np.zeros(0, np.int64), np.zeros((0, 3)), np.zeros((0, 3))])
        return pd.DataFrame({"time_s": time_s, "threat_id": threat_id.astype(np.int64),
                             **_columns(position, velocity)})


    def interceptors(self) -> pd.DataFrame:
        """True state of every round in flight at the end of each step, in time order.

        Columns: ``time_s``, ``interceptor_id``, ``east_m``, ``north_m``, ``up_m``,
        ``velocity_east_mps``, ``velocity_north_mps``, ``velocity_up_mps``. A round's launch
        and its end (intercept or self-destruct) are in the event log with their positions.
        """
        parts = self._interceptor_parts
        time_s, interceptor_id, position, velocity = (
            [np.concatenate(column) for column in zip(*parts, strict=True)] if parts else
            [np.zeros(0), np.zeros(0, np.int64), np.zeros((0, 3)), np.zeros((0, 3))])
        return pd.DataFrame({"time_s": time_s,
                             "interceptor_id": interceptor_id.astype(np.int64),
                             **_columns(position, velocity)})


def _columns(position: np.ndarray, velocity: np.ndarray) -> dict[str, np.ndarray]:
    return {"east_m": position[:, 0], "north_m": position[:, 1], "up_m": position[:, 2],
            "velocity_east_mps": velocity[:, 0], "velocity_north_mps": velocity[:, 1],
            "velocity_up_mps": velocity[:, 2]}
