"""DIS playback of a run: Entity State, Fire and Detonation PDUs on UDP or to a file.

Every moving object (threats, interceptors) gets an Entity State PDU at every multiple of
``1 / rate_hz`` seconds of scenario time while it flies (from launch to its end, both
included when they fall on the grid), in ECEF with its velocity and dead-reckoning
algorithm FPW, so a receiver extrapolates between updates. Every battery and radar site
gets one Entity State PDU at the start (they do not move). Each interceptor launch gives a
Fire PDU (firing: the battery; target: the threat the round engaged, from its intercept;
munition: the round), each intercept a Detonation PDU (result "entity proximate
detonation" for a kill, "detonation" for a miss) with the event id of its Fire PDU.

Entity numbers (site 1, application 1 by default): threat ``i`` is ``1 + i``; round ``j``
is ``1 + threats + j``; batteries, then radars, follow. Entity types are notional
(SISO-REF-010 kinds and domains; country 0, "other").

This module reads the truth (where threats and rounds really flew) on purpose: it plays
the run back for other simulators, and nothing that decides reads it.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path as FilePath

import numpy as np
import pandas as pd

from iadsim.interfaces.exports import dis_pdu
from iadsim.interfaces.exports import paths as moving
from iadsim.interfaces.exports.dis_pdu import EntityId, EntityType
from iadsim.interfaces.exports.run_folder import ExportError, RunFolder, write_atomically
from iadsim.world.geodesy import geodetic_to_ecef

#: Notional entity types by threat kind (kind, domain, ..., SISO-REF-010).
THREAT_TYPES = {
    "aircraft": EntityType(1, 2, 0, 2),  # platform, air, attack/strike
    "drone": EntityType(1, 2, 0, 50),  # platform, air, unmanned
    "target_drone": EntityType(1, 2, 0, 50),
    "cruise_missile": EntityType(2, 11, 0, 1),  # munition, tactical, guided
    "ballistic_missile": EntityType(2, 10, 0, 1),  # munition, strategic, guided
}
INTERCEPTOR_TYPES = {"missile": EntityType(2, 1, 0, 1),  # munition, anti-air, guided
                     "gun": EntityType(2, 1, 0, 2)}  # munition, anti-air, ballistic
BATTERY_TYPE = EntityType(1, 1, 0, 28)  # platform, land, air defense
RADAR_TYPE = EntityType(1, 1, 0, 0)  # platform, land, other
#: Order of PDUs at the same time: entity states, then fires, then detonations.
ORDER_STATE, ORDER_FIRE, ORDER_DETONATION = 0, 1, 2


@dataclass(frozen=True)
class TimedPdu:
    """One PDU and its scenario time (s)."""

    time_s: float
    order: int
    pdu: bytes


@dataclass(frozen=True)
class _Numbering:
    """DIS entity ids: threats from 1, then rounds, then batteries, then radars."""

    site: int
    application: int
    threats: int
    rounds: int
    batteries: dict[str, int]

    @property
    def first_site(self) -> int:
        return 1 + self.threats + self.rounds

    def threat(self, threat_id: int) -> EntityId:
        return EntityId(self.site, self.application, 1 + int(threat_id))

    def round(self, round_id: int) -> EntityId:
        return EntityId(self.site, self.application, 1 + self.threats + int(round_id))

    def battery(self, name: str) -> EntityId:
        return EntityId(self.site, self.application, self.first_site + self.batteries[name])


@dataclass(frozen=True)
class _Mover:
    """A moving object and how it appears on DIS."""

    path: moving.Path
    entity: EntityId
    force: int
    entity_type: EntityType
    label: str


def iter_dis(run: RunFolder, rate_hz: float = 5.0, exercise: int = 1, site: int = 1,
             application: int = 1, window_s: float = 60.0) -> Iterator[TimedPdu]:
    """Every PDU of the run's playback, in time order (see the module docstring).

    The PDUs are made ``window_s`` of scenario time at a time, so a long playback of a
    large raid never holds them all. The arguments are checked at once, before any PDU.

    Raises
    ------
    ExportError
        When the rate is not positive or there are more entities than DIS numbers.
    """
    if not rate_hz > 0 or not np.isfinite(rate_hz):
        raise ExportError(f"--rate-hz: expected a positive rate, got {rate_hz}")
    scenario = run.scenario
    threats = moving.threat_paths(run, min(1.0, 1.0 / rate_hz))
    rounds = moving.interceptor_paths(run)
    numbering = _Numbering(site, application, len(run.threats),
                           1 + max((path.identifier for path in rounds), default=-1),
                           {b.name: index for index, b in enumerate(scenario.batteries)})
    if numbering.first_site + len(scenario.batteries) + len(scenario.sensors) > 65_535:
        raise ExportError(f"{run.folder}: too many entities for DIS entity numbers (65,535)")
    launches = run.events[run.events["kind"] == "interceptor_launch"].drop_duplicates(
        "interceptor_id").set_index("interceptor_id")
    interceptor_kind = {t.name: t.kind for t in scenario.interceptors}
    battery_kind = {b.name: interceptor_kind.get(b.interceptor, "missile")
                    for b in scenario.batteries}
    round_type = {int(i): INTERCEPTOR_TYPES[battery_kind.get(str(b), "missile")]
                  for i, b in launches["battery"].items()}
    kinds = run.threats.set_index("threat_id")["kind"].astype(str)
    movers = [_Mover(path, numbering.threat(path.identifier), dis_pdu.FORCE_OPPOSING,
                     THREAT_TYPES.get(kinds.get(path.identifier, ""), EntityType(1, 2)),
                     f"T{path.identifier}") for path in threats]
    movers += [_Mover(path, numbering.round(path.identifier), dis_pdu.FORCE_FRIENDLY,
                      round_type[path.identifier], f"I{path.identifier}") for path in rounds]
    sites = _site_states(run, numbering, exercise)
    engagements = _engagements(run, numbering, rounds, launches, round_type, exercise)
    return _windows(run, movers, sites, engagements, rate_hz, exercise,
                    max(1, int(np.ceil(window_s * rate_hz))))


def _windows(run: RunFolder, movers: list[_Mover], sites: list[TimedPdu],
             engagements: list[TimedPdu], rate_hz: float, exercise: int,
             ticks_per_window: int) -> Iterator[TimedPdu]:
    """Yield the PDUs window by window of ``ticks_per_window`` grid times, each window
    sorted by time (then entity states, fires, detonations; then the order made)."""
    frame = run.frame

    def window_of(time_s: float) -> int:
        return int(np.floor(time_s * rate_hz + 1e-9)) // ticks_per_window

    ends = [mover.path.end_s for mover in movers] + [item.time_s for item in engagements]
    last_window = window_of(max(ends, default=0.0))
    singles: dict[int, list[TimedPdu]] = {}
    for item in [*sites, *engagements]:
        singles.setdefault(window_of(item.time_s), []).append(item)
    size = dis_pdu.ENTITY_STATE_LENGTH
    for window in range(last_window + 1):
        low, high = window * ticks_per_window, (window + 1) * ticks_per_window
        made = [item for item in singles.get(window, []) if item.order == ORDER_STATE]
        for mover in movers:
            path = mover.path
            first = max(int(np.ceil(path.start_s * rate_hz - 1e-9)), low)
            last = min(int(np.floor(path.end_s * rate_hz + 1e-9)), high - 1)
            if first > last:
                continue
            times = np.arange(first, last + 1) / rate_hz
            position, velocity = path.at(times)
            location = moving.enu_to_ecef(frame, position)
            velocity_ecef = moving.enu_to_ecef_velocity(frame, velocity)
            lat, lon, _ = frame.to_geodetic(position)
            orientation = dis_pdu.euler_angles(np.atleast_1d(lat), np.atleast_1d(lon),
                                               velocity_ecef)
            packed = dis_pdu.entity_states(mover.entity, mover.force, mover.entity_type,
                                           times, location, velocity_ecef, orientation,
                                           mover.label, exercise)
            made.extend(TimedPdu(float(time_s), ORDER_STATE,
                                 packed[row * size : (row + 1) * size])
                        for row, time_s in enumerate(times))
        made.extend(item for item in singles.get(window, []) if item.order != ORDER_STATE)
        made.sort(key=lambda item: (item.time_s, item.order))  # stable
        yield from made


def _site_states(run: RunFolder, numbering: _Numbering, exercise: int) -> list[TimedPdu]:
    """One Entity State PDU per battery, then per radar, at time 0."""
    scenario = run.scenario
    ground = scenario.origin.ground_elevation_m
    states = []
    for index, entry in enumerate([*scenario.batteries, *scenario.sensors]):
        is_battery = index < len(scenario.batteries)
        location = geodetic_to_ecef(entry.lat_deg, entry.lon_deg, ground + entry.height_m)
        orientation = dis_pdu.euler_angles(np.array([entry.lat_deg]),
                                           np.array([entry.lon_deg]), np.zeros(3))[0]
        states.append(TimedPdu(0.0, ORDER_STATE, dis_pdu.entity_state(
            EntityId(numbering.site, numbering.application, numbering.first_site + index),
            dis_pdu.FORCE_FRIENDLY, BATTERY_TYPE if is_battery else RADAR_TYPE, 0.0,
            location, np.zeros(3), orientation, entry.name, exercise)))
    return states


def _engagements(run: RunFolder, numbering: _Numbering, rounds: list[moving.Path],
                 launches: pd.DataFrame, round_type: dict[int, EntityType],
                 exercise: int) -> list[TimedPdu]:
    """A Fire PDU per launch and a Detonation PDU per intercept, in launch order."""
    frame, events = run.frame, run.events
    outcomes = events[events["kind"].isin(["kill", "miss"])].drop_duplicates(
        "interceptor_id").set_index("interceptor_id")
    by_round = {path.identifier: path for path in rounds}
    made = []
    for event_number, (round_id, launch) in enumerate(launches.iterrows(), start=1):
        round_id = int(round_id)
        path, munition = by_round[round_id], numbering.round(round_id)
        firing = numbering.battery(str(launch["battery"]))
        outcome = outcomes.loc[round_id] if round_id in outcomes.index else None
        target = (numbering.threat(int(outcome["threat_id"])) if outcome is not None
                  else dis_pdu.NO_ENTITY)
        start_position, start_velocity = path.at(np.array([path.start_s]))
        made.append(TimedPdu(float(launch["time_s"]), ORDER_FIRE, dis_pdu.fire(
            firing, target, munition, event_number, float(launch["time_s"]),
            moving.enu_to_ecef(frame, start_position[0]),
            moving.enu_to_ecef_velocity(frame, start_velocity[0]),
            float(np.linalg.norm(path.position_m[-1] - start_position[0])),
            round_type[round_id], exercise)))
        if outcome is None:
            continue
        where = np.array([outcome["east_m"], outcome["north_m"], outcome["up_m"]], float)
        _, end_velocity = path.at(np.array([float(outcome["time_s"])]))
        result = (dis_pdu.DETONATION_PROXIMATE if outcome["kind"] == "kill"
                  else dis_pdu.DETONATION_PLAIN)
        made.append(TimedPdu(float(outcome["time_s"]), ORDER_DETONATION, dis_pdu.detonation(
            firing, target, munition, event_number, float(outcome["time_s"]),
            moving.enu_to_ecef(frame, where),
            moving.enu_to_ecef_velocity(frame, end_velocity[0]), round_type[round_id], result,
            exercise)))
    return made


def dis_stream(run: RunFolder, rate_hz: float = 5.0, exercise: int = 1, site: int = 1,
               application: int = 1) -> list[TimedPdu]:
    """All of :func:`iter_dis` in a list (for tests and small runs)."""
    return list(iter_dis(run, rate_hz, exercise, site, application))


def write_dis_file(stream: Iterable[TimedPdu], out: str | FilePath) -> tuple[FilePath, int]:
    """Write the PDUs back to back (each carries its length) to ``out``, atomically;
    returns the path and the number of PDUs."""
    count = 0

    def write(path: FilePath) -> None:
        nonlocal count
        with path.open("wb") as handle:
            for item in stream:
                handle.write(item.pdu)
                count += 1

    return write_atomically(out, write), count


def parse_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[IPv6]:PORT`` too) to a resolvable host and a port 1..65535.

    Raises
    ------
    ExportError
        Naming ``--udp`` and what was wrong.
    """
    host, separator, port_text = text.rpartition(":")
    host = host.strip("[]")
    if not separator or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ExportError(f"--udp: expected HOST:PORT with a port from 1 to 65535, "
                          f"got {text!r}")
    try:
        socket.getaddrinfo(host, int(port_text), type=socket.SOCK_DGRAM)
    except OSError:
        raise ExportError(f"--udp: cannot resolve host {host!r} (in {text!r})") from None
    return host, int(port_text)


def send_udp(stream: Iterable[TimedPdu], address: tuple[str, int], speed: float = 1.0,
             sleep: Callable[[float], None] = time.sleep,
             clock: Callable[[], float] = time.monotonic) -> int:
    """Send the PDUs as UDP datagrams, one PDU each, paced at ``speed`` times real time
    (``speed`` 0: as fast as possible). Returns the number sent.

    Raises
    ------
    ExportError
        When ``speed`` is negative or the socket refuses the address.
    """
    if not speed >= 0 or not np.isfinite(speed):
        raise ExportError(f"--speed: expected 0 (no pacing) or a positive factor, got {speed}")
    family = socket.getaddrinfo(address[0], address[1], type=socket.SOCK_DGRAM)[0][0]
    sent = 0
    with socket.socket(family, socket.SOCK_DGRAM) as sender:
        if family == socket.AF_INET:
            sender.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        started = clock()
        for item in stream:
            if speed > 0:
                wait = started + item.time_s / speed - clock()
                if wait > 0:
                    sleep(wait)
            try:
                sender.sendto(item.pdu, address)
            except OSError as error:
                raise ExportError(f"--udp: cannot send to {address[0]}:{address[1]}: "
                                  f"{error.strerror or error}") from None
            sent += 1
    return sent
