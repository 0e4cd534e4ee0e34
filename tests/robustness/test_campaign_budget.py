"""Issue 22 for the campaign commands: ``mc``, ``sweep``, ``trial`` and ``campaign`` check
the run budget of every replication (each variant of a sweep, each night of an inventory
campaign) before anything starts, accept ``--max-events``, and refuse over budget in one
line naming the estimate and how to raise the limit, exit code 2, nothing written."""

from __future__ import annotations

import copy

import pytest
import yaml

import iadsim
import iadsim.api
from iadsim.analysis import inventory_campaign, monte_carlo, sweep, trial
from iadsim.analysis.monte_carlo import run_campaign
from iadsim.engine import simulation
from iadsim.engine.run_cost import estimate
from iadsim.errors import ScenarioError
from iadsim.interfaces.cli import main
from small_site_builder import SMALL_SITE

#: sinop-trial's estimate (tests/robustness/test_hostile_input.py has the same for `run`).
SINOP_ESTIMATE = ("4 threats x 2 radars x 1,200 steps: up to 2.56e+03 threat-radar looks, "
                  "3.04e+03 false alarms expected, up to 1.18e+04 events")


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    captured = capsys.readouterr()
    return int(exit_info.value.code), captured.out, captured.err


@pytest.fixture
def nothing_starts(monkeypatch, tmp_path):
    """Fail the test if a Dask cluster or a simulation starts: the refusal must come
    first. Runs in an empty current folder, so that default output folders are seen."""
    def refuse(*args, **kwargs):
        raise AssertionError("a cluster or a simulation started before the refusal")
    for module in (monte_carlo, sweep, trial, inventory_campaign):
        monkeypatch.setattr(module, "campaign_client", refuse)
    monkeypatch.setattr(iadsim.api, "Simulation", refuse)
    monkeypatch.setattr(simulation, "Simulation", refuse)
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    return here


def test_mc_refuses_a_replication_over_budget_before_anything_starts(capsys, nothing_starts):
    out = nothing_starts / "mc"
    code, stdout, err = cli(capsys, "mc", "sinop-trial", "-n", "3", "--out", str(out),
                            "--max-events", "100")
    assert (code, stdout) == (2, "")
    assert err == (
        f"error: sinop-trial: run too large: {SINOP_ESTIMATE}; expected at most 100 events "
        "(raise the limit with --max-events or iadsim.monte_carlo(..., max_events=N); about "
        "150 bytes of memory an event at the peak)\n")
    assert list(nothing_starts.iterdir()) == []  # not even campaign.json
    with pytest.raises(ScenarioError, match="run too large"):
        iadsim.monte_carlo("sinop-trial", 3, out=out, max_events=100, progress=False)
    assert not out.exists()
    with pytest.raises(ValueError, match="max_events must be an integer >= 1, got 0"):
        iadsim.monte_carlo("sinop-trial", 3, max_events=0, progress=False)


def test_trial_refuses_a_replication_over_budget_before_anything_starts(capsys,
                                                                        nothing_starts):
    code, stdout, err = cli(capsys, "trial", "sinop-trial", "-n", "2", "--max-events", "100")
    assert (code, stdout) == (2, "")
    assert err.startswith(f"error: sinop-trial: run too large: {SINOP_ESTIMATE}; expected "
                          "at most 100 events (raise the limit with --max-events or ")
    assert err.count("\n") == 1
    assert list(nothing_starts.iterdir()) == []  # no runs/sinop-trial-trial


def test_sweep_names_the_largest_variant_over_budget(capsys, nothing_starts):
    big = iadsim.load_scenario("sinop-trial").model_dump()
    big["threats"][0]["count"] = 200
    events = estimate(iadsim.Scenario.model_validate(big)).events
    code, stdout, err = cli(capsys, "sweep", "sinop-trial", "--param",
                            "threats.high-run.count=1,200,100", "-n", "2",
                            "--max-events", "15000")
    assert (code, stdout) == (2, "")
    assert err.startswith("error: sinop-trial: variant threats.high-run.count=200: run too "
                          "large: 202 threats x 2 radars x 1,200 steps: ")
    assert f"up to {events:.3g} events; expected at most 15,000 events" in err
    assert "--max-events or iadsim.analysis.sweep.sweep(..., max_events=N)" in err
    assert err.count("\n") == 1
    assert list(nothing_starts.iterdir()) == []  # no runs/sinop-trial-sweep


def test_campaign_names_the_largest_night_over_budget(capsys, nothing_starts):
    code, stdout, err = cli(capsys, "campaign", "attrition", "--max-events", "200000")
    assert (code, stdout) == (2, "")
    # Nights 5, 6 and 7 are over 200,000 (the raids grow through the week): the largest.
    assert err.startswith("error: attrition: campaign: night of day 7: run too large: 30 "
                          "threats x 8 radars x 1,800 steps: ")
    assert "up to 2.25e+05 events; expected at most 200,000 events" in err
    assert "--max-events or iadsim.campaign(..., max_events=N)" in err
    assert err.count("\n") == 1
    assert list(nothing_starts.iterdir()) == []  # no runs/attrition-campaign
    code, _, err = cli(capsys, "campaign", "attrition", "--max-events", "0")
    assert code == 2 and "--max-events" in err and err.count("\n") == 1


def test_max_events_reaches_every_replication(monkeypatch):
    """A raised limit is the limit of each replication's run, not only of the check."""
    seen = []
    original = iadsim.api.run

    def spy(*args, **kwargs):
        seen.append(kwargs.get("max_events"))
        return original(*args, **kwargs)

    monkeypatch.setattr(iadsim.api, "run", spy)
    scenario = iadsim.load_scenario("sinop-trial")
    result = run_campaign(None, scenario, 2, progress=False, max_events=12_000)
    assert seen == [12_000, 12_000] and len(result.replications) == 2
    with pytest.raises(ScenarioError, match="expected at most 11,000 events"):
        run_campaign(None, scenario, 2, progress=False, max_events=11_000)


def test_the_sweep_api_checks_every_variant_before_it_runs(tmp_path):
    document = copy.deepcopy(SMALL_SITE)
    document["sim"]["duration_s"] = 120.0
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    model = iadsim.load_scenario(path)
    cost = estimate(model).events
    with pytest.raises(ScenarioError, match=r"variant threats\.cruise-pair\.count=4: run too"):
        sweep.sweep(model, ["threats.cruise-pair.count=1,4"], 1, progress=False,
                    client=object(), max_events=int(cost) + 1, out=tmp_path / "sweep")
    assert not (tmp_path / "sweep").exists()  # refused before the client was used
