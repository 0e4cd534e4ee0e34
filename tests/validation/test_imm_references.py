"""The IMM (CV + CA) filter on a manoeuvring target: consistency and benefit.

Source: Bar-Shalom, Li, Kirubarajan, Estimation with Applications to Tracking and
Navigation (2001): the IMM cycle of sec. 11.6.6, and the NEES / NIS consistency tests of
sec. 5.4.2 (ensemble averages against chi-square intervals).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from iadsim.tracking import imm, kalman

RUNS, STEPS, DT_S, SIGMA_M = 100, 90, 1.0, 30.0
MANOEUVRE = slice(30, 50)  # 20 s at 30 m/s^2 (about 3 g) across the track


def run_monte_carlo(seed: int):
    """100 runs of a 250 m/s target that pulls 30 m/s^2 sideways for 20 s between two
    straight legs, measured every second with 30 m noise per axis; tracked by the IMM
    (CV noise 1 m/s^2, CA jerk noise 10 m/s^3) and by a CV filter of the same CV noise.
    Returns each step's NEES (position and velocity, steps x runs) for both, the IMM's
    NIS and its mean CA mode probability per step."""
    rng = np.random.default_rng(seed)
    acceleration = np.zeros((STEPS, 3))
    acceleration[MANOEUVRE] = [0.0, 30.0, 0.0]
    truth = np.zeros((RUNS, 6))
    truth[:, 2], truth[:, 3] = 5_000.0, 250.0
    measurement_cov = np.broadcast_to(np.eye(3) * SIGMA_M**2, (RUNS, 3, 3)).copy()
    first = truth[:, :3] + rng.normal(size=(RUNS, 3)) * SIGMA_M
    estimate = imm.start(first, measurement_cov, 300.0, 10.0, np.array([0.9, 0.1]))
    cv_state = np.zeros((RUNS, 6))
    cv_state[:, :3] = first
    cv_cov = np.zeros((RUNS, 6, 6))
    cv_cov[:, :3, :3], cv_cov[:, 3:, 3:] = measurement_cov, np.eye(3) * 300.0**2
    transition, noise = imm.transition_matrices(DT_S, 1.0, 10.0)
    mode_transition = np.array([[0.95, 0.05], [0.10, 0.90]])
    nees_imm, nees_cv, nis = (np.empty((STEPS, RUNS)) for _ in range(3))
    ca_probability = np.empty(STEPS)
    for step in range(STEPS):
        truth[:, :3] += truth[:, 3:] * DT_S + 0.5 * acceleration[step] * DT_S**2
        truth[:, 3:] += acceleration[step] * DT_S
        measurement = truth[:, :3] + rng.normal(size=(RUNS, 3)) * SIGMA_M
        estimate, nis[step] = imm.step(estimate, measurement, measurement_cov, transition,
                                       noise, mode_transition)
        state, covariance = estimate.combined()
        nees_imm[step] = normalized(truth - state[:, :6], covariance[:, :6, :6])
        cv_state, cv_cov = kalman.predict(cv_state, cv_cov, np.full(RUNS, DT_S), 1.0)
        cv_state, cv_cov = kalman.update(cv_state, cv_cov, measurement, measurement_cov)
        nees_cv[step] = normalized(truth - cv_state, cv_cov)
        ca_probability[step] = estimate.mode_probability[:, imm.CA].mean()
    return nees_imm, nees_cv, nis, ca_probability


def normalized(error: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    return np.einsum("ni,ni->n", error, np.linalg.solve(covariance, error[..., None])[..., 0])


def test_imm_is_consistent_through_a_manoeuvre_where_cv_is_not():
    """The truth has no process noise on its straight legs, so the filters can only be
    checked for overconfidence (one-sided): the IMM's ensemble-average NEES (6 degrees
    of freedom x 100 runs) stays below the 99.5 % chi-square bound at 95 % of the steps
    (it exceeds it only in the 3 s the mode switch takes) and its time average over the
    run is below the 97.5 % bound; its average NIS is below the 97.5 % bound for 3 x
    100 x 85 degrees of freedom. The CV filter with the same CV noise is overconfident
    by a factor above 100 through the manoeuvre. The CA mode takes over (mean
    probability above 0.5) within 3 s of the manoeuvre's start and gives way within 5 s
    of its end."""
    nees_imm, nees_cv, nis, ca_probability = run_monte_carlo(17)
    per_step = nees_imm.mean(axis=1)
    bound_995 = stats.chi2.ppf(0.995, 6 * RUNS) / RUNS
    bound_975 = stats.chi2.ppf(0.975, 6 * RUNS) / RUNS
    assert (per_step <= bound_995).mean() >= 0.95
    assert per_step[5:].mean() <= bound_975
    settled = nis[5:]
    assert settled.mean() <= stats.chi2.ppf(0.975, 3 * settled.size) / settled.size
    assert nees_cv[MANOEUVRE].mean(axis=1).max() > 100 * bound_975
    assert (ca_probability[MANOEUVRE.start:MANOEUVRE.start + 3] > 0.5).any()
    assert (ca_probability[MANOEUVRE.stop + 5:] < 0.5).all()
    assert (ca_probability[10:MANOEUVRE.start] < 0.5).all()
