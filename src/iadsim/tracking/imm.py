"""Interacting multiple model (IMM) filter, constant velocity + constant acceleration
(one or two CA models), batched over tracks.

State ``[position (3), velocity (3), acceleration (3)]`` (m, m/s, m/s^2); position is
measured. Model 0 is always CV; every other model is a CA model with its own jerk noise:

* nearly constant velocity (CV): position and velocity move with continuous white-noise
  acceleration of power spectral density ``q_cv`` (as :mod:`iadsim.tracking.kalman`);
  its acceleration is zero (F zeroes it, no noise enters it);
* nearly constant acceleration (CA, the Wiener-process acceleration model): the
  acceleration is a random walk of power spectral density ``q_ca`` (m^2/s^5). Two model
  sets are used (``tracking.imm_models``): ``cv_ca`` (CV, CA) and ``cv_ca_gentle_ca``
  (CV, CA, and a *gentle* CA of small jerk noise, index :data:`GENTLE_CA`). The hard CA
  (jerk noise about 20 m/s^3) follows the onset of a 10-12 g turn but is too broad to
  win against CV through a sustained 1-3 g; the gentle CA (about 1 m/s^3) fits a steady
  acceleration and a steady coordinated turn, whose acceleration vector turns at the
  turn rate omega: its jerk is ``omega |a| = |a|^2 / v`` (1 g at 250 m/s: 0.4 m/s^3;
  3 g: 3.5 m/s^3).

One cycle (Bar-Shalom, Li, Kirubarajan, Estimation with Applications to Tracking and
Navigation, 2001, sec. 11.6.6): mixing of the model-conditioned estimates with the mode
transition probabilities, model-matched prediction and Kalman update, mode probabilities
from the innovation likelihoods, and the combined estimate (a moment match).
Process noise: Bar-Shalom et al. 2001, sec. 6.2.2 (CWNA) and 6.2.3 (Wiener-process
acceleration, continuous form).

Functions return new arrays; inputs are not modified. The work is whole-array NumPy over
(tracks, models, 9, 9): the readable reference. The tracker runs its compiled twin,
:mod:`iadsim.tracking.imm_kernels` (the same arithmetic to rounding, one loop over
tracks), for its tracks when ``tracking.motion_model`` is ``imm`` (or
``imm_for_manoeuvring``: aircraft and cruise missiles only), keeping the per-model arrays
in its table (see :mod:`iadsim.tracking.tracker`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DIMENSION = 9
#: Model indices: CV, the (hard) CA model, and with ``imm_models: cv_ca_gentle_ca`` the
#: gentle CA model.
CV, CA, GENTLE_CA = 0, 1, 2


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
    acceleration is zero; every CA model gets the same prior), modes with probabilities
    (r,) (r = 2 or 3: CV then the CA models)."""
    n = position_m.shape[0]
    models = np.asarray(mode_probability).size
    state = np.zeros((n, models, DIMENSION))
    state[:, :, :3] = position_m[:, None, :]
    covariance = np.zeros((n, models, DIMENSION, DIMENSION))
    covariance[:, :, :3, :3] = position_cov_m2[:, None]
    covariance[:, :, 3:6, 3:6] = np.eye(3) * speed_sigma_mps**2
    covariance[:, 1:, 6:, 6:] = np.eye(3) * acceleration_sigma_mps2**2
    return ImmEstimate(state, covariance, np.tile(np.asarray(mode_probability, float), (n, 1)))


