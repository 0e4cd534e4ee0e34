"""Threat evaluation: which asset each track threatens, how soon, and how urgently.

A track threatens an asset when its ground track (straight, at its current horizontal
velocity) passes within the asset's radius plus ``corridor_m`` plus twice the track's
cross-track uncertainty at that point (velocity sigma x time to go) ahead of it; its time
to go is the time to that closest point. The uncertainty term keeps a slow, distant,
noisily tracked drone from being dismissed because its heading is a few degrees off.
Among threatened assets the one with the highest value per second to go is the track's
asset.

A ballistic track (one the tracker flies with its ballistic model: a known downward
acceleration in the picture) does not fly on over the ground: its predicted path ends at
its impact point (:func:`iadsim.c2.impact_prediction.ballistic_impact`, gravity, no
drag). Its closest approach to an asset is the impact point's ground distance to it, and
its time to go the time to impact; an asset it merely overflies is not threatened.
Source: the closest-point-of-approach threat evaluation of e.g. Roux & van Vuuren,
'Threat evaluation and weapon assignment decision support', ORiON 23(2), 2007.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from iadsim.c2.impact_prediction import ballistic_impact
from iadsim.tracking.classification import KINEMATIC_KINDS

PRIORITY_ORDERS = ("time_to_go", "asset_value")


@dataclass(frozen=True, slots=True)
class ThreatAssessment:
    """Per track: threatened asset (-1 none), time to go (s, inf when none), rank order."""

    asset: np.ndarray
    time_to_go_s: np.ndarray
    order: np.ndarray | None  # track rows, most urgent first (None: not ranked)


def evaluate(track_position_m: np.ndarray, track_velocity_mps: np.ndarray,
             asset_position_m: np.ndarray, asset_radius_m: np.ndarray,
             asset_value: np.ndarray, corridor_m: float, priority: str,
             speed_sigma_mps: np.ndarray | None = None,
             acceleration_mps2: np.ndarray | None = None, ground_up_m: float = 0.0,
             earth_radius_m: float | None = None,
             origin_altitude_m: float = 0.0, ranked: bool = True) -> ThreatAssessment:
    """Assess tracks (n, 3) against assets (m, 3); rank them by ``priority``.

    ``speed_sigma_mps`` (n,): velocity uncertainty per axis (default 0, a certain track).
    ``acceleration_mps2`` (n, 3): the picture's known acceleration of each track (None:
    none); tracks with a downward one are ballistic and end at their impact point on the
    ground ``ground_up_m`` above the frame origin (flat, or the sphere of
    ``earth_radius_m`` the origin stands ``origin_altitude_m`` above: see
    :func:`iadsim.c2.impact_prediction.ballistic_impact`).

    ``priority="time_to_go"`` ranks threatening tracks by soonest arrival;
    ``"asset_value"`` by the value of the asset threatened, then time to go. Tracks that
    threaten nothing come last, nearest to any asset first. ``ranked=False``: no ranking
    (``order`` None), for a caller that reads only the assets and times to go (the battle
    manager, every cycle).
    """
    if priority not in PRIORITY_ORDERS:
        raise ValueError(f"priority must be one of {PRIORITY_ORDERS}, got {priority!r}")
    n = track_position_m.shape[0]
    if n == 0 or asset_position_m.shape[0] == 0:
        return ThreatAssessment(np.full(n, -1), np.full(n, np.inf), np.arange(n))
    sigma = np.zeros(n) if speed_sigma_mps is None else np.asarray(speed_sigma_mps, dtype=float)
    if acceleration_mps2 is None:
        impact_m, impact_time_s = np.zeros((n, 3)), np.full(n, np.nan)
    else:
        impact_m, impact_time_s = ballistic_impact(track_position_m, track_velocity_mps,
                                                   acceleration_mps2, ground_up_m,
                                                   earth_radius_m, origin_altitude_m)
    asset, time_to_go, distance_to_nearest = _assess(
        track_position_m, track_velocity_mps, asset_position_m,
        np.asarray(asset_radius_m, dtype=float), np.asarray(asset_value, dtype=float),
        float(corridor_m), sigma, impact_m, impact_time_s)
    if not ranked:
        return ThreatAssessment(asset, time_to_go, None)
    value = np.where(asset >= 0, asset_value[np.maximum(asset, 0)], 0.0)
    if priority == "time_to_go":
        keys = (distance_to_nearest, time_to_go, asset < 0)
    else:
        keys = (distance_to_nearest, time_to_go, -value, asset < 0)
    return ThreatAssessment(asset, time_to_go, np.lexsort(keys))


@njit(cache=True, error_model="numpy")
def _assess(track_position_m: np.ndarray, track_velocity_mps: np.ndarray,
            asset_position_m: np.ndarray, asset_radius_m: np.ndarray, asset_value: np.ndarray,
            corridor_m: float, speed_sigma_mps: np.ndarray, impact_m: np.ndarray,
            impact_time_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per track: the asset it threatens most urgently (value / time to closest approach;
    -1 for none), its time to go (inf for none) and its ground distance to the nearest
    asset. A track threatens an asset when it moves faster than 1 m/s over the ground,
    approaches it, and its closest approach on the ground passes within the asset's
    radius plus the corridor plus twice the velocity error grown over the time to go. A
    ballistic track (finite ``impact_time_s``) comes closest at its impact point
    (``impact_m``), at its time of impact."""
    n, m = track_position_m.shape[0], asset_position_m.shape[0]
    asset = np.full(n, -1, dtype=np.intp)
    time_to_go = np.full(n, np.inf)
    distance_to_nearest = np.empty(n)
    for track in range(n):
        vx, vy = track_velocity_mps[track, 0], track_velocity_mps[track, 1]
        speed2 = max(vx * vx + vy * vy, 1e-6)
        best_urgency, best, best_time, nearest = -np.inf, 0, 0.0, np.inf
        ballistic = np.isfinite(impact_time_s[track])
        for index in range(m):
            ox = asset_position_m[index, 0] - track_position_m[track, 0]
            oy = asset_position_m[index, 1] - track_position_m[track, 1]
            if ballistic:
                time_to_closest = impact_time_s[track]
                miss_m = np.sqrt((asset_position_m[index, 0] - impact_m[track, 0]) ** 2
                                 + (asset_position_m[index, 1] - impact_m[track, 1]) ** 2)
            else:
                time_to_closest = (ox * vx + oy * vy) / speed2
                miss_m = np.sqrt((ox - vx * time_to_closest) ** 2
                                 + (oy - vy * time_to_closest) ** 2)
            allowed_m = (asset_radius_m[index] + corridor_m
                         + 2.0 * speed_sigma_mps[track] * max(time_to_closest, 0.0))
            threatens = ((ballistic or speed2 > 1.0) and time_to_closest > 0
                         and miss_m <= allowed_m)
            urgency = asset_value[index] / max(time_to_closest, 1.0) if threatens else -1.0
            if urgency > best_urgency:  # the first of equal urgencies, as argmax
                best_urgency, best, best_time = urgency, index, time_to_closest
            nearest = min(nearest, np.sqrt(ox * ox + oy * oy))
        if best_urgency >= 0.0:
            asset[track], time_to_go[track] = best, best_time
        distance_to_nearest[track] = nearest
    return asset, time_to_go, distance_to_nearest


