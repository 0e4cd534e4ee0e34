"""Fire-control directors: a gun battery's own tracking sensors and their filtered tracks.

A search radar's track (15 m in range, 0.15 degree in angle, one look a second, a filter
tuned for every kind of threat at once) is tens of metres and ten metres a second off at a
few kilometres; predicted over a shell's 3-5 s of flight, that is a 30-60 m miss, and a
burst whose shells spread a few metres never comes near. A real point-defence gun aims from
its fire-control unit's own tracker (Skyguard/Skynex class: a tracking radar and an
electro-optical tracker). Each battery with ``fire_control`` has one director per fire
channel:

- **Cue (decision; reads the picture).** When the battle manager opens an engagement, a
  director is slewed to the engaged track (its position and velocity in the picture).
- **Acquisition and measurement (physics; reads the truth).** At each look
  (``update_rate_hz``, at instants within the step, the threats' true positions interpolated
  linearly over it) a director still searching locks the live threat nearest the cued
  position, if one lies within ``acquisition_gate_m`` of it and within ``max_range_km``
  of the battery; a neighbour is locked when the picture put the cue next to it. A locked
  director measures its threat's range, azimuth and elevation with Gaussian noise
  (``range_sigma_m``, ``angle_sigma_mrad``); it loses the lock when the threat dies or
  leaves its range. Angles are taken in the scenario's ENU axes at the battery (the tilt
  of the local vertical a few kilometres away, under a milliradian, is not modelled).
- **Track (decision side; reads only the measurements).** Each director filters its
  measurements with a constant-velocity Kalman filter (converted measurements, Bar-Shalom,
  Li and Kirubarajan, Estimation with Applications to Tracking and Navigation (2001),
  sec. 6.4 and 10.4), started at the first measurement with the picture's velocity and
  its variance. The battle manager aims a gun from this track (:meth:`solution`) once it
  has ``MIN_MEASUREMENTS``, otherwise from the picture.

Terrain (a scenario DEM, :meth:`FireControlDirectors.use_terrain`): a director stands on
the DEM (its battery's height above it) and sees nothing the terrain hides, along the
4/3-earth ray of :mod:`iadsim.world.terrain`: it acquires only a threat in view and loses
its lock at the first look the terrain hides. While it holds no lock and the terrain hides
its cue (the picture's track extrapolated, against the map: a decision, not the truth),
the battery holds fire (:meth:`cue_hidden`), for at most the battle manager's wait for a
settled track: a burst fired into a ridge can hit nothing. The battle manager does not
assign a battery a track whose picture position the terrain hides from its directors
(:meth:`hidden_from_batteries`).

A director whose engagement ended keeps its target (the battery may engage it again) until
it is cued elsewhere; a new cue takes a free director first, then the one cued longest ago.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from iadsim.sensors.measurements import _converted, converted_measurement
from iadsim.tracking import kalman
from iadsim.world.terrain import TerrainView

#: Measurements a director's track needs before the battery aims from it.
MIN_MEASUREMENTS = 5
#: The track has settled, and the battery fires from it, once its velocity sigma (RMS per
#: axis, m/s) is at most this: 1.5 m/s over a 4 s shell flight is 6 m, a few dispersion
#: sigmas of a 35 mm burst at that range.
SETTLED_VELOCITY_SIGMA_MPS = 1.5
#: Velocity sigma (m/s) assumed at the first measurement when the cue gives none.
DEFAULT_VELOCITY_SIGMA_MPS = 30.0


@dataclass(frozen=True, slots=True)
class FireControlSettings:
    """One battery's directors, SI units (see :class:`iadsim.scenario.schema.FireControl`)."""

    range_sigma_m: float
    angle_sigma_rad: float
    update_rate_hz: float
    max_range_m: float
    acquisition_gate_m: float
    process_noise_mps2: float

    @classmethod
    def from_schema(cls, fire_control) -> FireControlSettings:
        return cls(fire_control.range_sigma_m, fire_control.angle_sigma_mrad * 1e-3,
                   fire_control.update_rate_hz, fire_control.max_range_km * 1e3,
                   fire_control.acquisition_gate_m, fire_control.process_noise_mps2)


