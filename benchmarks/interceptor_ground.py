"""What making the smooth earth the rounds' ground would change in the built-in scenarios.

Runs each built-in (its own seed) with ``sim.interceptor_ground`` and
``sim.interceptor_clearance_m`` as shipped (``terrain``, 0), ``earth`` with no clearance,
``earth`` with a 30 m midcourse clearance and ``terrain`` with 30 m, and prints one JSON
line each: rounds launched, kills, leaks, rounds and threats that ended in the ground.
The evidence behind keeping ``terrain`` the default (docs/models.md, "Limits of the
terrain model": the table of launches, kills and leaks).

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/interceptor_ground.py valley-defense
"""

from __future__ import annotations

import argparse
import json

import iadsim
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.loader import builtin_names, load_scenario

VARIANTS = {"shipped": {}, "earth": {"interceptor_ground": "earth"},
            "earth-30m": {"interceptor_ground": "earth", "interceptor_clearance_m": 30.0},
            "terrain-30m": {"interceptor_clearance_m": 30.0}}


def outcome(name: str, variant: str) -> dict:
    """One run of built-in ``name`` with the ``sim`` changes of ``variant``."""
    document = load_scenario(name).model_dump(mode="json", exclude_none=True)
    document["sim"].update(VARIANTS[variant])
    events = iadsim.run(scenario_from_dict(document, source=name)).events
    kinds = events["kind"]
    grounded = events[kinds == "ground_impact"]
    return {"bench": "interceptor_ground", "scenario": name, "variant": variant,
            "launches": int((kinds == "interceptor_launch").sum()),
            "kills": int((kinds == "kill").sum()), "leaks": int((kinds == "leak").sum()),
            "rounds_in_ground": int((grounded["interceptor_id"] >= 0).sum()),
            "threats_in_ground": int((grounded["threat_id"] >= 0).sum())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="built-in names (default: all)")
    names = parser.parse_args().scenarios or builtin_names()
    for name in names:
        for variant in VARIANTS:
            print(json.dumps(outcome(name, variant)), flush=True)


if __name__ == "__main__":
    main()
