"""The ``campaign:`` section of a scenario: days of raids and the resupply of interceptors.

A campaign plays the scenario once a day for ``days`` days (one night's raid a day, each a
full simulation of ``sim.duration_s``), carrying every battery's magazine from one day to
the next. The ``threats`` section holds the raid templates; ``raids`` says which groups fly
on which days and how many; ``resupply`` says how many rounds of each interceptor type are
produced a day and how many days they take to arrive; ``depot_rounds`` what is held in
the rear at the start; ``battery_losses`` which batteries are lost with an asset. How the
days are played is in :mod:`iadsim.analysis.campaign_plan` and
:mod:`iadsim.analysis.inventory_campaign`.

Names here refer to other sections (threat groups, interceptor types, batteries, assets);
those references are checked by :func:`campaign_reference_problems` once the whole
scenario is valid.

The models follow the rules of :class:`iadsim.scenario.schema.StrictModel` (unknown keys
are errors, values are frozen, no NaN or infinity, no type coercion); they do not import
it because ``schema.py`` imports this module for its ``Scenario.campaign`` field.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from iadsim.scenario.schema import Scenario

#: Longest campaign (days).
MAX_DAYS = 366

Day = Annotated[int, Field(ge=1, le=MAX_DAYS)]
NightCount = Annotated[int, Field(ge=0, le=100_000)]
Rounds = Annotated[int, Field(ge=0, le=10_000_000)]


class CampaignModel(BaseModel):
    """Unknown keys are errors, values are immutable, NaN and infinity are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class RaidSchedule(CampaignModel):
    """When one threat group of the scenario flies during the campaign, and how many.

    Give ``counts`` (one count per day of the campaign, 0 for a day it stays home), or
    ``days`` and/or ``count`` (default: every day, the group's own count). A group that
    no schedule names flies every day as written in ``threats``.
    """

    group: str = Field(min_length=1, description="A threat group (threats[].name).")
    days: list[Day] | None = Field(
        None, min_length=1, description="Days it flies (1 = the first day); default every day.")
    count: int | None = Field(
        None, ge=1, le=100_000, description="Threats a night; default the group's count.")
    counts: list[NightCount] | None = Field(
        None, min_length=1, description="Threats on each day of the campaign (0 = none that "
        "day), as many as campaign.days; instead of days and count.")
    start_s: float | None = Field(
        None, ge=0.0, description="First launch after the start of each night's run (s); "
        "default the group's start_s.")

    @model_validator(mode="after")
    def _one_way_to_count(self) -> RaidSchedule:
        if self.counts is not None and (self.days is not None or self.count is not None):
            raise ValueError("give counts (one per day) or days and count, not both")
        if self.days is not None and len(set(self.days)) != len(self.days):
            raise ValueError(f"days must not repeat a day, got {self.days}")
        return self


class Resupply(CampaignModel):
    """Rounds of one interceptor type produced each day, and when they arrive.

    The rounds produced on day ``d`` (from ``first_day`` on) arrive before the raid of day
    ``d + delay_days``. A fractional rate delivers whole rounds: by the end of day ``d`` of
    production, ``floor(rounds_per_day x days produced)`` rounds have left the line, so
    0.5 a day is one round every second day. ``max_rounds`` caps what is produced over
    the whole campaign (a stockpile or a factory's output).
    """

    interceptor: str = Field(min_length=1, description="An interceptor type (interceptors[]"
                             ".name, or a catalog type a battery uses).")
    rounds_per_day: float = Field(ge=0.0, le=100_000.0)
    delay_days: int = Field(
        1, ge=0, le=MAX_DAYS, description="Days from production to delivery (0: the same "
        "day, before its raid).")
    first_day: int = Field(1, ge=1, le=MAX_DAYS, description="First day of production.")
    max_rounds: int | None = Field(
        None, ge=0, le=10_000_000, description="Production cap over the campaign (rounds).")


class BatteryLoss(CampaignModel):
    """A battery lost with a defended asset: from the morning after the asset's damage
    since day 1 reaches 1 (destroyed), the battery's rounds are gone and it is refilled no
    more (its radars, separate entries, keep reporting)."""

    battery: str = Field(min_length=1, description="A battery (batteries[].name).")
    asset: str = Field(min_length=1, description="A defended asset (defended_assets[].name).")


