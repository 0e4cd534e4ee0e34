"""A battery's ``fire_control``: from the catalog's gun profile, overridable, refused when
absurd (one line naming the field)."""

from __future__ import annotations

import pytest

from iadsim.errors import ScenarioError
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.loader import load_scenario


def test_the_point_defence_guns_of_layered_defense_have_directors_and_missiles_do_not():
    batteries = {b.name: b for b in load_scenario("layered-defense").batteries}
    gun = batteries["gun-refinery"].fire_control
    assert gun is not None
    assert (gun.range_sigma_m, gun.angle_sigma_mrad, gun.update_rate_hz, gun.max_range_km,
            gun.process_noise_mps2) == (3.0, 1.0, 20.0, 15.0, 1.0)
    assert batteries["sr-battery-refinery"].fire_control is None


def document(fire_control: dict | None) -> dict:
    battery = {"name": "gun", "profile": "point-defense-gun", "lat_deg": 40.0,
               "lon_deg": 33.0, "radars": ["search"]}
    if fire_control is not None:
        battery["fire_control"] = fire_control
    return {"name": "fire-control-schema", "origin": {"lat_deg": 40.0, "lon_deg": 33.0},
            "sim": {"duration_s": 60.0},
            "sensors": [{"name": "search", "profile": "short-range-radar", "lat_deg": 40.0,
                         "lon_deg": 33.0}],
            "batteries": [battery]}


def test_a_scenario_overrides_the_directors_and_is_refused_a_zero_rate():
    custom = {"range_sigma_m": 1.0, "angle_sigma_mrad": 0.3, "update_rate_hz": 50,
              "max_range_km": 8}
    fire_control = scenario_from_dict(document(custom)).batteries[0].fire_control
    assert (fire_control.angle_sigma_mrad, fire_control.acquisition_gate_m) == (0.3, 150.0)
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(document({**custom, "update_rate_hz": 0}))
    [line] = caught.value.lines()
    assert "fire_control.update_rate_hz" in line


def test_engagement_radars_have_track_capacities_from_the_catalog_and_a_scenario_overrides():
    sensors = {s.name: s for s in load_scenario("layered-defense").sensors}
    assert sensors["lr-engagement"].track_capacity == 30
    assert sensors["mr-radar-west"].track_capacity == 12
    assert sensors["sr-radar-refinery"].track_capacity == 6
    assert sensors["lr-search"].track_capacity is None  # surveillance only
    changed = document(None)
    changed["sensors"][0]["track_capacity"] = 3
    assert scenario_from_dict(changed).sensors[0].track_capacity == 3
    changed["sensors"][0]["track_capacity"] = None  # the role taken away
    assert scenario_from_dict(changed).sensors[0].track_capacity is None
    changed["sensors"][0]["track_capacity"] = 0
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(changed)
    [line] = caught.value.lines()
    assert "track_capacity" in line
