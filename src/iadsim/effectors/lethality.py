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


def predicted_single_shot_pk(lethal_radius_m: np.ndarray, aim_error_m: np.ndarray,
                             single_shot_pk: np.ndarray) -> np.ndarray:
    """Expected Pk of one round before it flies: the cookie-cutter Pk times the chance that
    the miss falls within the lethal radius.

    The round flies at an aim point offset from the target by an isotropic Gaussian of
    ``aim_error_m`` (1 sigma per axis, as :mod:`iadsim.effectors.flyout` draws it); its
    miss distance at closest approach is that offset's projection on the plane normal to
    the relative velocity, a circular normal, so ``P(miss <= R) = 1 - exp(-R^2 / (2
    sigma^2))`` (the Rayleigh distribution; Ball, The Fundamentals of Aircraft Combat
    Survivability Analysis and Design, 2nd ed., 2003, sec. 5.3, the circular normal miss
    distribution). With no aim error the factor is 1. All arrays broadcast.
    """
    radius = np.asarray(lethal_radius_m, dtype=float)
    sigma = np.asarray(aim_error_m, dtype=float)
    exponent = np.divide(radius**2, 2.0 * sigma**2,
                         out=np.full(np.broadcast(radius, sigma).shape, np.inf), where=sigma > 0)
    return np.asarray(single_shot_pk, dtype=float) * -np.expm1(-exponent)
