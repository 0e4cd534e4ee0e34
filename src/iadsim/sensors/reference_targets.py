"""Registration references as the world has them: where they truly are, what the radars
see of them, and what the cooperative aircraft report of themselves.

Two kinds (``registration`` in the scenario, :class:`iadsim.scenario.schema.Registration`):

* Reference points: surveyed fixed objects (a calibration reflector, a beacon on a
  tower). Their surveyed position is where they are (the truth by definition).
* Cooperative aircraft: fly their route once at constant speed on straight legs (in the
  scenario frame) from their start time, then are gone. Every ``report_interval_s`` from
  their start each reports its navigation position (ADS-B-like): the true position plus
  its systematic ``report_error_m`` plus Gaussian noise of its stated ``report_sigma_m``
  per axis, drawn from the run's ``registration:navigation`` stream, report after report
  in time order (then aircraft order).

The radars see the references at each look with the same detection, noise and bias as a
threat's plot (:meth:`iadsim.sensors.radar.RadarNetwork.sight`), drawing from one stream
per radar (``registration:<radar name>``): adding references leaves every threat's
detection and every other draw unchanged (common random numbers). Their plots carry the
truth id :data:`REFERENCE_PLOT_ID` and join the radar's scan of the same look
(:func:`merge_scans`), so the fusion centre receives them among the threats' plots and
must associate them itself (:mod:`iadsim.tracking.registration`).

This module reads the truth (it is the world): only the physics and the reports use it.
Limits: no jamming of the references' plots and no range rate; the detections are not
logged as events; a cooperative aircraft does not turn at corners (straight legs).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from iadsim.engine.random_streams import stream
from iadsim.scenario.schema import Registration
from iadsim.sensors.radar import DetectionBatch, RadarNetwork
from iadsim.world.geodesy import LocalFrame

#: Truth id of a reference's plot (a false alarm's is -1, a threat's its id).
REFERENCE_PLOT_ID = -2


@dataclass(frozen=True, slots=True)
class NavigationReports:
    """Navigation reports of cooperative aircraft, one row each, in time order."""

    time_s: np.ndarray  # (n,)
    aircraft: np.ndarray  # (n,) index among the scenario's cooperative aircraft
    position_m: np.ndarray  # (n, 3) reported position, scenario ENU

    @property
    def size(self) -> int:
        return int(self.time_s.size)


class ReferenceTargets:
    """The references' truth, their sightings by the radars and the aircraft's reports."""

    def __init__(self, registration: Registration, frame: LocalFrame,
                 ground_elevation_m: float, radar_names: list[str], seed: int):
        points = registration.reference_points
        #: Surveyed positions (p, 3) of the reference points, scenario ENU, and heights.
        self.point_position_m = frame.to_enu(
            [p.lat_deg for p in points], [p.lon_deg for p in points],
            [ground_elevation_m + p.height_m for p in points]).reshape(-1, 3)
        self.point_height_m = np.array([p.height_m for p in points], dtype=float)
        self.point_rcs_m2 = np.array([p.rcs_m2 for p in points], dtype=float)
        self.point_sigma_m = np.array([p.survey_sigma_m for p in points], dtype=float)
        aircraft = registration.cooperative_aircraft
        self.aircraft_rcs_m2 = np.array([a.rcs_m2 for a in aircraft], dtype=float)
        self.report_sigma_m = np.array([a.report_sigma_m for a in aircraft], dtype=float)
        self.report_interval_s = np.array([a.report_interval_s for a in aircraft], dtype=float)
        self.report_error_m = np.array([a.report_error_m for a in aircraft],
                                       dtype=float).reshape(-1, 3)
        self.start_s = np.array([a.start_s for a in aircraft], dtype=float)
        #: Each aircraft's route: ENU points (w, 3), heights above ground (w,), and the
        #: time since its start at each point (w,).
        self.routes: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for entry in aircraft:
            heights = np.array([w.altitude_m for w in entry.route])
            enu = frame.to_enu([w.lat_deg for w in entry.route],
                               [w.lon_deg for w in entry.route],
                               ground_elevation_m + heights).reshape(-1, 3)
            legs = np.linalg.norm(np.diff(enu, axis=0), axis=1)
            self.routes.append((enu, heights, np.concatenate(
                [[0.0], np.cumsum(legs / entry.speed_mps)])))
        self.end_s = np.array([start + route[2][-1] for start, route
                               in zip(self.start_s, self.routes, strict=True)])
        self._next_report = np.zeros(len(aircraft), dtype=np.int64)
        self._navigation_rng = stream(seed, "registration:navigation")
        self._radar_rngs = [stream(seed, f"registration:{name}") for name in radar_names]

    @property
    def point_count(self) -> int:
        return int(self.point_height_m.size)

    def aircraft_at(self, time_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Indices, true positions (k, 3) and heights (k,) of the aircraft flying at
        ``time_s``."""
        flying = ((self.start_s <= time_s) & (time_s <= self.end_s)).nonzero()[0]
        position, height = np.zeros((flying.size, 3)), np.zeros(flying.size)
        for row, index in enumerate(flying.tolist()):
            position[row], height[row] = self._on_route(index, time_s)
        return flying, position, height

    def _on_route(self, index: int, time_s: float) -> tuple[np.ndarray, float]:
        """True position (3,) and height of aircraft ``index`` at ``time_s``."""
        enu, heights, times = self.routes[index]
        since = time_s - self.start_s[index]
        position = np.array([np.interp(since, times, enu[:, axis]) for axis in range(3)])
        return position, float(np.interp(since, times, heights))

    def sight(self, radars: RadarNetwork) -> list[DetectionBatch]:
        """The references' plots from the looks of the radars' last scan
        (:attr:`RadarNetwork.last_looks`), one batch per look and radar that saw any."""
        batches = []
        for look_s, looking in radars.last_looks:
            flying, position, height = self.aircraft_at(look_s)
            batches += radars.sight(
                look_s, looking, np.concatenate([self.point_position_m, position]),
                np.concatenate([self.point_height_m, height]),
                np.concatenate([self.point_rcs_m2, self.aircraft_rcs_m2[flying]]),
                self._radar_rngs, REFERENCE_PLOT_ID)
        return batches

    def reports(self, end_s: float) -> NavigationReports:
        """The aircraft's navigation reports due up to ``end_s`` and not yet made."""
        times, owners = [], []
        for index in range(self.start_s.size):
            due = self.start_s[index] + self.report_interval_s[index] * np.arange(
                self._next_report[index], np.floor(
                    (min(end_s, self.end_s[index]) - self.start_s[index])
                    / self.report_interval_s[index] + 1e-9) + 1)
            self._next_report[index] += due.size
            times.append(due)
            owners.append(np.full(due.size, index))
        time_s = np.concatenate(times) if times else np.zeros(0)
        aircraft = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
        order = np.lexsort((aircraft, time_s))
        time_s, aircraft = time_s[order], aircraft[order]
        position = np.zeros((time_s.size, 3))
        for row, (when, index) in enumerate(zip(time_s.tolist(), aircraft.tolist(),
                                                strict=True)):
            position[row] = self._on_route(index, when)[0]
        noise = self._navigation_rng.standard_normal((time_s.size, 3))
        position += self.report_error_m[aircraft] + self.report_sigma_m[aircraft, None] * noise
        return NavigationReports(time_s, aircraft, position)


