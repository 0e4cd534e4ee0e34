"""Gating and global-nearest-neighbour (GNN) assignment of measurements to tracks.

Candidate pairs come from a grid search (a coarse Euclidean radius per track and per
report, :func:`kernels.gate_by_grid`), or in a crowd from a k-d tree of the reports
(:func:`gating_tree.gate_by_tree`), and are kept when their squared Mahalanobis
distance ``d^2`` passes the chi-square gate ``G``; they are assigned by maximizing the
summed gain ``G - d^2``: the classic GNN in which leaving a track unassigned costs the
gate value ``G``. Because the gain of a pair depends on that pair alone, the optimum
decomposes over clusters of tracks and reports that share no pair: far-away traffic never
changes who takes which report here. The assignment is solved on the sparse gated pairs
only, so that a large raid never builds a dense tracks x measurements matrix (see
:func:`assign`).

Work is bounded in a crowd (thousands of targets at one place): the grid gives up past
``GRID_TESTS_PER_POINT`` distance tests a track and report; the tree then finds each
track's ``MAX_PAIRS_PER_TRACK`` nearest reports without testing the others (exact), and
tests at most ``CANDIDATES_PER_KEPT_PAIR x MAX_PAIRS_PER_TRACK`` reports (a hard bound,
reached only with very elongated covariances); a cluster of more than
``GREEDY_CLUSTER_SIZE`` tracks + reports is assigned greedily (best gain first) instead
of optimally. Either limit acting is counted in a :class:`CrowdLimits` and logged once
as a WARNING.
Source: Blackman and Popoli, Design and Analysis of Modern Tracking Systems (1999),
sec. 6.4 (gating) and 6.5 (GNN).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from iadsim.tracking import gating_tree, kernels

#: Weight of the gate's own gain ``G - d^2`` in :func:`priced_gain`: small, so that it
#: only orders pairs outside the pricing covariance's gate.
GATE_GAIN_WEIGHT = 1e-3
#: Below this many track x measurement pairs, gating tests every pair directly.
BRUTE_FORCE_PAIRS = 2_048
#: The grid of the spatial search has cells this many times the sum of the geometric means
#: of the track and of the report gate radii (see :func:`kernels.gate_by_grid`) ...
GRID_CELL_FACTOR = 1.0
#: ... and at most this many cells (8 bytes each), and this many per track and report: a
#: grid much finer than the points it holds costs more to clear and sum (one pass over
#: every cell per call) than its cells save; at a million cells for 2,000 points that
#: pass was most of a 1,000-threat raid's gating time.
MAX_GRID_CELLS = 1 << 20
GRID_CELLS_PER_POINT = 16
#: The grid gives up after this many distance tests per track and report (a crowd, where
#: every track's square covers every report) and the k-d tree gates instead. A spread
#: picture tests a few per track (about 3 in a 1,000-target raid with clutter): it never
#: gets there, and the grid, which measured 1.7x faster than the tree on such a picture,
#: does its gating.
GRID_TESTS_PER_POINT = 64
#: Reports at most in a leaf of the gating tree (:mod:`iadsim.tracking.gating_tree`).
TREE_LEAF_SIZE = gating_tree.LEAF_SIZE
#: :func:`may_gate_later` tests at most this many pairs of reports (a few tens of
#: microseconds compiled; a step's leftover reports, mostly false alarms, are fewer).
LATER_PAIRS_TESTED = 32_768
#: A cluster of contested tracks + measurements up to this size is solved dense.
DENSE_ASSIGNMENT_SIZE = 400
#: A cluster of more tracks + measurements than this is assigned greedily (best gain
#: first), not optimally: SciPy's sparse solver on one crowd of thousands of coincident
#: targets took seconds a scan and grows faster than linearly (docs/models.md, "Crowd
#: gating and bounded association"; benchmarks/README.md, ``coincident_drones.py``);
#: the greedy assignment is O(pairs log pairs). No ordinary picture has such a cluster.
GREEDY_CLUSTER_SIZE = 1_000
#: Each track tests at most this many times ``max_pairs_per_track`` reports: the hard
#: bound on gating work per track (1,024 by default). The nearest-report search reaches it
#: only when covariances are so elongated that its Euclidean bound prunes little.
CANDIDATES_PER_KEPT_PAIR = 64
#: Each track keeps at most this many of its nearest reports in the gate: in a crowd of
#: thousands of targets at one place (a drone swarm with no spacing), the pairs, and the
#: assignment built on them, grow linearly with the tracks, not as tracks x reports.
#: Above the number of radars a track can take reports from at once, so that an ordinary
#: picture is never cut.
MAX_PAIRS_PER_TRACK = 16

LOGGER = logging.getLogger(__name__)


@dataclass(slots=True)
class CrowdLimits:
    """What the association's bounds on work did over one tracker's life.

    A tracker keeps one and passes it to :func:`gated_pairs` and :func:`assign`; the
    first time a limit changes a result (a track's search capped, a cluster assigned
    greedily), one WARNING is logged on this module's logger; the counts go on.
    """

    #: Squared Mahalanobis distances computed by the gating (its work).
    distances_computed: int = 0
    #: Track searches (or report searches, in a crowd's second pass) stopped at the cap.
    capped_searches: int = 0
    #: Clusters assigned greedily, and their tracks + reports.
    greedy_clusters: int = 0
    greedy_members: int = 0
    warned: bool = False

    def warn_once(self, what: str) -> None:
        if not self.warned:
            self.warned = True
            LOGGER.warning("crowd: %s; results are approximate from here on in this "
                           "tracker (logged once; counts in CrowdLimits)", what)


def gated_pairs(track_position: np.ndarray, track_position_cov: np.ndarray,
                measurement: np.ndarray, measurement_cov: np.ndarray, gate_threshold: float,
                max_pairs_per_track: int = MAX_PAIRS_PER_TRACK,
                limits: CrowdLimits | None = None,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Track/measurement pairs inside the gate and their squared Mahalanobis distance.

    track_position (n, 3), track_position_cov (n, 3, 3), measurement (k, 3),
    measurement_cov (k, 3, 3), gate_threshold: chi-square value for 3 degrees of freedom.
    Returns (track_index, measurement_index, distance2), each (m,), with
    ``distance2 = r^T S^-1 r <= gate_threshold``, ``S = P + R``. Each track keeps at
    most ``max_pairs_per_track`` pairs, those of its nearest reports; when any track is
    cut so (a crowd), each report's ``max_pairs_per_track`` nearest tracks are added, the
    pairs (then at most ``max_pairs_per_track x (n + k)``) come sorted by track and
    report, and an INFO record is logged on this module's logger.
    """
    empty = np.zeros(0, dtype=np.intp)
    if track_position.shape[0] == 0 or measurement.shape[0] == 0:
        return empty, empty, np.zeros(0)
    arrays = (np.ascontiguousarray(track_position, dtype=float),
              np.ascontiguousarray(track_position_cov, dtype=float),
              np.ascontiguousarray(measurement, dtype=float),
              np.ascontiguousarray(measurement_cov, dtype=float))
    if max_pairs_per_track < 1:
        raise ValueError(f"max_pairs_per_track must be at least 1, got {max_pairs_per_track}")
    limits = CrowdLimits() if limits is None else limits
    capped_before = limits.capped_searches
    track_index, measurement_index, distance2, cut = _gate(arrays, gate_threshold,
                                                           max_pairs_per_track, limits,
                                                           arrays[3])
    if not cut:
        return track_index, measurement_index, distance2
    # A crowd: each track kept its nearest reports; add each report's nearest tracks, so
    # that no report is left without candidates because many tracks preferred others.
    LOGGER.info("crowded gate: %d of %d tracks kept only their %d nearest of %d reports",
                cut, track_position.shape[0], max_pairs_per_track, measurement.shape[0])
    if limits.capped_searches == capped_before:  # every uncut track kept all its pairs
        completed = _completed_by_cut_tracks(arrays, track_index, measurement_index,
                                             distance2, gate_threshold, max_pairs_per_track,
                                             limits)
        if completed is not None:
            return completed
    return _completed_by_reports(arrays, track_index, measurement_index, distance2,
                                 gate_threshold, max_pairs_per_track, limits)


