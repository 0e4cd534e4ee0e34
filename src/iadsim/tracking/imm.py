"""Interacting multiple model (IMM) filter, constant velocity + constant acceleration,
batched over tracks.

State ``[position (3), velocity (3), acceleration (3)]`` (m, m/s, m/s^2); position is
measured. Two models:

* nearly constant velocity (CV): position and velocity move with continuous white-noise
  acceleration of power spectral density ``q_cv`` (as :mod:`iadsim.tracking.kalman`);
  its acceleration is zero (F zeroes it, no noise enters it);
* nearly constant acceleration (CA, the Wiener-process acceleration model): the
  acceleration is a random walk of power spectral density ``q_ca`` (m^2/s^5).

One cycle (Bar-Shalom, Li, Kirubarajan, Estimation with Applications to Tracking and
Navigation, 2001, sec. 11.6.6): mixing of the model-conditioned estimates with the mode
transition probabilities, model-matched prediction and Kalman update, mode probabilities
from the innovation likelihoods, and the combined estimate (a moment match).
Process noise: Bar-Shalom et al. 2001, sec. 6.2.2 (CWNA) and 6.2.3 (Wiener-process
acceleration, continuous form).

Functions return new arrays; inputs are not modified. The work is whole-array NumPy over
(tracks, models, 9, 9): the IMM is not the tracker's filter yet (its table holds the
6-state CV estimate); wiring it in means keeping these per-model arrays in the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DIMENSION = 9
CV, CA = 0, 1


@dataclass(frozen=True, slots=True)
class ImmEstimate:
    """Model-conditioned estimates of n tracks under r models, and the mode probabilities.

    state (n, r, 9), covariance (n, r, 9, 9), mode_probability (n, r).
    """

    state: np.ndarray
    covariance: np.ndarray
    mode_probability: np.ndarray

    def combined(self) -> tuple[np.ndarray, np.ndarray]:
        """The moment-matched estimate (n, 9) and covariance (n, 9, 9) (eq. 11.6.6-20,21)."""
        return _mixture(self.state, self.covariance, self.mode_probability)


def start(position_m: np.ndarray, position_cov_m2: np.ndarray, speed_sigma_mps: float,
          acceleration_sigma_mps2: float, mode_probability: np.ndarray) -> ImmEstimate:
    """Estimates from one plot per track: position (n, 3) with covariance (n, 3, 3), zero
    velocity and acceleration with the given 1-sigma priors per axis (the CV model's
    acceleration is zero), modes with probabilities (r,)."""
    n = position_m.shape[0]
    state = np.zeros((n, 2, DIMENSION))
    state[:, :, :3] = position_m[:, None, :]
    covariance = np.zeros((n, 2, DIMENSION, DIMENSION))
    covariance[:, :, :3, :3] = position_cov_m2[:, None]
    covariance[:, :, 3:6, 3:6] = np.eye(3) * speed_sigma_mps**2
    covariance[:, CA, 6:, 6:] = np.eye(3) * acceleration_sigma_mps2**2
    return ImmEstimate(state, covariance, np.tile(np.asarray(mode_probability, float), (n, 1)))


def transition_matrices(dt_s: float, cv_noise_mps2: float,
                        ca_noise_mps3: float) -> tuple[np.ndarray, np.ndarray]:
    """Each model's transition F (2, 9, 9) and process noise Q (2, 9, 9) over ``dt_s``.

    ``cv_noise_mps2``: the CV model's acceleration noise level sigma_a (PSD sigma_a^2 x
    1 s); ``ca_noise_mps3``: the CA model's jerk noise level (PSD sigma_j^2 x 1 s).
    """
    dt = float(dt_s)
    eye = np.eye(3)
    transition = np.zeros((2, DIMENSION, DIMENSION))
    transition[CV] = np.block([[eye, dt * eye, 0 * eye], [0 * eye, eye, 0 * eye],
                               [0 * eye, 0 * eye, 0 * eye]])
    transition[CA] = np.block([[eye, dt * eye, dt * dt / 2 * eye], [0 * eye, eye, dt * eye],
                               [0 * eye, 0 * eye, eye]])
    noise = np.zeros((2, DIMENSION, DIMENSION))
    q = cv_noise_mps2**2
    noise[CV, :6, :6] = np.kron(q * np.array([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]]), eye)
    q = ca_noise_mps3**2
    noise[CA] = np.kron(q * np.array([[dt**5 / 20, dt**4 / 8, dt**3 / 6],
                                      [dt**4 / 8, dt**3 / 3, dt**2 / 2],
                                      [dt**3 / 6, dt**2 / 2, dt]]), eye)
    return transition, noise


def step(estimate: ImmEstimate, measurement_m: np.ndarray, measurement_cov_m2: np.ndarray,
         transition: np.ndarray, noise: np.ndarray,
         mode_transition: np.ndarray) -> tuple[ImmEstimate, np.ndarray]:
    """One IMM cycle for n tracks, each with one position measurement.

    Parameters
    ----------
    estimate:
        The estimates at the previous time.
    measurement_m, measurement_cov_m2:
        (n, 3) and (n, 3, 3).
    transition, noise:
        Per model F and Q (r, 9, 9), from :func:`transition_matrices`.
    mode_transition:
        (r, r) Markov matrix, ``[i, j]`` = P(model j now | model i before); rows sum to 1.

    Returns
    -------
    The updated estimate, and each track's normalized innovation squared under the
    combined prediction (n,).
    """
    probability = estimate.mode_probability
    # Mixing (eq. 11.6.6-6 to 11.6.6-10).
    predicted_mode = probability @ mode_transition  # c_j, (n, r)
    mixing = ((probability[:, :, None] * mode_transition[None])
              / np.maximum(predicted_mode, 1e-300)[:, None, :])
    # A mode that cannot be in force (c_j = 0) keeps its own estimate (its weight is 0).
    models = mode_transition.shape[0]
    mixing = np.where((predicted_mode <= 0.0)[:, None, :], np.eye(models)[None], mixing)
    # mixed_state[n, j] = sum_i mixing[n, i, j] state[n, i]
    mixed_state = np.einsum("nij,nik->njk", mixing, estimate.state)
    spread = estimate.state[:, :, None, :] - mixed_state[:, None, :, :]  # (n, i, j, 9)
    mixed_cov = np.einsum("nij,nikl->njkl", mixing, estimate.covariance) + np.einsum(
        "nij,nijk,nijl->njkl", mixing, spread, spread)
    # Model-matched prediction.
    state = np.einsum("jkl,njl->njk", transition, mixed_state)
    covariance = np.einsum("jkl,njlm,jom->njko", transition, mixed_cov, transition) + noise[None]
    # Combined prediction, for the NIS the caller may gate on.
    combined_state, combined_cov = _mixture(state, covariance, predicted_mode)
    residual = measurement_m - combined_state[:, :3]
    residual_cov = combined_cov[:, :3, :3] + measurement_cov_m2
    nis = np.einsum("nk,nk->n", residual,
                    np.linalg.solve(residual_cov, residual[..., None])[..., 0])
    # Model-matched update (H = [I 0 0]) and likelihoods.
    innovation = measurement_m[:, None, :] - state[:, :, :3]  # (n, r, 3)
    innovation_cov = covariance[:, :, :3, :3] + measurement_cov_m2[:, None]
    inverse = np.linalg.inv(innovation_cov)
    gain = np.einsum("njkl,njlm->njkm", covariance[:, :, :, :3], inverse)  # (n, r, 9, 3)
    state = state + np.einsum("njkm,njm->njk", gain, innovation)
    reduced = np.eye(DIMENSION) - np.concatenate(
        [gain, np.zeros((*gain.shape[:3], DIMENSION - 3))], axis=3)
    covariance = (np.einsum("njkl,njlm,njom->njko", reduced, covariance, reduced)
                  + np.einsum("njkl,nlm,njom->njko", gain, measurement_cov_m2, gain))
    covariance = 0.5 * (covariance + np.swapaxes(covariance, -1, -2))
    distance2 = np.einsum("njk,njkl,njl->nj", innovation, inverse, innovation)
    log_likelihood = -0.5 * (distance2 + np.log(np.linalg.det(innovation_cov)))
    log_likelihood -= log_likelihood.max(axis=1, keepdims=True)
    # Mode probabilities (eq. 11.6.6-18, 19).
    probability = np.exp(log_likelihood) * predicted_mode
    probability /= probability.sum(axis=1, keepdims=True)
    return ImmEstimate(state, covariance, probability), nis


def _mixture(state: np.ndarray, covariance: np.ndarray,
             probability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Moment match of Gaussian mixtures: states (n, r, d), covariances (n, r, d, d),
    weights (n, r) -> (n, d), (n, d, d)."""
    mean = np.einsum("nj,njk->nk", probability, state)
    spread = state - mean[:, None, :]
    cov = (np.einsum("nj,njkl->nkl", probability, covariance)
           + np.einsum("nj,njk,njl->nkl", probability, spread, spread))
    return mean, cov
