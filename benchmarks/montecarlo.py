"""Monte Carlo throughput: replications per second on a local Dask cluster, and scaling.

Prints one JSON line per measurement (run ``--help`` for the options):

* ``environment``: machine, CPU count, load average at the start, Python, iadsim commit;
* ``montecarlo``: per worker count, the replications per second of ``--scenario``
  (default ``layered-defense``) over ``--replications`` replications, timed after the
  cluster has started and every worker has loaded the compiled kernels (one warm-up run
  per worker: a worker is one process that runs many replications); the cluster start
  and warm-up time are reported apart (``startup_s``);
* ``montecarlo_scaling``: the efficiency from the fewest to the most workers,
  ``rate(n) / (n / n0 * rate(n0))`` (target: >= 0.85 from 1 to 2 workers), and the time
  1,000 replications would take at the best rate (target: under 5 minutes on 2 cores).

The same replication seeds run at every worker count, so each count does the same work.
On a machine shared with other jobs the figures are noisy: compare runs taken back to back.

Usage::

    .venv/bin/python benchmarks/montecarlo.py --replications 40 --workers 1 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path


def _warm_up(scenario_name: str) -> float:
    """Run one replication in this worker, loading (or compiling) the kernels."""
    import iadsim

    started = time.perf_counter()
    iadsim.run(scenario_name, seed=0)
    return time.perf_counter() - started


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, cwd=Path(__file__).parent, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def measure(scenario_name: str, replications: int, workers: int) -> dict[str, float]:
    """Start a local cluster of ``workers`` processes, warm every worker, time the campaign."""
    import iadsim
    from iadsim.analysis.monte_carlo import campaign_client, run_campaign

    scenario = iadsim.load_scenario(scenario_name)
    started = time.perf_counter()
    with campaign_client(workers, None) as client:
        client.wait_for_workers(workers)
        warm = client.run(_warm_up, scenario_name)
        ready = time.perf_counter()
        run_campaign(client, scenario, replications, progress=False)
        finished = time.perf_counter()
    campaign_s = finished - ready
    return {"bench": "montecarlo", "scenario": scenario_name, "workers": workers,
            "replications": replications, "campaign_s": round(campaign_s, 3),
            "replications_per_s": round(replications / campaign_s, 4),
            "startup_s": round(ready - started, 3),
            "warm_up_run_s": round(max(warm.values()), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="layered-defense")
    parser.add_argument("--replications", type=int, default=40)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    arguments = parser.parse_args()
    print(json.dumps({"bench": "environment", "machine": platform.machine(),
                      "cpus": os.cpu_count(), "load_average_1min": os.getloadavg()[0],
                      "python": platform.python_version(), "commit": _commit()}), flush=True)
    results = []
    for workers in arguments.workers:
        results.append(measure(arguments.scenario, arguments.replications, workers))
        print(json.dumps(results[-1]), flush=True)
    first, best = results[0], max(results, key=lambda r: r["replications_per_s"])
    last = results[-1]
    ideal = first["replications_per_s"] * last["workers"] / first["workers"]
    print(json.dumps({"bench": "montecarlo_scaling", "scenario": arguments.scenario,
                      "from_workers": first["workers"], "to_workers": last["workers"],
                      "efficiency": round(last["replications_per_s"] / ideal, 3),
                      "seconds_for_1000_replications": round(
                          1000 / best["replications_per_s"], 1),
                      "load_average_1min_at_end": os.getloadavg()[0]}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
