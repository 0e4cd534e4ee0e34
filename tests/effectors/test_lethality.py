"""Lethality: cookie cutter and Carleton kill functions, gun bursts, one draw per round."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.effectors.lethality import (
    CARLETON,
    COOKIE_CUTTER,
    burst_kill_probability,
    draw_kills,
    kill_probability,
)


def test_kill_probability_is_the_pk_inside_the_radius_and_zero_beyond():
    miss = np.array([0.0, 4.99, 5.0, 5.01, 100.0, np.inf])
    np.testing.assert_allclose(kill_probability(miss, 5.0, 0.7),
                               [0.7, 0.7, 0.7, 0.0, 0.0, 0.0])


def test_kill_probability_broadcasts_per_round_radius_and_pk():
    miss = np.array([3.0, 3.0, 12.0])
    radius = np.array([2.0, 5.0, 15.0])
    pk = np.array([0.9, 0.8, 0.6])
    inputs = [a.copy() for a in (miss, radius, pk)]
    np.testing.assert_allclose(kill_probability(miss, radius, pk), [0.0, 0.8, 0.6])
    for before, after in zip(inputs, (miss, radius, pk), strict=True):
        np.testing.assert_array_equal(before, after)
    assert kill_probability(np.zeros((4, 2)), 1.0, 0.5).shape == (4, 2)


@pytest.mark.parametrize("pk", [0.3, 0.85])
def test_drawn_kill_rate_inside_the_radius_is_the_pk(pk):
    count = 40_000
    kills = draw_kills(np.full(count, 2.0), 5.0, pk, np.random.default_rng(11))
    assert kills.dtype == bool and kills.shape == (count,)
    assert abs(kills.mean() - pk) < 4.5 * np.sqrt(pk * (1 - pk) / count)


def test_no_kill_is_ever_drawn_beyond_the_radius():
    assert not draw_kills(np.full(5_000, 5.001), 5.0, 1.0, np.random.default_rng(1)).any()
    assert draw_kills(np.full(100, 5.0), 5.0, 1.0, np.random.default_rng(1)).all()


def test_one_uniform_per_round_whatever_the_miss():
    """The stream advances the same for every outcome (common random numbers)."""
    rng, reference = np.random.default_rng(5), np.random.default_rng(5)
    draw_kills(np.array([1.0, np.inf, 50.0]), 5.0, 0.5, rng)
    reference.random(3)
    assert rng.random() == reference.random()


def test_same_seed_same_kills():
    miss = np.random.default_rng(0).uniform(0.0, 10.0, 500)
    first = draw_kills(miss, 6.0, 0.6, np.random.default_rng(8))
    second = draw_kills(miss, 6.0, 0.6, np.random.default_rng(8))
    np.testing.assert_array_equal(first, second)
    assert first[miss > 6.0].sum() == 0 and 0 < first.sum() < (miss <= 6.0).sum()


def test_carleton_is_graded_with_the_pk_at_zero_miss():
    miss = np.array([0.0, 5.0, 10.0, np.inf, np.nan])
    np.testing.assert_allclose(kill_probability(miss, 5.0, 0.8, CARLETON),
                               [0.8, 0.8 * np.exp(-1.0), 0.8 * np.exp(-4.0), 0.0, 0.0])


def test_the_model_is_chosen_per_round():
    miss = np.array([6.0, 6.0])
    models = np.array([COOKIE_CUTTER, CARLETON])
    probability = kill_probability(miss, 5.0, 1.0, models)
    assert probability[0] == 0.0 and probability[1] == pytest.approx(np.exp(-36.0 / 25.0))


def test_a_burst_kills_with_one_minus_the_product_of_its_shells_survivals():
    shells = np.array([1.0, 2.0, 30.0])
    expected = 1.0 - (1.0 - 0.3) * (1.0 - 0.3) * 1.0
    assert burst_kill_probability(shells, 2.5, 0.3) == pytest.approx(expected)
    assert burst_kill_probability(np.full(3, 50.0), 2.5, 0.3) == 0.0


def test_predicted_pk_matches_the_miss_distances_the_flyout_draws():
    """The aim offset is an isotropic 3-D Gaussian; the miss at closest approach is its
    projection on the plane normal to the relative velocity (Rayleigh). Monte Carlo with
    200,000 draws; atol 0.005."""
    from iadsim.effectors.lethality import predicted_single_shot_pk

    rng = np.random.default_rng(3)
    sigma, radius, pk = 4.0, 6.0, 0.4
    offset = rng.standard_normal((200_000, 3)) * sigma
    miss = np.hypot(offset[:, 0], offset[:, 1])  # relative velocity along the third axis
    expected = pk * np.mean(miss <= radius)
    assert predicted_single_shot_pk(radius, sigma, pk) == pytest.approx(expected, abs=0.005)
    assert predicted_single_shot_pk(radius, sigma, pk) == pytest.approx(
        pk * (1.0 - np.exp(-radius**2 / (2 * sigma**2))), rel=1e-12)
    # No aim error: the cookie-cutter Pk; arrays broadcast.
    np.testing.assert_allclose(predicted_single_shot_pk(np.array([5.0, 20.0]), 0.0,
                                                        np.array([0.7, 0.8])), [0.7, 0.8])
