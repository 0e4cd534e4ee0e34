"""Issue 22, crash safety of ``iadsim run``: killed (SIGKILL, which cannot be caught) at
each step of writing its folder, the run leaves every output file whole or absent, never a
half-written file and never a temporary file named like an output.

The steps (a temporary file created, written, cut in the middle of its write, renamed;
for each of the seven run files and the SVG picture) are injected deterministically by
``write_step_killer.py`` in a child process that simulates once and forks a copy per
kill. The default suite kills at the steps of the first and last files and of the
picture; ``-m slow`` at every step, on sinop-trial and on layered-defense."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import iadsim

SOURCE = str(Path(iadsim.__file__).resolve().parents[1])
KILLER = Path(__file__).with_name("write_step_killer.py")
RUN_FILES = ("events.parquet", "threats.parquet", "tracks.parquet", "truth.parquet",
             "interceptors.parquet", "scenario.json", "summary.json")
OUTPUT_SUFFIXES = (".parquet", ".json", ".svg")


def kill_at_each_step(base: Path, scenario: str, sample: bool) -> dict:
    environment = {**os.environ, "PYTHONPATH": SOURCE}
    finished = subprocess.run([sys.executable, str(KILLER), scenario, str(base),
                               *(["sample"] if sample else [])], env=environment,
                              capture_output=True, text=True, timeout=900)
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])


def check_folders(report: dict) -> None:
    complete = Path(report["complete"])
    assert sorted(p.name for p in complete.iterdir()) == sorted([*RUN_FILES, "summary.svg"])
    for kill in report["kills"]:
        assert kill["signal"] == 9, kill  # killed at the step, not finished or failed
        folder = Path(kill["folder"])
        present = []
        for path in folder.iterdir() if folder.exists() else []:
            if path.name.startswith("."):  # a temporary file SIGKILL left behind
                assert not path.name.endswith(OUTPUT_SUFFIXES), (kill, path.name)
                continue
            # Whole: byte for byte the file of the uninterrupted write.
            assert path.read_bytes() == (complete / path.name).read_bytes(), (kill, path.name)
            present.append(path.name)
        # summary.json is renamed last: a folder that has it has every run file.
        if "summary.json" in present:
            assert set(RUN_FILES) <= set(present), kill


def test_a_run_killed_at_the_write_steps_leaves_each_file_whole_or_absent(tmp_path):
    report = kill_at_each_step(tmp_path, "sinop-trial", sample=True)
    # Every file is written under its temporary name first, then they are renamed.
    assert [kill["step"] for kill in report["kills"]] == [
        "created events.parquet", "wrote events.parquet", "half-wrote events.parquet",
        "created summary.json", "wrote summary.json", "half-wrote summary.json",
        "renamed events.parquet", "renamed summary.json",
        "created summary.svg", "wrote summary.svg", "half-wrote summary.svg",
        "renamed summary.svg"]
    check_folders(report)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["sinop-trial", "layered-defense"])
def test_a_run_killed_at_every_write_step_leaves_each_file_whole_or_absent(tmp_path,
                                                                          scenario):
    report = kill_at_each_step(tmp_path, scenario, sample=False)
    assert len(report["kills"]) == 32  # 8 files x (created, wrote, half-wrote, renamed)
    check_folders(report)
