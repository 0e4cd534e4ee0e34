"""Engine scale: steps per second, real-time factor and peak memory against raid size.

Prints one JSON line per measurement (run ``--help`` for the options):

* ``environment``: machine, Python, NumPy, iadsim commit and date, so a line can be traced;
* ``layered_defense``: the built-in ``layered-defense`` scenario, best wall time of
  ``--repeat`` runs after one warm-up run, all in one process (target: under 1 s);
* ``engine_scale``: a synthetic raid of exactly N threats kept in the air for the whole
  ``--duration-s`` (default 30 minutes, ``dt_s`` 1 s) against the layered-defense network
  (targets: 1,000 threats at least 100x faster than real time on one core; 10,000 threats
  within 2 GiB of peak resident memory).

Every measurement runs in a fresh child process (this script with ``--child``), pinned to
one CPU core with OMP/OpenBLAS/MKL limited to one thread, so that its peak resident set size
(``ru_maxrss``, Linux: KiB) is its own and no library borrows a second core. Wall times (and
CPU times, ``cpu_s``, steadier on a machine shared with other jobs) are taken around
``iadsim.run`` only; interpreter start and imports are reported apart (``import_s``). No
tracemalloc runs during a timed run (it slows allocation-heavy code several-fold);
``--tracemalloc`` adds a second, untimed child per size for the peak of the
Python and NumPy heap.

Usage::

    .venv/bin/python benchmarks/engine_scale.py                    # 100, 1000, 10000 threats
    .venv/bin/python benchmarks/engine_scale.py --sizes 1000 --no-detections
    .venv/bin/python benchmarks/engine_scale.py --sizes 1000 --radar-look-times scheduled
    .venv/bin/python -m pyinstrument benchmarks/engine_scale.py --child 1000   # profile one
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

ONE_CORE_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1"}
METRES_PER_DEGREE = 111_320.0
MIB = 1024.0 * 1024.0

# The targets.
LAYERED_MAX_WALL_S = 1.0
RTF_TARGET = {1_000: 100.0}  # threats: minimum real-time factor
RSS_TARGET_MIB = {10_000: 2_048.0}  # threats: maximum peak RSS

# Raid mix: (catalog profile, share of N, ring radius km, altitude m). Waypoint threats
# enter a ring around the defended area, fly along it (inside radar cover), then turn in.
WAYPOINT_MIX = (
    ("loitering-munition", 0.50, 40.0, 800.0),
    ("subsonic-cruise-missile", 0.30, 55.0, 150.0),
    ("strike-aircraft", 0.12, 110.0, 8_000.0),
)
BALLISTIC_PROFILE, BALLISTIC_SHARE = "srbm-class", 0.08
ENTRY_BEARINGS_DEG = (0.0, 90.0, 180.0, 270.0)  # one group per bearing and kind
BALLISTIC_SITES = ((37.70, 35.20), (41.90, 35.40), (38.20, 30.20), (41.60, 30.40))
LAUNCH_WINDOW = 0.1  # waypoint threats launch over the first tenth of the run
FLIGHT_MARGIN = 1.2  # ... and fly 1.2x the run long, so they are airborne at the end
LANES, LANE_SPACING_M = 10, 1_500.0
BALLISTIC_FLIGHT_S = 400.0  # upper bound of an SRBM's flight here (they land within the run)


def split_exactly(total: int, shares: list[float]) -> list[int]:
    """Split ``total`` into integer parts proportional to ``shares`` (largest remainder)."""
    raw = [total * share / sum(shares) for share in shares]
    parts = [math.floor(value) for value in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: parts[i] - raw[i])
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def synthetic_raid(n_threats: int, duration_s: float, record_detections: bool,
                   seed: int, radar_look_times: str | None = None,
                   tracking: dict | None = None) -> dict:
    """The layered-defense network against exactly ``n_threats`` that stay in the air.

    Drones (50 %), cruise missiles (30 %) and strike aircraft (12 %) launch over the first
    tenth of the run from four bearings, ten lanes 1.5 km apart, and fly a ring around the
    defended area before turning in on an asset; each route is 1.2x (speed x duration)
    long, so whatever is not shot down is still flying when the run ends. Ballistic
    missiles (8 %) launch from four sites, spread evenly over the run, and land within it.
    ``radar_look_times``: ``sim.radar_look_times`` (default: the schema's default).
    ``tracking``: changes to the scenario's ``tracking`` section (``--tracking``).
    Returns a scenario document for :func:`iadsim.scenario.scenario_from_dict`.
    """

    from iadsim.scenario.loader import builtin_text
    from iadsim.scenario.yaml_loader import load_yaml

    document = load_yaml(builtin_text("layered-defense"))
    document["name"] = f"engine-scale-{n_threats}"
    document["description"] = "Synthetic raid for benchmarks/engine_scale.py (notional)."
    document["sim"] = {"duration_s": duration_s, "dt_s": 1.0, "seed": seed,
                       "record_detections": record_detections}
    if radar_look_times is not None:
        document["sim"]["radar_look_times"] = radar_look_times
    origin = document["origin"]
    catalog_speed_mps = {"loitering-munition": 50.0, "subsonic-cruise-missile": 250.0,
                         "strike-aircraft": 250.0}
    shares = [share for _, share, _, _ in WAYPOINT_MIX] + [BALLISTIC_SHARE]
    per_kind = split_exactly(n_threats, shares)
    assets = document["defended_assets"]
    groups: list[dict] = []
    for kind_index, (profile, _, ring_km, altitude_m) in enumerate(WAYPOINT_MIX):
        counts = split_exactly(per_kind[kind_index], [1.0] * len(ENTRY_BEARINGS_DEG))
        for direction, (bearing_deg, count) in enumerate(zip(ENTRY_BEARINGS_DEG, counts,
                                                             strict=True)):
            if count == 0:
                continue
            asset = assets[direction % len(assets)]
            route = ring_route(origin, asset, ring_km * 1_000.0, bearing_deg + 30.0 * kind_index,
                               clockwise=direction % 2 == 0, altitude_m=altitude_m,
                               length_m=FLIGHT_MARGIN * catalog_speed_mps[profile] * duration_s,
                               stand_off_m=45_000.0 if profile == "strike-aircraft" else 0.0)
            groups.append({"name": f"{profile}-{bearing_deg:03.0f}", "profile": profile,
                           "count": count, "start_s": 0.0,
                           "spacing_s": LAUNCH_WINDOW * duration_s / count,
                           "lanes": min(LANES, count), "lane_spacing_m": LANE_SPACING_M,
                           "target": asset["name"], "route": route})
    ballistic_counts = split_exactly(per_kind[-1], [1.0] * len(BALLISTIC_SITES))
    first_s = 0.05 * duration_s
    last_s = max(first_s, duration_s - BALLISTIC_FLIGHT_S)
    for site, ((lat_deg, lon_deg), count) in enumerate(zip(BALLISTIC_SITES, ballistic_counts,
                                                           strict=True)):
        if count == 0:
            continue
        groups.append({"name": f"{BALLISTIC_PROFILE}-site-{site}", "profile": BALLISTIC_PROFILE,
                       "count": count, "start_s": first_s + site * 7.0,
                       "spacing_s": (last_s - first_s) / max(count - 1, 1),
                       "launch": {"lat_deg": lat_deg, "lon_deg": lon_deg},
                       "target": assets[site % len(assets)]["name"], "apogee_km": 85.0})
    document["threats"] = groups
    if tracking:
        document["tracking"] = {**document.get("tracking", {}), **tracking}
    return document


def ring_route(origin: dict, asset: dict, ring_m: float, entry_bearing_deg: float,
               clockwise: bool, altitude_m: float, length_m: float,
               stand_off_m: float) -> list[dict]:
    """Waypoints: enter a ring of ``ring_m`` around the origin, follow it, turn in on the asset.

    The arc is as long as it takes for the whole route to be about ``length_m`` (waypoints
    every 20 degrees). The last point is the asset, or ``stand_off_m`` short of it.
    Flat-earth offsets from the origin: good to a fraction of a percent at these ranges.
    """
    cos_lat = math.cos(math.radians(origin["lat_deg"]))

    def point(east_m: float, north_m: float, alt_m: float) -> dict:
        return {"lat_deg": origin["lat_deg"] + north_m / METRES_PER_DEGREE,
                "lon_deg": origin["lon_deg"] + east_m / (METRES_PER_DEGREE * cos_lat),
                "altitude_m": alt_m}

    asset_east = (asset["lon_deg"] - origin["lon_deg"]) * METRES_PER_DEGREE * cos_lat
    asset_north = (asset["lat_deg"] - origin["lat_deg"]) * METRES_PER_DEGREE
    sign = -1.0 if clockwise else 1.0
    first_rad = math.radians(90.0 - entry_bearing_deg)

    def waypoints(arc_rad: float) -> tuple[list[tuple[float, float, float]], float]:
        steps = math.ceil(math.degrees(arc_rad) / 20.0)  # 0: no arc, enter and turn in
        angles = [first_rad + sign * arc_rad * step / max(steps, 1)
                  for step in range(steps + 1)]
        points = [(ring_m * math.cos(a), ring_m * math.sin(a), altitude_m) for a in angles]
        last_east, last_north, _ = points[-1]
        inbound_m = math.hypot(asset_east - last_east, asset_north - last_north)
        keep = max(0.0, 1.0 - stand_off_m / inbound_m) if inbound_m > 0 else 1.0
        points.append((last_east + keep * (asset_east - last_east),
                       last_north + keep * (asset_north - last_north),
                       altitude_m if stand_off_m > 0 else 0.0))
        route_m = sum(math.dist(a[:2], b[:2]) for a, b in pairwise(points))
        return points, route_m

    arc_rad = 0.0
    for _ in range(20):  # lengthen the arc until the route is long enough (chords, turn-in)
        points, route_m = waypoints(arc_rad)
        if route_m >= length_m:
            break
        arc_rad += (length_m - route_m) / ring_m
    return [point(east_m, north_m, alt_m) for east_m, north_m, alt_m in points]


def current_rss_mib() -> float | None:
    """Resident set size now (Linux /proc), or None elsewhere."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return round(pages * os.sysconf("SC_PAGE_SIZE") / MIB, 1)


def peak_rss_mib() -> float:
    """Peak resident set size of this process (``ru_maxrss``: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (MIB if sys.platform == "darwin" else 1024.0), 1)


def pin_to_one_core(cpu: int | None) -> int | None:
    """Pin this process to ``cpu`` (default: the first it may use); returns the CPU pinned
    to, or None where the platform cannot pin (macOS, Windows)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0)) if cpu is None else cpu
    os.sched_setaffinity(0, {cpu})
    return cpu


