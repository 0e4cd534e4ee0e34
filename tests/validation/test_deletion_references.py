"""Deletion by the probability of a run of misses (iadsim.tracking.deletion) against the
closed form of the waiting time for a run (Feller).

A live target detected with probability P_D at each look, independently, whose track is
deleted at the first run of ``m`` misses in a row, lives on average

    E[T] = (1 - q^m) / (p q^m) looks,   p = P_D, q = 1 - P_D

(W. Feller, *An Introduction to Probability Theory and Its Applications*, vol. 1, 3rd ed.,
1968, ch. XIII, sec. 7, eq. 7.7: the mean recurrence time of a run of r successes, here a
run of m misses, of probability q). With ``m = misses_to_delete(P_D, threshold)``
(``q^m <= threshold``), E[T] >= (1 - threshold) / (p threshold): a live track's expected
life, in looks, is at least about 1 / (P_D threshold), whatever its P_D.
"""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.tracking.deletion import misses_to_delete


def feller_mean_looks_to_run(detection_probability: float, run: int) -> float:
    """Feller 1968, XIII.7, eq. 7.7, with success probability q = 1 - P_D."""
    q = 1.0 - detection_probability
    return (1.0 - q**run) / (detection_probability * q**run)


def simulated_looks_to_deletion(detection_probability: float, run: int, tracks: int,
                                looks: int, rng: np.random.Generator) -> np.ndarray:
    """Looks until each of ``tracks`` live tracks meets its first run of ``run`` misses."""
    detected = rng.uniform(size=(tracks, looks)) < detection_probability
    misses_in_a_row = np.zeros(tracks, dtype=np.int64)
    deleted_at = np.full(tracks, -1)
    for look in range(looks):
        misses_in_a_row = np.where(detected[:, look], 0, misses_in_a_row + 1)
        first = (misses_in_a_row == run) & (deleted_at < 0)
        deleted_at[first] = look + 1
    assert (deleted_at > 0).all()
    return deleted_at


@pytest.mark.parametrize(("detection_probability", "threshold"), [(0.5, 0.05), (0.3, 0.1),
                                                                  (0.8, 0.01)])
def test_mean_life_of_a_live_track_matches_feller(detection_probability, threshold):
    """Feller 1968, XIII.7, eq. 7.7; 4,000 simulated tracks, rtol 0.06 (the mean's
    standard error is about 1.6 %)."""
    run = int(misses_to_delete(detection_probability, threshold))
    expected = feller_mean_looks_to_run(detection_probability, run)
    assert expected >= (1.0 - threshold) / (detection_probability * threshold)
    rng = np.random.default_rng(18)
    simulated = simulated_looks_to_deletion(detection_probability, run, 4_000,
                                            int(15 * expected), rng)
    assert simulated.mean() == pytest.approx(expected, rel=0.06)


@pytest.mark.parametrize("detection_probability", [0.3, 0.5, 0.72, 0.9, 0.97])
def test_the_default_threshold_gives_a_live_track_hours(detection_probability):
    """At the default 1e-4, a live track of a 10 s radar lives on average more than
    1 / (P_D 1e-4) looks: over 28 hours at P_D 0.97 (Feller 1968, XIII.7, eq. 7.7)."""
    run = int(misses_to_delete(detection_probability, 1e-4))
    looks = feller_mean_looks_to_run(detection_probability, run)
    assert looks >= (1.0 - 1e-4) / (detection_probability * 1e-4)
    assert looks * 10.0 / 3_600.0 > 28.0
