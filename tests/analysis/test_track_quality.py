"""track_quality / score_tracks on a hand-built run: every figure computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iadsim.analysis.track_quality import score_tracks

SPEED_MPS = 100.0


def truth_frame() -> pd.DataFrame:
    """Two threats flying east at 100 m/s, 10 km apart, seen at t = 1..6 s."""
    rows = []
    for time_s in range(1, 7):
        for threat_id, north_m in ((0, 0.0), (1, 10_000.0)):
            rows.append((float(time_s), threat_id, SPEED_MPS * time_s, north_m, 0.0,
                         SPEED_MPS, 0.0, 0.0))
    return pd.DataFrame(rows, columns=["time_s", "threat_id", "east_m", "north_m", "up_m",
                                       "velocity_east_mps", "velocity_north_mps",
                                       "velocity_up_mps"])


def track_frame() -> pd.DataFrame:
    """Track 10 on threat 0 (30 m north of it; no row at t = 4: it coasts), track 11 on
    threat 1 (40 m off) until dropped at t = 4, track 12 on threat 1 from t = 5 (50 m
    off), track 13 false, far away, one row at t = 3, dropped at t = 6."""
    rows = []
    for time_s in (2, 3, 5, 6):
        rows.append((time_s, 10, SPEED_MPS * time_s, 30.0, SPEED_MPS))
    for time_s in (2, 3):
        rows.append((time_s, 11, SPEED_MPS * time_s, 10_040.0, SPEED_MPS))
    for time_s in (5, 6):
        rows.append((time_s, 12, SPEED_MPS * time_s, 9_950.0, SPEED_MPS))
    rows.append((3, 13, 50_000.0, 50_000.0, 0.0))
    frame = pd.DataFrame(rows, columns=["time_s", "track_id", "east_m", "north_m",
                                        "velocity_east_mps"]).sort_values(
        ["time_s", "track_id"], kind="stable", ignore_index=True)
    frame["time_s"] = frame["time_s"].astype(float)
    frame["up_m"] = 0.0
    frame["velocity_north_mps"] = 0.0
    frame["velocity_up_mps"] = 0.0
    return frame


def event_frame() -> pd.DataFrame:
    kinds = ["detection", "detection", "track_drop", "track_drop"]
    return pd.DataFrame({
        "time_s": [1.0, 1.5, 4.0, 6.0],
        "kind": pd.Categorical(kinds, categories=["detection", "track_drop"]),
        "threat_id": np.array([0, 1, -1, -1], dtype=np.int32),
        "track_id": np.array([-1, -1, 11, 13]),
    })


THREATS = pd.DataFrame({"threat_id": [0, 1], "launch_time_s": [0.0, 0.0]})


@pytest.fixture(scope="module")
def quality():
    return score_tracks(track_frame(), truth_frame(), event_frame(), THREATS, c_m=1_000.0,
                        p=2.0)


def test_per_time_ospa_gospa_and_rmse_by_hand(quality):
    """c = 1 km, p = 2. t=1: no tracks, OSPA = c, GOSPA = sqrt(2 c^2 / 2) = c. t=2: pairs
    at 30 and 40 m: OSPA = RMSE = sqrt((900 + 1600) / 2). t=3: plus a false track:
    OSPA = sqrt((2500 + c^2) / 3), GOSPA = sqrt(2500 + c^2 / 2). t=4: track 11 dropped,
    track 10 coasts (extrapolated, still 30 m off), track 13 coasts: OSPA =
    sqrt((900 + c^2) / 2). Exact to 1e-9."""
    by_time = quality.set_index("time_s")
    c2 = 1_000.0**2
    assert by_time.loc[1.0, "ospa_m"] == pytest.approx(1_000.0)
    assert by_time.loc[1.0, "gospa_m"] == pytest.approx(1_000.0)
    assert np.isnan(by_time.loc[1.0, "position_rmse_m"])
    assert by_time.loc[2.0, "ospa_m"] == pytest.approx(np.sqrt(1250.0), abs=1e-9)
    assert by_time.loc[2.0, "position_rmse_m"] == pytest.approx(np.sqrt(1250.0), abs=1e-9)
    assert by_time.loc[3.0, "ospa_m"] == pytest.approx(np.sqrt((2500 + c2) / 3), abs=1e-9)
    assert by_time.loc[3.0, "gospa_m"] == pytest.approx(np.sqrt(2500 + c2 / 2), abs=1e-9)
    assert by_time.loc[3.0, "gospa_false"] == pytest.approx(c2 / 2)
    assert by_time.loc[4.0, "ospa_m"] == pytest.approx(np.sqrt((900 + c2) / 2), abs=1e-9)
    assert list(by_time["tracks"]) == [0, 2, 3, 2, 3, 2]
    assert list(by_time["assigned"]) == [0, 2, 2, 1, 2, 2]
    assert list(by_time["unassigned_tracks"]) == [0, 0, 1, 1, 1, 0]


def test_breaks_switches_false_tracks_and_time_to_confirm(quality):
    """Threat 1 loses its track at t=4 (one break) and is taken by another at t=5 (one ID
    switch); track 13 never matched anything (one false track); first pairing at t=2
    after detections at 1 and 1.5 s: mean time to confirm 0.75 s."""
    assert list(quality["track_breaks"]) == [0, 0, 0, 1, 0, 0]
    assert list(quality["id_switches"]) == [0, 0, 0, 0, 1, 0]
    summary = quality.attrs["summary"]
    assert summary["track_breaks"] == 1 and summary["id_switches"] == 1
    assert summary["false_tracks"] == 1
    assert summary["threats_tracked"] == 2
    assert summary["mean_time_to_confirm_s"] == pytest.approx(0.75)
    errors = np.array([30, 40] * 2 + [30] + [30, 50] * 2, dtype=float)
    assert summary["position_rmse_m"] == pytest.approx(np.sqrt(np.mean(errors**2)), abs=1e-3)
    assert summary["mean_ospa_m"] == pytest.approx(quality["ospa_m"].mean(), abs=1e-3)


def test_bad_cut_off_is_named():
    with pytest.raises(ValueError, match="c must be"):
        score_tracks(track_frame(), truth_frame(), event_frame(), THREATS, c_m=-1.0)
