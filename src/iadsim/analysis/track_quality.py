"""Track quality: how close a set of track positions is to the set of true positions.

Two metrics between finite sets of points, both with a cut-off distance ``c`` and an order
``p`` (``1 <= p < inf``):

* OSPA (optimal subpattern assignment), Schuhmacher, Vo and Vo, "A consistent metric for
  performance evaluation of multi-object filters", IEEE Trans. Signal Processing 56(8),
  2008, doi:10.1109/TSP.2008.920469, eq. (3): for ``|X| = m <= n = |Y|``

  ``d(X, Y) = ( (1/n) (min_pi sum_i min(c, |x_i - y_pi(i)|)^p + c^p (n - m)) )^(1/p)``,

  0 when both sets are empty and ``c`` when exactly one is. A per-object average: it does
  not grow with the number of objects.
* GOSPA (generalized OSPA), Rahmathullah, Garcia-Fernandez and Svensson, "Generalized
  optimal sub-pattern assignment metric", FUSION 2017, arXiv:1601.05585, eq. (1): the same
  sum without the ``1/n`` and with ``c^p / alpha`` per cardinality mismatch
  (``0 < alpha <= 2``). With ``alpha = 2`` (eq. (2)) it splits into localisation error over
  the assigned pairs (all closer than ``c``), ``c^p / 2`` per missed truth and ``c^p / 2``
  per false estimate.

The assignment minimizes the sum of the cut-off distances raised to ``p`` (not the sum of
distances, which differs when ``p != 1``); SciPy's ``linear_sum_assignment`` solves it. A
pair at the cut-off or beyond costs ``c^p`` whether it is assigned or not, so only pairs
closer than ``c`` matter: for large sets the pairs within ``c`` (a k-d tree query) split
into independent clusters, each solved on its own, which is exactly the same optimum as the
full square problem at a fraction of its cost.

:func:`track_quality` (:func:`score_tracks` on a run's tables) applies them over a run:
the recorded picture against the recorded truth at every time, with the pairing-based
counts (breaks, ID switches, false tracks, time to confirm) that come with them; the
breaks and switches that outlast a hold are counted by
:mod:`iadsim.analysis.track_continuity`.
"""

from __future__ import annotations

from numbers import Real
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from iadsim.analysis.scoring_kernel import COUNT_COLUMNS, score_times
from iadsim.analysis.summary import first_detection_rows
from iadsim.analysis.track_continuity import DEFAULT_BREAK_HOLD_S, ContinuityCounter

if TYPE_CHECKING:
    from iadsim.api import RunResult

#: Above this many estimate-truth pairs the assignment is solved cluster by cluster.
DENSE_PAIRS_LIMIT = 10_000

#: Whether :func:`score_tracks` with order 2 walks the times in the compiled kernel
#: (:mod:`iadsim.analysis.scoring_kernel`, the same results); False takes the general
#: loop at every order (the tests hold the kernel to it).
COMPILED_SCORING = True


class GospaParts(NamedTuple):
    """GOSPA with ``alpha = 2`` and its parts, each raised to the power ``p`` before the root.

    ``distance = (localisation + missed + false) ** (1 / p)``; ``localisation`` is the sum
    of assigned distances to the ``p``; ``missed`` and ``false`` are ``c^p / 2`` times the
    number of unassigned truths and estimates.
    """

    distance: float
    localisation: float
    missed: float
    false: float
    assigned: int


def ospa(estimates: np.ndarray, truths: np.ndarray, c: float, p: float = 1.0) -> float:
    """OSPA distance between two sets of points (Schuhmacher, Vo and Vo 2008, eq. (3)).

    Parameters
    ----------
    estimates, truths:
        Points, shape (n, d) and (m, d), any length unit (the same for both and for ``c``).
        Either may be empty (shape (0, d); a bare empty array is accepted).
    c:
        Cut-off distance, > 0: the most one point can contribute.
    p:
        Order, ``1 <= p < inf``: higher values weigh outliers more.

    Returns
    -------
    float
        In ``[0, c]``, the unit of the points.
    """
    estimates, truths = _check(estimates, truths, c, p)
    n_small, n_large = sorted((estimates.shape[0], truths.shape[0]))
    if n_large == 0:
        return 0.0
    cost, _ = _assignment_cost(estimates, truths, c, p)
    total = cost + c**p * (n_large - n_small)
    return float((total / n_large) ** (1.0 / p))


