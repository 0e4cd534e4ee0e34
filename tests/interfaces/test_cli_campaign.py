"""The campaign commands: mc, sql (and their error lines); process clusters, a separately
started Dask scheduler and worker, and a campaign process killed mid-way (slow tests)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import iadsim
from iadsim.analysis.replication_metrics import TIMING_COLUMNS
from iadsim.interfaces.cli import app

runner = CliRunner()
SOURCES = str(Path(iadsim.__file__).resolve().parents[1])
SCENARIO = "sinop-trial"


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": SOURCES + os.pathsep + os.environ.get("PYTHONPATH", "")}


def stable(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.drop(columns=list(TIMING_COLUMNS)).reset_index(drop=True)


def kill_when_parts(command: list[str], parts: Path, count: int) -> None:
    """Start ``command`` in its own session and SIGKILL it and its worker processes (the
    whole session: SIGKILL cannot be caught) once ``parts`` holds ``count`` part files."""
    process = subprocess.Popen(command, env=environment(), start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 400
        while time.monotonic() < deadline and process.poll() is None:
            if len(list(parts.glob("part-*.parquet"))) >= count:
                break
            time.sleep(0.2)
        assert process.poll() is None, "the campaign ended before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.parametrize(("arguments", "message"), [
    (["mc", SCENARIO, "-n", "2", "--keep-events", "1"], "keep_events: needs out"),
    (["mc", "no-such-scenario", "-n", "2"], "no such scenario file or built-in scenario"),
    (["mc", SCENARIO, "-n", "2", "--resume"], "resume: needs out"),
    (["sql", "/nonexistent-folder", "SELECT 1"], "holds no runs.duckdb"),
])
def test_campaign_commands_report_bad_input_in_one_line(arguments, message):
    result = runner.invoke(app, arguments, terminal_width=100)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_sql_prints_the_query_result(tmp_path):
    from iadsim.analysis.results_store import write_database

    write_database(tmp_path / "runs.duckdb", {"replications": pd.DataFrame(
        {"replication": [0, 1, 2], "leakers": [0.0, 2.0, 1.0]})})
    result = runner.invoke(app, ["sql", str(tmp_path),
                                 "SELECT max(leakers) AS worst, count(*) AS n FROM replications"])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["worst", "n", "2.0", "3"]
    bad = runner.invoke(app, ["sql", str(tmp_path), "SELECT * FROM nowhere"])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: sql: ")


@pytest.mark.slow
def test_local_process_clusters_of_one_and_two_workers_give_identical_rows(tmp_path):
    one = iadsim.monte_carlo(SCENARIO, 4, workers=1, progress=False)
    two = iadsim.monte_carlo(SCENARIO, 4, workers=2, out=tmp_path, progress=False)
    pd.testing.assert_frame_equal(stable(one.replications), stable(two.replications))
    pd.testing.assert_frame_equal(one.intervals, two.intervals)
    result = runner.invoke(app, ["sql", str(tmp_path), "SELECT count(*) AS n FROM replications"])
    assert result.stdout.split() == ["n", "4"]


@pytest.mark.slow
def test_campaign_on_a_separately_started_dask_scheduler_and_worker(tmp_path):
    dask = shutil.which("dask") or str(Path(sys.executable).with_name("dask"))
    if not Path(dask).exists():
        pytest.skip("the dask executable is not installed")
    scheduler_file = tmp_path / "scheduler.json"
    started = []
    try:
        started.append(subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address",
             ":0", "--scheduler-file", str(scheduler_file)], env=environment(),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        started.append(subprocess.Popen(
            [dask, "worker", "--scheduler-file", str(scheduler_file), "--nworkers", "1",
             "--nthreads", "1", "--dashboard-address", ":0"], env=environment(),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 120
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        address = json.loads(scheduler_file.read_text())["address"]
        remote = iadsim.monte_carlo(SCENARIO, 3, scheduler=address, progress=False)
    finally:
        for process in reversed(started):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    local = iadsim.monte_carlo(SCENARIO, 3, workers=1, progress=False)
    pd.testing.assert_frame_equal(stable(remote.replications), stable(local.replications))
    with pytest.raises(ValueError, match="scheduler: cannot connect"):
        iadsim.monte_carlo(SCENARIO, 1, scheduler="tcp://127.0.0.1:9", progress=False)


@pytest.mark.slow
def test_campaign_process_killed_mid_way_resumes_without_loss_or_duplicates(tmp_path):
    out = tmp_path / "campaign"
    command = [sys.executable, "-m", "iadsim.interfaces.cli", "mc", SCENARIO, "-n", "12",
               "--workers", "1", "--out", str(out)]
    kill_when_parts(command, out / "parts", 3)
    assert not (out / "replications.parquet").exists()
    resumed = subprocess.run([*command, "--resume"], env=environment(), capture_output=True,
                             text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    rows = pd.read_parquet(out / "replications.parquet")
    reference = iadsim.monte_carlo(SCENARIO, 12, workers=1, progress=False)
    pd.testing.assert_frame_equal(stable(rows), stable(reference.replications))
    assert "P(kill) per shot" in resumed.stdout


@pytest.mark.slow
def test_inventory_campaign_process_killed_mid_way_resumes_without_loss_or_duplicates(
        tmp_path):
    """``iadsim campaign --resume`` after SIGKILL of the campaign and its worker: the rows
    of an uninterrupted campaign (played in this process; the rows are the same whatever
    the workers, tests/analysis/test_inventory_campaign.py)."""
    import copy

    import yaml

    from iadsim.analysis.inventory_campaign import run_inventory_campaign
    from small_site_builder import SMALL_SITE

    document = copy.deepcopy(SMALL_SITE)
    document["interceptors"] = [dict(document["interceptors"][0], single_shot_pk=0.6)]
    document["batteries"] = [dict(document["batteries"][0], launchers=1,
                                  missiles_per_launcher=3)]
    document["campaign"] = {"days": 2}
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    out = tmp_path / "campaign"
    command = [sys.executable, "-m", "iadsim.interfaces.cli", "campaign", str(path), "-n",
               "12", "--workers", "1", "--out", str(out)]
    kill_when_parts(command, out / "parts", 3)
    assert not (out / "days.parquet").exists()
    recorded = len(list((out / "parts").glob("part-*.parquet")))
    assert 3 <= recorded < 12
    resumed = subprocess.run([*command, "--resume"], env=environment(), capture_output=True,
                             text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    days = pd.read_parquet(out / "days.parquet")
    reference = run_inventory_campaign(None, iadsim.load_scenario(path), 12)
    pd.testing.assert_frame_equal(days, reference.days)
    assert days.groupby("replication").size().tolist() == [2] * 12


@pytest.mark.slow
def test_sweep_process_killed_mid_way_resumes_without_loss_or_duplicates(tmp_path):
    """``iadsim sweep --resume`` after SIGKILL of the sweep and its worker in its second
    variant: the rows, sweep.csv and plots of an uninterrupted sweep (played on an
    in-process cluster; the rows are the same whatever the workers)."""
    import logging

    from distributed import Client, LocalCluster

    from iadsim.analysis.sweep import sweep

    parameters = ["threats.high-run.count=1,2"]
    out = tmp_path / "sweep"
    command = [sys.executable, "-m", "iadsim.interfaces.cli", "sweep", SCENARIO, "--param",
               parameters[0], "-n", "8", "--workers", "1", "--out", str(out)]
    kill_when_parts(command, out / "variant-01" / "parts", 2)
    assert (out / "variant-00" / "replications.parquet").exists()
    assert not (out / "variant-01" / "replications.parquet").exists()
    assert not (out / "sweep.csv").exists()
    resumed = subprocess.run([*command, "--resume"], env=environment(), capture_output=True,
                             text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    with LocalCluster(n_workers=1, processes=False, threads_per_worker=1,
                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            Client(cluster, set_as_default=False) as client:
        reference = sweep(SCENARIO, parameters, 8, out=tmp_path / "reference",
                          progress=False, client=client)
    rows = pd.read_parquet(out / "replications.parquet")
    pd.testing.assert_frame_equal(stable(rows), stable(reference.replications))
    assert rows.groupby("variant").size().tolist() == [8, 8]
    assert (out / "sweep.csv").read_bytes() == (tmp_path / "reference" / "sweep.csv").read_bytes()
    for plot in reference.plots:
        assert (out / "plots" / plot.name).read_bytes() == plot.read_bytes(), plot.name


def test_mc_refuses_names_that_share_a_result_column_in_one_line(tmp_path):
    import copy

    import yaml

    from small_site_builder import SMALL_SITE

    document = copy.deepcopy(SMALL_SITE)
    asset = document["defended_assets"][0]
    document["defended_assets"] += [dict(asset, name="fuel-depot"),
                                    dict(asset, name="fuel_depot")]
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    result = runner.invoke(app, ["mc", str(path), "-n", "2", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (f"error: {path}: defended_assets[2].name: 'fuel_depot' and "
                             "'fuel-depot' name the same result column 'fuel_depot'; rename "
                             "one (names must differ in more than punctuation)\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_sweep_whose_worker_is_killed_completes_without_loss_or_duplicates(tmp_path):
    """SIGKILL of the worker process (not of the sweep) while the second variant runs: the
    scheduler restarts it and runs its replication again, and the scenario the
    replications read is computed again (scattered data would be lost with the worker,
    and every waiting replication cancelled). The rows are those of an undisturbed
    sweep, none lost, none twice."""
    import psutil

    out = tmp_path / "sweep"
    command = [sys.executable, "-m", "iadsim.interfaces.cli", "sweep", SCENARIO, "--param",
               "threats.high-run.count=1,2", "-n", "6", "--workers", "1", "--out", str(out)]
    process = subprocess.Popen(command, env=environment(), start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 400
        while time.monotonic() < deadline and process.poll() is None:
            if list((out / "variant-01" / "parts").glob("part-*.parquet")):
                break
            time.sleep(0.2)
        assert process.poll() is None, "the sweep ended before its worker could be killed"
        workers = [child for child in psutil.Process(process.pid).children(recursive=True)
                   if "spawn_main" in " ".join(child.cmdline())]
        assert len(workers) == 1
        workers[0].send_signal(signal.SIGKILL)
        _, stderr = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 0, stderr
    rows = pd.read_parquet(out / "replications.parquet")
    assert rows.groupby("variant")["replication"].apply(list).tolist() == [list(range(6))] * 2
    model = iadsim.load_scenario(SCENARIO)
    from iadsim.analysis.monte_carlo import run_campaign
    from iadsim.analysis.sweep import variant

    for number, count in enumerate((1, 2)):
        alone = run_campaign(None, variant(model, {"threats.high-run.count": count}), 6)
        mine = rows[rows["variant"] == number].drop(columns=["variant",
                                                             "threats.high-run.count"])
        pd.testing.assert_frame_equal(stable(mine), stable(alone.replications))
