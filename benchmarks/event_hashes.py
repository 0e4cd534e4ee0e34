"""Hashes of the full event log (and summary) of the built-in scenarios, seeds 1 to 3.

A regression check for changes meant to be pure speed-ups: run before and after, and the
lines must be identical. Prints one JSON line per run:
``{"bench": "event_hashes", "scenario": ..., "seed": ..., "events": n, "events_sha256": ...,
"summary_sha256": ...}``; the summary hash leaves out ``sim.wall_time_s``.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/event_hashes.py > before.jsonl
    PYTHONPATH=src .venv/bin/python benchmarks/event_hashes.py > after.jsonl
    diff before.jsonl after.jsonl

``--radar-look-times step|scheduled`` runs every scenario with ``sim.radar_look_times`` set
(default: the scenario's own); the lines then carry it. ``--tracking NAME=VALUE ...``
changes tracking settings (an option measured against the default); the lines then carry
``tracking``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from typing import Any

import pandas as pd

from run_stages import scenario_with_look_times
from tracking_settings import tracking_changes, with_tracking

SCENARIOS = ("layered-defense", "saturation", "sinop-trial", "attrition")


def frame_hash(frame: pd.DataFrame) -> str:
    """SHA-256 over the column names, dtypes and raw values of every column, in order."""
    digest = hashlib.sha256()
    for name in frame.columns:
        column = frame[name]
        digest.update(f"{name}:{column.dtype}".encode())
        if isinstance(column.dtype, pd.CategoricalDtype):
            digest.update(repr(list(column.cat.categories)).encode())
            digest.update(column.cat.codes.to_numpy().tobytes())
        else:
            values = column.to_numpy()
            digest.update(values.tobytes() if values.dtype != object
                          else repr(values.tolist()).encode())
    return digest.hexdigest()


def summary_hash(summary: dict[str, Any]) -> str:
    """SHA-256 of the summary as sorted JSON, the wall time left out."""
    copy = json.loads(json.dumps(summary, default=str))
    copy.get("sim", {}).pop("wall_time_s", None)
    return hashlib.sha256(json.dumps(copy, sort_keys=True).encode()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--radar-look-times", choices=("step", "scheduled"),
                        help="set sim.radar_look_times (default: the scenario's own)")
    parser.add_argument("--tracking", nargs="*", default=[], metavar="NAME=VALUE",
                        help="override tracking settings, e.g. deletion=misses")
    arguments = parser.parse_args()
    import iadsim
    from iadsim.scenario import scenario_from_dict

    tracking = tracking_changes(arguments.tracking)
    looks = {} if arguments.radar_look_times is None else {
        "radar_look_times": arguments.radar_look_times}
    if tracking:
        looks["tracking"] = tracking
    for scenario in arguments.scenarios:
        for seed in arguments.seeds:
            chosen = scenario_with_look_times(scenario, arguments.radar_look_times)
            if tracking and isinstance(chosen, str):  # the scenario's own look times
                chosen = with_tracking(chosen, tracking)
            elif tracking:
                document = chosen.model_dump()
                document["tracking"] = {**document["tracking"], **tracking}
                chosen = scenario_from_dict(document)
            result = iadsim.run(chosen, seed=seed)
            print(json.dumps({"bench": "event_hashes", "scenario": scenario, "seed": seed,
                              **looks,
                              "events": len(result.events),
                              "events_sha256": frame_hash(result.events),
                              "tracks_sha256": frame_hash(result.tracks),
                              "summary_sha256": summary_hash(result.summary)}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
