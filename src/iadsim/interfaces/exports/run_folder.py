"""A run folder read back for export: the scenario, the event log and the recordings.

``iadsim run --out DIR`` writes ``events.parquet``, ``threats.parquet``,
``summary.json``, ``scenario.json`` and the recordings (``tracks``, ``truth``,
``interceptors``). Bad input (no such folder, a missing or truncated file, a column
missing) raises :class:`ExportError` with one line that names the file; the CLI prints it
and exits with code 2.

Every output is written under a temporary name beside its destination and renamed into
place (:func:`write_atomically`), so a failed export leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from iadsim.errors import IadsimError, ScenarioError
from iadsim.scenario.schema import Scenario
from iadsim.world.geodesy import LocalFrame

#: Columns an export needs from each file (the others are carried along when present).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "events.parquet": ("time_s", "kind", "threat_id", "track_id", "interceptor_id",
                       "battery", "sensor", "asset", "value", "east_m", "north_m", "up_m"),
    "threats.parquet": ("threat_id", "group", "kind", "target", "launch_time_s",
                        "flight_time_s"),
}
#: Recordings, optional: empty when the run did not record them.
OPTIONAL_TABLES = ("tracks.parquet", "truth.parquet", "interceptors.parquet")


class ExportError(IadsimError, ValueError):
    """A run folder, an output path or an option an export cannot use (one line)."""


@dataclass(frozen=True)
class RunFolder:
    """What an export reads from a run folder.

    ``interceptors`` is empty for a run that did not record tracks (the paths are then
    drawn from launch to end only, see :mod:`.paths`).
    """

    folder: Path
    scenario: Scenario
    summary: dict[str, Any]
    events: pd.DataFrame
    threats: pd.DataFrame
    tracks: pd.DataFrame
    truth: pd.DataFrame
    interceptors: pd.DataFrame

    @property
    def frame(self) -> LocalFrame:
        """The scenario's ENU frame (origin on the ellipsoid, as the simulation uses)."""
        return LocalFrame(self.scenario.origin.lat_deg, self.scenario.origin.lon_deg, 0.0)

    @property
    def ended_s(self) -> float:
        """When the run ended (s since scenario start)."""
        ended = self.summary.get("sim", {}).get("ended_s")
        if ended is not None:
            return float(ended)
        return float(self.events["time_s"].max()) if len(self.events) else 0.0


def read_run_folder(folder: str | Path, scenario: str | Path | None = None) -> RunFolder:
    """Read a run folder written by ``iadsim run --out``.

    Parameters
    ----------
    folder:
        The run folder.
    scenario:
        The run's scenario (a file or a built-in name) for a folder written before runs
        stored ``scenario.json``; by default the folder's own ``scenario.json``.

    Raises
    ------
    ExportError
        One line naming the file and what is wrong with it.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ExportError(f"{folder}: no such run folder (expected the --out folder of "
                          "'iadsim run')")
    events = _read_table(folder / "events.parquet")
    threats = _read_table(folder / "threats.parquet")
    summary = _read_json(folder / "summary.json")
    model = _read_scenario(folder, scenario)
    optional = {}
    for name in OPTIONAL_TABLES:
        path = folder / name
        optional[name.removesuffix(".parquet")] = (_read_table(path) if path.exists()
                                                   else pd.DataFrame())
    _check_ids(folder, events, threats, model)
    return RunFolder(folder, model, summary, events, threats, **optional)


def _read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ExportError(f"{path}: missing from the run folder")
    try:
        frame = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises several types for a damaged file
        detail = " ".join(str(error).split())[:160]
        raise ExportError(f"{path}: not a readable Parquet file (truncated or corrupted?): "
                          f"{detail}") from None
    missing = [c for c in REQUIRED_COLUMNS.get(path.name, ()) if c not in frame.columns]
    if missing:
        raise ExportError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ExportError(f"{path}: missing from the run folder")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ExportError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(document, dict):
        raise ExportError(f"{path}: expected a JSON object")
    return document


def _read_scenario(folder: Path, scenario: str | Path | None) -> Scenario:
    from iadsim.scenario.loader import load_scenario, scenario_from_dict

    try:
        if scenario is not None:
            return load_scenario(scenario)
        path = folder / "scenario.json"
        if not path.is_file():
            raise ExportError(f"{path}: missing (runs written before exports landed do not "
                              "store their scenario); pass --scenario FILE_OR_NAME")
        return scenario_from_dict(_read_json(path), source=str(path))
    except ScenarioError as error:
        raise ExportError(str(error)) from None


def _check_ids(folder: Path, events: pd.DataFrame, threats: pd.DataFrame,
               scenario: Scenario) -> None:
    """The log, the threat table and the scenario must describe the same run."""
    expected = sum(group.count for group in scenario.threats)
    if len(threats) != expected:
        raise ExportError(f"{folder / 'threats.parquet'}: {len(threats)} threats, but the "
                          f"scenario {scenario.name!r} has {expected}; is it this run's "
                          "scenario?")
    ids = events["threat_id"].to_numpy()
    if len(ids) and (ids.max() >= expected or ids.min() < -1):
        raise ExportError(f"{folder / 'events.parquet'}: threat_id out of range "
                          f"(-1..{expected - 1})")


def write_atomically(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary)`` for a temporary file beside ``path``, then rename it to
    ``path``. On any failure the temporary file is removed and ``path`` is untouched.

    Raises
    ------
    ExportError
        When the folder of ``path`` does not exist or cannot be written.
    """
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise ExportError(f"{path}: is a folder; expected a file path")
    if not folder.is_dir():
        raise ExportError(f"{path}: the folder {folder} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as error:
        raise ExportError(f"{path}: cannot write there: {error.strerror or error}") from None
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        raise ExportError(f"{path}: cannot write there: {error.strerror or error}") from None
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path
