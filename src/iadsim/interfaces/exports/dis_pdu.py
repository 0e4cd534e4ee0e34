"""DIS PDUs, IEEE 1278.1-2012 (protocol version 7): a small encoder of the three iadsim sends.

Entity State (type 1, family 1, 144 bytes with no variable parameters), Fire (type 2,
family 2, 96 bytes) and Detonation (type 3, family 2, 104 bytes), big-endian, laid out
field by field as in IEEE 1278.1-2012 sections 7.2.2 (Entity State) and 7.3.2-7.3.3
(Fire, Detonation), with the records of section 6.2 (Entity Identifier, Entity Type,
Event Identifier, Munition Descriptor, Dead Reckoning Parameters, Entity Marking).

Written here rather than with the ``opendis`` package because opendis 1.0 pins NumPy
below 2 (see pyproject.toml); the tests parse these bytes with opendis when it is
installed and check every field. Enumerations follow SISO-REF-010 (kinds, domains,
force ids, dead-reckoning algorithms, detonation results).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

PROTOCOL_VERSION = 7
PDU_TYPE_ENTITY_STATE, PDU_TYPE_FIRE, PDU_TYPE_DETONATION = 1, 2, 3
FAMILY_ENTITY_INFORMATION, FAMILY_WARFARE = 1, 2
#: SISO-REF-010 force ids.
FORCE_FRIENDLY, FORCE_OPPOSING = 1, 2
#: Dead reckoning: constant velocity, rate of position, world coordinates (DRM FPW).
DEAD_RECKONING_FPW = 2
#: Detonation results: entity proximate detonation; detonation (no entity nearby).
DETONATION_PROXIMATE, DETONATION_PLAIN = 2, 5
#: Warhead "high explosive" and fuse "other" (SISO-REF-010), the notional rounds' values.
WARHEAD_HIGH_EXPLOSIVE, FUSE_OTHER = 1000, 0

HEADER = struct.Struct(">BBBBIHBB")
ENTITY_ID = struct.Struct(">HHH")
ENTITY_TYPE = struct.Struct(">BBHBBBB")
ENTITY_STATE_LENGTH, FIRE_LENGTH, DETONATION_LENGTH = 144, 96, 104


@dataclass(frozen=True, slots=True)
class EntityId:
    """DIS Entity Identifier: site, application, entity (each 0..65535)."""

    site: int
    application: int
    entity: int

    def pack(self) -> bytes:
        return ENTITY_ID.pack(self.site, self.application, self.entity)


#: No entity (the standard's TARGET_ID_UNKNOWN).
NO_ENTITY = EntityId(0, 0, 0)


@dataclass(frozen=True, slots=True)
class EntityType:
    """DIS Entity Type: kind, domain, country, category, subcategory, specific, extra."""

    kind: int
    domain: int
    country: int = 0
    category: int = 0
    subcategory: int = 0
    specific: int = 0
    extra: int = 0

    def pack(self) -> bytes:
        return ENTITY_TYPE.pack(self.kind, self.domain, self.country, self.category,
                                self.subcategory, self.specific, self.extra)


def timestamp(time_s: float) -> int:
    """A DIS relative timestamp: time past the hour in units of 3600 / 2**31 s, shifted
    left one bit with the low bit 0 (relative), IEEE 1278.1-2012 section 6.2.88."""
    units = int((float(time_s) % 3600.0) / 3600.0 * 2**31) & 0x7FFFFFFF
    return units << 1


def timestamp_seconds(value: int) -> float:
    """Seconds past the hour of a relative DIS timestamp (the inverse of
    :func:`timestamp`, to its resolution of 1.7 microseconds)."""
    return (value >> 1) * 3600.0 / 2**31


def _header(pdu_type: int, family: int, length: int, exercise: int, time_s: float) -> bytes:
    return HEADER.pack(PROTOCOL_VERSION, exercise, pdu_type, family, timestamp(time_s),
                       length, 0, 0)


def marking(text: str) -> bytes:
    """Entity Marking: character set 1 (ASCII) and 11 characters, NUL padded."""
    characters = text.encode("ascii", "replace")[:11]
    return struct.pack(">B11s", 1, characters)


#: The Entity State PDU with no variable parameters as a NumPy record (big-endian), so
#: that many are packed at once (IEEE 1278.1-2012 section 7.2.2, 144 bytes).
ENTITY_STATE_DTYPE = np.dtype([
    ("protocol_version", "u1"), ("exercise", "u1"), ("pdu_type", "u1"), ("family", "u1"),
    ("timestamp", ">u4"), ("length", ">u2"), ("pdu_status", "u1"), ("padding", "u1"),
    ("site", ">u2"), ("application", ">u2"), ("entity", ">u2"),
    ("force", "u1"), ("variable_parameters", "u1"),
    ("entity_type", "u1", (8,)), ("alternative_entity_type", "u1", (8,)),
    ("velocity", ">f4", (3,)), ("location", ">f8", (3,)), ("orientation", ">f4", (3,)),
    ("appearance", ">u4"),
    ("dead_reckoning_algorithm", "u1"), ("dead_reckoning_other", "u1", (15,)),
    ("linear_acceleration", ">f4", (3,)), ("angular_velocity", ">f4", (3,)),
    ("marking_character_set", "u1"), ("marking", "S11"), ("capabilities", ">u4"),
])


def entity_states(entity: EntityId, force: int, entity_type: EntityType, time_s: np.ndarray,
                  location_m: np.ndarray, velocity_mps: np.ndarray,
                  orientation_rad: np.ndarray, label: str, exercise: int = 1,
                  appearance: int = 0) -> bytes:
    """Entity State PDUs of one entity at ``time_s`` (n,), back to back (n x 144 bytes).

    location_m: (n, 3) ECEF, m; velocity_mps: (n, 3) ECEF, m/s; orientation_rad: (n, 3)
    psi, theta, phi (DIS Euler angles of the body relative to ECEF, see
    :func:`euler_angles`). Dead reckoning is DRM FPW (constant velocity in world
    coordinates), with no acceleration; the marking is ``label`` (ASCII, 11 characters).
    """
    time_s = np.atleast_1d(np.asarray(time_s, dtype=float))
    records = np.zeros(time_s.size, dtype=ENTITY_STATE_DTYPE)
    records["protocol_version"] = PROTOCOL_VERSION
    records["exercise"] = exercise
    records["pdu_type"] = PDU_TYPE_ENTITY_STATE
    records["family"] = FAMILY_ENTITY_INFORMATION
    units = ((np.mod(time_s, 3600.0) / 3600.0 * 2**31).astype(np.int64) & 0x7FFFFFFF)
    records["timestamp"] = (units << 1).astype(np.uint32)
    records["length"] = ENTITY_STATE_LENGTH
    records["site"], records["application"] = entity.site, entity.application
    records["entity"] = entity.entity
    records["force"] = force
    records["entity_type"] = np.frombuffer(entity_type.pack(), dtype=np.uint8)
    records["velocity"] = np.asarray(velocity_mps, dtype=float).reshape(-1, 3)
    records["location"] = np.asarray(location_m, dtype=float).reshape(-1, 3)
    records["orientation"] = np.asarray(orientation_rad, dtype=float).reshape(-1, 3)
    records["appearance"] = appearance
    records["dead_reckoning_algorithm"] = DEAD_RECKONING_FPW
    records["marking_character_set"] = 1
    records["marking"] = label.encode("ascii", "replace")[:11]
    return records.tobytes()


def entity_state(entity: EntityId, force: int, entity_type: EntityType, time_s: float,
                 location_m: np.ndarray, velocity_mps: np.ndarray,
                 orientation_rad: np.ndarray, label: str, exercise: int = 1,
                 appearance: int = 0) -> bytes:
    """One Entity State PDU (144 bytes); see :func:`entity_states`."""
    return entity_states(entity, force, entity_type, np.array([time_s]),
                         np.reshape(location_m, (1, 3)), np.reshape(velocity_mps, (1, 3)),
                         np.reshape(orientation_rad, (1, 3)), label, exercise, appearance)


def _munition_descriptor(munition: EntityType) -> bytes:
    return munition.pack() + struct.pack(">HHHH", WARHEAD_HIGH_EXPLOSIVE, FUSE_OTHER, 1, 0)


def fire(firing: EntityId, target: EntityId, munition: EntityId, event_number: int,
         time_s: float, location_m: np.ndarray, velocity_mps: np.ndarray, range_m: float,
         munition_type: EntityType, exercise: int = 1) -> bytes:
    """A Fire PDU (96 bytes): ``munition`` launched by ``firing`` at ``target``.

    The event id is (firing site, firing application, ``event_number``); location_m is
    ECEF (m), velocity_mps ECEF (m/s); range_m the range to the target (m).
    """
    body = b"".join([
        firing.pack(), target.pack(), munition.pack(),
        ENTITY_ID.pack(firing.site, firing.application, event_number),
        struct.pack(">I", 0),  # fire mission index
        struct.pack(">3d", *map(float, location_m)),
        _munition_descriptor(munition_type),
        struct.pack(">3f", *map(float, velocity_mps)), struct.pack(">f", float(range_m)),
    ])
    return _header(PDU_TYPE_FIRE, FAMILY_WARFARE, FIRE_LENGTH, exercise, time_s) + body


def detonation(firing: EntityId, target: EntityId, munition: EntityId, event_number: int,
               time_s: float, location_m: np.ndarray, velocity_mps: np.ndarray,
               munition_type: EntityType, result: int, exercise: int = 1) -> bytes:
    """A Detonation PDU (104 bytes) of ``munition`` (the exploding entity); the event id
    is the one of its Fire PDU. location_m ECEF (m); velocity_mps ECEF (m/s)."""
    body = b"".join([
        firing.pack(), target.pack(), munition.pack(),
        ENTITY_ID.pack(firing.site, firing.application, event_number),
        struct.pack(">3f", *map(float, velocity_mps)),
        struct.pack(">3d", *map(float, location_m)),
        _munition_descriptor(munition_type),
        struct.pack(">3f", 0.0, 0.0, 0.0),  # location in entity coordinates
        struct.pack(">BBH", result, 0, 0),
    ])
    return _header(PDU_TYPE_DETONATION, FAMILY_WARFARE, DETONATION_LENGTH, exercise,
                   time_s) + body


def split_pdus(data: bytes) -> list[bytes]:
    """Cut a stream of PDUs (a ``.pdu`` file) into PDUs by their length fields.

    Raises ValueError when a length field is shorter than a header or runs past the end.
    """
    pdus, offset = [], 0
    while offset < len(data):
        if offset + HEADER.size > len(data):
            raise ValueError(f"truncated PDU header at byte {offset}")
        length = HEADER.unpack_from(data, offset)[5]
        if length < HEADER.size or offset + length > len(data):
            raise ValueError(f"bad PDU length {length} at byte {offset}")
        pdus.append(data[offset : offset + length])
        offset += length
    return pdus


def euler_angles(lat_deg: np.ndarray, lon_deg: np.ndarray,
                 velocity_ecef_mps: np.ndarray) -> np.ndarray:
    """DIS orientations (n, 3): psi, theta, phi (rad) of bodies flying along their
    velocity with wings level (no bank), at geodetic latitudes and longitudes (n,).

    DIS Euler angles rotate the ECEF axes into the body axes (x forward, y right, z down)
    by psi about z, theta about the new y, then phi about the new x (IEEE 1278.1-2012,
    annex on world coordinates). With x along the unit velocity u: psi = atan2(u_y, u_x),
    theta = atan2(-u_z, hypot(u_x, u_y)); phi turns the body y axis horizontal with z
    pointing down. A body at rest points north.
    """
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    up = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    north = np.column_stack([-np.sin(lat) * np.cos(lon), -np.sin(lat) * np.sin(lon),
                             np.cos(lat)])
    velocity = np.asarray(velocity_ecef_mps, dtype=float).reshape(-1, 3)
    speed = np.linalg.norm(velocity, axis=1, keepdims=True)
    forward = np.where(speed > 1e-6, velocity / np.maximum(speed, 1e-12), north)
    psi = np.arctan2(forward[:, 1], forward[:, 0])
    theta = np.arctan2(-forward[:, 2], np.hypot(forward[:, 0], forward[:, 1]))
    y0 = np.column_stack([-np.sin(psi), np.cos(psi), np.zeros_like(psi)])
    z0 = np.column_stack([np.cos(psi) * np.sin(theta), np.sin(psi) * np.sin(theta),
                          np.cos(theta)])
    phi = np.arctan2(np.sum(y0 * up, axis=1), -np.sum(z0 * up, axis=1))
    return np.column_stack([psi, theta, phi])
