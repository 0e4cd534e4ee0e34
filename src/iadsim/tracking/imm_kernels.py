"""The interacting multiple model filter of :mod:`iadsim.tracking.imm`, compiled (Numba),
one loop over tracks.

The same models (CV and one or two CA models of their own jerk noise) and the same cycle
(Bar-Shalom, Li, Kirubarajan, Estimation with Applications to Tracking and Navigation,
2001, sec. 11.6.6): mixing, model-matched prediction, Kalman update (Joseph form), mode
probabilities and the moment-matched combination. Whole-array NumPy over (tracks, models,
9, 9) rebuilt each call's F, Q and mode-transition matrices and spent most of a
1,000-threat raid's tracker time in einsum passes over tiny arrays; here each track's
transition is written by its 3 x 3 coefficient blocks (``F = f kron I3``) and nothing is
built per call. A separate module because :mod:`iadsim.tracking.imm` is the readable
reference the kernels are tested against (tests/tracking/test_imm_kernels.py): the results
agree to rounding (1e-12 relative), not bit for bit (other summation orders, a cofactor 3
x 3 inverse and determinant instead of LAPACK's LU). No fast-math; cached on disk (see
:mod:`iadsim.kernel_cache`).

Functions return new arrays; inputs are not modified.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from iadsim.tracking.imm import DIMENSION, ImmEstimate


def noise_densities(cv_noise_mps2: float, ca_noise_mps3: float | np.ndarray, n: int,
                    models: int) -> np.ndarray:
    """Each track's process-noise power spectral densities, one a model (n, r): the CV
    model's ``cv_noise_mps2^2`` then each CA model's jerk ``ca_noise_mps3^2``;
    ``ca_noise_mps3`` one for all, one a track (n,) (one CA model), or (n, r - 1)."""
    jerk = np.asarray(ca_noise_mps3, dtype=float)
    if jerk.ndim < 2:
        jerk = np.broadcast_to(jerk.reshape(-1), (n,))[:, None]
    densities = np.empty((n, models))
    densities[:, 0] = float(cv_noise_mps2) ** 2
    densities[:, 1:] = np.broadcast_to(jerk, (n, models - 1)) ** 2
    return densities


def predict(estimate: ImmEstimate, dt_s: np.ndarray, cv_noise_mps2: float,
            ca_noise_mps3: np.ndarray, sojourn_s: np.ndarray) -> ImmEstimate:
    """:func:`iadsim.tracking.imm.predict` of n tracks with each track's F and Q
    (:func:`iadsim.tracking.imm.transition_matrices_per_track` of ``dt_s`` (n,),
    ``cv_noise_mps2``, ``ca_noise_mps3`` (n,) or (n, r - 1)) and mode transitions
    (:func:`iadsim.tracking.imm.mode_transitions` of ``dt_s`` and ``sojourn_s`` (r,)),
    without building them. ``dt_s`` not negative."""
    n, models = estimate.mode_probability.shape
    state, covariance, mode = _predict(
        np.ascontiguousarray(estimate.state, dtype=float),
        np.ascontiguousarray(estimate.covariance, dtype=float),
        np.ascontiguousarray(estimate.mode_probability, dtype=float),
        np.ascontiguousarray(dt_s, dtype=float).reshape(n),
        noise_densities(cv_noise_mps2, ca_noise_mps3, n, models),
        np.ascontiguousarray(sojourn_s, dtype=float).reshape(models))
    return ImmEstimate(state, covariance, mode)


def gate_and_price_moments(predicted: ImmEstimate
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`iadsim.tracking.imm.gate_and_price_moments`: the combined position (n, 3),
    the broadest model's position covariance (n, 3, 3) and the combined one (n, 3, 3)."""
    return _gate_and_price_moments(np.ascontiguousarray(predicted.state, dtype=float),
                                   np.ascontiguousarray(predicted.covariance, dtype=float),
                                   np.ascontiguousarray(predicted.mode_probability,
                                                        dtype=float))


