"""The command line: scenarios, validate, run (files, summary, picture), usage errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import iadsim
from iadsim.interfaces.cli import app, main
from iadsim.scenario.loader import builtin_text
from iadsim.scenario.yaml_loader import load_yaml

runner = CliRunner()
BUILTINS = ["attrition", "layered-defense", "saturation", "sinop-trial", "valley-defense"]


def test_scenarios_lists_each_builtin_on_one_line_with_its_description():
    result = runner.invoke(app, ["scenarios"], terminal_width=80)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == BUILTINS
    for name, line in zip(BUILTINS, lines, strict=True):
        description = iadsim.load_scenario(name).description.splitlines()[0]
        assert line.split(maxsplit=1)[1] == description
    assert lines[3].endswith("against a series of jet target drones.")


@pytest.mark.parametrize(("name", "counts"), [
    ("attrition", "8 radars, 11 batteries, 22 threats in 3 groups, 4 defended assets"),
    ("layered-defense", "8 radars, 11 batteries, 24 threats in 4 groups, 4 defended assets"),
    ("saturation", "2 radars, 5 batteries, 300 threats in 2 groups, 1 defended asset"),
    ("sinop-trial", "2 radars, 1 battery, 4 threats in 2 groups, 0 defended assets"),
    ("valley-defense", "2 radars, 3 batteries, 12 threats in 3 groups, 2 defended assets"),
])
def test_validate_accepts_each_builtin(name, counts):
    assert iadsim.builtin_names() == BUILTINS
    result = runner.invoke(app, ["validate", name], terminal_width=80)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{name}: valid scenario {name!r}: {counts}.\n"
    assert result.stderr == ""


def test_validate_accepts_a_valid_file(tmp_path):
    document = load_yaml(builtin_text("sinop-trial"))
    document["name"] = "my-trial"
    document["threats"][0]["count"] = 3
    scenario_file = tmp_path / "my trial.yaml"
    scenario_file.write_text(yaml.safe_dump(document), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(scenario_file)], terminal_width=80)
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"{scenario_file}: valid scenario 'my-trial': 2 radars, "
                             "1 battery, 5 threats in 2 groups, 0 defended assets.\n")


def test_run_writes_the_event_log_and_summary_and_prints_the_summary(tmp_path):
    out = tmp_path / "run"
    picture = tmp_path / "pictures" / "summary.svg"
    result = runner.invoke(app, ["run", "sinop-trial", "--seed", "3", "--out", str(out),
                                 "--svg", str(picture)], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "TRIAL:" in result.stdout and "trial-battery" in result.stdout
    assert "notional" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "events.parquet", "interceptors.parquet", "scenario.json", "summary.json",
        "threats.parquet", "tracks.parquet", "truth.parquet"]  # no temporary files left
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {"verdict", "threats", "cost"} <= summary.keys()
    assert summary["seed"] == 3 and summary["verdict"] == "trial"
    assert summary["threats"]["total"] == 4
    events = pd.read_parquet(out / "events.parquet")
    assert len(events) > 0 and "time_s" in events.columns
    assert f"Wrote {out}/events.parquet ({len(events)} events)" in result.stdout
    threats = pd.read_parquet(out / "threats.parquet")
    assert list(threats["group"]) == ["high-run", "high-run", "low-run", "low-run"]
    assert picture.read_text(encoding="utf-8").startswith("<svg")

    # The CLI is a thin layer: one Python call gives the same run.
    again = iadsim.run("sinop-trial", seed=3)
    assert again.summary["threats"] == summary["threats"]
    assert again.summary["cost"] == summary["cost"]
    assert len(again.events) == len(events)


def test_run_quiet_prints_only_the_verdict_and_where_it_wrote(tmp_path):
    result = runner.invoke(app, ["run", "sinop-trial", "--quiet", "--out", str(tmp_path)],
                           terminal_width=120)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("TRIAL: ") and lines[1].startswith(f"Wrote {tmp_path}/")


def test_out_that_is_a_file_is_refused_with_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["run", "sinop-trial", "--out", str(blocker)])
    assert result.exit_code == 2
    assert result.stderr == (f"error: --out: {blocker} exists and is not a folder; "
                             "expected a folder path\n")
    assert blocker.read_text() == "x"


@pytest.mark.parametrize("arguments", [
    ["run", "sinop-trial", "--seed", "-3"],
    ["run", "sinop-trial", "--seed", "three"],
    ["validate"],
    ["simulate", "sinop-trial"],
])
def test_usage_errors_exit_2_without_traceback_or_output_files(tmp_path, arguments):
    out = tmp_path / "out"
    result = runner.invoke(app, [*arguments, "--out", str(out)] if arguments[0] == "run"
                           else arguments)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_file_names_are_printed_as_given(tmp_path):
    """Rich would render ``:fire:`` as an emoji; an error must name the file exactly."""
    missing = tmp_path / "plan:fire:.yaml"
    result = runner.invoke(app, ["validate", str(missing)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {missing}: no such scenario file")

    valid = tmp_path / "trial:ok:.yaml"
    valid.write_text(builtin_text("sinop-trial"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(valid)], terminal_width=80)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{valid}: valid scenario 'sinop-trial'")


@pytest.mark.parametrize(("argv", "words"), [
    (["run", "--seed", "-1"], ["'--seed'", "greater than or equal to 0",
                               "(see 'iadsim run --help')"]),
    (["run", "--seed", str(2**63)], ["'--seed'", "less than or equal to 9223372036854775807"]),
    (["run", "--bogus"], ["No such option: --bogus"]),
    (["frobnicate"], ["No such command 'frobnicate'", "(see 'iadsim --help')"]),
    (["validate"], ["Missing argument 'scenario'", "(see 'iadsim validate --help')"]),
])
def test_usage_errors_are_one_line_with_exit_code_2(capsys, tmp_path, argv, words):
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--out", str(tmp_path / "out")] if argv[0] == "run" else argv)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("error: ")
    for word in words:
        assert word in line, line
    assert not (tmp_path / "out").exists()


def test_no_arguments_print_the_help(capsys):
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 0
    assert "Usage: iadsim" in capsys.readouterr().out


def test_the_entry_point_runs_a_scenario(capsys, tmp_path):
    with pytest.raises(SystemExit) as exited:
        main(["run", "sinop-trial", "--quiet", "--out", str(tmp_path / "trial")])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("TRIAL: ")
    assert (tmp_path / "trial" / "summary.json").is_file()


def test_faults_prints_what_each_fault_cost(tmp_path):
    from small_site_builder import SMALL_SITE

    document = {**SMALL_SITE, "faults": [
        {"kind": "radar_down", "target": "home-radar", "start_s": 0.0}]}
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    result = runner.invoke(app, ["faults", str(path), "--seed", "3"], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "baseline: 0 leakers, 2 rounds, damage 0.00" in result.stdout
    row = next(line for line in result.stdout.splitlines() if "radar_down" in line)
    cells = [cell.strip() for cell in row.split("│")[2:-1]]
    assert cells == ["2", "+2", "0", "-2", "0.60", "+0.60"]


def test_faults_without_faults_is_a_one_line_error():
    result = runner.invoke(app, ["faults", "sinop-trial"])
    assert result.exit_code == 2
    assert "no faults declared" in result.output
