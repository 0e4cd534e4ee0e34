"""Loading a scenario: file or built-in name -> YAML -> catalog profiles -> validated model.

Every problem becomes ``(field_path, message)`` in one :class:`~iadsim.errors.ScenarioError`,
so the CLI prints one line per problem and exits with code 2.
"""

from __future__ import annotations

import re
import reprlib
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from iadsim.errors import ScenarioError
from iadsim.scenario import catalog
from iadsim.scenario.bounds import bound_problems
from iadsim.scenario.references import reference_problems
from iadsim.scenario.schema import Scenario
from iadsim.scenario.yaml_loader import ScenarioYamlLoader
from iadsim.threats.recording import RecordingError, read_recording

MAX_FILE_BYTES = 5 * 1024 * 1024
#: How much of a wrong value an error message shows. The repr is built to this size, not
#: cut after: YAML aliases nested a few levels deep make a value of 10^8 elements that
#: costs gigabytes to print whole.
_GIVEN = reprlib.Repr()
_GIVEN.maxlevel, _GIVEN.maxlist, _GIVEN.maxtuple, _GIVEN.maxdict = 3, 4, 4, 4
_GIVEN.maxstring, _GIVEN.maxother, _GIVEN.maxlong = 60, 60, 40


def builtin_names() -> list[str]:
    """Names of the built-in scenarios, sorted."""
    folder = resources.files("iadsim.scenario") / "builtin"
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def builtin_text(name: str) -> str:
    """The YAML text of one built-in scenario."""
    return (resources.files("iadsim.scenario") / "builtin" / f"{name}.yaml").read_text("utf-8")


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a built-in scenario by name, or a scenario file by path, and validate it.

    Raises
    ------
    ScenarioError
        With one ``(field_path, message)`` per problem found.
    """
    text, source = _read(name_or_path)
    try:
        document = yaml.load(text, Loader=ScenarioYamlLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScenarioError(source, [("", f"not valid YAML at {where}: {problem}")]) from None
    if isinstance(document, dict) and Path(name_or_path).is_file():
        folder = Path(name_or_path).resolve().parent
        document = _terrain_beside(_recordings_beside(document, folder), folder)
    elif isinstance(document, dict) and source.endswith("(built-in)"):
        # A built-in scenario's data files (valley-defense's DEM) ship beside it.
        folder = Path(str(resources.files("iadsim.scenario") / "builtin"))
        document = _terrain_beside(_recordings_beside(document, folder), folder)
    return scenario_from_dict(document, source=source)


def _recordings_beside(document: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The document with each threat group's relative ``recording`` path made relative
    to the scenario file's ``folder`` (a new document; the input is not changed)."""
    groups = document.get("threats")
    if not isinstance(groups, list):
        return document
    resolved = []
    for group in groups:
        recording = group.get("recording") if isinstance(group, dict) else None
        if isinstance(recording, str) and not Path(recording).is_absolute():
            group = {**group, "recording": str(folder / recording)}
        resolved.append(group)
    return {**document, "threats": resolved}


