"""run.tracks and run.truth: recorded from the picture and the raid, written as Parquet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import iadsim
from iadsim.engine.simulation import Simulation
from iadsim.engine.track_recording import TrackRecorder
from iadsim.scenario.loader import load_scenario
from iadsim.sensors.radar import DetectionBatch
from iadsim.tracking.tracker import GRAVITY_MPS2, TrackPicture


@pytest.fixture(scope="module")
def trial():
    return iadsim.run("sinop-trial", seed=3)


def test_truth_rows_are_the_raid_positions_at_their_times(trial):
    """Every live threat at every recorded time, at the raid's own position (to 1 mm) and
    with its velocity over the step (straight legs: the leg speed, 1e-6 relative)."""
    scenario = trial.scenario
    simulation = Simulation(scenario, seed=3)
    truth = trial.truth
    assert truth["time_s"].is_monotonic_increasing
    assert set(truth["threat_id"]) == {0, 1, 2, 3}
    sample = truth.iloc[np.linspace(0, len(truth) - 1, 25).astype(int)]
    for row in sample.itertuples():
        lat, lon, alt = simulation.raid.geodetic_at(row.time_s, np.array([row.threat_id]))
        expected = simulation.frame.to_enu(lat, lon, alt).reshape(3)
        assert np.allclose([row.east_m, row.north_m, row.up_m], expected, atol=1e-3)
    speed = np.hypot(truth["velocity_east_mps"], truth["velocity_north_mps"])
    profile_speed = scenario.threats[0].speed_mps
    # Mid-leg rows fly at the leg speed (ground projection within 2 % of the 3-D speed).
    assert np.median(speed) == pytest.approx(profile_speed, rel=0.02)
    # No threat is live before its launch or after its run (flight time 0..end).
    launch = trial.threats.set_index("threat_id")["launch_time_s"]
    assert (truth["time_s"].to_numpy() >= launch.loc[truth["threat_id"]].to_numpy()).all()


def test_track_rows_are_updates_of_confirmed_tracks_near_but_not_on_the_truth(trial):
    tracks, truth = trial.tracks, trial.truth
    assert len(tracks) > 100
    assert list(tracks.columns) == [
        "time_s", "track_id", "east_m", "north_m", "up_m", "velocity_east_mps",
        "velocity_north_mps", "velocity_up_mps", "position_sigma_m", "velocity_sigma_mps",
        "last_update_s", "status", "acceleration_east_mps2", "acceleration_north_mps2",
        "acceleration_up_mps2", "ballistic_model"]
    assert tracks["time_s"].is_monotonic_increasing
    assert (tracks["last_update_s"] <= tracks["time_s"]).all()
    assert (tracks["time_s"] - tracks["last_update_s"] < 5.0).all()  # this step's scans
    assert not tracks.duplicated(["time_s", "track_id"]).any()  # one row per update
    # A track's first row is its confirmation, which the event log holds too.
    first = tracks[tracks["status"] == "confirmed"]
    assert first["track_id"].is_unique and set(first["track_id"]) == set(tracks["track_id"])
    confirmed = trial.events[trial.events["kind"] == "track_confirm"]
    assert set(first["track_id"]) <= set(confirmed["track_id"])
    # Each row lies near some live threat at its time, but not exactly on it.
    merged = tracks.merge(truth, on="time_s", suffixes=("", "_true"))
    merged["error_m"] = np.linalg.norm(
        merged[["east_m", "north_m", "up_m"]].to_numpy()
        - merged[["east_m_true", "north_m_true", "up_m_true"]].to_numpy(), axis=1)
    nearest = merged.groupby(["time_s", "track_id"])["error_m"].min()
    # (A track may outlive its threat by a step: killed after the scan that updated it.)
    assert len(nearest) == tracks["time_s"].isin(truth["time_s"]).sum() >= len(tracks) - 2
    assert nearest.median() < 500.0 and (nearest > 0.01).all()
    assert (tracks["position_sigma_m"] > 0).all()


def test_recording_does_not_change_the_run_and_can_be_switched_off(trial):
    """Same seed, with and without recording: the same events bit for bit."""
    document = load_scenario("sinop-trial").model_dump()
    document["sim"]["record_tracks"] = False
    quiet = iadsim.run(iadsim.Scenario.model_validate(document), seed=3)
    pd.testing.assert_frame_equal(quiet.events, trial.events)
    assert quiet.tracks.empty and quiet.truth.empty
    assert list(quiet.tracks.columns) == list(trial.tracks.columns)
    assert quiet.summary["track_quality"] is None
    assert trial.summary["track_quality"]["threats_tracked"] == 4


def test_tracks_and_truth_are_written_as_parquet(trial, tmp_path):
    trial.write(tmp_path)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "tracks.parquet"), trial.tracks)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "truth.parquet"), trial.truth)


def test_interceptor_paths_run_from_launch_to_their_end(trial):
    """Every round fired has recorded positions between its launch and its end, starting
    near its battery and ending near where the log says it intercepted or gave up."""
    events, rounds = trial.events, trial.interceptors
    launches = events[events["kind"] == "interceptor_launch"].set_index("interceptor_id")
    ends = events[events["kind"].isin(["intercept", "self_destruct"])].set_index(
        "interceptor_id")
    assert len(launches) > 0 and set(rounds["interceptor_id"]) == set(launches.index)
    for round_id, path in rounds.groupby("interceptor_id"):
        launch, end = launches.loc[round_id], ends.loc[round_id]
        assert launch["time_s"] < path["time_s"].min() <= path["time_s"].max() <= end["time_s"]
        first = path.iloc[0][["east_m", "north_m", "up_m"]].to_numpy(float)
        last = path.iloc[-1][["east_m", "north_m", "up_m"]].to_numpy(float)
        speed = np.linalg.norm(path.iloc[-1][["velocity_east_mps", "velocity_north_mps",
                                              "velocity_up_mps"]].to_numpy(float))
        step_s = 1.0 + end["time_s"] - path["time_s"].max()
        assert np.linalg.norm(last - end[["east_m", "north_m", "up_m"]].to_numpy(float)) \
            <= speed * step_s + 1.0
        assert np.linalg.norm(first - launch[["east_m", "north_m", "up_m"]].to_numpy(float)) \
            < 5_000.0


def test_track_rows_carry_the_acceleration_the_picture_predicts_them_with():
    """The recorder keeps each updated track's motion-model acceleration and ballistic flag
    (what :func:`iadsim.analysis.track_quality.score_tracks` extrapolates with): track 4
    under the ballistic model (gravity), track 9 under an IMM estimate, track 6 not updated
    by this scan (no row)."""
    picture = TrackPicture(
        time_s=12.0, track_id=np.array([4, 6, 9]), position_m=np.zeros((3, 3)),
        velocity_mps=np.ones((3, 3)), position_cov_m2=np.tile(np.eye(3), (3, 1, 1)),
        last_update_by_radar_s=np.array([[11.5], [2.0], [11.5]]),
        speed_sigma_mps=np.ones(3), kind_index=np.array([0, 2, 2], dtype=np.int8),
        kind_confidence=np.ones(3),
        acceleration_mps2=np.array([GRAVITY_MPS2, [0.0, 0.0, 0.0], [3.0, -4.0, 0.5]]),
        ballistic_model=np.array([True, False, False]))
    scan = DetectionBatch(0, 11.5, *[np.zeros(0)] * 5, np.zeros((0, 3)), np.zeros((0, 3, 3)))
    recorder = TrackRecorder()
    recorder.record(picture, [scan], np.zeros(0, np.int64), np.zeros((0, 3)), np.zeros((0, 3)))
    tracks = recorder.tracks()
    assert tracks["track_id"].tolist() == [4, 9]
    assert tracks["ballistic_model"].tolist() == [True, False]
    acceleration = tracks[["acceleration_east_mps2", "acceleration_north_mps2",
                           "acceleration_up_mps2"]].to_numpy()
    assert acceleration.tolist() == [[0.0, 0.0, -9.80665], [3.0, -4.0, 0.5]]
    assert tracks["ballistic_model"].dtype == bool


def test_a_step_records_the_truth_the_simulation_computed_in_numpy():
    """record_step gathers the live threats and their velocity over the step (from the
    start of the step, or from launch within it; 0 for a threat launched at the step's
    end) in its compiled call, bit for bit as Simulation._record did in NumPy; a live
    threat past the last one that moved is an error, as NumPy's index was."""
    rng = np.random.default_rng(4)
    position = rng.normal(0.0, 5e4, (9, 3))
    moved = np.array([1, 2, 3, 4, 5, 7, 8])
    previous = position[moved] - rng.normal(0.0, 300.0, (7, 3))
    launch = np.array([0.0, 3.0, 9.31, 10.0, -1.0, 9.5, 0.0, 2.0, np.nan])
    live = np.array([1, 2, 3, 5, 7, 8])
    start_s, end_s = 9.0, 10.0
    picture = TrackPicture(end_s, *(np.zeros(0, dtype) for dtype in (np.int64,)),
                           np.zeros((0, 3)), np.zeros((0, 3)), np.zeros((0, 3, 3)),
                           np.zeros((0, 1)), np.zeros(0), np.zeros(0, np.int8), np.zeros(0))
    recorder = TrackRecorder()
    recorder.record_step(picture, [], live, position, moved, previous, launch, start_s)
    start = previous[np.searchsorted(moved, live)]
    elapsed = end_s - np.maximum(start_s, launch[live])
    with np.errstate(invalid="ignore", divide="ignore"):
        velocity = np.where((elapsed > 0)[:, None],
                            (position[live] - start) / elapsed[:, None], 0.0)
    truth = recorder.truth()
    assert truth["threat_id"].tolist() == live.tolist() and (truth["time_s"] == end_s).all()
    recorded = truth[["velocity_east_mps", "velocity_north_mps", "velocity_up_mps"]]
    assert recorded.to_numpy().tobytes() == velocity.tobytes()
    assert truth[["east_m", "north_m", "up_m"]].to_numpy().tobytes() == position[
        live].tobytes()
    assert (velocity[[2, 5]] == 0.0).all() and (velocity[[0, 1, 3, 4]] != 0.0).all()
    with pytest.raises(IndexError, match="past the last threat moved"):
        recorder.record_step(picture, [], np.array([8]), position, moved[:-1], previous[:-1],
                             launch, start_s)
