"""``iadsim campaign``: the printed tables, the files, and bad campaign fields (one line,
exit code 2)."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from iadsim.interfaces.cli import app
from small_site_builder import SMALL_SITE

runner = CliRunner()


def write_site(tmp_path, campaign) -> str:
    document = copy.deepcopy(SMALL_SITE)
    document["interceptors"] = [dict(document["interceptors"][0], single_shot_pk=1.0,
                                     lethal_radius_m=50.0)]
    document["batteries"] = [dict(document["batteries"][0], launchers=1,
                                  missiles_per_launcher=3)]
    if campaign is not None:
        document["campaign"] = campaign
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return str(path)


def test_campaign_prints_the_days_and_the_dry_day_and_writes_the_tables(tmp_path):
    scenario = write_site(tmp_path, {"days": 3})
    out = tmp_path / "out"
    result = runner.invoke(app, ["campaign", scenario, "--out", str(out)], terminal_width=120)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # day, raid, leakers, damage, fired, then the magazine of sam-missile (full load 3).
    rows = [line.replace("│", " ").split() for line in lines if line.startswith("│")]
    assert rows[:3] == [["1", "2", "0", "0.00", "2", "1"], ["2", "2", "1", "0.30", "1", "0"],
                        ["3", "2", "2", "0.60", "0", "0"]]
    assert any("sam-missile (3)" in line for line in lines)
    assert ["medium_range", "day", "2", "yes"] in rows
    assert ["sam-home", "day", "2", "yes"] in rows
    days = pd.read_parquet(out / "days.parquet")
    assert days["stock_sam_missile"].tolist() == [1, 0, 0]
    assert pd.read_csv(out / "days.csv")["day"].tolist() == [1, 2, 3]
    dry = pd.read_csv(out / "dry_days.csv")
    assert dry.loc[dry["item"] == "medium_range", "median_day"].tolist() == [2.0]
    assert {"P(no leaker)", "mean stock sam_missile"} <= set(
        pd.read_csv(out / "intervals.csv")["metric"])
    query = runner.invoke(app, ["sql", str(out), "SELECT max(fired_sam_missile) AS m FROM days"])
    assert query.exit_code == 0 and query.stdout.split() == ["m", "2"]


@pytest.mark.parametrize(("campaign", "message"), [
    ({"days": 3, "raids": [{"group": "cruise-pair", "counts": [2, 2]}]},
     "campaign: raids[0].counts: expected 3 counts (one per day), got 2"),
    ({"days": 3, "raids": [{"group": "no-such-group"}]},
     "campaign.raids[0].group: unknown threat group 'no-such-group'; expected one of: "
     "'cruise-pair'"),
    ({"days": 3, "raids": [{"group": "cruise-pair", "days": [4]}]},
     "campaign: raids[0].days: expected days from 1 to 3, got [4]"),
    ({"days": 3, "raids": [{"group": "cruise-pair", "counts": [1, 1, 1], "count": 2}]},
     "campaign.raids[0]: give counts (one per day) or days and count, not both"),
    ({"days": 3, "resupply": [{"interceptor": "gun-burst", "rounds_per_day": 1}]},
     "campaign.resupply[0].interceptor: no battery fires interceptor 'gun-burst'; expected "
     "one of: 'sam-missile'"),
    ({"days": 3, "resupply": [{"interceptor": "sam-missile", "rounds_per_day": -1}]},
     "campaign.resupply[0].rounds_per_day: Input should be greater than or equal to 0 "
     "(got -1)"),
    ({"days": 0}, "campaign.days: Input should be greater than or equal to 1 (got 0)"),
    ({"days": 2, "resupply_rate": 3}, "campaign.resupply_rate: unknown field; expected one "
     "of: days, raids, resupply, depot_rounds, battery_losses"),
    ({"days": 2, "battery_losses": [{"battery": "sam-home", "asset": "refinery"}]},
     "campaign.battery_losses[0].asset: unknown asset 'refinery'; expected one of: 'depot'"),
    ({"days": 2, "depot_rounds": {"sam-missile": -4}},
     "campaign.depot_rounds.sam-missile: Input should be greater than or equal to 0 (got -4)"),
])
def test_a_bad_campaign_field_is_one_line_naming_it_with_exit_code_2(tmp_path, campaign,
                                                                      message):
    scenario = write_site(tmp_path, campaign)
    result = runner.invoke(app, ["campaign", scenario, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {scenario}: {message}\n"
    assert not (tmp_path / "out").exists()


def test_a_scenario_without_a_campaign_is_one_line_with_exit_code_2(tmp_path):
    scenario = write_site(tmp_path, None)
    result = runner.invoke(app, ["campaign", scenario, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr == (f"error: {scenario}: no campaign: section; expected campaign: "
                             "{days: N, raids: [...], resupply: [...]} (see the built-in "
                             "scenario attrition)\n")


def test_a_finished_campaign_folder_is_refused_without_resume_and_kept_with_it(
        tmp_path, monkeypatch):
    scenario = write_site(tmp_path, {"days": 2})
    out = tmp_path / "out"
    first = runner.invoke(app, ["campaign", scenario, "--out", str(out)], terminal_width=120)
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["campaign", scenario, "--out", str(out)])
    assert again.exit_code == 2 and again.stdout == ""
    assert again.stderr == (f"error: out: {out} already holds a campaign; pass resume=True "
                            "(--resume) to complete it, or choose another folder\n")

    def refuse(*args, **kwargs):
        raise AssertionError("a finished campaign was played again")

    monkeypatch.setattr("iadsim.engine.simulation.Simulation", refuse)
    resumed = runner.invoke(app, ["campaign", scenario, "--out", str(out), "--resume"],
                            terminal_width=120)
    assert resumed.exit_code == 0, resumed.output
    assert resumed.stdout == first.stdout
