"""Absolute registration at the fusion centre: plots of references with known positions.

Pair registration (:mod:`iadsim.tracking.bias`) sees only differences between radars: it
cannot see a bias of a lone radar, nor an error common to radars on one site (their
lines of sight to a target are the same, so the common part cancels), and it sees an
azimuth bias common to radars apart only through their baseline (``beta x baseline``).
A fusion centre pins the picture to the ground with references whose positions it knows
(Dana 1990, cited in :mod:`iadsim.tracking.bias`; Fischer, Muehe and Cameron,
"Registration errors in a netted air surveillance system", MIT Lincoln Laboratory
Technical Note 1980-40):

* reference points: surveyed fixed objects (calibration reflectors, beacons on towers),
  whose surveyed position, with its stated sigma, is their position by definition;
* cooperative aircraft: the fusion centre receives their own navigation reports (time,
  position, stated sigma) and interpolates linearly between the two that bracket a
  plot's time (no more than :data:`MAX_REPORT_GAP_INTERVALS` report intervals apart), or
  extrapolates from the last two when the plot is newer than the last report (by at most
  one interval); the position at fraction ``f`` of two independent reports has variance
  ``((1 - f)^2 + f^2) sigma^2`` (``f`` up to 2 when extrapolating). It never reads the
  aircraft's truth: a navigation error the stated sigma does not cover biases the
  estimate (tested).

Association, scan by scan (each radar's scan at its time): a plot gates with a reference
when its raw position less the expected bias shift, ``z - J b_hat - p_ref``, passes the
chi-square gate of :data:`bias.PAIR_GATE` on ``R_plot + R_ref + J P_b J^T`` (the plot's,
the reference's and the bias estimate's covariances). Only unambiguous pairs are used: the
reference has exactly one plot of the scan in its gate and the plot exactly one
reference. Each such plot measures its radar's bias alone, ``z - p_ref = J b + e`` with
``e`` of covariance ``R_plot + R_ref``, folded into the same recursive least-squares state
as the pairs (:meth:`bias.BiasEstimator.observe_references`), and is then taken out of the
scan: references are kept out of the track picture, so the battle manager never sees or
engages them (this simulator has no friendly identity in the picture).

A plot that also falls in the gate of a confirmed track of the picture (its bias-corrected
position against the track predicted to the plot's time, on ``R_plot + P_track + J P_b
J^T``, the same chi-square gate) is not used either and stays in its scan for the tracker:
a threat flying past a reference whose own plot was missed is not taken for it, and its
track keeps its update. The tracker supplies its confirmed tracks
(:data:`TrackPositions`); tentative tracks are not asked (a reference point's missed plot
is rare, clutter near it common).

Limits: a threat's plot in a reference's gate when the reference itself was not detected
and the threat has no confirmed track yet is taken for it (the gate shrinks as the
estimate converges; near a reference point, a threat's plot in the same scan makes both
ambiguous and neither is used); a cooperative aircraft's own plot inside a threat track's
gate is left to the tracker, which may update the threat's track with it; consecutive
plots interpolated from one pair of reports share its error (treated as independent);
linear interpolation between reports errs by about ``a dt^2 / 8`` in a turn
(extrapolation by ``a dt^2 / 2``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from iadsim.sensors.radar import DetectionBatch
from iadsim.sensors.reference_targets import NavigationReports
from iadsim.tracking.bias import PAIR_GATE, BiasEstimator, plot_jacobian

#: The picture's confirmed tracks predicted to a time: positions (n, 3), scenario ENU, and
#: their covariances (n, 3, 3).
TrackPositions = Callable[[float], tuple[np.ndarray, np.ndarray]]

#: Reports further apart than this many report intervals are not interpolated between.
MAX_REPORT_GAP_INTERVALS = 2.5
#: Reports older than this (s) behind the newest are forgotten.
REPORT_MEMORY_S = 60.0


class ReferenceRegistration:
    """What the fusion centre knows of the references, and the use of their plots.

    ``point_position_m`` (p, 3): surveyed positions of the reference points (scenario ENU,
    m), ``point_sigma_m`` (p,): their survey sigmas per axis; ``report_sigma_m`` (a,),
    ``report_interval_s`` (a,): each cooperative aircraft's stated report sigma per axis and
    its report interval. References are numbered points first, then aircraft.
    """

    def __init__(self, point_position_m: np.ndarray, point_sigma_m: np.ndarray,
                 report_sigma_m: np.ndarray, report_interval_s: np.ndarray):
        self.point_position_m = np.asarray(point_position_m, dtype=float).reshape(-1, 3)
        self.point_sigma_m = np.asarray(point_sigma_m, dtype=float)
        self.report_sigma_m = np.asarray(report_sigma_m, dtype=float)
        self.report_interval_s = np.asarray(report_interval_s, dtype=float)
        aircraft = self.report_sigma_m.size
        self._report_time_s = [np.zeros(0) for _ in range(aircraft)]
        self._report_position_m = [np.zeros((0, 3)) for _ in range(aircraft)]
        #: Plots used so far, by reference (points, then aircraft).
        self.plots_used = np.zeros(self.point_sigma_m.size + aircraft, dtype=np.int64)

    def for_battery(self, hears_reports: bool) -> ReferenceRegistration:
        """What a battery cut off from the network knows of the references, for its own
        tracker (:mod:`iadsim.c2.autonomous`): the same surveyed points and stated
        sigmas, none of this registration's counts and, when ``hears_reports`` (its own
        ADS-B-like receiver heard the same broadcasts all along), the navigation reports
        kept so far; otherwise no report, now or later."""
        battery = ReferenceRegistration(self.point_position_m, self.point_sigma_m,
                                        self.report_sigma_m, self.report_interval_s)
        if hears_reports:
            battery._report_time_s = [times.copy() for times in self._report_time_s]
            battery._report_position_m = [positions.copy()
                                          for positions in self._report_position_m]
        return battery

    def receive(self, reports: NavigationReports) -> None:
        """Keep the cooperative aircraft's navigation ``reports`` (in time order)."""
        for index in np.unique(reports.aircraft).tolist():
            mine = reports.aircraft == index
            times = np.concatenate([self._report_time_s[index], reports.time_s[mine]])
            positions = np.concatenate([self._report_position_m[index],
                                        reports.position_m[mine]])
            recent = times >= times[-1] - REPORT_MEMORY_S
            self._report_time_s[index], self._report_position_m[index] = (
                times[recent], positions[recent])

    def positions_at(self, time_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The references known at ``time_s``: their numbers (k,), positions (k, 3) and
        position covariances (k, 3, 3): every point, and each aircraft whose reports
        bracket ``time_s``."""
        numbers = list(range(self.point_sigma_m.size))
        position = list(self.point_position_m)
        variance = list(self.point_sigma_m**2)
        for index, times in enumerate(self._report_time_s):
            interval = self.report_interval_s[index]
            after = int(np.searchsorted(times, time_s, side="left"))
            if after == times.size:
                # Not yet reported: extrapolate from the last two, at most one interval on.
                if times.size < 2 or time_s - times[-1] > interval:
                    continue
                after = times.size - 1
            reported = self._report_position_m[index]
            if times[after] == time_s:
                fraction, before = 0.0, after
            else:
                before = after - 1
                if before < 0 or (times[after] - times[before]
                                  > MAX_REPORT_GAP_INTERVALS * interval):
                    continue
                fraction = (time_s - times[before]) / (times[after] - times[before])
            numbers.append(self.point_sigma_m.size + index)
            position.append((1.0 - fraction) * reported[before] + fraction * reported[after])
            variance.append(((1.0 - fraction) ** 2 + fraction**2)
                            * self.report_sigma_m[index] ** 2)
        return (np.array(numbers, dtype=np.intp), np.array(position).reshape(-1, 3),
                np.array(variance)[:, None, None] * np.eye(3))

    def take_reference_plots(self, batches: Sequence[DetectionBatch],
                             estimator: BiasEstimator,
                             confirmed_tracks: TrackPositions | None = None
                             ) -> list[DetectionBatch]:
        """Associate each scan's plots with the references (against the estimate as it
        stands before these scans), fold the unambiguous ones into ``estimator`` at once
        and return the scans without them (see the module docstring). All scans' plots
        are gated in one pass: each plot against the references known at its scan's time.
        ``confirmed_tracks``: the picture's confirmed tracks at a time; a plot in one of
        their gates is left in its scan (None: no tracks asked).
        """
        batches = list(batches)
        known: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for batch in batches:
            if batch.time_s not in known:
                known[batch.time_s] = self.positions_at(batch.time_s)
        references = [known[batch.time_s] if batch.size else _NO_REFERENCES
                      for batch in batches]
        per_batch = np.array([numbers.size for numbers, _, _ in references], dtype=np.intp)
        sizes = np.array([batch.size for batch in batches], dtype=np.intp)
        if not (per_batch * sizes).any():
            return batches
        numbers = np.concatenate([entry[0] for entry in references])
        position = np.concatenate([entry[1] for entry in references])
        position_cov = np.concatenate([entry[2] for entry in references])
        plots = _Plots.of(batches)
        # Every (plot, reference of its scan) pair: plot i has per_batch[its scan] of them.
        batch_of = np.arange(len(batches)).repeat(sizes)
        pairs_of = per_batch[batch_of]
        pair_plot = np.arange(sizes.sum()).repeat(pairs_of)
        first_pair = np.cumsum(pairs_of) - pairs_of
        reference_start = np.cumsum(per_batch) - per_batch
        pair_reference = (reference_start[batch_of][pair_plot]
                          + np.arange(pair_plot.size) - first_pair[pair_plot])
        plot, reference, jacobian = _associate(plots, pair_plot, pair_reference, position,
                                               position_cov, estimator)
        if plot.size and confirmed_tracks is not None:
            plot_time = np.array([batch.time_s for batch in batches])[batch_of[plot]]
            free = ~_in_track_gates(plots, plot, jacobian, plot_time, estimator,
                                    confirmed_tracks)
            plot, reference, jacobian = plot[free], reference[free], jacobian[free]
        if plot.size == 0:
            return batches
        estimator.observe_references(plots.radar[plot], jacobian,
                                     plots.position_m[plot] - position[reference],
                                     plots.position_cov_m2[plot] + position_cov[reference])
        np.add.at(self.plots_used, numbers[reference], 1)
        keep = np.ones(plots.radar.size, dtype=bool)
        keep[plot] = False
        bounds = np.cumsum(sizes)
        return [batch if keep[stop - batch.size:stop].all()
                else _rows(batch, keep[stop - batch.size:stop])
                for batch, stop in zip(batches, bounds.tolist(), strict=True)]


_NO_REFERENCES = (np.zeros(0, dtype=np.intp), np.zeros((0, 3)), np.zeros((0, 3, 3)))


@dataclass(frozen=True, slots=True)
class _Plots:
    """The plots of several scans, concatenated (k,) / (k, 3) / (k, 3, 3)."""

    radar: np.ndarray
    range_m: np.ndarray
    azimuth_rad: np.ndarray
    elevation_rad: np.ndarray
    position_m: np.ndarray
    position_cov_m2: np.ndarray

    @classmethod
    def of(cls, batches: list[DetectionBatch]) -> _Plots:
        return cls(np.concatenate([np.full(batch.size, batch.radar_index, dtype=np.intp)
                                   for batch in batches]),
                   *(np.concatenate([getattr(batch, name) for batch in batches])
                     for name in ("range_m", "azimuth_rad", "elevation_rad", "position_m",
                                  "position_cov_m2")))


def _associate(plots: _Plots, pair_plot: np.ndarray, pair_reference: np.ndarray,
               position: np.ndarray, position_cov: np.ndarray, estimator: BiasEstimator
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The unambiguous ones among the candidate (plot, reference) pairs, and those plots'
    Jacobians (m, 3, 3).

    Pairs are first screened without a matrix solve: the plot Jacobian's columns are
    orthogonal (``J^T J = diag(1, r^2 cos^2 el, r^2)``), so ``|J b_hat|`` and
    ``trace(J P_b J^T)`` are exact from diagonals, and a pair in the gate has
    ``|z - p_ref| <= |J b_hat| + sqrt(G trace(S))`` (``d^2 >= |r|^2 / trace(S)``)."""
    radar = plots.radar[pair_plot]
    bias = estimator.bias[radar]
    columns = 3 * radar[:, None] + np.arange(3)
    bias_cov = estimator.covariance[columns[:, :, None], columns[:, None, :]]
    horizontal = plots.range_m[pair_plot] * np.cos(plots.elevation_rad[pair_plot])
    scale2 = np.column_stack([np.ones(pair_plot.size), horizontal**2,
                              plots.range_m[pair_plot] ** 2])
    trace = (np.einsum("kii->k", plots.position_cov_m2)[pair_plot]
             + np.einsum("kii->k", position_cov)[pair_reference]
             + np.einsum("ki,kii->k", scale2, bias_cov))
    reach = np.sqrt(np.einsum("ki,ki->k", scale2, bias * bias)) + np.sqrt(PAIR_GATE * trace)
    offset = plots.position_m[pair_plot] - position[pair_reference]
    near = (np.einsum("ki,ki->k", offset, offset) <= reach * reach).nonzero()[0]
    if near.size == 0:
        return near, near, np.zeros((0, 3, 3))
    plot, reference = pair_plot[near], pair_reference[near]
    jacobian = plot_jacobian(plots.range_m[plot], plots.azimuth_rad[plot],
                             plots.elevation_rad[plot], estimator.to_local[plots.radar[plot]])
    residual = offset[near] - np.einsum("kij,kj->ki", jacobian, bias[near])
    covariance = (plots.position_cov_m2[plot] + position_cov[reference]
                  + jacobian @ bias_cov[near] @ np.swapaxes(jacobian, 1, 2))
    distance2 = np.einsum("ki,ki->k", residual,
                          np.linalg.solve(covariance, residual[..., None])[..., 0])
    in_gate = distance2 <= PAIR_GATE
    plot, reference, jacobian = plot[in_gate], reference[in_gate], jacobian[in_gate]
    per_plot = np.bincount(plot, minlength=plots.radar.size)
    per_reference = np.bincount(reference, minlength=position.shape[0])
    unique = (per_plot[plot] == 1) & (per_reference[reference] == 1)
    return plot[unique], reference[unique], jacobian[unique]


