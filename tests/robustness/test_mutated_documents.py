"""Issue 22, property-based: mutated scenario documents are either valid or refused with
one line per problem (file, field path, what was expected), quickly, never a traceback.

The default suite tries a few hundred documents of each kind; ``-m slow`` tries ten
thousand mutated dictionaries and two thousand YAML texts. Kinds:

- the small site as a dictionary with values replaced (extreme and non-finite numbers,
  wrong types, unicode text and keys, structures nested up to 3,000 levels deep), fields
  deleted, numbers scaled absurdly;
- the small site written as YAML text with anchors on mappings, aliases, merge keys
  (``<<: *a``, also with a list of anchors, and overriding fields), explicit tags that fit
  their value or not (``!!int "abc"``, ``!!timestamp ""``, ``!!set``, ``!!binary``,
  ``!!python/...``, local tags), unicode escaped or raw, and unicode names (other
  scripts, right-to-left marks, zero-width and control characters: names are ASCII);
- a few hand-written snippets in place of a top-level key.

Documents are validated, not run: the run budget (:mod:`iadsim.engine.run_cost`) and the
bounds keep a valid document's run bounded, and the reproducers of the issue run. Valid
documents with a unicode description are also run and written (a few)."""

from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iadsim.engine.run_cost import estimate, over_budget
from iadsim.errors import ScenarioError
from iadsim.scenario.loader import load_scenario, scenario_from_dict
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


def nested(depth: int, kind: str, leaf: Any) -> Any:
    """``leaf`` inside ``depth`` lists (``[[[leaf]]]``) or one-key mappings (built
    without recursion, so any depth)."""
    value = leaf
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """The small site with one to three values replaced, deleted, scaled absurdly, or
    buried deep in nested lists or mappings."""
    document = copy.deepcopy(SMALL_SITE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent = document
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(["replace", "delete", "scale", "nest"]))
            if action == "delete" and isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif action == "scale" and isinstance(parent[path[-1]], int | float):
                parent[path[-1]] = parent[path[-1]] * draw(st.sampled_from(
                    [1e6, 1e12, -1.0, 0.0, 1e-9]))
            elif action == "nest":
                parent[path[-1]] = nested(draw(st.sampled_from([1, 2, 10, 100, 1_000, 3_000])),
                                          draw(st.sampled_from(["list", "map"])),
                                          parent[path[-1]])
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


# --- YAML text: anchors, aliases, merge keys, tags, unicode --------------------------------

#: Explicit tags put on scalars: some fit any value, some fit few, some are refused.
TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!binary", "!!timestamp",
        "!!python/object/apply:os.system", "!!python/name:os.system", "!local", "!!merge"]
#: Names a user could type: other scripts, bidirectional and zero-width marks, control
#: characters, emoji, a lone surrogate cannot be written (YAML is UTF-8), so none.
UNICODE_NAMES = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=20)


def _yaml_printable(character: str) -> bool:
    """Characters YAML 1.1 allows raw in a stream, less its line breaks (NEL, U+2028,
    U+2029, folded inside a quoted scalar) and the byte order mark."""
    code = ord(character)
    return ((0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
             or 0x10000 <= code <= 0x10FFFF) and code not in (0x2028, 0x2029, 0xFEFF))


def yaml_scalar(value: Any, escape: bool) -> str:
    """A JSON scalar as YAML flow text; strings double-quoted, every character outside
    printable ASCII escaped (``\\u00e9``, ``\\U0001f600``: YAML has no JSON surrogate
    pairs) when ``escape``, else written raw (UTF-8) as an editor would save it, but for
    the characters YAML does not allow raw (control characters)."""
    if not isinstance(value, str):
        return json.dumps(value)
    inner = json.dumps(value, ensure_ascii=False)[1:-1]
    return '"' + "".join(
        c if " " <= c <= "~" or (not escape and _yaml_printable(c))
        else (f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}")
        for c in inner) + '"'