def update(predicted: ImmEstimate, measurement_m: np.ndarray, measurement_cov_m2: np.ndarray,
           ) -> tuple[ImmEstimate, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`iadsim.tracking.imm.update`, and the updated estimate's combination
    (:meth:`ImmEstimate.combined`). Returns the updated estimate, the normalized
    innovation squared under the combined prediction (n,), the combined state (n, 9)
    and covariance (n, 9, 9)."""
    state, covariance, mode, nis, combined, combined_cov = _update(
        np.ascontiguousarray(predicted.state, dtype=float),
        np.ascontiguousarray(predicted.covariance, dtype=float),
        np.ascontiguousarray(predicted.mode_probability, dtype=float),
        np.ascontiguousarray(measurement_m, dtype=float),
        np.ascontiguousarray(measurement_cov_m2, dtype=float))
    return ImmEstimate(state, covariance, mode), nis, combined, combined_cov


@njit(cache=True)
def _coefficients_into(dt: float, densities: np.ndarray, transition: np.ndarray,
                       noise: np.ndarray) -> None:
    """Each model's 3 x 3 coefficient blocks of F and Q (``F = transition[j] kron I3``),
    written into ``transition`` and ``noise`` (r, 3, 3): model 0 CV, the others CA, with
    the noise densities ``densities`` (r,)."""
    transition[:] = 0.0
    noise[:] = 0.0
    cv_q = densities[0]
    transition[0, 0, 0] = 1.0
    transition[0, 0, 1] = dt
    transition[0, 1, 1] = 1.0
    noise[0, 0, 0] = cv_q * (dt**3 / 3.0)
    noise[0, 0, 1] = noise[0, 1, 0] = cv_q * (dt**2 / 2.0)
    noise[0, 1, 1] = cv_q * dt
    for j in range(1, densities.size):
        ca_q = densities[j]
        transition[j, 0, 0] = 1.0
        transition[j, 0, 1] = dt
        transition[j, 0, 2] = dt * dt / 2.0
        transition[j, 1, 1] = 1.0
        transition[j, 1, 2] = dt
        transition[j, 2, 2] = 1.0
        noise[j, 0, 0] = ca_q * (dt**5 / 20.0)
        noise[j, 0, 1] = noise[j, 1, 0] = ca_q * (dt**4 / 8.0)
        noise[j, 0, 2] = noise[j, 2, 0] = ca_q * (dt**3 / 6.0)
        noise[j, 1, 1] = ca_q * (dt**3 / 3.0)
        noise[j, 1, 2] = noise[j, 2, 1] = ca_q * (dt**2 / 2.0)
        noise[j, 2, 2] = ca_q * dt


@njit(cache=True)
def _predict_track_into(state: np.ndarray, covariance: np.ndarray, probability: np.ndarray,
                        dt_signed: float, densities: np.ndarray, sojourn_s: np.ndarray,
                        blocks: int, predicted_state: np.ndarray, predicted_cov: np.ndarray,
                        predicted_mode: np.ndarray, scratch: np.ndarray) -> None:
    """One track's mixing and model-matched predictions: state (r, 9), covariance
    (r, 9, 9), mode probabilities (r,), noise densities (r,) -> ``predicted_state``
    (r, 9), ``predicted_cov`` (r, 9, 9), ``predicted_mode`` (r,), of which only the first
    ``blocks`` 3-blocks (3: all; 1: the position, for gating) are written. ``scratch``:
    (3, 9, 9) work space."""
    models = probability.shape[0]
    mode_transition = np.empty((models, models))
    mixing = np.empty((models, models))
    mixed_state = np.empty(DIMENSION)
    spread = np.empty(DIMENSION)
    transition = np.empty((models, 3, 3))
    noise = np.empty((models, 3, 3))
    mixed_cov, spread_term, moved = scratch[0], scratch[1], scratch[2]
    dt = abs(dt_signed)
    # Mode transitions (imm.mode_transitions) and mixing (eq. 11.6.6-6 to 10).
    for i in range(models):
        leave = -math.expm1(-dt / sojourn_s[i])
        for j in range(models):
            mode_transition[i, j] = 1.0 - leave if i == j else leave / (models - 1)
    for j in range(models):
        total = 0.0
        for i in range(models):
            total += probability[i] * mode_transition[i, j]
        predicted_mode[j] = total
    for j in range(models):
        c = predicted_mode[j]
        for i in range(models):
            if c <= 0.0:  # a mode that cannot be in force keeps its own estimate
                mixing[i, j] = 1.0 if i == j else 0.0
            else:
                mixing[i, j] = probability[i] * mode_transition[i, j] / max(c, 1e-300)
    _coefficients_into(dt_signed, densities, transition, noise)
    for j in range(models):
        for a in range(DIMENSION):
            total = 0.0
            for i in range(models):
                total += mixing[i, j] * state[i, a]
            mixed_state[a] = total
        for a in range(DIMENSION):
            for b in range(DIMENSION):
                total = 0.0
                for i in range(models):
                    total += mixing[i, j] * covariance[i, a, b]
                mixed_cov[a, b] = total
                spread_term[a, b] = 0.0
        for i in range(models):
            for a in range(DIMENSION):
                spread[a] = state[i, a] - mixed_state[a]
            for a in range(DIMENSION):
                weighted = mixing[i, j] * spread[a]
                for b in range(DIMENSION):
                    spread_term[a, b] += weighted * spread[b]
        for a in range(DIMENSION):
            for b in range(DIMENSION):
                mixed_cov[a, b] += spread_term[a, b]
        # Model-matched prediction: F x and F P F^T + Q, F by its 3 x 3 blocks.
        f = transition[j]
        for block in range(blocks):
            for axis in range(3):
                total = 0.0
                for other in range(3):
                    total += f[block, other] * mixed_state[other * 3 + axis]
                predicted_state[j, block * 3 + axis] = total
        for block in range(blocks):
            for axis in range(3):
                for b in range(DIMENSION):
                    total = 0.0
                    for other in range(3):
                        total += f[block, other] * mixed_cov[other * 3 + axis, b]
                    moved[block * 3 + axis, b] = total
        for a in range(blocks * 3):
            for block in range(blocks):
                for axis in range(3):
                    total = 0.0
                    for other in range(3):
                        total += moved[a, other * 3 + axis] * f[block, other]
                    predicted_cov[j, a, block * 3 + axis] = total
        q = noise[j]
        for block in range(blocks):
            for other in range(blocks):
                for axis in range(3):
                    predicted_cov[j, block * 3 + axis, other * 3 + axis] += q[block, other]


@njit(cache=True)
def _predict(state: np.ndarray, covariance: np.ndarray, probability: np.ndarray,
             dt_s: np.ndarray, densities: np.ndarray,
             sojourn_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, models = probability.shape
    predicted_state = np.empty((n, models, DIMENSION))
    predicted_cov = np.empty((n, models, DIMENSION, DIMENSION))
    predicted_mode = np.empty((n, models))
    scratch = np.empty((3, DIMENSION, DIMENSION))
    for k in range(n):
        _predict_track_into(state[k], covariance[k], probability[k], dt_s[k], densities[k],
                            sojourn_s, 3, predicted_state[k], predicted_cov[k],
                            predicted_mode[k], scratch)
    return predicted_state, predicted_cov, predicted_mode


def predict_gate_moments(state: np.ndarray, covariance: np.ndarray,
                         mode_probability: np.ndarray, rows: np.ndarray, dt_s: np.ndarray,
                         cv_noise_mps2: float, ca_noise_mps3: np.ndarray,
                         sojourn_s: np.ndarray) -> tuple[np.ndarray, ...]:
    """:func:`predict` then :func:`gate_and_price_moments` of the tracks ``rows`` (n,) of
    a table's IMM columns (state (N, r, 9), covariance (N, r, 9, 9), mode probabilities
    (N, r)), read by row, predicting only the position block (what gating and pricing
    read; the same arithmetic, so the same values). Returns the combined position (n, 3),
    the broadest model's position covariance (n, 3, 3), the combined one (n, 3, 3), and
    the CV model's position (n, 3) and position covariance (n, 3, 3)."""
    n, models = rows.size, mode_probability.shape[1]
    return _predict_gate_moments(
        state, covariance, mode_probability, np.ascontiguousarray(rows, dtype=np.intp),
        np.ascontiguousarray(dt_s, dtype=float).reshape(n),
        noise_densities(cv_noise_mps2, ca_noise_mps3, n, models),
        np.ascontiguousarray(sojourn_s, dtype=float).reshape(models))


