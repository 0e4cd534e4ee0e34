"""The interceptor seeker: per-look detection probability, angle noise, per-look draws.

Detection: the seeker is a pulse radar looking at a Swerling 1 target; its single-look
probability of detection at false-alarm probability ``SEEKER_PFA`` is
``Pd = Pfa ** (1 / (1 + SNR))`` (Richards, Fundamentals of Radar Signal Processing,
2nd ed. (2014), eq. 6.56 for a square-law detector), with ``SNR`` scaled from the
reference point by the radar equation: ``SNR = SNR_ref (rcs / rcs_ref) (R_ref / R)^4``,
where ``SNR_ref`` gives ``Pd = 0.5`` at the type's acquisition range ``R_ref`` for its
reference RCS. Nothing is seen beyond ``SEEKER_MAX_RANGE_RATIO x R_ref`` (the seeker's
range gate; there ``Pd`` of the reference target is already about 2e-3).

Angle noise: each look's line-of-sight direction is the true one turned by two independent
normal angles of the type's ``seeker_angle_noise_deg`` (small-angle rotation).

Draws: each round carries a 64-bit key drawn at launch from the run's ``effectors``
stream; its k-th look uses SplitMix64 of (key, k), a counter-based generator (Steele, Lea
and Flood, Fast splittable pseudorandom number generators, OOPSLA 2014), so that a compiled
kernel can draw per look and per round without a global generator, and a run repeats bit
for bit.
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

#: False-alarm probability per look of every seeker.
SEEKER_PFA = 1e-6
#: Probability of detection per look at the acquisition range, for the reference RCS.
REFERENCE_PD = 0.5
#: Beyond this multiple of the acquisition range the seeker sees nothing.
SEEKER_MAX_RANGE_RATIO = 2.0
#: SNR (linear) that gives ``REFERENCE_PD`` at ``SEEKER_PFA`` for a Swerling 1 target.
REFERENCE_SNR = float(np.log(SEEKER_PFA) / np.log(REFERENCE_PD) - 1.0)

_GOLDEN = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB


@njit(cache=True)
def uniform_draw(key: np.uint64, counter: np.int64) -> float:
    """A uniform double in [0, 1) from SplitMix64 of ``key`` and ``counter``."""
    z = uint64(key) + uint64(counter + 1) * uint64(_GOLDEN)
    z = (z ^ (z >> uint64(30))) * uint64(_MIX1)
    z = (z ^ (z >> uint64(27))) * uint64(_MIX2)
    z = z ^ (z >> uint64(31))
    return float(z >> uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, error_model="numpy")
def normal_pair(key: np.uint64, counter: np.int64) -> tuple[float, float]:
    """Two independent standard normals (Box-Muller) from draws ``counter`` and
    ``counter + 1`` of ``key``."""
    first = 1.0 - uniform_draw(key, counter)  # in (0, 1]: the logarithm is finite
    second = uniform_draw(key, counter + 1)
    radius = np.sqrt(-2.0 * np.log(first))
    return radius * np.cos(2.0 * np.pi * second), radius * np.sin(2.0 * np.pi * second)


@njit(cache=True, error_model="numpy")
def detection_probability(range_m: float, rcs_m2: float, reference_range_m: float,
                          reference_rcs_m2: float) -> float:
    """Single-look Swerling 1 probability of detection of a target of ``rcs_m2`` at
    ``range_m`` (0 beyond the range gate)."""
    if range_m > SEEKER_MAX_RANGE_RATIO * reference_range_m:
        return 0.0
    ratio = reference_range_m / max(range_m, 1e-3)
    snr = REFERENCE_SNR * (rcs_m2 / reference_rcs_m2) * ratio ** 4
    return SEEKER_PFA ** (1.0 / (1.0 + snr))


@njit(cache=True, error_model="numpy")
def noisy_direction(rx: float, ry: float, rz: float, sigma_rad: float, key: np.uint64,
                    counter: np.int64) -> tuple[float, float, float]:
    """The unit line of sight along ``(rx, ry, rz)`` turned by two normal angles of
    ``sigma_rad`` about axes across it (uses draws ``counter`` and ``counter + 1``)."""
    norm = np.sqrt(rx * rx + ry * ry + rz * rz)
    ux, uy, uz = rx / norm, ry / norm, rz / norm
    if sigma_rad == 0.0:
        return ux, uy, uz
    # Two unit vectors across the line of sight.
    if abs(uz) < 0.9:
        ax, ay, az = -uy, ux, 0.0
    else:
        ax, ay, az = 0.0, -uz, uy
    size = np.sqrt(ax * ax + ay * ay + az * az)
    ax, ay, az = ax / size, ay / size, az / size
    bx, by, bz = uy * az - uz * ay, uz * ax - ux * az, ux * ay - uy * ax
    first, second = normal_pair(key, counter)
    first *= sigma_rad
    second *= sigma_rad
    mx = ux + first * ax + second * bx
    my = uy + first * ay + second * by
    mz = uz + first * az + second * bz
    size = np.sqrt(mx * mx + my * my + mz * mz)
    return mx / size, my / size, mz / size
