"""Lethality: whether a round that passed a target at a given miss distance killed it.

The cookie-cutter model with a reliability factor: a round kills with probability
``single_shot_pk`` when its miss distance is within ``lethal_radius_m``, and never
beyond it. Source: Ball, The Fundamentals of Aircraft Combat Survivability Analysis and
Design, 2nd ed. (2003), sec. 5.3 (cookie-cutter kill function). A graded (e.g. Carleton
or log-normal) kill function is a later refinement.
"""

from __future__ import annotations

import numpy as np


def kill_probability(miss_distance_m: np.ndarray, lethal_radius_m: np.ndarray,
                     single_shot_pk: np.ndarray) -> np.ndarray:
    """Probability of kill of each round given its miss distance (all arrays broadcast)."""
    return np.where(np.asarray(miss_distance_m) <= lethal_radius_m, single_shot_pk, 0.0)


def draw_kills(miss_distance_m: np.ndarray, lethal_radius_m: np.ndarray,
               single_shot_pk: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Boolean kill outcome of each round; one uniform draw per round, always."""
    draws = rng.random(np.shape(miss_distance_m))
    return draws < kill_probability(miss_distance_m, lethal_radius_m, single_shot_pk)
