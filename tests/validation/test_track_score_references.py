"""Track score (sequential probability ratio test) against its sources.

Sources: A. Wald, Sequential Analysis (1947), sec. 3.2 (the thresholds A = (1 - beta) /
alpha and B = beta / (1 - alpha), and the bounds on the test's error probabilities:
alpha' <= alpha / (1 - beta), beta' <= beta / (1 - alpha), alpha' + beta' <= alpha +
beta); Blackman and Popoli, Design and Analysis of Modern Tracking Systems (1999), sec.
6.2 (the track score: plot increments ln(P_D N(z; Hx, S) / beta_FT), miss increments
ln(1 - P_D)).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from iadsim.tracking import score


@pytest.mark.parametrize(("alpha", "beta"), [(1e-6, 0.01), (0.01, 0.05), (0.1, 0.1)])
def test_thresholds_are_walds(alpha, beta):
    """ln((1 - beta) / alpha) and ln(beta / (1 - alpha)), to 1e-12 relative: for alpha =
    1e-6, beta = 0.01 they are 13.8055 and -4.6052."""
    delete, confirm = score.wald_thresholds(alpha, beta)
    assert confirm == pytest.approx(np.log((1 - beta) / alpha), rel=1e-12)
    assert delete == pytest.approx(np.log(beta / (1 - alpha)), rel=1e-12)
    if alpha == 1e-6:
        assert (round(confirm, 4), round(delete, 4)) == (13.8055, -4.6052)


def test_the_sequential_test_keeps_walds_error_bounds():
    """Bernoulli detections, P_D = 0.8 under 'a target' and P_FA = 0.2 under 'clutter',
    scored with the log-likelihood ratio and stopped at Wald's thresholds for alpha =
    0.01, beta = 0.05; 20,000 sequences under each hypothesis (seed 5). The error rates
    meet Wald's bounds (sec. 3.2) with the sampling error (3 binomial sigmas) added."""
    alpha, beta = 0.01, 0.05
    delete, confirm = score.wald_thresholds(alpha, beta)
    hit_increment = np.log(0.8 / 0.2)
    miss_increment = np.log(0.2 / 0.8)
    rng = np.random.default_rng(5)
    runs = 20_000
    decided_target = {}
    for name, probability in (("target", 0.8), ("clutter", 0.2)):
        total = np.zeros(runs)
        decision = np.zeros(runs, dtype=np.int8)  # 1 confirmed, -1 deleted
        for _ in range(200):
            open_ = decision == 0
            if not open_.any():
                break
            hit = rng.random(runs) < probability
            total[open_] += np.where(hit, hit_increment, miss_increment)[open_]
            decision[open_ & (total >= confirm)] = 1
            decision[open_ & (total <= delete)] = -1
        assert (decision != 0).all()
        decided_target[name] = (decision == 1).mean()
    false_rate, missed_rate = decided_target["clutter"], 1.0 - decided_target["target"]

    def slack(bound: float) -> float:
        return 3.0 * np.sqrt(bound * (1.0 - bound) / runs)

    assert false_rate <= alpha / (1 - beta) + slack(alpha)
    assert missed_rate <= beta / (1 - alpha) + slack(beta)
    assert false_rate + missed_rate <= alpha + beta + slack(alpha) + slack(beta)


def test_a_plot_score_is_the_log_of_detection_times_density_over_false_alarm_density():
    """ln(P_D N(z; x, S) / beta_FT) with the Gaussian density from SciPy, to 1e-10."""
    rng = np.random.default_rng(2)
    factor = rng.normal(size=(5, 3, 3)) * 100.0
    covariance = factor @ np.swapaxes(factor, 1, 2) + np.eye(3) * 50.0
    residual = rng.normal(size=(5, 3)) * 80.0
    distance2 = np.einsum("ki,ki->k", residual,
                          np.linalg.solve(covariance, residual[..., None])[..., 0])
    density = np.array([1e-12, 3e-14, 1e-15, 5e-16, 2e-13])
    got = score.plot_score(0.8, density, distance2, covariance)
    expected = [np.log(0.8) + multivariate_normal(np.zeros(3), covariance[k]).logpdf(
        residual[k]) - np.log(density[k]) for k in range(5)]
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    assert score.miss_score(0.8) == pytest.approx(np.log(0.2), rel=1e-14)