def gospa(estimates: np.ndarray, truths: np.ndarray, c: float, p: float = 1.0,
          alpha: float = 2.0) -> float:
    """GOSPA distance (Rahmathullah, Garcia-Fernandez and Svensson 2017, eq. (1)).

    Parameters are those of :func:`ospa`, plus ``alpha`` in ``(0, 2]``, the weight of a
    cardinality mismatch (``c^p / alpha`` each); ``alpha = 2`` gives the form that counts
    missed and false objects (see :func:`gospa_parts`). Not normalized: it grows with the
    number of objects. Returns a float >= 0 in the unit of the points.
    """
    if not (isinstance(alpha, Real) and 0.0 < alpha <= 2.0):
        raise ValueError(f"alpha must be in (0, 2], got {alpha!r}")
    estimates, truths = _check(estimates, truths, c, p)
    n_small, n_large = sorted((estimates.shape[0], truths.shape[0]))
    if n_large == 0:
        return 0.0
    cost, _ = _assignment_cost(estimates, truths, c, p)
    return float((cost + c**p / alpha * (n_large - n_small)) ** (1.0 / p))


def gospa_parts(estimates: np.ndarray, truths: np.ndarray, c: float,
                p: float = 1.0) -> GospaParts:
    """GOSPA with ``alpha = 2`` split into localisation, missed and false parts (eq. (2)).

    Parameters as :func:`ospa`. ``estimates`` are the tracks, ``truths`` the true objects:
    an unassigned truth is missed, an unassigned estimate is false.
    """
    estimates, truths = _check(estimates, truths, c, p)
    localisation, assigned = _assignment_cost(estimates, truths, c, p, inside_only=True)
    missed = c**p / 2.0 * (truths.shape[0] - assigned)
    false = c**p / 2.0 * (estimates.shape[0] - assigned)
    distance = (localisation + missed + false) ** (1.0 / p)
    return GospaParts(float(distance), float(localisation), float(missed), float(false),
                      int(assigned))


def _check(estimates: np.ndarray, truths: np.ndarray, c: float,
           p: float) -> tuple[np.ndarray, np.ndarray]:
    if not (isinstance(c, Real) and np.isfinite(c) and c > 0):
        raise ValueError(f"c must be a finite distance > 0, got {c!r}")
    if not (isinstance(p, Real) and np.isfinite(p) and p >= 1):
        raise ValueError(f"p must be a finite order >= 1, got {p!r}")
    arrays = []
    for name, values in (("estimates", estimates), ("truths", truths)):
        array = np.asarray(values, dtype=float)
        if array.size == 0 and array.ndim != 2:
            array = np.zeros((0, 0))  # a bare empty set: no dimension to check
        if array.ndim != 2:
            raise ValueError(f"{name} must be an array of points of shape (n, d), "
                             f"got shape {array.shape}")
        if not np.isfinite(array).all():
            raise ValueError(f"{name} must hold finite coordinates")
        arrays.append(array)
    first, second = arrays
    if first.shape[0] and second.shape[0] and first.shape[1] != second.shape[1]:
        raise ValueError(f"estimates and truths must have the same dimension d, got "
                         f"{first.shape[1]} and {second.shape[1]}")
    return first, second


def _assignment_cost(estimates: np.ndarray, truths: np.ndarray, c: float, p: float,
                     inside_only: bool = False) -> tuple[float, int]:
    """The optimal assignment of the smaller set into the larger one.

    Returns ``(cost, pairs)``: by default ``cost`` is ``sum min(d, c)^p`` over the
    ``min(m, n)`` assigned pairs; with ``inside_only`` it is the sum of ``d^p`` over the
    assigned pairs closer than ``c`` only. ``pairs`` counts the pairs closer than ``c``.
    """
    _, _, distance = optimal_pairs(estimates, truths, c, p)
    inside_cost = float((distance**p).sum())
    if inside_only:
        return inside_cost, distance.size
    n_small = min(estimates.shape[0], truths.shape[0])
    return inside_cost + c**p * (n_small - distance.size), distance.size