def _completed_by_reports(arrays: tuple[np.ndarray, ...], track_index: np.ndarray,
                          measurement_index: np.ndarray, distance2: np.ndarray,
                          gate_threshold: float, max_pairs_per_track: int,
                          limits: CrowdLimits) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`gated_pairs`' second pass: the first pass's pairs (``track_index``,
    ``measurement_index``, ``distance2``, some tracks cut) and each report's
    ``max_pairs_per_track`` nearest tracks, gated from the reports' side; sorted by track
    and report."""
    measurement = arrays[2]
    by_report, by_track, by_report_distance2, _ = _gate(
        (arrays[2], arrays[3], arrays[0], arrays[1]), gate_threshold, max_pairs_per_track,
        limits, arrays[3])
    key = np.concatenate([track_index * measurement.shape[0] + measurement_index,
                          by_track * measurement.shape[0] + by_report])
    key, first = np.unique(key, return_index=True)
    return (key // measurement.shape[0], key % measurement.shape[0],
            np.concatenate([distance2, by_report_distance2])[first])


def _completed_by_cut_tracks(arrays: tuple[np.ndarray, ...], track_index: np.ndarray,
                             measurement_index: np.ndarray, distance2: np.ndarray,
                             gate_threshold: float, max_pairs_per_track: int,
                             limits: CrowdLimits,
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """:func:`_completed_by_reports`' result without gating every report again: only the
    tracks that kept ``max_pairs_per_track`` pairs (the cut ones among them) are gated
    again, with no limit. A report's gated tracks are then known exactly (an uncut track
    kept all its pairs), and a pair the first pass dropped is added when its track is
    among its report's ``max_pairs_per_track`` nearest. The same pairs and distances
    (the distance of a pair does not depend on which side searched), at a fraction of the
    cost when a few tracks of many are cut (a 1,000-threat raid: a one-plot track's wide
    gate holds more than the limit in most scans). The first pass must not have been
    capped. None (the caller makes the second pass) when the reports' side is a crowd
    whose search the k-d tree's bounds could make approximate, when the no-limit gating
    was capped, or when two tracks tie at a report's limit (which the second pass kept
    would depend on the order it found them in)."""
    track_position, track_cov, measurement, measurement_cov = arrays
    n_tracks, n_measurements = track_position.shape[0], measurement.shape[0]
    points = n_tracks + n_measurements
    if n_tracks * n_measurements > BRUTE_FORCE_PAIRS and kernels.grid_gives_up(
            measurement, measurement_cov, track_position, track_cov, gate_threshold,
            GRID_CELL_FACTOR, min(MAX_GRID_CELLS, GRID_CELLS_PER_POINT * points),
            GRID_TESTS_PER_POINT * points):
        return None
    full = (np.bincount(track_index, minlength=n_tracks) >= max_pairs_per_track).nonzero()[0]
    local, full_measurement, full_distance2, capped = _gate(
        (track_position[full], track_cov[full], measurement, measurement_cov), gate_threshold,
        n_measurements, limits, measurement_cov)
    if capped:
        return None
    full_track = full[local]
    full_key = full_track * n_measurements + full_measurement
    # The re-gated tracks' pairs the first pass dropped (it kept a subset of them).
    is_full = np.zeros(n_tracks, dtype=bool)
    is_full[full] = True
    kept_key = np.sort(track_index[is_full[track_index]] * n_measurements
                       + measurement_index[is_full[track_index]])
    found = np.searchsorted(kept_key, full_key).clip(max=max(kept_key.size - 1, 0))
    dropped = (kept_key[found] != full_key) if kept_key.size else np.ones(full_key.size, bool)
    # The reports of a dropped pair, and every track gated with them: the uncut tracks'
    # pairs of the first pass and the re-gated tracks' pairs.
    affected = np.zeros(n_measurements, dtype=bool)
    affected[full_measurement[dropped]] = True
    from_first = affected[measurement_index] & ~is_full[track_index]
    from_full = affected[full_measurement]
    report = np.concatenate([measurement_index[from_first], full_measurement[from_full]])
    report_distance2 = np.concatenate([distance2[from_first], full_distance2[from_full]])
    report_key = np.concatenate([(track_index * n_measurements + measurement_index)[from_first],
                                 full_key[from_full]])
    new_pair = np.concatenate([np.zeros(from_first.sum(), dtype=bool), dropped[from_full]])
    order = np.lexsort((report_distance2, report))  # by report, nearest first
    report, report_distance2 = report[order], report_distance2[order]
    report_key, new_pair = report_key[order], new_pair[order]
    starts = np.ones(report.size, dtype=bool)
    starts[1:] = report[1:] != report[:-1]
    first = starts.nonzero()[0]
    rank = np.arange(report.size) - first.repeat(np.diff(np.append(first, report.size)))
    at_limit = (rank == max_pairs_per_track).nonzero()[0]
    if (report_distance2[at_limit] == report_distance2[at_limit - 1]).any():
        return None  # a tie at a report's limit
    added = (rank < max_pairs_per_track) & new_pair
    all_key = np.concatenate([track_index * n_measurements + measurement_index,
                              report_key[added]])
    order = all_key.argsort()  # the keys are distinct
    all_key = all_key[order]
    all_distance2 = np.concatenate([distance2, report_distance2[added]])[order]
    return all_key // n_measurements, all_key % n_measurements, all_distance2


def gated_pairs_by_slice(track_position: np.ndarray, track_position_cov: np.ndarray,
                         track_bounds: np.ndarray, measurement: np.ndarray,
                         measurement_cov: np.ndarray, measurement_bounds: np.ndarray,
                         gate_threshold: float,
                         max_pairs_per_track: int = MAX_PAIRS_PER_TRACK,
                         limits: CrowdLimits | None = None,
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`gated_pairs` slice by slice: tracks and reports are sorted by slice (a time:
    reports taken then, tracks predicted to it), slice ``s`` holding the tracks
    ``[track_bounds[s], track_bounds[s + 1])`` and the reports ``[measurement_bounds[s],
    measurement_bounds[s + 1])``, (slices + 1,) each; a track is paired with its slice's
    reports only. Returns the pairs (indices into the whole arrays), slice after slice,
    each as :func:`gated_pairs` gives them for that slice alone. Slices that together have
    at most ``BRUTE_FORCE_PAIRS`` pairs to test are gated in one compiled call (one call a
    slice would cost more in fixed costs than in tests); larger ones one call a slice."""
    limits = CrowdLimits() if limits is None else limits
    track_bounds = np.asarray(track_bounds, dtype=np.intp)
    measurement_bounds = np.asarray(measurement_bounds, dtype=np.intp)
    tests = int((np.diff(track_bounds) * np.diff(measurement_bounds)).sum())
    arrays = (np.ascontiguousarray(track_position, dtype=float),
              np.ascontiguousarray(track_position_cov, dtype=float), track_bounds,
              np.ascontiguousarray(measurement, dtype=float),
              np.ascontiguousarray(measurement_cov, dtype=float), measurement_bounds)
    if tests <= BRUTE_FORCE_PAIRS:
        track_index, measurement_index, distance2, cut = kernels.gate_every_pair_by_slice(
            *arrays, gate_threshold, max_pairs_per_track)
        if not cut:  # a cut slice takes gated_pairs' second pass: below, slice by slice
            limits.distances_computed += tests
            return track_index, measurement_index, distance2
    parts = []
    for index in range(track_bounds.size - 1):
        tracks = slice(track_bounds[index], track_bounds[index + 1])
        reports = slice(measurement_bounds[index], measurement_bounds[index + 1])
        first, second, distance2 = gated_pairs(
            arrays[0][tracks], arrays[1][tracks], arrays[3][reports], arrays[4][reports],
            gate_threshold, max_pairs_per_track, limits)
        parts.append((first + track_bounds[index], second + measurement_bounds[index],
                      distance2))
    if not parts:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0)
    track_index, measurement_index, distance2 = (np.concatenate(part)
                                                 for part in zip(*parts, strict=True))
    return track_index, measurement_index, distance2


