"""The printed run summary: a few rich tables a planner reads in ten seconds."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _money(usd: float) -> str:
    if usd >= 1e6:
        return f"${usd / 1e6:,.1f}M"
    if usd >= 1e3:
        return f"${usd / 1e3:,.0f}k"
    return f"${usd:,.0f}"


def print_summary(summary: dict[str, Any], console: Console | None = None) -> None:
    """Print the verdict, the raid by group, the assets, the batteries, the layers, the
    kill assessments and the costs."""
    console = console or Console()
    sim = summary["sim"]
    console.print(f"[bold]{summary['scenario']}[/bold]  seed {summary['seed']}  "
                  f"ended at {sim['ended_s']:.0f} s of {sim['duration_s']:.0f} s  "
                  f"({sim['steps']} steps, {sim['wall_time_s']:.2f} s wall)")
    colour = "green" if summary["verdict"] == "defended" else (
        "yellow" if summary["verdict"] in ("trial", "undecided") else "red")
    console.print(f"[bold {colour}]{summary['verdict_text']}[/bold {colour}]")

    raid = Table(title="Raid", title_justify="left")
    for column in ("group", "kind", "count", "seen", "killed", "leaked", "withdrew", "done",
                   "seen after"):
        raid.add_column(column, justify="left" if column in ("group", "kind") else "right")
    for group in summary["by_group"]:
        seen = group["median_first_detection_after_launch_s"]
        raid.add_row(group["group"], group["kind"], str(group["count"]), str(group["detected"]),
                     str(group["killed"]), str(group["leaked"]), str(group.get("withdrew", 0)),
                     str(group["completed_route"]),
                     "-" if seen is None else f"{seen:.0f} s")
    console.print(raid)

    if summary["assets"]:
        assets = Table(title="Defended assets", title_justify="left")
        for column in ("asset", "value", "threats aimed", "leakers", "stand-off", "damage"):
            assets.add_column(column, justify="left" if column == "asset" else "right")
        for asset in summary["assets"]:
            damage = asset.get("damage", 0.0 if asset["survived"] else 1.0)
            assets.add_row(asset["asset"], f"{asset['value']:g}", str(asset["threats_aimed"]),
                           str(asset["leakers"]), str(asset.get("stand_off_releases", 0)),
                           f"{damage:.0%}" if damage == 0 else f"[red]{damage:.0%}[/red]")
        console.print(assets)

    batteries = Table(title="Batteries", title_justify="left")
    for column in ("battery", "interceptor", "fired", "kills", "cost"):
        batteries.add_column(column, justify="left" if column in ("battery", "interceptor")
                             else "right")
    for name, battery in summary["interceptors"]["by_battery"].items():
        batteries.add_row(name, battery["interceptor"], str(battery["fired"]),
                          str(battery["kills"]), _money(battery["cost_usd"]))
    console.print(batteries)

    if summary.get("layers"):
        layers = Table(title="Layers", title_justify="left")
        for column in ("layer", "batteries", "fired", "kills", "Pk/shot", "cost"):
            layers.add_column(column, justify="left" if column == "layer" else "right")
        for name, layer in summary["layers"].items():
            pk = layer["pk_per_shot"]
            layers.add_row(name.replace("_", " "), str(layer["batteries"]), str(layer["fired"]),
                           str(layer["kills"]), "-" if pk is None else f"{pk:.2f}",
                           _money(layer["cost_usd"]))
        console.print(layers)

    assessment = summary.get("kill_assessment")
    if assessment and assessment["assessments"]:
        console.print(f"Kill assessment: {assessment['assessments']} judgements, "
                      f"{assessment['judged_killed']} judged killed; "
                      f"{assessment['false_kills']} false kill(s) "
                      f"({assessment['false_kills_then_leaked']} then leaked), "
                      f"{assessment.get('assessed_after_leak', 0)} judged killed after "
                      "the threat had leaked, "
                      f"{assessment['missed_kills']} missed kill(s) "
                      f"({assessment['rounds_after_missed_kills']} round(s) after them).")

    cost = summary["cost"]
    ratio = cost["interceptor_usd_per_threat_usd_killed"]
    munitions = cost.get("munitions_killed_usd", cost["threats_killed_usd"])
    console.print(f"Interceptors spent {_money(cost['interceptors_usd'])} to destroy munitions "
                  f"worth {_money(munitions)} "
                  f"(raid worth {_money(cost['threats_total_usd'])}); "
                  f"cost exchange {'-' if ratio is None else f'{ratio:.2f}'} "
                  "USD spent per USD of munitions destroyed.")
    if cost.get("aircraft_killed"):
        console.print(f"Aircraft shot down apart: {cost['aircraft_killed']} "
                      f"worth {_money(cost['aircraft_killed_usd'])}.")
    console.print(f"[dim]{summary['notional']}[/dim]")


def print_fault_comparison(comparison: dict[str, Any], console: Console | None = None) -> None:
    """Print what each fault cost against the same seed without it."""
    console = console or Console()
    base = comparison["baseline"]
    leakers = f"{base['leakers']} leaker{'' if base['leakers'] == 1 else 's'}"
    table = Table(title=f"Faults in {comparison['scenario']}, seed {comparison['seed']} "
                        f"(baseline: {leakers}, {base['rounds']} rounds, "
                        f"damage {base['damage']:.2f})", title_justify="left")
    for column in ("fault", "leakers", "+leakers", "rounds", "+rounds", "damage", "+damage"):
        table.add_column(column, justify="left" if column == "fault" else "right")
    for row in comparison["faults"]:
        fault = row["fault"]
        if isinstance(fault, dict):
            until = "end" if fault["end_s"] is None else f"{fault['end_s']:g} s"
            label = f"{fault['kind']} {fault['target']} {fault['start_s']:g}-{until}"
        else:
            label = "all faults"
        table.add_row(label, str(row["leakers"]), f"{row['extra_leakers']:+d}",
                      str(row["rounds"]), f"{row['extra_rounds']:+d}", f"{row['damage']:.2f}",
                      f"{row['extra_damage']:+.2f}")
    console.print(table)
