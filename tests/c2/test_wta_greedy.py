"""Greedy weapon-target assignment: urgency order, fire channels, rounds, salvo size,
battery preference, inputs unchanged, argument errors."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.wta_greedy import greedy_assign

# Two batteries, three tracks. Battery 0: expensive, slower to intercept most tracks;
# battery 1: cheap, cannot reach track 1.
BASE = {
    "track_order": np.array([2, 0, 1]),
    "eligible": np.array([True, True, True]),
    "feasible": np.array([[True, True, True], [True, False, True]]),
    "intercept_time_s": np.array([[30.0, 40.0, 20.0], [50.0, 60.0, 10.0]]),
    "round_cost_usd": np.array([1e6, 1e5]),
    "free_channels": np.array([5, 5]),
    "free_rounds": np.array([10, 10]),
    "salvo_size": np.array([1, 1]),
}


def assign(preference: str = "earliest_intercept", **overrides) -> list[tuple[int, int]]:
    """Run greedy_assign and check that it left every input array as it was."""
    arguments = {**{k: v.copy() for k, v in BASE.items()}, **overrides,
                 "preference": preference}
    before = {k: v.copy() for k, v in arguments.items() if isinstance(v, np.ndarray)}
    result = greedy_assign(**arguments)
    for name, value in before.items():
        np.testing.assert_array_equal(arguments[name], value, err_msg=f"{name} was modified")
    return result


def test_every_track_gets_its_earliest_intercepting_battery_when_there_is_room():
    assert assign("earliest_intercept") == [(1, 2), (0, 0), (0, 1)]


def test_cheapest_round_prefers_the_cheap_battery_wherever_it_can_reach():
    assert assign("cheapest_round") == [(1, 2), (1, 0), (0, 1)]


def test_ties_break_on_the_other_criterion():
    same_time = np.array([[20.0, 40.0, 20.0], [20.0, 60.0, 20.0]])
    same_cost = np.array([1e5, 1e5])
    # Equal times: earliest_intercept takes the cheaper battery.
    assert assign("earliest_intercept", intercept_time_s=same_time)[:2] == [(1, 2), (1, 0)]
    # Equal costs: cheapest_round takes the earlier intercept.
    assert assign("cheapest_round", round_cost_usd=same_cost)[:2] == [(1, 2), (0, 0)]


def test_most_urgent_track_is_served_first_when_channels_are_short():
    one_channel = {"free_channels": np.array([1, 0])}
    assert assign(**one_channel) == [(0, 2)]
    assert assign(track_order=np.array([1, 0, 2]), **one_channel) == [(0, 1)]


def test_fire_channels_cap_the_engagements_per_battery():
    feasible = np.ones((2, 6), dtype=bool)
    times = np.tile(np.arange(6.0), (2, 1))
    result = assign(track_order=np.arange(6), eligible=np.ones(6, dtype=bool),
                    feasible=feasible, intercept_time_s=times,
                    free_channels=np.array([2, 3]))
    batteries = [battery for battery, _ in result]
    assert batteries.count(0) == 2 and batteries.count(1) == 3
    assert [track for _, track in result] == [0, 1, 2, 3, 4]  # track 5: no channel left


def test_rounds_and_salvo_size_cap_the_engagements():
    feasible = np.array([[True] * 6, [False] * 6])
    times = np.tile(np.arange(6.0), (2, 1))
    common = {"track_order": np.arange(6), "eligible": np.ones(6, dtype=bool),
              "feasible": feasible, "intercept_time_s": times,
              "free_channels": np.array([10, 10])}
    # 7 rounds, salvos of 2: three engagements, one round left over.
    result = assign(free_rounds=np.array([7, 10]), salvo_size=np.array([2, 1]), **common)
    assert result == [(0, 0), (0, 1), (0, 2)]
    # Fewer rounds than a salvo: nothing.
    assert assign(free_rounds=np.array([1, 10]), salvo_size=np.array([2, 1]), **common) == []


def test_a_battery_short_of_a_salvo_yields_to_one_that_has_it():
    assert assign(free_rounds=np.array([10, 1]), salvo_size=np.array([1, 2])) == [
        (0, 2), (0, 0), (0, 1)]


def test_ineligible_and_infeasible_tracks_are_not_assigned():
    result = assign(eligible=np.array([True, False, True]))
    assert 1 not in [track for _, track in result]
    nobody = np.zeros((2, 3), dtype=bool)
    assert assign(feasible=nobody) == []
    # Only battery 0 reaches track 1; it is out of channels.
    assert (0, 1) not in assign(free_channels=np.array([0, 5]))


def test_every_assignment_is_feasible_and_each_track_is_engaged_once():
    rng = np.random.default_rng(4)
    n_batteries, n_tracks = 4, 30
    arguments = {
        "track_order": rng.permutation(n_tracks),
        "eligible": rng.random(n_tracks) < 0.8,
        "feasible": rng.random((n_batteries, n_tracks)) < 0.5,
        "intercept_time_s": rng.uniform(5.0, 100.0, (n_batteries, n_tracks)),
        "round_cost_usd": rng.uniform(1e4, 1e6, n_batteries),
        "free_channels": rng.integers(1, 6, n_batteries),
        "free_rounds": rng.integers(0, 12, n_batteries),
        "salvo_size": rng.integers(1, 3, n_batteries),
    }
    for preference in ("earliest_intercept", "cheapest_round"):
        result = assign(preference, **arguments)
        assert result == assign(preference, **arguments)  # repeatable
        tracks = [track for _, track in result]
        assert len(set(tracks)) == len(tracks)
        for battery, track in result:
            assert arguments["feasible"][battery, track] and arguments["eligible"][track]
        for battery in range(n_batteries):
            engaged = sum(1 for b, _ in result if b == battery)
            assert engaged <= arguments["free_channels"][battery]
            assert engaged * arguments["salvo_size"][battery] <= arguments["free_rounds"][battery]
        # Made in urgency order.
        rank = {track: i for i, track in enumerate(arguments["track_order"].tolist())}
        assert [rank[t] for t in tracks] == sorted(rank[t] for t in tracks)


def test_cheapest_in_time_holds_fire_for_a_cheaper_layer():
    feasible = np.array([[True, True, True], [False, False, True]])
    held = assign("cheapest_in_time", feasible=feasible, track_order=np.array([0, 2]),
                  feasible_later=np.ones((2, 3), dtype=bool))
    assert held == [(1, 2)]  # track 0 waits for the cheap battery
    never = assign("cheapest_in_time", feasible=feasible, track_order=np.array([0, 2]),
                   feasible_later=np.array([[True] * 3, [False, False, True]]))
    assert never == [(0, 0), (1, 2)]


def test_a_bad_preference_raises_naming_the_argument_and_the_value():
    with pytest.raises(ValueError, match=r"preference must be one of .*'loudest'"):
        assign("loudest")
    with pytest.raises(ValueError, match="feasible_later"):
        assign("cheapest_in_time")
