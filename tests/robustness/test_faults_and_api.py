"""Issue 22, faults and the Python API: outputs checked before the run, nothing
half-written or left behind, strict JSON, the verdict, and what ``iadsim.run`` accepts."""

from __future__ import annotations

import copy
import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import iadsim
import iadsim.api
from iadsim.errors import OutputError, ScenarioError
from iadsim.interfaces.cli import main
from iadsim.scenario.schema import Scenario
from iadsim.tracking.association import MAX_PAIRS_PER_TRACK, gated_pairs
from small_site_builder import SMALL_SITE

ENTRY = "from iadsim.interfaces.cli import main; main()"
SOURCE = str(Path(iadsim.__file__).resolve().parents[1])


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    captured = capsys.readouterr()
    return int(exit_info.value.code), captured.out, captured.err


def command(*argv: str, **options) -> subprocess.CompletedProcess:
    """The entry point in a child process (for file descriptors and signals)."""
    environment = {**os.environ, "PYTHONPATH": SOURCE}
    return subprocess.run([sys.executable, "-c", ENTRY, *argv], env=environment, text=True,
                          timeout=120, **options)


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if a simulation starts: the refusal must come before it."""
    def refuse(*args, **kwargs):
        raise AssertionError("the simulation started before the refusal")
    monkeypatch.setattr(iadsim.api, "Simulation", refuse)


@pytest.fixture(scope="module")
def trial_run() -> iadsim.RunResult:
    return iadsim.run("sinop-trial", seed=1)


# --- The verdict -------------------------------------------------------------------------

@pytest.mark.parametrize(("duration_s", "start_s", "spacing_s", "verdict_text"), [
    (100.0, 0.0, 10.0, "UNDECIDED: 2 threats still in flight at 100 s; no leaker before "
                       "then."),
    (100.0, 150.0, 10.0, "UNDECIDED: 2 threats not launched by 100 s; no leaker before "
                         "then."),
    (100.0, 0.0, 150.0, "UNDECIDED: 2 threats unresolved at 100 s (1 still in flight, 1 not "
                        "launched); no leaker before then."),
])
def test_the_verdict_is_undecided_while_threats_are_unresolved(duration_s, start_s,
                                                               spacing_s, verdict_text):
    document = copy.deepcopy(SMALL_SITE)
    document["sim"]["duration_s"] = duration_s
    document["threats"][0].update(start_s=start_s, spacing_s=spacing_s)
    summary = iadsim.run(document).summary
    assert summary["threats"]["leaked"] == 0
    assert (summary["verdict"], summary["verdict_text"]) == ("undecided", verdict_text)


def test_the_verdict_is_defended_only_when_every_threat_is_resolved():
    summary = iadsim.run(copy.deepcopy(SMALL_SITE)).summary
    resolved = summary["threats"]
    assert resolved["in_flight_at_end"] == resolved["not_launched"] == 0
    assert resolved["leaked"] == 0 and resolved["killed"] == 2
    assert summary["verdict"] == "defended"


# --- Strict JSON, modes, SIGTERM --------------------------------------------------------

def test_summary_json_never_holds_infinity_or_nan(tmp_path, trial_run):
    summary = {**trial_run.summary, "cost": {**trial_run.summary["cost"],
                                             "interceptors_usd": float("inf")},
               "extra": [float("nan"), 1.5]}
    result = iadsim.RunResult(trial_run.scenario, trial_run.seed, trial_run.events,
                              trial_run.threats, summary)
    result.write(tmp_path / "out")

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    written = json.loads((tmp_path / "out" / "summary.json").read_text(),
                         parse_constant=refuse)
    assert written["cost"]["interceptors_usd"] is None and written["extra"] == [None, 1.5]


def test_output_files_follow_the_umask(tmp_path, trial_run):
    previous = os.umask(0o027)
    try:
        trial_run.write(tmp_path / "out")
    finally:
        os.umask(previous)
    modes = {path.name: stat.S_IMODE(path.stat().st_mode)
             for path in (tmp_path / "out").iterdir()}
    assert modes == dict.fromkeys(["events.parquet", "threats.parquet", "tracks.parquet",
                                   "truth.parquet", "interceptors.parquet", "scenario.json",
                                   "summary.json"], 0o640)


def test_sigterm_while_writing_leaves_no_temporary_file(capsys, tmp_path, monkeypatch):
    original = pd.DataFrame.to_parquet

    def write_then_terminate(self, path, *args, **kwargs):
        original(self, path, *args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)  # as `kill PID` would, mid-way through

    monkeypatch.setattr(pd.DataFrame, "to_parquet", write_then_terminate)
    out = tmp_path / "out"
    code, _, err = cli(capsys, "run", "sinop-trial", "--quiet", "--out", str(out))
    assert code == 143
    assert err == "error: terminated (SIGTERM); no output file was left half-written\n"
    assert list(out.iterdir()) == []  # no hidden .events.parquet.XXXX, no partial set
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


# --- Outputs checked before the run ------------------------------------------------------

@pytest.mark.parametrize(("option", "value", "expected"), [
    ("--out", "", "--out: empty path; expected a folder path (write '.' for the current "
                  "folder)"),
    ("--out", "{file}/run", "--out: cannot create {file}/run: {file} is not a folder"),
    ("--out", "{file}", "--out: {file} exists and is not a folder; expected a folder path"),
    ("--out", "/proc/iadsim-run", "--out: cannot write to /proc/iadsim-run: "),
    ("--svg", "{folder}", "--svg: {folder} is a folder; expected a file path"),
    ("--svg", "{file}/picture.svg", "--svg: cannot write {file}/picture.svg: {file} is not a "
                                    "folder"),
])
def test_unwritable_outputs_are_refused_before_the_run(capsys, tmp_path, no_simulation,
                                                       option, value, expected):
    (tmp_path / "a-file").write_text("x")
    names = {"file": str(tmp_path / "a-file"), "folder": str(tmp_path)}
    arguments = ["run", "sinop-trial", option, value.format(**names)]
    if option == "--svg":
        arguments += ["--out", str(tmp_path / "out")]
    code, out, err = cli(capsys, *arguments)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {expected.format(**names)}") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_api_out_is_checked_before_the_run(no_simulation):
    with pytest.raises(OutputError, match=r"^out: /dev/full exists and is not a folder; "
                                          "expected a folder path$"):
        iadsim.run("sinop-trial", out="/dev/full")


def test_a_full_standard_output_is_one_line_with_exit_code_2():
    for arguments in (["validate", "sinop-trial"], ["scenarios"]):
        with open("/dev/full", "w") as full:
            done = command(*arguments, stdout=full, stderr=subprocess.PIPE)
        assert done.returncode == 2
        assert done.stderr == "error: cannot write to standard output: No space left on device\n"


def test_a_closed_pipe_is_one_line_with_exit_code_2():
    environment = {**os.environ, "PYTHONPATH": SOURCE}
    child = subprocess.Popen([sys.executable, "-c", ENTRY, "scenarios"], env=environment,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    child.stdout.close()  # as `| head -c1` does once it has read its byte
    stderr = child.stderr.read()
    assert child.wait(timeout=120) == 2
    assert stderr == "error: cannot write to standard output: Broken pipe\n"


# --- The Python API ----------------------------------------------------------------------

@pytest.mark.parametrize(("seed", "error", "message"), [
    (1.5, TypeError, "seed must be a non-negative int, got float 1.5"),
    (True, TypeError, "seed must be a non-negative int, got bool True"),
    ("1", TypeError, "seed must be a non-negative int, got str '1'"),
    (-1, ValueError, r"seed must be an integer from 0 to 2\*\*63 - 1, got -1"),
])
def test_a_seed_must_be_a_non_negative_int(no_simulation, seed, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        iadsim.run("sinop-trial", seed=seed)


@pytest.mark.parametrize("scenario", [None, 123, ["sinop-trial"]])
def test_run_names_what_it_accepts(no_simulation, scenario):
    with pytest.raises(TypeError, match=r"^scenario must be a built-in name or a file path "
                                        r"\(str or pathlib.Path\), a dict or an "
                                        rf"iadsim.Scenario, got {type(scenario).__name__}$"):
        iadsim.run(scenario)


def test_run_accepts_a_dict_validated_like_a_file():
    document = copy.deepcopy(SMALL_SITE)
    assert iadsim.run(document).scenario.name == "small-site"
    document["threats"][0]["speed_mps"] = -1.0
    with pytest.raises(ScenarioError, match=r"^<scenario>: threats\[0\].speed_mps: Input "
                                            "should be greater than 0"):
        iadsim.run(document)


def test_a_scenario_object_gets_the_cross_reference_checks(no_simulation):
    document = copy.deepcopy(SMALL_SITE)
    document["batteries"][0]["radars"] = ["nowhere"]
    model = Scenario.model_validate(document)  # each section valid, the reference not
    with pytest.raises(ScenarioError) as error:
        iadsim.run(model)
    assert error.value.lines() == [
        "<scenario small-site>: batteries[0].radars[0]: unknown sensor 'nowhere'; expected "
        "one of: 'home-radar', 'east-radar'"]


def test_a_trajectory_the_model_cannot_fly_is_a_scenario_error():
    document = copy.deepcopy(SMALL_SITE)
    document["threats"] = [{
        "name": "srbm", "kind": "ballistic_missile", "rcs_m2": 0.3, "target": "depot",
        "launch": {"lat_deg": 38.0, "lon_deg": 33.0}, "apogee_km": 5.0,
        "burn_time_s": 60.0}]
    with pytest.raises(ScenarioError, match=r"^<scenario small-site>: threats: no boost of "
                                            "burn_time_s=60.0 reaches 222.4 km with apogee_km=5.0"):
        iadsim.run(document)


# --- Association in a crowd --------------------------------------------------------------

def test_association_of_thousands_of_coincident_targets_stays_linear():
    count = 3_000
    rng = np.random.default_rng(1)
    tracks = rng.normal(0.0, 5.0, (count, 3))
    reports = rng.normal(0.0, 5.0, (count, 3))
    covariance = np.broadcast_to(np.eye(3) * 100.0, (count, 3, 3))
    track_index, report_index, _ = gated_pairs(tracks, covariance, reports, covariance,
                                               gate_threshold=21.1)
    assert track_index.size <= MAX_PAIRS_PER_TRACK * 2 * count  # not count x count
    assert np.unique(report_index).size == count  # every report keeps a candidate


# --- Numerical edge cases: no NaN or infinity reaches the outputs ------------------------

def _every_number(value, found):
    if isinstance(value, float):
        found.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _every_number(item, found)
    elif isinstance(value, list):
        for item in value:
            _every_number(item, found)
    return found


@pytest.mark.parametrize(("case", "verdict", "detected", "fired", "killed"), [
    ("empty raid", "defended", 0, 0, 0),
    ("every radar down", "not_defended", 0, 0, 0),
    # Inside the home radar's cone of silence (above 85 deg elevation): only the east
    # radar sees them, and the batteries fire on the home radar alone.
    ("overhead, slow, coincident", "not_defended", 2, 0, 0),
    ("empty magazines", "not_defended", 6, 2, 1),  # one round each, no reload in the run
])
def test_edge_cases_run_without_non_finite_numbers_in_the_summary(tmp_path, case, verdict,
                                                                  detected, fired, killed):
    document = copy.deepcopy(SMALL_SITE)
    document["sim"]["duration_s"] = 300.0
    threat = document["threats"][0]
    if case == "empty raid":
        document["threats"] = []
    elif case == "every radar down":
        document["faults"] = [{"kind": "radar_down", "target": name, "start_s": 0.0}
                              for name in ("home-radar", "east-radar")]
    elif case == "empty magazines":
        for battery in document["batteries"]:
            battery.update(launchers=1, missiles_per_launcher=1, reload_s=86_400.0)
        threat.update(count=6, spacing_s=1.0)
    else:  # two threats at one place crawling to a point straight over the home radar
        threat.update(count=2, spacing_s=0.0, lanes=1, speed_mps=0.5,
                      route=[{"lat_deg": 40.0, "lon_deg": 33.0005, "altitude_m": 3_000.0},
                             {"lat_deg": 40.0, "lon_deg": 33.0, "altitude_m": 3_000.0}])
    result = iadsim.run(document, seed=2, out=tmp_path / "out")
    numbers = _every_number(json.loads((tmp_path / "out" / "summary.json").read_text()), [])
    assert all(np.isfinite(numbers))
    events = result.events
    assert np.isfinite(events["time_s"]).all()
    summary = result.summary
    assert (summary["verdict"], summary["threats"]["detected"], summary["interceptors"][
        "fired"], summary["threats"]["killed"]) == (verdict, detected, fired, killed)


@pytest.mark.slow
def test_kill_9_at_random_points_leaves_each_output_complete_or_absent(tmp_path):
    """SIGKILL cannot be caught: hidden temporary files may stay, but a file under its
    final name is always whole (written under a temporary name, then renamed)."""
    environment = {**os.environ, "PYTHONPATH": SOURCE}
    rng = np.random.default_rng(22)
    for attempt, delay_s in enumerate(rng.uniform(1.0, 12.0, 8)):
        out = tmp_path / f"run-{attempt}"
        child = subprocess.Popen([sys.executable, "-c", ENTRY, "run", "layered-defense",
                                  "--quiet", "--out", str(out)], env=environment,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            child.wait(timeout=delay_s)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        for path in out.glob("*") if out.exists() else []:
            if path.name.startswith("."):
                continue  # a temporary file SIGKILL left behind
            if path.suffix == ".parquet":
                pd.read_parquet(path)
            else:
                json.loads(path.read_text())
