"""Kinematic classification: a picture of each kind, read from the tracker's own tracks.

The tracker is fed reports of one target of each kind (noisy, from a radar), so the
classifier reads estimated velocities, heights and vertical accelerations, not the truth.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_tracker import make_tracker, measure, site  # noqa: F401  (site: the radar fixture)

from iadsim.events import EventLog
from iadsim.scenario.schema import Tracking
from iadsim.tracking import classification
from iadsim.tracking.classification import KINEMATIC_KINDS, classify
from iadsim.tracking.tracker import CentralTracker

G = 9.80665


def test_classify_names_each_kind_from_clear_kinematics():
    velocity = np.array([[1_200.0, 0.0, -900.0], [240.0, 0.0, 0.0], [260.0, 0.0, 0.0],
                         [45.0, 10.0, 0.0]])
    height = np.array([35_000.0, 60.0, 8_000.0, 600.0])
    acceleration = np.array([-G, 0.0, 0.0, np.nan])
    kind, confidence = classify(velocity, height, acceleration)
    assert [KINEMATIC_KINDS[k] for k in kind] == [
        "ballistic_missile", "cruise_missile", "aircraft", "drone"]
    assert (confidence > 0.9).all()
    np.testing.assert_array_equal(velocity[1], [240.0, 0.0, 0.0])  # inputs unchanged


def test_an_ambiguous_track_gets_a_low_confidence():
    # 250 m/s at 900 m: a low-flying aircraft or a high cruise missile.
    _, confidence = classify(np.array([[250.0, 0.0, 0.0]]), np.array([900.0]),
                             np.array([0.0]))
    assert 0.4 < confidence[0] < 0.9


def ballistic(time_s, start, velocity):
    position = start + velocity * time_s
    position[:, 2] -= 0.5 * G * time_s**2
    return position


@pytest.mark.parametrize("kind, start, velocity", [
    ("ballistic_missile", [60_000.0, 80_000.0, 40_000.0], [-700.0, -900.0, 300.0]),
    ("cruise_missile", [40_000.0, 30_000.0, 80.0], [-180.0, -150.0, 0.0]),
    ("aircraft", [60_000.0, 70_000.0, 9_000.0], [-220.0, -30.0, 0.0]),
    ("drone", [20_000.0, 25_000.0, 700.0], [-35.0, -35.0, 0.0]),
])
def test_the_picture_classifies_a_track_of_each_kind(site, kind, start, velocity):  # noqa: F811
    tracker, _ = make_tracker(site, confirm_hits=3, process_noise_mps2=12.0)
    rng = np.random.default_rng(5)
    start, velocity = np.array([start]), np.array([velocity])
    for time_s in np.arange(2.0, 42.0, 2.0):
        truth = (ballistic(time_s, start, velocity) if kind == "ballistic_missile"
                 else start + velocity * time_s)
        tracker.process(measure(site, truth, float(time_s), rng))
    picture = tracker.picture(40.0)
    assert picture.size == 1
    assert KINEMATIC_KINDS[picture.kind_index[0]] == kind
    assert picture.kind_confidence[0] > 0.8
    if kind == "ballistic_missile":  # the estimate shows the fall, within a few m/s^2
        assert abs(tracker.vertical_acceleration_mps2[0] + G) < 4.0


@pytest.mark.parametrize("model", [True, False])
def test_a_ballistic_track_is_predicted_under_gravity(site, model):  # noqa: F811
    """Ten seconds past its last update, a track classified ballistic is predicted
    falling (error within its covariance); without the ballistic model the constant
    velocity prediction misses by g t^2 / 2 = 490 m and its velocity lag (780 m here)."""
    tracker, _ = make_tracker(site, process_noise_mps2=12.0, ballistic_model=model)
    rng = np.random.default_rng(6)
    start, velocity = np.array([[60_000.0, 80_000.0, 40_000.0]]), np.array([[-700.0, -900.0,
                                                                            300.0]])
    for time_s in np.arange(2.0, 42.0, 2.0):
        tracker.process(measure(site, ballistic(time_s, start, velocity), float(time_s), rng))
    picture = tracker.picture(50.0)
    error = np.linalg.norm(picture.position_m[0] - ballistic(50.0, start, velocity)[0])
    if model:
        assert error < 3.0 * np.sqrt(np.trace(picture.position_cov_m2[0]))
        assert error < 200.0
    else:
        assert 400.0 < error < 1_000.0


def test_two_radars_looking_moments_apart_do_not_make_a_drone_ballistic(site):  # noqa: F811
    """Scheduled looks: two radars see a level drone 15 ms apart every 2 s. The vertical
    speed changes of the updates 15 ms apart are velocity noise, not a fall: read as
    ``dv / dt`` at full weight they gave hundreds of m/s^2 and a ballistic class (the
    layered-defense drones were then engaged as ballistic missiles and flown under
    gravity). The estimate stays within a few m/s^2 and the track reads as a drone."""
    tracker = CentralTracker(Tracking(confirm_hits=3, process_noise_mps2=12.0), [site, site],
                             EventLog([site.name, "twin"], [], []))
    rng = np.random.default_rng(11)
    start, velocity = np.array([[20_000.0, 25_000.0, 700.0]]), np.array([[-35.0, -35.0, 0.0]])
    for look_s in np.arange(2.0, 62.0, 2.0):
        for radar, time_s in ((0, look_s), (1, look_s + 0.015)):
            tracker.process(measure(site, start + velocity * time_s, float(time_s), rng,
                                    radar_index=radar))
            if tracker.hits[0] > 3:  # known from the third plot taken 2 s after the second
                assert not abs(tracker.vertical_acceleration_mps2[0]) >= 5.0, time_s
                picture = tracker.picture(float(time_s))
                assert KINEMATIC_KINDS[picture.kind_index[0]] == "drone", time_s
    assert tracker.size == 1 and tracker.hits[0] == 60
    assert np.isfinite(tracker.vertical_acceleration_mps2[0])


def _random_rows(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Track-table rows (count, 6) of every kind's kinematics and odd ones (a standing
    track, NaN or infinite values), and vertical accelerations (count,), some unknown."""
    state = np.empty((count, 6))
    state[:, :2] = rng.normal(0.0, 1e5, (count, 2))
    state[:, 2] = rng.exponential(5_000.0, count) * rng.choice([1.0, -0.01], count)
    scale = rng.choice([1e-4, 1.0, 50.0, 250.0, 1_500.0], (count, 1))
    state[:, 3:] = rng.normal(0.0, 1.0, (count, 3)) * scale
    acceleration = rng.normal(-3.0, 6.0, count)
    acceleration[rng.random(count) < 0.3] = np.nan
    if count > 3:
        state[0, 3:] = 0.0  # below the 1e-3 m/s floor
        acceleration[1] = np.inf  # not finite: left out, as NaN
        state[2, 4] = np.nan  # NaN kinematics: NaN confidence, kind 0 (argmax of NaNs)
        state[3, 2] = 1e200  # every kind's height term -inf
    return state, acceleration


