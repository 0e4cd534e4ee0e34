"""Options shared by the campaign commands (``mc``, ``sweep``, ``trial``, ``campaign``).

In a module of their own so that the commands registered from other modules
(:mod:`iadsim.interfaces.campaign_command`) declare them once with :mod:`iadsim.interfaces.cli`
without importing it at load time (it imports them).
"""

from __future__ import annotations

from typing import Annotated

import typer

WorkersOption = Annotated[int | None, typer.Option(
    min=1, help="Local worker processes (default: the CPU count).")]
SchedulerOption = Annotated[str | None, typer.Option(
    help="Run on an existing Dask cluster, tcp://HOST:PORT.")]
ScenarioArgument = Annotated[str, typer.Argument(help="A built-in name or a scenario file.")]
MaxEventsOption = Annotated[int | None, typer.Option(
    min=1, help="Refuse the campaign when a replication's run (a night's, in an inventory "
                "campaign) is estimated to log more events (default 20,000,000, as iadsim "
                "run; see docs: run budget).")]
