"""The command line: scenarios, validate, run (files, summary, picture)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from iadsim.interfaces.cli import app

runner = CliRunner()


def test_scenarios_lists_each_builtin_with_a_description():
    result = runner.invoke(app, ["scenarios"], terminal_width=120)
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert [line.split()[0] for line in lines] == ["layered-defense", "saturation",
                                                    "sinop-trial"]
    assert all(len(line.split()) > 5 for line in lines)


def test_validate_accepts_a_builtin_and_describes_it():
    result = runner.invoke(app, ["validate", "layered-defense"], terminal_width=200)
    assert result.exit_code == 0
    assert "valid scenario 'layered-defense': 7 radars, 8 batteries, 24 threats" in result.output


def test_run_writes_the_run_and_prints_the_summary(tmp_path):
    out = tmp_path / "run"
    picture = tmp_path / "summary.svg"
    result = runner.invoke(app, ["run", "sinop-trial", "--seed", "3", "--out", str(out),
                                 "--svg", str(picture)], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "TRIAL:" in result.output and "trial-battery" in result.output
    assert "notional" in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 3 and summary["verdict"] == "trial"
    assert (out / "events.parquet").stat().st_size > 0
    assert (out / "threats.parquet").stat().st_size > 0
    assert picture.read_text().startswith("<svg")


def test_run_quiet_prints_only_the_verdict(tmp_path):
    result = runner.invoke(app, ["run", "sinop-trial", "--quiet", "--out", str(tmp_path)],
                           terminal_width=120)
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("TRIAL:")
    assert "Raid" not in result.output


def test_out_that_is_a_file_is_refused_with_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["run", "sinop-trial", "--out", str(blocker)])
    assert result.exit_code == 2
    assert "--out" in result.output and "not a folder" in result.output
