"""Fire-control (engagement) radars: the radar that must hold a battery's engaged track.

A radar with a ``track_capacity`` (:class:`iadsim.scenario.schema.Radar`) has the
fire-control role: it holds at most that many tracks for fire control at once, counting
each target under engagement and each round in flight it must guide (a type with
``guidance_uplink``: midcourse uplink, illumination or track-via-missile). A missile
battery whose radars include one or more fire-control radars engages through them:

- **Coverage (decision; reads the picture).** One of those radars must hold the track
  now: it updated the track within the doctrine's ``fire_control_track_age_s`` (its own
  detections, so its range, sector, elevation limits, horizon and Pd all count). And the
  predicted intercept point must be inside that radar's instrumented range, azimuth
  sector and elevation limits, so that it can guide the round to the end. (The horizon
  is not tested at the intercept point: a low target's height in the picture is tens of
  metres off, which would move a 15 m antenna's horizon by tens of kilometres; the
  radar's own detections already test it where the target is now.) A target outside
  that coverage is not engageable by that battery however well its surveillance radars
  see it. With the doctrine's ``launch_on_remote``, a missile battery may launch on
  another radar's track before its own fire-control radar holds it (that radar takes
  the round over on the way): then only the intercept point must be in its coverage.
- **Track slots.** An engagement takes one slot of its fire-control radar for the target,
  from the assignment until its kill assessment (the radar watches the target to judge
  the kill), plus one slot per round of its salvo that needs guidance, each given back
  when that round resolves (or is not fired). A battery whose fire-control radars have
  not enough free slots takes no new target until an engagement ends; a radar shared by
  several batteries shares its slots among them.

A battery without a fire-control radar among its radars (none has ``track_capacity``),
and every battery with its own fire-control directors (guns:
:mod:`iadsim.sensors.fire_control`, one director holding one target per fire channel),
is not limited here: it fires on its radars' tracks as before.

The slots are run state shared by the central battle manager and the managers of
batteries cut off from it (the radar is one physical set), so one object per run.

Update rate: for a fire-control radar, ``revisit_s`` is its track update interval: the
engaged track (and so the midcourse guidance of its rounds, which reads the track) is
refreshed at that rate. A separate, faster dwell schedule on engaged tracks would need the
radar's scheduler to place dwells (not modelled).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from iadsim.effectors.batteries import Batteries, InterceptorTable
from iadsim.scenario.schema import Scenario
from iadsim.sensors.coverage_geometry import NO_HORIZON_M, look_geometry
from iadsim.sensors.radar import RadarSite
from iadsim.tracking.tracker import TrackPicture


@dataclass(slots=True)
class FireControlRadars:
    """The fire-control radars of a run (row = radar of the scenario; ``capacity`` 0 for a
    radar without the role) and the batteries that engage through them.

    position_m, to_local: (n_radars, 3), (n_radars, 3, 3) the antenna in the scenario ENU
    frame and the rotation to the radar's own ENU frame; max_range_m, min_elevation_rad,
    max_elevation_rad, sector_center_rad, sector_half_width_rad: (n_radars,) coverage;
    capacity, used: (n_radars,) int track slots and those taken;
    battery_radars: (n_batteries, n_radars) bool, the fire-control radars each battery
    engages through (a row without any: not limited); round_slot: (n_batteries,) bool,
    each round of the battery takes a slot while it flies; on_remote: (n_batteries,)
    bool, the battery may launch on any radar's track (launch on remote).
    """

    position_m: np.ndarray
    to_local: np.ndarray
    max_range_m: np.ndarray
    min_elevation_rad: np.ndarray
    max_elevation_rad: np.ndarray
    sector_center_rad: np.ndarray
    sector_half_width_rad: np.ndarray
    capacity: np.ndarray
    used: np.ndarray
    battery_radars: np.ndarray
    round_slot: np.ndarray
    on_remote: np.ndarray

    @property
    def limited(self) -> np.ndarray:
        """(n_batteries,) bool: the battery engages through fire-control radars."""
        return self.battery_radars.any(axis=1)

    @property
    def free(self) -> np.ndarray:
        """(n_radars,) free track slots."""
        return self.capacity - self.used

    def slots_per_engagement(self, salvo_size: np.ndarray) -> np.ndarray:
        """(n_batteries,) slots one engagement takes at assignment: the target, plus its
        salvo's rounds when they need guidance."""
        return 1 + np.where(self.round_slot, np.asarray(salvo_size, dtype=int), 0)

    def guiding_radar(self, holding: np.ndarray, intercept_m: np.ndarray,
                      need_slots: np.ndarray | None) -> np.ndarray:
        """(n_batteries, n) int: the first fire-control radar of each battery that holds
        each track now (``holding`` (n, n_radars): the radar updated it recently enough;
        with launch on remote, any radar did), covers that battery's intercept point
        (``intercept_m`` (n_batteries, n, 3)) and has at least ``need_slots``
        (n_batteries,) free slots (None: slots not checked, e.g. for a later instant);
        -1 where none does or the battery is not limited."""
        holding = np.ascontiguousarray(holding, dtype=np.bool_)
        intercept = np.ascontiguousarray(intercept_m, dtype=float)
        need = (np.zeros(self.battery_radars.shape[0], dtype=np.int64)
                if need_slots is None else np.asarray(need_slots, dtype=np.int64))
        return _guiding_radar(self.battery_radars, holding, self.on_remote,
                              self.free.astype(np.int64), need, need_slots is not None,
                              intercept, self.position_m, self.to_local, self.max_range_m,
                              self.min_elevation_rad, self.max_elevation_rad,
                              self.sector_center_rad, self.sector_half_width_rad)

    def engageable(self, holding: np.ndarray, intercept_m: np.ndarray,
                   need_slots: np.ndarray | None) -> np.ndarray:
        """(n_batteries, n) bool: the battery is not limited by fire-control radars, or one
        of them can guide the engagement (:meth:`guiding_radar`)."""
        usable = self.guiding_radar(holding, intercept_m, need_slots) >= 0
        return usable | ~self.limited[:, None]

    def engagements_held(self, salvo_size: np.ndarray) -> np.ndarray:
        """(n_batteries,) engagements each battery's fire-control radars hold when empty
        (a large number for a battery not limited); a radar shared by several batteries
        is counted whole for each."""
        need = self.slots_per_engagement(salvo_size)
        per_radar = self.capacity[None, :] // need[:, None]
        room = np.where(self.battery_radars, per_radar, 0).sum(axis=1)
        return np.where(self.limited, room, np.iinfo(np.int64).max // 4)

    def engagements_free(self, salvo_size: np.ndarray) -> np.ndarray:
        """(n_batteries,) new engagements each battery's fire-control radars can still
        take (a large number for a battery not limited)."""
        need = self.slots_per_engagement(salvo_size)
        per_radar = np.maximum(self.free, 0)[None, :] // need[:, None]
        room = np.where(self.battery_radars, per_radar, 0).sum(axis=1)
        return np.where(self.limited, room, np.iinfo(np.int64).max // 4)


def fire_control_radars(scenario: Scenario, sites: list[RadarSite], batteries: Batteries,
                        types: InterceptorTable) -> FireControlRadars:
    """The run's fire-control radars: the scenario's radars with a ``track_capacity``,
    and for each battery those among its radars (none for a battery with its own
    fire-control directors, nor for a gun, laser or jammer)."""
    capacity = np.array([radar.track_capacity or 0 for radar in scenario.sensors], dtype=int)
    kind = batteries.interceptor_type
    own_directors = np.array([b.fire_control is not None for b in scenario.batteries],
                             dtype=bool)
    missile = ~(types.is_gun | types.is_beam)[kind] & ~own_directors
    battery_radars = batteries.radar_mask & (capacity > 0)[None, :] & missile[:, None]
    uplink = np.array([t.guidance_uplink for t in scenario.interceptors], dtype=bool)
    count = len(sites)
    return FireControlRadars(
        position_m=np.array([site.position_enu_m for site in sites]).reshape(count, 3),
        to_local=np.array([site.to_local for site in sites]).reshape(count, 3, 3),
        max_range_m=np.array([site.max_range_m for site in sites]),
        min_elevation_rad=np.array([site.min_elevation_rad for site in sites]),
        max_elevation_rad=np.array([site.max_elevation_rad for site in sites]),
        sector_center_rad=np.array([site.sector_center_rad for site in sites]),
        sector_half_width_rad=np.array([0.5 * site.sector_width_rad for site in sites]),
        capacity=capacity, used=np.zeros(count, dtype=int), battery_radars=battery_radars,
        round_slot=uplink[kind] & missile,
        on_remote=missile & scenario.doctrine.launch_on_remote)


@njit(cache=True)
def _guiding_radar(battery_radars: np.ndarray, holding: np.ndarray, on_remote: np.ndarray,
                   free: np.ndarray, need: np.ndarray, check_slots: bool,
                   intercept: np.ndarray, position: np.ndarray, to_local: np.ndarray,
                   max_range: np.ndarray, min_elevation: np.ndarray,
                   max_elevation: np.ndarray, sector_center: np.ndarray,
                   sector_half_width: np.ndarray) -> np.ndarray:
    """:meth:`FireControlRadars.guiding_radar` per (battery, track). Coverage: the
    intercept point, in the radar's own ENU frame, within its instrumented range, its
    elevation limits and its azimuth sector (the detection kernel's tests,
    :func:`iadsim.sensors.coverage_geometry.look_geometry`, without the horizon)."""
    n_batteries, n_radars = battery_radars.shape
    n = holding.shape[0]
    chosen = np.full((n_batteries, n), -1, dtype=np.int64)
    held_by_any = np.zeros(n, dtype=np.bool_)
    for track in range(n):
        for radar in range(n_radars):
            held_by_any[track] |= holding[track, radar]
    for battery in range(n_batteries):
        for radar in range(n_radars):
            if not battery_radars[battery, radar]:
                continue
            if check_slots and free[radar] < need[battery]:
                continue
            rotation = to_local[radar]
            for track in range(n):
                if chosen[battery, track] >= 0:
                    continue  # a radar of lower index already guides it
                if not (holding[track, radar] or (on_remote[battery] and held_by_any[track])):
                    continue
                if not look_geometry(
                        intercept[battery, track, 0] - position[radar, 0],
                        intercept[battery, track, 1] - position[radar, 1],
                        intercept[battery, track, 2] - position[radar, 2], rotation, 0.0,
                        max_range[radar], NO_HORIZON_M, min_elevation[radar],
                        max_elevation[radar], sector_center[radar],
                        sector_half_width[radar], False)[0]:
                    continue
                chosen[battery, track] = radar
    return chosen


def holding_radars(picture: TrackPicture, fire_control_track_age_s: float) -> np.ndarray:
    """(n_tracks, n_radars) bool: the radars that updated each track of the picture within
    ``fire_control_track_age_s`` (s)."""
    return picture.time_s - picture.last_update_by_radar_s <= fire_control_track_age_s
