"""Radar models against their published references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from iadsim.sensors.detection import (
    BOLTZMANN_J_PER_K,
    radar_equation_snr,
    snr_from_reference,
    swerling1_pd,
    swerling1_required_snr,
)
from iadsim.world.earth import EARTH_RADIUS_M, effective_earth_radius_m, radar_horizon_m


@pytest.mark.parametrize("antenna_m", [5.0, 25.0, 100.0])
@pytest.mark.parametrize("target_m", [10.0, 100.0, 1_000.0, 3_000.0])
def test_horizon_matches_skolnik_four_thirds_earth_rule(antenna_m, target_m):
    """Skolnik, Introduction to Radar Systems, 3rd ed. (2001), eq. 8.4: with the 4/3-earth
    model, d_km = 4.12 (sqrt(h_a m) + sqrt(h_t m)). rtol 5e-3 (the rule rounds 4.1226 and
    drops h^2 terms)."""
    expected_m = 4_120.0 * (np.sqrt(antenna_m) + np.sqrt(target_m))
    assert radar_horizon_m(antenna_m, target_m) == pytest.approx(expected_m, rel=5e-3)


def test_effective_earth_radius_is_four_thirds_of_the_mean_radius():
    """Skolnik (2001) sec. 8.2: k a = 4/3 x 6,371 km ~ 8,495 km; exact to 1 m."""
    assert effective_earth_radius_m() == pytest.approx(4 / 3 * EARTH_RADIUS_M, abs=1.0)
    assert effective_earth_radius_m() == pytest.approx(8_494_678.0, abs=1_000.0)


def swerling0_pd(snr: float, pfa: float) -> float:
    """Single-pulse square-law detection of a steady target: Marcum Q as a noncentral
    chi-square survival function with 2 degrees of freedom (Richards 2014, eq. 6.50)."""
    return float(stats.ncx2.sf(-2.0 * np.log(pfa), df=2, nc=2.0 * snr))


@pytest.mark.parametrize("pfa", [1e-4, 1e-6, 1e-8])
@pytest.mark.parametrize("snr_db", [0.0, 6.0, 13.0, 20.0])
def test_swerling1_pd_equals_swerling0_averaged_over_exponential_rcs(pfa, snr_db):
    """Swerling 1 is a Swerling 0 target whose SNR is exponentially distributed from scan
    to scan; averaging SciPy's Marcum Q over that distribution must give the closed form
    Pd = Pfa^(1/(1+SNR)) (Richards, Fundamentals of Radar Signal Processing, 2nd ed.,
    eq. 6.62). Numerical integration with scipy.integrate.quad; rtol 1e-6."""
    snr = 10 ** (snr_db / 10)
    averaged, _ = integrate.quad(lambda x: swerling0_pd(snr * x, pfa) * np.exp(-x), 0, np.inf,
                                 epsabs=1e-12, epsrel=1e-10, limit=200)
    assert float(swerling1_pd(snr, pfa)) == pytest.approx(averaged, rel=1e-6)


def test_required_snr_is_the_exact_inverse_of_pd():
    """Inverse of Richards eq. 6.62: SNR = ln Pfa / ln Pd - 1; round trip to 1e-12."""
    for pd in (0.1, 0.5, 0.9, 0.99):
        snr = swerling1_required_snr(pd, 1e-6)
        assert float(swerling1_pd(snr, 1e-6)) == pytest.approx(pd, abs=1e-12)
    # Pd 0.5 at Pfa 1e-6 needs ln(1e-6)/ln(0.5) - 1 = 18.93 (12.77 dB).
    assert 10 * np.log10(swerling1_required_snr(0.5, 1e-6)) == pytest.approx(12.77, abs=0.01)


def test_radar_equation_matches_a_hand_computation():
    """Monostatic radar equation (Skolnik 2001 eq. 2.1; Richards 2014 eq. 2.30), computed
    independently: Pt 1 MW, tau 1 us, G 40 dB each way, 3 GHz, sigma 1 m^2, R 100 km,
    T 290 K, L 3 dB, 10 pulses coherently integrated. rtol 1e-12."""
    wavelength = 299_792_458.0 / 3e9
    numerator = 1e6 * 1e-6 * 1e4 * 1e4 * wavelength**2 * 1.0 * 10
    denominator = (4 * np.pi) ** 3 * BOLTZMANN_J_PER_K * 290.0 * (100e3) ** 4 * 10 ** 0.3
    expected = numerator / denominator
    got = radar_equation_snr(100e3, 1.0, 1e6, 1e-6, 3e9, 40.0, 40.0, 290.0, 3.0, 10)
    assert float(got) == pytest.approx(expected, rel=1e-12)
    # The same budget in decibels: 60 (Pt) - 60 (tau) + 80 (G^2) - 20.01 (lambda^2) + 10 (n)
    # - 32.98 ((4 pi)^3) + 203.98 (1/kT) - 200 (R^4) - 3 (L) = 37.99 dB.
    assert 10 * np.log10(float(got)) == pytest.approx(37.99, abs=0.01)


def test_reference_scaling_is_r_minus_four_and_linear_in_rcs():
    """The radar equation with all but R and sigma fixed: SNR ~ sigma / R^4 (exact)."""
    assert float(snr_from_reference(200e3, 4.0, 20.0, 200e3, 4.0)) == pytest.approx(20.0)
    assert float(snr_from_reference(100e3, 4.0, 20.0, 200e3, 4.0)) == pytest.approx(320.0)
    assert float(snr_from_reference(200e3, 1.0, 20.0, 200e3, 4.0)) == pytest.approx(5.0)