# Kinematic threat classes, in the order of the doctrine's threat_worth_usd fields.
THREAT_CLASSES = ("ballistic_missile", "aircraft", "cruise_missile", "drone")
BALLISTIC_MIN_SPEED_MPS = 700.0
BALLISTIC_MIN_VERTICAL_SPEED_MPS = 150.0
DRONE_MAX_SPEED_MPS = 100.0
AIRCRAFT_MIN_HEIGHT_M = 1_500.0
URGENCY_TIME_S = 60.0


def classify(velocity_mps: np.ndarray, height_m: np.ndarray) -> np.ndarray:
    """Kinematic threat class of each track: an index into :data:`THREAT_CLASSES`.

    From the track's velocity (n, 3) m/s and height above ground (n,) m only, never the
    truth: ballistic when faster than 700 m/s or climbing or diving faster than 150 m/s;
    drone when slower than 100 m/s; aircraft when higher than 1,500 m; cruise missile
    otherwise (fast and low). Rules of thumb from the open kinematics of the classes
    (one-way attack drones fly 40-70 m/s, subsonic cruise missiles 200-280 m/s at tens of
    metres, strike aircraft at altitude, ballistic missiles re-enter at 1.5-2 km/s);
    notional. A threat that leaves a class's kinematics changes class.
    """
    velocity = np.asarray(velocity_mps, dtype=float)
    speed = np.linalg.norm(velocity, axis=-1)
    ballistic = ((speed >= BALLISTIC_MIN_SPEED_MPS)
                 | (np.abs(velocity[..., 2]) >= BALLISTIC_MIN_VERTICAL_SPEED_MPS))
    # np.select([ballistic, drone, aircraft], [0, 3, 1], default=2), without its cost
    # per call (the battle manager classifies every cycle).
    return np.where(ballistic, 0, np.where(speed < DRONE_MAX_SPEED_MPS, 3, np.where(
        np.asarray(height_m) >= AIRCRAFT_MIN_HEIGHT_M, 1, 2)))


#: THREAT_CLASSES index of each of the tracker's KINEMATIC_KINDS.
_CLASS_OF_KINEMATIC_KIND = np.array([THREAT_CLASSES.index(kind) for kind in KINEMATIC_KINDS])
#: The tracker's classification is trusted from this posterior probability up.
PICTURE_CLASS_MIN_CONFIDENCE = 0.5