def pair_distance2(track_position: np.ndarray, track_position_cov: np.ndarray,
                   measurement: np.ndarray, measurement_cov: np.ndarray,
                   track_index: np.ndarray, measurement_index: np.ndarray) -> np.ndarray:
    """Squared Mahalanobis distance ``r^T S^-1 r``, ``S = P + R``, of the pairs
    (``track_index``, ``measurement_index``), each (m,), of tracks (n, 3), (n, 3, 3) and
    reports (k, 3), (k, 3, 3): e.g. gated pairs priced with another covariance than the
    gate's. Returns (m,)."""
    residual = measurement[measurement_index] - track_position[track_index]
    innovation_cov = track_position_cov[track_index] + measurement_cov[measurement_index]
    return np.einsum("ki,ki->k", residual,
                     np.linalg.solve(innovation_cov, residual[..., None])[..., 0])


def pair_log_determinant(track_position_cov: np.ndarray, measurement_cov: np.ndarray,
                         track_index: np.ndarray, measurement_index: np.ndarray) -> np.ndarray:
    """``ln|S|``, ``S = P + R``, of the pairs (``track_index``, ``measurement_index``),
    each (m,), of track covariances (n, 3, 3) and report covariances (k, 3, 3), in m^2:
    the NumPy reference (LU) of the compiled :func:`kernels.pair_log_determinant`
    (cofactors), which the tracker runs. Returns (m,)."""
    innovation_cov = track_position_cov[track_index] + measurement_cov[measurement_index]
    return np.linalg.slogdet(innovation_cov)[1]


