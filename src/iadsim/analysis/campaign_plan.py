"""The plan of an inventory campaign: each night's raid, the deliveries, the depot's issues.

Plain functions over a validated scenario with a ``campaign:`` section
(:mod:`iadsim.scenario.campaign_schema`), none of which simulates anything, so each can be
checked by hand:

- :func:`night_scenario`: the one-night scenario of a day (scheduled groups, counts and
  start times);
- :func:`deliveries`: rounds of each interceptor type arriving before each day's raid;
- :func:`issue_rounds`: the depot refilling the batteries of one type each morning.
"""

from __future__ import annotations

import math

import numpy as np

from iadsim.scenario.schema import Scenario


def campaign_types(scenario: Scenario) -> list[str]:
    """Interceptor types fired by at least one battery, in the order of ``interceptors``."""
    fired = {battery.interceptor for battery in scenario.batteries}
    return [interceptor.name for interceptor in scenario.interceptors
            if interceptor.name in fired]


def full_loads(scenario: Scenario) -> np.ndarray:
    """Each battery's full load (rounds): ``launchers x missiles_per_launcher +
    reserve_missiles``. Shape ``(n_batteries,)``, int."""
    return np.array([b.launchers * b.missiles_per_launcher + b.reserve_missiles
                     for b in scenario.batteries], dtype=int)


def night_scenario(scenario: Scenario, day: int) -> Scenario | None:
    """The scenario of one night of the campaign, or None when no threat flies that day.

    Each threat group flies with its count and start time for ``day`` (1-based; groups
    with no threat that day are left out); the campaign section is dropped, and so is
    track recording (the campaign reads magazines and leakers, not track quality).
    """
    campaign = scenario.campaign
    if campaign is None:
        raise ValueError(f"scenario {scenario.name!r} has no campaign: section")
    if not 1 <= day <= campaign.days:
        raise ValueError(f"day must be from 1 to {campaign.days}, got {day}")
    groups = []
    for group in scenario.threats:
        count = campaign.count_on(group.name, group.count, day)
        if count == 0:
            continue
        changes = {"start_s": campaign.start_of(group.name, group.start_s)}
        if group.recording is None:
            changes["count"] = count
        groups.append({**group.model_dump(), **changes})
    if not groups:
        return None
    document = scenario.model_dump()
    document.update(threats=groups, campaign=None,
                    sim={**document["sim"], "record_tracks": False})
    return Scenario.model_validate(document)


def deliveries(scenario: Scenario) -> np.ndarray:
    """Rounds arriving before each day's raid, per interceptor type.

    Returns an int array of shape ``(days, n_types)``, columns in the order of
    :func:`campaign_types`: ``[d - 1, t]`` is what type ``t`` receives on the morning of
    day ``d``. A resupply of rate ``r`` from ``first_day`` ``f`` has produced
    ``min(max_rounds, floor(r x j))`` rounds by the end of its ``j``-th day of production
    (day ``f + j - 1``); each day's batch arrives ``delay_days`` later, and batches that
    would arrive after the last day are not counted.
    """
    campaign = scenario.campaign
    if campaign is None:
        raise ValueError(f"scenario {scenario.name!r} has no campaign: section")
    types = campaign_types(scenario)
    arriving = np.zeros((campaign.days, len(types)), dtype=int)
    for supply in campaign.resupply:
        column = types.index(supply.interceptor)
        cap = supply.max_rounds if supply.max_rounds is not None else math.inf
        produced_before = 0
        for day in range(supply.first_day, campaign.days + 1):
            produced_days = day - supply.first_day + 1
            # The small allowance keeps e.g. 0.3 x 10 at 3 despite binary round-off.
            produced = int(min(cap, math.floor(supply.rounds_per_day * produced_days + 1e-9)))
            batch, produced_before = produced - produced_before, produced
            arrival = day + supply.delay_days
            if arrival <= campaign.days:
                arriving[arrival - 1, column] += batch
    return arriving


def issue_rounds(stock: np.ndarray, full_load: np.ndarray, depot: int) -> tuple[np.ndarray, int]:
    """The depot refills batteries of one type: one round at a time to the battery with the
    largest shortfall from its full load (the first in order on a tie), never above it.

    Parameters
    ----------
    stock, full_load:
        Rounds held and full load of each battery of the type, shape ``(n,)``, int.
    depot:
        Rounds in the depot.

    Returns
    -------
    (numpy.ndarray, int)
        The new stock (a new array; ``stock`` is not changed) and the rounds left in the
        depot.
    """
    stock = np.array(stock, dtype=int)
    full_load = np.asarray(full_load, dtype=int)
    if depot < 0:
        raise ValueError(f"depot must be >= 0, got {depot}")
    while depot > 0:
        shortfall = full_load - stock
        if shortfall.size == 0 or shortfall.max() <= 0:
            break
        neediest = int(np.argmax(shortfall))  # the first of equals
        # Its rounds up to the next one's shortfall, at once: one at a time would give
        # them all to it before the tie goes to the first in order.
        lead = int(shortfall[neediest] - np.delete(shortfall, neediest).max(initial=0))
        given = min(depot, max(1, lead))
        stock[neediest] += given
        depot -= given
    return stock, depot