class FireControlDirectors:
    """Every director of a run (row = director; few exist, so per-director Python state).

    Parameters
    ----------
    battery_position_m:
        (n_batteries, 3) ENU positions of the batteries.
    settings:
        Per battery, its directors' settings, or None for a battery without.
    channels:
        (n_batteries,) directors per battery (its fire channels).
    rng:
        The run's ``fire_control`` stream (measurement noise).
    """

    def __init__(self, battery_position_m: np.ndarray,
                 settings: list[FireControlSettings | None], channels: np.ndarray,
                 rng: np.random.Generator):
        self.rng = rng
        self.settings = settings
        battery = [b for b, s in enumerate(settings) if s is not None
                   for _ in range(int(channels[b]))]
        count = len(battery)
        self.battery = np.array(battery, dtype=np.int64)
        self.site_m = np.asarray(battery_position_m, dtype=float)[self.battery].reshape(count, 3)
        self.track_id = np.full(count, -1, dtype=np.int64)  # the picture's track cued
        self.cue_time_s = np.full(count, -np.inf)
        self.cue_position_m = np.zeros((count, 3))
        self.cue_velocity_mps = np.zeros((count, 3))
        self.cue_velocity_sigma_mps = np.full(count, DEFAULT_VELOCITY_SIGMA_MPS)
        self.engaged = np.zeros(count, dtype=bool)
        self.locked_threat = np.full(count, -1, dtype=np.int64)  # physics: what it tracks
        self.measurements = np.zeros(count, dtype=np.int64)
        self.state = np.zeros((count, 6))
        self.covariance = np.zeros((count, 6, 6))
        self.state_time_s = np.zeros(count)
        #: The scenario's DEM and each director's antenna over it (None: no terrain).
        self.terrain: TerrainView | None = None
        self.antenna_m = self.site_m.copy()

    def use_terrain(self, terrain: TerrainView, flat_ground_m: float) -> None:
        """Mask the directors with ``terrain``: each antenna stands on the DEM at its
        battery's height above the flat ground ``flat_ground_m`` (m above the datum)."""
        self.terrain = terrain
        self.antenna_m = self.site_m.copy()
        if self.size:
            self.antenna_m[:, 2] += terrain.ground_m(self.site_m) - flat_ground_m

    def _in_view(self, row: int, position_m: np.ndarray) -> np.ndarray:
        """Whether director ``row`` sees each of ``position_m`` (k, 3) over the terrain."""
        if self.terrain is None:
            return np.ones(len(position_m), dtype=bool)
        return self.terrain.visible(self.antenna_m[row], position_m)

    def hidden_from_batteries(self, position_m: np.ndarray) -> np.ndarray | None:
        """(n_batteries, k) bool: the terrain hides each of ``position_m`` (k, 3) from the
        directors of each battery that has them (False for a battery without); None without
        terrain or directors (nothing is hidden). A decision aid on the picture and the map:
        the battle manager assigns a director battery no track it cannot see."""
        if self.terrain is None or self.size == 0 or len(position_m) == 0:
            return None
        hidden = np.zeros((len(self.settings), len(position_m)), dtype=bool)
        batteries, first = np.unique(self.battery, return_index=True)
        for battery, row in zip(batteries.tolist(), first.tolist(), strict=True):
            hidden[battery] = ~self._in_view(row, position_m)
        return hidden

    @property
    def size(self) -> int:
        return self.battery.size

    @property
    def active(self) -> bool:
        """True when some director is cued (and so looks this step)."""
        # The largest cued id is not negative (one reduction, no mask): checked every step.
        track_id = self.track_id
        return track_id.size > 0 and bool(np.maximum.reduce(track_id) >= 0)

    def has_directors(self, battery: int) -> bool:
        return self.settings[battery] is not None

    def _director(self, battery: int, track_id: int) -> int:
        """The battery's director on ``track_id``, or -1."""
        rows = ((self.battery == battery) & (self.track_id == track_id)).nonzero()[0]
        return int(rows[0]) if rows.size else -1

    def cue(self, time_s: float, battery: int, track_id: int, position_m: np.ndarray,
            velocity_mps: np.ndarray, velocity_sigma_mps: float | None = None) -> None:
        """Slew a director of ``battery`` to the picture's track (a decision on the picture).

        A director already on that track keeps its lock and filter; otherwise a free
        director (or the one cued longest ago) drops what it had and searches anew.
        """
        if not self.has_directors(battery):
            return
        row = self._director(battery, track_id)
        if row < 0:
            own = (self.battery == battery).nonzero()[0]
            free = own[~self.engaged[own]]
            pool = free if free.size else own
            row = int(pool[np.argmin(self.cue_time_s[pool])])
            self.track_id[row] = track_id
            self.locked_threat[row] = -1
            self.measurements[row] = 0
        self.engaged[row] = True
        self.cue_time_s[row] = time_s
        self.cue_position_m[row] = position_m
        self.cue_velocity_mps[row] = velocity_mps
        self.cue_velocity_sigma_mps[row] = (DEFAULT_VELOCITY_SIGMA_MPS if velocity_sigma_mps
                                            is None or not np.isfinite(velocity_sigma_mps)
                                            else max(float(velocity_sigma_mps), 1.0))

    def cue_hidden(self, time_s: float, battery: int, track_id: int) -> bool:
        """True when the battery's director on ``track_id`` holds no lock and the terrain
        hides its cue at ``time_s`` (the picture's track extrapolated; a decision on the
        picture and the map). Always False without terrain."""
        if self.terrain is None:
            return False
        row = self._director(battery, track_id)
        if row < 0 or self.locked_threat[row] >= 0:
            return False
        cue = self.cue_position_m[row] + self.cue_velocity_mps[row] * (
            time_s - self.cue_time_s[row])
        return not bool(self._in_view(row, cue[None, :])[0])

    def release(self, battery: int, track_id: int) -> None:
        """The engagement ended: the director stays on its target but may be re-cued."""
        row = self._director(battery, track_id)
        if row >= 0:
            self.engaged[row] = False

    def solution(self, time_s: float, battery: int, track_id: int
                 ) -> tuple[np.ndarray, np.ndarray] | None:
        """The director's track of ``track_id`` predicted to ``time_s``: position (3,) and
        velocity (3,), or None until it has settled (at least :data:`MIN_MEASUREMENTS`
        and a velocity sigma within :data:`SETTLED_VELOCITY_SIGMA_MPS`)."""
        row = self._director(battery, track_id)
        if row < 0 or self.measurements[row] < MIN_MEASUREMENTS:
            return None
        velocity_sigma = np.sqrt(np.trace(self.covariance[row, 3:, 3:]) / 3.0)
        if velocity_sigma > SETTLED_VELOCITY_SIGMA_MPS:
            return None
        ahead = time_s - self.state_time_s[row]
        state = self.state[row]
        return state[:3] + state[3:] * ahead, state[3:].copy()

    def measure(self, start_s: float, end_s: float, threat_start_m: np.ndarray,
                threat_end_m: np.ndarray, threat_alive: np.ndarray) -> None:
        """Look over ``(start_s, end_s]`` and filter the measurements (see the module).

        threat_start_m, threat_end_m: (n_threats, 3) true positions at both ends of the
        step; threat_alive: (n_threats,) bool, alive over the step. Physics reads them:
        acquisition (which threat is in the gate) and the measured values.
        """
        watching = (self.track_id >= 0).nonzero()[0]
        if watching.size == 0:
            return
        alive = np.asarray(threat_alive, dtype=bool)
        span = end_s - start_s
        for row in watching.tolist():
            settings = self.settings[int(self.battery[row])]
            threat = int(self.locked_threat[row])
            if threat >= 0 and not alive[threat]:
                self.locked_threat[row] = threat = -1
                self.measurements[row] = 0
                if not self.engaged[row]:
                    self.track_id[row] = -1  # released and its target gone: idle
                    continue
            period = 1.0 / settings.update_rate_hz
            if self.terrain is not None:
                # Look instants within the step on the director's own clock.
                first = np.floor(start_s / period + 1e-9) + 1
                times = np.arange(first, np.floor(end_s / period + 1e-9) + 1) * period
                if times.size == 0:
                    continue
                fraction = (times - start_s) / span
                if threat < 0:
                    threat = self._acquire(row, settings, times[0], fraction[0],
                                           threat_start_m, threat_end_m, alive)
                    if threat < 0:
                        continue
                truth = (threat_start_m[threat][None, :] + fraction[:, None]
                         * (threat_end_m[threat] - threat_start_m[threat])[None, :])
                self._filter(row, settings, times, truth)
                continue
            # Without terrain: the looks' geometry, and then the measurements' conversion
            # and filtering, each in one compiled call (:func:`_looks`, :func:`_measured`).
            times, relative, true_range, kept = _looks(
                start_s, end_s, period, threat_start_m, threat_end_m, threat,
                self.site_m[row], settings.max_range_m)
            if times.size == 0:
                continue
            if threat < 0:
                threat = self._acquire(row, settings, times[0], (times[0] - start_s) / span,
                                       threat_start_m, threat_end_m, alive)
                if threat < 0:
                    continue
                times, relative, true_range, kept = _looks(
                    start_s, end_s, period, threat_start_m, threat_end_m, threat,
                    self.site_m[row], settings.max_range_m)
            self._filter_looks(row, settings, times, relative, true_range, kept)

    def _acquire(self, row: int, settings: FireControlSettings, time_s: float,
                 fraction: float, threat_start_m: np.ndarray, threat_end_m: np.ndarray,
                 alive: np.ndarray) -> int:
        """Lock the live threat nearest the cued position within the gate and range (and,
        with terrain, in view)."""
        cue = self.cue_position_m[row] + self.cue_velocity_mps[row] * (
            time_s - self.cue_time_s[row])
        candidates = alive.nonzero()[0]
        position = threat_start_m[candidates] + fraction * (threat_end_m[candidates]
                                                            - threat_start_m[candidates])
        gap = np.linalg.norm(position - cue, axis=1)
        distance = np.linalg.norm(position - self.site_m[row], axis=1)
        inside = (gap <= settings.acquisition_gate_m) & (distance <= settings.max_range_m)
        if self.terrain is not None and inside.any():
            inside[inside] = self._in_view(row, position[inside])
        if not inside.any():
            return -1
        chosen = int(candidates[inside][np.argmin(gap[inside])])
        self.locked_threat[row] = chosen
        self.measurements[row] = 0
        return chosen

    def _filter(self, row: int, settings: FireControlSettings, times: np.ndarray,
                truth_m: np.ndarray) -> None:
        """Measure the locked threat at ``times`` (truth (k, 3)) and filter the readings."""
        relative = truth_m - self.site_m[row]
        true_range = np.linalg.norm(relative, axis=1)
        in_range = true_range <= settings.max_range_m
        if self.terrain is not None:
            in_range &= self._in_view(row, truth_m)
        if not in_range.all():
            # Out of range or hidden: the lock is lost at the first look beyond or behind.
            self.locked_threat[row] = -1
            self.measurements[row] = 0
            keep = np.cumprod(in_range).astype(bool)
            times, relative, true_range = times[keep], relative[keep], true_range[keep]
        count = times.size
        if count == 0:
            return
        noise = self.rng.standard_normal((count, 3))
        measured_range = true_range + settings.range_sigma_m * noise[:, 0]
        azimuth = np.arctan2(relative[:, 0], relative[:, 1]) + settings.angle_sigma_rad * noise[
            :, 1]
        elevation = (np.arcsin(np.clip(relative[:, 2] / true_range, -1.0, 1.0))
                     + settings.angle_sigma_rad * noise[:, 2])
        position, covariance = converted_measurement(
            measured_range, azimuth, elevation, self.site_m[row], np.eye(3),
            settings.range_sigma_m, settings.angle_sigma_rad, settings.angle_sigma_rad)
        start = 0
        if self.measurements[row] == 0:
            # Start at the first measurement with the cue's (the picture's) velocity.
            self.state[row, :3], self.state[row, 3:] = position[0], self.cue_velocity_mps[row]
            self.covariance[row] = 0.0
            self.covariance[row, :3, :3] = covariance[0]
            self.covariance[row, 3:, 3:] = np.eye(3) * self.cue_velocity_sigma_mps[row] ** 2
            self.state_time_s[row] = times[0]
            start = 1
        if start < count:
            state, cov = _filter_run(self.state[row : row + 1].copy(),
                                     self.covariance[row : row + 1].copy(),
                                     self.state_time_s[row], times[start:],
                                     position[start:], covariance[start:],
                                     settings.process_noise_mps2)
            self.state[row], self.covariance[row] = state[0], cov[0]
            self.state_time_s[row] = times[-1]
        self.measurements[row] += count


    def _filter_looks(self, row: int, settings: FireControlSettings, times: np.ndarray,
                      relative: np.ndarray, true_range: np.ndarray, kept: int) -> None:
        """:meth:`_filter` without terrain, from :func:`_looks`: the looks' positions
        relative to the director (k, 3) and ranges (k,), of which the first ``kept`` are
        in its range. The same draws and the same values bit for bit: the angles stay
        NumPy's (``arctan2``, ``arcsin``: its SIMD forms differ from the C library's in
        the last bit), on arrays of the same layout; the rest is compiled."""
        if kept < times.size:
            # Out of range: the lock is lost at the first look beyond.
            self.locked_threat[row] = -1
            self.measurements[row] = 0
            times, relative, true_range = times[:kept], relative[:kept], true_range[:kept]
        if kept == 0:
            return
        noise = self.rng.standard_normal((kept, 3))
        azimuth = np.arctan2(relative[:, 0], relative[:, 1])
        elevation = np.arcsin(_clipped_sine(relative, true_range))
        velocity_variance = self.cue_velocity_sigma_mps[row] ** 2
        _measured(row, times, true_range, azimuth, elevation, noise, settings.range_sigma_m,
                  settings.angle_sigma_rad, settings.process_noise_mps2, velocity_variance,
                  self.site_m, self.cue_velocity_mps, self.measurements, self.state,
                  self.covariance, self.state_time_s)


