"""The IMM against the constant-velocity filter on built-in scenarios: one JSON line.

Runs each scenario with ``tracking.motion_model`` cv and imm (or the ``--models`` given,
e.g. ``imm_for_manoeuvring``; other tracking settings changed by ``--tracking`` for all)
on one seed and prints, per scenario and model, the
track quality (track breaks, ID switches, false tracks, mean OSPA, position RMSE) and the
outcome (threats leaked, rounds fired), with the wall time of each run: the figures that
decide whether the IMM can be the default (issue 18). Breaks and switches under both
definitions (``benchmarks/track_picture.py``): time by time (``track_breaks``,
``id_switches``), held 20 s (``held_track_breaks``, ``drop_breaks``,
``held_id_switches``), and as scored before issue 18 (``old_scoring``).

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/imm_vs_cv.py
    PYTHONPATH=src .venv/bin/python benchmarks/imm_vs_cv.py --scenarios saturation \\
        --tracking imm_ca_noise_mps3=5
    PYTHONPATH=src .venv/bin/python benchmarks/imm_vs_cv.py --models cv imm_for_manoeuvring
"""

from __future__ import annotations

import argparse
import json
import sys

from iadsim.errors import ScenarioError
from track_picture import measure
from tracking_settings import commit, tracking_changes, with_tracking

#: The figures kept from each run (benchmarks/track_picture.py's line).
KEPT = ("track_breaks", "id_switches", "held_track_breaks", "drop_breaks",
        "held_id_switches", "old_scoring", "false_tracks", "mean_ospa_m", "position_rmse_m",
        "rounds_fired", "wall_s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", nargs="+", default=["saturation", "layered-defense"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--models", nargs="+", default=["cv", "imm"],
                        choices=["cv", "imm", "imm_for_manoeuvring"],
                        help="the tracking.motion_model values to run")
    parser.add_argument("--tracking", nargs="*", default=[], metavar="NAME=VALUE",
                        help="override tracking settings for every model")
    arguments = parser.parse_args()
    try:  # a bad option is one line, exit code 2, before anything runs
        tracking = tracking_changes(arguments.tracking)
        scenarios = {(name, model): with_tracking(name, {**tracking, "motion_model": model})
                     for name in arguments.scenarios for model in arguments.models}
    except (ScenarioError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    line: dict = {"bench": "imm_vs_cv", "seed": arguments.seed, "tracking": tracking}
    for name in arguments.scenarios:
        line[name] = {}
        for model in arguments.models:
            result = measure(name, scenarios[name, model], arguments.seed,
                             {**tracking, "motion_model": model})
            line[name][model] = {**{key: result[key] for key in KEPT},
                                 "leaked": result["threats"]["leaked"]}
    line["commit"] = commit()
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
