"""Issue 22, hostile input: each reproducer of the issue is refused in one line naming the
field and the expected value, with exit code 2, before anything runs or is written."""

from __future__ import annotations

import copy
import dataclasses
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from iadsim.engine.run_cost import estimate, over_budget
from iadsim.interfaces.cli import main
from iadsim.scenario.loader import builtin_text, scenario_from_dict
from iadsim.scenario.yaml_loader import load_yaml

LAYERED = load_yaml(builtin_text("layered-defense"))


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the ``iadsim`` entry point; (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    captured = capsys.readouterr()
    return int(exit_info.value.code), captured.out, captured.err


def group(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(g for g in document["threats"] if g["name"] == name)


def written(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def alias_bomb(levels: int = 8) -> str:
    """A YAML value of 10^levels leaves built from aliases (a few hundred characters)."""
    value = "&a0 x"
    for level in range(1, levels + 1):
        value = f"&a{level} [{value}" + f", *a{level - 1}" * 9 + "]"
    return value


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("name: layered-defense", "name: {bomb}",
     "name: Input should be a valid string (got [[[[...], [...], [...], [...], ...], "
     "[[...], [...], [...], [)"),
    ("sensors:\n", "sensors: {bomb}\nold_sensors:\n",
     "sensors[0]: Input should be a valid dictionary or instance of Radar (got "
     "[[[[...], [...], [...], [...], ...], [[...], [...], [...], [)"),
    ("origin: {lat_deg: 39.93,", "origin: {lat_deg: {bomb},",
     "origin.lat_deg: Input should be a valid number (got [[[[...], [...], [...], [...], "
     "...], [[...], [...], [...], [)"),
])
def test_yaml_alias_bomb_as_a_value_is_refused_at_once(capsys, tmp_path, old, new, expected):
    text = builtin_text("layered-defense")
    assert old in text
    path = tmp_path / "bomb.yaml"
    path.write_text(text.replace(old, new.replace("{bomb}", alias_bomb(8)), 1),
                    encoding="utf-8")
    started = time.perf_counter()
    code, out, err = cli(capsys, "validate", str(path))
    assert time.perf_counter() - started < 10.0  # was 100 s and gigabytes (repr, then cut)
    assert code == 2 and out == ""
    assert err.splitlines()[0] == f"error: {path}: {expected}"


def _set(path: str, value: Any):
    """A change to the layered-defense document: ``section.key`` or ``group:NAME.key``."""
    def change(document: dict[str, Any]) -> None:
        where, key = path.rsplit(".", 1)
        if where.startswith("group:"):
            group(document, where[6:])[key] = value
        elif where.startswith("sensors"):
            document["sensors"][0][key] = value
        else:
            document.setdefault(where, {})[key] = value
    return change


def _drone_route(points: list[int]):
    def change(document: dict[str, Any]) -> None:
        drones = group(document, "drone-wave")
        drones["route"] = [copy.deepcopy(drones["route"][i]) for i in points]
    return change


def _ballistic_from_afar(document: dict[str, Any]) -> None:
    group(document, "ballistic-salvo")["launch"] = {"lat_deg": 10.0, "lon_deg": 80.0}


def _many_sensors(document: dict[str, Any]) -> None:
    document["sensors"] += [dict(document["sensors"][4], name=f"extra-{i}") for i in range(501)]


def _propellant_heavier_than_missile(document: dict[str, Any]) -> None:
    document["interceptors"] = [{"name": "short-range-missile",
                                 "profile": "short-range-missile", "propellant_mass_kg": 150}]


BOUNDS = [
    ("tracking.initial_speed_sigma_mps", _set("tracking.initial_speed_sigma_mps", 1e300),
     "tracking.initial_speed_sigma_mps: expected at most 11,186 (escape velocity: nothing "
     "in this model flies faster), got 1e+300"),
    ("tracking.process_noise_mps2", _set("tracking.process_noise_mps2", 1e200),
     "tracking.process_noise_mps2: expected at most 1,000 (1,000 m/s^2 (100 g) is above any "
     "manoeuvre the filter must follow), got 1e+200"),
    ("resolution_cells 1e12", _set("sensors.resolution_cells", 1e12),
     "sensors[0].resolution_cells: expected at most 1e+09 (a billion cells a scan), got "
     "1e+12"),
    ("pfa x cells", lambda d: (_set("sensors.pfa", 0.05)(d),
                               _set("sensors.resolution_cells", 1e6)(d)),
     "sensors[0].resolution_cells: pfa x resolution_cells is 50,000 false alarms a scan; "
     "expected at most 100 (each starts a tentative track; denser clutter needs a clutter "
     "map, which this model does not have)"),
    ("pfa 0.09", _set("sensors.pfa", 0.09),
     "sensors[0].resolution_cells: pfa x resolution_cells is 645,531 false alarms a scan; "
     "expected at most 100 (each starts a tentative track; denser clutter needs a clutter "
     "map, which this model does not have)"),
    ("speed 1e9", _set("group:drone-wave.speed_mps", 1e9),
     "threats[3].speed_mps: expected at most 11,186 (escape velocity: nothing in this model "
     "flies faster), got 1e+09"),
    ("drone speed", _set("group:drone-wave.speed_mps", 1_000.0),
     "threats[3].speed_mps: expected at most 400 m/s for a drone (above jet-powered one-way "
     "attack drones), got 1,000"),
    ("identical route", _drone_route([2, 2, 2]),
     "threats[3].route[1]: the same point as route[0]; expected each waypoint at least 1 m "
     "from the one before"),
    ("identical first waypoints", _drone_route([0, 0, 2]),
     "threats[3].route[1]: the same point as route[0]; expected each waypoint at least 1 m "
     "from the one before"),
    ("lane spacing", _set("group:drone-wave.lane_spacing_m", 1e300),
     "threats[3].lane_spacing_m: expected at most 200,000 (lanes of one group fly one axis; "
     "use several groups for separate axes), got 1e+300"),
    ("lane spread", lambda d: (_set("group:drone-wave.lanes", 50)(d),
                               _set("group:drone-wave.lane_spacing_m", 10_000.0)(d)),
     "threats[3].lane_spacing_m: (lanes - 1) x lane_spacing_m is 490,000 m; expected at most "
     "200,000 (lanes of one group fly one axis; use several groups for separate axes)"),
    ("weapon range", _set("group:drone-wave.weapon_range_km", 1e308),
     "threats[3].weapon_range_km: expected at most 3,000 (above the longest stand-off "
     "weapons), got 1e+308"),
    ("unit cost", _set("group:drone-wave.unit_cost_usd", 1e308),
     "threats[3].unit_cost_usd: expected at most 1e+10 (above the cost of any single weapon "
     "or aircraft), got 1e+308"),
    ("apogee", _set("group:ballistic-salvo.apogee_km", 10_000.0),
     "threats[0].apogee_km: expected at most 1,500 (the ballistic flight model is valid for "
     "short- and medium-range missiles), got 10,000"),
    ("ballistic range", _ballistic_from_afar,
     "threats[0].launch: launch is 5,705 km from impact; expected at most 5,500 km (the "
     "ballistic flight model is valid for short- and medium-range missiles)"),
    ("start", _set("group:ballistic-salvo.start_s", 1e12),
     "threats[0].start_s: expected at most 604,800 (at most the longest run, 7 days), got "
     "1e+12"),
    ("list length", _many_sensors,
     "sensors: 509 entries; expected at most 500 (the tracker gates every radar's reports "
     "each scan)"),
    ("propellant", _propellant_heavier_than_missile,
     "interceptors[0].propellant_mass_kg: expected less than launch_mass_kg (100), got 150"),
]


@pytest.mark.parametrize(("case", "change", "expected"), BOUNDS, ids=[b[0] for b in BOUNDS])
def test_absurd_values_are_refused_naming_the_bound_and_its_reason(capsys, tmp_path, case,
                                                                   change, expected):
    document = copy.deepcopy(LAYERED)
    change(document)
    path = written(tmp_path, document)
    code, out, err = cli(capsys, "validate", str(path))
    assert (code, out) == (2, "")
    assert f"error: {path}: {expected}" in err.splitlines()


def test_a_scenario_built_in_python_is_held_to_the_same_bounds():
    from pydantic import ValidationError

    from iadsim.scenario.schema import Tracking

    with pytest.raises(ValidationError, match="expected at most 11,186"):
        Tracking(initial_speed_sigma_mps=1e300)


def test_an_unknown_name_lists_at_most_twenty_known_ones(capsys, tmp_path):
    document = copy.deepcopy(LAYERED)
    document["sensors"] = [dict(document["sensors"][4], name=f"r{i}") for i in range(400)]
    code, _, err = cli(capsys, "validate", str(written(tmp_path, document)))
    assert code == 2
    line = err.splitlines()[0]
    assert line.endswith("'r18', 'r19' (and 380 more)") and len(line) < 400


def coincident_drones(count: int, record_detections: bool = True) -> dict[str, Any]:
    document = copy.deepcopy(LAYERED)
    document["threats"] = [dict(group(document, "drone-wave"), count=count, spacing_s=0,
                                lanes=1)]
    document["sim"]["record_detections"] = record_detections
    return document


def test_a_run_over_the_event_budget_is_refused_before_it_starts(capsys, tmp_path):
    path = written(tmp_path, coincident_drones(10_000))
    out = tmp_path / "out"
    started = time.perf_counter()
    code, stdout, err = cli(capsys, "run", str(path), "--out", str(out))
    assert time.perf_counter() - started < 20.0
    assert (code, stdout) == (2, "")
    assert err == (
        f"error: {path}: run too large: 10,000 threats x 8 radars x 1,800 steps: up to "
        "3.89e+07 threat-radar looks, 3.86e+04 false alarms expected, up to 3.94e+07 events; "
        "expected at most 20,000,000 events (set sim.record_detections: false to leave "
        "detections out of the log, or raise the limit with --max-events or "
        "iadsim.run(..., max_events=N); about 150 bytes of memory an event at the peak)\n")
    assert not out.exists()


def test_the_run_cost_estimate_follows_the_scenario():
    cost = estimate(scenario_from_dict(coincident_drones(10_000)))
    assert (cost.threats, cost.radars, cost.steps) == (10_000, 8, 1_800)
    assert over_budget(cost, max_events=40_000_000) is None
    quiet = estimate(scenario_from_dict(coincident_drones(10_000, record_detections=False)))
    assert quiet.looks == cost.looks and quiet.events < 400_000
    assert over_budget(quiet) is None
    # The looks budget still holds when little is logged: 1,000 x max-events.
    refusal = over_budget(dataclasses.replace(quiet, looks=2e10 + 1))
    assert refusal == (
        "run too large: 10,000 threats x 8 radars x 1,800 steps: up to 2e+10 threat-radar "
        "looks, 3.86e+04 false alarms expected, up to 3.77e+05 events; expected at most 2e+10 "
        "threat-radar looks (1,000 x the event limit: fewer threats, radars or scans, or "
        "raise the limit with --max-events or iadsim.run(..., max_events=N))")


def test_max_events_sets_the_budget(capsys, tmp_path):
    out = tmp_path / "out"
    code, _, err = cli(capsys, "run", "sinop-trial", "--max-events", "100", "--out", str(out))
    assert code == 2 and not out.exists()
    assert err == (
        "error: sinop-trial: run too large: 4 threats x 2 radars x 1,200 steps: up to "
        "2.56e+03 threat-radar looks, 3.04e+03 false alarms expected, up to 1.18e+04 events; "
        "expected at most 100 events (raise the limit with --max-events or iadsim.run(..., "
        "max_events=N); about 150 bytes of memory an event at the peak)\n")
    code, stdout, _ = cli(capsys, "run", "sinop-trial", "--quiet", "--max-events", "20000",
                          "--out", str(out))
    assert code == 0 and stdout.startswith("TRIAL: ")