@njit(cache=True)
def _looks(start_s: float, end_s: float, period: float, threat_start_m: np.ndarray,
           threat_end_m: np.ndarray, threat: int, site_m: np.ndarray, max_range_m: float
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """A director's look instants within ``(start_s, end_s]`` (every ``period`` s on its
    own clock; the ``floor`` and ``arange`` of :meth:`FireControlDirectors.measure`) and,
    for a locked ``threat`` (-1: none, only the instants), its true position at each
    relative to the director (k, 3), its range (k,) and how many looks in a row from the
    first are within ``max_range_m``. The same operations in the same order as the array
    form (the norm's squares summed left to right)."""
    first = np.floor(start_s / period + 1e-9) + 1
    stop = np.floor(end_s / period + 1e-9) + 1
    count = max(int(np.ceil(stop - first)), 0)
    times = np.empty(count)
    for index in range(count):
        times[index] = (first + index) * period
    if threat < 0:
        return times, np.empty((0, 3)), np.empty(0), 0
    span = end_s - start_s
    relative = np.empty((count, 3))
    true_range = np.empty(count)
    kept = count
    for index in range(count):
        fraction = (times[index] - start_s) / span
        for axis in range(3):
            start = threat_start_m[threat, axis]
            truth = start + fraction * (threat_end_m[threat, axis] - start)
            relative[index, axis] = truth - site_m[axis]
        east, north, up = relative[index, 0], relative[index, 1], relative[index, 2]
        true_range[index] = np.sqrt(east * east + north * north + up * up)
        if kept == count and not true_range[index] <= max_range_m:
            kept = index
    return times, relative, true_range, kept


@njit(cache=True)
def _clipped_sine(relative: np.ndarray, true_range: np.ndarray) -> np.ndarray:
    """``np.clip(relative[:, 2] / true_range, -1, 1)``: the sine of each look's elevation
    (NaN stays NaN), a contiguous array as the array form gives ``arcsin``."""
    sine = np.empty(true_range.size)
    for index in range(true_range.size):
        value = relative[index, 2] / true_range[index]
        if value < -1.0:
            value = -1.0
        elif value > 1.0:
            value = 1.0
        sine[index] = value
    return sine


@njit(cache=True)
def _measured(row: int, times: np.ndarray, true_range: np.ndarray, azimuth: np.ndarray,
              elevation: np.ndarray, noise: np.ndarray, range_sigma_m: float,
              angle_sigma_rad: float, process_noise_mps2: float, velocity_variance: float,
              site_m: np.ndarray, cue_velocity_mps: np.ndarray, measurements: np.ndarray,
              state: np.ndarray, covariance: np.ndarray, state_time_s: np.ndarray) -> None:
    """The rest of :meth:`FireControlDirectors._filter` for director ``row``, in place:
    the noisy range, azimuth and elevation (the true ones plus sigma x ``noise``), their
    conversion (:func:`iadsim.sensors.measurements._converted`, the director's ENU axes),
    the filter's start at the first measurement with the cue's velocity (when it has
    none) and the Kalman filter over the others (:func:`_filter_run`)."""
    count = times.size
    measured = np.empty((count, 3))
    sigmas = np.empty((count, 3))
    for index in range(count):
        measured[index, 0] = true_range[index] + range_sigma_m * noise[index, 0]
        measured[index, 1] = azimuth[index] + angle_sigma_rad * noise[index, 1]
        measured[index, 2] = elevation[index] + angle_sigma_rad * noise[index, 2]
        sigmas[index, 0] = range_sigma_m
        sigmas[index, 1] = angle_sigma_rad
        sigmas[index, 2] = angle_sigma_rad
    position, position_cov = _converted(measured, np.zeros(count, dtype=np.intp),
                                        site_m[row : row + 1], np.eye(3).reshape(1, 3, 3),
                                        sigmas)
    start = 0
    if measurements[row] == 0:
        # Start at the first measurement with the cue's (the picture's) velocity.
        for axis in range(3):
            state[row, axis] = position[0, axis]
            state[row, 3 + axis] = cue_velocity_mps[row, axis]
        covariance[row] = 0.0
        covariance[row, :3, :3] = position_cov[0]
        for axis in range(3):
            covariance[row, 3 + axis, 3 + axis] = velocity_variance
        state_time_s[row] = times[0]
        start = 1
    if start < count:
        new_state, new_cov = _filter_run(state[row : row + 1].copy(),
                                         covariance[row : row + 1].copy(), state_time_s[row],
                                         times[start:], position[start:],
                                         position_cov[start:], process_noise_mps2)
        state[row] = new_state[0]
        covariance[row] = new_cov[0]
        state_time_s[row] = times[count - 1]
    measurements[row] += count


@njit(cache=True)
def _filter_run(state: np.ndarray, covariance: np.ndarray, time_s: float, times: np.ndarray,
                position: np.ndarray, position_cov: np.ndarray, acceleration_sigma_mps2: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """Predict and update one track (1, 6)/(1, 6, 6) at ``time_s`` with each measurement
    (k, 3)/(k, 3, 3) at ``times`` in turn (one compiled call for a step's looks)."""
    no_acceleration = np.zeros((1, 3))
    elapsed = np.empty(1)
    last = time_s
    for index in range(times.size):
        elapsed[0] = times[index] - last
        state, covariance = kalman._predict(state, covariance, elapsed,
                                            acceleration_sigma_mps2, no_acceleration)
        state, covariance = kalman.update(state, covariance, position[index : index + 1],
                                          position_cov[index : index + 1])
        last = times[index]
    return state, covariance


def fire_control_directors(scenario, battery_position_m: np.ndarray, channels: np.ndarray,
                           rng: np.random.Generator) -> FireControlDirectors:
    """The directors of a scenario's batteries (none for a battery without fire control)."""
    settings = [None if b.fire_control is None else FireControlSettings.from_schema(
        b.fire_control) for b in scenario.batteries]
    return FireControlDirectors(battery_position_m, settings, channels, rng)
