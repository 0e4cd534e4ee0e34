"""Interceptors in flight: guidance to the predicted intercept point, endgame, kill.

Every step each round turns toward the predicted intercept point (PIP) of its target at
its average speed (no turn-rate or speed limits yet: a later issue brings proportional
navigation). Until its seeker acquires a target, a round steers on the battle manager's
track (command guidance); once the nearest true threat is within ``seeker_range_m`` it
locks on and steers on that threat's true motion. A gun burst has no seeker: its aim is
the fire-control solution from the track. When a round reaches its aim point within a
step, the closest approach to the nearest true threat over that step gives the miss
distance, and :mod:`iadsim.effectors.lethality` decides the kill. A round that has not
reached its aim point within its maximum flight time self-destructs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from iadsim.effectors.batteries import InterceptorTable
from iadsim.effectors.intercept_geometry import closest_approach, intercept_time_s
from iadsim.effectors.lethality import draw_kills

FLYING, RESOLVED = 1, 2


@dataclass(frozen=True, slots=True)
class Outcome:
    """Rounds resolved in one step (arrays over those rounds)."""

    interceptor_id: np.ndarray
    engagement_id: np.ndarray
    battery: np.ndarray
    threat_id: np.ndarray  # nearest true threat at closest approach, -1 if none
    miss_distance_m: np.ndarray  # NaN when no threat was near
    killed: np.ndarray  # bool
    self_destructed: np.ndarray  # bool
    time_s: np.ndarray
    position_m: np.ndarray  # (k, 3)


class InterceptorFleet:
    """Every round launched in a run (structure of arrays; row = interceptor id)."""

    FIELDS = ("position_m", "velocity_mps", "type_index", "battery", "engagement_id",
              "track_id", "locked_threat", "launch_time_s", "status", "aim_offset_m")

    def __init__(self, types: InterceptorTable, rng: np.random.Generator):
        self.types = types
        self.rng = rng
        self.position_m = np.zeros((0, 3))
        self.velocity_mps = np.zeros((0, 3))
        self.type_index = np.zeros(0, dtype=int)
        self.battery = np.zeros(0, dtype=int)
        self.engagement_id = np.zeros(0, dtype=int)
        self.track_id = np.zeros(0, dtype=int)
        self.locked_threat = np.zeros(0, dtype=int)
        self.launch_time_s = np.zeros(0)
        self.status = np.zeros(0, dtype=np.int8)
        self.aim_offset_m = np.zeros((0, 3))

    @property
    def size(self) -> int:
        return int(self.status.size)

    @property
    def flying(self) -> np.ndarray:
        return (self.status == FLYING).nonzero()[0]

    def launch(self, time_s: float, position_m: np.ndarray, aim_point_m: np.ndarray,
               type_index: int, battery: int, engagement_id: int, track_id: int) -> int:
        """Add one round leaving ``position_m`` toward ``aim_point_m``; returns its id."""
        direction = aim_point_m - position_m
        direction /= max(float(np.linalg.norm(direction)), 1e-9)
        values = {
            "position_m": position_m[None, :], "type_index": [type_index],
            "velocity_mps": direction[None, :] * self.types.speed_mps[type_index],
            "battery": [battery], "engagement_id": [engagement_id], "track_id": [track_id],
            "locked_threat": [-1], "launch_time_s": [time_s], "status": [FLYING],
            # The round's terminal aiming error, drawn once at launch (1 sigma per axis).
            "aim_offset_m": self.rng.standard_normal((1, 3)) * self.types.aim_error_m[type_index],
        }
        for name in self.FIELDS:
            current = getattr(self, name)
            setattr(self, name, np.concatenate([current, np.asarray(values[name],
                                                                    dtype=current.dtype)]))
        return self.size - 1

    def step(self, time_s: float, dt_s: float, threat_start_m: np.ndarray,
             threat_end_m: np.ndarray, threat_alive: np.ndarray,
             track_ids: np.ndarray, track_position_m: np.ndarray,
             track_velocity_mps: np.ndarray) -> Outcome:
        """Fly every round from ``time_s`` to ``time_s + dt_s`` and resolve endgames.

        threat_start_m, threat_end_m: (n_threats, 3) true positions at both ends of the
        step; threat_alive: (n_threats,) bool. The track arrays are the picture at
        ``time_s`` (ids, positions, velocities of confirmed tracks).
        """
        rows = self.flying
        if rows.size == 0:
            return _empty_outcome()
        types = self.type_index[rows]
        speed = self.types.speed_mps[types]
        position = self.position_m[rows]
        threat_velocity = (threat_end_m - threat_start_m) / dt_s

        alive_ids = threat_alive.nonzero()[0]
        nearest = np.full(rows.size, -1)
        nearest_distance = np.full(rows.size, np.inf)
        if alive_ids.size * rows.size <= 50_000:
            if alive_ids.size:
                gaps = position[:, None, :] - threat_start_m[alive_ids][None, :, :]
                squared = np.einsum("ijk,ijk->ij", gaps, gaps)
                index = np.argmin(squared, axis=1)
                nearest = alive_ids[index]
                nearest_distance = np.sqrt(squared[np.arange(rows.size), index])
        else:
            distance, index = cKDTree(threat_start_m[alive_ids]).query(position)
            nearest, nearest_distance = alive_ids[index], distance
        # Seeker lock: the nearest live threat inside the acquisition range (once locked,
        # a round keeps its target while it lives).
        locked = self.locked_threat[rows]
        lost = (locked >= 0) & ~threat_alive[np.maximum(locked, 0)]
        locked[lost] = -1
        acquire = (locked < 0) & (nearest_distance <= self.types.seeker_range_m[types])
        locked[acquire] = nearest[acquire]
        self.locked_threat[rows] = locked

        # Aim: the PIP of the locked threat (truth) or of the track (command guidance);
        # a round whose track is gone flies on along its last heading.
        target_position = position + self.velocity_mps[rows] * 1e3
        target_velocity = np.zeros_like(position)
        on_track = np.full(rows.size, False)
        if track_ids.size:
            order = track_ids.argsort()
            found = np.searchsorted(track_ids, self.track_id[rows], sorter=order)
            found = np.clip(found, 0, track_ids.size - 1)
            on_track = track_ids[order[found]] == self.track_id[rows]
            target_position[on_track] = track_position_m[order[found[on_track]]]
            target_velocity[on_track] = track_velocity_mps[order[found[on_track]]]
        has_lock = locked >= 0
        aim_offset = np.where(has_lock[:, None], self.aim_offset_m[rows], 0.0)
        target_position[has_lock] = threat_start_m[locked[has_lock]] + aim_offset[has_lock]
        target_velocity[has_lock] = threat_velocity[locked[has_lock]]
        steering = on_track | has_lock
        time_to_go = intercept_time_s(target_position - position, target_velocity, speed, 0.0)
        time_to_go = np.where(np.isnan(time_to_go) | ~steering, np.inf, time_to_go)
        aim = np.where(np.isfinite(time_to_go)[:, None],
                       target_position + target_velocity * np.where(
                           np.isfinite(time_to_go), time_to_go, 0.0)[:, None],
                       position + self.velocity_mps[rows])
        direction = aim - position
        direction /= np.maximum(np.linalg.norm(direction, axis=1), 1e-9)[:, None]
        velocity = direction * speed[:, None]
        new_position = position + velocity * dt_s
        self.position_m[rows] = new_position
        self.velocity_mps[rows] = velocity

        # Endgame: the round reaches its aim point within this step.
        arriving = steering & (time_to_go <= dt_s)
        flight_time = time_s + dt_s - self.launch_time_s[rows]
        expired = ~arriving & (flight_time >= self.types.max_flight_time_s[types])
        resolving = arriving.nonzero()[0]
        if resolving.size == 0 and not expired.any():
            return _empty_outcome()
        victim = np.where(has_lock, locked, nearest)[resolving]
        miss = np.full(resolving.size, np.nan)
        when = np.full(resolving.size, time_s + dt_s)
        if resolving.size and alive_ids.size:
            relative = position[resolving] - threat_start_m[victim]
            relative_velocity = velocity[resolving] - threat_velocity[victim]
            offset, miss = closest_approach(relative, relative_velocity, dt_s)
            when = time_s + offset
        victim = np.where(np.isnan(miss), -1, victim)
        kills = draw_kills(np.nan_to_num(miss, nan=np.inf),
                           self.types.lethal_radius_m[types[resolving]],
                           self.types.single_shot_pk[types[resolving]], self.rng)
        # Two rounds may kill the same threat in one step: the first (lowest id) counts.
        kills &= victim >= 0
        killed_victims = victim[kills]
        if killed_victims.size:
            first = np.zeros(kills.size, dtype=bool)
            _, first_index = np.unique(killed_victims, return_index=True)
            first[kills.nonzero()[0][first_index]] = True
            kills = first

        done = np.concatenate([resolving, expired.nonzero()[0]])
        self.status[rows[done]] = RESOLVED
        ids = rows[done]
        n_expired = int(expired.sum())
        return Outcome(
            interceptor_id=ids,
            engagement_id=self.engagement_id[ids],
            battery=self.battery[ids],
            threat_id=np.concatenate([victim, np.full(n_expired, -1)]),
            miss_distance_m=np.concatenate([miss, np.full(n_expired, np.nan)]),
            killed=np.concatenate([kills, np.zeros(n_expired, dtype=bool)]),
            self_destructed=np.concatenate([np.zeros(resolving.size, dtype=bool),
                                            np.ones(n_expired, dtype=bool)]),
            time_s=np.concatenate([when, np.full(n_expired, time_s + dt_s)]),
            position_m=new_position[done],
        )


def _empty_outcome() -> Outcome:
    return _EMPTY_OUTCOME


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


_EMPTY_INT = _frozen(np.zeros(0, dtype=int))
_EMPTY_OUTCOME = Outcome(_EMPTY_INT, _EMPTY_INT, _EMPTY_INT, _EMPTY_INT, _frozen(np.zeros(0)),
                         _frozen(np.zeros(0, dtype=bool)), _frozen(np.zeros(0, dtype=bool)),
                         _frozen(np.zeros(0)), _frozen(np.zeros((0, 3))))
