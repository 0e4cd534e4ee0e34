"""Scenario files: schema, loading, the catalog of notional profiles, built-in scenarios."""

from iadsim.scenario.loader import builtin_names, load_scenario, scenario_from_dict
from iadsim.scenario.schema import Scenario

__all__ = ["Scenario", "builtin_names", "load_scenario", "scenario_from_dict"]
