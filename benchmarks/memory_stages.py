"""Memory stages: resident memory after each stage of one run of the synthetic raid.

Prints one JSON line: the resident set (``VmRSS``, MiB) and the peak so far (``ru_maxrss``)
after building the scenario, after the simulation steps, after the event log becomes a
DataFrame (``to_frame(release=True)``) and after the summary. It shows where a large run's
memory goes, and whether the event log's storage is given back once it has been turned
into the frame. The raid is ``engine_scale.py``'s, laid out for ``--layout-s`` (default
30 minutes) and stopped after ``--duration-s``, so a short run sees the same raid.

Usage::

    .venv/bin/python benchmarks/memory_stages.py --threats 10000 --duration-s 500
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import engine_scale  # the synthetic raid and the environment line


def resident_mib() -> float:
    """Current resident set of this process (Linux ``/proc``), MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024.0, 1)
    raise RuntimeError("VmRSS not found in /proc/self/status")


def peak_mib() -> float:
    """Peak resident set so far (``ru_maxrss``, KiB on Linux), MiB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threats", type=int, default=10_000, help="raid size (default 10000)")
    parser.add_argument("--duration-s", type=float, default=500.0,
                        help="simulated seconds to run (default 500)")
    parser.add_argument("--layout-s", type=float, default=1_800.0,
                        help="the raid is laid out for this long a run (default 1800)")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()

    import iadsim
    from iadsim import api
    from iadsim.engine.simulation import Simulation
    from iadsim.scenario import scenario_from_dict

    document = engine_scale.synthetic_raid(options.threats, options.layout_s, True,
                                           options.seed)
    document["sim"]["duration_s"] = options.duration_s
    scenario = scenario_from_dict(document)
    stages = {"built": {"rss_mib": resident_mib(), "peak_mib": peak_mib()}}
    simulation = Simulation(scenario, seed=options.seed).run()
    events_logged = len(simulation.log)
    stages["ran"] = {"rss_mib": resident_mib(), "peak_mib": peak_mib()}
    events = simulation.log.to_frame(release=True)
    stages["to_frame"] = {"rss_mib": resident_mib(), "peak_mib": peak_mib()}
    threats = api.threat_table(simulation)
    api.summarize(events, threats, scenario, simulation.seed, simulation.time_s,
                  simulation.steps, 0.0)
    stages["summarized"] = {"rss_mib": resident_mib(), "peak_mib": peak_mib()}
    print(json.dumps({"bench": "memory_stages", "n_threats": options.threats,
                      "sim_s": simulation.time_s, "events": events_logged,
                      "frame_mib": round(events.memory_usage(deep=False).sum() / 2**20, 1),
                      "stages": stages, "iadsim_source": str(Path(iadsim.__file__).parent),
                      "environment": {key: value for key, value
                                      in engine_scale.environment().items() if key != "bench"}}))


if __name__ == "__main__":
    main()
