"""Surface clutter and noise jamming against their published closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.sensors.clutter import (
    clutter_cell_area_m2,
    clutter_rcs_m2,
    clutter_to_noise,
    effective_sinr_db,
    grazing_angle_rad,
    signal_to_clutter_db,
    surface_gamma_db,
)
from iadsim.sensors.jamming import (
    burn_through_range_m,
    detection_range_under_jamming_m,
    jammer_constant,
    jammer_to_noise_db,
    self_screening_jammer_to_signal_db,
)
from iadsim.sensors.radar_equation import max_range_m, snr_db
from iadsim.world.earth import effective_earth_radius_m


def test_grazing_angle_matches_the_spherical_triangle():
    """Grazing angle over the 4/3 earth, against the geometry solved independently: the
    surface point at slant range R found on the sphere by bisection, the angle between the
    line of sight and the local tangent there. Closed form (Barton, Radar Equations for
    Modern Radar, 2013, sec. 9.1; small-height form h/R - R/2a_e); rtol 1e-9."""
    radius = effective_earth_radius_m()
    height = 150.0
    antenna = np.array([0.0, radius + height])
    for range_m in (500.0, 5e3, 20e3, 45e3):
        low, high = 0.0, range_m / radius * 2
        for _ in range(200):  # central angle of the point at slant range R
            mid = 0.5 * (low + high)
            point = radius * np.array([np.sin(mid), np.cos(mid)])
            if np.linalg.norm(point - antenna) < range_m:
                low = mid
            else:
                high = mid
        point = radius * np.array([np.sin(low), np.cos(low)])
        line = (antenna - point) / np.linalg.norm(antenna - point)
        expected = np.arcsin(line @ (point / radius))  # above the local horizontal
        assert grazing_angle_rad(height, range_m) == pytest.approx(expected, rel=1e-9)
    small = grazing_angle_rad(height, 5e3)
    assert np.sin(small) == pytest.approx(height / 5e3 - 5e3 / (2 * radius), rel=1e-3)
    assert np.isnan(grazing_angle_rad(height, 60e3))  # beyond the horizon: shadowed


def test_clutter_rcs_is_gamma_tan_psi_r_theta_delta_r():
    """sigma_c = sigma0 A with sigma0 = gamma sin(psi) (constant gamma: Long, Radar
    Reflectivity of Land and Sea, 3rd ed., 2001; Richards, Fundamentals of Radar Signal
    Processing, 2nd ed., 2014, eq. 2.64) and the pulse-limited cell A = R theta_az dR
    sec(psi) (Skolnik, Introduction to Radar Systems, 3rd ed., 2001, eq. 7.5); rtol 1e-12,
    and a hand-worked case (farmland, 10 km from a 100 m mast, 1.5 deg, 150 m) to 1e-3."""
    range_m, beam, cell, gamma_db = 10e3, np.deg2rad(1.5), 150.0, -15.0
    psi = grazing_angle_rad(100.0, range_m)
    expected = 10 ** (gamma_db / 10) * np.tan(psi) * range_m * beam * cell
    assert clutter_rcs_m2(range_m, 100.0, gamma_db, beam, cell) == pytest.approx(
        expected, rel=1e-12)
    assert clutter_cell_area_m2(range_m, beam, cell, psi) == pytest.approx(
        range_m * beam * cell / np.cos(psi), rel=1e-12)
    # Worked numbers: psi = 100/1e4 - 1e4/(2 x 8,494,678) + 1e4/(2 x 8,494,678 x 1e4) ~ 9.412
    # mrad; A = 1e4 x 0.02618 x 150 = 39,270 m^2; sigma_c = 0.03162 x 0.009412 x A = 11.69 m^2.
    assert psi == pytest.approx(9.4120e-3, rel=1e-4)
    assert float(clutter_rcs_m2(range_m, 100.0, gamma_db, beam, cell)) == pytest.approx(
        11.69, rel=1e-3)
    # SCR of a 1 m^2 target, then with a 25 dB MTI improvement.
    scr = signal_to_clutter_db(1.0, range_m, 100.0, gamma_db, beam, cell)
    assert scr == pytest.approx(-10 * np.log10(11.69), abs=5e-3)
    assert signal_to_clutter_db(1.0, range_m, 100.0, gamma_db, beam, cell, 25.0) == (
        pytest.approx(scr + 25.0))


def test_gamma_table_and_frequency_scaling():
    """gamma at 10 GHz as tabulated for the constant-gamma model (sea state 3 -40 dB, sea
    state 5 -30 dB, rugged mountains -5 dB: Long 2001; flatland -20 dB, farmland -15 dB,
    wooded hills -10 dB: Nathanson, Radar Design Principles, 2nd ed., 1999), scaled as
    gamma + 5 log10(f / 10 GHz) (Barton, Proc. IEEE 73(2), 1985); exact."""
    assert surface_gamma_db("sea", sea_state=3) == -40.0
    assert surface_gamma_db("sea", sea_state=5) == -30.0
    assert surface_gamma_db("land", "rugged_mountain") == -5.0
    assert surface_gamma_db("land", "flatland") == -20.0
    assert surface_gamma_db("land", "wooded_hill") == -10.0
    assert surface_gamma_db("land", "farmland", frequency_hz=1e9) == pytest.approx(-20.0)
    assert surface_gamma_db("none") == -np.inf
    with pytest.raises(ValueError, match="sea_state"):
        surface_gamma_db("sea", sea_state=9)
    with pytest.raises(ValueError, match="land_type"):
        surface_gamma_db("land", "swamp")


def test_effective_sinr_combines_noise_clutter_and_jamming():
    """SINR = 1 / (1/SNR + 1/SCR), with J/N added to the noise (Skolnik 2001 sec. 3.6);
    exact."""
    assert effective_sinr_db(10.0, 10.0) == pytest.approx(10 - 10 * np.log10(2))
    assert effective_sinr_db(20.0) == pytest.approx(20.0)
    assert effective_sinr_db(20.0, jnr_db=0.0) == pytest.approx(20 - 10 * np.log10(2))


def test_hot_path_clutter_to_noise_matches_the_public_functions():
    """The kernel's C/N is K sigma_c pattern / R^4 with sigma_c from clutter_rcs_m2: a
    target on the surface (pattern 1 up to the depression/elevation difference)."""
    radius = effective_earth_radius_m()
    constant = 1e20
    beam, cell, gamma_db, height, range_m = np.deg2rad(2.0), 100.0, -20.0, 50.0, 8e3
    depression = np.arcsin((2 * radius * height + height**2 + range_m**2)
                           / (2 * (radius + height) * range_m))
    cnr = clutter_to_noise(constant, range_m, -depression, height,
                           10 ** (gamma_db / 10) * beam * cell, np.deg2rad(2.0), 1e-6, radius)
    expected = constant * clutter_rcs_m2(range_m, height, gamma_db, beam, cell) / range_m**4
    assert cnr == pytest.approx(float(expected), rel=1e-9)


def test_self_screening_j_over_s_is_adamys_71_db_formula():
    """J/S = 71 + ERP_J - ERP_S + 20 log R_km - 10 log sigma (D. Adamy, EW 101, 2001,
    ch. 9; ERPs in dBm); the 71 is 10 log10(4 pi) + 60 = 70.99, so tolerance 0.01 dB."""
    for erp_j_w, erp_s_w, range_km, rcs in ((100.0, 1e9, 30.0, 5.0), (10.0, 1e8, 80.0, 1.0),
                                            (1e3, 1e11, 10.0, 0.1)):
        adamy = (71 + 10 * np.log10(erp_j_w * 1e3) - 10 * np.log10(erp_s_w * 1e3)
                 + 20 * np.log10(range_km) - 10 * np.log10(rcs))
        ours = self_screening_jammer_to_signal_db(range_km * 1e3, rcs, erp_j_w, erp_s_w,
                                                  1e6, 1e6)
        assert ours == pytest.approx(adamy, abs=0.01)


def test_burn_through_range_is_where_s_over_j_reaches_the_requirement():
    """R_bt = sqrt(ERP_r sigma B_j / (4 pi ERP_j B_r L (S/J)_req)) (Adamy 2001 ch. 9;
    Skolnik 2001 ch. 10): at R_bt the J/S equation gives exactly -(S/J)_req; rtol 1e-12."""
    erp_r, erp_j, rcs, jam_bw, rx_bw, required = 1e9, 50.0, 2.0, 20e6, 1e6, 13.0
    range_m = burn_through_range_m(required, rcs, erp_r, erp_j, jam_bw, rx_bw, loss_db=3.0)
    assert self_screening_jammer_to_signal_db(range_m, rcs, erp_j, erp_r, jam_bw, rx_bw,
                                              loss_db=3.0) == pytest.approx(-required)
    # A hand-worked case (no loss, equal bandwidths): 1e9 x 1 / (4 pi x 100 x 20) = 3.98e4 m^2.
    assert burn_through_range_m(13.0, 1.0, 1e9, 100.0, 1e6, 1e6) == pytest.approx(
        np.sqrt(1e9 / (4 * np.pi * 100 * 10**1.3)), rel=1e-12)
    with pytest.raises(ValueError, match="jammer_erp_w"):
        burn_through_range_m(13.0, 1.0, 1e9, -1.0, 1e6, 1e6)


def test_detection_range_under_jamming_tends_to_both_closed_forms():
    """With noise included the self-screening detection range equals the radar equation's
    range without jamming and the burn-through range when the jamming dominates; rtol 1e-6
    and 1e-3. The radar's J/N and its K come from the same physical parameters."""
    peak, width, frequency, gain, temperature, rcs = 1e6, 1e-6, 3e9, 35.0, 500.0, 2.0
    required = 13.0
    constant = 10 ** (snr_db(1.0, 1.0, peak, width, frequency, gain, gain,
                             temperature) / 10)
    clear = detection_range_under_jamming_m(required, rcs, constant, 0.0)
    assert clear == pytest.approx(float(max_range_m(required, rcs, peak, width, frequency,
                                                    gain, gain, temperature)), rel=1e-6)
    erp_j, jam_bw = 1e3, 1e6  # equal to the 1/tau receiver: J/N huge at any range here
    jnr_one = jammer_constant(gain, frequency, temperature) * erp_j / jam_bw
    jammed = detection_range_under_jamming_m(required, rcs, constant, jnr_one)
    classic = burn_through_range_m(required, rcs, peak * 10 ** (gain / 10), erp_j, jam_bw,
                                   1 / width)
    assert jammed == pytest.approx(float(classic), rel=1e-3)
    # And the J/N there: J1 / R^2.
    assert jammer_to_noise_db(erp_j, jam_bw, jammed, gain, frequency, 1 / width,
                              temperature) == pytest.approx(10 * np.log10(jnr_one / jammed**2))
