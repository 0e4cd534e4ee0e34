"""``iadsim campaign``: play a scenario's week of raids with magazines carried day to day.

A thin layer over :func:`iadsim.analysis.inventory_campaign.campaign`: parse, call, print
the day-by-day table, the magazine per interceptor type and the day each layer runs dry.
Registered on the ``iadsim`` app by :mod:`iadsim.interfaces.cli`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from iadsim.interfaces.cli_options import MaxEventsOption, SchedulerOption

if TYPE_CHECKING:
    from rich.console import Console

    from iadsim.analysis.inventory_campaign import InventoryResult


def campaign(
    scenario: Annotated[str, typer.Argument(help="A built-in name or a scenario file with a "
                                                 "campaign: section.")],
    replications: Annotated[int, typer.Option("-n", "--replications", min=1,
                                              help="Campaigns played (independent seeds).")]
    = 1,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Local worker processes (default: the CPU count; one replication without "
                    "this option runs in this process).")] = None,
    scheduler: SchedulerOption = None,
    out: Annotated[Path | None, typer.Option(help="Folder for days.parquet, days.csv, "
                                             "intervals.csv, dry_days.csv and runs.duckdb "
                                             "(default: runs/NAME-campaign).")] = None,
    resume: Annotated[bool, typer.Option(help="Complete the interrupted campaign in --out "
                                              "(no replication lost, none counted twice).")]
    = False,
    max_events: MaxEventsOption = None,
) -> None:
    """Play the scenario's campaign day by day: magazines carried from night to night,
    resupply, leakers and damage, and the day each layer runs dry."""
    from iadsim.analysis.inventory_campaign import campaign as play
    from iadsim.engine.run_cost import DEFAULT_MAX_EVENTS
    from iadsim.errors import ScenarioError, WorkerLostError
    from iadsim.interfaces.cli import (
        _fail,
        _fail_scenario,
        _load,
        _worker_lost,
        console,
        errors,
    )

    model = _load(scenario)
    if model.campaign is None:
        _fail([f"{scenario}: no campaign: section; expected campaign: {{days: N, raids: "
               "[...], resupply: [...]} (see the built-in scenario attrition)"])
    folder = out or Path("runs") / f"{model.name}-campaign"
    if folder.exists() and not folder.is_dir():
        _fail([f"--out: {folder} exists and is not a folder; expected a folder path"])
    try:
        result = play(model, replications, workers=workers, scheduler=scheduler, out=folder,
                      resume=resume, max_events=max_events or DEFAULT_MAX_EVENTS)
    except KeyboardInterrupt:
        errors.print("interrupted; the finished replications are kept in "
                     f"{folder}: run the same command with --resume to complete the campaign",
                     markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(code=130) from None
    except WorkerLostError as error:
        _worker_lost(error, folder, "campaign")
    except ScenarioError as error:
        _fail_scenario(error, model, scenario)
    except (ValueError, OSError) as error:
        _fail([str(error)])
    print_campaign(result, console)
    console.print(f"Wrote {folder}/days.parquet, days.csv, intervals.csv, dry_days.csv and "
                  "runs.duckdb", highlight=False, soft_wrap=True)


def _cell(estimate: float, low: float, high: float, replications: int, digits: int) -> str:
    """``12`` for one campaign, ``12.4 [11.0, 13.9]`` over several."""
    if replications == 1:
        return f"{estimate:.{digits}f}"
    return f"{estimate:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def _day_word(day: float, last_day: int) -> str:
    if day != day:  # NaN
        return "-"
    return f"after day {last_day}" if day == float("inf") else f"day {int(day)}"


def print_campaign(result: InventoryResult, console: Console) -> None:
    """The day-by-day table (raid, leakers, P(no leaker), damage, rounds fired, magazine
    per type at the end of the night), then the dry-day table per layer and battery."""
    from rich.table import Table

    from iadsim.analysis.campaign_plan import campaign_types, full_loads
    from iadsim.analysis.replication_metrics import column_name

    scenario, days = result.scenario, result.days
    replications = int(days["replication"].nunique())
    types = campaign_types(scenario)
    full = full_loads(scenario)
    load_of = {name: int(sum(f for f, b in zip(full, scenario.batteries, strict=True)
                             if b.interceptor == name)) for name in types}
    intervals = result.intervals.set_index(["day", "metric"])
    several = replications > 1
    title = (f"{scenario.name}: {len(days) // replications} days, "
             + (f"{replications} campaigns, mean [95% interval]" if several else
                f"campaign seed {int(days['campaign_seed'].iloc[0])}")
             + "; magazine = rounds the batteries hold at the end of the night (full load)")
    table = Table(title=title, title_justify="left")
    for header in ("day", "raid", "P(no leaker)" if several else "leakers",
                   "mean leakers" if several else "damage", "fired"):
        table.add_column(header, justify="right")
    for name in types:
        table.add_column(f"{name} ({load_of[name]})", justify="right", overflow="fold",
                         min_width=9)
    for day, frame in days.groupby("day", sort=True):
        def metric(name: str, digits: int, day: int = int(day)) -> str:
            row = intervals.loc[(day, name)]
            return _cell(row["estimate"], row["low"], row["high"], replications, digits)

        cells = [str(int(day)), f"{frame['threats'].mean():.0f}"]
        if several:
            cells += [metric("P(no leaker)", 2), metric("mean leakers", 1)]
        else:
            cells += [str(int(frame["leakers"].iloc[0])), f"{frame['damage'].iloc[0]:.2f}"]
        cells.append(f"{frame['interceptors_fired'].mean():.{1 if several else 0}f}")
        for name in types:
            stock = metric(f"mean stock {column_name(name)}", 1 if several else 0)
            depot = frame[f"depot_{column_name(name)}"].mean()
            cells.append(stock + (f" +{depot:.0f} depot" if depot else ""))
        table.add_row(*cells)
    console.print(table)

    last_day = int(days["day"].max())
    dry = Table(title="The day each runs dry (its batteries hold no round at the end of the "
                "night)" + ("; median [95% interval]" if several else ""),
                title_justify="left")
    for header in ("layer / battery", "runs dry", "P(dry by day " + str(last_day) + ")"):
        dry.add_column(header, justify="left" if header == "layer / battery" else "right")
    for row in result.dry_days.itertuples():
        if row.level == "type" or (row.level == "battery" and row.dry == 0):
            continue
        when = _day_word(row.median_day, last_day)
        if several and row.median_day_low == row.median_day_low:
            when += (f" [{_day_word(row.median_day_low, last_day)}, "
                     f"{_day_word(row.median_day_high, last_day)}]")
        label = row.item if row.level == "layer" else f"  {row.item}"
        share = (f"{row.p_dry:.2f} [{row.p_dry_low:.2f}, {row.p_dry_high:.2f}]" if several
                 else ("yes" if row.dry else "no"))
        dry.add_row(label, when, share)
    console.print(dry)
