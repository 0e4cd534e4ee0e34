"""Registration: the picture's error with a north-alignment error shared by every radar,
without bias estimation, with pair registration, and with references as well.

Every radar of a built-in scenario is turned by ``--azimuth-bias-deg`` (clockwise); the
references (``--references``) are a surveyed reflector on a tower and a cooperative
airliner reporting its position every second (15 m sigma) across the defended area.
Runs the same seed in four modes (``unbiased``: no bias and no estimation, the floor;
``off``: the bias, no estimation; ``pairs``; ``references``), one after the other in this
process after a short warm-up run (kernels compiled or loaded), and prints one JSON line
per mode:

* ``median_track_error_m``, ``p90_track_error_m``: at every step where tracks were
  updated, each live threat's distance to its nearest updated track, over the threats
  with one within ``TRACKED_WITHIN_M`` (this script reads the truth to score; the
  tracker never does); ``tracked_share``: the share of (step, threat) samples counted;
* ``azimuth_bias_deg``: the estimate, mean and spread over the radars;
* ``rounds``, ``kills``, ``leakers``; ``s_per_run`` (wall time, noisy on a shared machine:
  compare the modes' ratio, measured back to back).

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/registration.py
    PYTHONPATH=src .venv/bin/python benchmarks/registration.py --azimuth-bias-deg 1 --seed 2
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from iadsim.engine.simulation import Simulation
from iadsim.events import EventKind
from iadsim.scenario.loader import load_scenario
from iadsim.scenario.schema import Scenario

#: References over Ankara (layered-defense): a reflector on a 125 m tower in the city
#: and an airliner crossing the defended area at 9 km.
REFERENCES = {
    "reference_points": [{"name": "city-tower", "lat_deg": 39.886, "lon_deg": 32.856,
                          "height_m": 125.0, "rcs_m2": 100.0}],
    "cooperative_aircraft": [{"name": "airliner", "speed_mps": 230.0, "rcs_m2": 20.0,
                              "report_sigma_m": 15.0,
                              "route": [{"lat_deg": 39.5, "lon_deg": 32.2,
                                         "altitude_m": 9_000.0},
                                        {"lat_deg": 40.4, "lon_deg": 33.6,
                                         "altitude_m": 9_000.0}]}]}


def variant(base: Scenario, mode: str, azimuth_bias_deg: float) -> Scenario:
    """``base`` with every radar turned, and the mode's tracking and references."""
    document = base.model_dump()
    for radar in document["sensors"]:
        radar["azimuth_bias_deg"] = 0.0 if mode == "unbiased" else azimuth_bias_deg
    document["tracking"]["bias_estimation"] = mode in ("pairs", "references")
    document["registration"] = REFERENCES if mode == "references" else None
    return Scenario.model_validate(document)


#: A threat counts as tracked at a step when a track is within this distance.
TRACKED_WITHIN_M = 5_000.0


def track_errors_m(sim: Simulation) -> np.ndarray:
    """Each live threat's distance to its nearest updated track, at each step with updates
    (inf when there is none)."""
    tracks, truth = sim.recorder.tracks(), sim.recorder.truth()
    columns = ["east_m", "north_m", "up_m"]
    errors = []
    for time_s, live in truth.groupby("time_s"):
        updated = tracks[tracks.time_s == time_s]
        if len(updated):
            errors.append(np.linalg.norm(live[columns].to_numpy()[:, None]
                                         - updated[columns].to_numpy()[None], axis=2).min(1))
    return np.concatenate(errors) if errors else np.zeros(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default="layered-defense")
    parser.add_argument("--azimuth-bias-deg", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    base = load_scenario(arguments.scenario)
    base = Scenario.model_validate({**base.model_dump(),
                                    "sim": {**base.sim.model_dump(), "record_tracks": True}})
    warm_up = variant(base, "references", arguments.azimuth_bias_deg)
    Simulation(Scenario.model_validate({**warm_up.model_dump(), "sim": {
        **warm_up.sim.model_dump(), "duration_s": 60.0}}), seed=arguments.seed).run()
    for mode in ("unbiased", "off", "pairs", "references"):
        scenario = variant(base, mode, arguments.azimuth_bias_deg)
        started = time.perf_counter()
        sim = Simulation(scenario, seed=arguments.seed).run()
        elapsed = time.perf_counter() - started
        every = track_errors_m(sim)
        errors = every[every <= TRACKED_WITHIN_M]
        estimator = sim.tracker.bias_estimator
        azimuth = (np.rad2deg(estimator.bias[:, 1]) if estimator is not None
                   else np.zeros(len(scenario.sensors)))
        print(json.dumps({
            "bench": "registration", "scenario": arguments.scenario, "mode": mode,
            "seed": arguments.seed, "azimuth_bias_deg": arguments.azimuth_bias_deg,
            "median_track_error_m": round(float(np.median(errors)), 1),
            "p90_track_error_m": round(float(np.percentile(errors, 90)), 1),
            "tracked_share": round(errors.size / max(every.size, 1), 3),
            "estimated_azimuth_deg_mean": round(float(azimuth.mean()), 4),
            "estimated_azimuth_deg_spread": round(float(np.ptp(azimuth)), 4),
            "reference_plots": 0 if estimator is None else estimator.references_used,
            "rounds": sim.log.count(EventKind.INTERCEPTOR_LAUNCH),
            "kills": sim.log.count(EventKind.KILL), "leakers": sim.log.count(EventKind.LEAK),
            "s_per_run": round(elapsed, 2)}))


if __name__ == "__main__":
    main()
