"""Two variants of a built-in scenario's tracking or doctrine settings, old against new:
outcomes and tracker CPU (made for confirmed-track deletion, the default ``--new``).

Runs a built-in scenario (default ``layered-defense``) for each seed with the tracking
settings of each variant, alternating the variants seed by seed in one process (so that
their CPU times are taken under the same load), and prints one JSON line per (seed,
variant):

* ``killed``, ``leaked``: threats killed and leakers (the run's summary);
* ``rounds``: interceptors fired;
* ``confirmed_tracks``: tracks confirmed in the run; ``drops``: confirmed tracks deleted
  (``track_drop`` of a confirmed track; not merges nor tentative tracks);
* ``false_tracks_1km``, ``false_tracks_3km``: confirmed tracks never within 1 km / 3 km of
  a live threat (:func:`iadsim.analysis.track_quality.track_quality`; the analysis reads
  the truth after the run, the tracker never does); at 1 km, ``track_breaks``,
  ``id_switches`` (time by time) and ``held_track_breaks``, ``drop_breaks``,
  ``held_id_switches`` (20 s hold), with the default extrapolation, and ``old_scoring``:
  ``track_breaks`` and ``id_switches`` as scored before issue 18 (velocity only, time by
  time);
* ``rounds_by_battery``: interceptors fired by each battery that fired;
* ``false_kills``, ``missed_kills``: the battle manager's kill judgements that were wrong
  against the truth (:func:`iadsim.analysis.kill_assessment_score.score_kill_assessments`);
* ``tracker_cpu_s``: CPU seconds (``time.thread_time``) in
  ``CentralTracker.process_scans`` and ``CentralTracker.drop``
  (``tracking_settings.tracker_timer``); ``run_cpu_s``: the whole run's.

Variants: ``old`` is the scenario's own tracking settings with ``--tracking``; ``new`` adds
``--new`` (default ``deletion=misses``) and the doctrine settings ``--new-doctrine``.

Usage::

    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/deletion_outcomes.py --seeds 1 2 3 4
    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/deletion_outcomes.py \\
        --new deletion=misses deletion_misses=6 --scenario saturation --seeds 1
    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/deletion_outcomes.py \\
        --new --new-doctrine kill_assessment_cue=speed_or_fall --seeds 1 2 3 4
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from iadsim.errors import ScenarioError
from iadsim.scenario.loader import scenario_from_dict
from tracking_settings import commit, tracker_timer, tracking_changes, with_tracking


def measure(scenario, seed: int, spent: list[float]) -> dict:
    """One run and its scoring (the truth read after the run, by the analysis)."""
    import iadsim
    from iadsim.analysis.kill_assessment_score import score_kill_assessments
    from iadsim.analysis.track_quality import track_quality

    spent[0] = 0.0
    started = time.process_time()
    result = iadsim.run(scenario, seed=seed)
    run_cpu_s = time.process_time() - started
    events = result.events
    kind = events["kind"].astype(str)
    confirmed = set(events.loc[kind == "track_confirm", "track_id"].tolist())
    drops = int(events.loc[kind == "track_drop", "track_id"].isin(confirmed).sum())
    launches = events.loc[kind == "interceptor_launch", "battery"].astype(str)
    judgements = score_kill_assessments(events)
    near = track_quality(result, c_m=1_000.0).attrs["summary"]
    far = track_quality(result, c_m=3_000.0).attrs["summary"]
    old = track_quality(result, c_m=1_000.0, extrapolation="velocity").attrs["summary"]
    summary = result.summary
    return {"killed": summary["threats"]["killed"], "leaked": summary["threats"]["leaked"],
            "rounds": summary["interceptors"]["fired"],
            "rounds_by_battery": {str(name): int(count)
                                  for name, count in launches.value_counts().sort_index().items()},
            "false_kills": judgements["false_kills"], "missed_kills": judgements["missed_kills"],
            "confirmed_tracks": len(confirmed), "drops": drops,
            "false_tracks_1km": near["false_tracks"], "false_tracks_3km": far["false_tracks"],
            "track_breaks": near["track_breaks"], "id_switches": near["id_switches"],
            "held_track_breaks": near["held_track_breaks"], "drop_breaks": near["drop_breaks"],
            "held_id_switches": near["held_id_switches"],
            "old_scoring": {"track_breaks": old["track_breaks"],
                            "id_switches": old["id_switches"]},
            "tracker_cpu_s": round(spent[0], 2), "run_cpu_s": round(run_cpu_s, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="layered-defense")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4])
    parser.add_argument("--tracking", nargs="*", default=[], metavar="NAME=VALUE",
                        help="tracking settings of both variants")
    parser.add_argument("--new", nargs="*", default=["deletion=misses"], metavar="NAME=VALUE",
                        help="tracking settings the new variant adds (default: "
                        "deletion=misses)")
    parser.add_argument("--new-doctrine", nargs="*", default=[], metavar="NAME=VALUE",
                        help="doctrine settings the new variant adds, e.g. "
                        "kill_assessment_cue=speed_or_fall")
    arguments = parser.parse_args()
    try:  # a bad option is one line, exit code 2, before anything runs
        common = tracking_changes(arguments.tracking)
        new = tracking_changes(arguments.new)
        doctrine = tracking_changes(arguments.new_doctrine)
        variants = {"old": common, "new": {**common, **new}}
        scenarios = {name: with_tracking(arguments.scenario, tracking)
                     for name, tracking in variants.items()}
        if doctrine:
            document = scenarios["new"].model_dump()
            document["doctrine"] = {**document["doctrine"], **doctrine}
            scenarios["new"] = scenario_from_dict(
                document, source=f"{arguments.scenario} with --new-doctrine")
    except (ScenarioError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    spent = tracker_timer()
    for seed in arguments.seeds:
        for name, scenario in scenarios.items():
            line = {"bench": "deletion_outcomes", "scenario": arguments.scenario,
                    "seed": seed, "variant": name, "tracking": variants[name],
                    "doctrine": doctrine if name == "new" else {},
                    **measure(scenario, seed, spent), "commit": commit()}
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
