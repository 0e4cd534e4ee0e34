"""Track initiation's cost: whole-run and tracker CPU of a scenario, one tracking setting
against another, back to back in one process.

For each variant (the scenario's own tracking settings first, then each ``--variant``),
runs the scenario ``--runs`` times, the variants interleaved (after one warm-up run of
each, which loads the compiled kernels), and prints one JSON line per variant: the median
CPU seconds of the whole run (``time.process_time``) and of the tracker
(``CentralTracker.process_scans`` and ``drop``, ``time.thread_time``), the events logged,
the tracks started, confirmed and dropped, and the rounds fired. On a machine shared with
other jobs, read the ratios, not the absolute times.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/initiation.py
    PYTHONPATH=src .venv/bin/python benchmarks/initiation.py --variant initiation=plot_pairs \
        "initiation=plot_pairs confirmation=score duplicate_guard=true" --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from tracking_settings import commit, tracker_timer, tracking_changes, with_tracking


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="layered-defense")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--variant", nargs="*", default=["initiation=plot_pairs"],
                        metavar="'NAME=VALUE ...'",
                        help="tracking changes of each variant, space separated")
    arguments = parser.parse_args()
    import iadsim

    try:
        variants = [{}] + [tracking_changes(text.split()) for text in arguments.variant]
        scenarios = [with_tracking(arguments.scenario, changes) for changes in variants]
    except ValueError as error:  # ScenarioError is a ValueError
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    spent = tracker_timer()
    cpu: list[list[float]] = [[] for _ in variants]
    tracker: list[list[float]] = [[] for _ in variants]
    counts: list[dict[str, int]] = [{} for _ in variants]
    for repeat in range(arguments.runs + 1):
        for index, scenario in enumerate(scenarios):
            spent[0] = 0.0
            start = time.process_time()
            result = iadsim.run(scenario, seed=arguments.seed)
            elapsed = time.process_time() - start
            if repeat == 0:  # warm-up: kernels loaded, caches filled
                kinds = result.events["kind"].value_counts()
                counts[index] = {"events": len(result.events), **{
                    kind: int(kinds.get(kind, 0)) for kind in (
                        "track_start", "track_confirm", "track_drop", "track_merge",
                        "interceptor_launch", "kill")}}
                continue
            cpu[index].append(elapsed)
            tracker[index].append(spent[0])
    for index, changes in enumerate(variants):
        print(json.dumps({
            "bench": "initiation", "scenario": arguments.scenario, "seed": arguments.seed,
            "tracking": changes, "runs": arguments.runs,
            "run_cpu_s": round(statistics.median(cpu[index]), 3),
            "tracker_cpu_s": round(statistics.median(tracker[index]), 3), **counts[index],
            "commit": commit()}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
