"""The standard atmosphere against its published table and a peer library."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.world.atmosphere import density_at, speed_of_sound_at, standard_atmosphere

# U.S. Standard Atmosphere, 1976 (NOAA-S/T 76-1562), table I, geometric altitude:
# (altitude m, temperature K, pressure Pa, density kg/m^3).
TABLE_1976 = [
    (0.0, 288.150, 101_325.0, 1.2250),
    (11_000.0, 216.774, 22_699.9, 0.36480),
    (20_000.0, 216.650, 5_529.3, 0.088910),
    (32_000.0, 228.490, 889.06, 0.013555),
    (50_000.0, 270.650, 79.779, 1.0269e-3),
    (80_000.0, 198.639, 1.0524, 1.8458e-5),
]


def test_matches_the_1976_table():
    """U.S. Standard Atmosphere 1976, table I; rtol 2e-4 (the table's printed digits)."""
    altitude, temperature, pressure, density = (np.array(c) for c in zip(*TABLE_1976,
                                                                         strict=True))
    got_t, got_p, got_rho, _ = standard_atmosphere(altitude)
    np.testing.assert_allclose(got_t, temperature, rtol=2e-5)
    np.testing.assert_allclose(got_p, pressure, rtol=2e-4)
    np.testing.assert_allclose(got_rho, density, rtol=2e-4)


def test_matches_ambiance_to_80_km():
    """ambiance (ICAO standard atmosphere 1993, equal to the 1976 standard below 80 km);
    rtol 2e-5 (ambiance rounds its base pressures differently)."""
    ambiance = pytest.importorskip("ambiance")
    altitude = np.linspace(-2_000.0, 80_000.0, 411)
    reference = ambiance.Atmosphere(altitude)
    temperature, pressure, density, sound = standard_atmosphere(altitude)
    np.testing.assert_allclose(temperature, reference.temperature, rtol=1e-9)
    np.testing.assert_allclose(pressure, reference.pressure, rtol=2e-5)
    np.testing.assert_allclose(density, reference.density, rtol=2e-5)
    np.testing.assert_allclose(sound, reference.speed_of_sound, rtol=2e-5)


def test_scalar_kernels_agree_with_the_array_function():
    altitude = np.array([-500.0, 0.0, 9_000.0, 30_000.0, 100_000.0])
    _, _, density, sound = standard_atmosphere(altitude)
    np.testing.assert_array_equal([density_at(h) for h in altitude], density)
    np.testing.assert_array_equal([speed_of_sound_at(h) for h in altitude], sound)


def test_density_falls_monotonically_and_stays_positive_above_86_km():
    altitude = np.linspace(0.0, 200_000.0, 2_001)
    density = standard_atmosphere(altitude)[2]
    assert np.all(np.diff(density) < 0)
    assert density[-1] > 0 and density[altitude >= 86_000.0].max() < 7e-6


def test_nan_altitude_is_refused_and_input_unchanged():
    altitude = np.array([1_000.0, 2_000.0])
    before = altitude.copy()
    standard_atmosphere(altitude)
    np.testing.assert_array_equal(altitude, before)
    with pytest.raises(ValueError, match="altitude_m"):
        standard_atmosphere(np.array([np.nan]))
