"""Engageability: can a battery reach a track, and where and when would it intercept?

For every (battery, track) pair the predicted intercept point (PIP) is found with the
interceptor type's kinematic envelope, flown with its own flight model
(:mod:`iadsim.effectors.envelope`: time of flight over ground range x altitude), for a
target keeping its track velocity and a launch after the battery's reaction time; the
pair is engageable when the round can reach the PIP in time, the PIP is inside the
published envelope (slant range, altitude above ground, flight time), the target is not
faster than the interceptor allows, one of the battery's radars (any radar, with launch on
remote: ``Batteries.fire_control_mask``) updated the track recently enough for fire
control, and the intercept comes before the track reaches the asset it threatens. With
the run's fire-control radars (:mod:`iadsim.c2.fire_control_radars`), a battery that
engages through them also needs one that holds the track now (updated it recently
enough), covers the PIP, and has the track slots the engagement takes free.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from iadsim.c2.fire_control_radars import FireControlRadars, _guiding_radar
from iadsim.effectors.batteries import Batteries, InterceptorTable
from iadsim.effectors.envelope import intercept_solution, stacked_tables
from iadsim.tracking.tracker import TrackPicture
from iadsim.world.geodesy import LocalFrame


@dataclass(frozen=True, slots=True)
class Engageability:
    """(n_batteries, n_tracks) arrays."""

    feasible: np.ndarray  # bool
    intercept_time_s: np.ndarray  # time from now to intercept, NaN when none
    intercept_point_m: np.ndarray  # (b, n, 3)


@dataclass(frozen=True, slots=True)
class BatteryEnvelopes:
    """What :func:`engageability` reads of each battery's interceptor type, (n_batteries,)
    arrays (SI units), and the stacked envelope tables of the types
    (:func:`iadsim.effectors.envelope.stacked_tables`). Fixed for a run: a battle manager
    builds it once (:func:`battery_envelopes`) rather than every cycle."""

    kind: np.ndarray
    speed_mps: np.ndarray
    min_range_m: np.ndarray
    max_range_m: np.ndarray
    min_altitude_m: np.ndarray
    max_altitude_m: np.ndarray
    max_flight_time_s: np.ndarray
    max_target_speed_mps: np.ndarray
    time_of_flight: np.ndarray
    envelope_scalars: np.ndarray


def battery_envelopes(batteries: Batteries, types: InterceptorTable) -> BatteryEnvelopes:
    """The :class:`BatteryEnvelopes` of the batteries' interceptor types."""
    kind = batteries.interceptor_type
    time_of_flight, _, scalars = stacked_tables(types)
    return BatteryEnvelopes(kind, types.speed_mps[kind], types.min_range_m[kind],
                            types.max_range_m[kind], types.min_altitude_m[kind],
                            types.max_altitude_m[kind], types.max_flight_time_s[kind],
                            types.max_target_speed_mps[kind], time_of_flight, scalars)


def engageability(picture: TrackPicture, time_to_go_s: np.ndarray, batteries: Batteries,
                  types: InterceptorTable, frame: LocalFrame, ground_elevation_m: float,
                  fire_control_track_age_s: float,
                  fire_control_radars: FireControlRadars | None = None,
                  check_slots: bool = True,
                  envelopes: BatteryEnvelopes | None = None,
                  radar_arrays: FireControlArrays | None = None) -> Engageability:
    """Evaluate every battery against every confirmed track of the picture.

    ``fire_control_radars``: the run's fire-control radars (None: no battery is limited
    by one); ``check_slots``: whether their free track slots count (False for an instant
    to come, when engagements open now will have ended); ``envelopes``: the batteries'
    :func:`battery_envelopes` (None: built from ``batteries`` and ``types``);
    ``radar_arrays``: :func:`fire_control_arrays` of ``fire_control_radars`` (None: built
    from them).
    """
    table = battery_envelopes(batteries, types) if envelopes is None else envelopes
    arrays = (fire_control_arrays(fire_control_radars, batteries)
              if radar_arrays is None else radar_arrays)
    check_radars = arrays.check and picture.size > 0
    need = arrays.need if check_slots else arrays.no_need
    feasible, t_intercept, point = _engageability_with_radars(
        picture.position_m, picture.velocity_mps, picture.last_update_by_radar_s,
        picture.time_s, np.asarray(time_to_go_s, dtype=float), batteries.position_m,
        batteries.reaction_time_s, batteries.fire_control_mask, table.speed_mps,
        table.min_range_m, table.max_range_m, table.min_altitude_m, table.max_altitude_m,
        table.max_flight_time_s, table.max_target_speed_mps, frame.alt_m,
        frame.gaussian_radius_m(), ground_elevation_m, fire_control_track_age_s,
        table.kind, table.time_of_flight, table.envelope_scalars, check_radars,
        check_slots, arrays.battery_radars, arrays.on_remote,
        arrays.free_slots(fire_control_radars), need, *arrays.coverage, arrays.limited,
        NO_PRUNING)
    return Engageability(feasible, t_intercept, point)


