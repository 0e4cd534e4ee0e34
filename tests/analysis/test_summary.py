"""The summary is computed from the event log alone and its books balance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import iadsim
from iadsim.analysis.summary import summarize, threat_fates
from iadsim.events import EventKind, EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.loader import builtin_text
from iadsim.scenario.yaml_loader import load_yaml


def small_scenario():
    document = load_yaml(builtin_text("saturation"))
    document["threats"] = document["threats"][:1]
    document["threats"][0]["count"] = 4
    return scenario_from_dict(document)


def threat_table(count: int) -> pd.DataFrame:
    return pd.DataFrame({
        "threat_id": np.arange(count), "group": pd.Categorical(["swarm-east"] * count),
        "kind": pd.Categorical(["drone"] * count),
        "target": pd.Categorical(["forward-air-base"] * count),
        "launch_time_s": np.arange(count) * 10.0, "flight_time_s": np.full(count, 100.0),
        "rcs_m2": np.full(count, 0.1), "unit_cost_usd": np.full(count, 35_000.0)})


def test_fates_and_costs_come_from_the_log():
    scenario = small_scenario()
    log = EventLog([s.name for s in scenario.sensors], [b.name for b in scenario.batteries],
                   [a.name for a in scenario.defended_assets])
    log.add(EventKind.THREAT_LAUNCH, [0.0, 10.0, 20.0], threat_id=[0, 1, 2])
    log.add(EventKind.DETECTION, [5.0, 7.0, 15.0], threat_id=[0, 0, 1], sensor_index=[1, 0, 0])
    log.add(EventKind.INTERCEPTOR_LAUNCH, [30.0, 31.0], battery_index=[0, 2],
            value=[600_000.0, 30_000.0])
    log.add(EventKind.KILL, 50.0, threat_id=0, battery_index=0, value=2.0)
    log.add(EventKind.LEAK, 110.0, threat_id=1, asset_index=0, value=100.0)
    events = log.to_frame()
    threats = threat_table(4)

    fate = threat_fates(events, threats)
    assert fate.tolist() == ["killed", "leaked", "in_flight", "not_launched"]

    summary = summarize(events, threats, scenario, seed=1, ended_s=120.0, steps=120,
                        wall_time_s=0.1)
    assert summary["verdict"] == "not_defended"
    assert summary["threats"] == {"total": 4, "launched": 3, "detected": 2, "killed": 1,
                                  "defeated": 0, "turned_away": 0,
                                  "leaked": 1, "withdrew": 0, "completed_route": 0,
                                  "in_flight_at_end": 1, "not_launched": 1}
    assert summary["assets"][0] == {"asset": "forward-air-base", "value": 10.0,
                                    "threats_aimed": 4, "leakers": 1, "survived": False,
                                    "reached_radius": 1, "stand_off_releases": 0,
                                    "damage": 0.1}
    assert summary["cost"]["interceptors_usd"] == 630_000.0
    assert summary["cost"]["threats_killed_usd"] == 35_000.0
    assert summary["cost"]["interceptor_usd_per_threat_usd_killed"] == 18.0
    first = {row["threat_id"]: row for row in summary["first_detection"]}
    assert first[0]["first_detection_s"] == 5.0 and first[0]["sensor"] == "sr-radar"
    assert first[1]["after_launch_s"] == 5.0
    battery = summary["interceptors"]["by_battery"]
    assert battery["mr-battery"]["fired"] == 1 and battery["mr-battery"]["kills"] == 1
    assert battery["gun-pair"]["fired"] == 1 and battery["gun-pair"]["kills"] == 0


def test_a_jammed_drone_that_falls_is_defeated_and_one_that_flies_off_withdraws():
    scenario = small_scenario()
    log = EventLog([s.name for s in scenario.sensors], [b.name for b in scenario.batteries],
                   [a.name for a in scenario.defended_assets])
    log.add(EventKind.THREAT_LAUNCH, [0.0, 10.0, 20.0], threat_id=[0, 1, 2])
    jammer = [b.name for b in scenario.batteries].index("jammer")
    log.add(EventKind.INTERCEPTOR_LAUNCH, [30.0, 31.0], battery_index=jammer, value=1.0)
    log.add(EventKind.DEFEAT, [40.0, 41.0], threat_id=[0, 1], battery_index=jammer,
            value=[0.0, 1.0])
    log.add(EventKind.ROUTE_COMPLETE, 300.0, threat_id=1, asset_index=0, value=20_000.0)
    events = log.to_frame()
    fate = threat_fates(events, threat_table(4))
    assert fate.tolist() == ["defeated", "withdrew", "in_flight", "not_launched"]
    summary = summarize(events, threat_table(4), scenario, seed=1, ended_s=300.0, steps=300,
                        wall_time_s=0.1)
    assert summary["threats"]["defeated"] == 1 and summary["threats"]["turned_away"] == 1
    assert summary["interceptors"]["by_battery"]["jammer"]["defeats"] == 2
    assert summary["layers"]["electronic_attack"] == {
        "batteries": 1, "fired": 2, "kills": 2, "pk_per_shot": 1.0, "cost_usd": 2.0}
    # The fallen drone counts as a destroyed munition in the exchange: 2 USD for 35,000.
    assert summary["cost"]["threats_defeated_usd"] == 35_000.0
    assert summary["cost"]["interceptor_usd_per_threat_usd_killed"] == pytest.approx(
        2.0 / 35_000.0, abs=1e-3)


def test_first_detections_read_in_chunks_match_a_whole_log_search(monkeypatch):
    # The saturation run's log: detections of hundreds of drones interleaved with
    # everything else. Chunks of 1,000 rows split many threats' detections across chunks.
    from iadsim.analysis import summary

    events = iadsim.run("saturation", seed=3).events
    detections = events[events["kind"] == "detection"]
    expected = detections.index[~detections["threat_id"].duplicated()].to_numpy()
    whole = summary.first_detection_rows(events)
    monkeypatch.setattr(summary, "FIRST_DETECTION_CHUNK_ROWS", 1_000)
    chunked = summary.first_detection_rows(events)
    assert len(events) > 50 * 1_000 and expected.size > 100
    np.testing.assert_array_equal(whole, expected)
    np.testing.assert_array_equal(chunked, expected)


def test_fates_of_a_threat_table_not_numbered_from_zero_match_the_positional_ones():
    """Threat ids 0 .. n-1 in order are read as positions; any other numbering takes the
    labelled path and gives the same fates (and an unknown id is refused there)."""
    scenario = small_scenario()
    log = EventLog([s.name for s in scenario.sensors], [b.name for b in scenario.batteries],
                   [a.name for a in scenario.defended_assets])
    log.add(EventKind.THREAT_LAUNCH, [0.0, 10.0, 20.0], threat_id=[0, 1, 2])
    log.add(EventKind.KILL, 30.0, threat_id=1, battery_index=0, value=2.0)
    log.add(EventKind.LEAK, 40.0, threat_id=2, asset_index=0, value=100.0)
    log.add(EventKind.ROUTE_COMPLETE, 41.0, threat_id=0, asset_index=0, value=9_000.0)
    events = log.to_frame()
    threats = threat_table(4)
    positional = threat_fates(events, threats)
    assert positional.tolist() == ["withdrew", "killed", "leaked", "not_launched"]
    shifted_events = events.assign(threat_id=np.where(events["threat_id"] >= 0,
                                                      events["threat_id"] + 100, -1))
    shifted = threat_fates(shifted_events, threats.assign(threat_id=threats["threat_id"] + 100))
    assert shifted.tolist() == positional.tolist()
    assert shifted.index.tolist() == [100, 101, 102, 103]
    with pytest.raises(KeyError):
        threat_fates(events.assign(threat_id=events["threat_id"] + 7), threats)