def optimal_pairs(estimates: np.ndarray, truths: np.ndarray, c: float,
                  p: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs closer than ``c`` of an optimal OSPA/GOSPA assignment (inputs unchecked).

    Minimizing ``sum min(d, c)^p`` over assignments of the smaller set is minimizing the
    sum of ``d^p - c^p`` (all negative) over matchings on the pairs closer than ``c``.
    Small problems are solved as one dense assignment; large ones cluster by cluster, the
    clusters being the connected parts of the graph of pairs closer than ``c`` (they do
    not interact), with a pair alone in its cluster simply taken.

    Returns
    -------
    estimate_index, truth_index, distance:
        Shape (k,) each: the assigned pairs closer than ``c`` and their distances.
    """
    empty = (np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0))
    if estimates.shape[0] == 0 or truths.shape[0] == 0:
        return empty
    if estimates.shape[0] * truths.shape[0] <= DENSE_PAIRS_LIMIT:
        distance = np.linalg.norm(estimates[:, None, :] - truths[None, :, :], axis=2)
        rows, columns = linear_sum_assignment(np.where(distance < c, distance**p, c**p))
        inside = distance[rows, columns] < c
        return rows[inside], columns[inside], distance[rows, columns][inside]
    pairs = cKDTree(estimates).sparse_distance_matrix(cKDTree(truths), c,
                                                      output_type="ndarray")
    keep = pairs["v"] < c
    row, column, distance = pairs["i"][keep], pairs["j"][keep], pairs["v"][keep]
    if row.size == 0:
        return empty
    n_estimates = estimates.shape[0]
    nodes = n_estimates + truths.shape[0]
    graph = coo_matrix((np.ones(row.size), (row, n_estimates + column)), shape=(nodes, nodes))
    _, label = connected_components(graph, directed=False)
    cluster = label[row]
    order = np.argsort(cluster, kind="stable")
    row, column, distance, cluster = row[order], column[order], distance[order], cluster[order]
    starts = np.flatnonzero(np.r_[True, cluster[1:] != cluster[:-1]])
    ends = np.r_[starts[1:], cluster.size]
    single = ends - starts == 1
    chosen = [starts[single]]  # one pair alone in its cluster: take it
    for start, end in zip(starts[~single], ends[~single], strict=True):
        _, row_index = np.unique(row[start:end], return_inverse=True)
        _, column_index = np.unique(column[start:end], return_inverse=True)
        gain = np.zeros((row_index.max() + 1, column_index.max() + 1))
        gain[row_index, column_index] = distance[start:end] ** p - c**p
        pair_of = np.full(gain.shape, -1)
        pair_of[row_index, column_index] = np.arange(start, end)
        picked_rows, picked_columns = linear_sum_assignment(gain)
        picked = gain[picked_rows, picked_columns] < 0
        chosen.append(pair_of[picked_rows[picked], picked_columns[picked]])
    taken = np.sort(np.concatenate(chosen))
    return row[taken], column[taken], distance[taken]


#: Defaults of :func:`track_quality`: cut-off 1 km (a track farther than that from every
#: threat is as bad as none for cueing a fire unit), order 2 (outliers weigh more).
DEFAULT_CUTOFF_M = 1_000.0
DEFAULT_ORDER = 2.0

#: How :func:`score_tracks` carries a track's last recorded state to a later time.
EXTRAPOLATIONS = ("velocity", "ballistic", "picture")
#: Default: the tracker's own prediction (what the battle manager sees at that time).
DEFAULT_EXTRAPOLATION = "picture"

#: The recorded acceleration columns of ``run.tracks`` (:mod:`iadsim.engine.track_recording`).
ACCELERATION_COLUMNS = ("acceleration_east_mps2", "acceleration_north_mps2",
                        "acceleration_up_mps2")


def track_quality(run: RunResult, c_m: float = DEFAULT_CUTOFF_M,
                  p: float = DEFAULT_ORDER, extrapolation: str = DEFAULT_EXTRAPOLATION,
                  break_hold_s: float = DEFAULT_BREAK_HOLD_S) -> pd.DataFrame:
    """Track quality of a run over time: OSPA, GOSPA, RMSE, breaks, switches, false tracks.

    Reads the truth (``run.truth``): this is the analysis, the one place that scores the
    picture against it. See :func:`score_tracks` for the arguments and the columns; the
    run-level figures are in ``frame.attrs["summary"]``.
    """
    return score_tracks(run.tracks, run.truth, run.events, run.threats, c_m, p,
                        extrapolation=extrapolation, break_hold_s=break_hold_s)


def score_tracks(tracks: pd.DataFrame, truth: pd.DataFrame, events: pd.DataFrame,
                 threats: pd.DataFrame, c_m: float = DEFAULT_CUTOFF_M,
                 p: float = DEFAULT_ORDER, extrapolation: str = DEFAULT_EXTRAPOLATION,
                 break_hold_s: float = DEFAULT_BREAK_HOLD_S) -> pd.DataFrame:
    """Score recorded tracks against the truth at every recorded time.

    At each time ``t`` of ``truth`` or ``tracks`` the picture is every confirmed track
    seen by then and not yet ended (its ``track_drop`` or ``track_merge`` event; with
    ``extrapolation="velocity"`` only its drop, as before issue 18), at its last recorded
    state carried to ``t`` by ``extrapolation``; the truth is every live threat at ``t``.
    A number recorded again after its end (``tracking.segment_association`` re-joined a
    new track to it) is live again: one track, so a re-joined target counts no ID switch.
    Tracks and threats are paired by the optimal OSPA/GOSPA assignment with cut-off
    ``c_m`` and order ``p`` (a pair at ``c_m`` or farther is no pair).

    Definitions (per threat, over the times it is live):

    * a *track break* (time by time) is a time at which a threat paired at its previous
      time is unpaired;
    * an *ID switch* (time by time) is a time at which a threat is paired with another
      track than the one it was last paired with;
    * a *held break*, a *drop break* and a *held ID switch* are the same events made
      robust to a track crossing the cut-off back and forth: a loss of pairing counts
      once the threat has stayed unpaired for ``break_hold_s`` or its track is dropped;
      a drop break is the threat's track dropped while the threat lives and no other
      track holds it; a switch counts once the new track has kept the threat for
      ``break_hold_s`` or the old track has ended
      (:mod:`iadsim.analysis.track_continuity`). With ``break_hold_s = 0`` the held
      counts equal the time-by-time ones;
    * a *false track* is a track never paired with any threat in its life;
    * *time to confirm* is a threat's first pairing time minus its first detection (from
      the ``detection`` events; its launch time when detections were not recorded).

    Parameters
    ----------
    tracks, truth, events, threats:
        ``run.tracks``, ``run.truth``, ``run.events`` and ``run.threats`` of a run.
    c_m:
        Cut-off distance, m, > 0.
    p:
        Order, ``1 <= p < inf``.
    extrapolation:
        ``velocity`` (the scoring before issue 18, kept to compare): ``p + v dt``, and a
        merged track stays in the picture (a fault of that scoring); ``ballistic``: ``p + v dt``,
        plus ``a dt^2 / 2`` for the rows flown with the ballistic model (their recorded
        acceleration, gravity: -9.80665 m/s^2 on up in the local flat frame, as the
        tracker's ballistic model); ``picture``: ``p + v dt + a dt^2 / 2`` with every
        row's recorded acceleration (gravity, the IMM's combined estimate or zero), the
        very prediction the tracker's picture makes at ``t`` until the track's next
        update. Rows without the acceleration columns (recorded before them) have zero
        acceleration.
    break_hold_s:
        The hold of the held counts, s, >= 0 (default 20: two revisits of a 10 s radar).

    Returns
    -------
    pandas.DataFrame
        One row per time: ``time_s``, ``tracks``, ``truths``, ``assigned``, ``ospa_m``,
        ``gospa_m`` (alpha = 2), ``gospa_localisation``, ``gospa_missed``, ``gospa_false``
        (the parts, in m^p), ``position_rmse_m`` (over the pairs; NaN without any),
        ``track_breaks``, ``id_switches``, ``unassigned_tracks``, ``held_track_breaks``,
        ``drop_breaks``, ``held_id_switches`` (each held count at the time its loss or
        switch began). ``attrs["summary"]``: the means and totals (see
        :func:`quality_summary`).
    """
    _check(np.zeros((0, 3)), np.zeros((0, 3)), c_m, p)
    if extrapolation not in EXTRAPOLATIONS:
        raise ValueError(f"extrapolation must be one of {', '.join(EXTRAPOLATIONS)}, "
                         f"got {extrapolation!r}")
    if not (isinstance(break_hold_s, Real) and 0.0 <= break_hold_s < np.inf):
        raise ValueError(f"break_hold_s must be a finite time >= 0 s, got {break_hold_s!r}")
    track_time = tracks["time_s"].to_numpy()
    track_ids, track_index = np.unique(tracks["track_id"].to_numpy(), return_inverse=True)
    track_position = tracks[["east_m", "north_m", "up_m"]].to_numpy()
    track_velocity = tracks[["velocity_east_mps", "velocity_north_mps",
                             "velocity_up_mps"]].to_numpy()
    track_acceleration = _recorded_acceleration(tracks, extrapolation)
    truth_time = truth["time_s"].to_numpy()
    truth_id = truth["threat_id"].to_numpy()
    truth_position = truth[["east_m", "north_m", "up_m"]].to_numpy()
    times = np.union1d(track_time, truth_time)

    end_events = _end_events(events, track_ids, with_merges=extrapolation != "velocity")
    end_bounds = np.searchsorted(end_events["time_s"], times, side="right")
    # Each track's end as known at the scored time (inf while it lives), and whether that
    # end was a drop: a re-joined number lives again, so the ends are taken in time order.
    end_time = np.full(track_ids.size, np.inf)
    ended_by_drop = np.zeros(track_ids.size, dtype=bool)

    n_threats = len(threats)
    # The counter reads end_time and ended_by_drop as the loop updates them.
    continuity = ContinuityCounter(n_threats, times.size, end_time, ended_by_drop,
                                   break_hold_s)
    state_time = np.zeros(track_ids.size)
    state_position = np.zeros((track_ids.size, 3))
    state_velocity = np.zeros((track_ids.size, 3))
    state_acceleration = np.zeros((track_ids.size, 3))
    seen = np.zeros(track_ids.size, dtype=bool)
    ever_paired = np.zeros(track_ids.size, dtype=bool)
    paired_before = np.zeros(n_threats, dtype=bool)
    last_track = np.full(n_threats, -1)
    first_paired_s = np.full(n_threats, np.nan)
    track_bounds = np.searchsorted(track_time, times, side="right")
    truth_bounds = np.searchsorted(truth_time, times, side="right")
    if p == 2.0 and COMPILED_SCORING:
        # The default order: the compiled walk over the times, the same arithmetic
        # (iadsim.analysis.scoring_kernel).
        columns, squared_error, pairs_total = _score_compiled(
            times, track_time, track_index, track_position, track_velocity,
            track_acceleration, track_bounds, truth_bounds, truth_id, truth_position,
            end_events, end_bounds, c_m, break_hold_s,
            (end_time, ended_by_drop, state_time, state_position, state_velocity,
             state_acceleration, seen, ever_paired),
            (paired_before, last_track, first_paired_s), continuity)
    else:
        columns: dict[str, list[float]] = {name: [] for name in (
            "tracks", "truths", "assigned", "ospa_m", "gospa_m", "gospa_localisation",
            "gospa_missed", "gospa_false", "position_rmse_m", "track_breaks", "id_switches",
            "unassigned_tracks")}
        squared_error, pairs_total = 0.0, 0
        track_start, truth_start, end_start = 0, 0, 0
        for row, (time_s, track_stop, truth_stop, end_stop) in enumerate(
                zip(times, track_bounds, truth_bounds, end_bounds, strict=True)):
            ending = end_events["track"][end_start:end_stop]
            end_time[ending] = end_events["time_s"][end_start:end_stop]
            ended_by_drop[ending] = end_events["dropped"][end_start:end_stop]
            end_start = end_stop
            rows = track_index[track_start:track_stop]
            revived = rows[track_time[track_start:track_stop] > end_time[rows]]
            end_time[revived] = np.inf  # recorded after its end: a re-joined number
            ended_by_drop[revived] = False
            state_time[rows] = track_time[track_start:track_stop]
            state_position[rows] = track_position[track_start:track_stop]
            state_velocity[rows] = track_velocity[track_start:track_stop]
            if track_acceleration is not None:
                state_acceleration[rows] = track_acceleration[track_start:track_stop]
            seen[rows] = True
            live_tracks = (seen & (end_time > time_s)).nonzero()[0]
            estimates = carried_positions(
                state_position[live_tracks], state_velocity[live_tracks],
                None if track_acceleration is None else state_acceleration[live_tracks],
                time_s - state_time[live_tracks])
            ids = truth_id[truth_start:truth_stop]
            truths = truth_position[truth_start:truth_stop]
            track_start, truth_start = track_stop, truth_stop

            estimate_index, truth_index, distance = optimal_pairs(estimates, truths, c_m, p)
            # The squares serve the order-2 localisation, the RMSE and its run total (the same
            # sums NumPy took of each power apart, taken once).
            squares = distance**2
            squared_sum = squares.sum()
            localisation = float(squared_sum if p == 2.0 else (distance**p).sum())
            n_small, n_large = sorted((estimates.shape[0], truths.shape[0]))
            unpaired_small = n_small - distance.size
            ospa_value = (((localisation + c_m**p * (unpaired_small + n_large - n_small))
                           / n_large) ** (1.0 / p)) if n_large else 0.0
            missed = c_m**p / 2.0 * (truths.shape[0] - distance.size)
            false = c_m**p / 2.0 * (estimates.shape[0] - distance.size)

            paired_now = np.zeros(ids.size, dtype=bool)
            paired_now[truth_index] = True
            paired_threat = ids[truth_index]
            paired_track = live_tracks[estimate_index]
            breaks = int((paired_before[ids] & ~paired_now).sum())
            previous = last_track[paired_threat]
            switches = int(((previous >= 0) & (previous != paired_track)).sum())
            paired_before[ids] = paired_now
            last_track[paired_threat] = paired_track
            track_of = np.full(ids.size, -1)
            track_of[truth_index] = paired_track
            continuity.step(row, time_s, ids, track_of)
            fresh = np.isnan(first_paired_s[paired_threat])
            first_paired_s[paired_threat[fresh]] = time_s
            ever_paired[paired_track] = True
            squared_error += float(squared_sum)
            pairs_total += distance.size

            for name, value in (
                    ("tracks", estimates.shape[0]), ("truths", ids.size),
                    ("assigned", distance.size), ("ospa_m", ospa_value),
                    ("gospa_m", (localisation + missed + false) ** (1.0 / p)),
                    ("gospa_localisation", localisation), ("gospa_missed", missed),
                    ("gospa_false", false),
                    ("position_rmse_m", np.sqrt(squared_sum / distance.size) if distance.size
                     else np.nan),
                    ("track_breaks", breaks), ("id_switches", switches),
                    ("unassigned_tracks", estimates.shape[0] - distance.size)):
                columns[name].append(value)
    frame = pd.DataFrame({"time_s": times, **columns,
                          "held_track_breaks": continuity.held_breaks,
                          "drop_breaks": continuity.drop_breaks,
                          "held_id_switches": continuity.held_switches})
    reference_s = _first_detection_s(events, threats)
    confirm_delay = first_paired_s - reference_s
    frame.attrs["summary"] = quality_summary(
        frame, c_m, p, false_tracks=int((~ever_paired).sum()),
        position_rmse_m=np.sqrt(squared_error / pairs_total) if pairs_total else np.nan,
        time_to_confirm_s=confirm_delay[np.isfinite(confirm_delay)],
        extrapolation=extrapolation, break_hold_s=break_hold_s)
    return frame


def _score_compiled(times: np.ndarray, track_time: np.ndarray, track_index: np.ndarray,
                    track_position: np.ndarray, track_velocity: np.ndarray,
                    track_acceleration: np.ndarray | None, track_bounds: np.ndarray,
                    truth_bounds: np.ndarray, truth_id: np.ndarray,
                    truth_position: np.ndarray, end_events: dict[str, np.ndarray],
                    end_bounds: np.ndarray, c_m: float, break_hold_s: float,
                    tracks_state: tuple[np.ndarray, ...],
                    threat_state: tuple[np.ndarray, ...], continuity: ContinuityCounter,
                    ) -> tuple[dict[str, Any], float, int]:
    """The per-time columns of :func:`score_tracks` with order 2, walked by the compiled
    :func:`iadsim.analysis.scoring_kernel.score_times` (the same arithmetic as the loop
    of the general order); the times whose assignment is ambiguous are solved here by
    :func:`optimal_pairs`. Updates the state arrays in place; returns the columns, the
    sum of squared pair distances and the number of pairs."""
    p = 2.0
    c_power = c_m**p
    n_times, n_tracks = times.size, tracks_state[0].size
    counts = np.zeros((n_times, len(COUNT_COLUMNS)), dtype=np.int64)
    localisation = np.zeros(n_times)
    totals = np.zeros(2)
    live = np.zeros(n_tracks, dtype=np.intp)
    live_count = np.zeros(1, dtype=np.intp)
    estimates = np.zeros((n_tracks, 3))
    with_acceleration = track_acceleration is not None
    arguments = (
        np.ascontiguousarray(times, dtype=float), np.ascontiguousarray(track_time, dtype=float),
        np.ascontiguousarray(track_index, dtype=np.intp),
        np.ascontiguousarray(track_position, dtype=float),
        np.ascontiguousarray(track_velocity, dtype=float),
        np.ascontiguousarray(track_acceleration if with_acceleration
                             else np.zeros((0, 3)), dtype=float),
        with_acceleration, np.ascontiguousarray(track_bounds, dtype=np.intp),
        np.ascontiguousarray(truth_bounds, dtype=np.intp),
        np.ascontiguousarray(truth_id, dtype=np.intp),
        np.ascontiguousarray(truth_position, dtype=float),
        np.ascontiguousarray(end_events["time_s"], dtype=float),
        np.ascontiguousarray(end_events["track"], dtype=np.intp),
        np.ascontiguousarray(end_events["dropped"], dtype=bool),
        np.ascontiguousarray(end_bounds, dtype=np.intp), float(c_m), float(c_power),
        float(break_hold_s), DENSE_PAIRS_LIMIT, tracks_state,
        (*threat_state, continuity.holder, continuity.lost_row, continuity.lost_s,
         continuity.lost_counted, continuity.drop_counted, continuity.candidate,
         continuity.candidate_row, continuity.candidate_s),
        (counts, localisation, continuity.held_breaks, continuity.drop_breaks,
         continuity.held_switches, totals), live, live_count, estimates)
    given = (np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0), 0.0)
    row, resume = 0, False
    while True:
        row = score_times(row, resume, *given, *arguments)
        if row < 0:
            break
        truth_start = truth_bounds[row - 1] if row else 0
        pairs = optimal_pairs(estimates[:live_count[0]],
                              truth_position[truth_start:truth_bounds[row]], c_m, p)
        given = (*(np.ascontiguousarray(part, dtype=dtype)
                   for part, dtype in zip(pairs, (np.intp, np.intp, float), strict=True)),
                 float((pairs[2]**2).sum()))
        resume = True
    # The floats Python took time by time in the general loop, taken the same way: the
    # sums, products and quotients element by element in NumPy (the same IEEE operations
    # in the same order), the powers by Python's float power, as there.
    table = dict(zip(COUNT_COLUMNS, counts.T, strict=True))
    n_estimates, n_truths = table["tracks"], table["truths"]
    assigned = table["assigned"]
    n_small, n_large = np.minimum(n_estimates, n_truths), np.maximum(n_estimates, n_truths)
    c_power, root = c_m**p, 1.0 / p
    with np.errstate(invalid="ignore", divide="ignore"):
        ospa_base = ((localisation + c_power * (n_small - assigned + n_large - n_small))
                     / n_large)
    ospa_values = [base**root if large else 0.0
                   for base, large in zip(ospa_base.tolist(), n_large.tolist(), strict=True)]
    missed_values = c_power / 2.0 * (n_truths - assigned)
    false_values = c_power / 2.0 * (n_estimates - assigned)
    gospa_values = [total**root for total in
                    (localisation + missed_values + false_values).tolist()]
    missed_values, false_values = missed_values.tolist(), false_values.tolist()
    with np.errstate(invalid="ignore", divide="ignore"):
        rmse = np.where(assigned > 0, np.sqrt(localisation / assigned), np.nan)
    columns = {"tracks": table["tracks"], "truths": table["truths"], "assigned": assigned,
               "ospa_m": ospa_values, "gospa_m": gospa_values,
               "gospa_localisation": localisation, "gospa_missed": missed_values,
               "gospa_false": false_values, "position_rmse_m": rmse,
               "track_breaks": table["track_breaks"], "id_switches": table["id_switches"],
               "unassigned_tracks": table["unassigned_tracks"]}
    return columns, float(totals[0]), int(totals[1])


def carried_positions(position_m: np.ndarray, velocity_mps: np.ndarray,
                      acceleration_mps2: np.ndarray | None,
                      elapsed_s: np.ndarray) -> np.ndarray:
    """Positions (n, 3), m, carried ``elapsed_s`` (n,) seconds from ``position_m`` (n, 3)
    at ``velocity_mps`` (n, 3) under a constant ``acceleration_mps2`` (n, 3), m/s^2 (None:
    none): ``p + v t + a t^2 / 2``, the known-acceleration prediction of the tracker
    (:func:`iadsim.tracking.kalman.predict`, its control input ``B a``). Inputs are not
    modified."""
    elapsed = np.asarray(elapsed_s, dtype=float)[:, None]
    carried = position_m + velocity_mps * elapsed
    if acceleration_mps2 is not None:
        carried += 0.5 * acceleration_mps2 * elapsed**2
    return carried


def _recorded_acceleration(tracks: pd.DataFrame, extrapolation: str) -> np.ndarray | None:
    """The acceleration (n_rows, 3), m/s^2, ``extrapolation`` carries each track row
    with; None for none (``velocity``, or rows recorded without the columns)."""
    if extrapolation == "velocity" or not set(ACCELERATION_COLUMNS) <= set(tracks.columns):
        return None
    acceleration = tracks[list(ACCELERATION_COLUMNS)].to_numpy(dtype=float)
    if extrapolation == "ballistic":
        ballistic = (tracks["ballistic_model"].to_numpy(dtype=bool)
                     if "ballistic_model" in tracks.columns
                     else np.zeros(len(tracks), dtype=bool))
        acceleration = np.where(ballistic[:, None], acceleration, 0.0)
    return acceleration


def _end_events(events: pd.DataFrame, track_ids: np.ndarray,
                with_merges: bool) -> dict[str, np.ndarray]:
    """The tracks' ends in time order (stable): ``time_s``, ``track`` (index into the
    sorted, unique ``track_ids``) and ``dropped`` (a ``track_drop``, not a
    ``track_merge``); merges only ``with_merges``. Ends of tracks never recorded are left
    out."""
    kinds = ("track_drop", "track_merge") if with_merges else ("track_drop",)
    kind = events["kind"]
    # The rows' positions, then only the three columns read (not the whole frame); by
    # the categorical's codes when it is one.
    if isinstance(kind.dtype, pd.CategoricalDtype):
        categories = kind.cat.categories
        codes = kind.cat.codes.to_numpy()
        wanted = [categories.get_loc(name) for name in kinds if name in categories]
        rows = np.isin(codes, wanted).nonzero()[0]
        drop = categories.get_loc("track_drop") if "track_drop" in categories else -2
        dropped = codes[rows] == drop
    else:
        rows = kind.isin(kinds).to_numpy().nonzero()[0]
        dropped = kind.iloc[rows].to_numpy() == "track_drop"
    ids = events["track_id"].to_numpy()[rows]
    known = np.isin(ids, track_ids)
    time_s = events["time_s"].to_numpy(dtype=float)[rows][known]
    order = np.argsort(time_s, kind="stable")
    return {"time_s": time_s[order],
            "track": np.searchsorted(track_ids, ids[known])[order],
            "dropped": dropped[known][order]}


def quality_summary(frame: pd.DataFrame, c_m: float, p: float, false_tracks: int,
                    position_rmse_m: float, time_to_confirm_s: np.ndarray,
                    extrapolation: str = DEFAULT_EXTRAPOLATION,
                    break_hold_s: float = DEFAULT_BREAK_HOLD_S) -> dict[str, Any]:
    """Run-level track quality (plain JSON types): means over the scored times, totals.

    ``track_breaks`` and ``id_switches`` are the time-by-time counts (their meaning
    before issue 18; the positions they pair are carried by ``extrapolation``);
    ``held_track_breaks``, ``drop_breaks`` and ``held_id_switches`` the counts with the
    hold ``break_hold_s`` (:mod:`iadsim.analysis.track_continuity`).
    """

    def rounded(value: float) -> float | None:
        return round(float(value), 3) if np.isfinite(value) else None

    return {
        "cutoff_m": float(c_m), "order_p": float(p), "scored_times": len(frame),
        "mean_ospa_m": rounded(frame["ospa_m"].mean()) if len(frame) else None,
        "mean_gospa_m": rounded(frame["gospa_m"].mean()) if len(frame) else None,
        "position_rmse_m": rounded(position_rmse_m),
        "track_breaks": int(frame["track_breaks"].sum()),
        "id_switches": int(frame["id_switches"].sum()),
        "held_track_breaks": int(frame["held_track_breaks"].sum()),
        "drop_breaks": int(frame["drop_breaks"].sum()),
        "held_id_switches": int(frame["held_id_switches"].sum()),
        "extrapolation": extrapolation, "break_hold_s": float(break_hold_s),
        "false_tracks": false_tracks,
        "threats_tracked": int(time_to_confirm_s.size),
        "mean_time_to_confirm_s": rounded(time_to_confirm_s.mean())
        if time_to_confirm_s.size else None,
    }


def _first_detection_s(events: pd.DataFrame, threats: pd.DataFrame) -> np.ndarray:
    """Each threat's first detection time (its launch time when it has none), s."""
    reference = threats["launch_time_s"].to_numpy(dtype=float).copy()
    rows = first_detection_rows(events)
    if rows.size:
        reference[events["threat_id"].to_numpy()[rows]] = events["time_s"].to_numpy()[rows]
    return reference
