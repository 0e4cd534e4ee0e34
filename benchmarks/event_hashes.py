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
changes the ``tracking`` section of every scenario (e.g. ``empty_scans=true``), to see
whether an option changes a run at all; the lines then carry ``tracking``. A bad item is
one line on stderr naming it, exit code 2.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from typing import Any

import pandas as pd

from iadsim.errors import ScenarioError
from run_stages import scenario_with_look_times
from tracking_settings import tracking_changes

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


def with_tracking_section(scenario: Any, tracking: dict[str, Any]) -> Any:
    """``scenario`` (a name or a validated scenario) with its ``tracking`` section changed
    by ``tracking`` and validated again; unchanged when ``tracking`` is empty.

    Raises
    ------
    ScenarioError
        Naming the field a value is refused for (``tracking.empty_scans``).
    """
    if not tracking:
        return scenario
    from iadsim.scenario.loader import load_scenario, scenario_from_dict

    document = (load_scenario(scenario) if isinstance(scenario, str) else scenario).model_dump()
    document["tracking"] = {**document["tracking"], **tracking}
    given = " ".join(f"{key}={value}" for key, value in tracking.items())
    return scenario_from_dict(document, source=f"--tracking {given}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--radar-look-times", choices=("step", "scheduled"),
                        help="set sim.radar_look_times (default: the scenario's own)")
    parser.add_argument("--tracking", nargs="+", default=[], metavar="NAME=VALUE",
                        help="change the tracking section of every scenario")
    arguments = parser.parse_args()
    import iadsim

    looks = {} if arguments.radar_look_times is None else {
        "radar_look_times": arguments.radar_look_times}
    try:
        tracking = tracking_changes(arguments.tracking)
        chosen = {scenario: with_tracking_section(
            scenario_with_look_times(scenario, arguments.radar_look_times), tracking)
            for scenario in arguments.scenarios}
    except (ValueError, ScenarioError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    changed = {"tracking": tracking} if tracking else {}
    for scenario in arguments.scenarios:
        for seed in arguments.seeds:
            result = iadsim.run(chosen[scenario], seed=seed)
            print(json.dumps({"bench": "event_hashes", "scenario": scenario, "seed": seed,
                              **looks, **changed,
                              "events": len(result.events),
                              "events_sha256": frame_hash(result.events),
                              "tracks_sha256": frame_hash(result.tracks),
                              "summary_sha256": summary_hash(result.summary)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
