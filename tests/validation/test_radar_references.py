"""Radar models against their published references: the smooth-earth radar horizon, the
Swerling 1 detection probability, and the monostatic radar equation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, optimize, stats

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


def test_horizon_rule_holds_on_arrays():
    """Skolnik (2001) eq. 8.4 over a grid of heights up to 5 km, broadcast in one call;
    rtol 5e-3 (at 5 km the dropped h^2 term is 1.5e-4 of the range)."""
    antenna = np.array([[2.0], [30.0], [300.0]])
    target = np.array([1.0, 50.0, 500.0, 5_000.0])
    expected = 4_120.0 * (np.sqrt(antenna) + np.sqrt(target))
    got = radar_horizon_m(antenna, target)
    assert got.shape == (3, 4)
    np.testing.assert_allclose(got, expected, rtol=5e-3)


@pytest.mark.parametrize("k", [1.0, 4.0 / 3.0, 1.6])
@pytest.mark.parametrize(("antenna_m", "target_m"),
                         [(5.0, 10.0), (25.0, 3_000.0), (100.0, 20_000.0), (0.0, 1_000.0)])
def test_horizon_line_grazes_the_effective_earth(k, antenna_m, target_m):
    """The horizon range is the length of the straight line from antenna to target that is
    tangent to the effective sphere of radius k a (Skolnik 2001, sec. 8.2). Independent
    plane-geometry check: place antenna and target on circles of radius k a + h at the
    returned distance d; the line's distance from the earth's centre is k a. atol 1e-3 m."""
    radius = effective_earth_radius_m(k)
    d = float(radar_horizon_m(antenna_m, target_m, k))
    r_a, r_t = radius + antenna_m, radius + target_m
    one_minus_cos = (d * d - (r_a - r_t) ** 2) / (2.0 * r_a * r_t)  # law of cosines
    sin_angle = np.sqrt(one_minus_cos * (2.0 - one_minus_cos))
    line_to_centre = r_a * r_t * sin_angle / d  # |A x B| / |AB|
    assert line_to_centre == pytest.approx(radius, abs=1e-3)


def test_effective_earth_radius_is_four_thirds_of_the_mean_radius():
    """Skolnik (2001) sec. 8.2: k a = 4/3 x 6,371 km ~ 8,495 km; exact to 1 m."""
    assert effective_earth_radius_m() == pytest.approx(4 / 3 * EARTH_RADIUS_M, abs=1.0)
    assert effective_earth_radius_m() == pytest.approx(8_494_678.0, abs=1_000.0)


def swerling0_pd(snr: float, pfa: float) -> float:
    """Single-pulse square-law detection of a steady target: Marcum Q as a noncentral
    chi-square survival function with 2 degrees of freedom (Richards 2014, eq. 6.50)."""
    return float(stats.ncx2.sf(-2.0 * np.log(pfa), df=2, nc=2.0 * snr))


def swerling0_averaged_over_exponential_snr(snr: float, pfa: float) -> float:
    """Pd_sw1(snr) = int_0^inf Pd_sw0(snr x) e^-x dx, by scipy.integrate.quad."""
    averaged, _ = integrate.quad(lambda x: swerling0_pd(snr * x, pfa) * np.exp(-x), 0, np.inf,
                                 epsabs=1e-13, epsrel=1e-11, limit=200)
    return averaged


@pytest.mark.parametrize("pfa", [1e-4, 1e-6, 1e-8])
@pytest.mark.parametrize("snr_db", [0.0, 6.0, 13.0, 20.0])
def test_swerling1_pd_equals_swerling0_averaged_over_exponential_rcs(pfa, snr_db):
    """Swerling 1 is a Swerling 0 target whose SNR is exponentially distributed from scan
    to scan; averaging SciPy's Marcum Q over that distribution must give the closed form
    Pd = Pfa^(1/(1+SNR)) (Richards, Fundamentals of Radar Signal Processing, 2nd ed.,
    eq. 6.62). Numerical integration with scipy.integrate.quad; rtol 1e-6."""
    snr = 10 ** (snr_db / 10)
    averaged = swerling0_averaged_over_exponential_snr(snr, pfa)
    assert float(swerling1_pd(snr, pfa)) == pytest.approx(averaged, rel=1e-6)


def test_swerling1_pd_on_an_array_matches_the_peer_integral_and_the_closed_form():
    """One vectorised call over SNRs from -10 dB to 25 dB (Pfa 1e-6): each value equals the
    exponential average of Marcum Q (rtol 1e-6) and Richards (2014) eq. 6.62 written as
    exp(ln Pfa / (1 + SNR)) (rtol 1e-12); shape kept; Pd -> Pfa as SNR -> 0."""
    snr = 10 ** (np.linspace(-10.0, 25.0, 8) / 10).reshape(2, 4)
    got = swerling1_pd(snr, 1e-6)
    assert got.shape == (2, 4)
    np.testing.assert_allclose(got, np.exp(np.log(1e-6) / (1.0 + snr)), rtol=1e-12)
    peer = np.vectorize(swerling0_averaged_over_exponential_snr)(snr, 1e-6)
    np.testing.assert_allclose(got, peer, rtol=1e-6)
    assert float(swerling1_pd(0.0, 1e-6)) == pytest.approx(1e-6, rel=1e-12)


def test_required_snr_is_the_exact_inverse_of_pd():
    """Inverse of Richards eq. 6.62: SNR = ln Pfa / ln Pd - 1; round trip to 1e-12."""
    for pd in (0.1, 0.5, 0.9, 0.99):
        snr = swerling1_required_snr(pd, 1e-6)
        assert float(swerling1_pd(snr, 1e-6)) == pytest.approx(pd, abs=1e-12)
    # Pd 0.5 at Pfa 1e-6 needs ln(1e-6)/ln(0.5) - 1 = 18.93 (12.77 dB).
    assert 10 * np.log10(swerling1_required_snr(0.5, 1e-6)) == pytest.approx(12.77, abs=0.01)


@pytest.mark.parametrize(("pd", "pfa"), [(0.5, 1e-6), (0.99, 1e-8)])
def test_required_snr_inverts_the_peer_integral(pd, pfa):
    """The SNR at which the exponential average of Marcum Q (the peer Swerling 1 Pd,
    Richards 2014 eq. 6.50 averaged over an exponential RCS) reaches ``pd``, found with
    scipy.optimize.brentq, equals swerling1_required_snr; rtol 1e-8."""
    peer = optimize.brentq(lambda s: swerling0_averaged_over_exponential_snr(s, pfa) - pd,
                           1e-3, 1e5, xtol=1e-12, rtol=1e-13)
    assert swerling1_required_snr(pd, pfa) == pytest.approx(peer, rel=1e-8)


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


def test_radar_equation_second_hand_example_in_decibels():
    """Monostatic radar equation (Skolnik 2001 eq. 2.1), a second budget added up term by
    term in decibels, independently of the code: Pt 250 kW, tau 20 us, Gt 38 dB, Gr 36 dB,
    10 GHz (lambda 2.998 cm), sigma 0.1 m^2, R 60 km, T 500 K, L 6 dB, 1 pulse.
    rtol 1e-9 on the linear SNR."""
    terms_db = [
        10 * np.log10(250e3),                       # Pt
        10 * np.log10(20e-6),                       # tau (noise bandwidth 1/tau)
        38.0 + 36.0,                                # Gt Gr
        20 * np.log10(299_792_458.0 / 10e9),        # lambda^2
        10 * np.log10(0.1),                         # sigma
        -30 * np.log10(4 * np.pi),                  # (4 pi)^3
        -10 * np.log10(1.380649e-23 * 500.0),       # k T
        -40 * np.log10(60e3),                       # R^4
        -6.0,                                       # L
    ]
    expected = 10 ** (sum(terms_db) / 10)
    got = radar_equation_snr(60e3, 0.1, 250e3, 20e-6, 10e9, 38.0, 36.0, 500.0, 6.0, 1)
    assert float(got) == pytest.approx(expected, rel=1e-9)


def test_reference_scaling_is_r_minus_four_and_linear_in_rcs():
    """The radar equation with all but R and sigma fixed: SNR ~ sigma / R^4 (exact)."""
    assert float(snr_from_reference(200e3, 4.0, 20.0, 200e3, 4.0)) == pytest.approx(20.0)
    assert float(snr_from_reference(100e3, 4.0, 20.0, 200e3, 4.0)) == pytest.approx(320.0)
    assert float(snr_from_reference(200e3, 1.0, 20.0, 200e3, 4.0)) == pytest.approx(5.0)


def test_reference_scaling_agrees_with_the_full_radar_equation():
    """Skolnik (2001) eq. 2.1: anchoring snr_from_reference on the full equation at one
    (R0, sigma0) reproduces the full equation at every other (R, sigma); exactly ref_snr at
    the reference point; doubling R divides by 16; rtol 1e-12."""
    rng = np.random.default_rng(20261125)
    budget = dict(peak_power_w=2e6, pulse_width_s=5e-6, frequency_hz=1.3e9, gain_tx_db=35.0,
                  gain_rx_db=34.0, system_temperature_k=450.0, loss_db=4.5,
                  pulses_integrated=4)
    ref_range, ref_rcs = 150e3, 2.0
    ref_snr = float(radar_equation_snr(ref_range, ref_rcs, **budget))
    assert float(snr_from_reference(ref_range, ref_rcs, ref_snr, ref_range, ref_rcs)) == ref_snr
    range_m = rng.uniform(1e3, 500e3, 200)
    rcs_m2 = 10 ** rng.uniform(-3, 2, 200)
    np.testing.assert_allclose(snr_from_reference(range_m, rcs_m2, ref_snr, ref_range, ref_rcs),
                               radar_equation_snr(range_m, rcs_m2, **budget), rtol=1e-12)
    np.testing.assert_allclose(
        snr_from_reference(2 * range_m, rcs_m2, ref_snr, ref_range, ref_rcs) * 16,
        snr_from_reference(range_m, rcs_m2, ref_snr, ref_range, ref_rcs), rtol=1e-12)


@pytest.mark.parametrize("elevation_deg", [0.0, 0.5, 2.0, 10.0])
@pytest.mark.parametrize("slant_km", [20.0, 100.0, 250.0])
def test_slant_range_obeys_blakes_four_thirds_height_formula(elevation_deg, slant_km):
    """Blake, Radar Range-Performance Analysis (1980), ch. 5: on the 4/3 earth,
    h = h_a + r sin(el) + r^2 cos^2(el) / (2 k a) to second order in r / (k a). The height
    error of the returned range must stay under the dropped higher-order terms,
    r^3 |sin el| / (2 (k a)^2) + r^4 / (4 (k a)^3), plus 1 cm."""
    from iadsim.world.earth import slant_range_m

    elevation = np.deg2rad(elevation_deg)
    radius = effective_earth_radius_m()
    r = slant_km * 1e3
    height = 20.0 + r * np.sin(elevation) + r * r * np.cos(elevation) ** 2 / (2 * radius)
    got = float(slant_range_m(20.0, height, elevation))
    slope = np.sin(elevation) + r * np.cos(elevation) ** 2 / radius  # dh/dr
    bound = r**3 * abs(np.sin(elevation)) / (2 * radius**2) + r**4 / (4 * radius**3) + 0.01
    assert abs(got - r) * slope <= bound


@pytest.mark.parametrize(("antenna_m", "target_m"), [(25.0, 3_000.0), (5.0, 100.0)])
def test_grazing_ray_reaches_the_target_at_the_radar_horizon(antenna_m, target_m):
    """Skolnik (2001) sec. 8.2: the ray tangent to the effective earth (elevation
    -acos(k a / (k a + h_a))) reaches h_t exactly at the horizon range; and the ground range
    is shorter than the slant range but close to it at low elevation. rtol 1e-9 and 1e-2."""
    from iadsim.world.earth import ground_range_m, slant_range_m

    radius = effective_earth_radius_m()
    elevation = -np.arccos(radius / (radius + antenna_m))
    slant = float(slant_range_m(antenna_m, target_m, elevation))
    assert slant == pytest.approx(float(radar_horizon_m(antenna_m, target_m)), rel=1e-9)
    ground = float(ground_range_m(antenna_m, target_m, elevation))
    assert slant * 0.99 < ground < slant
