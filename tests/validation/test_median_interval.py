"""The distribution-free interval of a median from order statistics (dry days)."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.analysis.intervals import median_interval


@pytest.mark.parametrize(("size", "low_rank", "high_rank"), [(10, 2, 9), (20, 6, 15),
                                                             (100, 40, 61)])
def test_median_interval_ranks_match_the_binomial_tables(size, low_rank, high_rank):
    """Conover, Practical Nonparametric Statistics, 3rd ed. (1999), section 3.2: the 95%
    interval of the median is [x_(r), x_(n-r+1)], r = 2 for n = 10, 6 for n = 20, 40 for
    n = 100 (from the binomial(n, 1/2) quantile); exact ranks, tolerance 0."""
    values = np.arange(1.0, size + 1.0)[::-1]  # any order
    interval = median_interval(values, 0.95)
    assert (interval.low, interval.high) == (low_rank, high_rank)
    assert interval.estimate == (size + 1) // 2


def test_median_interval_takes_censored_values_and_refuses_too_few():
    interval = median_interval(np.array([3, 4, np.inf, np.inf, 5, np.inf, 4, 6, np.inf, 2.0]))
    assert (interval.estimate, interval.low, interval.high) == (5.0, 3.0, np.inf)
    small = median_interval(np.array([1.0, 2.0, 3.0]))
    assert small.estimate == 2.0 and np.isnan(small.low) and np.isnan(small.high)
