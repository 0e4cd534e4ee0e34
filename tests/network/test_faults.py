"""Scenario faults: the schema, the references they name, and when they start and end."""

from __future__ import annotations

import pytest

from iadsim.errors import ScenarioError
from iadsim.network.faults import FaultSchedule
from small_site_builder import small_site


def test_faults_start_and_end_once_each_in_list_order():
    scenario = small_site(faults=[
        {"kind": "link_cut", "target": "sam-home", "start_s": 10.0, "end_s": 20.0},
        {"kind": "radar_down", "target": "home-radar", "start_s": 10.0}])
    schedule = FaultSchedule(scenario.faults)
    assert schedule.update(9.5) == []
    started = schedule.update(10.0)
    assert [(c.index, c.started) for c in started] == [(0, True), (1, True)]
    assert schedule.update(15.0) == []
    assert [(c.index, c.started) for c in schedule.update(20.0)] == [(0, False)]
    assert schedule.update(10_000.0) == []  # no end: down to the end of the run
    assert schedule.windows("radar_down", "home-radar") == ((10.0, float("inf")),)
    assert schedule.windows("radar_down", "east-radar") == ()


@pytest.mark.parametrize(("fault", "message"), [
    ({"kind": "radar_down", "target": "sam-home", "start_s": 0.0},
     "faults[0].target: unknown sensor 'sam-home'"),
    ({"kind": "link_cut", "target": "nowhere", "start_s": 0.0},
     "faults[0].target: unknown radar or battery 'nowhere'"),
    ({"kind": "link_cut", "target": "sam-home", "start_s": 5.0, "end_s": 5.0},
     "end_s must be greater than start_s"),
    ({"kind": "jamming", "target": "sam-home", "start_s": 5.0},
     "faults[0].kind"),
])
def test_bad_faults_are_refused_with_the_field_named(fault, message):
    with pytest.raises(ScenarioError) as error:
        small_site(faults=[fault])
    assert message in str(error.value)
