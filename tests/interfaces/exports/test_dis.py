"""DIS playback of a run: as many Entity State PDUs as entities x rate x time in flight,
a Fire PDU per launch and a Detonation PDU per intercept, with fields that round-trip,
to a file and over UDP on localhost."""

from __future__ import annotations

import math
import socket
import struct
import threading

import numpy as np
import pymap3d
import pytest
from typer.testing import CliRunner

from iadsim.interfaces.cli import app
from iadsim.interfaces.exports import dis_pdu
from iadsim.interfaces.exports.dis import TimedPdu, dis_stream, iter_dis, send_udp
from iadsim.interfaces.exports.run_folder import read_run_folder

runner = CliRunner()

#: (start_s, end_s) of every moving object of the test run (conftest): threats 0-3 and the
#: battery's one round, from the event log.
SITES = 3  # one battery and two radars: one Entity State each at the start


def _fields(pdu: bytes) -> tuple[int, int, float]:
    """PDU type, entity number (Entity State) and time past the hour (s)."""
    pdu_type = pdu[2]
    stamp = struct.unpack_from(">I", pdu, 4)[0]
    entity = struct.unpack_from(">H", pdu, 16)[0] if pdu_type == 1 else -1
    return pdu_type, entity, dis_pdu.timestamp_seconds(stamp)


@pytest.fixture(scope="module")
def opendis():
    """opendis's PDU factory, which parses what iadsim sends (skip when absent)."""
    return pytest.importorskip("opendis.PduFactory")


@pytest.fixture(scope="module")
def run(run_dir):
    return read_run_folder(run_dir[0])


def _spans(run) -> dict[int, tuple[float, float]]:
    """Entity number -> (first, last) time in flight, from the event log."""
    events = run.events
    spans = {}
    for threat, kind in ((0, "kill"), (1, "leak"), (2, "route_complete"),
                         (3, "route_complete")):
        launch = events[(events.kind == "threat_launch") & (events.threat_id == threat)]
        end = events[(events.kind == kind) & (events.threat_id == threat)]
        spans[1 + threat] = (launch.time_s.iloc[0], end.time_s.iloc[0])
    launch = events[events.kind == "interceptor_launch"]
    end = events[events.kind == "kill"]
    spans[1 + 4 + 0] = (launch.time_s.iloc[0], end.time_s.iloc[0])
    return spans


@pytest.mark.parametrize("rate_hz", [5.0, 2.0, 0.5])
def test_entity_states_are_entities_times_rate_times_duration(run, rate_hz):
    stream = dis_stream(run, rate_hz)
    states = [_fields(item.pdu) for item in stream if item.pdu[2] == 1]
    counts = {}
    for _, entity, _ in states:
        counts[entity] = counts.get(entity, 0) + 1
    spans = _spans(run)
    for entity, (start, end) in spans.items():
        expected = math.floor(end * rate_hz) - math.ceil(start * rate_hz) + 1
        assert counts[entity] == expected, entity
        assert abs(counts[entity] - (end - start) * rate_hz) <= 1.0
    site_entities = set(counts) - set(spans)
    assert len(site_entities) == SITES and all(counts[e] == 1 for e in site_entities)
    assert len(states) == SITES + sum(counts[e] for e in spans)
    assert [item.time_s for item in stream] == sorted(item.time_s for item in stream)


def test_fire_and_detonation_name_the_battery_the_round_and_the_threat(run, opendis):
    stream = dis_stream(run, 5.0)
    fires = [opendis.createPdu(item.pdu) for item in stream if item.pdu[2] == 2]
    detonations = [opendis.createPdu(item.pdu) for item in stream if item.pdu[2] == 3]
    assert len(fires) == 1 and len(detonations) == 1  # one launch, one intercept
    fired, detonated = fires[0], detonations[0]
    battery_entity = 1 + 4 + 1  # after 4 threats and 1 round
    assert fired.firingEntityID.entityID == detonated.firingEntityID.entityID == battery_entity
    assert fired.targetEntityID.entityID == detonated.targetEntityID.entityID == 1  # threat 0
    assert fired.munitionExpendableID.entityID == detonated.explodingEntityID.entityID == 5
    assert fired.eventID.eventNumber == detonated.eventID.eventNumber == 1
    assert detonated.detonationResult == dis_pdu.DETONATION_PROXIMATE  # a kill
    assert dis_pdu.timestamp_seconds(fired.timestamp) == pytest.approx(17.0, abs=1e-5)
    kill = run.events[run.events.kind == "kill"].iloc[0]
    x, y, z = pymap3d.enu2ecef(kill.east_m, kill.north_m, kill.up_m,
                               run.scenario.origin.lat_deg, run.scenario.origin.lon_deg, 0.0)
    location = detonated.location
    assert np.allclose([location.x, location.y, location.z], [x, y, z], atol=0.05)
    site = run.scenario.batteries[0]
    x, y, z = pymap3d.geodetic2ecef(site.lat_deg, site.lon_deg, site.height_m)
    assert np.allclose([fired.location.x, fired.location.y, fired.location.z], [x, y, z],
                       atol=0.05)


