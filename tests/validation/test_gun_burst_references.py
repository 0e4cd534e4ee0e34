"""Gun burst kill probability with Gaussian shell dispersion against its closed form.

Reference: a burst of ``n`` shells whose points of passage are spread around the burst's
centre by a circular normal of sigma per axis (``dispersion x distance flown``), each shell
killing with the Carleton damage function ``Pk exp(-r^2 / R^2)``. The mean kill probability
of one shell whose spread is centred ``d`` from the target is the Gaussian integral

    p = Pk R^2 / (R^2 + 2 sigma^2) x exp(-d^2 / (R^2 + 2 sigma^2)),

which at ``d = 0`` is the Carleton result against a circular normal miss (Driels,
Weaponeering: Conventional Weapon System Effectiveness, 2nd ed. (2013), ch. 11); shells
disperse independently around a given centre, so the burst kills with ``1 - (1 - p)^n``
(independent shell effects; Ball, The Fundamentals of Aircraft Combat Survivability
Analysis and Design, 2nd ed. (2003), sec. 5.3).

The flyout is driven end to end (300 bursts fired at still targets 2 km away, half of them
aimed 3 m off); the number of kills must match the sum of the closed-form probabilities
within 4 binomial standard deviations, and must not match the same sum without dispersion.
"""

from __future__ import annotations

import numpy as np

from iadsim.effectors.batteries import interceptor_table
from iadsim.effectors.envelope import launch_aim_point
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.scenario import scenario_from_dict

EARTH_RADIUS_M = 6_371_000.0
SHELLS, LETHAL_RADIUS_M, SHELL_PK, DISPERSION_RAD = 25, 2.5, 0.25, 2e-3
GUN = {"name": "gun", "kind": "gun", "min_range_km": 0.1, "max_range_km": 4.0,
       "max_altitude_m": 3_000.0, "speed_mps": 900.0, "lethal_radius_m": LETHAL_RADIUS_M,
       "single_shot_pk": SHELL_PK, "lethality_model": "carleton", "max_flight_time_s": 6.0,
       "launch_mass_kg": 0.75, "reference_area_m2": 0.000962, "drag_coefficient": 0.3,
       "muzzle_velocity_mps": 1_050.0, "rate_of_fire_rpm": 1_100,
       "dispersion_mrad": DISPERSION_RAD * 1e3, "shells_per_burst": SHELLS, "aim_error_m": 0.0}


def burst_probability(centre_miss_m: np.ndarray, sigma_m: np.ndarray) -> np.ndarray:
    """The closed form of the module docstring."""
    spread = LETHAL_RADIUS_M**2 + 2.0 * sigma_m**2
    shell = SHELL_PK * LETHAL_RADIUS_M**2 / spread * np.exp(-centre_miss_m**2 / spread)
    return 1.0 - (1.0 - shell) ** SHELLS


def fire_group(types, angles_rad: np.ndarray, aim_offset_m: float, seed: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fire one burst at each still target (2 km, 300 m up, at ``angles_rad``), aimed
    ``aim_offset_m`` off across the line of fire; returns kills, centre misses and
    distances flown."""
    count = angles_rad.size
    targets = np.column_stack([2_000.0 * np.cos(angles_rad), 2_000.0 * np.sin(angles_rad),
                               np.full(count, 300.0)])
    across = np.column_stack([-np.sin(angles_rad), np.cos(angles_rad), np.zeros(count)])
    fleet = InterceptorFleet(types, np.random.default_rng(seed), EARTH_RADIUS_M)
    for row in range(count):
        track = targets[row] + aim_offset_m * across[row]
        aim = launch_aim_point(types, 0, np.zeros(3), track, np.zeros(3), EARTH_RADIUS_M)
        fleet.launch(0.0, np.zeros(3), aim, 0, battery=0, engagement_id=row, track_id=row,
                     track_position_m=track, track_velocity_mps=np.zeros(3))
    killed, miss, flown = (np.zeros(count, dtype=bool), np.full(count, np.nan),
                           np.full(count, np.nan))
    for step in range(12):
        outcome = fleet.step(step * 0.5, 0.5, targets, targets, np.ones(count, dtype=bool),
                             np.full(count, 0.1), np.zeros(0, dtype=np.int64),
                             np.zeros((0, 3)), np.zeros((0, 3)))
        rows = outcome.engagement_id
        killed[rows] = outcome.killed
        miss[rows] = outcome.miss_distance_m
        flown[rows] = np.linalg.norm(outcome.position_m, axis=1)
        assert outcome.neighbour_threat_id.size == 0  # targets 100 m apart: out of reach
    assert np.isfinite(miss).all()
    return killed, miss, flown


def test_burst_kills_match_the_gaussian_dispersion_closed_form_within_4_sigma():
    types = interceptor_table(scenario_from_dict({
        "name": "burst-validation", "origin": {"lat_deg": 40.0, "lon_deg": 33.0},
        "sim": {"duration_s": 60.0}, "interceptors": [GUN]}))
    kills, expected, without_dispersion, variance = 0, 0.0, 0.0, 0.0
    for group in range(10):
        # 30 targets 100 m apart along a quarter circle (beyond each other's reach).
        angles = np.arange(30) * 0.05 + 0.01 * group
        killed, miss, flown = fire_group(types, angles, 3.0 if group % 2 else 0.0, group)
        probability = burst_probability(miss, DISPERSION_RAD * flown)
        kills += int(killed.sum())
        expected += float(probability.sum())
        variance += float((probability * (1.0 - probability)).sum())
        without_dispersion += float(burst_probability(miss, np.zeros_like(miss)).sum())
    tolerance = 4.0 * np.sqrt(variance)
    assert abs(kills - expected) < tolerance, (kills, expected, tolerance)
    # The test can tell: with no dispersion the closed form is far from what was drawn.
    assert abs(kills - without_dispersion) > tolerance
