"""Does the picture matter? Kills per round with the shipped radars and with degraded ones.

For each scenario and radar set, runs seeds 1..``--seeds`` and prints one JSON line with
the interceptors fired, the threats killed and kills per round (killed / fired, over all
seeds). Degraded radars: every radar's range sigma 3 km and azimuth and elevation sigma
3 degrees (everything else as shipped). With an honest endgame (issue 16) a worse picture
costs kills: seekers are cued off the target, rounds fly to the wrong place, and engagements
are spent on tracks that are not where the threat is.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/sensor_sensitivity.py --seeds 20
"""

from __future__ import annotations

import argparse
import json
import time

import iadsim
from iadsim.scenario.loader import load_scenario
from iadsim.scenario.schema import Scenario

DEGRADED = {"range_sigma_m": 3_000.0, "azimuth_sigma_deg": 3.0, "elevation_sigma_deg": 3.0}
SCENARIOS = ("sinop-trial", "layered-defense")


def degraded(scenario: Scenario, noise: dict[str, float] | None = None) -> Scenario:
    """The scenario with every radar's measurement noise replaced by ``noise``.

    ``noise`` maps ``range_sigma_m``, ``azimuth_sigma_deg`` and ``elevation_sigma_deg`` to
    their new values; :data:`DEGRADED` by default.
    """
    document = scenario.model_dump()
    replacement = DEGRADED if noise is None else noise
    document["sensors"] = [{**sensor, **replacement} for sensor in document["sensors"]]
    return Scenario.model_validate(document)


def kills_per_round(scenario: Scenario, seeds: range) -> dict:
    fired = killed = 0
    for seed in seeds:
        events = iadsim.run(scenario, seed=seed).events
        kinds = events["kind"].value_counts()
        fired += int(kinds.get("interceptor_launch", 0))
        killed += int(kinds.get("kill", 0))
    return {"fired": fired, "killed": killed,
            "kills_per_round": round(killed / fired, 3) if fired else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS))
    arguments = parser.parse_args()
    seeds = range(1, arguments.seeds + 1)
    for name in arguments.scenarios:
        shipped = load_scenario(name)
        for label, scenario in (("shipped", shipped), ("degraded", degraded(shipped))):
            begin = time.perf_counter()
            result = kills_per_round(scenario, seeds)
            print(json.dumps({"bench": "sensor_sensitivity", "scenario": name, "radars": label,
                              "seeds": len(seeds), **result,
                              "wall_s": round(time.perf_counter() - begin, 1)}), flush=True)


if __name__ == "__main__":
    main()
