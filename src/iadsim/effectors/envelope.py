"""The kinematic envelope of an interceptor type, from flying its own flight model.

For every type a grid of points (ground range from the launcher x altitude above it) is
flown once with the flyout itself (:mod:`iadsim.effectors.flyout_kernel`: the same motor,
drag, gravity, loft and lateral limit), each round guided on a point at rest with perfect
knowledge of it, no seeker and no aiming error. Each grid point records the time of flight
and the speed at arrival; a point the round cannot reach (too slow after burnout, out of
flight time) is NaN. The battle manager reads the table, bilinearly interpolated (NaN when
any neighbour is unreachable), to find when and where it can intercept a track
(:func:`intercept_solution`); the kinematic maximum range and altitude follow from it.

A gun's grid is flown by the ballistic projectile aimed straight at the point; the drop
below the line of fire is measured and the aim raised by it, twice (the fire-control
superelevation), and the table keeps the aim correction (``aim_up_m``).

Grid: 41 ground ranges from 0 to 1.5 x the type's published ``max_range_km`` and 21
altitudes from 0 to 1.5 x ``max_altitude_m``. Tables are cached per type (by the type's
parameters) within a process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numba import njit

from iadsim.effectors.batteries import InterceptorTable
from iadsim.effectors.flight import IS_GUN, LAUNCH_SPEED, MAX_FLIGHT_TIME, SEEKER_RANGE
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.effectors.intercept_geometry import intercept_time
from iadsim.effectors.intercept_prediction import predicted_intercept_time, table_value

RANGE_POINTS, ALTITUDE_POINTS = 41, 21
GRID_EXTENT = 1.5
ENVELOPE_STEP_S = 4.0
GUN_AIM_PASSES = 3


@dataclass(frozen=True, slots=True)
class Envelope:
    """Envelope tables of one type over (ground range, altitude); shapes (41, 21)."""

    range_step_m: float
    altitude_step_m: float
    time_of_flight_s: np.ndarray  # NaN where unreachable
    arrival_speed_mps: np.ndarray
    aim_up_m: np.ndarray  # gun superelevation as height added to the aim point; 0 missiles

    @property
    def max_time_of_flight_s(self) -> float:
        finite = self.time_of_flight_s[np.isfinite(self.time_of_flight_s)]
        return float(finite.max()) if finite.size else 0.0

    @property
    def average_speed_mps(self) -> float:
        """Median over the reachable grid of distance / time of flight (m/s)."""
        ground = np.arange(RANGE_POINTS)[:, None] * self.range_step_m
        height = np.arange(ALTITUDE_POINTS)[None, :] * self.altitude_step_m
        time = self.time_of_flight_s
        flown = np.isfinite(time) & (time > 0.0)  # not the launcher's own point
        speed = np.hypot(ground, height)[flown] / time[flown]
        finite = speed[speed > 0]
        return float(np.median(finite)) if finite.size else 1.0

    @property
    def max_range_m(self) -> float:
        """Largest ground range reached at any altitude (m)."""
        reached = np.isfinite(self.time_of_flight_s).any(axis=1).nonzero()[0]
        return float(reached.max() * self.range_step_m) if reached.size else 0.0

    @property
    def max_altitude_m(self) -> float:
        """Largest altitude reached at any ground range (m)."""
        reached = np.isfinite(self.time_of_flight_s).any(axis=0).nonzero()[0]
        return float(reached.max() * self.altitude_step_m) if reached.size else 0.0


def envelopes(types: InterceptorTable, earth_radius_m: float) -> list[Envelope]:
    """The envelope of every type of the table (cached per type); a laser's or jammer's
    is :func:`beam_envelope` (it does not fly)."""
    beam = types.is_beam
    return [beam_envelope(float(types.max_range_m[kind]), float(types.max_altitude_m[kind]))
            if beam[kind] else
            _envelope(types.flight[kind].tobytes(), float(types.max_range_m[kind]),
                      float(types.max_altitude_m[kind]), float(earth_radius_m))
            for kind in range(types.flight.shape[0])]


def beam_envelope(max_range_m: float, max_altitude_m: float) -> Envelope:
    """A beam weapon's envelope: the beam arrives at once (light travels 3 km in 10 us)
    anywhere on the grid, so the engagement point is where the track is when the dwell
    begins; the published envelope (range, altitude) bounds it as for any type."""
    shape = (RANGE_POINTS, ALTITUDE_POINTS)
    return Envelope(GRID_EXTENT * max_range_m / (RANGE_POINTS - 1),
                    GRID_EXTENT * max_altitude_m / (ALTITUDE_POINTS - 1), np.zeros(shape),
                    np.full(shape, 299_792_458.0), np.zeros(shape))


def stacked_tables(types: InterceptorTable, earth_radius_m: float = 6_371_000.0
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n_types, 41, 21) time-of-flight and aim-up tables, and (n_types, 4) scalars:
    range step, altitude step, maximum time of flight, average speed (cached)."""
    key = (types.flight.tobytes(), types.max_range_m.tobytes(), types.max_altitude_m.tobytes(),
           types.is_beam.tobytes(), float(earth_radius_m))
    return _stacked(key, types, earth_radius_m)


