"""The radar range equation: SNR of a target, and solved for range or for peak power.

Monostatic, matched filter with noise bandwidth ``1 / pulse_width_s``:
``SNR = Pt tau Gt Gr lambda^2 sigma / ((4 pi)^3 k Ts R^4 L)``; bistatic with ``R^4`` replaced
by ``Rt^2 Rr^2``; and the search form, which depends on the power-aperture product only:
``SNR = Pav Ae ts sigma / (4 pi Omega k Ts R^4 L)``.

Sources: M. I. Skolnik, Introduction to Radar Systems, 3rd ed. (2001), eqs. 2.1 and 2.59
(search); M. A. Richards, Fundamentals of Radar Signal Processing, 2nd ed. (2014), eq. 2.30;
N. J. Willis, Bistatic Radar (1991), eq. 4.1. Single pulse (integration is in
:mod:`iadsim.sensors.detection`); free space, no atmospheric or propagation loss beyond
``loss_db``; far field. Every function broadcasts over NumPy arrays; inputs are not
modified; bad arguments raise ``ValueError`` naming the argument.
"""

from __future__ import annotations

import numpy as np

from iadsim.sensors import argument_checks as checks

BOLTZMANN_J_PER_K = 1.380649e-23
SPEED_OF_LIGHT_MPS = 299_792_458.0
FOUR_PI_CUBED = (4.0 * np.pi) ** 3





def _snr_linear(range_tx_m, range_rx_m, rcs_m2, peak_power_w, pulse_width_s, frequency_hz,
                gain_tx_db, gain_rx_db, system_temperature_k, loss_db) -> np.ndarray:
    """Unchecked linear SNR, ``R^4`` as ``range_tx^2 range_rx^2`` (the hot path)."""
    wavelength_m = SPEED_OF_LIGHT_MPS / np.asarray(frequency_hz, dtype=float)
    gains = 10.0 ** ((np.asarray(gain_tx_db) + gain_rx_db - loss_db) / 10.0)
    numerator = (np.asarray(peak_power_w, dtype=float) * pulse_width_s * gains
                 * wavelength_m**2 * rcs_m2)
    range_tx_m = np.asarray(range_tx_m, dtype=float)
    range_rx_m = np.asarray(range_rx_m, dtype=float)
    return numerator / (FOUR_PI_CUBED * BOLTZMANN_J_PER_K * system_temperature_k
                        * range_tx_m**2 * range_rx_m**2)


def _common(rcs_m2, pulse_width_s, frequency_hz, gain_tx_db, gain_rx_db,
            system_temperature_k, loss_db):
    return (checks.positive("rcs_m2", rcs_m2), checks.positive("pulse_width_s", pulse_width_s),
            checks.positive("frequency_hz", frequency_hz), checks.finite("gain_tx_db", gain_tx_db),
            checks.finite("gain_rx_db", gain_rx_db),
            checks.positive("system_temperature_k", system_temperature_k), checks.loss(loss_db))


def snr_db(range_m, rcs_m2, peak_power_w, pulse_width_s, frequency_hz, gain_tx_db,
           gain_rx_db, system_temperature_k=290.0, loss_db=0.0) -> np.ndarray:
    """Single-pulse SNR (dB) of a target at ``range_m`` (m) from a monostatic radar.

    rcs_m2 (m^2), peak_power_w (W), pulse_width_s (s), frequency_hz (Hz), gains and loss
    in dB, system_temperature_k (K). Skolnik (2001) eq. 2.1 with ``B = 1 / tau``.
    """
    range_m = checks.positive("range_m", range_m)
    common = _common(rcs_m2, pulse_width_s, frequency_hz, gain_tx_db, gain_rx_db,
                     system_temperature_k, loss_db)
    power = checks.positive("peak_power_w", peak_power_w)
    return 10.0 * np.log10(_snr_linear(range_m, range_m, common[0], power, *common[1:]))


