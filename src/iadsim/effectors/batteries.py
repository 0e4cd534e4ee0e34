"""Fire units: their fixed parameters and their magazines, launchers and reloads.

Each launcher holds ``missiles_per_launcher`` ready rounds. When a launcher is empty and
the battery has reserve rounds, it is reloaded ``reload_s`` later (one launcher at a
time per battery is not enforced; all empty launchers reload in parallel). A reload takes
its rounds out of the reserve when it starts, so no reload is begun that the reserve
cannot fill.
Rounds are reserved when the battle manager assigns an engagement, and leave the
launcher when they are launched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.effectors.beam_weapons import BeamTable, beam_table
from iadsim.effectors.flight import flight_parameters
from iadsim.effectors.lethality import LETHALITY_MODELS
from iadsim.events import EventKind, EventLog
from iadsim.scenario.schema import THREAT_KINDS, Scenario
from iadsim.world.geodesy import LocalFrame


@dataclass(frozen=True, slots=True)
class InterceptorTable:
    """Interceptor types as arrays (row = type), SI units."""

    names: list[str]
    is_gun: np.ndarray
    min_range_m: np.ndarray
    max_range_m: np.ndarray
    min_altitude_m: np.ndarray
    max_altitude_m: np.ndarray
    speed_mps: np.ndarray
    max_target_speed_mps: np.ndarray
    lethal_radius_m: np.ndarray
    single_shot_pk: np.ndarray
    seeker_range_m: np.ndarray
    aim_error_m: np.ndarray
    max_flight_time_s: np.ndarray
    cost_per_round_usd: np.ndarray
    flight: np.ndarray  # (n_types, flight.FLIGHT_COLUMNS): see effectors/flight.py
    lethality_model: np.ndarray  # int: lethality.COOKIE_CUTTER or CARLETON
    shells_per_burst: np.ndarray  # int; 1 for missiles
    dispersion_rad: np.ndarray  # gun: 1-sigma shell dispersion per axis
    burst_duration_s: np.ndarray  # gun: shells_per_burst / rate of fire; 0 for missiles
    #: Laser and jammer parameters (effectors/beam_weapons.py); None: no beam type.
    beam: BeamTable | None = None
    #: (n_types, len(THREAT_KINDS)) single-shot Pk against each threat kind; None: every
    #: kind gets ``single_shot_pk``.
    single_shot_pk_by_kind: np.ndarray | None = None

    @property
    def is_beam(self) -> np.ndarray:
        """(n_types,) bool: a laser or a jammer (a dwell, not a flying round)."""
        return (self.beam.is_beam if self.beam is not None
                else np.zeros(len(self.names), dtype=bool))


def interceptor_table(scenario: Scenario) -> InterceptorTable:
    """Convert the scenario's interceptor types to SI arrays."""
    types = scenario.interceptors

    def column(getter) -> np.ndarray:
        return np.array([getter(t) for t in types], dtype=float)

    # Default: enough time to fly 1.3 x the maximum range at the average speed; a beam
    # weapon's "flight" is its longest dwell.
    max_flight_time_s = column(lambda t: t.max_dwell_s if t.kind in ("laser", "jammer")
                               else t.max_flight_time_s
                               or 1.3 * t.max_range_km * 1e3 / t.speed_mps)
    gun = np.array([t.kind == "gun" for t in types], dtype=bool)
    return InterceptorTable(
        names=[t.name for t in types],
        is_gun=gun,
        min_range_m=column(lambda t: t.min_range_km * 1e3),
        max_range_m=column(lambda t: t.max_range_km * 1e3),
        min_altitude_m=column(lambda t: t.min_altitude_m),
        max_altitude_m=column(lambda t: t.max_altitude_m),
        speed_mps=column(lambda t: t.speed_mps),
        max_target_speed_mps=column(lambda t: t.max_target_speed_mps),
        lethal_radius_m=column(lambda t: t.lethal_radius_m),
        single_shot_pk=column(lambda t: t.single_shot_pk),
        seeker_range_m=column(lambda t: t.seeker_range_km * 1e3),
        aim_error_m=column(lambda t: t.aim_error_m),
        max_flight_time_s=max_flight_time_s,
        cost_per_round_usd=column(lambda t: t.cost_per_round_usd),
        flight=flight_parameters(types, max_flight_time_s),
        lethality_model=np.array([LETHALITY_MODELS.index(t.lethality_model) for t in types],
                                 dtype=int),
        shells_per_burst=np.where(gun, [t.shells_per_burst for t in types], 1).astype(int),
        dispersion_rad=np.where(gun, column(lambda t: t.dispersion_mrad * 1e-3), 0.0),
        burst_duration_s=np.where(
            gun, column(lambda t: t.shells_per_burst * 60.0 / t.rate_of_fire_rpm), 0.0),
        beam=beam_table(scenario),
        single_shot_pk_by_kind=_pk_by_kind(types),
    )