_STACKED: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def _stacked(key: tuple, types: InterceptorTable, earth_radius_m: float
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    found = _STACKED.get(key)
    if found is None:
        found = _stack(envelopes(types, earth_radius_m))
        if len(_STACKED) > 64:
            _STACKED.clear()
        _STACKED[key] = found
    return found


def _stack(found: list[Envelope]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not found:
        empty = np.zeros((0, RANGE_POINTS, ALTITUDE_POINTS))
        return empty, empty.copy(), np.zeros((0, 4))
    return (np.stack([e.time_of_flight_s for e in found]),
            np.stack([e.aim_up_m for e in found]),
            np.array([[e.range_step_m, e.altitude_step_m, e.max_time_of_flight_s,
                       e.average_speed_mps] for e in found]))


@lru_cache(maxsize=64)
def _envelope(parameters: bytes, max_range_m: float, max_altitude_m: float,
              earth_radius_m: float) -> Envelope:
    flight = np.frombuffer(parameters, dtype=float).copy()
    gun = flight[IS_GUN] != 0.0
    flight[SEEKER_RANGE] = 0.0  # guided on the point to the end
    range_step = GRID_EXTENT * max_range_m / (RANGE_POINTS - 1)
    altitude_step = GRID_EXTENT * max_altitude_m / (ALTITUDE_POINTS - 1)
    ground = np.arange(RANGE_POINTS) * range_step
    altitude = np.arange(ALTITUDE_POINTS) * altitude_step
    ground_grid, altitude_grid = np.meshgrid(ground, altitude, indexing="ij")
    angle = ground_grid.ravel() / earth_radius_m
    radius = earth_radius_m + altitude_grid.ravel()
    points = np.column_stack([radius * np.sin(angle), np.zeros(angle.size),
                              radius * np.cos(angle) - earth_radius_m])
    points[:, 1] = 1.0  # keep the point off the launcher's vertical axis
    count = points.shape[0]
    one = np.ones(1)
    table = InterceptorTable(
        names=["envelope"], is_gun=np.array([gun]), min_range_m=0 * one,
        max_range_m=max_range_m * one, min_altitude_m=0 * one, max_altitude_m=one,
        speed_mps=one, max_target_speed_mps=one, lethal_radius_m=one, single_shot_pk=one,
        seeker_range_m=0 * one, aim_error_m=0 * one,
        max_flight_time_s=flight[MAX_FLIGHT_TIME] * one, cost_per_round_usd=0 * one,
        flight=flight[None, :], lethality_model=np.zeros(1, dtype=int),
        shells_per_burst=np.ones(1, dtype=int), dispersion_rad=0 * one,
        burst_duration_s=0 * one)
    aim_up = np.zeros(count)
    for _ in range(GUN_AIM_PASSES if gun else 1):
        time_of_flight, speed, miss_up = _fly_to(table, points, aim_up, earth_radius_m)
        if gun:
            aim_up = aim_up + np.nan_to_num(miss_up)
    if gun:
        # Points whose shells still pass more than 5 m from them are not reachable.
        _, _, residual = _fly_to(table, points, aim_up, earth_radius_m)
        time_of_flight = np.where(np.abs(residual) <= 5.0, time_of_flight, np.nan)
    # The launcher's own point is reached at once; without it, no point within one grid
    # cell of the launcher could be interpolated (published minimum ranges gate it anyway).
    time_of_flight[0], speed[0] = 0.0, flight[LAUNCH_SPEED]
    shape = (RANGE_POINTS, ALTITUDE_POINTS)
    return Envelope(range_step, altitude_step, time_of_flight.reshape(shape),
                    speed.reshape(shape), aim_up.reshape(shape))


def _fly_to(table: InterceptorTable, points: np.ndarray, aim_up_m: np.ndarray,
            earth_radius_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fly one round at each point at rest; returns time of flight (NaN: not reached),
    speed at arrival and how far below the point the round passed (m)."""
    count = points.shape[0]
    fleet = InterceptorFleet(table, np.random.default_rng(0), earth_radius_m,
                             predict_intercept=False)
    aim = points.copy()
    aim[:, 2] += aim_up_m
    for row in range(count):
        fleet.launch(0.0, np.zeros(3), aim[row], 0, 0, row, -1, points[row], np.zeros(3))
    time_of_flight = np.full(count, np.nan)
    speed = np.full(count, np.nan)
    below = np.full(count, np.nan)
    alive = np.ones(count, dtype=bool)
    rcs = np.ones(count)
    empty = np.zeros(0, dtype=np.int64)
    steps = int(np.ceil(table.flight[0, MAX_FLIGHT_TIME] / ENVELOPE_STEP_S)) + 1
    for step in range(steps):
        if fleet.flying.size == 0:
            break
        outcome = fleet.step(step * ENVELOPE_STEP_S, ENVELOPE_STEP_S, points, points, alive,
                             rcs, empty, np.zeros((0, 3)), np.zeros((0, 3)))
        hit = ~outcome.self_destructed & (outcome.threat_id == outcome.engagement_id)
        rows = outcome.engagement_id[hit]
        time_of_flight[rows] = outcome.time_s[hit]
        speed[rows] = np.linalg.norm(fleet.velocity_mps[outcome.interceptor_id[hit]], axis=1)
        below[rows] = points[rows, 2] - outcome.position_m[hit, 2]
    return time_of_flight, speed, below


@njit(cache=True, error_model="numpy")
def intercept_solution(px: float, py: float, pz: float, vx: float, vy: float, vz: float,
                       delay_s: float, time_of_flight: np.ndarray, range_step_m: float,
                       altitude_step_m: float, max_time_of_flight_s: float,
                       average_speed_mps: float, earth_radius_m: float) -> float:
    """Earliest time from now (s) at which a round launched ``delay_s`` from now meets a
    target at ``p`` (relative to the launcher, m) moving at ``v`` (m/s); NaN if none
    within the round's flight time: :func:`predicted_intercept_time` at constant
    velocity (engageability reads it so)."""
    return predicted_intercept_time(px, py, pz, vx, vy, vz, 0.0, 0.0, 0.0, delay_s,
                                    time_of_flight, range_step_m, altitude_step_m,
                                    max_time_of_flight_s, average_speed_mps, earth_radius_m)


def launch_aim_point(types: InterceptorTable, kind: int, launcher_m: np.ndarray,
                     track_position_m: np.ndarray, track_velocity_mps: np.ndarray,
                     earth_radius_m: float,
                     track_acceleration_mps2: np.ndarray | None = None) -> np.ndarray:
    """Where a round of type ``kind`` launched now is aimed (3,), m: the predicted intercept
    point of the track (the picture) from the envelope, the track predicted with its known
    acceleration (gravity for a ballistic track, default none:
    :mod:`iadsim.effectors.intercept_prediction`), raised for a gun by its superelevation;
    the constant-average-speed, constant-velocity solution when the envelope has none."""
    return launch_solution(types, kind, launcher_m, track_position_m, track_velocity_mps,
                           earth_radius_m, track_acceleration_mps2)[0]


def launch_solution(types: InterceptorTable, kind: int, launcher_m: np.ndarray,
                    track_position_m: np.ndarray, track_velocity_mps: np.ndarray,
                    earth_radius_m: float, track_acceleration_mps2: np.ndarray | None = None
                    ) -> tuple[np.ndarray, bool]:
    """The aim point of :func:`launch_aim_point` and whether the envelope holds an intercept
    of the track from this launcher now (False: the aim is the constant-velocity fallback,
    a point the round's tabulated flight does not reach in time). A fire-control computer
    checks this before each round leaves: the battle manager fires no round without it.
    """
    time_of_flight, aim_up, scalars = stacked_tables(types, earth_radius_m)
    relative = np.asarray(track_position_m, dtype=float) - launcher_m
    velocity = np.asarray(track_velocity_mps, dtype=float)
    acceleration = (np.zeros(3) if track_acceleration_mps2 is None
                    else np.asarray(track_acceleration_mps2, dtype=float))
    step_range, step_altitude, longest, average = scalars[kind]
    time = predicted_intercept_time(relative[0], relative[1], relative[2], velocity[0],
                                    velocity[1], velocity[2], acceleration[0],
                                    acceleration[1], acceleration[2], 0.0,
                                    time_of_flight[kind], step_range, step_altitude, longest,
                                    average, earth_radius_m)
    in_envelope = not np.isnan(time)
    if np.isnan(time):
        acceleration = np.zeros(3)  # the fallback is the constant-velocity triangle
        time = intercept_time(relative[0], relative[1], relative[2], velocity[0], velocity[1],
                              velocity[2], float(types.speed_mps[kind]), 0.0)
    ahead = 0.0 if np.isnan(time) else float(time)
    aim = track_position_m + velocity * ahead + 0.5 * acceleration * ahead * ahead
    ex, ey, ez = aim - launcher_m
    height = float(np.sqrt(ex * ex + ey * ey + (ez + earth_radius_m) ** 2) - earth_radius_m)
    if height < 0.0:
        # The target is not predicted below the ground (the launcher's, on the smooth
        # earth): a low flyer's descending track extrapolated into it is aimed at the
        # ground's surface there, which is where the table's flight time was read.
        horizontal2 = min(ex * ex + ey * ey, earth_radius_m * earth_radius_m)
        aim[2] = launcher_m[2] + np.sqrt(earth_radius_m**2 - horizontal2) - earth_radius_m
        height = 0.0
    if types.is_gun[kind]:
        raise_m = table_value(aim_up[kind], step_range, step_altitude, float(np.hypot(ex, ey)),
                              height)
        aim = aim + np.array([0.0, 0.0, 0.0 if np.isnan(raise_m) else raise_m])
    return aim, in_envelope
