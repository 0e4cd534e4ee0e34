"""iadsim's tracker and Stone Soup's GNN trackers side by side on the same measurements.

One data set per N (``--sizes``, default 10, 100, 1000): N targets flying nearly constant
velocity (white-noise acceleration, sigma 1 m/s^2, 100-300 m/s horizontally, 1-12 km up)
over a square whose side grows as sqrt(N) (one target per 25 km^2), seen every second by
one sensor with Pd 0.9, position measurements with 10 m noise per axis and Poisson
clutter (N / 10 per scan on average, uniform over the volume). Fixed seed.

Trackers, on exactly the same detections:

* ``iadsim``: :class:`iadsim.tracking.tracker.CentralTracker` through its public API
  (``process_scans``, ``drop``, ``picture``), constant-velocity model with the same
  process noise, confirmation on the 3rd hit, a tentative track deleted after 2 scans in
  a row without a plot (``one_plot_misses`` 1, ``tentative_timeout_s`` 1.5 s: the rule of
  Stone Soup's initiator below), a confirmed one after 5 scans without update;
* ``stonesoup_gnn``: Stone Soup's ``MultiTargetTracker`` with ``KalmanPredictor`` /
  ``KalmanUpdater``, ``DistanceHypothesiser`` with the ``Mahalanobis`` measure (gate 4.6,
  the square root of iadsim's chi-square gate at 0.9999 for 3 degrees of freedom),
  ``GNNWith2DAssignment``, ``MultiMeasurementInitiator`` (3 points, its tentative
  tracks deleted by ``UpdateTimeStepsDeleter(2)``: after 2 scans in a row without a plot,
  whether they hold one plot or two) and ``UpdateTimeStepsDeleter`` (5 scans);
* ``stonesoup_kdtree``: the same with ``DetectionKDTreeGNN2D`` (detections within 2 km of
  each prediction go to the hypothesiser).

Each tracker runs in its own forked child process; its time per scan is the wall time of
the tracker's own calls (iadsim's ``picture`` included, since the picture is its output),
also in CPU time of the process (``cpu_ms_per_scan``: less sensitive to other processes on
a shared machine; ``speedup_cpu``), its peak memory the growth of the child's peak resident
set (``VmHWM`` after resetting it through ``/proc/self/clear_refs``). OSPA and GOSPA
(c = 100 m, p = 2, alpha = 2; :mod:`iadsim.analysis.track_quality`) compare each scan's
confirmed tracks with the true positions, outside the timed part.

The initiation rules must match for the OSPA figures to compare the trackers: with
iadsim's defaults (a one-plot track deleted at its first miss, a two-plot track after 3
misses) its mean OSPA was 13.31 m against Stone Soup's 13.21 m at N = 100 (seed 2017),
all of the gap in scans 4-6 (targets missed once just after their first plot, confirmed
a scan later), the matched tracks' position errors being the same (10.89 m RMS); with the
rules matched the two give the same picture (13.206 m each).

Stone Soup's plain GNN hypothesises every track against every detection in Python, which
is minutes per scan at 1,000 targets: it runs only up to ``--plain-max-n`` targets. At
N >= 1,000 the run has ``--scans-large`` scans (default 30) instead of ``--scans``.

Prints one JSON line per N: ``{"bench": "tracker_vs_stonesoup", "n_targets": ...,
"iadsim": {...}, "stonesoup_kdtree": {...}, "stonesoup_gnn": {...}, "speedup": ...}``,
``speedup`` being the faster Stone Soup tracker's ms per scan over iadsim's.

Usage::

    .venv/bin/python benchmarks/tracker_vs_stonesoup.py                 # N = 10, 100, 1000
    .venv/bin/python benchmarks/tracker_vs_stonesoup.py --sizes 100 --scans 50
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from iadsim.analysis.track_quality import gospa, ospa

SCAN_PERIOD_S = 1.0
PD = 0.9
MEASUREMENT_SIGMA_M = 10.0
ACCELERATION_SIGMA_MPS2 = 1.0
CLUTTER_PER_TARGET = 0.1
AREA_PER_TARGET_M2 = 25e6
ALTITUDE_RANGE_M = (1_000.0, 12_000.0)
SPEED_RANGE_MPS = (100.0, 300.0)
PRIOR_SPEED_SIGMA_MPS = 300.0
CONFIRM_HITS = 3
DELETE_AFTER_SCANS = 5
#: A tentative track is deleted after this many scans in a row without a plot, in both
#: trackers (Stone Soup's initiator deletes after CONFIRM_HITS - 1 scans without update).
TENTATIVE_MISSES_IN_A_ROW = CONFIRM_HITS - 1
GATE_PROBABILITY = 0.9999
MAHALANOBIS_GATE = 4.6  # sqrt(chi2.ppf(0.9999, 3)) = 4.61
KDTREE_MAX_DISTANCE_M = 2_000.0
OSPA_CUTOFF_M, OSPA_ORDER = 100.0, 2.0
EPOCH = datetime(2026, 1, 1)


@dataclass(frozen=True)
class DataSet:
    """Truth positions (scans, n, 3) and per-scan detections (k, 3), ENU metres."""

    truth_m: np.ndarray
    detections_m: list[np.ndarray]


def make_data(n_targets: int, scans: int, seed: int) -> DataSet:
    """Nearly-constant-velocity targets and their noisy, cluttered detections."""
    generator = np.random.default_rng(seed)
    side = np.sqrt(n_targets * AREA_PER_TARGET_M2)
    position = np.column_stack([generator.uniform(-side / 2, side / 2, (n_targets, 2)),
                                generator.uniform(*ALTITUDE_RANGE_M, n_targets)])
    heading = generator.uniform(0, 2 * np.pi, n_targets)
    speed = generator.uniform(*SPEED_RANGE_MPS, n_targets)
    velocity = np.column_stack([speed * np.sin(heading), speed * np.cos(heading),
                                np.zeros(n_targets)])
    dt = SCAN_PERIOD_S
    truth, detections = [], []
    low = np.array([-side / 2, -side / 2, ALTITUDE_RANGE_M[0]])
    high = np.array([side / 2, side / 2, ALTITUDE_RANGE_M[1]])
    for _ in range(scans):
        # Exact discretization of white-noise acceleration (Bar-Shalom et al. 2001, 6.2.2).
        acceleration = generator.normal(0, ACCELERATION_SIGMA_MPS2, (n_targets, 3))
        acceleration[:, 2] = 0.0
        position = position + velocity * dt + acceleration * dt**2 / 2
        velocity = velocity + acceleration * dt
        truth.append(position.copy())
        seen = generator.random(n_targets) < PD
        measured = position[seen] + generator.normal(0, MEASUREMENT_SIGMA_M,
                                                     (int(seen.sum()), 3))
        clutter = generator.uniform(low, high, (generator.poisson(
            CLUTTER_PER_TARGET * n_targets), 3))
        reports = np.concatenate([measured, clutter])
        detections.append(reports[generator.permutation(reports.shape[0])])
    return DataSet(np.array(truth), detections)


def run_iadsim(data: DataSet, initiation: str = "one_plot_tracks",
               ) -> tuple[list[tuple[float, float]], list[np.ndarray]]:
    """iadsim's central tracker on the data; returns (wall, CPU) seconds per scan and the
    confirmed tracks' positions per scan."""
    from iadsim.events import EventLog
    from iadsim.scenario.schema import Tracking
    from iadsim.sensors.radar import DetectionBatch, RadarSite

    site = RadarSite(name="sensor", lat_deg=0.0, lon_deg=0.0, alt_m=0.0, height_m=0.0,
                     position_enu_m=np.zeros(3), to_local=np.eye(3), snr_at_one_metre=1.0,
                     pfa=1e-6, swerling=1, pulses_per_dwell=1, max_range_m=1e9,
                     revisit_s=SCAN_PERIOD_S,
                     min_elevation_rad=-np.pi / 2, max_elevation_rad=np.pi / 2,
                     range_sigma_m=MEASUREMENT_SIGMA_M, azimuth_sigma_rad=0.0,
                     elevation_sigma_rad=0.0, false_alarms_per_scan=0.0, latency_s=0.0,
                     outages_s=())
    settings = Tracking(gate_probability=GATE_PROBABILITY, confirm_hits=CONFIRM_HITS,
                        one_plot_misses=TENTATIVE_MISSES_IN_A_ROW - 1,
                        tentative_timeout_s=(TENTATIVE_MISSES_IN_A_ROW - 0.5) * SCAN_PERIOD_S,
                        coast_timeout_s=(DELETE_AFTER_SCANS - 0.5) * SCAN_PERIOD_S,
                        process_noise_mps2=ACCELERATION_SIGMA_MPS2,
                        initial_speed_sigma_mps=PRIOR_SPEED_SIGMA_MPS, initiation=initiation,
                        # Stone Soup's initiator confirms on hits alone: the same rule, not
                        # the default score veto (which it has no counterpart for).
                        confirmation="m_of_n")
    from iadsim.tracking.tracker import CentralTracker
    tracker = CentralTracker(settings, [site], EventLog(["sensor"], [], []))
    batches = []
    for scan, reports in enumerate(data.detections_m):
        count = reports.shape[0]
        ground = np.hypot(reports[:, 0], reports[:, 1])
        batches.append(DetectionBatch(
            radar_index=0, time_s=(scan + 1) * SCAN_PERIOD_S,
            range_m=np.linalg.norm(reports, axis=1),
            azimuth_rad=np.arctan2(reports[:, 0], reports[:, 1]),
            elevation_rad=np.arctan2(reports[:, 2], ground), snr_db=np.full(count, np.nan),
            threat_id=np.full(count, -1), position_m=reports,
            position_cov_m2=np.broadcast_to(np.eye(3) * MEASUREMENT_SIGMA_M**2,
                                            (count, 3, 3)).copy()))
    seconds, positions = [], []
    for batch in batches:
        started, started_cpu = time.perf_counter(), time.process_time()
        tracker.process_scans([batch])
        tracker.drop(batch.time_s)
        picture = tracker.picture(batch.time_s)
        seconds.append((time.perf_counter() - started, time.process_time() - started_cpu))
        positions.append(picture.position_m)
    return seconds, positions


