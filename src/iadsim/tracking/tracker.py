"""The central tracker: one track picture fused from every radar's reports.

Reports are processed scan by scan: predict every track to the scan time, gate and assign
with GNN, update the assigned tracks, start a tentative track on every unassigned report.
A tentative track is confirmed by its ``confirm_hits``-th report (the one that started it
counts as the first); tracks are dropped when
they have not been updated for ``coast_timeout_s`` (``tentative_timeout_s`` for tentative
ones) or when the battle manager assesses them killed.
New tracks start at the measured position with zero velocity and a velocity standard
deviation of ``initial_speed_sigma_mps`` per axis (one-point initiation).

The battle manager reads :class:`TrackPicture`; the truth is never visible here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaincinv

from iadsim.engine.events import EventKind, EventLog
from iadsim.scenario.schema import Tracking
from iadsim.sensors.radar import DetectionBatch, RadarSite
from iadsim.tracking import kalman
from iadsim.tracking.association import assign, gated_pairs

TENTATIVE, CONFIRMED = 1, 2
#: Tracks predicted within a radar's instrumented range plus this margin are gated
#: against its reports; the others cannot be in its scan.
COVERAGE_MARGIN_M = 20_000.0


@dataclass(frozen=True, slots=True)
class TrackPicture:
    """Confirmed tracks predicted to one time: what the battle manager sees.

    Arrays are over confirmed tracks; ``last_update_by_radar_s`` is (n, n_radars).
    """

    time_s: float
    track_id: np.ndarray  # (n,)
    position_m: np.ndarray  # (n, 3) scenario ENU
    velocity_mps: np.ndarray  # (n, 3)
    position_cov_m2: np.ndarray  # (n, 3, 3)
    last_update_by_radar_s: np.ndarray  # (n, n_radars)
    speed_sigma_mps: np.ndarray  # (n,) 1-sigma velocity error per axis (RMS of the three)

    @property
    def size(self) -> int:
        return int(self.track_id.size)


class CentralTracker:
    """The track table (structure of arrays) and the scan-by-scan processing."""

    def __init__(self, settings: Tracking, sites: list[RadarSite], log: EventLog):
        self.settings = settings
        self.sites = sites
        self.log = log
        # The chi-square quantile for 3 degrees of freedom, chi2.ppf(p, 3), written with
        # the inverse regularized gamma function (scipy.stats is slow to import).
        self.gate_threshold = float(2.0 * gammaincinv(1.5, settings.gate_probability))
        self._next_id = 0
        radars = len(sites)
        self.track_id = np.zeros(0, dtype=np.int64)
        self.state = np.zeros((0, 6))
        self.covariance = np.zeros((0, 6, 6))
        self.time_s = np.zeros(0)
        self.status = np.zeros(0, dtype=np.int8)
        self.hits = np.zeros(0, dtype=np.int32)
        self.born_s = np.zeros(0)
        self.last_update_s = np.zeros(0)
        self.last_update_by_radar_s = np.zeros((0, radars))

    @property
    def size(self) -> int:
        return int(self.track_id.size)

    def process(self, batch: DetectionBatch) -> None:
        """Fuse one radar scan's reports into the track table.

        Only what the scan needs is predicted: positions (and their covariance) of the
        tracks that could lie in this radar's coverage, for gating; the full state of the
        tracks that are updated. Tracks not updated keep their own time.
        """
        if batch.size == 0:
            return
        measurement, measurement_cov = batch.position_m, batch.position_cov_m2
        candidates = np.zeros(0, dtype=np.intp)
        if self.size:
            site = self.sites[batch.radar_index]
            dt = batch.time_s - self.time_s
            position = self.state[:, :3] + self.state[:, 3:] * dt[:, None]
            reach = site.max_range_m + COVERAGE_MARGIN_M
            offset = position - site.position_enu_m
            candidates = np.flatnonzero(np.einsum("ij,ij->i", offset, offset) <= reach * reach)
        if candidates.size:
            position, position_cov = kalman.predict_position(
                self.state[candidates], self.covariance[candidates],
                batch.time_s - self.time_s[candidates], self.settings.process_noise_mps2)
            tracks, measurements = self._associate(candidates, position, position_cov,
                                                   measurement, measurement_cov)
        else:
            tracks = measurements = np.zeros(0, dtype=np.intp)
        if tracks.size:
            state, covariance = kalman.predict(
                self.state[tracks], self.covariance[tracks], batch.time_s - self.time_s[tracks],
                self.settings.process_noise_mps2)
            self.state[tracks], self.covariance[tracks] = kalman.update(
                state, covariance, measurement[measurements], measurement_cov[measurements])
            self.time_s[tracks] = batch.time_s
            self.hits[tracks] += 1
            self.last_update_s[tracks] = batch.time_s
            self.last_update_by_radar_s[tracks, batch.radar_index] = batch.time_s
            confirmed = tracks[(self.status[tracks] == TENTATIVE)
                               & (self.hits[tracks] >= self.settings.confirm_hits)]
            if confirmed.size:
                self.status[confirmed] = CONFIRMED
                self.log.add(EventKind.TRACK_CONFIRM, batch.time_s,
                             track_id=self.track_id[confirmed],
                             sensor_index=batch.radar_index,
                             position_m=self.state[confirmed, :3])
        unassigned = np.ones(measurement.shape[0], dtype=bool)
        unassigned[measurements] = False
        self._start_tracks(batch, measurement[unassigned], measurement_cov[unassigned])

    def _associate(self, rows: np.ndarray, position: np.ndarray, position_cov: np.ndarray,
                   measurement: np.ndarray,
                   measurement_cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """GNN in two passes over the candidate track ``rows`` (with their predicted
        ``position`` and ``position_cov``): confirmed tracks choose first, tentative tracks
        take what is left, so a young track in a dense raid cannot steal an established
        track's report. Returns (track rows, measurement indices)."""
        # One gating for both passes; each pass assigns among its own tracks' pairs.
        pair_track, pair_measurement, distance2 = gated_pairs(
            position, position_cov, measurement, measurement_cov, self.gate_threshold)
        # Gain G - d^2, nudged so that a pair exactly on the gate is still taken.
        gain = (self.gate_threshold - distance2) + 1e-9
        chosen_tracks, chosen_measurements = [], []
        free = np.ones(measurement.shape[0], dtype=bool)
        pair_status = self.status[rows[pair_track]]
        for status in (CONFIRMED, TENTATIVE):
            usable = (pair_status == status) & free[pair_measurement]
            if not usable.any():
                continue
            tracks, measurements = assign(pair_track[usable], pair_measurement[usable],
                                          gain[usable], rows.size, measurement.shape[0])
            chosen_tracks.append(rows[tracks])
            chosen_measurements.append(measurements)
            free[measurements] = False
        if not chosen_tracks:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        return np.concatenate(chosen_tracks), np.concatenate(chosen_measurements)

    def _start_tracks(self, batch: DetectionBatch, position: np.ndarray,
                      position_cov: np.ndarray) -> None:
        count = position.shape[0]
        if count == 0:
            return
        ids = np.arange(self._next_id, self._next_id + count)
        self._next_id += count
        state = np.zeros((count, 6))
        state[:, :3] = position
        covariance = np.zeros((count, 6, 6))
        covariance[:, :3, :3] = position_cov
        covariance[:, 3:, 3:] = np.eye(3) * self.settings.initial_speed_sigma_mps**2
        by_radar = np.full((count, len(self.sites)), -np.inf)
        by_radar[:, batch.radar_index] = batch.time_s
        status = CONFIRMED if self.settings.confirm_hits <= 1 else TENTATIVE
        self._append(ids, state, covariance, np.full(count, batch.time_s),
                     np.full(count, status, dtype=np.int8), np.ones(count, dtype=np.int32),
                     by_radar)
        self.log.add(EventKind.TRACK_START, batch.time_s, track_id=ids,
                     sensor_index=batch.radar_index, position_m=position)
        if status == CONFIRMED:
            self.log.add(EventKind.TRACK_CONFIRM, batch.time_s, track_id=ids,
                         sensor_index=batch.radar_index, position_m=position)

    def _append(self, ids, state, covariance, time_s, status, hits, by_radar) -> None:
        self.track_id = np.concatenate([self.track_id, ids])
        self.state = np.concatenate([self.state, state])
        self.covariance = np.concatenate([self.covariance, covariance])
        self.time_s = np.concatenate([self.time_s, time_s])
        self.status = np.concatenate([self.status, status])
        self.hits = np.concatenate([self.hits, hits])
        self.born_s = np.concatenate([self.born_s, time_s])
        self.last_update_s = np.concatenate([self.last_update_s, time_s])
        self.last_update_by_radar_s = np.concatenate([self.last_update_by_radar_s, by_radar])

    def drop(self, time_s: float, killed_track_ids: np.ndarray | None = None) -> None:
        """Delete stale tracks and tracks assessed killed; log one event each."""
        if self.size == 0:
            return
        age = time_s - self.last_update_s
        stale = np.where(self.status == TENTATIVE, age > self.settings.tentative_timeout_s,
                         age > self.settings.coast_timeout_s)
        if killed_track_ids is not None and killed_track_ids.size:
            stale |= np.isin(self.track_id, killed_track_ids)
        if not stale.any():
            return
        self.log.add(EventKind.TRACK_DROP, time_s, track_id=self.track_id[stale],
                     value=age[stale])
        keep = ~stale
        for name in ("track_id", "state", "covariance", "time_s", "status", "hits", "born_s",
                     "last_update_s", "last_update_by_radar_s"):
            setattr(self, name, getattr(self, name)[keep])

    def picture(self, time_s: float, track_ids: np.ndarray | None = None) -> TrackPicture:
        """Confirmed tracks extrapolated to ``time_s`` (the table itself is not changed).

        ``track_ids``: only these tracks (those still confirmed), e.g. the ones rounds in
        flight are guided on; default all.
        """
        confirmed = self.status == CONFIRMED
        if track_ids is not None:
            confirmed &= np.isin(self.track_id, track_ids)
        state, covariance = kalman.predict(self.state[confirmed], self.covariance[confirmed],
                                           time_s - self.time_s[confirmed],
                                           self.settings.process_noise_mps2)
        speed_sigma = np.sqrt(np.trace(covariance[:, 3:, 3:], axis1=1, axis2=2) / 3.0)
        return TrackPicture(time_s, self.track_id[confirmed].copy(), state[:, :3],
                            state[:, 3:], covariance[:, :3, :3],
                            self.last_update_by_radar_s[confirmed].copy(), speed_sigma)
