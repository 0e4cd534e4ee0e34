"""Tracking models against their references: the assignment against SciPy's
linear_sum_assignment, the Kalman filter against the textbook equations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.optimize import linear_sum_assignment

from iadsim.tracking import association, kalman


def dense_optimum(track_index, measurement_index, cost, n_tracks, n_measurements) -> float:
    """The same augmented problem as iadsim.tracking.association.assign, solved dense."""
    shifted, leave = association.unassigned_cost(cost)
    big = 1e9
    matrix = np.full((n_tracks + n_measurements, n_measurements + n_tracks), big)
    matrix[track_index, measurement_index] = shifted
    matrix[np.arange(n_tracks), n_measurements + np.arange(n_tracks)] = leave
    matrix[n_tracks + np.arange(n_measurements), np.arange(n_measurements)] = leave
    matrix[n_tracks:, n_measurements:] = 0.0
    rows, columns = linear_sum_assignment(matrix)
    return float(matrix[rows, columns].sum())


def total_cost(chosen_tracks, chosen_measurements, track_index, measurement_index, cost,
               n_tracks, n_measurements) -> float:
    shifted, leave = association.unassigned_cost(cost)
    lookup = {(t, m): c for t, m, c in zip(track_index, measurement_index, shifted, strict=True)}
    assigned = sum(lookup[(t, m)] for t, m in zip(chosen_tracks, chosen_measurements,
                                                  strict=True))
    return assigned + leave * (n_tracks - len(chosen_tracks)
                               + n_measurements - len(chosen_measurements))


@pytest.mark.parametrize("seed", range(40))
def test_gnn_assignment_is_optimal_against_linear_sum_assignment(seed, monkeypatch):
    """Global nearest neighbour (Blackman & Popoli 1999, sec. 6.5) on random sparse gated
    pairs, many contested; iadsim's solution (dense and, forced, sparse LAPJVsp) has the
    same total cost as scipy.optimize.linear_sum_assignment on the dense augmented
    matrix; atol 1e-6."""
    rng = np.random.default_rng(seed)
    n_tracks, n_measurements = rng.integers(2, 40, size=2)
    pairs = rng.random((n_tracks, n_measurements)) < rng.uniform(0.05, 0.5)
    track_index, measurement_index = np.nonzero(pairs)
    if track_index.size == 0:
        return
    cost = rng.uniform(-5.0, 25.0, track_index.size)
    expected = dense_optimum(track_index, measurement_index, cost, n_tracks, n_measurements)
    for dense_limit in (association.DENSE_ASSIGNMENT_SIZE, 0):  # 0 forces the sparse solver
        monkeypatch.setattr(association, "DENSE_ASSIGNMENT_SIZE", dense_limit)
        tracks, measurements = association.assign(track_index, measurement_index, cost,
                                                  n_tracks, n_measurements)
        assert len(set(tracks)) == len(tracks) and len(set(measurements)) == len(measurements)
        assert pairs[tracks, measurements].all()
        got = total_cost(tracks, measurements, track_index, measurement_index, cost, n_tracks,
                         n_measurements)
        assert got == pytest.approx(expected, abs=1e-6)


def cwna_noise(dt, sigma_a):
    """Bar-Shalom, Li, Kirubarajan (2001), eq. 6.2.2-12: continuous white-noise
    acceleration, Q = q [[dt^3/3, dt^2/2], [dt^2/2, dt]] (x) I3, with q = sigma_a^2 x 1 s."""
    return sigma_a**2 * np.kron([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]], np.eye(3))


def textbook_predict(state, covariance, dt, sigma_a):
    """Bar-Shalom et al. (2001), sec. 6.2.2: F = [[I, dt I], [0, I]], CWNA Q; one track at
    a time, plain matrices."""
    transition = np.eye(6)
    transition[:3, 3:] = dt * np.eye(3)
    return (transition @ state,
            transition @ covariance @ transition.T + cwna_noise(dt, sigma_a))


def textbook_update(state, covariance, measurement, measurement_covariance):
    """Bar-Shalom et al. (2001) sec. 5.2: the Kalman filter with the Joseph form."""
    h = np.hstack([np.eye(3), np.zeros((3, 3))])
    s = h @ covariance @ h.T + measurement_covariance
    k = covariance @ h.T @ np.linalg.inv(s)
    reduce = np.eye(6) - k @ h
    return (state + k @ (measurement - h @ state),
            reduce @ covariance @ reduce.T + k @ measurement_covariance @ k.T)


def test_kalman_predict_and_update_match_the_textbook():
    """Batched iadsim filter against the one-at-a-time textbook equations; atol 1e-6
    relative to the covariance scale (1e6 m^2)."""
    rng = np.random.default_rng(7)
    n = 25
    state = rng.normal(size=(n, 6)) * [1e4, 1e4, 1e3, 300, 300, 50]
    root = rng.normal(size=(n, 6, 6)) * 30
    covariance = root @ root.transpose(0, 2, 1) + np.eye(6)
    dt = rng.uniform(0.1, 10.0, n)
    predicted, predicted_cov = kalman.predict(state, covariance, dt, 20.0)
    measurement = predicted[:, :3] + rng.normal(size=(n, 3)) * 50
    root_r = rng.normal(size=(n, 3, 3)) * 20
    measurement_cov = root_r @ root_r.transpose(0, 2, 1) + np.eye(3)
    updated, updated_cov = kalman.update(predicted, predicted_cov, measurement, measurement_cov)
    for i in range(n):
        x, p = textbook_predict(state[i], covariance[i], dt[i], 20.0)
        np.testing.assert_allclose(predicted[i], x, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(predicted_cov[i], p, rtol=1e-9, atol=1e-6)
        x, p = textbook_update(x, p, measurement[i], measurement_cov[i])
        np.testing.assert_allclose(updated[i], x, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(updated_cov[i], p, rtol=1e-7, atol=1e-6)


def test_filter_is_consistent_on_its_own_motion_model():
    """Normalized estimation error squared (Bar-Shalom et al. 2001, sec. 5.4.2): on 200
    Monte Carlo runs of a target obeying the CWNA model, measured with the noise the
    filter assumes, the average NEES after 40 updates lies in the two-sided 95 %
    chi-square interval for 6 x 200 degrees of freedom."""
    rng = np.random.default_rng(11)
    runs, steps, dt, sigma_a, sigma_z = 200, 40, 2.0, 3.0, 40.0
    truth = np.zeros((runs, 6))
    truth[:, 3:] = [200.0, -50.0, 0.0]
    noise_root = np.linalg.cholesky(cwna_noise(dt, sigma_a))
    measurement_cov = np.broadcast_to(np.eye(3) * sigma_z**2, (runs, 3, 3))
    estimate = truth + np.hstack([rng.normal(size=(runs, 3)) * sigma_z,
                                  rng.normal(size=(runs, 3)) * 100.0])
    covariance = np.broadcast_to(np.diag([sigma_z**2] * 3 + [100.0**2] * 3), (runs, 6, 6)).copy()
    for _ in range(steps):
        truth[:, :3] += truth[:, 3:] * dt
        truth += rng.normal(size=(runs, 6)) @ noise_root.T
        estimate, covariance = kalman.predict(estimate, covariance, np.full(runs, dt), sigma_a)
        measurement = truth[:, :3] + rng.normal(size=(runs, 3)) * sigma_z
        estimate, covariance = kalman.update(estimate, covariance, measurement, measurement_cov)
    error = truth - estimate
    nees = np.einsum("ij,ij->i", error, np.linalg.solve(covariance, error[:, :, None])[:, :, 0])
    low, high = stats.chi2.ppf([0.025, 0.975], df=6 * runs) / runs
    assert low <= nees.mean() <= high, (low, nees.mean(), high)


def test_cwna_prediction_is_consistent_in_time():
    """The continuous white-noise acceleration model composes: predicting 10 s at once
    equals predicting 4 s then 6 s (Bar-Shalom et al. 2001, sec. 6.2.2); rtol 1e-12."""
    rng = np.random.default_rng(3)
    state = rng.normal(size=(5, 6)) * 100
    root = rng.normal(size=(5, 6, 6))
    covariance = root @ root.transpose(0, 2, 1) + np.eye(6)
    once = kalman.predict(state, covariance, np.full(5, 10.0), 25.0)
    first = kalman.predict(state, covariance, np.full(5, 4.0), 25.0)
    twice = kalman.predict(*first, np.full(5, 6.0), 25.0)
    np.testing.assert_allclose(twice[0], once[0], rtol=1e-12)
    np.testing.assert_allclose(twice[1], once[1], rtol=1e-12)
    position, position_cov = kalman.predict_position(state, covariance, np.full(5, 10.0), 25.0)
    np.testing.assert_allclose(position, once[0][:, :3], rtol=1e-12)
    np.testing.assert_allclose(position_cov, once[1][:, :3, :3], rtol=1e-12)
