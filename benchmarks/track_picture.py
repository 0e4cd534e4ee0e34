"""Track picture and outcome of a scenario under tracking settings: one JSON line a run.

Runs a built-in scenario (its ``tracking`` section changed by ``--tracking``) with
:func:`iadsim.run` and prints the run's track quality (``summary["track_quality"]``:
track breaks, ID switches, false tracks, position RMSE, mean OSPA and GOSPA, time to
confirm) and its outcome (threats leaked and killed, rounds fired), to compare tracker
settings on the same seed, e.g. the motion model or the confirmation test.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/track_picture.py
    PYTHONPATH=src .venv/bin/python benchmarks/track_picture.py --tracking motion_model=imm
"""

from __future__ import annotations

import argparse
import json
import time

from false_tracks import commit, setting_value
from iadsim.api import run
from iadsim.scenario.loader import load_scenario
from iadsim.scenario.schema import Scenario


def measure(name: str, seed: int, tracking: dict) -> dict:
    """Run one scenario with its tracking settings changed by ``tracking``."""
    scenario = load_scenario(name)
    document = scenario.model_dump()
    document["tracking"] = {**document["tracking"], **tracking}
    started = time.perf_counter()
    result = run(Scenario.model_validate(document), seed=seed)
    summary = result.summary
    quality = summary["track_quality"] or {}
    return {"bench": "track_picture", "scenario": name, "seed": seed, "tracking": tracking,
            "track_breaks": quality.get("track_breaks"),
            "id_switches": quality.get("id_switches"),
            "false_tracks": quality.get("false_tracks"),
            "position_rmse_m": quality.get("position_rmse_m"),
            "mean_ospa_m": quality.get("mean_ospa_m"),
            "mean_time_to_confirm_s": quality.get("mean_time_to_confirm_s"),
            "threats_tracked": quality.get("threats_tracked"),
            "threats": summary["threats"], "rounds_fired": summary["interceptors"]["fired"],
            "wall_s": round(time.perf_counter() - started, 1), "commit": commit()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", nargs="+", default=["layered-defense", "saturation"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tracking", nargs="*", default=[], metavar="NAME=VALUE",
                        help="override tracking settings, e.g. motion_model=imm")
    arguments = parser.parse_args()
    tracking = {name: setting_value(value)
                for name, value in (item.split("=", 1) for item in arguments.tracking)}
    for name in arguments.scenarios:
        print(json.dumps(measure(name, arguments.seed, tracking)), flush=True)


if __name__ == "__main__":
    main()
