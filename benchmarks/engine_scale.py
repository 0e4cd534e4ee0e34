"""Engine scale: steps per second, real-time factor and peak memory against raid size.

Prints one JSON line per measurement:

* ``layered_defense``: the built-in default scenario, best wall time of ``--repeat`` runs
  after a warm-up, in this process (the issue's target: under 1 s);
* ``engine_scale``: a synthetic raid of N threats kept in the air for the whole
  ``--duration-s`` (default 30 minutes) against the layered-defense network, each size in a
  fresh subprocess pinned to one core, so that its peak resident memory is its own
  (targets: 1,000 threats at least 100x faster than real time; 10,000 within 2 GiB).

Usage::

    python benchmarks/engine_scale.py                       # 100, 1000, 10000 threats
    python benchmarks/engine_scale.py --sizes 100 1000 --no-detections
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import yaml

ONE_CORE_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def synthetic_raid(n_threats: int, duration_s: float, record_detections: bool) -> dict:
    """The layered-defense network against N threats that stay airborne all run long.

    Slow movers (drones, 60 %), cruise missiles (30 %) and aircraft (10 %) fly long
    routes from four directions, launched evenly over the first fifth of the run in ten
    lanes 1.5 km apart; their routes are long enough (speed x duration) that they are
    still flying at the end unless shot down.
    """
    from iadsim.scenario.loader import builtin_text

    document = yaml.safe_load(builtin_text("layered-defense"))
    document["name"] = f"engine-scale-{n_threats}"
    document["sim"] = {"duration_s": duration_s, "dt_s": 1.0, "seed": 1,
                       "record_detections": record_detections}
    origin_lat, origin_lon = document["origin"]["lat_deg"], document["origin"]["lon_deg"]
    shares = [("loitering-munition", "drone", 50.0, 800.0, 0.6),
              ("subsonic-cruise-missile", "cruise_missile", 250.0, 60.0, 0.3),
              ("strike-aircraft", "aircraft", 250.0, 8000.0, 0.1)]
    directions = [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)]
    groups, assigned = [], 0
    for index, (profile, _kind, speed, altitude, share) in enumerate(shares):
        count = n_threats - assigned if index == len(shares) - 1 else round(n_threats * share)
        assigned += count
        per_direction = [count // 4 + (1 if d < count % 4 else 0) for d in range(4)]
        for direction, members in zip(directions, per_direction, strict=True):
            if members == 0:
                continue
            # Start 150 km out, fly a long racetrack-like zigzag across the defended area.
            leg_deg = speed * duration_s / 111_000.0 / 3.0
            east, north = direction
            start = (origin_lat + 1.35 * north, origin_lon + 1.75 * east)
            route = [
                {"lat_deg": start[0], "lon_deg": start[1], "altitude_m": altitude},
                {"lat_deg": start[0] - north * leg_deg + east * 0.3,
                 "lon_deg": start[1] - east * leg_deg * 1.3 + north * 0.3, "altitude_m": altitude},
                {"lat_deg": start[0] + east * 0.6, "lon_deg": start[1] + north * 0.6,
                 "altitude_m": altitude},
                {"lat_deg": start[0] - north * leg_deg - east * 0.3,
                 "lon_deg": start[1] - east * leg_deg * 1.3 - north * 0.3,
                 "altitude_m": altitude},
            ]
            groups.append({
                "name": f"{profile}-{len(groups)}", "profile": profile, "count": members,
                "start_s": 0.0, "spacing_s": 0.2 * duration_s / max(members, 1),
                "lanes": 10, "lane_spacing_m": 1_500.0, "route": route,
            })
    document["threats"] = groups
    return document


def measure_size(n_threats: int, duration_s: float, record_detections: bool) -> dict:
    """Run one synthetic raid in this process and return its measurement."""
    started = time.perf_counter()
    import iadsim
    from iadsim.scenario import scenario_from_dict

    import_s = time.perf_counter() - started
    scenario = scenario_from_dict(synthetic_raid(n_threats, duration_s, record_detections))
    started = time.perf_counter()
    result = iadsim.run(scenario)
    wall_s = time.perf_counter() - started
    sim = result.summary["sim"]
    return {
        "bench": "engine_scale", "n_threats": n_threats, "record_detections": record_detections,
        "sim_s": sim["ended_s"], "steps": sim["steps"], "wall_s": round(wall_s, 3),
        "steps_per_s": round(sim["steps"] / wall_s, 1),
        "real_time_factor": round(sim["ended_s"] / wall_s, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "import_s": round(import_s, 3), "events": sim["events"],
        "killed": result.summary["threats"]["killed"],
        "leaked": result.summary["threats"]["leaked"],
        "in_flight_at_end": result.summary["threats"]["in_flight_at_end"],
    }


def measure_layered(repeat: int) -> dict:
    import iadsim

    iadsim.run("sinop-trial")  # warm-up: imports, caches
    walls = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = iadsim.run("layered-defense")
        walls.append(time.perf_counter() - started)
    return {"bench": "layered_defense", "wall_s_best": round(min(walls), 3),
            "wall_s_median": round(sorted(walls)[len(walls) // 2], 3),
            "steps": result.summary["sim"]["steps"], "target_s": 1.0,
            "met": min(walls) < 1.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1_000, 10_000])
    parser.add_argument("--duration-s", type=float, default=1_800.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-detections", action="store_true",
                        help="Do not log one event per detection (smaller logs).")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child is not None:
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        print(json.dumps(measure_size(arguments.child, arguments.duration_s,
                                      not arguments.no_detections)), flush=True)
        return
    print(json.dumps(measure_layered(arguments.repeat)), flush=True)
    for size in arguments.sizes:
        command = [sys.executable, __file__, "--child", str(size),
                   "--duration-s", str(arguments.duration_s)]
        if arguments.no_detections:
            command.append("--no-detections")
        completed = subprocess.run(command, env={**os.environ, **ONE_CORE_ENV},
                                   capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            print(json.dumps({"bench": "engine_scale", "n_threats": size, "error":
                              completed.stderr.strip().splitlines()[-1:]}), flush=True)
            continue
        print(completed.stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
