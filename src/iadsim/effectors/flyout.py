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
from numba import njit
from scipy.spatial import cKDTree

from iadsim.effectors.batteries import InterceptorTable
from iadsim.effectors.intercept_geometry import closest_approach_of, intercept_time
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
        alive_ids = threat_alive.nonzero()[0]
        if alive_ids.size * rows.size > 50_000:
            distance, index = cKDTree(threat_start_m[alive_ids]).query(self.position_m[rows])
            nearest, nearest_distance = alive_ids[index], distance
        else:
            nearest, nearest_distance = _nearest(self.position_m, rows, threat_start_m, alive_ids)
        order = track_ids.argsort()
        arriving, expired, victim, miss, when, new_position = _guide(
            rows, self.type_index, self.position_m, self.velocity_mps, self.locked_threat,
            self.track_id, self.aim_offset_m, self.launch_time_s, self.types.speed_mps,
            self.types.seeker_range_m, self.types.max_flight_time_s, nearest,
            nearest_distance, threat_start_m, threat_end_m, threat_alive, track_ids[order],
            order, track_position_m, track_velocity_mps, time_s, dt_s)
        resolving = arriving.nonzero()[0]
        if resolving.size == 0 and not expired.any():
            return _empty_outcome()
        victim, miss, when = victim[resolving], miss[resolving], when[resolving]
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


