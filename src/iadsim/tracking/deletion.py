"""Deletion of a confirmed track by the probability of its misses under its own
detection probability (``tracking.deletion: miss_probability``).

A confirmed track that a radar covers and does not report is either a live target that
this look missed, or gone (killed, landed, out of the radar's reach, a false track). If it
is live and the radar detects it with probability ``P_D`` per look, independently from
look to look, a run of ``m`` missed looks has probability ``(1 - P_D)^m``; deleting once
that probability falls below ``threshold`` is the sequential test of "alive" against
"gone" (Blackman and Popoli, *Design and Analysis of Modern Tracking Systems*, 1999,
sec. 6.2 and ch. 7: the track-deletion side of Wald's test, each miss scoring
``ln(1 - P_D)``), and deletes a live track in a given window of looks with probability
at most ``threshold``, whatever its ``P_D``. The run it allows is

    ``m = ceil(ln(threshold) / ln(1 - P_D))``                       (closed form)

(at threshold 1e-4: 4 misses at P_D 0.9, 8 at 0.72, 14 at 0.5, 26 at 0.3), where a fixed
count (``deletion: misses``, 6) holds at one P_D only (0.28^6 = 5e-4 at 0.72, but 0.5^6 =
0.016 at 0.5: the marginal hour's breaks at 140-182 km, where P_D is under 0.5).

``P_D`` is each track's own, by radar: the radar's detections of the track over its
covered looks while confirmed (a hit ratio with a beta prior of ``prior_looks`` looks at
``prior_detection_probability``, the looks faded by ``1 - 1 / memory_looks`` each, so that
it follows the range), folded in only when the radar reports the track again: the run of
misses under test is never part of the estimate it is tested with (a gone target's
misses would otherwise lower its estimate as fast as they accumulate, and it would never
be deleted). The allowed run is kept per track and radar in the tracker's
``misses_to_delete`` column (changed only at a report), which the miss-counting kernels
compare with the radar's run (:func:`iadsim.tracking.pass_kernels.count_misses`,
:func:`iadsim.tracking.pass_kernels.stale_tracks`); a track is deleted once every radar
that has reported it and covers it has missed it its allowed run, as under ``misses``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from iadsim.tracking.pass_kernels import CONFIRMED, _missed

#: The longest run of misses a track may be allowed (a P_D estimate near zero): beyond
#: it the covariance bound deletes long before.
MOST_MISSES_TO_DELETE = 10_000


def misses_to_delete(detection_probability: np.ndarray | float, threshold: float
                     ) -> np.ndarray:
    """The shortest run of misses whose probability under ``detection_probability`` per
    look, ``(1 - P_D)^m``, is at most ``threshold``: ``ceil(ln(threshold) / ln(1 -
    P_D))``, at least 1 and at most :data:`MOST_MISSES_TO_DELETE` (int32, the shape of
    ``detection_probability``).

    ``threshold`` in (0, 1); ``detection_probability`` in [0, 1] (1: one miss; 0: the
    most). Source: Blackman and Popoli 1999, sec. 6.2 (each miss scores ln(1 - P_D)).
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    probability = np.asarray(detection_probability, dtype=float)
    if np.any((probability < 0.0) | (probability > 1.0)):
        raise ValueError("detection_probability must be in [0, 1]")
    result = np.empty(probability.shape, dtype=np.int32)
    flat = result.reshape(-1)
    for index, value in enumerate(probability.reshape(-1)):
        flat[index] = _misses_to_delete(float(value), math.log(threshold))
    return result


@njit(cache=True)
def _misses_to_delete(detection_probability: float, log_threshold: float) -> int:
    """:func:`misses_to_delete` of one P_D, given ``ln(threshold)`` (< 0)."""
    if detection_probability >= 1.0:
        return 1
    if detection_probability <= 0.0:
        return MOST_MISSES_TO_DELETE
    log_miss = math.log1p(-detection_probability)
    runs = math.ceil(log_threshold / log_miss - 1e-9)
    return int(min(max(runs, 1), MOST_MISSES_TO_DELETE))


def estimated_detection_probability(detected_looks: np.ndarray, covered_looks: np.ndarray,
                                    prior_detection_probability: float,
                                    prior_looks: float) -> np.ndarray:
    """The detection probability estimate of :func:`fold_detections`' counts: the beta
    posterior mean ``(detected + a p0) / (covered + a)`` (a = ``prior_looks``, p0 =
    ``prior_detection_probability``)."""
    return ((detected_looks + prior_looks * prior_detection_probability)
            / (covered_looks + prior_looks))


@njit(cache=True)
def fold_detections(status: np.ndarray, last_update_by_radar_s: np.ndarray,
                    missed_scans: np.ndarray, scan_time_s: np.ndarray, radars: np.ndarray,
                    position: np.ndarray, site_position_m: np.ndarray,
                    site_rotation: np.ndarray, site_coverage: np.ndarray,
                    ground_elevation_m: float, covered_looks: np.ndarray,
                    detected_looks: np.ndarray, misses_to_delete: np.ndarray,
                    memory: float, prior_detection_probability: float, prior_looks: float,
                    log_threshold: float) -> None:
    """Fold a pass's reports into each confirmed track's detection counts, by radar, and
    set its allowed run of misses (all (n, radars), written in place); call before
    :func:`iadsim.tracking.pass_kernels.count_misses` moves ``missed_scans`` on.

    For each confirmed track and each radar of the pass (``scan_time_s``, ``radars`` (g,),
    in time order; ``position`` (n, g, 3) the tracks predicted to each scan's time) whose
    scan at ``last_update_by_radar_s`` reported the track here: the radar's run of misses
    before this pass (``missed_scans``), its covered scans before that report in this
    pass, and the report are folded in, each look as ``covered = memory covered + 1``,
    ``detected = memory detected + hit``; then ``misses_to_delete`` is the run whose
    probability under the estimate (:func:`estimated_detection_probability`) is at most
    ``exp(log_threshold)``. A radar that did not report the track here changes nothing:
    its misses are the run under test."""
    rows, scans = status.size, radars.size
    radar_count = last_update_by_radar_s.shape[1]
    for row in range(rows):
        if status[row] != CONFIRMED:
            continue
        for radar in range(radar_count):
            last = last_update_by_radar_s[row, radar]
            if not np.isfinite(last):
                continue
            pending = missed_scans[row, radar]
            folded = False
            for scan in range(scans):
                if radars[scan] != radar:
                    continue
                if last == scan_time_s[scan]:
                    for _ in range(pending):
                        covered_looks[row, radar] = memory * covered_looks[row, radar] + 1.0
                        detected_looks[row, radar] = memory * detected_looks[row, radar]
                    covered_looks[row, radar] = memory * covered_looks[row, radar] + 1.0
                    detected_looks[row, radar] = memory * detected_looks[row, radar] + 1.0
                    pending = 0
                    folded = True
                elif last > scan_time_s[scan] and _missed(
                        position, row, scan, radar, site_position_m, site_rotation,
                        site_coverage, ground_elevation_m):
                    pending += 1
            if folded:
                estimate = ((detected_looks[row, radar]
                             + prior_looks * prior_detection_probability)
                            / (covered_looks[row, radar] + prior_looks))
                misses_to_delete[row, radar] = _misses_to_delete(estimate, log_threshold)
