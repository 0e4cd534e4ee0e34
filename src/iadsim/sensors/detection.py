"""Probability of detection and the signal-to-noise ratio of a target.

The skeleton's detection model is the single-look Swerling 1 (slowly fluctuating,
exponentially distributed RCS) target with a square-law detector, whose Pd has the
closed form ``Pd = Pfa ** (1 / (1 + SNR))``.

Source: M. A. Richards, Fundamentals of Radar Signal Processing, 2nd ed. (2014),
eq. 6.62; Skolnik, Introduction to Radar Systems, 3rd ed., sec. 2.8.
"""

from __future__ import annotations

import numpy as np

BOLTZMANN_J_PER_K = 1.380649e-23
SPEED_OF_LIGHT_MPS = 299_792_458.0


def swerling1_pd(snr: np.ndarray, pfa: float) -> np.ndarray:
    """Single-look Pd of a Swerling 1 target, square-law detector.

    snr: linear SNR (not dB), any shape. Returns Pd, same shape.
    """
    return np.power(pfa, 1.0 / (1.0 + np.asarray(snr, dtype=float)))


def swerling1_required_snr(pd: float, pfa: float) -> float:
    """Linear SNR at which a Swerling 1 target is detected with ``pd`` at ``pfa``.

    The exact inverse of :func:`swerling1_pd`: ``SNR = ln(Pfa) / ln(Pd) - 1``.
    """
    if not 0.0 < pfa < pd < 1.0:
        raise ValueError(f"need 0 < pfa < pd < 1, got pfa={pfa}, pd={pd}")
    return float(np.log(pfa) / np.log(pd) - 1.0)


def snr_from_reference(range_m: np.ndarray, rcs_m2: np.ndarray, ref_snr: float,
                       ref_range_m: float, ref_rcs_m2: float) -> np.ndarray:
    """Linear SNR scaled from a reference point: SNR falls as R^-4 and rises with RCS.

    ``SNR = ref_snr * (ref_range / R)**4 * (rcs / ref_rcs)`` (the radar equation with
    everything but range and RCS held fixed; Skolnik 3rd ed., eq. 2.1).
    """
    range_m = np.maximum(np.asarray(range_m, dtype=float), 1.0)
    return ref_snr * (ref_range_m / range_m) ** 4 * (np.asarray(rcs_m2, dtype=float) / ref_rcs_m2)


def radar_equation_snr(range_m: np.ndarray, rcs_m2: np.ndarray, peak_power_w: float,
                       pulse_width_s: float, frequency_hz: float, gain_tx_db: float,
                       gain_rx_db: float, system_temperature_k: float = 290.0,
                       loss_db: float = 0.0, pulses_integrated: int = 1) -> np.ndarray:
    """Linear SNR from the monostatic radar equation with coherent integration of n pulses.

    ``SNR = Pt tau Gt Gr lambda^2 sigma n / ((4 pi)^3 k T R^4 L)``, the matched-filter form
    with noise bandwidth 1/tau. Source: Richards (2014) eq. 2.30; Skolnik (2001) eq. 2.1.
    """
    wavelength_m = SPEED_OF_LIGHT_MPS / frequency_hz
    range_m = np.maximum(np.asarray(range_m, dtype=float), 1.0)
    gains = 10.0 ** ((gain_tx_db + gain_rx_db - loss_db) / 10.0)
    numerator = peak_power_w * pulse_width_s * gains * wavelength_m**2 * pulses_integrated
    denominator = (4.0 * np.pi) ** 3 * BOLTZMANN_J_PER_K * system_temperature_k
    return numerator * np.asarray(rcs_m2, dtype=float) / (denominator * range_m**4)
