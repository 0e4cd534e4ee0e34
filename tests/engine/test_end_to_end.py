"""End to end: every built-in scenario runs, answers, and repeats bit for bit."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import iadsim
from iadsim.engine.events import COLUMNS, EventKind
from iadsim.scenario.loader import builtin_names

BUILTINS = ["layered-defense", "saturation", "sinop-trial"]


@pytest.fixture(scope="module")
def runs() -> dict[str, iadsim.RunResult]:
    return {name: iadsim.run(name, seed=11) for name in BUILTINS}


def test_the_three_builtins_ship():
    assert builtin_names() == BUILTINS


@pytest.mark.parametrize("name", BUILTINS)
def test_every_threat_has_one_fate_and_the_books_balance(runs, name):
    summary = runs[name].summary
    threats = summary["threats"]
    assert threats["total"] == len(runs[name].threats) > 0
    fates = (threats["killed"] + threats["leaked"] + threats["withdrew"]
             + threats["completed_route"]
             + threats["in_flight_at_end"] + threats["not_launched"])
    assert fates == threats["total"]
    events = runs[name].events
    assert (events["kind"] == "kill").sum() == threats["killed"]
    assert (events["kind"] == "leak").sum() == threats["leaked"]
    # A threat is killed at most once and never leaks after being killed.
    killed = events.loc[events["kind"] == "kill", "threat_id"]
    assert killed.is_unique
    assert not set(killed) & set(events.loc[events["kind"] == "leak", "threat_id"])
    # Every round launched is accounted for: it intercepted or self-destructed, or flies on.
    launched = (events["kind"] == "interceptor_launch").sum()
    resolved = events["kind"].isin(["intercept", "self_destruct"]).sum()
    assert resolved <= launched == summary["interceptors"]["fired"]
    assert summary["cost"]["interceptors_usd"] == pytest.approx(
        sum(b["cost_usd"] for b in summary["interceptors"]["by_battery"].values()))


@pytest.mark.parametrize("name", BUILTINS)
def test_event_log_is_typed_and_time_ordered(runs, name):
    events = runs[name].events
    assert list(events.columns) == list(COLUMNS)
    assert events["time_s"].is_monotonic_increasing
    assert set(events["kind"].cat.categories) == {kind.value for kind in EventKind}
    assert events["threat_id"].dtype == np.int32
    detections = events[events["kind"] == "detection"]
    assert (detections["threat_id"] >= 0).all() and detections["sensor"].notna().all()


def test_layered_defense_uses_several_layers_and_sees_every_threat(runs):
    summary = runs["layered-defense"].summary
    assert summary["threats"]["detected"] == summary["threats"]["total"]
    firing = [name for name, battery in summary["interceptors"]["by_battery"].items()
              if battery["fired"] > 0]
    assert len(firing) >= 2, firing
    assert {group["kind"] for group in summary["by_group"]} == {
        "ballistic_missile", "cruise_missile", "aircraft", "drone"}


def test_saturation_exhausts_magazines_and_leaks(runs):
    summary = runs["saturation"].summary
    assert summary["verdict"] == "not_defended"
    assert summary["threats"]["leaked"] > summary["threats"]["total"] / 2
    fired = summary["interceptors"]["fired"]
    # Every battery fired everything it had (launchers + reserve).
    assert fired >= 24 + 16  # the missile batteries' whole stocks
    assert summary["cost"]["interceptor_usd_per_threat_usd_killed"] > 1.0


def test_sinop_trial_reports_a_trial_verdict(runs):
    summary = runs["sinop-trial"].summary
    assert summary["verdict"] == "trial"
    assert summary["assets"] == []
    assert summary["threats"]["detected"] >= 1


def test_same_seed_gives_an_identical_event_log():
    first = iadsim.run("sinop-trial", seed=5)
    second = iadsim.run("sinop-trial", seed=5)
    pd.testing.assert_frame_equal(first.events, second.events, check_exact=True)
    assert first.summary["threats"] == second.summary["threats"]


def test_a_different_seed_changes_the_run():
    first = iadsim.run("sinop-trial", seed=5)
    other = iadsim.run("sinop-trial", seed=6)
    assert not first.events.equals(other.events)


def test_written_run_matches_memory(tmp_path):
    result = iadsim.run("sinop-trial", seed=2, out=tmp_path / "run")
    events = pd.read_parquet(tmp_path / "run" / "events.parquet")
    # An empty categorical (no assets at a test range) comes back from Parquet as object.
    assert events["asset"].isna().all() and result.events["asset"].isna().all()
    pd.testing.assert_frame_equal(events.drop(columns="asset"),
                                  result.events.drop(columns="asset"), check_categorical=False)
    assert events["kind"].dtype == "category" and events["sensor"].dtype == "category"
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary == json.loads(json.dumps(result.summary))
    assert not [p for p in (tmp_path / "run").iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("name", BUILTINS)
def test_the_tracker_drops_a_fresh_track_only_when_the_manager_judged_it_killed(runs, name):
    """Kills reach the tracker from the battle manager's judgement, never from the truth:
    every track dropped before its timeout was judged killed one step earlier (the tracker
    runs before the manager in a step)."""
    events = runs[name].events
    tracking = runs[name].scenario.tracking
    timeout = min(tracking.coast_timeout_s, tracking.tentative_timeout_s)
    drops = events[(events["kind"] == "track_drop") & (events["value"] <= timeout)]
    judged = events[(events["kind"] == "kill_assessment") & (events["value"] == 1.0)]
    dt_s = runs[name].scenario.sim.dt_s
    assert len(drops) > 0 or name == "sinop-trial"
    assert set(zip(drops["track_id"], drops["time_s"].round(6), strict=True)) <= set(
        zip(judged["track_id"], (judged["time_s"] + dt_s).round(6), strict=True))
    assessed = events[events["kind"] == "kill_assessment"]
    launches = events[events["kind"] == "interceptor_launch"].set_index("interceptor_id")
    # Each judgement names its engagement's last round, launched at that track by that battery.
    assert assessed["interceptor_id"].is_unique
    rounds = launches.loc[assessed["interceptor_id"]]
    assert (rounds["track_id"].to_numpy() == assessed["track_id"].to_numpy()).all()
    assert (rounds["battery"].to_numpy() == assessed["battery"].to_numpy()).all()
    score = runs[name].summary["kill_assessment"]
    assert score["assessments"] == len(assessed)
    assert score["false_kills"] + score["missed_kills"] + score["unscored"] <= len(assessed)
