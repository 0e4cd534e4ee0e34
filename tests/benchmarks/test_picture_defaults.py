"""benchmarks/picture_defaults.py scores rounds after the run: which threat each round's
track was on (from the recorded picture and truth), rounds at ghosts, and rounds fired at
a threat while another round at it was still flying."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import picture_defaults

    yield picture_defaults
    sys.modules.pop("picture_defaults", None)


def frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def events(rows: list[tuple]) -> pd.DataFrame:
    """(time, kind, threat, track, interceptor, battery) rows as an event log."""
    table = frame(rows, ["time_s", "kind", "threat_id", "track_id", "interceptor_id",
                         "battery"])
    table["kind"] = table["kind"].astype("category")
    table["battery"] = table["battery"].astype("category")
    return table


TRACK_COLUMNS = ["time_s", "track_id", "east_m", "north_m", "up_m"]
TRUTH_COLUMNS = ["time_s", "threat_id", "east_m", "north_m", "up_m"]


def test_each_round_is_put_on_the_threat_nearest_its_track_s_last_update(bench):
    # Two drones 3 km apart; track 5 sits on drone 1, track 6 (a ghost) 5 km from both,
    # track 7 was never updated before its round went. Track 5's update at t=12 lies
    # after the launch at t=11 and must not be read.
    tracks = frame([(10.0, 5, 3_000.0, 0.0, 300.0), (12.0, 5, 0.0, 0.0, 300.0),
                    (10.0, 6, 0.0, 5_000.0, 300.0), (20.0, 7, 0.0, 0.0, 300.0)],
                   TRACK_COLUMNS)
    truth = frame([(10.0, 0, 0.0, 0.0, 300.0), (10.0, 1, 3_020.0, 0.0, 300.0),
                   (12.0, 0, 0.0, 0.0, 300.0), (12.0, 1, 3_000.0, 0.0, 300.0),
                   (20.0, 0, 0.0, 0.0, 300.0)], TRUTH_COLUMNS)
    log = events([(11.0, "interceptor_launch", -1, 5, 0, "gun-a"),
                  (11.0, "interceptor_launch", -1, 6, 1, "gun-b"),
                  (12.0, "interceptor_launch", -1, 7, 2, "gun-b")])
    aims = bench.launch_aims(log, tracks, truth)
    assert aims["threat_id"].tolist() == [1, 0, -1]
    assert aims["distance_m"].tolist()[:2] == pytest.approx([20.0, 5_000.0])
    assert np.isinf(aims["distance_m"].iloc[2])
    ghosts = aims[aims["distance_m"] > bench.GHOST_DISTANCE_M]
    assert bench.by_battery(ghosts) == {"gun-b": 2}


def test_a_round_at_a_threat_another_round_still_flies_at_is_an_overlap(bench):
    aims = frame([(10.0, 0, 5, "gun-a", 3, 10.0), (12.0, 1, 9, "gun-b", 3, 15.0),
                  (20.0, 2, 5, "gun-a", 3, 12.0), (21.0, 3, 5, "gun-a", 4, 3_000.0)],
                 ["time_s", "interceptor_id", "track_id", "battery", "threat_id",
                  "distance_m"])
    log = events([(14.0, "intercept", 3, -1, 0, "gun-a"), (18.0, "self_destruct", -1, -1, 1,
                                                           "gun-b"),
                  (24.0, "kill", 3, -1, 2, "gun-a")])
    ends = bench.round_end_times(log)
    assert ends == {0: 14.0, 1: 18.0, 2: 24.0}
    overlaps = bench.overlapping_rounds(aims, ends)
    # Round 1 left while round 0 flew at threat 3; round 2 after both ended; round 3's
    # track was 3 km from every threat (a ghost round, not an overlap).
    assert overlaps["interceptor_id"].tolist() == [1]
    assert bench.by_battery(overlaps) == {"gun-b": 1}


def test_totals_sum_counts_and_per_battery_tables(bench):
    runs = [{"killed": 3, "rounds_by_battery": {"a": 2}, "track_breaks": None,
             "expected_kills": 1.25},
            {"killed": 4, "rounds_by_battery": {"a": 1, "b": 5}, "track_breaks": 2,
             "expected_kills": 0.5}]
    total = bench.totals(runs)
    assert total["killed"] == 7 and total["track_breaks"] == 2
    assert total["rounds_by_battery"] == {"a": 3, "b": 5}
    assert total["expected_kills"] == pytest.approx(1.75)


def test_every_variant_sets_both_options_explicitly(bench):
    for doctrine, tracking in bench.VARIANTS.values():
        assert set(doctrine) == {"kill_assessment_cue"}
        assert set(tracking) == {"kinematic_plausibility"}


def test_a_bad_setting_is_one_line_and_exit_code_2():
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "picture_defaults.py"), "--doctrine",
         "kill_assessment_cue=turns"], capture_output=True, text=True,
        env={"PYTHONPATH": f"{BENCHMARKS.parent / 'src'}:{BENCHMARKS}"})
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and "kill_assessment_cue" in lines[0]
