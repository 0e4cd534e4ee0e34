"""Monte Carlo campaigns: seeds, rows, intervals, worker-count invariance, the store."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import iadsim
from iadsim.analysis import results_store
from iadsim.analysis.intervals import clopper_pearson
from iadsim.analysis.monte_carlo import replication_seed, run_campaign
from iadsim.analysis.replication_metrics import TIMING_COLUMNS, interval_table, summary_row

SCENARIO = "sinop-trial"  # 4 target drones, half a second a replication


def stable(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.drop(columns=list(TIMING_COLUMNS)).reset_index(drop=True)


def test_replication_seed_is_the_spawned_seed_sequence_whatever_the_campaign_size():
    spawned = np.random.SeedSequence(2020).spawn(8)
    for index in (0, 3, 7):
        words = spawned[index].generate_state(2, np.uint32)
        assert replication_seed(2020, index) == ((int(words[0]) << 32) | int(words[1])) >> 1
    seeds = [replication_seed(2020, i) for i in range(1000)]
    assert len(set(seeds)) == 1000 and max(seeds) < 2**63
    assert replication_seed(2021, 0) != replication_seed(2020, 0)
    with pytest.raises(ValueError, match="index must be >= 0"):
        replication_seed(1, -1)


def test_summary_row_reads_the_summary_defensively():
    summary = {"verdict": "not_defended",
               "threats": {"total": 5, "killed": 3, "leaked": 2, "detected": 5},
               "assets": [{"asset": "government-quarter", "leakers": 2, "survived": False},
                          {"asset": "akinci air-base", "leakers": 0, "survived": True}],
               "interceptors": {"fired": 6, "kills": 3,
                                "by_type": {"sr-missile": {"fired": 6, "kills": 3}}},
               "cost": {"interceptors_usd": 600.0, "threats_killed_usd": 300.0},
               "sim": {"wall_time_s": 1.5, "ended_s": 100.0},
               "a_key_added_later": {"x": 1}}
    row = summary_row(summary)
    assert (row["leakers"], row["no_leaker"], row["killed"]) == (2.0, 0.0, 3.0)
    assert (row["survived_government_quarter"], row["survived_akinci_air_base"]) == (0.0, 1.0)
    assert (row["fired_sr_missile"], row["kills_sr_missile"]) == (6.0, 3.0)
    assert row["cost_exchange_ratio"] == 2.0
    assert np.isnan(row["completed_route"]) and np.isnan(row["events"])
    kept = json.loads(row["summary_json"])
    assert kept["a_key_added_later"] == {"x": 1} and "wall_time_s" not in kept["sim"]
    empty = summary_row({})
    assert np.isnan(empty["no_leaker"]) and np.isnan(empty["cost_exchange_ratio"])


def test_interval_table_on_known_counts():
    rows = pd.DataFrame({"no_leaker": [1.0] * 7 + [0.0] * 3,
                         "survived_refinery": [1.0] * 9 + [np.nan],
                         "interceptors_fired": [4.0] * 10, "interceptor_kills": [3.0] * 10,
                         "fired_gun": [0.0] * 10, "kills_gun": [0.0] * 10,
                         "leakers": [0.0] * 7 + [1.0, 2.0, 3.0]})
    table = interval_table(rows, seed=3).set_index("metric")
    expected = clopper_pearson(7, 10)
    assert tuple(table.loc["P(no leaker)", ["estimate", "low", "high"]]) == (
        expected.estimate, expected.low, expected.high)
    assert table.loc["P(survives) refinery", "trials"] == 9  # the NaN replication left out
    assert (table.loc["P(kill) per shot", "successes"],
            table.loc["P(kill) per shot", "trials"]) == (30, 40)
    assert "P(kill) per shot gun" not in table.index  # nothing fired: no estimate
    assert table.loc["mean leakers", "estimate"] == pytest.approx(0.6)
    assert table.loc["mean leakers", "low"] < 0.6 < table.loc["mean leakers", "high"]
    assert interval_table(rows, seed=3).equals(interval_table(rows, seed=3))


def test_rows_are_the_runs_summaries_and_identical_for_one_and_two_workers(thread_clients):
    scenario = iadsim.load_scenario(SCENARIO)
    one = run_campaign(thread_clients[1], scenario, 4, progress=False)
    two = run_campaign(thread_clients[2], scenario, 4, progress=False)
    pd.testing.assert_frame_equal(stable(one.replications), stable(two.replications))
    pd.testing.assert_frame_equal(one.intervals, two.intervals)
    assert one.replications["replication"].tolist() == [0, 1, 2, 3]
    direct = iadsim.run(scenario, seed=replication_seed(scenario.sim.seed, 2))
    expected = summary_row(direct.summary)
    row = one.replications.iloc[2]
    assert row["seed"] == replication_seed(2020, 2)
    assert row["summary_json"] == expected["summary_json"]
    assert row["interceptors_fired"] == direct.summary["interceptors"]["fired"]
    assert len(set(one.replications["summary_json"])) > 1  # the seeds differ, so do the runs


def test_store_writes_parquet_duckdb_and_kept_events_and_refuses_to_mix(thread_clients,
                                                                           tmp_path):
    scenario = iadsim.load_scenario(SCENARIO)
    result = run_campaign(thread_clients[2], scenario, 3, out=tmp_path, keep_events=2,
                          progress=False)
    stored = pd.read_parquet(tmp_path / "replications.parquet")
    pd.testing.assert_frame_equal(stored, result.replications)
    fired = results_store.query(tmp_path, "SELECT sum(interceptors_fired) AS fired, "
                                "count(*) AS n FROM replications")
    assert (fired["fired"][0], fired["n"][0]) == (result.replications["interceptors_fired"].sum(),
                                                 3)
    kept = sorted(p.name for p in (tmp_path / "events").iterdir())
    assert kept == ["replication-000000", "replication-000001"]
    summary = json.loads((tmp_path / "events" / kept[1] / "summary.json").read_text())
    assert summary["seed"] == replication_seed(2020, 1)
    assert not (tmp_path / "parts").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporaries
    with pytest.raises(ValueError, match="already holds a campaign"):
        run_campaign(thread_clients[1], scenario, 3, out=tmp_path, progress=False)
    with pytest.raises(ValueError, match="sql: "):
        results_store.query(tmp_path, "SELECT nothing FROM nowhere")


def test_interrupted_campaign_resumes_without_loss_or_duplicates(thread_clients, tmp_path,
                                                                 monkeypatch,
                                                                 interrupt_appends):
    """A Ctrl-C after two recorded parts, then --resume: the rows of an uninterrupted run.
    (A killed process is the slow test in tests/interfaces/test_cli_campaign.py.)"""
    scenario = iadsim.load_scenario(SCENARIO)
    reference = run_campaign(thread_clients[2], scenario, 5, progress=False)
    interrupt_appends(2)
    with pytest.raises(KeyboardInterrupt):
        run_campaign(thread_clients[1], scenario, 5, out=tmp_path, progress=False)
    monkeypatch.undo()
    recorded = results_store.ResultsStore(tmp_path, scenario, 5, resume=True).done_rows()
    assert 2 <= len(recorded) < 5
    # A duplicated part (a crash between two renames) must not count twice.
    results_store.ResultsStore(tmp_path, scenario, 5, resume=True).append(
        recorded.iloc[:1].to_dict("records"))
    resumed = run_campaign(thread_clients[2], scenario, 5, out=tmp_path, resume=True,
                           progress=False)
    pd.testing.assert_frame_equal(stable(resumed.replications), stable(reference.replications))
    pd.testing.assert_frame_equal(resumed.intervals, reference.intervals)
    other = scenario.model_validate({**scenario.model_dump(),
                                     "sim": {**scenario.sim.model_dump(), "seed": 7}})
    with pytest.raises(ValueError, match="another scenario or seed"):
        run_campaign(thread_clients[1], other, 5, out=tmp_path, resume=True, progress=False)


@pytest.mark.parametrize(("arguments", "message"), [
    ({"replications": 0}, "replications must be an integer >= 1"),
    ({"replications": 2, "keep_events": 1}, "keep_events: needs out"),
    ({"replications": 2, "resume": True}, "resume: needs out"),
    ({"replications": 2, "workers": 0}, "workers must be at least 1"),
])
def test_monte_carlo_refuses_bad_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        iadsim.monte_carlo(SCENARIO, **arguments)


def test_names_that_share_a_result_column_are_refused_before_anything_runs(tmp_path):
    """Assets ``fuel-depot`` and ``fuel_depot`` would both write ``survived_fuel_depot``
    (the second overwriting the first), interceptor types ``sam-missile`` and
    ``sam_missile`` both ``fired_sam_missile``: the campaign and the sweep refuse them in
    one line per clash naming the field, as an inventory campaign does, and nothing is
    written."""
    import copy

    from iadsim.analysis.sweep import sweep
    from small_site_builder import SMALL_SITE

    document = copy.deepcopy(SMALL_SITE)
    asset = document["defended_assets"][0]
    document["defended_assets"] += [dict(asset, name="fuel-depot"),
                                    dict(asset, name="fuel_depot")]
    model = iadsim.Scenario.model_validate(document)  # a valid scenario: one run is fine
    row = summary_row(iadsim.run(model).summary)
    assert [c for c in row if c.startswith("survived_")] == ["survived_depot",
                                                             "survived_fuel_depot"]
    with pytest.raises(iadsim.ScenarioError) as raised:
        iadsim.monte_carlo(model, 2, out=tmp_path / "mc", progress=False)
    assert raised.value.lines() == [
        "<scenario small-site>: defended_assets[2].name: 'fuel_depot' and 'fuel-depot' name "
        "the same result column 'fuel_depot'; rename one (names must differ in more than "
        "punctuation)"]
    with pytest.raises(iadsim.ScenarioError, match=r"defended_assets\[2\]\.name"):
        sweep(model, ["threats.cruise-pair.count=1,2"], 2, out=tmp_path / "sweep",
              progress=False)
    document["interceptors"].append(dict(document["interceptors"][0], name="sam_missile"))
    document["batteries"][1]["interceptor"] = "sam_missile"
    document["defended_assets"].pop()
    with pytest.raises(iadsim.ScenarioError) as raised:
        run_campaign(None, iadsim.Scenario.model_validate(document), 2)
    assert raised.value.problems == [(
        "batteries[1].interceptor", "'sam_missile' and 'sam-missile' name the same result "
        "column 'sam_missile'; rename one (names must differ in more than punctuation)")]
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("left_behind", ["runs.duckdb", "replications.parquet", "parts",
                                         "days.parquet"])
def test_results_without_their_campaign_json_are_refused_not_reused(tmp_path, left_behind):
    """A folder holding results but no campaign.json (an older iadsim's, or copied in) is
    refused in one line naming it: its rows are of an unknown campaign and must not be
    taken for this one's (they were, silently, before)."""
    from iadsim.analysis.results_store import claim_folder

    stale = tmp_path / left_behind
    if left_behind == "parts":
        stale.mkdir()
    else:
        stale.write_bytes(b"old")
    description = {"kind": "monte_carlo", "scenario_sha256": "abc", "seed": 1}
    for resume in (False, True):
        with pytest.raises(ValueError, match=rf"out: {tmp_path} holds results "
                                             rf"\({left_behind}\) but no campaign.json"):
            claim_folder(tmp_path, description, resume=resume)
    assert not (tmp_path / "campaign.json").exists()
    claim_folder(tmp_path / "new", description, resume=False)  # an empty folder is fine


def _worker_settings() -> dict[str, object]:
    import dask

    return {key: dask.config.get(key) for key in
            ("distributed.worker.profile.enabled", "distributed.admin.tick.interval")}


@pytest.mark.slow
def test_local_workers_run_without_the_dask_profiler_and_the_caller_keeps_its_settings():
    import dask
    import distributed  # noqa: F401 (loads the distributed defaults)

    from iadsim.analysis.monte_carlo import campaign_client

    before = dask.config.get("distributed.worker.profile.enabled")
    with campaign_client(1, None) as client:
        settings = list(client.run(_worker_settings).values())
    assert settings == [{"distributed.worker.profile.enabled": False,
                         "distributed.admin.tick.interval": "1s"}]
    assert dask.config.get("distributed.worker.profile.enabled") == before
