"""Argument checks shared by the public sensor formulas (radar equation, clutter, jamming).

Each takes a scalar or array, returns it as a float array, and raises ``ValueError`` naming
the argument and the value given when it is out of range, as the public functions promise.
"""

from __future__ import annotations

import numpy as np


def positive(name: str, value) -> np.ndarray:
    """``value`` as floats, every element > 0 (NaN refused)."""
    array = np.asarray(value, dtype=float)
    if np.isnan(array).any() or not (array > 0).all():
        raise ValueError(f"{name} must be > 0, got {value}")
    return array


def nonnegative(name: str, value) -> np.ndarray:
    """``value`` as floats, every element >= 0 (NaN refused)."""
    array = np.asarray(value, dtype=float)
    if np.isnan(array).any() or (array < 0).any():
        raise ValueError(f"{name} must be >= 0, got {value}")
    return array


def finite(name: str, value) -> np.ndarray:
    """``value`` as floats, every element finite."""
    array = np.asarray(value, dtype=float)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, got {value}")
    return array


def loss(loss_db) -> np.ndarray:
    """A loss in dB: finite and >= 0."""
    array = finite("loss_db", loss_db)
    if (array < 0).any():
        raise ValueError(f"loss_db must be >= 0, got {loss_db}")
    return array