def picture_threat_class(kind_index: np.ndarray, kind_confidence: np.ndarray,
                         velocity_mps: np.ndarray, height_m: np.ndarray,
                         min_confidence: float = PICTURE_CLASS_MIN_CONFIDENCE) -> np.ndarray:
    """Threat class of each track of the picture: an index into :data:`THREAT_CLASSES`.

    The track picture carries the tracker's own classification
    (:mod:`iadsim.tracking.classification`: a naive-Bayes posterior over speed, height and
    vertical acceleration, ``kind_index`` into its ``KINEMATIC_KINDS``); where it is known
    with a posterior of at least ``min_confidence`` the battle manager takes it, so the
    whole chain reads one classification. Elsewhere (a track too young to have one, or an
    uncertain one) the rules of :func:`classify` decide.
    """
    kind = np.asarray(kind_index, dtype=np.int64)
    trusted = (kind >= 0) & (np.asarray(kind_confidence, dtype=float) >= min_confidence)
    rules = classify(velocity_mps, height_m)
    return np.where(trusted, _CLASS_OF_KINEMATIC_KIND[np.maximum(kind, 0)], rules)


def threat_score(assessment: ThreatAssessment, asset_value: np.ndarray, priority: str,
                 non_threat_fraction: float = 0.1) -> np.ndarray:
    """(n,) value at stake per track, the target value of weapon-target assignment.

    The threatened asset's value, times an urgency ``tau / (tau + time_to_go)`` (tau =
    ``URGENCY_TIME_S``) with ``priority="time_to_go"``, or times ``1 + 0.1 x`` that urgency
    with ``"asset_value"`` (value first, time to go only between equal values). A track
    that threatens no asset is worth ``non_threat_fraction`` of the least valuable asset
    (1 when there are none) at the urgency of a track 20 minutes out: shot at only with
    weapons nothing better needs.
    """
    if priority not in PRIORITY_ORDERS:
        raise ValueError(f"priority must be one of {PRIORITY_ORDERS}, got {priority!r}")
    values = np.asarray(asset_value, dtype=float)
    threatens = assessment.asset >= 0
    base = (non_threat_fraction * float(values.min()) if values.size else non_threat_fraction)
    value = np.where(threatens, values[np.maximum(assessment.asset, 0)] if values.size else 0.0,
                     base)
    time_to_go = np.where(threatens, assessment.time_to_go_s, 1_200.0)
    urgency = URGENCY_TIME_S / (URGENCY_TIME_S + np.maximum(time_to_go, 0.0))
    return value * (urgency if priority == "time_to_go" else 1.0 + 0.1 * urgency)


def picture_threat_class_at(kind_index: np.ndarray, kind_confidence: np.ndarray,
                            velocity_mps: np.ndarray, position_m: np.ndarray,
                            origin_altitude_m: float, earth_radius_m: float,
                            ground_elevation_m: float,
                            min_confidence: float = PICTURE_CLASS_MIN_CONFIDENCE
                            ) -> np.ndarray:
    """:func:`picture_threat_class` of tracks at ``position_m`` (n, 3, ENU of a frame whose
    origin stands ``origin_altitude_m`` above the ellipsoid), their height over the ground
    at ``ground_elevation_m`` taken on the osculating sphere of ``earth_radius_m``
    (:meth:`iadsim.world.geodesy.LocalFrame.approximate_altitude_m`). The battle manager
    classifies the picture every cycle: one compiled pass, bit for bit the NumPy forms
    (the same operations in the same order)."""
    return _picture_threat_class_at(
        np.asarray(kind_index, dtype=np.int64), np.asarray(kind_confidence, dtype=float),
        np.ascontiguousarray(velocity_mps, dtype=float),
        np.ascontiguousarray(position_m, dtype=float), float(origin_altitude_m),
        float(earth_radius_m), float(ground_elevation_m), float(min_confidence),
        _CLASS_OF_KINEMATIC_KIND)


@njit(cache=True, error_model="numpy")
def _picture_threat_class_at(kind_index: np.ndarray, kind_confidence: np.ndarray,
                             velocity: np.ndarray, position: np.ndarray,
                             origin_altitude_m: float, earth_radius_m: float,
                             ground_elevation_m: float, min_confidence: float,
                             class_of_kind: np.ndarray) -> np.ndarray:
    """:func:`picture_threat_class_at` per track: the height as ``approximate_altitude_m``
    less the ground, the speed as ``np.linalg.norm`` (the squares summed left to right),
    then the rules of :func:`classify` where the tracker's class is not trusted."""
    n = velocity.shape[0]
    classes = np.empty(n, dtype=np.int64)
    for track in range(n):
        kind = kind_index[track]
        if kind >= 0 and kind_confidence[track] >= min_confidence:
            classes[track] = class_of_kind[kind]
            continue
        vx, vy, vz = velocity[track, 0], velocity[track, 1], velocity[track, 2]
        speed = np.sqrt(vx * vx + vy * vy + vz * vz)
        if speed >= BALLISTIC_MIN_SPEED_MPS or abs(vz) >= BALLISTIC_MIN_VERTICAL_SPEED_MPS:
            classes[track] = 0
        elif speed < DRONE_MAX_SPEED_MPS:
            classes[track] = 3
        else:
            east, north = position[track, 0], position[track, 1]
            up = position[track, 2] + origin_altitude_m + earth_radius_m
            height = (np.sqrt(east * east + north * north + up * up) - earth_radius_m
                      - ground_elevation_m)
            classes[track] = 1 if height >= AIRCRAFT_MIN_HEIGHT_M else 2
    return classes
