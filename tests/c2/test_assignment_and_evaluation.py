"""Threat evaluation and greedy weapon-target assignment."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.threat_evaluation import evaluate
from iadsim.c2.wta_greedy import greedy_assign

ASSETS = np.array([[0.0, 0.0, 0.0], [50_000.0, 0.0, 0.0]])
RADIUS = np.array([1_000.0, 1_000.0])
VALUE = np.array([10.0, 2.0])


def test_inbound_track_threatens_its_asset_with_distance_over_speed():
    position = np.array([[0.0, 30_000.0, 1_000.0]])
    velocity = np.array([[0.0, -250.0, 0.0]])
    result = evaluate(position, velocity, ASSETS, RADIUS, VALUE, 5_000.0, "time_to_go")
    assert result.asset.tolist() == [0]
    assert result.time_to_go_s[0] == pytest.approx(120.0)


def test_outbound_and_hovering_tracks_threaten_nothing():
    position = np.array([[0.0, 30_000.0, 1_000.0], [0.0, 10_000.0, 100.0]])
    velocity = np.array([[0.0, 250.0, 0.0], [0.5, 0.0, 0.0]])
    result = evaluate(position, velocity, ASSETS, RADIUS, VALUE, 5_000.0, "time_to_go")
    assert result.asset.tolist() == [-1, -1]
    assert np.isinf(result.time_to_go_s).all()


def test_track_uncertainty_widens_the_corridor():
    position = np.array([[0.0, 60_000.0, 500.0]])
    velocity = np.array([[25.0, -50.0, 0.0]])  # misses asset 0 by ~27 km on its heading
    sure = evaluate(position, velocity, ASSETS, RADIUS, VALUE, 5_000.0, "time_to_go")
    unsure = evaluate(position, velocity, ASSETS, RADIUS, VALUE, 5_000.0, "time_to_go",
                      speed_sigma_mps=np.array([30.0]))
    assert sure.asset[0] == -1 and unsure.asset[0] == 0


def test_priorities_order_by_time_to_go_or_by_asset_value():
    position = np.array([[50_000.0, 20_000.0, 0.0], [0.0, 40_000.0, 0.0], [0.0, -90e3, 0.0]])
    velocity = np.array([[0.0, -250.0, 0.0], [0.0, -250.0, 0.0], [0.0, 90.0, 0.0]])
    by_time = evaluate(position, velocity, ASSETS, RADIUS, VALUE, 5_000.0, "time_to_go")
    assert by_time.order.tolist() == [0, 1, 2]
    by_value = evaluate(position, velocity, ASSETS, RADIUS, VALUE, 5_000.0, "asset_value")
    # Tracks 1 and 2 both threaten the value-10 asset (1 sooner); track 0 the value-2 one.
    assert by_value.order.tolist() == [1, 2, 0]
    with pytest.raises(ValueError, match="priority must be one of"):
        evaluate(position, velocity, ASSETS, RADIUS, VALUE, 5_000.0, "loudest")


def assign(preference, **overrides):
    arguments = {
        "track_order": np.array([2, 0, 1]),
        "eligible": np.array([True, True, True]),
        "feasible": np.array([[True, True, True], [True, False, True]]),
        "intercept_time_s": np.array([[30.0, 40.0, 20.0], [50.0, 60.0, 10.0]]),
        "round_cost_usd": np.array([1e6, 1e5]),
        "free_channels": np.array([1, 1]),
        "free_rounds": np.array([4, 4]),
        "salvo_size": np.array([1, 1]),
        "preference": preference,
    }
    arguments.update(overrides)
    before = {k: v.copy() for k, v in arguments.items() if isinstance(v, np.ndarray)}
    result = greedy_assign(**arguments)
    for name, value in before.items():
        np.testing.assert_array_equal(arguments[name], value)  # inputs untouched
    return result


def test_most_urgent_first_and_one_engagement_per_channel():
    assert assign("earliest_intercept") == [(1, 2), (0, 0)]
    assert assign("cheapest_round") == [(1, 2), (0, 0)]


def test_preference_picks_the_expected_battery():
    one_channel = {"free_channels": np.array([1, 0])}
    assert assign("earliest_intercept", **one_channel) == [(0, 2)]
    order_first = {"track_order": np.array([0, 2, 1])}
    assert assign("earliest_intercept", **order_first) == [(0, 0), (1, 2)]
    assert assign("cheapest_round", **order_first) == [(1, 0), (0, 2)]


def test_rounds_and_salvo_size_limit_assignment():
    assert assign("earliest_intercept", free_rounds=np.array([1, 0])) == [(0, 2)]
    assert assign("earliest_intercept", salvo_size=np.array([2, 2]),
                  free_rounds=np.array([3, 1])) == [(0, 2)]
    # Track 2 not eligible: track 0 goes to battery 0 (sooner); track 1, which only
    # battery 0 can reach, finds its one channel taken.
    assert assign("earliest_intercept", eligible=np.array([True, True, False])) == [(0, 0)]


def test_cheapest_in_time_holds_fire_for_a_cheaper_layer():
    later = np.array([[True, True, True], [True, True, True]])
    # Battery 1 is cheaper and can reach track 0 later: hold fire on track 0 for it.
    held = assign("cheapest_in_time", feasible_later=later,
                  feasible=np.array([[True, True, True], [False, False, True]]),
                  track_order=np.array([0, 2]))
    assert held == [(1, 2)]
    # Nobody cheaper will ever reach track 0: the expensive battery fires.
    never = assign("cheapest_in_time", feasible_later=np.array([[True] * 3, [False, False,
                                                                              True]]),
                   feasible=np.array([[True, True, True], [False, False, True]]),
                   track_order=np.array([0, 2]))
    assert never == [(0, 0), (1, 2)]


def test_bad_preference_is_named():
    with pytest.raises(ValueError, match="preference must be one of"):
        assign("loudest")
    with pytest.raises(ValueError, match="feasible_later is required"):
        assign("cheapest_in_time")
