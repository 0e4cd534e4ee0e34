"""Physical and practical bounds on scenario values, each with the reason for it.

The schema (:mod:`iadsim.scenario.schema`) says what type a field has and which values are
meaningless (a negative range); this module says which values are absurd for the models
here (a drone at a million metres a second, a cost of 1e308 dollars, a tracker noise
that overflows a float) or would exhaust the machine (20,000 radars). Every bound has a
reason, printed with the error, so that a user who meets one knows whether to change the
value or the model.

- :data:`FIELD_BOUNDS`: ``(model, field) -> (low, high, reason)``, checked on every field
  as the model is built (:meth:`iadsim.scenario.schema.StrictModel._within_bounds`), so a
  :class:`~iadsim.scenario.schema.Scenario` built in Python is held to them too.
- :data:`LIST_BOUNDS`: the longest list each list field may hold, checked the same way.
- :func:`bound_problems`: the bounds that span several fields (the speed of a threat by
  its kind, false alarms per scan, a route's legs, lanes, a ballistic missile's range).

The tables are the documentation: docs/robustness.md lists them ("Documented bounds").
"""

from __future__ import annotations

import math
from typing import Any

#: Escape velocity at the earth's surface (m/s): nothing a scenario flies goes faster.
ESCAPE_VELOCITY_MPS = 11_186.0
#: The longest run (s), as ``sim.duration_s`` allows.
LONGEST_RUN_S = 7 * 86_400.0
DAY_S = 86_400.0

#: Fastest speed of each waypoint threat kind (m/s), with the reason.
THREAT_SPEED_LIMITS_MPS: dict[str, tuple[float, str]] = {
    "aircraft": (1_200.0, "Mach 3.5, above the fastest crewed aircraft flown"),
    "cruise_missile": (3_500.0, "Mach 10, above hypersonic cruise missiles"),
    "drone": (400.0, "above jet-powered one-way attack drones"),
    "target_drone": (1_200.0, "Mach 3.5, above supersonic target drones"),
}
#: The ballistic flight model's validity (threats/ballistic_flight.py: short- and
#: medium-range missiles, no lift, no separating re-entry vehicle).
BALLISTIC_MAX_APOGEE_KM = 1_500.0
BALLISTIC_MAX_GROUND_RANGE_KM = 5_500.0
#: Expected false alarms per radar scan (pfa x resolution_cells).
MAX_FALSE_ALARMS_PER_SCAN = 100.0
#: The widest spread of one group's lanes, (lanes - 1) x lane_spacing_m.
MAX_LANE_SPREAD_M = 200_000.0
#: The shortest leg of a route (m): a leg shorter than this has no direction.
MIN_LEG_M = 1.0

_BALLISTIC_REASON = ("the ballistic flight model is valid for short- and medium-range "
                     "missiles")
_TIME_REASON = "at most the longest run, 7 days"
_COST_REASON = "above the cost of any single weapon or aircraft"
_SPEED_REASON = "escape velocity: nothing in this model flies faster"
_NOISE_REASON = "1,000 m/s^2 (100 g) is above any manoeuvre the filter must follow"

