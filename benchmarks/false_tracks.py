"""False and duplicate tracks: how much of the confirmed picture follows no live threat.

Runs built-in scenarios step by step and, after every step, compares the confirmed track
picture with the threats then in flight (this script is analysis: it reads the truth to
score the picture; the tracker never does). Prints one JSON line per scenario:

* ``confirmed_tracks``: tracks confirmed at some time in the run;
* ``false_tracks``: confirmed tracks that never had a live threat within ``--radius-m``
  (default 1 km) at any step while confirmed; ``false_share`` their fraction;
* ``duplicate_share``: of the (step, track) samples with a threat within the radius, the
  fraction whose nearest threat was also nearest to another, closer confirmed track
  (a second track on one target, which draws a second engagement);
* ``threats_tracked``: threats that had a confirmed track within the radius at some step.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/false_tracks.py
    PYTHONPATH=src .venv/bin/python benchmarks/false_tracks.py --scenarios saturation --seed 1
    PYTHONPATH=src .venv/bin/python benchmarks/false_tracks.py --tracking merge_checks=100
    PYTHONPATH=src .venv/bin/python benchmarks/false_tracks.py --tracking confirmation=score
    PYTHONPATH=src .venv/bin/python benchmarks/false_tracks.py --radar-look-times scheduled
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from iadsim.engine.simulation import Simulation
from iadsim.scenario.schema import Scenario
from picture_walk import scored_pictures
from tracking_settings import add_options, commit, parse


def measure(name: str, scenario: Scenario, seed: int, radius_m: float,
            tracking: dict[str, Any], radar_look_times: str | None = None) -> dict:
    """Run one scenario (its tracking settings already changed by ``tracking``, recorded
    in the line; its ``sim.radar_look_times`` set when given) and score its confirmed
    picture at every step."""
    if radar_look_times is not None:
        document = scenario.model_dump()
        document["sim"]["radar_look_times"] = radar_look_times
        scenario = Scenario.model_validate(document)
    simulation = Simulation(scenario, seed=seed)
    near_ever: dict[int, bool] = {}
    near_samples = duplicate_samples = 0
    tracked_threats: set[int] = set()
    for scored in scored_pictures(simulation, radius_m, near_ever):
        near, distance = scored.near, scored.distance_m
        if near.any():
            threat = scored.flying[scored.nearest[near]]
            tracked_threats.update(threat.tolist())
            # Per threat, the closest track is its track; the others near it are duplicates.
            order = np.lexsort((distance[near], threat))
            first = np.r_[True, threat[order][1:] != threat[order][:-1]]
            near_samples += int(near.sum())
            duplicate_samples += int((~first).sum())
    confirmed = len(near_ever)
    false_tracks = sum(not value for value in near_ever.values())
    return {"bench": "false_tracks", "scenario": name, "seed": seed, "radius_m": radius_m,
            "confirmed_tracks": confirmed, "false_tracks": false_tracks,
            "false_share": round(false_tracks / confirmed, 4) if confirmed else None,
            "duplicate_share": (round(duplicate_samples / near_samples, 4)
                                if near_samples else None),
            "threats": int(simulation.raid.size), "threats_tracked": len(tracked_threats),
            "tracking": tracking,
            **({} if radar_look_times is None else {"radar_look_times": radar_look_times}),
            "commit": commit()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_options(parser, "merge_checks=100")
    parser.add_argument("--radius-m", type=float, default=1_000.0)
    parser.add_argument("--radar-look-times", choices=("step", "scheduled"),
                        help="set sim.radar_look_times (default: the scenario's own)")
    arguments, tracking, scenarios = parse(parser)
    for name, scenario in scenarios.items():
        print(json.dumps(measure(name, scenario, arguments.seed, arguments.radius_m,
                                 tracking, arguments.radar_look_times)), flush=True)


if __name__ == "__main__":
    main()
