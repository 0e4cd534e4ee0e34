"""The catalog of notional system profiles that scenario entries can start from.

A profile is a partial entry (no name, no site); ``profile: <name>`` in a scenario entry
copies its fields, and the entry's own fields win. Every profile is notional and names
its public source in ``source``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from iadsim.scenario.yaml_loader import load_yaml

#: Scenario section -> catalog section it draws profiles from.
SECTION_TO_CATALOG = {
    "sensors": "radars",
    "interceptors": "interceptors",
    "batteries": "batteries",
    "threats": "threats",
}


@cache
def _load() -> dict[str, dict[str, dict[str, Any]]]:
    catalog: dict[str, dict[str, dict[str, Any]]] = {
        name: {} for name in SECTION_TO_CATALOG.values()}
    folder = resources.files("iadsim.scenario") / "catalog"
    for entry in sorted(folder.iterdir(), key=lambda path: path.name):
        if not entry.name.endswith(".yaml"):
            continue
        document = load_yaml(entry.read_text(encoding="utf-8")) or {}
        for section, profiles in document.items():
            catalog[section].update(profiles)
    return catalog


def profiles(catalog_section: str) -> dict[str, dict[str, Any]]:
    """All profiles of one catalog section (``radars``, ``interceptors``, ...), by name.

    Returns copies, so callers may change them freely.
    """
    return {name: dict(fields) for name, fields in _load()[catalog_section].items()}


def profile(catalog_section: str, name: str) -> dict[str, Any] | None:
    """One profile's fields (a copy), or None when there is no such profile."""
    found = _load()[catalog_section].get(name)
    return None if found is None else dict(found)
