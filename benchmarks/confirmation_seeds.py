"""M of N against score confirmation (and M of N with the score's veto) over seeds: leakers,
false tracks, time to confirm.

Leakers, false tracks, the rounds fired at them, and how soon each threat is confirmed.

Runs each built-in scenario with each confirmation rule (``tracking.confirmation``) over
seeds 1-10 (``--seeds``) and, step by step, compares the central tracker's confirmed
picture with the threats in flight (this script is analysis: it reads the truth to score
the picture; the tracker never does), as ``benchmarks/false_tracks.py`` does:

* ``leakers``: threats that leaked (``leak`` events), summed over the seeds, and
  ``leakers_by_seed``;
* ``false_tracks``: confirmed tracks that never had a live threat within ``--radius-m``
  (default 1 km) while confirmed, summed over the seeds; ``rounds_at_false_tracks``: the
  interceptors launched at them;
* ``confirm_delay_s``: for each threat that had a confirmed track within the radius, the
  time from its first detection to the first step it had one (mean, 95th percentile and
  maximum over threats and seeds); ``threats_never_confirmed``: detected threats that
  never had one.

Prints one JSON line per scenario, e.g. ``{"bench": "confirmation_seeds", "scenario":
"layered-defense", "seeds": [1, ..., 10], "m_of_n": {...}, "score": {...}}``.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/confirmation_seeds.py
    PYTHONPATH=src .venv/bin/python benchmarks/confirmation_seeds.py --scenarios saturation \
        --seeds 1 2 3 --tracking missed_track_probability=0.001
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from iadsim.engine.simulation import Simulation
from iadsim.errors import ScenarioError
from iadsim.events import EventKind
from picture_walk import scored_pictures
from tracking_settings import commit, tracking_changes, with_tracking

RULES = ("m_of_n", "score", "m_of_n_and_score")


def run_one(name: str, seed: int, radius_m: float, tracking: dict) -> dict:
    """One run of scenario ``name`` with its tracking settings changed by ``tracking``:
    leakers, false tracks, rounds at them, and each threat's first detection and first
    confirmed-track times."""
    simulation = Simulation(with_tracking(name, tracking), seed=seed)
    near_ever: dict[int, bool] = {}
    first_confirmed: dict[int, float] = {}
    for scored in scored_pictures(simulation, radius_m, near_ever):
        for threat in scored.flying[scored.nearest[scored.near]].tolist():
            first_confirmed.setdefault(threat, simulation.time_s)
    events = simulation.log.to_frame()
    kind = events["kind"].astype(str)
    false_ids = {track for track, near in near_ever.items() if not near}
    launches = events[kind == EventKind.INTERCEPTOR_LAUNCH.value]
    detections = events[kind == EventKind.DETECTION.value]
    first_detected = detections.groupby("threat_id")["time_s"].min().to_dict()
    delays = [first_confirmed[threat] - time_s for threat, time_s in first_detected.items()
              if threat in first_confirmed]
    return {"leakers": int((kind == EventKind.LEAK.value).sum()),
            "false_tracks": len(false_ids),
            "rounds_at_false_tracks": int(launches["track_id"].isin(false_ids).sum()),
            "delays_s": delays,
            "never_confirmed": sum(threat not in first_confirmed for threat in first_detected)}


def summarize(runs: list[dict]) -> dict:
    """Sums and delay statistics over one rule's runs (one per seed)."""
    delays = np.concatenate([np.asarray(run["delays_s"], float) for run in runs])
    return {"leakers": sum(run["leakers"] for run in runs),
            "leakers_by_seed": [run["leakers"] for run in runs],
            "false_tracks": sum(run["false_tracks"] for run in runs),
            "false_tracks_by_seed": [run["false_tracks"] for run in runs],
            "rounds_at_false_tracks": sum(run["rounds_at_false_tracks"] for run in runs),
            "threats_never_confirmed": sum(run["never_confirmed"] for run in runs),
            "confirm_delay_s": {
                "mean": round(float(delays.mean()), 2) if delays.size else None,
                "p95": round(float(np.percentile(delays, 95)), 2) if delays.size else None,
                "max": round(float(delays.max()), 2) if delays.size else None}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", nargs="+", default=["layered-defense", "saturation"])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 11)))
    parser.add_argument("--rules", nargs="+", default=list(RULES), choices=RULES)
    parser.add_argument("--radius-m", type=float, default=1_000.0)
    parser.add_argument("--tracking", nargs="*", default=[], metavar="NAME=VALUE",
                        help="override tracking settings for every rule, e.g. "
                        "score_detection_probability=0.7")
    arguments = parser.parse_args()
    try:  # a bad option is one line, exit code 2, before anything runs
        tracking = tracking_changes(arguments.tracking)
        for name in arguments.scenarios:
            for rule in arguments.rules:
                with_tracking(name, {**tracking, "confirmation": rule})
    except (ScenarioError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    for name in arguments.scenarios:
        line: dict = {"bench": "confirmation_seeds", "scenario": name,
                      "seeds": arguments.seeds, "radius_m": arguments.radius_m,
                      "tracking": tracking}
        for rule in arguments.rules:
            line[rule] = summarize([run_one(name, seed, arguments.radius_m,
                                            {**tracking, "confirmation": rule})
                                    for seed in arguments.seeds])
        line["commit"] = commit()
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
