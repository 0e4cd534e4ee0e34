"""Burn-through of a scenario's self-screening jammers: for every radar that can be jammed
and every threat group that carries a jammer, the range inside which the radar detects the
group's threats through their own jamming (Pd 0.5 at the radar's Pfa, pulses and Swerling
case, mainbeam, noise included: :func:`iadsim.sensors.jamming.detection_range_under_jamming_m`),
beside the range without jamming. Stand-off jammers are not in this table (their effect
depends on the geometry of each look); the run's detections show it.
"""

from __future__ import annotations

from typing import Any

from iadsim.scenario.schema import Scenario
from iadsim.sensors.detection import required_snr_db
from iadsim.sensors.jamming import detection_range_under_jamming_m
from iadsim.sensors.radar import radar_sites
from iadsim.world.geodesy import LocalFrame

#: Pd at which burn-through is reported.
BURN_THROUGH_PD = 0.5


def burn_through_table(scenario: Scenario) -> list[dict[str, Any]]:
    """One row per (jammable radar, self-screening group): ``sensor``, ``group``,
    ``burn_through_km`` (jammed) and ``unjammed_km`` (the same radar, no jamming), both at
    Pd :data:`BURN_THROUGH_PD` for the group's ``rcs_m2``, before instrumented range and
    horizon limits. Empty when no group carries a jammer."""
    groups = [group for group in scenario.threats if group.jammer is not None]
    if not groups:
        return []
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg, 0.0)
    rows = []
    for site in radar_sites(scenario, frame):
        if site.jammer_constant <= 0.0:
            continue
        required = float(required_snr_db(BURN_THROUGH_PD, site.pfa, site.pulses_per_dwell,
                                         site.swerling))
        for group in groups:
            assert group.jammer is not None
            jnr_at_one_metre = (site.jammer_constant * group.jammer.erp_w
                                / max(group.jammer.bandwidth_hz, site.receiver_bandwidth_hz))
            jammed, clear = (float(detection_range_under_jamming_m(
                required, group.rcs_m2, site.snr_at_one_metre, jnr)) for jnr in
                (jnr_at_one_metre, 0.0))
            rows.append({"sensor": site.name, "group": group.name,
                         "burn_through_km": round(jammed / 1e3, 3),
                         "unjammed_km": round(clear / 1e3, 3)})
    return rows
