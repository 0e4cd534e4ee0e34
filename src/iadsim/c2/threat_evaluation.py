"""Threat evaluation: which asset each track threatens, how soon, and how urgently.

A track threatens an asset when its ground track (straight, at its current horizontal
velocity) passes within the asset's radius plus ``corridor_m`` plus twice the track's
cross-track uncertainty at that point (velocity sigma x time to go) ahead of it; its time
to go is the time to that closest point. The uncertainty term keeps a slow, distant,
noisily tracked drone from being dismissed because its heading is a few degrees off.
Among threatened assets the one with the highest value per second to go is the track's
asset. Horizontal geometry is used on purpose: it stays right for ballistic tracks,
whose horizontal velocity is nearly constant.
Source: the closest-point-of-approach threat evaluation of e.g. Roux & van Vuuren,
'Threat evaluation and weapon assignment decision support', ORiON 23(2), 2007.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

PRIORITY_ORDERS = ("time_to_go", "asset_value")


@dataclass(frozen=True, slots=True)
class ThreatAssessment:
    """Per track: threatened asset (-1 none), time to go (s, inf when none), rank order."""

    asset: np.ndarray
    time_to_go_s: np.ndarray
    order: np.ndarray  # track rows, most urgent first


def evaluate(track_position_m: np.ndarray, track_velocity_mps: np.ndarray,
             asset_position_m: np.ndarray, asset_radius_m: np.ndarray,
             asset_value: np.ndarray, corridor_m: float, priority: str,
             speed_sigma_mps: np.ndarray | None = None) -> ThreatAssessment:
    """Assess tracks (n, 3) against assets (m, 3); rank them by ``priority``.

    ``speed_sigma_mps`` (n,): velocity uncertainty per axis (default 0, a certain track).

    ``priority="time_to_go"`` ranks threatening tracks by soonest arrival;
    ``"asset_value"`` by the value of the asset threatened, then time to go. Tracks that
    threaten nothing come last, nearest to any asset first.
    """
    if priority not in PRIORITY_ORDERS:
        raise ValueError(f"priority must be one of {PRIORITY_ORDERS}, got {priority!r}")
    n = track_position_m.shape[0]
    if n == 0 or asset_position_m.shape[0] == 0:
        return ThreatAssessment(np.full(n, -1), np.full(n, np.inf), np.arange(n))
    sigma = np.zeros(n) if speed_sigma_mps is None else np.asarray(speed_sigma_mps, dtype=float)
    asset, time_to_go, distance_to_nearest = _assess(
        track_position_m, track_velocity_mps, asset_position_m,
        np.asarray(asset_radius_m, dtype=float), np.asarray(asset_value, dtype=float),
        float(corridor_m), sigma)
    value = np.where(asset >= 0, asset_value[np.maximum(asset, 0)], 0.0)
    if priority == "time_to_go":
        keys = (distance_to_nearest, time_to_go, asset < 0)
    else:
        keys = (distance_to_nearest, time_to_go, -value, asset < 0)
    return ThreatAssessment(asset, time_to_go, np.lexsort(keys))


@njit(cache=True, error_model="numpy")
def _assess(track_position_m: np.ndarray, track_velocity_mps: np.ndarray,
            asset_position_m: np.ndarray, asset_radius_m: np.ndarray, asset_value: np.ndarray,
            corridor_m: float, speed_sigma_mps: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per track: the asset it threatens most urgently (value / time to closest approach;
    -1 for none), its time to go (inf for none) and its ground distance to the nearest
    asset. A track threatens an asset when it moves faster than 1 m/s over the ground,
    approaches it, and its closest approach on the ground passes within the asset's
    radius plus the corridor plus twice the velocity error grown over the time to go."""
    n, m = track_position_m.shape[0], asset_position_m.shape[0]
    asset = np.full(n, -1, dtype=np.intp)
    time_to_go = np.full(n, np.inf)
    distance_to_nearest = np.empty(n)
    for track in range(n):
        vx, vy = track_velocity_mps[track, 0], track_velocity_mps[track, 1]
        speed2 = max(vx * vx + vy * vy, 1e-6)
        best_urgency, best, best_time, nearest = -np.inf, 0, 0.0, np.inf
        for index in range(m):
            ox = asset_position_m[index, 0] - track_position_m[track, 0]
            oy = asset_position_m[index, 1] - track_position_m[track, 1]
            time_to_closest = (ox * vx + oy * vy) / speed2
            miss_m = np.sqrt((ox - vx * time_to_closest) ** 2 + (oy - vy * time_to_closest) ** 2)
            allowed_m = (asset_radius_m[index] + corridor_m
                         + 2.0 * speed_sigma_mps[track] * max(time_to_closest, 0.0))
            threatens = speed2 > 1.0 and time_to_closest > 0 and miss_m <= allowed_m
            urgency = asset_value[index] / max(time_to_closest, 1.0) if threatens else -1.0
            if urgency > best_urgency:  # the first of equal urgencies, as argmax
                best_urgency, best, best_time = urgency, index, time_to_closest
            nearest = min(nearest, np.sqrt(ox * ox + oy * oy))
        if best_urgency >= 0.0:
            asset[track], time_to_go[track] = best, best_time
        distance_to_nearest[track] = nearest
    return asset, time_to_go, distance_to_nearest
