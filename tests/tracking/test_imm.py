"""The IMM filter's mechanics: one model reduces to the Kalman filter; shapes, inputs."""

from __future__ import annotations

import numpy as np

from iadsim.tracking import imm, kalman


def test_with_the_cv_mode_certain_the_imm_is_the_cv_kalman_filter():
    """Mode CV with probability 1 and no switching: the combined position and velocity
    are those of :mod:`iadsim.tracking.kalman` with the same noise; rtol 1e-9."""
    rng = np.random.default_rng(1)
    n = 4
    position = rng.normal(size=(n, 3)) * 1e4
    measurement_cov = np.broadcast_to(np.diag([900.0, 400.0, 2500.0]), (n, 3, 3)).copy()
    estimate = imm.start(position, measurement_cov, 200.0, 5.0, np.array([1.0, 0.0]))
    state = np.zeros((n, 6))
    state[:, :3] = position
    covariance = np.zeros((n, 6, 6))
    covariance[:, :3, :3], covariance[:, 3:, 3:] = measurement_cov, np.eye(3) * 200.0**2
    transition, noise = imm.transition_matrices(2.0, 3.0, 10.0)
    for _ in range(5):
        measurement = position + rng.normal(size=(n, 3)) * 30.0
        estimate, _ = imm.step(estimate, measurement, measurement_cov, transition, noise,
                               np.eye(2))
        state, covariance = kalman.predict(state, covariance, np.full(n, 2.0), 3.0)
        state, covariance = kalman.update(state, covariance, measurement, measurement_cov)
    combined, combined_cov = estimate.combined()
    np.testing.assert_allclose(combined[:, :6], state, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(combined_cov[:, :6, :6], covariance, rtol=1e-9, atol=1e-6)
    np.testing.assert_array_equal(estimate.mode_probability, np.tile([1.0, 0.0], (n, 1)))


def test_a_step_returns_new_arrays_and_probabilities_that_sum_to_one():
    rng = np.random.default_rng(2)
    n = 3
    measurement_cov = np.broadcast_to(np.eye(3) * 100.0, (n, 3, 3)).copy()
    estimate = imm.start(rng.normal(size=(n, 3)), measurement_cov, 100.0, 5.0,
                         np.array([0.8, 0.2]))
    before = (estimate.state.copy(), estimate.covariance.copy(),
              estimate.mode_probability.copy())
    transition, noise = imm.transition_matrices(1.0, 1.0, 10.0)
    measurement = rng.normal(size=(n, 3)) * 10.0
    after, nis = imm.step(estimate, measurement, measurement_cov, transition, noise,
                          np.array([[0.9, 0.1], [0.2, 0.8]]))
    for old, kept in zip(before, (estimate.state, estimate.covariance,
                                  estimate.mode_probability), strict=True):
        np.testing.assert_array_equal(old, kept)
    assert after.state.shape == (n, 2, 9) and after.covariance.shape == (n, 2, 9, 9)
    np.testing.assert_allclose(after.mode_probability.sum(axis=1), 1.0)
    assert nis.shape == (n,) and (nis >= 0).all()
    eigenvalues = np.linalg.eigvalsh(after.covariance)
    assert (eigenvalues > -1e-6).all()


def test_the_manoeuvre_scale_is_speed_over_the_reference_squared_between_minimum_and_one():
    velocity = np.array([[50.0, 0.0, 0.0], [0.0, 150.0, 200.0], [600.0, 0.0, 0.0],
                         [1.0, 0.0, 0.0]])
    np.testing.assert_allclose(imm.manoeuvre_scale(velocity, 500.0), [0.01, 0.25, 1.0, 0.01])
    np.testing.assert_allclose(imm.manoeuvre_scale(velocity, 250.0, minimum=0.001),
                               [0.04, 1.0, 1.0, 0.001])
    np.testing.assert_array_equal(imm.manoeuvre_scale(velocity, None), np.ones(4))


def test_per_track_manoeuvre_noise_and_initial_acceleration_are_each_tracks_own():
    """An array of CA noise levels (or initial sigmas) gives each track what the scalar
    gives it alone; the CV model's blocks do not depend on it."""
    dt = np.array([1.0, 2.0, 5.0])
    jerk = np.array([2.0, 8.0, 20.0])
    transition, noise = imm.transition_matrices_per_track(dt, 5.0, jerk)
    for index in range(dt.size):
        alone_transition, alone_noise = imm.transition_matrices(dt[index], 5.0, jerk[index])
        np.testing.assert_allclose(transition[index], alone_transition, rtol=1e-12)
        np.testing.assert_allclose(noise[index], alone_noise, rtol=1e-12)
    state = np.zeros((3, 6))
    covariance = np.broadcast_to(np.eye(6), (3, 6, 6)).copy()
    estimate = imm.from_cv(state, covariance, np.array([1.0, 3.0, 6.0]), np.array([0.9, 0.1]))
    np.testing.assert_allclose(estimate.covariance[:, imm.CA, 6, 6], [1.0, 9.0, 36.0])
    np.testing.assert_array_equal(estimate.covariance[:, imm.CV, 6:, 6:], 0.0)


def test_a_second_ca_model_has_the_ca_transition_and_its_own_jerk_noise():
    """``imm_models: cv_ca_gentle_ca``: three models; the third (the gentle CA) has the CA
    model's F and Q scaled by its own jerk noise squared; per track (n, 2) jerk levels
    give each track what the two levels give it alone; a track entering from CV gets
    each CA model the initial acceleration sigma."""
    transition, noise = imm.transition_matrices(2.0, 5.0, [20.0, 1.0])
    two_transition, two_noise = imm.transition_matrices(2.0, 5.0, 20.0)
    assert transition.shape == noise.shape == (3, 9, 9)
    np.testing.assert_array_equal(transition[:2], two_transition)
    np.testing.assert_array_equal(transition[imm.GENTLE_CA], two_transition[imm.CA])
    np.testing.assert_allclose(noise[:2], two_noise, rtol=1e-15)
    np.testing.assert_allclose(noise[imm.GENTLE_CA], two_noise[imm.CA] / 400.0, rtol=1e-14)
    dt = np.array([1.0, 3.0])
    jerk = np.array([[20.0, 1.0], [8.0, 0.5]])
    per_track_transition, per_track_noise = imm.transition_matrices_per_track(dt, 5.0, jerk)
    for index in range(dt.size):
        alone_transition, alone_noise = imm.transition_matrices(dt[index], 5.0, jerk[index])
        np.testing.assert_allclose(per_track_transition[index], alone_transition, rtol=1e-14)
        np.testing.assert_allclose(per_track_noise[index], alone_noise, rtol=1e-14)
    estimate = imm.from_cv(np.zeros((2, 6)), np.broadcast_to(np.eye(6), (2, 6, 6)).copy(),
                           np.array([2.0, 3.0]), np.array([0.96, 0.02, 0.02]))
    assert estimate.state.shape == (2, 3, 9)
    np.testing.assert_allclose(estimate.covariance[:, imm.GENTLE_CA, 8, 8], [4.0, 9.0])
    np.testing.assert_array_equal(estimate.covariance[:, imm.CV, 6:, 6:], 0.0)