@njit(cache=True)
def _predict_gate_moments(state: np.ndarray, covariance: np.ndarray, probability: np.ndarray,
                          rows: np.ndarray, dt_s: np.ndarray, densities: np.ndarray,
                          sojourn_s: np.ndarray):
    n, models = rows.size, probability.shape[1]
    position = np.empty((n, 3))
    gate_cov = np.empty((n, 3, 3))
    combined_cov = np.empty((n, 3, 3))
    cv_position = np.empty((n, 3))
    cv_cov = np.empty((n, 3, 3))
    predicted_state = np.empty((1, models, DIMENSION))
    predicted_cov = np.empty((1, models, DIMENSION, DIMENSION))
    predicted_mode = np.empty((1, models))
    scratch = np.empty((3, DIMENSION, DIMENSION))
    for k in range(n):
        row = rows[k]
        _predict_track_into(state[row], covariance[row], probability[row], dt_s[k],
                            densities[k], sojourn_s, 1, predicted_state[0],
                            predicted_cov[0], predicted_mode[0], scratch)
        one_position, one_gate, one_combined = _gate_and_price_moments(
            predicted_state, predicted_cov, predicted_mode)
        position[k] = one_position[0]
        gate_cov[k] = one_gate[0]
        combined_cov[k] = one_combined[0]
        for a in range(3):
            cv_position[k, a] = predicted_state[0, 0, a]
            for b in range(3):
                cv_cov[k, a, b] = predicted_cov[0, 0, a, b]
    return position, gate_cov, combined_cov, cv_position, cv_cov


