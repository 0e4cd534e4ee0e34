"""Issue 22, property-based: mutated scenario documents are either valid or refused with
one line per problem (file, field path, what was expected), quickly, never a traceback.

The default suite tries a few hundred documents; ``-m slow`` tries ten thousand.
Documents are validated, not run: the run budget (:mod:`iadsim.engine.run_cost`) and the
bounds keep a valid document's run bounded, and the reproducers of the issue run."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iadsim.engine.run_cost import estimate, over_budget
from iadsim.errors import ScenarioError
from iadsim.scenario.loader import scenario_from_dict
from iadsim.scenario.yaml_loader import load_yaml
from small_site_builder import SMALL_SITE

EXTREME_NUMBERS = st.sampled_from([0, -1, 1e-300, 1e300, 1e308, -1e308, float("inf"),
                                   float("-inf"), float("nan"), 2**63, -(2**63), 2**64])
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | EXTREME_NUMBERS
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in the document (keys and list indices)."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(SMALL_SITE)


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """The small site with one to three values replaced, deleted, or scaled absurdly."""
    document = copy.deepcopy(SMALL_SITE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent = document
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(["replace", "delete", "scale"]))
            if action == "delete" and isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif action == "scale" and isinstance(parent[path[-1]], int | float):
                parent[path[-1]] = parent[path[-1]] * draw(st.sampled_from(
                    [1e6, 1e12, -1.0, 0.0, 1e-9]))
            else:
                parent[path[-1]] = draw(VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or retyped the parent
    return document


def check_document(document: Any) -> None:
    """Valid (and its run within budget, or refused by it in one line), or refused in
    lines of one line each, within a second."""
    started = time.perf_counter()
    try:
        scenario = scenario_from_dict(document)
    except ScenarioError as error:
        lines = error.lines()
        assert lines and all("\n" not in line and len(line) < 2_000 for line in lines)
    else:
        refusal = over_budget(estimate(scenario))
        assert refusal is None or "\n" not in refusal
    assert time.perf_counter() - started < 5.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_documents_are_valid_or_refused_in_one_line_each(document):
    check_document(document)


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_ten_thousand_mutated_documents(document):
    check_document(document)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["&a [1, 2]", "!!python/object:os.system 'true'", "<<: *m",
                        "!!binary aGVsbG8=", "{? [a]: b}", "\u202e\u0000", "*undefined",
                        "!!set {a, b}", "&x [*x]"]),
       st.sampled_from(["name", "sim", "sensors", "origin"]))
def test_yaml_tags_anchors_and_merge_keys_are_refused_or_read_safely(text, key):
    source = yaml.safe_dump(SMALL_SITE)
    mutated_text = source.replace(f"\n{key}:", f"\n{key}: {text}\n{key}_was:", 1)
    try:
        document = load_yaml(mutated_text)
    except yaml.YAMLError:
        return  # the loader reports it as "not valid YAML at line L, column C"
    check_document(document)
