"""Kill assessment from the picture: the evidence each track shows, and the error draws."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.kill_assessment import (
    KINEMATICS_CHANGED,
    NOT_UPDATED,
    UPDATED,
    VANISHED,
    error_probability,
    judge,
    read_evidence,
)
from iadsim.engine.random_streams import stream

BEFORE = np.array([-250.0, 0.0, 0.0])
NEVER = -np.inf


def evidence(present=True, updates=(100.0, NEVER), now=BEFORE, holding=1):
    return read_evidence(present, np.array(updates), 99.0, BEFORE, np.asarray(now), holding)


def test_a_track_gone_from_the_picture_reads_as_a_kill():
    result = evidence(present=False, holding=2)
    assert (result.reason, result.looks_killed, result.radars) == (VANISHED, True, 2)


def test_a_track_no_radar_updated_since_the_intercept_reads_as_a_kill():
    # Updated at 98.9 s by one radar, never by the other; the intercept was at 99 s.
    result = evidence(updates=(98.9, NEVER))
    assert (result.reason, result.looks_killed) == (NOT_UPDATED, True)


def test_a_track_updated_since_with_the_same_kinematics_reads_as_alive():
    result = evidence(updates=(100.0, 99.5), now=[-240.0, 20.0, -5.0])
    assert (result.reason, result.looks_killed, result.radars) == (UPDATED, False, 2)


@pytest.mark.parametrize("now", [[-250.0, 0.0, -200.0],  # falling
                                 [-100.0, 0.0, 0.0],  # slowed to 40 %
                                 [0.0, 250.0, 0.0]])  # turned 90 degrees
def test_a_track_whose_kinematics_changed_reads_as_a_kill(now):
    result = evidence(now=now)
    assert (result.reason, result.looks_killed) == (KINEMATICS_CHANGED, True)


def test_error_probability_falls_with_the_radars_that_see_the_track():
    alive_two = evidence(updates=(100.0, 100.0))
    dead_three = evidence(present=False, holding=3)
    assert error_probability(alive_two, 0.2, 0.9) == pytest.approx(0.1)
    assert error_probability(dead_three, 0.2, 0.9) == pytest.approx(0.3)


def test_without_a_stream_the_judgement_follows_the_evidence():
    assert judge(evidence(), 1.0, 1.0, None) == (False, False)
    assert judge(evidence(present=False), 1.0, 1.0, None) == (True, False)


def test_certain_errors_flip_the_judgement_both_ways():
    rng = stream(1, "kill_assessment")
    assert judge(evidence(), 1.0, 0.0, rng) == (True, True)  # a false kill
    assert judge(evidence(present=False), 0.0, 1.0, rng) == (False, True)  # a missed kill


def test_false_kill_rate_matches_its_probability_over_many_draws():
    rng = stream(7, "kill_assessment")
    seen_by_two = evidence(updates=(100.0, 100.0))
    draws = 20_000
    flips = sum(judge(seen_by_two, 0.3, 0.0, rng)[1] for _ in range(draws))
    # p = 0.3 / 2 radars; 4 standard deviations of a binomial proportion.
    assert flips / draws == pytest.approx(0.15, abs=4 * np.sqrt(0.15 * 0.85 / draws))


def test_one_draw_per_assessment_whatever_the_evidence():
    first, second = stream(2, "kill_assessment"), stream(2, "kill_assessment")
    judge(evidence(), 0.0, 0.0, first)
    judge(evidence(present=False), 0.0, 0.0, first)
    second.random(2)
    assert first.random() == second.random()
