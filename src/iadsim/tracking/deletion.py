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

from iadsim.sensors.detection import probability_of_detection
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
def _confirmed_report_s(status: np.ndarray, last_update_by_radar_s: np.ndarray, row: int,
                        radar: int) -> float:
    """The time of radar ``radar``'s last report of track ``row`` if the track is
    confirmed, else NaN (and -inf, not finite, for a radar that never reported it)."""
    if status[row] != CONFIRMED:
        return np.nan
    return last_update_by_radar_s[row, radar]


@njit(cache=True)
def _count_look(covered_looks: np.ndarray, detected_looks: np.ndarray, row: int, radar: int,
                memory: float, hit: float) -> None:
    """One covered look in the faded counts: ``covered = memory covered + 1``,
    ``detected = memory detected + hit``."""
    covered_looks[row, radar] = memory * covered_looks[row, radar] + 1.0
    detected_looks[row, radar] = memory * detected_looks[row, radar] + hit


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
    scans = radars.size
    for row in range(status.size):
        for radar in range(last_update_by_radar_s.shape[1]):
            last = _confirmed_report_s(status, last_update_by_radar_s, row, radar)
            if not np.isfinite(last):
                continue
            pending = missed_scans[row, radar]
            folded = False
            for scan in range(scans):
                if radars[scan] != radar:
                    continue
                if last == scan_time_s[scan]:
                    for _ in range(pending):
                        _count_look(covered_looks, detected_looks, row, radar, memory, 0.0)
                    _count_look(covered_looks, detected_looks, row, radar, memory, 1.0)
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


# --- The detection probability predicted at the track's range
# (``tracking.deletion_detection_model: range``).
#
# A hit ratio over the looks a radar has had of a track estimates its P_D at the ranges it
# was seen at; a target flying away from the radar loses SNR as R^-4 and its P_D falls
# below that estimate, so the run it allows is too short (recorded_traffic.py, seed 7:
# aircraft at 141-204 km detected at 9 of 49 looks, deleted after 5-12 misses). Instead
# each confirmed track carries, per radar, a log-likelihood over a grid of target
# strengths (RCS-equivalent, dB m^2) under the radar's OWN design detection curve (its
# nominal SNR of 1 m^2 at 1 m, Pfa, Swerling case and pulses: the system's design, not the
# truth): each covered look adds ln Pd_j(R) for a hit or ln(1 - Pd_j(R)) for a miss, faded
# like the hit ratio, folded only at a report (the run of misses under test never enters
# it). The P_D of a look at range R is the posterior mean of Pd_j(R).
#
# A run of misses is tested at the ranges of its own looks, by its probability under
# "alive" given the estimate of the last report,
#
#     P(run) = sum_j w_j prod_i (1 - Pd_j(R_i)),   w_j the posterior of strength j,
#
# against the threshold: the exact sequential test of "alive" against "gone" (which gives
# every run probability 1). With the strength known it is prod_i (1 - P_D(R_i)), each miss
# scored at its own range; with it uncertain it is larger than the product of the posterior
# means, which overstates the evidence: the strengths above the curve's knee all predict
# its top (0.95) where the track was seen, so a flat grid's posterior mean there is high
# whatever the target (a -5 dB m^2 target seen at 60-150 km was predicted 0.77 at 158 km
# against a true 0.45, and deleted after 7 misses).

#: The strength grid (RCS-equivalent, dB m^2): drones (-30 dB m^2) to large aircraft.
STRENGTH_START_DB = -40.0
STRENGTH_STEP_DB = 1.0
STRENGTH_DB = STRENGTH_START_DB + STRENGTH_STEP_DB * np.arange(71)
#: The design curve's table: single-pulse SNR from ``DESIGN_START_DB`` in steps of
#: ``DESIGN_STEP_DB`` (Pd below the table: its first value, about Pfa; above: its last).
DESIGN_START_DB = -40.0
DESIGN_STEP_DB = 0.1
DESIGN_SNR_DB = DESIGN_START_DB + DESIGN_STEP_DB * np.arange(1201)
#: Table steps between two strengths of the grid.
STRENGTH_STRIDE = round(STRENGTH_STEP_DB / DESIGN_STEP_DB)
#: The share of looks a design curve of Pd 1 still misses (what the curve does not model:
#: clutter, jamming, terrain, aspect, a beam edge): a look's Pd is at most 1 - this, so a
#: vanished target's track at the closest range is deleted at its fourth miss at 1e-4, as
#: under the hit ratio (at most about 0.95 after 20 hits).
UNMODELLED_MISS_PROBABILITY = 0.05
#: Rows of :func:`design_detection_table`: Pd, ln Pd, ln(1 - Pd).
PD_ROW, LOG_HIT_ROW, LOG_MISS_ROW = 0, 1, 2


