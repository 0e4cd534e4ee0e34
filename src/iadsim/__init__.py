"""iadsim: an open simulator of integrated, layered air and missile defense networks.

Threats fly, radars detect them, a central tracker builds one picture, a battle manager
assigns batteries, interceptors fly out and kill or miss, and the analysis says who
leaked, what was shot and what it cost. Every shipped system profile is notional.

>>> import iadsim
>>> run = iadsim.run("layered-defense", seed=1)   # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from iadsim import kernel_cache
from iadsim.errors import IadsimError, OutputError, ScenarioError
from iadsim.scenario import Scenario, builtin_names, load_scenario

if TYPE_CHECKING:
    from iadsim.analysis.inventory_campaign import InventoryResult, campaign
    from iadsim.analysis.monte_carlo import CampaignResult, monte_carlo
    from iadsim.api import RunResult, compare_faults, run
    from iadsim.sensors.coverage import coverage

kernel_cache.configure()  # before any module imports Numba

__version__ = "0.1.0"
__all__ = ["CampaignResult", "IadsimError", "InventoryResult", "OutputError", "RunResult",
           "Scenario", "ScenarioError", "builtin_names", "campaign", "compare_faults",
           "coverage", "load_scenario", "monte_carlo", "run"]


def __getattr__(name: str) -> Any:
    """Import the simulation (SciPy, pandas) on first use of ``run`` or ``RunResult``, so
    that ``iadsim scenarios`` and ``iadsim validate`` start in a fraction of a second."""
    if name in ("run", "RunResult", "compare_faults"):
        from iadsim import api

        return getattr(api, name)
    if name == "coverage":
        from iadsim.sensors.coverage import coverage

        return coverage
    if name in ("monte_carlo", "CampaignResult"):
        from iadsim.analysis import monte_carlo

        return getattr(monte_carlo, name)
    if name in ("campaign", "InventoryResult"):
        from iadsim.analysis import inventory_campaign

        return getattr(inventory_campaign, name)
    raise AttributeError(f"module 'iadsim' has no attribute {name!r}")
