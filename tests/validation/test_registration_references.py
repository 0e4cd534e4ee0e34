"""Absolute registration (tracking/registration.py, tracking/bias.py) against closed forms.

* The recursive least-squares state in information form, fed reference and pair
  measurements in several batches, equals the batch weighted least-squares estimate with
  the Gaussian prior as extra rows (Bar-Shalom, Li and Kirubarajan, Estimation with
  Applications to Tracking and Navigation, 2001, sec. 3.4: the recursive LS estimate is
  the batch one), solved here by numpy.linalg.lstsq on the whitened stacked system;
  relative tolerance 1e-8.
* A plot's Jacobian by (range, azimuth, elevation) is the derivative of its position:
  central differences, relative tolerance 1e-6.
"""

from __future__ import annotations

import numpy as np

from iadsim.scenario import scenario_from_dict
from iadsim.sensors.radar import radar_sites
from iadsim.tracking.bias import PRIOR_SIGMA, BiasEstimator, plot_jacobian, plot_position
from iadsim.world.geodesy import LocalFrame

LAT, LON = 42.0, 35.0
FRAME = LocalFrame(LAT, LON, 0.0)


def sites():
    radar = {"ref_range_km": 200.0, "max_range_km": 300.0, "revisit_s": 2.0}
    scenario = scenario_from_dict({
        "name": "validation", "origin": {"lat_deg": LAT, "lon_deg": LON},
        "sim": {"duration_s": 10.0},
        "sensors": [{**radar, "name": "a", "lat_deg": LAT, "lon_deg": LON},
                    {**radar, "name": "b", "lat_deg": LAT + 0.2, "lon_deg": LON + 0.3}]})
    return radar_sites(scenario, FRAME)


def polar_of(site, position: np.ndarray) -> np.ndarray:
    """Range, azimuth, elevation (k, 3) of scenario-ENU ``position`` (k, 3) from ``site``."""
    local = (position - site.position_enu_m) @ site.to_local.T
    horizontal = np.hypot(local[:, 0], local[:, 1])
    return np.column_stack([np.linalg.norm(local, axis=1),
                            np.mod(np.arctan2(local[:, 0], local[:, 1]), 2 * np.pi),
                            np.arctan2(local[:, 2], horizontal)])


def test_recursive_registration_equals_batch_weighted_least_squares():
    """Reference plots of both radars and pairs between them, in five batches, against
    lstsq of [W^1/2 H; P0^-1/2] b = [W^1/2 d; 0]; relative tolerance 1e-8."""
    rng = np.random.default_rng(11)
    radar_sites_ = sites()
    estimator = BiasEstimator(radar_sites_)
    true_bias = np.array([[40.0, np.deg2rad(0.4), np.deg2rad(-0.1)],
                          [-25.0, np.deg2rad(0.3), np.deg2rad(0.05)]])
    rows, right, root_weights = [], [], []
    for _ in range(5):
        count = 20
        target = rng.uniform([-60e3, -60e3, 2e3], [60e3, 60e3, 10e3], (count, 3))
        noise_cov = np.stack([np.diag(rng.uniform(20.0, 80.0, 3) ** 2) for _ in range(count)])
        jacobians = []
        for site in radar_sites_:
            polar = polar_of(site, target)
            jacobians.append(plot_jacobian(polar[:, 0], polar[:, 1], polar[:, 2],
                                           np.repeat(site.to_local[None], count, 0)))
        noise = np.einsum("kij,kj->ki", np.linalg.cholesky(noise_cov),
                          rng.standard_normal((count, 3)))
        # Reference plots of radar a and of radar b, then pairs a - b.
        for radar in (0, 1):
            difference = np.einsum("kij,j->ki", jacobians[radar], true_bias[radar]) + noise
            estimator.observe_references(np.full(count, radar), jacobians[radar], difference,
                                         noise_cov)
            design = np.zeros((count, 3, 6))
            design[:, :, 3 * radar:3 * radar + 3] = jacobians[radar]
            rows.append(design)
            right.append(difference)
            root_weights.append(np.linalg.cholesky(np.linalg.inv(noise_cov)))
        pair_cov = 2.0 * noise_cov
        difference = (np.einsum("kij,j->ki", jacobians[0], true_bias[0])
                      - np.einsum("kij,j->ki", jacobians[1], true_bias[1]) + noise)
        estimator.observe(np.zeros(count, dtype=int), jacobians[0], np.ones(count, dtype=int),
                          jacobians[1], difference, pair_cov)
        design = np.concatenate([jacobians[0], -jacobians[1]], axis=2)
        rows.append(design)
        right.append(difference)
        root_weights.append(np.linalg.cholesky(np.linalg.inv(pair_cov)))
    assert estimator.references_used == 200 and estimator.pairs_used == 100
    # Whitened rows: L^T H with W = L L^T, so that |L^T (H b - d)|^2 = (Hb - d)^T W (Hb - d).
    whitened = np.concatenate([np.einsum("kji,kjs->kis", root, design).reshape(-1, 6)
                               for root, design in zip(root_weights, rows, strict=True)])
    whitened_right = np.concatenate([np.einsum("kji,kj->ki", root, value).reshape(-1)
                                     for root, value in zip(root_weights, right, strict=True)])
    prior_rows = np.diag(1.0 / np.tile(PRIOR_SIGMA, 2))
    solution = np.linalg.lstsq(np.vstack([whitened, prior_rows]),
                               np.concatenate([whitened_right, np.zeros(6)]), rcond=None)[0]
    np.testing.assert_allclose(estimator.bias.reshape(-1), solution, rtol=1e-8, atol=1e-12)
    # And it is near the truth (the measurements are informative).
    assert np.abs(estimator.bias[:, 0] - true_bias[:, 0]).max() < 5.0


def test_plot_jacobian_is_the_derivative_of_the_plot_position():
    """Central differences of plot_position by range (1 m), azimuth and elevation (1e-6
    rad) against plot_jacobian; relative tolerance 1e-6."""
    site = sites()[1]
    polar = np.array([[45_000.0, 1.0, 0.05], [120_000.0, 4.0, 0.3]])
    rotation = np.repeat(site.to_local[None], 2, 0)
    position = np.repeat(site.position_enu_m[None], 2, 0)
    jacobian = plot_jacobian(polar[:, 0], polar[:, 1], polar[:, 2], rotation)
    for column, step in enumerate((1.0, 1e-6, 1e-6)):
        plus, minus = polar.copy(), polar.copy()
        plus[:, column] += step
        minus[:, column] -= step
        numeric = (plot_position(*plus.T, position, rotation)
                   - plot_position(*minus.T, position, rotation)) / (2 * step)
        np.testing.assert_allclose(jacobian[:, :, column], numeric, rtol=1e-6, atol=1e-6)
