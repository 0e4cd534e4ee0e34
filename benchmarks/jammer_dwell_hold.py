"""How long jamming dwells hold their fire channel after the drone they were put on ended.

Runs a built-in scenario with jammers (default ``saturation``) seed by seed, with
``doctrine.jammer_dwell_release`` off and on (alternating in one process), and prints one
JSON line per (seed, release):

* ``leaked``: leakers; ``jammer_dwells``, ``jammer_dwell_s``: jamming dwells and the
  channel seconds they held (start to ``dwell_end``);
* each dwell is put against the threat nearest its cue when it began, among the threats
  launched by then, whatever their status (an ended threat stays where it ended): the
  drone the picture's track stood for. ``after_leak``: dwells that were still on when that
  drone leaked, and ``after_leak_s`` the channel seconds they held after the leak;
  ``after_fall``, ``after_fall_s``: the same for a drone that fell or was killed during
  the dwell; ``begun_after_end``: dwells begun on a track whose nearest threat had already
  ended (a track left on a dead drone, or one nearer a wreck than a live drone), each held
  whole;
* ``fall_to_track_drop_s``: for the drones that fell or were killed during a dwell, the
  median seconds from that end to the ``track_drop`` of the dwell's track (the picture's
  first sure sign; inf when never dropped).

The attribution reads the truth after the run (and the threats' positions when each dwell
began, recorded by wrapping :meth:`BeamWeapons.start`, which decides nothing); nothing
that decides reads it.

Usage::

    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/jammer_dwell_hold.py --seeds 1 2 3
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from tracking_settings import commit


def measure(scenario_name: str, seed: int, release: bool) -> dict:
    """One run and its jamming dwells against the truth (read after the run)."""
    import iadsim
    from iadsim.engine.simulation import Simulation
    from iadsim.scenario.schema import Scenario

    started = time.process_time()
    scenario = iadsim.load_scenario(scenario_name)
    scenario = Scenario.model_validate({**scenario.model_dump(), "doctrine": {
        **scenario.doctrine.model_dump(), "jammer_dwell_release": release}})
    simulation = Simulation(scenario, seed=seed)
    beams = simulation.beams
    begin = beams.start
    nearest_threat: dict[int, int] = {}

    def start(time_s, type_index, battery, engagement_id, track_id, track_position_m):
        shot = begin(time_s, type_index, battery, engagement_id, track_id, track_position_m)
        if beams.table.is_jammer[type_index]:
            distance = np.linalg.norm(simulation.threat_position_m - track_position_m, axis=1)
            distance[simulation.raid.launch_time_s > time_s] = np.inf
            nearest_threat[shot] = int(np.argmin(distance))
        return shot

    beams.start = start
    simulation.run()
    events = simulation.log.to_frame(release=True)
    kind = events["kind"].astype(str)
    fell = (kind == "defeat") & (events["value"] == 0.0)
    ended = events[kind.isin(["leak", "kill"]) | fell]
    ended_at = ended.groupby("threat_id", observed=True)["time_s"].min().to_dict()
    leaked = set(events.loc[kind == "leak", "threat_id"].astype(int).tolist())
    drops = events[kind == "track_drop"]
    dropped_at = drops.groupby("track_id", observed=True)["time_s"].min().to_dict()
    launches = events[kind == "interceptor_launch"]
    began_at = dict(zip(launches["interceptor_id"].astype(int).tolist(),
                        launches["time_s"].tolist(), strict=True))
    dwells = events[(kind == "dwell_end") & (events["battery"].astype(str) == "jammer")]
    held_s, after = 0.0, {"leak": [], "fall": []}
    begun_after_end, to_drop = 0, []
    for shot, track, end_s in zip(dwells["interceptor_id"].astype(int).tolist(),
                                  dwells["track_id"].astype(int).tolist(),
                                  dwells["time_s"].tolist(), strict=True):
        began = began_at[shot]
        held_s += end_s - began
        threat = nearest_threat[shot]
        threat_end = ended_at.get(threat, np.inf)
        if threat_end <= began:
            begun_after_end += 1
        elif threat_end < end_s:
            after["leak" if threat in leaked else "fall"].append(end_s - threat_end)
            if threat not in leaked:
                to_drop.append(dropped_at.get(track, np.inf) - threat_end)
    return {"bench": "jammer_dwell_hold", "scenario": scenario_name, "seed": seed,
            "jammer_dwell_release": release, "leaked": len(leaked),
            "jammer_dwells": len(dwells), "jammer_dwell_s": round(held_s, 1),
            "after_leak": len(after["leak"]), "after_leak_s": round(sum(after["leak"]), 1),
            "after_fall": len(after["fall"]), "after_fall_s": round(sum(after["fall"]), 1),
            "begun_after_end": begun_after_end,
            "fall_to_track_drop_s": (round(float(np.median(to_drop)), 1) if to_drop
                                     else None),
            "run_cpu_s": round(time.process_time() - started, 1), "commit": commit()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="saturation")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    arguments = parser.parse_args()
    for seed in arguments.seeds:
        for release in (False, True):
            print(json.dumps(measure(arguments.scenario, seed, release)), flush=True)


if __name__ == "__main__":
    main()