class Campaign(CampaignModel):
    """Days of nightly raids with magazines carried over and interceptors resupplied.

    Each day the depot first receives that day's deliveries, then issues rounds of each
    type to its batteries, the one with the largest shortfall from its full load first,
    never above a full load (launchers x missiles_per_launcher + reserve_missiles); what
    is left stays in the depot. Then the night's raid is simulated; the rounds a battery
    has left at the end (ready, reloading and in reserve) are its stock the next morning.
    """

    days: int = Field(ge=1, le=MAX_DAYS)
    raids: list[RaidSchedule] = Field(default_factory=list)
    resupply: list[Resupply] = Field(default_factory=list)
    depot_rounds: dict[str, Rounds] = Field(
        default_factory=dict, description="Rounds of each interceptor type held in the depot "
        "at the start of day 1, beyond the batteries' full loads.")
    battery_losses: list[BatteryLoss] = Field(
        default_factory=list, description="Batteries lost when an asset is destroyed.")

    @model_validator(mode="after")
    def _days_fit(self) -> Campaign:
        groups = [raid.group for raid in self.raids]
        for index, raid in enumerate(self.raids):
            if raid.group in groups[:index]:
                raise ValueError(f"raids[{index}].group: {raid.group!r} is scheduled twice; "
                                 "expected one schedule per group")
            if raid.counts is not None and len(raid.counts) != self.days:
                raise ValueError(f"raids[{index}].counts: expected {self.days} counts (one per "
                                 f"day), got {len(raid.counts)}")
            outside = [day for day in raid.days or [] if not 1 <= day <= self.days]
            if outside:
                raise ValueError(f"raids[{index}].days: expected days from 1 to {self.days}, "
                                 f"got {outside}")
        lost = [loss.battery for loss in self.battery_losses]
        for index, loss in enumerate(self.battery_losses):
            if loss.battery in lost[:index]:
                raise ValueError(f"battery_losses[{index}].battery: {loss.battery!r} is given "
                                 "twice; expected one asset per battery")
        types = [supply.interceptor for supply in self.resupply]
        for index, supply in enumerate(self.resupply):
            if supply.interceptor in types[:index]:
                raise ValueError(f"resupply[{index}].interceptor: {supply.interceptor!r} is "
                                 "given twice; expected one resupply per interceptor type")
        return self

    def count_on(self, group_name: str, default_count: int, day: int) -> int:
        """Threats of the group flying on ``day`` (1-based); 0 when it stays home."""
        for raid in self.raids:
            if raid.group == group_name:
                if raid.counts is not None:
                    return raid.counts[day - 1]
                if raid.days is not None and day not in raid.days:
                    return 0
                return raid.count if raid.count is not None else default_count
        return default_count

    def start_of(self, group_name: str, default_start_s: float) -> float:
        """The group's first launch time in each night's run (s)."""
        for raid in self.raids:
            if raid.group == group_name and raid.start_s is not None:
                return raid.start_s
        return default_start_s


def column_name(name: str) -> str:
    """``government-quarter`` -> ``government_quarter`` (letters, digits and ``_`` only):
    how a battery, asset or interceptor name becomes part of a result column."""
    return re.sub(r"[^0-9A-Za-z]", "_", name)


def _column_clashes(named: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Names (each with its field path) that would share one result column (``sam-home``
    and ``sam_home``): the second would overwrite the first in the campaign's tables."""
    first: dict[str, str] = {}
    problems = []
    for path, name in named:
        column = column_name(name)
        if column in first and first[column] != name:
            problems.append((path, f"{name!r} and {first[column]!r} name the same result "
                                   f"column {column!r}; rename one (names must differ in "
                                   "more than punctuation)"))
        first.setdefault(column, name)
    return problems


def result_column_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Names that would share a column of a Monte Carlo replication row
    (``survived_<asset>``, ``leakers_<asset>``, ``fired_<type>``, ``kills_<type>``, see
    :func:`iadsim.analysis.replication_metrics.summary_row`): defended assets, and the
    interceptor types the batteries fire. ``iadsim mc`` and ``sweep`` refuse them before
    anything runs; an inventory campaign at load, with its battery columns."""
    return (_column_clashes([(f"defended_assets[{index}].name", asset.name)
                             for index, asset in enumerate(scenario.defended_assets)])
            + _column_clashes([(f"batteries[{index}].interceptor", battery.interceptor)
                               for index, battery in enumerate(scenario.batteries)]))


def campaign_reference_problems(scenario: Scenario,
                                max_threats: int) -> list[tuple[str, str]]:
    """Problems of the campaign section that need the rest of the scenario: unknown group,
    interceptor, battery or asset names, a recorded group given a count, a type no battery
    fires, a day whose raid exceeds ``max_threats``. Empty without a campaign."""
    campaign = scenario.campaign
    if campaign is None:
        return []
    problems: list[tuple[str, str]] = []
    groups = {group.name: group for group in scenario.threats}
    fired = {battery.interceptor for battery in scenario.batteries}
    for index, raid in enumerate(campaign.raids):
        group = groups.get(raid.group)
        if group is None:
            known = ", ".join(repr(name) for name in groups) or "none declared in threats"
            problems.append((f"campaign.raids[{index}].group",
                             f"unknown threat group {raid.group!r}; expected one of: {known}"))
        elif group.recording is not None and (raid.count is not None or any(
                count > 1 for count in raid.counts or [])):
            problems.append((f"campaign.raids[{index}]", f"group {raid.group!r} replays a "
                             "recording (one threat per recorded aircraft): give days, or "
                             "counts of 0 and 1, not more"))

    def check_type(path: str, name: str) -> None:
        if name not in fired:
            known = ", ".join(repr(t) for t in sorted(fired)) or "none"
            problems.append((path, f"no battery fires interceptor {name!r}; expected one of: "
                                   f"{known}"))

    for index, supply in enumerate(campaign.resupply):
        check_type(f"campaign.resupply[{index}].interceptor", supply.interceptor)
    for name in campaign.depot_rounds:
        check_type(f"campaign.depot_rounds.{name}", name)
    batteries = [battery.name for battery in scenario.batteries]
    assets = [asset.name for asset in scenario.defended_assets]
    for index, loss in enumerate(campaign.battery_losses):
        for field, name, known in (("battery", loss.battery, batteries),
                                   ("asset", loss.asset, assets)):
            if name not in known:
                listed = ", ".join(repr(k) for k in known) or "none"
                problems.append((f"campaign.battery_losses[{index}].{field}",
                                 f"unknown {field} {name!r}; expected one of: {listed}"))
    problems += _column_clashes([(f"batteries[{index}].name", name)
                                 for index, name in enumerate(batteries)])
    problems += result_column_problems(scenario)
    if not problems:
        for day in range(1, campaign.days + 1):
            total = sum(campaign.count_on(group.name, group.count, day)
                        for group in scenario.threats)
            if total > max_threats:
                problems.append(("campaign.raids", f"day {day} has {total} threats; expected "
                                                   f"at most {max_threats}"))
                break
    return problems
