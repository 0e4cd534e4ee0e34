"""Measurement accuracy that follows SNR: the thermal-noise error of range and angle
estimates, combined with a floor for everything that does not average out (bias
residuals, quantisation, multipath).

``sigma_range = sqrt(floor^2 + (range_resolution / sqrt(2 SNR))^2)`` and
``sigma_angle = sqrt(floor^2 + (beamwidth / (k_m sqrt(2 SNR)))^2)`` with the monopulse
slope ``k_m = 1.6``. Sources: M. I. Skolnik, Introduction to Radar Systems, 3rd ed. (2001),
sec. 6.3 (``delta_R = c / (2 B sqrt(2 E / N0))``, ``delta_theta = theta_B / (k
sqrt(2 E / N0))``); D. K. Barton, Radar System Analysis and Modeling (2005), ch. 18
(``k_m`` about 1.6 for a sum-difference monopulse). SNR is the dwell's (all pulses)
signal energy over noise density. Valid above the detection threshold (SNR > ~10 dB); the
formulas are Cramer-Rao-type bounds that real estimators reach only at high SNR.
"""

from __future__ import annotations

import numpy as np

MONOPULSE_SLOPE = 1.6


def measurement_sigmas(snr: np.ndarray, floor: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Range (m), azimuth and elevation (rad) errors, 1 sigma, shape (k, 3).

    snr: (k,) linear dwell SNR; floor: (k, 3) floors; scale: (k, 3) the range resolution (m)
    and the two beamwidths over ``MONOPULSE_SLOPE`` (rad), zero for a radar without beam
    parameters (its error is then the floor). Inputs are not modified.
    """
    thermal = scale / np.sqrt(2.0 * np.maximum(snr, 1e-3))[:, None]
    return np.sqrt(floor * floor + thermal * thermal)
