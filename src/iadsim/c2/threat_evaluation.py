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
    offset = asset_position_m[None, :, :2] - track_position_m[:, None, :2]  # (n, m, 2)
    velocity = np.broadcast_to(track_velocity_mps[:, None, :2], offset.shape)
    speed2 = np.maximum(np.einsum("nmi,nmi->nm", velocity, velocity), 1e-6)
    time_to_closest = np.einsum("nmi,nmi->nm", offset, velocity) / speed2
    closest = offset - velocity * time_to_closest[:, :, None]
    miss_m = np.linalg.norm(closest, axis=2)
    moving = speed2 > 1.0  # slower than 1 m/s over the ground: threatens nothing
    sigma = np.zeros(n) if speed_sigma_mps is None else np.asarray(speed_sigma_mps, dtype=float)
    allowed_m = (asset_radius_m[None, :] + corridor_m
                 + 2.0 * sigma[:, None] * np.maximum(time_to_closest, 0.0))
    threatens = moving & (time_to_closest > 0) & (miss_m <= allowed_m)
    urgency = np.where(threatens, asset_value[None, :] / np.maximum(time_to_closest, 1.0), -1.0)
    best = np.argmax(urgency, axis=1)
    rows = np.arange(n)
    asset = np.where(threatens[rows, best], best, -1)
    time_to_go = np.where(asset >= 0, time_to_closest[rows, best], np.inf)
    distance_to_nearest = np.linalg.norm(offset, axis=2).min(axis=1)
    value = np.where(asset >= 0, asset_value[np.maximum(asset, 0)], 0.0)
    if priority == "time_to_go":
        keys = (distance_to_nearest, time_to_go, asset < 0)
    else:
        keys = (distance_to_nearest, time_to_go, -value, asset < 0)
    return ThreatAssessment(asset, time_to_go, np.lexsort(keys))