@dataclass(frozen=True, slots=True)
class FireControlArrays:
    """What the compiled engageability tests read of the run's fire-control radars
    (:class:`FireControlRadars`), in the dtypes they take, with placeholders when the run
    has none. Fixed for a run (the radars' coverage, the batteries they limit and the
    slots an engagement takes do not change; only the slots in use do): the battle
    manager builds it once (:func:`fire_control_arrays`) rather than every cycle.

    ``check``: some battery is limited by the radars; ``battery_radars``, ``on_remote``,
    ``limited``, ``need`` (slots one engagement takes), as :class:`FireControlRadars`
    has them per battery; ``no_need``: zeros (slots not checked); ``coverage``: the
    radars' position, rotation to their own frames, range, elevation limits, sector
    centre and half width, in :func:`_guiding_radar`'s order."""

    check: bool
    battery_radars: np.ndarray
    on_remote: np.ndarray
    limited: np.ndarray
    need: np.ndarray
    no_need: np.ndarray
    coverage: tuple[np.ndarray, ...]

    def free_slots(self, radars: FireControlRadars | None) -> np.ndarray:
        """(n_radars,) int64 free track slots of ``radars`` now (empty without radars)."""
        if radars is None or not self.check:
            return _NO_SLOTS
        return (radars.capacity - radars.used).astype(np.int64)


_NO_SLOTS = np.zeros(0, dtype=np.int64)
#: ``prune_margin_m`` of :func:`_engageability`: no pruning (engageability now), and the
#: margin beyond a battery's range (m) past which a window sample is pruned.
NO_PRUNING = -1.0
PRUNING_MARGIN_M = 1.0


def fire_control_arrays(radars: FireControlRadars | None, batteries: Batteries
                        ) -> FireControlArrays:
    """The :class:`FireControlArrays` of the run's ``radars`` (None: none)."""
    count = batteries.size
    no_need = np.zeros(count, dtype=np.int64)
    if radars is None or not radars.limited.any():
        return FireControlArrays(
            False, np.zeros((count, 0), dtype=np.bool_), np.zeros(count, dtype=np.bool_),
            np.zeros(count, dtype=np.bool_), no_need, no_need,
            (np.zeros((0, 3)), np.zeros((0, 3, 3)), np.zeros(0), np.zeros(0), np.zeros(0),
             np.zeros(0), np.zeros(0)))
    return FireControlArrays(
        True, np.ascontiguousarray(radars.battery_radars, dtype=np.bool_),
        np.ascontiguousarray(radars.on_remote, dtype=np.bool_),
        np.ascontiguousarray(radars.limited, dtype=np.bool_),
        radars.slots_per_engagement(batteries.salvo_size).astype(np.int64), no_need,
        (np.ascontiguousarray(radars.position_m, dtype=float),
         np.ascontiguousarray(radars.to_local, dtype=float),
         np.asarray(radars.max_range_m, dtype=float),
         np.asarray(radars.min_elevation_rad, dtype=float),
         np.asarray(radars.max_elevation_rad, dtype=float),
         np.asarray(radars.sector_center_rad, dtype=float),
         np.asarray(radars.sector_half_width_rad, dtype=float)))


