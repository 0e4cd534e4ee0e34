"""Lethality models against the closed forms of the weaponeering literature.

Against a circular normal miss distribution of sigma per axis:

- cookie cutter of radius R and reliability P0: ``P0 (1 - exp(-R^2 / (2 sigma^2)))``
  (Ball, The Fundamentals of Aircraft Combat Survivability Analysis and Design, 2nd ed.
  (2003), sec. 5.3; Driels, Weaponeering, 2nd ed. (2013), ch. 11);
- Carleton damage function ``P0 exp(-r^2 / R^2)``: ``P0 R^2 / (R^2 + 2 sigma^2)``
  (Driels, Weaponeering, 2nd ed., ch. 11, the Carleton function with a circular normal
  delivery error), and its lethal area ``pi R^2 P0``, equal to the cookie cutter's.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from iadsim.effectors.lethality import CARLETON, COOKIE_CUTTER, kill_probability

SAMPLES = 400_000


def circular_normal_miss(sigma_m: float, seed: int) -> np.ndarray:
    offsets = np.random.default_rng(seed).normal(0.0, sigma_m, (SAMPLES, 2))
    return np.hypot(offsets[:, 0], offsets[:, 1])


@pytest.mark.parametrize("radius_m, sigma_m", [(5.0, 3.0), (10.0, 12.0), (2.5, 8.0)])
def test_mean_pk_against_a_circular_normal_miss_matches_the_closed_forms(radius_m, sigma_m):
    """Monte Carlo of 400,000 misses; tolerance 5 standard errors (about 0.004)."""
    miss = circular_normal_miss(sigma_m, seed=int(radius_m * 100 + sigma_m))
    cookie = kill_probability(miss, radius_m, 0.9, COOKIE_CUTTER).mean()
    carleton = kill_probability(miss, radius_m, 0.9, CARLETON).mean()
    tolerance = 5.0 * 0.5 / np.sqrt(SAMPLES)
    assert cookie == pytest.approx(0.9 * (1.0 - np.exp(-radius_m**2 / (2 * sigma_m**2))),
                                   abs=tolerance)
    assert carleton == pytest.approx(0.9 * radius_m**2 / (radius_m**2 + 2 * sigma_m**2),
                                     abs=tolerance)


def test_carleton_and_cookie_cutter_have_the_same_lethal_area():
    """Integral of Pk over the miss plane, quadrature to rtol 1e-6."""
    radius_m, pk = 4.0, 0.7
    area, _ = integrate.quad(
        lambda r: 2 * np.pi * r * float(kill_probability(r, radius_m, pk, CARLETON)),
        0.0, 20 * radius_m)
    assert area == pytest.approx(np.pi * radius_m**2 * pk, rel=1e-6)
