"""The IMM in the track picture: its acceleration estimate passed to the battle manager,
and its association in a crowd (gate with the broadest model, price with the combined
covariance).

Reports are built by hand from the truth (:func:`test_tracker.measure`: the radar's
noise), so the tracker never sees the truth; the truth only scores the result.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_tracker import make_network_tracker, measure, two_sites

from iadsim.effectors.batteries import interceptor_table
from iadsim.effectors.envelope import stacked_tables
from iadsim.effectors.intercept_prediction import predicted_intercept_time
from iadsim.scenario import scenario_from_dict
from iadsim.tracking.tracker import CONFIRMED, TrackPicture

__all__ = ["two_sites"]

REVISIT_S = 2.0
EARTH_RADIUS_M = 6_371_000.0


def constant_acceleration(start_m: np.ndarray, velocity_mps: np.ndarray,
                          acceleration_mps2: np.ndarray, onset_s: float):
    """Truth of targets flying straight until ``onset_s``, then at a constant acceleration
    (the same for all): a callable of time -> (positions (n, 3), velocities (n, 3))."""

    def truth(time_s: float) -> tuple[np.ndarray, np.ndarray]:
        straight = min(time_s, onset_s)
        turning = max(time_s - onset_s, 0.0)
        position = (start_m + velocity_mps * straight + velocity_mps * turning
                    + 0.5 * acceleration_mps2 * turning**2)
        return position, np.broadcast_to(velocity_mps + acceleration_mps2 * turning,
                                         position.shape)

    return truth


def interceptors():
    """A notional 800 m/s missile (the same as tests/effectors/test_flyout.py)."""
    missile = {"name": "sam", "min_range_km": 0.5, "max_range_km": 40.0,
               "max_altitude_m": 20_000.0, "speed_mps": 800.0, "lethal_radius_m": 5.0,
               "single_shot_pk": 1.0, "seeker_range_km": 5.0}
    return interceptor_table(scenario_from_dict({
        "name": "imm-picture-test", "origin": {"lat_deg": 42.0, "lon_deg": 35.0},
        "sim": {"duration_s": 600.0}, "interceptors": [missile]}))


# Four targets 3 km apart, 25-28 km east at 6 km altitude, flying west (toward the
# launcher at the origin) at 250 m/s, then accelerating at 20 m/s^2 (2 g) north-west
# from t = 30 s.
STARTS = np.array([[25_000.0 + 3_000.0 * (index % 2), -1_500.0 + 3_000.0 * (index // 2),
                    6_000.0] for index in range(4)])
VELOCITY = np.array([-250.0, 0.0, 0.0])
ACCELERATION = np.array([-14.0, 14.0, 0.0])
ONSET_S = 30.0


def flown_pictures(sites, motion_model: str, times_s: list[float],
                   **settings) -> list[TrackPicture]:
    """The pictures, half a second after each scan of ``times_s``, of a tracker (tracking
    ``settings``) fed the four targets' reports by the first of ``sites`` (revisit 2 s)."""
    tracker, _ = make_network_tracker(sites[:1], motion_model=motion_model, **settings)
    truth = constant_acceleration(STARTS, VELOCITY, ACCELERATION, ONSET_S)
    rng = np.random.default_rng(5)
    pictures = []
    for scan in range(1, round(max(times_s) / REVISIT_S) + 1):
        time_s = scan * REVISIT_S
        tracker.process(measure(tracker.sites[0], truth(time_s)[0], time_s, rng))
        if time_s in times_s:
            assert tracker.size == 4 and (tracker.status == CONFIRMED).all()
            pictures.append(tracker.picture(time_s + 0.5))
    return pictures


def intercept_point_errors(picture: TrackPicture, with_acceleration: bool) -> np.ndarray:
    """How far (m) each target really is, when the round gets there, from the predicted
    intercept point the battle manager solves on the picture (launcher at the origin):
    the earliest time ``T`` the round meets the track predicted as ``p + v t + a t^2 / 2``
    (:func:`predicted_intercept_time`, the interceptor's flown time-of-flight table), with
    the picture's acceleration ``a`` or at constant velocity, and the point's distance
    from the truth ``T`` later (4,)."""
    truth = constant_acceleration(STARTS, VELOCITY, ACCELERATION, ONSET_S)
    time_of_flight, _, scalars = stacked_tables(interceptors(), EARTH_RADIUS_M)
    range_step, altitude_step, longest, average = scalars[0]
    errors = []
    for target, row in enumerate(np.argsort(picture.track_id)):  # started in target order
        position, velocity = picture.position_m[row], picture.velocity_mps[row]
        acceleration = picture.acceleration_mps2[row] if with_acceleration else np.zeros(3)
        ahead = predicted_intercept_time(*position, *velocity, *acceleration, 0.0,
                                         time_of_flight[0], range_step, altitude_step,
                                         longest, average, EARTH_RADIUS_M)
        assert np.isfinite(ahead)
        point = position + velocity * ahead + 0.5 * acceleration * ahead**2
        errors.append(np.linalg.norm(point - truth(picture.time_s + ahead)[0][target]))
    return np.array(errors)


