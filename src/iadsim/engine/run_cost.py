"""What a run will cost, estimated from the scenario before it starts, and the budget.

A scenario can be valid field by field and still ask for more than a machine has: ten
thousand threats seen by eight radars every second for a week log billions of detections.
:func:`estimate` bounds the work from above, from the scenario alone (no trajectory is
flown): each threat is counted in flight from its launch until its route's end (or the
end of the run, for ballistic missiles and recordings), and seen by a radar at every scan
while its path (sampled along the route, widened by the group's lanes) is within the
radar's instrumented range, whatever the horizon and its detection probability; false
alarms are ``pfa x resolution_cells`` a scan. :func:`over_budget`
compares the estimate with the budget and says how to raise it.

The budget (documented in docs/robustness.md, "The run budget"):

- :data:`DEFAULT_MAX_EVENTS` events in the log (47 bytes each in memory, about three
  times that at its peak while sorted and written): ``--max-events`` or
  ``iadsim.run(..., max_events=...)`` raises it; ``sim.record_detections: false`` leaves
  detections and false alarms out of the log;
- :data:`LOOKS_PER_EVENT` x max-events threat-radar looks (the detection test of one
  threat by one radar at one scan: the run's work grows with it, logged or not).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from iadsim.scenario.references import great_circle_distance_m
from iadsim.scenario.schema import Scenario, ThreatGroup
from iadsim.sensors.false_alarms import scan_resolution_cells

#: Events a run may log by default (about 1 GB in memory, 3 GB at its peak).
DEFAULT_MAX_EVENTS = 20_000_000
#: Threat-radar looks allowed per event of the budget (a look costs far less than a
#: logged event; 1,000 x 20 M = 2e10 looks is some minutes of detection tests).
LOOKS_PER_EVENT = 1_000
#: Events logged per threat besides its detections (launch, tracks, assignments, rounds,
#: kill assessment, fate): a generous round figure.
EVENTS_PER_THREAT = 30
#: Events logged per false alarm when detections are recorded (the false alarm, the
#: tentative track's start and drop), and when not (its track start and drop).
EVENTS_PER_FALSE_ALARM = 3


@dataclass(frozen=True, slots=True)
class RunCost:
    """An upper estimate of one run's size."""

    threats: int
    radars: int
    steps: int
    threat_seconds: float  # sum over threats of the time each may fly in the run
    looks: float  # threat-radar detection tests: threats in flight x radar scans
    false_alarms: float  # expected over the run, all radars
    events: float  # expected in the log

    def describe(self) -> str:
        """``24 threats x 8 radars x 1,800 steps: up to 1.2e+05 looks, ...``."""
        return (f"{self.threats:,} threats x {self.radars:,} radars x {self.steps:,} steps: "
                f"up to {self.looks:.3g} threat-radar looks, {self.false_alarms:.3g} false "
                f"alarms expected, up to {self.events:.3g} events")


def _route_time_s(group: ThreatGroup) -> float:
    """Time to fly a waypoint group's route at its speeds (s), inf when unknown."""
    route = group.route or []
    total = 0.0
    for start, end in itertools.pairwise(route):
        speed = start.speed_mps or group.speed_mps
        if not speed:
            return math.inf
        ground = great_circle_distance_m(start.lat_deg, start.lon_deg, end.lat_deg,
                                         end.lon_deg)
        total += math.hypot(ground, end.altitude_m - start.altitude_m) / speed
    # Turns and terminal manoeuvres lengthen the path a little; the estimate is an upper
    # bound, so allow a quarter more.
    return 1.25 * total if route else math.inf


#: Points sampled along a group's path to find the share of its flight in a radar's range.
PATH_SAMPLES = 256


