"""The catalog of notional profiles: labelled and sourced, usable as is, overridable field by
field, and interceptors that batteries name are added from it."""

from __future__ import annotations

import copy
from importlib import resources

import pytest

from iadsim.scenario import catalog, scenario_from_dict
from iadsim.scenario.loader import builtin_text
from iadsim.scenario.yaml_loader import load_yaml

CATALOG_FOLDER = resources.files("iadsim.scenario") / "catalog"
CATALOG_FILES = sorted(p.name for p in CATALOG_FOLDER.iterdir() if p.name.endswith(".yaml"))


def catalog_entries() -> list[tuple[str, str, str, dict]]:
    """(file, section, profile name, fields) for every profile, read straight from the YAML."""
    entries = []
    for file_name in CATALOG_FILES:
        document = load_yaml((CATALOG_FOLDER / file_name).read_text("utf-8"))
        for section, profiles in document.items():
            entries += [(file_name, section, name, fields) for name, fields in profiles.items()]
    return entries


ENTRIES = catalog_entries()


@pytest.fixture
def base() -> dict:
    return load_yaml(builtin_text("sinop-trial"))


def test_the_catalog_is_the_notional_file_with_every_section():
    assert "notional.yaml" in CATALOG_FILES
    sections = {section for _, section, _, _ in ENTRIES}
    assert sections == set(catalog.SECTION_TO_CATALOG.values())


@pytest.mark.parametrize(("file_name", "section", "name", "fields"), ENTRIES,
                         ids=[f"{section}.{name}" for _, section, name, _ in ENTRIES])
def test_every_profile_is_labelled_notional_and_names_its_source(file_name, section, name,
                                                                 fields):
    assert isinstance(fields.get("source"), str) and fields["source"].strip(), (file_name, name)
    assert "notional" in fields.get("description", "").lower(), (file_name, name)


def entry_for(section: str, name: str, base: dict) -> tuple[dict, dict]:
    """A copy of the base scenario whose first entry of ``section`` uses profile ``name``."""
    document = copy.deepcopy(base)
    if section == "radars":
        document["sensors"][1] = {"name": "engagement-radar", "profile": name,
                                  "lat_deg": 42.005, "lon_deg": 35.12}
    elif section == "interceptors":
        document["batteries"][0]["interceptor"] = name
    elif section == "batteries":
        document["batteries"][0] = {"name": "trial-battery", "profile": name,
                                    "lat_deg": 42.005, "lon_deg": 35.12,
                                    "radars": ["search-radar"]}
    elif catalog.profile("threats", name)["kind"] == "ballistic_missile":
        document["threats"][0] = {"name": "high-run", "profile": name, "apogee_km": 80,
                                  "launch": {"lat_deg": 44.5, "lon_deg": 35.0},
                                  "impact": {"lat_deg": 42.0, "lon_deg": 35.1}}
    else:
        document["threats"][0] = {"name": "high-run", "profile": name,
                                  "route": base["threats"][0]["route"]}
    return document


@pytest.mark.parametrize(("section", "name"), [(s, n) for _, s, n, _ in ENTRIES],
                         ids=[f"{s}.{n}" for _, s, n, _ in ENTRIES])
def test_every_profile_validates_with_only_a_name_and_a_place(section, name, base):
    scenario = scenario_from_dict(entry_for(section, name, base), source="catalog-check")
    used = {"radars": scenario.sensors[1], "interceptors": scenario.interceptors[0],
            "batteries": scenario.batteries[0], "threats": scenario.threats[0]}[section]
    assert used.profile == name
    assert used.source == catalog.profile(section, name)["source"]


def test_entry_fields_override_the_profile(base):
    document = copy.deepcopy(base)
    document["sensors"][0] = {"name": "search-radar", "profile": "s400-class-search-radar",
                              "lat_deg": 42.0, "lon_deg": 35.1, "max_range_km": 100}
    radar = scenario_from_dict(document).sensors[0]
    assert radar.max_range_km == 100
    # Everything not overridden comes from the profile.
    assert radar.ref_range_km == 390 and radar.revisit_s == 10 and radar.range_sigma_m == 150
    assert catalog.profile("radars", "s400-class-search-radar")["max_range_km"] == 600


def test_a_catalogued_interceptor_named_by_a_battery_is_added(base):
    assert "interceptors" not in base
    scenario = scenario_from_dict(base)
    assert [i.name for i in scenario.interceptors] == ["s400-class-long-range-missile"]
    interceptor = scenario.interceptors[0]
    assert interceptor.profile == "s400-class-long-range-missile"
    assert interceptor.max_range_km == 250 and interceptor.cost_per_round_usd == 2_000_000
    assert scenario.batteries[0].interceptor == "s400-class-long-range-missile"


def test_a_declared_interceptor_is_not_replaced_by_the_catalog(base):
    document = copy.deepcopy(base)
    document["interceptors"] = [{"name": "s400-class-long-range-missile",
                                 "profile": "s400-class-long-range-missile",
                                 "max_range_km": 200}]
    scenario = scenario_from_dict(document)
    assert [(i.name, i.max_range_km) for i in scenario.interceptors] == [
        ("s400-class-long-range-missile", 200)]
