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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path as FilePath

import numpy as np

from iadsim.interfaces.exports import dis_pdu
from iadsim.interfaces.exports import paths as moving
from iadsim.interfaces.exports.dis_pdu import EntityId, EntityType
from iadsim.interfaces.exports.run_folder import ExportError, RunFolder, write_atomically
from iadsim.interfaces.exports.timeline import sample_times
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


def dis_stream(run: RunFolder, rate_hz: float = 5.0, exercise: int = 1, site: int = 1,
               application: int = 1) -> list[TimedPdu]:
    """Every PDU of the run's playback, in time order (see the module docstring).

    Raises
    ------
    ExportError
        When the rate is not positive or there are more entities than DIS numbers.
    """
    if not rate_hz > 0 or not np.isfinite(rate_hz):
        raise ExportError(f"--rate-hz: expected a positive rate, got {rate_hz}")
    frame, scenario = run.frame, run.scenario
    ground = scenario.origin.ground_elevation_m
    threats = moving.threat_paths(run, min(1.0, 1.0 / rate_hz))
    rounds = moving.interceptor_paths(run)
    threat_count = len(run.threats)
    round_count = 1 + max((path.identifier for path in rounds), default=-1)
    first_site = 1 + threat_count + round_count
    if first_site + len(scenario.batteries) + len(scenario.sensors) > 65_535:
        raise ExportError(f"{run.folder}: too many entities for DIS entity numbers (65,535)")

    def threat_entity(threat_id: int) -> EntityId:
        return EntityId(site, application, 1 + int(threat_id))

    def round_entity(round_id: int) -> EntityId:
        return EntityId(site, application, 1 + threat_count + int(round_id))

    battery_index = {battery.name: index for index, battery in enumerate(scenario.batteries)}

    def battery_entity(name: str) -> EntityId:
        return EntityId(site, application, first_site + battery_index[name])

    stream: list[TimedPdu] = []
    for index, entry in enumerate([*scenario.batteries, *scenario.sensors]):
        is_battery = index < len(scenario.batteries)
        location = geodetic_to_ecef(entry.lat_deg, entry.lon_deg, ground + entry.height_m)
        orientation = dis_pdu.euler_angles(np.array([entry.lat_deg]),
                                           np.array([entry.lon_deg]), np.zeros(3))[0]
        stream.append(TimedPdu(0.0, ORDER_STATE, dis_pdu.entity_state(
            EntityId(site, application, first_site + index), dis_pdu.FORCE_FRIENDLY,
            BATTERY_TYPE if is_battery else RADAR_TYPE, 0.0, location, np.zeros(3),
            orientation, entry.name, exercise)))

    kinds = run.threats.set_index("threat_id")["kind"].astype(str)
    interceptor_kind = {t.name: t.kind for t in scenario.interceptors}
    battery_kind = {b.name: interceptor_kind.get(b.interceptor, "missile")
                    for b in scenario.batteries}
    launches = run.events[run.events["kind"] == "interceptor_launch"].drop_duplicates(
        "interceptor_id").set_index("interceptor_id")
    round_type = {int(i): INTERCEPTOR_TYPES[battery_kind.get(str(b), "missile")]
                  for i, b in launches["battery"].items()}
    for path in [*threats, *rounds]:
        times = sample_times(path.start_s, path.end_s, rate_hz)
        if times.size == 0:
            continue
        if path.kind == "threat":
            entity, force = threat_entity(path.identifier), dis_pdu.FORCE_OPPOSING
            entity_type = THREAT_TYPES.get(kinds.get(path.identifier, ""), EntityType(1, 2))
            label = f"T{path.identifier}"
        else:
            entity, force = round_entity(path.identifier), dis_pdu.FORCE_FRIENDLY
            entity_type, label = round_type[path.identifier], f"I{path.identifier}"
        position, velocity = path.at(times)
        location = moving.enu_to_ecef(frame, position)
        velocity_ecef = moving.enu_to_ecef_velocity(frame, velocity)
        lat, lon, _ = frame.to_geodetic(position)
        orientation = dis_pdu.euler_angles(np.atleast_1d(lat), np.atleast_1d(lon),
                                           velocity_ecef)
        packed = dis_pdu.entity_states(entity, force, entity_type, times, location,
                                       velocity_ecef, orientation, label, exercise)
        size = dis_pdu.ENTITY_STATE_LENGTH
        stream.extend(TimedPdu(float(time_s), ORDER_STATE, packed[row * size:(row + 1) * size])
                      for row, time_s in enumerate(times))

    events = run.events
    outcomes = events[events["kind"].isin(["kill", "miss"])].drop_duplicates(
        "interceptor_id").set_index("interceptor_id")
    by_round = {path.identifier: path for path in rounds}
    for event_number, (round_id, launch) in enumerate(launches.iterrows(), start=1):
        round_id = int(round_id)
        path = by_round[round_id]
        firing = battery_entity(str(launch["battery"]))
        outcome = outcomes.loc[round_id] if round_id in outcomes.index else None
        target = (threat_entity(int(outcome["threat_id"])) if outcome is not None
                  else dis_pdu.NO_ENTITY)
        start_position, start_velocity = path.at(np.array([path.start_s]))
        end_position = path.position_m[-1]
        stream.append(TimedPdu(float(launch["time_s"]), ORDER_FIRE, dis_pdu.fire(
            firing, target, round_entity(round_id), event_number, float(launch["time_s"]),
            moving.enu_to_ecef(frame, start_position[0]),
            moving.enu_to_ecef_velocity(frame, start_velocity[0]),
            float(np.linalg.norm(end_position - start_position[0])), round_type[round_id],
            exercise)))
        if outcome is None:
            continue
        where = np.array([outcome["east_m"], outcome["north_m"], outcome["up_m"]], float)
        _, end_velocity = path.at(np.array([float(outcome["time_s"])]))
        result = (dis_pdu.DETONATION_PROXIMATE if outcome["kind"] == "kill"
                  else dis_pdu.DETONATION_PLAIN)
        stream.append(TimedPdu(float(outcome["time_s"]), ORDER_DETONATION, dis_pdu.detonation(
            firing, target, round_entity(round_id), event_number, float(outcome["time_s"]),
            moving.enu_to_ecef(frame, where), moving.enu_to_ecef_velocity(frame,
                                                                          end_velocity[0]),
            round_type[round_id], result, exercise)))
    stream.sort(key=lambda item: (item.time_s, item.order))  # stable: the order above
    return stream


def write_dis_file(stream: list[TimedPdu], out: str | FilePath) -> FilePath:
    """Write the PDUs back to back (each carries its length) to ``out``, atomically."""
    data = b"".join(item.pdu for item in stream)
    return write_atomically(out, lambda path: path.write_bytes(data))


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


def send_udp(stream: list[TimedPdu], address: tuple[str, int], speed: float = 1.0,
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
