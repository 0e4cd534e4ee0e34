"""Intervals: Clopper-Pearson against SciPy's exact binomial test and closed forms,
bootstrap and t intervals of a mean."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from iadsim.analysis.intervals import bootstrap_mean, clopper_pearson, t_interval


@pytest.mark.parametrize(("successes", "trials"), [
    (0, 10), (1, 10), (7, 10), (10, 10), (3, 50), (45, 50), (512, 1000), (1, 1)])
@pytest.mark.parametrize("confidence", [0.95, 0.8])
def test_clopper_pearson_matches_scipy_binomtest_exact(successes, trials, confidence):
    """SciPy's ``binomtest(...).proportion_ci(method="exact")`` is Clopper-Pearson; 1e-9."""
    interval = clopper_pearson(successes, trials, confidence)
    expected = stats.binomtest(successes, trials).proportion_ci(confidence_level=confidence,
                                                                method="exact")
    assert interval.estimate == successes / trials
    assert interval.low == pytest.approx(expected.low, abs=1e-9)
    assert interval.high == pytest.approx(expected.high, abs=1e-9)
    assert interval.method == "clopper-pearson"


def test_clopper_pearson_closed_forms_at_zero_and_all_successes():
    """k = 0: high = 1 - (a/2)^(1/n); k = n: low = (a/2)^(1/n) (Clopper and Pearson 1934)."""
    none = clopper_pearson(0, 20)
    every = clopper_pearson(20, 20)
    assert (none.low, every.high) == (0.0, 1.0)
    assert none.high == pytest.approx(1 - 0.025 ** (1 / 20), rel=1e-12)
    assert every.low == pytest.approx(0.025 ** (1 / 20), rel=1e-12)
    assert none.high == pytest.approx(0.16843, abs=1e-5)  # the textbook "rule of 3.7/n"


def test_clopper_pearson_without_trials_knows_nothing():
    interval = clopper_pearson(0, 0)
    assert np.isnan(interval.estimate) and (interval.low, interval.high) == (0.0, 1.0)


@pytest.mark.parametrize(("arguments", "message"), [
    ((11, 10), "successes must be in"), ((-1, 10), "successes must be in"),
    ((3, 10, 1.5), "confidence must be in"), ((3, 10, 0.0), "confidence must be in")])
def test_clopper_pearson_refuses_bad_input(arguments, message):
    with pytest.raises(ValueError, match=message):
        clopper_pearson(*arguments)


def test_bootstrap_is_seeded_and_agrees_with_the_t_interval_on_a_large_normal_sample():
    values = np.random.default_rng(5).normal(10.0, 2.0, size=400)
    first = bootstrap_mean(values, seed=17)
    assert first == bootstrap_mean(values, seed=17)
    assert first != bootstrap_mean(values, seed=18)
    t = t_interval(values)
    assert first.estimate == pytest.approx(values.mean())
    # Both estimate the same 1.96 sigma/sqrt(n) half width (0.196 here) within 10 %.
    assert first.high - first.low == pytest.approx(t.high - t.low, rel=0.1)
    assert first.low < values.mean() < first.high


def test_t_interval_matches_scipy():
    values = np.array([3.0, 5.0, 4.0, 8.0, 6.0, np.nan])
    interval = t_interval(values, confidence=0.9)
    finite = values[:5]
    low, high = stats.t.interval(0.9, 4, loc=finite.mean(), scale=stats.sem(finite))
    assert (interval.low, interval.high) == (pytest.approx(low), pytest.approx(high))


def test_means_of_constant_or_empty_values():
    constant = bootstrap_mean(np.full(7, 2.0), seed=1)
    assert (constant.estimate, constant.low, constant.high) == (2.0, 2.0, 2.0)
    assert np.isnan(bootstrap_mean(np.array([np.nan]), seed=1).estimate)
    assert t_interval(np.array([4.0])).low == 4.0