@njit(cache=True, error_model="numpy")
def _engageability_with_radars(
        track_position: np.ndarray, track_velocity: np.ndarray,
        last_update_by_radar_s: np.ndarray, time_s: float, time_to_go_s: np.ndarray,
        battery_position: np.ndarray, reaction_time_s: np.ndarray, radar_mask: np.ndarray,
        speed: np.ndarray, min_range: np.ndarray, max_range: np.ndarray,
        min_altitude: np.ndarray, max_altitude: np.ndarray, max_flight_time: np.ndarray,
        max_target_speed: np.ndarray, origin_altitude_m: float, earth_radius_m: float,
        ground_elevation_m: float, fire_control_track_age_s: float, kind: np.ndarray,
        time_of_flight: np.ndarray, envelope_scalars: np.ndarray, check_radars: bool,
        check_slots: bool, battery_radars: np.ndarray, on_remote: np.ndarray,
        free_slots: np.ndarray, need_slots: np.ndarray, radar_position: np.ndarray,
        to_local: np.ndarray, radar_max_range: np.ndarray, min_elevation: np.ndarray,
        max_elevation: np.ndarray, sector_center: np.ndarray,
        sector_half_width: np.ndarray, limited: np.ndarray, prune_margin_m: float
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_engageability` (``prune_margin_m`` as there: :data:`NO_PRUNING` for every
    pair's time and point, :data:`PRUNING_MARGIN_M` for a caller that reads them only
    where the pair is feasible), then (``check_radars``) the fire-control radars' test
    of :meth:`FireControlRadars.engageable`: the radars holding each track now
    (:func:`holding_radars`) and :func:`_guiding_radar` with ``need_slots`` free when
    ``check_slots``. One compiled call: the battle manager tests engageability every
    cycle."""
    feasible, t_intercept, point = _engageability(
        track_position, track_velocity, last_update_by_radar_s, time_s, time_to_go_s,
        battery_position, reaction_time_s, radar_mask, speed, min_range, max_range,
        min_altitude, max_altitude, max_flight_time, max_target_speed, origin_altitude_m,
        earth_radius_m, ground_elevation_m, fire_control_track_age_s, kind, time_of_flight,
        envelope_scalars, prune_margin_m)
    if check_radars:
        n_tracks, n_radars = last_update_by_radar_s.shape
        holding = np.empty((n_tracks, n_radars), dtype=np.bool_)
        for track in range(n_tracks):
            for radar in range(n_radars):
                holding[track, radar] = (time_s - last_update_by_radar_s[track, radar]
                                         <= fire_control_track_age_s)
        _keep_guided(feasible, np.arange(battery_position.shape[0]), point, holding,
                     battery_radars, on_remote, free_slots, need_slots, check_slots, limited,
                     radar_position, to_local, radar_max_range, min_elevation,
                     max_elevation, sector_center, sector_half_width)
    return feasible, t_intercept, point


@njit(cache=True)
def _keep_guided(feasible: np.ndarray, batteries: np.ndarray, point: np.ndarray,
                 holding: np.ndarray, battery_radars: np.ndarray, on_remote: np.ndarray,
                 free_slots: np.ndarray, need_slots: np.ndarray, check_slots: bool,
                 limited: np.ndarray, radar_position: np.ndarray, to_local: np.ndarray,
                 radar_max_range: np.ndarray, min_elevation: np.ndarray,
                 max_elevation: np.ndarray, sector_center: np.ndarray,
                 sector_half_width: np.ndarray) -> None:
    """``feasible[order, row] &= (a fire-control radar guides it or the battery is not
    limited)``, in place: row ``order`` of ``feasible`` and ``point`` (n_rows, n, 3) is
    battery ``batteries[order]``, and a limited battery keeps a feasible pair only if
    :func:`_guiding_radar` finds it a radar (``holding`` (n, n_radars) the radars holding
    each track, ``need_slots`` per battery). :func:`_guiding_radar` is asked only about
    the feasible pairs of the limited batteries, one battery at a time (its answer for a
    pair reads that pair alone): an infeasible pair stays infeasible whatever it says,
    and most pairs (the window samples of a short-range battery) are infeasible."""
    n, n_radars = holding.shape[0], holding.shape[1]
    for order in range(batteries.shape[0]):
        battery = batteries[order]
        if not limited[battery]:
            continue
        count = 0
        for row in range(n):
            if feasible[order, row]:
                count += 1
        if count == 0:
            continue
        rows = np.empty(count, dtype=np.intp)
        pair_point = np.empty((1, count, 3))
        pair_holding = np.empty((count, n_radars), dtype=np.bool_)
        index = 0
        for row in range(n):
            if feasible[order, row]:
                rows[index] = row
                for axis in range(3):
                    pair_point[0, index, axis] = point[order, row, axis]
                for radar in range(n_radars):
                    pair_holding[index, radar] = holding[row, radar]
                index += 1
        chosen = _guiding_radar(battery_radars[battery:battery + 1], pair_holding,
                                on_remote[battery:battery + 1], free_slots,
                                need_slots[battery:battery + 1], check_slots, pair_point,
                                radar_position, to_local, radar_max_range, min_elevation,
                                max_elevation, sector_center, sector_half_width)
        for index in range(count):
            if chosen[0, index] < 0:
                feasible[order, rows[index]] = False


@njit(cache=True, error_model="numpy")
def _engageability(track_position: np.ndarray, track_velocity: np.ndarray,
                   last_update_by_radar_s: np.ndarray, time_s: float, time_to_go_s: np.ndarray,
                   battery_position: np.ndarray, reaction_time_s: np.ndarray,
                   radar_mask: np.ndarray, speed: np.ndarray, min_range: np.ndarray,
                   max_range: np.ndarray, min_altitude: np.ndarray, max_altitude: np.ndarray,
                   max_flight_time: np.ndarray, max_target_speed: np.ndarray,
                   origin_altitude_m: float, earth_radius_m: float, ground_elevation_m: float,
                   fire_control_track_age_s: float, kind: np.ndarray,
                   time_of_flight: np.ndarray, envelope_scalars: np.ndarray,
                   prune_margin_m: float = -1.0
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`engageability` per (battery, track); battery-indexed limits are those of
    each battery's interceptor type. The PIP's height uses the osculating sphere, as
    :meth:`LocalFrame.approximate_altitude_m`.

    ``prune_margin_m`` (m; negative: no pruning): skip the envelope solution of a pair
    that cannot be feasible whatever its intercept time (:func:`_out_of_reach`, this
    margin beyond the range), as for a target too fast: its time is NaN and its point
    the track's position, so only its feasibility (False either way) may be read. A
    float, not a bool, so that both uses share one compiled specialization (Numba
    compiles one per literal bool). For the window samples (:func:`_later_engageability`),
    most of which lie far beyond a short-range battery's reach; their feasibility is the
    same bit for bit."""
    n_batteries, n_tracks = battery_position.shape[0], track_position.shape[0]
    feasible = np.zeros((n_batteries, n_tracks), dtype=np.bool_)
    t_intercept = np.empty((n_batteries, n_tracks))
    point = np.empty((n_batteries, n_tracks, 3))
    for track in range(n_tracks):
        vx, vy, vz = track_velocity[track, 0], track_velocity[track, 1], track_velocity[track, 2]
        target_speed = np.sqrt(vx * vx + vy * vy + vz * vz)
        for battery in range(n_batteries):
            delay = reaction_time_s[battery]
            table = kind[battery]
            pruned = prune_margin_m >= 0.0 and _out_of_reach(
                track_position[track, 0] - battery_position[battery, 0],
                track_position[track, 1] - battery_position[battery, 1],
                track_position[track, 2] - battery_position[battery, 2], target_speed, delay,
                time_to_go_s[track], max_flight_time[battery], max_range[battery],
                prune_margin_m)
            latest = -np.inf
            if not pruned:
                for radar in range(radar_mask.shape[1]):
                    if radar_mask[battery, radar]:
                        latest = max(latest, last_update_by_radar_s[track, radar])
            if (pruned or target_speed > max_target_speed[battery]
                    or time_s - latest > fire_control_track_age_s):
                # Not engageable whatever the geometry: skip the envelope solution.
                t_intercept[battery, track] = np.nan
                for axis in range(3):
                    point[battery, track, axis] = track_position[track, axis]
                continue
            time = intercept_solution(
                track_position[track, 0] - battery_position[battery, 0],
                track_position[track, 1] - battery_position[battery, 1],
                track_position[track, 2] - battery_position[battery, 2], vx, vy, vz, delay,
                time_of_flight[table], envelope_scalars[table, 0], envelope_scalars[table, 1],
                envelope_scalars[table, 2], envelope_scalars[table, 3], earth_radius_m)
            t_intercept[battery, track] = time
            ahead = 0.0 if np.isnan(time) else time
            east = track_position[track, 0] + vx * ahead
            north = track_position[track, 1] + vy * ahead
            up = track_position[track, 2] + vz * ahead
            point[battery, track, 0], point[battery, track, 1] = east, north
            point[battery, track, 2] = up
            if np.isnan(time) or time >= time_to_go_s[track]:
                continue
            slant = np.sqrt((east - battery_position[battery, 0]) ** 2
                            + (north - battery_position[battery, 1]) ** 2
                            + (up - battery_position[battery, 2]) ** 2)
            height = np.sqrt(east * east + north * north
                             + (up + origin_altitude_m + earth_radius_m) ** 2) - earth_radius_m
            height -= ground_elevation_m
            feasible[battery, track] = (
                np.isfinite(time) and min_range[battery] <= slant <= max_range[battery]
                and min_altitude[battery] <= height <= max_altitude[battery]
                and time - delay <= max_flight_time[battery]
                and target_speed <= max_target_speed[battery]
                and time_s - latest <= fire_control_track_age_s)
    return feasible, t_intercept, point


@njit(cache=True, inline="always")
def _out_of_reach(east: float, north: float, up: float, target_speed: float, delay: float,
                  time_to_go: float, max_flight_time: float, max_range: float,
                  margin_m: float) -> bool:
    """True when no intercept time can make :func:`_engageability` find the pair feasible:
    the target at (``east``, ``north``, ``up``) from the battery (m), moving at
    ``target_speed``. An intercept time ``t`` is at least ``max(delay, 0)``
    (:func:`intercept_solution` never returns an earlier one) and feasible only if
    ``t < time_to_go`` and ``t - delay <= max_flight_time``; the intercept point
    ``p + v t`` is then at least ``|p| - speed x t`` from the battery, which must be within
    ``max_range``. A margin (``margin_m`` and 1e-9 of the range) covers the rounding of
    the point's own computation; NaN inputs prune nothing (their pair is solved as
    before)."""
    earliest = max(delay, 0.0)
    if time_to_go <= earliest:
        return True
    latest = delay + max_flight_time
    if time_to_go < latest:
        latest = time_to_go
    distance = np.sqrt(east * east + north * north + up * up)
    return distance - target_speed * latest > max_range * (1.0 + 1e-9) + margin_m


@dataclass(frozen=True, slots=True)
class EngagementWindows:
    """(n_batteries, n_tracks) arrays: when, from now, each battery can engage each track.

    ``first_s`` and ``last_s``: the earliest and latest sampled instants (s from now, 0 =
    now) at which the battery could intercept; inf and -inf when never. ``duration_s``:
    the sampled time it can (the number of engageable samples x the sample spacing).
    ``beyond_horizon``: the track arrives (or threatens nothing) after ``horizon_s``, so
    its windows are cut there.
    """

    first_s: np.ndarray
    last_s: np.ndarray
    duration_s: np.ndarray
    beyond_horizon: np.ndarray  # (n_tracks,) bool: arrives after the sampled horizon


def engagement_windows(picture: TrackPicture, time_to_go_s: np.ndarray, batteries: Batteries,
                       types: InterceptorTable, frame: LocalFrame, ground_elevation_m: float,
                       fire_control_track_age_s: float, aim_point_m: np.ndarray | None = None,
                       samples: int = 10, horizon_s: float = 1_200.0,
                       now: Engageability | None = None,
                       fire_control_radars: FireControlRadars | None = None,
                       envelopes: BatteryEnvelopes | None = None) -> EngagementWindows:
    """When each battery can engage each track, from now until the track arrives.

    ``now``: :func:`engageability` of the picture itself (sample 0, computed when not
    given). Later, a track with an ``aim_point_m`` (n, 3; NaN rows for none: the asset it
    threatens) is flown straight at that point at its current speed (its intent), arriving
    after distance / speed; others on their current velocity, arriving at
    ``time_to_go_s``. It is sampled at ``samples`` instants up to its arrival (at most
    ``horizon_s``), assuming the battery's own radars will then hold it, and tested with
    :func:`engageability` at each. A sampled estimate: a window shorter than the sample
    spacing (time to go / ``samples``) can be missed or overstated by one spacing.
    ``fire_control_radars``: as in :func:`engageability`; their coverage counts at every
    sample, their free slots only now. ``envelopes``: as in :func:`engageability`.
    """
    velocity, time_to_go_s = _intent(picture, time_to_go_s, aim_point_m)
    reach = np.minimum(np.where(np.isfinite(time_to_go_s), time_to_go_s, horizon_s), horizon_s)
    later = _later_feasible(picture, velocity, time_to_go_s, reach, batteries, types, frame,
                            ground_elevation_m, fire_control_track_age_s, samples,
                            fire_control_radars, envelopes)
    if now is None:
        now = engageability(picture, time_to_go_s, batteries, types, frame,
                            ground_elevation_m, fire_control_track_age_s, fire_control_radars,
                            envelopes=envelopes)
    first, last, duration = _window_bounds(now.feasible, later, reach, samples)
    return EngagementWindows(first, last, duration, ~(time_to_go_s <= horizon_s))


@njit(cache=True)
def _window_bounds(feasible_now: np.ndarray, later: np.ndarray, reach: np.ndarray,
                   samples: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First and last engageable instants (s from now; inf and -inf when never) and the
    sampled duration of :func:`engagement_windows`, from its feasibility now
    (n_batteries, n_tracks) and at the later samples (n_batteries, samples, n_tracks):
    sample ``k`` of track ``j`` is ``k / samples * reach[j]`` s ahead (0: now), and the
    duration counts the later samples at ``reach[j] / samples`` each. Compiled: the same
    operations, element by element, as stacking the samples and reducing them in NumPy,
    which cost more per call on a cycle's few tracks than the counting does."""
    n_batteries, n_tracks = feasible_now.shape
    first = np.empty((n_batteries, n_tracks))
    last = np.empty((n_batteries, n_tracks))
    duration = np.empty((n_batteries, n_tracks))
    for battery in range(n_batteries):
        for track in range(n_tracks):
            earliest, latest = np.inf, -np.inf
            if feasible_now[battery, track]:
                ahead = 0 / samples * reach[track]
                earliest = min(earliest, ahead)
                latest = max(latest, ahead)
            count = 0
            for sample in range(samples):
                if later[battery, sample, track]:
                    ahead = (sample + 1) / samples * reach[track]
                    earliest = min(earliest, ahead)
                    latest = max(latest, ahead)
                    count += 1
            first[battery, track], last[battery, track] = earliest, latest
            duration[battery, track] = count * (reach[track] / samples)
    return first, last, duration


def _intent(picture: TrackPicture, time_to_go_s: np.ndarray, aim_point_m: np.ndarray | None
            ) -> tuple[np.ndarray, np.ndarray]:
    """Velocity (n, 3) and time to go (n,) of the tracks flown at their aim points: straight
    at the point at the current speed, arriving after distance / speed; tracks without one
    keep their velocity and ``time_to_go_s``."""
    velocity = picture.velocity_mps
    if aim_point_m is None:
        return velocity, time_to_go_s
    heading = aim_point_m - picture.position_m
    distance = np.linalg.norm(heading, axis=1)
    speed = np.linalg.norm(velocity, axis=1)
    intent = np.isfinite(distance) & (distance > 1.0) & (speed > 1.0)
    velocity = velocity.copy()
    velocity[intent] = heading[intent] * (speed[intent] / distance[intent])[:, None]
    time_to_go_s = np.array(time_to_go_s, dtype=float)
    time_to_go_s[intent] = distance[intent] / speed[intent]
    return velocity, time_to_go_s


def _later_feasible(picture: TrackPicture, velocity: np.ndarray, time_to_go_s: np.ndarray,
                    reach: np.ndarray, batteries: Batteries, types: InterceptorTable,
                    frame: LocalFrame, ground_elevation_m: float,
                    fire_control_track_age_s: float, samples: int,
                    fire_control_radars: FireControlRadars | None = None,
                    envelopes: BatteryEnvelopes | None = None) -> np.ndarray:
    """(n_batteries, samples, n_tracks) bool: engageable at each later sample of
    :func:`engagement_windows`, the tracks flown with ``velocity`` (n, 3) and
    ``time_to_go_s`` (n,) of :func:`_intent`, sampled up to ``reach`` (n,) s ahead.

    :func:`engageability` of the stacked samples (sample ``k`` of track ``j`` in row
    ``k * n + j``), the battery's own radars assumed to hold every sample's track; the
    samples are stacked and evaluated in one compiled call (:func:`_later_engageability`),
    since the battle manager samples windows every cycle."""
    n = picture.size
    if n == 0:
        return np.zeros((batteries.size, samples, 0), dtype=bool)
    table = battery_envelopes(batteries, types) if envelopes is None else envelopes
    radars = picture.last_update_by_radar_s.shape[1]
    feasible, point = _later_engageability(
        np.ascontiguousarray(picture.position_m, dtype=float),
        np.ascontiguousarray(velocity, dtype=float), np.asarray(time_to_go_s, dtype=float),
        np.asarray(reach, dtype=float), samples, radars, picture.time_s,
        batteries.position_m, batteries.reaction_time_s, batteries.fire_control_mask,
        table.speed_mps, table.min_range_m, table.max_range_m, table.min_altitude_m,
        table.max_altitude_m, table.max_flight_time_s, table.max_target_speed_mps,
        frame.alt_m, frame.gaussian_radius_m(), ground_elevation_m, fire_control_track_age_s,
        table.kind, table.time_of_flight, table.envelope_scalars)
    if fire_control_radars is not None and fire_control_radars.limited.any():
        # :func:`holding_radars` of the samples: every one updated at the picture's time.
        held = (picture.time_s - picture.time_s) <= fire_control_track_age_s
        feasible &= fire_control_radars.engageable(
            np.full((samples * n, radars), held), point, None)
    return feasible.reshape(batteries.size, samples, n)


@njit(cache=True, error_model="numpy")
def _later_engageability(position: np.ndarray, velocity: np.ndarray, time_to_go_s: np.ndarray,
                         reach: np.ndarray, samples: int, radars: int, time_s: float,
                         battery_position: np.ndarray, reaction_time_s: np.ndarray,
                         radar_mask: np.ndarray, speed: np.ndarray, min_range: np.ndarray,
                         max_range: np.ndarray, min_altitude: np.ndarray,
                         max_altitude: np.ndarray, max_flight_time: np.ndarray,
                         max_target_speed: np.ndarray, origin_altitude_m: float,
                         earth_radius_m: float, ground_elevation_m: float,
                         fire_control_track_age_s: float, kind: np.ndarray,
                         time_of_flight: np.ndarray, envelope_scalars: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_engageability` of the samples of :func:`_later_feasible`: sample ``k`` (of
    ``samples``) of track ``j`` is row ``k * n + j``, ``(k + 1) / samples * reach[j]`` s
    ahead, at ``position + velocity * ahead`` with ``time_to_go_s - ahead`` to go and every
    radar's last update at ``time_s``. Returns its feasibility (n_batteries, samples * n)
    and intercept points; pairs out of reach are pruned (``prune_margin_m`` of
    :func:`_engageability`: their point is the sample's position), so a caller reads a
    point only where the pair is feasible."""
    n = position.shape[0]
    rows = samples * n
    stacked_position = np.empty((rows, 3))
    stacked_velocity = np.empty((rows, 3))
    stacked_time_to_go = np.empty(rows)
    for sample in range(samples):
        fraction = (sample + 1) / samples
        for track in range(n):
            row = sample * n + track
            ahead = fraction * reach[track]
            for axis in range(3):
                stacked_position[row, axis] = (position[track, axis]
                                               + velocity[track, axis] * ahead)
                stacked_velocity[row, axis] = velocity[track, axis]
            stacked_time_to_go[row] = time_to_go_s[track] - ahead
    last_update = np.full((rows, radars), time_s)
    feasible, _, point = _engageability(
        stacked_position, stacked_velocity, last_update, time_s, stacked_time_to_go,
        battery_position, reaction_time_s, radar_mask, speed, min_range, max_range,
        min_altitude, max_altitude, max_flight_time, max_target_speed, origin_altitude_m,
        earth_radius_m, ground_elevation_m, fire_control_track_age_s, kind, time_of_flight,
        envelope_scalars, PRUNING_MARGIN_M)
    return feasible, point


def row_engagement_windows(picture: TrackPicture, rows: np.ndarray, time_to_go_s: np.ndarray,
                           asset: np.ndarray, asset_position_m: np.ndarray,
                           feasible_now: np.ndarray, batteries: Batteries,
                           frame: LocalFrame, ground_elevation_m: float,
                           fire_control_track_age_s: float, envelopes: BatteryEnvelopes,
                           fire_control_radars: FireControlRadars | None = None,
                           samples: int = 10, horizon_s: float = 1_200.0,
                           radar_arrays: FireControlArrays | None = None,
                           batteries_needed: np.ndarray | None = None
                           ) -> EngagementWindows:
    """:func:`engagement_windows` of the picture's ``rows``, each flown at the asset it
    threatens: ``time_to_go_s`` and ``asset`` (-1: none) are the whole picture's
    (:func:`iadsim.c2.threat_evaluation.evaluate`), ``asset_position_m`` (m, 3) the
    assets' positions and ``feasible_now`` (n_batteries, n_tracks) the whole picture's
    :func:`engageability` now. The battle manager's windows of every cycle in one
    compiled call (:func:`_row_windows`), without building the rows' picture, their aim
    points and the samples' fire-control holding in NumPy first: the same windows, bit for
    bit, as :func:`engagement_windows` of the rows' picture with those aim points.
    ``radar_arrays``: :func:`fire_control_arrays` of ``fire_control_radars`` (None: built
    from them). ``batteries_needed`` (n_batteries,) bool: the batteries whose windows the
    caller reads (None: all); the others' are not sampled and come back as never (first
    inf, last -inf, duration 0), the needed ones' unchanged (each battery's windows are
    its own)."""
    arrays = (fire_control_arrays(fire_control_radars, batteries)
              if radar_arrays is None else radar_arrays)
    needed = (np.ones(batteries.size, dtype=np.bool_) if batteries_needed is None
              else np.ascontiguousarray(batteries_needed, dtype=np.bool_))
    table = envelopes
    first, last, duration, beyond = _row_windows(
        np.ascontiguousarray(picture.position_m, dtype=float),
        np.ascontiguousarray(picture.velocity_mps, dtype=float),
        np.ascontiguousarray(rows, dtype=np.intp), np.asarray(time_to_go_s, dtype=float),
        np.asarray(asset, dtype=np.intp), np.ascontiguousarray(asset_position_m, dtype=float),
        np.ascontiguousarray(feasible_now, dtype=np.bool_), samples, float(horizon_s),
        picture.last_update_by_radar_s.shape[1], picture.time_s, batteries.position_m,
        batteries.reaction_time_s, batteries.fire_control_mask, table.speed_mps,
        table.min_range_m, table.max_range_m, table.min_altitude_m, table.max_altitude_m,
        table.max_flight_time_s, table.max_target_speed_mps, frame.alt_m,
        frame.gaussian_radius_m(), ground_elevation_m, fire_control_track_age_s, table.kind,
        table.time_of_flight, table.envelope_scalars, arrays.check,
        (picture.time_s - picture.time_s) <= fire_control_track_age_s,
        arrays.battery_radars, arrays.on_remote, *arrays.coverage, arrays.limited, needed)
    return EngagementWindows(first, last, duration, beyond)


@njit(cache=True, error_model="numpy")
def _row_windows(position: np.ndarray, velocity: np.ndarray, rows: np.ndarray,
                 time_to_go_s: np.ndarray, asset: np.ndarray, asset_position: np.ndarray,
                 feasible_now: np.ndarray, samples: int, horizon_s: float, radars: int,
                 time_s: float, battery_position: np.ndarray, reaction_time_s: np.ndarray,
                 radar_mask: np.ndarray, speed: np.ndarray, min_range: np.ndarray,
                 max_range: np.ndarray, min_altitude: np.ndarray, max_altitude: np.ndarray,
                 max_flight_time: np.ndarray, max_target_speed: np.ndarray,
                 origin_altitude_m: float, earth_radius_m: float, ground_elevation_m: float,
                 fire_control_track_age_s: float, kind: np.ndarray,
                 time_of_flight: np.ndarray, envelope_scalars: np.ndarray,
                 check_radars: bool, held: bool, battery_radars: np.ndarray,
                 on_remote: np.ndarray, radar_position: np.ndarray, to_local: np.ndarray,
                 radar_max_range: np.ndarray, min_elevation: np.ndarray,
                 max_elevation: np.ndarray, sector_center: np.ndarray,
                 sector_half_width: np.ndarray, limited: np.ndarray, needed: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`row_engagement_windows`: the rows' intent (:func:`_intent`, the norms summed
    in NumPy's order), reach, later samples (:func:`_later_engageability`), the
    fire-control radars' coverage of the samples (``check_radars``; every radar holding
    each sample when ``held``, as :func:`_later_feasible`) and the window bounds
    (:func:`_window_bounds`), the samples only for the ``needed`` batteries (the others
    engage nothing). Returns first, last, duration and beyond-the-horizon."""
    n, n_batteries = rows.shape[0], battery_position.shape[0]
    row_position = np.empty((n, 3))
    row_velocity = np.empty((n, 3))
    row_time_to_go = np.empty(n)
    reach = np.empty(n)
    beyond = np.empty(n, dtype=np.bool_)
    now = np.empty((n_batteries, n), dtype=np.bool_)
    for index in range(n):
        row = rows[index]
        for axis in range(3):
            row_position[index, axis] = position[row, axis]
            row_velocity[index, axis] = velocity[row, axis]
        row_time_to_go[index] = time_to_go_s[row]
        target = asset[row]
        if target >= 0:  # flown straight at its asset at its current speed
            east = asset_position[target, 0] - position[row, 0]
            north = asset_position[target, 1] - position[row, 1]
            up = asset_position[target, 2] - position[row, 2]
            distance = np.sqrt(east * east + north * north + up * up)
            vx, vy, vz = velocity[row, 0], velocity[row, 1], velocity[row, 2]
            track_speed = np.sqrt(vx * vx + vy * vy + vz * vz)
            if np.isfinite(distance) and distance > 1.0 and track_speed > 1.0:
                scale = track_speed / distance
                row_velocity[index, 0] = east * scale
                row_velocity[index, 1] = north * scale
                row_velocity[index, 2] = up * scale
                row_time_to_go[index] = distance / track_speed
        to_go = row_time_to_go[index]
        reach[index] = min(to_go if np.isfinite(to_go) else horizon_s, horizon_s)
        beyond[index] = not (to_go <= horizon_s)
        for battery in range(n_batteries):
            now[battery, index] = feasible_now[battery, row] and needed[battery]
    feasible = np.zeros((n_batteries, samples * n), dtype=np.bool_)
    slots_checked = samples < 0  # never: a later sample's slots are not counted
    one = np.empty(1, dtype=np.intp)
    for battery in range(n_batteries):
        if not needed[battery]:
            continue
        candidates = _rows_in_reach(row_position, row_velocity, reach, samples,
                                    battery_position[battery], reaction_time_s[battery],
                                    max_flight_time[battery], max_range[battery])
        count = candidates.shape[0]
        if count == 0:
            continue  # every sample out of reach: never engageable
        chosen = slice(battery, battery + 1)
        sampled, point = _later_engageability(
            row_position[candidates], row_velocity[candidates],
            row_time_to_go[candidates], reach[candidates], samples, radars, time_s,
            battery_position[chosen], reaction_time_s[chosen], radar_mask[chosen],
            speed[chosen], min_range[chosen], max_range[chosen], min_altitude[chosen],
            max_altitude[chosen], max_flight_time[chosen], max_target_speed[chosen],
            origin_altitude_m, earth_radius_m, ground_elevation_m, fire_control_track_age_s,
            kind[chosen], time_of_flight, envelope_scalars)
        if check_radars:
            one[0] = battery
            _keep_guided(sampled, one, point, np.full((samples * count, radars), held),
                         battery_radars, on_remote,
                         np.zeros(battery_radars.shape[1], dtype=np.int64),
                         np.zeros(n_batteries, dtype=np.int64), slots_checked, limited,
                         radar_position, to_local, radar_max_range, min_elevation,
                         max_elevation, sector_center, sector_half_width)
        for sample in range(samples):
            for index in range(count):
                feasible[battery, sample * n + candidates[index]] = (
                    sampled[0, sample * count + index])
    first, last, duration = _window_bounds(now, feasible.reshape(n_batteries, samples, n),
                                           reach, samples)
    return first, last, duration, beyond


