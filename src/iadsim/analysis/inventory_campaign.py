"""Inventory over a campaign: nightly raids for days, magazines carried over, resupply.

A scenario's ``campaign:`` section (:mod:`iadsim.scenario.campaign_schema`) is played day
by day. Each morning the day's deliveries reach the depot and the depot refills the
batteries (:mod:`iadsim.analysis.campaign_plan`); then the night's raid is one full
simulation, its batteries loaded with the rounds they hold; the rounds left at the end of
the night (ready, reloading and in reserve) are the next morning's stock. Rounds in the
air when the night ends are spent.

Seeds: the campaign of seed ``s`` plays day ``d`` with seed
``replication_seed(s, d - 1)`` (``SeedSequence(s, spawn_key=(d - 1,))``); replication
``i`` of a replicated campaign has campaign seed ``replication_seed(sim.seed, i)``, the
same as replication ``i`` of ``iadsim mc``. Every day's row is thus a pure function of
the scenario and ``(i, d)``: the same whatever the number of Dask workers.

One row per replication and day (:func:`play_campaign` gives the columns); the per-day
intervals and the day each layer runs dry are in :mod:`iadsim.analysis.campaign_intervals`.

With a results folder, finished replications are recorded as they come (the Monte Carlo
store, :class:`~iadsim.analysis.results_store.ResultsStore`, keyed by replication and
day), so an interrupted campaign resumes (``resume=True``, ``iadsim campaign --resume``)
with no replication lost and none counted twice. Every night is checked against the run
budget (:mod:`iadsim.engine.run_cost`) before anything starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from iadsim.analysis.campaign_intervals import day_intervals, dry_days
from iadsim.analysis.campaign_plan import (
    campaign_types,
    deliveries,
    full_loads,
    issue_rounds,
    night_scenario,
)
from iadsim.analysis.layers import LAYERS, layer_of
from iadsim.analysis.monte_carlo import campaign_client, record_replications, replication_seed
from iadsim.analysis.replication_metrics import column_name
from iadsim.analysis.results_store import ResultsStore
from iadsim.analysis.summary import summarize
from iadsim.engine.run_cost import DEFAULT_MAX_EVENTS, check_replications
from iadsim.scenario.schema import Scenario

#: Files written to a campaign's results folder.
DAYS_FILE, INTERVALS_FILE, DRY_DAYS_FILE = "days.parquet", "intervals.csv", "dry_days.csv"


@dataclass(frozen=True, slots=True)
class InventoryResult:
    """A finished inventory campaign.

    ``days``: one row per replication and day (see :func:`play_campaign`, plus
    ``replication`` and ``campaign_seed``); ``intervals``: per day and metric, the
    estimate and its interval (:func:`~iadsim.analysis.campaign_intervals.day_intervals`);
    ``dry_days``: per layer, interceptor type and battery, the day it runs dry
    (:func:`~iadsim.analysis.campaign_intervals.dry_days`). ``out``: the results folder.
    """

    scenario: Scenario
    days: pd.DataFrame
    intervals: pd.DataFrame
    dry_days: pd.DataFrame
    out: Path | None = None


def layers_of_types(scenario: Scenario) -> dict[str, str]:
    """Layer (:mod:`iadsim.analysis.layers`) of each interceptor type the batteries fire."""
    by_name = {interceptor.name: interceptor for interceptor in scenario.interceptors}
    return {name: layer_of(by_name[name]) for name in campaign_types(scenario)}


def _night(scenario: Scenario | None, seed: int, stock: np.ndarray) -> tuple[
        np.ndarray, dict[str, Any] | None]:
    """Simulate one night with the batteries holding ``stock``: (rounds left, summary),
    or the stock unchanged and no summary when no threat flies."""
    if scenario is None:
        return stock.copy(), None
    from iadsim.api import threat_table
    from iadsim.engine.simulation import Simulation

    simulation = Simulation(scenario, seed=seed)
    simulation.batteries.load_rounds(stock)
    simulation.run()
    events = simulation.log.to_frame(release=True)
    summary = summarize(events, threat_table(simulation), scenario, seed, simulation.time_s,
                        simulation.steps, 0.0)
    return simulation.batteries.rounds_left(), summary


def play_campaign(scenario: Scenario, seed: int | None = None) -> pd.DataFrame:
    """Play every day of the scenario's campaign once, from campaign seed ``seed``
    (default ``sim.seed``).

    Returns one row per day, columns (names through
    :func:`~iadsim.analysis.replication_metrics.column_name`):

    - ``day`` (1-based), ``seed`` (the night's simulation seed);
    - ``threats``, ``killed``, ``leakers``, ``no_leaker`` (0/1), ``damage`` (the night's
      damage summed over assets), ``interceptors_fired``, ``interceptor_cost_usd``;
    - per asset: ``leakers_<asset>``, ``damage_<asset>`` (the night's) and
      ``cumulative_damage_<asset>`` (since day 1, capped at 1);
    - per interceptor type: ``delivered_<type>`` (reached the depot this morning),
      ``start_<type>`` (held by its batteries when the raid starts), ``fired_<type>``,
      ``stock_<type>`` (held by its batteries at the end of the night) and
      ``depot_<type>`` (left in the depot);
    - per layer: ``layer_stock_<layer>`` (its batteries at the end of the night);
    - per battery: ``battery_start_<battery>``, ``battery_fired_<battery>``,
      ``battery_stock_<battery>``, ``battery_lost_<battery>`` (1 from the morning after
      its asset of ``campaign.battery_losses`` was destroyed: its rounds are gone, it is
      not refilled, and it holds 0, so it counts as dry).

    ``start - fired = stock`` for every type and battery, and ``stock`` of one day plus
    what the depot issues the next morning is that day's ``start``.
    """
    campaign = scenario.campaign
    if campaign is None:
        raise ValueError(f"scenario {scenario.name!r} has no campaign: section; expected "
                         "campaign: {days: N, raids: [...], resupply: [...]}")
    campaign_seed = scenario.sim.seed if seed is None else int(seed)
    types = campaign_types(scenario)
    layer_of_type = layers_of_types(scenario)
    batteries = scenario.batteries
    battery_type = np.array([types.index(b.interceptor) for b in batteries], dtype=int)
    full = full_loads(scenario)
    arriving = deliveries(scenario)
    stock = full.copy()
    depot = np.array([campaign.depot_rounds.get(name, 0) for name in types], dtype=int)
    assets = scenario.defended_assets
    cumulative_damage = np.zeros(len(assets))
    asset_index = {asset.name: index for index, asset in enumerate(assets)}
    battery_index = {battery.name: index for index, battery in enumerate(batteries)}
    lost = np.zeros(len(batteries), dtype=bool)
    rows = []
    for day in range(1, campaign.days + 1):
        for loss in campaign.battery_losses:
            if cumulative_damage[asset_index[loss.asset]] >= 1.0:
                lost[battery_index[loss.battery]] = True
        stock[lost] = 0
        full[lost] = 0  # never refilled
        depot = depot + arriving[day - 1]
        for column in range(len(types)):
            members = np.flatnonzero(battery_type == column)
            stock[members], depot[column] = issue_rounds(stock[members], full[members],
                                                         int(depot[column]))
        start = stock.copy()
        night_seed = replication_seed(campaign_seed, day - 1)
        stock, summary = _night(night_scenario(scenario, day), night_seed, start)
        fired = start - stock
        row = _day_row(scenario, day, night_seed, summary, start, fired, stock, depot,
                       arriving[day - 1], types, layer_of_type, battery_type, cumulative_damage)
        for index, battery in enumerate(batteries):
            row[f"battery_lost_{column_name(battery.name)}"] = int(lost[index])
        rows.append(row)
    return pd.DataFrame.from_records(rows)


def _day_row(scenario: Scenario, day: int, seed: int, summary: dict[str, Any] | None,
             start: np.ndarray, fired: np.ndarray, stock: np.ndarray, depot: np.ndarray,
             delivered: np.ndarray, types: list[str], layer_of_type: dict[str, str],
             battery_type: np.ndarray, cumulative_damage: np.ndarray) -> dict[str, Any]:
    """One day's row (see :func:`play_campaign`); adds the night's damage to
    ``cumulative_damage`` (per asset, in place)."""
    threats = (summary or {}).get("threats", {})
    by_asset = {a["asset"]: a for a in (summary or {}).get("assets", [])}
    leakers = int(threats.get("leaked", 0))
    row: dict[str, Any] = {
        "day": day, "seed": seed, "threats": int(threats.get("total", 0)),
        "killed": int(threats.get("killed", 0)), "leakers": leakers,
        "no_leaker": int(leakers == 0),
        "damage": round(sum(a["damage"] for a in by_asset.values()), 3),
        "interceptors_fired": int(fired.sum()),
        "interceptor_cost_usd": float(summary["cost"]["interceptors_usd"]) if summary else 0.0,
    }
    for index, asset in enumerate(scenario.defended_assets):
        name = column_name(asset.name)
        found = by_asset.get(asset.name, {})
        cumulative_damage[index] = min(1.0, cumulative_damage[index] + found.get("damage", 0.0))
        row[f"leakers_{name}"] = int(found.get("leakers", 0))
        row[f"damage_{name}"] = float(found.get("damage", 0.0))
        row[f"cumulative_damage_{name}"] = round(float(cumulative_damage[index]), 3)
    for column, type_name in enumerate(types):
        name, members = column_name(type_name), battery_type == column
        row[f"delivered_{name}"] = int(delivered[column])
        row[f"start_{name}"] = int(start[members].sum())
        row[f"fired_{name}"] = int(fired[members].sum())
        row[f"stock_{name}"] = int(stock[members].sum())
        row[f"depot_{name}"] = int(depot[column])
    for layer in LAYERS:
        columns = [c for c, t in enumerate(types) if layer_of_type[t] == layer]
        if columns:
            row[f"layer_stock_{layer}"] = int(stock[np.isin(battery_type, columns)].sum())
    for index, battery in enumerate(scenario.batteries):
        name = column_name(battery.name)
        row[f"battery_start_{name}"] = int(start[index])
        row[f"battery_fired_{name}"] = int(fired[index])
        row[f"battery_stock_{name}"] = int(stock[index])
    return row


def campaign_replication(scenario: Scenario, index: int, seed: int, keep_run: bool = False,
                         extract: Any = None,
                         max_events: int = DEFAULT_MAX_EVENTS) -> dict[str, Any]:
    """One replication of the campaign (on a Dask worker): its days, in ``extra``.
    The signature is that of :func:`iadsim.analysis.monte_carlo.execute`'s tasks
    (``max_events`` unused: every night was checked before the campaign started)."""
    days = play_campaign(scenario, seed)
    days.insert(0, "campaign_seed", seed)
    days.insert(0, "replication", index)
    return {"row": {"replication": index, "seed": seed}, "run": None, "extra": days}


def check_nights(scenario: Scenario, max_events: int = DEFAULT_MAX_EVENTS) -> None:
    """Refuse the campaign when a night's run is over the budget (``ScenarioError``
    naming the largest such night, its estimate and how to raise the limit)."""
    if scenario.campaign is None:
        raise ValueError(f"scenario {scenario.name!r} has no campaign: section; expected "
                         "campaign: {days: N, raids: [...], resupply: [...]}")
    nights = ((f"campaign: night of day {day}", night_scenario(scenario, day))
              for day in range(1, scenario.campaign.days + 1))
    check_replications(((label, night) for label, night in nights if night is not None),
                       max_events, "iadsim.campaign")


def run_inventory_campaign(client: Any, scenario: Scenario, replications: int,
                           progress: bool = True, confidence: float = 0.95,
                           out: str | Path | None = None, resume: bool = False,
                           max_events: int = DEFAULT_MAX_EVENTS) -> InventoryResult:
    """Replications ``0 .. replications-1`` of the campaign on a Dask ``client``, or in
    this process, one after the other, when ``client`` is None.

    With ``out``, each finished replication's days are recorded in ``out/parts`` as they
    come, and ``resume`` completes an interrupted campaign there (see the module doc)."""
    check_nights(scenario, max_events)
    store = None
    if out is not None:
        store = ResultsStore(out, scenario, replications, resume, kind="inventory",
                             key=("replication", "day"), rows_file=DAYS_FILE)
    elif resume:
        raise ValueError("resume: needs out (the folder of the campaign to resume)")
    days = record_replications(
        client, scenario, replications, store,
        lambda outcome: outcome["extra"].to_dict("records"), label="campaigns",
        progress=progress, task=campaign_replication, max_events=max_events,
        key=("replication", "day"))
    layers = list(dict.fromkeys(layers_of_types(scenario).values()))
    result = InventoryResult(
        scenario, days, day_intervals(days, scenario, scenario.sim.seed, confidence),
        dry_days(days, scenario, layers, confidence))
    if store is not None:
        result = write_results(result, store.folder)
        store.drop_parts()
    return result


def write_results(result: InventoryResult, folder: Path) -> InventoryResult:
    """Write ``days.parquet`` (and ``days.csv``), ``intervals.csv``, ``dry_days.csv`` and
    ``runs.duckdb`` (tables days, intervals, dry_days), each under a temporary name and
    renamed into place. Returns the result with ``out`` set."""
    from iadsim.analysis.results_store import DATABASE_FILE, write_atomically, write_database

    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / DAYS_FILE, lambda path: result.days.to_parquet(path, index=False))
    write_atomically(folder / "days.csv", lambda path: result.days.to_csv(path, index=False))
    write_atomically(folder / INTERVALS_FILE,
                     lambda path: result.intervals.to_csv(path, index=False))
    write_atomically(folder / DRY_DAYS_FILE,
                     lambda path: result.dry_days.to_csv(path, index=False))
    write_database(folder / DATABASE_FILE, {"days": result.days, "intervals": result.intervals,
                                            "dry_days": result.dry_days})
    return InventoryResult(result.scenario, result.days, result.intervals, result.dry_days,
                           folder)


def campaign(scenario: str | Path | Scenario, replications: int = 1,
             workers: int | None = None, scheduler: str | None = None,
             out: str | Path | None = None, progress: bool = True,
             confidence: float = 0.95, resume: bool = False,
             max_events: int = DEFAULT_MAX_EVENTS) -> InventoryResult:
    """Play a scenario's campaign (its ``campaign:`` section) over replications.

    Parameters
    ----------
    scenario:
        A built-in name, a scenario file, or a validated Scenario with a campaign.
    replications:
        Campaigns played (>= 1), replication ``i`` from campaign seed
        ``replication_seed(sim.seed, i)``.
    workers, scheduler:
        As :func:`iadsim.monte_carlo`. With neither and one replication, the campaign is
        played in this process (no cluster started); the rows are the same either way.
    out:
        Results folder (see :func:`write_results`); None keeps them in memory. It must
        not hold a campaign already, unless ``resume``.
    progress:
        A progress bar on stderr (Dask runs).
    confidence:
        Two-sided coverage of the intervals.
    resume:
        Complete the interrupted campaign in ``out`` (same scenario and seed): its
        recorded replications are kept, only the missing ones are played.
    max_events:
        The run budget of each night (:mod:`iadsim.engine.run_cost`), as ``iadsim.run``.

    Raises
    ------
    ValueError
        A bad argument, or a scenario without a campaign section.
    ScenarioError
        A night over the run budget (before anything starts or is written).
    """
    from iadsim.scenario.loader import load_scenario

    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ValueError(f"replications must be an integer >= 1, got {replications!r}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    model = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if model.campaign is None:
        raise ValueError(f"scenario {model.name!r} has no campaign: section; expected "
                         "campaign: {days: N, raids: [...], resupply: [...]}")
    if resume and out is None:
        raise ValueError("resume: needs out (the folder of the campaign to resume)")
    check_nights(model, max_events)  # before a cluster starts
    if workers is None and scheduler is None and replications == 1:
        return run_inventory_campaign(None, model, 1, progress, confidence, out, resume,
                                      max_events)
    import os

    local_workers = workers if scheduler is not None else (
        workers if workers is not None else min(replications, max(1, os.cpu_count() or 1)))
    with campaign_client(local_workers, scheduler) as client:
        return run_inventory_campaign(client, model, replications, progress, confidence, out,
                                      resume, max_events)