#: ``(model class name, field) -> (low or None, high or None, reason)``. A model's bounds
#: include those of the classes it derives from (``Sited`` for a radar's height).
FIELD_BOUNDS: dict[tuple[str, str], tuple[float | None, float | None, str]] = {
    # Time.
    ("ThreatGroup", "start_s"): (None, LONGEST_RUN_S, _TIME_REASON),
    ("ThreatGroup", "spacing_s"): (None, LONGEST_RUN_S, _TIME_REASON),
    ("Outage", "start_s"): (None, LONGEST_RUN_S, _TIME_REASON),
    ("Outage", "end_s"): (None, 2 * LONGEST_RUN_S, "at most twice the longest run"),
    ("Fault", "start_s"): (None, LONGEST_RUN_S, _TIME_REASON),
    ("Fault", "end_s"): (None, 2 * LONGEST_RUN_S, "at most twice the longest run"),
    ("Radar", "revisit_s"): (0.01, DAY_S, "from 10 ms (a phased array's dwell) to a day"),
    ("Radar", "latency_s"): (None, DAY_S, "a report older than a day is no report"),
    ("Battery", "reload_s"): (None, DAY_S, "a reload longer than a day is a resupply"),
    ("Battery", "reaction_time_s"): (None, DAY_S, "at most a day"),
    ("Battery", "link_latency_s"): (None, DAY_S, "at most a day"),
    ("Doctrine", "cycle_s"): (0.01, 3_600.0, "from 10 ms to an hour"),
    ("Doctrine", "salvo_interval_s"): (None, 3_600.0, "at most an hour"),
    ("Doctrine", "kill_assessment_delay_s"): (None, 3_600.0, "at most an hour"),
    ("Doctrine", "fire_control_track_age_s"): (None, 3_600.0, "at most an hour"),
    ("Tracking", "tentative_timeout_s"): (None, DAY_S, "at most a day"),
    ("Tracking", "coast_timeout_s"): (None, DAY_S, "at most a day"),
    ("InterceptorType", "max_flight_time_s"): (None, 3_600.0, "an hour of flight"),
    ("InterceptorType", "boost_time_s"): (None, 1_000.0, "longer than any rocket motor burns"),
    ("InterceptorType", "sustain_time_s"): (None, 3_600.0, "an hour of flight"),
    ("InterceptorType", "guidance_time_constant_s"): (None, 10.0,
                                                      "a slower filter cannot guide"),
    ("ThreatGroup", "burn_time_s"): (None, 1_000.0, "longer than any rocket motor burns"),
    ("ThreatGroup", "weave_period_s"): (None, 3_600.0, "at most an hour"),
    # Speed and acceleration.
    ("ThreatGroup", "speed_mps"): (None, ESCAPE_VELOCITY_MPS, _SPEED_REASON),
    ("Waypoint", "speed_mps"): (None, ESCAPE_VELOCITY_MPS, _SPEED_REASON),
    ("InterceptorType", "speed_mps"): (None, ESCAPE_VELOCITY_MPS, _SPEED_REASON),
    ("InterceptorType", "launch_speed_mps"): (None, ESCAPE_VELOCITY_MPS, _SPEED_REASON),
    ("InterceptorType", "min_speed_mps"): (None, ESCAPE_VELOCITY_MPS, _SPEED_REASON),
    ("InterceptorType", "max_target_speed_mps"): (None, ESCAPE_VELOCITY_MPS, _SPEED_REASON),
    ("InterceptorType", "muzzle_velocity_mps"): (None, 5_000.0,
                                                 "above any gun or railgun muzzle velocity"),
    ("InterceptorType", "rate_of_fire_rpm"): (None, 10_000.0, "above any fielded gun"),
    ("InterceptorType", "max_lateral_acceleration_g"): (None, 200.0,
                                                        "above any airframe's limit"),
    ("Tracking", "max_target_speed_mps"): (None, ESCAPE_VELOCITY_MPS, _SPEED_REASON),
    ("Tracking", "initial_speed_sigma_mps"): (None, ESCAPE_VELOCITY_MPS, _SPEED_REASON),
    ("Tracking", "process_noise_mps2"): (None, 1_000.0, _NOISE_REASON),
    ("ThreatGroup", "max_turn_rate_deg_s"): (None, 180.0, "half a turn a second"),
    # Distance.
    ("Radar", "max_range_km"): (None, 6_000.0, "above the longest-range early-warning radars"),
    ("Radar", "ref_range_km"): (None, 6_000.0, "above the longest-range early-warning radars"),
    ("Radar", "range_sigma_m"): (None, 10_000.0, "a 10 km error is no measurement"),
    ("Radar", "azimuth_sigma_deg"): (None, 10.0, "a 10 degree error is no measurement"),
    ("Radar", "elevation_sigma_deg"): (None, 10.0, "a 10 degree error is no measurement"),
    ("InterceptorType", "max_range_km"): (None, 6_000.0, "above any interceptor's reach"),
    ("InterceptorType", "min_range_km"): (None, 6_000.0, "above any interceptor's reach"),
    ("InterceptorType", "max_altitude_m"): (None, 2_000_000.0,
                                            "above exo-atmospheric intercepts"),
    ("InterceptorType", "min_altitude_m"): (None, 2_000_000.0,
                                            "above exo-atmospheric intercepts"),
    ("InterceptorType", "seeker_range_km"): (None, 6_000.0, "above any seeker's reach"),
    ("InterceptorType", "lethal_radius_m"): (None, 1_000.0, "above any warhead's reach"),
    ("InterceptorType", "aim_error_m"): (None, 10_000.0, "a 10 km aim error never kills"),
    ("DefendedAsset", "radius_m"): (None, 100_000.0, "larger than a city; split the asset"),
    ("ThreatGroup", "lane_spacing_m"): (None, MAX_LANE_SPREAD_M,
                                        "lanes of one group fly one axis; use several "
                                        "groups for separate axes"),
    ("ThreatGroup", "weapon_range_km"): (None, 3_000.0,
                                         "above the longest stand-off weapons"),
    ("ThreatGroup", "apogee_km"): (None, BALLISTIC_MAX_APOGEE_KM, _BALLISTIC_REASON),
    ("ThreatGroup", "terminal_range_km"): (None, 1_000.0, "a terminal phase of 1,000 km"),
    ("ThreatGroup", "weave_amplitude_m"): (None, 10_000.0, "a 10 km weave"),
    ("Doctrine", "threat_corridor_m"): (None, 1_000_000.0, "1,000 km"),
    ("Tracking", "max_position_sigma_m"): (None, 1_000_000.0, "1,000 km"),
    # Size and signature.
    ("ThreatGroup", "rcs_m2"): (1e-6, 10_000.0, "from an insect to a ship"),
    ("ReferencePoint", "rcs_m2"): (1e-6, 10_000.0, "from an insect to a ship"),
    ("CooperativeAircraft", "rcs_m2"): (1e-6, 10_000.0, "from an insect to a ship"),
    ("CooperativeAircraft", "speed_mps"): (None, 1_200.0,
                                           "Mach 3.5, above the fastest crewed aircraft"),
    ("CooperativeAircraft", "start_s"): (None, LONGEST_RUN_S, _TIME_REASON),
    ("CooperativeAircraft", "report_interval_s"): (0.01, 3_600.0,
                                                   "from 100 reports a second to one an hour"),
    ("CooperativeAircraft", "report_sigma_m"): (None, 10_000.0,
                                                "a 10 km error is no position report"),
    ("ReferencePoint", "survey_sigma_m"): (None, 10_000.0, "a 10 km error is no survey"),
    ("Radar", "ref_rcs_m2"): (1e-6, 10_000.0, "from an insect to a ship"),
    ("InterceptorType", "seeker_reference_rcs_m2"): (1e-6, 10_000.0,
                                                     "from an insect to a ship"),
    ("Radar", "resolution_cells"): (None, 1e9, "a billion cells a scan"),
    ("InterceptorType", "launch_mass_kg"): (None, 1e6, "heavier than any rocket"),
    ("InterceptorType", "propellant_mass_kg"): (None, 1e6, "heavier than any rocket"),
    ("InterceptorType", "reference_area_m2"): (None, 100.0, "a 100 m^2 cross-section"),
    ("InterceptorType", "drag_coefficient"): (None, 10.0, "above any body's drag coefficient"),
    ("InterceptorType", "boost_thrust_n"): (None, 1e8, "above any rocket motor"),
    ("InterceptorType", "sustain_thrust_n"): (None, 1e8, "above any rocket motor"),
    ("InterceptorType", "seeker_angle_noise_deg"): (None, 10.0,
                                                    "a 10 degree error is no measurement"),
    ("InterceptorType", "dispersion_mrad"): (None, 1_000.0, "a radian of dispersion"),
    ("ThreatGroup", "ballistic_coefficient_kg_m2"): (None, 1e6,
                                                     "above any re-entry vehicle"),
    # Radar equation.
    ("RadarEquation", "peak_power_w"): (None, 1e10, "above any radar transmitter"),
    ("RadarEquation", "pulse_width_s"): (None, 1.0, "a pulse of a second"),
    ("RadarEquation", "frequency_hz"): (1e6, 1e12, "from HF to sub-millimetre radar"),
    ("RadarEquation", "gain_tx_db"): (-50.0, 80.0, "beyond any antenna"),
    ("RadarEquation", "gain_rx_db"): (-50.0, 80.0, "beyond any antenna"),
    ("RadarEquation", "system_temperature_k"): (None, 1e6, "a million kelvin"),
    ("RadarEquation", "loss_db"): (None, 200.0, "200 dB of loss"),
    # Money and value.
    ("ThreatGroup", "unit_cost_usd"): (None, 1e10, _COST_REASON),
    ("InterceptorType", "cost_per_round_usd"): (None, 1e10, _COST_REASON),
    ("ThreatWorth", "ballistic_missile"): (None, 1e10, _COST_REASON),
    ("ThreatWorth", "aircraft"): (None, 1e10, _COST_REASON),
    ("ThreatWorth", "cruise_missile"): (None, 1e10, _COST_REASON),
    ("ThreatWorth", "drone"): (None, 1e10, _COST_REASON),
    ("DefendedAsset", "value"): (None, 1e9, "a relative value; keep it in a readable range"),
}

