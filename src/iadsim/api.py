"""The public Python API: one call runs a scenario and returns its events and summary.

>>> import iadsim
>>> run = iadsim.run("layered-defense", seed=1)     # doctest: +SKIP
>>> run.summary["verdict"], len(run.events)         # doctest: +SKIP
>>> iadsim.compare_faults("my-scenario.yaml", seed=1)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from iadsim.analysis.summary import summarize
from iadsim.analysis.track_quality import score_tracks
from iadsim.engine.run_cost import DEFAULT_MAX_EVENTS, estimate, over_budget
from iadsim.engine.simulation import Simulation
from iadsim.engine.track_recording import TrackRecorder
from iadsim.errors import OutputError, ScenarioError, TrajectoryError
from iadsim.scenario.loader import check_scenario, load_scenario, scenario_from_dict
from iadsim.scenario.schema import THREAT_KINDS, Scenario
from iadsim.threats.recording import read_recording

#: The threat table's ``kind`` dtype (made once: its string categories cost about 0.4 ms).
_THREAT_KIND_DTYPE = pd.CategoricalDtype(pd.Index(list(THREAT_KINDS)))


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
        place, so a reader never sees a half-written file; the temporary files are removed
        on any error or interruption (the CLI turns SIGTERM into one). Files get the mode
        the user's umask gives a new file. Numbers that are not finite are written as
        ``null`` in ``summary.json`` (strict JSON).
        """
        folder = Path(directory)
        check_output_folder(folder)
        folder.mkdir(parents=True, exist_ok=True)
        mode = 0o666 & ~_umask()
        writers = {
            "events.parquet": lambda path: self.events.to_parquet(path, index=False),
            "threats.parquet": lambda path: self.threats.to_parquet(path, index=False),
            "tracks.parquet": lambda path: self.tracks.to_parquet(path, index=False),
            "truth.parquet": lambda path: self.truth.to_parquet(path, index=False),
            "interceptors.parquet": lambda path: self.interceptors.to_parquet(path, index=False),
            "scenario.json": lambda path: Path(path).write_text(
                self.scenario.model_dump_json(indent=2) + "\n", encoding="utf-8"),
            "summary.json": lambda path: Path(path).write_text(
                json.dumps(finite_json(self.summary), indent=2, allow_nan=False) + "\n",
                encoding="utf-8"),
        }
        staged = []
        try:
            for name, write in writers.items():
                handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
                os.close(handle)
                staged.append((temporary, folder / name))
                write(temporary)
                os.chmod(temporary, mode)
            for temporary, final in staged:
                os.replace(temporary, final)
        finally:
            for temporary, _ in staged:
                if os.path.exists(temporary):
                    os.remove(temporary)
        return folder


def _umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def finite_json(value: Any) -> Any:
    """``value`` with every float that is not finite (NaN, infinity) replaced by None, so
    that ``json.dumps(..., allow_nan=False)`` writes strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite_json(item) for item in value]
    return value


def check_output_folder(folder: str | Path) -> None:
    """Refuse, before a run, an output folder that cannot be written: an empty path (it
    would mean the current folder by accident), a path that is a file, or a folder (or
    the nearest existing parent of one to create) that is not writable.

    Raises
    ------
    OutputError
        Naming the path and what was expected.
    """
    if str(folder) == "":
        raise OutputError("out: empty path; expected a folder path (write '.' for the "
                          "current folder)")
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise OutputError(f"out: {path} exists and is not a folder; expected a folder path")
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"out: cannot create {path}: {existing} is not a folder")
    probe_writable(existing, f"out: cannot write to {path}")


def probe_writable(folder: Path, context: str) -> None:
    """Create and drop an unnamed file in ``folder``: the only sure test that it can be
    written (permissions, a read-only or full file system, /proc)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise OutputError(f"{context}: {error.strerror or error}") from None