def _path_samples(group: ThreatGroup, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes (deg) at equal times along a group's path (empty when
    unknown: a recording). Ballistic missiles: along the great circle (linear in
    degrees, good enough for an estimate)."""
    if group.recording is not None:
        return np.zeros(0), np.zeros(0)
    if group.kind == "ballistic_missile":
        impact = group.impact or next((a for a in scenario.defended_assets
                                       if a.name == group.target), None)
        if group.launch is None or impact is None:
            return np.zeros(0), np.zeros(0)
        points = [(group.launch.lat_deg, group.launch.lon_deg, 1.0),
                  (impact.lat_deg, impact.lon_deg, 1.0)]
        times = np.array([0.0, 1.0])
    else:
        route = group.route or []
        if len(route) < 2:
            return np.zeros(0), np.zeros(0)
        points = [(p.lat_deg, p.lon_deg, 0.0) for p in route]
        legs = [great_circle_distance_m(a.lat_deg, a.lon_deg, b.lat_deg, b.lon_deg)
                / (a.speed_mps or group.speed_mps or 1.0)
                for a, b in itertools.pairwise(route)]
        times = np.concatenate([[0.0], np.cumsum(legs)])
    if times[-1] <= 0:
        times = np.linspace(0.0, 1.0, len(points))
    at = np.linspace(0.0, times[-1], PATH_SAMPLES)
    lat = np.interp(at, times, [p[0] for p in points])
    lon = np.interp(at, times, np.rad2deg(np.unwrap(np.deg2rad([p[1] for p in points]))))
    return lat, lon


def _share_in_range(lat: np.ndarray, lon: np.ndarray, radar_lat: float, radar_lon: float,
                    reach_m: float) -> float:
    """Share of the samples within ``reach_m`` of the radar across the ground (1 when
    the path is unknown)."""
    if lat.size == 0:
        return 1.0
    phi1, phi2 = np.deg2rad(lat), np.deg2rad(radar_lat)
    half = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(
        np.deg2rad(radar_lon - lon) / 2) ** 2
    ground = 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.minimum(half, 1.0)))
    return float((ground <= reach_m).mean())


def _threat_count(group: ThreatGroup) -> int:
    """Threats of a group; a recording counts its aircraft."""
    if group.recording is None:
        return group.count
    from iadsim.threats.recording import read_recording

    return int(read_recording(group.recording, group.icao24).size)


def estimate(scenario: Scenario) -> RunCost:
    """An upper estimate of the run's looks, false alarms and events (see module doc)."""
    duration = scenario.sim.duration_s
    steps = math.ceil(duration / scenario.sim.dt_s - 1e-9)
    threats, threat_seconds, looks = 0, 0.0, 0.0
    for group in scenario.threats:
        count = _threat_count(group)
        threats += count
        if group.recording is not None:
            seconds = count * max(0.0, duration - group.start_s)
        else:
            flight = (_route_time_s(group) if group.kind != "ballistic_missile"
                      else math.inf)
            launch = group.start_s + np.arange(count) * group.spacing_s
            seconds = float(np.clip(duration - launch, 0.0, flight).sum())
        threat_seconds += seconds
        lat, lon = _path_samples(group, scenario)
        spread_m = (group.lanes - 1) * group.lane_spacing_m / 2 + 1_000.0
        for radar in scenario.sensors:
            share = _share_in_range(lat, lon, radar.lat_deg, radar.lon_deg,
                                    radar.max_range_km * 1e3 + spread_m)
            looks += seconds * share / radar.revisit_s
    false_alarms = duration * sum(radar.pfa * scan_resolution_cells(radar) / radar.revisit_s
                                  for radar in scenario.sensors)
    recorded = scenario.sim.record_detections
    events = (EVENTS_PER_THREAT * threats + (looks if recorded else 0.0)
              + false_alarms * (EVENTS_PER_FALSE_ALARM if recorded
                                else EVENTS_PER_FALSE_ALARM - 1))
    return RunCost(threats=threats, radars=len(scenario.sensors), steps=steps,
                   threat_seconds=threat_seconds, looks=looks, false_alarms=false_alarms,
                   events=events)


def over_budget(cost: RunCost, max_events: int = DEFAULT_MAX_EVENTS,
                function: str = "iadsim.run") -> str | None:
    """Why the run is over budget, with how to raise the limit (``--max-events`` or
    ``function(..., max_events=N)``); None when it fits."""
    if cost.events > max_events:
        hint = ("set sim.record_detections: false to leave detections out of the log, or "
                if cost.looks > cost.events / 2 else "")
        return (f"run too large: {cost.describe()}; expected at most {max_events:,} events "
                f"({hint}raise the limit with --max-events or {function}(..., max_events=N); "
                "about 150 bytes of memory an event at the peak)")
    if cost.looks > LOOKS_PER_EVENT * max_events:
        return (f"run too large: {cost.describe()}; expected at most "
                f"{LOOKS_PER_EVENT * max_events:.3g} threat-radar looks ({LOOKS_PER_EVENT:,} "
                "x the event limit: fewer threats, radars or scans, or raise the limit with "
                f"--max-events or {function}(..., max_events=N))")
    return None


def check_replications(runs: Iterable[tuple[str, Scenario]], max_events: int,
                       function: str) -> None:
    """Refuse a campaign (Monte Carlo, sweep, trial, inventory) before anything starts when
    one of its runs is over budget: every replication of a scenario has the same estimate
    (it does not depend on the seed), so one estimate per distinct run suffices, e.g. per
    variant of a sweep or per night of an inventory campaign.

    ``runs``: ``(label, scenario)`` pairs; the label names the run in the message
    (``"variant threats.drone-wave.count=400"``, ``"night of day 3"``; empty for a single
    scenario). The refusal names the largest run over budget, so that one raised limit
    admits them all.

    Raises
    ------
    ScenarioError
        One problem: ``<scenario NAME>: LABEL: run too large: ...`` (how to raise the limit
        included).
    """
    from iadsim.errors import ScenarioError

    _check_max_events(max_events)
    worst: tuple[float, str, Scenario, str] | None = None
    for label, scenario in runs:
        cost = estimate(scenario)
        refusal = over_budget(cost, max_events, function)
        if refusal is not None and (worst is None or cost.events > worst[0]):
            worst = (cost.events, label, scenario, refusal)
    if worst is not None:
        _, label, scenario, refusal = worst
        raise ScenarioError(f"<scenario {scenario.name}>", [(label, refusal)])


def _check_max_events(max_events: object) -> None:
    """``max_events`` must be an int of at least 1 (not a bool)."""
    if isinstance(max_events, bool) or not isinstance(max_events, int) or max_events < 1:
        raise ValueError(f"max_events must be an integer >= 1, got {max_events!r}")
