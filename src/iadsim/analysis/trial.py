"""Test-range trials: a series of target presentations scored one by one, as an evaluator
signs them (in the spirit of the 2020 Sinop evaluation: radar performance and firing
capability against jet target drones).

A presentation is one target (threat) of one replication. For each, from the run's event
log: the first detection by each radar (time and range), the engagement timeline (first
detection, first assignment, first launch, shots, kill or miss) and the outcome. Over the
trial: the first-detection range distribution per radar, P(kill) per shot and per
presentation with their Clopper-Pearson intervals, and a trial table in Markdown and CSV.

Reads the truth (analysis, which scores): the outcome of each target (kill, route
complete) and the threat id of detections and intercepts are the simulation's ground
truth of who was seen and hit, as a range's instrumentation would record it. The range at
first detection is measured from the radar site to the reported (noisy) position, i.e. the
range the radar reported.

Track accuracy against the truth (:func:`track_accuracy`) reads the run's recorded picture
and truth (``run.tracks`` / ``run.truth``): per presentation the RMS distance from the
target to the nearest track within 5 km at each recorded scan, and the share of its scans
that had one.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from iadsim.analysis.intervals import clopper_pearson
from iadsim.analysis.monte_carlo import campaign_client, execute
from iadsim.analysis.results_store import write_atomically
from iadsim.analysis.summary import NOTIONAL_NOTE, threat_fates
from iadsim.engine.run_cost import DEFAULT_MAX_EVENTS, check_replications
from iadsim.scenario.schema import Scenario
from iadsim.world.geodesy import LocalFrame

TRACK_ACCURACY_NOTE = ("Track accuracy against truth: at every recorded scan, the distance "
                       "from each target to the nearest track within "
                       "TRACK_ASSOCIATION_RADIUS_M; per presentation its RMS "
                       "(track_rms_error_m) and the share of scans the target was tracked "
                       "(tracked_share), from run.tracks and run.truth.")
#: A track farther than this from a target at a scan does not count as tracking it (m).
TRACK_ASSOCIATION_RADIUS_M = 5_000.0


def radar_positions_m(scenario: Scenario) -> dict[str, np.ndarray]:
    """Each radar's site in the scenario ENU frame (metres), as the simulation places it:
    frame origin on the ellipsoid at the scenario origin, antenna at ground elevation plus
    ``height_m``."""
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg, 0.0)
    ground_m = scenario.origin.ground_elevation_m
    return {radar.name: frame.to_enu(radar.lat_deg, radar.lon_deg, ground_m + radar.height_m)
            for radar in scenario.sensors}


def presentations(run: Any) -> dict[str, pd.DataFrame]:
    """Per-target tables of one run (a :class:`~iadsim.api.RunResult`).

    Returns
    -------
    dict
        ``presentations``: one row per threat: ``threat_id``, ``group``, ``launch_s``,
        ``first_detection_s``, ``first_detection_radar``, ``first_assignment_s``,
        ``first_launch_s``, ``shots`` (rounds fired on the target's tracks), ``kills``,
        ``misses``, ``kill_s``, ``kill_miss_distance_m``, ``outcome`` (killed,
        completed_route, leaked, in_flight, not_launched).
        ``detections``: one row per (threat, radar) that saw it: ``threat_id``, ``radar``,
        ``first_detection_s``, ``range_m`` (radar site to the reported position).
    """
    events, threats = run.events, run.threats
    kind = events["kind"].astype(str).to_numpy()
    threat_id = events["threat_id"].to_numpy()
    sites = radar_positions_m(run.scenario)

    detected = events[kind == "detection"].drop_duplicates(["threat_id", "sensor"], keep="first")
    position = detected[["east_m", "north_m", "up_m"]].to_numpy(dtype=float)
    site = np.array([sites[str(name)] for name in detected["sensor"]]).reshape(-1, 3)
    detections = pd.DataFrame({
        "threat_id": detected["threat_id"].to_numpy(),
        "radar": detected["sensor"].astype(str).to_numpy(),
        "first_detection_s": detected["time_s"].to_numpy(),
        "range_m": np.linalg.norm(position - site, axis=1)})

    resolved = events[np.isin(kind, ["intercept", "kill", "miss"]) & (threat_id >= 0)]
    shots_on = resolved[resolved["kind"] == "intercept"][["interceptor_id", "threat_id"]]
    launches = events[kind == "interceptor_launch"]
    track_of_round = dict(zip(launches["interceptor_id"], launches["track_id"], strict=True))
    launch_of_round = dict(zip(launches["interceptor_id"], launches["time_s"], strict=True))
    assignments = events[kind == "assignment"]

    accuracy = track_accuracy(run.tracks, run.truth)
    rows = []
    fates = threat_fates(events, threats)
    for threat in threats.itertuples():
        number = threat.threat_id
        mine = detections[detections["threat_id"] == number]
        first = mine.loc[mine["first_detection_s"].idxmin()] if len(mine) else None
        rounds = shots_on.loc[shots_on["threat_id"] == number, "interceptor_id"]
        tracks = {track_of_round[r] for r in rounds if r in track_of_round}
        fired = launches[launches["track_id"].isin(tracks)]
        assigned = assignments[assignments["track_id"].isin(tracks)]
        kills = resolved[(resolved["kind"] == "kill") & (resolved["threat_id"] == number)]
        misses = resolved[(resolved["kind"] == "miss") & (resolved["threat_id"] == number)]
        launched_at = [launch_of_round[r] for r in rounds if r in launch_of_round]
        rows.append({
            "threat_id": int(number), "group": str(threat.group),
            "launch_s": float(threat.launch_time_s),
            "first_detection_s": float(first["first_detection_s"]) if first is not None
            else np.nan,
            "first_detection_radar": str(first["radar"]) if first is not None else "",
            "first_assignment_s": float(assigned["time_s"].min()) if len(assigned) else np.nan,
            "first_launch_s": float(min(launched_at)) if launched_at else np.nan,
            "shots": len(fired), "kills": len(kills), "misses": len(misses),
            "kill_s": float(kills["time_s"].iloc[0]) if len(kills) else np.nan,
            "kill_miss_distance_m": float(kills["value"].iloc[0]) if len(kills) else np.nan,
            "outcome": str(fates.loc[number]),
            "track_rms_error_m": accuracy.get(int(number), (np.nan, 0.0))[0],
            "tracked_share": accuracy.get(int(number), (np.nan, 0.0))[1],
        })
    return {"presentations": pd.DataFrame.from_records(rows), "detections": detections}


def track_accuracy(tracks: pd.DataFrame, truth: pd.DataFrame,
                   radius_m: float = TRACK_ASSOCIATION_RADIUS_M
                   ) -> dict[int, tuple[float, float]]:
    """Per threat: the RMS distance (m) from the threat to the nearest track at the recorded
    scans where one is within ``radius_m``, and the share of its recorded scans that had
    one. Scoring only (it reads the truth); empty when the run recorded no tracks."""
    if tracks.empty or truth.empty:
        return {}
    columns = ["east_m", "north_m", "up_m"]
    pairs = truth[["time_s", "threat_id", *columns]].merge(
        tracks[["time_s", *columns]], on="time_s", suffixes=("", "_track"))
    pairs["distance_m"] = np.linalg.norm(
        pairs[columns].to_numpy(float) - pairs[[f"{c}_track" for c in columns]].to_numpy(float),
        axis=1)
    nearest = pairs.groupby(["threat_id", "time_s"])["distance_m"].min()
    scans = truth.groupby("threat_id")["time_s"].nunique()
    result: dict[int, tuple[float, float]] = {}
    for threat, distances in nearest.groupby(level="threat_id"):
        inside = distances.to_numpy()[distances.to_numpy() <= radius_m]
        rms = float(np.sqrt(np.mean(inside**2))) if inside.size else np.nan
        result[int(threat)] = (rms, inside.size / int(scans.loc[threat]))
    return result


@dataclass(frozen=True, slots=True)
class TrialResult:
    """A played trial: per-presentation rows, first detections per radar, the detection
    range distribution per radar and the probability table; ``files`` written."""

    presentations: pd.DataFrame
    detections: pd.DataFrame
    detection_ranges: pd.DataFrame
    probabilities: pd.DataFrame
    files: tuple[Path, ...] = ()


def detection_range_table(detections: pd.DataFrame, presented: int) -> pd.DataFrame:
    """Per radar: presentations seen, and the first-detection range distribution (km):
    minimum, 10th percentile, median, mean, 90th percentile, maximum."""
    records = []
    for radar, frame in detections.groupby("radar", sort=True):
        kilometres = frame["range_m"].to_numpy() / 1e3
        low, tenth, median, ninetieth, high = np.percentile(kilometres, [0, 10, 50, 90, 100])
        records.append({"radar": radar, "seen": len(frame), "presented": presented,
                        "min_km": low, "p10_km": tenth, "median_km": median,
                        "mean_km": float(kilometres.mean()), "p90_km": ninetieth,
                        "max_km": high})
    return pd.DataFrame.from_records(records, columns=[
        "radar", "seen", "presented", "min_km", "p10_km", "median_km", "mean_km", "p90_km",
        "max_km"])


def probability_table(presented: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """P(kill) per shot (kills over rounds fired), P(kill) per presentation and
    P(detected) per presentation, each with its Clopper-Pearson interval."""
    records = []
    for metric, successes, trials in (
            ("P(kill) per shot", presented["kills"].clip(upper=1).sum(),
             presented["shots"].sum()),
            ("P(kill) per presentation", (presented["outcome"] == "killed").sum(),
             len(presented)),
            ("P(detected) per presentation", presented["first_detection_s"].notna().sum(),
             len(presented))):
        interval = clopper_pearson(int(successes), int(trials), confidence)
        records.append({"metric": metric, "estimate": interval.estimate, "low": interval.low,
                        "high": interval.high, "successes": int(successes),
                        "trials": int(trials), "method": interval.method})
    return pd.DataFrame.from_records(records)


def trial(scenario: str | Path | Scenario, replications: int, workers: int | None = None,
          scheduler: str | None = None, out: str | Path | None = None,
          progress: bool = True, client: Any = None,
          max_events: int = DEFAULT_MAX_EVENTS) -> TrialResult:
    """Play ``replications`` repetitions of a test-range scenario and score every target.

    Replication ``i`` uses the Monte Carlo seed of index ``i`` (see
    :func:`~iadsim.analysis.monte_carlo.replication_seed`). With ``out``, writes
    ``trial.md`` (the report to sign), ``presentations.csv``, ``detections.csv``,
    ``detection_ranges.csv`` and ``probabilities.csv``. ``max_events``: the run budget of
    each replication (:mod:`iadsim.engine.run_cost`), checked before anything starts.
    """
    from iadsim.scenario.loader import load_scenario

    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ValueError(f"replications must be an integer >= 1, got {replications!r}")
    model = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    check_replications([("", model)], max_events, "iadsim.analysis.trial.trial")
    tables: dict[str, list[pd.DataFrame]] = {"presentations": [], "detections": []}

    def on_result(outcome: dict[str, Any]) -> None:
        index = outcome["row"]["replication"]
        for name, frame in outcome["extra"].items():
            tables[name].append(frame.assign(replication=index, seed=outcome["row"]["seed"]))

    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(campaign_client(workers, scheduler))
        execute(client, model, list(range(replications)), set(), on_result,
                extract=presentations, label="presentations", progress=progress,
                max_events=max_events)
    order = ["replication", "threat_id"]
    presented = pd.concat(tables["presentations"], ignore_index=True).sort_values(
        order, ignore_index=True)
    presented = presented[["replication", "seed", *[c for c in presented.columns
                                                    if c not in ("replication", "seed")]]]
    detections = pd.concat(tables["detections"], ignore_index=True).sort_values(
        [*order, "radar"], ignore_index=True)
    ranges = detection_range_table(detections, len(presented))
    probabilities = probability_table(presented)
    files: tuple[Path, ...] = ()
    if out is not None:
        folder = Path(out)
        outputs = {"presentations.csv": presented, "detections.csv": detections,
                   "detection_ranges.csv": ranges, "probabilities.csv": probabilities}
        files = tuple(write_atomically(folder / name, lambda path, f=frame: f.to_csv(
            path, index=False)) for name, frame in outputs.items())
        report = trial_markdown(model, replications, presented, ranges, probabilities)
        files += (write_atomically(folder / "trial.md", lambda path: Path(path).write_text(
            report, encoding="utf-8")),)
    return TrialResult(presented, detections, ranges, probabilities, files)


def _markdown(frame: pd.DataFrame, digits: int = 3) -> str:
    """A pipe table (no dependency on ``tabulate``)."""
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return "" if np.isnan(value) else f"{value:.{digits}f}"
        return str(value)

    lines = ["| " + " | ".join(frame.columns) + " |",
             "|" + "|".join("---" for _ in frame.columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |"
              for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def accuracy_line(presented: pd.DataFrame) -> str:
    """One line: the median and range of the per-presentation track RMS error."""
    errors = presented["track_rms_error_m"].dropna()
    if errors.empty:
        return ("No presentation was tracked at a recorded scan (tracks are recorded up to "
                "500 threats; see sim.record_tracks).")
    return (f"Track RMS error per presentation: median {errors.median():.0f} m, from "
            f"{errors.min():.0f} to {errors.max():.0f} m over {len(errors)} presentation(s); "
            f"tracked at a median {presented['tracked_share'].median():.0%} of the scans.")


def trial_markdown(scenario: Scenario, replications: int, presented: pd.DataFrame,
                   ranges: pd.DataFrame, probabilities: pd.DataFrame) -> str:
    """The trial report: what was played, the summary tables, every presentation, and
    lines for the evaluators' signatures."""
    timeline = presented[["replication", "threat_id", "group", "launch_s", "first_detection_s",
                          "first_detection_radar", "first_assignment_s", "first_launch_s",
                          "shots", "kill_s", "kill_miss_distance_m", "track_rms_error_m",
                          "tracked_share", "outcome"]]
    return "\n\n".join([
        f"# Trial report: {scenario.name}",
        f"{NOTIONAL_NOTE}",
        f"{replications} replication(s) of {len(presented) // max(replications, 1)} "
        f"target presentation(s) each ({len(presented)} presentations), scenario seed "
        f"{scenario.sim.seed}; replication seeds are in presentations.csv.",
        "## Probabilities (95% Clopper-Pearson intervals)",
        _markdown(probabilities),
        "## First-detection range per radar (km, range reported by the radar)",
        _markdown(ranges, digits=1),
        "## Track accuracy", TRACK_ACCURACY_NOTE, accuracy_line(presented),
        "## Presentations (times in s from the start of the replication)",
        _markdown(timeline, digits=1),
        "## Sign-off",
        "Test director: ____________________  Date: __________\n\n"
        "Evaluator: ____________________  Date: __________",
    ]) + "\n"
