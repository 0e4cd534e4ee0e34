"""The compiled binary search (:mod:`iadsim.sorted_search`) against ``np.searchsorted``:
both sides, integer and float arrays, repeated values, values below, between and above
the array's, empty and one-element arrays, and strided views (a row of a table)."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.sorted_search import index_of, search_sorted


@pytest.mark.parametrize("size", [0, 1, 2, 3, 8, 65, 300])
def test_the_searches_are_numpys_searchsorted(size):
    rng = np.random.default_rng(size)
    integers = np.sort(rng.integers(-5, 30, size))  # many repeats
    floats = np.sort(rng.uniform(-1.0, 1.0, size)).repeat(2)  # each twice
    for ordered, values in ((integers, np.arange(-7, 33)),
                            (floats, np.concatenate([floats, rng.uniform(-1.5, 1.5, 50)]))):
        for value in values.tolist():
            for right, side in ((False, "left"), (True, "right")):
                assert (search_sorted(ordered, value, right)
                        == np.searchsorted(ordered, value, side=side)), (value, side)


def test_index_of_finds_the_first_of_a_value_or_minus_one():
    ordered = np.array([2, 4, 4, 4, 9], dtype=np.int64)
    assert [index_of(ordered, value) for value in (1, 2, 3, 4, 5, 9, 10)] == [
        -1, 0, -1, 1, -1, 4, -1]
    assert index_of(np.zeros(0, dtype=np.int64), 0) == -1


def test_a_row_of_a_table_is_searched_in_place():
    """A row of a table (the path tables' and cumulative tables' case) and a strided
    view: the same as NumPy on them."""
    table = np.cumsum(np.random.default_rng(3).uniform(0.0, 1.0, (4, 12)), axis=1)
    strided = table[1, ::2]
    for value in (0.0, 2.0, 2.5, 7.0, 50.0):
        for row in range(4):
            assert (search_sorted(table[row, :9], value, True)
                    == np.searchsorted(table[row, :9], value, side="right"))
        assert (search_sorted(strided, value, False)
                == np.searchsorted(strided, value))
