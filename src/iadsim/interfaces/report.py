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
    """Print the verdict, the raid by group, the assets, the batteries and the costs."""
    console = console or Console()
    sim = summary["sim"]
    console.print(f"[bold]{summary['scenario']}[/bold]  seed {summary['seed']}  "
                  f"ended at {sim['ended_s']:.0f} s of {sim['duration_s']:.0f} s  "
                  f"({sim['steps']} steps, {sim['wall_time_s']:.2f} s wall)")
    colour = "green" if summary["verdict"] == "defended" else (
        "yellow" if summary["verdict"] == "trial" else "red")
    console.print(f"[bold {colour}]{summary['verdict_text']}[/bold {colour}]")

    raid = Table(title="Raid", title_justify="left")
    for column in ("group", "kind", "count", "seen", "killed", "leaked", "done",
                   "seen after"):
        raid.add_column(column, justify="left" if column in ("group", "kind") else "right")
    for group in summary["by_group"]:
        seen = group["median_first_detection_after_launch_s"]
        raid.add_row(group["group"], group["kind"], str(group["count"]), str(group["detected"]),
                     str(group["killed"]), str(group["leaked"]), str(group["completed_route"]),
                     "-" if seen is None else f"{seen:.0f} s")
    console.print(raid)

    if summary["assets"]:
        assets = Table(title="Defended assets", title_justify="left")
        for column in ("asset", "value", "threats aimed", "leakers", "survived"):
            assets.add_column(column, justify="left" if column == "asset" else "right")
        for asset in summary["assets"]:
            assets.add_row(asset["asset"], f"{asset['value']:g}", str(asset["threats_aimed"]),
                           str(asset["leakers"]), "yes" if asset["survived"] else "[red]no[/red]")
        console.print(assets)

    batteries = Table(title="Batteries", title_justify="left")
    for column in ("battery", "interceptor", "fired", "kills", "cost"):
        batteries.add_column(column, justify="left" if column in ("battery", "interceptor")
                             else "right")
    for name, battery in summary["interceptors"]["by_battery"].items():
        batteries.add_row(name, battery["interceptor"], str(battery["fired"]),
                          str(battery["kills"]), _money(battery["cost_usd"]))
    console.print(batteries)

    cost = summary["cost"]
    ratio = cost["interceptor_usd_per_threat_usd_killed"]
    console.print(f"Interceptors spent {_money(cost['interceptors_usd'])} to destroy threats "
                  f"worth {_money(cost['threats_killed_usd'])} "
                  f"(raid worth {_money(cost['threats_total_usd'])}); "
                  f"cost exchange {'-' if ratio is None else f'{ratio:.2f}'} "
                  "USD spent per USD destroyed.")
    console.print(f"[dim]{summary['notional']}[/dim]")