def design_detection_table(pfa: float, swerling: int, pulses: int) -> np.ndarray:
    """A radar's design detection curve at :data:`DESIGN_SNR_DB` (single-pulse SNR):
    rows Pd, ln Pd and ln(1 - Pd), shape (3, :data:`DESIGN_SNR_DB` size), Pd the Swerling
    Pd of :func:`iadsim.sensors.detection.probability_of_detection` (non-coherent
    integration of ``pulses``, as the radar detects) times ``1 -``
    :data:`UNMODELLED_MISS_PROBABILITY` (the SNR of a look at a strength and a range is
    formed by :func:`look_table_position`)."""
    detection = probability_of_detection(DESIGN_SNR_DB, pfa, int(pulses), int(swerling))
    detection = np.clip(detection * (1.0 - UNMODELLED_MISS_PROBABILITY), 1e-300, None)
    return np.stack([detection, np.log(detection), np.log1p(-detection)])


def design_detection_tables(sites: list) -> tuple[np.ndarray, np.ndarray]:
    """Every radar's :func:`design_detection_table` (radars, 3, T) and its design SNR of
    1 m^2 at 1 m in dB (radars,), from :class:`iadsim.sensors.radar.RadarSite`'s nominal
    parameters (``snr_at_one_metre``, ``pfa``, ``swerling``, ``pulses_per_dwell``)."""
    tables = np.array([design_detection_table(site.pfa, site.swerling, site.pulses_per_dwell)
                       for site in sites]).reshape(len(sites), 3, DESIGN_SNR_DB.size)
    snr_db = np.array([10.0 * np.log10(site.snr_at_one_metre) for site in sites],
                      dtype=float)
    return tables, snr_db


@njit(cache=True)
def look_table_position(range_m: float, snr_at_one_metre_db: float) -> float:
    """Where the weakest strength of the grid (:data:`STRENGTH_START_DB`) falls in the
    design table at ``range_m``: ``(SNR_1m + sigma - 40 log10 R - start) / step``
    (the radar equation, SNR = K sigma / R^4); strength j is ``STRENGTH_STRIDE j``
    further."""
    snr_db = (snr_at_one_metre_db + STRENGTH_START_DB
              - 40.0 * math.log10(max(range_m, 1.0)))
    return (snr_db - DESIGN_START_DB) / DESIGN_STEP_DB


@njit(cache=True)
def _table_value(table: np.ndarray, row: int, position: float) -> float:
    """Linear interpolation of ``table[row]`` at the fractional index ``position``,
    held at the ends."""
    last = table.shape[1] - 1
    if position <= 0.0:
        return table[row, 0]
    if position >= last:
        return table[row, last]
    index = int(position)
    fraction = position - index
    return table[row, index] + fraction * (table[row, index + 1] - table[row, index])


@njit(cache=True)
def add_look(log_likelihood: np.ndarray, memory: float, table: np.ndarray, position: float,
             hit: bool) -> None:
    """Fold one covered look into a strength log-likelihood (G,), in place: each
    strength's ``memory L_j + ln Pd_j`` (a hit) or ``+ ln(1 - Pd_j)`` (a miss), Pd_j the
    design curve at the look's table ``position`` (:func:`look_table_position`)."""
    row = LOG_HIT_ROW if hit else LOG_MISS_ROW
    for strength in range(log_likelihood.size):
        log_likelihood[strength] = (memory * log_likelihood[strength] + _table_value(
            table, row, position + STRENGTH_STRIDE * strength))


