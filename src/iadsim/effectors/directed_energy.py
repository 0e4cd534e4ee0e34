"""Directed energy: how long a laser must dwell on a target to kill it.

A high-energy laser kills by heating: it must deliver a kill fluence ``F`` (J/cm^2, the
target's hardness, absorptance included) over a kill spot of radius ``a`` (cm). The
time-averaged spot on the target is a Gaussian of 1/e^2 radius ``w``; the power inside the
kill spot is ``P T (1 - exp(-2 a^2 / w^2))`` (the power in a circular bucket of a Gaussian
beam), so the mean irradiance over the spot and the dwell time are::

    E = P T (1 - exp(-2 a^2 / w^2)) / (pi a^2)        (W/m^2)
    t_dwell = F / E                                     (s, F in J/m^2)

The spot radius adds the far-field diffraction spread of a beam of quality ``M^2`` and
the pointing jitter (1-sigma ``sigma_j`` per axis) in quadrature, the time-averaged
("long-term") spot of a jittered Gaussian::

    w_diffraction = M^2 lambda R / (pi w0),   w0 = aperture / 2 (a beam focused on R)
    w^2 = w_diffraction^2 + 4 sigma_j^2 R^2

The atmosphere takes its share by Beer-Lambert extinction, ``T = exp(-beta R)``, with the
visibility-based extinction coefficient of Kruse and of Kim::

    beta = (3.912 / V) (lambda / 550 nm)^(-q)        (1/km, V in km)

    Kruse (1962): q = 1.6 (V > 50 km), 1.3 (6 < V <= 50), 0.585 V^(1/3) (V <= 6)
    Kim (2001):   q = 1.6 (V > 50 km), 1.3 (6 < V <= 50), 0.16 V + 0.34 (1 < V <= 6),
                  V - 0.5 (0.5 < V <= 1), 0 (V <= 0.5)

3.912 = ln(50) is Koschmieder's 2 % contrast threshold that defines the visibility.

Sources: A. E. Siegman, *Lasers* (University Science Books, 1986), ch. 17 (Gaussian
beam propagation, power through a circular aperture) and the M^2 factor of ISO 11146;
P. E. Nielsen, *Effects of Directed Energy Weapons* (NDU Press, 1994), ch. 2-4 (fluence
to kill, jitter added to the spot in quadrature); P. W. Kruse, L. D. McGlauchlin and
R. B. McQuistan, *Elements of Infrared Technology* (Wiley, 1962); I. I. Kim,
B. McArthur and E. Korevaar, 'Comparison of laser beam propagation at 785 nm and
1550 nm in fog and haze for optical wireless communications', Proc. SPIE 4214 (2001).

Where it stops being valid: no turbulence (a clear-air C_n^2 would widen the spot further
at long range), no thermal blooming (high power in still air), no target motion across
the spot beyond the jitter, no cooling of the target between dwells, aerosol extinction
only (no molecular absorption lines: the 1.07 um band is a window). The kill fluences of
the catalog are notional.
"""

from __future__ import annotations

import numpy as np

#: Koschmieder's constant: ln(1 / 0.02), the 2 % contrast threshold of the visibility.
KOSCHMIEDER = 3.912
REFERENCE_WAVELENGTH_UM = 0.55
EXTINCTION_MODELS = ("kim", "kruse")


def size_distribution_exponent(visibility_km: np.ndarray, model: str = "kim") -> np.ndarray:
    """The exponent ``q`` of the particle size distribution, by visibility (km).

    ``model``: ``"kim"`` (Kim et al. 2001) or ``"kruse"`` (Kruse et al. 1962).
    """
    if model not in EXTINCTION_MODELS:
        raise ValueError(f"model must be one of {EXTINCTION_MODELS}, got {model!r}")
    visibility = np.asarray(visibility_km, dtype=float)
    if np.any(~(visibility > 0)):
        raise ValueError(f"visibility_km must be > 0, got {visibility_km}")
    if model == "kruse":
        return np.select([visibility > 50.0, visibility > 6.0],
                         [1.6, 1.3], default=0.585 * np.cbrt(visibility))
    return np.select([visibility > 50.0, visibility > 6.0, visibility > 1.0, visibility > 0.5],
                     [1.6, 1.3, 0.16 * visibility + 0.34, visibility - 0.5], default=0.0)


def extinction_coefficient_per_km(visibility_km: np.ndarray, wavelength_um: float,
                                  model: str = "kim") -> np.ndarray:
    """Aerosol extinction coefficient ``beta`` (1/km) from the visibility (km) at a
    wavelength (micrometres): ``(3.912 / V) (lambda / 0.55 um)^(-q)``."""
    if not wavelength_um > 0:
        raise ValueError(f"wavelength_um must be > 0, got {wavelength_um}")
    visibility = np.asarray(visibility_km, dtype=float)
    q = size_distribution_exponent(visibility, model)
    return KOSCHMIEDER / visibility * (wavelength_um / REFERENCE_WAVELENGTH_UM) ** (-q)


def transmission(range_m: np.ndarray, extinction_per_km: float) -> np.ndarray:
    """Beer-Lambert transmission ``exp(-beta R)`` over a path of ``range_m`` (m)."""
    return np.exp(-extinction_per_km * np.asarray(range_m, dtype=float) * 1e-3)


def spot_radius_m(range_m: np.ndarray, wavelength_um: float, aperture_m: float,
                  beam_quality: float, jitter_rad: float) -> np.ndarray:
    """Time-averaged 1/e^2 spot radius (m) at ``range_m``: far-field diffraction of a beam
    of quality ``M^2`` focused from a waist of half the aperture, and the pointing jitter
    (1-sigma per axis, rad), in quadrature."""
    range_m = np.asarray(range_m, dtype=float)
    waist_m = 0.5 * aperture_m
    diffraction = beam_quality * wavelength_um * 1e-6 * range_m / (np.pi * waist_m)
    return np.sqrt(diffraction**2 + 4.0 * (jitter_rad * range_m) ** 2)


def spot_irradiance_w_m2(power_w: float, transmitted: np.ndarray, spot_m: np.ndarray,
                         kill_spot_radius_m: float) -> np.ndarray:
    """Mean irradiance (W/m^2) over a kill spot of radius ``kill_spot_radius_m`` centred
    in a Gaussian spot of 1/e^2 radius ``spot_m``, of ``power_w`` x ``transmitted``."""
    area = np.pi * kill_spot_radius_m**2
    bucket = -np.expm1(-2.0 * kill_spot_radius_m**2 / np.maximum(spot_m, 1e-12) ** 2)
    return power_w * np.asarray(transmitted) * bucket / area


def dwell_time_s(range_m: np.ndarray, kill_fluence_j_cm2: np.ndarray, power_w: float,
                 wavelength_um: float, aperture_m: float, beam_quality: float,
                 jitter_rad: float, kill_spot_radius_m: float,
                 extinction_per_km: float) -> np.ndarray:
    """Dwell time (s) to deliver ``kill_fluence_j_cm2`` over the kill spot at ``range_m``
    (arrays broadcast): ``F / E`` with the module's spot and transmission models."""
    irradiance = spot_irradiance_w_m2(
        power_w, transmission(range_m, extinction_per_km),
        spot_radius_m(range_m, wavelength_um, aperture_m, beam_quality, jitter_rad),
        kill_spot_radius_m)
    return np.asarray(kill_fluence_j_cm2, dtype=float) * 1e4 / irradiance