#: The tag that fits each plain type (a fitting tag changes nothing).
FITTING_TAG = {str: "!!str", bool: "!!bool", int: "!!int", float: "!!float"}


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    """The small site written as YAML flow text with YAML's features drawn at random
    places. Some keep the document valid: anchors on mappings and scalars, aliases to an
    anchored scalar of the same value, merge keys (``<<: *a``, or a list of anchors) of
    a mapping with the same fields (all overridden), tags that fit their value, unicode
    names, escaped or raw. Up to three per document make it wrong: an alias to another
    value or to an undefined anchor, a tag that does not fit (``!!int "abc"``,
    ``!!timestamp``, ``!!binary``, ``!!python/...``, a local tag), a merge of a mapping
    with other fields. Anchors are referred to only once complete, as YAML requires."""
    document = copy.deepcopy(SMALL_SITE)
    if draw(st.integers(0, 3)) == 0:  # unicode names (refused: names are ASCII)
        for section in ("sensors", "batteries", "defended_assets", "threats"):
            for index, entry in enumerate(document[section]):
                entry["name"] = f"{draw(UNICODE_NAMES)}-{index}"
    mappings: list[tuple[str, frozenset]] = []  # anchor, fields
    scalars: dict[str, str] = {}  # text -> anchor
    wrongs = [draw(st.sampled_from([0, 0, 1, 2, 3]))]  # wrong features left to draw

    def wrong() -> bool:
        if wrongs[0] and draw(st.integers(0, 39)) == 0:
            wrongs[0] -= 1
            return True
        return False

    def emit(node: Any) -> str:
        if isinstance(node, dict):
            parts = []
            fields = frozenset(node)
            same = [anchor for anchor, keys in mappings if keys == fields]
            if same and draw(st.integers(0, 3)) == 0:
                merged = draw(st.lists(st.sampled_from(same), min_size=1, max_size=2))
                parts.append("<<: " + (f"*{merged[0]}" if len(merged) == 1 else
                                       "[" + ", ".join(f"*{a}" for a in merged) + "]"))
            elif mappings and wrong():
                parts.append(f"<<: *{draw(st.sampled_from(mappings))[0]}")
            parts += [f"{yaml_scalar(key, True)}: {emit(value)}" for key, value in node.items()]
            text = "{" + ", ".join(parts) + "}"
            if draw(st.integers(0, 2)) == 0:
                mappings.append((f"m{len(mappings)}", fields))
                text = f"&{mappings[-1][0]} {text}"
            return text
        if isinstance(node, list):
            return "[" + ", ".join(emit(item) for item in node) + "]"
        text = yaml_scalar(node, escape=draw(st.integers(0, 3)) > 0)
        if text in scalars and draw(st.booleans()):
            return f"*{scalars[text]}"  # the same value, by alias
        if wrong():
            kind = draw(st.sampled_from(["alias", "undefined", "tag"]))
            if kind == "alias" and scalars:
                return f"*{draw(st.sampled_from(sorted(scalars.values())))}"
            if kind == "undefined":
                return "*undefined"
            return f"{draw(st.sampled_from(TAGS))} {text}"
        if type(node) in FITTING_TAG and draw(st.integers(0, 9)) == 0:
            text = f"{FITTING_TAG[type(node)]} {text}"
        if text not in scalars and draw(st.integers(0, 9)) == 0:
            scalars[text] = f"s{len(scalars)}"  # (an anchor is defined once)
            text = f"&{scalars[text]} {text}"
        return text

    return emit(document)


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file, rewritten by each example (Hypothesis refuses function-scoped fixtures)."""
    return tmp_path_factory.mktemp("yaml-texts") / "scenario.yaml"


def check_text(text: str, path: Path) -> Any:
    """Through the file loader: valid (the Scenario is returned) or one line per problem
    (None), within 5 s, never another exception."""
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    try:
        scenario = load_scenario(path)
    except ScenarioError as error:
        lines = error.lines()
        assert lines and all("\n" not in line and len(line) < 2_000 for line in lines)
        scenario = None
    else:
        refusal = over_budget(estimate(scenario))
        assert refusal is None or "\n" not in refusal
    assert time.perf_counter() - started < 5.0
    return scenario


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_texts())
def test_yaml_texts_with_anchors_merge_keys_tags_and_unicode(scenario_file, text):
    check_text(text, scenario_file)


@pytest.mark.slow
@settings(max_examples=2_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_texts())
def test_two_thousand_yaml_texts(scenario_file, text):
    check_text(text, scenario_file)


def test_the_plain_text_of_the_small_site_is_valid(tmp_path):
    """The emitter's baseline (no anchor, tag or alias drawn) is the valid small site, so
    the mutations above are what gets refused."""
    scenario = check_text(json.dumps(SMALL_SITE), tmp_path / "site.yaml")
    assert scenario is not None and scenario.name == "small-site"


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(UNICODE_NAMES, st.text(st.characters(exclude_categories=["Cs"]), max_size=200))
def test_unicode_is_refused_in_names_and_kept_in_descriptions(tmp_path_factory, name,
                                                             description):
    """Names are ASCII (``Name``'s pattern: they are file and column names in the
    outputs): another script, a right-to-left mark or a control character is refused in
    one line naming the pattern. Free text (the description) is kept: it runs, and
    ``scenario.json`` holds it unchanged."""
    import iadsim

    document = copy.deepcopy(SMALL_SITE)
    document["sim"].update(duration_s=30.0, record_tracks=False)
    document["description"] = description
    document["sensors"][0]["name"] = name
    for battery in document["batteries"]:
        battery["radars"] = [name]
    try:
        scenario = scenario_from_dict(document)
    except ScenarioError as error:
        lines = error.lines()
        assert all("\n" not in line for line in lines)
        assert lines[0].startswith("<scenario>: sensors[0].name: String should match "
                                   "pattern '^[A-Za-z0-9][A-Za-z0-9 _.\\-]*$'")
        # Refused exactly when the pattern does not match (an ASCII name may hold a
        # character outside it too: Hypothesis found '0:').
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _.\-]*", name) is None
        document["sensors"][0]["name"] = "home-radar"
        for battery in document["batteries"]:
            battery["radars"] = ["home-radar"]
        scenario = scenario_from_dict(document)
    folder = tmp_path_factory.mktemp("unicode") / "run"
    iadsim.run(scenario, seed=1, out=folder)
    written = json.loads((folder / "scenario.json").read_text(encoding="utf-8"))
    assert written["description"] == description


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
