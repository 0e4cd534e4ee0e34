"""A re-entry tracking trial: a few ballistic re-entry vehicles falling close together
through the atmosphere, seen by one fast radar, tracked by the central tracker, scored
against the truth (position and velocity errors, NEES, predicted-position errors).

It measures what ``tracking.ballistic_drag`` does (:mod:`iadsim.tracking.drag`). The truth
is integrated independently of the tracker's model: :func:`scipy.integrate.solve_ivp`
(an adaptive Runge-Kutta 4(5), tolerances far below the radar's noise) of a point mass
under constant gravity ``-g`` (up) and drag ``-rho(h) |v| v / (2 beta)`` with the
U.S. Standard Atmosphere 1976 density (:func:`iadsim.world.atmosphere.standard_atmosphere`)
at the altitude ``up + d^2 / (2 R)``, in the tracker's flat ENU frame. The radar's reports
are the truth plus Gaussian noise in range, azimuth and elevation, converted as the radar
converts them (:func:`iadsim.sensors.measurements.converted_measurement`); no false
alarms, Pd 1. Reads the truth: scoring only, after each scan's processing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import linear_sum_assignment

from iadsim.events import EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import Tracking
from iadsim.sensors.measurements import converted_measurement
from iadsim.sensors.radar import DetectionBatch, RadarSite, radar_sites
from iadsim.tracking.tracker import CONFIRMED, CentralTracker
from iadsim.world.atmosphere import STANDARD_GRAVITY_MPS2, standard_atmosphere
from iadsim.world.earth import EARTH_RADIUS_M
from iadsim.world.geodesy import LocalFrame

LAT_DEG, LON_DEG = 42.0, 35.0
#: Three re-entry vehicles 400 m apart at 80 km, falling at 3 km/s, 35 degrees below the
#: horizon, toward the radar (heavy, medium and light: their ballistic coefficients).
START_M = np.array([[60_000.0, 50_000.0, 80_000.0], [60_400.0, 50_000.0, 80_000.0],
                    [60_000.0, 50_400.0, 80_000.0]])
ENTRY_SPEED_MPS = 3_000.0
ENTRY_PATH_ANGLE_DEG = -35.0
BALLISTIC_COEFFICIENTS_KG_M2 = (10_000.0, 4_000.0, 1_500.0)
#: The re-entry phase scored: truth altitude within these bounds (m).
PHASE_TOP_M, PHASE_BOTTOM_M = 50_000.0, 8_000.0
#: Prediction horizons (s) of the predicted-position error (the intercept point's).
HORIZONS_S = (5.0, 10.0, 20.0)


def radar_site(revisit_s: float = 0.5) -> RadarSite:
    """A fast radar at the origin: ``revisit_s`` s, 20 m in range, 0.05 degrees."""
    scenario = scenario_from_dict({
        "name": "reentry-trial", "origin": {"lat_deg": LAT_DEG, "lon_deg": LON_DEG},
        "sim": {"duration_s": 1_000.0},
        "sensors": [{"name": "fast", "lat_deg": LAT_DEG, "lon_deg": LON_DEG, "height_m": 20.0,
                     "ref_range_km": 300.0, "max_range_km": 400.0, "revisit_s": revisit_s,
                     "range_sigma_m": 20.0, "azimuth_sigma_deg": 0.05,
                     "elevation_sigma_deg": 0.05}]})
    return radar_sites(scenario, LocalFrame(LAT_DEG, LON_DEG, 0.0))[0]


def _derivative(_: float, state: np.ndarray, inverse_coefficient: float) -> np.ndarray:
    position, velocity = state[:3], state[3:]
    altitude = position[2] + (position[0] ** 2 + position[1] ** 2) / (2.0 * EARTH_RADIUS_M)
    density = float(standard_atmosphere(altitude)[2])
    speed = float(np.linalg.norm(velocity))
    acceleration = -0.5 * density * speed * inverse_coefficient * velocity
    acceleration[2] -= STANDARD_GRAVITY_MPS2
    return np.concatenate([velocity, acceleration])


def reentry_truth(start_m: np.ndarray, velocity_mps: np.ndarray,
                  ballistic_coefficient_kg_m2: float, times_s: np.ndarray) -> np.ndarray:
    """The state (t, 6) (ENU m, m/s) at ``times_s`` (t,) of a body starting at
    ``start_m`` (3,) with ``velocity_mps`` (3,) at time 0, under gravity and drag (see
    the module docstring); relative tolerance 1e-10, absolute 1e-6."""
    solution = solve_ivp(_derivative, (0.0, float(times_s[-1])),
                         np.concatenate([start_m, velocity_mps]), method="RK45",
                         t_eval=times_s, rtol=1e-10, atol=1e-6,
                         args=(1.0 / ballistic_coefficient_kg_m2,))
    return solution.y.T


def entry_velocity(start_m: np.ndarray) -> np.ndarray:
    """The entry velocity (3,) m/s at ``start_m``: :data:`ENTRY_SPEED_MPS` at
    :data:`ENTRY_PATH_ANGLE_DEG`, horizontally toward the origin."""
    horizontal = -start_m[:2] / np.linalg.norm(start_m[:2])
    angle = np.radians(ENTRY_PATH_ANGLE_DEG)
    return ENTRY_SPEED_MPS * np.array([horizontal[0] * np.cos(angle),
                                       horizontal[1] * np.cos(angle), np.sin(angle)])


def measure(site: RadarSite, truth_m: np.ndarray, time_s: float,
            rng: np.random.Generator, radar_index: int = 0) -> DetectionBatch:
    """The reports of radar ``radar_index`` (Pd 1, no false alarms) of the positions
    ``truth_m`` (k, 3) at ``time_s``: range, azimuth and elevation in the radar's frame
    plus Gaussian noise of its sigmas (``rng``), converted as the radar converts them;
    the reports' threat ids are their rows of ``truth_m``."""
    local = (truth_m - site.position_enu_m) @ site.to_local.T
    slant = np.linalg.norm(local, axis=1)
    azimuth = np.mod(np.arctan2(local[:, 0], local[:, 1]), 2 * np.pi)
    elevation = np.arcsin(local[:, 2] / slant)
    sigmas = np.array([site.range_sigma_m, site.azimuth_sigma_rad, site.elevation_sigma_rad])
    noisy = np.column_stack([slant, azimuth, elevation]) + rng.standard_normal(
        (truth_m.shape[0], 3)) * sigmas
    position, covariance = converted_measurement(
        noisy[:, 0], noisy[:, 1], noisy[:, 2], site.position_enu_m, site.to_local, *sigmas)
    count = truth_m.shape[0]
    return DetectionBatch(radar_index, time_s, noisy[:, 0], noisy[:, 1], noisy[:, 2],
                          np.zeros(count), np.arange(count), position, covariance)