@njit(cache=True)
def _determinant3(m: np.ndarray) -> float:
    return (m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1])
            - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
            + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]))


@njit(cache=True)
def _inverse3_into(m: np.ndarray, out: np.ndarray) -> float:
    """Writes the inverse of the 3 x 3 ``m`` into ``out`` by cofactors; returns det m."""
    c00 = m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]
    c01 = m[1, 2] * m[2, 0] - m[1, 0] * m[2, 2]
    c02 = m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]
    determinant = m[0, 0] * c00 + m[0, 1] * c01 + m[0, 2] * c02
    out[0, 0] = c00 / determinant
    out[1, 0] = c01 / determinant
    out[2, 0] = c02 / determinant
    out[0, 1] = (m[0, 2] * m[2, 1] - m[0, 1] * m[2, 2]) / determinant
    out[1, 1] = (m[0, 0] * m[2, 2] - m[0, 2] * m[2, 0]) / determinant
    out[2, 1] = (m[0, 1] * m[2, 0] - m[0, 0] * m[2, 1]) / determinant
    out[0, 2] = (m[0, 1] * m[1, 2] - m[0, 2] * m[1, 1]) / determinant
    out[1, 2] = (m[0, 2] * m[1, 0] - m[0, 0] * m[1, 2]) / determinant
    out[2, 2] = (m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]) / determinant
    return determinant


@njit(cache=True)
def _mixture_into(state: np.ndarray, covariance: np.ndarray, probability: np.ndarray,
                  size: int, mean: np.ndarray, cov: np.ndarray) -> None:
    """Moment match of one track's models over the first ``size`` components: states
    (r, d), covariances (r, d, d), weights (r,) -> ``mean`` (size,), ``cov`` (size, size)
    (imm._mixture)."""
    models = probability.shape[0]
    for a in range(size):
        total = 0.0
        for j in range(models):
            total += probability[j] * state[j, a]
        mean[a] = total
    for a in range(size):
        for b in range(size):
            total = 0.0
            for j in range(models):
                total += probability[j] * covariance[j, a, b]
            spread_total = 0.0
            for j in range(models):
                spread_total += (probability[j] * (state[j, a] - mean[a])
                                 * (state[j, b] - mean[b]))
            cov[a, b] = total + spread_total