@njit(cache=True)
def predicted_detection_probability(log_likelihood: np.ndarray, table: np.ndarray,
                                    position: float) -> float:
    """The posterior mean of Pd_j at a look's table ``position`` under the strength
    log-likelihood (G,) (a flat prior on the grid): ``sum_j w_j Pd_j / sum_j w_j``,
    ``w_j = exp(L_j - max L)``."""
    top = log_likelihood.max()
    weight_sum, detection_sum = 0.0, 0.0
    for strength in range(log_likelihood.size):
        weight = math.exp(log_likelihood[strength] - top)
        weight_sum += weight
        detection_sum += weight * _table_value(table, PD_ROW,
                                               position + STRENGTH_STRIDE * strength)
    return detection_sum / weight_sum


@njit(cache=True)
def _range_to(position: np.ndarray, row: int, scan: int, site_position_m: np.ndarray,
              radar: int) -> float:
    """The slant range (m) from radar ``radar`` to ``position[row, scan]``."""
    east = position[row, scan, 0] - site_position_m[radar, 0]
    north = position[row, scan, 1] - site_position_m[radar, 1]
    up = position[row, scan, 2] - site_position_m[radar, 2]
    return math.sqrt(east * east + north * north + up * up)


@njit(cache=True)
def run_log_probability(log_likelihood: np.ndarray, run_log_likelihood: np.ndarray
                        ) -> float:
    """ln P(run | alive) = ln sum_j w_j exp(S_j): the log-probability of a run of misses
    whose log-likelihood by strength is ``run_log_likelihood`` (S_j = sum_i ln(1 -
    Pd_j(R_i)), (G,)) under the posterior ``w`` of ``log_likelihood`` (G,) (flat prior on
    the grid), as ``ln sum exp(L + S) - ln sum exp(L)``, each shifted by its largest."""
    top = log_likelihood.max()
    joint_top = (log_likelihood + run_log_likelihood).max()
    evidence, joint = 0.0, 0.0
    for strength in range(log_likelihood.size):
        evidence += math.exp(log_likelihood[strength] - top)
        joint += math.exp(log_likelihood[strength] + run_log_likelihood[strength] - joint_top)
    return joint_top + math.log(joint) - top - math.log(evidence)


@njit(cache=True)
def mixture_misses_to_delete(log_likelihood: np.ndarray, table: np.ndarray, position: float,
                             log_threshold: float) -> int:
    """The shortest run of misses at one look's table ``position`` whose probability under
    the strength posterior, ``sum_j w_j (1 - Pd_j)^m``, is at most ``exp(log_threshold)``
    (decreasing in m: found by bisection), at most :data:`MOST_MISSES_TO_DELETE`: the
    run the test of :func:`charge_misses_by_range` allows at that range.

    Each step of the bisection is :func:`_log_probability_of_run` at its ``m``, with
    what does not depend on ``m`` (the design table's ``ln(1 - Pd_j)``, the posterior's
    largest term and evidence) taken once per call, not per step: the values of a step
    that read them afresh, bit for bit, at a third of the cost (it runs at every report
    of a confirmed track; tests/tracking/test_deletion_by_range.py keeps that form)."""
    count = log_likelihood.size
    log_miss = np.empty(count)
    for strength in range(count):
        log_miss[strength] = _table_value(table, LOG_MISS_ROW,
                                          position + STRENGTH_STRIDE * strength)
    top = log_likelihood.max()
    evidence = 0.0
    for strength in range(count):
        evidence += math.exp(log_likelihood[strength] - top)
    log_evidence = math.log(evidence)
    if (_log_probability_of_run(log_likelihood, log_miss, MOST_MISSES_TO_DELETE, top,
                                log_evidence)
            > log_threshold):
        return MOST_MISSES_TO_DELETE
    low, high = 1, MOST_MISSES_TO_DELETE
    while low < high:
        middle = (low + high) // 2
        if (_log_probability_of_run(log_likelihood, log_miss, middle, top, log_evidence)
                <= log_threshold + 1e-9):
            high = middle
        else:
            low = middle + 1
    return low


