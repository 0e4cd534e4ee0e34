"""iadsim: an open simulator of integrated, layered air and missile defense networks.

Threats fly, radars detect them, a central tracker builds one picture, a battle manager
assigns batteries, interceptors fly out and kill or miss, and the analysis says who
leaked, what was shot and what it cost. Every shipped system profile is notional.

>>> import iadsim
>>> run = iadsim.run("layered-defense", seed=1)   # doctest: +SKIP
"""

from iadsim.api import RunResult, run
from iadsim.errors import IadsimError, ScenarioError
from iadsim.scenario import Scenario, builtin_names, load_scenario

__version__ = "0.1.0"
__all__ = ["IadsimError", "RunResult", "Scenario", "ScenarioError", "builtin_names",
           "load_scenario", "run"]
