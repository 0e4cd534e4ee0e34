"""Why each split aircraft of ``recorded_traffic.py`` was split: its tracks, how each
ended and how the next began, traced against the truth after the run (issue 18).

An aircraft is split when two or more confirmed tracks follow it in its life (a track
follows the aircraft it is nearest, within the cut-off, most often:
``recorded_traffic.split_aircraft``). For each split aircraft, its tracks in order of
their first confirmed sample, and for each pair of successive tracks (the earlier, the
later) one cause:

* ``merged``: the earlier was merged into another track (``track_merge``);
* ``swapped``: the earlier went on following another aircraft (samples within the
  cut-off of another aircraft after its last sample near this one): an ID swap;
* ``taken_over``: the later track had followed another aircraft (samples within the
  cut-off of another aircraft before its first sample near this one) and came to this
  one: another aircraft's track, coasting, took this aircraft's reports (an ID swap seen
  from the other side). Its life may overlap the earlier's, but the two were never on
  this aircraft together: not a duplicate (issue 18, h-dupes: both seed-8
  ``born_beside_live`` splits of the marginal-Pd hour were such take-overs);
* ``born_beside_live``: the later track was started (``track_start``) while the earlier
  was still updated after it (two tracks at once: a report the live one did not take);
* ``left_coverage``: the aircraft was out of the radar's coverage (instrumented range,
  4/3-earth horizon at its height, elevation limits: the geometry the detection kernel
  and the tracker's miss counting test) at a scan between the earlier track's last update
  and the later track's start: a new track is then legitimate;
* ``reports_not_taken``: deleted while the aircraft stayed in coverage and was detected
  at one or more scans after the earlier track's last update, reports it did not take
  (outside its gate, or taken by another track, often the later one);
* ``misses_in_coverage``: deleted after a run of scans in coverage that did not detect
  the aircraft (the run is printed);
* ``other``: none of these (e.g. the earlier still alive at the end, never re-found).

The counts are given two ways: every split aircraft, and the aircraft split by the
tracker's making (a split of which at least one transition is not ``left_coverage``).

Only this analysis reads the truth (after the run); the tracker never does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

CAUSES = ("merged", "swapped", "taken_over", "born_beside_live", "left_coverage",
          "reports_not_taken", "misses_in_coverage", "other")
#: Samples of the earlier track near another aircraft, after its last one near this
#: aircraft, that make a swap (one could be a crossing).
SWAP_SAMPLES = 2


@dataclass(frozen=True, slots=True)
class Transition:
    """How one track of an aircraft ended and the next began."""

    aircraft: int
    earlier: int
    later: int
    cause: str
    earlier_last_update_s: float
    earlier_end_s: float  # drop or merge time; NaN if never ended
    later_start_s: float
    scans_covered: int  # scans after the earlier's last update to the later's start
    scans_detected: int  # ... of them, those that detected the aircraft
    detail: str


def nearest_aircraft(tracks: pd.DataFrame, truth: pd.DataFrame,
                     cutoff_m: float) -> np.ndarray:
    """For each row of ``tracks``, the threat id of the nearest aircraft at the same time
    within ``cutoff_m``, or -1 (int64, (len(tracks),))."""
    match = np.full(len(tracks), -1, dtype=np.int64)
    truth_by_time = {time_s: frame for time_s, frame in truth.groupby("time_s")}
    for time_s, frame in tracks.groupby("time_s"):
        live = truth_by_time.get(time_s)
        if live is None or live.empty:
            continue
        truth_position = live[["east_m", "north_m", "up_m"]].to_numpy()
        track_position = frame[["east_m", "north_m", "up_m"]].to_numpy()
        distance = np.linalg.norm(track_position[:, None, :] - truth_position[None, :, :],
                                  axis=2)
        nearest = distance.argmin(axis=1)
        close = distance[np.arange(nearest.size), nearest] < cutoff_m
        ids = np.where(close, live["threat_id"].to_numpy()[nearest], -1)
        match[tracks.index.get_indexer(frame.index)] = ids
    return match


def truth_at(truth: pd.DataFrame, aircraft: int, times_s: np.ndarray) -> np.ndarray:
    """The aircraft's true positions (k, 3) at ``times_s``, linear between the recorded
    samples (NaN outside its flight)."""
    own = truth[truth["threat_id"] == aircraft].sort_values("time_s")
    sample_time = own["time_s"].to_numpy()
    position = np.full((times_s.size, 3), np.nan)
    inside = (times_s >= sample_time[0]) & (times_s <= sample_time[-1])
    for axis, name in enumerate(("east_m", "north_m", "up_m")):
        position[inside, axis] = np.interp(times_s[inside], sample_time, own[name].to_numpy())
    return position


def explain(tracks: pd.DataFrame, truth: pd.DataFrame, events: pd.DataFrame,
            covered, cutoff_m: float) -> list[Transition]:
    """Every transition between successive tracks of each split aircraft.

    ``tracks``, ``truth``, ``events``: a run's (``RunResult``); ``covered``: a function of
    positions (k, 3) giving whether the radar covers each (k,) bool."""
    tracks = tracks.reset_index(drop=True)
    match = nearest_aircraft(tracks, truth, cutoff_m)
    tracks = tracks.assign(match=match)
    owner: dict[int, int] = {}
    for track_id, frame in tracks[tracks["match"] >= 0].groupby("track_id"):
        owner[int(track_id)] = int(frame["match"].value_counts().idxmax())
    kind = events["kind"].astype(str)
    start_s = events[kind == "track_start"].groupby("track_id")["time_s"].min()
    end = events[kind.isin(["track_drop", "track_merge"])].groupby("track_id").agg(
        time_s=("time_s", "min"), kind=("kind", "first"))
    detection = events[kind == "detection"]
    scan_times = np.unique(events.loc[kind.isin(["detection", "false_alarm"]), "time_s"])
    by_aircraft: dict[int, list[int]] = {}
    for track_id, aircraft in owner.items():
        by_aircraft.setdefault(aircraft, []).append(track_id)
    transitions: list[Transition] = []
    for aircraft, owned in sorted(by_aircraft.items()):
        if len(owned) < 2:
            continue
        first_near = {track_id: float(tracks.loc[(tracks["track_id"] == track_id)
                                                 & (tracks["match"] == aircraft),
                                                 "time_s"].min()) for track_id in owned}
        ordered = sorted(owned, key=first_near.get)
        detected_s = detection.loc[detection["threat_id"] == aircraft, "time_s"].to_numpy()
        for earlier, later in pairwise(ordered):
            transitions.append(_transition(aircraft, earlier, later, tracks, truth, start_s,
                                           end, scan_times, detected_s, covered))
    return transitions


def _transition(aircraft: int, earlier: int, later: int, tracks: pd.DataFrame,
                truth: pd.DataFrame, start_s: pd.Series, end: pd.DataFrame,
                scan_times: np.ndarray, detected_s: np.ndarray, covered) -> Transition:
    """The cause of one transition (see the module docstring)."""
    samples = tracks[tracks["track_id"] == earlier]
    last_update_s = float(samples["last_update_s"].max())
    near = samples[samples["match"] == aircraft]
    last_near_s = float(near["time_s"].max())
    after = samples[samples["time_s"] > last_near_s]
    elsewhere = after[(after["match"] >= 0) & (after["match"] != aircraft)]
    # The later track's samples near another aircraft before its first near this one.
    later_samples = tracks[tracks["track_id"] == later]
    first_near_s = float(later_samples.loc[later_samples["match"] == aircraft, "time_s"].min())
    before = later_samples[later_samples["time_s"] < first_near_s]
    came_from = before[(before["match"] >= 0) & (before["match"] != aircraft)]
    later_start_s = float(start_s.get(later, np.nan))
    end_s = float(end["time_s"].get(earlier, np.nan))
    end_kind = str(end["kind"].get(earlier, ""))
    # The scans from the earlier track's last update to the later's start (included:
    # its first plot may be this aircraft's report) or the earlier's end, if later.
    until_s = later_start_s if np.isnan(end_s) else max(later_start_s, end_s)
    window = scan_times[(scan_times > last_update_s) & (scan_times <= until_s + 1e-6)]
    position = truth_at(truth, aircraft, window)
    flying = ~np.isnan(position[:, 0])
    in_coverage = np.zeros(window.size, dtype=bool)
    if flying.any():
        in_coverage[flying] = covered(position[flying])
    detected = np.isin(np.round(window, 3), np.round(detected_s, 3))
    gap = window <= later_start_s + 1e-6
    coast = window <= (end_s if np.isfinite(end_s) else later_start_s) + 1e-6
    last = samples.loc[samples["last_update_s"].idxmax()]
    range_km = float(np.linalg.norm(last[["east_m", "north_m"]].to_numpy(float))) / 1e3
    detail = f"at {range_km:.0f} km"
    if end_kind == "track_merge":
        cause = "merged"
    elif len(elsewhere) >= SWAP_SAMPLES:
        cause = "swapped"
        detail += f", to aircraft {int(elsewhere['match'].mode().iloc[0])}"
    elif len(came_from) >= SWAP_SAMPLES:
        cause = "taken_over"
        detail += (f", later came from aircraft {int(came_from['match'].mode().iloc[0])} "
                   f"({first_near_s - float(came_from['time_s'].max()):.0f} s after its "
                   "last sample near it)")
    elif later_start_s < last_update_s:
        cause = "born_beside_live"
        detail += (f", later started {last_update_s - later_start_s:.0f} s before the "
                   "earlier's last update")
    elif (gap & flying & ~in_coverage).any():
        cause = "left_coverage"
        detail += f", {int((gap & flying & ~in_coverage).sum())} scans out of coverage"
    elif np.isnan(end_s):
        cause = "other"
        detail += ", earlier never ended"
    elif (coast & in_coverage & detected).any():
        cause = "reports_not_taken"
        detail += (f", {int((coast & in_coverage & detected).sum())} of "
                   f"{int((coast & in_coverage).sum())} scans in coverage to its end "
                   "detected it")
    else:
        cause = "misses_in_coverage"
        detail += f", a run of {int((coast & in_coverage).sum())} missed scans in coverage"
    if np.isfinite(end_s) and end_kind == "track_drop":
        detail += f", coasted {end_s - last_update_s:.0f} s"
    return Transition(aircraft, earlier, later, cause, last_update_s, end_s, later_start_s,
                      int((gap & in_coverage).sum()),
                      int((gap & in_coverage & detected).sum()), detail)


def summary(transitions: list[Transition]) -> dict:
    """Counts by cause, and split aircraft: all, and those split by the tracker's making
    (a transition other than ``left_coverage``)."""
    counts = Counter(transition.cause for transition in transitions)
    aircraft = {transition.aircraft for transition in transitions}
    made = {transition.aircraft for transition in transitions
            if transition.cause != "left_coverage"}
    return {"split_aircraft": len(aircraft), "split_aircraft_tracker_made": len(made),
            "transitions": {cause: counts.get(cause, 0) for cause in CAUSES}}


def describe(transitions: list[Transition]) -> list[str]:
    """One line per transition, for reading."""
    return [f"aircraft {t.aircraft}: track {t.earlier} -> {t.later}: {t.cause} "
            f"(earlier last update {t.earlier_last_update_s:.0f} s, ended "
            f"{t.earlier_end_s:.0f} s; later started {t.later_start_s:.0f} s; "
            f"{t.scans_covered} scans in coverage between, {t.scans_detected} detected it)"
            f"{': ' + t.detail if t.detail else ''}" for t in transitions]


def radar_coverage(scenario):
    """A function of positions (k, 3) (scenario ENU, m) giving whether any of the
    scenario's radars covers each (k,) bool: the geometry the detection kernel and the
    tracker's miss counting test (:func:`iadsim.sensors.coverage_geometry.coverage_matrix`),
    at each point's height above a flat ground at the origin's elevation."""
    from iadsim.sensors.coverage_geometry import coverage_matrix, coverage_table
    from iadsim.sensors.radar import radar_sites
    from iadsim.world.geodesy import LocalFrame

    earth_radius_m = 6_371_000.0
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg, 0.0)
    sites = radar_sites(scenario, frame)
    site_position = np.array([site.position_enu_m for site in sites]).reshape(-1, 3)
    site_rotation = np.array([site.to_local for site in sites]).reshape(-1, 3, 3)
    table = coverage_table(sites)
    ground_m = scenario.origin.ground_elevation_m

    def covered(position_m: np.ndarray) -> np.ndarray:
        position_m = np.ascontiguousarray(position_m, dtype=float).reshape(-1, 3)
        height_m = (position_m[:, 2] + (position_m[:, 0] ** 2 + position_m[:, 1] ** 2)
                    / (2.0 * earth_radius_m) - ground_m)
        return coverage_matrix(position_m, np.ascontiguousarray(height_m), site_position,
                               site_rotation, table).any(axis=1)

    return covered
