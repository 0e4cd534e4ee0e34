"""The compiled IMM (tracking/imm_kernels.py) against the NumPy reference (tracking/imm.py)
on random inputs: 0, 1 and many tracks, with the CA mode likely, unlikely or impossible;
rtol 1e-12 (other summation orders and a cofactor 3 x 3 inverse: not bit for bit)."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.tracking import imm, imm_kernels

SOJOURN_S = np.array([60.0, 8.0])
SOJOURN_S_THREE = np.array([60.0, 8.0, 25.0])
RTOL = 1e-12


def random_estimate(rng: np.random.Generator, n: int, ca_probability: np.ndarray,
                    models: int = 2) -> imm.ImmEstimate:
    """n tracks with distinct model-conditioned estimates (the models' states a few sigma
    apart, positive definite covariances); with three models the CA probability is
    shared by the two CA modes (two thirds, one third)."""
    sigma = np.array([20.0] * 3 + [7.0] * 3 + [2.0] * 3)
    state = (rng.normal(0.0, 1.0, (n, 1, imm.DIMENSION))
             * np.array([5e3, 5e3, 1e3, 200.0, 200.0, 20.0, 10.0, 10.0, 2.0])
             + rng.normal(0.0, 3.0, (n, models, imm.DIMENSION)) * sigma)
    root = rng.normal(0.0, 1.0, (n, models, imm.DIMENSION, imm.DIMENSION))
    covariance = ((np.einsum("njkl,njml->njkm", root, root) + 0.5 * np.eye(imm.DIMENSION))
                  * sigma[:, None] * sigma[None, :])
    shares = [ca_probability] if models == 2 else [ca_probability * 2 / 3,
                                                   ca_probability / 3]
    probability = np.stack([1.0 - ca_probability, *shares], axis=1)
    return imm.ImmEstimate(state, covariance, probability)


def ca_noise_levels(rng: np.random.Generator, n: int, models: int) -> np.ndarray:
    """Each track's CA jerk noise: (n,) for one CA model, (n, 2) for the hard and the
    gentle one."""
    scale = rng.uniform(0.01, 1.0, n)
    return 40.0 * scale if models == 2 else np.outer(scale, [40.0, 1.5])


def close(actual: np.ndarray, expected: np.ndarray, rtol: float = RTOL) -> None:
    """Equal to rounding: relative to each array's scale (covariance entries near zero
    carry the rounding of their largest terms)."""
    scale = np.max(np.abs(expected), initial=1.0)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize("n", [0, 1, 50])
@pytest.mark.parametrize("ca", ["likely", "unlikely", "impossible"])
@pytest.mark.parametrize("models", [2, 3])
def test_compiled_cycle_equals_numpy(n: int, ca: str, models: int) -> None:
    """Two models (CV, CA) and three (CV, CA, gentle CA: ``imm_models:
    cv_ca_gentle_ca``)."""
    rng = np.random.default_rng(7 + n)
    ca_probability = {"likely": rng.uniform(0.3, 0.9, n), "unlikely": np.full(n, 1e-6),
                      "impossible": np.zeros(n)}[ca]
    estimate = random_estimate(rng, n, ca_probability, models)
    dt = rng.uniform(0.0, 12.0, n)
    if n:
        dt[0] = 0.0  # a report at the track's own time
    jerk = ca_noise_levels(rng, n, models)
    sojourn = SOJOURN_S if models == 2 else SOJOURN_S_THREE
    transition, noise = imm.transition_matrices_per_track(dt, 3.0, jerk)
    mode_transition = imm.mode_transitions(dt, sojourn)
    expected = imm.predict(estimate, transition, noise, mode_transition)
    predicted = imm_kernels.predict(estimate, dt, 3.0, jerk, sojourn)
    close(predicted.state, expected.state)
    close(predicted.covariance, expected.covariance)
    close(predicted.mode_probability, expected.mode_probability)
    for actual, reference in zip(imm_kernels.gate_and_price_moments(expected),
                                 imm.gate_and_price_moments(expected), strict=True):
        close(actual, reference)
    measurement = expected.state[:, 0, :3] + rng.normal(0.0, 30.0, (n, 3))
    root = rng.normal(0.0, 1.0, (n, 3, 3))
    measurement_cov = np.einsum("nkl,nml->nkm", root, root) * 100.0 + 25.0 * np.eye(3)
    reference, reference_nis = imm.update(expected, measurement, measurement_cov)
    updated, nis, combined, combined_cov = imm_kernels.update(expected, measurement,
                                                               measurement_cov)
    close(updated.state, reference.state)
    close(updated.covariance, reference.covariance)
    close(updated.mode_probability, reference.mode_probability)
    # The NIS (not used by the tracker) is a small difference of kilometre positions
    # squared: its rounding is that of the positions, amplified (seen: 8e-12).
    close(nis, reference_nis, rtol=1e-9)
    reference_combined, reference_combined_cov = reference.combined()
    close(combined, reference_combined)
    close(combined_cov, reference_combined_cov)


def test_compiled_update_does_not_modify_its_inputs() -> None:
    rng = np.random.default_rng(3)
    estimate = random_estimate(rng, 4, np.full(4, 0.2))
    copies = [array.copy() for array in (estimate.state, estimate.covariance,
                                         estimate.mode_probability)]
    predicted = imm_kernels.predict(estimate, np.full(4, 2.0), 3.0, np.full(4, 40.0),
                                    SOJOURN_S)
    imm_kernels.update(predicted, predicted.state[:, 0, :3], np.tile(np.eye(3), (4, 1, 1)))
    for array, copy in zip((estimate.state, estimate.covariance, estimate.mode_probability),
                           copies, strict=True):
        np.testing.assert_array_equal(array, copy)


@pytest.mark.parametrize("models", [2, 3])
def test_gate_moments_from_the_table_equal_the_full_prediction_bit_for_bit(models) -> None:
    """predict_gate_moments (position block only, rows read from the table) gives the
    values of predict then gate_and_price_moments exactly: the same arithmetic."""
    rng = np.random.default_rng(11)
    table = random_estimate(rng, 30, rng.uniform(0.0, 0.9, 30), models)
    rows = np.array([29, 3, 3, 0, 17])
    dt = rng.uniform(0.0, 9.0, rows.size)
    ca_noise = ca_noise_levels(rng, rows.size, models)
    sojourn = SOJOURN_S if models == 2 else SOJOURN_S_THREE
    predicted = imm_kernels.predict(
        imm.ImmEstimate(table.state[rows], table.covariance[rows],
                        table.mode_probability[rows]), dt, 3.0, ca_noise, sojourn)
    position, gate_cov, combined_cov, cv_position, cv_cov = (
        imm_kernels.predict_gate_moments(table.state, table.covariance,
                                         table.mode_probability, rows, dt, 3.0, ca_noise,
                                         sojourn))
    for actual, expected in zip(
            (position, gate_cov, combined_cov, cv_position, cv_cov),
            (*imm_kernels.gate_and_price_moments(predicted), predicted.state[:, imm.CV, :3],
             predicted.covariance[:, imm.CV, :3, :3]), strict=True):
        np.testing.assert_array_equal(actual, expected)
    empty = imm_kernels.predict_gate_moments(table.state, table.covariance,
                                             table.mode_probability, rows[:0], dt[:0], 3.0,
                                             ca_noise[:0], sojourn)
    assert [array.shape[0] for array in empty] == [0] * 5
