"""The step loop: one object holds all the state of one run (no module globals).

One step from ``t`` to ``t + dt`` runs the pipeline in order:

0. scenario faults that start or end at ``t + dt`` are applied and logged;
1. threats move to ``t + dt`` (launches are logged);
2. interceptors fly over the step and resolve their endgames against the true threats;
   laser and jammer dwells run over the step (:mod:`iadsim.effectors.beam_weapons`):
   kills, defeats (a jammed drone falls, or flies off on a new path), ended dwells;
3. threats that reached the end of their path alive leak when they end within their
   asset's radius, or within ``weapon_range_km`` of it (a stand-off weapon is released
   there and, in this version, assumed to reach the asset: it is not flown or engaged);
   otherwise they withdraw (route complete, short of the asset);
4. radars look at their own scheduled times inside the step (``sim.radar_look_times``;
   ``step``: all at ``t + dt``), the threats moved to each look's time; their reports
   (with the registration
   references' plots, :mod:`iadsim.sensors.reference_targets`) enter the network;
5. reports that have arrived are fused by the tracker; stale and tracks the battle
   manager judged killed drop;
6. the battle manager assesses, assigns and launches on the track picture; a battery cut
   off from it defends itself on its own radars (:mod:`iadsim.c2.autonomous`);
7. launchers due a reload are refilled.

The run ends at ``sim.duration_s`` or, earlier, once every threat has been resolved and
no round or engagement is open.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from iadsim.c2.autonomous import AutonomousBattery
from iadsim.c2.battle_manager import BattleManager, DefendedAssets
from iadsim.c2.fire_control_radars import fire_control_radars
from iadsim.effectors.batteries import Batteries, interceptor_table
from iadsim.effectors.beam_weapons import BeamOutcome, BeamWeapons
from iadsim.effectors.electronic_attack import fly_off, flyoff_heading_rad
from iadsim.effectors.flyout import InterceptorFleet, Outcome
from iadsim.engine.random_streams import stream
from iadsim.engine.threat_motion import threat_offsets_into
from iadsim.engine.track_recording import TrackRecorder
from iadsim.events import EventKind, EventLog
from iadsim.network.faults import FaultSchedule
from iadsim.network.links import ReportLinks
from iadsim.scenario.schema import Scenario
from iadsim.sensors.fire_control import fire_control_directors
from iadsim.sensors.radar import DetectionBatch, RadarNetwork, radar_sites
from iadsim.sensors.radar_environment import StepMotion, aspect_rcs_table, run_jammers
from iadsim.sensors.reference_targets import ReferenceTargets, merge_scans
from iadsim.threats.raid import ARRIVED, FLYING, KILLED, PENDING, build_raid
from iadsim.tracking.plausibility import SpeedBound
from iadsim.tracking.registration import ReferenceRegistration
from iadsim.tracking.tracker import CentralTracker, TrackPicture
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import terrain_mask, terrain_view
from iadsim.world.terrain_ground import GroundModel

_NO_THREATS = np.zeros(0, dtype=np.intp)
_NO_THREATS.flags.writeable = False

#: ``sim.record_tracks`` left unset records tracks and truth up to this many threats: at
#: 1,000 (benchmarks/engine_scale.py) recording and scoring would take longer than the run.
RECORD_TRACKS_MAX_THREATS = 500


class Simulation:
    """All state of one run of one scenario with one seed."""

    def __init__(self, scenario: Scenario, seed: int | None = None):
        self.scenario = scenario
        self.seed = scenario.sim.seed if seed is None else int(seed)
        ground = scenario.origin.ground_elevation_m
        self._ground_elevation_m = ground
        self.frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg, 0.0)
        self.dt_s = scenario.sim.dt_s
        self.time_s = 0.0
        self.steps = 0

        assets = scenario.defended_assets
        self.log = EventLog([s.name for s in scenario.sensors],
                            [b.name for b in scenario.batteries], [a.name for a in assets])
        self.raid = build_raid(scenario, self.frame)
        self.status = np.full(self.raid.size, PENDING, dtype=np.int8)
        # A step launches nothing before this (only launches change the pending threats).
        self._next_launch_s = self._pending_launch_s()
        self._weapon_range_m = np.array(
            [group.weapon_range_km * 1e3 for group in scenario.threats], dtype=float)[
            self.raid.group_index]
        self._unresolved = self.raid.size  # threats pending or flying
        # No flying threat reaches the end of its path before this (a lower bound: set at
        # launches, arrivals and fly-offs, the only changes that can bring it earlier).
        self._next_arrival_s = np.inf
        self.threat_position_m = np.zeros((self.raid.size, 3))
        self.threat_height_m = np.zeros(self.raid.size)
        self._all_threats = np.arange(self.raid.size, dtype=np.intp)
        # The frame's ECEF to ENU rotation, transposed (a view): rotate_to_enu's operand.
        self._ecef_to_enu_t = self.frame.ecef_to_enu_rotation.T

        self.faults = FaultSchedule(scenario.faults)
        # A radar_down fault is an outage of that radar (it logs outage_start/end too).
        sites = [dataclasses.replace(site, outages_s=site.outages_s
                                     + self.faults.windows("radar_down", site.name))
                 for site in radar_sites(scenario, self.frame)]
        self.sites = sites
        self.radars = RadarNetwork(
            sites, self.seed, ground, scenario.sim.record_detections,
            jammers=run_jammers(scenario, self.frame, self.raid.group_index),
            aspect_rcs_m2=aspect_rcs_table(scenario, self.raid.group_index),
            look_times=scenario.sim.radar_look_times,
            terrain_mask=terrain_mask(scenario, sites, self.frame))
        self.radars.empty_scans = scenario.tracking.empty_scans
        self.links = ReportLinks([site.latency_s for site in sites])
        self.tracker = CentralTracker(scenario.tracking, sites, self.log, ground)
        self.tracker.plausibility = SpeedBound.for_scenario(scenario)
        # Registration references: the world's (truth, sightings, navigation reports) and
        # what the fusion centre knows of them (surveyed points, stated sigmas).
        self.references: ReferenceTargets | None = None
        if scenario.registration is not None and self.tracker.bias_estimator is not None:
            self.references = ReferenceTargets(scenario.registration, self.frame, ground,
                                               [site.name for site in sites], self.seed)
            self.tracker.registration = ReferenceRegistration(
                self.references.point_position_m, self.references.point_sigma_m,
                self.references.report_sigma_m, self.references.report_interval_s)
        self._picture = self.tracker.picture(0.0)
        record = scenario.sim.record_tracks
        if record is None:
            record = self.raid.size <= RECORD_TRACKS_MAX_THREATS
        self.recorder = TrackRecorder() if record else None

        self.interceptor_types = interceptor_table(scenario)
        self.batteries = Batteries(scenario, self.frame, self.interceptor_types)
        self.fleet = InterceptorFleet(self.interceptor_types, stream(self.seed, "effectors"),
                                      self.frame.gaussian_radius_m())
        self.fleet.threat_kind_index = self.raid.kind_index
        self.terrain = terrain_view(scenario, self.frame)  # None without a DEM
        # Rounds end in the ground (sim.interceptor_ground): the DEM, or the smooth earth
        # at the ground elevation; seekers see only what the DEM leaves in view.
        impacts = {"terrain": self.terrain is not None, "earth": True,
                   "none": False}[scenario.sim.interceptor_ground]
        if impacts or self.terrain is not None:
            self.fleet.ground = GroundModel(
                self.frame, ground, self.frame.gaussian_radius_m(),
                None if self.terrain is None else self.terrain.terrain, impacts,
                scenario.sim.interceptor_clearance_m)
        self.beams = BeamWeapons(
            self.interceptor_types.beam, self.interceptor_types.max_range_m,
            self.batteries.position_m, np.array([b.height_m for b in scenario.batteries]),
            stream(self.seed, "beam_weapons"))
        asset_table = DefendedAssets(
            position_m=self.frame.to_enu([a.lat_deg for a in assets], [a.lon_deg for a in assets],
                                         [ground + a.height_m for a in assets]).reshape(-1, 3),
            radius_m=np.array([a.radius_m for a in assets], dtype=float),
            value=np.array([a.value for a in assets], dtype=float))
        self.assets = asset_table
        self.radar_look_s = np.array([site.revisit_s + site.latency_s for site in sites])
        self.commanded = np.ones(self.batteries.size, dtype=bool)  # link to the manager up
        self.battle_manager = BattleManager(scenario.doctrine, self.batteries,
                                            self.interceptor_types, asset_table, self.fleet,
                                            self.frame, ground, self.log,
                                            stream(self.seed, "kill_assessment"),
                                            self.radar_look_s, self.commanded, self.beams)
        self.fire_control = fire_control_directors(
            scenario, self.batteries.position_m, self.batteries.fire_channels,
            stream(self.seed, "fire_control"))
        if self.terrain is not None:
            self.fire_control.use_terrain(self.terrain, ground)
        self.battle_manager.fire_control = self.fire_control
        # The engagement radars' track slots: one physical set shared by every manager.
        self.fire_control_radars = fire_control_radars(scenario, sites, self.batteries,
                                                       self.interceptor_types)
        self.battle_manager.fire_control_radars = self.fire_control_radars
        self.autonomous: dict[int, AutonomousBattery] = {}
        self._radar_index = {site.name: index for index, site in enumerate(sites)}
        self._battery_index = {name: index for index, name in enumerate(self.batteries.names)}

    def _earliest_arrival_s(self, rows: np.ndarray) -> float:
        """The earliest end of path of the threats ``rows`` (inf: none; NaN ends, which
        never arrive, are left out)."""
        raid = self.raid
        return float(np.fmin.reduce(raid.launch_time_s[rows] + raid.flight_time_s[rows],
                                    initial=np.inf))

    def _pending_launch_s(self) -> float:
        """The earliest launch time of the threats still pending (inf: none)."""
        return float(self.raid.launch_time_s[self.status == PENDING].min(initial=np.inf))

    def _update_threats(self, time_s: float, rows: np.ndarray) -> None:
        """Move the given threats to ``time_s`` (others keep their last state)."""
        if rows.size == 0:
            return
        raid = self.raid
        # One compiled call for the path interpolation, the geodetic to ECEF step and the
        # heights; the same bits as frame.to_enu(*raid.geodetic_at(time_s, rows)) (the
        # rotation is frame.rotate_to_enu's matrix product, kept in NumPy: its bits are
        # its BLAS's).
        offsets = threat_offsets_into(float(time_s), rows, raid.launch_time_s,
                                      raid.flight_time_s, raid.path_time_s, raid.path_lat_deg,
                                      raid.path_lon_deg, raid.path_alt_m,
                                      self.frame.origin_ecef_m, self._ground_elevation_m,
                                      self.threat_height_m)
        self.threat_position_m[rows] = offsets @ self._ecef_to_enu_t

    @property
    def finished(self) -> bool:
        """True when no threat is pending or flying and no round or engagement is open."""
        return (self._unresolved == 0 and self.fleet.flying.size == 0
                and (self.beams.size == 0 or self.beams.active.size == 0)
                and not self.battle_manager.busy
                and not any(stack.battle_manager.busy for stack in self.autonomous.values()))

    def run(self) -> Simulation:
        """Step until the duration is reached or the raid is over; returns self."""
        total_steps = int(np.ceil(self.scenario.sim.duration_s / self.dt_s - 1e-9))
        while self.steps < total_steps and not (self.steps > 0 and self.finished):
            self.step()
        return self

    def step(self) -> None:
        """Advance one base step ``dt_s`` through the whole pipeline."""
        start_s = self.time_s
        end_s = (self.steps + 1) * self.dt_s  # no accumulated round-off
        raid, log = self.raid, self.log

        # 0. Faults.
        if self.faults.faults:
            self._apply_faults(end_s)

        # 1. Threats move; launches.
        if end_s < self._next_launch_s:  # no threat left to launch by end_s
            launched = _NO_THREATS
        else:
            launched = ((self.status == PENDING) & (raid.launch_time_s <= end_s)).nonzero()[0]
        if launched.size:
            self.status[launched] = FLYING
            self._next_launch_s = self._pending_launch_s()
            # A threat launched within the step starts the step where its path starts.
            self._update_threats(start_s, launched)
            self._next_arrival_s = min(self._next_arrival_s,
                                       self._earliest_arrival_s(launched))
        alive = self.status == FLYING  # read by the flyout before any status changes
        flying = alive.nonzero()[0]
        moved = flying
        # The threats at the step's start: copied whole when the radars read it every step
        # (their step motion), else the rows that move (made whole when read: the flyout,
        # the fire-control directors).
        if self.radars.needs_motion:
            start_position = self.threat_position_m.copy()
            start_height = self.threat_height_m.copy()
            previous_position = None
        else:
            start_position = start_height = None
            previous_position = self.threat_position_m[flying]
        self._update_threats(end_s, flying)
        if launched.size:
            log.add(EventKind.THREAT_LAUNCH, raid.launch_time_s[launched], threat_id=launched,
                    asset_index=raid.target_asset[launched], value=raid.unit_cost_usd[launched],
                    position_m=self.threat_position_m[launched])

        # 2. Interceptors fly on the picture of the previous step and resolve endgames.
        if self.fleet.flying.size:
            if start_position is None:
                start_position = self._start_position(moved, previous_position)
            (track_id, track_position, track_velocity, track_covariance,
             track_acceleration) = self._guidance_picture()
            outcome = self.fleet.step(start_s, self.dt_s, start_position, self.threat_position_m,
                                      alive, raid.rcs_m2, track_id,
                                      track_position, track_velocity, track_covariance,
                                      track_acceleration)
            self._log_locks(outcome)
            if outcome.interceptor_id.size:
                self._log_outcome(outcome)
                # Managers learn which rounds resolved and when, not whether they killed.
                for manager in self._managers():
                    manager.record_outcomes(outcome.interceptor_id, outcome.time_s)
            if self.recorder is not None:  # rounds still flying at end_s (exports only)
                rounds = self.fleet.flying
                self.recorder.record_interceptor_states(end_s, rounds,
                                                        self.fleet.kinematics(rounds))

        if self.beams.size and self.beams.active.size:
            self._beam_step(start_s)

        # 3. Arrivals: leakers and completed routes.
        if end_s >= self._next_arrival_s:  # else no threat can have arrived
            arrived = flying[(self.status[flying] == FLYING)
                             & (raid.launch_time_s[flying] + raid.flight_time_s[flying]
                                <= end_s)]
            if arrived.size:
                self.status[arrived] = ARRIVED
                self._unresolved -= arrived.size
                self._log_arrivals(arrived)
            self._next_arrival_s = self._earliest_arrival_s(
                flying[self.status[flying] == FLYING])

        # 4. Radars scan; reports enter the network. Fire-control directors look over
        #    the step at the threats still flying.
        alive = self.status == FLYING
        flying = alive.nonzero()[0]
        if self.fire_control.active:
            if start_position is None:
                start_position = self._start_position(moved, previous_position)
            self.fire_control.measure(start_s, end_s, start_position, self.threat_position_m,
                                      alive)
        motion = None
        if self.radars.needs_motion:
            motion = self._step_motion(start_s, start_position, start_height)
        scans = self.radars.scan(end_s, self.threat_position_m, self.threat_height_m,
                                 raid.rcs_m2, flying, log, motion)
        sent = scans
        if self.references is not None:
            # The references' plots join their radars' scans to the fusion centre.
            sent = merge_scans(scans, self.references.sight(self.radars))
        self.links.send_all(sent)

        # 5. Tracker fuses what has arrived; drops stale and killed tracks.
        delivered = self.links.deliver(end_s)
        reports = None
        if self.references is not None and self.tracker.registration is not None:
            reports = self.references.reports(end_s)
            self.tracker.registration.receive(reports)
        self.tracker.process_scans(delivered)
        self.tracker.drop(end_s, self.battle_manager.take_killed_tracks())
        recorded = None
        if self.recorder is not None and delivered:
            recorded = self.tracker.picture(end_s)
            if previous_position is None:  # every threat's start of step, as moved
                self._record(recorded, delivered, flying, self._all_threats, start_position,
                             start_s)
            else:
                self._record(recorded, delivered, flying, moved, previous_position, start_s)

        # 6. Battle manager, on a picture made only when someone will read it: the whole
        #    picture for a cycle or a launch, the guided rounds' tracks for the flyout.
        if self.battle_manager.wants_picture(end_s):
            self._picture = recorded if recorded is not None else self.tracker.picture(end_s)
            self.battle_manager.step(end_s, self._picture)
        else:
            self.battle_manager.step(end_s, None)
            if self.fleet.flying.size:
                self._picture = self.tracker.picture(
                    end_s, self.fleet.track_id[self.fleet.flying])

        for battery, stack in list(self.autonomous.items()):
            stack.step(end_s, sent if stack.sees_references else scans, reports)
            if stack.done:
                del self.autonomous[battery]

        # 7. Reloads.
        self.batteries.update_reloads(end_s, log)
        self.time_s = end_s
        self.steps += 1

    def _start_position(self, moved: np.ndarray, previous_position: np.ndarray) -> np.ndarray:
        """Every threat's position at the step's start (n_threats, 3): the threats
        ``moved`` in the step were at ``previous_position``, the others where they are."""
        start_position = self.threat_position_m.copy()
        start_position[moved] = previous_position
        return start_position

    def _step_motion(self, start_s: float, start_position: np.ndarray,
                     start_height: np.ndarray) -> StepMotion:
        """The threats' start-of-step positions and heights (every threat's, (n, 3) and
        (n,)) and their mean velocities over the step (for radar looks inside the step,
        RCS by aspect and range rate)."""
        velocity = np.subtract(self.threat_position_m, start_position)
        velocity /= self.dt_s  # in place: the same division
        return StepMotion(start_s, start_position, start_height, velocity)

    def _beam_step(self, start_s: float) -> None:
        """Run the laser and jammer dwells over the step on the picture of the previous
        step (the same the rounds fly on), log what ended, change the truth of what was
        killed or defeated, and tell the managers which dwells ended."""
        track_id, track_position, track_velocity, _, _ = self._guidance_picture()
        outcome = self.beams.step(start_s, self.dt_s, self.threat_position_m,
                                  self.threat_height_m, self.status == FLYING,
                                  self.raid.kind_index, track_id, track_position,
                                  track_velocity, self._picture.time_s)
        self._log_beam_outcome(outcome)
        if outcome.shot_id.size:
            for manager in self._managers():
                manager.record_outcomes(outcome.shot_id, outcome.time_s)

    def _log_beam_outcome(self, outcome: BeamOutcome) -> None:
        log = self.log
        defeated = outcome.defeated_threat
        if defeated.size:
            log.add(EventKind.DEFEAT, outcome.defeated_time_s, threat_id=defeated,
                    interceptor_id=outcome.defeated_by_shot,
                    battery_index=outcome.defeated_battery,
                    value=(~outcome.defeated_falls).astype(float),
                    position_m=outcome.defeated_position_m)
            fallen = defeated[outcome.defeated_falls]
            self.status[fallen] = KILLED
            self._unresolved -= fallen.size
            table = self.interceptor_types.beam
            for threat, battery, falls, time_s in zip(
                    defeated.tolist(), outcome.defeated_battery.tolist(),
                    outcome.defeated_falls.tolist(), outcome.defeated_time_s.tolist(),
                    strict=True):
                if falls:
                    continue
                kind = int(self.batteries.interceptor_type[battery])
                position = self.threat_position_m[threat].copy()
                heading = flyoff_heading_rad(self.batteries.position_m[battery], position,
                                             self.beams.rng)
                fly_off(self.raid, self.frame, threat, time_s, position, heading,
                        float(table.flyoff_distance_m[kind]))
                # Its path now ends elsewhere, perhaps sooner.
                self._next_arrival_s = min(self._next_arrival_s,
                                           self._earliest_arrival_s(np.array([threat])))
        if outcome.shot_id.size == 0:
            return
        common = {"interceptor_id": outcome.shot_id, "battery_index": outcome.battery,
                  "track_id": outcome.track_id, "threat_id": outcome.threat_id,
                  "position_m": outcome.position_m}
        log.add(EventKind.DWELL_END, outcome.time_s, value=outcome.lased_s, **common)
        locked = outcome.threat_id >= 0
        for kind, rows in ((EventKind.INTERCEPT, locked),
                           (EventKind.KILL, locked & outcome.killed),
                           (EventKind.MISS, locked & ~outcome.killed
                            & self.interceptor_types.beam.is_laser[
                                self.batteries.interceptor_type[outcome.battery]])):
            log.add(kind, outcome.time_s[rows], value=outcome.cue_offset_m[rows],
                    **{name: column[rows] for name, column in common.items()})
        victims = outcome.threat_id[outcome.killed]
        self.status[victims] = KILLED
        self._unresolved -= victims.size

    def _log_locks(self, outcome: Outcome) -> None:
        log, locks = self.log, outcome.locks
        if locks.interceptor_id.size == 0:
            return
        ids = locks.interceptor_id
        common = {"interceptor_id": ids, "battery_index": self.fleet.battery[ids],
                  "track_id": self.fleet.track_id[ids], "threat_id": locks.threat_id}
        log.add(EventKind.SEEKER_LOCK, locks.time_s, value=locks.range_m, **common)
        diverted = locks.diverted
        log.add(EventKind.DIVERTED, locks.time_s[diverted],
                value=locks.intended_threat_id[diverted].astype(float),
                **{name: column[diverted] for name, column in common.items()})

    def _managers(self) -> list[BattleManager]:
        return [self.battle_manager,
                *(stack.battle_manager for stack in self.autonomous.values())]

    def _guidance_picture(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                         np.ndarray]:
        """Track ids, positions, velocities, position covariances and known accelerations
        rounds are guided on: the central picture, plus the local pictures of autonomous
        batteries."""
        if not self.autonomous:
            picture = self._picture
            acceleration = picture.acceleration_mps2
            return (picture.track_id, picture.position_m, picture.velocity_mps,
                    picture.position_cov_m2,
                    np.zeros((picture.size, 3)) if acceleration is None else acceleration)
        pictures = [self._picture, *(stack.picture for stack in self.autonomous.values())]
        accelerations = [np.zeros((p.size, 3)) if p.acceleration_mps2 is None
                         else p.acceleration_mps2 for p in pictures]
        if len(pictures) == 1:
            picture = self._picture
            return (picture.track_id, picture.position_m, picture.velocity_mps,
                    picture.position_cov_m2, accelerations[0])
        return (np.concatenate([p.track_id for p in pictures]),
                np.concatenate([p.position_m for p in pictures]),
                np.concatenate([p.velocity_mps for p in pictures]),
                np.concatenate([p.position_cov_m2 for p in pictures]),
                np.concatenate(accelerations))

    def _apply_faults(self, time_s: float) -> None:
        """Apply and log the faults that start or end at ``time_s``. A radar_down fault
        is applied by the radar network itself (an outage)."""
        for change in self.faults.update(time_s):
            fault = change.fault
            radar = self._radar_index.get(fault.target, -1)
            battery = self._battery_index.get(fault.target, -1) if radar < 0 else -1
            self.log.add(EventKind.FAULT_START if change.started else EventKind.FAULT_END,
                         time_s, sensor_index=radar, battery_index=battery,
                         value=float(change.index))
            if fault.kind != "link_cut":
                continue
            if radar >= 0:
                self.links.cut[radar] = self._cut_count("link_cut", fault.target) > 0
            else:
                self._set_battery_link(battery, self._cut_count("link_cut", fault.target) == 0)

    def _cut_count(self, kind: str, target: str) -> int:
        """Active faults of one kind on one target (overlapping faults may stack)."""
        return sum(1 for index, fault in enumerate(self.faults.faults)
                   if self.faults.active[index] and fault.kind == kind
                   and fault.target == target)

    def _set_battery_link(self, battery: int, linked: bool) -> None:
        """Command a battery centrally (link up) or let it defend itself (link cut): its
        orders then no longer travel over the link."""
        self.commanded[battery] = linked
        batteries = self.batteries
        batteries.reaction_time_s[battery] = (batteries.own_reaction_time_s[battery]
                                              + linked * batteries.link_latency_s[battery])
        stack = self.autonomous.get(battery)
        if linked:
            if stack is not None:
                stack.reconnect()
            return
        if stack is not None:  # cut again before it finished, or a second fault
            stack.battle_manager.commanded[battery] = True
            return
        name = self.batteries.names[battery]
        # What it registers its radars with (registration.autonomous_batteries).
        mode = ("none" if self.references is None
                else self.scenario.registration.autonomous_batteries)
        registration = (None if mode == "none" else
                        self.tracker.registration.for_battery(mode == "broadcast"))
        self.autonomous[battery] = AutonomousBattery(
            battery, self.scenario.doctrine, self.scenario.tracking, self.sites,
            self.batteries, self.interceptor_types, self.assets, self.fleet, self.frame,
            self.scenario.origin.ground_elevation_m, self.log,
            stream(self.seed, f"kill_assessment:{name}"), self.radar_look_s, self.beams,
            registration, hears_reports=mode == "broadcast")
        self.autonomous[battery].tracker.plausibility = self.tracker.plausibility
        self.autonomous[battery].battle_manager.fire_control = self.fire_control
        self.autonomous[battery].battle_manager.fire_control_radars = self.fire_control_radars

    def _record(self, picture: TrackPicture, delivered: list[DetectionBatch],
                live: np.ndarray, moved: np.ndarray, previous_position: np.ndarray,
                start_s: float) -> None:
        """Record the updated tracks and the truth of the ``live`` threats (analysis only):
        their velocity is the mean over the step (or since launch), from the positions of
        the threats ``moved`` at the start of the step (``previous_position``)."""
        self.recorder.record_step(picture, delivered, live, self.threat_position_m, moved,
                                  previous_position, self.raid.launch_time_s, start_s)

    def _log_outcome(self, outcome: Outcome) -> None:
        log = self.log
        # Closest approaches, and ground impacts of rounds guided at a threat.
        resolved = ~outcome.self_destructed & ~(outcome.ground_impact
                                                & (outcome.threat_id < 0))
        common = {"interceptor_id": outcome.interceptor_id, "battery_index": outcome.battery,
                  "threat_id": outcome.threat_id, "value": outcome.miss_distance_m,
                  "position_m": outcome.position_m}
        selected = {k: v[resolved] for k, v in common.items()}
        log.add(EventKind.INTERCEPT, outcome.time_s[resolved], **selected)
        killed = outcome.killed
        log.add(EventKind.KILL, outcome.time_s[killed], **{k: v[killed] for k, v in common.items()})
        missed = resolved & ~killed
        log.add(EventKind.MISS, outcome.time_s[missed], **{k: v[missed] for k, v in common.items()})
        gave_up = outcome.self_destructed
        flight_time = outcome.time_s[gave_up] - self.fleet.launch_time_s[outcome.interceptor_id[
            gave_up]]
        log.add(EventKind.SELF_DESTRUCT, outcome.time_s[gave_up],
                interceptor_id=outcome.interceptor_id[gave_up],
                battery_index=outcome.battery[gave_up], value=flight_time,
                position_m=outcome.position_m[gave_up])
        grounded = outcome.ground_impact
        if grounded.any():
            ids = outcome.interceptor_id[grounded]
            log.add(EventKind.GROUND_IMPACT, outcome.time_s[grounded], interceptor_id=ids,
                    battery_index=outcome.battery[grounded],
                    value=outcome.time_s[grounded] - self.fleet.launch_time_s[ids],
                    position_m=outcome.position_m[grounded])
        victims = outcome.threat_id[killed]
        if outcome.neighbour_threat_id.size:
            # A gun burst's shells killed a threat next to its target.
            hit = outcome.neighbour_interceptor_id
            log.add(EventKind.KILL, outcome.neighbour_time_s, interceptor_id=hit,
                    battery_index=self.fleet.battery[hit],
                    threat_id=outcome.neighbour_threat_id, value=outcome.neighbour_miss_m,
                    position_m=self.fleet.position_m[hit])
            victims = np.concatenate([victims, outcome.neighbour_threat_id])
        self.status[victims] = KILLED
        self._unresolved -= victims.size

    def _log_arrivals(self, arrived: np.ndarray) -> None:
        raid = self.raid
        crashed = raid.ground_impact[arrived]
        if crashed.any():
            # The threat's path ended in the ground (it could not climb over a rise, or
            # its route went into a hill: sim.threat_ground): it is lost there.
            lost = arrived[crashed]
            self.log.add(EventKind.GROUND_IMPACT, raid.launch_time_s[lost]
                         + raid.flight_time_s[lost], threat_id=lost,
                         asset_index=raid.target_asset[lost], value=raid.flight_time_s[lost],
                         position_m=self.threat_position_m[lost])
            arrived = arrived[~crashed]
        arrival_time = raid.launch_time_s[arrived] + raid.flight_time_s[arrived]
        target = raid.target_asset[arrived]
        aimed = target >= 0
        if aimed.any():
            asset_position = self.assets.position_m[target[aimed]]
            distance = np.linalg.norm(self.threat_position_m[arrived[aimed]][:, :2]
                                      - asset_position[:, :2], axis=1)
            reach = self.assets.radius_m[target[aimed]] + self._weapon_range_m[arrived[aimed]]
            leaked = distance <= reach
            ids, times = arrived[aimed], arrival_time[aimed]
            for kind, rows in ((EventKind.LEAK, leaked), (EventKind.ROUTE_COMPLETE, ~leaked)):
                self.log.add(kind, times[rows], threat_id=ids[rows],
                             asset_index=target[aimed][rows], value=distance[rows],
                             position_m=self.threat_position_m[ids[rows]])
        self.log.add(EventKind.ROUTE_COMPLETE, arrival_time[~aimed], threat_id=arrived[~aimed],
                     position_m=self.threat_position_m[arrived[~aimed]])