def likelihood_log_odds(detection_probability: float, new_target_density_ratio: float,
                        ) -> float:
    """``2 ln(P_D / ((1 - P_D) (1 + rho) (2 pi)^(3/2)))``: :func:`likelihood_gate` less
    its false-alarm density term ``-2 ln beta``."""
    return float(2.0 * (np.log(detection_probability) - np.log1p(-detection_probability)
                        - np.log1p(new_target_density_ratio) - 1.5 * np.log(2.0 * np.pi)))


def likelihood_gate(detection_probability: float, false_alarm_density_m3: np.ndarray,
                    new_target_density_ratio: float) -> np.ndarray:
    """The constant ``G_L`` of the likelihood gain of :func:`likelihood_gain`, per report.

    ``2 ln(P_D / ((1 - P_D) (1 + rho) beta (2 pi)^(3/2)))``, with ``P_D`` the detection
    probability, ``beta`` (k,) the false-alarm density at each report (per m^3 and scan;
    :func:`iadsim.tracking.score.false_alarm_density`) and ``rho`` the new-target density
    over the false-alarm density: twice the log of the ratio of the two ways a report
    and a track may go unpaired (the track missed, ``1 - P_D``; the report a false alarm
    or a new target, density ``(1 + rho) beta``) to the Gaussian's normalization. It is
    Blackman's maximum-likelihood gate (Blackman and Popoli 1999, ch. 6) for
    ``|S| = 1 m^6``. Returns (k,)."""
    return (likelihood_log_odds(detection_probability, new_target_density_ratio)
            - 2.0 * np.log(false_alarm_density_m3))


