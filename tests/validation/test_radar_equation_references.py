"""The radar equation against the documentation examples of the established commercial
radar toolbox (MathWorks Radar Toolbox: radareqsnr, radareqpow, radareqrng,
radareqsearchsnr) and closed forms. MathWorks uses CODATA 2014 Boltzmann (1.38064852e-23);
the 4e-6 relative difference is 2e-5 dB, inside the stated tolerances."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.sensors.radar_equation import (
    BOLTZMANN_J_PER_K,
    bistatic_snr_db,
    max_range_m,
    required_peak_power_w,
    search_snr_db,
    snr_db,
)


def test_snr_matches_radareqsnr_examples():
    """radareqsnr documentation: 5.5868 dB (1 GHz, 50 km, 1 MW, 0.2 us, 20 dB gains) and
    14.3778 dB (10 GHz, 100 km, 0.5 m^2, 40 dB, 300 K, 3 dB loss); atol 1e-3 dB."""
    assert float(snr_db(50e3, 1.0, 1e6, 0.2e-6, 1e9, 20, 20)) == pytest.approx(5.5868, abs=1e-3)
    assert float(snr_db(100e3, 0.5, 1e6, 1e-6, 10e9, 40, 40, 300, 3)) == pytest.approx(
        14.3778, abs=1e-3)


def test_bistatic_snr_matches_radareqsnr_bistatic_example():
    """radareqsnr documentation: 9.0547 dB (10 GHz, 50 km and 75 km, 1 MW, 1 us, gains 40
    and 20 dB); atol 1e-3 dB."""
    got = float(bistatic_snr_db(50e3, 75e3, 1.0, 1e6, 1e-6, 10e9, 40, 20))
    assert got == pytest.approx(9.0547, abs=1e-3)


def test_required_power_matches_radareqpow_examples():
    """radareqpow documentation: 2.1996e5 W and 2.2809e6 W; rtol 1e-4 (5 digits shown)."""
    assert float(required_peak_power_w(6, 50e3, 1.0, 1e-6, 1e9, 20, 20)) == pytest.approx(
        2.1996e5, rel=1e-4)
    assert float(required_peak_power_w(10, 50e3, 0.5, 1e-6, 10e9, 30, 30, 300, 3)) == (
        pytest.approx(2.2809e6, rel=1e-4))


def test_max_range_matches_radareqrng_examples():
    """radareqrng documentation: 4.1057e4 m and 1.9426e5 m; rtol 1e-4."""
    assert float(max_range_m(6, 1.0, 1e6, 10e-6, 10e9, 20, 20)) == pytest.approx(
        4.1057e4, rel=1e-4)
    assert float(max_range_m(6, 0.1, 1e6, 10e-6, 10e9, 40, 40, 290, 3)) == pytest.approx(
        1.9426e5, rel=1e-4)


def test_max_range_and_power_invert_snr():
    """Closed-form inverses of each other; rtol 1e-12, on arrays."""
    ranges = np.array([10e3, 80e3, 300e3])
    snr = snr_db(ranges, 2.0, 5e5, 2e-6, 3e9, 35, 35, 500, 4)
    np.testing.assert_allclose(max_range_m(snr, 2.0, 5e5, 2e-6, 3e9, 35, 35, 500, 4), ranges,
                               rtol=1e-12)
    np.testing.assert_allclose(required_peak_power_w(snr, ranges, 2.0, 2e-6, 3e9, 35, 35, 500, 4),
                               5e5, rtol=1e-12)


def test_search_snr_matches_the_search_equation_by_hand():
    """Skolnik (2001) eq. 2.59, Pav Ae ts sigma / (4 pi Omega k Ts R^4 L), evaluated by hand
    for Pav Ae = 1e4 W m^2, ts = 2 s, Omega = 1 sr, sigma = 1 m^2, R = 100 km, 290 K, no
    loss: 1e4 * 2 / (4 pi * 1.380649e-23 * 290 * 1e20) = 3.975e3 (36.0 dB); rtol 1e-12."""
    expected = 10 * np.log10(2e4 / (4 * np.pi * BOLTZMANN_J_PER_K * 290 * 1e20))
    assert float(search_snr_db(100e3, 1.0, 1e4, 2.0, 1.0)) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(36.0, abs=0.05)
