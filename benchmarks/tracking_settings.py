"""The options shared by the tracking benchmarks (``false_tracks.py``, ``track_picture.py``):
``--scenarios``, ``--seed`` and ``--tracking NAME=VALUE ...``, the scenarios with their
``tracking`` section changed, and the commit a JSON line was measured at.

A bad option (a ``--tracking`` item without ``=``, a value or name the ``tracking``
section refuses, an unknown scenario) is one line on stderr naming it, with exit code 2,
before anything is measured.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from iadsim.errors import ScenarioError
from iadsim.scenario.loader import load_scenario, scenario_from_dict
from iadsim.scenario.schema import Scenario


def commit() -> str:
    """The source tree's commit, so that a line can be traced."""
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True,
                              cwd=Path(__file__).resolve().parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def setting_value(text: str) -> int | float | bool | str:
    """A ``--tracking`` value: an integer, a number, true/false, else the text itself
    (e.g. ``motion_model=imm``, ``confirmation=score``)."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def add_options(parser: argparse.ArgumentParser, example: str) -> None:
    """Add ``--scenarios``, ``--seed`` and ``--tracking`` (``example``: a NAME=VALUE)."""
    parser.add_argument("--scenarios", nargs="+", default=["layered-defense", "saturation"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tracking", nargs="*", default=[], metavar="NAME=VALUE",
                        help=f"override tracking settings, e.g. {example}")


def tracking_changes(items: list[str]) -> dict[str, Any]:
    """``["motion_model=imm"]`` -> ``{"motion_model": "imm"}``.

    Raises
    ------
    ValueError
        Naming the item without ``=``.
    """
    changes = {}
    for item in items:
        name, separator, value = item.partition("=")
        if not separator or not name.strip():
            raise ValueError(f"--tracking {item}: expected NAME=VALUE, e.g. motion_model=imm")
        changes[name.strip()] = setting_value(value.strip())
    return changes


def with_tracking(name: str, tracking: dict[str, Any]) -> Scenario:
    """The built-in scenario ``name``, its ``tracking`` section changed by ``tracking`` and
    validated in full.

    Raises
    ------
    ScenarioError
        Naming the ``--tracking`` options and the field (``tracking.motion_model``).
    """
    scenario = load_scenario(name)
    if not tracking:
        return scenario
    document = scenario.model_dump()
    document["tracking"] = {**document["tracking"], **tracking}
    given = " ".join(f"{key}={value}" for key, value in tracking.items())
    return scenario_from_dict(document, source=f"{name} with --tracking {given}")


def parse(parser: argparse.ArgumentParser) -> tuple[argparse.Namespace, dict[str, Any],
                                                    dict[str, Scenario]]:
    """Parse the command line: the arguments, the tracking changes and each scenario with
    them. A bad option prints one line (``error: ...``) and exits with code 2."""
    arguments = parser.parse_args()
    try:
        tracking = tracking_changes(arguments.tracking)
        scenarios = {name: with_tracking(name, tracking) for name in arguments.scenarios}
    except (ScenarioError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    return arguments, tracking, scenarios


def tracker_timer() -> list[float]:
    """Wrap the tracker's stage methods with a thread-time counter; returns the counter
    (one float, in a list)."""
    from iadsim.tracking.tracker import CentralTracker

    spent = [0.0]
    for name in ("process_scans", "drop"):
        method = getattr(CentralTracker, name)

        def timed(*args: Any, _method: Any = method, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return _method(*args, **kwargs)
            finally:
                spent[0] += time.thread_time() - start

        setattr(CentralTracker, name, timed)
    return spent
