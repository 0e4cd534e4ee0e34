"""Bad scenario input: one line per problem naming the file, the field path and what was
expected; the CLI exits with code 2 and prints no traceback."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import iadsim
from iadsim.errors import ScenarioError
from iadsim.scenario.loader import builtin_text


@pytest.fixture(scope="module")
def base() -> dict:
    return yaml.safe_load(builtin_text("sinop-trial"))


def set_path(document: dict, path: tuple, value) -> dict:
    changed = copy.deepcopy(document)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


CASES = [
    # (id, path to change, new value, field path expected in the line, words expected)
    ("unknown key", ("sensors", 0, "range_km"), 100, "sensors[0].range_km",
     "unknown field; expected one of"),
    ("wrong type", ("sim", "duration_s"), "long", "sim.duration_s", "valid number"),
    ("negative range", ("sensors", 0, "max_range_km"), -5, "sensors[0].max_range_km",
     "greater than 0"),
    ("latitude 95", ("origin", "lat_deg"), 95, "origin.lat_deg", "less than or equal to 90"),
    ("missing field", ("batteries", 0, "radars"), None, "batteries[0].radars",
     "valid list"),
    ("elevation min above max", ("sensors", 0, "min_elevation_deg"), 80,
     "sensors[0]", "min_elevation_deg must be less than max_elevation_deg"),
    ("battery names a missing radar", ("batteries", 0, "radars"), ["search-radar", "ghost"],
     "batteries[0].radars[1]", "unknown sensor 'ghost'; expected one of"),
    ("battery names a missing interceptor", ("batteries", 0, "interceptor"), "ghost-missile",
     "batteries[0].interceptor", "unknown interceptor 'ghost-missile'"),
    ("route with one point", ("threats", 0, "route"),
     [{"lat_deg": 43.0, "lon_deg": 35.0, "altitude_m": 100}], "threats[0]",
     "route of at least 2 waypoints"),
    ("unknown profile", ("threats", 0, "profile"), "ufo", "threats[0].profile",
     "unknown profile 'ufo'; expected one of"),
    ("target asset missing", ("threats", 0, "target"), "nowhere", "threats[0].target",
     "unknown defended_asset 'nowhere'"),
    ("unknown threat kind", ("threats", 0, "kind"), "spaceship", "threats[0].kind",
     "'aircraft'"),
    ("infinite number", ("sim", "dt_s"), float("inf"), "sim.dt_s", "finite"),
    ("duplicate names", ("sensors", 1, "name"), "search-radar", "sensors[1].name",
     "duplicate name"),
    ("pk above one", ("interceptors",), [{"name": "x", "min_range_km": 1, "max_range_km": 5,
                                         "max_altitude_m": 100, "speed_mps": 100,
                                         "lethal_radius_m": 1, "single_shot_pk": 1.5}],
     "interceptors[0].single_shot_pk", "less than or equal to 1"),
    ("interceptor min range above max", ("interceptors",),
     [{"name": "x", "min_range_km": 9, "max_range_km": 5, "max_altitude_m": 100,
       "speed_mps": 100, "lethal_radius_m": 1, "single_shot_pk": 0.5}],
     "interceptors[0]", "min_range_km must be less than max_range_km"),
]


def write(tmp_path: Path, document) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("path", "value", "field", "words"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_names_file_field_and_expectation(tmp_path, base, path, value, field, words):
    document = set_path(base, path, value)
    if value is None:
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        words = "required field is missing"
    scenario_file = write(tmp_path, document)
    with pytest.raises(ScenarioError) as caught:
        iadsim.load_scenario(scenario_file)
    lines = caught.value.lines()
    matching = [line for line in lines if f": {field}" in line]
    assert matching, lines
    assert matching[0].startswith(f"{scenario_file}: ")
    assert words in matching[0], matching[0]
    assert all("\n" not in line for line in lines)


@pytest.mark.parametrize(("text", "words"), [
    ("name: [unclosed\n", "not valid YAML at line"),
    ("- just\n- a list\n", "expected a mapping of sections at the top level, got list"),
    ("", "expected a mapping of sections at the top level, got NoneType"),
    ("a: !!python/object/apply:os.system ['echo hacked']\n", "not valid YAML"),
])
def test_unreadable_documents_are_refused_in_one_line(tmp_path, text, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        iadsim.load_scenario(path)
    assert words in str(caught.value)


def test_every_problem_is_reported_not_just_the_first(tmp_path, base):
    document = set_path(set_path(base, ("origin", "lat_deg"), 95),
                        ("sensors", 0, "revisit_s"), 0)
    with pytest.raises(ScenarioError) as caught:
        iadsim.load_scenario(write(tmp_path, document))
    fields = [problem[0] for problem in caught.value.problems]
    assert "origin.lat_deg" in fields and "sensors[0].revisit_s" in fields


def test_missing_file_names_the_builtins():
    with pytest.raises(ScenarioError) as caught:
        iadsim.load_scenario("no/such/file.yaml")
    assert "layered-defense, saturation, sinop-trial" in str(caught.value)


def run_cli(*arguments: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "iadsim.interfaces.cli", *arguments],
                          capture_output=True, text=True, cwd=cwd, check=False, timeout=120)


def test_cli_exits_2_with_one_line_per_problem_and_writes_nothing(tmp_path, base):
    document = set_path(set_path(base, ("batteries", 0, "radars"), ["ghost"]),
                        ("sensors", 0, "pfa"), 0.5)
    scenario_file = write(tmp_path, set_path(document, ("origin", "lat_deg"), 95))
    out = tmp_path / "out"
    for command in (("validate", str(scenario_file)),
                    ("run", str(scenario_file), "--out", str(out))):
        completed = run_cli(*command, cwd=tmp_path)
        assert completed.returncode == 2, completed
        assert "Traceback" not in completed.stderr + completed.stdout
        lines = completed.stderr.strip().splitlines()
        assert len(lines) == 2, lines  # origin.lat_deg and sensors[0].pfa
        assert all(line.startswith(f"error: {scenario_file}: ") for line in lines)
    assert not out.exists()


def test_cli_bad_option_exits_2_without_traceback(tmp_path):
    completed = run_cli("run", "sinop-trial", "--seed", "-3", cwd=tmp_path)
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