def _pk_by_kind(types: list) -> np.ndarray:
    """(n_types, len(THREAT_KINDS)): each type's single-shot Pk against each threat kind,
    its ``single_shot_pk`` where ``single_shot_pk_by_threat_kind`` leaves a kind unset."""
    table = np.empty((len(types), len(THREAT_KINDS)))
    for row, kind in enumerate(types):
        for column, threat_kind in enumerate(THREAT_KINDS):
            value = getattr(kind.single_shot_pk_by_threat_kind, threat_kind)
            table[row, column] = kind.single_shot_pk if value is None else value
    return table


class Batteries:
    """All fire units of a run: positions, radars, channels, magazines (row = battery)."""

    def __init__(self, scenario: Scenario, frame: LocalFrame, interceptors: InterceptorTable):
        ground = scenario.origin.ground_elevation_m
        radar_index = {radar.name: i for i, radar in enumerate(scenario.sensors)}
        type_index = {name: i for i, name in enumerate(interceptors.names)}
        units = scenario.batteries
        count = len(units)
        self.names = [b.name for b in units]
        self.position_m = (frame.to_enu([b.lat_deg for b in units], [b.lon_deg for b in units],
                                        [ground + b.height_m for b in units]).reshape(count, 3))
        self.interceptor_type = np.array([type_index[b.interceptor] for b in units], dtype=int)
        self.radar_mask = np.zeros((count, len(scenario.sensors)), dtype=bool)
        for row, battery in enumerate(units):
            self.radar_mask[row, [radar_index[name] for name in battery.radars]] = True
        # Radars whose track updates a battery may fire on: its own, or with launch on
        # remote (missiles only; a gun, laser or jammer needs its own fire-control radar)
        # any radar.
        remote = (scenario.doctrine.launch_on_remote
                  & ~(interceptors.is_gun | interceptors.is_beam)[self.interceptor_type])
        self.fire_control_mask = self.radar_mask | remote[:, None]
        self.fire_channels = np.array([b.fire_channels for b in units], dtype=int)
        self.channels_busy = np.zeros(count, dtype=int)
        # From an order to the first launch: the order's trip over the link, then the
        # battery's own reaction (the link part is dropped while it fights on its own).
        self.own_reaction_time_s = np.array([b.reaction_time_s for b in units], dtype=float)
        self.link_latency_s = np.array([b.link_latency_s for b in units], dtype=float)
        self.reaction_time_s = self.own_reaction_time_s + self.link_latency_s
        self.salvo_size = np.array([b.salvo_size or scenario.doctrine.salvo_size for b in units],
                                   dtype=int)
        self.reload_s = np.array([b.reload_s for b in units], dtype=float)
        self.capacity_per_launcher = np.array([b.missiles_per_launcher for b in units], dtype=int)
        launchers = max((b.launchers for b in units), default=0)
        # Rounds on each launcher; launchers a battery does not have are held at -1.
        self.launcher_rounds = np.full((count, launchers), -1, dtype=int)
        for row, battery in enumerate(units):
            self.launcher_rounds[row, : battery.launchers] = battery.missiles_per_launcher
        self.reload_done_s = np.full((count, launchers), np.inf)
        self.reload_rounds = np.zeros((count, launchers), dtype=int)  # in transit to launchers
        self.reserve = np.array([b.reserve_missiles for b in units], dtype=int)
        self.reserved = np.zeros(count, dtype=int)  # assigned but not yet launched
        self.initial_rounds = self.launcher_rounds.clip(0).sum(axis=1) + self.reserve
        self._watch_reloads = False  # set when a launcher empties with reserve left

    @property
    def size(self) -> int:
        return len(self.names)

    def available_rounds(self) -> np.ndarray:
        """Ready rounds on launchers not yet promised to an engagement, per battery."""
        return self.launcher_rounds.clip(0).sum(axis=1) - self.reserved

    def rounds_left(self) -> np.ndarray:
        """Rounds each battery still holds: on launchers (promised or not), on their way to
        a launcher by reload, and in reserve. Shape ``(n_batteries,)``, int."""
        return (self.launcher_rounds.clip(0).sum(axis=1) + self.reload_rounds.sum(axis=1)
                + self.reserve)

    def load_rounds(self, rounds: np.ndarray) -> None:
        """Start the run with ``rounds[b]`` rounds in battery ``b`` instead of its full load
        (a campaign day's carried stock): its launchers are filled in order up to
        ``missiles_per_launcher`` each, the rest goes to the reserve. Call before the first
        step. ``initial_rounds`` (the full load, which the magazine reserve doctrine counts
        from) is not changed.
        """
        rounds = np.asarray(rounds, dtype=int)
        if rounds.shape != (self.size,) or (rounds < 0).any():
            raise ValueError(f"rounds must be {self.size} counts >= 0, got {rounds.tolist()}")
        for battery in range(self.size):
            launchers = int((self.launcher_rounds[battery] >= 0).sum())
            capacity = int(self.capacity_per_launcher[battery])
            loaded = min(int(rounds[battery]), launchers * capacity)
            full, part = divmod(loaded, capacity)
            row = np.zeros(launchers, dtype=int)
            row[:full] = capacity
            if full < launchers:
                row[full] = part
            self.launcher_rounds[battery, :launchers] = row
            self.reserve[battery] = int(rounds[battery]) - loaded
        self.reload_rounds[:] = 0
        self.reload_done_s[:] = np.inf
        # A launcher left empty with reserve rounds cannot occur (launchers fill first).
        self._watch_reloads = False

    def launch_round(self, battery: int) -> None:
        """Take one reserved round off the fullest launcher of a battery."""
        launcher = int(np.argmax(self.launcher_rounds[battery]))
        self.launcher_rounds[battery, launcher] -= 1
        self.reserved[battery] -= 1
        if self.launcher_rounds[battery, launcher] == 0 and self.reserve[battery] > 0:
            self._watch_reloads = True

    def release_rounds(self, battery: int, count: int) -> None:
        """Give back rounds reserved for an engagement that will not fire them."""
        self.reserved[battery] -= count

    def update_reloads(self, time_s: float, log: EventLog) -> None:
        """Finish due reloads and start reloads of empty launchers with reserve rounds."""
        if not self._watch_reloads:
            return
        done = self.reload_done_s <= time_s + 1e-9
        for battery, launcher in zip(*np.nonzero(done), strict=True):
            loaded = int(self.reload_rounds[battery, launcher])
            self.launcher_rounds[battery, launcher] = loaded
            self.reload_rounds[battery, launcher] = 0
            self.reload_done_s[battery, launcher] = np.inf
            log.add(EventKind.RELOAD, time_s, battery_index=battery, value=loaded)
        empty = (self.launcher_rounds == 0) & np.isinf(self.reload_done_s)
        for battery, launcher in zip(*np.nonzero(empty), strict=True):
            # The rounds leave the reserve now, so a later empty launcher sees what is left.
            rounds = int(min(self.capacity_per_launcher[battery], self.reserve[battery]))
            if rounds > 0:
                self.reserve[battery] -= rounds
                self.reload_rounds[battery, launcher] = rounds
                self.reload_done_s[battery, launcher] = time_s + self.reload_s[battery]
        # Keep watching while a reload runs or an empty launcher could still be refilled.
        self._watch_reloads = bool(np.isfinite(self.reload_done_s).any())
