"""Detection theory and coverage: wall time of the public functions at scale.

Prints one JSON line per measurement (run ``--help`` for the options):

* ``pd_evaluations``: :func:`iadsim.sensors.detection.probability_of_detection` on
  ``--evaluations`` SNRs (uniform -10 to 30 dB) at Pfa 1e-6 with ``--pulses`` pulses, per
  Swerling case; best of ``--repeat``.
* ``coverage_map``: :func:`iadsim.coverage` on a ``--cells`` x ``--cells`` grid for a
  scenario of ``--radars`` copies of the catalog's medium-range radar spread over 100 km;
  best of ``--repeat`` after one warm-up.

Targets (issue 20): a 500 x 500 combined map of 10 radars under 2 s.

Usage::

    .venv/bin/python benchmarks/detection.py
    .venv/bin/python benchmarks/detection.py --evaluations 1000000 --cells 500 --radars 10
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

import iadsim
from iadsim.scenario import scenario_from_dict
from iadsim.sensors.detection import probability_of_detection


def best_time(call, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def radar_scenario(count: int) -> dict:
    rng = np.random.default_rng(0)
    return {"name": "coverage-bench", "origin": {"lat_deg": 39.9, "lon_deg": 32.9},
            "sim": {"duration_s": 10.0},
            "sensors": [{"name": f"radar-{index}", "profile": "medium-range-radar",
                         "lat_deg": 39.9 + rng.uniform(-0.45, 0.45),
                         "lon_deg": 32.9 + rng.uniform(-0.6, 0.6), "height_m": 15.0}
                        for index in range(count)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=1_000_000)
    parser.add_argument("--pulses", type=int, default=10)
    parser.add_argument("--cells", type=int, default=500)
    parser.add_argument("--radars", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    snr_db = np.random.default_rng(1).uniform(-10.0, 30.0, arguments.evaluations)
    for swerling in range(5):
        seconds = best_time(lambda swerling=swerling: probability_of_detection(
            snr_db, 1e-6, arguments.pulses, swerling), arguments.repeat)
        print(json.dumps({"bench": "pd_evaluations", "swerling": swerling,
                          "n_pulses": arguments.pulses, "evaluations": arguments.evaluations,
                          "wall_s": round(seconds, 4)}), flush=True)
    scenario = scenario_from_dict(radar_scenario(arguments.radars))
    iadsim.coverage(scenario, cells=20)
    seconds = best_time(lambda: iadsim.coverage(scenario, cells=arguments.cells),
                        arguments.repeat)
    print(json.dumps({"bench": "coverage_map", "radars": arguments.radars,
                      "cells": arguments.cells, "wall_s": round(seconds, 3),
                      "target": "wall_s < 2", "met": bool(seconds < 2.0)}), flush=True)


if __name__ == "__main__":
    main()
