"""The CZML export: the document packet first, one packet per threat and per round with
the right availability and positions, coverage volumes and asset circles with theirs."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pymap3d
import pytest
from typer.testing import CliRunner

from iadsim.interfaces.cli import app
from iadsim.interfaces.exports.czml import czml_document
from iadsim.interfaces.exports.run_folder import read_run_folder
from iadsim.interfaces.exports.timeline import DEFAULT_START, parse_start

runner = CliRunner()


@pytest.fixture(scope="module")
def packets(run_dir, tmp_path_factory):
    folder, _ = run_dir
    out = tmp_path_factory.mktemp("czml") / "run.czml"
    result = runner.invoke(app, ["export", "czml", str(folder), "--out", str(out),
                                 "--start", "2026-03-01T06:00:00Z"])
    assert result.exit_code == 0, result.output
    return {packet["id"]: packet for packet in json.loads(out.read_text())}, out


def test_the_document_packet_comes_first_with_the_clock_of_the_run(packets):
    _, out = packets
    first = json.loads(out.read_text())[0]
    assert first["id"] == "document" and first["version"] == "1.0"
    assert first["clock"]["interval"] == ("2026-03-01T06:00:00.000000Z/"
                                          "2026-03-01T06:05:39.000000Z")  # ended at 339 s


def test_exactly_one_packet_per_threat_available_from_launch_to_its_end(packets, run_dir):
    by_id, _ = packets
    events = run_dir[1].events
    threat_ids = sorted(k for k in by_id if k.startswith("threat/"))
    assert threat_ids == ["threat/0", "threat/1", "threat/2", "threat/3"]
    endings = {"threat/0": "kill", "threat/1": "leak", "threat/2": "route_complete",
               "threat/3": "route_complete"}
    start = parse_start("2026-03-01T06:00:00Z")
    for packet_id, kind in endings.items():
        threat = int(packet_id.split("/")[1])
        launch = events[(events.kind == "threat_launch") & (events.threat_id == threat)]
        end = events[(events.kind == kind) & (events.threat_id == threat)]
        assert len(launch) == len(end) == 1
        low, high = by_id[packet_id]["availability"].split("/")
        assert np.datetime64(low[:-1]) == np.datetime64(start.replace(tzinfo=None)) + \
            np.timedelta64(round(launch.time_s.iloc[0] * 1e6), "us")
        assert abs((np.datetime64(high[:-1]) - np.datetime64(start.replace(tzinfo=None)))
                   / np.timedelta64(1, "us") - end.time_s.iloc[0] * 1e6) <= 1.0


def test_threat_samples_start_at_the_launch_and_end_where_the_log_ends_them(packets,
                                                                           run_dir):
    by_id, _ = packets
    result = run_dir[1]
    scenario, events = result.scenario, result.events
    origin = scenario.origin
    for threat, kind in ((0, "kill"), (1, "leak")):
        position = by_id[f"threat/{threat}"]["position"]
        samples = np.array(position["cartographicDegrees"]).reshape(-1, 4)
        assert (np.diff(samples[:, 0]) > 0).all() and samples[0, 0] == 0.0
        assert samples[-1, 0] == pytest.approx(
            events[(events.kind == kind) & (events.threat_id == threat)].time_s.iloc[0]
            - events[(events.kind == "threat_launch")
                     & (events.threat_id == threat)].time_s.iloc[0], abs=1e-6)
        end = events[(events.kind == kind) & (events.threat_id == threat)].iloc[0]
        east, north, up = pymap3d.geodetic2enu(samples[-1, 2], samples[-1, 1],
                                               samples[-1, 3], origin.lat_deg,
                                               origin.lon_deg, 0.0)
        assert np.hypot(east - end.east_m, north - end.north_m) < 1.0
        assert abs(up - end.up_m) < 1.0
        assert np.diff(samples[:, 0]).max() <= 5.0 + 1e-9  # --sample-s default


def test_one_packet_per_round_from_launch_to_intercept_on_its_recorded_path(packets,
                                                                          run_dir):
    by_id, _ = packets
    result = run_dir[1]
    rounds = sorted(k for k in by_id if k.startswith("interceptor/"))
    assert rounds == ["interceptor/0"]
    samples = np.array(by_id["interceptor/0"]["position"]["cartographicDegrees"]).reshape(-1, 4)
    recorded = result.interceptors[result.interceptors.interceptor_id == 0]
    assert len(samples) == len(recorded) + 2  # launch, every step in flight, intercept
    assert samples[-1, 0] == pytest.approx(98.363590 - 17.0, abs=1e-5)


def test_coverage_availability_leaves_out_the_radar_outage(packets):
    by_id, _ = packets
    search = by_id["coverage/radar/search-radar"]["availability"]
    assert search == ["2026-03-01T06:00:00.000000Z/2026-03-01T06:02:30.000000Z",
                      "2026-03-01T06:03:20.000000Z/2026-03-01T06:05:39.000000Z"]
    assert by_id["coverage/radar/engagement-radar"]["availability"] == [
        "2026-03-01T06:00:00.000000Z/2026-03-01T06:05:39.000000Z"]
    radii = by_id["coverage/radar/search-radar"]["ellipsoid"]["radii"]["cartesian"]
    assert len(set(radii)) == 1 and radii[0] > 100_000
    battery = by_id["coverage/battery/trial-battery"]["cylinder"]
    assert battery["topRadius"] == battery["bottomRadius"] > 100_000


def test_the_asset_circle_turns_red_from_the_first_leaker(packets, run_dir):
    by_id, _ = packets
    events = run_dir[1].events
    leak = events[events.kind == "leak"].time_s.iloc[0]
    hit = by_id["asset/harbour/hit"]
    assert hit["ellipse"]["semiMajorAxis"] == 3000.0
    low = hit["availability"].split("/")[0]
    seconds = (np.datetime64(low[:-1]) - np.datetime64("2026-03-01T06:00:00")) \
        / np.timedelta64(1, "us") / 1e6
    assert seconds == pytest.approx(leak, abs=1e-6)
    assert by_id["asset/harbour"]["ellipse"]["material"]["solidColor"]["color"]["rgba"][1] > 0


def test_the_same_run_exports_the_same_file(run_dir):
    run = read_run_folder(run_dir[0])
    assert czml_document(run, DEFAULT_START).dumps() == czml_document(run,
                                                                      DEFAULT_START).dumps()


def test_a_run_without_recorded_rounds_draws_them_from_launch_to_end_and_says_so(run_dir,
                                                                                tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(run_dir[0], copy)
    (copy / "interceptors.parquet").unlink()
    by_id = {p.id: p for p in czml_document(read_run_folder(copy), DEFAULT_START).packets}
    packet = json.loads(by_id["interceptor/0"].to_json())
    samples = np.array(packet["position"]["cartographicDegrees"]).reshape(-1, 4)
    assert len(samples) == 2 and samples[1, 0] == pytest.approx(98.363590 - 17.0, abs=1e-5)
    assert "launch and end only" in packet["description"]
