"""Where the rounds go under each confirmation rule: the 1,000-threat raid, round by round.

Score confirmation alone (``tracking.confirmation: score``) confirms threats sooner than
the default M of N with the score's veto but kills fewer threats per round in the raid of
``benchmarks/engine_scale.py``. This script runs that raid with each rule and follows
every round from its launch to its end:

* at launch, the track it was fired at against the truth: the distance from the track's
  position to the nearest threat in flight (``error_at_launch_m``), the track's position
  sigma (square root of the covariance trace), its age since confirmation, and which
  threat that was (the round's *aim threat*);
* its outcome: ``kill``, ``miss`` (closest approach without a kill), ``gone`` (gave up
  after its aim threat was killed by another round, leaked or landed), ``no_lock``
  (gave up with its aim threat still flying and no seeker lock), ``ground``, or
  ``flying`` at the end;
* per aim threat: how many rounds and from how many tracks (a second track on one threat,
  a duplicate, draws its own engagement);
* each round's kill chance (the probability its kill draw was compared with):
  ``expected_kills`` is their sum, the kills the rounds were worth with the Pk draws'
  noise taken out, ``kill_draw_sd`` that noise's standard deviation;
* ``confirmed_fast_low``: tracks confirmed faster than 500 m/s below 3 km (likely ghosts
  hopping from threat to threat across the raid's lanes), ``confirmed_fast_low_far``
  those with no threat within 1 km.

This is analysis: it reads the truth to score rounds and tracks; nothing that decides
does. Prints one JSON line per rule and seed, then one per rule summed over the seeds.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/confirmation_rounds.py
    PYTHONPATH=src .venv/bin/python benchmarks/confirmation_rounds.py --threats 300 \
        --seeds 1 --rules score m_of_n_and_score
    PYTHONPATH=src .venv/bin/python benchmarks/confirmation_rounds.py --seeds 4 5 \
        --rules score --tracking duplicate_guard=true
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any

import numpy as np

from engine_scale import synthetic_raid
from iadsim.effectors.lethality import burst_kill_probability, kill_probability
from iadsim.engine.simulation import Simulation
from iadsim.events import EventKind
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import THREAT_KINDS
from iadsim.threats.raid import FLYING
from tracking_settings import tracking_changes

RULES = ("m_of_n_and_score", "score")
#: A confirmed track faster than this (m/s) below this height (m, scenario up) is counted
#: as a likely ghost (``confirmed_fast_low``).
GHOST_SPEED_MPS, GHOST_HEIGHT_M = 500.0, 3_000.0
OUTCOMES = ("kill", "miss", "gone", "no_lock", "ground", "flying")


def follow_rounds(threats: int, seed: int, rule: str, duration_s: float,
                  extra_tracking: dict[str, Any] | None = None) -> dict[str, Any]:
    """One raid with ``tracking.confirmation: rule``: every round's launch picture against
    the truth, and its outcome (see the module docstring)."""
    tracking = {"confirmation": rule, **(extra_tracking or {})}
    scenario = scenario_from_dict(synthetic_raid(threats, duration_s, False, seed,
                                                 tracking=tracking))
    simulation = Simulation(scenario, seed=seed)
    launches: list[tuple[float, int, int]] = []
    log_add = simulation.log.add

    confirmed_now: list[int] = []
    ghosts = {"fast_low": 0, "fast_low_far": 0}

    def add(kind: EventKind, time_s: Any, **columns: Any) -> None:
        if kind == EventKind.TRACK_CONFIRM:
            confirmed_now.extend(np.atleast_1d(columns["track_id"]).tolist())
        if kind == EventKind.INTERCEPTOR_LAUNCH:
            launches.append((float(time_s), int(columns["track_id"]),
                             int(columns["interceptor_id"])))
        log_add(kind, time_s, **columns)

    simulation.log.add = add  # type: ignore[method-assign]
    kill_chances: dict[int, float] = {}
    watch_kill_chances(simulation, kill_chances)
    rounds: list[dict[str, Any]] = []
    total_steps = int(np.ceil(duration_s / simulation.dt_s - 1e-9))
    while simulation.steps < total_steps and not (simulation.steps > 0
                                                  and simulation.finished):
        seen = len(launches)
        confirmed_now.clear()
        simulation.step()
        if confirmed_now:
            count_ghosts(simulation, np.array(confirmed_now), ghosts)
        if len(launches) == seen:
            continue
        picture = simulation._picture
        row_of = {track: row for row, track in enumerate(picture.track_id.tolist())}
        flying = (simulation.status == FLYING).nonzero()[0]
        for time_s, track, interceptor in launches[seen:]:
            row = row_of.get(track)
            entry = {"time_s": time_s, "track": track, "interceptor": interceptor}
            if row is not None and flying.size:
                offset = simulation.threat_position_m[flying] - picture.position_m[row]
                distance = np.linalg.norm(offset, axis=1)
                order = np.argsort(distance)
                entry["aim_threat"] = int(flying[order[0]])
                entry["error_m"] = float(distance[order[0]])
                entry["next_threat_m"] = float(distance[order[1]]) if flying.size > 1 \
                    else float("inf")
                entry["sigma_m"] = float(np.sqrt(np.trace(picture.position_cov_m2[row])))
                entry["kind"] = int(simulation.raid.kind_index[flying[order[0]]])
            rounds.append(entry)
    for entry in rounds:
        entry["kill_chance"] = kill_chances.get(entry["interceptor"], 0.0)
    line = summarize(simulation, rounds, seed, rule)
    line["confirmed_fast_low"] = ghosts["fast_low"]
    line["confirmed_fast_low_far"] = ghosts["fast_low_far"]
    if extra_tracking:
        line["tracking"] = extra_tracking
    return line


def count_ghosts(simulation: Simulation, track_ids: np.ndarray, ghosts: dict[str, int]
                 ) -> None:
    """Count the tracks just confirmed that move faster than :data:`GHOST_SPEED_MPS` below
    :data:`GHOST_HEIGHT_M` (no waypoint threat of the raid does; a ballistic missile's last
    seconds do), and among them those with no threat in flight within 1 km."""
    picture = simulation.tracker.picture(simulation.time_s, track_ids)
    fast_low = ((np.linalg.norm(picture.velocity_mps, axis=1) > GHOST_SPEED_MPS)
                & (picture.position_m[:, 2] < GHOST_HEIGHT_M))
    ghosts["fast_low"] += int(fast_low.sum())
    flying = (simulation.status == FLYING).nonzero()[0]
    for position in picture.position_m[fast_low]:
        distance = np.linalg.norm(simulation.threat_position_m[flying] - position, axis=1)
        ghosts["fast_low_far"] += int(distance.size == 0 or distance.min() > 1_000.0)


def watch_kill_chances(simulation: Simulation, chances: dict[int, float]) -> None:
    """Keep each resolved round's kill probability (the one its kill draw is compared
    with) in ``chances`` by interceptor id: the kill-draw noise taken out, their sum is
    the kills the rounds were worth."""
    fleet = simulation.fleet
    draw_kills = fleet._draw_kills

    def recorded(ids, endgame, miss_m, fuzed_vector, relative_velocity, position_m, victims):
        kills, shells = draw_kills(ids, endgame, miss_m, fuzed_vector, relative_velocity,
                                   position_m, victims)
        types = fleet.type_index[ids]
        table = fleet.types
        pk = fleet.single_shot_pk(types, victims)
        probability = kill_probability(np.where(endgame, miss_m, np.inf),
                                       table.lethal_radius_m[types], pk,
                                       table.lethality_model[types])
        for slot, offsets in shells.items():
            kind = types[slot]
            probability[slot] = burst_kill_probability(
                np.linalg.norm(fuzed_vector[slot] + offsets, axis=1),
                table.lethal_radius_m[kind], float(pk[slot]),
                int(table.lethality_model[kind]))
        chances.update(zip(ids.tolist(), probability.tolist(), strict=True))
        return kills, shells

    fleet._draw_kills = recorded  # type: ignore[method-assign]


def summarize(simulation: Simulation, rounds: list[dict[str, Any]], seed: int,
              rule: str) -> dict[str, Any]:
    """The rounds' outcomes, errors at launch and per-threat counts of one run."""
    events = simulation.log.to_frame()
    kind = events["kind"].astype(str)
    by_interceptor = {}
    for name in ("kill", "miss", "self_destruct", "ground_impact"):
        rows = events[kind == name]
        for interceptor, time_s in zip(rows["interceptor_id"].tolist(),
                                       rows["time_s"].tolist(), strict=True):
            by_interceptor.setdefault(interceptor, (name, time_s))
    locked = set(events.loc[kind == "seeker_lock", "interceptor_id"].tolist())
    ended = {}  # threat -> time it was killed, leaked or completed its route
    for name in ("kill", "leak", "route_complete", "ground_impact"):
        rows = events[(kind == name) & (events["threat_id"] >= 0)]
        for threat, time_s in zip(rows["threat_id"].tolist(), rows["time_s"].tolist(),
                                  strict=True):
            ended[threat] = min(ended.get(threat, np.inf), time_s)
    confirmed_at = dict(zip(events.loc[kind == "track_confirm", "track_id"].tolist(),
                            events.loc[kind == "track_confirm", "time_s"].tolist(),
                            strict=True))
    outcomes: Counter[str] = Counter()
    per_outcome_error: dict[str, list[float]] = {name: [] for name in OUTCOMES}
    for entry in rounds:
        name, time_s = by_interceptor.get(entry["interceptor"], ("flying", np.inf))
        if name == "self_destruct":
            aim = entry.get("aim_threat", -1)
            gone = aim >= 0 and ended.get(aim, np.inf) <= time_s
            name = "gone" if gone else ("no_lock" if entry["interceptor"] not in locked
                                        else "miss")
        elif name == "ground_impact":
            name = "ground"
        entry["outcome"] = name
        outcomes[name] += 1
        if "error_m" in entry:
            per_outcome_error[name].append(entry["error_m"])
        entry["age_s"] = entry["time_s"] - confirmed_at.get(entry["track"], np.nan)
    per_threat = Counter(entry.get("aim_threat", -1) for entry in rounds)
    tracks_per_threat: dict[int, set[int]] = {}
    for entry in rounds:
        tracks_per_threat.setdefault(entry.get("aim_threat", -1), set()).add(entry["track"])
    per_track = Counter(entry["track"] for entry in rounds)
    errors = np.array([entry["error_m"] for entry in rounds if "error_m" in entry])
    first = {}
    for entry in rounds:
        first.setdefault(entry["track"], entry)
    first_errors = np.array([entry["error_m"] for entry in first.values()
                             if "error_m" in entry])
    ages = np.array([entry["age_s"] for entry in first.values()
                     if np.isfinite(entry["age_s"])])
    killed = int(((kind == "kill") & (events["threat_id"] >= 0)).sum())
    multi_track = [threat for threat, tracks in tracks_per_threat.items()
                   if threat >= 0 and len(tracks) > 1]

    def quantiles(values: np.ndarray) -> list[float]:
        if values.size == 0:
            return []
        return [round(float(v), 1) for v in np.percentile(values, [50, 90, 99])]

    return {
        "bench": "confirmation_rounds", "rule": rule, "seed": seed,
        "threats": int(simulation.raid.size), "rounds": len(rounds), "killed": killed,
        "kills_per_round": round(killed / max(len(rounds), 1), 4),
        "expected_kills": round(sum(entry["kill_chance"] for entry in rounds), 2),
        "expected_kills_per_round": round(sum(entry["kill_chance"] for entry in rounds)
                                          / max(len(rounds), 1), 4),
        "kill_draw_sd": round(float(np.sqrt(sum(entry["kill_chance"]
                                                 * (1.0 - entry["kill_chance"])
                                                 for entry in rounds))), 2),
        "misses_within_lethal_chance": sum(1 for entry in rounds
                                           if entry.get("outcome") == "miss"
                                           and entry["kill_chance"] > 0.0),
        "leaked": int((kind == "leak").sum()),
        "confirmed_tracks": int((kind == "track_confirm").sum()),
        "outcomes": {name: outcomes.get(name, 0) for name in OUTCOMES},
        "error_at_launch_m_p50_p90_p99": quantiles(errors),
        "error_at_first_fire_m_p50_p90_p99": quantiles(first_errors),
        "error_by_outcome_m_p50": {name: round(float(np.median(values)), 1)
                                   for name, values in per_outcome_error.items() if values},
        "track_age_at_first_fire_s_p50_p90": quantiles(ages)[:2],
        "tracks_fired_at": len(per_track),
        "rounds_per_track_max": max(per_track.values(), default=0),
        "threats_fired_at": len([t for t in per_threat if t >= 0]),
        "threats_fired_at_from_two_or_more_tracks": len(multi_track),
        "rounds_at_those_threats": sum(per_threat[t] for t in multi_track),
        "rounds_far_from_any_threat_1km": int((errors > 1_000.0).sum()),
        "rounds_by_kind": {THREAT_KINDS[kind] if kind >= 0 else "none": count
                           for kind, count in sorted(Counter(
                               entry.get("kind", -1) for entry in rounds).items())},
        "expected_kills_by_kind": {THREAT_KINDS[kind]: round(sum(
            entry["kill_chance"] for entry in rounds if entry.get("kind") == kind), 2)
            for kind in sorted({entry["kind"] for entry in rounds if "kind" in entry})},
        "kills_by_kind": {THREAT_KINDS[index]: count for index, count in sorted(Counter(
            simulation.raid.kind_index[events.loc[(kind == "kill")
                                                  & (events["threat_id"] >= 0),
                                                  "threat_id"]].tolist()).items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threats", type=int, default=1_000)
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3])
    parser.add_argument("--rules", nargs="*", default=list(RULES), choices=(
        "m_of_n", "score", "m_of_n_and_score"))
    parser.add_argument("--duration-s", type=float, default=1_800.0)
    parser.add_argument("--tracking", nargs="*", default=[], metavar="NAME=VALUE",
                        help="other tracking settings, e.g. duplicate_guard=true")
    arguments = parser.parse_args()
    try:
        extra = tracking_changes(arguments.tracking)
    except ValueError as error:
        parser.exit(2, f"error: {error}\n")
    for rule in arguments.rules:
        lines = []
        for seed in arguments.seeds:
            line = follow_rounds(arguments.threats, seed, rule, arguments.duration_s, extra)
            print(json.dumps(line), flush=True)
            lines.append(line)
        total = {"bench": "confirmation_rounds_total", "rule": rule,
                 "seeds": arguments.seeds,
                 "rounds": sum(line["rounds"] for line in lines),
                 "killed": sum(line["killed"] for line in lines),
                 "expected_kills": round(sum(line["expected_kills"] for line in lines), 2),
                 "outcomes": {name: sum(line["outcomes"][name] for line in lines)
                              for name in OUTCOMES}}
        total["kills_per_round"] = round(total["killed"] / max(total["rounds"], 1), 4)
        print(json.dumps(total), flush=True)


if __name__ == "__main__":
    main()
