"""The compiled track picture: bit for bit the NumPy one, whatever tracks are asked for.

The tracker is fed noisy reports of targets of several kinds (a ballistic missile, whose
track is flown under gravity once classified, aircraft close together, a late
newcomer still tentative), so the picture is made of estimated tracks, not the truth.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from test_tracker import make_tracker, measure, site  # noqa: F401  (site: the radar fixture)

from iadsim.tracking.tracker import CONFIRMED, TrackPicture

G = 9.80665
STARTS = np.array([[60_000.0, 80_000.0, 40_000.0], [40_000.0, 30_000.0, 6_000.0],
                   [40_400.0, 30_300.0, 6_100.0], [20_000.0, 25_000.0, 700.0]])
VELOCITIES = np.array([[-700.0, -900.0, 300.0], [-220.0, -30.0, 0.0],
                       [-215.0, -40.0, 0.0], [-35.0, -35.0, 0.0]])


def truth(time_s: float) -> np.ndarray:
    """Positions (4, 3) m: the first target falls under gravity."""
    position = STARTS + VELOCITIES * time_s
    position[0, 2] -= 0.5 * G * time_s**2
    return position


def assert_same_picture(compiled: TrackPicture, reference: TrackPicture) -> None:
    for field in dataclasses.fields(TrackPicture):
        new, old = getattr(compiled, field.name), getattr(reference, field.name)
        if isinstance(old, np.ndarray):
            assert new.dtype == old.dtype and new.shape == old.shape, field.name
            assert new.flags.c_contiguous == old.flags.c_contiguous, field.name
            assert new.tobytes() == old.tobytes(), field.name
        else:
            assert new == old, field.name


@pytest.mark.parametrize("ballistic_model", [True, False])
def test_the_compiled_picture_is_the_numpy_picture(site, ballistic_model):  # noqa: F811
    tracker, _ = make_tracker(site, confirm_hits=3, process_noise_mps2=12.0,
                              ballistic_model=ballistic_model)
    assert_same_picture(tracker.picture(1.0), tracker._picture_numpy(1.0))  # empty table
    rng = np.random.default_rng(11)
    for time_s in np.arange(2.0, 42.0, 2.0):
        seen = truth(float(time_s)) if time_s < 36.0 else truth(float(time_s))[:3]
        tracker.process(measure(site, seen, float(time_s), rng))
    tracker.process(measure(site, np.array([[10_000.0, 10_000.0, 3_000.0]]), 42.0, rng))
    confirmed = tracker.track_id[tracker.status == CONFIRMED]
    assert confirmed.size == 4 and tracker.size == 5  # and one tentative newcomer
    assert tracker.kind_index[0] == 0 and tracker.kind_confidence[0] > 0.9  # ballistic
    picture = tracker.picture(50.0)
    assert picture.ballistic_model.tolist() == [ballistic_model, False, False, False]
    newcomer = tracker.track_id[tracker.status != CONFIRMED]
    for time_s in (42.0, 50.0, 30.0):
        for wanted in (None, confirmed[::-1], confirmed[[2, 2, 0]], np.array([], int),
                       np.array([confirmed[1], 10_000, *newcomer]), [int(confirmed[3])]):
            compiled = tracker.picture(time_s, wanted)
            assert_same_picture(compiled, tracker._picture_numpy(time_s, wanted))
    assert tracker.picture(50.0, confirmed[[3, 1]]).track_id.tolist() == confirmed[
        [1, 3]].tolist()  # in table order, as np.isin keeps it


def test_each_picture_has_its_own_arrays(site):  # noqa: F811
    """Consumers keep a picture across steps while the next one is made: two pictures
    share no memory with each other or with the track table."""
    tracker, _ = make_tracker(site, confirm_hits=3)
    rng = np.random.default_rng(2)
    for time_s in np.arange(2.0, 12.0, 2.0):
        tracker.process(measure(site, truth(float(time_s))[1:], float(time_s), rng))
    first, second = tracker.picture(12.0), tracker.picture(12.0)
    assert first.size == 3
    table = [getattr(tracker, name) for name in ("state", "covariance", "track_id",
                                                 "kind_index", "kind_confidence",
                                                 "last_update_by_radar_s")]
    for field in dataclasses.fields(TrackPicture):
        array = getattr(first, field.name)
        if isinstance(array, np.ndarray):
            assert not np.shares_memory(array, getattr(second, field.name)), field.name
            assert not any(np.shares_memory(array, column) for column in table), field.name


def test_the_wanted_ids_are_sorted_and_searched_as_numpy_would():
    from iadsim.sorted_search import index_of
    from iadsim.tracking.picture_kernels import _sorted_copy

    rng = np.random.default_rng(8)
    for size in (0, 1, 2, 3, 7, 64, 301):
        values = rng.integers(-5, 40, size)
        ordered = _sorted_copy(values)
        np.testing.assert_array_equal(ordered, np.sort(values))
        assert ordered is not values
        for value in range(-7, 42):
            assert (index_of(ordered, value) >= 0) == bool(np.isin(value, values))
