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


def entity_state(entity: EntityId, force: int, entity_type: EntityType, time_s: float,
                 location_m: np.ndarray, velocity_mps: np.ndarray,
                 orientation_rad: np.ndarray, label: str, exercise: int = 1,
                 appearance: int = 0) -> bytes:
    """An Entity State PDU (144 bytes).

    location_m: (3,) ECEF, m; velocity_mps: (3,) ECEF, m/s; orientation_rad: (3,) psi,
    theta, phi (DIS Euler angles of the body relative to ECEF, see :func:`euler_angles`).
    Dead reckoning is DRM FPW (constant velocity in world coordinates), no acceleration.
    """
    body = b"".join([
        entity.pack(), struct.pack(">BB", force, 0), entity_type.pack(),
        EntityType(0, 0).pack(),  # alternative entity type
        struct.pack(">3f", *map(float, velocity_mps)),
        struct.pack(">3d", *map(float, location_m)),
        struct.pack(">3f", *map(float, orientation_rad)),
        struct.pack(">I", appearance),
        struct.pack(">B15x3f3f", DEAD_RECKONING_FPW, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
        marking(label), struct.pack(">I", 0),  # capabilities
    ])
    return _header(PDU_TYPE_ENTITY_STATE, FAMILY_ENTITY_INFORMATION, ENTITY_STATE_LENGTH,
                   exercise, time_s) + body


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