def merge_scans(scans: list[DetectionBatch],
                sightings: list[DetectionBatch]) -> list[DetectionBatch]:
    """The radars' scans with the references' plots of the same look appended to them (a
    look that reported nothing else gets a batch of its own), in time then radar order."""
    if not sightings:
        return scans
    extra = {(batch.time_s, batch.radar_index): batch for batch in sightings}
    merged = []
    for batch in scans:
        more = extra.pop((batch.time_s, batch.radar_index), None)
        merged.append(batch if more is None else _joined(batch, more))
    merged += extra.values()
    return sorted(merged, key=lambda batch: (batch.time_s, batch.radar_index))


def _joined(batch: DetectionBatch, more: DetectionBatch) -> DetectionBatch:
    """``batch`` with the rows of ``more`` (same radar and time) after its own; a range
    rate the added rows lack is NaN."""
    columns = {}
    for field in dataclasses.fields(DetectionBatch):
        name = field.name
        if name in ("radar_index", "time_s"):
            continue
        first, second = getattr(batch, name), getattr(more, name)
        if first is None and second is None:
            columns[name] = None
            continue
        if first is None:
            first = np.full(batch.size, np.nan)
        if second is None:
            second = np.full(more.size, np.nan)
        columns[name] = np.concatenate([first, second])
    return DetectionBatch(batch.radar_index, batch.time_s, **columns)