#: The longest list each list field may hold (the number of entries, with the reason).
LIST_BOUNDS: dict[tuple[str, str], tuple[int, str]] = {
    ("Scenario", "sensors"): (500, "the tracker gates every radar's reports each scan"),
    ("Scenario", "batteries"): (500, "the battle manager weighs every battery each cycle"),
    ("Scenario", "interceptors"): (500, "one type a battery at most"),
    ("Scenario", "defended_assets"): (1_000, "every track is weighed against every asset"),
    ("Scenario", "threats"): (1_000, "groups; a group holds up to 100,000 threats"),
    ("Scenario", "faults"): (10_000, "a fault every minute of the longest run"),
    ("Radar", "outages"): (10_000, "an outage every minute of the longest run"),
    ("Battery", "radars"): (100, "the radars one battery fires on"),
    ("ThreatGroup", "route"): (10_000, "waypoints of one route"),
    ("ThreatGroup", "icao24"): (100_000, "aircraft of one recording"),
    ("Registration", "reference_points"): (1_000, "every scan is gated against each"),
    ("Registration", "cooperative_aircraft"): (1_000, "every scan is gated against each"),
    ("CooperativeAircraft", "route"): (10_000, "waypoints of one route"),
}


def _number(value: float) -> str:
    """``12,000``, ``0.01``, ``1e+300``: short and exact enough for a message."""
    if value != 0 and (abs(value) >= 1e7 or abs(value) < 1e-3):
        return f"{value:g}"
    return f"{value:,.6g}"