def run_stonesoup(data: DataSet,
                  kdtree: bool) -> tuple[list[tuple[float, float]], list[np.ndarray]]:
    """Stone Soup's GNN multi-target tracker (plain or k-d tree) on the same data; returns
    what :func:`run_iadsim` returns."""
    from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
    from stonesoup.dataassociator.tree import DetectionKDTreeGNN2D
    from stonesoup.deleter.time import UpdateTimeStepsDeleter
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.initiator.simple import MultiMeasurementInitiator
    from stonesoup.measures import Mahalanobis
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.tracker.simple import MultiTargetTracker
    from stonesoup.types.detection import Detection
    from stonesoup.types.state import GaussianState
    from stonesoup.updater.kalman import KalmanUpdater

    transition = CombinedLinearGaussianTransitionModel(
        [ConstantVelocity(ACCELERATION_SIGMA_MPS2**2)] * 3)
    measurement_model = LinearGaussian(ndim_state=6, mapping=(0, 2, 4),
                                       noise_covar=np.eye(3) * MEASUREMENT_SIGMA_M**2)
    predictor = KalmanPredictor(transition)
    updater = KalmanUpdater(measurement_model)
    hypothesiser = DistanceHypothesiser(predictor, updater, measure=Mahalanobis(),
                                        missed_distance=MAHALANOBIS_GATE)

    def associator():
        if kdtree:
            return DetectionKDTreeGNN2D(hypothesiser=hypothesiser, predictor=predictor,
                                        updater=updater, max_distance=KDTREE_MAX_DISTANCE_M)
        return GNNWith2DAssignment(hypothesiser)

    prior = GaussianState(np.zeros((6, 1)), np.diag([1e12, PRIOR_SPEED_SIGMA_MPS**2] * 3))
    initiator = MultiMeasurementInitiator(
        prior_state=prior, measurement_model=measurement_model,
        deleter=UpdateTimeStepsDeleter(TENTATIVE_MISSES_IN_A_ROW),
        data_associator=associator(),
        updater=updater, min_points=CONFIRM_HITS)
    scans = [(EPOCH + timedelta(seconds=(scan + 1) * SCAN_PERIOD_S),
              {Detection(point.reshape(3, 1),
                         timestamp=EPOCH + timedelta(seconds=(scan + 1) * SCAN_PERIOD_S),
                         measurement_model=measurement_model) for point in reports})
             for scan, reports in enumerate(data.detections_m)]
    tracker = MultiTargetTracker(initiator=initiator,
                                 deleter=UpdateTimeStepsDeleter(DELETE_AFTER_SCANS),
                                 detector=scans, data_associator=associator(),
                                 updater=updater)
    seconds, positions = [], []
    iterator = iter(tracker)
    for _ in scans:
        started, started_cpu = time.perf_counter(), time.process_time()
        _, tracks = next(iterator)
        seconds.append((time.perf_counter() - started, time.process_time() - started_cpu))
        positions.append(np.array([np.asarray(track.state_vector, float)[[0, 2, 4], 0]
                                   for track in tracks]).reshape(-1, 3))
    return seconds, positions


