"""Checks that span sections of a scenario: names that must exist, be unique, or agree.

Each problem is ``(field_path, message)`` so the loader can report it in one line.
"""

from __future__ import annotations

import math

from iadsim.scenario.campaign_schema import campaign_reference_problems
from iadsim.scenario.schema import Scenario

MAX_TOTAL_THREATS = 200_000
MEAN_EARTH_RADIUS_M = 6_371_008.8
#: An unknown name's message lists at most this many of the known ones.
MAX_LISTED = 20


def great_circle_distance_m(lat1_deg: float, lon1_deg: float, lat2_deg: float,
                            lon2_deg: float) -> float:
    """Haversine distance on the mean-radius sphere (metres); good to ~0.5 % for checks."""
    lat1, lat2 = math.radians(lat1_deg), math.radians(lat2_deg)
    half_dlat = (lat2 - lat1) / 2
    half_dlon = math.radians(lon2_deg - lon1_deg) / 2
    a = math.sin(half_dlat) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_dlon) ** 2
    return 2 * MEAN_EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _duplicate_problems(section: str, names: list[str]) -> list[tuple[str, str]]:
    seen: dict[str, int] = {}
    problems = []
    for index, name in enumerate(names):
        if name in seen:
            problems.append((f"{section}[{index}].name",
                             f"duplicate name {name!r} (also {section}[{seen[name]}]); "
                             "expected unique names"))
        seen.setdefault(name, index)
    return problems


def _unknown(kind: str, name: str, known: list[str]) -> str:
    listed = ", ".join(repr(k) for k in known[:MAX_LISTED]) if known else (
        f"none declared in {kind}")
    if len(known) > MAX_LISTED:
        listed += f" (and {len(known) - MAX_LISTED:,} more)"
    singular = kind[:-1] if kind.endswith("s") else kind
    return f"unknown {singular} {name!r}; expected one of: {listed}"


def reference_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """All cross-section problems of a scenario whose sections are each valid."""
    problems: list[tuple[str, str]] = []
    radar_names = [r.name for r in scenario.sensors]
    interceptor_names = [i.name for i in scenario.interceptors]
    assets = {a.name: a for a in scenario.defended_assets}
    problems += _duplicate_problems("defended_assets", [a.name for a in scenario.defended_assets])
    problems += _duplicate_problems("sensors", radar_names)
    problems += _duplicate_problems("interceptors", interceptor_names)
    problems += _duplicate_problems("batteries", [b.name for b in scenario.batteries])
    problems += _duplicate_problems("threats", [t.name for t in scenario.threats])

    for b_index, battery in enumerate(scenario.batteries):
        for r_index, radar in enumerate(battery.radars):
            if radar not in radar_names:
                problems.append((f"batteries[{b_index}].radars[{r_index}]",
                                 _unknown("sensors", radar, radar_names)))
        if battery.interceptor not in interceptor_names:
            problems.append((f"batteries[{b_index}].interceptor",
                             _unknown("interceptors", battery.interceptor, interceptor_names)))

    battery_names = [b.name for b in scenario.batteries]
    for f_index, fault in enumerate(scenario.faults):
        known = radar_names if fault.kind == "radar_down" else radar_names + battery_names
        if fault.target not in known:
            section = "sensors" if fault.kind == "radar_down" else "radar or battery"
            problems.append((f"faults[{f_index}].target", _unknown(section, fault.target, known)))

    total = sum(group.count for group in scenario.threats)
    if total > MAX_TOTAL_THREATS:
        problems.append(("threats", f"{total} threats in all; expected at most "
                                    f"{MAX_TOTAL_THREATS}"))

    for t_index, group in enumerate(scenario.threats):
        path = f"threats[{t_index}]"
        target = assets.get(group.target) if group.target is not None else None
        if group.target is not None and target is None:
            problems.append((f"{path}.target", _unknown("defended_assets", group.target,
                                                        list(assets))))
            continue
        if group.kind == "ballistic_missile":
            impact = group.impact or target
            if group.launch is None or impact is None:  # already reported by the schema
                continue
            distance_m = great_circle_distance_m(group.launch.lat_deg, group.launch.lon_deg,
                                                 impact.lat_deg, impact.lon_deg)
            if distance_m < 1_000.0:
                problems.append((f"{path}.launch",
                                 f"launch is {distance_m:.0f} m from impact; expected at least "
                                 "1 km of ground range"))
        elif target is not None and group.route:
            end = group.route[-1]
            miss_m = great_circle_distance_m(end.lat_deg, end.lon_deg, target.lat_deg,
                                             target.lon_deg)
            allowed_m = target.radius_m + group.weapon_range_km * 1_000.0
            if miss_m > allowed_m * 1.01 + 100.0:
                problems.append((f"{path}.route[{len(group.route) - 1}]",
                                 f"the last waypoint is {miss_m / 1000:.1f} km from target "
                                 f"{group.target!r}; expected within its radius_m plus "
                                 f"weapon_range_km ({allowed_m / 1000:.1f} km)"))
    problems += _radar_environment_problems(scenario) + _registration_problems(scenario)
    return problems + campaign_reference_problems(scenario, MAX_TOTAL_THREATS)


def _registration_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """References need the bias estimation they feed, and names of their own."""
    registration = scenario.registration
    if registration is None:
        return []
    problems = []
    if not scenario.tracking.bias_estimation:
        problems.append(("tracking.bias_estimation", "registration references are used by "
                         "the bias estimation; expected true (got false)"))
    seen: dict[str, str] = {}
    for section in ("reference_points", "cooperative_aircraft"):
        for index, reference in enumerate(getattr(registration, section)):
            path = f"registration.{section}[{index}]"
            if reference.name in seen:
                problems.append((f"{path}.name", f"duplicate name {reference.name!r} (also "
                                 f"{seen[reference.name]}); expected unique reference names"))
            seen.setdefault(reference.name, path)
    return problems


def _radar_environment_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Clutter needs a radar's beam and range cell; jamming needs its receive side."""
    problems = []
    jammed = bool(scenario.jammers) or any(group.jammer is not None
                                           for group in scenario.threats)
    for index, radar in enumerate(scenario.sensors):
        surface = radar.surface if radar.surface is not None else scenario.surface
        if surface.kind != "none" and radar.range_resolution_m is None:
            problems.append((f"sensors[{index}].range_resolution_m", (
                f"surface clutter ({surface.kind}) needs the radar's range cell and beams: "
                "give range_resolution_m, azimuth_beamwidth_deg and elevation_beamwidth_deg")))
        if jammed and radar.radar_equation is None and radar.receiver is None:
            problems.append((f"sensors[{index}].receiver", (
                "the scenario has jammers: give the radar's receiver (gain_rx_db, "
                "frequency_hz, bandwidth_hz) or radar_equation, so its J/N can be computed")))
    return problems
