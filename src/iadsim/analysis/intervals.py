"""Confidence intervals for campaign metrics: exact binomial and bootstrap.

A probability estimated from ``k`` successes in ``n`` independent trials (P(no leaker) over
replications, P(kill) over shots) gets the Clopper-Pearson "exact" interval; a mean of a
count or a cost over replications gets a percentile bootstrap interval from a seeded
generator (same replications, same interval, bit for bit) or, on request, a Student t
interval.

Sources: C. J. Clopper and E. S. Pearson, "The use of confidence or fiducial limits
illustrated in the case of the binomial", Biometrika 26(4), 1934, 404-413 (the beta-quantile
form used here is eq. 2.2 of Brown, Cai and DasGupta, Statistical Science 16(2), 2001);
B. Efron and R. J. Tibshirani, An Introduction to the Bootstrap, 1993, ch. 13 (percentile
interval).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Bootstrap resamples for a mean's interval (Efron and Tibshirani advise >= 1,000 for
#: percentile intervals).
BOOTSTRAP_RESAMPLES = 2_000


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate with its two-sided interval at ``confidence``."""

    estimate: float
    low: float
    high: float
    confidence: float
    method: str


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")


def clopper_pearson(successes: int, trials: int, confidence: float = 0.95) -> Interval:
    """Exact (Clopper-Pearson) interval of a binomial proportion.

    Parameters
    ----------
    successes, trials:
        ``0 <= successes <= trials``; ``trials`` may be 0 (then the estimate is NaN and the
        interval is [0, 1]: nothing is known).
    confidence:
        Two-sided coverage, e.g. 0.95.

    Returns
    -------
    Interval
        ``successes / trials`` and the beta quantiles ``B(a/2; k, n-k+1)``,
        ``B(1-a/2; k+1, n-k)``, with the low end 0 when ``k = 0`` and the high end 1 when
        ``k = n``.
    """
    _check_confidence(confidence)
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"successes must be in [0, trials] and trials >= 0, got "
                         f"successes={successes}, trials={trials}")
    if trials == 0:
        return Interval(float("nan"), 0.0, 1.0, confidence, "clopper-pearson")
    alpha = 1.0 - confidence
    low = 0.0 if successes == 0 else float(
        stats.beta.ppf(alpha / 2, successes, trials - successes + 1))
    high = 1.0 if successes == trials else float(
        stats.beta.ppf(1 - alpha / 2, successes + 1, trials - successes))
    return Interval(successes / trials, low, high, confidence, "clopper-pearson")


def bootstrap_mean(values: np.ndarray, seed: int, confidence: float = 0.95,
                   resamples: int = BOOTSTRAP_RESAMPLES) -> Interval:
    """Percentile bootstrap interval of the mean of ``values`` (shape ``(n,)``).

    The resamples are drawn from ``numpy.random.default_rng(seed)``: the same values and
    seed give the same interval. NaN values (a metric undefined in a replication, such as
    a cost ratio with nothing killed) are left out.
    """
    _check_confidence(confidence)
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}")
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    if data.size == 0:
        return Interval(float("nan"), float("nan"), float("nan"), confidence, "bootstrap")
    generator = np.random.default_rng(seed)
    picks = generator.integers(0, data.size, size=(resamples, data.size))
    means = data[picks].mean(axis=1)
    alpha = 1.0 - confidence
    low, high = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return Interval(float(data.mean()), float(low), float(high), confidence, "bootstrap")


def t_interval(values: np.ndarray, confidence: float = 0.95) -> Interval:
    """Student t interval of the mean of ``values`` (shape ``(n,)``, NaN left out).

    With fewer than two values, or no spread, the interval collapses to the mean.
    """
    _check_confidence(confidence)
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    if data.size == 0:
        return Interval(float("nan"), float("nan"), float("nan"), confidence, "t")
    mean = float(data.mean())
    if data.size < 2 or np.all(data == data[0]):
        return Interval(mean, mean, mean, confidence, "t")
    half = float(stats.t.ppf(0.5 + confidence / 2, data.size - 1)
                 * data.std(ddof=1) / np.sqrt(data.size))
    return Interval(mean, mean - half, mean + half, confidence, "t")


def median_interval(values: np.ndarray, confidence: float = 0.95) -> Interval:
    """Distribution-free interval of a median from order statistics; values may be
    ``inf`` (censored: "not within the horizon", e.g. a layer that never ran dry).

    The estimate is the order statistic ``x_(ceil(n/2))`` (the smallest value that at least
    half of the sample reaches); the interval is ``[x_(l), x_(n-l+1)]`` with ``l`` the
    largest rank such that ``P(Binomial(n, 1/2) <= l - 1) <= (1 - confidence) / 2``, whose
    coverage is at least ``confidence``. When ``n`` is too small for any such rank (fewer
    than 6 values at 95%) the bounds are NaN. NaN values are left out.

    Source: W. J. Conover, Practical Nonparametric Statistics, 3rd ed., Wiley, 1999,
    section 3.2 (confidence interval for a quantile); e.g. n = 10 gives ranks 2 and 9.
    """
    _check_confidence(confidence)
    data = np.sort(np.asarray(values, dtype=float))
    data = data[~np.isnan(data)]
    size = data.size
    if size == 0:
        return Interval(float("nan"), float("nan"), float("nan"), confidence, "order-statistic")
    estimate = float(data[(size + 1) // 2 - 1])
    alpha = 1.0 - confidence
    # Largest l with P(B <= l - 1) <= alpha / 2, B ~ Binomial(n, 1/2).
    rank = int(stats.binom.ppf(alpha / 2, size, 0.5))
    if stats.binom.cdf(rank, size, 0.5) > alpha / 2:
        rank -= 1
    rank += 1  # ranks are 1-based: l - 1 = the count found above
    if rank < 1:
        return Interval(estimate, float("nan"), float("nan"), confidence, "order-statistic")
    return Interval(estimate, float(data[rank - 1]), float(data[size - rank]), confidence,
                    "order-statistic")
