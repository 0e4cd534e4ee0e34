"""The step loop: one object holds all the state of one run (no module globals).

One step from ``t`` to ``t + dt`` runs the pipeline in order:

1. threats move to ``t + dt`` (launches are logged);
2. interceptors fly over the step and resolve their endgames against the true threats;
3. threats that reached the end of their path alive leak (or complete their route);
4. radars due to scan look at ``t + dt``; their reports enter the network;
5. reports that have arrived are fused by the tracker; stale and killed tracks drop;
6. the battle manager assesses, assigns and launches on the track picture;
7. launchers due a reload are refilled.

The run ends at ``sim.duration_s`` or, earlier, once every threat has been resolved and
no round or engagement is open.
"""

from __future__ import annotations

import numpy as np

from iadsim.c2.battle_manager import BattleManager, DefendedAssets
from iadsim.effectors.batteries import Batteries, interceptor_table
from iadsim.effectors.flyout import InterceptorFleet, Outcome
from iadsim.engine.events import EventKind, EventLog
from iadsim.engine.random_streams import stream
from iadsim.engine.track_recording import TrackRecorder
from iadsim.network.links import ReportLinks
from iadsim.scenario.schema import Scenario
from iadsim.sensors.radar import DetectionBatch, RadarNetwork, radar_sites
from iadsim.threats.raid import ARRIVED, FLYING, KILLED, PENDING, build_raid
from iadsim.tracking.tracker import CentralTracker, TrackPicture
from iadsim.world.geodesy import LocalFrame

#: ``sim.record_tracks`` left unset records tracks and truth up to this many threats: at
#: 1,000 (benchmarks/engine_scale.py) recording and scoring would take longer than the run.
RECORD_TRACKS_MAX_THREATS = 500