@njit(cache=True, error_model="numpy")
def _nearest(position_m: np.ndarray, rows: np.ndarray, threat_position_m: np.ndarray,
             alive_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The nearest live threat of each round ``rows`` (-1 and inf when none), by
    brute force (the caller uses a k-d tree for large problems)."""
    nearest = np.full(rows.size, -1, dtype=np.intp)
    nearest_distance = np.full(rows.size, np.inf)
    for k in range(rows.size):
        row = rows[k]
        best = np.inf
        for threat in alive_ids:
            gap2 = ((position_m[row, 0] - threat_position_m[threat, 0]) ** 2
                    + (position_m[row, 1] - threat_position_m[threat, 1]) ** 2
                    + (position_m[row, 2] - threat_position_m[threat, 2]) ** 2)
            if gap2 < best:
                best = gap2
                nearest[k] = threat
        nearest_distance[k] = np.sqrt(best)
    return nearest, nearest_distance


@njit(cache=True)
def _search_sorted(values: np.ndarray, key: int) -> int:
    """The first index of sorted ``values`` whose value is not below ``key``."""
    low, high = 0, values.size
    while low < high:
        middle = (low + high) // 2
        if values[middle] < key:
            low = middle + 1
        else:
            high = middle
    return low


@njit(cache=True, error_model="numpy")
def _guide(rows: np.ndarray, type_index: np.ndarray, position_m: np.ndarray,
           velocity_mps: np.ndarray, locked_threat: np.ndarray, track_id: np.ndarray,
           aim_offset_m: np.ndarray, launch_time_s: np.ndarray, speed_mps: np.ndarray,
           seeker_range_m: np.ndarray, max_flight_time_s: np.ndarray, nearest: np.ndarray,
           nearest_distance: np.ndarray, threat_start_m: np.ndarray, threat_end_m: np.ndarray,
           threat_alive: np.ndarray, sorted_track_ids: np.ndarray, track_order: np.ndarray,
           track_position_m: np.ndarray, track_velocity_mps: np.ndarray, time_s: float,
           dt_s: float) -> tuple[np.ndarray, ...]:
    """Guide the rounds ``rows`` over one step, in place (position, velocity, seeker lock),
    and find their endgames (see :meth:`InterceptorFleet.step`).

    Returns, per round: arriving (reaches its aim point within the step), expired (out of
    flight time, not arriving), victim (the locked threat, else the nearest), miss
    distance and time of closest approach to the victim (NaN and the step's end when no
    threat lives), and the new position.
    """
    count = rows.size
    arriving = np.zeros(count, dtype=np.bool_)
    expired = np.zeros(count, dtype=np.bool_)
    victim = np.full(count, -1, dtype=np.intp)
    miss = np.full(count, np.nan)
    when = np.full(count, time_s + dt_s)
    new_position = np.empty((count, 3))
    any_alive = threat_alive.any()
    target_position = np.empty(3)
    target_velocity = np.empty(3)
    for k in range(count):
        row = rows[k]
        kind = type_index[row]
        speed = speed_mps[kind]
        # Seeker lock: the nearest live threat inside the acquisition range (once locked,
        # a round keeps its target while it lives).
        locked = locked_threat[row]
        if locked >= 0 and not threat_alive[locked]:
            locked = -1
        if locked < 0 and nearest_distance[k] <= seeker_range_m[kind]:
            locked = nearest[k]
        locked_threat[row] = locked
        # Aim: the PIP of the locked threat (truth) or of the track (command guidance);
        # a round whose track is gone flies on along its last heading.
        for axis in range(3):
            target_position[axis] = position_m[row, axis] + velocity_mps[row, axis] * 1e3
            target_velocity[axis] = 0.0
        on_track = False
        if sorted_track_ids.size:
            found = _search_sorted(sorted_track_ids, track_id[row])
            if found < sorted_track_ids.size and sorted_track_ids[found] == track_id[row]:
                on_track = True
                track = track_order[found]
                for axis in range(3):
                    target_position[axis] = track_position_m[track, axis]
                    target_velocity[axis] = track_velocity_mps[track, axis]
        if locked >= 0:
            for axis in range(3):
                target_position[axis] = threat_start_m[locked, axis] + aim_offset_m[row, axis]
                target_velocity[axis] = (threat_end_m[locked, axis]
                                         - threat_start_m[locked, axis]) / dt_s
        steering = on_track or locked >= 0
        time_to_go = intercept_time(
            target_position[0] - position_m[row, 0], target_position[1] - position_m[row, 1],
            target_position[2] - position_m[row, 2], target_velocity[0], target_velocity[1],
            target_velocity[2], speed, 0.0)
        if np.isnan(time_to_go) or not steering:
            time_to_go = np.inf
        start_x, start_y, start_z = position_m[row, 0], position_m[row, 1], position_m[row, 2]
        if np.isfinite(time_to_go):
            aim_x = target_position[0] + target_velocity[0] * time_to_go
            aim_y = target_position[1] + target_velocity[1] * time_to_go
            aim_z = target_position[2] + target_velocity[2] * time_to_go
        else:
            aim_x = start_x + velocity_mps[row, 0]
            aim_y = start_y + velocity_mps[row, 1]
            aim_z = start_z + velocity_mps[row, 2]
        dx, dy, dz = aim_x - start_x, aim_y - start_y, aim_z - start_z
        norm = max(np.sqrt(dx * dx + dy * dy + dz * dz), 1e-9)
        vx, vy, vz = dx / norm * speed, dy / norm * speed, dz / norm * speed
        velocity_mps[row, 0], velocity_mps[row, 1], velocity_mps[row, 2] = vx, vy, vz
        new_position[k, 0] = start_x + vx * dt_s
        new_position[k, 1] = start_y + vy * dt_s
        new_position[k, 2] = start_z + vz * dt_s
        for axis in range(3):
            position_m[row, axis] = new_position[k, axis]
        # Endgame: the round reaches its aim point within this step.
        arriving[k] = steering and time_to_go <= dt_s
        expired[k] = (not arriving[k]
                      and time_s + dt_s - launch_time_s[row] >= max_flight_time_s[kind])
        victim[k] = locked if locked >= 0 else nearest[k]
        if arriving[k] and any_alive:
            threat = victim[k]
            rx = start_x - threat_start_m[threat, 0]
            ry = start_y - threat_start_m[threat, 1]
            rz = start_z - threat_start_m[threat, 2]
            ux = vx - (threat_end_m[threat, 0] - threat_start_m[threat, 0]) / dt_s
            uy = vy - (threat_end_m[threat, 1] - threat_start_m[threat, 1]) / dt_s
            uz = vz - (threat_end_m[threat, 2] - threat_start_m[threat, 2]) / dt_s
            offset, miss[k] = closest_approach_of(rx, ry, rz, ux, uy, uz, dt_s)
            when[k] = time_s + offset
    return arriving, expired, victim, miss, when, new_position
