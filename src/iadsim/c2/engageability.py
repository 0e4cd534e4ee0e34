"""Engageability: can a battery reach a track, and where and when would it intercept?

For every (battery, track) pair the predicted intercept point (PIP) is found with the
constant-velocity intercept solution (launch after the battery's reaction time), and the
pair is engageable when the PIP is inside the interceptor's envelope (slant range,
altitude above ground, flight time), the target is not faster than the interceptor
allows, one of the battery's radars updated the track recently enough for fire control,
and the intercept comes before the track reaches the asset it threatens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.effectors.batteries import Batteries, InterceptorTable
from iadsim.effectors.intercept_geometry import intercept_time_s
from iadsim.tracking.tracker import TrackPicture
from iadsim.world.geodesy import LocalFrame


@dataclass(frozen=True, slots=True)
class Engageability:
    """(n_batteries, n_tracks) arrays."""

    feasible: np.ndarray  # bool
    intercept_time_s: np.ndarray  # time from now to intercept, NaN when none
    intercept_point_m: np.ndarray  # (b, n, 3)


def engageability(picture: TrackPicture, time_to_go_s: np.ndarray, batteries: Batteries,
                  types: InterceptorTable, frame: LocalFrame, ground_elevation_m: float,
                  fire_control_track_age_s: float) -> Engageability:
    """Evaluate every battery against every confirmed track of the picture."""
    kind = batteries.interceptor_type
    relative = picture.position_m[None, :, :] - batteries.position_m[:, None, :]
    velocity = np.broadcast_to(picture.velocity_mps[None, :, :], relative.shape)
    delay = batteries.reaction_time_s[:, None]
    speed = types.speed_mps[kind][:, None]
    t_intercept = intercept_time_s(relative, velocity, speed, delay)
    point = picture.position_m[None, :, :] + velocity * np.nan_to_num(t_intercept)[:, :, None]
    slant = np.linalg.norm(point - batteries.position_m[:, None, :], axis=2)
    height = frame.approximate_altitude_m(point) - ground_elevation_m
    target_speed = np.linalg.norm(picture.velocity_mps, axis=1)[None, :]
    track_age = picture.time_s - np.where(
        batteries.radar_mask[:, None, :], picture.last_update_by_radar_s[None, :, :], -np.inf
    ).max(axis=2)
    flight_time = t_intercept - delay
    feasible = (
        np.isfinite(t_intercept)
        & (slant >= types.min_range_m[kind][:, None]) & (slant <= types.max_range_m[kind][:, None])
        & (height >= types.min_altitude_m[kind][:, None])
        & (height <= types.max_altitude_m[kind][:, None])
        & (flight_time <= types.max_flight_time_s[kind][:, None])
        & (target_speed <= types.max_target_speed_mps[kind][:, None])
        & (track_age <= fire_control_track_age_s)
        & (np.nan_to_num(t_intercept, nan=np.inf) < time_to_go_s[None, :])
    )
    return Engageability(feasible, t_intercept, point)


def engageable_later(picture: TrackPicture, time_to_go_s: np.ndarray, batteries: Batteries,
                     types: InterceptorTable, frame: LocalFrame, ground_elevation_m: float,
                     fire_control_track_age_s: float, aim_point_m: np.ndarray | None = None,
                     samples: int = 10, horizon_s: float = 1_200.0) -> np.ndarray:
    """(n_batteries, n_tracks) bool: the battery could intercept the track at some later
    time, before the track reaches the asset it threatens.

    A track with an ``aim_point_m`` (n, 3; NaN rows for none: the asset it threatens) is
    flown ahead straight at that point at its current speed (its intent); others on their
    current velocity. It is sampled at ``samples`` instants up to its time to go (at most
    ``horizon_s``), assuming the battery's own radars will then hold it, and tested with
    :func:`engageability` at each. A sampled test: a short window between samples can be
    missed.
    """
    n = picture.size
    if n == 0:
        return np.zeros((batteries.size, 0), dtype=bool)
    reach = np.minimum(np.where(np.isfinite(time_to_go_s), time_to_go_s, horizon_s), horizon_s)
    velocity = picture.velocity_mps
    if aim_point_m is not None:
        heading = aim_point_m - picture.position_m
        distance = np.linalg.norm(heading, axis=1)
        intent = np.isfinite(distance) & (distance > 1.0)
        speed = np.linalg.norm(velocity, axis=1)
        velocity = velocity.copy()
        velocity[intent] = heading[intent] * (speed[intent] / distance[intent])[:, None]
    fractions = np.arange(1, samples + 1) / samples
    ahead_s = (fractions[:, None] * reach[None, :]).reshape(-1)  # (samples * n,)
    stacked = TrackPicture(
        picture.time_s, np.tile(picture.track_id, samples),
        np.tile(picture.position_m, (samples, 1)) + np.tile(velocity, (samples, 1))
        * ahead_s[:, None],
        np.tile(velocity, (samples, 1)),
        np.tile(picture.position_cov_m2, (samples, 1, 1)),
        # Later, the battery's own radars are assumed to hold the track.
        np.full((samples * n, picture.last_update_by_radar_s.shape[1]), picture.time_s),
        np.tile(picture.speed_sigma_mps, samples))
    later = engageability(stacked, np.tile(time_to_go_s, samples) - ahead_s, batteries, types,
                          frame, ground_elevation_m, fire_control_track_age_s)
    return later.feasible.reshape(batteries.size, samples, n).any(axis=1)
