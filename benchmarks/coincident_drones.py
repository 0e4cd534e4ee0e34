"""Coincident drones: a crowd of ``--count`` drones launched together from one point.

The built-in ``layered-defense`` scenario with its threats replaced by its ``drone-wave``
group at ``count: N``, ``spacing_s: 0``, one lane, and ``sim.record_detections: false``
(issue 22): every drone flies the same route at the same time, so every radar reports
thousands of targets within its errors of one point and the tracker's association faces
one cluster of thousands of tracks and reports each scan. It checks that such a run
finishes in a bounded time: the association's bounds (:mod:`iadsim.tracking.association`:
the k-d tree gate's nearest reports, at most 1,024 tests a track, greedy assignment of a
cluster above 1,000 tracks + reports) keep its work linear in the crowd.

Prints one JSON line: ``{"bench": "coincident_drones", "count": ..., "wall_s": ...,
"cpu_s": ..., "tracker_cpu_s": ..., "scans": ..., "peak_rss_mib": ..., "distances_computed":
..., "capped_searches": ..., "greedy_clusters": ..., "events": ..., "leakers": ...}``:
wall and CPU time of the simulation (scenario built, kernels loaded before), the
tracker's share, and what the central tracker's :class:`CrowdLimits` counted.

Usage::

    .venv/bin/python benchmarks/coincident_drones.py --count 10000
    .venv/bin/python benchmarks/coincident_drones.py --count 1000 --duration-s 300
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import time


def scenario_document(count: int, duration_s: float | None) -> dict:
    """layered-defense with ``count`` coincident drones as its only threats."""
    from iadsim.scenario.loader import builtin_text
    from iadsim.scenario.yaml_loader import load_yaml

    document = copy.deepcopy(load_yaml(builtin_text("layered-defense")))
    drones = next(group for group in document["threats"] if group["name"] == "drone-wave")
    document["threats"] = [dict(drones, count=count, spacing_s=0, lanes=1)]
    document["sim"]["record_detections"] = False
    if duration_s is not None:
        document["sim"]["duration_s"] = duration_s
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--duration-s", type=float, default=None,
                        help="simulated seconds (default: the scenario's, 1,800)")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()

    import iadsim
    from iadsim.engine.simulation import Simulation
    from iadsim.scenario import scenario_from_dict
    from iadsim.tracking.tracker import CentralTracker

    iadsim.run(scenario_document(50, 60.0), seed=options.seed)  # kernels loaded or compiled
    scenario = scenario_from_dict(scenario_document(options.count, options.duration_s))
    simulation = Simulation(scenario, seed=options.seed)
    tracker_cpu = [0.0, 0]
    process_scans = CentralTracker.process_scans

    def timed(self, batches):
        started = time.process_time()
        try:
            return process_scans(self, batches)
        finally:
            tracker_cpu[0] += time.process_time() - started
            tracker_cpu[1] += 1

    CentralTracker.process_scans = timed
    started, started_cpu = time.perf_counter(), time.process_time()
    simulation.run()
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    CentralTracker.process_scans = process_scans
    limits = simulation.tracker.crowd_limits
    events = simulation.log.to_frame()
    print(json.dumps({
        "bench": "coincident_drones", "count": options.count, "seed": options.seed,
        "sim_s": scenario.sim.duration_s, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
        "tracker_cpu_s": round(tracker_cpu[0], 1), "process_scans_calls": tracker_cpu[1],
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "distances_computed": limits.distances_computed,
        "capped_searches": limits.capped_searches, "greedy_clusters": limits.greedy_clusters,
        "greedy_members": limits.greedy_members, "events": len(events),
        "leakers": int((events["kind"] == "leak").sum())}), flush=True)


if __name__ == "__main__":
    main()