@njit(cache=True)
def _log_probability_of_run(log_likelihood: np.ndarray, log_miss: np.ndarray, misses: int,
                            top: float, log_evidence: float) -> float:
    """``ln sum_j w_j (1 - Pd_j)^misses`` at one look, ``w`` the posterior of
    ``log_likelihood`` (G,) (:func:`run_log_probability` of ``misses`` looks there),
    given the design table's ``ln(1 - Pd_j)`` there (``log_miss``, (G,)) and the
    posterior's largest log-likelihood ``top`` and ``ln(evidence)``."""
    joint_top = -np.inf
    for strength in range(log_likelihood.size):
        joint_top = max(joint_top, log_likelihood[strength] + misses * log_miss[strength])
    joint = 0.0
    for strength in range(log_likelihood.size):
        joint += math.exp(log_likelihood[strength] + misses * log_miss[strength] - joint_top)
    return joint_top + math.log(joint) - top - log_evidence


@njit(cache=True)
def fold_detections_by_range(
        status: np.ndarray, last_update_by_radar_s: np.ndarray, missed_scans: np.ndarray,
        scan_time_s: np.ndarray, radars: np.ndarray, position: np.ndarray,
        site_position_m: np.ndarray, site_rotation: np.ndarray, site_coverage: np.ndarray,
        ground_elevation_m: float, covered_looks: np.ndarray, detected_looks: np.ndarray,
        misses_to_delete: np.ndarray, strength_log_likelihood: np.ndarray,
        pending_log_likelihood: np.ndarray, run_log_likelihood: np.ndarray,
        run_log_miss: np.ndarray, memory: float, prior_detection_probability: float,
        prior_looks: float, log_threshold: float, design_tables: np.ndarray,
        snr_at_one_metre_db: np.ndarray) -> None:
    """:func:`fold_detections` under ``deletion_detection_model: range``: for each
    confirmed track and radar whose report is in this pass, the looks since its last report
    are folded into the track's strength log-likelihood (n, radars, G): the misses of
    earlier passes (``pending_log_likelihood``, faded as they came, ``missed_scans`` of
    them), this pass's covered scans before the report (misses, at their own ranges) and
    the report (a hit at its range). A radar's first fold starts the log-likelihood at the
    prior, ``prior_looks`` looks at ``prior_detection_probability`` at the report's range
    (that P_D where the track is seen first, moving with R^-4 from there). The faded counts
    (``covered_looks``, ``detected_looks``: the hit ratio, and whether the radar has
    folded) are kept as :func:`fold_detections` keeps them; ``misses_to_delete`` is set
    to the run the test allows at the report's range (:func:`mixture_misses_to_delete`;
    the stretch of :func:`iadsim.tracking.pass_kernels.stale_tracks`); the run under test
    (``run_log_likelihood``, ``run_log_miss``) and the pending misses start again at
    zero."""
    for row in range(status.size):
        for radar in range(last_update_by_radar_s.shape[1]):
            last = _confirmed_report_s(status, last_update_by_radar_s, row, radar)
            if not np.isfinite(last):
                continue
            report_scan = -1
            for scan in range(radars.size):
                if radars[scan] == radar and last == scan_time_s[scan]:
                    report_scan = scan
            if report_scan < 0:
                continue
            table = design_tables[radar]
            log_likelihood = strength_log_likelihood[row, radar]
            report_position = look_table_position(
                _range_to(position, row, report_scan, site_position_m, radar),
                snr_at_one_metre_db[radar])
            if covered_looks[row, radar] == 0.0:  # the prior: its looks at p0
                for strength in range(log_likelihood.size):
                    at = report_position + STRENGTH_STRIDE * strength
                    log_likelihood[strength] = prior_looks * (
                        prior_detection_probability * _table_value(table, LOG_HIT_ROW, at)
                        + (1.0 - prior_detection_probability)
                        * _table_value(table, LOG_MISS_ROW, at))
            pending = missed_scans[row, radar]
            fade = memory ** pending
            for strength in range(log_likelihood.size):
                log_likelihood[strength] = (fade * log_likelihood[strength]
                                            + pending_log_likelihood[row, radar, strength])
            for _ in range(pending):
                _count_look(covered_looks, detected_looks, row, radar, memory, 0.0)
            for scan in range(report_scan):
                if radars[scan] == radar and last > scan_time_s[scan] and _missed(
                        position, row, scan, radar, site_position_m, site_rotation,
                        site_coverage, ground_elevation_m):
                    add_look(log_likelihood, memory, table, look_table_position(
                        _range_to(position, row, scan, site_position_m, radar),
                        snr_at_one_metre_db[radar]), False)
                    _count_look(covered_looks, detected_looks, row, radar, memory, 0.0)
            add_look(log_likelihood, memory, table, report_position, True)
            _count_look(covered_looks, detected_looks, row, radar, memory, 1.0)
            pending_log_likelihood[row, radar, :] = 0.0
            run_log_likelihood[row, radar, :] = 0.0
            run_log_miss[row, radar] = 0.0
            misses_to_delete[row, radar] = mixture_misses_to_delete(
                log_likelihood, table, report_position, log_threshold)