def field_bound_message(model: type, field: str, value: Any) -> str | None:
    """What is wrong with ``value`` in ``model.field`` against its bound, or None.

    Looks the field up for the model and each class it derives from.
    """
    for klass in model.__mro__:
        key = (klass.__name__, field)
        if isinstance(value, list | tuple) and key in LIST_BOUNDS:
            most, reason = LIST_BOUNDS[key]
            if len(value) > most:
                return (f"{len(value):,} entries; expected at most {most:,} ({reason})")
            return None
        if key in FIELD_BOUNDS and isinstance(value, int | float) and not isinstance(value,
                                                                                     bool):
            low, high, reason = FIELD_BOUNDS[key]
            if high is not None and value > high:
                return f"expected at most {_number(high)} ({reason}), got {_number(value)}"
            if low is not None and value < low:
                return f"expected at least {_number(low)} ({reason}), got {_number(value)}"
            return None
    return None


def _distance_m(a: Any, b: Any) -> float:
    """Straight-line distance (m) between two waypoints: great circle and climb."""
    from iadsim.scenario.references import great_circle_distance_m

    ground = great_circle_distance_m(a.lat_deg, a.lon_deg, b.lat_deg, b.lon_deg)
    return math.hypot(ground, getattr(b, "altitude_m", 0.0) - getattr(a, "altitude_m", 0.0))