@njit(cache=True)
def _gate_and_price_moments(state: np.ndarray, covariance: np.ndarray,
                            probability: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, models = state.shape[0], state.shape[1]
    position = np.empty((n, 3))
    gate_cov = np.empty((n, 3, 3))
    combined_cov = np.empty((n, 3, 3))
    model_cov = np.empty((3, 3))
    for k in range(n):
        _mixture_into(state[k], covariance[k], probability[k], 3, position[k],
                      combined_cov[k])
        best = -np.inf
        for j in range(models):
            for a in range(3):
                for b in range(3):
                    model_cov[a, b] = (covariance[k, j, a, b]
                                       + (state[k, j, a] - position[k, a])
                                       * (state[k, j, b] - position[k, b]))
            determinant = _determinant3(model_cov)
            if determinant > best or j == 0:  # the first of equals, as argmax
                best = determinant
                gate_cov[k] = model_cov
    return position, gate_cov, combined_cov


@njit(cache=True)
def _update(state: np.ndarray, covariance: np.ndarray, predicted_mode: np.ndarray,
            measurement: np.ndarray, measurement_cov: np.ndarray):
    n, models = state.shape[0], state.shape[1]
    updated_state = np.empty((n, models, DIMENSION))
    updated_cov = np.empty((n, models, DIMENSION, DIMENSION))
    mode = np.empty((n, models))
    nis = np.empty(n)
    combined = np.empty((n, DIMENSION))
    combined_cov = np.empty((n, DIMENSION, DIMENSION))
    residual_cov = np.empty((3, 3))
    inverse = np.empty((3, 3))
    innovation = np.empty(3)
    gain = np.empty((DIMENSION, 3))
    reduced = np.empty((DIMENSION, DIMENSION))
    joseph = np.empty((DIMENSION, DIMENSION))
    log_likelihood = np.empty(models)
    mean = np.empty(3)
    mean_cov = np.empty((3, 3))
    for k in range(n):
        R = measurement_cov[k]
        # The combined prediction's NIS.
        _mixture_into(state[k], covariance[k], predicted_mode[k], 3, mean, mean_cov)
        for a in range(3):
            innovation[a] = measurement[k, a] - mean[a]
            for b in range(3):
                residual_cov[a, b] = mean_cov[a, b] + R[a, b]
        _inverse3_into(residual_cov, inverse)
        total = 0.0
        for a in range(3):
            for b in range(3):
                total += innovation[a] * inverse[a, b] * innovation[b]
        nis[k] = total
        for j in range(models):
            P = covariance[k, j]
            for a in range(3):
                innovation[a] = measurement[k, a] - state[k, j, a]
                for b in range(3):
                    residual_cov[a, b] = P[a, b] + R[a, b]
            determinant = _inverse3_into(residual_cov, inverse)
            for a in range(DIMENSION):
                for b in range(3):
                    total = 0.0
                    for c in range(3):
                        total += P[a, c] * inverse[c, b]
                    gain[a, b] = total
            for a in range(DIMENSION):
                total = 0.0
                for b in range(3):
                    total += gain[a, b] * innovation[b]
                updated_state[k, j, a] = state[k, j, a] + total
            # Joseph form: (I - K H) P (I - K H)^T + K R K^T, then symmetrized.
            for a in range(DIMENSION):  # (I - K H) P
                for b in range(DIMENSION):
                    total = 0.0
                    for c in range(3):
                        total += gain[a, c] * P[c, b]
                    reduced[a, b] = P[a, b] - total
            for a in range(DIMENSION):  # ... (I - K H)^T
                for b in range(DIMENSION):
                    total = 0.0
                    for c in range(3):
                        total += reduced[a, c] * gain[b, c]
                    joseph[a, b] = reduced[a, b] - total
            for a in range(DIMENSION):  # + K R K^T
                for b in range(DIMENSION):
                    total = 0.0
                    for c in range(3):
                        for d in range(3):
                            total += gain[a, c] * R[c, d] * gain[b, d]
                    joseph[a, b] += total
            for a in range(DIMENSION):
                for b in range(DIMENSION):
                    updated_cov[k, j, a, b] = 0.5 * (joseph[a, b] + joseph[b, a])
            distance2 = 0.0
            for a in range(3):
                for b in range(3):
                    distance2 += innovation[a] * inverse[a, b] * innovation[b]
            log_likelihood[j] = -0.5 * (distance2 + math.log(determinant))
        # Mode probabilities (eq. 11.6.6-18, 19).
        largest = log_likelihood.max()
        total = 0.0
        for j in range(models):
            mode[k, j] = math.exp(log_likelihood[j] - largest) * predicted_mode[k, j]
            total += mode[k, j]
        for j in range(models):
            mode[k, j] /= total
        _mixture_into(updated_state[k], updated_cov[k], mode[k], DIMENSION, combined[k],
                      combined_cov[k])
    return updated_state, updated_cov, mode, nis, combined, combined_cov