def _height_m(state: np.ndarray, ground_elevation_m: float) -> np.ndarray:
    """CentralTracker._height_m's NumPy."""
    horizontal2 = state[:, 0] ** 2 + state[:, 1] ** 2
    return state[:, 2] + horizontal2 / (2.0 * 6_371_008.8) - ground_elevation_m


def test_compiled_classification_is_the_numpy_one_bit_for_bit():
    """classify and classify_table_rows (compiled, with NumPy's log and exp) give the
    kinds and confidences of the NumPy reference bit for bit, over every kind's
    kinematics and odd rows (NaN, infinite, a standing track), sizes 0 to 40, with
    scratch arrays kept across calls or new ones; the table rows not selected are left as
    they were, and the ballistic flag is the table's."""
    from iadsim.tracking.classification import (
        ClassificationScratch,
        classify_table_rows,
    )

    rng = np.random.default_rng(19)
    scratch = ClassificationScratch()  # kept across calls of every size, as the tracker's
    for trial in range(400):
        count = int(rng.integers(0, 41))
        state, acceleration = _random_rows(rng, count)
        selected = rng.random(count) < 0.7
        ground = float(rng.uniform(-50.0, 800.0))
        height = _height_m(state[selected], ground)
        with np.errstate(invalid="ignore", over="ignore"):
            kind, confidence = classify_numpy(state[selected, 3:], height,
                                              acceleration[selected])
        compiled_kind, compiled_confidence = classify(state[selected, 3:], height,
                                                      acceleration[selected])
        assert compiled_kind.dtype == np.int8
        np.testing.assert_array_equal(compiled_kind, kind)
        assert compiled_confidence.tobytes() == confidence.tobytes()
        table_kind = np.full(count, -1, dtype=np.int8)
        table_confidence = np.full(count, 0.5)
        flag = classify_table_rows(state, acceleration, selected, ground, table_kind,
                                   table_confidence, scratch if trial % 5 else None)
        np.testing.assert_array_equal(table_kind[selected], kind)
        assert table_confidence[selected].tobytes() == confidence.tobytes()
        assert (table_kind[~selected] == -1).all() and (table_confidence[~selected] == 0.5).all()
        assert flag is (None if not selected.any() else bool((table_kind == 0).any()))


def classify_numpy(velocity_mps: np.ndarray, height_m: np.ndarray,
                   vertical_acceleration_mps2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The NumPy version of :func:`classify` (the reference its compiled calls reproduce
    bit for bit), written as the tracker ran it before its compiled calls."""
    kinds = classification
    velocity = np.asarray(velocity_mps, dtype=float)
    speed = np.maximum(np.sqrt(np.einsum("ij,ij->i", velocity, velocity)), 1e-3)
    log_likelihood = (
        _log_gaussian_reference(np.log(speed), kinds._SPEED_LOG_MEAN, kinds._SPEED_LOG_SIGMA)
        + _log_gaussian_reference(np.asarray(height_m, dtype=float), kinds._HEIGHT_MEAN_M,
                                  kinds._HEIGHT_SIGMA_M))
    acceleration = np.asarray(vertical_acceleration_mps2, dtype=float)
    known = np.isfinite(acceleration)
    log_likelihood[known] += _log_gaussian_reference(
        acceleration[known], kinds._VERTICAL_ACCELERATION_MEAN_MPS2,
        kinds._VERTICAL_ACCELERATION_SIGMA_MPS2)
    log_likelihood -= log_likelihood.max(axis=1, keepdims=True)
    posterior = np.exp(log_likelihood)  # the most probable kind's is exactly 1
    return (log_likelihood.argmax(axis=1).astype(np.int8),
            1.0 / posterior.sum(axis=1))


def _log_gaussian_reference(value: np.ndarray, mean: np.ndarray, sigma: np.ndarray
                            ) -> np.ndarray:
    """ln of the Gaussian density of each ``value`` (n,) under each kind's (k,) mean and
    sigma: (n, k)."""
    scaled = (value[:, None] - mean[None, :]) / sigma[None, :]
    return -0.5 * scaled * scaled - np.log(sigma)[None, :]