def likelihood_gain(distance2: np.ndarray, log_determinant: np.ndarray,
                    gate: np.ndarray) -> np.ndarray:
    """The assignment gain of gated pairs under ``tracking.association_cost: likelihood``.

    ``G_L - d^2 - ln|S|``: ``distance2`` (m,) the squared Mahalanobis distance ``d^2``,
    ``log_determinant`` (m,) ``ln|S|`` (S in m^2), ``gate`` (m,) the :func:`likelihood_gate`
    ``G_L`` of each pair's report. Twice the log-likelihood ratio of "the track's report"
    (``P_D N(r; 0, S)``) to "the track missed and the report is a false alarm or a new
    target" (``(1 - P_D) (1 + rho) beta``): twice the track score's plot increment less
    its miss increment (:mod:`iadsim.tracking.score`) less ``2 ln(1 + rho)``. Maximizing
    its sum is the GNN under the generalized statistical distance ``d^2 + ln|S|``
    (Blackman and Popoli 1999, ch. 6): unlike ``G - d^2``, a wide gate (a coasting
    track) pays for its width, so it does not win a report that a tight track expects. A
    pair is worth taking only when the gain is positive (the gate ``d^2 < G_L - ln|S|``,
    inside the chi-square gate the pairs already passed). (m,) gains."""
    return gate - distance2 - log_determinant


def likelihood_distance2(distance2: np.ndarray, log_determinant: np.ndarray,
                         gate: np.ndarray, gate_threshold: float) -> np.ndarray:
    """The ``D`` whose classic gain ``G - D`` (``G`` the chi-square ``gate_threshold``) is
    the :func:`likelihood_gain` (same arrays): ``d^2 + ln|S| - (G_L - G)``, the
    generalized statistical distance shifted by a constant per report, so that the
    tracker's assignment (and :func:`priced_gain`) prices the pairs by the likelihood
    unchanged. (m,). The tracker runs the compiled :func:`kernels.likelihood_distance2`,
    which forms ``G_L`` and ``ln|S|`` itself; this is its reference."""
    return distance2 + log_determinant - (gate - gate_threshold)


def coasting_distance2(distance2: np.ndarray, log_determinant: np.ndarray,
                       reference_log_determinant: np.ndarray) -> np.ndarray:
    """The ``D`` of gated pairs under ``tracking.association_cost: coasting_likelihood``:
    ``d^2 + max(ln|S| - ln|S_ref|, 0)``, whose classic gain ``G - D`` is the assignment
    gain.

    ``distance2`` (m,) the squared Mahalanobis distance ``d^2`` under the track's
    prediction, ``log_determinant`` (m,) its ``ln|S|`` (S = P + R in m^2), and
    ``reference_log_determinant`` (m,) ``ln|S_ref|``: the same track's innovation
    covariance had it been updated no longer ago than its allowance of missed revisits
    (``coast_free_revisits``; ``S_ref = S`` for a track on schedule).

    Likelihood-ratio reading: ``G - D`` is twice the log of the ratio of the pair's
    Gaussian likelihood ``N(r; 0, S)`` to the likelihood of "the track missed and the
    report is something else" (Blackman and Popoli 1999, sec. 6.5), the latter's density
    set per track at ``N``'s value on the chi-square gate of the reference width,
    ``exp(-G / 2) / sqrt((2 pi)^3 |S_ref|)``. With ``S_ref = S`` this is the classic
    gain ``G - d^2`` (the ``distance`` cost: a false-alarm density that grows with every
    gate, so a wide gate is free); the likelihood cost instead fixes the density per
    report, so every difference of width between tracks is priced, also the small ones
    between neighbours in a crowd (one missed a detection), which feed back (the wider
    loses the report and is wider at the next scan). Here only the width a track gained
    by coasting past its allowance is priced, as the likelihood prices it: a coasting
    track (a killed target's) no longer wins a tight neighbour's report, and a crowd whose
    tracks miss no more than the allowance is priced as by ``distance``. A track is never
    rewarded for being narrower than its reference (``max(., 0)``). (m,)."""
    return distance2 + np.maximum(log_determinant - reference_log_determinant, 0.0)