@dataclass(frozen=True, slots=True)
class ReentryScores:
    """Scores of one trial over its re-entry phase, per scored (scan, vehicle) sample:
    ``position_error_m`` and ``velocity_error_mps`` (s,), ``nees`` (s,) (6 degrees of
    freedom, the track's own state and covariance at its update), ``altitude_m`` (s,)
    truth; ``predicted_error_m`` (s, len(HORIZONS_S)) the picture's position
    ``HORIZONS_S`` ahead against the truth (NaN past the phase's bottom); the final
    inverse ballistic coefficient of the tracks matched to each vehicle (v,) (NaN:
    without ``ballistic_drag``); ``confirmed_tracks`` at the end."""

    position_error_m: np.ndarray
    velocity_error_mps: np.ndarray
    nees: np.ndarray
    altitude_m: np.ndarray
    predicted_error_m: np.ndarray
    inverse_coefficient_m2_kg: np.ndarray
    confirmed_tracks: int


def run_trial(tracking: Tracking, seed: int, revisit_s: float = 0.5,
              ballistic_coefficients_kg_m2: tuple[float, ...] = BALLISTIC_COEFFICIENTS_KG_M2,
              start_m: np.ndarray = START_M) -> ReentryScores:
    """One trial: the vehicles ``start_m`` (v, 3) with ``ballistic_coefficients_kg_m2``
    (v,) fall from time 0 until the lowest is below :data:`PHASE_BOTTOM_M`; the radar
    looks every ``revisit_s``; each scan is scored on the tracks updated by it (confirmed,
    matched to the vehicles by least position error, within 2 km)."""
    site = radar_site(revisit_s)
    rng = np.random.default_rng(seed)
    times = np.arange(revisit_s, 60.0 + max(HORIZONS_S) + revisit_s / 2, revisit_s)
    truth = np.stack([reentry_truth(start, entry_velocity(start), beta, times)
                      for start, beta in zip(start_m, ballistic_coefficients_kg_m2,
                                             strict=True)], axis=1)  # (t, v, 6)
    altitude = truth[:, :, 2] + (truth[:, :, 0] ** 2 + truth[:, :, 1] ** 2) / (
        2.0 * EARTH_RADIUS_M)
    tracker = CentralTracker(tracking, [site], EventLog([site.name], [], []))
    position_error, velocity_error, nees, altitudes, predicted = [], [], [], [], []
    last_match = np.full(len(start_m), -1)
    for scan, time_s in enumerate(times):
        above = altitude[scan] > 0.0
        if not above.any():
            break
        tracker.process(measure(site, truth[scan, above, :3], float(time_s), rng))
        in_phase = (altitude[scan] < PHASE_TOP_M) & (altitude[scan] > PHASE_BOTTOM_M)
        rows = np.flatnonzero((tracker.status == CONFIRMED) & (tracker.time_s == time_s))
        if rows.size == 0:
            continue
        distance = np.linalg.norm(tracker.state[rows, None, :3] - truth[scan, None, :, :3],
                                  axis=2)
        track_index, vehicle = linear_sum_assignment(distance)
        near = distance[track_index, vehicle] < 2_000.0
        track_index, vehicle = track_index[near], vehicle[near]
        last_match[vehicle] = tracker.track_id[rows[track_index]]
        scored = in_phase[vehicle]
        if not scored.any():
            continue
        row, vehicle = rows[track_index[scored]], vehicle[scored]
        error = tracker.state[row] - truth[scan, vehicle]
        position_error.append(np.linalg.norm(error[:, :3], axis=1))
        velocity_error.append(np.linalg.norm(error[:, 3:], axis=1))
        nees.append(np.einsum("ki,ki->k", error,
                              np.linalg.solve(tracker.covariance[row], error[..., None])[..., 0]))
        altitudes.append(altitude[scan, vehicle])
        ahead = np.full((row.size, len(HORIZONS_S)), np.nan)
        picture_rows = {track: k for k, track in enumerate(tracker.track_id[row])}
        for h, horizon in enumerate(HORIZONS_S):
            later = scan + round(horizon / revisit_s)
            picture = tracker.picture(float(time_s + horizon), tracker.track_id[row])
            for k, track in enumerate(picture.track_id):
                index = picture_rows[int(track)]
                if altitude[later, vehicle[index]] > PHASE_BOTTOM_M:
                    ahead[index, h] = np.linalg.norm(picture.position_m[k]
                                                     - truth[later, vehicle[index], :3])
        predicted.append(ahead)
    inverse = np.full(len(start_m), np.nan)
    if tracking.ballistic_drag:
        for vehicle, track in enumerate(last_match):
            row = np.flatnonzero(tracker.track_id == track)
            if track >= 0 and row.size:
                inverse[vehicle] = tracker.inverse_ballistic_coefficient_m2_kg[row[0]]
    return ReentryScores(np.concatenate(position_error), np.concatenate(velocity_error),
                         np.concatenate(nees), np.concatenate(altitudes),
                         np.concatenate(predicted), inverse,
                         int((tracker.status == CONFIRMED).sum()))
