"""Autonomous defense: a battery cut off from the battle manager fights on its own.

When its link to the battle manager is cut, a battery runs its own tracker on its own
radars' reports (received directly, without the network) and its own battle manager,
which commands only that battery, with the run's doctrine: its sector is what its own
radars see and its own interceptors reach. Its tracks are numbered from
``first_track_id`` so that they never collide with the central picture's. When the link
comes back the battery is commanded centrally again; its own manager only finishes the
engagements it had open, then the stack is discarded.

Registration (``registration.autonomous_batteries`` in the scenario, with
``tracking.bias_estimation``): the battery's tracker estimates its own radars' biases as
the fusion centre's does (:mod:`iadsim.tracking.bias`), and may register them with the
references of :mod:`iadsim.tracking.registration`. Its radars are radars of the network,
so it receives the very plots of the references they make for the fusion centre (one
draw, two receivers). ``surveyed_points``: it knows the surveyed points (loaded before
the mission), not the cooperative aircraft's navigation reports, which reach it over the
network it has lost: their plots are unknown targets to its tracker. ``broadcast``: it
also hears the reports on its own ADS-B-like receiver, which needs no network link (it
heard the same broadcasts all along, so it starts with the reports the fusion centre
kept). ``none``: its tracker sees no reference (pair registration between its own radars
only). It starts from the zero-mean prior, not from the fusion centre's last estimate.
"""

from __future__ import annotations

import numpy as np

from iadsim.c2.battle_manager import BattleManager, DefendedAssets
from iadsim.effectors.batteries import Batteries, InterceptorTable
from iadsim.effectors.beam_weapons import BeamWeapons
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.events import EventLog
from iadsim.scenario.schema import Doctrine, Tracking
from iadsim.sensors.radar import DetectionBatch, RadarSite
from iadsim.sensors.reference_targets import NavigationReports
from iadsim.tracking.registration import ReferenceRegistration
from iadsim.tracking.tracker import CentralTracker, TrackPicture
from iadsim.world.geodesy import LocalFrame

#: An autonomous battery's tracks are numbered from this plus one million per battery
#: index (event ids are int32: room for about a thousand batteries).
AUTONOMOUS_TRACK_ID_BASE = 1_000_000_000


class AutonomousBattery:
    """One cut-off battery's own tracker and battle manager."""

    def __init__(self, battery: int, doctrine: Doctrine, tracking: Tracking,
                 sites: list[RadarSite], batteries: Batteries, types: InterceptorTable,
                 assets: DefendedAssets, fleet: InterceptorFleet, frame: LocalFrame,
                 ground_elevation_m: float, log: EventLog, rng: np.random.Generator,
                 radar_look_s: np.ndarray, beams: BeamWeapons | None = None,
                 registration: ReferenceRegistration | None = None,
                 hears_reports: bool = False):
        """``registration``: what the battery knows of the references (None: its tracker
        sees none; see the module docstring); ``hears_reports``: whether the cooperative
        aircraft's navigation reports reach it (its own receiver)."""
        self.battery = battery
        self.radars = batteries.radar_mask[battery].copy()
        self.tracker = CentralTracker(
            tracking, sites, log, ground_elevation_m=ground_elevation_m,
            first_track_id=AUTONOMOUS_TRACK_ID_BASE + battery * 1_000_000)
        self.tracker.registration = registration
        self.hears_reports = hears_reports and registration is not None
        commanded = np.zeros(batteries.size, dtype=bool)
        commanded[battery] = True
        self.battle_manager = BattleManager(doctrine, batteries, types, assets, fleet, frame,
                                            ground_elevation_m, log, rng, radar_look_s,
                                            commanded, beams)
        self.picture = self.tracker.picture(0.0)

    @property
    def linked_again(self) -> bool:
        return not self.battle_manager.commanded.any()

    def reconnect(self) -> None:
        """The link is back: assign nothing more, finish what is open."""
        self.battle_manager.commanded[:] = False

    @property
    def done(self) -> bool:
        """Reconnected and nothing left open: the stack may be discarded."""
        return self.linked_again and not self.battle_manager.busy

    @property
    def sees_references(self) -> bool:
        """Whether its tracker is given its radars' plots of the references."""
        return self.tracker.registration is not None

    def step(self, time_s: float, batches: list[DetectionBatch],
             reports: NavigationReports | None = None) -> TrackPicture:
        """Fuse the own radars' new scans, drop stale and killed tracks, assess, assign and
        launch; returns the local picture (for guiding this battery's rounds).
        ``batches``: every radar's scans of the step (with the references' plots when
        :attr:`sees_references`); ``reports``: the cooperative aircraft's navigation
        reports broadcast in the step (kept only when it hears them)."""
        if self.hears_reports and reports is not None:
            self.tracker.registration.receive(reports)
        own = [batch for batch in batches if self.radars[batch.radar_index]]
        self.tracker.process_scans(own)
        self.tracker.drop(time_s, self.battle_manager.take_killed_tracks())
        self.picture = self.tracker.picture(time_s)
        self.battle_manager.step(time_s, self.picture)
        return self.picture
