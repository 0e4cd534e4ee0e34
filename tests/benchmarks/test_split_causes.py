"""benchmarks/split_causes.py (``recorded_traffic.py --explain``) names how each split
aircraft's tracks ended and began, from the recorded picture, truth and events: a run of
misses in coverage, the aircraft out of coverage in between, reports not taken while the
track coasted, a second track beside a live one, a swap to another aircraft, another
aircraft's track taking this one over, a merge."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SCANS = np.arange(0.0, 400.0, 10.0) + 0.5  # one scan every 10 s


@pytest.fixture
def causes(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import split_causes

    yield split_causes
    sys.modules.pop("split_causes", None)


def flight(aircraft: int, north_m: float, east_of) -> list[tuple]:
    """Truth rows every 10 s: east given by ``east_of(time)``, north fixed."""
    return [(time_s, aircraft, east_of(time_s), north_m, 5_000.0)
            for time_s in np.arange(0.0, 400.0, 10.0)]


def picture(track_id: int, times_s, truth: pd.DataFrame, aircraft: int,
            offset_m: float = 100.0) -> list[tuple]:
    """Confirmed-track rows on ``aircraft`` (offset 100 m east), updated at the scan just
    before each sample."""
    rows = []
    for time_s in times_s:
        own = truth[(truth["threat_id"] == aircraft) & (truth["time_s"] == time_s)].iloc[0]
        rows.append((time_s, track_id, own["east_m"] + offset_m, own["north_m"],
                     own["up_m"], time_s - 9.5))
    return rows


def truth_frame(truth_rows) -> pd.DataFrame:
    return pd.DataFrame(truth_rows, columns=["time_s", "threat_id", "east_m", "north_m",
                                             "up_m"])


def run_frames(track_rows, truth_rows, event_rows):
    tracks = pd.DataFrame(track_rows, columns=["time_s", "track_id", "east_m", "north_m",
                                               "up_m", "last_update_s"])
    truth = truth_frame(truth_rows)
    events = pd.DataFrame(event_rows, columns=["time_s", "kind", "threat_id", "track_id"])
    events["kind"] = events["kind"].astype("category")
    return tracks, truth, events


def scan_events(detected: dict[int, set[float]]) -> list[tuple]:
    """A false alarm at every scan (so every scan is known) and each aircraft's
    detections."""
    rows = [(time_s, "false_alarm", -1, -1) for time_s in SCANS]
    for aircraft, times in detected.items():
        rows += [(time_s, "detection", aircraft, -1) for time_s in sorted(times)]
    return rows


def within_100_km(position_m: np.ndarray) -> np.ndarray:
    return np.hypot(position_m[:, 0], position_m[:, 1]) < 100_000.0


def test_a_run_of_misses_in_coverage_and_leaving_coverage_are_told_apart(causes):
    # Aircraft 0 stays at 50 km; aircraft 1 flies out past 100 km between 120 s and 200 s.
    truth = pd.DataFrame(flight(0, 0.0, lambda t: 50_000.0)
                         + flight(1, 20_000.0, lambda t: 60_000.0 + (
                             50_000.0 if 120.0 <= t <= 200.0 else 0.0)),
                         columns=["time_s", "threat_id", "east_m", "north_m", "up_m"])
    tracks = (picture(1, np.arange(10.0, 110.0, 10.0), truth, 0)
              + picture(2, np.arange(230.0, 300.0, 10.0), truth, 0)
              + picture(3, np.arange(10.0, 110.0, 10.0), truth, 1)
              + picture(4, np.arange(230.0, 300.0, 10.0), truth, 1))
    seen = {*SCANS[SCANS < 100.0], *SCANS[SCANS > 220.0]}
    events = [*scan_events({0: seen, 1: seen}),
              (150.5, "track_drop", -1, 1), (150.5, "track_drop", -1, 3),
              (220.5, "track_start", -1, 2), (220.5, "track_start", -1, 4),
              (0.5, "track_start", -1, 1), (0.5, "track_start", -1, 3)]
    transitions = causes.explain(*run_frames(tracks, truth.to_numpy().tolist(), events),
                                 within_100_km, 1_000.0)
    by_aircraft = {transition.aircraft: transition for transition in transitions}
    assert by_aircraft[0].cause == "misses_in_coverage"
    assert "a run of 6 missed scans" in by_aircraft[0].detail  # 100.5 ... 150.5
    assert by_aircraft[1].cause == "left_coverage"
    assert causes.summary(transitions) == {
        "split_aircraft": 2, "split_aircraft_tracker_made": 1,
        "transitions": {"merged": 0, "swapped": 0, "taken_over": 0, "born_beside_live": 0,
                        "left_coverage": 1, "reports_not_taken": 0,
                        "misses_in_coverage": 1, "other": 0}}


def test_reports_not_taken_a_second_track_beside_a_live_one_and_a_swap(causes):
    # Three aircraft in coverage: 0's track coasts while 0 is seen, and a new one takes
    # its reports; 1 gets a second track while its first is still updated; 2's first
    # track goes on to follow aircraft 3 (10 km away), and 2 gets a new track.
    truth_rows = (flight(0, 0.0, lambda t: 40_000.0) + flight(1, 30_000.0, lambda t: 40_000.0)
                  + flight(2, -30_000.0, lambda t: 40_000.0)
                  + flight(3, -30_000.0, lambda t: 50_000.0))
    truth = truth_frame(truth_rows)
    tracks = (picture(1, np.arange(10.0, 110.0, 10.0), truth, 0)
              + picture(2, np.arange(150.0, 300.0, 10.0), truth, 0)
              + picture(3, np.arange(10.0, 200.0, 10.0), truth, 1)
              + picture(4, np.arange(150.0, 300.0, 10.0), truth, 1, offset_m=-100.0)
              + picture(5, np.arange(10.0, 110.0, 10.0), truth, 2)
              + picture(5, np.arange(120.0, 150.0, 10.0), truth, 3)
              + picture(6, np.arange(200.0, 390.0, 10.0), truth, 2))
    events = [*scan_events({0: set(SCANS), 1: set(SCANS), 2: set(SCANS), 3: set(SCANS)}),
              (0.5, "track_start", -1, 1), (0.5, "track_start", -1, 3),
              (0.5, "track_start", -1, 5), (130.5, "track_start", -1, 2),
              (190.5, "track_drop", -1, 1), (130.5, "track_start", -1, 4),
              (250.5, "track_drop", -1, 3), (190.5, "track_start", -1, 6),
              (160.5, "track_drop", -1, 5)]
    transitions = causes.explain(*run_frames(tracks, truth_rows, events), within_100_km,
                                 1_000.0)
    by_aircraft = {transition.aircraft: transition for transition in transitions}
    assert by_aircraft[0].cause == "reports_not_taken"
    assert by_aircraft[1].cause == "born_beside_live"
    assert by_aircraft[2].cause == "swapped"
    assert "to aircraft 3" in by_aircraft[2].detail
    assert set(by_aircraft) == {0, 1, 2}


def test_another_aircrafts_track_that_takes_this_one_over_is_no_duplicate(causes,
                                                                           monkeypatch):
    """Aircraft 0's track 1 is lost at 110 s; track 2 had followed aircraft 1 (10 km
    away, its flight over at 150 s) from the start and takes aircraft 0 at 200 s (the
    seed-8 splits of the marginal-Pd hour, traced by h-dupes). Track 2 follows aircraft
    0 most, so aircraft 0 is split and the two tracks' lives overlap, but they were never
    on it together: ``taken_over``, not ``born_beside_live``, and no duplicate. Aircraft
    2 has two tracks on it at once (110-200 s): a duplicate."""
    import recorded_traffic

    truth_rows = (flight(0, 0.0, lambda t: 40_000.0)
                  + [row for row in flight(1, 10_000.0, lambda t: 40_000.0) if row[0] <= 150.0]
                  + flight(2, -30_000.0, lambda t: 40_000.0))
    truth = truth_frame(truth_rows)
    tracks = (picture(1, np.arange(10.0, 110.0, 10.0), truth, 0)
              + picture(2, np.arange(10.0, 160.0, 10.0), truth, 1)
              + picture(2, np.arange(200.0, 390.0, 10.0), truth, 0)
              + picture(3, np.arange(10.0, 200.0, 10.0), truth, 2)
              + picture(4, np.arange(110.0, 390.0, 10.0), truth, 2, offset_m=-100.0))
    events = [*scan_events({0: set(SCANS), 1: set(SCANS[SCANS < 150.0]), 2: set(SCANS)}),
              (0.5, "track_start", -1, 1), (0.5, "track_start", -1, 2),
              (0.5, "track_start", -1, 3), (100.5, "track_start", -1, 4),
              (150.5, "track_drop", -1, 1), (250.5, "track_drop", -1, 3)]
    frames = run_frames(tracks, truth_rows, events)
    transitions = causes.explain(*frames, within_100_km, 1_000.0)
    by_aircraft = {transition.aircraft: transition for transition in transitions}
    assert set(by_aircraft) == {0, 2}
    assert by_aircraft[0].cause == "taken_over"
    assert (by_aircraft[0].earlier, by_aircraft[0].later) == (1, 2)
    assert "later came from aircraft 1" in by_aircraft[0].detail
    assert by_aircraft[2].cause == "born_beside_live"
    assert causes.summary(transitions)["transitions"]["taken_over"] == 1
    # Both split aircraft had two tracks alive at once; only aircraft 2 two on it at once.
    assert recorded_traffic.split_aircraft(frames[0], frames[1], 1_000.0) == (2, 2, 1)