#: 3 x 3 coefficient blocks (``F = f kron I3``) of the CV and the CA transitions, and of
#: their process noise per unit PSD, as functions of dt (Bar-Shalom et al. 2001, eq.
#: 6.2.2-12 and 6.2.3-8).
def _cv_blocks(dt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    one, zero = np.ones_like(dt), np.zeros_like(dt)
    transition = np.stack([np.stack([one, dt, zero], -1), np.stack([zero, one, zero], -1),
                           np.stack([zero, zero, zero], -1)], -2)
    noise = np.stack([np.stack([dt**3 / 3, dt**2 / 2, zero], -1),
                      np.stack([dt**2 / 2, dt, zero], -1),
                      np.stack([zero, zero, zero], -1)], -2)
    return transition, noise


def _ca_blocks(dt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    one, zero = np.ones_like(dt), np.zeros_like(dt)
    transition = np.stack([np.stack([one, dt, dt * dt / 2], -1),
                           np.stack([zero, one, dt], -1), np.stack([zero, zero, one], -1)], -2)
    noise = np.stack([np.stack([dt**5 / 20, dt**4 / 8, dt**3 / 6], -1),
                      np.stack([dt**4 / 8, dt**3 / 3, dt**2 / 2], -1),
                      np.stack([dt**3 / 6, dt**2 / 2, dt], -1)], -2)
    return transition, noise


def transition_matrices(dt_s: float, cv_noise_mps2: float,
                        ca_noise_mps3: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each model's transition F (r, 9, 9) and process noise Q (r, 9, 9) over ``dt_s``.

    ``cv_noise_mps2``: the CV model's acceleration noise level sigma_a (PSD sigma_a^2 x
    1 s); ``ca_noise_mps3``: the CA model's jerk noise level (PSD sigma_j^2 x 1 s), or one
    a CA model (m,), r = 1 + m.
    """
    transition, noise = transition_matrices_per_track(
        np.array([float(dt_s)]), cv_noise_mps2,
        np.asarray(ca_noise_mps3, dtype=float).reshape(1, -1))
    return transition[0], noise[0]


def transition_matrices_per_track(dt_s: np.ndarray, cv_noise_mps2: float,
                                  ca_noise_mps3: float | np.ndarray,
                                  ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`transition_matrices` for n tracks each with its own ``dt_s`` (n,): F and Q
    of shape (n, r, 9, 9). ``ca_noise_mps3``: one CA model's jerk noise, one for all or one
    a track (n,), e.g. from :func:`manoeuvre_scale`; or (n, m) for m CA models (r = 1 + m).
    A negative ``dt_s`` (an out-of-sequence report) is not expected here: the caller
    updates such tracks otherwise."""
    dt = np.asarray(dt_s, dtype=float).reshape(-1)
    n = dt.size
    jerk = np.asarray(ca_noise_mps3, dtype=float)
    if jerk.ndim < 2:
        jerk = np.broadcast_to(jerk.reshape(-1), (n,))[:, None]
    else:
        jerk = np.broadcast_to(jerk, (n, jerk.shape[1]))
    models = 1 + jerk.shape[1]
    eye = np.eye(3)

    def blocks(coefficients: np.ndarray) -> np.ndarray:
        """(n, 3, 3) coefficient matrices -> (n, 9, 9), each coefficient times I3."""
        return np.einsum("nij,kl->nikjl", coefficients, eye).reshape(n, DIMENSION, DIMENSION)

    cv_transition, cv_noise = _cv_blocks(dt)
    ca_transition, ca_noise = _ca_blocks(dt)
    transition = np.empty((n, models, DIMENSION, DIMENSION))
    noise = np.empty((n, models, DIMENSION, DIMENSION))
    transition[:, CV] = blocks(cv_transition)
    noise[:, CV] = blocks(cv_noise_mps2**2 * cv_noise)
    for model in range(1, models):
        transition[:, model] = blocks(ca_transition)
        noise[:, model] = blocks(jerk[:, model - 1, None, None] ** 2 * ca_noise)
    return transition, noise


def manoeuvre_scale(velocity_mps: np.ndarray, reference_speed_mps: float | None,
                    minimum: float = 0.01) -> np.ndarray:
    """How much of the CA model's noise (and initial acceleration sigma) a track at
    ``velocity_mps`` (n, 3) gets: ``(speed / reference_speed_mps)^2``, between
    ``minimum`` and 1; all ones when ``reference_speed_mps`` is None. (n,).

    An aircraft's manoeuvre is bounded by lift, which grows as the square of its speed
    (``n_max = 1/2 rho v^2 S C_Lmax / W``) up to the corner speed, where the structural
    load limit takes over (the V-n diagram: J. D. Anderson, Aircraft Performance and
    Design, 1999, ch. 6): below ``reference_speed_mps`` (a notional corner speed) a
    target's possible acceleration, and so the manoeuvre model's, falls with the square
    of its speed. A model set for a fast jet's 10-12 g turns lets a 50 m/s drone's
    estimate wander far beyond what the drone can do (its notional limit: 10 deg/s,
    under 1 g), and in a crowd a neighbour's report then reads to it as a manoeuvre
    (``saturation``; docs/models.md, "Limits of the tracker options" and "IMM against CV,
    measured"). ``minimum`` keeps a hovering target's
    manoeuvre model alive. Not for thrust: a ballistic missile's boost is slow and hard
    (with the scale, layered-defense's missiles broke tracks in boost), so the tracker
    scales only when a scenario asks (``tracking.imm_manoeuvre_reference_speed_mps``)."""
    ones = np.ones(velocity_mps.shape[0])
    if reference_speed_mps is None:
        return ones
    speed = np.linalg.norm(velocity_mps, axis=1)
    return np.clip((speed / float(reference_speed_mps)) ** 2, minimum, 1.0)


def mode_transitions(dt_s: np.ndarray, sojourn_s: np.ndarray) -> np.ndarray:
    """Markov mode-transition matrices (n, r, r) over each track's ``dt_s`` (n,) for modes
    of mean sojourn times ``sojourn_s`` (r,): leaving mode i within dt has probability
    ``1 - exp(-dt / sojourn_i)``, spread evenly over the other modes (for two modes, the
    continuous-time Markov chain sampled at dt, approximately; Bar-Shalom et al. 2001,
    sec. 11.6.3)."""
    dt = np.abs(np.asarray(dt_s, dtype=float).reshape(-1))
    sojourn = np.asarray(sojourn_s, dtype=float)
    models = sojourn.size
    leave = -np.expm1(-dt[:, None] / sojourn[None, :])  # (n, r)
    matrix = np.repeat((leave / (models - 1))[:, :, None], models, axis=2)
    diagonal = np.arange(models)
    matrix[:, diagonal, diagonal] = 1.0 - leave
    return matrix


def predict(estimate: ImmEstimate, transition: np.ndarray, noise: np.ndarray,
            mode_transition: np.ndarray) -> ImmEstimate:
    """The interaction (mixing) and the model-matched predictions of one IMM cycle.

    ``transition`` and ``noise``: per model F and Q, (r, 9, 9) for all tracks or
    (n, r, 9, 9) per track; ``mode_transition``: (r, r) or (n, r, r), ``[i, j]`` =
    P(model j now | model i before). Returns the model-conditioned predictions with the
    predicted mode probabilities ``c_j`` (their moment match, :meth:`ImmEstimate.combined`,
    is the combined prediction, for gating)."""
    probability = estimate.mode_probability
    n, models = probability.shape
    transition = np.broadcast_to(transition, (n, models, DIMENSION, DIMENSION))
    noise = np.broadcast_to(noise, (n, models, DIMENSION, DIMENSION))
    mode_transition = np.broadcast_to(mode_transition, (n, models, models))
    # Mixing (eq. 11.6.6-6 to 11.6.6-10).
    predicted_mode = np.einsum("ni,nij->nj", probability, mode_transition)  # c_j, (n, r)
    mixing = ((probability[:, :, None] * mode_transition)
              / np.maximum(predicted_mode, 1e-300)[:, None, :])
    # A mode that cannot be in force (c_j = 0) keeps its own estimate (its weight is 0).
    mixing = np.where((predicted_mode <= 0.0)[:, None, :], np.eye(models)[None], mixing)
    # mixed_state[n, j] = sum_i mixing[n, i, j] state[n, i]
    mixed_state = np.einsum("nij,nik->njk", mixing, estimate.state)
    spread = estimate.state[:, :, None, :] - mixed_state[:, None, :, :]  # (n, i, j, 9)
    mixed_cov = np.einsum("nij,nikl->njkl", mixing, estimate.covariance) + np.einsum(
        "nij,nijk,nijl->njkl", mixing, spread, spread)
    # Model-matched prediction.
    state = np.einsum("njkl,njl->njk", transition, mixed_state)
    covariance = np.einsum("njkl,njlm,njom->njko", transition, mixed_cov, transition) + noise
    return ImmEstimate(state, covariance, predicted_mode)


def gate_moments(predicted: ImmEstimate) -> tuple[np.ndarray, np.ndarray]:
    """Position (n, 3) and covariance (n, 3, 3) to gate reports on, from predictions of
    :func:`predict`: the combined mean, with the broadest model's position covariance
    (the largest determinant of ``P_j + (x_j - x) (x_j - x)^T``).

    The moment-matched covariance weighs each model by its mode probability, so after a
    long straight leg (the manoeuvre mode at a few per cent) the gate is nearly the CV
    model's, and the first reports of a hard turn fall outside it before the mode
    probabilities can move: the track is lost at the onset. Gating with the broadest
    model keeps the reports a model would accept (the IMM's gate as the union of its
    models' gates, Blackman and Popoli 1999, sec. 4.6), then the pricing and the mode
    probabilities decide."""
    position, gate_cov, _ = gate_and_price_moments(predicted)
    return position, gate_cov


def gate_and_price_moments(predicted: ImmEstimate
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`gate_moments` and the combined (moment-matched) position covariance
    (n, 3, 3), to price the gated pairs with (:func:`iadsim.tracking.association.
    priced_gain`; ``tracking.imm_pricing: combined``; with ``cv_model`` the tracker
    prices them with the CV model's prediction instead). Returns position (n, 3), gate
    covariance, pricing covariance."""
    combined, combined_cov = _mixture(predicted.state[:, :, :3],
                                      predicted.covariance[:, :, :3, :3],
                                      predicted.mode_probability)
    spread = predicted.state[:, :, :3] - combined[:, None, :]
    model_cov = (predicted.covariance[:, :, :3, :3]
                 + spread[:, :, :, None] * spread[:, :, None, :])
    broadest = np.linalg.det(model_cov).argmax(axis=1)
    return combined, model_cov[np.arange(broadest.size), broadest], combined_cov


def update(predicted: ImmEstimate, measurement_m: np.ndarray,
           measurement_cov_m2: np.ndarray) -> tuple[ImmEstimate, np.ndarray]:
    """The model-matched Kalman updates (``H = [I 0 0]``) of predictions from
    :func:`predict` with one position measurement each ((n, 3), (n, 3, 3)), and the mode
    probabilities from the innovation likelihoods (eq. 11.6.6-18, 19). Returns the
    updated estimate and each track's normalized innovation squared under the combined
    prediction (n,)."""
    state, covariance, predicted_mode = (predicted.state, predicted.covariance,
                                         predicted.mode_probability)
    # Combined prediction, for the NIS the caller may gate on.
    combined_state, combined_cov = _mixture(state, covariance, predicted_mode)
    residual = measurement_m - combined_state[:, :3]
    residual_cov = combined_cov[:, :3, :3] + measurement_cov_m2
    nis = np.einsum("nk,nk->n", residual,
                    np.linalg.solve(residual_cov, residual[..., None])[..., 0])
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
    probability = np.exp(log_likelihood) * predicted_mode
    probability /= probability.sum(axis=1, keepdims=True)
    return ImmEstimate(state, covariance, probability), nis


def step(estimate: ImmEstimate, measurement_m: np.ndarray, measurement_cov_m2: np.ndarray,
         transition: np.ndarray, noise: np.ndarray,
         mode_transition: np.ndarray) -> tuple[ImmEstimate, np.ndarray]:
    """One IMM cycle for n tracks, each with one position measurement: :func:`predict`
    then :func:`update`.

    Parameters
    ----------
    estimate:
        The estimates at the previous time.
    measurement_m, measurement_cov_m2:
        (n, 3) and (n, 3, 3).
    transition, noise:
        Per model F and Q, (r, 9, 9) from :func:`transition_matrices`, or per track
        (n, r, 9, 9) from :func:`transition_matrices_per_track`.
    mode_transition:
        (r, r) or (n, r, r) Markov matrix, ``[i, j]`` = P(model j now | model i before);
        rows sum to 1.

    Returns
    -------
    The updated estimate, and each track's normalized innovation squared under the
    combined prediction (n,).
    """
    return update(predict(estimate, transition, noise, mode_transition), measurement_m,
                  measurement_cov_m2)


def from_cv(state: np.ndarray, covariance: np.ndarray,
            acceleration_sigma_mps2: float | np.ndarray,
            mode_probability: np.ndarray) -> ImmEstimate:
    """Model-conditioned estimates (every model) from CV estimates (n, 6), (n, 6, 6): zero
    acceleration, each CA model's with the given 1-sigma per axis (one for all or one a
    track, (n,)); modes with probabilities (r,). How a track enters the IMM from the
    tracker's CV table."""
    n = state.shape[0]
    models = np.asarray(mode_probability).size
    nine = np.zeros((n, models, DIMENSION))
    nine[:, :, :6] = state[:, None, :]
    nine_cov = np.zeros((n, models, DIMENSION, DIMENSION))
    nine_cov[:, :, :6, :6] = covariance[:, None]
    sigma = np.broadcast_to(np.asarray(acceleration_sigma_mps2, dtype=float), (n,))
    nine_cov[:, 1:, 6:, 6:] = (np.eye(3) * (sigma**2)[:, None, None])[:, None]
    return ImmEstimate(nine, nine_cov, np.tile(np.asarray(mode_probability, float), (n, 1)))


def _mixture(state: np.ndarray, covariance: np.ndarray,
             probability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Moment match of Gaussian mixtures: states (n, r, d), covariances (n, r, d, d),
    weights (n, r) -> (n, d), (n, d, d)."""
    mean = np.einsum("nj,njk->nk", probability, state)
    spread = state - mean[:, None, :]
    cov = (np.einsum("nj,njkl->nkl", probability, covariance)
           + np.einsum("nj,njk,njl->nkl", probability, spread, spread))
    return mean, cov
