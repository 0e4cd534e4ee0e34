"""The scorer's track extrapolation against the closed form of motion under gravity.

Source: motion under a constant acceleration, ``p(t) = p + v t + g t^2 / 2`` (any
mechanics text, e.g. Halliday, Resnick and Walker, Fundamentals of Physics, ch. 2 and 4),
with standard gravity ``g = 9.80665 m/s^2`` (3rd CGPM, 1901; ISO 80000-3) down the local
vertical of a flat frame, which is what the tracker's ballistic model predicts with
(Bar-Shalom, Li and Kirubarajan 2001, sec. 5.2.1: the known input ``B a``).
Tolerance: 1e-9 m relative for the positions, 1e-6 m for the scored errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iadsim.analysis.track_quality import carried_positions, score_tracks
from iadsim.tracking.kalman import predict
from iadsim.tracking.tracker import GRAVITY_MPS2

STANDARD_GRAVITY_MPS2 = 9.80665
START_M = np.array([180_000.0, -40_000.0, 70_000.0])
VELOCITY_MPS = np.array([-1_700.0, 400.0, 650.0])
TIMES_S = np.array([0.0, 1.0, 2.5, 10.0, 20.0, 45.0])


def closed_form(time_s: np.ndarray) -> np.ndarray:
    time = np.asarray(time_s, dtype=float)[:, None]
    return (START_M + VELOCITY_MPS * time
            + 0.5 * np.array([0.0, 0.0, -STANDARD_GRAVITY_MPS2]) * time**2)


def test_the_tracker_gravity_is_standard_gravity_down():
    assert GRAVITY_MPS2.tolist() == [0.0, 0.0, -STANDARD_GRAVITY_MPS2]


def test_carried_positions_are_the_closed_form_and_the_tracker_prediction():
    count = TIMES_S.size
    carried = carried_positions(np.tile(START_M, (count, 1)), np.tile(VELOCITY_MPS, (count, 1)),
                                np.tile(GRAVITY_MPS2, (count, 1)), TIMES_S)
    np.testing.assert_allclose(carried, closed_form(TIMES_S), rtol=1e-9, atol=0.0)
    state = np.tile(np.r_[START_M, VELOCITY_MPS], (count, 1))
    predicted, _ = predict(state, np.tile(np.eye(6), (count, 1, 1)), TIMES_S, 1.0,
                           np.tile(GRAVITY_MPS2, (count, 1)))
    np.testing.assert_allclose(carried, predicted[:, :3], rtol=1e-9, atol=0.0)


def test_a_track_row_under_gravity_is_scored_at_its_true_offset_at_every_time():
    """One recorded row at t = 0 (the closed form plus 300 m east, ballistic model), the
    truth the closed form at every time: the scored error is 300 m at every time with
    the ``picture`` extrapolation, and ``sqrt(300^2 + (g t^2 / 2)^2)`` with ``velocity``
    while it is under the 1 km cut-off (881.3 m at 13 s; 1,006.8 m at 14 s: unpaired)."""
    offset = np.array([300.0, 0.0, 0.0])
    times = np.arange(0.0, 15.0)
    truth_position = closed_form(times)
    truth = pd.DataFrame({"time_s": times, "threat_id": 0,
                          "east_m": truth_position[:, 0], "north_m": truth_position[:, 1],
                          "up_m": truth_position[:, 2]})
    tracks = pd.DataFrame({
        "time_s": [0.0], "track_id": [1], "east_m": [START_M[0] + offset[0]],
        "north_m": [START_M[1]], "up_m": [START_M[2]],
        "velocity_east_mps": [VELOCITY_MPS[0]], "velocity_north_mps": [VELOCITY_MPS[1]],
        "velocity_up_mps": [VELOCITY_MPS[2]], "acceleration_east_mps2": [0.0],
        "acceleration_north_mps2": [0.0], "acceleration_up_mps2": [GRAVITY_MPS2[2]],
        "ballistic_model": [True]})
    events = pd.DataFrame({"time_s": np.zeros(0), "kind": pd.Categorical([]),
                           "threat_id": np.zeros(0, np.int32), "track_id": np.zeros(0, int)})
    threats = pd.DataFrame({"threat_id": [0], "launch_time_s": [0.0]})
    picture = score_tracks(tracks, truth, events, threats, extrapolation="picture")
    np.testing.assert_allclose(picture["position_rmse_m"], 300.0, atol=1e-6)
    velocity = score_tracks(tracks, truth, events, threats, extrapolation="velocity")
    fall = 0.5 * STANDARD_GRAVITY_MPS2 * times**2
    expected = np.hypot(300.0, fall)
    assert expected[13] == pytest.approx(881.3, abs=0.1)
    assert expected[14] == pytest.approx(1_006.8, abs=0.1)
    np.testing.assert_allclose(velocity["position_rmse_m"][:14], expected[:14], atol=1e-6)
    assert velocity["assigned"].tolist() == [1] * 14 + [0]
    assert picture["assigned"].tolist() == [1] * 15
