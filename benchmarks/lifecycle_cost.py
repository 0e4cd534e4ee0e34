"""Lifecycle cost: CPU milliseconds per replication of track births and deaths and of
event logging (issue 19).

Runs replications of ``--scenario`` (default ``layered-defense``) as a Monte Carlo worker
does, after one warm-up replication, with the tracker's birth and death methods and the
event log's appends wrapped, and prints one JSON line: each wrapped method's *exclusive*
process CPU milliseconds per replication (its time less that of the wrapped methods it
calls), ``block_ms`` (their sum: starts, removals, drops, merge checks and the
``add``/``add_stored`` appends of every caller, but not ``add_kinds``, the radar's) and
``total_ms`` (the whole replication). A method a tree does not have is left out, so two
trees compare by ``block_ms``: interleave their runs and read ratios (the wrappers add
about a microsecond a call to both).

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/lifecycle_cost.py --replications 4
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

#: The tracker's birth and death methods (those a tree has are wrapped).
TRACKER_METHODS = ("_start_waiting", "_initiate_from_plots", "_start_tracks", "_append",
                   "_remove", "drop", "_merge_duplicates")
#: The event log's appends, and whether they count in ``block_ms``.
LOG_METHODS = {"add": True, "add_stored": True, "add_kinds": False}


def _wrapped(original: Callable[..., Any], label: str, spent: dict[str, float],
             stack: list[float]) -> Callable[..., Any]:
    """``original`` with its exclusive process CPU time added to ``spent[label]``."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        stack.append(0.0)
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            elapsed = time.process_time() - started
            inner = stack.pop()
            spent[label] = spent.get(label, 0.0) + elapsed - inner
            if stack:
                stack[-1] += elapsed
    return wrapper


def measure(scenario_name: str, replications: int) -> dict[str, Any]:
    """Exclusive CPU milliseconds per replication (see the module docstring)."""
    import iadsim
    from iadsim.analysis.monte_carlo import replication_seed, run_replication
    from iadsim.events import EventLog
    from iadsim.tracking.tracker import CentralTracker

    spent: dict[str, float] = {}
    stack: list[float] = []
    block = set()
    for name in TRACKER_METHODS:
        if hasattr(CentralTracker, name):
            setattr(CentralTracker, name,
                    _wrapped(getattr(CentralTracker, name), name, spent, stack))
            block.add(name)
    for name, counted in LOG_METHODS.items():
        if hasattr(EventLog, name):
            label = f"log.{name}"
            setattr(EventLog, name, _wrapped(getattr(EventLog, name), label, spent, stack))
            if counted:
                block.add(label)
    scenario = iadsim.load_scenario(scenario_name)
    seed = scenario.sim.seed
    run_replication(scenario, 0, replication_seed(seed, 0), False)  # kernels, caches
    spent.clear()
    started = time.process_time()
    for index in range(1, replications + 1):
        run_replication(scenario, index, replication_seed(seed, index), False)
    total = time.process_time() - started
    per = {label: round(1e3 * value / replications, 1) for label, value in sorted(spent.items())}
    return {"bench": "lifecycle_cost", "scenario": scenario_name,
            "replications": replications, **per,
            "block_ms": round(1e3 * sum(spent.get(label, 0.0) for label in block)
                              / replications, 1),
            "total_ms": round(1e3 * total / replications, 1)}


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
