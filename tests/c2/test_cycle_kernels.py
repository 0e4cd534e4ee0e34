"""The battle manager's per-cycle shortcuts give exactly what the NumPy forms they replace
gave: window overlaps, kinematic classes, stacked samples."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.engageability import _repeat
from iadsim.c2.threat_evaluation import (
    AIRCRAFT_MIN_HEIGHT_M,
    BALLISTIC_MIN_SPEED_MPS,
    BALLISTIC_MIN_VERTICAL_SPEED_MPS,
    DRONE_MAX_SPEED_MPS,
    classify,
)
from iadsim.c2.wta_dynamic import window_overlaps


def sorted_search_overlaps(reachable, first_s, last_s):
    """The form used up to 2026-12-01: a sort and two binary searches per battery."""
    overlap = np.zeros(reachable.shape)
    for battery in range(reachable.shape[0]):
        rows = reachable[battery]
        first, last = first_s[battery, rows], last_s[battery, rows]
        starts, ends = np.sort(first), np.sort(last)
        overlap[battery, rows] = (np.searchsorted(starts, last, side="right")
                                  - np.searchsorted(ends, first, side="left"))
    return overlap


@pytest.mark.parametrize("seed", range(20))
def test_window_overlaps_are_the_sorted_search_counts(seed):
    rng = np.random.default_rng(seed)
    batteries, tracks = rng.integers(1, 12), rng.integers(0, 40)
    # Windows on a coarse grid, so that ends meet starts exactly (ties count).
    first = rng.integers(0, 10, (batteries, tracks)) * 30.0
    last = first + rng.integers(0, 5, (batteries, tracks)) * 30.0
    never = rng.random((batteries, tracks)) < 0.3
    first[never], last[never] = np.inf, -np.inf
    reachable = np.isfinite(first) & (rng.random((batteries, tracks)) < 0.8)
    expected = sorted_search_overlaps(reachable, first, last)
    assert np.array_equal(window_overlaps(reachable, first, last), expected)


def test_window_overlaps_count_only_windows_that_meet():
    first = np.array([[0.0, 10.0, 20.0, 5.0]])
    last = np.array([[10.0, 15.0, 30.0, 6.0]])
    reachable = np.array([[True, True, True, False]])
    # Track 0 meets itself and track 1 (touching at 10 s); track 2 meets only itself;
    # track 3 is out of reach.
    assert window_overlaps(reachable, first, last).tolist() == [[2.0, 2.0, 1.0, 0.0]]


def test_classify_is_the_select_of_the_rules():
    rng = np.random.default_rng(1)
    velocity = rng.normal(0.0, 400.0, (5000, 3))
    height = rng.uniform(0.0, 3000.0, 5000)
    edges = np.array([[BALLISTIC_MIN_SPEED_MPS, 0, 0], [0, 0, BALLISTIC_MIN_VERTICAL_SPEED_MPS],
                      [DRONE_MAX_SPEED_MPS, 0, 0], [150.0, 0, 0]])
    velocity = np.concatenate([velocity, edges])
    height = np.concatenate([height, [0.0, 0.0, 0.0, AIRCRAFT_MIN_HEIGHT_M]])
    speed = np.linalg.norm(velocity, axis=-1)
    ballistic = ((speed >= BALLISTIC_MIN_SPEED_MPS)
                 | (np.abs(velocity[:, 2]) >= BALLISTIC_MIN_VERTICAL_SPEED_MPS))
    expected = np.select([ballistic, speed < DRONE_MAX_SPEED_MPS,
                          height >= AIRCRAFT_MIN_HEIGHT_M], [0, 3, 1], default=2)
    classes = classify(velocity, height)
    assert classes.dtype == expected.dtype and np.array_equal(classes, expected)
    assert classes[-4:].tolist() == [0, 0, 2, 1]


@pytest.mark.parametrize("shape", [(7,), (7, 3), (1, 3)])
def test_repeat_is_tile_along_the_first_axis(shape):
    rows = np.arange(np.prod(shape), dtype=float).reshape(shape)
    tiled = np.tile(rows, 4) if rows.ndim == 1 else np.tile(rows, (4, 1))
    assert np.array_equal(_repeat(rows, 4), tiled)
