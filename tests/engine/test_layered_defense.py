"""layered-defense as shipped (seed 1) layers: the long-range battery spends its rounds on
ballistic missiles and aircraft, the refinery's short-range battery and guns take the
drones, the medium-range battery at the air base the cruise missiles.

A round is counted against the threat of its intercept event when it passed within 1 km
of it; rounds fired at false tracks (which pass tens of km from any threat) are left out.
"""

from __future__ import annotations

import pytest

import iadsim

FIRING = {"lr-battery", "mr-battery-west", "sr-battery-refinery", "gun-refinery",
          "gun-refinery-east"}


GUNS_AND_BALLISTIC = pytest.mark.xfail(strict=True, reason=(
    "after the h-wta merge onto the flown flyout: guns kill no drone (misses 13-500 m) and "
    "the long-range rounds miss every ballistic missile by 3-4 km; being fixed (issue 16)"))


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


@GUNS_AND_BALLISTIC
def test_long_range_rounds_go_to_ballistic_missiles_and_aircraft_only(kinds_by_battery):
    assert set(kinds_by_battery["lr-battery"]) == {"ballistic_missile", "aircraft"}
    assert kinds_by_battery["lr-battery"]["ballistic_missile"] == 4  # one round each


@GUNS_AND_BALLISTIC
def test_the_refinery_point_defence_takes_the_drones(kinds_by_battery):
    for battery in ("sr-battery-refinery", "gun-refinery", "gun-refinery-east"):
        assert set(kinds_by_battery[battery]) == {"drone"}, battery
    # Both gun pairs empty their ready bursts (8 per gun); the missiles take the rest.
    assert kinds_by_battery["gun-refinery"]["drone"] == 16
    assert kinds_by_battery["gun-refinery-east"]["drone"] == 16
    assert kinds_by_battery["sr-battery-refinery"]["drone"] == 3


@GUNS_AND_BALLISTIC
def test_the_whole_table_of_rounds_by_battery_and_threat_kind(kinds_by_battery):
    assert kinds_by_battery == {
        "lr-battery": {"aircraft": 3, "ballistic_missile": 4},
        "mr-battery-west": {"cruise_missile": 8},
        "sr-battery-refinery": {"drone": 3},
        "gun-refinery": {"drone": 16},
        "gun-refinery-east": {"drone": 16},
    }


def test_the_medium_range_battery_takes_the_cruise_missiles(kinds_by_battery):
    assert set(kinds_by_battery["mr-battery-west"]) == {"cruise_missile"}


# Passes since the guns aim from their fire-control directors (h-guns): every drone killed.
def test_no_drone_and_no_cruise_missile_leaks_and_the_long_range_magazine_lasts(run):
    kinds = run.summary["by_kind"]
    assert kinds["drone"]["killed"] == kinds["drone"]["total"] == 12
    assert kinds["cruise_missile"]["killed"] == kinds["cruise_missile"]["total"] == 6
    lr = run.summary["interceptors"]["by_battery"]["lr-battery"]
    assert lr["fired"] == 8  # of 32: 4 ballistic, 3 aircraft, 1 at a false track
