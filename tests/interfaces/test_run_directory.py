"""Reading a run folder back for plots and reports, and its bad inputs."""

from __future__ import annotations

import json
import shutil

import pytest

from iadsim.interfaces.run_directory import RunDirectoryError, read_run
from iadsim.scenario.schema import Scenario


def test_the_folder_reads_back_with_its_scenario_fates_and_no_detections(small_run_folder):
    run = read_run(small_run_folder)
    assert run.scenario == Scenario.model_validate_json(
        (small_run_folder / "scenario.json").read_bytes())
    assert [b.name for b in run.scenario.batteries] == ["sam-home", "gun-home", "sam-far"]
    assert run.threats.set_index("threat_id")["fate"].to_dict() == {
        0: "killed", 1: "leaked", 2: "killed", 3: "in_flight", 4: "killed"}
    assert not run.events["kind"].isin(["detection", "false_alarm"]).any()
    assert run.summary["sim"]["events"] > len(run.events)  # detections were left out
    assert set(run.truth["threat_id"]) == {0, 1, 2, 3, 4}


def copy_of(folder, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(folder, target)
    return target


def test_an_unknown_folder_is_one_line_naming_it(tmp_path):
    with pytest.raises(RunDirectoryError, match=r"nowhere: no such run folder"):
        read_run(tmp_path / "nowhere")


@pytest.mark.parametrize("size", [0, 10, 3000])
def test_a_truncated_event_log_is_named(small_run_folder, tmp_path, size):
    folder = copy_of(small_run_folder, tmp_path)
    data = (folder / "events.parquet").read_bytes()
    (folder / "events.parquet").write_bytes(data[:size])
    with pytest.raises(RunDirectoryError) as raised:
        read_run(folder)
    message = str(raised.value)
    assert message.startswith(f"{folder / 'events.parquet'}: corrupted or truncated")
    assert "\n" not in message


def test_a_missing_or_broken_summary_is_named(small_run_folder, tmp_path):
    folder = copy_of(small_run_folder, tmp_path)
    (folder / "summary.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(RunDirectoryError, match=r"summary.json: unreadable or not JSON"):
        read_run(folder)
    (folder / "summary.json").unlink()
    with pytest.raises(RunDirectoryError, match=r"summary.json: missing"):
        read_run(folder)


def test_without_scenario_json_a_builtin_name_is_used_and_another_is_refused(
        small_run_folder, tmp_path):
    folder = copy_of(small_run_folder, tmp_path)
    (folder / "scenario.json").unlink()
    with pytest.raises(RunDirectoryError, match=r"scenario.json: missing, and 'small-site'"):
        read_run(folder)
    summary = json.loads((folder / "summary.json").read_text())
    (folder / "summary.json").write_text(json.dumps({**summary, "scenario": "saturation"}))
    assert read_run(folder).scenario.name == "saturation"
