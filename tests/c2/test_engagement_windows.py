"""Engagement windows: when, from now until the track arrives, each battery can engage it."""

from __future__ import annotations

import numpy as np
from test_battle_manager_layering import GUN, SHORT, battle_manager, inbound, picture

from iadsim.c2.engageability import engagement_windows


def windows_of(track_picture, time_to_go_s, aim_point_m=None):
    manager = battle_manager()
    return engagement_windows(track_picture, np.asarray(time_to_go_s, dtype=float),
                              manager.batteries, manager.types, manager.frame, 0.0,
                              manager.doctrine.fire_control_track_age_s, aim_point_m), manager


def test_an_inbound_drone_enters_each_layer_in_turn():
    # 30 km out at 50 m/s, flown at the asset: arrives in 600 s; samples every 60 s.
    position, velocity = inbound(30_000.0, 50.0, 300.0)
    track = picture(0.0, position, velocity)
    windows, _ = windows_of(track, [600.0], np.zeros((1, 3)))
    # Long range: from now to 480 s (at 3 km out its intercept point is inside its 3 km
    # minimum range). Short range (15 km): from 300 s (15 km out) to 540 s (3 km out).
    # The gun (4 km): only the 540 s sample. Arrival (600 s) itself is never engageable.
    np.testing.assert_allclose(windows.first_s[:, 0], [0.0, 300.0, 540.0], rtol=1e-3)
    # (Times are 1.00005 x these: the 300 m height lengthens the flight to the asset.)
    np.testing.assert_allclose(windows.last_s[:, 0], [480.0, 540.0, 540.0], rtol=1e-3)
    np.testing.assert_allclose(windows.duration_s[:, 0], [480.0, 300.0, 60.0], rtol=1e-3)
    assert not windows.beyond_horizon[0]


def test_the_intent_model_replaces_a_noisy_heading_and_its_time_to_go():
    # The track's velocity points 30 degrees off the asset and its time to go is far off
    # (a noisy track); flown at the asset it arrives in 30,000 / 50 = 600 s all the same.
    position, _ = inbound(30_000.0, 50.0, 300.0)
    _, velocity = inbound(30_000.0, 50.0, 300.0, 30.0)
    windows, _ = windows_of(picture(0.0, position, velocity), [400.0], np.zeros((1, 3)))
    np.testing.assert_allclose(windows.first_s[:, 0], [0.0, 300.0, 540.0], rtol=1e-3)


def test_a_track_that_threatens_nothing_is_cut_at_the_horizon():
    position, velocity = inbound(30_000.0, 50.0, 300.0)
    windows, _ = windows_of(picture(0.0, position, -velocity), [np.inf])  # flying away
    assert windows.beyond_horizon.tolist() == [True]
    assert np.isinf(windows.first_s[[SHORT, GUN], 0]).all()