class Simulation:
    """All state of one run of one scenario with one seed."""

    def __init__(self, scenario: Scenario, seed: int | None = None):
        self.scenario = scenario
        self.seed = scenario.sim.seed if seed is None else int(seed)
        ground = scenario.origin.ground_elevation_m
        self.frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg, 0.0)
        self.dt_s = scenario.sim.dt_s
        self.time_s = 0.0
        self.steps = 0

        assets = scenario.defended_assets
        self.log = EventLog([s.name for s in scenario.sensors],
                            [b.name for b in scenario.batteries], [a.name for a in assets])
        self.raid = build_raid(scenario, self.frame)
        self.status = np.full(self.raid.size, PENDING, dtype=np.int8)
        self._unresolved = self.raid.size  # threats pending or flying
        self.threat_position_m = np.zeros((self.raid.size, 3))
        self.threat_height_m = np.zeros(self.raid.size)

        sites = radar_sites(scenario, self.frame)
        self.radars = RadarNetwork(sites, self.seed, ground, scenario.sim.record_detections)
        self.links = ReportLinks([site.latency_s for site in sites])
        self.tracker = CentralTracker(scenario.tracking, sites, self.log)
        self._picture = self.tracker.picture(0.0)
        record = scenario.sim.record_tracks
        if record is None:
            record = self.raid.size <= RECORD_TRACKS_MAX_THREATS
        self.recorder = TrackRecorder() if record else None

        self.interceptor_types = interceptor_table(scenario)
        self.batteries = Batteries(scenario, self.frame, self.interceptor_types)
        self.fleet = InterceptorFleet(self.interceptor_types, stream(self.seed, "effectors"))
        asset_table = DefendedAssets(
            position_m=self.frame.to_enu([a.lat_deg for a in assets], [a.lon_deg for a in assets],
                                         [ground + a.height_m for a in assets]).reshape(-1, 3),
            radius_m=np.array([a.radius_m for a in assets], dtype=float),
            value=np.array([a.value for a in assets], dtype=float))
        self.assets = asset_table
        self.battle_manager = BattleManager(scenario.doctrine, self.batteries,
                                            self.interceptor_types, asset_table, self.fleet,
                                            self.frame, ground, self.log)

    def _update_threats(self, time_s: float, rows: np.ndarray) -> None:
        """Move the given threats to ``time_s`` (others keep their last state)."""
        if rows.size == 0:
            return
        lat, lon, alt = self.raid.geodetic_at(time_s, rows)
        self.threat_position_m[rows] = self.frame.to_enu(lat, lon, alt).reshape(-1, 3)
        self.threat_height_m[rows] = alt - self.scenario.origin.ground_elevation_m

    @property
    def finished(self) -> bool:
        """True when no threat is pending or flying and no round or engagement is open."""
        return (self._unresolved == 0 and self.fleet.flying.size == 0
                and not self.battle_manager.busy)

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

        # 1. Threats move; launches.
        launched = ((self.status == PENDING) & (raid.launch_time_s <= end_s)).nonzero()[0]
        if launched.size:
            self.status[launched] = FLYING
            # A threat launched within the step starts the step where its path starts.
            self._update_threats(start_s, launched)
        flying = (self.status == FLYING).nonzero()[0]
        previous_position = self.threat_position_m[flying]
        moved = flying
        self._update_threats(end_s, flying)
        if launched.size:
            log.add(EventKind.THREAT_LAUNCH, raid.launch_time_s[launched], threat_id=launched,
                    asset_index=raid.target_asset[launched], value=raid.unit_cost_usd[launched],
                    position_m=self.threat_position_m[launched])

        # 2. Interceptors fly on the picture of the previous step and resolve endgames.
        if self.fleet.flying.size:
            start_position = self.threat_position_m.copy()
            start_position[flying] = previous_position
            outcome = self.fleet.step(start_s, self.dt_s, start_position, self.threat_position_m,
                                      self.status == FLYING, self._picture.track_id,
                                      self._picture.position_m, self._picture.velocity_mps)
            if outcome.interceptor_id.size:
                self._log_outcome(outcome)
                self.battle_manager.record_outcomes(outcome)

        # 3. Arrivals: leakers and completed routes.
        arrived = flying[(self.status[flying] == FLYING)
                         & (raid.launch_time_s[flying] + raid.flight_time_s[flying] <= end_s)]
        if arrived.size:
            self.status[arrived] = ARRIVED
            self._unresolved -= arrived.size
            self._log_arrivals(arrived)

        # 4. Radars scan; reports enter the network.
        flying = (self.status == FLYING).nonzero()[0]
        for batch in self.radars.scan(end_s, self.threat_position_m, self.threat_height_m,
                                      raid.rcs_m2, flying, log):
            self.links.send(batch)

        # 5. Tracker fuses what has arrived; drops stale and killed tracks.
        delivered = self.links.deliver(end_s)
        self.tracker.process_scans(delivered)
        self.tracker.drop(end_s, self.battle_manager.take_killed_tracks())
        recorded = None
        if self.recorder is not None and delivered:
            recorded = self.tracker.picture(end_s)
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

        # 7. Reloads.
        self.batteries.update_reloads(end_s, log)
        self.time_s = end_s
        self.steps += 1

    def _record(self, picture: TrackPicture, delivered: list[DetectionBatch],
                live: np.ndarray, moved: np.ndarray, previous_position: np.ndarray,
                start_s: float) -> None:
        """Record the updated tracks and the truth of the ``live`` threats (analysis only):
        their velocity is the mean over the step (or since launch), from the positions of
        the threats ``moved`` at the start of the step (``previous_position``)."""
        end_s = picture.time_s
        position = self.threat_position_m[live]
        start = previous_position[np.searchsorted(moved, live)]
        elapsed = end_s - np.maximum(start_s, self.raid.launch_time_s[live])
        velocity = np.divide(position - start, elapsed[:, None],
                             out=np.zeros_like(position), where=elapsed[:, None] > 0)
        self.recorder.record(picture, delivered, live, position, velocity)

    def _log_outcome(self, outcome: Outcome) -> None:
        log = self.log
        resolved = ~outcome.self_destructed
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
        victims = outcome.threat_id[killed]
        self.status[victims] = KILLED
        self._unresolved -= victims.size

    def _log_arrivals(self, arrived: np.ndarray) -> None:
        raid = self.raid
        arrival_time = raid.launch_time_s[arrived] + raid.flight_time_s[arrived]
        target = raid.target_asset[arrived]
        aimed = target >= 0
        if aimed.any():
            asset_position = self.assets.position_m[target[aimed]]
            distance = np.linalg.norm(self.threat_position_m[arrived[aimed]][:, :2]
                                      - asset_position[:, :2], axis=1)
            self.log.add(EventKind.LEAK, arrival_time[aimed], threat_id=arrived[aimed],
                         asset_index=target[aimed], value=distance,
                         position_m=self.threat_position_m[arrived[aimed]])
        self.log.add(EventKind.ROUTE_COMPLETE, arrival_time[~aimed], threat_id=arrived[~aimed],
                     position_m=self.threat_position_m[arrived[~aimed]])