def bistatic_snr_db(range_tx_m, range_rx_m, rcs_m2, peak_power_w, pulse_width_s,
                    frequency_hz, gain_tx_db, gain_rx_db, system_temperature_k=290.0,
                    loss_db=0.0) -> np.ndarray:
    """Single-pulse SNR (dB) of a bistatic pair: transmitter-target range ``range_tx_m`` and
    target-receiver range ``range_rx_m`` (m); ``rcs_m2`` the bistatic RCS. Willis (1991)
    eq. 4.1; units as :func:`snr_db`."""
    range_tx_m = checks.positive("range_tx_m", range_tx_m)
    range_rx_m = checks.positive("range_rx_m", range_rx_m)
    common = _common(rcs_m2, pulse_width_s, frequency_hz, gain_tx_db, gain_rx_db,
                     system_temperature_k, loss_db)
    power = checks.positive("peak_power_w", peak_power_w)
    return 10.0 * np.log10(_snr_linear(range_tx_m, range_rx_m, common[0], power, *common[1:]))


def max_range_m(required_snr_db, rcs_m2, peak_power_w, pulse_width_s, frequency_hz,
                gain_tx_db, gain_rx_db, system_temperature_k=290.0, loss_db=0.0) -> np.ndarray:
    """Range (m) at which the single-pulse SNR equals ``required_snr_db``: the radar
    equation solved for R. Units as :func:`snr_db`."""
    required = checks.finite("required_snr_db", required_snr_db)
    common = _common(rcs_m2, pulse_width_s, frequency_hz, gain_tx_db, gain_rx_db,
                     system_temperature_k, loss_db)
    power = checks.positive("peak_power_w", peak_power_w)
    at_one_metre = _snr_linear(1.0, 1.0, common[0], power, *common[1:])
    return (at_one_metre / 10.0 ** (required / 10.0)) ** 0.25


def required_peak_power_w(required_snr_db, range_m, rcs_m2, pulse_width_s, frequency_hz,
                          gain_tx_db, gain_rx_db, system_temperature_k=290.0,
                          loss_db=0.0) -> np.ndarray:
    """Peak power (W) that gives ``required_snr_db`` on the target at ``range_m``: the radar
    equation solved for Pt. Units as :func:`snr_db`."""
    required = checks.finite("required_snr_db", required_snr_db)
    range_m = checks.positive("range_m", range_m)
    common = _common(rcs_m2, pulse_width_s, frequency_hz, gain_tx_db, gain_rx_db,
                     system_temperature_k, loss_db)
    per_watt = _snr_linear(range_m, range_m, common[0], 1.0, *common[1:])
    return 10.0 ** (required / 10.0) / per_watt


def search_snr_db(range_m, rcs_m2, power_aperture_w_m2, search_time_s, solid_angle_sr,
                  system_temperature_k=290.0, loss_db=0.0) -> np.ndarray:
    """SNR (dB) of a search radar that covers ``solid_angle_sr`` (sr) in ``search_time_s``
    (s) with average power times effective aperture ``power_aperture_w_m2`` (W m^2): the
    energy on target over a frame, ``Pav Ae ts sigma / (4 pi Omega k Ts R^4 L)``.
    Skolnik (2001) eq. 2.59; independent of frequency and waveform."""
    range_m = checks.positive("range_m", range_m)
    rcs_m2 = checks.positive("rcs_m2", rcs_m2)
    power_aperture = checks.positive("power_aperture_w_m2", power_aperture_w_m2)
    search_time_s = checks.positive("search_time_s", search_time_s)
    solid_angle_sr = checks.positive("solid_angle_sr", solid_angle_sr)
    if (solid_angle_sr > 4.0 * np.pi).any():
        raise ValueError(f"solid_angle_sr must be <= 4 pi, got {solid_angle_sr}")
    temperature = checks.positive("system_temperature_k", system_temperature_k)
    loss = 10.0 ** (checks.loss(loss_db) / 10.0)
    snr = (power_aperture * search_time_s * rcs_m2
           / (4.0 * np.pi * solid_angle_sr * BOLTZMANN_J_PER_K * temperature * loss
              * range_m**4))
    return 10.0 * np.log10(snr)
