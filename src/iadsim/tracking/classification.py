"""Kinematic classification of tracks: ballistic missile, cruise missile, aircraft, drone.

A naive Bayes classifier on what a track's kinematics show: its speed, its height above
the ground and its vertical acceleration. Each kind has independent Gaussian
class-conditional densities of log-speed, height and vertical acceleration (below), and
equal prior odds; the posterior of each kind is their normalized product, the class is
the most probable kind and the confidence its posterior. Kinematic classification of
this kind (speed-altitude feature likelihoods combined by Bayes' rule) is described in
Blackman and Popoli, Design and Analysis of Modern Tracking Systems (1999), sec. 11.3;
the class densities here are notional round values from the open figures of the
catalog's threat profiles (ballistic re-entry at 1-3 km/s falling under gravity; cruise
missiles at ~250 m/s below 500 m; aircraft at 150-600 m/s at altitude; one-way attack
drones at ~50 m/s), not from any real classifier.

Limits: kinematics alone cannot tell a low, fast aircraft from a cruise missile, or a
fast drone from a slow aircraft; the confidence says so (it falls towards 1/2 between
two kinds). A ballistic missile in boost, before burnout, looks like nothing here.
"""

from __future__ import annotations

import numpy as np

#: The kinds, in the order of ``kind_index``.
KINEMATIC_KINDS: tuple[str, ...] = ("ballistic_missile", "cruise_missile", "aircraft", "drone")
BALLISTIC = 0
#: Per kind: mean and standard deviation of ln(speed / 1 m/s), of height above ground (m)
#: and of vertical acceleration (m/s^2). Notional (see the module docstring).
_SPEED_LOG_MEAN = np.log(np.array([1_500.0, 240.0, 260.0, 50.0]))
_SPEED_LOG_SIGMA = np.array([0.45, 0.25, 0.35, 0.45])
_HEIGHT_MEAN_M = np.array([30_000.0, 150.0, 7_000.0, 800.0])
_HEIGHT_SIGMA_M = np.array([25_000.0, 300.0, 4_000.0, 1_200.0])
_VERTICAL_ACCELERATION_MEAN_MPS2 = np.array([-9.8, 0.0, 0.0, 0.0])
_VERTICAL_ACCELERATION_SIGMA_MPS2 = np.array([5.0, 3.0, 4.0, 3.0])


def classify(velocity_mps: np.ndarray, height_m: np.ndarray,
             vertical_acceleration_mps2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The most probable kind of each track and its posterior probability.

    Parameters
    ----------
    velocity_mps:
        Track velocities, (n, 3) m/s.
    height_m:
        Heights above the ground, (n,) m.
    vertical_acceleration_mps2:
        Estimated vertical accelerations, (n,) m/s^2; NaN where unknown (that feature is
        then left out).

    Returns
    -------
    kind_index:
        (n,) int8, indices into :data:`KINEMATIC_KINDS`.
    confidence:
        (n,) posterior probability of that kind, in [1/4, 1].
    """
    velocity = np.asarray(velocity_mps, dtype=float)
    speed = np.maximum(np.sqrt(np.einsum("ij,ij->i", velocity, velocity)), 1e-3)
    log_likelihood = (_log_gaussian(np.log(speed), _SPEED_LOG_MEAN, _SPEED_LOG_SIGMA)
                      + _log_gaussian(np.asarray(height_m, dtype=float), _HEIGHT_MEAN_M,
                                      _HEIGHT_SIGMA_M))
    acceleration = np.asarray(vertical_acceleration_mps2, dtype=float)
    known = np.isfinite(acceleration)
    log_likelihood[known] += _log_gaussian(acceleration[known],
                                           _VERTICAL_ACCELERATION_MEAN_MPS2,
                                           _VERTICAL_ACCELERATION_SIGMA_MPS2)
    log_likelihood -= log_likelihood.max(axis=1, keepdims=True)
    posterior = np.exp(log_likelihood)  # the most probable kind's is exactly 1
    return (log_likelihood.argmax(axis=1).astype(np.int8),
            1.0 / posterior.sum(axis=1))


def _log_gaussian(value: np.ndarray, mean: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """ln of the Gaussian density of each ``value`` (n,) under each kind's (k,) mean and
    sigma: (n, k). ``ln sigma`` of the module's sigmas is taken once (:data:`_LOG_SIGMA`):
    classification runs after every scan pass."""
    scaled = (value[:, None] - mean[None, :]) / sigma[None, :]
    for known, log_sigma in _LOG_SIGMA:
        if sigma is known:
            return -0.5 * scaled * scaled - log_sigma[None, :]
    return -0.5 * scaled * scaled - np.log(sigma)[None, :]


#: ``ln sigma`` of the module's sigmas, by sigma array (:func:`_log_gaussian`).
_LOG_SIGMA = tuple((sigma, np.log(sigma)) for sigma in (
    _SPEED_LOG_SIGMA, _HEIGHT_SIGMA_M, _VERTICAL_ACCELERATION_SIGMA_MPS2))
