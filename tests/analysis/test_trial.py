"""Test-range trials: per-presentation scoring from the event log, the tables, the report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import iadsim
from iadsim.analysis.intervals import clopper_pearson
from iadsim.analysis.monte_carlo import replication_seed
from iadsim.analysis.trial import presentations, radar_positions_m, trial
from iadsim.interfaces.cli import app


@pytest.fixture(scope="module")
def sinop_run():
    return iadsim.run("sinop-trial", seed=6)


def test_presentations_follow_the_event_log(sinop_run):
    tables = presentations(sinop_run)
    rows = tables["presentations"].set_index("threat_id")
    events = sinop_run.events
    assert list(rows.index) == [0, 1, 2, 3]
    for number, row in rows.iterrows():
        mine = events[events["threat_id"] == number]
        detections = mine[mine["kind"] == "detection"]
        assert row["first_detection_s"] == detections["time_s"].min()
        assert row["first_detection_radar"] == str(detections["sensor"].iloc[0])
        kills = mine[mine["kind"] == "kill"]
        assert row["kills"] == len(kills) and row["misses"] == (mine["kind"] == "miss").sum()
        assert row["outcome"] == ("killed" if len(kills) else row["outcome"])
        assert row["first_detection_s"] <= row["first_assignment_s"] < row["first_launch_s"]
        if len(kills):
            assert row["kill_s"] == kills["time_s"].iloc[0]
    # Every round fired is attributed to exactly one presentation.
    assert rows["shots"].sum() == (events["kind"] == "interceptor_launch").sum()
    assert rows["shots"].sum() == rows["kills"].sum() + rows["misses"].sum()


def test_first_detection_range_is_from_the_radar_site_to_the_reported_position(sinop_run):
    detections = presentations(sinop_run)["detections"]
    sites = radar_positions_m(sinop_run.scenario)
    events = sinop_run.events
    for row in detections.itertuples():
        first = events[(events["kind"] == "detection") & (events["threat_id"] == row.threat_id)
                       & (events["sensor"] == row.radar)].iloc[0]
        reported = first[["east_m", "north_m", "up_m"]].to_numpy(dtype=float)
        assert row.first_detection_s == first["time_s"]
        assert row.range_m == pytest.approx(np.linalg.norm(reported - sites[row.radar]))
    # Each target is seen by both radars, from well inside their 400 km instrumented range.
    assert len(detections) == 8 and detections["range_m"].between(20e3, 400e3).all()


def test_trial_tables_and_report(thread_clients, tmp_path):
    result = trial("sinop-trial", 3, out=tmp_path, progress=False, client=thread_clients[2])
    presented = result.presentations
    assert len(presented) == 12 and presented["replication"].tolist() == [0] * 4 + [1] * 4 + [2] * 4
    assert presented["seed"].iloc[4] == replication_seed(2020, 1)
    again = presentations(iadsim.run("sinop-trial", seed=replication_seed(2020, 1)))
    pd.testing.assert_frame_equal(
        presented[presented["replication"] == 1].drop(columns=["replication", "seed"])
        .reset_index(drop=True), again["presentations"])
    shot = result.probabilities.set_index("metric").loc["P(kill) per shot"]
    expected = clopper_pearson(int(presented["kills"].sum()), int(presented["shots"].sum()))
    assert (shot["estimate"], shot["low"], shot["high"]) == (expected.estimate, expected.low,
                                                             expected.high)
    ranges = result.detection_ranges.set_index("radar")
    assert ranges["seen"].sum() == len(result.detections)
    assert ranges.loc["search-radar", "median_km"] == pytest.approx(
        np.median(result.detections.query("radar == 'search-radar'")["range_m"]) / 1e3)
    report = (tmp_path / "trial.md").read_text()
    assert "Track RMS error per presentation: median" in report
    # Every trial drone was tracked, to within a kilometre at 70-160 km: the high runs at
    # most recorded scans, the low runs (150 m, below the radar horizon most of the way)
    # at a tenth to two fifths of them.
    high = presented["threat_id"].isin([0, 1])
    assert presented.loc[high, "tracked_share"].gt(0.8).all()
    assert presented.loc[~high, "tracked_share"].between(0.1, 0.4).all()
    assert presented["track_rms_error_m"].between(1.0, 1_000.0).all()
    assert report.count("| killed |") + report.count("| completed_route |") == 12
    csv = pd.read_csv(tmp_path / "presentations.csv")
    assert len(csv) == 12 and "first_launch_s" in csv


def test_trial_command_refuses_an_unknown_scenario():
    result = CliRunner().invoke(app, ["trial", "no-such-range", "-n", "2"])
    assert result.exit_code == 2 and "no such scenario" in result.stderr


def test_track_accuracy_is_the_rms_to_the_nearest_track_within_the_radius():
    """Two targets over three scans: target 0 has a track 30 m off, then 40 m off, then
    only a track 6 km away (beyond the 5 km radius: not tracked); target 1 none at all."""
    from iadsim.analysis.trial import track_accuracy

    truth = pd.DataFrame({"time_s": [1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
                          "threat_id": [0, 0, 0, 1, 1, 1],
                          "east_m": [0.0, 100.0, 200.0, 50_000.0, 50_000.0, 50_000.0],
                          "north_m": 0.0, "up_m": 1_000.0})
    tracks = pd.DataFrame({"time_s": [1.0, 2.0, 2.0, 3.0], "track_id": [7, 7, 8, 7],
                           "east_m": [30.0, 140.0, 900.0, 6_200.0], "north_m": 0.0,
                           "up_m": 1_000.0})
    accuracy = track_accuracy(tracks, truth)
    rms, share = accuracy[0]
    assert rms == pytest.approx(np.sqrt((30.0**2 + 40.0**2) / 2))
    assert share == pytest.approx(2 / 3)
    assert np.isnan(accuracy[1][0]) and accuracy[1][1] == 0.0
    assert track_accuracy(tracks.iloc[:0], truth) == {}
