"""A run folder read back: the scenario, the event log without its detections, the threats,
the truth and the summary, for plots and reports.

A run folder is what :meth:`iadsim.api.RunResult.write` leaves: ``events.parquet``,
``threats.parquet``, ``summary.json``, ``scenario.json`` and, when tracks were recorded,
``truth.parquet`` and ``tracks.parquet``. A folder written before ``scenario.json`` existed
is read with the built-in scenario of the same name, when there is one.

Every problem (no such folder, a missing, truncated or corrupted file) raises
:class:`RunDirectoryError`, whose message is one line naming the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from iadsim.analysis.summary import threat_fates
from iadsim.errors import IadsimError, ScenarioError
from iadsim.scenario.schema import Scenario

#: Event kinds left out when a run is read for pictures: a large raid logs tens of millions
#: of detections, and the summary already holds each threat's first detection.
SKIPPED_KINDS = ("detection", "false_alarm")
EVENT_COLUMNS = ("time_s", "kind", "threat_id", "track_id", "interceptor_id", "sensor",
                 "battery", "asset", "value", "east_m", "north_m", "up_m")
THREAT_COLUMNS = ("threat_id", "group", "kind", "target", "launch_time_s")
TRUTH_COLUMNS = ("time_s", "threat_id", "east_m", "north_m", "up_m")
INTERCEPTOR_COLUMNS = ("time_s", "interceptor_id", "east_m", "north_m", "up_m")


class RunDirectoryError(IadsimError, ValueError):
    """A run folder, or one of its files, that cannot be read (one line, naming the file)."""


@dataclass(frozen=True, slots=True)
class StoredRun:
    """One run read back from its folder.

    ``events`` holds every event but detections and false alarms, in time order;
    ``threats`` has one row per threat with its ``fate`` (killed, leaked, withdrew,
    completed_route, in_flight, not_launched); ``truth`` is one row per threat and
    recorded time (``time_s``, ``threat_id``, ``east_m``, ``north_m``, ``up_m``; scenario
    ENU, m), empty when the run kept no tracks; ``interceptors`` the same for every round
    in flight (``interceptor_id`` instead of ``threat_id``), from ``interceptors.parquet``
    (recorded with the tracks; empty for older folders). ``cache`` keeps what several plots derive
    from the same run (the thinned threat paths), so a report derives it once.
    """

    folder: Path
    scenario: Scenario
    summary: dict[str, Any]
    events: pd.DataFrame
    threats: pd.DataFrame
    truth: pd.DataFrame
    interceptors: pd.DataFrame
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def read_run(folder: str | Path) -> StoredRun:
    """Read a run folder for plots and reports.

    Raises
    ------
    RunDirectoryError
        When the folder or one of its files is missing, truncated or corrupted.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise RunDirectoryError(f"{folder}: no such run folder; expected the --out folder of "
                                "'iadsim run' (events.parquet, threats.parquet, summary.json)")
    summary = _read_summary(folder / "summary.json")
    scenario = _read_scenario(folder / "scenario.json", summary)
    events = _read_parquet(folder / "events.parquet", EVENT_COLUMNS,
                           filters=[("kind", "not in", list(SKIPPED_KINDS))])
    threats = _read_parquet(folder / "threats.parquet", THREAT_COLUMNS)
    truth_path = folder / "truth.parquet"
    truth = (_read_parquet(truth_path, TRUTH_COLUMNS) if truth_path.exists()
             else pd.DataFrame({name: pd.Series(dtype=float) for name in TRUTH_COLUMNS}))
    interceptors_path = folder / "interceptors.parquet"
    interceptors = (_read_parquet(interceptors_path, INTERCEPTOR_COLUMNS)
                    if interceptors_path.exists()
                    else pd.DataFrame({name: pd.Series(dtype=float)
                                       for name in INTERCEPTOR_COLUMNS}))
    threats = threats.assign(fate=threat_fates(events, threats).to_numpy())
    return StoredRun(folder, scenario, summary, events, threats, truth, interceptors)


def _read_summary(path: Path) -> dict[str, Any]:
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunDirectoryError(f"{path}: missing; expected the summary 'iadsim run' "
                                "writes") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RunDirectoryError(f"{path}: unreadable or not JSON ({_reason(error)})") from None
    if not isinstance(summary, dict) or "scenario" not in summary:
        raise RunDirectoryError(f"{path}: not a run summary; expected an object with "
                                "'scenario', 'seed', 'threats', 'interceptors'")
    return summary


def _read_scenario(path: Path, summary: dict[str, Any]) -> Scenario:
    """The run's scenario: ``scenario.json``, else the built-in of the summary's name."""
    from iadsim.scenario.loader import builtin_names, load_scenario

    if path.exists():
        try:
            return Scenario.model_validate_json(path.read_bytes())
        except (OSError, ValueError) as error:
            first = str(error).splitlines()[0]
            raise RunDirectoryError(f"{path}: not a valid scenario ({first})") from None
    name = summary["scenario"]
    if name in builtin_names():
        try:
            return load_scenario(name)
        except ScenarioError as error:  # pragma: no cover - built-ins are valid
            raise RunDirectoryError(str(error)) from None
    raise RunDirectoryError(f"{path}: missing, and {name!r} is no built-in scenario; run the "
                            "scenario again with this version of iadsim to write it")


def _read_parquet(path: Path, columns: tuple[str, ...],
                  filters: list[tuple[str, str, Any]] | None = None) -> pd.DataFrame:
    """Read the named columns of a Parquet file, or raise one line naming it."""
    if not path.exists():
        raise RunDirectoryError(f"{path}: missing; expected the file 'iadsim run' writes")
    try:
        frame = pd.read_parquet(path, columns=list(columns), filters=filters)
    except Exception as error:  # pyarrow raises several types for a damaged file
        raise RunDirectoryError(f"{path}: corrupted or truncated Parquet file "
                                f"({_reason(error)})") from None
    return frame.reset_index(drop=True)


def _reason(error: BaseException) -> str:
    """The first line of an error's message, short enough for a one-line report."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."
