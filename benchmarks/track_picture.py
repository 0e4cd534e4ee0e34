"""Track picture and outcome of a scenario under tracking settings: one JSON line a run.

Runs a built-in scenario (its ``tracking`` section changed by ``--tracking``) with
:func:`iadsim.run` and prints the run's track quality (``summary["track_quality"]``:
track breaks, ID switches, false tracks, position RMSE, mean OSPA and GOSPA, time to
confirm) and its outcome (threats leaked and killed, rounds fired), to compare tracker
settings on the same seed, e.g. the motion model or the confirmation test.

Breaks and switches are printed under both definitions
(:func:`iadsim.analysis.track_quality.score_tracks`, issue 18): ``track_breaks`` and
``id_switches`` time by time, ``held_track_breaks``, ``drop_breaks`` and
``held_id_switches`` with the 20 s hold, all with the summary's extrapolation
(``extrapolation``); ``old_scoring``: the breaks and switches of the scoring before
issue 18 (velocity-only extrapolation, time by time).

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/track_picture.py
    PYTHONPATH=src .venv/bin/python benchmarks/track_picture.py --tracking motion_model=imm
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from iadsim.api import run
from iadsim.scenario.schema import Scenario
from tracking_settings import add_options, commit, parse


def measure(name: str, scenario: Scenario, seed: int, tracking: dict[str, Any]) -> dict:
    """Run one scenario (its tracking settings already changed by ``tracking``, recorded
    in the line)."""
    started = time.perf_counter()
    result = run(scenario, seed=seed)
    wall_s = time.perf_counter() - started
    summary = result.summary
    quality = summary["track_quality"] or {}
    return {"bench": "track_picture", "scenario": name, "seed": seed, "tracking": tracking,
            "track_breaks": quality.get("track_breaks"),
            "id_switches": quality.get("id_switches"),
            "held_track_breaks": quality.get("held_track_breaks"),
            "drop_breaks": quality.get("drop_breaks"),
            "held_id_switches": quality.get("held_id_switches"),
            "extrapolation": quality.get("extrapolation"),
            "old_scoring": old_scoring(result) if quality else None,
            "false_tracks": quality.get("false_tracks"),
            "position_rmse_m": quality.get("position_rmse_m"),
            "mean_ospa_m": quality.get("mean_ospa_m"),
            "mean_time_to_confirm_s": quality.get("mean_time_to_confirm_s"),
            "threats_tracked": quality.get("threats_tracked"),
            "threats": summary["threats"], "rounds_fired": summary["interceptors"]["fired"],
            "wall_s": round(wall_s, 1), "commit": commit()}


def old_scoring(result: Any) -> dict[str, int]:
    """The run's breaks and ID switches as scored before issue 18 (velocity-only
    extrapolation, counted time by time), to compare with the summary's."""
    from iadsim.analysis.track_quality import track_quality

    summary = track_quality(result, extrapolation="velocity").attrs["summary"]
    return {"track_breaks": summary["track_breaks"], "id_switches": summary["id_switches"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_options(parser, "motion_model=imm")
    arguments, tracking, scenarios = parse(parser)
    for name, scenario in scenarios.items():
        print(json.dumps(measure(name, scenario, arguments.seed, tracking)), flush=True)


if __name__ == "__main__":
    main()
