"""Sample DIS PDUs shared by the encoder's layout tests (tests/interfaces/exports) and the
peer-parser validation (tests/validation): one Entity State, one Fire, one Detonation."""

from __future__ import annotations

import numpy as np

from iadsim.interfaces.exports import dis_pdu
from iadsim.interfaces.exports.dis_pdu import EntityId, EntityType

LOCATION = np.array([4_123_456.789, 2_876_543.21, 4_234_567.125])
VELOCITY = np.array([120.5, -35.25, 10.0])
MISSILE = EntityType(2, 1, 0, 1, 3, 4, 5)


def entity_state_sample() -> bytes:
    return dis_pdu.entity_state(EntityId(1, 2, 345), dis_pdu.FORCE_OPPOSING,
                                EntityType(1, 2, 0, 50, 1, 2, 3), 1234.5, LOCATION, VELOCITY,
                                np.array([0.5, -0.25, 0.125]), "T7-drone", exercise=9)


def fire_sample() -> bytes:
    return dis_pdu.fire(EntityId(1, 2, 30), EntityId(1, 2, 4), EntityId(1, 2, 31), 17, 60.0,
                        LOCATION, VELOCITY, 45_000.0, MISSILE)


def detonation_sample() -> bytes:
    return dis_pdu.detonation(EntityId(1, 2, 30), EntityId(1, 2, 4), EntityId(1, 2, 31), 17,
                              95.5, LOCATION, VELOCITY, MISSILE, dis_pdu.DETONATION_PROXIMATE)
