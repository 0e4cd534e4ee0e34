"""CPU cost of scheduled radar looks: one scenario run with ``sim.radar_look_times: step``
and with ``scheduled``, interleaved in one process.

Prints one JSON line:
``{"bench": "look_times_cost", "scenario": ..., "seed": ..., "rounds": n,
"step_cpu_s": ..., "scheduled_cpu_s": ..., "ratio": ...}``: the median CPU seconds
(``time.process_time``) of ``iadsim.run`` over ``--rounds`` rounds, each round one run with
each setting back to back (after one warm-up run of each, which loads the compiled kernels
and fills the per-process caches), and the ratio scheduled / step of the medians. Taken in
one process, one run after the other, so that a machine shared with other jobs slows both
alike; compare ratios, not absolute times.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/look_times_cost.py --rounds 5
    PYTHONPATH=src .venv/bin/python benchmarks/look_times_cost.py --scenario saturation
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from run_stages import scenario_with_look_times

LOOK_TIMES = ("step", "scheduled")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="layered-defense")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    import iadsim

    scenarios = {looks: scenario_with_look_times(arguments.scenario, looks)
                 for looks in LOOK_TIMES}
    for scenario in scenarios.values():
        iadsim.run(scenario, seed=arguments.seed)  # kernels loaded, caches filled
    spent: dict[str, list[float]] = {looks: [] for looks in LOOK_TIMES}
    for _ in range(arguments.rounds):
        for looks, scenario in scenarios.items():
            start = time.process_time()
            iadsim.run(scenario, seed=arguments.seed)
            spent[looks].append(time.process_time() - start)
    median = {looks: statistics.median(times) for looks, times in spent.items()}
    print(json.dumps({"bench": "look_times_cost", "scenario": arguments.scenario,
                      "seed": arguments.seed, "rounds": arguments.rounds,
                      "step_cpu_s": round(median["step"], 3),
                      "scheduled_cpu_s": round(median["scheduled"], 3),
                      "ratio": round(median["scheduled"] / median["step"], 3)}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
