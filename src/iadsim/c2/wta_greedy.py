"""Greedy weapon-target assignment: most urgent track first, best feasible battery.

Walks the tracks in threat order; each eligible track gets the battery that is best by
``preference`` among those that can engage it and still have a free fire channel and
enough unreserved rounds for a salvo. Greedy and myopic by design (the reference
heuristic of the WTA literature: Hosein & Athans, 'Some analytical results for the
dynamic weapon-target allocation problem', MIT LIDS, 1990); optimal solvers are a later
issue.
"""

from __future__ import annotations

import numpy as np

PREFERENCES = ("earliest_intercept", "cheapest_round", "cheapest_in_time")


def greedy_assign(track_order: np.ndarray, eligible: np.ndarray, feasible: np.ndarray,
                  intercept_time_s: np.ndarray, round_cost_usd: np.ndarray,
                  free_channels: np.ndarray, free_rounds: np.ndarray, salvo_size: np.ndarray,
                  preference: str, feasible_later: np.ndarray | None = None
                  ) -> list[tuple[int, int]]:
    """Assignments ``(battery, track_row)`` in the order they were made.

    track_order: track rows, most urgent first; eligible: (n_tracks,) bool; feasible,
    intercept_time_s: (n_batteries, n_tracks); round_cost_usd, free_channels, free_rounds,
    salvo_size: (n_batteries,). ``feasible_later`` (n_batteries, n_tracks), needed by
    ``cheapest_in_time``: the battery could intercept the track later, before it arrives.
    With that preference a track is held (not assigned) while the cheapest battery with
    rounds that can reach it in time cannot fire yet. Inputs are not modified.
    """
    if preference not in PREFERENCES:
        raise ValueError(f"preference must be one of {PREFERENCES}, got {preference!r}")
    if preference == "cheapest_in_time" and feasible_later is None:
        raise ValueError("feasible_later is required with preference 'cheapest_in_time'")
    channels = free_channels.copy()
    rounds = free_rounds.copy()
    assignments: list[tuple[int, int]] = []
    usable = (channels > 0) & (rounds >= salvo_size)
    if not usable.any():
        return assignments
    # Only tracks that some usable battery can reach are worth walking.
    reachable = eligible & feasible[usable].any(axis=0)
    for track in track_order[reachable[track_order]]:
        usable = (channels > 0) & (rounds >= salvo_size)
        able = feasible[:, track] & usable
        if not usable.any():
            break
        if not able.any():
            continue
        candidates = able.nonzero()[0]
        time = intercept_time_s[candidates, track]
        if preference == "cheapest_in_time":
            stocked = rounds >= salvo_size
            in_time = (feasible[:, track] | feasible_later[:, track]) & stocked
            cheapest = round_cost_usd[in_time].min()
            candidates = candidates[round_cost_usd[candidates] <= cheapest]
            if candidates.size == 0:
                continue  # hold fire: a cheaper layer will be able to engage in time
            time = intercept_time_s[candidates, track]
            best = candidates[np.argmin(time)]
        elif preference == "earliest_intercept":
            best = candidates[np.lexsort((round_cost_usd[candidates], time))[0]]
        else:
            best = candidates[np.lexsort((time, round_cost_usd[candidates]))[0]]
        channels[best] -= 1
        rounds[best] -= salvo_size[best]
        assignments.append((int(best), int(track)))
    return assignments
