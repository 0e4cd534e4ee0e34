"""Per-radar bias estimation (registration) at the fusion centre.

Each radar ``i`` may measure with systematic errors ``b_i = (range, azimuth, elevation)``
besides its noise. When two radars ``i`` and ``j`` report one confirmed track at times
``t`` and ``t'`` a little apart, the difference of their raw plots, the earlier moved to
the later time with the track's velocity,

    ``d = z_i(t) - (z_j(t') + v (t - t')) = J_i b_i - J_j b_j + e``,

is linear in the biases to first order (``J``: each plot's Jacobian of position by
range, azimuth and elevation, in the scenario frame), with noise ``e`` of covariance
``R_i + R_j + (t - t')^2 P_vv + q |t - t'|^3 / 3``. The target's own position cancels,
which is why no single radar can tell its bias from the target's position, and two can:
with lines of sight that are not parallel, the difference of two plots separates the two
radars' errors. All radars' biases are one state, estimated by recursive least squares in
information form (``Y += H^T W H``, ``y += H^T W d``, ``b = Y^-1 y``) from a zero-mean
prior of :data:`PRIOR_SIGMA` (which also settles what the geometry leaves unobservable).
Pairs whose difference fails a chi-square gate on its predicted covariance (a wrong
association) are left out.

What pairs cannot see: a lone radar's bias; an error common to radars on one site (their
lines of sight coincide, so it cancels); a common range or azimuth error of radars whose
targets all lie along their baseline. A rotation common to radars apart is seen only
through their baseline (``beta x baseline``: 290 m at 0.5 degree over 33 km, well
observed; 2 m over 220 m, not). In those weak directions the estimate wanders with the
noise and with the lag term (the earlier plot is moved with the track's velocity, which
is itself corrected by the estimate): radars 220 m apart with a common 0.5 degree error
ended with common range biases of about 1.1 km (tests/tracking/test_registration.py).
References with known positions (:meth:`BiasEstimator.observe_references`,
:mod:`iadsim.tracking.registration`) measure one radar's bias alone, ``z - p_ref = J b +
e``, into the same state: absolute registration. This is relative
registration from common targets, after Dana, "Registration: a prerequisite for
multiple sensor tracking", in Bar-Shalom (ed.), Multitarget-Multisensor Tracking:
Advanced Applications, 1990, and Helmick and Rice, "Removal of alignment errors in an
integrated system of two 3-D sensors", IEEE Trans. AES 29(4), 1993.

Each radar's plots are then corrected by its estimate: range, azimuth and elevation less
the bias, converted again to the scenario frame (the covariance is kept).
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaincinv

from iadsim.sensors.radar import RadarSite

#: 1-sigma of the prior of each radar's (range m, azimuth rad, elevation rad) bias.
PRIOR_SIGMA = np.array([200.0, np.deg2rad(1.0), np.deg2rad(1.0)])
#: Plots of one track by two radars further apart in time than this are not paired (s).
MAX_PAIR_LAG_S = 6.0
#: Chi-square gate (3 degrees of freedom) of a pair's difference.
PAIR_GATE = float(2.0 * gammaincinv(1.5, 0.9999))


def plot_jacobian(range_m: np.ndarray, azimuth_rad: np.ndarray, elevation_rad: np.ndarray,
                  to_local: np.ndarray) -> np.ndarray:
    """Jacobians (k, 3, 3) of scenario-ENU position by (range, azimuth, elevation) of plots
    of radars with rotations ``to_local`` (k, 3, 3) (scenario ENU -> radar ENU)."""
    sin_az, cos_az = np.sin(azimuth_rad), np.cos(azimuth_rad)
    sin_el, cos_el = np.sin(elevation_rad), np.cos(elevation_rad)
    r = range_m
    local = np.empty((range_m.size, 3, 3))
    local[:, 0] = np.stack([cos_el * sin_az, r * cos_el * cos_az, -r * sin_el * sin_az], -1)
    local[:, 1] = np.stack([cos_el * cos_az, -r * cos_el * sin_az, -r * sin_el * cos_az], -1)
    local[:, 2] = np.stack([sin_el, np.zeros_like(r), r * cos_el], -1)
    return np.einsum("kji,kjl->kil", to_local, local)


def plot_position(range_m: np.ndarray, azimuth_rad: np.ndarray, elevation_rad: np.ndarray,
                  radar_position_m: np.ndarray, to_local: np.ndarray) -> np.ndarray:
    """Scenario-ENU positions (k, 3) of plots (as :mod:`iadsim.sensors.measurements`)."""
    horizontal = range_m * np.cos(elevation_rad)
    local = np.stack([horizontal * np.sin(azimuth_rad), horizontal * np.cos(azimuth_rad),
                      range_m * np.sin(elevation_rad)], -1)
    return np.einsum("kji,kj->ki", to_local, local) + radar_position_m


class BiasEstimator:
    """The biases of every radar of the network, one recursive least-squares state."""

    def __init__(self, sites: list[RadarSite]):
        self.sites = sites
        radars = len(sites)
        self.information = np.diag(np.tile(1.0 / PRIOR_SIGMA**2, radars))
        self.information_vector = np.zeros(3 * radars)
        #: Current estimate, (radars, 3): range m, azimuth rad, elevation rad.
        self.bias = np.zeros((radars, 3))
        self.covariance = np.linalg.inv(self.information)
        self.pairs_used = 0
        #: Plots of references (known positions) folded in (absolute registration).
        self.references_used = 0
        self.position_m = np.array([site.position_enu_m for site in sites]).reshape(-1, 3)
        self.to_local = np.array([site.to_local for site in sites]).reshape(-1, 3, 3)

    def correct(self, radar_of: np.ndarray, range_m: np.ndarray, azimuth_rad: np.ndarray,
                elevation_rad: np.ndarray) -> np.ndarray:
        """Positions (k, 3) of plots of radars ``radar_of`` (k,) corrected by the current
        estimates of their biases."""
        bias = self.bias[radar_of]
        return plot_position(range_m - bias[:, 0], azimuth_rad - bias[:, 1],
                             elevation_rad - bias[:, 2], self.position_m[radar_of],
                             self.to_local[radar_of])

    def observe(self, radar_i: np.ndarray, jacobian_i: np.ndarray, radar_j: np.ndarray,
                jacobian_j: np.ndarray, difference_m: np.ndarray,
                noise_cov_m2: np.ndarray) -> None:
        """Fold in pairs of plots of one target by two radars (all (m,) or (m, 3[, 3])):
        ``difference_m = J_i b_i - J_j b_j + e`` with ``e`` of covariance
        ``noise_cov_m2``; pairs failing the gate are left out."""
        if radar_i.size == 0:
            return
        design = self._design(radar_i, jacobian_i)
        design -= self._design(radar_j, jacobian_j)
        self.pairs_used += self._fold(design, difference_m, noise_cov_m2)

    def observe_references(self, radar: np.ndarray, jacobian: np.ndarray,
                           difference_m: np.ndarray, noise_cov_m2: np.ndarray) -> int:
        """Fold in plots of references with known positions (absolute registration): a
        plot less its reference's position is ``difference_m = J b + e`` (m, 3), its
        radar's bias alone, with ``e`` of covariance ``noise_cov_m2`` (m, 3, 3) (the
        plot's and the reference position's). Measurements failing the gate are left out;
        returns how many were folded in."""
        if radar.size == 0:
            return 0
        used = self._fold(self._design(radar, jacobian), difference_m, noise_cov_m2)
        self.references_used += used
        return used

    def _design(self, radar: np.ndarray, jacobian: np.ndarray) -> np.ndarray:
        """Design matrices (m, 3, 3 x radars) of plots of ``radar`` (m,) with Jacobians
        ``jacobian`` (m, 3, 3): each plot's Jacobian in its radar's three columns."""
        count = radar.size
        design = np.zeros((count, 3, self.information_vector.size))
        rows = np.arange(count)[:, None]
        design[rows, :, 3 * radar[:, None] + np.arange(3)] = np.swapaxes(jacobian, 1, 2)
        return design

    def _fold(self, design: np.ndarray, difference_m: np.ndarray,
              noise_cov_m2: np.ndarray) -> int:
        """Gate measurements ``difference_m = design b + e`` on their predicted covariance
        and fold the good ones into the information; returns how many were folded in."""
        transposed = np.swapaxes(design, 1, 2)
        residual = difference_m - design @ self.bias.reshape(-1)
        predicted_cov = noise_cov_m2 + design @ self.covariance @ transposed
        distance2 = np.einsum("mk,mk->m", residual,
                              np.linalg.solve(predicted_cov, residual[..., None])[..., 0])
        good = distance2 <= PAIR_GATE
        if not good.any():
            return 0
        weighted = transposed[good] @ np.linalg.inv(noise_cov_m2[good])  # H^T W, (m, s, 3)
        self.information += (weighted @ design[good]).sum(axis=0)
        self.information_vector += (weighted @ difference_m[good][..., None]).sum(axis=0)[:, 0]
        self.covariance = np.linalg.inv(self.information)
        self.covariance = 0.5 * (self.covariance + self.covariance.T)
        self.bias = (self.covariance @ self.information_vector).reshape(-1, 3)
        return int(good.sum())
