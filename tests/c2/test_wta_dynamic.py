"""The static problem of one battle-manager cycle: assignment under per-track limits and
the doctrine holds (cheaper layers, cheaper battery now, magazine reserve)."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.engageability import EngagementWindows
from iadsim.c2.wta_dynamic import (
    assign_cycle,
    cheaper_layer_holds,
    cheaper_now_holds,
    reserve_holds,
    salvo_kill_probability,
)


def test_assign_cycle_respects_the_per_track_limit_and_re_solves_for_the_rest():
    # One battery with two salvos, Pk 0.67 on both tracks; track 1 is worth so much more
    # that the static WTA alone would put both salvos on it.
    pk = np.array([[0.67, 0.67]])
    value = np.array([2.7, 8.6])
    args = (value, np.array([True, True]), np.array([1, 1]), pk, np.array([2]))
    assert assign_cycle(*args) == [(0, 1), (0, 0)]  # most valuable first
    # Two engagements allowed on track 1 (shoot-shoot): both salvos go there.
    assert assign_cycle(value, np.array([True, True]), np.array([1, 2]), pk,
                        np.array([2])) == [(0, 1), (0, 1)]


def test_assign_cycle_leaves_ineligible_unreachable_and_full_tracks_alone():
    pk = np.array([[0.5, 0.9, 0.0, 0.8], [0.6, 0.0, 0.0, 0.7]])
    eligible = np.array([True, True, True, False])
    result = assign_cycle(np.ones(4), eligible, np.array([1, 0, 1, 1]), pk, np.array([3, 3]))
    assert result == [(1, 0)]  # track 1 has no capacity, 2 no Pk, 3 is not eligible
    assert assign_cycle(np.ones(4), eligible, np.ones(4, int), pk, np.zeros(2, int)) == []


def test_assign_cycle_gives_the_likelier_battery_and_leaves_inputs_unchanged():
    pk = np.array([[0.3, 0.0], [0.8, 0.6]])
    arrays = [np.array([5.0, 1.0]), np.array([True, True]), np.array([1, 1]), pk,
              np.array([1, 1])]
    copies = [a.copy() for a in arrays]
    assert assign_cycle(*arrays) == [(1, 0)]  # battery 0 can only add to track 0: full
    for before, after in zip(copies, arrays, strict=True):
        np.testing.assert_array_equal(before, after)


def windows(first, last, duration, beyond=None) -> EngagementWindows:
    first = np.asarray(first, dtype=float)
    return EngagementWindows(first, np.asarray(last, dtype=float),
                             np.asarray(duration, dtype=float),
                             np.zeros(first.shape[1], bool) if beyond is None
                             else np.asarray(beyond))


# Three batteries: expensive (2 M), middle (250 k) and cheap (30 k), one track.
COST = np.array([2e6, 2.5e5, 3e4])
PK = np.array([0.8, 0.7, 0.3])
ENGAGEMENT_S = np.array([60.0, 20.0, 10.0])
CHANNELS = np.array([10, 2, 2])


def holds(worth, window, feasible_now, free=CHANNELS, stocked=(True, True, True),
          threshold=0.9, eligible=None):
    n = window.first_s.shape[1]
    return cheaper_layer_holds(COST, np.asarray(worth, dtype=float), PK, window,
                               np.asarray(feasible_now), ENGAGEMENT_S, CHANNELS,
                               np.asarray(free), np.asarray(stocked),
                               np.ones(n, bool) if eligible is None else eligible, threshold)


def test_a_cheap_track_is_held_by_costlier_batteries_while_the_cheap_layer_suffices():
    # The cheap battery has a 100 s window: 10 expected shots at 0.3 -> 0.97 >= 0.9.
    window = windows([[0.0], [0.0], [50.0]], [[150.0], [150.0], [150.0]],
                     [[150.0], [150.0], [100.0]])
    now = [[True], [True], [False]]
    assert holds([5e4], window, now)[:, 0].tolist() == [True, True, False]
    # Worth more than the middle salvo: only the expensive battery holds.
    assert holds([5e5], window, now)[:, 0].tolist() == [True, False, False]
    # Worth more than every salvo: nobody holds (the outer layer engages first).
    assert holds([4e7], window, now)[:, 0].tolist() == [False, False, False]


def test_a_short_window_or_an_empty_cheap_layer_releases_the_costlier_ones():
    short = windows([[0.0], [0.0], [50.0]], [[150.0], [150.0], [60.0]],
                    [[150.0], [150.0], [10.0]])  # one shot at 0.3
    now = [[True], [True], [False]]
    assert holds([5e4], short, now)[:, 0].tolist() == [True, False, False]
    long = windows([[0.0], [0.0], [50.0]], [[150.0], [150.0], [150.0]],
                   [[150.0], [150.0], [100.0]])
    # Middle battery out of rounds: the expensive one counts on the gun only (0.97), and
    # so does the middle one.
    assert holds([5e4], long, now, stocked=(True, False, True))[:, 0].tolist() == [
        True, True, False]
    # Gun out too: nobody cheaper is left.
    assert holds([5e4], long, now, stocked=(True, False, False))[:, 0].tolist() == [
        False, False, False]


def test_load_on_the_cheap_layer_cuts_its_expected_shots():
    # Eight tracks share the same windows: the gun's two channels give each 100 / (10 x 4)
    # = 2.5 shots (0.59 < 0.9: the middle battery fires), the middle battery's
    # 150 / (20 x 4) = 1.9 (with the gun's: 0.957, so the expensive one holds at 0.9 and
    # 0.95, not at 0.97).
    n = 8
    window = windows(np.tile([[0.0], [0.0], [50.0]], n), np.tile([[150.0]], (3, n)),
                     np.tile([[150.0], [150.0], [100.0]], n))
    now = np.tile([[True], [True], [False]], n)
    result = holds(np.full(n, 5e4), window, now, threshold=0.9)
    assert result[0].all() and not result[1].any() and not result[2].any()
    assert holds(np.full(n, 5e4), window, now, threshold=0.95)[0].all()
    assert not holds(np.full(n, 5e4), window, now, threshold=0.97)[0].any()


def test_a_track_beyond_the_horizon_is_held_by_every_battery_costlier_than_its_worth():
    # No hurry: only the expensive battery can reach it yet, but a later cycle decides.
    window = windows([[0.0], [np.inf], [np.inf]], [[100.0], [-np.inf], [-np.inf]],
                     [[100.0], [0.0], [0.0]], beyond=[True])
    assert holds([5e4], window, [[True], [False], [False]])[:, 0].tolist() == [
        True, True, False]
    assert not holds([4e7], window, [[True], [False], [False]]).any()


def test_cheaper_now_holds_only_for_a_cheaper_battery_with_salvos_to_spare():
    feasible = np.array([[True, True, True], [True, True, False], [False, False, False]])
    eligible = np.ones(3, bool)
    # Middle battery: 2 salvos for the 2 tracks it can reach now: the expensive one holds.
    hold = cheaper_now_holds(COST, feasible, np.array([4, 2, 2]), eligible)
    assert hold.tolist() == [[True, True, False], [False, False, False],
                             [False, False, False]]
    # One salvo for two tracks: saturated, the expensive battery may fire.
    assert not cheaper_now_holds(COST, feasible, np.array([4, 1, 2]), eligible).any()


def test_reserve_holds_keep_a_low_battery_for_tracks_nobody_else_reaches():
    reachable = np.array([[True, True, False], [True, False, False]])
    hold = reserve_holds(np.array([True, False]), reachable, np.array([True, True]))
    assert hold.tolist() == [[True, False, False], [False, False, False]]
    # The other battery has no rounds: it does not count.
    assert not reserve_holds(np.array([True, False]), reachable,
                             np.array([True, False])).any()


@pytest.mark.parametrize(("pk", "salvo", "expected"), [(0.8, 1, 0.8), (0.5, 2, 0.75),
                                                       (0.0, 3, 0.0), (1.0, 2, 1.0)])
def test_salvo_kill_probability(pk, salvo, expected):
    assert salvo_kill_probability(np.array([pk]), np.array([salvo]))[0] == pytest.approx(expected)
