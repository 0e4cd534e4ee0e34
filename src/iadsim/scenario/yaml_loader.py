"""The YAML loader for scenario files and the catalog: safe, and strict where YAML 1.1
surprises people."""

from __future__ import annotations

import re
import reprlib
from collections.abc import Hashable
from typing import Any

import yaml

#: What PyYAML's safe constructors raise, besides ``YAMLError``, when an explicit tag does
#: not fit its value: ``!!int "abc"`` (ValueError), ``!!int ""`` (IndexError),
#: ``!!bool maybe`` (KeyError), ``!!timestamp ""`` (AttributeError), ``!!timestamp
#: 2001-13-45`` (ValueError), ``!!set [1, 2]`` (TypeError). Found by the property-based
#: tests of issue 22 (tests/robustness/test_mutated_documents.py); each is turned into a
#: ``ConstructorError`` naming the line and column, so the loader reports it in one line.
CONSTRUCTOR_FAILURES = (ValueError, TypeError, KeyError, AttributeError, IndexError,
                        OverflowError)


#: The tag of a merge key (``<<``).
MERGE_TAG = "tag:yaml.org,2002:merge"
_REPR = reprlib.Repr()
_REPR.maxstring, _REPR.maxother = 40, 40


def _short(value: object) -> str:
    """A node's value for a one-line message (cut, no newline)."""
    return " ".join(_REPR.repr(value).split())


def _reason(error: Exception) -> str:
    """An exception's message on one line, at most 80 characters."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 80 else text[:77] + "..."


class ScenarioYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's when PyYAML was built with it: several times faster),
    made strict where YAML 1.1 is surprising for a scenario file:

    - a key given twice in one mapping is an error (PyYAML silently keeps the last one);
      a key merged in (``<<: *anchor``) and given again beside the merge is an override,
      as YAML says, not a duplicate;
    - ``5.0e4``, ``1e-6`` and ``2E3`` are numbers (YAML 1.1 reads exponents without a dot
      and a sign as strings; YAML 1.2 reads them as floats);
    - a tagged value the tag does not fit (``!!int "abc"``) is a YAML error at its line
      and column, not a Python exception from inside PyYAML.

    It constructs only plain YAML types, never Python objects.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except CONSTRUCTOR_FAILURES as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {_short(node.value)} as "
                f"{node.tag.replace('tag:yaml.org,2002:', '!!')} ({_reason(error)})",
                node.start_mark) from None

    def construct_document(self, node: yaml.Node) -> Any:
        # Collections are filled by generators run here, after construct_object returned.
        try:
            return super().construct_document(node)
        except CONSTRUCTOR_FAILURES as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read a tagged collection ({_reason(error)})",
                node.start_mark) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        if not isinstance(node, yaml.MappingNode):  # e.g. !!set [1, 2]: the base says so
            return super().construct_mapping(node, deep=deep)
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                # ``<<: *anchor``: the base class merges it (flatten_mapping), and the
                # keys given beside it override the merged ones, as YAML says. It has no
                # constructor of its own: constructing it failed, so merge keys were
                # refused until the property tests of issue 22 found it.
                continue
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
