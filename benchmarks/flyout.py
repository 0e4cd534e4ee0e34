"""Flyout speed: many interceptors in flight at once, against as many threats.

``--interceptors`` rounds of the catalog's ``s400-class-medium-range-missile`` (a seeker
missile: boost, lofted midcourse on the track, seeker search, proportional navigation and
endgame) are launched together at as many threats, each approaching its own battery from
30 to 60 km at 250 m/s; the batteries stand on a square grid 10 km apart, so several
threats are within each seeker's reach; tracks are 150 m off the truth.
The fleet is stepped at ``--dt-s`` until every round resolved; the real-time factor is the
simulated flight time over the wall time of the steps (launches and envelope excluded;
one warm-up run first so compilation is not timed). Pinned to one core.

Target (issue 16): 1,000 interceptors at least 1,000x faster than real time.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/flyout.py --interceptors 1000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_scale import environment, pin_to_one_core
from iadsim.effectors.batteries import interceptor_table
from iadsim.effectors.envelope import launch_aim_point
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.scenario import scenario_from_dict

TARGET_RTF = 1_000.0
EARTH_RADIUS_M = 6_371_000.0
PROFILE = "s400-class-medium-range-missile"
SPACING_M = 10_000.0


def engagement(count: int, seed: int) -> tuple[InterceptorFleet, np.ndarray, np.ndarray,
                                                np.ndarray]:
    """A fleet with ``count`` rounds launched at t = 0, and the threats' start positions,
    velocities and track errors."""
    scenario = scenario_from_dict({
        "name": "flyout-bench", "origin": {"lat_deg": 40.0, "lon_deg": 33.0},
        "sim": {"duration_s": 600.0},
        "interceptors": [{"name": "sam", "profile": PROFILE}]})
    types = interceptor_table(scenario)
    rng = np.random.default_rng(seed)
    fleet = InterceptorFleet(types, np.random.default_rng(seed + 1), EARTH_RADIUS_M)
    side = int(np.ceil(np.sqrt(count)))
    launcher = np.zeros((count, 3))
    launcher[:, 0] = (np.arange(count) % side) * SPACING_M
    launcher[:, 1] = (np.arange(count) // side) * SPACING_M
    start = launcher + np.column_stack([rng.uniform(30e3, 60e3, count),
                                        rng.uniform(-500.0, 500.0, count),
                                        rng.uniform(500.0, 8_000.0, count)])
    velocity = np.tile([-250.0, 0.0, 0.0], (count, 1))
    track_error = rng.normal(0.0, 150.0 / np.sqrt(3.0), (count, 3))
    for row in range(count):
        track = start[row] + track_error[row]
        aim = launch_aim_point(types, 0, launcher[row], track, velocity[row], EARTH_RADIUS_M)
        fleet.launch(0.0, launcher[row], aim, 0, 0, row, row, track, velocity[row])
    return fleet, start, velocity, track_error


def fly(count: int, dt_s: float, seed: int) -> dict:
    fleet, start, velocity, track_error = engagement(count, seed)
    alive = np.ones(count, dtype=bool)
    rcs = np.full(count, 1.0)
    ids = np.arange(count)
    covariance = np.tile(np.eye(3) * 150.0 ** 2 / 3.0, (count, 1, 1))
    kills = steps = 0
    wall = 0.0
    while fleet.flying.size and steps < 10_000:
        now = start + velocity * steps * dt_s
        begin = time.perf_counter()
        outcome = fleet.step(steps * dt_s, dt_s, now, now + velocity * dt_s, alive, rcs, ids,
                             now + track_error, velocity, covariance)
        wall += time.perf_counter() - begin
        alive[outcome.threat_id[outcome.killed]] = False
        kills += int(outcome.killed.sum())
        steps += 1
    simulated = steps * dt_s
    return {"bench": "flyout", "n_interceptors": count, "dt_s": dt_s, "sim_s": simulated,
            "wall_s": round(wall, 4), "real_time_factor": round(simulated / wall, 1),
            "target_real_time_factor": TARGET_RTF,
            "meets_target": bool(simulated / wall >= TARGET_RTF) if count >= 1_000 else None,
            "kills": kills}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interceptors", type=int, nargs="+", default=[1_000])
    parser.add_argument("--dt-s", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    arguments = parser.parse_args()
    pin_to_one_core(None)
    print(json.dumps(environment()))
    fly(20, arguments.dt_s, arguments.seed)  # warm-up: compile
    for count in arguments.interceptors:
        runs = [fly(count, arguments.dt_s, arguments.seed) for _ in range(arguments.repeat)]
        print(json.dumps(max(runs, key=lambda run: run["real_time_factor"])), flush=True)


if __name__ == "__main__":
    main()
