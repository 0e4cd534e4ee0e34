"""Static weapon-target assignment: solve time and gap to the optimum against size.

Prints one JSON line per size (run ``--help`` for the options):

* ``wta_heuristic``: :func:`iadsim.c2.wta.solve_wta` with ``method="heuristic"`` on random
  instances (values uniform in [1, 10], Pk uniform in [0, 0.9]); best and mean wall time
  over ``--repeat`` instances after one warm-up solve (Numba compiles on first use), and,
  where the exact method is run at that size, the mean and worst gap to its optimum;
* ``wta_exact``: the exact method (outer approximation with HiGHS) at the same kind of
  instances, mean and worst wall time.

Targets (issue 17): 200 weapons x 1,000 targets heuristic under 100 ms; mean gap under 2 %
where the optimum is known.

Usage::

    .venv/bin/python benchmarks/wta.py
    .venv/bin/python benchmarks/wta.py --heuristic-sizes 200x1000 --exact-sizes 10x10 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from iadsim.c2.wta import solve_wta


def size(text: str) -> tuple[int, int]:
    weapons, targets = text.lower().split("x")
    return int(weapons), int(targets)


def instance(rng: np.random.Generator, n_weapons: int, n_targets: int):
    return rng.uniform(1.0, 10.0, n_targets), rng.uniform(0.0, 0.9, (n_weapons, n_targets))


def timed(values, probability, method: str):
    start = time.perf_counter()
    result = solve_wta(values, probability, method=method)
    return time.perf_counter() - start, result.expected_surviving_value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--heuristic-sizes", type=size, nargs="+",
                        default=[size(s) for s in ("8x8", "10x10", "20x20", "100x100",
                                                   "200x1000", "1000x1000")])
    parser.add_argument("--exact-sizes", type=size, nargs="+",
                        default=[size(s) for s in ("8x8", "10x10", "20x20")])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    warm = np.random.default_rng(0)
    solve_wta(*instance(warm, 4, 4), method="heuristic")  # compile outside the timings
    solve_wta(*instance(warm, 3, 3), method="exact")
    exact_sizes = set(arguments.exact_sizes)
    for n_weapons, n_targets in dict.fromkeys(arguments.heuristic_sizes + arguments.exact_sizes):
        rng = np.random.default_rng([arguments.seed, n_weapons, n_targets])
        heuristic_s, exact_s, gaps = [], [], []
        for _ in range(arguments.repeat):
            values, probability = instance(rng, n_weapons, n_targets)
            seconds, found = timed(values, probability, "heuristic")
            heuristic_s.append(seconds)
            if (n_weapons, n_targets) in exact_sizes:
                seconds, optimum = timed(values, probability, "exact")
                exact_s.append(seconds)
                gaps.append((found - optimum) / optimum)
        line = {"bench": "wta_heuristic", "n_weapons": n_weapons, "n_targets": n_targets,
                "instances": arguments.repeat, "best_s": round(min(heuristic_s), 5),
                "mean_s": round(float(np.mean(heuristic_s)), 5)}
        if gaps:
            line |= {"mean_gap": round(float(np.mean(gaps)), 5),
                     "max_gap": round(float(np.max(gaps)), 5)}
        if (n_weapons, n_targets) in set(arguments.heuristic_sizes):
            print(json.dumps(line), flush=True)
        if exact_s:
            print(json.dumps({"bench": "wta_exact", "n_weapons": n_weapons,
                              "n_targets": n_targets, "instances": arguments.repeat,
                              "mean_s": round(float(np.mean(exact_s)), 4),
                              "max_s": round(float(np.max(exact_s)), 4)}), flush=True)


if __name__ == "__main__":
    main()
