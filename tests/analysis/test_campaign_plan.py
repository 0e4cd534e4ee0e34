"""The plan of an inventory campaign, by hand: deliveries, the depot's issues, the nights."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from iadsim.analysis.campaign_plan import (
    campaign_types,
    deliveries,
    full_loads,
    issue_rounds,
    night_scenario,
)
from iadsim.scenario import scenario_from_dict
from small_site_builder import SMALL_SITE


def site_with(campaign: dict, **threat_changes) -> object:
    document = copy.deepcopy(SMALL_SITE)
    document["threats"][0].update(threat_changes)
    document["threats"].append({**copy.deepcopy(document["threats"][0]), "name": "second",
                                "count": 1})
    document["campaign"] = campaign
    return scenario_from_dict(document)


@pytest.mark.parametrize(("supply", "expected"), [
    # Made on day d, here on day d + 2: nothing on days 1-2.
    ({"rounds_per_day": 2, "delay_days": 2}, [0, 0, 2, 2, 2]),
    # Half a round a day, the same day: a whole round every second day.
    ({"rounds_per_day": 0.5, "delay_days": 0}, [0, 1, 0, 1, 0]),
    # A cap of 3 rounds over the campaign: 2, then the 1 left.
    ({"rounds_per_day": 2, "delay_days": 1, "max_rounds": 3}, [0, 2, 1, 0, 0]),
    # Production from day 3, a day in transit.
    ({"rounds_per_day": 4, "first_day": 3}, [0, 0, 0, 4, 4]),
    # 0.3 a day for 10 days is 3 rounds, despite 0.3 x 10 = 2.9999... in binary.
    ({"rounds_per_day": 0.3, "delay_days": 0}, None),
])
def test_deliveries_arrive_on_the_day_they_are_due(supply, expected):
    days = 10 if expected is None else 5
    scenario = site_with({"days": days, "resupply": [{"interceptor": "gun-burst", **supply}]})
    assert campaign_types(scenario) == ["sam-missile", "gun-burst"]
    arriving = deliveries(scenario)
    assert arriving.shape == (days, 2)
    assert arriving[:, 0].tolist() == [0] * days  # no resupply of the missiles
    if expected is None:
        assert arriving[:, 1].sum() == 3
    else:
        assert arriving[:, 1].tolist() == expected


def test_the_depot_refills_the_neediest_battery_first_never_above_a_full_load():
    stock = np.array([2, 5, 0])
    # Shortfalls 6, 3, 4: rounds one at a time to the largest shortfall, the first of equals.
    new, left = issue_rounds(stock, np.array([8, 8, 4]), 7)
    assert new.tolist() == [6, 6, 2] and left == 0
    assert stock.tolist() == [2, 5, 0]  # input unchanged
    new, left = issue_rounds(stock, np.array([8, 8, 4]), 100)
    assert new.tolist() == [8, 8, 4] and left == 87
    new, left = issue_rounds(np.array([9]), np.array([8]), 3)  # already above: kept
    assert new.tolist() == [9] and left == 3
    with pytest.raises(ValueError, match="depot must be >= 0"):
        issue_rounds(stock, np.array([8, 8, 4]), -1)


def test_full_load_is_launchers_times_rounds_plus_reserve():
    scenario = site_with({"days": 1})
    assert full_loads(scenario).tolist() == [2 * 4 + 0, 1 * 50 + 0]


def test_each_night_flies_the_scheduled_groups_with_their_counts_and_start_times():
    scenario = site_with({"days": 3, "raids": [
        {"group": "cruise-pair", "counts": [4, 0, 1], "start_s": 30.0},
        {"group": "second", "days": [2]}]})
    first = night_scenario(scenario, 1)
    assert [(g.name, g.count, g.start_s) for g in first.threats] == [("cruise-pair", 4, 30.0)]
    assert first.campaign is None and first.sim.record_tracks is False
    second = night_scenario(scenario, 2)
    assert [(g.name, g.count) for g in second.threats] == [("second", 1)]
    assert [g.count for g in night_scenario(scenario, 3).threats] == [1]
    # A group no schedule names flies every night as written.
    plain = site_with({"days": 2, "raids": [{"group": "second", "days": [2]}]})
    assert [g.name for g in night_scenario(plain, 1).threats] == ["cruise-pair"]
    assert [g.name for g in night_scenario(plain, 2).threats] == ["cruise-pair", "second"]
    quiet = site_with({"days": 2, "raids": [{"group": "cruise-pair", "days": [1]},
                                            {"group": "second", "days": [1]}]})
    assert night_scenario(quiet, 2) is None
    with pytest.raises(ValueError, match="day must be from 1 to 2"):
        night_scenario(quiet, 3)