#: Slack (m) of :func:`_rows_in_reach` over the samples' own pruning test: it covers the
#: rounding of the closest approach, so a row it drops has every sample pruned.
ROW_PRUNING_SLACK_M = 1.0


@njit(cache=True)
def _rows_in_reach(position: np.ndarray, velocity: np.ndarray, reach: np.ndarray,
                   samples: int, battery_position: np.ndarray, delay: float,
                   max_flight_time: float, max_range: float) -> np.ndarray:
    """The rows some window sample of which :func:`_engageability` may solve for one
    battery (the others: every sample pruned, :func:`_out_of_reach`, so never
    engageable). A row's samples lie on ``position + velocity t`` for ``t`` between
    ``reach / samples`` and ``reach``; each is pruned when its distance less the target's
    speed x its latest intercept time (at most ``delay + max_flight_time``) exceeds the
    range and :data:`PRUNING_MARGIN_M`. The segment's closest approach to the battery
    bounds every sample's distance from below, so a row whose closest approach passes
    that test with :data:`ROW_PRUNING_SLACK_M` to spare has all its samples pruned; NaN
    keeps a row. Asks one test per row, not one per sample (most rows of a short-range
    battery are far out of its reach)."""
    n = position.shape[0]
    keep = np.empty(n, dtype=np.intp)
    count = 0
    latest = delay + max_flight_time
    threshold = max_range * (1.0 + 1e-9) + PRUNING_MARGIN_M + ROW_PRUNING_SLACK_M
    for row in range(n):
        east = position[row, 0] - battery_position[0]
        north = position[row, 1] - battery_position[1]
        up = position[row, 2] - battery_position[2]
        vx, vy, vz = velocity[row, 0], velocity[row, 1], velocity[row, 2]
        squared_speed = vx * vx + vy * vy + vz * vz
        start = reach[row] / samples
        end = reach[row]
        low, high = min(start, end), max(start, end)
        closest = low
        if squared_speed > 0.0:
            closest = min(max(-(east * vx + north * vy + up * vz) / squared_speed, low), high)
        east += vx * closest
        north += vy * closest
        up += vz * closest
        distance = np.sqrt(east * east + north * north + up * up)
        if not distance - np.sqrt(squared_speed) * latest > threshold:
            keep[count] = row
            count += 1
    return keep[:count]


def _repeat(rows: np.ndarray, times: int) -> np.ndarray:
    """``rows`` stacked ``times`` times along the first axis: ``np.tile(rows, times)`` of a
    1-D array, ``np.tile(rows, (times, 1))`` of a 2-D one, at a fraction of its cost per
    call (the battle manager samples windows every cycle)."""
    return np.concatenate([rows] * times)