def _terrain_beside(document: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The document with a relative ``terrain.dem_file`` made relative to the scenario
    file's ``folder`` (a new document; the input is not changed)."""
    terrain = document.get("terrain")
    dem_file = terrain.get("dem_file") if isinstance(terrain, dict) else None
    if not isinstance(dem_file, str) or not dem_file or Path(dem_file).is_absolute():
        return document
    return {**document, "terrain": {**terrain, "dem_file": str(folder / dem_file)}}


def _read(name_or_path: str | Path) -> tuple[str, str]:
    path = Path(name_or_path)
    try:
        builtin = isinstance(name_or_path, str) and name_or_path in builtin_names()
        if builtin and not path.exists():
            return builtin_text(name_or_path), f"{name_or_path} (built-in)"
        if not path.is_file():
            known = ", ".join(builtin_names())
            raise ScenarioError(str(name_or_path), [
                ("", f"no such scenario file or built-in scenario; built-in names are: {known}")])
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(str(path), [
                ("", f"file is {size} bytes; expected at most {MAX_FILE_BYTES}")])
        return path.read_text(encoding="utf-8"), str(path)
    except UnicodeDecodeError:
        raise ScenarioError(str(path), [("", "expected UTF-8 text")]) from None
    except OSError as error:  # name too long, permission denied, ...
        raise ScenarioError(str(name_or_path), [
            ("", f"cannot read it ({error.strerror or error}); expected a readable "
                 "scenario file")]) from None


def scenario_from_dict(document: Any, source: str = "<scenario>") -> Scenario:
    """Validate a scenario given as a dictionary (the parsed YAML), resolving profiles."""
    if not isinstance(document, dict):
        raise ScenarioError(source, [("", f"expected a mapping of sections at the top level, "
                                          f"got {type(document).__name__}")])
    document, problems = _apply_profiles(document)
    if problems:
        raise ScenarioError(source, problems)
    try:
        scenario = Scenario.model_validate(document)
    except ValidationError as error:
        raise ScenarioError(source, _pydantic_problems(error)) from None
    check_scenario(scenario, source)
    return scenario


def check_scenario(scenario: Scenario, source: str = "<scenario>") -> None:
    """The checks that span sections (names, cross-references, recordings, bounds over
    several fields) of a scenario whose sections are each valid; run on a
    :class:`Scenario` built in Python too.

    Raises
    ------
    ScenarioError
        With one ``(field_path, message)`` per problem found.
    """
    problems = (reference_problems(scenario) + bound_problems(scenario)
                + _recording_problems(scenario) + _terrain_problems(scenario))
    if problems:
        raise ScenarioError(source, problems)


def _recording_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """One problem per threat group whose recording cannot be imported or is empty."""
    problems = []
    for index, group in enumerate(scenario.threats):
        if group.recording is None:
            continue
        try:
            recording = read_recording(group.recording, group.icao24)
        except RecordingError as error:
            problems.append((f"threats[{index}].recording", str(error)))
            continue
        if recording.size == 0:
            problems.append((f"threats[{index}].recording", f"{group.recording}: no aircraft "
                             f"left to fly (dropped rows: {recording.dropped})"))
    return problems


def _terrain_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """One problem when the scenario's DEM cannot be read (missing, not a GeoTIFF, not a
    latitude-longitude grid, rasterio absent)."""
    if scenario.terrain is None:
        return []
    from iadsim.world.terrain import TerrainError, scenario_terrain

    try:
        scenario_terrain(scenario)
    except TerrainError as error:
        return [("terrain.dem_file", str(error))]
    return []


def _apply_profiles(document: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Merge catalog profiles into entries that name one; add catalogued interceptors that
    batteries name but the scenario does not declare. Returns a new document."""
    resolved = dict(document)
    problems: list[tuple[str, str]] = []
    for section, catalog_section in catalog.SECTION_TO_CATALOG.items():
        entries = resolved.get(section)
        if not isinstance(entries, list):
            continue  # the schema reports it
        merged_entries = []
        for index, entry in enumerate(entries):
            if isinstance(entry, dict) and entry.get("profile") is not None:
                name = entry["profile"]
                found = catalog.profile(catalog_section, name) if isinstance(name, str) else None
                if found is None:
                    known = ", ".join(sorted(catalog.profiles(catalog_section)))
                    problems.append((f"{section}[{index}].profile",
                                     f"unknown profile {name!r}; expected one of: {known}"))
                    merged_entries.append(entry)
                    continue
                entry = _deep_merge(found, entry)
            merged_entries.append(entry)
        resolved[section] = merged_entries

    interceptors = resolved.get("interceptors", [])
    batteries = resolved.get("batteries", [])
    if not (isinstance(interceptors, list) and isinstance(batteries, list)):
        return resolved, problems  # the schema reports the wrong type
    declared = {e.get("name") for e in interceptors
                if isinstance(e, dict) and isinstance(e.get("name"), str)}
    added = []
    for battery in batteries:
        wanted = battery.get("interceptor") if isinstance(battery, dict) else None
        if isinstance(wanted, str) and wanted not in declared:
            found = catalog.profile("interceptors", wanted)
            if found is not None:
                added.append({"name": wanted, "profile": wanted, **found})
                declared.add(wanted)
    if added:
        resolved["interceptors"] = interceptors + added
    return resolved, problems


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


def _field_path(location: tuple[Any, ...]) -> str:
    """``sensors[0].max_range_km``; a key that is not a plain name is quoted and cut
    (``origin['\\n']``), so that the path stays on one line and short."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif isinstance(part, str) and _PLAIN_KEY.match(part) and len(part) <= 80:
            path += f".{part}" if path else part
        else:
            path += f"[{_GIVEN.repr(part)}]"
    return path


def _model_at(location: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class that holds the field at ``location`` (for 'expected' lists)."""
    model: Any = Scenario
    for part in location[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) else None
        if field is None:
            return None
        annotation = field.annotation
        for candidate in (annotation, *getattr(annotation, "__args__", ())):
            inner = getattr(candidate, "__args__", (candidate,))
            found = next((c for c in (candidate, *inner)
                          if isinstance(c, type) and issubclass(c, BaseModel)), None)
            if found is not None:
                model = found
                break
        else:
            return None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _pydantic_problems(error: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for item in error.errors(include_url=False):
        location = tuple(item["loc"])
        path = _field_path(location)
        if item["type"] == "extra_forbidden":
            model = _model_at(location)
            allowed = ", ".join(model.model_fields) if model else "see the schema"
            message = f"unknown field; expected one of: {allowed}"
        elif item["type"] == "missing":
            message = "required field is missing"
        else:
            message = item["msg"]
            if message.startswith("Value error, "):
                message = message[len("Value error, "):]
            if item["type"] not in ("value_error", "assertion_error") and "input" in item:
                given = _GIVEN.repr(item["input"])
                message += f" (got {given[:60]})"
        problems.append((path, message))
    return problems
