"""The public Python API: one call runs a scenario and returns its events and summary.

>>> import iadsim
>>> run = iadsim.run("layered-defense", seed=1)     # doctest: +SKIP
>>> run.summary["verdict"], len(run.events)         # doctest: +SKIP
>>> iadsim.compare_faults("my-scenario.yaml", seed=1)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from iadsim.analysis.summary import summarize
from iadsim.analysis.track_quality import score_tracks
from iadsim.engine.simulation import Simulation
from iadsim.engine.track_recording import TrackRecorder
from iadsim.scenario.loader import load_scenario
from iadsim.scenario.schema import THREAT_KINDS, Scenario
from iadsim.threats.recording import read_recording


@dataclass(frozen=True, slots=True)
class RunResult:
    """One finished run: the scenario, its event log, its threats and its summary.

    ``tracks`` (one row per track update), ``truth`` (every live threat at the same
    times) and ``interceptors`` (every round in flight at the end of each step) are
    described in :mod:`iadsim.engine.track_recording`; empty when the scenario sets
    ``sim.record_tracks: false``.
    """

    scenario: Scenario
    seed: int
    events: pd.DataFrame
    threats: pd.DataFrame
    summary: dict[str, Any]
    tracks: pd.DataFrame = field(default_factory=lambda: TrackRecorder().tracks())
    truth: pd.DataFrame = field(default_factory=lambda: TrackRecorder().truth())
    interceptors: pd.DataFrame = field(default_factory=lambda: TrackRecorder().interceptors())

    def write(self, directory: str | Path) -> Path:
        """Write ``events``, ``threats``, ``tracks``, ``truth``, ``interceptors`` (Parquet),
        ``summary.json`` and ``scenario.json`` (the validated scenario, profiles resolved, so
        that plots, reports and exports of the folder need nothing else).

        Each file is written under a temporary name in the same folder and renamed into
        place, so a reader never sees a half-written file.
        """
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        writers = {
            "events.parquet": lambda path: self.events.to_parquet(path, index=False),
            "threats.parquet": lambda path: self.threats.to_parquet(path, index=False),
            "tracks.parquet": lambda path: self.tracks.to_parquet(path, index=False),
            "truth.parquet": lambda path: self.truth.to_parquet(path, index=False),
            "interceptors.parquet": lambda path: self.interceptors.to_parquet(path, index=False),
            "scenario.json": lambda path: Path(path).write_text(
                self.scenario.model_dump_json(indent=2) + "\n", encoding="utf-8"),
            "summary.json": lambda path: Path(path).write_text(
                json.dumps(self.summary, indent=2) + "\n", encoding="utf-8"),
        }
        staged = []
        try:
            for name, write in writers.items():
                handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
                os.close(handle)
                staged.append((temporary, folder / name))
                write(temporary)
            for temporary, final in staged:
                os.replace(temporary, final)
        finally:
            for temporary, _ in staged:
                if os.path.exists(temporary):
                    os.remove(temporary)
        return folder


def threat_table(simulation: Simulation) -> pd.DataFrame:
    """One row per threat: id, group, kind, target asset, launch time, cost."""
    raid, scenario = simulation.raid, simulation.scenario
    groups = [group.name for group in scenario.threats]
    assets = [asset.name for asset in scenario.defended_assets]
    return pd.DataFrame({
        "threat_id": range(raid.size),
        "group": pd.Categorical.from_codes(raid.group_index,
                                           categories=pd.Index(groups, dtype=object)),
        "kind": pd.Categorical.from_codes(raid.kind_index, categories=list(THREAT_KINDS)),
        "target": pd.Categorical.from_codes(raid.target_asset,
                                            categories=pd.Index(assets, dtype=object)),
        "launch_time_s": raid.launch_time_s,
        "flight_time_s": raid.flight_time_s,
        "rcs_m2": raid.rcs_m2,
        "unit_cost_usd": raid.unit_cost_usd,
    })


def run(scenario: str | Path | Scenario, seed: int | None = None,
        out: str | Path | None = None) -> RunResult:
    """Run one simulation of a built-in scenario name, a scenario file, or a Scenario.

    Parameters
    ----------
    scenario:
        A built-in name (see ``iadsim scenarios``), a path to a YAML file, or a validated
        :class:`~iadsim.scenario.schema.Scenario`.
    seed:
        Overrides ``sim.seed``. Same scenario and seed give the same events, bit for bit.
    out:
        When given, the run is also written there (see :meth:`RunResult.write`).

    Raises
    ------
    ScenarioError
        When the scenario is invalid (one line per problem).
    """
    model = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if seed is not None and not 0 <= seed <= 2**63 - 1:
        raise ValueError(f"seed must be an integer from 0 to 2**63 - 1, got {seed}")
    started = time.perf_counter()
    simulation = Simulation(model, seed=seed).run()
    events = simulation.log.to_frame(release=True)
    threats = threat_table(simulation)
    recorder = simulation.recorder or TrackRecorder()
    tracks, truth = recorder.tracks(), recorder.truth()
    quality = (score_tracks(tracks, truth, events, threats).attrs["summary"]
               if simulation.recorder is not None else None)
    wall_time_s = time.perf_counter() - started
    summary = summarize(events, threats, model, simulation.seed, simulation.time_s,
                        simulation.steps, wall_time_s)
    summary["track_quality"] = quality
    summary["recordings"] = [
        {"group": group.name, "file": group.recording,
         **read_recording(group.recording, group.icao24).counts()}
        for group in model.threats if group.recording is not None]
    result = RunResult(model, simulation.seed, events, threats, summary, tracks, truth,
                       recorder.interceptors())
    if out is not None:
        result.write(out)
    return result


def _measures(summary: dict[str, Any]) -> dict[str, Any]:
    """What a fault may cost: leakers, rounds, damage (sum over assets), interceptor USD."""
    return {"leakers": summary["threats"]["leaked"],
            "rounds": summary["interceptors"]["fired"],
            "damage": round(sum(asset["damage"] for asset in summary["assets"]), 3),
            "interceptors_usd": summary["cost"]["interceptors_usd"]}


def compare_faults(scenario: str | Path | Scenario, seed: int | None = None) -> dict[str, Any]:
    """What each of the scenario's faults costs, against the same seed without it.

    Runs the scenario without any fault (the baseline), with each fault alone, and (when
    there are several) with all of them. Same seed: the threats fly the same and every
    radar draws the same numbers until a fault changes what it sees.

    Returns ``{"scenario", "seed", "baseline": measures, "faults": [{"fault": {...},
    **measures, "extra_leakers", "extra_rounds", "extra_damage"}, ...]}``, where measures
    are leakers, rounds fired, damage (summed over assets) and interceptor USD; the last
    row is ``"all"`` when there are several faults.

    Raises
    ------
    ValueError
        When the scenario has no faults.
    """
    model = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if not model.faults:
        raise ValueError("scenario must declare faults (the faults: list) to compare, "
                         f"got none in {model.name!r}")
    base = model.model_dump()

    def variant(faults: list[Any]) -> Scenario:
        return Scenario.model_validate({**base, "faults": faults})

    baseline = run(variant([]), seed=seed)
    reference = _measures(baseline.summary)
    cases = [([fault], fault.model_dump()) for fault in model.faults]
    if len(model.faults) > 1:
        cases.append((list(model.faults), "all"))
    rows = []
    for faults, label in cases:
        measured = _measures(run(variant([f.model_dump() for f in faults]), seed=seed).summary)
        rows.append({"fault": label, **measured,
                     "extra_leakers": measured["leakers"] - reference["leakers"],
                     "extra_rounds": measured["rounds"] - reference["rounds"],
                     "extra_damage": round(measured["damage"] - reference["damage"], 3)})
    return {"scenario": model.name, "seed": baseline.seed, "baseline": reference,
            "faults": rows}