def test_a_straight_flying_imm_track_has_almost_no_acceleration_in_the_picture(two_sites):
    """Before the manoeuvre the IMM's combined acceleration is its CA model's noise
    weighted by a small mode probability: under 1 m/s^2 at every scan from 16 to 28 s;
    it moves the predicted intercept point by under 200 m (the velocity error's share is
    larger) and costs it no accuracy on average (within 10 %)."""
    pictures = flown_pictures(two_sites, "imm", [16.0, 20.0, 24.0, 28.0])
    with_acceleration = np.array([intercept_point_errors(p, True) for p in pictures])
    constant_velocity = np.array([intercept_point_errors(p, False) for p in pictures])
    for picture in pictures:
        assert np.abs(picture.acceleration_mps2).max() < 1.0
        assert not picture.ballistic_model.any()
    assert np.abs(with_acceleration - constant_velocity).max() < 200.0
    assert with_acceleration.mean() <= 1.1 * constant_velocity.mean()


@pytest.mark.parametrize("jerk_noise_mps3, share_of_cv_error, share_nearer", [
    (20.0, 0.97, 0.7),  # the default CA model: its acceleration estimate is weak
    (5.0, 0.6, 0.9),    # a CA model that holds a sustained acceleration
])
def test_the_picture_carries_the_imm_acceleration_and_the_intercept_point_follows_it(
        two_sites, jerk_noise_mps3, share_of_cv_error, share_nearer):
    """During a 2 g acceleration (scans from 36 to 50 s, four targets 3 km apart) the
    picture's acceleration is the IMM's combined estimate, and the predicted intercept
    point solved with it (:func:`intercept_point_errors`) is nearer where the target
    really is then than the one solved at constant velocity from the same picture: the
    mean distance under ``share_of_cv_error`` of it, and nearer for ``share_nearer`` of
    the targets and scans.

    The default CA model (jerk noise 20 m/s^3, tuned so that 10-12 g turns keep their
    track) re-learns its acceleration nearly from scratch every scan and its mode
    probability swings on a sustained 2 g, so its estimate gains about 6 %; with a jerk
    noise of 5 m/s^3 it halves the error (but loses the 10-12 g turns of
    tests/tracking/test_motion_model.py)."""
    times_s = [36.0, 38.0, 40.0, 42.0, 44.0, 46.0, 48.0, 50.0]
    pictures = flown_pictures(two_sites, "imm", times_s, imm_ca_noise_mps3=jerk_noise_mps3)
    with_acceleration = np.array([intercept_point_errors(p, True) for p in pictures])
    constant_velocity = np.array([intercept_point_errors(p, False) for p in pictures])
    along = np.array([p.acceleration_mps2 @ ACCELERATION / np.linalg.norm(ACCELERATION)
                      for p in pictures])
    assert along.mean() > 3.0
    assert constant_velocity.mean() > 1_000.0  # the CV point is well off: the test can fail
    assert with_acceleration.mean() < share_of_cv_error * constant_velocity.mean()
    assert (with_acceleration < constant_velocity).mean() >= share_nearer


def test_the_cv_tracker_picture_has_no_acceleration(two_sites):
    (picture,) = flown_pictures(two_sites, "cv", [42.0])
    np.testing.assert_array_equal(picture.acceleration_mps2, np.zeros((4, 3)))


def test_threat_evaluation_reads_only_the_ballistic_models_acceleration():
    """An IMM track's manoeuvre estimate (downward here) is no fall to the ground: the
    picture's ``ballistic_acceleration_mps2`` keeps gravity for the ballistic track only."""
    picture = TrackPicture(
        0.0, np.array([1, 2]), np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 3, 3)),
        np.zeros((2, 1)), np.zeros(2), np.zeros(2, dtype=np.int8), np.zeros(2),
        np.array([[0.0, 0.0, -9.80665], [3.0, 0.0, -15.0]]), np.array([True, False]))
    np.testing.assert_array_equal(picture.ballistic_acceleration_mps2,
                                  [[0.0, 0.0, -9.80665], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("motion_model", ["cv", "imm"])
def test_same_reports_same_picture(two_sites, motion_model):
    (first,) = flown_pictures(two_sites, motion_model, [42.0])
    (second,) = flown_pictures(two_sites, motion_model, [42.0])
    np.testing.assert_array_equal(first.position_m, second.position_m)
    np.testing.assert_array_equal(first.acceleration_mps2, second.acceleration_mps2)