def _in_track_gates(plots: _Plots, plot: np.ndarray, jacobian: np.ndarray,
                    plot_time_s: np.ndarray, estimator: BiasEstimator,
                    confirmed_tracks: TrackPositions) -> np.ndarray:
    """Booleans (m,): whether each of the ``plot`` rows (with their Jacobians) falls in
    the chi-square gate :data:`bias.PAIR_GATE` of a confirmed track predicted to the plot's
    time, its position corrected for the estimated bias and the gate widened by the
    estimate's covariance. Pairs are screened first as in :func:`_associate`."""
    radar = plots.radar[plot]
    columns = 3 * radar[:, None] + np.arange(3)
    bias_cov = estimator.covariance[columns[:, :, None], columns[:, None, :]]
    corrected = plots.position_m[plot] - np.einsum("kij,kj->ki", jacobian,
                                                   estimator.bias[radar])
    plot_cov = (plots.position_cov_m2[plot]
                + jacobian @ bias_cov @ np.swapaxes(jacobian, 1, 2))
    gated = np.zeros(plot.size, dtype=bool)
    for time_s in np.unique(plot_time_s).tolist():
        rows = (plot_time_s == time_s).nonzero()[0]
        track_position, track_cov = confirmed_tracks(time_s)
        if track_position.shape[0] == 0:
            continue
        offset = corrected[rows, None, :] - track_position[None, :, :]
        trace = (np.einsum("kii->k", plot_cov[rows])[:, None]
                 + np.einsum("nii->n", track_cov)[None, :])
        near_plot, near_track = (np.einsum("knj,knj->kn", offset, offset)
                                 <= PAIR_GATE * trace).nonzero()
        if near_plot.size == 0:
            continue
        residual = offset[near_plot, near_track]
        covariance = plot_cov[rows[near_plot]] + track_cov[near_track]
        distance2 = np.einsum("ki,ki->k", residual,
                              np.linalg.solve(covariance, residual[..., None])[..., 0])
        gated[rows[near_plot[distance2 <= PAIR_GATE]]] = True
    return gated


def _rows(batch: DetectionBatch, keep: np.ndarray) -> DetectionBatch:
    """The scan ``batch`` with only the rows ``keep`` (booleans)."""
    return dataclasses.replace(batch, **{
        field.name: getattr(batch, field.name)[keep]
        for field in dataclasses.fields(DetectionBatch)
        if field.name not in ("radar_index", "time_s")
        and getattr(batch, field.name) is not None})
