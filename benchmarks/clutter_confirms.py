"""Confirmed tracks from clutter alone: the layered-defense network's radars, false alarms
only, for 30 minutes, into the central tracker under each tracking setting.

The radars (every catalog radar profile, overlapping, as in
``tests/tracking/test_track_management.py``) scan an empty sky; every plot is a false
alarm of the radar model (Pfa x resolution cells over each radar's surveillance volume:
3-7 a scan a radar, about 22 a second over the network). Every confirmed track is thus a
false track. Prints one JSON line per (variant, seed): the false alarms, the tracks
confirmed (``confirmed``, and by the radar whose plot confirmed it) and the tracker's CPU
seconds (``time.thread_time``).

Usage::

    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/clutter_confirms.py --seeds 11 12 13
    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/clutter_confirms.py \
        --variant "" "confirmation=score duplicate_guard=true"
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from tracking_settings import commit, tracking_changes

LATITUDE_DEG, LONGITUDE_DEG = 39.93, 32.86
NETWORK_PROFILES = ("s400-class-search-radar", "s400-class-engagement-radar",
                    "medium-range-radar", "medium-range-radar", "short-range-radar",
                    "short-range-radar", "short-range-radar")
OFFSETS_DEG = ((0.0, 0.0), (0.005, 0.005), (0.12, 0.04), (0.05, -0.24), (-0.01, 0.0),
               (0.19, 0.13), (-0.075, 0.65))


def clutter_run(tracking: dict, seed: int, duration_s: float,
                profiles: tuple[str, ...] = NETWORK_PROFILES) -> dict:
    """One clutter-only run of the network under ``tracking`` changes: false alarms,
    confirmed tracks (total and by radar) and tracker CPU seconds."""
    from iadsim.events import EventKind, EventLog
    from iadsim.scenario import scenario_from_dict
    from iadsim.scenario.schema import Tracking
    from iadsim.sensors.radar import RadarNetwork, radar_sites
    from iadsim.tracking.tracker import CentralTracker
    from iadsim.world.geodesy import LocalFrame

    scenario = scenario_from_dict({
        "name": "clutter", "origin": {"lat_deg": LATITUDE_DEG, "lon_deg": LONGITUDE_DEG},
        "sim": {"duration_s": duration_s},
        "sensors": [{"name": f"r{index}", "profile": profile,
                     "lat_deg": LATITUDE_DEG + OFFSETS_DEG[index][0],
                     "lon_deg": LONGITUDE_DEG + OFFSETS_DEG[index][1], "height_m": 15.0}
                    for index, profile in enumerate(profiles)]})
    sites = radar_sites(scenario, LocalFrame(LATITUDE_DEG, LONGITUDE_DEG, 0.0))
    network = RadarNetwork(sites, seed=seed, ground_elevation_m=0.0, record_detections=False)
    log = EventLog([site.name for site in sites], [], [])
    tracker = CentralTracker(Tracking(**tracking), sites, log)
    none3, none = np.zeros((0, 3)), np.zeros(0)
    alarms, spent = 0, 0.0
    for time_s in np.arange(0.5, duration_s, 0.5):
        batches = network.scan(float(time_s), none3, none, none, np.zeros(0, dtype=np.intp),
                               log)
        alarms += sum(batch.size for batch in batches)
        start = time.thread_time()
        tracker.process_scans(batches)
        tracker.drop(float(time_s))
        spent += time.thread_time() - start
    events = log.to_frame()
    confirms = events[events["kind"].astype(str) == EventKind.TRACK_CONFIRM.value]
    return {"false_alarms": alarms, "confirmed": len(confirms),
            "confirmed_by_radar": {str(name): int(count) for name, count in
                                   confirms["sensor"].value_counts().items()},
            "tracker_cpu_s": round(spent, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13])
    parser.add_argument("--duration-s", type=float, default=1_800.0)
    parser.add_argument("--variant", nargs="*", default=[""], metavar="'NAME=VALUE ...'",
                        help="tracking changes of each variant, space separated ('' for "
                        "the defaults)")
    arguments = parser.parse_args()
    try:
        from iadsim.scenario.schema import Tracking

        variants = [tracking_changes(text.split()) for text in arguments.variant]
        for changes in variants:
            Tracking(**changes)
    except ValueError as error:
        print(f"error: {error.__class__.__name__}: {str(error).splitlines()[0]}",
              file=sys.stderr)
        raise SystemExit(2) from None
    for changes in variants:
        for seed in arguments.seeds:
            print(json.dumps({"bench": "clutter_confirms", "tracking": changes, "seed": seed,
                              "duration_s": arguments.duration_s,
                              **clutter_run(changes, seed, arguments.duration_s),
                              "commit": commit()}), flush=True)


if __name__ == "__main__":
    main()