def priced_gain(pricing_distance2: np.ndarray, gate_distance2: np.ndarray,
                gate_threshold: float) -> np.ndarray:
    """The assignment gain of gated pairs priced otherwise than by their gate.

    A track may be gated broadly (an IMM track on its broadest model, so that a hard
    turn's first report is in its gate) and priced by what it expects (its combined
    prediction): ``gate_distance2`` (m,) is each pair's ``d_g^2`` in the gate,
    ``pricing_distance2`` its ``d_p^2`` under the pricing. The gain is

        ``max(G - d_p^2, 0) + GATE_GAIN_WEIGHT (G - d_g^2)``:

    the classic GNN gain under the pricing, plus a small positive gain under the gate,
    so that a report only the broad gate holds is still taken when no track prices it
    higher (the onset of a hard turn), but never preferred to a report that the pricing
    expects (a neighbour's, in a crowd). (m,) gains, > 0 for every gated pair.
    Blackman and Popoli 1999, sec. 6.5 (the GNN gain) and 4.6 (an IMM's gate as the
    union of its models' gates).
    """
    return (np.maximum(gate_threshold - pricing_distance2, 0.0)
            + GATE_GAIN_WEIGHT * (gate_threshold - gate_distance2))


def may_gate(track_position: np.ndarray, track_position_cov: np.ndarray,
             measurement: np.ndarray, measurement_cov: np.ndarray,
             gate_threshold: float) -> bool:
    """False only when no track/measurement pair can pass the gate (same arrays as
    :func:`gated_pairs`, positions already predicted): a cheap test before a whole
    prediction, gating and assignment, e.g. of a radar's leftover clutter against the
    tracks other radars started at the same time. A Euclidean necessary condition with a
    margin of 1e-6 (so never False where :func:`gated_pairs` would find a pair); True
    without testing above ``BRUTE_FORCE_PAIRS`` pairs."""
    if track_position.shape[0] * measurement.shape[0] > BRUTE_FORCE_PAIRS:
        return True
    return bool(kernels.any_pair_within_reach(
        np.ascontiguousarray(track_position, dtype=float),
        np.ascontiguousarray(track_position_cov, dtype=float),
        np.ascontiguousarray(measurement, dtype=float),
        np.ascontiguousarray(measurement_cov, dtype=float), gate_threshold, 1e-6))


def may_gate_later(measurement: np.ndarray, measurement_cov: np.ndarray,
                   time_s: np.ndarray, group: np.ndarray, rows: np.ndarray,
                   gate_threshold: float, velocity_variance: float,
                   process_noise_density: float) -> bool:
    """False only when none of the reports ``rows`` (k,) (of positions (n, 3),
    covariances (n, 3, 3), times (n,)) may pass the gate of a one-plot track started on a
    report of an earlier ``group`` (n,) (nondecreasing over ``rows``; a scan each), its
    velocity variance ``velocity_variance`` (m^2/s^2 per axis), grown by the process
    noise ``process_noise_density`` (m^2/s^3): a Euclidean necessary condition with a
    margin of 1e-6, as :func:`may_gate`. True without testing above
    ``LATER_PAIRS_TESTED`` pairs."""
    if rows.size * (rows.size - 1) > 2 * LATER_PAIRS_TESTED:
        return True
    return bool(kernels.any_later_pair_within_reach(
        np.ascontiguousarray(measurement, dtype=float),
        np.ascontiguousarray(measurement_cov, dtype=float),
        np.ascontiguousarray(time_s, dtype=float), np.ascontiguousarray(group),
        np.ascontiguousarray(rows, dtype=np.intp), gate_threshold, velocity_variance,
        process_noise_density, 1e-6))


