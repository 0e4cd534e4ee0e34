"""Replication cost: CPU seconds of one Monte Carlo replication, split by pipeline stage.

Runs replications of ``--scenario`` (default ``layered-defense``) the way a Monte Carlo
worker runs them (:func:`iadsim.analysis.monte_carlo.run_replication`, replication seeds
1, 2, ...) after one warm-up replication, and prints one JSON line:
``{"bench": "replication_cost", "cpu_s_per_replication": ..., "tracker": ..., ...}``, the
process CPU seconds per replication spent in each stage's entry points (tracker: scan
processing, picture and drops; battle manager; radar scans; interceptor flyout), in the
rest of the step loop (``engine_other``: threat motion, fire-control directors, network,
track recording, logging done by the engine), and outside the step loop
(``outside_simulation``: scenario checks, event frame, track-quality scoring, summary,
row). ``projected_s_for_1000_on_2_cores`` is ``1000 x cpu / 2``: what 1,000 replications
would take on two idle cores at perfect scaling (issue 19's target: under 300 s).

Process CPU time is less inflated than wall time on a machine shared with other jobs, but
not immune (two jobs on one core's hyperthreads slow each other): compare trees by
interleaving runs, and read ratios, not absolute figures.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/replication_cost.py --replications 4
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

#: (module, class or None, attribute, stage label): the timed entry points.
STAGES = (
    ("iadsim.tracking.tracker", "CentralTracker", "process_scans", "tracker"),
    ("iadsim.tracking.tracker", "CentralTracker", "picture", "tracker"),
    ("iadsim.tracking.tracker", "CentralTracker", "drop", "tracker"),
    ("iadsim.c2.battle_manager", "BattleManager", "step", "battle_manager"),
    ("iadsim.sensors.radar", "RadarNetwork", "scan", "radar_scan"),
    ("iadsim.effectors.flyout", "InterceptorFleet", "step", "flyout"),
    ("iadsim.engine.simulation", "Simulation", "run", "simulation_run"),
)


def _timed(original: Callable[..., Any], label: str, spent: dict[str, float]
           ) -> Callable[..., Any]:
    """``original`` with its process CPU time added to ``spent[label]``."""
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.process_time() - started
    return timed


def measure(scenario_name: str, replications: int) -> dict[str, Any]:
    """CPU seconds per replication, in total and by stage (see the module docstring)."""
    import importlib

    import iadsim
    from iadsim.analysis.monte_carlo import replication_seed, run_replication

    spent: dict[str, float] = {}
    for module_name, class_name, attribute, label in STAGES:
        owner = getattr(importlib.import_module(module_name), class_name)
        setattr(owner, attribute, _timed(getattr(owner, attribute), label, spent))
    scenario = iadsim.load_scenario(scenario_name)
    seed = scenario.sim.seed
    run_replication(scenario, 0, replication_seed(seed, 0), False)  # kernels, caches
    spent.clear()
    started = time.process_time()
    for index in range(1, replications + 1):
        run_replication(scenario, index, replication_seed(seed, index), False)
    total = (time.process_time() - started) / replications
    per = {label: spent.get(label, 0.0) / replications
           for label in ("tracker", "battle_manager", "radar_scan", "flyout",
                         "simulation_run")}
    per["engine_other"] = per["simulation_run"] - sum(
        per[label] for label in ("tracker", "battle_manager", "radar_scan", "flyout"))
    per["outside_simulation"] = total - per.pop("simulation_run")
    return {"bench": "replication_cost", "scenario": scenario_name,
            "replications": replications, "cpu_s_per_replication": round(total, 4),
            **{label: round(value, 4) for label, value in per.items()},
            "projected_s_for_1000_on_2_cores": round(1000 * total / 2, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="layered-defense")
    parser.add_argument("--replications", type=int, default=4)
    arguments = parser.parse_args()
    if arguments.replications < 1:
        parser.error(f"--replications must be at least 1, got {arguments.replications}")
    print(json.dumps(measure(arguments.scenario, arguments.replications)), flush=True)


if __name__ == "__main__":
    sys.exit(main())
