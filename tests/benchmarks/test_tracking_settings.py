"""The tracking benchmarks' shared options (benchmarks/tracking_settings.py): a bad
``--tracking`` item or value is one line naming it, exit code 2, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import iadsim

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
from tracking_settings import tracking_changes, with_tracking  # noqa: E402


def test_tracking_changes_are_read_as_numbers_booleans_or_words():
    assert tracking_changes(["merge_checks=100", "bias_estimation=true",
                             "motion_model=imm", "process_noise_mps2=2.5"]) == {
        "merge_checks": 100, "bias_estimation": True, "motion_model": "imm",
        "process_noise_mps2": 2.5}
    assert with_tracking("sinop-trial", {"motion_model": "imm"}).tracking.motion_model == "imm"


@pytest.mark.parametrize(("script", "tracking", "message"), [
    ("track_picture.py", "motion_model=foo", "error: sinop-trial with --tracking "
     "motion_model=foo: tracking.motion_model: Input should be 'cv', 'imm' or "
     "'imm_for_manoeuvring' (got 'foo')"),
    ("false_tracks.py", "merge_checks=-5", "error: sinop-trial with --tracking "
     "merge_checks=-5: tracking.merge_checks: Input should be greater than or equal to 1 "
     "(got -5)"),
    ("false_tracks.py", "motion_model", "error: --tracking motion_model: expected "
     "NAME=VALUE, e.g. motion_model=imm"),
])
def test_a_bad_tracking_option_is_one_line_with_exit_code_2(script, tracking, message):
    sources = str(Path(iadsim.__file__).resolve().parents[1])
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--scenarios", "sinop-trial",
         "--tracking", tracking], capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": sources + os.pathsep + os.environ.get(
            "PYTHONPATH", "")})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == message + "\n"
