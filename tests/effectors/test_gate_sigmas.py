"""The seeker gate's track sigmas in one compiled call (flyout_kernel.gate_sigmas) are bit
for bit the NumPy chain the fleet used: trace / 3, clipped at 0, NaN to 0, infinity to the
largest float, square root."""

from __future__ import annotations

import numpy as np

from iadsim.effectors.flyout_kernel import gate_sigmas


def _numpy_sigmas(covariance: np.ndarray) -> np.ndarray:
    variance = np.trace(covariance, axis1=1, axis2=2) / 3.0
    variance = np.clip(variance, 0.0, None)
    if not np.isfinite(variance).all():
        variance = np.nan_to_num(variance, nan=0.0)
    return np.sqrt(variance)


def test_gate_sigmas_match_the_numpy_chain_bit_for_bit() -> None:
    rng = np.random.default_rng(7)
    for count in [*range(0, 20), 64, 500]:
        covariance = rng.normal(size=(count, 3, 3)) * 10.0 ** rng.uniform(-3, 8, (count, 1, 1))
        assert gate_sigmas(covariance).tobytes() == _numpy_sigmas(covariance).tobytes()


def test_degenerate_covariances_give_the_numpy_chain_values() -> None:
    covariance = np.zeros((5, 3, 3))
    covariance[0] = np.diag([-4.0, -5.0, -6.0])  # negative: 0
    covariance[1, 1, 1] = np.nan  # NaN: 0
    covariance[2, 0, 0] = np.inf  # infinite: the largest float
    covariance[3] = np.diag([-0.0, -0.0, -0.0])  # negative zero stays as NumPy keeps it
    covariance[4] = np.diag([300.0, 300.0, 300.0])
    sigmas = gate_sigmas(covariance)
    assert sigmas.tobytes() == _numpy_sigmas(covariance).tobytes()
    assert sigmas[0] == 0.0 and sigmas[1] == 0.0 and sigmas[4] == np.sqrt(300.0)
    assert sigmas[2] == np.sqrt(np.finfo(float).max)
