"""Laser propagation and dwell time against their published forms.

Sources: P. W. Kruse, L. D. McGlauchlin, R. B. McQuistan, Elements of Infrared Technology
(Wiley, 1962) and I. I. Kim, B. McArthur, E. Korevaar, Proc. SPIE 4214 (2001) for the
visibility-based extinction ``beta = (3.912 / V) (lambda / 550 nm)^(-q)``; Beer-Lambert
transmission ``exp(-beta R)``; A. E. Siegman, Lasers (1986), ch. 17, for the far-field
spread ``M^2 lambda R / (pi w0)`` of a Gaussian beam and the power through a circular
aperture ``1 - exp(-2 a^2 / w^2)``; jitter added to the spot in quadrature
(P. E. Nielsen, Effects of Directed Energy Weapons, 1994).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.effectors import directed_energy as de


@pytest.mark.parametrize(("visibility_km", "kim", "kruse"), [
    (80.0, 1.6, 1.6), (23.0, 1.3, 1.3), (6.0 + 1e-9, 1.3, 1.3),
    (3.0, 0.16 * 3.0 + 0.34, 0.585 * 3.0 ** (1 / 3)), (0.8, 0.3, 0.585 * 0.8 ** (1 / 3)),
    (0.3, 0.0, 0.585 * 0.3 ** (1 / 3))])
def test_size_distribution_exponent_follows_kim_and_kruse_pieces(visibility_km, kim, kruse):
    """Kim et al. 2001 and Kruse et al. 1962, the piecewise q; rtol 1e-12."""
    assert de.size_distribution_exponent(visibility_km, "kim") == pytest.approx(kim, rel=1e-12)
    assert de.size_distribution_exponent(visibility_km, "kruse") == pytest.approx(kruse,
                                                                               rel=1e-12)


def test_extinction_at_550_nm_is_koschmieder():
    """At 550 nm the coefficient is 3.912 / V (Koschmieder, 2 % contrast); rtol 1e-12."""
    visibility = np.array([0.5, 2.0, 10.0, 23.0, 60.0])
    assert de.extinction_coefficient_per_km(visibility, 0.55) == pytest.approx(
        3.912 / visibility, rel=1e-12)


def test_extinction_at_1070_nm_clear_day_matches_hand_value():
    """V = 23 km, lambda = 1.07 um: beta = 3.912/23 x (1070/550)^-1.3 = 0.07160 /km (hand
    evaluation of the published form); rtol 1e-3. Over 5 km: T = 0.6990."""
    beta = float(de.extinction_coefficient_per_km(23.0, 1.07))
    assert beta == pytest.approx(0.07160, rel=1e-3)
    assert float(de.transmission(5_000.0, beta)) == pytest.approx(math.exp(-5 * beta),
                                                                  rel=1e-12)
    assert float(de.transmission(5_000.0, beta)) == pytest.approx(0.6990, rel=1e-3)


def test_spot_radius_is_diffraction_and_jitter_in_quadrature():
    """w^2 = (M^2 lambda R / (pi w0))^2 + 4 sigma_j^2 R^2; rtol 1e-12."""
    range_m = np.array([500.0, 2_000.0, 5_000.0])
    diffraction = 2.0 * 1.07e-6 * range_m / (math.pi * 0.15)
    assert de.spot_radius_m(range_m, 1.07, 0.3, 2.0, 0.0) == pytest.approx(diffraction,
                                                                          rel=1e-12)
    expected = np.sqrt(diffraction**2 + 4 * (5e-6 * range_m) ** 2)
    assert de.spot_radius_m(range_m, 1.07, 0.3, 2.0, 5e-6) == pytest.approx(expected,
                                                                          rel=1e-12)


def test_dwell_time_matches_the_closed_form():
    """t = F pi a^2 / (P T (1 - exp(-2 a^2 / w^2))); a 50 kW laser, 1.5 kJ/cm^2 over a 5 cm
    spot at 2 km in clear air is 2.72 s (hand evaluation); rtol 1e-9 against the formula,
    1e-2 against the hand value."""
    power, fluence, a = 50e3, 1_500.0, 0.05
    beta = float(de.extinction_coefficient_per_km(23.0, 1.07))
    for range_m in (300.0, 2_000.0, 5_000.0):
        w = math.sqrt((2.0 * 1.07e-6 * range_m / (math.pi * 0.15)) ** 2
                      + 4 * (5e-6 * range_m) ** 2)
        closed = (fluence * 1e4 * math.pi * a**2
                  / (power * math.exp(-beta * range_m / 1e3) * (1 - math.exp(-2 * a**2 / w**2))))
        got = float(de.dwell_time_s(range_m, fluence, power, 1.07, 0.3, 2.0, 5e-6, a, beta))
        assert got == pytest.approx(closed, rel=1e-9)
    assert float(de.dwell_time_s(2_000.0, fluence, power, 1.07, 0.3, 2.0, 5e-6, a, beta)
                 ) == pytest.approx(2.72, rel=1e-2)


def test_small_kill_spot_sees_the_peak_irradiance():
    """For a << w the mean over the kill spot tends to the Gaussian peak 2 P T / (pi w^2)
    (Siegman); rtol 1e-4."""
    got = float(de.spot_irradiance_w_m2(1e3, 1.0, 0.1, 1e-4))
    assert got == pytest.approx(2 * 1e3 / (math.pi * 0.01), rel=1e-4)


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="visibility_km"):
        de.extinction_coefficient_per_km(0.0, 1.07)
    with pytest.raises(ValueError, match="model"):
        de.size_distribution_exponent(10.0, "beer")
    with pytest.raises(ValueError, match="wavelength_um"):
        de.extinction_coefficient_per_km(10.0, -1.0)