def _gate(arrays: tuple[np.ndarray, ...], gate_threshold: float, max_pairs_per_track: int,
          limits: CrowdLimits,
          report_cov: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The gate kernel for the size of the problem: every pair for small ones (cheaper
    than building a grid), else the grid, else (a crowd: the grid gave up) the tree. All
    three give the same pairs. Returns the pairs, their ``d^2`` and the number of tracks
    cut (or capped: a capped search may have missed nearer reports, so the caller's second
    pass from the reports' side is made as for a cut). The tree searches each track's
    reports in metres or in coordinates where the mean of ``report_cov`` (k, 3, 3) is
    round (:func:`_whitening`), whichever makes its gate rounder."""
    n_tracks, n_measurements = arrays[0].shape[0], arrays[2].shape[0]
    if n_tracks * n_measurements <= BRUTE_FORCE_PAIRS:
        limits.distances_computed += n_tracks * n_measurements
        return kernels.gate_every_pair(*arrays, gate_threshold, max_pairs_per_track)
    points = n_tracks + n_measurements
    *pairs, cut, computed = kernels.gate_by_grid(
        *arrays, gate_threshold, GRID_CELL_FACTOR,
        min(MAX_GRID_CELLS, GRID_CELLS_PER_POINT * points), max_pairs_per_track,
        GRID_TESTS_PER_POINT * points)
    limits.distances_computed += computed
    if cut >= 0:
        return pairs[0], pairs[1], pairs[2], cut
    # Each track searches in the coordinates where its gate is rounder: metres (a young
    # track's wide, round gate) or those where the typical report is round (a crowd's
    # settled tracks, as long across the range as their reports).
    whitening = _whitening(report_cov)
    whitened = _rounder_whitened(arrays[1], arrays[3], whitening)
    parts, cut, capped, computed = [], 0, 0, 0
    for rows, transform in ((np.flatnonzero(~whitened), np.eye(3)),
                            (np.flatnonzero(whitened), whitening)):
        if rows.size == 0:
            continue
        every = rows.size == n_tracks
        local, measurement_index, distance2, part_cut, part_capped, part_computed = (
            gating_tree.gate_by_tree(
                arrays[0] if every else arrays[0][rows], arrays[1] if every else arrays[1][rows],
                arrays[2], arrays[3], gate_threshold, max_pairs_per_track,
                CANDIDATES_PER_KEPT_PAIR * max_pairs_per_track, TREE_LEAF_SIZE, transform))
        parts.append((rows[local], measurement_index, distance2))
        cut, capped, computed = cut + part_cut, capped + part_capped, computed + part_computed
    limits.distances_computed += computed
    if len(parts) == 1:
        track_index, measurement_index, distance2 = parts[0]
    else:
        track_index, measurement_index, distance2 = (np.concatenate(part) for part in zip(
            *parts, strict=True))
        order = track_index.argsort(kind="stable")  # track by track, reports in order
        track_index, measurement_index, distance2 = (
            track_index[order], measurement_index[order], distance2[order])
    if capped:
        limits.capped_searches += capped
        limits.warn_once(f"{capped} of {n_tracks} gate searches stopped after "
                         f"{CANDIDATES_PER_KEPT_PAIR * max_pairs_per_track} candidates")
    return track_index, measurement_index, distance2, cut + capped


def _rounder_whitened(searching_cov: np.ndarray, searched_cov: np.ndarray,
                      whitening: np.ndarray) -> np.ndarray:
    """Per row of ``searching_cov`` (n, 3, 3): whether its sum with the mean of the finite
    ``searched_cov`` (k, 3, 3), a typical gate, is rounder after ``whitening`` (W C W^T)
    than in metres; roundness is the Gershgorin bound of the largest eigenvalue over the
    mean eigenvalue (1 for a sphere, up to 3). False for non-finite rows."""
    finite = np.isfinite(searched_cov).all(axis=(1, 2))
    typical = searched_cov[finite].mean(axis=0) if finite.any() else np.zeros((3, 3))
    gate = searching_cov + typical
    moved = np.einsum("ab,nbc,dc->nad", whitening, gate, whitening)

    def elongation(covariance: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return (np.abs(covariance).sum(axis=2).max(axis=1)
                    / np.trace(covariance, axis1=1, axis2=2))

    return elongation(moved) < elongation(gate)


def _whitening(covariance: np.ndarray) -> np.ndarray:
    """``C^-1/2`` (3, 3) of the mean ``C`` of the finite covariances (k, 3, 3): in these
    coordinates a typical report's error is round, so the tree's Euclidean bounds of the
    Mahalanobis distance are tight (radar reports are often ten times longer across than
    along the range; with metres, a crowd's search tested ten times more reports). The
    identity when there is no usable mean."""
    finite = np.isfinite(covariance).all(axis=(1, 2))
    if not finite.any():
        return np.eye(3)
    values, vectors = np.linalg.eigh(covariance[finite].mean(axis=0))
    if not (values.min() > 1e-12 * values.max() > 0.0):
        return np.eye(3)
    return (vectors / np.sqrt(values)) @ vectors.T


def assign(track_index: np.ndarray, measurement_index: np.ndarray, gain: np.ndarray,
           n_tracks: int, n_measurements: int,
           limits: CrowdLimits | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One-to-one assignment of gated pairs that maximizes the summed ``gain``.

    This is global nearest neighbour with the gain ``G - d^2`` of :func:`gated_pairs`
    (Blackman and Popoli 1999, sec. 6.5). Pairs with a gain <= 0 are never worth taking.
    Tracks and measurements linked by pairs form clusters, and the optimum of the whole is
    the union of the clusters' optima: a cluster of one pair takes it, a cluster of up to
    ``DENSE_ASSIGNMENT_SIZE`` tracks + measurements is solved dense in compiled code
    (:func:`kernels.assign_clusters`), a larger one sparse (:func:`_solve_sparse`), one of
    more than ``GREEDY_CLUSTER_SIZE`` greedily (:func:`gating_tree.assign_greedy`; counted
    in ``limits`` and warned once). The test suite checks both optimal solvers and the
    clustering against SciPy's dense optimum.

    Returns (track_index, measurement_index) of the assigned pairs, sorted by track.
    """
    worth = gain > 0.0
    if not worth.all():
        track_index, measurement_index, gain = (
            track_index[worth], measurement_index[worth], gain[worth])
    if track_index.size == 0:
        return track_index, measurement_index
    tracks, measurements, left, left_rank, left_clusters = kernels.assign_clusters(
        np.asarray(track_index, dtype=np.intp), np.asarray(measurement_index, dtype=np.intp),
        np.asarray(gain, dtype=float), n_tracks, n_measurements, DENSE_ASSIGNMENT_SIZE)
    chosen_tracks, chosen_measurements = [tracks], [measurements]
    for start, stop, cluster_tracks, cluster_measurements in left_clusters.tolist():
        # A large cluster, solved sparse on its pairs' ranks, then mapped back.
        pairs, rank = left[start:stop], left_rank[start:stop]
        if cluster_tracks + cluster_measurements > GREEDY_CLUSTER_SIZE:
            rows, columns = _assign_greedy(rank[:, 0], rank[:, 1], gain[pairs],
                                           cluster_tracks, cluster_measurements, limits)
        else:
            rows, columns = _solve_sparse(rank[:, 0], rank[:, 1], gain[pairs],
                                          cluster_tracks, cluster_measurements)
        track_of_rank = np.empty(cluster_tracks, dtype=np.intp)
        track_of_rank[rank[:, 0]] = track_index[pairs]
        measurement_of_rank = np.empty(cluster_measurements, dtype=np.intp)
        measurement_of_rank[rank[:, 1]] = measurement_index[pairs]
        chosen_tracks.append(track_of_rank[rows])
        chosen_measurements.append(measurement_of_rank[columns])
    tracks, measurements = np.concatenate(chosen_tracks), np.concatenate(chosen_measurements)
    order = tracks.argsort(kind="stable")
    return tracks[order], measurements[order]


def _assign_greedy(rows: np.ndarray, columns: np.ndarray, gain: np.ndarray, n_rows: int,
                   n_columns: int, limits: CrowdLimits | None) -> tuple[np.ndarray, np.ndarray]:
    """Greedy assignment of one large cluster: best gain first, ties by row then column
    (a total order, so the result does not depend on the order of the pairs)."""
    limits = CrowdLimits() if limits is None else limits
    limits.greedy_clusters += 1
    limits.greedy_members += n_rows + n_columns
    limits.warn_once(f"a cluster of {n_rows} tracks and {n_columns} reports (more than "
                     f"{GREEDY_CLUSTER_SIZE}) assigned greedily, not optimally")
    order = np.lexsort((columns, rows, -gain))
    return gating_tree.assign_greedy(rows, columns, order, n_rows, n_columns)


def _solve_sparse(rows: np.ndarray, columns: np.ndarray, gain: np.ndarray, n_rows: int,
                  n_columns: int) -> tuple[np.ndarray, np.ndarray]:
    """SciPy's sparse LAPJVsp (``min_weight_full_bipartite_matching``) on the gated pattern
    of the augmented matrix ``[[K - gain, K/2 on the diagonal], [K/2 on the diagonal,
    ~0]]``, whose optimum is the same for any constant ``K`` (a matched pair replaces two
    unmatched sides: K - gain against K)."""
    top = float(gain.max()) + 1.0  # K: every matched pair weighs K - gain >= 1
    tiny = 1e-9  # LAPJVsp needs non-zero weights; the dummy-dummy block costs ~nothing
    all_rows = np.concatenate([rows, np.arange(n_rows), n_rows + np.arange(n_columns),
                               n_rows + columns])
    all_columns = np.concatenate([columns, n_columns + np.arange(n_rows), np.arange(n_columns),
                                  n_columns + rows])
    weights = np.concatenate([top - gain, np.full(n_rows + n_columns, top / 2.0),
                              np.full(gain.size, tiny)])
    matrix = coo_matrix((weights, (all_rows, all_columns)),
                        shape=(n_rows + n_columns, n_columns + n_rows)).tocsr()
    matched_rows, matched_columns = min_weight_full_bipartite_matching(matrix)
    real = (matched_rows < n_rows) & (matched_columns < n_columns)
    return matched_rows[real], matched_columns[real]
