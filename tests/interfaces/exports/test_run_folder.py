"""Reading a run folder back, and bad input: one line naming the file, exit code 2,
nothing half-written."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from iadsim.interfaces.cli import app
from iadsim.interfaces.exports.run_folder import (
    ExportError,
    read_run_folder,
    write_atomically,
)

runner = CliRunner()


def _copy(run_dir, tmp_path):
    folder, _ = run_dir
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    return copy


def _plain(events: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as plain objects (Parquet reads their categories as str)."""
    return events.astype({name: object for name in ("kind", "sensor", "battery", "asset")})


def test_a_run_folder_reads_back_as_written(run_dir):
    folder, result = run_dir
    run = read_run_folder(folder)
    assert run.scenario == result.scenario
    pd.testing.assert_frame_equal(_plain(run.events), _plain(result.events))
    pd.testing.assert_frame_equal(run.interceptors, result.interceptors)
    assert run.ended_s == result.summary["sim"]["ended_s"] == 339.0


def _fails(arguments, *names):
    """Run the CLI; expect exit 2 and one error line naming every given name."""
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


def test_an_unknown_run_folder_is_one_line_and_exit_2(tmp_path):
    out = tmp_path / "x.czml"
    _fails(["export", "czml", str(tmp_path / "nowhere"), "--out", str(out)], "nowhere",
           "no such run folder")
    assert not out.exists()


def test_a_truncated_event_log_names_the_file_and_writes_nothing(run_dir, tmp_path):
    copy = _copy(run_dir, tmp_path)
    data = (copy / "events.parquet").read_bytes()
    (copy / "events.parquet").write_bytes(data[: len(data) // 2])
    out = tmp_path / "out"
    out.mkdir()
    for arguments in (["czml", "--out", str(out / "x.czml")],
                      ["kml", "--out", str(out / "x.kml")],
                      ["dis", "--file", str(out / "x.pdu")],
                      ["csv", "--out", str(out / "tables")]):
        _fails(["export", arguments[0], str(copy), *arguments[1:]], "events.parquet",
               "not a readable Parquet file")
    assert list(out.iterdir()) == []


def test_a_missing_column_is_named(run_dir, tmp_path):
    copy = _copy(run_dir, tmp_path)
    events = pd.read_parquet(copy / "events.parquet").drop(columns=["interceptor_id"])
    events.to_parquet(copy / "events.parquet")
    with pytest.raises(ExportError, match=r"events\.parquet: missing column\(s\) "
                                          "interceptor_id"):
        read_run_folder(copy)


def test_a_folder_without_its_scenario_asks_for_it_and_a_wrong_one_is_refused(run_dir,
                                                                               tmp_path):
    copy = _copy(run_dir, tmp_path)
    (copy / "scenario.json").unlink()
    with pytest.raises(ExportError, match=r"scenario\.json: missing.*--scenario"):
        read_run_folder(copy)
    with pytest.raises(ExportError, match=r"threats\.parquet: 4 threats, but the scenario "
                                          "'layered-defense' has 24"):
        read_run_folder(copy, scenario="layered-defense")


def test_an_unwritable_output_path_is_one_line(run_dir, tmp_path):
    folder, _ = run_dir
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    _fails(["export", "czml", str(folder), "--out", str(blocker / "x.czml")], "x.czml")
    _fails(["export", "kml", str(folder), "--out", str(tmp_path)], str(tmp_path), "folder")
    _fails(["export", "parquet", str(folder), "--out", str(blocker)], "a-file",
           "not a folder")
    assert blocker.read_text() == "not a folder"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "x.czml"
    target.write_text("old")

    def broken(path):
        path.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(ExportError, match=r"x\.czml: cannot write there: No space left"):
        write_atomically(target, broken)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.czml"]


@pytest.mark.parametrize("address", ["localhost", "localhost:0", "localhost:65536",
                                     ":3000", "localhost:port",
                                     "no-such-host.invalid:3000"])
def test_a_bad_udp_address_is_one_line_naming_the_option(run_dir, address):
    folder, _ = run_dir
    _fails(["export", "dis", str(folder), "--udp", address], "--udp", address)


def test_dis_needs_exactly_one_destination(run_dir, tmp_path):
    folder, _ = run_dir
    _fails(["export", "dis", str(folder)], "--udp", "--file")
    _fails(["export", "dis", str(folder), "--udp", "localhost:3000", "--file",
            str(tmp_path / "x.pdu")], "exactly one")
    _fails(["export", "czml", str(folder)], "--out")
    _fails(["export", "dis", str(folder), "--file", str(tmp_path / "x.pdu"), "--rate-hz",
            "0"], "--rate-hz")
    assert not (tmp_path / "x.pdu").exists()
