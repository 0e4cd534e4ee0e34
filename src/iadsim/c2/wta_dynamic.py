"""Dynamic weapon-target assignment: the static problem of one battle-manager cycle.

Every cycle the battle manager builds a static WTA problem over its current picture
(:func:`iadsim.c2.wta.solve_wta`): the weapons are the salvos the batteries with free fire
channels and rounds can fire now, the targets the eligible tracks with their threat
score, the kill probabilities each battery's predicted salvo Pk where it can engage now
(0 elsewhere). Doctrine then takes batteries out of the competition for a track (a
"hold": its Pk is set to 0), which is how layers, cost and magazines enter the static
problem:

- :func:`cheaper_layer_holds` (``cheapest_in_time``): a battery holds fire on a track whose
  class is worth less than its salvo while the cheaper layers are expected to kill it in
  time, counting how many tracks compete for their fire channels;
- :func:`cheaper_now_holds` (``cheapest_round``): a battery holds fire on a track a
  cheaper battery with salvos to spare can engage now;
- :func:`reserve_holds`: a battery low on rounds fires only at tracks no other battery
  can engage now or later.

Solving per cycle on the present picture is the "shoot-look-shoot" reading of the dynamic
WTA (Hosein & Athans, 'Some analytical results for the dynamic weapon-target allocation
problem', MIT LIDS-P-1944, 1990): each decision is re-made once outcomes are seen.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.c2.engageability import EngagementWindows
from iadsim.c2.wta import solve_wta_counts

SURVIVAL_FLOOR = 1e-12


def assign_cycle(threat_value: np.ndarray, eligible: np.ndarray, capacity: np.ndarray,
                 kill_probability: np.ndarray, weapons: np.ndarray,
                 method: str = "heuristic") -> list[tuple[int, int]]:
    """Salvo assignments ``(battery, track_row)`` of one cycle, most valuable track first.

    threat_value, eligible, capacity: (n_tracks,) the track's threat score, whether it may
    be engaged, and how many more engagements doctrine allows on it now;
    kill_probability: (n_batteries, n_tracks) salvo Pk now (0 where not engageable or
    held); weapons: (n_batteries,) salvos each battery can fire now. The static WTA puts
    each salvo where it removes the most expected threat value. The static problem has no
    per-target limit, so a track given more salvos than its ``capacity`` keeps the
    likeliest to kill (ties: lower battery index), and the problem is solved again for the
    salvos left over, over the tracks with capacity left (their values reduced by the
    salvos they kept), until no salvo finds a track. Inputs are not modified.
    """
    value = np.asarray(threat_value, dtype=float).copy()
    left = np.where(eligible, capacity, 0).astype(int)
    weapons = np.asarray(weapons).astype(np.int64).copy()
    kept: list[tuple[int, int]] = []
    while True:
        columns = np.nonzero((left > 0) & (kill_probability.max(axis=0, initial=0.0) > 0.0))[0]
        shooters = np.nonzero(weapons > 0)[0]
        if columns.size == 0 or shooters.size == 0:
            break
        probability = kill_probability[np.ix_(shooters, columns)]
        counts = solve_wta_counts(value[columns], probability, weapons[shooters],
                                  method=method)
        found = False
        for column in np.nonzero(counts.any(axis=0))[0]:
            given = np.repeat(np.arange(shooters.size), counts[:, column])
            best = given[np.argsort(-probability[given, column], kind="stable")]
            for row in best[: left[columns[column]]]:
                battery, track = int(shooters[row]), int(columns[column])
                kept.append((battery, track))
                weapons[battery] -= 1
                left[track] -= 1
                value[track] *= 1.0 - probability[row, column]
                found = True
        if not found:
            break
    order = np.argsort(-np.asarray(threat_value)[[track for _, track in kept]], kind="stable")
    return [kept[index] for index in order]


def salvo_kill_probability(single_shot_pk: np.ndarray, salvo_size: np.ndarray) -> np.ndarray:
    """``1 - (1 - p) ** salvo``: independent rounds (n_batteries,)."""
    return 1.0 - (1.0 - single_shot_pk) ** salvo_size


def cheaper_layer_holds(salvo_cost_usd: np.ndarray, worth_usd: np.ndarray,
                        salvo_pk: np.ndarray, windows: EngagementWindows,
                        feasible_now: np.ndarray, engagement_time_s: np.ndarray,
                        fire_channels: np.ndarray, free_channels: np.ndarray,
                        stocked: np.ndarray, eligible: np.ndarray,
                        handover_kill_probability: float) -> np.ndarray:
    """(n_batteries, n_tracks) bool: the battery holds fire for cheaper layers.

    A battery ``b`` holds fire on track ``j`` when its salvo costs more than the track's
    worth (``worth_usd``, by kinematic class) and the batteries with cheaper salvos and
    rounds in stock are expected to kill the track before it arrives with probability at
    least ``handover_kill_probability``:

        1 - prod_{b' cheaper} (1 - P_b') ** shots_b'j >= handover_kill_probability,

    ``shots_b'j`` the engagements ``b'`` can expect on ``j`` in its window (fractional): the
    window's
    duration over ``engagement_time_s[b']`` (reaction, flight, kill assessment), divided
    by its load, the eligible tracks whose windows overlap ``j``'s per fire channel (at
    least 1). A saturated cheap layer thus gets fewer expected shots, and the next layer
    does not hold. A battery that can engage the track now with a free channel counts at
    least one shot. A track arriving beyond the windows' horizon is held in any case (no
    hurry: a later cycle decides). salvo_cost_usd, salvo_pk, engagement_time_s, fire_channels,
    free_channels, stocked: (n_batteries,); worth_usd, eligible: (n_tracks,).
    """
    log_survival = np.log(np.maximum(1.0 - salvo_pk, SURVIVAL_FLOOR))
    cheaper = (salvo_cost_usd[None, :] < salvo_cost_usd[:, None]).astype(float)  # (b, b')
    return layer_holds(salvo_cost_usd, worth_usd, log_survival, cheaper, windows,
                       feasible_now, engagement_time_s, fire_channels, free_channels, stocked,
                       eligible, handover_kill_probability)


def layer_holds(salvo_cost_usd: np.ndarray, worth_usd: np.ndarray, log_survival: np.ndarray,
                cheaper: np.ndarray, windows: EngagementWindows, feasible_now: np.ndarray,
                engagement_time_s: np.ndarray, fire_channels: np.ndarray,
                free_channels: np.ndarray, stocked: np.ndarray, eligible: np.ndarray,
                handover_kill_probability: float) -> np.ndarray:
    """:func:`cheaper_layer_holds` given what is fixed for a run, as the battle manager
    keeps it: ``log_survival`` (n_batteries,) ``log(max(1 - salvo Pk, SURVIVAL_FLOOR))``
    and ``cheaper`` (n_batteries, n_batteries) float, 1 where the second battery's salvo
    is cheaper. The expected shots' logs of a miss are counted in one compiled pass
    (:func:`_log_miss`); the sum over the cheaper batteries and its exponential stay in
    NumPy (BLAS and NumPy's own exp), so the holds are bit for bit the array form's."""
    log_miss = _log_miss(windows.first_s, windows.last_s, windows.duration_s,
                         np.ascontiguousarray(feasible_now, dtype=np.bool_),
                         np.asarray(engagement_time_s, dtype=float),
                         np.asarray(fire_channels, dtype=np.int64),
                         np.asarray(free_channels, dtype=np.int64),
                         np.asarray(stocked, dtype=np.bool_),
                         np.asarray(eligible, dtype=np.bool_), log_survival)
    expected_kill = 1.0 - np.exp(cheaper @ log_miss)
    in_time = (expected_kill >= handover_kill_probability) | windows.beyond_horizon[None, :]
    return in_time & (worth_usd[None, :] < salvo_cost_usd[:, None])


@njit(cache=True)
def _log_miss(first_s: np.ndarray, last_s: np.ndarray, duration_s: np.ndarray,
              feasible_now: np.ndarray, engagement_time_s: np.ndarray,
              fire_channels: np.ndarray, free_channels: np.ndarray, stocked: np.ndarray,
              eligible: np.ndarray, log_survival: np.ndarray) -> np.ndarray:
    """(n_batteries, n_tracks) ``shots x log_survival`` of :func:`cheaper_layer_holds`:
    the reachable windows, their overlaps (:func:`window_overlaps`), the load per fire
    channel, the expected shots (at least one where the battery can engage now with a
    free channel; none out of reach), element by element as the array form computes them
    (``np.maximum`` and ``np.where`` of the same operands)."""
    n_batteries, n_tracks = first_s.shape
    reachable = np.empty((n_batteries, n_tracks), dtype=np.bool_)
    for battery in range(n_batteries):
        for track in range(n_tracks):
            reachable[battery, track] = (np.isfinite(first_s[battery, track])
                                         and eligible[track] and stocked[battery])
    overlap = window_overlaps(reachable, first_s, last_s)
    log_miss = np.empty((n_batteries, n_tracks))
    for battery in range(n_batteries):
        channels = float(max(fire_channels[battery], 1))
        free = free_channels[battery] > 0
        for track in range(n_tracks):
            shots = 0.0
            if reachable[battery, track]:
                load = _maximum(1.0, overlap[battery, track] / channels)
                shots = duration_s[battery, track] / (engagement_time_s[battery] * load)
                if feasible_now[battery, track] and free:
                    shots = _maximum(shots, 1.0)
            log_miss[battery, track] = shots * log_survival[battery]
    return log_miss


@njit(cache=True, inline="always")
def _maximum(first: float, second: float) -> float:
    """``np.maximum`` of two floats: NaN when either is, else the larger."""
    if first != first:
        return first
    if second != second:
        return second
    return first if first >= second else second


@njit(cache=True)
def window_overlaps(reachable: np.ndarray, first_s: np.ndarray, last_s: np.ndarray
                    ) -> np.ndarray:
    """(n_batteries, n_tracks) float: for each battery and each track ``j`` it can reach,
    the reachable tracks ``k`` whose windows overlap ``j``'s (``first_k <= last_j`` and
    ``last_k >= first_j``, ``j`` itself included); 0 where ``j`` is not reachable.

    Counted as the reachable ``k`` with ``first_k <= last_j`` less those with
    ``last_k < first_j`` (a window ends after it starts): per battery, its reachable
    windows' starts and ends sorted once, then two binary searches per track, so a raid of
    n tracks costs n log n, not n squared. Compiled: the same in NumPy costs more per
    call, on a cycle's few tracks, than the counting does."""
    n_batteries, n_tracks = reachable.shape
    overlap = np.zeros((n_batteries, n_tracks))
    for battery in range(n_batteries):
        rows = np.nonzero(reachable[battery])[0]
        if rows.size == 0:
            continue
        starts = np.sort(first_s[battery, rows])
        ends = np.sort(last_s[battery, rows])
        for track in rows:
            begun = np.searchsorted(starts, last_s[battery, track], side="right")
            over = np.searchsorted(ends, first_s[battery, track], side="left")
            overlap[battery, track] = begun - over
    return overlap


def cheaper_now_holds(salvo_cost_usd: np.ndarray, feasible_now: np.ndarray,
                      weapons: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """(n_batteries, n_tracks) bool: a cheaper battery with salvos to spare (at least as
    many as the eligible tracks it can engage now) can engage the track now."""
    able = feasible_now & eligible[None, :] & (weapons > 0)[:, None]
    spare = able & (weapons >= able.sum(axis=1))[:, None]
    cheaper = salvo_cost_usd[None, :] < salvo_cost_usd[:, None]  # (b, b')
    return (cheaper.astype(int) @ spare.astype(int)) > 0


def reserve_holds(low: np.ndarray, reachable: np.ndarray, stocked: np.ndarray) -> np.ndarray:
    """(n_batteries, n_tracks) bool: a battery low on rounds (``low``, (n_batteries,))
    holds fire on every track another battery with rounds can engage now or later
    (``reachable``, (n_batteries, n_tracks)), keeping its last rounds for threats only it
    can reach."""
    able = reachable & stocked[:, None]
    others = able.sum(axis=0)[None, :] - able
    return low[:, None] & (others > 0)
