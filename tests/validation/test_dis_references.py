"""DIS PDUs iadsim encodes, parsed by a peer library: opendis 1.0 (installed with
--no-deps by `make test`: it pins NumPy below 2). Skipped when opendis is absent."""

from __future__ import annotations

import numpy as np
import pytest

from dis_samples import LOCATION, VELOCITY
from dis_samples import detonation_sample as _detonation
from dis_samples import entity_state_sample as _entity_state
from dis_samples import fire_sample as _fire
from iadsim.interfaces.exports import dis_pdu

factory = pytest.importorskip("opendis.PduFactory")


def test_opendis_parses_every_field_back():
    """IEEE 1278.1-2012 sections 7.2.2, 7.3.2, 7.3.3 as opendis 1.0 reads them: integers
    and 64-bit locations exact, 32-bit velocities and angles to float32 rounding."""
    state = factory.createPdu(_entity_state())
    assert (state.protocolVersion, state.pduType, state.protocolFamily, state.length) == (
        7, 1, 1, 144)
    assert (state.entityID.siteID, state.entityID.applicationID, state.entityID.entityID) \
        == (1, 2, 345)
    assert state.forceId == dis_pdu.FORCE_OPPOSING and state.exerciseID == 9
    kind = state.entityType
    assert (kind.entityKind, kind.domain, kind.country, kind.category, kind.subcategory,
            kind.specific, kind.extra) == (1, 2, 0, 50, 1, 2, 3)
    location = state.entityLocation
    assert (location.x, location.y, location.z) == tuple(LOCATION)
    velocity = state.entityLinearVelocity
    assert np.allclose([velocity.x, velocity.y, velocity.z], VELOCITY)
    orientation = state.entityOrientation
    assert np.allclose([orientation.psi, orientation.theta, orientation.phi],
                       [0.5, -0.25, 0.125])
    assert state.deadReckoningParameters.deadReckoningAlgorithm == 2
    assert bytes(c & 0xFF for c in state.marking.characters).rstrip(b"\0") == b"T7-drone"
    assert dis_pdu.timestamp_seconds(state.timestamp) == pytest.approx(1234.5, abs=2e-6)

    fired = factory.createPdu(_fire())
    assert (fired.pduType, fired.protocolFamily, fired.length) == (2, 2, 96)
    assert fired.firingEntityID.entityID == 30 and fired.targetEntityID.entityID == 4
    assert fired.munitionExpendableID.entityID == 31
    assert fired.eventID.eventNumber == 17
    assert (fired.location.x, fired.location.y, fired.location.z) == tuple(LOCATION)
    assert fired.descriptor.munitionType.subcategory == 3 and fired.descriptor.quantity == 1
    assert fired.range == pytest.approx(45_000.0)

    detonated = factory.createPdu(_detonation())
    assert (detonated.pduType, detonated.length) == (3, 104)
    assert detonated.explodingEntityID.entityID == 31 and detonated.eventID.eventNumber == 17
    assert detonated.detonationResult == dis_pdu.DETONATION_PROXIMATE
    assert (detonated.location.x, detonated.location.y, detonated.location.z) == \
        tuple(LOCATION)