def bound_problems(scenario: Any) -> list[tuple[str, str]]:
    """The bounds that span fields of a scenario whose sections are each valid:
    ``[(field_path, message), ...]``."""
    from iadsim.scenario.references import great_circle_distance_m
    from iadsim.sensors.false_alarms import scan_resolution_cells

    problems: list[tuple[str, str]] = []
    for index, radar in enumerate(scenario.sensors):
        per_scan = radar.pfa * scan_resolution_cells(radar)
        if per_scan > MAX_FALSE_ALARMS_PER_SCAN:
            problems.append((f"sensors[{index}].resolution_cells",
                             f"pfa x resolution_cells is {_number(per_scan)} false alarms a "
                             f"scan; expected at most {_number(MAX_FALSE_ALARMS_PER_SCAN)} "
                             "(each starts a tentative track; denser clutter needs a clutter "
                             "map, which this model does not have)"))
    for index, interceptor in enumerate(scenario.interceptors):
        propellant = interceptor.propellant_mass_kg
        if propellant is not None and propellant >= interceptor.launch_mass_kg:
            problems.append((f"interceptors[{index}].propellant_mass_kg",
                             f"expected less than launch_mass_kg "
                             f"({_number(interceptor.launch_mass_kg)}), got "
                             f"{_number(propellant)}"))
    for index, group in enumerate(scenario.threats):
        path = f"threats[{index}]"
        limit = THREAT_SPEED_LIMITS_MPS.get(group.kind)
        if limit is not None:
            speeds = [(f"{path}.speed_mps", group.speed_mps)] + [
                (f"{path}.route[{i}].speed_mps", point.speed_mps)
                for i, point in enumerate(group.route or [])]
            for where, speed in speeds:
                if speed is not None and speed > limit[0]:
                    problems.append((where, f"expected at most {_number(limit[0])} m/s for "
                                            f"a {group.kind} ({limit[1]}), got "
                                            f"{_number(speed)}"))
        spread = (group.lanes - 1) * group.lane_spacing_m
        if spread > MAX_LANE_SPREAD_M:
            problems.append((f"{path}.lane_spacing_m",
                             f"(lanes - 1) x lane_spacing_m is {_number(spread)} m; expected "
                             f"at most {_number(MAX_LANE_SPREAD_M)} (lanes of one group fly "
                             "one axis; use several groups for separate axes)"))
        route = group.route or []
        for i in range(1, len(route)):
            if _distance_m(route[i - 1], route[i]) < MIN_LEG_M:
                problems.append((f"{path}.route[{i}]",
                                 f"the same point as route[{i - 1}]; expected each waypoint "
                                 f"at least {_number(MIN_LEG_M)} m from the one before"))
                break
        if (len(route) >= 2 and group.lanes > 1 and group.lane_spacing_m > 0
                and great_circle_distance_m(route[0].lat_deg, route[0].lon_deg,
                                            route[1].lat_deg, route[1].lon_deg) < MIN_LEG_M):
            problems.append((f"{path}.route[1]", "lanes are offset across the first leg, "
                             "which has no horizontal length; expected route[1] at least "
                             f"{_number(MIN_LEG_M)} m across the ground from route[0]"))
        if group.kind == "ballistic_missile" and group.launch is not None:
            impact = group.impact or next((a for a in scenario.defended_assets
                                           if a.name == group.target), None)
            if impact is not None:
                range_km = great_circle_distance_m(group.launch.lat_deg, group.launch.lon_deg,
                                                   impact.lat_deg, impact.lon_deg) / 1e3
                if range_km > BALLISTIC_MAX_GROUND_RANGE_KM:
                    problems.append((f"{path}.launch",
                                     f"launch is {_number(round(range_km))} km from impact; "
                                     f"expected at most "
                                     f"{_number(BALLISTIC_MAX_GROUND_RANGE_KM)} km "
                                     f"({_BALLISTIC_REASON})"))
    return problems
