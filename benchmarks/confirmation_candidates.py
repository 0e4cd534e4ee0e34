"""Confirmation rules side by side: outcome, false tracks, time to confirm and tracker CPU
of built-in scenarios under each tracking setting.

For each scenario and variant (``--variant``, tracking changes space separated; ``''``
the scenario's own settings), runs the scenario once per seed (``--seeds``, default 1)
and prints one JSON line: the verdict, threats killed and leaked, rounds fired and kills
per round, the tracks confirmed, and from
:func:`iadsim.analysis.track_quality.track_quality` (the analysis, which reads the truth
to score the picture) the false tracks, the threats tracked and their mean time to
confirm (first detection to first paired confirmed track), with the whole-run and
tracker CPU seconds (``time.process_time`` and ``time.thread_time``; on a shared machine
read ratios of lines from one process).

Usage::

    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/confirmation_candidates.py \
        --scenarios layered-defense saturation --variant "" "confirmation=score"
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time

from tracking_settings import commit, tracker_timer, tracking_changes, with_tracking


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", nargs="+", default=["layered-defense", "saturation"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--variant", nargs="*", default=[""], metavar="'NAME=VALUE ...'",
                        help="tracking changes of each variant, space separated")
    arguments = parser.parse_args()
    try:
        variants = [tracking_changes(text.split()) for text in arguments.variant]
        scenarios = {(name, index): with_tracking(name, changes)
                     for name in arguments.scenarios
                     for index, changes in enumerate(variants)}
    except ValueError as error:  # ScenarioError is a ValueError
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    import iadsim
    from iadsim.analysis.track_quality import track_quality

    spent = tracker_timer()
    for ((name, index), scenario), seed in itertools.product(scenarios.items(),
                                                             arguments.seeds):
        spent[0] = 0.0
        start = time.process_time()
        result = iadsim.run(scenario, seed=seed)
        run_cpu_s = time.process_time() - start
        summary = result.summary
        threats = summary["threats"]
        kinds = result.events["kind"].astype(str)
        rounds = int((kinds == "interceptor_launch").sum())
        quality = track_quality(result).attrs["summary"]
        print(json.dumps({
            "bench": "confirmation_candidates", "scenario": name, "seed": seed,
            "tracking": variants[index], "verdict": summary["verdict"],
            "killed": threats["killed"], "leaked": threats["leaked"], "rounds": rounds,
            "kills_per_round": round(threats["killed"] / rounds, 3) if rounds else None,
            "confirmed_tracks": int((kinds == "track_confirm").sum()),
            "false_tracks": quality["false_tracks"],
            "threats_tracked": quality["threats_tracked"],
            "mean_time_to_confirm_s": quality["mean_time_to_confirm_s"],
            "run_cpu_s": round(run_cpu_s, 3), "tracker_cpu_s": round(spent[0], 3),
            "commit": commit()}), flush=True)


if __name__ == "__main__":
    main()