def child_scale(n_threats: int, duration_s: float, record_detections: bool, seed: int,
                trace: bool, cpu: int | None, radar_look_times: str | None = None,
                tracking: dict | None = None) -> dict:
    """One synthetic raid in this (fresh) process; returns its measurement.

    A 10-threat, 60 s raid runs first, untimed, so that lazy imports and first-call costs
    are not charged to the measured run.
    """
    cpu = pin_to_one_core(cpu)
    started = time.perf_counter()
    import iadsim
    from iadsim.scenario import scenario_from_dict

    import_s = time.perf_counter() - started
    started = time.perf_counter()
    iadsim.run(scenario_from_dict(synthetic_raid(10, 60.0, record_detections, seed,
                                                 radar_look_times, tracking)), seed=seed)
    warmup_s = time.perf_counter() - started
    started = time.perf_counter()
    scenario = scenario_from_dict(synthetic_raid(n_threats, duration_s, record_detections,
                                                 seed, radar_look_times, tracking))
    build_s = time.perf_counter() - started
    rss_before_mib = current_rss_mib()
    if trace:
        import tracemalloc

        tracemalloc.start()
    started, started_cpu = time.perf_counter(), time.process_time()
    result = iadsim.run(scenario, seed=seed)
    wall_s = time.perf_counter() - started
    cpu_s = time.process_time() - started_cpu
    sim, threats = result.summary["sim"], result.summary["threats"]
    measurement = {
        "bench": "engine_scale_tracemalloc" if trace else "engine_scale",
        "n_threats": n_threats, "record_detections": record_detections, "seed": seed,
        **({} if radar_look_times is None else {"radar_look_times": radar_look_times}),
        **({"tracking": tracking} if tracking else {}),
        "sim_s": sim["ended_s"], "steps": sim["steps"], "wall_s": round(wall_s, 3),
        "cpu_s": round(cpu_s, 3), "steps_per_s": round(sim["steps"] / wall_s, 1),
        "real_time_factor": round(sim["ended_s"] / wall_s, 1),
        "peak_rss_mib": peak_rss_mib(), "rss_before_run_mib": rss_before_mib,
        "import_s": round(import_s, 3), "warmup_s": round(warmup_s, 3),
        "build_s": round(build_s, 3), "events": sim["events"], "killed": threats["killed"],
        "leaked": threats["leaked"],
        "in_flight_at_end": threats["in_flight_at_end"],
        "rounds": int((result.events["kind"] == "interceptor_launch").sum()),
        "confirmed_tracks": int((result.events["kind"] == "track_confirm").sum()),
        "full_duration": sim["ended_s"] >= duration_s - 1e-6, "cpu": cpu,
    }
    if trace:
        import tracemalloc

        measurement["tracemalloc_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / MIB, 1)
        tracemalloc.stop()
        for key in ("wall_s", "steps_per_s", "real_time_factor"):
            measurement.pop(key)  # tracing slows the run: these times mean nothing
        return measurement
    if n_threats in RTF_TARGET:
        measurement["target"] = f"real_time_factor >= {RTF_TARGET[n_threats]:g}"
        measurement["met"] = measurement["real_time_factor"] >= RTF_TARGET[n_threats]
    if n_threats in RSS_TARGET_MIB:
        measurement["target"] = f"peak_rss_mib <= {RSS_TARGET_MIB[n_threats]:g}"
        measurement["met"] = measurement["peak_rss_mib"] <= RSS_TARGET_MIB[n_threats]
    return measurement


def child_layered(repeat: int, seed: int, cpu: int | None) -> dict:
    """The built-in layered-defense scenario: one warm-up, then the best of ``repeat``."""
    cpu = pin_to_one_core(cpu)
    started = time.perf_counter()
    import iadsim

    import_s = time.perf_counter() - started
    started = time.perf_counter()
    iadsim.run("layered-defense", seed=seed)  # warm-up: lazy imports, caches
    warmup_s = time.perf_counter() - started
    walls = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = iadsim.run("layered-defense", seed=seed)
        walls.append(time.perf_counter() - started)
    sim = result.summary["sim"]
    best = min(walls)
    return {"bench": "layered_defense", "seed": seed, "wall_s": round(best, 3),
            "wall_s_median": round(sorted(walls)[len(walls) // 2], 3),
            "wall_s_all": [round(wall, 3) for wall in walls], "warmup_s": round(warmup_s, 3),
            "import_s": round(import_s, 3), "sim_s": sim["ended_s"], "steps": sim["steps"],
            "real_time_factor": round(sim["ended_s"] / best, 1), "events": sim["events"],
            "peak_rss_mib": peak_rss_mib(), "cpu": cpu,
            "target": f"wall_s < {LAYERED_MAX_WALL_S:g}", "met": best < LAYERED_MAX_WALL_S}


def environment() -> dict:
    """Where and when the figures were taken."""
    import numpy

    model = next((line.split(":", 1)[1].strip()
                  for line in _read_lines("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor() or platform.machine())
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", str(root), "status", "--porcelain", "src"],
                                    capture_output=True, text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = None, None
    return {"bench": "environment",
            "date_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "nproc": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "numpy": numpy.__version__, "platform": platform.platform(),
            "git_commit": commit, "src_modified": dirty}


def _read_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def run_child(arguments: list[str], timeout_s: float | None, label: dict) -> None:
    """Run this script as a one-core child and print its JSON line (or an error line)."""
    command = [sys.executable, str(Path(__file__).resolve()), *arguments]
    try:
        completed = subprocess.run(command, env={**os.environ, **ONE_CORE_ENV},
                                   capture_output=True, text=True, timeout=timeout_s,
                                   check=False)
    except subprocess.TimeoutExpired:
        print(json.dumps({**label, "error": f"timed out after {timeout_s:g} s"}), flush=True)
        return
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        reason = completed.stderr.strip().splitlines()[-3:] or [
            f"exit code {completed.returncode} (negative: killed by signal, e.g. out of memory)"]
        print(json.dumps({**label, "error": reason}), flush=True)
        return
    print(lines[-1], flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Each measurement runs in a fresh one-core child; see the module docstring.")
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1_000, 10_000],
                        help="raid sizes in threats (default: 100 1000 10000)")
    parser.add_argument("--seed", type=int, default=1, help="run seed (default: 1)")
    parser.add_argument("--duration-s", type=float, default=1_800.0,
                        help="simulated time of each synthetic raid, s (default: 1800)")
    parser.add_argument("--no-detections", action="store_true",
                        help="sim.record_detections false: no event per radar detection")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed layered-defense runs after the warm-up (default: 3)")
    parser.add_argument("--skip-layered", action="store_true",
                        help="do not measure the built-in layered-defense scenario")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also run each size once more under tracemalloc (untimed)")
    parser.add_argument("--timeout-s", type=float, default=4 * 3_600.0,
                        help="give up on a child after this long (default: 14400)")
    parser.add_argument("--cpu", type=int,
                        help="CPU to pin each child to (default: the first allowed; never "
                        "run two benchmarks on one CPU at once)")
    parser.add_argument("--radar-look-times", choices=("step", "scheduled"),
                        help="sim.radar_look_times of the synthetic raids (default: the "
                        "schema's default; the built-in layered-defense keeps its own)")
    parser.add_argument("--tracking", nargs="*", default=[], metavar="NAME=VALUE",
                        help="change the raid's tracking settings, e.g. confirmation=score "
                        "(the raid only, not layered-defense)")
    parser.add_argument("--child", type=int, metavar="N_THREATS",
                        help="measure one raid size in this process and print its line")
    parser.add_argument("--child-layered", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-trace", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    for size in options.sizes:
        if size < 1:
            parser.error(f"--sizes must be positive integers, got {size}")
    if options.duration_s < 1.0:
        parser.error(f"--duration-s must be at least 1, got {options.duration_s}")
    if options.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {options.repeat}")

    if options.child_layered:
        print(json.dumps(child_layered(options.repeat, options.seed, options.cpu)), flush=True)
        return
    tracking = {}
    if options.tracking:
        from tracking_settings import tracking_changes  # imports iadsim: only when asked

        try:
            tracking = tracking_changes(options.tracking)
        except ValueError as error:
            parser.error(str(error))
    if options.child is not None:
        print(json.dumps(child_scale(options.child, options.duration_s,
                                     not options.no_detections, options.seed,
                                     options.child_trace, options.cpu,
                                     options.radar_look_times, tracking)), flush=True)
        return

    print(json.dumps(environment()), flush=True)
    pin = [] if options.cpu is None else ["--cpu", str(options.cpu)]
    if not options.skip_layered:
        run_child(["--child-layered", "--repeat", str(options.repeat),
                   "--seed", str(options.seed), *pin], options.timeout_s,
                  {"bench": "layered_defense"})
    common = ["--duration-s", str(options.duration_s), "--seed", str(options.seed), *pin]
    if options.no_detections:
        common.append("--no-detections")
    if options.radar_look_times is not None:
        common += ["--radar-look-times", options.radar_look_times]
    if options.tracking:
        common += ["--tracking", *options.tracking]
    for size in options.sizes:
        label = {"bench": "engine_scale", "n_threats": size,
                 "record_detections": not options.no_detections}
        run_child(["--child", str(size), *common], options.timeout_s, label)
        if options.tracemalloc:
            run_child(["--child", str(size), "--child-trace", *common], options.timeout_s,
                      {**label, "bench": "engine_scale_tracemalloc"})


if __name__ == "__main__":
    main()
