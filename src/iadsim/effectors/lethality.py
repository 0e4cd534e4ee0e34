"""Lethality: the probability that a round passing a target at a given miss distance kills it.

Two damage functions, chosen per interceptor type (``lethality_model``):

- **cookie cutter**: ``single_shot_pk`` within ``lethal_radius_m``, zero beyond (Ball, The
  Fundamentals of Aircraft Combat Survivability Analysis and Design, 2nd ed. (2003),
  sec. 5.3);
- **Carleton**: ``single_shot_pk x exp(-r^2 / lethal_radius_m^2)``, the circular Carleton
  damage function ``exp(-pi r^2 / WR^2)`` with weapon radius ``WR = sqrt(pi) x
  lethal_radius_m``, so that both functions have the same lethal area
  ``pi lethal_radius_m^2 x single_shot_pk`` (Driels, Weaponeering: Conventional Weapon
  System Effectiveness, 2nd ed. (2013), ch. 11, Carleton damage function and lethal area).
  Against a circular normal miss of sigma per axis its mean is
  ``single_shot_pk x R^2 / (R^2 + 2 sigma^2)`` (Driels, same chapter), the closed form the
  validation test checks.

A gun burst of ``n`` shells kills with ``1 - prod(1 - p_i)`` over its shells' kill
probabilities (independent shell effects; Ball, sec. 5.3 on multiple hits). The target
type sets the Pk: an interceptor type's ``single_shot_pk_by_threat_kind`` gives its Pk
against particular threat kinds (the flyout draws each kill with the Pk against the kind of
the threat the round closed on; the battle manager predicts it for the kind the picture
shows), ``single_shot_pk`` the others; the lethal radius is the type's.
"""

from __future__ import annotations

import numpy as np

LETHALITY_MODELS = ("cookie_cutter", "carleton")
COOKIE_CUTTER, CARLETON = 0, 1


def kill_probability(miss_distance_m: np.ndarray, lethal_radius_m: np.ndarray,
                     single_shot_pk: np.ndarray, model: np.ndarray | int = COOKIE_CUTTER
                     ) -> np.ndarray:
    """Probability of kill of each round given its miss distance (m); all arrays broadcast.

    ``model`` is :data:`COOKIE_CUTTER` (0) or :data:`CARLETON` (1), per round or one for
    all. NaN or infinite miss distances give 0. Inputs are not modified.
    """
    miss = np.asarray(miss_distance_m, dtype=float)
    radius = np.asarray(lethal_radius_m, dtype=float)
    cookie = np.where(miss <= radius, single_shot_pk, 0.0)
    carleton = np.asarray(model) == CARLETON
    if not carleton.any() and np.broadcast_shapes(carleton.shape, cookie.shape) == cookie.shape:
        # Every round cookie-cutter (the common case): the same values as the selection
        # below, without the Carleton terms.
        return cookie.astype(np.float64, copy=False)
    with np.errstate(invalid="ignore", over="ignore"):
        graded = np.nan_to_num(single_shot_pk * np.exp(-(miss / radius) ** 2), nan=0.0)
    return np.where(carleton, graded, cookie)


def draw_kills(miss_distance_m: np.ndarray, lethal_radius_m: np.ndarray,
               single_shot_pk: np.ndarray, rng: np.random.Generator,
               model: np.ndarray | int = COOKIE_CUTTER) -> np.ndarray:
    """Boolean kill outcome of each round; one uniform draw per round, always."""
    draws = rng.random(np.shape(miss_distance_m))
    return draws < kill_probability(miss_distance_m, lethal_radius_m, single_shot_pk, model)


def burst_kill_probability(shell_miss_m: np.ndarray, lethal_radius_m: float,
                           single_shot_pk: float, model: int = COOKIE_CUTTER) -> float:
    """Kill probability of one burst whose shells pass at ``shell_miss_m`` (m, (n_shells,))."""
    shell = kill_probability(shell_miss_m, lethal_radius_m, single_shot_pk, model)
    return float(1.0 - np.prod(1.0 - shell))


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