@njit(cache=True)
def charge_misses_by_range(
        status: np.ndarray, last_update_by_radar_s: np.ndarray, scan_time_s: np.ndarray,
        radars: np.ndarray, position: np.ndarray, site_position_m: np.ndarray,
        site_rotation: np.ndarray, site_coverage: np.ndarray, ground_elevation_m: float,
        covered_looks: np.ndarray, strength_log_likelihood: np.ndarray,
        pending_log_likelihood: np.ndarray, run_log_likelihood: np.ndarray,
        run_log_miss: np.ndarray, memory: float, prior_detection_probability: float,
        design_tables: np.ndarray, snr_at_one_metre_db: np.ndarray) -> None:
    """Charge each confirmed track's misses of a pass under ``deletion_detection_model:
    range``, after :func:`fold_detections_by_range`: for each radar that has reported the
    track, a scan no earlier than its last report clears the run; a later scan that covers
    the track's predicted position (the coverage test of
    :func:`iadsim.tracking.pass_kernels.count_misses`) adds its ``ln(1 - Pd_j(R))`` at the
    look's range to the run's log-likelihood by strength (``run_log_likelihood``,
    unfaded) and to the pending misses (``pending_log_likelihood``, faded as they come,
    folded at the next report), and sets ``run_log_miss`` to the run's log-probability
    under the estimate of the last report (:func:`run_log_probability`; before the radar's
    first fold, ``ln(1 - prior_detection_probability)`` a miss).
    :func:`iadsim.tracking.pass_kernels.count_misses` then deletes a track once every radar
    that reported it and covers it has a run at most ``ln(threshold)``."""
    scans = radars.size
    prior_log_miss = math.log1p(-prior_detection_probability)
    for row in range(status.size):
        for radar in range(last_update_by_radar_s.shape[1]):
            last = _confirmed_report_s(status, last_update_by_radar_s, row, radar)
            if not np.isfinite(last):
                continue
            table = design_tables[radar]
            run = run_log_likelihood[row, radar]
            for scan in range(scans):
                if radars[scan] != radar:
                    continue
                if last >= scan_time_s[scan]:
                    run_log_miss[row, radar] = 0.0
                    run[:] = 0.0
                    pending_log_likelihood[row, radar, :] = 0.0
                elif _missed(position, row, scan, radar, site_position_m, site_rotation,
                             site_coverage, ground_elevation_m):
                    at = look_table_position(
                        _range_to(position, row, scan, site_position_m, radar),
                        snr_at_one_metre_db[radar])
                    add_look(run, 1.0, table, at, False)
                    add_look(pending_log_likelihood[row, radar], memory, table, at, False)
                    if covered_looks[row, radar] > 0.0:
                        run_log_miss[row, radar] = run_log_probability(
                            strength_log_likelihood[row, radar], run)
                    else:
                        run_log_miss[row, radar] += prior_log_miss


def estimated_strength_db(log_likelihood: np.ndarray) -> np.ndarray:
    """The posterior mean strength (dB m^2, RCS-equivalent) of strength log-likelihoods
    (..., G) on :data:`STRENGTH_DB` (a flat prior on the grid): for analysis and tests;
    the deletion uses the predicted P_D (:func:`predicted_detection_probability`)."""
    log_likelihood = np.asarray(log_likelihood, dtype=float)
    weight = np.exp(log_likelihood - log_likelihood.max(axis=-1, keepdims=True))
    return (weight * STRENGTH_DB).sum(axis=-1) / weight.sum(axis=-1)
