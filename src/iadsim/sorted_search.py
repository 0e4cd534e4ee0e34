"""Binary search in a sorted array, compiled (Numba): ``np.searchsorted`` for one value.

The compiled kernels of several stages look values up in sorted arrays (a track id among
the picture's sorted ids, a candidate among a pass's, a time in a path table, a draw in a
cumulative table). NumPy's ``np.searchsorted`` does it from NumPy; inside a kernel these
functions do, with the same results (left: the first index whose value is not below
``value``; right: the first whose value is above it; ``ordered`` ascending, no NaN).
A ground-floor service like :mod:`iadsim.events`: any stage's kernels may call it.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def search_sorted(ordered: np.ndarray, value: float, right: bool) -> int:
    """``np.searchsorted(ordered, value, side="right" if right else "left")``: the first
    index of the ascending ``ordered`` (m,) whose value is ``> value`` (``right``) or
    ``>= value`` (left); m when none."""
    low, high = 0, ordered.size
    while low < high:
        middle = (low + high) // 2
        if ordered[middle] < value or (right and ordered[middle] == value):
            low = middle + 1
        else:
            high = middle
    return low


@njit(cache=True, error_model="numpy")
def index_of(ordered: np.ndarray, value: float) -> int:
    """The index of ``value`` in the ascending ``ordered`` (m,) (its first, when it is
    there more than once), or -1 when it is not there."""
    index = search_sorted(ordered, value, False)
    if index < ordered.size and ordered[index] == value:
        return index
    return -1
