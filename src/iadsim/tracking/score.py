"""Track score: the log-likelihood ratio of a tentative track, and Wald's sequential test
that confirms or deletes it.

The score of a track is the log of the ratio of the likelihoods of its plots under "a
target" and under "false alarms" (Sittler 1964; Blackman and Popoli, Design and Analysis
of Modern Tracking Systems, 1999, sec. 6.2; Blackman, "Multiple hypothesis tracking for
multiple target tracking", IEEE AES Systems Magazine 19(1), 2004, eq. 3-5):

* the first plot: ``L = ln(beta_NT / beta_FT)``, new-target over false-alarm density;
* a plot with squared Mahalanobis distance ``d^2`` and innovation covariance ``S`` (M = 3
  measured dimensions): ``dL = ln(P_D / ((2 pi)^(M/2) beta_FT sqrt|S|)) - d^2 / 2``;
* a scan that could have seen the track and did not: ``dL = ln(1 - P_D)``.

``beta_FT`` is the false-alarm density at the plot, per cubic metre and scan. A radar's
false alarms fall uniformly over its resolution cells (:mod:`iadsim.sensors.false_alarms`),
which are uniform in range, azimuth and elevation: their density in (range, azimuth,
elevation) is the false alarms per scan over the volume's extent in those coordinates,
and in Cartesian space that over ``r^2 cos(elevation)`` (the Jacobian of the spherical
coordinates). Near a radar the density is thus far higher than the average, which is
where M-of-N confirms clutter.

Wald's sequential probability ratio test (A. Wald, Sequential Analysis, 1947, sec. 3.2;
Blackman and Popoli 1999, sec. 6.2.3) confirms a track when its score reaches
``ln((1 - beta) / alpha)`` and deletes it when its score falls to ``ln(beta / (1 -
alpha))``, with ``alpha`` the probability of confirming a false track and ``beta`` that
of deleting a true one; the test's error probabilities are then at most about
``alpha / (1 - beta)`` and ``beta / (1 - alpha)``.
"""

from __future__ import annotations

import numpy as np

from iadsim.sensors.false_alarms import elevation_grid
from iadsim.sensors.radar import RadarSite
from iadsim.tracking.lapack3 import solve3_rows

#: ln((2 pi)^(3/2)), the Gaussian normalization of a 3-dimensional plot.
LOG_GAUSSIAN_NORMALIZATION_3D = 1.5 * np.log(2.0 * np.pi)
#: The smallest false-alarm density used (per m^3 and scan): a radar without false alarms
#: would otherwise give an infinite score.
MINIMUM_FALSE_ALARM_DENSITY = 1e-30


def wald_thresholds(false_track_probability: float,
                    missed_track_probability: float) -> tuple[float, float]:
    """(delete, confirm) thresholds of the track score: ``ln(beta / (1 - alpha))`` and
    ``ln((1 - beta) / alpha)``, with alpha the false-track and beta the missed-track
    probability (Wald 1947, sec. 3.2)."""
    alpha, beta = false_track_probability, missed_track_probability
    return float(np.log(beta / (1.0 - alpha))), float(np.log((1.0 - beta) / alpha))


def false_alarm_density_constant(site: RadarSite) -> float:
    """The false alarms per scan of ``site`` over the extent of its surveillance volume in
    (range, azimuth, elevation) (m rad^2): the false-alarm density at range ``r`` and
    elevation ``e`` is this over ``r^2 cos(e)`` per cubic metre and scan."""
    _, weight = elevation_grid(site.volume)
    extent = float(weight.sum()) * site.sector_width_rad
    return site.false_alarms_per_scan / extent if extent > 0.0 else 0.0


def false_alarm_density(constant: np.ndarray, range_m: np.ndarray,
                        elevation_rad: np.ndarray) -> np.ndarray:
    """False alarms per cubic metre and scan at plots of range ``range_m`` and elevation
    ``elevation_rad`` of radars with :func:`false_alarm_density_constant` ``constant``
    (all (k,))."""
    # ``max(r, 1)^2 max(cos e, 1e-6)``, then ``max(c / that, minimum)``, in place: the
    # same NumPy loops (``** 2`` is ``np.square``) without four temporary arrays (the
    # tracker prices its plots with it every scan pass).
    spherical = np.maximum(range_m, 1.0)
    np.square(spherical, out=spherical)
    cosine = np.cos(elevation_rad)
    np.maximum(cosine, 1e-6, out=cosine)
    spherical *= cosine
    np.divide(constant, spherical, out=spherical)
    return np.maximum(spherical, MINIMUM_FALSE_ALARM_DENSITY, out=spherical)


def plot_score(detection_probability: float, false_alarm_density_m3: np.ndarray,
               distance2: np.ndarray, innovation_cov_m2: np.ndarray) -> np.ndarray:
    """Score increments (k,) of plots with squared Mahalanobis distances ``distance2``
    (k,) under innovation covariances (k, 3, 3) at false-alarm densities (k,). The log
    determinant is :func:`lapack3.solve3`'s, as in the compiled scan pass."""
    covariances = np.ascontiguousarray(innovation_cov_m2, dtype=float)
    _, log_determinant = solve3_rows(covariances, np.zeros((covariances.shape[0], 3)))
    return (np.log(detection_probability) - np.log(false_alarm_density_m3)
            - LOG_GAUSSIAN_NORMALIZATION_3D - 0.5 * log_determinant - 0.5 * distance2)


def miss_score(detection_probability: float) -> float:
    """Score increment of a scan that could have seen the track and did not."""
    return float(np.log1p(-detection_probability))