def _status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status (``VmRSS``, ``VmHWM``), KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _child(name: str, data: DataSet, queue) -> None:
    def run(data: DataSet):
        if name.startswith("iadsim"):
            return run_iadsim(data, "plot_pairs" if name == "iadsim_plot_pairs"
                              else "one_plot_tracks")
        return run_stonesoup(data, kdtree=name == "stonesoup_kdtree")

    # Warm-up: imports, compiled kernels loaded from the cache (or compiled), the grid
    # gate's included (60 targets: past the brute-force gate's size), so that no scan of
    # the timed run pays for loading or compiling a kernel.
    run(make_data(60, 3, 0))
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS to the current RSS
    before = _status_kib("VmRSS")
    seconds, positions = run(data)
    peak = _status_kib("VmHWM")
    queue.put((seconds, positions, (peak - before) / 1024.0))


def measure(name: str, data: DataSet) -> dict:
    """Run one tracker in a forked child; time, memory and OSPA/GOSPA per scan."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(name, data, queue))
    process.start()
    seconds, positions, peak_mib = queue.get()
    process.join()
    ospa_values = [ospa(estimates, truth, OSPA_CUTOFF_M, OSPA_ORDER)
                   for estimates, truth in zip(positions, data.truth_m, strict=True)]
    gospa_values = [gospa(estimates, truth, OSPA_CUTOFF_M, OSPA_ORDER)
                    for estimates, truth in zip(positions, data.truth_m, strict=True)]
    wall, cpu = np.array(seconds).T
    return {"ms_per_scan": round(1e3 * float(wall.mean()), 3),
            "cpu_ms_per_scan": round(1e3 * float(cpu.mean()), 3),
            "ms_per_scan_last_half": round(1e3 * float(wall[wall.size // 2:].mean()), 3),
            "peak_memory_growth_mib": round(peak_mib, 1),
            "mean_ospa_m": round(float(np.mean(ospa_values)), 3),
            "mean_gospa_m": round(float(np.mean(gospa_values)), 3),
            "confirmed_tracks_last_scan": int(positions[-1].shape[0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--scans", type=int, default=100)
    parser.add_argument("--scans-large", type=int, default=30,
                        help="scans at N >= 1000 (Stone Soup is about 1 s a scan there)")
    parser.add_argument("--plain-max-n", type=int, default=100,
                        help="largest N at which Stone Soup's plain GNN runs")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--plot-pairs", action="store_true",
                        help="also run iadsim with initiation: plot_pairs (iadsim_plot_pairs)")
    arguments = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, children too
    for n_targets in arguments.sizes:
        scans = arguments.scans if n_targets < 1000 else arguments.scans_large
        data = make_data(n_targets, scans, arguments.seed)
        line: dict = {"bench": "tracker_vs_stonesoup", "n_targets": n_targets,
                      "scans": scans, "seed": arguments.seed,
                      "detections_per_scan": round(float(np.mean(
                          [d.shape[0] for d in data.detections_m])), 1)}
        names = ["iadsim", "stonesoup_kdtree"]
        if n_targets <= arguments.plain_max_n:
            names.append("stonesoup_gnn")
        for name in names + (["iadsim_plot_pairs"] if arguments.plot_pairs else []):
            line[name] = measure(name, data)
        if "stonesoup_gnn" not in line:
            line["stonesoup_gnn"] = None
        for key, figure in (("speedup", "ms_per_scan"), ("speedup_cpu", "cpu_ms_per_scan")):
            fastest = min(line[name][figure] for name in names[1:])
            line[key] = round(fastest / line["iadsim"][figure], 1)
        line["load_average_1min"] = round(os.getloadavg()[0], 2)
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
