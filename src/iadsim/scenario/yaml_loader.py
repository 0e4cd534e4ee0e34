"""The YAML loader for scenario files and the catalog: safe, and strict where YAML 1.1
surprises people."""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any

import yaml


class ScenarioYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's when PyYAML was built with it: several times faster),
    made strict where YAML 1.1 is surprising for a scenario file:

    - a key given twice in one mapping is an error (PyYAML silently keeps the last one);
    - ``5.0e4``, ``1e-6`` and ``2E3`` are numbers (YAML 1.1 reads exponents without a dot
      and a sign as strings; YAML 1.2 reads them as floats).

    It constructs only plain YAML types, never Python objects.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # the base class reports unhashable keys
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (each key may appear once)",
                    key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


ScenarioYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def load_yaml(text: str) -> Any:
    """Parse YAML text with :class:`ScenarioYamlLoader`."""
    return yaml.load(text, Loader=ScenarioYamlLoader)
