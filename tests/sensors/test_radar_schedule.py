"""The radar network over time: revisit schedule, outages, reproducibility, and each
radar's own random stream (common random numbers across scenario variants)."""

from __future__ import annotations

import numpy as np

from iadsim.events import EventKind, EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.sensors.radar import RadarNetwork, radar_sites
from iadsim.world.geodesy import LocalFrame

LAT, LON = 42.0, 35.0
FRAME = LocalFrame(LAT, LON, 0.0)


def radar(name: str = "r", **fields) -> dict:
    base = {"name": name, "lat_deg": LAT, "lon_deg": LON, "height_m": 20.0,
            "ref_range_km": 60.0, "max_range_km": 300.0, "revisit_s": 1.0,
            "resolution_cells": 1e5}
    return {**base, **fields}


def network(*radars: dict, seed: int = 1) -> tuple[RadarNetwork, EventLog]:
    scenario = scenario_from_dict({
        "name": "radar-test", "origin": {"lat_deg": LAT, "lon_deg": LON},
        "sim": {"duration_s": 10_000.0}, "sensors": list(radars)})
    log = EventLog([r["name"] for r in radars], [], [])
    return RadarNetwork(radar_sites(scenario, FRAME), seed, 0.0), log


# Targets 40-70 km out at 3 km: Pd well between 0 and 1, so draws matter.
POSITIONS = np.column_stack([np.linspace(40e3, 70e3, 25), np.linspace(-5e3, 5e3, 25),
                             np.full(25, 3_000.0)])
HEIGHTS = np.full(25, 3_000.0)
RCS = np.full(25, 1.0)
IDS = np.arange(25)


def history(net, log, times, radar_index=None) -> list[tuple]:
    """Every batch's (time, radar, threat ids, ranges) over the given scan times."""
    out = []
    for t in times:
        for batch in net.scan(float(t), POSITIONS, HEIGHTS, RCS, IDS, log):
            if radar_index is None or batch.radar_index == radar_index:
                out.append((batch.time_s, batch.radar_index, batch.threat_id.copy(),
                            batch.range_m.copy()))
    return out


def assert_same(first: list[tuple], second: list[tuple]) -> None:
    assert len(first) == len(second) > 0
    for a, b in zip(first, second, strict=True):
        assert a[:2] == b[:2]
        np.testing.assert_array_equal(a[2], b[2])
        np.testing.assert_array_equal(a[3], b[3])


def test_each_radar_scans_once_per_revisit():
    net, log = network(radar("fast", revisit_s=2.0), radar("slow", revisit_s=5.0))
    scans = history(net, log, np.arange(0.0, 100.0, 0.5))
    times = {0: [], 1: []}
    for time_s, index, _, _ in scans:
        times[index].append(time_s)
    np.testing.assert_allclose(np.diff(times[0]), 2.0)
    np.testing.assert_allclose(np.diff(times[1]), 5.0)
    assert 49 <= len(times[0]) <= 50 and 19 <= len(times[1]) <= 20


def test_an_outage_logs_its_start_and_end_and_silences_the_radar():
    net, log = network(radar(outages=[{"start_s": 5.0, "end_s": 10.0}]))
    scans = history(net, log, np.arange(1.0, 16.0))
    times = [s[0] for s in scans]
    assert times == [1.0, 2.0, 3.0, 4.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]
    events = log.to_frame()
    outage = events[events["kind"].isin(["outage_start", "outage_end"])]
    assert outage["kind"].tolist() == ["outage_start", "outage_end"]
    assert outage["time_s"].tolist() == [5.0, 10.0]
    assert (outage["sensor"] == "r").all()
    # Nothing detected or falsely reported in the window.
    reports = events[events["kind"].isin(["detection", "false_alarm"])]
    assert not ((reports["time_s"] >= 5.0) & (reports["time_s"] < 10.0)).any()


def test_an_outage_of_one_radar_leaves_the_other_scanning():
    net, log = network(radar("down", outages=[{"start_s": 0.0, "end_s": 100.0}]),
                       radar("up", lat_deg=42.05))
    scans = history(net, log, np.arange(1.0, 11.0))
    assert {s[1] for s in scans} == {1}
    assert len(scans) == 10
    assert log.count(EventKind.OUTAGE_START) == 1 and log.count(EventKind.OUTAGE_END) == 0


def test_same_seed_same_detections_and_another_seed_differs():
    times = np.arange(1.0, 21.0)
    runs = [history(*network(radar(), radar("b", lat_deg=42.1), seed=seed), times)
            for seed in (5, 5, 6)]
    assert_same(runs[0], runs[1])
    differs = len(runs[0]) != len(runs[2]) or any(
        a[2].shape != b[2].shape or not np.array_equal(a[3], b[3])
        for a, b in zip(runs[0], runs[2], strict=False))
    assert differs


def test_adding_a_radar_does_not_change_the_first_radars_draws():
    """Common random numbers: each radar draws from its own stream, keyed by its name."""
    times = np.arange(1.0, 31.0)
    alone = history(*network(radar("a"), seed=4), times)
    with_b = history(*network(radar("a"), radar("b", lat_deg=42.2, revisit_s=0.7), seed=4),
                     times, radar_index=0)
    b_first = history(*network(radar("b", lat_deg=42.2, revisit_s=0.7), radar("a"), seed=4),
                      times, radar_index=1)
    assert_same(alone, with_b)
    assert_same([(t, 0, i, r) for t, _, i, r in b_first], alone)


def test_the_log_records_each_detection_with_its_radar_and_position():
    net, log = network(radar(resolution_cells=0.0))
    scans = history(net, log, np.arange(1.0, 6.0))
    events = log.to_frame()
    detections = events[events["kind"] == "detection"]
    assert len(detections) == sum(s[2].size for s in scans) > 0
    assert (detections["sensor"] == "r").all()
    assert detections[["east_m", "north_m", "up_m"]].notna().all().all()
    assert np.isfinite(detections["value"]).all()  # SNR in dB


def test_record_detections_false_keeps_the_batches_but_not_the_events():
    scenario = scenario_from_dict({
        "name": "radar-test", "origin": {"lat_deg": LAT, "lon_deg": LON},
        "sim": {"duration_s": 100.0}, "sensors": [radar()]})
    log = EventLog(["r"], [], [])
    net = RadarNetwork(radar_sites(scenario, FRAME), 1, 0.0, record_detections=False)
    scans = history(net, log, np.arange(1.0, 6.0))
    assert sum(s[2].size for s in scans) > 0
    assert log.count(EventKind.DETECTION) == 0 and log.count(EventKind.FALSE_ALARM) == 0


def test_two_identical_radars_under_different_names_draw_independently():
    net, log = network(radar("a", resolution_cells=0.0), radar("b", resolution_cells=0.0))
    seen = {0: [], 1: []}
    for _, index, ids, _ in history(net, log, np.arange(1.0, 41.0)):
        seen[index].append(set(ids.tolist()))
    assert len(seen[0]) == len(seen[1]) == 40
    assert seen[0] != seen[1]
    # Per target, detected by both about as often as independent draws would give.
    counts = np.zeros((2, 25))
    for index in (0, 1):
        for ids in seen[index]:
            counts[index, list(ids)] += 1
    both = sum(len(a & b) for a, b in zip(seen[0], seen[1], strict=True))
    expected = (counts[0] * counts[1] / 40).sum()
    assert 0 < expected < counts.sum() / 2
    assert abs(both - expected) < 4.5 * np.sqrt(expected)
