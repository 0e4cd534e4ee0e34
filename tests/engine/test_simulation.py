"""The step loop driven directly on the small site: who fires, on whose picture, and what
faults (a radar down, a cut radar link, a cut battery link) change."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import iadsim
import iadsim.api
from iadsim.c2.autonomous import AUTONOMOUS_TRACK_ID_BASE
from iadsim.engine.simulation import Simulation
from iadsim.errors import ScenarioError
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import Scenario
from iadsim.threats.raid import FLYING
from small_site_builder import SMALL_SITE, small_site


def run_steps(scenario, seed=3, every_step=None):
    """Step a simulation to its end, calling ``every_step(simulation)`` after each step."""
    simulation = Simulation(scenario, seed=seed)
    total = int(np.ceil(scenario.sim.duration_s / scenario.sim.dt_s))
    while simulation.steps < total and not (simulation.steps and simulation.finished):
        simulation.step()
        if every_step is not None:
            every_step(simulation)
    return simulation, simulation.log.to_frame()


def rounds_by_battery(events):
    launches = events[events["kind"] == "interceptor_launch"]
    return launches["battery"].value_counts().reindex(["sam-home", "gun-home"],
                                                      fill_value=0).to_dict()


def of_kind(events, kind):
    return events[events["kind"] == kind]


def test_the_missile_battery_kills_both_cruise_missiles_on_a_noisy_picture():
    errors = []

    def picture_versus_truth(simulation):
        # Distance from each flying threat to the nearest track of the picture.
        picture = simulation.tracker.picture(simulation.time_s)
        flying = (simulation.status == FLYING).nonzero()[0]
        if picture.size and flying.size:
            truth = simulation.threat_position_m[flying]
            gaps = np.linalg.norm(picture.position_m[:, None] - truth[None], axis=2)
            errors.extend(gaps.min(axis=0))

    simulation, events = run_steps(small_site(), every_step=picture_versus_truth)
    assert rounds_by_battery(events) == {"sam-home": 2, "gun-home": 0}
    assert sorted(of_kind(events, "kill")["threat_id"]) == [0, 1]
    assert of_kind(events, "kill_assessment")["value"].tolist() == [1.0, 1.0]
    assert of_kind(events, "leak").empty
    # The manager fought on a picture that is never the truth.
    assert min(errors) > 0.0 and np.median(errors) < 500.0
    assert simulation.finished


def test_a_radar_down_from_the_start_leaves_its_batteries_blind_and_both_threats_leak():
    scenario = small_site(faults=[{"kind": "radar_down", "target": "home-radar",
                                   "start_s": 0.0}])
    _, events = run_steps(scenario)
    assert of_kind(events, "detection")["sensor"].unique().tolist() == ["east-radar"]
    assert of_kind(events, "fault_start")[["time_s", "sensor", "value"]].values.tolist() == [
        [0.5, "home-radar", 0.0]]
    assert of_kind(events, "outage_start")["sensor"].tolist() == ["home-radar"]
    assert of_kind(events, "assignment").empty
    assert sorted(of_kind(events, "leak")["threat_id"]) == [0, 1]


def test_launch_on_remote_fires_the_missiles_on_the_remote_radars_track_but_not_the_gun():
    scenario = small_site(faults=[{"kind": "radar_down", "target": "home-radar",
                                   "start_s": 0.0}], doctrine={"launch_on_remote": True})
    simulation, events = run_steps(scenario)
    assert rounds_by_battery(events) == {"sam-home": 2, "gun-home": 0}
    assert sorted(of_kind(events, "kill")["threat_id"]) == [0, 1]
    assert np.isinf(simulation.tracker.last_update_by_radar_s[:, 0]).all()


def test_a_cut_radar_link_keeps_the_radar_scanning_but_out_of_the_central_picture():
    scenario = small_site(faults=[{"kind": "link_cut", "target": "east-radar",
                                   "start_s": 0.0}])
    seen_by_east = []
    _, events = run_steps(scenario, every_step=lambda s: seen_by_east.append(
        np.isfinite(s.tracker.last_update_by_radar_s[:, 1]).any()))
    assert not any(seen_by_east)
    assert (of_kind(events, "detection")["sensor"] == "east-radar").sum() > 100
    assert rounds_by_battery(events) == {"sam-home": 2, "gun-home": 0}


def test_a_battery_cut_off_defends_itself_on_its_own_radars_picture():
    scenario = small_site(faults=[{"kind": "link_cut", "target": "sam-home",
                                   "start_s": 0.0}])
    stacks = []
    simulation, events = run_steps(scenario, every_step=lambda s: stacks.append(
        sorted(s.autonomous)))
    assignments = of_kind(events, "assignment")
    assert assignments["battery"].tolist() == ["sam-home", "sam-home"]
    assert (assignments["track_id"] >= AUTONOMOUS_TRACK_ID_BASE).all()
    assert rounds_by_battery(events) == {"sam-home": 2, "gun-home": 0}
    assert sorted(of_kind(events, "kill")["threat_id"]) == [0, 1]
    assert stacks[0] == [0] and stacks[-1] == [0]
    # Its local tracker used only its own radar (home-radar, index 0).
    local = simulation.autonomous[0].tracker
    assert np.isinf(local.last_update_by_radar_s[:, 1]).all()


def test_a_battery_whose_link_comes_back_is_commanded_centrally_again():
    scenario = small_site(faults=[{"kind": "link_cut", "target": "sam-home",
                                   "start_s": 0.0, "end_s": 100.0}])
    simulation, events = run_steps(scenario)
    assignments = of_kind(events, "assignment")
    local = (assignments["track_id"] >= AUTONOMOUS_TRACK_ID_BASE).tolist()
    # One engagement on its own before 100 s, then central orders. The central manager
    # knew nothing of the battery's own engagement: it engaged that threat's central track
    # too (the third order, whose round found nothing left to hit).
    assert local == [True, False, False]
    assert assignments["time_s"].iloc[0] < 100.0 <= assignments["time_s"].iloc[1]
    assert rounds_by_battery(events) == {"sam-home": 3, "gun-home": 0}
    assert sorted(of_kind(events, "kill")["threat_id"]) == [0, 1]
    assert of_kind(events, "fault_end")[["time_s", "battery"]].values.tolist() == [
        [100.0, "sam-home"]]
    assert simulation.autonomous == {}  # discarded once its engagement was assessed


def test_same_seed_same_events_with_faults():
    scenario = small_site(faults=[{"kind": "link_cut", "target": "sam-home", "start_s": 0.0,
                                   "end_s": 110.0},
                                  {"kind": "radar_down", "target": "east-radar",
                                   "start_s": 50.0, "end_s": 80.0}])
    first, second = run_steps(scenario)[1], run_steps(scenario)[1]
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_compare_faults_reports_what_each_fault_cost_against_the_same_seed():
    scenario = small_site(faults=[
        {"kind": "radar_down", "target": "home-radar", "start_s": 0.0},
        {"kind": "link_cut", "target": "east-radar", "start_s": 0.0}])
    comparison = iadsim.compare_faults(scenario, seed=3)
    assert comparison["baseline"] == {"leakers": 0, "rounds": 2, "damage": 0.0,
                                      "interceptors_usd": 1_000_000.0}
    down, cut, both = comparison["faults"]
    assert (down["extra_leakers"], down["extra_rounds"], down["damage"]) == (2, -2, 0.6)
    assert (cut["extra_leakers"], cut["extra_rounds"]) == (0, 0)
    assert both["fault"] == "all" and both["leakers"] == 2
    with pytest.raises(ValueError, match="scenario must declare faults"):
        iadsim.compare_faults(small_site(), seed=3)


def test_a_threat_that_stops_short_withdrew_and_one_within_weapon_range_released(monkeypatch):
    document = copy.deepcopy(SMALL_SITE)
    group = document["threats"][0]
    short = {**group, "name": "short", "count": 1, "lanes": 1,
             "route": [group["route"][0], {**group["route"][1], "lon_deg": 33.0 + 0.1}]}
    stand_off = {**short, "name": "stand-off", "kind": "aircraft", "weapon_range_km": 10.0,
                 "unit_cost_usd": 40e6}
    document.update(threats=[short, stand_off], batteries=[], sim={"duration_s": 300.0})
    # Validated by the schema alone: the reference check refuses a route ending short.
    scenario = Scenario.model_validate(document)
    with pytest.raises(ScenarioError, match=r"the last waypoint is 8\.5 km from target"):
        scenario_from_dict(document)
    with pytest.raises(ScenarioError, match=r"the last waypoint is 8\.5 km from target"):
        iadsim.run(scenario, seed=1)  # the API checks a Scenario's references too
    monkeypatch.setattr(iadsim.api, "check_scenario", lambda *args: None)  # the engine's view
    result = iadsim.run(scenario, seed=1)
    assert result.summary["threats"]["withdrew"] == 1
    assert result.summary["threats"]["leaked"] == 1
    assert result.summary["assets"][0]["stand_off_releases"] == 1
    assert result.summary["assets"][0]["damage"] == 0.4  # one aircraft's load
    withdrew = of_kind(result.events, "route_complete")
    assert withdrew["threat_id"].tolist() == [0]
    assert withdrew["value"].iloc[0] == pytest.approx(8_540.0, rel=0.01)


def test_orders_over_a_slow_battery_link_launch_later_but_not_when_the_battery_is_cut_off():
    def first_launch_after_assignment(battery_changes, faults=()):
        document = copy.deepcopy(SMALL_SITE)
        document["batteries"][0].update(battery_changes)
        document["faults"] = list(faults)
        events = run_steps(scenario_from_dict(document))[1]
        return (of_kind(events, "interceptor_launch")["time_s"].iloc[0]
                - of_kind(events, "assignment")["time_s"].iloc[0])

    assert first_launch_after_assignment({}) == 2.0  # the reaction time
    assert first_launch_after_assignment({"link_latency_s": 1.5}) == 3.5
    cut = [{"kind": "link_cut", "target": "sam-home", "start_s": 0.0}]
    assert first_launch_after_assignment({"link_latency_s": 1.5}, cut) == 2.0


def test_overlapping_cuts_keep_one_autonomous_stack_until_the_last_ends():
    scenario = small_site(faults=[
        {"kind": "link_cut", "target": "sam-home", "start_s": 0.0, "end_s": 200.0},
        {"kind": "link_cut", "target": "sam-home", "start_s": 100.0}])
    stacks = []
    simulation, events = run_steps(scenario, every_step=lambda s: stacks.append(
        id(s.autonomous.get(0))))
    assert len(set(stacks)) == 1  # created at the first cut, never replaced
    assert (of_kind(events, "assignment")["track_id"] >= AUTONOMOUS_TRACK_ID_BASE).all()
    assert of_kind(events, "fault_start")["value"].tolist() == [0.0, 1.0]
    assert not simulation.commanded[0]


def test_a_raid_on_an_undefended_site_runs_and_every_threat_arrives():
    """No radars and no batteries (a raid's baseline, what the defence is measured
    against): the run must go through, not fail building an empty radar network, and
    every threat reaches its target with nothing detected and nothing fired."""
    result = iadsim.run(small_site(sensors=[], batteries=[]), seed=3)
    assert result.events["kind"].value_counts()[lambda counts: counts > 0].to_dict() == {
        "threat_launch": 2, "leak": 2}
    assert result.summary["verdict"] == "not_defended"
    assert result.summary["assets"][0]["leakers"] == 2
