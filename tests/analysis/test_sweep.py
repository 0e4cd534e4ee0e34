"""Sweeps: parameter paths and values, validated variants, the grid with common random
numbers, the table and the plots, an interrupted sweep resumed."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

import iadsim
from iadsim import api
from iadsim.analysis.monte_carlo import replication_seed, run_campaign
from iadsim.analysis.replication_metrics import TIMING_COLUMNS
from iadsim.analysis.sweep import SweepParameter, grid, parse_parameter, sweep, variant
from iadsim.interfaces.cli import app


def test_parameters_are_read_as_yaml_scalars():
    assert parse_parameter("threats.drone-wave.count=50, 100") == SweepParameter(
        "threats.drone-wave.count", (50, 100))
    assert parse_parameter("doctrine.firing_policy=shoot_shoot").values == ("shoot_shoot",)
    assert parse_parameter("sensors.lr-search.revisit_s=2.5,5").values == (2.5, 5)
    for bad in ("threats.drone-wave.count", "=1,2", "threats.drone-wave.count="):
        with pytest.raises(ValueError, match="expected PATH=VALUE"):
            parse_parameter(bad)


def test_a_variant_changes_only_its_field_and_is_validated():
    base = iadsim.load_scenario("layered-defense")
    changed = variant(base, {"threats.drone-wave.count": 50,
                             "batteries.sr-battery-refinery.launchers": 4,
                             "doctrine.salvo_size": 2})
    assert [g.count for g in changed.threats] == [4, 6, 2, 50]
    launchers = {b.name: b.launchers for b in changed.batteries}
    assert launchers["sr-battery-refinery"] == 4
    assert launchers["sr-battery-center"] == base.batteries[3].launchers
    assert changed.doctrine.salvo_size == 2
    assert changed.model_dump(exclude={"threats", "batteries", "doctrine"}) == base.model_dump(
        exclude={"threats", "batteries", "doctrine"})
    assert base.threats[3].count == 12  # the base is not modified


@pytest.mark.parametrize(("changes", "message"), [
    ({"threats.no-such-group.count": 5},
     "--param threats.no-such-group.count: no entry named 'no-such-group' in threats; "
     "expected one of: ballistic-salvo, cruise-missiles, strike-package, drone-wave"),
    ({"radars.lr-search.revisit_s": 5}, "--param radars.lr-search.revisit_s: unknown section "
                                        "'radars'; expected one of: name, description"),
    ({"threats.drone-wave.cout": 5}, "--param threats.drone-wave.cout: unknown field 'cout' in "
                                     "threats.drone-wave; expected one of: name, profile"),
    ({"threats.drone-wave": 5}, "threats.drone-wave is an entry; expected a field of it"),
    ({"threats": 5}, "threats is a section; expected a field path"),
    ({"threats.drone-wave.count": -3}, "--param threats.drone-wave.count=-3: "
                                       "threats[3].count: Input should be greater than or "
                                       "equal to 1 (got -3)"),
    ({"threats.drone-wave.count": 2.5}, "threats[3].count: Input should be a valid integer"),
    ({"threats.drone-wave.target": "nowhere"}, "threats[3].target: unknown"),
])
def test_a_bad_path_or_value_is_one_line_naming_it(changes, message):
    with pytest.raises(ValueError) as raised:
        variant(iadsim.load_scenario("layered-defense"), changes)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_bad_sweep_path_on_the_command_line_exits_2_with_one_line(tmp_path):
    result = CliRunner().invoke(app, ["sweep", "layered-defense", "--param",
                                      "threats.drone-wave.count=50,100", "--param",
                                      "batteries.sr-battery-nowhere.launchers=2,4", "-n", "2",
                                      "--out", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert result.stderr == ("error: --param batteries.sr-battery-nowhere.launchers: no entry "
                             "named 'sr-battery-nowhere' in batteries; expected one of: "
                             "lr-battery, mr-battery-north, mr-battery-west, sr-battery-center, "
                             "gun-center, sr-battery-airport, sr-battery-refinery, "
                             "gun-refinery, gun-refinery-east, sr-battery-akinci, "
                             "gun-akinci\n")
    assert not (tmp_path / "s").exists()  # nothing ran


def test_sweep_runs_the_grid_with_common_random_numbers(thread_clients, tmp_path):
    base = iadsim.load_scenario("sinop-trial")
    parameters = ["threats.high-run.count=1,2", "batteries.trial-battery.salvo_size=1,2"]
    assert len(grid(base, [parse_parameter(p) for p in parameters])) == 4
    result = sweep(base, parameters, 2, out=tmp_path, progress=False,
                   client=thread_clients[2])
    rows = result.replications
    assert sorted(rows.groupby("variant")["threats"].first()) == [3.0, 3.0, 4.0, 4.0]
    assert rows.groupby("variant")["seed"].apply(tuple).nunique() == 1  # same seeds
    point = rows[(rows["threats.high-run.count"] == 2)
                 & (rows["batteries.trial-battery.salvo_size"] == 2)]
    alone = run_campaign(thread_clients[1], variant(base, {
        "threats.high-run.count": 2, "batteries.trial-battery.salvo_size": 2}), 2,
        progress=False).replications
    assert point["summary_json"].tolist() == alone["summary_json"].tolist()
    table = pd.read_csv(tmp_path / "sweep.csv")
    assert set(table["variant"]) == {0, 1, 2, 3}
    assert "P(no leaker)" in set(table["metric"])
    metrics = result.intervals["metric"].nunique()
    assert len(result.plots) == 2 * metrics
    for plot in result.plots:
        assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def stable(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.drop(columns=list(TIMING_COLUMNS)).reset_index(drop=True)


def test_interrupted_sweep_resumes_without_loss_or_duplicates(thread_clients, tmp_path,
                                                              monkeypatch, interrupt_appends):
    """A Ctrl-C in the second variant (the first finished, the second with one recorded
    replication), a duplicated part (a crash between two renames), then resume: only the
    two missing replications run, and the rows, the table and the plots are those of an
    uninterrupted sweep, byte for byte. (A killed process is the slow test in
    tests/interfaces/test_cli_campaign.py.)"""
    from iadsim.analysis import results_store

    base = iadsim.load_scenario("sinop-trial")
    parameters = ["threats.high-run.count=1,2"]
    reference = sweep(base, parameters, 3, out=tmp_path / "reference", progress=False,
                      client=thread_clients[1])
    out = tmp_path / "sweep"
    calls = interrupt_appends(4)  # a replication a part: 3 in variant 0, 1 in variant 1
    with pytest.raises(KeyboardInterrupt):
        sweep(base, parameters, 3, out=out, progress=False, client=thread_clients[1])
    monkeypatch.undo()
    assert [count for count in calls if count] == [1, 1, 1, 1]
    assert (out / "variant-00" / "replications.parquet").exists()
    assert not (out / "variant-01" / "replications.parquet").exists()
    assert not (out / "sweep.csv").exists()
    store = results_store.ResultsStore(out / "variant-01", variant(base, {
        "threats.high-run.count": 2}), 3, resume=True)
    recorded = store.done_rows()
    # One of variant 1's replications was recorded; which one finished first is the
    # scheduler's choice (it is usually replication 0).
    done = recorded["replication"].tolist()
    assert len(done) == 1 and done[0] in (0, 1, 2)
    store.append(recorded.to_dict("records"))  # the same replication recorded twice
    with pytest.raises(ValueError, match=f"out: {out} already holds a sweep; pass "
                                         r"resume=True \(--resume\)"):
        sweep(base, parameters, 3, out=out, progress=False, client=thread_clients[1])
    with pytest.raises(ValueError, match="holds a sweep of other parameters "
                                         r"\(threats.high-run.count=1,2\); expected the same "
                                         "--param options in the same order, got "
                                         "threats.high-run.count=1,3"):
        sweep(base, ["threats.high-run.count=1,3"], 3, out=out, progress=False,
              client=thread_clients[1], resume=True)
    other = base.model_validate({**base.model_dump(),
                                 "sim": {**base.sim.model_dump(), "seed": 7}})
    with pytest.raises(ValueError, match="holds a sweep of another scenario or seed"):
        sweep(other, parameters, 3, out=out, progress=False, client=thread_clients[1],
              resume=True)
    played = []
    original_run = api.run
    monkeypatch.setattr("iadsim.api.run", lambda scenario, seed, max_events: played.append(
        (scenario.threats[0].count, seed)) or original_run(scenario, seed=seed,
                                                            max_events=max_events))
    resumed = sweep(base, parameters, 3, out=out, progress=False, client=thread_clients[1],
                    resume=True)
    monkeypatch.undo()
    assert sorted(played) == sorted((2, replication_seed(base.sim.seed, i))
                                    for i in (0, 1, 2) if i != done[0])
    pd.testing.assert_frame_equal(stable(resumed.replications),
                                  stable(reference.replications))
    pd.testing.assert_frame_equal(resumed.intervals, reference.intervals)
    assert (out / "sweep.csv").read_bytes() == (tmp_path / "reference" / "sweep.csv").read_bytes()
    assert [p.name for p in resumed.plots] == [p.name for p in reference.plots]
    for mine, theirs in zip(resumed.plots, reference.plots, strict=True):
        assert mine.read_bytes() == theirs.read_bytes(), mine.name
    assert not (out / "variant-01" / "parts").exists()
    assert not [p for p in out.rglob(".*")]  # no temporaries


def test_a_sweep_resume_with_other_parameters_is_one_line_with_exit_code_2(tmp_path):
    """Refused before anything runs: the stored sweep is only its campaign.json here."""
    from iadsim.analysis.sweep import claim_sweep_folder

    base = iadsim.load_scenario("sinop-trial")
    claim_sweep_folder(tmp_path, base, [parse_parameter("threats.high-run.count=1,2")], 2,
                       resume=False)
    result = CliRunner().invoke(app, ["sweep", "sinop-trial", "--param",
                                      "threats.high-run.count=1,2", "--param",
                                      "batteries.trial-battery.salvo_size=1,2", "-n", "2",
                                      "--out", str(tmp_path), "--resume"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (f"error: resume: {tmp_path} holds a sweep of other parameters "
                             "(threats.high-run.count=1,2); expected the same --param options "
                             "in the same order, got threats.high-run.count=1,2 "
                             "batteries.trial-battery.salvo_size=1,2\n")
    again = CliRunner().invoke(app, ["sweep", "sinop-trial", "--param",
                                     "threats.high-run.count=1,2", "-n", "2", "--out",
                                     str(tmp_path)])
    assert again.exit_code == 2
    assert again.stderr == (f"error: out: {tmp_path} already holds a sweep; pass resume=True "
                            "(--resume) to complete it, or choose another folder\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["campaign.json"]  # nothing ran
    with pytest.raises(ValueError, match="resume: needs out"):
        sweep(base, ["threats.high-run.count=1,2"], 2, resume=True)


def test_a_replication_that_keeps_killing_its_worker_stops_the_sweep_which_resumes(
        thread_clients, tmp_path, monkeypatch):
    """The cluster gives up on a replication whose worker dies every time (KilledWorker,
    imitated here in process): the sweep stops with one line naming it, the finished
    replications stay recorded, and --resume completes the sweep running only the rest."""
    from types import SimpleNamespace

    from distributed.scheduler import KilledWorker

    from iadsim.errors import WorkerLostError

    base = iadsim.load_scenario("sinop-trial")
    parameters = ["threats.high-run.count=1,2"]
    bad_seed = replication_seed(base.sim.seed, 1)
    original_run = api.run

    def crash(scenario, seed, max_events):
        if scenario.threats[0].count == 2 and seed == bad_seed:
            raise KilledWorker("replication", SimpleNamespace(address="tcp://10.0.0.9:1"), 3)
        return original_run(scenario, seed=seed, max_events=max_events)

    monkeypatch.setattr("iadsim.api.run", crash)
    with pytest.raises(WorkerLostError) as raised:
        sweep(base, parameters, 2, out=tmp_path, progress=False, client=thread_clients[1])
    assert str(raised.value) == (f"variant 2/2: replication 1 (seed {bad_seed}) killed its "
                                 "worker process each time it ran (a crash or the "
                                 "out-of-memory killer)")
    monkeypatch.undo()
    played = []
    monkeypatch.setattr("iadsim.api.run", lambda scenario, seed, max_events: played.append(
        seed) or original_run(scenario, seed=seed, max_events=max_events))
    resumed = sweep(base, parameters, 2, out=tmp_path, progress=False,
                    client=thread_clients[1], resume=True)
    assert played == [bad_seed]  # variant 2's replication 0 was recorded before
    assert resumed.replications.groupby("variant")["replication"].apply(list).tolist() == [
        [0, 1], [0, 1]]


def test_a_lost_worker_on_the_command_line_is_one_line_saying_how_to_resume(tmp_path,
                                                                              monkeypatch):
    from iadsim.errors import WorkerLostError

    def lose(*args, **kwargs):
        raise WorkerLostError("variant 2/2: replication 1 (seed 5) killed its worker process "
                              "each time it ran (a crash or the out-of-memory killer)")

    monkeypatch.setattr("iadsim.analysis.sweep.sweep", lose)
    result = CliRunner().invoke(app, ["sweep", "sinop-trial", "--param",
                                      "threats.high-run.count=1,2", "-n", "2", "--out",
                                      str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == ("error: variant 2/2: replication 1 (seed 5) killed its worker "
                             "process each time it ran (a crash or the out-of-memory killer); "
                             f"the finished replications are kept in {tmp_path}: run the same "
                             "command with --resume to complete the sweep\n")
