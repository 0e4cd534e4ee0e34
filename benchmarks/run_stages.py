"""One run of a scenario: wall and CPU time, and the CPU time of each stage.

Prints one JSON line per measurement (run ``--help`` for the options):

* ``run``: the median over ``--runs`` runs (after one warm-up run in the same process,
  which loads the compiled kernels and fills the per-process caches) of the wall time
  (``time.perf_counter``) and the CPU time (``time.process_time``) of
  ``iadsim.run(scenario, seed)``;
* ``run_stages``: the median CPU seconds (``time.thread_time``) spent in each stage over
  the same number of further runs, the stage methods wrapped with counters (which adds
  about 1 us per call). Event-log appends are counted inside the stage that makes them
  too, and the false alarms inside the radar scan.

On a machine shared with other jobs, compare CPU times and ratios taken back to back.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/run_stages.py --scenario layered-defense --runs 3
    PYTHONPATH=src .venv/bin/python benchmarks/run_stages.py --radar-look-times scheduled

``--radar-look-times`` runs the scenario with ``sim.radar_look_times`` set (default: the
scenario's own); the lines then carry it.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def _timed_runs(run: Callable[[], Any], runs: int) -> dict[str, float]:
    wall, cpu = [], []
    for _ in range(runs):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - wall_start)
        cpu.append(time.process_time() - cpu_start)
    return {"median_wall_s": round(statistics.median(wall), 3),
            "median_cpu_s": round(statistics.median(cpu), 3)}


def _stage_counters() -> collections.Counter:
    """Wrap each stage's entry point with a thread-time counter; returns the counter."""
    import iadsim.api as api
    from iadsim.c2.battle_manager import BattleManager
    from iadsim.effectors.flyout import InterceptorFleet
    from iadsim.engine.simulation import Simulation
    from iadsim.events import EventLog
    from iadsim.sensors.fire_control import FireControlDirectors
    from iadsim.sensors.radar import RadarNetwork
    from iadsim.tracking.tracker import CentralTracker

    spent: collections.Counter = collections.Counter()

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] += time.thread_time() - start

        setattr(owner, name, timed)

    for owner, name, label in (
            (api, "run", "run"),
            (Simulation, "__init__", "setup"),
            (Simulation, "run", "step_loop"),
            (Simulation, "_update_threats", "threat_motion"),
            (InterceptorFleet, "step", "flyout"),
            (FireControlDirectors, "measure", "fire_control_directors"),
            (RadarNetwork, "scan", "radar_scan"),
            (RadarNetwork, "_false_alarms", "radar_false_alarms"),
            (CentralTracker, "process_scans", "tracker_process_scans"),
            (CentralTracker, "drop", "tracker_drop"),
            (CentralTracker, "picture", "tracker_picture"),
            (Simulation, "_record", "track_recording"),
            (BattleManager, "step", "battle_manager"),
            (EventLog, "add", "event_log_appends"),
            (EventLog, "to_frame", "event_log_to_frame"),
            (api, "score_tracks", "score_tracks"),
            (api, "summarize", "summarize")):
        wrap(owner, name, label)
    return spent


def scenario_with_look_times(name: str, radar_look_times: str | None) -> Any:
    """The scenario ``name`` (built-in or path), with ``sim.radar_look_times`` set when
    given (validated again, as a sweep variant is)."""
    if radar_look_times is None:
        return name
    from iadsim.scenario.loader import load_scenario
    from iadsim.scenario.schema import Scenario

    document = load_scenario(name).model_dump()
    document["sim"]["radar_look_times"] = radar_look_times
    return Scenario.model_validate(document)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="layered-defense")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--radar-look-times", choices=("step", "scheduled"),
                        help="set sim.radar_look_times (default: the scenario's own)")
    arguments = parser.parse_args()
    import iadsim
    import iadsim.api as api

    scenario = scenario_with_look_times(arguments.scenario, arguments.radar_look_times)
    looks = {} if arguments.radar_look_times is None else {
        "radar_look_times": arguments.radar_look_times}
    iadsim.run(scenario, seed=arguments.seed)  # kernels loaded, caches filled
    timing = _timed_runs(lambda: iadsim.run(scenario, seed=arguments.seed), arguments.runs)
    print(json.dumps({"bench": "run", "scenario": arguments.scenario, "seed": arguments.seed,
                      **looks, "runs": arguments.runs, **timing}), flush=True)
    spent = _stage_counters()
    stages = []
    for _ in range(arguments.runs):
        spent.clear()
        api.run(scenario, seed=arguments.seed)
        stages.append(dict(spent))
    print(json.dumps({"bench": "run_stages", "scenario": arguments.scenario,
                      "seed": arguments.seed, **looks, "unit": "cpu_s",
                      **{name: round(statistics.median(s.get(name, 0.0) for s in stages), 3)
                         for name in stages[0]}}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