def _scenario_model(scenario: Any) -> Scenario:
    """A validated :class:`Scenario` from what :func:`run` accepts, checked the same way
    whatever the form (cross-references included)."""
    if isinstance(scenario, Scenario):
        check_scenario(scenario, f"<scenario {scenario.name}>")
        return scenario
    if isinstance(scenario, dict):
        return scenario_from_dict(scenario)
    if isinstance(scenario, str | os.PathLike):
        return load_scenario(scenario)
    raise TypeError("scenario must be a built-in name or a file path (str or pathlib.Path), "
                    f"a dict or an iadsim.Scenario, got {type(scenario).__name__}")


def _checked_seed(seed: Any) -> int | None:
    """The seed if it is None or an int from 0 to 2**63 - 1 (not a bool, float or str)."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be a non-negative int, got {type(seed).__name__} "
                        f"{seed!r}")
    if not 0 <= seed <= 2**63 - 1:
        raise ValueError(f"seed must be an integer from 0 to 2**63 - 1, got {seed}")
    return seed


def threat_table(simulation: Simulation) -> pd.DataFrame:
    """One row per threat: id, group, kind, target asset, launch time, cost."""
    raid, scenario = simulation.raid, simulation.scenario
    groups = [group.name for group in scenario.threats]
    assets = [asset.name for asset in scenario.defended_assets]
    return pd.DataFrame({
        "threat_id": range(raid.size),
        "group": pd.Categorical.from_codes(raid.group_index,
                                           categories=pd.Index(groups, dtype=object)),
        "kind": pd.Categorical.from_codes(raid.kind_index, dtype=_THREAT_KIND_DTYPE),
        "target": pd.Categorical.from_codes(raid.target_asset,
                                            categories=pd.Index(assets, dtype=object)),
        "launch_time_s": raid.launch_time_s,
        "flight_time_s": raid.flight_time_s,
        "rcs_m2": raid.rcs_m2,
        "unit_cost_usd": raid.unit_cost_usd,
    })


def run(scenario: str | Path | dict[str, Any] | Scenario, seed: int | None = None,
        out: str | Path | None = None, max_events: int = DEFAULT_MAX_EVENTS) -> RunResult:
    """Run one simulation of a built-in scenario name, a scenario file, a scenario
    dictionary (the parsed YAML) or a Scenario.

    Parameters
    ----------
    scenario:
        A built-in name (see ``iadsim scenarios``), a path to a YAML file, a dictionary
        or a :class:`~iadsim.scenario.schema.Scenario`; each is checked the same way,
        cross-references between sections included.
    seed:
        Overrides ``sim.seed``: an int from 0 to 2**63 - 1. Same scenario and seed give
        the same events, bit for bit.
    out:
        When given, the run is also written there (see :meth:`RunResult.write`); the
        folder is checked before the run starts.
    max_events:
        The run's budget (:mod:`iadsim.engine.run_cost`): a run estimated to log more
        events, or to make more than 1,000 times as many threat-radar looks, is refused
        before it starts.

    Raises
    ------
    ScenarioError
        When the scenario is invalid or over budget (one line per problem).
    OutputError
        When ``out`` cannot be written (checked before the run).
    TypeError
        When ``scenario`` or ``seed`` is of a type not listed above.
    """
    seed = _checked_seed(seed)
    model = _scenario_model(scenario)
    refusal = over_budget(estimate(model), max_events)
    if refusal is not None:
        raise ScenarioError(f"<scenario {model.name}>", [("", refusal)])
    if out is not None:
        check_output_folder(out)
    started = time.perf_counter()
    try:
        simulation = Simulation(model, seed=seed)
    except TrajectoryError as error:  # a trajectory the flight models cannot solve
        raise ScenarioError(f"<scenario {model.name}>", [("threats", str(error))]) from None
    simulation.run()
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
    seed = _checked_seed(seed)
    model = _scenario_model(scenario)
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
