"""The two ghost-free-picture options against the defaults (issue 18): outcomes per run.

``doctrine.kill_assessment_cue: speed_or_fall`` (kill assessment reads a turn at constant
speed as alive) and ``tracking.kinematic_plausibility: true`` (a tentative track faster
than any declared threat kind could fly at its height is not confirmed), each alone and
both together, against ``velocity_change`` without the plausibility check. Every variant
sets both settings explicitly, so a line means the same whatever the schema's defaults.

Runs the built-in scenarios (and ``raid``: the 1,000-threat raid of
``benchmarks/engine_scale.py``, tracks recorded) seed by seed, the variants one after
the other in one process, and prints one JSON line per (scenario, seed, variant):

* ``killed``, ``leaked``: threats killed, leakers (the run's summary);
* ``rounds`` and ``rounds_by_battery``: interceptors (gun bursts, dwells) launched;
* ``expected_kills`` and ``expected_kills_by_battery``: the sum of each round's kill
  chance (the probability its kill draw was compared with,
  :func:`confirmation_rounds.watch_kill_chances`; laser and jammer dwells count 0): the
  kills the rounds were worth with the draws' luck taken out. Once two variants diverge,
  every later Pk draw differs, so rounds and kills differ by luck alone (a drone at a gun
  of 0.4 a burst takes 2.5 +- 1.9 bursts);
* ``false_kills``, ``missed_kills``: kill judgements wrong against the truth
  (:func:`iadsim.analysis.kill_assessment_score.score_kill_assessments`);
  ``assessed_after_leak``: judged killed after the threat had leaked (not a false kill);
* ``ghost_rounds``: rounds launched at a track with no live threat within 1 km of the
  track's last recorded update at or before the launch (a ghost, or a track left on a
  dead threat); ``ghost_rounds_by_battery``;
* ``overlapping_rounds``: rounds launched at a threat (the live one nearest the track)
  while an earlier round at the same threat was still flying, by battery too;
* ``track_breaks``, ``id_switches``, ``false_tracks``, ``confirmed_tracks``: the run's
  track quality at a 1 km cut-off (:func:`iadsim.analysis.track_quality.score_tracks`);
* ``run_cpu_s``: CPU seconds of the run and its scoring.

Scoring reads the truth (``run.truth``, the ``kill`` and ``intercept`` events) after
the run only; nothing that decides does. Extra settings for every variant:
``--doctrine NAME=VALUE`` and ``--tracking NAME=VALUE``.

Usage::

    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/picture_defaults.py \\
        --scenarios layered-defense --seeds 1 2 3 4 5 6
    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/picture_defaults.py \\
        --scenarios raid --seeds 1 --variants old plausibility
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

from iadsim.errors import ScenarioError
from tracking_settings import commit, tracking_changes

#: Each variant's settings: (doctrine, tracking); both options are always set explicitly.
VARIANTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "old": ({"kill_assessment_cue": "velocity_change"}, {"kinematic_plausibility": False}),
    "cue": ({"kill_assessment_cue": "speed_or_fall"}, {"kinematic_plausibility": False}),
    "plausibility": ({"kill_assessment_cue": "velocity_change"},
                     {"kinematic_plausibility": True}),
    "both": ({"kill_assessment_cue": "speed_or_fall"}, {"kinematic_plausibility": True}),
}
#: A round whose track had no live threat within this distance (m) is a ghost round.
GHOST_DISTANCE_M = 1_000.0
#: The raid: threats and duration (s) of ``benchmarks/engine_scale.py``'s 1,000-threat run.
RAID_THREATS, RAID_DURATION_S = 1_000, 1_800.0


def scenario_document(name: str, seed: int) -> dict[str, Any]:
    """The scenario document of a built-in ``name`` or of ``raid`` (tracks recorded)."""
    if name == "raid":
        from engine_scale import synthetic_raid

        document = synthetic_raid(RAID_THREATS, RAID_DURATION_S, False, seed)
        document["sim"]["record_tracks"] = True
        return document
    from iadsim.scenario.loader import builtin_text
    from iadsim.scenario.yaml_loader import load_yaml

    document = load_yaml(builtin_text(name))
    document["sim"] = {**document["sim"], "record_tracks": True}
    return document


def variant_scenario(name: str, seed: int, doctrine: dict[str, Any],
                     tracking: dict[str, Any]):
    """The scenario ``name`` with its doctrine and tracking sections changed, validated."""
    from iadsim.scenario.loader import scenario_from_dict

    document = scenario_document(name, seed)
    document["doctrine"] = {**document.get("doctrine", {}), **doctrine}
    document["tracking"] = {**document.get("tracking", {}), **tracking}
    return scenario_from_dict(document, source=f"{name} with {doctrine} {tracking}")


def launch_aims(events: pd.DataFrame, tracks: pd.DataFrame, truth: pd.DataFrame
                ) -> pd.DataFrame:
    """Every round's launch with the live threat nearest its track (the analysis: reads
    the recorded truth after the run).

    For each ``interceptor_launch``: the track's last recorded update at or before the
    launch, and the live threat nearest it at that update's time. Columns ``time_s``,
    ``interceptor_id``, ``track_id``, ``battery``, ``threat_id`` (-1: the track was never
    recorded before the launch), ``distance_m`` (inf when no threat was live or the track
    was not recorded).
    """
    kind = events["kind"].astype(str)
    launches = events[kind == "interceptor_launch"]
    track_rows = tracks.sort_values(["track_id", "time_s"], kind="stable")
    position = track_rows[["east_m", "north_m", "up_m"]].to_numpy()
    track_times = track_rows["time_s"].to_numpy()
    track_ids = track_rows["track_id"].to_numpy()
    truth_times = truth["time_s"].to_numpy()
    truth_ids = truth["threat_id"].to_numpy()
    truth_position = truth[["east_m", "north_m", "up_m"]].to_numpy()
    threat, distance_m = [], []
    for time_s, track in zip(launches["time_s"].tolist(), launches["track_id"].tolist(),
                             strict=True):
        start, stop = np.searchsorted(track_ids, [track, track + 1])
        last = start + np.searchsorted(track_times[start:stop], time_s + 1e-9) - 1
        if last < start:
            threat.append(-1)
            distance_m.append(np.inf)
            continue
        at = track_times[last]
        low, high = np.searchsorted(truth_times, [at - 1e-9, at + 1e-9])
        distance = np.linalg.norm(truth_position[low:high] - position[last], axis=1)
        nearest = int(distance.argmin()) if distance.size else -1
        threat.append(int(truth_ids[low + nearest]) if nearest >= 0 else -1)
        distance_m.append(float(distance[nearest]) if nearest >= 0 else np.inf)
    return pd.DataFrame({"time_s": launches["time_s"].to_numpy(),
                         "interceptor_id": launches["interceptor_id"].to_numpy(),
                         "track_id": launches["track_id"].to_numpy(),
                         "battery": launches["battery"].astype(str).to_numpy(),
                         "threat_id": np.array(threat, dtype=np.int64),
                         "distance_m": np.array(distance_m)})


def round_end_times(events: pd.DataFrame) -> dict[int, float]:
    """When each round ended (its intercept, kill, miss, self-destruct or ground impact), s."""
    kind = events["kind"].astype(str)
    ends = events[kind.isin(["intercept", "kill", "miss", "self_destruct", "ground_impact"])
                  & (events["interceptor_id"] >= 0)]
    return ends.groupby("interceptor_id")["time_s"].min().to_dict()


def overlapping_rounds(aims: pd.DataFrame, ended_at: dict[int, float]) -> pd.DataFrame:
    """The rounds launched at a threat (:func:`launch_aims`) while an earlier round at the
    same threat was still flying: two rounds at one target before the first's outcome
    could be seen (a second track on it, or two batteries)."""
    aimed = aims[(aims["threat_id"] >= 0) & (aims["distance_m"] <= GHOST_DISTANCE_M)]
    overlap = np.zeros(len(aimed), dtype=bool)
    flying: dict[int, list[float]] = {}
    for index, (time_s, interceptor, threat) in enumerate(zip(
            aimed["time_s"].tolist(), aimed["interceptor_id"].tolist(),
            aimed["threat_id"].tolist(), strict=True)):
        ends = [end for end in flying.get(threat, []) if end > time_s + 1e-9]
        overlap[index] = bool(ends)
        flying[threat] = [*ends, ended_at.get(interceptor, np.inf)]
    return aimed[overlap]


def by_battery(rows: pd.DataFrame) -> dict[str, int]:
    """Row counts by ``battery``, sorted by name."""
    return {str(name): int(count)
            for name, count in rows["battery"].value_counts().sort_index().items()}


def measure(scenario, seed: int) -> dict[str, Any]:
    """One run with ``seed`` and its scoring against the truth (after the run: the kill
    chances are only recorded during it, for the scoring)."""
    from confirmation_rounds import watch_kill_chances
    from iadsim.analysis.kill_assessment_score import score_kill_assessments
    from iadsim.analysis.summary import summarize
    from iadsim.analysis.track_quality import score_tracks
    from iadsim.api import threat_table
    from iadsim.engine.simulation import Simulation

    started = time.process_time()
    simulation = Simulation(scenario, seed=seed)
    kill_chances: dict[int, float] = {}
    watch_kill_chances(simulation, kill_chances)
    simulation.run()
    events = simulation.log.to_frame(release=True)
    threats = threat_table(simulation)
    tracks, truth = simulation.recorder.tracks(), simulation.recorder.truth()
    quality = score_tracks(tracks, truth, events, threats).attrs["summary"]
    summary = summarize(events, threats, scenario, seed, simulation.time_s, simulation.steps,
                        0.0)
    kind = events["kind"].astype(str)
    launched = events[kind == "interceptor_launch"]
    launches = launched["battery"].astype(str)
    chance = launched["interceptor_id"].map(kill_chances).fillna(0.0)
    expected = chance.groupby(launches.to_numpy()).sum()
    judgements = score_kill_assessments(events)
    aims = launch_aims(events, tracks, truth)
    ghosts = aims[aims["distance_m"] > GHOST_DISTANCE_M]
    overlaps = overlapping_rounds(aims, round_end_times(events))
    return {"killed": summary["threats"]["killed"], "leaked": summary["threats"]["leaked"],
            "rounds": summary["interceptors"]["fired"],
            "rounds_by_battery": {str(name): int(count) for name, count
                                  in launches.value_counts().sort_index().items()},
            "expected_kills": round(float(chance.sum()), 2),
            "expected_kills_by_battery": {str(name): round(float(value), 2)
                                          for name, value in expected.sort_index().items()},
            "false_kills": judgements["false_kills"],
            "missed_kills": judgements["missed_kills"],
            "false_kills_then_leaked": judgements["false_kills_then_leaked"],
            "assessed_after_leak": judgements["assessed_after_leak"],
            "rounds_after_missed_kills": judgements["rounds_after_missed_kills"],
            "ghost_rounds": len(ghosts), "ghost_rounds_by_battery": by_battery(ghosts),
            "rounds_track_unrecorded": int((aims["threat_id"] < 0).sum()),
            "overlapping_rounds": len(overlaps),
            "overlapping_rounds_by_battery": by_battery(overlaps),
            "confirmed_tracks": int((kind == "track_confirm").sum()),
            "track_breaks": quality["track_breaks"], "id_switches": quality["id_switches"],
            "false_tracks": quality["false_tracks"],
            "run_cpu_s": round(time.process_time() - started, 2)}


#: The counts :func:`totals` sums over seeds (dictionaries are summed key by key).
SUMMED = ("killed", "leaked", "rounds", "rounds_by_battery", "expected_kills",
          "expected_kills_by_battery", "false_kills", "missed_kills",
          "false_kills_then_leaked", "assessed_after_leak", "rounds_after_missed_kills",
          "ghost_rounds",
          "ghost_rounds_by_battery", "overlapping_rounds", "overlapping_rounds_by_battery",
          "confirmed_tracks", "track_breaks", "id_switches", "false_tracks")


def totals(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The :data:`SUMMED` counts of ``runs`` (one variant's lines) summed over the seeds."""
    summed: dict[str, Any] = {}
    for name in SUMMED:
        values = [run[name] for run in runs if run.get(name) is not None]
        if values and isinstance(values[0], dict):
            merged: dict[str, float] = {}
            for value in values:
                for key, count in value.items():
                    merged[key] = merged.get(key, 0) + count
            summed[name] = {key: round(value, 2) for key, value in sorted(merged.items())}
        else:
            summed[name] = round(sum(values), 2)
    return summed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", nargs="+", default=["layered-defense"],
                        help="built-in scenario names, or raid (the 1,000-threat raid)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument("--doctrine", nargs="*", default=[], metavar="NAME=VALUE",
                        help="doctrine settings of every variant")
    parser.add_argument("--tracking", nargs="*", default=[], metavar="NAME=VALUE",
                        help="tracking settings of every variant")
    arguments = parser.parse_args()
    try:  # a bad option is one line, exit code 2, before anything runs
        doctrine = tracking_changes(arguments.doctrine)
        tracking = tracking_changes(arguments.tracking)
        for name in arguments.scenarios:
            for variant in arguments.variants:
                own_doctrine, own_tracking = VARIANTS[variant]
                variant_scenario(name, arguments.seeds[0], {**own_doctrine, **doctrine},
                                 {**own_tracking, **tracking})
    except (ScenarioError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    for name in arguments.scenarios:
        lines: dict[str, list[dict[str, Any]]] = {variant: [] for variant in arguments.variants}
        for seed in arguments.seeds:
            for variant in arguments.variants:
                own_doctrine, own_tracking = VARIANTS[variant]
                settings = ({**own_doctrine, **doctrine}, {**own_tracking, **tracking})
                scenario = variant_scenario(name, seed, *settings)
                line = {"bench": "picture_defaults", "scenario": name, "seed": seed,
                        "variant": variant, "doctrine": settings[0],
                        "tracking": settings[1]}
                line.update(measure(scenario, seed))
                line["commit"] = commit()
                print(json.dumps(line), flush=True)
                lines[variant].append(line)
        for variant, runs in lines.items():
            print(json.dumps({"bench": "picture_defaults_total", "scenario": name,
                              "seeds": arguments.seeds, "variant": variant,
                              **totals(runs)}), flush=True)


if __name__ == "__main__":
    main()