def test_entity_states_are_where_the_truth_was_and_dead_reckon_to_the_next(run, opendis):
    """Threat 0's Entity States at whole seconds against the recorded truth (converted
    to ECEF by pymap3d), and each position plus velocity x 0.2 s against the next."""
    stream = dis_stream(run, 5.0)
    states = [opendis.createPdu(item.pdu) for item in stream
              if item.pdu[2] == 1 and _fields(item.pdu)[1] == 1]
    times = np.array([dis_pdu.timestamp_seconds(p.timestamp) for p in states])
    location = np.array([[p.entityLocation.x, p.entityLocation.y, p.entityLocation.z]
                         for p in states])
    velocity = np.array([[p.entityLinearVelocity.x, p.entityLinearVelocity.y,
                          p.entityLinearVelocity.z] for p in states])
    truth = run.truth[run.truth.threat_id == 0]
    origin = run.scenario.origin
    checked = 0
    for row in truth.itertuples():
        match = np.flatnonzero(np.abs(times - row.time_s) < 1e-4)
        if match.size == 0:
            continue
        expected = pymap3d.enu2ecef(row.east_m, row.north_m, row.up_m, origin.lat_deg,
                                    origin.lon_deg, 0.0)
        assert np.linalg.norm(location[match[0]] - np.array(expected)) < 0.5
        checked += 1
    assert checked > 40
    predicted = location[:-1] + velocity[:-1] * np.diff(times)[:, None]
    assert np.median(np.linalg.norm(predicted - location[1:], axis=1)) < 1.0
    assert np.linalg.norm(velocity, axis=1).mean() == pytest.approx(200.0, rel=0.05)
    assert all(p.forceId == dis_pdu.FORCE_OPPOSING for p in states)
    assert all(p.deadReckoningParameters.deadReckoningAlgorithm == 2 for p in states)


def test_the_file_holds_the_stream_and_opendis_reads_every_pdu(run_dir, run, tmp_path, opendis):
    out = tmp_path / "run.pdu"
    result = runner.invoke(app, ["export", "dis", str(run_dir[0]), "--file", str(out),
                                 "--rate-hz", "2"])
    assert result.exit_code == 0, result.output
    pdus = dis_pdu.split_pdus(out.read_bytes())
    assert pdus == [item.pdu for item in dis_stream(run, 2.0)]
    parsed = [opendis.createPdu(pdu) for pdu in pdus]
    assert all(p is not None and p.length == len(raw) for p, raw in zip(parsed, pdus,
                                                                        strict=True))
    assert f"Wrote {len(pdus)} DIS PDUs" in result.stdout


def test_udp_on_localhost_delivers_every_pdu_in_order(run_dir, run, opendis):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(10.0)
    port = receiver.getsockname()[1]
    expected = [item.pdu for item in dis_stream(run, 1.0)]
    received: list[bytes] = []

    def listen() -> None:
        while len(received) < len(expected):
            try:
                received.append(receiver.recv(2048))
            except TimeoutError:
                return

    listener = threading.Thread(target=listen)
    listener.start()
    try:
        result = runner.invoke(app, ["export", "dis", str(run_dir[0]), "--udp",
                                     f"127.0.0.1:{port}", "--rate-hz", "1", "--speed", "0"])
        listener.join(timeout=20.0)
    finally:
        receiver.close()
    assert result.exit_code == 0, result.output
    assert received == expected
    states = [opendis.createPdu(pdu) for pdu in received if pdu[2] == 1]
    assert {p.entityID.entityID for p in states} == {1, 2, 3, 4, 5, 6, 7, 8}


def test_pacing_follows_scenario_time_divided_by_speed():
    stream = [TimedPdu(t, 0, b"x") for t in (0.0, 1.0, 1.0, 3.0)]
    now = [100.0]
    slept = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    try:
        sent = send_udp(stream, receiver.getsockname(), speed=2.0, sleep=sleep,
                        clock=lambda: now[0])
    finally:
        receiver.close()
    assert sent == 4 and slept == [0.5, 1.0]  # at 0.5 s and 1.5 s of wall time


def test_windows_do_not_change_the_stream(run):
    """PDUs are made a window of scenario time at a time: any window, the same bytes."""
    whole = [item.pdu for item in iter_dis(run, 5.0, window_s=10_000.0)]
    assert [item.pdu for item in iter_dis(run, 5.0, window_s=7.0)] == whole
    assert [item.pdu for item in iter_dis(run, 5.0, window_s=0.1)] == whole
