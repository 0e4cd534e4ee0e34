"""The summary's rules on hand-made event logs: leakers, withdrawals, stand-off releases,
damage, the munitions-only cost exchange, layers and the scoring of kill assessments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iadsim.analysis.damage import asset_damage
from iadsim.analysis.kill_assessment_score import score_kill_assessments
from iadsim.analysis.layers import layer_of
from iadsim.analysis.summary import summarize, threat_fates
from iadsim.events import EventKind, EventLog
from small_site_builder import small_site

KINDS = ["cruise_missile", "aircraft", "drone", "ballistic_missile", "ballistic_missile",
         "ballistic_missile"]
COSTS = [1e6, 40e6, 35e3, 2e6, 2e6, 2e6]


def threat_table() -> pd.DataFrame:
    count = len(KINDS)
    return pd.DataFrame({
        "threat_id": np.arange(count), "group": pd.Categorical(["raid"] * count),
        "kind": pd.Categorical(KINDS), "target": pd.Categorical(["depot"] * count),
        "launch_time_s": np.zeros(count), "flight_time_s": np.full(count, 300.0),
        "rcs_m2": np.full(count, 0.1), "unit_cost_usd": np.array(COSTS)})


def new_log() -> EventLog:
    return EventLog(["home-radar", "east-radar"], ["sam-home", "gun-home"], ["depot"])


def summary_of(log: EventLog) -> dict:
    return summarize(log.to_frame(), threat_table(), small_site(), seed=1, ended_s=300.0,
                     steps=600, wall_time_s=0.1)


def test_reached_released_and_withdrew_are_told_apart_and_damage_is_summed_by_kind():
    log = new_log()
    log.add(EventKind.THREAT_LAUNCH, 0.0, threat_id=np.arange(6))
    log.add(EventKind.LEAK, 240.0, threat_id=0, asset_index=0, value=300.0)  # reached
    log.add(EventKind.LEAK, 200.0, threat_id=1, asset_index=0, value=55_000.0)  # released
    log.add(EventKind.ROUTE_COMPLETE, 250.0, threat_id=2, asset_index=0, value=8_000.0)
    log.add(EventKind.KILL, 100.0, threat_id=[3, 4, 5], battery_index=0, value=3.0)
    summary = summary_of(log)
    assert threat_fates(log.to_frame(), threat_table()).tolist() == [
        "leaked", "leaked", "withdrew", "killed", "killed", "killed"]
    assert summary["threats"]["leaked"] == 2 and summary["threats"]["withdrew"] == 1
    asset = summary["assets"][0]
    assert (asset["leakers"], asset["reached_radius"], asset["stand_off_releases"]) == (2, 1, 1)
    assert asset["damage"] == pytest.approx(0.3 + 0.4)  # a cruise missile and an aircraft
    assert summary["verdict_text"] == ("NOT DEFENDED: 2 leaker(s) reached 1 asset(s); "
                                       "damage depot 70%.")


def test_a_threat_that_withdrew_is_no_leaker():
    log = new_log()
    log.add(EventKind.THREAT_LAUNCH, 0.0, threat_id=np.arange(6))
    log.add(EventKind.ROUTE_COMPLETE, 250.0, threat_id=2, asset_index=0, value=8_000.0)
    # The others killed: every threat resolved (else the verdict is undecided).
    log.add(EventKind.KILL, 100.0, threat_id=[0, 1, 3, 4, 5], battery_index=0, value=3.0)
    summary = summary_of(log)
    assert summary["verdict"] == "defended"
    assert summary["assets"][0]["damage"] == 0.0 and summary["assets"][0]["survived"]


def test_damage_is_capped_at_one():
    assert asset_damage(["ballistic_missile"] * 3) == 1.0
    assert asset_damage([]) == 0.0
    with pytest.raises(ValueError, match="leaker_kinds must be threat kinds"):
        asset_damage(["submarine"])


def test_cost_exchange_counts_munitions_only_and_reports_aircraft_apart():
    log = new_log()
    log.add(EventKind.THREAT_LAUNCH, 0.0, threat_id=np.arange(6))
    log.add(EventKind.INTERCEPTOR_LAUNCH, [50.0, 51.0, 52.0], battery_index=[0, 0, 1],
            track_id=[1, 2, 3], value=[500_000.0, 500_000.0, 10_000.0])
    log.add(EventKind.KILL, [80.0, 81.0, 82.0], threat_id=[0, 1, 2], battery_index=[0, 0, 1],
            value=2.0)
    cost = summary_of(log)["cost"]
    assert cost["threats_killed_usd"] == 1e6 + 40e6 + 35e3
    assert cost["munitions_killed_usd"] == 1e6 + 35e3
    assert (cost["aircraft_killed"], cost["aircraft_killed_usd"]) == (1, 40e6)
    assert cost["interceptor_usd_per_threat_usd_killed"] == pytest.approx(
        1.01e6 / 1.035e6, abs=1e-3)


def test_layers_count_rounds_kills_pk_and_cost():
    scenario = small_site()
    assert [layer_of(i) for i in scenario.interceptors] == ["medium_range", "gun"]
    log = new_log()
    log.add(EventKind.THREAT_LAUNCH, 0.0, threat_id=np.arange(6))
    log.add(EventKind.INTERCEPTOR_LAUNCH, np.arange(5.0), battery_index=[0, 0, 0, 0, 1],
            value=[5e5, 5e5, 5e5, 5e5, 1e4])
    log.add(EventKind.KILL, [80.0, 81.0, 82.0], threat_id=[0, 3, 4], battery_index=0,
            value=2.0)
    layers = summary_of(log)["layers"]
    assert layers == {
        "medium_range": {"batteries": 1, "fired": 4, "kills": 3, "pk_per_shot": 0.75,
                         "cost_usd": 2e6},
        "gun": {"batteries": 1, "fired": 1, "kills": 0, "pk_per_shot": 0.0, "cost_usd": 1e4}}


def test_kill_assessments_are_scored_against_the_truth():
    log = new_log()
    log.add(EventKind.INTERCEPTOR_LAUNCH, [10.0, 11.0, 12.0, 13.0], interceptor_id=[0, 1, 2, 3],
            track_id=[7, 8, 9, 10], battery_index=0, value=5e5)
    # Round 0 kills threat 0; round 1 misses threat 1 by 40 m; round 3 passes 5 km from
    # threat 2 (no threat near: unscored); round 2 self-destructs (unscored).
    log.add(EventKind.INTERCEPT, [50.0, 51.0, 53.0], interceptor_id=[0, 1, 3],
            threat_id=[0, 1, 2], value=[4.0, 40.0, 5_000.0])
    log.add(EventKind.KILL, 50.0, interceptor_id=0, threat_id=0, value=4.0)
    log.add(EventKind.SELF_DESTRUCT, 60.0, interceptor_id=2, value=48.0)
    log.add(EventKind.KILL_ASSESSMENT, [55.0, 56.0, 65.0, 58.0], track_id=[7, 8, 9, 10],
            interceptor_id=[0, 1, 2, 3], battery_index=0, value=[0.0, 1.0, 0.0, 1.0])
    # Another round at the dead threat's track after the missed kill; threat 1 leaks.
    log.add(EventKind.INTERCEPTOR_LAUNCH, 57.0, interceptor_id=4, track_id=7, battery_index=0,
            value=5e5)
    log.add(EventKind.LEAK, 200.0, threat_id=1, asset_index=0, value=100.0)
    assert score_kill_assessments(log.to_frame()) == {
        "assessments": 4, "judged_killed": 2, "false_kills": 1, "missed_kills": 1,
        "unscored": 2, "false_kills_then_leaked": 1, "assessed_after_leak": 0,
        "rounds_after_missed_kills": 1}


def test_a_kill_by_another_round_before_the_assessment_makes_a_kill_judgement_right():
    log = new_log()
    log.add(EventKind.INTERCEPT, [50.0, 52.0], interceptor_id=[0, 1], threat_id=[0, 0],
            value=[30.0, 3.0])
    log.add(EventKind.KILL, 52.0, interceptor_id=1, threat_id=0, value=3.0)
    log.add(EventKind.KILL_ASSESSMENT, [55.0, 57.0], track_id=[7, 8], interceptor_id=[0, 1],
            battery_index=0, value=[1.0, 1.0])
    scored = score_kill_assessments(log.to_frame())
    assert (scored["false_kills"], scored["missed_kills"]) == (0, 0)


def test_a_threat_that_leaked_before_its_assessment_is_not_a_false_kill():
    """Four dwells judged killed, none of their threats killed: threat 0 leaked before its
    assessment (counted apart), threat 1 leaked after it (a false kill, then leaked),
    threat 2 lived on (a false kill), threat 3 completed its route before it (apart)."""
    log = new_log()
    log.add(EventKind.INTERCEPT, [50.0, 51.0, 52.0, 53.0], interceptor_id=[0, 1, 2, 3],
            threat_id=[0, 1, 2, 3], value=[480.0, 20.0, 30.0, 40.0])
    log.add(EventKind.LEAK, [52.0, 90.0], threat_id=[0, 1], asset_index=0, value=0.0)
    log.add(EventKind.ROUTE_COMPLETE, 60.0, threat_id=3, value=0.0)
    log.add(EventKind.KILL_ASSESSMENT, [58.0, 59.0, 60.0, 61.0], track_id=[7, 8, 9, 10],
            interceptor_id=[0, 1, 2, 3], battery_index=0, value=1.0)
    scored = score_kill_assessments(log.to_frame())
    assert (scored["false_kills"], scored["false_kills_then_leaked"],
            scored["assessed_after_leak"], scored["missed_kills"]) == (2, 1, 2, 0)
    # The same leak after the assessment: a false kill again.
    log = new_log()
    log.add(EventKind.INTERCEPT, 50.0, interceptor_id=0, threat_id=0, value=480.0)
    log.add(EventKind.LEAK, 58.5, threat_id=0, asset_index=0, value=0.0)
    log.add(EventKind.KILL_ASSESSMENT, 58.0, track_id=7, interceptor_id=0, battery_index=0,
            value=1.0)
    scored = score_kill_assessments(log.to_frame())
    assert (scored["false_kills"], scored["assessed_after_leak"]) == (1, 0)


def test_no_leaker_with_threats_unresolved_is_undecided():
    log = new_log()
    log.add(EventKind.THREAT_LAUNCH, 0.0, threat_id=[0, 1, 2])
    log.add(EventKind.KILL, 100.0, threat_id=[0], battery_index=0, value=3.0)
    summary = summary_of(log)
    assert summary["verdict"] == "undecided"
    assert summary["verdict_text"] == ("UNDECIDED: 5 threats unresolved at 300 s (2 still in "
                                       "flight, 3 not launched); no leaker before then.")
