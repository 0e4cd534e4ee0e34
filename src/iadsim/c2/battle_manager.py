"""The battle manager: one engagement cycle over the shared track picture.

Every ``doctrine.cycle_s`` it evaluates the confirmed tracks (threat score, kinematic
class), finds which batteries can engage which tracks now and later, and assigns salvos
by solving that cycle's static weapon-target assignment (:mod:`iadsim.c2.wta_dynamic`:
the salvos the batteries can fire now against the eligible tracks, each battery's
predicted salvo Pk, with doctrine's battery preference and magazine reserve holding
batteries off tracks). An
engagement holds one fire channel of its battery from assignment until its last round
resolves; its rounds leave the launcher ``reaction_time_s`` after assignment, then every
``salvo_interval_s``. The manager learns when each round reached its aim point, never
whether it killed: kill assessment reads the picture after the last round
(:mod:`iadsim.c2.kill_assessment`), and a track judged alive may be engaged again.
Doctrine:

- ``shoot_look_shoot``: a track is engaged again only after its engagement is assessed
  and judged a failure;
- ``shoot_shoot``: a second engagement may be put on a track before the first is
  assessed (at most two at once).

Fire control: a battery with fire-control directors (:mod:`iadsim.sensors.fire_control`,
a gun's own tracking radar or EO tracker) has one cued to the engaged track when the
engagement opens, and fires from that director's settled track (its own measurements),
waiting for it up to ``FIRE_CONTROL_WAIT_S`` (and, with a DEM, as long as the terrain hides
the cue from its unlocked director); every other battery aims from the picture.
A missile battery that engages through fire-control radars
(:mod:`iadsim.c2.fire_control_radars`) takes a target only inside one's coverage and while
it has free track slots: the engagement holds one for the target until its kill
assessment and one per guided round until that round resolves.

Networked command: the manager commands only the batteries of its ``commanded`` mask
(those whose link to it is up); a battery cut off runs its own manager on its own radars'
picture (see :mod:`iadsim.engine.simulation`).

A laser or jammer battery (:mod:`iadsim.effectors.beam_weapons`) is assigned the same way:
its Pk is the dwell model's for the track's class at the engagement range, its cost per
shot near zero, and its "launch" begins a dwell that holds the channel until it ends. With
``doctrine.jammer_dwell_release`` (the default) a jamming dwell is ended at the first cycle
whose picture no longer holds its track or shows the track past its asset.

The battle manager sees only the track picture and its directors' tracks, never the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from iadsim.c2 import kill_assessment
from iadsim.c2.engageability import (
    PRUNING_MARGIN_M,
    Engageability,
    EngagementWindows,
    FireControlArrays,
    _engageability_with_radars,
    _row_windows,
    battery_envelopes,
    fire_control_arrays,
    row_engagement_windows,
)
from iadsim.c2.fire_control_radars import FireControlRadars, holding_radars
from iadsim.c2.impact_prediction import ballistic_impact_rows
from iadsim.c2.threat_evaluation import (
    _CLASS_OF_KINEMATIC_KIND,
    PICTURE_CLASS_MIN_CONFIDENCE,
    THREAT_CLASSES,
    ThreatAssessment,
    _assess,
    _picture_threat_class_at,
    picture_threat_class_at,
    threat_score,
)
from iadsim.c2.wta_dynamic import (
    SURVIVAL_FLOOR,
    _log_miss,
    assign_cycle,
    cheaper_now_holds,
    reserve_holds,
    salvo_kill_probability,
)
from iadsim.effectors.batteries import Batteries, InterceptorTable
from iadsim.effectors.beam_weapons import (
    CLASS_KINDS,
    BeamWeapons,
    predicted_beam_kill_probability,
)
from iadsim.effectors.envelope import launch_solution
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.effectors.lethality import predicted_single_shot_pk
from iadsim.events import EventKind, EventLog
from iadsim.scenario.schema import THREAT_KINDS, Doctrine
from iadsim.sensors.fire_control import FireControlDirectors
from iadsim.tracking.tracker import TrackPicture
from iadsim.world.geodesy import LocalFrame

#: THREAT_KINDS column (interceptor Pk by threat kind) of each threat class.
_KIND_OF_THREAT_CLASS = np.array([THREAT_KINDS.index(name) for name in THREAT_CLASSES])

MAX_ENGAGEMENTS_PER_TRACK = {"shoot_look_shoot": 1, "shoot_shoot": 2}
#: The room :meth:`FireControlRadars.engagements_free` gives a battery they do not limit.
_UNLIMITED_ROOM = np.iinfo(np.int64).max // 4
#: Placeholders of :func:`_cycle_weapons` for a run without fire-control radars.
_NO_SLOTS = np.zeros(0, dtype=np.int64)
_NO_BATTERY_RADARS = np.zeros((0, 0), dtype=np.bool_)
_NO_LIMITED = np.zeros(0, dtype=np.bool_)
#: Placeholder of :func:`_layer_holds` when the cycle's Pk does not select batteries.
_NO_PROBABILITY = np.zeros((0, 0))
#: What :meth:`BattleManager.take_killed_tracks` gives when no track was judged killed.
_NO_TRACK_IDS = np.zeros(0, dtype=np.int64)
_NO_TRACK_IDS.flags.writeable = False
#: Placeholder of :func:`_cycle_reach` for a picture without accelerations.
_NO_ROWS = np.zeros((0, 3))
#: A battery with fire-control directors holds a launch until its director's track has
#: settled, at most this long past the launch time (s); then it fires from the picture.
FIRE_CONTROL_WAIT_S = 5.0
#: The engagement windows of the layering holds: samples per track and horizon (s), the
#: defaults of :func:`row_engagement_windows`.
LAYER_WINDOW_SAMPLES = 10
LAYER_WINDOW_HORIZON_S = 1_200.0
#: How close to the handover probability (absolute) a layering hold's expected kill may
#: come before :func:`_layer_holds` leaves the decision to the array form (BLAS and
#: NumPy's exponential): its own sum and exponential differ from those by about 1e-15.
HOLD_MARGIN = 1e-9


@dataclass(slots=True)
class Engagement:
    """One salvo from one battery at one track (mutable; few exist at a time)."""

    engagement_id: int
    battery: int
    track_id: int
    launch_times_s: list[float]
    launched: int = 0
    resolved: int = 0
    cancelled: bool = False
    interceptor_ids: list[int] = field(default_factory=list)
    #: When the first round reached its aim point (s); inf until then.
    intercept_time_s: float = float("inf")
    #: The track's velocity (m/s, ENU) at the last launch: the kinematics before intercept.
    velocity_before_mps: np.ndarray = field(default_factory=lambda: np.zeros(3))
    #: Radars that held the track in fire-control time at the last launch.
    holding_radars: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    judged_killed: bool = False
    #: The asset the track threatened at assignment (-1: none).
    asset: int = -1
    #: The fire-control radar guiding it (-1: none) and the slots it holds there for
    #: rounds not yet resolved (the target's own slot is held until the assessment).
    fire_control_radar: int = -1
    round_slots: int = 0

    @property
    def rounds(self) -> int:
        return len(self.launch_times_s)

    @property
    def finished(self) -> bool:
        return self.resolved == self.launched and (self.cancelled or self.launched == self.rounds)


@dataclass(frozen=True, slots=True)
class DefendedAssets:
    """Assets as arrays (row = asset): ENU position, radius and value."""

    position_m: np.ndarray  # (m, 3)
    radius_m: np.ndarray
    value: np.ndarray


class BattleManager:
    """Threat evaluation, weapon-target assignment, launches and kill assessment."""

    def __init__(self, doctrine: Doctrine, batteries: Batteries, types: InterceptorTable,
                 assets: DefendedAssets, fleet: InterceptorFleet, frame: LocalFrame,
                 ground_elevation_m: float, log: EventLog,
                 rng: np.random.Generator | None = None,
                 radar_look_s: np.ndarray | None = None,
                 commanded: np.ndarray | None = None, beams: BeamWeapons | None = None):
        """``rng``: the kill-assessment stream (None: judgements follow the evidence, no
        error draws). ``radar_look_s``: (n_radars,) revisit plus report latency of each
        radar (s), for timing kill assessment (None: no wait beyond the delay).
        ``commanded``: (n_batteries,) bool, the batteries this manager may assign (None:
        all); the caller may change it in place between steps. ``beams``: the run's laser
        and jammer dwells (needed when a battery fires a laser or a jammer)."""
        self.doctrine = doctrine
        self.batteries = batteries
        self.types = types
        self.assets = assets
        self.fleet = fleet
        self.frame = frame
        self.ground_elevation_m = ground_elevation_m
        self.log = log
        self.engagements: dict[int, Engagement] = {}
        self.killed_track_ids: set[int] = set()
        self._newly_killed: list[int] = []
        self._pending_launch: list[int] = []
        self._open_by_track: dict[int, int] = {}
        self._assessments: list[tuple[float, int]] = []
        self._next_cycle_s = 0.0
        self._limit = MAX_ENGAGEMENTS_PER_TRACK[doctrine.firing_policy]
        self.rng = rng
        self.radar_look_s = radar_look_s
        self.commanded = (np.ones(batteries.size, dtype=bool) if commanded is None
                          else commanded)
        #: The batteries' fire-control directors (:mod:`iadsim.sensors.fire_control`), set
        #: by the simulation; None: every battery aims from the picture.
        self.fire_control: FireControlDirectors | None = None
        #: The run's fire-control radars and their track slots
        #: (:mod:`iadsim.c2.fire_control_radars`), shared by every manager of the run and
        #: set by the simulation; None: no battery is limited by one.
        self.fire_control_radars: FireControlRadars | None = None
        self._engagement_of_round: dict[int, int] = {}
        kind = batteries.interceptor_type
        by_kind = types.single_shot_pk_by_kind
        #: Every type's Pk is the same against every threat kind (fixed for the run).
        self._pk_same_for_every_kind = bool(
            by_kind is None or (by_kind == types.single_shot_pk[:, None]).all())
        self._salvo_pk = salvo_kill_probability(
            predicted_single_shot_pk(types.lethal_radius_m[kind], types.aim_error_m[kind],
                                     types.single_shot_pk[kind]), batteries.salvo_size)
        self._salvo_cost_usd = types.cost_per_round_usd[kind] * batteries.salvo_size
        # One engagement's hold on a channel, plus the look before the next shoot.
        self._engagement_time_s = (
            batteries.reaction_time_s + 0.5 * types.max_range_m[kind] / types.speed_mps[kind]
            + (batteries.salvo_size - 1) * doctrine.salvo_interval_s
            + (doctrine.kill_assessment_delay_s
               if doctrine.firing_policy == "shoot_look_shoot" else 0.0))
        self.beams = beams
        self._beam = types.is_beam[kind]  # (n_batteries,) a laser or jammer battery
        self._jammer = (np.zeros(batteries.size, dtype=bool) if types.beam is None
                        else types.beam.is_jammer[kind])
        #: The jamming dwells on (shot id -> engagement id) that ``jammer_dwell_release``
        #: watches (:meth:`_release_spent_dwells`).
        self._jamming: dict[int, int] = {}
        if self._beam.any():
            self._beam_setup(kind)
        #: Each battery's salvo Pk is the same against every track for the run (no Pk by
        #: threat kind, no beam weapon): the cycle's Pk is computed in its compiled call.
        self._salvo_pk_fixed = bool(self._pk_same_for_every_kind and not self._beam.any())
        worth = doctrine.threat_worth_usd
        self._threat_worth_usd = np.array([getattr(worth, name) for name in THREAT_CLASSES])
        # The batteries' interceptor envelopes, fixed for the run (read every cycle).
        self._envelopes = battery_envelopes(batteries, types)
        # What the layering hold reads of the batteries, fixed for the run
        # (:func:`iadsim.c2.wta_dynamic.layer_holds`).
        self._log_survival = np.log(np.maximum(1.0 - self._salvo_pk, SURVIVAL_FLOOR))
        self._cheaper = (self._salvo_cost_usd[None, :]
                         < self._salvo_cost_usd[:, None]).astype(float)
        self._dearest_salvo_usd = (self._salvo_cost_usd.max() if batteries.size
                                   else -np.inf)
        # What the layering hold reads in the dtypes its compiled call takes (fixed for the
        # run): each engagement's hold on a fire channel, and the earth radius.
        self._dearest_salvo_float = float(self._dearest_salvo_usd)
        self._engagement_time_float = np.asarray(self._engagement_time_s, dtype=float)
        self._earth_radius_m = frame.gaussian_radius_m()
        # A battery whose windows are not sampled (:meth:`_holds`) counts no shots; its
        # row of the layering sum is multiplied by zero for every battery that reads the
        # sum, which gives the same zero as its sampled shots only while those are finite:
        # an engagement takes time and the log survival is finite.
        self._windows_may_be_skipped = bool(
            (np.asarray(self._engagement_time_s) > 1e-3).all()
            and np.isfinite(self._log_survival).all())
        #: (radars, engagements held, fire-control arrays) of
        #: :meth:`_radar_run_constants`.
        self._engagements_held: tuple[FireControlRadars | None, np.ndarray | None,
                                      FireControlArrays] | None = None
        #: ((assets, radars, doctrine), argument groups) of :meth:`_cycle_constants`.
        self._cycle_constants_of: tuple[tuple, tuple[tuple, ...]] | None = None

    def _track_classes(self, picture: TrackPicture) -> np.ndarray:
        """(n_tracks,) threat class of each track as the picture shows it (its kinematic
        classification and height over the ground); computed once a cycle."""
        return picture_threat_class_at(picture.kind_index, picture.kind_confidence,
                                       picture.velocity_mps, picture.position_m,
                                       self.frame.alt_m, self.frame.gaussian_radius_m(),
                                       self.ground_elevation_m)

    def _salvo_pk_against(self, classes: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
        """(n_batteries, n_tracks) predicted salvo Pk: each battery's type's single-shot Pk
        against the tracks' threat ``classes`` (:meth:`_track_classes`; an interceptor may
        be surer of a drone than of a re-entry vehicle), through the aim-error model."""
        if self._pk_same_for_every_kind:
            return np.broadcast_to(self._salvo_pk[:, None], shape)
        by_kind = self.types.single_shot_pk_by_kind
        kind = self.batteries.interceptor_type
        columns = _KIND_OF_THREAT_CLASS[classes]
        types = self.types
        single = predicted_single_shot_pk(types.lethal_radius_m[kind][:, None],
                                          types.aim_error_m[kind][:, None],
                                          by_kind[kind][:, columns])
        return salvo_kill_probability(single, self.batteries.salvo_size[:, None])

    def _beam_setup(self, kind: np.ndarray) -> None:
        """Beam batteries: a dwell holds the channel for its longest dwell; their salvo Pk
        for the layering rules is the Pk against a drone at half their range."""
        beam, table, types = self._beam, self.types.beam, self.types
        self._engagement_time_s = np.where(
            beam, self.batteries.reaction_time_s + table.max_dwell_s[kind]
            + (self.doctrine.kill_assessment_delay_s
               if self.doctrine.firing_policy == "shoot_look_shoot" else 0.0),
            self._engagement_time_s)
        half_range = 0.5 * types.max_range_m[kind][:, None]
        drone = np.array([CLASS_KINDS.index("drone")])
        self._salvo_pk = np.where(beam, predicted_beam_kill_probability(
            table, kind, types.single_shot_pk[kind], half_range, drone)[:, 0], self._salvo_pk)

    def _beam_kill_probability(self, classes: np.ndarray, reach: Engageability,
                               time_to_go_s: np.ndarray) -> np.ndarray:
        """(n_batteries, n_tracks) predicted Pk of one dwell of each beam battery at the
        engagement point, for the tracks' threat ``classes`` (from the picture). With
        ``doctrine.beam_dwell_before_arrival``, only the dwell before the track's predicted
        arrival counts: ``time_to_go_s`` (n_tracks,) of the picture's threat evaluation,
        less the time the dwell begins (its intercept time)."""
        kind = self.batteries.interceptor_type
        range_m = np.linalg.norm(reach.intercept_point_m
                                 - self.batteries.position_m[:, None, :], axis=2)
        limit = None
        if self.doctrine.beam_dwell_before_arrival:
            limit = np.asarray(time_to_go_s, dtype=float)[None, :] - reach.intercept_time_s
        return predicted_beam_kill_probability(self.types.beam, kind,
                                               self.types.single_shot_pk[kind], range_m,
                                               classes, limit)

    @property
    def busy(self) -> bool:
        """True while any engagement is open or awaiting assessment."""
        return bool(self._open_by_track) or bool(self._assessments)

    def wants_picture(self, time_s: float) -> bool:
        """True when a step at ``time_s`` would read the picture (a cycle, a launch or a
        kill assessment due)."""
        return (time_s + 1e-9 >= self._next_cycle_s or bool(self._pending_launch)
                or any(due <= time_s + 1e-9 for due, _ in self._assessments))

    def step(self, time_s: float, picture: TrackPicture | None) -> None:
        """Assess, assign (when a cycle is due) and launch at ``time_s``.

        ``picture`` may be None only when :meth:`wants_picture` said no.
        """
        if picture is None:
            return
        self._assess_due(time_s, picture)
        if time_s + 1e-9 >= self._next_cycle_s:
            self._next_cycle_s = time_s + self.doctrine.cycle_s
            if self._jamming:
                self._release_spent_dwells(time_s, picture)
            if self.commanded.any():
                self._assign_commanded(time_s, picture)
        self._launch_due(time_s, picture)

    def _assign_commanded(self, time_s: float, picture: TrackPicture) -> None:
        """:meth:`_assign` over the commanded batteries only: the others show no free
        fire channel while it runs."""
        outside = ~self.commanded
        if not outside.any():
            self._assign(time_s, picture)
            return
        busy = self.batteries.channels_busy[outside].copy()
        self.batteries.channels_busy[outside] = self.batteries.fire_channels[outside]
        try:
            self._assign(time_s, picture)
        finally:
            self.batteries.channels_busy[outside] = busy

    def _assign(self, time_s: float, picture: TrackPicture) -> None:
        if picture.size == 0 or self.batteries.size == 0:
            return
        batteries = self.batteries
        radars = self.fire_control_radars
        # Engagements the fire-control radars can still take this cycle (None: no radars;
        # a full fire-control radar takes no new target).
        if radars is None:
            free_channels, stocked, weapons, _ = _cycle_weapons(
                batteries.fire_channels, batteries.channels_busy, batteries.launcher_rounds,
                batteries.reserved, batteries.salvo_size, False, _NO_SLOTS, _NO_SLOTS,
                _NO_BATTERY_RADARS, _NO_LIMITED, _NO_SLOTS)
            radar_room = None
        else:
            arrays = self._radar_arrays()
            free_channels, stocked, weapons, radar_room = _cycle_weapons(
                batteries.fire_channels, batteries.channels_busy, batteries.launcher_rounds,
                batteries.reserved, batteries.salvo_size, True, radars.capacity, radars.used,
                arrays.battery_radars, arrays.limited, arrays.need)
        if not (weapons > 0).any():
            return  # nobody could fire: skip the evaluation
        open_engagements = self._open_by_track
        capacity = np.array([0 if track in self.killed_track_ids
                             else self._limit - open_engagements.get(track, 0)
                             for track in picture.track_id.tolist()], dtype=int)
        eligible = capacity > 0
        if not eligible.any():
            return
        assessment, reach, classes, kill_probability, firing = self._cycle_reach(
            picture, eligible, weapons)
        if not self._salvo_pk_fixed:
            # The same Pk against every class: each battery's column broadcasts in the
            # wheres.
            salvo_pk = (self._salvo_pk[:, None] if self._pk_same_for_every_kind
                        else self._salvo_pk_against(classes, reach.feasible.shape))
            if self._beam.any():
                salvo_pk = np.where(self._beam[:, None],
                                    self._beam_kill_probability(
                                        classes, reach, assessment.time_to_go_s), salvo_pk)
            kill_probability = np.where(reach.feasible & eligible[None, :], salvo_pk, 0.0)
            firing = None
        if self.fire_control is not None:
            # A director battery is not given a track the terrain hides from its directors
            # (the picture's position against the map): it could only hold fire on it.
            hidden = self.fire_control.hidden_from_batteries(picture.position_m)
            if hidden is not None:
                kill_probability = np.where(hidden, 0.0, kill_probability)
                firing = None
        if firing is None:
            firing = kill_probability[weapons > 0].any()
        if not firing:
            return  # no battery that can fire reaches an eligible track now
        hold = self._holds(picture, classes, assessment, reach, weapons, free_channels,
                           stocked, eligible, radar_room, kill_probability)
        if hold is not None:
            kill_probability = np.where(hold, 0.0, kill_probability)
            if not (kill_probability[weapons > 0] != 0.0).any():
                # Every battery that can fire is held off: the assignment would give no
                # salvo a track (a weapon with Pk 0 against every track is held back).
                return
        value = threat_score(assessment, self.assets.value, self.doctrine.priority)
        holding = (None if radars is None
                   else holding_radars(picture, self.doctrine.fire_control_track_age_s))
        for battery, row in assign_cycle(value, eligible, capacity, kill_probability, weapons):
            radar = -1
            if holding is not None and radars.limited[battery]:
                # Its first fire-control radar that can guide it with the slots free now
                # (a radar shared with a battery assigned before may have filled: wait).
                radar = int(radars.guiding_radar(
                    holding[row : row + 1], reach.intercept_point_m[:, row : row + 1],
                    radars.slots_per_engagement(batteries.salvo_size))[battery, 0])
                if radar < 0:
                    continue
            self._open(time_s, picture, battery, row, int(assessment.asset[row]),
                       float(reach.intercept_time_s[battery, row]),
                       reach.intercept_point_m[battery, row], radar)

    def _cycle_reach(self, picture: TrackPicture, eligible: np.ndarray, weapons: np.ndarray
                     ) -> tuple[ThreatAssessment, Engageability, np.ndarray, np.ndarray,
                                bool]:
        """The cycle's threat evaluation (:func:`evaluate` of the picture, unranked, the
        ballistic tracks ending at their impact points), :func:`engageability` now (the
        fire-control radars' slots checked), the picture's threat classes
        (:meth:`_track_classes`) and, when each battery's salvo Pk is fixed for the run
        (the same against every class, no beam weapon: ``_salvo_pk_fixed``), the salvo Pk
        where it reaches an ``eligible`` track (0 elsewhere) and whether a battery with
        ``weapons`` has one; otherwise the caller computes those. One compiled call
        (:func:`_cycle_reach`), the same values bit for bit as those functions, except
        that a pair out of reach whatever its intercept time is not solved
        (:data:`iadsim.c2.engageability.PRUNING_MARGIN_M`, as the window samples): its
        intercept time is NaN and its point the track's position, and the manager reads
        times and points only where a pair is feasible."""
        acceleration = picture.acceleration_mps2
        ballistic = acceleration is not None
        if ballistic and picture.ballistic_model is not None:
            acceleration = picture.ballistic_acceleration_mps2
        kind_index = picture.kind_index
        if kind_index.dtype != np.int8:
            kind_index = kind_index.astype(np.int8)
        (assets, envelopes, slots, classes_of_kinds) = self._cycle_constants()[:4]
        (asset, time_to_go, feasible, intercept_time, intercept_point, classes,
         kill_probability, firing) = _cycle_reach(
            picture.position_m, picture.velocity_mps,
            np.asarray(picture.speed_sigma_mps, dtype=float),
            np.ascontiguousarray(acceleration, dtype=float) if ballistic else _NO_ROWS,
            ballistic, *assets, picture.last_update_by_radar_s, picture.time_s, *envelopes,
            *slots, kind_index, np.asarray(picture.kind_confidence, dtype=float),
            *classes_of_kinds, eligible, weapons)
        return (ThreatAssessment(asset, time_to_go, None),
                Engageability(feasible, intercept_time, intercept_point), classes,
                kill_probability, bool(firing))

    def _holds(self, picture: TrackPicture, classes: np.ndarray, assessment: ThreatAssessment,
               reach: Engageability, weapons: np.ndarray, free_channels: np.ndarray,
               stocked: np.ndarray, eligible: np.ndarray,
               radar_room: np.ndarray | None = None,
               kill_probability: np.ndarray | None = None) -> np.ndarray | None:
        """(n_batteries, n_tracks) bool: doctrine keeps the battery off the track this cycle
        (battery preference and magazine reserve); None when nothing is held. Engagement
        windows are computed only for the tracks a rule can hold, so the load on a cheap
        layer counts the tracks that can be handed to it (those worth less than some
        salvo), not the valuable ones the outer layers engage first. ``radar_room``: the
        fire-control radars' ``engagements_free`` of this cycle, when already computed.
        ``kill_probability``: the cycle's (n_batteries, n_tracks) salvo Pk before the holds
        (None: unknown). Given it, a battery's layering hold counts only where it has a Pk
        (elsewhere holding changes nothing), so only the windows of the batteries cheaper
        than such a battery are sampled; the others' holds may then differ, where they
        hold nothing anyway."""
        doctrine, batteries = self.doctrine, self.batteries
        preference = doctrine.battery_preference
        if preference == "cheapest_round":
            hold = cheaper_now_holds(self._salvo_cost_usd, reach.feasible, weapons, eligible)
        else:
            hold = np.zeros(reach.feasible.shape, dtype=bool)
        if preference == "cheapest_in_time":
            self._layer_holds_into(hold, picture, classes, assessment, reach, weapons,
                                   free_channels, stocked, eligible, radar_room,
                                   kill_probability)
        if doctrine.magazine_reserve_fraction > 0.0:
            left = (batteries.launcher_rounds.clip(0).sum(axis=1) + batteries.reserve
                    + batteries.reload_rounds.sum(axis=1) - batteries.reserved)
            low = left <= doctrine.magazine_reserve_fraction * batteries.initial_rounds
            if low.any():
                rows = np.nonzero(eligible)[0]
                windows = self._windows(picture, assessment, reach, rows)
                hold[:, rows] |= reserve_holds(low, np.isfinite(windows.first_s), stocked)
        return hold if hold.any() else None

    def _layer_holds_into(self, hold: np.ndarray, picture: TrackPicture,
                          classes: np.ndarray, assessment: ThreatAssessment,
                          reach: Engageability, weapons: np.ndarray,
                          free_channels: np.ndarray, stocked: np.ndarray,
                          eligible: np.ndarray, radar_room: np.ndarray | None,
                          kill_probability: np.ndarray | None) -> None:
        """The ``cheapest_in_time`` holds of :meth:`_holds`, written into ``hold`` (all
        False on entry): :func:`iadsim.c2.wta_dynamic.layer_holds` on the engagement
        windows (:meth:`_windows`) of the eligible tracks worth less than some salvo.

        Only a battery that could fire at a track now needs a decision on it: nothing is
        held unless one could fire at a track worth less than its salvo. Given the
        cycle's ``kill_probability``, only the windows of the batteries cheaper than a
        battery whose hold can change the assignment (it has a Pk on such a row; a NaN
        Pk counts as a Pk) are sampled. A cheap layer serves no more tracks at once than
        its fire-control radars can hold: its channels count only up to that.

        One compiled call (:func:`_layer_holds`): the selection of the rows and
        batteries, the windows (:func:`row_engagement_windows`'s kernel), the expected
        shots (:func:`iadsim.c2.wta_dynamic._log_miss`) and the holds; bit for bit the
        array form's (the sum over the cheaper batteries and its exponential in NumPy,
        :meth:`_layer_holds_of`, whenever an expected kill comes within
        :data:`HOLD_MARGIN` of the handover probability)."""
        radars = self.fire_control_radars
        if radars is None:
            room = _NO_SLOTS
        else:
            room = (radars.engagements_free(self.batteries.salvo_size) if radar_room is None
                    else radar_room)
        use_probability = kill_probability is not None and self._windows_may_be_skipped
        classes = np.asarray(classes, dtype=np.int64)
        channels, layers, assets, envelopes, coverage = self._cycle_constants()[4:]
        unsure, rows, log_miss, beyond = _layer_holds(
            hold, classes, self._threat_worth_usd,
            np.ascontiguousarray(eligible, dtype=np.bool_), self._dearest_salvo_float,
            np.ascontiguousarray(reach.feasible, dtype=np.bool_),
            np.asarray(weapons, dtype=np.int64), self._salvo_cost_usd, use_probability,
            (np.ascontiguousarray(kill_probability, dtype=float) if use_probability
             else _NO_PROBABILITY), self._cheaper, channels[0],
            np.asarray(free_channels, dtype=np.int64), *channels[1:],
            np.asarray(room, dtype=np.int64), np.asarray(stocked, dtype=np.bool_), *layers,
            np.ascontiguousarray(picture.position_m, dtype=float),
            np.ascontiguousarray(picture.velocity_mps, dtype=float),
            np.asarray(assessment.time_to_go_s, dtype=float),
            np.asarray(assessment.asset, dtype=np.intp), *assets,
            picture.last_update_by_radar_s.shape[1], picture.time_s, *envelopes,
            (picture.time_s - picture.time_s) <= self.doctrine.fire_control_track_age_s,
            *coverage)
        if unsure:
            self._layer_holds_of(hold, rows, log_miss, beyond, classes)

    def _layer_holds_of(self, hold: np.ndarray, rows: np.ndarray, log_miss: np.ndarray,
                        beyond: np.ndarray, classes: np.ndarray) -> None:
        """The end of :func:`iadsim.c2.wta_dynamic.layer_holds` in its array form, written
        into the ``rows`` columns of ``hold``: a battery holds fire on a row worth less than
        its salvo when the cheaper layers' expected kill ``1 - exp(cheaper @ log_miss)``
        (BLAS and NumPy's exponential) reaches the handover probability or the row arrives
        ``beyond`` the horizon. For the cycles :func:`_layer_holds` leaves to it."""
        survival = np.exp(self._cheaper @ log_miss)
        in_time = ((1.0 - survival >= self.doctrine.handover_kill_probability)
                   | beyond[None, :])
        worth = self._threat_worth_usd[classes[rows]]
        hold[:, rows] = in_time & (worth[None, :] < self._salvo_cost_usd[:, None])

    def _cycle_constants(self) -> tuple[tuple, ...]:
        """The arguments of the cycle's compiled calls (:func:`_cycle_reach`,
        :func:`_layer_holds`) that stay the same from cycle to cycle, in the dtypes they
        take, grouped as the calls read them: built once, and again whenever the manager
        is given other assets, fire-control radars or doctrine. The batteries' arrays are
        passed as they are (the same arrays, whose values may change between cycles: a
        link's latency changes the reaction time)."""
        key = (self.assets, self.fire_control_radars, self.doctrine)
        cached = self._cycle_constants_of
        if cached is not None and all(
                old is new for old, new in zip(cached[0], key, strict=True)):
            return cached[1]
        batteries, envelopes, assets = self.batteries, self._envelopes, self.assets
        radars, arrays, doctrine = self.fire_control_radars, self._radar_arrays(), self.doctrine
        frame = self.frame
        if radars is None or not arrays.check:
            capacity, used = _NO_SLOTS, _NO_SLOTS
        else:
            capacity, used = radars.capacity, radars.used
        held = (_NO_SLOTS if radars is None
                else np.asarray(self._radar_engagements_held(radars), dtype=np.int64))
        battery_envelope = (
            batteries.position_m, batteries.reaction_time_s, batteries.fire_control_mask,
            envelopes.speed_mps, envelopes.min_range_m, envelopes.max_range_m,
            envelopes.min_altitude_m, envelopes.max_altitude_m, envelopes.max_flight_time_s,
            envelopes.max_target_speed_mps)
        constants = (
            # _cycle_reach: the assets, the batteries' envelopes, the radars' slots and
            # coverage, the classes and the salvo Pk.
            (self.ground_elevation_m - frame.alt_m, self._earth_radius_m, frame.alt_m,
             assets.position_m, np.asarray(assets.radius_m, dtype=float),
             np.asarray(assets.value, dtype=float), float(doctrine.threat_corridor_m)),
            (*battery_envelope, self.ground_elevation_m, doctrine.fire_control_track_age_s,
             envelopes.kind, envelopes.time_of_flight, envelopes.envelope_scalars,
             arrays.check),
            (arrays.battery_radars, arrays.on_remote, capacity, used, arrays.need,
             *arrays.coverage, arrays.limited),
            (PICTURE_CLASS_MIN_CONFIDENCE, _CLASS_OF_KINEMATIC_KIND, self._salvo_pk_fixed,
             self._salvo_pk),
            # _layer_holds: the costs and layers, the channels, the assets, the
            # batteries' envelopes and the radars' coverage.
            (np.asarray(batteries.fire_channels, dtype=np.int64), radars is not None, held),
            (self._engagement_time_float, self._log_survival,
             float(doctrine.handover_kill_probability)),
            (np.ascontiguousarray(assets.position_m, dtype=float),),
            (*battery_envelope, frame.alt_m, self._earth_radius_m, self.ground_elevation_m,
             doctrine.fire_control_track_age_s, envelopes.kind, envelopes.time_of_flight,
             envelopes.envelope_scalars, arrays.check),
            (arrays.battery_radars, arrays.on_remote, *arrays.coverage, arrays.limited))
        self._cycle_constants_of = (key, constants)
        return constants

    def _radar_engagements_held(self, radars: FireControlRadars) -> np.ndarray:
        """``radars.engagements_held`` of the batteries' salvos: fixed for a run (the
        radars' capacities and the salvo sizes do not change), so computed once per set
        of radars."""
        return self._radar_run_constants(radars)[1]

    def _radar_arrays(self) -> FireControlArrays:
        """:func:`fire_control_arrays` of the run's fire-control radars (or of none),
        built once per set of radars."""
        return self._radar_run_constants(self.fire_control_radars)[2]

    def _radar_run_constants(self, radars: FireControlRadars | None
                             ) -> tuple[FireControlRadars | None, np.ndarray | None,
                                        FireControlArrays]:
        """(radars, engagements held, :func:`fire_control_arrays`), computed once per set
        of radars (None: none): the radars' capacities and coverage, the batteries they
        limit and the salvo sizes do not change during a run."""
        cached = self._engagements_held
        if cached is None or cached[0] is not radars:
            held = (None if radars is None
                    else radars.engagements_held(self.batteries.salvo_size))
            cached = (radars, held, fire_control_arrays(radars, self.batteries))
            self._engagements_held = cached
        return cached

    def _windows(self, picture: TrackPicture, assessment: ThreatAssessment,
                 reach: Engageability, rows: np.ndarray,
                 batteries_needed: np.ndarray | None = None) -> EngagementWindows:
        """Engagement windows of the picture's ``rows``, each flown at the asset it threatens
        (:func:`row_engagement_windows`: :func:`engagement_windows` of those rows in one
        compiled call)."""
        return row_engagement_windows(picture, rows, assessment.time_to_go_s, assessment.asset,
                                      self.assets.position_m, reach.feasible, self.batteries,
                                      self.frame, self.ground_elevation_m,
                                      self.doctrine.fire_control_track_age_s, self._envelopes,
                                      self.fire_control_radars,
                                      radar_arrays=self._radar_arrays(),
                                      batteries_needed=batteries_needed)

    def _open(self, time_s: float, picture: TrackPicture, battery: int, row: int, asset: int,
              intercept_time_s: float, intercept_point_m: np.ndarray, radar: int = -1) -> None:
        """Open an engagement: a fire channel, a salvo of rounds, launches scheduled, and
        the track slots of its fire-control ``radar`` (-1: none)."""
        track_id = int(picture.track_id[row])
        salvo = int(self.batteries.salvo_size[battery])
        first_launch = time_s + self.batteries.reaction_time_s[battery]
        engagement = Engagement(
            engagement_id=len(self.engagements), battery=battery, track_id=track_id,
            launch_times_s=[first_launch + k * self.doctrine.salvo_interval_s
                            for k in range(salvo)], asset=asset)
        if radar >= 0:
            engagement.fire_control_radar = radar
            engagement.round_slots = salvo if self.fire_control_radars.round_slot[battery] else 0
            self.fire_control_radars.used[radar] += 1 + engagement.round_slots
        self.engagements[engagement.engagement_id] = engagement
        self._pending_launch.append(engagement.engagement_id)
        self._open_by_track[track_id] = self._open_by_track.get(track_id, 0) + 1
        self.batteries.channels_busy[battery] += 1
        self.batteries.reserved[battery] += salvo
        if self.fire_control is not None:
            self.fire_control.cue(time_s, battery, track_id, picture.position_m[row],
                                  picture.velocity_mps[row],
                                  float(picture.speed_sigma_mps[row]))
        self.log.add(EventKind.ASSIGNMENT, time_s, track_id=track_id, battery_index=battery,
                     asset_index=asset, value=time_s + intercept_time_s,
                     position_m=intercept_point_m)

    def _launch_due(self, time_s: float, picture: TrackPicture) -> None:
        if not self._pending_launch:
            return
        engagements, now = self.engagements, time_s + 1e-9
        if all(not engagements[engagement_id].cancelled
               and engagements[engagement_id].launched < engagements[engagement_id].rounds
               and engagements[engagement_id].launch_times_s[
                   engagements[engagement_id].launched] > now
               for engagement_id in self._pending_launch):
            return  # no round due yet (the reaction time): the loop below would do nothing
        row_of_track = {int(track): row for row, track in enumerate(picture.track_id.tolist())}
        for engagement_id in list(self._pending_launch):
            engagement = self.engagements[engagement_id]
            while (engagement.launched < engagement.rounds
                   and engagement.launch_times_s[engagement.launched] <= time_s + 1e-9):
                row = row_of_track.get(engagement.track_id)
                if row is None or engagement.track_id in self.killed_track_ids:
                    self._cancel(engagement, time_s)
                    break
                verdict = self._fire_control_verdict(engagement, time_s, picture, row)
                if verdict == "wait":
                    break
                if verdict == "cancel" or not self._launch_one(engagement, time_s, picture,
                                                                 row):
                    # No intercept from here now (a late launch after the director's
                    # wait, a target that turned away): the round stays in the magazine,
                    # the engagement ends and the track can be assigned afresh.
                    self._cancel(engagement, time_s)
                    break
            if engagement.cancelled or engagement.launched == engagement.rounds:
                self._pending_launch.remove(engagement_id)

    def _fire_control_verdict(self, engagement: Engagement, time_s: float,
                              picture: TrackPicture, row: int) -> str:
        """What the battery's fire control says about the engagement's next round now:
        ``"fire"``, ``"wait"`` (its director has no settled track of the engaged track and
        the launch is less than :data:`FIRE_CONTROL_WAIT_S` late: a decision on the
        director's own measurements), or ``"cancel"``.

        A director that cannot see its cue (the terrain hides the picture's extrapolated
        track from it) waits only while the picture still gives an intercept in the
        round's envelope from here and for at most :data:`FIRE_CONTROL_WAIT_S`: a target
        that stays hidden, or passes out of reach while hidden, frees the fire channel and
        its rounds, and the track may be assigned afresh (to another battery, or to this
        one once it is in view), instead of holding the channel until the track is
        dropped."""
        directors, battery = self.fire_control, engagement.battery
        if directors is None or not directors.has_directors(battery):
            return "fire"
        late = time_s - engagement.launch_times_s[engagement.launched]
        if directors.cue_hidden(time_s, battery, engagement.track_id):
            if late >= FIRE_CONTROL_WAIT_S - 1e-9 or not self._in_reach(battery, picture,
                                                                         row):
                return "cancel"
            return "wait"
        if (late < FIRE_CONTROL_WAIT_S - 1e-9
                and directors.solution(time_s, battery, engagement.track_id) is None):
            return "wait"
        return "fire"

    def _in_reach(self, battery: int, picture: TrackPicture, row: int) -> bool:
        """True when a round launched now from ``battery`` has an intercept of the picture's
        track in ``row`` inside its envelope (the launch check of :meth:`_launch_one`)."""
        return self._launch_solution(battery, picture, row, picture.position_m[row],
                                     picture.velocity_mps[row])[1]

    def _launch_solution(self, battery: int, picture: TrackPicture, row: int,
                         position_m: np.ndarray, velocity_mps: np.ndarray
                         ) -> tuple[np.ndarray, bool]:
        """:func:`launch_solution` of a round from ``battery`` at a track at ``position_m``
        moving at ``velocity_mps``: a missile's PIP uses the picture track's known
        acceleration (``row``; gravity for a ballistic track), a gun's fire control keeps
        its constant-velocity solution."""
        kind = int(self.batteries.interceptor_type[battery])
        return launch_solution(self.types, kind, self.batteries.position_m[battery],
                               position_m, velocity_mps, self.frame.gaussian_radius_m(),
                               self._aim_acceleration(kind, picture, row))

    def _aim_acceleration(self, kind: int, picture: TrackPicture, row: int
                          ) -> np.ndarray | None:
        """The acceleration a round of ``kind`` aims with: the picture track's known one
        for a missile, none (constant velocity) for a gun."""
        if picture.acceleration_mps2 is None or self.types.is_gun[kind]:
            return None
        return picture.acceleration_mps2[row]

    def _launch_one(self, engagement: Engagement, time_s: float, picture: TrackPicture,
                    row: int) -> bool:
        """Fire the engagement's next round (or begin its dwell) at the track in ``row``;
        False, and nothing fired, when the round's envelope holds no intercept of the aim
        track from this battery now (the fire-control computer's launch check)."""
        battery = engagement.battery
        kind = int(self.batteries.interceptor_type[battery])
        origin = self.batteries.position_m[battery]
        position, velocity = picture.position_m[row], picture.velocity_mps[row]
        if self._beam[battery]:  # a dwell begins on the track
            interceptor = self.beams.start(time_s, kind, battery, engagement.engagement_id,
                                           engagement.track_id, position)
        else:
            # A battery with fire-control directors aims from its director's track (its
            # own sensor's measurements), once that track has settled; otherwise from the
            # picture.
            solution = (None if self.fire_control is None
                        else self.fire_control.solution(time_s, battery, engagement.track_id))
            if solution is not None:
                position, velocity = solution
            aim, in_envelope = self._launch_solution(battery, picture, row, position, velocity)
            acceleration = self._aim_acceleration(kind, picture, row)
            if not in_envelope:
                return False
            interceptor = self.fleet.launch(time_s, origin, aim, kind, battery,
                                            engagement.engagement_id, engagement.track_id,
                                            track_position_m=position,
                                            track_velocity_mps=velocity,
                                            track_acceleration_mps2=acceleration)
        self.batteries.launch_round(battery)
        engagement.launched += 1
        engagement.interceptor_ids.append(interceptor)
        if self._jammer[battery] and self.doctrine.jammer_dwell_release:
            self._jamming[interceptor] = engagement.engagement_id
        self._engagement_of_round[interceptor] = engagement.engagement_id
        engagement.velocity_before_mps = velocity.copy()
        engagement.holding_radars = (
            time_s - picture.last_update_by_radar_s[row]
            <= self.doctrine.fire_control_track_age_s).nonzero()[0]
        self.log.add(EventKind.INTERCEPTOR_LAUNCH, time_s, track_id=engagement.track_id,
                     interceptor_id=interceptor, battery_index=battery,
                     value=self.types.cost_per_round_usd[kind], position_m=origin)
        return True

    def _cancel(self, engagement: Engagement, time_s: float) -> None:
        """Stop an engagement whose track is gone; unlaunched rounds go back to stock."""
        engagement.cancelled = True
        self.batteries.release_rounds(engagement.battery,
                                      engagement.rounds - engagement.launched)
        if engagement.round_slots:  # the rounds never fired need no guidance
            self._release_slots(engagement, min(engagement.round_slots,
                                                engagement.rounds - engagement.launched))
        if engagement.finished:
            self._close(engagement, time_s)

    def _release_spent_dwells(self, time_s: float, picture: TrackPicture) -> None:
        """``doctrine.jammer_dwell_release``: stop the jamming dwells the picture says can
        no longer help (:meth:`BeamWeapons.cease`): those whose track it no longer holds
        (deleted, or judged killed) and those whose track has passed the asset it
        threatened at assignment (:func:`passed_asset`: its predicted arrival is behind
        it, as after a leak or a turn away). A jammer points at the picture, so without
        this a dwell on a leaked or fallen drone's coasting track held its channel to
        ``max_dwell_s``. The channel is freed when the dwell's end is recorded (the next
        step's :meth:`record_outcomes`). Reads the picture only, never the truth."""
        for shot, engagement_id in list(self._jamming.items()):
            engagement = self.engagements[engagement_id]
            rows = np.flatnonzero(picture.track_id == engagement.track_id)
            spent = rows.size == 0 or engagement.track_id in self.killed_track_ids
            if not spent and engagement.asset >= 0:
                spent = passed_asset(picture.position_m[rows[0]],
                                     picture.velocity_mps[rows[0]],
                                     self.assets.position_m[engagement.asset])
            if spent:
                self.beams.cease(shot, time_s)
                del self._jamming[shot]

    def take_killed_tracks(self) -> np.ndarray:
        """Track ids assessed killed since the last call (the tracker drops them); a
        shared read-only empty array when none (most steps)."""
        if not self._newly_killed:
            return _NO_TRACK_IDS
        killed, self._newly_killed = self._newly_killed, []
        return np.asarray(killed, dtype=np.int64)

    def record_outcomes(self, interceptor_id: np.ndarray, time_s: np.ndarray) -> None:
        """Account for rounds that resolved this step: which rounds, and when they reached
        their aim point or gave up. Whether they killed is not given (it is truth); rounds
        another manager launched are ignored."""
        for interceptor, when in zip(np.asarray(interceptor_id).tolist(),
                                     np.asarray(time_s).tolist(), strict=True):
            engagement_id = self._engagement_of_round.pop(interceptor, None)
            if engagement_id is None:
                continue
            self._jamming.pop(interceptor, None)
            engagement = self.engagements[engagement_id]
            engagement.resolved += 1
            if engagement.round_slots:  # the round no longer needs guidance
                self._release_slots(engagement, 1)
            engagement.intercept_time_s = min(engagement.intercept_time_s, when)
            if engagement.finished:
                self._close(engagement, when)

    def _release_slots(self, engagement: Engagement, rounds: int) -> None:
        """Give back the track slots of ``rounds`` of the engagement's guided rounds."""
        engagement.round_slots -= rounds
        self.fire_control_radars.used[engagement.fire_control_radar] -= rounds

    def _close(self, engagement: Engagement, time_s: float) -> None:
        """Free the fire channel; schedule the kill assessment after the delay and the
        looks of the fastest radar that held the track."""
        self.batteries.channels_busy[engagement.battery] -= 1
        if self.fire_control is not None:
            self.fire_control.release(engagement.battery, engagement.track_id)
        if engagement.launched == 0:  # cancelled before its first round: nothing to assess,
            self._let_go(engagement)  # the track is free to be assigned again at once
            return
        wait = self.doctrine.kill_assessment_delay_s
        if self.radar_look_s is not None and engagement.holding_radars.size:
            look = float(self.radar_look_s[engagement.holding_radars].min())
            wait = max(wait, self.doctrine.kill_assessment_looks * look)
        self._assessments.append((time_s + wait, engagement.engagement_id))

    def _let_go(self, engagement: Engagement) -> None:
        """The engagement no longer holds its target: the fire-control radar's slot for it
        is freed and the track counts one open engagement less."""
        if engagement.fire_control_radar >= 0:
            self.fire_control_radars.used[engagement.fire_control_radar] -= 1
            engagement.fire_control_radar = -1
        remaining = self._open_by_track.get(engagement.track_id, 1) - 1
        if remaining:
            self._open_by_track[engagement.track_id] = remaining
        else:
            self._open_by_track.pop(engagement.track_id, None)

    def _evidence(self, engagement: Engagement, picture: TrackPicture, row: int | None,
                  classes: np.ndarray | None = None) -> kill_assessment.Evidence:
        """What the picture shows of the engaged track (``row``, None when gone): a
        jamming engagement is read for a turn away from its asset, others for a change
        of kinematics by the doctrine's ``kill_assessment_cue``. ``classes``: the
        picture's threat class of each row (:meth:`_track_classes`), read by the
        ``speed_or_fall`` cue only."""
        present = row is not None
        last_update = picture.last_update_by_radar_s[row] if present else np.zeros(0)
        velocity = picture.velocity_mps[row] if present else engagement.velocity_before_mps
        beam = self.types.beam
        if beam is not None and beam.is_jammer[self.batteries.interceptor_type[
                engagement.battery]]:
            asset = (self.assets.position_m[engagement.asset] if engagement.asset >= 0
                     else None)
            return kill_assessment.read_jamming_evidence(
                present, last_update, engagement.intercept_time_s,
                picture.position_m[row] if present else np.zeros(3), velocity, asset,
                engagement.holding_radars.size)
        threat_class = (THREAT_CLASSES[int(classes[row])]
                        if present and classes is not None else "drone")
        return kill_assessment.read_evidence(
            present, last_update, engagement.intercept_time_s,
            engagement.velocity_before_mps, velocity, engagement.holding_radars.size,
            self.doctrine.kill_assessment_cue, threat_class)

    def _assess_due(self, time_s: float, picture: TrackPicture) -> None:
        due = [item for item in self._assessments if item[0] <= time_s + 1e-9]
        if not due:
            return
        self._assessments = [item for item in self._assessments if item[0] > time_s + 1e-9]
        row_of_track = {int(track): row for row, track in enumerate(picture.track_id.tolist())}
        doctrine = self.doctrine
        classes = (self._track_classes(picture) if doctrine.kill_assessment_cue
                   == "speed_or_fall" and picture.track_id.size else None)
        for _, engagement_id in sorted(due):
            engagement = self.engagements[engagement_id]
            self._let_go(engagement)
            row = row_of_track.get(engagement.track_id)
            evidence = self._evidence(engagement, picture, row, classes)
            killed, _ = kill_assessment.judge(evidence, doctrine.false_kill_probability,
                                              doctrine.missed_kill_probability, self.rng)
            engagement.judged_killed = killed
            if killed and engagement.track_id not in self.killed_track_ids:
                self.killed_track_ids.add(engagement.track_id)
                self._newly_killed.append(engagement.track_id)
            self.log.add(EventKind.KILL_ASSESSMENT, time_s, track_id=engagement.track_id,
                         battery_index=engagement.battery,
                         interceptor_id=engagement.interceptor_ids[-1], value=float(killed))


def passed_asset(position_m: np.ndarray, velocity_mps: np.ndarray,
                 asset_position_m: np.ndarray) -> bool:
    """Whether a track at ``position_m`` moving at ``velocity_mps`` (ENU, (3,) each) has
    its closest approach to the asset at ``asset_position_m`` (3,) behind it, over the
    ground: it moves faster than 1 m/s over the ground (as a threatening track must,
    :func:`iadsim.c2.threat_evaluation.evaluate`) and not towards the asset (the time to
    closest approach ``(o . v) / |v|^2`` of the offset ``o`` to the asset is not
    positive)."""
    velocity = velocity_mps[:2]
    offset = asset_position_m[:2] - position_m[:2]
    return bool(velocity @ velocity > 1.0 and offset @ velocity <= 0.0)


@njit(cache=True)
def _cycle_weapons(fire_channels: np.ndarray, channels_busy: np.ndarray,
                   launcher_rounds: np.ndarray, reserved: np.ndarray, salvo_size: np.ndarray,
                   with_radars: bool, capacity: np.ndarray, used: np.ndarray,
                   battery_radars: np.ndarray, limited: np.ndarray, need: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per battery, what it can do this cycle: free fire channels, whether it has a salvo
    on its launchers not promised yet (``Batteries.available_rounds`` at least a salvo),
    the salvos it can fire now, and (``with_radars``) the new engagements its fire-control
    radars can still take (:meth:`FireControlRadars.engagements_free`, ``need`` slots an
    engagement), which also bound its salvos. Integers throughout: the same values as the
    array forms, in one compiled pass (the battle manager asks every cycle)."""
    n = fire_channels.shape[0]
    free_channels = np.empty(n, dtype=np.int64)
    stocked = np.empty(n, dtype=np.bool_)
    weapons = np.empty(n, dtype=np.int64)
    room = np.empty(n if with_radars else 0, dtype=np.int64)
    for battery in range(n):
        free_channels[battery] = fire_channels[battery] - channels_busy[battery]
        available = 0
        for launcher in range(launcher_rounds.shape[1]):
            available += max(launcher_rounds[battery, launcher], 0)
        available -= reserved[battery]
        stocked[battery] = available >= salvo_size[battery]
        weapons[battery] = (min(free_channels[battery], available // salvo_size[battery])
                            if stocked[battery] else 0)
        if with_radars:
            if limited[battery]:
                total = 0
                for radar in range(capacity.shape[0]):
                    if battery_radars[battery, radar]:
                        total += max(capacity[radar] - used[radar], 0) // need[battery]
                room[battery] = total
            else:
                room[battery] = _UNLIMITED_ROOM
            weapons[battery] = min(weapons[battery], room[battery])
    return free_channels, stocked, weapons, room


@njit(cache=True, error_model="numpy")
def _layer_holds(hold: np.ndarray, classes: np.ndarray, threat_worth_usd: np.ndarray,
                 eligible: np.ndarray, dearest_salvo_usd: float, feasible: np.ndarray,
                 weapons: np.ndarray, salvo_cost_usd: np.ndarray, use_probability: bool,
                 kill_probability: np.ndarray, cheaper: np.ndarray,
                 fire_channels: np.ndarray, free_channels: np.ndarray, with_radars: bool,
                 radar_held: np.ndarray, radar_room: np.ndarray, stocked: np.ndarray,
                 engagement_time_s: np.ndarray, log_survival: np.ndarray,
                 handover_kill_probability: float,
                 position: np.ndarray, velocity: np.ndarray, time_to_go_s: np.ndarray,
                 asset: np.ndarray, asset_position: np.ndarray, radars: int,
                 time_s: float, battery_position: np.ndarray,
                 reaction_time_s: np.ndarray, radar_mask: np.ndarray, speed: np.ndarray,
                 min_range: np.ndarray, max_range: np.ndarray, min_altitude: np.ndarray,
                 max_altitude: np.ndarray, max_flight_time: np.ndarray,
                 max_target_speed: np.ndarray, origin_altitude_m: float,
                 earth_radius_m: float, ground_elevation_m: float,
                 fire_control_track_age_s: float, kind: np.ndarray,
                 time_of_flight: np.ndarray, envelope_scalars: np.ndarray,
                 check_radars: bool, held: bool, battery_radars: np.ndarray,
                 on_remote: np.ndarray, radar_position: np.ndarray, to_local: np.ndarray,
                 radar_max_range: np.ndarray, min_elevation: np.ndarray,
                 max_elevation: np.ndarray, sector_center: np.ndarray,
                 sector_half_width: np.ndarray, limited: np.ndarray
                 ) -> tuple[bool, np.ndarray, np.ndarray, np.ndarray]:
    """:meth:`BattleManager._layer_holds_into` in one compiled call, its holds written into
    the rows' columns of ``hold``: the rows a layering hold can apply to (eligible, worth
    less than the dearest salvo; none when no battery able to fire now at a track has a
    salvo dearer than it), the batteries whose windows are needed (all unless
    ``use_probability``), the rows' windows
    (:func:`iadsim.c2.engageability._row_windows`, 10 samples to 1,200 s), each battery's
    expected shots x log survival on them (:func:`iadsim.c2.wta_dynamic._log_miss`,
    channels and free channels bounded by the fire-control radars' ``radar_held`` and
    ``radar_room`` when ``with_radars``), then the holds of
    :func:`iadsim.c2.wta_dynamic.layer_holds`: a battery holds fire on a row worth less
    than its salvo when the cheaper layers' expected kill ``1 - exp(sum)`` reaches the
    handover probability or the row arrives beyond the horizon.

    The array form sums the cheaper batteries' log miss with BLAS and takes NumPy's
    exponential, whose last bits may differ from this loop's. A hold is a comparison, so
    it is the same unless the expected kill lies within :data:`HOLD_MARGIN` of the
    handover probability (the two sums differ by a few units in the last place of a sum
    of terms of one sign): then, or when a log miss is not finite, nothing is written and
    the first value returned is True, and the caller decides with the array form on the
    rows and log miss returned (with whether each row arrives beyond the horizon)."""
    n_batteries, n_tracks = feasible.shape
    worth = np.empty(n_tracks)
    count = 0
    for track in range(n_tracks):
        worth[track] = threat_worth_usd[classes[track]]
        if eligible[track] and worth[track] < dearest_salvo_usd:
            count += 1
    undecided = False
    for battery in range(n_batteries):
        if weapons[battery] > 0:
            for track in range(n_tracks):
                if feasible[battery, track] and salvo_cost_usd[battery] > worth[track]:
                    undecided = True
    if count == 0 or not undecided:
        return (False, np.empty(0, dtype=np.intp), np.empty((n_batteries, 0)),
                np.empty(0, dtype=np.bool_))
    rows = np.empty(count, dtype=np.intp)
    count = 0
    for track in range(n_tracks):
        if eligible[track] and worth[track] < dearest_salvo_usd:
            rows[count] = track
            count += 1
    needed = np.ones(n_batteries, dtype=np.bool_)
    if use_probability:
        deciding = np.zeros(n_batteries, dtype=np.bool_)
        for battery in range(n_batteries):
            for row in rows:
                if (kill_probability[battery, row] != 0.0
                        and worth[row] < salvo_cost_usd[battery]):
                    deciding[battery] = True
                    break
        for other in range(n_batteries):
            needed[other] = False
            for battery in range(n_batteries):
                if deciding[battery] and cheaper[battery, other] != 0.0:
                    needed[other] = True
                    break
    first, last, duration, beyond = _row_windows(
        position, velocity, rows, time_to_go_s, asset, asset_position, feasible,
        LAYER_WINDOW_SAMPLES, LAYER_WINDOW_HORIZON_S, radars, time_s, battery_position,
        reaction_time_s, radar_mask, speed, min_range, max_range, min_altitude,
        max_altitude, max_flight_time, max_target_speed, origin_altitude_m, earth_radius_m,
        ground_elevation_m, fire_control_track_age_s, kind, time_of_flight,
        envelope_scalars, check_radars, held, battery_radars, on_remote, radar_position,
        to_local, radar_max_range, min_elevation, max_elevation, sector_center,
        sector_half_width, limited, needed)
    channels = fire_channels.copy()
    free = free_channels.copy()
    if with_radars:
        for battery in range(n_batteries):
            channels[battery] = min(channels[battery], radar_held[battery])
            free[battery] = min(free[battery], radar_room[battery])
    feasible_rows = np.empty((n_batteries, count), dtype=np.bool_)
    for battery in range(n_batteries):
        for index in range(count):
            feasible_rows[battery, index] = feasible[battery, rows[index]]
    log_miss = _log_miss(first, last, duration, feasible_rows, engagement_time_s, channels,
                         free, stocked, np.ones(count, dtype=np.bool_), log_survival)
    for battery in range(n_batteries):
        for index in range(count):
            if not np.isfinite(log_miss[battery, index]):
                return True, rows, log_miss, beyond
    in_time = np.empty((n_batteries, count), dtype=np.bool_)
    for battery in range(n_batteries):
        for index in range(count):
            in_time[battery, index] = beyond[index]
            if beyond[index] or not worth[rows[index]] < salvo_cost_usd[battery]:
                continue  # the hold does not read the expected kill
            total = 0.0
            for other in range(n_batteries):
                if cheaper[battery, other] != 0.0:
                    total += cheaper[battery, other] * log_miss[other, index]
            expected_kill = 1.0 - np.exp(total)
            if not abs(expected_kill - handover_kill_probability) > HOLD_MARGIN:
                return True, rows, log_miss, beyond
            in_time[battery, index] = expected_kill >= handover_kill_probability
    for battery in range(n_batteries):
        for index in range(count):
            hold[battery, rows[index]] = (in_time[battery, index]
                                          and worth[rows[index]] < salvo_cost_usd[battery])
    return False, rows, log_miss, beyond


@njit(cache=True, error_model="numpy")
def _cycle_reach(position: np.ndarray, velocity: np.ndarray, speed_sigma: np.ndarray,
                 acceleration: np.ndarray, with_acceleration: bool, ground_up_m: float,
                 earth_radius_m: float, origin_altitude_m: float,
                 asset_position: np.ndarray, asset_radius: np.ndarray,
                 asset_value: np.ndarray, corridor_m: float,
                 last_update_by_radar_s: np.ndarray, time_s: float,
                 battery_position: np.ndarray, reaction_time_s: np.ndarray,
                 radar_mask: np.ndarray, speed: np.ndarray, min_range: np.ndarray,
                 max_range: np.ndarray, min_altitude: np.ndarray, max_altitude: np.ndarray,
                 max_flight_time: np.ndarray, max_target_speed: np.ndarray,
                 ground_elevation_m: float, fire_control_track_age_s: float,
                 kind: np.ndarray, time_of_flight: np.ndarray, envelope_scalars: np.ndarray,
                 check_radars: bool, battery_radars: np.ndarray, on_remote: np.ndarray,
                 radar_capacity: np.ndarray, radar_used: np.ndarray, need_slots: np.ndarray,
                 radar_position: np.ndarray, to_local: np.ndarray,
                 radar_max_range: np.ndarray, min_elevation: np.ndarray,
                 max_elevation: np.ndarray, sector_center: np.ndarray,
                 sector_half_width: np.ndarray, limited: np.ndarray,
                 kind_index: np.ndarray, kind_confidence: np.ndarray,
                 min_confidence: float, class_of_kind: np.ndarray, with_probability: bool,
                 salvo_pk: np.ndarray, eligible: np.ndarray, weapons: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                            np.ndarray, np.ndarray, bool]:
    """:meth:`BattleManager._cycle_reach`: the ballistic tracks' impact points
    (:func:`iadsim.c2.impact_prediction.ballistic_impact_rows`, when the picture has
    accelerations), the threat evaluation (:func:`iadsim.c2.threat_evaluation._assess`),
    the engageability now (:func:`iadsim.c2.engageability._engageability_with_radars`,
    the radars' free slots checked, the pairs out of reach not solved), the threat classes
    (:func:`iadsim.c2.threat_evaluation._picture_threat_class_at`) and
    (``with_probability``) the salvo Pk where feasible and eligible and whether a battery
    with weapons has a nonzero one. Returns the assets threatened, times to go,
    feasibility, intercept times and points, classes, Pk and that flag."""
    n = position.shape[0]
    if asset_position.shape[0] == 0:
        asset = np.full(n, -1, dtype=np.intp)
        time_to_go = np.full(n, np.inf)
    else:
        if with_acceleration:
            impact_point, impact_time = ballistic_impact_rows(
                position, velocity, acceleration, ground_up_m, True, earth_radius_m,
                origin_altitude_m)
        else:
            impact_point, impact_time = np.zeros((n, 3)), np.full(n, np.nan)
        asset, time_to_go, _ = _assess(position, velocity, asset_position, asset_radius,
                                       asset_value, corridor_m, speed_sigma, impact_point,
                                       impact_time)
    free_slots = np.empty(radar_capacity.shape[0], dtype=np.int64)
    for radar in range(radar_capacity.shape[0]):
        free_slots[radar] = radar_capacity[radar] - radar_used[radar]
    check = check_radars and n > 0
    feasible, intercept_time, intercept_point = _engageability_with_radars(
        position, velocity, last_update_by_radar_s, time_s, time_to_go, battery_position,
        reaction_time_s, radar_mask, speed, min_range, max_range, min_altitude,
        max_altitude, max_flight_time, max_target_speed, origin_altitude_m, earth_radius_m,
        ground_elevation_m, fire_control_track_age_s, kind, time_of_flight,
        envelope_scalars, check, True, battery_radars, on_remote,
        free_slots, need_slots, radar_position, to_local, radar_max_range, min_elevation,
        max_elevation, sector_center, sector_half_width, limited, PRUNING_MARGIN_M)
    classes = _picture_threat_class_at(kind_index, kind_confidence, velocity, position,
                                       origin_altitude_m, earth_radius_m, ground_elevation_m,
                                       min_confidence, class_of_kind)
    n_batteries = battery_position.shape[0]
    firing = False
    if with_probability:
        kill_probability = np.empty((n_batteries, n))
        for battery in range(n_batteries):
            for track in range(n):
                value = (salvo_pk[battery] if feasible[battery, track] and eligible[track]
                         else 0.0)
                kill_probability[battery, track] = value
                if weapons[battery] > 0 and value != 0.0:
                    firing = True
    else:
        kill_probability = np.empty((0, 0))
    return (asset, time_to_go, feasible, intercept_time, intercept_point, classes,
            kill_probability, firing)
