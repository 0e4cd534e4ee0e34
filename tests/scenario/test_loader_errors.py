"""Bad scenario input: one line per problem naming the file, the field path and what was
expected, from Python (``ScenarioError``) and from the CLI (exit code 2, no traceback,
nothing written to ``--out``)."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable

import pytest
import yaml
from typer.testing import CliRunner

import iadsim
from iadsim.errors import IadsimError, ScenarioError
from iadsim.interfaces.cli import app
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.loader import builtin_text
from iadsim.scenario.yaml_loader import load_yaml

BUILTINS = "layered-defense, saturation, sinop-trial"
DELETE = object()
#: A case turns the valid base document into the text of the file to write (None: no file).
Builder = Callable[[dict], str | None]


@pytest.fixture(scope="module")
def base() -> dict:
    return load_yaml(builtin_text("sinop-trial"))


def mutated(document: dict, path: tuple, value) -> dict:
    """A deep copy of ``document`` with the entry at ``path`` set (or deleted: ``DELETE``)."""
    changed = copy.deepcopy(document)
    target = changed
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


def change(path: tuple, value) -> Builder:
    return lambda document: yaml.safe_dump(mutated(document, path, value), sort_keys=False)


def text(raw: str) -> Builder:
    return lambda document: raw


ONE_POINT_ROUTE = [{"lat_deg": 43.45, "lon_deg": 34.80, "altitude_m": 4000}]

# (id, how to build the file, field path the line must name, words of the expectation)
CASES: list[tuple[str, Builder, str, list[str]]] = [
    ("unknown key", change(("sensors", 0, "range_km"), 100), "sensors[0].range_km",
     ["unknown field; expected one of: lat_deg, lon_deg,", "max_range_km"]),
    ("unknown section", change(("radars",), []), "radars",
     ["unknown field; expected one of:", "sensors"]),
    ("wrong type: text for a number", change(("sim", "duration_s"), "long"), "sim.duration_s",
     ["valid number", "(got 'long')"]),
    ("wrong type: YAML yes for a count", change(("threats", 0, "count"), True),
     "threats[0].count", ["valid integer", "(got True)"]),
    ("wrong type: quoted number for a count", change(("threats", 0, "count"), "2"),
     "threats[0].count", ["valid integer", "(got '2')"]),
    ("wrong type: fraction for a count", change(("threats", 0, "count"), 2.5),
     "threats[0].count", ["valid integer", "(got 2.5)"]),
    ("wrong type: true for a number", change(("sim", "duration_s"), True), "sim.duration_s",
     ["valid number", "(got True)"]),
    ("wrong type: number for a list", change(("batteries",), 5), "batteries",
     ["valid list", "(got 5)"]),
    ("wrong type: number for the interceptor list", change(("interceptors",), 5),
     "interceptors", ["valid list", "(got 5)"]),
    ("wrong type: text for an entry", change(("sensors", 1), "engagement-radar"), "sensors[1]",
     ["valid dictionary", "(got 'engagement-radar')"]),
    ("missing required field", change(("batteries", 0, "radars"), DELETE),
     "batteries[0].radars", ["required field is missing"]),
    ("negative range", change(("sensors", 0, "ref_range_km"), -5), "sensors[0].ref_range_km",
     ["greater than 0", "(got -5)"]),
    ("zero revisit", change(("sensors", 1, "revisit_s"), 0), "sensors[1].revisit_s",
     ["greater than 0", "(got 0)"]),
    ("interceptor min range not below max",
     change(("interceptors",), [{"name": "sr", "profile": "short-range-missile",
                                 "min_range_km": 15}]),
     "interceptors[0]", ["min_range_km must be less than max_range_km", "15.0 >= 15.0"]),
    ("radar min elevation not below max", change(("sensors", 0, "min_elevation_deg"), 80),
     "sensors[0]", ["min_elevation_deg must be less than max_elevation_deg", "80.0 >= 75"]),
    ("latitude 95", change(("origin", "lat_deg"), 95), "origin.lat_deg",
     ["less than or equal to 90", "(got 95)"]),
    ("latitude 95 deep in a route", change(("threats", 1, "route", 2, "lat_deg"), 95),
     "threats[1].route[2].lat_deg", ["less than or equal to 90"]),
    ("infinite step", change(("sim", "dt_s"), float("inf")), "sim.dt_s", ["finite number"]),
    ("unknown enum value", change(("doctrine", "firing_policy"), "shoot_first"),
     "doctrine.firing_policy", ["'shoot_look_shoot' or 'shoot_shoot'", "(got 'shoot_first')"]),
    ("battery names a missing radar", change(("batteries", 0, "radars"),
                                             ["search-radar", "ghost-radar"]),
     "batteries[0].radars[1]",
     ["unknown sensor 'ghost-radar'; expected one of: 'search-radar', 'engagement-radar'"]),
    ("battery names an unknown interceptor", change(("batteries", 0, "interceptor"),
                                                    "ghost-missile"),
     "batteries[0].interceptor", ["unknown interceptor 'ghost-missile'; expected one of"]),
    ("route with one point", change(("threats", 0, "route"), ONE_POINT_ROUTE), "threats[0]",
     ["needs a route of at least 2 waypoints"]),
    ("threat target names a missing asset", change(("threats", 1, "target"), "ankara"),
     "threats[1].target", ["unknown defended_asset 'ankara'; expected one of"]),
    ("unknown catalog profile", change(("sensors", 1, "profile"), "s500-class-radar"),
     "sensors[1].profile",
     ["unknown profile 's500-class-radar'; expected one of:", "s400-class-engagement-radar"]),
    ("duplicate radar names", lambda d: yaml.safe_dump({**d, "sensors": [*d["sensors"],
                                                                         d["sensors"][1]]}),
     "sensors[2].name",
     ["duplicate name 'engagement-radar' (also sensors[1])", "expected unique names"]),
    ("duplicate threat names", change(("threats", 1, "name"), "high-run"), "threats[1].name",
     ["duplicate name 'high-run' (also threats[0])"]),
    ("duplicate key", lambda d: yaml.safe_dump(d, sort_keys=False).replace(
        "sim:\n", "sim:\n  dt_s: 2.0\n", 1), "",
     ["not valid YAML at line", "duplicate key 'dt_s' (each key may appear once)"]),
    ("malformed YAML", text("name: [unclosed\nsim: {duration_s: 10}\n"), "",
     ["not valid YAML at line"]),
    ("YAML with a Python tag", text("name: !!python/object/apply:os.system ['true']\n"), "",
     ["not valid YAML at line 1"]),
    ("top level is a list", text("- name: x\n- sim: {}\n"), "",
     ["expected a mapping of sections at the top level, got list"]),
    ("top level is a number", text("42\n"), "",
     ["expected a mapping of sections at the top level, got int"]),
    ("file does not exist", lambda document: None, "",
     ["no such scenario file or built-in scenario", BUILTINS]),
]


@pytest.mark.parametrize(("build", "field", "words"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_bad_input_is_one_line_naming_file_field_and_expectation(tmp_path, base, build, field,
                                                                 words):
    scenario_file = tmp_path / "scenario.yaml"
    contents = build(base)
    if contents is not None:
        scenario_file.write_text(contents, encoding="utf-8")
    prefix = f"{scenario_file}: {field}: " if field else f"{scenario_file}: "

    with pytest.raises(ScenarioError) as caught:
        iadsim.load_scenario(scenario_file)
    error = caught.value
    assert [path for path, _ in error.problems] == [field]
    [line] = error.lines()
    assert line.startswith(prefix), line
    assert "\n" not in line
    for word in words:
        assert word in line, line

    # The CLI prints the same line, exits with 2 and writes nothing.
    runner = CliRunner()
    checked = runner.invoke(app, ["validate", str(scenario_file)])
    assert checked.exit_code == 2, checked.output
    assert checked.stderr == f"error: {line}\n"
    assert checked.stdout == ""
    out = tmp_path / "out"
    ran = runner.invoke(app, ["run", str(scenario_file), "--out", str(out)])
    assert ran.exit_code == 2, ran.output
    assert ran.stderr == f"error: {line}\n"
    assert "Traceback" not in ran.output
    assert not out.exists()


def test_exponents_without_a_dot_or_sign_are_numbers(tmp_path, base):
    # YAML 1.1 (PyYAML's default) reads 5e4 and 1e-3 as strings; scenario files read them
    # as numbers, as YAML 1.2 does.
    scenario_file = tmp_path / "exponents.yaml"
    contents = yaml.safe_dump(mutated(base, ("sim", "duration_s"), 1234.0), sort_keys=False)
    scenario_file.write_text(contents.replace("duration_s: 1234.0", "duration_s: 12e2"),
                             encoding="utf-8")
    assert iadsim.load_scenario(scenario_file).sim.duration_s == 1200.0
    assert load_yaml("a: 5e4\nb: 1e-3\nc: 2E+3\nd: 1.5\ne: 3\nf: e5\n") == {
        "a": 5e4, "b": 1e-3, "c": 2e3, "d": 1.5, "e": 3, "f": "e5"}


def test_every_problem_gets_its_own_line(tmp_path, base):
    document = mutated(base, ("origin", "lat_deg"), 95)
    document = mutated(document, ("sensors", 0, "revisit_s"), 0)
    document = mutated(document, ("batteries", 0, "fire_channels"), "many")
    scenario_file = tmp_path / "three.yaml"
    scenario_file.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        iadsim.load_scenario(scenario_file)
    error = caught.value
    assert sorted(path for path, _ in error.problems) == [
        "batteries[0].fire_channels", "origin.lat_deg", "sensors[0].revisit_s"]
    assert len(error.lines()) == 3
    assert all(line.startswith(f"{scenario_file}: ") for line in error.lines())
    assert str(error).endswith("(and 2 more problem(s))")

    result = CliRunner().invoke(app, ["validate", str(scenario_file)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {line}" for line in error.lines()]


def test_run_on_bad_input_leaves_an_existing_out_folder_untouched(tmp_path, base):
    scenario_file = tmp_path / "bad.yaml"
    scenario_file.write_text(yaml.safe_dump(mutated(base, ("origin", "lat_deg"), 95)),
                             encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier run")
    result = CliRunner().invoke(app, ["run", str(scenario_file), "--out", str(out)])
    assert result.exit_code == 2
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    with pytest.raises(ScenarioError):
        iadsim.run(scenario_file, out=out)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_scenario_error_is_a_value_error_with_problems():
    error = ScenarioError("f.yaml", [("sim.dt_s", "expected a number"), ("", "empty file")])
    assert isinstance(error, IadsimError) and isinstance(error, ValueError)
    assert error.lines() == ["f.yaml: sim.dt_s: expected a number", "f.yaml: empty file"]
    assert str(error) == "f.yaml: sim.dt_s: expected a number (and 1 more problem(s))"


def test_scenario_from_dict_names_the_given_source_and_leaves_its_input_alone(base):
    document = mutated(base, ("batteries", 0, "radars"), ["ghost-radar"])
    before = copy.deepcopy(document)
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(document, source="planner-draft")
    assert caught.value.lines() == [
        "planner-draft: batteries[0].radars[0]: unknown sensor 'ghost-radar'; expected one "
        "of: 'search-radar', 'engagement-radar'"]
    assert document == before

    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(["not", "a", "mapping"])
    assert caught.value.problems == [
        ("", "expected a mapping of sections at the top level, got list")]
    assert caught.value.lines()[0].startswith("<scenario>: ")

    valid = copy.deepcopy(base)
    assert scenario_from_dict(valid).name == "sinop-trial"
    assert valid == base


def test_unreadable_paths_are_one_line_not_an_os_error():
    too_long = "a" * 5000 + ".yaml"
    with pytest.raises(ScenarioError) as caught:
        iadsim.load_scenario(too_long)
    [line] = caught.value.lines()
    assert line.startswith(f"{too_long}: cannot read it (")
    assert "expected a readable scenario file" in line


def test_non_utf8_file_is_one_line(tmp_path):
    scenario_file = tmp_path / "latin1.yaml"
    scenario_file.write_bytes("name: Türkiye\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as caught:
        iadsim.load_scenario(scenario_file)
    assert caught.value.lines() == [f"{scenario_file}: expected UTF-8 text"]


def test_validate_in_a_fresh_process_exits_2_without_traceback(tmp_path, base):
    """End to end, as a user runs it: the real entry point, a real process."""
    scenario_file = tmp_path / "bad.yaml"
    document = mutated(base, ("sensors", 1, "pfa"), 0.5)
    scenario_file.write_text(yaml.safe_dump(mutated(document, ("origin", "lat_deg"), 95)),
                             encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "iadsim.interfaces.cli", "validate", str(scenario_file)],
        capture_output=True, text=True, cwd=tmp_path, check=False, timeout=120)
    assert completed.returncode == 2, completed
    assert "Traceback" not in completed.stderr
    assert completed.stdout == ""
    assert completed.stderr.splitlines() == [
        f"error: {scenario_file}: origin.lat_deg: Input should be less than or equal to 90 "
        "(got 95)",
        f"error: {scenario_file}: sensors[1].pfa: Input should be less than 0.1 (got 0.5)"]


def test_merge_keys_copy_an_anchored_entry_and_the_keys_beside_them_override(tmp_path):
    """``<<: *anchor`` (YAML merge key): the second radar is the first with a new name and
    place. (Refused as "could not determine a constructor" until issue 22's property tests
    found it; a key given twice beside a merge is still a duplicate.)"""
    text = builtin_text("sinop-trial")
    document = load_yaml(text)
    first = document["sensors"][0]
    lines = yaml.safe_dump({k: v for k, v in document.items() if k != "sensors"},
                           sort_keys=False)
    radars = [yaml.safe_dump([radar], default_flow_style=True).strip()[1:-1]
              for radar in document["sensors"]]
    path = tmp_path / "merged.yaml"
    path.write_text(lines + f"sensors:\n  - &first {radars[0]}\n"
                    + "".join(f"  - {radar}\n" for radar in radars[1:])
                    + f"  - {{<<: *first, name: copy, lat_deg: {first['lat_deg'] + 0.1}}}\n",
                    encoding="utf-8")
    scenario = iadsim.load_scenario(path)
    copied = scenario.sensors[-1]
    assert (copied.name, copied.lat_deg) == ("copy", first["lat_deg"] + 0.1)
    assert copied.model_dump(exclude={"name", "lat_deg"}) == scenario.sensors[0].model_dump(
        exclude={"name", "lat_deg"})
    with pytest.raises(yaml.YAMLError, match="duplicate key 'name'"):
        load_yaml("a: &x {p: 1}\nb: {<<: *x, name: q, name: r}\n")


@pytest.mark.parametrize(("value", "message"), [
    ('!!int "abc"', "cannot read 'abc' as !!int (invalid literal for int() with base 10: "
                    "'abc')"),
    ('!!int ""', "cannot read '' as !!int (string index out of range)"),
    ("!!bool maybe", "cannot read 'maybe' as !!bool ('maybe')"),
    ('!!timestamp ""', "cannot read '' as !!timestamp ("),
    ("!!timestamp 2001-13-45", "cannot read '2001-13-45' as !!timestamp (month must be in "
                               "1..12)"),
    ("!!set [1, 2]", "expected a mapping node, but found sequence"),
])
def test_a_tag_that_does_not_fit_its_value_is_one_line_at_its_place(tmp_path, value,
                                                                      message):
    """PyYAML raised ValueError, IndexError, KeyError, AttributeError or TypeError (a
    traceback from the CLI) for these; found by the property tests of issue 22."""
    path = tmp_path / "tagged.yaml"
    text = builtin_text("sinop-trial")
    assert text.startswith("name:")
    path.write_text(text.replace("name:", f"name: {value}\nold_name:", 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        iadsim.load_scenario(path)
    (line,) = raised.value.lines()
    assert line.startswith(f"{path}: not valid YAML at line ") and message in line
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and result.stderr == f"error: {line}\n"
