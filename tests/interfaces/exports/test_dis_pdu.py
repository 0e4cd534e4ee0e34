"""The DIS PDU encoder against IEEE 1278.1-2012's byte layout (the peer parser, opendis,
is in tests/validation/test_dis_references.py)."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from dis_samples import LOCATION
from dis_samples import detonation_sample as _detonation
from dis_samples import entity_state_sample as _entity_state
from dis_samples import fire_sample as _fire
from iadsim.interfaces.exports import dis_pdu


def test_the_byte_layout_follows_the_standard():
    """IEEE 1278.1-2012: header 12 bytes; Entity State 144, Fire 96, Detonation 104;
    location (three 64-bit floats) at byte 48 of an Entity State, 40 of a Fire and 48 of
    a Detonation; the dead-reckoning record at 88 and the marking at 128."""
    state, fired, detonated = _entity_state(), _fire(), _detonation()
    assert (len(state), len(fired), len(detonated)) == (144, 96, 104)
    for pdu, pdu_type, family in ((state, 1, 1), (fired, 2, 2), (detonated, 3, 2)):
        version, _, kind, protocol_family, _, length, status, pad = struct.unpack_from(
            ">BBBBIHBB", pdu)
        assert (version, kind, protocol_family, length, status, pad) == (
            7, pdu_type, family, len(pdu), 0, 0)
    assert state[1] == 9  # exercise
    assert struct.unpack_from(">HHH", state, 12) == (1, 2, 345)
    assert struct.unpack_from(">3d", state, 48) == tuple(LOCATION)
    assert struct.unpack_from(">3f", state, 36) == (120.5, -35.25, 10.0)  # velocity
    assert state[88] == dis_pdu.DEAD_RECKONING_FPW  # dead reckoning record at 88
    assert state[128:140] == b"\x01T7-drone\0\0\0"  # marking: ASCII, 11 characters
    assert struct.unpack_from(">3d", fired, 40) == tuple(LOCATION)
    assert struct.unpack_from(">3d", detonated, 48) == tuple(LOCATION)


def test_the_timestamp_is_relative_time_past_the_hour():
    value = dis_pdu.timestamp(3600.0 + 754.25)
    assert value & 1 == 0
    assert dis_pdu.timestamp_seconds(value) == pytest.approx(754.25, abs=2e-6)


def test_split_pdus_cuts_a_stream_and_refuses_a_truncated_one():
    stream = _entity_state() + _fire() + _detonation()
    assert [len(p) for p in dis_pdu.split_pdus(stream)] == [144, 96, 104]
    with pytest.raises(ValueError, match="bad PDU length 104 at byte 240"):
        dis_pdu.split_pdus(stream[:-1])


@pytest.mark.parametrize(("lat_deg", "lon_deg"), [(0.0, 0.0), (42.0, 35.0), (-60.0, -120.0)])
@pytest.mark.parametrize("heading_climb", [(0.0, 0.0), (90.0, 10.0), (225.0, -30.0)])
def test_euler_angles_point_the_body_along_the_velocity_wings_level(lat_deg, lon_deg,
                                                                    heading_climb):
    """Rebuild the body axes from (psi, theta, phi) as DIS defines them (z-y-x rotations
    of the ECEF axes) and check x along the velocity, y horizontal, z pointing down."""
    heading, climb = np.radians(heading_climb)
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    east = np.array([-np.sin(lon), np.cos(lon), 0.0])
    north = np.array([-np.sin(lat) * np.cos(lon), -np.sin(lat) * np.sin(lon), np.cos(lat)])
    up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    direction = (np.cos(climb) * (np.sin(heading) * east + np.cos(heading) * north)
                 + np.sin(climb) * up)
    psi, theta, phi = dis_pdu.euler_angles(np.array([lat_deg]), np.array([lon_deg]),
                                           250.0 * direction[None, :])[0]

    c, s = np.cos, np.sin
    about_x = np.array([[1, 0, 0], [0, c(phi), s(phi)], [0, -s(phi), c(phi)]])
    about_y = np.array([[c(theta), 0, -s(theta)], [0, 1, 0], [s(theta), 0, c(theta)]])
    about_z = np.array([[c(psi), s(psi), 0], [-s(psi), c(psi), 0], [0, 0, 1]])
    body = about_x @ about_y @ about_z  # ECEF coordinates to body coordinates
    x_axis, y_axis, z_axis = body  # rows: the body axes in ECEF
    assert np.allclose(x_axis, direction, atol=1e-9)
    assert abs(y_axis @ up) < 1e-9
    assert z_axis @ up < 0
