"""layered-defense as shipped (seed 1) layers: the long-range battery spends its rounds on
the ballistic missiles and aircraft (and three drones far out), the refinery's short-range
battery and guns take the drones, the medium-range battery at the air base the cruise
missiles; nothing leaks.

A round is counted against the threat of its intercept event when it passed within 1 km
of it; rounds fired at false tracks (which pass tens of km from any threat) are left out.
"""

from __future__ import annotations

import pytest

import iadsim

# sr-battery-center fires one round at a false track (no intercept within 1 km of any
# threat): the radars produce their volumes' realistic false-alarm loads (issue 20) and the
# 4-of-6 confirmation still lets a few through (9 false tracks in this run since misses
# are charged only inside a radar's coverage; 5 before, when every radar counted all round).
# The pinned rounds below were re-measured then (h-imm), and again when the battle manager
# began to check each round's launch solution: gun-refinery-east no longer fires five
# bursts it has no intercept for (16 -> 15 rounds, 1 -> 3 kills), and with the guns'
# kills sr-battery-refinery needs two rounds, not three.
FIRING = {"lr-battery", "mr-battery-west", "sr-battery-center", "sr-battery-refinery",
          "gun-refinery", "gun-refinery-east"}


@pytest.fixture(scope="module")
def run() -> iadsim.RunResult:
    return iadsim.run("layered-defense", seed=1)


@pytest.fixture(scope="module")
def kinds_by_battery(run) -> dict[str, dict[str, int]]:
    """Battery -> threat kind -> rounds that passed within 1 km of a threat of that kind."""
    events = run.events
    kind_of = dict(zip(run.threats["threat_id"], run.threats["kind"].astype(str), strict=True))
    launches = events[events["kind"] == "interceptor_launch"]
    battery_of = dict(zip(launches["interceptor_id"], launches["battery"].astype(str),
                          strict=True))
    near = events[(events["kind"] == "intercept") & (events["value"] < 1_000.0)]
    table: dict[str, dict[str, int]] = {}
    for interceptor, threat in zip(near["interceptor_id"], near["threat_id"], strict=True):
        row = table.setdefault(battery_of[interceptor], {})
        row[kind_of[threat]] = row.get(kind_of[threat], 0) + 1
    return table


def test_exactly_the_expected_batteries_fire(run):
    by_battery = run.summary["interceptors"]["by_battery"]
    assert {name for name, battery in by_battery.items() if battery["fired"]} == FIRING


def test_long_range_rounds_go_to_ballistic_missiles_and_aircraft_first(kinds_by_battery):
    long_range = kinds_by_battery["lr-battery"]
    assert long_range["ballistic_missile"] == 4  # one round each, every one killed
    assert long_range["aircraft"] == 3  # one aircraft took a second round
    # Three drones engaged far out, beyond what the refinery's layers could reach in time.
    assert long_range["drone"] == 3


def test_the_refinery_point_defence_takes_the_drones(kinds_by_battery):
    for battery in ("sr-battery-refinery", "gun-refinery", "gun-refinery-east"):
        assert set(kinds_by_battery[battery]) == {"drone"}, battery
    assert kinds_by_battery["gun-refinery"]["drone"] == 12
    assert kinds_by_battery["gun-refinery-east"]["drone"] == 15
    assert kinds_by_battery["sr-battery-refinery"]["drone"] == 2


def test_the_whole_table_of_rounds_by_battery_and_threat_kind(kinds_by_battery):
    assert kinds_by_battery == {
        "lr-battery": {"aircraft": 3, "ballistic_missile": 4, "drone": 3},
        "mr-battery-west": {"cruise_missile": 9},
        "sr-battery-refinery": {"drone": 2},
        "gun-refinery": {"drone": 12},
        "gun-refinery-east": {"drone": 15},
    }


def test_the_medium_range_battery_takes_the_cruise_missiles(kinds_by_battery):
    assert set(kinds_by_battery["mr-battery-west"]) == {"cruise_missile"}


def test_nothing_leaks_and_the_long_range_magazine_lasts(run):
    kinds = run.summary["by_kind"]
    for kind, total in (("drone", 12), ("cruise_missile", 6), ("ballistic_missile", 4),
                        ("aircraft", 2)):
        assert kinds[kind]["killed"] == kinds[kind]["total"] == total, kind
    lr = run.summary["interceptors"]["by_battery"]["lr-battery"]
    # 11 of 32: 9 kills, a second round at an aircraft, one at a false track (no threat
    # within 1 km).
    assert lr["fired"] == 11
    assert run.summary["verdict_text"] == "DEFENDED: no threat reached a defended asset."
