"""The steady-target (Swerling 0) Pd tabulated in SNR for the simulation's hot path.

The simulation draws the target's RCS fluctuation per look (see :func:`fluctuation`), which
leaves a steady target for that look; its Pd is then the Swerling 0 Pd of
:func:`iadsim.sensors.detection.probability_of_detection` at the look's SNR. Calling SciPy's
noncentral chi-square for every (radar, target) pair of every scan costs about 2 us each,
so each radar tabulates that same function once, on a grid of ``TABLE_STEP_DB`` from
``TABLE_START_DB`` to ``TABLE_STOP_DB``, and the compiled detection kernel interpolates
linearly in dB (error below 1e-5 in Pd, checked by the test suite). Below the grid the
Pd is the grid's first value (within 1e-5 of Pfa); above it, 1.

Averaged over the fluctuation law, the detection rate is the Swerling 1-4 Pd of
:func:`~iadsim.sensors.detection.probability_of_detection`: the detector's sum depends on
the pulses' SNRs only through their total, which for a chi-square RCS with 2m degrees of
freedom is Gamma(m) distributed (m = 1, n, 2, 2n for Swerling 1-4). Source: P. Swerling,
"Probability of detection for fluctuating targets", IRE Trans. IT-6 (1960); Richards,
Fundamentals of Radar Signal Processing, 2nd ed. (2014), sec. 7.2.
"""

from __future__ import annotations

import functools

import numpy as np

from iadsim.sensors.detection import probability_of_detection

TABLE_START_DB = -25.0
TABLE_STOP_DB = 45.0
TABLE_STEP_DB = 0.005
TABLE_SNR_DB = np.linspace(TABLE_START_DB, TABLE_STOP_DB,
                           round((TABLE_STOP_DB - TABLE_START_DB) / TABLE_STEP_DB) + 1)


def steady_pd_table(pfa: float, n_pulses: int) -> np.ndarray:
    """Swerling 0 Pd at ``TABLE_SNR_DB`` (single-pulse SNR), shape ``TABLE_SNR_DB.shape``.

    Read-only: a table is made once per (pfa, pulses) in a process and shared (making one
    costs about 20 ms, and each run of a Monte Carlo worker would make its radars' again).
    """
    return _cached_steady_pd_table(float(pfa), int(n_pulses))


@functools.lru_cache(maxsize=64)
def _cached_steady_pd_table(pfa: float, n_pulses: int) -> np.ndarray:
    table = probability_of_detection(TABLE_SNR_DB, pfa, n_pulses, 0)
    table.flags.writeable = False
    return table


def fluctuation_shape(swerling: int, n_pulses: int) -> float:
    """Shape m of the Gamma law (mean 1) of the dwell's total SNR relative to its mean:
    0 for a steady target (no draw), 1, n, 2, 2n for Swerling 1-4."""
    return {0: 0.0, 1: 1.0, 2: float(n_pulses), 3: 2.0, 4: 2.0 * n_pulses}[swerling]


def fluctuation(rng: np.random.Generator, shape: float, count: int) -> np.ndarray:
    """``count`` draws of the look's SNR over its mean: Gamma(shape, 1/shape); ones (and no
    draw) for a steady target (shape 0)."""
    if shape == 0.0:
        return np.ones(count)
    return rng.standard_gamma(shape, count) / shape
