"""First run: what a new install pays once to compile iadsim's kernels, and a run after.

iadsim's per-step kernels are compiled by Numba on first use and cached on disk. This
script runs the built-in ``layered-defense`` scenario twice, each in a fresh child process
pinned to one core, both with the same new, empty kernel cache (``NUMBA_CACHE_DIR``): the
first run compiles every kernel it meets, the second loads them from the cache. Each
child times its imports and ``iadsim.run`` separately. Prints one JSON line.

Usage::

    .venv/bin/python benchmarks/first_run.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import engine_scale  # the one-core child environment and the environment line

SCENARIO = "layered-defense"


def child(seed: int) -> None:
    """Time the imports and one run of the scenario in this process; print a JSON line."""
    start = time.perf_counter()
    import iadsim

    imported = time.perf_counter()
    iadsim.run(SCENARIO, seed=seed)
    finished = time.perf_counter()
    print(json.dumps({"import_s": round(imported - start, 3),
                      "run_s": round(finished - imported, 3)}))


def measure(cache_dir: str, seed: int, cpu: int) -> dict:
    environment = {**os.environ, **engine_scale.ONE_CORE_ENV, "NUMBA_CACHE_DIR": cache_dir}
    command = ["taskset", "-c", str(cpu), sys.executable, __file__, "--child",
               "--seed", str(seed)]
    output = subprocess.run(command, env=environment, capture_output=True, text=True,
                            check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cpu", type=int, default=min(os.sched_getaffinity(0)),
                        help="CPU to pin each child to (default: the first allowed)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.seed)
        return
    print(json.dumps(engine_scale.environment()))
    with tempfile.TemporaryDirectory(prefix="iadsim-kernels-") as cache_dir:
        cold = measure(cache_dir, arguments.seed, arguments.cpu)
        warm = measure(cache_dir, arguments.seed, arguments.cpu)
    print(json.dumps({
        "bench": "first_run", "scenario": SCENARIO, "seed": arguments.seed,
        "cold_import_s": cold["import_s"], "cold_run_s": cold["run_s"],
        "warm_import_s": warm["import_s"], "warm_run_s": warm["run_s"],
        "compile_s": round(cold["run_s"] - warm["run_s"], 3), "cpu": arguments.cpu}))


if __name__ == "__main__":
    main()
